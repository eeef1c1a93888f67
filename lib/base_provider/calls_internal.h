// lib/base_provider/calls_internal.h — small helpers the call files (socket_calls.cc,
// data_calls.cc, options.cc, ioctl.cc) share: the error return of a WSP call, whether a call
// on a socket blocks, deadlines for SO_RCVTIMEO / SO_SNDTIMEO.
#ifndef WS2EMU_LIB_BASE_PROVIDER_CALLS_INTERNAL_H_
#define WS2EMU_LIB_BASE_PROVIDER_CALLS_INTERNAL_H_

#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include <cstdint>

#include "base_provider/network_events.h"
#include "base_provider/socket.h"
#include "threads/wait.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::base_provider {

// *lpErrno = error (lpErrno may be null: a layer above may pass none), SOCKET_ERROR.
inline int Fail(LPINT lpErrno, int error) {
  if (lpErrno != nullptr) *lpErrno = error;
  return SOCKET_ERROR;
}

// Whether calls on `socket` return WSAEWOULDBLOCK instead of waiting: FIONBIO, or
// WSPEventSelect / WSPAsyncSelect in force (which make a socket non-blocking on Windows).
inline bool NonBlocking(BaseSocket &socket) {
  return socket.has(BaseSocket::kNonBlocking) || SelectsEvents(socket);
}

// Milliseconds on CLOCK_MONOTONIC: the runtime's own (lib/threads/wait.h).
using ::ws2emu::MonotonicMs;

// A blocking call's deadline from SO_RCVTIMEO / SO_SNDTIMEO (0: none): the whole call, however
// many waits it makes, ends with WSAETIMEDOUT when it passes.
class Deadline {
 public:
  explicit Deadline(uint32_t timeout_ms)
      : end_(timeout_ms == 0 ? -1 : MonotonicMs() + timeout_ms) {}
  // The wait left for WaitReady (0: none); false when the deadline has passed.
  bool Left(uint32_t *ms) const {
    if (end_ < 0) {
      *ms = 0;
      return true;
    }
    const int64_t left = end_ - MonotonicMs();
    if (left <= 0) return false;
    *ms = static_cast<uint32_t>(left > UINT32_MAX ? UINT32_MAX : left);
    return true;
  }

 private:
  int64_t end_;
};

// Whether `socket` is connected. A non-blocking connect finishes without any provider call
// seeing it (FD_CONNECT or select tells the program), so the first call that needs the
// connection looks: getpeername succeeds once the handshake is done (Linux answers ENOTCONN
// during SYN_SENT), and the socket is marked connected from then on. A connect that failed
// stays "connecting": its error is left in SO_ERROR for the program.
inline bool Connected(BaseSocket &socket) {
  if (socket.has(BaseSocket::kConnected)) return true;
  if (!socket.has(BaseSocket::kConnecting)) return false;
  sockaddr_storage peer;
  socklen_t length = sizeof(peer);
  if (getpeername(socket.fd(), reinterpret_cast<sockaddr *>(&peer), &length) != 0) return false;
  socket.Clear(BaseSocket::kConnecting);
  socket.Set(BaseSocket::kConnected | BaseSocket::kBound);
  int64_t never = 0;
  socket.connected_at_ms.compare_exchange_strong(never, MonotonicMs());
  return true;
}

// Whether `address` (Linux layout) is no destination: the any address or port 0. Windows'
// connect and sendto refuse it with WSAEADDRNOTAVAIL; Linux would reach the local host.
inline bool NoDestination(const sockaddr_storage &address) {
  if (address.ss_family == AF_INET) {
    const auto &in = reinterpret_cast<const sockaddr_in &>(address);
    return in.sin_port == 0 || in.sin_addr.s_addr == htonl(INADDR_ANY);
  }
  if (address.ss_family == AF_INET6) {
    const auto &in6 = reinterpret_cast<const sockaddr_in6 &>(address);
    return in6.sin6_port == 0 || IN6_IS_ADDR_UNSPECIFIED(&in6.sin6_addr);
  }
  return false;
}

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_CALLS_INTERNAL_H_
