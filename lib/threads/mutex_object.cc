#include "threads/mutex_object.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <utility>

#include "absl/status/status.h"
#include "sync/eventfd_unit.h"
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
  auto *raw = new (std::nothrow) MutexObject(fd, nullptr, nullptr);
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

MutexObject::MutexObject(int fd, SharedMutexState *shared, std::unique_ptr<SharedBacking> backing)
    : Waitable(kType), fd_(fd), shared_(shared), backing_(std::move(backing)) {}

MutexObject::~MutexObject() {
  if (shared_ == nullptr) {
    close(fd_);
    return;
  }
  // The named mutex's FIFO belongs to its backing; the epoll set and pid watch are this object's.
  StdMutexLock lock(&mu_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (pidfd_ >= 0) close(pidfd_);
  if (gone_fd_ >= 0) close(gone_fd_);
}

void MutexObject::Post() {
  if (shared_ != nullptr) {
    PostFifoUnits(fd_, 1);
    return;
  }
  uint64_t one = 1;
  while (write(fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

void MutexObject::Drain() {
  if (shared_ != nullptr) {
    char unit;
    while (read(fd_, &unit, 1) < 0 && errno == EINTR) {
    }
    return;
  }
  uint64_t value;
  while (read(fd_, &value, sizeof(value)) < 0 && errno == EINTR) {
  }
}

uint32_t MutexObject::owner() const {
  if (shared_ != nullptr) {
    LockShared();
    const uint32_t tid = shared_->owner_pid == 0 ? 0 : shared_->owner_tid;
    UnlockShared();
    return tid;
  }
  StdMutexLock lock(&mu_);
  return owner_;
}

bool MutexObject::IsSignaled() const {
  if (shared_ != nullptr) return SharedIsSignaled();
  StdMutexLock lock(&mu_);
  if (owner_ == 0) return true;
  // A thread without an object owns nothing (taking a mutex creates the object first).
  const Thread *self = Thread::CurrentIfAny();
  return self != nullptr && owner_ == self->id();
}

bool MutexObject::TryAcquire() {
  if (shared_ != nullptr) return SharedTryAcquire();
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
  if (shared_ != nullptr) return SharedRelease();
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
  if (shared_ != nullptr) return SharedTakeAbandoned();
  StdMutexLock lock(&mu_);
  bool was = abandoned_;
  abandoned_ = false;
  return was;
}

void MutexObject::Abandon(uint32_t tid) {
  if (shared_ != nullptr) return SharedAbandon(tid);
  StdMutexLock lock(&mu_);
  if (owner_ != tid) return;
  owner_ = 0;
  recursion_ = 0;
  abandoned_ = true;
  Post();
}

// ---- Named mutexes ------------------------------------------------------------------------

namespace {

uint32_t SelfPid() { return static_cast<uint32_t>(getpid()); }

// The state letter and start time of process `pid` from /proc/<pid>/stat; false if it has none
// (gone and reaped).
bool ReadProcStat(uint32_t pid, char *state, uint64_t *start) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%u/stat", pid);
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[1024];
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = 0;
  // The command name (field 2) is in parentheses and may hold anything: parse after the last ')'.
  const char *p = strrchr(buf, ')');
  if (p == nullptr) return false;
  ++p;
  // Fields 3 (state) ... 22 (starttime).
  int field = 2;
  *state = 0;
  *start = 0;
  while (*p != 0 && field < 22) {
    while (*p == ' ') ++p;
    ++field;
    if (field == 3) *state = *p;
    if (field == 22) {
      *start = strtoull(p, nullptr, 10);
      return true;
    }
    while (*p != 0 && *p != ' ') ++p;
  }
  return false;
}

uint64_t SelfStartTime() {
  static const uint64_t start = [] {
    char state;
    uint64_t t = 0;
    ReadProcStat(SelfPid(), &state, &t);
    return t;
  }();
  return start;
}

}  // namespace

bool MutexObject::InitShared(SharedMutexState *state, int fifo_fd, int *error) {
  pthread_mutexattr_t attr;
  int r = pthread_mutexattr_init(&attr);
  if (r == 0) r = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  if (r == 0) r = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  if (r == 0) r = pthread_mutex_init(&state->lock, &attr);
  pthread_mutexattr_destroy(&attr);
  if (r != 0) {
    *error = r;
    return false;
  }
  state->owner_pid = 0;
  state->owner_tid = 0;
  state->owner_start = 0;
  state->recursion = 0;
  state->abandoned = 0;
  PostFifoUnits(fifo_fd, 1);  // free
  return true;
}

Ref<MutexObject> MutexObject::CreateShared(SharedMutexState *state, uint64_t shared_id,
                                           int fifo_fd, std::unique_ptr<SharedBacking> backing) {
  auto *raw = new (std::nothrow) MutexObject(fifo_fd, state, std::move(backing));
  if (raw != nullptr) raw->shared_id_ = shared_id;
  return Ref<MutexObject>::Adopt(raw);
}

void MutexObject::LockShared() const {
  // A process killed while holding the lock (a few instructions) leaves EOWNERDEAD: the state it
  // guards is a handful of words written in an order that is consistent at every step that
  // matters (owner_pid last when taking, first when freeing), so mark it consistent and go on.
  if (pthread_mutex_lock(&shared_->lock) == EOWNERDEAD) pthread_mutex_consistent(&shared_->lock);
}

void MutexObject::UnlockShared() const { pthread_mutex_unlock(&shared_->lock); }

bool MutexObject::OwnerGone() const {
  const uint32_t pid = shared_->owner_pid;
  if (pid == 0 || pid == SelfPid()) return false;
  char state;
  uint64_t start;
  if (!ReadProcStat(pid, &state, &start)) return true;
  return state == 'Z' || state == 'X' || start != shared_->owner_start;
}

bool MutexObject::SharedIsSignaled() const {
  const Thread *self = Thread::CurrentIfAny();
  LockShared();
  const bool free = shared_->owner_pid == 0 ||
                    (self != nullptr && shared_->owner_pid == SelfPid() &&
                     shared_->owner_tid == self->id()) ||
                    OwnerGone();
  UnlockShared();
  return free;
}

bool MutexObject::SharedTryAcquire() {
  Thread *self = Thread::Current();
  if (self == nullptr) return false;
  const uint32_t pid = SelfPid();
  StdMutexLock lock(&mu_);  // orders Post/Drain with the local fd bookkeeping
  LockShared();
  if (shared_->owner_pid == pid && shared_->owner_tid == self->id()) {
    ++shared_->recursion;
    UnlockShared();
    return true;
  }
  bool was_free = shared_->owner_pid == 0;
  if (!was_free) {
    if (!OwnerGone()) {
      UnlockShared();
      return false;
    }
    // The owner's process has gone without releasing it: abandoned. Its FIFO holds no unit (it
    // was owned), so there is nothing to drain.
    shared_->abandoned = 1;
  }
  shared_->owner_tid = self->id();
  shared_->owner_start = SelfStartTime();
  shared_->recursion = 1;
  shared_->owner_pid = pid;
  if (was_free) Drain();
  UnlockShared();
  self->OwnMutex(this);
  return true;
}

bool MutexObject::SharedRelease() {
  Thread *self = Thread::CurrentIfAny();
  if (self == nullptr) return false;
  StdMutexLock lock(&mu_);
  LockShared();
  if (shared_->owner_pid != SelfPid() || shared_->owner_tid != self->id()) {
    UnlockShared();
    return false;
  }
  const bool freed = --shared_->recursion == 0;
  if (freed) {
    shared_->owner_pid = 0;
    shared_->owner_tid = 0;
    shared_->abandoned = 0;
    Post();
  }
  UnlockShared();
  // The object linked into this thread's list may be another handle's over the same state.
  if (freed) self->DisownNamedMutex(shared_id_);
  return true;
}

bool MutexObject::SharedTakeAbandoned() {
  LockShared();
  const bool was = shared_->abandoned != 0;
  shared_->abandoned = 0;
  UnlockShared();
  return was;
}

void MutexObject::SharedAbandon(uint32_t tid) {
  StdMutexLock lock(&mu_);
  LockShared();
  if (shared_->owner_pid == SelfPid() && shared_->owner_tid == tid) {
    shared_->owner_pid = 0;
    shared_->owner_tid = 0;
    shared_->recursion = 0;
    shared_->abandoned = 1;
    Post();
  }
  UnlockShared();
}

int MutexObject::SharedFd() const {
  StdMutexLock lock(&mu_);
  if (epoll_fd_ < 0) {
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return fd_;
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.fd = fd_;
    const int gone = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event gev = {};
    gev.events = EPOLLIN;
    gev.data.fd = gone;
    if (gone < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd_, &ev) != 0 ||
        epoll_ctl(ep, EPOLL_CTL_ADD, gone, &gev) != 0) {
      close(ep);
      if (gone >= 0) close(gone);
      return fd_;
    }
    epoll_fd_ = ep;
    gone_fd_ = gone;
  }
  LockShared();
  const uint32_t pid = shared_->owner_pid;
  const bool gone = OwnerGone();
  UnlockShared();
  const uint32_t watch = pid == SelfPid() ? 0 : pid;
  if (watch != watched_pid_) {
    if (pidfd_ >= 0) {
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, pidfd_, nullptr);
      close(pidfd_);
      pidfd_ = -1;
    }
    uint64_t drained;
    while (read(gone_fd_, &drained, sizeof drained) > 0) {
    }
    watched_pid_ = watch;
    if (watch != 0) {
      const int pfd = static_cast<int>(syscall(SYS_pidfd_open, watch, 0));
      epoll_event ev = {};
      ev.events = EPOLLIN;
      ev.data.fd = pfd;
      if (pfd >= 0 && epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, pfd, &ev) == 0) {
        pidfd_ = pfd;
      } else if (pfd >= 0) {
        close(pfd);
      }
    }
  }
  // An owner already gone (its pidfd could not be had, or its pid was reused by a process that
  // still runs): make the set readable so that the waiter goes and takes it as abandoned.
  if (watch != 0 && gone) PostEventfdUnits(gone_fd_, 1);
  return epoll_fd_;
}

}  // namespace ws2emu
