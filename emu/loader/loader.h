// emu/loader/loader.h — maps PE32+ images into the process and runs their initialisers, as the
// Windows loader does.
//
//   absl::StatusOr<Module *> m = Loader::Get().Load("/path/to/provider.dll");
//   auto startup = reinterpret_cast<LPWSPSTARTUP>((*m)->GetProcAddress("WSPStartup"));
//   ...
//   Loader::Get().Free(*m);
//
// Load: read the file (a regular file of at most kImageFileLimit, base/regular_file.h: a
// folder, FIFO or device is refused without blocking), parse it (emu/pe), map SizeOfImage at
// the preferred base or, if that is taken or below 64 KiB (ImageBase 0 is never mapped at 0)
// and the image has relocations, elsewhere (64 KiB aligned) and relocate; bind every import —
// each imported DLL found through lib/modules' search (a built-in DLL, by name or ordinal, or a
// PE file found first in the importing image's folder, then the system folder, the current
// folder and WS2EMU_DLL_PATH; names compared case-insensitively) — an import nobody provides
// binds to a trap that
// names DLL!Function and the calling module, and ends the process with kTrapExitCode (an import
// that reaches a forwarder cycle refuses the load instead, naming the chain); set each
// section's own protection; register the TLS template, run the TLS callbacks and DllMain with
// DLL_PROCESS_ATTACH. A failure at any step unmaps what was mapped and leaves no module behind.
// Status codes (LoadLibrary's last error follows them): NotFound (no file), PermissionDenied
// (unreadable, or a folder), InvalidArgument (not a valid image, or not a regular file),
// ResourceExhausted (no room), FailedPrecondition (a valid image that could not be made ready).
// Delay-load imports are bound at load time like the others (the observable difference: a DLL
// that is missing makes traps, not a load failure, as for delay-loaded DLLs on Windows).
//
// Modules are reference-counted and found by Windows file name (case-insensitive): loading a
// name twice maps it once. Free runs DLL_PROCESS_DETACH when the count reaches zero, then
// releases the module's own PE dependencies. Load and Free are serialised by one lock (the
// "loader lock"); DllMain runs under it, as on Windows. LoadLibrary and the provider manager
// reach the loader through lib/modules (module_backends.cc), never directly by name.
#ifndef WS2EMU_EMU_LOADER_LOADER_H_
#define WS2EMU_EMU_LOADER_LOADER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "loader/recursive_mutex.h"
#include "pe/pe_image.h"

namespace ws2emu::emu {

inline constexpr int kTrapExitCode = 86;  // an import with no emulation was called

class Module {
 public:
  const std::string &name() const { return name_; }  // Windows file name, e.g. "x.dll"
  const std::string &path() const { return path_; }
  uint8_t *base() const { return base_; }
  size_t size() const { return size_; }
  const PeImage &image() const { return image_; }
  bool Contains(const void *address) const {
    auto *p = static_cast<const uint8_t *>(address);
    return p >= base_ && p < base_ + size_;
  }
  // An exported function by name or by (biased) ordinal; forwarders are followed. Null if none.
  const void *GetProcAddress(const std::string &name) const;
  const void *GetProcAddress(uint32_t ordinal) const;
  // How far the image was moved from its preferred base.
  int64_t delta() const;
  // The entry point (DllMain or the EXE's start), or null.
  const void *entry_point() const;

 private:
  friend class Loader;
  std::string name_, path_;
  uint8_t *base_ = nullptr;
  size_t size_ = 0;
  PeImage image_;
  int refs_ = 0;
  int tls_index_ = -1;
  bool attached_ = false;
  bool thread_calls_ = true;
  std::vector<Module *> dependencies_;  // PE modules this one imports from (one ref each)

  explicit Module(PeImage image) : image_(std::move(image)) {}
  // The address an export stands for, following forwarders (to built-in DLLs and loaded
  // modules) to the end: NotFound when a target is missing, FailedPrecondition for a cycle or
  // more than 32 hops, with a message naming the chain ("a.dll!f -> b.dll!g -> a.dll!f:
  // forwarder cycle").
  absl::StatusOr<const void *> Resolve(const Export &start) const;
};

class Loader {
 public:
  static Loader &Get();

