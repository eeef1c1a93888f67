/*
 * examples/lsp/echo_client.c — an ordinary Winsock client (mingw-w64 headers and import
 * libraries, nothing ws2emu-specific): connects to an echo server over TCP, sends each message
 * given on the command line, reads the echo back and prints both sides of the exchange.
 *
 *   echo_client.exe HOST PORT MESSAGE...
 *
 * Exits 0 after "echo ok (N messages, M bytes)" when every echo matched; a failed call prints
 * the call and WSAGetLastError() and exits 1.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

static int Fail(const char *call) {
  printf("echo_client: %s failed: WSAGetLastError %d\n", call, WSAGetLastError());
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: echo_client HOST PORT MESSAGE...\n");
    return 2;
  }
  WSADATA wsa;
  int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
  if (rc != 0) {
    printf("echo_client: WSAStartup failed: %d\n", rc);
    return 1;
  }
  struct addrinfo hints, *found = NULL;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  if (getaddrinfo(argv[1], argv[2], &hints, &found) != 0) return Fail("getaddrinfo");
  SOCKET s = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (s == INVALID_SOCKET) return Fail("socket");
  if (connect(s, found->ai_addr, (int)found->ai_addrlen) == SOCKET_ERROR) return Fail("connect");
  freeaddrinfo(found);
  printf("connected to %s port %s\n", argv[1], argv[2]);
  long total = 0;
  for (int m = 3; m < argc; m++) {
    const int len = (int)strlen(argv[m]);
    char echo[1024];
    if (len == 0 || len >= (int)sizeof(echo)) {
      fprintf(stderr, "echo_client: messages are 1 to %d bytes\n", (int)sizeof(echo) - 1);
      return 2;
    }
    if (send(s, argv[m], len, 0) != len) return Fail("send");
    printf("> %s\n", argv[m]);
    int got = 0;
    while (got < len) {
      int n = recv(s, echo + got, len - got, 0);
      if (n == SOCKET_ERROR) return Fail("recv");
      if (n == 0) {
        printf("echo_client: the server closed the connection early\n");
        return 1;
      }
      got += n;
    }
    echo[got] = 0;
    printf("< %s\n", echo);
    if (memcmp(echo, argv[m], len) != 0) {
      printf("echo_client: the echo differs\n");
      return 1;
    }
    total += len;
  }
  if (shutdown(s, SD_SEND) == SOCKET_ERROR) return Fail("shutdown");
  char rest[16];
  if (recv(s, rest, sizeof(rest), 0) != 0) return Fail("recv (the server's end of stream)");
  if (closesocket(s) == SOCKET_ERROR) return Fail("closesocket");
  printf("echo ok (%d messages, %ld bytes)\n", argc - 3, total);
  WSACleanup();
  return 0;
}
