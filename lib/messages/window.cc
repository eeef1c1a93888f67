#include "messages/window.h"

#include <utility>

namespace ws2emu {

Window::Window(Ref<WindowClass> cls, Ref<MessageQueue> queue)
    : Object(kType), class_(std::move(cls)), queue_(std::move(queue)) {}

Ref<Window> Window::Create(Ref<WindowClass> cls, Ref<MessageQueue> queue) {
  auto window = Ref<Window>::Adopt(new Window(std::move(cls), std::move(queue)));
  uint64_t h = HandleTable::Get().Insert(Ref<Window>(window).release());
  if (h == 0) {
    WindowClasses::Get().ReleaseWindow(window->class_.get());
    return {};
  }
  window->handle_.store(h, std::memory_order_release);
  if (!window->queue_->AddWindow(h)) {
    window->Destroy();
    return {};
  }
  return window;
}

void Window::Destroy() {
  if (destroyed_.exchange(true, std::memory_order_acq_rel)) return;
  const uint64_t h = handle();
  // Handle first, then the queue: a poster either fails the lookup, or finds the window gone
  // from the queue, or gets its message in before RemoveWindow drops it.
  HandleTable::Get().Close(h, kType);
  queue_->RemoveWindow(h);
  WindowClasses::Get().ReleaseWindow(class_.get());
}

}  // namespace ws2emu
