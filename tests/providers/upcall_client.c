/*
 * tests/providers/upcall_client.c — a native C host linked with -lws2emu (the shared library,
 * through its exported C API only) that uses every upcall through ws2emu_upcall_table(), then
 * starts the Windows-style sample provider (WS2EMU_SAMPLE_PROVIDER) with the real table and
 * drives it. Exit status 0 when every check holds; each failure is printed.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ws2emu/ws2emu.h>

static int g_failures;
#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) {                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      g_failures++;                                              \
    }                                                            \
  } while (0)

static int g_apc_runs;
static void CALLBACK CountApc(DWORD_PTR context) { g_apc_runs += (int)context; }

static BOOL WSPAPI HostPost(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  return hWnd == (HWND)(uintptr_t)0x100 && Msg == 0x400 + 1 && wParam == 4 && lParam == 0x20;
}

static WSATHREADID g_worker_id;
static void *Worker(void *arg) {
  const WSPUPCALLTABLE *t = (const WSPUPCALLTABLE *)arg;
  int err = 0;
  CHECK(t->lpWPUOpenCurrentThread(&g_worker_id, &err) == 0);
  return NULL;
}

int main(void) {
  const WSPUPCALLTABLE *t = ws2emu_upcall_table();
  int err = 0;

  /* Sockets: create, query, FD membership, close. */
  SOCKET s = t->lpWPUCreateSocketHandle(1001, (DWORD_PTR)0x1122334455667788ull, &err);
  CHECK(s != INVALID_SOCKET && s % 4 == 0);
  DWORD_PTR ctx = 0;
  CHECK(t->lpWPUQuerySocketHandleContext(s, &ctx, &err) == 0 && ctx == 0x1122334455667788ull);
  WS_fd_set set;
  set.fd_count = 1;
  set.fd_array[0] = s;
  CHECK(t->lpWPUFDIsSet(s, &set) != 0);
  CHECK(t->lpWPUFDIsSet(s + 4, &set) == 0);
  SOCKET bad = t->lpWPUModifyIFSHandle(1001, s, &err);
  CHECK(bad == INVALID_SOCKET && err == WSAEINVAL); /* not an IFS handle */

  /* Events. */
  WSAEVENT e = t->lpWPUCreateEvent(&err);
  CHECK(e != WSA_INVALID_EVENT);
  CHECK(t->lpWPUSetEvent(e, &err));
  CHECK(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0);
  CHECK(t->lpWPUResetEvent(e, &err));
  CHECK(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT);

  /* Completion through event and port. */
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(ws2emu_CreateIoCompletionPort((HANDLE)s, port, 9, 0) == port);
  WSAOVERLAPPED ov;
  memset(&ov, 0, sizeof(ov));
  ov.Internal = WSS_OPERATION_IN_PROGRESS;
  ov.hEvent = e;
  CHECK(WPUCompleteOverlappedRequest(s, &ov, 0, 77, &err) == 0);
  CHECK(ov.InternalHigh == 77 && ov.Internal != WSS_OPERATION_IN_PROGRESS);
  CHECK(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0);
  DWORD bytes = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED got = NULL;
  CHECK(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 0) && bytes == 77 &&
        key == 9 && got == &ov);

  /* Threads and APCs, including a WSATHREADID from a thread that has exited. */
  WSATHREADID self;
  CHECK(t->lpWPUOpenCurrentThread(&self, &err) == 0);
  CHECK(t->lpWPUQueueApc(&self, CountApc, 5, &err) == 0);
  CHECK(ws2emu_SleepEx(0, TRUE) == WAIT_IO_COMPLETION && g_apc_runs == 5);
  pthread_t worker;
  pthread_create(&worker, NULL, Worker, (void *)t);
  pthread_join(worker, NULL);
  CHECK(t->lpWPUQueueApc(&g_worker_id, CountApc, 1, &err) == SOCKET_ERROR && err == WSAEFAULT);
  CHECK(t->lpWPUCloseThread(&g_worker_id, &err) == 0);
  CHECK(t->lpWPUCloseThread(&self, &err) == 0);

  /* Blocking callback, post routine, provider path. */
  LPBLOCKINGCALLBACK cb = (LPBLOCKINGCALLBACK)1;
  DWORD_PTR cb_ctx = 1;
  CHECK(t->lpWPUQueryBlockingCallback(1001, &cb, &cb_ctx, &err) == 0 && cb == NULL && cb_ctx == 0);
  CHECK(WSApSetPostRoutine(HostPost) == 0);
  CHECK(t->lpWPUPostMessage((HWND)(uintptr_t)0x100, 0x400 + 1, 4, 0x20));
  CHECK(WSApSetPostRoutine(NULL) == 0);
  GUID id;
  memset(&id, 0, sizeof(id));
  WCHAR path[64];
  int len = 64;
  CHECK(t->lpWPUGetProviderPath(&id, path, &len, &err) == SOCKET_ERROR && err == WSAEINVAL);

  /* Close everything. */
  CHECK(ws2emu_CloseHandle(port));
  CHECK(t->lpWPUCloseEvent(e, &err));
  CHECK(t->lpWPUCloseSocketHandle(s, &err) == 0);
  CHECK(t->lpWPUCloseSocketHandle(s, &err) == SOCKET_ERROR && err == WSAENOTSOCK);

  /* The Windows-style provider, started with the runtime's own table. */
  const char *provider = getenv("WS2EMU_SAMPLE_PROVIDER");
  void *module = provider != NULL ? dlopen(provider, RTLD_NOW | RTLD_LOCAL) : NULL;
  CHECK(module != NULL);
  if (module != NULL) {
    LPWSPSTARTUP startup;
    *(void **)&startup = dlsym(module, "WSPStartup");
    CHECK(startup != NULL);
    WSPDATA data;
    WSPPROC_TABLE procs;
    WSAPROTOCOL_INFOW info;
    memset(&info, 0, sizeof(info));
    info.dwCatalogEntryId = 1001;
    info.iAddressFamily = WS_AF_INET;
    info.iSocketType = WS_SOCK_STREAM;
    info.iProtocol = WS_IPPROTO_TCP;
    CHECK(startup(MAKEWORD(2, 2), &data, &info, *t, &procs) == 0);
    SOCKET ps = procs.lpWSPSocket(0, 0, 0, &info, 0, WSA_FLAG_OVERLAPPED, &err);
    CHECK(ps != INVALID_SOCKET);
    CHECK(t->lpWPUQuerySocketHandleContext(ps, &ctx, &err) == 0 && ctx != 0);
    WS_fd_set writable;
    writable.fd_count = 1;
    writable.fd_array[0] = ps;
    CHECK(procs.lpWSPSelect(0, NULL, &writable, NULL, NULL, &err) == 1);
    CHECK(procs.lpWSPCloseSocket(ps, &err) == 0);
    CHECK(t->lpWPUQuerySocketHandleContext(ps, &ctx, &err) == SOCKET_ERROR &&
          err == WSAENOTSOCK);
    CHECK(procs.lpWSPCleanup(&err) == 0);
    dlclose(module);
  }

  /* The export tables another PE loader would bind to. */
  CHECK(ws2emu_find_export("KERNEL32.dll", "SetEvent") == (void *)ws2emu_SetEvent);
  CHECK(ws2emu_find_export_ordinal("ws2_32", 111) == (void *)WSAGetLastError);
  CHECK(ws2emu_find_export("KERNEL32.dll", "Beep") == NULL);

  if (g_failures == 0) printf("every upcall works from C through ws2emu_upcall_table()\n");
  return g_failures == 0 ? 0 : 1;
}
