// lib/iocp/completion.h — completing an overlapped socket operation: what
// WPUCompleteOverlappedRequest does for a layered provider, and what a base provider calls
// directly when one of its own operations finishes.
//
//   int e = iocp::CompleteOverlapped(socket, overlapped, /*error=*/0, /*bytes=*/n);
#ifndef WS2EMU_LIB_IOCP_COMPLETION_H_
#define WS2EMU_LIB_IOCP_COMPLETION_H_

#include <cstdint>

#include "sockets/socket_record.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::iocp {

// Completes `overlapped`, an operation on `socket` (SPEC.md §6.4):
// InternalHigh = bytes, then Internal = the status (error, 0 for success; release order, so a
// thread that sees Internal also sees InternalHigh); Offset/OffsetHigh untouched; hEvent (low
// bit masked) is set; and unless bit 0 of hEvent is set, a packet {bytes, key, overlapped,
// error} goes to the completion port the socket is associated with, if any.
// Returns 0, or the WSA error with nothing written: WSAEFAULT for a null `overlapped`,
// WSA_INVALID_HANDLE for an hEvent that is not an event. The caller has found (and pinned)
// `socket`; which sockets it may complete is its own rule. An int rather than an absl::Status:
// this runs once per completed operation, and its callers hand the code straight to *lpErrno.
//
// `succeeded_at_once`: the operation succeeded in the call that started it (which returned
// success, not WSA_IO_PENDING). A socket whose SetFileCompletionNotificationModes set
// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS then gets no packet on its port: the caller already
// has the result (the I/O manager's rule for such handles); the event is still set.
int CompleteOverlapped(const sockets::SocketRecord &socket, WSAOVERLAPPED *overlapped,
                       uint32_t error, uint32_t bytes, bool succeeded_at_once = false);

}  // namespace ws2emu::iocp

#endif  // WS2EMU_LIB_IOCP_COMPLETION_H_