  // Loads a PE image from a Linux path (its Windows name is the file name).
  absl::StatusOr<Module *> Load(const std::string &path);
  // The loaded module with this Windows name with one more reference, or null.
  Module *Reference(const std::string &name);
  // Drops one reference; unloads at zero. False for a module that is not loaded.
  bool Free(Module *module);
  // The loaded module with this Windows name, or null.
  Module *FindByName(const std::string &name);
  // The loaded module whose image contains `address`, or null.
  Module *FindByAddress(const void *address);
  // Where `address` was in a module that has been unloaded since: "formerly x.dll+0x1f0" (the
  // latest module to have held it), or empty.
  std::string FormerModuleAt(const void *address);
  // The loaded module whose base is `base` (its HMODULE), or null; never for null.
  Module *FindByBase(const void *base);
  // The program's EXE when a PE program runs (ws2emu-run PROGRAM.exe): what
  // GetModuleHandle(NULL) and GetModuleFileName(NULL) answer. Null in a native host.
  void SetMainModule(Module *module);
  Module *main_module();
  // What a Toolhelp module snapshot lists (win32/kernel32_toolhelp.cc): the loaded PE modules,
  // the program's EXE first, then in load order; copies, so they outlive an unload.
  struct ModuleView {
    std::string name, path;
    const uint8_t *base;
    size_t size;
    int refs;
  };
  std::vector<ModuleView> ListModules();

  // DLL_THREAD_ATTACH / DLL_THREAD_DETACH for a thread created through the emulated
  // CreateThread: every attached module's TLS callbacks and DllMain, in load order (detach in
  // reverse), except modules that called DisableThreadLibraryCalls.
  void ThreadAttach();
  void ThreadDetach();
  // DisableThreadLibraryCalls: false if `base` is not a loaded module.
  bool DisableThreadCalls(const void *base);

 private:
  Loader() = default;
  absl::StatusOr<Module *> LoadLocked(const std::string &path, int depth)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Map(Module *m);
  absl::Status BindImports(Module *m, int depth) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status SetUpTls(Module *m);  // TLS index and template, before Protect
  absl::Status Protect(Module *m);
  absl::Status Attach(Module *m);
  // DLL_PROCESS_DETACH (if attached), unmap, release dependencies.
  void Unload(Module *m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // The loader lock; DllMain may call LoadLibrary. It also guards each Module's refs_,
  // attached_, thread_calls_ and dependencies_ (the analysis cannot name it from Module).
  RecursiveMutex mu_;
  Module *main_module_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::vector<std::unique_ptr<Module>> modules_ ABSL_GUARDED_BY(mu_);
  struct Unloaded {
    std::string name;
    uintptr_t base;
    size_t size;
  };
  std::vector<Unloaded> unloaded_ ABSL_GUARDED_BY(mu_);  // the latest kMaxUnloaded, oldest first
  static constexpr size_t kMaxUnloaded = 64;
};

// Whether `address` is inside a mapped PE image, without locks or allocation: the fault handler
// (win32/ntdll_faults.cc) asks it in signal context. A module being unloaded by another thread
// may still answer true for a moment; its code is no longer called by then.
bool InPeImage(const void *address);

// Whether `address` was inside one of the latest 64 unloaded PE images, under the same rules: a
// thread a DLL started, or a function pointer it handed out, that runs after the DLL is gone.
bool InFormerPeImage(const void *address);

// An anonymous private mapping of `size` bytes at an address aligned to 64 KiB (Windows'
// allocation granularity), anywhere; MAP_FAILED when there is no room.
void *MapAligned64K(size_t size, int prot);

// The trap for an import nobody provides (one per dll!function, made on first use): calling it
// prints `dll!function` and the calling module, then ends the process with kTrapExitCode. Null
// only if no executable page can be made. `importer` is named when the caller is not found.
const void *MakeImportTrap(const std::string &dll, const std::string &function,
                           const std::string &importer);

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_LOADER_LOADER_H_
