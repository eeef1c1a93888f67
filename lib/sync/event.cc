#include "sync/event.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ws2emu {

absl::StatusOr<Ref<Event>> Event::Create(bool manual_reset, bool initial_state) {
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
  if (fd < 0) {
    int err = errno;
    return absl::ResourceExhaustedError(absl::StrCat("eventfd: ", strerror(err)));
  }
  auto event = Ref<Event>::Adopt(new Event(fd, manual_reset));
  if (initial_state) event->Set();
  return event;
}

Event::Event(int fd, bool manual_reset) : Waitable(kType), fd_(fd), manual_reset_(manual_reset) {}

Event::~Event() { close(fd_); }

void Event::PostFd() {
  uint64_t one = 1;
  // The counter is at most the number of Sets in flight, so the write cannot fail on EAGAIN.
  while (write(fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

void Event::TakeFd() {
  for (;;) {
    uint64_t value;
    if (read(fd_, &value, sizeof(value)) == sizeof(value)) return;  // took exactly 1
    if (errno == EINTR) continue;
    // EAGAIN: the Set this flip undoes has flipped the state but not written yet. It never
    // waits for anything between the two, so its write comes; wait for it rather than spin
    // (on one CPU, spinning would only delay the setter).
    pollfd p = {fd_, POLLIN, 0};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
  }
}

void Event::Set() {
  if (signaled_.load(std::memory_order_acquire)) return;  // no syscall
  if (signaled_.exchange(true, std::memory_order_acq_rel)) return;  // another Set flipped it
  PostFd();
}

void Event::Reset() {
  if (!signaled_.load(std::memory_order_acquire)) return;  // no syscall
  if (!signaled_.exchange(false, std::memory_order_acq_rel)) return;  // another Reset did
  TakeFd();
}

bool Event::TryAcquire() {
  if (!signaled_.load(std::memory_order_acquire)) return false;
  if (manual_reset_) return true;
  // Auto-reset: the waiter that flips signaled -> reset takes the signal.
  if (!signaled_.exchange(false, std::memory_order_acq_rel)) return false;
  TakeFd();
  return true;
}

}  // namespace ws2emu
