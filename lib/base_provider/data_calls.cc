// The base provider's data calls: WSPSend, WSPSendTo, WSPRecv, WSPRecvFrom (blocking and
// non-blocking here; with an lpOverlapped they hand over to overlapped.h after the checks
// Windows makes at once), WSPSendDisconnect and WSPRecvDisconnect.
//
// Every Linux socket is non-blocking: a call tries sendmsg / recvmsg, and a blocking socket
// waits in blocking.h's WaitReady and tries again. A blocking send on a stream returns only when
// every byte is queued (Windows' blocking send never reports a partial count); a non-blocking
// one reports what the kernel took.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <new>

#include "base_provider/blocking.h"
#include "base_provider/calls_internal.h"
#include "base_provider/network_events.h"
#include "base_provider/overlapped.h"
#include "base_provider/procs.h"
#include "base_provider/socket.h"
#include "net/net.h"

namespace ws2emu::base_provider {
namespace {

// The MSG_* bits each direction accepts (send: winsock2.h's send / WSASend flags; receive:
// recv / WSARecv). Any other bit is "an unknown flag": WSAEINVAL (recv's and send's
// documentation).
constexpr DWORD kSendFlags = WS_MSG_OOB | WS_MSG_DONTROUTE | WS_MSG_PARTIAL;
constexpr DWORD kReceiveFlags = WS_MSG_OOB | WS_MSG_PEEK | WS_MSG_WAITALL | WS_MSG_PARTIAL;

// The WSABUF array as iovecs: inline for the common small arrays, on the heap beyond.
class IoVectors {
 public:
  // 0, WSAEFAULT for a null array with buffers in it, or WSAENOBUFS ([inference] more buffers
  // than one Linux call takes, IOV_MAX = 1024, or no memory for the copy).
  int Init(const WSABUF *buffers, DWORD count) {
    if (count > 0 && buffers == nullptr) return WSAEFAULT;
    if (count > IOV_MAX) return WSAENOBUFS;
    data_ = inline_;
    if (count > kInline) {
      heap_.reset(new (std::nothrow) iovec[count]);
      if (heap_ == nullptr) return WSAENOBUFS;
      data_ = heap_.get();
    }
    for (DWORD i = 0; i < count; ++i) {
      data_[i].iov_base = buffers[i].buf;
      data_[i].iov_len = buffers[i].len;
      total_ += buffers[i].len;
    }
    count_ = count;
    return 0;
  }
  iovec *data() { return data_ + first_; }
  size_t count() const { return count_ - first_; }
  uint64_t total() const { return total_; }
  // Drops the first `n` bytes (what a partial sendmsg / recvmsg moved).
  void Advance(size_t n) {
    while (n > 0 && first_ < count_) {
      iovec &v = data_[first_];
      if (n < v.iov_len) {
        v.iov_base = static_cast<char *>(v.iov_base) + n;
        v.iov_len -= n;
        return;
      }
      n -= v.iov_len;
      ++first_;
    }
  }

