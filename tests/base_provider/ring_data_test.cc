// Receives that go to the kernel as io_uring operations of their own (overlapped.cc, "Receives
// in the ring"): issued by a thread that runs a completion port, on a stream socket whose
// completions go to that port, they are submitted together when the thread next waits on the
// port. What must hold: they complete through the port with Windows' results, in order, the
// stream in order; a receive that waits in the kernel is cancelled by CancelIoEx and by
// closesocket, which return after its WSA_OPERATION_ABORTED was delivered, with the stream
// intact; WSPCleanup delivers nothing; a deferred receive starts even when its thread never
// comes back to the port.
//
// The ring takes a receive only while a port thread holds the engine's lease (the reaper gives
// it up after a millisecond without a port visit), so each case repeats its step until the
// counter RingReceives shows the ring took it (every repetition is checked as it goes: the
// ordinary path must give the same results). Under the epoll engine and with
// WS2EMU_BASE_RING_DATA=0 the cases are skipped.
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
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
using ws2emu::base_provider::CancelIo;
using ws2emu::base_provider::EngineName;
using ws2emu::base_provider::RingReceives;

constexpr DWORD kGuard = 20000;  // ms: a failure guard only, never a timing assertion
constexpr int kTries = 200;      // repetitions until the ring took the operation
constexpr ULONG_PTR kKey = 5, kMarker = 77;

class RingData : public BaseProviderTest {
 protected:
  void SetUp() override {
    BaseProviderTest::SetUp();
    const char *off = std::getenv("WS2EMU_BASE_RING_DATA");
    if (off != nullptr && std::string(off) == "0") GTEST_SKIP() << "WS2EMU_BASE_RING_DATA=0";
    Pair(WS_AF_INET, &client_, &server_);
    port_ = ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(server_), nullptr, kKey, 0);
    ASSERT_NE(port_, nullptr);
    // A receive that waits on another connection: the engine starts and has something to
    // wait for, so that a port thread may take its lease.
    Pair(WS_AF_INET, &keeper_client_, &keeper_server_);
    int error = 0;
    ASSERT_EQ(RecvOn(keeper_server_, keeper_buffer_, sizeof(keeper_buffer_), &keeper_ov_, &error),
              SOCKET_ERROR);
    ASSERT_EQ(error, WSA_IO_PENDING);
    if (std::string(EngineName()) != "io_uring") GTEST_SKIP() << "the epoll engine";
  }
  void TearDown() override {
    if (client_ != INVALID_SOCKET) Close(client_);
    if (server_ != INVALID_SOCKET) Close(server_);
    if (keeper_client_ != INVALID_SOCKET) Close(keeper_client_);
    if (keeper_server_ != INVALID_SOCKET) Close(keeper_server_);
    if (port_ != nullptr) ws2emu_CloseHandle(port_);
    BaseProviderTest::TearDown();
  }

  // Makes the calling thread run the port: it takes a packet posted to it (and its Get runs
  // the engine, which takes the lease).
  void RunThePort() {
    ASSERT_TRUE(ws2emu_PostQueuedCompletionStatus(port_, 0, kMarker, nullptr));
    Got g = GetOne(port_, kGuard);
    ASSERT_TRUE(g.ok) << g.error;
    ASSERT_EQ(g.key, kMarker);
  }
  int Recv(char *buffer, ULONG size, WSAOVERLAPPED *ov, int *error) {
    *ov = {};
    return RecvOn(server_, buffer, size, ov, error);
  }
  // As a port thread, a receive on server_ that finds nothing to read: pending. True if the
  // ring took it.
  bool PendingReceive(char *buffer, ULONG size, WSAOVERLAPPED *ov) {
    RunThePort();
    const uint64_t before = RingReceives();
    int error = 0;
    EXPECT_EQ(Recv(buffer, size, ov, &error), SOCKET_ERROR);
    EXPECT_EQ(error, WSA_IO_PENDING);
    return RingReceives() > before;
  }
  // An overlapped WSPRecv on `s` with `ov` as it is.
  int RecvOn(SOCKET s, char *buffer, ULONG size, WSAOVERLAPPED *ov, int *error) {
    WSABUF b = {size, buffer};
    DWORD got = 0, flags = 0;
    return procs_.lpWSPRecv(s, &b, 1, &got, &flags, ov, nullptr, nullptr, error);
  }
  int Send(const std::string &data, WSAOVERLAPPED *ov, int *error) {
    *ov = {};
    WSABUF b = {static_cast<ULONG>(data.size()), const_cast<char *>(data.data())};
    DWORD sent = 0;
    return procs_.lpWSPSend(server_, &b, 1, &sent, 0, ov, nullptr, nullptr, error);
  }

  SOCKET client_ = INVALID_SOCKET, server_ = INVALID_SOCKET;
  SOCKET keeper_client_ = INVALID_SOCKET, keeper_server_ = INVALID_SOCKET;
  HANDLE port_ = nullptr;
  WSAOVERLAPPED keeper_ov_ = {};
  char keeper_buffer_[16];
};

