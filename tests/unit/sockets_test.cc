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

// A file object that counts its destruction.
class CountedFile : public ws2emu::Object {
 public:
  explicit CountedFile(std::atomic<int> *destroyed)
      : Object(ObjectType::kSocketFile), destroyed_(destroyed) {}
  ~CountedFile() override { destroyed_->fetch_add(1); }

 private:
  std::atomic<int> *destroyed_;
};

TEST(SocketRecord, AnIfsHandleKeepsItsFileObjectUntilClosedAndUnpinned) {
  std::atomic<int> destroyed{0};
  auto *file = new CountedFile(&destroyed);
  const uint64_t s = CreateIfsSocket(1001, file);
  ASSERT_NE(s, 0u);
  file->Release();  // the record's reference is the only one left
  EXPECT_EQ(destroyed.load(), 0);
  SocketRef pinned = GetSocket(s);
  ASSERT_TRUE(pinned);
  EXPECT_EQ(pinned->file(), file);
  EXPECT_TRUE(pinned->ifs());
  EXPECT_TRUE(CloseSocket(s, /*ifs=*/true));
  EXPECT_FALSE(GetSocket(s));
  EXPECT_EQ(destroyed.load(), 0);  // still pinned: the file object stays
  EXPECT_EQ(pinned->file(), file);
  pinned.Reset();
  EXPECT_EQ(destroyed.load(), 1);  // the close hook dropped the record's reference
  // The slot's next socket has no file object.
  const uint64_t plain = CreateIfsSocket(1001);
  EXPECT_EQ(GetSocket(plain)->file(), nullptr);
  EXPECT_TRUE(CloseSocket(plain, /*ifs=*/true));
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

// A stale handle never reads a free slot's free-list link (kept in the published word) as a
// context: once a socket is closed its handle fails, whatever the slot holds meanwhile, and the
// sockets that reuse the slots read their own contexts.
TEST(SocketRecord, StaleHandlesFailAfterTheirSlotsAreReused) {
  constexpr int kCount = 3000;  // more than kMinFreeBeforeReuse, so that slots are reused
  std::vector<uint64_t> old(kCount), fresh(kCount);
  for (int i = 0; i < kCount; ++i) old[i] = CreateSocket(1001, 0x5000 + i);
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE(CloseSocket(old[i], /*ifs=*/false));
  for (int i = 0; i < kCount; ++i) fresh[i] = CreateIfsSocket(1002);
  uint64_t context = 0;
  for (int i = 0; i < kCount; ++i) {
    EXPECT_FALSE(QueryContext(old[i], &context)) << i;
    EXPECT_FALSE(GetSocket(old[i])) << i;
  }
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE(CloseSocket(fresh[i], /*ifs=*/true));
  for (int i = 0; i < kCount; ++i) fresh[i] = CreateSocket(1003, 0x9000 + i);
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(QueryContext(fresh[i], &context));
    EXPECT_EQ(context, 0x9000u + i);
    SocketRef r = GetSocket(fresh[i]);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->catalog_id(), 1003u);  // the reset entry holds nothing of the IFS socket
    EXPECT_FALSE(r->ifs());
    uint64_t key = 0;
    EXPECT_FALSE(r->CompletionPort(&key));
  }
  for (int i = 0; i < kCount; ++i) EXPECT_TRUE(CloseSocket(fresh[i], /*ifs=*/false));
}

// The generic entries of the handle table (what sockets are built on), with a type of its own
// in this test (kMutex: no mutex is created in this binary): prepare runs with the slot index
// before the handle exists, PinEntry gives that index, and the close hook runs exactly once,
// after the close and the last pin, whichever comes last.
std::atomic<int> g_hook_runs{0};
std::atomic<uint32_t> g_hook_index{0};
void CountingHook(uint32_t index) {
  g_hook_index.store(index);
  g_hook_runs.fetch_add(1);
}

TEST(HandleTableEntries, TheCloseHookRunsOnceAfterTheLastPin) {
  HandleTable &table = HandleTable::Get();
  table.SetCloseHook(ObjectType::kMutex, &CountingHook);
  uint32_t prepared = 0;
  const uint64_t word = 0x1234;
  const uint64_t h = table.InsertEntry(ObjectType::kMutex, &word, [&](uint32_t index) {
    prepared = index;
    return true;
  });
  ASSERT_NE(h, 0u);
  EXPECT_NE(prepared, 0u);
  uint64_t read = 0;
  EXPECT_TRUE(table.ReadPublished(h, ObjectType::kMutex, &read));
  EXPECT_EQ(read, word);
  EXPECT_FALSE(table.Lookup(h, ObjectType::kMutex));  // an entry names no Object
  uint32_t a = 0, b = 0;
  ASSERT_TRUE(table.PinEntry(h, ObjectType::kMutex, &a, &read));
  ASSERT_TRUE(table.PinEntry(h, ObjectType::kMutex, &b, &read));
  EXPECT_EQ(a, prepared);
  EXPECT_EQ(b, prepared);
  EXPECT_EQ(read, word);
  EXPECT_FALSE(table.PinEntry(h, ObjectType::kSocket, &a, &read));  // wrong type
  const int runs = g_hook_runs.load();
  EXPECT_TRUE(table.Close(h, ObjectType::kMutex));  // pinned twice: does not wait
  EXPECT_FALSE(table.Close(h, ObjectType::kMutex));
  EXPECT_FALSE(table.ReadPublished(h, ObjectType::kMutex, &read));
  EXPECT_FALSE(table.PinEntry(h, ObjectType::kMutex, &a, &read));
  EXPECT_EQ(g_hook_runs.load(), runs);
  table.UnpinEntry(prepared);
  EXPECT_EQ(g_hook_runs.load(), runs);
  table.UnpinEntry(prepared);
  EXPECT_EQ(g_hook_runs.load(), runs + 1);
  EXPECT_EQ(g_hook_index.load(), prepared);

  // Unpinned: the close runs the hook at once.
  const uint64_t h2 = table.InsertEntry(ObjectType::kMutex, nullptr, [](uint32_t) { return true; });
  ASSERT_NE(h2, 0u);
  EXPECT_FALSE(table.ReadPublished(h2, ObjectType::kMutex, &read));  // published nothing
  EXPECT_TRUE(table.Close(h2, ObjectType::kMutex));
  EXPECT_EQ(g_hook_runs.load(), runs + 2);
}

TEST(HandleTableEntries, APrepareThatFailsOpensNothing) {
  HandleTable &table = HandleTable::Get();
  table.SetCloseHook(ObjectType::kMutex, &CountingHook);
  const size_t open = table.CountOpen(ObjectType::kAny);
  const int runs = g_hook_runs.load();
  EXPECT_EQ(table.InsertEntry(ObjectType::kMutex, nullptr, [](uint32_t) { return false; }), 0u);
  EXPECT_EQ(table.CountOpen(ObjectType::kAny), open);
  EXPECT_EQ(g_hook_runs.load(), runs);  // nothing was opened, so nothing is reset
}

}  // namespace
