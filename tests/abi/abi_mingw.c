/*
 * tests/abi/abi_mingw.c — the list in abi_list.h checked against mingw-w64's own headers,
 * compiled with x86_64-w64-mingw32-gcc -fsyntax-only (and as C++ by abi_mingw.cc, for the GUIDs). If this fails, the list is wrong (or the
 * mingw headers are); if abi_native.c fails, ws2emu's header is.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>
#include <mswsock.h>
#include <mstcpip.h>
#include <iphlpapi.h>
#include <stddef.h>

#define WS(x) x
#ifdef __cplusplus
#define ABI_ASSERT static_assert
#else
#define ABI_ASSERT _Static_assert
#endif
/* Skips the entries mingw-w64 10 does not declare (abi_list.h says which). */
#define ABI_MINGW 1

#include "abi_checks.h"
