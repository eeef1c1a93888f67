/*
 * tests/pe/importer_dll.c — a DLL that imports from another PE DLL (loader_dll.dll, found in
 * its own folder), for the loader's dependency loading, reference counting and failure paths.
 */
#include <windows.h>

__declspec(dllimport) int LoaderAdd(int a, int b);

/* An absolute address, so that the image has base relocations and can move. */
static int g_factor = 2;
static int *volatile g_factor_pointer = &g_factor;

__declspec(dllexport) int ImporterTwiceSum(int a, int b) { return *g_factor_pointer * LoaderAdd(a, b); }

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance, (void)reason, (void)reserved;
  return TRUE;
}
