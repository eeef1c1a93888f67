// Running out of descriptors: with the descriptor table full (RLIMIT_NOFILE lowered, the rest
// filled with dup), the first call on a thread that has no thread object yet fails with its
// documented error instead of aborting, and the same call on the same thread succeeds once
// descriptors are free again (the failure is not remembered). Runs once per wake backend
// (WS2EMU_APC=uring|signal), through the C API of libws2emu.so.
#include <errno.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "common/uring_probe.h"
#include "ws2emu/ws2emu.h"

namespace {

// winerror.h; the public header does not define it.
constexpr DWORD kErrorTooManyOpenFiles = ERROR_TOO_MANY_OPEN_FILES;

const WSPUPCALLTABLE &Upcalls() { return *ws2emu_upcall_table(); }

// Fills the process's descriptor table: the soft RLIMIT_NOFILE is lowered to a little above
// the highest descriptor open now (so filling takes a few dup calls, whatever the hard limit),
// then every free slot below it is taken with dup until EMFILE, except `leave_free` of them.
// Free() closes them all and restores the limit; so does the destructor.
class DescriptorTableFull {
 public:
  explicit DescriptorTableFull(int leave_free = 0) {
    EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &saved_), 0);
    int highest = 0;
    for (int fd = 0; fd < 4096; ++fd)
      if (IsOpen(fd)) highest = fd;
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(highest + 64);
    if (lowered.rlim_cur > saved_.rlim_cur) lowered.rlim_cur = saved_.rlim_cur;
    EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0) << std::strerror(errno);
    for (;;) {
      int fd = dup(0);
      if (fd < 0) {
        EXPECT_EQ(errno, EMFILE) << std::strerror(errno);
        break;
      }
      fds_.push_back(fd);
    }
    for (int i = 0; i < leave_free && !fds_.empty(); ++i) {
      close(fds_.back());
      fds_.pop_back();
    }
  }
  ~DescriptorTableFull() { Free(); }

  void Free() {
    for (int fd : fds_) close(fd);
    fds_.clear();
    if (!restored_) {
      EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &saved_), 0);
      restored_ = true;
    }
  }
  // How many descriptors can be opened now: counted by opening them, then closed again.
  static int FreeNow() {
    std::vector<int> taken;
    for (int fd; (fd = dup(0)) >= 0;) taken.push_back(fd);
    for (int fd : taken) close(fd);
    return static_cast<int>(taken.size());
  }

 private:
  static bool IsOpen(int fd) { return dup2(fd, fd) == fd; }
  rlimit saved_{};
  std::vector<int> fds_;
  bool restored_ = false;
};

// Runs `body` on a new thread: one that has no thread object, no ring, no message queue.
void OnNewThread(const std::function<void()> &body) {
  std::thread t(body);
  t.join();
}

std::atomic<int> g_apcs{0};
VOID CALLBACK CountApc(DWORD_PTR) { ++g_apcs; }
VOID WINAPI CountUserApc(ULONG_PTR) { ++g_apcs; }

class OutOfDescriptors : public testing::Test {
 protected:
  void SetUp() override {
    // The uring run tests the uring backend, or skips saying why: never the signal fallback.
    std::string why = UringRunWithoutUringReason();
    if (!why.empty()) GTEST_SKIP() << why;
    // The backend is decided (and its probe ring set up) while descriptors are plentiful, as
    // in a process that runs out of them later.
    const char *want = std::getenv("WS2EMU_APC");
    std::printf("wake backend: %s (WS2EMU_APC=%s)\n", ws2emu_apc_backend(),
                want != nullptr ? want : "");
    ASSERT_NE(ws2emu_upcall_table(), nullptr);  // marks the runtime initialised
    g_apcs = 0;
  }
};

