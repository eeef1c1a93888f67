// The name-space catalog's operations and its WSC* calls (name_spaces.h). The WSC* calls report
// errors through the thread's last error (WSAGetLastError), as their pages say; there is one
// catalog here, so the *32 and 64_32 forms are the same calls.
#include "catalog/name_spaces.h"

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/debug.h"
#include "base/utf.h"
#include "base/wsa_status.h"
#include "boundary/last_error.h"
#include "catalog/default_entries.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::catalog {
namespace {

absl::Status CheckStrings(std::u16string_view identifier, std::u16string_view path) {
  if (identifier.empty() || path.empty()) {
    return WsaStatus(WSAEINVAL, "the identifier and the path of a name-space provider must not "
                                "be empty");
  }
  if (identifier.size() > kMaxNameSpaceIdentifier) {
    return WsaStatus(WSAEINVAL, absl::StrCat("the identifier is ", identifier.size(),
                                             " characters long; at most ",
                                             kMaxNameSpaceIdentifier));
  }
  if (path.size() + 1 > kMaxPath) {
    return WsaStatus(WSAEINVAL, absl::StrCat("the provider path is ", path.size(),
                                             " characters long; MAX_PATH is ", kMaxPath));
  }
  return absl::OkStatus();
}

absl::Status NotInstalled(const GUID &provider) {
  return WsaStatus(WSAEINVAL, absl::StrCat("name-space provider ", GuidToString(provider),
                                           " is not installed"));
}

}  // namespace

absl::Status InstallNameSpace(Store &store, const GUID &provider, std::u16string_view identifier,
                              std::u16string_view path, DWORD name_space, DWORD version,
                              std::string_view provider_specific) {
  if (absl::Status s = CheckStrings(identifier, path); !s.ok()) return s;
  if (provider_specific.size() > kMaxProviderSpecific) {
    return WsaStatus(WSAEINVAL, absl::StrCat("the provider-specific blob is ",
                                             provider_specific.size(), " bytes; at most ",
                                             kMaxProviderSpecific));
  }
  return store.Modify([&](Catalog &c) -> absl::Status {
    if (c.FindNameSpace(provider) != nullptr) {
      return WsaStatus(WSANO_RECOVERY, absl::StrCat("name-space provider ",
                                                    GuidToString(provider),
                                                    " is already installed"));
    }
    NameSpaceEntry n;
    n.provider = provider;
    n.identifier = std::u16string(identifier);
    n.path = std::u16string(path);
    n.name_space = name_space;
    n.version = version;
    n.active = true;  // a new provider is active (WSAEnumNameSpaceProviders: fActive TRUE)
    n.provider_specific = std::string(provider_specific);
    c.name_spaces.push_back(std::move(n));
    return absl::OkStatus();
  });
}

absl::Status UnInstallNameSpace(Store &store, const GUID &provider) {
  return store.Modify([&](Catalog &c) -> absl::Status {
    const size_t before = c.name_spaces.size();
    std::erase_if(c.name_spaces,
                  [&](const NameSpaceEntry &n) { return SameGuid(n.provider, provider); });
    return c.name_spaces.size() == before ? NotInstalled(provider) : absl::OkStatus();
  });
}

absl::Status EnableNameSpace(Store &store, const GUID &provider, bool active) {
  // Read first: enabling what is already so changes nothing, not even the file.
  absl::StatusOr<std::shared_ptr<const Catalog>> now = store.Read();
  if (!now.ok()) return now.status();
  const NameSpaceEntry *n = (*now)->FindNameSpace(provider);
  if (n == nullptr) return NotInstalled(provider);
  if (n->active == active) return absl::OkStatus();
  return store.Modify([&](Catalog &c) -> absl::Status {
    NameSpaceEntry *entry = c.FindNameSpace(provider);
    if (entry == nullptr) return NotInstalled(provider);
    entry->active = active;
    return absl::OkStatus();
  });
}

