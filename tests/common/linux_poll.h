// tests/common/linux_poll.h — Linux's poll(2) for tests that also include ws2emu.h, which maps
// `pollfd` and POLL* to the Windows ones (WSAPoll's) for code written for Windows.
//
//   ws2emu::testing::LinuxPollFd p = {fd, ws2emu::testing::kLinuxPollIn, 0};
//   bool readable = ::poll(&p, 1, 0) == 1;
#ifndef WS2EMU_TESTS_COMMON_LINUX_POLL_H_
#define WS2EMU_TESTS_COMMON_LINUX_POLL_H_

#include <poll.h>

#pragma push_macro("pollfd")
#undef pollfd
namespace ws2emu::testing {
using LinuxPollFd = struct pollfd;
// Linux's POLLIN (fixed by the kernel ABI); the name may mean Windows' value here.
inline constexpr short kLinuxPollIn = 0x001;
}  // namespace ws2emu::testing
#pragma pop_macro("pollfd")

#endif  // WS2EMU_TESTS_COMMON_LINUX_POLL_H_
