// The Microsoft extension functions (mswsock.h) that SIO_GET_EXTENSION_FUNCTION_POINTER hands
// out: AcceptEx, GetAcceptExSockaddrs, ConnectEx, DisconnectEx, TransmitFile, WSARecvMsg,
// WSASendMsg. The application calls them directly (ws2_32 is not in the way), so they report
// errors through the thread's last error (WSAGetLastError), as MSAFD's do. Each is an
// overlapped operation of overlapped.cc's engine (operation.h).
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "base_provider/blocking.h"
#include "base_provider/operation.h"
#include "base_provider/overlapped.h"
#include "base_provider/procs.h"
#include "base_provider/provider.h"
#include "base_provider/socket.h"
#include "boundary/last_error.h"
#include "net/net.h"

namespace ws2emu::base_provider {
namespace {

BOOL FailBool(DWORD error) {
  SetThreadLastError(error);
  return FALSE;
}
int FailInt(DWORD error) {
  SetThreadLastError(error);
  return SOCKET_ERROR;
}

bool SameGuid(const GUID &a, const GUID &b) { return std::memcmp(&a, &b, sizeof(GUID)) == 0; }

Attempt Done(DWORD error, size_t bytes, DWORD flags = 0) {
  return {Attempt::kDone, error, static_cast<DWORD>(bytes), flags};
}

// Runs `op` (an operation with no OVERLAPPED of the caller's) to its end on the calling thread:
// the call was made without lpOverlapped. Returns its error (0 for success) and *bytes.
// Queued behind earlier operations of the socket like any other, through the provider's own
// OVERLAPPED, and waited for as WSPGetOverlappedResult waits.
int RunSynchronously(const SocketCall &call, Operation *op, Queue queue, DWORD *bytes) {
  WSAOVERLAPPED *own = op->overlapped;
  int error = 0;
  const int r = Submit(call, op, queue, bytes, nullptr, &error);
  if (r == 0) return 0;
  if (error != WSA_IO_PENDING) return error;
  DWORD flags = 0;
  if (WSPGetOverlappedResult(call.handle(), own, bytes, TRUE, &flags, &error)) return 0;
  return error;
}

// The socket's disconnect (DisconnectEx, TransmitFile's TF_DISCONNECT): a graceful close of
// the sending side; with TF_REUSE_SOCKET the socket also leaves the connection so that AcceptEx
// or ConnectEx can use it again. [inference] Linux's way to unconnect a TCP socket is
// connect(AF_UNSPEC), which aborts what the peer has not acknowledged (Windows keeps the
// connection in TIME_WAIT for the transport instead); a port the kernel chose is released with
// it, so the socket is unbound again when its port is gone.
DWORD Disconnect(BaseSocket &s, bool reuse) {
  if (shutdown(s.fd(), SHUT_WR) != 0 && errno != ENOTCONN) return net::WsaErrorFromErrno(errno);
  s.Set(BaseSocket::kShutSend);
  if (!reuse) return 0;
  sockaddr unspec = {};
  unspec.sa_family = AF_UNSPEC;
  if (connect(s.fd(), &unspec, sizeof(unspec)) != 0) return net::WsaErrorFromErrno(errno);
  s.Clear(BaseSocket::kConnected | BaseSocket::kShutSend | BaseSocket::kShutReceive);
  sockaddr_storage local;
  socklen_t length = sizeof(local);
  if (getsockname(s.fd(), reinterpret_cast<sockaddr *>(&local), &length) == 0) {
    const in_port_t port = local.ss_family == AF_INET6
                               ? reinterpret_cast<sockaddr_in6 *>(&local)->sin6_port
                               : reinterpret_cast<sockaddr_in *>(&local)->sin_port;
    if (port == 0) s.Clear(BaseSocket::kBound);
  }
  return 0;
}

// --- AcceptEx, GetAcceptExSockaddrs ---------------------------------------------------------

// The address blocks after the received data in AcceptEx's buffer: local, then remote, each of
// the caller's length (at least the address size + 16). [inference] Windows' layout inside a
// block is not documented (only GetAcceptExSockaddrs reads it); this one is Wine's: the
// address's length as an int, then the address.
void WriteAddressBlock(char *block, DWORD block_length, const sockaddr_storage &address,
                       socklen_t length) {
  std::memset(block, 0, block_length);
  int ws_length = static_cast<int>(block_length - sizeof(int));
  if (net::SockaddrFromUnix(reinterpret_cast<const sockaddr *>(&address), length,
                            reinterpret_cast<WS_sockaddr *>(block + sizeof(int)),
                            &ws_length) != 0) {
    ws_length = 0;
  }
  std::memcpy(block, &ws_length, sizeof(int));
}

struct AcceptState {
  Ref<BaseSocket> accepted;  // sAcceptSocket
  char *buffer;
  DWORD receive_length;
  DWORD local_length;
  DWORD remote_length;
  bool taken = false;  // the listener heard of it leaving (AcceptTakenLocked)
};

// The operation is deleted: completed, cancelled, failed, or refused by Submit. One that leaves
// without having told the listener (cancelled by CancelIo or closesocket, failed, refused at
// once) withdraws from FD_ACCEPT's count of pending AcceptEx operations. Every such path runs
// under the listener's mutex (Submit, the engine's cancellations and failures, the delivery
// after a failed attempt); op.socket is the listener until a move, and a move comes only after
// AcceptTakenLocked.
void ReleaseAccept(Operation &op) {
  auto *state = static_cast<AcceptState *>(op.extra);
  if (!state->taken && op.socket) {
    op.socket->mu.AssertHeld();
    AcceptWithdrawnLocked(*op.socket);
  }
  delete state;
}

// The part of AcceptEx that runs on the accept socket, under its mutex alone (the operation
// moved there from the listener's queue, socket.h's lock order): the first data is received
// (AcceptEx with dwReceiveDataLength > 0), then the accept socket's own network-event
// registration restarts for the connection as the operation completes. [inference] After the
// receive, not before: AcceptEx's receive takes the data as a receive call does, and a receive
// re-enables FD_READ, so the data AcceptEx returns is not announced by FD_READ too.
Attempt AcceptReceive(Operation &op, BaseSocket &s) {
  s.mu.AssertHeld();  // the engine holds it for every attempt (operation.h)
  auto *state = static_cast<AcceptState *>(op.extra);
  Attempt a = Done(0, 0);
  while (state->receive_length != 0) {
    const ssize_t n = recv(s.fd(), state->buffer, state->receive_length, MSG_DONTWAIT);
    if (n >= 0) {
      a = Done(0, static_cast<size_t>(n));
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Attempt::kAgain};
    a = Done(net::WsaErrorFromErrno(errno), 0);
    break;
  }
  AcceptedIntoLocked(s);
  return a;
}

Attempt AcceptAttempt(Operation &op, BaseSocket &listener) {
  listener.mu.AssertHeld();  // the engine holds it for every attempt (operation.h)
  auto *state = static_cast<AcceptState *>(op.extra);
  BaseSocket &accepted = *state->accepted;
  if (accepted.has(BaseSocket::kClosed)) {
    // The operation leaves without a connection: FD_ACCEPT is due again for one that waits
    // (ReleaseAccept tells the listener when the operation is deleted).
    return Done(WSA_OPERATION_ABORTED, 0);
  }
  sockaddr_storage peer;
  socklen_t peer_length;
  int fd;
  for (;;) {
    peer_length = sizeof(peer);
    fd = accept4(listener.fd(), reinterpret_cast<sockaddr *>(&peer), &peer_length,
                 SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) break;
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Attempt::kAgain};
    return Done(net::WsaErrorFromErrno(errno), 0);
  }
  // The accept socket becomes the connection: its descriptor number now names the accepted
  // Linux socket (dup3 replaces the unconnected one atomically), so every call that finds the
  // socket by its handle uses the connection.
  if (dup3(fd, accepted.fd(), O_CLOEXEC) < 0) {
    const int e = errno;
    close(fd);
    return Done(net::WsaErrorFromErrno(e), 0);
  }
  close(fd);
  accepted.Set(BaseSocket::kBound | BaseSocket::kConnected);
  state->taken = true;
  AcceptTakenLocked(listener);
  sockaddr_storage local;
  socklen_t local_length = sizeof(local);
  getsockname(accepted.fd(), reinterpret_cast<sockaddr *>(&local), &local_length);
  char *blocks = state->buffer + state->receive_length;
  WriteAddressBlock(blocks, state->local_length, local, local_length);
  WriteAddressBlock(blocks + state->local_length, state->remote_length, peer, peer_length);
  // The accept socket's own registration (if it has one) is its business, under its mutex, not
  // the listener's: the operation moves there for that, as it does for the first data.
  if (state->receive_length == 0 && !SelectsEvents(accepted)) return Done(0, 0);
  op.attempt = AcceptReceive;
  op.events = POLLIN;
  op.move_to = &accepted;
  op.move_queue = Queue::kIn;
  return {Attempt::kMoved};
}

BOOL WINAPI AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer,
                     DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
                     DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived,
                     LPOVERLAPPED lpOverlapped) {
  int error = 0;
  SocketCall listener(sListenSocket, &error);
  if (!listener) return FailBool(error);
  SocketCall accepted(sAcceptSocket, &error);
  if (!accepted) return FailBool(error);
  if (!listener->has(BaseSocket::kListening)) return FailBool(WSAEINVAL);
  if (!accepted->stream() || accepted->family() != listener->family() ||
      accepted->has(BaseSocket::kBound | BaseSocket::kConnected | BaseSocket::kListening |
                    BaseSocket::kConnecting) ||
      accepted.get() == listener.get()) {
    return FailBool(WSAEINVAL);
  }
  if (lpOverlapped == nullptr) return FailBool(WSA_INVALID_PARAMETER);  // it is required
  if (lpOutputBuffer == nullptr) return FailBool(WSAEFAULT);
  // "at least 16 bytes more than the maximum address length for the transport protocol".
  const DWORD needed = static_cast<DWORD>(net::SockaddrSize(listener->family())) + 16;
  if (dwLocalAddressLength < needed || dwRemoteAddressLength < needed) return FailBool(WSAEFAULT);
  Operation *op = NewOperation(listener, lpOverlapped, nullptr, nullptr, &error);
  if (op == nullptr) return FailBool(error);
  auto *state = new (std::nothrow) AcceptState{Ref<BaseSocket>::Share(accepted.get()),
                                               static_cast<char *>(lpOutputBuffer),
                                               dwReceiveDataLength, dwLocalAddressLength,
                                               dwRemoteAddressLength};
  if (state == nullptr) {
    DeleteOperation(op);
    return FailBool(WSAENOBUFS);
  }
  op->extra = state;
  op->release = ReleaseAccept;
  op->attempt = AcceptAttempt;
  op->events = POLLIN;
  if (Submit(listener, op, Queue::kIn, lpdwBytesReceived, nullptr, &error) == 0) return TRUE;
  return FailBool(error);
}

