// lib/base_provider/overlapped.h — overlapped operations on io_uring (or an epoll readiness loop
// where io_uring is missing), and their completion the way the caller asked: a completion
// routine (an APC to the issuing thread through WPUQueueApc), the completion port associated
// with the socket, or the event in the WSAOVERLAPPED — through iocp::CompleteOverlapped, the
// function behind WPUCompleteOverlappedRequest.
#ifndef WS2EMU_LIB_BASE_PROVIDER_OVERLAPPED_H_
#define WS2EMU_LIB_BASE_PROVIDER_OVERLAPPED_H_

#include "ws2emu/ws2spi.h"

namespace ws2emu::base_provider {

class BaseSocket;
class SocketCall;

// A socket's overlapped state (pending operations, the send queue that keeps sends in order).
struct OverlappedState {
  // [owner: overlapped.cc]
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

// SIO_GET_EXTENSION_FUNCTION_POINTER: the function for `guid` (AcceptEx, ConnectEx,
// DisconnectEx, GetAcceptExSockaddrs, TransmitFile, WSARecvMsg, WSASendMsg), or null.
void *ExtensionFunction(const GUID &guid);

// WSPCleanup's last call: the reaper stops and the ring is released.
void StopEngine();

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_OVERLAPPED_H_
