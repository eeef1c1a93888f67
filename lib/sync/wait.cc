#include "sync/wait.h"

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

}  // namespace

uint32_t WaitForObjects(Waitable *const *objects, uint32_t count, bool wait_all,
                        uint32_t timeout_ms, bool alertable) {
  Thread *self = Thread::Current();
  const int64_t deadline = timeout_ms == kInfinite ? -1 : MonotonicMs() + timeout_ms;
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
