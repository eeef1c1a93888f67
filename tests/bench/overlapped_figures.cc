// ws2emu-bench's figures of the base provider's overlapped I/O (lib/base_provider/overlapped.h),
// each with its Linux floor measured in the same run. Every function returns ns per operation.
//
//   tcp_bulk_wsp:   64 KiB overlapped WSPSends, 4 outstanding, drained by 4 outstanding 64 KiB
//                   overlapped WSPRecvs, both through completion ports (a sender thread and a
//                   receiver thread); ns per 64 KiB. Floor: blocking Linux send/recv of 64 KiB
//                   over loopback TCP, the same two threads. MB/s = 65536 / ns * 1000.
//   iocp_echo_wsp:  an echo server on one completion port and one worker thread, serving 64
//                   clients (plain Linux sockets driven by one epoll thread, one 64-byte request
//                   in flight each); ns per request. Floor: the same clients against an epoll +
//                   recv/send echo server on one thread.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "base_provider/base_provider.h"
#include "base_provider/overlapped.h"
#include "ws2emu/ws2emu.h"
#include "ws2emu/ws2spi.h"

namespace overlapped_figures {
namespace {

[[noreturn]] void Die(const char *what) {
  std::fprintf(stderr, "overlapped figures: %s\n", what);
  std::exit(1);
}

double NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// MSAFD's TCP/IP entry as a fresh catalog has it (the fields WSPSocket checks).
WSAPROTOCOL_INFOW TcpEntry() {
  WSAPROTOCOL_INFOW info;
  std::memset(&info, 0, sizeof(info));
  info.dwServiceFlags1 = 0x20066;
  info.dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
  info.ProviderId = ws2emu::base_provider::kMsafdProviderId;
  info.dwCatalogEntryId = 1001;
  info.ProtocolChain.ChainLen = BASE_PROTOCOL;
  info.ProtocolChain.ChainEntries[0] = 1001;
  info.iVersion = 2;
  info.iAddressFamily = WS_AF_INET;
  info.iMaxSockAddr = info.iMinSockAddr = 16;
  info.iSocketType = WS_SOCK_STREAM;
  info.iProtocol = WS_IPPROTO_TCP;
  return info;
}

// The provider, started as ws2_32 starts it, for one measurement.
class Provider {
 public:
  Provider() {
    info_ = TcpEntry();
    if (ws2emu::base_provider::WSPStartup(0x0202, &data_, &info_, *ws2emu_upcall_table(),
                                          &procs_) != 0) {
      Die("WSPStartup");
    }
  }
  ~Provider() {
    int error;
    procs_.lpWSPCleanup(&error);
  }
  SOCKET Socket() {
    int error = 0;
    SOCKET s = procs_.lpWSPSocket(WS_AF_INET, WS_SOCK_STREAM, 0, &info_, 0, WSA_FLAG_OVERLAPPED,
                                  &error);
    if (s == INVALID_SOCKET) Die("WSPSocket");
    return s;
  }
  // A listening provider socket on loopback; its Linux address in *address.
  SOCKET Listen(sockaddr_in *address) {
    SOCKET l = Socket();
    WS_sockaddr_in a = {};
    a.sin_family = WS_AF_INET;
    a.sin_addr.S_un.S_addr = htonl(WS_INADDR_LOOPBACK);
    int error = 0;
    if (procs_.lpWSPBind(l, reinterpret_cast<WS_sockaddr *>(&a), sizeof(a), &error) != 0 ||
        procs_.lpWSPListen(l, 128, &error) != 0) {
      Die("bind/listen");
    }
    int length = sizeof(a);
    if (procs_.lpWSPGetSockName(l, reinterpret_cast<WS_sockaddr *>(&a), &length, &error) != 0) {
      Die("getsockname");
    }
    std::memset(address, 0, sizeof(*address));
    address->sin_family = AF_INET;
    address->sin_port = a.sin_port;
    address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return l;
  }
  SOCKET Accept(SOCKET l) {
    int error = 0;
    SOCKET s = procs_.lpWSPAccept(l, nullptr, nullptr, nullptr, 0, &error);
    if (s == INVALID_SOCKET) Die("WSPAccept");
    return s;
  }
  void Connect(SOCKET s, const sockaddr_in &address) {
    WS_sockaddr_in a = {};
    a.sin_family = WS_AF_INET;
    a.sin_port = address.sin_port;
    a.sin_addr.S_un.S_addr = address.sin_addr.s_addr;
    int error = 0;
    if (procs_.lpWSPConnect(s, reinterpret_cast<WS_sockaddr *>(&a), sizeof(a), nullptr, nullptr,
                            nullptr, nullptr, &error) != 0) {
      Die("WSPConnect");
    }
  }
  const WSPPROC_TABLE &procs() const { return procs_; }
  void Close(SOCKET s) {
    int error;
    procs_.lpWSPCloseSocket(s, &error);
  }

