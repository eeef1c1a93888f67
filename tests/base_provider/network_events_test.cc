// The base provider's WSPEventSelect + WSPEnumNetworkEvents and WSPAsyncSelect: every FD_*
// event and its re-enabling rule (MSDN's WSAEventSelect and WSAAsyncSelect pages), for event
// select and for async select (messages read from this thread's queue), over IPv4 and IPv6.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "base_provider/network_events.h"
#include "base_provider/overlapped.h"
#include "base_provider/socket.h"
#include "fixture.h"

namespace {

using bp_test::BaseProviderTest;
using ws2emu::base_provider::SocketCall;

// Generous guards for waits that must end (never a speed assertion), and the time given to
// something that must NOT happen before the test looks.
constexpr DWORD kGuardMs = 10000;
constexpr DWORD kQuietMs = 200;

constexpr UINT kMessage = 0x8000 + 17;  // WM_APP + 17

LRESULT CALLBACK PlainProc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
  return ws2emu_DefWindowProcW(hwnd, msg, wparam, lparam);
}

class NetworkEvents : public BaseProviderTest, public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override {
    BaseProviderTest::SetUp();
    event_ = WSACreateEvent();
    ASSERT_NE(event_, nullptr);
    static bool registered = [] {
      WNDCLASSEXW wc = {};
      wc.cbSize = sizeof(wc);
      wc.lpfnWndProc = PlainProc;
      wc.lpszClassName = u"ws2emu network events test";
      return ws2emu_RegisterClassExW(&wc) != 0;
    }();
    ASSERT_TRUE(registered);
    window_ = ws2emu_CreateWindowExW(0, u"ws2emu network events test", nullptr, 0, 0, 0, 0, 0,
                                     HWND_MESSAGE, nullptr, nullptr, nullptr);
    ASSERT_NE(window_, nullptr);
  }
  void TearDown() override {
    WSACloseEvent(event_);
    ws2emu_DestroyWindow(window_);
    BaseProviderTest::TearDown();
  }
  int family() const { return GetParam(); }

  int EventSelect(SOCKET s, long events, WSAEVENT event = nullptr) {
    int error = 0;
    int r = procs_.lpWSPEventSelect(s, event == nullptr ? event_ : event, events, &error);
    return r == 0 ? 0 : error;
  }
  int AsyncSelect(SOCKET s, long events) {
    int error = 0;
    int r = procs_.lpWSPAsyncSelect(s, window_, kMessage, events, &error);
    return r == 0 ? 0 : error;
  }
  bool Signalled(DWORD ms) { return ws2emu_WaitForSingleObjectEx(event_, ms, FALSE) == WAIT_OBJECT_0; }
  WSANETWORKEVENTS Enum(SOCKET s) {
    WSANETWORKEVENTS events;
    std::memset(&events, 0xcc, sizeof(events));
    int error = 0;
    EXPECT_EQ(procs_.lpWSPEnumNetworkEvents(s, event_, &events, &error), 0) << error;
    return events;
  }
  // Enumerates until every event of `wanted` was seen (or the guard passes); the union, with
  // the errors of the events seen.
  WSANETWORKEVENTS WaitEvents(SOCKET s, long wanted) {
    WSANETWORKEVENTS all = {};
    for (int i = 0; i < 100 && (all.lNetworkEvents & wanted) != wanted; ++i) {
      if (!Signalled(kGuardMs / 100)) continue;
      WSANETWORKEVENTS now = Enum(s);
      for (int bit = 0; bit < FD_MAX_EVENTS; ++bit) {
        if ((now.lNetworkEvents & (1L << bit)) != 0) all.iErrorCode[bit] = now.iErrorCode[bit];
      }
      all.lNetworkEvents |= now.lNetworkEvents;
    }
    return all;
  }
  // The next message for window_ (false if none came within `ms`).
  bool NextMessage(MSG *msg, DWORD ms) {
    for (int64_t waited = 0;; waited += 10) {
      if (ws2emu_PeekMessageW(msg, window_, 0, 0, PM_REMOVE)) return true;
      if (waited >= ms) return false;
      ws2emu_MsgWaitForMultipleObjects(0, nullptr, FALSE, 10, QS_ALLINPUT);
    }
  }
  // Messages until every event of `wanted` came; the events seen, errors in errors[bit].
  long WaitMessages(SOCKET s, long wanted, int errors[FD_MAX_EVENTS] = nullptr,
                    std::vector<long> *order = nullptr) {
    long seen = 0;
    MSG msg;
    while ((seen & wanted) != wanted && NextMessage(&msg, kGuardMs)) {
      EXPECT_EQ(msg.message, kMessage);
      EXPECT_EQ(msg.wParam, static_cast<WPARAM>(s));
      const long event = WSAGETSELECTEVENT(msg.lParam);
      seen |= event;
      if (order != nullptr) order->push_back(event);
      for (int bit = 0; bit < FD_MAX_EVENTS && errors != nullptr; ++bit) {
        if (event == (1L << bit)) errors[bit] = WSAGETSELECTERROR(msg.lParam);
      }
    }
    return seen;
  }
  int Fd(SOCKET s) {
    SocketCall call(s, nullptr);
    return call ? call->fd() : -1;
  }
  // Sends `n` bytes through the provider.
  void Send(SOCKET s, size_t n) {
    std::vector<char> bytes(n, 'x');
    WSABUF buf = {static_cast<ULONG>(n), bytes.data()};
    DWORD sent = 0;
    int error = 0;
    ASSERT_EQ(procs_.lpWSPSend(s, &buf, 1, &sent, 0, nullptr, nullptr, nullptr, &error), 0)
        << error;
    ASSERT_EQ(sent, n);
  }
  // Receives up to `n` bytes through the provider (the re-enabling call); the count or -error.
  int Recv(SOCKET s, size_t n, DWORD flags = 0) {
    std::vector<char> bytes(n);
    WSABUF buf = {static_cast<ULONG>(n), bytes.data()};
    DWORD got = 0;
    int error = 0;
    if (procs_.lpWSPRecv(s, &buf, 1, &got, &flags, nullptr, nullptr, nullptr, &error) != 0) {
      return -error;
    }
    return static_cast<int>(got);
  }
  // The extension functions, as SIO_GET_EXTENSION_FUNCTION_POINTER hands them out.
  static LPFN_CONNECTEX ConnectEx() {
    const GUID guid = WSAID_CONNECTEX;
    return reinterpret_cast<LPFN_CONNECTEX>(ws2emu::base_provider::ExtensionFunction(guid));
  }
  static LPFN_ACCEPTEX AcceptEx() {
    const GUID guid = WSAID_ACCEPTEX;
    return reinterpret_cast<LPFN_ACCEPTEX>(ws2emu::base_provider::ExtensionFunction(guid));
  }
  // ConnectEx of the bound `s` to `address`, without data; the call's error (0: done at once,
  // WSA_IO_PENDING: under way).
  int StartConnectEx(SOCKET s, const WS_sockaddr_in6 &address, int length, WSAOVERLAPPED *ov) {
    DWORD sent = 0;
    if (ConnectEx()(s, reinterpret_cast<const WS_sockaddr *>(&address), length, nullptr, 0,
                    &sent, ov)) {
      return 0;
    }
    return WSAGetLastError();
  }
  // AcceptEx of a connection of `listener` into `accept_socket`, with `receive` bytes of first
  // data asked for, into buffer_; the call's error (0: done at once, WSA_IO_PENDING).
  int StartAcceptEx(SOCKET listener, SOCKET accept_socket, DWORD receive, WSAOVERLAPPED *ov) {
    const DWORD block = family() == WS_AF_INET ? 16 + 16 : 28 + 16;
    DWORD received = 0;
    if (AcceptEx()(listener, accept_socket, buffer_, receive, block, block, &received, ov)) {
      return 0;
    }
    return WSAGetLastError();
  }
  // A new accept socket, with an AcceptEx of `listener`'s next connection into it pending on
  // *ov (no data asked for: it completes at the connection).
  SOCKET PendingAcceptEx(SOCKET listener, WSAOVERLAPPED *ov) {
    SOCKET accept_socket = Socket(family(), WS_SOCK_STREAM);
    EXPECT_EQ(StartAcceptEx(listener, accept_socket, 0, ov), WSA_IO_PENDING);
    return accept_socket;
  }
  // Waits for the operation of `ov` on `s`: its byte count, or ~0u with *error.
  DWORD Complete(SOCKET s, WSAOVERLAPPED *ov, int *error) {
    DWORD bytes = 0, flags = 0;
    *error = 0;
    if (!procs_.lpWSPGetOverlappedResult(s, ov, &bytes, TRUE, &flags, error)) return ~0u;
    return bytes;
  }
  // HasOverlappedIoCompleted's test, as the engine writes the status (atomically).
  static bool InProgress(WSAOVERLAPPED &ov) {
    return __atomic_load_n(&ov.Internal, __ATOMIC_ACQUIRE) ==
           static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS);
  }
  bool Selecting(SOCKET s) {
    SocketCall call(s, nullptr);
    return call && ws2emu::base_provider::SelectsEvents(*call);
  }
  void Reset(SOCKET s) {  // closes `s` abortively (SO_LINGER {1, 0}): the peer sees a reset
    const struct linger abortive = {1, 0};
    ASSERT_EQ(setsockopt(Fd(s), SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive)), 0);
    Close(s);
  }

  WSAEVENT event_ = nullptr;
  HWND window_ = nullptr;
  char buffer_[64 + 2 * 44] = {};  // AcceptEx's output: first data, then two address blocks
};

