// lib/sync/event.h — a Windows event (WSAEVENT / CreateEvent) backed by one eventfd.
//
//   absl::StatusOr<Ref<Event>> e = Event::Create(/*manual_reset=*/true, /*initial=*/false);
//   (*e)->Set();   // signaled: the eventfd polls readable
//   (*e)->Reset();
//
// An atomic state word in front of the fd makes Set on a signaled event and Reset on a reset
// event free of syscalls (the fsync/esync idea). Transitions take no lock: the thread that flips
// the state pays the fd for it. The eventfd is a semaphore (EFD_SEMAPHORE): a Set that flips
// reset -> signaled adds 1, a Reset (or an auto-reset wait) that flips signaled -> reset takes 1
// away. The flips alternate, so once every flip's write or read has landed the counter equals
// the state (0 or 1). A Reset whose matching write has not landed yet (the Set that flipped is
// between its flip and its write) waits for it in poll: the counter never stays nonzero after
// the state went reset, and a Reset that returns has taken its unit out of the fd.
//
// What readers of the fd (poll, io_uring, a host's loop that polls it) see: readable while the
// state says signaled, except for the moment between a Set's flip and its write (the write then
// wakes them); not readable after a Reset has returned unless a later Set happened, or another
// Reset that raced with it has not yet taken its own unit (a spurious wake, which waiters
// tolerate: they recheck the state with TryAcquire). No wake is lost and the fd is never left
// readable: every flip's write or read lands. Nobody but the event may read the fd.
//
// Ordering: Set is a release of the state, IsSet/TryAcquire an acquire, so what a thread wrote
// before Set is visible to the thread that sees the event signaled.
#ifndef WS2EMU_LIB_SYNC_EVENT_H_
#define WS2EMU_LIB_SYNC_EVENT_H_

#include <atomic>

#include "absl/status/statusor.h"
#include "sync/waitable.h"

namespace ws2emu {

class Event final : public Waitable {
 public:
  static constexpr ObjectType kType = ObjectType::kEvent;

  // Fails (RESOURCE_EXHAUSTED) when no eventfd can be created (RLIMIT_NOFILE, ENOMEM).
  static absl::StatusOr<Ref<Event>> Create(bool manual_reset, bool initial_state);
  // The same for callers that map the reason to a Windows error themselves: null when the
  // event cannot be created, and then *error is the errno (EMFILE or ENFILE: no descriptor;
  // ENOMEM: no memory, for the eventfd or the object). Never throws.
  static Ref<Event> TryCreate(bool manual_reset, bool initial_state, int *error);
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
  void PostFd();  // adds the unit of a reset -> signaled flip
  void TakeFd();  // takes the unit of a signaled -> reset flip, waiting for it if in flight

  const int fd_;
  const bool manual_reset_;
  std::atomic<bool> signaled_{false};
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_EVENT_H_
