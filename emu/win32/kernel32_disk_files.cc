#include "win32/kernel32_disk_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <new>
#include <string>

#include "absl/status/statusor.h"
#include "base/utf.h"
#include "paths/paths.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr int kFirstFileSlot = 64;  // after the console handles' slots (kernel32_files.cc)
constexpr int kFileSlots = 1024;
constexpr DWORD kGenericRead = 0x80000000u, kGenericWrite = 0x40000000u,
                kGenericAll = 0x10000000u;
constexpr DWORD kFileReadData = 1, kFileWriteData = 2, kFileAppendData = 4;
constexpr DWORD kCreateNew = 1, kCreateAlways = 2, kOpenExisting = 3, kOpenAlways = 4,
                kTruncateExisting = 5;
constexpr DWORD kFileBegin = 0, kFileCurrent = 1, kFileEnd = 2;
constexpr DWORD kErrorFileNotFound = 2, kErrorFileExists = 80, kErrorAlreadyExists = 183,
                kErrorFilenameTooLong = 206, kErrorNegativeSeek = 131, kErrorHandleEof = 38,
                kErrorGenFailure = 31, kErrorDiskFull = 112;
constexpr DWORD kInvalidFileSize = 0xFFFFFFFFu;

std::atomic<int> g_file_fd[kFileSlots];
struct FileSlotsInit {
  FileSlotsInit() {
    for (std::atomic<int> &fd : g_file_fd) fd = -1;
  }
} g_file_slots_init;

int FileSlot(HANDLE h) {
  const auto v = reinterpret_cast<uintptr_t>(h);
  if ((v & 3) != 3) return -1;
  const uintptr_t index = v >> 2;
  if (index < kFirstFileSlot || index >= kFirstFileSlot + kFileSlots) return -1;
  return static_cast<int>(index - kFirstFileSlot);
}

HANDLE HandleOfSlot(int slot) {
  return reinterpret_cast<HANDLE>(static_cast<uintptr_t>((kFirstFileSlot + slot) * 4 + 3));
}

BOOL Fail(DWORD error) {
  ws2emu_SetLastError(error);
  return FALSE;
}

// errno of open/unlink/lseek/read/write -> the Win32 error Windows gives for the same case.
DWORD ErrorOf(int err) {
  switch (err) {
    case ENOENT:
      return kErrorFileNotFound;
    case ENOTDIR:
    case ELOOP:
      return ERROR_PATH_NOT_FOUND;
    case EACCES:
    case EPERM:
    case EISDIR:
    case EROFS:
    case ETXTBSY:
      return ERROR_ACCESS_DENIED;
    case EEXIST:
      return kErrorFileExists;
    case ENAMETOOLONG:
      return kErrorFilenameTooLong;
    case EMFILE:
    case ENFILE:
      return ERROR_TOO_MANY_OPEN_FILES;
    case ENOMEM:
      return ERROR_NOT_ENOUGH_MEMORY;
    case EINVAL:
      return ERROR_INVALID_PARAMETER;
    case ENOSPC:
    case EDQUOT:
      return kErrorDiskFull;
    case EBADF:
      return ERROR_INVALID_HANDLE;
    default:
      return kErrorGenFailure;
  }
}

// A program's file name as a Linux path: the drive map for Windows paths (backslashes, drive
// letters, relative names), a '/' path as it is. False with the last error set when it cannot
// be placed (an unmapped drive, a UNC path: ERROR_PATH_NOT_FOUND).
bool LinuxPathOf(const std::string &name, std::string *out) {
  if (name.empty()) {
    ws2emu_SetLastError(ERROR_PATH_NOT_FOUND);
    return false;
  }
  absl::StatusOr<std::string> path = paths::ToLinuxPath(name);
  if (!path.ok()) {
    ws2emu_SetLastError(ERROR_PATH_NOT_FOUND);
    return false;
  }
  *out = *std::move(path);
  return true;
}

