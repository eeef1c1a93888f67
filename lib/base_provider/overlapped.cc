// Overlapped operations: the engine (one reaper thread over io_uring POLL_ADD, or over epoll),
// the per-socket queues, completion delivery, cancellation, WSPGetOverlappedResult.
//
// Why POLL_ADD and a retry rather than IORING_OP_SENDMSG / RECVMSG [inference, measured by
// ws2emu-bench's tcp_bulk_wsp and iocp_echo_wsp]: almost every operation of a busy socket
// completes at its first, non-blocking try on the caller's thread (the data is there, or the
// send buffer has room), which is what makes overlapped I/O cheap and what Windows does as well;
// the ring is only needed to wait. Polling keeps the caller's buffers out of the kernel's hands,
// so (1) the sends of a socket cannot interleave or overtake each other, even partially (one
// sendmsg at a time, always the queue's head), (2) a cancelled operation's buffers are never
// touched once it left its queue, with no cancel CQE to wait for, and (3) the epoll fallback is
// the same code with another wait. The ring's part is to batch the re-arming of polls and to
// wait for all sockets at once, with no thread per socket. One exception, where the count of
// system calls decides (iocp_echo_wsp): a receive issued by a thread that runs a completion
// port goes to the ring as an IORING_OP_RECVMSG, submitted with its batch ("Receives in the
// ring" below); its cancellation waits for its CQE.
#include "base_provider/overlapped.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if WS2EMU_HAVE_URING
#include <liburing.h>
#ifndef IORING_SETUP_COOP_TASKRUN
#define IORING_SETUP_COOP_TASKRUN (1U << 8)  // Linux 5.19; liburing before 2.2 lacks the name
#endif
#endif

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <system_error>
#include <thread>

#include "base/annotated_mutex.h"
#include "base_provider/calls_internal.h"
#include "base/debug.h"
#include "base/tsan.h"
#include "base_provider/operation.h"
#include "base_provider/procs.h"
#include "base_provider/provider.h"
#include "base_provider/socket.h"
#include "iocp/completion.h"
#include "iocp/port.h"
#include "net/net.h"
#include "sync/event.h"
#include "threads/thread.h"
#include "threads/wait.h"

