// Events and waits: WSAWaitForMultipleEvents / WaitForMultipleObjectsEx return values, wait-all,
// auto-reset events, argument errors, resource exhaustion; completion ports.
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "ws2emu/ws2emu.h"

namespace {

VOID WINAPI NoopApc(ULONG_PTR) {}

TEST(Wait, ReturnsTheLowestSignaledIndex) {
  std::vector<WSAEVENT> events(64);
  for (auto &e : events) e = WSACreateEvent();
  EXPECT_EQ(WSAWaitForMultipleEvents(64, events.data(), FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
  WSASetEvent(events[63]);
  EXPECT_EQ(WSAWaitForMultipleEvents(64, events.data(), FALSE, 0, FALSE), WSA_WAIT_EVENT_0 + 63);
  WSASetEvent(events[5]);
  EXPECT_EQ(WSAWaitForMultipleEvents(64, events.data(), FALSE, 0, FALSE), WSA_WAIT_EVENT_0 + 5);
  for (auto e : events) WSACloseEvent(e);
}

TEST(Wait, WaitAllNeedsEveryObject) {
  WSAEVENT e[2] = {WSACreateEvent(), WSACreateEvent()};
  WSASetEvent(e[0]);
  EXPECT_EQ(WSAWaitForMultipleEvents(2, e, TRUE, 20, FALSE), WSA_WAIT_TIMEOUT);
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    WSASetEvent(e[1]);
  });
  EXPECT_EQ(WSAWaitForMultipleEvents(2, e, TRUE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0);
  setter.join();
  WSACloseEvent(e[0]);
  WSACloseEvent(e[1]);
}

TEST(Wait, BlockedWaiterWakesWhenAnotherThreadSets) {
  WSAEVENT e = WSACreateEvent();
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    WSASetEvent(e);
  });
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 5000, FALSE), WSA_WAIT_EVENT_0);
  setter.join();
  WSACloseEvent(e);
}

TEST(Wait, AutoResetEventReleasesOneWait) {
  HANDLE e = ws2emu_CreateEventW(nullptr, FALSE, TRUE, nullptr);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_SetEvent(e));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  EXPECT_FALSE(ws2emu_CloseHandle(e));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(Wait, BadArgumentsFailWithTheDocumentedErrors) {
  WSAEVENT e = WSACreateEvent();
  WSAEVENT many[65];
  for (auto &m : many) m = e;
  EXPECT_EQ(WSAWaitForMultipleEvents(0, &e, FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_PARAMETER);
  EXPECT_EQ(WSAWaitForMultipleEvents(65, many, FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_PARAMETER);
  EXPECT_EQ(WSAWaitForMultipleEvents(1, nullptr, FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WSAEVENT bad[2] = {e, reinterpret_cast<WSAEVENT>(0x5550)};
  EXPECT_EQ(WSAWaitForMultipleEvents(2, bad, FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
  EXPECT_FALSE(WSASetEvent(reinterpret_cast<WSAEVENT>(0x5550)));
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
  WSACloseEvent(e);
  EXPECT_FALSE(WSACloseEvent(e));
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
}

TEST(Wait, EventCreationFailsCleanlyWhenFileDescriptorsRunOut) {
  WSAEVENT kept = WSACreateEvent();
  rlimit old;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  std::vector<WSAEVENT> made;
  rlimit low = old;
  low.rlim_cur = 64;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  int err = 0;
  WSAEVENT e;
  while ((e = ws2emu_upcall_table()->lpWPUCreateEvent(&err)) != WSA_INVALID_EVENT) {
    made.push_back(e);
    ASSERT_LT(made.size(), 100u);
  }
  EXPECT_EQ(err, WSA_NOT_ENOUGH_MEMORY);
  EXPECT_EQ(WSACreateEvent(), WSA_INVALID_EVENT);
  EXPECT_EQ(WSAGetLastError(), WSA_NOT_ENOUGH_MEMORY);
  // What exists keeps working.
  EXPECT_TRUE(WSASetEvent(kept));
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &kept, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);
  for (auto m : made) EXPECT_TRUE(WSACloseEvent(m));
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
  WSACloseEvent(kept);
}

TEST(Port, PacketsLeaveInFifoOrderAndInBatches) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
  ASSERT_NE(port, nullptr);
  for (DWORD i = 0; i < 10; ++i)
    ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, i, 100 + i, nullptr));
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov;
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
  EXPECT_EQ(bytes, 0u);
  EXPECT_EQ(key, 100u);
  OVERLAPPED_ENTRY entries[16];
  ULONG n = 0;
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatusEx(port, entries, 16, &n, 0, FALSE));
  ASSERT_EQ(n, 9u);
  for (ULONG i = 0; i < n; ++i) EXPECT_EQ(entries[i].lpCompletionKey, 101u + i);
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatusEx(port, entries, 16, &n, 0, FALSE));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST(Port, ClosingThePortReleasesBlockedWaiters) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  std::thread waiter([&] {
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ABANDONED_WAIT_0));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
  waiter.join();
}

