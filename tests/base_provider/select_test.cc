// The base provider's WSPSelect: Windows fd_sets of any size (1,000 sockets in one set), what
// makes a socket ready for each set, timeouts, blocking waits ended by data, by a close on
// another thread and by the Winsock 1.1 blocking hook, and every documented error.
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "base_provider/socket.h"
#include "fixture.h"

namespace {

using bp_test::BaseProviderTest;
using ws2emu::base_provider::SocketCall;

// A Windows fd_set with room for `capacity` entries (FD_SETSIZE is only the default size).
class BigSet {
 public:
  explicit BigSet(size_t capacity)
      : bytes_(offsetof(WS_fd_set, fd_array) + capacity * sizeof(SOCKET)),
        set_(static_cast<WS_fd_set *>(std::calloc(1, bytes_))) {}
  ~BigSet() { std::free(set_); }
  void Add(SOCKET s) { set_->fd_array[set_->fd_count++] = s; }
  WS_fd_set *get() { return set_; }
  std::set<SOCKET> Entries() const {
    return std::set<SOCKET>(set_->fd_array, set_->fd_array + set_->fd_count);
  }

 private:
  size_t bytes_;
  WS_fd_set *set_;
};

WS_fd_set SetOf(std::initializer_list<SOCKET> sockets) {
  WS_fd_set set;
  set.fd_count = 0;
  for (SOCKET s : sockets) set.fd_array[set.fd_count++] = s;
  return set;
}

constexpr WS_timeval kPoll = {0, 0};
constexpr WS_timeval kGuard = {10, 0};  // a failure guard, never a speed assertion

class Select : public BaseProviderTest, public ::testing::WithParamInterface<int> {
 protected:
  int family() const { return GetParam(); }
  // WSPSelect; the count, or -error.
  int Call(WS_fd_set *r, WS_fd_set *w, WS_fd_set *x, const WS_timeval *timeout) {
    int error = 0;
    const int n = procs_.lpWSPSelect(0, r, w, x, timeout, &error);
    return n == SOCKET_ERROR ? -error : n;
  }
  int Fd(SOCKET s) {
    SocketCall call(s, nullptr);
    return call ? call->fd() : -1;
  }
  void SetNonBlocking(SOCKET s) {
    SocketCall call(s, nullptr);
    ASSERT_TRUE(call);
    call->Set(ws2emu::base_provider::BaseSocket::kNonBlocking);  // what FIONBIO sets
  }
};

INSTANTIATE_TEST_SUITE_P(Families, Select, ::testing::Values(WS_AF_INET, WS_AF_INET6),
                         [](const auto &info) { return info.param == WS_AF_INET ? "IPv4" : "IPv6"; });

TEST_P(Select, Errors) {
  SOCKET s = Socket(family(), WS_SOCK_STREAM);
  WS_fd_set empty = SetOf({});
  WS_fd_set one = SetOf({s});
  // No socket in any set: WSAEINVAL (Windows' select).
  EXPECT_EQ(Call(nullptr, nullptr, nullptr, &kPoll), -WSAEINVAL);
  EXPECT_EQ(Call(&empty, &empty, &empty, &kPoll), -WSAEINVAL);
  // A negative timeout.
  WS_timeval negative = {-1, 0};
  EXPECT_EQ(Call(&one, nullptr, nullptr, &negative), -WSAEINVAL);
  negative = {0, -5};
  EXPECT_EQ(Call(&one, nullptr, nullptr, &negative), -WSAEINVAL);
  // Something that is not a socket of this provider.
  WS_fd_set bogus = SetOf({s, static_cast<SOCKET>(0x7ffffff0)});
  EXPECT_EQ(Call(&bogus, nullptr, nullptr, &kPoll), -WSAENOTSOCK);
  EXPECT_EQ(bogus.fd_count, 2u);  // unchanged on failure
  // Unreadable sets and timeout.
  EXPECT_EQ(Call(reinterpret_cast<WS_fd_set *>(16), nullptr, nullptr, &kPoll), -WSAEFAULT);
  EXPECT_EQ(Call(&one, nullptr, nullptr, reinterpret_cast<const WS_timeval *>(16)), -WSAEFAULT);
  // fd_count running past the end of mapped memory.
  const long page = sysconf(_SC_PAGESIZE);
  void *mapping = aligned_alloc(static_cast<size_t>(page), static_cast<size_t>(page));
  ASSERT_NE(mapping, nullptr);
  auto *huge = static_cast<WS_fd_set *>(mapping);
  huge->fd_count = 0x10000000;
  huge->fd_array[0] = s;
  EXPECT_EQ(Call(huge, nullptr, nullptr, &kPoll), -WSAEFAULT);
  std::free(mapping);
  // A closed socket is no socket.
  Close(s);
  EXPECT_EQ(Call(&one, nullptr, nullptr, &kPoll), -WSAENOTSOCK);
}

TEST_P(Select, PollRewritesTheSetsToTheReadySockets) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  WS_fd_set r = SetOf({client, server});
  WS_fd_set w = SetOf({client, server});
  WS_fd_set x = SetOf({client, server});
  // Both writable, nothing to read, nothing exceptional.
  EXPECT_EQ(Call(&r, &w, &x, &kPoll), 2);
  EXPECT_EQ(r.fd_count, 0u);
  EXPECT_EQ(x.fd_count, 0u);
  ASSERT_EQ(w.fd_count, 2u);
  EXPECT_EQ(w.fd_array[0], client);  // the caller's order
  EXPECT_EQ(w.fd_array[1], server);
  ASSERT_EQ(send(Fd(client), "abc", 3, 0), 3);
  r = SetOf({client, server});
  EXPECT_EQ(Call(&r, nullptr, nullptr, &kGuard), 1);
  ASSERT_EQ(r.fd_count, 1u);
  EXPECT_EQ(r.fd_array[0], server);
  // nfds is ignored.
  r = SetOf({server});
  int error = 0;
  EXPECT_EQ(procs_.lpWSPSelect(-12345, &r, nullptr, nullptr, &kPoll, &error), 1);
  Close(client);
  Close(server);
}

