// emu/win32/user32_resources.h — LoadCursorA/W and LoadIconA/W: the system's predefined cursors
// (IDC_ARROW ...) and icons (IDI_APPLICATION ...), which a program registering a window class
// asks for with a null instance. Each is one shared handle, the same on every call, as on
// Windows (shared cursors and icons are never destroyed). A module's own resources are not
// read: a non-null instance or a named resource is ERROR_RESOURCE_NAME_NOT_FOUND.
#ifndef WS2EMU_EMU_WIN32_USER32_RESOURCES_H_
#define WS2EMU_EMU_WIN32_USER32_RESOURCES_H_

#include "ws2emu/winuser.h"

namespace ws2emu::emu::win32 {

HCURSOR WINAPI LoadCursorA(HINSTANCE hInstance, LPCSTR lpCursorName);
HCURSOR WINAPI LoadCursorW(HINSTANCE hInstance, LPCWSTR lpCursorName);
HICON WINAPI LoadIconA(HINSTANCE hInstance, LPCSTR lpIconName);
HICON WINAPI LoadIconW(HINSTANCE hInstance, LPCWSTR lpIconName);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_USER32_RESOURCES_H_