// A plain wait sleeps on a futex, an alertable one on its event: both kinds, blocked on one
// port, are released by posts (LIFO) and by closing it, and a plain wait times out.
TEST(Port, PlainAndAlertableWaitersBothWake) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 4);
  ASSERT_NE(port, nullptr);
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 20));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
  for (int round = 0; round < 50; ++round) {
    std::atomic<int> done{0};
    std::thread plain([&] {
      DWORD b;
      ULONG_PTR k;
      LPOVERLAPPED o;
      EXPECT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &b, &k, &o, 10000));
      EXPECT_EQ(k, 7u);
      ++done;
    });
    std::thread alertable([&] {
      OVERLAPPED_ENTRY e[1];
      ULONG n = 0;
      EXPECT_TRUE(ws2emu_GetQueuedCompletionStatusEx(port, e, 1, &n, 10000, TRUE));
      EXPECT_EQ(n, 1u);
      ++done;
    });
    ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, 7, nullptr));
    ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, 7, nullptr));
    plain.join();
    alertable.join();
    EXPECT_EQ(done.load(), 2);
  }
  std::thread plain([&] {
    DWORD b;
    ULONG_PTR k;
    LPOVERLAPPED o;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &b, &k, &o, INFINITE));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ABANDONED_WAIT_0));
  });
  std::thread alertable([&] {
    OVERLAPPED_ENTRY e[1];
    ULONG n = 0;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatusEx(port, e, 1, &n, INFINITE, TRUE));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ABANDONED_WAIT_0));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
  plain.join();
  alertable.join();
}

// A thread counts as running on a port from the packet it took until it waits on the port
// again, waits on another port, or exits; then a waiter blocked by the concurrency value gets
// the queued packet.
TEST(Port, AThreadStopsRunningWhenItExitsOrWaitsElsewhere) {
  HANDLE a = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
  HANDLE b = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(a, 1, 1, nullptr));
  std::atomic<bool> took{false}, go{false};
  std::thread runner([&] {
    DWORD n;
    ULONG_PTR k;
    LPOVERLAPPED o;
    EXPECT_TRUE(ws2emu_GetQueuedCompletionStatus(a, &n, &k, &o, 5000));  // now running on a
    took = true;
    while (!go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(b, &n, &k, &o, 200));  // leaves a
  });
  while (!took) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // The runner holds a's only slot: a second packet stays queued for a blocked waiter...
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    DWORD n;
    ULONG_PTR k;
    LPOVERLAPPED o;
    got = ws2emu_GetQueuedCompletionStatus(a, &n, &k, &o, 10000) != FALSE;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(a, 2, 2, nullptr));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(got.load());
  // ...until the runner waits on b instead.
  go = true;
  waiter.join();
  EXPECT_TRUE(got.load());
  runner.join();
  // A thread that took a packet and exited frees its slot too.
  std::thread taker([&] {
    DWORD n;
    ULONG_PTR k;
    LPOVERLAPPED o;
    EXPECT_TRUE(ws2emu_GetQueuedCompletionStatus(b, &n, &k, &o, 5000));
  });
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(b, 1, 1, nullptr));
  taker.join();
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(b, 1, 1, nullptr));
  DWORD n;
  ULONG_PTR k;
  LPOVERLAPPED o;
  EXPECT_TRUE(ws2emu_GetQueuedCompletionStatus(b, &n, &k, &o, 5000));
  EXPECT_TRUE(ws2emu_CloseHandle(a));
  EXPECT_TRUE(ws2emu_CloseHandle(b));
}

TEST(Port, BlockedWaitersAreReleasedLastInFirstOut) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 4);
  std::atomic<int> order{0};
  std::atomic<int> got_first{-1}, got_second{-1};
  auto wait = [&](std::atomic<int> *slot) {
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    EXPECT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 5000));
    *slot = order++;
  };
  std::thread a(wait, &got_first);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::thread b(wait, &got_second);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, 1, nullptr));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(got_second.load(), 0);  // the later waiter got the packet
  EXPECT_EQ(got_first.load(), -1);
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, 1, nullptr));
  a.join();
  b.join();
  EXPECT_EQ(got_first.load(), 1);
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST(Port, ConcurrencyValueHoldsBackPacketsWhileEnoughThreadsRun) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov;
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, 1, nullptr));
  // This thread takes a packet: it now runs on the port, which allows one.
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
  std::atomic<bool> other_got{false};
  std::thread other([&] {
    DWORD b;
    ULONG_PTR k;
    LPOVERLAPPED o;
    other_got = ws2emu_GetQueuedCompletionStatus(port, &b, &k, &o, 200) != FALSE;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 2, 2, nullptr));
  other.join();
  EXPECT_FALSE(other_got.load());  // held back: one thread was already running
  // The running thread comes back for more and gets it.
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
  EXPECT_EQ(key, 2u);
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST(Port, BadArgumentsFail) {
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(reinterpret_cast<HANDLE>(0x3330), &bytes, &key,
                                                &ov, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_FALSE(ws2emu_PostQueuedCompletionStatus(reinterpret_cast<HANDLE>(0x3330), 0, 0, nullptr));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, nullptr, &key, &ov, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  OVERLAPPED_ENTRY entry;
  ULONG n;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatusEx(port, &entry, 0, &n, 0, FALSE));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  // Associating something that is not a socket handle.
  HANDLE event = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  EXPECT_EQ(ws2emu_CreateIoCompletionPort(event, port, 1, 0), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 1, 0), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_TRUE(ws2emu_CloseHandle(event));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST(Port, AlertableBatchWaitRunsApcs) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  HANDLE self = ws2emu_OpenThread(THREAD_SET_CONTEXT, FALSE, ws2emu_GetCurrentThreadId());
  ASSERT_EQ(ws2emu_QueueUserAPC(NoopApc, self, 0), 1u);
  OVERLAPPED_ENTRY entries[4];
  ULONG n = 5;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatusEx(port, entries, 4, &n, INFINITE, TRUE));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_IO_COMPLETION));
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(ws2emu_CloseHandle(self));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

}  // namespace
