/*
 * examples/lsp/lsp.c — a Layered Service Provider that counts the bytes passing through it,
 * written the way Microsoft's LSP sample finds its place in the catalog:
 *
 *   - its hidden (layered) entry is "the catalog entry with my GUID" — the first one in
 *     WSCEnumProtocols' order, with no other test, exactly as the sample's FindLspEntries does
 *     (so this only works when every protocol chain has a GUID of its own);
 *   - its protocol chains are "the entries whose chain starts with my hidden entry's ID"; an
 *     LSP with none refuses to start;
 *   - the layer below is the entry after its own in the chain it is started for; its DLL comes
 *     from WSCGetProviderPath + ExpandEnvironmentStringsW + LoadLibraryW, and its WSPStartup from
 *     GetProcAddress.
 *
 * It is an IFS layer: the sockets are the lower provider's, passed through. Its proc table is the
 * lower one's with WSPSend/WSPSendTo/WSPRecv/WSPRecvFrom/WSPGetOverlappedResult (the counting)
 * and WSPCleanup (the last one prints the counts and unloads the layer below) its own.
 *
 * Built twice: example_lsp_a.dll (kExampleLspA) and, with -DEXAMPLE_LSP_B, example_lsp_b.dll
 * (kExampleLspB), so that one can be stacked over the other. Every failure prints why and fails
 * WSPStartup with WSAEPROVIDERFAILEDINIT.
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <stdio.h>
#include <string.h>

#include "guids.h"

#ifdef EXAMPLE_LSP_B
#define LSP_GUID kExampleLspB
#define LSP_NAME "example LSP B"
#define LSP_WNAME L"example LSP B"
#else
#define LSP_GUID kExampleLspA
#define LSP_NAME "example LSP A"
#define LSP_WNAME L"example LSP A"
#endif

static CRITICAL_SECTION g_lock; /* startup/cleanup and the pending table */
static WSPPROC_TABLE g_next;
static HMODULE g_next_module;
static int g_startups;
static volatile LONG g_bytes_out, g_bytes_in;

/* Overlapped calls are counted when the program asks for their result (WSAGetOverlappedResult
 * reaches this layer's WSPGetOverlappedResult): the OVERLAPPED is remembered with its direction
 * until then. A full table loses a count, never a call. */
enum { kPendingMax = 256 };
static struct {
  LPWSAOVERLAPPED ov;
  int in;
} g_pending[kPendingMax];

static int Fail(const char *what, unsigned long id) {
  fprintf(stderr, "%s: %s", LSP_NAME, what);
  if (id != 0) fprintf(stderr, " (entry %lu)", id);
  fprintf(stderr, "\n");
  fflush(stderr);
  return WSAEPROVIDERFAILEDINIT;
}

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

static void Remember(LPWSAOVERLAPPED ov, int in) {
  if (ov == NULL) return;
  EnterCriticalSection(&g_lock);
  int slot = -1;
  for (int i = 0; i < kPendingMax; i++) {
    if (g_pending[i].ov == ov) slot = i; /* an OVERLAPPED used again */
    if (g_pending[i].ov == NULL && slot < 0) slot = i;
  }
  if (slot >= 0) {
    g_pending[slot].ov = ov;
    g_pending[slot].in = in;
  }
  LeaveCriticalSection(&g_lock);
}

static void Counted(int rc, int in, LPDWORD bytes, LPWSAOVERLAPPED ov, LPINT err) {
  if (ov == NULL) {
    if (rc == 0 && bytes != NULL) InterlockedExchangeAdd(in ? &g_bytes_in : &g_bytes_out, (LONG)*bytes);
    return;
  }
  if (rc == 0 || *err == WSA_IO_PENDING) return;
  EnterCriticalSection(&g_lock); /* it will never complete */
  for (int i = 0; i < kPendingMax; i++)
    if (g_pending[i].ov == ov) g_pending[i].ov = NULL;
  LeaveCriticalSection(&g_lock);
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
    EnterCriticalSection(&g_lock);
    for (int i = 0; i < kPendingMax; i++) {
      if (g_pending[i].ov == ov) {
        InterlockedExchangeAdd(g_pending[i].in ? &g_bytes_in : &g_bytes_out, (LONG)*bytes);
        g_pending[i].ov = NULL;
      }
    }
    LeaveCriticalSection(&g_lock);
  }
  return ok;
}

static int WSPAPI LspCleanup(LPINT lpErrno) {
  int rc = g_next.lpWSPCleanup(lpErrno);
  EnterCriticalSection(&g_lock);
  if (--g_startups == 0) {
    printf("%s: %ld bytes out and %ld bytes in through the layer\n", LSP_NAME, (long)g_bytes_out,
           (long)g_bytes_in);
    fflush(stdout);
    if (g_next_module != NULL) FreeLibrary(g_next_module);
    g_next_module = NULL;
    memset(g_pending, 0, sizeof(g_pending));
    g_bytes_out = g_bytes_in = 0;
  }
  LeaveCriticalSection(&g_lock);
  return rc;
}

