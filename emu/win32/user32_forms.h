// emu/win32/user32_forms.h — USER32's A forms and RegisterClassA/W (emu/win32/user32_forms.cc).
#ifndef WS2EMU_EMU_WIN32_USER32_FORMS_H_
#define WS2EMU_EMU_WIN32_USER32_FORMS_H_

#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {

struct WndClassExA;
template <typename Str>
struct WndClass;

ATOM WINAPI RegisterClassExA(const WndClassExA *lpWndClass);
ATOM WINAPI RegisterClassA(const WndClass<LPCSTR> *lpWndClass);
ATOM WINAPI RegisterClassW(const WndClass<LPCWSTR> *lpWndClass);
BOOL WINAPI UnregisterClassA(LPCSTR lpClassName, HINSTANCE hInstance);
HWND WINAPI CreateWindowExA(DWORD dwExStyle, LPCSTR lpClassName, LPCSTR lpWindowName,
                            DWORD dwStyle, int X, int Y, int nWidth, int nHeight,
                            HWND hWndParent, HMENU hMenu, HINSTANCE hInstance, LPVOID lpParam);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_USER32_FORMS_H_
