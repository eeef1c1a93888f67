// ws2emu-bench: the runtime's hot paths, each against the Linux floor it is built on, measured
// in the same run (same process where possible, same number of operations).
//
// Output. A header line naming the machine, then one line per figure, a contract other programs
// read:
//
//   <name> <value> ns/op floor <floor> ns/op ratio <value/floor>
//   bytes_per_handle <N>
//
// The figures, and their floors:
//   query_context        WPUQuerySocketHandleContext on 16 handles in a pseudo-random order;
//                        a std::mutex + absl::flat_hash_map lookup in the same order.
//   query_context_2t     the same from two threads at once (wall time / ops per thread).
//   event_pingpong       two threads bouncing through two WSAEVENTs, per one-way hop; two
//                        threads bouncing through two eventfds (blocking read + write).
//   named_event_pingpong_xproc
//                        two processes (a forked child that opens the names through the C
//                        API) bouncing through two named auto-reset events (SetEvent +
//                        WaitForSingleObject), per hop; two processes bouncing through two
//                        eventfds passed to the child with SCM_RIGHTS over a socketpair. Both
//                        processes on one CPU, as the thread ping-pongs.
//   apc_pingpong_uring,  WPUQueueApc to a thread in SleepEx(INFINITE, TRUE), whose APC queues
//   apc_pingpong_signal  one back, per hop, with WS2EMU_APC=uring / =signal; eventfd ping-pong.
//   set_reset            WPUSetEvent + WPUResetEvent, nobody waiting; eventfd write + read.
//   iocp_post_get        1,000,000 PostQueuedCompletionStatus on one thread, taken 64 at a time
//                        by GetQueuedCompletionStatusEx on another; a mutex + condvar queue.
//   iocp_post_get_4p     the same 1,000,000 packets posted by four threads at once (a quarter
//                        each), one getter; the same mutex + condvar queue, fed the same way.
//   query_context_1m     the lookup among 1,000,000 open handles in a pseudo-random order; a
//                        read at the same pseudo-random indices from a plain array of 1,000,000
//                        16-byte slots (the memory system's own cost of that access pattern).
//   bytes_per_handle     resident memory (RSS) per open socket handle, over those 1,000,000.
//   wait_64              WSAWaitForMultipleEvents on 64 events, the last one signaled,
//                        timeout 0; one poll() over 64 eventfds, the last one readable.
//   catalog_parse_1k,    ns per entry to parse and index a catalog file's text of 1,000 /
//   catalog_parse_100k   100,000 entries (what every WSAEnumProtocols after a change pays);
//                        splitting the same text into its lines. Parsing is linear when the
//                        100k figure stays within 1.5x the 1k one.
//
// Method. Every timed loop is warmed up once, then run several times alternating with its floor;
// each side reports the best (minimum) repetition, the figure least disturbed by the rest of a
// busy machine. Two-thread figures pin their threads the same way for the figure and its floor
// (see Placement). The APC figures run in a child process each (the wake backend is chosen once
// per process from WS2EMU_APC): the bench re-executes itself with WS2EMU_APC set and forwards
// the child's line. After the run the bench checks that every figure it ran printed its line in
// the format above and exits 1 if one did not; it never judges a time (`--quick` is the smoke
// test).
//
// Only the public C API (ws2emu/ws2emu.h) is used, through ws2emu_upcall_table() where a
// provider would call it; the catalog figures call lib/catalog's parser, whose file format has
// no public API.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_split.h"
#include "catalog/catalog.h"
#include "ws2emu/ws2emu.h"

extern char **environ;

// tests/bench/overlapped_figures.cc: the base provider's overlapped figures (ns per op).
namespace overlapped_figures {
double TcpBulkWspNs(size_t sends);
double TcpBulkFloorNs(size_t sends);
double IocpEchoWspNs(size_t requests);
double IocpEchoFloorNs(size_t requests);
double EchoWaiterRunsPerRequest();
// Whether the engine's ring deferred its task work (IORING_SETUP_COOP_TASKRUN) in the last
// tcp_bulk_wsp run.
bool BulkRingDefersTaskWork();
}  // namespace overlapped_figures
// The base provider's figures (socket_figures.cc).
namespace socket_figures {
double TcpRttWspNs(size_t round_trips);
double TcpRttLinuxNs(size_t round_trips);
double UdpRttWspNs(size_t round_trips);
double UdpRttLinuxNs(size_t round_trips);
long BytesPerSocket(size_t pairs);
}  // namespace socket_figures

namespace {

using Clock = std::chrono::steady_clock;

// ---- Run parameters --------------------------------------------------------------------------

// Two-thread figures pin their threads, the same way for a figure and its floor, so that both
// take the same wake path: a context switch on one CPU costs far less than a wake sent to another
// CPU (on a virtual machine an idle vCPU takes tens of microseconds to wake), and left to the
// scheduler the choice between the two changes from run to run.
//   same:  both threads on one CPU. The ping-pongs, by default: a hop then costs the CPU work of
//          the path (syscalls and a context switch), which is what the runtime adds to.
//   split: one thread on each of two CPUs (more threads: round robin over the CPUs). The
//          figures whose threads run at once, by default (query_context_2t, iocp_post_get,
//          iocp_post_get_4p).
//   free:  wherever the scheduler puts them.
enum class Placement { kAuto, kSame, kSplit, kFree };

struct Options {
  bool quick = false;
  bool child = false;  // run as the re-executed child of an APC figure: no header
  std::string only;
  Placement placement = Placement::kAuto;  // kAuto: each figure's own
};
Options g_opt;

const char *PlacementName(Placement p) {
  switch (p) {
    case Placement::kAuto:
      return "auto";
    case Placement::kSame:
      return "same";
    case Placement::kSplit:
      return "split";
    case Placement::kFree:
      return "free";
  }
  return "auto";
}

// Sizes of the timed loops. Many short repetitions rather than a few long ones: on a busy
// machine the best of them is more likely to have run undisturbed. Normal sizes keep the whole
// run to ~10 s on an idle 2-core machine (~20 s on a loaded one); --quick ones only show that
// every path runs.
struct Sizes {
  int reps;                // timed repetitions per side (after one warm-up)
  size_t lookups;          // query_context, query_context_1m
  size_t lookups_2t;       // query_context_2t, per thread
  size_t round_trips;      // event_pingpong, apc_pingpong_*: two hops each
  size_t set_reset;        // Set+Reset pairs
  size_t packets;          // iocp_post_get
  size_t million_handles;  // query_context_1m (1,000,000 except in --quick)
  size_t waits;            // wait_64
};
constexpr Sizes kNormal = {11, 500'000, 200'000, 5'000, 50'000, 1'000'000, 1'000'000, 20'000};
constexpr Sizes kQuick = {2, 20'000, 10'000, 200, 2'000, 10'000, 20'000, 1'000};
const Sizes &S() { return g_opt.quick ? kQuick : kNormal; }

// ---- Helpers ---------------------------------------------------------------------------------

template <typename T>
inline void Keep(const T &value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

double NsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count();
}

[[noreturn]] void Die(const char *what) {
  std::fprintf(stderr, "ws2emu-bench: %s\n", what);
  std::exit(2);
}
void Check(bool ok, const char *what) {
  if (!ok) Die(what);
}

const WSPUPCALLTABLE &Upcalls() { return *ws2emu_upcall_table(); }

// xorshift64*: a fixed pseudo-random sequence, the same for a figure and its floor.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint32_t Next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return static_cast<uint32_t>((s_ * 0x2545F4914F6CDD1Dull) >> 32);
  }
  // Uniform in [0, n).
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>((uint64_t{Next()} * n) >> 32); }

 private:
  uint64_t s_;
};

