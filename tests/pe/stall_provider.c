/*
 * tests/pe/stall_provider.c — a Windows provider whose WSPSocket never returns, as a layered
 * provider's call does when it redirects the connection to a proxy that is not there: ws2emu-run
 * --exchange must give up after --timeout and name the call (tests/pe/exchange_timeout_test.sh).
 */
#include <winsock2.h>
#include <ws2spi.h>

static int WSPAPI Cleanup(LPINT lpErrno) {
  (void)lpErrno;
  return 0;
}

static SOCKET WSPAPI Stall(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
                           DWORD flags, LPINT lpErrno) {
  (void)af, (void)type, (void)protocol, (void)info, (void)g, (void)flags, (void)lpErrno;
  Sleep(INFINITE);
  return INVALID_SOCKET;
}

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable) {
  (void)lpProtocolInfo, (void)UpcallTable;
  if (wVersionRequested != MAKEWORD(2, 2)) return WSAVERNOTSUPPORTED;
  lpWSPData->wVersion = lpWSPData->wHighVersion = MAKEWORD(2, 2);
  lstrcpyW(lpWSPData->szDescription, L"ws2emu stalling provider");
  /* Every entry set, as ws2_32 checks; only WSPSocket and WSPCleanup are reached. */
  void **entries = (void **)lpProcTable;
  for (size_t i = 0; i < sizeof(*lpProcTable) / sizeof(void *); i++) entries[i] = (void *)Cleanup;
  lpProcTable->lpWSPSocket = Stall;
  return 0;
}
