#!/usr/bin/env python3
"""examples/lsp/echo_peer.py — a native Linux TCP echo server for the example's Windows client.

Binds 127.0.0.1 on a port the kernel picks, prints "listening on port N" (flushed), echoes one
connection until the client shuts down its side, prints "echoed N bytes" and exits 0. Gives up
after 30 seconds without a client.
"""
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(30)
s.bind(("127.0.0.1", 0))
s.listen(1)
print(f"listening on port {s.getsockname()[1]}", flush=True)
c, _ = s.accept()
c.settimeout(30)
total = 0
while True:
    data = c.recv(65536)
    if not data:
        break
    c.sendall(data)
    total += len(data)
c.shutdown(socket.SHUT_WR)
c.close()
print(f"echoed {total} bytes", flush=True)
