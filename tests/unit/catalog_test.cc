// The protocol catalog: the file format (every field round-trips; damaged files are named by
// line), the store (a damaged file is never overwritten, a caller who cannot write changes
// nothing), and every WSC* call with each documented error (SPEC.md §7). The WSC* semantics are
// tested from an empty catalog file (tests/common/empty_catalog.h), so that the IDs and the
// order are the test's own; what a missing catalog holds (MSAFD's entries) and `reset` are
// tests/unit/catalog_defaults_test.cc.
#include <fcntl.h>
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
#include "catalog/store.h"
#include "common/catalog_fixture.h"
#include "common/empty_catalog.h"
#include "common/enum_protocols.h"
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
using ws2emu::catalog::Entry;

constexpr GUID kOther = {0x99999999, 0x2222, 0x3333, {1, 2, 3, 4, 5, 6, 7, 9}};




// Each test starts from an empty catalog file: no entries, next-id 1001.
class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("WS2EMU_CATALOG", path_.c_str(), 1);
    ws2emu::testing::WriteEmptyCatalog(path_);
  }
  void TearDown() override { unsetenv("WS2EMU_CATALOG"); }

  std::vector<WSAPROTOCOL_INFOW> Enum(bool application_view = false, LPINT filter = nullptr) {
    return ws2emu::testing::EnumProtocols(application_view, filter);
  }

  void InstallBase() { ws2emu::testing::InstallBase(kBase); }

  DWORD InstallLsp() { return ws2emu::testing::InstallLsp(kLsp); }

  ws2emu::testing::TempDir temp_{"catalog"};
  const std::string dir_ = temp_.path(), path_ = dir_ + "/catalog";
};

TEST(CatalogFormat, EveryFieldRoundTrips) {
  Catalog c;
  c.next_id = 1234;
  for (int i = 0; i < 3; ++i) {
    Entry e;
    std::memset(&e.info, 0, sizeof(e.info));
    e.info.dwServiceFlags1 = 0x20066u + i;
    e.info.dwServiceFlags2 = 0xffffffffu;
    e.info.dwServiceFlags3 = 3;
    e.info.dwServiceFlags4 = 0x80000000u;
    e.info.dwProviderFlags = PFL_HIDDEN | 0x100;
    e.info.ProviderId = kLsp;
    e.info.ProviderId.Data1 += i;
    e.info.dwCatalogEntryId = 1001 + i;
    e.info.ProtocolChain.ChainLen = i == 2 ? 7 : i;
    for (int k = 0; k < 7; ++k) e.info.ProtocolChain.ChainEntries[k] = 4000000000u + k;
    e.info.iVersion = -2;
    e.info.iAddressFamily = 23;
    e.info.iMaxSockAddr = INT32_MAX;
    e.info.iMinSockAddr = INT32_MIN;
    e.info.iSocketType = 5;
    e.info.iProtocol = -1;
    e.info.iProtocolMaxOffset = 255;
    e.info.iNetworkByteOrder = 1;
    e.info.iSecurityScheme = 7;
    e.info.dwMessageSize = 0xffffffffu;
    e.info.dwProviderReserved = 0x12345678;
    // Quotes, backslashes, non-ASCII, a surrogate pair and an unpaired surrogate.
    std::u16string name = u"q\"b\\s é 😀 \xd800 end";
    std::memcpy(e.info.szProtocol, name.data(), name.size() * 2);
    e.path = u"%SystemRoot%\\system32\\\"odd\" path\\ü.dll";
    c.entries.push_back(e);
  }
  std::string text = ws2emu::catalog::Serialize(c);
  absl::StatusOr<Catalog> back = ws2emu::catalog::Parse(text, "mem");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->next_id, 1234u);
  ASSERT_EQ(back->entries.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(std::memcmp(&back->entries[i].info, &c.entries[i].info, sizeof(WSAPROTOCOL_INFOW)),
              0)
        << i;
    EXPECT_EQ(back->entries[i].path, c.entries[i].path);
  }
  EXPECT_EQ(ws2emu::catalog::Serialize(*back), text);
}

