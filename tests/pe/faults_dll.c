/* tests/pe/faults_dll.c — a DLL whose code faults, for faults_program.c: a read it guards
 * itself (its own __except), and one it leaves to its caller's. */
#include "faults_seh.h"

static volatile DWORD g_code;

SEH_FILTER(faults_dll_filter) {
  (void)frame;
  g_code = pointers->ExceptionRecord->ExceptionCode;
  return EXCEPTION_EXECUTE_HANDLER;
}

/* *p, or -1 with the exception code in *code when reading it faults. */
__declspec(dllexport) __attribute__((noinline)) int faults_guarded_read(volatile int *p,
                                                                       DWORD *code) {
  static volatile int result;
  g_code = 0;
  result = -1;
  SEH_TRY(faults_dll_filter, 1)
  result = *p;
  SEH_EXCEPT(1)
  *code = g_code;
  return result;
}

/* *p, unguarded. */
__declspec(dllexport) __attribute__((noinline)) int faults_read(volatile int *p) { return *p; }

/* A thread of this DLL that sleeps, then returns into this DLL's code: started by
 * faults_start_late_thread, it outlives a FreeLibrary made meanwhile (as a real LSP's worker
 * thread does when the LSP is unloaded under it). */
static DWORD WINAPI late_thread(LPVOID delay) {
  Sleep((DWORD)(ULONG_PTR)delay);
  return 7;
}

__declspec(dllexport) HANDLE faults_start_late_thread(DWORD delay_ms) {
  return CreateThread(NULL, 0, late_thread, (LPVOID)(ULONG_PTR)delay_ms, 0, NULL);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance;
  (void)reason;
  (void)reserved;
  return TRUE;
}
