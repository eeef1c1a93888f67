/* echo.exe: a TCP and UDP echo server and client over IPv4 and IPv6, ordinary Winsock code
 * built with mingw-w64's own headers and import libraries, run by ws2emu-run against native
 * Linux peers (echo_test.sh) and against itself.
 *
 * Usage:
 *   echo.exe server tcp|udp 4|6
 *     binds port 0 on the loopback address, prints "listening on port N" (flushed), then echoes
 *     one TCP client until it shuts down its side, or ECHO_DATAGRAMS datagrams; exits 0.
 *   echo.exe client tcp|udp 4|6 PORT
 *     sends messages of the sizes in kSizes (TCP up to 256 KiB, 64 KiB among them; UDP up to
 *     60000 bytes), each a pattern that depends on the message and the offset, and checks that
 *     the echo is the same bytes; prints "echo ok (N messages, M bytes)"; exits 0.
 *
 * Every call's result is checked: a failure prints the call and WSAGetLastError() and exits 1.
 * The patterns and sizes are shared with the Python peers in echo_test.sh.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The messages' sizes; UDP sends those up to kMaxDatagram. */
static const int kSizes[] = {1, 100, 1400, 4096, 65536, 262144};
#define SIZE_COUNT ((int)(sizeof(kSizes) / sizeof(kSizes[0])))
#define MAX_DATAGRAM 60000
#define ECHO_DATAGRAMS 5 /* the UDP sizes: 1, 100, 1400, 4096, 60000 */

static void Fail(const char *call) {
  printf("echo: %s failed: WSAGetLastError %d\n", call, WSAGetLastError());
  fflush(stdout);
  exit(1);
}

static void Check(int ok, const char *call) {
  if (!ok) Fail(call);
}

/* Byte i of message m: the same formula as echo_test.sh's Python peers. */
static unsigned char Pattern(int m, int i) { return (unsigned char)((i * 7 + m * 13 + (i >> 8)) & 0xff); }

static int UdpSize(int m) { return kSizes[m] > MAX_DATAGRAM ? MAX_DATAGRAM : kSizes[m]; }

/* The loopback address of `family` with `port` (host order), through WSAStringToAddressA. */
static int Loopback(int family, unsigned short port, struct sockaddr_storage *addr) {
  char text[64];
  INT len = (INT)sizeof(*addr);
  /* ":0" is not a port to WSAStringToAddress (as to RtlIpv4StringToAddressEx): leave it out. */
  if (port == 0) {
    snprintf(text, sizeof(text), family == AF_INET ? "127.0.0.1" : "::1");
  } else if (family == AF_INET) {
    snprintf(text, sizeof(text), "127.0.0.1:%u", port);
  } else {
    snprintf(text, sizeof(text), "[::1]:%u", port);
  }
  memset(addr, 0, sizeof(*addr));
  if (WSAStringToAddressA(text, family, NULL, (LPSOCKADDR)addr, &len) != 0) {
    Fail("WSAStringToAddressA");
  }
  return len;
}

static unsigned short PortOf(SOCKET s, const struct sockaddr_storage *addr) {
  u_short port = 0;
  u_short net = addr->ss_family == AF_INET ? ((const struct sockaddr_in *)addr)->sin_port
                                           : ((const struct sockaddr_in6 *)addr)->sin6_port;
  Check(WSANtohs(s, net, &port) == 0, "WSANtohs");
  return port;
}

static void SendAll(SOCKET s, const char *buf, int len) {
  while (len > 0) {
    int sent = send(s, buf, len, 0);
    if (sent == SOCKET_ERROR) Fail("send");
    Check(sent > 0 && sent <= len, "send (byte count)");
    buf += sent;
    len -= sent;
  }
}

static void RecvAll(SOCKET s, char *buf, int len) {
  while (len > 0) {
    int got = recv(s, buf, len, 0);
    if (got == SOCKET_ERROR) Fail("recv");
    if (got == 0) {
      printf("echo: recv: the peer closed with %d bytes still expected\n", len);
      exit(1);
    }
    buf += got;
    len -= got;
  }
}

