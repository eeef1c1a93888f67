// The upcalls through ws2emu_upcall_table(), each documented error code a case (SPEC.md §6),
// plus WPUCompleteOverlappedRequest's ordering and notification rules (§6.4).
#include <gtest/gtest.h>

#include "handles/handle_table.h"
#include "sockets/socket_record.h"
#include "ws2emu/ws2emu.h"

namespace {

class Upcalls : public ::testing::Test {
 protected:
  const WSPUPCALLTABLE &t = *ws2emu_upcall_table();
  int err = 0;
};

TEST_F(Upcalls, TableHasAllFifteenEntriesInWindowsOrder) {
  EXPECT_EQ(t.lpWPUCloseEvent, &WPUCloseEvent);
  EXPECT_EQ(t.lpWPUCloseSocketHandle, &WPUCloseSocketHandle);
  EXPECT_EQ(t.lpWPUCreateEvent, &WPUCreateEvent);
  EXPECT_EQ(t.lpWPUCreateSocketHandle, &WPUCreateSocketHandle);
  EXPECT_EQ(t.lpWPUFDIsSet, &WPUFDIsSet);
  EXPECT_EQ(t.lpWPUGetProviderPath, &WPUGetProviderPath);
  EXPECT_EQ(t.lpWPUModifyIFSHandle, &WPUModifyIFSHandle);
  EXPECT_EQ(t.lpWPUPostMessage, &WPUPostMessage);
  EXPECT_EQ(t.lpWPUQueryBlockingCallback, &WPUQueryBlockingCallback);
  // The exported function, or on a processor with AVX its one-load form (the same checks in
  // the same order; UpcallsQuery below holds the two to the same answers).
#if WS2EMU_HAVE_SNAPSHOT_READ
  if (ws2emu::HandleTable::SnapshotReadWorks()) {
    EXPECT_NE(t.lpWPUQuerySocketHandleContext, &WPUQuerySocketHandleContext);
  } else {
    EXPECT_EQ(t.lpWPUQuerySocketHandleContext, &WPUQuerySocketHandleContext);
  }
#else
  EXPECT_EQ(t.lpWPUQuerySocketHandleContext, &WPUQuerySocketHandleContext);
#endif
  EXPECT_NE(t.lpWPUQuerySocketHandleContext, nullptr);
  EXPECT_EQ(t.lpWPUQueueApc, &WPUQueueApc);
  EXPECT_EQ(t.lpWPUResetEvent, &WPUResetEvent);
  EXPECT_EQ(t.lpWPUSetEvent, &WPUSetEvent);
  EXPECT_EQ(t.lpWPUOpenCurrentThread, &WPUOpenCurrentThread);
  EXPECT_EQ(t.lpWPUCloseThread, &WPUCloseThread);
}

TEST_F(Upcalls, SocketHandlesAreMultiplesOfFourBelow2To31AndKeepTheFullContext) {
  const DWORD_PTR context = 0xfedcba9876543210ull;
  SOCKET s = t.lpWPUCreateSocketHandle(1001, context, &err);
  ASSERT_NE(s, INVALID_SOCKET);
  EXPECT_NE(s, 0u);
  EXPECT_EQ(s % 4, 0u);
  EXPECT_LT(s, 1ull << 31);
  DWORD_PTR got = 0;
  ASSERT_EQ(t.lpWPUQuerySocketHandleContext(s, &got, &err), 0);
  EXPECT_EQ(got, context);
  // The low two bits are the caller's and ignored.
  ASSERT_EQ(t.lpWPUQuerySocketHandleContext(s | 3, &got, &err), 0);
  EXPECT_EQ(t.lpWPUCloseSocketHandle(s, &err), 0);
}

// The table's WPUQuerySocketHandleContext and the exported one answer alike, every case.
TEST_F(Upcalls, TheTablesQueryAndTheExportedOneAnswerAlike) {
  const DWORD_PTR context = 0x0123456789abcdefull;
  SOCKET s = t.lpWPUCreateSocketHandle(1001, context, &err);
  ASSERT_NE(s, INVALID_SOCKET);
  WSAEVENT e = t.lpWPUCreateEvent(&err);
  SOCKET closed = t.lpWPUCreateSocketHandle(1001, 5, &err);
  ASSERT_EQ(t.lpWPUCloseSocketHandle(closed, &err), 0);
  const LPWPUQUERYSOCKETHANDLECONTEXT queries[] = {t.lpWPUQuerySocketHandleContext,
                                                   &WPUQuerySocketHandleContext};
  for (SOCKET h : {s, s | 1, s | 3, s | (SOCKET{1} << 31), closed, SOCKET{0}, INVALID_SOCKET,
                   SOCKET{0x7ffffffc}, reinterpret_cast<SOCKET>(e)}) {
    int results[2], errors[2];
    DWORD_PTR got[2];
    for (int i = 0; i < 2; ++i) {
      got[i] = 0x55;
      errors[i] = 0;
      results[i] = queries[i](h, &got[i], &errors[i]);
    }
    EXPECT_EQ(results[0], results[1]) << h;
    EXPECT_EQ(errors[0], errors[1]) << h;
    EXPECT_EQ(got[0], got[1]) << h;
    for (int i = 0; i < 2; ++i) {
      errors[i] = 0;
      results[i] = queries[i](h, nullptr, &errors[i]);  // WSAENOTSOCK first, then WSAEFAULT
    }
    EXPECT_EQ(results[0], SOCKET_ERROR) << h;
    EXPECT_EQ(results[1], SOCKET_ERROR) << h;
    EXPECT_EQ(errors[0], errors[1]) << h;
    EXPECT_EQ(queries[0](h, &got[0], nullptr), SOCKET_ERROR) << h;
    EXPECT_EQ(queries[1](h, &got[1], nullptr), SOCKET_ERROR) << h;
  }
  DWORD_PTR got = 0;
  ASSERT_EQ(t.lpWPUQuerySocketHandleContext(s | 3, &got, &err), 0);
  EXPECT_EQ(got, context);
  EXPECT_EQ(t.lpWPUCloseSocketHandle(s, &err), 0);
  EXPECT_TRUE(t.lpWPUCloseEvent(e, &err));
}

TEST_F(Upcalls, ClosedOrForeignSocketIsNotASocket) {
  SOCKET s = t.lpWPUCreateSocketHandle(1001, 7, &err);
  ASSERT_EQ(t.lpWPUCloseSocketHandle(s, &err), 0);
  DWORD_PTR got = 0x55;
  EXPECT_EQ(t.lpWPUQuerySocketHandleContext(s, &got, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOTSOCK);
  EXPECT_EQ(got, 0x55u);  // nothing written
  err = 0;
  EXPECT_EQ(t.lpWPUCloseSocketHandle(s, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOTSOCK);
  for (SOCKET bogus : {SOCKET{0}, INVALID_SOCKET, SOCKET{0x7ffffffc}, SOCKET{12345678}}) {
    err = 0;
    EXPECT_EQ(t.lpWPUQuerySocketHandleContext(bogus, &got, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSAENOTSOCK);
    err = 0;
    EXPECT_EQ(t.lpWPUCloseSocketHandle(bogus, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSAENOTSOCK);
  }
  // An event handle is not a socket either.
  WSAEVENT e = t.lpWPUCreateEvent(&err);
  EXPECT_EQ(t.lpWPUQuerySocketHandleContext(reinterpret_cast<SOCKET>(e), &got, &err),
            SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOTSOCK);
  EXPECT_TRUE(t.lpWPUCloseEvent(e, &err));
}

TEST_F(Upcalls, StaleSocketValueIsNotReissuedSoon) {
  SOCKET first = t.lpWPUCreateSocketHandle(1001, 1, &err);
  ASSERT_EQ(t.lpWPUCloseSocketHandle(first, &err), 0);
  for (int i = 0; i < 5000; ++i) {
    SOCKET s = t.lpWPUCreateSocketHandle(1001, 2, &err);
    ASSERT_NE(s, first) << "after " << i << " creates";
    ASSERT_EQ(t.lpWPUCloseSocketHandle(s, &err), 0);
  }
}

TEST_F(Upcalls, NullErrnoPointerFailsWithoutCrashing) {
  EXPECT_EQ(t.lpWPUCreateSocketHandle(1001, 1, nullptr), INVALID_SOCKET);
  EXPECT_EQ(t.lpWPUCreateEvent(nullptr), WSA_INVALID_EVENT);
  EXPECT_FALSE(t.lpWPUSetEvent(nullptr, nullptr));
}

TEST_F(Upcalls, QueryContextNullOutPointerIsFault) {
  SOCKET s = t.lpWPUCreateSocketHandle(1001, 1, &err);
  EXPECT_EQ(t.lpWPUQuerySocketHandleContext(s, nullptr, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(t.lpWPUCloseSocketHandle(s, &err), 0);
}

TEST_F(Upcalls, EventsAreManualResetAndStartNonsignaled) {
  WSAEVENT e = t.lpWPUCreateEvent(&err);
  ASSERT_NE(e, WSA_INVALID_EVENT);
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
  EXPECT_TRUE(t.lpWPUSetEvent(e, &err));
  // Manual reset: stays signaled across waits.
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);
  EXPECT_TRUE(t.lpWPUResetEvent(e, &err));
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
  EXPECT_TRUE(t.lpWPUCloseEvent(e, &err));
}

TEST_F(Upcalls, InvalidEventHandleIsInvalidHandle) {
  WSAEVENT e = t.lpWPUCreateEvent(&err);
  ASSERT_TRUE(t.lpWPUCloseEvent(e, &err));
  for (WSAEVENT bad : {e, static_cast<WSAEVENT>(nullptr), reinterpret_cast<WSAEVENT>(0x1234)}) {
    err = 0;
    EXPECT_FALSE(t.lpWPUSetEvent(bad, &err));
    EXPECT_EQ(err, WSA_INVALID_HANDLE);
    err = 0;
    EXPECT_FALSE(t.lpWPUResetEvent(bad, &err));
    EXPECT_EQ(err, WSA_INVALID_HANDLE);
    err = 0;
    EXPECT_FALSE(t.lpWPUCloseEvent(bad, &err));
    EXPECT_EQ(err, WSA_INVALID_HANDLE);
  }
  // A socket handle is not an event.
  SOCKET s = t.lpWPUCreateSocketHandle(1001, 1, &err);
  EXPECT_FALSE(t.lpWPUSetEvent(reinterpret_cast<WSAEVENT>(s), &err));
  EXPECT_EQ(err, WSA_INVALID_HANDLE);
  EXPECT_EQ(t.lpWPUCloseSocketHandle(s, &err), 0);
}

TEST_F(Upcalls, FdIsSetScansOnlyFdCountWhateverItsCapacity) {
  // A set compiled with FD_SETSIZE 4: WPUFDIsSet must not read beyond fd_count.
  struct {
    WS_u_int fd_count;
    SOCKET fd_array[4];
  } small = {3, {8, 12, 16, 20}};
  auto *set = reinterpret_cast<WS_fd_set *>(&small);
  EXPECT_NE(t.lpWPUFDIsSet(12, set), 0);
  EXPECT_NE(t.lpWPUFDIsSet(16, set), 0);
  EXPECT_EQ(t.lpWPUFDIsSet(20, set), 0);  // beyond fd_count
  EXPECT_EQ(t.lpWPUFDIsSet(4, set), 0);
  EXPECT_EQ(t.lpWPUFDIsSet(4, nullptr), 0);
}

TEST_F(Upcalls, ModifyIfsHandleAcceptsOnlyOpenIfsHandles) {
  uint64_t ifs = ws2emu::sockets::CreateIfsSocket(1001);
  ASSERT_NE(ifs, 0u);
  EXPECT_EQ(t.lpWPUModifyIFSHandle(1002, ifs, &err), ifs);
  uint64_t ctx;
  {
    ws2emu::sockets::SocketRef record = ws2emu::sockets::GetSocket(ifs);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->catalog_id(), 1002u);
    EXPECT_TRUE(record->ifs());
  }
  // IFS handles have no ws2_32 context and are not ws2_32's to close.
  EXPECT_EQ(t.lpWPUQuerySocketHandleContext(ifs, &ctx, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOTSOCK);
  EXPECT_EQ(t.lpWPUCloseSocketHandle(ifs, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOTSOCK);

  SOCKET plain = t.lpWPUCreateSocketHandle(1001, 1, &err);
  for (SOCKET bad : {plain, SOCKET{0}, INVALID_SOCKET, SOCKET{0x4444}}) {
    err = 0;
    EXPECT_EQ(t.lpWPUModifyIFSHandle(1002, bad, &err), INVALID_SOCKET);
    EXPECT_EQ(err, WSAEINVAL);
  }
  EXPECT_EQ(t.lpWPUCloseSocketHandle(plain, &err), 0);
  EXPECT_TRUE(ws2emu::sockets::CloseSocket(ifs, /*ifs=*/true));
}

TEST_F(Upcalls, BlockingCallbackIsNullForWinsock2Callers) {
  LPBLOCKINGCALLBACK cb = reinterpret_cast<LPBLOCKINGCALLBACK>(0x1);
  DWORD_PTR ctx = 99;
  ASSERT_EQ(t.lpWPUQueryBlockingCallback(1001, &cb, &ctx, &err), 0);
  EXPECT_EQ(cb, nullptr);
  EXPECT_EQ(ctx, 0u);
  EXPECT_EQ(t.lpWPUQueryBlockingCallback(1001, nullptr, &ctx, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(t.lpWPUQueryBlockingCallback(1001, &cb, nullptr, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(t.lpWPUQueryBlockingCallback(0, &cb, &ctx, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
}

int g_hook_calls = 0;
INT_PTR WINAPI CountingHook(void) {
  ++g_hook_calls;
  EXPECT_TRUE(WSAIsBlocking());
  if (g_hook_calls == 3) {
    EXPECT_EQ(WSACancelBlockingCall(), 0);
  }
  return TRUE;
}

TEST_F(Upcalls, Winsock11HookRunsUntilCancelled) {
  EXPECT_FALSE(WSAIsBlocking());
  EXPECT_EQ(WSACancelBlockingCall(), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(WSASetBlockingHook(nullptr), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(WSASetBlockingHook(CountingHook), nullptr);
  LPBLOCKINGCALLBACK cb = nullptr;
  DWORD_PTR ctx = 0;
  ASSERT_EQ(t.lpWPUQueryBlockingCallback(1001, &cb, &ctx, &err), 0);
  ASSERT_NE(cb, nullptr);
  EXPECT_TRUE(cb(ctx));
  EXPECT_TRUE(cb(ctx));
  EXPECT_FALSE(cb(ctx));  // the hook cancelled on its third run
  EXPECT_EQ(g_hook_calls, 3);
  EXPECT_EQ(WSAUnhookBlockingHook(), 0);
  ASSERT_EQ(t.lpWPUQueryBlockingCallback(1001, &cb, &ctx, &err), 0);
  EXPECT_EQ(cb, nullptr);
}

TEST_F(Upcalls, GetProviderPathFailsUntilTheCatalogExists) {
  GUID id = {};
  WCHAR path[260];
  int len = 260;
  EXPECT_EQ(t.lpWPUGetProviderPath(&id, path, &len, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
}

BOOL WSPAPI RecordingPost(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  return hWnd == reinterpret_cast<HWND>(0x40) && Msg == 0x401 && wParam == 8 && lParam == 0x10001;
}

LRESULT CALLBACK PlainWndProc(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  return ws2emu_DefWindowProcW(hWnd, Msg, wParam, lParam);
}

TEST_F(Upcalls, PostMessageGoesThroughTheHostRoutine) {
  // Without a host routine, the runtime's own windows: 0x40 is none of them.
  EXPECT_FALSE(t.lpWPUPostMessage(reinterpret_cast<HWND>(0x40), 0x401, 8, 0x10001));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  WNDCLASSEXW wc = {};
  wc.cbSize = sizeof(wc);
  wc.lpfnWndProc = PlainWndProc;
  wc.lpszClassName = u"upcalls test";
  ASSERT_NE(ws2emu_RegisterClassExW(&wc), 0);
  HWND w = ws2emu_CreateWindowExW(0, u"upcalls test", nullptr, 0, 0, 0, 0, 0, HWND_MESSAGE,
                                  nullptr, nullptr, nullptr);
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(t.lpWPUPostMessage(w, 0x401, 8, 0x10001));
  MSG m;
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.hwnd, w);
  EXPECT_EQ(m.message, 0x401u);
  EXPECT_EQ(m.wParam, 8u);
  EXPECT_EQ(m.lParam, 0x10001);
  // A host routine takes precedence: the runtime's queues see nothing.
  EXPECT_EQ(WSApSetPostRoutine(RecordingPost), 0);
  EXPECT_TRUE(t.lpWPUPostMessage(reinterpret_cast<HWND>(0x40), 0x401, 8, 0x10001));
  EXPECT_FALSE(t.lpWPUPostMessage(reinterpret_cast<HWND>(0x40), 0x402, 8, 0x10001));
  EXPECT_FALSE(t.lpWPUPostMessage(w, 0x402, 8, 0x10001));
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(WSApSetPostRoutine(nullptr), 0);
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
  EXPECT_TRUE(ws2emu_UnregisterClassW(u"upcalls test", nullptr));
}

// ---- WPUCompleteOverlappedRequest -----------------------------------------------------------

TEST_F(Upcalls, CompleteWritesCountThenStatusAndLeavesOffsetsAlone) {
  SOCKET s = t.lpWPUCreateSocketHandle(1001, 1, &err);
  WSAEVENT e = t.lpWPUCreateEvent(&err);
  WSAOVERLAPPED ov = {};
  ov.Internal = WSS_OPERATION_IN_PROGRESS;
  ov.Offset = 0x11;
  ov.OffsetHigh = 0x22;
  ov.hEvent = e;
  ASSERT_EQ(WPUCompleteOverlappedRequest(s, &ov, 0, 1234, &err), 0);
  EXPECT_EQ(ov.InternalHigh, 1234u);
  EXPECT_NE(ov.Internal, static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS));
  EXPECT_EQ(ov.Offset, 0x11u);
  EXPECT_EQ(ov.OffsetHigh, 0x22u);
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);

  // A failed operation's status is kept in Internal too, never 0x103.
  WSAOVERLAPPED ov2 = {};
  ov2.Internal = WSS_OPERATION_IN_PROGRESS;
  ASSERT_EQ(WPUCompleteOverlappedRequest(s, &ov2, WSAECONNRESET, 0, &err), 0);
  EXPECT_EQ(ov2.Internal, static_cast<ULONG_PTR>(WSAECONNRESET));
  EXPECT_TRUE(t.lpWPUCloseEvent(e, &err));
  EXPECT_EQ(t.lpWPUCloseSocketHandle(s, &err), 0);
}

TEST_F(Upcalls, CompleteRejectsForeignSocketsAndChangesNothing) {
  WSAOVERLAPPED ov = {};
  ov.Internal = WSS_OPERATION_IN_PROGRESS;
  for (SOCKET bad : {SOCKET{0}, INVALID_SOCKET, SOCKET{0x888}}) {
    err = 0;
    EXPECT_EQ(WPUCompleteOverlappedRequest(bad, &ov, 0, 5, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSAEINVAL);
  }
  SOCKET s = t.lpWPUCreateSocketHandle(1001, 1, &err);
  ov.hEvent = reinterpret_cast<HANDLE>(0x7770);  // not an event
  EXPECT_EQ(WPUCompleteOverlappedRequest(s, &ov, 0, 5, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSA_INVALID_HANDLE);
  EXPECT_EQ(WPUCompleteOverlappedRequest(s, nullptr, 0, 5, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(ov.Internal, static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS));
  EXPECT_EQ(ov.InternalHigh, 0u);
  EXPECT_EQ(t.lpWPUCloseSocketHandle(s, &err), 0);
}

TEST_F(Upcalls, CompletePostsToTheAssociatedPortUnlessEventBitZeroIsSet) {
  SOCKET s = t.lpWPUCreateSocketHandle(1001, 1, &err);
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ASSERT_NE(port, nullptr);
  ASSERT_EQ(ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), port, 77, 0), port);
  // A socket can be associated with one port only.
  EXPECT_EQ(ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), port, 78, 0), nullptr);

  WSAEVENT e = t.lpWPUCreateEvent(&err);
  WSAOVERLAPPED ov = {};
  ov.hEvent = e;
  ASSERT_EQ(WPUCompleteOverlappedRequest(s, &ov, 0, 10, &err), 0);
  DWORD bytes = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED got = nullptr;
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
  EXPECT_EQ(bytes, 10u);
  EXPECT_EQ(key, 77u);
  EXPECT_EQ(got, &ov);
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);

  // Bit 0 of hEvent: the event (bit masked) is set, no packet is queued.
  EXPECT_TRUE(t.lpWPUResetEvent(e, &err));
  WSAOVERLAPPED tagged = {};
  tagged.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<uintptr_t>(e) | 1);
  ASSERT_EQ(WPUCompleteOverlappedRequest(s, &tagged, 0, 20, &err), 0);
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));

  // No event: the port alone; a failed I/O comes back as FALSE with its error.
  WSAOVERLAPPED plain = {};
  ASSERT_EQ(WPUCompleteOverlappedRequest(s, &plain, WSAECONNABORTED, 0, &err), 0);
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WSAECONNABORTED));
  EXPECT_EQ(got, &plain);

  EXPECT_TRUE(t.lpWPUCloseEvent(e, &err));
  EXPECT_EQ(t.lpWPUCloseSocketHandle(s, &err), 0);
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

}  // namespace
