// Named kernel objects and file mappings (lib/named_objects): the create/open calls and their
// errors, Local\ and Global\, case sensitivity, type clashes, lifetimes (the folder is empty
// after the last close), crashed leftovers, the hostile-folder checks, and the objects shared
// with other processes. Every test points XDG_RUNTIME_DIR at a fresh folder of its own.
//
// Other processes are this executable run again (posix_spawn of /proc/self/exe) with
// --gtest_filter=NamedChild.Role and the role in the environment, so that each starts its
// runtime afresh rather than inheriting a forked copy of this one's threads.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ws2emu/ws2emu.h"

extern char **environ;

namespace {

std::u16string U16(const std::string &s) { return std::u16string(s.begin(), s.end()); }

// The entries of `dir` (not . and ..).
std::vector<std::string> Entries(const std::string &dir) {
  std::vector<std::string> out;
  DIR *d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent *e = readdir(d)) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) out.push_back(e->d_name);
  }
  closedir(d);
  return out;
}

void RemoveTree(const std::string &path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    for (const std::string &e : Entries(path)) RemoveTree(path + "/" + e);
    rmdir(path.c_str());
  } else {
    unlink(path.c_str());
  }
}

class Named : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ws2emu-named-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    runtime_ = tmpl;
    chmod(runtime_.c_str(), 0700);
    setenv("XDG_RUNTIME_DIR", runtime_.c_str(), 1);
    folder_ = runtime_ + "/ws2emu-objects";
  }
  void TearDown() override {
    unsetenv("XDG_RUNTIME_DIR");
    RemoveTree(runtime_);
  }

  // Spawns this test binary as a child with `role` and `arg` (see NamedChild.Role).
  pid_t Spawn(const std::string &role, const std::string &arg) {
    std::string env_role = "WS2EMU_NAMED_ROLE=" + role;
    std::string env_arg = "WS2EMU_NAMED_ARG=" + arg;
    std::string env_xdg = "XDG_RUNTIME_DIR=" + runtime_;
    std::vector<char *> envp;
    envp.push_back(env_role.data());
    envp.push_back(env_arg.data());
    envp.push_back(env_xdg.data());
    envp.push_back(nullptr);
    char exe[] = "/proc/self/exe";
    char filter[] = "--gtest_filter=NamedChild.Role";
    char quiet[] = "--gtest_brief=1";
    char *argv[] = {exe, filter, quiet, nullptr};
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, exe, nullptr, nullptr, argv, envp.data()), 0);
    return pid;
  }
  static int Reap(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
  }

  std::string runtime_;
  std::string folder_;
};

// ---- The child roles ---------------------------------------------------------------------

