#include "iocp/port.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <new>
#include <utility>

#include "threads/thread.h"
#include "threads/wait.h"

namespace ws2emu {
namespace {

// The port the calling thread counts as running on, holding a reference; null if none. A plain
// thread_local (no destructor), so Get reads it with one load; Port::RunningHolder, made the
// first time a thread runs on a port, tells the port when the thread exits.
thread_local Port *t_running_port = nullptr;

}  // namespace

// Constructed on a thread's first run on any port; its destructor runs at thread exit, before
// the thread object's own holder (constructed earlier, when Get made the thread object), so the
// port hears of the exit while the thread object still exists, as waiters expect.
class Port::RunningHolder {
 public:
  ~RunningHolder() {
    if (Port *port = std::exchange(t_running_port, nullptr)) {
      port->RunningThreadLeft();
      port->Release();
    }
  }
};

void Port::BecomeRunningPort() {
  static thread_local RunningHolder holder;
  (void)holder;
  AddRef();
  t_running_port = this;
}

Ref<Port> Port::Create(uint32_t concurrency) {
  if (concurrency == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    concurrency = cpus > 0 ? static_cast<uint32_t>(cpus) : 1;
  }
  return Ref<Port>::Adopt(new (std::nothrow) Port(concurrency));
}

Port::Port(uint32_t concurrency) : Object(kType), concurrency_(concurrency) {}

Port::~Port() { delete[] cells_.load(std::memory_order_relaxed); }

bool Port::Overflow::Push(const Packet &packet) {
  if (size_ == capacity_) {
    const size_t capacity = capacity_ == 0 ? kMinCapacity : 2 * capacity_;
    std::unique_ptr<Packet[]> buf(new (std::nothrow) Packet[capacity]);
    if (buf == nullptr) return false;
    for (size_t i = 0; i < size_; ++i) buf[i] = buf_[(head_ + i) & (capacity_ - 1)];
    buf_ = std::move(buf);
    capacity_ = capacity;
    head_ = 0;
  }
  buf_[(head_ + size_) & (capacity_ - 1)] = packet;
  ++size_;
  return true;
}

void Port::Overflow::Pop() {
  head_ = (head_ + 1) & (capacity_ - 1);
  if (--size_ == 0) {
    head_ = 0;
    if (capacity_ > kKeptCapacity) Clear();
  }
}

void Port::Overflow::Clear() {
  buf_.reset();
  capacity_ = 0;
  head_ = 0;
  size_ = 0;
}

bool Port::EnsureRing() {
  if (cells_.load(std::memory_order_relaxed) != nullptr) return true;
  Cell *cells = new (std::nothrow) Cell[kRingCells];
  if (cells == nullptr) return false;
  for (uint64_t i = 0; i < kRingCells; ++i) cells[i].seq.store(i, std::memory_order_relaxed);
  cells_.store(cells, std::memory_order_release);
  return true;
}

bool Port::PushRing(const Packet &packet) {
  Cell *cells = cells_.load(std::memory_order_acquire);
  if (cells == nullptr) return false;
  uint64_t pos = tail_.load(std::memory_order_relaxed);
  for (;;) {
    Cell &cell = cells[pos & (kRingCells - 1)];
    const uint64_t seq = cell.seq.load(std::memory_order_acquire);
    const auto lag = static_cast<int64_t>(seq - pos);
    if (lag == 0) {
      if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        cell.packet = packet;
        // Publishes the packet (a release) and, being sequentially consistent, orders it before
        // the poster's look at waiting_.
        cell.seq.exchange(pos + 1, std::memory_order_seq_cst);
        return true;
      }
    } else if (lag < 0) {
      return false;  // the cell still holds the packet of the previous lap: full
    } else {
      pos = tail_.load(std::memory_order_relaxed);  // another poster took this position
    }
  }
}

uint32_t Port::PopRing(Packet *out, uint32_t max) {
  Cell *cells = cells_.load(std::memory_order_acquire);
  if (cells == nullptr) return 0;
  uint64_t pos = head_.load(std::memory_order_relaxed);
  for (;;) {
    // The published cells from the head on, up to max: one CAS claims them all (no other
    // getter can have taken them while head_ still says pos).
    uint32_t n = 0;
    while (n < max) {
      const Cell &cell = cells[(pos + n) & (kRingCells - 1)];
      if (cell.seq.load(std::memory_order_acquire) != pos + n + 1) break;
      ++n;
    }
    if (n == 0) {
      const uint64_t now = head_.load(std::memory_order_relaxed);
      if (now == pos) return 0;  // empty, or the head cell's poster has not published yet
      pos = now;
      continue;
    }
    if (head_.compare_exchange_weak(pos, pos + n, std::memory_order_relaxed)) {
      for (uint32_t i = 0; i < n; ++i) {
        Cell &cell = cells[(pos + i) & (kRingCells - 1)];
        out[i] = cell.packet;
        cell.seq.store(pos + i + kRingCells, std::memory_order_release);  // free for a poster
      }
      return n;
    }
  }
}

