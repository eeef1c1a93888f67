// Overlapped I/O of the base provider through its proc table (WSPSend / WSPRecv with an
// lpOverlapped), in the three completion modes (event, completion routine as an APC on the
// issuing thread, completion port), immediate completion, ordering, cancellation (close,
// WSPCleanup, CancelIo / CancelIoEx), WSPGetOverlappedResult, and 1,000 connections through one
// port. meson runs this suite twice: with the io_uring engine and with WS2EMU_BASE_ENGINE=epoll.
#include <sys/resource.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base_provider/overlapped.h"
#include "base_provider/socket.h"
#include "fixture.h"

#if WS2EMU_HAVE_URING
#include <liburing.h>
#ifndef IORING_SETUP_COOP_TASKRUN
#define IORING_SETUP_COOP_TASKRUN (1U << 8)  // as in overlapped.cc: liburing before 2.2
#endif
#endif

namespace {

using bp_test::BaseProviderTest;
using ws2emu::base_provider::CancelIo;
using ws2emu::base_provider::EngineName;

constexpr DWORD kGuard = 20000;  // ms: a failure guard only, never a timing assertion

class Overlapped : public BaseProviderTest, public ::testing::WithParamInterface<int> {
 protected:
  int family() const { return GetParam(); }

  int Recv(SOCKET s, WSABUF *b, WSAOVERLAPPED *ov, int *error, DWORD *got = nullptr,
           DWORD *flags_out = nullptr) {
    DWORD flags = 0;
    DWORD n = 0;
    const int r = procs_.lpWSPRecv(s, b, 1, &n, &flags, ov, nullptr, nullptr, error);
    if (got != nullptr) *got = n;
    if (flags_out != nullptr) *flags_out = flags;
    return r;
  }
  int Send(SOCKET s, WSABUF *b, WSAOVERLAPPED *ov, int *error) {
    DWORD n = 0;
    return procs_.lpWSPSend(s, b, 1, &n, 0, ov, nullptr, nullptr, error);
  }
  // Arms an overlapped receive on `s` from a new thread, which then runs `busy` until the main
  // thread calls `release`; sends `data` on `c` meanwhile and checks that the receive completes
  // with it.
  void CompleteWhileTheArmerIsBusy(SOCKET c, SOCKET s, const std::string &data,
                                   const std::function<void()> &busy,
                                   const std::function<void()> &release) {
    WSAEVENT event = WSACreateEvent();
    char buffer[64];
    WSABUF b = {sizeof(buffer), buffer};
    WSAOVERLAPPED ov = {};
    ov.hEvent = event;
    std::atomic<bool> armed{false};
    std::atomic<int> armed_error{0};
    std::thread armer([&] {
      int error = 0;
      if (Recv(s, &b, &ov, &error) != SOCKET_ERROR) error = 0;
      armed_error.store(error);
      armed.store(true);
      busy();
    });
    while (!armed.load()) std::this_thread::yield();
    SendAll(c, data);
    const DWORD waited = WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE);
    release();
    armer.join();
    EXPECT_EQ(armed_error.load(), WSA_IO_PENDING);
    ASSERT_EQ(waited, WAIT_OBJECT_0);
    DWORD bytes = 0, flags = 0;
    int error = 0;
    ASSERT_TRUE(procs_.lpWSPGetOverlappedResult(s, &ov, &bytes, FALSE, &flags, &error)) << error;
    EXPECT_EQ(std::string(buffer, bytes), data);
    WSACloseEvent(event);
  }
  HANDLE Port(SOCKET s, ULONG_PTR key) {
    HANDLE port = ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, key, 0);
    EXPECT_NE(port, nullptr);
    return port;
  }
};

INSTANTIATE_TEST_SUITE_P(Families, Overlapped, ::testing::Values(WS_AF_INET, WS_AF_INET6),
                         [](const auto &info) { return info.param == WS_AF_INET ? "v4" : "v6"; });

TEST_P(Overlapped, EngineIsTheOneAskedFor) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  char buffer[4];
  WSABUF b = {sizeof(buffer), buffer};
  WSAOVERLAPPED ov = {};
  int error = 0;
  ASSERT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR);
  ASSERT_EQ(error, WSA_IO_PENDING);
  const char *wanted = getenv("WS2EMU_BASE_ENGINE");
  const bool forced_epoll = wanted != nullptr && std::string(wanted) == "epoll";
  // Without liburing (a -During=disabled build) or where the kernel refuses a ring (seccomp,
  // old kernel), the engine is epoll whatever is asked.
#if WS2EMU_HAVE_URING
  io_uring ring;
  const bool uring = io_uring_queue_init(2, &ring, 0) == 0;
  if (uring) io_uring_queue_exit(&ring);
