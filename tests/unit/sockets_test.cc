// lib/sockets: the socket record (owning provider, context, IFS, completion port), pinning, and
// the rule that a SOCKET is not a kernel handle (CloseHandle, DuplicateHandle, the waits).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "handles/handle_table.h"
#include "sockets/socket_record.h"
#include "ws2emu/ws2emu.h"

namespace {

using ws2emu::HandleTable;
using ws2emu::ObjectType;
using ws2emu::Ref;
using namespace ws2emu::sockets;  // NOLINT: the component under test

HANDLE AsHandle(uint64_t s) { return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(s)); }

TEST(SocketRecord, ANonIfsSocketPublishesItsContextAndClosesOnce) {
  const uint64_t s = CreateSocket(1001, 0xfeedULL);
  ASSERT_NE(s, 0u);
  uint64_t context = 0;
  ASSERT_TRUE(QueryContext(s, &context));
  EXPECT_EQ(context, 0xfeedULL);
  {
    SocketRef r = GetSocket(s);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->ifs());
    EXPECT_EQ(r->catalog_id(), 1001u);
    EXPECT_EQ(r->context(), 0xfeedULL);
  }
  EXPECT_FALSE(CloseSocket(s, /*ifs=*/true));  // the wrong kind: nothing closed
  EXPECT_TRUE(QueryContext(s, &context));
  EXPECT_TRUE(CloseSocket(s, /*ifs=*/false));
  EXPECT_FALSE(QueryContext(s, &context));
  EXPECT_FALSE(GetSocket(s));
  EXPECT_FALSE(CloseSocket(s, /*ifs=*/false));
}

TEST(SocketRecord, AnIfsSocketHasNoContextAndTakesANewOwner) {
  const uint64_t s = CreateIfsSocket(1001);
  ASSERT_NE(s, 0u);
  uint64_t context = 7;
  EXPECT_FALSE(QueryContext(s, &context));
  EXPECT_EQ(context, 7u);  // untouched
  EXPECT_TRUE(RegisterIfs(s, 1005));
  EXPECT_EQ(GetSocket(s)->catalog_id(), 1005u);
  EXPECT_FALSE(RegisterIfs(s, 0x80000000u));  // no catalog ID is that large
  EXPECT_EQ(GetSocket(s)->catalog_id(), 1005u);
  const uint64_t plain = CreateSocket(1001, 1);
  EXPECT_FALSE(RegisterIfs(plain, 1005));  // not an IFS handle
  EXPECT_EQ(GetSocket(plain)->catalog_id(), 1001u);
  EXPECT_FALSE(CloseSocket(s, /*ifs=*/false));
  EXPECT_TRUE(CloseSocket(s, /*ifs=*/true));
  EXPECT_FALSE(RegisterIfs(s, 1005));  // closed
  EXPECT_TRUE(CloseSocket(plain, /*ifs=*/false));
}

TEST(SocketRecord, APinnedRecordOutlivesItsHandle) {
  const uint64_t s = CreateSocket(1002, 42);
  SocketRef pinned = GetSocket(s);
  ASSERT_TRUE(pinned);
  EXPECT_TRUE(CloseSocket(s, /*ifs=*/false));
  // The handle is gone at once; the record the call pinned is intact until it lets go.
  EXPECT_FALSE(GetSocket(s));
  uint64_t context;
  EXPECT_FALSE(QueryContext(s, &context));
  EXPECT_EQ(pinned->context(), 42u);
  EXPECT_EQ(pinned->catalog_id(), 1002u);
}

