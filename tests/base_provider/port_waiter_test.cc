// A thread waiting on a completion port runs the io_uring engine itself instead of sleeping
// until the reaper thread posts its packet (iocp::IdleRunner, lib/base_provider/overlapped.cc
// RunWhileIdle). What must hold while it does: its own packets reach it; a packet posted by
// another thread, the port's closing and its timeout end its wait; completions for other
// ports, events and sockets still run; many waiters and posters at once lose nothing. Under the
// epoll engine (the -epoll run of this suite) no waiter runs the engine: the cases that need it
// are skipped there, the others run as they are.
#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "base_provider/overlapped.h"
#include "fixture.h"

namespace {

using bp_test::BaseProviderTest;
using bp_test::GetOne;
using bp_test::Got;
using ws2emu::base_provider::EngineName;
using ws2emu::base_provider::PortWaitsThatRanTheEngine;

constexpr DWORD kGuard = 20000;  // ms: a failure guard only, never a timing assertion

class PortWaiter : public BaseProviderTest {
 protected:
  void SetUp() override {
    BaseProviderTest::SetUp();
    Pair(WS_AF_INET, &client_, &server_);
    port_ = ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(server_), nullptr, 7, 0);
    ASSERT_NE(port_, nullptr);
    // A receive that waits: the engine has something to wait for, so a waiter may run it.
    std::memset(&recv_ov_, 0, sizeof(recv_ov_));
    WSABUF b = {sizeof(buffer_), buffer_};
    DWORD got = 0, flags = 0;
    int error = 0;
    ASSERT_EQ(procs_.lpWSPRecv(server_, &b, 1, &got, &flags, &recv_ov_, nullptr, nullptr, &error),
              SOCKET_ERROR);
    ASSERT_EQ(error, WSA_IO_PENDING);
  }
  void TearDown() override {
    Close(client_);
    Close(server_);
    if (port_ != nullptr) ws2emu_CloseHandle(port_);
    BaseProviderTest::TearDown();
  }
  static bool Uring() { return std::string(EngineName()) == "io_uring"; }
  // Waits until a port waiter has entered the engine since `before`. The bound is the failure
  // guard (kGuard), not a count of yields: on a loaded machine the waiter's thread may not run
  // for a long time, and 200,000 yields once passed before it did.
  static bool WaiterEntered(uint64_t before) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kGuard);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PortWaitsThatRanTheEngine() > before) return true;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return false;
  }

  SOCKET client_ = INVALID_SOCKET, server_ = INVALID_SOCKET;
  HANDLE port_ = nullptr;
  WSAOVERLAPPED recv_ov_;
  char buffer_[64];
};

TEST_F(PortWaiter, AWaiterRunsTheEngineAndGetsItsOwnPacket) {
  if (!Uring()) GTEST_SKIP() << "the epoll engine runs on its own thread only";
  const uint64_t before = PortWaitsThatRanTheEngine();
  Got got;
  std::thread waiter([&] { got = GetOne(port_, kGuard); });
  ASSERT_TRUE(WaiterEntered(before));
  SendAll(client_, "ping");
  waiter.join();
  ASSERT_TRUE(got.ok) << got.error;
  EXPECT_EQ(got.key, 7u);
  EXPECT_EQ(got.overlapped, &recv_ov_);
  EXPECT_EQ(std::string(buffer_, got.bytes), "ping");
}

TEST_F(PortWaiter, APostFromAnotherThreadEndsTheWait) {
  if (!Uring()) GTEST_SKIP() << "the epoll engine runs on its own thread only";
  const uint64_t before = PortWaitsThatRanTheEngine();
  Got got;
  // INFINITE: only the post can end this wait (a lost wake hangs the test, which fails).
  std::thread waiter([&] { got = GetOne(port_, INFINITE); });
  ASSERT_TRUE(WaiterEntered(before));
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port_, 11, 99, nullptr));
  waiter.join();
  ASSERT_TRUE(got.ok) << got.error;
  EXPECT_EQ(got.key, 99u);
  EXPECT_EQ(got.bytes, 11u);
  EXPECT_EQ(got.overlapped, nullptr);
  // The receive is still pending, and still completes through the port.
  SendAll(client_, "late");
  Got later = GetOne(port_, kGuard);
  ASSERT_TRUE(later.ok) << later.error;
  EXPECT_EQ(later.overlapped, &recv_ov_);
  EXPECT_EQ(std::string(buffer_, later.bytes), "late");
}