// ENOENT for a file whose folder is missing is ERROR_PATH_NOT_FOUND on Windows.
DWORD NotFoundError(const std::string &path) {
  const std::string folder = paths::FolderOf(path);
  struct stat st;
  return stat(folder.c_str(), &st) == 0 ? kErrorFileNotFound : ERROR_PATH_NOT_FOUND;
}

HANDLE Open(const std::string &name, DWORD access, DWORD disposition) {
  int flags = O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  const bool reads = (access & (kGenericRead | kGenericAll | kFileReadData)) != 0;
  const bool writes = (access & (kGenericWrite | kGenericAll | kFileWriteData)) != 0;
  const bool appends = !writes && (access & kFileAppendData) != 0;
  if ((reads && (writes || appends))) {
    flags |= O_RDWR;
  } else if (writes || appends) {
    flags |= O_WRONLY;
  } else {
    flags |= O_RDONLY;
  }
  if (appends) flags |= O_APPEND;
  switch (disposition) {
    case kCreateNew:
      flags |= O_CREAT | O_EXCL;
      break;
    case kCreateAlways:
      flags |= O_CREAT | O_TRUNC;
      break;
    case kOpenExisting:
      break;
    case kOpenAlways:
      flags |= O_CREAT;
      break;
    case kTruncateExisting:
      if (!writes) {
        ws2emu_SetLastError(ERROR_INVALID_PARAMETER);  // needs GENERIC_WRITE
        return INVALID_HANDLE_VALUE;
      }
      flags |= O_TRUNC;
      break;
    default:
      ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
      return INVALID_HANDLE_VALUE;
  }
  std::string path;
  if (!LinuxPathOf(name, &path)) return INVALID_HANDLE_VALUE;
  int slot = -1;
  for (int i = 0; i < kFileSlots && slot < 0; ++i) {
    int expected = -1;
    // -2 reserves the slot while the file is opened.
    if (g_file_fd[i].compare_exchange_strong(expected, -2)) slot = i;
  }
  if (slot < 0) {
    ws2emu_SetLastError(ERROR_TOO_MANY_OPEN_FILES);
    return INVALID_HANDLE_VALUE;
  }
  struct stat before;
  const bool existed = lstat(path.c_str(), &before) == 0;
  const int fd = open(path.c_str(), flags, 0666);
  if (fd < 0) {
    const int err = errno;
    g_file_fd[slot] = -1;
    ws2emu_SetLastError(err == ENOENT ? NotFoundError(path) : ErrorOf(err));
    return INVALID_HANDLE_VALUE;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
    close(fd);
    g_file_fd[slot] = -1;
    ws2emu_SetLastError(ERROR_ACCESS_DENIED);  // [inference] only regular files (see .h)
    return INVALID_HANDLE_VALUE;
  }
  g_file_fd[slot] = fd;
  // CREATE_ALWAYS / OPEN_ALWAYS on a file that was there: success, and ERROR_ALREADY_EXISTS.
  const bool note_existing =
      existed && (disposition == kCreateAlways || disposition == kOpenAlways);
  ws2emu_SetLastError(note_existing ? kErrorAlreadyExists : ERROR_SUCCESS);
  return HandleOfSlot(slot);
}

// The position an OVERLAPPED names.
off_t OffsetOf(const OVERLAPPED *ov) {
  return static_cast<off_t>((static_cast<uint64_t>(ov->OffsetHigh) << 32) | ov->Offset);
}

void Complete(LPOVERLAPPED ov, DWORD error, DWORD bytes) {
  if (ov == nullptr) return;
  ov->InternalHigh = bytes;
  ov->Internal = error;
  if (ov->hEvent != nullptr) ws2emu_SetEvent(ov->hEvent);
}

