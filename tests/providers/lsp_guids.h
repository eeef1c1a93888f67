/* tests/providers/lsp_guids.h — the GUIDs the test LSP, its installer and the tests share. */
#ifndef WS2EMU_TESTS_PROVIDERS_LSP_GUIDS_H_
#define WS2EMU_TESTS_PROVIDERS_LSP_GUIDS_H_

/* The test base provider's entries (TCP and UDP over IPv4). */
static const GUID kTestBaseGuid = {0x5e2e0001, 0x7a11, 0x4b5e, {0x9a, 0x5e, 0, 0, 0, 0, 0, 1}};
/* The LSP's hidden layered ("dummy") entry, and its chain entries (a second GUID, as the
 * classic Windows LSP installers do). */
static const GUID kTestLayeredGuid = {0x5e2e0002, 0x7a11, 0x4b5e, {0x9a, 0x5e, 0, 0, 0, 0, 0, 2}};
static const GUID kTestChainGuid = {0x5e2e0003, 0x7a11, 0x4b5e, {0x9a, 0x5e, 0, 0, 0, 0, 0, 3}};

/* The non-IFS test LSP (nonifs_lsp.c): one GUID for its layered entry and its chains, as
 * WSCInstallProviderAndChains installs them. */
static const GUID kNonIfsGuid = {0x5e2e0004, 0x7a11, 0x4b5e, {0x9a, 0x5e, 0, 0, 0, 0, 0, 4}};

#endif /* WS2EMU_TESTS_PROVIDERS_LSP_GUIDS_H_ */
