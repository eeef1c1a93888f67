// base/regular_file: folders, FIFOs, devices, /proc files and oversized files are refused with a
// message naming the problem; nothing blocks and nothing reads past the limit.
#include "base/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "base/file_kind.h"
#include "gtest/gtest.h"
#include "common/temp_dir.h"

namespace ws2emu {
namespace {

using ::ws2emu::testing::TempDir;

void WriteText(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

TEST(RegularFile, ReadsARegularFile) {
  TempDir dir("regular");
  WriteText(dir.path() + "/f", "hello");
  absl::StatusOr<std::string> text = ReadRegularFile(dir.path() + "/f", 100, "catalog");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "hello");
}

TEST(RegularFile, ReadsAFileOfExactlyTheLimit) {
  TempDir dir("regular");
  WriteText(dir.path() + "/f", std::string(5000, 'x'));
  absl::StatusOr<std::string> text = ReadRegularFile(dir.path() + "/f", 5000, "catalog");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->size(), 5000u);
}

TEST(RegularFile, RefusesAFileOverTheLimitNamingTheLimit) {
  TempDir dir("regular");
  WriteText(dir.path() + "/f", std::string(2 << 20, 'x'));
  absl::StatusOr<std::string> text = ReadRegularFile(dir.path() + "/f", 1 << 20, "description file");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(text.status().message().find("over the 1 MiB limit for a description file"),
            std::string::npos)
      << text.status();
  EXPECT_NE(text.status().message().find("2097152 bytes"), std::string::npos) << text.status();
}

TEST(RegularFile, RefusesAFolder) {
  TempDir dir("regular");
  absl::StatusOr<std::string> text = ReadRegularFile(dir.path(), 100, "catalog");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(text.status().message().find("is a folder"), std::string::npos) << text.status();
}

TEST(RegularFile, RefusesDevZeroWithoutReadingIt) {
  absl::StatusOr<std::string> text = ReadRegularFile("/dev/zero", kCatalogFileLimit, "catalog");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("is not a regular file"), std::string::npos)
      << text.status();
}

// A FIFO nobody writes to: a blocking open would wait forever for a writer.
TEST(RegularFile, RefusesAFifoWithoutBlocking) {
  TempDir dir("regular");
  std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  absl::StatusOr<std::string> text = ReadRegularFile(fifo, 100, "catalog");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("is not a regular file"), std::string::npos)
      << text.status();
  absl::StatusOr<FileKind> kind = KindOfFile(fifo);
  ASSERT_FALSE(kind.ok());
  EXPECT_NE(kind.status().message().find("is not a regular file"), std::string::npos);
}

// /proc files say size 0 in fstat; the read still stops one byte past the limit.
TEST(RegularFile, AProcFileCannotGrowPastTheLimit) {
  absl::StatusOr<std::string> small = ReadRegularFile("/proc/self/maps", 16, "catalog");
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.status().message().find("over the 16 bytes limit"), std::string::npos)
      << small.status();
  absl::StatusOr<std::string> whole = ReadRegularFile("/proc/self/maps", 1 << 20, "catalog");
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_GT(whole->size(), 16u);
}

// /proc/self/mem is a regular file of size 0 whose offset 0 cannot be read: an error, no abort.
TEST(RegularFile, ProcSelfMemIsAnErrorNotACrash) {
  absl::StatusOr<std::string> text = ReadRegularFile("/proc/self/mem", kImageFileLimit, "PE image");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("/proc/self/mem"), std::string::npos) << text.status();
}

TEST(RegularFile, MissingAndEmptyPathsSayWhat) {
  absl::StatusOr<std::string> missing = ReadRegularFile("/nonexistent/x", 100, "catalog");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<std::string> empty = ReadRegularFile("", 100, "catalog");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "empty catalog path");
}

TEST(RegularFile, DescribesSizes) {
  EXPECT_EQ(DescribeSize(64u << 20), "64 MiB");
  EXPECT_EQ(DescribeSize(1u << 30), "1 GiB");
  EXPECT_EQ(DescribeSize(512u << 10), "512 KiB");
  EXPECT_EQ(DescribeSize(100), "100 bytes");
}

}  // namespace
}  // namespace ws2emu
