#include "sync/process_object.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <new>

namespace ws2emu {

namespace {
// Set once and never freed (the table and its handles may outlive static destructors).
std::atomic<ProcessObject *> g_process{nullptr};
}  // namespace

Ref<ProcessObject> ProcessObject::Current(int *error) {
  ProcessObject *process = g_process.load(std::memory_order_acquire);
  if (process == nullptr) {
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) {
      if (error != nullptr) *error = errno;
      return {};
    }
    auto *created = new (std::nothrow) ProcessObject(fd);
    if (created == nullptr) {
      close(fd);
      if (error != nullptr) *error = ENOMEM;
      return {};
    }
    // Two first calls may race: one object wins, the other is freed.
    if (g_process.compare_exchange_strong(process, created, std::memory_order_acq_rel)) {
      process = created;
    } else {
      created->Release();
    }
  }
  return Ref<ProcessObject>::Share(process);
}

ProcessObject::~ProcessObject() { close(fd_); }

}  // namespace ws2emu
