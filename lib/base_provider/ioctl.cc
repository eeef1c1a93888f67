// The base provider's WSPIoctl: FIONBIO, FIONREAD, SIOCATMARK, SIO_KEEPALIVE_VALS,
// SIO_ADDRESS_LIST_QUERY, SIO_BASE_HANDLE and the SIO_BSP_HANDLE* codes,
// SIO_GET_EXTENSION_FUNCTION_POINTER and SIO_UDP_CONNRESET. An overlapped WSPIoctl does its work
// at once and delivers the completion through overlapped.h's CompleteNow.
#include <ifaddrs.h>
#include <net/if.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "base_provider/calls_internal.h"
#include "base_provider/network_events.h"
#include "base_provider/overlapped.h"
#include "base_provider/procs.h"
#include "base_provider/socket.h"
#include "net/net.h"

namespace ws2emu::base_provider {
namespace {

// The result of one ioctl: a WSA error (0 on success) and the bytes written to the output.
struct Result {
  int error = 0;
  DWORD bytes = 0;
};

Result Error(int error, DWORD bytes = 0) { return {error, bytes}; }

bool ReadDword(const void *in, DWORD size, DWORD *value) {
  if (in == nullptr || size < sizeof(DWORD)) return false;
  std::memcpy(value, in, sizeof(*value));
  return true;
}

Result WriteOut(const void *value, DWORD size, void *out, DWORD out_size) {
  if (out == nullptr || out_size < size) return Error(WSAEFAULT);
  std::memcpy(out, value, size);
  return {0, size};
}

// FIONBIO: non-zero makes the socket non-blocking. Going back to blocking is refused with
// WSAEINVAL while WSPEventSelect / WSPAsyncSelect is in force (ioctlsocket's documentation).
Result NonBlockingIoctl(BaseSocket &socket, const void *in, DWORD in_size) {
  DWORD on;
  if (!ReadDword(in, in_size, &on)) return Error(WSAEFAULT);
  if (on == 0 && SelectsEvents(socket)) return Error(WSAEINVAL);
  if (on != 0) socket.Set(BaseSocket::kNonBlocking);
  else socket.Clear(BaseSocket::kNonBlocking);
  return {};
}

// FIONREAD: the bytes a receive can take now. A stream: what is queued. A datagram socket:
// [inference] the size of the next datagram (Linux's answer; Windows documents the total
// queued, of which one receive takes at most one datagram).
Result BytesAvailable(BaseSocket &socket, void *out, DWORD out_size) {
  int available = 0;
  if (ioctl(socket.fd(), FIONREAD, &available) != 0) return Error(net::WsaErrorFromErrno(errno));
  const WS_u_long value = static_cast<WS_u_long>(available < 0 ? 0 : available);
  return WriteOut(&value, sizeof(value), out, out_size);
}

// SIOCATMARK: TRUE when no out-of-band data waits to be read with MSG_OOB (ioctlsocket's
// documentation). With SO_OOBINLINE, whether the read position is at the urgent mark (Linux's
// SIOCATMARK, the BSD meaning the Windows documentation keeps for inline data).
Result AtMark(BaseSocket &socket, void *out, DWORD out_size) {
  WS_u_long at_mark = 1;
  if (socket.stream()) {
    if (socket.has(BaseSocket::kOobInline)) {
      int mark = 0;
      if (ioctl(socket.fd(), SIOCATMARK, &mark) != 0) return Error(net::WsaErrorFromErrno(errno));
      at_mark = mark != 0;
    } else {
      char byte;
      const ssize_t n = recv(socket.fd(), &byte, 1, MSG_OOB | MSG_PEEK | MSG_DONTWAIT);
      at_mark = n < 0;  // EINVAL / EAGAIN: no urgent byte waiting
    }
  }
  return WriteOut(&at_mark, sizeof(at_mark), out, out_size);
}

// SIO_KEEPALIVE_VALS: tcp_keepalive {onoff, keepalivetime ms, keepaliveinterval ms} ->
// SO_KEEPALIVE, TCP_KEEPIDLE and TCP_KEEPINTVL in whole seconds, rounded up (Linux counts
// seconds, at least 1).
Result KeepaliveValues(BaseSocket &socket, const void *in, DWORD in_size) {
  if (!socket.stream()) return Error(WSAEOPNOTSUPP);  // [inference] TCP's option only
  if (in == nullptr || in_size < sizeof(tcp_keepalive)) return Error(WSAEFAULT);
  tcp_keepalive values;
  std::memcpy(&values, in, sizeof(values));
  auto seconds = [](ULONG ms) {
    const uint64_t s = (uint64_t{ms} + 999) / 1000;
    return static_cast<int>(s == 0 ? 1 : s > 32767 ? 32767 : s);  // Linux's MAX_TCP_KEEPIDLE
  };
  const int on = values.onoff != 0;
  const int idle = seconds(values.keepalivetime);
  const int interval = seconds(values.keepaliveinterval);
  if (setsockopt(socket.fd(), SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) != 0 ||
      (on && (setsockopt(socket.fd(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) != 0 ||
              setsockopt(socket.fd(), IPPROTO_TCP, TCP_KEEPINTVL, &interval,
                         sizeof(interval)) != 0))) {
    return Error(net::WsaErrorFromErrno(errno));
  }
  return {};
}

// SIO_ADDRESS_LIST_QUERY: the machine's addresses of the socket's family as a
// SOCKET_ADDRESS_LIST: the count, the SOCKET_ADDRESS array, then the sockaddrs it points at, in
// one buffer. WSAEFAULT with the size needed in the byte count when the buffer is too small.
// [inference] Interfaces that are down and loopback addresses are left out, as Windows' list
// holds the addresses of the interfaces a program would advertise.
Result AddressList(BaseSocket &socket, void *out, DWORD out_size) {
  ifaddrs *list = nullptr;
  if (getifaddrs(&list) != 0) return Error(errno == ENOMEM ? WSAENOBUFS : WSAENETDOWN);
  const int family = net::FamilyToUnix(socket.family());
  const int address_size = net::SockaddrSize(socket.family());
  auto wanted = [&](const ifaddrs *a) {
    return a->ifa_addr != nullptr && a->ifa_addr->sa_family == family &&
           (a->ifa_flags & IFF_UP) != 0 && (a->ifa_flags & IFF_LOOPBACK) == 0;
  };
  size_t count = 0;
  for (const ifaddrs *a = list; a != nullptr; a = a->ifa_next) count += wanted(a);
  const size_t header = offsetof(SOCKET_ADDRESS_LIST, Address) + count * sizeof(SOCKET_ADDRESS);
  const size_t needed = header + count * static_cast<size_t>(address_size);
  if (out == nullptr || out_size < needed) {
    freeifaddrs(list);
    return Error(WSAEFAULT, static_cast<DWORD>(needed));
  }
  auto *result = static_cast<SOCKET_ADDRESS_LIST *>(out);
  auto *addresses = static_cast<char *>(out) + header;
  size_t i = 0;
  for (const ifaddrs *a = list; a != nullptr && i < count; a = a->ifa_next) {
    if (!wanted(a)) continue;
    auto *address = reinterpret_cast<WS_sockaddr *>(addresses + i * address_size);
    int length = address_size;
    const socklen_t unix_length =
        family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    if (net::SockaddrFromUnix(a->ifa_addr, unix_length, address, &length) != 0) continue;
    result->Address[i].lpSockaddr = address;
    result->Address[i].iSockaddrLength = length;
    ++i;
  }
  result->iAddressCount = static_cast<INT>(i);
  freeifaddrs(list);
  return {0, static_cast<DWORD>(needed)};
}

// SIO_GET_EXTENSION_FUNCTION_POINTER: a GUID in, the function's address out; WSAEINVAL for a
// GUID the provider has no function for.
Result ExtensionPointer(const void *in, DWORD in_size, void *out, DWORD out_size) {
  if (in == nullptr || in_size < sizeof(GUID)) return Error(WSAEFAULT);
  if (out == nullptr || out_size < sizeof(void *)) return Error(WSAEFAULT);
  GUID guid;
  std::memcpy(&guid, in, sizeof(guid));
  void *function = ExtensionFunction(guid);
  if (function == nullptr) return Error(WSAEINVAL);
  return WriteOut(&function, sizeof(function), out, out_size);
}

// SIO_UDP_CONNRESET: whether an ICMP port unreachable is reported as WSAECONNRESET on the next
// receive (on by default). UDP only.
Result UdpConnReset(BaseSocket &socket, const void *in, DWORD in_size) {
  if (socket.stream()) return Error(WSAEINVAL);  // [inference] a datagram socket's option
  DWORD on;
  if (!ReadDword(in, in_size, &on)) return Error(WSAEFAULT);
  if (on != 0) socket.Clear(BaseSocket::kNoUdpConnReset);
  else socket.Set(BaseSocket::kNoUdpConnReset);
  return {};
}

Result Run(const SocketCall &call, DWORD code, const void *in, DWORD in_size, void *out,
           DWORD out_size) {
  BaseSocket &socket = *call;
  switch (code) {
    case WS_FIONBIO:
      return NonBlockingIoctl(socket, in, in_size);
    case WS_FIONREAD:
      return BytesAvailable(socket, out, out_size);
    case WS_SIOCATMARK:
      return AtMark(socket, out, out_size);
    case SIO_KEEPALIVE_VALS:
      return KeepaliveValues(socket, in, in_size);
    case SIO_ADDRESS_LIST_QUERY:
      return AddressList(socket, out, out_size);
    case SIO_BASE_HANDLE:
    case SIO_BSP_HANDLE:
    case SIO_BSP_HANDLE_SELECT:
    case SIO_BSP_HANDLE_POLL: {
      // This is the base provider: its handle is the base handle.
      const SOCKET handle = call.handle();
      return WriteOut(&handle, sizeof(handle), out, out_size);
    }
    case SIO_GET_EXTENSION_FUNCTION_POINTER:
      return ExtensionPointer(in, in_size, out, out_size);
    case SIO_UDP_CONNRESET:
      return UdpConnReset(socket, in, in_size);
    default:
      // Codes the provider does not serve (QoS, multipoint, routing queries, ...): WSAIoctl's
      // "the specified IOCTL command is not supported".
      return Error(WSAEOPNOTSUPP);
  }
}

}  // namespace

int WSPAPI WSPIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                    LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                    LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                    LPWSATHREADID lpThreadId, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  if (lpcbBytesReturned == nullptr && lpOverlapped == nullptr) return Fail(lpErrno, WSAEFAULT);
  const Result result =
      Run(call, dwIoControlCode, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer);
  if (lpcbBytesReturned != nullptr) *lpcbBytesReturned = result.bytes;
  if (result.error != 0) return Fail(lpErrno, result.error);
  if (lpOverlapped != nullptr) {
    // The work is done; the completion still goes the way the caller asked.
    const int e = CompleteNow(call, lpOverlapped, lpCompletionRoutine, lpThreadId, 0,
                              result.bytes, 0);
    if (e != 0) return Fail(lpErrno, e);
  }
  return 0;
}

}  // namespace ws2emu::base_provider
