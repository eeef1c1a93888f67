// The Winsock API as a native host uses it (libws2emu.so's public C API): start-up and clean-up,
// routing through the catalog, every call by SOCKET, over the built-in base provider on
// loopback with Linux sockets as the peers, each documented error a case.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/temp_dir.h"
#include "ws2emu/ws2emu.h"

namespace {

// Every test runs with a catalog of its own that does not exist yet: the four MSAFD entries,
// 1001 TCP/IP, 1002 UDP/IP, 1003 TCP/IPv6, 1004 UDP/IPv6.
class Winsock : public ::testing::Test {
 protected:
  void SetUp() override { setenv("WS2EMU_CATALOG", (dir_.path() + "/catalog").c_str(), 1); }
  void TearDown() override {
    while (WSACleanup() == 0) {
    }
    unsetenv("WS2EMU_CATALOG");
  }
  void Start() {
    WSADATA data;
    ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
  }
  ws2emu::testing::TempDir dir_{"winsock"};
};

int Loopback(int family, uint16_t port, WS_sockaddr_in6 *a) {
  std::memset(a, 0, sizeof(*a));
  if (family == WS_AF_INET) {
    auto *in = reinterpret_cast<WS_sockaddr_in *>(a);
    in->sin_family = WS_AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.S_un.S_addr = htonl(INADDR_LOOPBACK);
    return sizeof(WS_sockaddr_in);
  }
  a->sin6_family = WS_AF_INET6;
  a->sin6_port = htons(port);
  a->sin6_addr.u.Byte[15] = 1;
  return sizeof(WS_sockaddr_in6);
}

uint16_t PortOf(SOCKET s) {
  WS_sockaddr_in6 a{};
  int len = sizeof(a);
  EXPECT_EQ(ws2emu_getsockname(s, reinterpret_cast<WS_sockaddr *>(&a), &len), 0);
  return ntohs(a.sin6_port);  // the same offset in sockaddr_in and sockaddr_in6
}

DWORD CatalogIdOf(SOCKET s) {
  WSAPROTOCOL_INFOW info{};
  int len = sizeof(info);
  EXPECT_EQ(ws2emu_getsockopt(s, WS_SOL_SOCKET, WS_SO_PROTOCOL_INFOW,
                              reinterpret_cast<char *>(&info), &len),
            0)
      << WSAGetLastError();
  return info.dwCatalogEntryId;
}

// A listening Winsock socket on loopback, a connected client and the accepted server side.
struct Pair {
  SOCKET listener = INVALID_SOCKET, client = INVALID_SOCKET, server = INVALID_SOCKET;
  ~Pair() {
    for (SOCKET s : {listener, client, server}) {
      if (s != INVALID_SOCKET) ws2emu_closesocket(s);
    }
  }
};

void MakePair(int family, Pair *p) {
  p->listener = ws2emu_socket(family, WS_SOCK_STREAM, 0);
  ASSERT_NE(p->listener, INVALID_SOCKET) << WSAGetLastError();
  WS_sockaddr_in6 a;
  int len = Loopback(family, 0, &a);
  ASSERT_EQ(ws2emu_bind(p->listener, reinterpret_cast<WS_sockaddr *>(&a), len), 0);
  ASSERT_EQ(ws2emu_listen(p->listener, 4), 0);
  len = Loopback(family, PortOf(p->listener), &a);
  p->client = ws2emu_socket(family, WS_SOCK_STREAM, 0);
  ASSERT_NE(p->client, INVALID_SOCKET);
  ASSERT_EQ(ws2emu_connect(p->client, reinterpret_cast<WS_sockaddr *>(&a), len), 0)
      << WSAGetLastError();
  p->server = ws2emu_accept(p->listener, nullptr, nullptr);
  ASSERT_NE(p->server, INVALID_SOCKET) << WSAGetLastError();
}

// WSAStartup: the table of the documentation, WSAVERNOTSUPPORTED with the highest version.
TEST_F(Winsock, StartupNegotiatesTheVersion) {
  struct {
    WORD asked, got;
  } cases[] = {{MAKEWORD(1, 0), MAKEWORD(1, 0)}, {MAKEWORD(1, 1), MAKEWORD(1, 1)},
               {MAKEWORD(1, 5), MAKEWORD(1, 1)}, {MAKEWORD(2, 0), MAKEWORD(2, 0)},
               {MAKEWORD(2, 1), MAKEWORD(2, 1)}, {MAKEWORD(2, 2), MAKEWORD(2, 2)},
               {MAKEWORD(2, 9), MAKEWORD(2, 2)}, {MAKEWORD(3, 0), MAKEWORD(2, 2)}};
  for (const auto &c : cases) {
    WSADATA d;
    std::memset(&d, 0xcc, sizeof(d));
    ASSERT_EQ(WSAStartup(c.asked, &d), 0);
    EXPECT_EQ(d.wVersion, c.got) << std::hex << c.asked;
    EXPECT_EQ(d.wHighVersion, MAKEWORD(2, 2));
    EXPECT_STREQ(d.szDescription, "WinSock 2.0");
    EXPECT_STREQ(d.szSystemStatus, "Running");
    ASSERT_EQ(WSACleanup(), 0);
  }
  WSADATA d;
  EXPECT_EQ(WSAStartup(MAKEWORD(0, 9), &d), WSAVERNOTSUPPORTED);
  EXPECT_EQ(d.wHighVersion, MAKEWORD(2, 2));
  EXPECT_EQ(WSAStartup(MAKEWORD(2, 2), nullptr), WSAEFAULT);
  // Neither failure counted a user.
  EXPECT_EQ(WSACleanup(), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
}

// Before WSAStartup, and after the last WSACleanup, every call fails with WSANOTINITIALISED.
TEST_F(Winsock, EveryCallNeedsStartup) {
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  EXPECT_EQ(WSASocketW(WS_AF_INET, WS_SOCK_STREAM, 0, nullptr, 0, 0), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  char b[4];
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_send(1234, b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_closesocket(1234), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  WS_fd_set r;
  WS_FD_ZERO(&r);
  WS_FD_SET(1234, &r);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_select(0, &r, nullptr, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  WSAPOLLFD p = {1234, WS_POLLIN, 0};
  WSASetLastError(0);
  EXPECT_EQ(WSAPoll(&p, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  DWORD size = 0;
  WSASetLastError(0);
  EXPECT_EQ(WSAEnumProtocolsW(nullptr, nullptr, &size), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);

  Start();
  SOCKET s = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  ASSERT_NE(s, INVALID_SOCKET);
  ASSERT_EQ(WSACleanup(), 0);
  WSASetLastError(0);
  EXPECT_EQ(ws2emu_listen(s, 1), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
}

// The start-up count: two WSAStartups need two WSACleanups; the last one closes the sockets
// still open (a later start-up does not find them).
TEST_F(Winsock, LastCleanupClosesTheSockets) {
  Start();
  Start();
  SOCKET s = ws2emu_socket(WS_AF_INET, WS_SOCK_DGRAM, 0);
  ASSERT_NE(s, INVALID_SOCKET);
  ASSERT_EQ(WSACleanup(), 0);
  EXPECT_EQ(CatalogIdOf(s), 1002u);  // still started once: the socket lives
  ASSERT_EQ(WSACleanup(), 0);
  Start();
  char b = 0;
  EXPECT_EQ(ws2emu_send(s, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
}

// socket(): the first catalog entry that matches (family, type, protocol), protocol 0 through
// PFL_MATCHES_PROTOCOL_ZERO, and Windows' errors when none does.
TEST_F(Winsock, SocketChoosesTheEntry) {
  Start();
  struct {
    int af, type, protocol;
    DWORD entry;
  } ok[] = {{WS_AF_INET, WS_SOCK_STREAM, 0, 1001},
            {WS_AF_INET, WS_SOCK_STREAM, WS_IPPROTO_TCP, 1001},
            {WS_AF_INET, WS_SOCK_DGRAM, 0, 1002},
            {WS_AF_INET, WS_SOCK_DGRAM, WS_IPPROTO_UDP, 1002},
            {WS_AF_INET6, WS_SOCK_STREAM, 0, 1003},
            {WS_AF_INET6, WS_SOCK_DGRAM, 0, 1004},
            {WS_AF_INET, 0, WS_IPPROTO_UDP, 1002},
            {WS_AF_INET, 0, 0, 1001},
            {0, WS_SOCK_DGRAM, WS_IPPROTO_UDP, 1002},
            {0, 0, WS_IPPROTO_TCP, 1001}};
  for (const auto &c : ok) {
    SOCKET s = ws2emu_socket(c.af, c.type, c.protocol);
    ASSERT_NE(s, INVALID_SOCKET) << c.af << " " << c.type << " " << c.protocol << ": "
                                 << WSAGetLastError();
    EXPECT_EQ(CatalogIdOf(s), c.entry) << c.af << " " << c.type << " " << c.protocol;
    EXPECT_EQ(ws2emu_closesocket(s), 0);
  }
  struct {
    int af, type, protocol, error;
  } bad[] = {{0, 0, 0, WSAEINVAL},
             {0, WS_SOCK_STREAM, 0, WSAEINVAL},
             {99, WS_SOCK_STREAM, 0, WSAEAFNOSUPPORT},
             {WS_AF_INET, WS_SOCK_RAW, 0, WSAESOCKTNOSUPPORT},
             {WS_AF_INET, 99, 0, WSAESOCKTNOSUPPORT},
             {WS_AF_INET, WS_SOCK_DGRAM, WS_IPPROTO_TCP, WSAEPROTONOSUPPORT},
             {WS_AF_INET, WS_SOCK_STREAM, 200, WSAEPROTONOSUPPORT},
             {WS_AF_INET, FROM_PROTOCOL_INFO, 0, WSAEINVAL}};
  for (const auto &c : bad) {
    WSASetLastError(0);
    EXPECT_EQ(ws2emu_socket(c.af, c.type, c.protocol), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), c.error) << c.af << " " << c.type << " " << c.protocol;
  }
}

// Catalog order decides: with UDP/IP moved before TCP/IP, (AF_INET, 0, 0) is UDP.
TEST_F(Winsock, SocketFollowsCatalogOrder) {
  Start();
  DWORD order[] = {1002, 1001, 1003, 1004};
  ASSERT_EQ(WSCWriteProviderOrder(order, 4), 0);
  SOCKET s = ws2emu_socket(WS_AF_INET, 0, 0);
  ASSERT_NE(s, INVALID_SOCKET) << WSAGetLastError();
  EXPECT_EQ(CatalogIdOf(s), 1002u);
  ws2emu_closesocket(s);
}

// FROM_PROTOCOL_INFO: the entry the WSAPROTOCOL_INFO names, its fields where the arguments are
// FROM_PROTOCOL_INFO or 0; an entry ID the catalog lacks is WSAEINVAL.
TEST_F(Winsock, SocketFromProtocolInfo) {
  Start();
  std::vector<WSAPROTOCOL_INFOW> all(16);
  DWORD size = static_cast<DWORD>(all.size() * sizeof(all[0]));
  int n = WSAEnumProtocolsW(nullptr, all.data(), &size);
  ASSERT_EQ(n, 4);
  for (int i = 0; i < n; ++i) {
    SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &all[i], 0,
                          WSA_FLAG_OVERLAPPED);
    ASSERT_NE(s, INVALID_SOCKET) << WSAGetLastError();
    EXPECT_EQ(CatalogIdOf(s), all[i].dwCatalogEntryId);
    ws2emu_closesocket(s);
    s = WSASocketW(0, 0, 0, &all[i], 0, 0);
    ASSERT_NE(s, INVALID_SOCKET) << WSAGetLastError();
    EXPECT_EQ(CatalogIdOf(s), all[i].dwCatalogEntryId);
    ws2emu_closesocket(s);
  }
  WSAPROTOCOL_INFOW bogus = all[0];
  bogus.dwCatalogEntryId = 4242;
  EXPECT_EQ(WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &bogus, 0, 0),
            INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  // A family that is not the entry's.
  EXPECT_EQ(WSASocketW(WS_AF_INET6, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &all[0], 0, 0),
            INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  // The A form converts the name.
  WSAPROTOCOL_INFOA a{};
  std::memcpy(&a, &all[1], offsetof(WSAPROTOCOL_INFOA, szProtocol));
  std::strcpy(a.szProtocol, "MSAFD Tcpip [UDP/IP]");
  SOCKET s = WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &a, 0, 0);
  ASSERT_NE(s, INVALID_SOCKET) << WSAGetLastError();
  WSAPROTOCOL_INFOA back{};
  int len = sizeof(back);
  ASSERT_EQ(ws2emu_getsockopt(s, WS_SOL_SOCKET, WS_SO_PROTOCOL_INFOA,
                              reinterpret_cast<char *>(&back), &len),
            0);
  EXPECT_EQ(len, static_cast<int>(sizeof(back)));
  EXPECT_EQ(back.dwCatalogEntryId, all[1].dwCatalogEntryId);
  EXPECT_STREQ(back.szProtocol, "MSAFD Tcpip [UDP/IP]");
  len = sizeof(back) - 1;
  EXPECT_EQ(ws2emu_getsockopt(s, WS_SOL_SOCKET, WS_SO_PROTOCOL_INFOA,
                              reinterpret_cast<char *>(&back), &len),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(len, static_cast<int>(sizeof(back)));
  ws2emu_closesocket(s);
}

// An entry whose provider DLL does not exist: WSAEPROVIDERFAILEDINIT, and nothing is left
// half-started (the MSAFD entries still work).
TEST_F(Winsock, MissingProviderDll) {
  Start();
  WSAPROTOCOL_INFOW all[8];
  DWORD size = sizeof(all);
  ASSERT_EQ(WSAEnumProtocolsW(nullptr, all, &size), 4);
  WSAPROTOCOL_INFOW e = all[0];
  GUID g = {0x1234abcd, 0x1, 0x2, {3, 4, 5, 6, 7, 8, 9, 10}};
  e.ProviderId = g;
  e.dwProviderFlags = 0;  // not PFL_MATCHES_PROTOCOL_ZERO: socket(AF_INET, SOCK_STREAM, 0)
                          // still goes to MSAFD
  const std::u16string path = u"%SystemRoot%\\system32\\no_such_provider.dll";
  int err = 0;
  ASSERT_EQ(WSCInstallProvider(&g, reinterpret_cast<const WCHAR *>(path.c_str()), &e, 1, &err), 0)
      << err;
  size = sizeof(all);
  ASSERT_EQ(WSAEnumProtocolsW(nullptr, all, &size), 5);
  const WSAPROTOCOL_INFOW installed = all[4];
  EXPECT_EQ(WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                       const_cast<WSAPROTOCOL_INFOW *>(&installed), 0, 0),
            INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEPROVIDERFAILEDINIT);
  SOCKET s = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  ASSERT_NE(s, INVALID_SOCKET);
  EXPECT_EQ(CatalogIdOf(s), 1001u);
  ws2emu_closesocket(s);
  // With IPPROTO_TCP exactly, the catalog order puts MSAFD first too.
  ASSERT_EQ(WSCDeinstallProvider(&g, &err), 0) << err;
}

// A chain whose hidden layered entry was removed first (as Microsoft's sample installer removes
// LSPs; Windows does not refuse it): still listed [inference], chosen first by protocol matching
// as before, and it fails there and by FROM_PROTOCOL_INFO with WSAEPROVIDERFAILEDINIT (the
// provider manager's message naming the missing entry is tests/providers/manager_test.cc's).
// Once the chains are gone too (by their own GUIDs), sockets go to MSAFD again.
TEST_F(Winsock, BrokenChainFailsWhereItIsUsed) {
  Start();
  GUID lsp = {0x1234abce, 0x1, 0x2, {3, 4, 5, 6, 7, 8, 9, 10}};
  std::u16string path = u"%SystemRoot%\\system32\\no_such_lsp.dll", name = u"Gone LSP";
  int err = 0;
  DWORD layered = 0;
  ASSERT_EQ(WSCInstallProviderAndChains(&lsp, reinterpret_cast<WCHAR *>(path.data()),
                                        reinterpret_cast<WCHAR *>(name.data()), 0, nullptr, 0,
                                        &layered, &err),
            0)
      << err;
  ASSERT_EQ(WSCDeinstallProvider(&lsp, &err), 0) << err;
  WSAPROTOCOL_INFOW all[16];
  DWORD size = sizeof(all);
  ASSERT_EQ(WSAEnumProtocolsW(nullptr, all, &size), 8);  // the four chains and MSAFD's four
  const WSAPROTOCOL_INFOW chain = all[0];
  ASSERT_EQ(chain.ProtocolChain.ChainLen, 2);
  ASSERT_EQ(chain.ProtocolChain.ChainEntries[0], layered);
  ASSERT_EQ(chain.iSocketType, WS_SOCK_STREAM);
  EXPECT_EQ(ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, WS_IPPROTO_TCP), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEPROVIDERFAILEDINIT);
  EXPECT_EQ(WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                       const_cast<WSAPROTOCOL_INFOW *>(&chain), 0, 0),
            INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEPROVIDERFAILEDINIT);
  for (int i = 0; i < 4; ++i) {
    GUID g = all[i].ProviderId;
    ASSERT_EQ(WSCDeinstallProvider(&g, &err), 0) << err;
  }
  SOCKET s = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, WS_IPPROTO_TCP);
  ASSERT_NE(s, INVALID_SOCKET);
  EXPECT_EQ(CatalogIdOf(s), 1001u);
  ws2emu_closesocket(s);
}

// A provider whose WSPCleanup fails (Microsoft's non-IFS sample LSP returns SOCKET_ERROR from one
// that did its work) is still released, and WSACleanup succeeds: its documented errors say
// nothing of the providers'.
TEST_F(Winsock, ProviderCleanupFailureDoesNotFailWSACleanup) {
  const char *path = std::getenv("WS2EMU_MODE_PROVIDER");
  ASSERT_NE(path, nullptr) << "run through meson test";
  setenv("WS2EMU_TEST_PROVIDER_MODE", "cleanupfail", 1);
  Start();
  WSAPROTOCOL_INFOW all[16];
  DWORD size = sizeof(all);
  ASSERT_EQ(WSAEnumProtocolsW(nullptr, all, &size), 4);
  WSAPROTOCOL_INFOW entry = all[0];  // MSAFD's TCP/IP, as a new provider's
  GUID guid = {0x5e2e00cf, 0x7a11, 0x4b5e, {0x9a, 0x5e, 0, 0, 0, 0, 0, 0xcf}};
  entry.ProviderId = guid;
  const std::u16string name = u"cleanup fails";
  std::memcpy(entry.szProtocol, name.c_str(), (name.size() + 1) * sizeof(char16_t));
  std::u16string file(path, path + std::strlen(path));
  int err = 0;
  ASSERT_EQ(WSCInstallProvider(&guid, reinterpret_cast<WCHAR *>(file.data()), &entry, 1, &err), 0)
      << err;
  size = sizeof(all);
  ASSERT_EQ(WSAEnumProtocolsW(nullptr, all, &size), 5);
  const WSAPROTOCOL_INFOW *mine = nullptr;
  for (int i = 0; i < 5; ++i)
    if (std::memcmp(&all[i].ProviderId, &guid, sizeof(GUID)) == 0) mine = &all[i];
  ASSERT_NE(mine, nullptr);
  // Its WSPSocket fails (the mode provider does no socket work), but it is started.
  EXPECT_EQ(WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                       const_cast<WSAPROTOCOL_INFOW *>(mine), 0, 0),
            INVALID_SOCKET);
  void *module = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(module, nullptr) << "the provider was not loaded";
  auto counts = reinterpret_cast<void (*)(int *, int *, DWORD *)>(dlsym(module, "mode_provider_counts"));
  ASSERT_NE(counts, nullptr);
  int startups = 0, cleanups = 0;
  DWORD last = 0;
  counts(&startups, &cleanups, &last);
  const int cleanups_before = cleanups;
  EXPECT_EQ(last, mine->dwCatalogEntryId);
  EXPECT_EQ(WSACleanup(), 0);
  counts(&startups, &cleanups, &last);
  EXPECT_EQ(cleanups, cleanups_before + 1);
  dlclose(module);
  unsetenv("WS2EMU_TEST_PROVIDER_MODE");
  EXPECT_EQ(WSCDeinstallProvider(&guid, &err), 0) << err;
}

// A handle that is no socket: WSAENOTSOCK from every call by SOCKET; a second closesocket too.
TEST_F(Winsock, NotASocket) {
  Start();
  char b[8];
  WS_sockaddr_in6 a;
  int len = Loopback(WS_AF_INET, 0, &a);
  const SOCKET bad[] = {0, 4, 0x1235, INVALID_SOCKET};
  for (SOCKET s : bad) {
    WSASetLastError(0);
    EXPECT_EQ(ws2emu_bind(s, reinterpret_cast<WS_sockaddr *>(&a), len), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
    EXPECT_EQ(ws2emu_recv(s, b, sizeof(b), 0), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
    EXPECT_EQ(ws2emu_accept(s, nullptr, nullptr), INVALID_SOCKET);
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
    WSAOVERLAPPED ov{};
    DWORD n = 0, f = 0;
    EXPECT_FALSE(WSAGetOverlappedResult(s, &ov, &n, FALSE, &f));
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
  }
  SOCKET s = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  ASSERT_EQ(ws2emu_closesocket(s), 0);
  EXPECT_EQ(ws2emu_closesocket(s), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
}

// TCP over IPv4 and IPv6 against a Linux peer: connect, send, recv, getpeername, shutdown.
TEST_F(Winsock, TcpWithALinuxPeer) {
  Start();
  for (int family : {WS_AF_INET, WS_AF_INET6}) {
    const int lf = family == WS_AF_INET ? AF_INET : AF_INET6;
    int l = socket(lf, SOCK_STREAM, 0);
    ASSERT_GE(l, 0);
    sockaddr_storage ss{};
    socklen_t sl;
    if (lf == AF_INET) {
      auto *in = reinterpret_cast<sockaddr_in *>(&ss);
      in->sin_family = AF_INET;
      in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      sl = sizeof(*in);
    } else {
      auto *in6 = reinterpret_cast<sockaddr_in6 *>(&ss);
      in6->sin6_family = AF_INET6;
      in6->sin6_addr = in6addr_loopback;
      sl = sizeof(*in6);
    }
    ASSERT_EQ(bind(l, reinterpret_cast<sockaddr *>(&ss), sl), 0);
    ASSERT_EQ(listen(l, 1), 0);
    ASSERT_EQ(getsockname(l, reinterpret_cast<sockaddr *>(&ss), &sl), 0);
    const uint16_t port = ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);

    SOCKET s = ws2emu_socket(family, WS_SOCK_STREAM, WS_IPPROTO_TCP);
    ASSERT_NE(s, INVALID_SOCKET);
    WS_sockaddr_in6 a;
    int len = Loopback(family, port, &a);
    ASSERT_EQ(ws2emu_connect(s, reinterpret_cast<WS_sockaddr *>(&a), len), 0)
        << WSAGetLastError();
    int peer = accept(l, nullptr, nullptr);
    ASSERT_GE(peer, 0);
    WS_sockaddr_in6 got{};
    int got_len = sizeof(got);
    ASSERT_EQ(ws2emu_getpeername(s, reinterpret_cast<WS_sockaddr *>(&got), &got_len), 0);
    EXPECT_EQ(got_len, len);
    EXPECT_EQ(got.sin6_family, family);
    EXPECT_EQ(ntohs(got.sin6_port), port);

    const std::string msg = "hello from Winsock";
    EXPECT_EQ(ws2emu_send(s, msg.data(), static_cast<int>(msg.size()), 0),
              static_cast<int>(msg.size()));
    char buf[64] = {};
    ASSERT_EQ(recv(peer, buf, msg.size(), MSG_WAITALL), static_cast<ssize_t>(msg.size()));
    EXPECT_EQ(std::string(buf, msg.size()), msg);
    ASSERT_EQ(send(peer, "pong", 4, 0), 4);
    char in[8] = {};
    EXPECT_EQ(ws2emu_recv(s, in, 4, WS_MSG_WAITALL), 4) << WSAGetLastError();
    EXPECT_EQ(std::string(in, 4), "pong");
    // The peer closes: recv returns 0.
    close(peer);
    EXPECT_EQ(ws2emu_recv(s, in, sizeof(in), 0), 0);
    EXPECT_EQ(ws2emu_shutdown(s, SD_BOTH), 0);
    EXPECT_EQ(ws2emu_shutdown(s, 7), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
    EXPECT_EQ(ws2emu_closesocket(s), 0);
    close(l);
  }
}

// UDP over IPv4 and IPv6 between two Winsock sockets: sendto / recvfrom, the sender's address,
// WSAEMSGSIZE on a datagram larger than the buffer.
TEST_F(Winsock, UdpSendToRecvFrom) {
  Start();
  for (int family : {WS_AF_INET, WS_AF_INET6}) {
    SOCKET a = ws2emu_socket(family, WS_SOCK_DGRAM, 0);
    SOCKET b = ws2emu_socket(family, WS_SOCK_DGRAM, 0);
    ASSERT_NE(a, INVALID_SOCKET);
    ASSERT_NE(b, INVALID_SOCKET);
    WS_sockaddr_in6 addr;
    int len = Loopback(family, 0, &addr);
    ASSERT_EQ(ws2emu_bind(a, reinterpret_cast<WS_sockaddr *>(&addr), len), 0);
    ASSERT_EQ(ws2emu_bind(b, reinterpret_cast<WS_sockaddr *>(&addr), len), 0);
    len = Loopback(family, PortOf(b), &addr);
    EXPECT_EQ(ws2emu_sendto(a, "datagram", 8, 0, reinterpret_cast<WS_sockaddr *>(&addr), len), 8);
    char buf[16] = {};
    WS_sockaddr_in6 from{};
    int from_len = sizeof(from);
    EXPECT_EQ(ws2emu_recvfrom(b, buf, sizeof(buf), 0, reinterpret_cast<WS_sockaddr *>(&from),
                              &from_len),
              8);
    EXPECT_EQ(std::string(buf, 8), "datagram");
    EXPECT_EQ(ntohs(from.sin6_port), PortOf(a));
    EXPECT_EQ(ws2emu_sendto(a, "0123456789", 10, 0, reinterpret_cast<WS_sockaddr *>(&addr), len),
              10);
    EXPECT_EQ(ws2emu_recvfrom(b, buf, 4, 0, nullptr, nullptr), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEMSGSIZE);
    EXPECT_EQ(std::string(buf, 4), "0123");
    // A negative length is a bad buffer.
    EXPECT_EQ(ws2emu_send(a, buf, -1, 0), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
    ws2emu_closesocket(a);
    ws2emu_closesocket(b);
  }
}

// select with Windows fd_sets: readable after a send, writable at once, 0 on a timeout, and
// WSAEINVAL with all three sets empty; WSAPoll the same way, POLLNVAL for a closed handle.
TEST_F(Winsock, SelectAndPoll) {
  Start();
  Pair p;
  ASSERT_NO_FATAL_FAILURE(MakePair(WS_AF_INET, &p));
  WS_fd_set r, w;
  WS_FD_ZERO(&r);
  WS_FD_SET(p.server, &r);
  WS_timeval zero = {0, 0};
  EXPECT_EQ(ws2emu_select(0, &r, nullptr, nullptr, &zero), 0);
  EXPECT_EQ(r.fd_count, 0u);
  WS_timeval short_wait = {0, 20000};
  WS_FD_SET(p.server, &r);
  EXPECT_EQ(ws2emu_select(0, &r, nullptr, nullptr, &short_wait), 0);
  ASSERT_EQ(ws2emu_send(p.client, "x", 1, 0), 1);
  WS_FD_ZERO(&r);
  WS_FD_SET(p.server, &r);
  WS_FD_SET(p.client, &r);
  WS_FD_ZERO(&w);
  WS_FD_SET(p.client, &w);
  EXPECT_EQ(ws2emu_select(0, &r, &w, nullptr, nullptr), 2);
  EXPECT_TRUE(__WSAFDIsSet(p.server, &r));
  EXPECT_FALSE(__WSAFDIsSet(p.client, &r));
  EXPECT_TRUE(__WSAFDIsSet(p.client, &w));
  EXPECT_EQ(ws2emu_select(0, nullptr, nullptr, nullptr, &zero), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);

  WSAPOLLFD fds[2] = {{p.server, WS_POLLIN, 0}, {p.client, WS_POLLOUT, 0}};
  EXPECT_EQ(WSAPoll(fds, 2, 0), 2);
  EXPECT_EQ(fds[0].revents, WS_POLLRDNORM);
  EXPECT_EQ(fds[1].revents, WS_POLLWRNORM);
  fds[0].events = 0x7fff;  // bits WSAPoll does not take
  EXPECT_EQ(WSAPoll(fds, 2, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(WSAPoll(nullptr, 0, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  SOCKET gone = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  ws2emu_closesocket(gone);
  WSAPOLLFD nv[2] = {{gone, WS_POLLIN, 0}, {p.server, WS_POLLIN, 0}};
  EXPECT_EQ(WSAPoll(nv, 2, 0), 2);
  EXPECT_EQ(nv[0].revents, WS_POLLNVAL);
  EXPECT_EQ(nv[1].revents, WS_POLLRDNORM);
}

// WSAEventSelect + WSAEnumNetworkEvents: FD_ACCEPT on the listener, FD_READ then FD_CLOSE.
TEST_F(Winsock, EventSelect) {
  Start();
  Pair p;
  ASSERT_NO_FATAL_FAILURE(MakePair(WS_AF_INET6, &p));
  WSAEVENT ev = WSACreateEvent();
  ASSERT_NE(ev, WSA_INVALID_EVENT);
  ASSERT_EQ(WSAEventSelect(p.server, ev, FD_READ | FD_CLOSE), 0);
  ASSERT_EQ(ws2emu_send(p.client, "abc", 3, 0), 3);
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &ev, FALSE, 5000, FALSE), WSA_WAIT_EVENT_0);
  WSANETWORKEVENTS ne{};
  ASSERT_EQ(WSAEnumNetworkEvents(p.server, ev, &ne), 0);
  EXPECT_EQ(ne.lNetworkEvents, FD_READ);
  EXPECT_EQ(ne.iErrorCode[FD_READ_BIT], 0);
  ASSERT_EQ(ws2emu_closesocket(p.client), 0);
  p.client = INVALID_SOCKET;
  char buf[8];
  EXPECT_EQ(ws2emu_recv(p.server, buf, sizeof(buf), 0), 3);
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &ev, FALSE, 5000, FALSE), WSA_WAIT_EVENT_0);
  ASSERT_EQ(WSAEnumNetworkEvents(p.server, ev, &ne), 0);
  EXPECT_TRUE(ne.lNetworkEvents & FD_CLOSE) << ne.lNetworkEvents;
  EXPECT_EQ(WSAEnumNetworkEvents(p.server, ev, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(WSAEventSelect(p.server, nullptr, 0), 0);
  WSACloseEvent(ev);
}

// Overlapped WSASend / WSARecv with an event, WSAGetOverlappedResult; WSA_IO_PENDING first
// when nothing has arrived yet.
TEST_F(Winsock, OverlappedWithAnEvent) {
  Start();
  Pair p;
  ASSERT_NO_FATAL_FAILURE(MakePair(WS_AF_INET, &p));
  char buf[32] = {};
  WSABUF b = {sizeof(buf), buf};
  WSAOVERLAPPED ov{};
  ov.hEvent = WSACreateEvent();
  DWORD n = 0, flags = 0;
  ASSERT_EQ(WSARecv(p.server, &b, 1, &n, &flags, &ov, nullptr), SOCKET_ERROR);
  ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  EXPECT_FALSE(WSAGetOverlappedResult(p.server, &ov, &n, FALSE, &flags));
  EXPECT_EQ(WSAGetLastError(), WSA_IO_INCOMPLETE);
  char out[] = "overlapped";
  WSABUF ob = {10, out};
  DWORD sent = 0;
  ASSERT_EQ(WSASend(p.client, &ob, 1, &sent, 0, nullptr, nullptr), 0);
  EXPECT_EQ(sent, 10u);
  ASSERT_EQ(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 5000, FALSE), WSA_WAIT_EVENT_0);
  ASSERT_TRUE(WSAGetOverlappedResult(p.server, &ov, &n, TRUE, &flags)) << WSAGetLastError();
  EXPECT_EQ(n, 10u);
  EXPECT_EQ(std::string(buf, 10), "overlapped");
  WSACloseEvent(ov.hEvent);
}

// SO_OPENTYPE is the thread's; ioctlsocket(FIONBIO) makes recv answer WSAEWOULDBLOCK;
// FIONREAD counts; a null argp is WSAEFAULT.
TEST_F(Winsock, OptionsAndIoctls) {
  Start();
  Pair p;
  ASSERT_NO_FATAL_FAILURE(MakePair(WS_AF_INET, &p));
  int type = -1, len = sizeof(type);
  ASSERT_EQ(ws2emu_getsockopt(INVALID_SOCKET, WS_SOL_SOCKET, WS_SO_OPENTYPE,
                              reinterpret_cast<char *>(&type), &len),
            0);
  EXPECT_EQ(type, 0);
  const int alert = WS_SO_SYNCHRONOUS_NONALERT;
  ASSERT_EQ(ws2emu_setsockopt(INVALID_SOCKET, WS_SOL_SOCKET, WS_SO_OPENTYPE,
                              reinterpret_cast<const char *>(&alert), sizeof(alert)),
            0);
  std::thread([] {
    int t = -1, l = sizeof(t);
    EXPECT_EQ(ws2emu_getsockopt(INVALID_SOCKET, WS_SOL_SOCKET, WS_SO_OPENTYPE,
                                reinterpret_cast<char *>(&t), &l),
              0);
    EXPECT_EQ(t, 0);  // another thread's setting
  }).join();
  len = 2;
  EXPECT_EQ(ws2emu_getsockopt(INVALID_SOCKET, WS_SOL_SOCKET, WS_SO_OPENTYPE,
                              reinterpret_cast<char *>(&type), &len),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  const int zero = 0;
  ASSERT_EQ(ws2emu_setsockopt(INVALID_SOCKET, WS_SOL_SOCKET, WS_SO_OPENTYPE,
                              reinterpret_cast<const char *>(&zero), sizeof(zero)),
            0);

  WS_u_long on = 1;
  ASSERT_EQ(ws2emu_ioctlsocket(p.server, WS_FIONBIO, &on), 0);
  char buf[8];
  EXPECT_EQ(ws2emu_recv(p.server, buf, sizeof(buf), 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
  ASSERT_EQ(ws2emu_send(p.client, "12345", 5, 0), 5);
  WS_u_long avail = 0;
  for (int i = 0; i < 500 && avail == 0; ++i) {
    ASSERT_EQ(ws2emu_ioctlsocket(p.server, WS_FIONREAD, &avail), 0);
    if (avail == 0) usleep(1000);
  }
  EXPECT_EQ(avail, 5u);
  EXPECT_EQ(ws2emu_ioctlsocket(p.server, WS_FIONREAD, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  int nodelay = 1;
  EXPECT_EQ(ws2emu_setsockopt(p.client, WS_IPPROTO_TCP, WS_TCP_NODELAY,
                              reinterpret_cast<const char *>(&nodelay), sizeof(nodelay)),
            0);
}

// WSADuplicateSocket within the process, then WSASocket from the info: the same connection.
TEST_F(Winsock, DuplicateSocket) {
  Start();
  Pair p;
  ASSERT_NO_FATAL_FAILURE(MakePair(WS_AF_INET, &p));
  WSAPROTOCOL_INFOW info{};
  ASSERT_EQ(WSADuplicateSocketW(p.client, static_cast<DWORD>(getpid()), &info), 0)
      << WSAGetLastError();
  EXPECT_EQ(WSADuplicateSocketW(p.client, static_cast<DWORD>(getpid()), nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  SOCKET d = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
  ASSERT_NE(d, INVALID_SOCKET) << WSAGetLastError();
  ASSERT_EQ(ws2emu_send(d, "dup", 3, 0), 3);
  char buf[4] = {};
  EXPECT_EQ(ws2emu_recv(p.server, buf, 3, WS_MSG_WAITALL), 3);
  EXPECT_EQ(std::string(buf, 3), "dup");
  ws2emu_closesocket(d);
}

// WSAAddressToStringA and WSAStringToAddressA through the provider of the family.
TEST_F(Winsock, AddressStrings) {
  Start();
  WS_sockaddr_in6 a{};
  int len = sizeof(a);
  ASSERT_EQ(WSAStringToAddressA(const_cast<char *>("127.0.0.1:8080"), WS_AF_INET, nullptr,
                                reinterpret_cast<WS_sockaddr *>(&a), &len),
            0)
      << WSAGetLastError();
  EXPECT_EQ(len, static_cast<int>(sizeof(WS_sockaddr_in)));
  char text[64];
  DWORD size = sizeof(text);
  ASSERT_EQ(WSAAddressToStringA(reinterpret_cast<WS_sockaddr *>(&a), len, nullptr, text, &size),
            0);
  EXPECT_STREQ(text, "127.0.0.1:8080");
  len = sizeof(a);
  EXPECT_EQ(WSAStringToAddressA(const_cast<char *>("not an address"), WS_AF_INET, nullptr,
                                reinterpret_cast<WS_sockaddr *>(&a), &len),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  len = sizeof(a);
  ASSERT_EQ(WSAStringToAddressA(const_cast<char *>("[::1]:443"), WS_AF_INET6, nullptr,
                                reinterpret_cast<WS_sockaddr *>(&a), &len),
            0);
  size = sizeof(text);
  ASSERT_EQ(WSAAddressToStringA(reinterpret_cast<WS_sockaddr *>(&a), len, nullptr, text, &size),
            0);
  EXPECT_STREQ(text, "[::1]:443");
}

// closesocket on one thread while others block in recv / send on the same socket, over and
// over so that handles are reused: the blocked calls end with an error, later calls see
// WSAENOTSOCK, nothing crashes (run under ThreadSanitizer in CI).
TEST_F(Winsock, CloseRacesBlockedCalls) {
  Start();
  for (int round = 0; round < 40; ++round) {
    Pair p;
    ASSERT_NO_FATAL_FAILURE(MakePair(round % 2 ? WS_AF_INET6 : WS_AF_INET, &p));
    std::atomic<int> started{0};
    std::vector<std::thread> threads;
    const SOCKET victim = p.server;
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back([&, i] {
        started.fetch_add(1);
        char buf[64];
        if (i == 2) {
          // A writer keeps sending until the socket goes.
          std::vector<char> big(1 << 16, 'x');
          while (ws2emu_send(victim, big.data(), static_cast<int>(big.size()), 0) > 0) {
          }
        } else {
          while (ws2emu_recv(victim, buf, sizeof(buf), 0) > 0) {
          }
        }
        const int e = WSAGetLastError();
        EXPECT_NE(e, 0);
      });
    }
    while (started.load() < 3) std::this_thread::yield();
    usleep(2000);
    ASSERT_EQ(ws2emu_closesocket(victim), 0);
    p.server = INVALID_SOCKET;
    for (std::thread &t : threads) t.join();
    char b = 0;
    EXPECT_EQ(ws2emu_send(victim, &b, 1, 0), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
  }
}

// A WSACleanup while another thread is blocked in recv: the socket is closed under it, the
// recv ends with an error, and WSACleanup returns.
// The blocked socket is a UDP one with no peer: with a TCP pair, the clean-up may close the
// client first, and its FIN ends the server's receive with 0 before the server is closed
// (the order of the sockets it closes is the hash set's, which varies between runs).
TEST_F(Winsock, CleanupEndsBlockedCalls) {
  Start();
  SOCKET u = ws2emu_socket(WS_AF_INET, WS_SOCK_DGRAM, WS_IPPROTO_UDP);
  ASSERT_NE(u, INVALID_SOCKET);
  WS_sockaddr_in6 addr;
  int len = Loopback(WS_AF_INET, 0, &addr);
  ASSERT_EQ(ws2emu_bind(u, reinterpret_cast<WS_sockaddr *>(&addr), len), 0);
  std::atomic<bool> in_recv{false};
  int result = 1;
  std::thread t([&] {
    char buf[8];
    in_recv = true;
    result = ws2emu_recv(u, buf, sizeof(buf), 0);
  });
  while (!in_recv) std::this_thread::yield();
  usleep(20000);
  ASSERT_EQ(WSACleanup(), 0);  // closes u, which ends the receive
  t.join();
  EXPECT_EQ(result, SOCKET_ERROR);
}

// AcceptEx (mswsock's, through the listener's provider) and GetAcceptExSockaddrs.
TEST_F(Winsock, AcceptEx) {
  Start();
  SOCKET l = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  SOCKET a = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  WS_sockaddr_in6 addr;
  int len = Loopback(WS_AF_INET, 0, &addr);
  ASSERT_EQ(ws2emu_bind(l, reinterpret_cast<WS_sockaddr *>(&addr), len), 0);
  ASSERT_EQ(ws2emu_listen(l, 1), 0);
  char out[2 * (sizeof(WS_sockaddr_in) + 16) + 8];
  WSAOVERLAPPED ov{};
  ov.hEvent = WSACreateEvent();
  DWORD n = 0;
  BOOL ok = AcceptEx(l, a, out, 4, sizeof(WS_sockaddr_in) + 16, sizeof(WS_sockaddr_in) + 16, &n,
                     &ov);
  ASSERT_FALSE(ok);
  ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  SOCKET c = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  len = Loopback(WS_AF_INET, PortOf(l), &addr);
  ASSERT_EQ(ws2emu_connect(c, reinterpret_cast<WS_sockaddr *>(&addr), len), 0);
  ASSERT_EQ(ws2emu_send(c, "ping", 4, 0), 4);
  DWORD flags = 0;
  ASSERT_TRUE(WSAGetOverlappedResult(l, &ov, &n, TRUE, &flags)) << WSAGetLastError();
  EXPECT_EQ(n, 4u);
  EXPECT_EQ(std::string(out, 4), "ping");
  WS_sockaddr *local = nullptr, *remote = nullptr;
  int local_len = 0, remote_len = 0;
  GetAcceptExSockaddrs(out, 4, sizeof(WS_sockaddr_in) + 16, sizeof(WS_sockaddr_in) + 16, &local,
                       &local_len, &remote, &remote_len);
  ASSERT_NE(local, nullptr);
  ASSERT_NE(remote, nullptr);
  EXPECT_EQ(local_len, static_cast<int>(sizeof(WS_sockaddr_in)));
  EXPECT_EQ(ntohs(reinterpret_cast<WS_sockaddr_in *>(local)->sin_port), PortOf(l));
  EXPECT_EQ(ntohs(reinterpret_cast<WS_sockaddr_in *>(remote)->sin_port), PortOf(c));
  // AcceptEx on something that is no socket.
  EXPECT_FALSE(AcceptEx(0x4321, a, out, 0, 32, 32, &n, &ov));
  EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
  WSACloseEvent(ov.hEvent);
  ws2emu_closesocket(c);
  ws2emu_closesocket(a);
  ws2emu_closesocket(l);
}

// kernel32's file calls on sockets: ReadFile / WriteFile, synchronous and overlapped, with
// GetOverlappedResult; CancelIoEx of a pending read; a handle that is no socket.
TEST_F(Winsock, FileCallsOnSockets) {
  Start();
  Pair p;
  ASSERT_NO_FATAL_FAILURE(MakePair(WS_AF_INET, &p));
  HANDLE client = reinterpret_cast<HANDLE>(p.client), server = reinterpret_cast<HANDLE>(p.server);
  DWORD n = 0;
  ASSERT_TRUE(ws2emu_WriteFile(client, "file", 4, &n, nullptr)) << ws2emu_GetLastError();
  EXPECT_EQ(n, 4u);
  char buf[16] = {};
  ASSERT_TRUE(ws2emu_ReadFile(server, buf, 4, &n, nullptr));
  EXPECT_EQ(n, 4u);
  EXPECT_EQ(std::string(buf, 4), "file");
  // Synchronous without a count: ERROR_NOACCESS (998), nothing read.
  EXPECT_FALSE(ws2emu_ReadFile(server, buf, 4, nullptr, nullptr));
  EXPECT_EQ(ws2emu_GetLastError(), 998u);

  OVERLAPPED ov{};
  ov.hEvent = WSACreateEvent();
  EXPECT_FALSE(ws2emu_ReadFile(server, buf, sizeof(buf), nullptr, &ov));
  ASSERT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_IO_PENDING));
  EXPECT_FALSE(ws2emu_GetOverlappedResult(server, &ov, &n, FALSE));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_IO_INCOMPLETE));
  ASSERT_TRUE(ws2emu_WriteFile(client, "abcdef", 6, &n, nullptr));
  ASSERT_TRUE(ws2emu_GetOverlappedResult(server, &ov, &n, TRUE)) << ws2emu_GetLastError();
  EXPECT_EQ(n, 6u);
  EXPECT_EQ(std::string(buf, 6), "abcdef");

  // CancelIoEx of a pending read: it completes with ERROR_OPERATION_ABORTED.
  ws2emu_ResetEvent(ov.hEvent);
  EXPECT_FALSE(ws2emu_ReadFile(server, buf, sizeof(buf), nullptr, &ov));
  ASSERT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_IO_PENDING));
  ASSERT_TRUE(ws2emu_CancelIoEx(server, &ov)) << ws2emu_GetLastError();
  EXPECT_FALSE(ws2emu_GetOverlappedResult(server, &ov, &n, TRUE));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_OPERATION_ABORTED));
  EXPECT_FALSE(ws2emu_CancelIoEx(server, &ov));
  EXPECT_EQ(ws2emu_GetLastError(), 1168u);  // ERROR_NOT_FOUND: nothing left to cancel
  EXPECT_TRUE(ws2emu_CancelIo(server));     // nothing to cancel is not an error for CancelIo

  HANDLE bogus = reinterpret_cast<HANDLE>(uintptr_t{0x7770});
  EXPECT_FALSE(ws2emu_WriteFile(bogus, "x", 1, &n, nullptr));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_FALSE(ws2emu_CancelIo(bogus));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  WSACloseEvent(ov.hEvent);
}

// SetFileCompletionNotificationModes(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS): a receive that
// succeeds in its call posts nothing to the port; one that pends still does.
TEST_F(Winsock, SkipCompletionPortOnSuccess) {
  Start();
  Pair p;
  ASSERT_NO_FATAL_FAILURE(MakePair(WS_AF_INET6, &p));
  HANDLE server = reinterpret_cast<HANDLE>(p.server);
  HANDLE port = ws2emu_CreateIoCompletionPort(server, nullptr, 42, 0);
  ASSERT_NE(port, nullptr);
  EXPECT_FALSE(ws2emu_SetFileCompletionNotificationModes(server, 4));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  ASSERT_TRUE(ws2emu_SetFileCompletionNotificationModes(server, 1));

  ASSERT_EQ(ws2emu_send(p.client, "now", 3, 0), 3);
  char buf[8];
  WSABUF b = {sizeof(buf), buf};
  WSAOVERLAPPED ov{};
  DWORD n = 0, flags = 0;
  // Wait until the bytes are there, so that the receive succeeds in its call.
  WS_fd_set r;
  WS_FD_ZERO(&r);
  WS_FD_SET(p.server, &r);
  ASSERT_EQ(ws2emu_select(0, &r, nullptr, nullptr, nullptr), 1);
  ASSERT_EQ(WSARecv(p.server, &b, 1, &n, &flags, &ov, nullptr), 0);
  EXPECT_EQ(n, 3u);
  ULONG_PTR key = 0;
  LPOVERLAPPED got = nullptr;
  EXPECT_FALSE(ws2emu_GetQueuedCompletionStatus(port, &n, &key, &got, 50));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(WAIT_TIMEOUT));

  ASSERT_EQ(WSARecv(p.server, &b, 1, &n, &flags, &ov, nullptr), SOCKET_ERROR);
  ASSERT_EQ(WSAGetLastError(), WSA_IO_PENDING);
  ASSERT_EQ(ws2emu_send(p.client, "later", 5, 0), 5);
  ASSERT_TRUE(ws2emu_GetQueuedCompletionStatus(port, &n, &key, &got, 5000));
  EXPECT_EQ(key, 42u);
  EXPECT_EQ(got, &ov);
  EXPECT_EQ(n, 5u);
  ws2emu_CloseHandle(port);
}

// WSAConnectByName: a name and a service as text, the addresses returned; the documented
// WSAEINVAL cases; the time limit against a listener whose queue is full (its SYNs dropped).
TEST_F(Winsock, ConnectByName) {
  Start();
  SOCKET l = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  WS_sockaddr_in6 a;
  int len = Loopback(WS_AF_INET, 0, &a);
  ASSERT_EQ(ws2emu_bind(l, reinterpret_cast<WS_sockaddr *>(&a), len), 0);
  ASSERT_EQ(ws2emu_listen(l, 4), 0);
  const std::string port = std::to_string(PortOf(l));
  for (const char *host : {"127.0.0.1", "localhost"}) {
    SOCKET s = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
    WS_sockaddr_in local{}, remote{};
    DWORD local_len = sizeof(local), remote_len = sizeof(remote);
    ASSERT_TRUE(WSAConnectByNameA(s, host, port.c_str(), &local_len,
                                  reinterpret_cast<WS_sockaddr *>(&local), &remote_len,
                                  reinterpret_cast<WS_sockaddr *>(&remote), nullptr, nullptr))
        << host << ": " << WSAGetLastError();
    EXPECT_EQ(local_len, sizeof(WS_sockaddr_in));
    EXPECT_EQ(remote_len, sizeof(WS_sockaddr_in));
    EXPECT_EQ(ntohs(remote.sin_port), PortOf(l));
    EXPECT_EQ(ntohs(local.sin_port), PortOf(s));
    SOCKET peer = ws2emu_accept(l, nullptr, nullptr);
    ASSERT_NE(peer, INVALID_SOCKET);
    EXPECT_EQ(ws2emu_send(s, "n", 1, 0), 1);
    ws2emu_closesocket(peer);
    ws2emu_closesocket(s);
  }
  SOCKET s = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  EXPECT_FALSE(WSAConnectByNameA(s, nullptr, port.c_str(), nullptr, nullptr, nullptr, nullptr,
                                 nullptr, nullptr));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_FALSE(WSAConnectByNameA(s, "localhost", nullptr, nullptr, nullptr, nullptr, nullptr,
                                 nullptr, nullptr));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  WSAOVERLAPPED reserved{};
  EXPECT_FALSE(WSAConnectByNameA(s, "localhost", port.c_str(), nullptr, nullptr, nullptr, nullptr,
                                 nullptr, &reserved));
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  // The W form, and a remote buffer too small: WSAEFAULT after connecting.
  const std::u16string wnode = u"127.0.0.1";
  std::u16string wport(port.begin(), port.end());
  WS_sockaddr_in remote{};
  DWORD small = 4;
  EXPECT_FALSE(WSAConnectByNameW(s, reinterpret_cast<LPWSTR>(const_cast<char16_t *>(wnode.c_str())),
                                 reinterpret_cast<LPWSTR>(wport.data()), nullptr, nullptr, &small,
                                 reinterpret_cast<WS_sockaddr *>(&remote), nullptr, nullptr));
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  ws2emu_closesocket(s);
  ws2emu_closesocket(ws2emu_accept(l, nullptr, nullptr));
  ws2emu_closesocket(l);

  // A Linux listener with a full queue: the time limit runs out.
  int full = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t in_len = sizeof(in);
  ASSERT_EQ(bind(full, reinterpret_cast<sockaddr *>(&in), in_len), 0);
  ASSERT_EQ(listen(full, 0), 0);
  ASSERT_EQ(getsockname(full, reinterpret_cast<sockaddr *>(&in), &in_len), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 3; ++i) {
    int f = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(f, reinterpret_cast<sockaddr *>(&in), in_len);
    fillers.push_back(f);
  }
  usleep(50000);
  s = ws2emu_socket(WS_AF_INET, WS_SOCK_STREAM, 0);
  WS_timeval limit = {0, 200000};
  const std::string full_port = std::to_string(ntohs(in.sin_port));
  EXPECT_FALSE(WSAConnectByNameA(s, "127.0.0.1", full_port.c_str(), nullptr, nullptr, nullptr,
                                 nullptr, &limit, nullptr));
  EXPECT_EQ(WSAGetLastError(), WSAETIMEDOUT);
  ws2emu_closesocket(s);
  for (int f : fillers) close(f);
  close(full);
}

}  // namespace
