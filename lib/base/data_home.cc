#include "base/data_home.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace ws2emu {

std::string DataHome() {
  const char *xdg = std::getenv("XDG_DATA_HOME");
  if (xdg != nullptr && xdg[0] == '/') return xdg;
  const char *home = std::getenv("HOME");
  // [inference] A relative HOME is used as it is, as before this helper existed.
  if (home != nullptr && home[0] != 0) return absl::StrCat(home, "/.local/share");
  return "";
}

}  // namespace ws2emu
