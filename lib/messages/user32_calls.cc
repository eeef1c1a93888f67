// The user32 calls of message-only windows and message queues: Windows semantics over
// messages/ (window classes, windows, per-thread queues). What WPUPostMessage posts to when the
// host has installed no post routine.
#include <utility>

#include "boundary/handle_value.h"
#include "boundary/last_error.h"
#include "kernel_objects/lookup.h"
#include "messages/message_queue.h"
#include "messages/window.h"
#include "messages/window_class.h"
#include "threads/wait.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu {
namespace {

// The window named by `hWnd`, or null. HWND_BROADCAST is never one window (and could otherwise
// decode to a handle-table slot).
Ref<Window> LookupWindow(HWND hWnd) {
  if (hWnd == HWND_BROADCAST) return {};
  return HandleTable::Get().LookupAs<Window>(HandleValue(hWnd));
}

// The filter of GetMessage/PeekMessage; false (with the last error) for an invalid hWnd. A
// window of another thread is a valid filter that matches nothing in this thread's queue.
bool MakeFilter(HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, MessageQueue::Filter *f) {
  f->min = wMsgFilterMin;
  f->max = wMsgFilterMax;
  if (hWnd == nullptr) {
    f->hwnd = 0;
  } else if (hWnd == reinterpret_cast<HWND>(static_cast<intptr_t>(-1))) {
    f->hwnd = MessageQueue::Filter::kThreadMessages;
  } else if (Ref<Window> w = LookupWindow(hWnd)) {
    f->hwnd = w->handle();
  } else {
    SetThreadLastError(ERROR_INVALID_WINDOW_HANDLE);
    return false;
  }
  return true;
}

MSG MakeMsg(HWND hwnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  MSG m = {};
  m.hwnd = hwnd;
  m.message = Msg;
  m.wParam = wParam;
  m.lParam = lParam;
  m.time = static_cast<DWORD>(MonotonicMs());  // GetTickCount's clock: ms, wrapping
  return m;
}

// The calling thread's queue; null (with the last error: ERROR_TOO_MANY_OPEN_FILES or
// ERROR_NOT_ENOUGH_MEMORY) when it cannot be created now. The next call tries again.
MessageQueue *CurrentQueue() {
  int err = 0;
  MessageQueue *queue = MessageQueue::Current(&err);
  if (queue == nullptr) SetThreadLastError(ResourceError(err));
  return queue;
}

// The end of DestroyWindow, and of a creation the window procedure refused: WM_NCDESTROY (the
// HWND still valid), then the window is gone.
void FinishDestroy(Window *w) {
  w->Send(WM_NCDESTROY, 0, 0);
  w->Destroy();
}

}  // namespace
}  // namespace ws2emu

using namespace ws2emu;  // NOLINT: the boundary functions below are extern "C"

