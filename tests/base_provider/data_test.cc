// The base provider's data calls through the proc table (WSPSend, WSPSendTo, WSPRecv,
// WSPRecvFrom, WSPSendDisconnect, WSPRecvDisconnect): blocking and non-blocking, buffer arrays,
// MSG_PEEK / MSG_OOB / MSG_WAITALL / MSG_PARTIAL, datagram truncation, timeouts and every
// documented error, over loopback IPv4 and IPv6.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "fixture.h"

namespace {

using bp_test::BaseProviderTest;
using bp_test::Loopback;

class DataTest : public BaseProviderTest, public ::testing::WithParamInterface<int> {
 protected:
  int family() const { return GetParam(); }

  // Blocking send of `text` on `s`; the count sent is returned.
  DWORD Send(SOCKET s, const std::string &text, DWORD flags = 0) {
    WSABUF buffer = {static_cast<ULONG>(text.size()), const_cast<char *>(text.data())};
    DWORD sent = 0;
    int error = 0;
    EXPECT_EQ(procs_.lpWSPSend(s, &buffer, 1, &sent, flags, nullptr, nullptr, nullptr, &error), 0)
        << error;
    return sent;
  }
  // One receive of up to `size` bytes; SOCKET_ERROR's error in *error.
  std::string Recv(SOCKET s, size_t size, DWORD flags = 0, int *error_out = nullptr) {
    std::string data(size, '\0');
    WSABUF buffer = {static_cast<ULONG>(size), data.data()};
    DWORD received = 0;
    int error = 0;
    const int r = procs_.lpWSPRecv(s, &buffer, 1, &received, &flags, nullptr, nullptr, nullptr,
                                   &error);
    if (error_out != nullptr) *error_out = r == 0 ? 0 : error;
    else EXPECT_EQ(r, 0) << error;
    data.resize(r == 0 ? received : 0);
    return data;
  }
  void SetTimeout(SOCKET s, int option, DWORD ms) {
    int error = 0;
    ASSERT_EQ(procs_.lpWSPSetSockOpt(s, WS_SOL_SOCKET, option, reinterpret_cast<char *>(&ms),
                                     sizeof(ms), &error),
              0)
        << error;
  }
  // A UDP socket bound to loopback on a kernel port; its address in *address.
  SOCKET BoundUdp(WS_sockaddr_in6 *address, int *length) {
    SOCKET s = Socket(family(), WS_SOCK_DGRAM);
    *length = BindLoopback(family(), s, address);
    return s;
  }
  int SendTo(SOCKET s, const std::string &text, const WS_sockaddr_in6 &to, int to_length,
             DWORD *sent) {
    WSABUF buffer = {static_cast<ULONG>(text.size()), const_cast<char *>(text.data())};
    int error = 0;
    const int r = procs_.lpWSPSendTo(s, &buffer, 1, sent, 0,
                                     reinterpret_cast<const WS_sockaddr *>(&to), to_length,
                                     nullptr, nullptr, nullptr, &error);
    return r == 0 ? 0 : error;
  }
};

TEST_P(DataTest, BlockingSendAndRecvCarryBytesBothWays) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  EXPECT_EQ(Send(client, "hello"), 5u);
  EXPECT_EQ(Recv(server, 64), "hello");
  EXPECT_EQ(Send(server, "world!"), 6u);
  EXPECT_EQ(Recv(client, 64), "world!");
  Close(client);
  Close(server);
}

TEST_P(DataTest, BufferArraysGatherAndScatter) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  // More buffers than the inline iovec array holds, and an empty one among them.
  char parts[12][2];
  std::vector<WSABUF> out;
  std::string expected;
  for (int i = 0; i < 12; ++i) {
    parts[i][0] = static_cast<char>('a' + i);
    parts[i][1] = static_cast<char>('A' + i);
    out.push_back({i == 5 ? 0u : 2u, parts[i]});
    if (i != 5) expected.append(parts[i], 2);
  }
  DWORD sent = 0;
  int error = 0;
  ASSERT_EQ(procs_.lpWSPSend(client, out.data(), static_cast<DWORD>(out.size()), &sent, 0,
                             nullptr, nullptr, nullptr, &error),
            0)
      << error;
  EXPECT_EQ(sent, expected.size());
  char a[3], b[100];
  WSABUF in[2] = {{3, a}, {100, b}};
  std::string got;
  while (got.size() < expected.size()) {
    DWORD received = 0, flags = 0;
    ASSERT_EQ(procs_.lpWSPRecv(server, in, 2, &received, &flags, nullptr, nullptr, nullptr,
                               &error),
              0)
        << error;
    ASSERT_GT(received, 0u);
    got.append(a, received < 3 ? received : 3);
    if (received > 3) got.append(b, received - 3);
  }
  EXPECT_EQ(got, expected);
  Close(client);
  Close(server);
}

