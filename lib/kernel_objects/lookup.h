// lib/kernel_objects/lookup.h — HANDLE to kernel object, pseudo-handles included, for the
// Windows-facing calls of the core (kernel32's here, user32's in messages/, the WSA event calls).
#ifndef WS2EMU_LIB_KERNEL_OBJECTS_LOOKUP_H_
#define WS2EMU_LIB_KERNEL_OBJECTS_LOOKUP_H_

#include <cstdint>

#include "boundary/handle_value.h"
#include "handles/handle_table.h"
#include "sync/waitable.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu {

// The object `h` names, pseudo-handles included, if its type is `type` (any kernel object with
// kAny: never a socket); null otherwise, and then *error (if not null) is the last error to
// report: ERROR_INVALID_HANDLE, or ResourceError() when `h` is a pseudo-handle whose object
// cannot be created now.
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

// WaitForMultipleObjectsEx without the export: WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i,
// WAIT_TIMEOUT, WAIT_IO_COMPLETION, or WAIT_FAILED with the last error set.
DWORD WaitHandles(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms, BOOL alertable);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_KERNEL_OBJECTS_LOOKUP_H_
