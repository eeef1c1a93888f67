// WSAConnectByNameA/W: resolve a host and a service, then connect the socket to the first
// address that answers, within an optional total time, through the socket's own provider.
//
// The documented behaviour: nodename or servicename null, or Reserved not null, is WSAEINVAL;
// a name that does not resolve to an address of the socket's family is WSAEHOSTUNREACH; the
// time running out is WSAETIMEDOUT; otherwise the last connection attempt's error. On success
// the local and remote addresses are returned as getsockname / getpeername give them (either
// may be null; a buffer too small is WSAEFAULT). The socket may be unbound (the provider binds
// it). An IPv6 socket also takes the name's IPv4 addresses, as IPv4-mapped IPv6 addresses:
// Windows' dual-mode rule ([inference] they connect only where IPV6_V6ONLY has been turned off,
// as the documentation tells callers to; otherwise that attempt fails and the next is tried).
//
// The time limit (timeout non-null) covers all attempts: each connect is made non-blocking
// (FIONBIO) and waited for with select, then the socket is made blocking again. The name is
// resolved with the system resolver (getaddrinfo(3): /etc/hosts, DNS), which has no time limit
// of its own. [inference] Without a time limit the connects block, as connect does.
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "base/utf.h"
#include "net/net.h"
#include "winsock/call.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {
namespace {

using Clock = std::chrono::steady_clock;

// The addresses of `node`:`service` as Windows sockaddrs of `family`, or a WSA error.
int Resolve(const std::string &node, const std::string &service, int family,
            std::vector<WS_sockaddr_in6> *out, std::vector<int> *lengths) {
  addrinfo hints{};
  hints.ai_family = family == WS_AF_INET ? AF_INET : AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = family == WS_AF_INET6 ? (AI_V4MAPPED | AI_ALL) : 0;
  addrinfo *list = nullptr;
  const int rc = getaddrinfo(node.c_str(), service.c_str(), &hints, &list);
  if (rc == EAI_MEMORY) return WSAENOBUFS;
  if (rc == EAI_SERVICE) return WSATYPE_NOT_FOUND;
  if (rc != 0) return WSAEHOSTUNREACH;
  for (addrinfo *a = list; a != nullptr; a = a->ai_next) {
    sockaddr_in6 mapped{};
    const sockaddr *sa = a->ai_addr;
    socklen_t len = a->ai_addrlen;
    if (family == WS_AF_INET6 && sa->sa_family == AF_INET) {
      const auto *in = reinterpret_cast<const sockaddr_in *>(sa);
      mapped.sin6_family = AF_INET6;
      mapped.sin6_port = in->sin_port;
      mapped.sin6_addr.s6_addr[10] = 0xff;
      mapped.sin6_addr.s6_addr[11] = 0xff;
      std::memcpy(&mapped.sin6_addr.s6_addr[12], &in->sin_addr, 4);
      sa = reinterpret_cast<const sockaddr *>(&mapped);
      len = sizeof(mapped);
    }
    if (net::FamilyFromUnix(sa->sa_family) != family) continue;
    WS_sockaddr_in6 ws{};
    int ws_len = sizeof(ws);
    if (net::SockaddrFromUnix(sa, len, reinterpret_cast<WS_sockaddr *>(&ws), &ws_len) != 0) {
      continue;
    }
    out->push_back(ws);
    lengths->push_back(ws_len);
  }
  freeaddrinfo(list);
  return out->empty() ? WSAEHOSTUNREACH : 0;
}

// One connect attempt within `deadline` (none: blocking). 0 or the WSA error.
int ConnectOnce(SOCKET s, const WS_sockaddr_in6 &address, int length, bool limited,
                Clock::time_point deadline) {
  const auto *sa = reinterpret_cast<const WS_sockaddr *>(&address);
  if (!limited) {
    if (ws2emu_connect(s, sa, length) == 0) return 0;
    return WSAGetLastError();
  }
  WS_u_long on = 1, off = 0;
  if (ws2emu_ioctlsocket(s, WS_FIONBIO, &on) != 0) return WSAGetLastError();
  int error = 0;
  if (ws2emu_connect(s, sa, length) != 0) {
    error = WSAGetLastError();
    if (error == WSAEWOULDBLOCK) {
      const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
          deadline - Clock::now());
      const long long us = left.count() > 0 ? left.count() : 0;
      WS_timeval tv = {static_cast<LONG>(us / 1000000), static_cast<LONG>(us % 1000000)};
      WS_fd_set w, x;
      WS_FD_ZERO(&w);
      WS_FD_SET(s, &w);
      WS_FD_ZERO(&x);
      WS_FD_SET(s, &x);
      const int n = ws2emu_select(0, nullptr, &w, &x, &tv);
      if (n == SOCKET_ERROR) {
        error = WSAGetLastError();
      } else if (n == 0) {
        error = WSAETIMEDOUT;
      } else {
        int so_error = 0, so_len = sizeof(so_error);
        error = ws2emu_getsockopt(s, WS_SOL_SOCKET, WS_SO_ERROR,
                                  reinterpret_cast<char *>(&so_error), &so_len) == 0
                    ? so_error
                    : WSAGetLastError();
      }
    }
  }
  ws2emu_ioctlsocket(s, WS_FIONBIO, &off);
  return error;
}

