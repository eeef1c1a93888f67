// lib/namespaces/result_set.h — packing one WSAQUERYSETW result set into a caller's buffer
// (the structure first, then everything it points to, 8-byte aligned), shared by the built-in
// DNS provider and the A<->W conversions of the Winsock API.
#ifndef WS2EMU_LIB_NAMESPACES_RESULT_SET_H_
#define WS2EMU_LIB_NAMESPACES_RESULT_SET_H_

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "ws2emu/ws2spi.h"

namespace ws2emu::namespaces {

// Lays out blocks after a fixed header: Reserve gives offsets, then the caller copies into a
// buffer of Size() bytes. Pointers are made only after the buffer is known.
class Packer {
 public:
  explicit Packer(size_t header) : size_(header) {}
  size_t Reserve(size_t bytes, size_t align = 8) {
    size_ = (size_ + align - 1) & ~(align - 1);
    size_t at = size_;
    size_ += bytes;
    return at;
  }
  size_t Size() const { return (size_ + 7) & ~size_t{7}; }

 private:
  size_t size_;
};

// A host's answer: the canonical name and the addresses (Windows sockaddrs, port 0).
struct HostAddress {
  int family = 0;  // WS_AF_INET or WS_AF_INET6
  unsigned char bytes[16] = {};
};

}  // namespace ws2emu::namespaces

#endif  // WS2EMU_LIB_NAMESPACES_RESULT_SET_H_