TEST(CatalogFormat, DamageIsNamedByLine) {
  Catalog c;
  Entry e{Base(2, 1, 6, "TCP"), u"x.dll"};
  e.info.dwCatalogEntryId = 1001;
  c.entries.push_back(e);
  c.next_id = 1002;
  const std::string good = ws2emu::catalog::Serialize(c);
  struct Case {
    std::string from, to, expect;
  } cases[] = {
      {"format 1", "format x", "format"},
      {"next-id 1002", "next-id 7", "next-id"},
      {"  protocol 6\n", "", "before all of its fields"},
      {"  protocol 6\n", "  protocol 6\n  protocol 6\n", "given twice"},
      {"  protocol 6", "  protocol six", "bad value for `protocol`"},
      {"  protocol 6", "  colour blue", "unknown field"},
      {"  name \"TCP\"", "  name \"TCP", "bad value for `name`"},
      {"  chain 1 0 0 0 0 0 0 0", "  chain 1 0 0", "bad value for `chain`"},
      {"entry 1001", "entry 1002", "not below next-id"},
      {"end\n", "", "ends inside an entry"},
  };
  for (const Case &k : cases) {
    std::string text = good;
    size_t at = text.find(k.from);
    ASSERT_NE(at, std::string::npos) << k.from;
    text.replace(at, k.from.size(), k.to);
    absl::StatusOr<Catalog> r = ws2emu::catalog::Parse(text, "cat.txt");
    ASSERT_FALSE(r.ok()) << k.from;
    EXPECT_NE(r.status().message().find("cat.txt:"), std::string::npos) << r.status();
    EXPECT_NE(r.status().message().find(k.expect), std::string::npos) << r.status();
  }
  // Every truncation of a good file is refused, or parses to a whole prefix of it: its entry
  // exactly as written, or none (never a half-read entry).
  for (size_t n = 0; n < good.size(); ++n) {
    absl::StatusOr<Catalog> r = ws2emu::catalog::Parse(good.substr(0, n), "t");
    if (!r.ok()) continue;
    ASSERT_LE(r->entries.size(), 1u) << n;
    if (r->entries.size() == 1) {
      EXPECT_EQ(std::memcmp(&r->entries[0].info, &c.entries[0].info, sizeof(WSAPROTOCOL_INFOW)), 0)
          << n;
      EXPECT_EQ(r->entries[0].path, c.entries[0].path) << n;
    }
  }
  std::string newer = good;
  newer.replace(newer.find("format 1"), 8,
                "format " + std::to_string(ws2emu::catalog::kFormatVersion + 1));
  absl::StatusOr<Catalog> r = ws2emu::catalog::Parse(newer, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("newer"), std::string::npos);
}

TEST_F(CatalogTest, AnEmptyCatalogEnumeratesNothing) {
  DWORD size = 1234;
  int err = 0;
  EXPECT_EQ(WSCEnumProtocols(nullptr, nullptr, &size, &err), 0);
  EXPECT_EQ(size, 1234u);  // nothing needed, nothing said
  EXPECT_TRUE(Enum().empty());
  EXPECT_EQ(ReadFile(path_), ws2emu::testing::kEmptyCatalogText);  // reading changes nothing
}

TEST_F(CatalogTest, InstallAssignsIdsFrom1001AndKeepsEveryField) {
  InstallBase();
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_EQ(v.size(), 2u);
  WSAPROTOCOL_INFOW want = Base(2, 1, 6, "Base TCP");
  want.ProviderId = kBase;
  want.dwCatalogEntryId = 1001;
  EXPECT_EQ(std::memcmp(&v[0], &want, sizeof(want)), 0);
  EXPECT_EQ(v[1].dwCatalogEntryId, 1002u);
  EXPECT_NE(ReadFile(path_).find("format 1"), std::string::npos);
  // The installer's own dwCatalogEntryId and ProviderId are not authoritative.
  WSAPROTOCOL_INFOW other = Base(23, 1, 6, "Other");
  other.dwCatalogEntryId = 5;
  other.ProviderId = kUnknown;
  GUID g = kOther;
  int err = 0;
  std::u16string path = U("other.dll");
  ASSERT_EQ(WSCInstallProvider64_32(&g, W(path), &other, 1, &err), 0);
  v = Enum();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[2].dwCatalogEntryId, 1003u);
  EXPECT_TRUE(ws2emu::catalog::SameGuid(v[2].ProviderId, kOther));
}

