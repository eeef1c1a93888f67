#!/usr/bin/env bash
# echo.exe under ws2emu-run talking to native Linux peers (python3 sockets) and to itself, for
# TCP and UDP over IPv4 and IPv6:
#   pe-server-<proto><v>   echo.exe server under ws2emu-run  <-> a native python3 client
#   pe-client-<proto><v>   a native python3 server           <-> echo.exe client under ws2emu-run
#   pe-pe-<proto><v>       echo.exe server under ws2emu-run  <-> echo.exe client under ws2emu-run
# The Python peers send and check the same messages as echo.exe (sizes and byte pattern).
# Usage: echo_test.sh WS2EMU_RUN ECHO_EXE [PYTHON3]
set -u
run=$1 exe=$2 python=${3:-python3}
source "$(dirname "$0")/../expect.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The peer, in Python: `peer.py server tcp|udp 4|6` and `peer.py client tcp|udp 4|6 PORT`, the
# same contract as echo.exe.
cat >"$work/peer.py" <<'EOF'
import socket, sys
SIZES = [1, 100, 1400, 4096, 65536, 262144]
MAX_DATAGRAM, DATAGRAMS = 60000, 5
def pattern(m, size):
    return bytes((i * 7 + m * 13 + (i >> 8)) & 0xff for i in range(size))
role, proto, v = sys.argv[1], sys.argv[2], sys.argv[3]
family = socket.AF_INET if v == "4" else socket.AF_INET6
host = "127.0.0.1" if v == "4" else "::1"
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(family, kind)
s.settimeout(20)
if role == "server":
    s.bind((host, 0))
    if proto == "tcp":
        s.listen(1)
    print(f"listening on port {s.getsockname()[1]}", flush=True)
    if proto == "tcp":
        c, _ = s.accept()
        total = 0
        while True:
            data = c.recv(65536)
            if not data:
                break
            c.sendall(data)
            total += len(data)
        c.shutdown(socket.SHUT_WR)
        c.close()
        print(f"echoed {total} bytes")
    else:
        for _ in range(DATAGRAMS):
            data, peer = s.recvfrom(65536)
            s.sendto(data, peer)
        print(f"echoed {DATAGRAMS} datagrams")
else:
    s.connect((host, int(sys.argv[4])))
    count, total = 0, 0
    for m, size in enumerate(SIZES):
        if proto == "udp":
            if m >= DATAGRAMS:
                break
            size = min(size, MAX_DATAGRAM)
        out = pattern(m, size)
        if proto == "tcp":
            s.sendall(out)
            back = b""
            while len(back) < size:
                chunk = s.recv(size - len(back))
                if not chunk:
                    sys.exit(f"peer: the server closed with {size - len(back)} bytes expected")
                back += chunk
        else:
            s.send(out)
            back = s.recv(size + 1)
        if back != out:
            sys.exit(f"peer: message {m} ({size} bytes) came back different")
        count, total = count + 1, total + size
    if proto == "tcp":
        s.shutdown(socket.SHUT_WR)
        if s.recv(1) != b"":
            sys.exit("peer: data after the echo")
    s.close()
    print(f"echo ok ({count} messages, {total} bytes)")
EOF

# start_server NAME COMMAND...: starts a server in the background, its output in
# $work/NAME.out; sets server_pid and port (empty if it printed no port within 20 s).
start_server() {
  local name=$1
  shift
  "$@" >"$work/$name.out" 2>&1 &
  server_pid=$!
  port=
  for _ in $(seq 200); do
    port=$(sed -n 's/^listening on port \([0-9][0-9]*\).*/\1/p' "$work/$name.out")
    [ -n "$port" ] && return
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
}

# finish_server NAME PATTERN: waits for the server (20 s at most) and checks it exited 0 and
# printed PATTERN.
finish_server() {
  local name=$1 pattern=$2 rc
  for _ in $(seq 200); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid"
    fail "$name server: still running after 20 s, output:"
    cat "$work/$name.out"
    return
  fi
  wait "$server_pid"
  rc=$?
  if [ "$rc" -eq 0 ] && grep -qE -- "$pattern" "$work/$name.out"; then
    pass
  else
    fail "$name server: exit $rc (want 0, /$pattern/), output:"
    cat "$work/$name.out"
  fi
}

# pair NAME SERVER_CMD CLIENT_CMD PROTO V: one server and one client.
pair() {
  local name=$1 server=$2 client=$3 proto=$4 v=$5 echoed
  start_server "$name" $server server "$proto" "$v"
  if [ -z "$port" ]; then
    fail "$name: the server printed no port, output:"
    cat "$work/$name.out"
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    return
  fi
  if [ "$proto" = tcp ]; then
    expect "$name client" 0 "echo ok \(6 messages, 333277 bytes\)" -- $client client "$proto" "$v" "$port"
    echoed="echoed 333277 bytes"
  else
    expect "$name client" 0 "echo ok \(5 messages, 65597 bytes\)" -- $client client "$proto" "$v" "$port"
    echoed="echoed 5 datagrams"
  fi
  finish_server "$name" "$echoed"
}

pe="$run $exe"
py="$python $work/peer.py"
for proto in tcp udp; do
  for v in 4 6; do
    pair "pe-server-$proto$v" "$pe" "$py" "$proto" "$v"
    pair "pe-client-$proto$v" "$py" "$pe" "$proto" "$v"
    pair "pe-pe-$proto$v" "$pe" "$pe" "$proto" "$v"
  done
done
expect usage 2 "usage: echo.exe server" -- $pe server sctp 4
expect check 0 " 0 missing" -- "$run" --check "$exe"
summary