TEST_P(Select, AListeningSocketIsReadableWithAConnectionWaiting) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  WS_fd_set r = SetOf({listener});
  EXPECT_EQ(Call(&r, nullptr, nullptr, &kPoll), 0);
  EXPECT_EQ(r.fd_count, 0u);
  SOCKET client = ConnectedTo(family(), address, length);
  r = SetOf({listener});
  EXPECT_EQ(Call(&r, nullptr, nullptr, &kGuard), 1);
  EXPECT_EQ(r.fd_count, 1u);
  Close(client);
  Close(listener);
}

int CALLBACK Defer(LPWSABUF, LPWSABUF, LPQOS, LPQOS, LPWSABUF, LPWSABUF, GROUP *, DWORD_PTR) {
  return CF_DEFER;
}

TEST_P(Select, AConnectionDeferredByAConditionKeepsTheListenerReadable) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = ConnectedTo(family(), address, length);
  int error = 0;
  ASSERT_EQ(procs_.lpWSPAccept(listener, nullptr, nullptr, Defer, 0, &error), INVALID_SOCKET);
  ASSERT_EQ(error, WSATRY_AGAIN);
  WS_fd_set r = SetOf({listener});
  EXPECT_EQ(Call(&r, nullptr, nullptr, &kPoll), 1);  // the deferred connection still waits
  SOCKET server = procs_.lpWSPAccept(listener, nullptr, nullptr, nullptr, 0, &error);
  ASSERT_NE(server, INVALID_SOCKET) << error;
  r = SetOf({listener});
  EXPECT_EQ(Call(&r, nullptr, nullptr, &kPoll), 0);
  Close(server);
  Close(client);
  Close(listener);
}

TEST_P(Select, AClosedOrResetConnectionIsReadable) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  Close(client);  // graceful: a receive would return 0
  WS_fd_set r = SetOf({server});
  EXPECT_EQ(Call(&r, nullptr, nullptr, &kGuard), 1);
  Close(server);

  Pair(family(), &client, &server);
  const struct linger abortive = {1, 0};
  ASSERT_EQ(setsockopt(Fd(client), SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive)), 0);
  Close(client);  // reset: a receive would fail
  r = SetOf({server});
  WS_fd_set w = SetOf({server});
  EXPECT_EQ(Call(&r, &w, nullptr, &kGuard), 1);
  EXPECT_EQ(r.fd_count, 1u);
  EXPECT_EQ(w.fd_count, 0u);  // a send would fail: not writable
  Close(server);
}

