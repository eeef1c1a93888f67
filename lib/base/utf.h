// lib/base/utf.h — UTF-16 (Windows WCHAR strings) to UTF-8 (Linux paths, the ANSI code page
// here) and back.
#ifndef WS2EMU_LIB_BASE_UTF_H_
#define WS2EMU_LIB_BASE_UTF_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ws2emu {

// UTF-16 to UTF-8; `length` -1 means up to the terminator, and a null `text` gives "(null)"
// (what printf prints for it). Unpaired surrogates become U+FFFD.
std::string Utf16ToUtf8(const char16_t *text, long length = -1);
// The same for a counted string (a std::u16string, a WCHAR field with its length); an empty
// view gives "" whatever its data() is.
std::string Utf16ToUtf8(std::u16string_view text);
// UTF-8 to UTF-16; invalid bytes become U+FFFD.
std::u16string Utf8ToUtf16(const std::string &text);
// Strict decoding of the one UTF-8 sequence at text[i]: its length (1 to 4) with the code point
// in *code_point, or 0 when it is not valid UTF-8 (a stray or truncated byte, an overlong form,
// a surrogate, past U+10FFFF). For callers that must refuse or escape what is not text.
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t *code_point);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_UTF_H_
