// The base provider's readiness calls: WSPSelect, WSPEventSelect + WSPEnumNetworkEvents,
// WSPAsyncSelect, and the watcher thread behind the last two (network_events.h).
#include "base_provider/network_events.h"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/annotated_mutex.h"
#include "base_provider/blocking.h"
#include "base_provider/calls_internal.h"
#include "base_provider/operation.h"
#include "base_provider/procs.h"
#include "base_provider/provider.h"
#include "base_provider/socket.h"
#include "boundary/handle_value.h"
#include "handles/handle_table.h"
#include "net/net.h"
#include "sync/event.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::base_provider {
namespace {

using Kind = NetworkEventState::Kind;

// The events a re-enabling call can enable again (FD_CONNECT and FD_CLOSE never are).
constexpr long kReenableable = FD_READ | FD_WRITE | FD_OOB | FD_ACCEPT | FD_QOS | FD_GROUP_QOS |
                               FD_ROUTING_INTERFACE_CHANGE | FD_ADDRESS_LIST_CHANGE;

// The order in which the events of one evaluation are posted as messages. [inference] Windows
// does not document it; the connection's outcome comes first and its end last, so that a
// window procedure sees FD_CONNECT before the FD_WRITE it enables and FD_READ before FD_CLOSE.
constexpr int kPostOrder[] = {FD_CONNECT_BIT, FD_ACCEPT_BIT, FD_READ_BIT, FD_OOB_BIT,
                              FD_WRITE_BIT,   FD_CLOSE_BIT};

// ---- The Linux socket's state -------------------------------------------------------------

// The TCP state (TCP_ESTABLISHED, TCP_CLOSE, ...), or -1 if the kernel cannot say.
int TcpState(int fd) {
  tcp_info info;
  socklen_t length = sizeof(info);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return -1;
  return info.tcpi_state;
}

bool OobInline(int fd) {
  int on = 0;
  socklen_t length = sizeof(on);
  return getsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &on, &length) == 0 && on != 0;
}

// Bytes of normal data waiting (TCP: without an out-of-line urgent byte).
int Available(int fd) {
  int n = 0;
  return ioctl(fd, SIOCINQ, &n) == 0 ? n : 0;
}

// Whether a datagram (even an empty one) waits on a datagram socket.
bool DatagramWaiting(int fd) {
  char byte;
  return recv(fd, &byte, 0, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC) >= 0;
}

// Where a non-blocking connect of a stream socket stands: 1 connected (the socket's state says
// so from now on), -1 failed, 0 in progress. The failure is read from the TCP state, not from
// SO_ERROR, so that the error stays for the call that asks (getsockopt(SO_ERROR), recv).
// [inference] A failed connect leaves kConnecting set: the socket is not usable for another
// connect (Windows' documentation asks for a new socket after a failed connect).
int ConnectProgress(BaseSocket &socket) {
  if (socket.has(BaseSocket::kConnected)) return 1;
  if (!socket.has(BaseSocket::kConnecting)) return 0;
  const int state = TcpState(socket.fd());
  if (state == TCP_SYN_SENT || state == TCP_SYN_RECV || state < 0) return 0;
  if (state == TCP_CLOSE) return -1;
  int64_t none = 0;
  socket.connected_at_ms.compare_exchange_strong(none, MonotonicMs());
  socket.Set(BaseSocket::kConnected);
  socket.Clear(BaseSocket::kConnecting);
  return 1;
}

// ---- The watcher ---------------------------------------------------------------------------
//
// One epoll instance and one thread per provider. A watched socket is in the epoll set with
// EPOLLONESHOT: each wake disarms it, and the evaluation that follows arms it again with the
// readiness its enabled events need — or leaves it disarmed ("parked") when the wake brought
// nothing new (a hung-up socket, whose EPOLLHUP/EPOLLERR epoll reports whatever it is asked,
// would wake the thread forever otherwise); the next re-enabling call arms it again. The epoll
// key is the registration's id, looked up in `sockets`, so a wake for a registration that has
// just ended finds nothing.
struct Watcher {
  StdMutex mu;
  int epoll_fd ABSL_GUARDED_BY(mu) = -1;
  int wake_fd ABSL_GUARDED_BY(mu) = -1;  // key 0 in the epoll set: StopWatcher's knock
  bool stopping ABSL_GUARDED_BY(mu) = false;
  std::thread thread ABSL_GUARDED_BY(mu);
  uint64_t next_id ABSL_GUARDED_BY(mu) = 1;
  std::unordered_map<uint64_t, Ref<BaseSocket>> sockets ABSL_GUARDED_BY(mu);
};

Watcher &TheWatcher() {
  static Watcher *watcher = new Watcher();  // never destroyed: the thread may outlive statics
  return *watcher;
}

