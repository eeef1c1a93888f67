// tests/base_provider/fixture.h — the base provider started the way ws2_32 starts it (its
// WSPStartup with the runtime's upcall table and a catalog entry as Windows ships it), and
// loopback helpers for the suites of tests/base_provider.
#ifndef WS2EMU_TESTS_BASE_PROVIDER_FIXTURE_H_
#define WS2EMU_TESTS_BASE_PROVIDER_FIXTURE_H_

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "base_provider/base_provider.h"
#include "catalog/default_entries.h"
#include "ws2emu/ws2emu.h"
#include "ws2emu/ws2spi.h"

namespace bp_test {

// The entry MSAFD has in a fresh catalog for (family, type): "MSAFD Tcpip [TCP/IP]" and the
// rest (lib/catalog's default entries, IDs 1001-1004).
inline WSAPROTOCOL_INFOW Entry(int family, int type) {
  for (const ws2emu::catalog::Entry &e : ws2emu::catalog::DefaultBaseEntries(1001)) {
    if (e.info.iAddressFamily == family && e.info.iSocketType == type) return e.info;
  }
  ADD_FAILURE() << "no default entry for family " << family << " type " << type;
  return {};
}

// A loopback address of `family` with port `port` (host order), and its Windows length.
inline int Loopback(int family, uint16_t port, WS_sockaddr_in6 *storage) {
  std::memset(storage, 0, sizeof(*storage));
  if (family == WS_AF_INET) {
    auto *in = reinterpret_cast<WS_sockaddr_in *>(storage);
    in->sin_family = WS_AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.S_un.S_addr = htonl(WS_INADDR_LOOPBACK);
    return sizeof(WS_sockaddr_in);
  }
  storage->sin6_family = WS_AF_INET6;
  storage->sin6_port = htons(port);
  storage->sin6_addr.u.Byte[15] = 1;
  return sizeof(WS_sockaddr_in6);
}

// An address of `family` on no machine here (the documentation prefixes, RFC 5737 and RFC
// 3849: 192.0.2.1, 2001:db8::1), port `port` (host order); its Windows length.
inline int UnreachableAddress(int family, uint16_t port, WS_sockaddr_in6 *address) {
  const int length = Loopback(family, port, address);
  if (family == WS_AF_INET) {
    reinterpret_cast<WS_sockaddr_in *>(address)->sin_addr.S_un.S_addr = inet_addr("192.0.2.1");
  } else {
    inet_pton(AF_INET6, "2001:db8::1", &address->sin6_addr);
  }
  return length;
}

// A loopback address of `family` where nothing listens: a port a Linux socket was bound to,
// never listening, then closed (a SYN there is refused). *length gets its Windows length.
inline void DeadAddress(int family, WS_sockaddr_in6 *address, int *length) {
  const int fd = socket(family == WS_AF_INET ? AF_INET : AF_INET6, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  *length = Loopback(family, 0, address);
  sockaddr_storage local = {};
  socklen_t size;
  if (family == WS_AF_INET) {
    auto *in = reinterpret_cast<sockaddr_in *>(&local);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    size = sizeof(*in);
  } else {
    auto *in6 = reinterpret_cast<sockaddr_in6 *>(&local);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    size = sizeof(*in6);
  }
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr *>(&local), size), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr *>(&local), &size), 0);
  address->sin6_port = reinterpret_cast<sockaddr_in *>(&local)->sin_port;  // same offset
  close(fd);
}

// One GetQueuedCompletionStatus on `port` and what it gave (`error`: GetLastError when it
// returned FALSE).
struct Got {
  BOOL ok = FALSE;
  DWORD bytes = 0, error = 0;
  ULONG_PTR key = 0;
  LPOVERLAPPED overlapped = nullptr;
};
inline Got GetOne(HANDLE port, DWORD timeout) {
  Got g;
  g.ok = ws2emu_GetQueuedCompletionStatus(port, &g.bytes, &g.key, &g.overlapped, timeout);
  if (!g.ok) g.error = ws2emu_GetLastError();
  return g;
}

class BaseProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WSAPROTOCOL_INFOW tcp = Entry(WS_AF_INET, WS_SOCK_STREAM);
    ASSERT_EQ(ws2emu::base_provider::WSPStartup(0x0202, &data_, &tcp, *ws2emu_upcall_table(),
                                                &procs_),
              0);
  }
  void TearDown() override {
    int error = 0;
    EXPECT_EQ(procs_.lpWSPCleanup(&error), 0) << error;
  }

  // A new socket of the entry for (family, type); fails the test on error.
  SOCKET Socket(int family, int type, DWORD flags = WSA_FLAG_OVERLAPPED) {
    WSAPROTOCOL_INFOW info = Entry(family, type);
    int error = 0;
    SOCKET s = procs_.lpWSPSocket(family, type, 0, &info, 0, flags, &error);
    EXPECT_NE(s, INVALID_SOCKET) << "WSPSocket: " << error;
    return s;
  }
  void Close(SOCKET s) {
    int error = 0;
    EXPECT_EQ(procs_.lpWSPCloseSocket(s, &error), 0) << error;
  }

  // A TCP socket of `family` listening on loopback, port chosen by the kernel; its address in
  // *address (Windows layout) and the port in host order as the result.
  uint16_t Listen(int family, SOCKET *listener, WS_sockaddr_in6 *address, int *length) {
    *listener = Socket(family, WS_SOCK_STREAM);
    *length = Loopback(family, 0, address);
    int error = 0;
    EXPECT_EQ(procs_.lpWSPBind(*listener, reinterpret_cast<WS_sockaddr *>(address), *length,
                               &error),
              0)
        << error;
    EXPECT_EQ(procs_.lpWSPListen(*listener, 16, &error), 0) << error;
    int size = sizeof(*address);
    EXPECT_EQ(procs_.lpWSPGetSockName(*listener, reinterpret_cast<WS_sockaddr *>(address), &size,
                                      &error),
              0)
        << error;
    *length = size;
    return ntohs(address->sin6_port);  // sin_port and sin6_port are at the same offset
  }

  // Binds `s` (of `family`) to loopback, the port chosen by the kernel; the address it got in
  // *bound (if not null, from WSPGetSockName), and that address's length as the result.
  int BindLoopback(int family, SOCKET s, WS_sockaddr_in6 *bound = nullptr) {
    WS_sockaddr_in6 any;
    int length = Loopback(family, 0, &any);
    int error = 0;
    EXPECT_EQ(procs_.lpWSPBind(s, reinterpret_cast<WS_sockaddr *>(&any), length, &error), 0)
        << "WSPBind: " << error;
    if (bound != nullptr) {
      length = sizeof(*bound);
      EXPECT_EQ(procs_.lpWSPGetSockName(s, reinterpret_cast<WS_sockaddr *>(bound), &length,
                                        &error),
                0)
          << "WSPGetSockName: " << error;
    }
    return length;
  }
  // WSPConnect of `s` to `address`: 0, or the error (WSAEWOULDBLOCK when `s` is non-blocking
  // and the connect is under way).
  int Connect(SOCKET s, const WS_sockaddr_in6 &address, int length) {
    int error = 0;
    return procs_.lpWSPConnect(s, reinterpret_cast<const WS_sockaddr *>(&address), length,
                               nullptr, nullptr, nullptr, nullptr, &error) == 0
               ? 0
               : error;
  }
  // A new TCP socket of `family` connected (blocking) to the listener at `address`: queued on
  // the listener when this returns.
  SOCKET ConnectedTo(int family, const WS_sockaddr_in6 &address, int length) {
    SOCKET s = Socket(family, WS_SOCK_STREAM);
    EXPECT_EQ(Connect(s, address, length), 0);
    return s;
  }
  // WSPAccept of the next connection of `listener`, without a condition function.
  SOCKET AcceptOne(SOCKET listener) {
    int error = 0;
    SOCKET s = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
    EXPECT_NE(s, INVALID_SOCKET) << "WSPAccept: " << error;
    return s;
  }

  // A connected TCP pair over loopback of `family` (blocking connect and accept).
  void Pair(int family, SOCKET *client, SOCKET *server, DWORD flags = WSA_FLAG_OVERLAPPED) {
    SOCKET listener;
    WS_sockaddr_in6 address;
    int length;
    Listen(family, &listener, &address, &length);
    *client = Socket(family, WS_SOCK_STREAM, flags);
    int error = 0;
    ASSERT_EQ(procs_.lpWSPConnect(*client, reinterpret_cast<WS_sockaddr *>(&address), length,
                                  nullptr, nullptr, nullptr, nullptr, &error),
              0)
        << error;
    *server = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
    ASSERT_NE(*server, INVALID_SOCKET) << error;
    Close(listener);
  }

  // FIONBIO through WSPIoctl.
  void SetNonBlocking(SOCKET s) {
    WS_u_long on = 1;
    DWORD returned = 0;
    int error = 0;
    ASSERT_EQ(procs_.lpWSPIoctl(s, WS_FIONBIO, &on, sizeof(on), nullptr, 0, &returned, nullptr,
                                nullptr, nullptr, &error),
              0)
        << error;
  }

  // Blocking send of all of `data` (the data path of data_calls.cc).
  void SendAll(SOCKET s, const std::string &data) {
    size_t done = 0;
    while (done < data.size()) {
      WSABUF b = {static_cast<ULONG>(data.size() - done), const_cast<char *>(data.data() + done)};
      DWORD sent = 0;
      int error = 0;
      ASSERT_EQ(procs_.lpWSPSend(s, &b, 1, &sent, 0, nullptr, nullptr, nullptr, &error), 0)
          << error;
      done += sent;
    }
  }

  // Blocking receive of exactly `n` bytes (fewer if the connection closes first).
  std::string ReceiveExactly(SOCKET s, size_t n) {
    std::string out(n, '\0');
    size_t done = 0;
    while (done < n) {
      WSABUF b = {static_cast<ULONG>(n - done), out.data() + done};
      DWORD got = 0, flags = 0;
      int error = 0;
      EXPECT_EQ(procs_.lpWSPRecv(s, &b, 1, &got, &flags, nullptr, nullptr, nullptr, &error), 0)
          << error;
      if (got == 0) break;
      done += got;
    }
    out.resize(done);
    return out;
  }

  WSPDATA data_;
  WSPPROC_TABLE procs_;
};

}  // namespace bp_test

#endif  // WS2EMU_TESTS_BASE_PROVIDER_FIXTURE_H_
