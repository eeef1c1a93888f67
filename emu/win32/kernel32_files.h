// emu/win32/kernel32_files.h — ReadFile / WriteFile / GetFileType / GetStdHandle and the
// computer name calls: kernel32's I/O on the handles a console program has (its standard input,
// output and error, backed by the host's fds 0, 1, 2: a terminal, a pipe or a file).
//
// Handle kinds. A HANDLE given to ReadFile or WriteFile is sorted by KindOf into a kind, and each
// kind has its own read and write function (ConsoleRead / ConsoleWrite); a kind nobody handles
// is ERROR_INVALID_HANDLE. Every other handle goes to the socket layer (ws2emu_ReadFile /
// ws2emu_WriteFile, lib/winsock/file_io.cc): a SOCKET is read and written through its
// provider, anything else is ERROR_INVALID_HANDLE there.
//
// Console handles are 0x3, 0x7 and 0xb for the standard ones, Windows 7's values, and the next
// values of that form (up to 0xff) for their duplicates: their low two bits are set, which no
// kernel object handle has (lib/handles hands out multiples of 4), so KindOf can tell them apart
// without a lookup. CloseHandle on one closes it for the program (the host's fd stays open).
#ifndef WS2EMU_EMU_WIN32_KERNEL32_FILES_H_
#define WS2EMU_EMU_WIN32_KERNEL32_FILES_H_

#include "ws2emu/win_base.h"

namespace ws2emu::emu::win32 {

inline constexpr DWORD kStdInputHandle = static_cast<DWORD>(-10);
inline constexpr DWORD kStdOutputHandle = static_cast<DWORD>(-11);
inline constexpr DWORD kStdErrorHandle = static_cast<DWORD>(-12);
inline constexpr DWORD kFileTypeUnknown = 0, kFileTypeDisk = 1, kFileTypeChar = 2,
                       kFileTypePipe = 3;

// kFile: a file from CreateFile (kernel32_disk_files.h); kSnapshot: a Tool Help snapshot
// (kernel32_toolhelp.h); kProcess: OpenProcess's handle (kernel32_process_handles.h). A
// FindFirstFile search is closed by FindClose only, as on Windows.
enum class HandleKind { kOther, kConsole, kFile, kSnapshot, kProcess };
HandleKind KindOf(HANDLE h);
// The host fd of an open console handle, or -1.
int ConsoleFd(HANDLE h);
// The console handle of a standard fd (0, 1, 2), or null.
HANDLE ConsoleHandleOf(int fd);

HANDLE WINAPI GetStdHandle(DWORD nStdHandle);
BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                     LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);
BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                      LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);
DWORD WINAPI GetFileType(HANDLE hFile);
// CloseHandle and DuplicateHandle: console handles here, every other handle to the core's
// ws2emu_CloseHandle / ws2emu_DuplicateHandle.
BOOL WINAPI CloseHandle(HANDLE hObject);
BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                            HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                            DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions);

// The console calls a console program makes on its standard output: they work when the host
// fd is a terminal (colours as ANSI SGR sequences, the size from TIOCGWINSZ) and fail with
// ERROR_INVALID_HANDLE otherwise, as on Windows when the output is redirected. FreeConsole
// detaches: the standard handles that are terminals are closed for the program.
struct ConsoleScreenBufferInfo {  // CONSOLE_SCREEN_BUFFER_INFO, 22 bytes
  SHORT size_x, size_y;
  SHORT cursor_x, cursor_y;
  WORD attributes;
  SHORT left, top, right, bottom;
  SHORT max_x, max_y;
};
static_assert(sizeof(ConsoleScreenBufferInfo) == 22);
BOOL WINAPI GetConsoleScreenBufferInfo(HANDLE hConsoleOutput, ConsoleScreenBufferInfo *info);
BOOL WINAPI SetConsoleTextAttribute(HANDLE hConsoleOutput, WORD wAttributes);
BOOL WINAPI FreeConsole(void);

// COMPUTER_NAME_FORMAT: ComputerNameNetBIOS (0) .. ComputerNamePhysicalDnsFullyQualified (7).
BOOL WINAPI GetComputerNameA(LPSTR lpBuffer, LPDWORD nSize);
BOOL WINAPI GetComputerNameW(LPWSTR lpBuffer, LPDWORD nSize);
BOOL WINAPI GetComputerNameExA(int NameType, LPSTR lpBuffer, LPDWORD nSize);
BOOL WINAPI GetComputerNameExW(int NameType, LPWSTR lpBuffer, LPDWORD nSize);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_KERNEL32_FILES_H_