TEST(NamedChild, Role) {
  const char *role = getenv("WS2EMU_NAMED_ROLE");
  if (role == nullptr) GTEST_SKIP() << "runs only as a child of the Named tests";
  const std::u16string arg = U16(getenv("WS2EMU_NAMED_ARG"));
  const std::string r = role;
  if (r == "wait_event") {
    HANDLE e = ws2emu_OpenEventW(SYNCHRONIZE, FALSE, arg.c_str());
    ASSERT_NE(e, nullptr);
    HANDLE ready = ws2emu_OpenEventW(EVENT_MODIFY_STATE, FALSE, (arg + u"-ready").c_str());
    ASSERT_NE(ready, nullptr);
    ASSERT_TRUE(ws2emu_SetEvent(ready));
    // Alertable, so that the wait goes through the FIFO rather than the futex.
    ASSERT_EQ(ws2emu_WaitForSingleObjectEx(e, INFINITE, TRUE), WAIT_OBJECT_0);
    _exit(0);
  } else if (r == "set_event") {
    HANDLE e = ws2emu_OpenEventW(EVENT_MODIFY_STATE, FALSE, arg.c_str());
    ASSERT_NE(e, nullptr);
    ASSERT_TRUE(ws2emu_SetEvent(e));
    _exit(0);
  } else if (r == "take_two") {
    HANDLE s = ws2emu_OpenSemaphoreW(SYNCHRONIZE, FALSE, arg.c_str());
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(ws2emu_WaitForSingleObjectEx(s, INFINITE, FALSE), WAIT_OBJECT_0);
    ASSERT_EQ(ws2emu_WaitForSingleObjectEx(s, INFINITE, FALSE), WAIT_OBJECT_0);
    _exit(0);
  } else if (r == "own_mutex") {
    HANDLE m = ws2emu_OpenMutexW(SYNCHRONIZE, FALSE, arg.c_str());
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(ws2emu_WaitForSingleObjectEx(m, 0, FALSE), WAIT_OBJECT_0);
    HANDLE ready = ws2emu_OpenEventW(EVENT_MODIFY_STATE, FALSE, (arg + u"-ready").c_str());
    ASSERT_NE(ready, nullptr);
    ASSERT_TRUE(ws2emu_SetEvent(ready));
    for (;;) pause();  // until SIGKILL
  } else if (r == "write_section") {
    HANDLE s = ws2emu_OpenFileMappingW(FILE_MAP_WRITE, FALSE, arg.c_str());
    ASSERT_NE(s, nullptr);
    char *p = static_cast<char *>(ws2emu_MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0));
    ASSERT_NE(p, nullptr);
    ASSERT_STREQ(p, "from the parent");
    strcpy(p + 100, "from the child");
    HANDLE done = ws2emu_OpenEventW(EVENT_MODIFY_STATE, FALSE, (arg + u"-done").c_str());
    ASSERT_NE(done, nullptr);
    ASSERT_TRUE(ws2emu_SetEvent(done));
    _exit(0);
  } else if (r == "read_file_section") {
    HANDLE s = ws2emu_OpenFileMappingW(FILE_MAP_READ, FALSE, arg.c_str());
    ASSERT_NE(s, nullptr);
    const char *p = static_cast<const char *>(ws2emu_MapViewOfFile(s, FILE_MAP_READ, 0, 0, 0));
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(memcmp(p, "file bytes", 10), 0);
    _exit(0);
  } else if (r == "create_and_exit") {
    // Creates and exits without closing: the leftover of a crashed process.
    ASSERT_NE(ws2emu_CreateEventW(nullptr, TRUE, TRUE, arg.c_str()), nullptr);
    ASSERT_NE(ws2emu_CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, 4096,
                                        (arg + u"-section").c_str()),
              nullptr);
    _exit(0);
  }
  FAIL() << "unknown role " << r;
}

// ---- Create / open ----------------------------------------------------------------------

TEST_F(Named, EventCreateOpenAndAlreadyExists) {
  ws2emu_SetLastError(1234);
  HANDLE a = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"ev");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), 0u);  // a fresh create clears the last error
  // Creating it again returns the existing object (its arguments ignored).
  HANDLE b = ws2emu_CreateEventW(nullptr, FALSE, TRUE, u"ev");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
  EXPECT_NE(a, b);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(b, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_SetEvent(a));
  // Manual-reset, as its creator said: stays set for every waiter.
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(b, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(b, 0, FALSE), WAIT_OBJECT_0);
  HANDLE c = ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"ev");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(ws2emu_ResetEvent(c));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(a, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"missing"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
  EXPECT_TRUE(ws2emu_CloseHandle(a));
  EXPECT_TRUE(ws2emu_CloseHandle(b));
  EXPECT_TRUE(ws2emu_CloseHandle(c));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, EventExFormsAndInitialState) {
  HANDLE e = ws2emu_CreateEventExW(nullptr, u"ex", CREATE_EVENT_INITIAL_SET, EVENT_ALL_ACCESS);
  ASSERT_NE(e, nullptr);
  // Auto-reset and initially set: one wait takes it.
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(ws2emu_CreateEventExW(nullptr, u"ex2", 0x4, EVENT_ALL_ACCESS), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
}

TEST_F(Named, LocalAndGlobalPrefixes) {
  HANDLE a = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"Local\\pfx");
  ASSERT_NE(a, nullptr);
  HANDLE b = ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"pfx");  // the same object
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"Global\\pfx"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
  HANDLE g = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"Global\\pfx");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), 0u);  // a second namespace: a new object
  EXPECT_TRUE(ws2emu_SetEvent(b));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(a, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(g, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  for (HANDLE h : {a, b, g}) EXPECT_TRUE(ws2emu_CloseHandle(h));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, NamesAreCaseSensitive) {
  HANDLE a = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"Case");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"case"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
  HANDLE b = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"CASE");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), 0u);
  EXPECT_TRUE(ws2emu_CloseHandle(a));
  EXPECT_TRUE(ws2emu_CloseHandle(b));
}