// Every line printed, for the format check at the end.
std::vector<std::string> g_lines;

void PrintLine(const std::string &line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
  g_lines.push_back(line);
}

void Report(const char *name, double value, double floor) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s %.2f ns/op floor %.2f ns/op ratio %.2f", name, value, floor,
                floor > 0 ? value / floor : 0.0);
  PrintLine(buf);
}

// Runs value_once and floor_once (each returns ns/op) once to warm up, then `reps` times each,
// alternating, and reports the best of each; returns them (value, floor).
std::pair<double, double> MeasureAndReport(const char *name,
                                           const std::function<double()> &value_once,
                                           const std::function<double()> &floor_once) {
  floor_once();
  value_once();
  double best_value = std::numeric_limits<double>::infinity();
  double best_floor = best_value;
  for (int r = 0; r < S().reps; ++r) {
    best_floor = std::min(best_floor, floor_once());
    best_value = std::min(best_value, value_once());
  }
  Report(name, best_value, best_floor);
  return {best_value, best_floor};
}

// For a figure whose target is a rate: a comment line after its contract line, e.g.
// "# tcp_bulk_wsp 1149.2 MB/s floor 1045.0 MB/s: 1.10x the floor's rate", where the rate is
// `per_op` units per operation of `ns` nanoseconds.
void ReportRate(const char *name, std::pair<double, double> ns, double per_op, const char *unit) {
  char buf[256];
  const double value = ns.first > 0 ? per_op * 1e9 / ns.first : 0;
  const double floor = ns.second > 0 ? per_op * 1e9 / ns.second : 0;
  std::snprintf(buf, sizeof buf, "# %s %.1f %s floor %.1f %s: %.2fx the floor's rate", name, value,
                unit, floor, unit, floor > 0 ? value / floor : 0.0);
  PrintLine(buf);
}

// The CPUs this process may use, read once at start (a pinned thread's children inherit its
// pinning, so it cannot be read again later).
std::vector<int> &AllowedCpus() {
  static std::vector<int> cpus = [] {
    std::vector<int> list;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
      for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) list.push_back(c);
    return list;
  }();
  return cpus;
}

// Pins the calling thread, thread `which` (0 or 1) of a pair placed `figure_default` unless
// --placement says otherwise, for the lifetime of the object.
class PinTo {
 public:
  PinTo(int which, Placement figure_default) {
    const Placement p = g_opt.placement == Placement::kAuto ? figure_default : g_opt.placement;
    const std::vector<int> &cpus = AllowedCpus();
    if (p == Placement::kFree || cpus.empty()) return;
    if (pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) != 0) return;
    if (p == Placement::kSame) which = 0;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpus[static_cast<size_t>(which) % cpus.size()], &one);
    pinned_ = pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0;
  }
  ~PinTo() {
    if (pinned_) pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
  }
  PinTo(const PinTo &) = delete;
  PinTo &operator=(const PinTo &) = delete;

 private:
  cpu_set_t saved_;
  bool pinned_ = false;
};

// Involuntary context switches of the calling thread so far (preemptions by other threads).
long Preemptions() {
  rusage u;
  return getrusage(RUSAGE_THREAD, &u) == 0 ? u.ru_nivcsw : 0;
}

struct PairTiming {
  double a_ns;       // how long `a` took
  double wall_ns;    // from the first start to the last end
  double skew_ns;    // between the two starts
  long preemptions;  // involuntary context switches of both threads while timed
};

// Starts `b` on a new thread and runs `a` on this one, placed as `placement` says; both begin
// together (a barrier that yields: with both on one CPU, the other must get to run).
PairTiming RunPair(Placement placement, const std::function<void()> &a,
                   const std::function<void()> &b) {
  PinTo pin_a(0, placement);
  std::atomic<int> arrived{0};
  Clock::time_point start_b, end_b;
  long preempted_b = 0;
  std::thread tb([&] {
    PinTo pin_b(1, placement);
    arrived.fetch_add(1);
    while (arrived.load() < 2) std::this_thread::yield();
    const long before = Preemptions();
    start_b = Clock::now();
    b();
    end_b = Clock::now();
    preempted_b = Preemptions() - before;
  });
  arrived.fetch_add(1);
  while (arrived.load() < 2) std::this_thread::yield();
  const long before = Preemptions();
  Clock::time_point start_a = Clock::now();
  a();
  Clock::time_point end_a = Clock::now();
  const long preempted_a = Preemptions() - before;
  tb.join();
  using Ns = std::chrono::duration<double, std::nano>;
  return {Ns(end_a - start_a).count(),
          Ns(std::max(end_a, end_b) - std::min(start_a, start_b)).count(),
          Ns(std::max(start_a, start_b) - std::min(start_a, start_b)).count(),
          preempted_a + preempted_b};
}

// ---- Raw eventfd ping-pong: the floor of every wake figure -------------------------------------

double EventfdPingPongNsPerHop(size_t round_trips) {
  int f1 = eventfd(0, EFD_CLOEXEC), f2 = eventfd(0, EFD_CLOEXEC);
  Check(f1 >= 0 && f2 >= 0, "eventfd failed");
  auto signal = [](int fd) {
    uint64_t one = 1;
    Check(write(fd, &one, sizeof one) == sizeof one, "eventfd write failed");
  };
  auto wait = [](int fd) {
    uint64_t v;
    Check(read(fd, &v, sizeof v) == sizeof v, "eventfd read failed");
  };
  auto ping = [&] {
    for (size_t i = 0; i < round_trips; ++i) {
      signal(f1);
      wait(f2);
    }
  };
  auto pong = [&] {
    for (size_t i = 0; i < round_trips; ++i) {
      wait(f1);
      signal(f2);
    }
  };
  double ns = RunPair(Placement::kSame, ping, pong).a_ns;
  close(f1);
  close(f2);
  return ns / (2.0 * static_cast<double>(round_trips));
}

