// lib/winsock names and addresses: byte order, inet_addr / inet_ntoa / inet_pton / inet_ntop and
// their W forms as Windows gives them (the expectations are Windows results recorded by Wine's
// ws2_32 tests), then name resolution over the system resolver.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ws2emu/ws2emu.h"

namespace {

constexpr unsigned kStatusInvalidParameter = 0xC000000Du;
constexpr WS_u_long kNone = 0xffffffffu;

// ---- Byte order ---------------------------------------------------------------------------

TEST(ByteOrder, SwapsToNetworkOrderAndBack) {
  EXPECT_EQ(ws2emu_htonl(0x01020304u), 0x04030201u);
  EXPECT_EQ(ws2emu_ntohl(0x04030201u), 0x01020304u);
  EXPECT_EQ(ws2emu_htons(0x0102), 0x0201);
  EXPECT_EQ(ws2emu_ntohs(0x0201), 0x0102);
}

TEST(ByteOrder, NeedsNoStartupAndLeavesTheLastErrorAlone) {
  WSASetLastError(1234);
  EXPECT_EQ(ws2emu_htonl(ws2emu_ntohl(0xdeadbeefu)), 0xdeadbeefu);
  EXPECT_EQ(WSAGetLastError(), 1234);
}

// ---- inet_addr -------------------------------------------------------------------------------

struct AddrCase {
  const char *input;
  WS_u_long addr;  // as the bytes read on little-endian x64
};

// Windows' results (Wine's test_inet_addr).
const AddrCase kInetAddrCases[] = {
    {"1.2.3.4", 0x04030201},
    {"1 2 3 4", 0x01000000},
    {"1.2.3. 4", kNone},
    {"1.2.3 .4", 0x03000201},
    {"1.2.3 \xfe\xff", 0x03000201},
    {"3.4.5.6.7", kNone},
    {"3.4.5.6. 7", kNone},
    {"3.4.5.6  7", 0x06050403},
    {" 3.4.5.6", kNone},
    {"\t3.4.5.6", kNone},
    {"3.4.5.6 ", 0x06050403},
    {"3.4.5.6  ", 0x06050403},
    {"3. 4.5.6", kNone},
    {"3 .4.5.6", 0x03000000},
    {"1.2.3", 0x03000201},
    {".1.2.3", kNone},
    {"0.0.0.0", 0x00000000},
    {"", kNone},
    {" 0", kNone},
    {"0xa1a2b3b4 ", 0xb4b3a2a1},
    {".", kNone},
    {" ", 0x00000000},
    {"\t", kNone},
    {"  ", kNone},
    {"127.127.127.255", 0xff7f7f7f},
    {"127.127.127.255:123", kNone},
    {"127.127.127.256", kNone},
    {"a", kNone},
    {"1.2.3.0xaA", 0xaa030201},
    {"1.1.1.0x", kNone},
    {"1.2.3.010", 0x08030201},
    {"1.2.3.00", 0x00030201},
    {"1.2.3.0a", kNone},
    {"1.1.1.0o10", kNone},
    {"1.1.1.0b10", kNone},
    {"1.1.1.-2", kNone},
    {"1", 0x01000000},
    {"1.2", 0x02000001},
    {"203569230", 0x4e38220c},
    {"[0.1.2.3]", kNone},
    {"0x00010203", 0x03020100},
    {"0x2134", 0x34210000},
    {"1234BEEF", kNone},
    {"017700000001", 0x0100007f},
    {"0777", 0xff010000},
    {"2607:f0d0:1002:51::4", kNone},
    {"::177.32.45.20", kNone},
    {"::1/128", kNone},
    {"::1", kNone},
    {":1", kNone},
};

TEST(InetAddr, ReadsWindowsTextAndLeavesTheLastErrorAlone) {
  for (const AddrCase &c : kInetAddrCases) {
    SCOPED_TRACE(std::string("input \"") + c.input + "\"");
    WSASetLastError(0x1234);
    EXPECT_EQ(ws2emu_inet_addr(c.input), c.addr);
    EXPECT_EQ(WSAGetLastError(), 0x1234);
  }
}

TEST(InetAddr, NullIsNoneWithWsaefault) {
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_addr(nullptr), kNone);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
}

TEST(InetAddr, WhiteSpaceAloneEndsTheAddress) {
  // Windows: after "1.2.3" a white-space byte ends the address, any other byte fails it.
  char text[8] = "1.2.3";
  for (int i = 1; i < 256; ++i) {
    if (i >= '0' && i <= '9') continue;
    text[5] = static_cast<char>(i);
    text[6] = '\0';
    bool space = i == ' ' || (i >= '\t' && i <= '\r');
    EXPECT_EQ(ws2emu_inet_addr(text), space ? 0x03000201u : kNone) << "byte " << i;
  }
}

// ---- inet_ntoa ------------------------------------------------------------------------------

TEST(InetNtoa, PrintsDottedDecimal) {
  struct WS_in_addr in;
  in.S_un.S_addr = 0x20201015;
  EXPECT_STREQ(ws2emu_inet_ntoa(in), "21.16.32.32");
  in.S_un.S_addr = 0;
  EXPECT_STREQ(ws2emu_inet_ntoa(in), "0.0.0.0");
  in.S_un.S_addr = 0xffffffffu;
  EXPECT_STREQ(ws2emu_inet_ntoa(in), "255.255.255.255");
}