TEST_F(RingData, AReceiveCompletesThroughThePort) {
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    const std::string request = "request " + std::to_string(i);
    SendAll(client_, request);
    RunThePort();
    const uint64_t before = RingReceives();
    char buffer[64];
    WSAOVERLAPPED rov;
    int error = 0;
    const int r = Recv(buffer, sizeof(buffer), &rov, &error);
    ASSERT_TRUE(r == 0 || error == WSA_IO_PENDING) << error;
    took = RingReceives() > before;
    if (took) {
      EXPECT_EQ(r, SOCKET_ERROR);  // the ring's: pending until its thread waits
      EXPECT_EQ(rov.Internal, static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS));
    }
    Got g = GetOne(port_, kGuard);  // submits it, runs its CQE, gets its packet
    ASSERT_TRUE(g.ok) << g.error;
    ASSERT_EQ(g.overlapped, &rov);
    EXPECT_EQ(g.key, kKey);
    ASSERT_EQ(std::string(buffer, g.bytes), request);
    // The answer, from the port thread (this one, again): a send is a first try as ever.
    const std::string answer = "answer " + std::to_string(i);
    WSAOVERLAPPED sov;
    ASSERT_EQ(Send(answer, &sov, &error), 0) << error;
    Got sent = GetOne(port_, kGuard);
    ASSERT_TRUE(sent.ok) << sent.error;
    ASSERT_EQ(sent.overlapped, &sov);
    EXPECT_EQ(sent.bytes, answer.size());
    EXPECT_EQ(ReceiveExactly(client_, answer.size()), answer);
  }
  EXPECT_TRUE(took) << "the ring never took the receive in " << kTries << " tries";
}

TEST_F(RingData, ReceivesCompleteInOrderAndTheStreamStaysInOrder) {
  // Three receives issued at once by the port thread: the first in the ring, the others queued
  // behind it. The data comes after them.
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    RunThePort();
    const uint64_t before = RingReceives();
    char buffers[3][1000];
    WSAOVERLAPPED ov[3];
    for (int k = 0; k < 3; ++k) {
      int error = 0;
      ASSERT_EQ(Recv(buffers[k], sizeof(buffers[k]), &ov[k], &error), SOCKET_ERROR);
      ASSERT_EQ(error, WSA_IO_PENDING);
    }
    took = RingReceives() > before;
    std::string sent;
    for (int n = 0; n < 3000; ++n) sent += static_cast<char>('a' + (n * 7 + i) % 26);
    SendAll(client_, sent);
    std::string got;
    for (int k = 0; k < 3; ++k) {
      Got g = GetOne(port_, kGuard);
      ASSERT_TRUE(g.ok) << g.error;
      ASSERT_EQ(g.overlapped, &ov[k]) << "completion " << k << " out of order";
      ASSERT_GT(g.bytes, 0u);
      got.append(buffers[k], g.bytes);
    }
    // What the three did not take is next in the stream.
    got += ReceiveExactly(server_, sent.size() - got.size());
    EXPECT_EQ(got, sent);
  }
  EXPECT_TRUE(took);
}

