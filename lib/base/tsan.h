// lib/base/tsan.h — WS2EMU_TSAN: defined to 1 in ThreadSanitizer builds (GCC's
// __SANITIZE_THREAD__, clang's __has_feature(thread_sanitizer)), to 0 elsewhere. For code that
// only exists to show TSan an order it cannot see (one the kernel gives), or that TSan cannot
// check (a load written in assembly).
#ifndef WS2EMU_LIB_BASE_TSAN_H_
#define WS2EMU_LIB_BASE_TSAN_H_

#if defined(__SANITIZE_THREAD__)
#define WS2EMU_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WS2EMU_TSAN 1
#endif
#endif
#ifndef WS2EMU_TSAN
#define WS2EMU_TSAN 0
#endif

#endif  // WS2EMU_LIB_BASE_TSAN_H_
