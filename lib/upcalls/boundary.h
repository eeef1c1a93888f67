// lib/upcalls/boundary.h — helpers shared by the Windows-facing functions of the core: the
// per-thread last error, the handle <-> value conversions, and the handle lookup of the waits.
// Error conversion to SOCKET_ERROR + *lpErrno or SetLastError happens in the boundary functions,
// nowhere else.
#ifndef WS2EMU_LIB_UPCALLS_BOUNDARY_H_
#define WS2EMU_LIB_UPCALLS_BOUNDARY_H_

#include <cstdint>

#include "handles/handle_table.h"
#include "sync/waitable.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu {

void SetThreadLastError(uint32_t error);
uint32_t ThreadLastError();
// Keeps the calling thread's last error at `location` from now on (its current value moves
// there); null moves it back to the runtime's own storage. emu/ points it at the TEB's
// LastErrorValue, and back before the TEB is freed.
void MoveThreadLastError(uint32_t *location);

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

inline constexpr uint32_t kErrorTooManyOpenFiles = ERROR_TOO_MANY_OPEN_FILES;

// The Win32 error for a resource the runtime could not get, from its errno:
// ERROR_TOO_MANY_OPEN_FILES when the descriptor table is full (EMFILE, ENFILE), otherwise
// ERROR_NOT_ENOUGH_MEMORY (ENOMEM, and anything else).
uint32_t ResourceError(int err);

// The object `h` names, pseudo-handles included, if its type is `type` (any with kAny); null
// otherwise, and then *error (if not null) is the last error to report: ERROR_INVALID_HANDLE,
// or ResourceError() when `h` is a pseudo-handle whose object cannot be created now.
Ref<Object> LookupObject(HANDLE h, ObjectType type, uint32_t *error = nullptr);
template <typename T>
Ref<T> LookupObjectAs(HANDLE h, uint32_t *error = nullptr) {
  Ref<Object> o = LookupObject(h, T::kType, error);
  return Ref<T>::Adopt(static_cast<T *>(o.release()));
}

// Looks up `count` waitable handles into refs[i] and objects[i]; false (with the last error
// ERROR_INVALID_HANDLE, or ResourceError() for a pseudo-handle whose object cannot be created)
// if any is not a waitable object.
bool LookupWaitables(const HANDLE *handles, uint32_t count, Ref<Object> *refs,
                     Waitable **objects);

// WPUGetProviderPath and WSCGetProviderPath (catalog_calls.cc).
int GetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
                    LPINT lpErrno);

// Marks the runtime initialised (the host asked for the upcall table).
void MarkInitialised();
bool Initialised();

}  // namespace ws2emu

#endif  // WS2EMU_LIB_UPCALLS_BOUNDARY_H_
