// The loader on a real PE DLL built with mingw-w64 (WS2EMU_LOADER_DLL): mapping, relocation
// when the preferred base is taken, KERNEL32 imports bound to the built-in table, the TEB in GS,
// implicit TLS per thread, TLS callbacks and DllMain, load-once by name with reference counts,
// the trap for an import nobody emulates, and a refused image leaving nothing mapped.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "exports/builtin.h"
#include "loader/loader.h"
#include "loader/teb.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

std::string DllPath() {
  const char *p = std::getenv("WS2EMU_LOADER_DLL");
  return p != nullptr ? p : "";
}

template <typename Fn>
Fn Proc(Module *m, const char *name) {
  return reinterpret_cast<Fn>(const_cast<void *>(m->GetProcAddress(std::string(name))));
}

using IntFn = int(WINAPI *)(int, int);
using CountFn = LONG(WINAPI *)();
using NextFn = int(WINAPI *)();
using PtrFn = void *(WINAPI *)();
using LastErrorFn = DWORD(WINAPI *)(DWORD);
using BoolFn = BOOL(WINAPI *)();
using ReadFn = DWORD(WINAPI *)();

int MapCount() {
  std::ifstream maps("/proc/self/maps");
  return static_cast<int>(std::count(std::istreambuf_iterator<char>(maps), {}, '\n'));
}

TEST(Loader, LoadsRunsAndUnloadsADll) {
  absl::StatusOr<Module *> m = Loader::Get().Load(DllPath());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)->name(), "loader_dll.dll");
  EXPECT_EQ(Proc<CountFn>(*m, "LoaderAttachCount")(), 1);
  EXPECT_EQ(Proc<CountFn>(*m, "LoaderTlsCallbackCount")(), 1);
  EXPECT_EQ(Proc<IntFn>(*m, "LoaderAdd")(2, 3), 5);
  EXPECT_TRUE(Proc<BoolFn>(*m, "LoaderEventRoundTrip")());
  EXPECT_EQ(Proc<LastErrorFn>(*m, "LoaderLastError")(1234), 1234u);
  EXPECT_EQ(ws2emu_GetLastError(), 1234u);  // the same last error as the native side sees
  // It lives in the TEB (gs:[0x68]), also when set from native code or a WSA call.
  auto teb_last_error = Proc<ReadFn>(*m, "LoaderTebLastError");
  ws2emu_SetLastError(4321);
  EXPECT_EQ(teb_last_error(), 4321u);
  EXPECT_FALSE(WSASetEvent(reinterpret_cast<WSAEVENT>(0x5554)));  // fails: sets the last error
  EXPECT_EQ(teb_last_error(), static_cast<DWORD>(WSA_INVALID_HANDLE));

  // The TEB: NtCurrentTeb() in PE code is this thread's TEB, whose Self points at itself.
  Teb *teb = CurrentTeb();
  ASSERT_NE(teb, nullptr);
  EXPECT_EQ(Proc<PtrFn>(*m, "LoaderTeb")(), teb);
  EXPECT_EQ(teb->Self, teb);
  EXPECT_EQ(teb->UniqueThread, ws2emu_GetCurrentThreadId());

  // Implicit TLS: each thread starts from the template (40).
  EXPECT_EQ(Proc<NextFn>(*m, "LoaderNextCounter")(), 41);
  EXPECT_EQ(Proc<NextFn>(*m, "LoaderNextCounter")(), 42);
  std::thread other([&] {
    EnsureTeb();
    EXPECT_EQ(Proc<NextFn>(*m, "LoaderNextCounter")(), 41);
    EXPECT_NE(Proc<PtrFn>(*m, "LoaderTeb")(), teb);
  });
  other.join();
  EXPECT_EQ(Proc<NextFn>(*m, "LoaderNextCounter")(), 43);

  // Loaded once by name: a second Load shares the module and takes a reference.
  absl::StatusOr<Module *> again = Loader::Get().Load(DllPath());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *m);
  EXPECT_EQ(Proc<CountFn>(*m, "LoaderAttachCount")(), 1);
  EXPECT_TRUE(Loader::Get().Free(*again));
  EXPECT_NE(Loader::Get().FindByName("LOADER_DLL.DLL"), nullptr);  // case-insensitive
  EXPECT_TRUE(Loader::Get().Free(*m));
  EXPECT_EQ(Loader::Get().FindByName("loader_dll.dll"), nullptr);
  EXPECT_FALSE(Loader::Get().Free(*m));
}