VOID WINAPI GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                                 DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
                                 struct WS_sockaddr **LocalSockaddr, LPINT LocalSockaddrLength,
                                 struct WS_sockaddr **RemoteSockaddr,
                                 LPINT RemoteSockaddrLength) {
  (void)dwRemoteAddressLength;
  if (lpOutputBuffer == nullptr) return;
  char *block = static_cast<char *>(lpOutputBuffer) + dwReceiveDataLength;
  if (LocalSockaddr != nullptr) *LocalSockaddr = reinterpret_cast<WS_sockaddr *>(block + sizeof(int));
  if (LocalSockaddrLength != nullptr) std::memcpy(LocalSockaddrLength, block, sizeof(int));
  block += dwLocalAddressLength;
  if (RemoteSockaddr != nullptr) {
    *RemoteSockaddr = reinterpret_cast<WS_sockaddr *>(block + sizeof(int));
  }
  if (RemoteSockaddrLength != nullptr) std::memcpy(RemoteSockaddrLength, block, sizeof(int));
}

// --- ConnectEx ------------------------------------------------------------------------------

Attempt ConnectAttempt(Operation &op, BaseSocket &s) {
  s.mu.AssertHeld();  // the engine holds it for every attempt (operation.h)
  pollfd p = {s.fd(), POLLOUT, 0};
  if (poll(&p, 1, 0) <= 0 || p.revents == 0) return {Attempt::kAgain};
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  s.Clear(BaseSocket::kConnecting);
  if (error != 0) {
    const DWORD wsa = net::WsaErrorFromErrno(error);
    ConnectFinishedLocked(s, static_cast<int>(wsa));  // FD_CONNECT with the error
    return Done(wsa, 0);
  }
  s.Set(BaseSocket::kConnected);
  ConnectFinishedLocked(s, 0);  // FD_CONNECT, then FD_WRITE once
  // Then the optional data, as a send (done bytes are the completion's count).
  op.attempt = SendData;
  return SendData(op, s);
}