INSTANTIATE_TEST_SUITE_P(Families, NetworkEvents, ::testing::Values(WS_AF_INET, WS_AF_INET6),
                         [](const auto &info) { return info.param == WS_AF_INET ? "IPv4" : "IPv6"; });

// ---- Event select ----------------------------------------------------------------------------

TEST_P(NetworkEvents, FdWriteIsSignalledAtOnceOnAConnectedSocket) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(server, FD_READ | FD_WRITE | FD_CLOSE), 0);
  ASSERT_TRUE(Signalled(0));  // due when registered: signalled by the call itself
  WSANETWORKEVENTS events = Enum(server);
  EXPECT_EQ(events.lNetworkEvents, FD_WRITE);
  EXPECT_EQ(events.iErrorCode[FD_WRITE_BIT], 0);
  EXPECT_FALSE(Signalled(0));  // WSPEnumNetworkEvents reset the event
  EXPECT_EQ(Enum(server).lNetworkEvents, 0);  // and cleared the record
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, FdReadIsReenabledByEachReceiveWhileDataRemains) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(server, FD_READ), 0);
  EXPECT_FALSE(Signalled(0));
  Send(client, 100);
  ASSERT_TRUE(Signalled(kGuardMs));
  WSANETWORKEVENTS events = Enum(server);
  EXPECT_EQ(events.lNetworkEvents, FD_READ);
  EXPECT_EQ(events.iErrorCode[FD_READ_BIT], 0);
  // More data before any receive: FD_READ stays recorded-and-disabled, nothing new.
  Send(client, 10);
  EXPECT_FALSE(Signalled(kQuietMs));
  // A receive that leaves data re-enables FD_READ, and the data still there records it again
  // (level-triggered, MSDN's 100-byte example).
  ASSERT_EQ(Recv(server, 50), 50);
  EXPECT_TRUE(Signalled(0));
  EXPECT_EQ(Enum(server).lNetworkEvents, FD_READ);
  ASSERT_EQ(Recv(server, 1000), 60);  // all of it: re-enabled, nothing left to record
  EXPECT_FALSE(Signalled(kQuietMs));
  EXPECT_EQ(Enum(server).lNetworkEvents, 0);
  Send(client, 1);  // new data after the re-enabling receive: recorded
  EXPECT_EQ(WaitEvents(server, FD_READ).lNetworkEvents, FD_READ);
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, FdWriteIsReenabledOnlyByASendThatWouldBlock) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(client, FD_WRITE), 0);
  EXPECT_EQ(WaitEvents(client, FD_WRITE).lNetworkEvents, FD_WRITE);
  Send(client, 10);  // succeeded: FD_WRITE stays disabled
  EXPECT_FALSE(Signalled(kQuietMs));
  EXPECT_EQ(Enum(client).lNetworkEvents, 0);
  // Fill the connection until a send fails with WSAEWOULDBLOCK (event select made the socket
  // non-blocking).
  std::vector<char> chunk(65536, 'y');
  int error = 0;
  size_t queued = 10;
  for (;;) {
    WSABUF buf = {static_cast<ULONG>(chunk.size()), chunk.data()};
    DWORD sent = 0;
    if (procs_.lpWSPSend(client, &buf, 1, &sent, 0, nullptr, nullptr, nullptr, &error) != 0) break;
    queued += sent;
  }
  ASSERT_EQ(error, WSAEWOULDBLOCK);
  EXPECT_FALSE(Signalled(kQuietMs));  // no room yet
  // The peer drains everything: room again, FD_WRITE recorded.
  std::vector<char> sink(1 << 20);
  const int fd = Fd(server);
  while (queued > 0) {
    const ssize_t n = recv(fd, sink.data(), sink.size(), 0);
    ASSERT_GT(n, 0) << errno;
    queued -= static_cast<size_t>(n);
  }
  EXPECT_EQ(WaitEvents(client, FD_WRITE).lNetworkEvents, FD_WRITE);
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, FdAcceptIsReenabledByEachAcceptWhileConnectionsWait) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  ASSERT_EQ(EventSelect(listener, FD_ACCEPT), 0);
  EXPECT_FALSE(Signalled(0));
  SOCKET clients[3];
  for (SOCKET &c : clients) {
    // Blocking: queued on the listener when it returns.
    c = ConnectedTo(family(), address, length);
  }
  WSANETWORKEVENTS events = WaitEvents(listener, FD_ACCEPT);
  EXPECT_EQ(events.lNetworkEvents, FD_ACCEPT);
  EXPECT_EQ(events.iErrorCode[FD_ACCEPT_BIT], 0);
  EXPECT_FALSE(Signalled(kQuietMs));  // recorded once until an accept re-enables it
  int error = 0;
  for (int i = 0; i < 3; ++i) {
    SOCKET accepted = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
    ASSERT_NE(accepted, INVALID_SOCKET) << error;
    // Re-enabled by the accept: recorded at once while connections still wait, not after the
    // last one.
    EXPECT_EQ(Signalled(0), i < 2) << i;
    EXPECT_EQ(Enum(listener).lNetworkEvents, i < 2 ? FD_ACCEPT : 0) << i;
    Close(accepted);
  }
  // An accept that fails re-enables too (MSDN: "even if the call fails").
  EXPECT_EQ(procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error), INVALID_SOCKET);
  EXPECT_EQ(error, WSAEWOULDBLOCK);
  SOCKET late = ConnectedTo(family(), address, length);
  EXPECT_EQ(WaitEvents(listener, FD_ACCEPT).lNetworkEvents, FD_ACCEPT);
  for (SOCKET c : clients) Close(c);
  Close(late);
  Close(listener);
}