#else
  const bool uring = false;
#endif
  const std::string expected = !forced_epoll && uring ? "io_uring" : "epoll";
  EXPECT_EQ(std::string(EngineName()), expected);
  // The ring defers a poll's task work to the thread's next entry to the kernel wherever the
  // kernel takes IORING_SETUP_COOP_TASKRUN (5.19), unless WS2EMU_BASE_RING_IPI=1 asks for the
  // default.
  bool coop = false;
#if WS2EMU_HAVE_URING
  if (!forced_epoll && uring) {
    const bool coop_ok = io_uring_queue_init(2, &ring, IORING_SETUP_COOP_TASKRUN) == 0;
    if (coop_ok) io_uring_queue_exit(&ring);
    const char *ipi = getenv("WS2EMU_BASE_RING_IPI");
    coop = coop_ok && (ipi == nullptr || std::string(ipi) != "1");
  }
#endif
  EXPECT_EQ(ws2emu::base_provider::RingDefersTaskWork(), coop);
  Close(c);
  Close(s);
}

// A receive's poll that then wakes the engine for nothing (the data is read by blocking
// receives, no overlapped receive waits) is removed after two such wakes (io_uring); the next
// overlapped receive that has to wait arms a new one and completes. Many rounds, so that the
// removal races the next receive's arming.
TEST_P(Overlapped, APollRemovedAfterWastedWakesIsArmedAgain) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  WSAEVENT event = WSACreateEvent();
  const uint64_t removals_before = ws2emu::base_provider::IdlePollRemovals();
  for (int round = 0; round < 200; ++round) {
    char buffer[8];
    WSABUF b = {sizeof(buffer), buffer};
    WSAOVERLAPPED ov = {};
    ov.hEvent = event;
    int error = 0;
    ASSERT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR) << round;
    ASSERT_EQ(error, WSA_IO_PENDING) << round;
    SendAll(c, "o");
    ASSERT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE), WAIT_OBJECT_0) << round;
    DWORD bytes = 0, flags = 0;
    ASSERT_TRUE(procs_.lpWSPGetOverlappedResult(s, &ov, &bytes, FALSE, &flags, &error)) << error;
    ASSERT_EQ(std::string(buffer, bytes), "o") << round;
    WSAResetEvent(event);
    for (int wasted = 0; wasted < 3; ++wasted) {
      SendAll(c, "w");
      char one;
      WSABUF ob = {1, &one};
      DWORD got = 0, f = 0;
      ASSERT_EQ(procs_.lpWSPRecv(s, &ob, 1, &got, &f, nullptr, nullptr, nullptr, &error), 0)
          << error;
      ASSERT_EQ(got, 1u);
      ASSERT_EQ(one, 'w');
    }
  }
  if (std::string(EngineName()) == "io_uring") {
    EXPECT_GT(ws2emu::base_provider::IdlePollRemovals(), removals_before);
  }
  WSACloseEvent(event);
  Close(c);
  Close(s);
}

// The thread that armed a receive's poll computes without a syscall while the data arrives:
// with the ring's task work deferred (IORING_SETUP_COOP_TASKRUN) the kernel does not interrupt
// it for the poll, but runs the task work at its next tick, so the completion still comes.
// And a thread that armed one and sleeps in a wait of its own (a futex, interruptible) is woken
// for the task work and sleeps on.
TEST_P(Overlapped, ACompletionComesWhileTheArmingThreadComputesOrSleeps) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  std::atomic<bool> stop{false};
  CompleteWhileTheArmerIsBusy(
      c, s, "spin",
      [&] {
        while (!stop.load(std::memory_order_acquire)) {
        }
      },
      [&] { stop.store(true, std::memory_order_release); });
  WSAEVENT wake = WSACreateEvent();
  CompleteWhileTheArmerIsBusy(
      c, s, "nap", [&] { WSAWaitForMultipleEvents(1, &wake, FALSE, kGuard, FALSE); },
      [&] { WSASetEvent(wake); });
  WSACloseEvent(wake);
  Close(c);
  Close(s);
}

