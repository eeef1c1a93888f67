// lib/winsock/call.h — what every Winsock call by SOCKET does around the provider's WSP*:
// the start-up check, the socket pinned, its owning provider found.
//
//   SocketCall call(s);
//   if (!call) return call.Fail();                 // WSANOTINITIALISED, WSAENOTSOCK, ...
//   int error = 0;
//   int rc = call.procs().lpWSPBind(s, name, namelen, &error);
//   return Finish(rc, error);                      // SOCKET_ERROR and the last error, or rc
//
// The pin (sockets::SocketRef) lasts until the call returns, so a closesocket on another thread
// removes the handle at once but the record, and the provider it names, stay valid for this
// call (ReactOS's ws2_32 holds a reference on its socket object the same way).
#ifndef WS2EMU_LIB_WINSOCK_CALL_H_
#define WS2EMU_LIB_WINSOCK_CALL_H_

#include <cstdint>

#include "boundary/last_error.h"
#include "sockets/socket_record.h"
#include "winsock/state.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::winsock {

// SOCKET_ERROR with the thread's last error set to `error` when `rc` is SOCKET_ERROR; `rc`
// otherwise (the last error untouched on success, as on Windows).
//
// `error` is taken by reference: the calls write `return Finish(procs.lpWSPX(..., &error),
// error)`, and the order in which a call's arguments are evaluated is unspecified, so a copy
// could be taken before the provider has written it (GCC does: every error read as 0).
inline int Finish(int rc, const int &error) {
  if (rc == SOCKET_ERROR) SetThreadLastError(static_cast<uint32_t>(error));
  return rc;
}

// Sets the thread's last error and returns `fail` (SOCKET_ERROR, INVALID_SOCKET, FALSE, ...).
template <typename T>
T FailWith(int error, T fail) {
  SetThreadLastError(static_cast<uint32_t>(error));
  return fail;
}

// A started call: InFlight taken, WSANOTINITIALISED checked.
class ApiCall {
 public:
  ApiCall() : error_(State::Get().started() ? 0 : WSANOTINITIALISED) {}
  explicit operator bool() const { return error_ == 0; }
  int error() const { return error_; }
  int Fail() const { return FailWith(error_, SOCKET_ERROR); }

 protected:
  InFlight in_flight_;  // declared first: taken before the check above
  int error_;
};

class SocketCall : public ApiCall {
 public:
  explicit SocketCall(uint64_t s);
  const WSPPROC_TABLE &procs() const { return provider_->procs; }
  const providers::StartedProvider &provider() const { return *provider_; }
  const sockets::SocketRecord &record() const { return *ref_; }
  uint32_t catalog_id() const { return catalog_id_; }

 private:
  sockets::SocketRef ref_;
  const providers::StartedProvider *provider_ = nullptr;
  uint32_t catalog_id_ = 0;
};

// The calling thread's WSATHREADID, as ws2_32 passes it with every overlapped call (the issuing
// thread of a completion routine): opened on first use with WPUOpenCurrentThread and closed
// when the thread exits. Null when the thread handle cannot be had (no memory), with *error set.
LPWSATHREADID CurrentThreadId(int *error);

// Registers a socket a provider returned (WSPSocket, WSPAccept, WSPJoinLeaf) as owned by the
// catalog entry `catalog_id`, and in the set the last WSACleanup closes. 0, or a WSA error after
// which the caller closes the socket through its provider.
int AdoptSocket(uint64_t s, uint32_t catalog_id);

}  // namespace ws2emu::winsock

#endif  // WS2EMU_LIB_WINSOCK_CALL_H_
