/* A Windows program's name and address calls through WS2_32.dll's real import library:
 * byte order and text addresses without WSAStartup, then getaddrinfo of localhost and of the
 * machine's own name (from /etc/hosts), getnameinfo, gethostbyname, getservbyname,
 * getprotobynumber, GetAddrInfoW. Prints "names ok" and exits 0 when every result holds; else
 * prints the first failed check and exits 1. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                          \
  do {                                                       \
    if (!(cond)) {                                           \
      printf("failed: %s (line %d, last error %d)\n", #cond, \
             __LINE__, WSAGetLastError());                   \
      return 1;                                              \
    }                                                        \
  } while (0)

int main(void) {
  /* Before WSAStartup: the address calls work, the name calls do not. */
  CHECK(htonl(0x01020304) == 0x04030201);
  CHECK(inet_addr("127.0.0.1") == htonl(INADDR_LOOPBACK));
  struct in6_addr a6;
  CHECK(inet_pton(AF_INET6, "::ffff:1.2.3.4", &a6) == 1);
  char text[INET6_ADDRSTRLEN];
  CHECK(inet_ntop(AF_INET6, &a6, text, sizeof(text)) != NULL);
  CHECK(strcmp(text, "::ffff:1.2.3.4") == 0);
  struct addrinfo *res = NULL;
  CHECK(getaddrinfo("localhost", NULL, NULL, &res) == WSANOTINITIALISED);

  WSADATA data;
  CHECK(WSAStartup(MAKEWORD(2, 2), &data) == 0);

  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  CHECK(getaddrinfo("localhost", "80", &hints, &res) == 0);
  CHECK(res->ai_family == AF_INET && res->ai_addrlen == sizeof(struct sockaddr_in));
  struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;
  CHECK(sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && sin->sin_port == htons(80));
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  CHECK(getnameinfo(res->ai_addr, (int)res->ai_addrlen, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0);
  CHECK(strcmp(host, "127.0.0.1") == 0 && strcmp(serv, "80") == 0);
  freeaddrinfo(res);

  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET6;
  hints.ai_flags = AI_NUMERICHOST;
  CHECK(getaddrinfo("::1", NULL, &hints, &res) == 0);
  CHECK(res->ai_family == AF_INET6 && res->ai_addrlen == sizeof(struct sockaddr_in6));
  freeaddrinfo(res);
  CHECK(getaddrinfo("localhost", NULL, &hints, &res) == EAI_NONAME);

  char name[256];
  CHECK(gethostname(name, sizeof(name)) == 0);
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  CHECK(getaddrinfo(name, NULL, &hints, &res) == 0);
  freeaddrinfo(res);

  struct hostent *he = gethostbyname("localhost");
  CHECK(he != NULL && he->h_addrtype == AF_INET && he->h_length == 4);
  CHECK(*(u_long *)he->h_addr_list[0] == htonl(INADDR_LOOPBACK));
  struct servent *se = getservbyname("http", "tcp");
  CHECK(se != NULL && se->s_port == htons(80) && strcmp(se->s_proto, "tcp") == 0);
  struct protoent *pe = getprotobynumber(IPPROTO_UDP);
  CHECK(pe != NULL && strcmp(pe->p_name, "udp") == 0);

  ADDRINFOW hintsw, *resw = NULL;
  memset(&hintsw, 0, sizeof(hintsw));
  hintsw.ai_family = AF_INET;
  hintsw.ai_flags = AI_CANONNAME;
  CHECK(GetAddrInfoW(L"localhost", L"http", &hintsw, &resw) == 0);
  CHECK(resw->ai_canonname != NULL && wcscmp(resw->ai_canonname, L"localhost") == 0);
  CHECK(((struct sockaddr_in *)resw->ai_addr)->sin_port == htons(80));
  FreeAddrInfoW(resw);

  CHECK(WSACleanup() == 0);
  printf("names ok\n");
  return 0;
}
