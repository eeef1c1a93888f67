/*
 * tests/providers/lsp_client.c — an ordinary Winsock program (mingw-w64, run with `ws2emu-run`)
 * that knows nothing of layered providers: over loopback in one process, a TCP and a UDP echo
 * over IPv4 and IPv6 with blocking calls, then on TCP over IPv4 and IPv6 the three overlapped
 * ways (an event and WSAGetOverlappedResult, completion routines run by SleepEx, a completion
 * port and GetQueuedCompletionStatus). Every overlapped request is also asked for with
 * WSAGetOverlappedResult once it completed, and its bytes checked. Last, a receive pending when
 * its socket is closed must complete with WSA_OPERATION_ABORTED through the completion port.
 *
 * It prints a line per step and, at the end, "lsp_client: N bytes sent, M bytes received"
 * (every socket of the process counted): what a layer below it must have counted. Exit 0 when
 * every byte came back as sent; 1 with the failing call and its error otherwise.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

static long g_sent, g_received;

static int Fail(const char *step, const char *call) {
  printf("lsp_client: %s: %s failed: %d\n", step, call, WSAGetLastError());
  return 1;
}

/* A loopback address of family `af`, port 0. */
static int Loopback(int af, struct sockaddr_storage *a, int *len) {
  char text[16];
  strcpy(text, af == AF_INET ? "127.0.0.1" : "::1");
  *len = sizeof(*a);
  memset(a, 0, sizeof(*a));
  return WSAStringToAddressA(text, af, NULL, (struct sockaddr *)a, len);
}