// ---- Socket handle context lookups -------------------------------------------------------------

// The conventional design the handle table replaces: a map behind a mutex.
class LockedMap {
 public:
  void Insert(uint64_t s, uint64_t context) { map_[s] = context; }
  // Out of line, as a provider's call into ws2_32 would be.
  __attribute__((noinline)) bool Query(uint64_t s, uint64_t *context) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(s);
    if (it == map_.end()) return false;
    *context = it->second;
    return true;
  }

 private:
  std::mutex mu_;
  absl::flat_hash_map<uint64_t, uint64_t> map_;
};

// `n` lookups of the sockets in `pattern` (length mask + 1, a power of two), in order.
template <typename Lookup>
double LookupLoopNs(const Lookup &lookup, const std::vector<uint32_t> &pattern, size_t n) {
  const size_t mask = pattern.size() - 1;
  const uint32_t *p = pattern.data();
  uint64_t sum = 0;
  Clock::time_point start = Clock::now();
  for (size_t i = 0; i < n; ++i) sum += lookup(p[i & mask]);
  double ns = NsSince(start);
  Keep(sum);
  return ns / static_cast<double>(n);
}

// WPUQuerySocketHandleContext, called through the upcall table as a provider calls it.
struct Ws2emuQuery {
  LPWPUQUERYSOCKETHANDLECONTEXT query = Upcalls().lpWPUQuerySocketHandleContext;
  uint64_t operator()(uint32_t s) const {
    DWORD_PTR context = 0;
    int err = 0;
    query(s, &context, &err);
    return context;
  }
};

// Fills `sockets` with that many new socket handles, their contexts 1000 + i.
void CreateSockets(std::vector<uint32_t> *sockets) {
  int err = 0;
  for (size_t i = 0; i < sockets->size(); ++i) {
    SOCKET s = Upcalls().lpWPUCreateSocketHandle(1001, 1000 + i, &err);
    Check(s != INVALID_SOCKET && s < (SOCKET{1} << 32), "WPUCreateSocketHandle failed");
    (*sockets)[i] = static_cast<uint32_t>(s);
  }
}

void CloseSockets(const std::vector<uint32_t> &sockets) {
  int err = 0;
  for (uint32_t s : sockets)
    Check(Upcalls().lpWPUCloseSocketHandle(s, &err) == 0, "WPUCloseSocketHandle failed");
}

// A pattern of `length` (a power of two) sockets drawn from `sockets` by the same pseudo-random
// sequence whatever their number.
std::vector<uint32_t> RandomPattern(const std::vector<uint32_t> &sockets, size_t length) {
  Rng rng(0x5eed);
  std::vector<uint32_t> pattern(length);
  for (uint32_t &s : pattern) s = sockets[rng.Below(static_cast<uint32_t>(sockets.size()))];
  return pattern;
}

// 16 open socket handles, a pseudo-random pattern over them, and the same handles and contexts
// in the conventional map.
class Handful {
 public:
  static constexpr size_t kCount = 16;
  Handful() : sockets_(kCount) {
    CreateSockets(&sockets_);
    pattern_ = RandomPattern(sockets_, 4096);
    for (size_t i = 0; i < kCount; ++i) map_.Insert(sockets_[i], 1000 + i);
  }
  ~Handful() { CloseSockets(sockets_); }
  Handful(const Handful &) = delete;
  Handful &operator=(const Handful &) = delete;

  const std::vector<uint32_t> &sockets() const { return sockets_; }
  const std::vector<uint32_t> &pattern() const { return pattern_; }
  auto MapQuery() {
    return [this](uint32_t s) {
      uint64_t c = 0;
      map_.Query(s, &c);
      return c;
    };
  }

 private:
  std::vector<uint32_t> sockets_;
  std::vector<uint32_t> pattern_;
  LockedMap map_;
};

void BenchQueryContext() {
  Handful h;
  MeasureAndReport(
      "query_context", [&] { return LookupLoopNs(Ws2emuQuery(), h.pattern(), S().lookups); },
      [&] { return LookupLoopNs(h.MapQuery(), h.pattern(), S().lookups); });
}

// Both threads run the same loop at once; per-op time is wall time / ops per thread. A run in
// which either thread started late or was preempted by another process did not run them at
// once (and a preempted mutex floor looks faster, not slower), so up to 5 runs are made and the
// first clean one counts; if none is clean, the best of them.
template <typename Lookup>
double LookupLoop2tNs(const Lookup &lookup, const std::vector<uint32_t> &pattern, size_t n) {
  auto loop = [&] { LookupLoopNs(lookup, pattern, n); };
  double best = std::numeric_limits<double>::infinity();
  for (int attempt = 0; attempt < 5; ++attempt) {
    PairTiming t = RunPair(Placement::kSplit, loop, loop);
    const double ns = t.wall_ns / static_cast<double>(n);
    if (t.preemptions == 0 && t.skew_ns < 0.02 * t.wall_ns) return ns;
    best = std::min(best, ns);
  }
  return best;
}

void BenchQueryContext2t() {
  Handful h;
  MeasureAndReport(
      "query_context_2t",
      [&] { return LookupLoop2tNs(Ws2emuQuery(), h.pattern(), S().lookups_2t); },
      [&] { return LookupLoop2tNs(h.MapQuery(), h.pattern(), S().lookups_2t); });
}

// Resident set size in bytes, from /proc/self/statm.
size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t size = 0, resident = 0;
  statm >> size >> resident;
  Check(static_cast<bool>(statm), "cannot read /proc/self/statm");
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// The floor of query_context_1m: what the memory system charges for the access pattern itself.
// A plain array of 16-byte slots as many as the handles (the handle table's hot part is 16
// bytes a slot too), read at the same pseudo-random indices. Laid out as the table lays out its
// hot slots (one 2 MB-aligned range, transparent huge pages asked for; the table collapses its
// first 2 MB too once it grows past them), so that the figure and its floor pay the same TLB
// misses (both are all huge pages where THP is available: compare AnonHugePages in
// /proc/<pid>/smaps) and the ratio is what the lookup's code adds to one random read. What it
// adds is mostly instructions, not misses: independent random reads overlap only as far as
// the processor's reorder window reaches, so every instruction of the lookup (and of the call)
// costs a share of the overlap, and the floor's read is four.
class PlainSlots {
 public:
  struct Slot {
    uint64_t state;
    uint64_t word;
  };
  static_assert(sizeof(Slot) == 16);
  explicit PlainSlots(size_t count) {
    constexpr size_t kHuge = size_t{2} << 20;
    bytes_ = (count * sizeof(Slot) + kHuge - 1) / kHuge * kHuge;
    slots_ = static_cast<Slot *>(std::aligned_alloc(kHuge, bytes_));
    Check(slots_ != nullptr, "no memory for the plain slots");
    madvise(slots_, bytes_, MADV_HUGEPAGE);  // a hint, as in the handle table
    for (size_t i = 0; i < count; ++i) slots_[i] = {i, 1000 + i};
  }
  ~PlainSlots() { std::free(slots_); }
  PlainSlots(const PlainSlots &) = delete;
  PlainSlots &operator=(const PlainSlots &) = delete;
  // Out of line, as the provider's call through the upcall table is.
  __attribute__((noinline)) uint64_t Read(uint32_t index) const { return slots_[index].word; }