void Evaluate(BaseSocket &socket, bool from_watcher);

void WatcherMain(int epoll_fd) {
  Watcher &w = TheWatcher();
  epoll_event events[64];
  for (;;) {
    const int n = epoll_wait(epoll_fd, events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // [inference] EBADF/EINVAL cannot happen while the set is open
    }
    for (int i = 0; i < n; ++i) {
      const uint64_t id = events[i].data.u64;
      Ref<BaseSocket> socket;
      {
        StdMutexLock lock(&w.mu);
        if (id == 0) {
          if (w.stopping) return;
          continue;
        }
        auto it = w.sockets.find(id);
        if (it == w.sockets.end()) continue;  // the registration ended meanwhile
        socket = it->second;
      }
      StdMutexLock lock(&socket->mu);
      if (socket->events.id == id) Evaluate(*socket, /*from_watcher=*/true);
    }
  }
}

// Starts the watcher if it is not running. 0 or WSAENOBUFS.
int StartWatcher(Watcher &w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w.mu) {
  if (w.epoll_fd >= 0) return 0;
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return WSAENOBUFS;
  const int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event knock = {};
  knock.events = EPOLLIN;
  knock.data.u64 = 0;
  if (wake_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &knock) != 0) {
    if (wake_fd >= 0) close(wake_fd);
    close(epoll_fd);
    return WSAENOBUFS;
  }
  try {
    w.thread = std::thread(WatcherMain, epoll_fd);
  } catch (const std::system_error &) {
    close(wake_fd);
    close(epoll_fd);
    return WSAENOBUFS;
  }
  w.epoll_fd = epoll_fd;
  w.wake_fd = wake_fd;
  w.stopping = false;
  return 0;
}

// Takes `socket` out of the watcher (its registration ended or is replaced).
void Unwatch(BaseSocket &socket) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu) {
  NetworkEventState &ev = socket.events;
  if (ev.id == 0) return;
  Ref<BaseSocket> kept;  // released after the watcher's lock (never the last reference here)
  Watcher &w = TheWatcher();
  {
    StdMutexLock lock(&w.mu);
    auto it = w.sockets.find(ev.id);
    if (it != w.sockets.end()) {
      kept = std::move(it->second);
      w.sockets.erase(it);
    }
    if (w.epoll_fd >= 0) epoll_ctl(w.epoll_fd, EPOLL_CTL_DEL, socket.fd(), nullptr);
  }
  ev.id = 0;
}

// Puts `socket` in the watcher's set under a new id, disarmed until Evaluate arms it. 0 or
// WSAENOBUFS.
int Watch(BaseSocket &socket) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu) {
  Watcher &w = TheWatcher();
  StdMutexLock lock(&w.mu);
  if (int e = StartWatcher(w); e != 0) return e;
  const uint64_t id = w.next_id++;
  try {
    w.sockets.emplace(id, Ref<BaseSocket>::Share(&socket));
  } catch (const std::bad_alloc &) {
    return WSAENOBUFS;
  }
  epoll_event disarmed = {};
  disarmed.events = EPOLLONESHOT;  // reports nothing until armed
  disarmed.data.u64 = id;
  if (epoll_ctl(w.epoll_fd, EPOLL_CTL_ADD, socket.fd(), &disarmed) != 0) {
    w.sockets.erase(id);
    return WSAENOBUFS;  // ENOMEM, or the user's epoll watch limit (max_user_watches)
  }
  socket.events.id = id;
  return 0;
}

// Arms the socket's one-shot watch for `interest` (EPOLLIN, EPOLLOUT, ...).
void Arm(BaseSocket &socket, uint32_t interest) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu) {
  Watcher &w = TheWatcher();
  StdMutexLock lock(&w.mu);
  if (w.epoll_fd < 0) return;
  epoll_event armed = {};
  armed.events = interest | EPOLLONESHOT;
  armed.data.u64 = socket.events.id;
  // MOD fails only for a descriptor not in the set, which a watched socket always is.
  epoll_ctl(w.epoll_fd, EPOLL_CTL_MOD, socket.fd(), &armed);
}

// ---- Evaluation ----------------------------------------------------------------------------

// Whether an AcceptEx is pending on the listening `socket` that will take the next connection
// (not counting one that is taking its connection now: accept_leaving). A connection a pending
// AcceptEx takes never makes FD_ACCEPT due (Wine's test_accept_events, "Connect while there is
// a pending AcceptEx()": no event, and the next connection gives FD_ACCEPT; server/sock.c
// sock_dispatch_asyncs hands the readiness to the accept request and clears it). A listening
// socket's in-queue holds AcceptEx operations only: the receives refuse a listening socket.
bool AcceptExWaiting(BaseSocket &socket) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu) {
  int pending = 0;
  for (const Operation *op = socket.io.in_head; op != nullptr && pending < 2; op = op->next) {
    ++pending;
  }
  return pending > (socket.events.accept_leaving ? 1 : 0);
}

