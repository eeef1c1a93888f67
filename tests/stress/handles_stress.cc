// Stress: 8 threads create, query and close socket handles and events at random for a few
// seconds. No stale context is ever returned, no handle value is issued twice while open, and
// no eventfd leaks (counted in /proc/self/fd before and after). Then storms with exact counts:
// APCs, completion packets, and posted messages.
#include <dirent.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "common/uring_probe.h"
#include "ws2emu/ws2emu.h"

namespace {

// The uring run (stress-uring) tests the uring backend, or skips saying why: never the signal
// fallback, which stress-signal covers.
#define SKIP_A_URING_RUN_WITHOUT_URING()                                  \
  do {                                                                  \
    if (std::string why = UringRunWithoutUringReason(); !why.empty()) \
      GTEST_SKIP() << why;                                              \
  } while (0)

int OpenFds() {
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

TEST(HandlesStress, ConcurrentCreateQueryCloseNeverMixesUpHandles) {
  SKIP_A_URING_RUN_WITHOUT_URING();
  const WSPUPCALLTABLE &t = *ws2emu_upcall_table();
  // Warm up per-thread objects of this thread so that they do not count as leaks.
  WSACloseEvent(WSACreateEvent());
  const int fds_before = OpenFds();
  std::mutex live_mu;
  std::set<uint64_t> live;  // handle values open right now
  std::atomic<long> ops{0}, failures{0};
  const auto stop = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  auto worker = [&](int seed) {
    std::mt19937 rng(seed);
    std::vector<std::pair<SOCKET, DWORD_PTR>> mine;
    std::vector<WSAEVENT> events;
    int err = 0;
    while (std::chrono::steady_clock::now() < stop) {
      switch (rng() % 5) {
        case 0:
        case 1: {
          DWORD_PTR ctx = (static_cast<DWORD_PTR>(seed) << 48) | rng();
          SOCKET s = t.lpWPUCreateSocketHandle(1001, ctx, &err);
          if (s == INVALID_SOCKET) { ++failures; break; }
          std::lock_guard<std::mutex> lock(live_mu);
          if (!live.insert(s).second) ++failures;  // issued twice while open
          mine.emplace_back(s, ctx);
          break;
        }
        case 2:
          for (auto &[s, ctx] : mine) {
            DWORD_PTR got = 0;
            if (t.lpWPUQuerySocketHandleContext(s, &got, &err) != 0 || got != ctx) ++failures;
          }
          break;
        case 3:
          if (!mine.empty()) {
            size_t i = rng() % mine.size();
            SOCKET s = mine[i].first;
            {
              std::lock_guard<std::mutex> lock(live_mu);
              live.erase(s);
            }
            if (t.lpWPUCloseSocketHandle(s, &err) != 0) ++failures;
            DWORD_PTR got;
            // Closed: never another socket's context.
            if (t.lpWPUQuerySocketHandleContext(s, &got, &err) != SOCKET_ERROR) ++failures;
            mine[i] = mine.back();
            mine.pop_back();
          }
          break;
        case 4:
          if (events.size() < 8) {
            WSAEVENT e = t.lpWPUCreateEvent(&err);
            if (e == WSA_INVALID_EVENT) { ++failures; break; }
            t.lpWPUSetEvent(e, &err);
            events.push_back(e);
          } else {
            for (WSAEVENT e : events)
              if (!t.lpWPUCloseEvent(e, &err)) ++failures;
            events.clear();
          }
          break;
      }
      ++ops;
    }
    for (auto &[s, ctx] : mine) {
      {
        std::lock_guard<std::mutex> lock(live_mu);
        live.erase(s);
      }
      if (t.lpWPUCloseSocketHandle(s, &err) != 0) ++failures;
    }
    for (WSAEVENT e : events) t.lpWPUCloseEvent(e, &err);
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back(worker, i + 1);
  for (auto &th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(ops.load(), 1000);
  EXPECT_TRUE(live.empty());
  // Every eventfd is closed again (thread objects of the exited workers included).
  EXPECT_EQ(OpenFds(), fds_before);
}

VOID CALLBACK CountApc(DWORD_PTR counter) {
  reinterpret_cast<std::atomic<long> *>(counter)->fetch_add(1);
}

TEST(ApcStress, EveryQueuedApcRunsExactlyOnce) {
  SKIP_A_URING_RUN_WITHOUT_URING();
  const WSPUPCALLTABLE &t = *ws2emu_upcall_table();
  int err = 0;
  WSATHREADID id;
  ASSERT_EQ(t.lpWPUOpenCurrentThread(&id, &err), 0);
  std::atomic<long> ran{0};
  constexpr int kProducers = 4, kEach = 20000;
  std::atomic<int> done{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&] {
      WSATHREADID copy = id;
      int e = 0;
      for (int i = 0; i < kEach; ++i)
        ASSERT_EQ(t.lpWPUQueueApc(&copy, CountApc, reinterpret_cast<DWORD_PTR>(&ran), &e), 0);
      ++done;
    });
  }
  while (done.load() < kProducers || ran.load() < kProducers * kEach) ws2emu_SleepEx(10, TRUE);
  for (auto &th : producers) th.join();
  EXPECT_EQ(ran.load(), long{kProducers} * kEach);
  EXPECT_EQ(t.lpWPUCloseThread(&id, &err), 0);
}

TEST(PortStress, EveryPostedPacketIsDequeuedOnce) {
  SKIP_A_URING_RUN_WITHOUT_URING();
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  constexpr int kPosters = 3, kEach = 50000, kGetters = 3;
  std::atomic<long> got{0}, sum{0};
  std::vector<std::thread> threads;
  for (int g = 0; g < kGetters; ++g) {
    threads.emplace_back([&] {
      OVERLAPPED_ENTRY entries[64];
      ULONG n;
      while (ws2emu_GetQueuedCompletionStatusEx(port, entries, 64, &n, 2000, FALSE)) {
        for (ULONG i = 0; i < n; ++i) sum += static_cast<long>(entries[i].lpCompletionKey);
        got += n;
      }
    });
  }
  for (int p = 0; p < kPosters; ++p) {
    threads.emplace_back([&] {
      for (int i = 1; i <= kEach; ++i) ws2emu_PostQueuedCompletionStatus(port, 0, i, nullptr);
    });
  }
  for (auto &th : threads) th.join();
  EXPECT_EQ(got.load(), long{kPosters} * kEach);
  EXPECT_EQ(sum.load(), long{kPosters} * kEach * (kEach + 1) / 2);
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

LRESULT CALLBACK StormWndProc(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  return ws2emu_DefWindowProcW(hWnd, Msg, wParam, lParam);
}

TEST(MessageStress, EveryPostedMessageArrivesOnceInEachSendersOrder) {
  SKIP_A_URING_RUN_WITHOUT_URING();
  WNDCLASSEXW wc = {};
  wc.cbSize = sizeof(wc);
  wc.lpfnWndProc = StormWndProc;
  wc.lpszClassName = u"message storm";
  ASSERT_NE(ws2emu_RegisterClassExW(&wc), 0);
  HWND w = ws2emu_CreateWindowExW(0, u"message storm", nullptr, 0, 0, 0, 0, 0, HWND_MESSAGE,
                                  nullptr, nullptr, nullptr);
  ASSERT_NE(w, nullptr);
  constexpr int kSenders = 4, kEach = 20000;
  std::atomic<long> post_failures{0};
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      for (int i = 0; i < kEach; ++i)
        if (!ws2emu_PostMessageW(w, WM_USER, static_cast<WPARAM>(s), i)) ++post_failures;
    });
  }
  std::vector<LPARAM> next(kSenders, 0);
  long received = 0, out_of_order = 0, strays = 0;
  MSG m;
  while (received < long{kSenders} * kEach - post_failures.load()) {
    ASSERT_EQ(ws2emu_GetMessageW(&m, nullptr, 0, 0), TRUE);
    if (m.hwnd != w || m.message != WM_USER || m.wParam >= kSenders) {
      ++strays;
      continue;
    }
    if (m.lParam != next[m.wParam]) ++out_of_order;
    next[m.wParam] = m.lParam + 1;
    ++received;
  }
  for (auto &th : senders) th.join();
  EXPECT_EQ(post_failures.load(), 0);
  EXPECT_EQ(received, long{kSenders} * kEach);
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(strays, 0);
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));  // nothing extra
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
  EXPECT_TRUE(ws2emu_UnregisterClassW(u"message storm", nullptr));
}

}  // namespace
