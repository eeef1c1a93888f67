// Semaphores and mutexes (CreateSemaphore/ReleaseSemaphore, CreateMutex/ReleaseMutex): counts,
// the maximum, recursive ownership, release by a non-owner, abandonment when the owner exits,
// wait-all over mixed objects, and contention from several threads.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "ws2emu/ws2emu.h"

namespace {

TEST(Semaphore, CountsAndTheMaximum) {
  HANDLE s = ws2emu_CreateSemaphoreW(nullptr, 2, 3, nullptr);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(s, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(s, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(s, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  LONG previous = -1;
  EXPECT_TRUE(ws2emu_ReleaseSemaphore(s, 3, &previous));
  EXPECT_EQ(previous, 0);
  EXPECT_FALSE(ws2emu_ReleaseSemaphore(s, 1, &previous));  // would make 4 > 3
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_TOO_MANY_POSTS));
  EXPECT_FALSE(ws2emu_ReleaseSemaphore(s, 0, nullptr));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ws2emu_WaitForSingleObjectEx(s, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(s, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(s));
}

TEST(Semaphore, BadArguments) {
  EXPECT_EQ(ws2emu_CreateSemaphoreW(nullptr, 4, 3, nullptr), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_CreateSemaphoreW(nullptr, -1, 3, nullptr), nullptr);
  EXPECT_EQ(ws2emu_CreateSemaphoreW(nullptr, 0, 0, nullptr), nullptr);
  EXPECT_FALSE(ws2emu_ReleaseSemaphore(reinterpret_cast<HANDLE>(0x4440), 1, nullptr));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(Semaphore, EveryReleasedUnitWakesExactlyOneWaiter) {
  HANDLE s = ws2emu_CreateSemaphoreW(nullptr, 0, 1000000, nullptr);
  constexpr int kWaiters = 4, kEach = 2000;
  std::atomic<int> taken{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&] {
      for (int k = 0; k < kEach; ++k) {
        ASSERT_EQ(ws2emu_WaitForSingleObjectEx(s, 10000, FALSE), WAIT_OBJECT_0);
        ++taken;
      }
    });
  }
  for (int k = 0; k < kWaiters * kEach; k += 7) {
    LONG n = std::min(7, kWaiters * kEach - k);
    ASSERT_TRUE(ws2emu_ReleaseSemaphore(s, n, nullptr));
  }
  for (auto &t : waiters) t.join();
  EXPECT_EQ(taken.load(), kWaiters * kEach);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(s, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(s));
}

TEST(Mutex, RecursiveOwnershipAndReleaseByTheOwnerOnly) {
  HANDLE m = ws2emu_CreateMutexW(nullptr, TRUE, nullptr);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(m, 0, FALSE), WAIT_OBJECT_0);  // recursive
  std::thread other([&] {
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(m, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_FALSE(ws2emu_ReleaseMutex(m));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_OWNER));
  });
  other.join();
  EXPECT_TRUE(ws2emu_ReleaseMutex(m));
  EXPECT_TRUE(ws2emu_ReleaseMutex(m));  // twice: it was taken twice
  EXPECT_FALSE(ws2emu_ReleaseMutex(m));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_OWNER));
  std::thread taker([&] { EXPECT_EQ(ws2emu_WaitForSingleObjectEx(m, 0, FALSE), WAIT_OBJECT_0); });
  taker.join();  // exits owning it
  // Abandoned: the next wait takes it and says so, once.
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(m, 1000, FALSE), static_cast<DWORD>(WAIT_ABANDONED_0));
  EXPECT_TRUE(ws2emu_ReleaseMutex(m));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(m, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_TRUE(ws2emu_ReleaseMutex(m));
  EXPECT_TRUE(ws2emu_CloseHandle(m));
}

TEST(Mutex, ExcludesUnderContention) {
  HANDLE m = ws2emu_CreateMutexW(nullptr, FALSE, nullptr);
  long counter = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 2000; ++k) {
        ASSERT_EQ(ws2emu_WaitForSingleObjectEx(m, 10000, FALSE), WAIT_OBJECT_0);
        long seen = counter;
        counter = seen + 1;
        ASSERT_TRUE(ws2emu_ReleaseMutex(m));
      }
    });
  }
  for (auto &t : threads) t.join();
  EXPECT_EQ(counter, 8000);
  EXPECT_TRUE(ws2emu_CloseHandle(m));
}

TEST(Mutex, WaitAllOverAMutexAndAnEvent) {
  HANDLE m = ws2emu_CreateMutexW(nullptr, FALSE, nullptr);
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  HANDLE both[2] = {m, e};
  EXPECT_EQ(ws2emu_WaitForMultipleObjectsEx(2, both, TRUE, 0, FALSE),
            static_cast<DWORD>(WAIT_TIMEOUT));
  std::thread other([&] {  // the timed-out wait-all must not have kept the mutex
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(m, 0, FALSE), WAIT_OBJECT_0);
    EXPECT_TRUE(ws2emu_ReleaseMutex(m));
  });
  other.join();
  ws2emu_SetEvent(e);
  EXPECT_EQ(ws2emu_WaitForMultipleObjectsEx(2, both, TRUE, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_TRUE(ws2emu_ReleaseMutex(m));
  EXPECT_TRUE(ws2emu_CloseHandle(m));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
}

}  // namespace
