#include "loader/loader.h"

#include <dirent.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/lsan.h"
#include "exports/builtin.h"
#include "loader/teb.h"
#include "pe/pe_format.h"
#include "ws2emu/win_base.h"

namespace ws2emu::emu {
namespace {

constexpr int kMaxDepth = 32;  // nested imports / forwarders before we call it a loop
constexpr size_t kPage = 4096;
constexpr uint32_t kDllProcessDetach = 0, kDllProcessAttach = 1, kDllThreadAttach = 2,
                   kDllThreadDetach = 3;

using DllMainFn = BOOL(WINAPI *)(void *, DWORD, void *);
using TlsCallbackFn = void(WINAPI *)(void *, DWORD, void *);

bool EqualsIgnoreCase(const std::string &a, const std::string &b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string BaseName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string DirName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// `name` in `dir`, matched case-insensitively as Windows file names are; empty if absent.
std::string FindInDirectory(const std::string &dir, const std::string &name) {
  DIR *d = opendir(dir.c_str());
  if (d == nullptr) return {};
  std::string found;
  while (dirent *e = readdir(d)) {
    if (EqualsIgnoreCase(e->d_name, name)) {
      found = dir + "/" + e->d_name;
      break;
    }
  }
  closedir(d);
  return found;
}

std::string WithDll(const std::string &name) {
  if (name.size() >= 4 && strncasecmp(name.data() + name.size() - 4, ".dll", 4) == 0) return name;
  return name + ".dll";
}

absl::StatusOr<std::vector<uint8_t>> ReadWholeFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::streamoff size = in.tellg();
  if (size < 0 || size > static_cast<std::streamoff>(PeImage::kMaxImageSize))
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a readable file under 1 GiB"));
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char *>(bytes.data()), size))
    return absl::DataLossError(absl::StrCat(path, ": read failed"));
  return bytes;
}

int Protection(uint32_t characteristics) {
  int prot = PROT_NONE;
  if (characteristics & kSectionRead) prot |= PROT_READ;
  if (characteristics & kSectionWrite) prot |= PROT_WRITE;
  if (characteristics & kSectionExecute) prot |= PROT_EXEC;
  return prot;
}

}  // namespace

void *MapAligned64K(size_t size, int prot) {
  const size_t slack = 0x10000;
  auto *raw = static_cast<uint8_t *>(
      mmap(nullptr, size + slack, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (raw == MAP_FAILED) return MAP_FAILED;
  auto *aligned = reinterpret_cast<uint8_t *>(
      (reinterpret_cast<uintptr_t>(raw) + slack - 1) & ~uintptr_t{slack - 1});
  if (aligned > raw) munmap(raw, aligned - raw);
  size_t tail = (raw + size + slack) - (aligned + size);
  if (tail > 0) munmap(aligned + size, tail);
  return aligned;
}

Loader &Loader::Get() {
  static Loader *loader = new Loader();  // never destroyed: PE code may run during exit
  return *loader;
}

int64_t Module::delta() const {
  return reinterpret_cast<int64_t>(base_) - static_cast<int64_t>(image_.image_base());
}

const void *Module::entry_point() const {
  return image_.entry_point() != 0 ? base_ + image_.entry_point() : nullptr;
}

const void *Module::Resolve(const Export &e, int depth) const {
  if (e.forwarder.empty()) return base_ + e.rva;
  if (depth >= kMaxDepth) return nullptr;  // a forwarder loop
  size_t dot = e.forwarder.find('.');
  std::string dll = WithDll(e.forwarder.substr(0, dot));
  std::string function = e.forwarder.substr(dot + 1);
  if (const BuiltinModule *builtin = FindBuiltinModule(dll)) {
    if (!function.empty() && function[0] == '#')
      return FindBuiltinExportByOrdinal(*builtin,
                                        static_cast<uint16_t>(std::atoi(function.c_str() + 1)));
    return FindBuiltinExport(*builtin, function);
  }
  Module *target = Loader::Get().FindByName(dll);
  if (target == nullptr) return nullptr;
  for (const Export &x : target->image_.exports()) {
    bool match = !function.empty() && function[0] == '#'
                     ? x.ordinal == static_cast<uint32_t>(std::atoi(function.c_str() + 1))
                     : x.name == function;
    if (match) return target->Resolve(x, depth + 1);
  }
  return nullptr;
}

const void *Module::GetProcAddress(const std::string &name) const {
  for (const Export &e : image_.exports())
    if (e.name == name) return Resolve(e, 0);
  return nullptr;
}

const void *Module::GetProcAddress(uint32_t ordinal) const {
  for (const Export &e : image_.exports())
    if (e.ordinal == ordinal) return Resolve(e, 0);
  return nullptr;
}

Module *Loader::FindByName(const std::string &name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (auto &m : modules_)
    if (EqualsIgnoreCase(m->name_, name)) return m.get();
  return nullptr;
}

Module *Loader::FindByAddress(const void *address) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (auto &m : modules_)
    if (m->Contains(address)) return m.get();
  return nullptr;
}

absl::StatusOr<Module *> Loader::Load(const std::string &path) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return LoadLocked(path, 0);
}

