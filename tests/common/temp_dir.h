// tests/common/temp_dir.h — a fresh folder under /tmp for one test, removed with everything in
// it when the object goes.
//
//   ws2emu::testing::TempDir dir("catalog");     // /tmp/ws2emu-catalog-XXXXXX
//   std::string file = dir.path() + "/catalog";
#ifndef WS2EMU_TESTS_COMMON_TEMP_DIR_H_
#define WS2EMU_TESTS_COMMON_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace ws2emu::testing {

class TempDir {
 public:
  explicit TempDir(const std::string &name) {
    std::string pattern = "/tmp/ws2emu-" + name + "-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ws2emu::testing

#endif  // WS2EMU_TESTS_COMMON_TEMP_DIR_H_