extern "C" {

// RegisterClassExW: per process, by name (case-insensitive); hInstance is recorded, not part of
// the key. The name must be a string: an integer atom would come from the global atom table,
// which the runtime does not have.
ATOM WINAPI ws2emu_RegisterClassExW(const WNDCLASSEXW *lpWndClass) {
  if (lpWndClass == nullptr || lpWndClass->cbSize != sizeof(WNDCLASSEXW) ||
      lpWndClass->lpfnWndProc == nullptr || lpWndClass->lpszClassName == nullptr ||
      IS_INTRESOURCE(lpWndClass->lpszClassName) || lpWndClass->cbClsExtra < 0 ||
      lpWndClass->cbWndExtra < 0) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  absl::StatusOr<ATOM> atom = WindowClasses::Get().Register(
      lpWndClass->lpszClassName, lpWndClass->lpfnWndProc, lpWndClass->hInstance);
  if (!atom.ok()) {
    SetThreadLastError(absl::IsAlreadyExists(atom.status()) ? ERROR_CLASS_ALREADY_EXISTS
                                                            : ERROR_NOT_ENOUGH_MEMORY);
    return 0;
  }
  return *atom;
}

// UnregisterClassW: by name or atom; fails while windows of the class exist.
BOOL WINAPI ws2emu_UnregisterClassW(LPCWSTR lpClassName, HINSTANCE) {
  absl::Status s = WindowClasses::Get().Unregister(lpClassName);
  if (!s.ok()) {
    SetThreadLastError(absl::IsNotFound(s) ? ERROR_CLASS_DOES_NOT_EXIST : ERROR_CLASS_HAS_WINDOWS);
    return FALSE;
  }
  return TRUE;
}

// CreateWindowExW: always a message-only window owned by the calling thread (the runtime has no
// display, so a parent, style or position changes nothing; a parent must still be NULL,
// HWND_MESSAGE or a window). WM_NCCREATE then WM_CREATE go to the window procedure at once,
// lParam the CREATESTRUCTW; FALSE from the first or -1 from the second destroys the window
// (WM_NCDESTROY only, as Wine does) and the call returns NULL.
HWND WINAPI ws2emu_CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName,
                                   DWORD dwStyle, int X, int Y, int nWidth, int nHeight,
                                   HWND hWndParent, HMENU hMenu, HINSTANCE hInstance,
                                   LPVOID lpParam) {
  if (hWndParent != nullptr && hWndParent != HWND_MESSAGE && !LookupWindow(hWndParent)) {
    SetThreadLastError(ERROR_INVALID_WINDOW_HANDLE);
    return nullptr;
  }
  MessageQueue *queue = CurrentQueue();
  if (queue == nullptr) return nullptr;
  Ref<WindowClass> cls = WindowClasses::Get().AcquireForWindow(lpClassName);
  if (!cls) {
    SetThreadLastError(ERROR_CANNOT_FIND_WND_CLASS);
    return nullptr;
  }
  Ref<Window> w = Window::Create(std::move(cls), Ref<MessageQueue>::Share(queue));
  if (!w) {
    SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  CREATESTRUCTW cs = {};
  cs.lpCreateParams = lpParam;
  cs.hInstance = hInstance;
  cs.hMenu = hMenu;
  cs.hwndParent = hWndParent;
  cs.cy = nHeight;
  cs.cx = nWidth;
  cs.y = Y;
  cs.x = X;
  cs.style = static_cast<LONG>(dwStyle);
  cs.lpszName = lpWindowName;
  cs.lpszClass = lpClassName;
  cs.dwExStyle = dwExStyle;
  const LPARAM lparam = reinterpret_cast<LPARAM>(&cs);
  bool created = w->Send(WM_NCCREATE, 0, lparam) != FALSE && !w->destroying() &&
                 w->Send(WM_CREATE, 0, lparam) != -1;
  if (w->destroying()) return nullptr;  // the window procedure destroyed it itself
  if (!created) {
    w->set_destroying();
    FinishDestroy(w.get());
    return nullptr;
  }
  return w->hwnd();
}

// DestroyWindow: the owner thread only (ERROR_ACCESS_DENIED otherwise). WM_DESTROY, then
// WM_NCDESTROY, then the HWND is invalid and the window's queued messages are gone. A
// DestroyWindow of the same window from inside those messages returns TRUE and does nothing.
BOOL WINAPI ws2emu_DestroyWindow(HWND hWnd) {
  Ref<Window> w = LookupWindow(hWnd);
  if (!w) {
    SetThreadLastError(ERROR_INVALID_WINDOW_HANDLE);
    return FALSE;
  }
  if (!w->OwnedByCallingThread()) {
    SetThreadLastError(ERROR_ACCESS_DENIED);
    return FALSE;
  }
  if (w->destroying()) return TRUE;
  w->set_destroying();
  w->Send(WM_DESTROY, 0, 0);
  FinishDestroy(w.get());
  return TRUE;
}

BOOL WINAPI ws2emu_IsWindow(HWND hWnd) { return LookupWindow(hWnd) ? TRUE : FALSE; }

// DefWindowProcW of a message-only window: TRUE for WM_NCCREATE (so creation goes on), 0 for
// everything else.
LRESULT WINAPI ws2emu_DefWindowProcW(HWND, UINT Msg, WPARAM, LPARAM) {
  return Msg == WM_NCCREATE ? TRUE : 0;
}

// A post's outcome as PostMessage/PostThreadMessage report it: TRUE, or FALSE with `gone_error`
// (the window or thread went away) or ERROR_NOT_ENOUGH_MEMORY (the queue could not grow; nothing
// was queued).
static BOOL PostedOrError(MessageQueue::PostResult r, uint32_t gone_error) {
  switch (r) {
    case MessageQueue::PostResult::kPosted:
      return TRUE;
    case MessageQueue::PostResult::kGone:
      SetThreadLastError(gone_error);
      return FALSE;
    case MessageQueue::PostResult::kNoMemory:
      SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
      return FALSE;
  }
  return FALSE;
}

// PostMessageW: to the queue of the window's thread, from any thread; hWnd NULL posts to the
// calling thread's queue, as PostThreadMessage(GetCurrentThreadId()) does. HWND_BROADCAST
// reaches top-level windows only, so no window here: TRUE, nothing posted.
BOOL WINAPI ws2emu_PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  if (hWnd == HWND_BROADCAST) return TRUE;
  if (hWnd == nullptr) {
    MessageQueue *queue = CurrentQueue();
    if (queue == nullptr) return FALSE;
    return PostedOrError(queue->Post(MakeMsg(nullptr, Msg, wParam, lParam)),
                         ERROR_INVALID_WINDOW_HANDLE);
  }
  Ref<Window> w = LookupWindow(hWnd);
  // Not a window, or one destroyed (or whose thread exited) since the lookup.
  if (!w) {
    SetThreadLastError(ERROR_INVALID_WINDOW_HANDLE);
    return FALSE;
  }
  return PostedOrError(w->queue()->Post(MakeMsg(w->hwnd(), Msg, wParam, lParam)),
                       ERROR_INVALID_WINDOW_HANDLE);
}

