// lib/net: the Windows <-> Linux socket conversions. Every table is walked in both directions
// (each row round-trips, no value is claimed twice on either side), and the conversions are
// checked against values taken from the Windows headers and documentation (written here as
// numbers, the way the Windows SDK spells them) and from Linux itself (its headers, the kernel,
// inet_pton / inet_aton) — never from this code's own output.
#define WS2EMU_WS_PREFIX
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "net/net.h"
#include "net/net_tables.h"

namespace ws2emu::net {
namespace {

// ---- Families and socket types --------------------------------------------------------------

TEST(Families, EveryRowRoundTripsBothWays) {
  std::set<int> ws_seen, unix_seen;
  for (const IntPair &row : kFamilies) {
    EXPECT_TRUE(ws_seen.insert(row.ws).second) << "Windows family claimed twice: " << row.ws;
    EXPECT_TRUE(unix_seen.insert(row.unix_value).second) << "Linux family twice: " << row.unix_value;
    EXPECT_EQ(FamilyToUnix(row.ws), row.unix_value);
    EXPECT_EQ(FamilyFromUnix(row.unix_value), row.ws);
    EXPECT_EQ(FamilyFromUnix(FamilyToUnix(row.ws)), row.ws);
  }
}

TEST(Families, WindowsValuesMapToLinuxOnes) {
  // ws2def.h: AF_UNSPEC 0, AF_INET 2, AF_INET6 23.
  EXPECT_EQ(FamilyToUnix(0), AF_UNSPEC);
  EXPECT_EQ(FamilyToUnix(2), AF_INET);
  EXPECT_EQ(FamilyToUnix(23), AF_INET6);
  EXPECT_EQ(FamilyFromUnix(AF_INET6), 23);
  EXPECT_EQ(FamilyFromUnix(AF_INET), 2);
}

TEST(Families, UnknownValuesHaveNoCounterpart) {
  EXPECT_EQ(FamilyToUnix(10), -1);  // Linux's AF_INET6 number is no Windows family here
  EXPECT_EQ(FamilyToUnix(-1), -1);
  EXPECT_EQ(FamilyToUnix(9999), -1);
  EXPECT_EQ(FamilyFromUnix(23), -1);  // Windows' AF_INET6 number is Linux's AF_DECnet
  EXPECT_EQ(FamilyFromUnix(AF_PACKET), -1);
  EXPECT_EQ(FamilyFromUnix(AF_NETLINK), -1);
}

TEST(SockTypes, EveryRowRoundTripsBothWays) {
  std::set<int> ws_seen, unix_seen;
  for (const IntPair &row : kSockTypes) {
    EXPECT_TRUE(ws_seen.insert(row.ws).second);
    EXPECT_TRUE(unix_seen.insert(row.unix_value).second);
    EXPECT_EQ(SockTypeToUnix(row.ws), row.unix_value);
    EXPECT_EQ(SockTypeFromUnix(row.unix_value), row.ws);
  }
  // winsock2.h: SOCK_STREAM 1 .. SOCK_SEQPACKET 5.
  EXPECT_EQ(SockTypeToUnix(1), SOCK_STREAM);
  EXPECT_EQ(SockTypeToUnix(2), SOCK_DGRAM);
  EXPECT_EQ(SockTypeToUnix(3), SOCK_RAW);
  EXPECT_EQ(SockTypeToUnix(4), SOCK_RDM);
  EXPECT_EQ(SockTypeToUnix(5), SOCK_SEQPACKET);
  EXPECT_EQ(SockTypeToUnix(0), -1);
  EXPECT_EQ(SockTypeToUnix(6), -1);
  EXPECT_EQ(SockTypeFromUnix(SOCK_PACKET), -1);
  EXPECT_EQ(SockTypeFromUnix(SOCK_STREAM | SOCK_NONBLOCK), -1);
}

// ---- sockaddr --------------------------------------------------------------------------------

// A Windows SOCKADDR_IN as raw bytes, laid out by hand from ws2def.h: family (2, little
// endian), port (network order), address, 8 zero bytes.
std::vector<uint8_t> WindowsIn(uint16_t port, const char *dotted) {
  std::vector<uint8_t> b(16, 0);
  b[0] = 2;
  b[1] = 0;
  b[2] = static_cast<uint8_t>(port >> 8);
  b[3] = static_cast<uint8_t>(port);
  in_addr a;
  EXPECT_EQ(inet_pton(AF_INET, dotted, &a), 1);
  std::memcpy(&b[4], &a, 4);
  return b;
}

// A Windows SOCKADDR_IN6 as raw bytes (ws2ipdef.h): family 23, port, flowinfo, address, scope
// id (a little-endian ULONG).
std::vector<uint8_t> WindowsIn6(uint16_t port, uint32_t flowinfo_net, const char *text,
                                uint32_t scope) {
  std::vector<uint8_t> b(28, 0);
  b[0] = 23;
  b[2] = static_cast<uint8_t>(port >> 8);
  b[3] = static_cast<uint8_t>(port);
  std::memcpy(&b[4], &flowinfo_net, 4);
  in6_addr a;
  EXPECT_EQ(inet_pton(AF_INET6, text, &a), 1);
  std::memcpy(&b[8], &a, 16);
  for (int i = 0; i < 4; ++i) b[24 + i] = static_cast<uint8_t>(scope >> (8 * i));
  return b;
}

const WS_sockaddr *AsWs(const std::vector<uint8_t> &b) {
  return reinterpret_cast<const WS_sockaddr *>(b.data());
}

TEST(Sockaddr, WindowsLayoutsMatchTheStructs) {
  EXPECT_EQ(offsetof(WS_sockaddr_in, sin_port), 2u);
  EXPECT_EQ(offsetof(WS_sockaddr_in, sin_addr), 4u);
  EXPECT_EQ(offsetof(WS_sockaddr_in6, sin6_flowinfo), 4u);
  EXPECT_EQ(offsetof(WS_sockaddr_in6, sin6_addr), 8u);
  EXPECT_EQ(offsetof(WS_sockaddr_in6, sin6_scope_id), 24u);
  EXPECT_EQ(SockaddrSize(2), 16);
  EXPECT_EQ(SockaddrSize(23), 28);
  EXPECT_EQ(SockaddrSize(0), 0);
  EXPECT_EQ(SockaddrSize(10), 0);
}

TEST(Sockaddr, Ipv4ToUnix) {
  auto b = WindowsIn(8080, "192.0.2.17");
  sockaddr_storage ss;
  std::memset(&ss, 0xab, sizeof(ss));
  socklen_t len = 0;
  ASSERT_EQ(SockaddrToUnix(AsWs(b), 16, &ss, &len), 0);
  EXPECT_EQ(len, sizeof(sockaddr_in));
  sockaddr_in u;
  std::memcpy(&u, &ss, sizeof(u));
  EXPECT_EQ(u.sin_family, AF_INET);
  EXPECT_EQ(ntohs(u.sin_port), 8080);
  char text[INET_ADDRSTRLEN];
  ASSERT_NE(inet_ntop(AF_INET, &u.sin_addr, text, sizeof(text)), nullptr);
  EXPECT_STREQ(text, "192.0.2.17");
  for (uint8_t z : u.sin_zero) EXPECT_EQ(z, 0);
}

TEST(Sockaddr, Ipv4LongerBufferIsFine) {
  auto b = WindowsIn(1, "10.0.0.1");
  b.resize(128, 0x5a);  // a SOCKADDR_STORAGE's worth
  sockaddr_storage ss;
  socklen_t len = 0;
  EXPECT_EQ(SockaddrToUnix(AsWs(b), 128, &ss, &len), 0);
  EXPECT_EQ(len, sizeof(sockaddr_in));
}

TEST(Sockaddr, Ipv6WithScopeAndFlowinfoToUnix) {
  uint32_t flow = htonl(0x000abcde);
  auto b = WindowsIn6(443, flow, "fe80::1:2", 7);
  sockaddr_storage ss;
  socklen_t len = 0;
  ASSERT_EQ(SockaddrToUnix(AsWs(b), 28, &ss, &len), 0);
  EXPECT_EQ(len, sizeof(sockaddr_in6));
  sockaddr_in6 u;
  std::memcpy(&u, &ss, sizeof(u));
  EXPECT_EQ(u.sin6_family, AF_INET6);
  EXPECT_EQ(ntohs(u.sin6_port), 443);
  EXPECT_EQ(u.sin6_flowinfo, flow);
  EXPECT_EQ(u.sin6_scope_id, 7u);
  in6_addr expect;
  ASSERT_EQ(inet_pton(AF_INET6, "fe80::1:2", &expect), 1);
  EXPECT_EQ(std::memcmp(&u.sin6_addr, &expect, 16), 0);
}

TEST(Sockaddr, Ipv6OldLayoutWithoutScope) {
  auto b = WindowsIn6(53, 0, "2001:db8::5", 99);
  sockaddr_storage ss;
  socklen_t len = 0;
  ASSERT_EQ(SockaddrToUnix(AsWs(b), 24, &ss, &len), 0);  // the scope bytes are not read
  sockaddr_in6 u;
  std::memcpy(&u, &ss, sizeof(u));
  EXPECT_EQ(u.sin6_scope_id, 0u);
  EXPECT_EQ(ntohs(u.sin6_port), 53);
}

TEST(Sockaddr, ShortOrMissingIsFault) {
  sockaddr_storage ss;
  socklen_t len = 0;
  auto v4 = WindowsIn(80, "1.2.3.4");
  auto v6 = WindowsIn6(80, 0, "::1", 0);
  EXPECT_EQ(SockaddrToUnix(nullptr, 16, &ss, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrToUnix(AsWs(v4), 0, &ss, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrToUnix(AsWs(v4), 1, &ss, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrToUnix(AsWs(v4), 15, &ss, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrToUnix(AsWs(v4), -16, &ss, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrToUnix(AsWs(v6), 16, &ss, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrToUnix(AsWs(v6), 23, &ss, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrToUnix(AsWs(v4), 16, nullptr, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrToUnix(AsWs(v4), 16, &ss, nullptr), WSAEFAULT);
}

TEST(Sockaddr, FamiliesWithoutAnAddressLayoutAreNotSupported) {
  sockaddr_storage ss;
  socklen_t len = 0;
  for (uint16_t family : {0, 1, 10, 6, 0xffff}) {  // UNSPEC, UNIX, Linux's INET6 number, ...
    std::vector<uint8_t> b(28, 0);
    std::memcpy(b.data(), &family, 2);
    EXPECT_EQ(SockaddrToUnix(AsWs(b), 28, &ss, &len), WSAEAFNOSUPPORT) << family;
  }
}

TEST(Sockaddr, FromUnixWritesTheWindowsBytes) {
  sockaddr_in u{};
  u.sin_family = AF_INET;
  u.sin_port = htons(8080);
  ASSERT_EQ(inet_pton(AF_INET, "192.0.2.17", &u.sin_addr), 1);
  std::vector<uint8_t> out(16, 0xab);
  int len = 16;
  ASSERT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&u), sizeof(u),
                             reinterpret_cast<WS_sockaddr *>(out.data()), &len),
            0);
  EXPECT_EQ(len, 16);
  EXPECT_EQ(out, WindowsIn(8080, "192.0.2.17"));

  sockaddr_in6 u6{};
  u6.sin6_family = AF_INET6;
  u6.sin6_port = htons(443);
  u6.sin6_flowinfo = htonl(0x12345);
  u6.sin6_scope_id = 0x01020304;
  ASSERT_EQ(inet_pton(AF_INET6, "fe80::abcd", &u6.sin6_addr), 1);
  std::vector<uint8_t> out6(28, 0xab);
  len = 28;
  ASSERT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&u6), sizeof(u6),
                             reinterpret_cast<WS_sockaddr *>(out6.data()), &len),
            0);
  EXPECT_EQ(len, 28);
  EXPECT_EQ(out6, WindowsIn6(443, htonl(0x12345), "fe80::abcd", 0x01020304));
}

TEST(Sockaddr, RoundTripsAreExact) {
  for (const auto &b : {WindowsIn(1, "0.0.0.0"), WindowsIn(65535, "255.255.255.255"),
                        WindowsIn(80, "127.0.0.1"), WindowsIn6(0, 0, "::", 0),
                        WindowsIn6(65535, htonl(0xfffff), "ff02::1:ff00:1", 0xffffffff),
                        WindowsIn6(8, 0, "::ffff:10.1.2.3", 3)}) {
    sockaddr_storage ss;
    socklen_t ulen = 0;
    ASSERT_EQ(SockaddrToUnix(AsWs(b), static_cast<int>(b.size()), &ss, &ulen), 0);
    std::vector<uint8_t> back(b.size(), 0xcd);
    int len = static_cast<int>(back.size());
    ASSERT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&ss), ulen,
                               reinterpret_cast<WS_sockaddr *>(back.data()), &len),
              0);
    EXPECT_EQ(len, static_cast<int>(b.size()));
    EXPECT_EQ(back, b);
  }
}

TEST(Sockaddr, FromUnixTooSmallSaysTheSizeAndWritesNothing) {
  sockaddr_in u{};
  u.sin_family = AF_INET;
  std::vector<uint8_t> out(28, 0xab);
  int len = 15;
  EXPECT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&u), sizeof(u),
                             reinterpret_cast<WS_sockaddr *>(out.data()), &len),
            WSAEFAULT);
  EXPECT_EQ(len, 16);
  EXPECT_EQ(out, std::vector<uint8_t>(28, 0xab));

  sockaddr_in6 u6{};
  u6.sin6_family = AF_INET6;
  len = 27;
  EXPECT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&u6), sizeof(u6),
                             reinterpret_cast<WS_sockaddr *>(out.data()), &len),
            WSAEFAULT);
  EXPECT_EQ(len, 28);
  EXPECT_EQ(out, std::vector<uint8_t>(28, 0xab));

  len = 28;  // big enough, but nowhere to write
  EXPECT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&u6), sizeof(u6), nullptr, &len),
            WSAEFAULT);
  EXPECT_EQ(len, 28);
}

