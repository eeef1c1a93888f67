// TRANSITIONAL (issue 11 in progress): the entries below are being written in their own files
// (see meson.build); until then each fails loudly with WSAEOPNOTSUPP. This file must be empty
// and removed before the base provider is declared done.
#include "base_provider/blocking.h"
#include "base_provider/network_events.h"
#include "base_provider/overlapped.h"
#include "base_provider/procs.h"
#include "base_provider/socket.h"

namespace ws2emu::base_provider {
namespace {
int NotYet(LPINT lpErrno) {
  if (lpErrno != nullptr) *lpErrno = WSAEOPNOTSUPP;
  return SOCKET_ERROR;
}
}  // namespace


// network_events.cc
bool SelectsEvents(BaseSocket &) { return false; }
void Reenable(BaseSocket &, long) {}
void ConnectStarted(BaseSocket &) {}
void ListenStarted(BaseSocket &) {}
void StopEvents(BaseSocket &) {}
int WSPAPI WSPSelect(int, WS_fd_set *, WS_fd_set *, WS_fd_set *, const struct WS_timeval *,
                     LPINT lpErrno) {
  return NotYet(lpErrno);
}
int WSPAPI WSPEventSelect(SOCKET, WSAEVENT, LONG, LPINT lpErrno) { return NotYet(lpErrno); }
int WSPAPI WSPEnumNetworkEvents(SOCKET, WSAEVENT, LPWSANETWORKEVENTS, LPINT lpErrno) {
  return NotYet(lpErrno);
}
int WSPAPI WSPAsyncSelect(SOCKET, HWND, unsigned int, LONG, LPINT lpErrno) {
  return NotYet(lpErrno);
}

}  // namespace ws2emu::base_provider
