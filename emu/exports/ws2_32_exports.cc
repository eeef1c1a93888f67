// ws2_32.dll: the Winsock API (start-up, the socket calls routed through the catalog, names and
// addresses), the upcall-related exports, the event and wait calls, the blocking hooks, the last
// error and the catalog calls.
//
// Ordinals. 1-23, 51-57, 101-116 and 151 are the Winsock 1.1 ones every ws2_32 keeps. Windows
// numbers the rest alphabetically per release, skipping those (24-50, 58-100, 117-150, 152 on:
// FreeAddrInfoEx 24 ... WSAConnectByNameW 49, WSACreateEvent 50, WSADuplicateSocketA 58 ...
// WSASetEvent 100, WSASetServiceA 117 ... WSCWriteProviderOrder32 164, the Wah* helpers, then
// freeaddrinfo ... inet_pton); the ones here are those of the x64 Windows 10 ws2_32.dll (which has WSCInstallProviderAndChains64_32 but no WSCInstallProviderAndChains:
// that one is found by name only, as the 32-bit call it is). [inference] The ordinals of
// WSCGetApplicationCategory 135, WSCGetProviderInfo(32) 137/138, WSCSetApplicationCategory 150
// and WSCSetProviderInfo(32) 153/154 follow from that numbering: 127-131 are
// WSCDeinstallProviderEx .. WSCEnumNameSpaceProvidersEx32, 134 WSCEnumProtocolsEx, 136
// WSCGetApplicationCategoryEx, 149 WSCInstallProviderEx, 151 skipped, 152
// WSCSetApplicationCategoryEx, 155-157 the WSCUnInstallNameSpace* calls.
#include "exports/builtin.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

