/* win_net_bench: TCP over loopback through Winsock, and the same loops on Linux sockets as the
 * floor. One source, two builds: with mingw-w64 it is win_net_bench.exe (Winsock, -lws2_32), timed
 * by win_net_compare.py under ws2emu-run and under Wine; built natively it is win-net-floor, the
 * same loops on the Linux socket calls, so the two differ only in the layer under the calls.
 *
 * Output. A comment line starting with '#', then one line per figure, the contract
 * win_net_compare.py reads:
 *
 *   win_tcp_rtt <x> us/op     1-byte send, recv on the other end, 1-byte send back, recv: one
 *                             round trip, per op
 *   win_tcp_bulk <x> MB/s     64 KiB sends, each drained by recv on the other end (MB = 10^6
 *                             bytes)
 *
 * Shape. One thread and two sockets, a connected TCP pair over 127.0.0.1 with TCP_NODELAY on
 * both ends (the loop never waits for a peer thread to be scheduled, so a figure is the CPU cost
 * of the calls: what the layer adds, not the latency of waking an idle CPU). The sockets are
 * blocking; a 64 KiB send fits the loopback socket buffers, which the program sets to 1 MiB.
 *
 * Method. Each figure is run once to warm up, then `reps` times, each repetition as many batches
 * as fit in 250 ms (so a slow runtime takes as long as a fast one); the line reports the best
 * repetition. Every call is checked: a failure prints the call and the error and exits 1.
 *
 * Usage: win_net_bench [--quick]    (--quick: tiny counts, a smoke test; the figures mean nothing)
 */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
typedef SOCKET Socket;
typedef int SockLen;
#define RUNTIME "winsock"
static int LastError(void) { return WSAGetLastError(); }
static int CloseSocket(Socket s) { return closesocket(s); }
static double g_us_per_tick;
static void InitClock(void) {
  LARGE_INTEGER f;
  QueryPerformanceFrequency(&f);
  g_us_per_tick = 1e6 / (double)f.QuadPart;
}
static double NowUs(void) {
  LARGE_INTEGER t;
  QueryPerformanceCounter(&t);
  return (double)t.QuadPart * g_us_per_tick;
}
#else
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
typedef int Socket;
typedef socklen_t SockLen;
#define INVALID_SOCKET (-1)
#define SOCKET_ERROR (-1)
#define RUNTIME "linux"
static int LastError(void) { return errno; }
static int CloseSocket(Socket s) { return close(s); }
static void InitClock(void) {}
static double NowUs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}
#endif

static int g_reps = 9;
static double g_rep_us = 250000; /* each repetition: at least this long */
enum { kChunk = 65536, kRoundTripBatch = 50, kBulkBatch = 8 };

static void Fail(const char *call) {
  printf("win_net_bench: %s failed: error %d\n", call, LastError());
  fflush(stdout);
  exit(1);
}

static void SetInt(Socket s, int level, int name, int value, const char *what) {
  if (setsockopt(s, level, name, (const char *)&value, sizeof(value)) != 0) Fail(what);
}

/* A connected TCP pair on 127.0.0.1: *a the connecting end, *b the accepted one. */
static void Pair(Socket *a, Socket *b) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  static const unsigned char kLoopback[4] = {127, 0, 0, 1}; /* network order as it stands */
  memcpy(&addr.sin_addr, kLoopback, sizeof(kLoopback));
  Socket listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (listener == INVALID_SOCKET) Fail("socket");
  if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0) Fail("bind");
  if (listen(listener, 1) != 0) Fail("listen");
  SockLen len = sizeof(addr);
  if (getsockname(listener, (struct sockaddr *)&addr, &len) != 0) Fail("getsockname");
  *a = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (*a == INVALID_SOCKET) Fail("socket");
  SetInt(*a, SOL_SOCKET, SO_SNDBUF, 1 << 20, "setsockopt(SO_SNDBUF)");
  SetInt(*a, SOL_SOCKET, SO_RCVBUF, 1 << 20, "setsockopt(SO_RCVBUF)");
  if (connect(*a, (struct sockaddr *)&addr, sizeof(addr)) != 0) Fail("connect");
  *b = accept(listener, NULL, NULL);
  if (*b == INVALID_SOCKET) Fail("accept");
  SetInt(*b, SOL_SOCKET, SO_SNDBUF, 1 << 20, "setsockopt(SO_SNDBUF)");
  SetInt(*b, SOL_SOCKET, SO_RCVBUF, 1 << 20, "setsockopt(SO_RCVBUF)");
  SetInt(*a, IPPROTO_TCP, TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)");
  SetInt(*b, IPPROTO_TCP, TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)");
  if (CloseSocket(listener) != 0) Fail("closesocket(listener)");
}

