// tests/common/catalog_fixture.h — what the catalog unit tests share: UTF-16 literals from
// ASCII, a base-provider entry, the test base provider and LSP installed through the WSC calls,
// and the catalog file's bytes.
//
//   ws2emu::testing::InstallBase(kBase);           // TCP and UDP over IPv4: 1001, 1002
//   DWORD layered = ws2emu::testing::InstallLsp(kLsp);  // hidden entry + a chain over each
#ifndef WS2EMU_TESTS_COMMON_CATALOG_FIXTURE_H_
#define WS2EMU_TESTS_COMMON_CATALOG_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "ws2emu/ws2emu.h"

namespace ws2emu::testing {

// The test base provider, the test LSP, and a GUID nothing installs.
inline constexpr GUID kBase = {0x11111111, 0x2222, 0x3333, {1, 2, 3, 4, 5, 6, 7, 8}};
inline constexpr GUID kLsp = {0xabcdef01, 0x1234, 0x5678, {9, 8, 7, 6, 5, 4, 3, 2}};
inline constexpr GUID kUnknown = {0xdeadbeef, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};

inline std::u16string U(const char *s) { return std::u16string(s, s + std::strlen(s)); }
inline const WCHAR *W(const std::u16string &s) { return reinterpret_cast<const WCHAR *>(s.c_str()); }
inline WCHAR *MutableW(std::u16string &s) { return reinterpret_cast<WCHAR *>(s.data()); }

// A base entry (IFS handles, guaranteed delivery, matches protocol 0) named `name`.
inline WSAPROTOCOL_INFOW Base(int family, int type, int protocol, const char *name) {
  WSAPROTOCOL_INFOW p;
  std::memset(&p, 0, sizeof(p));
  p.dwServiceFlags1 = XP1_IFS_HANDLES | XP1_GUARANTEED_DELIVERY;
  p.dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
  p.ProtocolChain.ChainLen = BASE_PROTOCOL;
  p.iVersion = 2;
  p.iAddressFamily = family;
  p.iMaxSockAddr = 16;
  p.iMinSockAddr = 16;
  p.iSocketType = type;
  p.iProtocol = protocol;
  std::u16string n = U(name);
  std::memcpy(p.szProtocol, n.data(), n.size() * 2);
  return p;
}

// TCP and UDP over IPv4 for provider `guid` (%SystemRoot%\system32\base.dll): IDs 1001 and 1002
// in an empty catalog.
inline void InstallBase(const GUID &guid) {
  WSAPROTOCOL_INFOW entries[2] = {Base(2, 1, 6, "Base TCP"), Base(2, 2, 17, "Base UDP")};
  int err = 0;
  std::u16string path = U("%SystemRoot%\\system32\\base.dll");
  GUID g = guid;
  ASSERT_EQ(WSCInstallProvider(&g, W(path), entries, 2, &err), 0) << err;
}

// WSCInstallProviderAndChains of LSP `guid` ("Test LSP", %SystemRoot%\system32\lsp.dll) over
// every base entry, as Microsoft's sample installs one; the layered entry's ID.
inline DWORD InstallLsp(const GUID &guid) {
  GUID lsp = guid;
  int err = 0;
  DWORD layered_id = 0;
  std::u16string path = U("%SystemRoot%\\system32\\lsp.dll"), name = U("Test LSP");
  EXPECT_EQ(WSCInstallProviderAndChains(&lsp, MutableW(path), MutableW(name), 0, nullptr, 0,
                                        &layered_id, &err),
            0)
      << err;
  return layered_id;
}

// The whole file at `path` ("" when it cannot be read).
inline std::string ReadFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace ws2emu::testing

#endif  // WS2EMU_TESTS_COMMON_CATALOG_FIXTURE_H_
