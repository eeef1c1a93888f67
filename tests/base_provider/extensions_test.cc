// The extension functions SIO_GET_EXTENSION_FUNCTION_POINTER hands out (overlapped.h's
// ExtensionFunction): AcceptEx + GetAcceptExSockaddrs, ConnectEx, DisconnectEx, TransmitFile
// (head and tail buffers; a file handle is refused), WSARecvMsg with IP_PKTINFO /
// IPV6_PKTINFO in Windows' control data layout, WSASendMsg.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

#include "base_provider/overlapped.h"
#include "base_provider/socket.h"
#include "fixture.h"

namespace {

using bp_test::BaseProviderTest;
using ws2emu::base_provider::ExtensionFunction;

constexpr DWORD kGuard = 20000;


class Extensions : public BaseProviderTest, public ::testing::WithParamInterface<int> {
 protected:
  int family() const { return GetParam(); }
  DWORD Wait(SOCKET s, WSAOVERLAPPED *ov, int *error) {
    DWORD bytes = 0, flags = 0;
    *error = 0;
    if (!procs_.lpWSPGetOverlappedResult(s, ov, &bytes, TRUE, &flags, error)) return ~0u;
    return bytes;
  }
  int AddressSize() const { return family() == WS_AF_INET ? 16 : 28; }
  // The function of `guid` as an application gets it: WSPIoctl's
  // SIO_GET_EXTENSION_FUNCTION_POINTER on a socket of the provider.
  template <typename F>
  F Extension(GUID guid) {
    SOCKET s = Socket(WS_AF_INET, WS_SOCK_STREAM);
    void *function = nullptr;
    DWORD returned = 0;
    int error = 0;
    EXPECT_EQ(procs_.lpWSPIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid),
                                &function, sizeof(function), &returned, nullptr, nullptr, nullptr,
                                &error),
              0)
        << error;
    EXPECT_EQ(function, ExtensionFunction(guid));
    Close(s);
    return reinterpret_cast<F>(function);
  }
};

INSTANTIATE_TEST_SUITE_P(Families, Extensions, ::testing::Values(WS_AF_INET, WS_AF_INET6),
                         [](const auto &info) { return info.param == WS_AF_INET ? "v4" : "v6"; });

TEST(ExtensionFunctions, EveryGuidHasItsFunctionAndOthersNone) {
  const GUID guids[] = {WSAID_ACCEPTEX,    WSAID_CONNECTEX,  WSAID_DISCONNECTEX,
                        WSAID_GETACCEPTEXSOCKADDRS, WSAID_TRANSMITFILE, WSAID_WSARECVMSG,
                        WSAID_WSASENDMSG};
  for (const GUID &g : guids) EXPECT_NE(ExtensionFunction(g), nullptr);
  const GUID unknown = WSAID_TRANSMITPACKETS;
  EXPECT_EQ(ExtensionFunction(unknown), nullptr);
}

