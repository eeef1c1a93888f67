// lib/sync/event.h — a Windows event (WSAEVENT / CreateEvent): an atomic state word, and an
// eventfd that is kept in step with it from the first time anybody asks for it.
//
//   absl::StatusOr<Ref<Event>> e = Event::Create(/*manual_reset=*/true, /*initial=*/false);
//   (*e)->Set();   // signaled
//   (*e)->Reset();
//   int fd = (*e)->fd();  // from now on the fd polls readable exactly while the event is set
//
// The state word (the fsync/esync idea) makes Set on a signaled event and Reset on a reset
// event free of syscalls, and it is also a futex: a wait on this event alone that need not wake
// for APCs (Sleep) sleeps on it, and Set wakes it, with no fd involved. Transitions take no lock.
//
// The fd, armed lazily. An eventfd costs a syscall on every flip (a write to signal it, a read
// to reset it), which a wait on a futex does not need: a ping-pong of two threads through two
// events would pay three syscalls a hop (write, poll, read) against the two of a plain eventfd
// ping-pong (write, blocking read). So the fd is left untouched until it is armed: the first
// call to fd() arms it, for good, and from then on it follows the state exactly. Whoever polls
// the fd gets it through fd() (the multi-object and alertable waits, io_uring and a host's own
// loop), so an fd nobody asked for is one nobody polls. The rule, for everyone: take the fd
// from fd() (not a copy kept from before), and it polls readable when the event is set and not
// readable once it is reset, as described below.
//
// Once armed, the fd is a semaphore (EFD_SEMAPHORE) in step with the state: the thread whose
// transition makes "signaled and armed" true (a Set on an armed event, or the arming of a
// signaled event) adds 1, the thread that flips signaled -> reset on an armed event (Reset, or
// an auto-reset wait) takes 1 away. Those transitions alternate on the one word, so once every
// write or read has landed the counter equals the state (0 or 1). A Reset whose matching write
// has not landed yet (its writer is between its flip and its write) waits for it in poll: the
// counter never stays nonzero after the state went reset, and a Reset that returns has taken
// its unit out of the fd.
//
// What readers of an armed fd see: readable while the state says signaled, except for the
// moment between a flip and its write (the write then wakes them); not readable after a Reset
// has returned unless a later Set happened, or another Reset that raced with it has not yet
// taken its own unit (a spurious wake, which waiters tolerate: they recheck the state with
// TryAcquire). No wake is lost and the fd is never left readable. Nobody but the event may read
// the fd.
//
// Sleepers. A thread in Sleep sets kSleepers in the word (only while it is reset) and futex-
// waits on it; a Set that finds kSleepers clears it and wakes them all (an auto-reset event's
// sleepers then race for the signal in TryAcquire, and the losers sleep again).
//
// Ordering: Set is a release of the state, IsSet/TryAcquire an acquire, so what a thread wrote
// before Set is visible to the thread that sees the event signaled.
//
// Named events (lib/named_objects) run the same algorithm over a word in a MAP_SHARED page and
// a FIFO that every process holding the object opens O_RDWR|O_NONBLOCK, instead of an eventfd:
// a FIFO polls readable while it holds bytes, so one byte is one unit, and the futex is a
// shared one (no FUTEX_PRIVATE_FLAG) so that a Set in one process wakes a sleeper in another.
// kArmed then lives in the shared word: once any process armed the fd, every process's
// transitions keep the FIFO in step. CreateShared takes the word and the FIFO with a
// SharedBacking that owns them (the mapping, the descriptors, the name's lifetime).
#ifndef WS2EMU_LIB_SYNC_EVENT_H_
#define WS2EMU_LIB_SYNC_EVENT_H_

#include <atomic>
#include <cstdint>
#include <memory>

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
  // A named event over `word` (in shared memory, initialised by whoever created the name) and
  // `fifo_fd` (units of one byte), both kept alive by `backing`; null (ENOMEM) without memory.
  static Ref<Event> CreateShared(std::atomic<uint32_t> *word, int fifo_fd, bool manual_reset,
                                 std::unique_ptr<SharedBacking> backing);
  ~Event() override;
  // The initial word of a named event (for the creator of the shared page).
  static uint32_t InitialWord(bool initial_state) { return initial_state ? kSignaled : 0; }

  void Set();
  void Reset();
  bool IsSet() const { return (state_->load(std::memory_order_acquire) & kSignaled) != 0; }
  bool manual_reset() const { return manual_reset_; }
  // True once fd() has been called: the fd then follows the state.
  bool armed() const { return (state_->load(std::memory_order_acquire) & kArmed) != 0; }
  bool shared() const { return backing_ != nullptr; }

  // Arms the fd (see above) and returns it.
  int fd() const override;
  bool TryAcquire() override;
  bool IsSignaled() const override { return IsSet(); }
  void Unacquire() override {
    if (!manual_reset_) Set();
  }
  SleepResult Sleep(int64_t timeout_ms) override;

 private:
  static constexpr uint32_t kSignaled = 1;
  static constexpr uint32_t kArmed = 2;     // the fd follows the state (sticky)
  static constexpr uint32_t kSleepers = 4;  // threads may sleep on the word (only while reset)

  Event(int fd, bool manual_reset, std::atomic<uint32_t> *word,
        std::unique_ptr<SharedBacking> backing);
  void PostFd() const;  // adds the unit of a transition to "signaled and armed"
  void TakeFd();        // takes the unit of a signaled -> reset flip, waiting for it if in flight
  // Flips signaled -> reset; true if this call did (and then took the fd's unit if armed).
  bool FlipToReset();

  const int fd_;
  const bool manual_reset_;
  // mutable: fd() arms it, and fd() is const in Waitable (arming changes no observable state).
  mutable std::atomic<uint32_t> local_state_{0};
  // &local_state_, or a named event's word in shared memory.
  std::atomic<uint32_t> *const state_;
  // Null for an unnamed event (fd_ is then an eventfd this object owns).
  const std::unique_ptr<SharedBacking> backing_;
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_EVENT_H_
