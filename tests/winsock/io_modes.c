/* io_modes.exe: Winsock's ways of waiting for I/O, each a self-contained loopback test in one
 * process, ordinary Winsock code built with mingw-w64's own headers and import libraries.
 *
 * Usage: io_modes.exe SUB-COMMAND; prints "<sub-command> ok" and exits 0 when every check holds.
 *   overlapped-event    WSASend/WSARecv completing by event: WSAWaitForMultipleEvents +
 *                       WSAGetOverlappedResult
 *   overlapped-routine  WSASend/WSARecv completing by completion routine (SleepEx alertable)
 *   overlapped-port     CreateIoCompletionPort on the sockets + GetQueuedCompletionStatus
 *   select              fd_set with several sockets, timeout 0 and a timeout that expires
 *   poll                WSAPoll
 *   event-select        WSAEventSelect + WSAEnumNetworkEvents: FD_ACCEPT, FD_CONNECT, FD_READ,
 *                       FD_WRITE, FD_CLOSE
 *   async-select        WSAAsyncSelect with a message-only window and a message loop
 *   acceptex            AcceptEx + GetAcceptExSockaddrs + SO_UPDATE_ACCEPT_CONTEXT, ConnectEx
 *                       (WSAIoctl SIO_GET_EXTENSION_FUNCTION_POINTER) + SO_UPDATE_CONNECT_CONTEXT
 *   names               getaddrinfo("localhost"), getaddrinfo(gethostname()), gethostbyname,
 *                       getnameinfo, and a name that does not exist
 *
 * Every call's result is checked: a failure prints the call, the line and WSAGetLastError() (or
 * GetLastError()) and exits 1.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *g_sub = "io_modes";

static void FailAt(const char *call, int line, int error) {
  printf("%s: %s failed (line %d): error %d\n", g_sub, call, line, error);
  fflush(stdout);
  exit(1);
}

/* CHECK for Winsock calls (WSAGetLastError), WCHECK for kernel32/user32 ones (GetLastError). */
#define CHECK(cond, call)                                       \
  do {                                                          \
    if (!(cond)) FailAt(call, __LINE__, WSAGetLastError());     \
  } while (0)
#define WCHECK(cond, call)                                      \
  do {                                                          \
    if (!(cond)) FailAt(call, __LINE__, (int)GetLastError());   \
  } while (0)
/* A call that must fail with `error`. */
#define CHECK_ERROR(cond, call, error)                                             \
  do {                                                                             \
    if (!(cond)) FailAt(call " (expected to fail)", __LINE__, 0);                  \
    if (WSAGetLastError() != (error)) FailAt(call " (error code)", __LINE__, WSAGetLastError()); \
  } while (0)

/* ---- helpers --------------------------------------------------------------------------------- */

static int Loopback(unsigned short port, struct sockaddr_in *addr) {
  char text[32];
  INT len = (INT)sizeof(*addr);
  /* ":0" is not a port to WSAStringToAddress (as to RtlIpv4StringToAddressEx): leave it out. */
  if (port != 0) {
    snprintf(text, sizeof(text), "127.0.0.1:%u", port);
  } else {
    snprintf(text, sizeof(text), "127.0.0.1");
  }
  memset(addr, 0, sizeof(*addr));
  CHECK(WSAStringToAddressA(text, AF_INET, NULL, (LPSOCKADDR)addr, &len) == 0,
        "WSAStringToAddressA");
  return len;
}

/* A listening TCP socket on 127.0.0.1, port 0; its address in *addr. */
static SOCKET Listener(struct sockaddr_in *addr) {
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(s != INVALID_SOCKET, "socket");
  int len = Loopback(0, addr);
  CHECK(bind(s, (struct sockaddr *)addr, len) == 0, "bind");
  CHECK(listen(s, 8) == 0, "listen");
  len = sizeof(*addr);
  CHECK(getsockname(s, (struct sockaddr *)addr, &len) == 0, "getsockname");
  return s;
}

/* A connected pair: *client connected to the listener, *server the accepted end. */
static void ConnectedPair(SOCKET listener, const struct sockaddr_in *addr, SOCKET *client,
                          SOCKET *server) {
  *client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(*client != INVALID_SOCKET, "socket");
  CHECK(connect(*client, (const struct sockaddr *)addr, sizeof(*addr)) == 0, "connect");
  *server = accept(listener, NULL, NULL);
  CHECK(*server != INVALID_SOCKET, "accept");
}

static void Close(SOCKET s) { CHECK(closesocket(s) == 0, "closesocket"); }

static void Fill(char *buf, int len, int seed) {
  for (int i = 0; i < len; ++i) buf[i] = (char)(i * 31 + seed);
}

static void RecvExactly(SOCKET s, char *buf, int len) {
  while (len > 0) {
    int got = recv(s, buf, len, 0);
    CHECK(got != SOCKET_ERROR, "recv");
    CHECK(got > 0, "recv (the peer closed early)");
    buf += got;
    len -= got;
  }
}

static int Done(void) {
  printf("%s ok\n", g_sub);
  return 0;
}

/* ---- overlapped-event ------------------------------------------------------------------------ */