TEST_F(RingData, CancelIoExEndsAWaitingReceiveBeforeItReturns) {
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    char buffer[16];
    WSAOVERLAPPED ov;
    int error = 0;
    took = PendingReceive(buffer, sizeof(buffer), &ov);
    EXPECT_EQ(CancelIo(server_, &ov, true), 0u);
    // Delivered before CancelIoEx returned: the OVERLAPPED may be freed now.
    EXPECT_EQ(ov.Internal, static_cast<ULONG_PTR>(WSA_OPERATION_ABORTED));
    Got g = GetOne(port_, kGuard);
    EXPECT_FALSE(g.ok);
    EXPECT_EQ(g.error, static_cast<DWORD>(WSA_OPERATION_ABORTED));
    EXPECT_EQ(g.overlapped, &ov);
    EXPECT_EQ(g.bytes, 0u);
    // Nothing of the stream was taken: the next receive gets what comes next.
    const std::string next = "next " + std::to_string(i);
    SendAll(client_, next);
    WSAOVERLAPPED ov2;
    const int r = Recv(buffer, sizeof(buffer), &ov2, &error);
    ASSERT_TRUE(r == 0 || error == WSA_IO_PENDING) << error;
    Got got = GetOne(port_, kGuard);
    ASSERT_TRUE(got.ok) << got.error;
    EXPECT_EQ(got.overlapped, &ov2);
    EXPECT_EQ(std::string(buffer, got.bytes), next);
  }
  EXPECT_TRUE(took);
  // CancelIoEx of an OVERLAPPED that is no longer pending: ERROR_NOT_FOUND.
  WSAOVERLAPPED none = {};
  EXPECT_EQ(CancelIo(server_, &none, true), 1168u);
}

TEST_F(RingData, CloseEndsAWaitingReceiveBeforeItReturns) {
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    if (server_ == INVALID_SOCKET) {
      Pair(WS_AF_INET, &client_, &server_);
      ASSERT_EQ(ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(server_), port_, kKey, 0),
                port_);
    }
    // On the heap, freed as soon as closesocket returns (ASan sees a late write).
    auto *ov = new WSAOVERLAPPED();
    auto *buffer = new char[16];
    took = PendingReceive(buffer, 16, ov);
    Close(server_);
    server_ = INVALID_SOCKET;
    EXPECT_EQ(ov->Internal, static_cast<ULONG_PTR>(WSA_OPERATION_ABORTED));
    Got g = GetOne(port_, kGuard);
    EXPECT_FALSE(g.ok);
    EXPECT_EQ(g.error, static_cast<DWORD>(WSA_OPERATION_ABORTED));
    EXPECT_EQ(g.overlapped, ov);
    delete ov;
    delete[] buffer;
    Close(client_);
    client_ = INVALID_SOCKET;
  }
  EXPECT_TRUE(took);
}

TEST_F(RingData, ADeferredReceiveStartsWhenItsThreadNeverComesBack) {
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    char buffer[64];
    WSAOVERLAPPED ov;
    std::atomic<int> error{0};
    std::atomic<bool> took_here{false};
    // A port thread that issues a receive and then never waits on the port again (it ends):
    // only the reaper can submit the receive (within about a millisecond).
    std::thread receiver([&] {
      RunThePort();
      const uint64_t before = RingReceives();
      int e = 0;
      if (Recv(buffer, sizeof(buffer), &ov, &e) != 0) error.store(e);
      took_here.store(RingReceives() > before);
    });
    receiver.join();
    ASSERT_EQ(error.load(), WSA_IO_PENDING);
    took = took_here.load();
    const std::string data = "late data " + std::to_string(i);
    SendAll(client_, data);
    Got g = GetOne(port_, kGuard);
    ASSERT_TRUE(g.ok) << g.error;
    EXPECT_EQ(g.overlapped, &ov);
    EXPECT_EQ(std::string(buffer, g.bytes), data);
  }
  EXPECT_TRUE(took);
}

