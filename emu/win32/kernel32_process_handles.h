// emu/win32/kernel32_process_handles.h — OpenProcess, and the calls LSPs make on the handle:
// VirtualProtectEx (PaperAirplane patches its own code through it) and TerminateProcess.
//
// A process handle names a Linux pid (what GetCurrentProcessId and the Tool Help snapshot
// give). OpenProcess opens any process that exists (pid 0, the System Idle Process, and a pid
// that does not exist are ERROR_INVALID_PARAMETER, as on Windows); the access mask is not
// checked. On this process (its handle, or GetCurrentProcess's pseudo handle) VirtualProtectEx
// is VirtualProtect and TerminateProcess ends the process with the code, as ExitProcess does
// here. On another process both are ERROR_ACCESS_DENIED [inference: ws2emu neither changes
// another process's memory nor ends Linux processes for a Windows program]. A handle that is
// not a process (a thread's, a closed one) is ERROR_INVALID_HANDLE.
//
// The handles live on the PE side (emu_handle_table.h): CloseHandle closes one; waiting on one
// or duplicating it is not offered (WaitForSingleObject: ERROR_INVALID_HANDLE; DuplicateHandle:
// ERROR_NOT_SUPPORTED).
#ifndef WS2EMU_EMU_WIN32_KERNEL32_PROCESS_HANDLES_H_
#define WS2EMU_EMU_WIN32_KERNEL32_PROCESS_HANDLES_H_

#include "ws2emu/win_base.h"

namespace ws2emu::emu::win32 {

HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwProcessId);
BOOL WINAPI TerminateProcess(HANDLE hProcess, UINT uExitCode);
BOOL WINAPI VirtualProtectEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                             DWORD flNewProtect, PDWORD lpflOldProtect);

// For CloseHandle / DuplicateHandle (kernel32_files.cc).
bool IsProcessHandle(HANDLE h);
BOOL CloseProcessHandle(HANDLE h);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_KERNEL32_PROCESS_HANDLES_H_