static int OverlappedEvent(void) {
  struct sockaddr_in addr;
  SOCKET listener = Listener(&addr), client, server;
  ConnectedPair(listener, &addr, &client, &server);

  enum { kLen = 100000 };
  char *out = malloc(kLen), *in = malloc(kLen);
  CHECK(out != NULL && in != NULL, "malloc");
  Fill(out, kLen, 1);

  /* A receive with nothing to read pends. */
  WSAOVERLAPPED recv_ov, send_ov;
  memset(&recv_ov, 0, sizeof(recv_ov));
  memset(&send_ov, 0, sizeof(send_ov));
  recv_ov.hEvent = WSACreateEvent();
  send_ov.hEvent = WSACreateEvent();
  CHECK(recv_ov.hEvent != WSA_INVALID_EVENT && send_ov.hEvent != WSA_INVALID_EVENT,
        "WSACreateEvent");
  WSABUF recv_buf = {kLen, in};
  DWORD bytes = 0, flags = 0;
  CHECK_ERROR(WSARecv(server, &recv_buf, 1, &bytes, &flags, &recv_ov, NULL) == SOCKET_ERROR,
              "WSARecv", WSA_IO_PENDING);
  CHECK(WSAWaitForMultipleEvents(1, &recv_ov.hEvent, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT,
        "WSAWaitForMultipleEvents (nothing received yet)");
  CHECK_ERROR(!WSAGetOverlappedResult(server, &recv_ov, &bytes, FALSE, &flags),
              "WSAGetOverlappedResult (incomplete)", WSA_IO_INCOMPLETE);

  /* Two buffers gathered into one send. */
  WSABUF send_bufs[2] = {{1000, out}, {kLen - 1000, out + 1000}};
  int rc = WSASend(client, send_bufs, 2, &bytes, 0, &send_ov, NULL);
  CHECK(rc == 0 || WSAGetLastError() == WSA_IO_PENDING, "WSASend");

  /* Both complete; the event wait says which, WSAGetOverlappedResult how much. */
  int received = 0, sent_done = 0;
  while (!sent_done || received == 0) {
    WSAEVENT events[2] = {recv_ov.hEvent, send_ov.hEvent};
    DWORD which = WSAWaitForMultipleEvents(2, events, FALSE, 10000, FALSE);
    CHECK(which == WSA_WAIT_EVENT_0 || which == WSA_WAIT_EVENT_0 + 1, "WSAWaitForMultipleEvents");
    if (which == WSA_WAIT_EVENT_0) {
      CHECK(WSAGetOverlappedResult(server, &recv_ov, &bytes, FALSE, &flags),
            "WSAGetOverlappedResult (recv)");
      CHECK(bytes > 0 && bytes <= kLen, "WSAGetOverlappedResult (recv bytes)");
      received = (int)bytes;
      CHECK(WSAResetEvent(recv_ov.hEvent), "WSAResetEvent");
    } else {
      CHECK(WSAGetOverlappedResult(client, &send_ov, &bytes, TRUE, &flags),
            "WSAGetOverlappedResult (send)");
      CHECK(bytes == kLen, "WSAGetOverlappedResult (send bytes)");
      sent_done = 1;
      CHECK(WSAResetEvent(send_ov.hEvent), "WSAResetEvent");
    }
  }
  RecvExactly(server, in + received, kLen - received);
  CHECK(memcmp(in, out, kLen) == 0, "WSARecv (data)");

  /* The peer's close completes a pending receive with 0 bytes. */
  CHECK_ERROR(WSARecv(server, &recv_buf, 1, &bytes, &flags, &recv_ov, NULL) == SOCKET_ERROR,
              "WSARecv", WSA_IO_PENDING);
  CHECK(shutdown(client, SD_SEND) == 0, "shutdown");
  CHECK(WSAWaitForMultipleEvents(1, &recv_ov.hEvent, FALSE, 10000, FALSE) == WSA_WAIT_EVENT_0,
        "WSAWaitForMultipleEvents (FIN)");
  CHECK(WSAGetOverlappedResult(server, &recv_ov, &bytes, TRUE, &flags) && bytes == 0,
        "WSAGetOverlappedResult (FIN)");

  CHECK(WSACloseEvent(recv_ov.hEvent) && WSACloseEvent(send_ov.hEvent), "WSACloseEvent");
  Close(client);
  Close(server);
  Close(listener);
  free(out);
  free(in);
  return Done();
}

/* ---- overlapped-routine ---------------------------------------------------------------------- */

static struct {
  int calls;
  DWORD error, bytes;
  LPWSAOVERLAPPED overlapped;
  DWORD thread;
} g_routine;

static void CALLBACK Routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED overlapped, DWORD flags) {
  (void)flags;
  g_routine.calls++;
  g_routine.error = error;
  g_routine.bytes = bytes;
  g_routine.overlapped = overlapped;
  g_routine.thread = GetCurrentThreadId();
}

static int OverlappedRoutine(void) {
  struct sockaddr_in addr;
  SOCKET listener = Listener(&addr), client, server;
  ConnectedPair(listener, &addr, &client, &server);

  char out[3000], in[3000];
  Fill(out, sizeof(out), 2);
  WSAOVERLAPPED ov;
  memset(&ov, 0, sizeof(ov));
  WSABUF buf = {sizeof(in), in};
  DWORD bytes = 0, flags = 0;
  CHECK_ERROR(WSARecv(server, &buf, 1, &bytes, &flags, &ov, Routine) == SOCKET_ERROR, "WSARecv",
              WSA_IO_PENDING);
  CHECK(send(client, out, sizeof(out), 0) == (int)sizeof(out), "send");
  /* The routine runs only in an alertable wait of this thread. */
  Sleep(100);
  CHECK(g_routine.calls == 0, "the completion routine (ran outside an alertable wait)");
  DWORD woke = SleepEx(10000, TRUE);
  WCHECK(woke == WAIT_IO_COMPLETION, "SleepEx");
  CHECK(g_routine.calls == 1 && g_routine.error == 0 && g_routine.overlapped == &ov &&
            g_routine.thread == GetCurrentThreadId(),
        "the completion routine (arguments)");
  int received = (int)g_routine.bytes;
  CHECK(received > 0 && received <= (int)sizeof(out), "the completion routine (bytes)");
  RecvExactly(server, in + received, (int)sizeof(out) - received);
  CHECK(memcmp(in, out, sizeof(out)) == 0, "WSARecv (data)");

  /* A send with a routine, then WSAWaitForMultipleEvents alertable returns WSA_WAIT_IO_COMPLETION. */
  memset(&g_routine, 0, sizeof(g_routine));
  WSABUF send_buf = {sizeof(out), out};
  int rc = WSASend(client, &send_buf, 1, &bytes, 0, &ov, Routine);
  CHECK(rc == 0 || WSAGetLastError() == WSA_IO_PENDING, "WSASend");
  WSAEVENT never = WSACreateEvent();
  CHECK(never != WSA_INVALID_EVENT, "WSACreateEvent");
  CHECK(WSAWaitForMultipleEvents(1, &never, FALSE, 10000, TRUE) == WSA_WAIT_IO_COMPLETION,
        "WSAWaitForMultipleEvents (alertable)");
  CHECK(g_routine.calls == 1 && g_routine.error == 0 && g_routine.bytes == sizeof(out),
        "the completion routine (send)");
  RecvExactly(server, in, sizeof(in));
  CHECK(memcmp(in, out, sizeof(out)) == 0, "recv (data)");
  CHECK(WSACloseEvent(never), "WSACloseEvent");

  /* closesocket with a receive pending: the routine runs with WSA_OPERATION_ABORTED. */
  memset(&g_routine, 0, sizeof(g_routine));
  CHECK_ERROR(WSARecv(server, &buf, 1, &bytes, &flags, &ov, Routine) == SOCKET_ERROR, "WSARecv",
              WSA_IO_PENDING);
  Close(server);
  WCHECK(SleepEx(10000, TRUE) == WAIT_IO_COMPLETION, "SleepEx (abort)");
  if (g_routine.calls != 1 || g_routine.error != WSA_OPERATION_ABORTED) {
    printf("%s: the completion routine after closesocket: %d calls, error %lu\n", g_sub,
           g_routine.calls, (unsigned long)g_routine.error);
    return 1;
  }

  Close(client);
  Close(listener);
  return Done();
}