TEST_F(Named, OneNamespaceForAllTypes) {
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"shared-name");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(ws2emu_CreateMutexW(nullptr, FALSE, u"shared-name"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(ws2emu_CreateSemaphoreW(nullptr, 0, 1, u"shared-name"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(ws2emu_OpenMutexW(SYNCHRONIZE, FALSE, u"shared-name"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(ws2emu_OpenSemaphoreW(SYNCHRONIZE, FALSE, u"shared-name"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(ws2emu_CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, 4096,
                                      u"shared-name"),
            nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(ws2emu_OpenFileMappingW(FILE_MAP_READ, FALSE, u"shared-name"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  // And the other way round.
  HANDLE m = ws2emu_CreateMutexW(nullptr, FALSE, u"shared-name");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"shared-name"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(ws2emu_CloseHandle(m));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, BadNames) {
  EXPECT_EQ(ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"a\\b"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_PATH_NOT_FOUND));
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"Local\\a\\b"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_PATH_NOT_FOUND));
  EXPECT_EQ(ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"Local\\"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, nullptr), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u""), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
  std::u16string longest(260, u'x');
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, longest.c_str());
  ASSERT_NE(e, nullptr);  // MAX_PATH characters: allowed (a hashed file name)
  HANDLE again = ws2emu_OpenEventW(SYNCHRONIZE, FALSE, longest.c_str());
  ASSERT_NE(again, nullptr);
  std::u16string other = longest;
  other.back() = u'y';
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, other.c_str()), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
  std::u16string too_long(261, u'x');
  EXPECT_EQ(ws2emu_CreateEventW(nullptr, TRUE, FALSE, too_long.c_str()), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILENAME_EXCED_RANGE));
  // Characters outside [A-Za-z0-9_-] (escaped in the file name) name distinct objects.
  HANDLE odd = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"../x y%.\u00e9");
  ASSERT_NE(odd, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), 0u);
  EXPECT_TRUE(ws2emu_CloseHandle(odd));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  EXPECT_TRUE(ws2emu_CloseHandle(again));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, LastCloseRemovesTheFiles) {
  HANDLE a = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"life");
  ASSERT_NE(a, nullptr);
  HANDLE dup = nullptr;
  ASSERT_TRUE(ws2emu_DuplicateHandle(ws2emu_GetCurrentProcess(), a, ws2emu_GetCurrentProcess(),
                                     &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
  HANDLE b = ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"life");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Entries(folder_).size(), 2u);  // Llife.obj, Llife.fifo
  EXPECT_TRUE(ws2emu_CloseHandle(a));
  EXPECT_TRUE(ws2emu_CloseHandle(b));
  EXPECT_EQ(Entries(folder_).size(), 2u);  // the duplicate still holds it
  EXPECT_TRUE(ws2emu_SetEvent(dup));
  EXPECT_TRUE(ws2emu_CloseHandle(dup));
  EXPECT_TRUE(Entries(folder_).empty());
  // The name is free again: a new, reset object.
  HANDLE c = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"life");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), 0u);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(c, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(c));
}

