// lib/base_provider/operation.h — one overlapped operation, and the engine calls that run it
// (overlapped.cc). Internal to the provider: overlapped.cc and extensions.cc.
//
//   Operation *op = NewOperation(call, overlapped, routine, thread, &error);
//   op->attempt = MyAttempt;             // a non-blocking try: done, or wait for readiness
//   return Submit(call, *call, op, Queue::kOut, sent, lpErrno);
//
// The rules every operation follows:
//   - It is tried at once on the caller's thread, if its queue is empty (so it does not overtake
//     an earlier operation): if the try completes it, the call returns 0 and the completion is
//     still delivered. Else it joins the queue and the reaper retries it when the descriptor is
//     ready.
//   - The provider moves data by non-blocking sendmsg/recvmsg/accept4/connect, always with
//     the socket's mutex held, on the caller's thread (the first try) or the reaper's. The kernel
//     does not hold the caller's buffers (io_uring only polls the descriptor). So once a
//     cancellation has taken an operation out of its queue under the mutex, no byte of its
//     buffers is touched again, and its WSA_OPERATION_ABORTED can be delivered at once.
//     The exception: a receive issued by a thread running a completion port may go to the
//     kernel as an io_uring operation of its own (in_ring); it stays its queue's head until its
//     CQE, and a cancellation asks the kernel to end it and waits for that CQE's delivery.
//   - Completions are delivered with the socket's mutex held, so that the completions of one
//     socket's queue reach the port (or the event, or the APC queue) in the order the operations
//     completed.
//   - An attempt that changes what the network events report (ConnectEx's connect ending,
//     AcceptEx taking a connection) calls socket.h's *Locked hooks itself, under the mutex it
//     already holds; work on a second socket waits for a move (kMoved), so that no attempt
//     ever holds two sockets' mutexes (socket.h's lock order).
#ifndef WS2EMU_LIB_BASE_PROVIDER_OPERATION_H_
#define WS2EMU_LIB_BASE_PROVIDER_OPERATION_H_

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <cstdint>

#include "base_provider/overlapped.h"
#include "base_provider/socket.h"
#include "handles/handle_table.h"
#include "sockets/socket_record.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::base_provider {

// What a try of an operation found.
struct Attempt {
  // kMoved: the operation continues on another socket's queue (op.move_to, op.move_queue):
  // AcceptEx waiting for the first data on the accepted connection.
  enum Outcome { kDone, kAgain, kMoved } outcome;
  DWORD error = 0;  // kDone: the WSA error (0: success)
  DWORD bytes = 0;  // kDone: bytes transferred
  DWORD flags = 0;  // kDone: the MSG_* flags for WSPGetOverlappedResult / the routine
};

enum class Queue { kIn, kOut };

struct Operation {
  // Tries the operation once more, non-blocking, on `socket` (the socket whose queue holds it;
  // its mutex is held). kAgain: wait for readiness and try again.
  Attempt (*attempt)(Operation &op, BaseSocket &socket) = nullptr;
  // Readiness to wait for while it is queued (POLLIN, POLLOUT, POLLPRI).
  short events = 0;
  // Called (mutex held) when the operation leaves the queue without completing (cancelled), or
  // is deleted: releases what the kind holds. May be null.
  void (*release)(Operation &op) = nullptr;

  Operation *next = nullptr;  // in its socket's queue
  WSAOVERLAPPED *overlapped = nullptr;
  LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr;
  WSATHREADID thread = {};  // a copy (WPUQueueApc's rule: the structure, not the pointer)
  pid_t issuer = 0;         // the Linux thread that issued it (CancelIo)
  bool synchronous = false;  // NewOperation's `synchronous`
  bool owns_thread = false;  // `thread` came from WPUOpenCurrentThread: closed with the op
  // It completed in the call that started it (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS).
  bool at_once = false;
  // The record the completion goes through (its completion port): pinned while the operation
  // is pending, so an operation completes through the port even after closesocket.
  sockets::SocketRef record;
  Ref<BaseSocket> socket;  // keeps the descriptor open while queued

