// Stress: the lock-free completion-port queue and the futex-backed events, with exact counts.
// Many posters and several getters (single and batch gets, a concurrency value below the number
// of getters) hand over every packet exactly once, each poster's packets in the order posted;
// closing the port while posters and getters race delivers no packet twice and none that was
// not posted, and every getter ends with ERROR_ABANDONED_WAIT_0 (or ERROR_INVALID_HANDLE once
// the handle is gone). Events: two threads ping-pong through manual-reset events (futex sleeps)
// while a third polls their fds, and no wake is lost. Run under TSan too (-Db_sanitize=thread).
#include <poll.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "common/linux_poll.h"
#include "iocp/port.h"
#include "sync/event.h"
#include "threads/wait.h"
#include "ws2emu/ws2emu.h"

namespace {

constexpr uint64_t kPosterShift = 40;

uint64_t KeyOf(uint64_t poster, uint64_t seq) { return (poster << kPosterShift) | seq; }

// What one getter received, in the order it received it.
struct Received {
  std::vector<uint64_t> keys;
};

// Checks that every key of `posters` x `per_poster` arrived exactly once over all getters, and
// that each getter saw each poster's keys in increasing order (FIFO per poster).
void ExpectExactlyOnceInOrder(const std::vector<Received> &got, int posters, uint64_t per_poster) {
  std::vector<std::vector<uint8_t>> seen(posters, std::vector<uint8_t>(per_poster, 0));
  uint64_t total = 0;
  for (const Received &r : got) {
    std::vector<int64_t> last(posters, -1);
    for (uint64_t key : r.keys) {
      const uint64_t poster = key >> kPosterShift;
      const uint64_t seq = key & ((uint64_t{1} << kPosterShift) - 1);
      ASSERT_LT(poster, static_cast<uint64_t>(posters));
      ASSERT_LT(seq, per_poster);
      EXPECT_EQ(seen[poster][seq], 0) << "packet " << poster << ":" << seq << " delivered twice";
      seen[poster][seq] = 1;
      EXPECT_GT(static_cast<int64_t>(seq), last[poster]) << "poster " << poster << " out of order";
      last[poster] = static_cast<int64_t>(seq);
      ++total;
    }
  }
  EXPECT_EQ(total, static_cast<uint64_t>(posters) * per_poster);
}

// `posters` threads post `per_poster` packets each; `getters` threads take them (even ones one
// at a time, odd ones in batches of up to 37) until they have all been taken.
void RunExactlyOnce(DWORD concurrency, int posters, int getters, uint64_t per_poster) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, concurrency);
  ASSERT_NE(port, nullptr);
  const uint64_t total = static_cast<uint64_t>(posters) * per_poster;
  std::atomic<uint64_t> taken{0};
  std::vector<Received> got(getters);
  std::vector<std::thread> threads;
  for (int g = 0; g < getters; ++g) {
    threads.emplace_back([&, g] {
      Received &mine = got[g];
      while (taken.load() < total) {
        if (g % 2 == 0) {
          DWORD bytes;
          ULONG_PTR key;
          LPOVERLAPPED ov;
          if (ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 20)) {
            mine.keys.push_back(key);
            ++taken;
          } else {
            ASSERT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
          }
        } else {
          OVERLAPPED_ENTRY entries[37];
          ULONG n = 0;
          if (ws2emu_GetQueuedCompletionStatusEx(port, entries, 37, &n, 20, g % 4 == 3)) {
            ASSERT_GE(n, 1u);
            for (ULONG i = 0; i < n; ++i) mine.keys.push_back(entries[i].lpCompletionKey);
            taken += n;
          } else {
            ASSERT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
          }
        }
      }
    });
  }
  for (int p = 0; p < posters; ++p) {
    threads.emplace_back([&, p] {
      for (uint64_t i = 0; i < per_poster; ++i)
        ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, KeyOf(p, i), nullptr));
    });
  }
  for (auto &t : threads) t.join();
  ExpectExactlyOnceInOrder(got, posters, per_poster);
  // Nothing is left over.
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST(IocpStress, ManyPostersSeveralGettersEveryPacketOnceInOrder) {
  RunExactlyOnce(/*concurrency=*/0, /*posters=*/6, /*getters=*/4, /*per_poster=*/30000);
}

// Concurrency 1 with four getters: only one runs at a time, the others wait their turn.
TEST(IocpStress, ConcurrencyOneWithFourGettersEveryPacketOnceInOrder) {
  RunExactlyOnce(/*concurrency=*/1, /*posters=*/4, /*getters=*/4, /*per_poster=*/20000);
}

