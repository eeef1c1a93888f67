// Provider info and application categories in the catalog (issue 14): WSCGetProviderInfo /
// WSCSetProviderInfo (and their 32 forms) with ProviderInfoLspCategories, and
// WSCGetApplicationCategory / WSCSetApplicationCategory. Each documented error changes nothing;
// the info is in the file (a new Store reads it), goes with the provider's last entry and with
// `reset`, and format 2 is written only when a catalog holds such info.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/operations.h"
#include "catalog/store.h"
#include "common/catalog_fixture.h"
#include "common/empty_catalog.h"
#include "common/temp_dir.h"
#include "ws2emu/ws2emu.h"

namespace {

using ws2emu::testing::Base;
using ws2emu::testing::kBase;
using ws2emu::testing::kLsp;
using ws2emu::testing::kUnknown;
using ws2emu::testing::MutableW;
using ws2emu::testing::ReadFile;
using ws2emu::testing::U;
using ws2emu::testing::W;
using ws2emu::catalog::Catalog;
using ws2emu::catalog::Parse;
using ws2emu::catalog::Serialize;

constexpr DWORD kInspectFirewall = LSP_INSPECTOR | LSP_FIREWALL;

PBYTE Bytes(DWORD *d) { return reinterpret_cast<PBYTE>(d); }

// An info class no enumerator names, as a caller's int reaches ws2_32: through the same
// function with the parameter typed int (a value outside the enum's range is not representable
// in the C++ enum type itself).
using SetInfoInt = int(WSPAPI *)(LPGUID, int, PBYTE, size_t, DWORD, LPINT);
using GetInfoInt = int(WSPAPI *)(LPGUID, int, PBYTE, size_t *, DWORD, LPINT);
SetInfoInt SetWithType() { return reinterpret_cast<SetInfoInt>(&WSCSetProviderInfo); }
GetInfoInt GetWithType() { return reinterpret_cast<GetInfoInt>(&WSCGetProviderInfo); }



void WriteFile(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// The categories WSCGetProviderInfo reports, or -1 (with the error in *err) on failure.
int64_t Categories(const GUID &provider, int *err, bool thirty_two = false) {
  GUID g = provider;
  DWORD value = 0xdddddddd;
  size_t size = sizeof(value);
  int r = thirty_two
              ? WSCGetProviderInfo32(&g, ProviderInfoLspCategories, Bytes(&value), &size, 0, err)
              : WSCGetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&value), &size, 0, err);
  if (r != 0) return -1;
  EXPECT_EQ(size, sizeof(DWORD));
  return value;
}

int SetCategories(const GUID &provider, DWORD value, int *err, bool thirty_two = false) {
  GUID g = provider;
  return thirty_two ? WSCSetProviderInfo32(&g, ProviderInfoLspCategories, Bytes(&value),
                                           sizeof(value), 0, err)
                    : WSCSetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&value),
                                         sizeof(value), 0, err);
}

class ProviderInfoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("WS2EMU_CATALOG", path_.c_str(), 1);
    ws2emu::testing::WriteEmptyCatalog(path_);
  }
  void TearDown() override { unsetenv("WS2EMU_CATALOG"); }

  void InstallBase() { ws2emu::testing::InstallBase(kBase); }

  DWORD InstallLsp() { return ws2emu::testing::InstallLsp(kLsp); }

  // The GUIDs of the chains the LSP's install made.
  std::vector<GUID> ChainGuids(DWORD layered_id) {
    std::vector<GUID> out;
    std::vector<WSAPROTOCOL_INFOW> all(16);
    DWORD size = static_cast<DWORD>(all.size() * sizeof(WSAPROTOCOL_INFOW));
    int err = 0;
    int n = WSCEnumProtocols(nullptr, all.data(), &size, &err);
    EXPECT_GE(n, 0) << err;
    for (int i = 0; i < n; ++i) {
      if (all[i].ProtocolChain.ChainLen >= 2 &&
          all[i].ProtocolChain.ChainEntries[0] == layered_id)
        out.push_back(all[i].ProviderId);
    }
    return out;
  }

  ws2emu::testing::TempDir temp_{"provinfo"};
  const std::string dir_ = temp_.path(), path_ = dir_ + "/catalog";
};

