// msvcrt's case conversion, character classes, collation, setlocale and system() in the "C"
// locale, the only one the runtime has (msvcrt/locale.cc): case changes and classes are ASCII's
// (msvcrt's "C" locale maps nothing else), collation is code-point order.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>
#include <string>

#include "base/utf.h"
#include "msvcrt/msvcrt.h"

extern char **environ;

namespace ws2emu::emu::msvcrt {
namespace {

template <typename Char>
Char Lower(Char c) { return c >= 'A' && c <= 'Z' ? static_cast<Char>(c - 'A' + 'a') : c; }
template <typename Char>
Char Upper(Char c) { return c >= 'a' && c <= 'z' ? static_cast<Char>(c - 'a' + 'A') : c; }

template <typename Char, Char (*Map)(Char)>
Char *MapString(Char *s) {
  if (s == nullptr) {
    *_errno_() = EINVAL;  // msvcrt's invalid-parameter path
    return nullptr;
  }
  for (Char *p = s; *p != 0; ++p) *p = Map(*p);
  return s;
}

// msvcrt's ctype bits (ctype.h): _UPPER 1, _LOWER 2, _DIGIT 4, _SPACE 8, _PUNCT 0x10,
// _CONTROL 0x20, _BLANK 0x40, _HEX 0x80, _ALPHA 0x100 (iswalpha asks for _ALPHA|_UPPER|_LOWER).
constexpr unsigned short kUpper = 0x1, kLower = 0x2, kDigit = 0x4, kSpace = 0x8, kPunct = 0x10,
                         kControl = 0x20, kBlank = 0x40, kHex = 0x80, kAlpha = 0x100;

// The classes of a UTF-16 unit: ASCII exactly; in Latin-1 the letters, the no-break space and
// the symbols as Windows' GetStringTypeW has them; past Latin-1 none [inference: the "C"
// locale's table stops there].
unsigned short ClassOf(unsigned c) {
  if (c < 0x80) {
    unsigned short t = 0;
    if (c >= 'A' && c <= 'Z') t |= kUpper | kAlpha;
    if (c >= 'a' && c <= 'z') t |= kLower | kAlpha;
    if (c >= '0' && c <= '9') t |= kDigit;
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')) t |= kHex;
    if (c == ' ' || (c >= '\t' && c <= '\r')) t |= kSpace;
    if (c == ' ' || c == '\t') t |= kBlank;
    if (c < 0x20 || c == 0x7F) t |= kControl;
    if (c > 0x20 && c < 0x7F && !(t & (kAlpha | kDigit))) t |= kPunct;
    return t;
  }
  if (c < 0xA0) return kControl;
  if (c == 0xA0) return kSpace | kBlank;
  if (c == 0xD7 || c == 0xF7) return kPunct;
  if (c >= 0xC0 && c <= 0xDE) return kUpper | kAlpha;
  if (c >= 0xDF && c <= 0xFF) return kLower | kAlpha;
  if (c <= 0xFF) return kPunct;
  return 0;
}

char g_c_locale[] = "C";
WCHAR g_c_locale_w[] = {'C', 0};

// setlocale's categories: LC_ALL 0 .. LC_TIME 5.
bool ValidCategory(int category) { return category >= 0 && category <= 5; }

}  // namespace

char *WINAPI _strlwr_(char *s) { return MapString<char, Lower<char>>(s); }
char *WINAPI _strupr_(char *s) { return MapString<char, Upper<char>>(s); }
WCHAR *WINAPI _wcslwr_(WCHAR *s) { return MapString<WCHAR, Lower<WCHAR>>(s); }
WCHAR *WINAPI _wcsupr_(WCHAR *s) { return MapString<WCHAR, Upper<WCHAR>>(s); }

WCHAR *WINAPI wcscat_(WCHAR *d, const WCHAR *s) {
  WCHAR *end = d;
  while (*end != 0) ++end;
  while ((*end++ = *s++) != 0) {
  }
  return d;
}

// The first occurrence of `needle` in `haystack`; an empty needle matches at the start.
WCHAR *WINAPI wcsstr_(const WCHAR *haystack, const WCHAR *needle) {
  if (*needle == 0) return const_cast<WCHAR *>(haystack);
  for (; *haystack != 0; ++haystack) {
    size_t i = 0;
    while (needle[i] != 0 && haystack[i] == needle[i]) ++i;
    if (needle[i] == 0) return const_cast<WCHAR *>(haystack);
  }
  return nullptr;
}

// towlower/towupper take and return a wint_t (16 bits in msvcrt); WEOF passes through.
WCHAR WINAPI towlower_(WCHAR c) { return Lower(c); }
WCHAR WINAPI towupper_(WCHAR c) { return Upper(c); }

int WINAPI iswctype_(WCHAR c, unsigned short type) {
  if (c == 0xFFFF) return 0;  // WEOF
  return ClassOf(c) & type;
}

// The "C" locale collates by code point (strcmp), and its transformation is the identity.
int WINAPI strcoll_(const char *a, const char *b) { return std::strcmp(a, b); }
int WINAPI wcscoll_(const WCHAR *a, const WCHAR *b) {
  while (*a != 0 && *a == *b) ++a, ++b;
  return *a < *b ? -1 : (*a > *b ? 1 : 0);
}
// Copies the whole string with its terminator when it fits in n; returns its length either way
// (a result >= n means the destination's contents are unspecified, as the C standard says).
size_t WINAPI strxfrm_(char *d, const char *s, size_t n) {
  size_t len = std::strlen(s);
  if (len < n) std::memcpy(d, s, len + 1);
  return len;
}
size_t WINAPI wcsxfrm_(WCHAR *d, const WCHAR *s, size_t n) {
  size_t len = 0;
  while (s[len] != 0) ++len;
  if (len < n) std::memcpy(d, s, (len + 1) * sizeof(WCHAR));
  return len;
}

// The "C" locale only: a query (null) and the names "C" and "" (the user's default, which is
// "C" here) succeed with "C"; any other name is a locale the runtime does not have (null,
// nothing changed), as msvcrt answers for an unknown name. A category outside LC_ALL..LC_TIME
// is null with errno EINVAL.
char *WINAPI setlocale_(int category, const char *locale) {
  if (!ValidCategory(category)) {
    *_errno_() = EINVAL;
    return nullptr;
  }
  if (locale == nullptr || locale[0] == 0 || std::strcmp(locale, "C") == 0) return g_c_locale;
  return nullptr;
}

WCHAR *WINAPI _wsetlocale_(int category, const WCHAR *locale) {
  if (!ValidCategory(category)) {
    *_errno_() = EINVAL;
    return nullptr;
  }
  if (locale == nullptr || locale[0] == 0 || (locale[0] == 'C' && locale[1] == 0))
    return g_c_locale_w;
  return nullptr;
}

// system: the command runs under /bin/sh -c (the runtime's command interpreter, where Windows
// has cmd.exe) and the result is the shell's exit status. Null asks whether a shell exists
// (nonzero if so; 0 with errno ENOENT if not). Failing to start the shell is -1 with errno
// (ENOENT when there is none, ENOMEM, EAGAIN). A shell killed by a signal gives 128 + the
// signal number [inference: the shell's own convention; msvcrt has no signals to report].
int WINAPI system_(const char *command) {
  constexpr const char *kShell = "/bin/sh";
  if (command == nullptr) {
    if (access(kShell, X_OK) == 0) return 1;
    *_errno_() = ENOENT;
    return 0;
  }
  // Whatever the program wrote through the standard streams is already written (unbuffered).
  char *argv[] = {const_cast<char *>("sh"), const_cast<char *>("-c"),
                  const_cast<char *>(command), nullptr};
  pid_t pid;
  int rc = posix_spawn(&pid, kShell, nullptr, nullptr, argv, environ);
  if (rc != 0) {
    *_errno_() = rc;
    return -1;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      *_errno_() = ECHILD;
      return -1;
    }
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

int WINAPI _wsystem_(const WCHAR *command) {
  if (command == nullptr) return system_(nullptr);
  try {
    return system_(Utf16ToUtf8(command).c_str());
  } catch (const std::bad_alloc &) {
    *_errno_() = ENOMEM;
    return -1;
  }
}

namespace {

const char *const kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                             "Thursday", "Friday", "Saturday"};
const char *const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November",
                               "December"};

// The fields msvcrt's strftime checks before formatting (EINVAL when out of range).
bool ValidTm(const MsTm &t) {
  return t.tm_sec >= 0 && t.tm_sec <= 59 && t.tm_min >= 0 && t.tm_min <= 59 && t.tm_hour >= 0 &&
         t.tm_hour <= 23 && t.tm_mday >= 1 && t.tm_mday <= 31 && t.tm_mon >= 0 &&
         t.tm_mon <= 11 && t.tm_year >= -1900 && t.tm_year <= 8099 && t.tm_wday >= 0 &&
         t.tm_wday <= 6 && t.tm_yday >= 0 && t.tm_yday <= 365;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
std::string HostStrftime(const char *spec, const struct tm &host) {
  char out[128];
  size_t n = std::strftime(out, sizeof(out), spec, &host);
  return std::string(out, n);
}
#pragma GCC diagnostic pop

// msvcrt's strftime in the "C" locale into `out`; false for a conversion msvcrt does not have.
// '#' is msvcrt's alternate form: %#c and %#x are the long date forms, and on the numeric
// conversions it drops the leading zeros.
bool FormatTime(const char *format, const MsTm &t, std::string *out) {
  struct tm host = {};
  host.tm_sec = t.tm_sec;
  host.tm_min = t.tm_min;
  host.tm_hour = t.tm_hour;
  host.tm_mday = t.tm_mday;
  host.tm_mon = t.tm_mon;
  host.tm_year = t.tm_year;
  host.tm_wday = t.tm_wday;
  host.tm_yday = t.tm_yday;
  host.tm_isdst = t.tm_isdst;
  for (const char *p = format; *p != 0; ++p) {
    if (*p != '%') {
      *out += *p;
      continue;
    }
    ++p;
    const bool alt = *p == '#';
    if (alt) ++p;
    char c = *p;
    if (c == 0 || std::strchr("aAbBcdHIjmMpSUwWxXyYzZ%", c) == nullptr) return false;
    std::string piece;
    if (c == 'c' || c == 'x') {
      char date[160];
      if (alt) {
        std::snprintf(date, sizeof(date), "%s, %s %d, %d", kDays[t.tm_wday], kMonths[t.tm_mon],
                      t.tm_mday, t.tm_year + 1900);
      } else {
        std::snprintf(date, sizeof(date), "%02d/%02d/%02d", t.tm_mon + 1, t.tm_mday,
                      ((t.tm_year % 100) + 100) % 100);
      }
      piece = date;
      if (c == 'c') piece += ", " + HostStrftime("%H:%M:%S", host);
      if (c == 'c' && !alt) piece.replace(piece.find(", "), 2, " ");
    } else if (c == 'X') {
      piece = HostStrftime("%H:%M:%S", host);
    } else if (c == 'z' || c == 'Z') {
      piece = HostStrftime("%Z", host);  // both are the zone's name in msvcrt
    } else {
      const char spec[] = {'%', c, 0};
      piece = HostStrftime(spec, host);
      if (alt && std::strchr("dHIjmMSUwWy", c) != nullptr) {
        size_t zeros = 0;
        while (zeros + 1 < piece.size() && piece[zeros] == '0') ++zeros;
        piece.erase(0, zeros);
      }
    }
    *out += piece;
  }
  return true;
}

}  // namespace

namespace {

// msvcrt's _MAX__TIME64_T: 3000-12-31 23:59:59 UTC.
constexpr int64_t kMaxTime64 = 32535215999;

thread_local MsTm t_tm;  // the per-thread result, as msvcrt's

MsTm *FromHost(const struct tm &h) {
  t_tm = MsTm{h.tm_sec,  h.tm_min,  h.tm_hour, h.tm_mday, h.tm_mon,
              h.tm_year, h.tm_wday, h.tm_yday, h.tm_isdst > 0 ? 1 : 0};
  return &t_tm;
}

}  // namespace

// _localtime64/_gmtime64: the thread's one result (overwritten by the next call); null with
// errno EINVAL for a null pointer, a time before 1970 or after 3000, as msvcrt. The local zone
// is the host's.
MsTm *WINAPI _localtime64_(const int64_t *timer) {
  if (timer == nullptr || *timer < 0 || *timer > kMaxTime64) {
    *_errno_() = EINVAL;
    return nullptr;
  }
  const time_t t = static_cast<time_t>(*timer);
  struct tm h;
  if (localtime_r(&t, &h) == nullptr) {
    *_errno_() = EINVAL;
    return nullptr;
  }
  return FromHost(h);
}

MsTm *WINAPI _gmtime64_(const int64_t *timer) {
  if (timer == nullptr || *timer < 0 || *timer > kMaxTime64) {
    *_errno_() = EINVAL;
    return nullptr;
  }
  const time_t t = static_cast<time_t>(*timer);
  struct tm h;
  if (gmtime_r(&t, &h) == nullptr) {
    *_errno_() = EINVAL;
    return nullptr;
  }
  return FromHost(h);
}

// _mktime64: normalizes *t (the host's zone) and returns its time; -1 with errno EINVAL when
// it is outside 1970..3000 or t is null.
int64_t WINAPI _mktime64_(MsTm *t) {
  if (t == nullptr) {
    *_errno_() = EINVAL;
    return -1;
  }
  struct tm h = {};
  h.tm_sec = t->tm_sec;
  h.tm_min = t->tm_min;
  h.tm_hour = t->tm_hour;
  h.tm_mday = t->tm_mday;
  h.tm_mon = t->tm_mon;
  h.tm_year = t->tm_year;
  h.tm_isdst = t->tm_isdst;
  const time_t result = mktime(&h);
  if (result == static_cast<time_t>(-1) || result < 0 || result > kMaxTime64) {
    *_errno_() = EINVAL;
    return -1;
  }
  *t = *FromHost(h);
  return result;
}

// strftime/wcsftime: the length written without the terminator; 0 when the result and its
// terminator do not fit in `max` (errno ERANGE, the buffer holds "") or for a bad argument or
// conversion (errno EINVAL).
size_t WINAPI strftime_(char *d, size_t max, const char *format, const MsTm *t) {
  if (d == nullptr || max == 0 || format == nullptr || t == nullptr || !ValidTm(*t)) {
    if (d != nullptr && max > 0) d[0] = 0;
    *_errno_() = EINVAL;
    return 0;
  }
  std::string text;
  if (!FormatTime(format, *t, &text)) {
    d[0] = 0;
    *_errno_() = EINVAL;
    return 0;
  }
  if (text.size() + 1 > max) {
    d[0] = 0;
    *_errno_() = ERANGE;
    return 0;
  }
  std::memcpy(d, text.c_str(), text.size() + 1);
  return text.size();
}

size_t WINAPI wcsftime_(WCHAR *d, size_t max, const WCHAR *format, const MsTm *t) {
  if (d == nullptr || max == 0 || format == nullptr || t == nullptr || !ValidTm(*t)) {
    if (d != nullptr && max > 0) d[0] = 0;
    *_errno_() = EINVAL;
    return 0;
  }
  try {
    std::string text;
    if (!FormatTime(Utf16ToUtf8(format).c_str(), *t, &text)) {
      d[0] = 0;
      *_errno_() = EINVAL;
      return 0;
    }
    const std::u16string wide = Utf8ToUtf16(text);
    if (wide.size() + 1 > max) {
      d[0] = 0;
      *_errno_() = ERANGE;
      return 0;
    }
    std::memcpy(d, wide.c_str(), (wide.size() + 1) * sizeof(WCHAR));
    return wide.size();
  } catch (const std::bad_alloc &) {
    d[0] = 0;
    *_errno_() = ENOMEM;
    return 0;
  }
}

}  // namespace ws2emu::emu::msvcrt
