// The WSA event calls (WSACreateEvent, WSASetEvent, WSAResetEvent, WSACloseEvent,
// WSAWaitForMultipleEvents): kernel32's manual-reset events and waits, with WSA error codes.
#include "boundary/handle_value.h"
#include "boundary/last_error.h"
#include "handles/handle_table.h"
#include "kernel_objects/lookup.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu {
namespace {

HandleTable &Table() { return HandleTable::Get(); }

}  // namespace
}  // namespace ws2emu

using namespace ws2emu;  // NOLINT: the boundary functions below are extern "C"

extern "C" {

WSAEVENT WSAAPI WSACreateEvent(void) {
  HANDLE h = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (h == nullptr) SetThreadLastError(WSA_NOT_ENOUGH_MEMORY);
  return h;
}

BOOL WSAAPI WSASetEvent(WSAEVENT hEvent) {
  if (ws2emu_SetEvent(hEvent)) return TRUE;
  SetThreadLastError(WSA_INVALID_HANDLE);
  return FALSE;
}

BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent) {
  if (ws2emu_ResetEvent(hEvent)) return TRUE;
  SetThreadLastError(WSA_INVALID_HANDLE);
  return FALSE;
}

BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent) {
  if (Table().Close(HandleValue(hEvent), ObjectType::kEvent)) return TRUE;
  SetThreadLastError(WSA_INVALID_HANDLE);
  return FALSE;
}

DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents, BOOL fWaitAll,
                                      DWORD dwTimeout, BOOL fAlertable) {
  if (cEvents == 0 || cEvents > WSA_MAXIMUM_WAIT_EVENTS) {
    SetThreadLastError(WSA_INVALID_PARAMETER);
    return WSA_WAIT_FAILED;
  }
  if (lphEvents == nullptr) {
    SetThreadLastError(WSAEFAULT);
    return WSA_WAIT_FAILED;
  }
  DWORD r = WaitHandles(cEvents, lphEvents, fWaitAll, dwTimeout, fAlertable);
  if (r == WAIT_FAILED) {
    // WSA_INVALID_HANDLE for a bad handle; WSA_NOT_ENOUGH_MEMORY when the thread object (or a
    // pseudo-handle's object) could not be created, out of descriptors or memory.
    const uint32_t error = ThreadLastError();
    SetThreadLastError(error == kErrorTooManyOpenFiles || error == ERROR_NOT_ENOUGH_MEMORY
                           ? WSA_NOT_ENOUGH_MEMORY
                           : WSA_INVALID_HANDLE);
  }
  return r;
}

}  // extern "C"
