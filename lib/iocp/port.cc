#include "iocp/port.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <new>

#include "threads/wait.h"
#include "threads/thread.h"

namespace ws2emu {

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
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

Port::PostResult Port::Post(const Packet &packet) {
  Ref<Thread> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return PostResult::kClosed;
    if (!waiters_.empty() && running_ < concurrency_) {
      Waiter *w = waiters_.back();  // LIFO
      waiters_.pop_back();
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
  Waiter waiter{self, {}, false};
  if (self->running_on_port() != nullptr && self->running_on_port() != this) {
    // Waiting on this port ends the thread's run on the other one (outside this port's lock:
    // the two locks are never held together).
    Ref<Object> other = Ref<Object>::Share(self->running_on_port());
    self->set_running_on_port(nullptr);
    other->RunningThreadLeft(self);
  }
  // A thread that was running on this port stops running when it calls Get again. Its
  // reference to the port is kept when it goes on running (no reference-count traffic on the
  // fast path) and dropped outside the lock otherwise.
  const bool ran_here = self->running_on_port() == this;
  bool running_now = false, done = false;
  PortWait result = PortWait::kOk;
  {
    std::lock_guard<std::mutex> lock(mu_);
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
      waiters_.push_back(&waiter);
    }
  }
  if (running_now) {
    if (!ran_here) self->set_running_on_port(this);
    return PortWait::kOk;
  }
  if (ran_here) self->set_running_on_port(nullptr);
  if (done) return result;
  Waitable *objects[1] = {event};
  const int64_t deadline = timeout_ms == kInfinite ? -1 : MonotonicMs() + timeout_ms;
  for (;;) {
    uint32_t remaining =
        deadline < 0 ? kInfinite
                     : static_cast<uint32_t>(std::max<int64_t>(0, deadline - MonotonicMs()));
    uint32_t r = WaitForObjects(objects, 1, false, remaining, alertable);
    std::lock_guard<std::mutex> lock(mu_);
    if (waiter.released) {
      out[(*count)++] = waiter.handed;
      TakeQueued(out, max, count);
      self->set_running_on_port(this);
      event->Reset();  // a Set that raced with this exit must not wake the next Get
      return PortWait::kOk;
    }
    if (closed_ || r != kWaitObject0) {
      waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &waiter));
      if (closed_) return PortWait::kClosed;
      return r == kWaitIoCompletion ? PortWait::kIoCompletion : PortWait::kTimeout;
    }
    // Signaled without a packet: a stale Set from an earlier Get; wait again.
  }
}

void Port::ReleaseWaiters(std::vector<Ref<Thread>> *wake) {
  while (!queue_.empty() && !waiters_.empty() && running_ < concurrency_) {
    Waiter *w = waiters_.back();  // LIFO
    waiters_.pop_back();
    w->handed = queue_.Pop();
    w->released = true;
    ++running_;
    wake->push_back(Ref<Thread>::Share(w->thread));
  }
}

void Port::RunningThreadLeft(const void *thread) {
  (void)thread;
  std::vector<Ref<Thread>> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_ > 0) --running_;
    if (!closed_) ReleaseWaiters(&wake);
  }
  for (const Ref<Thread> &t : wake) t->port_event()->Set();
}

void Port::Shutdown() {
  std::vector<Ref<Thread>> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    for (Waiter *w : waiters_) wake.push_back(Ref<Thread>::Share(w->thread));
    queue_.Clear();
  }
  for (const Ref<Thread> &t : wake) t->port_event()->Set();
}

}  // namespace ws2emu
