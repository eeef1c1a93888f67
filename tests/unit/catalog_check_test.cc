// What `ws2emu-catalog check` and `repair` rely on (lib/catalog/check.h): every kind of problem
// found and named, one per entry, and repair removing exactly the entries that can never work
// (and the chains over them), in one write, keeping the rest and its order, idempotently.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/check.h"
#include "catalog/operations.h"
#include "catalog/store.h"
#include "common/empty_catalog.h"
#include "common/temp_dir.h"

namespace {

using ws2emu::catalog::Catalog;
using ws2emu::catalog::Check;
using ws2emu::catalog::Entry;
using ws2emu::catalog::FileCheck;
using ws2emu::catalog::Problem;
using Kind = ws2emu::catalog::Problem::Kind;

GUID Guid(uint32_t n) { return GUID{n, 0x1111, 0x4222, {0x83, 3, 4, 5, 6, 7, 8, 9}}; }

Entry Make(uint32_t id, uint32_t guid, int chain_len, std::vector<DWORD> chain,
           const char16_t *name, const char16_t *path = u"C:\\p.dll") {
  Entry e;
  std::memset(&e.info, 0, sizeof(e.info));
  e.info.dwCatalogEntryId = id;
  e.info.ProviderId = Guid(guid);
  e.info.ProtocolChain.ChainLen = chain_len;
  if (chain_len == BASE_PROTOCOL) e.info.ProtocolChain.ChainEntries[0] = id;
  for (size_t i = 0; i < chain.size() && i < MAX_PROTOCOL_CHAIN; ++i)
    e.info.ProtocolChain.ChainEntries[i] = chain[i];
  std::u16string n(name);
  std::memcpy(e.info.szProtocol, n.data(), n.size() * sizeof(char16_t));
  e.path = path;
  return e;
}

// A base provider (two entries, one GUID), an LSP (its layer and two chains with GUIDs of
// their own), as WSCInstallProviderAndChains leaves them.
Catalog Healthy() {
  Catalog c;
  c.entries = {Make(1004, 3, 2, {1003, 1001}, u"LSP over TCP", u"C:\\lsp.dll"),
               Make(1005, 4, 2, {1003, 1002}, u"LSP over UDP", u"C:\\lsp.dll"),
               Make(1001, 1, BASE_PROTOCOL, {}, u"Base TCP"),
               Make(1002, 1, BASE_PROTOCOL, {}, u"Base UDP"),
               Make(1003, 2, LAYERED_PROTOCOL, {}, u"LSP", u"C:\\lsp.dll")};
  c.next_id = 1006;
  return c;
}

std::string Describe(const std::vector<Problem> &problems) {
  std::string out;
  for (const Problem &p : problems) {
    out += std::to_string(p.catalog_id) + " " + ws2emu::catalog::KindName(p.kind) + ": " +
           p.what + "\n";
  }
  return out;
}

std::string ReadWhole(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CatalogCheck, AHealthyCatalogHasNoProblem) {
  EXPECT_EQ(Describe(Check(Healthy(), FileCheck())), "");
  // MSAFD's four entries share one GUID and one path: one provider.
  Catalog c;
  for (uint32_t i = 0; i < 4; ++i)
    c.entries.push_back(Make(1001 + i, 9, BASE_PROTOCOL, {}, u"MSAFD",
                             i % 2 ? u"%SystemRoot%\\system32\\MSWSOCK.dll"
                                   : u"%SystemRoot%\\system32\\mswsock.dll"));
  EXPECT_EQ(Describe(Check(c, FileCheck())), "");
}

TEST(CatalogCheck, BrokenChainNamesTheMissingEntry) {
  Catalog c = Healthy();
  c.entries.pop_back();  // the hidden entry removed first, as the sample installer does
  std::vector<Problem> p = Check(c, FileCheck());
  ASSERT_EQ(p.size(), 2u) << Describe(p);
  EXPECT_EQ(p[0].catalog_id, 1004u);
  EXPECT_EQ(p[0].kind, Kind::kBrokenChain);
  EXPECT_EQ(p[0].protocol, u"LSP over TCP");
  EXPECT_EQ(p[0].what, "the chain (1003 : 1001) names entry 1003, which is not installed");
  EXPECT_EQ(p[1].catalog_id, 1005u);
  EXPECT_EQ(p[1].kind, Kind::kBrokenChain);
  // A base below removed: the chain names that one.
  c = Healthy();
  c.entries.erase(c.entries.begin() + 3);  // 1002
  p = Check(c, FileCheck());
  ASSERT_EQ(p.size(), 1u) << Describe(p);
  EXPECT_EQ(p[0].catalog_id, 1005u);
  EXPECT_NE(p[0].what.find("names entry 1002, which is not installed"), std::string::npos);
}

TEST(CatalogCheck, InvalidChains) {
  Catalog c = Healthy();
  c.entries.push_back(Make(1006, 5, 2, {1001, 1002}, u"Base first"));
  c.entries.push_back(Make(1007, 6, 2, {1003, 1003}, u"Layer last"));
  c.entries.push_back(Make(1008, 7, 3, {1003, 1002, 1001}, u"Base in the middle"));
  c.entries.push_back(Make(1009, 8, 9, {}, u"Too long"));
  c.entries.push_back(Make(1010, 10, -1, {}, u"Negative"));
  std::vector<Problem> p = Check(c, FileCheck());
  ASSERT_EQ(p.size(), 5u) << Describe(p);
  for (const Problem &q : p) EXPECT_EQ(q.kind, Kind::kInvalidChain) << Describe(p);
  EXPECT_NE(p[0].what.find("has entry 1001 \"Base TCP\" first, which is not a layered entry"),
            std::string::npos) << p[0].what;
  EXPECT_NE(p[1].what.find("ends with entry 1003 \"LSP\", which is not a base entry"),
            std::string::npos) << p[1].what;
  EXPECT_NE(p[2].what.find("has entry 1002 \"Base UDP\" in the middle"), std::string::npos)
      << p[2].what;
  EXPECT_EQ(p[3].what, "ChainLen 9 is not 0..7");
  EXPECT_EQ(p[4].what, "ChainLen -1 is not 0..7");
}

TEST(CatalogCheck, DuplicateGuids) {
  Catalog c = Healthy();
  // A second layered entry with the LSP's GUID, a chain with it too, a base provider with the
  // base's GUID but another file.
  c.entries.push_back(Make(1006, 2, LAYERED_PROTOCOL, {}, u"Second layer", u"C:\\lsp.dll"));
  c.entries.push_back(Make(1007, 2, 2, {1003, 1001}, u"Chain with the layer's GUID",
                           u"C:\\lsp.dll"));
  c.entries.push_back(Make(1008, 1, BASE_PROTOCOL, {}, u"Other base", u"C:\\other.dll"));
  // Chains of one installer call sharing a GUID among themselves are one provider: fine.
  c.entries.push_back(Make(1009, 11, 2, {1003, 1001}, u"Shared chain A", u"C:\\lsp.dll"));
  c.entries.push_back(Make(1010, 11, 2, {1003, 1002}, u"Shared chain B", u"C:\\lsp.dll"));
  std::vector<Problem> p = Check(c, FileCheck());
  ASSERT_EQ(p.size(), 3u) << Describe(p);
  EXPECT_EQ(p[0].catalog_id, 1006u);
  EXPECT_EQ(p[0].kind, Kind::kDuplicateGuid);
  EXPECT_NE(p[0].what.find("is also that of entry 1003 \"LSP\", another provider: both are "
                           "layered entries"),
            std::string::npos) << p[0].what;
  EXPECT_EQ(p[1].catalog_id, 1007u);
  EXPECT_NE(p[1].what.find("one is a layered entry and the other is not"), std::string::npos);
  EXPECT_EQ(p[2].catalog_id, 1008u);
  EXPECT_NE(p[2].what.find("their paths differ (C:\\other.dll and C:\\p.dll)"), std::string::npos)
      << p[2].what;
}

TEST(CatalogCheck, DuplicateIdsAndMissingFiles) {
  Catalog c = Healthy();
  c.entries.push_back(Make(1001, 12, BASE_PROTOCOL, {}, u"Same ID", u"C:\\gone.dll"));
  std::vector<std::u16string> asked;
  FileCheck files = [&](const Entry &e) -> std::string {
    asked.push_back(e.path);
    return e.path == u"C:\\gone.dll" ? "C:\\gone.dll: no such file" : "";
  };
  std::vector<Problem> p = Check(c, files);
  ASSERT_EQ(p.size(), 2u) << Describe(p);
  EXPECT_EQ(p[0].kind, Kind::kDuplicateId);
  EXPECT_EQ(p[0].what, "catalog ID 1001 is also that of \"Base TCP\"");
  EXPECT_EQ(p[1].kind, Kind::kMissingFile);
  EXPECT_EQ(p[1].protocol, u"Same ID");
  EXPECT_EQ(p[1].what, "C:\\gone.dll: no such file");
  EXPECT_EQ(asked.size(), c.entries.size());  // every entry's file is asked about
}

class CatalogRepair : public ::testing::Test {
 protected:
  void Write(const Catalog &c) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << ws2emu::catalog::Serialize(c);
  }
  ws2emu::testing::TempDir temp_{"catalog-repair"};
  const std::string path_ = temp_.path() + "/catalog";
};

