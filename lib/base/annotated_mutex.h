// lib/base/annotated_mutex.h — std::mutex with the thread-safety annotations clang checks, for
// the few locks that cannot be an absl::Mutex.
//
//   StdMutex mu_;
//   int count_ ABSL_GUARDED_BY(mu_) = 0;
//   void Add() {
//     StdMutexLock lock(&mu_);
//     ++count_;
//   }
//
// Use absl::Mutex first (STYLE.md, "Locks the compiler checks"): in a debug build of abseil its
// deadlock detector also catches lock-order cycles at run time. This is for the locks of hot
// paths. The abseil the project builds against (Debian's) has that detector on: every
// absl::Mutex::Lock records the lock in a process-wide graph under one global spinlock.
// Measured here, Lock+Unlock uncontended: absl 57 ns, std::mutex 12 ns; two threads each on
// its own mutex: absl 144 ns, std::mutex 24 ns (the global spinlock serialises them); with the
// detector off the two are equal. So the APC queue, the wait paths, the message queues and the
// heaps use StdMutex. Like std::mutex it is not recursive, and it is constexpr-constructible,
// so a global one is constant-initialised (ABSL_CONST_INIT StdMutex g_mu;).
//
// Memory ordering and lifetime are std::mutex's: Unlock releases what the holder wrote and Lock
// acquires it; a StdMutex may be destroyed once no thread holds or waits for it.
#ifndef WS2EMU_LIB_BASE_ANNOTATED_MUTEX_H_
#define WS2EMU_LIB_BASE_ANNOTATED_MUTEX_H_

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace ws2emu {

class ABSL_LOCKABLE StdMutex {
 public:
  constexpr StdMutex() = default;
  StdMutex(const StdMutex &) = delete;
  StdMutex &operator=(const StdMutex &) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  // True if the lock was taken.
  bool TryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) { return mu_.try_lock(); }
  // Tells the analysis the lock is held where it cannot see it (checks nothing at run time).
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {}

 private:
  std::mutex mu_;
};

// Holds a StdMutex for its scope, like absl::MutexLock.
class ABSL_SCOPED_LOCKABLE StdMutexLock {
 public:
  explicit StdMutexLock(StdMutex *mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~StdMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  StdMutexLock(const StdMutexLock &) = delete;
  StdMutexLock &operator=(const StdMutexLock &) = delete;

 private:
  StdMutex *const mu_;
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_ANNOTATED_MUTEX_H_
