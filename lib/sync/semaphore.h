// lib/sync/semaphore.h — a Windows semaphore (CreateSemaphore / ReleaseSemaphore).
//
//   Ref<Semaphore> s = *Semaphore::Create(/*initial=*/0, /*maximum=*/10);
//   LONG previous;
//   s->ReleaseCount(3, &previous);   // false if it would exceed the maximum
//
// The count lives in an atomic word; an EFD_SEMAPHORE eventfd mirrors it, as lib/sync/event.h
// does for an event's state: Release adds n after raising the count, a wait that takes one
// (TryAcquire, a CAS on the count) reads one unit, waiting in poll for a Release's write that
// has not landed yet. So the fd is readable while the count is positive (up to a Release in
// flight), no wake is lost, and nothing else may read the fd.
//
// A named semaphore (CreateShared) keeps the count in shared memory and mirrors it in a FIFO
// (one byte a unit, sync/eventfd_unit.h), as a named event does (sync/event.h).
#ifndef WS2EMU_LIB_SYNC_SEMAPHORE_H_
#define WS2EMU_LIB_SYNC_SEMAPHORE_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "sync/waitable.h"

namespace ws2emu {

class Semaphore final : public Waitable {
 public:
  static constexpr ObjectType kType = ObjectType::kSemaphore;

  // InvalidArgument unless 0 <= initial <= maximum and maximum > 0; ResourceExhausted without
  // an eventfd.
  static absl::StatusOr<Ref<Semaphore>> Create(int32_t initial, int32_t maximum);
  // A named semaphore over `count` (shared memory, initialised by the name's creator) and
  // `fifo_fd`, both kept alive by `backing`; null without memory.
  static Ref<Semaphore> CreateShared(std::atomic<int32_t> *count, int32_t maximum, int fifo_fd,
                                     std::unique_ptr<SharedBacking> backing);
  ~Semaphore() override;

  // Adds `count` (> 0); false, changing nothing, if the result would exceed the maximum.
  bool ReleaseCount(int32_t count, int32_t *previous);
  int32_t count() const { return count_->load(std::memory_order_acquire); }

  int fd() const override { return fd_; }
  bool IsSignaled() const override { return count() > 0; }
  bool TryAcquire() override;
  void Unacquire() override { ReleaseCount(1, nullptr); }

 private:
  Semaphore(int fd, int32_t maximum, std::atomic<int32_t> *count,
            std::unique_ptr<SharedBacking> backing);
  void Post(int32_t units);
  void Take();

  const int fd_;
  const int32_t maximum_;
  std::atomic<int32_t> local_count_{0};
  std::atomic<int32_t> *const count_;  // &local_count_, or a named semaphore's shared word
  const std::unique_ptr<SharedBacking> backing_;
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_SEMAPHORE_H_