// The FD_* events `socket` is ready for now, with their errors in errors[FD_*_BIT]. Sets
// *changed when the socket's state moved (a connect finished).
long ReadyEvents(BaseSocket &socket, int errors[FD_MAX_EVENTS], bool *changed)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu) {
  NetworkEventState &ev = socket.events;
  pollfd p = {socket.fd(), POLLIN | POLLOUT | POLLPRI | POLLRDHUP, 0};
  if (poll(&p, 1, 0) < 0) p.revents = 0;
  const short r = p.revents;
  long ready = 0;
  if (!socket.stream()) {
    // A pending error (an ICMP error on a connected datagram socket) is what the next receive
    // reports, so it makes FD_READ due as data does. [inference]
    if (((r & POLLIN) != 0 && DatagramWaiting(socket.fd())) || (r & POLLERR) != 0) {
      ready |= FD_READ;
    }
    if ((r & POLLOUT) != 0) ready |= FD_WRITE;
    return ready;
  }
  if (socket.has(BaseSocket::kListening)) {
    // A connection deferred by a condition function (CF_DEFER) waits outside the kernel's
    // queue: it is still one to accept.
    // AcceptEx does not take a deferred connection (only accept4's queue): still one to accept.
    if (((r & POLLIN) != 0 && !AcceptExWaiting(socket)) || socket.deferred_fd >= 0) {
      ready |= FD_ACCEPT;
    }
    return ready;
  }
  if (ev.connect_done) {
    // ConnectEx's outcome, as the engine's attempt found it (SO_ERROR already taken there).
    ev.connect_done = false;
    ev.connect_pending = false;
    *changed = true;
    ready |= FD_CONNECT;
    errors[FD_CONNECT_BIT] = ev.connect_error;
    if (ev.connect_error == 0) ev.enabled |= FD_WRITE;  // a new connection: FD_WRITE is due once
  }
  if (ev.connect_pending) {
    const int progress = ConnectProgress(socket);
    if (progress != 0) {
      ev.connect_pending = false;
      *changed = true;
      ready |= FD_CONNECT;
      if (progress < 0) {
        // The outcome is told here, so the error is taken from SO_ERROR (which clears it).
        int error = 0;
        socklen_t length = sizeof(error);
        getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length);
        errors[FD_CONNECT_BIT] =
            error != 0 ? net::WsaErrorFromErrno(error) : WSAECONNREFUSED;  // [inference]
      } else {
        ev.enabled |= FD_WRITE;  // a new connection: FD_WRITE is due once
      }
    }
  }
  if (!socket.has(BaseSocket::kConnected)) return ready;
  const bool oob_inline = OobInline(socket.fd());
  const int available = Available(socket.fd());
  if (available > 0 || ((r & POLLPRI) != 0 && oob_inline)) ready |= FD_READ;
  if ((r & POLLPRI) != 0 && !oob_inline) ready |= FD_OOB;
  if ((r & (POLLERR | POLLHUP | POLLRDHUP)) != 0) {
    // A reset leaves the socket in TCP_CLOSE with an error pending; a graceful close by the
    // peer (FIN) in CLOSE_WAIT (or, when this side has shut down too, on the way to CLOSE).
    const bool reset = (r & POLLERR) != 0 ||
                       (TcpState(socket.fd()) == TCP_CLOSE && !socket.has(BaseSocket::kShutSend));
    if (reset) {
      // Windows discards what was received when the connection is reset; a receive reports
      // the reset. [inference] Linux cannot tell a reset by the peer (WSAECONNRESET) from a
      // local abort (WSAECONNABORTED: a keep-alive or retransmission timeout) without taking
      // the pending error away from the receive that must report it: both are WSAECONNRESET.
      ready &= ~FD_READ;
      ready |= FD_CLOSE;
      errors[FD_CLOSE_BIT] = WSAECONNRESET;
    } else if ((r & POLLRDHUP) != 0 && (available == 0 || (ev.mask & FD_READ) == 0)) {
      // Graceful: FD_CLOSE once the data is read (MSDN: FD_CLOSE is posted after all data is
      // read), or at once when FD_READ is not asked for. [inference] for the latter.
      ready |= FD_CLOSE;
    }
  }
  if ((r & POLLOUT) != 0 && (r & (POLLERR | POLLHUP)) == 0 && !socket.has(BaseSocket::kShutSend)) {
    ready |= FD_WRITE;
  }
  return ready;
}

