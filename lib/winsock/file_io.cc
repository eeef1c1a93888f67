// kernel32's file calls on a SOCKET handle: ReadFile / WriteFile (overlapped too),
// GetOverlappedResult, CancelIo / CancelIoEx, SetFileCompletionNotificationModes.
//
// On Windows a socket of an IFS provider is a file handle: ReadFile and WriteFile reach AFD as
// a receive and a send without flags, and the completion goes where the OVERLAPPED says (the
// event, the completion port the socket is associated with). Here they are the same calls as
// WSARecv / WSASend through the provider that owns the socket (the pin of call.h included),
// with the result in kernel32's terms: TRUE / FALSE and the thread's last error.
//
// Errors. A Winsock provider reports WSA codes; the file calls report what Windows' I/O manager
// makes of the NTSTATUS AFD completes with. [inference] The codes that differ between the two
// views are mapped (kFileErrors: a connection reset is ERROR_NETNAME_DELETED, a truncated
// datagram ERROR_MORE_DATA, ...); the rest are the same number in both (WSA_IO_PENDING is
// ERROR_IO_PENDING, WSA_OPERATION_ABORTED is ERROR_OPERATION_ABORTED) or passed as they are.
//
// Which handles. Only sockets the Winsock API routes (those of a started process, see call.h):
// any other handle is ERROR_INVALID_HANDLE, as the runtime has no files, pipes or consoles
// behind these calls. CancelIo / CancelIoEx reach the built-in base provider, which keeps the
// pending operations (base_provider::CancelIo); a non-IFS layered provider's own handles have
// no kernel I/O to cancel on Windows either, and answer ERROR_INVALID_HANDLE.
#include <cstdint>

#include "base_provider/overlapped.h"
#include "boundary/last_error.h"
#include "sockets/socket_record.h"
#include "winsock/call.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {
namespace {

constexpr uint32_t kErrorNetnameDeleted = 64;
constexpr uint32_t kErrorMoreData = 234;
constexpr uint32_t kErrorNoAccess = 998;
constexpr uint32_t kErrorConnectionAborted = 1236;
constexpr uint32_t kErrorConnectionRefused = 1225;
constexpr uint8_t kFileSkipCompletionPortOnSuccess = 1;
constexpr uint8_t kFileSkipSetEventOnHandle = 2;

// WSA code -> the Win32 code the file calls give for the same NTSTATUS.
constexpr struct {
  uint32_t wsa, win32;
} kFileErrors[] = {
    {WSAECONNRESET, kErrorNetnameDeleted},        // STATUS_CONNECTION_RESET
    {WSAECONNABORTED, kErrorConnectionAborted},   // STATUS_CONNECTION_ABORTED
    {WSAECONNREFUSED, kErrorConnectionRefused},   // STATUS_CONNECTION_REFUSED
    {WSAEMSGSIZE, kErrorMoreData},                // STATUS_BUFFER_OVERFLOW
    {WSAEFAULT, kErrorNoAccess},                  // STATUS_ACCESS_VIOLATION
    {WSAENOTSOCK, ERROR_INVALID_HANDLE},          // not a socket: not a file either
    {WSANOTINITIALISED, ERROR_INVALID_HANDLE},    // no socket is routed before start-up
};

uint32_t FileError(uint32_t wsa) {
  for (const auto &e : kFileErrors) {
    if (e.wsa == wsa) return e.win32;
  }
  return wsa;
}

BOOL Fail(uint32_t wsa) {
  SetThreadLastError(FileError(wsa));
  return FALSE;
}

// ReadFile / WriteFile: one buffer, no flags, through WSARecv / WSASend's path.
BOOL Transfer(HANDLE h, void *buffer, DWORD size, LPDWORD done, LPOVERLAPPED ov, bool read) {
  const auto s = static_cast<SOCKET>(reinterpret_cast<uintptr_t>(h));
  // Windows: the count may be null only for an overlapped call.
  if (done == nullptr && ov == nullptr) return Fail(WSAEFAULT);
  if (done != nullptr) *done = 0;
  SocketCall call(s);
  if (!call) return Fail(static_cast<uint32_t>(call.error()));
  WSABUF b = {size, static_cast<char *>(buffer)};
  int error = 0;
  LPWSATHREADID thread = nullptr;
  WSATHREADID none{};
  if (ov != nullptr) {
    thread = CurrentThreadId(&error);
    if (thread == nullptr) return Fail(static_cast<uint32_t>(error));
  } else {
    thread = &none;
  }
  DWORD n = 0, flags = 0;
  const int rc = read ? call.procs().lpWSPRecv(s, &b, 1, &n, &flags, ov, nullptr, thread, &error)
                      : call.procs().lpWSPSend(s, &b, 1, &n, 0, ov, nullptr, thread, &error);
  if (rc != 0) return Fail(static_cast<uint32_t>(error));
  if (done != nullptr) *done = n;
  return TRUE;
}

// CancelIo (the calling thread's operations) / CancelIoEx (any thread's, or `ov`'s only):
// base_provider::CancelIo's answer (ERROR_NOT_FOUND when CancelIoEx matched nothing).
BOOL Cancel(HANDLE h, LPOVERLAPPED ov, bool all_threads) {
  const auto s = static_cast<SOCKET>(reinterpret_cast<uintptr_t>(h));
  SocketCall call(s);
  if (!call) return Fail(static_cast<uint32_t>(call.error()));
  const uint32_t e = base_provider::CancelIo(s, ov, all_threads);
  if (e != 0) {
    SetThreadLastError(e);
    return FALSE;
  }
  return TRUE;
}

}  // namespace
}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

