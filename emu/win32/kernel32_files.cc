#include "win32/kernel32_files.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "base/utf.h"
#include "win32/kernel32_disk_files.h"
#include "win32/kernel32_process_handles.h"
#include "win32/kernel32_toolhelp.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr DWORD kErrorHandleEof = 38;
constexpr DWORD kErrorBrokenPipe = 109;
constexpr DWORD kErrorNoData = 232;
constexpr DWORD kErrorWriteFault = 29;
constexpr DWORD kErrorReadFault = 30;
constexpr DWORD kErrorMoreData = 234;
constexpr DWORD kErrorBufferOverflow = 111;
constexpr DWORD kMaxComputerNameLength = 15;

// Console handles: slot i is the value i * 4 + 3. Slots 0, 1, 2 are the standard handles (host
// fds 0, 1, 2); DuplicateHandle fills the others with the same host fd. A slot's fd is -1 while
// it is free or closed; closed standard slots stay closed.
constexpr int kConsoleSlots = 64;
std::atomic<int> g_console_fd[kConsoleSlots] = {0, 1, 2};
struct ConsoleSlotsInit {
  ConsoleSlotsInit() {
    for (int i = 3; i < kConsoleSlots; ++i) g_console_fd[i] = -1;
  }
} g_console_slots_init;

int ConsoleIndex(HANDLE h) {
  auto v = reinterpret_cast<uintptr_t>(h);
  if ((v & 3) != 3 || (v >> 2) >= kConsoleSlots) return -1;
  return static_cast<int>(v >> 2);
}

HANDLE ConsoleHandleOfSlot(int slot) {
  return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(slot * 4 + 3));
}

DWORD ErrorOfErrno(int err, DWORD fallback) {
  switch (err) {
    case EBADF:
      return ERROR_INVALID_HANDLE;
    case EPIPE:
      return kErrorNoData;  // "the pipe is being closed"
    case EFAULT:
      return ERROR_INVALID_PARAMETER;  // ERROR_NOACCESS on Windows; no such code here
    case ENOMEM:
      return ERROR_NOT_ENOUGH_MEMORY;
    default:
      return fallback;
  }
}

// An overlapped request on a synchronous handle completes at once, as Windows does for them:
// the status and count in the OVERLAPPED, its event set.
void CompleteOverlapped(LPOVERLAPPED ov, DWORD bytes) {
  if (ov == nullptr) return;
  ov->Internal = 0;
  ov->InternalHigh = bytes;
  if (ov->hEvent != nullptr) ws2emu_SetEvent(ov->hEvent);
}

BOOL ConsoleWrite(int fd, const char *data, DWORD size, LPDWORD written, LPOVERLAPPED ov) {
  DWORD done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (written != nullptr) *written = done;
      ws2emu_SetLastError(ErrorOfErrno(errno, kErrorWriteFault));
      return FALSE;
    }
    done += static_cast<DWORD>(n);
  }
  if (written != nullptr) *written = done;
  CompleteOverlapped(ov, done);
  return TRUE;
}

// End of input: a pipe's writer gone is ERROR_BROKEN_PIPE (FALSE), as on Windows; a file or a
// terminal at its end reads 0 bytes (TRUE).
BOOL ConsoleRead(int fd, char *data, DWORD size, LPDWORD read_count, LPOVERLAPPED ov) {
  ssize_t n;
  do {
    n = read(fd, data, size);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (read_count != nullptr) *read_count = 0;
    ws2emu_SetLastError(ErrorOfErrno(errno, kErrorReadFault));
    return FALSE;
  }
  if (read_count != nullptr) *read_count = static_cast<DWORD>(n);
  if (n == 0 && size != 0) {
    struct stat st;
    if (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
      ws2emu_SetLastError(kErrorBrokenPipe);
      return FALSE;
    }
    if (ov != nullptr) {  // an overlapped read of a file past its end
      ws2emu_SetLastError(kErrorHandleEof);
      return FALSE;
    }
  }
  CompleteOverlapped(ov, static_cast<DWORD>(n));
  return TRUE;
}