TEST(Loader, RelocatesWhenThePreferredBaseIsTaken) {
  absl::StatusOr<Module *> first = Loader::Get().Load(DllPath());
  ASSERT_TRUE(first.ok()) << first.status();
  uint64_t preferred = (*first)->image().image_base();
  ASSERT_TRUE(Loader::Get().Free(*first));
  void *blocker = mmap(reinterpret_cast<void *>(preferred), 4096, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  // Under AddressSanitizer the preferred base may already be reserved (its shadow gap): then it
  // is taken anyway, which is what this test needs.
  if (blocker != reinterpret_cast<void *>(preferred)) {
    if (blocker != MAP_FAILED) munmap(blocker, 4096);
    blocker = nullptr;
  }
  absl::StatusOr<Module *> m = Loader::Get().Load(DllPath());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_NE(reinterpret_cast<uint64_t>((*m)->base()), preferred);
  EXPECT_EQ(reinterpret_cast<uint64_t>((*m)->base()) % 0x10000, 0u);
  EXPECT_EQ(Proc<IntFn>(*m, "LoaderAdd")(20, 22), 42);  // through a relocated pointer
  EXPECT_EQ(Proc<NextFn>(*m, "LoaderNextCounter")(), 41);
  EXPECT_TRUE(Loader::Get().Free(*m));
  if (blocker != nullptr) munmap(blocker, 4096);
}

TEST(Loader, AnImportNobodyEmulatesStopsTheProcessNamingIt) {
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 2);
    absl::StatusOr<Module *> m = Loader::Get().Load(DllPath());
    if (!m.ok()) _exit(3);
    Proc<BoolFn>(*m, "LoaderCallMissing")();
    _exit(4);  // not reached
  }
  close(pipefd[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) out.append(buf, n);
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kTrapExitCode) << out;
  EXPECT_NE(out.find("KERNEL32.dll!Beep"), std::string::npos) << out;
  EXPECT_NE(out.find("loader_dll.dll"), std::string::npos) << out;
}

TEST(Loader, ARefusedImageLeavesNothingBehind) {
  std::string dir = std::getenv("WS2EMU_BROKEN_IMAGES") ? std::getenv("WS2EMU_BROKEN_IMAGES") : "";
  int before = MapCount();
  for (const char *name : {"machine-i386", "overlapping-sections", "import-thunk-outside",
                           "reloc-bad-type", "tls-index-outside"}) {
    absl::StatusOr<Module *> m = Loader::Get().Load(dir + "/" + name + ".dll");
    EXPECT_FALSE(m.ok()) << name;
    EXPECT_NE(std::string(m.status().message()).find(name), std::string::npos)
        << "the message names the file: " << m.status().message();
    EXPECT_EQ(Loader::Get().FindByName(std::string(name) + ".dll"), nullptr);
  }
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  EXPECT_EQ(MapCount(), before);  // sanitizers map memory of their own as they go
#else
  (void)before;
#endif
  absl::StatusOr<Module *> missing = Loader::Get().Load("/nonexistent/x.dll");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(std::string(missing.status().message()).find("cannot read the"), std::string::npos);
}

