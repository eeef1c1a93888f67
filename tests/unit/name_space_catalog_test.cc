// The name-space catalog: its part of the catalog file (format 3 only when it differs from what
// Windows ships, so older files and older readers keep working; a damaged section is reported,
// never overwritten) and the WSC* calls with each documented error (WSCInstallNameSpace[Ex],
// WSCUnInstallNameSpace, WSCEnableNSProvider, WSCEnumNameSpaceProviders[Ex]32).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "boundary/last_error.h"
#include "catalog/catalog.h"
#include "catalog/default_entries.h"
#include "catalog/name_spaces.h"
#include "catalog/store.h"
#include "common/temp_dir.h"
#include "ws2emu/ws2emu.h"

namespace {

using ws2emu::catalog::Catalog;
using ws2emu::catalog::NameSpaceEntry;

constexpr GUID kTest = {0x5e2e0010, 0x7a11, 0x4b5e, {0x9a, 0x5e, 0, 0, 0, 0, 0, 0x10}};
constexpr GUID kUnknown = {0x12345678, 0x1111, 0x2222, {3, 3, 3, 3, 3, 3, 3, 3}};
constexpr GUID kTcpip = ws2emu::catalog::kTcpipNameSpaceId;

std::string ReadAll(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string &path, const std::string &text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

WCHAR *W(std::u16string &s) { return reinterpret_cast<WCHAR *>(s.data()); }

int LastError() { return static_cast<int>(ws2emu::ThreadLastError()); }

NameSpaceEntry Sample(uint32_t n) {
  NameSpaceEntry e;
  e.provider = kTest;
  e.provider.Data1 += n;
  e.identifier = u"Mine \u00e9 \"quoted\"";
  e.path = u"C:\\Program Files\\mine\\nsp.dll";
  e.name_space = NS_DNS + n;
  e.version = 7 + n;
  e.active = n % 2 == 0;
  e.provider_specific = n == 0 ? std::string() : std::string("\x00\x01\xff blob", 8);
  return e;
}

TEST(NameSpaceFormat, DefaultCatalogHoldsTcpip) {
  Catalog c = ws2emu::catalog::DefaultCatalog();
  ASSERT_EQ(c.name_spaces.size(), 1u);
  const NameSpaceEntry &t = c.name_spaces[0];
  EXPECT_EQ(std::memcmp(&t.provider, &kTcpip, sizeof(GUID)), 0);
  EXPECT_EQ(t.identifier, u"Tcpip");
  EXPECT_EQ(t.path, u"%SystemRoot%\\system32\\mswsock.dll");
  EXPECT_EQ(t.name_space, static_cast<DWORD>(NS_DNS));
  EXPECT_TRUE(t.active);
  EXPECT_EQ(ws2emu::catalog::GuidToString(t.provider), "{22059D40-7E9E-11CF-AE5A-00AA00A7112B}");
}

TEST(NameSpaceFormat, DefaultNameSpacesAreNotWrittenAndKeepFormatOne) {
  std::string text = ws2emu::catalog::Serialize(ws2emu::catalog::DefaultCatalog());
  EXPECT_NE(text.find("format 1\n"), std::string::npos);
  EXPECT_EQ(text.find("name-space"), std::string::npos);
}

TEST(NameSpaceFormat, ChangedNameSpacesRoundTripAsFormatThree) {
  Catalog c = ws2emu::catalog::DefaultCatalog();
  c.name_spaces[0].active = false;
  c.name_spaces.push_back(Sample(0));
  c.name_spaces.push_back(Sample(1));
  std::string text = ws2emu::catalog::Serialize(c);
  EXPECT_NE(text.find("format 3\n"), std::string::npos);
  absl::StatusOr<Catalog> back = ws2emu::catalog::Parse(text, "cat");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->name_spaces.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(back->name_spaces[i] == c.name_spaces[i]) << i;
  EXPECT_EQ(ws2emu::catalog::Serialize(*back), text);
}

TEST(NameSpaceFormat, AnEmptyNameSpaceCatalogRoundTrips) {
  Catalog c = ws2emu::catalog::DefaultCatalog();
  c.name_spaces.clear();
  absl::StatusOr<Catalog> back = ws2emu::catalog::Parse(ws2emu::catalog::Serialize(c), "cat");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->name_spaces.empty());
}

TEST(NameSpaceFormat, OlderFilesReadWithTheDefaultNameSpaces) {
  for (const char *text : {"format 1\nnext-id 1001\n",
                           "format 2\nnext-id 1001\n\napp-category 0x00000001 \"a.exe\" \"\"\n"}) {
    absl::StatusOr<Catalog> c = ws2emu::catalog::Parse(text, "old");
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_TRUE(c->name_spaces == ws2emu::catalog::DefaultNameSpaces()) << text;
  }
}

TEST(NameSpaceFormat, ProtocolChangesAloneKeepOlderFormats) {
  Catalog c = ws2emu::catalog::DefaultCatalog();
  c.applications.push_back({u"a.exe", u"", 1});
  EXPECT_NE(ws2emu::catalog::Serialize(c).find("format 2\n"), std::string::npos);
}

// Each damaged name-space section is refused with the file name and the line.
TEST(NameSpaceFormat, DamagedSectionsAreRefusedNamingTheLine) {
  const std::string good_block =
      "name-space {5E2E0010-7A11-4B5E-9A5E-000000000010}\n"
      "  identifier \"x\"\n  path \"x.dll\"\n  name-space 12\n  version 1\n  active 1\n"
      "  provider-specific \"\"\nend\n";
  struct Case {
    std::string text;
    std::string what;
  } cases[] = {
      {"format 2\nnext-id 1001\nname-spaces\n", "unexpected `name-spaces`"},
      {"format 3\nnext-id 1001\n" + good_block, "before the name-spaces line"},
      {"format 3\nnext-id 1001\nname-spaces\nname-spaces\n", "repeated name-spaces"},
      {"format 3\nnext-id 1001\nname-spaces\n" + good_block + good_block, "GUID twice"},
      {"format 3\nnext-id 1001\nname-spaces\nname-space {bad}\nend\n", "bad name-space provider GUID"},
      {"format 3\nnext-id 1001\nname-spaces\nname-space {5E2E0010-7A11-4B5E-9A5E-000000000010}\n"
       "  identifier \"x\"\nend\n",
       "before all of its fields"},
      {"format 3\nnext-id 1001\nname-spaces\nname-space {5E2E0010-7A11-4B5E-9A5E-000000000010}\n"
       "  identifier \"\"\n",
       "bad value for name-space field `identifier`"},
      {"format 3\nnext-id 1001\nname-spaces\nname-space {5E2E0010-7A11-4B5E-9A5E-000000000010}\n"
       "  active 2\n",
       "`active`"},
      {"format 3\nnext-id 1001\nname-spaces\nname-space {5E2E0010-7A11-4B5E-9A5E-000000000010}\n"
       "  provider-specific \"0g\"\n",
       "`provider-specific`"},
      {"format 3\nnext-id 1001\nname-spaces\nname-space {5E2E0010-7A11-4B5E-9A5E-000000000010}\n"
       "  colour \"blue\"\n",
       "unknown name-space field"},
      {"format 3\nnext-id 1001\nname-spaces\nname-space {5E2E0010-7A11-4B5E-9A5E-000000000010}\n"
       "  identifier \"x\"\n",
       "ends inside a name-space block"},
  };
  for (const Case &c : cases) {
    absl::StatusOr<Catalog> parsed = ws2emu::catalog::Parse(c.text, "f");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_NE(parsed.status().message().find(c.what), std::string::npos)
        << parsed.status().message() << "\nwanted: " << c.what;
    EXPECT_EQ(parsed.status().message().substr(0, 2), "f:") << parsed.status().message();
  }
}

TEST(NameSpaceFormat, NewerFormatsAreRefused) {
  absl::StatusOr<Catalog> c = ws2emu::catalog::Parse("format 4\nnext-id 1001\n", "f");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
}

// The WSC* calls on a catalog file that does not exist yet (Windows' defaults).
class NameSpaceCalls : public ::testing::Test {
 protected:
  void SetUp() override { setenv("WS2EMU_CATALOG", path_.c_str(), 1); }
  void TearDown() override { unsetenv("WS2EMU_CATALOG"); }