TEST(InetNtoa, EachThreadHasItsOwnBuffer) {
  struct WS_in_addr in;
  in.S_un.S_addr = 0x04030201;
  char *mine = ws2emu_inet_ntoa(in);
  char *theirs = nullptr;
  std::string their_text;
  std::thread t([&] {
    struct WS_in_addr other;
    other.S_un.S_addr = 0x08070605;
    theirs = ws2emu_inet_ntoa(other);
    their_text = theirs;
  });
  t.join();
  EXPECT_NE(mine, theirs);
  EXPECT_STREQ(mine, "1.2.3.4");
  EXPECT_EQ(their_text, "5.6.7.8");
}

// ---- inet_pton / InetPtonW -------------------------------------------------------------------

struct Pton4Case {
  const char *input;
  int ret;
  DWORD addr;  // the buffer afterwards; 0xdeadbeef when Windows leaves it alone
};

// Windows' results (Wine's test_inet_pton).
const Pton4Case kPton4Cases[] = {
    {"", 0, 0xdeadbeef},
    {" ", 0, 0xdeadbeef},
    {"1.1.1.1", 1, 0x01010101},
    {"0.0.0.0", 1, 0x00000000},
    {"127.127.127.255", 1, 0xff7f7f7f},
    {"127.127.127.255:123", 0, 0xff7f7f7f},
    {"127.127.127.256", 0, 0xdeadbeef},
    {"a", 0, 0xdeadbeef},
    {"1.1.1.0xaA", 0, 0xdeadbeef},
    {"1.1.1.0x", 0, 0xdeadbeef},
    {"1.1.1.010", 0, 0xdeadbeef},
    {"1.1.1.00", 0, 0xdeadbeef},
    {"1.1.1.0a", 0, 0x00010101},
    {"1.1.1.0o10", 0, 0x00010101},
    {"1.1.1.0b10", 0, 0x00010101},
    {"1.1.1.-2", 0, 0xdeadbeef},
    {"1", 0, 0xdeadbeef},
    {"1.2", 0, 0xdeadbeef},
    {"1.2.3", 0, 0xdeadbeef},
    {"203569230", 0, 0xdeadbeef},
    {"3.4.5.6.7", 0, 0xdeadbeef},
    {" 3.4.5.6", 0, 0xdeadbeef},
    {"\t3.4.5.6", 0, 0xdeadbeef},
    {"3.4.5.6 ", 0, 0x06050403},
    {"3. 4.5.6", 0, 0xdeadbeef},
    {"[0.1.2.3]", 0, 0xdeadbeef},
    {"0x00010203", 0, 0xdeadbeef},
    {"0x2134", 0, 0xdeadbeef},
    {"1234BEEF", 0, 0xdeadbeef},
    {"017700000001", 0, 0xdeadbeef},
    {"0777", 0, 0xdeadbeef},
    {"2607:f0d0:1002:51::4", 0, 0xdeadbeef},
    {"::177.32.45.20", 0, 0xdeadbeef},
    {"::1/128", 0, 0xdeadbeef},
    {"::1", 0, 0xdeadbeef},
    {":1", 0, 0xdeadbeef},
};

std::u16string Wide(const char *text) {
  std::u16string w;
  for (const char *p = text; *p != 0; ++p) w.push_back(static_cast<unsigned char>(*p));
  return w;
}

TEST(InetPton, Ipv4IsStrictDottedDecimal) {
  for (const Pton4Case &c : kPton4Cases) {
    SCOPED_TRACE(std::string("input \"") + c.input + "\"");
    DWORD addr = 0xdeadbeef;
    WSASetLastError(0x1234);
    EXPECT_EQ(ws2emu_inet_pton(WS_AF_INET, c.input, &addr), c.ret);
    EXPECT_EQ(WSAGetLastError(), 0x1234);
    EXPECT_EQ(addr, c.addr);

    addr = 0xdeadbeef;
    std::u16string w = Wide(c.input);
    WSASetLastError(0x1234);
    int ret = InetPtonW(WS_AF_INET, w.c_str(), &addr);
    EXPECT_EQ(ret, c.ret);
    EXPECT_EQ(WSAGetLastError(), ret != 0 ? 0x1234 : WSAEINVAL);
    EXPECT_EQ(addr, c.addr);
  }
}

struct Pton6Case {
  const char *input;
  int ret;
  uint16_t addr[8];  // as read on little-endian x64 (meaningful when ret is 1)
};