/* ---- overlapped-port ------------------------------------------------------------------------- */

static int OverlappedPort(void) {
  struct sockaddr_in addr;
  SOCKET listener = Listener(&addr), client, server;
  ConnectedPair(listener, &addr, &client, &server);

  HANDLE port = CreateIoCompletionPort((HANDLE)server, NULL, 0x5e, 0);
  WCHECK(port != NULL, "CreateIoCompletionPort (server)");
  WCHECK(CreateIoCompletionPort((HANDLE)client, port, 0xc1, 0) == port,
         "CreateIoCompletionPort (client)");

  enum { kLen = 200000 };
  char *out = malloc(kLen), *in = malloc(kLen);
  CHECK(out != NULL && in != NULL, "malloc");
  Fill(out, kLen, 3);
  OVERLAPPED recv_ov, send_ov;
  memset(&recv_ov, 0, sizeof(recv_ov));
  memset(&send_ov, 0, sizeof(send_ov));

  /* Nothing is queued before any I/O. */
  DWORD bytes = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED done = NULL;
  WCHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &done, 0) && done == NULL &&
             GetLastError() == WAIT_TIMEOUT,
         "GetQueuedCompletionStatus (empty port)");

  int received = 0;
  int sent = 0, send_posted = 0;
  while (received < kLen) {
    WSABUF recv_buf = {kLen - received, in + received};
    DWORD flags = 0;
    int rc = WSARecv(server, &recv_buf, 1, &bytes, &flags, &recv_ov, NULL);
    CHECK(rc == 0 || WSAGetLastError() == WSA_IO_PENDING, "WSARecv");
    if (!send_posted) {
      WSABUF send_buf = {kLen, out};
      rc = WSASend(client, &send_buf, 1, &bytes, 0, &send_ov, NULL);
      CHECK(rc == 0 || WSAGetLastError() == WSA_IO_PENDING, "WSASend");
      send_posted = 1;
    }
    /* A completion packet for every operation, even one that completed at once. */
    for (;;) {
      WCHECK(GetQueuedCompletionStatus(port, &bytes, &key, &done, 10000),
             "GetQueuedCompletionStatus");
      if (done == &send_ov) {
        CHECK(key == 0xc1 && bytes == kLen && !sent, "the send's completion packet");
        sent = 1;
        continue;
      }
      CHECK(done == &recv_ov && key == 0x5e && bytes > 0, "the receive's completion packet");
      received += (int)bytes;
      break;
    }
  }
  if (!sent) {
    WCHECK(GetQueuedCompletionStatus(port, &bytes, &key, &done, 10000) && done == &send_ov,
           "GetQueuedCompletionStatus (send)");
  }
  CHECK(memcmp(in, out, kLen) == 0, "WSARecv (data)");

  /* A pending receive cancelled by closesocket comes out failed, ERROR_OPERATION_ABORTED. */
  WSABUF recv_buf = {kLen, in};
  DWORD flags = 0;
  CHECK_ERROR(WSARecv(server, &recv_buf, 1, &bytes, &flags, &recv_ov, NULL) == SOCKET_ERROR,
              "WSARecv", WSA_IO_PENDING);
  Close(server);
  WCHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &done, 10000) && done == &recv_ov &&
             key == 0x5e && GetLastError() == ERROR_OPERATION_ABORTED,
         "GetQueuedCompletionStatus (aborted receive)");

  WCHECK(CloseHandle(port), "CloseHandle(port)");
  Close(client);
  Close(listener);
  free(out);
  free(in);
  return Done();
}

/* ---- select ---------------------------------------------------------------------------------- */

