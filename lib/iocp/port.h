// lib/iocp/port.h — an I/O completion port (CreateIoCompletionPort and friends) as an
// in-process queue.
//
//   Ref<Port> port = Port::Create(/*concurrency=*/0);
//   port->Post({bytes, key, overlapped, status});
//   Port::Packet p[64];
//   uint32_t n;
//   PortWait r = port->Get(p, 64, &n, timeout_ms, /*alertable=*/true);
//
// Ordering, as on Windows: packets leave in FIFO order; blocked waiters are released LIFO (the
// thread that waited last runs next, its cache is warm); a packet is handed straight to a
// waiter only while fewer than `concurrency` threads are running on the port (a thread counts
// as running from the moment Get gives it packets until it calls Get again). Closing the port's
// handle (Shutdown) wakes every waiter with kClosed; the queue is kept for nobody.
//
// The packet queue is lock-free on the post/get path: Post and a Get that finds packets take no
// lock and make no syscall. Only a Get that must block (the queue is empty, or the concurrency
// value holds it back), a Post that finds blocked waiters, a thread that leaves the port while
// others wait, and Shutdown take the port's mutex; the queue itself takes a small lock once
// every 1024 packets, to append or retire a segment.
//
// Why an unbounded MPMC queue of segments (a sequence number per cell, as in Vyukov's bounded
// MPMC queue, with global positions) rather than Vyukov's intrusive MPSC queue or one bounded
// ring: a packet is a value, not an object with a node in it (PostQueuedCompletionStatus may
// post one OVERLAPPED many times, or none), so a linked queue would allocate a node per packet
// and free it on another thread, which costs more than the whole post; the port has many
// consumers (every thread in Get), which an MPSC queue would serialize; and a bounded ring
// with a locked overflow, tried first, fills whenever the getter is preempted on a busy
// machine and then stays in its locked mode for as long as posts keep pace with gets. The
// queue takes a packet in one CAS and a batch of them (GetQueuedCompletionStatusEx) in one
// CAS. Its first segment is allocated by the first Post (a Post without memory for a segment
// it needs fails with kNoMemory and queues nothing).
//
// Blocking without a lost wake: a blocked Get links itself among the waiters under the mutex,
// counts itself in waiting_, and looks at the queue again; a Post publishes its cell and then
// reads waiting_ (both sequentially consistent, a Dekker pair), and only when it is nonzero
// takes the mutex to hand packets to waiters. A thread that stops running on the port likewise
// lowers running_ and then reads waiting_, so a waiter held back by the concurrency value is
// released by whoever frees the slot. Each waiting thread blocks on its own auto-reset event
// (Thread::PortEvent), so releasing one waiter wakes exactly that thread: a plain Get sleeps on
// the event's futex word, an alertable one polls its fd and wakes for APCs like any other wait.
//
// Running threads. Which port a thread counts as running on is kept here, per thread (a
// thread_local Port with a reference), not on the thread object: when the thread calls Get on
// another port, or exits, the port hears of it (RunningThreadLeft) and may hand a queued packet
// to a blocked waiter.
//
// Never aborts for want of memory: waiters are linked through their own stack frames and the
// threads to wake are gathered a fixed batch at a time, so Get, Post, Shutdown and the running
// accounting allocate nothing; only the packet queue allocates (a segment of 1024 packets when
// it needs one and none is free), and a Post it cannot grow for fails with kNoMemory
// (ERROR_NOT_ENOUGH_MEMORY) having queued nothing.
#ifndef WS2EMU_LIB_IOCP_PORT_H_
#define WS2EMU_LIB_IOCP_PORT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "base/annotated_mutex.h"
#include "handles/handle_table.h"

