// lib/base/wsa_status.h — a failure the Windows side reports as a WSA error, carried inside the
// core as an absl::Status with the most specific absl code and a message saying what was wrong.
//
//   return WsaStatus(WSAEINVAL, "the provider path is empty");   // code INVALID_ARGUMENT
//   ...
//   *lpErrno = WsaErrorOf(status);                                // WSAEINVAL again
//
// The conversion to SOCKET_ERROR + *lpErrno happens in the boundary function (STYLE.md); the
// catalog operations, the provider manager and ws2emu-run's modes return these statuses.
//
// Exactness. WsaErrorOf(WsaStatus(e, m)) == e for every e, and WsaStatus(e, m).code() is
// WsaAbslCode(e). Several WSA errors share an absl code (WSAEINVAL and WSAEFAULT are both
// INVALID_ARGUMENT), so the status also carries the WSA error as a payload (type URL
// kWsaErrorPayload, the decimal code): the absl code says what kind of failure it is, the payload
// which WSA error exactly. A status that has no such payload was not made by WsaStatus — a store
// or file failure from underneath (catalog/store.h) — and reports WSANO_RECOVERY, which is what
// Windows reports for a catalog it cannot read or write.
//
// The table (WSA error -> absl code); a code not in it becomes UNKNOWN (its payload still exact):
//
//   INVALID_ARGUMENT     WSAEINVAL, WSAEFAULT, WSA_INVALID_HANDLE, WSA_INVALID_PARAMETER,
//                        WSAEBADF, WSAENOTSOCK, WSAEDESTADDRREQ, WSAEPROTOTYPE, WSAENOPROTOOPT,
//                        WSAELOOP, WSAENAMETOOLONG
//   RESOURCE_EXHAUSTED   WSA_NOT_ENOUGH_MEMORY, WSAENOBUFS, WSAEMFILE, WSAETOOMANYREFS,
//                        WSAEPROCLIM, WSAEUSERS, WSAEDQUOT
//   PERMISSION_DENIED    WSAEACCES, WSAEREFUSED
//   FAILED_PRECONDITION  WSAEPROVIDERFAILEDINIT, WSAEINVALIDPROCTABLE, WSAEINVALIDPROVIDER,
//                        WSANOTINITIALISED, WSAEISCONN, WSAENOTCONN, WSAESHUTDOWN,
//                        WSAENOTEMPTY, WSAEALREADY
//   UNIMPLEMENTED        WSAVERNOTSUPPORTED, WSAEOPNOTSUPP, WSAEPROTONOSUPPORT,
//                        WSAESOCKTNOSUPPORT, WSAEPFNOSUPPORT, WSAEAFNOSUPPORT
//   DATA_LOSS            WSANO_RECOVERY (Windows' "nonrecoverable error")
//   INTERNAL             WSASYSCALLFAILURE
//   NOT_FOUND            WSAHOST_NOT_FOUND, WSANO_DATA, WSASERVICE_NOT_FOUND, WSATYPE_NOT_FOUND,
//                        WSAEADDRNOTAVAIL, WSAESTALE
//   ALREADY_EXISTS       WSAEADDRINUSE
//   UNAVAILABLE          WSAEWOULDBLOCK, WSAEINPROGRESS, WSA_IO_PENDING, WSA_IO_INCOMPLETE,
//                        WSASYSNOTREADY, WSATRY_AGAIN, WSAENETDOWN, WSAENETUNREACH,
//                        WSAEHOSTDOWN, WSAEHOSTUNREACH, WSAECONNREFUSED, WSAEREMOTE
//   ABORTED              WSA_OPERATION_ABORTED, WSAECONNABORTED, WSAECONNRESET, WSAENETRESET,
//                        WSAEDISCON
//   CANCELLED            WSAEINTR, WSAECANCELLED, WSA_E_CANCELLED
//   DEADLINE_EXCEEDED    WSAETIMEDOUT
//   OUT_OF_RANGE         WSAEMSGSIZE, WSAENOMORE, WSA_E_NO_MORE
//
// [inference] Where Windows documents no kind for an error, the absl code is the one whose
// description fits it best (absl/status/status.h); only the payload is relied on for the WSA
// error, so a different choice would change messages, not behaviour.
#ifndef WS2EMU_LIB_BASE_WSA_STATUS_H_
#define WS2EMU_LIB_BASE_WSA_STATUS_H_

#include <string_view>

#include "absl/status/status.h"

namespace ws2emu {

// The payload type URL WsaStatus sets; its value is the WSA error in decimal.
inline constexpr char kWsaErrorPayload[] = "ws2emu/wsa-error";

// The absl code of a failure that Windows reports as `wsa_error` (the table above); UNKNOWN for
// a code not in it, OK for 0.
absl::StatusCode WsaAbslCode(int wsa_error);

// A failure reported as `wsa_error` (not 0), with `message` saying what was wrong.
absl::Status WsaStatus(int wsa_error, std::string_view message);

// The WSA error of `status`: 0 for OK, the one WsaStatus was given, else WSANO_RECOVERY (a
// failure of what lies underneath, such as the catalog store).
int WsaErrorOf(const absl::Status &status);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_WSA_STATUS_H_