BOOL WINAPI ConnectEx(SOCKET s, const struct WS_sockaddr *name, int namelen, PVOID lpSendBuffer,
                      DWORD dwSendDataLength, LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped) {
  int error = 0;
  SocketCall call(s, &error);
  if (!call) return FailBool(error);
  BaseSocket &socket = *call;
  if (!socket.stream()) return FailBool(WSAEOPNOTSUPP);  // connection-oriented sockets only
  if (socket.has(BaseSocket::kListening)) return FailBool(WSAEINVAL);
  if (socket.has(BaseSocket::kConnected)) return FailBool(WSAEISCONN);
  if (socket.has(BaseSocket::kConnecting)) return FailBool(WSAEALREADY);
  // ConnectEx's documentation: the socket must be bound first (WSAEINVAL otherwise).
  if (!socket.has(BaseSocket::kBound)) return FailBool(WSAEINVAL);
  if (lpOverlapped == nullptr) return FailBool(WSA_INVALID_PARAMETER);  // it is required
  if (name == nullptr || namelen < static_cast<int>(sizeof(WS_sockaddr)) ||
      name->sa_family != socket.family() || (lpSendBuffer == nullptr && dwSendDataLength > 0)) {
    return FailBool(WSAEFAULT);
  }
  sockaddr_storage address;
  socklen_t length;
  if (int e = net::SockaddrToUnix(name, namelen, &address, &length); e != 0) return FailBool(e);
  Operation *op = NewOperation(call, lpOverlapped, nullptr, nullptr, &error);
  if (op == nullptr) return FailBool(error);
  WSABUF data = {dwSendDataLength, static_cast<char *>(lpSendBuffer)};
  if (!CaptureBuffers(*op, &data, lpSendBuffer != nullptr ? 1 : 0)) {
    DeleteOperation(op);
    return FailBool(WSAENOBUFS);
  }
  op->events = POLLOUT;
  // A connect that ends at once (0) goes through ConnectAttempt too, so that its outcome reaches
  // the network events (FD_CONNECT) the same way, under the socket's mutex.
  if (connect(socket.fd(), reinterpret_cast<sockaddr *>(&address), length) == 0 ||
      errno == EINPROGRESS) {
    socket.Set(BaseSocket::kConnecting);
    op->attempt = ConnectAttempt;
  } else {
    const int e = errno;
    DeleteOperation(op);
    return FailBool(net::WsaErrorFromErrno(e));
  }
  if (Submit(call, op, Queue::kOut, lpdwBytesSent, nullptr, &error) == 0) return TRUE;
  return FailBool(error);
}

