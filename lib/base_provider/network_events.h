// lib/base_provider/network_events.h — readiness: WSPSelect, WSPEventSelect +
// WSPEnumNetworkEvents, WSPAsyncSelect (WPUPostMessage), with Windows' re-enabling rule for each
// FD_* event.
#ifndef WS2EMU_LIB_BASE_PROVIDER_NETWORK_EVENTS_H_
#define WS2EMU_LIB_BASE_PROVIDER_NETWORK_EVENTS_H_

#include "ws2emu/ws2spi.h"

namespace ws2emu::base_provider {

class BaseSocket;

// A socket's event-select / async-select registration and its recorded network events.
struct NetworkEventState {
  // [owner: network_events.cc]
};

// Whether WSPEventSelect or WSPAsyncSelect is in force on `socket` (FIONBIO then fails with
// WSAEINVAL, and the socket stays non-blocking).
bool SelectsEvents(BaseSocket &socket);

// The re-enabling functions call this after they ran (MSDN's WSAEventSelect table): a receive
// re-enables FD_READ (FD_OOB for MSG_OOB), a send that failed with WSAEWOULDBLOCK re-enables
// FD_WRITE, an accept re-enables FD_ACCEPT, and so on. `events` is a mask of FD_* bits.
void Reenable(BaseSocket &socket, long events);

// A non-blocking connect began (FD_CONNECT reports its outcome), or a socket began to listen
// (FD_ACCEPT), or the socket was connected (FD_WRITE once, then on re-enabling).
void ConnectStarted(BaseSocket &socket);
void ListenStarted(BaseSocket &socket);

// WSPCloseSocket / WSPCleanup: the socket's registration ends; nothing more is signalled or
// posted for it.
void StopEvents(BaseSocket &socket);

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_NETWORK_EVENTS_H_
