#include "threads/mutex_object.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <new>

#include "absl/status/status.h"
#include "sync/resource_status.h"
#include "threads/thread.h"

namespace ws2emu {

absl::StatusOr<Ref<MutexObject>> MutexObject::Create(bool initial_owner) {
  // An owned mutex needs its owner's thread object (ownership is abandoned through it): get it
  // first, so that a failure creates nothing.
  if (initial_owner) {
    int err = 0;
    if (Thread::Current(&err) == nullptr) return ResourceStatus("the owner's thread object", err);
  }
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) return ResourceStatus("eventfd", errno);
  auto *raw = new (std::nothrow) MutexObject(fd);
  if (raw == nullptr) {
    close(fd);
    return ResourceStatus("mutex", ENOMEM);
  }
  auto m = Ref<MutexObject>::Adopt(raw);
  {
    StdMutexLock lock(&m->mu_);
    m->Post();
  }
  if (initial_owner) m->TryAcquire();
  return m;
}

MutexObject::MutexObject(int fd) : Waitable(kType), fd_(fd) {}

MutexObject::~MutexObject() { close(fd_); }

void MutexObject::Post() {
  uint64_t one = 1;
  while (write(fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

void MutexObject::Drain() {
  uint64_t value;
  while (read(fd_, &value, sizeof(value)) < 0 && errno == EINTR) {
  }
}

uint32_t MutexObject::owner() const {
  StdMutexLock lock(&mu_);
  return owner_;
}

bool MutexObject::IsSignaled() const {
  StdMutexLock lock(&mu_);
  if (owner_ == 0) return true;
  // A thread without an object owns nothing (taking a mutex creates the object first).
  const Thread *self = Thread::CurrentIfAny();
  return self != nullptr && owner_ == self->id();
}

bool MutexObject::TryAcquire() {
  // Waits call this with the thread object created; Create(initial_owner) has created it too.
  Thread *self = Thread::Current();
  if (self == nullptr) return false;
  StdMutexLock lock(&mu_);
  if (owner_ == self->id()) {
    ++recursion_;
    return true;
  }
  if (owner_ != 0) return false;
  owner_ = self->id();
  recursion_ = 1;
  Drain();
  self->OwnMutex(this);
  return true;
}

bool MutexObject::ReleaseOwnership() {
  Thread *self = Thread::CurrentIfAny();
  if (self == nullptr) return false;  // a thread without an object owns no mutex
  StdMutexLock lock(&mu_);
  if (owner_ != self->id()) return false;
  if (--recursion_ == 0) {
    owner_ = 0;
    abandoned_ = false;
    Post();
    self->DisownMutex(this);
  }
  return true;
}

bool MutexObject::TakeAbandoned() {
  StdMutexLock lock(&mu_);
  bool was = abandoned_;
  abandoned_ = false;
  return was;
}

void MutexObject::Abandon(uint32_t tid) {
  StdMutexLock lock(&mu_);
  if (owner_ != tid) return;
  owner_ = 0;
  recursion_ = 0;
  abandoned_ = true;
  Post();
}

}  // namespace ws2emu
