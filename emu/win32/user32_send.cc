// SendMessageW/A and SendMessageTimeoutW/A to the windows of this process, and user32's
// printf subset (wsprintfA/W, wvsprintfA/W).
//
// A message sent to a window of the calling thread calls its window procedure directly, as on
// Windows. A message to a window of another thread would have to be delivered to that thread
// while it waits in GetMessage/PeekMessage and the sender blocked for the result; the message
// queues (lib/messages) deliver posted messages only, so such a send fails loudly instead: 0,
// ERROR_NOT_SUPPORTED and one line on stderr naming the call. There is no window hierarchy
// (every window is message-only), so HWND_BROADCAST reaches no window: it returns 0 at once
// [inference: Windows broadcasts to top-level windows, which message-only windows are not].
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include "base/utf.h"
#include "kernel_objects/lookup.h"
#include "messages/window.h"
#include "msvcrt/format.h"
#include "win32/user32_send.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

const HWND kHwndBroadcast = reinterpret_cast<HWND>(uintptr_t{0xFFFF});
// SMTO_NORMAL 0, SMTO_BLOCK 1, SMTO_ABORTIFHUNG 2, SMTO_NOTIMEOUTIFNOTHUNG 8,
// SMTO_ERRORONEXIT 0x20.
constexpr UINT kSmtoValid = 0x1 | 0x2 | 0x8 | 0x20;

enum class Sent { kDone, kBroadcast, kFailed };

Sent Send(const char *call, HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam, LRESULT *result) {
  *result = 0;
  if (hWnd == kHwndBroadcast) return Sent::kBroadcast;
  Ref<Window> w = LookupObjectAs<Window>(hWnd);
  if (!w) {
    ws2emu_SetLastError(ERROR_INVALID_WINDOW_HANDLE);
    return Sent::kFailed;
  }
  if (!w->OwnedByCallingThread()) {
    std::fprintf(stderr,
                 "[ws2emu user32] %s(%p, 0x%x) to a window of another thread is not supported: "
                 "only a window's own thread can send to it\n",
                 call, static_cast<void *>(hWnd), Msg);
    ws2emu_SetLastError(ERROR_NOT_SUPPORTED);
    return Sent::kFailed;
  }
  *result = w->Send(Msg, wParam, lParam);
  return Sent::kDone;
}

LRESULT SendMessageAs(const char *call, HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  LRESULT result;
  Send(call, hWnd, Msg, wParam, lParam, &result);
  return result;
}

