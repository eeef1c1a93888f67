// lib/messages/window.h — a message-only window: an HWND, the class that gives it its window
// procedure, and the queue of the thread that owns it.
//
//   Ref<WindowClass> cls = WindowClasses::Get().AcquireForWindow(u"AsyncSelect");
//   Ref<Window> w = Window::Create(std::move(cls), Ref<MessageQueue>::Share(
//                                                      MessageQueue::Current()));
//   w->Send(WM_CREATE, 0, reinterpret_cast<LPARAM>(&cs));  // the window procedure, this thread
//   w->queue()->Post(msg);                                  // any thread
//   w->Destroy();                                           // the owner thread
//
// The HWND is a handle-table value of type kWindow, so a destroyed window's HWND stays invalid
// and IsWindow, PostMessage and the rest look windows up the way every other handle is looked
// up. There is no window hierarchy, geometry or style: ws2emu has no display, so every window
// is a message-only window, whatever parent it was created with.
//
// Concurrency and lifetime. Any thread may look a window up and post to it; only the owner
// thread sends to it (calls its window procedure) and destroys it. The handle table holds one
// reference until Destroy closes the handle; a poster that looked the window up just before
// holds another, and its post then fails (or is dropped with the window's other messages)
// because Destroy removes the window from its queue right after closing the handle.
#ifndef WS2EMU_LIB_MESSAGES_WINDOW_H_
#define WS2EMU_LIB_MESSAGES_WINDOW_H_

#include <atomic>
#include <cstdint>

#include "handles/handle_table.h"
#include "messages/message_queue.h"
#include "messages/window_class.h"
#include "ws2emu/winuser.h"

namespace ws2emu {

class Window final : public Object {
 public:
  static constexpr ObjectType kType = ObjectType::kWindow;

  // Creates a window of `cls` owned by `queue`'s thread (the caller's) and gives it a handle.
  // Takes over the window count AcquireForWindow raised on `cls`; gives it back and returns
  // null when the handle table is full or the thread is exiting.
  static Ref<Window> Create(Ref<WindowClass> cls, Ref<MessageQueue> queue);

  // The window's handle value (the low two bits clear), and as an HWND.
  uint64_t handle() const { return handle_.load(std::memory_order_acquire); }
  HWND hwnd() const { return reinterpret_cast<HWND>(static_cast<uintptr_t>(handle())); }
  MessageQueue *queue() const { return queue_.get(); }
  WindowClass *window_class() const { return class_.get(); }

  // True on the thread that created the window.
  bool OwnedByCallingThread() const { return queue_.get() == MessageQueue::CurrentIfAny(); }

  // Calls the window procedure on the calling thread (SendMessage to one's own window).
  LRESULT Send(UINT msg, WPARAM wparam, LPARAM lparam) const {
    return class_->wndproc()(hwnd(), msg, wparam, lparam);
  }

  // DestroyWindow has begun (WM_DESTROY sent or being sent). The owner thread only.
  bool destroying() const { return destroying_; }
  void set_destroying() { destroying_ = true; }

  // Closes the handle, drops the window's queued messages and gives back its class's window
  // count. Sends nothing. Idempotent. The owner thread (or its exit).
  void Destroy();

 private:
  Window(Ref<WindowClass> cls, Ref<MessageQueue> queue);

  const Ref<WindowClass> class_;
  const Ref<MessageQueue> queue_;
  std::atomic<uint64_t> handle_{0};  // set once, right after the handle is created
  std::atomic<bool> destroyed_{false};
  bool destroying_ = false;  // the owner thread only
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_MESSAGES_WINDOW_H_