TEST_F(OutOfDescriptors, WpuOpenCurrentThreadFailsWithEnobufsThenSucceeds) {
  OnNewThread([] {
    DescriptorTableFull full;
    WSATHREADID id = {};
    int err = 0;
    EXPECT_EQ(Upcalls().lpWPUOpenCurrentThread(&id, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSAENOBUFS);
    EXPECT_EQ(id.ThreadHandle, nullptr);
    full.Free();
    err = 0;
    ASSERT_EQ(Upcalls().lpWPUOpenCurrentThread(&id, &err), 0) << err;
    EXPECT_EQ(static_cast<DWORD>(id.Reserved), ws2emu_GetCurrentThreadId());
    ASSERT_EQ(Upcalls().lpWPUQueueApc(&id, CountApc, 1, &err), 0);
    EXPECT_EQ(ws2emu_SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(g_apcs.load(), 1);
    EXPECT_EQ(Upcalls().lpWPUCloseThread(&id, &err), 0);
  });
}

TEST_F(OutOfDescriptors, GetQueuedCompletionStatusFailsAndLeavesThePacketQueued) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ASSERT_NE(port, nullptr);
  OVERLAPPED ov = {};
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 7, 42, &ov));
  OnNewThread([&] {
    DescriptorTableFull full;
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED got = &ov;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
    EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
    EXPECT_EQ(got, nullptr);
    OVERLAPPED_ENTRY entries[4];
    ULONG removed = 9;
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatusEx(port, entries, 4, &removed, 0, TRUE));
    EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
    EXPECT_EQ(removed, 0u);
    full.Free();
    // Nothing was taken: the packet is still there for the same thread.
    ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
    EXPECT_EQ(bytes, 7u);
    EXPECT_EQ(key, 42u);
    EXPECT_EQ(got, &ov);
  });
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST_F(OutOfDescriptors, PortEventIsCreatedOnALaterCallAfterAFailure) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ASSERT_NE(port, nullptr);
  OnNewThread([&] {
    ws2emu_GetCurrentThreadId();  // the thread object exists; its port event does not yet
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED got = nullptr;
    {
      DescriptorTableFull full;
      EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
      EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
    }
    // An empty port now times out (the event was made this time) and a posted packet arrives.
    EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));
    std::thread poster([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      EXPECT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 3, 5, nullptr));
    });
    EXPECT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &got, 10000));
    EXPECT_EQ(key, 5u);
    poster.join();
  });
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

TEST_F(OutOfDescriptors, SleepExWithoutAThreadObjectSleepsThenApcsWork) {
  OnNewThread([] {
    {
      DescriptorTableFull full;
      EXPECT_EQ(ws2emu_SleepEx(10, TRUE), 0u);
      EXPECT_EQ(ws2emu_SleepEx(0, FALSE), 0u);
    }
    const DWORD tid = ws2emu_GetCurrentThreadId();
    HANDLE self = ws2emu_OpenThread(THREAD_SET_CONTEXT, FALSE, tid);
    ASSERT_NE(self, nullptr);
    ASSERT_EQ(ws2emu_QueueUserAPC(CountUserApc, self, 0), 1u);
    EXPECT_EQ(ws2emu_SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(g_apcs.load(), 1);
    EXPECT_TRUE(ws2emu_CloseHandle(self));
  });
}

TEST_F(OutOfDescriptors, WaitsFailWithTheirErrorAndTakeNothing) {
  HANDLE auto_event = ws2emu_CreateEventW(nullptr, FALSE, TRUE, nullptr);  // signaled
  ASSERT_NE(auto_event, nullptr);
  WSAEVENT wsa_event = WSACreateEvent();
  ASSERT_NE(wsa_event, nullptr);
  ASSERT_TRUE(WSASetEvent(wsa_event));
  OnNewThread([&] {
    DescriptorTableFull full;
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(auto_event, 0, FALSE), WAIT_FAILED);
    EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
    EXPECT_EQ(ws2emu_WaitForMultipleObjectsEx(1, &auto_event, TRUE, 0, TRUE), WAIT_FAILED);
    EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
    EXPECT_EQ(WSAWaitForMultipleEvents(1, &wsa_event, FALSE, 0, TRUE), WSA_WAIT_FAILED);
    EXPECT_EQ(WSAGetLastError(), WSA_NOT_ENOUGH_MEMORY);
    full.Free();
    // The auto-reset event was not taken by the failed waits.
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(auto_event, 0, FALSE), WAIT_OBJECT_0);
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(auto_event, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_EQ(WSAWaitForMultipleEvents(1, &wsa_event, FALSE, 0, TRUE), WSA_WAIT_EVENT_0);
  });
  EXPECT_TRUE(ws2emu_CloseHandle(auto_event));
  EXPECT_TRUE(WSACloseEvent(wsa_event));
}

