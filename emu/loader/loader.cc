#include "loader/loader.h"

#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/lsan.h"
#include "base/regular_file.h"
#include "exports/builtin.h"
#include "loader/module_backends.h"
#include "loader/teb.h"
#include "modules/modules.h"
#include "paths/paths.h"
#include "pe/pe_format.h"
#include "win32/ntdll_faults.h"
#include "ws2emu/win_base.h"

namespace ws2emu::emu {
namespace {

constexpr int kMaxDepth = 32;  // nested imports / forwarders before we call it a loop
constexpr uint64_t kLowestImageBase = 0x10000;  // 64 KiB
constexpr size_t kPage = 4096;
constexpr uint32_t kDllProcessDetach = 0, kDllProcessAttach = 1, kDllThreadAttach = 2,
                   kDllThreadDetach = 3;

using DllMainFn = BOOL(WINAPI *)(void *, DWORD, void *);
using TlsCallbackFn = void(WINAPI *)(void *, DWORD, void *);

// The image file's bytes, through ReadRegularFile: never blocks (a FIFO), never reads more than
// kImageFileLimit (/dev/zero). The status says what LoadLibrary reports: NotFound (no file),
// PermissionDenied (not readable, or a folder: ERROR_ACCESS_DENIED as on Windows),
// InvalidArgument (a FIFO, a device, a file over the limit, one that cannot be read: not an
// image, ERROR_BAD_EXE_FORMAT).
absl::StatusOr<std::string> ReadImageFile(const std::string &path) {
  absl::StatusOr<std::string> bytes = ReadRegularFile(path, kImageFileLimit, "PE image");
  if (bytes.ok()) return bytes;
  absl::StatusCode code = bytes.status().code();
  if (code == absl::StatusCode::kNotFound || code == absl::StatusCode::kPermissionDenied ||
      code == absl::StatusCode::kResourceExhausted)
    return bytes.status();
  struct stat st;
  if (code == absl::StatusCode::kFailedPrecondition && stat(path.c_str(), &st) == 0 &&
      S_ISDIR(st.st_mode))
    return absl::PermissionDeniedError(bytes.status().message());
  return absl::InvalidArgumentError(bytes.status().message());
}

int Protection(uint32_t characteristics) {
  int prot = PROT_NONE;
  if (characteristics & kSectionRead) prot |= PROT_READ;
  if (characteristics & kSectionWrite) prot |= PROT_WRITE;
  if (characteristics & kSectionExecute) prot |= PROT_EXEC;
  return prot;
}

// The PE loader and the built-in tables go to lib/modules here, once: this file is linked into
// every program that runs PE code and into libws2emu.so (whole), so ws2emu-run, the tests and a
// native host that only calls the C API all have them before main (module_backends.h).
[[maybe_unused]] const bool g_module_backends_registered = RegisterModuleBackends();

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

absl::StatusOr<const void *> Module::Resolve(const Export &start) const {
  auto label = [](const Module *m, const Export &e) {
    return e.name.empty() ? absl::StrCat(m->name_, "!#", e.ordinal)
                          : absl::StrCat(m->name_, "!", e.name);
  };
  // Each hop: the module and export it reached, to find a cycle and to name the chain.
  std::vector<std::pair<const Module *, const Export *>> hops = {{this, &start}};
  std::string chain = label(this, start);
  for (;;) {
    auto [module, e] = hops.back();
    if (e->forwarder.empty()) return static_cast<const void *>(module->base_ + e->rva);
    if (hops.size() > static_cast<size_t>(kMaxDepth))
      return absl::FailedPreconditionError(
          absl::StrCat(chain, ": forwarders nest deeper than ", kMaxDepth, " hops"));
    ForwarderTarget target = SplitForwarder(e->forwarder);
    if (const BuiltinModule *builtin = FindBuiltinModule(target.dll)) {
      const void *address = nullptr;
      if (!target.by_ordinal)
        address = FindBuiltinExport(*builtin, target.name);
      else if (target.ordinal <= 0xffff)
        address = FindBuiltinExportByOrdinal(*builtin, static_cast<uint16_t>(target.ordinal));
      if (address != nullptr) return address;
      return absl::NotFoundError(
          absl::StrCat(chain, " -> ", target.Label(), ": not exported"));
    }
    const Module *next = Loader::Get().FindByName(target.dll);
    if (next == nullptr)
      return absl::NotFoundError(
          absl::StrCat(chain, " -> ", target.Label(), ": ", target.dll, " is not loaded"));
    const Export *x = target.by_ordinal ? next->image_.FindExport(target.ordinal)
                                        : next->image_.FindExport(target.name);
    if (x == nullptr)
      return absl::NotFoundError(
          absl::StrCat(chain, " -> ", target.Label(), ": not exported"));
    absl::StrAppend(&chain, " -> ", label(next, *x));
    for (const auto &hop : hops)
      if (hop.first == next && hop.second == x)
        return absl::FailedPreconditionError(absl::StrCat(chain, ": forwarder cycle"));
    hops.emplace_back(next, x);
  }
}

const void *Module::GetProcAddress(const std::string &name) const {
  const Export *e = image_.FindExport(name);
  if (e == nullptr) return nullptr;
  absl::StatusOr<const void *> address = Resolve(*e);
  return address.ok() ? *address : nullptr;
}

const void *Module::GetProcAddress(uint32_t ordinal) const {
  const Export *e = image_.FindExport(ordinal);
  if (e == nullptr) return nullptr;
  absl::StatusOr<const void *> address = Resolve(*e);
  return address.ok() ? *address : nullptr;
}

Module *Loader::FindByName(const std::string &name) {
  RecursiveMutexLock lock(&mu_);
  for (auto &m : modules_)
    if (paths::SameNoCase(m->name_, name)) return m.get();
  return nullptr;
}

namespace {

// The mapped images' ranges for InPeImage: a slot is free when its base is 0. Writers hold the
// loader lock; readers (signal handlers) take none.
constexpr int kRangeSlots = 512;
struct PeRange {
  std::atomic<uintptr_t> base{0};
  std::atomic<uintptr_t> end{0};
};
PeRange g_ranges[kRangeSlots];

void AddPeRange(const void *base, size_t size) {
  for (PeRange &r : g_ranges) {
    if (r.base.load(std::memory_order_relaxed) != 0) continue;
    r.end.store(reinterpret_cast<uintptr_t>(base) + size, std::memory_order_relaxed);
    r.base.store(reinterpret_cast<uintptr_t>(base), std::memory_order_release);
    return;
  }
  // [inference] More than kRangeSlots images at once: faults in the extra ones stay fatal
  // signals instead of becoming exceptions.
}

// The latest unloaded images' ranges, for InFormerPeImage: a ring written under the loader lock.
constexpr int kFormerSlots = 64;
PeRange g_former[kFormerSlots];
int g_former_next = 0;  // the loader lock

void RemovePeRange(const void *base) {
  for (PeRange &r : g_ranges) {
    if (r.base.load(std::memory_order_relaxed) != reinterpret_cast<uintptr_t>(base)) continue;
    PeRange &f = g_former[g_former_next];
    g_former_next = (g_former_next + 1) % kFormerSlots;
    f.base.store(0, std::memory_order_release);
    f.end.store(r.end.load(std::memory_order_relaxed), std::memory_order_relaxed);
    f.base.store(reinterpret_cast<uintptr_t>(base), std::memory_order_release);
    r.base.store(0, std::memory_order_release);
  }
}

}  // namespace

namespace {

// Whether `address` is in one of `ranges`; lock-free, for the fault handler.
template <size_t N>
bool InRanges(const PeRange (&ranges)[N], const void *address) {
  const auto a = reinterpret_cast<uintptr_t>(address);
  for (const PeRange &r : ranges) {
    uintptr_t base = r.base.load(std::memory_order_acquire);
    if (base != 0 && a >= base && a < r.end.load(std::memory_order_relaxed)) return true;
  }
  return false;
}

}  // namespace

bool InPeImage(const void *address) { return InRanges(g_ranges, address); }

bool InFormerPeImage(const void *address) { return InRanges(g_former, address); }

std::string Loader::FormerModuleAt(const void *address) {
  RecursiveMutexLock lock(&mu_);
  const auto a = reinterpret_cast<uintptr_t>(address);
  for (auto it = unloaded_.rbegin(); it != unloaded_.rend(); ++it)
    if (a >= it->base && a < it->base + it->size)
      return absl::StrFormat("formerly %s+0x%x", it->name, a - it->base);
  return "";
}

Module *Loader::FindByAddress(const void *address) {
  RecursiveMutexLock lock(&mu_);
  for (auto &m : modules_)
    if (m->Contains(address)) return m.get();
  return nullptr;
}

absl::StatusOr<Module *> Loader::Load(const std::string &path) {
  RecursiveMutexLock lock(&mu_);
  return LoadLocked(path, 0);
}

Module *Loader::Reference(const std::string &name) {
  RecursiveMutexLock lock(&mu_);
  Module *loaded = FindByName(name);
  if (loaded != nullptr) ++loaded->refs_;
  return loaded;
}

Module *Loader::FindByBase(const void *base) {
  if (base == nullptr) return nullptr;
  RecursiveMutexLock lock(&mu_);
  for (auto &m : modules_)
    if (m->base_ == base) return m.get();
  return nullptr;
}

absl::StatusOr<Module *> Loader::LoadLocked(const std::string &path, int depth) {
  if (depth > kMaxDepth)
    return absl::FailedPreconditionError(absl::StrCat(path, ": imports nest deeper than ",
                                                      kMaxDepth, " DLLs"));
  std::string name(paths::BaseName(path));
  if (Module *loaded = FindByName(name)) {
    ++loaded->refs_;
    return loaded;
  }
  absl::StatusOr<std::string> bytes = ReadImageFile(path);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<PeImage> image = PeImage::Parse(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t *>(bytes->data()), bytes->size()));
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
  // A base below 64 KiB (ImageBase 0: the parser allows only multiples of 64 KiB) counts as
  // taken, as on Windows, whose first 64 KiB are never allocated: a module at address 0 would
  // have a null HMODULE, and root could map it there.
  const bool low = image.image_base() < kLowestImageBase;
  void *p = low ? MAP_FAILED
                : mmap(want, size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != MAP_FAILED && p != want) {  // an old kernel that ignored MAP_FIXED_NOREPLACE
    munmap(p, size);
    p = MAP_FAILED;
  }
  if (p == MAP_FAILED) {
    if (!image.has_relocations() && low)
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: its preferred base 0x%x is below 64 KiB, where no image may be mapped, and it "
          "has no relocations",
          m->path_, image.image_base()));
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
  win32::InstallFaultHandlers();  // faults in the image's code become exceptions
  AddPeRange(m->base_, m->size_);
  LsanAddRoot(m->base_, m->size_);  // its data may hold the only pointer to a runtime object
  return absl::OkStatus();
}