/* A connected TCP pair over loopback of family `af`. */
static int TcpPair(const char *step, int af, SOCKET *client, SOCKET *server) {
  struct sockaddr_storage a;
  int len = 0;
  if (Loopback(af, &a, &len) != 0) return Fail(step, "WSAStringToAddressA");
  SOCKET l = WSASocketW(af, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
  if (l == INVALID_SOCKET) return Fail(step, "WSASocketW");
  if (bind(l, (struct sockaddr *)&a, len) != 0) return Fail(step, "bind");
  if (listen(l, 1) != 0) return Fail(step, "listen");
  if (getsockname(l, (struct sockaddr *)&a, &len) != 0) return Fail(step, "getsockname");
  *client = WSASocketW(af, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
  if (*client == INVALID_SOCKET) return Fail(step, "WSASocketW");
  if (connect(*client, (struct sockaddr *)&a, len) != 0) return Fail(step, "connect");
  *server = accept(l, NULL, NULL);
  if (*server == INVALID_SOCKET) return Fail(step, "accept");
  closesocket(l);
  return 0;
}

/* Sends all of `data` on `s` and receives as much on `r`, blocking calls. */
static int Exchange(const char *step, SOCKET s, SOCKET r, const char *data, DWORD n) {
  WSABUF b = {n, (char *)data};
  DWORD sent = 0, got = 0, flags = 0;
  if (WSASend(s, &b, 1, &sent, 0, NULL, NULL) != 0 || sent != n) return Fail(step, "WSASend");
  g_sent += (long)sent;
  char buf[2048];
  DWORD total = 0;
  while (total < n) {
    WSABUF rb = {sizeof(buf) - total, buf + total};
    flags = 0;
    if (WSARecv(r, &rb, 1, &got, &flags, NULL, NULL) != 0 || got == 0) return Fail(step, "WSARecv");
    total += got;
    g_received += (long)got;
  }
  if (memcmp(buf, data, n) != 0) {
    printf("lsp_client: %s: the data differs\n", step);
    return 1;
  }
  return 0;
}

static const char kMessage[] = "ws2emu through a layered service provider, every byte counted.";

static int TcpEcho(int af) {
  const char *step = af == AF_INET ? "tcp4" : "tcp6";
  SOCKET c, s;
  if (TcpPair(step, af, &c, &s) != 0) return 1;
  const DWORD n = (DWORD)strlen(kMessage);
  if (Exchange(step, c, s, kMessage, n) != 0 || Exchange(step, s, c, kMessage, n) != 0) return 1;
  closesocket(c);
  closesocket(s);
  printf("lsp_client: %s echo of %lu bytes\n", step, n);
  return 0;
}

static int UdpEcho(int af) {
  const char *step = af == AF_INET ? "udp4" : "udp6";
  struct sockaddr_storage a, b;
  int alen = 0, blen = 0;
  if (Loopback(af, &a, &alen) != 0 || Loopback(af, &b, &blen) != 0)
    return Fail(step, "WSAStringToAddressA");
  SOCKET x = WSASocketW(af, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED);
  SOCKET y = WSASocketW(af, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED);
  if (x == INVALID_SOCKET || y == INVALID_SOCKET) return Fail(step, "WSASocketW");
  if (bind(x, (struct sockaddr *)&a, alen) != 0 || bind(y, (struct sockaddr *)&b, blen) != 0)
    return Fail(step, "bind");
  if (getsockname(x, (struct sockaddr *)&a, &alen) != 0 ||
      getsockname(y, (struct sockaddr *)&b, &blen) != 0)
    return Fail(step, "getsockname");
  if (connect(x, (struct sockaddr *)&b, blen) != 0 || connect(y, (struct sockaddr *)&a, alen) != 0)
    return Fail(step, "connect");
  const DWORD n = (DWORD)strlen(kMessage);
  if (Exchange(step, x, y, kMessage, n) != 0 || Exchange(step, y, x, kMessage, n) != 0) return 1;
  closesocket(x);
  closesocket(y);
  printf("lsp_client: %s echo of %lu bytes\n", step, n);
  return 0;
}

/* ---- Overlapped ---- */

enum Mode { kEvent, kRoutine, kPort };
static const char *const kModeNames[] = {"event", "completion routine", "completion port"};

static int g_routines_done;
static DWORD g_routine_bytes[2];
static void CALLBACK Routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
  (void)flags;
  /* hEvent is ours to use with a routine: which request this is. */
  const int which = (int)(ULONG_PTR)ov->hEvent;
  g_routine_bytes[which] = error == 0 ? bytes : 0xffffffff;
  g_routines_done++;
}

/* One overlapped receive on `s` and one overlapped send on `c` of `kMessage`, completed the way
 * `mode` says, then each asked for with WSAGetOverlappedResult. */
static int Overlapped(int af, enum Mode mode) {
  char step[64];
  snprintf(step, sizeof(step), "overlapped %s tcp%d", kModeNames[mode], af == AF_INET ? 4 : 6);
  SOCKET c, s;
  if (TcpPair(step, af, &c, &s) != 0) return 1;
  HANDLE port = NULL;
  if (mode == kPort) {
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (port == NULL || CreateIoCompletionPort((HANDLE)s, port, 1, 0) == NULL ||
        CreateIoCompletionPort((HANDLE)c, port, 2, 0) == NULL)
      return Fail(step, "CreateIoCompletionPort");
  }
  WSAOVERLAPPED rov, sov;
  memset(&rov, 0, sizeof(rov));
  memset(&sov, 0, sizeof(sov));
  if (mode == kEvent) {
    rov.hEvent = WSACreateEvent();
    sov.hEvent = WSACreateEvent();
    if (rov.hEvent == NULL || sov.hEvent == NULL) return Fail(step, "WSACreateEvent");
  } else if (mode == kRoutine) {
    rov.hEvent = (HANDLE)0;
    sov.hEvent = (HANDLE)1;
  }
  LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = mode == kRoutine ? Routine : NULL;
  g_routines_done = 0;
  char buf[256];
  memset(buf, 0, sizeof(buf));
  const DWORD n = (DWORD)strlen(kMessage);
  WSABUF rb = {sizeof(buf), buf}, sb = {n, (char *)kMessage};
  DWORD got = 0, flags = 0, sent = 0;
  if (WSARecv(s, &rb, 1, &got, &flags, &rov, routine) != 0 && WSAGetLastError() != WSA_IO_PENDING)
    return Fail(step, "WSARecv");
  if (WSASend(c, &sb, 1, &sent, 0, &sov, routine) != 0 && WSAGetLastError() != WSA_IO_PENDING)
    return Fail(step, "WSASend");
  if (mode == kRoutine) {
    for (int i = 0; i < 100 && g_routines_done < 2; i++) SleepEx(100, TRUE);
    if (g_routines_done != 2 || g_routine_bytes[0] != n || g_routine_bytes[1] != n) {
      printf("lsp_client: %s: %d routines ran, bytes %lu and %lu\n", step, g_routines_done,
             g_routine_bytes[0], g_routine_bytes[1]);
      return 1;
    }
  } else if (mode == kPort) {
    int seen = 0;
    for (int i = 0; i < 2; i++) {
      DWORD bytes = 0;
      ULONG_PTR key = 0;
      LPOVERLAPPED ov = NULL;
      if (!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 5000))
        return Fail(step, "GetQueuedCompletionStatus");
      if (bytes != n || (key == 1 && ov != &rov) || (key == 2 && ov != &sov)) {
        printf("lsp_client: %s: packet key %lu, %lu bytes, wrong OVERLAPPED or count\n", step,
               (unsigned long)key, bytes);
        return 1;
      }
      seen |= (int)key;
    }
    if (seen != 3) {
      printf("lsp_client: %s: the packets of one socket only\n", step);
      return 1;
    }
  }
  /* Every mode: the results, waiting where an event says when (the event mode). */
  DWORD rbytes = 0, sbytes = 0, rflags = 0, sflags = 0;
  if (!WSAGetOverlappedResult(c, &sov, &sbytes, TRUE, &sflags) || sbytes != n)
    return Fail(step, "WSAGetOverlappedResult(send)");
  if (!WSAGetOverlappedResult(s, &rov, &rbytes, TRUE, &rflags) || rbytes != n)
    return Fail(step, "WSAGetOverlappedResult(recv)");
  if (memcmp(buf, kMessage, n) != 0) {
    printf("lsp_client: %s: the data differs\n", step);
    return 1;
  }
  g_sent += (long)sbytes;
  g_received += (long)rbytes;
  if (mode == kEvent) {
    WSACloseEvent(rov.hEvent);
    WSACloseEvent(sov.hEvent);
  }
  closesocket(c);
  closesocket(s);
  if (port != NULL) CloseHandle(port);
  printf("lsp_client: %s: %lu bytes each way\n", step, n);
  return 0;
}