// The epoll readiness the socket's enabled events wait for.
uint32_t Interest(BaseSocket &socket) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu) {
  const NetworkEventState &ev = socket.events;
  const long want = ev.mask & ev.enabled;
  uint32_t interest = 0;
  if (!socket.stream()) {
    if ((want & FD_READ) != 0) interest |= EPOLLIN;
    if ((want & FD_WRITE) != 0) interest |= EPOLLOUT;
    return interest;
  }
  if (socket.has(BaseSocket::kListening)) {
    // While an AcceptEx waits, the connection is its: AcceptTakenLocked evaluates again when it
    // took one, so the watcher need not wake for it.
    return (want & FD_ACCEPT) != 0 && !AcceptExWaiting(socket) ? uint32_t{EPOLLIN} : 0u;
  }
  if (ev.connect_pending) interest |= EPOLLOUT;
  if (!socket.has(BaseSocket::kConnected)) return interest;
  if ((want & FD_READ) != 0) interest |= EPOLLIN | EPOLLRDHUP | EPOLLPRI;
  if ((want & FD_OOB) != 0) interest |= EPOLLPRI;
  // FD_CLOSE waits for the data to be read: while FD_READ is recorded and not re-enabled, the
  // receive that re-enables it evaluates the socket again.
  if ((want & FD_CLOSE) != 0 && ((ev.mask & FD_READ) == 0 || (want & FD_READ) != 0)) {
    interest |= EPOLLRDHUP;
  }
  if ((want & FD_WRITE) != 0) interest |= EPOLLOUT;
  return interest;
}

// Records what is due on `socket` and enabled, signals it (the event object, or one message
// per event), and arms the watch for what is still enabled. Everything under the socket's
// lock, so that a registration that ended signals nothing more.
void Evaluate(BaseSocket &socket, bool from_watcher) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu) {
  NetworkEventState &ev = socket.events;
  if (ev.kind == Kind::kNone || socket.has(BaseSocket::kClosed)) return;
  int errors[FD_MAX_EVENTS] = {};
  bool changed = false;
  const long fresh = ReadyEvents(socket, errors, &changed) & ev.mask & ev.enabled;
  ev.enabled &= ~fresh;
  if (fresh != 0) {
    const WSPUPCALLTABLE *upcalls = Upcalls();
    if (ev.kind == Kind::kEvent) {
      ev.recorded |= fresh;
      for (int bit = 0; bit < FD_MAX_EVENTS; ++bit) {
        if ((fresh & (1L << bit)) != 0) ev.errors[bit] = errors[bit];
      }
      int error;
      // A handle the application closed meanwhile: nothing to set (Windows' AFD holds its own
      // reference to the event object; here the handle is the only way to it).
      if (upcalls != nullptr) upcalls->lpWPUSetEvent(ev.event, &error);
    } else if (upcalls != nullptr) {
      for (int bit : kPostOrder) {
        if ((fresh & (1L << bit)) == 0) continue;
        // A window destroyed meanwhile: the message is dropped, as PostMessage drops it.
        upcalls->lpWPUPostMessage(ev.window, ev.message, static_cast<WPARAM>(socket.handle()),
                                  WSAMAKESELECTREPLY(1L << bit, errors[bit]));
      }
    }
  }
  if (from_watcher && fresh == 0 && !changed) return;  // parked (see Watcher)
  const uint32_t interest = Interest(socket);
  if (interest != 0) Arm(socket, interest);
}

// Replaces the socket's registration. 0 or the WSA error (then nothing is registered).
int Register(BaseSocket &socket, Kind kind, WSAEVENT event, HWND window, unsigned int message,
             long mask) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu) {
  NetworkEventState &ev = socket.events;
  Unwatch(socket);
  // A new registration clears what the old one recorded (MSDN's WSAEventSelect).
  ev.kind = Kind::kNone;
  ev.selecting.store(false, std::memory_order_release);
  ev.mask = ev.enabled = ev.recorded = 0;
  std::memset(ev.errors, 0, sizeof(ev.errors));
  ev.event = nullptr;
  ev.window = nullptr;
  ev.message = 0;
  if (mask == 0) return 0;  // cancelled
  if (int e = Watch(socket); e != 0) return e;
  ev.kind = kind;
  ev.selecting.store(true, std::memory_order_release);
  ev.mask = mask;
  ev.enabled = FD_ALL_EVENTS;  // what is due now is signalled at once
  ev.event = event;
  ev.window = window;
  ev.message = message;
  Evaluate(socket, /*from_watcher=*/false);
  return 0;
}

bool ValidEvent(WSAEVENT event) {
  // The kernel's check of the handle (AFD references the event object by its handle).
  return static_cast<bool>(HandleTable::Get().LookupAs<Event>(HandleValue(event)));
}

}  // namespace

