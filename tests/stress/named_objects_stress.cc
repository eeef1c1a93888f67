// Named objects under contention (lib/named_objects): a named mutex taken by several threads
// (exact count of a counter it guards), a named semaphore between producers and consumers
// (every unit taken exactly once, through the futex-free FIFO path and the plain one), and
// create/open/close of one name racing from several threads (the namespace folder is empty at
// the end). Also run under TSan.
#include <gtest/gtest.h>

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ws2emu/ws2emu.h"

namespace {

class NamedStress : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ws2emu-named-stress-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    runtime_ = tmpl;
    setenv("XDG_RUNTIME_DIR", runtime_.c_str(), 1);
  }
  void TearDown() override {
    const std::string folder = runtime_ + "/ws2emu-objects";
    rmdir(folder.c_str());  // fails (and the test says so) if anything was left
    rmdir(runtime_.c_str());
    unsetenv("XDG_RUNTIME_DIR");
  }
  int Leftovers() {
    int n = 0;
    DIR *d = opendir((runtime_ + "/ws2emu-objects").c_str());
    if (d == nullptr) return 0;
    while (dirent *e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
    return n;
  }
  std::string runtime_;
};

TEST_F(NamedStress, MutexGuardsACounter) {
  HANDLE m = ws2emu_CreateMutexW(nullptr, FALSE, u"stress-mutex");
  ASSERT_NE(m, nullptr);
  constexpr int kThreads = 4, kEach = 3000;
  long counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HANDLE mine = nullptr;
      ASSERT_TRUE(ws2emu_DuplicateHandle(ws2emu_GetCurrentProcess(), m,
                                         ws2emu_GetCurrentProcess(), &mine, 0, FALSE,
                                         DUPLICATE_SAME_ACCESS));
      for (int i = 0; i < kEach; ++i) {
        // Half the waits poll the FIFO (alertable), half take the plain path.
        ASSERT_EQ(ws2emu_WaitForSingleObjectEx(mine, INFINITE, (i + t) % 2 == 0), WAIT_OBJECT_0);
        ++counter;
        ASSERT_TRUE(ws2emu_ReleaseMutex(mine));
      }
      ws2emu_CloseHandle(mine);
    });
  }
  for (auto &th : threads) th.join();
  EXPECT_EQ(counter, static_cast<long>(kThreads) * kEach);
  EXPECT_TRUE(ws2emu_CloseHandle(m));
  EXPECT_EQ(Leftovers(), 0);
}

TEST_F(NamedStress, SemaphoreUnitsTakenExactlyOnce) {
  HANDLE s = ws2emu_CreateSemaphoreW(nullptr, 0, 65536, u"stress-sem");
  ASSERT_NE(s, nullptr);
  constexpr int kProducers = 2, kConsumers = 3, kEach = 6000;
  constexpr int kTotal = kProducers * kEach;
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&, c] {
      HANDLE mine = ws2emu_OpenSemaphoreW(SYNCHRONIZE, FALSE, u"stress-sem");
      ASSERT_NE(mine, nullptr);
      for (;;) {
        DWORD r = ws2emu_WaitForSingleObjectEx(mine, 20, c % 2 == 0);
        if (r == WAIT_OBJECT_0) {
          taken.fetch_add(1);
          continue;
        }
        ASSERT_EQ(r, static_cast<DWORD>(WAIT_TIMEOUT));
        if (taken.load() >= kTotal) break;
      }
      ws2emu_CloseHandle(mine);
    });
  }
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&] {
      HANDLE mine = ws2emu_OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, FALSE, u"stress-sem");
      ASSERT_NE(mine, nullptr);
      for (int i = 0; i < kEach; ++i) ASSERT_TRUE(ws2emu_ReleaseSemaphore(mine, 1, nullptr));
      ws2emu_CloseHandle(mine);
    });
  }
  for (auto &th : threads) th.join();
  EXPECT_EQ(taken.load(), kTotal);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(s, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(s));
  EXPECT_EQ(Leftovers(), 0);
}

TEST_F(NamedStress, CreateOpenCloseOfOneNameRace) {
  constexpr int kThreads = 4, kEach = 300;
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"stress-churn");
        ASSERT_NE(e, nullptr);
        if (ws2emu_GetLastError() == 0) created.fetch_add(1);
        HANDLE o = ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"stress-churn");
        ASSERT_NE(o, nullptr);  // e holds it open
        ws2emu_SetEvent(o);
        ASSERT_TRUE(ws2emu_CloseHandle(o));
        ASSERT_TRUE(ws2emu_CloseHandle(e));
      }
    });
  }
  for (auto &th : threads) th.join();
  EXPECT_GE(created.load(), 1);
  EXPECT_EQ(Leftovers(), 0);
}

}  // namespace