TEST_F(CatalogRepair, RemovesBrokenChainsAndWhatBreaksWithThem) {
  Catalog c = Healthy();
  // A second LSP over the first one's TCP chain... (its layer 1006, chain 1007: 1006 1003 1001)
  c.entries.insert(c.entries.begin(),
                   Make(1007, 13, 3, {1006, 1003, 1001}, u"Top over LSP", u"C:\\top.dll"));
  c.entries.push_back(Make(1006, 14, LAYERED_PROTOCOL, {}, u"Top", u"C:\\top.dll"));
  // ... and the first LSP's hidden entry removed: both its chains and the top chain are broken.
  c.entries.erase(c.entries.begin() + 5);  // 1003
  c.next_id = 1008;
  Write(c);
  ws2emu::catalog::Store store(path_);
  absl::StatusOr<std::vector<Problem>> removed = ws2emu::catalog::Repair(store, FileCheck(), false);
  ASSERT_TRUE(removed.ok()) << removed.status();
  ASSERT_EQ(removed->size(), 3u) << Describe(*removed);
  EXPECT_EQ((*removed)[0].catalog_id, 1007u);
  EXPECT_EQ((*removed)[1].catalog_id, 1004u);
  EXPECT_EQ((*removed)[2].catalog_id, 1005u);
  for (const Problem &p : *removed) EXPECT_EQ(p.kind, Kind::kBrokenChain);
  absl::StatusOr<std::shared_ptr<const Catalog>> now = store.Read();
  ASSERT_TRUE(now.ok());
  std::vector<uint32_t> ids;
  for (const Entry &e : (*now)->entries) ids.push_back(e.info.dwCatalogEntryId);
  EXPECT_EQ(ids, (std::vector<uint32_t>{1001, 1002, 1006}));  // the rest, in its order
  EXPECT_EQ((*now)->next_id, 1008u);
  EXPECT_TRUE(Check(**now, FileCheck()).empty());
  // Idempotent: nothing more to remove, and the file is not rewritten.
  const std::string text = ReadWhole(path_);
  removed = ws2emu::catalog::Repair(store, FileCheck(), false);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_TRUE(removed->empty());
  EXPECT_EQ(ReadWhole(path_), text);
}

