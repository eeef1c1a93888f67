// The per-thread last error and its four exported accessors.
#include "boundary/last_error.h"

#include <errno.h>

#include "ws2emu/ws2emu.h"

namespace ws2emu {
namespace {

// The calling thread's last error. It lives where t_last_error_at points: here, or in the
// thread's TEB once emu/ gives it one, so that PE code reading gs:[0x68] sees it too.
thread_local uint32_t t_last_error = 0;
thread_local uint32_t *t_last_error_at = nullptr;

}  // namespace

uint32_t ResourceError(int err) {
  return err == EMFILE || err == ENFILE ? kErrorTooManyOpenFiles : ERROR_NOT_ENOUGH_MEMORY;
}

void SetThreadLastError(uint32_t error) {
  *(t_last_error_at != nullptr ? t_last_error_at : &t_last_error) = error;
}
uint32_t ThreadLastError() { return t_last_error_at != nullptr ? *t_last_error_at : t_last_error; }

void MoveThreadLastError(uint32_t *location) {
  uint32_t value = ThreadLastError();
  t_last_error_at = location;
  SetThreadLastError(value);
}

}  // namespace ws2emu

using namespace ws2emu;  // NOLINT: the boundary functions below are extern "C"

extern "C" {

DWORD WINAPI ws2emu_GetLastError(void) { return ThreadLastError(); }
void WINAPI ws2emu_SetLastError(DWORD dwErrCode) { SetThreadLastError(dwErrCode); }
int WSAAPI WSAGetLastError(void) { return static_cast<int>(ThreadLastError()); }
void WSAAPI WSASetLastError(int iError) { SetThreadLastError(static_cast<uint32_t>(iError)); }

}  // extern "C"
