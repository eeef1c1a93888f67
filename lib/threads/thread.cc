#include "threads/thread.h"

#include <errno.h>
#if WS2EMU_HAVE_URING
#include <liburing.h>
#endif
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/base/thread_annotations.h"
#include "base/debug.h"
#include "base/escape.h"
#include "threads/mutex_object.h"

namespace ws2emu {
namespace {

#if WS2EMU_HAVE_URING
constexpr uint64_t kWakeTag = ~uint64_t{0};
constexpr uint64_t kCancelTag = ~uint64_t{0} - 1;
constexpr unsigned kRingEntries = 256;  // 64 polls + cancel, with room to spare
#endif

int ApcSignal() { return SIGRTMIN + 2; }

void NoopHandler(int) {}

void InstallSignalHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa = {};
    sa.sa_handler = NoopHandler;
    sigemptyset(&sa.sa_mask);
    sigaction(ApcSignal(), &sa, nullptr);
  });
}

#if WS2EMU_HAVE_URING
// The ring a producer without a ring of its own sends its wakes from (it has no thread object,
// or its ring could not be set up: no descriptor, no memory). It is the start-up probe's ring,
// kept when the uring backend is chosen, so it exists whenever MSG_RING wakes are used. Shared
// by every such producer, hence its lock.
struct SharedSender {
  StdMutex mu;  // on the wake path: see base/annotated_mutex.h
  io_uring ring ABSL_GUARDED_BY(mu);
};
SharedSender *g_shared_sender = nullptr;  // set once by DecideBackend, before any wake
#endif

#if WS2EMU_HAVE_URING
// Thread rings come and go with their threads, and the kernel often maps a new thread's ring
// where an old thread's ring was. liburing maps and unmaps them with raw system calls, which
// ThreadSanitizer does not see, so to it a new thread's first SQE write races with the old
// thread's last one at the same address. The kernel orders them (the old mapping is gone before
// the new one exists); this counter says so in the memory model: a ring's teardown releases it
// before the unmap, and a ring's setup acquires it after the map. One atomic operation per
// thread ring, never on the wait path.
std::atomic<uint64_t> g_rings_torn_down{0};

// Sets `ring` up and sends one message from it to itself. True if the message arrived: the ring
// is then left set up and empty; otherwise it has been torn down (or was never set up).
bool ProbeRing(io_uring &ring) {
  if (io_uring_queue_init(8, &ring, 0) != 0) return false;
  bool ok = false;
  io_uring_sqe *sqe = io_uring_get_sqe(&ring);
  io_uring_prep_msg_ring(sqe, ring.ring_fd, 0, kWakeTag, 0);
  sqe->user_data = 1;
  if (io_uring_submit(&ring) == 1) {
    // Two completions: the send (user_data 1) and the message itself (kWakeTag).
    for (int i = 0; i < 2; ++i) {
      io_uring_cqe *cqe;
      __kernel_timespec ts = {1, 0};
      if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts) != 0) break;
      if (cqe->user_data == kWakeTag) ok = true;
      if (cqe->user_data == 1 && cqe->res < 0) break;
      io_uring_cqe_seen(&ring, cqe);
    }
  }
  // Whatever the probe left in the ring is consumed, so the shared sender starts empty.
  io_uring_cqe *cqe;
  while (io_uring_peek_cqe(&ring, &cqe) == 0) io_uring_cqe_seen(&ring, cqe);
  if (!ok) io_uring_queue_exit(&ring);
  return ok;
}
#endif

// Can this process use io_uring with MSG_RING? Sends one message from a ring to itself. The
// ring is kept (as the shared sender) when it works.
bool ProbeUring() {
#if !WS2EMU_HAVE_URING
  return false;  // built without liburing (-During=disabled)
#else
  auto *sender = new (std::nothrow) SharedSender;
  if (sender == nullptr) return false;
  bool ok;
  {
    // Nobody else can see the sender yet: the lock is uncontended, taken so that every use of
    // the ring is under it.
    StdMutexLock lock(&sender->mu);
    ok = ProbeRing(sender->ring);
  }
  if (!ok) {
    delete sender;
    return false;
  }
  g_shared_sender = sender;
  return true;
#endif
}

