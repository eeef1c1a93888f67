#include "net/net.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

namespace ws2emu::net {
namespace {

// One row per pair; both directions walk the same rows.
struct IntPair {
  int ws;
  int unix_value;
};

constexpr IntPair kFamilies[] = {
    {WS_AF_UNSPEC, AF_UNSPEC},
    {WS_AF_INET, AF_INET},
    {WS_AF_INET6, AF_INET6},
};

constexpr IntPair kSockTypes[] = {
    {WS_SOCK_STREAM, SOCK_STREAM}, {WS_SOCK_DGRAM, SOCK_DGRAM},
    {WS_SOCK_RAW, SOCK_RAW},       {WS_SOCK_RDM, SOCK_RDM},
    {WS_SOCK_SEQPACKET, SOCK_SEQPACKET},
};

template <size_t N>
int ToUnix(const IntPair (&table)[N], int ws) {
  for (const IntPair &row : table) {
    if (row.ws == ws) return row.unix_value;
  }
  return -1;
}

template <size_t N>
int FromUnix(const IntPair (&table)[N], int unix_value) {
  for (const IntPair &row : table) {
    if (row.unix_value == unix_value) return row.ws;
  }
  return -1;
}

}  // namespace

int FamilyToUnix(int ws_family) { return ToUnix(kFamilies, ws_family); }
int FamilyFromUnix(int family) { return FromUnix(kFamilies, family); }
int SockTypeToUnix(int ws_type) { return ToUnix(kSockTypes, ws_type); }
int SockTypeFromUnix(int type) { return FromUnix(kSockTypes, type); }

int SockaddrSize(int ws_family) {
  switch (ws_family) {
    case WS_AF_INET:
      return sizeof(struct WS_sockaddr_in);
    case WS_AF_INET6:
      return sizeof(struct WS_sockaddr_in6);
    default:
      return 0;
  }
}

}  // namespace ws2emu::net
