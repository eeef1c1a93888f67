// WSOCK32.dll: the Winsock 1.1 library, as a built-in module over the same functions WS2_32.dll
// uses. Its ordinals are Winsock 1.1's (1-23, 51-57, 101-116, 151); they match ws2_32's except
// 10-12, which are inet_addr, inet_ntoa, ioctlsocket here (ws2_32 has ioctlsocket at 10).
// Only what the runtime implements is listed, so that `ws2emu-run --check` names whatever a
// program needs that is still missing (WSAAsyncGet*, and WSOCK32's own extras such as WSARecvEx
// or EnumProtocolsA).
//
// getsockopt and setsockopt differ: Winsock 1.1 numbered the IPPROTO_IP options from
// winsock.h (IP_MULTICAST_IF 2 ... IP_DONTFRAGMENT 9), Winsock 2 from ws2ipdef.h (9 ... 14);
// WSOCK32 maps the old numbers onto the new before the call, as Windows' wsock32.dll does.
#include "exports/builtin.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

// winsock.h's IPPROTO_IP option n -> ws2ipdef.h's: IP_OPTIONS 1, IP_MULTICAST_IF 2 -> 9,
// IP_MULTICAST_TTL 3 -> 10, IP_MULTICAST_LOOP 4 -> 11, IP_ADD_MEMBERSHIP 5 -> 12,
// IP_DROP_MEMBERSHIP 6 -> 13, IP_TTL 7 -> 4, IP_TOS 8 -> 3, IP_DONTFRAGMENT 9 -> 14. Others
// pass unchanged.
constexpr int kWinsock1IpOptions[] = {0, 1, 9, 10, 11, 12, 13, 4, 3, 14};

int IpOptionOfWinsock1(int level, int optname) {
  if (level != 0 /* IPPROTO_IP */ || optname < 0 ||
      optname >= static_cast<int>(sizeof(kWinsock1IpOptions) / sizeof(kWinsock1IpOptions[0])))
    return optname;
  return kWinsock1IpOptions[optname];
}

int WSAAPI Wsock32GetSockOpt(SOCKET s, int level, int optname, char *optval, int *optlen) {
  return ws2emu_getsockopt(s, level, IpOptionOfWinsock1(level, optname), optval, optlen);
}

int WSAAPI Wsock32SetSockOpt(SOCKET s, int level, int optname, const char *optval, int optlen) {
  return ws2emu_setsockopt(s, level, IpOptionOfWinsock1(level, optname), optval, optlen);
}

#define EXPORT(name, ordinal) {#name, ordinal, reinterpret_cast<const void *>(&name)}
#define EXPORT_AS(name, fn, ordinal) {name, ordinal, reinterpret_cast<const void *>(&fn)}
const BuiltinExport kExports[] = {
    EXPORT_AS("accept", ws2emu_accept, 1),
    EXPORT_AS("bind", ws2emu_bind, 2),
    EXPORT_AS("closesocket", ws2emu_closesocket, 3),
    EXPORT_AS("connect", ws2emu_connect, 4),
    EXPORT_AS("getpeername", ws2emu_getpeername, 5),
    EXPORT_AS("getsockname", ws2emu_getsockname, 6),
    EXPORT_AS("getsockopt", Wsock32GetSockOpt, 7),
    EXPORT_AS("htonl", ws2emu_htonl, 8),
    EXPORT_AS("htons", ws2emu_htons, 9),
    EXPORT_AS("inet_addr", ws2emu_inet_addr, 10),
    EXPORT_AS("inet_ntoa", ws2emu_inet_ntoa, 11),
    EXPORT_AS("ioctlsocket", ws2emu_ioctlsocket, 12),
    EXPORT_AS("listen", ws2emu_listen, 13),
    EXPORT_AS("ntohl", ws2emu_ntohl, 14),
    EXPORT_AS("ntohs", ws2emu_ntohs, 15),
    EXPORT_AS("recv", ws2emu_recv, 16),
    EXPORT_AS("recvfrom", ws2emu_recvfrom, 17),
    EXPORT_AS("select", ws2emu_select, 18),
    EXPORT_AS("send", ws2emu_send, 19),
    EXPORT_AS("sendto", ws2emu_sendto, 20),
    EXPORT_AS("setsockopt", Wsock32SetSockOpt, 21),
    EXPORT_AS("shutdown", ws2emu_shutdown, 22),
    EXPORT_AS("socket", ws2emu_socket, 23),
    EXPORT_AS("gethostbyaddr", ws2emu_gethostbyaddr, 51),
    EXPORT_AS("gethostbyname", ws2emu_gethostbyname, 52),
    EXPORT_AS("getprotobyname", ws2emu_getprotobyname, 53),
    EXPORT_AS("getprotobynumber", ws2emu_getprotobynumber, 54),
    EXPORT_AS("getservbyname", ws2emu_getservbyname, 55),
    EXPORT_AS("getservbyport", ws2emu_getservbyport, 56),
    EXPORT_AS("gethostname", ws2emu_gethostname, 57),
    EXPORT(WSAAsyncSelect, 101),
    EXPORT(WSASetBlockingHook, 109),
    EXPORT(WSAUnhookBlockingHook, 110),
    EXPORT(WSAGetLastError, 111),
    EXPORT(WSASetLastError, 112),
    EXPORT(WSACancelBlockingCall, 113),
    EXPORT(WSAIsBlocking, 114),
    EXPORT(WSAStartup, 115),
    EXPORT(WSACleanup, 116),
    EXPORT(__WSAFDIsSet, 151),
    // WSOCK32's Microsoft extensions, by their wsock32 ordinals (mswsock's functions).
    EXPORT(TransmitFile, 1140),
    EXPORT(AcceptEx, 1141),
    EXPORT(GetAcceptExSockaddrs, 1142),
};
#undef EXPORT
#undef EXPORT_AS

}  // namespace

const BuiltinModule kWsock32Module = {"WSOCK32.dll", kExports,
                                      sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
