// The base provider's calls on a socket's life through the proc table: bind (Windows' address
// sharing), listen, accept with a condition function, connect (blocking, non-blocking, UDP's
// default peer), names, shutdown, duplication, join leaf, QoS names, address strings and
// closesocket's linger rules — every documented error, IPv4 and IPv6.
#include <arpa/inet.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include "fixture.h"
#include "net/net.h"

namespace {

using bp_test::BaseProviderTest;
using bp_test::Entry;
using bp_test::Loopback;

WS_sockaddr *Sa(WS_sockaddr_in6 *a) { return reinterpret_cast<WS_sockaddr *>(a); }

class CallsTest : public BaseProviderTest, public ::testing::WithParamInterface<int> {
 protected:
  int family() const { return GetParam(); }
  int other_family() const { return family() == WS_AF_INET ? WS_AF_INET6 : WS_AF_INET; }

  int Bind(SOCKET s, WS_sockaddr_in6 *address, int length) {
    int error = 0;
    return procs_.lpWSPBind(s, Sa(address), length, &error) == 0 ? 0 : error;
  }
  int SetBool(SOCKET s, int option, BOOL value) {
    int error = 0;
    return procs_.lpWSPSetSockOpt(s, WS_SOL_SOCKET, option, reinterpret_cast<char *>(&value),
                                  sizeof(value), &error) == 0
               ? 0
               : error;
  }
  std::string Exchange(SOCKET from, SOCKET to, const std::string &text) {
    WSABUF out = {static_cast<ULONG>(text.size()), const_cast<char *>(text.data())};
    DWORD count = 0, flags = 0;
    int error = 0;
    EXPECT_EQ(procs_.lpWSPSend(from, &out, 1, &count, 0, nullptr, nullptr, nullptr, &error), 0)
        << error;
    char buffer[256];
    WSABUF in = {sizeof(buffer), buffer};
    EXPECT_EQ(procs_.lpWSPRecv(to, &in, 1, &count, &flags, nullptr, nullptr, nullptr, &error), 0)
        << error;
    return std::string(buffer, count);
  }
  // A listener and a non-blocking socket whose connect to it has begun.
  void StartNonBlockingConnect(SOCKET *listener, SOCKET *s, WS_sockaddr_in6 *address,
                               int *length) {
    Listen(family(), listener, address, length);
    *s = Socket(family(), WS_SOCK_STREAM);
    SetNonBlocking(*s);
    const int first = Connect(*s, *address, *length);
    ASSERT_TRUE(first == WSAEWOULDBLOCK || first == 0) << first;
  }
  // The port of `s`'s local address, host order.
  uint16_t Port(SOCKET s) {
    WS_sockaddr_in6 address;
    int length = sizeof(address);
    int error = 0;
    EXPECT_EQ(procs_.lpWSPGetSockName(s, Sa(&address), &length, &error), 0) << error;
    return ntohs(address.sin6_port);
  }
};

// ---- bind ---------------------------------------------------------------------------------

TEST_P(CallsTest, BindTwiceIsWsaeinval) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  EXPECT_EQ(Bind(s, &address, length), 0);
  EXPECT_EQ(Bind(s, &address, length), WSAEINVAL);
  Close(s);
}

TEST_P(CallsTest, BindWithAShortNullOrForeignAddressIsWsaefault) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  EXPECT_EQ(Bind(s, &address, 4), WSAEFAULT);
  EXPECT_EQ(Bind(s, nullptr, length), WSAEFAULT);
  WS_sockaddr_in6 other;
  int other_length = Loopback(other_family(), 0, &other);
  EXPECT_EQ(Bind(s, &other, other_length), WSAEFAULT);
  EXPECT_EQ(Bind(s, &address, length), 0);  // nothing changed: the socket still binds
  Close(s);
}

TEST_P(CallsTest, BindToAnAddressInUseIsWsaeaddrinuse) {
  SOCKET a = Socket(family(), WS_SOCK_STREAM);
  SOCKET b = Socket(family(), WS_SOCK_STREAM);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  ASSERT_EQ(Bind(a, &address, length), 0);
  Loopback(family(), Port(a), &address);
  EXPECT_EQ(Bind(b, &address, length), WSAEADDRINUSE);
  Close(a);
  Close(b);
}

