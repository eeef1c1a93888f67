// Sends and receives that go to the kernel as io_uring operations of their own (overlapped.cc,
// "Sends and receives in the ring"): issued by a thread that runs a completion port, on a
// socket whose completions go to that port, they are submitted together when the thread next
// waits on the port. What must hold: they complete through the port with Windows' results;
// a socket's sends arrive whole and in order, a short send going on in the ring; a receive
// that waits in the kernel is cancelled by CancelIoEx and by closesocket, which return after
// its WSA_OPERATION_ABORTED was delivered, with the stream intact; WSPCleanup delivers
// nothing; a deferred send goes out even when its thread never comes back to the port.
//
// The ring takes an operation only while a port thread holds the engine's lease (the reaper
// gives it up after a millisecond without a port visit), so each case repeats its step until
// the counter RingSendsAndReceives shows the ring took it (every repetition is checked as it
// goes: the ordinary path must give the same results). Under the epoll engine and with
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
using ws2emu::base_provider::CancelIo;
using ws2emu::base_provider::EngineName;
using ws2emu::base_provider::RingSendsAndReceives;

constexpr DWORD kGuard = 20000;  // ms: a failure guard only, never a timing assertion
constexpr int kTries = 200;      // repetitions until the ring took the operation
constexpr ULONG_PTR kKey = 5, kMarker = 77;

struct Got {
  BOOL ok = FALSE;
  DWORD bytes = 0, error = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED overlapped = nullptr;
};

Got GetOne(HANDLE port, DWORD timeout) {
  Got g;
  g.ok = ws2emu_GetQueuedCompletionStatus(port, &g.bytes, &g.key, &g.overlapped, timeout);
  if (!g.ok) g.error = ws2emu_GetLastError();
  return g;
}

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
    WSABUF b = {sizeof(keeper_buffer_), keeper_buffer_};
    DWORD got = 0, flags = 0;
    int error = 0;
    ASSERT_EQ(procs_.lpWSPRecv(keeper_server_, &b, 1, &got, &flags, &keeper_ov_, nullptr, nullptr,
                               &error),
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
    WSABUF b = {size, buffer};
    DWORD got = 0, flags = 0;
    return procs_.lpWSPRecv(server_, &b, 1, &got, &flags, ov, nullptr, nullptr, error);
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

TEST_F(RingData, AReceiveAndASendCompleteThroughThePort) {
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    const std::string request = "request " + std::to_string(i);
    SendAll(client_, request);
    RunThePort();
    const uint64_t before = RingSendsAndReceives();
    char buffer[64];
    WSAOVERLAPPED rov;
    int error = 0;
    const int r = Recv(buffer, sizeof(buffer), &rov, &error);
    ASSERT_TRUE(r == 0 || error == WSA_IO_PENDING) << error;
    took = RingSendsAndReceives() > before;
    if (took) {
      EXPECT_EQ(r, SOCKET_ERROR);  // the ring's: pending until its thread waits
      EXPECT_EQ(rov.Internal, static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS));
    }
    Got g = GetOne(port_, kGuard);  // submits it, runs its CQE, gets its packet
    ASSERT_TRUE(g.ok) << g.error;
    ASSERT_EQ(g.overlapped, &rov);
    EXPECT_EQ(g.key, kKey);
    ASSERT_EQ(std::string(buffer, g.bytes), request);
    // The answer, from the port thread (this one, again).
    const std::string answer = "answer " + std::to_string(i);
    WSAOVERLAPPED sov;
    const uint64_t before_send = RingSendsAndReceives();
    const int s = Send(answer, &sov, &error);
    ASSERT_TRUE(s == 0 || error == WSA_IO_PENDING) << error;
    took = took && RingSendsAndReceives() > before_send;
    Got sent = GetOne(port_, kGuard);
    ASSERT_TRUE(sent.ok) << sent.error;
    ASSERT_EQ(sent.overlapped, &sov);
    EXPECT_EQ(sent.bytes, answer.size());
    EXPECT_EQ(ReceiveExactly(client_, answer.size()), answer);
  }
  EXPECT_TRUE(took) << "the ring never took both in " << kTries << " tries";
}

