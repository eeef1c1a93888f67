/*
 * tests/providers/lsp_provider.c — a Layered Service Provider written the way Windows LSPs
 * are (mingw-w64's own headers and import libraries). Its WSPStartup finds its place in the
 * chain it is started for: its own layered entry by GUID in WSCEnumProtocols, the next entry
 * after it in lpProtocolInfo->ProtocolChain; it gets the next provider's DLL path with
 * WSCGetProviderPath (and checks WPUGetProviderPath agrees), expands it with
 * ExpandEnvironmentStringsW, loads it with LoadLibraryW and starts it through GetProcAddress
 * with the same upcall table. Its proc table is the lower one's, with WSPCleanup its own (it
 * cleans up the layer below and unloads it) and WSPSend/SendTo/Recv/RecvFrom and
 * WSPGetOverlappedResult its own (they count the bytes that pass, and the last WSPCleanup prints
 * the counts). It is an IFS layer: the sockets are the base provider's, passed through. It is
 * installed with WSCInstallProvider (lsp_installer.c) or WSCInstallProviderAndChains64_32
 * (lsp_installer2.c): its layered entry is the one of kTestLayeredGuid either way. Every failure prints
 * why and fails WSPStartup with WSAEPROVIDERFAILEDINIT.
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <stdio.h>
#include <string.h>

#include "lsp_enum.h"
#include "lsp_guids.h"

static WSPPROC_TABLE g_next;
static HMODULE g_next_module;
static int g_startups;
/* Bytes that went through this layer's own WSPSend/WSPSendTo and WSPRecv/WSPRecvFrom, printed by
 * the last WSPCleanup: proof that a program's data passed through the layer on its way to the
 * provider below. A blocking call's bytes are counted as it returns. An overlapped call's
 * complete below this layer (its handles are the base provider's: the completion goes from
 * there to the program's event, routine or port), so they are counted when the program asks
 * for the result with WSAGetOverlappedResult, which reaches this layer's WSPGetOverlappedResult:
 * the OVERLAPPED is remembered, with the direction, until then. */
static volatile LONG g_bytes_out, g_bytes_in;

enum { kPendingMax = 1024 };
static struct {
  LPWSAOVERLAPPED ov;
  int in;
} g_pending[kPendingMax];
static CRITICAL_SECTION g_pending_lock;

static void Count(int in, DWORD bytes) {
  InterlockedExchangeAdd(in ? &g_bytes_in : &g_bytes_out, (LONG)bytes);
}

/* An overlapped call is about to go down. Remembered before the call: its completion may be
 * asked for (by another thread, or by a layer above that waits on a port) before the call
 * returns here. A table that is full loses the count, not the call. */
static void Remember(LPWSAOVERLAPPED ov, int in) {
  if (ov == NULL) return;
  EnterCriticalSection(&g_pending_lock);
  int free_slot = -1;
  for (int i = 0; i < kPendingMax; i++) {
    if (g_pending[i].ov == ov) free_slot = i;  /* an OVERLAPPED used again */
    if (g_pending[i].ov == NULL && free_slot < 0) free_slot = i;
  }
  if (free_slot >= 0) {
    g_pending[free_slot].ov = ov;
    g_pending[free_slot].in = in;
  }
  LeaveCriticalSection(&g_pending_lock);
}

static void Forget(LPWSAOVERLAPPED ov) {
  EnterCriticalSection(&g_pending_lock);
  for (int i = 0; i < kPendingMax; i++)
    if (g_pending[i].ov == ov) g_pending[i].ov = NULL;
  LeaveCriticalSection(&g_pending_lock);
}

/* After the call: a blocking call's bytes are counted now; an overlapped call that failed to
 * start will never complete. */
static void Counted(int rc, int in, LPDWORD bytes, LPWSAOVERLAPPED ov, LPINT err) {
  if (ov != NULL) {
    if (rc != 0 && *err != WSA_IO_PENDING) Forget(ov);
  } else if (rc == 0 && bytes != NULL) {
    Count(in, *bytes);
  }
}

