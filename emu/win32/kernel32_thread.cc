// CreateThread and friends. A thread created here gets the runtime's thread object (so its
// handle can be waited on, queued APCs, and report an exit code), a TEB with its TLS blocks,
// and DLL_THREAD_ATTACH/DETACH in every loaded module, as on Windows. ExitThread returns to
// the thread's start frame with longjmp: the PE frames in between are not unwound (they have no
// DWARF unwind information), which is what ExitThread does on Windows too (no C++ unwinding).
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>

#include <condition_variable>
#include <map>
#include <cstdio>
#include <mutex>
#include <new>
#include <unistd.h>

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
  std::mutex mu;
  std::condition_variable cv;
  Thread *thread = nullptr;  // set by the new thread
  int error = 0;             // or this, when it cannot have a thread object (errno); it ends
  bool acknowledged = false; // set by the creator once it no longer reads this
  DWORD suspend_count = 0;   // guarded by mu
  // The new thread owns (and deletes) this record, but only after the creator acknowledged and
  // the thread was resumed: until then the creator or ResumeThread may still read it.
};

// Suspended threads by thread id, for ResumeThread.
std::mutex g_suspended_mu;
auto &g_suspended = *new std::map<uint32_t, Start *>();  // guarded by g_suspended_mu

thread_local sigjmp_buf *t_exit_jump = nullptr;
thread_local DWORD t_exit_code = 0;

void *Trampoline(void *arg) {
  auto *start = static_cast<Start *>(arg);
  int error = 0;
  Thread *self = Thread::Current(&error);
  if (self == nullptr) {
    // No descriptor or memory for the thread object: CreateThread fails with that error, and
    // this thread ends before running anything (the creator frees the record).
    std::lock_guard<std::mutex> lock(start->mu);
    start->error = error != 0 ? error : ENOMEM;
    start->cv.notify_all();
    return nullptr;
  }
  EnsureTeb();
  {
    std::unique_lock<std::mutex> lock(start->mu);
    start->thread = self;
    start->cv.notify_all();
    start->cv.wait(lock, [&] { return start->acknowledged && start->suspend_count == 0; });
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
  start->suspend_count = (dwCreationFlags & kCreateSuspended) != 0 ? 1 : 0;
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
  {
    std::unique_lock<std::mutex> lock(start->mu);
    start->cv.wait(lock, [&] { return start->thread != nullptr || start->error != 0; });
    if (start->thread == nullptr) {
      const int error = start->error;
      lock.unlock();
      delete start;  // the thread has stopped reading it
      ws2emu_SetLastError(ResourceError(error));
      return nullptr;
    }
    thread = Ref<Thread>::Share(start->thread);
    if (start->suspend_count > 0) {
      std::lock_guard<std::mutex> s(g_suspended_mu);
      g_suspended[thread->id()] = start;
    }
    start->acknowledged = true;
    start->cv.notify_all();
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
  std::lock_guard<std::mutex> s(g_suspended_mu);
  auto it = g_suspended.find(t->id());
  if (it == g_suspended.end()) return 0;  // running: the suspend count was 0
  Start *start = it->second;
  std::lock_guard<std::mutex> lock(start->mu);
  DWORD previous = start->suspend_count;
  if (--start->suspend_count == 0) {
    g_suspended.erase(it);
    start->cv.notify_all();
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
                 "ws2emu: ExitThread(%u) on a thread not created by CreateThread; ending the "
                 "process with that code\n",
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

DWORD WINAPI GetCurrentProcessId(void) { return static_cast<DWORD>(getpid()); }

}  // namespace ws2emu::emu::win32
