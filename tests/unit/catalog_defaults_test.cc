// The default catalog (issue 11): a catalog that does not exist holds MSAFD's four base entries
// with Windows' values, reading it writes nothing (not even in a folder the caller cannot
// write), the first change keeps them, and a reset restores exactly them under new IDs.
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

#include "base/wsa_status.h"
#include "catalog/catalog.h"
#include "catalog/default_entries.h"
#include "catalog/store.h"
#include "common/enum_protocols.h"
#include "common/temp_dir.h"
#include "ws2emu/ws2emu.h"

namespace {

using ws2emu::catalog::Catalog;
using ws2emu::catalog::Store;

// ---- What Windows ships, written from its documentation and its own dumps -------------------
// `netsh winsock show catalog` on Windows prints, for MSAFD's TCP/IP and UDP/IP entries:
// Provider ID {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}, Provider Path
// %SystemRoot%\system32\mswsock.dll, Version 2, Address Family 2, Max/Min Address Length 16,
// Socket Type 1 / 2, Protocol 6 / 17, Service Flags 0x20066 / 0x20609, Protocol Chain Length 1.
// The IPv6 entries have family 23 (AF_INET6 on Windows) and sizeof(SOCKADDR_IN6) = 28;
// WSAEnumProtocols reports dwMessageSize 0 for TCP (a stream) and 65467 for UDP, and
// PFL_MATCHES_PROTOCOL_ZERO (0x8) as every entry's provider flags.
constexpr GUID kMsafd = {
    0xE70F1AA0, 0xAB8B, 0x11CF, {0x8C, 0xA3, 0x00, 0x80, 0x5F, 0x48, 0xA1, 0x92}};
constexpr char16_t kMswsock[] = u"%SystemRoot%\\system32\\mswsock.dll";
constexpr DWORD kTcpFlags = 0x20066;  // GUARANTEED_DELIVERY|GUARANTEED_ORDER|GRACEFUL_CLOSE|
                                      // EXPEDITED_DATA|IFS_HANDLES
constexpr DWORD kUdpFlags = 0x20609;  // CONNECTIONLESS|MESSAGE_ORIENTED|SUPPORT_BROADCAST|
                                      // SUPPORT_MULTIPOINT|IFS_HANDLES
constexpr DWORD kPflMatchesProtocolZero = 0x8;
struct Want {
  const char16_t *name;
  int family, address_length, type, protocol;
  DWORD service_flags, message_size;
};
constexpr Want kWindows[4] = {
    {u"MSAFD Tcpip [TCP/IP]", 2, 16, 1, 6, kTcpFlags, 0},
    {u"MSAFD Tcpip [UDP/IP]", 2, 16, 2, 17, kUdpFlags, 65467},
    {u"MSAFD Tcpip [TCP/IPv6]", 23, 28, 1, 6, kTcpFlags, 0},
    {u"MSAFD Tcpip [UDP/IPv6]", 23, 28, 2, 17, kUdpFlags, 65467},
};

// Every field of the four entries, with catalog IDs first_id.. (ChainEntries[0] the same).
void ExpectWindowsEntries(const std::vector<WSAPROTOCOL_INFOW> &v, DWORD first_id) {
  ASSERT_EQ(v.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const WSAPROTOCOL_INFOW &p = v[i];
    const Want &w = kWindows[i];
    SCOPED_TRACE(testing::Message() << "entry " << i);
    EXPECT_EQ(p.dwServiceFlags1, w.service_flags);
    EXPECT_EQ(p.dwServiceFlags2, 0u);
    EXPECT_EQ(p.dwServiceFlags3, 0u);
    EXPECT_EQ(p.dwServiceFlags4, 0u);
    EXPECT_EQ(p.dwProviderFlags, kPflMatchesProtocolZero);
    EXPECT_EQ(std::memcmp(&p.ProviderId, &kMsafd, sizeof(GUID)), 0);
    EXPECT_EQ(p.dwCatalogEntryId, first_id + i);
    EXPECT_EQ(p.ProtocolChain.ChainLen, 1);  // BASE_PROTOCOL
    EXPECT_EQ(p.ProtocolChain.ChainEntries[0], first_id + i);
    for (int k = 1; k < MAX_PROTOCOL_CHAIN; ++k) {
      EXPECT_EQ(p.ProtocolChain.ChainEntries[k], 0u);
    }
    EXPECT_EQ(p.iVersion, 2);
    EXPECT_EQ(p.iAddressFamily, w.family);
    EXPECT_EQ(p.iMaxSockAddr, w.address_length);
    EXPECT_EQ(p.iMinSockAddr, w.address_length);
    EXPECT_EQ(p.iSocketType, w.type);
    EXPECT_EQ(p.iProtocol, w.protocol);
    EXPECT_EQ(p.iProtocolMaxOffset, 0);
    EXPECT_EQ(p.iNetworkByteOrder, 0);  // BIGENDIAN
    EXPECT_EQ(p.iSecurityScheme, 0);    // SECURITY_PROTOCOL_NONE
    EXPECT_EQ(p.dwMessageSize, w.message_size);
    EXPECT_EQ(p.dwProviderReserved, 0u);
    const std::u16string name(w.name);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t *>(p.szProtocol)), name);
    for (size_t k = name.size(); k <= WSAPROTOCOL_LEN; ++k) {
      EXPECT_EQ(p.szProtocol[k], 0);
    }
  }
}

