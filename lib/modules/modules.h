// lib/modules/modules.h — the one module resolver: a module name or path -> a loaded module
// (a built-in DLL, a PE image or a native ELF shared object), its exports, and one reference-
// counted unload. LoadLibrary*, GetModuleHandle*, FreeLibrary, GetProcAddress and
// GetModuleFileName (emu/win32), the PE loader's imports (emu/loader), the provider manager
// (lib/providers) and every mode of ws2emu-run load modules through it.
//
//   absl::StatusOr<modules::Loaded> m = modules::Load("%SystemRoot%\\system32\\mswsock.dll",
//                                                     {.expand_variables = true});
//   absl::StatusOr<const void *> f = modules::FindExport(m->handle, "WSPStartup");
//   modules::Unload(m->handle);           // once per successful Load
//
// Resolution of `name`:
//   1. %VARIABLES% are expanded only when the caller asks (a catalog path is, as ws2_32 expands
//      it; LoadLibrary's argument is not, as on Windows). With `append_dll`, a file name without
//      an extension gets ".dll" (LoadLibrary's rule).
//   2. A name with a folder (a '\' or '/', or a drive letter) is a path. A Windows path
//      (C:\..., \..., \\?\...) goes through the drive map (lib/paths); any other path is a
//      Linux path, absolute or relative to the current folder ('\' read as '/'). When the
//      folder is the system folder (%SystemRoot%\system32 through the drive map, in any
//      spelling that maps to it: C:\WINDOWS\System32, \Windows\system32, the Linux path of
//      drive_c's folder) and the file name is a built-in module's, the built-in module is the
//      result, whether or not a file is there — as Windows' KnownDLLs cannot be replaced.
//   3. A bare file name is, in this order (the first that has it wins):
//        a. a built-in module of that name (case-insensitive, ".dll" optional);
//        b. a PE image already loaded under that file name (a new reference to it, as Windows
//           checks its list of loaded modules first);
//        c. a file of that name (matched case-insensitively) in the search folders:
//             - the application folder: the folder of the module that asks (LoadLibrary's
//               caller, the image whose imports are bound), else the folder of the PE program
//               being run (ws2emu-run PROGRAM.exe), else none (a native host);
//             - the system folder (%SystemRoot%\system32 through the drive map);
//             - the current folder;
//             - each folder of WS2EMU_DLL_PATH (':'-separated, empty entries skipped), which
//               stands for Windows' PATH.
//      [inference] Windows searches the application folder, the system folder, the 16-bit
//      system folder, the Windows folder, the current folder and PATH (SafeDllSearchMode). The
//      16-bit system folder and the Windows folder hold no DLL a provider loads here, so they
//      are left out; Linux's own PATH lists folders of Linux programs, not DLLs, so only
//      WS2EMU_DLL_PATH plays PATH's part. "The module that asks" comes first because a layered
//      provider ships its DLLs beside itself while the program (a native host, or an unrelated
//      EXE) lives elsewhere.
//   4. The file found is opened by its first bytes (base/file_kind.h): an ELF shared object
//      through dlopen, anything else through the PE image loader emu/ registers (which names
//      what is wrong with a file that is no image: a folder, a FIFO, a device, bad headers).
//
// Status codes (LoadLibrary's last error follows them, emu/win32/kernel32_module.cc):
//   InvalidArgument     an empty name; a file that is no loadable image (not PE, not ELF, bad
//                       headers, a FIFO or device, over the size limit); dlopen refused it
//   NotFound            no such file ("NAME (LINUX PATH): no such file"), or a bare name that
//                       no search folder holds ("NAME: not found in FOLDERS")
//   Unavailable         a Windows path the drive map cannot place (an unmapped drive letter,
//                       a UNC path): ERROR_PATH_NOT_FOUND
//   PermissionDenied    a file that cannot be read, or a folder
//   ResourceExhausted   no room to map the image
//   FailedPrecondition  a PE image, and no PE loader registered; or a valid image that could
//                       not be made ready (DllMain returned FALSE, a forwarder cycle)
//
// Reference counts: every successful Load counts one reference and needs one Unload. A PE
// image's count is the image loader's (shared with the imports that use it); an ELF object's is
// kept here (and dlopen's own); a built-in module is never unloaded (Unload succeeds, nothing
// happens), as Windows never unloads a system DLL that its own process uses.
//
// Registration: lib/ never includes emu/. emu/ registers what only it knows — the PE image
// loader and the built-in module tables — through RegisterPeImages and RegisterBuiltins, once,
// from emu/loader/loader.cc (see there). Without them, PE images fail to load saying so, and no
// built-in module exists.
//
// Locking: the resolver's own lock guards the registrations and the ELF table only. It is never
// held while a backend loads, unloads or looks up a module, so a DllMain or a WSPStartup that
// loads another module through the resolver does not deadlock.
#ifndef WS2EMU_LIB_MODULES_MODULES_H_
#define WS2EMU_LIB_MODULES_MODULES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ws2emu::modules {

enum class Kind { kBuiltin, kPe, kElf };

// "built-in", "PE" or "native".
const char *KindName(Kind kind);

