// emu/win32/kernel32.h — kernel32 functions implemented in emu/ (the ones the core's ws2emu_*
// primitives do not cover): critical sections, TlsAlloc slots, virtual memory queries. Windows
// names and signatures, ms_abi; listed in emu/exports/kernel32_exports.cc.
#ifndef WS2EMU_EMU_WIN32_KERNEL32_H_
#define WS2EMU_EMU_WIN32_KERNEL32_H_

#include "ws2emu/win_base.h"

namespace ws2emu::emu::win32 {

// CRITICAL_SECTION: 40 bytes on x64. The runtime keeps its lock behind DebugInfo and fills
// OwningThread and RecursionCount, which some code reads.
struct CriticalSection {
  void *DebugInfo;
  LONG LockCount;
  LONG RecursionCount;
  HANDLE OwningThread;
  HANDLE LockSemaphore;
  ULONG_PTR SpinCount;
};
static_assert(sizeof(CriticalSection) == 40);

void WINAPI InitializeCriticalSection(CriticalSection *cs);
BOOL WINAPI InitializeCriticalSectionAndSpinCount(CriticalSection *cs, DWORD spin_count);
BOOL WINAPI InitializeCriticalSectionEx(CriticalSection *cs, DWORD spin_count, DWORD flags);
void WINAPI DeleteCriticalSection(CriticalSection *cs);
void WINAPI EnterCriticalSection(CriticalSection *cs);
BOOL WINAPI TryEnterCriticalSection(CriticalSection *cs);
VOID WINAPI InitializeSListHead(PVOID ListHead);
PVOID WINAPI InterlockedPushEntrySList(PVOID ListHead, PVOID ListEntry);
PVOID WINAPI InterlockedPushListSListEx(PVOID ListHead, PVOID List, PVOID ListEnd, ULONG Count);
PVOID WINAPI InterlockedPopEntrySList(PVOID ListHead);
PVOID WINAPI InterlockedFlushSList(PVOID ListHead);
USHORT WINAPI QueryDepthSList(PVOID ListHead);
void WINAPI LeaveCriticalSection(CriticalSection *cs);

inline constexpr DWORD kTlsOutOfIndexes = 0xFFFFFFFF;
DWORD WINAPI TlsAlloc(void);
BOOL WINAPI TlsFree(DWORD index);
LPVOID WINAPI TlsGetValue(DWORD index);
BOOL WINAPI TlsSetValue(DWORD index, LPVOID value);

// MEMORY_BASIC_INFORMATION: 48 bytes on x64.
struct MemoryBasicInformation {
  PVOID BaseAddress;
  PVOID AllocationBase;
  DWORD AllocationProtect;
  WORD PartitionId;
  SIZE_T RegionSize;
  DWORD State;
  DWORD Protect;
  DWORD Type;
};
static_assert(sizeof(MemoryBasicInformation) == 48);

SIZE_T WINAPI VirtualQuery(LPCVOID address, MemoryBasicInformation *info, SIZE_T length);
BOOL WINAPI VirtualProtect(LPVOID address, SIZE_T size, DWORD new_protect, PDWORD old_protect);

union LARGE_INTEGER_ {
  LONGLONG QuadPart;
};
struct FILETIME_ {
  DWORD dwLowDateTime;
  DWORD dwHighDateTime;
};

using ThreadStartRoutine = DWORD(WINAPI *)(LPVOID);
HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES attributes, SIZE_T dwStackSize,
                           ThreadStartRoutine lpStartAddress, LPVOID lpParameter,
                           DWORD dwCreationFlags, LPDWORD lpThreadId);
DWORD WINAPI ResumeThread(HANDLE hThread);
DWORD WINAPI SuspendThread(HANDLE hThread);
[[noreturn]] void WINAPI ExitThread(DWORD dwExitCode);
BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
BOOL WINAPI DisableThreadLibraryCalls(HMODULE hLibModule);
DWORD WINAPI GetCurrentProcessId(void);

HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName);
HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName);
HMODULE WINAPI LoadLibraryExA(LPCSTR lpLibFileName, HANDLE hFile, DWORD dwFlags);
HMODULE WINAPI LoadLibraryExW(LPCWSTR lpLibFileName, HANDLE hFile, DWORD dwFlags);
BOOL WINAPI FreeLibrary(HMODULE hLibModule);
FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName);
HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName);
HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName);
DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize);
DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize);

// STARTUPINFOA/W: 104 bytes on x64 (the string fields are pointers in both forms).
struct StartupInfo {
  DWORD cb;
  LPSTR lpReserved, lpDesktop, lpTitle;
  DWORD dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars, dwFillAttribute, dwFlags;
  WORD wShowWindow, cbReserved2;
  LPBYTE lpReserved2;
  HANDLE hStdInput, hStdOutput, hStdError;
};
static_assert(sizeof(StartupInfo) == 104);
void WINAPI GetStartupInfoA(StartupInfo *info);
void WINAPI GetStartupInfoW(StartupInfo *info);
LPSTR WINAPI GetCommandLineA(void);
LPWSTR WINAPI GetCommandLineW(void);
void *WINAPI SetUnhandledExceptionFilter(void *filter);
// Vectored handlers (win32/ntdll_vectored.cc): the handle is null only for a null handler.
PVOID WINAPI AddVectoredExceptionHandler(ULONG First, PVOID Handler);
ULONG WINAPI RemoveVectoredExceptionHandler(PVOID Handle);
PVOID WINAPI AddVectoredContinueHandler(ULONG First, PVOID Handler);
ULONG WINAPI RemoveVectoredContinueHandler(PVOID Handle);
[[noreturn]] void WINAPI ExitProcess(UINT uExitCode);

HANDLE WINAPI GetProcessHeap(void);
HANDLE WINAPI HeapCreate(DWORD flOptions, SIZE_T dwInitialSize, SIZE_T dwMaximumSize);
BOOL WINAPI HeapDestroy(HANDLE hHeap);
LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes);
BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem);
LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes);
SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);
using HLOCAL = HANDLE;
HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes);
HLOCAL WINAPI LocalFree(HLOCAL hMem);
LPVOID WINAPI LocalLock(HLOCAL hMem);
BOOL WINAPI LocalUnlock(HLOCAL hMem);
SIZE_T WINAPI LocalSize(HLOCAL hMem);
HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags);
HLOCAL WINAPI LocalHandle(LPCVOID pMem);
// IsBad*Ptr (win32/kernel32_memory.cc): answered from the mappings, never by faulting.
BOOL WINAPI IsBadReadPtr(LPCVOID lp, UINT_PTR ucb);
BOOL WINAPI IsBadWritePtr(LPVOID lp, UINT_PTR ucb);
BOOL WINAPI IsBadCodePtr(FARPROC lpfn);
BOOL WINAPI IsBadStringPtrA(LPCSTR lpsz, UINT_PTR ucchMax);
BOOL WINAPI IsBadStringPtrW(LPCWSTR lpsz, UINT_PTR ucchMax);
// Thread priorities (win32/kernel32_thread.cc).
BOOL WINAPI SetThreadPriority(HANDLE hThread, int nPriority);
int WINAPI GetThreadPriority(HANDLE hThread);
BOOL WINAPI TerminateThread(HANDLE hThread, DWORD dwExitCode);
// FormatMessage (win32/kernel32_messages.cc). `Arguments` is a va_list* or, with
// FORMAT_MESSAGE_ARGUMENT_ARRAY, a DWORD_PTR array.
DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
                            DWORD dwLanguageId, LPSTR lpBuffer, DWORD nSize, void *Arguments);
DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
                            DWORD dwLanguageId, LPWSTR lpBuffer, DWORD nSize, void *Arguments);
LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
                           DWORD flProtect);
BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);