// PostThreadMessageW: the thread must exist and have a message queue (it has called a message
// function or created a window), else ERROR_INVALID_THREAD_ID.
BOOL WINAPI ws2emu_PostThreadMessageW(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam) {
  Ref<MessageQueue> queue = MessageQueue::FindByThreadId(idThread);
  if (!queue) {
    SetThreadLastError(ERROR_INVALID_THREAD_ID);
    return FALSE;
  }
  return PostedOrError(queue->Post(MakeMsg(nullptr, Msg, wParam, lParam)),
                       ERROR_INVALID_THREAD_ID);
}

// PostQuitMessage: sets the quit flag of the calling thread's queue; WM_QUIT (wParam the exit
// code) comes out of GetMessage/PeekMessage once no other matching message is queued.
void WINAPI ws2emu_PostQuitMessage(int nExitCode) {
  if (MessageQueue *queue = CurrentQueue()) queue->PostQuit(nExitCode);
}

// GetMessageW: runs the messages other threads send meanwhile (SendMessage) and blocks until a
// posted message matching (hWnd, min, max) is there; 0 for WM_QUIT, -1 for
// a NULL lpMsg (ERROR_INVALID_PARAMETER) or an invalid hWnd (ERROR_INVALID_WINDOW_HANDLE).
BOOL WINAPI ws2emu_GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax) {
  if (lpMsg == nullptr) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return -1;
  }
  MessageQueue::Filter filter;
  if (!MakeFilter(hWnd, wMsgFilterMin, wMsgFilterMax, &filter)) return -1;
  MessageQueue *queue = CurrentQueue();
  if (queue == nullptr) return -1;
  queue->Get(filter, lpMsg);
  return lpMsg->message == WM_QUIT ? FALSE : TRUE;
}

