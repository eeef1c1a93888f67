// The runtime's version string, from the Meson project version.
#include "ws2emu/ws2emu.h"

extern "C" const char *ws2emu_version(void) { return WS2EMU_VERSION; }