// Windows' results (Wine's test_inet_pton), the ones that parse and a selection that do not.
const Pton6Case kPton6Cases[] = {
    {"0000:0000:0000:0000:0000:0000:0000:0001", 1, {0, 0, 0, 0, 0, 0, 0, 0x100}},
    {"0:0:0:0:0:0:0::", 1, {0, 0, 0, 0, 0, 0, 0, 0}},
    {"0:0:0:0:0:0:13.1.68.3", 1, {0, 0, 0, 0, 0, 0, 0x10d, 0x344}},
    {"0:0:0:0:0:FFFF:129.144.52.38", 1, {0, 0, 0, 0, 0, 0xffff, 0x9081, 0x2634}},
    {"1080:0:0:0:8:800:200c:417a", 1, {0x8010, 0, 0, 0, 0x800, 0x8, 0x0c20, 0x7a41}},
    {"1111:2222:3333:4444:5555:6666:123.123.123.123", 1,
     {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7b7b, 0x7b7b}},
    {"1111::8888", 1, {0x1111, 0, 0, 0, 0, 0, 0, 0x8888}},
    {"2001:db8:85a3::8a2e:370:7334", 1, {0x120, 0xb80d, 0xa385, 0, 0, 0x2e8a, 0x7003, 0x3473}},
    {"::", 1, {0, 0, 0, 0, 0, 0, 0, 0}},
    {"::0:0:0:0:0:0:0", 1, {0, 0, 0, 0, 0, 0, 0, 0}},
    {"::123.123.123.123", 1, {0, 0, 0, 0, 0, 0, 0x7b7b, 0x7b7b}},
    {"1::1.2.3.4", 1, {0x100, 0, 0, 0, 0, 0, 0x201, 0x403}},
    {"1111:2222:3333:4444:0x5555:6666:7777:8888", 0, {}},
    {"1111:2222:3333:4444:5555:6666::7777:8888", 0, {}},
    {"1111:2222:3333:4444:5555::08888", 0, {}},
    {"::%16", 0, {}},
    {"::/16", 0, {}},
    {"::01234", 0, {}},
    {"1::0001.2.3.4", 0, {}},
    {"1::1.2.3.256", 0, {}},
    {"1::1a.2.3.4", 0, {}},
    {"1::2::3", 0, {}},
    {":", 0, {}},
    {":1111::", 0, {}},
    {"[::]", 0, {}},
};

TEST(InetPton, Ipv6ReadsRfc4291Text) {
  for (const Pton6Case &c : kPton6Cases) {
    SCOPED_TRACE(std::string("input \"") + c.input + "\"");
    uint16_t addr[8];
    std::memset(addr, 0xab, sizeof(addr));
    WSASetLastError(0x1234);
    EXPECT_EQ(ws2emu_inet_pton(WS_AF_INET6, c.input, addr), c.ret);
    EXPECT_EQ(WSAGetLastError(), 0x1234);
    if (c.ret == 1) {
      EXPECT_EQ(std::memcmp(addr, c.addr, sizeof(addr)), 0);
    }

    std::u16string w = Wide(c.input);
    WSASetLastError(0x1234);
    EXPECT_EQ(InetPtonW(WS_AF_INET6, w.c_str(), addr), c.ret);
    EXPECT_EQ(WSAGetLastError(), c.ret != 0 ? 0x1234 : WSAEINVAL);
  }
}

TEST(InetPton, NullArgumentsAreWsaefault) {
  unsigned char buffer[16];
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_pton(WS_AF_UNSPEC, nullptr, buffer), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_pton(WS_AF_INET, nullptr, buffer), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_pton(WS_AF_INET, "1.2.3.4", nullptr), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WSASetLastError(0);
  EXPECT_EQ(InetPtonW(WS_AF_UNSPEC, nullptr, buffer), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WSASetLastError(0);
  EXPECT_EQ(InetPtonW(WS_AF_INET, nullptr, buffer), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
}

TEST(InetPton, AnotherFamilyIsWsaeafnosupport) {
  unsigned char buffer[16];
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_pton(WS_AF_UNSPEC, "127.0.0.1", buffer), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_pton(WS_AF_UNSPEC, "2607:f0d0:1002:51::4", buffer), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_pton(10 /* Linux's AF_INET6 */, "::1", buffer), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  WSASetLastError(0);
  EXPECT_EQ(InetPtonW(WS_AF_UNSPEC, u"::1", buffer), -1);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
}

// ---- inet_ntop / InetNtopW -------------------------------------------------------------------

TEST(InetNtop, PrintsIpv4) {
  uint32_t addr = 0x20201015;
  char buffer[16];
  EXPECT_EQ(ws2emu_inet_ntop(WS_AF_INET, &addr, buffer, sizeof(buffer)), buffer);
  EXPECT_STREQ(buffer, "21.16.32.32");
  char longer[17];
  EXPECT_EQ(ws2emu_inet_ntop(WS_AF_INET, &addr, longer, sizeof(longer)), longer);
  EXPECT_STREQ(longer, "21.16.32.32");
}

struct Ntop6Case {
  uint8_t bytes[16];
  const char *text;
};

const Ntop6Case kNtop6Cases[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0xcc, 0x98, 0xbd, 0x74}, "::fffe:cc98:bd74"},
    {{0x20, 0x30, 0xa4, 0xb1}, "2030:a4b1::"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xcc, 0x98, 0xbd, 0x74}, "::204.152.189.116"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}, "::ffff:1.2.3.4"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "::"},
    {{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "fe80::1"},
    {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, "2001:db8:0:1::1"},
};