TEST_F(PortWaiter, TheTimeoutIsKeptInsideTheEngine) {
  Got got = GetOne(port_, 30);
  EXPECT_FALSE(got.ok);
  EXPECT_EQ(got.error, static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(got.overlapped, nullptr);
  // Nothing was lost meanwhile.
  SendAll(client_, "x");
  Got later = GetOne(port_, kGuard);
  ASSERT_TRUE(later.ok) << later.error;
  EXPECT_EQ(later.overlapped, &recv_ov_);
}

TEST_F(PortWaiter, ClosingThePortEndsTheWait) {
  if (!Uring()) GTEST_SKIP() << "the epoll engine runs on its own thread only";
  const uint64_t before = PortWaitsThatRanTheEngine();
  Got got;
  // INFINITE: only the close can end this wait (a lost wake hangs the test, which fails).
  std::thread waiter([&] { got = GetOne(port_, INFINITE); });
  ASSERT_TRUE(WaiterEntered(before));
  EXPECT_TRUE(ws2emu_CloseHandle(port_));
  port_ = nullptr;
  waiter.join();
  EXPECT_FALSE(got.ok);
  EXPECT_EQ(got.error, static_cast<DWORD>(ERROR_ABANDONED_WAIT_0));
}

TEST_F(PortWaiter, OtherCompletionsRunWhileAWaiterHasTheEngine) {
  if (!Uring()) GTEST_SKIP() << "the epoll engine runs on its own thread only";
  // A second pair whose receive completes to an event, not to the port.
  SOCKET c2, s2;
  Pair(WS_AF_INET, &c2, &s2);
  WSAEVENT event = WSACreateEvent();
  WSAOVERLAPPED ov = {};
  ov.hEvent = event;
  char b2[16];
  WSABUF b = {sizeof(b2), b2};
  DWORD n = 0, flags = 0;
  int error = 0;
  ASSERT_EQ(procs_.lpWSPRecv(s2, &b, 1, &n, &flags, &ov, nullptr, nullptr, &error), SOCKET_ERROR);
  ASSERT_EQ(error, WSA_IO_PENDING);
  const uint64_t before = PortWaitsThatRanTheEngine();
  Got got;
  std::thread waiter([&] { got = GetOne(port_, kGuard); });
  ASSERT_TRUE(WaiterEntered(before));
  SendAll(c2, "other");
  EXPECT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ov.InternalHigh, 5u);
  EXPECT_EQ(std::string(b2, 5), "other");
  ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port_, 0, 1, nullptr));
  waiter.join();
  EXPECT_TRUE(got.ok);
  EXPECT_EQ(got.key, 1u);
  WSACloseEvent(event);
  Close(c2);
  Close(s2);
}

// Three workers serve an echo over 16 connections through one port while a fourth thread posts
// marker packets: every byte comes back, in order, and every marker is taken exactly once.
TEST_F(PortWaiter, ManyWaitersAndPostersLoseNothing) {
  constexpr int kConnections = 16;
  constexpr int kRounds = 60;
  constexpr int kWorkers = 3;
  constexpr int kMarkers = 500;
  constexpr ULONG_PTR kMarker = 1000, kStop = 1001;
  struct Conn {
    SOCKET client, server;
    WSAOVERLAPPED recv_ov, send_ov;
    char buffer[64];
  };
  std::vector<Conn> conns(kConnections);
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ASSERT_NE(port, nullptr);
  auto post_recv = [&](Conn &k) {
    std::memset(&k.recv_ov, 0, sizeof(k.recv_ov));
    WSABUF b = {sizeof(k.buffer), k.buffer};
    DWORD got = 0, flags = 0;
    int error = 0;
    const int r =
        procs_.lpWSPRecv(k.server, &b, 1, &got, &flags, &k.recv_ov, nullptr, nullptr, &error);
    return r == 0 || error == WSA_IO_PENDING;
  };
  for (int i = 0; i < kConnections; ++i) {
    Pair(WS_AF_INET, &conns[i].client, &conns[i].server);
    ASSERT_EQ(ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(conns[i].server), port,
                                            static_cast<ULONG_PTR>(i), 0),
              port);
    ASSERT_TRUE(post_recv(conns[i]));
  }
  std::atomic<int> markers{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      for (;;) {
        Got g = GetOne(port, kGuard);
        if (!g.ok) {
          if (g.overlapped == nullptr) {  // the guard ran out: the test fails below
            failures.fetch_add(1);
            return;
          }
          continue;
        }
        if (g.key == kStop) return;
        if (g.key == kMarker) {
          markers.fetch_add(1);
          continue;
        }
        Conn &k = conns[g.key];
        if (g.overlapped == &k.recv_ov) {
          if (g.bytes == 0) continue;
          std::memset(&k.send_ov, 0, sizeof(k.send_ov));
          WSABUF b = {g.bytes, k.buffer};
          DWORD sent = 0;
          int error = 0;
          if (procs_.lpWSPSend(k.server, &b, 1, &sent, 0, &k.send_ov, nullptr, nullptr, &error) != 0 &&
              error != WSA_IO_PENDING) {
            failures.fetch_add(1);
          }
        } else if (!post_recv(k)) {
          failures.fetch_add(1);
        }
      }
    });
  }
  std::thread poster([&] {
    for (int i = 0; i < kMarkers; ++i) {
      if (!ws2emu_PostQueuedCompletionStatus(port, 0, kMarker, nullptr)) failures.fetch_add(1);
      if (i % 16 == 0) std::this_thread::yield();
    }
  });
  for (int r = 0; r < kRounds; ++r) {
    for (int i = 0; i < kConnections; ++i) {
      SendAll(conns[i].client, "round " + std::to_string(r) + " conn " + std::to_string(i));
    }
    for (int i = 0; i < kConnections; ++i) {
      const std::string want = "round " + std::to_string(r) + " conn " + std::to_string(i);
      ASSERT_EQ(ReceiveExactly(conns[i].client, want.size()), want);
    }
  }
  poster.join();
  for (int w = 0; w < kWorkers; ++w) ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port, 0, kStop, nullptr));
  for (std::thread &t : workers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(markers.load(), kMarkers);
  for (Conn &k : conns) {
    Close(k.client);
    Close(k.server);
  }
  ws2emu_CloseHandle(port);
}

}  // namespace
