// lib/sync/process_object.h — the current process as a kernel object: what GetCurrentProcess()
// names and what DuplicateHandle turns into a real handle.
//
//   Ref<ProcessObject> self = ProcessObject::Current();   // null only without an eventfd
//
// There is one process (the runtime does not open other processes). It is waitable, as on
// Windows, and signaled only when the process has ended — so a wait on it from inside the
// process ends only by its timeout (or an APC, when alertable). Its fd is an eventfd nobody
// writes.
#ifndef WS2EMU_LIB_SYNC_PROCESS_OBJECT_H_
#define WS2EMU_LIB_SYNC_PROCESS_OBJECT_H_

#include "sync/waitable.h"

namespace ws2emu {

class ProcessObject final : public Waitable {
 public:
  static constexpr ObjectType kType = ObjectType::kProcess;

  // The one process object, created on first use and kept for the life of the process. Null
  // if it cannot be created now (*error, if not null, the errno: EMFILE, ENFILE or ENOMEM); a
  // failure is not remembered, the next call tries again.
  static Ref<ProcessObject> Current(int *error = nullptr);
  ~ProcessObject() override;

  int fd() const override { return fd_; }
  bool IsSignaled() const override { return false; }
  bool TryAcquire() override { return false; }

 private:
  explicit ProcessObject(int fd) : Waitable(kType), fd_(fd) {}
  const int fd_;
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_PROCESS_OBJECT_H_