static int Select(void) {
  struct sockaddr_in addr;
  SOCKET listener = Listener(&addr), c1, s1, c2, s2;
  ConnectedPair(listener, &addr, &c1, &s1);
  ConnectedPair(listener, &addr, &c2, &s2);
  SOCKET all[5] = {listener, c1, s1, c2, s2};
  fd_set readable, writable;
  struct timeval zero = {0, 0};

  /* Timeout 0: nothing readable; every connected socket writable. */
  FD_ZERO(&readable);
  FD_ZERO(&writable);
  for (int i = 0; i < 5; ++i) FD_SET(all[i], &readable);
  for (int i = 1; i < 5; ++i) FD_SET(all[i], &writable);
  int n = select(0, &readable, &writable, NULL, &zero);
  CHECK(n == 4, "select (timeout 0: 4 writable)");
  CHECK(readable.fd_count == 0 && writable.fd_count == 4, "select (fd_set counts)");
  for (int i = 1; i < 5; ++i) CHECK(FD_ISSET(all[i], &writable), "FD_ISSET (writable)");

  /* Data on s2 and a pending connection on the listener: exactly those two readable. */
  CHECK(send(c2, "x", 1, 0) == 1, "send");
  SOCKET c3 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(c3 != INVALID_SOCKET, "socket");
  CHECK(connect(c3, (struct sockaddr *)&addr, sizeof(addr)) == 0, "connect");
  struct timeval second = {5, 0};
  int found = 0;
  for (int tries = 0; tries < 50 && found < 2; ++tries) { /* until both have arrived */
    FD_ZERO(&readable);
    for (int i = 0; i < 5; ++i) FD_SET(all[i], &readable);
    n = select(0, &readable, NULL, NULL, &second);
    CHECK(n != SOCKET_ERROR, "select (readable)");
    found = n;
    if (found < 2) Sleep(10);
  }
  CHECK(found == 2 && FD_ISSET(listener, &readable) && FD_ISSET(s2, &readable) &&
            !FD_ISSET(s1, &readable) && !FD_ISSET(c1, &readable) && !FD_ISSET(c2, &readable),
        "select (listener and s2 readable)");
  char byte;
  CHECK(recv(s2, &byte, 1, 0) == 1 && byte == 'x', "recv");
  SOCKET s3 = accept(listener, NULL, NULL);
  CHECK(s3 != INVALID_SOCKET, "accept");

  /* A timeout that expires: 0 ready after about 300 ms. */
  FD_ZERO(&readable);
  for (int i = 0; i < 5; ++i) FD_SET(all[i], &readable);
  struct timeval wait = {0, 300000};
  DWORD start = GetTickCount();
  n = select(0, &readable, NULL, NULL, &wait);
  DWORD elapsed = GetTickCount() - start;
  CHECK(n == 0 && readable.fd_count == 0, "select (timeout expires)");
  CHECK(elapsed >= 250 && elapsed < 5000, "select (timeout length)");

  /* The peer's close makes s1 readable (recv then returns 0); an exceptfds set stays empty. */
  Close(c1);
  fd_set except;
  FD_ZERO(&readable);
  FD_ZERO(&except);
  FD_SET(s1, &readable);
  FD_SET(s1, &except);
  n = select(0, &readable, NULL, &except, &second);
  CHECK(n == 1 && FD_ISSET(s1, &readable) && !FD_ISSET(s1, &except), "select (peer closed)");
  CHECK(recv(s1, &byte, 1, 0) == 0, "recv (end)");

  /* No sockets at all: WSAEINVAL. A socket that is not one: WSAENOTSOCK. */
  FD_ZERO(&readable);
  CHECK_ERROR(select(0, &readable, NULL, NULL, &zero) == SOCKET_ERROR, "select (empty sets)",
              WSAEINVAL);
  Close(s3);
  FD_SET(s3, &readable);
  CHECK_ERROR(select(0, &readable, NULL, NULL, &zero) == SOCKET_ERROR, "select (closed socket)",
              WSAENOTSOCK);

  Close(c3);
  Close(s1);
  Close(c2);
  Close(s2);
  Close(listener);
  return Done();
}

/* ---- poll ------------------------------------------------------------------------------------ */

static int Poll(void) {
  struct sockaddr_in addr;
  SOCKET listener = Listener(&addr), client, server;
  ConnectedPair(listener, &addr, &client, &server);

  WSAPOLLFD fds[3];
  memset(fds, 0, sizeof(fds));
  fds[0].fd = listener;
  fds[0].events = POLLRDNORM;
  fds[1].fd = client;
  fds[1].events = POLLRDNORM | POLLWRNORM;
  fds[2].fd = server;
  fds[2].events = POLLRDNORM;

  /* Timeout 0: only the client's POLLWRNORM. */
  int n = WSAPoll(fds, 3, 0);
  CHECK(n == 1, "WSAPoll (timeout 0)");
  CHECK(fds[0].revents == 0 && fds[1].revents == POLLWRNORM && fds[2].revents == 0,
        "WSAPoll (revents, timeout 0)");

  /* An expiring timeout. */
  fds[1].events = POLLRDNORM;
  DWORD start = GetTickCount();
  n = WSAPoll(fds, 3, 300);
  DWORD elapsed = GetTickCount() - start;
  CHECK(n == 0 && elapsed >= 250 && elapsed < 5000, "WSAPoll (timeout expires)");

  /* Data and a pending connection. */
  CHECK(send(client, "hello", 5, 0) == 5, "send");
  SOCKET other = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(other != INVALID_SOCKET, "socket");
  CHECK(connect(other, (struct sockaddr *)&addr, sizeof(addr)) == 0, "connect");
  for (int tries = 0; tries < 50; ++tries) {
    n = WSAPoll(fds, 3, 5000);
    CHECK(n != SOCKET_ERROR, "WSAPoll");
    if (n == 2) break;
    Sleep(10);
  }
  CHECK(n == 2 && fds[0].revents == POLLRDNORM && fds[1].revents == 0 &&
            fds[2].revents == POLLRDNORM,
        "WSAPoll (listener and server readable)");
  char in[8];
  CHECK(recv(server, in, sizeof(in), 0) == 5 && memcmp(in, "hello", 5) == 0, "recv");
  SOCKET accepted = accept(listener, NULL, NULL);
  CHECK(accepted != INVALID_SOCKET, "accept");

  /* The peer's close: POLLHUP on the server's end. */
  Close(client);
  WSAPOLLFD one = {server, POLLRDNORM, 0};
  n = WSAPoll(&one, 1, 5000);
  CHECK(n == 1 && (one.revents & POLLHUP), "WSAPoll (peer closed: POLLHUP)");
  CHECK(recv(server, in, 1, 0) == 0, "recv (end)");

  /* A socket that is not one: POLLNVAL, counted. Bad events bits: WSAEINVAL. */
  Close(accepted);
  WSAPOLLFD stale = {accepted, POLLRDNORM, 0};
  n = WSAPoll(&stale, 1, 0);
  CHECK(n == 1 && stale.revents == POLLNVAL, "WSAPoll (closed socket: POLLNVAL)");
  WSAPOLLFD bad = {server, (SHORT)0x4000, 0};
  CHECK_ERROR(WSAPoll(&bad, 1, 0) == SOCKET_ERROR, "WSAPoll (bad events)", WSAEINVAL);

  Close(other);
  Close(server);
  Close(listener);
  return Done();
}

/* ---- event-select ---------------------------------------------------------------------------- */

/* Waits for `event` and collects network events on `s` until every bit of `want` was seen;
 * each bit's error code must be 0. Returns the bits seen. */
