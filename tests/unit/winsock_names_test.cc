// lib/winsock names and addresses: byte order, inet_addr / inet_ntoa / inet_pton / inet_ntop and
// their W forms as Windows gives them (the expectations are Windows results recorded by Wine's
// ws2_32 tests), then name resolution over the system resolver.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>

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

}  // namespace
