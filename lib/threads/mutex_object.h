// lib/threads/mutex_object.h — a Windows mutex (CreateMutex / ReleaseMutex), the kernel object,
// not a std::mutex.
//
//   Ref<MutexObject> m = *MutexObject::Create(/*initial_owner=*/false);
//   // taken by a wait (WaitForSingleObject returns WAIT_OBJECT_0), recursively by its owner
//   m->ReleaseOwnership();   // false unless the calling thread owns it
//
// Ownership is per thread and recursive. When the owner thread exits without releasing it, the
// mutex becomes free and abandoned: the next wait that takes it returns WAIT_ABANDONED (the
// thread object calls Abandon from its exit path). The eventfd is readable exactly while the
// mutex is free; an internal lock orders the owner changes with the fd (not a hot path).
#ifndef WS2EMU_LIB_THREADS_MUTEX_OBJECT_H_
#define WS2EMU_LIB_THREADS_MUTEX_OBJECT_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "base/annotated_mutex.h"
#include "sync/waitable.h"

namespace ws2emu {

class Thread;

class MutexObject final : public Waitable {
 public:
  static constexpr ObjectType kType = ObjectType::kMutex;

  // Fails (RESOURCE_EXHAUSTED) without a descriptor or memory for it, or, with initial_owner,
  // for the calling thread's object; nothing is created then.
  static absl::StatusOr<Ref<MutexObject>> Create(bool initial_owner);
  ~MutexObject() override;

  // ReleaseMutex: false unless the calling thread owns it (a thread without a thread object
  // owns none). (Not Object::Release, the refcount.)
  bool ReleaseOwnership();
  uint32_t owner() const;

  int fd() const override { return fd_; }
  bool IsSignaled() const override;
  bool TryAcquire() override;
  void Unacquire() override { ReleaseOwnership(); }
  bool TakeAbandoned() override;
  void Abandon(uint32_t tid) override;

 private:
  friend class Thread;  // links the mutex into its owner's list (owned_prev_, owned_next_)

  explicit MutexObject(int fd);
  void Post() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);   // the mutex became free: make the fd readable
  void Drain() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);  // the mutex was taken: make it unreadable

  const int fd_;
  mutable StdMutex mu_;  // taken by every wait on the mutex: see base/annotated_mutex.h
  uint32_t owner_ ABSL_GUARDED_BY(mu_) = 0;  // Linux thread id, 0 when free
  uint32_t recursion_ ABSL_GUARDED_BY(mu_) = 0;
  bool abandoned_ ABSL_GUARDED_BY(mu_) = false;
  // The owner thread's list of the mutexes it owns (Thread::OwnMutex), linked through the
  // mutexes themselves so that taking a mutex allocates nothing (it cannot fail for want of
  // memory). Only the owner thread reads or writes them, under its Thread::owned_mu_; the
  // analysis cannot name another object's lock, so this is said here.
  MutexObject *owned_prev_ = nullptr;
  MutexObject *owned_next_ = nullptr;
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_THREADS_MUTEX_OBJECT_H_
