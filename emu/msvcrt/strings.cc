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
int WINAPI isalnum_(int c) { return std::isalnum(c); }

int WINAPI putchar_(int c) {
  char ch = static_cast<char>(c);
  return write(1, &ch, 1) == 1 ? static_cast<unsigned char>(ch) : -1;
}

int WINAPI getchar_(void) {
  unsigned char ch;
  return read(0, &ch, 1) == 1 ? ch : -1;
}

}  // namespace ws2emu::emu::msvcrt
