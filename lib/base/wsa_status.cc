// The status <-> WSA error mapping (wsa_status.h): one table, read in both directions.
#include "base/wsa_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu {
namespace {

using C = absl::StatusCode;

struct Row {
  int wsa_error;
  absl::StatusCode code;
};

// The table of wsa_status.h, in the same order.
constexpr Row kTable[] = {
    {WSAEINVAL, C::kInvalidArgument},
    {WSAEFAULT, C::kInvalidArgument},
    {WSA_INVALID_HANDLE, C::kInvalidArgument},
    {WSA_INVALID_PARAMETER, C::kInvalidArgument},
    {WSAEBADF, C::kInvalidArgument},
    {WSAENOTSOCK, C::kInvalidArgument},
    {WSAEDESTADDRREQ, C::kInvalidArgument},
    {WSAEPROTOTYPE, C::kInvalidArgument},
    {WSAENOPROTOOPT, C::kInvalidArgument},
    {WSAELOOP, C::kInvalidArgument},
    {WSAENAMETOOLONG, C::kInvalidArgument},
    {WSA_NOT_ENOUGH_MEMORY, C::kResourceExhausted},
    {WSAENOBUFS, C::kResourceExhausted},
    {WSAEMFILE, C::kResourceExhausted},
    {WSAETOOMANYREFS, C::kResourceExhausted},
    {WSAEPROCLIM, C::kResourceExhausted},
    {WSAEUSERS, C::kResourceExhausted},
    {WSAEDQUOT, C::kResourceExhausted},
    {WSAEACCES, C::kPermissionDenied},
    {WSAEREFUSED, C::kPermissionDenied},
    {WSAEPROVIDERFAILEDINIT, C::kFailedPrecondition},
    {WSAEINVALIDPROCTABLE, C::kFailedPrecondition},
    {WSAEINVALIDPROVIDER, C::kFailedPrecondition},
    {WSANOTINITIALISED, C::kFailedPrecondition},
    {WSAEISCONN, C::kFailedPrecondition},
    {WSAENOTCONN, C::kFailedPrecondition},
    {WSAESHUTDOWN, C::kFailedPrecondition},
    {WSAENOTEMPTY, C::kFailedPrecondition},
    {WSAEALREADY, C::kFailedPrecondition},
    {WSAVERNOTSUPPORTED, C::kUnimplemented},
    {WSAEOPNOTSUPP, C::kUnimplemented},
    {WSAEPROTONOSUPPORT, C::kUnimplemented},
    {WSAESOCKTNOSUPPORT, C::kUnimplemented},
    {WSAEPFNOSUPPORT, C::kUnimplemented},
    {WSAEAFNOSUPPORT, C::kUnimplemented},
    {WSANO_RECOVERY, C::kDataLoss},
    {WSASYSCALLFAILURE, C::kInternal},
    {WSAHOST_NOT_FOUND, C::kNotFound},
    {WSANO_DATA, C::kNotFound},
    {WSASERVICE_NOT_FOUND, C::kNotFound},
    {WSATYPE_NOT_FOUND, C::kNotFound},
    {WSAEADDRNOTAVAIL, C::kNotFound},
    {WSAESTALE, C::kNotFound},
    {WSAEADDRINUSE, C::kAlreadyExists},
    {WSAEWOULDBLOCK, C::kUnavailable},
    {WSAEINPROGRESS, C::kUnavailable},
    {WSA_IO_PENDING, C::kUnavailable},
    {WSA_IO_INCOMPLETE, C::kUnavailable},
    {WSASYSNOTREADY, C::kUnavailable},
    {WSATRY_AGAIN, C::kUnavailable},
    {WSAENETDOWN, C::kUnavailable},
    {WSAENETUNREACH, C::kUnavailable},
    {WSAEHOSTDOWN, C::kUnavailable},
    {WSAEHOSTUNREACH, C::kUnavailable},
    {WSAECONNREFUSED, C::kUnavailable},
    {WSAEREMOTE, C::kUnavailable},
    {WSA_OPERATION_ABORTED, C::kAborted},
    {WSAECONNABORTED, C::kAborted},
    {WSAECONNRESET, C::kAborted},
    {WSAENETRESET, C::kAborted},
    {WSAEDISCON, C::kAborted},
    {WSAEINTR, C::kCancelled},
    {WSAECANCELLED, C::kCancelled},
    {WSA_E_CANCELLED, C::kCancelled},
    {WSAETIMEDOUT, C::kDeadlineExceeded},
    {WSAEMSGSIZE, C::kOutOfRange},
    {WSAENOMORE, C::kOutOfRange},
    {WSA_E_NO_MORE, C::kOutOfRange},
};

}  // namespace

absl::StatusCode WsaAbslCode(int wsa_error) {
  if (wsa_error == 0) return C::kOk;
  for (const Row &row : kTable)
    if (row.wsa_error == wsa_error) return row.code;
  return C::kUnknown;
}

absl::Status WsaStatus(int wsa_error, std::string_view message) {
  // 0 is not a failure; a caller that passes it gets the generic nonrecoverable error rather
  // than an OK status that would drop the message.
  if (wsa_error == 0) wsa_error = WSANO_RECOVERY;
  absl::Status s(WsaAbslCode(wsa_error), absl::string_view(message.data(), message.size()));
  s.SetPayload(kWsaErrorPayload, absl::Cord(absl::StrCat(wsa_error)));
  return s;
}

int WsaErrorOf(const absl::Status &status) {
  if (status.ok()) return 0;
  absl::optional<absl::Cord> payload = status.GetPayload(kWsaErrorPayload);
  int code = 0;
  if (payload && absl::SimpleAtoi(std::string(*payload), &code) && code != 0) return code;
  return WSANO_RECOVERY;
}

}  // namespace ws2emu