TEST(SocketRecord, TheCompletionPortIsSetOnce) {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  ASSERT_NE(port, nullptr);
  const uint64_t s = CreateSocket(1001, 1);
  uint64_t key = 0;
  EXPECT_FALSE(GetSocket(s)->CompletionPort(&key));
  EXPECT_EQ(ws2emu_CreateIoCompletionPort(AsHandle(s), port, 77, 0), port);
  // A second association, to the same port or a new one, is refused and changes nothing.
  EXPECT_EQ(ws2emu_CreateIoCompletionPort(AsHandle(s), port, 78, 0), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_CreateIoCompletionPort(AsHandle(s), nullptr, 79, 0), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  const size_t ports = HandleTable::Get().CountOpen(ObjectType::kPort);
  Ref<ws2emu::Object> associated = GetSocket(s)->CompletionPort(&key);
  EXPECT_TRUE(associated);
  EXPECT_EQ(key, 77u);
  // An IFS socket takes a port too.
  const uint64_t ifs = CreateIfsSocket(1001);
  EXPECT_EQ(ws2emu_CreateIoCompletionPort(AsHandle(ifs), port, 5, 0), port);
  EXPECT_TRUE(GetSocket(ifs)->CompletionPort(&key));
  EXPECT_EQ(key, 5u);
  EXPECT_TRUE(CloseSocket(ifs, /*ifs=*/true));
  EXPECT_EQ(HandleTable::Get().CountOpen(ObjectType::kPort), ports);  // the failed one is gone
  EXPECT_TRUE(CloseSocket(s, /*ifs=*/false));
  EXPECT_TRUE(ws2emu_CloseHandle(port));
}

// A SOCKET is not a kernel handle (sockets/socket_record.h): every kernel32 call that takes any
// kernel object refuses it with its documented error, and the socket stays open.
class SocketIsNotAKernelHandle : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { s_ = GetParam() ? CreateIfsSocket(1001) : CreateSocket(1001, 9); }
  void TearDown() override { EXPECT_TRUE(CloseSocket(s_, GetParam())); }
  bool StillOpen() { return static_cast<bool>(GetSocket(s_)); }
  uint64_t s_ = 0;
};

TEST_P(SocketIsNotAKernelHandle, CloseHandleFailsAndClosesNothing) {
  ws2emu_SetLastError(0);
  EXPECT_FALSE(ws2emu_CloseHandle(AsHandle(s_)));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(StillOpen());
  EXPECT_FALSE(HandleTable::Get().Close(s_, ObjectType::kAny));
  EXPECT_TRUE(StillOpen());
}

TEST_P(SocketIsNotAKernelHandle, DuplicateHandleIsNotSupported) {
  const HANDLE me = ws2emu_GetCurrentProcess();
  HANDLE out = nullptr;
  EXPECT_FALSE(ws2emu_DuplicateHandle(me, AsHandle(s_), me, &out, 0, FALSE, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_SUPPORTED));
  EXPECT_EQ(out, nullptr);
  // DUPLICATE_CLOSE_SOURCE closes the source through CloseHandle, which leaves a socket open.
  EXPECT_FALSE(ws2emu_DuplicateHandle(me, AsHandle(s_), me, &out, 0, FALSE,
                                      DUPLICATE_CLOSE_SOURCE));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_SUPPORTED));
  EXPECT_TRUE(StillOpen());
}

TEST_P(SocketIsNotAKernelHandle, WaitsRefuseIt) {
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(AsHandle(s_), 0, FALSE), WAIT_FAILED);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  WSAEVENT events[1] = {AsHandle(s_)};
  EXPECT_EQ(WSAWaitForMultipleEvents(1, events, FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WSA_INVALID_HANDLE));
  EXPECT_FALSE(HandleTable::Get().Lookup(s_, ObjectType::kAny));
  EXPECT_TRUE(StillOpen());
}

INSTANTIATE_TEST_SUITE_P(IfsAndNot, SocketIsNotAKernelHandle, ::testing::Bool(),
                         [](const auto &info) { return info.param ? "Ifs" : "NonIfs"; });

// Calls that pinned a socket race a close on another thread: each call either pins it (and
// sees its whole record) or finds it gone; the close succeeds exactly once.
TEST(SocketRecord, CloseRacingPinnedCalls) {
  for (int round = 0; round < 200; ++round) {
    const uint64_t s = CreateSocket(1003, 0xabc0 + round);
    std::atomic<bool> go{false};
    std::atomic<int> pinned{0}, gone{0}, wrong{0}, closed{0};
    std::vector<std::thread> callers;
    for (int t = 0; t < 3; ++t) {
      callers.emplace_back([&] {
        while (!go.load()) std::this_thread::yield();
        for (int i = 0; i < 50; ++i) {
          if (SocketRef r = GetSocket(s)) {
            if (r->catalog_id() != 1003u || r->context() != 0xabc0u + round) ++wrong;
            ++pinned;
          } else {
            ++gone;
          }
        }
      });
    }
    std::thread closer([&] {
      while (!go.load()) std::this_thread::yield();
      if (CloseSocket(s, /*ifs=*/false)) ++closed;
      if (CloseSocket(s, /*ifs=*/false)) ++closed;
    });
    go = true;
    for (auto &c : callers) c.join();
    closer.join();
    EXPECT_EQ(closed.load(), 1);
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(pinned.load() + gone.load(), 150);
  }
}

}  // namespace