// PeekMessageW: never blocks; runs the messages other threads sent first. PM_REMOVE takes the
// message; PM_NOYIELD and the PM_QS_* bits change nothing here.
BOOL WINAPI ws2emu_PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                                UINT wRemoveMsg) {
  if (lpMsg == nullptr) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  MessageQueue::Filter filter;
  if (!MakeFilter(hWnd, wMsgFilterMin, wMsgFilterMax, &filter)) return FALSE;
  MessageQueue *queue = CurrentQueue();
  if (queue == nullptr) return FALSE;
  queue->DispatchSent();  // messages other threads sent run first, as on Windows
  return queue->Peek(filter, (wRemoveMsg & PM_REMOVE) != 0, lpMsg) ? TRUE : FALSE;
}

// TranslateMessage: there is no keyboard input to turn into WM_CHAR.
BOOL WINAPI ws2emu_TranslateMessage(const MSG *) { return FALSE; }

// DispatchMessageW: calls the window procedure of lpMsg->hwnd on the calling thread and returns
// what it returns. A thread message (hwnd NULL) is not dispatched: 0.
// [inference] A window of another thread is refused with ERROR_ACCESS_DENIED, as DestroyWindow
// refuses it: its window procedure runs on its own thread only.
LRESULT WINAPI ws2emu_DispatchMessageW(const MSG *lpMsg) {
  if (lpMsg == nullptr) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  if (lpMsg->hwnd == nullptr) return 0;
  Ref<Window> w = LookupWindow(lpMsg->hwnd);
  if (!w) {
    SetThreadLastError(ERROR_INVALID_WINDOW_HANDLE);
    return 0;
  }
  if (!w->OwnedByCallingThread()) {
    SetThreadLastError(ERROR_ACCESS_DENIED);
    return 0;
  }
  return w->Send(lpMsg->message, lpMsg->wParam, lpMsg->lParam);
}

// MsgWaitForMultipleObjectsEx: up to MAXIMUM_WAIT_OBJECTS - 1 handles (the queue takes the last
// slot) and the calling thread's queue, which returns WAIT_OBJECT_0 + nCount for posted input
// of dwWakeMask: new since the thread last looked, or already queued with MWMO_INPUTAVAILABLE.
DWORD WINAPI ws2emu_MsgWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *pHandles,
                                                DWORD dwMilliseconds, DWORD dwWakeMask,
                                                DWORD dwFlags) {
  constexpr DWORD kFlags = MWMO_WAITALL | MWMO_ALERTABLE | MWMO_INPUTAVAILABLE;
  if (nCount > MAXIMUM_WAIT_OBJECTS - 1 || (nCount > 0 && pHandles == nullptr) ||
      (dwFlags & ~kFlags) != 0) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return WAIT_FAILED;
  }
  Ref<Object> refs[MAXIMUM_WAIT_OBJECTS];
  Waitable *objects[MAXIMUM_WAIT_OBJECTS];
  if (!LookupWaitables(pHandles, nCount, refs, objects)) return WAIT_FAILED;
  MessageQueue *queue = CurrentQueue();
  if (queue == nullptr) return WAIT_FAILED;
  return queue->Wait(objects, nCount, (dwFlags & MWMO_WAITALL) != 0, dwMilliseconds, dwWakeMask,
                     (dwFlags & MWMO_INPUTAVAILABLE) != 0, (dwFlags & MWMO_ALERTABLE) != 0);
}

DWORD WINAPI ws2emu_MsgWaitForMultipleObjects(DWORD nCount, const HANDLE *pHandles, BOOL fWaitAll,
                                              DWORD dwMilliseconds, DWORD dwWakeMask) {
  return ws2emu_MsgWaitForMultipleObjectsEx(nCount, pHandles, dwMilliseconds, dwWakeMask,
                                            fWaitAll ? MWMO_WAITALL : 0);
}

}  // extern "C"