// The PE image loader (emu/loader). A handle is the image's base address (its HMODULE).
class PeImages {
 public:
  virtual ~PeImages() = default;
  // Maps the image at `linux_path` (or finds it loaded under its file name) and counts one
  // more reference. Status codes as above.
  virtual absl::StatusOr<void *> Load(const std::string &linux_path) = 0;
  // The image loaded under `file_name` (case-insensitive) with one more reference, or null.
  virtual void *Reference(std::string_view file_name) = 0;
  // The image loaded under `file_name`, without a new reference, or null.
  virtual void *Find(std::string_view file_name) = 0;
  // Drops one reference (unloading at zero). False if `handle` is no loaded image's base.
  virtual bool Release(void *handle) = 0;
  // True if `handle` is a loaded image's base (never for null).
  virtual bool Owns(const void *handle) = 0;
  // The image's Linux path; empty when `handle` is none.
  virtual std::string Path(const void *handle) = 0;
  // An export by name or by (biased) ordinal, forwarders followed; null if none.
  virtual const void *Export(const void *handle, std::string_view name) = 0;
  virtual const void *ExportByOrdinal(const void *handle, uint32_t ordinal) = 0;
  // The folder of the loaded image that contains `address`, or empty.
  virtual std::string FolderOf(const void *address) = 0;
  // The folder of the PE program being run, or empty (a native host).
  virtual std::string ProgramFolder() = 0;
};

// The built-in modules (emu/exports): export tables with Windows file names. A handle is the
// address of the module's table (unique, never freed).
class Builtins {
 public:
  virtual ~Builtins() = default;
  // The module with this file name (case-insensitive, ".dll" optional), or null.
  virtual const void *Find(std::string_view file_name) = 0;
  // The module's Windows file name ("WS2_32.dll"); null if `handle` is no built-in module.
  virtual const char *Name(const void *handle) = 0;
  virtual const void *Export(const void *handle, std::string_view name) = 0;
  virtual const void *ExportByOrdinal(const void *handle, uint16_t ordinal) = 0;
};

// Registers emu/'s loader and tables. Registering the same object again changes nothing;
// registering another one while one is registered is refused (FailedPrecondition): there is one
// of each per process.
absl::Status RegisterPeImages(PeImages *images);
absl::Status RegisterBuiltins(Builtins *builtins);

struct Options {
  // The folder of the module that asks (LoadLibrary's caller, the importing image): first in
  // the search for a bare name. Empty: the PE program's folder, if one runs.
  std::string requester_folder;
  // Expand %VARIABLES% first (catalog paths); LoadLibrary does not.
  bool expand_variables = false;
  // Append ".dll" to a file name without an extension (LoadLibrary).
  bool append_dll = false;
};

// Where a name resolves, without loading anything.
struct Location {
  Kind kind = Kind::kPe;
  const void *builtin = nullptr;  // kBuiltin: the module's handle
  std::string path;               // otherwise: the Linux file (kind decided when loaded)
};
absl::StatusOr<Location> Locate(std::string_view name, const Options &options = {});

// The folders searched for a bare name, in order (for messages and for ws2emu-run --check).
std::vector<std::string> SearchFolders(const std::string &requester_folder);

struct Loaded {
  void *handle = nullptr;  // HMODULE: a built-in table, a PE image's base, a dlopen handle
  Kind kind = Kind::kPe;
  std::string path;  // the Linux file; for a built-in module, its Windows path
};
absl::StatusOr<Loaded> Load(std::string_view name, const Options &options = {});

// One reference less (see above). InvalidArgument for a handle that names no loaded module.
absl::Status Unload(void *handle);

// A module already loaded under this file name (built-in, PE or ELF), without a new
// reference: GetModuleHandle. Null if none.
void *FindLoaded(std::string_view name);

// What kind of module `handle` is; NotFound if none (never for null).
absl::StatusOr<Kind> KindOf(const void *handle);

// An export by name or ordinal: InvalidArgument for a handle that names no module, NotFound
// for a name it does not export. ELF objects have no ordinals.
absl::StatusOr<const void *> FindExport(const void *handle, std::string_view name);
absl::StatusOr<const void *> FindExportByOrdinal(const void *handle, uint32_t ordinal);

// An export filter sees every address FindExport returns (by name) and may hand out another
// function of the same signature in its place: ws2emu-run --trace=spi gives a tracing
// WSPStartup for "WSPStartup", whoever asks (the provider manager, GetProcAddress of an LSP).
// Null (the default) removes it. Set once before modules are used; reading it is one relaxed
// atomic load per lookup, nothing on any call through the returned address.
using ExportFilter = const void *(*)(const void *handle, std::string_view name,
                                     const void *address);
void SetExportFilter(ExportFilter filter);

// The module's file: a PE or ELF module's Linux path, a built-in module's Windows path
// (%SystemRoot%\system32\NAME). NotFound for a handle that names no module.
absl::StatusOr<std::string> FileName(const void *handle);

}  // namespace ws2emu::modules

#endif  // WS2EMU_LIB_MODULES_MODULES_H_
