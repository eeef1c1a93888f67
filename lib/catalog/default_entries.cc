#include "catalog/default_entries.h"

#include <cstring>
#include <string_view>

namespace ws2emu::catalog {
namespace {

// The values, and where they were checked against Windows:
// - `netsh winsock show catalog` of a stock Windows 7 (Windows Internals, 6th edition, part 1,
//   chapter 7, "Winsock"; https://usr.bibliboba.online/books/windows-r-internals-sixth-edition-
//   part-1/p/292): "MSAFD Tcpip [TCP/IP]" and "[UDP/IP]" under provider
//   {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}, path %SystemRoot%\system32\mswsock.dll, catalog IDs
//   1001 and 1002, Version 2, Address Family 2, Max/Min Address Length 16/16, Socket Type 1 and
//   2, Protocol 6 and 17, Service Flags 0x20066 (TCP) and 0x20609 (UDP), Protocol Chain Length 1.
// - Wine's table of the protocols WSAEnumProtocols reports, taken from Windows
//   (dlls/ws2_32/socket.c, supported_protocols[]): the same flags spelled out —
//   TCP: XP1_IFS_HANDLES|XP1_EXPEDITED_DATA|XP1_GRACEFUL_CLOSE|XP1_GUARANTEED_ORDER|
//   XP1_GUARANTEED_DELIVERY; UDP: XP1_IFS_HANDLES|XP1_SUPPORT_BROADCAST|XP1_SUPPORT_MULTIPOINT|
//   XP1_MESSAGE_ORIENTED|XP1_CONNECTIONLESS — PFL_MATCHES_PROTOCOL_ZERO on all four,
//   dwMessageSize 0xFFBB (65467) for UDP over IPv4 *and* IPv6, 0 for TCP, and
//   sizeof(sockaddr_in6) = 28 as both address lengths of the IPv6 entries. iProtocolMaxOffset,
//   iNetworkByteOrder (BIGENDIAN), iSecurityScheme (SECURITY_PROTOCOL_NONE) and
//   dwProviderReserved are 0 there.
// - Dumps of real catalogs (Firefox crash reports' Winsock_LSP field; `ndinstall -i` on Windows
//   Server) list "MSAFD Tcpip [TCP/IPv6]" and "[UDP/IPv6]" with the same path,
//   %SystemRoot%\system32\mswsock.dll; the issue gives MSAFD's GUID for all four (Wine still
//   uses Windows XP's separate IPv6 provider, {F9EAB0C0-26D4-11D0-BBBF-00AA006C34E4}).
// [inference] The order of the four differs between Windows releases (Windows 7 lists
// [TCP/IP] first, some recent Server builds [TCP/IPv6] first), and Windows has [RAW/IP] and
// [RAW/IPv6] entries between them. ws2emu ships TCP and UDP only (raw sockets need privileges
// ws2emu does not assume), IPv4 first as Windows 7 does.
static_assert(sizeof(WS_sockaddr_in) == 16 && sizeof(WS_sockaddr_in6) == 28,
              "the address lengths are Windows' sockaddr sizes");

constexpr DWORD kTcpServiceFlags = XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER |
                                   XP1_GRACEFUL_CLOSE | XP1_EXPEDITED_DATA | XP1_IFS_HANDLES;
constexpr DWORD kUdpServiceFlags = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED |
                                   XP1_SUPPORT_BROADCAST | XP1_SUPPORT_MULTIPOINT |
                                   XP1_IFS_HANDLES;
static_assert(kTcpServiceFlags == 0x20066 && kUdpServiceFlags == 0x20609,
              "the Service Flags `netsh winsock show catalog` prints");
constexpr DWORD kUdpMessageSize = 0xFFBB;

struct Shape {
  std::u16string_view name;
  int family;
  int socket_type;
  int protocol;
};

// In catalog order.
constexpr Shape kShapes[kDefaultEntryCount] = {
    {u"MSAFD Tcpip [TCP/IP]", WS_AF_INET, WS_SOCK_STREAM, WS_IPPROTO_TCP},
    {u"MSAFD Tcpip [UDP/IP]", WS_AF_INET, WS_SOCK_DGRAM, WS_IPPROTO_UDP},
    {u"MSAFD Tcpip [TCP/IPv6]", WS_AF_INET6, WS_SOCK_STREAM, WS_IPPROTO_TCP},
    {u"MSAFD Tcpip [UDP/IPv6]", WS_AF_INET6, WS_SOCK_DGRAM, WS_IPPROTO_UDP},
};

WSAPROTOCOL_INFOW MakeInfo(const Shape &shape, uint32_t id) {
  WSAPROTOCOL_INFOW p;
  std::memset(&p, 0, sizeof(p));  // the reserved flags, the rest of the chain and the name
  const bool tcp = shape.socket_type == WS_SOCK_STREAM;
  const int address_length =
      shape.family == WS_AF_INET6 ? sizeof(WS_sockaddr_in6) : sizeof(WS_sockaddr_in);
  p.dwServiceFlags1 = tcp ? kTcpServiceFlags : kUdpServiceFlags;
  p.dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
  p.ProviderId = kMsafdProviderId;
  p.dwCatalogEntryId = id;
  p.ProtocolChain.ChainLen = BASE_PROTOCOL;
  p.ProtocolChain.ChainEntries[0] = id;
  p.iVersion = 2;
  p.iAddressFamily = shape.family;
  p.iMaxSockAddr = address_length;
  p.iMinSockAddr = address_length;
  p.iSocketType = shape.socket_type;
  p.iProtocol = shape.protocol;
  p.iProtocolMaxOffset = 0;
  p.iNetworkByteOrder = BIGENDIAN;
  p.iSecurityScheme = SECURITY_PROTOCOL_NONE;
  p.dwMessageSize = tcp ? 0 : kUdpMessageSize;
  p.dwProviderReserved = 0;
  static_assert(sizeof(p.szProtocol) / sizeof(p.szProtocol[0]) > 22, "the longest name fits");
  std::memcpy(p.szProtocol, shape.name.data(), shape.name.size() * sizeof(char16_t));
  return p;
}

}  // namespace

std::vector<Entry> DefaultBaseEntries(uint32_t first_id) {
  std::vector<Entry> entries;
  entries.reserve(kDefaultEntryCount);
  for (uint32_t i = 0; i < kDefaultEntryCount; ++i) {
    entries.push_back(Entry{MakeInfo(kShapes[i], first_id + i), std::u16string(kMsafdPath)});
  }
  return entries;
}

std::vector<NameSpaceEntry> DefaultNameSpaces() {
  NameSpaceEntry tcpip;
  tcpip.provider = kTcpipNameSpaceId;
  tcpip.identifier = kTcpipNameSpaceIdentifier;
  tcpip.path = kMsafdPath;
  tcpip.name_space = 12;  // NS_DNS
  // [inference] netsh winsock show catalog reports "Version: 0" for the name-space providers
  // Windows ships (the NLA entry in Windows Internals' sample output); the same for Tcpip.
  tcpip.version = 0;
  tcpip.active = true;
  return {tcpip};
}

Catalog DefaultCatalog() {
  Catalog c;
  c.entries = DefaultBaseEntries(kFirstCatalogId);
  c.next_id = kFirstCatalogId + kDefaultEntryCount;
  return c;
}

}  // namespace ws2emu::catalog