absl::StatusOr<Module *> Loader::LoadByName(const std::string &name,
                                            const std::string &first_dir) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (Module *loaded = FindByName(name)) {
    ++loaded->refs_;
    return loaded;
  }
  std::vector<std::string> dirs;
  if (!first_dir.empty()) dirs.push_back(first_dir);
  dirs.push_back(".");
  if (const char *path = std::getenv("WS2EMU_DLL_PATH")) {
    std::string all = path;
    for (size_t start = 0; start <= all.size();) {
      size_t colon = all.find(':', start);
      if (colon == std::string::npos) colon = all.size();
      if (colon > start) dirs.push_back(all.substr(start, colon - start));
      start = colon + 1;
    }
  }
  for (const std::string &dir : dirs) {
    std::string file = FindInDirectory(dir, name);
    if (!file.empty()) return LoadLocked(file, 0);
  }
  return absl::NotFoundError(absl::StrCat(name, ": not found beside the caller, in the current "
                                          "directory or in WS2EMU_DLL_PATH"));
}

absl::StatusOr<Module *> Loader::LoadLocked(const std::string &path, int depth) {
  if (depth > kMaxDepth)
    return absl::FailedPreconditionError(absl::StrCat(path, ": imports nest deeper than ",
                                                      kMaxDepth, " DLLs"));
  std::string name = BaseName(path);
  if (Module *loaded = FindByName(name)) {
    ++loaded->refs_;
    return loaded;
  }
  absl::StatusOr<std::vector<uint8_t>> bytes = ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<PeImage> image = PeImage::Parse(*bytes);
  if (!image.ok())
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", image.status().message()));
  if (image->section_alignment() < kPage)
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": SectionAlignment ", image->section_alignment(),
                     " is below the page size; such images are not supported"));

  modules_.push_back(std::unique_ptr<Module>(new Module(std::move(*image))));
  Module *m = modules_.back().get();
  m->name_ = name;
  m->path_ = path;
  m->refs_ = 1;
  absl::Status status = Map(m);
  if (status.ok()) {
    // Copy the headers and sections in while the whole image is writable.
    for (const Section &s : m->image_.sections())
      if (s.raw_size > 0) std::memcpy(m->base_ + s.rva, bytes->data() + s.raw_offset, s.raw_size);
    std::memcpy(m->base_, bytes->data(), m->image_.size_of_headers());
    const int64_t delta = m->delta();
    if (delta != 0)
      for (uint32_t rva : m->image_.relocations()) {
        uint64_t value;
        std::memcpy(&value, m->base_ + rva, 8);
        value += static_cast<uint64_t>(delta);
        std::memcpy(m->base_ + rva, &value, 8);
      }
    status = BindImports(m, depth);
  }
  if (status.ok()) status = SetUpTls(m);
  if (status.ok()) status = Protect(m);
  if (status.ok()) status = Attach(m);
  if (!status.ok()) {
    Unload(m);
    return status;
  }
  return m;
}

