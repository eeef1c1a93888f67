// Windows paths on Linux: the standard variables and their defaults, %VAR% expansion, and the
// drive map (configured drives, the per-user C: default, case-insensitive components, refusals).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "common/temp_dir.h"
#include "paths/paths.h"

namespace {

using namespace ws2emu::paths;  // NOLINT

TEST(WindowsVariables, DefaultsAndOverrides) {
  unsetenv("SystemRoot");
  unsetenv("SYSTEMROOT");
  EXPECT_EQ(WindowsVariable("SystemRoot"), "C:\\Windows");
  EXPECT_EQ(WindowsVariable("SYSTEMROOT"), "C:\\Windows");  // case-insensitive
  EXPECT_EQ(WindowsVariable("windir"), "C:\\Windows");
  EXPECT_EQ(WindowsVariable("ProgramFiles(x86)"), "C:\\Program Files (x86)");
  EXPECT_FALSE(WindowsVariable("WS2EMU_SURELY_UNSET").has_value());
  EXPECT_FALSE(WindowsVariable("").has_value());
  setenv("SystemRoot", "D:\\Win", 1);
  EXPECT_EQ(WindowsVariable("systemroot"), "D:\\Win");
  EXPECT_EQ(WindowsDirectory(), "D:\\Win");
  EXPECT_EQ(SystemDirectory(), "D:\\Win\\system32");
  unsetenv("SystemRoot");
  EXPECT_EQ(SystemDirectory(), "C:\\Windows\\system32");
}

TEST(WindowsVariables, Expansion) {
  setenv("WS2EMU_T", "v", 1);
  EXPECT_EQ(ExpandWindowsEnvironment("%SystemRoot%\\system32\\x.dll"),
            "C:\\Windows\\system32\\x.dll");
  EXPECT_EQ(ExpandWindowsEnvironment("%ws2emu_t%/%WS2EMU_NOPE%/%%/50%"), "v/%WS2EMU_NOPE%/%%/50%");
  EXPECT_EQ(ExpandWindowsEnvironment(""), "");
  unsetenv("WS2EMU_T");
}

class DriveMap : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(mkdir((root_ + "/Windows").c_str(), 0755), 0);
    ASSERT_EQ(mkdir((root_ + "/Windows/System32").c_str(), 0755), 0);
    std::ofstream(root_ + "/Windows/System32/Lsp.DLL") << "x";
    setenv("WS2EMU_DRIVE_C", root_.c_str(), 1);
  }
  void TearDown() override { unsetenv("WS2EMU_DRIVE_C"); }
  ws2emu::testing::TempDir temp_{"drive"};
  const std::string root_ = temp_.path();
};

TEST_F(DriveMap, MapsDrivePathsCaseInsensitively) {
  EXPECT_EQ(*ToLinuxPath("C:\\WINDOWS\\system32\\lsp.dll"), root_ + "/Windows/System32/Lsp.DLL");
  EXPECT_EQ(*ToLinuxPath("c:/windows/SYSTEM32/LSP.dll"), root_ + "/Windows/System32/Lsp.DLL");
  EXPECT_EQ(*ToLinuxPath("\\\\?\\C:\\Windows\\System32\\lsp.dll"),
            root_ + "/Windows/System32/Lsp.DLL");
  EXPECT_EQ(*ToLinuxPath("\\Windows\\system32"), root_ + "/Windows/System32");  // drive C:
  // What does not exist is kept as written; ".." never climbs above the drive.
  EXPECT_EQ(*ToLinuxPath("C:\\Windows\\New Folder\\a.dll"), root_ + "/Windows/New Folder/a.dll");
  EXPECT_EQ(*ToLinuxPath("C:\\..\\..\\etc\\passwd"), root_ + "/etc/passwd");
  EXPECT_EQ(*ToLinuxPath(ExpandWindowsEnvironment("%SystemRoot%\\System32\\LSP.DLL")),
            root_ + "/Windows/System32/Lsp.DLL");
  // A Linux path is already one.
  EXPECT_EQ(*ToLinuxPath("/usr/lib/x.so"), "/usr/lib/x.so");
}

TEST_F(DriveMap, RefusesWhatItCannotMap) {
  unsetenv("WS2EMU_DRIVE_Q");
  absl::StatusOr<std::string> q = ToLinuxPath("Q:\\x.dll");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("WS2EMU_DRIVE_Q"), std::string::npos);
  EXPECT_FALSE(ToLinuxPath("\\\\server\\share\\x.dll").ok());
  EXPECT_FALSE(DriveRoot('1').ok());
  setenv("WS2EMU_DRIVE_Q", "/q-root", 1);
  EXPECT_EQ(*ToLinuxPath("q:\\a\\b"), "/q-root/a/b");
  unsetenv("WS2EMU_DRIVE_Q");
}

TEST(DriveMapDefault, CIsAPerUserFolder) {
  unsetenv("WS2EMU_DRIVE_C");
  setenv("XDG_DATA_HOME", "/xdg", 1);
  EXPECT_EQ(*DriveRoot('c'), "/xdg/ws2emu/drive_c");
  unsetenv("XDG_DATA_HOME");
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(*DriveRoot('C'), "/home/someone/.local/share/ws2emu/drive_c");
}

TEST(PathNames, BaseNameAndKinds) {
  EXPECT_EQ(BaseName("C:\\a\\B.dll"), "B.dll");
  EXPECT_EQ(BaseName("/x/y.so"), "y.so");
  EXPECT_EQ(BaseName("C:x.dll"), "x.dll");
  EXPECT_EQ(BaseName("x.dll"), "x.dll");
  EXPECT_TRUE(IsWindowsPath("C:\\x"));
  EXPECT_TRUE(IsWindowsPath("\\x"));
  EXPECT_FALSE(IsWindowsPath("/x"));
  EXPECT_FALSE(IsWindowsPath("x.dll"));
}

}  // namespace
