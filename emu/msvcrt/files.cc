// msvcrt's FILE streams on files: fopen / _wfopen, fclose, fread, fseek / _fseeki64, ftell /
// _ftelli64, rewind, ferror; fwrite, fputs, fprintf, fgetc, fgets, ungetc and feof reach them
// through IsFileStream (msvcrt.cc, lowio.cc).
//
// A file stream is kernel32's: fopen opens the file with CreateFileA/W (the drive map, the
// errors, only regular files: kernel32_disk_files.h) and gives the HANDLE a low-level fd with
// _open_osfhandle, so its reads and writes are _read / _write on that fd, unbuffered (every
// fwrite reaches the file at once; fflush has nothing to do). The stream is one of
// kFileStreams FILE structures in a table of this file; ungetc keeps its one character in the
// stream's _charbuf (the character + 1; 0 when empty). Text mode does no CR-LF translation
// (as _setmode, lowio.cc).
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

#include "base/utf.h"
#include "msvcrt/msvcrt.h"
#include "win32/kernel32.h"
#include "win32/kernel32_disk_files.h"
#include "win32/kernel32_files.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::msvcrt {
namespace {

constexpr int kFileStreams = 512;
constexpr int kIoRead = 0x01, kIoWrite = 0x02, kIoEof = 0x10, kIoErr = 0x20, kIoRw = 0x80;
constexpr DWORD kGenericRead = 0x80000000u, kGenericWrite = 0x40000000u, kFileAppendData = 4;
constexpr DWORD kCreateAlways = 2, kOpenExisting = 3, kOpenAlways = 4;
constexpr DWORD kFileShareRead = 1, kFileShareWrite = 2;

IoBuf g_streams[kFileStreams];
std::atomic<bool> g_used[kFileStreams];

int SetErrno(int value) {
  *_errno_() = value;
  return -1;
}

// CreateFile's last error as fopen's errno (msvcrt's _dosmaperr rows for them).
int ErrnoOfOpenError(DWORD error) {
  switch (error) {
    case 2:   // ERROR_FILE_NOT_FOUND
    case 3:   // ERROR_PATH_NOT_FOUND
      return ENOENT;
    case 5:   // ERROR_ACCESS_DENIED
      return EACCES;
    case 80:  // ERROR_FILE_EXISTS
      return EEXIST;
    case 4:   // ERROR_TOO_MANY_OPEN_FILES
      return EMFILE;
    case 8:   // ERROR_NOT_ENOUGH_MEMORY
      return ENOMEM;
    default:
      return EINVAL;
  }
}

struct Mode {
  DWORD access = 0, disposition = 0;
  int flag = 0;
};

// "r", "w", "a", each with an optional '+', then any of 'b', 't' (and msvcrt's extras 'c',
// 'n', 'S', 'R', 'T', 'D', which change nothing here). False for anything else (EINVAL).
bool ParseMode(const char *mode, Mode *out) {
  if (mode == nullptr) return false;
  bool plus = false;
  switch (mode[0]) {
    case 'r':
      out->access = kGenericRead;
      out->disposition = kOpenExisting;
      out->flag = kIoRead;
      break;
    case 'w':
      out->access = kGenericWrite;
      out->disposition = kCreateAlways;
      out->flag = kIoWrite;
      break;
    case 'a':
      out->access = kFileAppendData;
      out->disposition = kOpenAlways;
      out->flag = kIoWrite;
      break;
    default:
      return false;
  }
  for (const char *p = mode + 1; *p != 0; ++p) {
    if (*p == '+' && !plus) {
      plus = true;
    } else if (std::strchr("btcnSRTD", *p) == nullptr) {
      return false;
    }
  }
  if (plus) {
    out->access |= mode[0] == 'a' ? kGenericRead : kGenericRead | kGenericWrite;
    out->flag = kIoRw;
  }
  return true;
}

IoBuf *Open(HANDLE h, int flag) {
  if (h == INVALID_HANDLE_VALUE) return SetErrno(ErrnoOfOpenError(ws2emu_GetLastError())), nullptr;
  for (int i = 0; i < kFileStreams; ++i) {
    bool expected = false;
    if (!g_used[i].compare_exchange_strong(expected, true)) continue;
    const int fd = _open_osfhandle_(reinterpret_cast<intptr_t>(h), 0);
    if (fd < 0) {
      g_used[i] = false;
      win32::CloseHandle(h);
      return nullptr;  // errno from _open_osfhandle (EMFILE)
    }
    g_streams[i] = IoBuf{nullptr, 0, nullptr, flag, fd, 0, 0, nullptr};
    return &g_streams[i];
  }
  win32::CloseHandle(h);
  return SetErrno(EMFILE), nullptr;
}

HANDLE HandleOf(IoBuf *stream) {
  return reinterpret_cast<HANDLE>(_get_osfhandle_(stream->_file));
}

int Seek(IoBuf *stream, int64_t offset, int origin) {
  if (!IsFileStream(stream)) return SetErrno(EINVAL);
  if (origin < 0 || origin > 2) return SetErrno(EINVAL);
  win32::LARGE_INTEGER_ to{offset}, at{};
  if (!win32::SetFilePointerEx(HandleOf(stream), to, &at, static_cast<DWORD>(origin))) {
    return SetErrno(EINVAL);
  }
  stream->_flag &= ~kIoEof;
  stream->_charbuf = 0;  // fseek drops an ungetc's character
  return 0;
}

int64_t Tell(IoBuf *stream) {
  if (!IsFileStream(stream)) return SetErrno(EINVAL);
  win32::LARGE_INTEGER_ zero{0}, at{};
  if (!win32::SetFilePointerEx(HandleOf(stream), zero, &at, 1 /* FILE_CURRENT */)) {
    return SetErrno(EINVAL);
  }
  return at.QuadPart - (stream->_charbuf != 0 ? 1 : 0);
}

}  // namespace