// ---- The hooks the other parts call ---------------------------------------------------------

bool SelectsEvents(BaseSocket &socket) {
  return socket.events.selecting.load(std::memory_order_acquire);
}

void Reenable(BaseSocket &socket, long events) {
  if (!SelectsEvents(socket)) return;
  StdMutexLock lock(&socket.mu);
  if (socket.events.kind == Kind::kNone) return;
  socket.events.enabled |= events & kReenableable;
  Evaluate(socket, /*from_watcher=*/false);
}

void ConnectStarted(BaseSocket &socket) {
  StdMutexLock lock(&socket.mu);
  socket.events.connect_pending = true;
  Evaluate(socket, /*from_watcher=*/false);
}

void ListenStarted(BaseSocket &socket) {
  StdMutexLock lock(&socket.mu);
  Evaluate(socket, /*from_watcher=*/false);
}

// ---- The hooks the overlapped engine's attempts call, the socket's mutex held (socket.h) -----

void ConnectFinishedLocked(BaseSocket &socket, int error) {
  NetworkEventState &ev = socket.events;
  if (ev.kind == Kind::kNone) return;
  ev.connect_done = true;
  ev.connect_error = error;
  Evaluate(socket, /*from_watcher=*/false);
  ev.connect_done = false;  // consumed by the evaluation unless the socket was closing
  ev.connect_error = 0;
}

void AcceptTakenLocked(BaseSocket &socket) {
  NetworkEventState &ev = socket.events;
  if (ev.kind == Kind::kNone) return;
  // Wine's server/sock.c accept_into_socket re-enables FD_ACCEPT as accept_socket does (both
  // clear AFD_POLL_ACCEPT from the reported events): AcceptEx is a re-enabling call too.
  ev.enabled |= FD_ACCEPT;
  ev.accept_leaving = true;
  Evaluate(socket, /*from_watcher=*/false);
  ev.accept_leaving = false;
}

void AcceptWithdrawnLocked(BaseSocket &socket) {
  if (socket.events.kind == Kind::kNone) return;
  // The operation is out of the queue already (or was never in it): AcceptExWaiting counts
  // only the AcceptEx operations that remain.
  Evaluate(socket, /*from_watcher=*/false);
}

void AcceptedIntoLocked(BaseSocket &socket) {
  NetworkEventState &ev = socket.events;
  if (ev.kind == Kind::kNone) return;
  // Wine's server/sock.c accept_into_socket: the accept socket keeps its own mask (it does not
  // take the listener's: AcceptEx's documentation, the accept socket inherits nothing until
  // SO_UPDATE_ACCEPT_CONTEXT) and its pending and reported events start from nothing. Register
  // anew with the same parameters does that, and watches the descriptor that now holds the
  // connection (the one watched before was replaced by dup3). [inference] No memory for the
  // new watch: the socket is left without a registration (AcceptEx has succeeded already).
  const Kind kind = ev.kind;
  const WSAEVENT event = ev.event;
  const HWND window = ev.window;
  const unsigned int message = ev.message;
  const long mask = ev.mask;
  Register(socket, kind, event, window, message, mask);
}

void StopEvents(BaseSocket &socket) {
  StdMutexLock lock(&socket.mu);
  Register(socket, Kind::kNone, nullptr, nullptr, 0, 0);
}

void InheritEvents(BaseSocket &listener, BaseSocket &accepted) {
  Kind kind;
  long mask;
  WSAEVENT event;
  HWND window;
  unsigned int message;
  {
    StdMutexLock lock(&listener.mu);
    kind = listener.events.kind;
    mask = listener.events.mask;
    event = listener.events.event;
    window = listener.events.window;
    message = listener.events.message;
  }
  if (kind == Kind::kNone) return;
  accepted.Set(BaseSocket::kNonBlocking);
  StdMutexLock lock(&accepted.mu);
  // [inference] No memory for the watch: the accepted socket is left without a registration
  // (WSPAccept has already succeeded; Windows documents no failure for this inheritance).
  Register(accepted, kind, event, window, message, mask);
}

void StopWatcher() {
  Watcher &w = TheWatcher();
  std::thread thread;
  int epoll_fd, wake_fd;
  {
    StdMutexLock lock(&w.mu);
    if (w.epoll_fd < 0) return;
    w.stopping = true;
    const uint64_t one = 1;
    (void)!write(w.wake_fd, &one, sizeof(one));
    thread = std::move(w.thread);
    epoll_fd = w.epoll_fd;
    wake_fd = w.wake_fd;
  }
  thread.join();
  StdMutexLock lock(&w.mu);
  close(epoll_fd);
  close(wake_fd);
  w.epoll_fd = w.wake_fd = -1;
  w.stopping = false;
}

