// Stress: APCs queued to threads while they exit. Every APC that WPUQueueApc accepted ends
// exactly one way, run in an alertable wait of its thread or discarded when the thread exits
// (lib/threads' RegisterApcDiscard); every one it refused ends neither way. Runs once per wake
// backend (WS2EMU_APC=uring and =signal), and under -Db_sanitize=thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/uring_probe.h"
#include "threads/thread.h"
#include "ws2emu/ws2emu.h"

namespace {

constexpr int kRounds = 150;
constexpr int kProducers = 3;
constexpr size_t kCapacity = size_t{1} << 21;  // contexts (APCs) over the whole test
// Each producer queues this many APCs per round as fast as it can, then one every 20 us until
// it is refused, so a round (and the memory it takes) stays bounded however fast a machine is.
constexpr int kBurst = 1000;

// Per context: queued (accepted by WPUQueueApc), refused, ran, discarded.
struct Outcomes {
  std::atomic<uint8_t> queued[kCapacity];
  std::atomic<uint8_t> refused[kCapacity];
  std::atomic<uint8_t> ran[kCapacity];
  std::atomic<uint8_t> discarded[kCapacity];
};
Outcomes *g_out = nullptr;
std::atomic<size_t> g_next{0};     // the next context
std::atomic<bool> g_full{false};   // kCapacity reached: stop queuing
std::atomic<long> g_round_ran{0};  // APCs run in the current round
std::atomic<long> g_round_queued{0};

VOID CALLBACK StressApc(DWORD_PTR i) {
  g_out->ran[i].fetch_add(1);
  g_round_ran.fetch_add(1);
}
void DiscardStressApc(DWORD_PTR i) { g_out->discarded[i].fetch_add(1); }
constinit ws2emu::ApcDiscard g_stress_discard{StressApc, DiscardStressApc};

const WSPUPCALLTABLE &T() { return *ws2emu_upcall_table(); }

TEST(ApcDiscardStress, EachQueuedApcRunsOrIsDiscardedExactlyOnceWhileItsThreadExits) {
  if (std::string why = UringRunWithoutUringReason(); !why.empty()) GTEST_SKIP() << why;
  auto outcomes = std::make_unique<Outcomes>();  // zeroed: value-initialised atomics
  g_out = outcomes.get();
  ws2emu::RegisterApcDiscard(&g_stress_discard);
  for (int round = 0; round < kRounds && !g_full.load(); ++round) {
    g_round_ran = 0;
    g_round_queued = 0;
    std::atomic<bool> id_ready{false};
    WSATHREADID id = {};
    // The target: some alertable waits (APCs run) until at least one APC has run, then, once
    // at least one is pending, it exits while the producers are still queuing.
    const int waits = 1 + round % 7;
    std::thread target([&] {
      int err = 0;
      EXPECT_EQ(T().lpWPUOpenCurrentThread(&id, &err), 0);
      id_ready.store(true, std::memory_order_release);
      for (int i = 0; i < waits || (g_round_ran.load() == 0 && !g_full.load()); ++i) {
        ws2emu_SleepEx(i < waits ? 0 : 1, TRUE);
      }
      // Nothing runs from here on, so more queued than ran means one is pending (the count is
      // raised after the APC is in the queue, never before).
      while (g_round_queued.load() <= g_round_ran.load() && !g_full.load()) {
        std::this_thread::yield();
      }
    });
    while (!id_ready.load(std::memory_order_acquire)) std::this_thread::yield();
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p) {
      producers.emplace_back([&] {
        WSATHREADID copy = id;  // the provider's rule: a copy of the structure
        for (int n = 0;; ++n) {
          if (n >= kBurst) std::this_thread::sleep_for(std::chrono::microseconds(20));
          const size_t i = g_next.fetch_add(1);
          if (i >= kCapacity) {
            g_full = true;
            return;
          }
          int err = 0;
          if (T().lpWPUQueueApc(&copy, StressApc, i, &err) == 0) {
            g_out->queued[i].store(1);
            g_round_queued.fetch_add(1);
          } else {
            EXPECT_EQ(err, WSAEFAULT);  // the thread has exited
            g_out->refused[i].store(1);
            return;
          }
        }
      });
    }
    target.join();
    for (std::thread &t : producers) t.join();
    int err = 0;
    EXPECT_EQ(T().lpWPUCloseThread(&id, &err), 0);
  }
  ASSERT_FALSE(g_full.load()) << "raise kCapacity: the rounds queued more than it holds";
  const size_t used = g_next.load();
  size_t queued = 0, ran = 0, discarded = 0, refused = 0;
  for (size_t i = 0; i < used; ++i) {
    const int q = g_out->queued[i].load(), f = g_out->refused[i].load();
    const int r = g_out->ran[i].load(), d = g_out->discarded[i].load();
    ASSERT_EQ(q + f, 1) << "context " << i << " was neither queued nor refused";
    if (q == 1) {
      ASSERT_EQ(r + d, 1) << "context " << i << ": ran " << r << ", discarded " << d;
    } else {
      ASSERT_EQ(r + d, 0) << "refused context " << i << ": ran " << r << ", discarded " << d;
    }
    queued += q;
    refused += f;
    ran += r;
    discarded += d;
  }
  // Both ends were taken in every round (the target waits for a run, and exits with one
  // pending), and every producer ended on a refusal.
  EXPECT_GE(ran, static_cast<size_t>(kRounds));
  EXPECT_GE(discarded, static_cast<size_t>(kRounds));
  EXPECT_EQ(refused, static_cast<size_t>(kRounds * kProducers));
  std::printf("[ apc-discard ] %zu APCs queued: %zu ran, %zu discarded; %zu refused\n", queued, ran,
              discarded, refused);
  g_out = nullptr;
}

}  // namespace