static long Collect(SOCKET s, WSAEVENT event, long want) {
  long seen = 0;
  while ((seen & want) != want) {
    DWORD which = WSAWaitForMultipleEvents(1, &event, FALSE, 10000, FALSE);
    CHECK(which == WSA_WAIT_EVENT_0, "WSAWaitForMultipleEvents (network event)");
    WSANETWORKEVENTS ne;
    CHECK(WSAEnumNetworkEvents(s, event, &ne) == 0, "WSAEnumNetworkEvents");
    static const int bits[] = {FD_READ_BIT, FD_WRITE_BIT, FD_ACCEPT_BIT, FD_CONNECT_BIT,
                               FD_CLOSE_BIT};
    for (int i = 0; i < 5; ++i) {
      if (ne.lNetworkEvents & (1 << bits[i])) {
        CHECK(ne.iErrorCode[bits[i]] == 0, "WSAEnumNetworkEvents (error code)");
      }
    }
    seen |= ne.lNetworkEvents;
  }
  return seen;
}

static int EventSelect(void) {
  struct sockaddr_in addr;
  SOCKET listener = Listener(&addr);
  WSAEVENT listen_event = WSACreateEvent(), client_event = WSACreateEvent(),
           server_event = WSACreateEvent();
  CHECK(listen_event != WSA_INVALID_EVENT && client_event != WSA_INVALID_EVENT &&
            server_event != WSA_INVALID_EVENT,
        "WSACreateEvent");
  CHECK(WSAEventSelect(listener, listen_event, FD_ACCEPT) == 0, "WSAEventSelect (listener)");

  /* WSAEventSelect makes the socket non-blocking: connect says WSAEWOULDBLOCK. */
  SOCKET client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(client != INVALID_SOCKET, "socket");
  CHECK(WSAEventSelect(client, client_event, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE) == 0,
        "WSAEventSelect (client)");
  CHECK_ERROR(connect(client, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR, "connect",
              WSAEWOULDBLOCK);

  CHECK(Collect(listener, listen_event, FD_ACCEPT) == FD_ACCEPT, "FD_ACCEPT");
  SOCKET server = accept(listener, NULL, NULL);
  CHECK(server != INVALID_SOCKET, "accept");
  /* The accepted socket has the listener's selection; give it its own. */
  CHECK(WSAEventSelect(server, server_event, FD_READ | FD_WRITE | FD_CLOSE) == 0,
        "WSAEventSelect (server)");
  long seen = Collect(client, client_event, FD_CONNECT | FD_WRITE);
  CHECK((seen & ~(FD_CONNECT | FD_WRITE)) == 0, "FD_CONNECT + FD_WRITE (nothing else)");
  CHECK((Collect(server, server_event, FD_WRITE) & FD_READ) == 0, "FD_WRITE (accepted socket)");

  /* A second accept with no connection pending: WSAEWOULDBLOCK (the listener is non-blocking). */
  CHECK_ERROR(accept(listener, NULL, NULL) == INVALID_SOCKET, "accept (none pending)",
              WSAEWOULDBLOCK);

  /* FD_READ: data from the server; re-enabled by recv when more is left. */
  CHECK(send(server, "0123456789", 10, 0) == 10, "send");
  CHECK(Collect(client, client_event, FD_READ) == FD_READ, "FD_READ");
  char in[16];
  CHECK(recv(client, in, 4, 0) == 4 && memcmp(in, "0123", 4) == 0, "recv (part)");
  CHECK(Collect(client, client_event, FD_READ) == FD_READ, "FD_READ (re-enabled by recv)");
  CHECK(recv(client, in, sizeof(in), 0) == 6 && memcmp(in, "456789", 6) == 0, "recv (rest)");
  CHECK_ERROR(recv(client, in, sizeof(in), 0) == SOCKET_ERROR, "recv (nothing left)",
              WSAEWOULDBLOCK);

  /* FD_CLOSE, error 0, when the server shuts down gracefully. */
  CHECK(shutdown(server, SD_SEND) == 0, "shutdown");
  CHECK((Collect(client, client_event, FD_CLOSE) & FD_CLOSE) != 0, "FD_CLOSE");
  CHECK(recv(client, in, sizeof(in), 0) == 0, "recv (end)");

  /* lNetworkEvents 0 cancels the association (the event is ignored). */
  CHECK(WSAEventSelect(client, NULL, 0) == 0, "WSAEventSelect (cancel)");

  Close(client);
  Close(server);
  Close(listener);
  CHECK(WSACloseEvent(listen_event) && WSACloseEvent(client_event) &&
            WSACloseEvent(server_event),
        "WSACloseEvent");
  return Done();
}

/* ---- async-select ---------------------------------------------------------------------------- */

#define WM_SOCKET (WM_USER + 1)

static struct {
  HWND window;
  SOCKET listener, client, server, closed_client;
  long client_seen, server_seen, listener_seen;
  char received[16];
  int received_len;
  int failed;
} g_async;

static void AsyncFail(const char *what, int error) {
  printf("%s: %s (error %d)\n", g_sub, what, error);
  g_async.failed = 1;
  PostQuitMessage(1);
}

static LRESULT CALLBACK SocketWindow(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
  if (msg != WM_SOCKET) return DefWindowProcA(hwnd, msg, wparam, lparam);
  SOCKET s = (SOCKET)wparam;
  int event = WSAGETSELECTEVENT(lparam), error = WSAGETSELECTERROR(lparam);
  if (error != 0) {
    AsyncFail("WSAGETSELECTERROR", error);
    return 0;
  }
  if (s == g_async.listener) {
    g_async.listener_seen |= event;
    if (event != FD_ACCEPT) {
      AsyncFail("the listener's event is not FD_ACCEPT", event);
      return 0;
    }
    g_async.server = accept(s, NULL, NULL);
    if (g_async.server == INVALID_SOCKET) {
      AsyncFail("accept", WSAGetLastError());
      return 0;
    }
    /* The accepted socket has the listener's selection: give it its own. */
    if (WSAAsyncSelect(g_async.server, hwnd, WM_SOCKET, FD_READ | FD_WRITE | FD_CLOSE) != 0) {
      AsyncFail("WSAAsyncSelect (server)", WSAGetLastError());
    }
  } else if (s == g_async.client) {
    g_async.client_seen |= event;
    if (event == FD_CONNECT) {
      if (send(s, "ping", 4, 0) != 4) AsyncFail("send (client)", WSAGetLastError());
    } else if (event == FD_READ) {
      int got = recv(s, g_async.received + g_async.received_len,
                     (int)sizeof(g_async.received) - g_async.received_len, 0);
      if (got == SOCKET_ERROR) {
        if (WSAGetLastError() != WSAEWOULDBLOCK) AsyncFail("recv (client)", WSAGetLastError());
        return 0;
      }
      g_async.received_len += got;
      if (g_async.received_len == 4) {
        /* The reply came: close; the server sees FD_CLOSE and ends the loop. */
        if (closesocket(s) != 0) AsyncFail("closesocket (client)", WSAGetLastError());
        g_async.closed_client = s;
        g_async.client = INVALID_SOCKET;
      }
    }
  } else if (s == g_async.server) {
    g_async.server_seen |= event;
    if (event == FD_READ) {
      char in[16];
      int got = recv(s, in, sizeof(in), 0);
      if (got == SOCKET_ERROR) {
        if (WSAGetLastError() != WSAEWOULDBLOCK) AsyncFail("recv (server)", WSAGetLastError());
        return 0;
      }
      if (got != 4 || memcmp(in, "ping", 4) != 0) {
        AsyncFail("recv (server): not ping", got);
        return 0;
      }
      if (send(s, "pong", 4, 0) != 4) AsyncFail("send (server)", WSAGetLastError());
    } else if (event == FD_CLOSE) {
      PostQuitMessage(0);
    }
  } else if (s != g_async.closed_client) {
    /* Messages posted before the client's closesocket may still be queued: ignored. */
    AsyncFail("a message for an unknown socket", (int)s);
  }
  return 0;
}

static DWORD WINAPI Watchdog(void *arg) {
  (void)arg;
  Sleep(20000);
  printf("%s: no end of the message loop after 20 s\n", g_sub);
  fflush(stdout);
  ExitProcess(1);
  return 0;
}

static int AsyncSelect(void) {
  HANDLE watchdog = CreateThread(NULL, 0, Watchdog, NULL, 0, NULL);
  WCHECK(watchdog != NULL, "CreateThread");
  WNDCLASSA wc;
  memset(&wc, 0, sizeof(wc));
  wc.lpfnWndProc = SocketWindow;
  wc.hInstance = GetModuleHandleA(NULL);
  wc.lpszClassName = "io_modes_socket_window";
  WCHECK(RegisterClassA(&wc) != 0, "RegisterClassA");
  g_async.window = CreateWindowExA(0, wc.lpszClassName, "sockets", 0, 0, 0, 0, 0, HWND_MESSAGE,
                                   NULL, wc.hInstance, NULL);
  WCHECK(g_async.window != NULL, "CreateWindowExA");

  struct sockaddr_in addr;
  g_async.listener = Listener(&addr);
  g_async.server = INVALID_SOCKET;
  g_async.closed_client = INVALID_SOCKET;
  CHECK(WSAAsyncSelect(g_async.listener, g_async.window, WM_SOCKET, FD_ACCEPT) == 0,
        "WSAAsyncSelect (listener)");
  g_async.client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(g_async.client != INVALID_SOCKET, "socket");
  CHECK(WSAAsyncSelect(g_async.client, g_async.window, WM_SOCKET,
                       FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE) == 0,
        "WSAAsyncSelect (client)");
  /* WSAAsyncSelect makes the socket non-blocking. */
  CHECK_ERROR(connect(g_async.client, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR,
              "connect", WSAEWOULDBLOCK);

  MSG msg;
  BOOL got;
  while ((got = GetMessageA(&msg, NULL, 0, 0)) > 0) {
    TranslateMessage(&msg);
    DispatchMessageA(&msg);
  }
  WCHECK(got == 0, "GetMessageA");
  if (g_async.failed || msg.wParam != 0) return 1;
  CHECK(g_async.listener_seen == FD_ACCEPT, "FD_ACCEPT (listener)");
  CHECK((g_async.client_seen & (FD_CONNECT | FD_WRITE | FD_READ)) ==
            (FD_CONNECT | FD_WRITE | FD_READ),
        "FD_CONNECT, FD_WRITE, FD_READ (client)");
  CHECK((g_async.server_seen & (FD_WRITE | FD_READ | FD_CLOSE)) == (FD_WRITE | FD_READ | FD_CLOSE),
        "FD_WRITE, FD_READ, FD_CLOSE (server)");
  CHECK(g_async.received_len == 4 && memcmp(g_async.received, "pong", 4) == 0, "the reply");

  /* lEvent 0 cancels the notifications. */
  CHECK(WSAAsyncSelect(g_async.listener, g_async.window, 0, 0) == 0, "WSAAsyncSelect (cancel)");
  Close(g_async.server);
  Close(g_async.listener);
  WCHECK(DestroyWindow(g_async.window), "DestroyWindow");
  return Done();
}

/* ---- acceptex -------------------------------------------------------------------------------- */

static int AcceptExConnectEx(void) {
  struct sockaddr_in addr;
  SOCKET listener = Listener(&addr);
  SOCKET accepted = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  SOCKET client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(accepted != INVALID_SOCKET && client != INVALID_SOCKET, "socket");

  /* ConnectEx from WSAIoctl. */
  GUID connectex_guid = WSAID_CONNECTEX;
  LPFN_CONNECTEX connect_ex = NULL;
  DWORD bytes = 0;
  CHECK(WSAIoctl(client, SIO_GET_EXTENSION_FUNCTION_POINTER, &connectex_guid,
                 sizeof(connectex_guid), &connect_ex, sizeof(connect_ex), &bytes, NULL,
                 NULL) == 0,
        "WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_CONNECTEX)");
  CHECK(connect_ex != NULL && bytes == sizeof(connect_ex), "WSAIoctl (pointer)");

  /* AcceptEx with a receive buffer: completes when the connection and the first data came. */
  enum { kAddr = sizeof(struct sockaddr_in) + 16, kData = 64 };
  char accept_buf[kData + 2 * kAddr];
  OVERLAPPED accept_ov, connect_ov;
  memset(&accept_ov, 0, sizeof(accept_ov));
  memset(&connect_ov, 0, sizeof(connect_ov));
  accept_ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
  connect_ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
  WCHECK(accept_ov.hEvent != NULL && connect_ov.hEvent != NULL, "CreateEventA");
  DWORD accept_bytes = 0;
  CHECK_ERROR(!AcceptEx(listener, accepted, accept_buf, kData, kAddr, kAddr, &accept_bytes,
                        &accept_ov),
              "AcceptEx", ERROR_IO_PENDING);

  /* ConnectEx needs a bound socket: unbound, WSAEINVAL. */
  char hello[kData];
  Fill(hello, kData, 4);
  DWORD sent = 0;
  CHECK_ERROR(!connect_ex(client, (struct sockaddr *)&addr, sizeof(addr), hello, kData, &sent,
                          &connect_ov),
              "ConnectEx (unbound)", WSAEINVAL);
  struct sockaddr_in any;
  int any_len = Loopback(0, &any);
  CHECK(bind(client, (struct sockaddr *)&any, any_len) == 0, "bind (client)");
  if (!connect_ex(client, (struct sockaddr *)&addr, sizeof(addr), hello, kData, &sent,
                  &connect_ov)) {
    CHECK(WSAGetLastError() == ERROR_IO_PENDING, "ConnectEx");
  }

  DWORD flags = 0;
  WCHECK(WaitForSingleObject(connect_ov.hEvent, 10000) == WAIT_OBJECT_0,
         "WaitForSingleObject (ConnectEx)");
  CHECK(WSAGetOverlappedResult(client, &connect_ov, &sent, FALSE, &flags) && sent == kData,
        "WSAGetOverlappedResult (ConnectEx)");
  WCHECK(WaitForSingleObject(accept_ov.hEvent, 10000) == WAIT_OBJECT_0,
         "WaitForSingleObject (AcceptEx)");
  CHECK(WSAGetOverlappedResult(listener, &accept_ov, &accept_bytes, FALSE, &flags),
        "WSAGetOverlappedResult (AcceptEx)");
  CHECK(accept_bytes > 0 && accept_bytes <= kData, "AcceptEx (bytes)");
  CHECK(memcmp(accept_buf, hello, accept_bytes) == 0, "AcceptEx (data)");

  /* The addresses from the buffer: local the listener's, remote the client's. */
  struct sockaddr *local = NULL, *remote = NULL;
  int local_len = 0, remote_len = 0;
  GetAcceptExSockaddrs(accept_buf, kData, kAddr, kAddr, &local, &local_len, &remote,
                       &remote_len);
  struct sockaddr_in client_name;
  int name_len = sizeof(client_name);
  CHECK(getsockname(client, (struct sockaddr *)&client_name, &name_len) == 0,
        "getsockname (client)");
  CHECK(local != NULL && local_len == sizeof(struct sockaddr_in) &&
            memcmp(local, &addr, sizeof(addr)) == 0,
        "GetAcceptExSockaddrs (local)");
  CHECK(remote != NULL && remote_len == sizeof(struct sockaddr_in) &&
            memcmp(remote, &client_name, sizeof(client_name)) == 0,
        "GetAcceptExSockaddrs (remote)");

  /* The contexts, after which the sockets work as accept's and connect's do. */
  CHECK(setsockopt(accepted, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&listener,
                   sizeof(listener)) == 0,
        "setsockopt(SO_UPDATE_ACCEPT_CONTEXT)");
  CHECK(setsockopt(client, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0) == 0,
        "setsockopt(SO_UPDATE_CONNECT_CONTEXT)");
  struct sockaddr_in peer;
  name_len = sizeof(peer);
  CHECK(getpeername(accepted, (struct sockaddr *)&peer, &name_len) == 0 &&
            memcmp(&peer, &client_name, sizeof(peer)) == 0,
        "getpeername (accepted)");
  name_len = sizeof(peer);
  CHECK(getpeername(client, (struct sockaddr *)&peer, &name_len) == 0 &&
            memcmp(&peer, &addr, sizeof(peer)) == 0,
        "getpeername (client)");
  char in[kData];
  RecvExactly(accepted, in, kData - (int)accept_bytes);
  CHECK(memcmp(in, hello + accept_bytes, kData - accept_bytes) == 0, "recv (rest)");
  CHECK(send(accepted, "done", 4, 0) == 4, "send (accepted)");
  CHECK(shutdown(accepted, SD_SEND) == 0, "shutdown (accepted)");
  RecvExactly(client, in, 4);
  CHECK(memcmp(in, "done", 4) == 0 && recv(client, in, 1, 0) == 0, "recv (client)");

  WCHECK(CloseHandle(accept_ov.hEvent) && CloseHandle(connect_ov.hEvent), "CloseHandle");
  Close(client);
  Close(accepted);
  Close(listener);
  return Done();
}

/* ---- names ----------------------------------------------------------------------------------- */

static int HasLoopback(const struct addrinfo *list, int *v4, int *v6) {
  *v4 = *v6 = 0;
  for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      CHECK(ai->ai_addrlen == sizeof(struct sockaddr_in), "getaddrinfo (ai_addrlen)");
      const struct sockaddr_in *sin = (const struct sockaddr_in *)ai->ai_addr;
      if (sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && sin->sin_port == htons(80)) *v4 = 1;
    } else if (ai->ai_family == AF_INET6) {
      CHECK(ai->ai_addrlen == sizeof(struct sockaddr_in6), "getaddrinfo (ai_addrlen)");
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ai->ai_addr;
      if (IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) && sin6->sin6_port == htons(80)) *v6 = 1;
    } else {
      FailAt("getaddrinfo (an address family that is neither AF_INET nor AF_INET6)", __LINE__,
             ai->ai_family);
    }
  }
  return *v4 || *v6;
}