TEST(InetNtop, PrintsIpv6AsWindowsDoes) {
  for (const Ntop6Case &c : kNtop6Cases) {
    SCOPED_TRACE(c.text);
    char buffer[46];
    EXPECT_EQ(ws2emu_inet_ntop(WS_AF_INET6, c.bytes, buffer, sizeof(buffer)), buffer);
    EXPECT_STREQ(buffer, c.text);
    WCHAR wide[46];
    EXPECT_EQ(InetNtopW(WS_AF_INET6, c.bytes, wide, 46), wide);
    EXPECT_EQ(std::u16string(wide), Wide(c.text));
  }
}

TEST(InetNtop, ExactFitWorksOneShortFails) {
  uint32_t addr = 0x20201015;  // "21.16.32.32": 11 characters and the terminator
  char buffer[16];
  EXPECT_EQ(ws2emu_inet_ntop(WS_AF_INET, &addr, buffer, 12), buffer);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_ntop(WS_AF_INET, &addr, buffer, 11), nullptr);
  EXPECT_EQ(static_cast<unsigned>(WSAGetLastError()), kStatusInvalidParameter);
  WCHAR wide[16];
  EXPECT_EQ(InetNtopW(WS_AF_INET, &addr, wide, 12), wide);
  WSASetLastError(0);
  EXPECT_EQ(InetNtopW(WS_AF_INET, &addr, wide, 11), nullptr);
  EXPECT_EQ(static_cast<unsigned>(WSAGetLastError()), kStatusInvalidParameter);
}

TEST(InetNtop, BadArgumentsFailAsOnWindows10) {
  uint8_t addr6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0xcc, 0x98, 0xbd, 0x74};
  uint32_t addr = 0x20201015;
  char buffer[64];
  WCHAR wide[64];
  // A family other than the two.
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_ntop(1, &addr, buffer, sizeof(buffer)), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  WSASetLastError(0);
  EXPECT_EQ(InetNtopW(10, &addr, wide, 64), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  // A NULL buffer, a zero size, a short buffer: STATUS_INVALID_PARAMETER.
  for (int family : {WS_AF_INET, WS_AF_INET6}) {
    const void *a = family == WS_AF_INET ? static_cast<const void *>(&addr) : addr6;
    SCOPED_TRACE(family);
    WSASetLastError(0);
    EXPECT_EQ(ws2emu_inet_ntop(family, a, nullptr, sizeof(buffer)), nullptr);
    EXPECT_EQ(static_cast<unsigned>(WSAGetLastError()), kStatusInvalidParameter);
    WSASetLastError(0);
    EXPECT_EQ(ws2emu_inet_ntop(family, a, buffer, 0), nullptr);
    EXPECT_EQ(static_cast<unsigned>(WSAGetLastError()), kStatusInvalidParameter);
    WSASetLastError(0);
    EXPECT_EQ(ws2emu_inet_ntop(family, nullptr, buffer, sizeof(buffer)), nullptr);
    EXPECT_EQ(static_cast<unsigned>(WSAGetLastError()), kStatusInvalidParameter);
    WSASetLastError(0);
    EXPECT_EQ(InetNtopW(family, a, nullptr, 64), nullptr);
    EXPECT_EQ(static_cast<unsigned>(WSAGetLastError()), kStatusInvalidParameter);
    WSASetLastError(0);
    EXPECT_EQ(InetNtopW(family, a, wide, 0), nullptr);
    EXPECT_EQ(static_cast<unsigned>(WSAGetLastError()), kStatusInvalidParameter);
  }
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_inet_ntop(WS_AF_INET6, addr6, buffer, 16), nullptr);  // needs 17
  EXPECT_EQ(static_cast<unsigned>(WSAGetLastError()), kStatusInvalidParameter);
  EXPECT_EQ(ws2emu_inet_ntop(WS_AF_INET6, addr6, buffer, 18), buffer);
}

TEST(InetPton, RoundTripsThroughInetNtop) {
  const char *texts[] = {"1.2.3.4", "255.255.255.255", "::1", "fe80::1", "::ffff:1.2.3.4",
                         "2001:db8::8a2e:370:7334"};
  for (const char *text : texts) {
    SCOPED_TRACE(text);
    int family = std::strchr(text, ':') ? WS_AF_INET6 : WS_AF_INET;
    uint8_t bytes[16];
    ASSERT_EQ(ws2emu_inet_pton(family, text, bytes), 1);
    char out[64];
    ASSERT_NE(ws2emu_inet_ntop(family, bytes, out, sizeof(out)), nullptr);
    EXPECT_STREQ(out, text);
  }
}

// ---- Names over the system resolver ---------------------------------------------------------

class Names : public ::testing::Test {
 protected:
  void SetUp() override {
    WSADATA data;
    ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
  }
  void TearDown() override { WSACleanup(); }

  static std::string HostName() {
    char name[256];
    EXPECT_EQ(ws2emu_gethostname(name, sizeof(name)), 0);
    return name;
  }
};

// Every address in a result, as Windows text.
std::vector<std::string> Addresses(const ADDRINFOA *ai) {
  std::vector<std::string> out;
  for (; ai != nullptr; ai = ai->ai_next) {
    char text[64];
    const void *bytes = ai->ai_family == WS_AF_INET
                            ? static_cast<const void *>(&reinterpret_cast<const WS_sockaddr_in *>(
                                                             ai->ai_addr)->sin_addr)
                            : &reinterpret_cast<const WS_sockaddr_in6 *>(ai->ai_addr)->sin6_addr;
    EXPECT_NE(ws2emu_inet_ntop(ai->ai_family, bytes, text, sizeof(text)), nullptr);
    out.push_back(text);
  }
  return out;
}

