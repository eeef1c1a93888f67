// The base provider's WSPGetSockOpt / WSPSetSockOpt through the proc table: each option set,
// read back and, where loopback shows it, its effect; Windows' value formats and errors.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "fixture.h"

namespace {

using bp_test::BaseProviderTest;
using bp_test::Loopback;

class OptionsTest : public BaseProviderTest, public ::testing::WithParamInterface<int> {
 protected:
  int family() const { return GetParam(); }

  int Set(SOCKET s, int level, int name, const void *value, int length) {
    int error = 0;
    return procs_.lpWSPSetSockOpt(s, level, name, static_cast<const char *>(value), length,
                                  &error) == 0
               ? 0
               : error;
  }
  int SetDword(SOCKET s, int level, int name, DWORD value) {
    return Set(s, level, name, &value, sizeof(value));
  }
  // The option's DWORD value; fails the test on error.
  DWORD Get(SOCKET s, int level, int name) {
    DWORD value = 0xdeadbeef;
    int length = sizeof(value);
    int error = 0;
    EXPECT_EQ(procs_.lpWSPGetSockOpt(s, level, name, reinterpret_cast<char *>(&value), &length,
                                     &error),
              0)
        << "option " << name << ": " << error;
    return value;
  }
  int GetError(SOCKET s, int level, int name, int length = sizeof(DWORD)) {
    char value[sizeof(WSAPROTOCOL_INFOW)];
    int error = 0;
    return procs_.lpWSPGetSockOpt(s, level, name, value, &length, &error) == 0 ? 0 : error;
  }
  int LinuxFd(SOCKET s) {
    // The Linux descriptor behind the handle, found by its local port (tests only).
    WS_sockaddr_in6 address;
    int length = sizeof(address);
    int error = 0;
    EXPECT_EQ(procs_.lpWSPGetSockName(s, reinterpret_cast<WS_sockaddr *>(&address), &length,
                                      &error),
              0);
    for (int fd = 3; fd < 1024; ++fd) {
      sockaddr_storage local;
      socklen_t local_length = sizeof(local);
      if (getsockname(fd, reinterpret_cast<sockaddr *>(&local), &local_length) != 0) continue;
      if (reinterpret_cast<sockaddr_in6 &>(local).sin6_port == address.sin6_port) return fd;
    }
    return -1;
  }
};

TEST_P(OptionsTest, TimeoutsAreMillisecondDwords) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_RCVTIMEO), 0u);
  EXPECT_EQ(SetDword(s, WS_SOL_SOCKET, WS_SO_RCVTIMEO, 1500), 0);
  EXPECT_EQ(SetDword(s, WS_SOL_SOCKET, WS_SO_SNDTIMEO, 2500), 0);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_RCVTIMEO), 1500u);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_SNDTIMEO), 2500u);
  uint16_t short_value = 5;
  EXPECT_EQ(Set(s, WS_SOL_SOCKET, WS_SO_RCVTIMEO, &short_value, sizeof(short_value)), WSAEFAULT);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_RCVTIMEO), 1500u);  // unchanged
  Close(s);
}

