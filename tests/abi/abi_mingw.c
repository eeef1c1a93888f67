/*
 * tests/abi/abi_mingw.c — the list in abi_list.h checked against mingw-w64's own headers,
 * compiled with x86_64-w64-mingw32-gcc -fsyntax-only. If this fails, the list is wrong (or the
 * mingw headers are); if abi_native.c fails, ws2emu's header is.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>
#include <stddef.h>

#define WS(x) x
#define ABI_ASSERT _Static_assert

#include "abi_checks.h"
