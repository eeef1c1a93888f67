// base/data_home.h: the XDG_DATA_HOME / HOME rule shared by the catalog and drive C:.
#include "base/data_home.h"

#include <stdlib.h>

#include <gtest/gtest.h>

namespace ws2emu {
namespace {

void Set(const char *name, const char *value) {
  if (value != nullptr) setenv(name, value, 1); else unsetenv(name);
}

std::string DataHomeWith(const char *xdg, const char *home) {
  Set("XDG_DATA_HOME", xdg);
  Set("HOME", home);
  return DataHome();
}

TEST(DataHome, AbsoluteXdgDataHomeWins) {
  EXPECT_EQ(DataHomeWith("/srv/data", "/home/u"), "/srv/data");
  EXPECT_EQ(DataHomeWith("/srv/data", nullptr), "/srv/data");
}

TEST(DataHome, RelativeOrEmptyXdgDataHomeFallsBackToHome) {
  EXPECT_EQ(DataHomeWith("relative/data", "/home/u"), "/home/u/.local/share");
  EXPECT_EQ(DataHomeWith("", "/home/u"), "/home/u/.local/share");
  EXPECT_EQ(DataHomeWith(nullptr, "/home/u"), "/home/u/.local/share");
}

TEST(DataHome, NothingUsableGivesEmpty) {
  EXPECT_EQ(DataHomeWith(nullptr, nullptr), "");
  EXPECT_EQ(DataHomeWith("relative", ""), "");
}

}  // namespace
}  // namespace ws2emu
