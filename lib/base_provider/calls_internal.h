// lib/base_provider/calls_internal.h — small helpers the call files (socket_calls.cc,
// data_calls.cc, options.cc, ioctl.cc) share: the error return of a WSP call, whether a call
// on a socket blocks, deadlines for SO_RCVTIMEO / SO_SNDTIMEO.
#ifndef WS2EMU_LIB_BASE_PROVIDER_CALLS_INTERNAL_H_
#define WS2EMU_LIB_BASE_PROVIDER_CALLS_INTERNAL_H_

#include <time.h>

#include <cstdint>

#include "base_provider/network_events.h"
#include "base_provider/socket.h"
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

inline int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

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

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_CALLS_INTERNAL_H_