// ---- WSPEventSelect, WSPEnumNetworkEvents, WSPAsyncSelect ---------------------------------

int WSPAPI WSPEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  if ((lNetworkEvents & ~static_cast<LONG>(FD_ALL_EVENTS)) != 0) return Fail(lpErrno, WSAEINVAL);
  if (lNetworkEvents != 0 && (hEventObject == nullptr || !ValidEvent(hEventObject))) {
    return Fail(lpErrno, WSAEINVAL);
  }
  // Both selects make the socket non-blocking, whatever the mask (MSDN).
  call->Set(BaseSocket::kNonBlocking);
  StdMutexLock lock(&call->mu);
  if (call->has(BaseSocket::kClosed)) return Fail(lpErrno, WSAENOTSOCK);
  if (int e = Register(*call, Kind::kEvent, hEventObject, nullptr, 0, lNetworkEvents); e != 0) {
    return Fail(lpErrno, e);
  }
  return 0;
}

// Copies and clears the recorded events and resets hEventObject (if given), atomically with
// respect to the recording (both under the socket's lock).
int WSPAPI WSPEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                LPWSANETWORKEVENTS lpNetworkEvents, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  if (lpNetworkEvents == nullptr) return Fail(lpErrno, WSAEFAULT);
  if (hEventObject != nullptr && !ValidEvent(hEventObject)) return Fail(lpErrno, WSAEINVAL);
  StdMutexLock lock(&call->mu);
  NetworkEventState &ev = call->events;
  if (hEventObject != nullptr) {
    int error;
    if (const WSPUPCALLTABLE *upcalls = Upcalls();
        upcalls == nullptr || !upcalls->lpWPUResetEvent(hEventObject, &error)) {
      return Fail(lpErrno, WSAEINVAL);  // closed between the check and the reset
    }
  }
  lpNetworkEvents->lNetworkEvents = ev.recorded;
  for (int bit = 0; bit < FD_MAX_EVENTS; ++bit) {
    lpNetworkEvents->iErrorCode[bit] = (ev.recorded & (1L << bit)) != 0 ? ev.errors[bit] : 0;
  }
  ev.recorded = 0;
  std::memset(ev.errors, 0, sizeof(ev.errors));
  return 0;
}

int WSPAPI WSPAsyncSelect(SOCKET s, HWND hWnd, unsigned int wMsg, LONG lEvent, LPINT lpErrno) {
  SocketCall call(s, lpErrno);
  if (!call) return SOCKET_ERROR;
  if ((lEvent & ~static_cast<LONG>(FD_ALL_EVENTS)) != 0) return Fail(lpErrno, WSAEINVAL);
  // MSDN: WSAEINVAL for "the window handle not referring to an existing window".
  if (lEvent != 0 && !ws2emu_IsWindow(hWnd)) return Fail(lpErrno, WSAEINVAL);
  call->Set(BaseSocket::kNonBlocking);
  StdMutexLock lock(&call->mu);
  if (call->has(BaseSocket::kClosed)) return Fail(lpErrno, WSAENOTSOCK);
  if (int e = Register(*call, Kind::kWindow, nullptr, hWnd, wMsg, lEvent); e != 0) {
    return Fail(lpErrno, e);
  }
  return 0;
}

// ---- WSPSelect -----------------------------------------------------------------------------
namespace {

// Copies `count` bytes of the caller's memory at `from` to `to` (and back, WriteCaller); false
// when part of it is not mapped (WSAEFAULT: on Windows the kernel's probe of the fd_set).
// Where a seccomp filter forbids the probe, the copy is a plain one.
bool ReadCaller(void *to, const void *from, size_t count) {
  iovec local = {to, count};
  iovec remote = {const_cast<void *>(from), count};
  const ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
  if (n == static_cast<ssize_t>(count)) return true;
  if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
    std::memcpy(to, from, count);
    return true;
  }
  return false;
}

bool WriteCaller(void *to, const void *from, size_t count) {
  iovec local = {const_cast<void *>(from), count};
  iovec remote = {to, count};
  const ssize_t n = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
  if (n == static_cast<ssize_t>(count)) return true;
  if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
    std::memcpy(to, from, count);
    return true;
  }
  return false;
}

constexpr size_t kArrayOffset = offsetof(WS_fd_set, fd_array);