 private:
  static constexpr DWORD kInline = 8;
  iovec inline_[kInline];
  std::unique_ptr<iovec[]> heap_;
  iovec *data_ = inline_;
  size_t count_ = 0;
  size_t first_ = 0;
  uint64_t total_ = 0;
};

// A WSA error for a failed sendmsg / recvmsg on `socket`. A datagram socket's ECONNREFUSED is
// the ICMP port unreachable of an earlier send, which Windows reports as WSAECONNRESET
// (SIO_UDP_CONNRESET, on by default).
int ErrorOf(const BaseSocket &socket, int err) {
  if (!socket.stream() && err == ECONNREFUSED) return WSAECONNRESET;
  return net::WsaErrorFromErrno(err);
}

// The checks WSPSend / WSPSendTo make before anything is sent (and before an overlapped send is
// started): 0 or the WSA error.
int CheckSend(BaseSocket &socket, DWORD flags) {
  if ((flags & ~kSendFlags) != 0) return WSAEINVAL;
  if ((flags & WS_MSG_OOB) != 0 && !socket.stream()) return WSAEOPNOTSUPP;
  // MSG_PARTIAL is for protocols that carry partial messages (XP1_PARTIAL_MESSAGE in the
  // catalog entry; none of MSAFD's TCP/IP entries has it), and WSASend documents WSAEOPNOTSUPP
  // from "transports that do not support partial message transmissions".
  if ((flags & WS_MSG_PARTIAL) != 0 &&
      (socket.protocol_info().dwServiceFlags1 & XP1_PARTIAL_MESSAGE) == 0) {
    return WSAEOPNOTSUPP;
  }
  if (socket.has(BaseSocket::kShutSend)) return WSAESHUTDOWN;
  return 0;
}

// Linux flags for the Windows send flags (already checked).
int SendFlagsToUnix(DWORD flags) {
  int unix_flags = MSG_NOSIGNAL | MSG_DONTWAIT;
  if ((flags & WS_MSG_OOB) != 0) unix_flags |= MSG_OOB;
  if ((flags & WS_MSG_DONTROUTE) != 0) unix_flags |= MSG_DONTROUTE;
  return unix_flags;
}

// Sends `iov` on `socket` (to `to` when not null). 0 with *sent, or the WSA error.
int SendNow(BaseSocket &socket, IoVectors &iov, int unix_flags, const sockaddr_storage *to,
            socklen_t to_length, DWORD *sent) {
  const bool blocking = !NonBlocking(socket);
  const Deadline deadline(socket.send_timeout_ms.load(std::memory_order_relaxed));
  uint64_t done = 0;
  for (;;) {
    msghdr msg = {};
    msg.msg_name = const_cast<sockaddr_storage *>(to);
    msg.msg_namelen = to == nullptr ? 0 : to_length;
    msg.msg_iov = iov.data();
    msg.msg_iovlen = iov.count();
    const ssize_t n = sendmsg(socket.fd(), &msg, unix_flags);
    if (n >= 0) {
      done += static_cast<size_t>(n);
      if (!socket.stream()) socket.Set(BaseSocket::kBound);  // sendto binds an unbound socket
      if (!blocking || !socket.stream() || done >= iov.total()) {
        *sent = static_cast<DWORD>(done);
        return 0;
      }
      iov.Advance(static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return ErrorOf(socket, errno);
    if (!blocking) {
      Reenable(socket, FD_WRITE);  // FD_WRITE is signalled again once the send can proceed
      return WSAEWOULDBLOCK;
    }
    uint32_t wait_ms;
    if (!deadline.Left(&wait_ms)) return WSAETIMEDOUT;
    if (int e = WaitReady(socket, POLLOUT, wait_ms); e != 0) return e;
  }
}

// The checks WSPRecv / WSPRecvFrom make before receiving: 0 or the WSA error.
int CheckReceive(BaseSocket &socket, DWORD flags) {
  if ((flags & ~kReceiveFlags) != 0) return WSAEINVAL;
  if ((flags & WS_MSG_OOB) != 0) {
    if (!socket.stream()) return WSAEOPNOTSUPP;
    if (socket.has(BaseSocket::kOobInline)) return WSAEINVAL;
  }
  // MSG_WAITALL: not with MSG_OOB, MSG_PEEK or MSG_PARTIAL, not on datagram sockets, not on a
  // non-blocking socket (WSARecv's documentation: WSAEOPNOTSUPP for each).
  if ((flags & WS_MSG_WAITALL) != 0 &&
      ((flags & (WS_MSG_OOB | WS_MSG_PEEK | WS_MSG_PARTIAL)) != 0 || !socket.stream() ||
       NonBlocking(socket))) {
    return WSAEOPNOTSUPP;
  }
  if (socket.stream()) {
    if (!Connected(socket)) return WSAENOTCONN;
  } else if (!socket.has(BaseSocket::kBound)) {
    return WSAEINVAL;  // recvfrom on a socket never bound (recv's documentation)
  }
  if (socket.has(BaseSocket::kShutReceive)) return WSAESHUTDOWN;
  return 0;
}

// Receives into `iov` from `socket`. 0 with *received and *out_flags, or the WSA error; a
// truncated datagram is WSAEMSGSIZE with the first bytes in the buffers, *received = their count
// and *out_flags = MSG_PARTIAL ([inference] WSARecvEx's documented report of a partial message;
// the datagram's remainder is lost as on Windows). `from` (when not null) gets the source.
int ReceiveNow(BaseSocket &socket, IoVectors &iov, DWORD flags, sockaddr_storage *from,
               socklen_t *from_length, DWORD *received, DWORD *out_flags) {
  const bool blocking = !NonBlocking(socket);
  const bool oob = (flags & WS_MSG_OOB) != 0;
  const bool wait_all = (flags & WS_MSG_WAITALL) != 0;
  int unix_flags = MSG_DONTWAIT;
  if (oob) unix_flags |= MSG_OOB;
  if ((flags & WS_MSG_PEEK) != 0) unix_flags |= MSG_PEEK;
  const Deadline deadline(socket.receive_timeout_ms.load(std::memory_order_relaxed));
  uint64_t done = 0;
  int error = 0;
  // A blocking receive whose predecessor had to wait waits first: in a request-reply exchange
  // the data is rarely there yet, and the receive that would fail with EAGAIN is saved.
  bool wait_first = blocking && !oob && socket.has(BaseSocket::kReceiveWaits);
  for (;;) {
    if (wait_first) {
      wait_first = false;
      uint32_t wait_ms;
      if (!deadline.Left(&wait_ms)) {
        error = WSAETIMEDOUT;
        break;
      }
      error = WaitReady(socket, POLLIN, wait_ms);
      if (error != 0) break;
    }
    msghdr msg = {};
    msg.msg_name = from;
    msg.msg_namelen = from == nullptr ? 0 : sizeof(*from);
    msg.msg_iov = iov.data();
    msg.msg_iovlen = iov.count();
    const ssize_t n = recvmsg(socket.fd(), &msg, unix_flags);
    if (n >= 0) {
      done += static_cast<size_t>(n);
      if (from_length != nullptr) *from_length = msg.msg_namelen;
      *out_flags = 0;
      if (!socket.stream() && (msg.msg_flags & MSG_TRUNC) != 0) {
        *out_flags = WS_MSG_PARTIAL;
        error = WSAEMSGSIZE;
      } else if (wait_all && n > 0 && done < iov.total()) {
        iov.Advance(static_cast<size_t>(n));  // MSG_WAITALL: until full, closed or failed
        continue;
      }
      // A large buffer filled at once means data is flowing: try first again next time.
      if (n >= 4096 && static_cast<uint64_t>(n) == iov.total() &&
          socket.has(BaseSocket::kReceiveWaits)) {
        socket.Clear(BaseSocket::kReceiveWaits);
      }
      *received = static_cast<DWORD>(done);
      break;
    }
    if (errno == EINTR) continue;
    // With SIO_UDP_CONNRESET off, an ICMP port unreachable is not reported: try again.
    if (errno == ECONNREFUSED && !socket.stream() && socket.has(BaseSocket::kNoUdpConnReset)) {
      continue;
    }
    // EINVAL from MSG_OOB is "no urgent data" (Linux); Windows' recv(MSG_OOB) without any
    // would block.
    const bool no_data = errno == EAGAIN || (oob && errno == EINVAL);
    if (!no_data) {
      error = ErrorOf(socket, errno);
      break;
    }
    if (!blocking) {
      error = WSAEWOULDBLOCK;
      break;
    }
    if (!oob && !socket.has(BaseSocket::kReceiveWaits)) socket.Set(BaseSocket::kReceiveWaits);
    uint32_t wait_ms;
    if (!deadline.Left(&wait_ms)) {
      error = WSAETIMEDOUT;
      break;
    }
    error = WaitReady(socket, oob ? POLLPRI : POLLIN, wait_ms);
    if (error != 0) break;
  }
  // Any receive re-enables FD_READ (FD_OOB for MSG_OOB), even one that failed (MSDN's
  // WSAEventSelect: "any call to the reenabling routine, even one that fails").
  Reenable(socket, oob ? FD_OOB : FD_READ);
  if (error == WSAEMSGSIZE) *received = static_cast<DWORD>(done);
  return error;
}

int SendCall(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
             DWORD dwFlags, const struct WS_sockaddr *lpTo, int iTolen,
             LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
             LPWSATHREADID lpThreadId, LPINT lpErrno, bool send_to) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  if (lpBuffers == nullptr && dwBufferCount > 0) return Fail(lpErrno, WSAEFAULT);
  // [inference] The count is optional only for an overlapped call (WSASend: "use NULL for this
  // parameter if lpOverlapped is not NULL"); a synchronous call has nowhere else to report it.
  if (lpNumberOfBytesSent == nullptr && lpOverlapped == nullptr) return Fail(lpErrno, WSAEFAULT);
  if (int e = CheckSend(socket, dwFlags); e != 0) return Fail(lpErrno, e);
  sockaddr_storage to;
  socklen_t to_length = 0;
  const bool has_to = send_to && !socket.stream() && lpTo != nullptr;
  if (socket.stream()) {
    // A stream sends to its peer; WSASendTo ignores lpTo on a connected stream.
    if (!Connected(socket)) return Fail(lpErrno, WSAENOTCONN);
  } else if (has_to) {
    if (iTolen < static_cast<int>(sizeof(WS_sockaddr))) return Fail(lpErrno, WSAEFAULT);
    if (lpTo->sa_family != socket.family()) return Fail(lpErrno, WSAEAFNOSUPPORT);
    if (iTolen < net::SockaddrSize(socket.family())) return Fail(lpErrno, WSAEFAULT);
    if (int e = net::SockaddrToUnix(lpTo, iTolen, &to, &to_length); e != 0) return Fail(lpErrno, e);
    if (NoDestination(to)) return Fail(lpErrno, WSAEADDRNOTAVAIL);
  } else if (!socket.has(BaseSocket::kConnected)) {
    // WSASend on an unconnected datagram socket is WSAENOTCONN; WSASendTo without an address,
    // WSAEDESTADDRREQ.
    return Fail(lpErrno, send_to ? WSAEDESTADDRREQ : WSAENOTCONN);
  }
  IoVectors iov;
  if (int e = iov.Init(lpBuffers, dwBufferCount); e != 0) return Fail(lpErrno, e);
  if (lpOverlapped != nullptr) {
    return StartSend(call, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags,
                     has_to ? lpTo : nullptr, has_to ? iTolen : 0, lpOverlapped,
                     lpCompletionRoutine, lpThreadId, lpErrno);
  }
  DWORD sent = 0;
  const int e = SendNow(socket, iov, SendFlagsToUnix(dwFlags), has_to ? &to : nullptr, to_length,
                        &sent);
  if (e != 0) return Fail(lpErrno, e);
  *lpNumberOfBytesSent = sent;
  return 0;
}

int ReceiveCall(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                LPDWORD lpFlags, struct WS_sockaddr *lpFrom, LPINT lpFromlen,
                LPWSAOVERLAPPED lpOverlapped,
                LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  if (lpFlags == nullptr) return Fail(lpErrno, WSAEFAULT);
  if (lpBuffers == nullptr && dwBufferCount > 0) return Fail(lpErrno, WSAEFAULT);
  if (lpNumberOfBytesRecvd == nullptr && lpOverlapped == nullptr) return Fail(lpErrno, WSAEFAULT);
  // The source address is for datagrams; a stream ignores lpFrom (recvfrom's documentation).
  const bool want_from = lpFrom != nullptr && !socket.stream();
  if (want_from && (lpFromlen == nullptr || *lpFromlen < net::SockaddrSize(socket.family()))) {
    return Fail(lpErrno, WSAEFAULT);
  }
  if (int e = CheckReceive(socket, *lpFlags); e != 0) return Fail(lpErrno, e);
  IoVectors iov;
  if (int e = iov.Init(lpBuffers, dwBufferCount); e != 0) return Fail(lpErrno, e);
  if (lpOverlapped != nullptr) {
    return StartReceive(call, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags,
                        want_from ? lpFrom : nullptr, want_from ? lpFromlen : nullptr,
                        lpOverlapped, lpCompletionRoutine, lpThreadId, lpErrno);
  }
  sockaddr_storage from;
  socklen_t from_length = 0;
  DWORD received = 0;
  DWORD out_flags = 0;
  const int e = ReceiveNow(socket, iov, *lpFlags, want_from ? &from : nullptr,
                           want_from ? &from_length : nullptr, &received, &out_flags);
  if (e != 0 && e != WSAEMSGSIZE) return Fail(lpErrno, e);
  *lpNumberOfBytesRecvd = received;
  *lpFlags = out_flags;
  if (want_from && from_length > 0) {
    // Checked above: the Windows form fits.
    net::SockaddrFromUnix(reinterpret_cast<const sockaddr *>(&from), from_length, lpFrom,
                          lpFromlen);
  }
  return e == 0 ? 0 : Fail(lpErrno, e);
}

// WSPSendDisconnect / WSPRecvDisconnect: disconnect data is not part of TCP/IP. MSAFD refuses a
// buffer that carries some with WSAENOPROTOOPT (WSASendDisconnect's documentation: "the
// disconnect data is not supported by the service provider"); an empty one is ignored.
int CheckDisconnectData(const WSABUF *data) {
  return data != nullptr && data->len > 0 ? WSAENOPROTOOPT : 0;
}

}  // namespace

int WSPAPI WSPSend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                   DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                   LPWSATHREADID lpThreadId, LPINT lpErrno) {
  return SendCall(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, nullptr, 0,
                  lpOverlapped, lpCompletionRoutine, lpThreadId, lpErrno, /*send_to=*/false);
}

int WSPAPI WSPSendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                     LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct WS_sockaddr *lpTo,
                     int iTolen, LPWSAOVERLAPPED lpOverlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                     LPWSATHREADID lpThreadId, LPINT lpErrno) {
  return SendCall(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpTo, iTolen,
                  lpOverlapped, lpCompletionRoutine, lpThreadId, lpErrno, /*send_to=*/true);
}