TEST_P(Overlapped, EventCompletionOfAPendingReceive) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  WSAEVENT event = WSACreateEvent();
  char buffer[64];
  WSABUF b = {sizeof(buffer), buffer};
  WSAOVERLAPPED ov = {};
  ov.hEvent = event;
  int error = 0;
  ASSERT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR);
  ASSERT_EQ(error, WSA_IO_PENDING);
  EXPECT_EQ(ov.Internal, static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS));
  DWORD bytes = 0, flags = 0;
  EXPECT_FALSE(procs_.lpWSPGetOverlappedResult(s, &ov, &bytes, FALSE, &flags, &error));
  EXPECT_EQ(error, WSA_IO_INCOMPLETE);
  SendAll(c, "hello");
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE), WAIT_OBJECT_0);
  ASSERT_TRUE(procs_.lpWSPGetOverlappedResult(s, &ov, &bytes, FALSE, &flags, &error)) << error;
  EXPECT_EQ(bytes, 5u);
  EXPECT_EQ(flags, 0u);
  EXPECT_EQ(std::string(buffer, 5), "hello");
  WSACloseEvent(event);
  Close(c);
  Close(s);
}

TEST_P(Overlapped, ImmediateCompletionIsStillDelivered) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  HANDLE port = Port(s, 77);
  SendAll(c, "abc");
  // Wait until the bytes are there (a blocking peek), so the receive completes at once.
  char peek[3];
  WSABUF pb = {sizeof(peek), peek};
  DWORD got = 0, flags = WS_MSG_PEEK;
  int error = 0;
  ASSERT_EQ(procs_.lpWSPRecv(s, &pb, 1, &got, &flags, nullptr, nullptr, nullptr, &error), 0);
  char buffer[3];
  WSABUF b = {sizeof(buffer), buffer};
  WSAOVERLAPPED ov = {};
  ASSERT_EQ(Recv(s, &b, &ov, &error, &got), 0) << error;
  EXPECT_EQ(got, 3u);
  DWORD bytes = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED done = nullptr;
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard));
  EXPECT_EQ(done, &ov);
  EXPECT_EQ(key, 77u);
  EXPECT_EQ(bytes, 3u);
  // An immediate send too, with an event.
  WSAEVENT event = WSACreateEvent();
  WSAOVERLAPPED sov = {};
  sov.hEvent = event;
  WSABUF sb = {3, const_cast<char *>("xyz")};
  ASSERT_EQ(Send(c, &sb, &sov, &error), 0) << error;
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(sov.InternalHigh, 3u);
  EXPECT_EQ(sov.Internal, 0u);
  WSACloseEvent(event);
  Close(c);
  Close(s);
  ws2emu_CloseHandle(port);
}

TEST_P(Overlapped, PortCompletionWithTheLowBitRule) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  HANDLE port = Port(s, 5);
  char b1[8], b2[8];
  WSABUF w1 = {sizeof(b1), b1}, w2 = {sizeof(b2), b2};
  WSAOVERLAPPED o1 = {}, o2 = {};
  WSAEVENT event = WSACreateEvent();
  // o2's event has its low bit set: the event is signalled, the port gets nothing.
  o2.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<uintptr_t>(event) | 1);
  int error = 0;
  ASSERT_EQ(Recv(s, &w1, &o1, &error), SOCKET_ERROR);
  ASSERT_EQ(error, WSA_IO_PENDING);
  ASSERT_EQ(Recv(s, &w2, &o2, &error), SOCKET_ERROR);
  ASSERT_EQ(error, WSA_IO_PENDING);
  SendAll(c, "12345678");
  DWORD bytes = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED done = nullptr;
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard));
  EXPECT_EQ(done, &o1);
  EXPECT_EQ(key, 5u);
  SendAll(c, "abc");
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(o2.InternalHigh, 3u);
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, 0));
  WSACloseEvent(event);
  Close(c);
  Close(s);
  ws2emu_CloseHandle(port);
}

struct RoutineLog {
  std::atomic<int> calls{0};
  DWORD error = 0, bytes = 0, flags = 0;
  LPWSAOVERLAPPED overlapped = nullptr;
  DWORD thread = 0;
};
RoutineLog g_routine;

void CALLBACK Routine(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
  g_routine.error = error;
  g_routine.bytes = bytes;
  g_routine.overlapped = ov;
  g_routine.flags = flags;
  g_routine.thread = ws2emu_GetCurrentThreadId();
  g_routine.calls.fetch_add(1);
}

