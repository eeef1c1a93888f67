// The base provider's calls on a socket's life and addresses: WSPSocket, WSPCloseSocket, ...
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <unistd.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <string>

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
// short address, `wrong_family` for one of another family (bind's documentation: WSAEFAULT,
// "incorrect address format for the associated address family"; connect's: WSAEAFNOSUPPORT),
// WSAEAFNOSUPPORT for a family Linux lacks.
int UnixAddress(const BaseSocket &socket, const WS_sockaddr *name, int namelen, int wrong_family,
                sockaddr_storage *out, socklen_t *out_length) {
  if (name == nullptr || namelen < static_cast<int>(sizeof(WS_sockaddr))) return WSAEFAULT;
  if (name->sa_family != socket.family()) return wrong_family;
  return net::SockaddrToUnix(name, namelen, out, out_length);
}

// Whether `name` is "no address" for a datagram connect: AF_UNSPEC, or the any address with
// port 0 (connect's documentation: "if the address parameter ... is all zeros, the socket is
// disconnected").
bool IsNoAddress(const WS_sockaddr *name, int namelen) {
  if (name->sa_family == WS_AF_UNSPEC) return true;
  const auto *bytes = reinterpret_cast<const unsigned char *>(name);
  const int size = net::SockaddrSize(name->sa_family);
  if (size == 0 || namelen < size) return false;
  // Port and address (IPv6: after the flow info) all zero.
  const int address_at = name->sa_family == WS_AF_INET ? 4 : 8;
  const int address_size = name->sa_family == WS_AF_INET ? 4 : 16;
  if (bytes[2] != 0 || bytes[3] != 0) return false;
  for (int i = 0; i < address_size; ++i) {
    if (bytes[address_at + i] != 0) return false;
  }
  return true;
}