TEST_P(OptionsTest, LingerAndDontLinger) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_DONTLINGER), 1u);  // the default
  WS_linger linger = {1, 7};
  ASSERT_EQ(Set(s, WS_SOL_SOCKET, WS_SO_LINGER, &linger, sizeof(linger)), 0);
  WS_linger read = {};
  int length = sizeof(read);
  int error = 0;
  ASSERT_EQ(procs_.lpWSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_LINGER, reinterpret_cast<char *>(&read),
                                   &length, &error),
            0);
  EXPECT_EQ(length, 4);
  EXPECT_EQ(read.l_onoff, 1);
  EXPECT_EQ(read.l_linger, 7);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_DONTLINGER), 0u);
  // SO_DONTLINGER TRUE turns lingering off and keeps the time; FALSE turns it on again.
  EXPECT_EQ(SetDword(s, WS_SOL_SOCKET, WS_SO_DONTLINGER, TRUE), 0);
  length = sizeof(read);
  procs_.lpWSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_LINGER, reinterpret_cast<char *>(&read), &length,
                         &error);
  EXPECT_EQ(read.l_onoff, 0);
  EXPECT_EQ(read.l_linger, 7);
  EXPECT_EQ(SetDword(s, WS_SOL_SOCKET, WS_SO_DONTLINGER, FALSE), 0);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_DONTLINGER), 0u);
  EXPECT_EQ(Set(s, WS_SOL_SOCKET, WS_SO_LINGER, &linger, 2), WSAEFAULT);
  // A datagram socket has no linger.
  SOCKET udp = Socket(family(), WS_SOCK_DGRAM);
  EXPECT_EQ(Set(udp, WS_SOL_SOCKET, WS_SO_LINGER, &linger, sizeof(linger)), WSAENOPROTOOPT);
  EXPECT_EQ(GetError(udp, WS_SOL_SOCKET, WS_SO_DONTLINGER), WSAENOPROTOOPT);
  Close(udp);
  Close(s);
}

TEST_P(OptionsTest, BooleanOptionsReachLinux) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  const int fd = LinuxFd(client);
  ASSERT_GE(fd, 0);
  struct Case {
    int level, name, unix_level, unix_name;
  };
  const Case cases[] = {
      {WS_SOL_SOCKET, WS_SO_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE},
      {WS_SOL_SOCKET, WS_SO_OOBINLINE, SOL_SOCKET, SO_OOBINLINE},
      {WS_SOL_SOCKET, WS_SO_DONTROUTE, SOL_SOCKET, SO_DONTROUTE},
      {WS_IPPROTO_TCP, WS_TCP_NODELAY, IPPROTO_TCP, TCP_NODELAY},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(SetDword(client, c.level, c.name, TRUE), 0);
    EXPECT_EQ(Get(client, c.level, c.name), 1u);
    int linux_value = 0;
    socklen_t length = sizeof(linux_value);
    ASSERT_EQ(getsockopt(fd, c.unix_level, c.unix_name, &linux_value, &length), 0);
    EXPECT_NE(linux_value, 0);
    // A one-byte BOOL is accepted too.
    const char off = 0;
    EXPECT_EQ(Set(client, c.level, c.name, &off, 1), 0);
    EXPECT_EQ(Get(client, c.level, c.name), 0u);
  }
  Close(client);
  Close(server);
}

TEST_P(OptionsTest, ReceiveBufferChangesLinuxsAndReadsBack) {
  SOCKET s = Socket(family(), WS_SOCK_DGRAM);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  int error = 0;
  ASSERT_EQ(procs_.lpWSPBind(s, reinterpret_cast<WS_sockaddr *>(&address), length, &error), 0);
  ASSERT_EQ(SetDword(s, WS_SOL_SOCKET, WS_SO_RCVBUF, 32768), 0);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_RCVBUF), 32768u);
  int linux_value = 0;
  socklen_t linux_length = sizeof(linux_value);
  ASSERT_EQ(getsockopt(LinuxFd(s), SOL_SOCKET, SO_RCVBUF, &linux_value, &linux_length), 0);
  EXPECT_EQ(linux_value, 2 * 32768);  // Linux's bookkeeping doubles it
  ASSERT_EQ(SetDword(s, WS_SOL_SOCKET, WS_SO_SNDBUF, 65536), 0);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_SNDBUF), 65536u);
  Close(s);
}