LRESULT SendMessageTimeoutAs(const char *call, HWND hWnd, UINT Msg, WPARAM wParam,
                             LPARAM lParam, UINT fuFlags, UINT, PDWORD_PTR lpdwResult) {
  if ((fuFlags & ~kSmtoValid) != 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  LRESULT result;
  // The window's own thread: the procedure runs at once, so the timeout never applies.
  if (Send(call, hWnd, Msg, wParam, lParam, &result) == Sent::kFailed) return 0;
  if (lpdwResult != nullptr) *lpdwResult = static_cast<DWORD_PTR>(result);
  return 1;
}

// wsprintf's conversions: c C d i u x X p s S, with the h, l, w and I64 sizes; anything else
// after a % is copied as itself (%% is a %), as Windows does.
bool WsprintfType(const char *p, size_t *length) {
  size_t n = 0;
  if (std::strncmp(p, "I64", 3) == 0) {
    n = 3;
    if (std::strchr("diuxX", p[n]) == nullptr || p[n] == 0) return false;
    *length = n + 1;
    return true;
  }
  if (p[0] == 'h' || p[0] == 'l' || p[0] == 'w') n = 1;
  if (p[n] == 0 || std::strchr("cCdiuxXpsS", p[n]) == nullptr) return false;
  *length = n + 1;
  return true;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
// The formatted text in UTF-8. Every argument is one 8-byte slot of the va_list (x64).
std::string Wsprintf(const char *format, __builtin_ms_va_list ap, bool wide) {
  std::string out;
  auto *slot = reinterpret_cast<const uint64_t *>(ap);
  for (const char *p = format; *p != 0; ++p) {
    if (*p != '%') {
      out += *p;
      continue;
    }
    const char *q = p + 1;
    std::string spec;
    while (*q == '-' || *q == '#' || *q == '0') spec += *q++;
    while (*q >= '0' && *q <= '9') spec += *q++;
    if (*q == '.') {
      spec += *q++;
      while (*q >= '0' && *q <= '9') spec += *q++;
    }
    size_t type_length;
    if (!WsprintfType(q, &type_length)) {
      if (*q == 0) break;
      out += *q;  // not a conversion: the character itself
      p = q;
      continue;
    }
    std::string conversion = "%" + spec + std::string(q, type_length);
    uint64_t value = *slot++;
    __builtin_ms_va_list one = reinterpret_cast<decltype(one)>(&value);
    out += FormatMs(conversion.c_str(), one, wide);
    p = q + type_length - 1;
  }
  return out;
}
#pragma GCC diagnostic pop

constexpr size_t kWsprintfMax = 1024;  // characters, the terminator included [inference: Wine]

}  // namespace

LRESULT WINAPI SendMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  return SendMessageAs("SendMessageW", hWnd, Msg, wParam, lParam);
}
LRESULT WINAPI SendMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  return SendMessageAs("SendMessageA", hWnd, Msg, wParam, lParam);
}
LRESULT WINAPI SendMessageTimeoutW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam,
                                   UINT fuFlags, UINT uTimeout, PDWORD_PTR lpdwResult) {
  return SendMessageTimeoutAs("SendMessageTimeoutW", hWnd, Msg, wParam, lParam, fuFlags,
                              uTimeout, lpdwResult);
}
LRESULT WINAPI SendMessageTimeoutA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam,
                                   UINT fuFlags, UINT uTimeout, PDWORD_PTR lpdwResult) {
  return SendMessageTimeoutAs("SendMessageTimeoutA", hWnd, Msg, wParam, lParam, fuFlags,
                              uTimeout, lpdwResult);
}

// The text, cut to 1023 characters and terminated; returns the characters stored.
int WINAPI wvsprintfA(LPSTR lpOut, LPCSTR lpFmt, __builtin_ms_va_list arglist) {
  if (lpOut == nullptr || lpFmt == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return -1;
  }
  try {
    std::string text = Wsprintf(lpFmt, arglist, /*wide=*/false);
    if (text.size() > kWsprintfMax - 1) text.resize(kWsprintfMax - 1);
    std::memcpy(lpOut, text.c_str(), text.size() + 1);
    return static_cast<int>(text.size());
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return -1;
  }
}

int WINAPI wvsprintfW(LPWSTR lpOut, LPCWSTR lpFmt, __builtin_ms_va_list arglist) {
  if (lpOut == nullptr || lpFmt == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return -1;
  }
  try {
    std::u16string text = Utf8ToUtf16(
        Wsprintf(Utf16ToUtf8(reinterpret_cast<const char16_t *>(lpFmt)).c_str(), arglist,
                 /*wide=*/true));
    if (text.size() > kWsprintfMax - 1) text.resize(kWsprintfMax - 1);
    std::memcpy(lpOut, text.c_str(), (text.size() + 1) * sizeof(char16_t));
    return static_cast<int>(text.size());
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return -1;
  }
}

int WINAPI wsprintfA(LPSTR lpOut, LPCSTR lpFmt, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, lpFmt);
  const int n = wvsprintfA(lpOut, lpFmt, ap);
  __builtin_ms_va_end(ap);
  return n;
}

int WINAPI wsprintfW(LPWSTR lpOut, LPCWSTR lpFmt, ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, lpFmt);
  const int n = wvsprintfW(lpOut, lpFmt, ap);
  __builtin_ms_va_end(ap);
  return n;
}

}  // namespace ws2emu::emu::win32