TEST(NamesBeforeStartup, AreWsanotinitialised) {
  ADDRINFOA *res = nullptr;
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_getaddrinfo("localhost", nullptr, nullptr, &res), WSANOTINITIALISED);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  ADDRINFOW *resw = nullptr;
  EXPECT_EQ(GetAddrInfoW(u"localhost", nullptr, nullptr, &resw), WSANOTINITIALISED);
  WS_sockaddr_in sin = {};
  sin.sin_family = WS_AF_INET;
  char host[64];
  EXPECT_EQ(ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), sizeof(sin), host,
                               sizeof(host), nullptr, 0, 0),
            WSANOTINITIALISED);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_gethostbyname("localhost"), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  char name[256];
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_gethostname(name, sizeof(name)), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_getservbyname("http", "tcp"), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_getprotobynumber(6), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
}

TEST_F(Names, LocalhostGivesLoopbackWithWindowsLayouts) {
  ADDRINFOA hints = {};
  hints.ai_family = WS_AF_INET;
  hints.ai_socktype = WS_SOCK_STREAM;
  ADDRINFOA *res = nullptr;
  WSASetLastError(1234);
  ASSERT_EQ(ws2emu_getaddrinfo("localhost", "80", &hints, &res), 0);
  EXPECT_EQ(WSAGetLastError(), 0);
  ASSERT_NE(res, nullptr);
  EXPECT_EQ(res->ai_family, WS_AF_INET);
  EXPECT_EQ(res->ai_socktype, WS_SOCK_STREAM);
  EXPECT_EQ(res->ai_protocol, WS_IPPROTO_TCP);
  EXPECT_EQ(res->ai_addrlen, sizeof(WS_sockaddr_in));
  const auto *sin = reinterpret_cast<const WS_sockaddr_in *>(res->ai_addr);
  EXPECT_EQ(sin->sin_family, WS_AF_INET);
  EXPECT_EQ(sin->sin_port, ws2emu_htons(80));
  EXPECT_EQ(sin->sin_addr.S_un.S_addr, ws2emu_htonl(0x7f000001));
  ws2emu_freeaddrinfo(res);
}

TEST_F(Names, Ipv6NumericHostUsesWindowsFamilyNumber) {
  ADDRINFOA hints = {};
  hints.ai_flags = WS_AI_NUMERICHOST;
  hints.ai_family = WS_AF_INET6;
  ADDRINFOA *res = nullptr;
  ASSERT_EQ(ws2emu_getaddrinfo("::1", "443", &hints, &res), 0);
  ASSERT_NE(res, nullptr);
  EXPECT_EQ(res->ai_family, 23);
  EXPECT_EQ(res->ai_addrlen, 28u);
  const auto *sin6 = reinterpret_cast<const WS_sockaddr_in6 *>(res->ai_addr);
  EXPECT_EQ(sin6->sin6_family, 23);
  EXPECT_EQ(sin6->sin6_port, ws2emu_htons(443));
  EXPECT_EQ(Addresses(res), std::vector<std::string>{"::1"});
  ws2emu_freeaddrinfo(res);
  // Windows takes a bracketed IPv6 literal.
  ASSERT_EQ(ws2emu_getaddrinfo("[::1]", "443", &hints, &res), 0);
  EXPECT_EQ(Addresses(res), std::vector<std::string>{"::1"});
  ws2emu_freeaddrinfo(res);
}

TEST_F(Names, SocketTypeZeroGivesOneEntryPerAddress) {
  ADDRINFOA hints = {};
  hints.ai_family = WS_AF_INET;
  hints.ai_flags = WS_AI_NUMERICHOST;
  ADDRINFOA *res = nullptr;
  ASSERT_EQ(ws2emu_getaddrinfo("10.1.2.3", "53", &hints, &res), 0);
  ASSERT_NE(res, nullptr);
  EXPECT_EQ(res->ai_next, nullptr);
  EXPECT_EQ(res->ai_socktype, 0);
  EXPECT_EQ(res->ai_protocol, 0);
  ws2emu_freeaddrinfo(res);
}

TEST_F(Names, HostNameFromEtcHostsResolves) {
  std::string host = HostName();
  ADDRINFOA hints = {};
  hints.ai_family = WS_AF_INET;
  hints.ai_flags = WS_AI_CANONNAME;
  ADDRINFOA *res = nullptr;
  int rc = ws2emu_getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc == WSAHOST_NOT_FOUND || rc == WSANO_DATA) {
    GTEST_SKIP() << "the machine's host name " << host << " does not resolve here";
  }
  ASSERT_EQ(rc, 0);
  ASSERT_NE(res, nullptr);
  ASSERT_NE(res->ai_canonname, nullptr);
  EXPECT_FALSE(Addresses(res).empty());
  ws2emu_freeaddrinfo(res);
  // An empty name is the local computer, as on Windows.
  ASSERT_EQ(ws2emu_getaddrinfo("", nullptr, &hints, &res), 0);
  ws2emu_freeaddrinfo(res);
}

