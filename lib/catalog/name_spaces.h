// lib/catalog/name_spaces.h — the name-space catalog's operations (WSCInstallNameSpace[Ex],
// WSCUnInstallNameSpace, WSCEnableNSProvider, the enumeration), on the same store and file as
// the protocol catalog (catalog.h, format 3). name_spaces.cc also holds the WSC* boundary
// functions; the WSAEnumNameSpaceProviders* calls, which need WSAStartup, are in lib/winsock.
//
//   absl::Status s = catalog::InstallNameSpace(store, guid, u"Mine", u"C:\\mine.dll", NS_DNS, 1, "");
//   absl::StatusOr<std::vector<NameSpaceEntry>> all = catalog::NameSpaces(store);
//
// Errors (WsaStatus; WSANO_RECOVERY for a store that cannot be read or written, as for the
// protocol calls): WSAEINVAL for an empty identifier or path, a path of MAX_PATH characters or
// more, a NUL-free string that is too long, and for a GUID that is not installed (uninstall,
// enable); WSANO_RECOVERY for a GUID that is already installed — the pages of
// WSCInstallNameSpace and WSCInstallNameSpaceEx list "the provider is already installed" under
// WSANO_RECOVERY. Nothing changes on any error.
#ifndef WS2EMU_LIB_CATALOG_NAME_SPACES_H_
#define WS2EMU_LIB_CATALOG_NAME_SPACES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "catalog/catalog.h"
#include "catalog/store.h"

namespace ws2emu::catalog {

absl::Status InstallNameSpace(Store &store, const GUID &provider, std::u16string_view identifier,
                              std::u16string_view path, DWORD name_space, DWORD version,
                              std::string_view provider_specific);
absl::Status UnInstallNameSpace(Store &store, const GUID &provider);
// fEnable: active or not. Enabling an active provider (or disabling an inactive one) succeeds
// and changes nothing.
absl::Status EnableNameSpace(Store &store, const GUID &provider, bool active);
// WSCWriteNameSpaceOrder: the name-space catalog in the order of `ids`, which must name every
// installed provider exactly once (WSAEINVAL otherwise, nothing changed). Lookups ask providers
// in this order, so an installer puts its provider ahead of Tcpip to answer names first.
absl::Status WriteNameSpaceOrder(Store &store, const GUID *ids, uint32_t count);
// Every installed name-space provider, active or not, in catalog order.
absl::StatusOr<std::vector<NameSpaceEntry>> NameSpaces(Store &store);

// WSAEnumNameSpaceProviders[Ex][A|W] and WSCEnumNameSpaceProviders[Ex]32 without the start-up
// check: the structures first, then the identifiers (and provider-specific blobs) they point to.
// Returns the count, or SOCKET_ERROR with the thread's last error set (WSAEFAULT with the size
// needed in *length for a NULL or short buffer). `ansi`: identifiers in UTF-8; `ex`: the
// WSANAMESPACE_INFOEX shape.
int EnumNameSpaceProviders(LPDWORD length, void *buffer, bool ansi, bool ex);

}  // namespace ws2emu::catalog

#endif  // WS2EMU_LIB_CATALOG_NAME_SPACES_H_
