// mswsock.dll: the built-in base provider (lib/base_provider) and name-space provider
// (lib/namespaces), found by name only. A catalog
// entry at %SystemRoot%\system32\mswsock.dll, and LoadLibrary of that path in any spelling the
// drive map resolves, give this module (lib/modules: a path into the system folder names the
// built-in), so a layered provider loads the base provider the way it does on Windows:
// WSCGetProviderPath, LoadLibraryW, GetProcAddress(h, "WSPStartup").
#include "base_provider/base_provider.h"
#include "exports/builtin.h"
#include "namespaces/dns_provider.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

const BuiltinExport kExports[] = {
    {"WSPStartup", 0, reinterpret_cast<const void *>(&base_provider::WSPStartup)},
    // The TCP/IP name-space provider ("Tcpip" in the name-space catalog; lib/namespaces), which
    // a layered name-space provider loads by this name and starts under its own GUID.
    {"NSPStartup", 0, reinterpret_cast<const void *>(&namespaces::DnsNSPStartup)},
    // What programs import from mswsock (lib/winsock/extensions.cc): the socket's provider's
    // extension functions.
    {"AcceptEx", 0, reinterpret_cast<const void *>(&AcceptEx)},
    {"GetAcceptExSockaddrs", 0, reinterpret_cast<const void *>(&GetAcceptExSockaddrs)},
    {"TransmitFile", 0, reinterpret_cast<const void *>(&TransmitFile)},
};

}  // namespace

const BuiltinModule kMswsockModule = {"MSWSOCK.dll", kExports, sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
