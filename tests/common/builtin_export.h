// tests/common/builtin_export.h — a built-in DLL's function as PE code would get it, through the
// runtime's export tables (ws2emu_find_export), typed; a missing export fails the test.
//
//   auto get = ws2emu::testing::K32<DWORD(WINAPI *)(void)>("GetLastError");
#ifndef WS2EMU_TESTS_COMMON_BUILTIN_EXPORT_H_
#define WS2EMU_TESTS_COMMON_BUILTIN_EXPORT_H_

#include <gtest/gtest.h>

#include "ws2emu/ws2emu.h"

namespace ws2emu::testing {

template <typename Fn>
Fn Export(const char *dll, const char *name) {
  void *address = ws2emu_find_export(dll, name);
  EXPECT_NE(address, nullptr) << dll << "!" << name;
  return reinterpret_cast<Fn>(address);
}
template <typename Fn>
Fn K32(const char *name) { return Export<Fn>("KERNEL32.dll", name); }
template <typename Fn>
Fn Crt(const char *name) { return Export<Fn>("msvcrt.dll", name); }
template <typename Fn>
Fn U32(const char *name) { return Export<Fn>("USER32.dll", name); }

}  // namespace ws2emu::testing

#endif  // WS2EMU_TESTS_COMMON_BUILTIN_EXPORT_H_