namespace ws2emu {

class Thread;

// An engine whose completions a thread can run itself while it waits on a port, instead of
// sleeping until the engine's own thread posts them (the base provider's io_uring reaper:
// ws2emu-bench's iocp_echo_wsp). Without it every overlapped completion costs two thread
// switches (the reaper wakes, then wakes the getter); with it the getter that would block
// waits in the engine itself and posts its own completions. [inference] Windows does the like
// in the kernel: a completion is queued to the port by whoever completes the I/O, and the
// waiting thread runs on — there is no completion thread to switch to.
struct IdleRunner {
  // Runs the engine's completions on the calling thread until done(arg) is true or
  // deadline_ms passes (MonotonicMs; negative: none). False, having done nothing, when it
  // cannot (another thread runs the engine, or there is nothing the engine waits for): the
  // caller blocks as usual.
  bool (*run)(bool (*done)(void *), void *arg, int64_t deadline_ms);
  // Makes a thread inside run() look at done() again soon (a packet was posted, the port
  // closed). Any thread, any time; cheap enough to call once per post to a port a runner
  // waits on.
  void (*wake)();
  // Called as every Get begins: runs what the engine has ready without waiting for more, so
  // that a busy port's own threads run its completions and the engine's thread sleeps.
  void (*drain)();
  // Called when a Get finds no packet for its thread, before it waits (or returns for a zero
  // timeout), alertable or not: hands the engine what was left for the thread's next wait
  // (the base provider's deferred receives, overlapped.cc).
  void (*flush)();
};
// Installs the runner (once; later calls replace it). Get calls it for non-alertable waits.
void SetIdleRunner(const IdleRunner *runner);

// True while the calling thread counts as running on a completion port: its last Get on a port
// returned a packet, and it has not waited on a port since. Such a thread comes back to the
// port when it is done with the packet (the completion-port model), which is where the base
// provider submits the receives it issued meanwhile, all at once.
bool ThreadRunsAPort();

// kNoDescriptors / kNoMemory: the calling thread's object or its port event could not be created
// (EMFILE or ENFILE / ENOMEM); nothing was taken from the port, and the next Get tries again.
enum class PortWait { kOk, kTimeout, kIoCompletion, kClosed, kNoDescriptors, kNoMemory };

class Port final : public Object {
 public:
  static constexpr ObjectType kType = ObjectType::kPort;
  struct Packet {
    uint32_t bytes;
    uint64_t key;
    void *overlapped;
    uint64_t status;  // 0 or the Win32/WSA error of the completed I/O
  };

  // concurrency 0 means the number of processors. Null without memory for it.
  static Ref<Port> Create(uint32_t concurrency);
  ~Port() override;

  enum class PostResult { kPosted, kClosed, kNoMemory };
  // kClosed once the port is shut down; kNoMemory when the queue had to grow and could not
  // (nothing was queued).
  PostResult Post(const Packet &packet);
  // Takes 1..max packets. kOk with *count >= 1, or why not.
  PortWait Get(Packet *out, uint32_t max, uint32_t *count, uint32_t timeout_ms, bool alertable);
  void Shutdown();

  uint32_t concurrency() const { return concurrency_; }
  size_t queued();

 private:
  class RunningHolder;
  // A blocked Get, on its thread's stack, linked into the waiters (mu_ guards every field).
  struct Waiter {
    Thread *thread = nullptr;
    Packet handed = {};  // the packet Post gave this waiter when it released it
    bool released = false;
    bool linked = false;  // among the waiters
    Waiter *older = nullptr;
    Waiter *newer = nullptr;
  };
  // The threads to wake once mu_ is released, gathered at most this many at a time.
  static constexpr int kWakeBatch = 16;
  // The lock-free queue: a chain of segments of kSegmentCells cells of 32 bytes (two to a
  // cache line). Positions are global and only grow: tail_ is the next position to post to,
  // head_ the next to take. A segment serves positions [base, base + kSegmentCells).
  //   Post: finds the segment of position tail_ (from the hint tail_segment_), appends one (under
  //   segments_mu_) when the chain ends before it, claims the position with a CAS on tail_,
  //   writes the cell and publishes it by storing the low 32 bits of position + 1 in its seq.
  //   Get: reads the published cells from head_ on (in the segment of head_, hint
  //   head_segment_), then claims them all with one CAS on head_; a getter whose CAS fails drops
  //   what it read. The getter that moves head_segment_ past a segment retires it.
  // The hints move, and segments are appended, retired and reused, under segments_mu_ only.
  // Getters never write a cell, so a cell's line only moves from its poster to its getter.
  // Memory. Retired segments are kept on a free list and reused, never freed while the port
  // lives: a thread that read a segment pointer just before it was retired may still look at it
  // (a poster reading its base, a getter reading cells), and keeping the memory makes that
  // harmless without a lock or hazard pointer on the fast path. Such a late reader always
  // validates: a poster by the segment's base and its CAS on tail_, a getter by its CAS on head_
  // (the packet's words are relaxed atomics, so a torn copy read there is simply dropped). So a
  // port keeps the memory of its deepest backlog (32 bytes a packet, 32 KiB a segment) until it
  // is destroyed (the old locked ring gave back what it held above 4096 packets when it
  // drained). [inference] Acceptable for completion ports, which a process has few of.
  static constexpr uint64_t kSegmentCells = 1024;
  struct Cell {
    std::atomic<uint32_t> seq;
    std::atomic<uint32_t> bytes;
    std::atomic<uint64_t> key;
    std::atomic<uintptr_t> overlapped;
    std::atomic<uint64_t> status;
  };
  static_assert(sizeof(Cell) == 32, "two cells to a cache line");
  struct Segment {
    std::atomic<uint64_t> base;     // the first position it serves
    std::atomic<Segment *> next;    // the segment after it in the chain, or null
    Segment *free_next = nullptr;   // on the free list (segments_mu_)
    Segment *owned_next = nullptr;  // every segment of the port, for the destructor
    unsigned char *memory = nullptr;  // what was allocated (the segment is aligned inside)
    unsigned char padding[24];
    Cell cells[kSegmentCells];  // at a 64-byte boundary
  };

