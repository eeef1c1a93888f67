#include "sync/semaphore.h"

#include "sync/eventfd_unit.h"
#include "sync/resource_status.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <new>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ws2emu {

absl::StatusOr<Ref<Semaphore>> Semaphore::Create(int32_t initial, int32_t maximum) {
  if (maximum <= 0 || initial < 0 || initial > maximum)
    return absl::InvalidArgumentError(absl::StrCat("semaphore count ", initial, " of ", maximum));
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
  if (fd < 0) return ResourceStatus("eventfd", errno);
  auto *raw = new (std::nothrow) Semaphore(fd, maximum, nullptr, nullptr);
  if (raw == nullptr) {
    close(fd);
    return ResourceStatus("semaphore", ENOMEM);
  }
  auto s = Ref<Semaphore>::Adopt(raw);
  if (initial > 0) s->ReleaseCount(initial, nullptr);
  return s;
}

Ref<Semaphore> Semaphore::CreateShared(std::atomic<int32_t> *count, int32_t maximum,
                                       int fifo_fd, std::unique_ptr<SharedBacking> backing) {
  return Ref<Semaphore>::Adopt(
      new (std::nothrow) Semaphore(fifo_fd, maximum, count, std::move(backing)));
}

Semaphore::Semaphore(int fd, int32_t maximum, std::atomic<int32_t> *count,
                     std::unique_ptr<SharedBacking> backing)
    : Waitable(kType),
      fd_(fd),
      maximum_(maximum),
      count_(count != nullptr ? count : &local_count_),
      backing_(std::move(backing)) {}

Semaphore::~Semaphore() {
  if (!backing_) close(fd_);  // a named semaphore's FIFO belongs to its backing
}

void Semaphore::Post(int32_t units) {
  if (backing_) {
    PostFifoUnits(fd_, static_cast<uint64_t>(units));
  } else {
    PostEventfdUnits(fd_, static_cast<uint64_t>(units));
  }
}

void Semaphore::Take() {
  if (backing_) {
    TakeFifoUnit(fd_);
  } else {
    TakeEventfdUnit(fd_);
  }
}

bool Semaphore::ReleaseCount(int32_t count, int32_t *previous) {
  int32_t old = count_->load(std::memory_order_relaxed);
  do {
    if (count <= 0 || old > maximum_ - count) return false;
  } while (!count_->compare_exchange_weak(old, old + count, std::memory_order_acq_rel));
  if (previous != nullptr) *previous = old;
  Post(count);
  return true;
}

bool Semaphore::TryAcquire() {
  int32_t old = count_->load(std::memory_order_acquire);
  do {
    if (old <= 0) return false;
  } while (!count_->compare_exchange_weak(old, old - 1, std::memory_order_acq_rel));
  Take();  // its Release may not have written yet: then wait for the write
  return true;
}

}  // namespace ws2emu
