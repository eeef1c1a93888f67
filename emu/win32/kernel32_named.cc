#include "win32/kernel32_named.h"

#include <string>

#include "base/utf.h"
#include "win32/kernel32_disk_files.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

// An A-form name as UTF-16: null stays null. Longer than MAX_PATH is left to the W form, which
// fails with ERROR_FILENAME_EXCED_RANGE.
class WideName {
 public:
  explicit WideName(LPCSTR name) : null_(name == nullptr) {
    if (name != nullptr) wide_ = Utf8ToUtf16(name);
  }
  LPCWSTR get() const { return null_ ? nullptr : wide_.c_str(); }

 private:
  bool null_;
  std::u16string wide_;
};

}  // namespace

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES attributes, BOOL manual_reset, BOOL initial,
                           LPCSTR name) {
  return ws2emu_CreateEventW(attributes, manual_reset, initial, WideName(name).get());
}

HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES attributes, LPCSTR name, DWORD flags,
                             DWORD access) {
  return ws2emu_CreateEventExW(attributes, WideName(name).get(), flags, access);
}

HANDLE WINAPI OpenEventA(DWORD access, BOOL inherit, LPCSTR name) {
  return ws2emu_OpenEventW(access, inherit, WideName(name).get());
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES attributes, BOOL initial_owner, LPCSTR name) {
  return ws2emu_CreateMutexW(attributes, initial_owner, WideName(name).get());
}

HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES attributes, LPCSTR name, DWORD flags,
                             DWORD access) {
  return ws2emu_CreateMutexExW(attributes, WideName(name).get(), flags, access);
}

HANDLE WINAPI OpenMutexA(DWORD access, BOOL inherit, LPCSTR name) {
  return ws2emu_OpenMutexW(access, inherit, WideName(name).get());
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES attributes, LONG initial, LONG maximum,
                               LPCSTR name) {
  return ws2emu_CreateSemaphoreW(attributes, initial, maximum, WideName(name).get());
}

HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES attributes, LONG initial, LONG maximum,
                                 LPCSTR name, DWORD flags, DWORD access) {
  return ws2emu_CreateSemaphoreExW(attributes, initial, maximum, WideName(name).get(), flags,
                                   access);
}

HANDLE WINAPI OpenSemaphoreA(DWORD access, BOOL inherit, LPCSTR name) {
  return ws2emu_OpenSemaphoreW(access, inherit, WideName(name).get());
}

// A file HANDLE from CreateFile is a descriptor in emu's file table: the core maps that
// descriptor (duplicating it, so the section outlives a CloseHandle of the file, as on Windows).
// Any other handle but INVALID_HANDLE_VALUE: ERROR_INVALID_HANDLE.
HANDLE WINAPI CreateFileMappingW(HANDLE file, LPSECURITY_ATTRIBUTES attributes, DWORD protect,
                                 DWORD size_high, DWORD size_low, LPCWSTR name) {
  int fd = -1;
  if (file != INVALID_HANDLE_VALUE) {
    fd = IsDiskFile(file) ? DiskFileFd(file) : -1;
    if (fd < 0) {
      ws2emu_SetLastError(ERROR_INVALID_HANDLE);
      return nullptr;
    }
  }
  return ws2emu_CreateFileMappingFd(fd, attributes, protect, size_high, size_low, name);
}

HANDLE WINAPI CreateFileMappingA(HANDLE file, LPSECURITY_ATTRIBUTES attributes, DWORD protect,
                                 DWORD size_high, DWORD size_low, LPCSTR name) {
  return CreateFileMappingW(file, attributes, protect, size_high, size_low, WideName(name).get());
}

HANDLE WINAPI OpenFileMappingA(DWORD access, BOOL inherit, LPCSTR name) {
  return ws2emu_OpenFileMappingW(access, inherit, WideName(name).get());
}

}  // namespace ws2emu::emu::win32