TEST(Sockaddr, FromUnixBadInput) {
  std::vector<uint8_t> out(28, 0);
  int len = 28;
  auto *ws = reinterpret_cast<WS_sockaddr *>(out.data());
  EXPECT_EQ(SockaddrFromUnix(nullptr, 16, ws, &len), WSAEFAULT);
  sockaddr_in u{};
  u.sin_family = AF_INET;
  EXPECT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&u), 1, ws, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&u), 8, ws, &len), WSAEFAULT);
  EXPECT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&u), sizeof(u), ws, nullptr),
            WSAEFAULT);
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  EXPECT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&un), sizeof(un), ws, &len),
            WSAEAFNOSUPPORT);
  EXPECT_EQ(len, 28);
}

// The kernel's own sockaddr for a bound loopback socket converts to the Windows bytes.
TEST(Sockaddr, KernelAddressesConvert) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in bind_addr{};
  bind_addr.sin_family = AF_INET;
  bind_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr *>(&bind_addr), sizeof(bind_addr)), 0);
  sockaddr_storage ss;
  socklen_t slen = sizeof(ss);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &slen), 0);
  uint16_t port = ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
  ASSERT_NE(port, 0);
  std::vector<uint8_t> out(16, 0);
  int len = 16;
  ASSERT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&ss), slen,
                             reinterpret_cast<WS_sockaddr *>(out.data()), &len),
            0);
  EXPECT_EQ(out, WindowsIn(port, "127.0.0.1"));
  close(fd);

  fd = socket(AF_INET6, SOCK_DGRAM, 0);
  if (fd < 0) GTEST_SKIP() << "no IPv6 sockets here";
  sockaddr_in6 b6{};
  b6.sin6_family = AF_INET6;
  b6.sin6_addr = in6addr_loopback;
  if (bind(fd, reinterpret_cast<sockaddr *>(&b6), sizeof(b6)) != 0) {
    close(fd);
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  slen = sizeof(ss);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &slen), 0);
  port = ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port);
  std::vector<uint8_t> out6(28, 0);
  len = 28;
  ASSERT_EQ(SockaddrFromUnix(reinterpret_cast<sockaddr *>(&ss), slen,
                             reinterpret_cast<WS_sockaddr *>(out6.data()), &len),
            0);
  EXPECT_EQ(out6, WindowsIn6(port, 0, "::1", 0));
  close(fd);
}

// ---- Socket options ----------------------------------------------------------------------------

TEST(Options, EveryRowRoundTripsBothWaysAndNoPairIsClaimedTwice) {
  std::set<std::pair<int, int>> ws_seen, unix_seen;
  for (const OptionRow &row : kOptions) {
    EXPECT_TRUE(ws_seen.insert({row.ws_level, row.ws_name}).second)
        << "Windows option twice: " << row.ws_level << "/" << row.ws_name;
    EXPECT_TRUE(unix_seen.insert({row.unix_level, row.unix_name}).second)
        << "Linux option twice: " << row.unix_level << "/" << row.unix_name;
    OptionMapping m{};
    ASSERT_TRUE(OptionToUnix(row.ws_level, row.ws_name, &m));
    EXPECT_EQ(m.unix_level, row.unix_level);
    EXPECT_EQ(m.unix_name, row.unix_name);
    EXPECT_EQ(m.format, row.format);
    int level = 0, name = 0;
    ASSERT_TRUE(OptionFromUnix(row.unix_level, row.unix_name, &level, &name));
    EXPECT_EQ(level, row.ws_level);
    EXPECT_EQ(name, row.ws_name);
  }
}

TEST(Options, WindowsNumbersMapToLinuxOnes) {
  struct Case {
    int ws_level, ws_name;  // winsock2.h / ws2ipdef.h numbers
    int unix_level, unix_name;
    ValueFormat format;
  };
  const Case cases[] = {
      {0xffff, 0x0004, SOL_SOCKET, SO_REUSEADDR, ValueFormat::kBool},
      {0xffff, 0x0008, SOL_SOCKET, SO_KEEPALIVE, ValueFormat::kBool},
      {0xffff, 0x0080, SOL_SOCKET, SO_LINGER, ValueFormat::kLinger},
      {0xffff, 0x1001, SOL_SOCKET, SO_SNDBUF, ValueFormat::kInt},
      {0xffff, 0x1002, SOL_SOCKET, SO_RCVBUF, ValueFormat::kInt},
      {0xffff, 0x1005, SOL_SOCKET, SO_SNDTIMEO, ValueFormat::kMillisecondsTimeval},
      {0xffff, 0x1006, SOL_SOCKET, SO_RCVTIMEO, ValueFormat::kMillisecondsTimeval},
      {0xffff, 0x1007, SOL_SOCKET, SO_ERROR, ValueFormat::kOther},
      {0xffff, 0x1008, SOL_SOCKET, SO_TYPE, ValueFormat::kOther},
      {6, 0x0001, IPPROTO_TCP, TCP_NODELAY, ValueFormat::kBool},
      {6, 3, IPPROTO_TCP, TCP_KEEPIDLE, ValueFormat::kInt},
      {6, 16, IPPROTO_TCP, TCP_KEEPCNT, ValueFormat::kInt},
      {6, 17, IPPROTO_TCP, TCP_KEEPINTVL, ValueFormat::kInt},
      {0, 4, IPPROTO_IP, IP_TTL, ValueFormat::kInt},
      {0, 9, IPPROTO_IP, IP_MULTICAST_IF, ValueFormat::kOther},
      {0, 10, IPPROTO_IP, IP_MULTICAST_TTL, ValueFormat::kInt},
      {0, 11, IPPROTO_IP, IP_MULTICAST_LOOP, ValueFormat::kBool},
      {0, 12, IPPROTO_IP, IP_ADD_MEMBERSHIP, ValueFormat::kIpMreq},
      {0, 13, IPPROTO_IP, IP_DROP_MEMBERSHIP, ValueFormat::kIpMreq},
      {0, 19, IPPROTO_IP, IP_PKTINFO, ValueFormat::kBool},
      {41, 4, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ValueFormat::kInt},
      {41, 12, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, ValueFormat::kIpv6Mreq},
      {41, 13, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, ValueFormat::kIpv6Mreq},
      {41, 19, IPPROTO_IPV6, IPV6_RECVPKTINFO, ValueFormat::kBool},
      {41, 27, IPPROTO_IPV6, IPV6_V6ONLY, ValueFormat::kBool},
  };
  for (const Case &c : cases) {
    OptionMapping m{};
    ASSERT_TRUE(OptionToUnix(c.ws_level, c.ws_name, &m)) << c.ws_level << "/" << c.ws_name;
    EXPECT_EQ(m.unix_level, c.unix_level) << c.ws_level << "/" << c.ws_name;
    EXPECT_EQ(m.unix_name, c.unix_name) << c.ws_level << "/" << c.ws_name;
    EXPECT_EQ(m.format, c.format) << c.ws_level << "/" << c.ws_name;
  }
}

