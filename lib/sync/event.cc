#include "sync/event.h"

#include "sync/eventfd_unit.h"
#include "sync/futex.h"
#include "sync/resource_status.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

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
  auto *raw = new (std::nothrow) Event(fd, manual_reset, nullptr, nullptr);
  if (raw == nullptr) {
    close(fd);
    *error = ENOMEM;
    return {};
  }
  auto event = Ref<Event>::Adopt(raw);
  if (initial_state) event->Set();
  return event;
}

Ref<Event> Event::CreateShared(std::atomic<uint32_t> *word, int fifo_fd, bool manual_reset,
                               std::unique_ptr<SharedBacking> backing) {
  auto *raw = new (std::nothrow) Event(fifo_fd, manual_reset, word, std::move(backing));
  return Ref<Event>::Adopt(raw);
}

Event::Event(int fd, bool manual_reset, std::atomic<uint32_t> *word,
             std::unique_ptr<SharedBacking> backing)
    : Waitable(kType),
      fd_(fd),
      manual_reset_(manual_reset),
      state_(word != nullptr ? word : &local_state_),
      backing_(std::move(backing)) {}

Event::~Event() {
  if (!backing_) close(fd_);  // a named event's FIFO belongs to its backing
}

void Event::PostFd() const {
  if (backing_) {
    PostFifoUnits(fd_, 1);
  } else {
    PostEventfdUnits(fd_, 1);
  }
}

void Event::TakeFd() {
  if (backing_) {
    TakeFifoUnit(fd_);
  } else {
    TakeEventfdUnit(fd_);
  }
}

int Event::fd() const {
  uint32_t v = state_->load(std::memory_order_acquire);
  while ((v & kArmed) == 0) {
    if (state_->compare_exchange_weak(v, v | kArmed, std::memory_order_acq_rel)) {
      // Arming a signaled event is the transition to "signaled and armed": it pays the unit.
      if ((v & kSignaled) != 0) PostFd();
      break;
    }
  }
  return fd_;
}

void Event::Set() {
  uint32_t v = state_->load(std::memory_order_acquire);
  do {
    if ((v & kSignaled) != 0) return;  // no syscall
  } while (!state_->compare_exchange_weak(v, (v | kSignaled) & ~kSleepers,
                                         std::memory_order_acq_rel));
  if ((v & kArmed) != 0) PostFd();
  if ((v & kSleepers) != 0) FutexWakeAll(state_, shared());
}

bool Event::FlipToReset() {
  uint32_t v = state_->load(std::memory_order_acquire);
  do {
    if ((v & kSignaled) == 0) return false;  // no syscall; or another Reset / waiter flipped it
  } while (!state_->compare_exchange_weak(v, v & ~kSignaled, std::memory_order_acq_rel));
  if ((v & kArmed) != 0) TakeFd();
  return true;
}

void Event::Reset() { FlipToReset(); }

bool Event::TryAcquire() {
  if (!IsSet()) return false;
  if (manual_reset_) return true;
  // Auto-reset: the waiter that flips signaled -> reset takes the signal.
  return FlipToReset();
}

Waitable::SleepResult Event::Sleep(int64_t timeout_ms) {
  uint32_t v = state_->load(std::memory_order_acquire);
  for (;;) {
    if ((v & kSignaled) != 0) return SleepResult::kWoken;
    if ((v & kSleepers) != 0) break;
    if (state_->compare_exchange_weak(v, v | kSleepers, std::memory_order_acq_rel)) {
      v |= kSleepers;
      break;
    }
  }
  // A Set between the CAS and the wait changed the word: the wait returns at once (-EAGAIN).
  return FutexWait(state_, v, timeout_ms, shared()) == -ETIMEDOUT ? SleepResult::kTimeout
                                                         : SleepResult::kWoken;
}

}  // namespace ws2emu
