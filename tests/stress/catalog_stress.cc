// The catalog under faults and contention, across processes:
//  - crash safety: a child installs and removes providers in a loop and is SIGKILLed at random
//    moments, 200 times; after every kill the file parses and holds exactly the state of the
//    last call the child completed, or of the one it was completing;
//    and the folder holds at most one temporary file (the killed writer's, which the next writer
//    removes), none once a call has completed after the last kill;
//  - concurrency: two processes each install 100 providers at once; all 200 are there, with
//    unique catalog IDs.
// Both start from an empty catalog file (tests/common/empty_catalog.h): every provider in the
// file is one the test installed, with its two entries, and the IDs start at 1001.
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "catalog/catalog.h"
#include "common/empty_catalog.h"
#include "common/temp_dir.h"
#include "ws2emu/ws2emu.h"

namespace {

using ws2emu::catalog::Catalog;

GUID ProviderGuid(uint32_t run, uint32_t op) {
  GUID g = {run, static_cast<uint16_t>(op), 0x5157, {1, 2, 3, 4, 5, 6, 7, 8}};
  return g;
}

WSAPROTOCOL_INFOW Entry(int protocol) {
  WSAPROTOCOL_INFOW p;
  std::memset(&p, 0, sizeof(p));
  p.ProtocolChain.ChainLen = BASE_PROTOCOL;
  p.iVersion = 2;
  p.iAddressFamily = 2;
  p.iSocketType = protocol == 6 ? 1 : 2;
  p.iProtocol = protocol;
  std::memcpy(p.szProtocol, u"stress", 12);
  return p;
}

// Operation `op` of run `run`: even ops install provider (run, op) with two entries; odd ops
// remove the provider the previous op installed.
bool DoOp(uint32_t run, uint32_t op) {
  int err = 0;
  if (op % 2 == 0) {
    WSAPROTOCOL_INFOW entries[2] = {Entry(6), Entry(17)};
    GUID g = ProviderGuid(run, op);
    return WSCInstallProvider(&g, reinterpret_cast<const WCHAR *>(u"%windir%\\s.dll"), entries,
                              2, &err) == 0;
  }
  GUID g = ProviderGuid(run, op - 1);
  return WSCDeinstallProvider(&g, &err) == 0;
}

std::string ReadFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The providers (as GUID strings) of the catalog file, after checking that it parses, that
// every provider has its two entries and that IDs are unique (Parse checks that).
std::set<std::string> Providers(const std::string &path) {
  std::set<std::string> out;
  if (access(path.c_str(), F_OK) != 0) return out;  // killed before its first write
  absl::StatusOr<Catalog> c = ws2emu::catalog::Parse(ReadFile(path), path);
  EXPECT_TRUE(c.ok()) << c.status();
  if (!c.ok()) return out;
  std::multiset<std::string> all;
  for (const auto &e : c->entries) all.insert(ws2emu::catalog::GuidToString(e.info.ProviderId));
  for (const std::string &g : all) {
    EXPECT_EQ(all.count(g), 2u) << g;
    out.insert(g);
  }
  return out;
}

// The temporary files (catalog.tmp-*) in `dir`.
int Temporaries(const std::string &dir) {
  int n = 0;
  DIR *d = opendir(dir.c_str());
  if (d == nullptr) return -1;
  while (dirent *e = readdir(d)) n += std::string(e->d_name).rfind("catalog.tmp", 0) == 0;
  closedir(d);
  return n;
}

class CatalogStress : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("WS2EMU_CATALOG", path_.c_str(), 1);
    ws2emu::testing::WriteEmptyCatalog(path_);
  }
  void TearDown() override { unsetenv("WS2EMU_CATALOG"); }
  ws2emu::testing::TempDir temp_{"catalog-stress"};
  const std::string path_ = temp_.path() + "/catalog";
};

TEST_F(CatalogStress, SigkillAtRandomMomentsNeverLeavesAHalfWrittenCatalog) {
  std::mt19937 rng(12345);
  std::set<std::string> state;  // what the file held when the run started
  int kills_mid_run = 0;
  for (uint32_t run = 1; run <= 200; ++run) {
    int progress[2];
    ASSERT_EQ(pipe(progress), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(progress[0]);
      for (uint32_t op = 0; op < 1000; ++op) {
        if (!DoOp(run, op)) _exit(3);
        char done = 1;
        if (write(progress[1], &done, 1) != 1) _exit(4);
      }
      _exit(0);
    }
    close(progress[1]);
    usleep(std::uniform_int_distribution<int>(0, 4000)(rng));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) ++kills_mid_run;
    ASSERT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << "a call failed in the child";
    uint32_t completed = 0;
    char buffer[1024];
    ssize_t n;
    while ((n = read(progress[0], buffer, sizeof(buffer))) > 0) completed += n;
    close(progress[0]);
    // The states the file may hold: after `completed` ops, or after one more (the call was
    // done but had not reported).
    auto after = [&](uint32_t ops) {
      std::set<std::string> s = state;
      if (ops % 2 == 1) s.insert(ws2emu::catalog::GuidToString(ProviderGuid(run, ops - 1)));
      return s;
    };
    std::set<std::string> now = Providers(path_);
    ASSERT_TRUE(now == after(completed) || now == after(completed + 1))
        << "run " << run << ": " << completed << " calls completed, file holds " << now.size()
        << " providers";
    state = now;
    ASSERT_LE(Temporaries(temp_.path()), 1) << "run " << run;
  }
  EXPECT_GT(kills_mid_run, 150);  // the kills did land while the child was working
  // A writer that completes removes what a killed one left.
  ASSERT_TRUE(DoOp(201, 0));
  EXPECT_EQ(Temporaries(temp_.path()), 0);
}

TEST_F(CatalogStress, TwoProcessesInstallingAtOnceLoseNothing) {
  pid_t pids[2];
  for (uint32_t p = 0; p < 2; ++p) {
    pids[p] = fork();
    ASSERT_GE(pids[p], 0);
    if (pids[p] == 0) {
      for (uint32_t i = 0; i < 100; ++i) {
        int err = 0;
        WSAPROTOCOL_INFOW e = Entry(6);
        GUID g = ProviderGuid(1000 + p, i);
        if (WSCInstallProvider(&g, reinterpret_cast<const WCHAR *>(u"x.dll"), &e, 1, &err) != 0)
          _exit(1);
      }
      _exit(0);
    }
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  absl::StatusOr<Catalog> c = ws2emu::catalog::Parse(ReadFile(path_), path_);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->entries.size(), 200u);
  std::set<uint32_t> ids;
  std::set<std::string> guids;
  for (const auto &e : c->entries) {
    ids.insert(e.info.dwCatalogEntryId);
    guids.insert(ws2emu::catalog::GuidToString(e.info.ProviderId));
  }
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(guids.size(), 200u);
  EXPECT_EQ(*ids.begin(), 1001u);
  EXPECT_EQ(*ids.rbegin(), 1200u);
  EXPECT_EQ(c->next_id, 1201u);
}

}  // namespace
