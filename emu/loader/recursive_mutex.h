// emu/loader/recursive_mutex.h — the loader lock: a recursive mutex the thread-safety analysis
// can check (StdMutex is not recursive, and libstdc++'s std::recursive_mutex carries no
// annotations).
//
//   RecursiveMutex mu_;
//   std::vector<Module *> modules_ ABSL_GUARDED_BY(mu_);
//   void F() { RecursiveMutexLock lock(&mu_); modules_.clear(); }
//
// Windows' loader lock is recursive because DllMain may call LoadLibrary, GetModuleHandle or
// FreeLibrary on the thread that holds it; so is this one. The analysis sees each holder as
// one acquisition: a function annotated ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) may call one that
// takes the lock again (unannotated), which is what recursion permits.
#ifndef WS2EMU_EMU_LOADER_RECURSIVE_MUTEX_H_
#define WS2EMU_EMU_LOADER_RECURSIVE_MUTEX_H_

#include <mutex>

#include "base/annotated_mutex.h"
#include "absl/base/thread_annotations.h"

namespace ws2emu::emu {

class ABSL_LOCKABLE RecursiveMutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  std::recursive_mutex mu_;
};

class ABSL_SCOPED_LOCKABLE RecursiveMutexLock {
 public:
  explicit RecursiveMutexLock(RecursiveMutex *mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  ~RecursiveMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  RecursiveMutexLock(const RecursiveMutexLock &) = delete;
  RecursiveMutexLock &operator=(const RecursiveMutexLock &) = delete;

 private:
  RecursiveMutex *const mu_;
};

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_LOADER_RECURSIVE_MUTEX_H_