// The names GetComputerNameEx gives, from the host name and its domain.
std::string HostName() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return host;
}

std::string NameOfType(int type, bool *ok) {
  std::string full = HostName();
  std::string host = full.substr(0, full.find('.'));
  std::string domain = full.find('.') == std::string::npos ? "" : full.substr(full.find('.') + 1);
  *ok = true;
  switch (type) {
    case 0:  // ComputerNameNetBIOS
    case 4: {  // ComputerNamePhysicalNetBIOS
      std::string netbios = host.substr(0, kMaxComputerNameLength);
      for (char &c : netbios) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return netbios;
    }
    case 1:  // ComputerNameDnsHostname
    case 5:
      return host;
    case 2:  // ComputerNameDnsDomain
    case 6:
      return domain;
    case 3:  // ComputerNameDnsFullyQualified
    case 7:
      return domain.empty() ? host : host + "." + domain;
    default:
      *ok = false;
      return {};
  }
}

// Copies `text` (NUL-terminated) into a buffer of *size characters, as GetComputerName(Ex)
// does: on success *size = its length; when it does not fit, `overflow` and *size = the length
// with its NUL.
template <typename Char>
BOOL CopyName(const std::basic_string<Char> &text, Char *buffer, LPDWORD size, DWORD overflow) {
  if (size == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  if (buffer == nullptr || *size < text.size() + 1) {
    *size = static_cast<DWORD>(text.size() + 1);
    ws2emu_SetLastError(overflow);
    return FALSE;
  }
  std::memcpy(buffer, text.c_str(), (text.size() + 1) * sizeof(Char));
  *size = static_cast<DWORD>(text.size());
  return TRUE;
}

}  // namespace

HandleKind KindOf(HANDLE h) {
  if (ConsoleIndex(h) >= 0) return HandleKind::kConsole;
  if (IsToolhelpSnapshot(h)) return HandleKind::kSnapshot;
  if (IsProcessHandle(h)) return HandleKind::kProcess;
  return IsDiskFile(h) ? HandleKind::kFile : HandleKind::kOther;
}

int ConsoleFd(HANDLE h) {
  int i = ConsoleIndex(h);
  return i >= 0 ? g_console_fd[i].load() : -1;
}

HANDLE ConsoleHandleOf(int fd) { return fd >= 0 && fd < 3 ? ConsoleHandleOfSlot(fd) : nullptr; }

BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                            HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                            DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions) {
  if (KindOf(hSourceHandle) == HandleKind::kFile ||
      KindOf(hSourceHandle) == HandleKind::kSnapshot ||
      KindOf(hSourceHandle) == HandleKind::kProcess) {
    // [inference] A file handle is one host fd, a snapshot or process handle one PE-side
    // object; a second handle to any of them is not offered.
    ws2emu_SetLastError(ERROR_NOT_SUPPORTED);
    return FALSE;
  }
  if (KindOf(hSourceHandle) != HandleKind::kConsole) {
    return ws2emu_DuplicateHandle(hSourceProcessHandle, hSourceHandle, hTargetProcessHandle,
                                  lpTargetHandle, dwDesiredAccess, bInheritHandle, dwOptions);
  }
  constexpr DWORD kDuplicateCloseSource = 1, kDuplicateSameAccess = 2;
  HANDLE self = ws2emu_GetCurrentProcess();
  if (hSourceProcessHandle != self || hTargetProcessHandle != self ||
      (dwOptions & ~(kDuplicateCloseSource | kDuplicateSameAccess)) != 0) {
    ws2emu_SetLastError(hSourceProcessHandle != self || hTargetProcessHandle != self
                            ? ERROR_INVALID_HANDLE
                            : ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  int fd = ConsoleFd(hSourceHandle);
  if (fd < 0) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  for (int slot = 3; slot < kConsoleSlots; ++slot) {
    int expected = -1;
    if (g_console_fd[slot].compare_exchange_strong(expected, fd)) {
      if (lpTargetHandle != nullptr) *lpTargetHandle = ConsoleHandleOfSlot(slot);
      if ((dwOptions & kDuplicateCloseSource) != 0) CloseHandle(hSourceHandle);
      return TRUE;
    }
  }
  ws2emu_SetLastError(ERROR_TOO_MANY_OPEN_FILES);
  return FALSE;
}

HANDLE WINAPI GetStdHandle(DWORD nStdHandle) {
  switch (nStdHandle) {
    case kStdInputHandle:
      return ConsoleHandleOf(0);
    case kStdOutputHandle:
      return ConsoleHandleOf(1);
    case kStdErrorHandle:
      return ConsoleHandleOf(2);
    default:
      ws2emu_SetLastError(ERROR_INVALID_HANDLE);
      return INVALID_HANDLE_VALUE;
  }
}

BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                     LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped) {
  if (lpNumberOfBytesRead != nullptr) *lpNumberOfBytesRead = 0;
  if (lpBuffer == nullptr && nNumberOfBytesToRead != 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);  // ERROR_NOACCESS on Windows
    return FALSE;
  }
  switch (KindOf(hFile)) {
    case HandleKind::kConsole:
      if (int fd = ConsoleFd(hFile); fd >= 0) {
        return ConsoleRead(fd, static_cast<char *>(lpBuffer), nNumberOfBytesToRead,
                           lpNumberOfBytesRead, lpOverlapped);
      }
      break;
    case HandleKind::kSnapshot:  // not readable: ERROR_INVALID_HANDLE below
    case HandleKind::kProcess:
      break;
    case HandleKind::kFile:
      return DiskFileRead(hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead,
                          lpOverlapped);
    case HandleKind::kOther:
      // A SOCKET, through its provider (lib/winsock/file_io.cc); any other handle is
      // ERROR_INVALID_HANDLE there.
      return ws2emu_ReadFile(hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead,
                             lpOverlapped);
  }
  ws2emu_SetLastError(ERROR_INVALID_HANDLE);
  return FALSE;
}

BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                      LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped) {
  if (lpNumberOfBytesWritten != nullptr) *lpNumberOfBytesWritten = 0;
  if (lpBuffer == nullptr && nNumberOfBytesToWrite != 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  switch (KindOf(hFile)) {
    case HandleKind::kConsole:
      if (int fd = ConsoleFd(hFile); fd >= 0) {
        return ConsoleWrite(fd, static_cast<const char *>(lpBuffer), nNumberOfBytesToWrite,
                            lpNumberOfBytesWritten, lpOverlapped);
      }
      break;
    case HandleKind::kSnapshot:
    case HandleKind::kProcess:
      break;
    case HandleKind::kFile:
      return DiskFileWrite(hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten,
                           lpOverlapped);
    case HandleKind::kOther:
      return ws2emu_WriteFile(hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten,
                              lpOverlapped);
  }
  ws2emu_SetLastError(ERROR_INVALID_HANDLE);
  return FALSE;
}

DWORD WINAPI GetFileType(HANDLE hFile) {
  int fd = KindOf(hFile) == HandleKind::kFile ? DiskFileFd(hFile) : ConsoleFd(hFile);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return kFileTypeUnknown;
  }
  ws2emu_SetLastError(ERROR_SUCCESS);  // FILE_TYPE_UNKNOWN is told apart by the last error
  if (S_ISCHR(st.st_mode)) return kFileTypeChar;
  if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) return kFileTypePipe;
  if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) return kFileTypeDisk;
  return kFileTypeUnknown;
}

BOOL WINAPI CloseHandle(HANDLE hObject) {
  if (KindOf(hObject) == HandleKind::kFile) return DiskFileClose(hObject);
  if (KindOf(hObject) == HandleKind::kSnapshot) return CloseToolhelpSnapshot(hObject);
  if (KindOf(hObject) == HandleKind::kProcess) return CloseProcessHandle(hObject);
  if (KindOf(hObject) == HandleKind::kConsole) {
    int i = ConsoleIndex(hObject);
    if (g_console_fd[i].exchange(-1) < 0) {
      ws2emu_SetLastError(ERROR_INVALID_HANDLE);
      return FALSE;
    }
    return TRUE;
  }
  return ws2emu_CloseHandle(hObject);
}