 private:
  WSAPROTOCOL_INFOW info_;
  WSPDATA data_;
  WSPPROC_TABLE procs_;
};

HANDLE NewPort() {
  HANDLE port = ws2emu_CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  if (port == nullptr) Die("CreateIoCompletionPort");
  return port;
}
void Associate(SOCKET s, HANDLE port, ULONG_PTR key) {
  if (ws2emu_CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), port, key, 0) != port) {
    Die("associate");
  }
}

constexpr size_t kChunk = 65536;
constexpr int kOutstanding = 4;

}  // namespace

// ---- tcp_bulk_wsp ---------------------------------------------------------------------------

namespace {
bool g_bulk_ring_defers = false;
}  // namespace
bool BulkRingDefersTaskWork() { return g_bulk_ring_defers; }

double TcpBulkWspNs(size_t sends) {
  Provider p;
  sockaddr_in address;
  SOCKET l = p.Listen(&address);
  SOCKET c = p.Socket();
  p.Connect(c, address);
  SOCKET s = p.Accept(l);
  p.Close(l);
  HANDLE send_port = NewPort(), recv_port = NewPort();
  Associate(c, send_port, 1);
  Associate(s, recv_port, 2);
  std::vector<char> out(kChunk * kOutstanding, 'b');
  std::vector<char> in(kChunk * kOutstanding);
  const size_t total = sends * kChunk;
  const WSPPROC_TABLE &procs = p.procs();
  const double start = NowNs();
  std::thread receiver([&] {
    WSAOVERLAPPED ovs[kOutstanding] = {};
    auto post = [&](int i) {
      WSABUF b = {kChunk, in.data() + i * kChunk};
      DWORD got = 0, flags = 0;
      int error = 0;
      std::memset(&ovs[i], 0, sizeof(ovs[i]));
      if (procs.lpWSPRecv(s, &b, 1, &got, &flags, &ovs[i], nullptr, nullptr, &error) != 0 &&
          error != WSA_IO_PENDING) {
        Die("WSPRecv");
      }
    };
    for (int i = 0; i < kOutstanding; ++i) post(i);
    size_t received = 0;
    while (received < total) {
      DWORD bytes = 0;
      ULONG_PTR key;
      LPOVERLAPPED done = nullptr;
      if (!ws2emu_GetQueuedCompletionStatus(recv_port, &bytes, &key, &done, INFINITE) ||
          bytes == 0) {
        Die("receive completion");
      }
      received += bytes;
      if (received < total) post(static_cast<int>(done - ovs));
    }
  });
  WSAOVERLAPPED ovs[kOutstanding] = {};
  auto post = [&](int i) {
    WSABUF b = {kChunk, out.data() + i * kChunk};
    DWORD sent = 0;
    int error = 0;
    std::memset(&ovs[i], 0, sizeof(ovs[i]));
    if (procs.lpWSPSend(c, &b, 1, &sent, 0, &ovs[i], nullptr, nullptr, &error) != 0 &&
        error != WSA_IO_PENDING) {
      Die("WSPSend");
    }
  };
  size_t posted = 0;
  for (int i = 0; i < kOutstanding && posted < sends; ++i, ++posted) post(i);
  for (size_t completed = 0; completed < sends; ++completed) {
    DWORD bytes = 0;
    ULONG_PTR key;
    LPOVERLAPPED done = nullptr;
    if (!ws2emu_GetQueuedCompletionStatus(send_port, &bytes, &key, &done, INFINITE) ||
        bytes != kChunk) {
      Die("send completion");
    }
    if (posted < sends) {
      post(static_cast<int>(done - ovs));
      ++posted;
    }
  }
  receiver.join();
  const double ns = (NowNs() - start) / static_cast<double>(sends);
  g_bulk_ring_defers = ws2emu::base_provider::RingDefersTaskWork();
  p.Close(c);
  p.Close(s);
  ws2emu_CloseHandle(send_port);
  ws2emu_CloseHandle(recv_port);
  return ns;
}

