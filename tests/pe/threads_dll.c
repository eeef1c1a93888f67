/*
 * tests/pe/threads_dll.c — a DLL (mingw-w64, with its C runtime) that creates threads the
 * Windows way: CreateThread with parameters and exit codes, ExitThread, CREATE_SUSPENDED +
 * ResumeThread, waiting on thread handles, an APC queued from a worker to the creating thread,
 * and DLL_THREAD_ATTACH/DETACH counted in DllMain. ThreadsRun returns 0, or the line of the
 * first check that failed.
 */
#include <windows.h>

static volatile LONG g_thread_attach, g_thread_detach;
static volatile LONG g_suspended_ran;
static volatile LONG g_apc_ran;
static volatile DWORD g_apc_thread;
static HANDLE g_main_thread;

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance, (void)reserved;
  if (reason == DLL_THREAD_ATTACH) InterlockedIncrement(&g_thread_attach);
  if (reason == DLL_THREAD_DETACH) InterlockedIncrement(&g_thread_detach);
  return TRUE;
}

static DWORD WINAPI Twice(LPVOID parameter) { return 2 * (DWORD)(ULONG_PTR)parameter; }

static DWORD WINAPI Quits(LPVOID parameter) {
  (void)parameter;
  ExitThread(77);
}

static DWORD WINAPI Suspended(LPVOID parameter) {
  (void)parameter;
  InterlockedIncrement(&g_suspended_ran);
  return 5;
}

static VOID CALLBACK OnMainThread(ULONG_PTR context) {
  g_apc_ran += (LONG)context;
  g_apc_thread = GetCurrentThreadId();
}

static DWORD WINAPI QueuesApc(LPVOID parameter) {
  (void)parameter;
  return QueueUserAPC(OnMainThread, g_main_thread, 9) ? 0 : 1;
}

#define CHECK(cond) \
  if (!(cond)) return __LINE__

__declspec(dllexport) int ThreadsRun(void) {
  DWORD id = 0, code = 0;
  HANDLE t[2];
  t[0] = CreateThread(NULL, 0, Twice, (LPVOID)21, 0, &id);
  CHECK(t[0] != NULL && id != 0 && id != GetCurrentThreadId());
  t[1] = CreateThread(NULL, 64 * 1024, Quits, NULL, 0, NULL);
  CHECK(t[1] != NULL);
  CHECK(WaitForMultipleObjects(2, t, TRUE, 5000) == WAIT_OBJECT_0);
  CHECK(GetExitCodeThread(t[0], &code) && code == 42);
  CHECK(GetExitCodeThread(t[1], &code) && code == 77);
  CHECK(CloseHandle(t[0]) && CloseHandle(t[1]));

  HANDLE s = CreateThread(NULL, 0, Suspended, NULL, CREATE_SUSPENDED, NULL);
  CHECK(s != NULL);
  Sleep(50);
  CHECK(g_suspended_ran == 0);
  CHECK(GetExitCodeThread(s, &code));
  CHECK(code == STILL_ACTIVE);
  CHECK(ResumeThread(s) == 1);
  CHECK(WaitForSingleObject(s, 5000) == WAIT_OBJECT_0 && g_suspended_ran == 1);
  CHECK(GetExitCodeThread(s, &code) && code == 5);
  CHECK(CloseHandle(s));

  g_main_thread = OpenThread(THREAD_SET_CONTEXT, FALSE, GetCurrentThreadId());
  CHECK(g_main_thread != NULL);
  HANDLE q = CreateThread(NULL, 0, QueuesApc, NULL, 0, NULL);
  CHECK(q != NULL);
  CHECK(WaitForSingleObjectEx(q, 5000, FALSE) == WAIT_OBJECT_0);
  CHECK(g_apc_ran == 0);  /* not before an alertable wait */
  CHECK(SleepEx(5000, TRUE) == WAIT_IO_COMPLETION && g_apc_ran == 9);
  CHECK(g_apc_thread == GetCurrentThreadId());
  CHECK(CloseHandle(q) && CloseHandle(g_main_thread));

  /* Every thread attached and detached once (the wait returns after the detach). */
  CHECK(g_thread_attach == 4 && g_thread_detach == 4);
  return 0;
}