// Copies the address of `query` (getsockname / getpeername) into a caller's buffer.
int ReturnAddress(SOCKET s, bool peer, LPDWORD length, struct WS_sockaddr *out) {
  if (out == nullptr) return 0;
  if (length == nullptr) return WSAEFAULT;
  WS_sockaddr_in6 a{};
  int len = sizeof(a);
  const int rc = peer ? ws2emu_getpeername(s, reinterpret_cast<WS_sockaddr *>(&a), &len)
                      : ws2emu_getsockname(s, reinterpret_cast<WS_sockaddr *>(&a), &len);
  if (rc != 0) return WSAGetLastError();
  if (*length < static_cast<DWORD>(len)) return WSAEFAULT;
  std::memcpy(out, &a, static_cast<size_t>(len));
  *length = static_cast<DWORD>(len);
  return 0;
}

BOOL ConnectByName(SOCKET s, const char *node, const char *service, LPDWORD local_length,
                   struct WS_sockaddr *local, LPDWORD remote_length, struct WS_sockaddr *remote,
                   const struct WS_timeval *timeout, LPWSAOVERLAPPED reserved) try {
  const Clock::time_point start = Clock::now();
  int family = 0;
  {
    SocketCall call(s);
    if (!call) return FailWith(call.error(), FALSE);
    if (node == nullptr || service == nullptr || reserved != nullptr) {
      return FailWith(WSAEINVAL, FALSE);
    }
    if (timeout != nullptr && (timeout->tv_sec < 0 || timeout->tv_usec < 0)) {
      return FailWith(WSAEINVAL, FALSE);
    }
    WSAPROTOCOL_INFOW info{};
    int len = sizeof(info);
    int error = 0;
    if (call.procs().lpWSPGetSockOpt(s, WS_SOL_SOCKET, WS_SO_PROTOCOL_INFOW,
                                     reinterpret_cast<char *>(&info), &len, &error) != 0) {
      return FailWith(error, FALSE);
    }
    if (info.iSocketType != WS_SOCK_STREAM) return FailWith(WSAEOPNOTSUPP, FALSE);
    family = info.iAddressFamily;
  }
  std::vector<WS_sockaddr_in6> addresses;
  std::vector<int> lengths;
  if (int e = Resolve(node, service, family, &addresses, &lengths); e != 0) {
    return FailWith(e, FALSE);
  }
  const bool limited = timeout != nullptr;
  const Clock::time_point deadline =
      limited ? start + std::chrono::seconds(timeout->tv_sec) +
                    std::chrono::microseconds(timeout->tv_usec)
              : Clock::time_point::max();
  int error = WSAEHOSTUNREACH;
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (limited && Clock::now() >= deadline) {
      error = WSAETIMEDOUT;
      break;
    }
    error = ConnectOnce(s, addresses[i], lengths[i], limited, deadline);
    if (error == 0 || error == WSAETIMEDOUT || error == WSAENOTSOCK || error == WSAEISCONN) break;
  }
  if (error != 0) return FailWith(error, FALSE);
  if (int e = ReturnAddress(s, false, local_length, local); e != 0) return FailWith(e, FALSE);
  if (int e = ReturnAddress(s, true, remote_length, remote); e != 0) return FailWith(e, FALSE);
  return TRUE;
} catch (const std::bad_alloc &) {
  return FailWith(WSAENOBUFS, FALSE);  // the address list or the names' copies
}

}  // namespace
}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

BOOL WSAAPI WSAConnectByNameA(SOCKET s, LPCSTR nodename, LPCSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct WS_timeval *timeout, LPWSAOVERLAPPED Reserved) {
  return ConnectByName(s, nodename, servicename, LocalAddressLength, LocalAddress,
                       RemoteAddressLength, RemoteAddress, timeout, Reserved);
}

BOOL WSAAPI WSAConnectByNameW(SOCKET s, LPWSTR nodename, LPWSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct WS_timeval *timeout, LPWSAOVERLAPPED Reserved) {
  std::string node, service;
  try {
    if (nodename != nullptr) node = Utf16ToUtf8(reinterpret_cast<const char16_t *>(nodename));
    if (servicename != nullptr) {
      service = Utf16ToUtf8(reinterpret_cast<const char16_t *>(servicename));
    }
  } catch (const std::bad_alloc &) {
    return FailWith(WSAENOBUFS, FALSE);
  }
  return ConnectByName(s, nodename != nullptr ? node.c_str() : nullptr,
                       servicename != nullptr ? service.c_str() : nullptr, LocalAddressLength,
                       LocalAddress, RemoteAddressLength, RemoteAddress, timeout, Reserved);
}

}  // extern "C"