TEST_P(OptionsTest, ReadOnlyOptions) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET udp = Socket(family(), WS_SOCK_DGRAM);
  EXPECT_EQ(Get(listener, WS_SOL_SOCKET, WS_SO_TYPE), static_cast<DWORD>(WS_SOCK_STREAM));
  EXPECT_EQ(Get(udp, WS_SOL_SOCKET, WS_SO_TYPE), static_cast<DWORD>(WS_SOCK_DGRAM));
  EXPECT_EQ(Get(listener, WS_SOL_SOCKET, WS_SO_ACCEPTCONN), 1u);
  EXPECT_EQ(Get(udp, WS_SOL_SOCKET, WS_SO_MAX_MSG_SIZE), 0xFFBBu);  // the entry's dwMessageSize
  EXPECT_EQ(Get(udp, WS_SOL_SOCKET, WS_SO_GROUP_ID), 0u);
  EXPECT_EQ(Get(udp, WS_SOL_SOCKET, WS_SO_GROUP_PRIORITY), 0u);
  EXPECT_EQ(SetDword(listener, WS_SOL_SOCKET, WS_SO_TYPE, WS_SOCK_DGRAM), WSAENOPROTOOPT);
  EXPECT_EQ(SetDword(listener, WS_SOL_SOCKET, WS_SO_ACCEPTCONN, 0), WSAENOPROTOOPT);
  Close(listener);
  Close(udp);
}

TEST_P(OptionsTest, ProtocolInfoWideAndNarrow) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  WSAPROTOCOL_INFOW wide;
  int length = sizeof(wide);
  int error = 0;
  ASSERT_EQ(procs_.lpWSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_PROTOCOL_INFOW,
                                   reinterpret_cast<char *>(&wide), &length, &error),
            0)
      << error;
  const WSAPROTOCOL_INFOW entry = bp_test::Entry(family(), WS_SOCK_STREAM);
  EXPECT_EQ(std::memcmp(&wide, &entry, sizeof(wide)), 0);
  WSAPROTOCOL_INFOA narrow;
  length = sizeof(narrow);
  ASSERT_EQ(procs_.lpWSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_PROTOCOL_INFOA,
                                   reinterpret_cast<char *>(&narrow), &length, &error),
            0)
      << error;
  EXPECT_EQ(narrow.dwCatalogEntryId, entry.dwCatalogEntryId);
  EXPECT_STREQ(narrow.szProtocol,
               family() == WS_AF_INET ? "MSAFD Tcpip [TCP/IP]" : "MSAFD Tcpip [TCP/IPv6]");
  length = 10;
  EXPECT_EQ(procs_.lpWSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_PROTOCOL_INFOW,
                                   reinterpret_cast<char *>(&wide), &length, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  Close(s);
}

TEST_P(OptionsTest, ConnectTimeCountsFromTheConnection) {
  SOCKET unconnected = Socket(family(), WS_SOCK_STREAM);
  EXPECT_EQ(Get(unconnected, WS_SOL_SOCKET, WS_SO_CONNECT_TIME), 0xFFFFFFFFu);
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  EXPECT_LT(Get(client, WS_SOL_SOCKET, WS_SO_CONNECT_TIME), 5u);
  EXPECT_LT(Get(server, WS_SOL_SOCKET, WS_SO_CONNECT_TIME), 5u);
  Close(unconnected);
  Close(client);
  Close(server);
}

TEST_P(OptionsTest, SoErrorReportsAFailedNonBlockingConnectOnce) {
  SOCKET gone = Socket(family(), WS_SOCK_STREAM);
  WS_sockaddr_in6 address;
  int length = Loopback(family(), 0, &address);
  int error = 0;
  ASSERT_EQ(procs_.lpWSPBind(gone, reinterpret_cast<WS_sockaddr *>(&address), length, &error), 0);
  int size = sizeof(address);
  procs_.lpWSPGetSockName(gone, reinterpret_cast<WS_sockaddr *>(&address), &size, &error);
  Close(gone);
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  WS_u_long on = 1;
  DWORD returned;
  ASSERT_EQ(procs_.lpWSPIoctl(s, WS_FIONBIO, &on, sizeof(on), nullptr, 0, &returned, nullptr,
                              nullptr, nullptr, &error),
            0);
  const int r = procs_.lpWSPConnect(s, reinterpret_cast<WS_sockaddr *>(&address), length, nullptr,
                                    nullptr, nullptr, nullptr, &error);
  if (r == SOCKET_ERROR && error == WSAECONNREFUSED) {
    Close(s);
    GTEST_SKIP() << "the refusal came at once";
  }
  ASSERT_EQ(error, WSAEWOULDBLOCK);
  DWORD so_error = 0;
  for (int i = 0; i < 1000 && so_error == 0; ++i) {
    so_error = Get(s, WS_SOL_SOCKET, WS_SO_ERROR);
    if (so_error == 0) usleep(1000);
  }
  EXPECT_EQ(so_error, static_cast<DWORD>(WSAECONNREFUSED));
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_ERROR), 0u);  // reading cleared it
  Close(s);
}

