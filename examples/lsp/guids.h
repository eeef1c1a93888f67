/* examples/lsp/guids.h — the provider GUIDs of the two example LSPs. Only the hidden (layered)
 * entry carries this GUID: WSCInstallProviderAndChains gives each protocol chain a GUID of its
 * own, generated at install time, as Windows does. */
#ifndef WS2EMU_EXAMPLES_LSP_GUIDS_H_
#define WS2EMU_EXAMPLES_LSP_GUIDS_H_

static const GUID kExampleLspA = {0x6c5a0001, 0x51d3, 0x4e0b, {0x8b, 0x1e, 0x77, 0, 0, 0, 0, 0xa}};
static const GUID kExampleLspB = {0x6c5a0002, 0x51d3, 0x4e0b, {0x8b, 0x1e, 0x77, 0, 0, 0, 0, 0xb}};

#endif /* WS2EMU_EXAMPLES_LSP_GUIDS_H_ */
