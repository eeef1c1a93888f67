// msvcrt's wide-character stdio (fputwc, fgetwc, ungetwc, fwprintf) and the low-level file
// queries libstdc++'s file streams import (_lseeki64, _fstat64, _filelengthi64).
//
// Wide characters travel as UTF-8 on the streams, as the narrow printf writes %S and %ls
// [inference: msvcrt converts them to the locale's multibyte code page; UTF-8 is the runtime's
// one code page for text that leaves the process].
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

#include "base/utf.h"
#include "msvcrt/format.h"
#include "msvcrt/msvcrt.h"
#include "win32/kernel32.h"
#include "win32/kernel32_disk_files.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::msvcrt {
namespace {

constexpr WCHAR kWeof = 0xFFFF;

int SetErrno(int value) {
  *_errno_() = value;
  return -1;
}

// The host fd behind a low-level fd: the standard ones are the host's, a file handle's is its
// disk file's; -1 for anything else (no host fd: a console or socket handle).
int HostFdOf(int fd, bool *valid) {
  const intptr_t h = _get_osfhandle_(fd);
  *valid = h != -1;
  if (!*valid) return -1;
  if (fd >= 0 && fd < 3) return fd;
  return win32::IsDiskFile(reinterpret_cast<HANDLE>(h))
             ? win32::DiskFileFd(reinterpret_cast<HANDLE>(h))
             : -1;
}

int WriteWide(IoBuf *stream, const std::string &utf8) {
  if (utf8.empty()) return 0;
  return fwrite_(utf8.data(), 1, utf8.size(), stream) == utf8.size() ? 0 : -1;
}

}  // namespace

WCHAR WINAPI fputwc_(WCHAR c, IoBuf *stream) {
  if (stream == nullptr) return SetErrno(EINVAL), kWeof;
  const char16_t unit = static_cast<char16_t>(c);
  try {
    return WriteWide(stream, Utf16ToUtf8(std::u16string_view(&unit, 1))) == 0 ? c : kWeof;
  } catch (const std::bad_alloc &) {
    return SetErrno(ENOMEM), kWeof;
  }
}

// Reads one UTF-8 sequence (the form fputwc writes) as one UTF-16 unit; a character past the
// BMP or a malformed sequence is U+FFFD [inference].
WCHAR WINAPI fgetwc_(IoBuf *stream) {
  if (stream == nullptr) return SetErrno(EINVAL), kWeof;
  const int lead = fgetc_(stream);
  if (lead < 0) return kWeof;
  if (lead < 0x80) return static_cast<WCHAR>(lead);
  int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  unsigned value = static_cast<unsigned>(lead) & (0x3F >> extra);
  for (int i = 0; i < extra; ++i) {
    const int c = fgetc_(stream);
    if (c < 0) return 0xFFFD;
    if ((c & 0xC0) != 0x80) {
      ungetc_(c, stream);
      return 0xFFFD;
    }
    value = (value << 6) | (static_cast<unsigned>(c) & 0x3F);
  }
  return value > 0xFFFF ? 0xFFFD : static_cast<WCHAR>(value);
}

// One character of pushback, as ungetc; a character that is more than one byte on the stream
// cannot be pushed back into the one-byte buffer: WEOF with EINVAL [inference].
WCHAR WINAPI ungetwc_(WCHAR c, IoBuf *stream) {
  if (c == kWeof || stream == nullptr) return kWeof;
  if (c >= 0x80) return SetErrno(EINVAL), kWeof;
  return ungetc_(c, stream) < 0 ? kWeof : c;
}

// fwprintf/vfwprintf/wprintf: the wide functions' rules (%s is a wide string); the result
// counts wide characters, or -1 on a write error.
int WINAPI vfwprintf_(IoBuf *stream, const WCHAR *format, __builtin_ms_va_list ap) {
  if (stream == nullptr || format == nullptr) return SetErrno(EINVAL);
  try {
    const std::string text = FormatMs(Utf16ToUtf8(format).c_str(), ap, /*wide_function=*/true);
    if (WriteWide(stream, text) != 0) return -1;
    return static_cast<int>(Utf8ToUtf16(text).size());
  } catch (const std::bad_alloc &) {
    return SetErrno(ENOMEM);
  }
}