#define EXPORT(name, ordinal) {#name, ordinal, reinterpret_cast<const void *>(&name)}
// A function whose Windows name libc also has: the runtime's ws2emu_ one, under that name.
#define EXPORT_AS(name, fn, ordinal) {name, ordinal, reinterpret_cast<const void *>(&fn)}
const BuiltinExport kExports[] = {
    // Start-up and the socket calls (lib/winsock).
    EXPORT(WSAStartup, 115),
    EXPORT(WSACleanup, 116),
    EXPORT_AS("accept", ws2emu_accept, 1),
    EXPORT_AS("bind", ws2emu_bind, 2),
    EXPORT_AS("closesocket", ws2emu_closesocket, 3),
    EXPORT_AS("connect", ws2emu_connect, 4),
    EXPORT_AS("getpeername", ws2emu_getpeername, 5),
    EXPORT_AS("getsockname", ws2emu_getsockname, 6),
    EXPORT_AS("getsockopt", ws2emu_getsockopt, 7),
    EXPORT_AS("ioctlsocket", ws2emu_ioctlsocket, 10),
    EXPORT_AS("listen", ws2emu_listen, 13),
    EXPORT_AS("recv", ws2emu_recv, 16),
    EXPORT_AS("recvfrom", ws2emu_recvfrom, 17),
    EXPORT_AS("select", ws2emu_select, 18),
    EXPORT_AS("send", ws2emu_send, 19),
    EXPORT_AS("sendto", ws2emu_sendto, 20),
    EXPORT_AS("setsockopt", ws2emu_setsockopt, 21),
    EXPORT_AS("shutdown", ws2emu_shutdown, 22),
    EXPORT_AS("socket", ws2emu_socket, 23),
    EXPORT(WSAAsyncSelect, 101),
    EXPORT(__WSAFDIsSet, 151),
    EXPORT(WSAAccept, 41),
    EXPORT(WSAAddressToStringA, 42),
    EXPORT(WSAAddressToStringW, 43),
    EXPORT(WSAConnect, 46),
    EXPORT(WSAConnectByNameA, 48),
    EXPORT(WSAConnectByNameW, 49),
    EXPORT(WSADuplicateSocketA, 58),
    EXPORT(WSADuplicateSocketW, 59),
    EXPORT(WSAEnumNetworkEvents, 64),
    EXPORT(WSAEventSelect, 67),
    EXPORT(WSAGetOverlappedResult, 68),
    EXPORT(WSAHtonl, 74),
    EXPORT(WSAHtons, 75),
    EXPORT(WSAIoctl, 78),
    EXPORT(WSANtohl, 86),
    EXPORT(WSANtohs, 87),
    EXPORT(WSAPoll, 88),
    EXPORT(WSARecv, 91),
    EXPORT(WSARecvDisconnect, 92),
    EXPORT(WSARecvFrom, 93),
    EXPORT(WSASend, 96),
    EXPORT(WSASendDisconnect, 97),
    EXPORT(WSASendTo, 99),
    EXPORT(WSASocketA, 119),
    EXPORT(WSASocketW, 120),
    EXPORT(WSAStringToAddressA, 121),
    EXPORT(WSAStringToAddressW, 122),
    // End of the socket calls.
    // Names and addresses (lib/winsock names).
    EXPORT_AS("htonl", ws2emu_htonl, 8),
    EXPORT_AS("htons", ws2emu_htons, 9),
    EXPORT_AS("inet_addr", ws2emu_inet_addr, 11),
    EXPORT_AS("inet_ntoa", ws2emu_inet_ntoa, 12),
    EXPORT_AS("ntohl", ws2emu_ntohl, 14),
    EXPORT_AS("ntohs", ws2emu_ntohs, 15),
    EXPORT(InetNtopW, 34),
    EXPORT(InetPtonW, 35),
    EXPORT_AS("inet_ntop", ws2emu_inet_ntop, 192),
    EXPORT_AS("inet_pton", ws2emu_inet_pton, 193),
    EXPORT(FreeAddrInfoEx, 24),
    EXPORT(FreeAddrInfoExW, 25),
    EXPORT(FreeAddrInfoW, 26),
    EXPORT(GetAddrInfoExA, 27),
    EXPORT(GetAddrInfoExCancel, 28),
    EXPORT(GetAddrInfoExOverlappedResult, 29),
    EXPORT(GetAddrInfoExW, 30),
    EXPORT(GetAddrInfoW, 31),
    EXPORT(GetHostNameW, 32),
    EXPORT(GetNameInfoW, 33),
    EXPORT_AS("gethostbyaddr", ws2emu_gethostbyaddr, 51),
    EXPORT_AS("gethostbyname", ws2emu_gethostbyname, 52),
    EXPORT_AS("getprotobyname", ws2emu_getprotobyname, 53),
    EXPORT_AS("getprotobynumber", ws2emu_getprotobynumber, 54),
    EXPORT_AS("getservbyname", ws2emu_getservbyname, 55),
    EXPORT_AS("getservbyport", ws2emu_getservbyport, 56),
    EXPORT_AS("gethostname", ws2emu_gethostname, 57),
    EXPORT_AS("freeaddrinfo", ws2emu_freeaddrinfo, 189),
    EXPORT_AS("getaddrinfo", ws2emu_getaddrinfo, 190),
    EXPORT_AS("getnameinfo", ws2emu_getnameinfo, 191),
    // End of names and addresses.
    EXPORT(WPUCompleteOverlappedRequest, 39),
    EXPORT(WSACloseEvent, 45),
    EXPORT(WSACreateEvent, 50),
    EXPORT(WSAEnumProtocolsA, 65),
    EXPORT(WSAEnumProtocolsW, 66),
    EXPORT(WSAResetEvent, 95),
    EXPORT(WSASetEvent, 100),
    EXPORT(WSASetBlockingHook, 109),
    EXPORT(WSAUnhookBlockingHook, 110),
    EXPORT(WSAGetLastError, 111),
    EXPORT(WSASetLastError, 112),
    EXPORT(WSACancelBlockingCall, 113),
    EXPORT(WSAIsBlocking, 114),
    EXPORT(WSAWaitForMultipleEvents, 124),
    EXPORT(WSCDeinstallProvider, 125),
    EXPORT(WSCDeinstallProvider32, 126),
    EXPORT(WSCEnumProtocols, 132),
    EXPORT(WSCEnumProtocols32, 133),
    EXPORT(WSCGetApplicationCategory, 135),
    EXPORT(WSCGetProviderInfo, 137),
    EXPORT(WSCGetProviderInfo32, 138),
    EXPORT(WSCGetProviderPath, 139),
    EXPORT(WSCGetProviderPath32, 140),
    EXPORT(WSCInstallProvider, 146),
    EXPORT(WSCInstallProvider64_32, 147),
    EXPORT(WSCInstallProviderAndChains64_32, 148),
    EXPORT(WSCSetApplicationCategory, 150),
    EXPORT(WSCSetProviderInfo, 153),
    EXPORT(WSCSetProviderInfo32, 154),
    EXPORT(WSCUpdateProvider, 158),
    EXPORT(WSCUpdateProvider32, 159),
    EXPORT(WSCWriteProviderOrder, 163),
    EXPORT(WSCWriteProviderOrder32, 164),
    // Name-space providers: the catalog (lib/catalog/name_spaces.cc) and the queries routed to
    // them (lib/winsock/rnr.cc). Ordinals of the x64 Windows 10 ws2_32.dll, in the alphabetical
    // numbering described at the top.
    EXPORT(WSAEnumNameSpaceProvidersA, 60),
    EXPORT(WSAEnumNameSpaceProvidersExA, 61),
    EXPORT(WSAEnumNameSpaceProvidersExW, 62),
    EXPORT(WSAEnumNameSpaceProvidersW, 63),
    EXPORT(WSAGetServiceClassInfoA, 70),
    EXPORT(WSAGetServiceClassInfoW, 71),
    EXPORT(WSAInstallServiceClassW, 77),
    EXPORT(WSALookupServiceBeginA, 80),
    EXPORT(WSALookupServiceBeginW, 81),
    EXPORT(WSALookupServiceEnd, 82),
    EXPORT(WSALookupServiceNextA, 83),
    EXPORT(WSALookupServiceNextW, 84),
    EXPORT(WSARemoveServiceClass, 94),
    EXPORT(WSASetServiceA, 117),
    EXPORT(WSASetServiceW, 118),
    EXPORT(WSCEnableNSProvider, 128),
    EXPORT(WSCEnableNSProvider32, 129),
    EXPORT(WSCEnumNameSpaceProviders32, 130),
    EXPORT(WSCEnumNameSpaceProvidersEx32, 131),
    EXPORT(WSCInstallNameSpace, 141),
    EXPORT(WSCInstallNameSpace32, 142),
    EXPORT(WSCInstallNameSpaceEx, 143),
    EXPORT(WSCInstallNameSpaceEx32, 145),
    EXPORT(WSCUnInstallNameSpace, 155),
    EXPORT(WSCUnInstallNameSpace32, 156),
    // [inference] Not in the x64 ws2_32's table as far as known; found by name for installers
    // written against the names.
    EXPORT(WSCInstallNameSpace64_32, 0),
    EXPORT(WSCInstallNameSpaceEx64_32, 0),
    // [inference] Windows 10 has them; their ordinals are not known here, so by name only.
    EXPORT(WSCWriteNameSpaceOrder, 0),
    EXPORT(WSCWriteNameSpaceOrder32, 0),
    EXPORT(WSCInstallProviderAndChains, 0),
    EXPORT(WSApSetPostRoutine, 0),
};
#undef EXPORT
#undef EXPORT_AS

}  // namespace

const BuiltinModule kWs2_32Module = {"WS2_32.dll", kExports, sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