#if WS2EMU_HAVE_URING
// Sends a wake to the ring `target` from `ring`. False if it could not be submitted.
bool SendWake(io_uring *ring, int target) {
  io_uring_sqe *sqe = io_uring_get_sqe(ring);
  if (sqe == nullptr) return false;
  io_uring_prep_msg_ring(sqe, target, 0, kWakeTag, 0);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
  sqe->user_data = kCancelTag - 1;  // a failed send's completion is ignored by Block
  return io_uring_submit(ring) == 1;
}

// The same from the shared sender. A failed send leaves a completion there; it is consumed
// here, as nobody waits on this ring.
bool SendWakeShared(int target) {
  if (g_shared_sender == nullptr) return false;
  StdMutexLock lock(&g_shared_sender->mu);
  io_uring *ring = &g_shared_sender->ring;
  io_uring_cqe *cqe;
  while (io_uring_peek_cqe(ring, &cqe) == 0) io_uring_cqe_seen(ring, cqe);
  return SendWake(ring, target);
}
#endif

ApcBackend DecideBackend() {
  const char *want = std::getenv("WS2EMU_APC");
  bool want_signal = want != nullptr && std::strcmp(want, "signal") == 0;
  if (want != nullptr && !want_signal && std::strcmp(want, "uring") != 0) {
    // Always said (not only with WS2EMU_DEBUG): the setting asked for was not honoured.
    std::fprintf(stderr,
                 "[ws2emu thread] WS2EMU_APC=%s is not uring or signal; using the default\n",
                 EscapeForTerminal(want).c_str());
  }
  if (want_signal) return ApcBackend::kSignal;
  if (ProbeUring()) return ApcBackend::kUring;
  DebugLog("thread", "io_uring with IORING_OP_MSG_RING is not available; APCs use signals");
  return ApcBackend::kSignal;
}

struct Registry {
  StdMutex mu;
  absl::flat_hash_map<uint32_t, Thread *> threads ABSL_GUARDED_BY(mu);
};
Registry &GetRegistry() {
  static Registry *registry = new Registry();
  return *registry;
}

// The registered discard functions (RegisterApcDiscard). A leaf lock: nothing else is taken
// under it, and discard functions are called after it is released. Constant-initialized and
// never destroyed, so a thread exiting during process exit can still use it.
constinit StdMutex g_discard_mu;
ApcDiscard *g_discard_head ABSL_GUARDED_BY(g_discard_mu) = nullptr;

// Calls the discard function registered for `fn`, if any, with `context`.
void DiscardApc(LPWSAUSERAPC fn, DWORD_PTR context) {
  void (*discard)(DWORD_PTR) = nullptr;
  {
    StdMutexLock lock(&g_discard_mu);
    for (const ApcDiscard *e = g_discard_head; e != nullptr; e = e->next) {
      if (e->fn == fn) {
        discard = e->discard;
        break;
      }
    }
  }
  if (discard != nullptr) discard(context);
}

}  // namespace

void RegisterApcDiscard(ApcDiscard *entry) {
  StdMutexLock lock(&g_discard_mu);
  for (const ApcDiscard *e = g_discard_head; e != nullptr; e = e->next) {
    if (e == entry) return;
  }
  entry->next = g_discard_head;
  g_discard_head = entry;
}

ApcBackend ActiveApcBackend() {
  static const ApcBackend backend = DecideBackend();
  return backend;
}

const char *ApcBackendName(ApcBackend backend) {
  return backend == ApcBackend::kUring ? "uring" : "signal";
}

// The calling thread's object. Plain thread_locals (no destructor), so the fast path of
// Current() is one load, and a late call (from another thread_local's destructor) sees "gone"
// rather than a destroyed holder.
namespace {
thread_local Thread *t_thread = nullptr;
thread_local bool t_thread_gone = false;
}  // namespace

// Owns the thread-local reference; constructed once the object exists, so its destructor runs
// at thread exit only for a thread that has one.
class Thread::Holder {
 public:
  ~Holder() {
    t_thread_gone = true;
    t_thread = nullptr;
    if (thread_ == nullptr) return;
    {
      Registry &r = GetRegistry();
      StdMutexLock lock(&r.mu);
      r.threads.erase(thread_->id());
    }
    thread_->MarkExited();
    thread_->Release();
  }
  Thread *thread_ = nullptr;
};

Thread *Thread::CurrentIfAny() { return t_thread; }

