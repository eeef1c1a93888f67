/*
 * examples/lsp/installer.c — installs and removes the example LSPs the way Microsoft's LSP
 * sample installer does (mingw-w64 headers and import libraries; run it with `ws2emu-run`):
 *
 *   installer.exe install a|b PATH      WSCInstallProviderAndChains64_32: the hidden entry and one
 *                                       chain over each of TCP and UDP over IPv4 and IPv6 (the
 *                                       first visible entry of each in catalog order: MSAFD's, or
 *                                       the chains of an LSP installed before — stacking)
 *   installer.exe remove a|b            the chains (each by its own GUID), then the hidden entry
 *   installer.exe remove-hidden-first a|b
 *                                       the hidden entry first, then the chains — the order of
 *                                       the sample's "remove all LSPs"
 *   installer.exe remove-hidden-only a|b
 *                                       only the hidden entry: what an installer killed half-way
 *                                       leaves (broken chains; `ws2emu-catalog repair` fixes it)
 *   installer.exe list                  the catalog as WSCEnumProtocols gives it
 *
 * As the sample: the hidden entry is the entry with the LSP's GUID, the chains are the entries
 * whose chain starts with the hidden entry's ID. PATH is what goes into the catalog, e.g.
 * %SystemRoot%\system32\example_lsp_a.dll. Every call's result is checked; a failure prints the
 * call and its error and exits 1.
 */
#define _WIN32_WINNT 0x0601
#include <winsock2.h>
#include <ws2spi.h>
#include <stdio.h>
#include <string.h>

#include "guids.h"

static int Fail(const char *call, int err) {
  fprintf(stderr, "installer: %s failed: %d\n", call, err);
  return 1;
}

static WSAPROTOCOL_INFOW *EnumAll(int *count, int *err) {
  DWORD size = 0;
  *count = WSCEnumProtocols(NULL, NULL, &size, err);
  if (*count != SOCKET_ERROR) return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, 1);
  if (*err != WSAENOBUFS) return NULL;
  WSAPROTOCOL_INFOW *all = HeapAlloc(GetProcessHeap(), 0, size);
  if (all == NULL) {
    *err = WSAENOBUFS;
    return NULL;
  }
  *count = WSCEnumProtocols(NULL, all, &size, err);
  if (*count == SOCKET_ERROR) {
    HeapFree(GetProcessHeap(), 0, all);
    return NULL;
  }
  return all;
}

static void PrintGuid(const GUID *g) {
  printf("{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned long)g->Data1, g->Data2,
         g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
         g->Data4[6], g->Data4[7]);
}

typedef struct {
  const char *key;
  const GUID *guid;
  const WCHAR *name;
} Lsp;

static const Lsp kLsps[] = {
    {"a", &kExampleLspA, L"example LSP A"},
    {"b", &kExampleLspB, L"example LSP B"},
};

static const Lsp *FindLsp(const char *key) {
  for (size_t i = 0; i < sizeof(kLsps) / sizeof(kLsps[0]); i++)
    if (strcmp(kLsps[i].key, key) == 0) return &kLsps[i];
  return NULL;
}

/* The sample's FindLspEntries: the hidden entry is the first entry with the LSP's GUID. */
static DWORD HiddenEntry(const WSAPROTOCOL_INFOW *all, int count, const GUID *guid) {
  for (int i = 0; i < count; i++)
    if (memcmp(&all[i].ProviderId, guid, sizeof(GUID)) == 0) return all[i].dwCatalogEntryId;
  return 0;
}

static int IsChainOf(const WSAPROTOCOL_INFOW *e, DWORD hidden) {
  return e->ProtocolChain.ChainLen > 1 && e->ProtocolChain.ChainEntries[0] == hidden;
}

static int Install(const Lsp *lsp, WCHAR *path) {
  int count = 0, err = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count, &err);
  if (all == NULL) return Fail("WSCEnumProtocols", err);
  static const int kWanted[4][3] = {{AF_INET, SOCK_STREAM, IPPROTO_TCP},
                                    {AF_INET, SOCK_DGRAM, IPPROTO_UDP},
                                    {AF_INET6, SOCK_STREAM, IPPROTO_TCP},
                                    {AF_INET6, SOCK_DGRAM, IPPROTO_UDP}};
  WSAPROTOCOL_INFOW over[4];
  DWORD n = 0;
  for (int w = 0; w < 4; w++) {
    for (int i = 0; i < count; i++) {
      const WSAPROTOCOL_INFOW *e = &all[i];
      if (e->ProtocolChain.ChainLen == LAYERED_PROTOCOL) continue;
      if (e->iAddressFamily == kWanted[w][0] && e->iSocketType == kWanted[w][1] &&
          e->iProtocol == kWanted[w][2]) {
        over[n++] = *e;
        break;
      }
    }
  }
  HeapFree(GetProcessHeap(), 0, all);
  if (n != 4) return Fail("finding TCP and UDP over IPv4 and IPv6", WSAEINVAL);
  GUID id = *lsp->guid;
  WCHAR name[WSAPROTOCOL_LEN + 1];
  lstrcpyW(name, lsp->name);
  DWORD layered = 0;
  /* The SDK declares the list LPWSAPROTOCOL_INFOW; mingw-w64 says LPWSAPROTOCOL_INFO. */
  if (WSCInstallProviderAndChains64_32(&id, path, NULL, name,
                                       XP1_IFS_HANDLES | XP1_GUARANTEED_DELIVERY |
                                           XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE,
                                       (LPWSAPROTOCOL_INFO)(void *)over, n, &layered, &err) != 0)
    return Fail("WSCInstallProviderAndChains64_32", err);
  all = EnumAll(&count, &err);
  if (all == NULL) return Fail("WSCEnumProtocols", err);
  DWORD hidden = HiddenEntry(all, count, lsp->guid);
  printf("installed %ls: hidden entry %lu ", lsp->name, hidden);
  PrintGuid(lsp->guid);
  printf("\n");
  int chains = 0;
  for (int i = 0; i < count; i++) {
    if (!IsChainOf(&all[i], hidden)) continue;
    printf("  chain %lu ", all[i].dwCatalogEntryId);
    PrintGuid(&all[i].ProviderId);
    printf(" \"%ls\"\n", all[i].szProtocol);
    chains++;
  }
  HeapFree(GetProcessHeap(), 0, all);
  if (hidden != layered || chains != (int)n) {
    fprintf(stderr, "installer: the catalog does not show what was installed: hidden entry %lu "
                    "(the call said %lu), %d chains of %lu\n",
            hidden, layered, chains, n);
    return 1;
  }
  return 0;
}

