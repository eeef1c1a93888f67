#include "sync/process_object.h"

#include <sys/eventfd.h>
#include <unistd.h>


namespace ws2emu {

Ref<ProcessObject> ProcessObject::Current() {
  // Created once and never freed (the table and its handles may outlive static destructors).
  static ProcessObject *const process = []() -> ProcessObject * {
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) return nullptr;
    return new ProcessObject(fd);
  }();
  return process != nullptr ? Ref<ProcessObject>::Share(process) : Ref<ProcessObject>();
}

ProcessObject::~ProcessObject() { close(fd_); }

}  // namespace ws2emu