TEST_F(Named, FolderAndFileModes) {
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"modes");
  ASSERT_NE(e, nullptr);
  struct stat st;
  ASSERT_EQ(lstat(folder_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  for (const std::string &f : Entries(folder_)) {
    ASSERT_EQ(lstat((folder_ + "/" + f).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
    EXPECT_EQ(st.st_uid, geteuid());
  }
  EXPECT_TRUE(ws2emu_CloseHandle(e));
}

// ---- Semaphores and mutexes -------------------------------------------------------------

TEST_F(Named, SemaphoreSharedCount) {
  HANDLE a = ws2emu_CreateSemaphoreW(nullptr, 2, 5, u"sem");
  ASSERT_NE(a, nullptr);
  HANDLE b = ws2emu_CreateSemaphoreW(nullptr, 0, 1, u"sem");  // existing: arguments ignored
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(b, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(a, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(b, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  LONG previous = -1;
  EXPECT_TRUE(ws2emu_ReleaseSemaphore(b, 5, &previous));
  EXPECT_EQ(previous, 0);
  EXPECT_FALSE(ws2emu_ReleaseSemaphore(a, 1, &previous));  // the creator's maximum, 5
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_TOO_MANY_POSTS));
  HANDLE ex = ws2emu_CreateSemaphoreExW(nullptr, 0, 1, u"sem", 0, SEMAPHORE_ALL_ACCESS);
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
  EXPECT_EQ(ws2emu_CreateSemaphoreExW(nullptr, 0, 1, u"sem2", 1, SEMAPHORE_ALL_ACCESS), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_CreateSemaphoreW(nullptr, 2, 1, u"sem3"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  // Above the FIFO's capacity [inference]: refused, nothing created.
  EXPECT_EQ(ws2emu_CreateSemaphoreW(nullptr, 0, 1 << 20, u"big"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  for (HANDLE h : {a, b, ex}) EXPECT_TRUE(ws2emu_CloseHandle(h));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, MutexOwnershipAcrossHandles) {
  HANDLE a = ws2emu_CreateMutexW(nullptr, TRUE, u"mtx");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), 0u);
  HANDLE b = ws2emu_CreateMutexW(nullptr, TRUE, u"mtx");  // existing: not granted ownership
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
  // Recursive through either handle for the owner thread.
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(b, 0, FALSE), WAIT_OBJECT_0);
  std::thread other([&] {
    EXPECT_EQ(ws2emu_WaitForSingleObjectEx(b, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_FALSE(ws2emu_ReleaseMutex(a));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_OWNER));
  });
  other.join();
  EXPECT_TRUE(ws2emu_ReleaseMutex(a));
  EXPECT_TRUE(ws2emu_ReleaseMutex(b));
  EXPECT_FALSE(ws2emu_ReleaseMutex(a));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_OWNER));
  // A thread that exits owning it abandons it.
  std::thread owner([&] { EXPECT_EQ(ws2emu_WaitForSingleObjectEx(a, 0, FALSE), WAIT_OBJECT_0); });
  owner.join();
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(b, 1000, FALSE), static_cast<DWORD>(WAIT_ABANDONED_0));
  EXPECT_TRUE(ws2emu_ReleaseMutex(b));
  HANDLE ex = ws2emu_CreateMutexExW(nullptr, u"mtx2", CREATE_MUTEX_INITIAL_OWNER, MUTEX_ALL_ACCESS);
  ASSERT_NE(ex, nullptr);
  EXPECT_TRUE(ws2emu_ReleaseMutex(ex));
  EXPECT_EQ(ws2emu_CreateMutexExW(nullptr, u"mtx3", 2, MUTEX_ALL_ACCESS), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  for (HANDLE h : {a, b, ex}) EXPECT_TRUE(ws2emu_CloseHandle(h));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, NamedAndUnnamedMixInWaits) {
  HANDLE named_ev = ws2emu_CreateEventW(nullptr, FALSE, FALSE, u"mix-ev");
  HANDLE plain_ev = ws2emu_CreateEventW(nullptr, FALSE, FALSE, nullptr);
  HANDLE named_sem = ws2emu_CreateSemaphoreW(nullptr, 0, 2, u"mix-sem");
  HANDLE named_mtx = ws2emu_CreateMutexW(nullptr, FALSE, u"mix-mtx");
  ASSERT_TRUE(named_ev && plain_ev && named_sem && named_mtx);
  HANDLE all[4] = {plain_ev, named_ev, named_sem, named_mtx};
  EXPECT_EQ(ws2emu_WaitForMultipleObjectsEx(3, all, FALSE, 0, FALSE),
            static_cast<DWORD>(WAIT_TIMEOUT));
  // A wake from another thread through a named event, with the waiter blocked in poll.
  std::thread setter([&] {
    usleep(20000);
    ws2emu_SetEvent(named_ev);
  });
  EXPECT_EQ(ws2emu_WaitForMultipleObjectsEx(3, all, FALSE, INFINITE, TRUE), WAIT_OBJECT_0 + 1);
  setter.join();
  std::thread releaser([&] {
    usleep(20000);
    ws2emu_ReleaseSemaphore(named_sem, 1, nullptr);
  });
  EXPECT_EQ(ws2emu_WaitForMultipleObjectsEx(3, all, FALSE, INFINITE, FALSE), WAIT_OBJECT_0 + 2);
  releaser.join();
  // Wait-all over the four.
  ws2emu_SetEvent(plain_ev);
  ws2emu_SetEvent(named_ev);
  ws2emu_ReleaseSemaphore(named_sem, 1, nullptr);
  EXPECT_EQ(ws2emu_WaitForMultipleObjectsEx(4, all, TRUE, 1000, FALSE), WAIT_OBJECT_0);
  EXPECT_TRUE(ws2emu_ReleaseMutex(named_mtx));
  for (HANDLE h : all) EXPECT_TRUE(ws2emu_CloseHandle(h));
  EXPECT_TRUE(Entries(folder_).empty());
}

// A named event is an Event: the WSA event calls and MsgWaitForMultipleObjects take it too.
TEST_F(Named, NamedEventInTheWsaAndMessageWaits) {
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"wsa-ev");
  HANDLE other = ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"wsa-ev");
  ASSERT_TRUE(e && other);
  WSAEVENT events[1] = {other};
  EXPECT_EQ(WSAWaitForMultipleEvents(1, events, FALSE, 0, FALSE),
            static_cast<DWORD>(WSA_WAIT_TIMEOUT));
  EXPECT_TRUE(WSASetEvent(e));
  EXPECT_EQ(WSAWaitForMultipleEvents(1, events, FALSE, 0, FALSE), WSA_WAIT_EVENT_0);
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjects(1, &other, FALSE, 0, 0), WAIT_OBJECT_0);
  EXPECT_TRUE(WSAResetEvent(other));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjects(1, &e, FALSE, 0, 0),
            static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  EXPECT_TRUE(WSACloseEvent(other));
  EXPECT_TRUE(Entries(folder_).empty());
}