TEST_P(OptionsTest, KeptOptionsReadBack) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  for (int name : {WS_SO_REUSEADDR, WS_SO_CONDITIONAL_ACCEPT, WS_SO_DEBUG}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(Get(s, WS_SOL_SOCKET, name), 0u);
    EXPECT_EQ(SetDword(s, WS_SOL_SOCKET, name, TRUE), 0);
    EXPECT_EQ(Get(s, WS_SOL_SOCKET, name), 1u);
    EXPECT_EQ(SetDword(s, WS_SOL_SOCKET, name, FALSE), 0);
  }
  EXPECT_EQ(SetDword(s, WS_SOL_SOCKET, WS_SO_EXCLUSIVEADDRUSE, TRUE), 0);
  EXPECT_EQ(Get(s, WS_SOL_SOCKET, WS_SO_EXCLUSIVEADDRUSE), 1u);
  Close(s);
}

TEST_P(OptionsTest, TcpKeepaliveTimesReachLinux) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  EXPECT_EQ(SetDword(client, WS_IPPROTO_TCP, WS_TCP_KEEPALIVE, 30), 0);
  EXPECT_EQ(SetDword(client, WS_IPPROTO_TCP, WS_TCP_KEEPINTVL, 5), 0);
  EXPECT_EQ(SetDword(client, WS_IPPROTO_TCP, WS_TCP_KEEPCNT, 4), 0);
  EXPECT_EQ(Get(client, WS_IPPROTO_TCP, WS_TCP_KEEPALIVE), 30u);
  EXPECT_EQ(Get(client, WS_IPPROTO_TCP, WS_TCP_KEEPINTVL), 5u);
  EXPECT_EQ(Get(client, WS_IPPROTO_TCP, WS_TCP_KEEPCNT), 4u);
  // TCP options on a UDP socket do not apply.
  SOCKET udp = Socket(family(), WS_SOCK_DGRAM);
  EXPECT_EQ(SetDword(udp, WS_IPPROTO_TCP, WS_TCP_NODELAY, TRUE), WSAENOPROTOOPT);
  Close(udp);
  Close(client);
  Close(server);
}