// --- DisconnectEx, TransmitFile ---------------------------------------------------------------

struct SendThenDisconnect {
  DWORD flags;  // TF_DISCONNECT, TF_REUSE_SOCKET
};

void ReleaseDisconnect(Operation &op) { delete static_cast<SendThenDisconnect *>(op.extra); }

// Sends what is left of op.iov (TransmitFile's head and tail; nothing for DisconnectEx), then
// disconnects if asked.
Attempt SendAndDisconnect(Operation &op, BaseSocket &s) {
  const Attempt a = SendData(op, s);
  if (a.outcome != Attempt::kDone || a.error != 0) return a;
  const DWORD flags = static_cast<SendThenDisconnect *>(op.extra)->flags;
  if ((flags & (TF_DISCONNECT | TF_REUSE_SOCKET)) != 0) {
    if (DWORD e = Disconnect(s, (flags & TF_REUSE_SOCKET) != 0); e != 0) return Done(e, a.bytes);
  }
  return a;
}

// DisconnectEx and TransmitFile: an operation in the socket's send queue (after the sends
// before it). Without lpOverlapped the call waits for it.
BOOL SendQueueOperation(const SocketCall &call, const WSABUF *buffers, DWORD count, DWORD flags,
                        LPOVERLAPPED lpOverlapped) {
  WSAOVERLAPPED own = {};
  int error = 0;
  const bool synchronous = lpOverlapped == nullptr;
  Operation *op = NewOperation(call, synchronous ? &own : lpOverlapped, nullptr, nullptr, &error,
                               synchronous);
  if (op == nullptr) return FailBool(error);
  auto *state = new (std::nothrow) SendThenDisconnect{flags};
  if (state == nullptr || !CaptureBuffers(*op, buffers, count)) {
    delete state;
    DeleteOperation(op);
    return FailBool(WSAENOBUFS);
  }
  op->extra = state;
  op->release = ReleaseDisconnect;
  op->attempt = SendAndDisconnect;
  op->events = POLLOUT;
  op->datagram = false;
  if (synchronous) {
    DWORD bytes = 0;
    if (int e = RunSynchronously(call, op, Queue::kOut, &bytes); e != 0) return FailBool(e);
    return TRUE;
  }
  if (Submit(call, op, Queue::kOut, nullptr, nullptr, &error) == 0) return TRUE;
  return FailBool(error);
}