 private:
  size_t bytes_ = 0;
  Slot *slots_ = nullptr;
};

// The loop of query_context_1m, for the figure and its floor alike: `n` lookups of the entries
// of `pattern` (length mask + 1, a power of two), in order. ms_abi, as a provider's code is
// (the thing the figure stands for is a provider calling the upcall): its outgoing-argument
// area is part of its frame, where a System V caller of an ms_abi function adjusts the stack
// around every call. The loop is the same for both sides; only the lookup differs.
template <typename Lookup>
__attribute__((ms_abi, noinline)) uint64_t ProviderLoop(const Lookup &lookup,
                                                         const uint32_t *pattern, size_t mask,
                                                         size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += lookup(pattern[i & mask]);
  return sum;
}

template <typename Lookup>
double ProviderLoopNs(const Lookup &lookup, const std::vector<uint32_t> &pattern, size_t n) {
  Clock::time_point start = Clock::now();
  Keep(ProviderLoop(lookup, pattern.data(), pattern.size() - 1, n));
  return NsSince(start) / static_cast<double>(n);
}

// WPUQuerySocketHandleContext through the upcall table, called as a provider calls it: the
// result checked, the outputs not filled beforehand.
struct ProviderQuery {
  LPWPUQUERYSOCKETHANDLECONTEXT query = Upcalls().lpWPUQuerySocketHandleContext;
  uint64_t operator()(uint32_t s) const {
    DWORD_PTR context;
    int err;
    if (query(s, &context, &err) != 0) return 0;
    return context;
  }
};

void BenchQueryContext1m() {
  // The array of handles is allocated and touched before the first RSS reading, so that the
  // difference is the handles alone.
  std::vector<uint32_t> sockets(S().million_handles, 1);
  const size_t before = ResidentBytes();
  CreateSockets(&sockets);
  const size_t after = ResidentBytes();

  // The same pseudo-random sequence picks the handles (among the million) and the floor's
  // indices (among as many plain slots): RandomPattern over the identity gives the indices.
  constexpr size_t kPatternLength = size_t{1} << 20;
  std::vector<uint32_t> pattern_big = RandomPattern(sockets, kPatternLength);
  std::vector<uint32_t> identity(sockets.size());
  for (size_t i = 0; i < identity.size(); ++i) identity[i] = static_cast<uint32_t>(i);
  std::vector<uint32_t> pattern_indices = RandomPattern(identity, kPatternLength);
  PlainSlots plain(sockets.size());
  MeasureAndReport(
      "query_context_1m", [&] { return ProviderLoopNs(ProviderQuery(), pattern_big, S().lookups); },
      [&] {
        return ProviderLoopNs([&](uint32_t i) { return plain.Read(i); }, pattern_indices,
                              S().lookups);
      });
  const size_t count = sockets.size();
  char line[64];
  std::snprintf(line, sizeof line, "bytes_per_handle %zu",
                after > before ? (after - before + count / 2) / count : size_t{0});
  PrintLine(line);
  CloseSockets(sockets);
}

// ---- Events --------------------------------------------------------------------------------

void BenchEventPingPong() {
  WSAEVENT e1 = WSACreateEvent(), e2 = WSACreateEvent();
  Check(e1 != WSA_INVALID_EVENT && e2 != WSA_INVALID_EVENT, "WSACreateEvent failed");
  const size_t n = S().round_trips;
  auto ping = [&] {
    for (size_t i = 0; i < n; ++i) {
      WSASetEvent(e1);
      WSAWaitForMultipleEvents(1, &e2, FALSE, WSA_INFINITE, FALSE);
      WSAResetEvent(e2);
    }
  };
  auto pong = [&] {
    for (size_t i = 0; i < n; ++i) {
      WSAWaitForMultipleEvents(1, &e1, FALSE, WSA_INFINITE, FALSE);
      WSAResetEvent(e1);
      WSASetEvent(e2);
    }
  };
  auto once = [&] {
    return RunPair(Placement::kSame, ping, pong).a_ns / (2.0 * static_cast<double>(n));
  };
  MeasureAndReport("event_pingpong", once, [] { return EventfdPingPongNsPerHop(S().round_trips); });
  WSACloseEvent(e1);
  WSACloseEvent(e2);
}

// ---- Named events across processes -----------------------------------------------------------

// Pins the calling thread as side `which` (0: this process, 1: the child) of a cross-process
// pair, placed as PinTo places two threads (both on the first CPU by default, as the thread
// ping-pongs).
void PinSelfAs(int which) {
  const Placement p = g_opt.placement == Placement::kAuto ? Placement::kSame : g_opt.placement;
  const std::vector<int> &cpus = AllowedCpus();
  if (p == Placement::kFree || cpus.empty()) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpus[p == Placement::kSame ? 0 : static_cast<size_t>(which) % cpus.size()], &one);
  sched_setaffinity(0, sizeof one, &one);
}

// Forks a child that runs `body` (which never returns) and returns its pid.
template <typename Body>
pid_t ForkChild(Body body) {
  std::fflush(nullptr);
  pid_t pid = fork();
  Check(pid >= 0, "fork failed");
  if (pid == 0) {
    PinSelfAs(1);
    body();
    _exit(0);
  }
  return pid;
}