TEST_P(CallsTest, BindToAnAddressNotOfThisMachineIsWsaeaddrnotavail) {
  SOCKET s = Socket(family(), WS_SOCK_DGRAM);
  WS_sockaddr_in6 address;
  int length = bp_test::UnreachableAddress(family(), 0, &address);
  EXPECT_EQ(Bind(s, &address, length), WSAEADDRNOTAVAIL);
  Close(s);
}

TEST_P(CallsTest, TwoSocketsWithSoReuseaddrShareAnAddress) {
  SOCKET a = Socket(family(), WS_SOCK_DGRAM);
  SOCKET b = Socket(family(), WS_SOCK_DGRAM);
  ASSERT_EQ(SetBool(a, WS_SO_REUSEADDR, TRUE), 0);
  ASSERT_EQ(SetBool(b, WS_SO_REUSEADDR, TRUE), 0);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  ASSERT_EQ(Bind(a, &address, length), 0);
  Loopback(family(), Port(a), &address);
  EXPECT_EQ(Bind(b, &address, length), 0);
  Close(a);
  Close(b);
}

TEST_P(CallsTest, SoReuseaddrCannotTakeAnExclusiveAddress) {
  SOCKET a = Socket(family(), WS_SOCK_STREAM);
  SOCKET b = Socket(family(), WS_SOCK_STREAM);
  ASSERT_EQ(SetBool(a, WS_SO_EXCLUSIVEADDRUSE, TRUE), 0);
  ASSERT_EQ(SetBool(b, WS_SO_REUSEADDR, TRUE), 0);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  ASSERT_EQ(Bind(a, &address, length), 0);
  Loopback(family(), Port(a), &address);
  // Microsoft's table: a reusing bind over an exclusive one is DENIED (WSAEACCES).
  EXPECT_EQ(Bind(b, &address, length), WSAEACCES);
  Close(a);
  Close(b);
}

TEST_P(CallsTest, SoReuseaddrAndSoExclusiveaddruseExcludeEachOther) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  ASSERT_EQ(SetBool(s, WS_SO_REUSEADDR, TRUE), 0);
  EXPECT_EQ(SetBool(s, WS_SO_EXCLUSIVEADDRUSE, TRUE), WSAEINVAL);
  ASSERT_EQ(SetBool(s, WS_SO_REUSEADDR, FALSE), 0);
  EXPECT_EQ(SetBool(s, WS_SO_EXCLUSIVEADDRUSE, TRUE), 0);
  EXPECT_EQ(SetBool(s, WS_SO_REUSEADDR, TRUE), WSAEINVAL);
  Close(s);
}

class CallsV4Test : public BaseProviderTest {};

TEST_F(CallsV4Test, BindingTheBroadcastAddressNeedsSoBroadcast) {
  SOCKET s = Socket(WS_AF_INET, WS_SOCK_DGRAM);
  WS_sockaddr_in address = {};
  address.sin_family = WS_AF_INET;
  address.sin_addr.S_un.S_addr = 0xffffffffu;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPBind(s, reinterpret_cast<WS_sockaddr *>(&address), sizeof(address),
                             &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEACCES);
  BOOL on = TRUE;
  ASSERT_EQ(procs_.lpWSPSetSockOpt(s, WS_SOL_SOCKET, WS_SO_BROADCAST,
                                   reinterpret_cast<char *>(&on), sizeof(on), &error),
            0)
      << error;
  EXPECT_EQ(procs_.lpWSPBind(s, reinterpret_cast<WS_sockaddr *>(&address), sizeof(address),
                             &error),
            0)
      << error;
  Close(s);
}

// ---- listen -------------------------------------------------------------------------------

