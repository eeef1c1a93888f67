// lib/threads/wait.h — WaitForMultipleObjectsEx semantics over Waitable objects.
//
//   Waitable *objects[2] = {event_a, event_b};
//   uint32_t r = WaitForObjects(objects, 2, /*wait_all=*/false, /*timeout_ms=*/500,
//                               /*alertable=*/true);
//   // kWaitObject0 + i, kWaitTimeout or kWaitIoCompletion
//
// Order of checks, as in the NT kernel's wait loop: a wait that can be satisfied now is, even
// with APCs pending; otherwise an alertable wait runs every pending APC and returns
// kWaitIoCompletion; otherwise it blocks until an object may have changed, an APC arrives, or
// the timeout passes. Wait-all takes every object at once: if another waiter takes one of them
// between the check and the take, the ones already taken are given back and the wait goes on.
// How it blocks: a wait on one object that is not alertable sleeps on the object's own word
// when it has one (Waitable::Sleep: an event's futex), which costs no fd syscall and leaves an
// event's fd unarmed; every other wait polls the objects' fds through the thread (Block).
// Arguments are checked by the boundary functions; here count is 0..64 (+1 for a message
// queue) and every object is valid.
#ifndef WS2EMU_LIB_THREADS_WAIT_H_
#define WS2EMU_LIB_THREADS_WAIT_H_

#include <cstdint>

#include "sync/waitable.h"

namespace ws2emu {

inline constexpr uint32_t kWaitObject0 = 0;
inline constexpr uint32_t kWaitAbandoned0 = 0x80;
inline constexpr uint32_t kWaitIoCompletion = 0xC0;
inline constexpr uint32_t kWaitTimeout = 258;
inline constexpr uint32_t kWaitFailed = 0xFFFFFFFF;
inline constexpr uint32_t kInfinite = 0xFFFFFFFF;
inline constexpr uint32_t kMaxWaitObjects = 64;

// kWaitFailed when the calling thread has no thread object and none can be created now (no
// descriptor, no memory): *error (if not null) then holds the errno (Thread::Current), and no
// object was touched. A wait on no objects (SleepEx) never fails: without a thread object
// nothing can name the thread, so no APC can be queued to it, and it sleeps plainly.
uint32_t WaitForObjects(Waitable *const *objects, uint32_t count, bool wait_all,
                        uint32_t timeout_ms, bool alertable, int *error = nullptr);

// Milliseconds on CLOCK_MONOTONIC.
int64_t MonotonicMs();

}  // namespace ws2emu

#endif  // WS2EMU_LIB_THREADS_WAIT_H_