  int Install(const GUID &g, const char16_t *ident = u"ws2emu test NSP",
              const char16_t *path = u"C:\\nsp.dll", DWORD ns = NS_DNS) {
    std::u16string i = ident, p = path;
    GUID id = g;
    return WSCInstallNameSpace(W(i), W(p), ns, 1, &id);
  }

  std::vector<WSANAMESPACE_INFOW> List(std::vector<unsigned char> *storage) {
    DWORD size = 0;
    EXPECT_EQ(WSCEnumNameSpaceProviders32(&size, nullptr), SOCKET_ERROR);
    EXPECT_EQ(LastError(), WSAEFAULT);
    storage->assign(size, 0);
    int n = WSCEnumNameSpaceProviders32(&size, reinterpret_cast<WSANAMESPACE_INFOW *>(storage->data()));
    EXPECT_GE(n, 0);
    auto *list = reinterpret_cast<WSANAMESPACE_INFOW *>(storage->data());
    return std::vector<WSANAMESPACE_INFOW>(list, list + std::max(n, 0));
  }

  ws2emu::testing::TempDir temp_{"nscatalog"};
  const std::string path_ = temp_.path() + "/catalog";
};

TEST_F(NameSpaceCalls, AFreshCatalogListsTcpip) {
  std::vector<unsigned char> storage;
  std::vector<WSANAMESPACE_INFOW> list = List(&storage);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t *>(list[0].lpszIdentifier)), u"Tcpip");
  EXPECT_EQ(list[0].dwNameSpace, static_cast<DWORD>(NS_DNS));
  EXPECT_TRUE(list[0].fActive);
  EXPECT_EQ(std::memcmp(&list[0].NSProviderId, &kTcpip, sizeof(GUID)), 0);
  // The identifier lies in the caller's buffer, after the structures.
  auto *p = reinterpret_cast<unsigned char *>(list[0].lpszIdentifier);
  EXPECT_GE(p, storage.data() + sizeof(WSANAMESPACE_INFOW));
  EXPECT_LT(p, storage.data() + storage.size());
}

