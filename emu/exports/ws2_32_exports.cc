// ws2_32.dll: the exports the runtime implements so far (the upcall-related ones, the event and
// wait calls, the blocking hooks, the last error, the catalog calls).
//
// Ordinals. 1-23, 51-57, 101-116 and 151 are the Winsock 1.1 ones every ws2_32 keeps. Windows
// numbers the rest alphabetically per release; the ones here are those of the x64 Windows 10
// ws2_32.dll (which has WSCInstallProviderAndChains64_32 but no WSCInstallProviderAndChains:
// that one is found by name only, as the 32-bit call it is).
#include "exports/builtin.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

#define EXPORT(name, ordinal) {#name, ordinal, reinterpret_cast<const void *>(&name)}
const BuiltinExport kExports[] = {
    // Start-up and the socket calls (lib/winsock).
    EXPORT(WSAStartup, 115),
    EXPORT(WSACleanup, 116),
    // End of the socket calls.
    // Names and addresses (lib/winsock names).
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
    EXPORT(WSCGetProviderPath, 139),
    EXPORT(WSCGetProviderPath32, 140),
    EXPORT(WSCInstallProvider, 146),
    EXPORT(WSCInstallProvider64_32, 147),
    EXPORT(WSCInstallProviderAndChains64_32, 148),
    EXPORT(WSCUpdateProvider, 158),
    EXPORT(WSCUpdateProvider32, 159),
    EXPORT(WSCWriteProviderOrder, 163),
    EXPORT(WSCWriteProviderOrder32, 164),
    EXPORT(WSCInstallProviderAndChains, 0),
    EXPORT(WSApSetPostRoutine, 0),
};
#undef EXPORT

}  // namespace

const BuiltinModule kWs2_32Module = {"WS2_32.dll", kExports, sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
