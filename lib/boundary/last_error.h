// lib/boundary/last_error.h — the calling thread's last error (GetLastError / WSAGetLastError)
// and the Win32 error for a resource the runtime could not get. Error conversion to
// SOCKET_ERROR + *lpErrno or SetLastError happens in the Windows-facing functions, nowhere else.
#ifndef WS2EMU_LIB_BOUNDARY_LAST_ERROR_H_
#define WS2EMU_LIB_BOUNDARY_LAST_ERROR_H_

#include <cstdint>

#include "ws2emu/win_base.h"

namespace ws2emu {

void SetThreadLastError(uint32_t error);
uint32_t ThreadLastError();
// Keeps the calling thread's last error at `location` from now on (its current value moves
// there); null moves it back to the runtime's own storage. emu/ points it at the TEB's
// LastErrorValue, and back before the TEB is freed.
void MoveThreadLastError(uint32_t *location);

inline constexpr uint32_t kErrorTooManyOpenFiles = ERROR_TOO_MANY_OPEN_FILES;

// The Win32 error for a resource the runtime could not get, from its errno:
// ERROR_TOO_MANY_OPEN_FILES when the descriptor table is full (EMFILE, ENFILE), otherwise
// ERROR_NOT_ENOUGH_MEMORY (ENOMEM, and anything else).
uint32_t ResourceError(int err);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BOUNDARY_LAST_ERROR_H_
