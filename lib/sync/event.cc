#include "sync/event.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ws2emu {

absl::StatusOr<Ref<Event>> Event::Create(bool manual_reset, bool initial_state) {
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    return absl::ResourceExhaustedError(absl::StrCat("eventfd: ", strerror(err)));
  }
  auto event = Ref<Event>::Adopt(new Event(fd, manual_reset));
  if (initial_state) event->Set();
  return event;
}

Event::Event(int fd, bool manual_reset) : Waitable(kType), fd_(fd), manual_reset_(manual_reset) {}

Event::~Event() { close(fd_); }

void Event::WriteFd() {
  uint64_t one = 1;
  // The counter cannot overflow (it is 0 or 1 here), so the write cannot fail on EAGAIN.
  while (write(fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

void Event::DrainFd() {
  uint64_t value;
  while (read(fd_, &value, sizeof(value)) < 0 && errno == EINTR) {
  }
}

void Event::Set() {
  if (signaled_.load(std::memory_order_acquire)) return;  // no syscall
  std::lock_guard<std::mutex> lock(mu_);
  if (signaled_.load(std::memory_order_relaxed)) return;
  signaled_.store(true, std::memory_order_release);
  WriteFd();
}

void Event::Reset() {
  if (!signaled_.load(std::memory_order_acquire)) return;  // no syscall
  std::lock_guard<std::mutex> lock(mu_);
  if (!signaled_.load(std::memory_order_relaxed)) return;
  signaled_.store(false, std::memory_order_release);
  DrainFd();
}

bool Event::TryAcquire() {
  if (!signaled_.load(std::memory_order_acquire)) return false;
  if (manual_reset_) return true;
  std::lock_guard<std::mutex> lock(mu_);
  if (!signaled_.load(std::memory_order_relaxed)) return false;  // another waiter took it
  signaled_.store(false, std::memory_order_release);
  DrainFd();
  return true;
}

}  // namespace ws2emu
