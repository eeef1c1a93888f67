// lib/base/utf.h — UTF-16 (Windows WCHAR strings) to UTF-8 (Linux paths, the ANSI code page
// here) and back.
#ifndef WS2EMU_LIB_BASE_UTF_H_
#define WS2EMU_LIB_BASE_UTF_H_

#include <string>

namespace ws2emu {

// UTF-16 to UTF-8; `length` -1 means up to the terminator, and a null `text` gives "(null)"
// (what printf prints for it). Unpaired surrogates become U+FFFD.
std::string Utf16ToUtf8(const char16_t *text, long length = -1);
// UTF-8 to UTF-16; invalid bytes become U+FFFD.
std::u16string Utf8ToUtf16(const std::string &text);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_UTF_H_