TEST_P(DataTest, ZeroBuffersSendAndReceiveNothing) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  DWORD sent = 99;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPSend(client, nullptr, 0, &sent, 0, nullptr, nullptr, nullptr, &error), 0)
      << error;
  EXPECT_EQ(sent, 0u);
  Close(client);
  Close(server);
}

TEST_P(DataTest, NullBufferArrayWithACountIsWsaefault) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  DWORD count = 0, flags = 0;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPSend(client, nullptr, 1, &count, 0, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  error = 0;
  EXPECT_EQ(procs_.lpWSPRecv(server, nullptr, 2, &count, &flags, nullptr, nullptr, nullptr,
                             &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  // A null lpFlags on a receive, and a null count on a synchronous call, are WSAEFAULT too.
  char byte;
  WSABUF buffer = {1, &byte};
  error = 0;
  EXPECT_EQ(procs_.lpWSPRecv(server, &buffer, 1, &count, nullptr, nullptr, nullptr, nullptr,
                             &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  error = 0;
  EXPECT_EQ(procs_.lpWSPSend(client, &buffer, 1, nullptr, 0, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  Close(client);
  Close(server);
}

TEST_P(DataTest, AnInvalidHandleIsWsaenotsock) {
  char byte = 0;
  WSABUF buffer = {1, &byte};
  DWORD count = 0, flags = 0;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPSend(0x1234, &buffer, 1, &count, 0, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
  error = 0;
  EXPECT_EQ(procs_.lpWSPRecv(0x1234, &buffer, 1, &count, &flags, nullptr, nullptr, nullptr,
                             &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTSOCK);
}

TEST_P(DataTest, PeekLeavesTheDataQueued) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  Send(client, "peek");
  EXPECT_EQ(Recv(server, 64, WS_MSG_PEEK), "peek");
  EXPECT_EQ(Recv(server, 64), "peek");
  Close(client);
  Close(server);
}

TEST_P(DataTest, WaitAllFillsTheWholeBuffer) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  std::thread sender([&] {
    for (const char *part : {"ab", "cd", "ef"}) {
      Send(client, part);
      std::this_thread::yield();
    }
  });
  EXPECT_EQ(Recv(server, 6, WS_MSG_WAITALL), "abcdef");
  sender.join();
  Close(client);
  Close(server);
}

TEST_P(DataTest, WaitAllIsRefusedWhereWindowsRefusesIt) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  int error = 0;
  Recv(server, 4, WS_MSG_WAITALL | WS_MSG_PEEK, &error);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  Recv(server, 4, WS_MSG_WAITALL | WS_MSG_OOB, &error);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  SetNonBlocking(server);
  Recv(server, 4, WS_MSG_WAITALL, &error);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  Close(client);
  Close(server);
}

TEST_P(DataTest, UnknownFlagsAreWsaeinval) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  int error = 0;
  Recv(server, 4, 0x40000, &error);
  EXPECT_EQ(error, WSAEINVAL);
  char byte = 'x';
  WSABUF buffer = {1, &byte};
  DWORD sent = 0;
  EXPECT_EQ(procs_.lpWSPSend(client, &buffer, 1, &sent, WS_MSG_PEEK, nullptr, nullptr, nullptr,
                             &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
  Close(client);
  Close(server);
}

TEST_P(DataTest, OutOfBandDataIsReceivedWithMsgOob) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  Send(client, "ab");
  Send(client, "!", WS_MSG_OOB);
  // The urgent byte is read apart; the normal bytes stay in order.
  EXPECT_EQ(Recv(server, 1, WS_MSG_OOB), "!");
  EXPECT_EQ(Recv(server, 64), "ab");
  // No urgent data now: a non-blocking MSG_OOB receive would block.
  SetNonBlocking(server);
  int error = 0;
  Recv(server, 1, WS_MSG_OOB, &error);
  EXPECT_EQ(error, WSAEWOULDBLOCK);
  Close(client);
  Close(server);
}

TEST_P(DataTest, MsgOobWithOobInlineIsWsaeinval) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  BOOL on = TRUE;
  int error = 0;
  ASSERT_EQ(procs_.lpWSPSetSockOpt(server, WS_SOL_SOCKET, WS_SO_OOBINLINE,
                                   reinterpret_cast<char *>(&on), sizeof(on), &error),
            0)
      << error;
  Recv(server, 1, WS_MSG_OOB, &error);
  EXPECT_EQ(error, WSAEINVAL);
  // The urgent byte arrives in the normal stream.
  Send(client, "!", WS_MSG_OOB);
  EXPECT_EQ(Recv(server, 8), "!");
  Close(client);
  Close(server);
}

TEST_P(DataTest, NonBlockingRecvWithNothingQueuedIsWsaewouldblock) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  SetNonBlocking(server);
  int error = 0;
  Recv(server, 8, 0, &error);
  EXPECT_EQ(error, WSAEWOULDBLOCK);
  Close(client);
  Close(server);
}

TEST_P(DataTest, NonBlockingSendStopsWithWsaewouldblockWhenTheQueueIsFull) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  SetNonBlocking(client);
  std::vector<char> chunk(64 * 1024, 'x');
  WSABUF buffer = {static_cast<ULONG>(chunk.size()), chunk.data()};
  uint64_t total = 0;
  int error = 0;
  for (int i = 0; i < 100000; ++i) {
    DWORD sent = 0;
    if (procs_.lpWSPSend(client, &buffer, 1, &sent, 0, nullptr, nullptr, nullptr, &error) != 0) {
      break;
    }
    total += sent;
  }
  EXPECT_EQ(error, WSAEWOULDBLOCK);
  EXPECT_GT(total, 0u);
  Close(client);
  Close(server);
}

TEST_P(DataTest, ZeroBytesMeansTheConnectionClosedGracefully) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  Send(client, "last");
  Close(client);
  EXPECT_EQ(Recv(server, 64), "last");
  int error = -1;
  EXPECT_EQ(Recv(server, 64, 0, &error), "");
  EXPECT_EQ(error, 0);
  Close(server);
}

TEST_P(DataTest, AbortiveCloseResetsThePeersRecv) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  WS_linger linger = {1, 0};
  int error = 0;
  ASSERT_EQ(procs_.lpWSPSetSockOpt(client, WS_SOL_SOCKET, WS_SO_LINGER,
                                   reinterpret_cast<char *>(&linger), sizeof(linger), &error),
            0)
      << error;
  Close(client);
  Recv(server, 64, 0, &error);
  EXPECT_EQ(error, WSAECONNRESET);
  Close(server);
}