TEST_P(NetworkEvents, FdConnectReportsSuccessThenFdWrite) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  ASSERT_EQ(EventSelect(client, FD_CONNECT | FD_WRITE | FD_READ), 0);
  EXPECT_FALSE(Signalled(0));  // not connected: nothing due
  ASSERT_EQ(Connect(client, address, length), WSAEWOULDBLOCK);
  WSANETWORKEVENTS events = WaitEvents(client, FD_CONNECT | FD_WRITE);
  EXPECT_EQ(events.lNetworkEvents, FD_CONNECT | FD_WRITE);
  EXPECT_EQ(events.iErrorCode[FD_CONNECT_BIT], 0);
  EXPECT_FALSE(Signalled(kQuietMs));  // FD_CONNECT is never re-enabled
  Close(client);
  Close(listener);
}

TEST_P(NetworkEvents, FdConnectReportsARefusedConnection) {
  WS_sockaddr_in6 address;
  int length;
  bp_test::DeadAddress(family(), &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  ASSERT_EQ(EventSelect(client, FD_CONNECT | FD_WRITE), 0);
  ASSERT_EQ(Connect(client, address, length), WSAEWOULDBLOCK);
  WSANETWORKEVENTS events = WaitEvents(client, FD_CONNECT);
  EXPECT_EQ(events.lNetworkEvents, FD_CONNECT);  // no FD_WRITE: never connected
  EXPECT_EQ(events.iErrorCode[FD_CONNECT_BIT], WSAECONNREFUSED);
  Close(client);
}

TEST_P(NetworkEvents, FdCloseAfterTheDataIsReadWhenThePeerClosesGracefully) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(server, FD_READ | FD_CLOSE), 0);
  Send(client, 10);
  Close(client);  // graceful: data, then FIN
  WSANETWORKEVENTS events = WaitEvents(server, FD_READ);
  EXPECT_EQ(events.lNetworkEvents & FD_CLOSE, 0);  // data unread: not yet
  ASSERT_EQ(Recv(server, 100), 10);
  events = WaitEvents(server, FD_CLOSE);
  EXPECT_EQ(events.lNetworkEvents, FD_CLOSE);
  EXPECT_EQ(events.iErrorCode[FD_CLOSE_BIT], 0);
  EXPECT_EQ(Recv(server, 100), 0);  // FD_READ re-enabled, nothing to read: no FD_READ
  EXPECT_FALSE(Signalled(kQuietMs));  // FD_CLOSE is never re-enabled
  EXPECT_EQ(Enum(server).lNetworkEvents, 0);
  Close(server);
}

TEST_P(NetworkEvents, FdCloseWithoutFdReadComesAtOnce) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(server, FD_CLOSE), 0);
  Send(client, 10);
  Close(client);
  WSANETWORKEVENTS events = WaitEvents(server, FD_CLOSE);
  EXPECT_EQ(events.lNetworkEvents, FD_CLOSE);
  EXPECT_EQ(events.iErrorCode[FD_CLOSE_BIT], 0);
  Close(server);
}

TEST_P(NetworkEvents, FdCloseReportsAReset) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(server, FD_READ | FD_CLOSE), 0);
  Reset(client);
  WSANETWORKEVENTS events = WaitEvents(server, FD_CLOSE);
  EXPECT_EQ(events.lNetworkEvents, FD_CLOSE);
  EXPECT_EQ(events.iErrorCode[FD_CLOSE_BIT], WSAECONNRESET);
  Close(server);
}

