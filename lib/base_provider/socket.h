// lib/base_provider/socket.h — a base provider socket: one Linux socket behind one IFS handle.
//
//   SocketCall call(s, lpErrno);          // finds and pins the socket of handle `s`
//   if (!call) return SOCKET_ERROR;       // *lpErrno = WSAENOTSOCK
//   recv(call->fd(), ...);
//
// The handle is an IFS socket handle whose file object is the BaseSocket (sockets::
// CreateIfsSocket), so finding a socket is a pin of the handle's slot — lock-free — and a call
// that pinned it may use it while another thread closes it: the BaseSocket lives until the
// handle is closed and every pin and reference is gone, and only then is its Linux socket
// closed. So a Linux descriptor number is never reused under a call that still uses it.
//
// Lock order. Each arrow says: may be taken while the left one is held (never the reverse).
//
//   BaseSocket::mu ──> Engine::submit_mu, Engine::disarm_mu   (overlapped.cc)
//                  ──> Watcher::mu                            (network_events.cc)
//                  ──> the runtime's own locks the upcalls take: event objects
//                      (WPUSetEvent), completion ports and APC queues (Deliver), message
//                      queues (WPUPostMessage), the handle table
//
// - At most one socket's mu at a time. Work that belongs to a second socket is done after the
//   first mutex is released: an operation that continues on another socket (AcceptEx's
//   accepted socket) goes there through Continue, outside the first mutex; InheritEvents holds
//   the listener's mutex and then the accepted socket's, one after the other.
// - The engine (overlapped.cc) tries and delivers an operation with its socket's mu held. The
//   network-event hooks an attempt calls (the *Locked functions below: ConnectEx's outcome,
//   AcceptEx taking a connection) therefore run under that same mu and take only Watcher::mu,
//   as every evaluation of the socket's events does (WSPEventSelect, the watcher thread, the
//   re-enabling calls): they add no new pair to the order. They never take a socket's mu
//   themselves, so they cannot deadlock against the socket they run on.
// - Watcher::mu and the engine's mutexes are leaves among the provider's locks: nothing takes a
//   BaseSocket::mu while holding one (the watcher and the reapers release theirs first).
// Checked by the thread-safety annotations (clang -Werror=thread-safety: the hooks are
// ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu)) and by ThreadSanitizer's lock-order detector over
// the base-provider and stress suites.
//
// The Linux socket is always O_NONBLOCK and O_CLOEXEC. Blocking is emulated (blocking.h), so
// that a blocking call can be ended by closesocket on another thread, by the Winsock 1.1
// blocking hook (WSPCancelBlockingCall) and by SO_RCVTIMEO / SO_SNDTIMEO, and so that
// overlapped operations and network events can share the descriptor.
#ifndef WS2EMU_LIB_BASE_PROVIDER_SOCKET_H_
#define WS2EMU_LIB_BASE_PROVIDER_SOCKET_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "base/annotated_mutex.h"
#include "base_provider/network_events.h"
#include "base_provider/overlapped.h"
#include "handles/handle_table.h"
#include "sockets/socket_record.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::base_provider {

struct Waiter;  // blocking.h

class BaseSocket final : public Object {
 public:
  // State bits (state()).
  static constexpr uint32_t kNonBlocking = 1u << 0;   // FIONBIO
  static constexpr uint32_t kBound = 1u << 1;
  static constexpr uint32_t kListening = 1u << 2;
  static constexpr uint32_t kConnecting = 1u << 3;    // a non-blocking connect in progress
  static constexpr uint32_t kConnected = 1u << 4;
  static constexpr uint32_t kShutReceive = 1u << 5;
  static constexpr uint32_t kShutSend = 1u << 6;
  static constexpr uint32_t kClosed = 1u << 7;        // WSPCloseSocket (or WSPCleanup) began
  static constexpr uint32_t kOverlapped = 1u << 8;    // created with WSA_FLAG_OVERLAPPED
  // Option state Windows keeps and Linux does not (or keeps with another meaning).
  static constexpr uint32_t kOobInline = 1u << 9;          // SO_OOBINLINE (mirrors Linux's)
  static constexpr uint32_t kReuseAddr = 1u << 10;         // SO_REUSEADDR, Windows' meaning
  static constexpr uint32_t kExclusiveAddrUse = 1u << 11;  // SO_EXCLUSIVEADDRUSE
  static constexpr uint32_t kConditionalAccept = 1u << 12; // SO_CONDITIONAL_ACCEPT
  static constexpr uint32_t kNoUdpConnReset = 1u << 13;    // SIO_UDP_CONNRESET turned off
  static constexpr uint32_t kDebug = 1u << 14;             // SO_DEBUG (kept, no effect)
  static constexpr uint32_t kDuplicated = 1u << 15;        // WSPDuplicateSocket made a twin
  // A hint, not state: the last blocking receive had to wait, so the next one waits for
  // readiness before trying (one system call fewer in a request-reply exchange).
  static constexpr uint32_t kReceiveWaits = 1u << 16;

