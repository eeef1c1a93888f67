// emu/win32/kernel32_named.h — the kernel32 calls on named objects and file mappings that need
// emu: the A forms (an 8-bit name in the ANSI code page, which is UTF-8 here) and
// CreateFileMapping on a file HANDLE (emu's file table). The W forms and the views are the
// core's (lib/kernel_objects, lib/named_objects).
#ifndef WS2EMU_EMU_WIN32_KERNEL32_NAMED_H_
#define WS2EMU_EMU_WIN32_KERNEL32_NAMED_H_

#include "ws2emu/win_base.h"

namespace ws2emu::emu::win32 {

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES attributes, BOOL manual_reset, BOOL initial,
                           LPCSTR name);
HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES attributes, LPCSTR name, DWORD flags,
                             DWORD access);
HANDLE WINAPI OpenEventA(DWORD access, BOOL inherit, LPCSTR name);
HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES attributes, BOOL initial_owner, LPCSTR name);
HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES attributes, LPCSTR name, DWORD flags,
                             DWORD access);
HANDLE WINAPI OpenMutexA(DWORD access, BOOL inherit, LPCSTR name);
HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES attributes, LONG initial, LONG maximum,
                               LPCSTR name);
HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES attributes, LONG initial, LONG maximum,
                                 LPCSTR name, DWORD flags, DWORD access);
HANDLE WINAPI OpenSemaphoreA(DWORD access, BOOL inherit, LPCSTR name);
HANDLE WINAPI CreateFileMappingW(HANDLE file, LPSECURITY_ATTRIBUTES attributes, DWORD protect,
                                 DWORD size_high, DWORD size_low, LPCWSTR name);
HANDLE WINAPI CreateFileMappingA(HANDLE file, LPSECURITY_ATTRIBUTES attributes, DWORD protect,
                                 DWORD size_high, DWORD size_low, LPCSTR name);
HANDLE WINAPI OpenFileMappingA(DWORD access, BOOL inherit, LPCSTR name);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_KERNEL32_NAMED_H_
