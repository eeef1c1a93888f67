// lib/winsock/state.h — the process's Winsock state: the start-up count, the providers the API
// started, the sockets it handed out.
#ifndef WS2EMU_LIB_WINSOCK_STATE_H_
#define WS2EMU_LIB_WINSOCK_STATE_H_

#include <atomic>

#include "base/annotated_mutex.h"

namespace ws2emu::winsock {

class State {
 public:
  static State &Get();

  bool started() const { return users_.load(std::memory_order_acquire) > 0; }
  // A successful WSAStartup.
  void AddUser();
  // WSACleanup of a started process: the last one closes what is open and cleans up the
  // providers. Returns 0 or a WSA error.
  int RemoveUser();

 private:
  StdMutex mu_;
  std::atomic<int> users_{0};
};

}  // namespace ws2emu::winsock

#endif  // WS2EMU_LIB_WINSOCK_STATE_H_
