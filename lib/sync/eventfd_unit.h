// lib/sync/eventfd_unit.h — the one fd step shared by events and semaphores: taking a unit out
// of an EFD_SEMAPHORE eventfd whose matching write may still be in flight.
#ifndef WS2EMU_LIB_SYNC_EVENTFD_UNIT_H_
#define WS2EMU_LIB_SYNC_EVENTFD_UNIT_H_

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <cstdint>

namespace ws2emu {

// Reads exactly one unit from `fd` (non-blocking, EFD_SEMAPHORE). The caller has already won
// the state change that this unit stands for, so the writer that adds it only has its write()
// left to do and never waits in between: on EAGAIN, wait in poll for that write rather than
// spin (on one CPU spinning would only delay the writer).
inline void TakeEventfdUnit(int fd) {
  for (;;) {
    uint64_t value;
    if (read(fd, &value, sizeof(value)) == sizeof(value)) return;
    if (errno == EINTR) continue;
    pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
  }
}

// Adds `units` to `fd`. The counter stays far below its limit, so this cannot fail on EAGAIN.
inline void PostEventfdUnits(int fd, uint64_t units) {
  while (write(fd, &units, sizeof(units)) < 0 && errno == EINTR) {
  }
}

// The same two steps on a FIFO, the cross-process stand-in for an eventfd of a named object
// (lib/named_objects): one byte is one unit. The FIFO is opened O_RDWR|O_NONBLOCK by every
// process that holds the object, so it never reports end-of-file and a write never blocks.
inline void TakeFifoUnit(int fd) {
  for (;;) {
    char unit;
    if (read(fd, &unit, 1) == 1) return;
    if (errno == EINTR) continue;
    pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
  }
}

// Adds `units` bytes. A named semaphore's maximum is within the FIFO's capacity (checked when
// it is made: named_objects/named_object.cc), so the bytes always fit; EAGAIN would mean a FIFO fuller than
// any state allows (a process killed between its flip and its read): then the units are dropped
// rather than the caller blocked, and the FIFO still polls readable.
inline void PostFifoUnits(int fd, uint64_t units) {
  static const char kUnits[512] = {};
  while (units > 0) {
    const size_t n = units < sizeof(kUnits) ? static_cast<size_t>(units) : sizeof(kUnits);
    const ssize_t w = write(fd, kUnits, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    units -= static_cast<uint64_t>(w);
  }
}

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_EVENTFD_UNIT_H_