TEST(ProviderInfoFormat, RoundTripsAndKeepsFormat1WhenUnused) {
  Catalog c;
  c.next_id = 1003;
  c.entries.push_back({Base(2, 1, 6, "tcp"), u"C:\\b.dll"});
  c.entries[0].info.dwCatalogEntryId = 1001;
  c.entries[0].info.ProviderId = kBase;
  // Nothing set: format 1, which older builds read.
  EXPECT_NE(Serialize(c).find("\nformat 1\n"), std::string::npos);
  c.SetLspCategories(kBase, LSP_SYSTEM | LSP_LOCAL_CACHE);
  c.applications.push_back({u"C:\\Program Files\\a \"b\".exe", u"-k netsvcs \u00e9", LSP_PROXY});
  c.applications.push_back({u"%SystemRoot%\\x.exe", u"", 0});
  const std::string text = Serialize(c);
  EXPECT_NE(text.find("\nformat 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lsp-categories {11111111-2222-3333-0102-030405060708} 0x80000080"),
            std::string::npos)
      << text;
  absl::StatusOr<Catalog> back = Parse(text, "c");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->provider_info.size(), 1u);
  EXPECT_EQ(back->LspCategories(kBase), LSP_SYSTEM | LSP_LOCAL_CACHE);
  ASSERT_EQ(back->applications.size(), 2u);
  EXPECT_EQ(back->applications[0].path, c.applications[0].path);
  EXPECT_EQ(back->applications[0].extra, c.applications[0].extra);
  EXPECT_EQ(back->applications[0].permitted, static_cast<DWORD>(LSP_PROXY));
  EXPECT_EQ(back->applications[1].extra, u"");
  EXPECT_EQ(back->applications[1].permitted, 0u);
  EXPECT_EQ(Serialize(*back), text);
  // Setting 0 removes the info; with none left the file is format 1 again.
  back->SetLspCategories(kBase, 0);
  back->applications.clear();
  EXPECT_TRUE(back->provider_info.empty());
  EXPECT_NE(Serialize(*back).find("\nformat 1\n"), std::string::npos);
}