TEST(Options, WindowsOnlyOptionsAreLeftToTheProvider) {
  // winsock2.h / mswsock.h numbers.
  const std::pair<int, int> windows_only[] = {
      {0xffff, ~0x0080},  // SO_DONTLINGER
      {0xffff, ~0x0004},  // SO_EXCLUSIVEADDRUSE
      {0xffff, 0x0040},   // SO_USELOOPBACK
      {0xffff, 0x1003},   // SO_SNDLOWAT (WSAENOPROTOOPT on Windows)
      {0xffff, 0x1004},   // SO_RCVLOWAT
      {0xffff, 0x2001},   // SO_GROUP_ID
      {0xffff, 0x2003},   // SO_MAX_MSG_SIZE
      {0xffff, 0x2004},   // SO_PROTOCOL_INFOA
      {0xffff, 0x2005},   // SO_PROTOCOL_INFOW
      {0xffff, 0x3002},   // SO_CONDITIONAL_ACCEPT
      {0xffff, 0x700B},   // SO_UPDATE_ACCEPT_CONTEXT
      {0xffff, 0x700C},   // SO_CONNECT_TIME
      {0xffff, 0x7010},   // SO_UPDATE_CONNECT_CONTEXT
      {6, 2},             // TCP_EXPEDITED_1122
      {0, 14},            // IP_DONTFRAGMENT
      {0, 31},            // IP_UNICAST_IF
  };
  for (const auto &[level, name] : windows_only) {
    OptionMapping m{-7, -7, ValueFormat::kOther};
    EXPECT_FALSE(OptionToUnix(level, name, &m)) << level << "/" << name;
    EXPECT_EQ(m.unix_level, -7);  // untouched
  }
  OptionMapping m{};
  EXPECT_FALSE(OptionToUnix(17, 1, &m));       // IPPROTO_UDP options: none mapped
  EXPECT_FALSE(OptionToUnix(1, SO_REUSEADDR, &m));  // Linux's SOL_SOCKET number is no level
  EXPECT_FALSE(OptionToUnix(0xffff, 0x1006, nullptr));
  int level = 0, name = 0;
  EXPECT_FALSE(OptionFromUnix(SOL_SOCKET, SO_PEERCRED, &level, &name));
  EXPECT_FALSE(OptionFromUnix(IPPROTO_TCP, TCP_CORK, &level, &name));
  EXPECT_FALSE(OptionFromUnix(SOL_SOCKET, SO_REUSEADDR, nullptr, &name));
}

// Every Linux pair of the table is an option the kernel knows at that level: a getsockopt on a
// fresh socket never answers ENOPROTOOPT (set-only options excepted).
TEST(Options, TheKernelKnowsEveryLinuxPair) {
  int tcp4 = socket(AF_INET, SOCK_STREAM, 0);
  int udp4 = socket(AF_INET, SOCK_DGRAM, 0);
  int udp6 = socket(AF_INET6, SOCK_DGRAM, 0);
  ASSERT_GE(tcp4, 0);
  ASSERT_GE(udp4, 0);
  if (udp6 < 0) GTEST_SKIP() << "no IPv6 sockets here";
  for (const OptionRow &row : kOptions) {
    // Membership and source-filter options only exist for setsockopt.
    if (row.format == ValueFormat::kIpMreq || row.format == ValueFormat::kIpv6Mreq ||
        row.ws_name == WS_IP_ADD_SOURCE_MEMBERSHIP || row.ws_name == WS_IP_DROP_SOURCE_MEMBERSHIP ||
        row.ws_name == WS_IP_BLOCK_SOURCE || row.ws_name == WS_IP_UNBLOCK_SOURCE) {
      continue;
    }
    int fd = row.unix_level == IPPROTO_IPV6 ? udp6
             : row.unix_level == IPPROTO_IP ? udp4
                                            : tcp4;
    // IPV6_HDRINCL and IPV6_CHECKSUM exist on raw sockets only (on Windows as on Linux): asked
    // of a raw socket when this process may open one.
    bool raw_only = row.unix_level == IPPROTO_IPV6 &&
                    (row.unix_name == IPV6_HDRINCL || row.unix_name == IPV6_CHECKSUM);
    int raw = -1;
    if (raw_only) {
      raw = socket(AF_INET6, SOCK_RAW, IPPROTO_UDP);
      if (raw < 0) continue;  // no CAP_NET_RAW: nothing to ask
      fd = raw;
    }
    char value[64];
    socklen_t len = sizeof(value);
    int rc = getsockopt(fd, row.unix_level, row.unix_name, value, &len);
    EXPECT_FALSE(rc != 0 && errno == ENOPROTOOPT)
        << "level " << row.unix_level << " name " << row.unix_name << " unknown to Linux";
    if (raw >= 0) close(raw);
  }
  close(tcp4);
  close(udp4);
  close(udp6);
}

// ---- MSG_ flags ---------------------------------------------------------------------------

TEST(MsgFlags, EveryRowRoundTripsBothWays) {
  std::set<unsigned> ws_seen;
  std::set<int> unix_seen;
  for (const MsgFlagRow &row : kMsgFlags) {
    EXPECT_TRUE(ws_seen.insert(row.ws).second);
    EXPECT_TRUE(unix_seen.insert(row.unix_value).second);
    if (row.direction & kMsgIn) {
      int u = 0;
      unsigned bad = 99;
      EXPECT_TRUE(MsgFlagsToUnix(row.ws, &u, &bad));
      EXPECT_EQ(u, row.unix_value);
      EXPECT_EQ(bad, 0u);
    }
    if (row.direction & kMsgOut) {
      EXPECT_EQ(MsgFlagsFromUnix(row.unix_value), row.ws);
    }
  }
}

TEST(MsgFlags, WindowsValues) {
  int u = 0;
  unsigned bad = 0;
  // winsock2.h: MSG_OOB 1, MSG_PEEK 2, MSG_DONTROUTE 4, MSG_WAITALL 8.
  EXPECT_TRUE(MsgFlagsToUnix(0x1 | 0x2 | 0x4 | 0x8, &u, &bad));
  EXPECT_EQ(u, MSG_OOB | MSG_PEEK | MSG_DONTROUTE | MSG_WAITALL);
  EXPECT_TRUE(MsgFlagsToUnix(0, &u, &bad));
  EXPECT_EQ(u, 0);
  // MSG_PARTIAL 0x8000, MSG_INTERRUPT 0x10, MSG_PUSH_IMMEDIATE 0x20: no Linux counterpart.
  EXPECT_FALSE(MsgFlagsToUnix(0x8000 | 0x2, &u, &bad));
  EXPECT_EQ(bad, 0x8000u);
  EXPECT_EQ(u, MSG_PEEK);
  EXPECT_FALSE(MsgFlagsToUnix(0x10, &u, &bad));
  EXPECT_EQ(bad, 0x10u);
  EXPECT_FALSE(MsgFlagsToUnix(0x20 | 0x8, &u, &bad));
  EXPECT_EQ(bad, 0x20u);
  EXPECT_EQ(u, MSG_WAITALL);
  EXPECT_FALSE(MsgFlagsToUnix(0x80000000u, nullptr, &bad));
  EXPECT_EQ(bad, 0x80000000u);
  // Output-only flags are not send/recv input: MSG_TRUNC 0x100 as input is unsupported.
  EXPECT_FALSE(MsgFlagsToUnix(0x100, &u, &bad));
  // mswsock.h / ws2def.h: MSG_TRUNC 0x0100, MSG_CTRUNC 0x0200, MSG_ERRQUEUE 0x1000.
  EXPECT_EQ(MsgFlagsFromUnix(MSG_TRUNC), 0x0100u);
  EXPECT_EQ(MsgFlagsFromUnix(MSG_CTRUNC), 0x0200u);
  EXPECT_EQ(MsgFlagsFromUnix(MSG_TRUNC | MSG_CTRUNC | MSG_OOB), 0x0301u);
  EXPECT_EQ(MsgFlagsFromUnix(MSG_ERRQUEUE), 0x1000u);
  // Linux-only bits of msg_flags have no Windows meaning and are dropped.
  EXPECT_EQ(MsgFlagsFromUnix(MSG_EOR | MSG_CONFIRM), 0u);
  EXPECT_EQ(MsgFlagsFromUnix(MSG_PEEK), 0u);  // input flag, never reported
}

// A datagram larger than the buffer: the kernel sets MSG_TRUNC, Windows' WSARecvMsg says
// MSG_TRUNC (0x0100).
TEST(MsgFlags, KernelTruncationReadsAsWindowsTrunc) {
  int a = socket(AF_INET, SOCK_DGRAM, 0);
  int b = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(b, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)), 0);
  socklen_t alen = sizeof(addr);
  ASSERT_EQ(getsockname(b, reinterpret_cast<sockaddr *>(&addr), &alen), 0);
  const char payload[32] = "0123456789abcdefghijklmnopqrst";
  ASSERT_EQ(sendto(a, payload, sizeof(payload), 0, reinterpret_cast<sockaddr *>(&addr),
                   sizeof(addr)),
            static_cast<ssize_t>(sizeof(payload)));
  char small[8];
  iovec iov{small, sizeof(small)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ASSERT_EQ(recvmsg(b, &msg, 0), static_cast<ssize_t>(sizeof(small)));
  EXPECT_EQ(MsgFlagsFromUnix(msg.msg_flags), 0x0100u);
  close(a);
  close(b);
}

