// The base provider's calls on a socket's life and addresses: WSPSocket, WSPCloseSocket, ...
#include <linux/sockios.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>

#include "base_provider/blocking.h"
#include "base_provider/calls_internal.h"
#include "base_provider/network_events.h"
#include "base_provider/overlapped.h"
#include "base_provider/procs.h"
#include "base_provider/provider.h"
#include "base_provider/socket.h"
#include "net/net.h"
#include "sockets/socket_record.h"

namespace ws2emu::base_provider {
namespace {

// WSA_FLAG_* bits WSPSocket knows.
constexpr DWORD kKnownFlags = WSA_FLAG_OVERLAPPED | WSA_FLAG_MULTIPOINT_C_ROOT |
                              WSA_FLAG_MULTIPOINT_C_LEAF | WSA_FLAG_MULTIPOINT_D_ROOT |
                              WSA_FLAG_MULTIPOINT_D_LEAF | WSA_FLAG_ACCESS_SYSTEM_SECURITY |
                              WSA_FLAG_NO_HANDLE_INHERIT | WSA_FLAG_REGISTERED_IO;

// What the provider serves: TCP and UDP over IPv4 and IPv6.
bool KnownFamily(int af) { return af == WS_AF_INET || af == WS_AF_INET6; }
bool KnownType(int type) { return type == WS_SOCK_STREAM || type == WS_SOCK_DGRAM; }

// The socket's unsent bytes (Linux SIOCOUTQ); 0 if the kernel cannot say.
int UnsentBytes(int fd) {
  int pending = 0;
  return ioctl(fd, SIOCOUTQ, &pending) == 0 ? pending : 0;
}

// Makes the Linux close, when it comes, abortive (RST), as Windows' closesocket is with
// SO_LINGER {1, 0} or when a linger time runs out.
void MakeAbortive(int fd) {
  const struct linger abortive = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive));
}

// Ends everything that uses `socket` and closes its handle; the Linux socket is closed when the
// last call that pinned it returns.
void Finish(const SocketCall &call, bool notify) {
  BaseSocket &socket = *call;
  RemoveOpenSocket(&socket);
  StopEvents(socket);
  CancelAll(call, notify);
  WakeWaiters(socket);
  sockets::CloseSocket(call.handle(), /*ifs=*/true);
}

// The Linux form of the Windows address `name` for `socket`: 0, or WSAEFAULT for a null or
// short address or one of another family ([inference] Windows' bind and connect report a
// family that does not match the socket's as WSAEFAULT, the address being unusable as given),
// WSAEAFNOSUPPORT for a family Linux lacks.
int UnixAddress(const BaseSocket &socket, const WS_sockaddr *name, int namelen,
                sockaddr_storage *out, socklen_t *out_length) {
  if (name == nullptr || namelen < static_cast<int>(sizeof(WS_sockaddr))) return WSAEFAULT;
  if (name->sa_family != socket.family()) return WSAEFAULT;
  return net::SockaddrToUnix(name, namelen, out, out_length);
}

// Writes the Linux address `address` into the caller's Windows `name` / `*namelen` (both
// checked by the caller). 0 or the WSA error (WSAEFAULT when *namelen is too small).
int WindowsAddress(const sockaddr_storage &address, socklen_t length, WS_sockaddr *name,
                   LPINT namelen) {
  return net::SockaddrFromUnix(reinterpret_cast<const sockaddr *>(&address), length, name, namelen);
}

// The socket's pending error (SO_ERROR), as a WSA error; 0 when none.
int PendingError(int fd) {
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  return error == 0 ? 0 : net::WsaErrorFromErrno(error);
}

}  // namespace

// Gives `socket` its IFS handle (the kernel's part on Windows: AFD's file handle), which keeps
// the socket alive until it is closed and unpinned, registers the handle with the runtime
// through the upcall table (every IFS provider does, SPEC.md §6.9) and lists the socket for
// WSPCleanup. INVALID_SOCKET with *lpErrno on failure; the socket is then released.
SOCKET Publish(Ref<BaseSocket> socket, LPINT lpErrno) {
  const WSPUPCALLTABLE *upcalls = Upcalls();
  const uint32_t catalog_id = socket->catalog_id();
  const uint64_t handle = sockets::CreateIfsSocket(catalog_id, socket.get());
  if (handle == 0) {
    *lpErrno = WSAENOBUFS;
    return INVALID_SOCKET;
  }
  socket->set_handle(handle);
  const SOCKET registered = upcalls == nullptr
                                ? INVALID_SOCKET
                                : upcalls->lpWPUModifyIFSHandle(catalog_id, handle, lpErrno);
  if (registered == INVALID_SOCKET || !AddOpenSocket(socket.get())) {
    if (registered != INVALID_SOCKET || upcalls == nullptr) *lpErrno = WSANOTINITIALISED;
    sockets::CloseSocket(handle, /*ifs=*/true);
    return INVALID_SOCKET;
  }
  // [inference] ws2emu's WPUModifyIFSHandle returns the proposed handle; the provider keeps
  // using the value it created (the SPEC's "indistinguishable from the proposed one").
  return handle;
}

