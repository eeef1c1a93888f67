// The catalog's contents (issue 9): a catalog holding a value the WSC* calls refuse is damaged
// (refused with file and line, never rewritten); `reset` of a damaged catalog never reuses an
// ID; the store's indexed snapshot answers lookups the same as a scan.
#include <unistd.h>

#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <string>

#include "catalog/catalog.h"
#include "catalog_fixtures.h"
#include "catalog/operations.h"
#include "catalog/store.h"
#include "common/empty_catalog.h"
#include "common/temp_dir.h"
#include "hostile_util.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::catalog {
namespace {

using ::ws2emu::testing::Outcome;
using ::ws2emu::testing::ReadWhole;
using ::ws2emu::testing::RunCommand;
using ::ws2emu::testing::TempDir;
using ::ws2emu::testing::WriteWhole;

// A good one-entry catalog as this build writes it.
std::string GoodText() {
  Catalog c;
  Entry e{Tcp(), u"C:\\x.dll"};
  e.info.dwCatalogEntryId = 1001;
  e.info.ProviderId = Provider(1);
  c.entries.push_back(e);
  c.next_id = 1002;
  return Serialize(c);
}

// Each value a WSC* call refuses, written into an otherwise good file by hand.
TEST(Contents, AValueTheWscCallsRefuseMakesTheCatalogDamaged) {
  const std::string good = GoodText();
  ASSERT_TRUE(Parse(good, "cat").ok());
  struct Case {
    std::string from, to, expect;
  } cases[] = {
      {"chain 1 ", "chain 100 ", "ChainLen 100 is not 0..7"},
      {"chain 1 ", "chain 8 ", "ChainLen 8 is not 0..7"},
      {"chain 1 ", "chain -5 ", "ChainLen -5 is not 0..7"},
      {"chain 1 ", absl::StrCat("chain ", INT_MIN, " "), "is not 0..7"},
      {"path \"C:\\\\x.dll\"", "path \"\"", "empty provider path"},
      {"path \"C:\\\\x.dll\"", "path \"" + std::string(260, 'a') + "\"",
       "260 characters long; MAX_PATH is 260"},
      {"path \"C:\\\\x.dll\"", "path \"C:\\\\x\\u0000.dll\"", "path holds a NUL"},
      {"name \"TCP\"", "name \"T\\u0000CP\"", "name holds a NUL"},
  };
  for (const Case &k : cases) {
    std::string text = good;
    size_t at = text.find(k.from);
    ASSERT_NE(at, std::string::npos) << k.from;
    text.replace(at, k.from.size(), k.to);
    absl::StatusOr<Catalog> r = Parse(text, "cat");
    ASSERT_FALSE(r.ok()) << k.to;
    EXPECT_NE(r.status().message().find(k.expect), std::string::npos) << r.status();
    // file:line of the bad line.
    int line = 1;
    for (size_t i = 0; i < at; ++i) line += text[i] == '\n';
    EXPECT_NE(r.status().message().find(absl::StrCat("cat:", line, ":")), std::string::npos)
        << r.status();

    // Through the store and the Windows calls: refused, and never rewritten.
    TempDir dir("hostile-contents");
    const std::string path = dir.path() + "/catalog";
    WriteWhole(path, text);
    Store store(path);
    absl::Status s = Install(store, 2);
    EXPECT_EQ(WsaErrorOf(s), WSANO_RECOVERY) << s;
    EXPECT_NE(s.message().find(absl::StrCat(path, ":", line, ":")), std::string::npos) << s;
    EXPECT_FALSE(DeinstallProvider(store, Provider(1)).ok());
    setenv("WS2EMU_CATALOG", path.c_str(), 1);
    DWORD size = 0;
    int err = 0;
    EXPECT_EQ(WSCEnumProtocols(nullptr, nullptr, &size, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSANO_RECOVERY);
    unsetenv("WS2EMU_CATALOG");
    EXPECT_EQ(ReadWhole(path), text);
  }
  // The limits themselves are accepted: 259 characters, ChainLen 0 and 7.
  for (const std::string &to :
       {"path \"" + std::string(259, 'a') + "\"", std::string("chain 0 "), std::string("chain 7 ")}) {
    std::string text = good;
    const std::string from = to.rfind("path", 0) == 0 ? "path \"C:\\\\x.dll\"" : "chain 1 ";
    text.replace(text.find(from), from.size(), to);
    EXPECT_TRUE(Parse(text, "cat").ok()) << to;
  }
}

// The four default entries a reset restores start at `first`: MSAFD's GUID, consecutive IDs,
// each a base entry whose ChainEntries[0] is its own ID; next-id is past them.
void ExpectDefaultsFrom(const Catalog &c, uint32_t first) {
  static constexpr GUID kMsafd = {
      0xE70F1AA0, 0xAB8B, 0x11CF, {0x8C, 0xA3, 0x00, 0x80, 0x5F, 0x48, 0xA1, 0x92}};
  ASSERT_EQ(c.entries.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) {
    const WSAPROTOCOL_INFOW &p = c.entries[i].info;
    EXPECT_EQ(p.dwCatalogEntryId, first + i);
    EXPECT_EQ(p.ProtocolChain.ChainLen, BASE_PROTOCOL);
    EXPECT_EQ(p.ProtocolChain.ChainEntries[0], first + i);
    EXPECT_TRUE(SameGuid(p.ProviderId, kMsafd));
  }
  EXPECT_EQ(c.next_id, first + 4);
}

// A damaged catalog whose next-id line is readable: reset restores the defaults from it on.
TEST(Reset, ADamagedCatalogKeepsItsReadableNextId) {
  TempDir dir("hostile-contents");
  const std::string path = dir.path() + "/catalog";
  std::string text = GoodText();
  text.replace(text.find("next-id 1002"), 12, "next-id 5000");
  text.resize(text.size() - 10);  // truncated inside the entry
  WriteWhole(path, text);
  Store store(path);
  ASSERT_FALSE(store.Read().ok());
  ASSERT_TRUE(store.Reset().ok());
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  ASSERT_TRUE(c.ok()) << c.status();
  ExpectDefaultsFrom(**c, 5000);
  ASSERT_TRUE(Install(store, 7).ok());
  EXPECT_EQ(store.Read().value()->entries[4].info.dwCatalogEntryId, 5004u);
}

// A damaged next-id: one past the highest catalog ID that can be read.
TEST(Reset, ADamagedNextIdRestartsPastTheHighestReadableId) {
  TempDir dir("hostile-contents");
  const std::string path = dir.path() + "/catalog";
  std::string text = GoodText();
  text.replace(text.find("next-id 1002"), 12, "next-id banana");
  text.replace(text.find("entry 1001"), 10, "entry 3000");
  WriteWhole(path, text);
  const char *tool = std::getenv("WS2EMU_CATALOG_TOOL");
  ASSERT_NE(tool, nullptr) << "meson passes the tool's path";
  Outcome o = RunCommand({tool, "--catalog", path, "reset"}, 20);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  absl::StatusOr<Catalog> c = Parse(ReadWhole(path), path);
  ASSERT_TRUE(c.ok()) << c.status();
  ExpectDefaultsFrom(*c, 3001);
}

TEST(Reset, SalvageTakesTheLargerOfNextIdAndTheEntries) {
  EXPECT_EQ(SalvageNextId(""), kFirstCatalogId);
  EXPECT_EQ(SalvageNextId("format 1\nnext-id 2000\nentry 2500\n  path \"x"), 2501u);
  EXPECT_EQ(SalvageNextId("format 1\nnext-id 9000\nentry 2500\n"), 9000u);
  EXPECT_EQ(SalvageNextId("next-id 12\nentry x\n"), kFirstCatalogId);
  EXPECT_EQ(SalvageNextId("entry 4294967295\n"), 4294967295u);  // saturates, never wraps
}

// The snapshot Read() shares is indexed: every lookup answers as a scan would, across changes
// that reorder, remove and add entries. From an empty catalog: the 500 entries are 1001..1500.
TEST(Index, TheIndexedSnapshotAgreesWithAScan) {
  TempDir dir("hostile-contents");
  const std::string path = dir.path() + "/catalog";
  ::ws2emu::testing::WriteEmptyCatalog(path);
  Store store(path);
  ASSERT_TRUE(store
                  .Modify([](Catalog &c) {
                    for (uint32_t i = 0; i < 500; ++i) {
                      Entry e{Tcp(), u"x.dll"};
                      e.info.ProviderId = Provider(i / 2);
                      e.info.dwCatalogEntryId = c.next_id++;
                      c.entries.push_back(e);
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  auto check = [&](const char *when) {
    absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
    ASSERT_TRUE(c.ok()) << c.status();
    Catalog scan = **c;  // a copy has no index: Find scans
    for (uint32_t id = 990; id < 1600; ++id) {
      EXPECT_EQ((*c)->Find(id) == nullptr ? 0u : (*c)->Find(id)->info.dwCatalogEntryId,
                scan.Find(id) == nullptr ? 0u : scan.Find(id)->info.dwCatalogEntryId)
          << when << " " << id;
    }
    for (uint32_t p = 0; p < 300; ++p) {
      EXPECT_EQ((*c)->HasProvider(Provider(p)), scan.HasProvider(Provider(p))) << when << " " << p;
    }
  };
  check("installed");
  std::vector<DWORD> order;
  for (uint32_t id = 1500; id >= 1001; --id) order.push_back(id);
  ASSERT_TRUE(WriteProviderOrder(store, order.data(), static_cast<uint32_t>(order.size())).ok());
  check("reversed");
  ASSERT_EQ(store.Read().value()->entries[0].info.dwCatalogEntryId, 1500u);
  ASSERT_TRUE(DeinstallProvider(store, Provider(100)).ok());
  ASSERT_TRUE(Install(store, 1000).ok());
  check("removed and added");
  EXPECT_EQ(store.Read().value()->Find(1201), nullptr);
  ASSERT_NE(store.Read().value()->Find(1501), nullptr);
}

}  // namespace
}  // namespace ws2emu::catalog
