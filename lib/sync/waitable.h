// lib/sync/waitable.h — objects a thread can wait on (events, threads, semaphores, ...).
//
// Every waitable object has a file descriptor that polls readable while the object may be
// signaled, so a wait on up to 64 objects is one poll (or one io_uring submission), and a host
// can put the same fd in its own loop. The fd is a hint: after a wake the waiter calls
// TryAcquire(), which reads the object's atomic state and, for objects a wait consumes
// (auto-reset events), takes the signal.
//
// A wait on one object that need not wake for APCs (count 1, not alertable: the common
// WaitForSingleObject and the plain completion-port wait) may sleep without the fd, through
// Sleep(), when the object offers it: an event sleeps on a futex over its state word, which
// spares the fd's syscalls (sync/event.h says when the fd is kept exact).
#ifndef WS2EMU_LIB_SYNC_WAITABLE_H_
#define WS2EMU_LIB_SYNC_WAITABLE_H_

#include <cstdint>

#include "handles/handle_table.h"

namespace ws2emu {

class Waitable : public Object {
 public:
  using Object::Object;
  // The fd that is readable while the object is signaled.
  virtual int fd() const = 0;
  // True if the object is signaled now, without consuming anything.
  virtual bool IsSignaled() const = 0;
  // True if the object is signaled now. Consumes the signal where a wait does (auto-reset).
  virtual bool TryAcquire() = 0;
  // Gives back a signal TryAcquire took (a wait-all that could not take every object).
  virtual void Unacquire() {}
  // After a successful TryAcquire: true (once) if the object was a mutex whose owner thread
  // exited without releasing it, so that the wait returns WAIT_ABANDONED.
  virtual bool TakeAbandoned() { return false; }
  // The thread `tid` exited: a mutex it owns becomes free and abandoned.
  virtual void Abandon(uint32_t /*tid*/) {}

  // Blocks the calling thread without the fd until the object may have become signaled, or
  // timeout_ms passes (-1: never). kUnsupported (at once, nothing done) for objects without
  // such a sleep: the caller polls fd() instead. Spurious kWoken returns happen; the caller
  // rechecks with TryAcquire. Never wakes for APCs: only for non-alertable waits.
  enum class SleepResult { kUnsupported, kWoken, kTimeout };
  virtual SleepResult Sleep(int64_t /*timeout_ms*/) { return SleepResult::kUnsupported; }
};

// What keeps a named object's shared state alive (lib/named_objects: the mapped page, the FIFO,
// the name's lifetime lock): owned by the object, destroyed with it.
class SharedBacking {
 public:
  virtual ~SharedBacking() = default;
};

// True for the object types a wait accepts.
inline bool IsWaitableType(ObjectType t) {
  return t == ObjectType::kEvent || t == ObjectType::kThread || t == ObjectType::kSemaphore ||
         t == ObjectType::kMutex || t == ObjectType::kProcess;
}

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_WAITABLE_H_