TEST_P(Overlapped, RoutineRunsAsAnApcInTheIssuersAlertableWait) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  HANDLE port = Port(s, 9);
  g_routine.calls = 0;
  char buffer[16];
  WSABUF b = {sizeof(buffer), buffer};
  WSAOVERLAPPED ov = {};
  ov.hEvent = reinterpret_cast<HANDLE>(0x1234560);  // the caller's context with a routine
  WSATHREADID thread;
  int error = 0;
  ASSERT_EQ(ws2emu_upcall_table()->lpWPUOpenCurrentThread(&thread, &error), 0);
  DWORD got = 0, flags = 0;
  ASSERT_EQ(procs_.lpWSPRecv(s, &b, 1, &got, &flags, &ov, Routine, &thread, &error),
            SOCKET_ERROR);
  ASSERT_EQ(error, WSA_IO_PENDING);
  SendAll(c, "routine");
  // Completed, but the routine waits for an alertable wait of this thread.
  DWORD bytes = 0;
  ASSERT_TRUE(procs_.lpWSPGetOverlappedResult(s, &ov, &bytes, TRUE, &flags, &error)) << error;
  EXPECT_EQ(g_routine.calls.load(), 0);
  EXPECT_EQ(ws2emu_SleepEx(kGuard, TRUE), WAIT_IO_COMPLETION);
  EXPECT_EQ(g_routine.calls.load(), 1);
  EXPECT_EQ(g_routine.error, 0u);
  EXPECT_EQ(g_routine.bytes, 7u);
  EXPECT_EQ(g_routine.overlapped, &ov);
  EXPECT_EQ(g_routine.thread, ws2emu_GetCurrentThreadId());
  EXPECT_EQ(ov.hEvent, reinterpret_cast<HANDLE>(0x1234560));  // untouched
  // A routine's completion does not go to the port.
  ULONG_PTR key;
  LPOVERLAPPED done;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, 0));
  ws2emu_upcall_table()->lpWPUCloseThread(&thread, &error);
  Close(c);
  Close(s);
  ws2emu_CloseHandle(port);
}

TEST_P(Overlapped, ManySendsCompleteInOrderAndArriveInOrder) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  HANDLE port = Port(c, 1);
  constexpr int kSends = 200;
  constexpr size_t kSize = 16384;  // enough to fill the socket buffers and queue
  std::vector<std::string> data(kSends);
  std::vector<WSAOVERLAPPED> ovs(kSends);
  std::string expected;
  for (int i = 0; i < kSends; ++i) {
    data[i].assign(kSize, static_cast<char>('A' + i % 26));
    data[i][0] = static_cast<char>(i);
    expected += data[i];
    std::memset(&ovs[i], 0, sizeof(ovs[i]));
    WSABUF b = {static_cast<ULONG>(kSize), data[i].data()};
    int error = 0;
    const int r = Send(c, &b, &ovs[i], &error);
    ASSERT_TRUE(r == 0 || error == WSA_IO_PENDING) << error;
  }
  std::string received;
  std::thread reader([&] { received = ReceiveExactly(s, expected.size()); });
  for (int i = 0; i < kSends; ++i) {
    DWORD bytes = 0;
    ULONG_PTR key;
    LPOVERLAPPED done = nullptr;
    ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard));
    EXPECT_EQ(done, &ovs[i]) << i;  // completions in issue order
    EXPECT_EQ(bytes, kSize);
  }
  reader.join();
  EXPECT_TRUE(received == expected);
  Close(c);
  Close(s);
  ws2emu_CloseHandle(port);
}

TEST_P(Overlapped, OneMebibyteSendCompletesOnlyWhenAllIsSent) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  {
    // Small kernel buffers (below the provider; SO_SNDBUF is the options worker's), so that a
    // mebibyte cannot fit: loopback's autotuned buffers would take it all at once.
    const int small = 32768;
    ws2emu::base_provider::SocketCall sender(c, nullptr), receiver(s, nullptr);
    ASSERT_EQ(setsockopt(sender->fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
    ASSERT_EQ(setsockopt(receiver->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
  }
  std::string data(1 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + (i >> 12));
  WSAEVENT event = WSACreateEvent();
  WSAOVERLAPPED ov = {};
  ov.hEvent = event;
  WSABUF b = {static_cast<ULONG>(data.size()), data.data()};
  int error = 0;
  const int r = Send(c, &b, &ov, &error);
  ASSERT_EQ(r, SOCKET_ERROR);  // more than any loopback socket buffer holds
  ASSERT_EQ(error, WSA_IO_PENDING);
  // A slow reader: small reads, checking the send stays pending until the end.
  std::string received;
  while (received.size() < data.size()) {
    if (received.size() < data.size() / 2) {
      EXPECT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
    }
    received += ReceiveExactly(s, std::min<size_t>(4096, data.size() - received.size()));
  }
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE), WAIT_OBJECT_0);
  DWORD bytes = 0, flags = 0;
  ASSERT_TRUE(procs_.lpWSPGetOverlappedResult(c, &ov, &bytes, FALSE, &flags, &error));
  EXPECT_EQ(bytes, data.size());
  EXPECT_TRUE(received == data);
  WSACloseEvent(event);
  Close(c);
  Close(s);
}

TEST_P(Overlapped, CloseAbortsEveryPendingOperationExactlyOnce) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  HANDLE port = Port(s, 3);
  char buffers[3][8];
  WSAOVERLAPPED ovs[3] = {};
  int error = 0;
  for (int i = 0; i < 3; ++i) {
    WSABUF b = {8, buffers[i]};
    ASSERT_EQ(Recv(s, &b, &ovs[i], &error), SOCKET_ERROR);
    ASSERT_EQ(error, WSA_IO_PENDING);
  }
  Close(s);
  for (int i = 0; i < 3; ++i) {
    DWORD bytes = 1;
    ULONG_PTR key = 0;
    LPOVERLAPPED done = nullptr;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WSA_OPERATION_ABORTED));
    EXPECT_EQ(done, &ovs[i]);
    EXPECT_EQ(key, 3u);
    EXPECT_EQ(bytes, 0u);
    EXPECT_EQ(ovs[i].Internal, static_cast<ULONG_PTR>(WSA_OPERATION_ABORTED));
  }
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED done;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, 0));
  EXPECT_EQ(done, nullptr);  // nothing more: each exactly once
  // The socket is gone: its handle no longer answers.
  DWORD flags;
  EXPECT_FALSE(procs_.lpWSPGetOverlappedResult(s, &ovs[0], &bytes, FALSE, &flags, &error));
  EXPECT_EQ(error, WSAENOTSOCK);
  Close(c);
  ws2emu_CloseHandle(port);
}