TEST_P(Select, OutOfBandDataIsExceptional) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  ASSERT_EQ(send(Fd(client), "!", 1, MSG_OOB), 1);
  WS_fd_set x = SetOf({server});
  EXPECT_EQ(Call(nullptr, nullptr, &x, &kGuard), 1);
  EXPECT_EQ(x.fd_count, 1u);
  // With SO_OOBINLINE the byte is normal data: readable, not exceptional.
  SOCKET client2, server2;
  Pair(family(), &client2, &server2);
  const int on = 1;
  ASSERT_EQ(setsockopt(Fd(server2), SOL_SOCKET, SO_OOBINLINE, &on, sizeof(on)), 0);
  ASSERT_EQ(send(Fd(client2), "!", 1, MSG_OOB), 1);
  WS_fd_set r = SetOf({server2});
  EXPECT_EQ(Call(&r, nullptr, nullptr, &kGuard), 1);
  x = SetOf({server2});
  EXPECT_EQ(Call(nullptr, nullptr, &x, &kPoll), 0);
  for (SOCKET s : {client, server, client2, server2}) Close(s);
}

TEST_P(Select, ANonBlockingConnectIsWritableWhenItSucceeds) {
  SOCKET listener;
  WS_sockaddr_in6 address;
  int length;
  Listen(family(), &listener, &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  SetNonBlocking(client);
  ASSERT_EQ(Connect(client, address, length), WSAEWOULDBLOCK);
  WS_fd_set w = SetOf({client});
  WS_fd_set x = SetOf({client});
  EXPECT_EQ(Call(nullptr, &w, &x, &kGuard), 1);
  EXPECT_EQ(w.fd_count, 1u);
  EXPECT_EQ(x.fd_count, 0u);
  // Connected now, as far as the provider is concerned.
  WS_sockaddr_in6 peer;
  int size = sizeof(peer);
  int error = 0;
  EXPECT_EQ(procs_.lpWSPGetPeerName(client, reinterpret_cast<WS_sockaddr *>(&peer), &size, &error),
            0)
      << error;
  Close(client);
  Close(listener);
}

TEST_P(Select, ANonBlockingConnectIsExceptionalWhenItFails) {
  WS_sockaddr_in6 address;
  int length;
  bp_test::DeadAddress(family(), &address, &length);
  SOCKET client = Socket(family(), WS_SOCK_STREAM);
  SetNonBlocking(client);
  ASSERT_EQ(Connect(client, address, length), WSAEWOULDBLOCK);
  WS_fd_set r = SetOf({client});
  WS_fd_set w = SetOf({client});
  WS_fd_set x = SetOf({client});
  EXPECT_EQ(Call(&r, &w, &x, &kGuard), 1);
  EXPECT_EQ(r.fd_count, 0u);
  EXPECT_EQ(w.fd_count, 0u);
  EXPECT_EQ(x.fd_count, 1u);
  // The error stays for the caller to ask (select took nothing away).
  int error = 0;
  socklen_t length_of = sizeof(error);
  ASSERT_EQ(getsockopt(Fd(client), SOL_SOCKET, SO_ERROR, &error, &length_of), 0);
  EXPECT_EQ(error, ECONNREFUSED);
  Close(client);
}

TEST_P(Select, ATimeoutWithNothingReadyReturnsZero) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  WS_fd_set r = SetOf({client, server});
  const WS_timeval short_wait = {0, 20000};
  EXPECT_EQ(Call(&r, nullptr, nullptr, &short_wait), 0);
  EXPECT_EQ(r.fd_count, 0u);
  // An unconnected stream socket is never ready, and does not make the wait spin.
  SOCKET idle = Socket(family(), WS_SOCK_STREAM);
  WS_fd_set all = SetOf({idle});
  WS_fd_set all_w = SetOf({idle});
  EXPECT_EQ(Call(&all, &all_w, nullptr, &short_wait), 0);
  Close(idle);
  Close(client);
  Close(server);
}

TEST_P(Select, ABlockingSelectEndsWhenDataArrives) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  const int fd = Fd(client);
  std::thread sender([fd] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)!send(fd, "x", 1, 0);
  });
  WS_fd_set r = SetOf({server});
  EXPECT_EQ(Call(&r, nullptr, nullptr, nullptr), 1);  // no timeout: blocks until ready
  EXPECT_EQ(r.fd_count, 1u);
  sender.join();
  Close(client);
  Close(server);
}

