/*
 * tests/pe/modules_dll.c — a DLL (mingw-w64, with its C runtime) that finds code at run time
 * the way a layered provider finds the provider below it: LoadLibrary of built-in and PE DLLs
 * (found beside this DLL), GetProcAddress by name and ordinal, GetModuleHandle,
 * GetModuleFileName, FreeLibrary, and the documented errors. ModulesRun returns 0 or the line
 * of the first check that failed.
 */
#include <windows.h>
#include <string.h>
#include <wchar.h>

#define CHECK(cond) \
  if (!(cond)) return __LINE__

typedef int(WINAPI *AddFn)(int, int);

__declspec(dllexport) int ModulesRun(void) {
  HMODULE k32 = LoadLibraryA("KERNEL32");  /* ".dll" is appended */
  CHECK(k32 != NULL && GetModuleHandleW(L"kernel32.dll") == k32);
  CHECK((void *)GetProcAddress(k32, "GetTickCount") == (void *)GetTickCount);
  SetLastError(0);
  CHECK(GetProcAddress(k32, "NoSuchFunction") == NULL && GetLastError() == ERROR_PROC_NOT_FOUND);
  CHECK(FreeLibrary(k32));

  HMODULE ws2 = LoadLibraryW(L"ws2_32.dll");
  CHECK(ws2 != NULL && GetProcAddress(ws2, MAKEINTRESOURCEA(111)) != NULL); /* WSAGetLastError */

  HMODULE loader = LoadLibraryW(L"LOADER_DLL.DLL");  /* beside this DLL, any case */
  CHECK(loader != NULL);
  CHECK(GetModuleHandleA("loader_dll.dll") == loader);
  AddFn add = (AddFn)(void *)GetProcAddress(loader, "LoaderAdd");
  CHECK(add != NULL && add(20, 22) == 42);
  char path[MAX_PATH];
  DWORD n = GetModuleFileNameA(loader, path, MAX_PATH);
  CHECK(n > 14 && strcmp(path + n - 14, "loader_dll.dll") == 0);
  WCHAR wpath[8];
  CHECK(GetModuleFileNameW(loader, wpath, 8) == 8 && wpath[7] == 0 &&
        GetLastError() == ERROR_INSUFFICIENT_BUFFER);
  CHECK(FreeLibrary(loader));
  CHECK(GetModuleHandleA("loader_dll.dll") == NULL && GetLastError() == ERROR_MOD_NOT_FOUND);

  CHECK(LoadLibraryA("no_such_library.dll") == NULL && GetLastError() == ERROR_MOD_NOT_FOUND);
  CHECK(GetProcAddress((HMODULE)0x1000, "x") == NULL);
  return 0;
}
