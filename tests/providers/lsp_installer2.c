/*
 * tests/providers/lsp_installer2.c — installs the test LSPs the way today's LSP installers do,
 * with WSCInstallProviderAndChains64_32: one call makes the hidden layered entry and a chain over
 * each protocol it layers over, the chains first in the catalog order (mingw-w64 headers and
 * import libraries; run with `ws2emu-run`).
 *
 *   lsp_installer2.exe install ifs|nonifs PATH   layer the IFS test LSP (lsp_provider.c) or the
 *                                            non-IFS one (nonifs_lsp.c) over the top entries of
 *                                            TCP and UDP over IPv4 and IPv6 (MSAFD's, or the
 *                                            chains of an LSP installed before: stacking)
 *   lsp_installer2.exe list                  the catalog as WSCEnumProtocols gives it
 *   lsp_installer2.exe uninstall ifs|nonifs  the chains whose top is the LSP's layered entry
 *                                            (by their own GUIDs), then the layered entry;
 *                                            refused while another LSP's chain goes through it
 *
 * PATH must be %SystemRoot%\system32\<dll> (no separate 32-bit path is given). Every call's
 * result is checked; a failure prints the call and its error and exits 1.
 */
#define _WIN32_WINNT 0x0601
#include <winsock2.h>
#include <ws2spi.h>
#include <stdio.h>
#include <string.h>

#include "lsp_guids.h"

static int Fail(const char *call, int err) {
  fprintf(stderr, "lsp_installer2: %s failed: %d\n", call, err);
  return 1;
}

/* Every catalog entry, in a heap block the caller frees; NULL with *err set. */
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

typedef struct {
  const char *kind;
  const GUID *guid;
  const WCHAR *name;
  DWORD service_flags;
} Lsp;

static const Lsp kLsps[] = {
    {"ifs", &kTestLayeredGuid, L"ws2emu test LSP",
     XP1_IFS_HANDLES | XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE},
    {"nonifs", &kNonIfsGuid, L"ws2emu non-IFS LSP",
     XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE},
};

static const Lsp *FindLsp(const char *kind) {
  for (size_t i = 0; i < sizeof(kLsps) / sizeof(kLsps[0]); i++)
    if (strcmp(kLsps[i].kind, kind) == 0) return &kLsps[i];
  return NULL;
}

static int Install(const Lsp *lsp, WCHAR *path) {
  int count = 0, err = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count, &err);
  if (all == NULL) return Fail("WSCEnumProtocols", err);
  /* The protocols to layer over: the first visible entry (catalog order) of each of TCP and UDP
   * over IPv4 and IPv6, as an installer picks them from WSCEnumProtocols. */
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
  /* The Windows SDK declares the list LPWSAPROTOCOL_INFOW; mingw-w64's ws2spi.h says
   * LPWSAPROTOCOL_INFO, which is the A structure without UNICODE: the W one is what it takes. */
  if (WSCInstallProviderAndChains64_32(&id, path, NULL, name, lsp->service_flags,
                                       (LPWSAPROTOCOL_INFO)(void *)over, n, &layered, &err) != 0)
    return Fail("WSCInstallProviderAndChains64_32", err);
  /* The chains it made: each has a GUID of its own; they are the entries whose chain starts at
   * the layered entry. */
  all = EnumAll(&count, &err);
  if (all == NULL) return Fail("WSCEnumProtocols", err);
  printf("installed %s: layered entry %lu and chains", lsp->kind, layered);
  for (int i = 0; i < count; i++) {
    if (all[i].ProtocolChain.ChainLen > 1 && all[i].ProtocolChain.ChainEntries[0] == layered)
      printf(" %lu", all[i].dwCatalogEntryId);
  }
  printf("\n");
  HeapFree(GetProcessHeap(), 0, all);
  return 0;
}

static int List(void) {
  int count = 0, err = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count, &err);
  if (all == NULL) return Fail("WSCEnumProtocols", err);
  for (int i = 0; i < count; i++) {
    const WSAPROTOCOL_INFOW *e = &all[i];
    printf("%lu af=%d type=%d protocol=%d %s chain", e->dwCatalogEntryId, e->iAddressFamily,
           e->iSocketType, e->iProtocol,
           (e->dwServiceFlags1 & XP1_IFS_HANDLES) ? "ifs" : "non-ifs");
    if (e->ProtocolChain.ChainLen == BASE_PROTOCOL) printf(" base");
    else if (e->ProtocolChain.ChainLen == LAYERED_PROTOCOL) printf(" layered");
    for (int k = 0; e->ProtocolChain.ChainLen > 1 && k < e->ProtocolChain.ChainLen; k++)
      printf(" %lu", e->ProtocolChain.ChainEntries[k]);
    printf(" \"%ls\"\n", e->szProtocol);
  }
  HeapFree(GetProcessHeap(), 0, all);
  return 0;
}