TEST_F(Names, GetAddrInfoWAndExWGiveWideNames) {
  ADDRINFOW hints = {};
  hints.ai_family = WS_AF_INET;
  hints.ai_socktype = WS_SOCK_DGRAM;
  hints.ai_flags = WS_AI_CANONNAME;
  ADDRINFOW *res = nullptr;
  ASSERT_EQ(GetAddrInfoW(u"localhost", u"53", &hints, &res), 0);
  ASSERT_NE(res, nullptr);
  ASSERT_NE(res->ai_canonname, nullptr);
  EXPECT_EQ(std::u16string(res->ai_canonname), u"localhost");
  EXPECT_EQ(res->ai_protocol, WS_IPPROTO_UDP);
  FreeAddrInfoW(res);

  ADDRINFOEXW hintsex = {};
  hintsex.ai_family = WS_AF_INET;
  hintsex.ai_socktype = WS_SOCK_STREAM;
  ADDRINFOEXW *resex = nullptr;
  HANDLE handle = reinterpret_cast<HANDLE>(1);
  ASSERT_EQ(GetAddrInfoExW(u"localhost", u"80", NS_DNS, nullptr, &hintsex, &resex, nullptr,
                           nullptr, nullptr, &handle),
            0);
  EXPECT_EQ(handle, nullptr);
  ASSERT_NE(resex, nullptr);
  EXPECT_EQ(resex->ai_addrlen, 16u);
  EXPECT_EQ(resex->ai_blob, nullptr);
  FreeAddrInfoExW(resex);

  ADDRINFOEXA *resa = nullptr;
  ASSERT_EQ(GetAddrInfoExA("127.0.0.1", nullptr, NS_ALL, nullptr, nullptr, &resa, nullptr,
                           nullptr, nullptr, nullptr),
            0);
  FreeAddrInfoEx(resa);
}

TEST_F(Names, GetAddrInfoExRefusesOverlappedRequests) {
  ADDRINFOEXW *res = nullptr;
  OVERLAPPED ov = {};
  WSASetLastError(0);
  EXPECT_EQ(GetAddrInfoExW(u"localhost", nullptr, NS_ALL, nullptr, nullptr, &res, nullptr, &ov,
                           nullptr, nullptr),
            WSAEINVAL);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(res, nullptr);
  EXPECT_EQ(GetAddrInfoExW(u"localhost", nullptr, 999, nullptr, nullptr, &res, nullptr, nullptr,
                           nullptr, nullptr),
            WSAEINVAL);
  HANDLE h = nullptr;
  EXPECT_EQ(GetAddrInfoExCancel(&h), WSA_INVALID_HANDLE);
  ov.Internal = WSAHOST_NOT_FOUND;
  EXPECT_EQ(GetAddrInfoExOverlappedResult(&ov), WSAHOST_NOT_FOUND);
}

TEST_F(Names, GetAddrInfoErrorsAreWsaNumbers) {
  ADDRINFOA *res = reinterpret_cast<ADDRINFOA *>(1);
  ADDRINFOA hints = {};
  // No node and no service.
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_getaddrinfo(nullptr, nullptr, nullptr, &res), WSAHOST_NOT_FOUND);
  EXPECT_EQ(WSAGetLastError(), WSAHOST_NOT_FOUND);
  EXPECT_EQ(res, nullptr);
  // AI_NUMERICHOST with a name.
  hints.ai_flags = WS_AI_NUMERICHOST;
  EXPECT_EQ(ws2emu_getaddrinfo("localhost", nullptr, &hints, &res), WSAHOST_NOT_FOUND);
  EXPECT_EQ(WSAGetLastError(), EAI_NONAME);
  // A family Windows does not resolve.
  hints = {};
  hints.ai_family = 10;  // Linux's AF_INET6 number: not Windows'
  EXPECT_EQ(ws2emu_getaddrinfo("localhost", nullptr, &hints, &res), WSAEAFNOSUPPORT);
  EXPECT_EQ(WSAGetLastError(), EAI_FAMILY);
  // A socket type that does not exist.
  hints = {};
  hints.ai_socktype = 77;
  EXPECT_EQ(ws2emu_getaddrinfo("localhost", nullptr, &hints, &res), WSAESOCKTNOSUPPORT);
  // An unknown service.
  hints = {};
  hints.ai_socktype = WS_SOCK_STREAM;
  EXPECT_EQ(ws2emu_getaddrinfo("localhost", "no-such-service-here", &hints, &res),
            WSATYPE_NOT_FOUND);
  EXPECT_EQ(WSAGetLastError(), EAI_SERVICE);
  // Unknown flag bits, AI_CANONNAME without a name.
  hints = {};
  hints.ai_flags = 0x1000;
  EXPECT_EQ(ws2emu_getaddrinfo("localhost", nullptr, &hints, &res), WSAEINVAL);
  hints.ai_flags = WS_AI_CANONNAME;
  EXPECT_EQ(ws2emu_getaddrinfo(nullptr, "80", &hints, &res), EAI_BADFLAGS);
  // Hints with the output members set.
  hints = {};
  hints.ai_addrlen = 16;
  EXPECT_EQ(ws2emu_getaddrinfo("localhost", nullptr, &hints, &res), WSANO_RECOVERY);
  // A name that does not exist (.invalid never resolves, RFC 6761).
  hints = {};
  int rc = ws2emu_getaddrinfo("no-such-host.invalid", nullptr, &hints, &res);
  EXPECT_TRUE(rc == WSAHOST_NOT_FOUND || rc == WSATRY_AGAIN) << rc;
  EXPECT_EQ(WSAGetLastError(), rc);
  // NULL result pointer.
  EXPECT_EQ(ws2emu_getaddrinfo("localhost", nullptr, nullptr, nullptr), WSAEFAULT);
}

