// Hostile PE images through the loader and the emulated LoadLibrary: an image that asks for
// address 0, a forwarder cycle, import tables that amplify memory, and LoadLibrary targets that
// are not images (garbage, a folder, a FIFO, a device) with the last error Windows sets.
// The images come from make_hostile_images.py (WS2EMU_HOSTILE_IMAGES). Cases that could hang or
// run out of memory on a defect run in a child process with an alarm and, without sanitizers,
// a 1 GiB address-space limit, so the defect fails the case instead of the test run.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>

#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "loader/loader.h"
#include "pe/pe_image.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

using ::ws2emu::testing::TempDir;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

std::string Image(const std::string &name) {
  const char *dir = std::getenv("WS2EMU_HOSTILE_IMAGES");
  return std::string(dir != nullptr ? dir : ".") + "/" + name;
}

// Runs `body` in a child under a 20 s alarm and (without sanitizers) a 1 GiB address-space
// limit; returns its exit code, or 128 + the signal that ended it (SIGALRM: it hung; SIGABRT:
// bad_alloc or another abort).
int InChild(const std::function<int()> &body) {
  pid_t pid = fork();
  if (pid == 0) {
    alarm(20);
    if (!kSanitized) {
      rlimit limit{size_t{1} << 30, size_t{1} << 30};
      setrlimit(RLIMIT_AS, &limit);
    }
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void WriteFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// LoadLibraryA in a child: 0 when it failed with `want` as the last error and nothing blocked,
// else 1 (loaded) or 2 (another last error).
int LoadFailsWith(const std::string &path, DWORD want) {
  return InChild([&] {
    ws2emu_SetLastError(0);
    HMODULE h = win32::LoadLibraryA(path.c_str());
    if (h != nullptr) return 1;
    DWORD error = ws2emu_GetLastError();
    if (error != want) {
      std::fprintf(stderr, "%s: last error %u, want %u\n", path.c_str(), error, want);
      return 2;
    }
    return 0;
  });
}

constexpr DWORD kErrorAccessDenied = 5, kErrorModNotFound = 126, kErrorBadExeFormat = 193,
                kErrorDllInitFailed = 1114;

TEST(HostilePe, AnImageBaseOfZeroIsRelocatedAbove64KiB) {
  absl::StatusOr<Module *> m = Loader::Get().Load(Image("imagebase0.dll"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)->image().image_base(), 0u);
  EXPECT_GE(reinterpret_cast<uintptr_t>((*m)->base()), uintptr_t{0x10000});
  auto add = reinterpret_cast<int(WINAPI *)(int, int)>(
      const_cast<void *>((*m)->GetProcAddress(std::string("SampleAdd"))));
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add(40, 2), 42);  // through relocated code and data
  EXPECT_TRUE(Loader::Get().Free(*m));
}

TEST(HostilePe, AnImageBaseOfZeroWithoutRelocationsIsRefused) {
  absl::StatusOr<Module *> m = Loader::Get().Load(Image("imagebase0-norelocs.dll"));
  ASSERT_FALSE(m.ok()) << "mapped at " << static_cast<const void *>((*m)->base());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("imagebase0-norelocs.dll: its preferred base 0x0 is below "
                                      "64 KiB, where no image may be mapped, and it has no "
                                      "relocations"),
            std::string::npos)
      << m.status();
  EXPECT_EQ(Loader::Get().FindByName("imagebase0-norelocs.dll"), nullptr);
  EXPECT_EQ(LoadFailsWith(Image("imagebase0-norelocs.dll"), kErrorBadExeFormat), 0);
}

TEST(HostilePe, LoadLibraryOfAnImageBaseOfZeroGivesAHandleThatNullDoesNotName) {
  ws2emu_SetLastError(0);
  HMODULE h = win32::LoadLibraryA(Image("imagebase0.dll").c_str());
  ASSERT_NE(h, nullptr) << "last error " << ws2emu_GetLastError();
  EXPECT_NE(win32::GetProcAddress(h, "SampleAdd"), nullptr);
  // A null HMODULE names no DLL (a native host has no EXE): Windows' ERROR_INVALID_HANDLE.
  ws2emu_SetLastError(0);
  EXPECT_EQ(win32::GetProcAddress(nullptr, "SampleAdd"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(win32::FreeLibrary(h));
}

TEST(HostilePe, TheLoaderRefusesToBindAForwarderCycleNamingTheChain) {
  absl::StatusOr<Module *> m = Loader::Get().Load(Image("forwarders/fwd_user.dll"));
  ASSERT_FALSE(m.ok()) << "an import bound to a forwarder cycle";
  EXPECT_NE(m.status().message().find(
                "fwd_user.dll: cannot bind its import: fwd_a.dll!f -> fwd_b.dll!g -> "
                "fwd_a.dll!f: forwarder cycle"),
            std::string::npos)
      << m.status();
  // Nothing stays loaded: not the image, nor the dependencies it brought in.
  EXPECT_EQ(Loader::Get().FindByName("fwd_user.dll"), nullptr);
  EXPECT_EQ(Loader::Get().FindByName("fwd_a.dll"), nullptr);
  EXPECT_EQ(Loader::Get().FindByName("fwd_b.dll"), nullptr);

  absl::StatusOr<Module *> self = Loader::Get().Load(Image("forwarders/fwd_self_user.dll"));
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.status().message().find("fwd_self.dll!s -> fwd_self.dll!s: forwarder cycle"),
            std::string::npos)
      << self.status();
  EXPECT_EQ(LoadFailsWith(Image("forwarders/fwd_user.dll"), kErrorDllInitFailed), 0);
}

TEST(HostilePe, GetProcAddressOfAForwarderCycleFindsNothing) {
  absl::StatusOr<Module *> a = Loader::Get().Load(Image("forwarders/fwd_a.dll"));
  ASSERT_TRUE(a.ok()) << a.status();  // loads fwd_b.dll for its import of h
  EXPECT_EQ((*a)->GetProcAddress(std::string("f")), nullptr);
  Module *b = Loader::Get().FindByName("fwd_b.dll");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->GetProcAddress(std::string("g")), nullptr);
  EXPECT_NE(b->GetProcAddress(std::string("h")), nullptr);
  EXPECT_TRUE(Loader::Get().Free(*a));
}

