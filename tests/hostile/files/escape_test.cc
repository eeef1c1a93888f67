// base/escape: names and messages that reach a terminal carry no raw control character and are
// never cut at a NUL.
#include "base/escape.h"

#include <string>

#include "gtest/gtest.h"

namespace ws2emu {
namespace {

using namespace std::string_literals;

TEST(Escape, KeepsPrintableTextAndBackslashes) {
  EXPECT_EQ(EscapeForTerminal("%SystemRoot%\\system32\\x.dll"), "%SystemRoot%\\system32\\x.dll");
  EXPECT_EQ(EscapeForTerminal("MSAFD Tcpip [UDP/IP] ✓ 日本"), "MSAFD Tcpip [UDP/IP] ✓ 日本");
}

TEST(Escape, NulIsShownNotACut) {
  EXPECT_EQ(EscapeForTerminal("A\0B"s), "A\\u0000B");
}

TEST(Escape, ControlCharactersAndDel) {
  EXPECT_EQ(EscapeForTerminal("\x1b[31mred\x07\n\t\x7f"), "\\x1b[31mred\\x07\\x0a\\x09\\x7f");
}

TEST(Escape, C1ControlsAndInvalidUtf8) {
  EXPECT_EQ(EscapeForTerminal("\xc2\x9b" "2J"), "\\u009b2J");  // CSI as one code point
  EXPECT_EQ(EscapeForTerminal("a\xff\xc3"), "a\\xff\\xc3");     // not UTF-8; truncated sequence
  EXPECT_EQ(EscapeForTerminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // an encoded surrogate
}

}  // namespace
}  // namespace ws2emu