static int List(void) {
  int count = 0, err = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count, &err);
  if (all == NULL) return Fail("WSCEnumProtocols", err);
  for (int i = 0; i < count; i++) {
    const WSAPROTOCOL_INFOW *e = &all[i];
    printf("%lu ", e->dwCatalogEntryId);
    PrintGuid(&e->ProviderId);
    if (e->ProtocolChain.ChainLen == BASE_PROTOCOL) printf(" base");
    else if (e->ProtocolChain.ChainLen == LAYERED_PROTOCOL) printf(" layered");
    else printf(" chain");
    for (int k = 0; e->ProtocolChain.ChainLen > 1 && k < e->ProtocolChain.ChainLen; k++)
      printf(" %lu", e->ProtocolChain.ChainEntries[k]);
    printf(" \"%ls\"\n", e->szProtocol);
  }
  HeapFree(GetProcessHeap(), 0, all);
  return 0;
}

static int Deinstall(const GUID *guid, const char *what, DWORD id) {
  GUID copy = *guid;
  int err = 0;
  if (WSCDeinstallProvider(&copy, &err) != 0) {
    fprintf(stderr, "installer: WSCDeinstallProvider(%s %lu) failed: %d\n", what, id, err);
    return 1;
  }
  printf("  removed %s %lu\n", what, id);
  return 0;
}

typedef enum { kChainsFirst, kHiddenFirst, kHiddenOnly } Order;

static int Remove(const Lsp *lsp, Order order) {
  int count = 0, err = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count, &err);
  if (all == NULL) return Fail("WSCEnumProtocols", err);
  DWORD hidden = HiddenEntry(all, count, lsp->guid);
  if (hidden == 0) {
    HeapFree(GetProcessHeap(), 0, all);
    fprintf(stderr, "installer: %ls is not installed\n", lsp->name);
    return 1;
  }
  /* Another LSP's chain through ours: removing ours would break it (the sample rewrites such
   * chains; this example refuses instead). */
  for (int i = 0; i < count; i++) {
    const WSAPROTOCOL_INFOW *e = &all[i];
    for (int k = 1; e->ProtocolChain.ChainLen > 1 && k < e->ProtocolChain.ChainLen; k++) {
      if (e->ProtocolChain.ChainEntries[k] == hidden) {
        fprintf(stderr, "installer: chain %lu of another LSP is layered over %ls: remove it first\n",
                e->dwCatalogEntryId, lsp->name);
        HeapFree(GetProcessHeap(), 0, all);
        return 1;
      }
    }
  }
  printf("removing %ls (hidden entry %lu)\n", lsp->name, hidden);
  int rc = 0;
  if (order != kChainsFirst) rc |= Deinstall(lsp->guid, "hidden entry", hidden);
  for (int i = 0; order != kHiddenOnly && i < count; i++)
    if (IsChainOf(&all[i], hidden)) rc |= Deinstall(&all[i].ProviderId, "chain", all[i].dwCatalogEntryId);
  if (order == kChainsFirst) rc |= Deinstall(lsp->guid, "hidden entry", hidden);
  HeapFree(GetProcessHeap(), 0, all);
  return rc;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "list") == 0) return List();
  const Lsp *lsp = argc >= 3 ? FindLsp(argv[2]) : NULL;
  if (lsp != NULL && argc == 4 && strcmp(argv[1], "install") == 0) {
    WCHAR path[MAX_PATH];
    if (MultiByteToWideChar(CP_ACP, 0, argv[3], -1, path, MAX_PATH) == 0)
      return Fail("MultiByteToWideChar", (int)GetLastError());
    return Install(lsp, path);
  }
  if (lsp != NULL && argc == 3) {
    if (strcmp(argv[1], "remove") == 0) return Remove(lsp, kChainsFirst);
    if (strcmp(argv[1], "remove-hidden-first") == 0) return Remove(lsp, kHiddenFirst);
    if (strcmp(argv[1], "remove-hidden-only") == 0) return Remove(lsp, kHiddenOnly);
  }
  fprintf(stderr, "usage: installer install a|b PATH | list | remove a|b | "
                  "remove-hidden-first a|b | remove-hidden-only a|b\n");
  return 2;
}