TEST_F(RingData, AReceiveSubmittedByAThreadThatEndsStillCompletes) {
  // Any thread that submits to the ring takes the deferred SQEs along, and the kernel cancels
  // what a thread submitted when it ends. Here another thread's receive (event completion, not
  // a port thread's: it arms a poll, which submits) takes this thread's deferred receive into
  // the kernel, and ends: the receive must still complete, with the data.
  SOCKET other_client, other_server;
  Pair(WS_AF_INET, &other_client, &other_server);
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    char buffer[64];
    WSAOVERLAPPED ov;
    took = PendingReceive(buffer, sizeof(buffer), &ov);
    WSAEVENT event = WSACreateEvent();
    char other_buffer[8];
    WSAOVERLAPPED other_ov = {};
    other_ov.hEvent = event;
    std::thread submitter([&] {
      int e = 0;
      EXPECT_EQ(RecvOn(other_server, other_buffer, sizeof(other_buffer), &other_ov, &e),
                SOCKET_ERROR);
      EXPECT_EQ(e, WSA_IO_PENDING);
    });
    submitter.join();
    // Give the ending a moment to reach the kernel before the data comes (either order must
    // work; this one is the case under test).
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const std::string data = "after the end " + std::to_string(i);
    SendAll(client_, data);
    Got g = GetOne(port_, kGuard);
    ASSERT_TRUE(g.ok) << g.error;
    EXPECT_EQ(g.overlapped, &ov);
    EXPECT_EQ(std::string(buffer, g.bytes), data);
    SendAll(other_client, "x");
    EXPECT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE), WSA_WAIT_EVENT_0);
    WSACloseEvent(event);
  }
  EXPECT_TRUE(took);
  Close(other_client);
  Close(other_server);
}

TEST_F(RingData, CleanupDeliversNothingForAWaitingReceive) {
  // WSPCleanup with a receive waiting in the ring: it is ended and freed, nothing delivered
  // (LeakSanitizer and AddressSanitizer check the freeing). The fixture's TearDown calls
  // WSPCleanup; the receive is left for it.
  bool took = false;
  static char buffer[16];
  static WSAOVERLAPPED ov;
  for (int i = 0; i < kTries && !took; ++i) {
    took = PendingReceive(buffer, sizeof(buffer), &ov);
    if (!took) {
      EXPECT_EQ(CancelIo(server_, &ov, true), 0u);
      Got g = GetOne(port_, kGuard);
      EXPECT_EQ(g.overlapped, &ov);
    }
  }
  ASSERT_TRUE(took);
  int error = 0;
  ASSERT_EQ(procs_.lpWSPCleanup(&error), 0) << error;  // the last start: closes every socket
  client_ = server_ = keeper_client_ = keeper_server_ = INVALID_SOCKET;
  EXPECT_EQ(ov.Internal, static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS));
  Got g = GetOne(port_, 50);
  EXPECT_FALSE(g.ok);
  EXPECT_EQ(g.error, static_cast<DWORD>(WAIT_TIMEOUT));
  // TearDown's WSPCleanup needs a start.
  WSAPROTOCOL_INFOW tcp = bp_test::Entry(WS_AF_INET, WS_SOCK_STREAM);
  ASSERT_EQ(ws2emu::base_provider::WSPStartup(0x0202, &data_, &tcp, *ws2emu_upcall_table(),
                                              &procs_),
            0);
}

}  // namespace