// ---- Control messages ------------------------------------------------------------------------

TEST(ControlMessages, EveryRowIsClaimedOnceOnEachSide) {
  std::set<std::pair<int, int>> ws_seen, unix_seen;
  for (const CmsgRow &row : kCmsgs) {
    EXPECT_TRUE(ws_seen.insert({row.ws_level, row.ws_type}).second);
    EXPECT_TRUE(unix_seen.insert({row.unix_level, row.unix_type}).second);
  }
  // ws2ipdef.h: IP_PKTINFO 19 (level 0), IPV6_PKTINFO 19, IPV6_HOPLIMIT 21, IPV6_TCLASS 39.
  EXPECT_TRUE(ws_seen.count({0, 19}));
  EXPECT_TRUE(ws_seen.count({41, 19}));
  EXPECT_TRUE(ws_seen.count({41, 21}));
  EXPECT_TRUE(ws_seen.count({41, 39}));
}

// A received datagram's Linux messages, and the Windows messages walked with the WSA_CMSG_
// macros (whose values the ABI list checks against mingw-w64's).
struct Received {
  std::vector<std::pair<std::pair<int, int>, std::vector<uint8_t>>> unix_messages;
  std::vector<uint8_t> windows;
  size_t used = 0;
  bool truncated = false;
};

Received ReceiveWithControl(int family, const std::vector<std::pair<int, int>> &options,
                            size_t windows_size) {
  Received result;
  int a = socket(family, SOCK_DGRAM, 0);
  int b = socket(family, SOCK_DGRAM, 0);
  EXPECT_GE(a, 0);
  EXPECT_GE(b, 0);
  int on = 1;
  for (const auto &[level, name] : options) {
    EXPECT_EQ(setsockopt(b, level, name, &on, sizeof(on)), 0) << level << "/" << name;
  }
  sockaddr_storage ss{};
  socklen_t len;
  if (family == AF_INET) {
    auto *in = reinterpret_cast<sockaddr_in *>(&ss);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(*in);
  } else {
    auto *in6 = reinterpret_cast<sockaddr_in6 *>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    len = sizeof(*in6);
  }
  EXPECT_EQ(bind(b, reinterpret_cast<sockaddr *>(&ss), len), 0);
  EXPECT_EQ(getsockname(b, reinterpret_cast<sockaddr *>(&ss), &len), 0);
  EXPECT_EQ(sendto(a, "x", 1, 0, reinterpret_cast<sockaddr *>(&ss), len), 1);
  char byte;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[512];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  EXPECT_EQ(recvmsg(b, &msg, 0), 1);
  for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    const uint8_t *d = CMSG_DATA(c);
    result.unix_messages.push_back(
        {{c->cmsg_level, c->cmsg_type}, std::vector<uint8_t>(d, d + (c->cmsg_len - CMSG_LEN(0)))});
  }
  result.windows.assign(windows_size, 0xab);
  result.used = ControlMessagesFromUnix(&msg, result.windows.data(), windows_size,
                                        &result.truncated);
  close(a);
  close(b);
  return result;
}

// The Windows messages in a control buffer of `used` bytes, walked with WSA_CMSG_NXTHDR.
std::vector<std::pair<std::pair<int, int>, std::vector<uint8_t>>> WindowsMessages(
    std::vector<uint8_t> &buffer, size_t used) {
  WSAMSG msg{};
  msg.Control.buf = reinterpret_cast<CHAR *>(buffer.data());
  msg.Control.len = static_cast<ULONG>(used);
  std::vector<std::pair<std::pair<int, int>, std::vector<uint8_t>>> out;
  for (WSACMSGHDR *c = WSA_CMSG_FIRSTHDR(&msg); c != nullptr; c = WSA_CMSG_NXTHDR(&msg, c)) {
    const UCHAR *d = WSA_CMSG_DATA(c);
    out.push_back({{c->cmsg_level, c->cmsg_type},
                   std::vector<uint8_t>(d, d + (c->cmsg_len - WSA_CMSG_LEN(0)))});
  }
  return out;
}

TEST(ControlMessages, Ipv4PacketInfo) {
  Received r = ReceiveWithControl(AF_INET, {{IPPROTO_IP, IP_PKTINFO}}, 256);
  ASSERT_EQ(r.unix_messages.size(), 1u);
  in_pktinfo linux_info;
  ASSERT_EQ(r.unix_messages[0].second.size(), sizeof(linux_info));
  std::memcpy(&linux_info, r.unix_messages[0].second.data(), sizeof(linux_info));
  EXPECT_FALSE(r.truncated);
  EXPECT_EQ(r.used, 24u);  // WSA_CMSG_SPACE(8): a 16-byte header and 8 bytes of data
  auto messages = WindowsMessages(r.windows, r.used);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].first, std::make_pair(0, 19));  // IPPROTO_IP, IP_PKTINFO
  ASSERT_EQ(messages[0].second.size(), 8u);
  // Windows' in_pktinfo: the destination address, then the interface index.
  EXPECT_EQ(std::memcmp(messages[0].second.data(), &linux_info.ipi_addr, 4), 0);
  uint32_t index;
  std::memcpy(&index, messages[0].second.data() + 4, 4);
  EXPECT_EQ(index, static_cast<uint32_t>(linux_info.ipi_ifindex));
  in_addr loopback;
  ASSERT_EQ(inet_pton(AF_INET, "127.0.0.1", &loopback), 1);
  EXPECT_EQ(std::memcmp(messages[0].second.data(), &loopback, 4), 0);
}

TEST(ControlMessages, Ipv6PacketInfoHopLimitTrafficClass) {
  int probe = socket(AF_INET6, SOCK_DGRAM, 0);
  if (probe < 0) GTEST_SKIP() << "no IPv6 sockets here";
  sockaddr_in6 lo{};
  lo.sin6_family = AF_INET6;
  lo.sin6_addr = in6addr_loopback;
  bool have_lo = bind(probe, reinterpret_cast<sockaddr *>(&lo), sizeof(lo)) == 0;
  close(probe);
  if (!have_lo) GTEST_SKIP() << "no IPv6 loopback here";
  Received r = ReceiveWithControl(AF_INET6,
                                  {{IPPROTO_IPV6, IPV6_RECVPKTINFO},
                                   {IPPROTO_IPV6, IPV6_RECVHOPLIMIT},
                                   {IPPROTO_IPV6, IPV6_RECVTCLASS}},
                                  256);
  EXPECT_FALSE(r.truncated);
  auto messages = WindowsMessages(r.windows, r.used);
  // Each Linux message appears once, in order, with its Windows type and the same data.
  const std::map<std::pair<int, int>, std::pair<int, int>> expect = {
      {{IPPROTO_IPV6, IPV6_PKTINFO}, {41, 19}},
      {{IPPROTO_IPV6, IPV6_HOPLIMIT}, {41, 21}},
      {{IPPROTO_IPV6, IPV6_TCLASS}, {41, 39}},
  };
  ASSERT_EQ(messages.size(), r.unix_messages.size());
  ASSERT_EQ(messages.size(), 3u);
  for (size_t i = 0; i < messages.size(); ++i) {
    auto want = expect.find(r.unix_messages[i].first);
    ASSERT_NE(want, expect.end());
    EXPECT_EQ(messages[i].first, want->second);
    // in6_pktinfo (address, index) and the INTs have one layout on both sides.
    EXPECT_EQ(messages[i].second, r.unix_messages[i].second);
  }
}

TEST(ControlMessages, TooSmallABufferIsTruncation) {
  Received r = ReceiveWithControl(AF_INET, {{IPPROTO_IP, IP_PKTINFO}}, 23);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.used, 0u);
  EXPECT_EQ(r.windows, std::vector<uint8_t>(23, 0xab));  // nothing written
  r = ReceiveWithControl(AF_INET, {{IPPROTO_IP, IP_PKTINFO}}, 24);
  EXPECT_FALSE(r.truncated);
  EXPECT_EQ(r.used, 24u);
  r = ReceiveWithControl(AF_INET, {{IPPROTO_IP, IP_PKTINFO}}, 0);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.used, 0u);
}

TEST(ControlMessages, MessagesWithoutAWindowsCounterpartAreSkipped) {
  // SO_TIMESTAMP's SCM_TIMESTAMP has no Windows message; IP_PKTINFO's still comes through.
  Received r = ReceiveWithControl(AF_INET, {{SOL_SOCKET, SO_TIMESTAMP}, {IPPROTO_IP, IP_PKTINFO}},
                                  256);
  EXPECT_EQ(r.unix_messages.size(), 2u);
  auto messages = WindowsMessages(r.windows, r.used);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].first, std::make_pair(0, 19));
  bool truncated = true;
  EXPECT_EQ(ControlMessagesFromUnix(nullptr, nullptr, 0, &truncated), 0u);
  EXPECT_FALSE(truncated);
  msghdr empty{};
  EXPECT_EQ(ControlMessagesFromUnix(&empty, nullptr, 0, &truncated), 0u);
  EXPECT_FALSE(truncated);
}

// ---- Control messages to send (ControlMessagesToUnix) -------------------------------------------

TEST(ControlMessagesToUnix, OnlyThePacketInfoRowsCanBeSent) {
  // WSASendMsg's page and in_pktinfo's / in6_pktinfo's: the source address and interface to
  // send from, IP_PKTINFO (level 0, 19) and IPV6_PKTINFO (41, 19).
  std::set<std::pair<int, int>> sendable;
  for (const CmsgRow &row : kCmsgs) {
    if ((row.direction & kCmsgSend) != 0) sendable.insert({row.ws_level, row.ws_type});
  }
  EXPECT_EQ(sendable, (std::set<std::pair<int, int>>{{0, 19}, {41, 19}}));
}