TEST(ProviderInfoFormat, DamageIsRefusedAndNamedByLine) {
  const std::string head =
      "format 2\nnext-id 1002\nentry 1001\n  provider-id {11111111-2222-3333-0102-030405060708}\n"
      "  path \"b.dll\"\n  name \"tcp\"\n  service-flags 0 0 0 0\n  provider-flags 0\n"
      "  chain 1 0 0 0 0 0 0 0\n  version 2\n  address-family 2\n  max-sockaddr 16\n"
      "  min-sockaddr 16\n  socket-type 1\n  protocol 6\n  protocol-max-offset 0\n"
      "  network-byte-order 0\n  security-scheme 0\n  message-size 0\n  provider-reserved 0\n"
      "end\n";  // 21 lines
  const std::string base = "{11111111-2222-3333-0102-030405060708}";
  ASSERT_TRUE(Parse(head + "lsp-categories " + base + " 0x1\n", "f").ok());
  struct Case {
    std::string tail;
    const char *message;
  };
  const Case cases[] = {
      {"lsp-categories " + base + " 0\n", "f:22: LSP categories must be a nonzero"},
      {"lsp-categories " + base + " 0x100\n", "f:22: LSP categories must be a nonzero"},
      {"lsp-categories " + base + "\n", "f:22: bad lsp-categories line"},
      {"lsp-categories " + base + " 1\nlsp-categories " + base + " 2\n",
       "f:23: LSP categories for the same provider twice"},
      {"lsp-categories {99999999-2222-3333-0102-030405060708} 0x1\n",
       "f:22: LSP categories for a provider that is not installed"},
      {"app-category 0x1 \"\" \"\"\n", "f:22: an application path is empty"},
      {"app-category 0x1 \"a.exe\"\n", "f:22: bad app-category strings"},
      {"app-category 0x1 \"a.exe\" \"x\" \"y\"\n", "f:22: bad app-category strings"},
      {"app-category 0x200 \"a.exe\" \"\"\n", "f:22: permitted LSP categories hold bits"},
      {"app-category 0x1 \"a\\u0000.exe\" \"\"\n", "f:22: an application path or extra string"},
      {"app-category 0x1 \"C:\\\\A.exe\" \"\"\napp-category 0x2 \"c:\\\\a.EXE\" \"\"\n",
       "f:23: the same application"},
  };
  for (const Case &c : cases) {
    absl::StatusOr<Catalog> parsed = Parse(head + c.tail, "f");
    ASSERT_FALSE(parsed.ok()) << c.tail;
    EXPECT_NE(parsed.status().message().find(c.message), std::string::npos)
        << c.tail << " -> " << parsed.status();
  }
  // Only format 2 has these lines: in a format-1 file they are damage.
  std::string v1 = head;
  v1.replace(0, 8, "format 1");
  absl::StatusOr<Catalog> old = Parse(v1 + "lsp-categories " + base + " 0x1\n", "f");
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("f:22: unexpected `lsp-categories`"), std::string::npos)
      << old.status();
  // The same application with a different extra string is another application.
  EXPECT_TRUE(Parse(head + "app-category 0x1 \"a.exe\" \"\"\napp-category 0x2 \"a.exe\" \"-k x\"\n",
                    "f")
                  .ok());
}

TEST_F(ProviderInfoTest, SetThenGetRoundTripsThroughEveryForm) {
  InstallBase();
  DWORD layered = InstallLsp();
  int err = 0;
  // Never set: an uncategorized provider reads as 0.
  EXPECT_EQ(Categories(kLsp, &err), 0) << err;
  const std::string unset = ReadFile(path_);
  EXPECT_NE(unset.find("\nformat 1\n"), std::string::npos);
  // Microsoft's sample: the LSP's GUID and each of its chains.
  ASSERT_EQ(SetCategories(kLsp, kInspectFirewall, &err), 0) << err;
  std::vector<GUID> chains = ChainGuids(layered);
  ASSERT_EQ(chains.size(), 2u);
  for (const GUID &g : chains) ASSERT_EQ(SetCategories(g, kInspectFirewall, &err, true), 0) << err;
  EXPECT_EQ(Categories(kLsp, &err), kInspectFirewall);
  EXPECT_EQ(Categories(kLsp, &err, true), kInspectFirewall);  // one catalog
  EXPECT_EQ(Categories(chains[1], &err), kInspectFirewall);
  EXPECT_EQ(Categories(kBase, &err), 0);
  EXPECT_NE(ReadFile(path_).find("\nformat 2\n"), std::string::npos);
  // Every flag, LSP_SYSTEM included; then a change, then 0 (cleared).
  const DWORD all = LSP_SYSTEM | LSP_INSPECTOR | LSP_REDIRECTOR | LSP_PROXY | LSP_FIREWALL |
                    LSP_INBOUND_MODIFY | LSP_OUTBOUND_MODIFY | LSP_CRYPTO_COMPRESS |
                    LSP_LOCAL_CACHE;
  ASSERT_EQ(SetCategories(kBase, all, &err), 0) << err;
  EXPECT_EQ(Categories(kBase, &err), all);
  ASSERT_EQ(SetCategories(kBase, LSP_SYSTEM, &err), 0) << err;
  EXPECT_EQ(Categories(kBase, &err), static_cast<int64_t>(LSP_SYSTEM));
  ASSERT_EQ(SetCategories(kBase, 0, &err), 0) << err;
  EXPECT_EQ(Categories(kBase, &err), 0);
  // Info in an unaligned buffer is read and written as bytes.
  alignas(4) unsigned char raw[8] = {};
  DWORD proxy = LSP_PROXY;
  std::memcpy(raw + 1, &proxy, sizeof(proxy));
  GUID g = kBase;
  ASSERT_EQ(WSCSetProviderInfo(&g, ProviderInfoLspCategories, raw + 1, 4, 0, &err), 0) << err;
  unsigned char out[8] = {};
  size_t size = 7;  // more than enough
  ASSERT_EQ(WSCGetProviderInfo(&g, ProviderInfoLspCategories, out + 3, &size, 0, &err), 0);
  EXPECT_EQ(size, sizeof(DWORD));
  EXPECT_EQ(std::memcmp(out + 3, &proxy, 4), 0);
}

