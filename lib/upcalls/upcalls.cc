// The upcalls of WSPUPCALLTABLE and WPUCompleteOverlappedRequest (SPEC.md §6), and the table.
// Each checks its arguments and converts errors; the work is done by the component it names
// (blocking/, catalog/, iocp/, messages/, sockets/, the handle table).
#include <atomic>

#include "blocking/blocking_hook.h"
#include "boundary/handle_value.h"
#include "catalog/catalog.h"
#include "catalog/wsc_calls.h"
#include "iocp/completion.h"
#include "sockets/socket_record.h"
#include "sync/event.h"
#include "threads/thread.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu {
namespace {

HandleTable &Table() { return HandleTable::Get(); }

// The catalog assigns IDs from catalog::kFirstCatalogId upwards, so a lower ID cannot name any
// entry.
using catalog::kFirstCatalogId;

// Set once the host has asked for the upcall table (ws2emu_upcall_table): the thread upcalls
// report WSANOTINITIALISED before that, as Windows does before WSPStartup.
std::atomic<bool> g_initialised{false};
bool Initialised() { return g_initialised.load(std::memory_order_acquire); }

std::atomic<LPWPUPOSTMESSAGE> g_post_routine{nullptr};

constexpr WSPUPCALLTABLE kUpcallTable = {
    WPUCloseEvent,          WPUCloseSocketHandle,       WPUCreateEvent,
    WPUCreateSocketHandle,  WPUFDIsSet,                 WPUGetProviderPath,
    WPUModifyIFSHandle,     WPUPostMessage,             WPUQueryBlockingCallback,
    WPUQuerySocketHandleContext, WPUQueueApc,           WPUResetEvent,
    WPUSetEvent,            WPUOpenCurrentThread,       WPUCloseThread,
};

#if WS2EMU_HAVE_SNAPSHOT_READ
// WPUQuerySocketHandleContext on a processor with AVX: the same checks in the same order, the
// slot read in one atomic 16-byte load (HandleTable::ReadPublishedSnapshot). The table below
// holds it where the processor allows; the exported symbol is the portable one.
__attribute__((target("avx"))) int WSPAPI QuerySocketHandleContextSnapshot(SOCKET s,
                                                                          PDWORD_PTR lpContext,
                                                                          LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  uint64_t context;
  if (!HandleTable::Get().ReadPublishedSnapshot(s, ObjectType::kSocket, &context)) {
    *lpErrno = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  if (lpContext == nullptr) {
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  *lpContext = context;
  return 0;
}

// The same table with the snapshot query in its one place.
constexpr WSPUPCALLTABLE WithSnapshotQuery(WSPUPCALLTABLE table) {
  table.lpWPUQuerySocketHandleContext = QuerySocketHandleContextSnapshot;
  return table;
}
constexpr WSPUPCALLTABLE kUpcallTableSnapshot = WithSnapshotQuery(kUpcallTable);
#endif

// The table ws2emu_upcall_table hands out: the one with the snapshot read where it works.
const WSPUPCALLTABLE *ChosenTable() {
#if WS2EMU_HAVE_SNAPSHOT_READ
  static const WSPUPCALLTABLE *const chosen =
      HandleTable::SnapshotReadWorks() ? &kUpcallTableSnapshot : &kUpcallTable;
  return chosen;
#else
  return &kUpcallTable;
#endif
}

}  // namespace
}  // namespace ws2emu

using namespace ws2emu;  // NOLINT: the boundary functions below are extern "C"

extern "C" {

const WSPUPCALLTABLE *ws2emu_upcall_table(void) {
  g_initialised.store(true, std::memory_order_release);
  return ChosenTable();
}

const char *ws2emu_apc_backend(void) { return ApcBackendName(ActiveApcBackend()); }

// Every upcall reports through *lpErrno; with no place to put the code it can only fail.
#define REQUIRE_ERRNO(fail) \
  if (lpErrno == nullptr) return (fail)

BOOL WSPAPI WPUCloseEvent(WSAEVENT hEvent, LPINT lpErrno) {
  REQUIRE_ERRNO(FALSE);
  if (!Table().Close(HandleValue(hEvent), ObjectType::kEvent)) {
    *lpErrno = WSA_INVALID_HANDLE;
    return FALSE;
  }
  return TRUE;
}

int WSPAPI WPUCloseSocketHandle(SOCKET s, LPINT lpErrno) {
  REQUIRE_ERRNO(SOCKET_ERROR);
  // Only handles from WPUCreateSocketHandle: an IFS handle is not ws2_32's to close.
  if (!sockets::CloseSocket(s, /*ifs=*/false)) {
    *lpErrno = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  return 0;
}

WSAEVENT WSPAPI WPUCreateEvent(LPINT lpErrno) {
  REQUIRE_ERRNO(WSA_INVALID_EVENT);
  HANDLE h = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (h == nullptr) {
    *lpErrno = WSA_NOT_ENOUGH_MEMORY;
    return WSA_INVALID_EVENT;
  }
  return h;
}

SOCKET WSPAPI WPUCreateSocketHandle(DWORD dwCatalogEntryId, DWORD_PTR dwContext,
                                    LPINT lpErrno) {
  REQUIRE_ERRNO(INVALID_SOCKET);
  uint64_t h = sockets::CreateSocket(dwCatalogEntryId, dwContext);
  if (h == 0) {
    *lpErrno = WSAENOBUFS;
    return INVALID_SOCKET;
  }
  return h;
}

// WPUFDIsSet: a linear search of fd_array[0 .. fd_count-1], whatever FD_SETSIZE the caller
// compiled with (only fd_count entries are read). No error channel: a NULL set is "not set".
int WSPAPI WPUFDIsSet(SOCKET s, WS_fd_set *fdset) {
  if (fdset == nullptr) return 0;
  const SOCKET *array = fdset->fd_array;
  for (WS_u_int i = 0; i < fdset->fd_count; ++i)
    if (array[i] == s) return 1;
  return 0;
}

// WPUGetProviderPath: the catalog's path for the provider GUID, as installed (not expanded);
// see GetProviderPath in catalog/wsc_calls.cc.
int WSPAPI WPUGetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                              LPINT lpProviderDllPathLen, LPINT lpErrno) {
  return GetProviderPath(lpProviderId, lpszProviderDllPath, lpProviderDllPathLen, lpErrno);
}

// WPUModifyIFSHandle: the proposed handle must be an open IFS socket handle; the runtime records
// the caller's catalog ID with it (a layer that passes base handles through takes them over)
// and returns the same value.
SOCKET WSPAPI WPUModifyIFSHandle(DWORD dwCatalogEntryId, SOCKET ProposedHandle, LPINT lpErrno) {
  REQUIRE_ERRNO(INVALID_SOCKET);
  if (!sockets::RegisterIfs(ProposedHandle, dwCatalogEntryId)) {
    *lpErrno = WSAEINVAL;
    return INVALID_SOCKET;
  }
  return ProposedHandle;
}

// WPUPostMessage: PostMessage through the host's post routine when it installed one
// (WSApSetPostRoutine: a host with its own window system, as user32 on Windows); otherwise
// through the runtime's own message queues (ws2emu_PostMessageW), whose windows the host
// creates with ws2emu_CreateWindowExW.
BOOL WSPAPI WPUPostMessage(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  LPWPUPOSTMESSAGE routine = g_post_routine.load(std::memory_order_acquire);
  if (routine != nullptr) return routine(hWnd, Msg, wParam, lParam);
  return ws2emu_PostMessageW(hWnd, Msg, wParam, lParam);
}

int WSAAPI WSApSetPostRoutine(LPWPUPOSTMESSAGE lpPostRoutine) {
  g_post_routine.store(lpPostRoutine, std::memory_order_release);
  return 0;
}

int WSPAPI WPUQueryBlockingCallback(DWORD dwCatalogEntryId, LPBLOCKINGCALLBACK *lplpfnCallback,
                                    PDWORD_PTR lpdwContext, LPINT lpErrno) {
  REQUIRE_ERRNO(SOCKET_ERROR);
  if (lplpfnCallback == nullptr || lpdwContext == nullptr) {
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  if (dwCatalogEntryId < kFirstCatalogId) {
    *lpErrno = WSAEINVAL;
    return SOCKET_ERROR;
  }
  // Winsock 2 callers have no hook: NULL and 0, and the provider blocks on its own objects.
  blocking::CurrentCallback(lplpfnCallback, lpdwContext);
  return 0;
}

int WSPAPI WPUQuerySocketHandleContext(SOCKET s, PDWORD_PTR lpContext, LPINT lpErrno) {
  REQUIRE_ERRNO(SOCKET_ERROR);
  uint64_t context;
  if (!sockets::QueryContext(s, &context)) {
    *lpErrno = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  if (lpContext == nullptr) {
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  *lpContext = context;
  return 0;
}

int WSPAPI WPUQueueApc(LPWSATHREADID lpThreadId, LPWSAUSERAPC lpfnUserApc, DWORD_PTR dwContext,
                       LPINT lpErrno) {
  REQUIRE_ERRNO(SOCKET_ERROR);
  if (lpThreadId == nullptr || lpfnUserApc == nullptr) {
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  Ref<Thread> t = Table().LookupAs<Thread>(HandleValue(lpThreadId->ThreadHandle));
  // A closed handle, or a thread that has exited: not a valid thread (WSAEFAULT). [inference]
  // No memory for the queue entry: WSAENOBUFS, Winsock's "no buffer space" (the page documents
  // only WSAEFAULT).
  int error = ESRCH;
  if (!t || !t->QueueApc(lpfnUserApc, dwContext, &error)) {
    *lpErrno = error == ENOMEM ? WSAENOBUFS : WSAEFAULT;
    return SOCKET_ERROR;
  }
  return 0;
}

BOOL WSPAPI WPUResetEvent(WSAEVENT hEvent, LPINT lpErrno) {
  REQUIRE_ERRNO(FALSE);
  if (!Table().WithPinned<Event>(HandleValue(hEvent), [](Event &e) { e.Reset(); })) {
    *lpErrno = WSA_INVALID_HANDLE;
    return FALSE;
  }
  return TRUE;
}

BOOL WSPAPI WPUSetEvent(WSAEVENT hEvent, LPINT lpErrno) {
  REQUIRE_ERRNO(FALSE);
  if (!Table().WithPinned<Event>(HandleValue(hEvent), [](Event &e) { e.Set(); })) {
    *lpErrno = WSA_INVALID_HANDLE;
    return FALSE;
  }
  return TRUE;
}

// WPUOpenCurrentThread: a new handle to the calling thread's object (so the WSATHREADID stays
// valid, and QueueApc fails cleanly, after the thread exits). Reserved carries the thread id.
int WSPAPI WPUOpenCurrentThread(LPWSATHREADID lpThreadId, LPINT lpErrno) {
  REQUIRE_ERRNO(SOCKET_ERROR);
  if (!Initialised()) {
    *lpErrno = WSANOTINITIALISED;
    return SOCKET_ERROR;
  }
  if (lpThreadId == nullptr) {
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  // [inference] SPEC.md §6.10 documents only WSANOTINITIALISED; a thread object that cannot be
  // created now (no descriptor, no memory) or a full handle table is reported as WSAENOBUFS,
  // Winsock's "no buffer space". Nothing is kept: the next call tries again.
  Thread *self = Thread::Current();
  if (self == nullptr) {
    *lpErrno = WSAENOBUFS;
    return SOCKET_ERROR;
  }
  uint64_t h = Table().Insert(Ref<Thread>::Share(self).release());
  if (h == 0) {
    *lpErrno = WSAENOBUFS;
    return SOCKET_ERROR;
  }
  lpThreadId->ThreadHandle = ToHandle(h);
  lpThreadId->Reserved = self->id();
  return 0;
}

int WSPAPI WPUCloseThread(LPWSATHREADID lpThreadId, LPINT lpErrno) {
  REQUIRE_ERRNO(SOCKET_ERROR);
  if (!Initialised()) {
    *lpErrno = WSANOTINITIALISED;
    return SOCKET_ERROR;
  }
  if (lpThreadId == nullptr) {
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  if (!Table().Close(HandleValue(lpThreadId->ThreadHandle), ObjectType::kThread)) {
    *lpErrno = WSAEINVAL;  // [inference] not a WSATHREADID that WPUOpenCurrentThread filled in
    return SOCKET_ERROR;
  }
  lpThreadId->ThreadHandle = nullptr;
  return 0;
}

// WPUCompleteOverlappedRequest (SPEC.md §6.4): only for handles from WPUCreateSocketHandle
// (WSAEINVAL otherwise); the completion itself is iocp::CompleteOverlapped, which checks the
// rest of the arguments before it writes anything.
int WSPAPI WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED lpOverlapped, DWORD dwError,
                                        DWORD cbTransferred, LPINT lpErrno) {
  REQUIRE_ERRNO(SOCKET_ERROR);
  sockets::SocketRef socket = sockets::GetSocket(s);
  if (!socket || socket->ifs()) {
    *lpErrno = WSAEINVAL;
    return SOCKET_ERROR;
  }
  const int error = iocp::CompleteOverlapped(*socket, lpOverlapped, dwError, cbTransferred);
  if (error != 0) {
    *lpErrno = error;
    return SOCKET_ERROR;
  }
  return 0;
}

}  // extern "C"
