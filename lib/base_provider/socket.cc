#include "base_provider/socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <new>

#include "net/net.h"

namespace ws2emu::base_provider {

Ref<BaseSocket> BaseSocket::Open(int ws_family, int ws_type, int ws_protocol,
                                 std::shared_ptr<const WSAPROTOCOL_INFOW> info, DWORD flags,
                                 int *error) {
  const int family = net::FamilyToUnix(ws_family);
  const int type = net::SockTypeToUnix(ws_type);
  if (family < 0) {
    *error = WSAEAFNOSUPPORT;
    return {};
  }
  if (type < 0) {
    *error = WSAESOCKTNOSUPPORT;
    return {};
  }
  // IPPROTO_TCP and IPPROTO_UDP have the same numbers on both systems.
  const int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, ws_protocol);
  if (fd < 0) {
    *error = net::WsaErrorFromErrno(errno);
    return {};
  }
  if (family == AF_INET6) {
    // Windows' IPv6 sockets are IPv6-only until IPV6_V6ONLY is cleared; Linux's follow
    // net.ipv6.bindv6only (0 by default).
    const int one = 1;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) {
      *error = net::WsaErrorFromErrno(errno);
      close(fd);
      return {};
    }
  }
  const uint32_t state = (flags & WSA_FLAG_OVERLAPPED) != 0 ? kOverlapped : 0;
  auto *socket =
      new (std::nothrow) BaseSocket(fd, ws_family, ws_type, ws_protocol, std::move(info), state);
  if (socket == nullptr) {
    close(fd);
    *error = WSAENOBUFS;
    return {};
  }
  return Ref<BaseSocket>::Adopt(socket);
}

Ref<BaseSocket> BaseSocket::Adopt(int fd, const BaseSocket &listener, int *error) {
  // An accepted socket has the listening socket's properties (WSPAccept's documentation):
  // its protocol, its blocking mode, its overlapped flag and its timeouts and linger.
  const uint32_t inherited = listener.state() & (kNonBlocking | kOverlapped | kOobInline);
  auto *socket = new (std::nothrow)
      BaseSocket(fd, listener.family_, listener.type_, listener.protocol_, listener.info_,
                 inherited | kBound | kConnected);
  if (socket == nullptr) {
    close(fd);
    *error = WSAENOBUFS;
    return {};
  }
  socket->receive_timeout_ms.store(listener.receive_timeout_ms.load());
  socket->send_timeout_ms.store(listener.send_timeout_ms.load());
  socket->linger_onoff.store(listener.linger_onoff.load());
  socket->linger_seconds.store(listener.linger_seconds.load());
  return Ref<BaseSocket>::Adopt(socket);
}

Ref<BaseSocket> BaseSocket::Wrap(int fd, int ws_family, int ws_type, int ws_protocol,
                                 std::shared_ptr<const WSAPROTOCOL_INFOW> info, uint32_t state,
                                 int *error) {
  auto *socket = new (std::nothrow)
      BaseSocket(fd, ws_family, ws_type, ws_protocol, std::move(info), state);
  if (socket == nullptr) {
    close(fd);
    *error = WSAENOBUFS;
    return {};
  }
  return Ref<BaseSocket>::Adopt(socket);
}

BaseSocket::~BaseSocket() {
  // No other reference exists now: the lock only satisfies the annotation.
  StdMutexLock lock(&mu);
  if (deferred_fd >= 0) close(deferred_fd);
  close(fd_);
}

SocketCall::SocketCall(SOCKET s, LPINT lpErrno) : ref_(sockets::GetSocket(s)), handle_(s) {
  if (ref_) {
    Object *file = ref_->file();
    if (file != nullptr && file->type() == ObjectType::kSocketFile) {
      socket_ = static_cast<BaseSocket *>(file);
    }
  }
  if (socket_ == nullptr) {
    ref_.Reset();
    if (lpErrno != nullptr) *lpErrno = WSAENOTSOCK;
  }
}

}  // namespace ws2emu::base_provider
