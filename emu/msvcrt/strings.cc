// msvcrt's string, character and conversion functions. Windows `long` is 32 bits: atol and
// strtol clamp to LONG_MIN/LONG_MAX (with errno ERANGE) as msvcrt does.
#include <strings.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "msvcrt/msvcrt.h"

namespace ws2emu::emu::msvcrt {
namespace {

thread_local int t_errno = 0;

LONG Clamp(long long v) {
  if (v > INT32_MAX) {
    t_errno = ERANGE;
    return INT32_MAX;
  }
  if (v < INT32_MIN) {
    t_errno = ERANGE;
    return INT32_MIN;
  }
  return static_cast<LONG>(v);
}

}  // namespace

int *WINAPI _errno_(void) { return &t_errno; }

int WINAPI atoi_(const char *s) { return static_cast<int>(Clamp(std::strtoll(s, nullptr, 10))); }
LONG WINAPI atol_(const char *s) { return Clamp(std::strtoll(s, nullptr, 10)); }
long long WINAPI _atoi64_(const char *s) { return std::strtoll(s, nullptr, 10); }

LONG WINAPI strtol_(const char *s, char **end, int base) {
  errno = 0;
  long long v = std::strtoll(s, end, base);
  if (errno == ERANGE) t_errno = ERANGE;
  return Clamp(v);
}

ULONG WINAPI strtoul_(const char *s, char **end, int base) {
  errno = 0;
  unsigned long long v = std::strtoull(s, end, base);
  // msvcrt: a negated value wraps within 32 bits; anything beyond 32 bits is ULONG_MAX + ERANGE.
  const char *p = s;
  while (std::isspace(static_cast<unsigned char>(*p))) ++p;
  bool negative = *p == '-';
  if (errno == ERANGE || (!negative && v > UINT32_MAX) || (negative && -v > UINT32_MAX)) {
    t_errno = ERANGE;
    return UINT32_MAX;
  }
  return static_cast<ULONG>(v);
}

char *WINAPI strchr_(const char *s, int c) { return const_cast<char *>(std::strchr(s, c)); }
char *WINAPI strrchr_(const char *s, int c) { return const_cast<char *>(std::strrchr(s, c)); }
char *WINAPI strstr_(const char *h, const char *n) { return const_cast<char *>(std::strstr(h, n)); }
char *WINAPI strcpy_(char *d, const char *s) { return std::strcpy(d, s); }
char *WINAPI strncpy_(char *d, const char *s, size_t n) { return std::strncpy(d, s, n); }
char *WINAPI strcat_(char *d, const char *s) { return std::strcat(d, s); }
int WINAPI _stricmp_(const char *a, const char *b) { return strcasecmp(a, b); }
int WINAPI _strnicmp_(const char *a, const char *b, size_t n) { return strncasecmp(a, b, n); }
int WINAPI tolower_(int c) { return std::tolower(c); }
int WINAPI toupper_(int c) { return std::toupper(c); }
int WINAPI isspace_(int c) { return std::isspace(c); }
int WINAPI isdigit_(int c) { return std::isdigit(c); }
int WINAPI isalpha_(int c) { return std::isalpha(c); }
int WINAPI isxdigit_(int c) { return std::isxdigit(c); }
int WINAPI isupper_(int c) { return std::isupper(c); }
int WINAPI islower_(int c) { return std::islower(c); }
int WINAPI isalnum_(int c) { return std::isalnum(c); }

int WINAPI putchar_(int c) {
  char ch = static_cast<char>(c);
  return write(1, &ch, 1) == 1 ? static_cast<unsigned char>(ch) : -1;
}

int WINAPI getchar_(void) {
  unsigned char ch;
  return read(0, &ch, 1) == 1 ? ch : -1;
}

void *WINAPI memchr_(const void *s, int c, size_t n) { return const_cast<void *>(std::memchr(s, c, n)); }

char *WINAPI getenv_(const char *name) { return name != nullptr ? std::getenv(name) : nullptr; }

char *WINAPI strerror_(int errnum) {
  // msvcrt's _sys_errlist; its numbers match Linux only up to 34.
  static const char *const kMessages[] = {
      "No error", "Operation not permitted", "No such file or directory", "No such process",
      "Interrupted function call", "Input/output error", "No such device or address",
      "Arg list too long", "Exec format error", "Bad file descriptor", "No child processes",
      "Resource temporarily unavailable", "Not enough space", "Permission denied",
      "Bad address", "Unknown error", "Resource device", "File exists", "Improper link",
      "No such device", "Not a directory", "Is a directory", "Invalid argument",
      "Too many open files in system", "Too many open files",
      "Inappropriate I/O control operation", "Unknown error", "File too large",
      "No space left on device", "Invalid seek", "Read-only file system", "Too many links",
      "Broken pipe", "Domain error", "Result too large", "Unknown error",
      "Resource deadlock avoided", "Unknown error", "Filename too long", "No locks available",
      "Function not implemented", "Directory not empty", "Illegal byte sequence"};
  constexpr int kCount = sizeof(kMessages) / sizeof(kMessages[0]);
  const char *message = errnum >= 0 && errnum < kCount ? kMessages[errnum] : "Unknown error";
  return const_cast<char *>(message);
}

int WINAPI wcsncpy_s_(WCHAR *dest, size_t dest_size, const WCHAR *src, size_t count) {
  constexpr size_t kTruncate = static_cast<size_t>(-1);
  constexpr int kStruncate = 80;  // msvcrt's STRUNCATE
  if (dest == nullptr && dest_size == 0 && count == 0) return 0;
  if (dest == nullptr || dest_size == 0) {
    t_errno = EINVAL;
    return EINVAL;
  }
  if (count == 0) {
    dest[0] = 0;
    return 0;
  }
  if (src == nullptr) {
    dest[0] = 0;
    t_errno = EINVAL;
    return EINVAL;
  }
  size_t length = 0;
  size_t limit = count == kTruncate ? dest_size : count;
  while (length < limit && src[length] != 0) ++length;
  if (length < dest_size) {
    std::memcpy(dest, src, length * sizeof(WCHAR));
    dest[length] = 0;
    return count == kTruncate && src[length] != 0 ? kStruncate : 0;
  }
  if (count == kTruncate) {  // cut to what fits, terminated
    std::memcpy(dest, src, (dest_size - 1) * sizeof(WCHAR));
    dest[dest_size - 1] = 0;
    return kStruncate;
  }
  dest[0] = 0;
  t_errno = ERANGE;
  return ERANGE;
}

}  // namespace ws2emu::emu::msvcrt
