// WSAStartup and WSACleanup: version negotiation, WSADATA as Windows fills it, the per-process
// count.
#include <atomic>
#include <cstring>

#include "base/annotated_mutex.h"
#include "boundary/last_error.h"
#include "winsock/state.h"
#include "winsock/winsock.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {
namespace {

// The version WSAStartup agrees to for `requested` (low byte major, high byte minor), or 0 for
// one it does not support. The rule ReactOS's ws2_32 follows, and the table in the WSAStartup
// documentation: 1.0 and 1.1 as asked (a higher 1.x gets 1.1), 2.0 to 2.2 as asked (a higher
// 2.x gets 2.2), any major version above 2 gets 2.2, major version 0 is not supported.
WORD Negotiate(WORD requested) {
  const unsigned major = requested & 0xff, minor = requested >> 8;
  if (major == 0) return 0;
  if (major == 1) return minor == 0 ? requested : MAKEWORD(1, 1);
  if (major == 2) return minor <= 2 ? requested : MAKEWORD(2, 2);
  return MAKEWORD(2, 2);
}

void Fill(WORD version, LPWSADATA data) {
  std::memset(data, 0, sizeof(*data));
  data->wVersion = version;
  data->wHighVersion = MAKEWORD(2, 2);
  // [inference] Windows 10 reports the Winsock 1.1 limits to a 1.x caller and zeros to a 2.x
  // one, as the documentation says 2.x callers must ignore them (ReactOS does the same).
  if ((version & 0xff) == 1) {
    data->iMaxSockets = 0x7fff;
    data->iMaxUdpDg = 0xffff - 68;
  }
  std::strcpy(data->szDescription, "WinSock 2.0");
  std::strcpy(data->szSystemStatus, "Running");
}

}  // namespace

bool Started() { return State::Get().started(); }

int RequireStarted() {
  if (State::Get().started()) return 0;
  SetThreadLastError(WSANOTINITIALISED);
  return WSANOTINITIALISED;
}

}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

// Returns its error (it does not set the last error, as the documentation says: WSAGetLastError
// cannot be used before start-up succeeds).
int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) {
  if (lpWSAData == nullptr) return WSAEFAULT;
  WORD version = Negotiate(wVersionRequested);
  if (version == 0) {
    // The documentation: on WSAVERNOTSUPPORTED, WSADATA holds the highest version supported.
    Fill(MAKEWORD(2, 2), lpWSAData);
    return WSAVERNOTSUPPORTED;
  }
  Fill(version, lpWSAData);
  State::Get().AddUser();
  return 0;
}

int WSAAPI WSACleanup(void) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  int error = State::Get().RemoveUser();
  if (error != 0) {
    SetThreadLastError(static_cast<uint32_t>(error));
    return SOCKET_ERROR;
  }
  return 0;
}

}  // extern "C"