Thread *Thread::Current(int *error) {
  if (t_thread != nullptr) [[likely]] return t_thread;
  int err = 0;
  if (t_thread_gone) {
    err = ESRCH;
  } else {
    InstallSignalHandler();
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, ApcSignal());
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    Ref<Event> exit_event = Event::TryCreate(/*manual_reset=*/true, /*initial_state=*/false, &err);
    if (exit_event) {
      const auto tid = static_cast<uint32_t>(syscall(SYS_gettid));
      if (Thread *thread = new (std::nothrow) Thread(tid, std::move(exit_event))) {
        Registry &r = GetRegistry();
        bool registered = false;
        {
          StdMutexLock lock(&r.mu);
          try {
            r.threads[tid] = thread;
            registered = true;
          } catch (const std::bad_alloc &) {
            // the map could not grow: no object, as if the allocation above had failed
          }
        }
        if (registered) {
          static thread_local Holder holder;  // constructed here: its destructor runs at exit
          holder.thread_ = thread;
          t_thread = thread;
          return thread;
        }
        thread->Release();
      }
      err = ENOMEM;
    }
  }
  if (error != nullptr) *error = err;
  DebugLog("thread", "cannot create the thread object: %s", std::strerror(err));
  return nullptr;
}

Ref<Thread> Thread::FindById(uint32_t tid) {
  Registry &r = GetRegistry();
  StdMutexLock lock(&r.mu);
  auto it = r.threads.find(tid);
  if (it == r.threads.end()) return {};
  return Ref<Thread>::Share(it->second);
}

Thread::Thread(uint32_t tid, Ref<Event> exit_event)
    : Waitable(kType), tid_(tid), exit_event_(std::move(exit_event)) {}

Thread::~Thread() {
  // Nobody else can reach a thread object being destroyed; one with APCs still queued never
  // went through MarkExited (it never became visible), and its APCs are dropped here.
  DiscardApcs();
#if WS2EMU_HAVE_URING
  if (ring_ != nullptr) {
    g_rings_torn_down.fetch_add(1, std::memory_order_release);  // before the unmap: see above
    io_uring_queue_exit(ring_);
    delete ring_;
  }
#endif
}

void Thread::OwnMutex(MutexObject *mutex) {
  mutex->AddRef();
  StdMutexLock lock(&owned_mu_);
  mutex->owned_prev_ = nullptr;
  mutex->owned_next_ = owned_head_;
  if (owned_head_ != nullptr) owned_head_->owned_prev_ = mutex;
  owned_head_ = mutex;
}

void Thread::DisownMutex(MutexObject *mutex) {
  {
    StdMutexLock lock(&owned_mu_);
    if (mutex->owned_prev_ != nullptr) {
      mutex->owned_prev_->owned_next_ = mutex->owned_next_;
    } else if (owned_head_ == mutex) {
      owned_head_ = mutex->owned_next_;
    } else {
      return;  // not in this thread's list
    }
    if (mutex->owned_next_ != nullptr) mutex->owned_next_->owned_prev_ = mutex->owned_prev_;
    mutex->owned_prev_ = mutex->owned_next_ = nullptr;
  }
  mutex->Release();  // OwnMutex's reference; the caller holds one of its own
}

void Thread::DisownNamedMutex(uint64_t shared_id) {
  MutexObject *found = nullptr;
  {
    StdMutexLock lock(&owned_mu_);
    for (MutexObject *m = owned_head_; m != nullptr; m = m->owned_next_) {
      if (m->shared_ != nullptr && m->shared_id_ == shared_id) {
        found = m;
        break;
      }
    }
  }
  if (found != nullptr) DisownMutex(found);
}

void Thread::MarkExited() {
  MutexObject *owned;
  {
    StdMutexLock lock(&owned_mu_);
    owned = std::exchange(owned_head_, nullptr);
  }
  // The detached list is this thread's alone now: nobody else links or unlinks its mutexes.
  while (owned != nullptr) {
    MutexObject *next = owned->owned_next_;
    owned->owned_prev_ = owned->owned_next_ = nullptr;
    owned->Abandon(tid_);
    owned->Release();
    owned = next;
  }
  {
    StdMutexLock lock(&apc_mu_);
    exited_.store(true, std::memory_order_release);
  }
  // APCs pending at exit never run: each is discarded, after QueueApc has started to refuse
  // (so none can be added meanwhile) and before the object is signaled (so a waiter on the
  // thread sees what they owned released).
  DiscardApcs();
  exit_event_->Set();
}