// Appends one Windows record to `buffer` as the WSA_CMSG_ macros lay it out (header, data at
// WSA_CMSG_DATA, zeroed padding up to WSA_CMSG_SPACE); `cmsg_len` 0 means WSA_CMSG_LEN(size).
void AppendWindows(std::vector<uint8_t> &buffer, int level, int type, const void *data, size_t size,
                   size_t cmsg_len = 0) {
  const size_t start = buffer.size();
  buffer.resize(start + WSA_CMSG_SPACE(size), 0);
  WSACMSGHDR h{};
  h.cmsg_len = cmsg_len != 0 ? cmsg_len : WSA_CMSG_LEN(size);
  h.cmsg_level = level;
  h.cmsg_type = type;
  auto *record = reinterpret_cast<WSACMSGHDR *>(buffer.data() + start);
  std::memcpy(record, &h, sizeof(h));
  std::memcpy(WSA_CMSG_DATA(record), data, size);
}

IN_PKTINFO WindowsPktinfo4(const char *address, ULONG index) {
  IN_PKTINFO info{};
  EXPECT_EQ(inet_pton(AF_INET, address, &info.ipi_addr), 1);
  info.ipi_ifindex = index;
  return info;
}

IN6_PKTINFO WindowsPktinfo6(const char *address, ULONG index) {
  IN6_PKTINFO info{};
  EXPECT_EQ(inet_pton(AF_INET6, address, &info.ipi6_addr), 1);
  info.ipi6_ifindex = index;
  return info;
}

// ControlMessagesToUnix into a buffer of `out_size`; the error, and the Linux bytes.
struct ToUnixResult {
  int error;
  std::vector<uint8_t> unix_control;
};
ToUnixResult ToUnix(const std::vector<uint8_t> &windows, size_t windows_size,
                    size_t out_size = 256) {
  alignas(cmsghdr) uint8_t out[512];
  size_t used = 12345;
  ToUnixResult r;
  r.error = ControlMessagesToUnix(windows.data(), windows_size, out, out_size, &used);
  if (r.error != 0) {
    EXPECT_EQ(used, 0u);
  } else {
    r.unix_control.assign(out, out + used);
  }
  return r;
}
ToUnixResult ToUnix(const std::vector<uint8_t> &windows) { return ToUnix(windows, windows.size()); }

TEST(ControlMessagesToUnix, PacketInfoBecomesLinuxRecordsAndRoundTrips) {
  const unsigned lo = if_nametoindex("lo");
  std::vector<uint8_t> windows;
  const IN_PKTINFO v4 = WindowsPktinfo4("127.0.0.2", lo);
  const IN6_PKTINFO v6 = WindowsPktinfo6("fe80::1:2", lo);
  AppendWindows(windows, 0, 19, &v4, sizeof(v4));   // IPPROTO_IP, IP_PKTINFO
  AppendWindows(windows, 41, 19, &v6, sizeof(v6));  // IPPROTO_IPV6, IPV6_PKTINFO
  ToUnixResult r = ToUnix(windows);
  ASSERT_EQ(r.error, 0);
  // Read back with Linux's own macros and structures.
  msghdr msg{};
  msg.msg_control = r.unix_control.data();
  msg.msg_controllen = r.unix_control.size();
  EXPECT_EQ(r.unix_control.size(),
            CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(in6_pktinfo)));
  cmsghdr *c = CMSG_FIRSTHDR(&msg);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->cmsg_level, IPPROTO_IP);
  EXPECT_EQ(c->cmsg_type, IP_PKTINFO);
  ASSERT_EQ(c->cmsg_len, CMSG_LEN(sizeof(in_pktinfo)));
  in_pktinfo u4;
  std::memcpy(&u4, CMSG_DATA(c), sizeof(u4));
  EXPECT_EQ(std::memcmp(&u4.ipi_spec_dst, &v4.ipi_addr, 4), 0);  // what Linux sends from
  EXPECT_EQ(u4.ipi_ifindex, static_cast<int>(lo));
  c = CMSG_NXTHDR(&msg, c);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->cmsg_level, IPPROTO_IPV6);
  EXPECT_EQ(c->cmsg_type, IPV6_PKTINFO);
  ASSERT_EQ(c->cmsg_len, CMSG_LEN(sizeof(in6_pktinfo)));
  in6_pktinfo u6;
  std::memcpy(&u6, CMSG_DATA(c), sizeof(u6));
  EXPECT_EQ(std::memcmp(&u6.ipi6_addr, &v6.ipi6_addr, 16), 0);
  EXPECT_EQ(u6.ipi6_ifindex, lo);
  EXPECT_EQ(CMSG_NXTHDR(&msg, c), nullptr);
  // And back: the same Windows bytes.
  std::vector<uint8_t> back(windows.size() + 64, 0xab);
  bool truncated = true;
  const size_t used = ControlMessagesFromUnix(&msg, back.data(), back.size(), &truncated);
  EXPECT_FALSE(truncated);
  ASSERT_EQ(used, windows.size());
  back.resize(used);
  EXPECT_EQ(back, windows);
}

