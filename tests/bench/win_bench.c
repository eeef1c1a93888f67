/* win_bench.exe: the Win32 synchronisation paths a Winsock provider leans on, measured through
 * the Win32 API, so that the same binary can be timed under ws2emu-run and under Wine (and on
 * Windows). Built with mingw-w64; imports only kernel32 and msvcrt functions ws2emu implements
 * (`ws2emu-run --check win_bench.exe` lists none missing).
 *
 * Output. A comment line starting with '#', then one line per figure, a contract
 * win_bench_compare.py reads:
 *
 *   <name> <value> ns/op
 *
 * The figures:
 *   win_event_pingpong   two threads bouncing through two auto-reset events (SetEvent, then
 *                        WaitForSingleObject on the other), per one-way hop.
 *   win_set_reset        SetEvent + ResetEvent on a manual-reset event nobody waits on, per pair.
 *   win_apc_pingpong     two threads, each in SleepEx(INFINITE, TRUE), each APC queueing one
 *                        back to the other with QueueUserAPC, per one-way hop.
 *   win_iocp_post_get    PostQueuedCompletionStatus, then GetQueuedCompletionStatus of that
 *                        packet, on one thread, per pair.
 *
 * Method. Each figure is run once to warm up, then `reps` times; the line reports the best
 * (minimum) repetition, the one least disturbed by the rest of the machine. The program does not
 * pin its threads (SetThreadAffinityMask is not in the subset); the comparison script pins the
 * whole process with taskset, the same way for both runtimes. Every call's result is checked: a
 * failure prints the call and GetLastError() and exits 1. Times are never judged here.
 *
 * Usage: win_bench.exe [--quick] [--only NAME]
 *   --quick  tiny iteration counts (a smoke test; the figures mean nothing)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

/* Many short repetitions rather than a few long ones: on a busy machine the best of them is more
 * likely to have run undisturbed. Under Wine the whole run takes about 25 s. */
static int g_reps = 11;
static DWORD g_round_trips = 5000; /* ping-pongs: two hops each */
static DWORD g_pairs = 50000;      /* set_reset, iocp_post_get */
static double g_ns_per_tick;

static void Fail(const char *what) {
  printf("win_bench: %s failed (GetLastError %lu)\n", what, (unsigned long)GetLastError());
  fflush(stdout);
  exit(1);
}

#define CHECK(cond, what)    \
  do {                       \
    if (!(cond)) Fail(what); \
  } while (0)

static LONGLONG Now(void) {
  LARGE_INTEGER t;
  CHECK(QueryPerformanceCounter(&t), "QueryPerformanceCounter");
  return t.QuadPart;
}

static double NsPerOp(LONGLONG start, LONGLONG end, DWORD ops) {
  return (double)(end - start) * g_ns_per_tick / (double)ops;
}

/* Starts `fn(arg)` on a new thread; JoinThread waits for it and checks it returned 0. */
static HANDLE StartThread(LPTHREAD_START_ROUTINE fn, void *arg) {
  HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);
  CHECK(t != NULL, "CreateThread");
  return t;
}

static void JoinThread(HANDLE t) {
  DWORD code = 1;
  CHECK(WaitForSingleObject(t, 60000) == WAIT_OBJECT_0, "WaitForSingleObject(thread)");
  CHECK(GetExitCodeThread(t, &code) && code == 0, "the partner thread");
  CHECK(CloseHandle(t), "CloseHandle(thread)");
}

/* ---- win_event_pingpong ---------------------------------------------------------------------- */

struct EventPair {
  HANDLE ping, pong;
  DWORD round_trips;
};

static DWORD WINAPI EventPonger(LPVOID arg) {
  struct EventPair *p = arg;
  for (DWORD i = 0; i < p->round_trips; ++i) {
    if (WaitForSingleObject(p->ping, INFINITE) != WAIT_OBJECT_0 || !SetEvent(p->pong)) return 1;
  }
  return 0;
}

static double EventPingPongOnce(void) {
  struct EventPair p = {CreateEventW(NULL, FALSE, FALSE, NULL),
                        CreateEventW(NULL, FALSE, FALSE, NULL), g_round_trips};
  CHECK(p.ping != NULL && p.pong != NULL, "CreateEventW");
  HANDLE t = StartThread(EventPonger, &p);
  LONGLONG start = Now();
  for (DWORD i = 0; i < p.round_trips; ++i) {
    CHECK(SetEvent(p.ping), "SetEvent");
    CHECK(WaitForSingleObject(p.pong, INFINITE) == WAIT_OBJECT_0, "WaitForSingleObject");
  }
  LONGLONG end = Now();
  JoinThread(t);
  CHECK(CloseHandle(p.ping) && CloseHandle(p.pong), "CloseHandle(event)");
  return NsPerOp(start, end, 2 * p.round_trips);
}

/* ---- win_set_reset --------------------------------------------------------------------------- */

static double SetResetOnce(void) {
  HANDLE e = CreateEventW(NULL, TRUE, FALSE, NULL);
  CHECK(e != NULL, "CreateEventW");
  LONGLONG start = Now();
  for (DWORD i = 0; i < g_pairs; ++i) {
    CHECK(SetEvent(e), "SetEvent");
    CHECK(ResetEvent(e), "ResetEvent");
  }
  LONGLONG end = Now();
  CHECK(CloseHandle(e), "CloseHandle(event)");
  return NsPerOp(start, end, g_pairs);
}