// The entries of the caller's set `set` (null: none). 0, WSAEFAULT or WSAENOBUFS.
int ReadSet(const WS_fd_set *set, std::vector<SOCKET> *out) {
  if (set == nullptr) return 0;
  u_int count;
  if (!ReadCaller(&count, &set->fd_count, sizeof(count))) return WSAEFAULT;
  if (count == 0) return 0;
  const auto *array = reinterpret_cast<const char *>(set) + kArrayOffset;
  // The last entry first: a count that runs past the caller's memory fails before anything is
  // allocated for it.
  SOCKET last;
  if (!ReadCaller(&last, array + (count - 1) * sizeof(SOCKET), sizeof(last))) return WSAEFAULT;
  try {
    out->resize(count);
  } catch (const std::exception &) {  // bad_alloc, length_error: no such set can be real
    return WSAENOBUFS;
  }
  if (!ReadCaller(out->data(), array, count * sizeof(SOCKET))) return WSAEFAULT;
  return 0;
}

// One socket named in the sets, whichever sets and however often.
struct Selected {
  BaseSocket *socket;
  bool read = false, write = false, except = false;       // the sets it is in
  bool is_read = false, is_write = false, is_except = false;  // what it is ready for
  bool muted = false;  // woke the wait without being ready for anything asked: not polled again
};

// The poll events that can make `s` ready for what it is asked.
short Want(Selected &s) {
  BaseSocket &socket = *s.socket;
  if (!socket.stream()) return static_cast<short>((s.read ? POLLIN : 0) | (s.write ? POLLOUT : 0));
  if (socket.has(BaseSocket::kListening)) return s.read ? POLLIN : 0;
  const int progress = ConnectProgress(socket);
  if (progress == 0) return socket.has(BaseSocket::kConnecting) ? POLLOUT : 0;
  if (progress < 0) return s.except ? POLLOUT : 0;  // failed: ready for exceptfds at once
  const bool oob_inline = OobInline(socket.fd());
  short want = 0;
  if (s.read) want |= POLLIN | POLLRDHUP | (oob_inline ? POLLPRI : 0);
  if (s.write && !socket.has(BaseSocket::kShutSend)) want |= POLLOUT;
  if (s.except && !oob_inline) want |= POLLPRI;
  return want;
}

// What `s` is ready for after a poll that gave `revents`; true if anything asked.
bool Classify(Selected &s, short revents) {
  BaseSocket &socket = *s.socket;
  s.is_read = s.is_write = s.is_except = false;
  if (!socket.stream()) {
    s.is_read = s.read && (revents & (POLLIN | POLLERR)) != 0;
    s.is_write = s.write && (revents & POLLOUT) != 0;
  } else if (socket.has(BaseSocket::kListening)) {
    bool deferred;  // a connection a condition function deferred (CF_DEFER) waits too
    {
      StdMutexLock lock(&socket.mu);
      deferred = socket.deferred_fd >= 0;
    }
    s.is_read = s.read && ((revents & POLLIN) != 0 || deferred);
  } else {
    const int progress = ConnectProgress(socket);
    if (progress < 0) {
      s.is_except = s.except;  // a failed non-blocking connect
    } else if (progress > 0) {
      const bool oob_inline = OobInline(socket.fd());
      s.is_read = s.read && ((revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)) != 0 ||
                             (oob_inline && (revents & POLLPRI) != 0));
      s.is_write = s.write && (revents & POLLOUT) != 0 && (revents & (POLLERR | POLLHUP)) == 0 &&
                   !socket.has(BaseSocket::kShutSend);
      s.is_except = s.except && !oob_inline && (revents & POLLPRI) != 0;
    }
  }
  return s.is_read || s.is_write || s.is_except;
}

// Rewrites the caller's set to hold only the ready entries, in their order; how many it holds
// now, or -1 when it cannot be written (WSAEFAULT).
int WriteSet(WS_fd_set *set, std::vector<SOCKET> &entries,
             const std::unordered_map<SOCKET, size_t> &index, const std::vector<Selected> &sockets,
             bool Selected::*ready) {
  if (set == nullptr) return 0;
  size_t kept = 0;
  for (SOCKET s : entries) {
    if (sockets[index.at(s)].*ready) entries[kept++] = s;
  }
  const u_int count = static_cast<u_int>(kept);
  if (kept != 0 && !WriteCaller(reinterpret_cast<char *>(set) + kArrayOffset, entries.data(),
                                kept * sizeof(SOCKET))) {
    return -1;
  }
  if (!WriteCaller(&set->fd_count, &count, sizeof(count))) return -1;
  return static_cast<int>(kept);
}


}  // namespace

