// tests/hostile/catalog/catalog_fixtures.h — the provider the hostile catalog tests install:
// one TCP base entry under a GUID numbered n.
//
//   ASSERT_TRUE(Install(store, 1).ok());      // provider Provider(1), path x.dll
#ifndef WS2EMU_TESTS_HOSTILE_CATALOG_CATALOG_FIXTURES_H_
#define WS2EMU_TESTS_HOSTILE_CATALOG_CATALOG_FIXTURES_H_

#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "catalog/operations.h"
#include "catalog/store.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::catalog {

inline GUID Provider(uint32_t n) { return GUID{n, 0x1234, 0x5678, {1, 2, 3, 4, 5, 6, 7, 8}}; }

inline WSAPROTOCOL_INFOW Tcp() {
  WSAPROTOCOL_INFOW p;
  std::memset(&p, 0, sizeof(p));
  p.ProtocolChain.ChainLen = BASE_PROTOCOL;
  p.iVersion = 2;
  p.iAddressFamily = 2;
  p.iSocketType = 1;
  p.iProtocol = 6;
  std::memcpy(p.szProtocol, u"TCP", 6);
  return p;
}

inline absl::Status Install(Store &store, uint32_t n) {
  WSAPROTOCOL_INFOW e = Tcp();
  return InstallProvider(store, Provider(n), u"x.dll", &e, 1).status();
}

}  // namespace ws2emu::catalog

#endif  // WS2EMU_TESTS_HOSTILE_CATALOG_CATALOG_FIXTURES_H_
