// emu/win32/kernel32_disk_files.h — files a program opens with CreateFileA/W, and the kernel32
// calls on them (ReadFile / WriteFile through kernel32_files.cc, GetFileSize[Ex],
// SetFilePointer[Ex], SetEndOfFile, FlushFileBuffers, CloseHandle, DeleteFileA/W).
//
// Handles. A file is a host fd in a slot of this table; its handle is the value
// (kFirstFileSlot + slot) * 4 + 3: low bits 3 like a console handle (no kernel object handle
// has them), above the console handles' range, so kernel32_files.cc's KindOf tells the kinds
// apart without a lookup.
//
// Paths go through the drive map (lib/paths: "C:\dir\f.txt", "\dir\f.txt", relative names);
// a Linux path (starting with '/') is taken as it is. [inference] Only regular files are opened
// (a FIFO, device or folder is ERROR_ACCESS_DENIED, and the open never blocks: O_NONBLOCK until
// fstat said what it is); new files get mode 0666 less the umask, as a program's own files on
// Linux. The share mode is not enforced (Linux has no mandatory sharing), and
// FILE_FLAG_OVERLAPPED is accepted: every operation completes in its call, as Windows lets a
// file system complete any request, with the OVERLAPPED's offset, status and event.
#ifndef WS2EMU_EMU_WIN32_KERNEL32_DISK_FILES_H_
#define WS2EMU_EMU_WIN32_KERNEL32_DISK_FILES_H_

#include "win32/kernel32.h"
#include "ws2emu/win_base.h"

namespace ws2emu::emu::win32 {

// The host fd of an open file handle, or -1; IsDiskFile says whether `h` is in the files' range.
bool IsDiskFile(HANDLE h);
int DiskFileFd(HANDLE h);
BOOL DiskFileRead(HANDLE h, void *data, DWORD size, LPDWORD done, LPOVERLAPPED ov);
BOOL DiskFileWrite(HANDLE h, const void *data, DWORD size, LPDWORD done, LPOVERLAPPED ov);
BOOL DiskFileClose(HANDLE h);

HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                          DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
                          HANDLE hTemplateFile);
HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                          DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
                          HANDLE hTemplateFile);
DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh);
BOOL WINAPI GetFileSizeEx(HANDLE hFile, LARGE_INTEGER_ *lpFileSize);
DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
                            DWORD dwMoveMethod);
BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER_ liDistanceToMove,
                             LARGE_INTEGER_ *lpNewFilePointer, DWORD dwMoveMethod);
BOOL WINAPI SetEndOfFile(HANDLE hFile);
BOOL WINAPI FlushFileBuffers(HANDLE hFile);
BOOL WINAPI DeleteFileW(LPCWSTR lpFileName);
BOOL WINAPI DeleteFileA(LPCSTR lpFileName);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_KERNEL32_DISK_FILES_H_
