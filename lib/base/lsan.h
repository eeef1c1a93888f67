// lib/base/lsan.h — telling LeakSanitizer (ASan builds) about memory it cannot see by itself.
//
// LSan finds live heap blocks by scanning globals, stacks and TLS. The runtime keeps object
// pointers in places it does not scan: the handle table's mmap'ed chunks and the sections of
// loaded PE images. Those regions are registered as roots, so what they point to is live. Heap
// blocks that PE code allocates through msvcrt belong to that code, and, as on Windows, may
// outlive its module (libstdc++'s exception pool does): they are not the runtime's leaks.
// Outside ASan builds every function here is a no-op.
#ifndef WS2EMU_LIB_BASE_LSAN_H_
#define WS2EMU_LIB_BASE_LSAN_H_

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define WS2EMU_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define WS2EMU_LSAN 1
#endif
#endif

#ifdef WS2EMU_LSAN
#include <sanitizer/lsan_interface.h>
#endif

namespace ws2emu {

inline void LsanAddRoot(const void *begin, size_t size) {
#ifdef WS2EMU_LSAN
  __lsan_register_root_region(begin, size);
#else
  (void)begin, (void)size;
#endif
}

inline void LsanRemoveRoot(const void *begin, size_t size) {
#ifdef WS2EMU_LSAN
  __lsan_unregister_root_region(begin, size);
#else
  (void)begin, (void)size;
#endif
}

// A heap block that is not the runtime's to free (see above).
inline void LsanNotOurs(const void *block) {
#ifdef WS2EMU_LSAN
  // The empty asm hides the block from GCC's -Wmaybe-uninitialized, which takes the const
  // pointer for a read of the (fresh, uninitialized) block; LSan only records the address.
  __asm__("" : "+r"(block));
  if (block != nullptr) __lsan_ignore_object(block);
#else
  (void)block;
#endif
}

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_LSAN_H_