TEST_P(NetworkEvents, FdOobIsReenabledByAnOutOfBandReceive) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(server, FD_OOB), 0);
  ASSERT_EQ(send(Fd(client), "!", 1, MSG_OOB), 1);
  WSANETWORKEVENTS events = WaitEvents(server, FD_OOB);
  EXPECT_EQ(events.lNetworkEvents, FD_OOB);
  EXPECT_EQ(events.iErrorCode[FD_OOB_BIT], 0);
  EXPECT_FALSE(Signalled(kQuietMs));
  ASSERT_EQ(Recv(server, 1, MSG_OOB), 1);  // re-enables FD_OOB; nothing urgent left
  EXPECT_FALSE(Signalled(kQuietMs));
  ASSERT_EQ(send(Fd(client), "?", 1, MSG_OOB), 1);
  EXPECT_EQ(WaitEvents(server, FD_OOB).lNetworkEvents, FD_OOB);
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, AMaskOfZeroCancelsAndClearsTheRecord) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(server, FD_READ | FD_WRITE), 0);
  ASSERT_TRUE(Signalled(0));  // FD_WRITE recorded
  ASSERT_EQ(EventSelect(server, 0), 0);
  EXPECT_FALSE(ws2emu::base_provider::SelectsEvents(*SocketCall(server, nullptr)));
  ws2emu_ResetEvent(event_);
  Send(client, 5);
  EXPECT_FALSE(Signalled(kQuietMs));
  EXPECT_EQ(Enum(server).lNetworkEvents, 0);
  // The socket stays non-blocking after the cancel (MSDN): a receive with nothing to read.
  ASSERT_EQ(Recv(server, 100), 5);
  EXPECT_EQ(Recv(server, 100), -WSAEWOULDBLOCK);
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, FionbioCannotMakeASelectingSocketBlocking) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  int error = 0;
  auto fionbio = [&](WS_u_long on) {
    DWORD returned = 0;
    return procs_.lpWSPIoctl(s, static_cast<DWORD>(WS_FIONBIO), &on, sizeof(on), nullptr, 0,
                             &returned, nullptr, nullptr, nullptr, &error);
  };
  ASSERT_EQ(AsyncSelect(s, FD_READ), 0);
  EXPECT_EQ(fionbio(0), SOCKET_ERROR);  // MSDN (ioctlsocket): WSAEINVAL while selecting
  EXPECT_EQ(error, WSAEINVAL);
  ASSERT_EQ(EventSelect(s, FD_READ), 0);
  EXPECT_EQ(fionbio(0), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  ASSERT_EQ(EventSelect(s, 0), 0);  // cancelled: blocking mode may be set again
  EXPECT_EQ(fionbio(0), 0) << error;
  Close(s);
}

TEST_P(NetworkEvents, CloseWhileRegisteredSignalsNothingMore) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(server, FD_READ | FD_CLOSE), 0);
  Close(server);
  Send(client, 5);
  Close(client);
  EXPECT_FALSE(Signalled(kQuietMs));
  WSANETWORKEVENTS events;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPEnumNetworkEvents(server, event_, &events, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
}

TEST_P(NetworkEvents, EnumWithoutARegistrationReportsNothing) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  Send(client, 5);
  WSANETWORKEVENTS events;
  int error = 0;
  ASSERT_EQ(procs_.lpWSPEnumNetworkEvents(server, nullptr, &events, &error), 0) << error;
  EXPECT_EQ(events.lNetworkEvents, 0);
  for (int code : events.iErrorCode) EXPECT_EQ(code, 0);
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, ANewEventSelectReplacesTheEventObject) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  WSAEVENT other = WSACreateEvent();
  ASSERT_EQ(EventSelect(server, FD_READ), 0);
  ASSERT_EQ(EventSelect(server, FD_READ, other), 0);
  Send(client, 5);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(other, kGuardMs, FALSE), WAIT_OBJECT_0);
  EXPECT_FALSE(Signalled(0));
  WSACloseEvent(other);
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, DatagramSocketsReportFdReadAndFdWrite) {
  SOCKET a = Socket(family(), WS_SOCK_DGRAM);
  SOCKET b = Socket(family(), WS_SOCK_DGRAM);
  WS_sockaddr_in6 address;
  const int size = BindLoopback(family(), a, &address);
  int error = 0;
  ASSERT_EQ(EventSelect(a, FD_READ | FD_WRITE), 0);
  EXPECT_EQ(Enum(a).lNetworkEvents, FD_WRITE);
  char byte = 'd';
  WSABUF buf = {1, &byte};
  DWORD sent = 0;
  ASSERT_EQ(procs_.lpWSPSendTo(b, &buf, 1, &sent, 0, reinterpret_cast<WS_sockaddr *>(&address),
                               size, nullptr, nullptr, nullptr, &error),
            0)
      << error;
  EXPECT_EQ(WaitEvents(a, FD_READ).lNetworkEvents, FD_READ);
  Close(a);
  Close(b);
}

// ---- Errors ----------------------------------------------------------------------------------

