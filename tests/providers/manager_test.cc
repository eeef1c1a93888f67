// The provider manager (lib/providers): starting providers from catalog entries as ws2_32
// does — the chain's top layer, once per provider GUID, version 2.2, the proc table checked,
// WSPCleanup once per successful WSPStartup — with a native provider that misbehaves on request.
#include <dlfcn.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <string>
#include <thread>

#include "catalog/operations.h"
#include "providers/manager.h"
#include "common/empty_catalog.h"
#include "common/temp_dir.h"
#include "ws2emu/ws2emu.h"

namespace {

using ws2emu::WsaErrorOf;
using ws2emu::providers::ProviderManager;

constexpr GUID kGuid = {0x0de0de01, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
constexpr GUID kLayer = {0x0de0de02, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};

WSAPROTOCOL_INFOW Entry(int chain_len, int protocol) {
  WSAPROTOCOL_INFOW p;
  std::memset(&p, 0, sizeof(p));
  p.ProtocolChain.ChainLen = chain_len;
  p.iVersion = 2;
  p.iAddressFamily = 2;
  p.iSocketType = 1;
  p.iProtocol = protocol;
  return p;
}

class Manager : public ::testing::Test {
 protected:
  void SetUp() override {
    // An empty catalog (tests/common/empty_catalog.h): the entries below get 1001..1004.
    setenv("WS2EMU_CATALOG", (temp_.path() + "/catalog").c_str(), 1);
    ws2emu::testing::WriteEmptyCatalog(temp_.path() + "/catalog");
    so_ = std::getenv("WS2EMU_MODE_PROVIDER");
    ASSERT_FALSE(so_.empty());
    handle_ = dlopen(so_.c_str(), RTLD_NOW | RTLD_LOCAL);  // the same image the manager gets
    ASSERT_NE(handle_, nullptr) << dlerror();
    counts_ = reinterpret_cast<void (*)(int *, int *, DWORD *)>(
        dlsym(handle_, "mode_provider_counts"));
    ASSERT_NE(counts_, nullptr);
    // Two base entries of one provider, and a chain over the first whose top layer is the same
    // file under another GUID.
    std::u16string path(so_.begin(), so_.end());
    WSAPROTOCOL_INFOW base[2] = {Entry(1, 6), Entry(1, 17)};
    GUID g = kGuid;
    int err = 0;
    ASSERT_EQ(WSCInstallProvider(&g, reinterpret_cast<const WCHAR *>(path.c_str()), base, 2,
                                 &err),
              0);
    WSAPROTOCOL_INFOW layer = Entry(0, 6);
    GUID l = kLayer;
    ASSERT_EQ(WSCInstallProvider(&l, reinterpret_cast<const WCHAR *>(path.c_str()), &layer, 1,
                                 &err),
              0);
    WSAPROTOCOL_INFOW chain = Entry(2, 6);
    chain.ProtocolChain.ChainEntries[0] = 1003;
    chain.ProtocolChain.ChainEntries[1] = 1001;
    GUID c = kLayer;
    c.Data1 = 0x0de0de03;
    ASSERT_EQ(WSCInstallProvider(&c, reinterpret_cast<const WCHAR *>(path.c_str()), &chain, 1,
                                 &err),
              0);
  }
  void TearDown() override {
    EXPECT_TRUE(ProviderManager::Get().CleanupAll().ok());
    unsetenv("WS2EMU_TEST_PROVIDER_MODE");
    unsetenv("WS2EMU_CATALOG");
    if (handle_ != nullptr) dlclose(handle_);
  }
  void Counts(int *startups, int *cleanups, DWORD *last = nullptr) {
    DWORD ignored;
    counts_(startups, cleanups, last != nullptr ? last : &ignored);
  }
  ws2emu::testing::TempDir temp_{"manager"};
  std::string so_;
  void *handle_ = nullptr;
  void (*counts_)(int *, int *, DWORD *) = nullptr;
};

TEST_F(Manager, StartsOncePerProviderAndCleansUpOncePerStart) {
  int s0, c0, s, c;
  Counts(&s0, &c0);
  auto first = ProviderManager::Get().StartForEntry(1001);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE((*first)->pe());
  auto second = ProviderManager::Get().StartForEntry(1002);  // same GUID: no second start
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  Counts(&s, &c);
  EXPECT_EQ(s - s0, 1);
  // A chain starts its top layer (another GUID), with the chain's own entry.
  DWORD last = 0;
  auto chain = ProviderManager::Get().StartForEntry(1004);
  ASSERT_TRUE(chain.ok()) << chain.status();
  Counts(&s, &c, &last);
  EXPECT_EQ(s - s0, 2);
  EXPECT_EQ(last, 1004u);
  EXPECT_EQ((*chain)->catalog_id, 1004u);
  ASSERT_TRUE(ProviderManager::Get().CleanupAll().ok());
  Counts(&s, &c);
  EXPECT_EQ(c - c0, 2);
}

// Every StartForEntry counts a user of the provider; WSPCleanup runs when the last one leaves,
// and a later start starts it afresh.
TEST_F(Manager, TheLastUserToLeaveCleansUp) {
  int s0, c0, s, c;
  Counts(&s0, &c0);
  ProviderManager &pm = ProviderManager::Get();
  auto a = pm.StartForEntry(1001);
  auto b = pm.StartForEntry(1002);  // same GUID: the same provider, a second user
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(*a, *b);
  EXPECT_TRUE(pm.Release(*a).ok());
  Counts(&s, &c);
  EXPECT_EQ(s - s0, 1);
  EXPECT_EQ(c - c0, 0);  // one user left
  EXPECT_TRUE(pm.Release(*b).ok());
  Counts(&s, &c);
  EXPECT_EQ(c - c0, 1);
  EXPECT_EQ(WsaErrorOf(pm.Release(*b)), WSAEINVAL);  // already gone
  EXPECT_EQ(WsaErrorOf(pm.Release(nullptr)), WSAEINVAL);
  auto again = pm.StartForEntry(1001);
  ASSERT_TRUE(again.ok()) << again.status();
  Counts(&s, &c);
  EXPECT_EQ(s - s0, 2);
  EXPECT_TRUE(pm.Release(*again).ok());
  Counts(&s, &c);
  EXPECT_EQ(c - c0, 2);
}

// No lock is held while a provider starts: while one WSPStartup blocks, another provider starts,
// and a second caller for the blocked one waits and then shares its start.
TEST_F(Manager, ABlockedWspStartupStallsNoOtherProvider) {
  auto blocked = reinterpret_cast<int (*)()>(dlsym(handle_, "mode_provider_blocked"));
  auto release = reinterpret_cast<void (*)()>(dlsym(handle_, "mode_provider_release"));
  ASSERT_TRUE(blocked != nullptr && release != nullptr);
  int s0, c0, s, c;
  Counts(&s0, &c0);
  setenv("WS2EMU_TEST_PROVIDER_MODE", "block", 1);
  ProviderManager &pm = ProviderManager::Get();
  auto first = std::async(std::launch::async, [&] { return pm.StartForEntry(1001); });
  for (int i = 0; i < 10000 && !blocked(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(blocked()) << "the provider never entered WSPStartup";
  // Another GUID (the chain's top layer) starts while 1001's WSPStartup is still blocked. A
  // manager that held its lock across WSPStartup would wait here until the release below.
  auto other = std::async(std::launch::async, [&] { return pm.StartForEntry(1004); });
  const bool other_done = other.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  EXPECT_TRUE(other_done) << "a start of another provider waited for a blocked WSPStartup";
  EXPECT_TRUE(blocked());
  auto second = std::async(std::launch::async, [&] { return pm.StartForEntry(1002); });
  release();
  absl::StatusOr<const ws2emu::providers::StartedProvider *> f = first.get(), g = second.get(),
                                                             o = other.get();
  ASSERT_TRUE(f.ok() && g.ok() && o.ok());
  EXPECT_EQ(*f, *g);  // the waiter shared the blocked start
  Counts(&s, &c);
  EXPECT_EQ(s - s0, 2);  // 1001's provider once, the layer once
  EXPECT_TRUE(pm.Release(*o).ok());
  EXPECT_TRUE(pm.Release(*f).ok());
  EXPECT_TRUE(pm.Release(*g).ok());
  Counts(&s, &c);
  EXPECT_EQ(c - c0, 2);
  unsetenv("WS2EMU_TEST_PROVIDER_MODE");
}

TEST_F(Manager, EveryFailureHasItsWsaError) {
  int s0, c0, s, c;
  Counts(&s0, &c0);
  setenv("WS2EMU_TEST_PROVIDER_MODE", "version", 1);
  auto r = ProviderManager::Get().StartForEntry(1001);
  EXPECT_EQ(WsaErrorOf(r.status()), WSAVERNOTSUPPORTED) << r.status();
  setenv("WS2EMU_TEST_PROVIDER_MODE", "refuse", 1);
  r = ProviderManager::Get().StartForEntry(1001);
  EXPECT_EQ(WsaErrorOf(r.status()), WSAVERNOTSUPPORTED) << r.status();
  setenv("WS2EMU_TEST_PROVIDER_MODE", "fail", 1);
  r = ProviderManager::Get().StartForEntry(1001);
  EXPECT_EQ(WsaErrorOf(r.status()), WSAEPROVIDERFAILEDINIT) << r.status();
  setenv("WS2EMU_TEST_PROVIDER_MODE", "nullproc", 1);
  r = ProviderManager::Get().StartForEntry(1001);
  EXPECT_EQ(WsaErrorOf(r.status()), WSAEINVALIDPROCTABLE) << r.status();
  EXPECT_NE(r.status().message().find("lpWSPSendTo"), std::string::npos);
  // The starts that succeeded (version, nullproc) were cleaned up at once.
  Counts(&s, &c);
  EXPECT_EQ(s - s0, 2);
  EXPECT_EQ(c - c0, 2);
  unsetenv("WS2EMU_TEST_PROVIDER_MODE");
  EXPECT_EQ(WsaErrorOf(ProviderManager::Get().StartForEntry(1003).status()), WSAEINVAL);  // layer
  EXPECT_EQ(WsaErrorOf(ProviderManager::Get().StartForEntry(9999).status()), WSAEINVAL);
}

// A chain that names an entry that is not installed (WSCDeinstallProvider does not refuse
// removing one, as on Windows): WSAEPROVIDERFAILEDINIT naming the chain and the missing entry,
// before anything is loaded or started — for a missing entry below the top as well as the top.
TEST_F(Manager, ABrokenChainNamesTheMissingEntry) {
  GUID base = kGuid, layer = kLayer;
  int err = 0, s0 = 0, c0 = 0;
  Counts(&s0, &c0);
  ASSERT_EQ(WSCDeinstallProvider(&base, &err), 0) << err;  // 1001 and 1002: below the chain
  auto r = ProviderManager::Get().StartForEntry(1004);
  EXPECT_EQ(WsaErrorOf(r.status()), WSAEPROVIDERFAILEDINIT) << r.status();
  EXPECT_EQ(r.status().message(),
            "catalog entry 1004 (chain \"\") names entry 1001, which is not installed");
  ASSERT_EQ(WSCDeinstallProvider(&layer, &err), 0) << err;  // 1003: the chain's top
  r = ProviderManager::Get().StartForEntry(1004);
  EXPECT_EQ(WsaErrorOf(r.status()), WSAEPROVIDERFAILEDINIT) << r.status();
  EXPECT_EQ(r.status().message(),
            "catalog entry 1004 (chain \"\") names entry 1003, which is not installed");
  int startups = -1, cleanups = -1;
  Counts(&startups, &cleanups);
  EXPECT_EQ(startups, s0);  // nothing was started
}

TEST_F(Manager, AProviderFileThatIsNoProviderFailsInit) {
  GUID g = kGuid;
  g.Data1 = 0x0de0de09;
  int err = 0;
  WSAPROTOCOL_INFOW e = Entry(1, 6);
  const std::u16string not_a_provider = u"/etc/hostname";
  const std::u16string missing = u"C:\\nowhere\\x.dll";
  ASSERT_EQ(WSCInstallProvider(&g, reinterpret_cast<const WCHAR *>(not_a_provider.c_str()), &e, 1,
                               &err),
            0);
  auto r = ProviderManager::Get().StartForEntry(1005);
  EXPECT_EQ(WsaErrorOf(r.status()), WSAEPROVIDERFAILEDINIT) << r.status();
  g.Data1 = 0x0de0de0a;
  ASSERT_EQ(WSCInstallProvider(&g, reinterpret_cast<const WCHAR *>(missing.c_str()), &e, 1, &err),
            0);
  r = ProviderManager::Get().StartForEntry(1006);
  EXPECT_EQ(WsaErrorOf(r.status()), WSAEPROVIDERFAILEDINIT) << r.status();
  EXPECT_NE(r.status().message().find("no such file"), std::string::npos) << r.status();
}

}  // namespace