void Thread::DiscardApcs() {
  // One at a time, as RunApcs does: pop_front allocates nothing (moving the queue out would
  // allocate a new one), and each discard runs without the lock.
  for (;;) {
    Apc apc;
    {
      StdMutexLock lock(&apc_mu_);
      if (apcs_.empty()) return;
      apc = apcs_.front();
      apcs_.pop_front();
      apc_count_.fetch_sub(1, std::memory_order_relaxed);
    }
    DiscardApc(apc.fn, apc.context);
  }
}

bool Thread::QueueApc(LPWSAUSERAPC fn, DWORD_PTR context, int *error) {
  {
    StdMutexLock lock(&apc_mu_);
    if (exited_.load(std::memory_order_relaxed)) {
      if (error != nullptr) *error = ESRCH;
      return false;
    }
    try {
      apcs_.push_back({fn, context});
    } catch (const std::bad_alloc &) {
      // push_back's strong guarantee: the queue is as it was.
      if (error != nullptr) *error = ENOMEM;
      return false;
    }
    apc_count_.fetch_add(1, std::memory_order_seq_cst);
  }
  int expected = kWaiting;
  if (wait_state_.compare_exchange_strong(expected, kWoken, std::memory_order_seq_cst)) Wake();
  return true;
}

bool Thread::HasApcs() { return apc_count_.load(std::memory_order_seq_cst) != 0; }

bool Thread::RunApcs() {
  bool ran = false;
  for (;;) {
    Apc apc;
    {
      StdMutexLock lock(&apc_mu_);
      if (apcs_.empty()) return ran;
      apc = apcs_.front();
      apcs_.pop_front();
      apc_count_.fetch_sub(1, std::memory_order_relaxed);
    }
    apc.fn(apc.context);
    ran = true;
  }
}

void Thread::Wake() {
#if WS2EMU_HAVE_URING
  // A waiter with a ring blocks in it with the signal blocked: only MSG_RING reaches it. The
  // ring is published before the wait that uses it (ring_fd_ is stored before wait_state_
  // becomes kWaiting), so a producer that won the kWaiting -> kWoken CAS sees it here.
  int target = ring_fd_.load(std::memory_order_acquire);
  if (ActiveApcBackend() == ApcBackend::kUring && target >= 0) {
    // The producer's own ring when it has one (no lock); the shared one when it has no thread
    // object or its ring cannot be set up (out of descriptors or memory). Creating a thread
    // object only to send a wake would cost a descriptor for nothing.
    Thread *self = CurrentIfAny();
    io_uring *ring = self != nullptr ? self->Ring() : nullptr;
    if (ring != nullptr && SendWake(ring, target)) return;
    if (SendWakeShared(target)) return;
  }
#endif
  syscall(SYS_tgkill, getpid(), tid_, ApcSignal());
}

Event *Thread::PortEvent(int *error) {
  if (!port_event_) {
    int err = 0;
    port_event_ = Event::TryCreate(/*manual_reset=*/false, /*initial_state=*/false, &err);
    if (!port_event_ && error != nullptr) *error = err;
  }
  return port_event_.get();
}

io_uring *Thread::Ring() {
#if !WS2EMU_HAVE_URING
  return nullptr;
#else
  // A ring that cannot be set up (EMFILE, ENOMEM) is not remembered: the next wait tries again,
  // and this one waits with ppoll and the signal (ring_fd_ stays -1, so producers signal).
  if (ring_ == nullptr) {
    auto *ring = new (std::nothrow) io_uring;
    if (ring == nullptr) return nullptr;
    if (io_uring_queue_init(kRingEntries, ring, 0) != 0) {
      delete ring;
      return nullptr;
    }
    g_rings_torn_down.load(std::memory_order_acquire);  // after the map: see above
    ring_ = ring;
    ring_fd_.store(ring->ring_fd, std::memory_order_release);
  }
  return ring_;
#endif
}

Thread::BlockResult Thread::Block(const int *fds, int nfds, int64_t timeout_ms, bool alertable,
                                  bool *ready) {
  if (ready != nullptr) std::fill(ready, ready + nfds, false);
  if (alertable && ActiveApcBackend() == ApcBackend::kUring && Ring() != nullptr)
    return BlockUring(fds, nfds, timeout_ms, alertable, ready);
  return BlockSignal(fds, nfds, timeout_ms, alertable, ready);
}

