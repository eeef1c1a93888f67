// Threads and APCs (WPUOpenCurrentThread / WPUQueueApc / WPUCloseThread, QueueUserAPC, alertable
// waits). The suite runs once per wake backend (WS2EMU_APC=uring and =signal).
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "common/uring_probe.h"
#include "threads/thread.h"
#include "ws2emu/ws2emu.h"

namespace {

// Under WS2EMU_APC=uring every test needs io_uring with MSG_RING: where the kernel lacks it the
// runtime falls back to signals, and this run would only repeat apc-signal, so each test skips
// with the reason. Where the kernel has it, the runtime must have chosen it.
class Apc : public testing::Test {
 protected:
  void SetUp() override {
    const char *want = std::getenv("WS2EMU_APC");
    if (want == nullptr || std::strcmp(want, "uring") != 0) return;
    std::string why = MsgRingUnavailableReason();
    if (!why.empty()) GTEST_SKIP() << "WS2EMU_APC=uring needs io_uring with MSG_RING: " << why;
    ASSERT_STREQ(ws2emu_apc_backend(), "uring");
  }
};

const WSPUPCALLTABLE &T() { return *ws2emu_upcall_table(); }

thread_local std::vector<DWORD_PTR> *t_log = nullptr;
std::atomic<DWORD> g_ran_on{0};

VOID CALLBACK LogApc(DWORD_PTR context) {
  g_ran_on = ws2emu_GetCurrentThreadId();
  if (t_log != nullptr) t_log->push_back(context);
}

TEST_F(Apc, RunsInFifoOrderOnlyInAnAlertableWait) {
  std::vector<DWORD_PTR> log;
  t_log = &log;
  int err = 0;
  WSATHREADID id;
  ASSERT_EQ(T().lpWPUOpenCurrentThread(&id, &err), 0);
  for (DWORD_PTR i = 1; i <= 5; ++i) ASSERT_EQ(T().lpWPUQueueApc(&id, LogApc, i, &err), 0);
  // A non-alertable wait does not run them.
  EXPECT_EQ(ws2emu_SleepEx(0, FALSE), 0u);
  WSAEVENT e = WSACreateEvent();
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
  EXPECT_TRUE(log.empty());
  // An alertable one runs every pending APC, in order, then returns WAIT_IO_COMPLETION.
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, WSA_INFINITE, TRUE), WSA_WAIT_IO_COMPLETION);
  EXPECT_EQ(log, (std::vector<DWORD_PTR>{1, 2, 3, 4, 5}));
  EXPECT_EQ(ws2emu_SleepEx(0, TRUE), 0u);  // nothing left
  EXPECT_TRUE(WSACloseEvent(e));
  EXPECT_EQ(T().lpWPUCloseThread(&id, &err), 0);
  t_log = nullptr;
}

TEST_F(Apc, SignaledObjectWinsOverPendingApcs) {
  int err = 0;
  WSATHREADID id;
  ASSERT_EQ(T().lpWPUOpenCurrentThread(&id, &err), 0);
  WSAEVENT e = WSACreateEvent();
  WSASetEvent(e);
  ASSERT_EQ(T().lpWPUQueueApc(&id, LogApc, 1, &err), 0);
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 0, TRUE), WSA_WAIT_EVENT_0);
  EXPECT_EQ(ws2emu_SleepEx(0, TRUE), WAIT_IO_COMPLETION);
  WSACloseEvent(e);
  EXPECT_EQ(T().lpWPUCloseThread(&id, &err), 0);
}