void StopChild(pid_t pid) {
  kill(pid, SIGKILL);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// The floor: two eventfds made here and passed to the child over a socketpair (SCM_RIGHTS); the
// child answers every write on the first with a write on the second.
double XprocEventfdPingPongNsPerHop(size_t round_trips) {
  int sv[2];
  Check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair failed");
  pid_t child = ForkChild([&] {
    close(sv[0]);
    char byte;
    iovec iov = {&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))];
    msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (recvmsg(sv[1], &msg, 0) != 1) _exit(3);
    cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == nullptr || c->cmsg_type != SCM_RIGHTS) _exit(3);
    int fds[2];
    std::memcpy(fds, CMSG_DATA(c), sizeof fds);
    for (;;) {
      uint64_t v;
      if (read(fds[0], &v, sizeof v) != sizeof v) _exit(3);
      if (write(fds[1], &v, sizeof v) != sizeof v) _exit(3);
    }
  });
  close(sv[1]);
  int f1 = eventfd(0, EFD_CLOEXEC), f2 = eventfd(0, EFD_CLOEXEC);
  Check(f1 >= 0 && f2 >= 0, "eventfd failed");
  {
    char byte = 0;
    iovec iov = {&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
    msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    const int fds[2] = {f1, f2};
    std::memcpy(CMSG_DATA(c), fds, sizeof fds);
    Check(sendmsg(sv[0], &msg, 0) == 1, "sendmsg failed");
  }
  PinSelfAs(0);
  Clock::time_point start = Clock::now();
  for (size_t i = 0; i < round_trips; ++i) {
    uint64_t one = 1;
    Check(write(f1, &one, sizeof one) == sizeof one, "eventfd write failed");
    Check(read(f2, &one, sizeof one) == sizeof one, "eventfd read failed");
  }
  const double ns = NsSince(start);
  StopChild(child);
  close(f1);
  close(f2);
  close(sv[0]);
  return ns / (2.0 * static_cast<double>(round_trips));
}

void BenchNamedEventPingPongXproc() {
  // Names of this run only; the objects are removed when both processes have let go.
  const std::string base = "ws2emu-bench-" + std::to_string(getpid());
  const std::u16string name_a(std::u16string(base.begin(), base.end()) + u"-a");
  const std::u16string name_b(std::u16string(base.begin(), base.end()) + u"-b");
  HANDLE a = ws2emu_CreateEventW(nullptr, FALSE, FALSE, name_a.c_str());
  HANDLE b = ws2emu_CreateEventW(nullptr, FALSE, FALSE, name_b.c_str());
  if (a == nullptr || b == nullptr) {
    std::fprintf(stderr, "ws2emu-bench: named events: error %u\n", ws2emu_GetLastError());
    Die("CreateEventW with a name failed");
  }
  const size_t n = S().round_trips;
  cpu_set_t saved;
  const bool have_saved = sched_getaffinity(0, sizeof saved, &saved) == 0;
  // The child opens the names through the C API and answers each set of `a` with a set of `b`,
  // until it is killed.
  pid_t child = ForkChild([&] {
    HANDLE ca = ws2emu_OpenEventW(SYNCHRONIZE, FALSE, name_a.c_str());
    HANDLE cb = ws2emu_OpenEventW(EVENT_MODIFY_STATE, FALSE, name_b.c_str());
    if (ca == nullptr || cb == nullptr) _exit(3);
    for (;;) {
      if (ws2emu_WaitForSingleObjectEx(ca, INFINITE, FALSE) != WAIT_OBJECT_0) _exit(3);
      ws2emu_SetEvent(cb);
    }
  });
  PinSelfAs(0);
  auto once = [&] {
    Clock::time_point start = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      ws2emu_SetEvent(a);
      Check(ws2emu_WaitForSingleObjectEx(b, INFINITE, FALSE) == WAIT_OBJECT_0, "wait failed");
    }
    return NsSince(start) / (2.0 * static_cast<double>(n));
  };
  MeasureAndReport("named_event_pingpong_xproc", once,
                   [&] { return XprocEventfdPingPongNsPerHop(n); });
  StopChild(child);
  if (have_saved) sched_setaffinity(0, sizeof saved, &saved);
  ws2emu_CloseHandle(a);
  ws2emu_CloseHandle(b);
}

void BenchSetReset() {
  int err = 0;
  WSAEVENT e = Upcalls().lpWPUCreateEvent(&err);
  Check(e != WSA_INVALID_EVENT, "WPUCreateEvent failed");
  int fd = eventfd(0, EFD_CLOEXEC);
  Check(fd >= 0, "eventfd failed");
  const size_t n = S().set_reset;
  auto value_once = [&] {
    const LPWPUSETEVENT set = Upcalls().lpWPUSetEvent;
    const LPWPURESETEVENT reset = Upcalls().lpWPUResetEvent;
    int e_err = 0;
    Clock::time_point start = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      set(e, &e_err);
      reset(e, &e_err);
    }
    return NsSince(start) / static_cast<double>(n);
  };
  auto floor_once = [&] {
    Clock::time_point start = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      uint64_t v = 1;
      Check(write(fd, &v, sizeof v) == sizeof v, "eventfd write failed");
      Check(read(fd, &v, sizeof v) == sizeof v, "eventfd read failed");
    }
    return NsSince(start) / static_cast<double>(n);
  };
  MeasureAndReport("set_reset", value_once, floor_once);
  close(fd);
  Upcalls().lpWPUCloseEvent(e, &err);
}

void BenchWait64() {
  constexpr DWORD kCount = 64;
  WSAEVENT events[kCount];
  pollfd pfds[kCount];
  for (DWORD i = 0; i < kCount; ++i) {
    events[i] = WSACreateEvent();
    Check(events[i] != WSA_INVALID_EVENT, "WSACreateEvent failed");
    pfds[i] = {eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), POLLIN, 0};
    Check(pfds[i].fd >= 0, "eventfd failed");
  }
  WSASetEvent(events[kCount - 1]);
  uint64_t one = 1;
  Check(write(pfds[kCount - 1].fd, &one, sizeof one) == sizeof one, "eventfd write failed");
  const size_t n = S().waits;
  auto value_once = [&] {
    Clock::time_point start = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      DWORD r = WSAWaitForMultipleEvents(kCount, events, FALSE, 0, FALSE);
      Check(r == WSA_WAIT_EVENT_0 + kCount - 1, "WSAWaitForMultipleEvents: not the last event");
    }
    return NsSince(start) / static_cast<double>(n);
  };
  auto floor_once = [&] {
    Clock::time_point start = Clock::now();
    for (size_t i = 0; i < n; ++i)
      Check(poll(pfds, kCount, 0) == 1, "poll: not exactly the last eventfd");
    return NsSince(start) / static_cast<double>(n);
  };
  MeasureAndReport("wait_64", value_once, floor_once);
  for (DWORD i = 0; i < kCount; ++i) {
    WSACloseEvent(events[i]);
    close(pfds[i].fd);
  }
}

// ---- APCs ----------------------------------------------------------------------------------

struct ApcPair {
  WSATHREADID a, b;
  std::atomic<bool> stop{false};
};

VOID CALLBACK ApcOnA(DWORD_PTR) {}

// Runs on B: sends the ball back to A.
VOID CALLBACK ApcOnB(DWORD_PTR context) {
  auto *pair = reinterpret_cast<ApcPair *>(context);
  int err = 0;
  Check(Upcalls().lpWPUQueueApc(&pair->a, ApcOnA, context, &err) == 0, "WPUQueueApc failed");
}

