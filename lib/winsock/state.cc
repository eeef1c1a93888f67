#include "winsock/state.h"
#include "ws2emu/winsock_errors.h"

#include <new>

namespace ws2emu::winsock {

State &State::Get() {
  static State *state = new State();  // never destroyed: calls may come during exit
  return *state;
}

void State::AddUser() {
  StdMutexLock lock(&mu_);
  users_.fetch_add(1, std::memory_order_acq_rel);
}

int State::RemoveUser() {
  StdMutexLock lock(&mu_);
  if (users_.load(std::memory_order_relaxed) == 0) return WSANOTINITIALISED;
  users_.fetch_sub(1, std::memory_order_acq_rel);
  return 0;
}

}  // namespace ws2emu::winsock