TEST_F(NameSpaceCalls, InstallListsDisableEnableUninstall) {
  ASSERT_EQ(Install(kTest), 0);
  std::vector<unsigned char> storage;
  std::vector<WSANAMESPACE_INFOW> list = List(&storage);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(std::memcmp(&list[1].NSProviderId, &kTest, sizeof(GUID)), 0);
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t *>(list[1].lpszIdentifier)),
            u"ws2emu test NSP");
  EXPECT_EQ(list[1].dwVersion, 1u);
  EXPECT_TRUE(list[1].fActive);
  EXPECT_NE(ReadAll(path_).find("format 3\n"), std::string::npos);

  GUID id = kTest;
  ASSERT_EQ(WSCEnableNSProvider(&id, FALSE), 0);
  EXPECT_FALSE(List(&storage)[1].fActive);
  ASSERT_EQ(WSCEnableNSProvider(&id, FALSE), 0);  // already so: succeeds, nothing changes
  ASSERT_EQ(WSCEnableNSProvider32(&id, 5), 0);    // any nonzero is TRUE
  EXPECT_TRUE(List(&storage)[1].fActive);

  ASSERT_EQ(WSCUnInstallNameSpace(&id), 0);
  EXPECT_EQ(List(&storage).size(), 1u);
  // Back to Windows' name-space catalog: written without the section, readable by older builds.
  EXPECT_EQ(ReadAll(path_).find("name-space"), std::string::npos);
  EXPECT_NE(ReadAll(path_).find("format 1\n"), std::string::npos);
}

TEST_F(NameSpaceCalls, DisablingTcpipIsKept) {
  GUID id = kTcpip;
  ASSERT_EQ(WSCEnableNSProvider(&id, FALSE), 0);
  std::vector<unsigned char> storage;
  EXPECT_FALSE(List(&storage)[0].fActive);
  ASSERT_EQ(WSCEnableNSProvider(&id, TRUE), 0);
  EXPECT_TRUE(List(&storage)[0].fActive);
}

TEST_F(NameSpaceCalls, ADuplicateGuidIsNoRecoveryAndChangesNothing) {
  ASSERT_EQ(Install(kTest), 0);
  const std::string before = ReadAll(path_);
  EXPECT_EQ(Install(kTest, u"again"), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSANO_RECOVERY);
  EXPECT_EQ(Install(kTcpip), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSANO_RECOVERY);
  EXPECT_EQ(ReadAll(path_), before);
}