TEST_F(ProviderInfoTest, TheInfoIsInTheFileAndGoesWithTheLastEntry) {
  InstallBase();
  DWORD layered = InstallLsp();
  std::vector<GUID> chains = ChainGuids(layered);
  ASSERT_EQ(chains.size(), 2u);
  int err = 0;
  ASSERT_EQ(SetCategories(kLsp, LSP_REDIRECTOR, &err), 0) << err;
  ASSERT_EQ(SetCategories(chains[0], LSP_REDIRECTOR, &err), 0) << err;
  ASSERT_EQ(SetCategories(kBase, LSP_SYSTEM, &err), 0) << err;
  {
    // Another reader of the same file (another process, in effect).
    ws2emu::catalog::Store other(path_);
    absl::StatusOr<std::shared_ptr<const Catalog>> c = other.Read();
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ((*c)->LspCategories(kLsp), static_cast<DWORD>(LSP_REDIRECTOR));
    EXPECT_EQ((*c)->LspCategories(kBase), static_cast<DWORD>(LSP_SYSTEM));
  }
  // Changes that keep the provider keep its info (an order change rewrites the file).
  std::vector<WSAPROTOCOL_INFOW> all(8);
  DWORD size = static_cast<DWORD>(all.size() * sizeof(WSAPROTOCOL_INFOW));
  int n = WSCEnumProtocols(nullptr, all.data(), &size, &err);
  ASSERT_EQ(n, 5);
  std::vector<DWORD> order;
  for (int i = n - 1; i >= 0; --i) order.push_back(all[i].dwCatalogEntryId);
  ASSERT_EQ(WSCWriteProviderOrder(order.data(), static_cast<DWORD>(n)), ERROR_SUCCESS);
  EXPECT_EQ(Categories(kLsp, &err), LSP_REDIRECTOR);
  // WSCDeinstallProvider: the hidden entry's info goes; its chains (own GUIDs) keep theirs.
  GUID lsp = kLsp;
  ASSERT_EQ(WSCDeinstallProvider(&lsp, &err), 0) << err;
  EXPECT_EQ(Categories(kLsp, &err), -1);
  EXPECT_EQ(err, WSAEINVALIDPROVIDER);
  EXPECT_EQ(Categories(chains[0], &err), LSP_REDIRECTOR);
  EXPECT_EQ(ReadFile(path_).find("ABCDEF01"), std::string::npos);
  // Installed again under the same GUID: no categories from before.
  DWORD again = InstallLsp();
  ASSERT_NE(again, 0u);
  EXPECT_EQ(Categories(kLsp, &err), 0) << err;
  // The tool's `remove` (the provider and its chains in one change) drops all of theirs.
  ASSERT_EQ(SetCategories(kLsp, LSP_PROXY, &err), 0);
  std::vector<GUID> new_chains = ChainGuids(again);
  ASSERT_EQ(new_chains.size(), 2u);
  ASSERT_EQ(SetCategories(new_chains[1], LSP_PROXY, &err), 0);
  ws2emu::catalog::Store &store = ws2emu::catalog::Store::ForCurrentPath();
  ASSERT_TRUE(ws2emu::catalog::DeinstallProviderAndChains(store, kLsp).ok());
  EXPECT_EQ(Categories(new_chains[1], &err), -1);
  EXPECT_EQ(err, WSAEINVALIDPROVIDER);
  // `reset`: the default entries and nothing else.
  ASSERT_TRUE(store.Reset().ok());
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE((*c)->provider_info.empty());
  EXPECT_TRUE((*c)->applications.empty());
}

