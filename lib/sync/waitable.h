// lib/sync/waitable.h — objects a thread can wait on (events, threads, semaphores, ...).
//
// Every waitable object has a file descriptor that polls readable while the object may be
// signaled, so a wait on up to 64 objects is one poll (or one io_uring submission), and a host
// can put the same fd in its own loop. The fd is a hint: after a wake the waiter calls
// TryAcquire(), which reads the object's atomic state and, for objects a wait consumes
// (auto-reset events), takes the signal.
#ifndef WS2EMU_LIB_SYNC_WAITABLE_H_
#define WS2EMU_LIB_SYNC_WAITABLE_H_

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
};

// True for the object types a wait accepts.
inline bool IsWaitableType(ObjectType t) {
  return t == ObjectType::kEvent || t == ObjectType::kThread || t == ObjectType::kSemaphore ||
         t == ObjectType::kMutex || t == ObjectType::kProcess;
}

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_WAITABLE_H_