std::string ReadFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

WSAPROTOCOL_INFOW Tcp(const char16_t *name) {
  WSAPROTOCOL_INFOW p;
  std::memset(&p, 0, sizeof(p));
  p.dwServiceFlags1 = XP1_IFS_HANDLES;
  p.ProtocolChain.ChainLen = BASE_PROTOCOL;
  p.iVersion = 2;
  p.iAddressFamily = 2;
  p.iMaxSockAddr = 16;
  p.iMinSockAddr = 16;
  p.iSocketType = 1;
  p.iProtocol = 6;
  std::memcpy(p.szProtocol, name, std::char_traits<char16_t>::length(name) * 2);
  return p;
}

class DefaultCatalog : public ::testing::Test {
 protected:
  void SetUp() override { setenv("WS2EMU_CATALOG", path_.c_str(), 1); }
  void TearDown() override { unsetenv("WS2EMU_CATALOG"); }

  std::vector<WSAPROTOCOL_INFOW> Enum(bool application_view = false) {
    return ws2emu::testing::EnumProtocols(application_view);
  }
  void Install(GUID guid, const char16_t *name) {
    WSAPROTOCOL_INFOW e = Tcp(name);
    int err = 0;
    ASSERT_EQ(WSCInstallProvider(&guid, reinterpret_cast<const WCHAR *>(u"x.dll"), &e, 1, &err),
              0)
        << err;
  }

  ws2emu::testing::TempDir temp_{"catalog-defaults"};
  const std::string dir_ = temp_.path(), path_ = dir_ + "/catalog";
};

TEST_F(DefaultCatalog, AMissingCatalogEnumeratesTheFourWindowsEntries) {
  DWORD size = 0;
  int err = 0;
  EXPECT_EQ(WSCEnumProtocols(nullptr, nullptr, &size, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOBUFS);
  EXPECT_EQ(size, 4 * sizeof(WSAPROTOCOL_INFOW));
  ExpectWindowsEntries(Enum(), 1001);
  // None is hidden or layered: applications see the same four.
  ExpectWindowsEntries(Enum(true), 1001);
  // Filtered by protocol, as WSAEnumProtocols filters: UDP is [UDP/IP] and [UDP/IPv6].
  int udp[] = {17, 0};
  std::vector<WSAPROTOCOL_INFOW> v(4);
  size = static_cast<DWORD>(v.size() * sizeof(WSAPROTOCOL_INFOW));
  ASSERT_EQ(WSCEnumProtocols(udp, v.data(), &size, &err), 2);
  EXPECT_EQ(v[0].dwCatalogEntryId, 1002u);
  EXPECT_EQ(v[1].dwCatalogEntryId, 1004u);
  EXPECT_EQ(access(path_.c_str(), F_OK), -1);  // reading creates nothing
  EXPECT_EQ(access((path_ + ".lock").c_str(), F_OK), -1);
}

TEST_F(DefaultCatalog, TheProviderPathOfEntry1001IsMswsock) {
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_FALSE(v.empty());
  ASSERT_EQ(v[0].dwCatalogEntryId, 1001u);
  GUID provider = v[0].ProviderId;
  WCHAR buffer[260];  // MAX_PATH
  int len = 260, err = 0;
  ASSERT_EQ(WSCGetProviderPath(&provider, buffer, &len, &err), 0) << err;
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t *>(buffer)), kMswsock);  // not expanded
  len = 260;
  std::memset(buffer, 0, sizeof(buffer));
  ASSERT_EQ(WPUGetProviderPath(&provider, buffer, &len, &err), 0) << err;
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t *>(buffer)), kMswsock);
  EXPECT_EQ(access(path_.c_str(), F_OK), -1);
}

