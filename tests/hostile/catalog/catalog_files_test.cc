// The catalog's files against other users and odd files (issue 9, lib/catalog): the temporary
// file, the lock file, the mode/owner/group of the catalog, a symlinked catalog, and a catalog
// that is not a regular file. Cases that need a second user plant things as `nobody` through
// setpriv (the suites run as root); anything that hung or ate memory before the fix runs in a
// child with an alarm and a memory limit, so it fails instead.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog_fixtures.h"
#include "catalog/operations.h"
#include "base/regular_file.h"
#include "catalog/store.h"
#include "common/temp_dir.h"
#include "hostile_util.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::catalog {
namespace {

using ::ws2emu::testing::AsNobody;
using ::ws2emu::testing::InChild;
using ::ws2emu::testing::kNobody;
using ::ws2emu::testing::kNogroup;
using ::ws2emu::testing::Outcome;
using ::ws2emu::testing::ReadWhole;
using ::ws2emu::testing::RunCommand;
using ::ws2emu::testing::TempDir;
using ::ws2emu::testing::WriteWhole;

// A catalog that does not exist holds MSAFD's four base entries; the first change keeps them,
// and a reset restores exactly them.
constexpr size_t kDefaultEntries = 4;

size_t EntriesIn(const std::string &file) {
  absl::StatusOr<Catalog> c = Parse(ReadWhole(file), file);
  return c.ok() ? c->entries.size() : 0;
}

// Names in `dir` that start with `prefix`.
std::vector<std::string> NamesStartingWith(const std::string &dir, const std::string &prefix) {
  std::vector<std::string> out;
  DIR *d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent *e = readdir(d)) {
    if (std::string(e->d_name).rfind(prefix, 0) == 0) out.push_back(e->d_name);
  }
  closedir(d);
  return out;
}

bool IsSymlink(const std::string &path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

bool Exists(const std::string &path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

bool HaveSetpriv() { return RunCommand({"setpriv", "--version"}, 10).exit_code == 0; }

#define NEED_ROOT_AND_SETPRIV()                                                     \
  do {                                                                              \
    if (geteuid() != 0) GTEST_SKIP() << "needs root to act as two users";           \
    if (!HaveSetpriv()) GTEST_SKIP() << "needs setpriv (util-linux) to become nobody"; \
  } while (0)

// A folder the user nobody owns (a user-owned folder an administrator keeps a catalog in), not
// sticky, so nothing but ws2emu itself stands between a planted link and root.
class UserFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) return;
    ASSERT_EQ(chmod(temp_.path().c_str(), 0755), 0);
    ASSERT_EQ(mkdir(dir_.c_str(), 0755), 0);
    ASSERT_EQ(chown(dir_.c_str(), kNobody, kNogroup), 0);
    ASSERT_EQ(mkdir(safe_.c_str(), 0700), 0);  // root's own: where the victims live
    WriteWhole(victim_, "victim\n");
  }
  void Plant(const std::vector<std::string> &argv) {
    Outcome o = RunCommand(AsNobody(argv), 10);
    ASSERT_EQ(o.exit_code, 0) << o.output;
  }

  TempDir temp_{"hostile-catalog"};
  const std::string dir_ = temp_.path() + "/user", safe_ = temp_.path() + "/safe";
  const std::string path_ = dir_ + "/catalog", victim_ = safe_ + "/victim";
  Store store_{path_};
};

// ---- FILE.tmp -----------------------------------------------------------------------------

TEST_F(UserFolder, ASymlinkPlantedAtTheOldTmpNameIsNeitherFollowedNorKept) {
  NEED_ROOT_AND_SETPRIV();
  ASSERT_TRUE(Install(store_, 1).ok());
  Plant({"ln", "-s", victim_, path_ + ".tmp"});
  ASSERT_TRUE(Install(store_, 2).ok());
  EXPECT_EQ(ReadWhole(victim_), "victim\n");  // root did not write through the link
  EXPECT_FALSE(IsSymlink(path_));              // the catalog did not become the user's link
  EXPECT_EQ(EntriesIn(path_), kDefaultEntries + 2);
}