namespace {
// A connected loopback TCP pair of plain Linux sockets.
void LinuxPair(int *a, int *b) {
  const int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (l < 0 || bind(l, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0 ||
      listen(l, 128) != 0 || getsockname(l, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
    Die("linux listen");
  }
  *a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (*a < 0 || connect(*a, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0) {
    Die("linux connect");
  }
  *b = accept4(l, nullptr, nullptr, SOCK_CLOEXEC);
  if (*b < 0) Die("linux accept");
  close(l);
}
}  // namespace

double TcpBulkFloorNs(size_t sends) {
  int c, s;
  LinuxPair(&c, &s);
  std::vector<char> out(kChunk, 'b');
  std::vector<char> in(kChunk);
  const size_t total = sends * kChunk;
  const double start = NowNs();
  std::thread receiver([&] {
    size_t received = 0;
    while (received < total) {
      const ssize_t n = recv(s, in.data(), kChunk, 0);
      if (n <= 0) Die("linux recv");
      received += static_cast<size_t>(n);
    }
  });
  for (size_t i = 0; i < sends; ++i) {
    size_t done = 0;
    while (done < kChunk) {
      const ssize_t n = send(c, out.data() + done, kChunk - done, MSG_NOSIGNAL);
      if (n <= 0) Die("linux send");
      done += static_cast<size_t>(n);
    }
  }
  receiver.join();
  const double ns = (NowNs() - start) / static_cast<double>(sends);
  close(c);
  close(s);
  return ns;
}

// ---- iocp_echo_wsp --------------------------------------------------------------------------

namespace {

constexpr int kClients = 64;
constexpr size_t kRequest = 64;

// The clients: 64 Linux sockets connected to `address`, one request in flight each, driven by
// one epoll thread until `requests` answers came back. Returns when done.
void RunClients(const std::vector<int> &fds, size_t requests) {
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) Die("epoll_create1");
  std::vector<size_t> have(fds.size(), 0);
  char request[kRequest];
  std::memset(request, 'q', sizeof(request));
  size_t sent = 0, answered = 0;
  for (size_t i = 0; i < fds.size(); ++i) {
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) != 0) Die("epoll_ctl");
    if (sent < requests) {
      if (send(fds[i], request, kRequest, MSG_NOSIGNAL) != static_cast<ssize_t>(kRequest)) {
        Die("client send");
      }
      ++sent;
    }
  }
  char buffer[kRequest];
  epoll_event events[64];
  while (answered < requests) {
    const int n = epoll_wait(ep, events, 64, -1);
    for (int e = 0; e < n; ++e) {
      const size_t i = events[e].data.u64;
      const ssize_t got = recv(fds[i], buffer, kRequest - have[i], MSG_DONTWAIT);
      if (got <= 0) continue;
      have[i] += static_cast<size_t>(got);
      if (have[i] < kRequest) continue;
      have[i] = 0;
      ++answered;
      if (sent < requests) {
        if (send(fds[i], request, kRequest, MSG_NOSIGNAL) != static_cast<ssize_t>(kRequest)) {
          Die("client send");
        }
        ++sent;
      }
    }
  }
  close(ep);
}

std::vector<int> ConnectClients(const sockaddr_in &address) {
  std::vector<int> fds;
  for (int i = 0; i < kClients; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
      Die("client connect");
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    fds.push_back(fd);
  }
  return fds;
}

struct Connection {
  SOCKET s;
  WSAOVERLAPPED recv_ov, send_ov;
  char buffer[kRequest];
};

}  // namespace

// Of the last IocpEchoWspNs run: how often the server's GetQueuedCompletionStatus ran the
// provider's engine itself (iocp::IdleRunner) instead of sleeping, per request.
double g_echo_waiter_runs = 0;
double EchoWaiterRunsPerRequest() { return g_echo_waiter_runs; }