TEST_F(NameSpaceCalls, BadArgumentsAreInvalidAndChangeNothing) {
  std::u16string ident = u"x", path = u"x.dll";
  GUID id = kTest;
  EXPECT_EQ(WSCInstallNameSpace(nullptr, W(path), NS_DNS, 1, &id), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  EXPECT_EQ(WSCInstallNameSpace(W(ident), nullptr, NS_DNS, 1, &id), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  EXPECT_EQ(WSCInstallNameSpace(W(ident), W(path), NS_DNS, 1, nullptr), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  EXPECT_EQ(Install(kTest, u""), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  EXPECT_EQ(Install(kTest, u"x", u""), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  std::u16string long_path(260, u'a');
  EXPECT_EQ(Install(kTest, u"x", long_path.c_str()), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  BLOB bad{4, nullptr};
  EXPECT_EQ(WSCInstallNameSpaceEx(W(ident), W(path), NS_DNS, 1, &id, &bad), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  // Nothing was written: the catalog still does not exist.
  EXPECT_EQ(ReadAll(path_), "");
}

TEST_F(NameSpaceCalls, UnknownOrNullGuidsAreInvalid) {
  GUID id = kUnknown;
  EXPECT_EQ(WSCUnInstallNameSpace(&id), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  EXPECT_EQ(WSCUnInstallNameSpace(nullptr), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  EXPECT_EQ(WSCUnInstallNameSpace32(&id), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  EXPECT_EQ(WSCEnableNSProvider(&id, TRUE), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
  EXPECT_EQ(WSCEnableNSProvider(nullptr, TRUE), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEINVAL);
}

TEST_F(NameSpaceCalls, TheExFormKeepsTheProviderSpecificBlob) {
  std::u16string ident = u"blobby", path = u"b.dll";
  GUID id = kTest;
  unsigned char data[] = {1, 2, 0, 255};
  BLOB blob{sizeof(data), data};
  ASSERT_EQ(WSCInstallNameSpaceEx(W(ident), W(path), NS_EMAIL, 3, &id, &blob), 0);
  DWORD size = 0;
  ASSERT_EQ(WSCEnumNameSpaceProvidersEx32(&size, nullptr), SOCKET_ERROR);
  ASSERT_EQ(LastError(), WSAEFAULT);
  std::vector<unsigned char> storage(size);
  auto *list = reinterpret_cast<WSANAMESPACE_INFOEXW *>(storage.data());
  ASSERT_EQ(WSCEnumNameSpaceProvidersEx32(&size, list), 2);
  EXPECT_EQ(list[0].ProviderSpecific.cbSize, 0u);
  ASSERT_EQ(list[1].ProviderSpecific.cbSize, sizeof(data));
  EXPECT_EQ(std::memcmp(list[1].ProviderSpecific.pBlobData, data, sizeof(data)), 0);
  EXPECT_EQ(list[1].dwNameSpace, static_cast<DWORD>(NS_EMAIL));
}

TEST_F(NameSpaceCalls, EnumerationErrors) {
  EXPECT_EQ(WSCEnumNameSpaceProviders32(nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEFAULT);
  DWORD size = 0;
  ASSERT_EQ(WSCEnumNameSpaceProviders32(&size, nullptr), SOCKET_ERROR);
  const DWORD needed = size;
  EXPECT_GE(needed, sizeof(WSANAMESPACE_INFOW) + sizeof(u"Tcpip"));
  std::vector<unsigned char> storage(needed);
  size = needed - 1;  // one byte short
  EXPECT_EQ(WSCEnumNameSpaceProviders32(&size, reinterpret_cast<WSANAMESPACE_INFOW *>(storage.data())),
            SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSAEFAULT);
  EXPECT_EQ(size, needed);
  EXPECT_EQ(WSCEnumNameSpaceProviders32(&size, reinterpret_cast<WSANAMESPACE_INFOW *>(storage.data())),
            1);
}

TEST_F(NameSpaceCalls, WriteNameSpaceOrderTakesEveryProviderOnce) {
  ASSERT_EQ(Install(kTest), 0);
  GUID order[] = {kTest, kTcpip};
  EXPECT_EQ(WSCWriteNameSpaceOrder(order, 2), 0);
  std::vector<unsigned char> storage;
  std::vector<WSANAMESPACE_INFOW> list = List(&storage);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(std::memcmp(&list[0].NSProviderId, &kTest, sizeof(GUID)), 0);
  const std::string before = ReadAll(path_);
  GUID twice[] = {kTest, kTest};
  EXPECT_EQ(WSCWriteNameSpaceOrder(twice, 2), WSAEINVAL);
  EXPECT_EQ(WSCWriteNameSpaceOrder(order, 1), WSAEINVAL);
  GUID unknown[] = {kTest, kUnknown};
  EXPECT_EQ(WSCWriteNameSpaceOrder32(unknown, 2), WSAEINVAL);
  EXPECT_EQ(WSCWriteNameSpaceOrder(nullptr, 2), WSAEINVAL);
  EXPECT_EQ(ReadAll(path_), before);
}

// A damaged name-space section: every call reports it (WSANO_RECOVERY) and none rewrites it.
TEST_F(NameSpaceCalls, ADamagedSectionIsReportedNeverOverwritten) {
  const std::string damaged =
      "format 3\nnext-id 1001\nname-spaces\nname-space {5E2E0010-7A11-4B5E-9A5E-000000000010}\n"
      "  identifier \"x\"\n";
  WriteAll(path_, damaged);
  absl::StatusOr<std::shared_ptr<const Catalog>> read =
      ws2emu::catalog::Store::ForCurrentPath().Read();
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(read.status().message().find(path_), std::string::npos);
  EXPECT_EQ(Install(kUnknown), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSANO_RECOVERY);
  GUID id = kTcpip;
  EXPECT_EQ(WSCEnableNSProvider(&id, FALSE), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSANO_RECOVERY);
  EXPECT_EQ(WSCUnInstallNameSpace(&id), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSANO_RECOVERY);
  DWORD size = 0;
  EXPECT_EQ(WSCEnumNameSpaceProviders32(&size, nullptr), SOCKET_ERROR);
  EXPECT_EQ(LastError(), WSANO_RECOVERY);
  EXPECT_EQ(ReadAll(path_), damaged);
}

}  // namespace
