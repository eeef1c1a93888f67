// lib/handles/lockable_mutex.h — a std::mutex annotated as a capability, for the handle table's
// free list and the arrays components keep parallel to it (sockets/).
//
// Why not absl::Mutex: the system's abseil is not built with ThreadSanitizer, so TSan sees no
// ordering through an absl::Mutex and reports the data it guards as races (the CI runs the
// unit and stress suites under TSan); std::mutex is intercepted. The annotations let clang's
// -Wthread-safety check ABSL_GUARDED_BY and ABSL_EXCLUSIVE_LOCKS_REQUIRED as for absl::Mutex.
// Constant-initialisable, so the process-wide table and its arrays stay constinit.
#ifndef WS2EMU_LIB_HANDLES_LOCKABLE_MUTEX_H_
#define WS2EMU_LIB_HANDLES_LOCKABLE_MUTEX_H_

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace ws2emu {

class ABSL_LOCKABLE LockableMutex {
 public:
  constexpr LockableMutex() = default;
  LockableMutex(const LockableMutex &) = delete;
  LockableMutex &operator=(const LockableMutex &) = delete;
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

class ABSL_SCOPED_LOCKABLE LockableMutexLock {
 public:
  explicit LockableMutexLock(LockableMutex *mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  ~LockableMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  LockableMutexLock(const LockableMutexLock &) = delete;
  LockableMutexLock &operator=(const LockableMutexLock &) = delete;

 private:
  LockableMutex *const mu_;
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_HANDLES_LOCKABLE_MUTEX_H_
