// emu/win32/user32_send.h — SendMessage(Timeout)W/A and user32's printf subset
// (emu/win32/user32_send.cc).
#ifndef WS2EMU_EMU_WIN32_USER32_SEND_H_
#define WS2EMU_EMU_WIN32_USER32_SEND_H_

#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {

LRESULT WINAPI SendMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
LRESULT WINAPI SendMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
LRESULT WINAPI SendMessageTimeoutW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam,
                                   UINT fuFlags, UINT uTimeout, PDWORD_PTR lpdwResult);
LRESULT WINAPI SendMessageTimeoutA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam,
                                   UINT fuFlags, UINT uTimeout, PDWORD_PTR lpdwResult);
int WINAPI wvsprintfA(LPSTR lpOut, LPCSTR lpFmt, __builtin_ms_va_list arglist);
int WINAPI wvsprintfW(LPWSTR lpOut, LPCWSTR lpFmt, __builtin_ms_va_list arglist);
int WINAPI wsprintfA(LPSTR lpOut, LPCSTR lpFmt, ...);
int WINAPI wsprintfW(LPWSTR lpOut, LPCWSTR lpFmt, ...);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_USER32_SEND_H_
