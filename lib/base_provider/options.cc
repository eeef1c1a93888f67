// The base provider's WSPGetSockOpt / WSPSetSockOpt: the SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP and
// IPPROTO_IPV6 options programs use, with Windows' value formats.
//
// Options Windows keeps itself, or with a meaning Linux's do not have, live in BaseSocket
// (timeouts, linger, SO_REUSEADDR / SO_EXCLUSIVEADDRUSE, SO_CONDITIONAL_ACCEPT, SO_DEBUG); the
// rest go to the Linux socket through net::OptionToUnix's (level, name) and value format.
//
// Value sizes: a BOOL option accepts any optlen from 1 on set ([inference] Windows reads the
// bytes given and treats any non-zero value as TRUE; Wine's tests show short BOOL lengths
// accepted) and writes min(optlen, 4) bytes on get; an int or DWORD option needs 4 bytes
// (WSAEFAULT below that, the documented "optlen too small").
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "base_provider/calls_internal.h"
#include "base_provider/procs.h"
#include "base_provider/socket.h"
#include "net/net.h"
#include "sockets/socket_record.h"

namespace ws2emu::base_provider {
namespace {

constexpr int kDword = static_cast<int>(sizeof(DWORD));

// Reads a BOOL / int value of `optlen` bytes (BOOL: 1..4, little-endian).
DWORD ReadValue(const char *optval, int optlen) {
  DWORD value = 0;
  std::memcpy(&value, optval, optlen < kDword ? static_cast<size_t>(optlen) : sizeof(value));
  return value;
}

// Writes a DWORD / int / BOOL result: 0 or WSAEFAULT when `*optlen` is below `minimum`.
int WriteValue(DWORD value, char *optval, LPINT optlen, int minimum) {
  if (*optlen < minimum) return WSAEFAULT;
  const int size = *optlen < kDword ? *optlen : kDword;
  std::memcpy(optval, &value, static_cast<size_t>(size));
  *optlen = size;
  return 0;
}

// Options that apply to connection-oriented sockets only; on a datagram socket Windows answers
// WSAENOPROTOOPT (setsockopt's documentation names SO_ACCEPTCONN, SO_DONTLINGER, SO_KEEPALIVE,
// SO_LINGER and SO_OOBINLINE; SO_CONDITIONAL_ACCEPT, SO_UPDATE_ACCEPT_CONTEXT and
// SO_UPDATE_CONNECT_CONTEXT belong with them), and SO_BROADCAST only to datagram ones.
bool AppliesTo(const BaseSocket &socket, int level, int name) {
  if (level == WS_IPPROTO_TCP) return socket.stream();
  if (level != WS_SOL_SOCKET) return true;
  switch (name) {
    case WS_SO_ACCEPTCONN:
    case WS_SO_DONTLINGER:
    case WS_SO_KEEPALIVE:
    case WS_SO_LINGER:
    case WS_SO_OOBINLINE:
    case WS_SO_CONDITIONAL_ACCEPT:
    case WS_SO_UPDATE_ACCEPT_CONTEXT:
    case WS_SO_UPDATE_CONNECT_CONTEXT:
      return socket.stream();
    case WS_SO_BROADCAST:
      return !socket.stream();
    default:
      return true;
  }
}

// The Linux option behind a Windows one that passes through, with its format; false for an
// option Windows does not serve on this socket (WSAENOPROTOOPT).
bool PassThrough(const BaseSocket &socket, int level, int name, net::OptionMapping *mapping) {
  // IP_HDRINCL / IPV6_HDRINCL are for raw sockets; TCP and UDP sockets refuse them.
  if ((level == WS_IPPROTO_IP && name == WS_IP_HDRINCL) ||
      (level == WS_IPPROTO_IPV6 && name == WS_IPV6_HDRINCL)) {
    return false;
  }
  // IPPROTO_IPV6 options on an IPv4 socket: [inference] WSAENOPROTOOPT, as Linux answers.
  if (level == WS_IPPROTO_IPV6 && socket.family() != WS_AF_INET6) return false;
  if (!net::OptionToUnix(level, name, mapping)) return false;
  switch (mapping->format) {
    case net::ValueFormat::kInt:
    case net::ValueFormat::kBool:
    case net::ValueFormat::kIpMreq:
    case net::ValueFormat::kIpv6Mreq:
      return true;
    default:
      // IP_MULTICAST_IF's in_addr has the same 4 bytes on both sides.
      return level == WS_IPPROTO_IP && name == WS_IP_MULTICAST_IF;
  }
}

// SO_RCVBUF / SO_SNDBUF: Linux doubles the value set (for its bookkeeping) and reports the
// doubled one; Windows reports what was set. [inference] Halving what Linux reports gives back
// the value set, within Linux's limits.
bool Doubled(int level, int name) {
  return level == WS_SOL_SOCKET && (name == WS_SO_RCVBUF || name == WS_SO_SNDBUF);
}

int GetPassThrough(BaseSocket &socket, int level, int name, const net::OptionMapping &m,
                   char *optval, LPINT optlen) {
  if (m.format == net::ValueFormat::kIpMreq || m.format == net::ValueFormat::kIpv6Mreq) {
    return WSAENOPROTOOPT;  // memberships are set-only
  }
  if (m.format == net::ValueFormat::kOther) {  // IP_MULTICAST_IF: an in_addr
    if (*optlen < kDword) return WSAEFAULT;
    in_addr address = {};
    socklen_t length = sizeof(address);
    if (getsockopt(socket.fd(), m.unix_level, m.unix_name, &address, &length) != 0) {
      return net::WsaErrorFromErrno(errno);
    }
    std::memcpy(optval, &address, sizeof(address));
    *optlen = sizeof(address);
    return 0;
  }
  int value = 0;
  socklen_t length = sizeof(value);
  if (getsockopt(socket.fd(), m.unix_level, m.unix_name, &value, &length) != 0) {
    return net::WsaErrorFromErrno(errno);
  }
  if (length == 1) value = static_cast<unsigned char>(*reinterpret_cast<char *>(&value));
  if (Doubled(level, name)) value /= 2;
  if (m.format == net::ValueFormat::kBool) value = value != 0;
  return WriteValue(static_cast<DWORD>(value), optval, optlen,
                    m.format == net::ValueFormat::kBool ? 1 : kDword);
}

int SetPassThrough(BaseSocket &socket, const net::OptionMapping &m, const char *optval,
                   int optlen) {
  if (m.format == net::ValueFormat::kIpMreq || m.format == net::ValueFormat::kIpv6Mreq ||
      m.format == net::ValueFormat::kOther) {
    // ip_mreq (8 bytes), ipv6_mreq (20 bytes) and IP_MULTICAST_IF's in_addr have Linux's
    // layout: the structure goes through as it is.
    const int size = m.format == net::ValueFormat::kIpMreq     ? 8
                     : m.format == net::ValueFormat::kIpv6Mreq ? 20
                                                               : 4;
    if (optlen < size) return WSAEFAULT;
    if (setsockopt(socket.fd(), m.unix_level, m.unix_name, optval, static_cast<socklen_t>(size)) !=
        0) {
      return net::WsaErrorFromErrno(errno);
    }
    return 0;
  }
  if (optlen < (m.format == net::ValueFormat::kBool ? 1 : kDword)) return WSAEFAULT;
  DWORD raw = ReadValue(optval, optlen);
  int value = m.format == net::ValueFormat::kBool ? (raw != 0) : static_cast<int>(raw);
  if (setsockopt(socket.fd(), m.unix_level, m.unix_name, &value, sizeof(value)) != 0) {
    return net::WsaErrorFromErrno(errno);
  }
  return 0;
}

// WSAPROTOCOL_INFOA: the W form with its name narrowed ([inference] MSAFD's names are ASCII).
void NarrowProtocolInfo(const WSAPROTOCOL_INFOW &wide, WSAPROTOCOL_INFOA *narrow) {
  static_assert(offsetof(WSAPROTOCOL_INFOW, szProtocol) == offsetof(WSAPROTOCOL_INFOA, szProtocol));
  std::memcpy(narrow, &wide, offsetof(WSAPROTOCOL_INFOA, szProtocol));
  for (int i = 0; i <= WSAPROTOCOL_LEN; ++i) {
    const WCHAR c = wide.szProtocol[i];
    narrow->szProtocol[i] = static_cast<CHAR>(c < 0x80 ? c : '?');
  }
  narrow->szProtocol[WSAPROTOCOL_LEN] = '\0';
}

// SO_UPDATE_ACCEPT_CONTEXT / SO_UPDATE_CONNECT_CONTEXT: after AcceptEx / ConnectEx, the socket
// becomes a connected one for getpeername, shutdown and the data calls. [inference] The Linux
// socket must really be connected (WSAENOTCONN otherwise: nothing to update).
int MarkConnected(BaseSocket &socket) {
  sockaddr_storage peer;
  socklen_t length = sizeof(peer);
  if (getpeername(socket.fd(), reinterpret_cast<sockaddr *>(&peer), &length) != 0) {
    return errno == ENOTCONN ? WSAENOTCONN : net::WsaErrorFromErrno(errno);
  }
  socket.Clear(BaseSocket::kConnecting);
  socket.Set(BaseSocket::kConnected | BaseSocket::kBound);
  int64_t expected = 0;
  socket.connected_at_ms.compare_exchange_strong(expected, MonotonicMs());
  return 0;
}

int UpdateAcceptContext(BaseSocket &socket, const char *optval, int optlen) {
  if (optval == nullptr || optlen < static_cast<int>(sizeof(SOCKET))) return WSAEFAULT;
  SOCKET listener_handle;
  std::memcpy(&listener_handle, optval, sizeof(listener_handle));
  SocketCall listener(listener_handle, nullptr);
  if (!listener) return WSAENOTSOCK;
  if (!listener->has(BaseSocket::kListening)) return WSAEINVAL;
  if (int e = MarkConnected(socket); e != 0) return e;
  // The accepted socket takes the listening socket's options, as one from WSPAccept does.
  socket.Set(listener->state() & (BaseSocket::kNonBlocking | BaseSocket::kOobInline));
  socket.receive_timeout_ms.store(listener->receive_timeout_ms.load());
  socket.send_timeout_ms.store(listener->send_timeout_ms.load());
  socket.linger_onoff.store(listener->linger_onoff.load());
  socket.linger_seconds.store(listener->linger_seconds.load());
  // [inference] and its network-event registration: WSAAccept's "same properties as socket s,
  // including the asynchronous events registered with WSAAsyncSelect or WSAEventSelect", which
  // AcceptEx's socket gets only now (AcceptEx: "does not inherit the properties ... until
  // SO_UPDATE_ACCEPT_CONTEXT is set").
  InheritEvents(*listener, socket);
  return 0;
}

int GetSocketLevel(BaseSocket &socket, int name, char *optval, LPINT optlen, bool *handled) {
  *handled = true;
  switch (name) {
    case WS_SO_RCVTIMEO:
      return WriteValue(socket.receive_timeout_ms.load(), optval, optlen, kDword);
    case WS_SO_SNDTIMEO:
      return WriteValue(socket.send_timeout_ms.load(), optval, optlen, kDword);
    case WS_SO_LINGER: {
      if (*optlen < static_cast<int>(sizeof(WS_linger))) return WSAEFAULT;
      const WS_linger linger = {socket.linger_onoff.load(), socket.linger_seconds.load()};
      std::memcpy(optval, &linger, sizeof(linger));
      *optlen = sizeof(linger);
      return 0;
    }
    case WS_SO_DONTLINGER:
      return WriteValue(socket.linger_onoff.load() == 0, optval, optlen, 1);
    case WS_SO_REUSEADDR:
      return WriteValue(socket.has(BaseSocket::kReuseAddr), optval, optlen, 1);
    case WS_SO_EXCLUSIVEADDRUSE:
      return WriteValue(socket.has(BaseSocket::kExclusiveAddrUse), optval, optlen, 1);
    case WS_SO_CONDITIONAL_ACCEPT:
      return WriteValue(socket.has(BaseSocket::kConditionalAccept), optval, optlen, 1);
    case WS_SO_DEBUG:
      return WriteValue(socket.has(BaseSocket::kDebug), optval, optlen, 1);
    case WS_SO_ACCEPTCONN:
      return WriteValue(socket.has(BaseSocket::kListening), optval, optlen, 1);
    case WS_SO_TYPE:
      return WriteValue(static_cast<DWORD>(socket.type()), optval, optlen, kDword);
    case WS_SO_ERROR: {
      // The pending error as a Windows code; reading clears it (Linux's SO_ERROR does too).
      int error = 0;
      socklen_t length = sizeof(error);
      if (getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
      const DWORD code = error == 0 ? 0 : static_cast<DWORD>(net::WsaErrorFromErrno(error));
      return WriteValue(code, optval, optlen, kDword);
    }
    case WS_SO_MAX_MSG_SIZE:
      // The catalog entry's message size (UDP: 0xFFBB; a stream's entry says 0: no limit).
      return WriteValue(socket.protocol_info().dwMessageSize, optval, optlen, kDword);
    case WS_SO_CONNECT_TIME: {
      Connected(socket);  // a non-blocking connect may have finished since
      const int64_t since = socket.connected_at_ms.load();
      const DWORD seconds =
          since == 0 ? 0xFFFFFFFFu : static_cast<DWORD>((MonotonicMs() - since) / 1000);
      return WriteValue(seconds, optval, optlen, kDword);
    }
    case WS_SO_GROUP_ID:
    case WS_SO_GROUP_PRIORITY:
      return WriteValue(0, optval, optlen, kDword);  // socket groups are reserved
    case WS_SO_PROTOCOL_INFOW:
      if (*optlen < static_cast<int>(sizeof(WSAPROTOCOL_INFOW))) {
        *optlen = sizeof(WSAPROTOCOL_INFOW);
        return WSAEFAULT;
      }
      std::memcpy(optval, &socket.protocol_info(), sizeof(WSAPROTOCOL_INFOW));
      *optlen = sizeof(WSAPROTOCOL_INFOW);
      return 0;
    case WS_SO_PROTOCOL_INFOA: {
      if (*optlen < static_cast<int>(sizeof(WSAPROTOCOL_INFOA))) {
        *optlen = sizeof(WSAPROTOCOL_INFOA);
        return WSAEFAULT;
      }
      WSAPROTOCOL_INFOA narrow;
      NarrowProtocolInfo(socket.protocol_info(), &narrow);
      std::memcpy(optval, &narrow, sizeof(narrow));
      *optlen = sizeof(narrow);
      return 0;
    }
    case WS_SO_UPDATE_ACCEPT_CONTEXT:
    case WS_SO_UPDATE_CONNECT_CONTEXT:
      return WSAENOPROTOOPT;  // [inference] set-only
    default:
      *handled = false;
      return 0;
  }
}

int SetSocketLevel(BaseSocket &socket, int name, const char *optval, int optlen, bool *handled) {
  *handled = true;
  switch (name) {
    case WS_SO_RCVTIMEO:
    case WS_SO_SNDTIMEO: {
      if (optlen < kDword) return WSAEFAULT;
      const DWORD ms = ReadValue(optval, optlen);
      (name == WS_SO_RCVTIMEO ? socket.receive_timeout_ms : socket.send_timeout_ms).store(ms);
      return 0;
    }
    case WS_SO_LINGER: {
      if (optlen < static_cast<int>(sizeof(WS_linger))) return WSAEFAULT;
      WS_linger linger;
      std::memcpy(&linger, optval, sizeof(linger));
      socket.linger_seconds.store(linger.l_linger);
      socket.linger_onoff.store(linger.l_onoff != 0);
      return 0;
    }
    case WS_SO_DONTLINGER:
      // FALSE turns lingering on with the l_linger set before (setsockopt's documentation).
      if (optlen < 1) return WSAEFAULT;
      socket.linger_onoff.store(ReadValue(optval, optlen) == 0);
      return 0;
    case WS_SO_REUSEADDR:
    case WS_SO_EXCLUSIVEADDRUSE: {
      if (optlen < 1) return WSAEFAULT;
      const bool on = ReadValue(optval, optlen) != 0;
      const uint32_t bit =
          name == WS_SO_REUSEADDR ? BaseSocket::kReuseAddr : BaseSocket::kExclusiveAddrUse;
      const uint32_t other =
          name == WS_SO_REUSEADDR ? BaseSocket::kExclusiveAddrUse : BaseSocket::kReuseAddr;
      // The two exclude each other (SO_EXCLUSIVEADDRUSE's documentation: WSAEINVAL), and both
      // take effect at bind: [inference] changing either after bind is WSAEINVAL.
      if (on && socket.has(other)) return WSAEINVAL;
      if (socket.has(BaseSocket::kBound)) return WSAEINVAL;
      if (on) socket.Set(bit);
      else socket.Clear(bit);
      return 0;
    }
    case WS_SO_CONDITIONAL_ACCEPT:
    case WS_SO_DEBUG: {
      // SO_DEBUG is kept and reads back ([inference] Linux's needs CAP_NET_ADMIN, and
      // Windows' traces nothing programs can see).
      if (optlen < 1) return WSAEFAULT;
      const uint32_t bit =
          name == WS_SO_DEBUG ? BaseSocket::kDebug : BaseSocket::kConditionalAccept;
      if (ReadValue(optval, optlen) != 0) socket.Set(bit);
      else socket.Clear(bit);
      return 0;
    }
    case WS_SO_OOBINLINE: {
      if (optlen < 1) return WSAEFAULT;
      const int on = ReadValue(optval, optlen) != 0;
      if (setsockopt(socket.fd(), SOL_SOCKET, SO_OOBINLINE, &on, sizeof(on)) != 0) {
        return net::WsaErrorFromErrno(errno);
      }
      if (on) socket.Set(BaseSocket::kOobInline);
      else socket.Clear(BaseSocket::kOobInline);
      return 0;
    }
    case WS_SO_UPDATE_ACCEPT_CONTEXT:
      return UpdateAcceptContext(socket, optval, optlen);
    case WS_SO_UPDATE_CONNECT_CONTEXT:
      return MarkConnected(socket);
    case WS_SO_GROUP_PRIORITY:
      return optlen < kDword ? WSAEFAULT : 0;  // [inference] no groups: nothing to order
    case WS_SO_ACCEPTCONN:
    case WS_SO_TYPE:
    case WS_SO_ERROR:
    case WS_SO_MAX_MSG_SIZE:
    case WS_SO_CONNECT_TIME:
    case WS_SO_GROUP_ID:
    case WS_SO_PROTOCOL_INFOW:
    case WS_SO_PROTOCOL_INFOA:
      return WSAENOPROTOOPT;  // read-only options (getsockopt's table: "get" only)
    default:
      *handled = false;
      return 0;
  }
}

}  // namespace

int WSPAPI WSPGetSockOpt(SOCKET s, int level, int optname, char *optval, LPINT optlen,
                         LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  if (optval == nullptr || optlen == nullptr) return Fail(lpErrno, WSAEFAULT);
  if (*optlen < 0) return Fail(lpErrno, WSAEFAULT);
  if (!AppliesTo(socket, level, optname)) return Fail(lpErrno, WSAENOPROTOOPT);
  if (level == WS_SOL_SOCKET) {
    bool handled;
    const int e = GetSocketLevel(socket, optname, optval, optlen, &handled);
    if (handled) return e == 0 ? 0 : Fail(lpErrno, e);
  }
  net::OptionMapping mapping;
  if (!PassThrough(socket, level, optname, &mapping)) return Fail(lpErrno, WSAENOPROTOOPT);
  const int e = GetPassThrough(socket, level, optname, mapping, optval, optlen);
  return e == 0 ? 0 : Fail(lpErrno, e);
}

int WSPAPI WSPSetSockOpt(SOCKET s, int level, int optname, const char *optval, int optlen,
                         LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  if (!AppliesTo(socket, level, optname)) return Fail(lpErrno, WSAENOPROTOOPT);
  // SO_UPDATE_CONNECT_CONTEXT takes no value; every other option needs one.
  const bool no_value = level == WS_SOL_SOCKET && optname == WS_SO_UPDATE_CONNECT_CONTEXT;
  if (!no_value && (optval == nullptr || optlen < 0)) return Fail(lpErrno, WSAEFAULT);
  if (level == WS_SOL_SOCKET) {
    bool handled;
    const int e = SetSocketLevel(socket, optname, optval, optlen, &handled);
    if (handled) return e == 0 ? 0 : Fail(lpErrno, e);
  }
  net::OptionMapping mapping;
  if (!PassThrough(socket, level, optname, &mapping)) return Fail(lpErrno, WSAENOPROTOOPT);
  const int e = SetPassThrough(socket, mapping, optval, optlen);
  return e == 0 ? 0 : Fail(lpErrno, e);
}

}  // namespace ws2emu::base_provider
