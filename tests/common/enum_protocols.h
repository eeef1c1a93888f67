// tests/common/enum_protocols.h — the catalog as a program sees it, through the two-call
// pattern every Windows program uses: ask for the size (WSAENOBUFS), then fill a buffer.
//
//   std::vector<WSAPROTOCOL_INFOW> all = ws2emu::testing::EnumProtocols();      // WSCEnum...
//   std::vector<WSAPROTOCOL_INFOW> apps = ws2emu::testing::EnumProtocols(true); // WSAEnum...W
//
// Each call's result is checked with EXPECT_*: a first call that does not answer WSAENOBUFS, or
// a second that does not report the entries it was sized for, fails the test that called it.
#ifndef WS2EMU_TESTS_COMMON_ENUM_PROTOCOLS_H_
#define WS2EMU_TESTS_COMMON_ENUM_PROTOCOLS_H_

#include <gtest/gtest.h>

#include <vector>

#include "ws2emu/ws2emu.h"

namespace ws2emu::testing {

// WSCEnumProtocols (every entry), or WSAEnumProtocolsW when `application_view` (no hidden or
// layered entries), filtered by the zero-terminated `filter` when it is not null.
// The application view needs start-up (WSANOTINITIALISED before it); the helper starts Winsock
// around its calls.
inline std::vector<WSAPROTOCOL_INFOW> EnumProtocols(bool application_view = false,
                                                    LPINT filter = nullptr) {
  struct Started {
    bool on;
    explicit Started(bool want) : on(want) {
      WSADATA data;
      if (on) {
        EXPECT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
      }
    }
    ~Started() {
      if (on) {
        EXPECT_EQ(WSACleanup(), 0);
      }
    }
  } started(application_view);
  DWORD size = 0;
  int err = 0;
  int n = application_view ? WSAEnumProtocolsW(filter, nullptr, &size)
                           : WSCEnumProtocols(filter, nullptr, &size, &err);
  if (n == 0) return {};
  EXPECT_EQ(n, SOCKET_ERROR);
  if (application_view) err = WSAGetLastError();
  EXPECT_EQ(err, WSAENOBUFS);
  std::vector<WSAPROTOCOL_INFOW> v(size / sizeof(WSAPROTOCOL_INFOW));
  n = application_view ? WSAEnumProtocolsW(filter, v.data(), &size)
                       : WSCEnumProtocols(filter, v.data(), &size, &err);
  EXPECT_EQ(n, static_cast<int>(v.size()));
  return v;
}

}  // namespace ws2emu::testing

#endif  // WS2EMU_TESTS_COMMON_ENUM_PROTOCOLS_H_
