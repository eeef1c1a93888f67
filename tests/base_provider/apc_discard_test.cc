// An overlapped operation with a completion routine whose thread exits without an alertable
// wait: the routine never runs (an exiting thread's APCs never do), and the operation and what
// it owns (its iovec array, the thread handle WSARecvMsg opened) are freed, whether the
// completion came after the thread had gone (WPUQueueApc refuses it) or was already queued to
// it (lib/threads discards the APC at exit). Run under -Db_sanitize=address for the leaks
// themselves; the thread handles are counted here.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "fixture.h"
#include "handles/handle_table.h"
#include "threads/thread.h"

namespace {

using bp_test::BaseProviderTest;
using ws2emu::HandleTable;
using ws2emu::ObjectType;

constexpr auto kGuard = std::chrono::seconds(20);

std::atomic<int> g_routine_calls{0};
void CALLBACK Routine(DWORD, DWORD, LPWSAOVERLAPPED, DWORD) { g_routine_calls.fetch_add(1); }

size_t OpenThreadHandles() { return HandleTable::Get().CountOpen(ObjectType::kThread); }

// A thread that runs `issue` (the overlapped call), then waits, never alertably, until Exit()
// lets it end; Exit() returns once it has.
class Issuer {
 public:
  template <typename Issue>
  explicit Issuer(Issue issue) {
    thread_ = std::thread([this, issue] {
      tid_ = static_cast<uint32_t>(ws2emu_GetCurrentThreadId());
      issue();
      std::unique_lock<std::mutex> lock(mu_);
      issued_ = true;
      cv_.notify_all();
      cv_.wait(lock, [this] { return release_; });
    });
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return issued_; });
  }
  void Exit() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      release_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // Waits until an APC is queued to the thread (the completion has been delivered to it).
  bool WaitForQueuedApc() {
    ws2emu::Ref<ws2emu::Thread> t = ws2emu::Thread::FindById(tid_);
    if (!t) return false;
    const auto deadline = std::chrono::steady_clock::now() + kGuard;
    while (!t->HasApcs()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

 private:
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool issued_ = false, release_ = false;
  uint32_t tid_ = 0;
};

class ApcDiscard : public BaseProviderTest {
 protected:
  // An overlapped WSPRecv with a routine on `s` into six buffers (more than the operation keeps
  // inline, so it owns an iovec array), issued on a new thread that exits without an alertable
  // wait, after `before_exit` (run on this thread) has delivered its completion or not.
  template <typename BeforeExit>
  void RecvOnAThreadThatExits(SOCKET s, char (&buffer)[6][4], WSAOVERLAPPED *ov,
                              BeforeExit before_exit) {
    WSATHREADID id = {};
    Issuer issuer([&] {
      WSABUF b[6];
      for (int i = 0; i < 6; ++i) b[i] = {4, buffer[i]};
      int error = 0;
      // What ws2_32 does for WSARecv with a routine: the issuing thread's WSATHREADID.
      ASSERT_EQ(ws2emu_upcall_table()->lpWPUOpenCurrentThread(&id, &error), 0);
      DWORD got = 0, flags = 0;
      ASSERT_EQ(procs_.lpWSPRecv(s, b, 6, &got, &flags, ov, Routine, &id, &error), SOCKET_ERROR);
      ASSERT_EQ(error, WSA_IO_PENDING);
    });
    before_exit(issuer);
    issuer.Exit();
    int error = 0;
    EXPECT_EQ(ws2emu_upcall_table()->lpWPUCloseThread(&id, &error), 0);
  }
  DWORD Result(SOCKET s, WSAOVERLAPPED *ov) {
    DWORD bytes = 0, flags = 0;
    int error = 0;
    EXPECT_TRUE(procs_.lpWSPGetOverlappedResult(s, ov, &bytes, TRUE, &flags, &error)) << error;
    return bytes;
  }
};

TEST_F(ApcDiscard, CompletionQueuedToAThreadThatThenExitsIsDiscarded) {
  SOCKET c, s;
  Pair(WS_AF_INET, &c, &s);
  char buffer[6][4] = {};
  WSAOVERLAPPED ov = {};
  g_routine_calls = 0;
  RecvOnAThreadThatExits(s, buffer, &ov, [&](Issuer &issuer) {
    SendAll(c, "queued to a thread that exits");
    EXPECT_EQ(Result(s, &ov), 24u);  // 6 buffers of 4 bytes
    ASSERT_TRUE(issuer.WaitForQueuedApc());
  });
  EXPECT_EQ(g_routine_calls.load(), 0);
  EXPECT_EQ(std::string(&buffer[0][0], 24), "queued to a thread that ");
  Close(c);
  Close(s);
}

TEST_F(ApcDiscard, CompletionAfterTheThreadExitedIsNotQueued) {
  SOCKET c, s;
  Pair(WS_AF_INET, &c, &s);
  char buffer[6][4] = {};
  WSAOVERLAPPED ov = {};
  g_routine_calls = 0;
  RecvOnAThreadThatExits(s, buffer, &ov, [](Issuer &) {});
  SendAll(c, "after the thread exited!");
  EXPECT_EQ(Result(s, &ov), 24u);
  EXPECT_EQ(g_routine_calls.load(), 0);
  EXPECT_EQ(std::string(&buffer[0][0], 24), "after the thread exited!");
  Close(c);
  Close(s);
}

// WSARecvMsg opens the calling thread itself (the extensions have no lpThreadId): the handle
// is the operation's, closed with it.
class ApcDiscardRecvMsg : public ApcDiscard {
 protected:
  void SetUp() override {
    ApcDiscard::SetUp();
    GUID guid = WSAID_WSARECVMSG;
    SOCKET s = Socket(WS_AF_INET, WS_SOCK_DGRAM);
    void *function = nullptr;
    DWORD returned = 0;
    int error = 0;
    ASSERT_EQ(
        procs_.lpWSPIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &function,
                          sizeof(function), &returned, nullptr, nullptr, nullptr, &error),
        0)
        << error;
    Close(s);
    recv_msg_ = reinterpret_cast<LPFN_WSARECVMSG>(function);
    receiver_ = Socket(WS_AF_INET, WS_SOCK_DGRAM);
    sender_ = Socket(WS_AF_INET, WS_SOCK_DGRAM);
    length_ = bp_test::Loopback(WS_AF_INET, 0, &address_);
    ASSERT_EQ(
        procs_.lpWSPBind(receiver_, reinterpret_cast<WS_sockaddr *>(&address_), length_, &error), 0)
        << error;
    length_ = sizeof(address_);
    ASSERT_EQ(procs_.lpWSPGetSockName(receiver_, reinterpret_cast<WS_sockaddr *>(&address_),
                                      &length_, &error),
              0)
        << error;
  }
  void TearDown() override {
    Close(sender_);
    Close(receiver_);
    ApcDiscard::TearDown();
  }
  // Issues WSARecvMsg with a routine on a thread that exits after `before_exit`.
  template <typename BeforeExit>
  void RecvMsgOnAThreadThatExits(BeforeExit before_exit) {
    Issuer issuer([&] {
      msg_.lpBuffers = &wsabuf_;
      msg_.dwBufferCount = 1;
      DWORD n = 0;
      ASSERT_EQ(recv_msg_(receiver_, &msg_, &n, &ov_, Routine), SOCKET_ERROR);
      ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
    });
    before_exit(issuer);
    issuer.Exit();
  }
  void SendDatagram() {
    WSABUF b = {5, const_cast<char *>("apc!!")};
    DWORD sent = 0;
    int error = 0;
    ASSERT_EQ(
        procs_.lpWSPSendTo(sender_, &b, 1, &sent, 0, reinterpret_cast<WS_sockaddr *>(&address_),
                           length_, nullptr, nullptr, nullptr, &error),
        0)
        << error;
  }

  LPFN_WSARECVMSG recv_msg_ = nullptr;
  SOCKET receiver_ = INVALID_SOCKET, sender_ = INVALID_SOCKET;
  WS_sockaddr_in6 address_;
  int length_ = 0;
  char data_[16] = {};
  WSABUF wsabuf_ = {sizeof(data_), data_};
  WSAMSG msg_ = {};
  WSAOVERLAPPED ov_ = {};
};