// The socket is connected from now on (SO_CONNECT_TIME counts from here).
void MarkConnectedNow(BaseSocket &socket) {
  socket.Set(BaseSocket::kConnected | BaseSocket::kBound);
  socket.connected_at_ms.store(MonotonicMs());
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

SOCKET SocketFromDuplicate(uint32_t cookie, LPINT lpErrno);

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
  // A WSPDuplicateSocket's protocol info: a second handle on the original's Linux socket.
  if ((info.dwProviderReserved & 0xFF000000u) == 0xD5000000u) {
    return SocketFromDuplicate(info.dwProviderReserved, lpErrno);
  }
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

// WSPBind with Windows' address sharing, as close as Linux allows: SO_REUSEADDR lets a socket
// bind an address another socket holds, and Linux needs SO_REUSEADDR and SO_REUSEPORT on both
// for that, so a socket with SO_REUSEADDR gets both. Differences from Windows (documented in the
// README): a socket without SO_REUSEADDR cannot take an address a SO_REUSEADDR socket holds
// (Windows: WSAEACCES; here WSAEADDRINUSE too), and a second SO_REUSEADDR socket cannot take the
// address of an active listener that did not set it (Windows lets it, unless that one set
// SO_EXCLUSIVEADDRUSE). SO_EXCLUSIVEADDRUSE is Linux's default: no sharing flag is set. A
// SO_REUSEADDR bind refused because the address is held is WSAEACCES, as Windows answers a
// reusing bind over an exclusive (or non-sharing) owner ("DENIED" in Microsoft's table).
int WSPAPI WSPBind(SOCKET s, const struct WS_sockaddr *name, int namelen, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  sockaddr_storage address;
  socklen_t length;
  if (int e = UnixAddress(socket, name, namelen, WSAEFAULT, &address, &length); e != 0) {
    return Fail(lpErrno, e);
  }
  if (socket.has(BaseSocket::kBound)) return Fail(lpErrno, WSAEINVAL);  // already bound
  // A datagram socket may bind the broadcast address only with SO_BROADCAST (bind's
  // documentation: WSAEACCES); Linux lets any socket bind it.
  if (!socket.stream() && address.ss_family == AF_INET &&
      reinterpret_cast<const sockaddr_in &>(address).sin_addr.s_addr == htonl(INADDR_BROADCAST)) {
    int broadcast = 0;
    socklen_t size = sizeof(broadcast);
    getsockopt(socket.fd(), SOL_SOCKET, SO_BROADCAST, &broadcast, &size);
    if (broadcast == 0) return Fail(lpErrno, WSAEACCES);
  }
  const bool reuse = socket.has(BaseSocket::kReuseAddr);
  if (reuse) {
    const int one = 1;
    if (setsockopt(socket.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        setsockopt(socket.fd(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) {
      return Fail(lpErrno, net::WsaErrorFromErrno(errno));
    }
  }
  if (bind(socket.fd(), reinterpret_cast<sockaddr *>(&address), length) != 0) {
    const int e = errno;
    return Fail(lpErrno, reuse && e == EADDRINUSE ? WSAEACCES : net::WsaErrorFromErrno(e));
  }
  socket.Set(BaseSocket::kBound);
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
  if (!Connected(*call)) return Fail(lpErrno, WSAENOTCONN);
  sockaddr_storage address;
  socklen_t length = sizeof(address);
  if (getpeername(call->fd(), reinterpret_cast<sockaddr *>(&address), &length) != 0) {
    return Fail(lpErrno, net::WsaErrorFromErrno(errno));
  }
  if (int e = WindowsAddress(address, length, name, namelen); e != 0) return Fail(lpErrno, e);
  return 0;
}

// WSPConnect. A stream connects once (WSAEISCONN after); a non-blocking connect returns
// WSAEWOULDBLOCK and reports its outcome through FD_CONNECT (network_events), and a second
// call while it is under way is WSAEALREADY. A datagram socket gets (or changes) its default
// peer; the any address or AF_UNSPEC dissolves it, as on Windows. TCP/IP carries no connect
// data and MSAFD no QoS: caller data is "too large" (WSAEFAULT, WSPConnect's documentation),
// a QoS is WSAEOPNOTSUPP ([inference] the answer of a provider without QoS), and the callee
// data comes back empty.
int WSPAPI WSPConnect(SOCKET s, const struct WS_sockaddr *name, int namelen,
                      LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS,
                      LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  if (socket.has(BaseSocket::kListening)) return Fail(lpErrno, WSAEINVAL);
  if (lpCallerData != nullptr && lpCallerData->len > 0) return Fail(lpErrno, WSAEFAULT);
  if (lpSQOS != nullptr || lpGQOS != nullptr) return Fail(lpErrno, WSAEOPNOTSUPP);
  if (socket.stream()) {
    if (Connected(socket)) return Fail(lpErrno, WSAEISCONN);
    if (socket.has(BaseSocket::kConnecting)) {
      // Under way, or finished without anybody asking: a success makes the socket connected
      // (WSAEISCONN), a failure lets this call try again.
      pollfd ready = {socket.fd(), POLLOUT, 0};
      if (poll(&ready, 1, 0) <= 0) return Fail(lpErrno, WSAEALREADY);
      const int error = PendingError(socket.fd());
      socket.Clear(BaseSocket::kConnecting);
      if (error == 0) {
        MarkConnectedNow(socket);
        return Fail(lpErrno, WSAEISCONN);
      }
    }
  }
  if (name == nullptr || namelen < static_cast<int>(sizeof(WS_sockaddr))) {
    return Fail(lpErrno, WSAEFAULT);
  }
  if (!socket.stream() && IsNoAddress(name, namelen)) {
    // Dissolves the default peer (connect to AF_UNSPEC on Linux).
    sockaddr unspec = {};
    unspec.sa_family = AF_UNSPEC;
    if (connect(socket.fd(), &unspec, sizeof(unspec)) != 0) {
      return Fail(lpErrno, net::WsaErrorFromErrno(errno));
    }
    socket.Clear(BaseSocket::kConnected);
    socket.connected_at_ms.store(0);
    return 0;
  }
  sockaddr_storage address;
  socklen_t length;
  if (int e = UnixAddress(socket, name, namelen, WSAEAFNOSUPPORT, &address, &length); e != 0) {
    return Fail(lpErrno, e);
  }
  if (NoDestination(address)) return Fail(lpErrno, WSAEADDRNOTAVAIL);
  if (lpCalleeData != nullptr) lpCalleeData->len = 0;
  if (connect(socket.fd(), reinterpret_cast<sockaddr *>(&address), length) == 0) {
    MarkConnectedNow(socket);
    // A stream connect that completed at once still reports FD_CONNECT (then FD_WRITE) to an
    // event or async select registration, as one that completed later does.
    if (socket.stream() && NonBlocking(socket)) ConnectStarted(socket);
    return 0;
  }
  if (errno != EINPROGRESS) return Fail(lpErrno, net::WsaErrorFromErrno(errno));
  socket.Set(BaseSocket::kConnecting | BaseSocket::kBound);
  if (NonBlocking(socket)) {
    ConnectStarted(socket);
    return Fail(lpErrno, WSAEWOULDBLOCK);
  }
  int error = WaitReady(socket, POLLOUT, 0);
  if (error == 0) error = PendingError(socket.fd());
  socket.Clear(BaseSocket::kConnecting);
  if (error != 0) return Fail(lpErrno, error);
  MarkConnectedNow(socket);
  return 0;
}

namespace {

// A connection taken off the Linux queue (or the one a CF_DEFER left) for WSPAccept: its
// descriptor and the peer's address. 0, WSAEWOULDBLOCK when none is queued, or the error.
int TakeConnection(BaseSocket &listener, int *fd, sockaddr_storage *peer, socklen_t *length) {
  {
    StdMutexLock lock(&listener.mu);
    if (listener.deferred_fd >= 0) {
      *fd = listener.deferred_fd;
      listener.deferred_fd = -1;
      *length = sizeof(*peer);
      if (getpeername(*fd, reinterpret_cast<sockaddr *>(peer), length) != 0) *length = 0;
      return 0;
    }
  }
  for (;;) {
    *length = sizeof(*peer);
    *fd = accept4(listener.fd(), reinterpret_cast<sockaddr *>(peer), length,
                  SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (*fd >= 0) return 0;
    if (errno == EINTR || errno == ECONNABORTED) continue;  // a connection reset while queued
    return errno == EAGAIN ? WSAEWOULDBLOCK : net::WsaErrorFromErrno(errno);
  }
}

// Asks the condition function about the connection `fd` from `peer`: CF_ACCEPT, CF_REJECT or
// CF_DEFER (anything else is treated as WSAEINVAL by the caller). The caller ID is the peer's
// address, the callee ID the local one; TCP/IP has no caller or callee data and MSAFD no QoS,
// so those are null (WSAAccept's documentation: "if no caller identifier or caller data is
// available, the corresponding parameters will be NULL"), and the group is 0.
int AskCondition(const BaseSocket &listener, int fd, const sockaddr_storage &peer,
                 socklen_t peer_length, LPCONDITIONPROC condition, DWORD_PTR context) {
  WS_sockaddr_in6 caller = {}, callee = {};
  int caller_length = sizeof(caller), callee_length = sizeof(callee);
  if (peer_length == 0 ||
      WindowsAddress(peer, peer_length, reinterpret_cast<WS_sockaddr *>(&caller),
                     &caller_length) != 0) {
    caller_length = 0;
  }
  sockaddr_storage local;
  socklen_t local_length = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&local), &local_length) != 0 ||
      WindowsAddress(local, local_length, reinterpret_cast<WS_sockaddr *>(&callee),
                     &callee_length) != 0) {
    callee_length = 0;
  }
  (void)listener;
  WSABUF caller_id = {static_cast<ULONG>(caller_length), reinterpret_cast<char *>(&caller)};
  WSABUF callee_id = {static_cast<ULONG>(callee_length), reinterpret_cast<char *>(&callee)};
  GROUP group = 0;
  return condition(caller_length > 0 ? &caller_id : nullptr, nullptr, nullptr, nullptr,
                   callee_length > 0 ? &callee_id : nullptr, nullptr, &group, context);
}

}  // namespace

// WSPAccept, with the condition function of WSAAccept: CF_ACCEPT takes the connection,
// CF_REJECT resets it and fails with WSAECONNREFUSED, CF_DEFER leaves it queued (the next
// WSPAccept offers it first, calling the condition again) and fails with WSATRY_AGAIN.
// [inference] On Linux the kernel completes the TCP handshake before any condition runs, even
// with SO_CONDITIONAL_ACCEPT (on Windows that option holds the handshake until the condition
// accepts): a rejected peer sees its connection made, then reset.
SOCKET WSPAPI WSPAccept(SOCKET s, struct WS_sockaddr *addr, LPINT addrlen,
                        LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return INVALID_SOCKET;
  BaseSocket &listener = *call;
  if (!listener.stream()) {
    Fail(lpErrno, WSAEOPNOTSUPP);  // accept on a datagram socket (accept's documentation)
    return INVALID_SOCKET;
  }
  if (!listener.has(BaseSocket::kListening)) {
    Fail(lpErrno, WSAEINVAL);
    return INVALID_SOCKET;
  }
  if (addr != nullptr && (addrlen == nullptr || *addrlen < net::SockaddrSize(listener.family()))) {
    Fail(lpErrno, WSAEFAULT);
    return INVALID_SOCKET;
  }
  sockaddr_storage peer;
  socklen_t peer_length = 0;
  int fd = -1;
  int error;
  for (;;) {
    error = TakeConnection(listener, &fd, &peer, &peer_length);
    if (error != WSAEWOULDBLOCK || NonBlocking(listener)) break;
    error = WaitReady(listener, POLLIN, 0);
    if (error != 0) break;
  }
  // FD_ACCEPT is re-enabled by every accept that returns, except one whose condition deferred
  // the connection (MSDN's WSAEventSelect: WSATRY_AGAIN does not re-enable).
  if (error != 0) {
    Reenable(listener, FD_ACCEPT);
    Fail(lpErrno, error);
    return INVALID_SOCKET;
  }
  if (lpfnCondition != nullptr) {
    const int answer =
        AskCondition(listener, fd, peer, peer_length, lpfnCondition, dwCallbackData);
    if (answer == CF_DEFER) {
      StdMutexLock lock(&listener.mu);
      if (listener.deferred_fd >= 0) close(listener.deferred_fd);  // cannot happen: taken first
      listener.deferred_fd = fd;
      Fail(lpErrno, WSATRY_AGAIN);
      return INVALID_SOCKET;
    }
    if (answer != CF_ACCEPT) {
      Reenable(listener, FD_ACCEPT);
      MakeAbortive(fd);
      close(fd);
      // [inference] A value that is none of the three is the caller's mistake: WSAEINVAL;
      // the connection is refused all the same.
      Fail(lpErrno, answer == CF_REJECT ? WSAECONNREFUSED : WSAEINVAL);
      return INVALID_SOCKET;
    }
  }
  Ref<BaseSocket> accepted = BaseSocket::Adopt(fd, listener, &error);
  if (!accepted) {
    Fail(lpErrno, error);
    return INVALID_SOCKET;
  }
  Reenable(listener, FD_ACCEPT);
  accepted->connected_at_ms.store(MonotonicMs());
  const SOCKET handle = Publish(std::move(accepted), lpErrno);
  if (handle == INVALID_SOCKET) return INVALID_SOCKET;
  // The accepted socket has the listening socket's event or async select registration
  // (WSPAccept's documentation: "the same properties as socket s").
  if (SocketCall pinned(handle, nullptr); pinned) InheritEvents(listener, *pinned);
  if (addr != nullptr && peer_length > 0) WindowsAddress(peer, peer_length, addr, addrlen);
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
  if (!Connected(socket)) return Fail(lpErrno, WSAENOTCONN);
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

namespace {

// WSPDuplicateSocket's descriptors waiting for their WSPSocket: each a dup() of the original's
// Linux socket with the original's properties, found by the cookie written into the protocol
// info's dwProviderReserved. Bounded, so that duplications never consumed cannot grow without
// limit ([inference] Windows keeps such a duplicate until the process ends; 1024 outstanding
// is far beyond what programs do).
struct Duplicate {
  uint32_t cookie = 0;  // 0: a free slot
  int fd = -1;
  int family = 0, type = 0, protocol = 0;
  uint32_t state = 0;
  uint32_t receive_timeout_ms = 0, send_timeout_ms = 0;
  uint16_t linger_onoff = 0, linger_seconds = 0;
  int64_t connected_at_ms = 0;
  std::shared_ptr<const WSAPROTOCOL_INFOW> info;
};
constexpr size_t kMaxDuplicates = 1024;
// The cookies carry a tag in the high byte so that a catalog entry's dwProviderReserved (0 in
// every entry ws2emu writes) is never taken for one.
constexpr uint32_t kCookieTag = 0xD5000000u;
constinit StdMutex g_duplicates_mu;
Duplicate *g_duplicates ABSL_GUARDED_BY(g_duplicates_mu) = nullptr;  // kMaxDuplicates slots
uint32_t g_next_cookie ABSL_GUARDED_BY(g_duplicates_mu) = 0;

// The state bits a duplicate shares with its original (the Linux socket's own state).
constexpr uint32_t kSharedState = BaseSocket::kNonBlocking | BaseSocket::kBound |
                                  BaseSocket::kListening | BaseSocket::kConnected |
                                  BaseSocket::kShutReceive | BaseSocket::kShutSend |
                                  BaseSocket::kOverlapped | BaseSocket::kOobInline |
                                  BaseSocket::kReuseAddr | BaseSocket::kExclusiveAddrUse |
                                  BaseSocket::kConditionalAccept | BaseSocket::kNoUdpConnReset;

// Takes the duplicate of `cookie` out of the table; false when there is none.
bool TakeDuplicate(uint32_t cookie, Duplicate *out) {
  if ((cookie & 0xFF000000u) != kCookieTag) return false;
  StdMutexLock lock(&g_duplicates_mu);
  if (g_duplicates == nullptr) return false;
  for (size_t i = 0; i < kMaxDuplicates; ++i) {
    if (g_duplicates[i].cookie == cookie) {
      *out = std::move(g_duplicates[i]);
      g_duplicates[i] = Duplicate();
      return true;
    }
  }
  return false;
}

}  // namespace

// WSPSocket's half of duplication: a socket for the duplicate `cookie` names. INVALID_SOCKET
// with WSAEINVAL when the info names no duplicate waiting ([inference] consumed already).
SOCKET SocketFromDuplicate(uint32_t cookie, LPINT lpErrno) {
  Duplicate d;
  if (!TakeDuplicate(cookie, &d)) {
    *lpErrno = WSAEINVAL;
    return INVALID_SOCKET;
  }
  int error = 0;
  Ref<BaseSocket> socket = BaseSocket::Wrap(d.fd, d.family, d.type, d.protocol, std::move(d.info),
                                            d.state | BaseSocket::kDuplicated, &error);
  if (!socket) {
    *lpErrno = error;
    return INVALID_SOCKET;
  }
  socket->receive_timeout_ms.store(d.receive_timeout_ms);
  socket->send_timeout_ms.store(d.send_timeout_ms);
  socket->linger_onoff.store(d.linger_onoff);
  socket->linger_seconds.store(d.linger_seconds);
  socket->connected_at_ms.store(d.connected_at_ms);
  return Publish(std::move(socket), lpErrno);
}

// WSPDuplicateSocket: within this process, the protocol info it fills makes WSPSocket
// (FROM_PROTOCOL_INFO) open a second handle on the same Linux socket (a dup() of its
// descriptor): both handles work, each is closed on its own, and the connection ends with the
// last. Another process cannot receive a Linux descriptor through a protocol info: that is
// refused with WSAEINVAL, the error WSPDuplicateSocket documents for an invalid parameter.
int WSPAPI WSPDuplicateSocket(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                              LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  BaseSocket &socket = *call;
  if (lpProtocolInfo == nullptr) return Fail(lpErrno, WSAEFAULT);
  if (dwProcessId != static_cast<DWORD>(getpid())) return Fail(lpErrno, WSAEINVAL);
  const int fd = fcntl(socket.fd(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return Fail(lpErrno, errno == EMFILE ? WSAEMFILE : WSAENOBUFS);
  uint32_t cookie = 0;
  {
    StdMutexLock lock(&g_duplicates_mu);
    if (g_duplicates == nullptr) g_duplicates = new (std::nothrow) Duplicate[kMaxDuplicates];
    Duplicate *slot = nullptr;
    for (size_t i = 0; g_duplicates != nullptr && i < kMaxDuplicates && slot == nullptr; ++i) {
      if (g_duplicates[i].cookie == 0) slot = &g_duplicates[i];
    }
    if (slot == nullptr) {
      close(fd);
      return Fail(lpErrno, WSAENOBUFS);
    }
    g_next_cookie = (g_next_cookie + 1) & 0x00FFFFFFu;
    if (g_next_cookie == 0) g_next_cookie = 1;
    cookie = kCookieTag | g_next_cookie;
    slot->cookie = cookie;
    slot->fd = fd;
    slot->family = socket.family();
    slot->type = socket.type();
    slot->protocol = socket.protocol();
    slot->state = socket.state() & kSharedState;
    slot->receive_timeout_ms = socket.receive_timeout_ms.load();
    slot->send_timeout_ms = socket.send_timeout_ms.load();
    slot->linger_onoff = socket.linger_onoff.load();
    slot->linger_seconds = socket.linger_seconds.load();
    slot->connected_at_ms = socket.connected_at_ms.load();
    slot->info = socket.shared_protocol_info();
  }
  *lpProtocolInfo = socket.protocol_info();
  lpProtocolInfo->dwProviderReserved = cookie;
  socket.Set(BaseSocket::kDuplicated);
  return 0;
}

// WSPJoinLeaf as MSAFD answers it for IP: a UDP socket joins the multicast group `name` (on the
// default interface) and the call returns the same socket, as MSAFD's IP multipoint does (no
// new socket is made; Microsoft's sample LSP documents this). TCP has no multipoint
// (WSAEOPNOTSUPP); a group QoS is WSAEINVAL and a flow QoS WSAEOPNOTSUPP (no QoS), join data is
// too large for a protocol without any (WSAEFAULT). JL_SENDER_ONLY joins nothing: sending to a
// group needs no membership.
SOCKET WSPAPI WSPJoinLeaf(SOCKET s, const struct WS_sockaddr *name, int namelen,
                          LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                          LPQOS lpGQOS, DWORD dwFlags, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return INVALID_SOCKET;
  BaseSocket &socket = *call;
  auto fail = [&](int e) {
    Fail(lpErrno, e);
    return INVALID_SOCKET;
  };
  if (socket.stream()) return fail(WSAEOPNOTSUPP);
  if (dwFlags != JL_SENDER_ONLY && dwFlags != JL_RECEIVER_ONLY && dwFlags != JL_BOTH) {
    return fail(WSAEINVAL);
  }
  if (lpGQOS != nullptr) return fail(WSAEINVAL);
  if (lpSQOS != nullptr) return fail(WSAEOPNOTSUPP);
  if (lpCallerData != nullptr && lpCallerData->len > 0) return fail(WSAEFAULT);
  sockaddr_storage group;
  socklen_t length;
  if (int e = UnixAddress(socket, name, namelen, WSAEAFNOSUPPORT, &group, &length); e != 0) {
    return fail(e);
  }
  const bool multicast =
      group.ss_family == AF_INET
          ? IN_MULTICAST(ntohl(reinterpret_cast<const sockaddr_in &>(group).sin_addr.s_addr))
          : IN6_IS_ADDR_MULTICAST(&reinterpret_cast<const sockaddr_in6 &>(group).sin6_addr);
  if (!multicast) return fail(WSAEADDRNOTAVAIL);  // [inference] only groups are leaves for IP
  if (dwFlags != JL_SENDER_ONLY) {
    int r;
    if (group.ss_family == AF_INET) {
      ip_mreq request = {};
      request.imr_multiaddr = reinterpret_cast<const sockaddr_in &>(group).sin_addr;
      request.imr_interface.s_addr = htonl(INADDR_ANY);
      r = setsockopt(socket.fd(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof(request));
    } else {
      ipv6_mreq request = {};
      request.ipv6mr_multiaddr = reinterpret_cast<const sockaddr_in6 &>(group).sin6_addr;
      r = setsockopt(socket.fd(), IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &request, sizeof(request));
    }
    if (r != 0) return fail(net::WsaErrorFromErrno(errno));
  }
  if (lpCalleeData != nullptr) lpCalleeData->len = 0;
  return call.handle();
}

// WSPGetQOSByName: MSAFD over TCP/IP has no QoS templates, so every name is unknown
// (WSAEINVAL, "the specified QOS template name is invalid"); a null name or QOS is WSAEFAULT.
BOOL WSPAPI WSPGetQOSByName(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return FALSE;
  if (lpQOSName == nullptr || lpQOS == nullptr) {
    Fail(lpErrno, WSAEFAULT);
    return FALSE;
  }
  Fail(lpErrno, WSAEINVAL);
  return FALSE;
}

// WSPAddressToString: the address in WSAAddressToString's format (net::AddressToString). The
// length counts characters with the terminator; a buffer too small (or none) is WSAEFAULT with
// the length needed. lpProtocolInfo may be null (the address says its family); when given, its
// family must be the address's ([inference] WSAEINVAL otherwise).
INT WSPAPI WSPAddressToString(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                              LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSTR lpszAddressString,
                              LPDWORD lpdwAddressStringLength, LPINT lpErrno) {
  if (lpsaAddress == nullptr || lpdwAddressStringLength == nullptr) {
    return Fail(lpErrno, WSAEFAULT);
  }
  if (dwAddressLength > 0x7fffffff) return Fail(lpErrno, WSAEFAULT);
  if (dwAddressLength >= sizeof(ADDRESS_FAMILY) && lpProtocolInfo != nullptr &&
      lpProtocolInfo->iAddressFamily != lpsaAddress->sa_family) {
    return Fail(lpErrno, WSAEINVAL);
  }
  std::u16string text;
  if (int e = net::AddressToString(lpsaAddress, static_cast<int>(dwAddressLength), &text); e != 0) {
    return Fail(lpErrno, e);
  }
  const DWORD needed = static_cast<DWORD>(text.size() + 1);
  if (lpszAddressString == nullptr || *lpdwAddressStringLength < needed) {
    *lpdwAddressStringLength = needed;
    return Fail(lpErrno, WSAEFAULT);
  }
  std::memcpy(lpszAddressString, text.c_str(), needed * sizeof(WCHAR));
  *lpdwAddressStringLength = needed;
  return 0;
}

// WSPStringToAddress: `AddressString` in WSAStringToAddress's formats for AddressFamily
// (net::StringToAddress). WSAEINVAL for text that does not parse or a family the provider does
// not serve (or that lpProtocolInfo, when given, does not have); WSAEFAULT for null arguments or
// a buffer too small (then *lpAddressLength = the size needed).
INT WSPAPI WSPStringToAddress(LPWSTR AddressString, INT AddressFamily,
                              LPWSAPROTOCOL_INFOW lpProtocolInfo, LPSOCKADDR lpAddress,
                              LPINT lpAddressLength, LPINT lpErrno) {
  if (AddressString == nullptr || lpAddress == nullptr || lpAddressLength == nullptr) {
    return Fail(lpErrno, WSAEFAULT);
  }
  if (AddressFamily != WS_AF_INET && AddressFamily != WS_AF_INET6) return Fail(lpErrno, WSAEINVAL);
  if (lpProtocolInfo != nullptr && lpProtocolInfo->iAddressFamily != AddressFamily) {
    return Fail(lpErrno, WSAEINVAL);
  }
  if (int e = net::StringToAddress(AddressString, AddressFamily, lpAddress, lpAddressLength);
      e != 0) {
    return Fail(lpErrno, e);
  }
  return 0;
}

}  // namespace ws2emu::base_provider
