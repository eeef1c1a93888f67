/* tests/providers/lsp_enum.h — the catalog as the test LSPs read it in WSPStartup: every entry
 * from WSCEnumProtocols, in a heap block the caller frees with HeapFree; NULL when the call
 * fails or there is no memory. Shared by lsp_provider.c and nonifs_lsp.c. */
#ifndef WS2EMU_TESTS_PROVIDERS_LSP_ENUM_H_
#define WS2EMU_TESTS_PROVIDERS_LSP_ENUM_H_

static WSAPROTOCOL_INFOW *EnumAll(int *count) {
  DWORD size = 0;
  int err = 0;
  if (WSCEnumProtocols(NULL, NULL, &size, &err) != SOCKET_ERROR || err != WSAENOBUFS) return NULL;
  WSAPROTOCOL_INFOW *all = HeapAlloc(GetProcessHeap(), 0, size);
  if (all == NULL) return NULL;
  *count = WSCEnumProtocols(NULL, all, &size, &err);
  if (*count == SOCKET_ERROR) {
    HeapFree(GetProcessHeap(), 0, all);
    return NULL;
  }
  return all;
}

#endif /* WS2EMU_TESTS_PROVIDERS_LSP_ENUM_H_ */
