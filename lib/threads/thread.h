// lib/threads/thread.h — the thread object every thread that touches the runtime gets, with its
// APC queue and its wake channel.
//
//   Thread *self = Thread::Current(&err);      // created on first use; null without an fd
//   Ref<Thread> t = Thread::FindById(tid);     // OpenThread
//   t->QueueApc(routine, context);             // any thread; runs on t, in an alertable wait
//   self->Block(fds, n, timeout_ms, /*alertable=*/true);
//
// APCs. The queue is FIFO, many producers and one consumer (the thread itself). An APC runs only
// on its thread, only when that thread is in an alertable wait (RunApcs is called by the wait
// functions and nowhere else), and a wait runs every pending APC, including ones queued by an
// APC while it runs, before it returns WAIT_IO_COMPLETION. When the thread exits its pending
// APCs are discarded and QueueApc fails from then on.
//
// Discarded APCs. An APC whose context owns something (the base provider's completion routine
// owns its Operation) registers a discard function for its APC function (RegisterApcDiscard);
// every APC that is dropped without running then has it called once, with its context. Each
// queued APC ends exactly one way: it runs, or it is discarded. One that QueueApc refused was
// never queued: neither happens, and its context stays the caller's.
//
// Waking. A thread that enters an alertable wait publishes wait_state_ = kWaiting and then
// checks the queue; a producer pushes and then moves kWaiting -> kWoken with a CAS and, only if
// it won, sends the wake. That Dekker pair (both sides seq_cst) means an APC is never missed and
// at most one wake is sent per wait. Two backends carry the wake (WS2EMU_APC=uring|signal):
//   - uring: the waiter blocks in its own io_uring, with one POLL_ADD per object it waits on;
//     the producer sends IORING_OP_MSG_RING from its own ring into the waiter's.
//   - signal: the producer sends a real-time signal with tgkill; the signal is blocked in every
//     runtime thread except inside ppoll, so a wake that arrives before the wait is not lost.
// If io_uring (or MSG_RING) is unavailable the runtime falls back to signals, and says so on
// stderr when WS2EMU_DEBUG is on (base/debug.h).
//
// Running out of descriptors or memory never aborts. A thread whose object cannot be created
// gets null from Current() and the calling API fails with its documented error; the next call
// tries again. Under the uring backend, a waiter whose ring cannot be set up waits with ppoll
// and is woken by the signal (its ring_fd_ stays -1, which is what tells producers to signal);
// a producer without a ring of its own sends MSG_RING from a process-wide ring kept from the
// start-up probe, so a waiter blocked in io_uring (the signal blocked) is never sent a signal
// it cannot see.
//
// Lifetime. The thread-local holder owns one reference; it is dropped at thread exit, after the
// thread is marked exited and its exit event set. Handles (WPUOpenCurrentThread, OpenThread)
// own further references, so a WSATHREADID stays usable after its thread has gone (QueueApc
// then fails cleanly).
#ifndef WS2EMU_LIB_THREADS_THREAD_H_
#define WS2EMU_LIB_THREADS_THREAD_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <deque>

#include "absl/base/thread_annotations.h"
#include "base/annotated_mutex.h"
#include "sync/event.h"
#include "sync/waitable.h"
#include "ws2emu/ws2spi.h"

struct io_uring;

namespace ws2emu {

class MutexObject;

enum class ApcBackend { kUring, kSignal };

// The discard function of one APC function: `discard(context)` is called for an APC of `fn`
// that is dropped without running. [inference] Winsock has no such registration. The nearest
// Windows piece is the kernel's: an APC object (KAPC) carries a rundown routine, called
// instead of the APC when its thread exits with it queued, so that whoever queued it can free
// what it owns (an I/O's request, for one). This is the runtime's equivalent, used by the
// built-in base provider the way a real provider relies on its kernel; WPUQueueApc's
// signature and behaviour are unchanged.
//
// Where an APC is dropped, and so where `discard` runs: on the exiting thread, at its exit
// (the thread-local destructors; the main thread's in exit(), before static destructors),
// after QueueApc has started to refuse and before its thread object is signaled; or on the
// thread that destroys a thread object that still had APCs (only an object that never became
// visible, so nothing in practice). At process exit, threads still running keep their queues:
// nothing is dropped while its thread may still run it. `discard` is called with no runtime
// lock held; it may call into the runtime (close handles, queue APCs to other threads), and it
// must not run the APC's work (the thread it was meant for is gone).
//
//   constinit ApcDiscard g_entry{MyApc, FreeMyContext};
//   RegisterApcDiscard(&g_entry);  // once, before the first APC of MyApc is queued
//
// The entry is linked into a process-wide list, so registering cannot fail and allocates
// nothing; it must live as long as the process (static storage) and is never unregistered.
// Registering the same entry again does nothing; one entry per APC function (if two name the
// same function, the one registered last is used).
struct ApcDiscard {
  LPWSAUSERAPC fn;
  void (*discard)(DWORD_PTR context);
  ApcDiscard *next = nullptr;  // the list's link: written by RegisterApcDiscard under its lock
};
void RegisterApcDiscard(ApcDiscard *entry);

// The backend in use, decided once per process from WS2EMU_APC and what the kernel offers.
ApcBackend ActiveApcBackend();
const char *ApcBackendName(ApcBackend backend);

class Thread final : public Waitable {
 public:
  static constexpr ObjectType kType = ObjectType::kThread;

