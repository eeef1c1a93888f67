// base/wsa_status.h: every WSA error the core reports survives the trip through an absl::Status
// exactly, under the specific absl code its header's table gives it; statuses not made by
// WsaStatus (store and file failures) read as WSANO_RECOVERY.
#include "base/wsa_status.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu {
namespace {

using C = absl::StatusCode;

// Every WSA error of the table, with the absl code the header documents for it.
const std::map<int, C> &Documented() {
  static const auto *table = new std::map<int, C>{
      {WSAEINVAL, C::kInvalidArgument},       {WSAEFAULT, C::kInvalidArgument},
      {WSA_INVALID_HANDLE, C::kInvalidArgument}, {WSA_INVALID_PARAMETER, C::kInvalidArgument},
      {WSAEBADF, C::kInvalidArgument},        {WSAENOTSOCK, C::kInvalidArgument},
      {WSAEDESTADDRREQ, C::kInvalidArgument}, {WSAEPROTOTYPE, C::kInvalidArgument},
      {WSAENOPROTOOPT, C::kInvalidArgument},  {WSAELOOP, C::kInvalidArgument},
      {WSAENAMETOOLONG, C::kInvalidArgument}, {WSA_NOT_ENOUGH_MEMORY, C::kResourceExhausted},
      {WSAENOBUFS, C::kResourceExhausted},    {WSAEMFILE, C::kResourceExhausted},
      {WSAETOOMANYREFS, C::kResourceExhausted}, {WSAEPROCLIM, C::kResourceExhausted},
      {WSAEUSERS, C::kResourceExhausted},     {WSAEDQUOT, C::kResourceExhausted},
      {WSAEACCES, C::kPermissionDenied},      {WSAEREFUSED, C::kPermissionDenied},
      {WSAEPROVIDERFAILEDINIT, C::kFailedPrecondition},
      {WSAEINVALIDPROCTABLE, C::kFailedPrecondition},
      {WSAEINVALIDPROVIDER, C::kFailedPrecondition}, {WSANOTINITIALISED, C::kFailedPrecondition},
      {WSAEISCONN, C::kFailedPrecondition},   {WSAENOTCONN, C::kFailedPrecondition},
      {WSAESHUTDOWN, C::kFailedPrecondition}, {WSAENOTEMPTY, C::kFailedPrecondition},
      {WSAEALREADY, C::kFailedPrecondition},  {WSAVERNOTSUPPORTED, C::kUnimplemented},
      {WSAEOPNOTSUPP, C::kUnimplemented},     {WSAEPROTONOSUPPORT, C::kUnimplemented},
      {WSAESOCKTNOSUPPORT, C::kUnimplemented}, {WSAEPFNOSUPPORT, C::kUnimplemented},
      {WSAEAFNOSUPPORT, C::kUnimplemented},   {WSANO_RECOVERY, C::kDataLoss},
      {WSASYSCALLFAILURE, C::kInternal},      {WSAHOST_NOT_FOUND, C::kNotFound},
      {WSANO_DATA, C::kNotFound},             {WSASERVICE_NOT_FOUND, C::kNotFound},
      {WSATYPE_NOT_FOUND, C::kNotFound},      {WSAEADDRNOTAVAIL, C::kNotFound},
      {WSAESTALE, C::kNotFound},              {WSAEADDRINUSE, C::kAlreadyExists},
      {WSAEWOULDBLOCK, C::kUnavailable},      {WSAEINPROGRESS, C::kUnavailable},
      {WSA_IO_PENDING, C::kUnavailable},      {WSA_IO_INCOMPLETE, C::kUnavailable},
      {WSASYSNOTREADY, C::kUnavailable},      {WSATRY_AGAIN, C::kUnavailable},
      {WSAENETDOWN, C::kUnavailable},         {WSAENETUNREACH, C::kUnavailable},
      {WSAEHOSTDOWN, C::kUnavailable},        {WSAEHOSTUNREACH, C::kUnavailable},
      {WSAECONNREFUSED, C::kUnavailable},     {WSAEREMOTE, C::kUnavailable},
      {WSA_OPERATION_ABORTED, C::kAborted},   {WSAECONNABORTED, C::kAborted},
      {WSAECONNRESET, C::kAborted},           {WSAENETRESET, C::kAborted},
      {WSAEDISCON, C::kAborted},              {WSAEINTR, C::kCancelled},
      {WSAECANCELLED, C::kCancelled},         {WSA_E_CANCELLED, C::kCancelled},
      {WSAETIMEDOUT, C::kDeadlineExceeded},   {WSAEMSGSIZE, C::kOutOfRange},
      {WSAENOMORE, C::kOutOfRange},           {WSA_E_NO_MORE, C::kOutOfRange},
  };
  return *table;
}

TEST(WsaStatus, EveryErrorGetsItsDocumentedSpecificCode) {
  for (const auto &[wsa, code] : Documented()) {
    SCOPED_TRACE(wsa);
    EXPECT_EQ(WsaAbslCode(wsa), code);
    absl::Status s = WsaStatus(wsa, "what was wrong");
    EXPECT_EQ(s.code(), code);
    EXPECT_EQ(s.message(), "what was wrong");
  }
}

TEST(WsaStatus, EveryErrorComesBackExactly) {
  for (const auto &[wsa, code] : Documented()) {
    SCOPED_TRACE(wsa);
    EXPECT_EQ(WsaErrorOf(WsaStatus(wsa, "m")), wsa);
  }
}

TEST(WsaStatus, ErrorsSharingACodeStayApart) {
  // The absl code alone cannot tell these apart; the status still does.
  std::map<C, std::set<int>> by_code;
  for (const auto &[wsa, code] : Documented()) by_code[code].insert(wsa);
  EXPECT_GT(by_code[C::kInvalidArgument].size(), 1u);
  for (const auto &[code, errors] : by_code)
    for (int wsa : errors) EXPECT_EQ(WsaErrorOf(absl::Status(WsaStatus(wsa, "m"))), wsa);
  EXPECT_NE(WsaErrorOf(WsaStatus(WSAEINVAL, "m")), WsaErrorOf(WsaStatus(WSAEFAULT, "m")));
}

TEST(WsaStatus, OkIsZeroBothWays) {
  EXPECT_EQ(WsaErrorOf(absl::OkStatus()), 0);
  EXPECT_EQ(WsaAbslCode(0), C::kOk);
}

TEST(WsaStatus, ZeroIsNotTurnedIntoSuccess) {
  absl::Status s = WsaStatus(0, "a caller passed no error");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(WsaErrorOf(s), WSANO_RECOVERY);
}

TEST(WsaStatus, AnErrorOutsideTheTableIsUnknownButExact) {
  // A provider's WSPCleanup may report any code; the manager passes it on.
  constexpr int kOdd = 12345;
  ASSERT_EQ(Documented().count(kOdd), 0u);
  absl::Status s = WsaStatus(kOdd, "m");
  EXPECT_EQ(s.code(), C::kUnknown);
  EXPECT_EQ(WsaErrorOf(s), kOdd);
}

TEST(WsaStatus, AStatusFromUnderneathIsNoRecovery) {
  // What the catalog store returns (no payload): Windows reports WSANO_RECOVERY.
  EXPECT_EQ(WsaErrorOf(absl::PermissionDeniedError("cannot open")), WSANO_RECOVERY);
  EXPECT_EQ(WsaErrorOf(absl::DataLossError("damaged")), WSANO_RECOVERY);
  EXPECT_EQ(WsaErrorOf(absl::InvalidArgumentError("no payload")), WSANO_RECOVERY);
  absl::Status garbled = absl::InternalError("x");
  garbled.SetPayload(kWsaErrorPayload, absl::Cord("not a number"));
  EXPECT_EQ(WsaErrorOf(garbled), WSANO_RECOVERY);
}

}  // namespace
}  // namespace ws2emu
