// emu/exports/builtin.h — the tables of Windows functions ws2emu implements, by DLL, by name and
// by ordinal: what a PE image's imports bind to, and what ws2emu_find_export() answers.
//
//   const BuiltinModule *k32 = FindBuiltinModule("KERNEL32.dll");
//   const void *fn = k32 != nullptr ? FindBuiltinExport(*k32, "SetEvent") : nullptr;
//
// Every address is an ms_abi function with the Windows signature. A table lists only functions
// that really do their job; an import that is in no table binds to a trap (see the loader), so
// nothing here may be a placeholder. Names are case-sensitive, as GetProcAddress is; DLL names
// are not, and ".dll" is optional. Ordinals are the real ws2_32 ones where Windows fixed them
// (the Winsock 1.1 set); other functions are found by name only (ordinal 0). LoadLibrary, the
// loader's imports and the provider manager reach these tables through lib/modules, to which
// emu/loader/module_backends.cc registers them (a handle there is a BuiltinModule's address).
#ifndef WS2EMU_EMU_EXPORTS_BUILTIN_H_
#define WS2EMU_EMU_EXPORTS_BUILTIN_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ws2emu::emu {

struct BuiltinExport {
  const char *name;
  uint16_t ordinal;  // 0: by name only
  const void *address;
};

struct BuiltinModule {
  const char *name;  // canonical Windows file name, e.g. "KERNEL32.dll"
  const BuiltinExport *exports;
  size_t count;
};

// The built-in module with this Windows name, or null.
const BuiltinModule *FindBuiltinModule(std::string_view dll_name);
// The built-in module whose table is at `address` (its HMODULE), or null.
const BuiltinModule *BuiltinModuleAt(const void *address);
const void *FindBuiltinExport(const BuiltinModule &module, std::string_view name);
const void *FindBuiltinExportByOrdinal(const BuiltinModule &module, uint16_t ordinal);

// A filter on every export handed out above (by name or ordinal: imports bound, GetProcAddress,
// ws2emu_find_export): ws2emu-run --trace=api hands out tracing wrappers of the WS2_32.dll
// functions in their place. Null (the default): the real functions. Decided at lookup time,
// so calls cost nothing more when tracing is off.
using BuiltinExportFilter = const void *(*)(const BuiltinModule &module, const char *name,
                                            const void *address);
void SetBuiltinExportFilter(BuiltinExportFilter filter);

// The tables, one per DLL (defined in <dll>_exports.cc).
extern const BuiltinModule kKernel32Module;
extern const BuiltinModule kWs2_32Module;
extern const BuiltinModule kMsvcrtModule;
extern const BuiltinModule kUser32Module;
extern const BuiltinModule kRpcrt4Module;
extern const BuiltinModule kOle32Module;
extern const BuiltinModule kMswsockModule;  // the base provider
extern const BuiltinModule kIphlpapiModule;
extern const BuiltinModule kWsock32Module;  // Winsock 1.1 over the ws2_32 functions

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_EXPORTS_BUILTIN_H_