// ---- File mappings ----------------------------------------------------------------------

TEST_F(Named, PagingFileSections) {
  ws2emu_SetLastError(77);
  HANDLE s = ws2emu_CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, 200000,
                                       u"Local\\shm");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), 0u);
  char *w = static_cast<char *>(ws2emu_MapViewOfFile(s, FILE_MAP_ALL_ACCESS, 0, 0, 0));
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w[0], 0);  // zero-filled
  strcpy(w, "hello");
  strcpy(w + 65536, "second");
  HANDLE o = ws2emu_OpenFileMappingW(FILE_MAP_READ, FALSE, u"shm");
  ASSERT_NE(o, nullptr);
  const char *r = static_cast<const char *>(ws2emu_MapViewOfFile(o, FILE_MAP_READ, 0, 0, 16));
  ASSERT_NE(r, nullptr);
  EXPECT_STREQ(r, "hello");
  const char *r2 = static_cast<const char *>(ws2emu_MapViewOfFile(o, FILE_MAP_READ, 0, 65536, 0));
  ASSERT_NE(r2, nullptr);
  EXPECT_STREQ(r2, "second");
  HANDLE again = ws2emu_CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, 10,
                                           u"shm");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
  // The errors.
  EXPECT_EQ(ws2emu_MapViewOfFile(o, FILE_MAP_READ, 0, 4096, 0), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_MAPPED_ALIGNMENT));
  EXPECT_EQ(ws2emu_MapViewOfFile(o, FILE_MAP_READ, 0, 0, 200001), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  EXPECT_EQ(ws2emu_MapViewOfFile(o, FILE_MAP_READ, 0, 262144, 0), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  EXPECT_EQ(ws2emu_MapViewOfFile(ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr),
                                 FILE_MAP_READ, 0, 0, 0),
            nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_FALSE(ws2emu_UnmapViewOfFile(w + 4096));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_ADDRESS));
  // MapViewOfFileEx: at a free 64 KiB-aligned address, then at the same (taken) one.
  void *hole = mmap(nullptr, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(hole, MAP_FAILED);
  char *want = reinterpret_cast<char *>((reinterpret_cast<uintptr_t>(hole) + 65535) & ~65535ul);
  munmap(hole, 1 << 20);
  void *at = ws2emu_MapViewOfFileEx(s, FILE_MAP_READ, 0, 0, 4096, want);
  EXPECT_EQ(at, want);
  EXPECT_EQ(ws2emu_MapViewOfFileEx(s, FILE_MAP_READ, 0, 0, 4096, want), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_ADDRESS));
  EXPECT_EQ(ws2emu_MapViewOfFileEx(s, FILE_MAP_READ, 0, 0, 4096, want + 4096), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_MAPPED_ALIGNMENT));
  // FILE_MAP_COPY: private pages.
  char *copy = static_cast<char *>(ws2emu_MapViewOfFile(s, FILE_MAP_COPY, 0, 0, 4096));
  ASSERT_NE(copy, nullptr);
  copy[0] = 'J';
  EXPECT_EQ(w[0], 'h');
  EXPECT_TRUE(ws2emu_FlushViewOfFile(w, 0));
  EXPECT_TRUE(ws2emu_FlushViewOfFile(w + 10, 100));
  // A view keeps the section alive after its last handle closes.
  EXPECT_TRUE(ws2emu_CloseHandle(s));
  EXPECT_TRUE(ws2emu_CloseHandle(o));
  EXPECT_TRUE(ws2emu_CloseHandle(again));
  EXPECT_EQ(Entries(folder_).size(), 1u);  // Lshm.obj
  EXPECT_STREQ(r, "hello");
  for (const void *v : {static_cast<const void *>(w), static_cast<const void *>(r),
                        static_cast<const void *>(r2), static_cast<const void *>(copy), static_cast<const void *>(at)}) {
    EXPECT_TRUE(ws2emu_UnmapViewOfFile(v));
  }
  EXPECT_TRUE(Entries(folder_).empty());
  EXPECT_FALSE(ws2emu_UnmapViewOfFile(w));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_ADDRESS));
}