// The store gives the same: a snapshot of the default catalog, next-id 1005, and nothing on disk.
TEST_F(DefaultCatalog, TheStoreReadsTheDefaultsAndTheyRoundTrip) {
  Store store(path_);
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ((*c)->next_id, 1005u);
  std::vector<WSAPROTOCOL_INFOW> infos;
  for (const auto &e : (*c)->entries) {
    infos.push_back(e.info);
    EXPECT_EQ(e.path, kMswsock);
  }
  ExpectWindowsEntries(infos, 1001);
  EXPECT_NE((*c)->Find(1004), nullptr);
  EXPECT_TRUE((*c)->HasProvider(kMsafd));
  // Written out (what a change of a missing file writes) and read back, field for field.
  absl::StatusOr<Catalog> back = ws2emu::catalog::Parse(ws2emu::catalog::Serialize(**c), "t");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->entries.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(std::memcmp(&back->entries[i].info, &infos[i], sizeof(WSAPROTOCOL_INFOW)), 0) << i;
  }
  EXPECT_EQ(store.file_reads(), 0u);
  EXPECT_EQ(access(path_.c_str(), F_OK), -1);
}

// A caller who may not write the catalog's folder still reads the defaults, and nothing is
// created there. Tests run as root, whom no mode stops, so the reader is a child that drops to
// the user nobody; as another user the folder is simply made read-only.
TEST_F(DefaultCatalog, AReadOnlyFolderReadsTheDefaultsAndWritesNothing) {
  const std::string folder = dir_ + "/readonly";
  ASSERT_EQ(mkdir(folder.c_str(), 0755), 0);
  ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
  const std::string file = folder + "/catalog";
  setenv("WS2EMU_CATALOG", file.c_str(), 1);
  if (geteuid() != 0) {
    ASSERT_EQ(chmod(folder.c_str(), 0555), 0);
  }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(10);
    if (access(folder.c_str(), W_OK) == 0) _exit(11);  // the folder must not be writable
    DWORD size = 4 * sizeof(WSAPROTOCOL_INFOW);
    WSAPROTOCOL_INFOW v[4];
    int err = 0;
    if (WSCEnumProtocols(nullptr, v, &size, &err) != 4) _exit(12);
    if (v[0].dwCatalogEntryId != 1001 || v[3].dwCatalogEntryId != 1004 ||
        v[3].iAddressFamily != 23 || v[3].dwMessageSize != 65467)
      _exit(13);
    // A change is refused (the runtime's "not an administrator") and creates nothing either.
    GUID g = {0x0de0de01, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
    WSAPROTOCOL_INFOW e = Tcp(u"x");
    if (WSCInstallProvider(&g, reinterpret_cast<const WCHAR *>(u"x.dll"), &e, 1, &err) !=
            SOCKET_ERROR ||
        err != WSANO_RECOVERY)
      _exit(14);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  chmod(folder.c_str(), 0755);
  struct stat st;
  EXPECT_EQ(lstat(file.c_str(), &st), -1);
  EXPECT_EQ(lstat((file + ".lock").c_str(), &st), -1);
}

TEST_F(DefaultCatalog, TheFirstInstallKeepsTheFourAndGets1005) {
  Install({0x0de0de02, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}}, u"Mine");
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_EQ(v.size(), 5u);
  ExpectWindowsEntries({v.begin(), v.begin() + 4}, 1001);
  EXPECT_EQ(v[4].dwCatalogEntryId, 1005u);
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t *>(v[4].szProtocol)), u"Mine");
  absl::StatusOr<Catalog> file = ws2emu::catalog::Parse(ReadFile(path_), path_);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->next_id, 1006u);
  EXPECT_EQ(file->entries.size(), 5u);
}

