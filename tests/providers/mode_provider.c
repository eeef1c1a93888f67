/*
 * tests/providers/mode_provider.c — a native test provider whose WSPStartup misbehaves on
 * request, for the provider manager's checks. WS2EMU_TEST_PROVIDER_MODE chooses:
 *   ok        starts at 2.2 with a full proc table (the default)
 *   version   negotiates 1.1 (a provider that cannot do 2.2)
 *   refuse    returns WSAVERNOTSUPPORTED itself
 *   fail      returns WSAENETDOWN
 *   nullproc  leaves lpWSPSendTo NULL
 * It counts its WSPStartup and WSPCleanup calls (mode_provider_counts) so the test can check
 * that every successful start is cleaned up exactly once.
 */
#include <stdlib.h>
#include <string.h>

#include <ws2emu/ws2spi.h>

static int g_startups, g_cleanups;
static WSAPROTOCOL_INFOW g_last_info;

void mode_provider_counts(int *startups, int *cleanups, DWORD *last_catalog_id) {
  *startups = g_startups;
  *cleanups = g_cleanups;
  *last_catalog_id = g_last_info.dwCatalogEntryId;
}

static int WSPAPI Cleanup(LPINT lpErrno) {
  (void)lpErrno;
  g_cleanups++;
  return 0;
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
  g_startups++;
  g_last_info = *lpProtocolInfo;
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
  return 0;
}