  // The data of sends and receives: the caller's WSABUF array, captured (WSASend's rule: the
  // array may live on the caller's stack), and how far the operation got.
  iovec *iov = nullptr;
  uint32_t iov_count = 0;
  uint32_t iov_index = 0;  // the first iovec not yet done (sends)
  size_t iov_offset = 0;   // bytes of it done
  size_t done = 0;         // bytes moved so far
  int unix_flags = 0;      // MSG_* for the Linux call
  bool datagram = false;
  // Sends to an address (WSPSendTo, WSASendMsg) and receives from one (WSPRecvFrom).
  sockaddr_storage address;
  socklen_t address_length = 0;
  struct WS_sockaddr *from = nullptr;  // the caller's, written at completion
  LPINT from_length = nullptr;
  // Kind-specific state (extensions.cc).
  void *extra = nullptr;
  BaseSocket *move_to = nullptr;  // kMoved: where it continues (extra keeps it alive)
  Queue move_queue = Queue::kIn;

  // io_uring's own receives (overlapped.cc, "Receives in the ring"). ring_eligible: a stream
  // receive of at least one byte, without flags, whose completion goes to a completion port
  // (StartReceive). in_ring: it is in the kernel as an IORING_OP_RECVMSG, always its queue's
  // head, and its buffers are the kernel's until its CQE; ring_cancel_sent: an
  // IORING_OP_ASYNC_CANCEL for it went out; ring_silent: WSPCleanup's, deleted at its CQE
  // without a completion.
  bool ring_eligible = false;
  bool in_ring = false;
  bool ring_cancel_sent = false;
  bool ring_silent = false;
  msghdr ring_msg = {};  // what the SQE points to: stable while in_ring

  // The result, kept for the APC that runs the completion routine.
  DWORD result_error = 0;
  DWORD result_bytes = 0;
  DWORD result_flags = 0;

  iovec inline_iov[4];
};

// A new operation for `overlapped` issued on the calling thread, marked pending
// (Internal = WSS_OPERATION_IN_PROGRESS). Checks what every overlapped call checks: WSAEFAULT
// for a null overlapped or a routine without a thread; without a routine, a non-null hEvent
// must be an event (WSA_INVALID_HANDLE otherwise, as NtWriteFile answers STATUS_INVALID_HANDLE).
// Null with *error (WSAENOBUFS: no memory; WSAENOTSOCK: the handle was closed meanwhile).
// `synchronous`: the OVERLAPPED is the provider's own, for a call made without one that
// waits in WSPGetOverlappedResult; its completion goes nowhere else.
Operation *NewOperation(const SocketCall &call, LPWSAOVERLAPPED overlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                        int *error, bool synchronous = false);
// The tries of sends and receives (op.iov, op.address, op.from), for the extensions to reuse.
Attempt SendData(Operation &op, BaseSocket &socket);
Attempt ReceiveData(Operation &op, BaseSocket &socket);
// Captures `buffers` into op->iov. False (WSAENOBUFS) without memory.
bool CaptureBuffers(Operation &op, const WSABUF *buffers, DWORD count);
// Deletes an operation that was never submitted (or was cancelled).
void DeleteOperation(Operation *op);

// Submits `op` on `socket` (whose call is `call`): tries it at once if the queue is empty,
// otherwise (or if the try says kAgain) queues it and arms the engine. Returns what the WSP
// call returns: 0 (completed at once; *bytes set if `bytes` is not null; the completion is
// delivered), or SOCKET_ERROR with *lpErrno = WSA_IO_PENDING, or SOCKET_ERROR with the error
// of a try that failed at once (nothing is delivered then, as on Windows). *immediate_flags, if
// not null, gets the flags of an immediate completion. Both are written before the completion
// is delivered: after that another thread may free the memory they point into. Takes `op` in
// every case.
int Submit(const SocketCall &call, Operation *op, Queue queue, LPDWORD bytes,
           LPDWORD immediate_flags, LPINT lpErrno);

// Queues an operation that continues on another socket (AcceptEx's receive on the accepted
// socket) from the reaper or the caller, outside any socket mutex: tried at once, else queued.
// If `socket` is closed meanwhile, the operation completes with WSA_OPERATION_ABORTED.
void Continue(BaseSocket &socket, Operation *op, Queue queue);

// Delivers the completion of `op` (taking it): status and bytes into the OVERLAPPED, the flags
// into Offset, then the APC / port / event. The socket's mutex is held by the caller when the
// operation was queued (ordering); `op->record` names the socket the completion belongs to.
void Deliver(Operation *op, DWORD error, DWORD bytes, DWORD flags);

// The calling thread's Linux thread id (cached).
pid_t CurrentTid();

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_OPERATION_H_