Thread::BlockResult Thread::BlockSignal(const int *fds, int nfds, int64_t timeout_ms,
                                        bool alertable, bool *ready) {
  pollfd pfds[65];
  for (int i = 0; i < nfds; ++i) pfds[i] = {fds[i], POLLIN, 0};
  timespec ts;
  timespec *tsp = nullptr;
  if (timeout_ms >= 0) {
    ts.tv_sec = timeout_ms / 1000;
    ts.tv_nsec = (timeout_ms % 1000) * 1000000;
    tsp = &ts;
  }
  int n;
  if (alertable) {
    wait_state_.store(kWaiting, std::memory_order_seq_cst);
    if (HasApcs()) {
      wait_state_.store(kIdle, std::memory_order_seq_cst);
      return BlockResult::kWoken;
    }
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, nullptr, &mask);
    sigdelset(&mask, ApcSignal());
    n = ppoll(pfds, nfds, tsp, &mask);
    wait_state_.store(kIdle, std::memory_order_seq_cst);
  } else {
    n = ppoll(pfds, nfds, tsp, nullptr);
  }
  if (n < 0) return BlockResult::kWoken;  // EINTR: the APC signal (or another); the caller rechecks
  if (n == 0) return BlockResult::kTimeout;
  if (ready != nullptr)
    for (int i = 0; i < nfds; ++i) ready[i] = pfds[i].revents != 0;
  return BlockResult::kReady;
}

#if WS2EMU_HAVE_URING
Thread::BlockResult Thread::BlockUring(const int *fds, int nfds, int64_t timeout_ms,
                                       bool alertable, bool *ready) {
  io_uring *ring = ring_;
  if (alertable) {
    wait_state_.store(kWaiting, std::memory_order_seq_cst);
    if (HasApcs()) {
      wait_state_.store(kIdle, std::memory_order_seq_cst);
      return BlockResult::kWoken;
    }
  }
  int outstanding = 0;
  for (int i = 0; i < nfds; ++i) {
    io_uring_sqe *sqe = io_uring_get_sqe(ring);
    io_uring_prep_poll_add(sqe, fds[i], POLLIN);
    sqe->user_data = static_cast<uint64_t>(i) + 1;
    ++outstanding;
  }
  __kernel_timespec ts;
  __kernel_timespec *tsp = nullptr;
  if (timeout_ms >= 0) {
    ts.tv_sec = timeout_ms / 1000;
    ts.tv_nsec = (timeout_ms % 1000) * 1000000;
    tsp = &ts;
  }
  bool woken = false, any_ready = false;
  auto reap = [&](io_uring_cqe *cqe) {
    uint64_t ud = cqe->user_data;
    if (ud == kWakeTag) {
      woken = true;
    } else if (ud == kCancelTag) {
      --outstanding;
    } else if (ud >= 1 && ud <= static_cast<uint64_t>(nfds)) {
      --outstanding;
      if (cqe->res != -ECANCELED) {
        any_ready = true;
        if (ready != nullptr) ready[ud - 1] = true;
      }
    }  // anything else: a failed wake send of ours; nothing to do
    io_uring_cqe_seen(ring, cqe);
  };
  io_uring_cqe *cqe = nullptr;
  int rc;
  do {
    rc = io_uring_submit_and_wait_timeout(ring, &cqe, 1, tsp, nullptr);
  } while (rc == -EINTR);
  // Reap what is there, cancel the polls still armed, and reap until none is left, so that the
  // next wait starts with an empty ring.
  while (io_uring_peek_cqe(ring, &cqe) == 0) reap(cqe);
  if (outstanding > 0) {
    io_uring_sqe *sqe = io_uring_get_sqe(ring);
    io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
    sqe->user_data = kCancelTag;
    ++outstanding;
    io_uring_submit(ring);
    while (outstanding > 0) {
      if (io_uring_wait_cqe(ring, &cqe) != 0) continue;
      reap(cqe);
    }
  }
  if (alertable) wait_state_.store(kIdle, std::memory_order_seq_cst);
  if (any_ready) return BlockResult::kReady;
  if (woken) return BlockResult::kWoken;
  if (rc == -ETIME) return BlockResult::kTimeout;
  return BlockResult::kWoken;  // spurious: the caller rechecks
}
#else
Thread::BlockResult Thread::BlockUring(const int *fds, int nfds, int64_t timeout_ms,
                                       bool alertable, bool *ready) {
  return BlockSignal(fds, nfds, timeout_ms, alertable, ready);  // never chosen without liburing
}
#endif

}  // namespace ws2emu
