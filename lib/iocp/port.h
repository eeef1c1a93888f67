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
// others wait, Shutdown, and a queue that overflows its ring take the port's mutex.
//
// Why a bounded MPMC ring (Vyukov's, a sequence number per cell) with a locked overflow, rather
// than an unbounded linked queue (Vyukov's intrusive MPSC): a packet is a value, not an object
// with a node in it (PostQueuedCompletionStatus may post one OVERLAPPED many times, or none), so
// a linked queue would allocate a node per packet and free it on another thread, which costs
// more than the whole post (the reason the old queue was a ring rather than a std::deque); and
// the port has many consumers (every thread in Get), which an MPSC queue would serialize. The
// ring takes a packet in one CAS and a batch of them (GetQueuedCompletionStatusEx) in one CAS.
// It is allocated by the first Post (a Post without memory for it fails with kNoMemory and
// queues nothing) and kept until the port goes. When it is full, packets go to the overflow, a
// growable ring under the mutex; while the overflow holds packets every Post goes there too,
// and Gets move them into the ring as it drains, behind every packet the ring already holds, so
// that packets stay FIFO (a Post that raced with the first overflowing one is concurrent with
// it, and either order is FIFO for it).
//
// Blocking without a lost wake: a blocked Get links itself among the waiters under the mutex,
// counts itself in waiting_, and looks at the ring again; a Post publishes its cell and then
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
// accounting allocate nothing; only the packet queue allocates (its ring, on the first Post;
// the overflow, beyond it), and a Post it cannot grow for fails with kNoMemory
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
  // The lock-free ring: kRingCells cells, each with its sequence number (Vyukov's bounded MPMC
  // queue). Cell i is free for the poster of position p when seq == p, holds its packet when
  // seq == p + 1, and is free again for position p + kRingCells once a getter stores that.
  static constexpr uint64_t kRingCells = 1024;
  struct Cell {
    std::atomic<uint64_t> seq;
    Packet packet;
  };
  // The overflow beyond the ring, FIFO: a ring that doubles when full, so that a packet costs no
  // allocation, and that gives its memory back when it drains after a burst.
  class Overflow {
   public:
    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }
    bool Push(const Packet &packet);  // false (nothing changed) when it cannot grow
    const Packet &Front() const { return buf_[head_]; }  // requires !empty()
    void Pop();                                          // requires !empty()
    void Clear();

   private:
    static constexpr size_t kMinCapacity = 64;
    static constexpr size_t kKeptCapacity = 4096;  // kept when empty; a larger ring is freed
    std::unique_ptr<Packet[]> buf_;
    size_t capacity_ = 0;  // 0 or a power of two
    size_t head_ = 0;
    size_t size_ = 0;
  };

  explicit Port(uint32_t concurrency);

  // The ring, allocated (under mu_) by the first Post. False without memory for it.
  bool EnsureRing() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Appends to the ring; false (nothing changed) when it is full or not allocated yet. The
  // cell is published with a sequentially consistent exchange: the poster's half of the
  // Dekker pair with waiting_.
  bool PushRing(const Packet &packet);
  // Takes up to `max` packets from the head of the ring with one CAS; 0 when the head cell
  // holds no packet yet (empty, or its poster has not published it: that poster then looks at
  // waiting_ after publishing, so a waiter that counted itself first is not forgotten).
  uint32_t PopRing(Packet *out, uint32_t max);
  // Takes up to `max` packets in FIFO order: from the ring, then (under mu_, only while the
  // overflow holds packets) after moving overflowed packets into the ring.
  uint32_t Take(Packet *out, uint32_t max) ABSL_LOCKS_EXCLUDED(mu_);
  uint32_t TakeLocked(Packet *out, uint32_t max) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
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
  // A thread that counted as running on this port no longer does (it exited, or called Get on
  // another port); a queued packet may go to a blocked waiter.
  void RunningThreadLeft() ABSL_LOCKS_EXCLUDED(mu_);
  // The calling thread counts as running on this port from now on (it had no port).
  void BecomeRunningPort();

  // Posters write tail_, getters head_; each starts a cache line of its own, away from the
  // reference count (Object), which every Lookup writes, and from each other.
  alignas(64) std::atomic<uint64_t> tail_{0};
  alignas(64) std::atomic<uint64_t> head_{0};
  // What every Post and Get reads: the ring, the flags and the counts. running_ and waiting_
  // are written only when a thread starts or stops running or waiting.
  alignas(64) std::atomic<Cell *> cells_{nullptr};
  const uint32_t concurrency_;
  std::atomic<uint32_t> running_{0};
  std::atomic<uint32_t> waiting_{0};  // linked waiters (written under mu_)
  std::atomic<bool> closed_{false};   // written under mu_
  std::atomic<bool> overflowing_{false};  // the overflow holds packets (written under mu_)
  // StdMutex, not absl::Mutex (see base/annotated_mutex.h): only the slow paths take it.
  StdMutex mu_;
  Overflow overflow_ ABSL_GUARDED_BY(mu_);
  Waiter *newest_ ABSL_GUARDED_BY(mu_) = nullptr;  // waiters, newest first (released LIFO)
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_IOCP_PORT_H_