TEST(Loader, RunsTheMingwCRuntimeStartupOfADll) {
  // sample_dll.dll is built with mingw-w64's own C runtime: DllMainCRTStartup runs _initterm,
  // critical sections, TlsGetValue, the msvcrt allocator... before DllMain.
  absl::StatusOr<Module *> m = Loader::Get().Load(std::getenv("WS2EMU_SAMPLE_DLL"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(Proc<IntFn>(*m, "SampleAdd")(40, 2), 42);
  auto hidden = reinterpret_cast<DWORD(WINAPI *)()>(const_cast<void *>((*m)->GetProcAddress(7u)));
  ASSERT_NE(hidden, nullptr);
  ws2emu_SetLastError(77);
  EXPECT_EQ(hidden(), 77u);  // by ordinal, calling KERNEL32!GetLastError
  // A forwarded export resolves to its target: here the built-in KERNEL32.GetTickCount.
  EXPECT_EQ((*m)->GetProcAddress(std::string("SampleForward")),
            FindBuiltinExport(*FindBuiltinModule("KERNEL32.dll"), "GetTickCount"));
  EXPECT_TRUE(Loader::Get().Free(*m));
}

TEST(Loader, PeCodeCreatesThreadsTheWindowsWay) {
  absl::StatusOr<Module *> m = Loader::Get().Load(std::getenv("WS2EMU_THREADS_DLL"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(Proc<NextFn>(*m, "ThreadsRun")(), 0) << "the line of threads_dll.c that failed";
  EXPECT_TRUE(Loader::Get().Free(*m));
}

TEST(Loader, PeCodeLoadsLibrariesAndFindsProcedures) {
  absl::StatusOr<Module *> m = Loader::Get().Load(std::getenv("WS2EMU_MODULES_DLL"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(Proc<NextFn>(*m, "ModulesRun")(), 0) << "the line of modules_dll.c that failed";
  EXPECT_EQ(Loader::Get().FindByName("loader_dll.dll"), nullptr);  // its FreeLibrary unloaded it
  EXPECT_TRUE(Loader::Get().Free(*m));
}

TEST(Loader, MingwDelayLoadResolvesOnFirstCall) {
  absl::StatusOr<Module *> m = Loader::Get().Load(std::getenv("WS2EMU_DELAY_DLL"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(Loader::Get().FindByName("loader_dll.dll"), nullptr);  // not loaded yet
  EXPECT_EQ(Proc<IntFn>(*m, "DelayAdd")(1, 2), 103);  // __delayLoadHelper2 loads it now
  Module *loaded = Loader::Get().FindByName("loader_dll.dll");
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(Proc<IntFn>(*m, "DelayAdd")(2, 2), 104);  // bound: no second load
  EXPECT_TRUE(Loader::Get().Free(*m));
  EXPECT_TRUE(Loader::Get().Free(loaded));  // the helper's LoadLibraryA reference
}

TEST(Loader, LoadsPeDependenciesFromTheImportersFolderAndReleasesThem) {
  absl::StatusOr<Module *> m = Loader::Get().Load(std::getenv("WS2EMU_IMPORTER_DLL"));
  ASSERT_TRUE(m.ok()) << m.status();
  Module *dependency = Loader::Get().FindByName("loader_dll.dll");
  ASSERT_NE(dependency, nullptr);
  EXPECT_EQ(Proc<IntFn>(*m, "ImporterTwiceSum")(1, 2), 6);
  EXPECT_TRUE(Loader::Get().Free(*m));
  EXPECT_EQ(Loader::Get().FindByName("loader_dll.dll"), nullptr);  // released with it
}

TEST(Loader, AFailureAfterMappingUnmapsTheModule) {
  // A copy of importer_dll.dll beside a corrupt loader_dll.dll: the load fails while binding
  // imports, after the image was mapped.
  char dir[] = "/tmp/ws2emu-loader-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string copy = std::string(dir) + "/importer_dll.dll";
  std::string bad = std::string(dir) + "/LOADER_DLL.DLL";
  {
    std::ifstream in(std::getenv("WS2EMU_IMPORTER_DLL"), std::ios::binary);
    std::ofstream out(copy, std::ios::binary);
    out << in.rdbuf();
    std::ofstream corrupt(bad, std::ios::binary);
    corrupt << "MZ but not a PE image";
  }
  int before = MapCount();
  absl::StatusOr<Module *> m = Loader::Get().Load(copy);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(std::string(m.status().message()).find("cannot load its import loader_dll.dll"),
            std::string::npos)
      << m.status().message();
  EXPECT_EQ(Loader::Get().FindByName("importer_dll.dll"), nullptr);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  EXPECT_EQ(MapCount(), before);
#else
  (void)before;
#endif
  unlink(bad.c_str());
  unlink(copy.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace ws2emu::emu
