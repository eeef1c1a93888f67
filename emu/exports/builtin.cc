#include "exports/builtin.h"

#include <strings.h>

#include <atomic>
#include <cstring>

namespace ws2emu::emu {
namespace {

const BuiltinModule *const kModules[] = {&kKernel32Module, &kWs2_32Module, &kMsvcrtModule,
                                         &kUser32Module,   &kRpcrt4Module, &kOle32Module,
                                         &kMswsockModule, &kIphlpapiModule,
                                         &kWsock32Module};

std::string_view StripDll(std::string_view name) {
  if (name.size() >= 4 && strncasecmp(name.data() + name.size() - 4, ".dll", 4) == 0)
    name.remove_suffix(4);
  return name;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::atomic<BuiltinExportFilter> g_filter{nullptr};

const void *Filtered(const BuiltinModule &module, const BuiltinExport &e) {
  BuiltinExportFilter filter = g_filter.load(std::memory_order_acquire);
  return filter != nullptr ? filter(module, e.name, e.address) : e.address;
}

}  // namespace

void SetBuiltinExportFilter(BuiltinExportFilter filter) {
  g_filter.store(filter, std::memory_order_release);
}

const BuiltinModule *FindBuiltinModule(std::string_view dll_name) {
  std::string_view wanted = StripDll(dll_name);
  for (const BuiltinModule *m : kModules) {
    if (EqualsIgnoreCase(StripDll(m->name), wanted)) return m;
  }
  return nullptr;
}

const BuiltinModule *BuiltinModuleAt(const void *address) {
  for (const BuiltinModule *m : kModules) {
    if (m == address) return m;
  }
  return nullptr;
}

const void *FindBuiltinExport(const BuiltinModule &module, std::string_view name) {
  for (size_t i = 0; i < module.count; ++i) {
    if (name == module.exports[i].name) return Filtered(module, module.exports[i]);
  }
  return nullptr;
}

const void *FindBuiltinExportByOrdinal(const BuiltinModule &module, uint16_t ordinal) {
  if (ordinal == 0) return nullptr;
  for (size_t i = 0; i < module.count; ++i) {
    if (module.exports[i].ordinal == ordinal) return Filtered(module, module.exports[i]);
  }
  return nullptr;
}

}  // namespace ws2emu::emu

// The C API (ws2emu.h): another PE loader binds its imports to the same tables.
extern "C" void *ws2emu_find_export(const char *dll, const char *name) {
  if (dll == nullptr || name == nullptr) return nullptr;
  const ws2emu::emu::BuiltinModule *m = ws2emu::emu::FindBuiltinModule(dll);
  return m != nullptr ? const_cast<void *>(ws2emu::emu::FindBuiltinExport(*m, name)) : nullptr;
}

extern "C" void *ws2emu_find_export_ordinal(const char *dll, unsigned ordinal) {
  if (dll == nullptr || ordinal == 0 || ordinal > 0xffff) return nullptr;
  const ws2emu::emu::BuiltinModule *m = ws2emu::emu::FindBuiltinModule(dll);
  return m != nullptr ? const_cast<void *>(ws2emu::emu::FindBuiltinExportByOrdinal(
                            *m, static_cast<uint16_t>(ordinal)))
                      : nullptr;
}
