// lib/sync/event.h — a Windows event (WSAEVENT / CreateEvent) backed by one eventfd.
//
//   absl::StatusOr<Ref<Event>> e = Event::Create(/*manual_reset=*/true, /*initial=*/false);
//   (*e)->Set();   // signaled: the eventfd polls readable
//   (*e)->Reset();
//
// An atomic state word in front of the fd makes Set on a signaled event and Reset on a reset
// event free of syscalls (the fsync/esync idea). Transitions take a small mutex so that the
// eventfd's counter is nonzero exactly while the state says signaled: readers of the fd (poll,
// io_uring, a host's loop) never see a stale readable fd after a Reset has returned.
#ifndef WS2EMU_LIB_SYNC_EVENT_H_
#define WS2EMU_LIB_SYNC_EVENT_H_

#include <atomic>
#include <mutex>

#include "absl/status/statusor.h"
#include "sync/waitable.h"

namespace ws2emu {

class Event final : public Waitable {
 public:
  static constexpr ObjectType kType = ObjectType::kEvent;

  // Fails (RESOURCE_EXHAUSTED) when no eventfd can be created (RLIMIT_NOFILE, ENOMEM).
  static absl::StatusOr<Ref<Event>> Create(bool manual_reset, bool initial_state);
  ~Event() override;

  void Set();
  void Reset();
  bool IsSet() const { return signaled_.load(std::memory_order_acquire); }
  bool manual_reset() const { return manual_reset_; }

  int fd() const override { return fd_; }
  bool TryAcquire() override;
  bool IsSignaled() const override { return IsSet(); }
  void Unacquire() override {
    if (!manual_reset_) Set();
  }

 private:
  Event(int fd, bool manual_reset);
  void WriteFd();
  void DrainFd();

  const int fd_;
  const bool manual_reset_;
  std::atomic<bool> signaled_{false};
  std::mutex mu_;  // orders state changes with the eventfd writes and reads
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_EVENT_H_
