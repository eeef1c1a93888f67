// WSAEnumProtocolsA/W (after WSAStartup, as on Windows) and the address-string conversions,
// which ws2_32 passes to a provider: the one of the given WSAPROTOCOL_INFO, or the first entry
// in catalog order for the address family (base entries and chains, not layered ones), started
// for the API like any other (State::ProviderFor).
#include <cstring>
#include <string>
#include <vector>

#include "base/utf.h"
#include "base/wsa_status.h"
#include "catalog/wsc_calls.h"
#include "winsock/call.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {
namespace {

// The entry for `family` (or the one `info` names) and its started provider; 0 or a WSA error.
// [inference] No entry for the family is WSAEINVAL, the documentation's "no transport provider
// supports the indicated address family".
int ProviderForFamily(int family, const WSAPROTOCOL_INFOW *info, WSAPROTOCOL_INFOW *entry,
                      const providers::StartedProvider **provider) {
  absl::StatusOr<std::vector<WSAPROTOCOL_INFOW>> entries = catalog::CurrentEntries(false);
  if (!entries.ok()) return WsaErrorOf(entries.status());
  bool found = false;
  for (const WSAPROTOCOL_INFOW &e : *entries) {
    if (e.ProtocolChain.ChainLen == LAYERED_PROTOCOL) continue;
    if (info != nullptr ? e.dwCatalogEntryId == info->dwCatalogEntryId
                        : e.iAddressFamily == family) {
      *entry = e;
      found = true;
      break;
    }
  }
  if (!found) return WSAEINVAL;
  int error = 0;
  *provider = State::Get().ProviderFor(entry->dwCatalogEntryId, &error);
  return *provider == nullptr ? error : 0;
}

int AddressToString(struct WS_sockaddr *address, DWORD length, const WSAPROTOCOL_INFOW *info,
                    std::u16string *text) {
  if (address == nullptr || length < sizeof(ADDRESS_FAMILY)) return WSAEFAULT;
  WSAPROTOCOL_INFOW entry;
  const providers::StartedProvider *p = nullptr;
  if (int e = ProviderForFamily(address->sa_family, info, &entry, &p); e != 0) return e;
  WCHAR buffer[256];
  DWORD n = 256;
  int error = 0;
  if (p->procs.lpWSPAddressToString(address, length, &entry, buffer, &n, &error) != 0) {
    return error;
  }
  text->assign(reinterpret_cast<const char16_t *>(buffer));
  return 0;
}

// Copies `text` and its terminator into a caller's buffer of *length characters; WSAEFAULT with
// the length needed when it does not fit (WSAAddressToString's documented contract).
template <typename Char>
int CopyOut(const std::basic_string<Char> &text, Char *out, LPDWORD length) {
  const DWORD needed = static_cast<DWORD>(text.size() + 1);
  if (out == nullptr || *length < needed) {
    *length = needed;
    return WSAEFAULT;
  }
  std::memcpy(out, text.c_str(), needed * sizeof(Char));
  *length = needed;
  return 0;
}

}  // namespace
}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

int WSAAPI WSAEnumProtocolsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                             LPDWORD lpdwBufferLength) {
  ApiCall api;
  if (!api) return api.Fail();
  return catalog::EnumProtocolsForApplicationsW(lpiProtocols, lpProtocolBuffer, lpdwBufferLength);
}

int WSAAPI WSAEnumProtocolsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                             LPDWORD lpdwBufferLength) {
  ApiCall api;
  if (!api) return api.Fail();
  return catalog::EnumProtocolsForApplicationsA(lpiProtocols, lpProtocolBuffer, lpdwBufferLength);
}

int WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength) {
  ApiCall api;
  if (!api) return api.Fail();
  if (lpdwAddressStringLength == nullptr) return FailWith(WSAEFAULT, SOCKET_ERROR);
  std::u16string text;
  if (int e = AddressToString(lpsaAddress, dwAddressLength, lpProtocolInfo, &text); e != 0) {
    return FailWith(e, SOCKET_ERROR);
  }
  if (int e = CopyOut(text, reinterpret_cast<char16_t *>(lpszAddressString),
                      lpdwAddressStringLength);
      e != 0) {
    return FailWith(e, SOCKET_ERROR);
  }
  return 0;
}

int WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength) {
  ApiCall api;
  if (!api) return api.Fail();
  if (lpdwAddressStringLength == nullptr) return FailWith(WSAEFAULT, SOCKET_ERROR);
  WSAPROTOCOL_INFOW w;
  if (lpProtocolInfo != nullptr) {
    std::memcpy(&w, lpProtocolInfo, offsetof(WSAPROTOCOL_INFOA, szProtocol));
    std::memset(w.szProtocol, 0, sizeof(w.szProtocol));
  }
  std::u16string text;
  if (int e = AddressToString(lpsaAddress, dwAddressLength,
                              lpProtocolInfo != nullptr ? &w : nullptr, &text);
      e != 0) {
    return FailWith(e, SOCKET_ERROR);
  }
  if (int e = CopyOut(Utf16ToUtf8(text), lpszAddressString, lpdwAddressStringLength); e != 0) {
    return FailWith(e, SOCKET_ERROR);
  }
  return 0;
}

int WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) {
  ApiCall api;
  if (!api) return api.Fail();
  if (AddressString == nullptr || lpAddressLength == nullptr) {
    return FailWith(WSAEFAULT, SOCKET_ERROR);
  }
  WSAPROTOCOL_INFOW entry;
  const providers::StartedProvider *p = nullptr;
  if (int e = ProviderForFamily(AddressFamily, lpProtocolInfo, &entry, &p); e != 0) {
    return FailWith(e, SOCKET_ERROR);
  }
  int error = 0;
  return Finish(p->procs.lpWSPStringToAddress(AddressString, AddressFamily, &entry, lpAddress,
                                              lpAddressLength, &error),
                error);
}

int WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) {
  ApiCall api;
  if (!api) return api.Fail();
  if (AddressString == nullptr) return FailWith(WSAEFAULT, SOCKET_ERROR);
  std::u16string wide = Utf8ToUtf16(AddressString);
  WSAPROTOCOL_INFOW w;
  if (lpProtocolInfo != nullptr) {
    std::memcpy(&w, lpProtocolInfo, offsetof(WSAPROTOCOL_INFOA, szProtocol));
    std::memset(w.szProtocol, 0, sizeof(w.szProtocol));
  }
  return WSAStringToAddressW(reinterpret_cast<LPWSTR>(wide.data()), AddressFamily,
                             lpProtocolInfo != nullptr ? &w : nullptr, lpAddress,
                             lpAddressLength);
}

}  // extern "C"
