// msvcrt functions a static-libstdc++ DLL and provider code import, called as PE code calls them:
// through their ms_abi addresses in the export table.
#include <gtest/gtest.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include "ws2emu/win_base.h"
#include "ws2emu/ws2emu.h"

namespace {

template <typename Fn>
Fn Msvcrt(const char *name) {
  void *address = ws2emu_find_export("msvcrt.dll", name);
  EXPECT_NE(address, nullptr) << name;
  return reinterpret_cast<Fn>(address);
}

int Errno() { return *Msvcrt<int *(WINAPI *)(void)>("_errno")(); }
void ClearErrno() { *Msvcrt<int *(WINAPI *)(void)>("_errno")() = 0; }

using Vsnwprintf = int(WINAPI *)(WCHAR *, size_t, const WCHAR *, __builtin_ms_va_list);

int WINAPI Swprintf(WCHAR *buffer, size_t count, const char16_t *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  int r = Msvcrt<Vsnwprintf>("_vsnwprintf")(buffer, count, reinterpret_cast<const WCHAR *>(format),
                                            ap);
  __builtin_ms_va_end(ap);
  return r;
}

std::u16string Wide(const WCHAR *s) { return std::u16string(reinterpret_cast<const char16_t *>(s)); }

TEST(Vsnwprintf, WideFunctionsSwapTheMeaningOfSAndCapitalS) {
  WCHAR buf[64];
  EXPECT_EQ(Swprintf(buf, 64, u"%s|%S|%hs|%ls|%c|%C", u"w\u00e9", "narrow", "h", u"l",
                     static_cast<int>(u'\u00e9'), static_cast<int>('n')),
            17);
  EXPECT_EQ(Wide(buf), u"w\u00e9|narrow|h|l|\u00e9|n");
  EXPECT_EQ(Swprintf(buf, 64, u"%d %I64x %5.1f%%", -3, 0xabcdef12345ull, 2.25), 21);
  EXPECT_EQ(Wide(buf), u"-3 abcdef12345   2.2%");
}

TEST(Vsnwprintf, CountIsInCharactersAndOverflowIsMinusOne) {
  WCHAR buf[8];
  std::memset(buf, 0x55, sizeof(buf));
  EXPECT_EQ(Swprintf(buf, 8, u"%s", u"abc"), 3);
  EXPECT_EQ(Wide(buf), u"abc");
  std::memset(buf, 0x55, sizeof(buf));
  EXPECT_EQ(Swprintf(buf, 4, u"%s", u"abcd"), 4);  // exactly count: no terminator
  EXPECT_EQ(buf[3], u'd');
  EXPECT_EQ(buf[4], 0x5555);
  EXPECT_EQ(Swprintf(buf, 4, u"%s", u"abcdef"), -1);  // cut to count characters
  EXPECT_EQ(buf[3], u'd');
  EXPECT_EQ(buf[4], 0x5555);
  EXPECT_EQ(Swprintf(nullptr, 0, u"%d", 12345), 5);  // the length it needs
}

using WcsncpyS = int(WINAPI *)(WCHAR *, size_t, const WCHAR *, size_t);
constexpr size_t kTruncate = static_cast<size_t>(-1);
const WCHAR *W(const char16_t *s) { return reinterpret_cast<const WCHAR *>(s); }

using Vscprintf = int(WINAPI *)(const char *, __builtin_ms_va_list);

int WINAPI Scprintf(const char *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  int r = Msvcrt<Vscprintf>("_vscprintf")(format, ap);
  __builtin_ms_va_end(ap);
  return r;
}

TEST(Vscprintf, CountsTheFormattedLengthWithoutTheTerminator) {
  EXPECT_EQ(Scprintf("%s:%u", "127.0.0.1", 65535u), 15);
  EXPECT_EQ(Scprintf(""), 0);
  EXPECT_EQ(Scprintf("%I64d", -1234567890123ll), 14);
  using ScprintfFn = int(WINAPI *)(const char *, ...);
  EXPECT_EQ(Msvcrt<ScprintfFn>("_scprintf")("%05d", 7), 5);
  ClearErrno();
  EXPECT_EQ(Scprintf(nullptr), -1);
  EXPECT_EQ(Errno(), EINVAL);
}

TEST(WcsncpyS, CopiesAtMostCountAndTerminates) {
  auto copy = Msvcrt<WcsncpyS>("wcsncpy_s");
  WCHAR buf[8];
  EXPECT_EQ(copy(buf, 8, W(u"hello"), 3), 0);
  EXPECT_EQ(Wide(buf), u"hel");
  EXPECT_EQ(copy(buf, 8, W(u"hello"), 100), 0);
  EXPECT_EQ(Wide(buf), u"hello");
  EXPECT_EQ(copy(buf, 8, W(u"x"), 0), 0);  // count 0: an empty string
  EXPECT_EQ(Wide(buf), u"");
  EXPECT_EQ(copy(nullptr, 0, nullptr, 0), 0);  // nothing asked, nothing wrong
}

TEST(WcsncpyS, ErrorsSetErrnoAndLeaveAnEmptyString) {
  auto copy = Msvcrt<WcsncpyS>("wcsncpy_s");
  WCHAR buf[4] = {u'z', u'z', u'z', 0};
  ClearErrno();
  EXPECT_EQ(copy(buf, 4, W(u"toolong"), 7), ERANGE);
  EXPECT_EQ(Errno(), ERANGE);
  EXPECT_EQ(buf[0], 0);
  buf[0] = u'z';
  EXPECT_EQ(copy(buf, 4, nullptr, 2), EINVAL);
  EXPECT_EQ(buf[0], 0);
  EXPECT_EQ(copy(nullptr, 4, W(u"a"), 1), EINVAL);
  EXPECT_EQ(copy(buf, 0, W(u"a"), 1), EINVAL);
  EXPECT_EQ(Errno(), EINVAL);
}

TEST(WcsncpyS, TruncateCutsToWhatFits) {
  auto copy = Msvcrt<WcsncpyS>("wcsncpy_s");
  WCHAR buf[4];
  EXPECT_EQ(copy(buf, 4, W(u"abcdef"), kTruncate), 80);  // STRUNCATE
  EXPECT_EQ(Wide(buf), u"abc");
  EXPECT_EQ(copy(buf, 4, W(u"abc"), kTruncate), 0);  // fits exactly
  EXPECT_EQ(Wide(buf), u"abc");
}

struct Lconv {  // msvcrt.dll's struct lconv on x64 (no wide members)
  char *decimal_point, *thousands_sep, *grouping, *int_curr_symbol, *currency_symbol,
      *mon_decimal_point, *mon_thousands_sep, *mon_grouping, *positive_sign, *negative_sign;
  char int_frac_digits, frac_digits, p_cs_precedes, p_sep_by_space, n_cs_precedes,
      n_sep_by_space, p_sign_posn, n_sign_posn;
};
static_assert(sizeof(Lconv) == 88);

TEST(Locale, LocaleconvIsTheCLocale) {
  Lconv *c = Msvcrt<Lconv *(WINAPI *)(void)>("localeconv")();
  ASSERT_NE(c, nullptr);
  EXPECT_STREQ(c->decimal_point, ".");
  EXPECT_STREQ(c->thousands_sep, "");
  EXPECT_STREQ(c->grouping, "");
  EXPECT_STREQ(c->currency_symbol, "");
  EXPECT_STREQ(c->negative_sign, "");
  EXPECT_EQ(c->int_frac_digits, CHAR_MAX);
  EXPECT_EQ(c->n_sign_posn, CHAR_MAX);
  EXPECT_EQ(Msvcrt<UINT(WINAPI *)(void)>("___lc_codepage_func")(), 0u);
  EXPECT_EQ(Msvcrt<int(WINAPI *)(void)>("___mb_cur_max_func")(), 1);
}

using Setvbuf = int(WINAPI *)(void *, char *, int, size_t);

TEST(Stdio, SetvbufAcceptsValidModesOnTheStandardStreams) {
  auto iob = Msvcrt<char *(WINAPI *)(void)>("__iob_func")();
  auto setvbuf = Msvcrt<Setvbuf>("setvbuf");
  void *out = iob + 48;  // stdout: the second 48-byte FILE
  EXPECT_EQ(setvbuf(out, nullptr, 0x0004, 0), 0);    // _IONBF
  EXPECT_EQ(setvbuf(out, nullptr, 0x0040, 512), 0);  // _IOLBF
  EXPECT_EQ(setvbuf(out, nullptr, 0x0000, 4096), 0);  // _IOFBF
  ClearErrno();
  EXPECT_EQ(setvbuf(out, nullptr, 0x1234, 512), -1);
  EXPECT_EQ(Errno(), EINVAL);
  EXPECT_EQ(setvbuf(out, nullptr, 0x0000, 1), -1);  // size must be 2..INT_MAX
  int not_a_file = 0;
  EXPECT_EQ(setvbuf(&not_a_file, nullptr, 0x0004, 0), -1);
}

TEST(Stdio, ReadAndCloseKnowOnlyTheStandardDescriptors) {
  auto read = Msvcrt<int(WINAPI *)(int, void *, unsigned)>("_read");
  auto close = Msvcrt<int(WINAPI *)(int)>("_close");
  char buf[4];
  ClearErrno();
  EXPECT_EQ(read(7, buf, 4), -1);
  EXPECT_EQ(Errno(), EBADF);
  EXPECT_EQ(close(-1), -1);
  EXPECT_EQ(Errno(), EBADF);
}

TEST(Strings, MemchrGetenvStrerror) {
  const char text[] = "abc\0def";
  auto memchr = Msvcrt<void *(WINAPI *)(const void *, int, size_t)>("memchr");
  EXPECT_EQ(memchr(text, 'e', 7), text + 5);  // past the NUL: memchr is not strchr
  EXPECT_EQ(memchr(text, 'x', 7), nullptr);
  setenv("WS2EMU_EXTRAS_TEST", "on", 1);
  auto getenv = Msvcrt<char *(WINAPI *)(const char *)>("getenv");
  EXPECT_STREQ(getenv("WS2EMU_EXTRAS_TEST"), "on");
  EXPECT_EQ(getenv("WS2EMU_NO_SUCH_VARIABLE"), nullptr);
  auto strerror = Msvcrt<char *(WINAPI *)(int)>("strerror");
  EXPECT_STREQ(strerror(2), "No such file or directory");
  EXPECT_STREQ(strerror(36), "Resource deadlock avoided");  // msvcrt's EDEADLK, not Linux's
  EXPECT_STREQ(strerror(42), "Illegal byte sequence");
  EXPECT_STREQ(strerror(1000), "Unknown error");
}

}  // namespace
