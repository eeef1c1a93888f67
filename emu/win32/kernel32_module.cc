// Modules: LoadLibrary[Ex]A/W, FreeLibrary, GetProcAddress, GetModuleHandleA/W,
// GetModuleFileNameA/W, over the PE loader and the built-in DLLs. A built-in DLL's HMODULE is
// the address of its export table (unique, never freed); GetProcAddress and FreeLibrary accept
// it like a PE module's base.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "base/debug.h"
#include "base/file_kind.h"
#include "base/utf.h"
#include "exports/builtin.h"
#include "loader/loader.h"
#include "paths/paths.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

// LoadLibrary's last error for a failed load (the loader's status codes, emu/loader):
//   NotFound           no such file                                  ERROR_MOD_NOT_FOUND (126)
//   PermissionDenied   not readable, or a folder (as Windows says)   ERROR_ACCESS_DENIED (5)
//   InvalidArgument    not a valid image: bad headers, a FIFO, a device, over the size limit,
//                      unreadable (/proc/self/mem)                   ERROR_BAD_EXE_FORMAT (193)
//   ResourceExhausted  no room to map it                             ERROR_NOT_ENOUGH_MEMORY (8)
//   anything else      a valid image that could not be made ready: DllMain returned FALSE, a
//                      forwarder cycle among its imports             ERROR_DLL_INIT_FAILED (1114)
// [inference] Windows gives 193 for a FIFO or device it cannot map as an image; 1114 is its
// error for a failed DllMain, and the closest for the other cases of the last row.
DWORD LoadError(const absl::Status &status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return ERROR_MOD_NOT_FOUND;
    case absl::StatusCode::kPermissionDenied:
      return ERROR_ACCESS_DENIED;
    case absl::StatusCode::kInvalidArgument:
      return ERROR_BAD_EXE_FORMAT;
    case absl::StatusCode::kResourceExhausted:
      return ERROR_NOT_ENOUGH_MEMORY;
    default:
      return ERROR_DLL_INIT_FAILED;
  }
}

const BuiltinModule *AsBuiltin(HMODULE h) { return BuiltinModuleAt(h); }

// Native modules: an ELF shared object named to LoadLibrary is opened with dlopen, so that a PE
// layer can sit on a native provider as on a PE one. Its HMODULE is the dlopen handle. PE code
// calls what GetProcAddress returns with the Windows calling convention, so only functions
// declared that way (a provider's WSPAPI ones) may be called through it.
struct NativeModule {
  std::string path;
  int refs;
};
std::mutex g_native_mu;
std::map<void *, NativeModule> &NativeModules() {
  static auto *modules = new std::map<void *, NativeModule>();
  return *modules;
}

HMODULE LoadNative(const std::string &path) {
  void *h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    DebugLog("LoadLibrary", "%s", dlerror());
    ws2emu_SetLastError(ERROR_BAD_EXE_FORMAT);
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(g_native_mu);
  auto [it, inserted] = NativeModules().try_emplace(h, NativeModule{path, 0});
  ++it->second.refs;
  return reinterpret_cast<HMODULE>(h);
}

// True (and its path) if `h` is a native module's handle.
bool AsNative(HMODULE h, std::string *path = nullptr) {
  std::lock_guard<std::mutex> lock(g_native_mu);
  auto it = NativeModules().find(h);
  if (it == NativeModules().end()) return false;
  if (path != nullptr) *path = it->second.path;
  return true;
}

// The PE module whose base is `h`. Never for null: no module is mapped below 64 KiB (the
// loader relocates such images), and a null HMODULE must not name one.
Module *AsModule(HMODULE h) {
  if (h == nullptr) return nullptr;
  Module *m = Loader::Get().FindByAddress(h);
  return m != nullptr && m->base() == reinterpret_cast<uint8_t *>(h) ? m : nullptr;
}

std::string Narrow(LPCWSTR s) {
  return s == nullptr ? std::string() : Utf16ToUtf8(reinterpret_cast<const char16_t *>(s));
}

// The folder of the module that contains `caller`, or empty.
std::string CallerDirectory(const void *caller) {
  Module *m = Loader::Get().FindByAddress(caller);
  if (m == nullptr) return {};
  size_t slash = m->path().find_last_of('/');
  return slash == std::string::npos ? "." : m->path().substr(0, slash);
}

// LoadLibrary's search: a built-in DLL by its file name (whatever folder the caller named, as
// C:\Windows\system32\ws2_32.dll is the built-in one); a Windows path (C:\..., \...) through
// the drive map; a path with a folder as given; a bare name beside the caller, in the current
// directory and in WS2EMU_DLL_PATH.
HMODULE Load(const std::string &name, const void *caller) {
  if (name.empty()) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  std::string file = name;
  std::string_view base = paths::BaseName(file);
  if (base.find('.') == std::string_view::npos)
    file += ".dll";  // LoadLibrary appends .dll to a name without an extension
  if (const BuiltinModule *builtin = FindBuiltinModule(paths::BaseName(file)))
    return reinterpret_cast<HMODULE>(const_cast<BuiltinModule *>(builtin));
  if (paths::IsWindowsPath(file)) {
    absl::StatusOr<std::string> mapped = paths::ToLinuxPath(file);
    if (!mapped.ok()) {
      ws2emu_SetLastError(ERROR_PATH_NOT_FOUND);
      return nullptr;
    }
    file = *mapped;
  }
  for (char &c : file)
    if (c == '\\') c = '/';
  if (file.find('/') != std::string::npos && KindOfFile(file).value_or(FileKind::kOther) == FileKind::kElf)
    return LoadNative(file);
  absl::StatusOr<Module *> m =
      file.find('/') != std::string::npos
          ? Loader::Get().Load(file)
          : Loader::Get().LoadByName(file, CallerDirectory(caller));
  if (!m.ok()) {
    DebugLog("LoadLibrary", "%s", std::string(m.status().message()).c_str());
    ws2emu_SetLastError(LoadError(m.status()));
    return nullptr;
  }
  return reinterpret_cast<HMODULE>((*m)->base());
}

