// lib/base/debug.h — the one reading of WS2EMU_DEBUG and the one shape of its messages.
//
// WS2EMU_DEBUG turns on diagnostics on stderr that say why a call failed (a catalog call, a
// LoadLibrary, the thread backend's fallback) where the Windows error alone does not. It is on
// when the variable is set to anything but "" or "0"; it is read on every call, not cached, so a
// forked child or a test that sets it later sees its own value.
//
//   DebugLog("catalog", "%s", message);   // "[ws2emu catalog] message\n" when enabled
//
// One line per call: the component names where the message comes from (one name per
// component), and a trailing newline in the message is not doubled.
#ifndef WS2EMU_LIB_BASE_DEBUG_H_
#define WS2EMU_LIB_BASE_DEBUG_H_

namespace ws2emu {

// True when WS2EMU_DEBUG is set and is neither empty nor "0".
bool DebugEnabled();

// Prints "[ws2emu <component>] <formatted message>\n" on stderr when DebugEnabled(); otherwise
// does nothing.
void DebugLog(const char *component, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

// The same line, printed whatever WS2EMU_DEBUG says: for the few failures a user must hear about
// because the Windows error alone cannot say what to fix (a provider that cannot start).
void Notice(const char *component, const char *format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_DEBUG_H_
