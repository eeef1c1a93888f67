// The base provider's figures for ws2emu-bench (the driver, ws2emu_bench.cc, times and prints
// them):
//   tcp_rtt_wsp       a 1-byte ping-pong over loopback TCP with blocking WSPSend / WSPRecv
//                     through the proc table, ns per round trip; floor: the same with Linux
//                     send / recv on blocking sockets.
//   udp_rtt_wsp       the same over loopback UDP (connected sockets).
//   bytes_per_socket  resident memory (RSS) per open connected socket beyond the kernel's: N
//                     connected pairs opened through the provider, less the growth of N pairs
//                     opened through Linux, over 2N.
// The provider is started the way ws2_32 starts it: its WSPStartup with the runtime's upcall
// table and the catalog entry Windows ships.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "base_provider/base_provider.h"
#include "ws2emu/ws2emu.h"
#include "ws2emu/ws2spi.h"

namespace socket_figures {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const char *what) {
  std::fprintf(stderr, "ws2emu-bench: %s\n", what);
  std::exit(1);
}
void Check(bool ok, const char *what) {
  if (!ok) Die(what);
}

// MSAFD's catalog entry for (IPv4, type), as a fresh catalog holds it.
WSAPROTOCOL_INFOW Entry(int type) {
  WSAPROTOCOL_INFOW info;
  std::memset(&info, 0, sizeof(info));
  const bool tcp = type == WS_SOCK_STREAM;
  info.dwServiceFlags1 = tcp ? 0x20066 : 0x20609;
  info.dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
  info.ProviderId = ws2emu::base_provider::kMsafdProviderId;
  info.dwCatalogEntryId = tcp ? 1001 : 1002;
  info.ProtocolChain.ChainLen = BASE_PROTOCOL;
  info.ProtocolChain.ChainEntries[0] = info.dwCatalogEntryId;
  info.iVersion = 2;
  info.iAddressFamily = WS_AF_INET;
  info.iMaxSockAddr = info.iMinSockAddr = 16;
  info.iSocketType = type;
  info.iProtocol = tcp ? WS_IPPROTO_TCP : WS_IPPROTO_UDP;
  info.dwMessageSize = tcp ? 0 : 0xFFBB;
  return info;
}

// The started provider; WSPCleanup when done.
class Provider {
 public:
  Provider() {
    WSAPROTOCOL_INFOW tcp = Entry(WS_SOCK_STREAM);
    WSPDATA data;
    Check(ws2emu::base_provider::WSPStartup(0x0202, &data, &tcp, *ws2emu_upcall_table(), &p) == 0,
          "base provider WSPStartup failed");
  }
  ~Provider() {
    int error;
    p.lpWSPCleanup(&error);
  }
  SOCKET Socket(int type) {
    WSAPROTOCOL_INFOW info = Entry(type);
    int error = 0;
    SOCKET s = p.lpWSPSocket(WS_AF_INET, type, 0, &info, 0, 0, &error);
    Check(s != INVALID_SOCKET, "WSPSocket failed");
    return s;
  }
  // Binds `s` to loopback port 0 and returns its address.
  WS_sockaddr_in BindLoopback(SOCKET s) {
    WS_sockaddr_in a = {};
    a.sin_family = WS_AF_INET;
    a.sin_addr.S_un.S_addr = htonl(WS_INADDR_LOOPBACK);
    int error = 0;
    Check(p.lpWSPBind(s, reinterpret_cast<WS_sockaddr *>(&a), sizeof(a), &error) == 0,
          "WSPBind failed");
    int length = sizeof(a);
    Check(p.lpWSPGetSockName(s, reinterpret_cast<WS_sockaddr *>(&a), &length, &error) == 0,
          "WSPGetSockName failed");
    return a;
  }
  void Connect(SOCKET s, const WS_sockaddr_in &to) {
    int error = 0;
    Check(p.lpWSPConnect(s, reinterpret_cast<const WS_sockaddr *>(&to), sizeof(to), nullptr,
                         nullptr, nullptr, nullptr, &error) == 0,
          "WSPConnect failed");
  }
  void Close(SOCKET s) {
    int error;
    p.lpWSPCloseSocket(s, &error);
  }
  // A connected TCP pair through `listener` (listening at `at`).
  void TcpPair(SOCKET listener, const WS_sockaddr_in &at, SOCKET *a, SOCKET *b) {
    *a = Socket(WS_SOCK_STREAM);
    Connect(*a, at);
    int error = 0;
    *b = p.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
    Check(*b != INVALID_SOCKET, "WSPAccept failed");
    int one = 1;
    p.lpWSPSetSockOpt(*a, WS_IPPROTO_TCP, WS_TCP_NODELAY, reinterpret_cast<char *>(&one),
                      sizeof(one), &error);
    p.lpWSPSetSockOpt(*b, WS_IPPROTO_TCP, WS_TCP_NODELAY, reinterpret_cast<char *>(&one),
                      sizeof(one), &error);
  }

