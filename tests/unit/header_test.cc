// Behaviour of the macros and helpers that ws2spi.h gives Windows source: the counted fd_set
// (FD_SET / FD_CLR / FD_ISSET / FD_ZERO), MAKEWORD and friends, and the WS_ prefix living side
// by side with the Linux socket headers.
#define WS2EMU_WS_PREFIX
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "ws2emu/ws2spi.h"

namespace {

TEST(FdSet, SetAddsOnceAndKeepsInsertionOrder) {
  WS_fd_set set;
  WS_FD_ZERO(&set);
  WS_FD_SET(40, &set);
  WS_FD_SET(8, &set);
  WS_FD_SET(40, &set);  // already there: not added twice
  ASSERT_EQ(set.fd_count, 2u);
  EXPECT_EQ(set.fd_array[0], 40u);
  EXPECT_EQ(set.fd_array[1], 8u);
  EXPECT_TRUE(WS_FD_ISSET(8, &set));
  EXPECT_FALSE(WS_FD_ISSET(12, &set));
}

TEST(FdSet, SetIgnoresSocketsBeyondFdSetSize) {
  WS_fd_set set;
  WS_FD_ZERO(&set);
  for (SOCKET s = 4; s <= 4 * (WS_FD_SETSIZE + 5); s += 4) WS_FD_SET(s, &set);
  EXPECT_EQ(set.fd_count, static_cast<WS_u_int>(WS_FD_SETSIZE));
  EXPECT_TRUE(WS_FD_ISSET(4 * WS_FD_SETSIZE, &set));
  EXPECT_FALSE(WS_FD_ISSET(4 * (WS_FD_SETSIZE + 1), &set));
}

TEST(FdSet, ClrRemovesAndClosesTheGap) {
  WS_fd_set set;
  WS_FD_ZERO(&set);
  for (SOCKET s : {4, 8, 12, 16}) WS_FD_SET(s, &set);
  WS_FD_CLR(8, &set);
  ASSERT_EQ(set.fd_count, 3u);
  EXPECT_EQ(set.fd_array[0], 4u);
  EXPECT_EQ(set.fd_array[1], 12u);
  EXPECT_EQ(set.fd_array[2], 16u);
  WS_FD_CLR(100, &set);  // not a member: nothing changes
  EXPECT_EQ(set.fd_count, 3u);
  WS_FD_CLR(16, &set);
  WS_FD_CLR(4, &set);
  WS_FD_CLR(12, &set);
  EXPECT_EQ(set.fd_count, 0u);
}

TEST(FdSet, IsSetOnlyScansFdCount) {
  WS_fd_set set;
  WS_FD_ZERO(&set);
  set.fd_array[0] = 77;  // stale entry beyond fd_count
  EXPECT_FALSE(WS_FD_ISSET(77, &set));
}

TEST(Macros, MakeWordPutsMajorInLowByte) {
  EXPECT_EQ(MAKEWORD(2, 2), 0x0202);
  EXPECT_EQ(MAKEWORD(1, 2), 0x0201);
  EXPECT_EQ(LOBYTE(MAKEWORD(1, 2)), 1);
  EXPECT_EQ(HIBYTE(MAKEWORD(1, 2)), 2);
  EXPECT_EQ(LOWORD(0x12345678u), 0x5678);
  EXPECT_EQ(HIWORD(0x12345678u), 0x1234);
}

TEST(Prefix, WindowsAndLinuxTypesCoexist) {
  // With WS2EMU_WS_PREFIX, the Linux names keep their Linux meaning.
  EXPECT_EQ(AF_INET6, 10);
  EXPECT_EQ(WS_AF_INET6, 23);
  EXPECT_EQ(sizeof(fd_set), 128u);
  EXPECT_EQ(sizeof(WS_fd_set), 520u);
  EXPECT_EQ(sizeof(struct timeval), 16u);
  EXPECT_EQ(sizeof(struct WS_timeval), 8u);
  EXPECT_EQ(sizeof(struct sockaddr_in6), 28u);
  EXPECT_EQ(sizeof(struct WS_sockaddr_in6), 28u);
  struct WS_sockaddr_in sin = {};
  sin.sin_addr.WS_s_addr = 0x0100007f;
  EXPECT_EQ(sin.sin_addr.S_un.S_un_b.s_b1, 0x7f);
  EXPECT_EQ(INVALID_SOCKET, ~static_cast<SOCKET>(0));
}

TEST(Types, WcharIsUtf16) {
  const WCHAR text[] = u"Winsock";
  EXPECT_EQ(sizeof(WCHAR), 2u);
  EXPECT_EQ(sizeof(text), 16u);
}

}  // namespace
