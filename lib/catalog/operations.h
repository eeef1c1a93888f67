// lib/catalog/operations.h — the catalog calls' semantics (SPEC.md §2.3 and §7), on the store.
// lib/catalog/wsc_calls.cc turns them into WSCInstallProvider & co. with their Windows
// signatures; ws2emu-catalog uses them directly.
//
// A failure is an absl::Status made by WsaStatus (base/wsa_status.h): the WSA error the Windows
// call reports (read back with WsaErrorOf) and a message saying what was wrong. A store that
// cannot be read or written (damaged file, no permission, newer format) is the store's own
// status, which WsaErrorOf reports as WSANO_RECOVERY, and then nothing changed.
#ifndef WS2EMU_LIB_CATALOG_OPERATIONS_H_
#define WS2EMU_LIB_CATALOG_OPERATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/wsa_status.h"
#include "catalog/catalog.h"
#include "catalog/store.h"

namespace ws2emu::catalog {

// WSCInstallProvider: installs `entries` for `provider` (new catalog IDs, appended to the
// catalog order). Returns the IDs given.
absl::StatusOr<std::vector<uint32_t>> InstallProvider(Store &store, const GUID &provider,
                                                      std::u16string_view path,
                                                      const WSAPROTOCOL_INFOW *entries,
                                                      uint32_t count);

// WSCInstallProviderAndChains: a hidden layered entry named `lsp_name` with the GUID `provider`,
// and one chain over the top-most entry of each distinct (family, type, protocol) of `over`
// (every base entry's when `over` is null), put first in the catalog order. Each chain gets a
// fresh random GUID of its own (version 4, unique in the catalog), as on Windows: an LSP finds
// its hidden entry by its GUID and its chains by ChainEntries[0]. Returns the layered entry's ID.
absl::StatusOr<uint32_t> InstallProviderAndChains(Store &store, const GUID &provider,
                                                  std::u16string_view path,
                                                  std::u16string_view lsp_name,
                                                  DWORD service_flags,
                                                  const WSAPROTOCOL_INFOW *over, uint32_t count);

// WSCDeinstallProvider: removes every entry of `provider` and its provider info (for an LSP
// installed with WSCInstallProviderAndChains, its hidden layered entry only: the chains have
// GUIDs of their own). Not refused while a chain goes through one of them, as on Windows (installers remove
// the hidden entry before its chains): that chain is broken until it is removed too, and fails
// where it is used (WSAEPROVIDERFAILEDINIT from the provider manager; `ws2emu-catalog check`
// lists it). [inference] WSAEnumProtocols keeps listing a broken chain: Windows documents no
// filtering of entries by their chains, and a user who can see it can remove it.
absl::Status DeinstallProvider(Store &store, const GUID &provider);

// ws2emu-catalog's `remove`: DeinstallProvider, and in the same change the chains that start at
// one of the provider's layered entries (ChainEntries[0]), whatever their GUIDs — an LSP and
// the chains its install made. Chains of other LSPs that go through it further down are left
// (and broken). Returns the entries removed, in catalog order.
absl::StatusOr<std::vector<Entry>> DeinstallProviderAndChains(Store &store,
                                                             const GUID &provider);

// WSCUpdateProvider: replaces the provider's path and its entries (matched by catalog ID; the
// list must name each of them once). IDs and order stay.
absl::Status UpdateProvider(Store &store, const GUID &provider, std::u16string_view path,
                            const WSAPROTOCOL_INFOW *entries, uint32_t count);

// WSCWriteProviderOrder: `ids` must hold every catalog ID exactly once.
absl::Status WriteProviderOrder(Store &store, const DWORD *ids, uint32_t count);

// The entries WSCEnumProtocols (all) or WSAEnumProtocols (no PFL_HIDDEN, no layered) reports,
// filtered by a zero-terminated protocol list when `protocols` is not null.
absl::StatusOr<std::vector<WSAPROTOCOL_INFOW>> EnumProtocols(Store &store, const int *protocols,
                                                             bool application_view);

// WSCGetProviderPath / WPUGetProviderPath: the path as installed (not expanded).
absl::StatusOr<std::u16string> ProviderPath(Store &store, const GUID &provider);

// WSCGetProviderInfo(ProviderInfoLspCategories): the categories set for an installed provider,
// 0 if none were (an uncategorized LSP). WSAEINVALIDPROVIDER for a GUID that is not installed
// (as documented for the Get call).
absl::StatusOr<DWORD> GetLspCategories(Store &store, const GUID &provider);

// WSCSetProviderInfo(ProviderInfoLspCategories): sets them (0 clears them). WSAEINVAL for bits
// that are not LSP_* flags and for a GUID that is not installed. Kept until the provider's
// last entry is removed, or `reset`.
absl::Status SetLspCategories(Store &store, const GUID &provider, DWORD categories);

// WSCGetApplicationCategory: the LSP categories the application (path, extra) permits;
// WSASERVICE_NOT_FOUND when it was never categorized.
absl::StatusOr<DWORD> GetApplicationCategory(Store &store, std::u16string_view path,
                                             std::u16string_view extra);

// WSCSetApplicationCategory: sets them; returns the previous ones (0 for an application that
// was not categorized). WSAEINVAL for an empty path, a NUL inside a string, a string over
// kMaxApplicationString units, or bits that are not LSP_* flags.
absl::StatusOr<DWORD> SetApplicationCategory(Store &store, std::u16string_view path,
                                             std::u16string_view extra, DWORD permitted);

}  // namespace ws2emu::catalog

#endif  // WS2EMU_LIB_CATALOG_OPERATIONS_H_