TEST_F(OutOfDescriptors, MessageCallsFailWithTooManyOpenFilesThenWork) {
  // Without a thread object, and (second round) with one but no queue: both need a descriptor.
  for (bool object_first : {false, true}) {
    SCOPED_TRACE(object_first ? "thread object made first" : "no thread object");
    OnNewThread([&] {
      if (object_first) ws2emu_GetCurrentThreadId();
      MSG msg;
      {
        DescriptorTableFull full;
        EXPECT_FALSE(ws2emu_PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE));
        EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
        EXPECT_EQ(ws2emu_GetMessageW(&msg, nullptr, 0, 0), -1);
        EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
        EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, 0), WAIT_FAILED);
        EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
        EXPECT_FALSE(ws2emu_PostMessageW(nullptr, WM_USER, 1, 2));
        EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
      }
      ASSERT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 1, 2));
      ASSERT_TRUE(ws2emu_PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE));
      EXPECT_EQ(msg.message, static_cast<UINT>(WM_USER));
      EXPECT_EQ(msg.wParam, 1u);
    });
  }
}

TEST_F(OutOfDescriptors, MutexCallsWithoutAThreadObjectFailCleanly) {
  HANDLE mutex = ws2emu_CreateMutexW(nullptr, FALSE, nullptr);
  ASSERT_NE(mutex, nullptr);
  OnNewThread([&] {
    {
      DescriptorTableFull full;
      EXPECT_FALSE(ws2emu_ReleaseMutex(mutex));  // owns nothing
      EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_OWNER));
      EXPECT_EQ(ws2emu_WaitForSingleObjectEx(mutex, 0, FALSE), WAIT_FAILED);
      EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
    }
    {
      // One descriptor free: enough for the mutex's eventfd or for the owner's thread object,
      // not both. The call fails (the thread object, made first, keeps its descriptor: it is
      // the thread's from now on), and no mutex is left half made.
      DescriptorTableFull full(/*leave_free=*/1);
      ASSERT_EQ(DescriptorTableFull::FreeNow(), 1);
      EXPECT_EQ(ws2emu_CreateMutexW(nullptr, TRUE, nullptr), nullptr);
      EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
      EXPECT_EQ(DescriptorTableFull::FreeNow(), 0);
    }
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(mutex, 0, FALSE), WAIT_OBJECT_0);
    EXPECT_TRUE(ws2emu_ReleaseMutex(mutex));
    HANDLE owned = ws2emu_CreateMutexW(nullptr, TRUE, nullptr);
    ASSERT_NE(owned, nullptr);
    EXPECT_TRUE(ws2emu_ReleaseMutex(owned));
    EXPECT_TRUE(ws2emu_CloseHandle(owned));
  });
  EXPECT_TRUE(ws2emu_CloseHandle(mutex));
}

