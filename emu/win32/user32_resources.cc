#include "win32/user32_resources.h"

#include <cstdint>

#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr DWORD kErrorResourceNameNotFound = 1814;

// The predefined resource ids (winuser.h): IDC_ARROW 32512 ... IDC_PERSON 32672; IDI_APPLICATION
// 32512 ... IDI_SHIELD 32518.
constexpr uint16_t kCursorIds[] = {32512, 32513, 32514, 32515, 32516, 32640, 32641, 32642, 32643,
                                   32644, 32645, 32646, 32648, 32649, 32650, 32651, 32671, 32672};
constexpr uint16_t kIconIds[] = {32512, 32513, 32514, 32515, 32516, 32517, 32518};

// One byte of storage per shared object: its address is the handle, distinct from every other
// handle and stable for the life of the process.
char g_cursors[sizeof(kCursorIds) / sizeof(kCursorIds[0])];
char g_icons[sizeof(kIconIds) / sizeof(kIconIds[0])];

template <size_t N>
void *Shared(HINSTANCE instance, const void *name, const uint16_t (&ids)[N], char (&objects)[N]) {
  const auto value = reinterpret_cast<uintptr_t>(name);
  if (instance == nullptr && value <= 0xffff) {  // MAKEINTRESOURCE
    for (size_t i = 0; i < N; ++i) {
      if (ids[i] == value) return &objects[i];
    }
  }
  ws2emu_SetLastError(kErrorResourceNameNotFound);
  return nullptr;
}

}  // namespace

HCURSOR WINAPI LoadCursorA(HINSTANCE hInstance, LPCSTR lpCursorName) {
  return static_cast<HCURSOR>(Shared(hInstance, lpCursorName, kCursorIds, g_cursors));
}
HCURSOR WINAPI LoadCursorW(HINSTANCE hInstance, LPCWSTR lpCursorName) {
  return static_cast<HCURSOR>(Shared(hInstance, lpCursorName, kCursorIds, g_cursors));
}
HICON WINAPI LoadIconA(HINSTANCE hInstance, LPCSTR lpIconName) {
  return static_cast<HICON>(Shared(hInstance, lpIconName, kIconIds, g_icons));
}
HICON WINAPI LoadIconW(HINSTANCE hInstance, LPCWSTR lpIconName) {
  return static_cast<HICON>(Shared(hInstance, lpIconName, kIconIds, g_icons));
}

}  // namespace ws2emu::emu::win32
