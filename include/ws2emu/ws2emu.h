/*
 * ws2emu/ws2emu.h — the runtime's own C API, exported by libws2emu.so.
 *
 * What it is for: a host (a native program, a test, a Wine-style loader) that wants to load
 * Winsock service providers links -lws2emu and uses this header. The Windows-facing calls
 * (upcalls, WSA* calls) keep their Windows names and the WSAAPI (ms_abi) convention; the
 * runtime's own helpers are prefixed ws2emu_ and use the platform's C convention.
 *
 *   #include <ws2emu/ws2emu.h>
 *   printf("ws2emu %s\n", ws2emu_version());
 *
 * Every symbol declared here is exported by libws2emu.so (lib/ws2emu.map); nothing else is.
 */
#ifndef WS2EMU_WS2EMU_H_
#define WS2EMU_WS2EMU_H_

#include "ws2emu/ws2spi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The runtime's version, "MAJOR.MINOR.PATCH". Never NULL; the string is static. */
const char *ws2emu_version(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WS2EMU_WS2EMU_H_ */
