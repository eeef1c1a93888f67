// lib/catalog/catalog.h — the protocol catalog in memory, and its file format.
//
//   Catalog c;                                  // empty: IDs start at 1001 (a missing
//                                               // file is DefaultCatalog(), not this)
//   std::string text = Serialize(c);
//   absl::StatusOr<Catalog> back = Parse(text, "catalog.txt");   // errors name file and line
//
// The catalog is what the registry's Protocol_Catalog9 is on Windows: the installed
// WSAPROTOCOL_INFOW entries in catalog order (the order WSCEnumProtocols reports and
// WSCWriteProviderOrder changes), each with the provider DLL path it was installed with, and
// the next catalog ID to hand out (IDs start at 1001 and are never reused). A catalog that
// was never written holds MSAFD's base entries, 1001..1004 (default_entries.h).
//
// The file is text, one key per line, versioned by its `format` line; every field of every
// entry is written, so a file round-trips each WSAPROTOCOL_INFOW exactly (the name up to its
// terminator; the rest of szProtocol reads back as zeros). Strings are quoted; printable ASCII
// stands for itself and any other UTF-16 unit is written \uXXXX, so unpaired surrogates survive
// too. A file with a newer format number is refused, not guessed at.
//
// The parser also refuses what the WSC* calls refuse, so a catalog edited by hand cannot start
// providers with values no installer could have given: a ChainLen outside 0..7, an empty
// provider path or one of MAX_PATH (260) characters or more, a NUL inside a path or a name.
// Parsing is linear in the size of the file.
//
// Format 2 adds what Windows keeps beside the entries (Vista's LSP categorization), as lines
// after the entries:
//   lsp-categories {GUID} 0x00000009              WSCSetProviderInfo(ProviderInfoLspCategories)
//   app-category 0x00000001 "C:\\app.exe" "-k x"    WSCSetApplicationCategory (path, extra)
// A provider's categories are never 0 (setting 0 removes the line) and its GUID must be
// installed; an application's (path, extra) appears once, path compared without ASCII case.
// Category values hold only the LSP_* bits (kLspCategoryMask). A catalog that holds neither is
// written as format 1, so a catalog that does not use them stays readable by older builds; a
// format-1 file with such a line is damaged.
//
// Format 3 adds the name-space catalog (NameSpace_Catalog5 on Windows: WSCInstallNameSpace and
// friends), after everything else:
//   name-spaces                                   the name-space catalog follows, complete
//   name-space {GUID}
//     identifier "Tcpip"
//     path "%SystemRoot%\\system32\\mswsock.dll"
//     name-space 12
//     version 0
//     active 1
//     provider-specific ""                        WSCInstallNameSpaceEx's blob, hex digits
//   end
// A file without a `name-spaces` line holds the name-space catalog Windows ships
// (DefaultNameSpaces(): the TCP/IP provider), and a catalog whose name-space catalog is exactly
// that is written without one — as format 1 or 2, so that older builds keep reading it. Only a
// changed name-space catalog (a provider installed, removed, or disabled) makes the file format
// 3. A `name-spaces` line in a format-1/2 file, a name-space block without it, two blocks with
// the same GUID, or a block that lacks a field, is damage.
#ifndef WS2EMU_LIB_CATALOG_CATALOG_H_
#define WS2EMU_LIB_CATALOG_CATALOG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::catalog {

inline constexpr int kFormatVersion = 3;
// Every LSP_* category flag (ws2spi.h): LSP_SYSTEM and LSP_INSPECTOR .. LSP_LOCAL_CACHE.
inline constexpr DWORD kLspCategoryMask = LSP_SYSTEM | 0xffu;
// The longest application path or extra string of an application category, in UTF-16 units
// (the longest path Windows has: UNICODE_STRING's 32767 characters).
inline constexpr size_t kMaxApplicationString = 32767;
inline constexpr uint32_t kFirstCatalogId = 1001;
// MAX_PATH: the longest provider path, terminator included.
inline constexpr size_t kMaxPath = 260;

struct Entry {
  WSAPROTOCOL_INFOW info;
  std::u16string path;  // as installed: may hold %VARIABLES%, never expanded here
};

// Catalog IDs and provider GUIDs to entries, built in one pass over a vector of entries; each
// lookup is O(1). It points into the vector it was built from, so it is valid only while that
// vector is not changed (the operations build one for the duration of a change).
class EntryIndex {
 public:
  explicit EntryIndex(const std::vector<Entry> &entries);
  const Entry *Find(uint32_t catalog_id) const;
  // The first entry of `provider` in catalog order, or null.
  const Entry *FirstOf(const GUID &provider) const;

 private:
  static absl::uint128 Key(const GUID &guid);
  absl::flat_hash_map<uint32_t, const Entry *> by_id_;
  absl::flat_hash_map<absl::uint128, const Entry *> by_provider_;
};

// WSCSetProviderInfo's ProviderInfoLspCategories for one provider GUID.
struct ProviderInfo {
  GUID provider;
  DWORD lsp_categories = 0;  // never 0 in a catalog: 0 is "none set"
};

