// The base provider's WSPStartup / WSPCleanup (SPEC.md §4-5), WSPSocket's choice of socket
// (af, type, protocol against the catalog entry, groups, flags) and WSPCloseSocket.
#include <sys/socket.h>

#include <vector>

#include "fixture.h"

namespace {

using bp_test::BaseProviderTest;
using bp_test::Entry;
using ws2emu::base_provider::WSPStartup;

WSPUPCALLTABLE Upcalls() { return *ws2emu_upcall_table(); }

TEST(BaseStartup, NegotiatesVersionsFrom20To22) {
  WSAPROTOCOL_INFOW tcp = Entry(WS_AF_INET, WS_SOCK_STREAM);
  WSPDATA data;
  WSPPROC_TABLE procs;
  int error = 0;
  struct Case {
    WORD requested;
    int result;
    WORD version;
  };
  const Case cases[] = {
      {0x0202, 0, 0x0202}, {0x0302, 0, 0x0202}, {0x0203, 0, 0x0202}, {0x0102, 0, 0x0102},
      {0x0002, 0, 0x0002}, {0x0101, WSAVERNOTSUPPORTED, 0}, {0x0001, WSAVERNOTSUPPORTED, 0},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.requested);
    std::memset(&data, 0, sizeof(data));
    ASSERT_EQ(WSPStartup(c.requested, &data, &tcp, Upcalls(), &procs), c.result);
    if (c.result != 0) continue;
    EXPECT_EQ(data.wVersion, c.version);
    EXPECT_EQ(data.wHighVersion, 0x0202);
    EXPECT_NE(data.szDescription[0], 0);
    EXPECT_EQ(procs.lpWSPCleanup(&error), 0);
  }
}

TEST(BaseStartup, FillsEveryEntryOfTheProcTable) {
  WSAPROTOCOL_INFOW tcp = Entry(WS_AF_INET, WS_SOCK_STREAM);
  WSPDATA data;
  WSPPROC_TABLE procs;
  std::memset(&procs, 0, sizeof(procs));
  ASSERT_EQ(WSPStartup(0x0202, &data, &tcp, Upcalls(), &procs), 0);
  auto *entries = reinterpret_cast<void **>(&procs);
  for (size_t i = 0; i < sizeof(procs) / sizeof(void *); ++i) EXPECT_NE(entries[i], nullptr) << i;
  int error = 0;
  EXPECT_EQ(procs.lpWSPCleanup(&error), 0);
}

TEST(BaseStartup, RefusesNullOutputs) {
  WSAPROTOCOL_INFOW tcp = Entry(WS_AF_INET, WS_SOCK_STREAM);
  WSPDATA data;
  WSPPROC_TABLE procs;
  EXPECT_EQ(WSPStartup(0x0202, nullptr, &tcp, Upcalls(), &procs), WSAEFAULT);
  EXPECT_EQ(WSPStartup(0x0202, &data, &tcp, Upcalls(), nullptr), WSAEFAULT);
}

TEST(BaseStartup, CleanupIsCountedAndTheLastOneClosesEverySocket) {
  WSAPROTOCOL_INFOW tcp = Entry(WS_AF_INET, WS_SOCK_STREAM);
  WSPDATA data;
  WSPPROC_TABLE procs;
  int error = 0;
  ASSERT_EQ(WSPStartup(0x0202, &data, &tcp, Upcalls(), &procs), 0);
  ASSERT_EQ(WSPStartup(0x0202, &data, &tcp, Upcalls(), &procs), 0);
  std::vector<SOCKET> sockets;
  for (int i = 0; i < 4; ++i) {
    SOCKET s = procs.lpWSPSocket(WS_AF_INET, WS_SOCK_STREAM, 0, &tcp, 0, 0, &error);
    ASSERT_NE(s, INVALID_SOCKET) << error;
    sockets.push_back(s);
  }
  EXPECT_EQ(procs.lpWSPCleanup(&error), 0);  // one start left: the sockets stay
  int type = 0;
  int length = sizeof(type);
  for (SOCKET s : sockets) {
    DWORD_PTR context;
    // IFS handles have no ws2_32 context, but they are sockets of the runtime's table.
    EXPECT_EQ(ws2emu_upcall_table()->lpWPUQuerySocketHandleContext(s, &context, &error),
              SOCKET_ERROR);
  }
  EXPECT_EQ(procs.lpWSPCleanup(&error), 0);  // the last: every socket is closed
  for (SOCKET s : sockets) {
    EXPECT_EQ(procs.lpWSPCloseSocket(s, &error), SOCKET_ERROR);
    EXPECT_EQ(error, WSAENOTSOCK);
  }
  (void)type;
  (void)length;
  EXPECT_EQ(procs.lpWSPCleanup(&error), SOCKET_ERROR);
  EXPECT_EQ(error, WSANOTINITIALISED);
  // A socket after the last cleanup: not initialised.
  EXPECT_EQ(procs.lpWSPSocket(WS_AF_INET, WS_SOCK_STREAM, 0, &tcp, 0, 0, &error), INVALID_SOCKET);
  EXPECT_EQ(error, WSANOTINITIALISED);
}

class BaseSocketChoice : public BaseProviderTest {};

TEST_F(BaseSocketChoice, CreatesTcpAndUdpOverBothFamilies) {
  for (int family : {WS_AF_INET, WS_AF_INET6}) {
    for (int type : {WS_SOCK_STREAM, WS_SOCK_DGRAM}) {
      SOCKET s = Socket(family, type);
      ASSERT_NE(s, INVALID_SOCKET);
      EXPECT_EQ(s % 4, 0u);  // a handle value, as every SOCKET
      Close(s);
    }
  }
}

