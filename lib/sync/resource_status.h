// lib/sync/resource_status.h — the status of an object creation that ran out of descriptors or
// memory.
//
//   if (fd < 0) return ResourceStatus("eventfd", errno);
#ifndef WS2EMU_LIB_SYNC_RESOURCE_STATUS_H_
#define WS2EMU_LIB_SYNC_RESOURCE_STATUS_H_

#include <errno.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ws2emu {

// RESOURCE_EXHAUSTED with "<what>: <strerror(err)>". For ENOMEM the message is empty: an
// absl::Status with a message allocates it, and the memory is what is missing (a status
// without one allocates nothing). The boundary maps the code, not the text, to the Windows
// error (ERROR_NOT_ENOUGH_MEMORY).
inline absl::Status ResourceStatus(const char *what, int err) {
  if (err == ENOMEM) return absl::Status(absl::StatusCode::kResourceExhausted, "");
  return absl::ResourceExhaustedError(absl::StrCat(what, ": ", std::strerror(err)));
}

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_RESOURCE_STATUS_H_