/* A receive still pending when its socket is closed completes with WSA_OPERATION_ABORTED,
 * through the completion port like any other. */
static int Aborted(int af) {
  const char *step = af == AF_INET ? "aborted receive tcp4" : "aborted receive tcp6";
  SOCKET c, s;
  if (TcpPair(step, af, &c, &s) != 0) return 1;
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
  if (port == NULL || CreateIoCompletionPort((HANDLE)s, port, 7, 0) == NULL)
    return Fail(step, "CreateIoCompletionPort");
  WSAOVERLAPPED rov;
  memset(&rov, 0, sizeof(rov));
  char buf[16];
  WSABUF rb = {sizeof(buf), buf};
  DWORD got = 0, flags = 0;
  if (WSARecv(s, &rb, 1, &got, &flags, &rov, NULL) != SOCKET_ERROR ||
      WSAGetLastError() != WSA_IO_PENDING)
    return Fail(step, "WSARecv (pending)");
  if (closesocket(s) != 0) return Fail(step, "closesocket");
  DWORD bytes = 1;
  ULONG_PTR key = 0;
  LPOVERLAPPED ov = NULL;
  BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 5000);
  const DWORD error = GetLastError();
  if (ok || ov != &rov || key != 7 || bytes != 0 || error != WSA_OPERATION_ABORTED) {
    printf("lsp_client: %s: packet ok %d, key %lu, %lu bytes, error %lu\n", step, ok,
           (unsigned long)key, bytes, error);
    return 1;
  }
  closesocket(c);
  CloseHandle(port);
  printf("lsp_client: %s: WSA_OPERATION_ABORTED through the port\n", step);
  return 0;
}

/* `lsp_client.exe badbuf`: WSASend with a WSABUF array at a garbage address, then with a WSABUF
 * whose buffer is a garbage address. A layer that guards user buffers as Microsoft's non-IFS
 * sample does (__try/__except around reading them) answers WSAEFAULT both times; the socket still
 * works afterwards. */
static int BadBuffers(int af) {
  const char *step = af == AF_INET ? "badbuf4" : "badbuf6";
  SOCKET c, s;
  if (TcpPair(step, af, &c, &s) != 0) return 1;
  DWORD sent = 0;
  if (WSASend(c, (LPWSABUF)(ULONG_PTR)0x10, 1, &sent, 0, NULL, NULL) != SOCKET_ERROR ||
      WSAGetLastError() != WSAEFAULT)
    return Fail(step, "WSASend with the WSABUFs at 0x10 (want WSAEFAULT)");
  WSABUF bad = {100, (char *)(ULONG_PTR)0x20};
  if (WSASend(c, &bad, 1, &sent, 0, NULL, NULL) != SOCKET_ERROR || WSAGetLastError() != WSAEFAULT)
    return Fail(step, "WSASend from 0x20 (want WSAEFAULT)");
  if (Exchange(step, c, s, "still works", 11) != 0) return 1;
  closesocket(c);
  closesocket(s);
  printf("lsp_client: %s: WSAEFAULT for both bad buffers, then 11 bytes through\n", step);
  return 0;
}

int main(int argc, char **argv) {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return Fail("start", "WSAStartup");
  if (argc == 2 && strcmp(argv[1], "badbuf") == 0) {
    int rc = BadBuffers(AF_INET) || BadBuffers(AF_INET6);
    WSACleanup();
    return rc;
  }
  int families[2] = {AF_INET, AF_INET6};
  for (int f = 0; f < 2; f++) {
    if (TcpEcho(families[f]) != 0 || UdpEcho(families[f]) != 0) return 1;
    for (int m = kEvent; m <= kPort; m++)
      if (Overlapped(families[f], (enum Mode)m) != 0) return 1;
    if (Aborted(families[f]) != 0) return 1;
  }
  printf("lsp_client: %ld bytes sent, %ld bytes received\n", g_sent, g_received);
  fflush(stdout);
  WSACleanup();
  return 0;
}
