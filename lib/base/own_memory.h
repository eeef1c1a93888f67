// lib/base/own_memory.h — reading this process's memory at an address that may be garbage (a
// pointer a program passed), without touching it: process_vm_readv on this process answers
// EFAULT where a plain read would fault. Used where a fault would be a crash in ws2emu's own code:
// IsBad*Ptr and the trace's decoders.
//
//   int v;
//   if (!ReadOwnMemory(&v, untrusted, sizeof(v))) { /* unreadable */ }
#ifndef WS2EMU_LIB_BASE_OWN_MEMORY_H_
#define WS2EMU_LIB_BASE_OWN_MEMORY_H_

#include <cstddef>

namespace ws2emu {

// Copies `n` bytes at `from` into `to`; false (and `to` unspecified) when any of them cannot be
// read. [inference] Where the system refuses the call itself (a seccomp filter), the memory
// counts as unreadable. An empty read succeeds.
bool ReadOwnMemory(void *to, const void *from, size_t n);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_OWN_MEMORY_H_