absl::Status WriteNameSpaceOrder(Store &store, const GUID *ids, uint32_t count) {
  if (ids == nullptr && count != 0) return WsaStatus(WSAEINVAL, "no list of GUIDs");
  return store.Modify([&](Catalog &c) -> absl::Status {
    if (count != c.name_spaces.size()) {
      return WsaStatus(WSAEINVAL, absl::StrCat("the order names ", count, " providers; ",
                                               c.name_spaces.size(), " are installed"));
    }
    std::vector<NameSpaceEntry> ordered;
    ordered.reserve(count);
    std::vector<bool> taken(c.name_spaces.size(), false);
    for (uint32_t i = 0; i < count; ++i) {
      size_t k = 0;
      while (k < c.name_spaces.size() && !SameGuid(c.name_spaces[k].provider, ids[i])) ++k;
      if (k == c.name_spaces.size() || taken[k]) {
        return WsaStatus(WSAEINVAL, absl::StrCat("name-space provider ", GuidToString(ids[i]),
                                                 k == c.name_spaces.size()
                                                     ? " is not installed"
                                                     : " is named twice"));
      }
      taken[k] = true;
      ordered.push_back(c.name_spaces[k]);
    }
    c.name_spaces = std::move(ordered);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<NameSpaceEntry>> NameSpaces(Store &store) {
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  if (!c.ok()) return c.status();
  return (*c)->name_spaces;
}

namespace {

template <typename Info>
int EnumInto(const std::vector<NameSpaceEntry> &list, LPDWORD length, void *buffer, bool ansi,
             bool ex) {
  // The identifiers in the caller's characters, each with its terminator.
  std::vector<std::string> narrow;
  std::vector<std::u16string> wide;
  uint64_t needed = list.size() * sizeof(Info);
  for (const NameSpaceEntry &n : list) {
    if (ansi) {
      narrow.push_back(Utf16ToUtf8(n.identifier));
      needed += narrow.back().size() + 1;
    } else {
      wide.push_back(n.identifier);
      needed = (needed + 1) & ~uint64_t{1};
      needed += (n.identifier.size() + 1) * sizeof(char16_t);
    }
    if (ex) needed += n.provider_specific.size();
  }
  needed = (needed + 7) & ~uint64_t{7};
  if (needed > UINT32_MAX) {
    SetThreadLastError(WSA_NOT_ENOUGH_MEMORY);
    return SOCKET_ERROR;
  }
  if (buffer == nullptr || *length < needed) {
    *length = static_cast<DWORD>(needed);
    SetThreadLastError(WSAEFAULT);
    return SOCKET_ERROR;
  }
  auto *base = static_cast<unsigned char *>(buffer);
  size_t at = list.size() * sizeof(Info);
  for (size_t i = 0; i < list.size(); ++i) {
    const NameSpaceEntry &n = list[i];
    Info info;
    std::memset(&info, 0, sizeof(info));
    info.NSProviderId = n.provider;
    info.dwNameSpace = n.name_space;
    info.fActive = n.active ? TRUE : FALSE;
    info.dwVersion = n.version;
    if (ansi) {
      std::memcpy(base + at, narrow[i].c_str(), narrow[i].size() + 1);
      reinterpret_cast<void *&>(info.lpszIdentifier) = base + at;
      at += narrow[i].size() + 1;
    } else {
      at = (at + 1) & ~size_t{1};
      std::memcpy(base + at, wide[i].c_str(), (wide[i].size() + 1) * sizeof(char16_t));
      reinterpret_cast<void *&>(info.lpszIdentifier) = base + at;
      at += (wide[i].size() + 1) * sizeof(char16_t);
    }
    if constexpr (requires { info.ProviderSpecific; }) {
      info.ProviderSpecific.cbSize = static_cast<ULONG>(n.provider_specific.size());
      if (!n.provider_specific.empty()) {
        std::memcpy(base + at, n.provider_specific.data(), n.provider_specific.size());
        info.ProviderSpecific.pBlobData = base + at;
        at += n.provider_specific.size();
      }
    }
    std::memcpy(base + i * sizeof(Info), &info, sizeof(info));
  }
  return static_cast<int>(list.size());
}

}  // namespace

int EnumNameSpaceProviders(LPDWORD length, void *buffer, bool ansi, bool ex) {
  if (length == nullptr) {
    SetThreadLastError(WSAEFAULT);
    return SOCKET_ERROR;
  }
  absl::StatusOr<std::vector<NameSpaceEntry>> list = NameSpaces(Store::ForCurrentPath());
  if (!list.ok()) {
    DebugLog("catalog", "%s", std::string(list.status().message()).c_str());
    SetThreadLastError(static_cast<uint32_t>(WsaErrorOf(list.status())));
    return SOCKET_ERROR;
  }
  try {
    if (ex) {
      return ansi ? EnumInto<WSANAMESPACE_INFOEXA>(*list, length, buffer, true, true)
                  : EnumInto<WSANAMESPACE_INFOEXW>(*list, length, buffer, false, true);
    }
    return ansi ? EnumInto<WSANAMESPACE_INFOA>(*list, length, buffer, true, false)
                : EnumInto<WSANAMESPACE_INFOW>(*list, length, buffer, false, false);
  } catch (const std::bad_alloc &) {
    SetThreadLastError(WSA_NOT_ENOUGH_MEMORY);
    return SOCKET_ERROR;
  }
}

}  // namespace ws2emu::catalog

using namespace ws2emu;  // NOLINT: the boundary functions below are extern "C"

namespace {

int Report(const absl::Status &s) {
  if (s.ok()) return 0;
  DebugLog("catalog", "%s", std::string(s.message()).c_str());
  SetThreadLastError(static_cast<uint32_t>(WsaErrorOf(s)));
  return SOCKET_ERROR;
}

std::u16string_view Wide(const WCHAR *s) {
  return std::u16string_view(reinterpret_cast<const char16_t *>(s));
}

// WSCInstallNameSpace[Ex]: the strings and the GUID are required (WSAEINVAL, the only argument
// error the pages list); a blob with a size needs its data. [inference] A NULL lpProviderSpecific
// or a zero cbSize is "no blob".
int InstallNameSpace(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace,
                     DWORD dwVersion, LPGUID lpProviderId, LPBLOB lpProviderSpecific) {
  if (lpszIdentifier == nullptr || lpszPathName == nullptr || lpProviderId == nullptr ||
      (lpProviderSpecific != nullptr && lpProviderSpecific->cbSize != 0 &&
       lpProviderSpecific->pBlobData == nullptr)) {
    SetThreadLastError(WSAEINVAL);
    return SOCKET_ERROR;
  }
  std::string_view blob;
  if (lpProviderSpecific != nullptr && lpProviderSpecific->cbSize != 0) {
    blob = std::string_view(reinterpret_cast<const char *>(lpProviderSpecific->pBlobData),
                            lpProviderSpecific->cbSize);
  }
  return Report(catalog::InstallNameSpace(catalog::Store::ForCurrentPath(), *lpProviderId,
                                          Wide(lpszIdentifier), Wide(lpszPathName), dwNameSpace,
                                          dwVersion, blob));
}

int UnInstallNameSpace(LPGUID lpProviderId) {
  if (lpProviderId == nullptr) {
    SetThreadLastError(WSAEINVAL);
    return SOCKET_ERROR;
  }
  return Report(catalog::UnInstallNameSpace(catalog::Store::ForCurrentPath(), *lpProviderId));
}

int EnableNSProvider(LPGUID lpProviderId, BOOL fEnable) {
  if (lpProviderId == nullptr) {
    SetThreadLastError(WSAEINVAL);
    return SOCKET_ERROR;
  }
  return Report(
      catalog::EnableNameSpace(catalog::Store::ForCurrentPath(), *lpProviderId, fEnable != 0));
}

}  // namespace

extern "C" {

INT WSAAPI WSCInstallNameSpace(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace,
                               DWORD dwVersion, LPGUID lpProviderId) {
  return InstallNameSpace(lpszIdentifier, lpszPathName, dwNameSpace, dwVersion, lpProviderId,
                          nullptr);
}

INT WSAAPI WSCInstallNameSpace32(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace,
                                 DWORD dwVersion, LPGUID lpProviderId) {
  return InstallNameSpace(lpszIdentifier, lpszPathName, dwNameSpace, dwVersion, lpProviderId,
                          nullptr);
}

INT WSAAPI WSCInstallNameSpace64_32(LPWSTR lpszIdentifier, LPWSTR lpszPathName,
                                    DWORD dwNameSpace, DWORD dwVersion, LPGUID lpProviderId) {
  return InstallNameSpace(lpszIdentifier, lpszPathName, dwNameSpace, dwVersion, lpProviderId,
                          nullptr);
}

INT WSAAPI WSCInstallNameSpaceEx(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace,
                                 DWORD dwVersion, LPGUID lpProviderId,
                                 LPBLOB lpProviderSpecific) {
  return InstallNameSpace(lpszIdentifier, lpszPathName, dwNameSpace, dwVersion, lpProviderId,
                          lpProviderSpecific);
}

INT WSAAPI WSCInstallNameSpaceEx32(LPWSTR lpszIdentifier, LPWSTR lpszPathName,
                                   DWORD dwNameSpace, DWORD dwVersion, LPGUID lpProviderId,
                                   LPBLOB lpProviderSpecific) {
  return InstallNameSpace(lpszIdentifier, lpszPathName, dwNameSpace, dwVersion, lpProviderId,
                          lpProviderSpecific);
}

INT WSAAPI WSCInstallNameSpaceEx64_32(LPWSTR lpszIdentifier, LPWSTR lpszPathName,
                                      DWORD dwNameSpace, DWORD dwVersion, LPGUID lpProviderId,
                                      LPBLOB lpProviderSpecific) {
  return InstallNameSpace(lpszIdentifier, lpszPathName, dwNameSpace, dwVersion, lpProviderId,
                          lpProviderSpecific);
}

INT WSAAPI WSCUnInstallNameSpace(LPGUID lpProviderId) { return UnInstallNameSpace(lpProviderId); }
INT WSAAPI WSCUnInstallNameSpace32(LPGUID lpProviderId) {
  return UnInstallNameSpace(lpProviderId);
}

INT WSAAPI WSCEnableNSProvider(LPGUID lpProviderId, BOOL fEnable) {
  return EnableNSProvider(lpProviderId, fEnable);
}
INT WSAAPI WSCEnableNSProvider32(LPGUID lpProviderId, BOOL fEnable) {
  return EnableNSProvider(lpProviderId, fEnable);
}

// Like WSCWriteProviderOrder, the error is the return value (no lpErrno, no last error).
INT WSAAPI WSCWriteNameSpaceOrder(LPGUID lpProviderId, DWORD dwNumberOfEntries) {
  absl::Status s = catalog::WriteNameSpaceOrder(catalog::Store::ForCurrentPath(), lpProviderId,
                                                dwNumberOfEntries);
  if (s.ok()) return 0;
  DebugLog("catalog", "%s", std::string(s.message()).c_str());
  return WsaErrorOf(s);
}

INT WSAAPI WSCWriteNameSpaceOrder32(LPGUID lpProviderId, DWORD dwNumberOfEntries) {
  return WSCWriteNameSpaceOrder(lpProviderId, dwNumberOfEntries);
}

INT WSAAPI WSCEnumNameSpaceProviders32(LPDWORD lpdwBufferLength,
                                       LPWSANAMESPACE_INFOW lpnspBuffer) {
  return catalog::EnumNameSpaceProviders(lpdwBufferLength, lpnspBuffer, false, false);
}

INT WSAAPI WSCEnumNameSpaceProvidersEx32(LPDWORD lpdwBufferLength,
                                         LPWSANAMESPACE_INFOEXW lpnspBuffer) {
  return catalog::EnumNameSpaceProviders(lpdwBufferLength, lpnspBuffer, false, true);
}

}  // extern "C"
