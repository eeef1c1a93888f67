// emu/win32/kernel32_toolhelp.h — the Tool Help snapshot: CreateToolhelp32Snapshot and
// Process32First/Next[W], Thread32First/Next, Module32First/Next[W], over Linux's /proc.
//
// What a snapshot holds, taken whole when it is created (later changes are not seen, as on
// Windows):
//   TH32CS_SNAPPROCESS  every process /proc lists: th32ProcessID is the Linux pid (what
//                       GetCurrentProcessId gives), th32ParentProcessID the ppid, cntThreads the
//                       thread count, szExeFile the base name of the executable — for a process
//                       that runs a Windows program under ws2emu-run, the program's name
//                       ("setup.exe") [inference: that is the process a Windows tool looks for];
//                       for one whose executable cannot be read (a kernel thread), its comm.
//   TH32CS_SNAPTHREAD   every thread of every process (/proc/PID/task): th32ThreadID is the
//                       Linux tid (GetCurrentThreadId's value).
//   TH32CS_SNAPMODULE   the PE modules of this process (th32ProcessID 0 or our own pid): the
//                       program's EXE first, then the DLLs in load order. Built-in DLLs
//                       (KERNEL32.dll, WS2_32.dll) have no image and are not listed. Another
//                       process's modules: ERROR_ACCESS_DENIED [inference: ws2emu cannot read
//                       them], a pid that does not exist ERROR_INVALID_PARAMETER (Windows' code).
//   TH32CS_SNAPHEAPLIST an empty heap list (Heap32ListFirst is not provided).
// Flags outside TH32CS_SNAPALL | TH32CS_SNAPMODULE32 | TH32CS_INHERIT are ignored, as Windows
// does; a snapshot without a kind lists nothing (ERROR_NO_MORE_FILES from every First).
//
// Entries: dwSize must be at least the structure's size (else ERROR_BAD_LENGTH, the entry
// untouched); the end is ERROR_NO_MORE_FILES; a handle that is not an open snapshot is
// ERROR_INVALID_HANDLE. CloseHandle (kernel32_files.cc) closes a snapshot.
#ifndef WS2EMU_EMU_WIN32_KERNEL32_TOOLHELP_H_
#define WS2EMU_EMU_WIN32_KERNEL32_TOOLHELP_H_

#include <cstddef>

#include "ws2emu/win_base.h"

namespace ws2emu::emu::win32 {

inline constexpr DWORD kTh32csSnapHeapList = 0x1, kTh32csSnapProcess = 0x2,
                       kTh32csSnapThread = 0x4, kTh32csSnapModule = 0x8,
                       kTh32csSnapModule32 = 0x10, kTh32csInherit = 0x80000000u;

// The x64 layouts of tlhelp32.h (offsets checked below).
struct PROCESSENTRY32W {
  DWORD dwSize;
  DWORD cntUsage;
  DWORD th32ProcessID;
  uint64_t th32DefaultHeapID;  // ULONG_PTR
  DWORD th32ModuleID;
  DWORD cntThreads;
  DWORD th32ParentProcessID;
  LONG pcPriClassBase;
  DWORD dwFlags;
  WCHAR szExeFile[260];
};
struct PROCESSENTRY32 {
  DWORD dwSize;
  DWORD cntUsage;
  DWORD th32ProcessID;
  uint64_t th32DefaultHeapID;
  DWORD th32ModuleID;
  DWORD cntThreads;
  DWORD th32ParentProcessID;
  LONG pcPriClassBase;
  DWORD dwFlags;
  char szExeFile[260];
};
struct THREADENTRY32 {
  DWORD dwSize;
  DWORD cntUsage;
  DWORD th32ThreadID;
  DWORD th32OwnerProcessID;
  LONG tpBasePri;
  LONG tpDeltaPri;
  DWORD dwFlags;
};
struct MODULEENTRY32W {
  DWORD dwSize;
  DWORD th32ModuleID;
  DWORD th32ProcessID;
  DWORD GlblcntUsage;
  DWORD ProccntUsage;
  BYTE *modBaseAddr;
  DWORD modBaseSize;
  HMODULE hModule;
  WCHAR szModule[256];
  WCHAR szExePath[260];
};
struct MODULEENTRY32 {
  DWORD dwSize;
  DWORD th32ModuleID;
  DWORD th32ProcessID;
  DWORD GlblcntUsage;
  DWORD ProccntUsage;
  BYTE *modBaseAddr;
  DWORD modBaseSize;
  HMODULE hModule;
  char szModule[256];
  char szExePath[260];
};
static_assert(sizeof(PROCESSENTRY32W) == 568 && offsetof(PROCESSENTRY32W, th32DefaultHeapID) == 16 &&
              offsetof(PROCESSENTRY32W, szExeFile) == 44);
static_assert(sizeof(PROCESSENTRY32) == 304 && offsetof(PROCESSENTRY32, szExeFile) == 44);
static_assert(sizeof(THREADENTRY32) == 28);
static_assert(sizeof(MODULEENTRY32W) == 1080 && offsetof(MODULEENTRY32W, modBaseAddr) == 24 &&
              offsetof(MODULEENTRY32W, hModule) == 40 && offsetof(MODULEENTRY32W, szModule) == 48 &&
              offsetof(MODULEENTRY32W, szExePath) == 560);
static_assert(sizeof(MODULEENTRY32) == 568 && offsetof(MODULEENTRY32, szExePath) == 304);

HANDLE WINAPI CreateToolhelp32Snapshot(DWORD dwFlags, DWORD th32ProcessID);
BOOL WINAPI Process32FirstW(HANDLE hSnapshot, PROCESSENTRY32W *lppe);
BOOL WINAPI Process32NextW(HANDLE hSnapshot, PROCESSENTRY32W *lppe);
BOOL WINAPI Process32First(HANDLE hSnapshot, PROCESSENTRY32 *lppe);
BOOL WINAPI Process32Next(HANDLE hSnapshot, PROCESSENTRY32 *lppe);
BOOL WINAPI Thread32First(HANDLE hSnapshot, THREADENTRY32 *lpte);
BOOL WINAPI Thread32Next(HANDLE hSnapshot, THREADENTRY32 *lpte);
BOOL WINAPI Module32FirstW(HANDLE hSnapshot, MODULEENTRY32W *lpme);
BOOL WINAPI Module32NextW(HANDLE hSnapshot, MODULEENTRY32W *lpme);
BOOL WINAPI Module32First(HANDLE hSnapshot, MODULEENTRY32 *lpme);
BOOL WINAPI Module32Next(HANDLE hSnapshot, MODULEENTRY32 *lpme);

// For CloseHandle / DuplicateHandle (kernel32_files.cc): whether `h` is in the snapshots'
// handle range, and closing one (ERROR_INVALID_HANDLE when it is not open).
bool IsToolhelpSnapshot(HANDLE h);
BOOL CloseToolhelpSnapshot(HANDLE h);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_KERNEL32_TOOLHELP_H_
