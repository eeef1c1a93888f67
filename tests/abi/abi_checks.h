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
#include "abi_list.h"
#undef ABI_TYPE
#undef ABI_MEMBER
#undef ABI_CONST

/* The number of entries, for a test to report what it checked. */
enum {
#define ABI_TYPE(T, size, align) +1
#define ABI_MEMBER(T, m, off, size)
#define ABI_CONST(name, value)
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
};
