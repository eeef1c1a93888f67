// The PE32+ parser on a real mingw-built DLL (WS2EMU_SAMPLE_DLL) and on the corpus of broken
// images made from it (WS2EMU_BROKEN_IMAGES, with a MANIFEST naming the error each must give).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "pe/pe_image.h"

namespace ws2emu::emu {
namespace {

std::vector<uint8_t> ReadFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::string Env(const char *name) {
  const char *v = std::getenv(name);
  return v != nullptr ? v : "";
}

TEST(PeImage, ParsesAMingwDll) {
  std::vector<uint8_t> bytes = ReadFile(Env("WS2EMU_SAMPLE_DLL"));
  ASSERT_FALSE(bytes.empty()) << "WS2EMU_SAMPLE_DLL=" << Env("WS2EMU_SAMPLE_DLL");
  absl::StatusOr<PeImage> image = PeImage::Parse(bytes);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_TRUE(image->is_dll());
  EXPECT_EQ(image->image_base() % 0x10000, 0u);
  EXPECT_NE(image->entry_point(), 0u);
  EXPECT_FALSE(image->sections().empty());

  // Exports: by name, by ordinal only (7), forwarded.
  EXPECT_EQ(image->export_name(), "sample_dll.dll");
  auto find = [&](const std::string &name) {
    return std::find_if(image->exports().begin(), image->exports().end(),
                        [&](const Export &e) { return e.name == name; });
  };
  ASSERT_NE(find("SampleAdd"), image->exports().end());
  EXPECT_NE(find("SampleAdd")->rva, 0u);
  ASSERT_NE(find("SampleForward"), image->exports().end());
  EXPECT_EQ(find("SampleForward")->forwarder, "KERNEL32.GetTickCount");
  auto hidden = std::find_if(image->exports().begin(), image->exports().end(),
                             [](const Export &e) { return e.ordinal == 7; });
  ASSERT_NE(hidden, image->exports().end());
  EXPECT_TRUE(hidden->name.empty());

  // Imports: KERNEL32 by name, GetLastError among them.
  auto k32 = std::find_if(image->imports().begin(), image->imports().end(),
                          [](const ImportedDll &d) { return d.name == "KERNEL32.dll"; });
  ASSERT_NE(k32, image->imports().end());
  EXPECT_FALSE(k32->delay_load);
  EXPECT_TRUE(std::any_of(k32->entries.begin(), k32->entries.end(), [](const ImportEntry &e) {
    return !e.by_ordinal && e.name == "GetLastError";
  }));
  for (const ImportEntry &e : k32->entries) EXPECT_LT(e.iat_rva, image->size_of_image());

  EXPECT_TRUE(image->has_relocations());
  EXPECT_FALSE(image->relocations().empty());
  ASSERT_TRUE(image->tls().has_value());
  EXPECT_FALSE(image->tls()->callbacks.empty());
}

TEST(PeImage, EveryBrokenImageIsRefusedWithItsReason) {
  std::string dir = Env("WS2EMU_BROKEN_IMAGES");
  std::ifstream manifest(dir + "/MANIFEST");
  ASSERT_TRUE(manifest.good()) << "no MANIFEST in '" << dir << "'";
  std::string line;
  int cases = 0;
  while (std::getline(manifest, line)) {
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos);
    std::string name = line.substr(0, tab), expect = line.substr(tab + 1);
    std::vector<uint8_t> bytes = ReadFile(dir + "/" + name + ".dll");
    absl::StatusOr<PeImage> image = PeImage::Parse(bytes);
    ++cases;
    if (image.ok()) {
      ADD_FAILURE() << name << ": accepted";
      continue;
    }
    EXPECT_NE(std::string(image.status().message()).find(expect), std::string::npos)
        << name << ": error '" << image.status().message() << "' does not say '" << expect
        << "'";
  }
  EXPECT_GE(cases, 25);
}

TEST(PeImage, EveryTruncationOfAGoodImageIsRefusedOrParsedWithoutReadingPastTheEnd) {
  // Under AddressSanitizer this proves no read goes past the buffer, whatever the cut.
  std::vector<uint8_t> bytes = ReadFile(Env("WS2EMU_SAMPLE_DLL"));
  ASSERT_FALSE(bytes.empty());
  int refused = 0;
  for (size_t len = 0; len < bytes.size(); len += 7) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + len);
    if (!PeImage::Parse(cut).ok()) ++refused;
  }
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace ws2emu::emu