TEST(ControlMessagesToUnix, TheKernelSendsFromTheConvertedSourceAddress) {
  // A datagram sent with Windows' IP_PKTINFO naming 127.0.0.2 arrives from 127.0.0.2: Linux
  // itself read the converted record.
  int receiver = socket(AF_INET, SOCK_DGRAM, 0);
  int sender = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(receiver, 0);
  ASSERT_GE(sender, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t to_len = sizeof(to);
  ASSERT_EQ(bind(receiver, reinterpret_cast<sockaddr *>(&to), sizeof(to)), 0);
  ASSERT_EQ(getsockname(receiver, reinterpret_cast<sockaddr *>(&to), &to_len), 0);
  std::vector<uint8_t> windows;
  const IN_PKTINFO v4 = WindowsPktinfo4("127.0.0.2", 0);
  AppendWindows(windows, 0, 19, &v4, sizeof(v4));
  ToUnixResult r = ToUnix(windows);
  ASSERT_EQ(r.error, 0);
  char byte = 'x';
  iovec iov{&byte, 1};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = to_len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = r.unix_control.data();
  msg.msg_controllen = r.unix_control.size();
  ASSERT_EQ(sendmsg(sender, &msg, 0), 1) << std::strerror(errno);
  sockaddr_in from{};
  socklen_t from_len = sizeof(from);
  ASSERT_EQ(recvfrom(receiver, &byte, 1, 0, reinterpret_cast<sockaddr *>(&from), &from_len), 1);
  char text[INET_ADDRSTRLEN];
  EXPECT_STREQ(inet_ntop(AF_INET, &from.sin_addr, text, sizeof(text)), "127.0.0.2");
  close(sender);
  close(receiver);
}

TEST(ControlMessagesToUnix, NoControlDataIsNoRecords) {
  size_t used = 1;
  EXPECT_EQ(ControlMessagesToUnix(nullptr, 0, nullptr, 0, &used), 0);
  EXPECT_EQ(used, 0u);
  uint8_t out[64];
  EXPECT_EQ(ControlMessagesToUnix(nullptr, 8, out, sizeof(out), &used), WSAEFAULT);
  uint8_t in[24] = {};
  EXPECT_EQ(ControlMessagesToUnix(in, sizeof(in), nullptr, 64, &used), WSAEFAULT);
  EXPECT_EQ(ControlMessagesToUnix(in, sizeof(in), out, sizeof(out), nullptr), WSAEFAULT);
}

TEST(ControlMessagesToUnix, ALengthPastTheBufferIsInvalid) {
  std::vector<uint8_t> windows;
  const IN_PKTINFO v4 = WindowsPktinfo4("127.0.0.1", 1);
  AppendWindows(windows, 0, 19, &v4, sizeof(v4), WSA_CMSG_LEN(sizeof(v4)) + 8);
  EXPECT_EQ(ToUnix(windows).error, WSAEINVAL);
  // A huge length does not wrap around.
  windows.clear();
  AppendWindows(windows, 0, 19, &v4, sizeof(v4), ~size_t{0} - 3);
  EXPECT_EQ(ToUnix(windows).error, WSAEINVAL);
}

TEST(ControlMessagesToUnix, ALengthShorterThanTheHeaderIsInvalid) {
  const IN_PKTINFO v4 = WindowsPktinfo4("127.0.0.1", 1);
  for (size_t length : {size_t{0}, size_t{8}, sizeof(WSACMSGHDR) - 1}) {
    std::vector<uint8_t> windows;
    AppendWindows(windows, 0, 19, &v4, sizeof(v4), length == 0 ? 0 : length);
    if (length == 0) {  // a cmsg_len of 0 (AppendWindows' 0 means "the right length")
      WSACMSGHDR h{};
      h.cmsg_level = 0;
      h.cmsg_type = 19;
      std::memcpy(windows.data(), &h, sizeof(h));
    }
    EXPECT_EQ(ToUnix(windows).error, WSAEINVAL) << "cmsg_len " << length;
  }
}

TEST(ControlMessagesToUnix, TypesThatCannotBeSentAreInvalid) {
  const INT value = 1;
  const std::pair<int, int> refused[] = {
      {41, 21},      // IPV6_HOPLIMIT: a received datagram's, not sendable
      {41, 39},      // IPV6_TCLASS: likewise
      {0, 99},       // no such IPPROTO_IP message
      {0xffff, 19},  // SOL_SOCKET has no IP_PKTINFO
      {6, 19},       // nor IPPROTO_TCP
  };
  for (const auto &[level, type] : refused) {
    std::vector<uint8_t> windows;
    AppendWindows(windows, level, type, &value, sizeof(value));
    EXPECT_EQ(ToUnix(windows).error, WSAEINVAL) << level << "/" << type;
  }
  // A good record before a bad one does not make it acceptable.
  std::vector<uint8_t> windows;
  const IN_PKTINFO v4 = WindowsPktinfo4("127.0.0.1", 1);
  AppendWindows(windows, 0, 19, &v4, sizeof(v4));
  AppendWindows(windows, 41, 21, &value, sizeof(value));
  EXPECT_EQ(ToUnix(windows).error, WSAEINVAL);
}

TEST(ControlMessagesToUnix, DataShorterThanItsStructureIsInvalid) {
  const IN_PKTINFO v4 = WindowsPktinfo4("127.0.0.1", 1);
  std::vector<uint8_t> windows;
  AppendWindows(windows, 0, 19, &v4, sizeof(v4) - 4);  // in_pktinfo is 8 bytes
  EXPECT_EQ(ToUnix(windows).error, WSAEINVAL);
  const IN6_PKTINFO v6 = WindowsPktinfo6("::1", 1);
  windows.clear();
  AppendWindows(windows, 41, 19, &v6, sizeof(v6) - 1);  // in6_pktinfo is 20 bytes
  EXPECT_EQ(ToUnix(windows).error, WSAEINVAL);
}

TEST(ControlMessagesToUnix, ATruncatedBufferIsInvalidButLeftOutPaddingIsNot) {
  const IN_PKTINFO v4 = WindowsPktinfo4("127.0.0.1", 1);
  const IN6_PKTINFO v6 = WindowsPktinfo6("::1", 1);
  std::vector<uint8_t> windows;
  AppendWindows(windows, 0, 19, &v4, sizeof(v4));
  const size_t first = windows.size();
  AppendWindows(windows, 41, 19, &v6, sizeof(v6));
  ASSERT_EQ(ToUnix(windows).error, 0);
  // Cut inside the second record's header, then inside its data.
  EXPECT_EQ(ToUnix(windows, first + 8).error, WSAEINVAL);
  EXPECT_EQ(ToUnix(windows, first + sizeof(WSACMSGHDR) + 10).error, WSAEINVAL);
  // The last record's padding (in6_pktinfo: WSA_CMSG_LEN 36, WSA_CMSG_SPACE 40) may be left
  // out, as WSA_CMSG_NXTHDR reads a buffer.
  EXPECT_EQ(ToUnix(windows, first + WSA_CMSG_LEN(sizeof(v6))).error, 0);
  EXPECT_EQ(ToUnix(windows, first + WSA_CMSG_LEN(sizeof(v6)) + 2).error, 0);
  // The first record alone.
  ToUnixResult one = ToUnix(windows, first);
  EXPECT_EQ(one.error, 0);
  EXPECT_EQ(one.unix_control.size(), CMSG_SPACE(sizeof(in_pktinfo)));
}

TEST(ControlMessagesToUnix, TooSmallAnOutputIsNoBuffers) {
  const IN_PKTINFO v4 = WindowsPktinfo4("127.0.0.1", 1);
  std::vector<uint8_t> windows;
  AppendWindows(windows, 0, 19, &v4, sizeof(v4));
  EXPECT_EQ(ToUnix(windows, windows.size(), CMSG_SPACE(sizeof(in_pktinfo)) - 1).error, WSAENOBUFS);
  EXPECT_EQ(ToUnix(windows, windows.size(), CMSG_SPACE(sizeof(in_pktinfo))).error, 0);
}

// ---- errno ---------------------------------------------------------------------------------

TEST(Errno, EveryRowBothWays) {
  std::set<int> errnos;
  std::map<int, int> first_errno;  // WSA error -> the first errno giving it
  for (const ErrnoRow &row : kErrnos) {
    EXPECT_TRUE(errnos.insert(row.unix_errno).second) << "errno twice: " << row.unix_errno;
    EXPECT_EQ(WsaErrorFromErrno(row.unix_errno), row.wsa_error) << row.unix_errno;
    first_errno.emplace(row.wsa_error, row.unix_errno);
  }
  for (const auto &[wsa, err] : first_errno) {
    EXPECT_EQ(ErrnoFromWsaError(wsa), err) << wsa;
    EXPECT_EQ(WsaErrorFromErrno(ErrnoFromWsaError(wsa)), wsa) << wsa;
  }
}

TEST(Errno, DocumentedPairs) {
  // Windows Sockets Error Codes: the numbers as the documentation gives them.
  const std::pair<int, int> pairs[] = {
      {EINTR, 10004},        {EBADF, 10009},           {EACCES, 10013},
      {EPERM, 10013},        {EFAULT, 10014},          {EINVAL, 10022},
      {EMFILE, 10024},       {ENFILE, 10024},          {EAGAIN, 10035},
      {EWOULDBLOCK, 10035},  {EINPROGRESS, 10036},     {EALREADY, 10037},
      {ENOTSOCK, 10038},     {EDESTADDRREQ, 10039},    {EMSGSIZE, 10040},
      {EPROTOTYPE, 10041},   {ENOPROTOOPT, 10042},     {EPROTONOSUPPORT, 10043},
      {ESOCKTNOSUPPORT, 10044}, {EOPNOTSUPP, 10045},   {ENOTSUP, 10045},
      {EPFNOSUPPORT, 10046}, {EAFNOSUPPORT, 10047},    {EADDRINUSE, 10048},
      {EADDRNOTAVAIL, 10049}, {ENETDOWN, 10050},       {ENETUNREACH, 10051},
      {ENETRESET, 10052},    {ECONNABORTED, 10053},    {ECONNRESET, 10054},
      {ENOBUFS, 10055},      {ENOMEM, 10055},          {EISCONN, 10056},
      {ENOTCONN, 10057},     {ESHUTDOWN, 10058},       {EPIPE, 10058},
      {ETOOMANYREFS, 10059}, {ETIMEDOUT, 10060},       {ECONNREFUSED, 10061},
      {ELOOP, 10062},        {ENAMETOOLONG, 10063},    {EHOSTDOWN, 10064},
      {EHOSTUNREACH, 10065}, {ENOTEMPTY, 10066},       {EUSERS, 10068},
      {EDQUOT, 10069},       {ESTALE, 10070},          {EREMOTE, 10071},
      {ECANCELED, 995},      // WSA_OPERATION_ABORTED
  };
  for (const auto &[err, wsa] : pairs) EXPECT_EQ(WsaErrorFromErrno(err), wsa) << err;
}

TEST(Errno, UnknownAndZero) {
  EXPECT_EQ(WsaErrorFromErrno(0), 0);
  EXPECT_EQ(WsaErrorFromErrno(ENOENT), 10107);  // WSASYSCALLFAILURE
  EXPECT_EQ(WsaErrorFromErrno(EIO), 10107);
  EXPECT_EQ(WsaErrorFromErrno(-1), 10107);
  EXPECT_EQ(WsaErrorFromErrno(100000), 10107);
  EXPECT_EQ(ErrnoFromWsaError(0), 0);
  EXPECT_EQ(ErrnoFromWsaError(11001), 0);  // WSAHOST_NOT_FOUND: no errno
  EXPECT_EQ(ErrnoFromWsaError(10107), 0);
  EXPECT_EQ(ErrnoFromWsaError(10035), EAGAIN);
  EXPECT_EQ(ErrnoFromWsaError(10013), EACCES);  // the first of EACCES, EPERM
  EXPECT_EQ(ErrnoFromWsaError(10058), ESHUTDOWN);
}

// What the kernel says for a connect to a closed loopback port reads as Windows' answer.
TEST(Errno, KernelConnectRefused) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)), 0);
  socklen_t alen = sizeof(addr);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &alen), 0);
  close(listener);  // the port is now closed (bound, never listened)
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  ASSERT_NE(connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(WsaErrorFromErrno(errno), 10061);  // WSAECONNREFUSED
  close(fd);
}

// ---- Textual addresses -------------------------------------------------------------------

std::u16string U(const char *s) { return std::u16string(s, s + std::strlen(s)); }

std::string Narrow(const std::u16string &s) { return std::string(s.begin(), s.end()); }

std::string ToText(const std::vector<uint8_t> &b, int len = -1) {
  std::u16string text;
  int rc = AddressToString(AsWs(b), len < 0 ? static_cast<int>(b.size()) : len, &text);
  if (rc != 0) return "error " + std::to_string(rc);
  return Narrow(text);
}

TEST(AddressToString, Ipv4PortOnlyWhenNonZero) {
  EXPECT_EQ(ToText(WindowsIn(0, "1.2.3.4")), "1.2.3.4");
  EXPECT_EQ(ToText(WindowsIn(80, "1.2.3.4")), "1.2.3.4:80");
  EXPECT_EQ(ToText(WindowsIn(65535, "255.255.255.255")), "255.255.255.255:65535");
  EXPECT_EQ(ToText(WindowsIn(0, "0.0.0.0")), "0.0.0.0");
}

// The texts Windows prints (RtlIpv6AddressToString, under WSAAddressToString): expected strings
// as Windows produced them in Wine's ntdll tests, which run on Windows.
TEST(AddressToString, Ipv6AsWindowsPrintsIt) {
  const char *windows[] = {
      "::",
      "::1",
      "::2",
      "::ffff",
      "::13.1.68.3",
      "::0.1.0.0",
      "::ffff:13.1.68.3",
      "::feff:d01:4403",
      "::1:d01:4403",
      "::ffff:0:4403",
      "::ffff:0.1.0.0",
      "::ffff:0:0",
      "::ffff:0:ffff",
      "::ffff:0:13.1.68.3",
      "::ffff:ffff:d01:4403",
      "::ffff:0:0:d01:4403",
      "::5efe:0.0.0.0",
      "::5efe:129.144.52.38",
      "1111:2222:3333:4444:0:5efe:129.144.52.38",
      "1111::5efe:129.144.52.38",
      "::300:5efe:8190:3426",
      "::200:5efe:129.144.52.38",
      "::100:5efe:8190:3426",
      "0:1:2:3:4:5:6:7",
      "1080::8:800:200c:417a",
      "1111:2222:3333:4444:5555:6666:7777:8888",
      "1111:2222:3333:4444:5555:6666::",
      "1111:2222:3333:4444:5555:6666:0:8888",
      "1111:0:3333:4444:5555:6666:7777:8888",
      "1111::8888",
      "1:2:3:4:5:6:0:8",
      "2001:0:1234::c1c0:abcd:876",
      "2001:db8::1428:57ab",
      "3ffe:b00::1:0:0:a",
      "::a:b:c:d:e",
      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  };
  for (const char *text : windows) {
    EXPECT_EQ(ToText(WindowsIn6(0, 0, text, 0)), text);
  }
}