TEST_F(CatalogRepair, MissingFilesOnlyWhenAsked) {
  Catalog c = Healthy();
  Write(c);
  const std::string text = ReadWhole(path_);
  FileCheck lsp_gone = [](const Entry &e) -> std::string {
    return e.path == u"C:\\lsp.dll" ? "C:\\lsp.dll: no such file" : "";
  };
  ws2emu::catalog::Store store(path_);
  absl::StatusOr<std::vector<Problem>> removed = ws2emu::catalog::Repair(store, lsp_gone, false);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_TRUE(removed->empty());
  EXPECT_EQ(ReadWhole(path_), text);  // a missing file is left alone
  removed = ws2emu::catalog::Repair(store, lsp_gone, true);
  ASSERT_TRUE(removed.ok()) << removed.status();
  ASSERT_EQ(removed->size(), 3u) << Describe(*removed);
  for (const Problem &p : *removed) EXPECT_EQ(p.kind, Kind::kMissingFile);
  absl::StatusOr<std::shared_ptr<const Catalog>> now = store.Read();
  ASSERT_TRUE(now.ok());
  ASSERT_EQ((*now)->entries.size(), 2u);
  EXPECT_EQ((*now)->entries[0].info.dwCatalogEntryId, 1001u);
  EXPECT_EQ((*now)->entries[1].info.dwCatalogEntryId, 1002u);
}

