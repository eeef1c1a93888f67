// ws2_32.dll: the exports the runtime implements so far (the upcall-related ones, the event and
// wait calls, the blocking hooks, the last error). Ordinals 109-114 are the Winsock 1.1 ones.
#include "exports/builtin.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

const BuiltinExport kExports[] = {
    {"WSASetBlockingHook", 109, reinterpret_cast<const void *>(&WSASetBlockingHook)},
    {"WSAUnhookBlockingHook", 110, reinterpret_cast<const void *>(&WSAUnhookBlockingHook)},
    {"WSAGetLastError", 111, reinterpret_cast<const void *>(&WSAGetLastError)},
    {"WSASetLastError", 112, reinterpret_cast<const void *>(&WSASetLastError)},
    {"WSACancelBlockingCall", 113, reinterpret_cast<const void *>(&WSACancelBlockingCall)},
    {"WSAIsBlocking", 114, reinterpret_cast<const void *>(&WSAIsBlocking)},
    {"WPUCompleteOverlappedRequest", 0,
     reinterpret_cast<const void *>(&WPUCompleteOverlappedRequest)},
    {"WSApSetPostRoutine", 0, reinterpret_cast<const void *>(&WSApSetPostRoutine)},
    {"WSACreateEvent", 0, reinterpret_cast<const void *>(&WSACreateEvent)},
    {"WSASetEvent", 0, reinterpret_cast<const void *>(&WSASetEvent)},
    {"WSAResetEvent", 0, reinterpret_cast<const void *>(&WSAResetEvent)},
    {"WSACloseEvent", 0, reinterpret_cast<const void *>(&WSACloseEvent)},
    {"WSAWaitForMultipleEvents", 0, reinterpret_cast<const void *>(&WSAWaitForMultipleEvents)},
};

}  // namespace

const BuiltinModule kWs2_32Module = {"WS2_32.dll", kExports, sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