TEST_F(ApcDiscardRecvMsg, DiscardedCompletionClosesTheThreadHandleTheOperationOpened) {
  const size_t before = OpenThreadHandles();
  g_routine_calls = 0;
  RecvMsgOnAThreadThatExits([&](Issuer &issuer) {
    EXPECT_EQ(OpenThreadHandles(), before + 1);  // the operation's
    SendDatagram();
    EXPECT_EQ(Result(receiver_, &ov_), 5u);
    ASSERT_TRUE(issuer.WaitForQueuedApc());
  });
  // Discarded at the thread's exit, which Exit() waited for.
  EXPECT_EQ(OpenThreadHandles(), before);
  EXPECT_EQ(g_routine_calls.load(), 0);
  EXPECT_EQ(std::string(data_, 5), "apc!!");
}

TEST_F(ApcDiscardRecvMsg, CompletionAfterTheThreadExitedClosesTheThreadHandle) {
  const size_t before = OpenThreadHandles();
  g_routine_calls = 0;
  RecvMsgOnAThreadThatExits([](Issuer &) {});
  EXPECT_EQ(OpenThreadHandles(), before + 1);  // pending: the operation still holds it
  SendDatagram();
  EXPECT_EQ(Result(receiver_, &ov_), 5u);
  // The status is stored before WPUQueueApc is refused and the operation deleted: wait for it.
  const auto deadline = std::chrono::steady_clock::now() + kGuard;
  while (OpenThreadHandles() != before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(OpenThreadHandles(), before);
  EXPECT_EQ(g_routine_calls.load(), 0);
}

}  // namespace