TEST_F(CatalogRepair, ADamagedCatalogIsLeftAsItIs) {
  {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << "format 1\nnext-id 1010\n\nentry 12\n";
  }
  const std::string text = ReadWhole(path_);
  ws2emu::catalog::Store store(path_);
  absl::StatusOr<std::vector<Problem>> removed = ws2emu::catalog::Repair(store, FileCheck(), false);
  ASSERT_FALSE(removed.ok());
  EXPECT_NE(removed.status().message().find(path_ + ":4:"), std::string::npos)
      << removed.status();
  EXPECT_EQ(ReadWhole(path_), text);
}

// Through the operations: DeinstallProviderAndChains (ws2emu-catalog remove) takes an LSP's
// layered entry and the chains that start at it, whatever their GUIDs, in one change.
TEST_F(CatalogRepair, RemoveAnLspWithItsChains) {
  ws2emu::testing::WriteEmptyCatalog(path_);
  ws2emu::catalog::Store store(path_);
  WSAPROTOCOL_INFOW base[2];
  std::memset(base, 0, sizeof(base));
  for (int i = 0; i < 2; ++i) {
    base[i].ProtocolChain.ChainLen = BASE_PROTOCOL;
    base[i].iAddressFamily = AF_INET;
    base[i].iSocketType = i == 0 ? SOCK_STREAM : SOCK_DGRAM;
    base[i].iProtocol = i == 0 ? IPPROTO_TCP : IPPROTO_UDP;
  }
  ASSERT_TRUE(ws2emu::catalog::InstallProvider(store, Guid(1), u"C:\\b.dll", base, 2).ok());
  absl::StatusOr<uint32_t> layer = ws2emu::catalog::InstallProviderAndChains(
      store, Guid(2), u"C:\\lsp.dll", u"LSP", 0, nullptr, 0);
  ASSERT_TRUE(layer.ok()) << layer.status();
  absl::StatusOr<std::vector<Entry>> removed =
      ws2emu::catalog::DeinstallProviderAndChains(store, Guid(2));
  ASSERT_TRUE(removed.ok()) << removed.status();
  ASSERT_EQ(removed->size(), 3u);
  EXPECT_EQ((*removed)[0].info.ProtocolChain.ChainEntries[0], *layer);
  EXPECT_EQ((*removed)[1].info.ProtocolChain.ChainEntries[0], *layer);
  EXPECT_EQ((*removed)[2].info.dwCatalogEntryId, *layer);
  absl::StatusOr<std::shared_ptr<const Catalog>> now = store.Read();
  ASSERT_TRUE(now.ok());
  ASSERT_EQ((*now)->entries.size(), 2u);
  EXPECT_TRUE(Check(**now, FileCheck()).empty());
  EXPECT_FALSE(ws2emu::catalog::DeinstallProviderAndChains(store, Guid(2)).ok());
}

}  // namespace