// WSPSocket: af, type and protocol must be those of the catalog entry `lpProtocolInfo` (which
// ws2_32, or the layer above, chose): FROM_PROTOCOL_INFO takes the entry's value, and protocol 0
// the entry's protocol when the entry has PFL_MATCHES_PROTOCOL_ZERO.
SOCKET WSPAPI WSPSocket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                        GROUP g, DWORD dwFlags, LPINT lpErrno) {
  int ignored;
  if (lpErrno == nullptr) lpErrno = &ignored;
  const WSPUPCALLTABLE *upcalls = Upcalls();
  if (upcalls == nullptr || !Started()) {
    *lpErrno = WSANOTINITIALISED;
    return INVALID_SOCKET;
  }
  // [inference] ws2_32 always passes the entry; a provider has nothing to serve without one.
  if (lpProtocolInfo == nullptr) {
    *lpErrno = WSAEFAULT;
    return INVALID_SOCKET;
  }
  const WSAPROTOCOL_INFOW &info = *lpProtocolInfo;
  if (af == FROM_PROTOCOL_INFO || af == WS_AF_UNSPEC) af = info.iAddressFamily;
  if (type == FROM_PROTOCOL_INFO || type == 0) type = info.iSocketType;
  if (protocol == FROM_PROTOCOL_INFO ||
      (protocol == 0 && (info.dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO) != 0)) {
    protocol = info.iProtocol;
  }
  if (!KnownFamily(af) || af != info.iAddressFamily) {
    *lpErrno = WSAEAFNOSUPPORT;
    return INVALID_SOCKET;
  }
  if (!KnownType(type) || type != info.iSocketType) {
    *lpErrno = WSAESOCKTNOSUPPORT;
    return INVALID_SOCKET;
  }
  const int expected = type == WS_SOCK_STREAM ? WS_IPPROTO_TCP : WS_IPPROTO_UDP;
  if (protocol != expected || protocol < info.iProtocol ||
      protocol > info.iProtocol + info.iProtocolMaxOffset) {
    *lpErrno = WSAEPROTONOSUPPORT;
    return INVALID_SOCKET;
  }
  // Socket groups are reserved (WSASocket's documentation: g must be 0 until groups exist).
  if (g != 0 || (dwFlags & ~kKnownFlags) != 0) {
    *lpErrno = WSAEINVAL;
    return INVALID_SOCKET;
  }
  // Multipoint: MSAFD's UDP entries are leaves of a non-rooted multipoint (XP1_SUPPORT_MULTIPOINT
  // without the control plane bits); TCP supports none, and no entry is a root.
  const DWORD multipoint = dwFlags & (WSA_FLAG_MULTIPOINT_C_ROOT | WSA_FLAG_MULTIPOINT_C_LEAF |
                                      WSA_FLAG_MULTIPOINT_D_ROOT | WSA_FLAG_MULTIPOINT_D_LEAF);
  if ((multipoint & (WSA_FLAG_MULTIPOINT_C_ROOT | WSA_FLAG_MULTIPOINT_D_ROOT)) != 0 ||
      (multipoint != 0 && type != WS_SOCK_DGRAM)) {
    *lpErrno = WSAEINVAL;
    return INVALID_SOCKET;
  }
  std::shared_ptr<const WSAPROTOCOL_INFOW> shared = InternProtocolInfo(info);
  if (shared == nullptr) {
    *lpErrno = WSAENOBUFS;
    return INVALID_SOCKET;
  }
  int error = 0;
  Ref<BaseSocket> socket = BaseSocket::Open(af, type, protocol, std::move(shared), dwFlags, &error);
  if (!socket) {
    *lpErrno = error;
    return INVALID_SOCKET;
  }
  return Publish(std::move(socket), lpErrno);
}