TEST_P(Select, ACloseOnAnotherThreadEndsABlockingSelectWithWsaeintr) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  std::atomic<bool> done{false};
  int result = 0;
  std::thread selecting([&] {
    WS_fd_set r = SetOf({server, client});
    result = Call(&r, nullptr, nullptr, nullptr);
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Close(server);
  selecting.join();
  EXPECT_EQ(result, -WSAEINTR);
  Close(client);
}

std::atomic<int> g_hook_calls{0};
INT_PTR WSAAPI CancellingHook() {
  if (++g_hook_calls == 3) WSACancelBlockingCall();
  return FALSE;
}

TEST_P(Select, TheBlockingHookRunsAndCanCancel) {
  SOCKET client, server;
  Pair(family(), &client, &server);
  g_hook_calls = 0;
  WSASetBlockingHook(reinterpret_cast<FARPROC>(CancellingHook));  // returns the previous: none
  WS_fd_set r = SetOf({server});
  EXPECT_EQ(Call(&r, nullptr, nullptr, nullptr), -WSAEINTR);
  EXPECT_GE(g_hook_calls.load(), 3);
  WSAUnhookBlockingHook();
  Close(client);
  Close(server);
}

// One set of 1,000 sockets (fd_count far past FD_SETSIZE): exactly the ones with data come
// back.
TEST_P(Select, AThousandSocketsInOneSet) {
  constexpr size_t kCount = 1000;
  rlimit limit;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < kCount + 200) {
    limit.rlim_cur = limit.rlim_max;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  }
  if (limit.rlim_cur < kCount + 200) GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << limit.rlim_max;
  WSAPROTOCOL_INFOW udp = bp_test::Entry(family(), WS_SOCK_DGRAM);
  std::vector<SOCKET> sockets(kCount);
  std::vector<WS_sockaddr_in6> addresses(kCount);
  int length = 0;
  for (size_t i = 0; i < kCount; ++i) {
    int error = 0;
    sockets[i] = procs_.lpWSPSocket(family(), WS_SOCK_DGRAM, 0, &udp, 0, 0, &error);
    ASSERT_NE(sockets[i], INVALID_SOCKET) << i << ": " << error;
    length = bp_test::Loopback(family(), 0, &addresses[i]);
    ASSERT_EQ(procs_.lpWSPBind(sockets[i], reinterpret_cast<WS_sockaddr *>(&addresses[i]), length,
                               &error),
              0);
    int size = sizeof(addresses[i]);
    ASSERT_EQ(procs_.lpWSPGetSockName(sockets[i], reinterpret_cast<WS_sockaddr *>(&addresses[i]),
                                      &size, &error),
              0);
  }
  BigSet r(kCount), w(kCount);
  for (SOCKET s : sockets) {
    r.Add(s);
    w.Add(s);
  }
  // Nothing received yet; every datagram socket can send.
  EXPECT_EQ(Call(r.get(), nullptr, nullptr, &kPoll), 0);
  EXPECT_EQ(Call(nullptr, w.get(), nullptr, &kPoll), static_cast<int>(kCount));
  EXPECT_EQ(w.get()->fd_count, kCount);
  // A datagram to every 97th socket, from a plain Linux socket.
  const int sender = socket(family() == WS_AF_INET ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
  ASSERT_GE(sender, 0);
  std::set<SOCKET> expected;
  for (size_t i = 0; i < kCount; i += 97) {
    sockaddr_storage to;
    socklen_t to_length = sizeof(to);
    std::memset(&to, 0, sizeof(to));
    if (family() == WS_AF_INET) {
      auto *in = reinterpret_cast<sockaddr_in *>(&to);
      in->sin_family = AF_INET;
      in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      in->sin_port = addresses[i].sin6_port;
      to_length = sizeof(*in);
    } else {
      auto *in6 = reinterpret_cast<sockaddr_in6 *>(&to);
      in6->sin6_family = AF_INET6;
      in6->sin6_addr = in6addr_loopback;
      in6->sin6_port = addresses[i].sin6_port;
      to_length = sizeof(*in6);
    }
    ASSERT_EQ(sendto(sender, "d", 1, 0, reinterpret_cast<sockaddr *>(&to), to_length), 1);
    expected.insert(sockets[i]);
  }
  close(sender);
  // Loopback delivers before sendto returns; the guard timeout only bounds a failure.
  BigSet r2(kCount);
  for (SOCKET s : sockets) r2.Add(s);
  EXPECT_EQ(Call(r2.get(), nullptr, nullptr, &kGuard), static_cast<int>(expected.size()));
  EXPECT_EQ(r2.Entries(), expected);
  for (SOCKET s : sockets) Close(s);
}

}  // namespace