TEST_F(OutOfDescriptors, CurrentThreadPseudoHandleFailsWithTooManyOpenFiles) {
  OnNewThread([] {
    const DWORD linux_tid = static_cast<DWORD>(syscall(SYS_gettid));
    {
      DescriptorTableFull full;
      EXPECT_EQ(ws2emu_GetCurrentThreadId(), linux_tid);  // cannot fail, needs no object
      EXPECT_EQ(ws2emu_QueueUserAPC(CountUserApc, ws2emu_GetCurrentThread(), 0), 0u);
      EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
      EXPECT_EQ(ws2emu_GetThreadId(ws2emu_GetCurrentThread()), 0u);
      EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
      EXPECT_EQ(ws2emu_WaitForSingleObjectEx(ws2emu_GetCurrentThread(), 0, FALSE), WAIT_FAILED);
      EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
      // KERNEL32's thread calls, as PE code reaches them, say the same.
      using ResumeThreadFn = DWORD(WINAPI *)(HANDLE);
      using GetExitCodeThreadFn = BOOL(WINAPI *)(HANDLE, LPDWORD);
      auto resume = reinterpret_cast<ResumeThreadFn>(ws2emu_find_export("KERNEL32.dll", "ResumeThread"));
      auto exit_code = reinterpret_cast<GetExitCodeThreadFn>(
          ws2emu_find_export("KERNEL32.dll", "GetExitCodeThread"));
      ASSERT_NE(resume, nullptr);
      ASSERT_NE(exit_code, nullptr);
      EXPECT_EQ(resume(ws2emu_GetCurrentThread()), static_cast<DWORD>(-1));
      EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
      DWORD code = 0;
      EXPECT_FALSE(exit_code(ws2emu_GetCurrentThread(), &code));
      EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
    }
    EXPECT_EQ(ws2emu_GetThreadId(ws2emu_GetCurrentThread()), linux_tid);
    EXPECT_EQ(ws2emu_QueueUserAPC(CountUserApc, ws2emu_GetCurrentThread(), 0), 1u);
    EXPECT_EQ(ws2emu_SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(g_apcs.load(), 1);
  });
}

// How long a woken waiter may take to run its APC before the wake counts as lost. A bound on
// liveness, not a speed: a wake arrives in microseconds, a lost one never.
constexpr int kWakeBoundMs = 10000;

// Waits until g_apcs reaches `n` or the bound passes; true if it did.
bool ApcsReach(int n) {
  for (int i = 0; i < kWakeBoundMs && g_apcs.load() < n; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return g_apcs.load() >= n;
}

// A waiter blocked in an alertable wait with no timeout, and a producer that queues it an APC
// while the descriptor table is full: the wake must reach the waiter whatever the producer
// lacks, while the table is still full. (A lost wake is rescued afterwards by a second APC,
// so that the test ends.)
void ApcFromAStarvedProducerWakesTheWaiter(bool producer_has_object) {
  std::atomic<bool> waiting{false};
  std::atomic<DWORD> result{0};
  std::atomic<HANDLE> waiter_handle{nullptr};
  std::thread waiter([&] {
    waiter_handle = ws2emu_OpenThread(THREAD_SET_CONTEXT, FALSE, ws2emu_GetCurrentThreadId());
    EXPECT_EQ(ws2emu_SleepEx(1, TRUE), 0u);  // a wait that blocks sets up its ring (uring)
    waiting = true;
    result = ws2emu_SleepEx(INFINITE, TRUE);
  });
  while (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_NE(waiter_handle.load(), nullptr);
  OnNewThread([&] {
    if (producer_has_object) ws2emu_GetCurrentThreadId();  // an object, but no ring
    DescriptorTableFull full;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the waiter is blocked
    EXPECT_EQ(ws2emu_QueueUserAPC(CountUserApc, waiter_handle, 0), 1u);
    EXPECT_TRUE(ApcsReach(1)) << "the waiter was not woken: the wake was lost";
    full.Free();
    if (g_apcs.load() == 0) {  // rescue
      EXPECT_EQ(ws2emu_QueueUserAPC(CountUserApc, waiter_handle, 0), 1u);
    }
  });
  waiter.join();
  EXPECT_EQ(result.load(), WAIT_IO_COMPLETION);
  EXPECT_TRUE(ws2emu_CloseHandle(waiter_handle));
}

TEST_F(OutOfDescriptors, ApcFromAProducerWithoutAThreadObjectWakesTheWaiter) {
  ApcFromAStarvedProducerWakesTheWaiter(/*producer_has_object=*/false);
}

TEST_F(OutOfDescriptors, ApcFromAProducerWhoseRingCannotBeSetUpWakesTheWaiter) {
  ApcFromAStarvedProducerWakesTheWaiter(/*producer_has_object=*/true);
}

// A waiter whose own ring cannot be set up waits with ppoll and the signal, and is woken; its
// next wait, with descriptors free, sets the ring up.
TEST_F(OutOfDescriptors, AlertableWaitWithoutARingStillWakes) {
  HANDLE ready = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  ASSERT_NE(ready, nullptr);
  std::atomic<DWORD> tid{0};
  std::atomic<DWORD> first{0}, second{0};
  std::atomic<bool> full_now{false}, freed{false};
  std::thread waiter([&] {
    tid = ws2emu_GetCurrentThreadId();  // an object, no ring
    while (!full_now) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_TRUE(ws2emu_SetEvent(ready));
    first = ws2emu_SleepEx(INFINITE, TRUE);
    while (!freed) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    second = ws2emu_SleepEx(INFINITE, TRUE);
  });
  ws2emu_GetCurrentThreadId();  // this thread, the producer, has its object
  while (tid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  HANDLE h = ws2emu_OpenThread(THREAD_SET_CONTEXT, FALSE, tid);
  ASSERT_NE(h, nullptr);
  {
    DescriptorTableFull full;
    full_now = true;
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(ready, 10000, FALSE), WAIT_OBJECT_0);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(ws2emu_QueueUserAPC(CountUserApc, h, 0), 1u);
    EXPECT_TRUE(ApcsReach(1)) << "the waiter without a ring was not woken";
  }
  if (g_apcs.load() == 0) {  // rescue
    EXPECT_EQ(ws2emu_QueueUserAPC(CountUserApc, h, 0), 1u);
  }
  while (first.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(first.load(), WAIT_IO_COMPLETION);
  const int before = g_apcs.load();
  freed = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(ws2emu_QueueUserAPC(CountUserApc, h, 0), 1u);
  EXPECT_TRUE(ApcsReach(before + 1)) << "the waiter with its ring set up was not woken";
  if (g_apcs.load() == before) {  // rescue
    EXPECT_EQ(ws2emu_QueueUserAPC(CountUserApc, h, 0), 1u);
  }
  waiter.join();
  EXPECT_EQ(second.load(), WAIT_IO_COMPLETION);
  EXPECT_TRUE(ws2emu_CloseHandle(h));
  EXPECT_TRUE(ws2emu_CloseHandle(ready));
}

// CreateThread (emu's kernel32, as PE code calls it): the new thread cannot get its thread
// object, so the call fails with the error and the thread runs nothing; later it works.
using CreateThreadFn = HANDLE(WINAPI *)(LPSECURITY_ATTRIBUTES, SIZE_T, DWORD(WINAPI *)(LPVOID),
                                        LPVOID, DWORD, LPDWORD);
std::atomic<int> g_thread_runs{0};
DWORD WINAPI CountRun(LPVOID) {
  ++g_thread_runs;
  return 17;
}

TEST_F(OutOfDescriptors, CreateThreadFailsWithTooManyOpenFilesThenWorks) {
  auto create_thread =
      reinterpret_cast<CreateThreadFn>(ws2emu_find_export("kernel32.dll", "CreateThread"));
  ASSERT_NE(create_thread, nullptr);
  g_thread_runs = 0;
  {
    DescriptorTableFull full;
    DWORD tid = 0;
    EXPECT_EQ(create_thread(nullptr, 0, CountRun, nullptr, 0, &tid), nullptr);
    EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
  }
  EXPECT_EQ(g_thread_runs.load(), 0);
  HANDLE t = create_thread(nullptr, 0, CountRun, nullptr, 0, nullptr);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(t, 10000, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(g_thread_runs.load(), 1);
  EXPECT_TRUE(ws2emu_CloseHandle(t));
}

// Out of memory instead of descriptors. In a forked child (RLIMIT_AS is process-wide and the
// child's heap is filled to the brim), on a thread without a thread object, the first calls
// and the creation of ports and semaphores fail with WSAENOBUFS / ERROR_NOT_ENOUGH_MEMORY
// instead of throwing bad_alloc, and work once the memory is given back. The sanitizers
// reserve terabytes of shadow memory, which RLIMIT_AS cannot leave room for: skipped under
// them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kUnderSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kUnderSanitizer = true;
#else
constexpr bool kUnderSanitizer = false;
#endif
#else
constexpr bool kUnderSanitizer = false;
#endif

// Takes every byte malloc can still give (under the lowered RLIMIT_AS); the blocks are chained
// through their first word so that giving them back needs no memory.
void *FillHeap() {
  void *chain = nullptr;
  for (size_t size = size_t{1} << 30; size >= sizeof(void *);) {
    void *p = std::malloc(size);
    if (p == nullptr) {
      size /= 2;
      continue;
    }
    *static_cast<void **>(p) = chain;
    chain = p;
  }
  return chain;
}
void EmptyHeap(void *chain) {
  while (chain != nullptr) {
    void *next = *static_cast<void **>(chain);
    std::free(chain);
    chain = next;
  }
}

// The calls a child checks with its heap full: the first touch of a thread object, or the
// creation of an object whose memory is allocated by the call.
enum class OomCase { kThreadObject, kCreatePort, kPostToPort, kCreateSemaphore };

// Runs the case on a new thread with the heap full, then again once the memory is given back;
// 0 when every check held, else the number of the first that failed.
int OutOfMemoryChild(OomCase which) {
  ws2emu_upcall_table();
  ws2emu_apc_backend();
  HANDLE event = ws2emu_CreateEventW(nullptr, FALSE, TRUE, nullptr);
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  if (event == nullptr || port == nullptr) return 1;
  std::atomic<int> result{2};
  std::thread t([&] {
    long pages = 0;
    if (FILE *f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%ld", &pages) != 1) pages = 0;
      std::fclose(f);
    }
    if (pages <= 0) return;
    rlimit saved;
    getrlimit(RLIMIT_AS, &saved);
    rlimit lowered = saved;
    lowered.rlim_cur = static_cast<rlim_t>(pages) * sysconf(_SC_PAGESIZE) + (64 << 20);
    if (setrlimit(RLIMIT_AS, &lowered) != 0) return;
    void *heap = FillHeap();
    WSATHREADID id = {};
    int err = 0;
    int r = 0;
    if (void *more = std::malloc(64)) {  // the heap is not full: the test would prove nothing
      std::free(more);
      r = 3;
    } else if (which == OomCase::kThreadObject) {
      if (ws2emu_upcall_table()->lpWPUOpenCurrentThread(&id, &err) != SOCKET_ERROR ||
          err != WSAENOBUFS) {
        r = 10;
      } else if (ws2emu_WaitForSingleObjectEx(event, 0, FALSE) != WAIT_FAILED ||
                 ws2emu_GetLastError() != ERROR_NOT_ENOUGH_MEMORY) {
        r = 11;
      } else if (ws2emu_SleepEx(1, TRUE) != 0) {
        r = 12;
      }
    } else if (which == OomCase::kCreatePort) {
      if (ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0) != nullptr ||
          ws2emu_GetLastError() != ERROR_NOT_ENOUGH_MEMORY) {
        r = 20;
      }
    } else if (which == OomCase::kPostToPort) {
      // The port's queue has no room yet: the first packet needs memory.
      if (ws2emu_PostQueuedCompletionStatus(port, 1, 2, nullptr) ||
          ws2emu_GetLastError() != ERROR_NOT_ENOUGH_MEMORY) {
        r = 30;
      }
    } else if (which == OomCase::kCreateSemaphore) {
      if (ws2emu_CreateSemaphoreW(nullptr, 0, 1, nullptr) != nullptr ||
          ws2emu_GetLastError() != ERROR_NOT_ENOUGH_MEMORY) {
        r = 40;
      }
    }
    EmptyHeap(heap);
    setrlimit(RLIMIT_AS, &saved);
    if (r != 0) {
      result = r;
      return;
    }
    if (which == OomCase::kThreadObject) {
      if (ws2emu_upcall_table()->lpWPUOpenCurrentThread(&id, &err) != 0) r = 13;
      if (r == 0 && ws2emu_WaitForSingleObjectEx(event, 0, FALSE) != WAIT_OBJECT_0) r = 14;
      if (r == 0 && ws2emu_upcall_table()->lpWPUCloseThread(&id, &err) != 0) r = 15;
    } else if (which == OomCase::kCreatePort) {
      HANDLE another = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
      if (another == nullptr || !ws2emu_CloseHandle(another)) r = 21;
    } else if (which == OomCase::kPostToPort) {
      // Nothing was queued by the failed post: the queue holds exactly the one posted now.
      DWORD bytes = 0;
      ULONG_PTR key = 0;
      LPOVERLAPPED ov = nullptr;
      if (!ws2emu_PostQueuedCompletionStatus(port, 3, 4, nullptr)) r = 31;
      if (r == 0 && (!ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0) || key != 4))
        r = 32;
      if (r == 0 && ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0)) r = 33;
    } else if (which == OomCase::kCreateSemaphore) {
      HANDLE sem = ws2emu_CreateSemaphoreW(nullptr, 0, 1, nullptr);
      if (sem == nullptr || !ws2emu_CloseHandle(sem)) r = 41;
    }
    result = r;
  });
  t.join();
  return result;
}

class OutOfMemory : public testing::TestWithParam<OomCase> {};

TEST_P(OutOfMemory, CallFailsWithItsErrorThenWorks) {
  if (kUnderSanitizer) GTEST_SKIP() << "RLIMIT_AS leaves no room for a sanitizer's shadow memory";
  if (std::string why = UringRunWithoutUringReason(); !why.empty()) GTEST_SKIP() << why;
  std::fflush(nullptr);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(OutOfMemoryChild(GetParam()));
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  // 1, 2: the child could not set up; 3: the heap could not be filled; 10-12, 20, 30, 40: the
  // call with the heap full; the others: the same call afterwards.
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

INSTANTIATE_TEST_SUITE_P(Calls, OutOfMemory,
                         testing::Values(OomCase::kThreadObject, OomCase::kCreatePort,
                                         OomCase::kPostToPort, OomCase::kCreateSemaphore),
                         [](const testing::TestParamInfo<OomCase> &info) -> std::string {
                           switch (info.param) {
                             case OomCase::kThreadObject: return "ThreadObject";
                             case OomCase::kCreatePort: return "CreateIoCompletionPort";
                             case OomCase::kPostToPort: return "PostQueuedCompletionStatus";
                             case OomCase::kCreateSemaphore: return "CreateSemaphore";
                           }
                           return "Unknown";
                         });

// GetCurrentProcess() names an object made on first use; one that could not be made is made
// by a later call. Registered as its own test (a fresh process, where nothing has made it).
TEST(OutOfDescriptorsFreshProcess, CurrentProcessPseudoHandleIsRetried) {
  OnNewThread([] {
    ws2emu_GetCurrentThreadId();
    const HANDLE process = ws2emu_GetCurrentProcess();
    HANDLE dup = nullptr;
    {
      DescriptorTableFull full;
      EXPECT_FALSE(ws2emu_DuplicateHandle(process, process, process, &dup, 0, FALSE,
                                          DUPLICATE_SAME_ACCESS));
      EXPECT_EQ(ws2emu_GetLastError(), kErrorTooManyOpenFiles);
    }
    ASSERT_TRUE(ws2emu_DuplicateHandle(process, process, process, &dup, 0, FALSE,
                                       DUPLICATE_SAME_ACCESS));
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(dup, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_TRUE(ws2emu_CloseHandle(dup));
  });
}

}  // namespace
