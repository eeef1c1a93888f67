// lib/base_provider/blocking.h — a blocking call's wait for its socket to become ready.
//
// Every Linux socket is non-blocking; a call on a blocking socket tries the operation, and on
// EAGAIN waits here and tries again. The wait ends when the descriptor is ready, when the
// socket's timeout (SO_RCVTIMEO / SO_SNDTIMEO) passes, when WSPCloseSocket closes the socket on
// another thread, or when the Winsock 1.1 blocking hook cancels the call
// (WPUQueryBlockingCallback's callback returns FALSE after WSPCancelBlockingCall).
#ifndef WS2EMU_LIB_BASE_PROVIDER_BLOCKING_H_
#define WS2EMU_LIB_BASE_PROVIDER_BLOCKING_H_

#include <cstddef>
#include <cstdint>

struct pollfd;

namespace ws2emu::base_provider {

class BaseSocket;

// A thread blocked on a socket, in the socket's list (BaseSocket::waiters) while it waits.
struct Waiter {
  int wake_fd = -1;  // the waiting thread's wake eventfd
  Waiter *next = nullptr;
};

// Waits until `socket`'s descriptor is ready for `poll_events` (POLLIN, POLLOUT, POLLPRI) or
// the wait ends. Returns 0 when ready (try the operation again), WSAETIMEDOUT when
// `timeout_ms` (0: none) passed, WSAEINTR when the socket was closed or the call cancelled,
// WSAENOBUFS when the wait could not be set up (no descriptor or memory for it).
int WaitReady(BaseSocket &socket, short poll_events, uint32_t timeout_ms);

// WSPCloseSocket: wakes every thread blocked on `socket` (their waits return WSAEINTR).
void WakeWaiters(BaseSocket &socket);

// WSPSelect's wait (network_events.cc): waits until one of fds[0..count) — fds[i] the
// descriptor of sockets[i] — is ready or the wait ends, honouring the blocking hook and
// WSPCancelBlockingCall as WaitReady does. `fds` has room for count + 1 entries (the last is
// this thread's wake descriptor while it waits). `timeout_ms` < 0: no limit. Returns 0 when
// fds[i].revents says what is ready (all 0: the timeout passed), WSAEINTR when one of the
// sockets was closed or the call cancelled, WSAENOBUFS when the wait could not be set up.
int WaitSockets(BaseSocket *const *sockets, struct pollfd *fds, size_t count, int64_t timeout_ms);

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_BLOCKING_H_