uint32_t Port::Take(Packet *out, uint32_t max) {
  uint32_t n = PopRing(out, max);
  if (n < max && overflowing_.load(std::memory_order_acquire)) {
    StdMutexLock lock(&mu_);
    n += TakeLocked(out + n, max - n);
  }
  return n;
}

uint32_t Port::TakeLocked(Packet *out, uint32_t max) {
  // Overflowed packets go into the ring behind every packet it holds (posts go to the overflow
  // while it holds any), so that they leave after them.
  while (overflowing_.load(std::memory_order_relaxed)) {
    if (overflow_.empty()) {
      overflowing_.store(false, std::memory_order_release);
      break;
    }
    if (!PushRing(overflow_.Front())) break;  // the ring is full again
    overflow_.Pop();
  }
  return PopRing(out, max);
}

size_t Port::queued() {
  StdMutexLock lock(&mu_);
  const uint64_t tail = tail_.load(std::memory_order_acquire);
  const uint64_t head = head_.load(std::memory_order_acquire);
  return static_cast<size_t>(tail > head ? tail - head : 0) + overflow_.size();
}

bool Port::ClaimRunning() {
  uint32_t running = running_.load(std::memory_order_seq_cst);
  do {
    if (running >= concurrency_) return false;
  } while (!running_.compare_exchange_weak(running, running + 1, std::memory_order_seq_cst));
  return true;
}

void Port::ReleaseRunning() {
  running_.fetch_sub(1, std::memory_order_seq_cst);
  // The other half of the Dekker pair with a waiter that links itself and then looks at
  // running_: one of the two sees the other.
  if (waiting_.load(std::memory_order_seq_cst) != 0) ReleaseAndWakeWaiters();
}

void Port::LinkWaiter(Waiter *w) {
  w->older = newest_;
  w->newer = nullptr;
  if (newest_ != nullptr) newest_->newer = w;
  newest_ = w;
  w->linked = true;
  waiting_.fetch_add(1, std::memory_order_seq_cst);
}

void Port::UnlinkWaiter(Waiter *w) {
  if (w->newer != nullptr) {
    w->newer->older = w->older;
  } else {
    newest_ = w->older;
  }
  if (w->older != nullptr) w->older->newer = w->newer;
  w->older = w->newer = nullptr;
  w->linked = false;
  waiting_.fetch_sub(1, std::memory_order_seq_cst);
}

Port::PostResult Port::Post(const Packet &packet) {
  if (closed_.load(std::memory_order_acquire)) return PostResult::kClosed;
  if (!overflowing_.load(std::memory_order_acquire) && PushRing(packet)) {
    // The poster's half of the Dekker pair (PushRing's exchange, then this load): a Get that
    // counted itself in waiting_ before this load is seen here; one that did after sees the
    // packet when it looks at the ring again.
    if (waiting_.load(std::memory_order_seq_cst) != 0) ReleaseAndWakeWaiters();
    return PostResult::kPosted;
  }
  // The ring is not there yet, or is full, or the overflow holds packets.
  Ref<Thread> wake[kWakeBatch];
  int n = 0;
  {
    StdMutexLock lock(&mu_);
    if (closed_.load(std::memory_order_relaxed)) return PostResult::kClosed;
    if (!EnsureRing()) return PostResult::kNoMemory;
    if (overflowing_.load(std::memory_order_relaxed) || !PushRing(packet)) {
      if (!overflow_.Push(packet)) return PostResult::kNoMemory;
      overflowing_.store(true, std::memory_order_release);
    }
    n = ReleaseWaiters(wake);
  }
  for (int i = 0; i < n; ++i) wake[i]->port_event()->Set();
  if (n == kWakeBatch) ReleaseAndWakeWaiters();
  return PostResult::kPosted;
}