/* Finds this LSP's hidden entry and the next entry below it in `chain`, the sample's way. */
static int FindPlace(const WSAPROTOCOL_INFOW *info, DWORD *hidden_out, WSAPROTOCOL_INFOW *next) {
  int count = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count);
  if (all == NULL) return Fail("WSCEnumProtocols failed", 0);
  DWORD hidden = 0;
  for (int i = 0; i < count && hidden == 0; i++)
    if (memcmp(&all[i].ProviderId, &LSP_GUID, sizeof(GUID)) == 0) hidden = all[i].dwCatalogEntryId;
  int chains = 0;
  for (int i = 0; i < count; i++)
    if (all[i].ProtocolChain.ChainLen > 1 && all[i].ProtocolChain.ChainEntries[0] == hidden)
      chains++;
  int rc = 0;
  const WSAPROTOCOLCHAIN *chain = &info->ProtocolChain;
  int at = -1;
  for (int i = 0; i < chain->ChainLen - 1; i++)
    if (chain->ChainEntries[i] == hidden) at = i;
  if (hidden == 0) {
    rc = Fail("no catalog entry has my GUID: I am not installed", 0);
  } else if (chains == 0) {
    /* What the sample LSP ran into when a runtime gave the chains the LSP's own GUID. */
    rc = Fail("the first entry with my GUID starts no protocol chain", hidden);
  } else if (at < 0) {
    rc = Fail("my hidden entry is not in the chain I was started for", info->dwCatalogEntryId);
  } else {
    const DWORD next_id = chain->ChainEntries[at + 1];
    int found = 0;
    for (int i = 0; i < count; i++) {
      if (all[i].dwCatalogEntryId == next_id) {
        *next = all[i];
        found = 1;
      }
    }
    if (!found) rc = Fail("the next entry of my chain is not in the catalog", next_id);
  }
  HeapFree(GetProcessHeap(), 0, all);
  *hidden_out = hidden;
  return rc;
}

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable) {
  if (lpProtocolInfo == NULL || lpProtocolInfo->ProtocolChain.ChainLen < 2)
    return Fail("started for something that is not a protocol chain", 0);
  DWORD hidden = 0;
  WSAPROTOCOL_INFOW next;
  int rc = FindPlace(lpProtocolInfo, &hidden, &next);
  if (rc != 0) return rc;

  WCHAR path[MAX_PATH], expanded[MAX_PATH];
  int len = MAX_PATH, err = 0;
  if (WSCGetProviderPath(&next.ProviderId, path, &len, &err) != 0)
    return Fail("WSCGetProviderPath failed for the next entry", next.dwCatalogEntryId);
  DWORD n = ExpandEnvironmentStringsW(path, expanded, MAX_PATH);
  if (n == 0 || n > MAX_PATH) return Fail("ExpandEnvironmentStringsW failed", 0);

  EnterCriticalSection(&g_lock);
  if (g_next_module == NULL) g_next_module = LoadLibraryW(expanded);
  LPWSPSTARTUP next_startup =
      g_next_module == NULL ? NULL
                            : (LPWSPSTARTUP)(void *)GetProcAddress(g_next_module, "WSPStartup");
  /* A base provider is started for its own entry; another layer for the whole chain. */
  rc = next_startup == NULL
           ? WSAEPROVIDERFAILEDINIT
           : next_startup(wVersionRequested, lpWSPData,
                          next.ProtocolChain.ChainLen == BASE_PROTOCOL ? &next : lpProtocolInfo,
                          UpcallTable, &g_next);
  if (rc == 0) g_startups++;
  LeaveCriticalSection(&g_lock);
  if (next_startup == NULL) {
    fprintf(stderr, "%s: cannot start %ls (LoadLibraryW/GetProcAddress: %lu)\n", LSP_NAME,
            expanded, GetLastError());
    return WSAEPROVIDERFAILEDINIT;
  }
  if (rc != 0) return rc;
  printf("%s: hidden entry %lu, started for chain %lu over entry %lu (%ls)\n", LSP_NAME, hidden,
         lpProtocolInfo->dwCatalogEntryId, next.dwCatalogEntryId, expanded);
  fflush(stdout);

  /* "example LSP A over <the lower description>" */
  WCHAR lower[WSADESCRIPTION_LEN + 1];
  memcpy(lower, lpWSPData->szDescription, sizeof(lower));
  lower[WSADESCRIPTION_LEN] = 0;
  static const WCHAR prefix[] = LSP_WNAME L" over ";
  int k = 0;
  for (const WCHAR *p = prefix; *p != 0 && k < WSADESCRIPTION_LEN; p++) lpWSPData->szDescription[k++] = *p;
  for (const WCHAR *p = lower; *p != 0 && k < WSADESCRIPTION_LEN; p++) lpWSPData->szDescription[k++] = *p;
  lpWSPData->szDescription[k] = 0;

  *lpProcTable = g_next;
  lpProcTable->lpWSPCleanup = LspCleanup;
  lpProcTable->lpWSPSend = LspSend;
  lpProcTable->lpWSPSendTo = LspSendTo;
  lpProcTable->lpWSPRecv = LspRecv;
  lpProcTable->lpWSPRecvFrom = LspRecvFrom;
  lpProcTable->lpWSPGetOverlappedResult = LspGetOverlappedResult;
  return 0;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance;
  (void)reserved;
  if (reason == DLL_PROCESS_ATTACH) InitializeCriticalSection(&g_lock);
  if (reason == DLL_PROCESS_DETACH) DeleteCriticalSection(&g_lock);
  return TRUE;
}
