// CreateThread and friends. A thread created here gets the runtime's thread object (so its
// handle can be waited on, queued APCs, and report an exit code), a TEB with its TLS blocks,
// and DLL_THREAD_ATTACH/DETACH in every loaded module, as on Windows. ExitThread returns to
// the thread's start frame with longjmp: the PE frames in between are not unwound (they have no
// DWARF unwind information), which is what ExitThread does on Windows too (no C++ unwinding).
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>

#include <map>
#include <cstdio>
#include <new>
#include <unistd.h>

#include "base/annotated_mutex.h"
#include "absl/base/attributes.h"
#include "absl/base/thread_annotations.h"
#include "handles/handle_table.h"
#include "loader/loader.h"
#include "loader/teb.h"
#include "threads/thread.h"
#include "boundary/last_error.h"
#include "kernel_objects/lookup.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr DWORD kCreateSuspended = 0x00000004;
constexpr SIZE_T kDefaultStack = 1 << 20;  // Windows' default reserve

struct Start {
  ThreadStartRoutine routine = nullptr;
  LPVOID parameter = nullptr;
  // Every change of the fields below signals `changed` (under mu): the new thread waits for
  // MayRun, the creator for Started.
  StdMutex mu;
  StdCondVar changed;
  Thread *thread ABSL_GUARDED_BY(mu) = nullptr;  // set by the new thread
  // Or this, when it cannot have a thread object (errno); it ends.
  int error ABSL_GUARDED_BY(mu) = 0;
  bool acknowledged ABSL_GUARDED_BY(mu) = false;  // set by the creator once it no longer reads this
  DWORD suspend_count ABSL_GUARDED_BY(mu) = 0;
  // The new thread owns (and deletes) this record, but only after the creator acknowledged and
  // the thread was resumed: until then the creator or ResumeThread may still read it.
};

// What the new thread waits for before it runs the routine.
bool MayRun(Start *start) ABSL_EXCLUSIVE_LOCKS_REQUIRED(start->mu) {
  return start->acknowledged && start->suspend_count == 0;
}
// What the creator waits for: the new thread has its object, or has failed to get one.
bool Started(Start *start) ABSL_EXCLUSIVE_LOCKS_REQUIRED(start->mu) {
  return start->thread != nullptr || start->error != 0;
}

// Suspended threads by thread id, for ResumeThread.
ABSL_CONST_INIT StdMutex g_suspended_mu;
auto &g_suspended ABSL_GUARDED_BY(g_suspended_mu) = *new std::map<uint32_t, Start *>();

thread_local sigjmp_buf *t_exit_jump = nullptr;
thread_local DWORD t_exit_code = 0;

void *Trampoline(void *arg) {
  auto *start = static_cast<Start *>(arg);
  int error = 0;
  Thread *self = Thread::Current(&error);
  if (self == nullptr) {
    // No descriptor or memory for the thread object: CreateThread fails with that error, and
    // this thread ends before running anything (the creator frees the record).
    StdMutexLock lock(&start->mu);
    start->error = error != 0 ? error : ENOMEM;
    start->changed.SignalAll();
    return nullptr;
  }
  if (TryEnsureTeb() == nullptr) {
    // No memory for its TEB: the same as no thread object (CreateThread fails with
    // ERROR_NOT_ENOUGH_MEMORY and the thread ends before running anything).
    StdMutexLock lock(&start->mu);
    start->error = ENOMEM;
    start->changed.SignalAll();
    return nullptr;
  }
  {
    StdMutexLock lock(&start->mu);
    start->thread = self;
    start->changed.SignalAll();
    while (!MayRun(start)) start->changed.Wait(&start->mu);
  }
  ThreadStartRoutine routine = start->routine;
  LPVOID parameter = start->parameter;
  delete start;

  Loader::Get().ThreadAttach();
  sigjmp_buf exit_jump;
  DWORD code;
  if (sigsetjmp(exit_jump, 0) == 0) {
    t_exit_jump = &exit_jump;
    code = routine(parameter);
  } else {
    code = t_exit_code;  // ExitThread
  }
  t_exit_jump = nullptr;
  Loader::Get().ThreadDetach();
  self->set_exit_code(code);
  return nullptr;
}

}  // namespace

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES, SIZE_T dwStackSize,
                           ThreadStartRoutine lpStartAddress, LPVOID lpParameter,
                           DWORD dwCreationFlags, LPDWORD lpThreadId) {
  if (lpStartAddress == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  auto *start = new (std::nothrow) Start();
  if (start == nullptr) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  start->routine = lpStartAddress;
  start->parameter = lpParameter;
  {
    StdMutexLock lock(&start->mu);  // uncontended: the thread does not exist yet
    start->suspend_count = (dwCreationFlags & kCreateSuspended) != 0 ? 1 : 0;
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  // dwStackSize is what Windows commits first; the reservation is at least the image's default
  // (1 MiB), and glibc also keeps the thread's static TLS in this block: never go below it.
  SIZE_T stack = dwStackSize > kDefaultStack ? dwStackSize : kDefaultStack;
  pthread_attr_setstacksize(&attr, (stack + 4095) & ~SIZE_T{4095});
  pthread_t pthread;
  int rc = pthread_create(&pthread, &attr, Trampoline, start);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    delete start;
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  // Wait until the thread has its thread object, and take a reference to it before letting the
  // thread run: a short thread could otherwise end and free it first.
  Ref<Thread> thread;
  start->mu.Lock();
  while (!Started(start)) start->changed.Wait(&start->mu);
  if (start->thread == nullptr) {
    const int error = start->error;
    start->mu.Unlock();
    delete start;  // the thread has stopped reading it
    ws2emu_SetLastError(ResourceError(error));
    return nullptr;
  }
  thread = Ref<Thread>::Share(start->thread);
  const bool suspended = start->suspend_count > 0;
  start->mu.Unlock();
  // Never start->mu then g_suspended_mu: ResumeThread takes them the other way round. The
  // thread cannot run (nor free the record) before `acknowledged`, so the record stays valid.
  if (suspended) {
    StdMutexLock s(&g_suspended_mu);
    g_suspended[thread->id()] = start;
  }
  {
    StdMutexLock lock(&start->mu);
    start->acknowledged = true;
    start->changed.SignalAll();
  }
  const uint32_t tid = thread->id();
  uint64_t h = HandleTable::Get().Insert(thread.release());
  if (lpThreadId != nullptr) *lpThreadId = tid;
  if (h == 0) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;  // the thread runs on, as when CloseHandle follows CreateThread at once
  }
  return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(h));
}