TEST_F(Apc, QueuedFromAnotherThreadWakesTheWaiterAndRunsOnIt) {
  int err = 0;
  WSATHREADID id;
  ASSERT_EQ(T().lpWPUOpenCurrentThread(&id, &err), 0);
  const DWORD self = ws2emu_GetCurrentThreadId();
  g_ran_on = 0;
  std::thread producer([&] {
    // The provider keeps a copy of the structure, not the pointer.
    WSATHREADID copy = id;
    int e = 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(T().lpWPUQueueApc(&copy, LogApc, 9, &e), 0);
  });
  EXPECT_EQ(ws2emu_SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
  EXPECT_EQ(g_ran_on.load(), self);
  producer.join();
  EXPECT_EQ(T().lpWPUCloseThread(&id, &err), 0);
}

int g_nested = 0;
WSATHREADID g_nest_id;
VOID CALLBACK NestingApc(DWORD_PTR depth) {
  ++g_nested;
  int err = 0;
  if (depth < 3) {
    EXPECT_EQ(T().lpWPUQueueApc(&g_nest_id, NestingApc, depth + 1, &err), 0);
  }
  // An APC may itself wait.
  ws2emu_SleepEx(0, FALSE);
}

TEST_F(Apc, ApcQueuedByAnApcRunsBeforeTheWaitReturns) {
  int err = 0;
  ASSERT_EQ(T().lpWPUOpenCurrentThread(&g_nest_id, &err), 0);
  g_nested = 0;
  ASSERT_EQ(T().lpWPUQueueApc(&g_nest_id, NestingApc, 1, &err), 0);
  EXPECT_EQ(ws2emu_SleepEx(1000, TRUE), WAIT_IO_COMPLETION);
  EXPECT_EQ(g_nested, 3);
  EXPECT_EQ(T().lpWPUCloseThread(&g_nest_id, &err), 0);
}

TEST_F(Apc, QueueToAnExitedThreadFailsCleanly) {
  WSATHREADID id = {};
  std::thread t([&] {
    int err = 0;
    EXPECT_EQ(T().lpWPUOpenCurrentThread(&id, &err), 0);
  });
  t.join();
  int err = 0;
  EXPECT_EQ(T().lpWPUQueueApc(&id, LogApc, 1, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  // The thread object is signaled once the thread has gone.
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(id.ThreadHandle, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(T().lpWPUCloseThread(&id, &err), 0);
}

TEST_F(Apc, BadThreadIdsAreFaults) {
  int err = 0;
  EXPECT_EQ(T().lpWPUQueueApc(nullptr, LogApc, 1, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  WSATHREADID bogus = {reinterpret_cast<HANDLE>(0x7654), 0};
  err = 0;
  EXPECT_EQ(T().lpWPUQueueApc(&bogus, LogApc, 1, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  WSATHREADID id;
  ASSERT_EQ(T().lpWPUOpenCurrentThread(&id, &err), 0);
  err = 0;
  EXPECT_EQ(T().lpWPUQueueApc(&id, nullptr, 1, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(T().lpWPUCloseThread(&id, &err), 0);
  // Closing it twice: no longer a WSATHREADID from WPUOpenCurrentThread.
  err = 0;
  EXPECT_EQ(T().lpWPUCloseThread(&id, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
  EXPECT_EQ(T().lpWPUOpenCurrentThread(nullptr, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
}

TEST_F(Apc, QueueUserApcThroughOpenThread) {
  HANDLE h = ws2emu_OpenThread(THREAD_SET_CONTEXT, FALSE, ws2emu_GetCurrentThreadId());
  ASSERT_NE(h, nullptr);
  g_ran_on = 0;
  ASSERT_EQ(ws2emu_QueueUserAPC(reinterpret_cast<PAPCFUNC>(LogApc), h, 3), 1u);
  EXPECT_EQ(ws2emu_SleepEx(0, TRUE), WAIT_IO_COMPLETION);
  EXPECT_EQ(g_ran_on.load(), ws2emu_GetCurrentThreadId());
  EXPECT_TRUE(ws2emu_CloseHandle(h));
  EXPECT_EQ(ws2emu_QueueUserAPC(reinterpret_cast<PAPCFUNC>(LogApc), h, 3), 0u);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(ws2emu_OpenThread(THREAD_SET_CONTEXT, FALSE, 0x7fffffff), nullptr);
}

TEST_F(Apc, AlertableTimeoutStillTimesOut) {
  EXPECT_EQ(ws2emu_SleepEx(30, TRUE), 0u);
  WSAEVENT e = WSACreateEvent();
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &e, FALSE, 30, TRUE), WSA_WAIT_TIMEOUT);
  WSACloseEvent(e);
}

// ---- Discarded APCs (lib/threads' RegisterApcDiscard) ---------------------------------------

// TrackedApc(i) counts a run of APC i, DiscardTracked(i) a discard of it, and the thread the
// discard ran on.
constexpr int kTracked = 32;
std::atomic<int> g_runs[kTracked];
std::atomic<int> g_discards[kTracked];
std::atomic<long> g_discarded_on{0};

VOID CALLBACK TrackedApc(DWORD_PTR i) { g_runs[i].fetch_add(1); }
void DiscardTracked(DWORD_PTR i) {
  g_discards[i].fetch_add(1);
  g_discarded_on = syscall(SYS_gettid);
}
constinit ws2emu::ApcDiscard g_tracked{TrackedApc, DiscardTracked};

void ResetTracked() {
  for (int i = 0; i < kTracked; ++i) g_runs[i] = g_discards[i] = 0;
  g_discarded_on = 0;
}

// A thread that opens its WSATHREADID, hands it over, runs `body` on itself (told its own id),
// and exits when released. `id` stays open for the caller (close it with WPUCloseThread).
class Worker {
 public:
  template <typename Body>
  explicit Worker(Body body) {
    thread_ = std::thread([this, body] {
      int err = 0;
      EXPECT_EQ(T().lpWPUOpenCurrentThread(&id_, &err), 0);
      tid_ = syscall(SYS_gettid);
      body(id_);
      std::unique_lock<std::mutex> lock(mu_);
      ready_ = true;
      cv_.notify_all();
      cv_.wait(lock, [this] { return release_; });  // not an alertable wait: nothing runs
    });
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return ready_; });
  }
  // Lets the thread exit, and waits until it has.
  void Exit() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      release_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  WSATHREADID &id() { return id_; }
  long tid() const { return tid_; }

 private:
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false, release_ = false;
  WSATHREADID id_ = {};
  long tid_ = 0;
};

TEST_F(Apc, ApcsPendingAtThreadExitAreEachDiscardedOnceOnTheExitingThread) {
  ResetTracked();
  ws2emu::RegisterApcDiscard(&g_tracked);
  ws2emu::RegisterApcDiscard(&g_tracked);  // again: no effect
  Worker w([](WSATHREADID &) {});
  int err = 0;
  for (DWORD_PTR i = 0; i < 10; ++i) ASSERT_EQ(T().lpWPUQueueApc(&w.id(), TrackedApc, i, &err), 0);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(g_discards[i].load(), 0) << "discarded while alive";
  w.Exit();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(g_runs[i].load(), 0) << i;
    EXPECT_EQ(g_discards[i].load(), 1) << i;
  }
  EXPECT_EQ(g_discarded_on.load(), w.tid());
  // The thread object is signaled, its queue refuses, and a refused APC is neither run nor
  // discarded: its context is still the caller's.
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(w.id().ThreadHandle, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(T().lpWPUQueueApc(&w.id(), TrackedApc, 10, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(g_runs[10].load(), 0);
  EXPECT_EQ(g_discards[10].load(), 0);
  EXPECT_EQ(T().lpWPUCloseThread(&w.id(), &err), 0);
}

TEST_F(Apc, AnApcThatRanIsNeverDiscarded) {
  ResetTracked();
  ws2emu::RegisterApcDiscard(&g_tracked);
  // 0..4 run in the thread's alertable wait; 5..9 are queued after it and dropped at exit.
  Worker w([](WSATHREADID &self) {
    int err = 0;
    for (DWORD_PTR i = 0; i < 5; ++i) EXPECT_EQ(T().lpWPUQueueApc(&self, TrackedApc, i, &err), 0);
    EXPECT_EQ(ws2emu_SleepEx(0, TRUE), WAIT_IO_COMPLETION);
  });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(g_runs[i].load(), 1) << i;
  int err = 0;
  for (DWORD_PTR i = 5; i < 10; ++i) ASSERT_EQ(T().lpWPUQueueApc(&w.id(), TrackedApc, i, &err), 0);
  w.Exit();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(g_runs[i].load(), i < 5 ? 1 : 0) << i;
    EXPECT_EQ(g_discards[i].load(), i < 5 ? 0 : 1) << i;
  }
  EXPECT_EQ(T().lpWPUCloseThread(&w.id(), &err), 0);
}

VOID CALLBACK UntrackedApc(DWORD_PTR i) { g_runs[i].fetch_add(1); }

TEST_F(Apc, ADiscardFunctionServesOnlyItsOwnApcFunction) {
  ResetTracked();
  ws2emu::RegisterApcDiscard(&g_tracked);
  Worker w([](WSATHREADID &) {});
  int err = 0;
  ASSERT_EQ(T().lpWPUQueueApc(&w.id(), UntrackedApc, 0, &err), 0);  // no discard: just dropped
  ASSERT_EQ(T().lpWPUQueueApc(&w.id(), TrackedApc, 1, &err), 0);
  w.Exit();
  EXPECT_EQ(g_runs[0].load(), 0);
  EXPECT_EQ(g_discards[0].load(), 0);
  EXPECT_EQ(g_runs[1].load(), 0);
  EXPECT_EQ(g_discards[1].load(), 1);
  EXPECT_EQ(T().lpWPUCloseThread(&w.id(), &err), 0);
}

// A discard function that queues another APC to the thread being torn down: refused (the queue
// no longer takes APCs once discarding starts, so discarding always ends).
WSATHREADID g_requeue_to;
std::atomic<int> g_requeue_result{0}, g_requeue_error{0};
VOID CALLBACK RequeueApc(DWORD_PTR) {}
void RequeueDiscard(DWORD_PTR) {
  int err = 0;
  g_requeue_result = T().lpWPUQueueApc(&g_requeue_to, RequeueApc, 0, &err);
  g_requeue_error = err;
}
constinit ws2emu::ApcDiscard g_requeue{RequeueApc, RequeueDiscard};

TEST_F(Apc, ADiscardFunctionCannotQueueToTheExitingThread) {
  ws2emu::RegisterApcDiscard(&g_requeue);
  Worker w([](WSATHREADID &) {});
  g_requeue_to = w.id();
  g_requeue_result = 0;
  int err = 0;
  ASSERT_EQ(T().lpWPUQueueApc(&w.id(), RequeueApc, 0, &err), 0);
  w.Exit();
  EXPECT_EQ(g_requeue_result.load(), SOCKET_ERROR);
  EXPECT_EQ(g_requeue_error.load(), WSAEFAULT);
  EXPECT_EQ(T().lpWPUCloseThread(&w.id(), &err), 0);
}

}  // namespace