TEST(AddressToString, Ipv6ScopeAndPort) {
  EXPECT_EQ(ToText(WindowsIn6(0, 0, "::1", 1)), "::1%1");
  EXPECT_EQ(ToText(WindowsIn6(0, 0, "::1", 0xffffbbbb)), "::1%4294949819");
  EXPECT_EQ(ToText(WindowsIn6(0xeeff, 0, "::1", 0xffffbbbb)), "[::1%4294949819]:61183");
  EXPECT_EQ(ToText(WindowsIn6(256, 0, "::13.1.68.3", 0)), "[::13.1.68.3]:256");
  EXPECT_EQ(ToText(WindowsIn6(80, 0, "fe80::1", 3)), "[fe80::1%3]:80");
  EXPECT_EQ(ToText(WindowsIn6(80, 0, "::1", 0)), "[::1]:80");
  // flowinfo is not part of the text.
  EXPECT_EQ(ToText(WindowsIn6(0, htonl(0xabcde), "fe80::1", 3)), "fe80::1%3");
}

TEST(AddressToString, Errors) {
  std::u16string text = u"unchanged";
  // WSAAddressToString's page: a NULL address or length is WSAEINVAL.
  EXPECT_EQ(AddressToString(nullptr, 16, &text), WSAEINVAL);
  auto v4 = WindowsIn(80, "1.2.3.4");
  EXPECT_EQ(AddressToString(AsWs(v4), 0, &text), WSAEINVAL);
  EXPECT_EQ(AddressToString(AsWs(v4), 1, &text), WSAEINVAL);
  EXPECT_EQ(AddressToString(AsWs(v4), -1, &text), WSAEINVAL);
  EXPECT_EQ(AddressToString(AsWs(v4), 16, nullptr), WSAEFAULT);
  EXPECT_EQ(AddressToString(AsWs(v4), 15, &text), WSAEINVAL);
  auto v6 = WindowsIn6(80, 0, "::1", 0);
  EXPECT_EQ(AddressToString(AsWs(v6), 16, &text), WSAEINVAL);
  EXPECT_EQ(AddressToString(AsWs(v6), 27, &text), WSAEINVAL);
  std::vector<uint8_t> unknown(28, 0);
  unknown[0] = 10;  // Linux's AF_INET6 number
  EXPECT_EQ(AddressToString(AsWs(unknown), 28, &text), WSAEINVAL);
  unknown[0] = 0;
  EXPECT_EQ(AddressToString(AsWs(unknown), 28, &text), WSAEINVAL);
  EXPECT_EQ(text, u"unchanged");
}

struct Parsed {
  int rc;
  std::vector<uint8_t> bytes;
};

Parsed Parse(const std::u16string &text, int family) {
  std::vector<uint8_t> out(28, 0xab);
  int len = static_cast<int>(out.size());
  int rc = StringToAddress(text, family, reinterpret_cast<WS_sockaddr *>(out.data()), &len);
  if (rc == 0) out.resize(len);
  return {rc, out};
}

TEST(StringToAddress, Ipv4Forms) {
  EXPECT_EQ(Parse(u"1.2.3.4", 2).bytes, WindowsIn(0, "1.2.3.4"));
  EXPECT_EQ(Parse(u"1.2.3.4:80", 2).bytes, WindowsIn(80, "1.2.3.4"));
  EXPECT_EQ(Parse(u"1.1.1.1:1", 2).bytes, WindowsIn(1, "1.1.1.1"));
  EXPECT_EQ(Parse(u"0.0.0.0:1", 2).bytes, WindowsIn(1, "0.0.0.0"));
  EXPECT_EQ(Parse(u"1.2.3.4:65535", 2).bytes, WindowsIn(65535, "1.2.3.4"));
  // RtlIpv4StringToAddressEx reads the port in any base: 0xffff, 0XfFfF, 011064 (= 0x1234).
  EXPECT_EQ(Parse(u"1.2.3.4:0xffff", 2).bytes, WindowsIn(65535, "1.2.3.4"));
  EXPECT_EQ(Parse(u"1.2.3.4:0XfFfF", 2).bytes, WindowsIn(65535, "1.2.3.4"));
  EXPECT_EQ(Parse(u"1.2.3.4:011064", 2).bytes, WindowsIn(0x1234, "1.2.3.4"));
}

// The short and based forms WSAStringToAddress takes for AF_INET (non-strict, as inet_addr):
// the address Linux's inet_aton reads from the same text.
TEST(StringToAddress, Ipv4BsdFormsAsInetAton) {
  for (const char *text : {"127.1", "10.1.2", "0x7f.1", "0x7f000001", "017.0.0.1", "0", "1",
                           "4294967295", "0377.0377.0377.0377", "10.0x10.0x1234"}) {
    in_addr expect;
    ASSERT_NE(inet_aton(text, &expect), 0) << text;
    std::vector<uint8_t> want = WindowsIn(0, "0.0.0.0");
    std::memcpy(&want[4], &expect, 4);
    Parsed got = Parse(U(text), 2);
    EXPECT_EQ(got.rc, 0) << text;
    EXPECT_EQ(got.bytes, want) << text;
  }
}

// RtlIpv4StringToAddressEx (Strict = FALSE), which WSAStringToAddress uses for AF_INET: what
// Windows answered for these texts in Wine's ntdll tests, which run on Windows.
TEST(StringToAddress, Ipv4AsWindowsReadsIt) {
  const std::pair<const char *, const char *> accepted[] = {
      {"1.1.1.0xaA", "1.1.1.170"}, {"1.1.1.0XaA", "1.1.1.170"},   {"1.1.1.0xff", "1.1.1.255"},
      {"1.1.1.010", "1.1.1.8"},    {"1.1.1.00", "1.1.1.0"},       {"1.1.1.007", "1.1.1.7"},
      {"1", "0.0.0.1"},            {"1.2", "1.0.0.2"},            {"1.2.3", "1.2.0.3"},
      {"203569230", "12.34.56.78"}, {"1.223756", "1.3.106.12"},   {"3.4.756", "3.4.2.244"},
      {"0.1.2.3", "0.1.2.3"},      {"0x00010203", "0.1.2.3"},     {"0X00010203", "0.1.2.3"},
      {"0x1234", "0.0.18.52"},     {"017700000001", "127.0.0.1"}, {"0777", "0.0.1.255"},
      {"255.255.255.255", "255.255.255.255"},
  };
  for (const auto &[text, dotted] : accepted) {
    Parsed got = Parse(U(text), 2);
    EXPECT_EQ(got.rc, 0) << text;
    EXPECT_EQ(got.bytes, WindowsIn(0, dotted)) << text;
  }
  const char *refused[] = {
      "255.255.255.256", "255.255.255.4294967295", "255.255.255.4294967296", "a",
      "1.1.1.0x",        "1.1.1.0x100",            "1.1.1.0xffffffff",       "1.1.1.08",
      "1.1.1.008",       "1.1.1.0a",               "1.1.1.0o10",             "1.1.1.0b10",
      "1.1.1.-2",        "-1",                     "1000.2000",              "1.2.",
      "1..2",            "1...2",                  "1.2.3.",                 "756.3.4",
      "3.756.4",         "3.4.756.1",              "3.4.65536",              "3.4.5.6.7",
      "3.4.5.+6",        " 3.4.5.6",               "\t3.4.5.6",              "3.4.5.6 ",
      "3. 4.5.6",        ".",                      "..",                     "1.",
      "1..",             ".1",                     ".1.",                    ".1.2.3",
      "0.1.2.3.",        "[0.1.2.3]",              "0x00010Q03",             "x00010203",
      "1234BEEF",        "::1",                    ":1",
  };
  for (const char *text : refused) EXPECT_EQ(Parse(U(text), 2).rc, WSAEINVAL) << text;
}

TEST(StringToAddress, Ipv4Malformed) {
  for (const char *text :
       {"", " ", "1.1.1.1:", "1.1.1.1+", "256.1.1.1:1", "-1.1.1.1:1", "0.0.0.0:0",
        "1.2.3.4:65536", "1.2.3.4:99999", "1.2.3.4:1234a", "1.2.3.4:1234+", "1.2.3.4: 1234",
        "1.2.3.4:\t1234", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4.", "1.2.3.4.5", "1..2", ".1.2.3",
        "08", "1.2.3.256", "1.2.65536", "0x", "4294967296", "a.b.c.d", "::1", "1.2.3.4:0x",
        "1.2.3.4:80:80"}) {
    EXPECT_EQ(Parse(U(text), 2).rc, WSAEINVAL) << "'" << text << "'";
  }
}

in6_addr Pton6(const char *text) {
  in6_addr a;
  EXPECT_EQ(inet_pton(AF_INET6, text, &a), 1) << text;
  return a;
}

TEST(StringToAddress, Ipv6Forms) {
  EXPECT_EQ(Parse(u"::1", 23).bytes, WindowsIn6(0, 0, "::1", 0));
  EXPECT_EQ(Parse(u"[::1]:80", 23).bytes, WindowsIn6(80, 0, "::1", 0));
  EXPECT_EQ(Parse(u"fe80::1%3", 23).bytes, WindowsIn6(0, 0, "fe80::1", 3));
  EXPECT_EQ(Parse(u"[fe80::1%3]:80", 23).bytes, WindowsIn6(80, 0, "fe80::1", 3));
  EXPECT_EQ(Parse(u"[::1]", 23).bytes, WindowsIn6(0, 0, "::1", 0));
  EXPECT_EQ(Parse(u"[::13.1.68.3%4294949819]:65518", 23).bytes,
            WindowsIn6(65518, 0, "::13.1.68.3", 0xffffbbbb));
  EXPECT_EQ(Parse(u"[1111::%4294949819]:256", 23).bytes,
            WindowsIn6(256, 0, "1111::", 0xffffbbbb));
}

