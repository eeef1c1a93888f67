// tools/catalog/names.h — the symbolic names ws2emu-catalog reads and prints: address
// families, socket types, protocols, XP1_/PFL_/LSP_ flags and WSA error codes.
//
//   int family;
//   if (ParseFamily("inet6", &family)) ...            // 23
//   FamilyName(23)                                     // "AF_INET6"
//   DWORD flags;
//   ParseFlags("XP1_IFS_HANDLES|0x2", kServiceFlags, &flags);
//   FlagNames(0x20002, kServiceFlags)                  // "XP1_GUARANTEED_DELIVERY|XP1_IFS_HANDLES"
//
// Each conversion is one table read both ways (Wine's family_to_unix / family_from_unix
// pattern), so a name the tool accepts is the name it prints.
#ifndef WS2EMU_TOOLS_CATALOG_NAMES_H_
#define WS2EMU_TOOLS_CATALOG_NAMES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/wsa_errors.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::catalog_tool {

struct Named {
  int value;
  const char *name;   // the Windows name, e.g. AF_INET6
  const char *alias;  // the short form accepted in description files, e.g. inet6 (or null)
};

extern const std::span<const Named> kFamilies;
extern const std::span<const Named> kSocketTypes;
extern const std::span<const Named> kProtocols;
extern const std::span<const Named> kServiceFlags;   // XP1_*
extern const std::span<const Named> kProviderFlags;  // PFL_*
extern const std::span<const Named> kLspCategories;  // LSP_* (WSCSetProviderInfo)

// A name (either spelling, any case) or a number (decimal, 0x hex, may be negative) from a
// table. False for anything else.
bool ParseNamed(std::string_view text, std::span<const Named> table, int *value);
// A number alone (decimal, 0x hex, leading '-' allowed) within [min, max].
bool ParseInteger(std::string_view text, int64_t min, int64_t max, int64_t *out);
// The Windows name of a value, or empty when the table has none.
std::string NameOf(int value, std::span<const Named> table);

// `|`-joined flag names and numbers: "XP1_IFS_HANDLES|XP1_GUARANTEED_DELIVERY", "0x20002",
// "0". False (with the offending part in *bad) for an unknown name.
bool ParseFlags(std::string_view text, std::span<const Named> table, DWORD *flags,
                std::string *bad);
// The set bits by name, `|`-joined; bits without a name as one 0x number; "" for 0.
std::string FlagNames(DWORD flags, std::span<const Named> table);

using ::ws2emu::WsaErrorName;  // lib/base/wsa_errors.h

}  // namespace ws2emu::catalog_tool

#endif  // WS2EMU_TOOLS_CATALOG_NAMES_H_
