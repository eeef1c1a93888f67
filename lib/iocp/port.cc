#include "iocp/port.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <new>
#include <utility>

#include "threads/thread.h"
#include "threads/wait.h"

namespace ws2emu {
namespace {

std::atomic<const IdleRunner *> g_idle_runner{nullptr};
// The port this thread idles on inside the runner: its own posts there need no wake (it
// looks at the queue after each batch of completions it runs).
thread_local Port *t_idling_port = nullptr;

// After a Post or the closing: wakes a thread idling in the runner on the port whose idling
// count is `idling` (read sequentially consistent: the other half of the runner's Dekker pair).
void WakeIdlers(const std::atomic<uint32_t> &idling) {
  if (idling.load(std::memory_order_seq_cst) == 0) return;
  if (const IdleRunner *runner = g_idle_runner.load(std::memory_order_acquire)) runner->wake();
}

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

Port::~Port() {
  // Nobody else holds the port: every segment can go.
  StdMutexLock lock(&segments_mu_);
  while (Segment *segment = owned_segments_) {
    owned_segments_ = segment->owned_next;
    unsigned char *memory = segment->memory;
    segment->~Segment();
    delete[] memory;
  }
}

Port::Segment *Port::NewSegment(uint64_t base) {
  Segment *segment = free_segments_;
  if (segment != nullptr) {
    free_segments_ = segment->free_next;
  } else {
    // Plain new (not an over-aligned one), so that a failure is the allocator's to report like
    // any other; the segment is placed at the first 64-byte boundary inside.
    constexpr size_t kBytes = sizeof(Segment) + 64;
    auto *memory = new (std::nothrow) unsigned char[kBytes];
    if (memory == nullptr) return nullptr;
    void *start = memory;
    size_t space = kBytes;
    segment = new (std::align(64, sizeof(Segment), start, space)) Segment;
    segment->memory = memory;
    segment->owned_next = owned_segments_;
    owned_segments_ = segment;
  }
  // Position base + i is not published in cell i until its seq is (base + i + 1) mod 2^32.
  for (uint64_t i = 0; i < kSegmentCells; ++i)
    segment->cells[i].seq.store(static_cast<uint32_t>(base + i), std::memory_order_relaxed);
  segment->next.store(nullptr, std::memory_order_relaxed);
  segment->base.store(base, std::memory_order_release);
  return segment;
}

bool Port::AppendSegment(Segment *last) {
  StdMutexLock lock(&segments_mu_);
  if (last == nullptr) {  // the first Post
    if (tail_segment_.load(std::memory_order_acquire) != nullptr) return true;
    Segment *first = NewSegment(0);
    if (first == nullptr) return false;
    head_segment_.store(first, std::memory_order_release);
    tail_segment_.store(first, std::memory_order_release);
    return true;
  }
  // Only the segment that ends the chain has no next (a retired one keeps its next until it is
  // reused), so this appends at the end or finds that another poster did.
  if (last->next.load(std::memory_order_acquire) != nullptr) return true;
  Segment *next = NewSegment(last->base.load(std::memory_order_relaxed) + kSegmentCells);
  if (next == nullptr) return false;
  last->next.store(next, std::memory_order_release);
  return true;
}

void Port::AdvanceHint(std::atomic<Segment *> *hint, Segment *segment, uint64_t base) {
  StdMutexLock lock(&segments_mu_);
  // Every hint change and every reuse happens under this lock, so a hint that still names this
  // segment with this base names the same incarnation of it: no ABA.
  if (hint->load(std::memory_order_relaxed) != segment ||
      segment->base.load(std::memory_order_relaxed) != base)
    return;  // another thread moved it on
  Segment *next = segment->next.load(std::memory_order_acquire);
  if (next == nullptr) return;
  hint->store(next, std::memory_order_release);
  if (hint != &head_segment_) return;
  // head_ has passed the segment (so has tail_): it is retired. Posters are not sent to it any
  // more, and it waits on the free list to be reused.
  if (tail_segment_.load(std::memory_order_relaxed) == segment)
    tail_segment_.store(next, std::memory_order_release);
  segment->free_next = free_segments_;
  free_segments_ = segment;
}

Port::PostResult Port::Push(const Packet &packet) {
  for (;;) {
    uint64_t pos = tail_.load(std::memory_order_acquire);
    Segment *segment = tail_segment_.load(std::memory_order_acquire);
    if (segment == nullptr) {
      if (!AppendSegment(nullptr)) return PostResult::kNoMemory;
      continue;
    }
    const uint64_t base = segment->base.load(std::memory_order_acquire);
    if (pos < base) continue;  // a stale view (the hint moved on, or was reused): look again
    if (pos >= base + kSegmentCells) {
      Segment *next = segment->next.load(std::memory_order_acquire);
      if (next == nullptr) {
        if (!AppendSegment(segment)) return PostResult::kNoMemory;  // nothing claimed
        continue;
      }
      AdvanceHint(&tail_segment_, segment, base);
      continue;
    }
    // The segment serves pos now; if tail_ still says pos, nobody can have retired it (head_
    // <= tail_ < its end), so the claim and the cell go together.
    if (!tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_acq_rel)) continue;
    Cell &cell = segment->cells[pos - base];
    cell.bytes.store(packet.bytes, std::memory_order_relaxed);
    cell.key.store(packet.key, std::memory_order_relaxed);
    cell.overlapped.store(reinterpret_cast<uintptr_t>(packet.overlapped),
                          std::memory_order_relaxed);
    cell.status.store(packet.status, std::memory_order_relaxed);
    // Publishes the packet (a release) and, being sequentially consistent, orders it before the
    // poster's look at waiting_.
    cell.seq.exchange(static_cast<uint32_t>(pos + 1), std::memory_order_seq_cst);
    return PostResult::kPosted;
  }
}

uint32_t Port::Take(Packet *out, uint32_t max) {
  for (;;) {
    // seq_cst (a plain load on x86): with the exchange that publishes a cell and the counts in
    // waiting_, the Dekker pair of a blocking Get (see Get).
    uint64_t pos = head_.load(std::memory_order_seq_cst);
    Segment *segment = head_segment_.load(std::memory_order_acquire);
    if (segment == nullptr) return 0;  // nothing was ever posted
    const uint64_t base = segment->base.load(std::memory_order_acquire);
    if (pos < base) continue;  // a stale view: look again
    if (pos >= base + kSegmentCells) {
      // Every position of this segment is taken: move the hint on, retiring the segment.
      Segment *next = segment->next.load(std::memory_order_acquire);
      if (next == nullptr) {
        if (head_.load(std::memory_order_acquire) == pos) return 0;  // nothing posted beyond
        continue;
      }
      AdvanceHint(&head_segment_, segment, base);
      continue;
    }
    // Reads the published cells from the head on (within this segment), up to max, then claims
    // them all with one CAS: if head_ still says pos, no other getter took them, and the
    // segment cannot have been retired and reused since.
    const uint64_t limit = std::min<uint64_t>(max, base + kSegmentCells - pos);
    uint32_t n = 0;
    while (n < limit) {
      const Cell &cell = segment->cells[pos - base + n];
      if (cell.seq.load(std::memory_order_seq_cst) != static_cast<uint32_t>(pos + n + 1)) break;
      out[n].bytes = cell.bytes.load(std::memory_order_relaxed);
      out[n].key = cell.key.load(std::memory_order_relaxed);
      out[n].overlapped = reinterpret_cast<void *>(cell.overlapped.load(std::memory_order_relaxed));
      out[n].status = cell.status.load(std::memory_order_relaxed);
      ++n;
    }
    if (n == 0) {
      if (head_.load(std::memory_order_seq_cst) == pos) return 0;  // empty, or not published yet
      continue;
    }
    if (head_.compare_exchange_weak(pos, pos + n, std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      return n;
  }
}

size_t Port::queued() {
  const uint64_t head = head_.load(std::memory_order_acquire);
  const uint64_t tail = tail_.load(std::memory_order_acquire);
  return static_cast<size_t>(tail > head ? tail - head : 0);
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
  const PostResult pushed = Push(packet);
  if (pushed != PostResult::kPosted) return pushed;
  // The poster's half of the Dekker pair (Push's exchange, then this load): a Get that counted
  // itself in waiting_ before this load is seen here; one that did after sees the packet when
  // it looks at the queue again.
  if (waiting_.load(std::memory_order_seq_cst) != 0) ReleaseAndWakeWaiters();
  // The same pair with a thread idling in the runner (RunIdle): counted before it looked.
  if (t_idling_port != this) WakeIdlers(idling_);
  return PostResult::kPosted;
}

void SetIdleRunner(const IdleRunner *runner) {
  g_idle_runner.store(runner, std::memory_order_release);
}

bool ThreadRunsAPort() { return t_running_port != nullptr; }

bool Port::IdleDone(void *port) {
  auto *self = static_cast<Port *>(port);
  return self->closed_.load(std::memory_order_acquire) || self->queued() > 0;
}

bool Port::RunIdle(const IdleRunner *runner, int64_t deadline_ms) {
  idling_.fetch_add(1, std::memory_order_seq_cst);
  Port *outer = std::exchange(t_idling_port, this);
  const bool ran = runner->run(&Port::IdleDone, this, deadline_ms);
  t_idling_port = outer;
  idling_.fetch_sub(1, std::memory_order_seq_cst);
  return ran;
}

PortWait Port::Get(Packet *out, uint32_t max, uint32_t *count, uint32_t timeout_ms,
                   bool alertable) {
  *count = 0;
  const IdleRunner *runner = g_idle_runner.load(std::memory_order_acquire);
  if (runner != nullptr) runner->drain();
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
  if (runner != nullptr) runner->flush();
  if (closed_.load(std::memory_order_acquire)) return PortWait::kClosed;
  if (timeout_ms == 0) return PortWait::kTimeout;
  const int64_t deadline = timeout_ms == kInfinite ? -1 : MonotonicMs() + timeout_ms;

  // A non-alertable wait may run the engine's completions itself (IdleRunner): it comes back
  // when a packet is queued, the port closes, or the time is up. [inference] An alertable wait
  // does not: an APC queued to a thread inside the engine's wait would not wake it.
  while (runner != nullptr && !alertable && RunIdle(runner, deadline)) {
    if (closed_.load(std::memory_order_acquire)) return PortWait::kClosed;
    if (ClaimRunning()) {
      if ((*count = Take(out, max)) > 0) {
        BecomeRunningPort();
        return PortWait::kOk;
      }
      ReleaseRunning();
    }
    if (deadline >= 0 && MonotonicMs() >= deadline) return PortWait::kTimeout;
    // Nothing for this thread (another getter took it, or the concurrency value holds it
    // back): block as usual below, which also waits for a running slot.
    if (queued() > 0) break;
  }

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
      // The getter's half of the Dekker pair: counted in waiting_ (sequentially consistent),
      // look at the queue (Take's loads of head_ and of the head cell are sequentially
      // consistent too) and at running_ again. This waiter is the newest: released first.
      n = ReleaseWaiters(wake);
      released = waiter.released;
      if (released) handed = waiter.handed;
    }
    for (int i = 0; i < n; ++i)
      if (wake[i].get() != self) wake[i]->port_event()->Set();
  }
  if (!released) {
    Waitable *objects[1] = {event};
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
    if (Take(&packet, 1) == 0) {
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
      closed_.store(true, std::memory_order_seq_cst);  // a Dekker pair with idling_
      // The queue is kept for nobody: Get answers kClosed from now on. Its memory goes with
      // the port (a Post that raced with this may still write a cell).
      while (n < kWakeBatch && newest_ != nullptr) {
        Waiter *w = newest_;
        UnlinkWaiter(w);
        wake[n++] = Ref<Thread>::Share(w->thread);
      }
    }
    for (int i = 0; i < n; ++i) wake[i]->port_event()->Set();
    if (n < kWakeBatch) {
      WakeIdlers(idling_);
      return;
    }
  }
}

}  // namespace ws2emu