// Text both Windows (Wine's ntdll tests, run on Windows, for RtlIpv6StringToAddressEx) and
// Linux's inet_pton accept: the same 16 bytes.
TEST(StringToAddress, Ipv6AsInetPton) {
  for (const char *text :
       {"::", "0:0:0:0:0:0:0:0", "0000:0000:0000:0000:0000:0000:0000:0001", "0:0:0:0:0:0:13.1.68.3",
        "0:0:0:0:0:FFFF:129.144.52.38", "0::", "1080:0:0:0:8:800:200c:417a",
        "1111:2222:3333:4444:5555:6666:123.123.123.123", "1111:2222:3333:4444:5555:6666::",
        "1111:2222:3333:4444:5555::123.123.123.123", "1111::", "1111::3333:4444:5555:6666:7777:8888",
        "1::1.2.3.4", "2001:db8::1428:57ab", "FFFF:ffff:FfFf::"}) {
    in6_addr a = Pton6(text);
    Parsed got = Parse(U(text), 23);
    ASSERT_EQ(got.rc, 0) << text;
    EXPECT_EQ(std::memcmp(&got.bytes[8], &a, 16), 0) << text;
  }
}

TEST(StringToAddress, Ipv6WindowsLeadingZerosInTheQuad) {
  // Windows takes up to three digits per part of an embedded dotted quad (inet_pton does not).
  Parsed got = Parse(u"1::001.2.3.4", 23);
  ASSERT_EQ(got.rc, 0);
  in6_addr a = Pton6("1::1.2.3.4");
  EXPECT_EQ(std::memcmp(&got.bytes[8], &a, 16), 0);
}

TEST(StringToAddress, Ipv6Malformed) {
  for (const char *text :
       {"", ":", "[::1", "::1]", "[::1]:", "[::1]:0", "[::1]:65536", "[::1]x", "::1:", ":::",
        "1::2::3", "12345::", "1111:2222:3333:4444:5555:6666:7777:8888:9999",
        "1111:2222:3333:4444:5555:6666:7777:8888::", "1111:2222:3333:4444:5555:6666::7777:8888",
        ":1111::", "1::0001.2.3.4", "1::1.2.3.256", "1::1.2.3", "1::1.2.3.4.5", "1::1a.2.3.4",
        "::0x1", "::1%", "::1%x", "::1%4294967296", "[::1%3", "fe80::1%3:80", "[::]:80:80",
        "::1 ", " ::1", "1.2.3.4", "[1.2.3.4]:80", "2001::FFD3::57ab", "::-1", "::."}) {
    EXPECT_EQ(Parse(U(text), 23).rc, WSAEINVAL) << "'" << text << "'";
  }
}

TEST(StringToAddress, EmbeddedNulNonAsciiAndOverlong) {
  std::u16string with_nul = u"::1";
  with_nul.push_back(u'\0');
  EXPECT_EQ(Parse(with_nul, 23).rc, WSAEINVAL);
  std::u16string v4_nul = u"1.2.3.4";
  v4_nul.insert(v4_nul.begin() + 3, u'\0');
  EXPECT_EQ(Parse(v4_nul, 2).rc, WSAEINVAL);
  EXPECT_EQ(Parse(u"1.2.3.\u0664", 2).rc, WSAEINVAL);  // an Arabic-Indic digit four
  EXPECT_EQ(Parse(u"\uff11.2.3.4", 2).rc, WSAEINVAL);  // a full-width digit one
  EXPECT_EQ(Parse(std::u16string(100000, u'1'), 2).rc, WSAEINVAL);
  EXPECT_EQ(Parse(std::u16string(100000, u':'), 23).rc, WSAEINVAL);
  // Many octal zeros: still 1.2.3.4, as inet_aton reads the same text.
  const char *long_zeros = "0000000000000000000000000000000000000000000001.2.3.4";
  in_addr expect;
  ASSERT_NE(inet_aton(long_zeros, &expect), 0);
  Parsed got = Parse(U(long_zeros), 2);
  ASSERT_EQ(got.rc, 0);
  EXPECT_EQ(std::memcmp(&got.bytes[4], &expect, 4), 0);
}

TEST(StringToAddress, LengthAndFamily) {
  std::vector<uint8_t> out(28, 0xab);
  auto *ws = reinterpret_cast<WS_sockaddr *>(out.data());
  int len = 15;
  EXPECT_EQ(StringToAddress(u"1.2.3.4", 2, ws, &len), WSAEFAULT);
  EXPECT_EQ(len, 16);
  EXPECT_EQ(out, std::vector<uint8_t>(28, 0xab));  // nothing written
  len = 27;
  EXPECT_EQ(StringToAddress(u"::1", 23, ws, &len), WSAEFAULT);
  EXPECT_EQ(len, 28);
  EXPECT_EQ(out, std::vector<uint8_t>(28, 0xab));
  len = 28;
  EXPECT_EQ(StringToAddress(u"::1", 23, nullptr, &len), WSAEFAULT);
  EXPECT_EQ(StringToAddress(u"::1", 23, ws, nullptr), WSAEFAULT);
  len = 28;
  EXPECT_EQ(StringToAddress(u"1.2.3.4", 0, ws, &len), WSAEINVAL);
  EXPECT_EQ(StringToAddress(u"1.2.3.4", 10, ws, &len), WSAEINVAL);  // Linux's AF_INET6
  EXPECT_EQ(StringToAddress(u"::1", 1, ws, &len), WSAEINVAL);
  // Bigger buffer: the Windows size is used, the rest untouched, sin_zero zeroed.
  len = 28;
  ASSERT_EQ(StringToAddress(u"1.2.3.4:80", 2, ws, &len), 0);
  EXPECT_EQ(len, 16);
  std::vector<uint8_t> want = WindowsIn(80, "1.2.3.4");
  EXPECT_TRUE(std::equal(want.begin(), want.end(), out.begin()));
  for (size_t i = 16; i < 28; ++i) EXPECT_EQ(out[i], 0xab);
}

TEST(TextualAddresses, RoundTripThroughBothFunctions) {
  for (const auto &[text, family] :
       std::vector<std::pair<const char *, int>>{{"1.2.3.4", 2},
                                                 {"1.2.3.4:80", 2},
                                                 {"255.255.255.255:65535", 2},
                                                 {"::1", 23},
                                                 {"[::1]:80", 23},
                                                 {"fe80::1%3", 23},
                                                 {"[fe80::1%3]:80", 23},
                                                 {"::ffff:129.144.52.38", 23},
                                                 {"2001:0:1234::c1c0:abcd:876", 23},
                                                 {"[1111::5efe:129.144.52.38%7]:9", 23}}) {
    Parsed p = Parse(U(text), family);
    ASSERT_EQ(p.rc, 0) << text;
    EXPECT_EQ(ToText(p.bytes), text);
  }
}

// Random addresses, biased towards zero runs and the prefixes that print dotted: every text
// AddressToString makes is one Linux's inet_pton reads back to the same 16 bytes, and
// StringToAddress reads it back to the same sockaddr (port and scope included).
TEST(TextualAddresses, RandomAddressesReadBackByLinuxAndByStringToAddress) {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int i = 0; i < 5000; ++i) {
    uint16_t groups[8];
    for (uint16_t &g : groups) {
      uint64_t r = next();
      g = (r & 3) != 0 ? 0 : static_cast<uint16_t>(r >> 16);  // mostly zero groups
    }
    switch (next() % 6) {
      case 0: groups[4] = 0; groups[5] = 0xffff; break;        // IPv4-mapped
      case 1: groups[4] = 0xffff; groups[5] = 0; break;        // IPv4-translated
      case 2: groups[4] = (next() & 1) ? 0x0200 : 0; groups[5] = 0x5efe; break;  // ISATAP
      default: break;
    }
    if (next() % 3 == 0) groups[0] = groups[1] = groups[2] = groups[3] = 0;
    in6_addr a;
    for (int g = 0; g < 8; ++g) {
      a.s6_addr[2 * g] = static_cast<uint8_t>(groups[g] >> 8);
      a.s6_addr[2 * g + 1] = static_cast<uint8_t>(groups[g]);
    }
    char canonical[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, &a, canonical, sizeof(canonical)), nullptr);
    uint16_t port = (next() & 1) ? static_cast<uint16_t>(next()) : 0;
    uint32_t scope = (next() & 1) ? static_cast<uint32_t>(next()) : 0;
    auto bytes = WindowsIn6(port, 0, canonical, scope);
    std::string text = ToText(bytes);
    // Strip "[", "%scope" and "]:port" for inet_pton, which reads the bare address only.
    std::string bare = text;
    if (!bare.empty() && bare[0] == '[') bare = bare.substr(1, bare.find(']') - 1);
    bare = bare.substr(0, bare.find('%'));
    in6_addr back;
    ASSERT_EQ(inet_pton(AF_INET6, bare.c_str(), &back), 1) << text;
    EXPECT_EQ(std::memcmp(&back, &a, 16), 0) << text << " vs " << canonical;
    Parsed parsed = Parse(U(text.c_str()), 23);
    ASSERT_EQ(parsed.rc, 0) << text;
    EXPECT_EQ(parsed.bytes, bytes) << text;
  }
  for (int i = 0; i < 2000; ++i) {
    uint32_t addr = static_cast<uint32_t>(next());
    uint16_t port = (next() & 1) ? static_cast<uint16_t>(next()) : 0;
    in_addr a;
    a.s_addr = addr;
    char dotted[INET_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET, &a, dotted, sizeof(dotted)), nullptr);
    auto bytes = WindowsIn(port, dotted);
    std::string text = ToText(bytes);
    EXPECT_EQ(text.substr(0, text.find(':')), dotted);
    Parsed parsed = Parse(U(text.c_str()), 2);
    ASSERT_EQ(parsed.rc, 0) << text;
    EXPECT_EQ(parsed.bytes, bytes) << text;
  }
}

}  // namespace
}  // namespace ws2emu::net