TEST_F(CatalogTest, InstallErrorsChangeNothing) {
  InstallBase();
  const std::string before = ReadFile(path_);
  WSAPROTOCOL_INFOW e = Base(2, 1, 6, "X");
  GUID g = kOther;
  std::u16string path = U("x.dll");
  int err = 0;
  auto expect = [&](int result, int code, const char *what) {
    EXPECT_EQ(result, SOCKET_ERROR) << what;
    EXPECT_EQ(err, code) << what;
    EXPECT_EQ(ReadFile(path_), before) << what;
    err = 0;
  };
  EXPECT_EQ(WSCInstallProvider(&g, W(path), &e, 1, nullptr), SOCKET_ERROR);
  expect(WSCInstallProvider(nullptr, W(path), &e, 1, &err), WSAEFAULT, "null GUID");
  expect(WSCInstallProvider(&g, nullptr, &e, 1, &err), WSAEFAULT, "null path");
  expect(WSCInstallProvider(&g, W(path), nullptr, 1, &err), WSAEFAULT, "null list");
  expect(WSCInstallProvider(&g, W(path), &e, 0, &err), WSAEINVAL, "no entries");
  std::u16string empty;
  expect(WSCInstallProvider(&g, W(empty), &e, 1, &err), WSAEINVAL, "empty path");
  std::u16string long_path(260, u'a');
  expect(WSCInstallProvider(&g, W(long_path), &e, 1, &err), WSAEINVAL, "path over MAX_PATH");
  GUID base = kBase;
  expect(WSCInstallProvider(&base, W(path), &e, 1, &err), WSANO_RECOVERY, "already installed");
  WSAPROTOCOL_INFOW bad = e;
  bad.ProtocolChain.ChainLen = 8;
  expect(WSCInstallProvider(&g, W(path), &bad, 1, &err), WSAEINVAL, "ChainLen 8");
  bad.ProtocolChain.ChainLen = -1;
  expect(WSCInstallProvider(&g, W(path), &bad, 1, &err), WSAEINVAL, "ChainLen -1");
  bad = e;
  for (WCHAR &c : bad.szProtocol) c = 'x';
  expect(WSCInstallProvider(&g, W(path), &bad, 1, &err), WSAEINVAL, "unterminated name");
  WSAPROTOCOL_INFOW chain = e;
  chain.ProtocolChain.ChainLen = 2;
  chain.ProtocolChain.ChainEntries[0] = 4242;  // not installed
  chain.ProtocolChain.ChainEntries[1] = 1001;
  expect(WSCInstallProvider(&g, W(path), &chain, 1, &err), WSAEINVAL, "chain to nothing");
  chain.ProtocolChain.ChainEntries[0] = 1002;  // a base entry where a layer must be
  expect(WSCInstallProvider(&g, W(path), &chain, 1, &err), WSAEINVAL, "chain over a base");
  // Two good entries and one bad: nothing of the call is installed.
  WSAPROTOCOL_INFOW three[3] = {e, e, bad};
  expect(WSCInstallProvider(&g, W(path), three, 3, &err), WSAEINVAL, "one bad of three");
}

TEST_F(CatalogTest, IdsAreNeverReused) {
  InstallBase();
  GUID g = kBase;
  int err = 0;
  ASSERT_EQ(WSCDeinstallProvider(&g, &err), 0);
  EXPECT_TRUE(Enum().empty());
  InstallBase();
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].dwCatalogEntryId, 1003u);
  EXPECT_EQ(v[1].dwCatalogEntryId, 1004u);
}

