// emu/exports/guid_text.h — a GUID as the 36 characters "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
// both ways, in 8-bit or UTF-16 characters: the one conversion behind rpcrt4's UuidToString /
// UuidFromString (bare, lower case) and ole32's StringFromGUID2 / CLSIDFromString (in braces,
// upper case).
//
//   WCHAR text[39] = {'{'};
//   FormatGuid(guid, GuidCase::kUpper, text + 1);   // writes 36 characters, no terminator
//   GUID back;
//   bool ok = ParseGuid(text + 1, &back);           // reads exactly 36 characters
//
// Data1, Data2 and Data3 are printed as numbers (most significant digit first), Data4 byte by
// byte, the last six bytes after the fourth hyphen: the Windows text form.
#ifndef WS2EMU_EMU_EXPORTS_GUID_TEXT_H_
#define WS2EMU_EMU_EXPORTS_GUID_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ws2emu/win_base.h"

namespace ws2emu::emu {

inline constexpr size_t kGuidTextLength = 36;  // without braces or terminator

enum class GuidCase { kLower, kUpper };

namespace internal {

inline int HexValue(uint32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return -1;
}

// The 16 bytes of the GUID in text order (Data1..Data3 most significant byte first).
inline void GuidTextBytes(const GUID &g, uint8_t out[16]) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(g.Data1 >> (24 - 8 * i));
  out[4] = static_cast<uint8_t>(g.Data2 >> 8);
  out[5] = static_cast<uint8_t>(g.Data2);
  out[6] = static_cast<uint8_t>(g.Data3 >> 8);
  out[7] = static_cast<uint8_t>(g.Data3);
  for (int i = 0; i < 8; ++i) out[8 + i] = g.Data4[i];
}

}  // namespace internal

// Writes the 36 characters of `guid` to `out` (no terminator).
template <typename Char>
void FormatGuid(const GUID &guid, GuidCase letter_case, Char *out) {
  const char *digits = letter_case == GuidCase::kUpper ? "0123456789ABCDEF" : "0123456789abcdef";
  uint8_t bytes[16];
  internal::GuidTextBytes(guid, bytes);
  size_t pos = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[pos++] = static_cast<Char>('-');
    out[pos++] = static_cast<Char>(digits[bytes[i] >> 4]);
    out[pos++] = static_cast<Char>(digits[bytes[i] & 0xf]);
  }
}

// Reads exactly 36 characters at `text` (hex digits in either case, hyphens where they belong);
// false, with *guid untouched, on anything else. What follows the 36 characters is the caller's
// to check.
template <typename Char>
bool ParseGuid(const Char *text, GUID *guid) {
  uint8_t bytes[16];
  size_t pos = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      if (text[pos++] != static_cast<Char>('-')) return false;
    }
    // Promote through the unsigned form so that a negative char is not a small value.
    using Unsigned = std::make_unsigned_t<Char>;
    int hi = internal::HexValue(static_cast<Unsigned>(text[pos]));
    if (hi < 0) return false;
    int lo = internal::HexValue(static_cast<Unsigned>(text[pos + 1]));
    if (lo < 0) return false;
    pos += 2;
    bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  guid->Data1 = static_cast<DWORD>(bytes[0]) << 24 | static_cast<DWORD>(bytes[1]) << 16 |
                static_cast<DWORD>(bytes[2]) << 8 | bytes[3];
  guid->Data2 = static_cast<WORD>(bytes[4] << 8 | bytes[5]);
  guid->Data3 = static_cast<WORD>(bytes[6] << 8 | bytes[7]);
  for (int i = 0; i < 8; ++i) guid->Data4[i] = bytes[8 + i];
  return true;
}

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_EXPORTS_GUID_TEXT_H_