TEST_P(Overlapped, CleanupWithPendingOperationsDeliversNothing) {
  // A second start of its own, so that the fixture's stays.
  WSAPROTOCOL_INFOW tcp = bp_test::Entry(family(), WS_SOCK_STREAM);
  WSPDATA data;
  WSPPROC_TABLE procs;
  ASSERT_EQ(ws2emu::base_provider::WSPStartup(0x0202, &data, &tcp, *ws2emu_upcall_table(), &procs),
            0);
  SOCKET c, s;
  Pair(family(), &c, &s);
  WSAEVENT event = WSACreateEvent();
  char buffer[8];
  WSABUF b = {8, buffer};
  WSAOVERLAPPED ov = {};
  ov.hEvent = event;
  int error = 0;
  ASSERT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR);
  ASSERT_EQ(error, WSA_IO_PENDING);
  EXPECT_EQ(procs.lpWSPCleanup(&error), 0);   // one start left: nothing happens
  EXPECT_EQ(procs_.lpWSPCleanup(&error), 0);  // the last: closes everything, delivers nothing
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
  EXPECT_EQ(ov.Internal, static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS));
  WSACloseEvent(event);
  // TearDown's WSPCleanup needs a start.
  ASSERT_EQ(ws2emu::base_provider::WSPStartup(0x0202, &data_, &tcp, *ws2emu_upcall_table(),
                                              &procs_),
            0);
}

TEST_P(Overlapped, CancelIoCancelsThisThreadsOperationsAndCancelIoExOneOrAll) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  HANDLE port = Port(s, 4);
  char buffers[3][8];
  WSAOVERLAPPED mine = {}, theirs = {}, third = {};
  int error = 0;
  WSABUF b0 = {8, buffers[0]}, b1 = {8, buffers[1]}, b2 = {8, buffers[2]};
  ASSERT_EQ(Recv(s, &b0, &mine, &error), SOCKET_ERROR);
  std::thread other([&] {
    int e = 0;
    EXPECT_EQ(Recv(s, &b1, &theirs, &e), SOCKET_ERROR);
    EXPECT_EQ(e, WSA_IO_PENDING);
  });
  other.join();
  ASSERT_EQ(Recv(s, &b2, &third, &error), SOCKET_ERROR);
  // CancelIoEx(h, &ov) of an operation not pending: ERROR_NOT_FOUND.
  WSAOVERLAPPED none = {};
  EXPECT_EQ(CancelIo(s, &none, true), 1168u);
  EXPECT_EQ(CancelIo(c, nullptr, true), 1168u);  // nothing pending on c
  EXPECT_EQ(CancelIo(c, nullptr, false), 0u);    // CancelIo with nothing to do succeeds
  EXPECT_EQ(CancelIo(static_cast<SOCKET>(0x7ffff0), nullptr, true), 6u);
  // CancelIo: this thread's two, not the other thread's.
  EXPECT_EQ(CancelIo(s, nullptr, false), 0u);
  std::vector<LPOVERLAPPED> aborted;
  for (int i = 0; i < 2; ++i) {
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED done = nullptr;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WSA_OPERATION_ABORTED));
    aborted.push_back(done);
  }
  EXPECT_EQ(aborted[0], &mine);
  EXPECT_EQ(aborted[1], &third);
  EXPECT_EQ(theirs.Internal, static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS));
  // CancelIoEx with the other thread's OVERLAPPED.
  EXPECT_EQ(CancelIo(s, &theirs, true), 0u);
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED done = nullptr;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard));
  EXPECT_EQ(done, &theirs);
  // The socket still works.
  char buffer[4];
  WSABUF b = {4, buffer};
  WSAOVERLAPPED ov = {};
  ASSERT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR);
  SendAll(c, "ok!!");
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard));
  EXPECT_EQ(done, &ov);
  EXPECT_EQ(std::string(buffer, 4), "ok!!");
  Close(c);
  Close(s);
  ws2emu_CloseHandle(port);
}

