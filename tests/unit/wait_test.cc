// Events and waits: WSAWaitForMultipleEvents / WaitForMultipleObjectsEx return values, wait-all,
// auto-reset events, argument errors, resource exhaustion; completion ports.
#include <poll.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "common/linux_poll.h"
#include "iocp/port.h"
#include "sync/event.h"
#include "threads/wait.h"
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

// ---- Events: the futex sleep and the lazily armed fd (lib/sync/event.h) ---------------------

bool Readable(int fd) {
  ws2emu::testing::LinuxPollFd p = {fd, ws2emu::testing::kLinuxPollIn, 0};
  return poll(&p, 1, 0) == 1;
}

// The fd is armed by the first fd(): from then on it polls readable exactly while the event is
// set, whatever happened before (here a Set before arming: arming pays its unit).
TEST(Event, TheFdFollowsTheStateFromTheFirstTimeItIsAskedFor) {
  auto made = ws2emu::Event::Create(/*manual_reset=*/true, /*initial_state=*/false);
  ASSERT_TRUE(made.ok());
  ws2emu::Event &e = **made;
  EXPECT_FALSE(e.armed());
  e.Set();
  e.Reset();
  e.Set();
  EXPECT_FALSE(e.armed());  // nobody asked for the fd yet
  const int fd = e.fd();
  EXPECT_TRUE(e.armed());
  EXPECT_TRUE(Readable(fd));
  e.Set();  // already set: nothing changes
  EXPECT_TRUE(Readable(fd));
  e.Reset();
  EXPECT_FALSE(Readable(fd));
  e.Reset();
  EXPECT_FALSE(Readable(fd));
  e.Set();
  EXPECT_TRUE(Readable(fd));
  e.Reset();
  EXPECT_FALSE(Readable(fd));
}

TEST(Event, AnArmedAutoResetEventsFdIsDrainedByTheWaitThatTakesIt) {
  auto made = ws2emu::Event::Create(/*manual_reset=*/false, /*initial_state=*/false);
  ASSERT_TRUE(made.ok());
  ws2emu::Event &e = **made;
  const int fd = e.fd();  // armed while reset: nothing to pay
  EXPECT_FALSE(Readable(fd));
  e.Set();
  EXPECT_TRUE(Readable(fd));
  ws2emu::Waitable *objects[1] = {&e};
  EXPECT_EQ(ws2emu::WaitForObjects(objects, 1, false, 0, false), ws2emu::kWaitObject0);
  EXPECT_FALSE(e.IsSet());
  EXPECT_FALSE(Readable(fd));
  EXPECT_EQ(ws2emu::WaitForObjects(objects, 1, false, 0, false), ws2emu::kWaitTimeout);
}

// A wait on one event, not alertable, sleeps on the event's futex and leaves the fd unarmed; a
// multi-object wait polls the fds and arms them; both kinds wake for a Set from another thread,
// and the futex sleep times out.
TEST(Event, ASingleWaitSleepsWithoutTheFdAndAMultipleWaitArmsIt) {
  auto a = ws2emu::Event::Create(true, false), b = ws2emu::Event::Create(false, false);
  ASSERT_TRUE(a.ok() && b.ok());
  ws2emu::Waitable *one[1] = {a->get()};
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ws2emu::WaitForObjects(one, 1, false, 30, false), ws2emu::kWaitTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    (*a)->Set();
  });
  EXPECT_EQ(ws2emu::WaitForObjects(one, 1, false, 10000, false), ws2emu::kWaitObject0);
  setter.join();
  EXPECT_FALSE((*a)->armed());
  (*a)->Reset();
  ws2emu::Waitable *two[2] = {a->get(), b->get()};
  std::thread setter_b([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    (*b)->Set();
  });
  EXPECT_EQ(ws2emu::WaitForObjects(two, 2, false, 10000, false), ws2emu::kWaitObject0 + 1);
  setter_b.join();
  EXPECT_TRUE((*a)->armed());
  EXPECT_TRUE((*b)->armed());
  EXPECT_FALSE(Readable((*b)->fd()));  // the auto-reset wait took b's signal and its unit
  // Once armed, the single wait still sleeps on the futex, and the fd stays in step.
  std::thread setter_again([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    (*a)->Set();
  });
  EXPECT_EQ(ws2emu::WaitForObjects(one, 1, false, 10000, false), ws2emu::kWaitObject0);
  setter_again.join();
  EXPECT_TRUE(Readable((*a)->fd()));
  (*a)->Reset();
  EXPECT_FALSE(Readable((*a)->fd()));
}