  // Opens a Linux socket for the Windows (family, type, protocol), already checked against
  // `info` by WSPSocket. Null with *error = the WSA error (WSAEMFILE, WSAENOBUFS, ...).
  static Ref<BaseSocket> Open(int ws_family, int ws_type, int ws_protocol,
                              std::shared_ptr<const WSAPROTOCOL_INFOW> info, DWORD flags,
                              int *error);
  // A socket for `fd`, a connection accepted on `listener` (it inherits the listener's
  // protocol, catalog entry and options as Windows' accepted sockets do). Takes `fd` (closes
  // it on failure). Null with *error on failure.
  static Ref<BaseSocket> Adopt(int fd, const BaseSocket &listener, int *error);
  // A socket for `fd` with the given properties and state bits (WSPSocket of a
  // WSPDuplicateSocket's protocol info: `fd` is a dup() of the original's). Takes `fd`.
  static Ref<BaseSocket> Wrap(int fd, int ws_family, int ws_type, int ws_protocol,
                              std::shared_ptr<const WSAPROTOCOL_INFOW> info, uint32_t state,
                              int *error);
  ~BaseSocket() override;

  int fd() const { return fd_; }
  int family() const { return family_; }      // Windows numbers (WS_AF_INET6 = 23)
  int type() const { return type_; }
  int protocol() const { return protocol_; }
  bool stream() const { return type_ == WS_SOCK_STREAM; }
  const WSAPROTOCOL_INFOW &protocol_info() const { return *info_; }
  const std::shared_ptr<const WSAPROTOCOL_INFOW> &shared_protocol_info() const { return info_; }
  uint32_t catalog_id() const { return info_->dwCatalogEntryId; }

  // The handle WPUModifyIFSHandle returned; set once, before anybody else can see the socket.
  SOCKET handle() const { return handle_; }
  void set_handle(SOCKET h) { handle_ = h; }

  uint32_t state() const { return state_.load(std::memory_order_acquire); }
  bool has(uint32_t bits) const { return (state() & bits) != 0; }
  void Set(uint32_t bits) { state_.fetch_or(bits, std::memory_order_acq_rel); }
  void Clear(uint32_t bits) { state_.fetch_and(~bits, std::memory_order_acq_rel); }
  // Sets kClosed; false if it was set already (a second close of the same socket).
  bool MarkClosed() {
    return (state_.fetch_or(kClosed, std::memory_order_acq_rel) & kClosed) == 0;
  }

  // SO_RCVTIMEO / SO_SNDTIMEO in milliseconds (0: wait forever), as Windows keeps them.
  std::atomic<uint32_t> receive_timeout_ms{0};
  std::atomic<uint32_t> send_timeout_ms{0};
  // SO_LINGER as Windows keeps it (l_onoff, l_linger in seconds).
  std::atomic<uint16_t> linger_onoff{0};
  std::atomic<uint16_t> linger_seconds{0};
  // When the connection was made (MonotonicMs), for SO_CONNECT_TIME; 0 while not connected.
  std::atomic<int64_t> connected_at_ms{0};

  // Guards the lists below and the network event and overlapped state that say so.
  StdMutex mu;
  // Threads blocked in a call on this socket (blocking.h): closesocket wakes them.
  Waiter *waiters ABSL_GUARDED_BY(mu) = nullptr;
  // A connection taken from the Linux queue whose condition function answered CF_DEFER: the
  // next WSPAccept offers it again before any other (-1: none). Closed with the socket.
  int deferred_fd ABSL_GUARDED_BY(mu) = -1;