TEST_P(OptionsTest, IpLevelOptions) {
  SOCKET s = Socket(family(), WS_SOCK_DGRAM);
  if (family() == WS_AF_INET) {
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IP, WS_IP_TTL, 33), 0);
    EXPECT_EQ(Get(s, WS_IPPROTO_IP, WS_IP_TTL), 33u);
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IP, WS_IP_TOS, 0x10), 0);
    EXPECT_EQ(Get(s, WS_IPPROTO_IP, WS_IP_TOS), 0x10u);
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IP, WS_IP_MULTICAST_TTL, 3), 0);
    EXPECT_EQ(Get(s, WS_IPPROTO_IP, WS_IP_MULTICAST_TTL), 3u);
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IP, WS_IP_MULTICAST_LOOP, FALSE), 0);
    EXPECT_EQ(Get(s, WS_IPPROTO_IP, WS_IP_MULTICAST_LOOP), 0u);
    WS_in_addr interface_address;
    interface_address.S_un.S_addr = htonl(WS_INADDR_LOOPBACK);
    EXPECT_EQ(Set(s, WS_IPPROTO_IP, WS_IP_MULTICAST_IF, &interface_address, 4), 0);
    EXPECT_EQ(Get(s, WS_IPPROTO_IP, WS_IP_MULTICAST_IF), htonl(WS_INADDR_LOOPBACK));
    // Membership on the loopback interface, and leaving it.
    WS_ip_mreq request;
    request.imr_multiaddr.S_un.S_addr = inet_addr("239.255.1.2");
    request.imr_interface.S_un.S_addr = htonl(WS_INADDR_LOOPBACK);
    EXPECT_EQ(Set(s, WS_IPPROTO_IP, WS_IP_ADD_MEMBERSHIP, &request, sizeof(request)), 0);
    EXPECT_EQ(Set(s, WS_IPPROTO_IP, WS_IP_DROP_MEMBERSHIP, &request, sizeof(request)), 0);
    EXPECT_EQ(Set(s, WS_IPPROTO_IP, WS_IP_DROP_MEMBERSHIP, &request, sizeof(request)),
              WSAEADDRNOTAVAIL);  // not a member any more (Linux: EADDRNOTAVAIL)
    EXPECT_EQ(Set(s, WS_IPPROTO_IP, WS_IP_ADD_MEMBERSHIP, &request, 4), WSAEFAULT);
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IP, WS_IP_HDRINCL, TRUE), WSAENOPROTOOPT);
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IPV6, WS_IPV6_V6ONLY, TRUE), WSAENOPROTOOPT);
  } else {
    EXPECT_EQ(Get(s, WS_IPPROTO_IPV6, WS_IPV6_V6ONLY), 1u);  // on by default, as on Windows
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IPV6, WS_IPV6_V6ONLY, FALSE), 0);
    EXPECT_EQ(Get(s, WS_IPPROTO_IPV6, WS_IPV6_V6ONLY), 0u);
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IPV6, WS_IPV6_UNICAST_HOPS, 17), 0);
    EXPECT_EQ(Get(s, WS_IPPROTO_IPV6, WS_IPV6_UNICAST_HOPS), 17u);
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IPV6, WS_IPV6_MULTICAST_HOPS, 2), 0);
    EXPECT_EQ(Get(s, WS_IPPROTO_IPV6, WS_IPV6_MULTICAST_HOPS), 2u);
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IPV6, WS_IPV6_MULTICAST_LOOP, FALSE), 0);
    EXPECT_EQ(Get(s, WS_IPPROTO_IPV6, WS_IPV6_MULTICAST_LOOP), 0u);
    WS_ipv6_mreq request = {};
    inet_pton(AF_INET6, "ff15::4321", &request.ipv6mr_multiaddr);
    request.ipv6mr_interface = 1;  // lo
    const int joined = Set(s, WS_IPPROTO_IPV6, WS_IPV6_ADD_MEMBERSHIP, &request, sizeof(request));
    if (joined == 0) {
      EXPECT_EQ(Set(s, WS_IPPROTO_IPV6, WS_IPV6_DROP_MEMBERSHIP, &request, sizeof(request)), 0);
    }
    EXPECT_EQ(Set(s, WS_IPPROTO_IPV6, WS_IPV6_ADD_MEMBERSHIP, &request, 16), WSAEFAULT);
    // IPV6_V6ONLY is fixed once the socket is bound.
    WS_sockaddr_in6 address;
    int length = Loopback(family(), 0, &address);
    int error = 0;
    ASSERT_EQ(procs_.lpWSPBind(s, reinterpret_cast<WS_sockaddr *>(&address), length, &error), 0);
    EXPECT_EQ(SetDword(s, WS_IPPROTO_IPV6, WS_IPV6_V6ONLY, TRUE), WSAEINVAL);
  }
  Close(s);
}

