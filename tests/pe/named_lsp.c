/*
 * tests/pe/named_lsp.c — a Winsock provider (mingw-w64's own headers) that talks to a controller
 * program through named objects, as a Proxifier-style LSP does: while loading (DllMain) it opens
 * the section and the event the controller created, writes into the section and signals; in
 * WSPStartup it waits for the controller's answer (A-form names) and writes a second message.
 * Any failed check makes WSPStartup fail (WSASYSCALLFAILURE, with a line on stderr), which
 * ws2emu-run --provider turns into its exit status. Run by named_test.sh with
 * named_controller.exe in another ws2emu-run process.
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <stdio.h>
#include <string.h>

static int g_failed;
static char *g_view;

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      fprintf(stderr, "named_lsp: check failed at line %d: %s (error %lu)\n", __LINE__, \
              #cond, (unsigned long)GetLastError());                                   \
      g_failed = 1;                                                                    \
    }                                                                                  \
  } while (0)

static int WSPAPI Cleanup(LPINT lpErrno) {
  (void)lpErrno;
  return 0;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance;
  (void)reserved;
  if (reason != DLL_PROCESS_ATTACH) return TRUE;
  HANDLE section = OpenFileMappingW(FILE_MAP_WRITE, FALSE, L"Local\\ws2emu-named-test-shm");
  CHECK(section != NULL);
  if (section == NULL) return TRUE;  /* WSPStartup reports it */
  g_view = (char *)MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0);
  CHECK(g_view != NULL);
  CHECK(CloseHandle(section)); /* the view keeps the section */
  HANDLE written = OpenEventW(EVENT_MODIFY_STATE, FALSE, L"ws2emu-named-test-written");
  CHECK(written != NULL);
  if (g_view != NULL && written != NULL) {
    strcpy(g_view + 256, "hello from the LSP's DllMain");
    CHECK(SetEvent(written));
  }
  if (written != NULL) CloseHandle(written);
  return TRUE;
}

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable) {
  (void)lpProtocolInfo;
  (void)UpcallTable;
  if (wVersionRequested != MAKEWORD(2, 2)) return WSAVERNOTSUPPORTED;
  /* The A forms, and the errors a program tests. */
  HANDLE go = OpenEventA(SYNCHRONIZE, FALSE, "ws2emu-named-test-go");
  HANDLE done = OpenEventA(EVENT_MODIFY_STATE, FALSE, "ws2emu-named-test-done");
  CHECK(go != NULL && done != NULL);
  CHECK(OpenEventA(SYNCHRONIZE, FALSE, "ws2emu-named-test-missing") == NULL &&
        GetLastError() == ERROR_FILE_NOT_FOUND);
  CHECK(OpenMutexA(SYNCHRONIZE, FALSE, "ws2emu-named-test-go") == NULL &&
        GetLastError() == ERROR_INVALID_HANDLE);
  HANDLE again = CreateEventA(NULL, FALSE, FALSE, "ws2emu-named-test-go");
  CHECK(again != NULL && GetLastError() == ERROR_ALREADY_EXISTS);
  if (again != NULL) CloseHandle(again);
  if (go != NULL && done != NULL && g_view != NULL) {
    CHECK(WaitForSingleObject(go, 30000) == WAIT_OBJECT_0);
    CHECK(strcmp(g_view, "controller says go") == 0);
    strcpy(g_view + 512, "second message from WSPStartup");
    CHECK(FlushViewOfFile(g_view, 0));
    CHECK(SetEvent(done));
  }
  if (go != NULL) CloseHandle(go);
  if (done != NULL) CloseHandle(done);
  if (g_view != NULL) CHECK(UnmapViewOfFile(g_view));
  if (g_failed) return WSASYSCALLFAILURE;
  lpWSPData->wVersion = lpWSPData->wHighVersion = MAKEWORD(2, 2);
  wcscpy(lpWSPData->szDescription, L"ws2emu named-objects LSP");
  void **entries = (void **)lpProcTable;
  for (size_t i = 0; i < sizeof(*lpProcTable) / sizeof(void *); i++) entries[i] = (void *)Cleanup;
  return 0;
}
