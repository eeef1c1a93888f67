/*
 * tests/abi/abi_native.c — every layout and constant of abi_list.h, asserted at compile time
 * against ws2emu/ws2spi.h and ws2emu/winuser.h. Built four ways (C99 and C++20, with and
 * without WS2EMU_WS_PREFIX); a mismatch fails that build with the type and member in the
 * message. At run time it reports how much it checked.
 */
#include <stddef.h>
#include <stdio.h>

#include "ws2emu/winuser.h"
#include "ws2emu/ws2spi.h"
#include "ws2emu/iphlpapi.h"

#ifdef WS2EMU_WS_PREFIX
#define WS(x) WS_##x
#else
#define WS(x) x
#endif
#ifdef __cplusplus
#define ABI_ASSERT static_assert
#else
#define ABI_ASSERT _Static_assert
#endif

#include "abi_checks.h"

int main(void) {
  printf("ws2spi.h matches the Windows x64 ABI: %d types, %d members, %d constants (%s%s)\n",
         (int)kAbiTypes, (int)kAbiMembers, (int)kAbiConstants,
#ifdef __cplusplus
         "C++",
#else
         "C",
#endif
#ifdef WS2EMU_WS_PREFIX
         ", WS_ prefix"
#else
         ""
#endif
  );
  return 0;
}