  NetworkEventState events;  // network_events.h
  OverlappedState io;        // overlapped.h

  // The provider's list of open sockets (provider.cc: WSPCleanup closes what is left).
  BaseSocket *prev_open = nullptr;
  BaseSocket *next_open = nullptr;

 private:
  BaseSocket(int fd, int family, int type, int protocol,
             std::shared_ptr<const WSAPROTOCOL_INFOW> info, uint32_t state)
      : Object(ObjectType::kSocketFile), fd_(fd), family_(family), type_(type),
        protocol_(protocol), info_(std::move(info)), state_(state) {}

  const int fd_;
  const int family_, type_, protocol_;
  const std::shared_ptr<const WSAPROTOCOL_INFOW> info_;
  SOCKET handle_ = INVALID_SOCKET;
  std::atomic<uint32_t> state_;
};

// A provider call's hold on the socket of a handle: the handle's slot is pinned, so the
// BaseSocket stays valid for the call even if another thread closes the socket meanwhile.
class SocketCall {
 public:
  // Finds the socket of `s`; if there is none, the call is false and *lpErrno = WSAENOTSOCK
  // (lpErrno may be null).
  SocketCall(SOCKET s, LPINT lpErrno);
  explicit operator bool() const { return socket_ != nullptr; }
  BaseSocket *operator->() const { return socket_; }
  BaseSocket &operator*() const { return *socket_; }
  BaseSocket *get() const { return socket_; }
  // The runtime's record of the handle (for iocp::CompleteOverlapped).
  const sockets::SocketRecord &record() const { return *ref_; }
  SOCKET handle() const { return handle_; }

 private:
  sockets::SocketRef ref_;
  BaseSocket *socket_ = nullptr;
  SOCKET handle_;
};

// ---- Network-event hooks for code that holds the socket's mutex (network_events.cc) ----------
// The overlapped engine runs ConnectEx's and AcceptEx's attempts with the socket's mu held, so
// these take the mutex as given (see the lock order above). Each does nothing when no
// WSPEventSelect / WSPAsyncSelect registration is in force on the socket.

// ConnectEx's connect ended on `socket`: `error` is 0 (connected) or its WSA error. FD_CONNECT
// is recorded / posted with that error as for a non-blocking WSPConnect, and on success
// FD_WRITE becomes due once (Wine's server/sock.c sock_dispatch_events: a connecting socket
// posts FD_CONNECT and FD_WRITE whichever call began the connect).
void ConnectFinishedLocked(BaseSocket &socket, int error) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu);

// AcceptEx took a connection of the listening `socket` (the operation is still in the queue, or
// was never queued): FD_ACCEPT is re-enabled as an accept re-enables it, and is due only if a
// connection still waits that no other pending AcceptEx will take.
void AcceptTakenLocked(BaseSocket &socket) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu);

// An AcceptEx leaves the listening `socket`'s queue without a connection (cancelled by CancelIo
// or closesocket, failed, or refused at once): it no longer stands in for FD_ACCEPT, so a
// connection that waits is one to signal now. No re-enabling (nothing was accepted).
void AcceptWithdrawnLocked(BaseSocket &socket) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu);

// AcceptEx made `socket` (the accept socket) the connection and is completing (after its first
// data, if it asked for some): a registration the accept socket had restarts for the connection
// (nothing recorded, every event enabled, the new descriptor watched), so FD_WRITE is due at
// once.
void AcceptedIntoLocked(BaseSocket &socket) ABSL_EXCLUSIVE_LOCKS_REQUIRED(socket.mu);

// Gives a new socket its handle and lists it (socket_calls.cc): WSPSocket and WSPAccept.
// INVALID_SOCKET with *lpErrno on failure (the socket is released).
SOCKET Publish(Ref<BaseSocket> socket, LPINT lpErrno);

// WSPCleanup's close of a socket still open (socket_calls.cc): as WSPCloseSocket, but abortive
// and without notifications (SPEC.md §5).
void CloseForCleanup(BaseSocket &socket);

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_SOCKET_H_
