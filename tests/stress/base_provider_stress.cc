// The base provider's overlapped engine under churn: 8 threads issue overlapped sends and
// receives on a shared pool of connected sockets, and close and replace sockets while other
// threads' operations are pending on them (close racing pending I/O). Every socket is
// associated with one completion port; a collector counts the completions. Exact counts:
// every operation that was accepted (0 or WSA_IO_PENDING) is delivered exactly once, none that
// was refused is, and after the last close nothing is left. Also run under TSan and ASan/LSan
// (.ci/run), which check the races and the leaks.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "base_provider/base_provider.h"
#include "../base_provider/fixture.h"
#include "ws2emu/ws2emu.h"

namespace {

constexpr int kThreads = 8;
constexpr int kSlots = 32;
constexpr int kIterations = 1500;

// One overlapped operation, freed by the collector when its completion arrives.
struct Op {
  WSAOVERLAPPED ov;  // first: the completion's LPOVERLAPPED is the Op
  char buffer[512];
  std::atomic<int> delivered{0};
  bool send = false;
};

class BaseProviderStress : public bp_test::BaseProviderTest {
 protected:
  // A connected pair over loopback, both associated with the port.
  bool NewPair(SOCKET listener, const WS_sockaddr_in6 &address, int length, SOCKET *a,
               SOCKET *b) {
    WSAPROTOCOL_INFOW info = bp_test::Entry(WS_AF_INET, WS_SOCK_STREAM);
    int error = 0;
    *a = procs_.lpWSPSocket(WS_AF_INET, WS_SOCK_STREAM, 0, &info, 0, WSA_FLAG_OVERLAPPED, &error);
    if (*a == INVALID_SOCKET) return false;
    if (procs_.lpWSPConnect(*a, reinterpret_cast<const WS_sockaddr *>(&address), length, nullptr,
                            nullptr, nullptr, nullptr, &error) != 0) {
      procs_.lpWSPCloseSocket(*a, &error);
      return false;
    }
    *b = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
    if (*b == INVALID_SOCKET) {
      procs_.lpWSPCloseSocket(*a, &error);
      return false;
    }
    EXPECT_EQ(ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(*a), port_, 1, 0), port_);
    EXPECT_EQ(ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(*b), port_, 2, 0), port_);
    return true;
  }

  HANDLE port_ = nullptr;
  std::atomic<SOCKET> slots_[kSlots];
  std::atomic<long> accepted_{0};   // operations that returned 0 or WSA_IO_PENDING
  std::atomic<long> completed_{0};  // completions the collector took
  std::atomic<long> duplicates_{0};
};

TEST_F(BaseProviderStress, ChurnWithCloseRacingPendingIo) {
  port_ = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ASSERT_NE(port_, nullptr);
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(WS_AF_INET, &listener, &address, &length);
  for (int i = 0; i < kSlots; i += 2) {
    SOCKET a, b;
    ASSERT_TRUE(NewPair(listener, address, length, &a, &b));
    slots_[i] = a;
    slots_[i + 1] = b;
  }
  std::mutex listener_mu;  // one accept at a time, so each thread gets its own connection

  std::atomic<bool> workers_done{false};
  std::thread collector([&] {
    for (;;) {
      DWORD bytes;
      ULONG_PTR key;
      LPOVERLAPPED ov = nullptr;
      ws2emu_GetQueuedCompletionStatus(port_, &bytes, &key, &ov, 50);
      if (ov == nullptr) {
        if (workers_done.load() && completed_.load() == accepted_.load()) return;
        continue;
      }
      Op *op = reinterpret_cast<Op *>(ov);
      if (op->delivered.fetch_add(1) != 0) duplicates_.fetch_add(1);
      completed_.fetch_add(1);
      delete op;  // exactly once: a second delivery would be a use after free (ASan)
    }
  });

  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      for (int i = 0; i < kIterations; ++i) {
        const int slot = static_cast<int>(rng() % kSlots);
        const SOCKET s = slots_[slot].load();
        const unsigned what = rng() % 16;
        int error = 0;
        if (what < 7) {  // receive
          Op *op = new Op();
          WSABUF b = {sizeof(op->buffer), op->buffer};
          DWORD got = 0, flags = 0;
          const int r = procs_.lpWSPRecv(s, &b, 1, &got, &flags, &op->ov, nullptr, nullptr, &error);
          if (r == 0 || error == WSA_IO_PENDING) {
            accepted_.fetch_add(1);
          } else {
            delete op;  // refused (the socket was closed): never delivered
          }
        } else if (what < 14) {  // send
          Op *op = new Op();
          op->send = true;
          std::memset(op->buffer, 'x', sizeof(op->buffer));
          WSABUF b = {static_cast<ULONG>(1 + rng() % sizeof(op->buffer)), op->buffer};
          DWORD sent = 0;
          const int r = procs_.lpWSPSend(s, &b, 1, &sent, 0, &op->ov, nullptr, nullptr, &error);
          if (r == 0 || error == WSA_IO_PENDING) {
            accepted_.fetch_add(1);
          } else {
            delete op;
          }
        } else {  // close one end of a pair and put a fresh pair in its place
          SOCKET a, b;
          bool made;
          {
            std::lock_guard<std::mutex> lock(listener_mu);
            made = NewPair(listener, address, length, &a, &b);
          }
          if (!made) continue;
          const int other = static_cast<int>(rng() % kSlots);
          const SOCKET old1 = slots_[slot].exchange(a);
          const SOCKET old2 = slots_[other].exchange(b);
          procs_.lpWSPCloseSocket(old1, &error);
          if (old2 != old1) procs_.lpWSPCloseSocket(old2, &error);
        }
      }
    });
  }
  for (std::thread &w : workers) w.join();
  // The last closes abort whatever is still pending.
  int error = 0;
  for (auto &slot : slots_) procs_.lpWSPCloseSocket(slot.load(), &error);
  workers_done = true;
  collector.join();
  EXPECT_EQ(completed_.load(), accepted_.load());
  EXPECT_EQ(duplicates_.load(), 0);
  EXPECT_GT(accepted_.load(), kThreads * kIterations / 2);
  DWORD bytes;
  ULONG_PTR key;
  LPOVERLAPPED ov = nullptr;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port_, &bytes, &key, &ov, 0));
  EXPECT_EQ(ov, nullptr);
  Close(listener);
  ws2emu_CloseHandle(port_);
}

}  // namespace