// A manual-reset event set once releases every thread sleeping on it.
TEST(Event, ASetReleasesEverySleeperOfAManualResetEvent) {
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  constexpr int kSleepers = 6;
  std::atomic<int> woken{0};
  std::vector<std::thread> sleepers;
  for (int i = 0; i < kSleepers; ++i) {
    sleepers.emplace_back([&] {
      EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, 10000, FALSE), WAIT_OBJECT_0);
      ++woken;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_TRUE(ws2emu_SetEvent(e));
  for (auto &t : sleepers) t.join();
  EXPECT_EQ(woken.load(), kSleepers);
  EXPECT_TRUE(ws2emu_CloseHandle(e));
}

// An alertable wait on one event is not a futex sleep: an APC still interrupts it.
TEST(Event, AnAlertableSingleWaitStillRunsApcs) {
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  HANDLE self = ws2emu_OpenThread(THREAD_SET_CONTEXT, FALSE, ws2emu_GetCurrentThreadId());
  ASSERT_EQ(ws2emu_QueueUserAPC(NoopApc, self, 0), 1u);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, INFINITE, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION));
  EXPECT_TRUE(ws2emu_CloseHandle(self));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
}

// ---- Completion ports: the lock-free queue (lib/iocp/port.h) ---------------------------------

// Far more packets than a segment holds: all leave in the order posted, in batches, while
// segments are appended, retired and reused (two rounds: the second reuses the first's).
TEST(Port, PacketsOverManySegmentsKeepTheirOrder) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
  ASSERT_NE(port, nullptr);
  constexpr ULONG_PTR kPackets = 10000;
  for (int round = 0; round < 2; ++round) {
    for (ULONG_PTR i = 0; i < kPackets; ++i)
      ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, i, nullptr));
    ULONG_PTR next = 0;
    bool posted_more = false;
    while (next < kPackets) {
      OVERLAPPED_ENTRY entries[64];
      ULONG n = 0;
      ASSERT_TRUE(ws2emu_GetQueuedCompletionStatusEx(port, entries, 64, &n, 0, FALSE));
      for (ULONG i = 0; i < n; ++i) ASSERT_EQ(entries[i].lpCompletionKey, next++);
      // Posts between gets go behind every packet queued.
      if (next >= 3000 && !posted_more) {
        posted_more = true;
        for (ULONG_PTR i = kPackets; i < kPackets + 100; ++i)
          ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, i, nullptr));
      }
    }
    while (next < kPackets + 100) {
      DWORD bytes;
      ULONG_PTR key;
      LPOVERLAPPED ov;
      ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
      ASSERT_EQ(key, next++);
    }
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
  }
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

// A packet posted to a port whose waiter sleeps on its futex (plain wait) wakes it; the status
// of a failed I/O comes with it.
TEST(Port, APlainWaiterIsHandedThePacketWithItsStatus) {
  ws2emu::Ref<ws2emu::Port> port = ws2emu::Port::Create(0);
  ASSERT_TRUE(port);
  std::thread poster([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(port->Post({5, 6, nullptr, 10054}), ws2emu::Port::PostResult::kPosted);
  });
  ws2emu::Port::Packet packets[4];
  uint32_t n = 0;
  EXPECT_EQ(port->Get(packets, 4, &n, 10000, false), ws2emu::PortWait::kOk);
  poster.join();
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(packets[0].bytes, 5u);
  EXPECT_EQ(packets[0].key, 6u);
  EXPECT_EQ(packets[0].status, 10054u);
  port->Shutdown();
  EXPECT_EQ(port->Post({1, 1, nullptr, 0}), ws2emu::Port::PostResult::kClosed);
  EXPECT_EQ(port->Get(packets, 4, &n, 0, false), ws2emu::PortWait::kClosed);
  EXPECT_EQ(n, 0u);
}

}  // namespace
