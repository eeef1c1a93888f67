#include "loader/module_backends.h"

#include <cstdio>
#include <string>

#include "exports/builtin.h"
#include "loader/loader.h"
#include "modules/modules.h"
#include "paths/paths.h"

namespace ws2emu::emu {
namespace {

// The PE image loader as lib/modules sees it: a handle is a module's base (its HMODULE).
class PeImages final : public modules::PeImages {
 public:
  absl::StatusOr<void *> Load(const std::string &linux_path) override {
    absl::StatusOr<Module *> m = Loader::Get().Load(linux_path);
    if (!m.ok()) return m.status();
    return static_cast<void *>((*m)->base());
  }
  void *Reference(std::string_view file_name) override {
    Module *m = Loader::Get().Reference(std::string(file_name));
    return m != nullptr ? m->base() : nullptr;
  }
  void *Find(std::string_view file_name) override {
    Module *m = Loader::Get().FindByName(std::string(file_name));
    return m != nullptr ? m->base() : nullptr;
  }
  bool Release(void *handle) override {
    Module *m = Loader::Get().FindByBase(handle);
    return m != nullptr && Loader::Get().Free(m);
  }
  bool Owns(const void *handle) override { return Loader::Get().FindByBase(handle) != nullptr; }
  std::string Path(const void *handle) override {
    Module *m = Loader::Get().FindByBase(handle);
    return m != nullptr ? m->path() : std::string();
  }
  const void *Export(const void *handle, std::string_view name) override {
    Module *m = Loader::Get().FindByBase(handle);
    return m != nullptr ? m->GetProcAddress(std::string(name)) : nullptr;
  }
  const void *ExportByOrdinal(const void *handle, uint32_t ordinal) override {
    Module *m = Loader::Get().FindByBase(handle);
    return m != nullptr ? m->GetProcAddress(ordinal) : nullptr;
  }
  std::string FolderOf(const void *address) override {
    Module *m = Loader::Get().FindByAddress(address);
    return m != nullptr ? paths::FolderOf(m->path()) : std::string();
  }
  std::string ProgramFolder() override {
    Module *main = Loader::Get().main_module();
    return main != nullptr ? paths::FolderOf(main->path()) : std::string();
  }
};

// The export tables of emu/exports: a handle is the address of a BuiltinModule.
class Builtins final : public modules::Builtins {
 public:
  const void *Find(std::string_view file_name) override { return FindBuiltinModule(file_name); }
  const char *Name(const void *handle) override {
    const BuiltinModule *b = BuiltinModuleAt(handle);
    return b != nullptr ? b->name : nullptr;
  }
  const void *Export(const void *handle, std::string_view name) override {
    const BuiltinModule *b = BuiltinModuleAt(handle);
    return b != nullptr ? FindBuiltinExport(*b, name) : nullptr;
  }
  const void *ExportByOrdinal(const void *handle, uint16_t ordinal) override {
    const BuiltinModule *b = BuiltinModuleAt(handle);
    return b != nullptr ? FindBuiltinExportByOrdinal(*b, ordinal) : nullptr;
  }
};

}  // namespace

bool RegisterModuleBackends() {
  static PeImages *const pe = new PeImages();  // never destroyed: modules outlive main
  static Builtins *const builtins = new Builtins();
  absl::Status a = modules::RegisterPeImages(pe);
  absl::Status b = modules::RegisterBuiltins(builtins);
  // Only a second registry user in the same copy of lib/modules (a test's fake) could refuse
  // these; say so rather than run with someone else's tables.
  if (!a.ok()) std::fprintf(stderr, "[ws2emu loader] %s\n", std::string(a.message()).c_str());
  if (!b.ok()) std::fprintf(stderr, "[ws2emu loader] %s\n", std::string(b.message()).c_str());
  return a.ok() && b.ok();
}

}  // namespace ws2emu::emu
