// OutputDebugString prints text that PE code chose: with WS2EMU_DEBUG on, it reaches stderr
// escaped (base/escape.h), so an escape sequence or a bell in it never reaches the terminal raw;
// the one trailing newline programs end it with still just ends the line.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "win32/kernel32.h"

namespace ws2emu::emu::win32 {
namespace {

// What `body` writes to stderr.
template <typename Body>
std::string Stderr(Body body) {
  std::fflush(stderr);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return "<no pipe>";
  int saved = dup(2);
  dup2(pipe_fds[1], 2);
  close(pipe_fds[1]);
  body();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof(buf))) > 0;) out.append(buf, static_cast<size_t>(n));
  close(pipe_fds[0]);
  return out;
}

class OutputDebugStringTest : public testing::Test {
 protected:
  void SetUp() override { setenv("WS2EMU_DEBUG", "1", 1); }
  void TearDown() override { unsetenv("WS2EMU_DEBUG"); }
};

TEST_F(OutputDebugStringTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(Stderr([] { OutputDebugStringA("A\x1b[31mB\a\n"); }),
            "[ws2emu OutputDebugString] A\\x1b[31mB\\x07\n");
}

TEST_F(OutputDebugStringTest, OnlyOneTrailingNewlineEndsTheLine) {
  EXPECT_EQ(Stderr([] { OutputDebugStringA("two\nlines\r\n"); }),
            "[ws2emu OutputDebugString] two\\x0alines\n");
}

TEST_F(OutputDebugStringTest, WideTextIsEscapedToo) {
  const WCHAR text[] = {u'W', 0x1b, u'[', u'2', u'J', 0};
  EXPECT_EQ(Stderr([&] { OutputDebugStringW(text); }), "[ws2emu OutputDebugString] W\\x1b[2J\n");
}

TEST_F(OutputDebugStringTest, SilentWithoutWs2emuDebug) {
  unsetenv("WS2EMU_DEBUG");
  EXPECT_EQ(Stderr([] { OutputDebugStringA("quiet\x1b\n"); }), "");
}

}  // namespace
}  // namespace ws2emu::emu::win32