BOOL WINAPI DisconnectEx(SOCKET s, LPOVERLAPPED lpOverlapped, DWORD dwFlags, DWORD dwReserved) {
  int error = 0;
  SocketCall call(s, &error);
  if (!call) return FailBool(error);
  if (dwReserved != 0 || (dwFlags & ~static_cast<DWORD>(TF_REUSE_SOCKET)) != 0) {
    return FailBool(WSAEINVAL);
  }
  if (!call->stream()) return FailBool(WSAEOPNOTSUPP);
  if (!call->has(BaseSocket::kConnected)) return FailBool(WSAENOTCONN);
  return SendQueueOperation(call, nullptr, 0, dwFlags | TF_DISCONNECT, lpOverlapped);
}

BOOL WINAPI TransmitFile(SOCKET hSocket, HANDLE hFile, DWORD nNumberOfBytesToWrite,
                         DWORD nNumberOfBytesPerSend, LPOVERLAPPED lpOverlapped,
                         LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers, DWORD dwReserved) {
  (void)nNumberOfBytesToWrite, (void)nNumberOfBytesPerSend;
  int error = 0;
  SocketCall call(hSocket, &error);
  if (!call) return FailBool(error);
  constexpr DWORD kKnown = TF_DISCONNECT | TF_REUSE_SOCKET | TF_WRITE_BEHIND |
                           TF_USE_SYSTEM_THREAD | TF_USE_KERNEL_APC;
  if ((dwReserved & ~kKnown) != 0 ||
      ((dwReserved & TF_REUSE_SOCKET) != 0 && (dwReserved & TF_DISCONNECT) == 0)) {
    return FailBool(WSAEINVAL);  // TF_REUSE_SOCKET is valid only with TF_DISCONNECT
  }
  // Not done: the runtime has no file HANDLE backed by a Linux descriptor yet (kernel32's
  // CreateFile is a later issue), so a file cannot be read here. Only hFile == NULL, which
  // sends the head and tail buffers alone, is served; any file handle fails loudly.
  if (hFile != nullptr) return FailBool(ERROR_INVALID_HANDLE);
  if (!call->stream()) return FailBool(WSAENOTCONN);
  if (!call->has(BaseSocket::kConnected)) return FailBool(WSAENOTCONN);
  WSABUF buffers[2];
  DWORD count = 0;
  if (lpTransmitBuffers != nullptr) {
    if (lpTransmitBuffers->Head != nullptr && lpTransmitBuffers->HeadLength > 0) {
      buffers[count++] = {lpTransmitBuffers->HeadLength,
                          static_cast<char *>(lpTransmitBuffers->Head)};
    }
    if (lpTransmitBuffers->Tail != nullptr && lpTransmitBuffers->TailLength > 0) {
      buffers[count++] = {lpTransmitBuffers->TailLength,
                          static_cast<char *>(lpTransmitBuffers->Tail)};
    }
  }
  return SendQueueOperation(call, buffers, count, dwReserved & (TF_DISCONNECT | TF_REUSE_SOCKET),
                            lpOverlapped);
}

