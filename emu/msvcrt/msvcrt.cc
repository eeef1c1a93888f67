#include "base/annotated_mutex.h"
#include "msvcrt/msvcrt.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "base/lsan.h"
#include "base/utf.h"
#include "msvcrt/format.h"

namespace ws2emu::emu::msvcrt {
namespace {

IoBuf g_iob[3] = {{nullptr, 0, nullptr, 0, 0, 0, 0, nullptr},
                  {nullptr, 0, nullptr, 0, 1, 0, 0, nullptr},
                  {nullptr, 0, nullptr, 0, 2, 0, 0, nullptr}};

std::atomic<bool> g_closed[3] = {false, false, false};  // _close on a standard descriptor

bool OpenFd(int fd) { return fd >= 0 && fd < 3 && !g_closed[fd]; }

// The Linux fd behind a Windows FILE*, or -1 for anything but the open standard streams.
int FdOf(const IoBuf *stream) {
  if (stream >= g_iob && stream < g_iob + 3 && OpenFd(stream->_file)) return stream->_file;
  return -1;
}

bool WriteAll(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// The locks behind _lock/_unlock: recursive (msvcrt's are) and held by PE code across calls, so
// they guard no C++ state the thread-safety analysis could check; StdMutex is not recursive.
std::recursive_mutex &Lock(int n) {
  static std::recursive_mutex *locks = new std::recursive_mutex[64];
  return locks[static_cast<unsigned>(n) % 64];
}

// Writes to a standard stream's fd, or a file stream's (files.cc).
bool StreamWriteAll(IoBuf *stream, const char *data, size_t size) {
  if (IsFileStream(stream)) return FileStreamWrite(stream, data, size);
  const int fd = FdOf(stream);
  return fd >= 0 && WriteAll(fd, data, size);
}

int WriteFormatted(IoBuf *stream, const std::string &text) {
  if (!StreamWriteAll(stream, text.data(), text.size())) return -1;
  return static_cast<int>(text.size());
}

// _vsnprintf/_vsnwprintf: at most `count` characters. Shorter text is terminated and its length
// returned; text of exactly `count` characters is stored without a terminator and its length
// returned; longer text is cut to `count` characters (no terminator) and -1 returned.
template <typename Char>
int CopyOut(Char *buffer, size_t count, const std::basic_string<Char> &text) {
  if (buffer == nullptr) return count == 0 ? static_cast<int>(text.size()) : -1;
  size_t n = text.size() < count ? text.size() : count;
  std::memcpy(buffer, text.data(), n * sizeof(Char));
  if (text.size() < count) buffer[text.size()] = 0;
  return text.size() <= count ? static_cast<int>(text.size()) : -1;
}

}  // namespace

void WINAPI _initterm(InitFn *begin, InitFn *end) {
  for (InitFn *p = begin; p < end; ++p)
    if (*p != nullptr) (*p)();
}

int WINAPI _initterm_e(InitFnE *begin, InitFnE *end) {
  for (InitFnE *p = begin; p < end; ++p) {
    if (*p == nullptr) continue;
    if (int r = (*p)(); r != 0) return r;
  }
  return 0;
}

void WINAPI _amsg_exit(int code) {
  std::fprintf(stderr,
               "[ws2emu msvcrt] the C runtime of the PE code stopped with runtime error R60%02d\n",
               code);
  _exit(255);
}

void WINAPI abort_(void) {
  std::fprintf(stderr, "[ws2emu msvcrt] PE code called abort()\n");
  std::abort();
}

void WINAPI _lock(int locknum) { Lock(locknum).lock(); }
void WINAPI _unlock(int locknum) { Lock(locknum).unlock(); }
IoBuf *WINAPI __iob_func(void) { return g_iob; }

// PE code's heap blocks are its own (lib/base/lsan.h): LeakSanitizer does not count them.
void *WINAPI malloc_(size_t size) {
  void *p = std::malloc(size);
  LsanNotOurs(p);
  return p;
}
void *WINAPI calloc_(size_t count, size_t size) {
  void *p = std::calloc(count, size);
  LsanNotOurs(p);
  return p;
}
void *WINAPI realloc_(void *p, size_t size) {
  void *q = std::realloc(p, size);
  LsanNotOurs(q);
  return q;
}
void WINAPI free_(void *p) { std::free(p); }

size_t WINAPI strlen_(const char *s) { return std::strlen(s); }
int WINAPI strcmp_(const char *a, const char *b) { return std::strcmp(a, b); }
int WINAPI strncmp_(const char *a, const char *b, size_t n) { return std::strncmp(a, b, n); }
void *WINAPI memcpy_(void *d, const void *s, size_t n) { return std::memcpy(d, s, n); }
void *WINAPI memmove_(void *d, const void *s, size_t n) { return std::memmove(d, s, n); }
void *WINAPI memset_(void *d, int c, size_t n) { return std::memset(d, c, n); }
int WINAPI memcmp_(const void *a, const void *b, size_t n) { return std::memcmp(a, b, n); }

size_t WINAPI wcslen_(const WCHAR *s) {
  size_t n = 0;
  while (s[n] != 0) ++n;
  return n;
}

WCHAR *WINAPI wcscpy_(WCHAR *d, const WCHAR *s) {
  std::memcpy(d, s, (wcslen_(s) + 1) * sizeof(WCHAR));
  return d;
}

WCHAR *WINAPI wcsncpy_(WCHAR *d, const WCHAR *s, size_t n) {
  size_t i = 0;
  for (; i < n && s[i] != 0; ++i) d[i] = s[i];
  for (; i < n; ++i) d[i] = 0;  // pads with zeros, and does not terminate when s is longer
  return d;
}

int WINAPI wcsncmp_(const WCHAR *a, const WCHAR *b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    if (a[i] == 0) return 0;
  }
  return 0;
}

int WINAPI wcscmp_(const WCHAR *a, const WCHAR *b) { return wcsncmp_(a, b, SIZE_MAX); }

size_t WINAPI fwrite_(const void *data, size_t size, size_t count, IoBuf *stream) {
  if (size == 0 || count == 0 || count > SIZE_MAX / size) return 0;
  return StreamWriteAll(stream, static_cast<const char *>(data), size * count) ? count : 0;
}

int WINAPI fputc_(int c, IoBuf *stream) {
  char ch = static_cast<char>(c);
  return StreamWriteAll(stream, &ch, 1) ? static_cast<unsigned char>(ch) : -1;
}

int WINAPI fputs_(const char *s, IoBuf *stream) {
  return StreamWriteAll(stream, s, std::strlen(s)) ? 0 : -1;
}

int WINAPI puts_(const char *s) {
  return WriteAll(1, s, std::strlen(s)) && WriteAll(1, "\n", 1) ? 0 : -1;
}

int WINAPI fflush_(IoBuf *stream) {
  return stream == nullptr || IsFileStream(stream) || FdOf(stream) >= 0 ? 0 : -1;
}

int WINAPI vfprintf_(IoBuf *stream, const char *format, __builtin_ms_va_list ap) {
  return WriteFormatted(stream, FormatMs(format, ap));
}

int WINAPI fprintf_(IoBuf *stream, const char *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  int r = WriteFormatted(stream, FormatMs(format, ap));
  __builtin_ms_va_end(ap);
  return r;
}

int WINAPI printf_(const char *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  int r = WriteFormatted(&g_iob[1], FormatMs(format, ap));
  __builtin_ms_va_end(ap);
  return r;
}

int WINAPI vprintf_(const char *format, __builtin_ms_va_list ap) {
  return WriteFormatted(&g_iob[1], FormatMs(format, ap));
}

int WINAPI _vsnprintf_(char *buffer, size_t count, const char *format, __builtin_ms_va_list ap) {
  return CopyOut(buffer, count, FormatMs(format, ap));
}

int WINAPI _vscprintf_(const char *format, __builtin_ms_va_list ap) {
  if (format == nullptr) {  // the CRT's invalid-parameter result
    *_errno_() = EINVAL;
    return -1;
  }
  return static_cast<int>(FormatMs(format, ap).size());
}

int WINAPI _scprintf_(const char *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  int r = _vscprintf_(format, ap);
  __builtin_ms_va_end(ap);
  return r;
}

int WINAPI sprintf_(char *buffer, const char *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  std::string text = FormatMs(format, ap);
  __builtin_ms_va_end(ap);
  std::memcpy(buffer, text.c_str(), text.size() + 1);
  return static_cast<int>(text.size());
}

int WINAPI _snprintf_(char *buffer, size_t count, const char *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  std::string text = FormatMs(format, ap);
  __builtin_ms_va_end(ap);
  return CopyOut(buffer, count, text);
}

int WINAPI _vsnwprintf_(WCHAR *buffer, size_t count, const WCHAR *format,
                        __builtin_ms_va_list ap) {
  if (format == nullptr) {
    *_errno_() = EINVAL;
    return -1;
  }
  std::string text = FormatMs(Utf16ToUtf8(format).c_str(), ap, /*wide_function=*/true);
  return CopyOut(buffer, count, Utf8ToUtf16(text));
}

// The legacy forms with no buffer size (msvcrt's swprintf before the ISO one): the buffer is
// trusted to be large enough, as msvcrt trusts it.
int WINAPI _vswprintf_(WCHAR *buffer, const WCHAR *format, __builtin_ms_va_list ap) {
  if (buffer == nullptr) {
    *_errno_() = EINVAL;
    return -1;
  }
  return _vsnwprintf_(buffer, SIZE_MAX, format, ap);
}

int WINAPI _swprintf_(WCHAR *buffer, const WCHAR *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  int r = _vswprintf_(buffer, format, ap);
  __builtin_ms_va_end(ap);
  return r;
}

int WINAPI setvbuf_(IoBuf *stream, char *, int mode, size_t size) {
  constexpr int kIoFbf = 0x0000, kIoLbf = 0x0040, kIoNbf = 0x0004;  // msvcrt's values
  bool valid_mode = mode == kIoFbf || mode == kIoLbf || mode == kIoNbf;
  if ((FdOf(stream) < 0 && !IsFileStream(stream)) || !valid_mode || (mode != kIoNbf && (size < 2 || size > INT_MAX))) {
    *_errno_() = EINVAL;
    return -1;
  }
  return 0;
}

int WINAPI _read_(int fd, void *buffer, unsigned int count) {
  if (!OpenFd(fd)) {
    *_errno_() = EBADF;
    return -1;
  }
  if (buffer == nullptr || count > INT_MAX) {
    *_errno_() = EINVAL;
    return -1;
  }
  ssize_t n;
  do {
    n = read(fd, buffer, count);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    *_errno_() = EBADF;
    return -1;
  }
  return static_cast<int>(n);
}

bool StdFdOpen(int fd) { return OpenFd(fd); }

int WINAPI _close_(int fd) {
  if (!OpenFd(fd)) {
    *_errno_() = EBADF;
    return -1;
  }
  g_closed[fd] = true;
  return 0;
}

}  // namespace ws2emu::emu::msvcrt