TEST_F(Named, SectionArgumentErrors) {
  EXPECT_EQ(ws2emu_CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, 0,
                                      u"zero"),
            nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, 0,
                                      nullptr),
            nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, 0x1234, 0, 10, nullptr),
            nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_OpenFileMappingW(FILE_MAP_READ, FALSE, u"nothing"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
  // A read-only section: no write view.
  HANDLE ro = ws2emu_CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READONLY | SEC_COMMIT,
                                        0, 4096, nullptr);
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(ws2emu_MapViewOfFile(ro, FILE_MAP_WRITE, 0, 0, 0), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  void *v = ws2emu_MapViewOfFile(ro, FILE_MAP_READ, 0, 0, 0);
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(ws2emu_UnmapViewOfFile(v));
  EXPECT_TRUE(ws2emu_CloseHandle(ro));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, FileBackedSections) {
  const std::string path = runtime_ + "/data.bin";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  // An empty file with size 0: ERROR_FILE_INVALID.
  EXPECT_EQ(ws2emu_CreateFileMappingFd(fd, nullptr, PAGE_READWRITE, 0, 0, nullptr), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILE_INVALID));
  ASSERT_EQ(pwrite(fd, "file bytes", 10, 0), 10);
  HANDLE s = ws2emu_CreateFileMappingFd(fd, nullptr, PAGE_READWRITE, 0, 0, u"filemap");
  ASSERT_NE(s, nullptr);
  char *p = static_cast<char *>(ws2emu_MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(memcmp(p, "file bytes", 10), 0);
  // Another process opens it by name and sees the file's bytes.
  pid_t child = Spawn("read_file_section", "filemap");
  int status = Reap(child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  memcpy(p, "FILE", 4);
  EXPECT_TRUE(ws2emu_FlushViewOfFile(p, 4));
  char back[10];
  ASSERT_EQ(pread(fd, back, 10, 0), 10);
  EXPECT_EQ(memcmp(back, "FILE bytes", 10), 0);
  EXPECT_TRUE(ws2emu_UnmapViewOfFile(p));
  EXPECT_TRUE(ws2emu_CloseHandle(s));
  // A larger size grows the file; a read-only one cannot.
  HANDLE grow = ws2emu_CreateFileMappingFd(fd, nullptr, PAGE_READWRITE, 0, 8192, nullptr);
  ASSERT_NE(grow, nullptr);
  struct stat st;
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 8192);
  EXPECT_TRUE(ws2emu_CloseHandle(grow));
  close(fd);
  int rfd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(rfd, 0);
  EXPECT_EQ(ws2emu_CreateFileMappingFd(rfd, nullptr, PAGE_READWRITE, 0, 0, nullptr), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  HANDLE ro = ws2emu_CreateFileMappingFd(rfd, nullptr, PAGE_READONLY, 0, 0, nullptr);
  ASSERT_NE(ro, nullptr);
  close(rfd);  // the section keeps its own descriptor
  const char *q = static_cast<const char *>(ws2emu_MapViewOfFile(ro, FILE_MAP_READ, 0, 0, 0));
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(memcmp(q, "FILE bytes", 10), 0);
  EXPECT_TRUE(ws2emu_UnmapViewOfFile(q));
  EXPECT_TRUE(ws2emu_CloseHandle(ro));
  EXPECT_TRUE(Entries(folder_).empty());
  // The lib form takes no file HANDLE (emu resolves those).
  EXPECT_EQ(ws2emu_CreateFileMappingW(reinterpret_cast<HANDLE>(0x1234), nullptr, PAGE_READWRITE,
                                      0, 10, nullptr),
            nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

// ---- Across processes -------------------------------------------------------------------

TEST_F(Named, EventSetInOneProcessWakesAWaiterInAnother) {
  HANDLE e = ws2emu_CreateEventW(nullptr, FALSE, FALSE, u"xp-ev");
  HANDLE ready = ws2emu_CreateEventW(nullptr, FALSE, FALSE, u"xp-ev-ready");
  ASSERT_TRUE(e && ready);
  pid_t child = Spawn("wait_event", "xp-ev");
  ASSERT_EQ(ws2emu_WaitForSingleObjectEx(ready, INFINITE, FALSE), WAIT_OBJECT_0);
  EXPECT_TRUE(ws2emu_SetEvent(e));
  int status = Reap(child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  // The other way: a child sets, this process (blocked on the futex) wakes.
  std::thread t([&] {
    pid_t setter = Spawn("set_event", "xp-ev");
    Reap(setter);
  });
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, INFINITE, FALSE), WAIT_OBJECT_0);
  t.join();
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  EXPECT_TRUE(ws2emu_CloseHandle(ready));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, SemaphoreCountsAcrossProcesses) {
  HANDLE s = ws2emu_CreateSemaphoreW(nullptr, 0, 10, u"xp-sem");
  ASSERT_NE(s, nullptr);
  pid_t child = Spawn("take_two", "xp-sem");
  EXPECT_TRUE(ws2emu_ReleaseSemaphore(s, 3, nullptr));
  int status = Reap(child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(s, 0, FALSE), WAIT_OBJECT_0);  // the one left
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(s, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(s));
}

TEST_F(Named, MutexOfAKilledProcessIsAbandoned) {
  HANDLE m = ws2emu_CreateMutexW(nullptr, FALSE, u"xp-mtx");
  HANDLE ready = ws2emu_CreateEventW(nullptr, FALSE, FALSE, u"xp-mtx-ready");
  ASSERT_TRUE(m && ready);
  pid_t child = Spawn("own_mutex", "xp-mtx");
  ASSERT_EQ(ws2emu_WaitForSingleObjectEx(ready, INFINITE, FALSE), WAIT_OBJECT_0);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(m, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  // Kill the owner while this thread is blocked in the wait (the pidfd wakes it).
  std::thread killer([&] {
    usleep(50000);
    kill(child, SIGKILL);
  });
  HANDLE both[2] = {ready, m};
  EXPECT_EQ(ws2emu_WaitForMultipleObjectsEx(2, both, FALSE, INFINITE, FALSE),
            static_cast<DWORD>(WAIT_ABANDONED_0 + 1));
  killer.join();
  Reap(child);
  EXPECT_TRUE(ws2emu_ReleaseMutex(m));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(m, 0, FALSE), WAIT_OBJECT_0);  // not abandoned again
  EXPECT_TRUE(ws2emu_ReleaseMutex(m));
  EXPECT_TRUE(ws2emu_CloseHandle(m));
  EXPECT_TRUE(ws2emu_CloseHandle(ready));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, SectionBytesAreSharedAcrossProcesses) {
  HANDLE s = ws2emu_CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, 4096,
                                       u"xp-shm");
  HANDLE done = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"xp-shm-done");
  ASSERT_TRUE(s && done);
  char *p = static_cast<char *>(ws2emu_MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0));
  ASSERT_NE(p, nullptr);
  strcpy(p, "from the parent");
  pid_t child = Spawn("write_section", "xp-shm");
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(done, INFINITE, FALSE), WAIT_OBJECT_0);
  EXPECT_STREQ(p + 100, "from the child");
  int status = Reap(child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_TRUE(ws2emu_UnmapViewOfFile(p));
  EXPECT_TRUE(ws2emu_CloseHandle(s));
  EXPECT_TRUE(ws2emu_CloseHandle(done));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, LeftoversOfAProcessThatDiedAreCleaned) {
  pid_t child = Spawn("create_and_exit", "crashed");
  int status = Reap(child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(Entries(folder_).size(), 3u);  // its event (.obj, .fifo) and section (.obj)
  // Open of a leftover: nobody holds it, so the name does not exist.
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"crashed"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
  // ...and the sweep at this process's first use of the folder took the others too.
  EXPECT_TRUE(Entries(folder_).empty());
  // Create over a leftover: a fresh object (set initially by the dead one, reset now).
  pid_t again = Spawn("create_and_exit", "crashed2");
  Reap(again);
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"crashed2");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), 0u);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  // The section leftover "crashed2-section" is still there (the sweep runs once per process
  // and folder); opening it finds it free and removes it.
  EXPECT_EQ(ws2emu_OpenFileMappingW(FILE_MAP_READ, FALSE, u"crashed2-section"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_FILE_NOT_FOUND));
  EXPECT_TRUE(Entries(folder_).empty());
}