/* ---- win_apc_pingpong ------------------------------------------------------------------------ */

/* Each side's APC counts the hops it received; the thread that waits in SleepEx runs it. */
struct ApcPair {
  HANDLE main_thread, partner; /* real handles, for QueueUserAPC */
  DWORD round_trips;
  volatile LONG to_main, to_partner;
};

static void WINAPI ApcToMain(ULONG_PTR arg) { ((struct ApcPair *)arg)->to_main++; }
static void WINAPI ApcToPartner(ULONG_PTR arg) { ((struct ApcPair *)arg)->to_partner++; }

/* Waits alertably until `*counter` reaches `want` (SleepEx returns after running the APCs). */
static int AwaitApc(volatile LONG *counter, LONG want) {
  while (*counter < want) {
    if (SleepEx(INFINITE, TRUE) != WAIT_IO_COMPLETION) return 0;
  }
  return 1;
}

static DWORD WINAPI ApcPonger(LPVOID arg) {
  struct ApcPair *p = arg;
  for (DWORD i = 0; i < p->round_trips; ++i) {
    if (!AwaitApc(&p->to_partner, (LONG)i + 1)) return 1;
    if (!QueueUserAPC(ApcToMain, p->main_thread, (ULONG_PTR)p)) return 1;
  }
  return 0;
}

static double ApcPingPongOnce(void) {
  struct ApcPair p;
  memset(&p, 0, sizeof p);
  p.round_trips = g_round_trips;
  p.main_thread = OpenThread(THREAD_SET_CONTEXT | SYNCHRONIZE, FALSE, GetCurrentThreadId());
  CHECK(p.main_thread != NULL, "OpenThread");
  p.partner = StartThread(ApcPonger, &p);
  LONGLONG start = Now();
  for (DWORD i = 0; i < p.round_trips; ++i) {
    CHECK(QueueUserAPC(ApcToPartner, p.partner, (ULONG_PTR)&p), "QueueUserAPC");
    CHECK(AwaitApc(&p.to_main, (LONG)i + 1), "SleepEx(INFINITE, TRUE)");
  }
  LONGLONG end = Now();
  JoinThread(p.partner);
  CHECK(CloseHandle(p.main_thread), "CloseHandle(thread)");
  return NsPerOp(start, end, 2 * p.round_trips);
}

/* ---- win_iocp_post_get ----------------------------------------------------------------------- */

static double IocpPostGetOnce(void) {
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
  CHECK(port != NULL, "CreateIoCompletionPort");
  LONGLONG start = Now();
  for (DWORD i = 0; i < g_pairs; ++i) {
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    CHECK(PostQueuedCompletionStatus(port, i, 7, NULL), "PostQueuedCompletionStatus");
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE),
          "GetQueuedCompletionStatus");
    CHECK(bytes == i && key == 7 && ov == NULL, "GetQueuedCompletionStatus (packet contents)");
  }
  LONGLONG end = Now();
  CHECK(CloseHandle(port), "CloseHandle(port)");
  return NsPerOp(start, end, g_pairs);
}

/* ---- main ------------------------------------------------------------------------------------ */

struct Figure {
  const char *name;
  double (*once)(void);
};

static const struct Figure kFigures[] = {
    {"win_event_pingpong", EventPingPongOnce},
    {"win_set_reset", SetResetOnce},
    {"win_apc_pingpong", ApcPingPongOnce},
    {"win_iocp_post_get", IocpPostGetOnce},
};
#define FIGURE_COUNT (sizeof kFigures / sizeof kFigures[0])

static void Usage(void) {
  printf("usage: win_bench.exe [--quick] [--only NAME]\n  figures:");
  for (size_t i = 0; i < FIGURE_COUNT; ++i) printf(" %s", kFigures[i].name);
  printf("\n");
}

int main(int argc, char **argv) {
  const char *only = NULL;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--quick") == 0) {
      g_reps = 2;
      g_round_trips = 200;
      g_pairs = 2000;
    } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else {
      Usage();
      return 2;
    }
  }
  int matched = 0;
  for (size_t i = 0; i < FIGURE_COUNT; ++i)
    matched += only == NULL || strcmp(only, kFigures[i].name) == 0;
  if (matched == 0) {
    Usage();
    return 2;
  }

  LARGE_INTEGER freq;
  CHECK(QueryPerformanceFrequency(&freq) && freq.QuadPart > 0, "QueryPerformanceFrequency");
  g_ns_per_tick = 1e9 / (double)freq.QuadPart;
  printf("# win_bench: best of %d repetitions; %lu round trips, %lu pairs\n", g_reps,
         (unsigned long)g_round_trips, (unsigned long)g_pairs);
  fflush(stdout);

  for (size_t i = 0; i < FIGURE_COUNT; ++i) {
    if (only != NULL && strcmp(only, kFigures[i].name) != 0) continue;
    kFigures[i].once(); /* warm-up */
    double best = kFigures[i].once();
    for (int r = 1; r < g_reps; ++r) {
      double ns = kFigures[i].once();
      if (ns < best) best = ns;
    }
    printf("%s %.1f ns/op\n", kFigures[i].name, best);
    fflush(stdout);
  }
  return 0;
}
