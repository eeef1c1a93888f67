// base/annotated_mutex.h: StdMutex excludes like std::mutex (its annotations are checked by the
// clang build with -Wthread-safety, which compiles this file too), and a global one is
// constant-initialised.
#include "base/annotated_mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/base/attributes.h"

namespace ws2emu {
namespace {

ABSL_CONST_INIT StdMutex g_mu;
int g_count ABSL_GUARDED_BY(g_mu) = 0;

TEST(StdMutex, ExcludesOtherThreads) {
  constexpr int kThreads = 4, kRounds = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < kRounds; ++i) {
        StdMutexLock lock(&g_mu);
        int seen = g_count;  // a lost update would show in the total
        g_count = seen + 1;
      }
    });
  }
  for (std::thread &t : threads) t.join();
  StdMutexLock lock(&g_mu);
  EXPECT_EQ(g_count, kThreads * kRounds);
}

TEST(StdMutex, TryLockFailsWhileAnotherThreadHoldsIt) {
  StdMutex mu;
  mu.Lock();
  std::atomic<bool> taken{true};
  std::thread([&] {
    // The analysis follows TryLock's result only as a branch condition.
    if (mu.TryLock()) {
      mu.Unlock();
      taken = true;
    } else {
      taken = false;
    }
  }).join();
  EXPECT_FALSE(taken);
  mu.Unlock();
  bool again = false;
  if (mu.TryLock()) {
    again = true;
    mu.Unlock();
  }
  EXPECT_TRUE(again);
}

}  // namespace
}  // namespace ws2emu