absl::Status Loader::BindImports(Module *m, int depth) {
  for (const ImportedDll &dll : m->image_.imports()) {
    // The one search order (lib/modules), the importing image's folder first. A name the search
    // does not find, or one with a folder in it, binds traps.
    const BuiltinModule *builtin = nullptr;
    std::string file;
    if (dll.name.find_first_of("\\/:") == std::string::npos) {
      modules::Options options;
      options.requester_folder = paths::FolderOf(m->path_);
      absl::StatusOr<modules::Location> where = modules::Locate(dll.name, options);
      if (where.ok() && where->kind == modules::Kind::kBuiltin)
        builtin = BuiltinModuleAt(where->builtin);
      else if (where.ok())
        file = where->path;
    }
    Module *pe = nullptr;
    if (builtin == nullptr) {
      if (!file.empty()) {
        absl::StatusOr<Module *> dep = LoadLocked(file, depth + 1);
        if (!dep.ok())  // the dependency's own reason, as LoadLibrary's last error reports it
          return absl::Status(dep.status().code(),
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
        const Export *x = e.by_ordinal ? pe->image_.FindExport(uint32_t{e.ordinal})
                                       : pe->image_.FindExport(e.name);
        if (x != nullptr) {
          absl::StatusOr<const void *> resolved = pe->Resolve(*x);
          // A forwarder whose target is missing binds a trap, like any missing import; one that
          // goes round in a cycle (or too deep) is a broken pair of images: refuse to load.
          if (resolved.ok()) {
            address = *resolved;
          } else if (resolved.status().code() != absl::StatusCode::kNotFound) {
            return absl::FailedPreconditionError(absl::StrCat(
                m->path_, ": cannot bind its import: ", resolved.status().message()));
          }
        }
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
  const bool ran = m->attached_;
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
    RemovePeRange(m->base_);
    munmap(m->base_, m->size_);
    if (ran) {  // a report can still name a stale address into it
      if (unloaded_.size() == kMaxUnloaded) unloaded_.erase(unloaded_.begin());
      unloaded_.push_back({m->name_, reinterpret_cast<uintptr_t>(m->base_), m->size_});
    }
  }
  std::vector<Module *> deps = std::move(m->dependencies_);
  modules_.erase(std::find_if(modules_.begin(), modules_.end(),
                              [m](const std::unique_ptr<Module> &p) { return p.get() == m; }));
  for (Module *dep : deps) Free(dep);
}

void Loader::SetMainModule(Module *module) {
  RecursiveMutexLock lock(&mu_);
  main_module_ = module;
}

Module *Loader::main_module() {
  RecursiveMutexLock lock(&mu_);
  return main_module_;
}

std::vector<Loader::ModuleView> Loader::ListModules() {
  RecursiveMutexLock lock(&mu_);
  std::vector<ModuleView> list;
  list.reserve(modules_.size());
  if (main_module_ != nullptr) {
    list.push_back({main_module_->name_, main_module_->path_, main_module_->base_,
                    main_module_->size_, main_module_->refs_});
  }
  for (auto &m : modules_) {
    if (m.get() != main_module_) list.push_back({m->name_, m->path_, m->base_, m->size_, m->refs_});
  }
  return list;
}

void Loader::ThreadAttach() {
  RecursiveMutexLock lock(&mu_);
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
  RecursiveMutexLock lock(&mu_);
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
  RecursiveMutexLock lock(&mu_);
  for (auto &m : modules_) {
    if (m->base_ == base) {
      m->thread_calls_ = false;
      return true;
    }
  }
  return false;
}

bool Loader::Free(Module *module) {
  RecursiveMutexLock lock(&mu_);
  auto it = std::find_if(modules_.begin(), modules_.end(),
                         [module](const std::unique_ptr<Module> &p) { return p.get() == module; });
  if (it == modules_.end()) return false;
  if (--module->refs_ == 0) Unload(module);
  return true;
}

}  // namespace ws2emu::emu