double IocpEchoWspNs(size_t requests) {
  Provider p;
  sockaddr_in address;
  SOCKET l = p.Listen(&address);
  std::vector<int> fds = ConnectClients(address);
  HANDLE port = NewPort();
  std::vector<Connection> conns(kClients);
  const WSPPROC_TABLE &procs = p.procs();
  auto post_recv = [&](Connection &k) {
    std::memset(&k.recv_ov, 0, sizeof(k.recv_ov));
    WSABUF b = {kRequest, k.buffer};
    DWORD got = 0, flags = 0;
    int error = 0;
    return procs.lpWSPRecv(k.s, &b, 1, &got, &flags, &k.recv_ov, nullptr, nullptr, &error) == 0 ||
           error == WSA_IO_PENDING;
  };
  for (int i = 0; i < kClients; ++i) {
    conns[i].s = p.Accept(l);
    Associate(conns[i].s, port, static_cast<ULONG_PTR>(i));
    if (!post_recv(conns[i])) Die("first WSPRecv");
  }
  p.Close(l);
  constexpr ULONG_PTR kStop = ~ULONG_PTR{0};
  std::thread server([&] {
    for (;;) {
      DWORD bytes = 0;
      ULONG_PTR key = 0;
      LPOVERLAPPED done = nullptr;
      const BOOL ok = ws2emu_GetQueuedCompletionStatus(port, &bytes, &key, &done, INFINITE);
      if (key == kStop) return;
      if (!ok || done == nullptr) continue;  // an aborted operation at the end
      Connection &k = conns[key];
      if (done == &k.recv_ov) {
        if (bytes == 0) continue;  // the client left
        std::memset(&k.send_ov, 0, sizeof(k.send_ov));
        WSABUF b = {bytes, k.buffer};
        DWORD sent = 0;
        int error = 0;
        procs.lpWSPSend(k.s, &b, 1, &sent, 0, &k.send_ov, nullptr, nullptr, &error);
      } else {
        post_recv(k);
      }
    }
  });
  const uint64_t runs_before = ws2emu::base_provider::PortWaitsThatRanTheEngine();
  const double start = NowNs();
  RunClients(fds, requests);
  const double ns = (NowNs() - start) / static_cast<double>(requests);
  g_echo_waiter_runs =
      static_cast<double>(ws2emu::base_provider::PortWaitsThatRanTheEngine() - runs_before) /
      static_cast<double>(requests);
  ws2emu_PostQueuedCompletionStatus(port, 0, kStop, nullptr);
  server.join();
  for (int fd : fds) close(fd);
  for (Connection &k : conns) p.Close(k.s);
  ws2emu_CloseHandle(port);
  return ns;
}

double IocpEchoFloorNs(size_t requests) {
  const int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (l < 0 || bind(l, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0 ||
      listen(l, 128) != 0 || getsockname(l, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
    Die("floor listen");
  }
  std::vector<int> fds = ConnectClients(address);
  std::vector<int> served;
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  const int stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event sev = {};
  sev.events = EPOLLIN;
  sev.data.fd = stop;
  epoll_ctl(ep, EPOLL_CTL_ADD, stop, &sev);
  for (int i = 0; i < kClients; ++i) {
    const int fd = accept4(l, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) Die("floor accept");
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    served.push_back(fd);
  }
  close(l);
  std::thread server([&] {
    epoll_event events[64];
    char buffer[kRequest];
    for (;;) {
      const int n = epoll_wait(ep, events, 64, -1);
      for (int e = 0; e < n; ++e) {
        const int fd = events[e].data.fd;
        if (fd == stop) return;
        const ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
        if (got > 0) send(fd, buffer, static_cast<size_t>(got), MSG_NOSIGNAL);
      }
    }
  });
  const double start = NowNs();
  RunClients(fds, requests);
  const double ns = (NowNs() - start) / static_cast<double>(requests);
  const uint64_t one = 1;
  (void)!write(stop, &one, sizeof(one));
  server.join();
  for (int fd : fds) close(fd);
  for (int fd : served) close(fd);
  close(stop);
  close(ep);
  return ns;
}

}  // namespace overlapped_figures
