/*
 * tests/pe/sample_dll.c — a small Windows DLL (built with mingw-w64) that has one of each thing
 * the PE parser reads: exports by name, by ordinal only and forwarded (sample_dll.def), imports
 * by name from KERNEL32, a TLS directory with a callback, and base relocations.
 */
#include <windows.h>

static int g_tls_calls;
static int *g_pointer = &g_tls_calls; /* an absolute address: needs a base relocation */

static void NTAPI TlsCallback(PVOID module, DWORD reason, PVOID reserved) {
  (void)module, (void)reason, (void)reserved;
  g_tls_calls++;
}

/* The mingw CRT sees __tls_used; the callback array lives in .CRT$XL? sections. */
#ifdef __cplusplus
extern "C"
#endif
    PIMAGE_TLS_CALLBACK sample_tls_callback __attribute__((section(".CRT$XLB"), used)) =
        TlsCallback;

__declspec(dllexport) int SampleAdd(int a, int b) { return a + b + *g_pointer * 0; }

int SampleHidden(void) { return (int)GetLastError(); }

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance, (void)reason, (void)reserved;
  return TRUE;
}
