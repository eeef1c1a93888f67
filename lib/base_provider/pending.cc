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


// overlapped.cc / extensions.cc
int StartSend(const SocketCall &, LPWSABUF, DWORD, LPDWORD, DWORD, const struct WS_sockaddr *,
              int, LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPWSATHREADID,
              LPINT lpErrno) {
  return NotYet(lpErrno);
}
int StartReceive(const SocketCall &, LPWSABUF, DWORD, LPDWORD, LPDWORD, struct WS_sockaddr *,
                 LPINT, LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPWSATHREADID,
                 LPINT lpErrno) {
  return NotYet(lpErrno);
}
int CompleteNow(const SocketCall &, LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE,
                LPWSATHREADID, DWORD, DWORD, DWORD) {
  return WSAEOPNOTSUPP;
}
void CancelAll(const SocketCall &, bool) {}
void *ExtensionFunction(const GUID &) { return nullptr; }
void StopEngine() {}
BOOL WSPAPI WSPGetOverlappedResult(SOCKET, LPWSAOVERLAPPED, LPDWORD, BOOL, LPDWORD,
                                   LPINT lpErrno) {
  NotYet(lpErrno);
  return FALSE;
}

}  // namespace ws2emu::base_provider