TEST_F(Names, PassiveWithoutNodeIsTheWildcard) {
  ADDRINFOA hints = {};
  hints.ai_family = WS_AF_INET6;
  hints.ai_flags = WS_AI_PASSIVE;
  hints.ai_socktype = WS_SOCK_STREAM;
  ADDRINFOA *res = nullptr;
  ASSERT_EQ(ws2emu_getaddrinfo(nullptr, "8080", &hints, &res), 0);
  EXPECT_EQ(Addresses(res), std::vector<std::string>{"::"});
  ws2emu_freeaddrinfo(res);
}

TEST_F(Names, GetNameInfoNumericAndNames) {
  WS_sockaddr_in sin = {};
  sin.sin_family = WS_AF_INET;
  sin.sin_port = ws2emu_htons(80);
  sin.sin_addr.S_un.S_addr = ws2emu_htonl(0x7f000001);
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  ASSERT_EQ(ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), sizeof(sin), host,
                               sizeof(host), serv, sizeof(serv),
                               WS_NI_NUMERICHOST | WS_NI_NUMERICSERV),
            0);
  EXPECT_STREQ(host, "127.0.0.1");
  EXPECT_STREQ(serv, "80");
  ASSERT_EQ(ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), sizeof(sin), host,
                               sizeof(host), serv, sizeof(serv), 0),
            0);
  EXPECT_STREQ(host, "localhost");
  EXPECT_STREQ(serv, "http");

  WS_sockaddr_in6 sin6 = {};
  sin6.sin6_family = WS_AF_INET6;
  sin6.sin6_addr.u.Byte[0] = 0xfe;
  sin6.sin6_addr.u.Byte[1] = 0x80;
  sin6.sin6_addr.u.Byte[15] = 1;
  sin6.sin6_scope_id = 1;
  WCHAR whost[NI_MAXHOST];
  ASSERT_EQ(GetNameInfoW(reinterpret_cast<SOCKADDR *>(&sin6), sizeof(sin6), whost, NI_MAXHOST,
                         nullptr, 0, WS_NI_NUMERICHOST),
            0);
  EXPECT_EQ(std::u16string(whost), u"fe80::1%1");
}

TEST_F(Names, GetNameInfoErrors) {
  WS_sockaddr_in sin = {};
  sin.sin_family = WS_AF_INET;
  char host[NI_MAXHOST];
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_getnameinfo(nullptr, 16, host, sizeof(host), nullptr, 0, 0), WSAEFAULT);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), 8, host, sizeof(host),
                               nullptr, 0, 0),
            WSAEFAULT);
  sin.sin_family = 99;
  EXPECT_EQ(ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), sizeof(sin), host,
                               sizeof(host), nullptr, 0, 0),
            WSAEAFNOSUPPORT);
  sin.sin_family = WS_AF_INET;
  EXPECT_EQ(ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), sizeof(sin), nullptr, 0,
                               nullptr, 0, 0),
            WSAHOST_NOT_FOUND);
  // 192.0.2.1 (TEST-NET-1) has no name: NI_NAMEREQD makes that an error.
  sin.sin_addr.S_un.S_addr = ws2emu_htonl(0xc0000201);
  int rc = ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), sizeof(sin), host,
                              sizeof(host), nullptr, 0, WS_NI_NAMEREQD);
  EXPECT_TRUE(rc == WSAHOST_NOT_FOUND || rc == WSATRY_AGAIN) << rc;
  // Without it the numeric text comes back.
  ASSERT_EQ(ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), sizeof(sin), host,
                               sizeof(host), nullptr, 0, 0),
            0);
  EXPECT_STREQ(host, "192.0.2.1");
  // A buffer too short.
  EXPECT_EQ(ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), sizeof(sin), host, 4,
                               nullptr, 0, WS_NI_NUMERICHOST),
            WSAEFAULT);
  EXPECT_EQ(ws2emu_getnameinfo(reinterpret_cast<SOCKADDR *>(&sin), sizeof(sin), host,
                               sizeof(host), nullptr, 0, 0x100),
            WSAEINVAL);
}

