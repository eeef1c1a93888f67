// lib/catalog/catalog.h — the protocol catalog in memory, and its file format.
//
//   Catalog c;                                  // empty: IDs start at 1001
//   std::string text = Serialize(c);
//   absl::StatusOr<Catalog> back = Parse(text, "catalog.txt");   // errors name file and line
//
// The catalog is what the registry's Protocol_Catalog9 is on Windows: the installed
// WSAPROTOCOL_INFOW entries in catalog order (the order WSCEnumProtocols reports and
// WSCWriteProviderOrder changes), each with the provider DLL path it was installed with, and
// the next catalog ID to hand out (IDs start at 1001 and are never reused).
//
// The file is text, one key per line, versioned by its `format` line; every field of every
// entry is written, so a file round-trips each WSAPROTOCOL_INFOW exactly (the name up to its
// terminator; the rest of szProtocol reads back as zeros). Strings are quoted; printable ASCII
// stands for itself and any other UTF-16 unit is written \uXXXX, so unpaired surrogates survive
// too. A file with a newer format number is refused, not guessed at.
#ifndef WS2EMU_LIB_CATALOG_CATALOG_H_
#define WS2EMU_LIB_CATALOG_CATALOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::catalog {

inline constexpr int kFormatVersion = 1;
inline constexpr uint32_t kFirstCatalogId = 1001;

struct Entry {
  WSAPROTOCOL_INFOW info;
  std::u16string path;  // as installed: may hold %VARIABLES%, never expanded here
};

struct Catalog {
  uint32_t next_id = kFirstCatalogId;
  std::vector<Entry> entries;  // in catalog order

  const Entry *Find(uint32_t catalog_id) const;
  bool HasProvider(const GUID &provider) const;
};

std::string Serialize(const Catalog &catalog);
// InvalidArgument "FILE:LINE: what is wrong" for a damaged file; FailedPrecondition for a
// format newer than this build reads.
absl::StatusOr<Catalog> Parse(std::string_view text, std::string_view file_name);

// Helpers shared with the tools: GUIDs as {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, and the
// szProtocol of an entry as a u16string.
std::string GuidToString(const GUID &guid);
bool ParseGuid(std::string_view text, GUID *guid);
bool SameGuid(const GUID &a, const GUID &b);
std::u16string ProtocolName(const WSAPROTOCOL_INFOW &info);
std::string ToUtf8(std::u16string_view text);

}  // namespace ws2emu::catalog

#endif  // WS2EMU_LIB_CATALOG_CATALOG_H_