TEST_P(CallsTest, ListenErrors) {
  int error = 0;
  SOCKET unbound = Socket(family(), WS_SOCK_STREAM);
  EXPECT_EQ(procs_.lpWSPListen(unbound, 5, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  SOCKET udp = Socket(family(), WS_SOCK_DGRAM);
  EXPECT_EQ(procs_.lpWSPListen(udp, 5, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  EXPECT_EQ(procs_.lpWSPListen(client, 5, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEISCONN);
  EXPECT_EQ(procs_.lpWSPListen(0x4321, 5, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
  Close(unbound);
  Close(udp);
  Close(client);
  Close(server);
}

// ---- accept -------------------------------------------------------------------------------

struct ConditionLog {
  int answer = CF_ACCEPT;
  int calls = 0;
  int caller_family = -1;
  int callee_family = -1;
  bool data_and_qos_null = false;
};

int CALLBACK Condition(LPWSABUF lpCallerId, LPWSABUF lpCallerData, LPQOS lpSQOS, LPQOS lpGQOS,
                       LPWSABUF lpCalleeId, LPWSABUF lpCalleeData, GROUP *g,
                       DWORD_PTR dwCallbackData) {
  auto *log = reinterpret_cast<ConditionLog *>(dwCallbackData);
  ++log->calls;
  if (lpCallerId != nullptr) {
    log->caller_family = reinterpret_cast<WS_sockaddr *>(lpCallerId->buf)->sa_family;
  }
  if (lpCalleeId != nullptr) {
    log->callee_family = reinterpret_cast<WS_sockaddr *>(lpCalleeId->buf)->sa_family;
  }
  log->data_and_qos_null = lpCallerData == nullptr && lpSQOS == nullptr && lpGQOS == nullptr &&
                           lpCalleeData == nullptr && g != nullptr && *g == 0;
  return log->answer;
}

TEST_P(CallsTest, AcceptReportsThePeerAddress) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = ConnectedTo(family(), address, length);
  WS_sockaddr_in6 peer;
  int peer_length = sizeof(peer);
  int error = 0;
  SOCKET server = procs_.lpWSPAccept(listener, Sa(&peer), &peer_length, nullptr, 0, &error);
  ASSERT_NE(server, INVALID_SOCKET) << error;
  EXPECT_EQ(peer_length, length);
  EXPECT_EQ(peer.sin6_family, family());
  EXPECT_EQ(ntohs(peer.sin6_port), Port(client));
  EXPECT_EQ(Exchange(client, server, "accepted"), "accepted");
  Close(client);
  Close(server);
  Close(listener);
}

TEST_P(CallsTest, AcceptErrors) {
  int error = 0;
  SOCKET bound = Socket(family(), WS_SOCK_STREAM);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  ASSERT_EQ(Bind(bound, &address, length), 0);
  EXPECT_EQ(procs_.lpWSPAccept(bound, nullptr, nullptr, nullptr, 0, &error), INVALID_SOCKET);
  EXPECT_EQ(error, WSAEINVAL);  // not listening
  SOCKET udp = Socket(family(), WS_SOCK_DGRAM);
  EXPECT_EQ(procs_.lpWSPAccept(udp, nullptr, nullptr, nullptr, 0, &error), INVALID_SOCKET);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  SOCKET listener;
  Listen(family(), &listener, &address, &length);
  WS_sockaddr_in6 peer;
  int short_length = 8;
  EXPECT_EQ(procs_.lpWSPAccept(listener, Sa(&peer), &short_length, nullptr, 0, &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAEFAULT);
  SetNonBlocking(listener);
  EXPECT_EQ(procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error), INVALID_SOCKET);
  EXPECT_EQ(error, WSAEWOULDBLOCK);
  Close(bound);
  Close(udp);
  Close(listener);
}

TEST_P(CallsTest, ConditionAcceptGetsTheCallerAndCalleeIds) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = ConnectedTo(family(), address, length);
  ConditionLog log;
  int error = 0;
  SOCKET server = procs_.lpWSPAccept(listener, nullptr, nullptr, Condition,
                                     reinterpret_cast<DWORD_PTR>(&log), &error);
  ASSERT_NE(server, INVALID_SOCKET) << error;
  EXPECT_EQ(log.calls, 1);
  EXPECT_EQ(log.caller_family, family());
  EXPECT_EQ(log.callee_family, family());
  EXPECT_TRUE(log.data_and_qos_null);
  EXPECT_EQ(Exchange(server, client, "ok"), "ok");
  Close(client);
  Close(server);
  Close(listener);
}

TEST_P(CallsTest, ConditionRejectRefusesAndResetsTheConnection) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = ConnectedTo(family(), address, length);
  ConditionLog log;
  log.answer = CF_REJECT;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPAccept(listener, nullptr, nullptr, Condition,
                               reinterpret_cast<DWORD_PTR>(&log), &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAECONNREFUSED);
  // The peer's connection was reset.
  char byte;
  WSABUF in = {1, &byte};
  DWORD count = 0, flags = 0;
  EXPECT_EQ(procs_.lpWSPRecv(client, &in, 1, &count, &flags, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAECONNRESET);
  Close(client);
  Close(listener);
}

TEST_P(CallsTest, ConditionDeferKeepsTheConnectionForTheNextAccept) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = ConnectedTo(family(), address, length);
  ConditionLog log;
  log.answer = CF_DEFER;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPAccept(listener, nullptr, nullptr, Condition,
                               reinterpret_cast<DWORD_PTR>(&log), &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSATRY_AGAIN);
  log.answer = CF_ACCEPT;
  WS_sockaddr_in6 peer;
  int peer_length = sizeof(peer);
  SOCKET server = procs_.lpWSPAccept(listener, Sa(&peer), &peer_length, Condition,
                                     reinterpret_cast<DWORD_PTR>(&log), &error);
  ASSERT_NE(server, INVALID_SOCKET) << error;
  EXPECT_EQ(log.calls, 2);  // asked again
  EXPECT_EQ(ntohs(peer.sin6_port), Port(client));
  EXPECT_EQ(Exchange(client, server, "deferred"), "deferred");
  Close(client);
  Close(server);
  Close(listener);
}

TEST_P(CallsTest, BlockingAcceptWaitsForAConnection) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  std::thread connector([&] {
    usleep(20000);
    EXPECT_EQ(Connect(client, address, length), 0);
  });
  int error = 0;
  SOCKET server = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
  connector.join();
  ASSERT_NE(server, INVALID_SOCKET) << error;
  Close(client);
  Close(server);
  Close(listener);
}

// ---- connect ------------------------------------------------------------------------------

TEST_P(CallsTest, ConnectToAClosedPortIsWsaeconnrefused) {
  SOCKET gone = Socket(family(), WS_SOCK_STREAM);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  ASSERT_EQ(Bind(gone, &address, length), 0);
  Loopback(family(), Port(gone), &address);
  Close(gone);
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  EXPECT_EQ(Connect(s, address, length), WSAECONNREFUSED);
  Close(s);
}

TEST_P(CallsTest, NonBlockingConnectIsWouldblockThenAlreadyOrIsconn) {
  SOCKET listener, s;
  WS_sockaddr_in6 address;
  int length;
  ASSERT_NO_FATAL_FAILURE(StartNonBlockingConnect(&listener, &s, &address, &length));
  int again = 0;
  for (int i = 0; i < 1000; ++i) {
    again = Connect(s, address, length);
    if (again != WSAEALREADY) break;
    usleep(1000);
  }
  EXPECT_EQ(again, WSAEISCONN);
  int error = 0;
  SOCKET server = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
  ASSERT_NE(server, INVALID_SOCKET) << error;
  WS_sockaddr_in6 peer;
  int peer_length = sizeof(peer);
  EXPECT_EQ(procs_.lpWSPGetPeerName(s, Sa(&peer), &peer_length, &error), 0) << error;
  Close(s);
  Close(server);
  Close(listener);
}

TEST_P(CallsTest, ANonBlockingConnectThatFinishedNeedsNoSecondCall) {
  SOCKET listener, s;
  WS_sockaddr_in6 address;
  int length;
  ASSERT_NO_FATAL_FAILURE(StartNonBlockingConnect(&listener, &s, &address, &length));
  int error = 0;
  // Once accept has the connection, the client's handshake is done: its data calls, names and
  // SO_CONNECT_TIME work without connect being called again.
  SOCKET server = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
  ASSERT_NE(server, INVALID_SOCKET) << error;
  EXPECT_EQ(Exchange(s, server, "no second connect"), "no second connect");
  WS_sockaddr_in6 peer;
  int peer_length = sizeof(peer);
  EXPECT_EQ(procs_.lpWSPGetPeerName(s, Sa(&peer), &peer_length, &error), 0) << error;
  DWORD seconds = 0xdeadbeef;
  int size = sizeof(seconds);
  EXPECT_EQ(procs_.lpWSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_CONNECT_TIME,
                                   reinterpret_cast<char *>(&seconds), &size, &error),
            0);
  EXPECT_LT(seconds, 5u);
  EXPECT_EQ(Connect(s, address, length), WSAEISCONN);
  Close(s);
  Close(server);
  Close(listener);
}

TEST_P(CallsTest, ConnectErrors) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  EXPECT_EQ(Connect(listener, address, length), WSAEINVAL);  // a listening socket
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  EXPECT_EQ(Connect(s, address, 4), WSAEFAULT);
  {
    int error = 0;
    EXPECT_EQ(procs_.lpWSPConnect(s, nullptr, length, nullptr, nullptr, nullptr, nullptr, &error),
              SOCKET_ERROR);
    EXPECT_EQ(error, WSAEFAULT);
  }
  WS_sockaddr_in6 other;
  int other_length = Loopback(other_family(), ntohs(address.sin6_port), &other);
  EXPECT_EQ(Connect(s, other, other_length), WSAEAFNOSUPPORT);
  WS_sockaddr_in6 any;
  int any_length = Loopback(family(), ntohs(address.sin6_port), &any);
  std::memset(family() == WS_AF_INET
                  ? static_cast<void *>(&reinterpret_cast<WS_sockaddr_in *>(&any)->sin_addr)
                  : static_cast<void *>(&any.sin6_addr),
              0, family() == WS_AF_INET ? 4 : 16);
  EXPECT_EQ(Connect(s, any, any_length), WSAEADDRNOTAVAIL);
  WS_sockaddr_in6 port_zero;
  int port_zero_length = Loopback(family(), 0, &port_zero);
  EXPECT_EQ(Connect(s, port_zero, port_zero_length), WSAEADDRNOTAVAIL);
  // Connect data (TCP/IP has none: too large) and QoS (none).
  char data[4] = "hi";
  WSABUF caller = {2, data};
  int error = 0;
  EXPECT_EQ(procs_.lpWSPConnect(s, Sa(&address), length, &caller, nullptr, nullptr, nullptr,
                                &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  QOS qos = {};
  EXPECT_EQ(procs_.lpWSPConnect(s, Sa(&address), length, nullptr, nullptr, &qos, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  // After all that, the socket still connects; a second connect is WSAEISCONN.
  WSABUF callee = {4, data};
  EXPECT_EQ(procs_.lpWSPConnect(s, Sa(&address), length, nullptr, &callee, nullptr, nullptr,
                                &error),
            0)
      << error;
  EXPECT_EQ(callee.len, 0u);
  EXPECT_EQ(Connect(s, address, length), WSAEISCONN);
  Close(s);
  Close(listener);
}

TEST_P(CallsTest, ConnectToAnUnreachableNetworkIsWsaenetunreach) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  WS_sockaddr_in6 address;
  int length = bp_test::UnreachableAddress(family(), 9, &address);
  SetNonBlocking(s);
  const int e = Connect(s, address, length);
  if (e == WSAEWOULDBLOCK) {
    Close(s);
    GTEST_SKIP() << "this machine has a route to the documentation network";
  }
  EXPECT_EQ(e, WSAENETUNREACH);
  Close(s);
}

TEST_P(CallsTest, UdpConnectSetsAndDissolvesTheDefaultPeer) {
  SOCKET a = Socket(family(), WS_SOCK_DGRAM);
  SOCKET b = Socket(family(), WS_SOCK_DGRAM);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  ASSERT_EQ(Bind(b, &address, length), 0);
  Loopback(family(), Port(b), &address);
  ASSERT_EQ(Connect(a, address, length), 0);
  EXPECT_EQ(Exchange(a, b, "to the peer"), "to the peer");
  WS_sockaddr_in6 peer;
  int peer_length = sizeof(peer);
  int error = 0;
  EXPECT_EQ(procs_.lpWSPGetPeerName(a, Sa(&peer), &peer_length, &error), 0) << error;
  // A second connect changes the peer (datagram sockets are never WSAEISCONN).
  ASSERT_EQ(Connect(a, address, length), 0);
  // The zero address dissolves it: no peer, sends need an address again.
  WS_sockaddr_in6 zero = {};
  zero.sin6_family = static_cast<SHORT>(family());
  ASSERT_EQ(Connect(a, zero, length), 0);
  EXPECT_EQ(procs_.lpWSPGetPeerName(a, Sa(&peer), &peer_length, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  char byte = 'x';
  WSABUF out = {1, &byte};
  DWORD count = 0;
  EXPECT_EQ(procs_.lpWSPSend(a, &out, 1, &count, 0, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  // AF_UNSPEC dissolves it as well.
  ASSERT_EQ(Connect(a, address, length), 0);
  WS_sockaddr unspec = {};
  EXPECT_EQ(procs_.lpWSPConnect(a, &unspec, sizeof(unspec), nullptr, nullptr, nullptr, nullptr,
                                &error),
            0)
      << error;
  EXPECT_EQ(procs_.lpWSPGetPeerName(a, Sa(&peer), &peer_length, &error), SOCKET_ERROR);
  Close(a);
  Close(b);
}

// ---- names and shutdown -------------------------------------------------------------------

TEST_P(CallsTest, NamesAndTheirErrors) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  WS_sockaddr_in6 name;
  int length = sizeof(name);
  int error = 0;
  EXPECT_EQ(procs_.lpWSPGetSockName(s, Sa(&name), &length, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);  // not bound
  EXPECT_EQ(procs_.lpWSPGetPeerName(s, Sa(&name), &length, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  int short_length = 8;
  EXPECT_EQ(procs_.lpWSPGetSockName(client, Sa(&name), &short_length, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_EQ(procs_.lpWSPGetPeerName(client, nullptr, &length, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  WS_sockaddr_in6 local, peer;
  int local_length = sizeof(local), peer_length = sizeof(peer);
  ASSERT_EQ(procs_.lpWSPGetSockName(server, Sa(&local), &local_length, &error), 0) << error;
  ASSERT_EQ(procs_.lpWSPGetPeerName(client, Sa(&peer), &peer_length, &error), 0) << error;
  EXPECT_EQ(local_length, family() == WS_AF_INET ? 16 : 28);
  EXPECT_EQ(std::memcmp(&local, &peer, local_length), 0);
  Close(s);
  Close(client);
  Close(server);
}

TEST_P(CallsTest, ShutdownErrors) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  int error = 0;
  EXPECT_EQ(procs_.lpWSPShutdown(s, SD_BOTH, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  EXPECT_EQ(procs_.lpWSPShutdown(client, 3, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(procs_.lpWSPShutdown(client, SD_BOTH, &error), 0) << error;
  Close(s);
  Close(client);
  Close(server);
}

// ---- duplication --------------------------------------------------------------------------

TEST_P(CallsTest, DuplicateGivesASecondHandleOnTheSameConnection) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  WSAPROTOCOL_INFOW info;
  int error = 0;
  ASSERT_EQ(procs_.lpWSPDuplicateSocket(client, static_cast<DWORD>(getpid()), &info, &error), 0)
      << error;
  EXPECT_EQ(info.iAddressFamily, family());
  EXPECT_EQ(info.iSocketType, WS_SOCK_STREAM);
  SOCKET twin = procs_.lpWSPSocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                                   &info, 0, WSA_FLAG_OVERLAPPED, &error);
  ASSERT_NE(twin, INVALID_SOCKET) << error;
  EXPECT_NE(twin, client);
  // Both handles carry the same connection.
  EXPECT_EQ(Exchange(twin, server, "from the twin"), "from the twin");
  EXPECT_EQ(Exchange(client, server, "from the original"), "from the original");
  // Closing one leaves the other working; the connection ends with the last.
  Close(client);
  EXPECT_EQ(Exchange(server, twin, "still there"), "still there");
  Close(twin);
  char byte;
  WSABUF in = {1, &byte};
  DWORD count = 9, flags = 0;
  EXPECT_EQ(procs_.lpWSPRecv(server, &in, 1, &count, &flags, nullptr, nullptr, nullptr, &error),
            0)
      << error;
  EXPECT_EQ(count, 0u);  // graceful close
  // The info is consumed: a second WSPSocket from it fails.
  EXPECT_EQ(procs_.lpWSPSocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info,
                               0, 0, &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAEINVAL);
  Close(server);
}

TEST_P(CallsTest, DuplicateForAnotherProcessOrWithoutInfoIsRefused) {
  SOCKET s = Socket(family(), WS_SOCK_DGRAM);
  WSAPROTOCOL_INFOW info;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPDuplicateSocket(s, static_cast<DWORD>(getpid()) + 1, &info, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(procs_.lpWSPDuplicateSocket(s, static_cast<DWORD>(getpid()), nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_EQ(procs_.lpWSPDuplicateSocket(0x4321, static_cast<DWORD>(getpid()), &info, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
  Close(s);
}

// ---- join leaf and QoS --------------------------------------------------------------------

TEST_P(CallsTest, JoinLeafJoinsAMulticastGroupAndReturnsTheSameSocket) {
  SOCKET s = Socket(family(), WS_SOCK_DGRAM);
  WS_sockaddr_in6 group;
  int length = Loopback(family(), 5000, &group);
  if (family() == WS_AF_INET) {
    reinterpret_cast<WS_sockaddr_in *>(&group)->sin_addr.S_un.S_addr = inet_addr("239.255.0.1");
  } else {
    inet_pton(AF_INET6, "ff15::1234", &group.sin6_addr);
  }
  int error = 0;
  SOCKET joined = procs_.lpWSPJoinLeaf(s, Sa(&group), length, nullptr, nullptr, nullptr, nullptr,
                                       JL_BOTH, &error);
  if (joined == INVALID_SOCKET && error == ws2emu::net::WsaErrorFromErrno(ENODEV)) {
    Close(s);
    GTEST_SKIP() << "no multicast-capable interface";
  }
  EXPECT_EQ(joined, s) << error;
  // A joined group cannot be joined twice by one socket (Linux: EADDRINUSE).
  EXPECT_EQ(procs_.lpWSPJoinLeaf(s, Sa(&group), length, nullptr, nullptr, nullptr, nullptr,
                                 JL_RECEIVER_ONLY, &error),
            INVALID_SOCKET);
  // Not a group, bad flags, QoS, a TCP socket.
  WS_sockaddr_in6 unicast;
  int unicast_length = Loopback(family(), 5000, &unicast);
  EXPECT_EQ(procs_.lpWSPJoinLeaf(s, Sa(&unicast), unicast_length, nullptr, nullptr, nullptr,
                                 nullptr, JL_BOTH, &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAEADDRNOTAVAIL);
  EXPECT_EQ(procs_.lpWSPJoinLeaf(s, Sa(&group), length, nullptr, nullptr, nullptr, nullptr, 0x40,
                                 &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAEINVAL);
  QOS qos = {};
  EXPECT_EQ(procs_.lpWSPJoinLeaf(s, Sa(&group), length, nullptr, nullptr, &qos, nullptr, JL_BOTH,
                                 &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  SOCKET tcp = Socket(family(), WS_SOCK_STREAM);
  EXPECT_EQ(procs_.lpWSPJoinLeaf(tcp, Sa(&group), length, nullptr, nullptr, nullptr, nullptr,
                                 JL_BOTH, &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  Close(tcp);
  Close(s);
}

TEST_P(CallsTest, GetQosByNameKnowsNoTemplate) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  char name[] = "G711";
  WSABUF buffer = {sizeof(name), name};
  QOS qos;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPGetQOSByName(s, &buffer, &qos, &error), FALSE);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(procs_.lpWSPGetQOSByName(s, nullptr, &qos, &error), FALSE);
  EXPECT_EQ(error, WSAEFAULT);
  Close(s);
}

// ---- address strings ----------------------------------------------------------------------

TEST_P(CallsTest, AddressToStringAndBack) {
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 8080, &address);
  WCHAR text[64];
  DWORD text_length = 64;
  int error = 0;
  ASSERT_EQ(procs_.lpWSPAddressToString(Sa(&address), length, nullptr, text, &text_length,
                                        &error),
            0)
      << error;
  const std::u16string expected = family() == WS_AF_INET ? u"127.0.0.1:8080" : u"[::1]:8080";
  EXPECT_EQ(std::u16string(text), expected);
  EXPECT_EQ(text_length, expected.size() + 1);  // with the terminator
  // Too small: WSAEFAULT and the length needed.
  DWORD small = 3;
  EXPECT_EQ(procs_.lpWSPAddressToString(Sa(&address), length, nullptr, text, &small, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_EQ(small, expected.size() + 1);
  // A protocol info of the other family, a null address.
  WSAPROTOCOL_INFOW other = Entry(other_family(), WS_SOCK_STREAM);
  EXPECT_EQ(procs_.lpWSPAddressToString(Sa(&address), length, &other, text, &text_length,
                                        &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  EXPECT_EQ(procs_.lpWSPAddressToString(nullptr, length, nullptr, text, &text_length, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  // And back.
  WS_sockaddr_in6 parsed;
  int parsed_length = sizeof(parsed);
  ASSERT_EQ(procs_.lpWSPStringToAddress(text, family(), nullptr, Sa(&parsed), &parsed_length,
                                        &error),
            0)
      << error;
  EXPECT_EQ(parsed_length, length);
  EXPECT_EQ(std::memcmp(&parsed, &address, length), 0);
  char16_t junk[] = u"not an address";
  EXPECT_EQ(procs_.lpWSPStringToAddress(junk, family(), nullptr, Sa(&parsed), &parsed_length,
                                        &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  int tiny = 4;
  EXPECT_EQ(procs_.lpWSPStringToAddress(text, family(), nullptr, Sa(&parsed), &tiny, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_EQ(procs_.lpWSPStringToAddress(text, family(), &other, Sa(&parsed), &parsed_length,
                                        &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
}

// ---- closesocket and linger ---------------------------------------------------------------

TEST_P(CallsTest, CloseTwiceIsWsaenotsock) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  Close(s);
  int error = 0;
  EXPECT_EQ(procs_.lpWSPCloseSocket(s, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
}

TEST_P(CallsTest, LingerWithUnsentDataOnANonBlockingSocketIsWouldblock) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  // Fill the peer's receive queue and the client's send queue.
  SetNonBlocking(client);
  std::string chunk(64 * 1024, 'x');
  WSABUF out = {static_cast<ULONG>(chunk.size()), chunk.data()};
  int error = 0;
  for (int i = 0; i < 10000; ++i) {
    DWORD sent = 0;
    if (procs_.lpWSPSend(client, &out, 1, &sent, 0, nullptr, nullptr, nullptr, &error) != 0) {
      break;
    }
  }
  ASSERT_EQ(error, WSAEWOULDBLOCK);
  WS_linger linger = {1, 5};
  ASSERT_EQ(procs_.lpWSPSetSockOpt(client, WS_SOL_SOCKET, WS_SO_LINGER,
                                   reinterpret_cast<char *>(&linger), sizeof(linger), &error),
            0);
  EXPECT_EQ(procs_.lpWSPCloseSocket(client, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEWOULDBLOCK);
  // Nothing was closed: the socket still answers; an abortive linger closes it at once.
  linger = {1, 0};
  ASSERT_EQ(procs_.lpWSPSetSockOpt(client, WS_SOL_SOCKET, WS_SO_LINGER,
                                   reinterpret_cast<char *>(&linger), sizeof(linger), &error),
            0)
      << error;
  Close(client);
  Close(server);
}

TEST_P(CallsTest, DontLingerClosesGracefullyAndTheDataArrives) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  ASSERT_EQ(SetBool(client, WS_SO_DONTLINGER, TRUE), 0);
  WSABUF out = {4, const_cast<char *>("last")};
  DWORD count = 0, flags = 0;
  int error = 0;
  ASSERT_EQ(procs_.lpWSPSend(client, &out, 1, &count, 0, nullptr, nullptr, nullptr, &error), 0);
  Close(client);
  char buffer[16];
  WSABUF in = {sizeof(buffer), buffer};
  ASSERT_EQ(procs_.lpWSPRecv(server, &in, 1, &count, &flags, nullptr, nullptr, nullptr, &error),
            0)
      << error;
  EXPECT_EQ(std::string(buffer, count), "last");
  ASSERT_EQ(procs_.lpWSPRecv(server, &in, 1, &count, &flags, nullptr, nullptr, nullptr, &error),
            0)
      << error;
  EXPECT_EQ(count, 0u);
  Close(server);
}

INSTANTIATE_TEST_SUITE_P(Families, CallsTest, ::testing::Values(WS_AF_INET, WS_AF_INET6),
                         [](const auto &info) { return info.param == WS_AF_INET ? "V4" : "V6"; });

}  // namespace