TEST_P(Overlapped, GetOverlappedResultWaitsAndChecksItsArguments) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  char buffer[8];
  WSABUF b = {8, buffer};
  WSAOVERLAPPED ov = {};  // no event: the wait is on the operation itself
  int error = 0;
  ASSERT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR);
  DWORD bytes = 0, flags = 0;
  EXPECT_FALSE(procs_.lpWSPGetOverlappedResult(s, nullptr, &bytes, FALSE, &flags, &error));
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_FALSE(procs_.lpWSPGetOverlappedResult(s, &ov, nullptr, FALSE, &flags, &error));
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_FALSE(procs_.lpWSPGetOverlappedResult(s, &ov, &bytes, FALSE, nullptr, &error));
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_FALSE(procs_.lpWSPGetOverlappedResult(static_cast<SOCKET>(0x7ffff0), &ov, &bytes, FALSE,
                                               &flags, &error));
  EXPECT_EQ(error, WSAENOTSOCK);
  std::thread sender([&] { SendAll(c, "late"); });
  ASSERT_TRUE(procs_.lpWSPGetOverlappedResult(s, &ov, &bytes, TRUE, &flags, &error)) << error;
  sender.join();
  EXPECT_EQ(bytes, 4u);
  // A failed operation: its error comes back as *lpErrno.
  WSAOVERLAPPED ov2 = {};
  ASSERT_EQ(Recv(s, &b, &ov2, &error), SOCKET_ERROR);
  EXPECT_EQ(CancelIo(s, &ov2, true), 0u);
  EXPECT_FALSE(procs_.lpWSPGetOverlappedResult(s, &ov2, &bytes, TRUE, &flags, &error));
  EXPECT_EQ(error, WSA_OPERATION_ABORTED);
  Close(c);
  Close(s);
}

TEST_P(Overlapped, AnEventThatIsNoEventIsRefused) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  char buffer[8];
  WSABUF b = {8, buffer};
  WSAOVERLAPPED ov = {};
  ov.hEvent = reinterpret_cast<HANDLE>(0x7fff00);
  int error = 0;
  EXPECT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSA_INVALID_HANDLE);
  Close(c);
  Close(s);
}

TEST_P(Overlapped, ZeroByteReceiveCompletesWhenDataArrivesAndTakesNone) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  HANDLE port = Port(s, 1);
  WSABUF b = {0, nullptr};
  WSAOVERLAPPED ov = {};
  int error = 0;
  ASSERT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR);
  ASSERT_EQ(error, WSA_IO_PENDING);
  SendAll(c, "zz");
  DWORD bytes = 9;
  ULONG_PTR key;
  LPOVERLAPPED done;
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard));
  EXPECT_EQ(bytes, 0u);
  EXPECT_EQ(ReceiveExactly(s, 2), "zz");
  Close(c);
  Close(s);
  ws2emu_CloseHandle(port);
}

