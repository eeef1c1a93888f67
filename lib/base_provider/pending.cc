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

// socket_calls.cc
SOCKET WSPAPI WSPJoinLeaf(SOCKET, const struct WS_sockaddr *, int, LPWSABUF, LPWSABUF, LPQOS,
                          LPQOS, DWORD, LPINT lpErrno) {
  NotYet(lpErrno);
  return INVALID_SOCKET;
}
int WSPAPI WSPDuplicateSocket(SOCKET, DWORD, LPWSAPROTOCOL_INFOW, LPINT lpErrno) {
  return NotYet(lpErrno);
}
BOOL WSPAPI WSPGetQOSByName(SOCKET, LPWSABUF, LPQOS, LPINT lpErrno) {
  NotYet(lpErrno);
  return FALSE;
}
INT WSPAPI WSPAddressToString(LPSOCKADDR, DWORD, LPWSAPROTOCOL_INFOW, LPWSTR, LPDWORD,
                              LPINT lpErrno) {
  return NotYet(lpErrno);
}
INT WSPAPI WSPStringToAddress(LPWSTR, INT, LPWSAPROTOCOL_INFOW, LPSOCKADDR, LPINT, LPINT lpErrno) {
  return NotYet(lpErrno);
}

// options.cc / ioctl.cc
int WSPAPI WSPGetSockOpt(SOCKET, int, int, char *, LPINT, LPINT lpErrno) { return NotYet(lpErrno); }
int WSPAPI WSPSetSockOpt(SOCKET, int, int, const char *, int, LPINT lpErrno) {
  return NotYet(lpErrno);
}
int WSPAPI WSPIoctl(SOCKET, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPWSAOVERLAPPED,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPWSATHREADID, LPINT lpErrno) {
  return NotYet(lpErrno);
}

}  // namespace ws2emu::base_provider