BOOL Seek(HANDLE h, int64_t distance, DWORD method, int64_t *position) {
  const int fd = DiskFileFd(h);
  if (fd < 0) return Fail(ERROR_INVALID_HANDLE);
  int whence;
  switch (method) {
    case kFileBegin:
      whence = SEEK_SET;
      break;
    case kFileCurrent:
      whence = SEEK_CUR;
      break;
    case kFileEnd:
      whence = SEEK_END;
      break;
    default:
      return Fail(ERROR_INVALID_PARAMETER);
  }
  const off_t base = whence == SEEK_SET ? 0 : lseek(fd, 0, whence);
  if (base < 0) return Fail(ErrorOf(errno));
  if (distance < 0 && base + distance < 0) return Fail(kErrorNegativeSeek);
  const off_t at = lseek(fd, static_cast<off_t>(base + distance), SEEK_SET);
  if (at < 0) return Fail(ErrorOf(errno));
  *position = at;
  return TRUE;
}

}  // namespace

bool IsDiskFile(HANDLE h) { return FileSlot(h) >= 0; }

int DiskFileFd(HANDLE h) {
  const int slot = FileSlot(h);
  if (slot < 0) return -1;
  const int fd = g_file_fd[slot].load();
  return fd >= 0 ? fd : -1;
}

BOOL DiskFileRead(HANDLE h, void *data, DWORD size, LPDWORD done, LPOVERLAPPED ov) {
  const int fd = DiskFileFd(h);
  if (fd < 0) return Fail(ERROR_INVALID_HANDLE);
  ssize_t n;
  do {
    n = ov != nullptr ? pread(fd, data, size, OffsetOf(ov)) : read(fd, data, size);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Fail(ErrorOf(errno));
  if (done != nullptr) *done = static_cast<DWORD>(n);
  if (n == 0 && size != 0 && ov != nullptr) {
    // An overlapped read at or past the end: ERROR_HANDLE_EOF, in the call and the OVERLAPPED.
    Complete(ov, kErrorHandleEof, 0);
    return Fail(kErrorHandleEof);
  }
  Complete(ov, 0, static_cast<DWORD>(n));
  return TRUE;
}

BOOL DiskFileWrite(HANDLE h, const void *data, DWORD size, LPDWORD done, LPOVERLAPPED ov) {
  const int fd = DiskFileFd(h);
  if (fd < 0) return Fail(ERROR_INVALID_HANDLE);
  DWORD total = 0;
  while (total < size) {
    const char *from = static_cast<const char *>(data) + total;
    const ssize_t n = ov != nullptr ? pwrite(fd, from, size - total, OffsetOf(ov) + total)
                                    : write(fd, from, size - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (done != nullptr) *done = total;
      return Fail(ErrorOf(errno));
    }
    total += static_cast<DWORD>(n);
  }
  if (done != nullptr) *done = total;
  Complete(ov, 0, total);
  return TRUE;
}

BOOL DiskFileClose(HANDLE h) {
  const int slot = FileSlot(h);
  if (slot < 0) return Fail(ERROR_INVALID_HANDLE);
  int fd = g_file_fd[slot].load();
  if (fd < 0 || !g_file_fd[slot].compare_exchange_strong(fd, -1)) {
    return Fail(ERROR_INVALID_HANDLE);
  }
  close(fd);
  return TRUE;
}

HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                          DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
                          HANDLE hTemplateFile) {
  (void)dwShareMode;
  (void)lpSecurityAttributes;
  (void)dwFlagsAndAttributes;
  (void)hTemplateFile;
  if (lpFileName == nullptr) {
    ws2emu_SetLastError(ERROR_PATH_NOT_FOUND);
    return INVALID_HANDLE_VALUE;
  }
  try {
    return Open(lpFileName, dwDesiredAccess, dwCreationDisposition);
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return INVALID_HANDLE_VALUE;
  }
}

HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                          DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
                          HANDLE hTemplateFile) {
  if (lpFileName == nullptr) return CreateFileA(nullptr, 0, 0, nullptr, 0, 0, nullptr);
  std::string name;
  try {
    name = Utf16ToUtf8(reinterpret_cast<const char16_t *>(lpFileName));
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return INVALID_HANDLE_VALUE;
  }
  return CreateFileA(name.c_str(), dwDesiredAccess, dwShareMode, lpSecurityAttributes,
                     dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
}

DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh) {
  const int fd = DiskFileFd(hFile);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return kInvalidFileSize;
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (lpFileSizeHigh != nullptr) *lpFileSizeHigh = static_cast<DWORD>(size >> 32);
  // A low part of 0xFFFFFFFF is told from a failure by the last error, as on Windows.
  ws2emu_SetLastError(ERROR_SUCCESS);
  return static_cast<DWORD>(size);
}