// WSCSetApplicationCategory: the LSP categories an application (path + extra) permits.
struct ApplicationCategory {
  std::u16string path;   // as given (may hold %VARIABLES%)
  std::u16string extra;  // empty when the call gave none
  DWORD permitted = 0;
};

// One installed name-space provider (WSANAMESPACE_INFOEXW's fields, and the DLL's path).
struct NameSpaceEntry {
  GUID provider;
  std::u16string identifier;  // never empty, no NUL
  std::u16string path;        // as installed: may hold %VARIABLES%
  DWORD name_space = 0;
  DWORD version = 0;
  bool active = true;         // WSCEnableNSProvider
  std::string provider_specific;  // WSCInstallNameSpaceEx's blob (bytes), empty if none
  bool operator==(const NameSpaceEntry &o) const;
};

// The longest identifier of a name-space provider, in UTF-16 units. [inference] Windows
// documents none; the registry value that holds it is a string like the provider path, so the
// same bound as kMaxApplicationString.
inline constexpr size_t kMaxNameSpaceIdentifier = 32767;
// The largest provider-specific blob kept, in bytes. [inference] Not documented either; the
// bound keeps a hostile blob from growing the file without limit.
inline constexpr size_t kMaxProviderSpecific = 65536;

// The name-space catalog Windows ships: the TCP/IP provider, "Tcpip", NS_DNS, at MSAFD's path.
std::vector<NameSpaceEntry> DefaultNameSpaces();

struct Catalog {
  uint32_t next_id = kFirstCatalogId;
  std::vector<Entry> entries;  // in catalog order
  std::vector<ProviderInfo> provider_info;       // in the order first set
  std::vector<ApplicationCategory> applications;  // in the order first set
  // The name-space providers, in catalog order (installs append).
  std::vector<NameSpaceEntry> name_spaces = DefaultNameSpaces();

  Catalog() = default;
  // A copy has no index (a copy is what a change edits); a move keeps it (the vector's
  // elements do not move).
  Catalog(const Catalog &other)
      : next_id(other.next_id),
        entries(other.entries),
        provider_info(other.provider_info),
        applications(other.applications),
        name_spaces(other.name_spaces) {}
  Catalog &operator=(const Catalog &other);
  Catalog(Catalog &&other) = default;
  Catalog &operator=(Catalog &&other) = default;

  // O(1) after BuildIndex(), a scan of `entries` otherwise.
  const Entry *Find(uint32_t catalog_id) const;
  bool HasProvider(const GUID &provider) const;
  // The LSP categories set for `provider`, 0 if none.
  DWORD LspCategories(const GUID &provider) const;
  // Sets them (0 removes them); the caller has checked that the provider is installed.
  void SetLspCategories(const GUID &provider, DWORD categories);
  // Drops the provider info of GUIDs no entry has any more (after a removal).
  void DropOrphanProviderInfo();
  // The application category of (path, extra), or null.
  const ApplicationCategory *FindApplication(std::u16string_view path,
                                             std::u16string_view extra) const;
  // Indexes the entries as they are now. Only for a catalog that no one changes afterwards:
  // the store builds it for the snapshots Read() shares, which are const. Whoever changes
  // `entries` of an indexed catalog must call BuildIndex() (or DropIndex()) again.
  // The name-space provider with this GUID, or null.
  const NameSpaceEntry *FindNameSpace(const GUID &provider) const;
  NameSpaceEntry *FindNameSpace(const GUID &provider);
  void BuildIndex();
  void DropIndex() { index_.reset(); }

 private:
  std::shared_ptr<const EntryIndex> index_;
};

std::string Serialize(const Catalog &catalog);
// InvalidArgument "FILE:LINE: what is wrong" for a damaged file; FailedPrecondition for a
// format newer than this build reads.
absl::StatusOr<Catalog> Parse(std::string_view text, std::string_view file_name);

// For `reset` of a damaged file: the next catalog ID that cannot have been handed out yet, read
// from whatever of `text` is readable. The largest of: a readable `next-id` line, one past the
// highest readable `entry N` line, and kFirstCatalogId. IDs are never reused; UINT32_MAX at most.
uint32_t SalvageNextId(std::string_view text);

// Helpers shared with the tools: GUIDs as {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, and the
// szProtocol of an entry as a u16string (base/utf.h's Utf16ToUtf8 turns it into UTF-8).
std::string GuidToString(const GUID &guid);
bool ParseGuid(std::string_view text, GUID *guid);
bool SameGuid(const GUID &a, const GUID &b);
std::u16string ProtocolName(const WSAPROTOCOL_INFOW &info);
// Equal but for ASCII case, as Windows compares LSP names and paths.
bool EqualNoCase(std::u16string_view a, std::u16string_view b);

}  // namespace ws2emu::catalog

#endif  // WS2EMU_LIB_CATALOG_CATALOG_H_
