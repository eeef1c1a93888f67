#include "base/annotated_mutex.h"
#include "modules/modules.h"

#include <dirent.h>
#include <dlfcn.h>
#include <strings.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/file_kind.h"
#include "paths/paths.h"

namespace ws2emu::modules {
namespace {

// An ELF object opened here: its path and the references Load counted.
struct ElfModule {
  std::string path;
  int refs = 0;
};

// The registrations and the ELF table. Never destroyed: modules may be unloaded while the
// process exits.
class Registry {
 public:
  static Registry &Get() {
    static Registry *const registry = new Registry();
    return *registry;
  }

  StdMutex mu;
  PeImages *pe ABSL_GUARDED_BY(mu) = nullptr;
  Builtins *builtins ABSL_GUARDED_BY(mu) = nullptr;
  std::map<void *, ElfModule> elf ABSL_GUARDED_BY(mu);  // by dlopen handle
};

// The backends, read under the lock; they are registered once and never go away, so using one
// after the lock is released is safe.
PeImages *Pe() {
  Registry &r = Registry::Get();
  StdMutexLock lock(&r.mu);
  return r.pe;
}

Builtins *BuiltinTables() {
  Registry &r = Registry::Get();
  StdMutexLock lock(&r.mu);
  return r.builtins;
}

using paths::FindNoCase;
using paths::FolderOf;
using paths::SameNoCase;

// The system folder's Linux path, or empty when the drive map cannot place it.
std::string SystemFolder() {
  absl::StatusOr<std::string> mapped = paths::ToLinuxPath(paths::SystemDirectory());
  return mapped.ok() ? *mapped : std::string();
}

// True if the Linux folder `folder` is the system folder: the same spelling (case-insensitive,
// as drive_c's folders are matched) or the same folder on disk.
bool IsSystemFolder(const std::string &folder) {
  std::string system = SystemFolder();
  if (system.empty()) return false;
  auto trim = [](std::string s) {
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
  };
  if (SameNoCase(trim(folder), trim(system))) return true;
  struct stat a, b;
  return stat(folder.c_str(), &a) == 0 && stat(system.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

bool HasFolder(std::string_view name) {
  return name.find_first_of("\\/") != std::string_view::npos ||
         (name.size() >= 2 && name[1] == ':');
}

}  // namespace

const char *KindName(Kind kind) {
  switch (kind) {
    case Kind::kBuiltin:
      return "built-in";
    case Kind::kPe:
      return "PE";
    case Kind::kElf:
      return "native";
  }
  return "?";
}

absl::Status RegisterPeImages(PeImages *images) {
  Registry &r = Registry::Get();
  StdMutexLock lock(&r.mu);
  if (r.pe != nullptr && r.pe != images)
    return absl::FailedPreconditionError("a PE image loader is already registered");
  r.pe = images;
  return absl::OkStatus();
}

absl::Status RegisterBuiltins(Builtins *builtins) {
  Registry &r = Registry::Get();
  StdMutexLock lock(&r.mu);
  if (r.builtins != nullptr && r.builtins != builtins)
    return absl::FailedPreconditionError("built-in modules are already registered");
  r.builtins = builtins;
  return absl::OkStatus();
}

std::vector<std::string> SearchFolders(const std::string &requester_folder) {
  std::vector<std::string> folders;
  if (!requester_folder.empty()) {
    folders.push_back(requester_folder);
  } else if (PeImages *pe = Pe()) {
    if (std::string program = pe->ProgramFolder(); !program.empty()) folders.push_back(program);
  }
  if (std::string system = SystemFolder(); !system.empty()) folders.push_back(system);
  folders.push_back(".");
  if (const char *path = std::getenv("WS2EMU_DLL_PATH")) {
    std::string_view all = path;
    for (size_t start = 0; start <= all.size();) {
      size_t colon = all.find(':', start);
      if (colon == std::string_view::npos) colon = all.size();
      if (colon > start) folders.emplace_back(all.substr(start, colon - start));
      start = colon + 1;
    }
  }
  return folders;
}

namespace {

// The name as the resolver reads it: expanded if asked, ".dll" appended if asked.
absl::StatusOr<std::string> Prepare(std::string_view given, const Options &options) {
  std::string name = options.expand_variables ? paths::ExpandWindowsEnvironment(given)
                                              : std::string(given);
  if (name.empty()) return absl::InvalidArgumentError("empty module name");
  if (options.append_dll && paths::BaseName(name).find('.') == std::string_view::npos)
    name += ".dll";
  return name;
}

absl::StatusOr<Location> LocatePrepared(const std::string &name, const Options &options) {
  Builtins *builtins = BuiltinTables();
  Location where;
  if (!HasFolder(name)) {
    if (builtins != nullptr) {
      if (const void *b = builtins->Find(name)) {
        where.kind = Kind::kBuiltin;
        where.builtin = b;
        return where;
      }
    }
    std::vector<std::string> folders = SearchFolders(options.requester_folder);
    for (const std::string &folder : folders) {
      std::string file = FindNoCase(folder, name);
      if (!file.empty()) {
        where.path = file;
        return where;
      }
    }
    return absl::NotFoundError(
        absl::StrCat(name, ": not found in ", absl::StrJoin(folders, ", ")));
  }
  std::string file;
  if (paths::IsWindowsPath(name)) {
    absl::StatusOr<std::string> mapped = paths::ToLinuxPath(name);
    if (!mapped.ok())
      return absl::UnavailableError(absl::StrCat(name, ": ", mapped.status().message()));
    file = *mapped;
  } else {
    file = name;
  }
  for (char &c : file)
    if (c == '\\') c = '/';
  if (builtins != nullptr && IsSystemFolder(FolderOf(file))) {
    if (const void *b = builtins->Find(paths::BaseName(file))) {
      where.kind = Kind::kBuiltin;
      where.builtin = b;
      return where;
    }
  }
  where.path = file;
  return where;
}

}  // namespace

absl::StatusOr<Location> Locate(std::string_view given, const Options &options) {
  absl::StatusOr<std::string> name = Prepare(given, options);
  if (!name.ok()) return name.status();
  return LocatePrepared(*name, options);
}

absl::StatusOr<Loaded> Load(std::string_view given, const Options &options) {
  absl::StatusOr<std::string> name = Prepare(given, options);
  if (!name.ok()) return name.status();
  Loaded loaded;
  // A bare name already loaded as a PE image is that image (a new reference), before any
  // folder is searched; a built-in module's name is never a PE image's.
  PeImages *pe = Pe();
  if (!HasFolder(*name) && pe != nullptr) {
    Builtins *builtins = BuiltinTables();
    if (builtins == nullptr || builtins->Find(*name) == nullptr) {
      if (void *h = pe->Reference(*name)) {
        loaded.handle = h;
        loaded.kind = Kind::kPe;
        loaded.path = pe->Path(h);
        return loaded;
      }
    }
  }
  absl::StatusOr<Location> where = LocatePrepared(*name, options);
  if (!where.ok()) return where.status();
  if (where->kind == Kind::kBuiltin) {
    loaded.handle = const_cast<void *>(where->builtin);
    loaded.kind = Kind::kBuiltin;
    loaded.path = *FileName(where->builtin);
    return loaded;
  }
  loaded.path = where->path;
  absl::StatusOr<FileKind> kind = KindOfFile(loaded.path);
  if (!kind.ok() && kind.status().code() == absl::StatusCode::kNotFound)
    return absl::NotFoundError(absl::StrCat(std::string(given), " (", loaded.path, "): no such file"));
  if (kind.ok() && *kind == FileKind::kOther)
    return absl::InvalidArgumentError(
        absl::StrCat(loaded.path, ": neither a PE image nor a native shared object"));
  if (kind.ok() && *kind == FileKind::kElf) {
    void *h = dlopen(loaded.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) return absl::InvalidArgumentError(dlerror());
    Registry &r = Registry::Get();
    StdMutexLock lock(&r.mu);
    ElfModule &m = r.elf[h];
    if (m.refs == 0) m.path = loaded.path;
    ++m.refs;
    loaded.handle = h;
    loaded.kind = Kind::kElf;
    return loaded;
  }
  // A PE image, or a file KindOfFile refused (a folder, FIFO, device, over the limit): the
  // image loader reads it again and reports the problem with LoadLibrary's status codes.
  if (!kind.ok() && pe == nullptr) return kind.status();
  if (pe == nullptr)
    return absl::FailedPreconditionError(
        absl::StrCat(loaded.path, ": a PE image, and no PE loader is linked in"));
  absl::StatusOr<void *> h = pe->Load(loaded.path);
  if (!h.ok()) return h.status();
  loaded.handle = *h;
  loaded.kind = Kind::kPe;
  return loaded;
}

absl::Status Unload(void *handle) {
  if (handle == nullptr) return absl::InvalidArgumentError("a null module handle");
  if (Builtins *b = BuiltinTables(); b != nullptr && b->Name(handle) != nullptr)
    return absl::OkStatus();  // never unloaded
  bool elf = false;
  {
    Registry &r = Registry::Get();
    StdMutexLock lock(&r.mu);
    auto it = r.elf.find(handle);
    if (it != r.elf.end()) {
      elf = true;
      if (--it->second.refs == 0) r.elf.erase(it);
    }
  }
  if (elf) {
    // dlopen counted each Load too. Outside the lock: the object's destructors may unload
    // modules themselves.
    dlclose(handle);
    return absl::OkStatus();
  }
  if (PeImages *pe = Pe(); pe != nullptr && pe->Release(handle)) return absl::OkStatus();
  return absl::InvalidArgumentError("not a loaded module");
}

void *FindLoaded(std::string_view given) {
  std::string name(given);
  if (paths::BaseName(name).find('.') == std::string_view::npos) name += ".dll";
  if (Builtins *b = BuiltinTables())
    if (const void *h = b->Find(name)) return const_cast<void *>(h);
  if (PeImages *pe = Pe())
    if (void *h = pe->Find(name)) return h;
  Registry &r = Registry::Get();
  StdMutexLock lock(&r.mu);
  for (const auto &[h, m] : r.elf)
    if (SameNoCase(paths::BaseName(m.path), name)) return h;
  return nullptr;
}

absl::StatusOr<Kind> KindOf(const void *handle) {
  if (handle != nullptr) {
    if (Builtins *b = BuiltinTables(); b != nullptr && b->Name(handle) != nullptr)
      return Kind::kBuiltin;
    {
      Registry &r = Registry::Get();
      StdMutexLock lock(&r.mu);
      if (r.elf.contains(const_cast<void *>(handle))) return Kind::kElf;
    }
    if (PeImages *pe = Pe(); pe != nullptr && pe->Owns(handle)) return Kind::kPe;
  }
  return absl::NotFoundError("not a loaded module");
}

namespace {
std::atomic<ExportFilter> g_export_filter{nullptr};
}  // namespace

void SetExportFilter(ExportFilter filter) { g_export_filter.store(filter, std::memory_order_release); }

absl::StatusOr<const void *> FindExport(const void *handle, std::string_view name) {
  absl::StatusOr<Kind> kind = KindOf(handle);
  if (!kind.ok()) return absl::InvalidArgumentError(kind.status().message());
  const void *address = nullptr;
  switch (*kind) {
    case Kind::kBuiltin:
      address = BuiltinTables()->Export(handle, name);
      break;
    case Kind::kPe:
      address = Pe()->Export(handle, name);
      break;
    case Kind::kElf:
      address = dlsym(const_cast<void *>(handle), std::string(name).c_str());
      break;
  }
  if (address == nullptr) return absl::NotFoundError(absl::StrCat(std::string(name), ": not exported"));
  // No lock is held here: the filter may look the module up again (its file name).
  if (ExportFilter filter = g_export_filter.load(std::memory_order_acquire); filter != nullptr)
    address = filter(handle, name, address);
  return address;
}

absl::StatusOr<const void *> FindExportByOrdinal(const void *handle, uint32_t ordinal) {
  absl::StatusOr<Kind> kind = KindOf(handle);
  if (!kind.ok()) return absl::InvalidArgumentError(kind.status().message());
  const void *address = nullptr;
  switch (*kind) {
    case Kind::kBuiltin:
      if (ordinal <= 0xffff)
        address = BuiltinTables()->ExportByOrdinal(handle, static_cast<uint16_t>(ordinal));
      break;
    case Kind::kPe:
      address = Pe()->ExportByOrdinal(handle, ordinal);
      break;
    case Kind::kElf:
      break;  // ELF has no ordinals
  }
  if (address == nullptr)
    return absl::NotFoundError(absl::StrCat("ordinal ", ordinal, ": not exported"));
  return address;
}

absl::StatusOr<std::string> FileName(const void *handle) {
  absl::StatusOr<Kind> kind = KindOf(handle);
  if (!kind.ok()) return kind.status();
  switch (*kind) {
    case Kind::kBuiltin:
      return absl::StrCat(paths::SystemDirectory(), "\\", BuiltinTables()->Name(handle));
    case Kind::kPe:
      return Pe()->Path(handle);
    case Kind::kElf: {
      Registry &r = Registry::Get();
      StdMutexLock lock(&r.mu);
      auto it = r.elf.find(const_cast<void *>(handle));
      if (it != r.elf.end()) return it->second.path;
      break;
    }
  }
  return absl::NotFoundError("not a loaded module");
}

}  // namespace ws2emu::modules