// --- WSARecvMsg, WSASendMsg -----------------------------------------------------------------

struct MessageState {
  LPWSAMSG msg;
  unsigned char control[256];  // the Linux control data (a few pktinfo records)
  size_t control_length = 0;
};

void ReleaseMessage(Operation &op) { delete static_cast<MessageState *>(op.extra); }

Attempt RecvMsgAttempt(Operation &op, BaseSocket &s) {
  auto *state = static_cast<MessageState *>(op.extra);
  WSAMSG &msg = *state->msg;
  for (;;) {
    msghdr m = {};
    sockaddr_storage from;
    m.msg_iov = op.iov;
    m.msg_iovlen = op.iov_count;
    if (msg.name != nullptr) {
      m.msg_name = &from;
      m.msg_namelen = sizeof(from);
    }
    m.msg_control = state->control;
    m.msg_controllen = sizeof(state->control);
    const ssize_t n = recvmsg(s.fd(), &m, op.unix_flags | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {Attempt::kAgain};
      return Done(net::WsaErrorFromErrno(errno), 0);
    }
    DWORD flags = 0;
    DWORD error = 0;
    if ((m.msg_flags & MSG_TRUNC) != 0) {
      flags |= WS_MSG_TRUNC;
      error = WSAEMSGSIZE;
    }
    bool truncated = (m.msg_flags & MSG_CTRUNC) != 0;
    // lib/net converts (IP_PKTINFO changes shape: Linux has the index first).
    msg.Control.len = static_cast<ULONG>(net::ControlMessagesFromUnix(
        &m, msg.Control.buf, msg.Control.buf != nullptr ? msg.Control.len : 0, &truncated));
    if (truncated) flags |= WS_MSG_CTRUNC;
    if (msg.name != nullptr && m.msg_namelen > 0) {
      int length = msg.namelen;
      if (net::SockaddrFromUnix(reinterpret_cast<sockaddr *>(&from), m.msg_namelen, msg.name,
                                &length) == 0) {
        msg.namelen = length;
      }
    }
    msg.dwFlags = flags;
    return Done(error, static_cast<size_t>(n), flags);
  }
}

namespace {

// The operation of a WSARecvMsg / WSASendMsg on `msg`: its buffers captured, a MessageState as
// its extra, the issuing thread opened when a completion routine is given (the extensions have
// no lpThreadId: the issuing thread is the calling one), and `own` as its WSAOVERLAPPED when the
// call is synchronous (lpOverlapped null). Null with *error on failure; nothing is left behind.
Operation *NewMessageOperation(const SocketCall &call, LPWSAMSG msg, LPWSAOVERLAPPED overlapped,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, WSAOVERLAPPED *own,
                               int *error) {
  const bool synchronous = overlapped == nullptr;
  WSATHREADID thread = {};
  bool owns_thread = false;
  if (routine != nullptr && !synchronous) {
    const WSPUPCALLTABLE *upcalls = Upcalls();
    if (upcalls == nullptr || upcalls->lpWPUOpenCurrentThread(&thread, error) != 0) {
      *error = WSAENOBUFS;
      return nullptr;
    }
    owns_thread = true;
  }
  Operation *op = NewOperation(call, synchronous ? own : overlapped,
                               synchronous ? nullptr : routine, owns_thread ? &thread : nullptr,
                               error, synchronous);
  if (op == nullptr) {
    int ignored;
    if (owns_thread) Upcalls()->lpWPUCloseThread(&thread, &ignored);
    return nullptr;
  }
  op->owns_thread = owns_thread;
  auto *state = new (std::nothrow) MessageState{msg, {}, 0};
  if (state == nullptr || !CaptureBuffers(*op, msg->lpBuffers, msg->dwBufferCount)) {
    delete state;
    DeleteOperation(op);
    *error = WSAENOBUFS;
    return nullptr;
  }
  op->extra = state;
  op->release = ReleaseMessage;
  return op;
}

}  // namespace