TEST_P(DataTest, AfterShutdownSendAndRecvAreWsaeshutdown) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  int error = 0;
  ASSERT_EQ(procs_.lpWSPShutdown(client, SD_SEND, &error), 0) << error;
  char byte = 'x';
  WSABUF buffer = {1, &byte};
  DWORD count = 0;
  EXPECT_EQ(procs_.lpWSPSend(client, &buffer, 1, &count, 0, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAESHUTDOWN);
  // The peer sees the end of the stream.
  EXPECT_EQ(Recv(server, 8), "");
  ASSERT_EQ(procs_.lpWSPShutdown(server, SD_RECEIVE, &error), 0) << error;
  Recv(server, 8, 0, &error);
  EXPECT_EQ(error, WSAESHUTDOWN);
  Close(client);
  Close(server);
}

TEST_P(DataTest, UnconnectedStreamIsWsaenotconn) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  char byte = 'x';
  WSABUF buffer = {1, &byte};
  DWORD count = 0, flags = 0;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPSend(s, &buffer, 1, &count, 0, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  EXPECT_EQ(procs_.lpWSPRecv(s, &buffer, 1, &count, &flags, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  Close(s);
}

TEST_P(DataTest, RecvTimesOutWithSoRcvtimeo) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  SetTimeout(server, WS_SO_RCVTIMEO, 50);
  int error = 0;
  Recv(server, 8, 0, &error);
  EXPECT_EQ(error, WSAETIMEDOUT);
  Close(client);
  Close(server);
}

TEST_P(DataTest, BlockingSendTimesOutWithSoSndtimeoWhenThePeerDoesNotRead) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  SetTimeout(client, WS_SO_SNDTIMEO, 50);
  std::vector<char> chunk(1 << 20, 'x');
  WSABUF buffer = {static_cast<ULONG>(chunk.size()), chunk.data()};
  int error = 0;
  int result = 0;
  for (int i = 0; i < 1000 && result == 0; ++i) {
    DWORD sent = 0;
    result = procs_.lpWSPSend(client, &buffer, 1, &sent, 0, nullptr, nullptr, nullptr, &error);
  }
  EXPECT_EQ(result, SOCKET_ERROR);
  EXPECT_EQ(error, WSAETIMEDOUT);
  Close(client);
  Close(server);
}

