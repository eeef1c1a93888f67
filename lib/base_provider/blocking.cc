#include "base_provider/blocking.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <new>

#include "base_provider/procs.h"
#include "base_provider/provider.h"
#include "base_provider/socket.h"
#include "threads/wait.h"

namespace ws2emu::base_provider {
namespace {

// How often a thread with a Winsock 1.1 blocking hook runs it while it waits. [inference]
// Windows runs the hook in a loop while the call is outstanding; 10 ms keeps a message pump
// responsive without spinning.
constexpr int kHookIntervalMs = 10;

// A thread's wake eventfd, made on its first blocking wait and closed when the thread exits.
struct ThreadWake {
  int fd = -1;
  int depth = 0;           // blocking calls in progress on this thread (a hook may nest one)
  bool cancelled = false;  // WSPCancelBlockingCall was called from within one
  ~ThreadWake() {
    if (fd >= 0) close(fd);
  }
};
thread_local ThreadWake t_wake;

int WakeFd() {
  if (t_wake.fd < 0) t_wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  return t_wake.fd;
}

void Drain(int fd) {
  uint64_t count;
  while (read(fd, &count, sizeof(count)) < 0 && errno == EINTR) {
  }
}

// Runs the thread's Winsock 1.1 blocking hook once, if it has one; true when the blocking call
// must end (WSAEINTR): the hook's callback said so, or WSPCancelBlockingCall was called from
// within it.
bool HookEndsTheCall(LPBLOCKINGCALLBACK hook, DWORD_PTR context) {
  if (hook != nullptr && !hook(context)) return true;
  return t_wake.cancelled;
}

void Unlink(BaseSocket &socket, Waiter *waiter) {
  StdMutexLock lock(&socket.mu);
  for (Waiter **p = &socket.waiters; *p != nullptr; p = &(*p)->next) {
    if (*p == waiter) {
      *p = waiter->next;
      return;
    }
  }
}

}  // namespace

int WaitReady(BaseSocket &socket, short poll_events, uint32_t timeout_ms) {
  const int wake = WakeFd();
  if (wake < 0) return WSAENOBUFS;
  Waiter waiter;
  waiter.wake_fd = wake;
  {
    StdMutexLock lock(&socket.mu);
    if (socket.has(BaseSocket::kClosed)) return WSAEINTR;
    waiter.next = socket.waiters;
    socket.waiters = &waiter;
  }
  LPBLOCKINGCALLBACK hook = nullptr;
  DWORD_PTR hook_context = 0;
  int error = 0;
  if (const WSPUPCALLTABLE *upcalls = Upcalls(); upcalls != nullptr) {
    upcalls->lpWPUQueryBlockingCallback(socket.catalog_id(), &hook, &hook_context, &error);
  }
  const int64_t deadline = timeout_ms == 0 ? -1 : MonotonicMs() + timeout_ms;
  ++t_wake.depth;
  int result = 0;
  for (;;) {
    int wait_ms = -1;
    if (deadline >= 0) {
      const int64_t left = deadline - MonotonicMs();
      if (left <= 0) {
        result = WSAETIMEDOUT;
        break;
      }
      wait_ms = static_cast<int>(left > INT32_MAX ? INT32_MAX : left);
    }
    if (hook != nullptr && (wait_ms < 0 || wait_ms > kHookIntervalMs)) wait_ms = kHookIntervalMs;
    pollfd fds[2] = {{socket.fd(), poll_events, 0}, {wake, POLLIN, 0}};
    const int n = poll(fds, 2, wait_ms);
    if (n < 0 && errno != EINTR) {
      result = WSAENOBUFS;  // [inference] poll fails only for lack of memory here
      break;
    }
    if (n > 0 && (fds[1].revents & POLLIN) != 0) Drain(wake);
    if (socket.has(BaseSocket::kClosed) || t_wake.cancelled) {
      result = WSAEINTR;
      break;
    }
    if (n > 0 && fds[0].revents != 0) break;  // ready, or an error the operation will report
    if (HookEndsTheCall(hook, hook_context)) {
      result = WSAEINTR;
      break;
    }
  }
  if (--t_wake.depth == 0) t_wake.cancelled = false;
  Unlink(socket, &waiter);
  return result;
}

void WakeWaiters(BaseSocket &socket) {
  StdMutexLock lock(&socket.mu);
  const uint64_t one = 1;
  for (Waiter *w = socket.waiters; w != nullptr; w = w->next) {
    // A full counter (never, at 2^64 - 2) or a closed descriptor cannot happen to a waiter that
    // is still listed; nothing else can be done about a failed write here.
    (void)!write(w->wake_fd, &one, sizeof(one));
  }
}

int WaitSockets(BaseSocket *const *sockets, struct pollfd *fds, size_t count, int64_t timeout_ms) {
  const int wake = WakeFd();
  if (wake < 0 || count == 0) return WSAENOBUFS;
  // One waiter per socket, so that a close of any of them on another thread wakes this one.
  Waiter *waiters = new (std::nothrow) Waiter[count];
  if (waiters == nullptr) return WSAENOBUFS;
  size_t linked = 0;
  int result = 0;
  for (; linked < count; ++linked) {
    BaseSocket &socket = *sockets[linked];
    StdMutexLock lock(&socket.mu);
    if (socket.has(BaseSocket::kClosed)) {
      result = WSAEINTR;
      break;
    }
    waiters[linked].wake_fd = wake;
    waiters[linked].next = socket.waiters;
    socket.waiters = &waiters[linked];
  }
  if (result == 0) {
    LPBLOCKINGCALLBACK hook = nullptr;
    DWORD_PTR hook_context = 0;
    int error = 0;
    if (const WSPUPCALLTABLE *upcalls = Upcalls(); upcalls != nullptr) {
      upcalls->lpWPUQueryBlockingCallback(sockets[0]->catalog_id(), &hook, &hook_context, &error);
    }
    const int64_t deadline = timeout_ms < 0 ? -1 : MonotonicMs() + timeout_ms;
    ++t_wake.depth;
    fds[count] = {wake, POLLIN, 0};
    for (;;) {
      int wait_ms = -1;
      if (deadline >= 0) {
        const int64_t left = deadline - MonotonicMs();
        wait_ms = static_cast<int>(left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : left);
      }
      if (hook != nullptr && (wait_ms < 0 || wait_ms > kHookIntervalMs)) wait_ms = kHookIntervalMs;
      const int n = poll(fds, count + 1, wait_ms);
      if (n < 0 && errno != EINTR) {
        result = WSAENOBUFS;  // [inference] as in WaitReady: poll fails only for lack of memory
        break;
      }
      if (n > 0 && (fds[count].revents & POLLIN) != 0) Drain(wake);
      bool closed = t_wake.cancelled;
      for (size_t i = 0; i < count && !closed; ++i) closed = sockets[i]->has(BaseSocket::kClosed);
      if (closed) {
        result = WSAEINTR;
        break;
      }
      bool ready = false;
      for (size_t i = 0; i < count && !ready; ++i) ready = fds[i].revents != 0;
      if (ready) break;
      if (deadline >= 0 && MonotonicMs() >= deadline) break;  // the timeout: nothing ready
      if (HookEndsTheCall(hook, hook_context)) {
        result = WSAEINTR;
        break;
      }
    }
    if (--t_wake.depth == 0) t_wake.cancelled = false;
  }
  for (size_t i = 0; i < linked; ++i) Unlink(*sockets[i], &waiters[i]);
  delete[] waiters;
  return result;
}

// WSPCancelBlockingCall: cancels the blocking call in progress on this thread (it is called
// from within the Winsock 1.1 blocking hook that call runs); WSAEINVAL when there is none.
int WSPAPI WSPCancelBlockingCall(LPINT lpErrno) {
  if (t_wake.depth == 0) {
    if (lpErrno != nullptr) *lpErrno = WSAEINVAL;
    return SOCKET_ERROR;
  }
  t_wake.cancelled = true;
  return 0;
}

}  // namespace ws2emu::base_provider