TEST_F(BaseSocketChoice, ProtocolZeroAndFromProtocolInfoTakeTheEntrysValues) {
  WSAPROTOCOL_INFOW udp6 = Entry(WS_AF_INET6, WS_SOCK_DGRAM);
  int error = 0;
  SOCKET a = procs_.lpWSPSocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &udp6,
                                0, 0, &error);
  ASSERT_NE(a, INVALID_SOCKET) << error;
  SOCKET b = procs_.lpWSPSocket(WS_AF_INET6, WS_SOCK_DGRAM, WS_IPPROTO_UDP, &udp6, 0, 0, &error);
  ASSERT_NE(b, INVALID_SOCKET) << error;
  Close(a);
  Close(b);
  // Without PFL_MATCHES_PROTOCOL_ZERO, protocol 0 is not the entry's protocol.
  udp6.dwProviderFlags = 0;
  EXPECT_EQ(procs_.lpWSPSocket(WS_AF_INET6, WS_SOCK_DGRAM, 0, &udp6, 0, 0, &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAEPROTONOSUPPORT);
}

TEST_F(BaseSocketChoice, RefusesWhatTheEntryDoesNotServe) {
  WSAPROTOCOL_INFOW tcp = Entry(WS_AF_INET, WS_SOCK_STREAM);
  int error = 0;
  struct Case {
    int af, type, protocol;
    GROUP g;
    DWORD flags;
    int error;
  };
  const Case cases[] = {
      {WS_AF_INET6, WS_SOCK_STREAM, 0, 0, 0, WSAEAFNOSUPPORT},      // not this entry's family
      {WS_AF_UNIX, WS_SOCK_STREAM, 0, 0, 0, WSAEAFNOSUPPORT},
      {WS_AF_INET, WS_SOCK_DGRAM, 0, 0, 0, WSAESOCKTNOSUPPORT},     // not this entry's type
      {WS_AF_INET, WS_SOCK_RAW, 0, 0, 0, WSAESOCKTNOSUPPORT},
      {WS_AF_INET, WS_SOCK_STREAM, WS_IPPROTO_UDP, 0, 0, WSAEPROTONOSUPPORT},
      {WS_AF_INET, WS_SOCK_STREAM, 99, 0, 0, WSAEPROTONOSUPPORT},
      {WS_AF_INET, WS_SOCK_STREAM, 0, 1, 0, WSAEINVAL},             // SG_UNCONSTRAINED_GROUP
      {WS_AF_INET, WS_SOCK_STREAM, 0, 0, 0x8000, WSAEINVAL},        // an unknown flag
      {WS_AF_INET, WS_SOCK_STREAM, 0, 0, WSA_FLAG_MULTIPOINT_C_LEAF, WSAEINVAL},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(testing::Message() << c.af << " " << c.type << " " << c.protocol << " " << c.g
                                    << " " << c.flags);
    error = 0;
    EXPECT_EQ(procs_.lpWSPSocket(c.af, c.type, c.protocol, &tcp, c.g, c.flags, &error),
              INVALID_SOCKET);
    EXPECT_EQ(error, c.error);
  }
  EXPECT_EQ(procs_.lpWSPSocket(WS_AF_INET, WS_SOCK_STREAM, 0, nullptr, 0, 0, &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAEFAULT);
  // Multipoint leaves are for the UDP entries.
  WSAPROTOCOL_INFOW udp = Entry(WS_AF_INET, WS_SOCK_DGRAM);
  SOCKET leaf = procs_.lpWSPSocket(WS_AF_INET, WS_SOCK_DGRAM, 0, &udp, 0,
                                   WSA_FLAG_MULTIPOINT_C_LEAF | WSA_FLAG_MULTIPOINT_D_LEAF, &error);
  ASSERT_NE(leaf, INVALID_SOCKET) << error;
  Close(leaf);
  EXPECT_EQ(procs_.lpWSPSocket(WS_AF_INET, WS_SOCK_DGRAM, 0, &udp, 0, WSA_FLAG_MULTIPOINT_C_ROOT,
                               &error),
            INVALID_SOCKET);
  EXPECT_EQ(error, WSAEINVAL);
}

TEST_F(BaseSocketChoice, TheHandleIsAnIfsHandleOfTheEntry) {
  SOCKET s = Socket(WS_AF_INET, WS_SOCK_STREAM);
  int error = 0;
  // A layer may take the handle over (SPEC.md §6.9): the runtime accepts it as an IFS handle.
  EXPECT_EQ(ws2emu_upcall_table()->lpWPUModifyIFSHandle(2000, s, &error), s);
  // It is not a handle of WPUCreateSocketHandle: WPUCloseSocketHandle refuses it.
  EXPECT_EQ(ws2emu_upcall_table()->lpWPUCloseSocketHandle(s, &error), SOCKET_ERROR);
  Close(s);
}

TEST_F(BaseSocketChoice, ASecondCloseIsNotASocket) {
  SOCKET s = Socket(WS_AF_INET6, WS_SOCK_DGRAM);
  Close(s);
  int error = 0;
  EXPECT_EQ(procs_.lpWSPCloseSocket(s, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
  EXPECT_EQ(procs_.lpWSPCloseSocket(INVALID_SOCKET, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
  EXPECT_EQ(procs_.lpWSPCloseSocket(0, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
}

}  // namespace