namespace ws2emu::base_provider {
namespace {

#if WS2EMU_HAVE_URING
constexpr uint32_t kRingEntries = 1024;
constexpr uint64_t kStopTag = 1;     // the NOP that stops the reaper
constexpr uint64_t kIgnoreTag = 2;   // a CQE nobody waits for
constexpr uint64_t kRemoveTag = 4;   // with a socket and a poll bit: a POLL_REMOVE's CQE
constexpr uint64_t kDataTag = 3;     // with an Operation: its IORING_OP_RECVMSG's CQE
constexpr uint64_t kTagMask = 7;
// Deferred receives submitted at once when this many wait (PutInRing).
constexpr uint32_t kMaxDeferred = 64;
#endif
constexpr uint8_t kPollIn = 1;
#if WS2EMU_HAVE_URING
constexpr uint8_t kPollOut = 2;
#endif

enum class Backend : int { kNone, kUring, kEpoll };

// The engine: process-wide, started at the first operation that has to wait, stopped by the
// last WSPCleanup.
struct Engine {
  StdMutex start_mu;  // EnsureEngine / StopEngine
  std::atomic<Backend> backend{Backend::kNone};
  std::thread reaper;
#if WS2EMU_HAVE_URING
  io_uring ring;
#endif
  StdMutex submit_mu;  // the ring's submission queue; epoll: held while arming
  int epoll_fd = -1;
  int wake_fd = -1;  // epoll: the reaper's wake (stop, deregistrations)
  StdMutex disarm_mu;
  BaseSocket *disarm_head ABSL_GUARDED_BY(disarm_mu) = nullptr;
  std::atomic<bool> stopping{false};
  // io_uring: POLL_ADDs in flight; epoll: registrations. The reaper stops when it is 0.
  std::atomic<int64_t> outstanding{0};
  // io_uring: multishot polls (Linux 5.13); off after the kernel refused one with EINVAL.
  std::atomic<bool> multishot{true};
  // io_uring: whoever consumes completion entries holds this (the reaper, or a thread that
  // waits on a completion port and runs the engine meanwhile: RunWhileIdle). Taken before a
  // socket's mutex and submit_mu.
  StdMutex reap_mu ABSL_ACQUIRED_BEFORE(submit_mu);
  // io_uring: an eventfd the kernel signals for each completion entry (io_uring_register_
  // eventfd), which the reaper sleeps on instead of the ring, so that a thread running the
  // engine can have the ring to itself (it turns the signal off meanwhile). -1 when the kernel
  // refused it: the reaper then waits in the ring, and no other thread runs the engine.
  std::atomic<int> reaper_fd{-1};
  // Threads inside RunWhileIdle (from before its first check to after its last use of
  // reaper_fd): StopEngine waits for them before it releases the ring and the eventfd.
  std::atomic<int> runners{0};
  std::atomic<uint64_t> runs{0};  // PortWaitsThatRanTheEngine
  // io_uring with the eventfd: port threads hold the lease (see TakeLease; written under
  // reap_mu), and how often they came to the port (the reaper's sign that they still do).
  std::atomic<bool> leased{false};
  std::atomic<uint64_t> beats{0};
  // The ring was set up with IORING_SETUP_COOP_TASKRUN (see EnsureEngine). Written under
  // start_mu before backend is published.
  std::atomic<bool> coop_taskrun{false};
  std::atomic<uint64_t> idle_removals{0};  // IdlePollRemovals
  // io_uring: receives may be the ring's own operations (PutInRing); off with
  // WS2EMU_BASE_RING_DATA=0, or after the kernel gave one back with EAGAIN. Written under
  // start_mu before backend is published, or cleared once.
  std::atomic<bool> ring_data{true};
  // io_uring: SQEs of deferred receives prepared since the last submission (written under
  // submit_mu; read without it to skip the lock when 0), and how many receives went to the
  // ring (RingReceives).
  std::atomic<uint32_t> deferred{0};
  std::atomic<uint64_t> submits{0};  // SubmitNow calls: the reaper's sign that SQEs went out
  std::atomic<uint64_t> ring_ops{0};
  // The reaper thread holds reap_mu for a batch (it never waits holding it): a port thread
  // that finds reap_mu taken by it waits a moment instead of blocking (RunWhileIdle).
  std::atomic<bool> reaper_reaping{false};
};
Engine &TheEngine() {
  static Engine *engine = new Engine();  // never destroyed: the reaper may outlive statics
  return *engine;
}

thread_local bool t_in_reaper = false;
#if WS2EMU_HAVE_URING
thread_local bool t_reaper_pending_submit = false;
#endif

// WSPGetOverlappedResult's wait for an operation without a usable event.
constinit StdMutex g_done_mu;
StdCondVar g_done_cv;
constinit std::atomic<int> g_done_waiters{0};

// After the status is stored. An RMW rather than a load (a fence, which TSan does not model,
// would do as well): either it comes after a waiter's increment, and the waiter is woken under
// the mutex, or before it, and the waiter's increment reads from it and sees the status.
void NotifyDone() {
  if (g_done_waiters.fetch_add(0, std::memory_order_acq_rel) > 0) {
    { StdMutexLock lock(&g_done_mu); }
    g_done_cv.SignalAll();
  }
}

void StoreStatus(WSAOVERLAPPED *ov, DWORD error, DWORD bytes) {
  // As iocp::CompleteOverlapped: a status that would read as "in progress" is stored as
  // STATUS_UNSUCCESSFUL.
  const ULONG_PTR status = error == WSS_OPERATION_IN_PROGRESS ? 0xC0000001u : error;
  __atomic_store_n(&ov->InternalHigh, static_cast<ULONG_PTR>(bytes), __ATOMIC_RELAXED);
  __atomic_store_n(&ov->Internal, status, __ATOMIC_RELEASE);
}

ULONG_PTR LoadStatus(const WSAOVERLAPPED *ov) {
  return __atomic_load_n(&ov->Internal, __ATOMIC_ACQUIRE);
}

// The APC that runs a completion routine on the issuing thread, in its alertable wait.
void CALLBACK RunRoutine(DWORD_PTR context) {
  auto *op = reinterpret_cast<Operation *>(context);
  op->routine(op->result_error, op->result_bytes, op->overlapped, op->result_flags);
  DeleteOperation(op);
}

// The same APC dropped without running: its thread exited before an alertable wait. The
// routine is not called (the thread it belongs to is gone, as on Windows, where the pending
// APCs of an exiting thread never run); what the operation owns (its iovec array, the thread
// handle it opened, its kind's state) is freed, as Windows frees the I/O's resources when the
// thread ends. [inference] Windows' kernel does that itself; here lib/threads calls this
// (RegisterApcDiscard), on the exiting thread with no lock of ours held.
void DiscardRoutine(DWORD_PTR context) { DeleteOperation(reinterpret_cast<Operation *>(context)); }
constinit ApcDiscard g_run_routine_discard{RunRoutine, DiscardRoutine};

Operation **HeadOf(BaseSocket &s, Queue q) {
  return q == Queue::kIn ? &s.io.in_head : &s.io.out_head;
}
Operation **TailOf(BaseSocket &s, Queue q) {
  return q == Queue::kIn ? &s.io.in_tail : &s.io.out_tail;
}

void Enqueue(BaseSocket &s, Queue q, Operation *op) {
  op->next = nullptr;
  Operation **tail = TailOf(s, q);
  if (*tail == nullptr) {
    *HeadOf(s, q) = op;
  } else {
    (*tail)->next = op;
  }
  *tail = op;
}

// --- The engine ---------------------------------------------------------------------------

// A thread that arms a poll or prepares a receive SQE writes the socket or the operation
// first, then takes submit_mu; whoever submits holds it too; the kernel hands the pointer back
// in the CQE. The system calls order that for the processor, but ThreadSanitizer cannot see
// them: in its builds, a lock of submit_mu before such a pointer is followed shows it the
// order. Elsewhere this is nothing (RingDone calls it for every receive in the ring).
void ShowSubmittersToTsan(Engine &e) {
  if constexpr (WS2EMU_TSAN) {
    StdMutexLock sync(&e.submit_mu);
  } else {
    (void)e;
  }
}

void ProcessReady(BaseSocket *socket, uint8_t bits, uint8_t live = 0);
#if WS2EMU_HAVE_URING
void RingDone(Operation *op, int res);
void FlushDeferred(bool always = false);
#endif

#if WS2EMU_HAVE_URING
// Submits every prepared SQE, the deferred ones among them.
void SubmitNow(Engine &e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(e.submit_mu) {
  io_uring_submit(&e.ring);
  e.deferred.store(0, std::memory_order_relaxed);
  e.submits.fetch_add(1, std::memory_order_relaxed);
}

// Gets an SQE, flushing the queue if it is full. Null if the kernel takes none.
io_uring_sqe *GetSqe(Engine &e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(e.submit_mu) {
  io_uring_sqe *sqe = io_uring_get_sqe(&e.ring);
  for (int i = 0; sqe == nullptr && i < 8; ++i) {
    SubmitNow(e);
    sqe = io_uring_get_sqe(&e.ring);
  }
  return sqe;
}

// Submits what was prepared: at once from a caller; from the reaper, once per batch.
void Flush(Engine &e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(e.submit_mu) {
  if (t_in_reaper) {
    t_reaper_pending_submit = true;
  } else {
    SubmitNow(e);
  }
}
#endif

#if WS2EMU_HAVE_URING
// Prepares the removal of the poll `bit` of `s` (its CQE carries kRemoveTag and names the
// poll) and submits it (from the reaper: at the end of its batch). False without an SQE.
bool SubmitRemove(Engine &e, BaseSocket &s, uint8_t bit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(e.submit_mu) {
  io_uring_sqe *sqe = GetSqe(e);
  if (sqe == nullptr) return false;
  io_uring_prep_poll_remove(sqe, reinterpret_cast<uintptr_t>(&s) | bit);
  io_uring_sqe_set_data64(sqe, reinterpret_cast<uintptr_t>(&s) | bit | kRemoveTag);
  Flush(e);
  return true;
}

// Removes the armed poll `bit` of `s`: the removal holds a reference to the socket and counts
// in outstanding until its CQE. False without an SQE (nothing changed).
bool RemovePoll(Engine &e, BaseSocket &s, uint8_t bit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(e.submit_mu) {
  s.AddRef();
  e.outstanding.fetch_add(1, std::memory_order_relaxed);
  if (SubmitRemove(e, s, bit)) return true;
  e.outstanding.fetch_sub(1, std::memory_order_relaxed);
  s.Release();  // not the last: the poll holds one
  return false;
}
#endif

// Makes the engine wait for what the socket's queue heads need. False when it cannot (no SQE,
// epoll_ctl failed): the caller fails those operations.
bool Arm(BaseSocket &s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  Engine &e = TheEngine();
  // A head in the ring waits in the kernel: no poll for its direction.
  const short in = s.io.in_head != nullptr && !s.io.in_head->in_ring ? s.io.in_head->events : 0;
  const short out =
      s.io.out_head != nullptr && !s.io.out_head->in_ring ? s.io.out_head->events : 0;
  if (in == 0 && out == 0) return true;
  switch (e.backend.load(std::memory_order_acquire)) {
#if WS2EMU_HAVE_URING
    case Backend::kUring: {
      StdMutexLock lock(&e.submit_mu);
      for (uint8_t bit : {kPollIn, kPollOut}) {
        const short events = bit == kPollIn ? in : out;
        if (events == 0 || (s.io.polls & bit) != 0) continue;
        io_uring_sqe *sqe = GetSqe(e);
        if (sqe == nullptr) return false;
        // A multishot poll stays armed for the socket's life (until Disarm): a socket that
        // keeps operations queued, the busy case, costs no re-arming. Its mask is fixed, so it
        // asks for everything a queue head of that direction may wait for.
        const unsigned mask = bit == kPollIn ? (POLLIN | POLLPRI) : POLLOUT;
        if (e.multishot.load(std::memory_order_relaxed)) {
          io_uring_prep_poll_multishot(sqe, s.fd(), mask);
        } else {
          io_uring_prep_poll_add(sqe, s.fd(), mask);
        }
        io_uring_sqe_set_data64(sqe, reinterpret_cast<uintptr_t>(&s) | bit);
        s.AddRef();  // the poll's reference, released at its CQE
        s.io.polls |= bit;
        e.outstanding.fetch_add(1, std::memory_order_relaxed);
      }
      Flush(e);
      return true;
    }
#endif
    case Backend::kEpoll: {
      StdMutexLock lock(&e.submit_mu);  // (for the reaper's view of this socket; see EpollReaper)
      epoll_event ev;
      ev.events = EPOLLONESHOT | static_cast<uint32_t>(in) | static_cast<uint32_t>(out);
      ev.data.ptr = &s;
      if ((s.io.polls & kPollIn) == 0) {
        if (epoll_ctl(e.epoll_fd, EPOLL_CTL_ADD, s.fd(), &ev) != 0) return false;
        s.AddRef();  // the registration's reference, released when the reaper removes it
        s.io.polls |= kPollIn;
        e.outstanding.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
      return epoll_ctl(e.epoll_fd, EPOLL_CTL_MOD, s.fd(), &ev) == 0;
    }
    default:
      return false;
  }
}

// Stops waiting on the socket's descriptor (it is being closed): the references the polls or
// the registration hold are released by the reaper, after it can no longer see the socket.
void Disarm(BaseSocket &s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  Engine &e = TheEngine();
  if (s.io.polls == 0) return;
  switch (e.backend.load(std::memory_order_acquire)) {
#if WS2EMU_HAVE_URING
    case Backend::kUring: {
      StdMutexLock lock(&e.submit_mu);
      for (uint8_t bit : {kPollIn, kPollOut}) {
        // A poll whose idle removal is under way ends without another.
        if ((s.io.polls & bit) == 0 || (s.io.removing & bit) != 0) continue;
        // [inference] With no SQE at all (the kernel takes none) the poll stays until the
        // descriptor becomes ready or the engine stops; it holds a reference, not a buffer.
        if (!RemovePoll(e, s, bit)) break;
      }
      return;
    }
#endif
    case Backend::kEpoll: {
      if (s.io.disarming) return;
      s.io.disarming = true;
      {
        StdMutexLock lock(&e.disarm_mu);
        s.io.next_disarm = e.disarm_head;
        e.disarm_head = &s;
      }
      const uint64_t one = 1;
      (void)!write(e.wake_fd, &one, sizeof(one));
      return;
    }
    default:
      return;
  }
}

#if WS2EMU_HAVE_URING
// The multishot polls `live` (still armed) just fired; `wasted` of them found no operation
// waiting in their direction. A poll wasted twice in a row is removed, and the next operation
// that has to wait arms a new one. [inference, measured with ws2emu-bench's iocp_echo_wsp]
// A multishot poll left armed on a socket whose operations complete at their first try (a
// server that receives after it answered) fires at every arrival for nothing, and its task
// work runs on the thread that armed it first, often one that accepted the connection and does
// something else since: in the benchmark, the clients' thread ran the task work of the
// server's polls once a request (about 20,000 times a run; about 40 with the removal), and
// each run breaks an interruptible wait of that thread (epoll_wait returns EINTR). Removed, the
// poll is armed again, when needed, by the thread whose operation waits. A socket that keeps
// operations queued (tcp_bulk_wsp's four receives) keeps its poll: a single wasted wake, when
// its queue ran dry for a moment, removes nothing.
void RemoveIdlePolls(BaseSocket &s, uint8_t live, uint8_t wasted)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  Engine &e = TheEngine();
  const uint8_t remove = live & s.io.polls & ~s.io.removing &
                         ((wasted & s.io.idle) | s.io.remove_next);
  s.io.idle = static_cast<uint8_t>((s.io.idle & ~live) | (live & wasted));
  s.io.remove_next &= static_cast<uint8_t>(~live);
  if (remove == 0) return;
  StdMutexLock lock(&e.submit_mu);
  for (uint8_t bit : {kPollIn, kPollOut}) {
    if ((remove & bit) == 0) continue;
    const Operation *head = *HeadOf(s, bit == kPollIn ? Queue::kIn : Queue::kOut);
    if (head != nullptr && !head->in_ring) continue;
    if (RemovePoll(e, s, bit)) {  // without an SQE the poll stays: a cost
      s.io.removing |= bit;
      e.idle_removals.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

// Runs every completion entry that is ready, then submits what the batch prepared. True when
// the stop entry was among them. The caller holds reap_mu and has t_in_reaper set.
bool ReapReady(Engine &e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(e.reap_mu) {
  ShowSubmittersToTsan(e);
  bool stop = false;
  for (;;) {
    io_uring_cqe *cqe = nullptr;
    unsigned head;
    unsigned seen = 0;
    io_uring_for_each_cqe(&e.ring, head, cqe) {
      ++seen;
      const uint64_t data = io_uring_cqe_get_data64(cqe);
      if (data == kStopTag) {
        stop = true;
      } else if ((data & kRemoveTag) != 0) {
        auto *socket = reinterpret_cast<BaseSocket *>(data & ~uint64_t{7});
        const uint8_t bit = static_cast<uint8_t>(data & 3);
        bool again = false;
        if (cqe->res == -EALREADY) {
          // The poll was posting a CQE when the removal came (its task work is pending on the
          // thread that armed it, which may run it only at its next tick); a multishot poll
          // stays armed after that. A closed socket's poll is removed again at once (the
          // socket is kept by this removal's reference). An idle removal waits for that CQE
          // instead: retried at once it would spin until the thread runs its task work
          // (tcp_bulk_wsp: over a thousand removals a run).
          StdMutexLock lock(&socket->mu);
          if ((socket->io.polls & bit) != 0 && socket->has(BaseSocket::kClosed)) {
            StdMutexLock submit(&e.submit_mu);
            again = SubmitRemove(e, *socket, bit);
          } else {
            socket->io.removing &= static_cast<uint8_t>(~bit);
            if ((socket->io.polls & bit) != 0) socket->io.remove_next |= bit;
          }
        }
        if (!again) {
          e.outstanding.fetch_sub(1, std::memory_order_relaxed);
          socket->Release();
        }
      } else if ((data & kTagMask) == kDataTag) {
        RingDone(reinterpret_cast<Operation *>(data & ~kTagMask), cqe->res);
      } else if (data != kIgnoreTag && data != 0) {
        auto *socket = reinterpret_cast<BaseSocket *>(data & ~uint64_t{7});
        const uint8_t bit = static_cast<uint8_t>(data & 3);
        const bool more = (cqe->flags & IORING_CQE_F_MORE) != 0;
        if (!more && cqe->res == -EINVAL && e.multishot.load(std::memory_order_relaxed)) {
          DebugLog("base_provider", "multishot polls refused: one-shot polls from now on");
          e.multishot.store(false, std::memory_order_relaxed);
        }
        ProcessReady(socket, more ? 0 : bit, more ? bit : 0);
        if (!more) {  // the poll ended (one-shot, removed, or failed): its reference goes
          e.outstanding.fetch_sub(1, std::memory_order_relaxed);
          socket->Release();
        }
      }
    }
    io_uring_cq_advance(&e.ring, seen);
    if (t_reaper_pending_submit) {
      t_reaper_pending_submit = false;
      StdMutexLock lock(&e.submit_mu);
      SubmitNow(e);
    }
    if (seen == 0) {
      // Entries the kernel could not fit in the ring (a burst of more than its 2048) wait in
      // its overflow list until somebody enters the kernel to get events; the reaper sleeps on
      // the eventfd, not in the ring, so it moves them here.
      if (!io_uring_cq_has_overflow(&e.ring)) return stop;
      io_uring_get_events(&e.ring);
    }
  }
}

// The lease. A thread of a completion port that runs the engine (RunWhileIdle, DrainReady)
// takes the lease: the eventfd signal is off, and the port's threads run the engine's entries
// each time they come back to the port, so that the reaper thread does not wake for each
// entry and compete with them for the processors (ws2emu-bench's iocp_echo_wsp: three busy
// threads on two cores instead of two). The reaper watches the lease: when no port thread
// came back for a whole kLeaseMs, it takes the engine back (signal on) and runs what is ready.
// [inference] So a completion for an event, a routine or another port waits at most about
// two kLeaseMs while a port's threads are busy elsewhere; Windows, which completes I/O in the
// kernel, has no such delay.
constexpr int kLeaseMs = 1;

// With reap_mu held: the signal off, the lease taken. The reaper is told, once, to watch it.
void TakeLease(Engine &e, int fd) ABSL_EXCLUSIVE_LOCKS_REQUIRED(e.reap_mu) {
  if (e.leased.load(std::memory_order_relaxed)) return;
  io_uring_cq_eventfd_toggle(&e.ring, false);
  e.leased.store(true, std::memory_order_release);
  const uint64_t one = 1;
  (void)!write(fd, &one, sizeof(one));
}

// With reap_mu held: the signal on again. Entries that came while it was off woke nobody: the
// caller runs them next. The sequentially consistent exchange is the full barrier that orders
// the flag's store before the ring's tail load, against the kernel's store of the tail before
// its load of the flag (a read-modify-write rather than a fence, which ThreadSanitizer
// does not model).
void EndLease(Engine &e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(e.reap_mu) {
  if (!e.leased.load(std::memory_order_relaxed)) return;
  io_uring_cq_eventfd_toggle(&e.ring, true);
  e.leased.exchange(false, std::memory_order_seq_cst);
}

// The reaper's TryLock of reap_mu. The flag goes up before the attempt, so that a port thread
// whose TryLock fails while the reaper holds the lock sees it (RunWhileIdle).
bool TryLockAsReaper(Engine &e) ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true, e.reap_mu) {
  e.reaper_reaping.store(true, std::memory_order_seq_cst);
  if (e.reap_mu.TryLock()) return true;
  e.reaper_reaping.store(false, std::memory_order_seq_cst);
  return false;
}

// The reaper thread. With an eventfd it sleeps on that (while a port's threads hold the
// lease, a kLeaseMs at a time) and runs the entries when it can have the ring; without one it
// sleeps in the ring itself.
void UringReaper() {
  Engine &e = TheEngine();
  const int fd = e.reaper_fd.load(std::memory_order_relaxed);  // fixed while the reaper runs
  uint64_t beats = e.beats.load(std::memory_order_relaxed);
  uint64_t submits = e.submits.load(std::memory_order_relaxed);
  for (;;) {
    if (fd >= 0 && e.leased.load(std::memory_order_acquire)) {
      pollfd p = {fd, POLLIN, 0};
      const int r = poll(&p, 1, kLeaseMs);
      if (r > 0) {
        uint64_t count;
        (void)!read(fd, &count, sizeof(count));
      }
      // Deferred receives (PutInRing) that waited a whole kLeaseMs with nothing submitted
      // meanwhile go now. Not sooner: the thread that submits a receive runs its task work
      // (the kernel's half of it, when its data comes), and the port thread that deferred it
      // is the one to do that, not this thread, which would wake for each.
      const uint64_t now_submits = e.submits.load(std::memory_order_relaxed);
      if (r == 0 && now_submits == submits) FlushDeferred();
      submits = e.submits.load(std::memory_order_relaxed);
      const bool stopping = e.stopping.load(std::memory_order_relaxed);
      if (r != 0 && !stopping) continue;  // told to look again (the lease was just taken)
      const uint64_t now = e.beats.load(std::memory_order_relaxed);
      if (now != beats && !stopping) {  // a port thread came back: the lease holds
        beats = now;
        continue;
      }
      if (!TryLockAsReaper(e)) continue;
      EndLease(e);
      FlushDeferred(/*always=*/true);  // what was deferred before the lease ended
      beats = e.beats.load(std::memory_order_relaxed);
    } else if (fd >= 0) {
      uint64_t count;
      if (read(fd, &count, sizeof(count)) < 0 && errno != EINTR && errno != EAGAIN) {
        DebugLog("base_provider", "reading the ring's eventfd failed: %s", strerror(errno));
        break;
      }
      if (!TryLockAsReaper(e)) continue;
    } else {
      io_uring_cqe *cqe = nullptr;
      const int r = io_uring_wait_cqe(&e.ring, &cqe);
      if (r < 0 && r != -EINTR && r != -EAGAIN) {
        DebugLog("base_provider", "io_uring_wait_cqe failed: %s", strerror(-r));
        break;
      }
      e.reaper_reaping.store(true, std::memory_order_seq_cst);
      e.reap_mu.Lock();
    }
    t_in_reaper = true;
    const bool stop = ReapReady(e);
    t_in_reaper = false;
    e.reaper_reaping.store(false, std::memory_order_seq_cst);
    e.reap_mu.Unlock();
    if (stop) e.stopping.store(true, std::memory_order_relaxed);
    if (e.stopping.load(std::memory_order_relaxed) &&
        e.outstanding.load(std::memory_order_relaxed) == 0) {
      break;
    }
  }
}

// A port thread's way into the engine (RunWhileIdle, DrainReady): counted in runners and the
// ring still there, or false. Sequentially consistent against StopEngine's store of the
// backend and its load of runners: one of the two sees the other.
bool EnterAsPortThread(Engine &e, int *fd) {
  if (e.reaper_fd.load(std::memory_order_relaxed) < 0 ||
      e.outstanding.load(std::memory_order_relaxed) == 0) {
    return false;  // no engine, or nothing it waits for
  }
  e.runners.fetch_add(1, std::memory_order_seq_cst);
  *fd = e.reaper_fd.load(std::memory_order_seq_cst);
  if (*fd < 0 || e.backend.load(std::memory_order_seq_cst) != Backend::kUring) {
    e.runners.fetch_sub(1, std::memory_order_release);
    return false;
  }
  e.beats.fetch_add(1, std::memory_order_relaxed);
  return true;
}
void LeaveAsPortThread(Engine &e) { e.runners.fetch_sub(1, std::memory_order_release); }

// After a port thread ran the engine (reap_mu held, released here): the stop entry among what
// it ran gives the engine back to the reaper, which ends.
void UnlockAfterPortThread(Engine &e, int fd, bool stop) ABSL_UNLOCK_FUNCTION(e.reap_mu) {
  if (stop) {
    EndLease(e);
    e.stopping.store(true, std::memory_order_relaxed);
  }
  e.reap_mu.Unlock();
  if (stop) {
    const uint64_t one = 1;
    (void)!write(fd, &one, sizeof(one));
  }
}

// iocp::IdleRunner::run: a thread about to block on a completion port runs the engine
// instead, until done(arg) (its port has a packet or closed) or the deadline. See port.h.
bool RunWhileIdle(bool (*done)(void *), void *arg, int64_t deadline_ms) {
  Engine &e = TheEngine();
  int fd;
  if (!EnterAsPortThread(e, &fd)) return false;
  // Taken by another port thread for its wait: it runs the engine, this one blocks as usual.
  // Taken by the reaper for a batch, or by a thread passing through (DrainReady): the engine is
  // free again in a moment, so try again a few times, and for as long as the reaper holds it.
  // Giving up at once left this thread asleep on its port while it could run the engine:
  // PortWaiter's tests failed about once in 40 runs under ThreadSanitizer (0 in 160 after).
  for (int tries = 0; !e.reap_mu.TryLock(); ++tries) {
    if (tries >= 3 && !e.reaper_reaping.load(std::memory_order_seq_cst)) {
      LeaveAsPortThread(e);
      return false;
    }
    std::this_thread::yield();
  }
  if (e.stopping.load(std::memory_order_relaxed)) {
    e.reap_mu.Unlock();
    LeaveAsPortThread(e);
    return false;
  }
  e.runs.fetch_add(1, std::memory_order_relaxed);
  TakeLease(e, fd);
  t_in_reaper = true;
  bool stop = false;
  for (;;) {
    stop = ReapReady(e) || stop;
    if (stop || done(arg)) break;
    io_uring_cqe *cqe = nullptr;
    int r;
    if (deadline_ms < 0) {
      r = io_uring_wait_cqe(&e.ring, &cqe);
    } else {
      const int64_t left = deadline_ms - MonotonicMs();
      if (left <= 0) break;
      __kernel_timespec ts = {left / 1000, (left % 1000) * 1000000};
      r = io_uring_wait_cqe_timeout(&e.ring, &cqe, &ts);
    }
    if (r < 0 && r != -EINTR && r != -EAGAIN && r != -ETIME) {
      DebugLog("base_provider", "io_uring_wait_cqe failed: %s", strerror(-r));
      break;
    }
  }
  t_in_reaper = false;
  UnlockAfterPortThread(e, fd, stop);  // the lease stays with the port's threads
  LeaveAsPortThread(e);
  return true;
}

// iocp::IdleRunner::drain: a thread coming to a completion port runs what the engine has
// ready, and takes the lease.
void DrainReady() {
  Engine &e = TheEngine();
  int fd;
  if (!EnterAsPortThread(e, &fd)) return;
  // The ring's head and tail read as atomics (io_uring_cq_ready reads the head plainly, as
  // its only consumer may; here the consumer may be another thread holding reap_mu).
  const unsigned tail = __atomic_load_n(e.ring.cq.ktail, __ATOMIC_ACQUIRE);
  const unsigned head = __atomic_load_n(e.ring.cq.khead, __ATOMIC_RELAXED);
  const bool ready = tail != head || (__atomic_load_n(e.ring.sq.kflags, __ATOMIC_RELAXED) &
                                      IORING_SQ_CQ_OVERFLOW) != 0;
  if ((ready || !e.leased.load(std::memory_order_relaxed)) && e.reap_mu.TryLock()) {
    if (e.stopping.load(std::memory_order_relaxed)) {
      e.reap_mu.Unlock();
    } else {
      TakeLease(e, fd);
      t_in_reaper = true;
      const bool stop = ReapReady(e);
      t_in_reaper = false;
      UnlockAfterPortThread(e, fd, stop);
    }
  }
  LeaveAsPortThread(e);
}

// iocp::IdleRunner::wake: a no-op entry ends the wait of a thread in RunWhileIdle.
void WakeIdle() {
  Engine &e = TheEngine();
  if (e.backend.load(std::memory_order_acquire) != Backend::kUring) return;
  StdMutexLock lock(&e.submit_mu);
  if (e.backend.load(std::memory_order_relaxed) != Backend::kUring) return;
  io_uring_sqe *sqe = GetSqe(e);
  if (sqe == nullptr) return;  // [inference] the ring is full of work: the waiter wakes for it
  io_uring_prep_nop(sqe);
  io_uring_sqe_set_data64(sqe, kIgnoreTag);
  Flush(e);
}

void FlushDeferredNow() { FlushDeferred(); }
constexpr IdleRunner kIdleRunner = {RunWhileIdle, WakeIdle, DrainReady, FlushDeferredNow};
#endif

void EpollReaper() {
  Engine &e = TheEngine();
  t_in_reaper = true;
  epoll_event events[64];
  for (;;) {
    const int n = epoll_wait(e.epoll_fd, events, 64, -1);
    if (n < 0 && errno != EINTR) {
      DebugLog("base_provider", "epoll_wait failed: %s", strerror(errno));
      break;
    }
    ShowSubmittersToTsan(e);  // the arming thread's writes
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == nullptr) {
        uint64_t count;
        (void)!read(e.wake_fd, &count, sizeof(count));
        continue;
      }
      ProcessReady(static_cast<BaseSocket *>(events[i].data.ptr), kPollIn);
    }
    // Deregistrations, after the batch: no event of this batch names a socket freed here.
    BaseSocket *list;
    {
      StdMutexLock lock(&e.disarm_mu);
      list = std::exchange(e.disarm_head, nullptr);
    }
    while (list != nullptr) {
      BaseSocket *s = list;
      {
        StdMutexLock lock(&s->mu);
        list = s->io.next_disarm;
        s->io.next_disarm = nullptr;
        epoll_ctl(e.epoll_fd, EPOLL_CTL_DEL, s->fd(), nullptr);
        s->io.polls = 0;
        s->io.disarming = false;
      }
      e.outstanding.fetch_sub(1, std::memory_order_relaxed);
      s->Release();
    }
    if (e.stopping.load(std::memory_order_acquire) &&
        e.outstanding.load(std::memory_order_relaxed) == 0) {
      break;
    }
  }
  t_in_reaper = false;
}

// Starts the engine if it is not running. 0, or WSAENOBUFS when neither a ring nor an epoll
// instance nor the reaper thread can be made (SPEC.md §4 "Threads": fail cleanly).
int EnsureEngine() {
  Engine &e = TheEngine();
  if (e.backend.load(std::memory_order_acquire) != Backend::kNone) return 0;
  StdMutexLock lock(&e.start_mu);
  if (e.backend.load(std::memory_order_relaxed) != Backend::kNone) return 0;
  e.stopping.store(false, std::memory_order_relaxed);
  const char *wanted = getenv("WS2EMU_BASE_ENGINE");
  const bool force_epoll = wanted != nullptr && std::string_view(wanted) == "epoll";
  Backend backend = Backend::kNone;
#if WS2EMU_HAVE_URING
  if (!force_epoll) {
    // IORING_SETUP_COOP_TASKRUN [inference, measured by ws2emu-bench's tcp_bulk_wsp]: a poll's
    // completion is posted by task work on the thread that submitted the poll, and by default
    // the kernel interrupts that thread (an IPI, where it runs on another processor) for each
    // wake of the socket. A socket that keeps receives queued is woken at every segment that
    // arrives, so the sender paid an interrupt of the receiving thread per send, and the
    // receiver was torn from its own recvmsg to read a few kilobytes at a time: tcp_bulk_wsp ran
    // at 0.34-0.57x its floor on a VM where an IPI is costly, 0.55-1.34x with the flag. With
    // it, a running submitter runs the task work at its next entry to the kernel (a syscall,
    // an interrupt, the scheduler tick) and a sleeping one is still woken for it, so a
    // completion waits at most a tick while the thread that armed the poll computes without
    // a syscall; Windows, which completes I/O in the kernel, has no such delay. Linux 5.19;
    // an older kernel refuses the flag with EINVAL and gets the default.
    // WS2EMU_BASE_RING_IPI=1 keeps the default (to compare).
    const char *ipi = getenv("WS2EMU_BASE_RING_IPI");
    const bool coop = ipi == nullptr || std::string_view(ipi) != "1";
    int r = io_uring_queue_init(kRingEntries, &e.ring, coop ? IORING_SETUP_COOP_TASKRUN : 0);
    if (r == -EINVAL && coop) {
      DebugLog("base_provider", "IORING_SETUP_COOP_TASKRUN refused: the ring interrupts");
      r = io_uring_queue_init(kRingEntries, &e.ring, 0);
    }
    e.coop_taskrun.store(r == 0 && (e.ring.flags & IORING_SETUP_COOP_TASKRUN) != 0,
                         std::memory_order_relaxed);
    // WS2EMU_BASE_RING_DATA=0: receives are never the ring's own (to compare).
    const char *ring_data = getenv("WS2EMU_BASE_RING_DATA");
    e.ring_data.store(ring_data == nullptr || std::string_view(ring_data) != "0",
                      std::memory_order_relaxed);
    if (r == 0) {
      backend = Backend::kUring;
      // The reaper's eventfd, which lets port waiters run the engine (RunWhileIdle). It needs
      // the kernel to switch the signal off from user space (IORING_CQ_EVENTFD_DISABLED, 5.8)
      // and to wait with a timeout without an SQE of its own (IORING_FEAT_EXT_ARG, 5.11).
      const int fd = eventfd(0, EFD_CLOEXEC);
      if (fd >= 0 && (e.ring.features & IORING_FEAT_EXT_ARG) != 0 &&
          io_uring_register_eventfd(&e.ring, fd) == 0 &&
          io_uring_cq_eventfd_toggle(&e.ring, true) == 0) {
        e.reaper_fd.store(fd, std::memory_order_release);
        // WS2EMU_BASE_PORT_WAITERS=0 keeps port waiters out of the engine (to compare).
        const char *waiters = getenv("WS2EMU_BASE_PORT_WAITERS");
        if (waiters == nullptr || std::string_view(waiters) != "0") SetIdleRunner(&kIdleRunner);
      } else {
        DebugLog("base_provider", "no ring eventfd: port waiters do not run the engine");
        if (fd >= 0) close(fd);
      }
    } else {
      DebugLog("base_provider", "io_uring_queue_init failed (%s): overlapped I/O uses epoll",
               strerror(-r));
    }
  }
#else
  DebugLog("base_provider", "built without liburing: overlapped I/O uses epoll");
#endif
  if (force_epoll) DebugLog("base_provider", "WS2EMU_BASE_ENGINE=epoll: overlapped I/O uses epoll");
  if (backend == Backend::kNone) {
    e.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    e.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;
    if (e.epoll_fd < 0 || e.wake_fd < 0 ||
        epoll_ctl(e.epoll_fd, EPOLL_CTL_ADD, e.wake_fd, &ev) != 0) {
      if (e.epoll_fd >= 0) close(e.epoll_fd);
      if (e.wake_fd >= 0) close(e.wake_fd);
      e.epoll_fd = e.wake_fd = -1;
      return WSAENOBUFS;
    }
    backend = Backend::kEpoll;
  }
  try {
#if WS2EMU_HAVE_URING
    e.reaper = std::thread(backend == Backend::kUring ? UringReaper : EpollReaper);
#else
    e.reaper = std::thread(EpollReaper);
#endif
  } catch (const std::system_error &) {
#if WS2EMU_HAVE_URING
    if (backend == Backend::kUring) {
      io_uring_queue_exit(&e.ring);
      if (const int fd = e.reaper_fd.exchange(-1); fd >= 0) close(fd);
    }
#endif
    if (e.epoll_fd >= 0) close(e.epoll_fd);
    if (e.wake_fd >= 0) close(e.wake_fd);
    e.epoll_fd = e.wake_fd = -1;
    return WSAENOBUFS;
  }
  e.backend.store(backend, std::memory_order_release);
  return 0;
}

// --- Running the queues -------------------------------------------------------------------

// Runs the heads of `q` until one has to wait. Completed operations are delivered (mutex
// held); operations that continue on another socket go to *moved.
void RunQueue(BaseSocket &s, Queue q, Operation **moved) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  Operation **head = HeadOf(s, q);
  while (*head != nullptr && !(*head)->in_ring) {
    Operation *op = *head;
    const Attempt a = op->attempt(*op, s);
    if (a.outcome == Attempt::kAgain) return;
    *head = op->next;
    if (*head == nullptr) *TailOf(s, q) = nullptr;
    op->next = nullptr;
    if (a.outcome == Attempt::kMoved) {
      op->next = *moved;
      *moved = op;
    } else {
      Deliver(op, a.error, a.bytes, a.flags);
    }
  }
}

// Fails every operation of `q` with `error` (the engine could not wait for them).
void FailQueue(BaseSocket &s, Queue q, DWORD error) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  Operation **first = HeadOf(s, q);
  if (*first != nullptr && (*first)->in_ring) first = &(*first)->next;  // its CQE delivers it
  Operation *op = std::exchange(*first, nullptr);
  *TailOf(s, q) = first == HeadOf(s, q) ? nullptr : *HeadOf(s, q);
  while (op != nullptr) {
    Operation *next = op->next;
    Deliver(op, error, static_cast<DWORD>(op->done), 0);
    op = next;
  }
}

void ArmOrFail(BaseSocket &s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  if (!Arm(s)) {
    FailQueue(s, Queue::kIn, WSAENOBUFS);
    FailQueue(s, Queue::kOut, WSAENOBUFS);
  }
}

void ContinueMoved(Operation *moved) {
  while (moved != nullptr) {
    Operation *op = moved;
    moved = op->next;
    op->next = nullptr;
    BaseSocket *target = op->move_to;
    op->move_to = nullptr;
    Continue(*target, op, op->move_queue);
  }
}

// The descriptor of `socket` is ready (or its poll was removed): run both queues and wait again
// for what is left.
void ProcessReady(BaseSocket *socket, uint8_t bits, [[maybe_unused]] uint8_t live) {
  Operation *moved = nullptr;
  {
    StdMutexLock lock(&socket->mu);
    if (TheEngine().backend.load(std::memory_order_relaxed) == Backend::kUring) {
      socket->io.polls &= static_cast<uint8_t>(~bits);
      socket->io.idle &= static_cast<uint8_t>(~bits);
      socket->io.removing &= static_cast<uint8_t>(~bits);
      socket->io.remove_next &= static_cast<uint8_t>(~bits);
    }
#if WS2EMU_HAVE_URING
    // The directions in which nothing waited for readiness when the descriptor became ready
    // (a head in the ring waits in the kernel instead).
    auto idle = [](const Operation *head) { return head == nullptr || head->in_ring; };
    const uint8_t wasted = static_cast<uint8_t>((idle(socket->io.in_head) ? kPollIn : 0) |
                                                (idle(socket->io.out_head) ? kPollOut : 0));
#endif
    if (!socket->io.disarming) {
      RunQueue(*socket, Queue::kIn, &moved);
      RunQueue(*socket, Queue::kOut, &moved);
      if (!socket->has(BaseSocket::kClosed)) {
        ArmOrFail(*socket);
#if WS2EMU_HAVE_URING
        if (live != 0) RemoveIdlePolls(*socket, live, wasted);
#endif
      }
    }
  }
  ContinueMoved(moved);
}

// Takes every operation out of both queues of `s` that `match` accepts, in queue order (in
// queue first).
template <typename Match>
Operation *Extract(BaseSocket &s, Match match) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  Operation *taken = nullptr;
  Operation **taken_tail = &taken;
  for (Queue q : {Queue::kIn, Queue::kOut}) {
    Operation **link = HeadOf(s, q);
    Operation *last = nullptr;
    while (*link != nullptr) {
      Operation *op = *link;
      if (!op->in_ring && match(*op)) {  // one in the ring ends at its CQE (CancelRingHeads)
        *link = op->next;
        op->next = nullptr;
        *taken_tail = op;
        taken_tail = &op->next;
      } else {
        last = op;
        link = &op->next;
      }
    }
    *TailOf(s, q) = last;
  }
  return taken;
}

// --- Sends and receives -------------------------------------------------------------------

Attempt Done(DWORD error, size_t bytes, DWORD flags = 0) {
  return {Attempt::kDone, error, static_cast<DWORD>(bytes), flags};
}
Attempt Again() { return {Attempt::kAgain}; }

void SkipEmpty(Operation &op) {
  while (op.iov_index < op.iov_count && op.iov[op.iov_index].iov_len == 0) ++op.iov_index;
}

// Advances the send position by `n` bytes (adjusting the iovec in place).
void Advance(Operation &op, size_t n) {
  op.done += n;
  while (n > 0 && op.iov_index < op.iov_count) {
    iovec &v = op.iov[op.iov_index];
    if (n < v.iov_len) {
      v.iov_base = static_cast<char *>(v.iov_base) + n;
      v.iov_len -= n;
      return;
    }
    n -= v.iov_len;
    v.iov_len = 0;
    ++op.iov_index;
  }
}

#if WS2EMU_HAVE_URING
// --- Receives in the ring -----------------------------------------------------------------
//
// [inference, measured by ws2emu-bench's iocp_echo_wsp] A thread that runs a completion port
// (ThreadRunsAPort: it took a packet and will come back for the next) issues a stream receive
// whose completion goes to that port: instead of trying it at once with a recvmsg of its own,
// the receive becomes an IORING_OP_RECVMSG whose SQE waits until the thread comes back to the
// port and finds nothing (IdleRunner::flush), where all such SQEs of its batch go to the kernel
// in one io_uring_enter. The kernel takes the data at once where it is there and waits for it
// otherwise; the CQE brings the result (RingDone), and the completion goes to the port as
// usual. An echo server pays that call once per batch of requests where it paid a recvmsg per
// request (and a poll where the data was not there yet): on a machine where a system call costs
// a microsecond, that is the difference between losing to the epoll floor and not.
// Sends stay first tries on the caller's thread: a send is done the moment it is in the
// socket's buffer, and a send in the ring completes through whichever thread runs the engine
// (tcp_bulk_wsp, whose sender and receiver wait on two ports, ran three times slower with
// them: each completion went from one thread to the other and back).
// The rules that keep it Windows' behaviour:
//   - Only the queue's head is ever in the ring, so receives complete in order.
//   - Its buffers are the kernel's until its CQE: a cancellation (CancelIo, closesocket) asks
//     the kernel to end it (IORING_OP_ASYNC_CANCEL) and waits for the CQE, which delivers
//     WSA_OPERATION_ABORTED (or the data, if it came first, as on Windows when a cancel comes
//     late) before the cancellation returns.
//   - A deferred SQE is submitted when its thread next waits on a port, by anyone who submits
//     meanwhile, when kMaxDeferred are waiting, or by the reaper within a kLeaseMs: deferring
//     needs the lease (a port thread runs the engine, the reaper checks it every kLeaseMs). So a
//     receive starts up to about a millisecond late when its thread goes off elsewhere after it
//     (its data waits in the socket meanwhile, nothing is lost).

// Puts the receive `op` in the ring; it is the head of the in queue of `s`, or becomes it (the
// queue is empty: the caller enqueues it). `defer`: its SQE waits (see above) if the lease is
// held; else it is submitted as Flush does. False, changing nothing, when the ring takes no
// receives (ring_data), without an SQE, or when deferring was asked for and the lease is not
// held.
bool PutInRing(Engine &e, BaseSocket &s, Operation *op, bool defer)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  if (!e.ring_data.load(std::memory_order_relaxed)) return false;
  StdMutexLock lock(&e.submit_mu);
  if (defer && !e.leased.load(std::memory_order_acquire)) return false;
  io_uring_sqe *sqe = GetSqe(e);
  if (sqe == nullptr) return false;
  op->ring_msg = {};
  op->ring_msg.msg_iov = op->iov;
  op->ring_msg.msg_iovlen = std::min<size_t>(op->iov_count, IOV_MAX);
  io_uring_prep_recvmsg(sqe, s.fd(), &op->ring_msg, 0);
  io_uring_sqe_set_data64(sqe, reinterpret_cast<uintptr_t>(op) | kDataTag);
  op->in_ring = true;
  e.outstanding.fetch_add(1, std::memory_order_relaxed);  // the reaper outlives it
  e.ring_ops.fetch_add(1, std::memory_order_relaxed);
  if (defer && e.deferred.fetch_add(1, std::memory_order_relaxed) + 1 < kMaxDeferred) {
    return true;
  }
  Flush(e);
  return true;
}

// Asks the kernel to end `op`, a head of `s` in the ring (once), at once (not at the end of a
// reaper's batch). Its CQE delivers it; WaitForRingCancels waits for that.
void CancelInRing(Engine &e, BaseSocket &s, Operation *op) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  if (op->ring_cancel_sent) return;
  StdMutexLock lock(&e.submit_mu);
  io_uring_sqe *sqe = GetSqe(e);
  // [inference] With no SQE at all (the kernel takes none) the receive ends when its data
  // comes or the connection fails, and is delivered then: the cancellation does not wait.
  if (sqe == nullptr) return;
  io_uring_prep_cancel(sqe, reinterpret_cast<void *>(reinterpret_cast<uintptr_t>(op) | kDataTag),
                       0);
  io_uring_sqe_set_data64(sqe, kIgnoreTag);
  op->ring_cancel_sent = true;
  s.io.ring_cancelling.fetch_add(1, std::memory_order_relaxed);
  SubmitNow(e);
}

// The heads of `s` in the ring that `match` accepts are asked to end; `silent` (WSPCleanup):
// their CQEs deliver nothing. True if there was one.
template <typename Match>
bool CancelRingHeads(BaseSocket &s, Match match, bool silent) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
  bool found = false;
  for (Queue q : {Queue::kIn, Queue::kOut}) {
    Operation *head = *HeadOf(s, q);
    if (head == nullptr || !head->in_ring || !match(*head)) continue;
    found = true;
    if (silent) head->ring_silent = true;
    CancelInRing(TheEngine(), s, head);
  }
  return found;
}

// The CQE of `op`, a receive at the head of its queue in the ring, with its result `res`: it
// completes (or waits for readiness as any operation, if the kernel gave it back), and the
// queue goes on.
void RingDone(Operation *op, int res) {
  Engine &e = TheEngine();
  // (ReapReady's at the start of its batch is not enough: the SQE may have gone out after it,
  // and its CQE come within the same batch.)
  ShowSubmittersToTsan(e);
  const Ref<BaseSocket> keep = Ref<BaseSocket>::Share(op->socket.get());  // op may go below
  BaseSocket &s = *keep;
  constexpr Queue q = Queue::kIn;
  Operation *moved = nullptr;
  bool cancelled = false;
  {
    StdMutexLock lock(&s.mu);
    op->in_ring = false;
    e.outstanding.fetch_sub(1, std::memory_order_relaxed);
    const bool closed = s.has(BaseSocket::kClosed);
    cancelled = op->ring_cancel_sent;
    const bool ending = cancelled || closed;
    bool finished = true;
    DWORD error = 0;
    if (res == -ECANCELED && !ending) {
      // Nobody here cancelled it: the thread whose io_uring_enter submitted it has ended (the
      // kernel cancels what an exiting thread submitted; any thread that submits, a
      // PostQueuedCompletionStatus's wake among them, takes the deferred SQEs along). Nothing
      // was received: it waits for readiness as any operation does (RunQueue below).
      finished = false;
      op->ring_eligible = false;
    } else if (res == -ECANCELED || ((res == -EINTR || res == -EAGAIN) && ending)) {
      error = WSA_OPERATION_ABORTED;
    } else if (res == -EAGAIN || res == -EINTR) {
      // The kernel gave it back instead of waiting for data: it waits for readiness as any
      // operation does (RunQueue below), and the ring takes no more receives.
      finished = false;
      op->ring_eligible = false;
      if (e.ring_data.exchange(false, std::memory_order_relaxed)) {
        DebugLog("base_provider", "the ring gave a receive back (%s): receives wait for "
                 "readiness from now on", strerror(-res));
      }
    } else if (res < 0) {
      error = net::WsaErrorFromErrno(-res);
    } else {
      op->done = static_cast<size_t>(res);  // a stream receive: what came (0: the peer left)
    }
    if (finished) {
      *HeadOf(s, q) = op->next;
      if (op->next == nullptr) *TailOf(s, q) = nullptr;
      op->next = nullptr;
      if (op->ring_silent) {
        DeleteOperation(op);
      } else {
        Deliver(op, error, static_cast<DWORD>(op->done), 0);
      }
    }
    if (!closed && !s.io.disarming) {
      Operation *head = *HeadOf(s, q);
      if (head == nullptr || !head->ring_eligible || !PutInRing(e, s, head, /*defer=*/false)) {
        RunQueue(s, q, &moved);
      }
      ArmOrFail(s);
    }
    if (cancelled) {  // after its delivery: WaitForRingCancels
      s.io.ring_cancelling.fetch_sub(1, std::memory_order_release);
    }
  }
  if (cancelled) NotifyDone();
  ContinueMoved(moved);
}

// Waits (without the socket's mutex) until the CQEs of the heads of `s` a cancellation asked the
// kernel to end have been run: CancelIo and closesocket return after the completions of what
// they cancelled were delivered, as the old rule of a queued operation (delivered at once)
// has it, so that a caller may free the OVERLAPPED and the buffers when they return. The
// kernel ends a cancelled receive within the io_uring_enter that cancels it (it was waiting
// for data); whoever runs the engine (a port thread, or the reaper within a
// kLeaseMs) runs the CQE. Not from inside the engine (t_in_reaper: this thread would be the
// one to run it), where the completion comes later.
void WaitForRingCancels(BaseSocket &s) {
  if (t_in_reaper || s.io.ring_cancelling.load(std::memory_order_acquire) == 0) return;
  g_done_waiters.fetch_add(1, std::memory_order_acq_rel);
  {
    StdMutexLock lock(&g_done_mu);
    while (s.io.ring_cancelling.load(std::memory_order_acquire) != 0) g_done_cv.Wait(&g_done_mu);
  }
  g_done_waiters.fetch_sub(1, std::memory_order_relaxed);
}

// IdleRunner::flush, and the reaper at its lease checks: the deferred SQEs go to the kernel.
// `always` (the reaper, having ended the lease): under submit_mu whatever the count says, so
// that a receive deferred by a thread that saw the lease still held (PutInRing reads it under
// submit_mu) is either seen here or was never deferred.
void FlushDeferred(bool always) {
  Engine &e = TheEngine();
  if (!always && e.deferred.load(std::memory_order_relaxed) == 0) return;
  StdMutexLock lock(&e.submit_mu);
  // (StopEngine takes the ring away under submit_mu.)
  if (e.backend.load(std::memory_order_relaxed) != Backend::kUring) return;
  if (e.deferred.load(std::memory_order_relaxed) != 0) SubmitNow(e);
}
#endif

}  // namespace

Attempt SendData(Operation &op, BaseSocket &s) {
  for (;;) {
    SkipEmpty(op);
    if (op.iov_index == op.iov_count && (op.done > 0 || !op.datagram)) return Done(0, op.done);
    msghdr m = {};
    m.msg_iov = op.iov + op.iov_index;
    m.msg_iovlen = std::min<size_t>(op.iov_count - op.iov_index, IOV_MAX);
    if (op.address_length != 0) {
      m.msg_name = &op.address;
      m.msg_namelen = op.address_length;
    }
    const ssize_t n = sendmsg(s.fd(), &m, op.unix_flags | MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Again();
      return Done(net::WsaErrorFromErrno(errno), op.done);
    }
    if (op.datagram) return Done(0, static_cast<size_t>(n));
    Advance(op, static_cast<size_t>(n));
    // A stream send completes only when all its bytes are sent.
  }
}

Attempt ReceiveData(Operation &op, BaseSocket &s) {
  size_t total = 0;
  for (uint32_t i = 0; i < op.iov_count; ++i) total += op.iov[i].iov_len;
  if (total == 0 && !op.datagram) {
    // A zero-byte receive completes when data is there, without taking any (the readiness
    // notification IOCP servers rely on).
    pollfd p = {s.fd(), static_cast<short>(op.events), 0};
    if (poll(&p, 1, 0) > 0 && p.revents != 0) return Done(0, 0);
    return Again();
  }
  for (;;) {
    msghdr m = {};
    sockaddr_storage from;
    m.msg_iov = op.iov;
    m.msg_iovlen = std::min<size_t>(op.iov_count, IOV_MAX);
    if (op.from != nullptr) {
      m.msg_name = &from;
      m.msg_namelen = sizeof(from);
    }
    const ssize_t n = recvmsg(s.fd(), &m, op.unix_flags | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Again();
      return Done(net::WsaErrorFromErrno(errno), 0);
    }
    Attempt a = Done(0, static_cast<size_t>(n));
    if ((m.msg_flags & MSG_TRUNC) != 0 && op.datagram) {
      // [inference] Windows reports a truncated datagram as WSAEMSGSIZE with the bytes that
      // fit (the rest is lost: UDP is unreliable and MSAFD's UDP entries lack
      // XP1_PARTIAL_MESSAGE), and sets MSG_PARTIAL in the flags it returns.
      a.error = WSAEMSGSIZE;
      a.flags |= WS_MSG_PARTIAL;
    }
    if (op.from != nullptr && op.from_length != nullptr && m.msg_namelen > 0) {
      net::SockaddrFromUnix(reinterpret_cast<sockaddr *>(&from), m.msg_namelen, op.from,
                            op.from_length);
    }
    return a;
  }
}


// --- Operations ---------------------------------------------------------------------------

pid_t CurrentTid() {
  thread_local pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  return tid;
}

Operation *NewOperation(const SocketCall &call, LPWSAOVERLAPPED overlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                        int *error, bool synchronous) {
  if (overlapped == nullptr) {
    *error = WSAEFAULT;
    return nullptr;
  }
  if (routine != nullptr && thread == nullptr) {
    *error = WSAEFAULT;  // [inference] ws2_32 always passes the thread with a routine
    return nullptr;
  }
  if (routine == nullptr && overlapped->hEvent != nullptr && !synchronous) {
    // hEvent is the caller's context when there is a routine (WSASend: "the hEvent member ...
    // can be used by the application to pass context information"); otherwise an event.
    const uint64_t h = reinterpret_cast<uintptr_t>(overlapped->hEvent) & ~uint64_t{1};
    if (h == 0 || !HandleTable::Get().LookupAs<Event>(h)) {
      *error = WSA_INVALID_HANDLE;
      return nullptr;
    }
  }
  auto *op = new (std::nothrow) Operation();
  if (op == nullptr) {
    *error = WSAENOBUFS;
    return nullptr;
  }
  op->record = sockets::GetSocket(call.handle());
  if (!op->record) {  // closed since the call pinned it
    delete op;
    *error = WSAENOTSOCK;
    return nullptr;
  }
  op->socket = Ref<BaseSocket>::Share(call.get());
  op->overlapped = overlapped;
  op->routine = routine;
  op->synchronous = synchronous;
  if (thread != nullptr) op->thread = *thread;
  op->issuer = CurrentTid();
  op->datagram = !call->stream();
  // Pending from now on (SPEC.md §6.4): the provider's fields of the OVERLAPPED.
  __atomic_store_n(&overlapped->InternalHigh, ULONG_PTR{0}, __ATOMIC_RELAXED);
  __atomic_store_n(&overlapped->Internal, ULONG_PTR{WSS_OPERATION_IN_PROGRESS}, __ATOMIC_RELEASE);
  return op;
}

bool CaptureBuffers(Operation &op, const WSABUF *buffers, DWORD count) {
  if (count <= 4) {
    op.iov = op.inline_iov;
  } else {
    op.iov = new (std::nothrow) iovec[count];
    if (op.iov == nullptr) return false;
  }
  op.iov_count = count;
  for (DWORD i = 0; i < count; ++i) {
    op.iov[i].iov_base = buffers[i].buf;
    op.iov[i].iov_len = buffers[i].len;
  }
  return true;
}

void DeleteOperation(Operation *op) {
  if (op == nullptr) return;
  if (op->release != nullptr) op->release(*op);
  if (op->owns_thread) {
    if (const WSPUPCALLTABLE *upcalls = Upcalls(); upcalls != nullptr) {
      int e = 0;
      upcalls->lpWPUCloseThread(&op->thread, &e);
    }
  }
  if (op->iov != op->inline_iov) delete[] op->iov;
  delete op;
}

void Deliver(Operation *op, DWORD error, DWORD bytes, DWORD flags) {
  WSAOVERLAPPED *ov = op->overlapped;
  // Offset is the provider's (SPEC.md §6.4): it keeps the flags WSPGetOverlappedResult returns.
  __atomic_store_n(&ov->Offset, flags, __ATOMIC_RELAXED);
  if (op->synchronous) {
    // A call without an OVERLAPPED of its own (TransmitFile, DisconnectEx) waits for this in
    // WSPGetOverlappedResult: nothing goes to an event or a port.
    StoreStatus(ov, error, bytes);
    DeleteOperation(op);
  } else if (op->routine != nullptr) {
    // A routine: the completion is an APC to the issuing thread only. hEvent is the caller's
    // context then, and the port gets no packet (WPUCompleteOverlappedRequest's documentation:
    // it serves events and completion ports; a routine is queued with WPUQueueApc).
    op->result_error = error;
    op->result_bytes = bytes;
    op->result_flags = flags;
    StoreStatus(ov, error, bytes);
    // What pins the socket goes now, not when the thread gets round to the APC. (Somebody
    // else holds the socket whose mutex is held: the call's pin, the poll's reference.)
    op->record.Reset();
    op->socket = Ref<BaseSocket>();
    // Registered before the first routine's APC is queued (a magic static: every thread that
    // gets past it sees the registration done).
    static const bool discard_registered = (RegisterApcDiscard(&g_run_routine_discard), true);
    (void)discard_registered;
    const WSPUPCALLTABLE *upcalls = Upcalls();
    int e = 0;
    if (upcalls == nullptr ||
        upcalls->lpWPUQueueApc(&op->thread, RunRoutine, reinterpret_cast<DWORD_PTR>(op), &e) != 0) {
      // The thread has gone: nobody is left to run the routine.
      DeleteOperation(op);
    }
  } else {
    if (iocp::CompleteOverlapped(*op->record, ov, error, bytes, op->at_once) != 0) {
      // The event was closed since the operation began: the status is still written, so
      // WSPGetOverlappedResult and HasOverlappedIoCompleted see the completion.
      StoreStatus(ov, error, bytes);
    }
    DeleteOperation(op);
  }
  NotifyDone();
}

int Submit(const SocketCall &call, Operation *op, Queue queue, LPDWORD bytes,
           LPDWORD immediate_flags, LPINT lpErrno) {
  BaseSocket &s = *call;
  Operation *moved = nullptr;
  {
    StdMutexLock lock(&s.mu);
    if (s.has(BaseSocket::kClosed)) {
      DeleteOperation(op);
      return Fail(lpErrno, WSAENOTSOCK);
    }
#if WS2EMU_HAVE_URING
    if (op->ring_eligible && ThreadRunsAPort() && *HeadOf(s, queue) == nullptr) {
      Engine &e = TheEngine();
      if (e.backend.load(std::memory_order_acquire) == Backend::kUring &&
          PutInRing(e, s, op, /*defer=*/true)) {
        Enqueue(s, queue, op);
        return Fail(lpErrno, WSA_IO_PENDING);
      }
    }
#endif
    if (*HeadOf(s, queue) == nullptr) {
      const Attempt a = op->attempt(*op, s);
      if (a.outcome == Attempt::kDone) {
        // An error at once is the call's error and nothing is delivered, as when Windows fails
        // to start an operation; except WSAEMSGSIZE, a completed receive (STATUS_BUFFER_OVERFLOW
        // is a warning status: the I/O manager still signals and posts it).
        if (a.error != 0 && a.error != WSAEMSGSIZE) {
          DeleteOperation(op);
          return Fail(lpErrno, static_cast<int>(a.error));
        }
        if (bytes != nullptr) *bytes = a.bytes;
        if (immediate_flags != nullptr) *immediate_flags = a.flags;
        op->at_once = true;
        Deliver(op, a.error, a.bytes, a.flags);
        if (a.error != 0) return Fail(lpErrno, static_cast<int>(a.error));
        return 0;
      }
      if (a.outcome == Attempt::kMoved) {
        moved = op;
      }
    }
    if (moved == nullptr) {
      if (int e = EnsureEngine(); e != 0) {
        DeleteOperation(op);
        return Fail(lpErrno, e);
      }
      Enqueue(s, queue, op);
      ArmOrFail(s);
    }
  }
  ContinueMoved(moved);
  return Fail(lpErrno, WSA_IO_PENDING);
}

void Continue(BaseSocket &socket, Operation *op, Queue queue) {
  Operation *moved = nullptr;
  const Ref<BaseSocket> keep = Ref<BaseSocket>::Share(&socket);  // outlives the mutex
  {
    StdMutexLock lock(&socket.mu);
    op->socket = Ref<BaseSocket>::Share(&socket);
    if (socket.has(BaseSocket::kClosed)) {
      Deliver(op, WSA_OPERATION_ABORTED, static_cast<DWORD>(op->done), 0);
      return;
    }
    if (*HeadOf(socket, queue) == nullptr) {
      const Attempt a = op->attempt(*op, socket);
      if (a.outcome == Attempt::kDone) {
        Deliver(op, a.error, a.bytes, a.flags);
        return;
      }
      if (a.outcome == Attempt::kMoved) moved = op;
    }
    if (moved == nullptr) {
      if (EnsureEngine() != 0) {
        Deliver(op, WSAENOBUFS, static_cast<DWORD>(op->done), 0);
        return;
      }
      Enqueue(socket, queue, op);
      ArmOrFail(socket);
    }
  }
  ContinueMoved(moved);
}

namespace {

// Whether a receive may be the ring's own (PutInRing): a stream's, of at least one byte,
// without flags, completed through the socket's completion port (not a routine; not an hEvent
// with its low bit set, which keeps the packet from the port).
bool RingEligible(const Operation &op, LPWSAOVERLAPPED overlapped) {
  if (op.datagram || op.unix_flags != 0 || op.routine != nullptr || op.synchronous ||
      (reinterpret_cast<uintptr_t>(overlapped->hEvent) & 1) != 0 ||
      !op.record->has_completion_port()) {
    return false;
  }
  for (uint32_t i = 0; i < op.iov_count; ++i)
    if (op.iov[i].iov_len != 0) return true;
  return false;
}

}  // namespace

int StartSend(const SocketCall &call, LPWSABUF buffers, DWORD count, LPDWORD sent, DWORD flags,
              const struct WS_sockaddr *to, int to_length, LPWSAOVERLAPPED overlapped,
              LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT lpErrno) {
  if (buffers == nullptr && count > 0) return Fail(lpErrno, WSAEFAULT);
  int unix_flags = 0;
  unsigned unsupported = 0;
  if (!net::MsgFlagsToUnix(flags, &unix_flags, &unsupported) || unsupported != 0) {
    return Fail(lpErrno, WSAEOPNOTSUPP);
  }
  int error = 0;
  Operation *op = NewOperation(call, overlapped, routine, thread, &error);
  if (op == nullptr) return Fail(lpErrno, error);
  if (!CaptureBuffers(*op, buffers, count)) {
    DeleteOperation(op);
    return Fail(lpErrno, WSAENOBUFS);
  }
  if (to != nullptr && op->datagram) {
    if (to->sa_family != call->family()) {
      DeleteOperation(op);
      return Fail(lpErrno, WSAEFAULT);
    }
    if (int e = net::SockaddrToUnix(to, to_length, &op->address, &op->address_length); e != 0) {
      DeleteOperation(op);
      return Fail(lpErrno, e);
    }
  }
  op->unix_flags = unix_flags;
  op->attempt = SendData;
  op->events = POLLOUT;
  return Submit(call, op, Queue::kOut, sent, nullptr, lpErrno);
}

int StartReceive(const SocketCall &call, LPWSABUF buffers, DWORD count, LPDWORD received,
                 LPDWORD flags, struct WS_sockaddr *from, LPINT from_length,
                 LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                 LPWSATHREADID thread, LPINT lpErrno) {
  if ((buffers == nullptr && count > 0) || flags == nullptr) return Fail(lpErrno, WSAEFAULT);
  if (from != nullptr && (from_length == nullptr ||
                          *from_length < net::SockaddrSize(call->family()))) {
    return Fail(lpErrno, WSAEFAULT);
  }
  int unix_flags = 0;
  unsigned unsupported = 0;
  const DWORD in_flags = *flags & ~static_cast<DWORD>(WS_MSG_PARTIAL);
  if (!net::MsgFlagsToUnix(in_flags, &unix_flags, &unsupported) || unsupported != 0) {
    return Fail(lpErrno, WSAEOPNOTSUPP);
  }
  int error = 0;
  Operation *op = NewOperation(call, overlapped, routine, thread, &error);
  if (op == nullptr) return Fail(lpErrno, error);
  if (!CaptureBuffers(*op, buffers, count)) {
    DeleteOperation(op);
    return Fail(lpErrno, WSAENOBUFS);
  }
  op->unix_flags = unix_flags;
  op->from = from;
  op->from_length = from_length;
  op->attempt = ReceiveData;
  op->events = (unix_flags & MSG_OOB) != 0 ? POLLPRI : POLLIN;
  op->ring_eligible = from == nullptr && RingEligible(*op, overlapped);  // a receive of a stream
  // Submit writes the caller's flags (and count) of a receive that completes at once before it
  // delivers the completion: once a port or an event has it, another thread may free the
  // memory they are in (a layered provider's request block, as the non-IFS test LSP's is).
  return Submit(call, op, Queue::kIn, received, flags, lpErrno);
}

int CompleteNow(const SocketCall &call, LPWSAOVERLAPPED overlapped,
                LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, DWORD error,
                DWORD bytes, DWORD flags) {
  int e = 0;
  Operation *op = NewOperation(call, overlapped, routine, thread, &e);
  if (op == nullptr) return e;
  StdMutexLock lock(&call->mu);
  op->at_once = true;
  Deliver(op, error, bytes, flags);
  return 0;
}

void CancelAll(const SocketCall &call, bool notify) {
  BaseSocket &s = *call;
  {
    StdMutexLock lock(&s.mu);
#if WS2EMU_HAVE_URING
    CancelRingHeads(s, [](const Operation &) { return true; }, /*silent=*/!notify);
#endif
    Operation *op = Extract(s, [](const Operation &) { return true; });
    Disarm(s);
    while (op != nullptr) {
      Operation *next = op->next;
      op->next = nullptr;
      if (notify || op->synchronous) {
        // (A synchronous call's own OVERLAPPED is waited for by its caller: it always hears.)
        Deliver(op, WSA_OPERATION_ABORTED, static_cast<DWORD>(op->done), 0);
      } else {
        DeleteOperation(op);  // WSPCleanup: nothing is delivered (SPEC.md §5)
      }
      op = next;
    }
  }
#if WS2EMU_HAVE_URING
  WaitForRingCancels(s);
#endif
}

uint32_t CancelIo(SOCKET s, LPWSAOVERLAPPED which, bool all_threads) {
  SocketCall call(s, nullptr);
  if (!call) return 6;  // ERROR_INVALID_HANDLE
  BaseSocket &socket = *call;
  const pid_t self = CurrentTid();
  bool found = false;
  {
    StdMutexLock lock(&socket.mu);
    auto match = [&](const Operation &o) {
      return (which == nullptr || o.overlapped == which) && (all_threads || o.issuer == self);
    };
#if WS2EMU_HAVE_URING
    found = CancelRingHeads(socket, match, /*silent=*/false);  // delivered at their CQEs
#endif
    Operation *op = Extract(socket, match);
    found = found || op != nullptr;
    while (op != nullptr) {
      Operation *next = op->next;
      op->next = nullptr;
      Deliver(op, WSA_OPERATION_ABORTED, static_cast<DWORD>(op->done), 0);
      op = next;
    }
  }
#if WS2EMU_HAVE_URING
  WaitForRingCancels(socket);
#endif
  if (!found && all_threads) return 1168;  // ERROR_NOT_FOUND (CancelIoEx)
  return 0;
}

void StopEngine() {
  Engine &e = TheEngine();
  StdMutexLock lock(&e.start_mu);
  const Backend backend = e.backend.load(std::memory_order_acquire);
  if (backend == Backend::kNone) return;
  // Every socket was closed by WSPCleanup before this: the polls left are being removed.
#if WS2EMU_HAVE_URING
  if (backend == Backend::kUring) {
    StdMutexLock submit(&e.submit_mu);
    io_uring_sqe *sqe = GetSqe(e);
    if (sqe != nullptr) {
      io_uring_prep_nop(sqe);
      io_uring_sqe_set_data64(sqe, kStopTag);
      SubmitNow(e);
    } else {
      e.stopping.store(true);  // [inference] no SQE: the next CQE ends the reaper
      if (const int fd = e.reaper_fd.load(); fd >= 0) {
        const uint64_t one = 1;
        (void)!write(fd, &one, sizeof(one));
      }
    }
  }
#endif
  if (backend == Backend::kEpoll) {
    e.stopping.store(true, std::memory_order_release);
    const uint64_t one = 1;
    (void)!write(e.wake_fd, &one, sizeof(one));
  }
  if (e.reaper.joinable()) e.reaper.join();
#if WS2EMU_HAVE_URING
  if (backend == Backend::kUring) {
    {
      StdMutexLock submit(&e.submit_mu);  // WakeIdle looks at the backend under it
      e.backend.store(Backend::kNone, std::memory_order_seq_cst);
    }
    // A port waiter that entered RunWhileIdle before it saw the engine stopping leaves without
    // touching the ring (it checks under reap_mu); wait until none is left inside.
    // No reap_mu here: start_mu is held, and reap_mu comes before the sockets' mutexes, which
    // come before start_mu (EnsureEngine). The reaper has ended, and a port thread touches the
    // ring only while counted in runners with the backend seen as io_uring: none is left.
    while (e.runners.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
    io_uring_queue_exit(&e.ring);
    if (const int fd = e.reaper_fd.exchange(-1); fd >= 0) close(fd);
    e.leased.store(false, std::memory_order_relaxed);  // a new ring starts with the signal on
  }
#endif
  if (e.epoll_fd >= 0) close(e.epoll_fd);
  if (e.wake_fd >= 0) close(e.wake_fd);
  e.epoll_fd = e.wake_fd = -1;
  e.backend.store(Backend::kNone, std::memory_order_release);
}

uint64_t PortWaitsThatRanTheEngine() {
  return TheEngine().runs.load(std::memory_order_relaxed);
}

uint64_t IdlePollRemovals() {
  return TheEngine().idle_removals.load(std::memory_order_relaxed);
}

uint64_t RingReceives() {
#if WS2EMU_HAVE_URING
  return TheEngine().ring_ops.load(std::memory_order_relaxed);
#else
  return 0;
#endif
}

bool RingDefersTaskWork() {
  Engine &e = TheEngine();
  return e.backend.load(std::memory_order_acquire) == Backend::kUring &&
         e.coop_taskrun.load(std::memory_order_relaxed);
}

const char *EngineName() {
  switch (TheEngine().backend.load(std::memory_order_acquire)) {
    case Backend::kUring:
      return "io_uring";
    case Backend::kEpoll:
      return "epoll";
    default:
      return "none";
  }
}

// WSPGetOverlappedResult: the result of an overlapped operation on `s`. With fWait it waits
// for the completion: on hEvent when it is an event (as Windows does), otherwise — a routine's
// context in hEvent, or no event — on the operation's own completion.
BOOL WSPAPI WSPGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer,
                                   BOOL fWait, LPDWORD lpdwFlags, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return FALSE;
  if (lpOverlapped == nullptr || lpcbTransfer == nullptr || lpdwFlags == nullptr) {
    Fail(lpErrno, WSAEFAULT);
    return FALSE;
  }
  if (LoadStatus(lpOverlapped) == WSS_OPERATION_IN_PROGRESS) {
    if (!fWait) {
      Fail(lpErrno, WSA_IO_INCOMPLETE);
      return FALSE;
    }
    const uint64_t h = reinterpret_cast<uintptr_t>(lpOverlapped->hEvent) & ~uint64_t{1};
    if (h != 0) {
      if (Ref<Event> event = HandleTable::Get().LookupAs<Event>(h)) {
        Waitable *objects[1] = {event.get()};
        WaitForObjects(objects, 1, false, kInfinite, false);
      }
    }
    if (LoadStatus(lpOverlapped) == WSS_OPERATION_IN_PROGRESS) {
      g_done_waiters.fetch_add(1, std::memory_order_acq_rel);
      {
        StdMutexLock lock(&g_done_mu);
        while (LoadStatus(lpOverlapped) == WSS_OPERATION_IN_PROGRESS) g_done_cv.Wait(&g_done_mu);
      }
      g_done_waiters.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  const ULONG_PTR status = LoadStatus(lpOverlapped);
  *lpcbTransfer = static_cast<DWORD>(__atomic_load_n(&lpOverlapped->InternalHigh, __ATOMIC_RELAXED));
  *lpdwFlags = __atomic_load_n(&lpOverlapped->Offset, __ATOMIC_RELAXED);
  if (status != 0) {
    Fail(lpErrno, static_cast<int>(status));
    return FALSE;
  }
  return TRUE;
}

}  // namespace ws2emu::base_provider
