#include "base/own_memory.h"

#include <sys/uio.h>
#include <unistd.h>

namespace ws2emu {

bool ReadOwnMemory(void *to, const void *from, size_t n) {
  if (n == 0) return true;
  iovec local{to, n};
  iovec remote{const_cast<void *>(from), n};
  return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == static_cast<ssize_t>(n);
}

}  // namespace ws2emu