// Any change that leaves a GUID without entries (`repair` removing broken chains, a tool's own
// edit) drops its info, so the file never holds info the parser would call damage.
TEST_F(ProviderInfoTest, AnyChangeThatRemovesAProviderDropsItsInfo) {
  InstallBase();
  int err = 0;
  ASSERT_EQ(SetCategories(kBase, LSP_PROXY, &err), 0) << err;
  ws2emu::catalog::Store other(path_);
  ASSERT_TRUE(other.Modify([](Catalog &c) {
                     c.entries.clear();
                     return absl::OkStatus();
                   }).ok());
  absl::StatusOr<std::shared_ptr<const Catalog>> c = other.Read();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE((*c)->provider_info.empty());
  EXPECT_NE(ReadFile(path_).find("\nformat 1\n"), std::string::npos);
}

TEST_F(ProviderInfoTest, SetErrorsChangeNothing) {
  InstallBase();
  int err = 0;
  ASSERT_EQ(SetCategories(kBase, LSP_PROXY, &err), 0);
  const std::string before = ReadFile(path_);
  GUID g = kBase, unknown = kUnknown;
  DWORD value = LSP_FIREWALL;
  WSC_PROVIDER_AUDIT_INFO audit = {sizeof(WSC_PROVIDER_AUDIT_INFO), nullptr};
  auto expect = [&](int result, int code, const char *what) {
    EXPECT_EQ(result, SOCKET_ERROR) << what;
    EXPECT_EQ(err, code) << what;
    EXPECT_EQ(ReadFile(path_), before) << what;
    err = 0;
  };
  EXPECT_EQ(WSCSetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&value), 4, 0, nullptr),
            SOCKET_ERROR);
  expect(WSCSetProviderInfo(nullptr, ProviderInfoLspCategories, Bytes(&value), 4, 0, &err),
         WSAEINVAL, "null GUID");
  expect(WSCSetProviderInfo(&g, ProviderInfoAudit, reinterpret_cast<PBYTE>(&audit),
                            sizeof(audit), 0, &err),
         ERROR_CALL_NOT_IMPLEMENTED, "ProviderInfoAudit");
  expect(WSCSetProviderInfo32(&g, ProviderInfoAudit, reinterpret_cast<PBYTE>(&audit),
                              sizeof(audit), 0, &err),
         ERROR_CALL_NOT_IMPLEMENTED, "ProviderInfoAudit (32)");
  expect(SetWithType()(&g, 2, Bytes(&value), 4, 0, &err), WSAEINVAL, "unknown info type");
  expect(SetWithType()(&g, -1, Bytes(&value), 4, 0, &err), WSAEINVAL, "negative info type");
  expect(WSCSetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&value), 4, 1, &err), WSAEINVAL,
         "flags");
  expect(WSCSetProviderInfo(&g, ProviderInfoLspCategories, nullptr, 4, 0, &err), WSAEFAULT,
         "null Info");
  for (size_t size : {size_t{0}, size_t{3}, size_t{5}, size_t{8}}) {
    expect(WSCSetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&value), size, 0, &err),
           WSAEINVAL, "InfoSize not sizeof(DWORD)");
  }
  DWORD garbage = LSP_FIREWALL | 0x100;
  expect(WSCSetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&garbage), 4, 0, &err),
         WSAEINVAL, "bits that are no LSP_* flag");
  garbage = 0x40000000;
  expect(WSCSetProviderInfo32(&g, ProviderInfoLspCategories, Bytes(&garbage), 4, 0, &err),
         WSAEINVAL, "bit 30");
  expect(WSCSetProviderInfo(&unknown, ProviderInfoLspCategories, Bytes(&value), 4, 0, &err),
         WSAEINVAL, "GUID not installed");
  EXPECT_EQ(Categories(kBase, &err), LSP_PROXY);
}