bool IsFileStream(const IoBuf *stream) {
  if (stream < g_streams || stream >= g_streams + kFileStreams) return false;
  return g_used[stream - g_streams].load();
}

bool FileStreamWrite(IoBuf *stream, const char *data, size_t size) {
  if ((stream->_flag & (kIoWrite | kIoRw)) == 0) {
    stream->_flag |= kIoErr;
    SetErrno(EBADF);
    return false;
  }
  while (size > 0) {
    const unsigned int chunk = size > 0x40000000u ? 0x40000000u : static_cast<unsigned>(size);
    const int n = _write_(stream->_file, data, chunk);
    if (n <= 0) {
      stream->_flag |= kIoErr;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

int FileStreamGetc(IoBuf *stream) {
  if (stream->_charbuf != 0) {
    const int c = stream->_charbuf - 1;
    stream->_charbuf = 0;
    return c;
  }
  if ((stream->_flag & (kIoRead | kIoRw)) == 0) {
    stream->_flag |= kIoErr;
    return SetErrno(EBADF);
  }
  unsigned char c;
  const int got = _lowio_read(stream->_file, &c, 1);
  if (got == 1) return c;
  stream->_flag |= got == 0 ? kIoEof : kIoErr;
  return -1;
}

int FileStreamUngetc(int c, IoBuf *stream) {
  if (stream->_charbuf != 0) return -1;  // one character, as the C standard guarantees
  stream->_charbuf = (c & 0xff) + 1;
  stream->_flag &= ~kIoEof;
  return c & 0xff;
}

IoBuf *WINAPI fopen_(const char *filename, const char *mode) {
  Mode m;
  if (filename == nullptr || !ParseMode(mode, &m)) return SetErrno(EINVAL), nullptr;
  return Open(win32::CreateFileA(filename, m.access, kFileShareRead | kFileShareWrite, nullptr,
                                 m.disposition, 0, nullptr),
              m.flag);
}

IoBuf *WINAPI _wfopen_(const WCHAR *filename, const WCHAR *mode) {
  if (filename == nullptr || mode == nullptr) return SetErrno(EINVAL), nullptr;
  try {
    const std::string narrow_mode = Utf16ToUtf8(reinterpret_cast<const char16_t *>(mode));
    Mode m;
    if (!ParseMode(narrow_mode.c_str(), &m)) return SetErrno(EINVAL), nullptr;
    return Open(win32::CreateFileW(filename, m.access, kFileShareRead | kFileShareWrite, nullptr,
                                   m.disposition, 0, nullptr),
                m.flag);
  } catch (const std::bad_alloc &) {
    return SetErrno(ENOMEM), nullptr;
  }
}

int WINAPI fclose_(IoBuf *stream) {
  if (!IsFileStream(stream)) {
    // [inference] The standard streams stay open (the host's fds are not the program's to
    // close); anything else is not a stream.
    return stream == __iob_func() || stream == __iob_func() + 1 || stream == __iob_func() + 2
               ? 0
               : SetErrno(EINVAL);
  }
  const int rc = _lowio_close(stream->_file);
  g_used[stream - g_streams] = false;
  return rc < 0 ? -1 : 0;
}

size_t WINAPI fread_(void *buffer, size_t size, size_t count, IoBuf *stream) {
  if (size == 0 || count == 0) return 0;
  if (buffer == nullptr || stream == nullptr) return SetErrno(EINVAL), 0;
  if (count > SIZE_MAX / size) return SetErrno(EINVAL), 0;
  auto *out = static_cast<unsigned char *>(buffer);
  const size_t want = size * count;
  size_t done = 0;
  if (!IsFileStream(stream)) {
    while (done < want) {  // stdin: through fgetc, which knows its pushback
      const int c = fgetc_(stream);
      if (c < 0) break;
      out[done++] = static_cast<unsigned char>(c);
    }
    return done / size;
  }
  if (stream->_charbuf != 0) out[done++] = static_cast<unsigned char>(FileStreamGetc(stream));
  if ((stream->_flag & (kIoRead | kIoRw)) == 0) {
    stream->_flag |= kIoErr;
    return SetErrno(EBADF), 0;
  }
  while (done < want) {
    const size_t left = want - done;
    const unsigned int chunk = left > 0x40000000u ? 0x40000000u : static_cast<unsigned>(left);
    const int n = _lowio_read(stream->_file, out + done, chunk);
    if (n <= 0) {
      stream->_flag |= n == 0 ? kIoEof : kIoErr;
      break;
    }
    done += static_cast<size_t>(n);
  }
  return done / size;
}

int WINAPI fseek_(IoBuf *stream, LONG offset, int origin) { return Seek(stream, offset, origin); }

int WINAPI _fseeki64_(IoBuf *stream, int64_t offset, int origin) {
  return Seek(stream, offset, origin);
}

LONG WINAPI ftell_(IoBuf *stream) {
  const int64_t at = Tell(stream);
  if (at > INT32_MAX) return SetErrno(EINVAL);  // past what a 32-bit long holds
  return static_cast<LONG>(at);
}

int64_t WINAPI _ftelli64_(IoBuf *stream) { return Tell(stream); }

void WINAPI rewind_(IoBuf *stream) {
  if (Seek(stream, 0, 0) == 0) stream->_flag &= ~kIoErr;
}

int WINAPI fgetpos_(IoBuf *stream, int64_t *pos) {
  if (stream == nullptr || pos == nullptr) return SetErrno(EINVAL);
  const int64_t at = Tell(stream);
  if (at < 0) return -1;
  *pos = at;
  return 0;
}

int WINAPI fsetpos_(IoBuf *stream, const int64_t *pos) {
  if (stream == nullptr || pos == nullptr) return SetErrno(EINVAL);
  return Seek(stream, *pos, 0);
}

// A stream on a low-level fd the program already has (_open, _open_osfhandle, or a standard
// one); fclose closes the fd. The mode must agree with nothing more than msvcrt checks: it is
// parsed as fopen's, and its access is the stream's.
IoBuf *WINAPI _fdopen_(int fd, const char *mode) {
  Mode m;
  if (!ParseMode(mode, &m)) return SetErrno(EINVAL), nullptr;
  if (_get_osfhandle_(fd) == -1) return nullptr;  // errno EBADF
  for (int i = 0; i < kFileStreams; ++i) {
    bool expected = false;
    if (!g_used[i].compare_exchange_strong(expected, true)) continue;
    g_streams[i] = IoBuf{nullptr, 0, nullptr, m.flag, fd, 0, 0, nullptr};
    return &g_streams[i];
  }
  return SetErrno(EMFILE), nullptr;
}

int WINAPI ferror_(IoBuf *stream) {
  if (stream == nullptr) return SetErrno(EINVAL), 0;
  return stream->_flag & kIoErr;
}

}  // namespace ws2emu::emu::msvcrt
