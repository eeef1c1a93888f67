// Races between closing and using: a handle closed while another thread waits on its object, a
// handle closed while other threads look it up, APCs queued to a thread while it exits. Run
// under AddressSanitizer and ThreadSanitizer in CI: the checks here are "right answer or the
// documented error", the sanitizers check the rest.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "ws2emu/ws2emu.h"

namespace {

using std::chrono::milliseconds;

TEST(CloseWhileWaiting, WaiterKeepsTheObjectAndTimesOut) {
  WSAEVENT e = WSACreateEvent();
  std::atomic<bool> entered{false};
  std::thread waiter([&] {
    entered = true;
    EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 300, FALSE), WSA_WAIT_TIMEOUT);
  });
  while (!entered.load()) std::this_thread::yield();
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_TRUE(WSACloseEvent(e));  // the wait goes on: it holds the object, not the handle
  waiter.join();
}

TEST(CloseWhileWaiting, SetThenCloseReleasesAWaiterThatGotIn) {
  // A waiter that looked the handle up before the close is released by the Set; one that came
  // too late gets WSA_INVALID_HANDLE. Neither hangs.
  int released = 0;
  for (int i = 0; i < 200; ++i) {
    WSAEVENT e = WSACreateEvent();
    std::atomic<DWORD> result{0};
    std::thread waiter([&] {
      result = WSAWaitForMultipleEvents(1, &e, FALSE, 5000, FALSE);
      if (result == WSA_WAIT_FAILED) {
        EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
      }
    });
    if (i % 2 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    EXPECT_TRUE(WSASetEvent(e));
    EXPECT_TRUE(WSACloseEvent(e));
    waiter.join();
    EXPECT_TRUE(result == WSA_WAIT_EVENT_0 || result == WSA_WAIT_FAILED) << result;
    released += result == WSA_WAIT_EVENT_0;
  }
  EXPECT_GT(released, 0);
}

TEST(CloseWhileUsing, ConcurrentSetResetCloseGiveTrueOrInvalidHandle) {
  constexpr int kRounds = 2000;
  std::atomic<WSAEVENT> current{WSACreateEvent()};
  std::atomic<bool> stop{false};
  std::atomic<long> bad{0};
  std::vector<std::thread> users;
  for (int i = 0; i < 3; ++i) {
    users.emplace_back([&] {
      while (!stop.load()) {
        WSAEVENT e = current.load();
        if (!WSASetEvent(e) && WSAGetLastError() != WSA_INVALID_HANDLE) ++bad;
        if (!WSAResetEvent(e) && WSAGetLastError() != WSA_INVALID_HANDLE) ++bad;
        DWORD r = WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE);
        if (r == WSA_WAIT_FAILED && WSAGetLastError() != WSA_INVALID_HANDLE) ++bad;
      }
    });
  }
  for (int i = 0; i < kRounds; ++i) {
    WSAEVENT fresh = WSACreateEvent();
    WSAEVENT old = current.exchange(fresh);
    if (!WSACloseEvent(old)) ++bad;
  }
  stop = true;
  for (auto &t : users) t.join();
  EXPECT_TRUE(WSACloseEvent(current.load()));
  EXPECT_EQ(bad.load(), 0);
}

VOID CALLBACK Count(DWORD_PTR counter) { reinterpret_cast<std::atomic<long> *>(counter)->fetch_add(1); }

TEST(ApcRace, QueueingToAThreadThatExitsEitherRunsOrFailsCleanly) {
  const WSPUPCALLTABLE &t = *ws2emu_upcall_table();
  for (int round = 0; round < 50; ++round) {
    std::atomic<long> ran{0}, queued{0};
    WSATHREADID id = {};
    std::atomic<bool> ready{false};
    std::thread target([&] {
      int err = 0;
      EXPECT_EQ(t.lpWPUOpenCurrentThread(&id, &err), 0);
      ready = true;
      for (int i = 0; i < 20; ++i) ws2emu_SleepEx(0, TRUE);  // runs some, then exits
    });
    while (!ready.load()) std::this_thread::yield();
    std::thread producer([&] {
      WSATHREADID copy = id;
      for (int i = 0; i < 500; ++i) {
        int err = 0;
        if (t.lpWPUQueueApc(&copy, Count, reinterpret_cast<DWORD_PTR>(&ran), &err) == 0) {
          ++queued;
        } else {
          EXPECT_EQ(err, WSAEFAULT);
        }
      }
    });
    producer.join();
    target.join();
    EXPECT_LE(ran.load(), queued.load());  // APCs pending at exit never run, none runs twice
    int err = 0;
    EXPECT_EQ(t.lpWPUCloseThread(&id, &err), 0);
  }
}

TEST(PortRace, CloseWhileManyThreadsWaitAlertably) {
  for (int round = 0; round < 20; ++round) {
    HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
    std::vector<std::thread> waiters;
    std::atomic<int> abandoned{0};
    for (int i = 0; i < 4; ++i) {
      waiters.emplace_back([&] {
        OVERLAPPED_ENTRY entries[8];
        ULONG n;
        while (ws2emu_GetQueuedCompletionStatusEx(port, entries, 8, &n, INFINITE, TRUE)) {
        }
        DWORD error = ws2emu_GetLastError();
        if (error == ERROR_ABANDONED_WAIT_0 || error == ERROR_INVALID_HANDLE) ++abandoned;
      });
    }
    for (int i = 0; i < 100; ++i) ws2emu_PostQueuedCompletionStatus(port, 1, i, nullptr);
    std::this_thread::sleep_for(milliseconds(5));
    EXPECT_TRUE(ws2emu_CloseHandle(port));
    for (auto &w : waiters) w.join();
    EXPECT_EQ(abandoned.load(), 4);
  }
}

}  // namespace