static void RecvAll(Socket s, char *buf, int len) {
  while (len > 0) {
    int got = recv(s, buf, len, 0);
    if (got == SOCKET_ERROR) Fail("recv");
    if (got == 0) {
      printf("win_net_bench: recv: the peer closed\n");
      exit(1);
    }
    buf += got;
    len -= got;
  }
}

/* One repetition of each figure runs batches until it has taken g_rep_us: the same wall time
 * under every runtime, however slow (Wine's round trip is ten times the floor's). */
static double RoundTrips(Socket a, Socket b) {
  char byte = 'p';
  long ops = 0;
  double start = NowUs(), elapsed;
  do {
    for (int i = 0; i < kRoundTripBatch; ++i) {
      if (send(a, &byte, 1, 0) != 1) Fail("send(ping)");
      if (recv(b, &byte, 1, 0) != 1) Fail("recv(ping)");
      if (send(b, &byte, 1, 0) != 1) Fail("send(pong)");
      if (recv(a, &byte, 1, 0) != 1) Fail("recv(pong)");
    }
    ops += kRoundTripBatch;
    elapsed = NowUs() - start;
  } while (elapsed < g_rep_us);
  return elapsed / (double)ops;
}

static double Bulk(Socket a, Socket b, char *out, char *in) {
  long sends = 0;
  double start = NowUs(), elapsed;
  do {
    for (int i = 0; i < kBulkBatch; ++i) {
      int sent = send(a, out, kChunk, 0);
      if (sent != kChunk) Fail("send(64 KiB)");
      RecvAll(b, in, kChunk);
    }
    sends += kBulkBatch;
    elapsed = NowUs() - start;
  } while (elapsed < g_rep_us);
  return (double)sends * kChunk / elapsed; /* bytes per microsecond = MB/s */
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--quick") == 0) {
    g_reps = 1;
    g_rep_us = 1000;
  } else if (argc != 1) {
    printf("usage: win_net_bench [--quick]\n");
    return 2;
  }
  InitClock();
#ifdef _WIN32
  WSADATA data;
  int err = WSAStartup(MAKEWORD(2, 2), &data);
  if (err != 0) {
    printf("win_net_bench: WSAStartup failed: %d\n", err);
    return 1;
  }
#endif
  Socket a, b;
  Pair(&a, &b);
  char *out = malloc(kChunk), *in = malloc(kChunk);
  if (out == NULL || in == NULL) Fail("malloc");
  for (int i = 0; i < kChunk; ++i) out[i] = (char)(i * 7);

  printf("# win_net_bench (%s): best of %d repetitions of %.0f ms each\n", RUNTIME, g_reps,
         g_rep_us / 1000);
  double best = RoundTrips(a, b);
  for (int r = 0; r < g_reps; ++r) {
    double x = RoundTrips(a, b);
    if (x < best) best = x;
  }
  printf("win_tcp_rtt %.3f us/op\n", best);
  fflush(stdout);
  best = Bulk(a, b, out, in);
  for (int r = 0; r < g_reps; ++r) {
    double x = Bulk(a, b, out, in);
    if (x > best) best = x;
  }
  if (memcmp(in, out, kChunk) != 0) {
    printf("win_net_bench: the bulk data came back different\n");
    return 1;
  }
  printf("win_tcp_bulk %.1f MB/s\n", best);
  fflush(stdout);

  free(out);
  free(in);
  if (CloseSocket(a) != 0 || CloseSocket(b) != 0) Fail("closesocket");
#ifdef _WIN32
  if (WSACleanup() != 0) Fail("WSACleanup");
#endif
  return 0;
}
