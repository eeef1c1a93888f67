#include "iocp/completion.h"

#include "handles/handle_table.h"
#include "iocp/port.h"
#include "sync/event.h"

namespace ws2emu::iocp {

int CompleteOverlapped(const sockets::SocketRecord &socket, WSAOVERLAPPED *overlapped,
                       uint32_t error, uint32_t bytes, bool succeeded_at_once) {
  if (overlapped == nullptr) return WSAEFAULT;
  HandleTable &table = HandleTable::Get();
  const uint64_t hevent = reinterpret_cast<uintptr_t>(overlapped->hEvent);
  Ref<Event> event;
  if (hevent != 0) {
    event = table.LookupAs<Event>(hevent & ~uint64_t{1});
    if (!event) return WSA_INVALID_HANDLE;
  }
  uint64_t key = 0;
  Ref<Object> port;
  const bool skip = succeeded_at_once && error == 0 && socket.skip_port_on_success();
  if ((hevent & 1) == 0 && !skip) port = socket.CompletionPort(&key);

  // [inference] Internal holds the completion status: the error itself (0 for success), which
  // is never WSS_OPERATION_IN_PROGRESS for a Winsock error; an error that happens to equal
  // 0x103 is stored as STATUS_UNSUCCESSFUL so that the operation never looks still in progress.
  ULONG_PTR status = error == WSS_OPERATION_IN_PROGRESS ? 0xC0000001u : error;
  __atomic_store_n(&overlapped->InternalHigh, static_cast<ULONG_PTR>(bytes), __ATOMIC_RELAXED);
  __atomic_store_n(&overlapped->Internal, status, __ATOMIC_RELEASE);
  if (event) event->Set();
  // [inference] A packet the port cannot queue for want of memory is lost: the call has no
  // error for it (SPEC.md §6.4 documents only WSAEINVAL) and the OVERLAPPED is already complete,
  // so a waiter on its event or a GetOverlappedResult still sees the completion.
  if (port) static_cast<Port *>(port.get())->Post({bytes, key, overlapped, error});
  return 0;
}

}  // namespace ws2emu::iocp
