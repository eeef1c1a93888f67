/*
 * tests/pe/loader_dll.c — a DLL built with mingw-w64 without its C runtime (-nostdlib), so that
 * everything it needs is what the ws2emu loader provides: KERNEL32 imports bound to the built-in
 * table, a TEB in GS, implicit TLS (__declspec(thread), set up here by hand the way mingw's
 * tlssup.c does), a TLS callback, DllMain, base relocations, and an import nobody emulates.
 */
#include <windows.h>
#include <intrin.h>

/* ---- implicit TLS, as the C runtime would declare it ---- */
ULONG _tls_index = 0;
char _tls_start __attribute__((section(".tls"))) = 0;
char _tls_end __attribute__((section(".tls$ZZZ"))) = 0;
PIMAGE_TLS_CALLBACK __xl_a __attribute__((section(".CRT$XLA"))) = 0;
PIMAGE_TLS_CALLBACK __xl_z __attribute__((section(".CRT$XLZ"))) = 0;

static LONG g_tls_callbacks;
static void NTAPI OnTls(PVOID module, DWORD reason, PVOID reserved) {
  (void)module, (void)reserved;
  if (reason == DLL_PROCESS_ATTACH) g_tls_callbacks++;
}
PIMAGE_TLS_CALLBACK __xl_b __attribute__((section(".CRT$XLB"))) = OnTls;

const IMAGE_TLS_DIRECTORY _tls_used = {
    (ULONG_PTR)&_tls_start + 1, (ULONG_PTR)&_tls_end, (ULONG_PTR)&_tls_index,
    (ULONG_PTR)(&__xl_a + 1),   0,                      0};

/* A variable in the TLS template. GCC for mingw emulates __thread through libgcc, so the access
 * below is written out the way MSVC and clang compile __declspec(thread): the TLS array at
 * gs:[0x58], this module's block at [_tls_index], the variable at its offset in the template. */
int t_counter __attribute__((section(".tls$BBB"))) = 40;
static int *ThreadCounter(void) {
  void **array = (void **)__readgsqword(0x58);
  char *block = (char *)array[_tls_index];
  return (int *)(block + ((char *)&t_counter - (&_tls_start + 1)));
}

/* ---- state the test reads back ---- */
static LONG g_attach, g_detach;
static int g_value = 7;
static int *g_pointer = &g_value; /* absolute address: relocated if the DLL moves */

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance, (void)reserved;
  if (reason == DLL_PROCESS_ATTACH) g_attach++;
  if (reason == DLL_PROCESS_DETACH) g_detach++;
  return TRUE;
}

__declspec(dllexport) int LoaderAdd(int a, int b) { return a + b + *g_pointer - 7; }
__declspec(dllexport) LONG LoaderAttachCount(void) { return g_attach; }
__declspec(dllexport) LONG LoaderTlsCallbackCount(void) { return g_tls_callbacks; }
__declspec(dllexport) int LoaderNextCounter(void) { return ++*ThreadCounter(); }
__declspec(dllexport) void *LoaderTeb(void) { return NtCurrentTeb(); }
/* The last error as compiled code can read it without a call: the TEB's LastErrorValue. */
__declspec(dllexport) DWORD LoaderTebLastError(void) { return *(DWORD *)((char *)NtCurrentTeb() + 0x68); }

__declspec(dllexport) DWORD LoaderLastError(DWORD value) {
  SetLastError(value);
  return GetLastError();
}
__declspec(dllexport) BOOL LoaderEventRoundTrip(void) {
  HANDLE e = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (e == NULL) return FALSE;
  BOOL ok = SetEvent(e) && WaitForSingleObject(e, 0) == WAIT_OBJECT_0;
  return CloseHandle(e) && ok;
}
/* Beep is not emulated: calling this must stop the process with the trap's exit code. */
__declspec(dllexport) BOOL LoaderCallMissing(void) { return Beep(440, 10); }