TEST(HostilePe, ImportsSharingOneTableAreRefusedAtTheLimit) {
  for (const char *name : {"import-shared-table.dll", "import-many-dlls.dll"}) {
    int code = InChild([&] {
      absl::StatusOr<Module *> m = Loader::Get().Load(Image(name));
      if (m.ok()) return 1;
      if (m.status().message().find("more than 65536 functions in all") == std::string::npos) {
        std::fprintf(stderr, "%s\n", std::string(m.status().message()).c_str());
        return 2;
      }
      return 0;
    });
    EXPECT_EQ(code, 0) << name << ": 134 is an abort (bad_alloc), 142 a timeout";
  }
}

TEST(HostilePe, NamesSharedByManyImportsAreRefusedBeyondTheFilesSize) {
  // 65,536 imports within the count limit, all naming one 4000-byte name: 262 MB of copies of
  // a 40 KB file.
  std::ifstream in(Image("import-shared-name.dll"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(bytes.size(), 0u);
  EXPECT_LT(bytes.size(), 64u << 10);
  absl::StatusOr<PeImage> image = PeImage::Parse(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("more than 2 times the file's size"), std::string::npos)
      << image.status();
}

TEST(HostilePe, ARelocationDirectoryOverZeroFillIsRefused) {
  std::ifstream in(Image("reloc-huge.dll"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(bytes.size(), 0u);
  int code = InChild([&] {
    absl::StatusOr<PeImage> image = PeImage::Parse(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
    if (image.ok()) return 1;
    return image.status().message().find("is not within the file data of one section") ==
                   std::string::npos
               ? 2
               : 0;
  });
  EXPECT_EQ(code, 0) << "142 is the alarm: the walk took more than 20 s";
}

TEST(HostilePe, LoadLibraryOfSomethingThatIsNotAnImageSetsWindowsErrors) {
  TempDir dir("hostile-pe");
  WriteFile(dir.path() + "/text.dll", "not an image at all\n");
  WriteFile(dir.path() + "/mz.dll", "MZ but not a PE image");
  WriteFile(dir.path() + "/empty.dll", "");
  ASSERT_EQ(mkdir((dir.path() + "/folder.dll").c_str(), 0755), 0);
  ASSERT_EQ(mkfifo((dir.path() + "/fifo.dll").c_str(), 0644), 0);

  EXPECT_EQ(LoadFailsWith(dir.path() + "/text.dll", kErrorBadExeFormat), 0);
  EXPECT_EQ(LoadFailsWith(dir.path() + "/mz.dll", kErrorBadExeFormat), 0);
  EXPECT_EQ(LoadFailsWith(dir.path() + "/empty.dll", kErrorBadExeFormat), 0);
  EXPECT_EQ(LoadFailsWith(dir.path() + "/missing.dll", kErrorModNotFound), 0);
  EXPECT_EQ(LoadFailsWith(dir.path() + "/no/such/folder/x.dll", kErrorModNotFound), 0);
  // A folder: ERROR_ACCESS_DENIED, as Windows says. A FIFO or a device is no image (193), and
  // opening one must not block (142 would be the alarm).
  EXPECT_EQ(LoadFailsWith(dir.path() + "/folder.dll", kErrorAccessDenied), 0);
  EXPECT_EQ(LoadFailsWith(dir.path() + "/fifo.dll", kErrorBadExeFormat), 0);
  // LoadLibrary adds ".dll" to a name without an extension: links give the devices one.
  ASSERT_EQ(symlink("/dev/zero", (dir.path() + "/zero.dll").c_str()), 0);
  ASSERT_EQ(symlink("/proc/self/mem", (dir.path() + "/mem.dll").c_str()), 0);
  EXPECT_EQ(LoadFailsWith(dir.path() + "/zero.dll", kErrorBadExeFormat), 0);
  EXPECT_EQ(LoadFailsWith(dir.path() + "/mem.dll", kErrorBadExeFormat), 0);
  EXPECT_EQ(LoadFailsWith("/dev/zero", kErrorModNotFound), 0);  // that is /dev/zero.dll
  EXPECT_EQ(LoadFailsWith(Image("reloc-huge.dll"), kErrorBadExeFormat), 0);
}

TEST(HostilePe, LoaderMessagesNameTheFileAndTheProblem) {
  TempDir dir("hostile-pe");
  ASSERT_EQ(mkfifo((dir.path() + "/fifo.dll").c_str(), 0644), 0);
  int code = InChild([&] {
    absl::StatusOr<Module *> folder = Loader::Get().Load(dir.path());
    absl::StatusOr<Module *> fifo = Loader::Get().Load(dir.path() + "/fifo.dll");
    if (folder.ok() || fifo.ok()) return 1;
    bool named = folder.status().message() == dir.path() + ": is a folder, not a PE image" &&
                 fifo.status().message() ==
                     dir.path() + "/fifo.dll: is not a regular file (it is a FIFO); a PE image must be one";
    if (!named)
      std::fprintf(stderr, "%s\n%s\n", std::string(folder.status().message()).c_str(),
                   std::string(fifo.status().message()).c_str());
    return named ? 0 : 2;
  });
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace ws2emu::emu
