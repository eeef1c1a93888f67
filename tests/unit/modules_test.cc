// The module resolver (lib/modules): one search order for bare names (the requester's folder,
// the system folder, the current folder, WS2EMU_DLL_PATH), Windows paths through the drive map,
// built-in modules by their Windows path in any spelling, reference-counted unloading, and the
// messages of a missing module. No emu/ here: the built-in modules are a fake registered
// through the resolver's interface, as emu/ registers its tables; and the provider manager
// starts a provider whose catalog path names a built-in module (the coming base provider,
// %SystemRoot%\system32\mswsock.dll).
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "catalog/operations.h"
#include "common/temp_dir.h"
#include "modules/modules.h"
#include "providers/manager.h"
#include "ws2emu/ws2emu.h"

namespace {

using ws2emu::testing::TempDir;
namespace modules = ws2emu::modules;

// A fake built-in module "MSWSOCK.dll" whose only export is a WSPStartup that starts at 2.2
// with a full proc table and counts its calls.
int g_startups = 0, g_cleanups = 0;

int WSPAPI FakeCleanup(LPINT) {
  ++g_cleanups;
  return 0;
}
int WSPAPI FakeOther() { return SOCKET_ERROR; }

int WSPAPI FakeStartup(WORD, LPWSPDATA data, LPWSAPROTOCOL_INFOW, WSPUPCALLTABLE,
                       LPWSPPROC_TABLE procs) {
  ++g_startups;
  data->wVersion = data->wHighVersion = MAKEWORD(2, 2);
  auto **entries = reinterpret_cast<void **>(procs);
  for (size_t i = 0; i < sizeof(*procs) / sizeof(void *); ++i)
    entries[i] = reinterpret_cast<void *>(&FakeOther);
  procs->lpWSPCleanup = &FakeCleanup;
  return 0;
}

struct FakeModule {
  const char *name;
};
const FakeModule kMswsock = {"MSWSOCK.dll"};

class FakeBuiltins final : public modules::Builtins {
 public:
  const void *Find(std::string_view file_name) override {
    std::string_view n = file_name;
    if (n.size() >= 4 && strncasecmp(n.data() + n.size() - 4, ".dll", 4) == 0) n.remove_suffix(4);
    return n.size() == 7 && strncasecmp(n.data(), "mswsock", 7) == 0 ? &kMswsock : nullptr;
  }
  const char *Name(const void *handle) override {
    return handle == &kMswsock ? kMswsock.name : nullptr;
  }
  const void *Export(const void *handle, std::string_view name) override {
    if (handle == &kMswsock && name == "WSPStartup") return reinterpret_cast<void *>(&FakeStartup);
    return nullptr;
  }
  const void *ExportByOrdinal(const void *, uint16_t) override { return nullptr; }
};

FakeBuiltins *Builtins() {
  static FakeBuiltins *const builtins = [] {
    auto *b = new FakeBuiltins();
    absl::Status s = modules::RegisterBuiltins(b);
    EXPECT_TRUE(s.ok()) << s;
    return b;
  }();
  return builtins;
}

void Touch(const std::string &path) { std::ofstream(path) << "x"; }

// Each test gets its own drive C: (so the system folder is known), current folder and
// WS2EMU_DLL_PATH, and gives back what it changed.
class Resolver : public ::testing::Test {
 protected:
  void SetUp() override {
    Builtins();
    char cwd[4096];
    ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
    old_cwd_ = cwd;
    drive_ = root_.path() + "/drive_c";
    system_ = drive_ + "/Windows/System32";
    std::filesystem::create_directories(system_);
    for (const char *d : {"/app", "/cwd", "/path1", "/path2"})
      std::filesystem::create_directories(root_.path() + d);
    setenv("WS2EMU_DRIVE_C", drive_.c_str(), 1);
    unsetenv("SystemRoot");
    unsetenv("WS2EMU_DLL_PATH");
    ASSERT_EQ(chdir((root_.path() + "/cwd").c_str()), 0);
  }
  void TearDown() override {
    EXPECT_EQ(chdir(old_cwd_.c_str()), 0);
    unsetenv("WS2EMU_DRIVE_C");
    unsetenv("WS2EMU_DLL_PATH");
  }
  std::string Find(const std::string &name, const std::string &requester = {}) {
    modules::Options options;
    options.requester_folder = requester;
    absl::StatusOr<modules::Location> where = modules::Locate(name, options);
    if (!where.ok()) return where.status().ToString();
    if (where->kind == modules::Kind::kBuiltin) return "built-in";
    return where->path;
  }
  TempDir root_{"modules"};
  std::string old_cwd_, drive_, system_;
};

TEST_F(Resolver, TheSameNameInTwoFoldersComesFromTheEarlierOne) {
  const std::string app = root_.path() + "/app";
  for (const std::string &dir : {app, system_, std::string("."), root_.path() + "/path1"})
    Touch(dir + "/both.dll");
  setenv("WS2EMU_DLL_PATH", (root_.path() + "/path1").c_str(), 1);
  // The requester's folder first, whatever case the name is asked in.
  EXPECT_EQ(Find("BOTH.DLL", app), app + "/both.dll");
  // Without a requester (and no PE program), the system folder comes first.
  EXPECT_EQ(Find("both.dll"), system_ + "/both.dll");
  std::filesystem::remove(system_ + "/both.dll");
  EXPECT_EQ(Find("both.dll"), "./both.dll");  // then the current folder
  std::filesystem::remove("both.dll");
  EXPECT_EQ(Find("both.dll"), root_.path() + "/path1/both.dll");  // then WS2EMU_DLL_PATH
}

TEST_F(Resolver, Ws2emuDllPathIsSearchedInOrderAfterTheCurrentFolder) {
  Touch(root_.path() + "/path2/late.dll");
  EXPECT_NE(Find("late.dll").find("NOT_FOUND"), std::string::npos);
  // Empty entries are skipped; the folders are searched in the order given.
  setenv("WS2EMU_DLL_PATH", ("::" + root_.path() + "/path1::" + root_.path() + "/path2:").c_str(),
         1);
  EXPECT_EQ(Find("late.dll"), root_.path() + "/path2/late.dll");
  Touch(root_.path() + "/path1/late.dll");
  EXPECT_EQ(Find("late.dll"), root_.path() + "/path1/late.dll");
  std::vector<std::string> folders = modules::SearchFolders("");
  ASSERT_EQ(folders.size(), 4u);
  EXPECT_EQ(folders[0], system_);
  EXPECT_EQ(folders[1], ".");
  EXPECT_EQ(folders[2], root_.path() + "/path1");
  EXPECT_EQ(folders[3], root_.path() + "/path2");
}

TEST_F(Resolver, ABuiltinModuleIsFoundByItsWindowsPathInAnySpelling) {
  EXPECT_EQ(Find("mswsock.dll"), "built-in");
  EXPECT_EQ(Find("MSWSOCK"), "built-in");
  EXPECT_EQ(Find("C:\\Windows\\system32\\mswsock.dll"), "built-in");
  EXPECT_EQ(Find("c:\\WINDOWS\\SYSTEM32\\MSWSOCK.DLL"), "built-in");
  EXPECT_EQ(Find("\\Windows\\System32\\mswsock.dll"), "built-in");
  EXPECT_EQ(Find("C:/Windows/Temp/../system32/mswsock.dll"), "built-in");
  EXPECT_EQ(Find(system_ + "/mswsock.dll"), "built-in");  // the drive map's Linux path
  // Even with a file of that name in the system folder: built-in modules cannot be replaced.
  Touch(system_ + "/mswsock.dll");
  EXPECT_EQ(Find("C:\\Windows\\system32\\mswsock.dll"), "built-in");
  // Another folder is another file; %VARIABLES% are expanded only when asked (a catalog path).
  EXPECT_EQ(Find("C:\\other\\mswsock.dll"), drive_ + "/other/mswsock.dll");
  EXPECT_EQ(Find("%SystemRoot%\\system32\\mswsock.dll"), "%SystemRoot%/system32/mswsock.dll");
  modules::Options expand;
  expand.expand_variables = true;
  absl::StatusOr<modules::Loaded> m =
      modules::Load("%SystemRoot%\\system32\\MSWSOCK.DLL", expand);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->kind, modules::Kind::kBuiltin);
  EXPECT_EQ(m->path, "C:\\Windows\\system32\\MSWSOCK.dll");
  EXPECT_EQ(*modules::FindExport(m->handle, "WSPStartup"), reinterpret_cast<void *>(&FakeStartup));
  EXPECT_EQ(modules::FindExport(m->handle, "WSPNope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(modules::FindLoaded("mswsock"), m->handle);
  EXPECT_TRUE(modules::Unload(m->handle).ok());  // never unloaded: it stays
  EXPECT_EQ(*modules::KindOf(m->handle), modules::Kind::kBuiltin);
}

// An export filter (ws2emu-run --trace=spi) sees every lookup by name and may hand out
// another address; the lookups that fail never reach it; without one, the real address.
const void *g_filtered_handle = nullptr;
std::string g_filtered_name;
int g_replacement;
const void *ReplaceStartup(const void *handle, std::string_view name, const void *address) {
  g_filtered_handle = handle;
  g_filtered_name = std::string(name);
  return name == "WSPStartup" ? &g_replacement : address;
}

TEST_F(Resolver, AnExportFilterReplacesWhatFindExportReturns) {
  absl::StatusOr<modules::Loaded> m = modules::Load("mswsock.dll");
  ASSERT_TRUE(m.ok()) << m.status();
  modules::SetExportFilter(&ReplaceStartup);
  EXPECT_EQ(*modules::FindExport(m->handle, "WSPStartup"), &g_replacement);
  EXPECT_EQ(g_filtered_handle, m->handle);
  EXPECT_EQ(g_filtered_name, "WSPStartup");
  g_filtered_name.clear();
  EXPECT_EQ(modules::FindExport(m->handle, "WSPNope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(g_filtered_name, "");
  modules::SetExportFilter(nullptr);
  EXPECT_EQ(*modules::FindExport(m->handle, "WSPStartup"), reinterpret_cast<void *>(&FakeStartup));
  EXPECT_TRUE(modules::Unload(m->handle).ok());
}

TEST_F(Resolver, ANativeObjectLoadedTwiceNeedsTwoUnloads) {
  const char *object = std::getenv("WS2EMU_MODULES_TEST_OBJECT");
  ASSERT_NE(object, nullptr);
  std::string copy = root_.path() + "/path1/counted.so";
  std::filesystem::copy_file(object, copy);
  absl::StatusOr<modules::Loaded> a = modules::Load(copy);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->kind, modules::Kind::kElf);
  setenv("WS2EMU_DLL_PATH", (root_.path() + "/path1").c_str(), 1);
  absl::StatusOr<modules::Loaded> b = modules::Load("COUNTED.SO");  // by bare name, any case
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->handle, b->handle);
  auto answer = reinterpret_cast<int (*)()>(
      const_cast<void *>(*modules::FindExport(a->handle, "modules_test_answer")));
  EXPECT_EQ(answer(), 42);
  EXPECT_EQ(modules::FindLoaded("counted.so"), a->handle);
  EXPECT_EQ(*modules::FileName(a->handle), copy);
  EXPECT_TRUE(modules::Unload(a->handle).ok());
  EXPECT_EQ(*modules::KindOf(a->handle), modules::Kind::kElf);  // one reference left
  EXPECT_TRUE(modules::Unload(b->handle).ok());
  EXPECT_EQ(modules::KindOf(a->handle).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(modules::FindLoaded("counted.so"), nullptr);
  absl::Status third = modules::Unload(a->handle);  // one more than was loaded
  EXPECT_EQ(third.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(third.message(), "not a loaded module");
  EXPECT_EQ(modules::Unload(nullptr).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(Resolver, AMissingModuleIsNamedWithWhereItWasLookedFor) {
  absl::StatusOr<modules::Loaded> bare = modules::Load("nowhere.dll");
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(bare.status().message(), "nowhere.dll: not found in " + system_ + ", .");
  absl::StatusOr<modules::Loaded> path = modules::Load("C:\\nowhere\\x.dll");
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(path.status().message(), "C:\\nowhere\\x.dll (" + drive_ + "/nowhere/x.dll): no such file");
  // A drive the map does not place: Unavailable (LoadLibrary's ERROR_PATH_NOT_FOUND).
  absl::StatusOr<modules::Loaded> drive = modules::Load("Q:\\x.dll");
  ASSERT_FALSE(drive.ok());
  EXPECT_EQ(drive.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(drive.status().message(), "Q:\\x.dll: drive Q: is not mapped (set WS2EMU_DRIVE_Q)");
  EXPECT_EQ(modules::Load("").status().code(), absl::StatusCode::kInvalidArgument);
  // A file that is no module, and a PE image with no PE loader registered (no emu/ here).
  Touch("text.dll");
  EXPECT_EQ(modules::Load("./text.dll").status().message(),
            "./text.dll: neither a PE image nor a native shared object");
  std::ofstream("mz.dll") << "MZ";
  absl::StatusOr<modules::Loaded> pe = modules::Load("./mz.dll");
  EXPECT_EQ(pe.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(pe.status().message(), "./mz.dll: a PE image, and no PE loader is linked in");
}

TEST_F(Resolver, ACatalogPathToABuiltinModuleStartsIt) {
  setenv("WS2EMU_CATALOG", (root_.path() + "/catalog").c_str(), 1);
  WSAPROTOCOL_INFOW info;
  std::memset(&info, 0, sizeof(info));
  info.ProtocolChain.ChainLen = BASE_PROTOCOL;
  info.iVersion = 2;
  info.iAddressFamily = 2;
  info.iSocketType = 1;
  info.iProtocol = 6;
  GUID guid = {0x0de0de77, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
  const std::u16string path = u"%SystemRoot%\\system32\\mswsock.dll";
  int err = 0;
  ASSERT_EQ(WSCInstallProvider(&guid, reinterpret_cast<const WCHAR *>(path.c_str()), &info, 1,
                               &err),
            0);
  // The catalog did not exist: the install lands after MSAFD's four default entries (1001..
  // 1004, the same path under MSAFD's GUID), at 1005. This test starts its own provider.
  auto &manager = ws2emu::providers::ProviderManager::Get();
  absl::StatusOr<const ws2emu::providers::StartedProvider *> p = manager.StartForEntry(1005);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->kind, modules::Kind::kBuiltin);
  EXPECT_EQ((*p)->path, "C:\\Windows\\system32\\MSWSOCK.dll");
  EXPECT_EQ(g_startups, 1);
  EXPECT_TRUE(manager.Release(*p).ok());
  EXPECT_EQ(g_cleanups, 1);
  unsetenv("WS2EMU_CATALOG");
}

}  // namespace