TEST_F(UserFolder, APreCreatedTmpIsNotReusedSoTheUserDoesNotOwnTheCatalog) {
  NEED_ROOT_AND_SETPRIV();
  ASSERT_TRUE(Install(store_, 1).ok());
  Plant({"sh", "-c", "umask 0; echo planted > \"$0\"", path_ + ".tmp"});
  ASSERT_TRUE(Install(store_, 2).ok());
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_EQ(ReadWhole(path_ + ".tmp"), "planted\n");
  EXPECT_EQ(EntriesIn(path_), kDefaultEntries + 2);
}

TEST_F(UserFolder, AStaleTemporaryOfAKilledWriterIsRemovedOthersAreLeftAlone) {
  NEED_ROOT_AND_SETPRIV();
  ASSERT_TRUE(Install(store_, 1).ok());
  const std::string stale = path_ + ".tmp-0123456789abcdef";
  const std::string theirs = path_ + ".tmp-fedcba9876543210";
  WriteWhole(stale, "half a catalog");
  Plant({"sh", "-c", "echo theirs > \"$0\"", theirs});
  ASSERT_TRUE(Install(store_, 2).ok());
  EXPECT_FALSE(Exists(stale));
  EXPECT_EQ(ReadWhole(theirs), "theirs\n");
}

// A write that fails (here: over RLIMIT_FSIZE) leaves no temporary file and the catalog as it was.
TEST(TempFile, AFailedWriteLeavesNoTemporaryFile) {
  TempDir dir("hostile-catalog");
  const std::string path = dir.path() + "/catalog";
  Store store(path);
  ASSERT_TRUE(Install(store, 1).ok());
  const std::string before = ReadWhole(path);
  std::string failure = InChild(20, [&] {
    signal(SIGXFSZ, SIG_IGN);
    rlimit limit{64, 64};
    setrlimit(RLIMIT_FSIZE, &limit);
    Store child_store(path);
    absl::Status s = Install(child_store, 2);
    if (s.ok()) return std::string("the install succeeded over RLIMIT_FSIZE");
    if (WsaErrorOf(s) != WSANO_RECOVERY) return "not WSANO_RECOVERY: " + s.ToString();
    return std::string();
  });
  EXPECT_EQ(failure, "");
  EXPECT_EQ(ReadWhole(path), before);
  EXPECT_EQ(NamesStartingWith(dir.path(), "catalog.tmp"), std::vector<std::string>{});
}

// ---- FILE.lock ----------------------------------------------------------------------------