// OSVERSIONINFO(EX)A/W: the Ex forms are longer; the callers says which in the size field.
struct OsVersionInfoA {
  DWORD dwOSVersionInfoSize, dwMajorVersion, dwMinorVersion, dwBuildNumber, dwPlatformId;
  CHAR szCSDVersion[128];
  WORD wServicePackMajor, wServicePackMinor, wSuiteMask;
  BYTE wProductType, wReserved;
};
struct OsVersionInfoW {
  DWORD dwOSVersionInfoSize, dwMajorVersion, dwMinorVersion, dwBuildNumber, dwPlatformId;
  WCHAR szCSDVersion[128];
  WORD wServicePackMajor, wServicePackMinor, wSuiteMask;
  BYTE wProductType, wReserved;
};
static_assert(sizeof(OsVersionInfoA) == 156 && sizeof(OsVersionInfoW) == 284);
struct SystemInfo {  // SYSTEM_INFO: 48 bytes on x64
  WORD wProcessorArchitecture, wReserved;
  DWORD dwPageSize;
  LPVOID lpMinimumApplicationAddress, lpMaximumApplicationAddress;
  DWORD_PTR dwActiveProcessorMask;
  DWORD dwNumberOfProcessors, dwProcessorType, dwAllocationGranularity;
  WORD wProcessorLevel, wProcessorRevision;
};
static_assert(sizeof(SystemInfo) == 48);

UINT WINAPI GetACP(void);
UINT WINAPI GetOEMCP(void);
BOOL WINAPI IsDBCSLeadByteEx(UINT CodePage, BYTE TestChar);
int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCSTR lpMultiByteStr,
                               int cbMultiByte, LPWSTR lpWideCharStr, int cchWideChar);
int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWSTR lpWideCharStr,
                               int cchWideChar, LPSTR lpMultiByteStr, int cbMultiByte,
                               LPCSTR lpDefaultChar, LPBOOL lpUsedDefaultChar);
int WINAPI lstrlenA(LPCSTR s);
int WINAPI lstrlenW(LPCWSTR s);
LPSTR WINAPI lstrcpyA(LPSTR d, LPCSTR s);
LPWSTR WINAPI lstrcpyW(LPWSTR d, LPCWSTR s);
LPSTR WINAPI lstrcatA(LPSTR d, LPCSTR s);
LPWSTR WINAPI lstrcatW(LPWSTR d, LPCWSTR s);
int WINAPI lstrcmpA(LPCSTR a, LPCSTR b);
int WINAPI lstrcmpiA(LPCSTR a, LPCSTR b);
int WINAPI lstrcmpW(LPCWSTR a, LPCWSTR b);
int WINAPI lstrcmpiW(LPCWSTR a, LPCWSTR b);
DWORD WINAPI GetEnvironmentVariableA(LPCSTR lpName, LPSTR lpBuffer, DWORD nSize);
DWORD WINAPI GetEnvironmentVariableW(LPCWSTR lpName, LPWSTR lpBuffer, DWORD nSize);
BOOL WINAPI SetEnvironmentVariableA(LPCSTR lpName, LPCSTR lpValue);
BOOL WINAPI SetEnvironmentVariableW(LPCWSTR lpName, LPCWSTR lpValue);
DWORD WINAPI ExpandEnvironmentStringsA(LPCSTR lpSrc, LPSTR lpDst, DWORD nSize);
DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR lpSrc, LPWSTR lpDst, DWORD nSize);
UINT WINAPI GetSystemDirectoryA(LPSTR lpBuffer, UINT uSize);
UINT WINAPI GetSystemDirectoryW(LPWSTR lpBuffer, UINT uSize);
UINT WINAPI GetWindowsDirectoryA(LPSTR lpBuffer, UINT uSize);
UINT WINAPI GetWindowsDirectoryW(LPWSTR lpBuffer, UINT uSize);
void WINAPI OutputDebugStringA(LPCSTR s);
void WINAPI OutputDebugStringW(LPCWSTR s);
void WINAPI DebugBreak(void);
BOOL WINAPI GetVersionExA(OsVersionInfoA *info);
BOOL WINAPI GetVersionExW(OsVersionInfoW *info);
void WINAPI GetSystemInfo(SystemInfo *info);

DWORD WINAPI GetTickCount(void);
ULONGLONG WINAPI GetTickCount64(void);
BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER_ *count);
BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER_ *frequency);
void WINAPI GetSystemTimeAsFileTime(FILETIME_ *time);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_KERNEL32_H_