static int Names(void) {
  struct addrinfo hints, *list = NULL;
  int v4, v6;

  /* localhost, any family, TCP. */
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int err = getaddrinfo("localhost", "80", &hints, &list);
  if (err != 0) FailAt("getaddrinfo(localhost)", __LINE__, err);
  CHECK(HasLoopback(list, &v4, &v6) && v4, "getaddrinfo(localhost) (127.0.0.1:80)");
  for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
    CHECK(ai->ai_socktype == SOCK_STREAM, "getaddrinfo (socket type)");
  }
  freeaddrinfo(list);

  /* The machine's own name, as gethostname gives it. */
  char host[256];
  CHECK(gethostname(host, sizeof(host)) == 0 && host[0] != '\0', "gethostname");
  CHECK_ERROR(gethostname(host, 1) == SOCKET_ERROR, "gethostname (buffer too short)", WSAEFAULT);
  CHECK(gethostname(host, sizeof(host)) == 0, "gethostname");
  hints.ai_family = AF_INET;
  hints.ai_flags = AI_CANONNAME;
  err = getaddrinfo(host, NULL, &hints, &list);
  if (err != 0) FailAt("getaddrinfo(gethostname)", __LINE__, err);
  CHECK(list != NULL && list->ai_family == AF_INET && list->ai_canonname != NULL,
        "getaddrinfo(gethostname) (an IPv4 address and a canonical name)");
  freeaddrinfo(list);

  /* Numeric host and AI_NUMERICHOST; a service by name. */
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_NUMERICHOST;
  err = getaddrinfo("::1", "http", &hints, &list);
  if (err != 0) FailAt("getaddrinfo(::1, http)", __LINE__, err);
  CHECK(HasLoopback(list, &v4, &v6) && v6 && !v4, "getaddrinfo(::1, http)");
  freeaddrinfo(list);
  err = getaddrinfo("localhost", NULL, &hints, &list);
  CHECK(err == EAI_NONAME && WSAGetLastError() == WSAHOST_NOT_FOUND,
        "getaddrinfo(localhost, AI_NUMERICHOST) (EAI_NONAME)");

  /* A name that does not exist: WSAHOST_NOT_FOUND. */
  hints.ai_flags = 0;
  err = getaddrinfo("no-such-host.invalid", NULL, &hints, &list);
  CHECK(err == WSAHOST_NOT_FOUND, "getaddrinfo(no-such-host.invalid) (WSAHOST_NOT_FOUND)");

  /* gethostbyname: the IPv4 list of localhost. */
  struct hostent *he = gethostbyname("localhost");
  CHECK(he != NULL, "gethostbyname(localhost)");
  CHECK(he->h_addrtype == AF_INET && he->h_length == 4 && he->h_addr_list[0] != NULL &&
            ((const unsigned char *)he->h_addr_list[0])[0] == 127,
        "gethostbyname(localhost) (127.x.x.x)");
  he = gethostbyname(host);
  CHECK(he != NULL && he->h_addrtype == AF_INET && he->h_addr_list[0] != NULL,
        "gethostbyname(gethostname)");

  /* getnameinfo: numeric and by name, host and service. */
  struct sockaddr_in sin;
  Loopback(80, &sin);
  char name[NI_MAXHOST], service[NI_MAXSERV];
  err = getnameinfo((struct sockaddr *)&sin, sizeof(sin), name, sizeof(name), service,
                    sizeof(service), NI_NUMERICHOST | NI_NUMERICSERV);
  if (err != 0) FailAt("getnameinfo (numeric)", __LINE__, err);
  CHECK(strcmp(name, "127.0.0.1") == 0 && strcmp(service, "80") == 0, "getnameinfo (numeric)");
  err = getnameinfo((struct sockaddr *)&sin, sizeof(sin), name, sizeof(name), service,
                    sizeof(service), 0);
  if (err != 0) FailAt("getnameinfo", __LINE__, err);
  CHECK(name[0] != '\0' && strcmp(service, "http") == 0, "getnameinfo (a name, http)");
  err = getnameinfo((struct sockaddr *)&sin, 3, name, sizeof(name), NULL, 0, 0);
  if (err != WSAEFAULT) FailAt("getnameinfo (short address: WSAEFAULT)", __LINE__, err);

  /* The string conversions. */
  struct in_addr a;
  CHECK(inet_pton(AF_INET, "10.1.2.3", &a) == 1 && a.s_addr == htonl(0x0a010203), "inet_pton");
  CHECK(inet_addr("10.1.2.3") == htonl(0x0a010203), "inet_addr");
  CHECK(inet_addr("10.1.2.300") == INADDR_NONE, "inet_addr (bad)");
  char text[INET6_ADDRSTRLEN];
  CHECK(inet_ntop(AF_INET, &a, text, sizeof(text)) != NULL && strcmp(text, "10.1.2.3") == 0,
        "inet_ntop");
  CHECK(ntohs(htons(0x1234)) == 0x1234 && htons(0x1234) == 0x3412, "htons/ntohs");
  return Done();
}

/* ---- main ------------------------------------------------------------------------------------ */

static const struct {
  const char *name;
  int (*run)(void);
} kSubs[] = {
    {"overlapped-event", OverlappedEvent}, {"overlapped-routine", OverlappedRoutine},
    {"overlapped-port", OverlappedPort},   {"select", Select},
    {"poll", Poll},                        {"event-select", EventSelect},
    {"async-select", AsyncSelect},         {"acceptex", AcceptExConnectEx},
    {"names", Names},
};

int main(int argc, char **argv) {
  int count = (int)(sizeof(kSubs) / sizeof(kSubs[0]));
  for (int i = 0; argc == 2 && i < count; ++i) {
    if (strcmp(argv[1], kSubs[i].name) != 0) continue;
    g_sub = kSubs[i].name;
    WSADATA data;
    int err = WSAStartup(MAKEWORD(2, 2), &data);
    if (err != 0) FailAt("WSAStartup", __LINE__, err);
    int rc = kSubs[i].run();
    CHECK(WSACleanup() == 0, "WSACleanup");
    return rc;
  }
  printf("usage: io_modes.exe SUB-COMMAND, one of:");
  for (int i = 0; i < count; ++i) printf(" %s", kSubs[i].name);
  printf("\n");
  return 2;
}