  // The calling thread's object, created on first use. Null when it cannot be created now:
  // *error (if not null) then holds the errno, EMFILE or ENFILE (no descriptor for its exit
  // event) or ENOMEM. A failure is not remembered: the next call tries again, and succeeds once
  // a descriptor is free. Never aborts and never throws. After the thread's object has been
  // released at thread exit, null (with ESRCH): it is not created twice.
  static Thread *Current(int *error = nullptr);
  // The calling thread's object if it has one; never creates it.
  static Thread *CurrentIfAny();
  // The live thread with Linux thread id `tid`, or null.
  static Ref<Thread> FindById(uint32_t tid);

  ~Thread() override;

  uint32_t id() const { return tid_; }
  bool exited() const { return exited_.load(std::memory_order_acquire); }

  // GetExitCodeThread: kStillActive until the thread has exited, then what it set (0 unless a
  // thread runner such as emu's CreateThread sets it before the thread ends).
  static constexpr uint32_t kStillActive = 259;
  uint32_t exit_code() const {
    return exited() ? exit_code_.load(std::memory_order_acquire) : kStillActive;
  }
  void set_exit_code(uint32_t code) { exit_code_.store(code, std::memory_order_release); }

  // Queues fn(context) to run on this thread. False if it cannot: *error (if not null) is then
  // ESRCH (the thread has exited) or ENOMEM (no memory for the queue entry; nothing was queued
  // and the queue is unchanged). Never aborts and never throws.
  bool QueueApc(LPWSAUSERAPC fn, DWORD_PTR context, int *error = nullptr);
  // Runs every pending APC. Only the thread itself calls this. True if at least one ran.
  bool RunApcs();
  bool HasApcs();

  enum class BlockResult { kReady, kWoken, kTimeout };
  // Blocks the calling thread, which must be this one, until one of `fds` polls readable,
  // `timeout_ms` passes (-1: never), or (alertable) an APC is queued. kReady says which fds by
  // `ready[i]` when ready is not null.
  BlockResult Block(const int *fds, int nfds, int64_t timeout_ms, bool alertable,
                    bool *ready = nullptr);

  // Mutexes (lib/threads/mutex_object.h) this thread owns: abandoned when it exits. Only this
  // thread calls these (a mutex is taken and released by its owner). OwnMutex takes a reference
  // and allocates nothing (the list is linked through the mutexes), so it cannot fail.
  void OwnMutex(MutexObject *mutex);
  void DisownMutex(MutexObject *mutex);
  // Unlinks (and releases) the owned named mutex whose shared state is `shared_id`: a named
  // mutex opened twice in one process is two objects over one state, and the release that
  // frees it may come through another handle than the wait that took it.
  void DisownNamedMutex(uint64_t shared_id);

  // The auto-reset event this thread blocks on in completion-port waits, created on first use;
  // null if it cannot be created now (*error, if not null, the errno as for Current); the next
  // call tries again. Only this thread calls PortEvent and waits on the event.
  Event *PortEvent(int *error = nullptr);
  // The event PortEvent created, for the threads that wake this one: only valid for a thread
  // that is waiting on a port, which has created it (the port's lock orders the two).
  Event *port_event() const { return port_event_.get(); }

  // Waitable: a thread object is signaled once the thread has exited.
  int fd() const override { return exit_event_->fd(); }
  bool TryAcquire() override { return exit_event_->TryAcquire(); }
  bool IsSignaled() const override { return exit_event_->IsSet(); }
  SleepResult Sleep(int64_t timeout_ms) override { return exit_event_->Sleep(timeout_ms); }

 private:
  enum WaitState : int { kIdle = 0, kWaiting = 1, kWoken = 2 };
  struct Apc {
    LPWSAUSERAPC fn;
    DWORD_PTR context;
  };
  class Holder;

  Thread(uint32_t tid, Ref<Event> exit_event);
  void MarkExited();
  // Drops every pending APC, calling its discard function (RegisterApcDiscard). Called once
  // QueueApc refuses (exited_), so the queue only shrinks while it runs.
  void DiscardApcs();
  void Wake();
  BlockResult BlockSignal(const int *fds, int nfds, int64_t timeout_ms, bool alertable,
                          bool *ready);
  BlockResult BlockUring(const int *fds, int nfds, int64_t timeout_ms, bool alertable,
                         bool *ready);
  io_uring *Ring();  // this thread's ring, created on first use; null if it cannot be

  const uint32_t tid_;
  const Ref<Event> exit_event_;
  std::atomic<bool> exited_{false};
  std::atomic<uint32_t> exit_code_{0};
  std::atomic<int> wait_state_{kIdle};
  // StdMutex, not StdMutex, on the APC and wait paths: see base/annotated_mutex.h.
  StdMutex apc_mu_;
  std::deque<Apc> apcs_ ABSL_GUARDED_BY(apc_mu_);
  std::atomic<size_t> apc_count_{0};
  StdMutex owned_mu_;
  // The first of the mutexes this thread owns, each holding a reference (see OwnMutex).
  MutexObject *owned_head_ ABSL_GUARDED_BY(owned_mu_) = nullptr;
  Ref<Event> port_event_;  // written by this thread only, before it waits on a port
  io_uring *ring_ = nullptr;       // owned; used by this thread only, fd read by producers
  std::atomic<int> ring_fd_{-1};
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_THREADS_THREAD_H_