absl::Status Loader::Map(Module *m) {
  const PeImage &image = m->image_;
  size_t size = (image.size_of_image() + kPage - 1) & ~(kPage - 1);
  void *want = reinterpret_cast<void *>(image.image_base());
  void *p = mmap(want, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                 -1, 0);
  if (p != MAP_FAILED && p != want) {  // an old kernel that ignored MAP_FIXED_NOREPLACE
    munmap(p, size);
    p = MAP_FAILED;
  }
  if (p == MAP_FAILED) {
    if (!image.has_relocations())
      return absl::ResourceExhaustedError(absl::StrFormat(
          "%s: its preferred base 0x%x is taken and it has no relocations", m->path_,
          image.image_base()));
    // Anywhere, 64 KiB aligned as Windows allocates images.
    p = MapAligned64K(size, PROT_READ | PROT_WRITE);
    if (p == MAP_FAILED)
      return absl::ResourceExhaustedError(absl::StrCat(m->path_, ": cannot map ", size, " bytes"));
  }
  m->base_ = static_cast<uint8_t *>(p);
  m->size_ = size;
  LsanAddRoot(m->base_, m->size_);  // its data may hold the only pointer to a runtime object
  return absl::OkStatus();
}

absl::Status Loader::BindImports(Module *m, int depth) {
  for (const ImportedDll &dll : m->image_.imports()) {
    const BuiltinModule *builtin = FindBuiltinModule(dll.name);
    Module *pe = nullptr;
    if (builtin == nullptr) {
      std::string file = FindInDirectory(DirName(m->path_), dll.name);
      if (!file.empty()) {
        absl::StatusOr<Module *> dep = LoadLocked(file, depth + 1);
        if (!dep.ok())
          return absl::FailedPreconditionError(
              absl::StrCat(m->path_, ": cannot load its import ", dll.name, ": ",
                           dep.status().message()));
        pe = *dep;
        m->dependencies_.push_back(pe);
      }
    }
    for (const ImportEntry &e : dll.entries) {
      const void *address = nullptr;
      if (builtin != nullptr) {
        address = e.by_ordinal ? FindBuiltinExportByOrdinal(*builtin, e.ordinal)
                               : FindBuiltinExport(*builtin, e.name);
      } else if (pe != nullptr) {
        address = e.by_ordinal ? pe->GetProcAddress(e.ordinal) : pe->GetProcAddress(e.name);
      }
      if (address == nullptr) {
        std::string function = e.by_ordinal ? absl::StrCat("#", e.ordinal) : e.name;
        address = MakeImportTrap(dll.name, function, m->name_);
        if (address == nullptr)
          return absl::ResourceExhaustedError(
              absl::StrCat(m->path_, ": cannot make the trap for ", dll.name, "!", function));
      }
      std::memcpy(m->base_ + e.iat_rva, &address, sizeof(address));
    }
  }
  return absl::OkStatus();
}

absl::Status Loader::SetUpTls(Module *m) {
  const auto &tls = m->image_.tls();
  if (!tls) return absl::OkStatus();
  const int64_t delta = m->delta();
  TlsTemplate t;
  t.data = reinterpret_cast<const uint8_t *>(tls->start_va + delta);
  t.size = tls->end_va - tls->start_va;
  t.zero_fill = tls->zero_fill;
  m->tls_index_ = RegisterTlsModule(t);
  if (m->tls_index_ < 0)
    return absl::ResourceExhaustedError(
        absl::StrCat(m->path_, ": no TLS index left (", kMaxTlsModules, " modules use TLS)"));
  // Written while the image is still writable; the parser checked the address is inside it.
  uint32_t index = static_cast<uint32_t>(m->tls_index_);
  std::memcpy(reinterpret_cast<void *>(tls->index_va + delta), &index, sizeof(index));
  return absl::OkStatus();
}

absl::Status Loader::Protect(Module *m) {
  size_t headers = (m->image_.size_of_headers() + kPage - 1) & ~(kPage - 1);
  if (mprotect(m->base_, std::max(headers, kPage), PROT_READ) != 0)
    return absl::InternalError(absl::StrCat(m->path_, ": mprotect of the headers failed"));
  for (const Section &s : m->image_.sections()) {
    size_t length = (s.virtual_size + kPage - 1) & ~(kPage - 1);
    if (length == 0) continue;
    if (mprotect(m->base_ + s.rva, length, Protection(s.characteristics)) != 0)
      return absl::InternalError(
          absl::StrCat(m->path_, ": mprotect of section '", s.name, "' failed"));
  }
  return absl::OkStatus();
}