TEST_F(CatalogTest, DeinstallErrors) {
  InstallBase();
  GUID unknown = kUnknown;
  int err = 0;
  EXPECT_EQ(WSCDeinstallProvider(&unknown, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
  EXPECT_EQ(WSCDeinstallProvider32(nullptr, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
  GUID base = kBase;
  EXPECT_EQ(WSCDeinstallProvider(&base, nullptr), SOCKET_ERROR);
  EXPECT_EQ(Enum().size(), 2u);
}

TEST_F(CatalogTest, EnumBuffersFiltersAndViews) {
  InstallBase();
  // A layered entry (hidden from applications by ChainLen 0) and a hidden base entry.
  WSAPROTOCOL_INFOW layered = Base(2, 1, 6, "Layer");
  layered.ProtocolChain.ChainLen = LAYERED_PROTOCOL;
  WSAPROTOCOL_INFOW hidden = Base(2, 3, 0, "Raw");
  hidden.dwProviderFlags |= PFL_HIDDEN;
  hidden.iProtocolMaxOffset = 255;
  WSAPROTOCOL_INFOW both[2] = {layered, hidden};
  GUID g = kOther;
  int err = 0;
  std::u16string path = U("o.dll");
  ASSERT_EQ(WSCInstallProvider(&g, W(path), both, 2, &err), 0);
  EXPECT_EQ(Enum().size(), 4u);
  std::vector<WSAPROTOCOL_INFOW> apps = Enum(true);
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ(apps[0].dwCatalogEntryId, 1001u);
  EXPECT_EQ(apps[1].dwCatalogEntryId, 1002u);
  // A too-small buffer: WSAENOBUFS and the size needed, and nothing written.
  WSAPROTOCOL_INFOW one;
  std::memset(&one, 0x5a, sizeof(one));
  DWORD size = sizeof(one);
  EXPECT_EQ(WSCEnumProtocols(nullptr, &one, &size, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOBUFS);
  EXPECT_EQ(size, 4 * sizeof(WSAPROTOCOL_INFOW));
  EXPECT_EQ(size, 4u * 628u);
  EXPECT_EQ(one.dwServiceFlags1, 0x5a5a5a5au);
  EXPECT_EQ(WSCEnumProtocols(nullptr, &one, nullptr, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(WSCEnumProtocols(nullptr, &one, &size, nullptr), SOCKET_ERROR);
  // The application view needs start-up, as on Windows.
  EXPECT_EQ(WSAEnumProtocolsW(nullptr, &one, &size), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  WSADATA data;
  ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
  EXPECT_EQ(WSAEnumProtocolsW(nullptr, &one, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  // Filters: UDP only; protocol 17 also falls in the raw entry's range 0..255.
  int udp[] = {17, 0};
  std::vector<WSAPROTOCOL_INFOW> v = Enum(false, udp);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].iProtocol, 17);
  EXPECT_EQ(v[1].dwCatalogEntryId, 1004u);
  EXPECT_EQ(Enum(true, udp).size(), 1u);
  // The A form: the same entries, 372 bytes each, names in 8 bits.
  DWORD asize = 0;
  EXPECT_EQ(WSAEnumProtocolsA(nullptr, nullptr, &asize), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENOBUFS);
  EXPECT_EQ(asize, 2u * 372u);
  WSAPROTOCOL_INFOA a[2];
  EXPECT_EQ(WSAEnumProtocolsA(nullptr, a, &asize), 2);
  EXPECT_STREQ(a[0].szProtocol, "Base TCP");
  EXPECT_EQ(a[1].dwCatalogEntryId, 1002u);
  EXPECT_EQ(a[1].iProtocol, 17);
  EXPECT_EQ(WSACleanup(), 0);
}

TEST_F(CatalogTest, ProviderPathAndItsErrors) {
  InstallBase();
  GUID g = kBase;
  int err = 0;
  const std::u16string want = U("%SystemRoot%\\system32\\base.dll");
  WCHAR buffer[64];
  int len = 64;
  ASSERT_EQ(WSCGetProviderPath(&g, buffer, &len, &err), 0);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(buffer)), want);  // not expanded
  len = 64;
  std::memset(buffer, 0, sizeof(buffer));
  ASSERT_EQ(WPUGetProviderPath(&g, buffer, &len, &err), 0);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(buffer)), want);
  // Too small by one: WSAEFAULT, and the length needed with its terminator.
  len = static_cast<int>(want.size());
  EXPECT_EQ(WSCGetProviderPath32(&g, buffer, &len, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(len, static_cast<int>(want.size() + 1));
  len = 0;
  EXPECT_EQ(WPUGetProviderPath(&g, nullptr, &len, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(len, static_cast<int>(want.size() + 1));
  EXPECT_EQ(WSCGetProviderPath(&g, buffer, nullptr, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  GUID unknown = kUnknown;
  len = 64;
  EXPECT_EQ(WPUGetProviderPath(&unknown, buffer, &len, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
  EXPECT_EQ(WSCGetProviderPath(nullptr, buffer, &len, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
  EXPECT_EQ(WSCGetProviderPath(&g, buffer, &len, nullptr), SOCKET_ERROR);
}

TEST_F(CatalogTest, WriteProviderOrder) {
  InstallBase();
  GUID g = kOther;
  int err = 0;
  WSAPROTOCOL_INFOW e = Base(23, 1, 6, "Six");
  std::u16string path = U("six.dll");
  ASSERT_EQ(WSCInstallProvider(&g, W(path), &e, 1, &err), 0);
  DWORD order[] = {1003, 1001, 1002};
  ASSERT_EQ(WSCWriteProviderOrder(order, 3), ERROR_SUCCESS);
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].dwCatalogEntryId, 1003u);
  EXPECT_EQ(v[1].dwCatalogEntryId, 1001u);
  const std::string before = ReadFile(path_);
  DWORD short_list[] = {1001, 1002};
  EXPECT_EQ(WSCWriteProviderOrder(short_list, 2), WSAEINVAL);
  DWORD twice[] = {1001, 1001, 1002};
  EXPECT_EQ(WSCWriteProviderOrder32(twice, 3), WSAEINVAL);
  DWORD unknown[] = {1001, 1002, 4000};
  EXPECT_EQ(WSCWriteProviderOrder(unknown, 3), WSAEINVAL);
  EXPECT_EQ(WSCWriteProviderOrder(nullptr, 3), WSAEINVAL);
  EXPECT_EQ(ReadFile(path_), before);
}

TEST_F(CatalogTest, UpdateProvider) {
  InstallBase();
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  v[1].dwServiceFlags1 = 0x1234;
  v[1].iMaxSockAddr = 28;
  GUID g = kBase;
  int err = 0;
  std::u16string path = U("C:\\new\\base.dll");
  ASSERT_EQ(WSCUpdateProvider(&g, W(path), v.data(), 2, &err), 0) << err;
  std::vector<WSAPROTOCOL_INFOW> after = Enum();
  EXPECT_EQ(std::memcmp(after.data(), v.data(), 2 * sizeof(WSAPROTOCOL_INFOW)), 0);
  WCHAR buffer[64];
  int len = 64;
  ASSERT_EQ(WSCGetProviderPath(&g, buffer, &len, &err), 0);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(buffer)), path);
  const std::string before = ReadFile(path_);
  EXPECT_EQ(WSCUpdateProvider32(&g, W(path), v.data(), 1, &err), SOCKET_ERROR);  // not all
  EXPECT_EQ(err, WSAEINVAL);
  v[0].dwCatalogEntryId = 1002;  // repeats
  EXPECT_EQ(WSCUpdateProvider(&g, W(path), v.data(), 2, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
  GUID unknown = kUnknown;
  EXPECT_EQ(WSCUpdateProvider(&unknown, W(path), v.data(), 2, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
  EXPECT_EQ(WSCUpdateProvider(nullptr, W(path), v.data(), 2, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAEFAULT);
  EXPECT_EQ(ReadFile(path_), before);
}

TEST_F(CatalogTest, InstallProviderAndChainsLayersOverTheTopEntries) {
  InstallBase();
  GUID lsp = kLsp;
  int err = 0;
  DWORD layered_id = 0;
  std::u16string path = U("%SystemRoot%\\system32\\lsp.dll"), name = U("Test LSP");
  ASSERT_EQ(WSCInstallProviderAndChains(&lsp, MutableW(path), MutableW(name), XP1_IFS_HANDLES,
                                        nullptr, 0, &layered_id, &err),
            0)
      << err;
  EXPECT_EQ(layered_id, 1003u);
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_EQ(v.size(), 5u);
  // Chains first, in the order of the entries they cover; then the bases; the layer last.
  EXPECT_EQ(v[0].ProtocolChain.ChainLen, 2);
  EXPECT_EQ(v[0].ProtocolChain.ChainEntries[0], 1003u);
  EXPECT_EQ(v[0].ProtocolChain.ChainEntries[1], 1001u);
  EXPECT_EQ(v[0].iProtocol, 6);
  EXPECT_EQ(v[1].ProtocolChain.ChainEntries[1], 1002u);
  // The hidden entry has the LSP's GUID; each chain a fresh one of its own (version 4).
  EXPECT_TRUE(ws2emu::catalog::SameGuid(v[4].ProviderId, kLsp));
  EXPECT_FALSE(ws2emu::catalog::SameGuid(v[0].ProviderId, kLsp));
  EXPECT_FALSE(ws2emu::catalog::SameGuid(v[1].ProviderId, kLsp));
  EXPECT_FALSE(ws2emu::catalog::SameGuid(v[0].ProviderId, v[1].ProviderId));
  EXPECT_EQ(v[4].dwCatalogEntryId, 1003u);
  EXPECT_EQ(v[4].ProtocolChain.ChainLen, LAYERED_PROTOCOL);
  EXPECT_NE(v[4].dwProviderFlags & PFL_HIDDEN, 0u);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(v[4].szProtocol)), name);
  // Applications see the chains and the bases, not the layer.
  EXPECT_EQ(Enum(true).size(), 4u);

  // A second LSP over TCP only lands on top of the first one's chain.
  GUID second = kOther;
  std::u16string name2 = U("Second LSP");
  WSAPROTOCOL_INFOW tcp = Base(2, 1, 6, "ignored");
  ASSERT_EQ(WSCInstallProviderAndChains64_32(&second, MutableW(path), MutableW(path),
                                             MutableW(name2), 0, &tcp, 1, nullptr, &err),
            0)
      << err;
  v = Enum();
  ASSERT_EQ(v.size(), 7u);
  EXPECT_EQ(v[0].ProtocolChain.ChainLen, 3);
  EXPECT_EQ(v[0].ProtocolChain.ChainEntries[1], 1003u);
  EXPECT_EQ(v[0].ProtocolChain.ChainEntries[2], 1001u);
  EXPECT_EQ(v[0].dwServiceFlags1 & XP1_IFS_HANDLES, 0u);  // a non-IFS layer
  EXPECT_FALSE(ws2emu::catalog::SameGuid(v[0].ProviderId, kOther));

  // Removing the second LSP by its GUID removes its hidden entry only; its chain (a GUID of
  // its own) stays, broken, until the installer removes it by that GUID.
  GUID chain = v[0].ProviderId;
  ASSERT_EQ(WSCDeinstallProvider(&second, &err), 0);
  v = Enum();
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v[0].ProtocolChain.ChainEntries[0], 1006u);  // names the removed layer
  ASSERT_EQ(WSCDeinstallProvider(&chain, &err), 0);
  EXPECT_EQ(Enum().size(), 5u);
}

// Per-chain GUIDs as a real installer sees them: distinct from the LSP's and from each other,
// unique in the catalog, and the same when the catalog is read again.
TEST_F(CatalogTest, EachChainHasItsOwnStableGuid) {
  InstallBase();
  const DWORD layered_id = InstallLsp();
  int err = 0;
  std::u16string path = U("%SystemRoot%\\system32\\lsp.dll");
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_EQ(v.size(), 5u);
  std::vector<GUID> chains;
  for (const WSAPROTOCOL_INFOW &e : v) {
    if (e.ProtocolChain.ChainLen >= 2 && e.ProtocolChain.ChainEntries[0] == layered_id)
      chains.push_back(e.ProviderId);
  }
  ASSERT_EQ(chains.size(), 2u);
  for (const GUID &g : chains) {
    EXPECT_FALSE(ws2emu::catalog::SameGuid(g, kLsp));
    EXPECT_FALSE(ws2emu::catalog::SameGuid(g, kBase));
    EXPECT_EQ(g.Data3 >> 12, 4);           // version 4
    EXPECT_EQ(g.Data4[0] & 0xc0, 0x80);    // RFC 4122 variant
    int same = 0;
    for (const WSAPROTOCOL_INFOW &e : v) same += ws2emu::catalog::SameGuid(e.ProviderId, g);
    EXPECT_EQ(same, 1) << ws2emu::catalog::GuidToString(g);
  }
  EXPECT_FALSE(ws2emu::catalog::SameGuid(chains[0], chains[1]));
  // Read afresh from the file (another store, as another process would).
  ws2emu::catalog::Store again(path_);
  absl::StatusOr<std::shared_ptr<const Catalog>> c = again.Read();
  ASSERT_TRUE(c.ok()) << c.status();
  int found = 0;
  for (const Entry &e : (*c)->entries) {
    for (const GUID &g : chains) found += ws2emu::catalog::SameGuid(e.info.ProviderId, g);
  }
  EXPECT_EQ(found, 2);
  // A second install of another LSP gets GUIDs that are new again.
  GUID other = kOther;
  std::u16string name2 = U("Other LSP");
  ASSERT_EQ(WSCInstallProviderAndChains(&other, MutableW(path), MutableW(name2), 0, nullptr, 0,
                                        nullptr, &err),
            0)
      << err;
  v = Enum();
  for (size_t i = 0; i < v.size(); ++i) {
    for (size_t k = i + 1; k < v.size(); ++k) {
      if (ws2emu::catalog::SameGuid(v[i].ProviderId, v[k].ProviderId)) {
        // Only the base provider's two entries share one.
        EXPECT_TRUE(ws2emu::catalog::SameGuid(v[i].ProviderId, kBase)) << i << " " << k;
      }
    }
  }
}

// Microsoft's sample installer removes an LSP's hidden entry first, then its chains by their
// own GUIDs. Windows does not refuse the first step; afterwards the catalog is as before the
// install (but for next-id: IDs are never reused).
TEST_F(CatalogTest, DeinstallHiddenEntryFirstThenChains) {
  InstallBase();
  std::vector<WSAPROTOCOL_INFOW> before = Enum();
  GUID lsp = kLsp;
  int err = 0;
  DWORD layered_id = InstallLsp();
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_EQ(v.size(), 5u);
  ASSERT_EQ(WSCDeinstallProvider(&lsp, &err), 0) << err;
  std::vector<WSAPROTOCOL_INFOW> half = Enum();
  ASSERT_EQ(half.size(), 4u);  // the hidden entry only: the chains stay, naming it
  for (const WSAPROTOCOL_INFOW &e : half) EXPECT_NE(e.dwCatalogEntryId, layered_id);
  // [inference] WSAEnumProtocols keeps listing a broken chain.
  EXPECT_EQ(Enum(true).size(), 4u);
  EXPECT_EQ(WSCDeinstallProvider(&lsp, &err), SOCKET_ERROR);  // gone already
  EXPECT_EQ(err, WSAEINVAL);
  for (const WSAPROTOCOL_INFOW &e : v) {
    if (e.ProtocolChain.ChainLen < 2 || e.ProtocolChain.ChainEntries[0] != layered_id) continue;
    GUID g = e.ProviderId;
    ASSERT_EQ(WSCDeinstallProvider(&g, &err), 0) << err;
  }
  std::vector<WSAPROTOCOL_INFOW> after = Enum();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i)
    EXPECT_EQ(std::memcmp(&after[i], &before[i], sizeof(WSAPROTOCOL_INFOW)), 0) << i;
  // A base provider can go too while chains use it (Windows does not refuse either).
  layered_id = InstallLsp();
  GUID base = kBase;
  EXPECT_EQ(WSCDeinstallProvider(&base, &err), 0) << err;
  EXPECT_EQ(Enum().size(), 3u);  // the two chains and the layer
}

TEST_F(CatalogTest, InstallProviderAndChainsErrors) {
  GUID lsp = kLsp;
  int err = 0;
  std::u16string path = U("%windir%\\system32\\lsp.dll"), name = U("LSP");
  // No base provider at all.
  EXPECT_EQ(WSCInstallProviderAndChains(&lsp, MutableW(path), MutableW(name), 0, nullptr, 0,
                                        nullptr, &err),
            SOCKET_ERROR);
  EXPECT_EQ(err, WSANO_RECOVERY);
  InstallBase();
  const std::string before = ReadFile(path_);
  auto expect = [&](int result, int code, const char *what) {
    EXPECT_EQ(result, SOCKET_ERROR) << what;
    EXPECT_EQ(err, code) << what;
    EXPECT_EQ(ReadFile(path_), before) << what;
  };
  expect(WSCInstallProviderAndChains(nullptr, MutableW(path), MutableW(name), 0, nullptr, 0,
                                     nullptr, &err),
         WSAEINVAL, "null GUID");
  WSAPROTOCOL_INFOW none = Base(23, 2, 17, "no such");
  expect(WSCInstallProviderAndChains(&lsp, MutableW(path), MutableW(name), 0, &none, 1, nullptr,
                                     &err),
         WSAEINVAL, "no match");
  expect(WSCInstallProviderAndChains(&lsp, MutableW(path), MutableW(name), 0, &none, 0, nullptr,
                                     &err),
         WSAEINVAL, "list with no entries");
  GUID base = kBase;
  expect(WSCInstallProviderAndChains(&base, MutableW(path), MutableW(name), 0, nullptr, 0,
                                     nullptr, &err),
         WSAEINVAL, "GUID already installed");
  std::u16string long_name(256, u'n');
  expect(WSCInstallProviderAndChains(&lsp, MutableW(path), MutableW(long_name), 0, nullptr, 0,
                                     nullptr, &err),
         WSAEINVAL, "name too long");
  for (const char *outside : {"C:\\lsp\\lsp.dll", "%windir%\\system32\\sub\\lsp.dll",
                              "%windir%\\system32\\", "%windir%\\lsp.dll"}) {
    std::u16string elsewhere = U(outside);
    expect(WSCInstallProviderAndChains64_32(&lsp, MutableW(elsewhere), nullptr, MutableW(name), 0,
                                            nullptr, 0, nullptr, &err),
           WSAEINVAL, outside);
  }
  EXPECT_EQ(WSCInstallProviderAndChains64_32(&lsp, MutableW(path), nullptr, MutableW(name), 0,
                                             nullptr, 0, nullptr, &err),
            0)
      << err;
  // %SystemRoot% names the same folder.
  GUID third = kLsp;
  third.Data1 = 0x33;
  std::u16string third_name = U("LSP 3"), root_path = U("%SYSTEMROOT%\\System32\\l3.dll");
  EXPECT_EQ(WSCInstallProviderAndChains64_32(&third, MutableW(root_path), nullptr,
                                             MutableW(third_name), 0, nullptr, 0, nullptr, &err),
            0)
      << err;
  // The same LSP name again.
  GUID other = kOther;
  EXPECT_EQ(WSCInstallProviderAndChains(&other, MutableW(path), MutableW(name), 0, nullptr, 0,
                                        nullptr, &err),
            SOCKET_ERROR);
  EXPECT_EQ(err, WSAEINVAL);
}

TEST_F(CatalogTest, ChainsLongerThanSevenAreRefused) {
  InstallBase();
  int err = 0;
  std::u16string path = U("%windir%\\system32\\l.dll");
  WSAPROTOCOL_INFOW tcp = Base(2, 1, 6, "tcp");
  for (int i = 0; i < 6; ++i) {  // chain lengths 2..7
    GUID g = kLsp;
    g.Data2 = static_cast<uint16_t>(i);
    std::u16string name = U("L") + std::u16string(1, static_cast<char16_t>(u'0' + i));
    ASSERT_EQ(WSCInstallProviderAndChains(&g, MutableW(path), MutableW(name), 0, &tcp, 1,
                                          nullptr, &err),
              0)
        << i << " " << err;
  }
  EXPECT_EQ(Enum()[0].ProtocolChain.ChainLen, 7);
  GUID g = kOther;
  std::u16string name = U("one too many");
  EXPECT_EQ(WSCInstallProviderAndChains(&g, MutableW(path), MutableW(name), 0, &tcp, 1, nullptr,
                                        &err),
            SOCKET_ERROR);
  EXPECT_EQ(err, WSANO_RECOVERY);
}

TEST_F(CatalogTest, ADamagedCatalogIsNeverOverwritten) {
  InstallBase();
  std::string text = ReadFile(path_);
  text.resize(text.size() / 2);  // truncated
  for (const std::string &bad : {text, std::string("format 9\nnext-id 1001\n")}) {
    {
      std::ofstream out(path_, std::ios::binary | std::ios::trunc);
      out << bad;
    }
    int err = 0;
    DWORD size = 0;
    EXPECT_EQ(WSCEnumProtocols(nullptr, nullptr, &size, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSANO_RECOVERY);
    GUID g = kOther;
    WSAPROTOCOL_INFOW e = Base(2, 1, 6, "x");
    std::u16string path = U("x.dll");
    EXPECT_EQ(WSCInstallProvider(&g, W(path), &e, 1, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSANO_RECOVERY);
    GUID base = kBase;
    EXPECT_EQ(WSCDeinstallProvider(&base, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSANO_RECOVERY);
    WCHAR buffer[64];
    int len = 64;
    EXPECT_EQ(WPUGetProviderPath(&base, buffer, &len, &err), SOCKET_ERROR);
    EXPECT_EQ(err, WSANO_RECOVERY);
    DWORD order[] = {1001, 1002};
    EXPECT_EQ(WSCWriteProviderOrder(order, 2), WSANO_RECOVERY);
    EXPECT_EQ(ReadFile(path_), bad);
  }
}

// "Not an administrator": a caller who cannot write the catalog's folder gets WSANO_RECOVERY
// and changes nothing, but can still read. Tests run as root, so the caller is a child that
// drops to the user nobody.
TEST_F(CatalogTest, ACallerWhoCannotWriteGetsNoRecovery) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to become another user";
  InstallBase();
  ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
  const std::string before = ReadFile(path_);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(10);
    int err = 0;
    GUID g = kOther;
    WSAPROTOCOL_INFOW e = Base(2, 1, 6, "x");
    std::u16string path = U("x.dll");
    if (WSCInstallProvider(&g, W(path), &e, 1, &err) != SOCKET_ERROR || err != WSANO_RECOVERY)
      _exit(11);
    GUID base = kBase;
    if (WSCDeinstallProvider(&base, &err) != SOCKET_ERROR || err != WSANO_RECOVERY) _exit(12);
    DWORD order[] = {1002, 1001};
    if (WSCWriteProviderOrder(order, 2) != WSANO_RECOVERY) _exit(13);
    DWORD size = 0;
    if (WSCEnumProtocols(nullptr, nullptr, &size, &err) != SOCKET_ERROR || err != WSAENOBUFS ||
        size != 2 * sizeof(WSAPROTOCOL_INFOW))
      _exit(14);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(ReadFile(path_), before);
}

TEST_F(CatalogTest, ReadersSeeChangesMadeByOthers) {
  InstallBase();
  EXPECT_EQ(Enum().size(), 2u);
  // Another writer (a second store on the same file, as another process would be).
  ws2emu::catalog::Store other(path_);
  ASSERT_TRUE(other.Modify([](Catalog &c) {
                     c.entries.pop_back();
                     return absl::OkStatus();
                   }).ok());
  EXPECT_EQ(Enum().size(), 1u);
  // A reset by the other writer: the four default entries under new IDs, 1003..1006 (1001
  // and 1002 were handed out), and the next install after them.
  ASSERT_TRUE(other.Reset().ok());
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_EQ(v.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(v[i].dwCatalogEntryId, 1003u + i);
  InstallBase();
  v = Enum();
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v[4].dwCatalogEntryId, 1007u);  // a reset keeps IDs unique
}

TEST(CatalogLocation, ComesFromTheEnvironment) {
  setenv("WS2EMU_CATALOG", "/x/y", 1);
  EXPECT_EQ(ws2emu::catalog::Store::CurrentPath(), "/x/y");
  unsetenv("WS2EMU_CATALOG");
  setenv("XDG_DATA_HOME", "/data", 1);
  EXPECT_EQ(ws2emu::catalog::Store::CurrentPath(), "/data/ws2emu/catalog");
  unsetenv("XDG_DATA_HOME");
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(ws2emu::catalog::Store::CurrentPath(), "/home/u/.local/share/ws2emu/catalog");
}

}  // namespace