TEST_F(UserFolder, ASymlinkPlantedAtTheLockIsRefusedAndNotFollowed) {
  NEED_ROOT_AND_SETPRIV();
  const std::string target = safe_ + "/created-by-root";
  Plant({"ln", "-s", target, path_ + ".lock"});
  absl::Status s = Install(store_, 1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(WsaErrorOf(s), WSANO_RECOVERY);
  EXPECT_NE(s.message().find(path_ + ".lock"), std::string::npos) << s;
  EXPECT_NE(s.message().find("symbolic link"), std::string::npos) << s;
  EXPECT_FALSE(Exists(target));
  EXPECT_FALSE(Exists(path_));
}

TEST(Lock, AFifoAtTheLockIsRefused) {
  TempDir dir("hostile-catalog");
  const std::string path = dir.path() + "/catalog";
  ASSERT_EQ(mkfifo((path + ".lock").c_str(), 0600), 0);
  std::string failure = InChild(20, [&] {
    Store store(path);
    absl::Status s = Install(store, 1);
    if (s.ok()) return std::string("a FIFO served as the lock file");
    if (WsaErrorOf(s) != WSANO_RECOVERY) return "not WSANO_RECOVERY: " + s.ToString();
    if (s.message().find("is not a regular file") == std::string::npos)
      return "unclear message: " + s.ToString();
    return std::string();
  });
  EXPECT_EQ(failure, "");
  EXPECT_FALSE(Exists(path));
}

// Another user holds the lock and never lets go: a change gives up after the configured time
// with WSANO_RECOVERY and a message naming the lock file, instead of waiting forever.
TEST_F(UserFolder, ALockHeldByAnotherUserGivesUpAfterTheTimeout) {
  NEED_ROOT_AND_SETPRIV();
  ASSERT_TRUE(Install(store_, 1).ok());
  const std::string before = ReadWhole(path_);
  const std::string lock = path_ + ".lock";
  ASSERT_EQ(chown(lock.c_str(), kNobody, kNogroup), 0);
  pid_t holder = fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    setpgid(0, 0);
    alarm(60);
    std::vector<std::string> argv = AsNobody({"flock", "-x", lock, "sleep", "60"});
    std::vector<char *> args;
    for (std::string &a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  // Wait until it holds the lock.
  int probe = open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(probe, 0);
  bool held = false;
  for (int i = 0; i < 1000 && !held; ++i) {
    if (flock(probe, LOCK_EX | LOCK_NB) == 0) {
      flock(probe, LOCK_UN);
      usleep(10000);
    } else {
      held = errno == EWOULDBLOCK;
    }
  }
  close(probe);
  ASSERT_TRUE(held) << "the holder never took the lock";
  std::string failure = InChild(20, [&] {
    setenv("WS2EMU_CATALOG_LOCK_TIMEOUT", "1", 1);
    Store store(path_);
    absl::Status s = Install(store, 2);
    if (s.ok()) return std::string("the install went ahead while another process held the lock");
    if (WsaErrorOf(s) != WSANO_RECOVERY) return "not WSANO_RECOVERY: " + s.ToString();
    if (s.message().find(lock) == std::string::npos ||
        s.message().find("another process holds") == std::string::npos)
      return "unclear message: " + s.ToString();
    // Through the Windows call too.
    int err = 0;
    GUID g = Provider(3);
    WSAPROTOCOL_INFOW e = Tcp();
    setenv("WS2EMU_CATALOG", path_.c_str(), 1);
    if (WSCInstallProvider(&g, reinterpret_cast<const WCHAR *>(u"x.dll"), &e, 1, &err) !=
            SOCKET_ERROR ||
        err != WSANO_RECOVERY)
      return std::string("WSCInstallProvider did not fail with WSANO_RECOVERY");
    return std::string();
  });
  kill(-holder, SIGKILL);
  kill(holder, SIGKILL);
  waitpid(holder, nullptr, 0);
  EXPECT_EQ(failure, "");
  EXPECT_EQ(ReadWhole(path_), before);
  // Once the holder is gone, the same short timeout is plenty.
  failure = InChild(20, [&] {
    setenv("WS2EMU_CATALOG_LOCK_TIMEOUT", "1", 1);
    Store store(path_);
    absl::Status s = Install(store, 2);
    return s.ok() ? std::string() : s.ToString();
  });
  EXPECT_EQ(failure, "");
  EXPECT_EQ(EntriesIn(path_), kDefaultEntries + 2);
}

TEST(Lock, ATimeoutThatIsNotANumberIsAClearError) {
  TempDir dir("hostile-catalog");
  const std::string path = dir.path() + "/catalog";
  for (const char *bad : {"soon", "-1", "nan", "1e9"}) {
    setenv("WS2EMU_CATALOG_LOCK_TIMEOUT", bad, 1);
    Store store(path);
    absl::Status s = Install(store, 1);
    unsetenv("WS2EMU_CATALOG_LOCK_TIMEOUT");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(WsaErrorOf(s), WSANO_RECOVERY);
    EXPECT_NE(s.message().find("WS2EMU_CATALOG_LOCK_TIMEOUT"), std::string::npos) << s;
    EXPECT_FALSE(Exists(path));
  }
}

// ---- Mode, owner and group ----------------------------------------------------------------

TEST(Owner, A0600CatalogWithAnUnusualGroupKeepsBoth) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give the file another group";
  TempDir dir("hostile-catalog");
  const std::string path = dir.path() + "/catalog";
  Store store(path);
  ASSERT_TRUE(Install(store, 1).ok());
  ASSERT_EQ(chown(path.c_str(), 0, kNogroup), 0);
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  ASSERT_TRUE(Install(store, 2).ok());
  ASSERT_TRUE(DeinstallProvider(store, Provider(1)).ok());
  ASSERT_TRUE(store.Reset().ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_gid, kNogroup);
}

TEST(Owner, ANewCatalogIs0644WhateverTheUmask) {
  TempDir dir("hostile-catalog");
  const std::string path = dir.path() + "/catalog";
  Store store(path);
  mode_t old_mask = umask(077);
  absl::Status s = Install(store, 1);
  umask(old_mask);
  ASSERT_TRUE(s.ok()) << s;
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_EQ(st.st_uid, geteuid());
}

// A user who may write the folder but could not keep the owner (only root gives files away)
// changes nothing, instead of taking the catalog over.
TEST_F(UserFolder, ACallerWhoCannotKeepTheOwnerChangesNothing) {
  NEED_ROOT_AND_SETPRIV();
  ASSERT_TRUE(Install(store_, 1).ok());
  ASSERT_EQ(chmod(path_.c_str(), 0666), 0);
  const std::string lock = path_ + ".lock";
  ASSERT_EQ(chown(lock.c_str(), kNobody, kNogroup), 0);
  const std::string before = ReadWhole(path_);
  const char *tool = std::getenv("WS2EMU_CATALOG_TOOL");
  ASSERT_NE(tool, nullptr) << "meson passes the tool's path";
  // A copy in the test's folder, which nobody can reach wherever the build tree lives (a clone
  // under /root is not).
  const std::string copy = dir_ + "/ws2emu-catalog";
  ASSERT_EQ(RunCommand({"install", "-m", "0755", tool, copy}, 20).exit_code, 0);
  Outcome o = RunCommand(AsNobody({copy, "--catalog", path_, "reset"}), 20);
  EXPECT_TRUE(o.exited) << o.output;
  EXPECT_NE(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("owner"), std::string::npos) << o.output;
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(ReadWhole(path_), before);
  EXPECT_EQ(NamesStartingWith(dir_, "catalog.tmp"), std::vector<std::string>{});
}

// The lock file must stay openable by whoever can write the catalog: its owner. Root writing a
// user's catalog when no lock file is there yet gives the lock it creates to the catalog's
// owner, who can still write the catalog afterwards; the lock stays 0600.
TEST_F(UserFolder, ALockRootCreatesForAUsersCatalogStaysTheUsers) {
  NEED_ROOT_AND_SETPRIV();
  const char *tool = std::getenv("WS2EMU_CATALOG_TOOL");
  ASSERT_NE(tool, nullptr) << "meson passes the tool's path";
  const std::string copy = dir_ + "/ws2emu-catalog";
  ASSERT_EQ(RunCommand({"install", "-m", "0755", tool, copy}, 20).exit_code, 0);
  Outcome o = RunCommand(AsNobody({copy, "--catalog", path_, "reset"}), 20);
  ASSERT_EQ(o.exit_code, 0) << o.output;  // the user's catalog, and its lock
  const std::string lock = path_ + ".lock";
  ASSERT_EQ(unlink(lock.c_str()), 0);     // no lock file yet when root comes
  ASSERT_TRUE(Install(store_, 1).ok());   // root creates it
  struct stat st;
  ASSERT_EQ(stat(lock.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, kNobody);
  EXPECT_EQ(st.st_gid, kNogroup);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  o = RunCommand(AsNobody({copy, "--catalog", path_, "reset"}), 20);
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_EQ(EntriesIn(path_), kDefaultEntries);
}

// A lock file planted as a hard link to another file is never given away: only a lock file
// the caller owns under that one name is.
TEST_F(UserFolder, ALockPlantedAsAHardLinkIsNotChowned) {
  NEED_ROOT_AND_SETPRIV();
  const char *tool = std::getenv("WS2EMU_CATALOG_TOOL");
  ASSERT_NE(tool, nullptr) << "meson passes the tool's path";
  const std::string copy = dir_ + "/ws2emu-catalog";
  ASSERT_EQ(RunCommand({"install", "-m", "0755", tool, copy}, 20).exit_code, 0);
  ASSERT_EQ(RunCommand(AsNobody({copy, "--catalog", path_, "reset"}), 20).exit_code, 0);
  const std::string lock = path_ + ".lock";
  ASSERT_EQ(unlink(lock.c_str()), 0);
  // Root's file, linked into the user's folder (as protected_hardlinks=0 would let the user do).
  const std::string precious = dir_ + "/precious";
  WriteWhole(precious, "root's\n");
  ASSERT_EQ(chmod(precious.c_str(), 0600), 0);
  ASSERT_EQ(link(precious.c_str(), lock.c_str()), 0);
  ASSERT_TRUE(Install(store_, 1).ok());
  struct stat st;
  ASSERT_EQ(stat(precious.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);  // still root's
  EXPECT_EQ(ReadWhole(precious), "root's\n");
}

// ---- A symlinked catalog ------------------------------------------------------------------

TEST(Symlink, AChainOfLinksIsUpdatedInItsTargetAndTheLinksStay) {
  TempDir dir("hostile-catalog");
  const std::string d = dir.path();
  ASSERT_EQ(mkdir((d + "/links").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((d + "/real").c_str(), 0755), 0);
  ASSERT_EQ(symlink("links/hop", (d + "/catalog").c_str()), 0);     // relative to d
  ASSERT_EQ(symlink("../real/catalog", (d + "/links/hop").c_str()), 0);  // relative to links
  Store store(d + "/catalog");
  ASSERT_TRUE(Install(store, 1).ok());  // the target does not exist yet: created there
  ASSERT_TRUE(Install(store, 2).ok());
  EXPECT_TRUE(IsSymlink(d + "/catalog"));
  EXPECT_TRUE(IsSymlink(d + "/links/hop"));
  EXPECT_EQ(EntriesIn(d + "/real/catalog"), kDefaultEntries + 2);
  EXPECT_TRUE(Exists(d + "/real/catalog.lock"));
  EXPECT_FALSE(Exists(d + "/catalog.lock"));
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ((*c)->entries.size(), kDefaultEntries + 2);
  // Reset keeps the link too.
  ASSERT_TRUE(store.Reset().ok());
  EXPECT_TRUE(IsSymlink(d + "/catalog"));
  EXPECT_EQ(EntriesIn(d + "/real/catalog"), kDefaultEntries);
}

TEST(Symlink, ALinkLoopIsRefused) {
  TempDir dir("hostile-catalog");
  const std::string path = dir.path() + "/catalog";
  ASSERT_EQ(symlink("catalog", path.c_str()), 0);
  Store store(path);
  absl::Status s = Install(store, 1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(WsaErrorOf(s), WSANO_RECOVERY);
  EXPECT_NE(s.message().find("symbolic links"), std::string::npos) << s;
  EXPECT_TRUE(IsSymlink(path));
}

// A guard for following links by hand (the kernel's fs.protected_symlinks may be off): in a
// sticky folder anyone can write to, another user's link at the catalog's name is not followed.
TEST(Symlink, AnotherUsersLinkInAStickyFolderIsNotFollowed) {
  NEED_ROOT_AND_SETPRIV();
  TempDir dir("hostile-catalog");
  const std::string d = dir.path() + "/shared", safe = dir.path() + "/safe";
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  ASSERT_EQ(mkdir(d.c_str(), 0777), 0);
  ASSERT_EQ(chmod(d.c_str(), 01777), 0);
  ASSERT_EQ(mkdir(safe.c_str(), 0700), 0);
  Store good(safe + "/catalog");
  ASSERT_TRUE(Install(good, 1).ok());
  const std::string victim_before = ReadWhole(safe + "/catalog");
  Outcome o = RunCommand(AsNobody({"ln", "-s", safe + "/catalog", d + "/catalog"}), 10);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  Store store(d + "/catalog");
  absl::Status s = Install(store, 2);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(WsaErrorOf(s), WSANO_RECOVERY);
  EXPECT_NE(s.message().find("owned by another user"), std::string::npos) << s;
  EXPECT_EQ(ReadWhole(safe + "/catalog"), victim_before);
  EXPECT_FALSE(store.Read().ok());
}

// ---- Not a regular file -------------------------------------------------------------------

std::string Tool() {
  const char *tool = std::getenv("WS2EMU_CATALOG_TOOL");
  return tool == nullptr ? "" : tool;
}

TEST(NotARegularFile, DevZeroAsTheCatalogFailsAtOnce) {
  ASSERT_FALSE(Tool().empty()) << "meson passes the tool's path";
  Outcome o = RunCommand({Tool(), "--catalog", "/dev/zero", "list"}, 20);
  EXPECT_TRUE(o.exited) << "signal " << o.signal << ": " << o.output;
  EXPECT_NE(o.exit_code, 0);
  EXPECT_NE(o.output.find("/dev/zero: is not a regular file"), std::string::npos) << o.output;
  std::string failure = InChild(20, [] {
    setenv("WS2EMU_CATALOG", "/dev/zero", 1);
    DWORD size = 0;
    int err = 0;
    if (WSCEnumProtocols(nullptr, nullptr, &size, &err) != SOCKET_ERROR || err != WSANO_RECOVERY)
      return std::string("WSCEnumProtocols did not fail with WSANO_RECOVERY");
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return std::string("WSAStartup failed");
    const bool unreadable = WSAEnumProtocolsW(nullptr, nullptr, &size) == SOCKET_ERROR &&
                            WSAGetLastError() == WSANO_RECOVERY;
    WSACleanup();
    if (!unreadable) return std::string("WSAEnumProtocolsW did not fail with WSANO_RECOVERY");
    return std::string();
  });
  EXPECT_EQ(failure, "");
}

TEST(NotARegularFile, AFifoAsTheCatalogFailsAtOnceAndIsNotReplaced) {
  ASSERT_FALSE(Tool().empty()) << "meson passes the tool's path";
  TempDir dir("hostile-catalog");
  const std::string fifo = dir.path() + "/catalog";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const char *command : {"list", "reset"}) {
    Outcome o = RunCommand({Tool(), "--catalog", fifo, command}, 20);
    EXPECT_TRUE(o.exited) << command << ": signal " << o.signal << ": " << o.output;
    EXPECT_NE(o.exit_code, 0) << command;
    EXPECT_NE(o.output.find(fifo + ": is not a regular file"), std::string::npos) << o.output;
  }
  std::string failure = InChild(20, [&] {
    Store store(fifo);
    absl::Status s = Install(store, 1);
    if (s.ok() || WsaErrorOf(s) != WSANO_RECOVERY) return "install: " + s.ToString();
    return std::string();
  });
  EXPECT_EQ(failure, "");
  struct stat st;
  ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_FALSE(Exists(fifo + ".lock"));  // nothing was created beside it
}

TEST(NotARegularFile, AFolderAsTheCatalogIsRefusedAndNothingIsCreatedBesideIt) {
  TempDir dir("hostile-catalog");
  const std::string folder = dir.path() + "/catalog";
  ASSERT_EQ(mkdir(folder.c_str(), 0755), 0);
  Store store(folder);
  absl::Status s = Install(store, 1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(WsaErrorOf(s), WSANO_RECOVERY);
  EXPECT_NE(s.message().find("is a folder"), std::string::npos) << s;
  EXPECT_FALSE(store.Reset().ok());
  EXPECT_FALSE(Exists(folder + ".lock"));
  struct stat st;
  ASSERT_EQ(stat(folder.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

// A file over the 64 MiB limit is refused by every call, reset included: it is not a catalog
// this build wrote, so it is not replaced (whoever put it there removes it).
TEST(NotARegularFile, AFileOverTheLimitIsRefusedAndNotReplacedEvenByReset) {
  TempDir dir("hostile-catalog");
  const std::string path = dir.path() + "/catalog";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(ws2emu::kCatalogFileLimit) + 1), 0);  // sparse
  close(fd);
  std::string failure = InChild(60, [&] {
    Store store(path);
    absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
    if (c.ok()) return std::string("read an oversized catalog");
    if (c.status().message().find("64 MiB") == std::string::npos)
      return "unclear message: " + c.status().ToString();
    absl::Status s = store.Reset();
    if (s.ok()) return std::string("reset replaced an oversized file");
    s = Install(store, 1);
    if (s.ok() || WsaErrorOf(s) != WSANO_RECOVERY) return "install: " + s.ToString();
    return std::string();
  });
  EXPECT_EQ(failure, "");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<size_t>(st.st_size), ws2emu::kCatalogFileLimit + 1);
}

}  // namespace
}  // namespace ws2emu::catalog
