/*
 * tests/providers/lsp_installer.c — installs and removes the test LSP the way Windows LSP
 * installers do (mingw-w64 headers and import libraries; run with `ws2emu-run`):
 *
 *   lsp_installer.exe install-base PATH   the test base provider: TCP and UDP over IPv4
 *   lsp_installer.exe install-lsp PATH    a hidden layered entry, then a chain over each of the
 *                                         base provider's entries, then WSCWriteProviderOrder
 *                                         putting the chains first
 *   lsp_installer.exe install-lsp-over-msafd PATH   the same over the built-in base provider's
 *                                         four entries (MSAFD's GUID, in a fresh catalog)
 *   lsp_installer.exe uninstall           the chains, then the layered entry
 *   lsp_installer.exe uninstall-base      the base provider
 *
 * Every call's result is checked; a failure prints the call and its error and exits 1.
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <sporder.h>
#include <stdio.h>
#include <string.h>

#include "lsp_guids.h"

static int Fail(const char *call, int err) {
  fprintf(stderr, "lsp_installer: %s failed: %d\n", call, err);
  return 1;
}

static WSAPROTOCOL_INFOW *EnumAll(int *count) {
  DWORD size = 0;
  int err = 0;
  *count = WSCEnumProtocols(NULL, NULL, &size, &err);
  if (*count == 0) return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(WSAPROTOCOL_INFOW));
  if (*count != SOCKET_ERROR || err != WSAENOBUFS) return NULL;
  WSAPROTOCOL_INFOW *all = HeapAlloc(GetProcessHeap(), 0, size);
  *count = WSCEnumProtocols(NULL, all, &size, &err);
  return *count == SOCKET_ERROR ? NULL : all;
}

static void SetName(WSAPROTOCOL_INFOW *p, const WCHAR *a, const WCHAR *b) {
  int n = 0;
  for (; a[n] != 0 && n < WSAPROTOCOL_LEN; n++) p->szProtocol[n] = a[n];
  for (int k = 0; b != NULL && b[k] != 0 && n < WSAPROTOCOL_LEN; k++, n++) p->szProtocol[n] = b[k];
  p->szProtocol[n] = 0;
}

static int InstallBase(const WCHAR *path) {
  WSAPROTOCOL_INFOW e[2];
  memset(e, 0, sizeof(e));
  for (int i = 0; i < 2; i++) {
    e[i].ProtocolChain.ChainLen = BASE_PROTOCOL;
    e[i].iVersion = 2;
    e[i].iAddressFamily = AF_INET;
    e[i].iMaxSockAddr = e[i].iMinSockAddr = sizeof(struct sockaddr_in);
    e[i].dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    e[i].ProviderId = kTestBaseGuid;
  }
  e[0].dwServiceFlags1 = XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE;
  e[0].iSocketType = SOCK_STREAM;
  e[0].iProtocol = IPPROTO_TCP;
  SetName(&e[0], L"ws2emu test base [TCP/IP]", NULL);
  e[1].dwServiceFlags1 = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED;
  e[1].iSocketType = SOCK_DGRAM;
  e[1].iProtocol = IPPROTO_UDP;
  e[1].dwMessageSize = 65467;
  SetName(&e[1], L"ws2emu test base [UDP/IP]", NULL);
  GUID id = kTestBaseGuid;
  int err = 0;
  if (WSCInstallProvider(&id, path, e, 2, &err) != 0) return Fail("WSCInstallProvider(base)", err);
  printf("installed the base provider\n");
  return 0;
}

/* MSAFD's provider GUID: the built-in base provider's entries in a fresh catalog. */
static const GUID kMsafdGuid = {0xe70f1aa0, 0xab8b, 0x11cf, {0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}};

