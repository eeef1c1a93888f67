// Modules: LoadLibrary[Ex]A/W, FreeLibrary, GetProcAddress, GetModuleHandleA/W,
// GetModuleFileNameA/W, over the one module resolver (lib/modules): built-in DLLs, PE images
// and native ELF objects, found in one search order and unloaded through one reference-counted
// path. A built-in DLL's HMODULE is the address of its export table (unique, never freed), a PE
// module's is its base, a native module's its dlopen handle.
#include <cstring>
#include <string>

#include "base/debug.h"
#include "base/utf.h"
#include "loader/loader.h"
#include "modules/modules.h"
#include "paths/paths.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

// LoadLibrary's last error for a failed load (lib/modules' status codes):
//   NotFound           no such file                                  ERROR_MOD_NOT_FOUND (126)
//   Unavailable        a Windows path the drive map cannot place     ERROR_PATH_NOT_FOUND (3)
//   PermissionDenied   not readable, or a folder (as Windows says)   ERROR_ACCESS_DENIED (5)
//   InvalidArgument    not a valid image: bad headers, a FIFO, a device, over the size limit,
//                      unreadable (/proc/self/mem), refused by dlopen ERROR_BAD_EXE_FORMAT (193)
//   ResourceExhausted  no room to map it                             ERROR_NOT_ENOUGH_MEMORY (8)
//   anything else      a valid image that could not be made ready: DllMain returned FALSE, a
//                      forwarder cycle among its imports             ERROR_DLL_INIT_FAILED (1114)
// [inference] Windows gives 193 for a FIFO or device it cannot map as an image; 1114 is its
// error for a failed DllMain, and the closest for the other cases of the last row.
DWORD LoadError(const absl::Status &status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return ERROR_MOD_NOT_FOUND;
    case absl::StatusCode::kUnavailable:
      return ERROR_PATH_NOT_FOUND;
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

std::string Narrow(LPCWSTR s) {
  return s == nullptr ? std::string() : Utf16ToUtf8(reinterpret_cast<const char16_t *>(s));
}

// The folder of the module that contains `caller`, or empty.
std::string CallerDirectory(const void *caller) {
  Module *m = Loader::Get().FindByAddress(caller);
  if (m == nullptr) return {};
  return paths::FolderOf(m->path());
}

// LoadLibrary: the resolver's rules (lib/modules/modules.h) with LoadLibrary's own — no
// %VARIABLE% expansion (Windows' LoadLibrary does none), ".dll" appended to a name without an
// extension, the caller's folder first for a bare name.
HMODULE Load(const std::string &name, const void *caller) {
  if (name.empty()) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  modules::Options options;
  options.append_dll = true;
  options.requester_folder = CallerDirectory(caller);
  absl::StatusOr<modules::Loaded> m = modules::Load(name, options);
  if (!m.ok()) {
    DebugLog("LoadLibrary", "%s", std::string(m.status().message()).c_str());
    ws2emu_SetLastError(LoadError(m.status()));
    return nullptr;
  }
  return reinterpret_cast<HMODULE>(m->handle);
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
  absl::StatusOr<std::string> name = modules::FileName(h);
  *ok = name.ok();
  return name.ok() ? *name : std::string();
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
  if (!modules::Unload(hLibModule).ok()) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  return TRUE;
}

FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName) {
  bool by_ordinal = reinterpret_cast<uintptr_t>(lpProcName) < 0x10000;  // MAKEINTRESOURCE
  auto ordinal = static_cast<uint16_t>(reinterpret_cast<uintptr_t>(lpProcName));
  absl::StatusOr<const void *> address = by_ordinal
                                             ? modules::FindExportByOrdinal(hModule, ordinal)
                                             : modules::FindExport(hModule, lpProcName);
  if (!address.ok()) {
    ws2emu_SetLastError(address.status().code() == absl::StatusCode::kInvalidArgument
                            ? ERROR_INVALID_HANDLE
                            : ERROR_PROC_NOT_FOUND);
    return nullptr;
  }
  return reinterpret_cast<FARPROC>(const_cast<void *>(*address));
}

HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName) {
  if (lpModuleName == nullptr) {
    // The program's EXE; a native host has none that PE code could use.
    if (Module *main = Loader::Get().main_module()) return reinterpret_cast<HMODULE>(main->base());
    ws2emu_SetLastError(ERROR_MOD_NOT_FOUND);
    return nullptr;
  }
  if (void *h = modules::FindLoaded(lpModuleName)) return reinterpret_cast<HMODULE>(h);
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
