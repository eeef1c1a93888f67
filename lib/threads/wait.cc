#include "threads/wait.h"

#include <time.h>

#include <algorithm>

#include "threads/thread.h"

namespace ws2emu {

int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

namespace {

bool TryAcquireAll(Waitable *const *objects, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i)
    if (!objects[i]->IsSignaled()) return false;
  for (uint32_t i = 0; i < count; ++i) {
    if (!objects[i]->TryAcquire()) {
      while (i-- > 0) objects[i]->Unacquire();
      return false;
    }
  }
  return true;
}

// SleepEx on a thread without a thread object: nothing can queue an APC to it (a handle to it,
// its id in OpenThread, WPUOpenCurrentThread all need the object), so alertable or not it is a
// plain sleep. [inference] SleepEx has no failure to report, so sleeping is the only answer
// that keeps its contract.
uint32_t SleepWithoutThreadObject(int64_t deadline) {
  for (;;) {
    int64_t remaining = deadline < 0 ? 1000 : deadline - MonotonicMs();
    if (remaining <= 0) return kWaitTimeout;
    timespec ts = {static_cast<time_t>(remaining / 1000),
                   static_cast<long>((remaining % 1000) * 1000000)};
    nanosleep(&ts, nullptr);  // EINTR: the loop sleeps the rest
  }
}

}  // namespace

uint32_t WaitForObjects(Waitable *const *objects, uint32_t count, bool wait_all,
                        uint32_t timeout_ms, bool alertable, int *error) {
  const int64_t deadline = timeout_ms == kInfinite ? -1 : MonotonicMs() + timeout_ms;
  Thread *self = Thread::Current(error);
  if (self == nullptr) {
    // A wait on objects needs the thread: a mutex it takes is owned by it (and abandoned when
    // it exits). Nothing has been acquired yet.
    if (count > 0) return kWaitFailed;
    return SleepWithoutThreadObject(deadline);
  }
  int fds[kMaxWaitObjects + 1];
  bool timed_out = false;
  for (;;) {
    if (count > 0) {
      if (wait_all) {
        if (TryAcquireAll(objects, count)) {
          // WAIT_ABANDONED_0 + i names an abandoned mutex among them (the lowest).
          uint32_t result = kWaitObject0;
          for (uint32_t i = 0; i < count; ++i)
            if (objects[i]->TakeAbandoned() && result == kWaitObject0) result = kWaitAbandoned0 + i;
          return result;
        }
      } else {
        for (uint32_t i = 0; i < count; ++i)
          if (objects[i]->TryAcquire())
            return (objects[i]->TakeAbandoned() ? kWaitAbandoned0 : kWaitObject0) + i;
      }
    }
    if (alertable && self->RunApcs()) return kWaitIoCompletion;
    int64_t remaining = deadline < 0 ? -1 : std::max<int64_t>(0, deadline - MonotonicMs());
    if (remaining == 0 || timed_out) return kWaitTimeout;

    // One object and no APCs to wake for: sleep on the object's own word when it has one (an
    // event's futex), which spares the fd's syscalls and leaves the fd unarmed.
    if (count == 1 && !alertable) {
      const Waitable::SleepResult slept = objects[0]->Sleep(remaining);
      if (slept != Waitable::SleepResult::kUnsupported) {
        if (slept == Waitable::SleepResult::kTimeout) timed_out = true;
        continue;
      }
    }
    // Wait-any polls every object; wait-all only the ones not signaled yet, or the signaled
    // ones would make every poll return at once.
    int nfds = 0;
    for (uint32_t i = 0; i < count; ++i)
      if (!wait_all || !objects[i]->IsSignaled()) fds[nfds++] = objects[i]->fd();
    if (wait_all && nfds == 0 && count > 0) continue;  // all signaled now: try to take them
    Thread::BlockResult r = self->Block(fds, nfds, remaining, alertable);
    // On a timeout, look once more: an object signaled at the last moment still counts.
    if (r == Thread::BlockResult::kTimeout) timed_out = true;
  }
}

}  // namespace ws2emu