VOID CALLBACK StopB(DWORD_PTR context) { reinterpret_cast<ApcPair *>(context)->stop.store(true); }

double ApcPingPongNsPerHop(size_t round_trips) {
  ApcPair pair;
  int err = 0;
  Check(Upcalls().lpWPUOpenCurrentThread(&pair.a, &err) == 0, "WPUOpenCurrentThread failed");
  std::atomic<bool> b_ready{false};
  PinTo pin_a(0, Placement::kSame);
  std::thread tb([&] {
    PinTo pin_b(1, Placement::kSame);
    int e = 0;
    Check(Upcalls().lpWPUOpenCurrentThread(&pair.b, &e) == 0, "WPUOpenCurrentThread failed");
    b_ready.store(true);
    while (!pair.stop.load()) ws2emu_SleepEx(INFINITE, TRUE);
    Check(Upcalls().lpWPUCloseThread(&pair.b, &e) == 0, "WPUCloseThread failed");
  });
  while (!b_ready.load()) std::this_thread::yield();
  const auto context = reinterpret_cast<DWORD_PTR>(&pair);
  Clock::time_point start = Clock::now();
  for (size_t i = 0; i < round_trips; ++i) {
    Check(Upcalls().lpWPUQueueApc(&pair.b, ApcOnB, context, &err) == 0, "WPUQueueApc failed");
    while (ws2emu_SleepEx(INFINITE, TRUE) != WAIT_IO_COMPLETION) {
    }
  }
  double ns = NsSince(start);
  Check(Upcalls().lpWPUQueueApc(&pair.b, StopB, context, &err) == 0, "WPUQueueApc failed");
  tb.join();
  Check(Upcalls().lpWPUCloseThread(&pair.a, &err) == 0, "WPUCloseThread failed");
  return ns / (2.0 * static_cast<double>(round_trips));
}

// In the child: the figure itself, with the backend WS2EMU_APC chose for this process.
void BenchApcInProcess(const char *name, const char *backend) {
  if (std::strcmp(ws2emu_apc_backend(), backend) != 0) {
    std::fprintf(stderr, "ws2emu-bench: %s: the runtime chose the %s backend\n", name,
                 ws2emu_apc_backend());
  }
  MeasureAndReport(
      name, [] { return ApcPingPongNsPerHop(S().round_trips); },
      [] { return EventfdPingPongNsPerHop(S().round_trips); });
}

// In the parent: re-executes this program with WS2EMU_APC=backend and prints the child's lines.
void BenchApcInChild(const char *name, const char *backend) {
  int pipefd[2];
  Check(pipe2(pipefd, O_CLOEXEC) == 0, "pipe2 failed");
  std::vector<std::string> args = {"ws2emu-bench", "--child", "--only", name};
  if (g_opt.quick) args.push_back("--quick");
  args.push_back(std::string("--placement=") + PlacementName(g_opt.placement));
  std::vector<char *> argv;
  for (std::string &a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string apc_env = std::string("WS2EMU_APC=") + backend;
  std::vector<char *> envp;
  for (char **e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, "WS2EMU_APC=", 11) != 0) envp.push_back(*e);
  envp.push_back(apc_env.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  pid_t pid;
  std::fflush(stdout);
  int rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    std::fprintf(stderr, "ws2emu-bench: cannot re-execute /proc/self/exe: %s\n", std::strerror(rc));
    return;  // the format check reports the missing line
  }
  std::string out;
  char buf[4096];
  ssize_t got;
  while ((got = read(pipefd[0], buf, sizeof buf)) != 0) {
    if (got < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<size_t>(got));
  }
  close(pipefd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    if (end > pos) PrintLine(out.substr(pos, end - pos));
    pos = end + 1;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    std::fprintf(stderr, "ws2emu-bench: the %s child failed (status %d)\n", name, status);
}

void BenchApc(const char *name, const char *backend) {
  if (g_opt.child) {
    BenchApcInProcess(name, backend);
  } else {
    BenchApcInChild(name, backend);
  }
}

// ---- Completion ports ----------------------------------------------------------------------

struct Packet {
  uint32_t bytes;
  uint64_t key;
  void *overlapped;
  uint64_t status;
};

// The floor: the conventional queue, a mutex and a condition variable.
class CvQueue {
 public:
  void Post(const Packet &p) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(p);
    }
    cv_.notify_one();
  }
  size_t Get(Packet *out, size_t max) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !queue_.empty(); });
    size_t n = 0;
    while (n < max && !queue_.empty()) {
      out[n++] = queue_.front();
      queue_.pop_front();
    }
    return n;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Packet> queue_;
};

constexpr ULONG kBatch = 64;

void BenchIocp() {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  Check(port != nullptr, "CreateIoCompletionPort failed");
  OVERLAPPED overlapped = {};
  const size_t n = S().packets;
  // The consumer takes up to kBatch packets a call; the producer posts them one by one.
  auto consume = [&] {
    OVERLAPPED_ENTRY entries[kBatch];
    size_t got = 0;
    while (got < n) {
      ULONG removed = 0;
      Check(ws2emu_GetQueuedCompletionStatusEx(port, entries, kBatch, &removed, INFINITE, FALSE) !=
                FALSE,
            "GetQueuedCompletionStatusEx failed");
      got += removed;
    }
  };
  auto produce = [&] {
    for (size_t i = 0; i < n; ++i)
      Check(ws2emu_PostQueuedCompletionStatus(port, 1, i, &overlapped) != FALSE,
            "PostQueuedCompletionStatus failed");
  };
  auto value_once = [&] {
    return RunPair(Placement::kSplit, consume, produce).wall_ns / static_cast<double>(n);
  };
  auto floor_once = [&] {
    CvQueue queue;
    auto floor_consume = [&] {
      Packet out[kBatch];
      size_t got = 0;
      while (got < n) got += queue.Get(out, kBatch);
    };
    auto floor_produce = [&] {
      for (size_t i = 0; i < n; ++i) queue.Post({1, i, &overlapped, 0});
    };
    return RunPair(Placement::kSplit, floor_consume, floor_produce).wall_ns /
           static_cast<double>(n);
  };
  MeasureAndReport("iocp_post_get", value_once, floor_once);
  ws2emu_CloseHandle(port);
}

