// lib/boundary/handle_value.h — a Windows HANDLE (or SOCKET) as the handle table's value and
// back, and the two pseudo-handles. Header only.
#ifndef WS2EMU_LIB_BOUNDARY_HANDLE_VALUE_H_
#define WS2EMU_LIB_BOUNDARY_HANDLE_VALUE_H_

#include <cstdint>

#include "ws2emu/win_base.h"

namespace ws2emu {

inline uint64_t HandleValue(const void *h) { return reinterpret_cast<uintptr_t>(h); }
inline HANDLE ToHandle(uint64_t v) { return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(v)); }

// The pseudo-handles of GetCurrentProcess() ((HANDLE)-1, also INVALID_HANDLE_VALUE) and
// GetCurrentThread() ((HANDLE)-2): values no table handle takes, meaning "the caller's own",
// valid wherever a process or thread handle is.
inline constexpr uint64_t kCurrentProcessPseudo = ~uint64_t{0};
inline constexpr uint64_t kCurrentThreadPseudo = ~uint64_t{0} - 1;
inline bool IsPseudoHandle(const void *h) {
  return HandleValue(h) == kCurrentProcessPseudo || HandleValue(h) == kCurrentThreadPseudo;
}

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BOUNDARY_HANDLE_VALUE_H_
