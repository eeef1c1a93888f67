// USER32's A forms and the non-Ex class registration, over the runtime's W calls. Strings are
// converted from the ANSI code page (UTF-8 here, see kernel32_strings.cc). Message-only windows
// carry no text messages, so the A and W message calls are the same calls.
#include <string>

#include "base/utf.h"
#include "win32/user32_forms.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {

// WNDCLASSEXA: WNDCLASSEXW with 8-bit names (size 80).
struct WndClassExA {
  UINT cbSize;
  UINT style;
  WNDPROC lpfnWndProc;
  int cbClsExtra;
  int cbWndExtra;
  HINSTANCE hInstance;
  HICON hIcon;
  HCURSOR hCursor;
  HBRUSH hbrBackground;
  LPCSTR lpszMenuName;
  LPCSTR lpszClassName;
  HICON hIconSm;
};
static_assert(sizeof(WndClassExA) == sizeof(WNDCLASSEXW));

// WNDCLASSA/W: the same without cbSize and hIconSm (size 72).
template <typename Str>
struct WndClass {
  UINT style;
  WNDPROC lpfnWndProc;
  int cbClsExtra;
  int cbWndExtra;
  HINSTANCE hInstance;
  HICON hIcon;
  HCURSOR hCursor;
  HBRUSH hbrBackground;
  Str lpszMenuName;
  Str lpszClassName;
};
static_assert(sizeof(WndClass<LPCSTR>) == 72);

namespace {

// A class or window name: a string, or an atom (MAKEINTATOM) passed through unchanged.
struct WideName {
  std::u16string text;
  LPCWSTR pointer = nullptr;
  explicit WideName(LPCSTR name) {
    if (name == nullptr || IS_INTRESOURCE(name)) {
      pointer = reinterpret_cast<LPCWSTR>(name);
    } else {
      text = Utf8ToUtf16(name);
      pointer = reinterpret_cast<LPCWSTR>(text.c_str());
    }
  }
};

// The W Ex class for any of the class structures (WNDCLASSA/W, WNDCLASSEXA): the same fields,
// with the class name already converted.
template <typename Class>
WNDCLASSEXW ToEx(const Class &c, LPCWSTR class_name) {
  WNDCLASSEXW ex = {};
  ex.cbSize = sizeof(ex);
  ex.style = c.style;
  ex.lpfnWndProc = c.lpfnWndProc;
  ex.cbClsExtra = c.cbClsExtra;
  ex.cbWndExtra = c.cbWndExtra;
  ex.hInstance = c.hInstance;
  ex.hIcon = c.hIcon;
  ex.hCursor = c.hCursor;
  ex.hbrBackground = c.hbrBackground;
  ex.lpszClassName = class_name;
  return ex;
}

}  // namespace

ATOM WINAPI RegisterClassExA(const WndClassExA *lpWndClass) {
  if (lpWndClass == nullptr || lpWndClass->cbSize != sizeof(WndClassExA))
    return ws2emu_RegisterClassExW(nullptr);  // the W call reports ERROR_INVALID_PARAMETER
  WideName name(lpWndClass->lpszClassName);
  WNDCLASSEXW ex = ToEx(*lpWndClass, name.pointer);
  ex.hIconSm = lpWndClass->hIconSm;
  return ws2emu_RegisterClassExW(&ex);
}

ATOM WINAPI RegisterClassA(const WndClass<LPCSTR> *lpWndClass) {
  if (lpWndClass == nullptr) return ws2emu_RegisterClassExW(nullptr);
  WideName name(lpWndClass->lpszClassName);
  WNDCLASSEXW ex = ToEx(*lpWndClass, name.pointer);
  return ws2emu_RegisterClassExW(&ex);
}

ATOM WINAPI RegisterClassW(const WndClass<LPCWSTR> *lpWndClass) {
  if (lpWndClass == nullptr) return ws2emu_RegisterClassExW(nullptr);
  WNDCLASSEXW ex = ToEx(*lpWndClass, lpWndClass->lpszClassName);
  return ws2emu_RegisterClassExW(&ex);
}

BOOL WINAPI UnregisterClassA(LPCSTR lpClassName, HINSTANCE hInstance) {
  WideName name(lpClassName);
  return ws2emu_UnregisterClassW(name.pointer, hInstance);
}

HWND WINAPI CreateWindowExA(DWORD dwExStyle, LPCSTR lpClassName, LPCSTR lpWindowName,
                            DWORD dwStyle, int X, int Y, int nWidth, int nHeight,
                            HWND hWndParent, HMENU hMenu, HINSTANCE hInstance, LPVOID lpParam) {
  WideName class_name(lpClassName), window_name(lpWindowName);
  return ws2emu_CreateWindowExW(dwExStyle, class_name.pointer, window_name.pointer, dwStyle, X,
                                Y, nWidth, nHeight, hWndParent, hMenu, hInstance, lpParam);
}

}  // namespace ws2emu::emu::win32