// Runs every function of `work` on a thread of its own, all starting together (a barrier that
// yields), thread i pinned as thread i of a group placed `placement` (split: round robin over
// the CPUs), and returns the wall time from the first start to the last end.
double RunGroupWallNs(Placement placement, const std::vector<std::function<void()>> &work) {
  const int count = static_cast<int>(work.size());
  std::atomic<int> arrived{0};
  std::vector<Clock::time_point> starts(work.size()), ends(work.size());
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      PinTo pin(i, placement);
      arrived.fetch_add(1);
      while (arrived.load() < count) std::this_thread::yield();
      starts[i] = Clock::now();
      work[i]();
      ends[i] = Clock::now();
    });
  }
  for (std::thread &t : threads) t.join();
  const Clock::time_point first = *std::min_element(starts.begin(), starts.end());
  const Clock::time_point last = *std::max_element(ends.begin(), ends.end());
  return std::chrono::duration<double, std::nano>(last - first).count();
}

// iocp_post_get_4p: the same packets posted by four threads at once (a quarter each), taken by
// one getter in batches; the floor is the same work on the mutex + condition-variable queue.
void BenchIocp4p() {
  constexpr int kPosters = 4;
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  Check(port != nullptr, "CreateIoCompletionPort failed");
  OVERLAPPED overlapped = {};
  const size_t each = S().packets / kPosters;
  const size_t n = each * kPosters;
  auto value_once = [&] {
    std::vector<std::function<void()>> work;
    work.emplace_back([&] {
      OVERLAPPED_ENTRY entries[kBatch];
      size_t got = 0;
      while (got < n) {
        ULONG removed = 0;
        Check(ws2emu_GetQueuedCompletionStatusEx(port, entries, kBatch, &removed, INFINITE,
                                                 FALSE) != FALSE,
              "GetQueuedCompletionStatusEx failed");
        got += removed;
      }
    });
    for (int p = 0; p < kPosters; ++p) {
      work.emplace_back([&] {
        for (size_t i = 0; i < each; ++i)
          Check(ws2emu_PostQueuedCompletionStatus(port, 1, i, &overlapped) != FALSE,
                "PostQueuedCompletionStatus failed");
      });
    }
    return RunGroupWallNs(Placement::kSplit, work) / static_cast<double>(n);
  };
  auto floor_once = [&] {
    CvQueue queue;
    std::vector<std::function<void()>> work;
    work.emplace_back([&] {
      Packet out[kBatch];
      size_t got = 0;
      while (got < n) got += queue.Get(out, kBatch);
    });
    for (int p = 0; p < kPosters; ++p) {
      work.emplace_back([&] {
        for (size_t i = 0; i < each; ++i) queue.Post({1, i, &overlapped, 0});
      });
    }
    return RunGroupWallNs(Placement::kSplit, work) / static_cast<double>(n);
  };
  MeasureAndReport("iocp_post_get_4p", value_once, floor_once);
  ws2emu_CloseHandle(port);
}

// ---- Catalog parsing -------------------------------------------------------------------------

// A catalog of `entries` base entries, as ws2emu writes it.
std::string CatalogText(uint32_t entries) {
  ws2emu::catalog::Catalog c;
  for (uint32_t i = 0; i < entries; ++i) {
    ws2emu::catalog::Entry e;
    std::memset(&e.info, 0, sizeof(e.info));
    e.info.ProtocolChain.ChainLen = BASE_PROTOCOL;
    e.info.iVersion = 2;
    e.info.iAddressFamily = 2;
    e.info.iSocketType = 1;
    e.info.iProtocol = 6;
    e.info.ProviderId = GUID{i, 0x1234, 0x5678, {1, 2, 3, 4, 5, 6, 7, 8}};
    e.info.dwCatalogEntryId = c.next_id++;
    std::memcpy(e.info.szProtocol, u"Bench TCP", 18);
    e.path = u"%SystemRoot%\\system32\\bench.dll";
    c.entries.push_back(e);
  }
  return ws2emu::catalog::Serialize(c);
}

// Parse + index `passes` times (enough text per timed loop either way), ns per entry; the
// floor splits the same text into lines as many times.
void BenchCatalogParse(const char *name, uint32_t entries, int passes) {
  const std::string text = CatalogText(entries);
  const double per = static_cast<double>(entries) * passes;
  auto value_once = [&] {
    Clock::time_point start = Clock::now();
    for (int p = 0; p < passes; ++p) {
      absl::StatusOr<ws2emu::catalog::Catalog> c = ws2emu::catalog::Parse(text, "bench");
      Check(c.ok() && c->entries.size() == entries, "the bench catalog does not parse");
      c->BuildIndex();
      Keep(c->Find(ws2emu::catalog::kFirstCatalogId));
    }
    return NsSince(start) / per;
  };
  auto floor_once = [&] {
    Clock::time_point start = Clock::now();
    for (int p = 0; p < passes; ++p) {
      size_t lines = 0;
      for (absl::string_view line : absl::StrSplit(text, '\n')) {
        Keep(line.data());
        ++lines;
      }
      Keep(lines);
    }
    return NsSince(start) / per;
  };
  MeasureAndReport(name, value_once, floor_once);
}

// ---- Driver --------------------------------------------------------------------------------

struct Figure {
  const char *name;
  std::function<void()> run;
  std::vector<const char *> lines;  // the lines it prints
};