static int Uninstall(const Lsp *lsp) {
  int count = 0, err = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count, &err);
  if (all == NULL) return Fail("WSCEnumProtocols", err);
  DWORD layered = 0;
  for (int i = 0; i < count; i++)
    if (memcmp(&all[i].ProviderId, lsp->guid, sizeof(GUID)) == 0 &&
        all[i].ProtocolChain.ChainLen == LAYERED_PROTOCOL)
      layered = all[i].dwCatalogEntryId;
  if (layered == 0) {
    HeapFree(GetProcessHeap(), 0, all);
    return Fail("finding the layered entry", WSAEINVAL);
  }
  /* A chain of another LSP that goes through our layered entry further down is not ours to
   * remove, and would be broken without it: WSCDeinstallProvider does not refuse (as on
   * Windows), so the installer does. */
  for (int i = 0; i < count; i++) {
    const WSAPROTOCOL_INFOW *e = &all[i];
    for (int k = 1; e->ProtocolChain.ChainLen > 1 && k < e->ProtocolChain.ChainLen; k++) {
      if (e->ProtocolChain.ChainEntries[k] == layered && e->ProtocolChain.ChainEntries[0] != layered) {
        fprintf(stderr, "lsp_installer2: chain entry %lu of another LSP goes through layered "
                        "entry %lu: uninstall that LSP first\n", e->dwCatalogEntryId, layered);
        HeapFree(GetProcessHeap(), 0, all);
        return 1;
      }
    }
  }
  /* The chains first: those whose top is our layered entry, each removed by its own GUID (the
   * catalog gives every chain one, as Windows does; Microsoft's sample LSP installer removes
   * them the same way). A GUID several of them share is removed once. */
  for (int i = 0; i < count; i++) {
    const WSAPROTOCOL_INFOW *e = &all[i];
    if (e->ProtocolChain.ChainLen < 2 || e->ProtocolChain.ChainEntries[0] != layered ||
        memcmp(&e->ProviderId, lsp->guid, sizeof(GUID)) == 0)
      continue;
    int seen = 0;
    for (int k = 0; k < i; k++)
      if (memcmp(&all[k].ProviderId, &e->ProviderId, sizeof(GUID)) == 0) seen = 1;
    GUID chain_id = e->ProviderId;
    if (!seen && WSCDeinstallProvider(&chain_id, &err) != 0) {
      HeapFree(GetProcessHeap(), 0, all);
      return Fail("WSCDeinstallProvider(chains)", err);
    }
  }
  HeapFree(GetProcessHeap(), 0, all);
  GUID id = *lsp->guid;
  if (WSCDeinstallProvider(&id, &err) != 0) return Fail("WSCDeinstallProvider", err);
  /* Nothing of ours is left, and nothing uses our layered entry. */
  all = EnumAll(&count, &err);
  if (all == NULL) return Fail("WSCEnumProtocols", err);
  for (int i = 0; i < count; i++) {
    const WSAPROTOCOL_INFOW *e = &all[i];
    int uses = memcmp(&e->ProviderId, lsp->guid, sizeof(GUID)) == 0;
    for (int k = 0; e->ProtocolChain.ChainLen > 1 && k < e->ProtocolChain.ChainLen; k++)
      if (e->ProtocolChain.ChainEntries[k] == layered) uses = 1;
    if (uses) return Fail("removing every entry of the LSP", (int)e->dwCatalogEntryId);
  }
  HeapFree(GetProcessHeap(), 0, all);
  printf("uninstalled %s: layered entry %lu and its chains\n", lsp->kind, layered);
  return 0;
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
  if (lsp != NULL && argc == 3 && strcmp(argv[1], "uninstall") == 0) return Uninstall(lsp);
  fprintf(stderr, "usage: lsp_installer2 install ifs|nonifs PATH | list | "
                  "uninstall ifs|nonifs\n");
  return 2;
}