  explicit Port(uint32_t concurrency);

  // A segment serving positions from `base` (from the free list, or allocated); null without
  // memory for it.
  Segment *NewSegment(uint64_t base) ABSL_EXCLUSIVE_LOCKS_REQUIRED(segments_mu_);
  // Appends a segment after `last` if `last` still ends the chain. False without memory.
  bool AppendSegment(Segment *last) ABSL_LOCKS_EXCLUDED(segments_mu_);
  // Moves `hint` (tail_segment_ or head_segment_) from `segment`, seen with `base`, to the next
  // segment, if nobody did yet. Moving head_segment_ retires the segment to the free list.
  void AdvanceHint(std::atomic<Segment *> *hint, Segment *segment, uint64_t base)
      ABSL_LOCKS_EXCLUDED(segments_mu_);
  // Appends a packet. kPosted, or kNoMemory (nothing claimed) when a segment was needed and
  // none could be had. The cell is published with a sequentially consistent exchange: the
  // poster's half of the Dekker pair with waiting_.
  PostResult Push(const Packet &packet);
  // Takes up to `max` packets from the head with one CAS; 0 when the head cell holds no packet
  // yet (empty, or its poster has not published it: that poster then looks at waiting_ after
  // publishing, so a waiter that counted itself first is not forgotten).
  uint32_t Take(Packet *out, uint32_t max);
  // Claims a running slot if fewer than concurrency_ threads run.
  bool ClaimRunning();
  // Gives back a running slot; hands queued packets to waiters it held back, if any.
  void ReleaseRunning() ABSL_LOCKS_EXCLUDED(mu_);
  void LinkWaiter(Waiter *w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UnlinkWaiter(Waiter *w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Hands queued packets to blocked waiters while the concurrency value allows, at most
  // kWakeBatch of them; their threads (to wake after mu_ is released) go to wake[0..n-1].
  int ReleaseWaiters(Ref<Thread> *wake) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // ReleaseWaiters until no waiter can be released, waking them outside mu_.
  void ReleaseAndWakeWaiters() ABSL_LOCKS_EXCLUDED(mu_);
  // IdleRunner::run's done(): a packet is queued or the port is closed.
  static bool IdleDone(void *port);
  // Blocks by running the idle runner, if one is installed and can run. True when it ran
  // (the caller looks at the queue again), false when the caller must block as usual.
  bool RunIdle(const IdleRunner *runner, int64_t deadline_ms);
  // A thread that counted as running on this port no longer does (it exited, or called Get on
  // another port); a queued packet may go to a blocked waiter.
  void RunningThreadLeft() ABSL_LOCKS_EXCLUDED(mu_);
  // The calling thread counts as running on this port from now on (it had no port).
  void BecomeRunningPort();

  // Posters write tail_, getters head_; each starts a cache line of its own (with its segment
  // hint), away from the reference count (Object), which every Lookup writes, and from each
  // other.
  alignas(64) std::atomic<uint64_t> tail_{0};
  std::atomic<Segment *> tail_segment_{nullptr};
  alignas(64) std::atomic<uint64_t> head_{0};
  std::atomic<Segment *> head_segment_{nullptr};
  // Read by every Post and Get, hardly ever written.
  alignas(64) const uint32_t concurrency_;
  std::atomic<bool> closed_{false};  // written under mu_
  // Written when a thread starts or stops running or waiting.
  alignas(64) std::atomic<uint32_t> running_{0};
  std::atomic<uint32_t> waiting_{0};  // linked waiters (written under mu_)
  // Threads inside the idle runner for this port: a Post from another thread wakes them. A
  // Dekker pair with Post like waiting_: the runner counts itself, then looks at the queue.
  std::atomic<uint32_t> idling_{0};
  // StdMutex, not absl::Mutex (see base/annotated_mutex.h): only the slow paths take it.
  StdMutex mu_ ABSL_ACQUIRED_BEFORE(segments_mu_);
  // Taken once a segment (1024 packets) to append or retire one; never held with mu_ taken
  // after it.
  StdMutex segments_mu_;
  Segment *free_segments_ ABSL_GUARDED_BY(segments_mu_) = nullptr;
  Segment *owned_segments_ ABSL_GUARDED_BY(segments_mu_) = nullptr;
  Waiter *newest_ ABSL_GUARDED_BY(mu_) = nullptr;  // waiters, newest first (released LIFO)
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_IOCP_PORT_H_
