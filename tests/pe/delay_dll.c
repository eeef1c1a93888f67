/*
 * tests/pe/delay_dll.c — a DLL that imports LoaderAdd from loader_dll.dll through a mingw
 * delay-load library (dlltool -y): the first call goes through __delayLoadHelper2, which loads
 * the DLL with LoadLibraryA and finds the function with GetProcAddress at run time.
 */
#include <windows.h>

__declspec(dllimport) int LoaderAdd(int a, int b);

__declspec(dllexport) int DelayAdd(int a, int b) { return LoaderAdd(a, b) + 100; }

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance, (void)reason, (void)reserved;
  return TRUE;
}
