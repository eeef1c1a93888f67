/*
 * ws2emu/winuser.h — the user32 types and constants of message-only windows and message queues,
 * with their Windows x64 layouts.
 *
 * What it is for: a provider that implements WSPAsyncSelect keeps a hidden window and posts to
 * the application's window with WPUPostMessage; a host without a window system of its own reads
 * those messages from ws2emu's queues (ws2emu_GetMessageW and friends, declared in ws2emu.h):
 *
 *   #include <ws2emu/ws2emu.h>
 *
 *   WNDCLASSEXW wc = {sizeof(wc)};
 *   wc.lpfnWndProc = MyWndProc;         // LRESULT CALLBACK MyWndProc(HWND, UINT, WPARAM, LPARAM)
 *   wc.lpszClassName = u"AsyncSelect";
 *   ws2emu_RegisterClassExW(&wc);
 *   HWND hwnd = ws2emu_CreateWindowExW(0, u"AsyncSelect", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE,
 *                                      NULL, NULL, NULL);
 *   MSG msg;
 *   while (ws2emu_GetMessageW(&msg, NULL, 0, 0) > 0) ws2emu_DispatchMessageW(&msg);
 *
 * Only what a message-only window needs is here: no painting, input, or window geometry. The
 * layouts are mingw-w64's (tests/abi checks them against its winuser.h): MSG is 48 bytes, its
 * last 4 bytes padding (the Windows SDK names them lPrivate only for _MAC builds).
 *
 * Compiles as C99 and as C++20. Included by ws2emu.h.
 */
#ifndef WS2EMU_WINUSER_H_
#define WS2EMU_WINUSER_H_

#include "ws2emu/win_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef WORD ATOM;
typedef struct HMENU__ *HMENU;
typedef struct HICON__ *HICON;
typedef HICON HCURSOR;
typedef struct HBRUSH__ *HBRUSH;

typedef LRESULT(CALLBACK *WNDPROC)(HWND, UINT, WPARAM, LPARAM);

/* POINT: size 8. */
typedef struct tagPOINT {
  LONG x;
  LONG y;
} POINT, *PPOINT, *LPPOINT;

/* MSG: size 48, alignment 8. */
typedef struct tagMSG {
  HWND hwnd;
  UINT message;
  WPARAM wParam;
  LPARAM lParam;
  DWORD time;
  POINT pt;
} MSG, *PMSG, *LPMSG;

/* WNDCLASSEXW: size 80; cbSize must be sizeof(WNDCLASSEXW). */
typedef struct tagWNDCLASSEXW {
  UINT cbSize;
  UINT style;
  WNDPROC lpfnWndProc;
  int cbClsExtra;
  int cbWndExtra;
  HINSTANCE hInstance;
  HICON hIcon;
  HCURSOR hCursor;
  HBRUSH hbrBackground;
  LPCWSTR lpszMenuName;
  LPCWSTR lpszClassName;
  HICON hIconSm;
} WNDCLASSEXW, *PWNDCLASSEXW, *LPWNDCLASSEXW;

/* CREATESTRUCTW: size 80; the lParam of WM_NCCREATE and WM_CREATE. */
typedef struct tagCREATESTRUCTW {
  LPVOID lpCreateParams;
  HINSTANCE hInstance;
  HMENU hMenu;
  HWND hwndParent;
  int cy;
  int cx;
  int y;
  int x;
  LONG style;
  LPCWSTR lpszName;
  LPCWSTR lpszClass;
  DWORD dwExStyle;
} CREATESTRUCTW, *LPCREATESTRUCTW;

/* A class name that is an atom: the low word of the pointer, the rest zero. */
#define MAKEINTATOM(i) ((LPWSTR)(ULONG_PTR)((WORD)(i)))
#ifndef IS_INTRESOURCE
#define IS_INTRESOURCE(r) ((((ULONG_PTR)(r)) >> 16) == 0)
#endif

#define HWND_MESSAGE ((HWND)(LONG_PTR)-3)
#define HWND_BROADCAST ((HWND)0xffff)

#define PM_NOREMOVE 0x0000
#define PM_REMOVE 0x0001
#define PM_NOYIELD 0x0002

#define WM_NULL 0x0000
#define WM_CREATE 0x0001
#define WM_DESTROY 0x0002
#define WM_QUIT 0x0012
#define WM_NCCREATE 0x0081
#define WM_NCDESTROY 0x0082
#define WM_USER 0x0400
#define WM_APP 0x8000

/* Queue status bits (dwWakeMask), with the Windows 8+ values of QS_INPUT. */
#define QS_KEY 0x0001
#define QS_MOUSEMOVE 0x0002
#define QS_MOUSEBUTTON 0x0004
#define QS_POSTMESSAGE 0x0008
#define QS_TIMER 0x0010
#define QS_PAINT 0x0020
#define QS_SENDMESSAGE 0x0040
#define QS_HOTKEY 0x0080
#define QS_ALLPOSTMESSAGE 0x0100
#define QS_RAWINPUT 0x0400
#define QS_TOUCH 0x0800
#define QS_POINTER 0x1000
#define QS_MOUSE (QS_MOUSEMOVE | QS_MOUSEBUTTON)
#define QS_INPUT (QS_MOUSE | QS_KEY | QS_RAWINPUT | QS_TOUCH | QS_POINTER)
#define QS_ALLEVENTS (QS_INPUT | QS_POSTMESSAGE | QS_TIMER | QS_PAINT | QS_HOTKEY)
#define QS_ALLINPUT (QS_INPUT | QS_POSTMESSAGE | QS_TIMER | QS_PAINT | QS_HOTKEY | QS_SENDMESSAGE)

#define MWMO_WAITALL 0x0001
#define MWMO_ALERTABLE 0x0002
#define MWMO_INPUTAVAILABLE 0x0004

/* winerror.h values of the window calls (ERROR_INVALID_WINDOW_HANDLE is in win_base.h). */
#define ERROR_CANNOT_FIND_WND_CLASS 1407
#define ERROR_CLASS_ALREADY_EXISTS 1410
#define ERROR_CLASS_DOES_NOT_EXIST 1411
#define ERROR_CLASS_HAS_WINDOWS 1412
#define ERROR_INVALID_THREAD_ID 1444

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WS2EMU_WINUSER_H_ */
