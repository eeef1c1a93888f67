// The Winsock 1.1 blocking hooks: per-thread state, the exported calls and the callback.
#include "blocking/blocking_hook.h"

#include "boundary/last_error.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::blocking {
namespace {

// Per-thread Winsock 1.1 blocking hook state (WSASetBlockingHook & co).
struct BlockingState {
  FARPROC hook = nullptr;
  bool cancelled = false;
  bool in_blocking_call = false;
};
thread_local BlockingState t_blocking;

// The blocking callback handed to providers when the thread has a hook: runs the hook once and
// says whether to keep waiting. FALSE (once) after WSACancelBlockingCall.
BOOL CALLBACK RunBlockingHook(DWORD_PTR context) {
  auto *state = reinterpret_cast<BlockingState *>(context);
  if (state->cancelled) {
    state->cancelled = false;
    return FALSE;
  }
  state->in_blocking_call = true;
  if (state->hook != nullptr) state->hook();
  state->in_blocking_call = false;
  if (state->cancelled) {
    state->cancelled = false;
    return FALSE;
  }
  return TRUE;
}

}  // namespace

void CurrentCallback(LPBLOCKINGCALLBACK *callback, DWORD_PTR *context) {
  if (t_blocking.hook == nullptr) {
    *callback = nullptr;
    *context = 0;
  } else {
    *callback = RunBlockingHook;
    *context = reinterpret_cast<DWORD_PTR>(&t_blocking);
  }
}

}  // namespace ws2emu::blocking

using ws2emu::SetThreadLastError;
using ws2emu::blocking::t_blocking;

extern "C" {

FARPROC WSAAPI WSASetBlockingHook(FARPROC lpBlockFunc) {
  if (lpBlockFunc == nullptr) {
    SetThreadLastError(WSAEFAULT);
    return nullptr;
  }
  if (t_blocking.in_blocking_call) {
    SetThreadLastError(WSAEINPROGRESS);
    return nullptr;
  }
  FARPROC previous = t_blocking.hook;
  t_blocking.hook = lpBlockFunc;
  return previous;
}

int WSAAPI WSAUnhookBlockingHook(void) {
  if (t_blocking.in_blocking_call) {
    SetThreadLastError(WSAEINPROGRESS);
    return SOCKET_ERROR;
  }
  t_blocking.hook = nullptr;
  return 0;
}

int WSAAPI WSACancelBlockingCall(void) {
  if (!t_blocking.in_blocking_call) {
    SetThreadLastError(WSAEINVAL);  // no blocking call in progress on this thread
    return SOCKET_ERROR;
  }
  t_blocking.cancelled = true;
  return 0;
}

BOOL WSAAPI WSAIsBlocking(void) { return t_blocking.in_blocking_call ? TRUE : FALSE; }

}  // extern "C"
