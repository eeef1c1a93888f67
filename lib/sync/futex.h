// lib/sync/futex.h — the two futex operations the runtime's own waits use (process-private),
// as small wrappers in the liburing style: they return 0 or -errno and never touch errno.
//
//   while (word.load() == seen) FutexWait(&word, seen, timeout_ms);   // spurious returns happen
//   word.store(new_value); FutexWakeAll(&word);
//
// `shared`: the word is in a MAP_SHARED page that other processes map (a named object,
// lib/named_objects): the kernel then keys the wait by the page, not the address, so a wake in
// one process reaches a sleeper in another.
//
// A wake on a word whose object has gone is harmless for a private futex: the kernel keys the
// wait queue by address only and never reads the word, so at worst another futex that reuses
// the address sees a spurious wake, which every futex user tolerates.
#ifndef WS2EMU_LIB_SYNC_FUTEX_H_
#define WS2EMU_LIB_SYNC_FUTEX_H_

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>

namespace ws2emu {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "a futex word is a plain 32-bit word");

// Sleeps while *word == expected, at most timeout_ms (-1: no limit). 0 when woken (or
// spuriously), -EAGAIN when *word != expected already, -ETIMEDOUT, -EINTR.
inline int FutexWait(std::atomic<uint32_t> *word, uint32_t expected, int64_t timeout_ms,
                     bool shared = false) {
  timespec ts;
  timespec *tsp = nullptr;
  if (timeout_ms >= 0) {
    ts.tv_sec = static_cast<time_t>(timeout_ms / 1000);
    ts.tv_nsec = static_cast<long>((timeout_ms % 1000) * 1000000);
    tsp = &ts;
  }
  const int saved = errno;
  const long r = syscall(SYS_futex, reinterpret_cast<uint32_t *>(word), shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE,
                         expected, tsp, nullptr, 0);
  const int err = r == 0 ? 0 : errno;
  errno = saved;
  return -err;
}

// Wakes every thread sleeping on `word`.
inline void FutexWakeAll(std::atomic<uint32_t> *word, bool shared = false) {
  const int saved = errno;
  syscall(SYS_futex, reinterpret_cast<uint32_t *>(word), shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
          nullptr, 0);
  errno = saved;
}

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_FUTEX_H_