TEST_P(DataTest, LargeBlockingSendIsQueuedWhole) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  const size_t size = 8 << 20;
  std::vector<char> data(size);
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>(i * 7);
  std::atomic<uint64_t> received{0};
  bool same = true;
  std::thread reader([&] {
    std::vector<char> buffer(65536);
    while (received < size) {
      WSABUF in = {static_cast<ULONG>(buffer.size()), buffer.data()};
      DWORD n = 0, flags = 0;
      int error = 0;
      if (procs_.lpWSPRecv(server, &in, 1, &n, &flags, nullptr, nullptr, nullptr, &error) != 0 ||
          n == 0) {
        break;
      }
      for (DWORD i = 0; i < n; ++i) same = same && buffer[i] == data[received + i];
      received += n;
    }
  });
  WSABUF out = {static_cast<ULONG>(size), data.data()};
  DWORD sent = 0;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPSend(client, &out, 1, &sent, 0, nullptr, nullptr, nullptr, &error), 0)
      << error;
  EXPECT_EQ(sent, size);
  reader.join();
  EXPECT_EQ(received.load(), size);
  EXPECT_TRUE(same);
  Close(client);
  Close(server);
}

TEST_P(DataTest, UdpSendToAndRecvFromReportTheSource) {
  WS_sockaddr_in6 a_address, b_address;
  int a_length, b_length;
  SOCKET a = BoundUdp(&a_address, &a_length);
  SOCKET b = BoundUdp(&b_address, &b_length);
  DWORD sent = 0;
  EXPECT_EQ(SendTo(a, "datagram", b_address, b_length, &sent), 0);
  EXPECT_EQ(sent, 8u);
  char data[64];
  WSABUF buffer = {sizeof(data), data};
  WS_sockaddr_in6 from;
  int from_length = sizeof(from);
  DWORD received = 0, flags = 0;
  int error = 0;
  ASSERT_EQ(procs_.lpWSPRecvFrom(b, &buffer, 1, &received, &flags,
                                 reinterpret_cast<WS_sockaddr *>(&from), &from_length, nullptr,
                                 nullptr, nullptr, &error),
            0)
      << error;
  EXPECT_EQ(std::string(data, received), "datagram");
  EXPECT_EQ(from_length, a_length);
  EXPECT_EQ(std::memcmp(&from, &a_address, a_length), 0);
  Close(a);
  Close(b);
}

TEST_P(DataTest, UdpRecvFromWithAShortFromlenIsWsaefault) {
  WS_sockaddr_in6 address;
  int length;
  SOCKET s = BoundUdp(&address, &length);
  DWORD sent = 0;
  ASSERT_EQ(SendTo(s, "x", address, length, &sent), 0);
  char data[8];
  WSABUF buffer = {sizeof(data), data};
  WS_sockaddr_in6 from;
  int from_length = length - 1;
  DWORD received = 0, flags = 0;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPRecvFrom(s, &buffer, 1, &received, &flags,
                                 reinterpret_cast<WS_sockaddr *>(&from), &from_length, nullptr,
                                 nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEFAULT);
  // Nothing was consumed: the datagram is still there.
  from_length = sizeof(from);
  EXPECT_EQ(procs_.lpWSPRecvFrom(s, &buffer, 1, &received, &flags,
                                 reinterpret_cast<WS_sockaddr *>(&from), &from_length, nullptr,
                                 nullptr, nullptr, &error),
            0)
      << error;
  EXPECT_EQ(received, 1u);
  Close(s);
}