static int Server(int tcp, int family) {
  struct sockaddr_storage addr;
  int len = Loopback(family, 0, &addr);
  SOCKET s = socket(family, tcp ? SOCK_STREAM : SOCK_DGRAM, tcp ? IPPROTO_TCP : IPPROTO_UDP);
  if (s == INVALID_SOCKET) Fail("socket");
  if (bind(s, (struct sockaddr *)&addr, len) != 0) Fail("bind");
  if (tcp && listen(s, 1) != 0) Fail("listen");
  len = sizeof(addr);
  if (getsockname(s, (struct sockaddr *)&addr, &len) != 0) Fail("getsockname");
  Check(addr.ss_family == family, "getsockname (family)");
  printf("listening on port %u\n", PortOf(s, &addr));
  fflush(stdout);

  char *buf = malloc(65536);
  Check(buf != NULL, "malloc");
  if (tcp) {
    struct sockaddr_storage peer;
    int peer_len = sizeof(peer);
    SOCKET c = accept(s, (struct sockaddr *)&peer, &peer_len);
    if (c == INVALID_SOCKET) Fail("accept");
    Check(peer.ss_family == family, "accept (peer family)");
    long long total = 0;
    for (;;) {
      int got = recv(c, buf, 65536, 0);
      if (got == SOCKET_ERROR) Fail("recv");
      if (got == 0) break;
      SendAll(c, buf, got);
      total += got;
    }
    if (shutdown(c, SD_SEND) != 0) Fail("shutdown");
    if (closesocket(c) != 0) Fail("closesocket(client)");
    printf("echoed %lld bytes\n", total);
  } else {
    for (int i = 0; i < ECHO_DATAGRAMS; ++i) {
      struct sockaddr_storage peer;
      int peer_len = sizeof(peer);
      int got = recvfrom(s, buf, 65536, 0, (struct sockaddr *)&peer, &peer_len);
      if (got == SOCKET_ERROR) Fail("recvfrom");
      if (sendto(s, buf, got, 0, (struct sockaddr *)&peer, peer_len) != got) Fail("sendto");
    }
    printf("echoed %d datagrams\n", ECHO_DATAGRAMS);
  }
  free(buf);
  if (closesocket(s) != 0) Fail("closesocket");
  return 0;
}

static int Client(int tcp, int family, unsigned short port) {
  struct sockaddr_storage addr;
  int len = Loopback(family, port, &addr);
  SOCKET s = socket(family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
  if (s == INVALID_SOCKET) Fail("socket");
  DWORD timeout_ms = 10000;
  if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout_ms, sizeof(timeout_ms)) != 0) {
    Fail("setsockopt(SO_RCVTIMEO)");
  }
  if (connect(s, (struct sockaddr *)&addr, len) != 0) Fail("connect");
  struct sockaddr_storage peer;
  int peer_len = sizeof(peer);
  if (getpeername(s, (struct sockaddr *)&peer, &peer_len) != 0) Fail("getpeername");
  Check(PortOf(s, &peer) == port, "getpeername (port)");

  char *out = malloc(kSizes[SIZE_COUNT - 1]);
  char *in = malloc(kSizes[SIZE_COUNT - 1]);
  Check(out != NULL && in != NULL, "malloc");
  int messages = 0;
  long long total = 0;
  for (int m = 0; m < SIZE_COUNT; ++m) {
    int size = tcp ? kSizes[m] : UdpSize(m);
    if (!tcp && m >= ECHO_DATAGRAMS) break;
    for (int i = 0; i < size; ++i) out[i] = (char)Pattern(m, i);
    memset(in, 0, (size_t)(unsigned)size);
    if (tcp) {
      SendAll(s, out, size);
      RecvAll(s, in, size);
    } else {
      if (send(s, out, size, 0) != size) Fail("send");
      int got = recv(s, in, size + 1, 0);
      if (got == SOCKET_ERROR) Fail("recv");
      Check(got == size, "recv (datagram size)");
    }
    if (memcmp(in, out, size) != 0) {
      printf("echo: message %d (%d bytes) came back different\n", m, size);
      return 1;
    }
    ++messages;
    total += size;
  }
  if (tcp) {
    if (shutdown(s, SD_SEND) != 0) Fail("shutdown");
    int got = recv(s, in, 1, 0);
    if (got == SOCKET_ERROR) Fail("recv (end)");
    Check(got == 0, "recv (end: the server's FIN)");
  }
  if (closesocket(s) != 0) Fail("closesocket");
  free(out);
  free(in);
  printf("echo ok (%d messages, %lld bytes)\n", messages, total);
  return 0;
}

static int Usage(void) {
  printf("usage: echo.exe server tcp|udp 4|6\n       echo.exe client tcp|udp 4|6 PORT\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 4) return Usage();
  int server = strcmp(argv[1], "server") == 0;
  if (!server && strcmp(argv[1], "client") != 0) return Usage();
  int tcp = strcmp(argv[2], "tcp") == 0;
  if (!tcp && strcmp(argv[2], "udp") != 0) return Usage();
  int family = strcmp(argv[3], "4") == 0 ? AF_INET : strcmp(argv[3], "6") == 0 ? AF_INET6 : 0;
  if (family == 0 || (server && argc != 4) || (!server && argc != 5)) return Usage();

  WSADATA data;
  int err = WSAStartup(MAKEWORD(2, 2), &data);
  if (err != 0) {
    printf("echo: WSAStartup failed: %d\n", err);
    return 1;
  }
  Check(data.wVersion == MAKEWORD(2, 2), "WSAStartup (version)");
  int rc = server ? Server(tcp, family) : Client(tcp, family, (unsigned short)atoi(argv[4]));
  if (WSACleanup() != 0) Fail("WSACleanup");
  return rc;
}
