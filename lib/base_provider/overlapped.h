// lib/base_provider/overlapped.h — overlapped operations on io_uring (or an epoll readiness loop
// where io_uring is missing), and their completion the way the caller asked: a completion
// routine (an APC to the issuing thread through WPUQueueApc), the completion port associated
// with the socket, or the event in the WSAOVERLAPPED — through iocp::CompleteOverlapped, the
// function behind WPUCompleteOverlappedRequest.
//
// How an operation runs (operation.h has the details): it is tried at once, non-blocking, on the
// caller's thread; if it completes, the call returns 0 and the completion is still delivered.
// Otherwise it joins one of the socket's two queues (operations that wait to write: sends,
// ConnectEx, DisconnectEx; operations that wait to read: receives, AcceptEx), and the provider's
// one reaper thread is told to wait for the descriptor's readiness (an io_uring POLL_ADD, or an
// epoll registration). When the descriptor is ready, the reaper runs the queue's head
// operations, in order, until one would block. No thread per socket. The exception: a stream
// receive that a thread running a completion port issues is not tried at once but handed to
// the io_uring ring, submitted when that thread next waits on the port (overlapped.cc,
// "Receives in the ring").
#ifndef WS2EMU_LIB_BASE_PROVIDER_OVERLAPPED_H_
#define WS2EMU_LIB_BASE_PROVIDER_OVERLAPPED_H_

#include <atomic>
#include <cstdint>

#include "ws2emu/ws2spi.h"

namespace ws2emu::base_provider {

class BaseSocket;
class SocketCall;
struct Operation;  // operation.h

// A socket's overlapped state: its pending operations, in two FIFO queues, and what the engine
// waits for on its descriptor. Guarded by BaseSocket::mu (all fields).
struct OverlappedState {
  Operation *out_head = nullptr;  // waiting to write, in issue order (sends never overtake)
  Operation *out_tail = nullptr;
  Operation *in_head = nullptr;   // waiting to read, in issue order
  Operation *in_tail = nullptr;
  // io_uring: a POLL_ADD is in flight for reading (bit 0) / writing (bit 1); each holds a
  // reference to the socket until its CQE. epoll: bit 0 = registered, the registration holds
  // one reference; bit 1 unused.
  uint8_t polls = 0;
  // io_uring: the multishot polls (same bits) whose last CQE found nothing waiting in their
  // direction (a wasted wake), and those an idle removal was submitted for (the second wasted
  // wake in a row; ProcessReady). Both cleared with the bit in polls.
  uint8_t idle = 0;
  uint8_t removing = 0;
  uint8_t remove_next = 0;  // an idle removal came too late (EALREADY): retried at the next CQE
  // io_uring: heads in the ring that a cancellation asked the kernel to end and whose CQE has
  // not been run yet. Atomic: CancelAll and CancelIo wait for 0 without the socket's mutex.
  std::atomic<uint32_t> ring_cancelling{0};
  bool disarming = false;            // epoll: queued for the reaper's EPOLL_CTL_DEL
  BaseSocket *next_disarm = nullptr;  // the reaper's list of sockets to deregister
};

// The overlapped forms of WSPSend/WSPSendTo (to == null for WSPSend) and WSPRecv/WSPRecvFrom
// (from == null for WSPRecv): the data calls hand over as soon as lpOverlapped is not null,
// after checking the socket and the buffers. They never block. They return what the WSP call
// returns: 0 when the operation completed at once (its completion is still delivered),
// SOCKET_ERROR with *lpErrno = WSA_IO_PENDING when it is under way, or SOCKET_ERROR with the
// error.
int StartSend(const SocketCall &call, LPWSABUF buffers, DWORD count, LPDWORD sent, DWORD flags,
              const struct WS_sockaddr *to, int to_length, LPWSAOVERLAPPED overlapped,
              LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT lpErrno);
int StartReceive(const SocketCall &call, LPWSABUF buffers, DWORD count, LPDWORD received,
                 LPDWORD flags, struct WS_sockaddr *from, LPINT from_length,
                 LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                 LPWSATHREADID thread, LPINT lpErrno);

// Delivers the completion of an operation that finished at once (an overlapped WSPIoctl, for
// example): status and bytes into the WSAOVERLAPPED, then the routine, port or event.
// Returns 0 or the WSA error of the delivery.
int CompleteNow(const SocketCall &call, LPWSAOVERLAPPED overlapped,
                LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, DWORD error,
                DWORD bytes, DWORD flags);

// WSPCloseSocket / WSPCleanup: every operation still pending on `socket` ends with
// WSA_OPERATION_ABORTED (delivered as usual when `notify`; WSPCleanup delivers nothing).
void CancelAll(const SocketCall &call, bool notify);

// kernel32's CancelIo / CancelIoEx on a socket handle (issue 12 wires them):
//   CancelIo(h)           = CancelIo(h, nullptr, /*all_threads=*/false): the operations the
//                           calling thread issued on the socket;
//   CancelIoEx(h, NULL)   = CancelIo(h, nullptr, true): every operation on the socket;
//   CancelIoEx(h, ov)     = CancelIo(h, ov, true): the operation of `ov` only.
// Each cancelled operation completes (routine, port or event) with WSA_OPERATION_ABORTED
// (= ERROR_OPERATION_ABORTED), with the bytes it had moved so far. Returns 0 (Windows' TRUE),
// ERROR_INVALID_HANDLE (6) for a handle that is not a socket of this provider, or, for
// CancelIoEx only, ERROR_NOT_FOUND (1168) when nothing matched (MSDN: CancelIoEx). CancelIo
// with nothing to cancel succeeds, as on Windows.
uint32_t CancelIo(SOCKET s, LPWSAOVERLAPPED which, bool all_threads);

// SIO_GET_EXTENSION_FUNCTION_POINTER: the function for `guid` (AcceptEx, ConnectEx,
// DisconnectEx, GetAcceptExSockaddrs, TransmitFile, WSARecvMsg, WSASendMsg), or null.
void *ExtensionFunction(const GUID &guid);

// WSPCleanup's last call: the reaper stops and the ring is released.
void StopEngine();

// How many times a thread waiting on a completion port ran the io_uring engine itself instead
// of sleeping (iocp::IdleRunner; 0 with epoll). For tests and the benchmark's report.
uint64_t PortWaitsThatRanTheEngine();

// The io_uring engine's ring runs a poll's task work without interrupting the thread that
// armed it (IORING_SETUP_COOP_TASKRUN; see EnsureEngine in overlapped.cc): false with epoll,
// before the engine starts, on a kernel before 5.19, or with WS2EMU_BASE_RING_IPI=1. For tests
// and the benchmark's report.
bool RingDefersTaskWork();

// How many multishot polls the io_uring engine removed because they woke it for nothing twice
// in a row (see RemoveIdlePolls in overlapped.cc); 0 with epoll. For tests.
uint64_t IdlePollRemovals();

// How many receives went to the kernel as io_uring operations of their own (issued by a thread
// running a completion port; see "Receives in the ring" in overlapped.cc); 0 with epoll or
// WS2EMU_BASE_RING_DATA=0. For tests and the benchmark.
uint64_t RingReceives();

// Which readiness engine runs ("io_uring", "epoll"), or "none" before the first operation that
// needed one. For tests and the benchmark's report.
const char *EngineName();

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_OVERLAPPED_H_
