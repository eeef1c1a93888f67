#include "base/utf.h"

#include <cstdint>

namespace ws2emu {

std::string Utf16ToUtf8(std::u16string_view text) {
  if (text.empty()) return {};  // an empty view may have no data() at all
  return Utf16ToUtf8(text.data(), static_cast<long>(text.size()));
}

std::string Utf16ToUtf8(const char16_t *text, long length) {
  std::string out;
  if (text == nullptr) return "(null)";
  for (long i = 0; length < 0 ? text[i] != 0 : i < length; ++i) {
    uint32_t c = text[i];
    if (c >= 0xD800 && c <= 0xDBFF && (length < 0 || i + 1 < length) && text[i + 1] >= 0xDC00 &&
        text[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (text[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::u16string Utf8ToUtf16(const std::string &text) {
  std::u16string out;
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    uint32_t c;
    size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > text.size()) {
      out += u'\uFFFD';
      ++i;
      continue;
    }
    c = len == 1 ? b : b & (0x7F >> len);
    bool valid = true;
    for (size_t k = 1; k < len; ++k) {
      auto cont = static_cast<unsigned char>(text[i + k]);
      if ((cont >> 6) != 2) valid = false;
      c = (c << 6) | (cont & 0x3F);
    }
    i += len;
    if (!valid || c > 0x10FFFF) {
      out += u'\uFFFD';
    } else if (c >= 0x10000) {
      c -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (c >> 10));
      out += static_cast<char16_t>(0xDC00 + (c & 0x3FF));
    } else {
      out += static_cast<char16_t>(c);
    }
  }
  return out;
}

size_t DecodeUtf8(std::string_view text, size_t i, uint32_t *code_point) {
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

}  // namespace ws2emu
