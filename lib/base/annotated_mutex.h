// lib/base/annotated_mutex.h — the project's lock: std::mutex with the thread-safety
// annotations clang checks (-Wthread-safety, an error in every clang build), and its condition
// variable.
//
//   StdMutex mu_;
//   int count_ ABSL_GUARDED_BY(mu_) = 0;
//   void Add() {
//     StdMutexLock lock(&mu_);
//     ++count_;
//   }
//
// Why not absl::Mutex, which the annotations were made for. Two reasons, both about the abseil
// the project builds against (Debian's shared libraries):
//  - It is built without ThreadSanitizer, so TSan cannot see absl::Mutex's synchronisation (its
//    lock and unlock are uninstrumented code in libabsl_synchronization.so) and reports a data
//    race on everything it guards; std::mutex is pthread_mutex, which TSan intercepts. CI runs
//    the unit and stress suites under TSan, so its reports must be real.
//  - It is a debug build with the deadlock detector on: every absl::Mutex::Lock records the lock
//    in a process-wide graph under one global spinlock. Measured here, Lock+Unlock uncontended:
//    absl 57 ns, std::mutex 12 ns; two threads each on its own mutex: absl 144 ns, std::mutex
//    24 ns (the global spinlock serialises them).
// So every lock in lib/ and emu/ is a StdMutex. Like std::mutex it is not recursive, and it is
// constexpr-constructible, so a global one is constant-initialised (ABSL_CONST_INIT StdMutex g_mu;).
//
// Memory ordering and lifetime are std::mutex's: Unlock releases what the holder wrote and Lock
// acquires it; a StdMutex may be destroyed once no thread holds or waits for it.
#ifndef WS2EMU_LIB_BASE_ANNOTATED_MUTEX_H_
#define WS2EMU_LIB_BASE_ANNOTATED_MUTEX_H_

#include <condition_variable>
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
  friend class StdCondVar;
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

// A condition variable for a StdMutex (std::condition_variable underneath). Wait releases the
// lock while it sleeps and holds it again when it returns; as with any condition variable, a
// wake may be spurious, so wait in a loop on the condition:
//   StdMutexLock lock(&mu_);
//   while (!ready_) changed_.Wait(&mu_);
class StdCondVar {
 public:
  StdCondVar() = default;
  StdCondVar(const StdCondVar &) = delete;
  StdCondVar &operator=(const StdCondVar &) = delete;

  void Wait(StdMutex *mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held: the caller's scope unlocks it
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_ANNOTATED_MUTEX_H_
