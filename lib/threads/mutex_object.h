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
//
// Named mutexes (lib/named_objects) keep the owner in a SharedMutexState in shared memory,
// ordered by a robust process-shared pthread mutex there (a process killed while holding it
// leaves EOWNERDEAD, which the next locker repairs), and mirror "free" in a FIFO holding one
// byte (sync/eventfd_unit.h). The owner is (pid, tid, the process's start time from
// /proc/<pid>/stat, which guards against pid reuse). A waiter that finds the owner's process
// gone (exited, a zombie, or its pid reused) takes the mutex as abandoned: WAIT_ABANDONED, as
// for a thread of this process that exits owning it. So that a waiter blocked in poll wakes
// when the owner is killed, fd() is an epoll fd holding the FIFO and a pidfd of the current
// owner's process (re-pointed at each fd() call, which every wait makes before it blocks); a
// pidfd polls readable once its process has exited. Without epoll or pidfd_open the FIFO is
// returned alone: the wait then sees a killed owner only at its next wake or timeout.
#ifndef WS2EMU_LIB_THREADS_MUTEX_OBJECT_H_
#define WS2EMU_LIB_THREADS_MUTEX_OBJECT_H_

#include <pthread.h>

#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "base/annotated_mutex.h"
#include "sync/waitable.h"

namespace ws2emu {

class Thread;

// A named mutex's state in the shared page (named_objects/named_object.h lays it out; Init
// initialises it for the name's creator).
struct SharedMutexState {
  pthread_mutex_t lock;  // robust, process-shared
  uint32_t owner_pid;    // 0 when free
  uint32_t owner_tid;
  uint64_t owner_start;  // the owner process's start time (/proc/<pid>/stat field 22)
  uint32_t recursion;
  uint32_t abandoned;
};

class MutexObject final : public Waitable {
 public:
  static constexpr ObjectType kType = ObjectType::kMutex;

  // Fails (RESOURCE_EXHAUSTED) without a descriptor or memory for it, or, with initial_owner,
  // for the calling thread's object; nothing is created then.
  static absl::StatusOr<Ref<MutexObject>> Create(bool initial_owner);
  // Initialises a new named mutex's shared state (free) and puts its unit in `fifo_fd`; false
  // (errno-style code in *error) if the pthread mutex cannot be initialised.
  static bool InitShared(SharedMutexState *state, int fifo_fd, int *error);
  // A named mutex over `state` and `fifo_fd`, kept alive by `backing`; null without memory.
  // `shared_id` names the shared state (the same for every open of the name in this process).
  static Ref<MutexObject> CreateShared(SharedMutexState *state, uint64_t shared_id, int fifo_fd,
                                       std::unique_ptr<SharedBacking> backing);
  ~MutexObject() override;

  // ReleaseMutex: false unless the calling thread owns it (a thread without a thread object
  // owns none). (Not Object::Release, the refcount.)
  bool ReleaseOwnership();
  uint32_t owner() const;

  int fd() const override { return shared_ != nullptr ? SharedFd() : fd_; }
  bool IsSignaled() const override;
  bool TryAcquire() override;
  void Unacquire() override { ReleaseOwnership(); }
  bool TakeAbandoned() override;
  void Abandon(uint32_t tid) override;

 private:
  friend class Thread;  // links the mutex into its owner's list (owned_prev_, owned_next_)

  MutexObject(int fd, SharedMutexState *shared, std::unique_ptr<SharedBacking> backing);
  // The named-mutex forms of the calls (shared_ set).
  bool SharedIsSignaled() const;
  bool SharedTryAcquire();
  bool SharedRelease();
  bool SharedTakeAbandoned();
  void SharedAbandon(uint32_t tid);
  int SharedFd() const;
  void LockShared() const;
  void UnlockShared() const;
  bool OwnerGone() const;  // shared_ locked: the owner is another process that no longer runs
  void Post() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);   // the mutex became free: make the fd readable
  void Drain() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);  // the mutex was taken: make it unreadable

  const int fd_;
  SharedMutexState *const shared_ = nullptr;  // a named mutex's state, or null
  uint64_t shared_id_ = 0;                     // see CreateShared
  const std::unique_ptr<SharedBacking> backing_;
  mutable StdMutex mu_;  // taken by every wait on the mutex: see base/annotated_mutex.h
  uint32_t owner_ ABSL_GUARDED_BY(mu_) = 0;  // Linux thread id, 0 when free
  uint32_t recursion_ ABSL_GUARDED_BY(mu_) = 0;
  bool abandoned_ ABSL_GUARDED_BY(mu_) = false;
  // A named mutex's fd(): the epoll set (FIFO + the owner's pidfd), the pid it watches, and an
  // eventfd made readable when that owner was already gone when fd() looked.
  mutable int epoll_fd_ ABSL_GUARDED_BY(mu_) = -1;
  mutable int pidfd_ ABSL_GUARDED_BY(mu_) = -1;
  mutable uint32_t watched_pid_ ABSL_GUARDED_BY(mu_) = 0;
  mutable int gone_fd_ ABSL_GUARDED_BY(mu_) = -1;
  // The owner thread's list of the mutexes it owns (Thread::OwnMutex), linked through the
  // mutexes themselves so that taking a mutex allocates nothing (it cannot fail for want of
  // memory). Only the owner thread reads or writes them, under its Thread::owned_mu_; the
  // analysis cannot name another object's lock, so this is said here.
  MutexObject *owned_prev_ = nullptr;
  MutexObject *owned_next_ = nullptr;
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_THREADS_MUTEX_OBJECT_H_
