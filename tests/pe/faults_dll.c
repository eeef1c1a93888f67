/* tests/pe/faults_dll.c — a DLL whose code faults, for faults_program.c: a read, a write and a
 * division it guards itself (its own __except), and a read it leaves to its caller's. */
#include "faults_seh.h"

static volatile DWORD g_code;
static volatile ULONG_PTR g_info0, g_info1;

SEH_FILTER(faults_dll_filter) {
  (void)frame;
  g_code = pointers->ExceptionRecord->ExceptionCode;
  g_info0 = pointers->ExceptionRecord->ExceptionInformation[0];
  g_info1 = pointers->ExceptionRecord->ExceptionInformation[1];
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

/* *p = value, or -1 with the exception code and its ExceptionInformation[0..1] in code/info
 * when the write faults (read-only memory). */
__declspec(dllexport) __attribute__((noinline)) int faults_guarded_write(volatile int *p, int value,
                                                                        DWORD *code,
                                                                        ULONG_PTR info[2]) {
  static volatile int result;
  g_code = 0;
  result = -1;
  SEH_TRY(faults_dll_filter, 2)
  *p = value;
  result = 0;
  SEH_EXCEPT(2)
  *code = g_code;
  info[0] = g_info0;
  info[1] = g_info1;
  return result;
}

/* 100 / divisor, or -1 with the exception code when the division faults. */
__declspec(dllexport) __attribute__((noinline)) int faults_guarded_divide(volatile int divisor,
                                                                         DWORD *code) {
  static volatile int result;
  g_code = 0;
  result = -1;
  SEH_TRY(faults_dll_filter, 3)
  result = 100 / divisor;
  SEH_EXCEPT(3)
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
