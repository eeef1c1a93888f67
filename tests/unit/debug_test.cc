// base/debug.h: which WS2EMU_DEBUG values turn diagnostics on, and the shape of a message.
#include "base/debug.h"

#include <stdlib.h>

#include <string>

#include <gtest/gtest.h>

namespace ws2emu {
namespace {

TEST(Debug, OnOnlyWhenSetToSomethingOtherThanEmptyOrZero) {
  unsetenv("WS2EMU_DEBUG");
  EXPECT_FALSE(DebugEnabled());
  setenv("WS2EMU_DEBUG", "", 1);
  EXPECT_FALSE(DebugEnabled());
  setenv("WS2EMU_DEBUG", "0", 1);
  EXPECT_FALSE(DebugEnabled());
  setenv("WS2EMU_DEBUG", "1", 1);
  EXPECT_TRUE(DebugEnabled());
  setenv("WS2EMU_DEBUG", "00", 1);  // only the exact "0" turns it off
  EXPECT_TRUE(DebugEnabled());
  setenv("WS2EMU_DEBUG", "yes", 1);
  EXPECT_TRUE(DebugEnabled());
  unsetenv("WS2EMU_DEBUG");
}

std::string Logged(const char *value, const char *component, const char *text) {
  if (value != nullptr) setenv("WS2EMU_DEBUG", value, 1); else unsetenv("WS2EMU_DEBUG");
  testing::internal::CaptureStderr();
  DebugLog(component, "%s", text);
  std::string out = testing::internal::GetCapturedStderr();
  unsetenv("WS2EMU_DEBUG");
  return out;
}

TEST(Debug, LogPrintsOneLineWithTheComponent) {
  EXPECT_EQ(Logged("1", "catalog", "no such provider"), "[ws2emu catalog] no such provider\n");
  // A message that ends in a newline is not given a second one.
  EXPECT_EQ(Logged("1", "OutputDebugString", "hello\n"), "[ws2emu OutputDebugString] hello\n");
  EXPECT_EQ(Logged("1", "thread", ""), "[ws2emu thread] \n");
}

TEST(Debug, LogIsSilentWhenOff) {
  EXPECT_EQ(Logged(nullptr, "catalog", "x"), "");
  EXPECT_EQ(Logged("0", "catalog", "x"), "");
  EXPECT_EQ(Logged("", "catalog", "x"), "");
}

TEST(Debug, LogFormatsItsArguments) {
  setenv("WS2EMU_DEBUG", "1", 1);
  testing::internal::CaptureStderr();
  DebugLog("loader", "%s has %d sections", "a.dll", 3);
  std::string out = testing::internal::GetCapturedStderr();
  unsetenv("WS2EMU_DEBUG");
  EXPECT_EQ(out, "[ws2emu loader] a.dll has 3 sections\n");
}

}  // namespace
}  // namespace ws2emu
