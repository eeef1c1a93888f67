// Completion ports with no memory to be had: while the calling thread's allocations fail
// (operator new replaced below, armed per thread), waiting on a port, associating a socket,
// closing a port with waiters and leaving a port for another never abort or throw: they need no
// memory. A Post whose queue cannot grow fails with ERROR_NOT_ENOUGH_MEMORY, queuing nothing.
// Through the C API of libws2emu.so, whose allocations resolve to this executable's operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "ws2emu/ws2emu.h"

namespace {
thread_local bool t_fail_allocations = false;
}  // namespace

// The replaceable allocation functions: every form of new ends here, so arming the flag makes
// every allocation of this thread fail.
void *operator new(std::size_t size) {
  if (t_fail_allocations) throw std::bad_alloc();
  if (void *p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// Not inlined: GCC would otherwise see free() meet a pointer from `new` and warn
// (-Wmismatched-new-delete), not knowing that this operator new is malloc.
__attribute__((noinline)) void operator delete(void *p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void *p, std::size_t) noexcept { std::free(p); }
// The nothrow and array forms too: libstdc++'s would call the one above, but a sanitizer's
// runtime brings its own, which would pair its allocations with the free() below.
void *operator new(std::size_t size, const std::nothrow_t &) noexcept {
  try {
    return ::operator new(size);
  } catch (const std::bad_alloc &) {
    return nullptr;
  }
}
void *operator new[](std::size_t size) { return ::operator new(size); }
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept {
  return ::operator new(size, std::nothrow);
}
__attribute__((noinline)) void operator delete[](void *p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void *p, std::size_t) noexcept { std::free(p); }

namespace {

using std::chrono::milliseconds;

// Allocations fail on this thread while one of these lives.
class NoMemory {
 public:
  NoMemory() { t_fail_allocations = true; }
  ~NoMemory() { t_fail_allocations = false; }
};

HANDLE NewPort(DWORD concurrency) {
  return ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, concurrency);
}

// Makes the calling thread's thread object and port event (the memory a first Get needs,
// which it may fail for with ERROR_NOT_ENOUGH_MEMORY) before allocations are made to fail.
void Prepare(HANDLE port) {
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov;
  ASSERT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
  ASSERT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
}

TEST(PortWithoutMemory, AWaiterNeedsNoMemory) {
  HANDLE port = NewPort(0);
  Prepare(port);
  DWORD bytes = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED ov = nullptr;
  {
    NoMemory none;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 20));
  }
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
  // Released by a post from another thread, too.
  std::thread poster([&] {
    std::this_thread::sleep_for(milliseconds(50));
    EXPECT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 3, 4, nullptr));
  });
  {
    NoMemory none;
    EXPECT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 5000));
  }
  poster.join();
  EXPECT_EQ(bytes, 3u);
  EXPECT_EQ(key, 4u);
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST(PortWithoutMemory, AssociatingASocketNeedsNoMemory) {
  HANDLE port = NewPort(0);
  int err = 0;
  SOCKET s = ws2emu_upcall_table()->lpWPUCreateSocketHandle(1001, 1, &err);
  ASSERT_NE(s, INVALID_SOCKET);
  HANDLE associated;
  {
    NoMemory none;
    associated = ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), port, 9, 0);
  }
  EXPECT_EQ(associated, port);
  // The association holds: a completion goes to the port with its key.
  WSAOVERLAPPED ov = {};
  EXPECT_EQ(WPUCompleteOverlappedRequest(s, &ov, 0, 11, &err), 0);
  DWORD bytes = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED got = nullptr;
  EXPECT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 1000));
  EXPECT_EQ(key, 9u);
  EXPECT_EQ(bytes, 11u);
  EXPECT_EQ(ws2emu_upcall_table()->lpWPUCloseSocketHandle(s, &err), 0);
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST(PortWithoutMemory, ClosingAPortWithWaitersNeedsNoMemory) {
  // More waiters than the port wakes in one batch.
  constexpr int kWaiters = 40;
  HANDLE port = NewPort(0);
  std::atomic<int> ready{0}, abandoned{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&] {
      Prepare(port);
      ++ready;
      DWORD bytes;
      ULONG_PTR key;
      LPOVERLAPPED ov;
      if (!ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 10000) &&
          ws2emu_GetLastError() == ERROR_ABANDONED_WAIT_0)
        ++abandoned;
    });
  }
  while (ready.load() < kWaiters) std::this_thread::sleep_for(milliseconds(5));
  std::this_thread::sleep_for(milliseconds(200));  // let them block
  BOOL closed;
  {
    NoMemory none;
    closed = ws2emu_CloseHandle(port);
  }
  EXPECT_TRUE(closed);
  for (auto &w : waiters) w.join();
  EXPECT_EQ(abandoned.load(), kWaiters);
}

TEST(PortWithoutMemory, LeavingAPortForAnotherNeedsNoMemory) {
  // Concurrency 1: while this thread runs on `port`, a second packet stays queued and the
  // waiter blocks; when this thread waits on `other` instead, the port hands it the packet.
  HANDLE port = NewPort(1);
  HANDLE other = NewPort(0);
  Prepare(other);
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, 1, nullptr));
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov;
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));  // running now
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    DWORD b;
    ULONG_PTR k = 0;
    LPOVERLAPPED o;
    got = ws2emu_GetQueuedCompletionStatus(port, &b, &k, &o, 10000) && k == 2;
  });
  std::this_thread::sleep_for(milliseconds(200));  // let it block
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 2, 2, nullptr));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(got.load());  // held back by the concurrency value
  {
    NoMemory none;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(other, &bytes, &key, &ov, 0));
  }
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
  waiter.join();
  EXPECT_TRUE(got.load());
  EXPECT_TRUE(ws2emu_CloseHandle(other));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST(PortWithoutMemory, APostTheQueueCannotTakeFailsAndQueuesNothing) {
  HANDLE port = NewPort(0);
  {
    NoMemory none;  // the queue has no buffer yet: the first Post must grow it
    EXPECT_FALSE(ws2emu_PostQueuedCompletionStatus(port, 1, 1, nullptr));
  }
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, 1, nullptr));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

// The queue's segment, once made, takes packets without memory; when it is full the next packet
// needs a new segment, and without memory for it the Post fails with ERROR_NOT_ENOUGH_MEMORY,
// queuing nothing: every packet posted before comes out, in order, and nothing else.
TEST(PortWithoutMemory, APostThatNeedsANewSegmentFailsAndQueuesNothing) {
  HANDLE port = NewPort(0);
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, 0, nullptr));  // makes the first segment
  ULONG_PTR posted = 1;
  DWORD error = 0;
  {
    NoMemory none;
    while (posted < 1000000) {
      if (!ws2emu_PostQueuedCompletionStatus(port, 1, posted, nullptr)) {
        error = ws2emu_GetLastError();
        break;
      }
      ++posted;
    }
  }
  EXPECT_EQ(error, static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_GT(posted, 1u);
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 1, posted, nullptr));  // memory is back
  for (ULONG_PTR i = 0; i <= posted; ++i) {
    DWORD bytes;
    ULONG_PTR key = ~ULONG_PTR{0};
    LPOVERLAPPED ov;
    ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
    ASSERT_EQ(key, i);
  }
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

}  // namespace