// WSPSelect: Windows' select over the provider's sockets. The sets may hold any number of
// entries (fd_count is not limited to FD_SETSIZE: a caller may allocate a larger set); nfds is
// ignored, as on Windows. readfds: data, a connection to accept, or a connection closed or
// reset (a receive would not block); writefds: a non-blocking connect that succeeded, or a send
// would not block; exceptfds: out-of-band data (without SO_OOBINLINE) or a non-blocking connect
// that failed. A socket of another provider, or no socket, is WSAENOTSOCK (ws2_32 hands a
// provider only its own sockets). A blocking select ends with WSAEINTR when one of its sockets
// is closed by another thread [inference: as the provider's other blocking calls do], or when
// the Winsock 1.1 blocking hook cancels it.
int WSPAPI WSPSelect(int nfds, WS_fd_set *readfds, WS_fd_set *writefds, WS_fd_set *exceptfds,
                     const struct WS_timeval *timeout, LPINT lpErrno) {
  (void)nfds;
  int64_t timeout_ms = -1;
  if (timeout != nullptr) {
    WS_timeval t;
    if (!ReadCaller(&t, timeout, sizeof(t))) return Fail(lpErrno, WSAEFAULT);
    if (t.tv_sec < 0 || t.tv_usec < 0) return Fail(lpErrno, WSAEINVAL);
    // A part of a millisecond counts as a whole one, so a short timeout is not a poll.
    timeout_ms = int64_t{t.tv_sec} * 1000 + (int64_t{t.tv_usec} + 999) / 1000;
  }
  std::vector<SOCKET> sets[3];
  WS_fd_set *const callers[3] = {readfds, writefds, exceptfds};
  for (int i = 0; i < 3; ++i) {
    if (int e = ReadSet(callers[i], &sets[i]); e != 0) return Fail(lpErrno, e);
  }
  const size_t total = sets[0].size() + sets[1].size() + sets[2].size();
  if (total == 0) return Fail(lpErrno, WSAEINVAL);  // Windows: no socket in any set

  std::vector<SocketCall> calls;
  std::vector<Selected> sockets;
  std::unordered_map<SOCKET, size_t> index;
  std::vector<pollfd> fds;
  std::vector<BaseSocket *> waited;
  try {
    calls.reserve(total);
    sockets.reserve(total);
    index.reserve(total);
    for (int i = 0; i < 3; ++i) {
      for (SOCKET s : sets[i]) {
        auto [it, inserted] = index.emplace(s, sockets.size());
        if (inserted) {
          int error = WSAENOTSOCK;
          calls.emplace_back(s, &error);
          if (!calls.back() || calls.back()->has(BaseSocket::kClosed)) {
            return Fail(lpErrno, WSAENOTSOCK);
          }
          sockets.push_back(Selected{calls.back().get()});
        }
        Selected &selected = sockets[it->second];
        (i == 0 ? selected.read : i == 1 ? selected.write : selected.except) = true;
      }
    }
    fds.resize(sockets.size() + 1);
    waited.resize(sockets.size());
  } catch (const std::bad_alloc &) {
    return Fail(lpErrno, WSAENOBUFS);
  }
  for (size_t i = 0; i < sockets.size(); ++i) waited[i] = sockets[i].socket;

  const int64_t deadline = timeout_ms < 0 ? -1 : MonotonicMs() + timeout_ms;
  bool first = true;
  for (;;) {
    for (size_t i = 0; i < sockets.size(); ++i) {
      const short want = sockets[i].muted ? 0 : Want(sockets[i]);
      fds[i] = {want != 0 ? sockets[i].socket->fd() : -1, want, 0};
    }
    int64_t left = 0;
    if (!first && deadline >= 0) left = deadline - MonotonicMs();
    if (first || (left <= 0 && deadline >= 0)) {
      // A look without waiting: the first (a ready socket needs no wait), and the last.
      if (poll(fds.data(), sockets.size(), 0) < 0) {
        for (size_t i = 0; i < sockets.size(); ++i) fds[i].revents = 0;
      }
    } else if (int e = WaitSockets(waited.data(), fds.data(), sockets.size(),
                                   deadline < 0 ? -1 : left);
               e != 0) {
      return Fail(lpErrno, e);
    }
    bool any = false;
    for (size_t i = 0; i < sockets.size(); ++i) {
      const bool was_connecting = sockets[i].socket->has(BaseSocket::kConnecting);
      if (Classify(sockets[i], fds[i].revents)) {
        any = true;
      } else if (fds[i].revents != 0 && !was_connecting) {
        sockets[i].muted = true;  // ready for nothing asked, and would wake every wait
      }
    }
    if (any) break;
    if (deadline >= 0 && (timeout_ms == 0 || (!first && MonotonicMs() >= deadline))) break;
    first = false;
  }
  int count = 0;
  bool Selected::*ready[3] = {&Selected::is_read, &Selected::is_write, &Selected::is_except};
  for (int i = 0; i < 3; ++i) {
    const int kept = WriteSet(callers[i], sets[i], index, sockets, ready[i]);
    if (kept < 0) return Fail(lpErrno, WSAEFAULT);
    count += kept;
  }
  return count;
}

}  // namespace ws2emu::base_provider
