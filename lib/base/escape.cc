#include "base/escape.h"

#include <cstdint>
#include <cstdio>

#include "base/utf.h"

namespace ws2emu {

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char buffer[8];
  for (size_t i = 0; i < text.size();) {
    uint32_t c = 0;
    const size_t n = DecodeUtf8(text, i, &c);
    if (n == 0) {
      std::snprintf(buffer, sizeof(buffer), "\\x%02x", static_cast<unsigned char>(text[i]));
      out += buffer;
      ++i;
      continue;
    }
    if (c == 0 || (c >= 0x80 && c < 0xa0)) {
      std::snprintf(buffer, sizeof(buffer), "\\u%04x", static_cast<unsigned>(c));
      out += buffer;
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(buffer, sizeof(buffer), "\\x%02x", static_cast<unsigned>(c));
      out += buffer;
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace ws2emu