  WSPPROC_TABLE p;
};

// One blocking 1-byte exchange each way through the proc table.
void WspSendByte(WSPPROC_TABLE &p, SOCKET s) {
  char byte = 'x';
  WSABUF buffer = {1, &byte};
  DWORD sent = 0;
  int error = 0;
  Check(p.lpWSPSend(s, &buffer, 1, &sent, 0, nullptr, nullptr, nullptr, &error) == 0 && sent == 1,
        "WSPSend failed");
}
void WspRecvByte(WSPPROC_TABLE &p, SOCKET s) {
  char byte;
  WSABUF buffer = {1, &byte};
  DWORD received = 0, flags = 0;
  int error = 0;
  Check(p.lpWSPRecv(s, &buffer, 1, &received, &flags, nullptr, nullptr, nullptr, &error) == 0 &&
            received == 1,
        "WSPRecv failed");
}

// ns per round trip of `round_trips` ping-pongs between `ping` (this thread) and `pong` (a
// second thread) — `send(s)` / `recv(s)` are the calls under test.
template <typename Send, typename Recv>
double PingPongNs(size_t round_trips, Send send, Recv recv, auto ping, auto pong) {
  std::thread echo([&] {
    for (size_t i = 0; i < round_trips; ++i) {
      recv(pong);
      send(pong);
    }
  });
  const auto start = Clock::now();
  for (size_t i = 0; i < round_trips; ++i) {
    send(ping);
    recv(ping);
  }
  const auto end = Clock::now();
  echo.join();
  return std::chrono::duration<double, std::nano>(end - start).count() /
         static_cast<double>(round_trips);
}

void LinuxSendByte(int fd) {
  char byte = 'x';
  Check(send(fd, &byte, 1, MSG_NOSIGNAL) == 1, "send failed");
}
void LinuxRecvByte(int fd) {
  char byte;
  Check(recv(fd, &byte, 1, 0) == 1, "recv failed");
}

