// --trace=upcall: an upcall table whose entries print each call, its arguments, its result and
// its time as an "upcall" line (emu/trace/trace.h), then return what the runtime's own upcall
// returned. What a provider developer wants to see when a provider misbehaves.
#include <cstdarg>
#include <cstdio>

#include "base/escape.h"
#include "base/utf.h"
#include "catalog/catalog.h"
#include "run/run.h"
#include "trace/trace.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

const WSPUPCALLTABLE &Real() { return *ws2emu_upcall_table(); }

void Trace(const trace::Clock &clock, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
// The line is formatted first and escaped as a whole (trace::Emit): a path a provider hands back
// may hold control characters, which must not reach the terminal raw.
void Trace(const trace::Clock &clock, const char *format, ...) {
  va_list ap, again;
  va_start(ap, format);
  va_copy(again, ap);
  const int n = std::vsnprintf(nullptr, 0, format, ap);
  va_end(ap);
  std::string line(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(line.data(), line.size() + 1, format, again);
  va_end(again);
  trace::Emit("upcall", line + clock.Elapsed());
}

// " (lpErrno=WSAE...)" when a call failed, "" otherwise.
std::string ErrnoNote(bool failed, const int *lpErrno) {
  if (!failed || lpErrno == nullptr) return "";
  return " (*lpErrno=" + WsaErrorName(*lpErrno) + ")";
}

BOOL WSPAPI TraceCloseEvent(WSAEVENT hEvent, LPINT lpErrno) {
  trace::Clock clock;
  BOOL r = Real().lpWPUCloseEvent(hEvent, lpErrno);
  Trace(clock, "WPUCloseEvent(hEvent=%p) = %s%s", hEvent, r ? "TRUE" : "FALSE", ErrnoNote(!r, lpErrno).c_str());
  return r;
}

int WSPAPI TraceCloseSocketHandle(SOCKET s, LPINT lpErrno) {
  trace::Clock clock;
  int r = Real().lpWPUCloseSocketHandle(s, lpErrno);
  Trace(clock, "WPUCloseSocketHandle(s=0x%llx) = %d%s", static_cast<unsigned long long>(s), r,
        ErrnoNote(r != 0, lpErrno).c_str());
  return r;
}

WSAEVENT WSPAPI TraceCreateEvent(LPINT lpErrno) {
  trace::Clock clock;
  WSAEVENT r = Real().lpWPUCreateEvent(lpErrno);
  Trace(clock, "WPUCreateEvent() = %p%s", r, ErrnoNote(r == nullptr, lpErrno).c_str());
  return r;
}

SOCKET WSPAPI TraceCreateSocketHandle(DWORD dwCatalogEntryId, DWORD_PTR dwContext, LPINT lpErrno) {
  trace::Clock clock;
  SOCKET r = Real().lpWPUCreateSocketHandle(dwCatalogEntryId, dwContext, lpErrno);
  Trace(clock, "WPUCreateSocketHandle(dwCatalogEntryId=%u, dwContext=0x%llx) = 0x%llx%s",
        dwCatalogEntryId, static_cast<unsigned long long>(dwContext),
        static_cast<unsigned long long>(r), ErrnoNote(r == INVALID_SOCKET, lpErrno).c_str());
  return r;
}

int WSPAPI TraceFDIsSet(SOCKET s, WS_fd_set *fdset) {
  trace::Clock clock;
  int r = Real().lpWPUFDIsSet(s, fdset);
  Trace(clock, "WPUFDIsSet(s=0x%llx, fdset=%p [%u sockets]) = %d", static_cast<unsigned long long>(s),
        static_cast<void *>(fdset), fdset != nullptr ? fdset->fd_count : 0, r);
  return r;
}

int WSPAPI TraceGetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                                LPINT lpProviderDllPathLen, LPINT lpErrno) {
  trace::Clock clock;
  int r = Real().lpWPUGetProviderPath(lpProviderId, lpszProviderDllPath, lpProviderDllPathLen,
                                      lpErrno);
  const std::string guid =
      lpProviderId != nullptr ? catalog::GuidToString(*lpProviderId) : std::string("NULL");
  const std::string path =
      r == 0 && lpszProviderDllPath != nullptr
          ? ", path \"" + Utf16ToUtf8(reinterpret_cast<const char16_t *>(lpszProviderDllPath)) +
                "\""
          : std::string();
  Trace(clock, "WPUGetProviderPath(lpProviderId=%s) = %d%s%s", guid.c_str(), r, path.c_str(),
        ErrnoNote(r != 0, lpErrno).c_str());
  return r;
}

SOCKET WSPAPI TraceModifyIFSHandle(DWORD dwCatalogEntryId, SOCKET ProposedHandle, LPINT lpErrno) {
  trace::Clock clock;
  SOCKET r = Real().lpWPUModifyIFSHandle(dwCatalogEntryId, ProposedHandle, lpErrno);
  Trace(clock, "WPUModifyIFSHandle(dwCatalogEntryId=%u, ProposedHandle=0x%llx) = 0x%llx%s",
        dwCatalogEntryId, static_cast<unsigned long long>(ProposedHandle),
        static_cast<unsigned long long>(r), ErrnoNote(r == INVALID_SOCKET, lpErrno).c_str());
  return r;
}

BOOL WSPAPI TracePostMessage(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  trace::Clock clock;
  BOOL r = Real().lpWPUPostMessage(hWnd, Msg, wParam, lParam);
  Trace(clock, "WPUPostMessage(hWnd=%p, Msg=0x%x, wParam=0x%llx, lParam=0x%llx) = %s",
        static_cast<void *>(hWnd), Msg, static_cast<unsigned long long>(wParam),
        static_cast<unsigned long long>(lParam), r ? "TRUE" : "FALSE");
  return r;
}

int WSPAPI TraceQueryBlockingCallback(DWORD dwCatalogEntryId, LPBLOCKINGCALLBACK *lplpfnCallback,
                                      PDWORD_PTR lpdwContext, LPINT lpErrno) {
  trace::Clock clock;
  int r = Real().lpWPUQueryBlockingCallback(dwCatalogEntryId, lplpfnCallback, lpdwContext, lpErrno);
  Trace(clock, "WPUQueryBlockingCallback(dwCatalogEntryId=%u) = %d, callback %s%s", dwCatalogEntryId, r,
        r == 0 && lplpfnCallback != nullptr && *lplpfnCallback != nullptr ? "set" : "NULL",
        ErrnoNote(r != 0, lpErrno).c_str());
  return r;
}

int WSPAPI TraceQuerySocketHandleContext(SOCKET s, PDWORD_PTR lpContext, LPINT lpErrno) {
  trace::Clock clock;
  int r = Real().lpWPUQuerySocketHandleContext(s, lpContext, lpErrno);
  Trace(clock, "WPUQuerySocketHandleContext(s=0x%llx) = %d, context 0x%llx%s",
        static_cast<unsigned long long>(s), r,
        static_cast<unsigned long long>(r == 0 && lpContext != nullptr ? *lpContext : 0),
        ErrnoNote(r != 0, lpErrno).c_str());
  return r;
}

int WSPAPI TraceQueueApc(LPWSATHREADID lpThreadId, LPWSAUSERAPC lpfnUserApc, DWORD_PTR dwContext,
                         LPINT lpErrno) {
  trace::Clock clock;
  int r = Real().lpWPUQueueApc(lpThreadId, lpfnUserApc, dwContext, lpErrno);
  Trace(clock, "WPUQueueApc(thread=%p, routine=%p, dwContext=0x%llx) = %d%s",
        lpThreadId != nullptr ? lpThreadId->ThreadHandle : nullptr,
        reinterpret_cast<void *>(lpfnUserApc), static_cast<unsigned long long>(dwContext), r,
        ErrnoNote(r != 0, lpErrno).c_str());
  return r;
}

BOOL WSPAPI TraceResetEvent(WSAEVENT hEvent, LPINT lpErrno) {
  trace::Clock clock;
  BOOL r = Real().lpWPUResetEvent(hEvent, lpErrno);
  Trace(clock, "WPUResetEvent(hEvent=%p) = %s%s", hEvent, r ? "TRUE" : "FALSE", ErrnoNote(!r, lpErrno).c_str());
  return r;
}

BOOL WSPAPI TraceSetEvent(WSAEVENT hEvent, LPINT lpErrno) {
  trace::Clock clock;
  BOOL r = Real().lpWPUSetEvent(hEvent, lpErrno);
  Trace(clock, "WPUSetEvent(hEvent=%p) = %s%s", hEvent, r ? "TRUE" : "FALSE", ErrnoNote(!r, lpErrno).c_str());
  return r;
}

int WSPAPI TraceOpenCurrentThread(LPWSATHREADID lpThreadId, LPINT lpErrno) {
  trace::Clock clock;
  int r = Real().lpWPUOpenCurrentThread(lpThreadId, lpErrno);
  Trace(clock, "WPUOpenCurrentThread() = %d, thread %p%s", r,
        r == 0 && lpThreadId != nullptr ? lpThreadId->ThreadHandle : nullptr,
        ErrnoNote(r != 0, lpErrno).c_str());
  return r;
}

int WSPAPI TraceCloseThread(LPWSATHREADID lpThreadId, LPINT lpErrno) {
  trace::Clock clock;
  HANDLE h = lpThreadId != nullptr ? lpThreadId->ThreadHandle : nullptr;
  int r = Real().lpWPUCloseThread(lpThreadId, lpErrno);
  Trace(clock, "WPUCloseThread(thread=%p) = %d%s", h, r, ErrnoNote(r != 0, lpErrno).c_str());
  return r;
}

}  // namespace

WSPUPCALLTABLE TracingUpcallTable() {
  return {TraceCloseEvent,          TraceCloseSocketHandle,
          TraceCreateEvent,         TraceCreateSocketHandle,
          TraceFDIsSet,             TraceGetProviderPath,
          TraceModifyIFSHandle,     TracePostMessage,
          TraceQueryBlockingCallback, TraceQuerySocketHandleContext,
          TraceQueueApc,            TraceResetEvent,
          TraceSetEvent,            TraceOpenCurrentThread,
          TraceCloseThread};
}

}  // namespace ws2emu::emu