TEST_P(OptionsTest, Errors) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  int error = 0;
  DWORD value = 1;
  int length = sizeof(value);
  EXPECT_EQ(procs_.lpWSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_TYPE, nullptr, &length, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_EQ(procs_.lpWSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_TYPE,
                                   reinterpret_cast<char *>(&value), nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_EQ(GetError(s, WS_SOL_SOCKET, WS_SO_TYPE, 2), WSAEFAULT);
  EXPECT_EQ(procs_.lpWSPSetSockOpt(s, WS_SOL_SOCKET, WS_SO_KEEPALIVE, nullptr, 4, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  EXPECT_EQ(SetDword(s, 0x1234, 1, 1), WSAENOPROTOOPT);          // unknown level
  EXPECT_EQ(SetDword(s, WS_SOL_SOCKET, 0x4444, 1), WSAENOPROTOOPT);  // unknown name
  EXPECT_EQ(GetError(s, WS_SOL_SOCKET, 0x4444), WSAENOPROTOOPT);
  EXPECT_EQ(SetDword(s, WS_SOL_SOCKET, WS_SO_BROADCAST, TRUE), WSAENOPROTOOPT);  // TCP
  EXPECT_EQ(SetDword(0x4321, WS_SOL_SOCKET, WS_SO_KEEPALIVE, TRUE), WSAENOTSOCK);
  Close(s);
}

TEST_P(OptionsTest, UpdateContextsMarkAcceptedAndConnectedSockets) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  int error = 0;
  // Not connected yet: nothing to update.
  EXPECT_EQ(procs_.lpWSPSetSockOpt(client, WS_SOL_SOCKET, WS_SO_UPDATE_CONNECT_CONTEXT, nullptr,
                                   0, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  ASSERT_EQ(procs_.lpWSPConnect(client, reinterpret_cast<WS_sockaddr *>(&address), length,
                                nullptr, nullptr, nullptr, nullptr, &error),
            0);
  EXPECT_EQ(procs_.lpWSPSetSockOpt(client, WS_SOL_SOCKET, WS_SO_UPDATE_CONNECT_CONTEXT, nullptr,
                                   0, &error),
            0)
      << error;
  SOCKET server = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
  ASSERT_NE(server, INVALID_SOCKET);
  // The argument is the listening socket's handle.
  EXPECT_EQ(procs_.lpWSPSetSockOpt(server, WS_SOL_SOCKET, WS_SO_UPDATE_ACCEPT_CONTEXT,
                                   reinterpret_cast<char *>(&listener), 4, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  SOCKET not_a_socket = 0x4321;
  EXPECT_EQ(procs_.lpWSPSetSockOpt(server, WS_SOL_SOCKET, WS_SO_UPDATE_ACCEPT_CONTEXT,
                                   reinterpret_cast<char *>(&not_a_socket), sizeof(SOCKET),
                                   &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
  EXPECT_EQ(procs_.lpWSPSetSockOpt(server, WS_SOL_SOCKET, WS_SO_UPDATE_ACCEPT_CONTEXT,
                                   reinterpret_cast<char *>(&client), sizeof(SOCKET), &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);  // not a listening socket
  EXPECT_EQ(procs_.lpWSPSetSockOpt(server, WS_SOL_SOCKET, WS_SO_UPDATE_ACCEPT_CONTEXT,
                                   reinterpret_cast<char *>(&listener), sizeof(SOCKET), &error),
            0)
      << error;
  WS_sockaddr_in6 peer;
  int peer_length = sizeof(peer);
  EXPECT_EQ(procs_.lpWSPGetPeerName(server, reinterpret_cast<WS_sockaddr *>(&peer), &peer_length,
                                    &error),
            0);
  Close(client);
  Close(server);
  Close(listener);
}

INSTANTIATE_TEST_SUITE_P(Families, OptionsTest, ::testing::Values(WS_AF_INET, WS_AF_INET6),
                         [](const auto &info) { return info.param == WS_AF_INET ? "V4" : "V6"; });

}  // namespace