sockaddr_in LinuxLoopback() {
  sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A connected Linux TCP pair over loopback (blocking sockets, TCP_NODELAY like the provider's).
void LinuxTcpPair(int listener, const sockaddr_in &at, int *a, int *b) {
  *a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Check(*a >= 0, "socket failed");
  Check(connect(*a, reinterpret_cast<const sockaddr *>(&at), sizeof(at)) == 0, "connect failed");
  *b = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  Check(*b >= 0, "accept failed");
  const int one = 1;
  setsockopt(*a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  setsockopt(*b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int LinuxListener(sockaddr_in *at) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Check(listener >= 0, "socket failed");
  *at = LinuxLoopback();
  socklen_t length = sizeof(*at);
  Check(bind(listener, reinterpret_cast<sockaddr *>(at), sizeof(*at)) == 0 &&
            listen(listener, 4096) == 0 &&
            getsockname(listener, reinterpret_cast<sockaddr *>(at), &length) == 0,
        "listen failed");
  return listener;
}

long ResidentBytes() {
  long pages_total = 0, pages_resident = 0;
  FILE *f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
  std::fclose(f);
  return pages_resident * sysconf(_SC_PAGESIZE);
}

}  // namespace

double TcpRttWspNs(size_t round_trips) {
  Provider provider;
  SOCKET listener = provider.Socket(WS_SOCK_STREAM);
  const WS_sockaddr_in at = provider.BindLoopback(listener);
  int error = 0;
  Check(provider.p.lpWSPListen(listener, 4, &error) == 0, "WSPListen failed");
  SOCKET a, b;
  provider.TcpPair(listener, at, &a, &b);
  WSPPROC_TABLE &p = provider.p;
  const double ns = PingPongNs(
      round_trips, [&](SOCKET s) { WspSendByte(p, s); }, [&](SOCKET s) { WspRecvByte(p, s); }, a,
      b);
  provider.Close(a);
  provider.Close(b);
  provider.Close(listener);
  return ns;
}

double TcpRttLinuxNs(size_t round_trips) {
  sockaddr_in at;
  const int listener = LinuxListener(&at);
  int a, b;
  LinuxTcpPair(listener, at, &a, &b);
  const double ns = PingPongNs(round_trips, LinuxSendByte, LinuxRecvByte, a, b);
  close(a);
  close(b);
  close(listener);
  return ns;
}

double UdpRttWspNs(size_t round_trips) {
  Provider provider;
  SOCKET a = provider.Socket(WS_SOCK_DGRAM);
  SOCKET b = provider.Socket(WS_SOCK_DGRAM);
  const WS_sockaddr_in a_at = provider.BindLoopback(a);
  const WS_sockaddr_in b_at = provider.BindLoopback(b);
  provider.Connect(a, b_at);
  provider.Connect(b, a_at);
  WSPPROC_TABLE &p = provider.p;
  const double ns = PingPongNs(
      round_trips, [&](SOCKET s) { WspSendByte(p, s); }, [&](SOCKET s) { WspRecvByte(p, s); }, a,
      b);
  provider.Close(a);
  provider.Close(b);
  return ns;
}

double UdpRttLinuxNs(size_t round_trips) {
  int fds[2];
  sockaddr_in at[2];
  for (int i = 0; i < 2; ++i) {
    fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    Check(fds[i] >= 0, "socket failed");
    at[i] = LinuxLoopback();
    socklen_t length = sizeof(at[i]);
    Check(bind(fds[i], reinterpret_cast<sockaddr *>(&at[i]), sizeof(at[i])) == 0 &&
              getsockname(fds[i], reinterpret_cast<sockaddr *>(&at[i]), &length) == 0,
          "bind failed");
  }
  Check(connect(fds[0], reinterpret_cast<sockaddr *>(&at[1]), sizeof(at[1])) == 0 &&
            connect(fds[1], reinterpret_cast<sockaddr *>(&at[0]), sizeof(at[0])) == 0,
        "connect failed");
  const double ns = PingPongNs(round_trips, LinuxSendByte, LinuxRecvByte, fds[0], fds[1]);
  close(fds[0]);
  close(fds[1]);
  return ns;
}

long BytesPerSocket(size_t pairs) {
  // Room for 2N descriptors (one side at a time) and the rest of the process.
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < 2 * pairs + 64) pairs = (limit.rlim_cur - 64) / 2;
  }
  Check(pairs > 0, "no descriptors for bytes_per_socket");
  long provider_growth, linux_growth;
  {
    Provider provider;
    SOCKET listener = provider.Socket(WS_SOCK_STREAM);
    const WS_sockaddr_in at = provider.BindLoopback(listener);
    int error = 0;
    Check(provider.p.lpWSPListen(listener, 0x7fffffff, &error) == 0, "WSPListen failed");
    std::vector<SOCKET> sockets;
    sockets.reserve(2 * pairs);
    const long before = ResidentBytes();
    for (size_t i = 0; i < pairs; ++i) {
      SOCKET a, b;
      provider.TcpPair(listener, at, &a, &b);
      sockets.push_back(a);
      sockets.push_back(b);
    }
    provider_growth = ResidentBytes() - before;
    for (SOCKET s : sockets) provider.Close(s);
    provider.Close(listener);
  }
  {
    sockaddr_in at;
    const int listener = LinuxListener(&at);
    std::vector<int> fds;
    fds.reserve(2 * pairs);
    const long before = ResidentBytes();
    for (size_t i = 0; i < pairs; ++i) {
      int a, b;
      LinuxTcpPair(listener, at, &a, &b);
      fds.push_back(a);
      fds.push_back(b);
    }
    linux_growth = ResidentBytes() - before;
    for (int fd : fds) close(fd);
    close(listener);
  }
  const long extra = provider_growth - linux_growth;
  return extra <= 0 ? 0 : extra / static_cast<long>(2 * pairs);
}

}  // namespace socket_figures