INT WINAPI WSARecvMsg(SOCKET s, LPWSAMSG lpMsg, LPDWORD lpdwNumberOfBytesRecvd,
                      LPWSAOVERLAPPED lpOverlapped,
                      LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  int error = 0;
  SocketCall call(s, &error);
  if (!call) return FailInt(error);
  // WSARecvMsg serves datagram (and raw) sockets only.
  if (call->stream()) return FailInt(WSAEOPNOTSUPP);
  if (lpMsg == nullptr || (lpMsg->lpBuffers == nullptr && lpMsg->dwBufferCount > 0) ||
      (lpMsg->name != nullptr && lpMsg->namelen < net::SockaddrSize(call->family()))) {
    return FailInt(WSAEFAULT);
  }
  if (lpOverlapped == nullptr && lpdwNumberOfBytesRecvd == nullptr) return FailInt(WSAEFAULT);
  int unix_flags = 0;
  unsigned unsupported = 0;
  if (!net::MsgFlagsToUnix(lpMsg->dwFlags & ~static_cast<ULONG>(WS_MSG_PARTIAL), &unix_flags,
                           &unsupported) ||
      unsupported != 0) {
    return FailInt(WSAEOPNOTSUPP);
  }
  WSAOVERLAPPED own = {};
  const bool synchronous = lpOverlapped == nullptr;
  Operation *op = NewMessageOperation(call, lpMsg, lpOverlapped, lpCompletionRoutine, &own, &error);
  if (op == nullptr) return FailInt(error);
  op->unix_flags = unix_flags;
  op->attempt = RecvMsgAttempt;
  op->events = POLLIN;
  if (synchronous) {
    if (call->has(BaseSocket::kNonBlocking)) {
      // Non-blocking: one try, no waiting.
      Attempt a;
      {
        StdMutexLock lock(&call->mu);
        a = call->io.in_head == nullptr ? RecvMsgAttempt(*op, *call) : Attempt{Attempt::kAgain};
      }
      DeleteOperation(op);
      if (a.outcome == Attempt::kAgain) return FailInt(WSAEWOULDBLOCK);
      *lpdwNumberOfBytesRecvd = a.bytes;
      return a.error != 0 ? FailInt(a.error) : 0;
    }
    DWORD bytes = 0;
    const int e = RunSynchronously(call, op, Queue::kIn, &bytes);
    *lpdwNumberOfBytesRecvd = bytes;
    return e != 0 ? FailInt(static_cast<DWORD>(e)) : 0;
  }
  if (Submit(call, op, Queue::kIn, lpdwNumberOfBytesRecvd, nullptr, &error) == 0) return 0;
  return FailInt(error);
}

Attempt SendMsgAttempt(Operation &op, BaseSocket &s) {
  auto *state = static_cast<MessageState *>(op.extra);
  for (;;) {
    msghdr m = {};
    m.msg_iov = op.iov;
    m.msg_iovlen = op.iov_count;
    if (op.address_length != 0) {
      m.msg_name = &op.address;
      m.msg_namelen = op.address_length;
    }
    if (state->control_length != 0) {
      m.msg_control = state->control;
      m.msg_controllen = state->control_length;
    }
    const ssize_t n = sendmsg(s.fd(), &m, op.unix_flags | MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return Done(0, static_cast<size_t>(n));
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Attempt::kAgain};
    return Done(net::WsaErrorFromErrno(errno), 0);
  }
}