BOOL WINAPI ws2emu_ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                            LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped) {
  return Transfer(hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead, lpOverlapped, true);
}

BOOL WINAPI ws2emu_WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                             LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped) {
  return Transfer(hFile, const_cast<void *>(lpBuffer), nNumberOfBytesToWrite,
                  lpNumberOfBytesWritten, lpOverlapped, false);
}

BOOL WINAPI ws2emu_GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                       LPDWORD lpNumberOfBytesTransferred, BOOL bWait) {
  const auto s = static_cast<SOCKET>(reinterpret_cast<uintptr_t>(hFile));
  if (lpOverlapped == nullptr || lpNumberOfBytesTransferred == nullptr) return Fail(WSAEFAULT);
  SocketCall call(s);
  if (!call) return Fail(static_cast<uint32_t>(call.error()));
  DWORD flags = 0;
  int error = 0;
  if (!call.procs().lpWSPGetOverlappedResult(s, lpOverlapped, lpNumberOfBytesTransferred, bWait,
                                             &flags, &error)) {
    return Fail(static_cast<uint32_t>(error));
  }
  return TRUE;
}

BOOL WINAPI ws2emu_CancelIo(HANDLE hFile) { return Cancel(hFile, nullptr, false); }

BOOL WINAPI ws2emu_CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped) {
  return Cancel(hFile, lpOverlapped, true);
}

// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: an operation that succeeds in its call gets no packet on
// the socket's completion port (iocp/completion.h). FILE_SKIP_SET_EVENT_ON_HANDLE: [inference]
// accepted and kept; a socket is no waitable object here (socket_record.h), so there is no
// handle event to skip. Other bits: ERROR_INVALID_PARAMETER, nothing changed.
BOOL WINAPI ws2emu_SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags) {
  constexpr UCHAR kKnown = kFileSkipCompletionPortOnSuccess | kFileSkipSetEventOnHandle;
  if ((Flags & ~kKnown) != 0) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  const auto s = static_cast<SOCKET>(reinterpret_cast<uintptr_t>(FileHandle));
  SocketCall call(s);
  if (!call) return Fail(static_cast<uint32_t>(call.error()));
  uint32_t modes = 0;
  if (Flags & kFileSkipCompletionPortOnSuccess) modes |= sockets::SocketRecord::kSkipPortOnSuccess;
  if (Flags & kFileSkipSetEventOnHandle) modes |= sockets::SocketRecord::kSkipSetEventOnHandle;
  call.record().AddCompletionModes(modes);
  return TRUE;
}

}  // extern "C"