TEST_F(RingData, SendsArriveWholeAndInOrderAndAShortSendGoesOn) {
  // Three sends of 1 MiB each (far more than the socket buffers hold, so that the ring's send
  // comes back short or waits for room), issued at once by the port thread: the first in the
  // ring, the others queued behind it.
  constexpr size_t kSize = 1 << 20;
  std::vector<std::string> data;
  for (char c : {'a', 'b', 'c'}) {
    std::string d(kSize, c);
    for (size_t i = 0; i < kSize; i += 4096) d[i] = static_cast<char>('0' + i / 4096 % 10);
    data.push_back(d);
  }
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    RunThePort();
    const uint64_t before = RingSendsAndReceives();
    WSAOVERLAPPED ov[3];
    for (int k = 0; k < 3; ++k) {
      int error = 0;
      const int r = Send(data[k], &ov[k], &error);
      ASSERT_TRUE(r == 0 || error == WSA_IO_PENDING) << error;
    }
    took = RingSendsAndReceives() > before;
    std::string all;
    std::thread reader([&] { all = ReceiveExactly(client_, 3 * kSize); });
    for (int k = 0; k < 3; ++k) {
      Got g = GetOne(port_, kGuard);
      ASSERT_TRUE(g.ok) << g.error;
      EXPECT_EQ(g.overlapped, &ov[k]) << "completion " << k << " out of order";
      EXPECT_EQ(g.bytes, kSize);
    }
    reader.join();
    ASSERT_EQ(all.size(), 3 * kSize);
    EXPECT_TRUE(all == data[0] + data[1] + data[2]) << "the stream is not the three sends in order";
  }
  EXPECT_TRUE(took);
}

TEST_F(RingData, CancelIoExEndsAWaitingReceiveBeforeItReturns) {
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    RunThePort();
    const uint64_t before = RingSendsAndReceives();
    char buffer[16];
    WSAOVERLAPPED ov;
    int error = 0;
    ASSERT_EQ(Recv(buffer, sizeof(buffer), &ov, &error), SOCKET_ERROR);  // nothing to read
    ASSERT_EQ(error, WSA_IO_PENDING);
    took = RingSendsAndReceives() > before;
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
    RunThePort();
    const uint64_t before = RingSendsAndReceives();
    // On the heap, freed as soon as closesocket returns (ASan sees a late write).
    auto *ov = new WSAOVERLAPPED();
    auto *buffer = new char[16];
    int error = 0;
    ASSERT_EQ(Recv(buffer, 16, ov, &error), SOCKET_ERROR);
    ASSERT_EQ(error, WSA_IO_PENDING);
    took = RingSendsAndReceives() > before;
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

TEST_F(RingData, ADeferredSendGoesOutWhenItsThreadNeverComesBack) {
  bool took = false;
  for (int i = 0; i < kTries && !took; ++i) {
    const std::string data = "deferred " + std::to_string(i);
    WSAOVERLAPPED ov;
    std::atomic<int> error{0};
    std::atomic<bool> took_here{false};
    // A port thread that sends and then never waits on the port again: only the reaper can
    // submit its send (within about a millisecond).
    std::thread sender([&] {
      RunThePort();
      const uint64_t before = RingSendsAndReceives();
      int e = 0;
      if (Send(data, &ov, &e) != 0) error.store(e);
      took_here.store(RingSendsAndReceives() > before);
    });
    sender.join();
    ASSERT_TRUE(error.load() == 0 || error.load() == WSA_IO_PENDING) << error.load();
    took = took_here.load();
    EXPECT_EQ(ReceiveExactly(client_, data.size()), data);
    Got g = GetOne(port_, kGuard);
    ASSERT_TRUE(g.ok) << g.error;
    EXPECT_EQ(g.overlapped, &ov);
    EXPECT_EQ(g.bytes, data.size());
  }
  EXPECT_TRUE(took);
}

TEST_F(RingData, CleanupDeliversNothingForAWaitingReceive) {
  // WSPCleanup with a receive waiting in the ring: it is ended and freed, nothing delivered
  // (LeakSanitizer and AddressSanitizer check the freeing). The fixture's TearDown calls
  // WSPCleanup; the receive is left for it.
  bool took = false;
  static char buffer[16];
  static WSAOVERLAPPED ov;
  for (int i = 0; i < kTries && !took; ++i) {
    RunThePort();
    const uint64_t before = RingSendsAndReceives();
    int error = 0;
    ASSERT_EQ(Recv(buffer, sizeof(buffer), &ov, &error), SOCKET_ERROR);
    ASSERT_EQ(error, WSA_IO_PENDING);
    took = RingSendsAndReceives() > before;
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