static int WSPAPI LspSend(SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent, DWORD flags,
                          LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
                          LPWSATHREADID t, LPINT err) {
  Remember(ov, 0);
  int rc = g_next.lpWSPSend(s, b, n, sent, flags, ov, cr, t, err);
  Counted(rc, 0, sent, ov, err);
  return rc;
}
static int WSPAPI LspSendTo(SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent, DWORD flags,
                            const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT err) {
  Remember(ov, 0);
  int rc = g_next.lpWSPSendTo(s, b, n, sent, flags, to, tolen, ov, cr, t, err);
  Counted(rc, 0, sent, ov, err);
  return rc;
}
static int WSPAPI LspRecv(SOCKET s, LPWSABUF b, DWORD n, LPDWORD got, LPDWORD flags,
                          LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
                          LPWSATHREADID t, LPINT err) {
  Remember(ov, 1);
  int rc = g_next.lpWSPRecv(s, b, n, got, flags, ov, cr, t, err);
  Counted(rc, 1, got, ov, err);
  return rc;
}
static int WSPAPI LspRecvFrom(SOCKET s, LPWSABUF b, DWORD n, LPDWORD got, LPDWORD flags,
                              struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT err) {
  Remember(ov, 1);
  int rc = g_next.lpWSPRecvFrom(s, b, n, got, flags, from, fromlen, ov, cr, t, err);
  Counted(rc, 1, got, ov, err);
  return rc;
}
static BOOL WSPAPI LspGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes, BOOL wait,
                                          LPDWORD flags, LPINT err) {
  BOOL ok = g_next.lpWSPGetOverlappedResult(s, ov, bytes, wait, flags, err);
  if (ok && ov != NULL && bytes != NULL) {
    EnterCriticalSection(&g_pending_lock);
    for (int i = 0; i < kPendingMax; i++) {
      if (g_pending[i].ov == ov) {
        Count(g_pending[i].in, *bytes);
        g_pending[i].ov = NULL;
      }
    }
    LeaveCriticalSection(&g_pending_lock);
  }
  return ok;
}

static int Fail(const char *what) {
  fprintf(stderr, "lsp_provider: %s\n", what);
  fflush(stderr);
  return WSAEPROVIDERFAILEDINIT;
}