int WINAPI fwprintf_(IoBuf *stream, const WCHAR *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  const int r = vfwprintf_(stream, format, ap);
  __builtin_ms_va_end(ap);
  return r;
}

int WINAPI wprintf_(const WCHAR *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  const int r = vfwprintf_(__iob_func() + 1, format, ap);
  __builtin_ms_va_end(ap);
  return r;
}

int64_t WINAPI _lseeki64_(int fd, int64_t offset, int origin) {
  if (origin < 0 || origin > 2) return SetErrno(EINVAL);
  bool valid;
  const int host = HostFdOf(fd, &valid);
  if (!valid) return -1;  // errno EBADF from _get_osfhandle
  if (fd >= 0 && fd < 3) {
    const off_t at = lseek(host, offset, origin);  // SEEK_SET/CUR/END are 0/1/2 on both
    if (at < 0) return SetErrno(errno == ESPIPE ? EINVAL : errno);
    return at;
  }
  win32::LARGE_INTEGER_ to{offset}, at{};
  if (!win32::SetFilePointerEx(reinterpret_cast<HANDLE>(_get_osfhandle_(fd)), to, &at,
                               static_cast<DWORD>(origin))) {
    return SetErrno(EINVAL);  // not a file, or before its start
  }
  return at.QuadPart;
}

// _fstat64 on a low-level fd. st_dev/st_rdev are the drive number on Windows; 0 here (C:)
// [inference]. The permission bits are msvcrt's: _S_IREAD always, _S_IWRITE when writable,
// copied to the group and other triplets.
int WINAPI _fstat64_(int fd, Stat64 *buffer) {
  if (buffer == nullptr) return SetErrno(EINVAL);
  bool valid;
  const int host = HostFdOf(fd, &valid);
  if (!valid) return -1;  // EBADF
  std::memset(buffer, 0, sizeof(*buffer));
  buffer->st_nlink = 1;
  struct stat st;
  if (host < 0 || fstat(host, &st) != 0) {
    // A handle without a host fd (a console or socket): a character device [inference].
    buffer->st_mode = 0x2000 | 0x100 | 0x80 | 0x20 | 0x10 | 0x4 | 0x2;
    return 0;
  }
  unsigned short mode = S_ISDIR(st.st_mode)   ? 0x4000
                        : S_ISREG(st.st_mode) ? 0x8000
                        : S_ISCHR(st.st_mode) ? 0x2000
                                              : 0x1000;  // _S_IFIFO: pipes and sockets
  unsigned short perm = 0x100 | ((st.st_mode & S_IWUSR) ? 0x80 : 0);
  buffer->st_mode = static_cast<unsigned short>(mode | perm | (perm >> 3) | (perm >> 6));
  buffer->st_nlink = static_cast<short>(st.st_nlink > 0x7FFF ? 0x7FFF : st.st_nlink);
  buffer->st_size = S_ISREG(st.st_mode) ? st.st_size : 0;
  buffer->st_atime_ = st.st_atime;
  buffer->st_mtime_ = st.st_mtime;
  buffer->st_ctime_ = st.st_ctime;
  return 0;
}

// The length of a file; -1 with EBADF for a bad fd, EINVAL for something that has none (a pipe,
// a console) as the seek to its end fails there on Windows.
int64_t WINAPI _filelengthi64_(int fd) {
  bool valid;
  const int host = HostFdOf(fd, &valid);
  if (!valid) return -1;
  struct stat st;
  if (host < 0 || fstat(host, &st) != 0 || !S_ISREG(st.st_mode)) return SetErrno(EINVAL);
  return st.st_size;
}

}  // namespace ws2emu::emu::msvcrt
