// The built-in export tables: DLL names are found case-insensitively with or without ".dll",
// functions by exact name or by their real ordinal, and every entry is a real function.
#include <gtest/gtest.h>

#include <cstdlib>

#include "exports/builtin.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

TEST(BuiltinExports, FindsModulesByWindowsName) {
  EXPECT_EQ(FindBuiltinModule("KERNEL32.dll"), &kKernel32Module);
  EXPECT_EQ(FindBuiltinModule("kernel32"), &kKernel32Module);
  EXPECT_EQ(FindBuiltinModule("Ws2_32.DLL"), &kWs2_32Module);
  EXPECT_EQ(FindBuiltinModule("ws2_32"), &kWs2_32Module);
  EXPECT_EQ(FindBuiltinModule("nosuch.dll"), nullptr);
  EXPECT_EQ(FindBuiltinModule(""), nullptr);
}

TEST(BuiltinExports, FindsFunctionsByNameAndOrdinal) {
  EXPECT_EQ(FindBuiltinExport(kWs2_32Module, "WPUCompleteOverlappedRequest"),
            reinterpret_cast<const void *>(&WPUCompleteOverlappedRequest));
  EXPECT_EQ(FindBuiltinExportByOrdinal(kWs2_32Module, 111),
            reinterpret_cast<const void *>(&WSAGetLastError));
  EXPECT_EQ(FindBuiltinExportByOrdinal(kWs2_32Module, 112),
            reinterpret_cast<const void *>(&WSASetLastError));
  EXPECT_EQ(FindBuiltinExportByOrdinal(kWs2_32Module, 0), nullptr);
  EXPECT_EQ(FindBuiltinExport(kWs2_32Module, "wsagetlasterror"), nullptr);  // case matters
  EXPECT_EQ(FindBuiltinExport(kKernel32Module, "SetEvent"),
            reinterpret_cast<const void *>(&ws2emu_SetEvent));
  EXPECT_EQ(FindBuiltinExport(kKernel32Module, "NoSuchFunction"), nullptr);
}

// The LSP categorization calls at their x64 Windows 10 ordinals, callable through the table.
TEST(BuiltinExports, ProviderInfoCallsHaveTheirOrdinals) {
  const struct {
    unsigned ordinal;
    const char *name;
    const void *fn;
  } calls[] = {
      {135, "WSCGetApplicationCategory",
       reinterpret_cast<const void *>(&WSCGetApplicationCategory)},
      {137, "WSCGetProviderInfo", reinterpret_cast<const void *>(&WSCGetProviderInfo)},
      {138, "WSCGetProviderInfo32", reinterpret_cast<const void *>(&WSCGetProviderInfo32)},
      {150, "WSCSetApplicationCategory",
       reinterpret_cast<const void *>(&WSCSetApplicationCategory)},
      {153, "WSCSetProviderInfo", reinterpret_cast<const void *>(&WSCSetProviderInfo)},
      {154, "WSCSetProviderInfo32", reinterpret_cast<const void *>(&WSCSetProviderInfo32)},
  };
  for (const auto &c : calls) {
    EXPECT_EQ(FindBuiltinExportByOrdinal(kWs2_32Module, c.ordinal), c.fn) << c.name;
    EXPECT_EQ(FindBuiltinExport(kWs2_32Module, c.name), c.fn) << c.name;
  }
  // A catalog that does not exist holds MSAFD's entries, none categorized (nothing is written).
  setenv("WS2EMU_CATALOG", "/nonexistent-ws2emu-dir/catalog", 1);
  auto get = reinterpret_cast<LPWSCGETPROVIDERINFO>(
      const_cast<void *>(FindBuiltinExportByOrdinal(kWs2_32Module, 137)));
  GUID msafd = {0xe70f1aa0, 0xab8b, 0x11cf, {0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}};
  DWORD categories = 0xffffffff;
  size_t size = sizeof(categories);
  int err = 0;
  EXPECT_EQ(get(&msafd, ProviderInfoLspCategories, reinterpret_cast<PBYTE>(&categories), &size,
                0, &err),
            0)
      << err;
  EXPECT_EQ(categories, 0u);
  EXPECT_EQ(get(&msafd, ProviderInfoAudit, reinterpret_cast<PBYTE>(&categories), &size, 0, &err),
            SOCKET_ERROR);
  EXPECT_EQ(err, ERROR_CALL_NOT_IMPLEMENTED);
  unsetenv("WS2EMU_CATALOG");
}

TEST(BuiltinExports, EveryEntryHasAnAddressAndAUniqueName) {
  for (const BuiltinModule *m : {&kKernel32Module, &kWs2_32Module, &kMsvcrtModule, &kUser32Module,
                                 &kRpcrt4Module, &kOle32Module}) {
    for (size_t i = 0; i < m->count; ++i) {
      EXPECT_NE(m->exports[i].address, nullptr) << m->name << "!" << m->exports[i].name;
      for (size_t j = i + 1; j < m->count; ++j) {
        EXPECT_STRNE(m->exports[i].name, m->exports[j].name) << m->name;
        if (m->exports[i].ordinal != 0) {
          EXPECT_NE(m->exports[i].ordinal, m->exports[j].ordinal) << m->name;
        }
      }
    }
  }
}

TEST(BuiltinExports, Kernel32WaitsThroughTheTable) {
  using CreateEventWFn = HANDLE(WINAPI *)(LPSECURITY_ATTRIBUTES, BOOL, BOOL, LPCWSTR);
  using WaitFn = DWORD(WINAPI *)(HANDLE, DWORD);
  auto create = reinterpret_cast<CreateEventWFn>(
      const_cast<void *>(FindBuiltinExport(kKernel32Module, "CreateEventW")));
  auto wait = reinterpret_cast<WaitFn>(
      const_cast<void *>(FindBuiltinExport(kKernel32Module, "WaitForSingleObject")));
  HANDLE e = create(nullptr, TRUE, TRUE, nullptr);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(wait(e, 0), WAIT_OBJECT_0);
  EXPECT_TRUE(ws2emu_CloseHandle(e));
}

}  // namespace
}  // namespace ws2emu::emu

namespace ws2emu::emu {
namespace {

TEST(FindExportCApi, AnswersByNameAndOrdinalAndRefusesBadInput) {
  EXPECT_EQ(ws2emu_find_export("kernel32", "SetEvent"),
            reinterpret_cast<void *>(&ws2emu_SetEvent));
  EXPECT_EQ(ws2emu_find_export_ordinal("WS2_32.DLL", 111),
            reinterpret_cast<void *>(&WSAGetLastError));
  EXPECT_EQ(ws2emu_find_export("kernel32.dll", "Beep"), nullptr);
  EXPECT_EQ(ws2emu_find_export("nosuch.dll", "SetEvent"), nullptr);
  EXPECT_EQ(ws2emu_find_export(nullptr, "SetEvent"), nullptr);
  EXPECT_EQ(ws2emu_find_export("kernel32", nullptr), nullptr);
  EXPECT_EQ(ws2emu_find_export_ordinal("ws2_32", 0), nullptr);
  EXPECT_EQ(ws2emu_find_export_ordinal("ws2_32", 0x10000 + 111), nullptr);
}

}  // namespace
}  // namespace ws2emu::emu