// WSPCloseSocket with Windows' linger rules: SO_DONTLINGER (the default) closes at once and
// the data still queued is sent in the background; SO_LINGER {1, 0} resets the connection;
// SO_LINGER {1, n} waits up to n seconds for the queued data to go out on a blocking socket
// (and resets if it does not), and fails with WSAEWOULDBLOCK, closing nothing, on a
// non-blocking socket that still has data queued. Pending overlapped operations end with
// WSA_OPERATION_ABORTED; calls blocked on the socket in other threads return WSAEINTR.
int WSPAPI WSPCloseSocket(SOCKET s, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  const bool linger = socket.linger_onoff.load() != 0;
  const uint32_t seconds = socket.linger_seconds.load();
  const bool non_blocking = socket.has(BaseSocket::kNonBlocking) || SelectsEvents(socket);
  if (linger && seconds > 0 && non_blocking && socket.stream() && UnsentBytes(socket.fd()) > 0) {
    if (lpErrno != nullptr) *lpErrno = WSAEWOULDBLOCK;
    return SOCKET_ERROR;
  }
  if (!socket.MarkClosed()) {  // another thread is closing it
    if (lpErrno != nullptr) *lpErrno = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  if (linger && seconds == 0) {
    MakeAbortive(socket.fd());
  } else if (linger && socket.stream()) {
    const int64_t deadline = MonotonicMs() + int64_t{seconds} * 1000;
    while (UnsentBytes(socket.fd()) > 0) {
      if (MonotonicMs() >= deadline) {
        MakeAbortive(socket.fd());
        break;
      }
      poll(nullptr, 0, 5);  // the kernel has no wait for "send queue empty"
    }
  }
  Finish(call, /*notify=*/true);
  return 0;
}

void CloseForCleanup(BaseSocket &socket) {
  SocketCall call(socket.handle(), nullptr);
  if (!call || call.get() != &socket || !socket.MarkClosed()) return;  // closed meanwhile
  MakeAbortive(socket.fd());
  Finish(call, /*notify=*/false);
}

int WSPAPI WSPBind(SOCKET s, const struct WS_sockaddr *name, int namelen, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  sockaddr_storage address;
  socklen_t length;
  if (int e = UnixAddress(*call, name, namelen, &address, &length); e != 0) return Fail(lpErrno, e);
  if (call->has(BaseSocket::kBound)) return Fail(lpErrno, WSAEINVAL);  // already bound
  if (bind(call->fd(), reinterpret_cast<sockaddr *>(&address), length) != 0) {
    return Fail(lpErrno, net::WsaErrorFromErrno(errno));
  }
  call->Set(BaseSocket::kBound);
  return 0;
}

int WSPAPI WSPListen(SOCKET s, int backlog, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  if (!call->stream()) return Fail(lpErrno, WSAEOPNOTSUPP);
  if (call->has(BaseSocket::kConnected | BaseSocket::kConnecting)) return Fail(lpErrno, WSAEISCONN);
  if (!call->has(BaseSocket::kBound)) return Fail(lpErrno, WSAEINVAL);
  // SOMAXCONN (0x7fffffff) asks for the system's maximum, SOMAXCONN_HINT(n) (-n) for n clamped
  // to 200..65535; anything else is clamped to 1.. by Linux itself.
  int linux_backlog = backlog;
  if (backlog == 0x7fffffff) {
    linux_backlog = 4096;
  } else if (backlog < 0) {
    const int64_t hint = -static_cast<int64_t>(backlog);
    linux_backlog = static_cast<int>(hint < 200 ? 200 : hint > 65535 ? 65535 : hint);
  }
  if (listen(call->fd(), linux_backlog) != 0) return Fail(lpErrno, net::WsaErrorFromErrno(errno));
  call->Set(BaseSocket::kListening);
  ListenStarted(*call);
  return 0;
}

int WSPAPI WSPGetSockName(SOCKET s, struct WS_sockaddr *name, LPINT namelen, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  if (name == nullptr || namelen == nullptr) return Fail(lpErrno, WSAEFAULT);
  if (!call->has(BaseSocket::kBound)) return Fail(lpErrno, WSAEINVAL);
  sockaddr_storage address;
  socklen_t length = sizeof(address);
  if (getsockname(call->fd(), reinterpret_cast<sockaddr *>(&address), &length) != 0) {
    return Fail(lpErrno, net::WsaErrorFromErrno(errno));
  }
  if (int e = WindowsAddress(address, length, name, namelen); e != 0) return Fail(lpErrno, e);
  return 0;
}

int WSPAPI WSPGetPeerName(SOCKET s, struct WS_sockaddr *name, LPINT namelen, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  if (name == nullptr || namelen == nullptr) return Fail(lpErrno, WSAEFAULT);
  if (!call->has(BaseSocket::kConnected)) return Fail(lpErrno, WSAENOTCONN);
  sockaddr_storage address;
  socklen_t length = sizeof(address);
  if (getpeername(call->fd(), reinterpret_cast<sockaddr *>(&address), &length) != 0) {
    return Fail(lpErrno, net::WsaErrorFromErrno(errno));
  }
  if (int e = WindowsAddress(address, length, name, namelen); e != 0) return Fail(lpErrno, e);
  return 0;
}

int WSPAPI WSPConnect(SOCKET s, const struct WS_sockaddr *name, int namelen,
                      LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS,
                      LPINT lpErrno) {
  (void)lpCallerData, (void)lpCalleeData, (void)lpSQOS, (void)lpGQOS;
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  if (socket.has(BaseSocket::kListening)) return Fail(lpErrno, WSAEINVAL);
  if (socket.stream() && socket.has(BaseSocket::kConnected)) return Fail(lpErrno, WSAEISCONN);
  if (socket.has(BaseSocket::kConnecting)) return Fail(lpErrno, WSAEALREADY);
  sockaddr_storage address;
  socklen_t length;
  if (int e = UnixAddress(socket, name, namelen, &address, &length); e != 0) return Fail(lpErrno, e);
  if (connect(socket.fd(), reinterpret_cast<sockaddr *>(&address), length) == 0) {
    socket.Set(BaseSocket::kConnected | BaseSocket::kBound);
    return 0;
  }
  if (errno != EINPROGRESS) return Fail(lpErrno, net::WsaErrorFromErrno(errno));
  socket.Set(BaseSocket::kConnecting | BaseSocket::kBound);
  if (socket.has(BaseSocket::kNonBlocking) || SelectsEvents(socket)) {
    ConnectStarted(socket);
    return Fail(lpErrno, WSAEWOULDBLOCK);
  }
  int error = WaitReady(socket, POLLOUT, 0);
  if (error == 0) error = PendingError(socket.fd());
  socket.Clear(BaseSocket::kConnecting);
  if (error != 0) return Fail(lpErrno, error);
  socket.Set(BaseSocket::kConnected);
  return 0;
}

SOCKET WSPAPI WSPAccept(SOCKET s, struct WS_sockaddr *addr, LPINT addrlen,
                        LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData, LPINT lpErrno) {
  (void)lpfnCondition, (void)dwCallbackData;
  SocketCall call(s, lpErrno);
  if (!call) return INVALID_SOCKET;
  BaseSocket &listener = *call;
  if (!listener.has(BaseSocket::kListening)) {
    Fail(lpErrno, WSAEINVAL);
    return INVALID_SOCKET;
  }
  if (addr != nullptr && (addrlen == nullptr || *addrlen < net::SockaddrSize(listener.family()))) {
    Fail(lpErrno, WSAEFAULT);
    return INVALID_SOCKET;
  }
  sockaddr_storage peer;
  socklen_t peer_length;
  int fd;
  for (;;) {
    peer_length = sizeof(peer);
    fd = accept4(listener.fd(), reinterpret_cast<sockaddr *>(&peer), &peer_length,
                 SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) break;
    if (errno == EINTR || errno == ECONNABORTED) continue;  // a connection reset while queued
    int error = errno == EAGAIN ? WSAEWOULDBLOCK : net::WsaErrorFromErrno(errno);
    if (error == WSAEWOULDBLOCK && !listener.has(BaseSocket::kNonBlocking) &&
        !SelectsEvents(listener)) {
      error = WaitReady(listener, POLLIN, 0);
      if (error == 0) continue;
    }
    Reenable(listener, FD_ACCEPT);
    Fail(lpErrno, error);
    return INVALID_SOCKET;
  }
  Reenable(listener, FD_ACCEPT);
  int error = 0;
  Ref<BaseSocket> accepted = BaseSocket::Adopt(fd, listener, &error);
  if (!accepted) {
    Fail(lpErrno, error);
    return INVALID_SOCKET;
  }
  const SOCKET handle = Publish(std::move(accepted), lpErrno);
  if (handle == INVALID_SOCKET) return INVALID_SOCKET;
  if (addr != nullptr) WindowsAddress(peer, peer_length, addr, addrlen);
  return handle;
}

// WSPShutdown: SD_RECEIVE, SD_SEND or SD_BOTH on a connected socket (a datagram socket needs a
// default peer, as Windows' shutdown fails WSAENOTCONN on an unconnected one). Later sends
// (SD_SEND) or receives (SD_RECEIVE) fail with WSAESHUTDOWN.
int WSPAPI WSPShutdown(SOCKET s, int how, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH) return Fail(lpErrno, WSAEINVAL);
  if (!socket.has(BaseSocket::kConnected)) return Fail(lpErrno, WSAENOTCONN);
  // SD_* and SHUT_* have the same values.
  if (shutdown(socket.fd(), how) != 0) {
    // A datagram socket has nothing to shut in Linux' terms past its own state; a stream whose
    // peer already reset reports ENOTCONN, which Windows' shutdown reports as well.
    if (errno != ENOTCONN || socket.stream()) return Fail(lpErrno, net::WsaErrorFromErrno(errno));
  }
  if (how != SD_SEND) socket.Set(BaseSocket::kShutReceive);
  if (how != SD_RECEIVE) socket.Set(BaseSocket::kShutSend);
  return 0;
}

}  // namespace ws2emu::base_provider