INT WSAAPI WSASendMsg(SOCKET s, LPWSAMSG lpMsg, DWORD dwFlags, LPDWORD lpNumberOfBytesSent,
                      LPWSAOVERLAPPED lpOverlapped,
                      LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  int error = 0;
  SocketCall call(s, &error);
  if (!call) return FailInt(error);
  if (call->stream()) return FailInt(WSAEOPNOTSUPP);  // datagram and raw sockets
  if (lpMsg == nullptr || (lpMsg->lpBuffers == nullptr && lpMsg->dwBufferCount > 0)) {
    return FailInt(WSAEFAULT);
  }
  if (lpOverlapped == nullptr && lpNumberOfBytesSent == nullptr) return FailInt(WSAEFAULT);
  int unix_flags = 0;
  unsigned unsupported = 0;
  if (!net::MsgFlagsToUnix(dwFlags, &unix_flags, &unsupported) || unsupported != 0) {
    return FailInt(WSAEOPNOTSUPP);
  }
  if (lpMsg->name == nullptr && !call->has(BaseSocket::kConnected)) {
    return FailInt(WSAENOTCONN);
  }
  WSAOVERLAPPED own = {};
  const bool synchronous = lpOverlapped == nullptr;
  Operation *op = NewMessageOperation(call, lpMsg, lpOverlapped, lpCompletionRoutine, &own, &error);
  if (op == nullptr) return FailInt(error);
  // The control data (IP_PKTINFO / IPV6_PKTINFO: the address and interface to send from),
  // converted by lib/net into the operation's Linux control buffer.
  MessageState *state = static_cast<MessageState *>(op->extra);
  if (int e = net::ControlMessagesToUnix(lpMsg->Control.buf, lpMsg->Control.len, state->control,
                                         sizeof(state->control), &state->control_length);
      e != 0) {
    DeleteOperation(op);
    return FailInt(e);
  }
  if (lpMsg->name != nullptr) {
    if (lpMsg->namelen < static_cast<int>(sizeof(WS_sockaddr)) ||
        lpMsg->name->sa_family != call->family()) {
      DeleteOperation(op);
      return FailInt(WSAEFAULT);
    }
    if (int e = net::SockaddrToUnix(lpMsg->name, lpMsg->namelen, &op->address,
                                    &op->address_length);
        e != 0) {
      DeleteOperation(op);
      return FailInt(e);
    }
  }
  op->unix_flags = unix_flags;
  op->attempt = SendMsgAttempt;
  op->events = POLLOUT;
  if (synchronous) {
    // A datagram send does not wait for room on Linux's UDP (it is dropped or sent); a
    // non-blocking socket that finds the queue busy gets WSAEWOULDBLOCK.
    if (call->has(BaseSocket::kNonBlocking)) {
      Attempt a;
      {
        StdMutexLock lock(&call->mu);
        a = call->io.out_head == nullptr ? SendMsgAttempt(*op, *call) : Attempt{Attempt::kAgain};
      }
      DeleteOperation(op);
      if (a.outcome == Attempt::kAgain) return FailInt(WSAEWOULDBLOCK);
      *lpNumberOfBytesSent = a.bytes;
      return a.error != 0 ? FailInt(a.error) : 0;
    }
    DWORD bytes = 0;
    const int e = RunSynchronously(call, op, Queue::kOut, &bytes);
    *lpNumberOfBytesSent = bytes;
    return e != 0 ? FailInt(static_cast<DWORD>(e)) : 0;
  }
  if (Submit(call, op, Queue::kOut, lpNumberOfBytesSent, nullptr, &error) == 0) return 0;
  return FailInt(error);
}

}  // namespace

void *ExtensionFunction(const GUID &guid) {
  static const GUID kAcceptEx = WSAID_ACCEPTEX;
  static const GUID kConnectEx = WSAID_CONNECTEX;
  static const GUID kDisconnectEx = WSAID_DISCONNECTEX;
  static const GUID kGetAcceptExSockaddrs = WSAID_GETACCEPTEXSOCKADDRS;
  static const GUID kTransmitFile = WSAID_TRANSMITFILE;
  static const GUID kWSARecvMsg = WSAID_WSARECVMSG;
  static const GUID kWSASendMsg = WSAID_WSASENDMSG;
  if (SameGuid(guid, kAcceptEx)) return reinterpret_cast<void *>(&AcceptEx);
  if (SameGuid(guid, kConnectEx)) return reinterpret_cast<void *>(&ConnectEx);
  if (SameGuid(guid, kDisconnectEx)) return reinterpret_cast<void *>(&DisconnectEx);
  if (SameGuid(guid, kGetAcceptExSockaddrs)) return reinterpret_cast<void *>(&GetAcceptExSockaddrs);
  if (SameGuid(guid, kTransmitFile)) return reinterpret_cast<void *>(&TransmitFile);
  if (SameGuid(guid, kWSARecvMsg)) return reinterpret_cast<void *>(&WSARecvMsg);
  if (SameGuid(guid, kWSASendMsg)) return reinterpret_cast<void *>(&WSASendMsg);
  return nullptr;
}

}  // namespace ws2emu::base_provider