// MSAFD is a provider like any other: installing its GUID again is refused, an LSP layers over
// its entries, and WSCDeinstallProvider removes it (even while a chain goes through it, as on
// Windows: the chain is then broken).
TEST_F(DefaultCatalog, MsafdIsAProviderLikeAnyOther) {
  GUID msafd = kMsafd;
  WSAPROTOCOL_INFOW e = Tcp(u"again");
  int err = 0;
  EXPECT_EQ(WSCInstallProvider(&msafd, reinterpret_cast<const WCHAR *>(kMswsock), &e, 1, &err),
            SOCKET_ERROR);
  EXPECT_EQ(err, WSANO_RECOVERY);
  GUID lsp = {0x0de0de03, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
  std::u16string lsp_path = u"%SystemRoot%\\system32\\lsp.dll", name = u"LSP";
  DWORD layered = 0;
  ASSERT_EQ(WSCInstallProviderAndChains(&lsp, reinterpret_cast<WCHAR *>(lsp_path.data()),
                                        reinterpret_cast<WCHAR *>(name.data()), 0, nullptr, 0,
                                        &layered, &err),
            0)
      << err;
  EXPECT_EQ(layered, 1005u);
  std::vector<WSAPROTOCOL_INFOW> v = Enum();
  ASSERT_EQ(v.size(), 9u);  // four chains, the four bases, the layer
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(v[i].ProtocolChain.ChainLen, 2) << i;
    EXPECT_EQ(v[i].ProtocolChain.ChainEntries[0], 1005u) << i;
    EXPECT_EQ(v[i].ProtocolChain.ChainEntries[1], 1001u + i) << i;
    EXPECT_EQ(v[i].iAddressFamily, kWindows[i].family) << i;
  }
  ASSERT_EQ(WSCDeinstallProvider(&msafd, &err), 0) << err;
  v = Enum();
  ASSERT_EQ(v.size(), 5u);  // the four chains (broken now) and the layer
  ASSERT_EQ(WSCDeinstallProvider(&lsp, &err), 0) << err;
  // The chains have GUIDs of their own: the installer removes them by those.
  for (int i = 0; i < 4; ++i) {
    GUID chain = v[i].ProviderId;
    ASSERT_EQ(WSCDeinstallProvider(&chain, &err), 0) << err;
  }
  EXPECT_TRUE(Enum().empty());
  absl::StatusOr<Catalog> file = ws2emu::catalog::Parse(ReadFile(path_), path_);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->next_id, 1010u);  // nothing handed out is handed out again
}

// `netsh winsock reset`: the four and nothing else, under IDs never handed out before.
TEST_F(DefaultCatalog, ResetRestoresTheFourWithFreshUniqueIds) {
  Install({0x0de0de04, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}}, u"A");  // 1005
  Install({0x0de0de05, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}}, u"B");  // 1006
  GUID msafd = kMsafd, a = {0x0de0de04, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
  int err = 0;
  ASSERT_EQ(WSCDeinstallProvider(&a, &err), 0);
  DWORD order[] = {1006, 1004, 1003, 1002, 1001};
  ASSERT_EQ(WSCWriteProviderOrder(order, 5), 0);
  Store store(path_);
  ASSERT_TRUE(store.Reset().ok());
  ExpectWindowsEntries(Enum(), 1007);
  absl::StatusOr<Catalog> file = ws2emu::catalog::Parse(ReadFile(path_), path_);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->next_id, 1011u);
  // Again, after MSAFD itself was removed: four more new IDs.
  ASSERT_EQ(WSCDeinstallProvider(&msafd, &err), 0);
  EXPECT_TRUE(Enum().empty());
  ASSERT_TRUE(store.Reset().ok());
  ExpectWindowsEntries(Enum(), 1011);
  Install({0x0de0de06, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}}, u"C");
  EXPECT_EQ(Enum()[4].dwCatalogEntryId, 1015u);
}

TEST_F(DefaultCatalog, ResetOfAMissingCatalogWritesTheDefaults) {
  Store store(path_);
  ASSERT_TRUE(store.Reset().ok());
  absl::StatusOr<Catalog> file = ws2emu::catalog::Parse(ReadFile(path_), path_);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->next_id, 1005u);
  ExpectWindowsEntries(Enum(), 1001);
}

// A damaged file: the four start past every ID that can still be read from it (SalvageNextId).
TEST_F(DefaultCatalog, ResetOfADamagedCatalogStartsPastItsReadableIds) {
  {
    std::ofstream out(path_, std::ios::binary);
    out << "format 1\nnext-id 3000\n\nentry 4000\n  provider-id {";
  }
  Store store(path_);
  EXPECT_EQ(store.Read().status().code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(store.Reset().ok());
  ExpectWindowsEntries(Enum(), 4001);
  absl::StatusOr<Catalog> file = ws2emu::catalog::Parse(ReadFile(path_), path_);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->next_id, 4005u);
}

// Fewer than four IDs left: the reset fails as an install that finds none does
// (WSA_NOT_ENOUGH_MEMORY), and the file is left as it was.
TEST_F(DefaultCatalog, ResetWithNoIdsLeftChangesNothing) {
  const std::string full = "format 1\nnext-id 4294967293\n";
  {
    std::ofstream out(path_, std::ios::binary);
    out << full;
  }
  Store store(path_);
  absl::Status s = store.Reset();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(ws2emu::WsaErrorOf(s), WSA_NOT_ENOUGH_MEMORY) << s;
  EXPECT_EQ(ReadFile(path_), full);
  // Exactly four left (next-id UINT32_MAX - 4 leaves 4294967291..4294967294): it fits.
  const std::string four = "format 1\nnext-id 4294967291\n";
  {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << four;
  }
  ASSERT_TRUE(store.Reset().ok());
  ExpectWindowsEntries(Enum(), 4294967291u);
}

}  // namespace
