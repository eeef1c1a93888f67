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


}

}  // namespace ws2emu::base_provider
