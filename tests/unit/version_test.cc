// ws2emu_version() reports the Meson project version.
#include <gtest/gtest.h>

#include <string>

#include "ws2emu/ws2emu.h"

namespace {

TEST(Version, MatchesProjectVersion) {
  ASSERT_NE(ws2emu_version(), nullptr);
  EXPECT_EQ(std::string(ws2emu_version()), WS2EMU_EXPECTED_VERSION);
}

}  // namespace
