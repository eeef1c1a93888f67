// lib/blocking/blocking_hook.h — the Winsock 1.1 blocking hooks, per thread
// (WSASetBlockingHook, WSAUnhookBlockingHook, WSACancelBlockingCall, WSAIsBlocking), and the
// blocking callback WPUQueryBlockingCallback hands to providers.
#ifndef WS2EMU_LIB_BLOCKING_BLOCKING_HOOK_H_
#define WS2EMU_LIB_BLOCKING_BLOCKING_HOOK_H_

#include "ws2emu/ws2spi.h"

namespace ws2emu::blocking {

// The calling thread's blocking callback and its context: NULL and 0 for a thread without a
// hook (a Winsock 2 caller: the provider blocks on its own objects); otherwise a callback that
// runs the hook once per call and returns FALSE (once) after WSACancelBlockingCall.
void CurrentCallback(LPBLOCKINGCALLBACK *callback, DWORD_PTR *context);

}  // namespace ws2emu::blocking

#endif  // WS2EMU_LIB_BLOCKING_BLOCKING_HOOK_H_
