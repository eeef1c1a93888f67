#include "base/escape.h"

#include <cstdint>
#include <cstdio>

namespace ws2emu {
namespace {

// The length of the valid UTF-8 sequence at text[i] (1..4), or 0 when it is not one.
size_t Utf8Length(std::string_view text, size_t i, uint32_t *code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b = byte(i);
  size_t extra;
  uint32_t c, min;
  if (b < 0x80) {
    *code_point = b;
    return 1;
  } else if ((b & 0xe0) == 0xc0) {
    extra = 1, c = b & 0x1f, min = 0x80;
  } else if ((b & 0xf0) == 0xe0) {
    extra = 2, c = b & 0x0f, min = 0x800;
  } else if ((b & 0xf8) == 0xf0) {
    extra = 3, c = b & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + extra >= text.size()) return 0;
  for (size_t k = 1; k <= extra; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    c = (c << 6) | (byte(i + k) & 0x3f);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) return 0;
  *code_point = c;
  return extra + 1;
}

}  // namespace

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char buffer[8];
  for (size_t i = 0; i < text.size();) {
    uint32_t c = 0;
    const size_t n = Utf8Length(text, i, &c);
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
