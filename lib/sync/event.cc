#include "sync/event.h"

#include "sync/eventfd_unit.h"
#include "sync/resource_status.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <new>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ws2emu {

absl::StatusOr<Ref<Event>> Event::Create(bool manual_reset, bool initial_state) {
  int err = 0;
  Ref<Event> event = TryCreate(manual_reset, initial_state, &err);
  if (!event) return ResourceStatus("eventfd", err);
  return event;
}

Ref<Event> Event::TryCreate(bool manual_reset, bool initial_state, int *error) {
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
  if (fd < 0) {
    *error = errno;
    return {};
  }
  // Without memory the object is as impossible as the fd: an error, not bad_alloc.
  auto *raw = new (std::nothrow) Event(fd, manual_reset);
  if (raw == nullptr) {
    close(fd);
    *error = ENOMEM;
    return {};
  }
  auto event = Ref<Event>::Adopt(raw);
  if (initial_state) event->Set();
  return event;
}

Event::Event(int fd, bool manual_reset) : Waitable(kType), fd_(fd), manual_reset_(manual_reset) {}

Event::~Event() { close(fd_); }

void Event::PostFd() { PostEventfdUnits(fd_, 1); }

void Event::TakeFd() { TakeEventfdUnit(fd_); }

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