DWORD WINAPI ResumeThread(HANDLE hThread) {
  uint32_t error = ERROR_INVALID_HANDLE;  // or, for GetCurrentThread(), why it has no object
  Ref<Thread> t = LookupObjectAs<Thread>(hThread, &error);
  if (!t) {
    ws2emu_SetLastError(error);
    return static_cast<DWORD>(-1);
  }
  StdMutexLock s(&g_suspended_mu);
  auto it = g_suspended.find(t->id());
  if (it == g_suspended.end()) return 0;  // running: the suspend count was 0
  Start *start = it->second;
  StdMutexLock lock(&start->mu);
  DWORD previous = start->suspend_count;
  if (--start->suspend_count == 0) {
    g_suspended.erase(it);
    start->changed.SignalAll();  // it may run now (and then frees the record)
  }
  return previous;
}

DWORD WINAPI SuspendThread(HANDLE) {
  // Stopping a running thread at an arbitrary point is not something the runtime can do.
  ws2emu_SetLastError(ERROR_NOT_SUPPORTED);
  return static_cast<DWORD>(-1);
}

void WINAPI ExitThread(DWORD dwExitCode) {
  if (t_exit_jump == nullptr) {
    std::fprintf(stderr,
                 "[ws2emu kernel32] ExitThread(%u) on a thread not created by CreateThread; "
                 "ending the process with that code\n",
                 dwExitCode);
    _exit(static_cast<int>(dwExitCode));
  }
  t_exit_code = dwExitCode;
  siglongjmp(*t_exit_jump, 1);
}

BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode) {
  uint32_t error = ERROR_INVALID_HANDLE;
  Ref<Thread> t = LookupObjectAs<Thread>(hThread, &error);
  if (!t || lpExitCode == nullptr) {
    ws2emu_SetLastError(!t ? error : ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  *lpExitCode = t->exit_code();
  return TRUE;
}

BOOL WINAPI DisableThreadLibraryCalls(HMODULE hLibModule) {
  if (!Loader::Get().DisableThreadCalls(hLibModule)) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  return TRUE;
}

// Thread priorities are recorded per thread (by thread id) and reported back; they do not
// change the host scheduling [inference: the runtime's threads share one priority class and a
// nice value would need privileges to be lowered back]. A thread never set is
// THREAD_PRIORITY_NORMAL.
namespace {

constexpr int kPriorityNormal = 0, kPriorityIdle = -15, kPriorityTimeCritical = 15;
constexpr int kPriorityErrorReturn = 0x7FFFFFFF;  // THREAD_PRIORITY_ERROR_RETURN

ABSL_CONST_INIT StdMutex g_priorities_mu;
auto &g_priorities ABSL_GUARDED_BY(g_priorities_mu) = *new std::map<uint32_t, int>();

}  // namespace

BOOL WINAPI SetThreadPriority(HANDLE hThread, int nPriority) {
  // THREAD_PRIORITY_LOWEST..HIGHEST (-2..2), IDLE (-15) and TIME_CRITICAL (15); the
  // background-mode values (0x10000, 0x20000) only apply to the current thread and change no
  // scheduling here either: refused like any other value [inference].
  if (!((nPriority >= -2 && nPriority <= 2) || nPriority == kPriorityIdle ||
        nPriority == kPriorityTimeCritical)) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  DWORD id = ws2emu_GetThreadId(hThread);  // sets ERROR_INVALID_HANDLE for a bad handle
  if (id == 0) return FALSE;
  StdMutexLock lock(&g_priorities_mu);
  g_priorities[id] = nPriority;
  return TRUE;
}

int WINAPI GetThreadPriority(HANDLE hThread) {
  DWORD id = ws2emu_GetThreadId(hThread);
  if (id == 0) return kPriorityErrorReturn;
  StdMutexLock lock(&g_priorities_mu);
  auto it = g_priorities.find(id);
  return it != g_priorities.end() ? it->second : kPriorityNormal;
}

// Ending another thread at an arbitrary point would leave the locks it holds (the runtime's,
// the C library's) held forever: refused, loudly.
BOOL WINAPI TerminateThread(HANDLE hThread, DWORD dwExitCode) {
  std::fprintf(stderr,
               "[ws2emu kernel32] TerminateThread(%p, %u) is not supported: a thread can only end "
               "itself (ExitThread) or return\n",
               hThread, dwExitCode);
  ws2emu_SetLastError(ERROR_NOT_SUPPORTED);
  return FALSE;
}

DWORD WINAPI GetCurrentProcessId(void) { return static_cast<DWORD>(getpid()); }

}  // namespace ws2emu::emu::win32
