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
// Each waiting thread blocks on its own auto-reset event (Thread::PortEvent), so releasing one
// waiter wakes exactly that thread, and an alertable Get wakes for APCs like any other wait.
//
// Running threads. Which port a thread counts as running on is kept here, per thread (a
// thread_local Port with a reference), not on the thread object: when the thread calls Get on
// another port, or exits, the port hears of it (RunningThreadLeft) and may hand a queued packet
// to a blocked waiter.
//
// Never aborts for want of memory: waiters are linked through their own stack frames and the
// threads to wake are gathered a fixed batch at a time, so Get, Post, Shutdown and the running
// accounting allocate nothing; only the packet queue grows, and a Post it cannot grow for fails
// with kNoMemory (ERROR_NOT_ENOUGH_MEMORY) having queued nothing.
#ifndef WS2EMU_LIB_IOCP_PORT_H_
#define WS2EMU_LIB_IOCP_PORT_H_

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
  // A blocked Get, on its thread's stack, linked into waiters_ (mu_ guards every field).
  struct Waiter {
    Thread *thread = nullptr;
    Packet handed = {};  // the packet Post gave this waiter when it released it
    bool released = false;
    bool linked = false;  // in waiters_
    Waiter *older = nullptr;
    Waiter *newer = nullptr;
  };
  // The threads to wake once mu_ is released, gathered at most this many at a time.
  static constexpr int kWakeBatch = 16;
  // The queued packets, FIFO: a ring that doubles when full, so that a packet costs no
  // allocation (std::deque allocates a block every 16 packets, and frees it on another thread),
  // and that gives its memory back when it drains after a burst.
  class Ring {
   public:
    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }
    bool Push(const Packet &packet);  // false (nothing changed) when it cannot grow
    Packet Pop();  // requires !empty()
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
  void TakeQueued(Packet *out, uint32_t max, uint32_t *count) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void LinkWaiter(Waiter *w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UnlinkWaiter(Waiter *w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Hands queued packets to blocked waiters while the concurrency value allows, at most
  // kWakeBatch of them; their threads (to wake after mu_ is released) go to wake[0..n-1].
  int ReleaseWaiters(Ref<Thread> *wake) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A thread that counted as running on this port no longer does (it exited, or called Get on
  // another port); a queued packet may go to a blocked waiter.
  void RunningThreadLeft() ABSL_LOCKS_EXCLUDED(mu_);
  // The calling thread counts as running on this port from now on (it had no port).
  void BecomeRunningPort();

  // The queue state starts a cache line of its own: the reference count (Object) is written by
  // every Lookup, on other CPUs than the ones that post and take. The concurrency value, read
  // by every Post, lives with it.
  // StdMutex, not absl::Mutex (see base/annotated_mutex.h): iocp_post_get, a poster and a
  // taker contending for this lock, measured 2-3 times slower with absl (130-180 ns/op
  // against 45-65).
  alignas(64) StdMutex mu_;
  const uint32_t concurrency_;
  Ring queue_ ABSL_GUARDED_BY(mu_);
  Waiter *newest_ ABSL_GUARDED_BY(mu_) = nullptr;  // waiters, newest first (released LIFO)
  uint32_t running_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_IOCP_PORT_H_
