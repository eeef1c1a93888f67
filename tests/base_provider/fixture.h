// tests/base_provider/fixture.h — the base provider started the way ws2_32 starts it (its
// WSPStartup with the runtime's upcall table and a catalog entry as Windows ships it), and
// loopback helpers for the suites of tests/base_provider.
#ifndef WS2EMU_TESTS_BASE_PROVIDER_FIXTURE_H_
#define WS2EMU_TESTS_BASE_PROVIDER_FIXTURE_H_

#include <gtest/gtest.h>

#include <arpa/inet.h>

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