TEST_P(DataTest, TruncatedDatagramIsWsaemsgsizeWithTheFirstBytes) {
  WS_sockaddr_in6 address;
  int length;
  SOCKET s = BoundUdp(&address, &length);
  DWORD sent = 0;
  ASSERT_EQ(SendTo(s, "0123456789", address, length, &sent), 0);
  char data[4];
  WSABUF buffer = {sizeof(data), data};
  DWORD received = 0, flags = 0;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPRecv(s, &buffer, 1, &received, &flags, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEMSGSIZE);
  EXPECT_EQ(received, 4u);
  EXPECT_EQ(flags, static_cast<DWORD>(WS_MSG_PARTIAL));
  EXPECT_EQ(std::string(data, 4), "0123");
  // The rest of the datagram is gone.
  SetNonBlocking(s);
  EXPECT_EQ(procs_.lpWSPRecv(s, &buffer, 1, &received, &flags, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEWOULDBLOCK);
  Close(s);
}

TEST_P(DataTest, UdpWithoutADestinationIsRefused) {
  SOCKET s = Socket(family(), WS_SOCK_DGRAM);
  char byte = 'x';
  WSABUF buffer = {1, &byte};
  DWORD count = 0;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPSend(s, &buffer, 1, &count, 0, nullptr, nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  EXPECT_EQ(procs_.lpWSPSendTo(s, &buffer, 1, &count, 0, nullptr, 0, nullptr, nullptr, nullptr,
                               &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEDESTADDRREQ);
  // The any address or port 0 is no destination (WSAEADDRNOTAVAIL).
  WS_sockaddr_in6 to;
  int to_length = Loopback(family(), 0, &to);
  EXPECT_EQ(SendTo(s, "x", to, to_length, &count), WSAEADDRNOTAVAIL);
  // An address too short, or of the other family.
  EXPECT_EQ(SendTo(s, "x", to, 8, &count), WSAEFAULT);
  WS_sockaddr_in6 other;
  const int other_length =
      Loopback(family() == WS_AF_INET ? WS_AF_INET6 : WS_AF_INET, 9, &other);
  EXPECT_EQ(SendTo(s, "x", other, other_length, &count), WSAEAFNOSUPPORT);
  Close(s);
}

TEST_P(DataTest, UdpRecvOnANeverBoundSocketIsWsaeinval) {
  SOCKET s = Socket(family(), WS_SOCK_DGRAM);
  int error = 0;
  Recv(s, 8, 0, &error);
  EXPECT_EQ(error, WSAEINVAL);
  Close(s);
}

TEST_P(DataTest, UdpMsgOobIsWsaeopnotsuppAndMsgPartialSendToo) {
  WS_sockaddr_in6 address;
  int length;
  SOCKET s = BoundUdp(&address, &length);
  int error = 0;
  Recv(s, 8, WS_MSG_OOB, &error);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  char byte = 'x';
  WSABUF buffer = {1, &byte};
  DWORD count = 0;
  EXPECT_EQ(procs_.lpWSPSendTo(s, &buffer, 1, &count, WS_MSG_PARTIAL,
                               reinterpret_cast<WS_sockaddr *>(&address), length, nullptr,
                               nullptr, nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  Close(s);
}

TEST_P(DataTest, TcpRefusesMsgPartialOnSendAndIgnoresLpToOnSendTo) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  // MSAFD's TCP entries lack XP1_PARTIAL_MESSAGE: WSAEOPNOTSUPP, as WSASend documents.
  char byte = 'p';
  WSABUF buffer = {1, &byte};
  DWORD count = 0;
  int error = 0;
  EXPECT_EQ(procs_.lpWSPSend(client, &buffer, 1, &count, WS_MSG_PARTIAL, nullptr, nullptr,
                             nullptr, &error),
            SOCKET_ERROR);
  EXPECT_EQ(error, WSAEOPNOTSUPP);
  WS_sockaddr_in6 elsewhere;
  const int length = Loopback(family(), 9, &elsewhere);
  DWORD sent = 0;
  EXPECT_EQ(SendTo(client, "q", elsewhere, length, &sent), 0);
  EXPECT_EQ(Recv(server, 8), "q");
  Close(client);
  Close(server);
}

TEST_P(DataTest, UdpPortUnreachableIsWsaeconnresetOnTheNextRecv) {
  // A connected UDP socket whose peer port is closed: Windows reports the ICMP port
  // unreachable of a send as WSAECONNRESET on a later receive (SIO_UDP_CONNRESET's default).
  WS_sockaddr_in6 gone;
  int gone_length;
  SOCKET closed = BoundUdp(&gone, &gone_length);
  Close(closed);
  WS_sockaddr_in6 address;
  int length;
  SOCKET s = BoundUdp(&address, &length);
  int error = 0;
  ASSERT_EQ(procs_.lpWSPConnect(s, reinterpret_cast<WS_sockaddr *>(&gone), gone_length, nullptr,
                                nullptr, nullptr, nullptr, &error),
            0)
      << error;
  EXPECT_EQ(Send(s, "x"), 1u);
  SetTimeout(s, WS_SO_RCVTIMEO, 5000);
  Recv(s, 8, 0, &error);
  EXPECT_EQ(error, WSAECONNRESET);
  Close(s);
}

TEST_P(DataTest, DisconnectDataIsNotSupportedAndDisconnectShutsTheConnection) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  char data[4] = "bye";
  WSABUF disconnect = {3, data};
  int error = 0;
  EXPECT_EQ(procs_.lpWSPSendDisconnect(client, &disconnect, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOPROTOOPT);
  EXPECT_EQ(procs_.lpWSPSendDisconnect(client, nullptr, &error), 0) << error;
  EXPECT_EQ(Recv(server, 8), "");  // the peer sees the end of the stream
  WSABUF inbound = {3, data};
  EXPECT_EQ(procs_.lpWSPRecvDisconnect(server, &inbound, &error), 0) << error;
  EXPECT_EQ(inbound.len, 0u);
  Recv(server, 8, 0, &error);
  EXPECT_EQ(error, WSAESHUTDOWN);
  SOCKET unconnected = Socket(family(), WS_SOCK_STREAM);
  EXPECT_EQ(procs_.lpWSPSendDisconnect(unconnected, nullptr, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  EXPECT_EQ(procs_.lpWSPRecvDisconnect(unconnected, nullptr, &error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAENOTCONN);
  Close(unconnected);
  Close(client);
  Close(server);
}

// ---- blocking calls ended from outside (blocking.h) ------------------------------------------

TEST_P(DataTest, ABlockingRecvEndsWithWsaeintrWhenAnotherThreadClosesTheSocket) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  std::atomic<int> result{-1};
  std::thread receiver([&] {
    int error = 0;
    Recv(server, 8, 0, &error);
    result = error;
  });
  usleep(30000);  // let it block (if it has not yet, the recv finds the socket closed)
  Close(server);
  receiver.join();
  EXPECT_TRUE(result == WSAEINTR || result == WSAENOTSOCK) << result;
  Close(client);
}

TEST_P(DataTest, ABlockingAcceptEndsWithWsaeintrWhenAnotherThreadClosesTheSocket) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  std::atomic<int> result{-1};
  std::thread acceptor([&] {
    int error = 0;
    SOCKET s = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
    result = s == INVALID_SOCKET ? error : 0;
  });
  usleep(30000);
  Close(listener);
  acceptor.join();
  EXPECT_TRUE(result == WSAEINTR || result == WSAENOTSOCK) << result;
}

int g_hook_runs = 0;
INT_PTR WINAPI CancellingHook() {
  ++g_hook_runs;
  EXPECT_EQ(WSACancelBlockingCall(), 0);
  return FALSE;
}

TEST_P(DataTest, TheBlockingHookCancelsABlockingRecvWithWsaeintr) {
  SOCKET client, server;
  ASSERT_NO_FATAL_FAILURE(Pair(family(), &client, &server));
  g_hook_runs = 0;
  ASSERT_EQ(WSASetBlockingHook(reinterpret_cast<FARPROC>(CancellingHook)), nullptr);
  int error = 0;
  Recv(server, 8, 0, &error);
  EXPECT_EQ(WSAUnhookBlockingHook(), 0);
  EXPECT_EQ(error, WSAEINTR);
  EXPECT_GE(g_hook_runs, 1);
  // The socket still works afterwards.
  Send(client, "after");
  EXPECT_EQ(Recv(server, 8), "after");
  Close(client);
  Close(server);
}

TEST_P(DataTest, CancelBlockingCallWithoutABlockingCallIsWsaeinval) {
  int error = 0;
  EXPECT_EQ(procs_.lpWSPCancelBlockingCall(&error), SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINVAL);
}

INSTANTIATE_TEST_SUITE_P(Families, DataTest, ::testing::Values(WS_AF_INET, WS_AF_INET6),
                         [](const auto &info) { return info.param == WS_AF_INET ? "V4" : "V6"; });

}  // namespace