TEST_F(ProviderInfoTest, GetErrorsAndSizes) {
  InstallBase();
  int err = 0;
  ASSERT_EQ(SetCategories(kBase, LSP_CRYPTO_COMPRESS, &err), 0);
  GUID g = kBase, unknown = kUnknown;
  DWORD value = 0x12345678;
  size_t size = sizeof(value);
  auto expect = [&](int result, int code, const char *what) {
    EXPECT_EQ(result, SOCKET_ERROR) << what;
    EXPECT_EQ(err, code) << what;
    EXPECT_EQ(value, 0x12345678u) << what << ": nothing written";
    err = 0;
  };
  EXPECT_EQ(WSCGetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&value), &size, 0, nullptr),
            SOCKET_ERROR);
  expect(WSCGetProviderInfo(nullptr, ProviderInfoLspCategories, Bytes(&value), &size, 0, &err),
         WSAEINVAL, "null GUID");
  WSC_PROVIDER_AUDIT_INFO audit{};
  size_t audit_size = sizeof(audit);
  expect(WSCGetProviderInfo(&g, ProviderInfoAudit, reinterpret_cast<PBYTE>(&audit), &audit_size,
                            0, &err),
         ERROR_CALL_NOT_IMPLEMENTED, "ProviderInfoAudit");
  expect(WSCGetProviderInfo32(&g, ProviderInfoAudit, reinterpret_cast<PBYTE>(&audit),
                              &audit_size, 0, &err),
         ERROR_CALL_NOT_IMPLEMENTED, "ProviderInfoAudit (32)");
  expect(GetWithType()(&g, 7, Bytes(&value), &size, 0, &err), WSAEINVAL, "unknown info type");
  expect(WSCGetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&value), &size, 0x10, &err),
         WSAEINVAL, "flags");
  expect(WSCGetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&value), nullptr, 0, &err),
         WSAEFAULT, "null InfoSize");
  expect(WSCGetProviderInfo(&unknown, ProviderInfoLspCategories, Bytes(&value), &size, 0, &err),
         WSAEINVALIDPROVIDER, "GUID not installed");
  // No buffer, or one too small: the size needed comes back.
  size = 0;
  expect(WSCGetProviderInfo(&g, ProviderInfoLspCategories, nullptr, &size, 0, &err), WSAEFAULT,
         "null Info");
  EXPECT_EQ(size, sizeof(DWORD));
  size = 3;
  expect(WSCGetProviderInfo32(&g, ProviderInfoLspCategories, Bytes(&value), &size, 0, &err),
         WSAEFAULT, "3 bytes");
  EXPECT_EQ(size, sizeof(DWORD));
  ASSERT_EQ(WSCGetProviderInfo(&g, ProviderInfoLspCategories, Bytes(&value), &size, 0, &err), 0);
  EXPECT_EQ(value, static_cast<DWORD>(LSP_CRYPTO_COMPRESS));
}

