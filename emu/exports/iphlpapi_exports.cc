// IPHLPAPI.dll: the IP Helper calls of lib/adapters (the machine's interfaces in Windows'
// structures), found by name only, as programs import them.
#include "exports/builtin.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

#define EXPORT(name) {#name, 0, reinterpret_cast<const void *>(&name)}
// A function whose Windows name libc also has: the runtime's ws2emu_ one, under that name.
#define EXPORT_AS(name, fn) {name, 0, reinterpret_cast<const void *>(&fn)}
const BuiltinExport kExports[] = {
    EXPORT(GetAdaptersAddresses),
    EXPORT(GetAdaptersInfo),
    EXPORT(GetBestInterface),
    EXPORT(GetBestInterfaceEx),
    EXPORT(GetNetworkParams),
    EXPORT(GetNumberOfInterfaces),
    EXPORT_AS("if_indextoname", ws2emu_if_indextoname),
    EXPORT_AS("if_nametoindex", ws2emu_if_nametoindex),
};
#undef EXPORT
#undef EXPORT_AS

}  // namespace

const BuiltinModule kIphlpapiModule = {"IPHLPAPI.DLL", kExports,
                                       sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