namespace {

std::atomic<WORD> g_text_attribute{0x07};  // white on black, the console's default

// The terminal behind a console output handle, or -1 (not a console handle, closed, or
// redirected to something that is not a terminal).
int TerminalFd(HANDLE h) {
  int fd = ConsoleFd(h);
  return fd >= 1 && isatty(fd) ? fd : -1;
}

}  // namespace

BOOL WINAPI GetConsoleScreenBufferInfo(HANDLE hConsoleOutput, ConsoleScreenBufferInfo *info) {
  int fd = TerminalFd(hConsoleOutput);
  winsize ws{};
  if (fd < 0 || ioctl(fd, TIOCGWINSZ, &ws) != 0) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  if (info == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  SHORT cols = static_cast<SHORT>(ws.ws_col != 0 ? ws.ws_col : 80);
  SHORT rows = static_cast<SHORT>(ws.ws_row != 0 ? ws.ws_row : 25);
  *info = ConsoleScreenBufferInfo{cols, rows, 0, 0, g_text_attribute.load(), 0, 0,
                                  static_cast<SHORT>(cols - 1), static_cast<SHORT>(rows - 1),
                                  cols, rows};
  return TRUE;
}

BOOL WINAPI SetConsoleTextAttribute(HANDLE hConsoleOutput, WORD wAttributes) {
  int fd = TerminalFd(hConsoleOutput);
  if (fd < 0) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  // FOREGROUND_BLUE 1, _GREEN 2, _RED 4, _INTENSITY 8; the background the same, shifted by 4.
  // ANSI numbers its colours red 1, green 2, blue 4.
  auto ansi = [](unsigned bits) { return ((bits & 4) ? 1 : 0) | ((bits & 2) ? 2 : 0) | ((bits & 1) ? 4 : 0); };
  unsigned fg = wAttributes & 0xf, bg = (wAttributes >> 4) & 0xf;
  char sgr[32];
  int n = std::snprintf(sgr, sizeof(sgr), "\x1b[0;%d;%dm", (fg & 8 ? 90 : 30) + ansi(fg),
                        (bg & 8 ? 100 : 40) + ansi(bg));
  DWORD written;
  if (!ConsoleWrite(fd, sgr, static_cast<DWORD>(n), &written, nullptr)) return FALSE;
  g_text_attribute = wAttributes;
  return TRUE;
}

BOOL WINAPI FreeConsole(void) {
  bool attached = false;
  for (int slot = 0; slot < kConsoleSlots; ++slot) {
    int fd = g_console_fd[slot].load();
    if (fd >= 0 && isatty(fd)) {
      g_console_fd[slot] = -1;
      attached = true;
    }
  }
  if (!attached) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);  // not attached to a console
    return FALSE;
  }
  return TRUE;
}

BOOL WINAPI GetComputerNameA(LPSTR lpBuffer, LPDWORD nSize) {
  bool ok;
  return CopyName(NameOfType(0, &ok), lpBuffer, nSize, kErrorBufferOverflow);
}

BOOL WINAPI GetComputerNameW(LPWSTR lpBuffer, LPDWORD nSize) {
  bool ok;
  return CopyName(Utf8ToUtf16(NameOfType(0, &ok)), lpBuffer, nSize, kErrorBufferOverflow);
}

BOOL WINAPI GetComputerNameExA(int NameType, LPSTR lpBuffer, LPDWORD nSize) {
  bool ok;
  std::string name = NameOfType(NameType, &ok);
  if (!ok) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  return CopyName(name, lpBuffer, nSize, kErrorMoreData);
}

BOOL WINAPI GetComputerNameExW(int NameType, LPWSTR lpBuffer, LPDWORD nSize) {
  bool ok;
  std::string name = NameOfType(NameType, &ok);
  if (!ok) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  return CopyName(Utf8ToUtf16(name), lpBuffer, nSize, kErrorMoreData);
}

}  // namespace ws2emu::emu::win32