TEST_F(Names, GetHostNameChecksTheBuffer) {
  std::string host = HostName();
  ASSERT_FALSE(host.empty());
  std::vector<char> exact(host.size() + 1);
  EXPECT_EQ(ws2emu_gethostname(exact.data(), static_cast<int>(exact.size())), 0);
  EXPECT_EQ(std::string(exact.data()), host);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_gethostname(exact.data(), static_cast<int>(host.size())), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_gethostname(nullptr, 256), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WCHAR wide[256];
  EXPECT_EQ(GetHostNameW(wide, 256), 0);
  EXPECT_EQ(std::u16string(wide), Wide(host.c_str()));
  WSASetLastError(0);
  EXPECT_EQ(GetHostNameW(wide, static_cast<int>(host.size())), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
}

TEST_F(Names, GetHostByNameFillsAWindowsHostent) {
  WS_hostent *he = ws2emu_gethostbyname("localhost");
  ASSERT_NE(he, nullptr);
  EXPECT_STREQ(he->h_name, "localhost");
  EXPECT_EQ(he->h_addrtype, WS_AF_INET);
  EXPECT_EQ(he->h_length, 4);
  ASSERT_NE(he->h_addr_list[0], nullptr);
  uint32_t a;
  std::memcpy(&a, he->h_addr_list[0], 4);
  EXPECT_EQ(a, ws2emu_htonl(0x7f000001));
  ASSERT_NE(he->h_aliases, nullptr);

  // A numeric name, and NULL (the local host).
  he = ws2emu_gethostbyname("10.20.30.40");
  ASSERT_NE(he, nullptr);
  std::memcpy(&a, he->h_addr_list[0], 4);
  EXPECT_EQ(a, ws2emu_inet_addr("10.20.30.40"));
  std::string host = HostName();
  he = ws2emu_gethostbyname(nullptr);
  if (he == nullptr) GTEST_SKIP() << "the machine's host name does not resolve here";
  EXPECT_EQ(he->h_addrtype, WS_AF_INET);
}

TEST_F(Names, GetHostByNameErrors) {
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_gethostbyname("no-such-host.invalid"), nullptr);
  int e = WSAGetLastError();
  EXPECT_TRUE(e == WSAHOST_NOT_FOUND || e == WSATRY_AGAIN || e == WSANO_DATA) << e;
}

TEST_F(Names, GetHostByAddr) {
  uint32_t loopback = ws2emu_htonl(0x7f000001);
  WS_hostent *he = ws2emu_gethostbyaddr(reinterpret_cast<const char *>(&loopback), 4, WS_AF_INET);
  ASSERT_NE(he, nullptr);
  EXPECT_EQ(he->h_addrtype, WS_AF_INET);
  EXPECT_EQ(he->h_length, 4);
  EXPECT_NE(he->h_name, nullptr);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_gethostbyaddr(nullptr, 4, WS_AF_INET), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_gethostbyaddr(reinterpret_cast<const char *>(&loopback), 3, WS_AF_INET),
            nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_gethostbyaddr(reinterpret_cast<const char *>(&loopback), 4, 99), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
}

TEST_F(Names, ServicesAndProtocols) {
  WS_servent *se = ws2emu_getservbyname("HTTP", "TCP");
  ASSERT_NE(se, nullptr);
  EXPECT_STREQ(se->s_name, "http");
  EXPECT_STREQ(se->s_proto, "tcp");
  EXPECT_EQ(se->s_port, static_cast<short>(ws2emu_htons(80)));
  se = ws2emu_getservbyport(ws2emu_htons(53), "udp");
  ASSERT_NE(se, nullptr);
  EXPECT_STREQ(se->s_name, "domain");
  se = ws2emu_getservbyname("http", nullptr);
  ASSERT_NE(se, nullptr);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_getservbyname("no-such-service", "tcp"), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSANO_DATA);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_getservbyport(ws2emu_htons(1), "no-such-proto"), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSANO_DATA);

  WS_protoent *pe = ws2emu_getprotobyname("TCP");
  ASSERT_NE(pe, nullptr);
  EXPECT_EQ(pe->p_proto, 6);
  pe = ws2emu_getprotobynumber(17);
  ASSERT_NE(pe, nullptr);
  EXPECT_STREQ(pe->p_name, "udp");
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_getprotobynumber(254), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSANO_DATA);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_getprotobyname("no-such-protocol"), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSANO_DATA);
}

TEST_F(Names, PerThreadBuffersDiffer) {
  WS_hostent *mine = ws2emu_gethostbyname("localhost");
  WS_servent *my_serv = ws2emu_getservbyname("http", "tcp");
  WS_protoent *my_proto = ws2emu_getprotobynumber(6);
  ASSERT_NE(mine, nullptr);
  ASSERT_NE(my_serv, nullptr);
  ASSERT_NE(my_proto, nullptr);
  void *theirs = nullptr, *their_serv = nullptr, *their_proto = nullptr;
  std::thread t([&] {
    theirs = ws2emu_gethostbyname("127.0.0.1");
    their_serv = ws2emu_getservbyname("domain", "udp");
    their_proto = ws2emu_getprotobynumber(17);
  });
  t.join();
  EXPECT_NE(theirs, nullptr);
  EXPECT_NE(static_cast<void *>(mine), theirs);
  EXPECT_NE(static_cast<void *>(my_serv), their_serv);
  EXPECT_NE(static_cast<void *>(my_proto), their_proto);
  // This thread's results are untouched by the other thread's calls.
  EXPECT_STREQ(mine->h_name, "localhost");
  EXPECT_STREQ(my_serv->s_name, "http");
  EXPECT_EQ(my_proto->p_proto, 6);
}

}  // namespace