PortWait Port::Get(Packet *out, uint32_t max, uint32_t *count, uint32_t timeout_ms,
                   bool alertable) {
  *count = 0;
  int err = 0;
  Thread *self = Thread::Current(&err);
  Event *event = self != nullptr ? self->PortEvent(&err) : nullptr;
  if (event == nullptr) {
    return err == EMFILE || err == ENFILE ? PortWait::kNoDescriptors : PortWait::kNoMemory;
  }
  if (t_running_port != nullptr && t_running_port != this) {
    // Waiting on this port ends the thread's run on the other one.
    Port *other = std::exchange(t_running_port, nullptr);
    other->RunningThreadLeft();
    other->Release();
  }
  // A thread that was running on this port and finds packets goes on running: it would stop
  // and start again at once, so running_ is left alone (and so is its reference to the port).
  const bool ran_here = t_running_port == this;
  if (!closed_.load(std::memory_order_acquire)) {
    if (ran_here) {
      if ((*count = Take(out, max)) > 0) return PortWait::kOk;
    } else if (ClaimRunning()) {
      if ((*count = Take(out, max)) > 0) {
        BecomeRunningPort();
        return PortWait::kOk;
      }
      ReleaseRunning();
    }
  }
  if (ran_here) {  // it stops running here
    t_running_port = nullptr;
    ReleaseRunning();
    Release();  // the thread's reference; the caller's keeps the port alive
  }
  if (closed_.load(std::memory_order_acquire)) return PortWait::kClosed;
  if (timeout_ms == 0) return PortWait::kTimeout;

  Waiter waiter;
  waiter.thread = self;
  bool released;
  Packet handed = {};
  {
    Ref<Thread> wake[kWakeBatch];
    int n = 0;
    {
      StdMutexLock lock(&mu_);
      if (closed_.load(std::memory_order_relaxed)) return PortWait::kClosed;
      LinkWaiter(&waiter);
      // The getter's half of the Dekker pair: counted in waiting_, look at the ring (and at
      // running_) again. This waiter is the newest, so it is released first.
      std::atomic_thread_fence(std::memory_order_seq_cst);
      n = ReleaseWaiters(wake);
      released = waiter.released;
      if (released) handed = waiter.handed;
    }
    for (int i = 0; i < n; ++i)
      if (wake[i].get() != self) wake[i]->port_event()->Set();
  }
  if (!released) {
    Waitable *objects[1] = {event};
    const int64_t deadline = timeout_ms == kInfinite ? -1 : MonotonicMs() + timeout_ms;
    for (;;) {
      uint32_t remaining =
          deadline < 0 ? kInfinite
                       : static_cast<uint32_t>(std::max<int64_t>(0, deadline - MonotonicMs()));
      uint32_t r = WaitForObjects(objects, 1, false, remaining, alertable);
      StdMutexLock lock(&mu_);
      if (waiter.released) {
        handed = waiter.handed;
        event->Reset();  // a Set that raced with this exit must not wake the next Get
        break;
      }
      if (closed_.load(std::memory_order_relaxed) || r != kWaitObject0) {
        if (waiter.linked) UnlinkWaiter(&waiter);  // Shutdown unlinks the waiters it wakes
        return closed_.load(std::memory_order_relaxed) ? PortWait::kClosed
               : r == kWaitIoCompletion                ? PortWait::kIoCompletion
                                                       : PortWait::kTimeout;
      }
      // Signaled without a packet: a stale Set from an earlier Get; wait again.
    }
  }
  // Released with a packet and a running slot: take what else the batch has room for.
  out[0] = handed;
  *count = 1 + (max > 1 ? Take(out + 1, max - 1) : 0);
  BecomeRunningPort();  // outside the lock: it may register the thread-exit holder
  return PortWait::kOk;
}

int Port::ReleaseWaiters(Ref<Thread> *wake) {
  int n = 0;
  while (n < kWakeBatch && newest_ != nullptr && ClaimRunning()) {
    Packet packet;
    if (TakeLocked(&packet, 1) == 0) {
      running_.fetch_sub(1, std::memory_order_seq_cst);  // nothing to run: the claim goes back
      break;
    }
    Waiter *w = newest_;  // LIFO
    UnlinkWaiter(w);
    w->handed = packet;
    w->released = true;
    wake[n++] = Ref<Thread>::Share(w->thread);
  }
  return n;
}

void Port::ReleaseAndWakeWaiters() {
  for (;;) {
    Ref<Thread> wake[kWakeBatch];
    int n = 0;
    {
      StdMutexLock lock(&mu_);
      if (!closed_.load(std::memory_order_relaxed)) n = ReleaseWaiters(wake);
    }
    for (int i = 0; i < n; ++i) wake[i]->port_event()->Set();
    if (n < kWakeBatch) return;
  }
}

void Port::RunningThreadLeft() { ReleaseRunning(); }

void Port::Shutdown() {
  for (;;) {
    Ref<Thread> wake[kWakeBatch];
    int n = 0;
    {
      StdMutexLock lock(&mu_);
      closed_.store(true, std::memory_order_release);
      // The queue is kept for nobody: Get answers kClosed from now on. The ring's memory goes
      // with the port (a Post that raced with this may still write a cell).
      overflow_.Clear();
      overflowing_.store(false, std::memory_order_release);
      Packet sink[64];
      while (PopRing(sink, 64) != 0) {
      }
      while (n < kWakeBatch && newest_ != nullptr) {
        Waiter *w = newest_;
        UnlinkWaiter(w);
        wake[n++] = Ref<Thread>::Share(w->thread);
      }
    }
    for (int i = 0; i < n; ++i) wake[i]->port_event()->Set();
    if (n < kWakeBatch) return;
  }
}

}  // namespace ws2emu