int WSPAPI WSPRecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                   LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                   LPWSATHREADID lpThreadId, LPINT lpErrno) {
  return ReceiveCall(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, nullptr, nullptr,
                     lpOverlapped, lpCompletionRoutine, lpThreadId, lpErrno);
}

int WSPAPI WSPRecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                       LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct WS_sockaddr *lpFrom,
                       LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                       LPWSATHREADID lpThreadId, LPINT lpErrno) {
  return ReceiveCall(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpFrom, lpFromlen,
                     lpOverlapped, lpCompletionRoutine, lpThreadId, lpErrno);
}

// WSPSendDisconnect: shutdown(SD_SEND) of a connection (WSAENOTCONN otherwise).
int WSPAPI WSPSendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  if (int e = CheckDisconnectData(lpOutboundDisconnectData); e != 0) return Fail(lpErrno, e);
  return WSPShutdown(s, SD_SEND, lpErrno);
}

// WSPRecvDisconnect: shutdown(SD_RECEIVE) of a connection; there is never inbound disconnect
// data to return (its length is set to 0).
int WSPAPI WSPRecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  if (int e = WSPShutdown(s, SD_RECEIVE, lpErrno); e != 0) return e;
  if (lpInboundDisconnectData != nullptr) lpInboundDisconnectData->len = 0;
  return 0;
}

}  // namespace ws2emu::base_provider