absl::Status Loader::Attach(Module *m) {
  EnsureTeb();
  const int64_t delta = m->delta();
  if (const auto &tls = m->image_.tls()) {
    for (uint64_t cb : tls->callbacks)
      reinterpret_cast<TlsCallbackFn>(cb + delta)(m->base_, kDllProcessAttach, nullptr);
  }
  if (m->image_.is_dll() && m->image_.entry_point() != 0) {
    auto dll_main = reinterpret_cast<DllMainFn>(const_cast<void *>(m->entry_point()));
    if (!dll_main(m->base_, kDllProcessAttach, nullptr)) {
      m->attached_ = true;  // Windows sends DLL_PROCESS_DETACH after a failed attach
      return absl::FailedPreconditionError(
          absl::StrCat(m->path_, ": DllMain returned FALSE for DLL_PROCESS_ATTACH"));
    }
  }
  m->attached_ = true;
  return absl::OkStatus();
}

void Loader::Unload(Module *m) {
  if (m->attached_) {
    EnsureTeb();
    const int64_t delta = m->delta();
    if (m->image_.is_dll() && m->image_.entry_point() != 0)
      reinterpret_cast<DllMainFn>(const_cast<void *>(m->entry_point()))(m->base_,
                                                                         kDllProcessDetach, nullptr);
    if (const auto &tls = m->image_.tls())
      for (uint64_t cb : tls->callbacks)
        reinterpret_cast<TlsCallbackFn>(cb + delta)(m->base_, kDllProcessDetach, nullptr);
    m->attached_ = false;
  }
  UnregisterTlsModule(m->tls_index_);
  if (m == main_module_) main_module_ = nullptr;
  if (m->base_ != nullptr) {
    LsanRemoveRoot(m->base_, m->size_);
    munmap(m->base_, m->size_);
  }
  std::vector<Module *> deps = std::move(m->dependencies_);
  modules_.erase(std::find_if(modules_.begin(), modules_.end(),
                              [m](const std::unique_ptr<Module> &p) { return p.get() == m; }));
  for (Module *dep : deps) Free(dep);
}

void Loader::SetMainModule(Module *module) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  main_module_ = module;
}

Module *Loader::main_module() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return main_module_;
}

void Loader::ThreadAttach() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  EnsureTeb();
  for (auto &m : modules_) {
    if (!m->attached_ || !m->thread_calls_) continue;
    if (const auto &tls = m->image_.tls())
      for (uint64_t cb : tls->callbacks)
        reinterpret_cast<TlsCallbackFn>(cb + m->delta())(m->base_, kDllThreadAttach, nullptr);
    if (m->image_.is_dll() && m->image_.entry_point() != 0)
      reinterpret_cast<DllMainFn>(const_cast<void *>(m->entry_point()))(m->base_,
                                                                         kDllThreadAttach, nullptr);
  }
}

void Loader::ThreadDetach() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) {
    Module *m = it->get();
    if (!m->attached_ || !m->thread_calls_) continue;
    if (m->image_.is_dll() && m->image_.entry_point() != 0)
      reinterpret_cast<DllMainFn>(const_cast<void *>(m->entry_point()))(m->base_,
                                                                         kDllThreadDetach, nullptr);
    if (const auto &tls = m->image_.tls())
      for (uint64_t cb : tls->callbacks)
        reinterpret_cast<TlsCallbackFn>(cb + m->delta())(m->base_, kDllThreadDetach, nullptr);
  }
}

bool Loader::DisableThreadCalls(const void *base) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (auto &m : modules_) {
    if (m->base_ == base) {
      m->thread_calls_ = false;
      return true;
    }
  }
  return false;
}

bool Loader::Free(Module *module) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = std::find_if(modules_.begin(), modules_.end(),
                         [module](const std::unique_ptr<Module> &p) { return p.get() == module; });
  if (it == modules_.end()) return false;
  if (--module->refs_ == 0) Unload(module);
  return true;
}

}  // namespace ws2emu::emu
