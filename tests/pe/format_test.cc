// msvcrt's printf formatting with a Windows va_list: Windows length modifiers and wide strings.
#include <gtest/gtest.h>

#include <string>

#include "base/utf.h"
#include "msvcrt/format.h"
#include "ws2emu/win_base.h"

namespace ws2emu::emu {
namespace {

std::string WINAPI Fmt(const char *format, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  std::string s = FormatMs(format, ap);
  __builtin_ms_va_end(ap);
  return s;
}

TEST(FormatMs, IntegersWithWindowsSizes) {
  EXPECT_EQ(Fmt("%d %i %u", -5, 7, 3u), "-5 7 3");
  EXPECT_EQ(Fmt("%ld", 0x7fffffff), "2147483647");  // long is 32 bits
  EXPECT_EQ(Fmt("%I64d %lld", -1234567890123ll, 9876543210ll), "-1234567890123 9876543210");
  EXPECT_EQ(Fmt("%I64x %I32x %Ix", 0x123456789abull, 0xdeadu, size_t{0xfff}),
            "123456789ab dead fff");
  EXPECT_EQ(Fmt("%05d|%-4d|%+d|%x|%#X", 42, 7, 3, 255, 255), "00042|7   |+3|ff|0XFF");
  EXPECT_EQ(Fmt("%*d|%.*d", 5, 1, 3, 2), "    1|002");
  EXPECT_EQ(Fmt("%hd %hhu", 70000, 300), "4464 44");
}

TEST(FormatMs, DoublesAndCharacters) {
  EXPECT_EQ(Fmt("%.2f %e %g", 3.14159, 1000.0, 0.5), "3.14 1.000000e+03 0.5");
  EXPECT_EQ(Fmt("%c%c%%", 'o', 'k'), "ok%");
  EXPECT_EQ(Fmt("%d %.1f %I64d %s", 1, 2.5, 3ll, "four"), "1 2.5 3 four");
}

TEST(FormatMs, NarrowAndWideStrings) {
  const char16_t wide[] = u"h\u00e9llo";
  EXPECT_EQ(Fmt("%s|%hs|%S|%ls|%ws", "a", "b", wide, wide, wide),
            "a|b|h\u00e9llo|h\u00e9llo|h\u00e9llo");
  EXPECT_EQ(Fmt("%-6s|%.2s", "ab", "xyz"), "ab    |xy");
  EXPECT_EQ(Fmt("%s", static_cast<const char *>(nullptr)), "(null)");
  EXPECT_EQ(Fmt("%C", static_cast<int>(u'\u00e9')), "\u00e9");
}

TEST(FormatMs, PointersAndOddities) {
  EXPECT_EQ(Fmt("%p", reinterpret_cast<void *>(0x401000)), "0000000000401000");
  int n = 5;
  EXPECT_EQ(Fmt("a%nb", &n), "ab");  // %n writes nothing
  EXPECT_EQ(n, 5);
  EXPECT_EQ(Fmt("100%"), "100%");
  EXPECT_EQ(Fmt("%y"), "%y");
}

TEST(Utf16ToUtf8, SurrogatePairsAndUnpairedOnes) {
  const char16_t pair[] = {0xD83D, 0xDE00, 0};  // U+1F600
  EXPECT_EQ(Utf16ToUtf8(pair), "\xF0\x9F\x98\x80");
  const char16_t lone[] = {0xD800, u'a', 0};
  EXPECT_EQ(Utf16ToUtf8(lone), "\xEF\xBF\xBD" "a");
}

TEST(Utf16ToUtf8, CountedStrings) {
  // The view's length counts, not a terminator: an embedded NUL is kept, the rest is cut.
  const char16_t text[] = {u'a', 0, u'b', u'c', 0};
  EXPECT_EQ(Utf16ToUtf8(std::u16string_view(text, 3)), std::string("a\0b", 3));
  EXPECT_EQ(Utf16ToUtf8(std::u16string(u"h\u00e9")), "h\xC3\xA9");
  EXPECT_EQ(Utf16ToUtf8(std::u16string_view()), "");  // no data() at all
}

}  // namespace
}  // namespace ws2emu::emu
