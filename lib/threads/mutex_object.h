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
#include <mutex>

#include "absl/status/statusor.h"
#include "sync/waitable.h"

namespace ws2emu {

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
  explicit MutexObject(int fd);
  void Post();   // the mutex became free: make the fd readable (mu_ held)
  void Drain();  // the mutex was taken: make it unreadable (mu_ held)

  const int fd_;
  mutable std::mutex mu_;
  uint32_t owner_ = 0;       // guarded by mu_: Linux thread id, 0 when free
  uint32_t recursion_ = 0;   // guarded by mu_
  bool abandoned_ = false;   // guarded by mu_
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_THREADS_MUTEX_OBJECT_H_
