#include "sync/semaphore.h"

#include "sync/eventfd_unit.h"
#include "sync/resource_status.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <new>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ws2emu {

absl::StatusOr<Ref<Semaphore>> Semaphore::Create(int32_t initial, int32_t maximum) {
  if (maximum <= 0 || initial < 0 || initial > maximum)
    return absl::InvalidArgumentError(absl::StrCat("semaphore count ", initial, " of ", maximum));
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
  if (fd < 0) return ResourceStatus("eventfd", errno);
  auto *raw = new (std::nothrow) Semaphore(fd, maximum);
  if (raw == nullptr) {
    close(fd);
    return ResourceStatus("semaphore", ENOMEM);
  }
  auto s = Ref<Semaphore>::Adopt(raw);
  if (initial > 0) s->ReleaseCount(initial, nullptr);
  return s;
}

Semaphore::Semaphore(int fd, int32_t maximum) : Waitable(kType), fd_(fd), maximum_(maximum) {}

Semaphore::~Semaphore() { close(fd_); }

bool Semaphore::ReleaseCount(int32_t count, int32_t *previous) {
  int32_t old = count_.load(std::memory_order_relaxed);
  do {
    if (count <= 0 || old > maximum_ - count) return false;
  } while (!count_.compare_exchange_weak(old, old + count, std::memory_order_acq_rel));
  if (previous != nullptr) *previous = old;
  PostEventfdUnits(fd_, static_cast<uint64_t>(count));
  return true;
}

bool Semaphore::TryAcquire() {
  int32_t old = count_.load(std::memory_order_acquire);
  do {
    if (old <= 0) return false;
  } while (!count_.compare_exchange_weak(old, old - 1, std::memory_order_acq_rel));
  TakeEventfdUnit(fd_);  // its Release may not have written yet: then wait for the write
  return true;
}

}  // namespace ws2emu