TEST_P(NetworkEvents, EventSelectErrors) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  int error = 0;
  EXPECT_EQ(procs_.lpWSPEventSelect(s, event_, FD_ALL_EVENTS + 1, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(procs_.lpWSPEventSelect(s, event_, 1L << 20, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(procs_.lpWSPEventSelect(s, nullptr, FD_READ, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  WSAEVENT closed = WSACreateEvent();
  WSACloseEvent(closed);
  EXPECT_EQ(procs_.lpWSPEventSelect(s, closed, FD_READ, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_FALSE(ws2emu::base_provider::SelectsEvents(*SocketCall(s, nullptr)));  // unchanged
  EXPECT_EQ(procs_.lpWSPEventSelect(s, nullptr, 0, &error), 0);  // cancel: the event is ignored
  Close(s);
  EXPECT_EQ(procs_.lpWSPEventSelect(s, event_, FD_READ, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
  EXPECT_EQ(procs_.lpWSPEventSelect(static_cast<SOCKET>(0x7ffffff0), event_, FD_READ, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
}

TEST_P(NetworkEvents, EnumNetworkEventsErrors) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  int error = 0;
  EXPECT_EQ(procs_.lpWSPEnumNetworkEvents(s, event_, nullptr, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  WSANETWORKEVENTS events;
  WSAEVENT closed = WSACreateEvent();
  WSACloseEvent(closed);
  EXPECT_EQ(procs_.lpWSPEnumNetworkEvents(s, closed, &events, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  Close(s);
  EXPECT_EQ(procs_.lpWSPEnumNetworkEvents(s, event_, &events, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
}

TEST_P(NetworkEvents, AsyncSelectErrors) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  int error = 0;
  EXPECT_EQ(procs_.lpWSPAsyncSelect(s, window_, kMessage, 1L << 12, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(procs_.lpWSPAsyncSelect(s, nullptr, kMessage, FD_READ, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  HWND gone = ws2emu_CreateWindowExW(0, u"ws2emu network events test", nullptr, 0, 0, 0, 0, 0,
                                     HWND_MESSAGE, nullptr, nullptr, nullptr);
  ASSERT_NE(gone, nullptr);
  ws2emu_DestroyWindow(gone);
  EXPECT_EQ(procs_.lpWSPAsyncSelect(s, gone, kMessage, FD_READ, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(procs_.lpWSPAsyncSelect(s, nullptr, 0, 0, &error), 0);  // cancel
  Close(s);
  EXPECT_EQ(procs_.lpWSPAsyncSelect(s, window_, kMessage, FD_READ, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
}

// ---- Async select ----------------------------------------------------------------------------

TEST_P(NetworkEvents, AsyncSelectPostsFdWriteAtOnceAndFdReadPerReenable) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(AsyncSelect(server, FD_READ | FD_WRITE), 0);
  MSG msg;
  ASSERT_TRUE(NextMessage(&msg, 0));  // posted by the call itself
  EXPECT_EQ(msg.hwnd, window_);
  EXPECT_EQ(msg.message, kMessage);
  EXPECT_EQ(msg.wParam, static_cast<WPARAM>(server));
  EXPECT_EQ(msg.lParam, WSAMAKESELECTREPLY(FD_WRITE, 0));
  Send(client, 100);
  ASSERT_TRUE(NextMessage(&msg, kGuardMs));
  EXPECT_EQ(msg.lParam, WSAMAKESELECTREPLY(FD_READ, 0));
  Send(client, 10);
  EXPECT_FALSE(NextMessage(&msg, kQuietMs));  // one message until a receive re-enables
  ASSERT_EQ(Recv(server, 50), 50);
  ASSERT_TRUE(NextMessage(&msg, 0));  // data remains: posted again by the receive
  EXPECT_EQ(msg.lParam, WSAMAKESELECTREPLY(FD_READ, 0));
  ASSERT_EQ(Recv(server, 1000), 60);
  EXPECT_FALSE(NextMessage(&msg, kQuietMs));
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, AsyncSelectFdConnectAndFdAccept) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  ASSERT_EQ(AsyncSelect(listener, FD_ACCEPT), 0);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  int errors[FD_MAX_EVENTS] = {};
  ASSERT_EQ(AsyncSelect(client, FD_CONNECT | FD_WRITE), 0);
  ASSERT_EQ(Connect(client, address, length), WSAEWOULDBLOCK);
  // Both sockets post to the one window; sort the messages by socket.
  long client_seen = 0, listener_seen = 0;
  std::vector<long> client_order;
  MSG msg;
  while ((client_seen != (FD_CONNECT | FD_WRITE) || listener_seen != FD_ACCEPT) &&
         NextMessage(&msg, kGuardMs)) {
    const long event = WSAGETSELECTEVENT(msg.lParam);
    if (msg.wParam == static_cast<WPARAM>(client)) {
      client_seen |= event;
      client_order.push_back(event);
      for (int bit = 0; bit < FD_MAX_EVENTS; ++bit) {
        if (event == (1L << bit)) errors[bit] = WSAGETSELECTERROR(msg.lParam);
      }
    } else {
      EXPECT_EQ(msg.wParam, static_cast<WPARAM>(listener));
      listener_seen |= event;
    }
  }
  EXPECT_EQ(client_seen, FD_CONNECT | FD_WRITE);
  EXPECT_EQ(errors[FD_CONNECT_BIT], 0);
  ASSERT_EQ(client_order.size(), 2u);
  EXPECT_EQ(client_order[0], FD_CONNECT);  // the connection's outcome before what it enables
  EXPECT_EQ(listener_seen, FD_ACCEPT);
  Close(client);
  Close(listener);
}

TEST_P(NetworkEvents, AsyncSelectFdConnectRefusedCarriesTheError) {
  WS_sockaddr_in6 address;
  int length;
  bp_test::DeadAddress(family(), &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  ASSERT_EQ(AsyncSelect(client, FD_CONNECT), 0);
  ASSERT_EQ(Connect(client, address, length), WSAEWOULDBLOCK);
  int errors[FD_MAX_EVENTS] = {};
  EXPECT_EQ(WaitMessages(client, FD_CONNECT, errors), FD_CONNECT);
  EXPECT_EQ(errors[FD_CONNECT_BIT], WSAECONNREFUSED);
  Close(client);
}

TEST_P(NetworkEvents, AsyncSelectFdCloseGracefulAndReset) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(AsyncSelect(server, FD_CLOSE), 0);
  Close(client);
  int errors[FD_MAX_EVENTS] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
  EXPECT_EQ(WaitMessages(server, FD_CLOSE, errors), FD_CLOSE);
  EXPECT_EQ(errors[FD_CLOSE_BIT], 0);
  MSG msg;
  EXPECT_FALSE(NextMessage(&msg, kQuietMs));  // once
  Close(server);

  Pair(family(), &client, &server);
  ASSERT_EQ(AsyncSelect(server, FD_READ | FD_CLOSE), 0);
  Reset(client);
  EXPECT_EQ(WaitMessages(server, FD_CLOSE, errors), FD_CLOSE);
  EXPECT_EQ(errors[FD_CLOSE_BIT], WSAECONNRESET);
  Close(server);
}

TEST_P(NetworkEvents, AsyncSelectFdOob) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(AsyncSelect(server, FD_OOB), 0);
  ASSERT_EQ(send(Fd(client), "!", 1, MSG_OOB), 1);
  EXPECT_EQ(WaitMessages(server, FD_OOB), FD_OOB);
  MSG msg;
  EXPECT_FALSE(NextMessage(&msg, kQuietMs));
  ASSERT_EQ(Recv(server, 1, MSG_OOB), 1);
  ASSERT_EQ(send(Fd(client), "?", 1, MSG_OOB), 1);
  EXPECT_EQ(WaitMessages(server, FD_OOB), FD_OOB);
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, CloseWhileAsyncSelectedPostsNothingMore) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(AsyncSelect(server, FD_READ | FD_CLOSE), 0);
  Close(server);
  Send(client, 5);
  Close(client);
  MSG msg;
  EXPECT_FALSE(NextMessage(&msg, kQuietMs));
}

TEST_P(NetworkEvents, AsyncSelectCancelledWithZeroPostsNothing) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(AsyncSelect(server, FD_READ), 0);
  ASSERT_EQ(AsyncSelect(server, 0), 0);
  Send(client, 5);
  MSG msg;
  EXPECT_FALSE(NextMessage(&msg, kQuietMs));
  Close(client);
  Close(server);
}

TEST_P(NetworkEvents, EventSelectAndAsyncSelectReplaceEachOther) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(EventSelect(server, FD_READ), 0);
  ASSERT_EQ(AsyncSelect(server, FD_READ), 0);  // cancels the event select
  Send(client, 5);
  EXPECT_EQ(WaitMessages(server, FD_READ), FD_READ);
  EXPECT_FALSE(Signalled(0));
  EXPECT_EQ(Enum(server).lNetworkEvents, 0);  // async select records nothing to enumerate
  ASSERT_EQ(EventSelect(server, FD_READ), 0);  // and back: the data waiting is due at once
  EXPECT_TRUE(Signalled(0));
  EXPECT_EQ(Enum(server).lNetworkEvents, FD_READ);
  MSG msg;
  EXPECT_FALSE(NextMessage(&msg, kQuietMs));
  Close(client);
  Close(server);
}

// ---- ConnectEx and AcceptEx --------------------------------------------------------------------
// Microsoft documents no network event for the extension functions; what Windows does is taken
// from Wine, whose tests run on Windows (dlls/ws2_32/tests/sock.c) and whose server models it
// (server/sock.c). Each case names its source.

// server/sock.c: ConnectEx and connect are the same request (IOCTL_AFD_WINE_CONNECT), and
// sock_dispatch_events posts FD_CONNECT and FD_WRITE when a connecting socket becomes writable,
// whichever began the connect (test_connect_events checks FD_CONNECT, FD_WRITE for connect).
TEST_P(NetworkEvents, ConnectExRecordsFdConnectThenFdWrite) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  BindLoopback(family(), client);
  ASSERT_EQ(EventSelect(client, FD_CONNECT | FD_WRITE | FD_READ), 0);
  EXPECT_FALSE(Signalled(0));  // bound, not connected: nothing due
  WSAOVERLAPPED ov = {};
  const int started = StartConnectEx(client, address, length, &ov);
  ASSERT_TRUE(started == 0 || started == WSA_IO_PENDING) << started;
  int error = 0;
  EXPECT_EQ(Complete(client, &ov, &error), 0u) << error;
  WSANETWORKEVENTS events = WaitEvents(client, FD_CONNECT | FD_WRITE);
  EXPECT_EQ(events.lNetworkEvents, FD_CONNECT | FD_WRITE);
  EXPECT_EQ(events.iErrorCode[FD_CONNECT_BIT], 0);
  EXPECT_EQ(events.iErrorCode[FD_WRITE_BIT], 0);
  EXPECT_FALSE(Signalled(kQuietMs));  // FD_CONNECT is never re-enabled; FD_WRITE not by itself
  Close(client);
  Close(listener);
}

// server/sock.c: a failed connect posts AFD_POLL_CONNECT_ERR, which ws2_32 reports as
// FD_CONNECT with the error in iErrorCode[FD_CONNECT_BIT] (afd_poll_flag_to_win32), as for a
// non-blocking connect; no FD_WRITE (never connected). [inference] Where the first try already
// sees the refusal, ConnectEx fails with it at once and FD_CONNECT still reports it: Windows
// always pends a TCP connect, so there only FD_CONNECT and the completion tell it.
TEST_P(NetworkEvents, ConnectExRefusedRecordsFdConnectWithTheError) {
  WS_sockaddr_in6 address;
  int length;
  bp_test::DeadAddress(family(), &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  BindLoopback(family(), client);
  ASSERT_EQ(EventSelect(client, FD_CONNECT | FD_WRITE), 0);
  WSAOVERLAPPED ov = {};
  const int started = StartConnectEx(client, address, length, &ov);
  if (started == WSA_IO_PENDING) {
    int error = 0;
    EXPECT_EQ(Complete(client, &ov, &error), ~0u);
    EXPECT_EQ(error, WSAECONNREFUSED);
  } else {
    EXPECT_EQ(started, WSAECONNREFUSED);
  }
  WSANETWORKEVENTS events = WaitEvents(client, FD_CONNECT);
  EXPECT_EQ(events.lNetworkEvents, FD_CONNECT);
  EXPECT_EQ(events.iErrorCode[FD_CONNECT_BIT], WSAECONNREFUSED);
  EXPECT_FALSE(Signalled(kQuietMs));
  Close(client);
}

// As the event-select case, through WSAAsyncSelect: server/sock.c event_bitorder posts CONNECT
// before WRITE.
TEST_P(NetworkEvents, AsyncSelectConnectExPostsFdConnectBeforeFdWrite) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  BindLoopback(family(), client);
  ASSERT_EQ(AsyncSelect(client, FD_CONNECT | FD_WRITE), 0);
  WSAOVERLAPPED ov = {};
  const int started = StartConnectEx(client, address, length, &ov);
  ASSERT_TRUE(started == 0 || started == WSA_IO_PENDING) << started;
  int errors[FD_MAX_EVENTS] = {};
  std::vector<long> order;
  EXPECT_EQ(WaitMessages(client, FD_CONNECT | FD_WRITE, errors, &order), FD_CONNECT | FD_WRITE);
  EXPECT_EQ(errors[FD_CONNECT_BIT], 0);
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0], FD_CONNECT);
  EXPECT_EQ(order[1], FD_WRITE);
  int error = 0;
  EXPECT_EQ(Complete(client, &ov, &error), 0u) << error;
  Close(client);
  Close(listener);
}

// Wine's test_accept_events, "Connect while there is a pending AcceptEx()": the AcceptEx
// completes and no FD_ACCEPT is recorded; the next connection gives FD_ACCEPT.
TEST_P(NetworkEvents, AConnectionAPendingAcceptExTakesGivesNoFdAccept) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  ASSERT_EQ(EventSelect(listener, FD_ACCEPT), 0);
  WSAOVERLAPPED ov = {};
  SOCKET accept_socket = PendingAcceptEx(listener, &ov);
  SOCKET client = ConnectedTo(family(), address, length);
  int error = 0;
  EXPECT_EQ(Complete(listener, &ov, &error), 0u) << error;
  EXPECT_FALSE(Signalled(kQuietMs));
  EXPECT_EQ(Enum(listener).lNetworkEvents, 0);
  SOCKET next = ConnectedTo(family(), address, length);
  WSANETWORKEVENTS events = WaitEvents(listener, FD_ACCEPT);
  EXPECT_EQ(events.lNetworkEvents, FD_ACCEPT);
  EXPECT_EQ(events.iErrorCode[FD_ACCEPT_BIT], 0);
  SOCKET accepted = AcceptOne(listener);
  Close(accepted);
  Close(next);
  Close(client);
  Close(accept_socket);
  Close(listener);
}

// Two connections arrive while one AcceptEx is pending: it takes one, and the other is a
// connection to accept, so FD_ACCEPT is recorded for it (server/sock.c sock_dispatch_asyncs
// gives one readiness to one accept request; the next poll finds the queue empty of requests
// and posts FD_ACCEPT).
TEST_P(NetworkEvents, AConnectionNoAcceptExTakesGivesFdAccept) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  ASSERT_EQ(EventSelect(listener, FD_ACCEPT), 0);
  WSAOVERLAPPED ov = {};
  SOCKET accept_socket = PendingAcceptEx(listener, &ov);
  SOCKET clients[2];
  for (SOCKET &c : clients) {
    c = ConnectedTo(family(), address, length);
  }
  int error = 0;
  EXPECT_EQ(Complete(listener, &ov, &error), 0u) << error;
  WSANETWORKEVENTS events = WaitEvents(listener, FD_ACCEPT);
  EXPECT_EQ(events.lNetworkEvents, FD_ACCEPT);
  SOCKET accepted = AcceptOne(listener);
  EXPECT_FALSE(Signalled(kQuietMs));  // re-enabled by the accept, and nothing waits now
  Close(accepted);
  for (SOCKET c : clients) Close(c);
  Close(accept_socket);
  Close(listener);
}

// [inference] A pending AcceptEx that is cancelled (CancelIoEx) no longer takes the next
// connection, so that connection is FD_ACCEPT's again: recorded when it arrives, even where the
// registration was made while the AcceptEx stood in for it (the watcher was not waiting then).
TEST_P(NetworkEvents, ACancelledAcceptExLeavesTheNextConnectionToFdAccept) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  WSAOVERLAPPED ov = {};
  SOCKET accept_socket = PendingAcceptEx(listener, &ov);
  ASSERT_EQ(EventSelect(listener, FD_ACCEPT), 0);
  EXPECT_FALSE(Signalled(0));
  EXPECT_EQ(ws2emu::base_provider::CancelIo(listener, &ov, /*all_threads=*/true), 0u);
  int error = 0;
  EXPECT_EQ(Complete(listener, &ov, &error), ~0u);
  EXPECT_EQ(error, WSA_OPERATION_ABORTED);
  SOCKET client = ConnectedTo(family(), address, length);
  WSANETWORKEVENTS events = WaitEvents(listener, FD_ACCEPT);
  EXPECT_EQ(events.lNetworkEvents, FD_ACCEPT);
  SOCKET accepted = AcceptOne(listener);
  Close(accepted);
  Close(client);
  Close(accept_socket);
  Close(listener);
}

// server/sock.c accept_into_socket (AcceptEx) clears AFD_POLL_ACCEPT from the listener's
// reported events as accept_socket (accept) does: AcceptEx re-enables FD_ACCEPT, and it is
// recorded again at once while a connection still waits.
TEST_P(NetworkEvents, AcceptExReenablesFdAcceptWhileConnectionsWait) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  ASSERT_EQ(EventSelect(listener, FD_ACCEPT), 0);
  SOCKET clients[2];
  for (SOCKET &c : clients) {
    c = ConnectedTo(family(), address, length);
  }
  EXPECT_EQ(WaitEvents(listener, FD_ACCEPT).lNetworkEvents, FD_ACCEPT);
  EXPECT_FALSE(Signalled(kQuietMs));  // recorded once until a re-enabling call
  SOCKET accept_sockets[2];
  for (int i = 0; i < 2; ++i) {
    accept_sockets[i] = Socket(family(), WS_SOCK_STREAM);
    WSAOVERLAPPED ov = {};
    const int started = StartAcceptEx(listener, accept_sockets[i], 0, &ov);
    ASSERT_TRUE(started == 0 || started == WSA_IO_PENDING) << started;
    int error = 0;
    EXPECT_EQ(Complete(listener, &ov, &error), 0u) << error;
    // Re-enabled: recorded again while the second connection waits, not after the last.
    if (i == 0) {
      EXPECT_EQ(WaitEvents(listener, FD_ACCEPT).lNetworkEvents, FD_ACCEPT) << i;
    } else {
      EXPECT_FALSE(Signalled(kQuietMs)) << i;
    }
  }
  for (SOCKET a : accept_sockets) Close(a);
  for (SOCKET c : clients) Close(c);
  Close(listener);
}

// AcceptEx's documentation: the accept socket "does not inherit the properties of the socket
// associated with sListenSocket parameter until SO_UPDATE_ACCEPT_CONTEXT is set"; server/sock.c
// accept_into_socket copies no mask, event or window from the listener (accept_socket does).
// [inference] SO_UPDATE_ACCEPT_CONTEXT then gives it the listener's registration, which
// WSAAccept's documentation counts among the properties an accepted socket has.
TEST_P(NetworkEvents, AnAcceptExSocketTakesTheListenersRegistrationAtUpdateAcceptContext) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  ASSERT_EQ(AsyncSelect(listener, FD_ACCEPT | FD_READ | FD_WRITE), 0);
  WSAOVERLAPPED ov = {};
  SOCKET accept_socket = PendingAcceptEx(listener, &ov);
  SOCKET client = ConnectedTo(family(), address, length);
  int error = 0;
  EXPECT_EQ(Complete(listener, &ov, &error), 0u) << error;
  EXPECT_FALSE(Selecting(accept_socket));
  MSG msg;
  EXPECT_FALSE(NextMessage(&msg, kQuietMs));  // no FD_ACCEPT (taken), nothing for the socket
  ASSERT_EQ(procs_.lpWSPSetSockOpt(accept_socket, WS_SOL_SOCKET, WS_SO_UPDATE_ACCEPT_CONTEXT,
                                   reinterpret_cast<char *>(&listener), sizeof(listener), &error),
            0)
      << error;
  EXPECT_TRUE(Selecting(accept_socket));
  EXPECT_EQ(WaitMessages(accept_socket, FD_WRITE), FD_WRITE);  // same window, same message
  Send(client, 3);
  EXPECT_EQ(WaitMessages(accept_socket, FD_READ), FD_READ);
  Close(client);
  Close(accept_socket);
  Close(listener);
}

// server/sock.c accept_into_socket keeps the accept socket's own mask and clears its pending
// and reported events: a registration the accept socket had before AcceptEx restarts for the
// connection, and FD_WRITE is due at once; later data gives FD_READ (the connection's
// descriptor is the one watched). With and without first data asked for; [inference] the data
// AcceptEx returns is taken as a receive takes it, so FD_READ does not announce it too.
TEST_P(NetworkEvents, AnAcceptSocketsOwnRegistrationRestartsForTheConnection) {
  for (DWORD receive : {0u, 4u}) {
    SCOPED_TRACE(receive);
    SOCKET listener;
    WS_sockaddr_in6 address;
    int length;
    Listen(family(), &listener, &address, &length);
    SOCKET accept_socket = Socket(family(), WS_SOCK_STREAM);
    ASSERT_EQ(EventSelect(accept_socket, FD_READ | FD_WRITE | FD_CLOSE), 0);
    EXPECT_FALSE(Signalled(0));  // unconnected: nothing due
    WSAOVERLAPPED ov = {};
    ASSERT_EQ(StartAcceptEx(listener, accept_socket, receive, &ov), WSA_IO_PENDING);
    SOCKET client = ConnectedTo(family(), address, length);
    if (receive != 0) SendAll(client, "data");
    int error = 0;
    EXPECT_EQ(Complete(listener, &ov, &error), receive) << error;
    EXPECT_TRUE(Selecting(accept_socket));
    EXPECT_EQ(WaitEvents(accept_socket, FD_WRITE).lNetworkEvents, FD_WRITE);
    Send(client, 3);
    WSANETWORKEVENTS events = WaitEvents(accept_socket, FD_READ);
    EXPECT_EQ(events.lNetworkEvents, FD_READ);
    EXPECT_EQ(Recv(accept_socket, 3), 3);
    Close(client);
    EXPECT_EQ(WaitEvents(accept_socket, FD_CLOSE).lNetworkEvents & FD_CLOSE, FD_CLOSE);
    Close(accept_socket);
    Close(listener);
  }
}

// Racy by nature (for ThreadSanitizer): connections arrive from another thread while AcceptEx
// operations are issued and FD_ACCEPT is enumerated, so the engine's reaper, the watcher thread
// and the caller evaluate the listener at once. Every connection is taken exactly once, by an
// AcceptEx or by a WSPAccept after FD_ACCEPT, and no connection waits unsignalled.
TEST_P(NetworkEvents, AcceptExAndFdAcceptShareTheConnectionsUnderLoad) {
  constexpr int kConnections = 48;
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  ASSERT_EQ(EventSelect(listener, FD_ACCEPT), 0);
  std::vector<SOCKET> clients(kConnections, INVALID_SOCKET);
  std::atomic<int> connected{0};
  std::thread connector([&] {
    for (int i = 0; i < kConnections; ++i) {
      clients[i] = Socket(family(), WS_SOCK_STREAM);
      EXPECT_EQ(Connect(clients[i], address, length), 0) << i;
      connected.fetch_add(1);
    }
  });
  struct Pending {
    SOCKET socket;
    WSAOVERLAPPED ov;
  };
  std::vector<Pending> pending;
  pending.reserve(kConnections);
  std::vector<SOCKET> accepted;
  int taken = 0;
  for (int round = 0; taken < kConnections && round < 2000; ++round) {
    if (round % 3 == 0 && pending.size() < static_cast<size_t>(kConnections)) {
      pending.push_back({Socket(family(), WS_SOCK_STREAM), {}});
      const int started = StartAcceptEx(listener, pending.back().socket, 0, &pending.back().ov);
      ASSERT_TRUE(started == 0 || started == WSA_IO_PENDING) << started;
    }
    if (Signalled(5) && (Enum(listener).lNetworkEvents & FD_ACCEPT) != 0) {
      int error = 0;
      SOCKET s = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
      if (s != INVALID_SOCKET) {
        accepted.push_back(s);
      } else {
        // A pending AcceptEx may have taken the connection since it was recorded.
        EXPECT_EQ(error, WSAEWOULDBLOCK);
      }
    }
    int done = 0;
    for (Pending &p : pending) {
      if (!InProgress(p.ov)) ++done;
    }
    taken = done + static_cast<int>(accepted.size());
  }
  connector.join();
  EXPECT_EQ(connected.load(), kConnections);
  EXPECT_EQ(taken, kConnections);
  for (Pending &p : pending) {
    if (!InProgress(p.ov)) {
      EXPECT_EQ(__atomic_load_n(&p.ov.Internal, __ATOMIC_ACQUIRE), 0u);
    }
  }
  for (Pending &p : pending) Close(p.socket);  // the AcceptEx still pending ends aborted
  for (SOCKET s : accepted) Close(s);
  for (SOCKET c : clients) Close(c);
  Close(listener);
}

// ---- Inheritance, the watcher's life ---------------------------------------------------------

TEST_P(NetworkEvents, AnAcceptedSocketInheritsTheListenersRegistration) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  ASSERT_EQ(AsyncSelect(listener, FD_ACCEPT | FD_READ | FD_WRITE), 0);
  SOCKET client = ConnectedTo(family(), address, length);
  EXPECT_EQ(WaitMessages(listener, FD_ACCEPT), FD_ACCEPT);
  int error = 0;
  SOCKET accepted = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
  ASSERT_NE(accepted, INVALID_SOCKET) << error;
  {
    // WSPAccept itself gave the accepted socket the listener's registration.
    SocketCall to(accepted, nullptr);
    ASSERT_TRUE(to);
    EXPECT_TRUE(ws2emu::base_provider::SelectsEvents(*to));
  }
  EXPECT_EQ(WaitMessages(accepted, FD_WRITE), FD_WRITE);  // same window, same message
  Send(client, 3);
  EXPECT_EQ(WaitMessages(accepted, FD_READ), FD_READ);
  Close(client);
  Close(accepted);
  Close(listener);
}

TEST(NetworkEventsWatcher, StopsWithTheProviderAndStartsAgain) {
  for (int round = 0; round < 2; ++round) {
    WSAPROTOCOL_INFOW tcp = bp_test::Entry(WS_AF_INET, WS_SOCK_STREAM);
    WSPDATA data;
    WSPPROC_TABLE procs;
    ASSERT_EQ(ws2emu::base_provider::WSPStartup(0x0202, &data, &tcp, *ws2emu_upcall_table(),
                                                &procs),
              0);
    int error = 0;
    WSAPROTOCOL_INFOW udp = bp_test::Entry(WS_AF_INET, WS_SOCK_DGRAM);
    SOCKET s = procs.lpWSPSocket(WS_AF_INET, WS_SOCK_DGRAM, 0, &udp, 0, 0, &error);
    ASSERT_NE(s, INVALID_SOCKET) << error;
    WSAEVENT event = WSACreateEvent();
    ASSERT_EQ(procs.lpWSPEventSelect(s, event, FD_WRITE, &error), 0) << error;
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(event, kGuardMs, FALSE), WAIT_OBJECT_0);
    EXPECT_EQ(procs.lpWSPCleanup(&error), 0);  // closes the registered socket
    ws2emu::base_provider::StopWatcher();
    ws2emu::base_provider::StopWatcher();  // a second stop does nothing
    WSACloseEvent(event);
  }
}

}  // namespace