// ---- A hostile folder -------------------------------------------------------------------

TEST_F(Named, SymlinkInPlaceOfTheFolderIsRefused) {
  const std::string elsewhere = runtime_ + "/elsewhere";
  ASSERT_EQ(mkdir(elsewhere.c_str(), 0700), 0);
  ASSERT_EQ(symlink(elsewhere.c_str(), folder_.c_str()), 0);
  EXPECT_EQ(ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"x"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  EXPECT_TRUE(Entries(elsewhere).empty());  // nothing followed
}

TEST_F(Named, GroupWritableFolderIsRefused) {
  ASSERT_EQ(mkdir(folder_.c_str(), 0700), 0);
  ASSERT_EQ(chmod(folder_.c_str(), 0770), 0);
  EXPECT_EQ(ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"x"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, WritableRuntimeDirIsRefused) {
  ASSERT_EQ(chmod(runtime_.c_str(), 0777), 0);
  EXPECT_EQ(ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"x"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  EXPECT_TRUE(Entries(runtime_).empty());
}

TEST_F(Named, SymlinkInPlaceOfAnObjectFileIsRefused) {
  // Make the folder, then plant a symlink where the object's file would be.
  HANDLE first = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"first");
  ASSERT_NE(first, nullptr);
  const std::string target = runtime_ + "/target";
  ASSERT_EQ(close(open(target.c_str(), O_CREAT | O_WRONLY, 0600)), 0);
  ASSERT_EQ(symlink(target.c_str(), (folder_ + "/Lplanted.obj").c_str()), 0);
  EXPECT_EQ(ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"planted"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"planted"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  struct stat st;
  ASSERT_EQ(stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0);  // never written through
  // A group-readable object file is refused too.
  ASSERT_EQ(chmod((folder_ + "/Lfirst.obj").c_str(), 0640), 0);
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"first"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  ASSERT_EQ(chmod((folder_ + "/Lfirst.obj").c_str(), 0600), 0);
  EXPECT_TRUE(ws2emu_CloseHandle(first));
  unlink((folder_ + "/Lplanted.obj").c_str());
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, SymlinkInPlaceOfAFifoIsRefused) {
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"fifo");
  ASSERT_NE(e, nullptr);
  const std::string fifo = folder_ + "/Lfifo.fifo";
  const std::string target = runtime_ + "/fifo-target";
  ASSERT_EQ(close(open(target.c_str(), O_CREAT | O_WRONLY, 0600)), 0);
  ASSERT_EQ(unlink(fifo.c_str()), 0);
  ASSERT_EQ(symlink(target.c_str(), fifo.c_str()), 0);
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"fifo"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  // A regular file in its place: refused too.
  ASSERT_EQ(unlink(fifo.c_str()), 0);
  ASSERT_EQ(close(open(fifo.c_str(), O_CREAT | O_WRONLY, 0600)), 0);
  EXPECT_EQ(ws2emu_OpenEventW(SYNCHRONIZE, FALSE, u"fifo"), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  struct stat st;
  ASSERT_EQ(stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 0);
  EXPECT_TRUE(ws2emu_CloseHandle(e));  // its own FIFO descriptor still works; the files go
  EXPECT_TRUE(Entries(folder_).empty());
}

TEST_F(Named, TmpFallbackWithoutXdgRuntimeDir) {
  unsetenv("XDG_RUNTIME_DIR");
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, u"ws2emu-named-test-tmp-fallback");
  ASSERT_NE(e, nullptr);
  const std::string tmp = "/tmp/ws2emu-" + std::to_string(geteuid());
  struct stat st;
  ASSERT_EQ(lstat(tmp.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  struct stat gone;
  EXPECT_NE(lstat((tmp + "/Lws2emu-named-test-tmp-fallback.obj").c_str(), &gone), 0);
}

}  // namespace
