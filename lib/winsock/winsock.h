// lib/winsock/winsock.h — the application side of ws2_32: WSAStartup / WSACleanup and the state
// every Winsock call checks first.
//
//   if (int err = winsock::RequireStarted(); err != 0) return SOCKET_ERROR;  // last error set
//
// Start-up is counted per process, as on Windows: every successful WSAStartup needs a
// WSACleanup, and the last WSACleanup closes the sockets still open and cleans up the providers
// the API started (WSPCleanup). Every other Winsock call fails with WSANOTINITIALISED while the
// count is zero.
#ifndef WS2EMU_LIB_WINSOCK_WINSOCK_H_
#define WS2EMU_LIB_WINSOCK_WINSOCK_H_

#include <cstdint>

namespace ws2emu::winsock {

// True while WSAStartup has succeeded more often than WSACleanup in this process.
bool Started();

// 0 when started; otherwise sets the calling thread's last error to WSANOTINITIALISED and
// returns it. The first thing every Winsock call but WSAStartup does.
int RequireStarted();

}  // namespace ws2emu::winsock

#endif  // WS2EMU_LIB_WINSOCK_WINSOCK_H_