const std::vector<Figure> &Figures() {
  static const std::vector<Figure> figures = {
      {"query_context", BenchQueryContext, {"query_context"}},
      {"query_context_2t", BenchQueryContext2t, {"query_context_2t"}},
      {"event_pingpong", BenchEventPingPong, {"event_pingpong"}},
      {"named_event_pingpong_xproc",
       BenchNamedEventPingPongXproc,
       {"named_event_pingpong_xproc"}},
      {"apc_pingpong_uring",
       [] { BenchApc("apc_pingpong_uring", "uring"); },
       {"apc_pingpong_uring"}},
      {"apc_pingpong_signal",
       [] { BenchApc("apc_pingpong_signal", "signal"); },
       {"apc_pingpong_signal"}},
      {"set_reset", BenchSetReset, {"set_reset"}},
      {"iocp_post_get", BenchIocp, {"iocp_post_get"}},
      {"iocp_post_get_4p", BenchIocp4p, {"iocp_post_get_4p"}},
      {"query_context_1m", BenchQueryContext1m, {"query_context_1m", "bytes_per_handle"}},
      {"wait_64", BenchWait64, {"wait_64"}},
      {"catalog_parse_1k",
       [] { BenchCatalogParse("catalog_parse_1k", 1'000, g_opt.quick ? 2 : 100); },
       {"catalog_parse_1k"}},
      {"catalog_parse_100k",
       [] { BenchCatalogParse("catalog_parse_100k", 100'000, 1); },
       {"catalog_parse_100k"}},
      {"tcp_bulk_wsp",  // ns per 64 KiB send: MB/s = 65536 / ns * 1000
       [] {
         const size_t n = g_opt.quick ? 16 : 2048;
         ReportRate("tcp_bulk_wsp",
                    MeasureAndReport(
                        "tcp_bulk_wsp", [n] { return overlapped_figures::TcpBulkWspNs(n); },
                        [n] { return overlapped_figures::TcpBulkFloorNs(n); }),
                    65536.0 / 1e6, "MB/s");
         PrintLine(overlapped_figures::BulkRingDefersTaskWork()
                       ? "# tcp_bulk_wsp: the ring ran its task work without interrupting "
                         "threads (IORING_SETUP_COOP_TASKRUN)"
                       : "# tcp_bulk_wsp: the ring interrupted threads for its task work "
                         "(no IORING_SETUP_COOP_TASKRUN: epoll, an old kernel, or "
                         "WS2EMU_BASE_RING_IPI=1)");
       },
       {"tcp_bulk_wsp"}},
      {"iocp_echo_wsp",  // ns per request: requests/s = 1e9 / ns
       [] {
         const size_t n = g_opt.quick ? 256 : 20'000;
         ReportRate("iocp_echo_wsp",
                    MeasureAndReport(
                        "iocp_echo_wsp", [n] { return overlapped_figures::IocpEchoWspNs(n); },
                        [n] { return overlapped_figures::IocpEchoFloorNs(n); }),
                    1.0, "requests/s");
         char line[128];
         std::snprintf(line, sizeof line,
                       "# iocp_echo_wsp: the port's waiter ran the engine itself %.2f times a "
                       "request (last run)",
                       overlapped_figures::EchoWaiterRunsPerRequest());
         PrintLine(line);
       },
       {"iocp_echo_wsp"}},
      {"tcp_rtt_wsp",
       [] {
         MeasureAndReport(
             "tcp_rtt_wsp", [] { return socket_figures::TcpRttWspNs(S().round_trips); },
             [] { return socket_figures::TcpRttLinuxNs(S().round_trips); });
       },
       {"tcp_rtt_wsp"}},
      {"udp_rtt_wsp",
       [] {
         MeasureAndReport(
             "udp_rtt_wsp", [] { return socket_figures::UdpRttWspNs(S().round_trips); },
             [] { return socket_figures::UdpRttLinuxNs(S().round_trips); });
       },
       {"udp_rtt_wsp"}},
      {"bytes_per_socket",
       [] {
         PrintLine("bytes_per_socket " +
                   std::to_string(socket_figures::BytesPerSocket(g_opt.quick ? 100 : 10'000)));
       },
       {"bytes_per_socket"}},
  };
  return figures;
}

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        size_t start = line.find_first_not_of(" \t", colon + 1);
        if (start != std::string::npos) return line.substr(start);
      }
    }
  }
  return "unknown CPU";
}

void PrintHeader() {
  utsname u;
  const char *release = uname(&u) == 0 ? u.release : "unknown";
  char buf[512];
  std::snprintf(buf, sizeof buf, "# ws2emu-bench on %ld cores, %s, kernel %s, APC backend %s",
                sysconf(_SC_NPROCESSORS_ONLN), CpuModel().c_str(), release, ws2emu_apc_backend());
  PrintLine(buf);
}

// True if a line for `name` in the contract format was printed:
// "<name> <value> ns/op floor <floor> ns/op ratio <ratio>", or "bytes_per_handle <N>".
bool HasLine(const char *name) {
  const std::string prefix = std::string(name) + " ";
  for (const std::string &line : g_lines) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    const char *rest = line.c_str() + prefix.size();
    char tail;
    if (std::strncmp(name, "bytes_per_", 10) == 0) {
      unsigned long bytes;
      if (std::sscanf(rest, "%lu%c", &bytes, &tail) == 1) return true;
      continue;
    }
    double value, floor, ratio;
    if (std::sscanf(rest, "%lf ns/op floor %lf ns/op ratio %lf%c", &value, &floor, &ratio,
                    &tail) == 3)
      return true;
  }
  return false;
}

void Usage(FILE *out) {
  std::fprintf(out,
               "usage: ws2emu-bench [--quick] [--only NAME] [--placement auto|same|split|free]\n"
               "  Times the runtime's hot paths against their Linux floors, one line each:\n"
               "    <name> <value> ns/op floor <floor> ns/op ratio <value/floor>\n"
               "  --quick      tiny iteration counts (a smoke test; the figures mean nothing)\n"
               "  --only NAME  run one figure; NAME is one of:\n");
  for (const Figure &f : Figures()) std::fprintf(out, "                 %s\n", f.name);
  std::fprintf(
      out,
      "  --placement  where the threads of two-thread figures run: auto (default; the\n"
      "               ping-pongs on one CPU, the others one thread per CPU), same\n"
      "               (one CPU), split (one thread per CPU), free (the scheduler's choice)\n"
      "  --help       this text\n");
}

}  // namespace

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") {
      g_opt.quick = true;
    } else if (arg == "--child") {
      g_opt.child = true;
    } else if (arg == "--only" && i + 1 < argc) {
      g_opt.only = argv[++i];
    } else if (arg.rfind("--only=", 0) == 0) {
      g_opt.only = arg.substr(7);
    } else if ((arg == "--placement" && i + 1 < argc) || arg.rfind("--placement=", 0) == 0) {
      std::string p = arg == "--placement" ? argv[++i] : arg.substr(12);
      if (p == "auto") {
        g_opt.placement = Placement::kAuto;
      } else if (p == "split") {
        g_opt.placement = Placement::kSplit;
      } else if (p == "same") {
        g_opt.placement = Placement::kSame;
      } else if (p == "free") {
        g_opt.placement = Placement::kFree;
      } else {
        std::fprintf(stderr, "ws2emu-bench: --placement is auto, same, split or free\n");
        return 2;
      }
    } else if (arg == "--help" || arg == "-h") {
      Usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "ws2emu-bench: unknown argument '%s'\n", arg.c_str());
      Usage(stderr);
      return 2;
    }
  }
  if (!g_opt.only.empty() && std::none_of(Figures().begin(), Figures().end(),
                                          [](const Figure &f) { return g_opt.only == f.name; })) {
    std::fprintf(stderr, "ws2emu-bench: no figure named '%s'\n", g_opt.only.c_str());
    Usage(stderr);
    return 2;
  }

  AllowedCpus();
  ws2emu_upcall_table();  // marks the runtime initialised, as a host's WSPStartup would
  if (!g_opt.child) PrintHeader();
  int missing = 0;
  for (const Figure &f : Figures()) {
    if (!g_opt.only.empty() && g_opt.only != f.name) continue;
    f.run();
    for (const char *line : f.lines) {
      if (!HasLine(line)) {
        std::fprintf(stderr, "ws2emu-bench: no '%s' line in the expected format\n", line);
        ++missing;
      }
    }
  }
  return missing == 0 ? 0 : 1;
}