TEST_F(ProviderInfoTest, ADamagedOrNewerCatalogIsNoRecoveryAndNeverOverwritten) {
  InstallBase();
  int err = 0;
  std::string text = ReadFile(path_);
  for (const std::string &bad :
       {text.substr(0, text.size() / 2), std::string("format 99\nnext-id 1001\n")}) {
    WriteFile(path_, bad);
    EXPECT_EQ(Categories(kBase, &err), -1);
    EXPECT_EQ(err, WSANO_RECOVERY);
    EXPECT_EQ(SetCategories(kBase, LSP_PROXY, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSANO_RECOVERY);
    std::u16string app = U("C:\\app.exe");
    DWORD permitted = 0;
    EXPECT_EQ(WSCSetApplicationCategory(W(app), static_cast<DWORD>(app.size()), nullptr, 0,
                                        LSP_PROXY, nullptr, &err),
              SOCKET_ERROR);
    EXPECT_EQ(err, WSANO_RECOVERY);
    EXPECT_EQ(WSCGetApplicationCategory(W(app), static_cast<DWORD>(app.size()), nullptr, 0,
                                        &permitted, &err),
              SOCKET_ERROR);
    EXPECT_EQ(err, WSANO_RECOVERY);
    EXPECT_EQ(ReadFile(path_), bad);
  }
}

// "Not an administrator": a caller who cannot write the catalog gets WSANO_RECOVERY from the Set
// calls and changes nothing, and can still read. Tests run as root; the child becomes nobody.
TEST_F(ProviderInfoTest, ACallerWhoCannotWriteChangesNothing) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to become another user";
  InstallBase();
  int err = 0;
  ASSERT_EQ(SetCategories(kBase, LSP_PROXY, &err), 0);
  std::u16string app = U("C:\\app.exe");
  ASSERT_EQ(WSCSetApplicationCategory(W(app), static_cast<DWORD>(app.size()), nullptr, 0,
                                      LSP_PROXY, nullptr, &err),
            0);
  ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
  const std::string before = ReadFile(path_);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(10);
    int e = 0;
    if (SetCategories(kBase, LSP_FIREWALL, &e) != SOCKET_ERROR || e != WSANO_RECOVERY) _exit(11);
    if (SetCategories(kBase, 0, &e, true) != SOCKET_ERROR || e != WSANO_RECOVERY) _exit(12);
    DWORD previous = 77;
    if (WSCSetApplicationCategory(W(app), static_cast<DWORD>(app.size()), nullptr, 0, 0,
                                  &previous, &e) != SOCKET_ERROR ||
        e != WSANO_RECOVERY || previous != 77)
      _exit(13);
    if (Categories(kBase, &e) != LSP_PROXY) _exit(14);
    DWORD permitted = 0;
    if (WSCGetApplicationCategory(W(app), static_cast<DWORD>(app.size()), nullptr, 0, &permitted,
                                  &e) != 0 ||
        permitted != LSP_PROXY)
      _exit(15);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(ReadFile(path_), before);
}

