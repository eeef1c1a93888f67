/*
 * tests/abi/abi_checks.h — turns abi_list.h into compile-time assertions. The including file
 * has already included the headers under test and defined WS(x) and ABI_ASSERT.
 *
 * Alignment uses __alignof__ so that the same text compiles as C99, C11, C++20 and under
 * x86_64-w64-mingw32-gcc.
 */
#define ABI_TYPE(T, size, align)                                                 \
  ABI_ASSERT(sizeof(T) == (size), "sizeof(" #T ") is not " #size);               \
  ABI_ASSERT(__alignof__(T) == (align), "alignof(" #T ") is not " #align);
#define ABI_MEMBER(T, m, off, size)                                              \
  ABI_ASSERT(offsetof(T, m) == (off), "offsetof(" #T ", " #m ") is not " #off);  \
  ABI_ASSERT(sizeof(((T *)0)->m) == (size), "sizeof(" #T "." #m ") is not " #size);
#define ABI_CONST(name, value)                                                   \
  ABI_ASSERT((unsigned long long)(name) == (unsigned long long)(value),          \
             #name " is not " #value);
/* A GUID initialiser (`#define WSAID_X {d1, d2, d3, {b0, ..., b7}}`) is a constant expression
 * only in C++ (GUID{...}.Data1); C cannot fold it in a static assertion, so the C builds skip
 * these and the C++ builds (native and mingw) check them. */
#ifdef __cplusplus
#define ABI_GUID(name, d1, d2, d3, b0, b1, b2, b3, b4, b5, b6, b7)                          \
  ABI_ASSERT(GUID name.Data1 == (d1) && GUID name.Data2 == (d2) &&                          \
                 GUID name.Data3 == (d3),                                                   \
             #name " is not {" #d1 ", " #d2 ", " #d3 ", ...}");                             \
  ABI_ASSERT(GUID name.Data4[0] == (b0) && GUID name.Data4[1] == (b1) &&                    \
                 GUID name.Data4[2] == (b2) && GUID name.Data4[3] == (b3) &&                \
                 GUID name.Data4[4] == (b4) && GUID name.Data4[5] == (b5) &&                \
                 GUID name.Data4[6] == (b6) && GUID name.Data4[7] == (b7),                  \
             #name " Data4 is not {" #b0 ", " #b1 ", ..., " #b7 "}");
#else
#define ABI_GUID(name, d1, d2, d3, b0, b1, b2, b3, b4, b5, b6, b7)
#endif
#include "abi_list.h"
#undef ABI_TYPE
#undef ABI_MEMBER
#undef ABI_CONST
#undef ABI_GUID

/* The number of entries, for a test to report what it checked. */
enum {
#define ABI_TYPE(T, size, align) +1
#define ABI_MEMBER(T, m, off, size)
#define ABI_CONST(name, value)
#define ABI_GUID(name, d1, d2, d3, b0, b1, b2, b3, b4, b5, b6, b7)
  kAbiTypes = 0
#include "abi_list.h"
  ,
#undef ABI_TYPE
#undef ABI_MEMBER
#undef ABI_CONST
#define ABI_TYPE(T, size, align)
#define ABI_MEMBER(T, m, off, size) +1
#define ABI_CONST(name, value)
  kAbiMembers = 0
#include "abi_list.h"
  ,
#undef ABI_TYPE
#undef ABI_MEMBER
#undef ABI_CONST
#define ABI_TYPE(T, size, align)
#define ABI_MEMBER(T, m, off, size)
#define ABI_CONST(name, value) +1
  kAbiConstants = 0
#include "abi_list.h"
#undef ABI_TYPE
#undef ABI_MEMBER
#undef ABI_CONST
#undef ABI_GUID
};
