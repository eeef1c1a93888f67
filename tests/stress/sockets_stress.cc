// lib/sockets under contention: provider calls that pin a socket race the close of its handle
// on another thread, with the socket associated with a completion port that the calls post to
// (WPUCompleteOverlappedRequest). Exact counts; run under ThreadSanitizer and AddressSanitizer
// in CI, which check that no call reads a record after it is freed.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "sockets/socket_record.h"
#include "ws2emu/ws2emu.h"

namespace {

using namespace ws2emu::sockets;  // NOLINT: the component under test

constexpr int kRounds = 2000;
constexpr int kCallers = 3;
constexpr int kCallsPerRound = 20;

TEST(SocketsStress, CloseRacingPinnedCallsAndCompletions) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ASSERT_NE(port, nullptr);
  std::atomic<uint64_t> current{0};
  std::atomic<int> round_done{0};
  std::atomic<bool> stop{false};
  std::atomic<long> pinned{0}, wrong{0}, completed{0}, refused{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&] {
      WSAOVERLAPPED ov = {};
      while (!stop.load(std::memory_order_acquire)) {
        const uint64_t word = current.load(std::memory_order_acquire);
        if (word == 0) continue;
        const uint64_t s = word & 0xffffffffu;
        const uint64_t context = word >> 32;
        for (int i = 0; i < kCallsPerRound; ++i) {
          if (SocketRef r = GetSocket(s)) {
            // What the Winsock API does around a provider call: read the owner, use the
            // record, complete the operation on it.
            if (r->catalog_id() != 1001u || r->context() != context) ++wrong;
            ++pinned;
          }
          int err = 0;
          if (WPUCompleteOverlappedRequest(s, &ov, 0, 1, &err) == 0) {
            ++completed;
          } else if (err == WSAEINVAL) {
            ++refused;  // closed: the documented error
          } else {
            ++wrong;
          }
        }
        round_done.fetch_add(1, std::memory_order_acq_rel);
      }
    });
  }
  int closed = 0;
  for (int round = 0; round < kRounds; ++round) {
    // One socket per round, associated with the port; callers see its handle and round in one
    // word (a handle is below 2^31), and check that the record they pin has that round's
    // context.
    const uint64_t context = 1000 + round;
    const uint64_t sock = CreateSocket(1001, context);
    ASSERT_NE(sock, 0u);
    ASSERT_EQ(ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(sock), port, sock, 0),
              port);
    const int before = round_done.load(std::memory_order_acquire);
    current.store(context << 32 | sock, std::memory_order_release);
    while (round_done.load(std::memory_order_acquire) == before) std::this_thread::yield();
    if (CloseSocket(sock, false)) ++closed;
    if (CloseSocket(sock, false)) ++closed;  // a second close always fails
    // Drain what the completions posted, so the queue stays small.
    OVERLAPPED_ENTRY entries[64];
    ULONG n = 0;
    while (ws2emu_GetQueuedCompletionStatusEx(port, entries, 64, &n, 0, FALSE) && n > 0) {
    }
  }
  stop.store(true, std::memory_order_release);
  for (auto &c : callers) c.join();
  EXPECT_EQ(closed, kRounds);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(pinned.load(), 0);
  EXPECT_GT(completed.load(), 0);
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

}  // namespace