TEST_F(ProviderInfoTest, ApplicationCategories) {
  int err = 0;
  std::u16string app = U("%SystemRoot%\\system32\\svchost.exe"), extra = U("-k netsvcs");
  const DWORD app_len = static_cast<DWORD>(app.size());
  const DWORD extra_len = static_cast<DWORD>(extra.size());
  DWORD permitted = 99, previous = 99;
  // Never categorized.
  EXPECT_EQ(WSCGetApplicationCategory(W(app), app_len, W(extra), extra_len, &permitted, &err),
            SOCKET_ERROR);
  EXPECT_EQ(err, WSASERVICE_NOT_FOUND);
  // Set: the previous set of an uncategorized application is 0.
  ASSERT_EQ(WSCSetApplicationCategory(W(app), app_len, W(extra), extra_len,
                                      LSP_SYSTEM | LSP_INSPECTOR, &previous, &err),
            0)
      << err;
  EXPECT_EQ(previous, 0u);
  ASSERT_EQ(WSCGetApplicationCategory(W(app), app_len, W(extra), extra_len, &permitted, &err), 0);
  EXPECT_EQ(permitted, static_cast<DWORD>(LSP_SYSTEM | LSP_INSPECTOR));
  // The path without ASCII case; the extra string distinguishes instances; NULL extra = none.
  std::u16string upper = U("%SYSTEMROOT%\\SYSTEM32\\SVCHOST.EXE");
  ASSERT_EQ(WSCGetApplicationCategory(W(upper), app_len, W(extra), extra_len, &permitted, &err),
            0);
  EXPECT_EQ(WSCGetApplicationCategory(W(app), app_len, nullptr, 0, &permitted, &err),
            SOCKET_ERROR);
  EXPECT_EQ(err, WSASERVICE_NOT_FOUND);
  ASSERT_EQ(WSCSetApplicationCategory(W(app), app_len, nullptr, 0, 0, nullptr, &err), 0);
  std::u16string empty;
  ASSERT_EQ(WSCGetApplicationCategory(W(app), app_len, W(empty), 0, &permitted, &err), 0);
  EXPECT_EQ(permitted, 0u);  // categorized as permitting nothing, not "not found"
  // The lengths count characters, not up to a terminator.
  std::u16string longer = app + U("-ignored");
  ASSERT_EQ(WSCSetApplicationCategory(W(longer), app_len, W(extra), extra_len, LSP_PROXY,
                                      &previous, &err),
            0);
  EXPECT_EQ(previous, static_cast<DWORD>(LSP_SYSTEM | LSP_INSPECTOR));
  // It is in the file.
  {
    ws2emu::catalog::Store other(path_);
    absl::StatusOr<std::shared_ptr<const Catalog>> c = other.Read();
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_EQ((*c)->applications.size(), 2u);
    const ws2emu::catalog::ApplicationCategory *a = (*c)->FindApplication(app, extra);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->permitted, static_cast<DWORD>(LSP_PROXY));
  }
  // Errors change nothing.
  const std::string before = ReadFile(path_);
  auto expect = [&](int result, int code, const char *what) {
    EXPECT_EQ(result, SOCKET_ERROR) << what;
    EXPECT_EQ(err, code) << what;
    EXPECT_EQ(ReadFile(path_), before) << what;
    err = 0;
  };
  EXPECT_EQ(WSCSetApplicationCategory(W(app), app_len, nullptr, 0, 0, nullptr, nullptr),
            SOCKET_ERROR);
  expect(WSCSetApplicationCategory(nullptr, 3, nullptr, 0, 0, nullptr, &err), WSAEINVAL,
         "null path");
  expect(WSCSetApplicationCategory(W(app), 0, nullptr, 0, 0, nullptr, &err), WSAEINVAL,
         "empty path");
  expect(WSCSetApplicationCategory(W(app), app_len, nullptr, 4, 0, nullptr, &err), WSAEINVAL,
         "null extra with a length");
  expect(WSCSetApplicationCategory(W(app), app_len, nullptr, 0, 0x100, nullptr, &err), WSAEINVAL,
         "bits that are no LSP_* flag");
  std::u16string nul = U("C:\\a.exe");
  nul[2] = 0;
  expect(WSCSetApplicationCategory(W(nul), static_cast<DWORD>(nul.size()), nullptr, 0, 0,
                                   nullptr, &err),
         WSAEINVAL, "NUL inside the path");
  std::u16string huge(ws2emu::catalog::kMaxApplicationString + 1, u'a');
  expect(WSCSetApplicationCategory(W(huge), static_cast<DWORD>(huge.size()), nullptr, 0, 0,
                                   nullptr, &err),
         WSAEINVAL, "path too long");
  expect(WSCGetApplicationCategory(W(app), app_len, nullptr, 0, nullptr, &err), WSAEFAULT,
         "null pPermittedLspCategories");
  expect(WSCGetApplicationCategory(nullptr, 0, nullptr, 0, &permitted, &err), WSAEINVAL,
         "null path (get)");
  EXPECT_EQ(WSCGetApplicationCategory(W(app), app_len, nullptr, 0, &permitted, nullptr),
            SOCKET_ERROR);
}

}  // namespace