static int WSPAPI LspCleanup(LPINT lpErrno) {
  int rc = g_next.lpWSPCleanup(lpErrno);
  if (g_startups == 1 && (g_bytes_out != 0 || g_bytes_in != 0)) {
    printf("lsp_provider: %ld bytes out and %ld bytes in through the layer\n", (long)g_bytes_out,
           (long)g_bytes_in);
    fflush(stdout);
  }
  if (--g_startups == 0) {
    if (g_next_module != NULL) FreeLibrary(g_next_module);
    g_next_module = NULL;
    DeleteCriticalSection(&g_pending_lock);
    memset(g_pending, 0, sizeof(g_pending));
    g_bytes_out = g_bytes_in = 0;
  }
  return rc;
}

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable) {
  if (lpProtocolInfo == NULL || lpProtocolInfo->ProtocolChain.ChainLen < 2)
    return Fail("started for something that is not a protocol chain");
  int count = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count);
  if (all == NULL) return Fail("WSCEnumProtocols failed");
  DWORD my_layer = 0;
  for (int i = 0; i < count; i++) {
    if (all[i].ProtocolChain.ChainLen == LAYERED_PROTOCOL &&
        memcmp(&all[i].ProviderId, &kTestLayeredGuid, sizeof(GUID)) == 0)
      my_layer = all[i].dwCatalogEntryId;
  }
  const WSAPROTOCOLCHAIN *chain = &lpProtocolInfo->ProtocolChain;
  int at = -1;
  for (int i = 0; i < chain->ChainLen - 1; i++)
    if (chain->ChainEntries[i] == my_layer) at = i;
  if (my_layer == 0 || at < 0) {
    HeapFree(GetProcessHeap(), 0, all);
    return Fail("my layered entry is not in the chain I was started for");
  }
  const DWORD next_id = chain->ChainEntries[at + 1];
  WSAPROTOCOL_INFOW next;
  int found = 0;
  for (int i = 0; i < count; i++) {
    if (all[i].dwCatalogEntryId == next_id) {
      next = all[i];
      found = 1;
    }
  }
  HeapFree(GetProcessHeap(), 0, all);
  if (!found) return Fail("the next entry of the chain is not in the catalog");

  WCHAR path[MAX_PATH], upcall_path[MAX_PATH], expanded[MAX_PATH];
  int len = MAX_PATH, err = 0;
  if (WSCGetProviderPath(&next.ProviderId, path, &len, &err) != 0)
    return Fail("WSCGetProviderPath failed");
  len = MAX_PATH;
  if (UpcallTable.lpWPUGetProviderPath(&next.ProviderId, upcall_path, &len, &err) != 0 ||
      lstrcmpW(path, upcall_path) != 0)
    return Fail("WPUGetProviderPath does not agree with WSCGetProviderPath");
  DWORD n = ExpandEnvironmentStringsW(path, expanded, MAX_PATH);
  if (n == 0 || n > MAX_PATH) return Fail("ExpandEnvironmentStringsW failed");
  if (g_next_module == NULL) g_next_module = LoadLibraryW(expanded);
  if (g_next_module == NULL) {
    fprintf(stderr, "lsp_provider: LoadLibraryW(%ls) failed: %lu\n", expanded, GetLastError());
    return WSAEPROVIDERFAILEDINIT;
  }
  LPWSPSTARTUP next_startup = (LPWSPSTARTUP)(void *)GetProcAddress(g_next_module, "WSPStartup");
  if (next_startup == NULL) return Fail("the next provider has no WSPStartup");
  /* A base provider gets its own entry; another layer gets the chain. */
  LPWSAPROTOCOL_INFOW next_info =
      next.ProtocolChain.ChainLen == BASE_PROTOCOL ? &next : lpProtocolInfo;
  int rc = next_startup(wVersionRequested, lpWSPData, next_info, UpcallTable, &g_next);
  if (rc != 0) return rc;
  if (g_startups++ == 0) InitializeCriticalSection(&g_pending_lock);
  printf("lsp_provider: layer %lu over entry %lu, loaded %ls\n", my_layer, next_id, expanded);
  fflush(stdout);

  /* Describe the stack: "ws2emu test LSP over <the lower description>". */
  WCHAR lower[WSADESCRIPTION_LEN + 1];
  memcpy(lower, lpWSPData->szDescription, sizeof(lower));
  lower[WSADESCRIPTION_LEN] = 0;
  static const WCHAR prefix[] = L"ws2emu test LSP over ";
  const int plen = (int)(sizeof(prefix) / sizeof(WCHAR)) - 1;
  memcpy(lpWSPData->szDescription, prefix, plen * sizeof(WCHAR));
  int k = 0;
  for (; lower[k] != 0 && plen + k < WSADESCRIPTION_LEN; k++)
    lpWSPData->szDescription[plen + k] = lower[k];
  lpWSPData->szDescription[plen + k] = 0;
  *lpProcTable = g_next;
  lpProcTable->lpWSPCleanup = LspCleanup;
  lpProcTable->lpWSPSend = LspSend;
  lpProcTable->lpWSPSendTo = LspSendTo;
  lpProcTable->lpWSPRecv = LspRecv;
  lpProcTable->lpWSPRecvFrom = LspRecvFrom;
  lpProcTable->lpWSPGetOverlappedResult = LspGetOverlappedResult;
  return 0;
}