// Posters that outrun the getters make the queue many segments deep: order and counts hold as
// segments are appended, retired and reused. The getters start late, so the queue is deep when
// they begin.
TEST(IocpStress, ADeepQueueOfManySegmentsKeepsOrderAndCounts) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ASSERT_NE(port, nullptr);
  constexpr int kPosters = 4, kGetters = 3;
  constexpr uint64_t kEach = 5000;  // 20000 queued at once: about 20 segments
  std::vector<std::thread> posters;
  for (int p = 0; p < kPosters; ++p) {
    posters.emplace_back([&, p] {
      for (uint64_t i = 0; i < kEach; ++i)
        ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, KeyOf(p, i), nullptr));
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::atomic<uint64_t> taken{0};
  std::vector<Received> got(kGetters);
  std::vector<std::thread> getters;
  for (int g = 0; g < kGetters; ++g) {
    getters.emplace_back([&, g] {
      while (taken.load() < kPosters * kEach) {
        OVERLAPPED_ENTRY entries[64];
        ULONG n = 0;
        if (ws2emu_GetQueuedCompletionStatusEx(port, entries, 64, &n, 20, FALSE)) {
          for (ULONG i = 0; i < n; ++i) got[g].keys.push_back(entries[i].lpCompletionKey);
          taken += n;
        }
      }
    });
  }
  for (auto &t : posters) t.join();
  for (auto &t : getters) t.join();
  ExpectExactlyOnceInOrder(got, kPosters, kEach);
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

// Closing the port while posters post and getters (plain, batch, alertable) wait or take:
// no packet twice, none that was not posted, and every getter learns that the port is gone.
TEST(IocpStress, CloseRacingPostersAndGettersDeliversNothingTwice) {
  constexpr int kRounds = 30, kPosters = 3, kGetters = 3;
  constexpr uint64_t kEach = 4000;
  for (int round = 0; round < kRounds; ++round) {
    HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
    ASSERT_NE(port, nullptr);
    std::vector<std::vector<uint8_t>> posted(kPosters, std::vector<uint8_t>(kEach, 0));
    std::vector<Received> got(kGetters);
    std::vector<std::thread> threads;
    std::atomic<int> ended{0};
    for (int g = 0; g < kGetters; ++g) {
      threads.emplace_back([&, g] {
        for (;;) {
          OVERLAPPED_ENTRY entries[16];
          ULONG n = 0;
          if (ws2emu_GetQueuedCompletionStatusEx(port, entries, g == 0 ? 1 : 16, &n, INFINITE,
                                                 g == 2)) {
            for (ULONG i = 0; i < n; ++i) got[g].keys.push_back(entries[i].lpCompletionKey);
            continue;
          }
          const DWORD e = ws2emu_GetLastError();
          EXPECT_TRUE(e == ERROR_ABANDONED_WAIT_0 || e == ERROR_INVALID_HANDLE) << e;
          ++ended;
          return;
        }
      });
    }
    for (int p = 0; p < kPosters; ++p) {
      threads.emplace_back([&, p] {
        for (uint64_t i = 0; i < kEach; ++i) {
          if (!ws2emu_PostQueuedCompletionStatus(port, 1, KeyOf(p, i), nullptr)) {
            EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
            return;  // closed: no later post can succeed either
          }
          posted[p][i] = 1;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200 * (round % 10)));
    EXPECT_TRUE(ws2emu_CloseHandle(port));
    for (auto &t : threads) t.join();
    EXPECT_EQ(ended.load(), kGetters);
    std::vector<std::vector<uint8_t>> seen(kPosters, std::vector<uint8_t>(kEach, 0));
    for (const Received &r : got) {
      std::vector<int64_t> last(kPosters, -1);
      for (uint64_t key : r.keys) {
        const uint64_t p = key >> kPosterShift, i = key & ((uint64_t{1} << kPosterShift) - 1);
        ASSERT_LT(p, static_cast<uint64_t>(kPosters));
        ASSERT_LT(i, kEach);
        EXPECT_EQ(posted[p][i], 1) << "a packet that was never posted";
        EXPECT_EQ(seen[p][i], 0) << "a packet delivered twice";
        seen[p][i] = 1;
        EXPECT_GT(static_cast<int64_t>(i), last[p]);
        last[p] = static_cast<int64_t>(i);
      }
    }
  }
}

// The Port object directly (Shutdown racing Post and Get on a port whose handle stays open):
// after Shutdown, Post answers kClosed and Get kClosed, and nothing is delivered twice.
TEST(IocpStress, ShutdownRacingPostAndGetOnThePortObject) {
  for (int round = 0; round < 50; ++round) {
    ws2emu::Ref<ws2emu::Port> port = ws2emu::Port::Create(2);
    ASSERT_TRUE(port);
    std::atomic<uint64_t> posted{0}, delivered{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < 2; ++p) {
      threads.emplace_back([&] {
        for (;;) {
          const auto r = port->Post({1, 1, nullptr, 0});
          if (r == ws2emu::Port::PostResult::kClosed) return;
          ASSERT_EQ(r, ws2emu::Port::PostResult::kPosted);
          ++posted;
        }
      });
    }
    for (int g = 0; g < 3; ++g) {
      threads.emplace_back([&] {
        for (;;) {
          ws2emu::Port::Packet packets[8];
          uint32_t n = 0;
          const ws2emu::PortWait r = port->Get(packets, 8, &n, ws2emu::kInfinite, false);
          if (r == ws2emu::PortWait::kClosed) return;
          ASSERT_EQ(r, ws2emu::PortWait::kOk);
          delivered += n;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(300 * (round % 7)));
    port->Shutdown();
    for (auto &t : threads) t.join();
    EXPECT_LE(delivered.load(), posted.load());
    EXPECT_EQ(port->Post({1, 1, nullptr, 0}), ws2emu::Port::PostResult::kClosed);
  }
}

// Two threads ping-pong through two manual-reset events (wait alone, not alertable: the futex
// sleep) while a third polls both events' fds: every hop arrives, and when it is over each fd
// polls readable exactly when its event is set.
TEST(EventStress, FutexPingPongWithAPollerLosesNoWake) {
  auto a = ws2emu::Event::Create(true, false), b = ws2emu::Event::Create(true, false);
  ASSERT_TRUE(a.ok() && b.ok());
  ws2emu::Event *ea = a->get(), *eb = b->get();
  constexpr int kHops = 20000;
  std::atomic<bool> stop{false};
  std::thread poller([&] {
    const int fds[2] = {ea->fd(), eb->fd()};  // arms them, while the ping-pong runs
    while (!stop.load()) {
      ws2emu::testing::LinuxPollFd p[2] = {{fds[0], ws2emu::testing::kLinuxPollIn, 0},
                                           {fds[1], ws2emu::testing::kLinuxPollIn, 0}};
      poll(p, 2, 1);
    }
  });
  auto hop = [](ws2emu::Event *wait, ws2emu::Event *set, int n) {
    ws2emu::Waitable *objects[1] = {wait};
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(ws2emu::WaitForObjects(objects, 1, false, 10000, false), ws2emu::kWaitObject0);
      wait->Reset();
      set->Set();
    }
  };
  std::thread pong([&] { hop(ea, eb, kHops); });
  std::thread ping([&] {
    ws2emu::Waitable *objects[1] = {eb};
    for (int i = 0; i < kHops; ++i) {
      ea->Set();
      ASSERT_EQ(ws2emu::WaitForObjects(objects, 1, false, 10000, false), ws2emu::kWaitObject0);
      eb->Reset();
    }
  });
  ping.join();
  pong.join();
  stop = true;
  poller.join();
  auto readable = [](int fd) {
    ws2emu::testing::LinuxPollFd p = {fd, ws2emu::testing::kLinuxPollIn, 0};
    return poll(&p, 1, 0) == 1;
  };
  EXPECT_FALSE(ea->IsSet());
  EXPECT_FALSE(eb->IsSet());
  EXPECT_FALSE(readable(ea->fd()));
  EXPECT_FALSE(readable(eb->fd()));
  ea->Set();
  EXPECT_TRUE(readable(ea->fd()));
}

// Auto-reset events with several futex sleepers: every Set releases exactly one wait.
TEST(EventStress, AutoResetSetsReleaseOneSleeperEach) {
  auto e = ws2emu::Event::Create(false, false);
  ASSERT_TRUE(e.ok());
  ws2emu::Event *event = e->get();
  constexpr int kWaiters = 4, kSets = 20000;
  std::atomic<int> taken{0};
  std::vector<std::thread> waiters;
  for (int w = 0; w < kWaiters; ++w) {
    waiters.emplace_back([&] {
      ws2emu::Waitable *objects[1] = {event};
      while (taken.load() < kSets) {
        if (ws2emu::WaitForObjects(objects, 1, false, 5, false) == ws2emu::kWaitObject0) ++taken;
      }
    });
  }
  int set = 0;
  while (set < kSets) {
    if (!event->IsSet()) {  // one signal at a time: a Set on a set event adds nothing
      event->Set();
      ++set;
    } else {
      std::this_thread::yield();
    }
  }
  for (auto &t : waiters) t.join();
  EXPECT_EQ(taken.load(), kSets);
}

}  // namespace
