// The completion-port calls: CreateIoCompletionPort, PostQueuedCompletionStatus and
// GetQueuedCompletionStatus[Ex]. Windows semantics over Port (port.h).
#include "boundary/handle_value.h"
#include "boundary/last_error.h"
#include "handles/handle_table.h"
#include "iocp/port.h"
#include "sockets/socket_record.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu {
namespace {

HandleTable &Table() { return HandleTable::Get(); }

BOOL PortWaitToBool(PortWait r) {
  switch (r) {
    case PortWait::kOk:
      return TRUE;
    case PortWait::kTimeout:
      SetThreadLastError(WAIT_TIMEOUT);
      return FALSE;
    case PortWait::kIoCompletion:
      SetThreadLastError(WAIT_IO_COMPLETION);
      return FALSE;
    case PortWait::kClosed:
      SetThreadLastError(ERROR_ABANDONED_WAIT_0);
      return FALSE;
    case PortWait::kNoDescriptors:
      SetThreadLastError(kErrorTooManyOpenFiles);
      return FALSE;
    case PortWait::kNoMemory:
      SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
      return FALSE;
  }
  return FALSE;
}

}  // namespace
}  // namespace ws2emu

using namespace ws2emu;  // NOLINT: the boundary functions below are extern "C"

extern "C" {

// CreateIoCompletionPort: with FileHandle INVALID_HANDLE_VALUE, creates a port; otherwise
// associates the socket handle FileHandle (IFS or not) with the port (new or existing) and the
// key; a socket has one port at most, as on Windows.
HANDLE WINAPI ws2emu_CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                            ULONG_PTR CompletionKey,
                                            DWORD NumberOfConcurrentThreads) {
  bool create_only = FileHandle == INVALID_HANDLE_VALUE;
  if (create_only && ExistingCompletionPort != nullptr) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  sockets::SocketRef socket;
  if (!create_only) {
    socket = sockets::GetSocket(HandleValue(FileHandle));
    if (!socket) {
      SetThreadLastError(ERROR_INVALID_HANDLE);
      return nullptr;
    }
  }
  Ref<Port> port;
  HANDLE result = ExistingCompletionPort;
  if (ExistingCompletionPort != nullptr) {
    port = Table().LookupAs<Port>(HandleValue(ExistingCompletionPort));
    if (!port) {
      SetThreadLastError(ERROR_INVALID_PARAMETER);
      return nullptr;
    }
  } else {
    port = Port::Create(NumberOfConcurrentThreads);
    if (!port) {
      SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
      return nullptr;
    }
    uint64_t h = Table().Insert(Ref<Port>(port).release());
    if (h == 0) {
      SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
      return nullptr;
    }
    result = ToHandle(h);
  }
  if (!create_only) {
    const auto associated = socket->AssociatePort(port.get(), CompletionKey);
    if (associated != sockets::SocketRecord::Association::kAssociated) {
      if (ExistingCompletionPort == nullptr) {  // the port made here goes (nobody waits on it)
        port->Shutdown();
        Table().Close(HandleValue(result), ObjectType::kPort);
      }
      SetThreadLastError(associated == sockets::SocketRecord::Association::kNoMemory
                             ? ERROR_NOT_ENOUGH_MEMORY
                             : ERROR_INVALID_PARAMETER);  // already associated with a port
      return nullptr;
    }
  }
  return result;
}

BOOL WINAPI ws2emu_PostQueuedCompletionStatus(HANDLE CompletionPort,
                                              DWORD dwNumberOfBytesTransferred,
                                              ULONG_PTR dwCompletionKey,
                                              LPOVERLAPPED lpOverlapped) {
  Port::PostResult posted = Port::PostResult::kClosed;
  const Port::Packet packet = {dwNumberOfBytesTransferred, dwCompletionKey, lpOverlapped, 0};
  Table().WithPinned<Port>(HandleValue(CompletionPort),
                           [&](Port &port) { posted = port.Post(packet); });
  if (posted == Port::PostResult::kNoMemory) {  // the queue could not grow: nothing posted
    SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
    return FALSE;
  }
  if (posted != Port::PostResult::kPosted) {  // not a port, or a port being closed
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  return TRUE;
}

BOOL WINAPI ws2emu_GetQueuedCompletionStatus(HANDLE CompletionPort,
                                             LPDWORD lpNumberOfBytesTransferred,
                                             PULONG_PTR lpCompletionKey,
                                             LPOVERLAPPED *lpOverlapped, DWORD dwMilliseconds) {
  if (lpNumberOfBytesTransferred == nullptr || lpCompletionKey == nullptr ||
      lpOverlapped == nullptr) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  Ref<Port> port = Table().LookupAs<Port>(HandleValue(CompletionPort));
  if (!port) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    *lpOverlapped = nullptr;
    return FALSE;
  }
  Port::Packet p;
  uint32_t n = 0;
  PortWait r = port->Get(&p, 1, &n, dwMilliseconds, false);
  if (r != PortWait::kOk) {
    *lpOverlapped = nullptr;
    return PortWaitToBool(r);
  }
  *lpNumberOfBytesTransferred = p.bytes;
  *lpCompletionKey = p.key;
  *lpOverlapped = static_cast<LPOVERLAPPED>(p.overlapped);
  if (p.status != 0) {
    // A failed I/O: the packet is returned, and the call reports the I/O's error.
    SetThreadLastError(static_cast<uint32_t>(p.status));
    return FALSE;
  }
  return TRUE;
}

BOOL WINAPI ws2emu_GetQueuedCompletionStatusEx(HANDLE CompletionPort,
                                               LPOVERLAPPED_ENTRY lpCompletionPortEntries,
                                               ULONG ulCount, PULONG ulNumEntriesRemoved,
                                               DWORD dwMilliseconds, BOOL fAlertable) {
  if (lpCompletionPortEntries == nullptr || ulNumEntriesRemoved == nullptr || ulCount == 0) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  *ulNumEntriesRemoved = 0;
  Ref<Port> port = Table().LookupAs<Port>(HandleValue(CompletionPort));
  if (!port) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  Port::Packet packets[64];
  uint32_t max = ulCount < 64 ? ulCount : 64;
  uint32_t n = 0;
  PortWait r = port->Get(packets, max, &n, dwMilliseconds, fAlertable != FALSE);
  if (r != PortWait::kOk) return PortWaitToBool(r);
  for (uint32_t i = 0; i < n; ++i) {
    lpCompletionPortEntries[i].lpCompletionKey = packets[i].key;
    lpCompletionPortEntries[i].lpOverlapped = static_cast<LPOVERLAPPED>(packets[i].overlapped);
    lpCompletionPortEntries[i].Internal = packets[i].status;
    lpCompletionPortEntries[i].dwNumberOfBytesTransferred = packets[i].bytes;
  }
  *ulNumEntriesRemoved = n;
  return TRUE;
}

}  // extern "C"