TEST_P(Extensions, AcceptExWithReceiveDataAndGetAcceptExSockaddrs) {
  auto accept_ex = Extension<LPFN_ACCEPTEX>(WSAID_ACCEPTEX);
  auto sockaddrs = Extension<LPFN_GETACCEPTEXSOCKADDRS>(WSAID_GETACCEPTEXSOCKADDRS);
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET accepted = Socket(family(), WS_SOCK_STREAM);
  const DWORD block = static_cast<DWORD>(AddressSize() + 16);
  char buffer[8 + 2 * 44];
  WSAOVERLAPPED ov = {};
  DWORD received = 0;
  // Errors first: the address blocks must be at least the address size + 16.
  EXPECT_FALSE(accept_ex(listener, accepted, buffer, 8, block - 1, block, &received, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_FALSE(accept_ex(listener, accepted, buffer, 8, block, block, &received, nullptr));
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_PARAMETER);
  EXPECT_FALSE(accept_ex(accepted, accepted, buffer, 8, block, block, &received, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);  // not listening
  ASSERT_FALSE(accept_ex(listener, accepted, buffer, 8, block, block, &received, &ov));
  ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  SOCKET client = ConnectedTo(family(), address, length);
  int error = 0;
  // Connected, but AcceptEx waits for the first data block.
  EXPECT_EQ(ov.Internal, static_cast<ULONG_PTR>(WSS_OPERATION_IN_PROGRESS));
  SendAll(client, "first-da");
  EXPECT_EQ(Wait(listener, &ov, &error), 8u) << error;
  EXPECT_EQ(std::string(buffer, 8), "first-da");
  WS_sockaddr *local = nullptr, *remote = nullptr;
  int local_length = 0, remote_length = 0;
  sockaddrs(buffer, 8, block, block, &local, &local_length, &remote, &remote_length);
  ASSERT_NE(local, nullptr);
  ASSERT_NE(remote, nullptr);
  EXPECT_EQ(local_length, AddressSize());
  EXPECT_EQ(remote_length, AddressSize());
  WS_sockaddr_in6 client_name;
  int client_name_length = sizeof(client_name);
  ASSERT_EQ(procs_.lpWSPGetSockName(client, reinterpret_cast<WS_sockaddr *>(&client_name),
                                    &client_name_length, &error),
            0);
  EXPECT_EQ(std::memcmp(remote, &client_name, client_name_length), 0);
  EXPECT_EQ(local->sa_family, family());
  EXPECT_EQ(reinterpret_cast<WS_sockaddr_in6 *>(local)->sin6_port, address.sin6_port);
  // The accept socket is the connection now.
  SendAll(accepted, "back");
  EXPECT_EQ(ReceiveExactly(client, 4), "back");
  Close(client);
  Close(accepted);
  Close(listener);
}

TEST_P(Extensions, AcceptExWithoutDataCompletesAtTheConnectionAndCloseAborts) {
  auto accept_ex = Extension<LPFN_ACCEPTEX>(WSAID_ACCEPTEX);
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET accepted = Socket(family(), WS_SOCK_STREAM);
  const DWORD block = static_cast<DWORD>(AddressSize() + 16);
  char buffer[2 * 44];
  WSAOVERLAPPED ov = {};
  DWORD received = 0;
  ASSERT_FALSE(accept_ex(listener, accepted, buffer, 0, block, block, &received, &ov));
  ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  SOCKET client = ConnectedTo(family(), address, length);
  int error = 0;
  EXPECT_EQ(Wait(listener, &ov, &error), 0u) << error;
  EXPECT_EQ(ov.Internal, 0u);
  // A second AcceptEx, pending when the listener closes: WSA_OPERATION_ABORTED.
  SOCKET another = Socket(family(), WS_SOCK_STREAM);
  WSAEVENT event = WSACreateEvent();
  WSAOVERLAPPED ov2 = {};
  ov2.hEvent = event;
  ASSERT_FALSE(accept_ex(listener, another, buffer, 0, block, block, &received, &ov2));
  ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  Close(listener);
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ov2.Internal, static_cast<ULONG_PTR>(WSA_OPERATION_ABORTED));
  WSACloseEvent(event);
  Close(another);
  Close(client);
  Close(accepted);
}

TEST_P(Extensions, ConnectExNeedsABoundSocketAndSendsItsData) {
  auto connect_ex = Extension<LPFN_CONNECTEX>(WSAID_CONNECTEX);
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  WSAOVERLAPPED ov = {};
  DWORD sent = 0;
  char data[] = "connect-data";
  EXPECT_FALSE(connect_ex(s, reinterpret_cast<WS_sockaddr *>(&address), length, data, 12, &sent,
                          &ov));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);  // not bound
  BindLoopback(family(), s);
  int error = 0;
  EXPECT_FALSE(connect_ex(s, nullptr, length, data, 12, &sent, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  const BOOL done = connect_ex(s, reinterpret_cast<WS_sockaddr *>(&address), length, data, 12,
                               &sent, &ov);
  if (!done) {
    ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  }
  EXPECT_EQ(Wait(s, &ov, &error), 12u) << error;
  SOCKET server = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
  ASSERT_NE(server, INVALID_SOCKET);
  EXPECT_EQ(ReceiveExactly(server, 12), "connect-data");
  EXPECT_FALSE(connect_ex(s, reinterpret_cast<WS_sockaddr *>(&address), length, nullptr, 0,
                          &sent, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAEISCONN);
  Close(server);
  Close(s);
  Close(listener);
}

TEST_P(Extensions, ConnectExToNobodyFailsWithConnectionRefused) {
  auto connect_ex = Extension<LPFN_CONNECTEX>(WSAID_CONNECTEX);
  WS_sockaddr_in6 address;
  int length;
  bp_test::DeadAddress(family(), &address, &length);  // a port nobody listens on
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  BindLoopback(family(), s);
  int error = 0;
  WSAOVERLAPPED ov = {};
  DWORD sent = 0;
  if (!connect_ex(s, reinterpret_cast<WS_sockaddr *>(&address), length, nullptr, 0, &sent, &ov)) {
    const int e = WSAGetLastError();
    if (e != WSA_IO_PENDING) {
      EXPECT_EQ(e, WSAECONNREFUSED);
      Close(s);
      return;
    }
  }
  EXPECT_EQ(Wait(s, &ov, &error), ~0u);
  EXPECT_EQ(error, WSAECONNREFUSED);
  Close(s);
}

TEST_P(Extensions, DisconnectExAfterPendingSendsAndItsErrors) {
  auto disconnect_ex = Extension<LPFN_DISCONNECTEX>(WSAID_DISCONNECTEX);
  SOCKET c, s;
  Pair(family(), &c, &s);
  WSAOVERLAPPED ov = {};
  EXPECT_FALSE(disconnect_ex(c, &ov, 0, 1));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);  // dwReserved must be 0
  EXPECT_FALSE(disconnect_ex(c, &ov, TF_DISCONNECT | 0x100, 0));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  SendAll(c, "before");
  if (!disconnect_ex(c, &ov, 0, 0)) {
    ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  }
  int error = 0;
  EXPECT_EQ(Wait(c, &ov, &error), 0u) << error;
  // The peer reads the data, then the end of the stream.
  EXPECT_EQ(ReceiveExactly(s, 6), "before");
  char rest[4];
  WSABUF b = {4, rest};
  DWORD got = 9, flags = 0;
  ASSERT_EQ(procs_.lpWSPRecv(s, &b, 1, &got, &flags, nullptr, nullptr, nullptr, &error), 0);
  EXPECT_EQ(got, 0u);
  // Synchronous (no OVERLAPPED) on the other side.
  EXPECT_TRUE(disconnect_ex(s, nullptr, 0, 0)) << WSAGetLastError();
  SOCKET fresh = Socket(family(), WS_SOCK_STREAM);
  EXPECT_FALSE(disconnect_ex(fresh, &ov, 0, 0));
  EXPECT_EQ(WSAGetLastError(), WSAENOTCONN);
  Close(fresh);
  Close(c);
  Close(s);
}

TEST_P(Extensions, TransmitFileSendsHeadAndTailAndRefusesAFileHandle) {
  auto transmit = Extension<LPFN_TRANSMITFILE>(WSAID_TRANSMITFILE);
  SOCKET c, s;
  Pair(family(), &c, &s);
  char head[] = "HEAD:", tail[] = ":TAIL";
  TRANSMIT_FILE_BUFFERS buffers = {head, 5, tail, 5};
  WSAOVERLAPPED ov = {};
  // No file handle of the runtime is backed by a Linux file yet: refused loudly.
  EXPECT_FALSE(transmit(c, reinterpret_cast<HANDLE>(0x1234), 0, 0, &ov, &buffers, 0));
  EXPECT_EQ(WSAGetLastError(), ERROR_INVALID_HANDLE);
  EXPECT_FALSE(transmit(c, nullptr, 0, 0, &ov, &buffers, TF_REUSE_SOCKET));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);  // TF_REUSE_SOCKET needs TF_DISCONNECT
  if (!transmit(c, nullptr, 0, 0, &ov, &buffers, TF_DISCONNECT)) {
    ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  }
  int error = 0;
  EXPECT_EQ(Wait(c, &ov, &error), 10u) << error;
  EXPECT_EQ(ReceiveExactly(s, 11), "HEAD::TAIL");  // then the end of the stream
  // Synchronous form.
  EXPECT_TRUE(transmit(s, nullptr, 0, 0, nullptr, &buffers, 0)) << WSAGetLastError();
  EXPECT_EQ(ReceiveExactly(c, 10), "HEAD::TAIL");
  Close(c);
  Close(s);
}

TEST_P(Extensions, WSARecvMsgGivesPktinfoInWindowsLayoutAndWSASendMsgSends) {
  auto recv_msg = Extension<LPFN_WSARECVMSG>(WSAID_WSARECVMSG);
  auto send_msg = Extension<LPFN_WSASENDMSG>(WSAID_WSASENDMSG);
  SOCKET a = Socket(family(), WS_SOCK_DGRAM);
  SOCKET r = Socket(family(), WS_SOCK_DGRAM);
  WS_sockaddr_in6 address;
  const int size = BindLoopback(family(), r, &address);
  int error = 0;
  {
    // IP_PKTINFO / IPV6_RECVPKTINFO on the Linux socket (the option is the options worker's;
    // set here below the provider so this test depends only on the receive path).
    ws2emu::base_provider::SocketCall call(r, nullptr);
    ASSERT_TRUE(call);
    const int one = 1;
    if (family() == WS_AF_INET) {
      ASSERT_EQ(setsockopt(call->fd(), IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)), 0);
    } else {
      ASSERT_EQ(setsockopt(call->fd(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)), 0);
    }
  }
  // A stream socket is refused.
  SOCKET stream = Socket(family(), WS_SOCK_STREAM);
  WSAMSG bad = {};
  DWORD n = 0;
  EXPECT_EQ(recv_msg(stream, &bad, &n, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
  Close(stream);

  char data[32];
  WSABUF rb = {sizeof(data), data};
  alignas(8) char control[128];
  WS_sockaddr_in6 from;
  WSAMSG msg = {};
  msg.name = reinterpret_cast<LPSOCKADDR>(&from);
  msg.namelen = sizeof(from);
  msg.lpBuffers = &rb;
  msg.dwBufferCount = 1;
  msg.Control = {sizeof(control), control};
  WSAEVENT event = WSACreateEvent();
  WSAOVERLAPPED ov = {};
  ov.hEvent = event;
  ASSERT_EQ(recv_msg(r, &msg, &n, &ov, nullptr), SOCKET_ERROR);
  ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);

  char payload[] = "via WSASendMsg";
  WSABUF sb = {14, payload};
  WSAMSG out = {};
  out.name = reinterpret_cast<LPSOCKADDR>(&address);
  out.namelen = size;
  out.lpBuffers = &sb;
  out.dwBufferCount = 1;
  DWORD sent = 0;
  ASSERT_EQ(send_msg(a, &out, 0, &sent, nullptr, nullptr), 0) << WSAGetLastError();
  EXPECT_EQ(sent, 14u);

  ASSERT_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, kGuard, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(Wait(r, &ov, &error), 14u) << error;
  EXPECT_EQ(std::string(data, 14), "via WSASendMsg");
  EXPECT_EQ(msg.namelen, AddressSize());
  EXPECT_EQ(from.sin6_family, family());
  EXPECT_EQ(msg.dwFlags, 0u);
  ASSERT_GE(msg.Control.len, sizeof(WSACMSGHDR));
  WSACMSGHDR *c = WSA_CMSG_FIRSTHDR(&msg);
  ASSERT_NE(c, nullptr);
  if (family() == WS_AF_INET) {
    EXPECT_EQ(c->cmsg_level, WS_IPPROTO_IP);
    EXPECT_EQ(c->cmsg_type, WS_IP_PKTINFO);
    EXPECT_EQ(c->cmsg_len, WSA_CMSG_LEN(sizeof(IN_PKTINFO)));
    IN_PKTINFO info;
    std::memcpy(&info, WSA_CMSG_DATA(c), sizeof(info));
    EXPECT_EQ(info.ipi_addr.S_un.S_addr, htonl(WS_INADDR_LOOPBACK));  // the destination
    EXPECT_NE(info.ipi_ifindex, 0u);
  } else {
    EXPECT_EQ(c->cmsg_level, WS_IPPROTO_IPV6);
    EXPECT_EQ(c->cmsg_type, WS_IPV6_PKTINFO);
    EXPECT_EQ(c->cmsg_len, WSA_CMSG_LEN(sizeof(IN6_PKTINFO)));
    IN6_PKTINFO info;
    std::memcpy(&info, WSA_CMSG_DATA(c), sizeof(info));
    EXPECT_EQ(info.ipi6_addr.u.Byte[15], 1);  // ::1
    EXPECT_NE(info.ipi6_ifindex, 0u);
  }
  // A control buffer too small for the record: MSG_CTRUNC.
  WSAOVERLAPPED ov2 = {};
  msg.Control = {8, control};
  msg.namelen = sizeof(from);
  ASSERT_EQ(send_msg(a, &out, 0, &sent, nullptr, nullptr), 0);
  const int r2 = recv_msg(r, &msg, &n, &ov2, nullptr);
  if (r2 != 0) {
    ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  }
  EXPECT_EQ(Wait(r, &ov2, &error), 14u) << error;
  EXPECT_EQ(msg.dwFlags & WS_MSG_CTRUNC, static_cast<ULONG>(WS_MSG_CTRUNC));
  WSACloseEvent(event);
  Close(a);
  Close(r);
}

struct MsgRoutineLog {
  int calls = 0;
  DWORD error = 0, bytes = 0;
} g_msg_routine;

void CALLBACK MsgRoutine(DWORD error, DWORD bytes, LPWSAOVERLAPPED, DWORD) {
  ++g_msg_routine.calls;
  g_msg_routine.error = error;
  g_msg_routine.bytes = bytes;
}

TEST_P(Extensions, WSARecvMsgRoutineRunsOnTheCallingThread) {
  auto recv_msg = Extension<LPFN_WSARECVMSG>(WSAID_WSARECVMSG);
  SOCKET a = Socket(family(), WS_SOCK_DGRAM);
  SOCKET r = Socket(family(), WS_SOCK_DGRAM);
  WS_sockaddr_in6 address;
  const int size = BindLoopback(family(), r, &address);
  int error = 0;
  char data[16];
  WSABUF rb = {sizeof(data), data};
  WSAMSG msg = {};
  msg.lpBuffers = &rb;
  msg.dwBufferCount = 1;
  WSAOVERLAPPED ov = {};
  DWORD n = 0;
  g_msg_routine = {};
  ASSERT_EQ(recv_msg(r, &msg, &n, &ov, MsgRoutine), SOCKET_ERROR);
  ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  WSABUF sb = {5, const_cast<char *>("apc!!")};
  DWORD sent;
  ASSERT_EQ(procs_.lpWSPSendTo(a, &sb, 1, &sent, 0, reinterpret_cast<WS_sockaddr *>(&address),
                               size, nullptr, nullptr, nullptr, &error),
            0);
  while (g_msg_routine.calls == 0) ASSERT_EQ(ws2emu_SleepEx(kGuard, TRUE), WAIT_IO_COMPLETION);
  EXPECT_EQ(g_msg_routine.calls, 1);
  EXPECT_EQ(g_msg_routine.error, 0u);
  EXPECT_EQ(g_msg_routine.bytes, 5u);
  EXPECT_EQ(std::string(data, 5), "apc!!");
  Close(a);
  Close(r);
}

}  // namespace