TEST_P(Overlapped, TruncatedDatagramIsMsgSizeWithPartialAndTheSourceAddress) {
  SOCKET a = Socket(family(), WS_SOCK_DGRAM);
  SOCKET r = Socket(family(), WS_SOCK_DGRAM);
  WS_sockaddr_in6 address;
  const int size = BindLoopback(family(), r, &address);
  int error = 0;
  WSAEVENT event = WSACreateEvent();
  char buffer[4];
  WSABUF b = {4, buffer};
  WSAOVERLAPPED ov = {};
  ov.hEvent = event;
  WS_sockaddr_in6 from;
  int from_length = sizeof(from);
  DWORD got = 0, flags = 0;
  ASSERT_EQ(procs_.lpWSPRecvFrom(r, &b, 1, &got, &flags, reinterpret_cast<WS_sockaddr *>(&from),
                                 &from_length, &ov, nullptr, nullptr, &error),
            SOCKET_ERROR);
  ASSERT_EQ(error, WSA_IO_PENDING);
  WSABUF sb = {10, const_cast<char *>("0123456789")};
  DWORD sent;
  ASSERT_EQ(procs_.lpWSPSendTo(a, &sb, 1, &sent, 0, reinterpret_cast<WS_sockaddr *>(&address),
                               size, nullptr, nullptr, nullptr, &error),
            0)
      << error;
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE), WAIT_OBJECT_0);
  DWORD bytes = 0;
  EXPECT_FALSE(procs_.lpWSPGetOverlappedResult(r, &ov, &bytes, FALSE, &flags, &error));
  EXPECT_EQ(error, WSAEMSGSIZE);
  EXPECT_EQ(bytes, 4u);
  EXPECT_EQ(flags & WS_MSG_PARTIAL, static_cast<DWORD>(WS_MSG_PARTIAL));
  EXPECT_EQ(std::string(buffer, 4), "0123");
  EXPECT_EQ(from.sin6_family, family());
  EXPECT_EQ(from_length, family() == WS_AF_INET ? 16 : 28);
  WS_sockaddr_in6 sender;
  int sender_length = sizeof(sender);
  ASSERT_EQ(procs_.lpWSPGetSockName(a, reinterpret_cast<WS_sockaddr *>(&sender), &sender_length,
                                    &error),
            0);
  EXPECT_EQ(from.sin6_port, sender.sin6_port);
  WSACloseEvent(event);
  Close(a);
  Close(r);
}

TEST_P(Overlapped, CompleteNowDeliversInEveryMode) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  ws2emu::base_provider::SocketCall call(s, nullptr);
  ASSERT_TRUE(call);
  // Event.
  WSAEVENT event = WSACreateEvent();
  WSAOVERLAPPED ov = {};
  ov.hEvent = event;
  EXPECT_EQ(ws2emu::base_provider::CompleteNow(call, &ov, nullptr, nullptr, 0, 12, 0), 0);
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE), WAIT_OBJECT_0);
  DWORD bytes = 0, flags = 0;
  int error = 0;
  EXPECT_TRUE(procs_.lpWSPGetOverlappedResult(s, &ov, &bytes, FALSE, &flags, &error));
  EXPECT_EQ(bytes, 12u);
  // Port, with an error.
  HANDLE port = Port(s, 8);
  WSAOVERLAPPED ov2 = {};
  EXPECT_EQ(ws2emu::base_provider::CompleteNow(call, &ov2, nullptr, nullptr, WSAENOTCONN, 0, 0), 0);
  ULONG_PTR key;
  LPOVERLAPPED done = nullptr;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard));
  EXPECT_EQ(done, &ov2);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WSAENOTCONN));
  EXPECT_FALSE(procs_.lpWSPGetOverlappedResult(s, &ov2, &bytes, FALSE, &flags, &error));
  EXPECT_EQ(error, WSAENOTCONN);
  // Routine.
  g_routine.calls = 0;
  WSATHREADID thread;
  ASSERT_EQ(ws2emu_upcall_table()->lpWPUOpenCurrentThread(&thread, &error), 0);
  WSAOVERLAPPED ov3 = {};
  EXPECT_EQ(ws2emu::base_provider::CompleteNow(call, &ov3, Routine, &thread, 0, 5, WS_MSG_PARTIAL),
            0);
  EXPECT_EQ(ws2emu_SleepEx(kGuard, TRUE), WAIT_IO_COMPLETION);
  EXPECT_EQ(g_routine.calls.load(), 1);
  EXPECT_EQ(g_routine.bytes, 5u);
  EXPECT_EQ(g_routine.flags, static_cast<DWORD>(WS_MSG_PARTIAL));
  ws2emu_upcall_table()->lpWPUCloseThread(&thread, &error);
  // Null OVERLAPPED / an event that is none.
  EXPECT_EQ(ws2emu::base_provider::CompleteNow(call, nullptr, nullptr, nullptr, 0, 0, 0), WSAEFAULT);
  WSAOVERLAPPED ov4 = {};
  ov4.hEvent = reinterpret_cast<HANDLE>(0x7fff00);
  EXPECT_EQ(ws2emu::base_provider::CompleteNow(call, &ov4, nullptr, nullptr, 0, 0, 0),
            WSA_INVALID_HANDLE);
  WSACloseEvent(event);
  ws2emu_CloseHandle(port);
  Close(c);
  Close(s);
}