BOOL WINAPI GetFileSizeEx(HANDLE hFile, LARGE_INTEGER_ *lpFileSize) {
  const int fd = DiskFileFd(hFile);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) return Fail(ERROR_INVALID_HANDLE);
  if (lpFileSize == nullptr) return Fail(ERROR_INVALID_PARAMETER);
  lpFileSize->QuadPart = st.st_size;
  return TRUE;
}

DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
                            DWORD dwMoveMethod) {
  // Without the high part the distance is a signed 32-bit value; with it, 64 bits.
  const int64_t distance =
      lpDistanceToMoveHigh == nullptr
          ? lDistanceToMove
          : static_cast<int64_t>((static_cast<uint64_t>(static_cast<uint32_t>(*lpDistanceToMoveHigh)) << 32) |
                                 static_cast<uint32_t>(lDistanceToMove));
  int64_t at = 0;
  if (!Seek(hFile, distance, dwMoveMethod, &at)) return kInvalidFileSize;  // INVALID_SET_FILE_POINTER
  if (lpDistanceToMoveHigh != nullptr) *lpDistanceToMoveHigh = static_cast<LONG>(at >> 32);
  ws2emu_SetLastError(ERROR_SUCCESS);
  return static_cast<DWORD>(at);
}

BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER_ liDistanceToMove,
                             LARGE_INTEGER_ *lpNewFilePointer, DWORD dwMoveMethod) {
  int64_t at = 0;
  if (!Seek(hFile, liDistanceToMove.QuadPart, dwMoveMethod, &at)) return FALSE;
  if (lpNewFilePointer != nullptr) lpNewFilePointer->QuadPart = at;
  return TRUE;
}

BOOL WINAPI SetEndOfFile(HANDLE hFile) {
  const int fd = DiskFileFd(hFile);
  if (fd < 0) return Fail(ERROR_INVALID_HANDLE);
  const off_t at = lseek(fd, 0, SEEK_CUR);
  if (at < 0 || ftruncate(fd, at) != 0) return Fail(ErrorOf(errno));
  return TRUE;
}

BOOL WINAPI FlushFileBuffers(HANDLE hFile) {
  const int fd = DiskFileFd(hFile);
  if (fd < 0) return Fail(ERROR_INVALID_HANDLE);
  if (fsync(fd) != 0) return Fail(ErrorOf(errno));
  return TRUE;
}

BOOL WINAPI DeleteFileA(LPCSTR lpFileName) {
  if (lpFileName == nullptr) return Fail(ERROR_PATH_NOT_FOUND);
  try {
    std::string path;
    if (!LinuxPathOf(lpFileName, &path)) return FALSE;
    struct stat st;
    if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Fail(ERROR_ACCESS_DENIED);
    if (unlink(path.c_str()) != 0) {
      const int err = errno;
      return Fail(err == ENOENT ? NotFoundError(path) : ErrorOf(err));
    }
    return TRUE;
  } catch (const std::bad_alloc &) {
    return Fail(ERROR_NOT_ENOUGH_MEMORY);
  }
}

BOOL WINAPI DeleteFileW(LPCWSTR lpFileName) {
  if (lpFileName == nullptr) return Fail(ERROR_PATH_NOT_FOUND);
  try {
    const std::string name = Utf16ToUtf8(reinterpret_cast<const char16_t *>(lpFileName));
    return DeleteFileA(name.c_str());
  } catch (const std::bad_alloc &) {
    return Fail(ERROR_NOT_ENOUGH_MEMORY);
  }
}

}  // namespace ws2emu::emu::win32