DWORD CopyOut(const std::string &text, char *buffer, DWORD size) {
  if (size == 0) {
    ws2emu_SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return 0;
  }
  if (text.size() + 1 > size) {  // truncated and terminated, as Windows 10 does
    std::memcpy(buffer, text.data(), size - 1);
    buffer[size - 1] = 0;
    ws2emu_SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return size;
  }
  std::memcpy(buffer, text.c_str(), text.size() + 1);
  return static_cast<DWORD>(text.size());
}

std::string FileNameOf(HMODULE h, bool *ok) {
  *ok = true;
  if (h == nullptr) {  // the program's EXE
    if (Module *main = Loader::Get().main_module()) return main->path();
    *ok = false;
    return {};
  }
  if (const BuiltinModule *b = AsBuiltin(h)) return std::string("C:\\Windows\\system32\\") + b->name;
  if (Module *m = AsModule(h)) return m->path();
  if (std::string path; AsNative(h, &path)) return path;
  *ok = false;
  return {};
}

}  // namespace

HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName) {
  return Load(lpLibFileName != nullptr ? lpLibFileName : "", __builtin_return_address(0));
}

HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName) {
  return Load(Narrow(lpLibFileName), __builtin_return_address(0));
}

HMODULE WINAPI LoadLibraryExA(LPCSTR lpLibFileName, HANDLE, DWORD) {
  return Load(lpLibFileName != nullptr ? lpLibFileName : "", __builtin_return_address(0));
}

HMODULE WINAPI LoadLibraryExW(LPCWSTR lpLibFileName, HANDLE, DWORD) {
  return Load(Narrow(lpLibFileName), __builtin_return_address(0));
}

BOOL WINAPI FreeLibrary(HMODULE hLibModule) {
  if (AsBuiltin(hLibModule) != nullptr) return TRUE;
  {
    std::lock_guard<std::mutex> lock(g_native_mu);
    auto it = NativeModules().find(hLibModule);
    if (it != NativeModules().end()) {
      if (--it->second.refs == 0) NativeModules().erase(it);
      dlclose(hLibModule);
      return TRUE;
    }
  }
  Module *m = AsModule(hLibModule);
  if (m == nullptr || !Loader::Get().Free(m)) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  return TRUE;
}

FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName) {
  const void *address = nullptr;
  bool by_ordinal = reinterpret_cast<uintptr_t>(lpProcName) < 0x10000;  // MAKEINTRESOURCE
  auto ordinal = static_cast<uint16_t>(reinterpret_cast<uintptr_t>(lpProcName));
  if (const BuiltinModule *b = AsBuiltin(hModule)) {
    address = by_ordinal ? FindBuiltinExportByOrdinal(*b, ordinal) : FindBuiltinExport(*b, lpProcName);
  } else if (Module *m = AsModule(hModule)) {
    address = by_ordinal ? m->GetProcAddress(static_cast<uint32_t>(ordinal))
                         : m->GetProcAddress(std::string(lpProcName));
  } else if (AsNative(hModule)) {
    address = by_ordinal ? nullptr : dlsym(hModule, lpProcName);  // ELF has no ordinals
  } else {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  if (address == nullptr) ws2emu_SetLastError(ERROR_PROC_NOT_FOUND);
  return reinterpret_cast<FARPROC>(const_cast<void *>(address));
}

HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName) {
  if (lpModuleName == nullptr) {
    // The program's EXE; a native host has none that PE code could use.
    if (Module *main = Loader::Get().main_module()) return reinterpret_cast<HMODULE>(main->base());
    ws2emu_SetLastError(ERROR_MOD_NOT_FOUND);
    return nullptr;
  }
  std::string name = lpModuleName;
  if (name.find('.') == std::string::npos) name += ".dll";
  if (const BuiltinModule *b = FindBuiltinModule(name))
    return reinterpret_cast<HMODULE>(const_cast<BuiltinModule *>(b));
  if (Module *m = Loader::Get().FindByName(name)) return reinterpret_cast<HMODULE>(m->base());
  ws2emu_SetLastError(ERROR_MOD_NOT_FOUND);
  return nullptr;
}

HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName) {
  if (lpModuleName == nullptr) return GetModuleHandleA(nullptr);
  std::string name = Narrow(lpModuleName);
  return GetModuleHandleA(name.c_str());
}

DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize) {
  bool ok;
  std::string name = FileNameOf(hModule, &ok);
  if (!ok) {
    ws2emu_SetLastError(ERROR_MOD_NOT_FOUND);
    return 0;
  }
  return CopyOut(name, lpFilename, nSize);
}

DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize) {
  bool ok;
  std::string name = FileNameOf(hModule, &ok);
  if (!ok) {
    ws2emu_SetLastError(ERROR_MOD_NOT_FOUND);
    return 0;
  }
  if (nSize == 0) {
    ws2emu_SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return 0;
  }
  std::u16string wide = Utf8ToUtf16(name);
  if (wide.size() + 1 > nSize) {  // truncated and terminated, as Windows 10 does
    std::memcpy(lpFilename, wide.data(), (nSize - 1) * sizeof(WCHAR));
    lpFilename[nSize - 1] = 0;
    ws2emu_SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return nSize;
  }
  std::memcpy(lpFilename, wide.c_str(), (wide.size() + 1) * sizeof(WCHAR));
  return static_cast<DWORD>(wide.size());
}

}  // namespace ws2emu::emu::win32
