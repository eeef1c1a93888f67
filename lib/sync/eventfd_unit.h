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

}  // namespace ws2emu

#endif  // WS2EMU_LIB_SYNC_EVENTFD_UNIT_H_
