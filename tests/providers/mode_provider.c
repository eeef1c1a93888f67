/*
 * tests/providers/mode_provider.c — a native test provider whose WSPStartup misbehaves on
 * request, for the provider manager's checks. WS2EMU_TEST_PROVIDER_MODE chooses:
 *   ok        starts at 2.2 with a full proc table (the default)
 *   version   negotiates 1.1 (a provider that cannot do 2.2)
 *   refuse    returns WSAVERNOTSUPPORTED itself
 *   fail      returns WSAENETDOWN
 *   nullproc  leaves lpWSPSendTo NULL
 *   cleanupfail  starts as `ok`; its WSPCleanup does its work but returns SOCKET_ERROR and leaves
 *             *lpErrno alone, as Microsoft's non-IFS sample LSP does
 *   block     starts as `ok`, but a start for catalog entry 1001 waits in WSPStartup until
 *             mode_provider_release() is called (mode_provider_blocked() says it is waiting)
 * It counts its WSPStartup and WSPCleanup calls (mode_provider_counts) so the test can check
 * that every successful start is cleaned up exactly once.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep under -std=c99 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ws2emu/ws2spi.h>

/* Starts may run on several threads at once (mode block): the counts are atomic. */
static int g_startups, g_cleanups, g_blocked, g_released, g_cleanup_fails;
static DWORD g_last_catalog_id;

void mode_provider_counts(int *startups, int *cleanups, DWORD *last_catalog_id) {
  *startups = __atomic_load_n(&g_startups, __ATOMIC_SEQ_CST);
  *cleanups = __atomic_load_n(&g_cleanups, __ATOMIC_SEQ_CST);
  *last_catalog_id = __atomic_load_n(&g_last_catalog_id, __ATOMIC_SEQ_CST);
}

int mode_provider_blocked(void) { return __atomic_load_n(&g_blocked, __ATOMIC_SEQ_CST); }
void mode_provider_release(void) { __atomic_store_n(&g_released, 1, __ATOMIC_SEQ_CST); }

static int WSPAPI Cleanup(LPINT lpErrno) {
  (void)lpErrno;
  __atomic_add_fetch(&g_cleanups, 1, __ATOMIC_SEQ_CST);
  return __atomic_load_n(&g_cleanup_fails, __ATOMIC_SEQ_CST) ? SOCKET_ERROR : 0;
}

/* Stands in for every other entry: this provider is never asked to do socket work. */
static int WSPAPI NotSupported(void) { return SOCKET_ERROR; }

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable) {
  (void)wVersionRequested, (void)UpcallTable;
  const char *mode = getenv("WS2EMU_TEST_PROVIDER_MODE");
  if (mode == NULL) mode = "ok";
  if (strcmp(mode, "refuse") == 0) return WSAVERNOTSUPPORTED;
  if (strcmp(mode, "fail") == 0) return WSAENETDOWN;
  if (strcmp(mode, "block") == 0 && lpProtocolInfo->dwCatalogEntryId == 1001) {
    __atomic_store_n(&g_blocked, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&g_released, __ATOMIC_SEQ_CST)) {
      struct timespec pause = {0, 1000000};
      nanosleep(&pause, NULL);
    }
    __atomic_store_n(&g_blocked, 0, __ATOMIC_SEQ_CST);
  }
  __atomic_add_fetch(&g_startups, 1, __ATOMIC_SEQ_CST);
  __atomic_store_n(&g_last_catalog_id, lpProtocolInfo->dwCatalogEntryId, __ATOMIC_SEQ_CST);
  lpWSPData->wVersion = strcmp(mode, "version") == 0 ? MAKEWORD(1, 1) : MAKEWORD(2, 2);
  lpWSPData->wHighVersion = lpWSPData->wVersion;
  memset(lpWSPData->szDescription, 0, sizeof(lpWSPData->szDescription));
  static const char name[] = "mode provider";
  for (size_t i = 0; i < sizeof(name); i++) lpWSPData->szDescription[i] = (WCHAR)name[i];
  void **entries = (void **)lpProcTable;
  for (size_t i = 0; i < sizeof(*lpProcTable) / sizeof(void *); i++) {
    int(WSPAPI * fn)(void) = NotSupported;
    memcpy(&entries[i], &fn, sizeof(fn));
  }
  lpProcTable->lpWSPCleanup = Cleanup;
  if (strcmp(mode, "nullproc") == 0) lpProcTable->lpWSPSendTo = NULL;
  __atomic_store_n(&g_cleanup_fails, strcmp(mode, "cleanupfail") == 0, __ATOMIC_SEQ_CST);
  return 0;
}
