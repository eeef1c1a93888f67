// SendMessageW/A and SendMessageTimeoutW/A to the windows of this process, and user32's
// printf subset (wsprintfA/W, wvsprintfA/W).
//
// A message sent to a window of the calling thread calls its window procedure directly, as on
// Windows. A message to a window of another thread is queued on that thread's queue as a sent
// message (lib/messages/message_queue.h) and the sender waits for its result; meanwhile it runs
// the messages other threads send to it (so two threads sending to each other do not deadlock),
// unless SMTO_BLOCK says not to. The owner runs sent messages inside GetMessage and
// PeekMessage, as on Windows. A send whose window is destroyed, or whose thread exits, before
// the owner ran it fails with ERROR_INVALID_WINDOW_HANDLE [inference: Windows returns 0 and
// leaves the error unspecified]; SendMessageTimeout's timeout is ERROR_TIMEOUT. There is no
// window hierarchy (every window is message-only), so HWND_BROADCAST reaches no window: it
// returns 0 at once [inference: Windows broadcasts to top-level windows, which message-only
// windows are not].
#include <chrono>
#include <cstdio>
#include <memory>
#include <cstring>
#include <new>
#include <string>

#include "base/utf.h"
#include "boundary/last_error.h"
#include "kernel_objects/lookup.h"
#include "messages/message_queue.h"
#include "messages/window.h"
#include "sync/event.h"
#include "threads/wait.h"
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
constexpr UINT kSmtoBlock = 0x1;
constexpr DWORD kErrorTimeout = 1460;

// Sends to a window of another thread and waits (at most timeout_ms) for the result.
Sent SendToOtherThread(Window &w, UINT Msg, WPARAM wParam, LPARAM lParam, bool block,
                       uint32_t timeout_ms, LRESULT *result) {
  int err = 0;
  Ref<Event> done = Event::TryCreate(/*manual_reset=*/true, /*initial_state=*/false, &err);
  if (!done) {
    ws2emu_SetLastError(ResourceError(err));
    return Sent::kFailed;
  }
  std::shared_ptr<SentMessage> sent;
  try {
    sent = std::make_shared<SentMessage>();
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return Sent::kFailed;
  }
  sent->msg.hwnd = w.hwnd();
  sent->msg.message = Msg;
  sent->msg.wParam = wParam;
  sent->msg.lParam = lParam;
  sent->msg.time = static_cast<DWORD>(MonotonicMs());
  sent->done = done;
  switch (w.queue()->Send(sent)) {
    case MessageQueue::PostResult::kPosted:
      break;
    case MessageQueue::PostResult::kGone:
      ws2emu_SetLastError(ERROR_INVALID_WINDOW_HANDLE);
      return Sent::kFailed;
    case MessageQueue::PostResult::kNoMemory:
      ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
      return Sent::kFailed;
  }
  // The sender's own queue, to run what is sent to it while it waits (not with SMTO_BLOCK, nor
  // when it cannot have one: then it only waits).
  MessageQueue *own = block ? nullptr : MessageQueue::Current();
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    uint32_t remaining = timeout_ms;
    if (timeout_ms != kInfinite) {
      const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
      remaining = spent >= timeout_ms ? 0 : static_cast<uint32_t>(timeout_ms - spent);
    }
    Waitable *event = done.get();
    const uint32_t r =
        own != nullptr
            ? own->Wait(&event, 1, /*wait_all=*/false, remaining, QS_SENDMESSAGE,
                        /*input_available=*/true, /*alertable=*/false)
            : WaitForObjects(&event, 1, /*wait_all=*/false, remaining, /*alertable=*/false);
    if (r == kWaitObject0) break;
    if (own != nullptr && r == kWaitObject0 + 1) {
      own->DispatchSent();
      continue;
    }
    // Timed out (or the wait failed): take the message back if the owner has not started it;
    // if it has, its result is dropped, as Windows drops it.
    w.queue()->CancelSent(sent.get());
    ws2emu_SetLastError(r == kWaitTimeout ? kErrorTimeout : ERROR_NOT_ENOUGH_MEMORY);
    return Sent::kFailed;
  }
  if (sent->state.load(std::memory_order_acquire) != SentMessage::kDone) {
    ws2emu_SetLastError(ERROR_INVALID_WINDOW_HANDLE);  // destroyed, or its thread exited
    return Sent::kFailed;
  }
  *result = sent->result.load(std::memory_order_relaxed);
  return Sent::kDone;
}

Sent Send(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam, bool block, uint32_t timeout_ms,
          LRESULT *result) {
  *result = 0;
  if (hWnd == kHwndBroadcast) return Sent::kBroadcast;
  Ref<Window> w = LookupObjectAs<Window>(hWnd);
  if (!w) {
    ws2emu_SetLastError(ERROR_INVALID_WINDOW_HANDLE);
    return Sent::kFailed;
  }
  if (!w->OwnedByCallingThread())
    return SendToOtherThread(*w, Msg, wParam, lParam, block, timeout_ms, result);
  *result = w->Send(Msg, wParam, lParam);
  return Sent::kDone;
}

LRESULT SendMessageAs(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  LRESULT result;
  Send(hWnd, Msg, wParam, lParam, /*block=*/false, kInfinite, &result);
  return result;
}

// SendMessageTimeout: nonzero with *lpdwResult on success; 0 with ERROR_TIMEOUT when the
// owner did not finish in time (the window's own thread runs it at once: no timeout applies).
LRESULT SendMessageTimeoutAs(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam, UINT fuFlags,
                             UINT uTimeout, PDWORD_PTR lpdwResult) {
  if ((fuFlags & ~kSmtoValid) != 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  LRESULT result;
  if (Send(hWnd, Msg, wParam, lParam, (fuFlags & kSmtoBlock) != 0, uTimeout, &result) ==
      Sent::kFailed) {
    return 0;
  }
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
  return SendMessageAs(hWnd, Msg, wParam, lParam);
}
LRESULT WINAPI SendMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  return SendMessageAs(hWnd, Msg, wParam, lParam);
}
LRESULT WINAPI SendMessageTimeoutW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam,
                                   UINT fuFlags, UINT uTimeout, PDWORD_PTR lpdwResult) {
  return SendMessageTimeoutAs(hWnd, Msg, wParam, lParam, fuFlags, uTimeout, lpdwResult);
}
LRESULT WINAPI SendMessageTimeoutA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam,
                                   UINT fuFlags, UINT uTimeout, PDWORD_PTR lpdwResult) {
  return SendMessageTimeoutAs(hWnd, Msg, wParam, lParam, fuFlags, uTimeout, lpdwResult);
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