/* Installs the LSP over every entry of the base provider `base`. */
static int InstallLsp(const WCHAR *path, const GUID *base) {
  int count = 0, err = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count);
  if (all == NULL) return Fail("WSCEnumProtocols", 0);
  /* 1. The hidden layered entry, shaped after the first base entry. */
  WSAPROTOCOL_INFOW layered;
  int base_count = 0;
  for (int i = 0; i < count; i++) {
    if (memcmp(&all[i].ProviderId, base, sizeof(GUID)) == 0) {
      if (base_count++ == 0) layered = all[i];
    }
  }
  if (base_count == 0) return Fail("finding the base provider", 0);
  layered.ProtocolChain.ChainLen = LAYERED_PROTOCOL;
  layered.dwProviderFlags |= PFL_HIDDEN;
  SetName(&layered, L"ws2emu test LSP", NULL);
  GUID layered_id = kTestLayeredGuid;
  if (WSCInstallProvider(&layered_id, path, &layered, 1, &err) != 0)
    return Fail("WSCInstallProvider(layered)", err);
  HeapFree(GetProcessHeap(), 0, all);
  /* 2. Its catalog ID, as installed. */
  all = EnumAll(&count);
  DWORD layer = 0;
  for (int i = 0; i < count; i++)
    if (memcmp(&all[i].ProviderId, &kTestLayeredGuid, sizeof(GUID)) == 0)
      layer = all[i].dwCatalogEntryId;
  if (layer == 0) return Fail("finding the layered entry", 0);
  /* 3. A chain over each base entry. */
  WSAPROTOCOL_INFOW chains[8];
  int n = 0;
  for (int i = 0; i < count && n < 8; i++) {
    if (memcmp(&all[i].ProviderId, base, sizeof(GUID)) != 0) continue;
    chains[n] = all[i];
    chains[n].ProtocolChain.ChainLen = 2;
    chains[n].ProtocolChain.ChainEntries[0] = layer;
    chains[n].ProtocolChain.ChainEntries[1] = all[i].dwCatalogEntryId;
    SetName(&chains[n], L"ws2emu test LSP over ", all[i].szProtocol);
    n++;
  }
  GUID chain_id = kTestChainGuid;
  if (WSCInstallProvider(&chain_id, path, chains, n, &err) != 0)
    return Fail("WSCInstallProvider(chains)", err);
  HeapFree(GetProcessHeap(), 0, all);
  /* 4. The chains first. */
  all = EnumAll(&count);
  DWORD order[64];
  int k = 0;
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < count && k < 64; i++) {
      int is_chain = memcmp(&all[i].ProviderId, &kTestChainGuid, sizeof(GUID)) == 0;
      if (is_chain == (pass == 0)) order[k++] = all[i].dwCatalogEntryId;
    }
  int rc = WSCWriteProviderOrder(order, k);
  if (rc != 0) return Fail("WSCWriteProviderOrder", rc);
  printf("installed layered entry %lu and chains", layer);
  for (int i = 0; i < k && i < n; i++) printf(" %lu", order[i]);
  printf("\n");
  HeapFree(GetProcessHeap(), 0, all);
  return 0;
}

static int Remove(const GUID *guid, const char *what) {
  GUID id = *guid;
  int err = 0;
  if (WSCDeinstallProvider(&id, &err) != 0) return Fail(what, err);
  return 0;
}

int main(int argc, char **argv) {
  WCHAR path[MAX_PATH] = {0};
  if (argc == 3 && MultiByteToWideChar(CP_ACP, 0, argv[2], -1, path, MAX_PATH) == 0)
    return Fail("MultiByteToWideChar", (int)GetLastError());
  if (argc == 3 && strcmp(argv[1], "install-base") == 0) return InstallBase(path);
  if (argc == 3 && strcmp(argv[1], "install-lsp") == 0) return InstallLsp(path, &kTestBaseGuid);
  if (argc == 3 && strcmp(argv[1], "install-lsp-over-msafd") == 0)
    return InstallLsp(path, &kMsafdGuid);
  if (argc == 2 && strcmp(argv[1], "uninstall") == 0) {
    /* In the order of Microsoft's sample installer: the hidden layered entry first, then the
     * chains (by their own GUID). Windows does not refuse the first step. */
    if (Remove(&kTestLayeredGuid, "WSCDeinstallProvider(layered)") != 0) return 1;
    if (Remove(&kTestChainGuid, "WSCDeinstallProvider(chains)") != 0) return 1;
    printf("uninstalled the LSP\n");
    return 0;
  }
  /* The two steps on their own, to look at the catalog in between: the chains broken. */
  if (argc == 2 && strcmp(argv[1], "uninstall-layered") == 0)
    return Remove(&kTestLayeredGuid, "WSCDeinstallProvider(layered)");
  if (argc == 2 && strcmp(argv[1], "uninstall-chains") == 0)
    return Remove(&kTestChainGuid, "WSCDeinstallProvider(chains)");
  if (argc == 2 && strcmp(argv[1], "uninstall-base") == 0)
    return Remove(&kTestBaseGuid, "WSCDeinstallProvider(base)");
  fprintf(stderr, "usage: lsp_installer install-base PATH | install-lsp PATH | "
                  "install-lsp-over-msafd PATH | uninstall | uninstall-layered | "
                  "uninstall-chains | uninstall-base\n");
  return 2;
}
