/*
 * tests/pe/upcall_provider.c — a Windows provider (built with mingw-w64's own headers) whose
 * WSPStartup uses every upcall and WPUCompleteOverlappedRequest and checks each result. Any
 * failed check makes WSPStartup return WSASYSCALLFAILURE and print what failed, so the result
 * reaches the test through ws2emu-run's exit status. (Worker threads come with CreateThread.)
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <stdio.h>
#include <string.h>

static WSPUPCALLTABLE g_up;
static int g_failed;
static int g_apc_ran;

#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "upcall_provider: check failed at line %d: %s\n", __LINE__, #cond); \
      g_failed = 1;                                                             \
    }                                                                           \
  } while (0)

static void CALLBACK Apc(DWORD_PTR context) { g_apc_ran += (int)context; }

static LRESULT CALLBACK WndProc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp) {
  return DefWindowProcW(hwnd, msg, wp, lp);
}

static int WSPAPI Cleanup(LPINT lpErrno) {
  (void)lpErrno;
  return 0;
}

static void UseEveryUpcall(DWORD catalog_id) {
  int err = 0;
  /* Sockets, contexts, fd sets. */
  SOCKET s = g_up.lpWPUCreateSocketHandle(catalog_id, (DWORD_PTR)0xC0FFEE, &err);
  CHECK(s != INVALID_SOCKET);
  DWORD_PTR context = 0;
  CHECK(g_up.lpWPUQuerySocketHandleContext(s, &context, &err) == 0 && context == 0xC0FFEE);
  fd_set set;
  FD_ZERO(&set);
  FD_SET(s, &set);
  CHECK(g_up.lpWPUFDIsSet(s, &set));
  CHECK(g_up.lpWPUModifyIFSHandle(catalog_id, s, &err) == INVALID_SOCKET && err == WSAEINVAL);

  /* Events. */
  WSAEVENT e = g_up.lpWPUCreateEvent(&err);
  CHECK(e != WSA_INVALID_EVENT);
  CHECK(g_up.lpWPUSetEvent(e, &err) && WaitForSingleObject(e, 0) == WAIT_OBJECT_0);
  CHECK(g_up.lpWPUResetEvent(e, &err) && WaitForSingleObject(e, 0) == WAIT_TIMEOUT);

  /* Overlapped completion to an event and to a completion port. */
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(port != NULL && CreateIoCompletionPort((HANDLE)s, port, 5, 0) == port);
  WSAOVERLAPPED ov;
  memset(&ov, 0, sizeof(ov));
  ov.Internal = WSS_OPERATION_IN_PROGRESS;
  ov.hEvent = e;
  CHECK(WPUCompleteOverlappedRequest(s, &ov, 0, 64, &err) == 0);
  CHECK(ov.InternalHigh == 64 && ov.Internal != WSS_OPERATION_IN_PROGRESS);
  CHECK(WaitForSingleObject(e, 0) == WAIT_OBJECT_0);
  DWORD bytes = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED got = NULL;
  CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &got, 0) && bytes == 64 && key == 5 &&
        got == &ov);
  CHECK(CloseHandle(port));
  CHECK(g_up.lpWPUCloseEvent(e, &err));

  /* Threads and APCs: a WSATHREADID copied by value still names the thread. */
  WSATHREADID id, copy;
  CHECK(g_up.lpWPUOpenCurrentThread(&id, &err) == 0);
  copy = id;
  CHECK(g_up.lpWPUQueueApc(&copy, Apc, 3, &err) == 0);
  CHECK(g_apc_ran == 0);
  CHECK(SleepEx(0, TRUE) == WAIT_IO_COMPLETION && g_apc_ran == 3);
  CHECK(g_up.lpWPUCloseThread(&id, &err) == 0);

  /* A hidden window for WSPAsyncSelect, and a message posted to it. */
  WNDCLASSEXW wc;
  memset(&wc, 0, sizeof(wc));
  wc.cbSize = sizeof(wc);
  wc.lpfnWndProc = WndProc;
  wc.lpszClassName = L"upcall_provider";
  CHECK(RegisterClassExW(&wc) != 0);
  HWND hwnd = CreateWindowExW(0, L"upcall_provider", L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL,
                              NULL, NULL);
  CHECK(hwnd != NULL);
  CHECK(g_up.lpWPUPostMessage(hwnd, WM_USER + 1, (WPARAM)s, WSAMAKESELECTREPLY(FD_READ, 0)));
  MSG msg;
  CHECK(PeekMessageW(&msg, hwnd, 0, 0, PM_REMOVE) && msg.message == WM_USER + 1 &&
        msg.wParam == (WPARAM)s && WSAGETSELECTEVENT(msg.lParam) == FD_READ);
  CHECK(DestroyWindow(hwnd));

  /* Blocking hooks: none for a Winsock 2 caller. The catalog is not there yet. */
  LPBLOCKINGCALLBACK callback = (LPBLOCKINGCALLBACK)1;
  DWORD_PTR cb_context = 1;
  CHECK(g_up.lpWPUQueryBlockingCallback(catalog_id, &callback, &cb_context, &err) == 0 &&
        callback == NULL && cb_context == 0);
  GUID guid;
  memset(&guid, 0, sizeof(guid));
  WCHAR path[MAX_PATH];
  int len = MAX_PATH;
  CHECK(g_up.lpWPUGetProviderPath(&guid, path, &len, &err) == SOCKET_ERROR && err == WSAEINVAL);

  CHECK(g_up.lpWPUCloseSocketHandle(s, &err) == 0);
  CHECK(g_up.lpWPUQuerySocketHandleContext(s, &context, &err) == SOCKET_ERROR &&
        err == WSAENOTSOCK);
}

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable) {
  if (wVersionRequested != MAKEWORD(2, 2)) return WSAVERNOTSUPPORTED;
  g_up = UpcallTable;
  UseEveryUpcall(lpProtocolInfo->dwCatalogEntryId);
  if (g_failed) return WSASYSCALLFAILURE;
  lpWSPData->wVersion = lpWSPData->wHighVersion = MAKEWORD(2, 2);
  wcscpy(lpWSPData->szDescription, L"ws2emu upcall provider");
  /* Every entry set, as ws2_32 checks (WSPCleanup is the only one this test reaches). */
  void **entries = (void **)lpProcTable;
  for (size_t i = 0; i < sizeof(*lpProcTable) / sizeof(void *); i++) entries[i] = (void *)Cleanup;
  return 0;
}
