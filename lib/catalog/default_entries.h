// lib/catalog/default_entries.h — the catalog as Windows ships it: MSAFD's four base entries
// (TCP and UDP over IPv4 and IPv6), which the built-in base provider serves.
//
//   Catalog fresh = DefaultCatalog();        // entries 1001..1004, next-id 1005
//   std::vector<Entry> restored = DefaultBaseEntries(5000);   // `reset`: IDs 5000..5003
//
// A catalog file that does not exist holds exactly these (Store::Read answers them without
// writing anything, and the first change of a missing file starts from them); Store::Reset
// restores them, like `netsh winsock reset`. Every field has Windows' value (default_entries.cc
// says where each was verified); ChainLen is BASE_PROTOCOL and ChainEntries[0] is the entry's
// own catalog ID, as WSCEnumProtocols reports a base entry on Windows.
#ifndef WS2EMU_LIB_CATALOG_DEFAULT_ENTRIES_H_
#define WS2EMU_LIB_CATALOG_DEFAULT_ENTRIES_H_

#include <cstdint>
#include <vector>

#include "catalog/catalog.h"

namespace ws2emu::catalog {

// MSAFD's provider GUID, {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}, and the path its entries are
// installed with (as installed: the %SystemRoot% stays unexpanded in the catalog).
inline constexpr GUID kMsafdProviderId = {
    0xE70F1AA0, 0xAB8B, 0x11CF, {0x8C, 0xA3, 0x00, 0x80, 0x5F, 0x48, 0xA1, 0x92}};
inline constexpr char16_t kMsafdPath[] = u"%SystemRoot%\\system32\\mswsock.dll";
// The TCP/IP name-space provider Windows installs: "Tcpip", NS_DNS, version 0, at MSAFD's path
// (netsh winsock show catalog). Its NSPStartup is the built-in DNS provider (lib/namespaces).
inline constexpr GUID kTcpipNameSpaceId = {
    0x22059D40, 0x7E9E, 0x11CF, {0xAE, 0x5A, 0x00, 0xAA, 0x00, 0xA7, 0x11, 0x2B}};
inline constexpr char16_t kTcpipNameSpaceIdentifier[] = u"Tcpip";
// How many entries DefaultBaseEntries gives.
inline constexpr uint32_t kDefaultEntryCount = 4;

// The four entries in catalog order, "MSAFD Tcpip [TCP/IP]", "[UDP/IP]", "[TCP/IPv6]",
// "[UDP/IPv6]", with the catalog IDs first_id .. first_id + 3 (and ChainEntries[0] the same).
// first_id must leave room for four IDs (first_id <= UINT32_MAX - 3).
std::vector<Entry> DefaultBaseEntries(uint32_t first_id);

// The catalog that never existed: DefaultBaseEntries(kFirstCatalogId), next-id 1005.
Catalog DefaultCatalog();

}  // namespace ws2emu::catalog

#endif  // WS2EMU_LIB_CATALOG_DEFAULT_ENTRIES_H_
