// lib/base_provider/network_events.h — readiness: WSPSelect, WSPEventSelect +
// WSPEnumNetworkEvents, WSPAsyncSelect (WPUPostMessage), with Windows' re-enabling rule for each
// FD_* event.
//
// A socket with a registration (event select or async select) is watched by the provider's one
// watcher thread (an epoll loop, started with the first registration, stopped by StopWatcher);
// sockets without one cost nothing. Every change that may make an event due (a registration, a
// re-enabling call, a connect or listen that began, the watcher's wake) evaluates the socket's
// state afresh under its lock (BaseSocket::mu): what is ready now and enabled is recorded, and
// the event object is set or one message per event is posted, still under the lock, so that
// after StopEvents or a new registration returns nothing more is signalled for the old one.
#ifndef WS2EMU_LIB_BASE_PROVIDER_NETWORK_EVENTS_H_
#define WS2EMU_LIB_BASE_PROVIDER_NETWORK_EVENTS_H_

#include <atomic>
#include <cstdint>

#include "ws2emu/ws2spi.h"

namespace ws2emu::base_provider {

class BaseSocket;

// A socket's event-select / async-select registration and its recorded network events.
// [owner: network_events.cc] Every field but `selecting` is guarded by the socket's mu
// (BaseSocket::mu; the mutex lives in the socket, so the annotation cannot be written here).
struct NetworkEventState {
  enum class Kind : uint8_t { kNone, kEvent, kWindow };
  Kind kind = Kind::kNone;
  std::atomic<bool> selecting{false};  // kind != kNone, readable without the lock
  long mask = 0;       // the FD_* events asked for
  long enabled = 0;    // those that may be recorded now (the re-enabling rule)
  long recorded = 0;   // event select: recorded and not yet enumerated
  int errors[FD_MAX_EVENTS] = {};
  WSAEVENT event = nullptr;  // event select
  HWND window = nullptr;     // async select
  unsigned int message = 0;
  uint64_t id = 0;           // the watcher's key for this registration (0: not watched)
  bool connect_pending = false;  // a non-blocking connect began and its outcome is not told
  // Set only for the one evaluation a hook of socket.h runs (ConnectFinishedLocked,
  // AcceptTakenLocked), cleared when it returns.
  bool connect_done = false;     // ConnectEx's connect ended, with connect_error (0: success)
  int connect_error = 0;
  bool accept_leaving = false;   // the AcceptEx at the head of the in-queue has its connection
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

// The hooks for the overlapped engine's attempts (ConnectEx, AcceptEx) are declared in socket.h,
// where the socket's mutex can be named in their annotations.

// WSPAccept, once the accepted socket is published: it takes the listening socket's
// registration (the same events, the same event object or window and message), as Windows'
// accepted sockets do, and what is already due on it (FD_WRITE) is signalled at once.
void InheritEvents(BaseSocket &listener, BaseSocket &accepted);

// The last WSPCleanup, after every socket is closed: the watcher thread ends (the next
// registration starts a new one).
void StopWatcher();

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_NETWORK_EVENTS_H_
