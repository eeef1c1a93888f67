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

bool Port::Ring::Push(const Packet &packet) {
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

Port::Packet Port::Ring::Pop() {
  Packet packet = buf_[head_];
  head_ = (head_ + 1) & (capacity_ - 1);
  if (--size_ == 0) {
    head_ = 0;
    if (capacity_ > kKeptCapacity) Clear();
  }
  return packet;
}

void Port::Ring::Clear() {
  buf_.reset();
  capacity_ = 0;
  head_ = 0;
  size_ = 0;
}

size_t Port::queued() {
  StdMutexLock lock(&mu_);
  return queue_.size();
}

void Port::LinkWaiter(Waiter *w) {
  w->older = newest_;
  w->newer = nullptr;
  if (newest_ != nullptr) newest_->newer = w;
  newest_ = w;
  w->linked = true;
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
}

Port::PostResult Port::Post(const Packet &packet) {
  Ref<Thread> wake;
  {
    StdMutexLock lock(&mu_);
    if (closed_) return PostResult::kClosed;
    if (newest_ != nullptr && running_ < concurrency_) {
      Waiter *w = newest_;  // LIFO
      UnlinkWaiter(w);
      w->handed = packet;
      w->released = true;
      ++running_;
      wake = Ref<Thread>::Share(w->thread);
    } else if (!queue_.Push(packet)) {
      return PostResult::kNoMemory;
    }
  }
  if (wake) wake->port_event()->Set();
  return PostResult::kPosted;
}

void Port::TakeQueued(Packet *out, uint32_t max, uint32_t *count) {
  while (*count < max && !queue_.empty()) out[(*count)++] = queue_.Pop();
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
  Waiter waiter;
  waiter.thread = self;
  if (t_running_port != nullptr && t_running_port != this) {
    // Waiting on this port ends the thread's run on the other one (outside this port's lock:
    // the two locks are never held together).
    Port *other = std::exchange(t_running_port, nullptr);
    other->RunningThreadLeft();
    other->Release();
  }
  // A thread that was running on this port stops running when it calls Get again. Its
  // reference to the port is kept when it goes on running (no reference-count traffic on the
  // fast path) and dropped outside the lock otherwise.
  const bool ran_here = t_running_port == this;
  bool running_now = false, done = false;
  PortWait result = PortWait::kOk;
  {
    StdMutexLock lock(&mu_);
    if (ran_here && running_ > 0) --running_;
    if (closed_) {
      result = PortWait::kClosed;
      done = true;
    } else if (!queue_.empty() && running_ < concurrency_) {
      TakeQueued(out, max, count);
      ++running_;
      running_now = done = true;
    } else if (timeout_ms == 0) {
      result = PortWait::kTimeout;
      done = true;
    } else {
      LinkWaiter(&waiter);
    }
  }
  if (running_now) {
    if (!ran_here) BecomeRunningPort();
    return PortWait::kOk;
  }
  if (ran_here) {
    t_running_port = nullptr;
    Release();  // the thread's reference; the caller's keeps the port alive
  }
  if (done) return result;
  Waitable *objects[1] = {event};
  const int64_t deadline = timeout_ms == kInfinite ? -1 : MonotonicMs() + timeout_ms;
  for (;;) {
    uint32_t remaining =
        deadline < 0 ? kInfinite
                     : static_cast<uint32_t>(std::max<int64_t>(0, deadline - MonotonicMs()));
    uint32_t r = WaitForObjects(objects, 1, false, remaining, alertable);
    {
      StdMutexLock lock(&mu_);
      if (waiter.released) {
        out[(*count)++] = waiter.handed;
        TakeQueued(out, max, count);
        event->Reset();  // a Set that raced with this exit must not wake the next Get
        result = PortWait::kOk;
      } else if (closed_ || r != kWaitObject0) {
        if (waiter.linked) UnlinkWaiter(&waiter);  // Shutdown unlinks the waiters it wakes
        result = closed_                  ? PortWait::kClosed
                 : r == kWaitIoCompletion ? PortWait::kIoCompletion
                                          : PortWait::kTimeout;
        return result;
      } else {
        continue;  // signaled without a packet: a stale Set from an earlier Get; wait again
      }
    }
    BecomeRunningPort();  // outside the lock: it may register the thread-exit holder
    return result;
  }
}

int Port::ReleaseWaiters(Ref<Thread> *wake) {
  int n = 0;
  while (n < kWakeBatch && !queue_.empty() && newest_ != nullptr && running_ < concurrency_) {
    Waiter *w = newest_;  // LIFO
    UnlinkWaiter(w);
    w->handed = queue_.Pop();
    w->released = true;
    ++running_;
    wake[n++] = Ref<Thread>::Share(w->thread);
  }
  return n;
}

void Port::RunningThreadLeft() {
  bool left = false;
  for (;;) {
    Ref<Thread> wake[kWakeBatch];
    int n = 0;
    {
      StdMutexLock lock(&mu_);
      if (!left && running_ > 0) --running_;
      left = true;
      if (!closed_) n = ReleaseWaiters(wake);
    }
    for (int i = 0; i < n; ++i) wake[i]->port_event()->Set();
    if (n < kWakeBatch) return;
  }
}

void Port::Shutdown() {
  for (;;) {
    Ref<Thread> wake[kWakeBatch];
    int n = 0;
    {
      StdMutexLock lock(&mu_);
      closed_ = true;
      queue_.Clear();
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