TEST_P(Overlapped, GetOverlappedResultWaitsOnTheEvent) {
  SOCKET c, s;
  Pair(family(), &c, &s);
  WSAEVENT event = WSACreateEvent();
  char buffer[8];
  WSABUF b = {8, buffer};
  WSAOVERLAPPED ov = {};
  ov.hEvent = event;
  int error = 0;
  ASSERT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR);
  std::thread sender([&] { SendAll(c, "evt"); });
  DWORD bytes = 0, flags = 0;
  ASSERT_TRUE(procs_.lpWSPGetOverlappedResult(s, &ov, &bytes, TRUE, &flags, &error)) << error;
  sender.join();
  EXPECT_EQ(bytes, 3u);
  WSACloseEvent(event);
  Close(c);
  Close(s);
}

TEST_P(Overlapped, TheEngineSaysWhichItIsUnderDebug) {
  // The engine starts at the first operation that waits, after each last WSPCleanup.
  setenv("WS2EMU_DEBUG", "1", 1);
  ::testing::internal::CaptureStderr();
  SOCKET c, s;
  Pair(family(), &c, &s);
  char buffer[4];
  WSABUF b = {4, buffer};
  WSAOVERLAPPED ov = {};
  int error = 0;
  ASSERT_EQ(Recv(s, &b, &ov, &error), SOCKET_ERROR);
  const std::string log = ::testing::internal::GetCapturedStderr();
  unsetenv("WS2EMU_DEBUG");
  if (std::string(EngineName()) == "epoll") {
    EXPECT_NE(log.find("overlapped I/O uses epoll"), std::string::npos) << log;
  } else {
    EXPECT_EQ(log.find("epoll"), std::string::npos) << log;
  }
  Close(c);
  Close(s);
}

// 1,000 connections through one completion port, each echoing a distinct message; every byte
// is counted exactly.
TEST_P(Overlapped, AThousandConnectionsThroughOnePort) {
  constexpr int kConnections = 1000;
  rlimit limit;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  const rlim_t needed = 2 * kConnections + 200;
  if (limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = std::min<rlim_t>(needed, limit.rlim_max);
    if (raised.rlim_cur < needed || setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      GTEST_SKIP() << "RLIMIT_NOFILE cannot be raised to " << needed;
    }
  }
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ASSERT_NE(port, nullptr);
  struct Conn {
    SOCKET client, server;
    std::string message;
    char buffer[64];
    WSAOVERLAPPED send_ov, recv_ov;
  };
  std::vector<Conn> conns(kConnections);
  int error = 0;
  for (int i = 0; i < kConnections; ++i) {
    Conn &k = conns[i];
    k.client = Socket(family(), WS_SOCK_STREAM);
    ASSERT_EQ(procs_.lpWSPConnect(k.client, reinterpret_cast<WS_sockaddr *>(&address), length,
                                  nullptr, nullptr, nullptr, nullptr, &error),
              0)
        << i << " " << error;
    k.server = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
    ASSERT_NE(k.server, INVALID_SOCKET) << error;
    ASSERT_EQ(ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(k.server), port,
                                            static_cast<ULONG_PTR>(i), 0),
              port);
    k.message = "message number " + std::to_string(i * 7919);
    std::memset(&k.recv_ov, 0, sizeof(k.recv_ov));
    WSABUF b = {sizeof(k.buffer), k.buffer};
    DWORD got = 0, flags = 0;
    ASSERT_EQ(procs_.lpWSPRecv(k.server, &b, 1, &got, &flags, &k.recv_ov, nullptr, nullptr,
                               &error),
              SOCKET_ERROR);
    ASSERT_EQ(error, WSA_IO_PENDING);
  }
  Close(listener);
  size_t expected_bytes = 0;
  for (Conn &k : conns) {
    std::memset(&k.send_ov, 0, sizeof(k.send_ov));
    WSABUF b = {static_cast<ULONG>(k.message.size()), k.message.data()};
    DWORD sent = 0;
    const int r = procs_.lpWSPSend(k.client, &b, 1, &sent, 0, &k.send_ov, nullptr, nullptr, &error);
    ASSERT_TRUE(r == 0 || error == WSA_IO_PENDING);
    expected_bytes += k.message.size();
  }
  size_t total = 0;
  std::vector<int> seen(kConnections, 0);
  for (int n = 0; n < kConnections; ++n) {
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED done = nullptr;
    ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, kGuard)) << n;
    ASSERT_LT(key, static_cast<ULONG_PTR>(kConnections));
    Conn &k = conns[key];
    EXPECT_EQ(done, &k.recv_ov);
    EXPECT_EQ(std::string(k.buffer, bytes), k.message);
    ++seen[key];
    total += bytes;
  }
  EXPECT_EQ(total, expected_bytes);
  for (int i = 0; i < kConnections; ++i) EXPECT_EQ(seen[i], 1) << i;
  for (Conn &k : conns) {
    Close(k.client);
    Close(k.server);
  }
  ws2emu_CloseHandle(port);
}

}  // namespace
