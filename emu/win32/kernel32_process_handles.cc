#include "win32/kernel32_process_handles.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <new>
#include <string>

#include "win32/emu_handle_table.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

struct ProcessRef {
  DWORD pid;
};

EmuHandleTable<ProcessRef> g_processes(kFirstProcessSlot, kProcessSlots);

BOOL Fail(DWORD error) {
  ws2emu_SetLastError(error);
  return FALSE;
}

// The pid a handle names: GetCurrentProcess's pseudo handle (-1) is this process. False with
// ERROR_INVALID_HANDLE for anything else.
bool PidOf(HANDLE h, DWORD *pid) {
  if (reinterpret_cast<uintptr_t>(h) == ~uintptr_t{0}) {
    *pid = static_cast<DWORD>(getpid());
    return true;
  }
  std::shared_ptr<ProcessRef> p = g_processes.Get(h);
  if (p == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return false;
  }
  *pid = p->pid;
  return true;
}

bool IsSelf(DWORD pid) { return pid == static_cast<DWORD>(getpid()); }

}  // namespace

HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwProcessId) {
  (void)dwDesiredAccess;
  (void)bInheritHandle;
  try {
    if (dwProcessId == 0 ||
        (!IsSelf(dwProcessId) &&
         access(("/proc/" + std::to_string(dwProcessId)).c_str(), F_OK) != 0)) {
      ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
      return nullptr;
    }
    HANDLE h = g_processes.Add(std::make_shared<ProcessRef>(ProcessRef{dwProcessId}));
    if (h == nullptr) ws2emu_SetLastError(ERROR_TOO_MANY_OPEN_FILES);  // [inference] no slot
    return h;
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
}

BOOL WINAPI TerminateProcess(HANDLE hProcess, UINT uExitCode) {
  DWORD pid;
  if (!PidOf(hProcess, &pid)) return FALSE;
  if (!IsSelf(pid)) return Fail(ERROR_ACCESS_DENIED);
  ExitProcess(uExitCode);
}

BOOL WINAPI VirtualProtectEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                             DWORD flNewProtect, PDWORD lpflOldProtect) {
  DWORD pid;
  if (!PidOf(hProcess, &pid)) return FALSE;
  if (!IsSelf(pid)) return Fail(ERROR_ACCESS_DENIED);
  return VirtualProtect(lpAddress, dwSize, flNewProtect, lpflOldProtect);
}

bool IsProcessHandle(HANDLE h) { return g_processes.InRange(h); }

BOOL CloseProcessHandle(HANDLE h) {
  if (!g_processes.Remove(h)) return Fail(ERROR_INVALID_HANDLE);
  return TRUE;
}

}  // namespace ws2emu::emu::win32
