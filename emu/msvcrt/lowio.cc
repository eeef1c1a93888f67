// msvcrt's low-level I/O on handles (_open_osfhandle and the fds it makes), _isatty,
// _get_osfhandle, and the small helpers socket programs import (_strdup, rand, time, _getpid).
#include <poll.h>
#include <unistd.h>

// Whether stdin has input waiting. Defined before the Windows headers, which take over the
// name pollfd (ws2emu/winsock_types.h maps it onto WS_pollfd for Windows code).
static bool StdinReady() {
  pollfd p{0, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

#include <cerrno>
#include <atomic>
#include <climits>
#include <cstring>
#include <ctime>
#include <mutex>

#include "msvcrt/msvcrt.h"
#include "win32/kernel32.h"
#include "win32/kernel32_files.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::msvcrt {
namespace {

constexpr int kMaxFds = 2048;  // msvcrt's _NHANDLE_
constexpr int kFirstHandleFd = 3;

std::mutex g_fds_mu;
HANDLE g_fds[kMaxFds];  // fds >= 3: the HANDLE _open_osfhandle gave them; null when free
constexpr int kOText = 0x4000, kOBinary = 0x8000;
int g_modes[kMaxFds] = {kOText, kOText, kOText};  // _setmode's record, under g_fds_mu

HANDLE HandleOfFd(int fd) {
  if (fd < kFirstHandleFd || fd >= kMaxFds) return nullptr;
  std::lock_guard<std::mutex> lock(g_fds_mu);
  return g_fds[fd];
}

int SetErrno(int value) {
  *_errno_() = value;
  return -1;
}

// A failed ReadFile/WriteFile as msvcrt reports it: EBADF for a bad handle, EPIPE for a broken
// pipe, else EIO... msvcrt maps Windows errors through its _dosmaperr table; these are its rows
// for the errors the handle kinds give.
int ErrnoOfLastError() {
  switch (ws2emu_GetLastError()) {
    case ERROR_INVALID_HANDLE:
      return EBADF;
    case 109:  // ERROR_BROKEN_PIPE
    case 232:  // ERROR_NO_DATA
      return EPIPE;
    case ERROR_NOT_ENOUGH_MEMORY:
      return ENOMEM;
    case ERROR_ACCESS_DENIED:
      return EACCES;
    default:
      return EINVAL;
  }
}

bool WriteAllFd(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

thread_local uint32_t t_holdrand = 1;

// The generator's state is touched only from these System V functions: GCC without TLS
// descriptors miscompiles thread_local access inside ms_abi functions.
[[gnu::noinline]] int NextRand() {
  t_holdrand = t_holdrand * 214013u + 2531011u;
  return static_cast<int>((t_holdrand >> 16) & 0x7fff);
}
[[gnu::noinline]] void SeedRand(unsigned seed) { t_holdrand = seed; }

}  // namespace

int WINAPI _lowio_read(int fd, void *buffer, unsigned int count) {
  if (fd >= 0 && fd < kFirstHandleFd) return _read_(fd, buffer, count);
  HANDLE h = HandleOfFd(fd);
  if (h == nullptr) return SetErrno(EBADF);
  if (buffer == nullptr || count > INT_MAX) return SetErrno(EINVAL);
  DWORD got = 0;
  if (!win32::ReadFile(h, buffer, count, &got, nullptr)) {
    // A broken pipe is the end of the input for msvcrt's _read: 0, not an error.
    if (ws2emu_GetLastError() == 109) return 0;
    return SetErrno(ErrnoOfLastError());
  }
  return static_cast<int>(got);
}

int WINAPI _write_(int fd, const void *buffer, unsigned int count) {
  if (fd >= 0 && fd < kFirstHandleFd) {
    if (!StdFdOpen(fd)) return SetErrno(EBADF);
    if (buffer == nullptr && count != 0) return SetErrno(EINVAL);
    if (!WriteAllFd(fd, static_cast<const char *>(buffer), count))
      return SetErrno(errno == EPIPE ? EPIPE : EBADF);
    return static_cast<int>(count);
  }
  HANDLE h = HandleOfFd(fd);
  if (h == nullptr) return SetErrno(EBADF);
  if (buffer == nullptr && count != 0) return SetErrno(EINVAL);
  DWORD written = 0;
  if (!win32::WriteFile(h, buffer, count, &written, nullptr)) return SetErrno(ErrnoOfLastError());
  return static_cast<int>(written);
}

int WINAPI _lowio_close(int fd) {
  if (fd >= 0 && fd < kFirstHandleFd) return _close_(fd);
  HANDLE h = nullptr;
  if (fd >= kFirstHandleFd && fd < kMaxFds) {
    std::lock_guard<std::mutex> lock(g_fds_mu);
    h = g_fds[fd];
    g_fds[fd] = nullptr;
  }
  if (h == nullptr) return SetErrno(EBADF);
  return win32::CloseHandle(h) ? 0 : SetErrno(EBADF);
}

int WINAPI _isatty_(int fd) {
  if (fd >= 0 && fd < kFirstHandleFd) {
    if (!StdFdOpen(fd)) return SetErrno(EBADF), 0;
    return isatty(fd) ? 0x40 : 0;  // msvcrt returns its FDEV bit
  }
  HANDLE h = HandleOfFd(fd);
  if (h == nullptr) return SetErrno(EBADF), 0;
  return win32::GetFileType(h) == win32::kFileTypeChar ? 0x40 : 0;
}

int WINAPI _fileno_(IoBuf *stream) {
  if (stream == nullptr) return SetErrno(EINVAL);
  return stream->_file;
}

intptr_t WINAPI _get_osfhandle_(int fd) {
  if (fd >= 0 && fd < kFirstHandleFd) {
    if (!StdFdOpen(fd)) return SetErrno(EBADF);
    return reinterpret_cast<intptr_t>(win32::ConsoleHandleOf(fd));
  }
  HANDLE h = HandleOfFd(fd);
  if (h == nullptr) return SetErrno(EBADF);
  return reinterpret_cast<intptr_t>(h);
}

int WINAPI _open_osfhandle_(intptr_t osfhandle, int flags) {
  HANDLE h = reinterpret_cast<HANDLE>(osfhandle);
  if (h == nullptr || h == INVALID_HANDLE_VALUE) return SetErrno(EBADF);
  std::lock_guard<std::mutex> lock(g_fds_mu);
  for (int fd = kFirstHandleFd; fd < kMaxFds; ++fd) {
    if (g_fds[fd] == nullptr) {
      g_fds[fd] = h;
      g_modes[fd] = (flags & kOText) != 0 ? kOText : kOBinary;
      return fd;
    }
  }
  return SetErrno(EMFILE);
}

int WINAPI _dup_(int fd) {
  intptr_t source = _get_osfhandle_(fd);
  if (source == -1) return -1;  // errno EBADF
  HANDLE copy = nullptr;
  HANDLE self = ws2emu_GetCurrentProcess();
  if (!win32::DuplicateHandle(self, reinterpret_cast<HANDLE>(source), self, &copy, 0, FALSE,
                              2 /* DUPLICATE_SAME_ACCESS */))
    return SetErrno(ws2emu_GetLastError() == ERROR_TOO_MANY_OPEN_FILES ? EMFILE : EBADF);
  int mode;
  {
    std::lock_guard<std::mutex> lock(g_fds_mu);
    mode = g_modes[fd];
  }
  int copy_fd = _open_osfhandle_(reinterpret_cast<intptr_t>(copy), mode == kOText ? kOText : 0);
  if (copy_fd < 0) win32::CloseHandle(copy);
  return copy_fd;
}

char *WINAPI _strdup_(const char *s) {
  if (s == nullptr) return nullptr;
  size_t n = std::strlen(s) + 1;
  auto *copy = static_cast<char *>(malloc_(n));
  if (copy == nullptr) return SetErrno(ENOMEM), nullptr;
  return static_cast<char *>(std::memcpy(copy, s, n));
}

WCHAR *WINAPI _wcsdup_(const WCHAR *s) {
  if (s == nullptr) return nullptr;
  size_t n = (wcslen_(s) + 1) * sizeof(WCHAR);
  auto *copy = static_cast<WCHAR *>(malloc_(n));
  if (copy == nullptr) return SetErrno(ENOMEM), nullptr;
  return static_cast<WCHAR *>(std::memcpy(copy, s, n));
}

int WINAPI rand_(void) { return NextRand(); }

void WINAPI srand_(unsigned int seed) { SeedRand(seed); }

int64_t WINAPI _time64_(int64_t *timer) {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (timer != nullptr) *timer = now;
  return now;
}

int WINAPI _getpid_(void) { return static_cast<int>(win32::GetCurrentProcessId()); }

namespace {

constexpr int kIoEof = 0x10, kIoErr = 0x20;  // msvcrt's _IOEOF, _IOERR in FILE::_flag

// The fd a stream reads from: stdin's, while open; else -1 with errno EBADF (or EINVAL for
// a null stream).
int ReadableFd(IoBuf *stream) {
  if (stream == nullptr) return SetErrno(EINVAL);
  if (IsFileStream(stream)) return stream->_file;  // files.cc
  if (stream->_file != 0 || !StdFdOpen(0)) return SetErrno(EBADF);
  return 0;
}

}  // namespace

// ungetc's one character for stdin (the C standard's guarantee), read first by fgetc; -1 when
// empty.
std::atomic<int> g_pushback{-1};

int WINAPI fgetc_(IoBuf *stream) {
  if (ReadableFd(stream) < 0) return -1;
  if (IsFileStream(stream)) return FileStreamGetc(stream);
  if (int c = g_pushback.exchange(-1); c >= 0) return c;
  unsigned char c;
  int got = _read_(0, &c, 1);
  if (got == 1) return c;
  stream->_flag |= got == 0 ? kIoEof : kIoErr;
  return -1;
}

char *WINAPI fgets_(char *buffer, int count, IoBuf *stream) {
  if (buffer == nullptr || count <= 0) return SetErrno(EINVAL), nullptr;
  if (ReadableFd(stream) < 0) return nullptr;
  int n = 0;
  while (n < count - 1) {
    int c = fgetc_(stream);
    if (c < 0) break;
    buffer[n++] = static_cast<char>(c);
    if (c == '\n') break;
  }
  if (n == 0) return nullptr;
  buffer[n] = 0;
  return buffer;
}

int WINAPI ungetc_(int c, IoBuf *stream) {
  if (c == -1 || ReadableFd(stream) < 0) return -1;
  if (IsFileStream(stream)) return FileStreamUngetc(c, stream);
  int empty = -1;
  if (!g_pushback.compare_exchange_strong(empty, c & 0xff)) return -1;  // one at a time
  stream->_flag &= ~kIoEof;
  return c & 0xff;
}

int WINAPI getchar_stdin(void) { return fgetc_(__iob_func()); }

int WINAPI feof_(IoBuf *stream) {
  if (stream == nullptr) return SetErrno(EINVAL), 0;
  return stream->_flag & kIoEof;
}

void WINAPI clearerr_(IoBuf *stream) {
  if (stream == nullptr) {
    SetErrno(EINVAL);
    return;
  }
  stream->_flag &= ~(kIoEof | kIoErr);
}

uintptr_t WINAPI _beginthreadex_(void *security, unsigned stack_size,
                                 unsigned(WINAPI *start)(void *), void *arglist,
                                 unsigned initflag, unsigned *thrdaddr) {
  if (start == nullptr) return SetErrno(EINVAL), 0;
  DWORD id = 0;
  HANDLE h = win32::CreateThread(static_cast<LPSECURITY_ATTRIBUTES>(security), stack_size,
                                 reinterpret_cast<win32::ThreadStartRoutine>(start), arglist,
                                 initflag, &id);
  if (h == nullptr) return SetErrno(EAGAIN), 0;
  if (thrdaddr != nullptr) *thrdaddr = id;
  return reinterpret_cast<uintptr_t>(h);
}

void WINAPI _endthreadex_(unsigned retval) { win32::ExitThread(retval); }

int WINAPI _setmode_(int fd, int mode) {
  bool open = fd >= 0 && fd < kFirstHandleFd ? StdFdOpen(fd) : HandleOfFd(fd) != nullptr;
  if (!open) return SetErrno(EBADF);
  if (mode != kOText && mode != kOBinary) return SetErrno(EINVAL);
  std::lock_guard<std::mutex> lock(g_fds_mu);
  int previous = g_modes[fd];
  g_modes[fd] = mode;
  return previous;
}

int WINAPI _kbhit_(void) {
  if (!StdFdOpen(0) || !isatty(0)) return 0;
  return StdinReady() ? 1 : 0;
}

char *WINAPI gets_(char *buffer) {
  if (buffer == nullptr) return SetErrno(EINVAL), nullptr;
  size_t n = 0;
  bool any = false;
  for (;;) {
    int c = fgetc_(__iob_func());
    if (c < 0) break;
    any = true;
    if (c == '\n') break;
    buffer[n++] = c;
  }
  if (!any) return nullptr;
  if (n > 0 && buffer[n - 1] == '\r') --n;  // a CR-LF line
  buffer[n] = 0;
  return buffer;
}

}  // namespace ws2emu::emu::msvcrt
