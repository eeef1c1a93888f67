// The catalog calls with their Windows signatures (SPEC.md §7): WSC*, their *32 / 64_32 forms
// (there is one catalog here, so they are the same calls), WSAEnumProtocolsA/W, and the path
// lookup WPUGetProviderPath shares with WSCGetProviderPath. The semantics live in
// lib/catalog/operations.cc; this file checks pointers and converts errors.
#include <cstring>
#include <string>

#include "base/debug.h"
#include "base/utf.h"
#include "base/wsa_status.h"
#include "catalog/operations.h"
#include "boundary/last_error.h"
#include "catalog/wsc_calls.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu {
namespace {

using catalog::Store;

Store &CurrentStore() { return Store::ForCurrentPath(); }

// Debug aid: with WS2EMU_DEBUG on (base/debug.h), a failed catalog call says why on stderr
// (the WSA error alone rarely tells an installer's author what was wrong).
int Fail(const absl::Status &status, LPINT lpErrno) {
  DebugLog("catalog", "%s", std::string(status.message()).c_str());
  *lpErrno = WsaErrorOf(status);
  return SOCKET_ERROR;
}

std::u16string_view Wide(const WCHAR *s) {
  return std::u16string_view(reinterpret_cast<const char16_t *>(s));
}

}  // namespace

// WSCGetProviderPath and WPUGetProviderPath. [inference] On WSAEFAULT for a small buffer the
// required length, terminator included, is written back (SPEC.md §6.8); on success the length
// is left as it was, since Windows documents nothing there.
int GetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
                    LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  if (lpProviderId == nullptr) {
    *lpErrno = WSAEINVAL;
    return SOCKET_ERROR;
  }
  if (lpProviderDllPathLen == nullptr) {
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  absl::StatusOr<std::u16string> path = catalog::ProviderPath(CurrentStore(), *lpProviderId);
  if (!path.ok()) return Fail(path.status(), lpErrno);
  const int needed = static_cast<int>(path->size() + 1);
  if (lpszProviderDllPath == nullptr || *lpProviderDllPathLen < needed) {
    *lpProviderDllPathLen = needed;
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  std::memcpy(lpszProviderDllPath, path->c_str(), static_cast<size_t>(needed) * sizeof(WCHAR));
  return 0;
}

}  // namespace ws2emu

using namespace ws2emu;  // NOLINT: the boundary functions below are extern "C"

namespace {

int EnumInto(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW buffer, LPDWORD lpdwBufferLength,
             bool application_view, int *error) {
  if (lpdwBufferLength == nullptr) {
    *error = WSAEFAULT;
    return SOCKET_ERROR;
  }
  absl::StatusOr<std::vector<WSAPROTOCOL_INFOW>> entries =
      catalog::EnumProtocols(CurrentStore(), lpiProtocols, application_view);
  if (!entries.ok()) return Fail(entries.status(), error);
  const uint64_t needed = entries->size() * sizeof(WSAPROTOCOL_INFOW);
  // An empty result fits any buffer, even none.
  if (needed > 0 && (buffer == nullptr || *lpdwBufferLength < needed)) {
    *lpdwBufferLength = static_cast<DWORD>(needed);
    *error = WSAENOBUFS;
    return SOCKET_ERROR;
  }
  if (!entries->empty()) std::memcpy(buffer, entries->data(), needed);
  return static_cast<int>(entries->size());
}

int InstallProviderAndChains(LPGUID lpProviderId, const LPWSTR lpszProviderDllPath,
                             const LPWSTR lpszLspName, DWORD dwServiceFlags,
                             LPWSAPROTOCOL_INFOW lpProtocolInfoList, DWORD dwNumberOfEntries,
                             LPDWORD lpdwCatalogEntryId, LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  if (lpProviderId == nullptr || lpszProviderDllPath == nullptr || lpszLspName == nullptr) {
    *lpErrno = WSAEINVAL;  // documented: a NULL lpProviderId is WSAEINVAL here
    return SOCKET_ERROR;
  }
  absl::StatusOr<uint32_t> id = catalog::InstallProviderAndChains(
      CurrentStore(), *lpProviderId, Wide(lpszProviderDllPath), Wide(lpszLspName),
      dwServiceFlags, lpProtocolInfoList, dwNumberOfEntries);
  if (!id.ok()) return Fail(id.status(), lpErrno);
  if (lpdwCatalogEntryId != nullptr) *lpdwCatalogEntryId = *id;
  return 0;
}

// WSCInstallProvider and WSCUpdateProvider: a GUID, a path and a list are required; without
// them WSAEFAULT (without lpErrno nothing can be reported).
bool ProviderArgumentsPresent(const GUID *id, const WCHAR *path, const WSAPROTOCOL_INFOW *list,
                              LPINT lpErrno) {
  if (lpErrno == nullptr) return false;
  if (id == nullptr || path == nullptr || list == nullptr) {
    *lpErrno = WSAEFAULT;
    return false;
  }
  return true;
}

// The checks WSCGetProviderInfo and WSCSetProviderInfo share, in their order: the GUID, the info
// class (ProviderInfoAudit is ERROR_CALL_NOT_IMPLEMENTED, as documented), Flags. 0 when they pass.
int InfoRequestError(const GUID *lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, DWORD Flags) {
  if (lpProviderId == nullptr) return WSAEINVAL;
  if (InfoType == ProviderInfoAudit) return ERROR_CALL_NOT_IMPLEMENTED;
  if (InfoType != ProviderInfoLspCategories || Flags != 0) return WSAEINVAL;
  return 0;
}

// WSCGetProviderInfo and its 32 form. The order of the checks: lpErrno (without it nothing can be
// reported), the GUID, the info class (ProviderInfoAudit is ERROR_CALL_NOT_IMPLEMENTED, as
// documented), Flags, InfoSize, then the catalog.
// [inference] Flags: none is defined, so any nonzero value is WSAEINVAL. A NULL InfoSize is
// WSAEFAULT. A NULL Info or a buffer smaller than a DWORD fails with WSAEFAULT and the size
// needed in *InfoSize: the page says the call fails and reports the size but names no code, and
// WSAEFAULT is the documented code the sibling WSCGetProviderPath gives for a short buffer
// (WSAENOBUFS is not in the Get page's list). On success *InfoSize is the size written.
// A provider that never had categories set reads as 0 (uncategorized).
int GetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                    size_t *InfoSize, DWORD Flags, LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  int error = InfoRequestError(lpProviderId, InfoType, Flags);
  if (error == 0 && InfoSize == nullptr) error = WSAEFAULT;
  if (error != 0) {
    *lpErrno = error;
    return SOCKET_ERROR;
  }
  absl::StatusOr<DWORD> categories = catalog::GetLspCategories(CurrentStore(), *lpProviderId);
  if (!categories.ok()) return Fail(categories.status(), lpErrno);
  if (Info == nullptr || *InfoSize < sizeof(DWORD)) {
    *InfoSize = sizeof(DWORD);
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  std::memcpy(Info, &*categories, sizeof(DWORD));  // Info need not be aligned
  *InfoSize = sizeof(DWORD);
  return 0;
}

// WSCSetProviderInfo and its 32 form: the same checks; the info is a DWORD of LSP_* flags,
// InfoSize exactly sizeof(DWORD) [inference: any other size is WSAEINVAL], a NULL Info
// WSAEFAULT.
int SetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                    size_t InfoSize, DWORD Flags, LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  int error = InfoRequestError(lpProviderId, InfoType, Flags);
  if (error == 0 && Info == nullptr) {
    error = WSAEFAULT;
  } else if (error == 0 && InfoSize != sizeof(DWORD)) {
    error = WSAEINVAL;
  }
  if (error != 0) {
    *lpErrno = error;
    return SOCKET_ERROR;
  }
  DWORD categories = 0;
  std::memcpy(&categories, Info, sizeof(categories));
  absl::Status s = catalog::SetLspCategories(CurrentStore(), *lpProviderId, categories);
  return s.ok() ? 0 : Fail(s, lpErrno);
}

// An application's path and extra string as given (lengths in characters, no terminator).
// [inference] Extra NULL is "no extra string", the same as an empty one; a NULL Extra with a
// nonzero length, a NULL or empty Path, are WSAEINVAL.
bool ApplicationStrings(LPCWSTR Path, DWORD PathLength, LPCWSTR Extra, DWORD ExtraLength,
                        std::u16string_view *path, std::u16string_view *extra, LPINT lpErrno) {
  if (Path == nullptr || PathLength == 0 || (Extra == nullptr && ExtraLength != 0)) {
    *lpErrno = WSAEINVAL;
    return false;
  }
  *path = std::u16string_view(reinterpret_cast<const char16_t *>(Path), PathLength);
  *extra = Extra == nullptr
               ? std::u16string_view()
               : std::u16string_view(reinterpret_cast<const char16_t *>(Extra), ExtraLength);
  return true;
}

}  // namespace

extern "C" {

int WSPAPI WSCInstallProvider(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                              const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                              DWORD dwNumberOfEntries, LPINT lpErrno) {
  if (!ProviderArgumentsPresent(lpProviderId, lpszProviderDllPath, lpProtocolInfoList, lpErrno))
    return SOCKET_ERROR;
  absl::StatusOr<std::vector<uint32_t>> ids =
      catalog::InstallProvider(CurrentStore(), *lpProviderId, Wide(lpszProviderDllPath),
                               lpProtocolInfoList, dwNumberOfEntries);
  if (!ids.ok()) return Fail(ids.status(), lpErrno);
  return 0;
}

int WSPAPI WSCInstallProvider64_32(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                                   const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                   DWORD dwNumberOfEntries, LPINT lpErrno) {
  return WSCInstallProvider(lpProviderId, lpszProviderDllPath, lpProtocolInfoList,
                            dwNumberOfEntries, lpErrno);
}

int WSPAPI WSCInstallProviderAndChains(LPGUID lpProviderId, const LPWSTR lpszProviderDllPath,
                                       const LPWSTR lpszLspName, DWORD dwServiceFlags,
                                       LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                       DWORD dwNumberOfEntries, LPDWORD lpdwCatalogEntryId,
                                       LPINT lpErrno) {
  return InstallProviderAndChains(lpProviderId, lpszProviderDllPath, lpszLspName,
                                  dwServiceFlags, lpProtocolInfoList, dwNumberOfEntries,
                                  lpdwCatalogEntryId, lpErrno);
}

// Without a separate 32-bit path, Windows requires the 64-bit one to be
// %windir%\system32\<dll> (so that WOW64 finds the 32-bit DLL in syswow64); the same check is
// made here. [inference] %SystemRoot% is accepted as the same folder.
int WSPAPI WSCInstallProviderAndChains64_32(LPGUID lpProviderId,
                                            const LPWSTR lpszProviderDllPath,
                                            const LPWSTR lpszProviderDllPath32,
                                            const LPWSTR lpszLspName, DWORD dwServiceFlags,
                                            LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                            DWORD dwNumberOfEntries, LPDWORD lpdwCatalogEntryId,
                                            LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  if (lpszProviderDllPath32 == nullptr && lpszProviderDllPath != nullptr) {
    std::u16string path(Wide(lpszProviderDllPath));
    for (char16_t &c : path) {
      if (c >= u'A' && c <= u'Z') c = static_cast<char16_t>(c + 32);
    }
    size_t prefix = 0;
    for (std::u16string_view p : {std::u16string_view(u"%windir%\\system32\\"),
                                  std::u16string_view(u"%systemroot%\\system32\\")}) {
      if (path.starts_with(p)) prefix = p.size();
    }
    // A file directly in that folder: a name after the prefix, and no further folder.
    if (prefix == 0 || path.size() == prefix ||
        path.find(u'\\', prefix) != std::u16string::npos) {
      *lpErrno = WSAEINVAL;
      return SOCKET_ERROR;
    }
  }
  return InstallProviderAndChains(lpProviderId, lpszProviderDllPath, lpszLspName,
                                  dwServiceFlags, lpProtocolInfoList, dwNumberOfEntries,
                                  lpdwCatalogEntryId, lpErrno);
}

int WSPAPI WSCDeinstallProvider(LPGUID lpProviderId, LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  if (lpProviderId == nullptr) {
    *lpErrno = WSAEINVAL;
    return SOCKET_ERROR;
  }
  absl::Status s = catalog::DeinstallProvider(CurrentStore(), *lpProviderId);
  return s.ok() ? 0 : Fail(s, lpErrno);
}

int WSPAPI WSCDeinstallProvider32(LPGUID lpProviderId, LPINT lpErrno) {
  return WSCDeinstallProvider(lpProviderId, lpErrno);
}

int WSPAPI WSCEnumProtocols(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                            LPDWORD lpdwBufferLength, LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  return EnumInto(lpiProtocols, lpProtocolBuffer, lpdwBufferLength, false, lpErrno);
}

int WSPAPI WSCEnumProtocols32(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                              LPDWORD lpdwBufferLength, LPINT lpErrno) {
  return WSCEnumProtocols(lpiProtocols, lpProtocolBuffer, lpdwBufferLength, lpErrno);
}

int WSPAPI WSCGetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                              LPINT lpProviderDllPathLen, LPINT lpErrno) {
  return GetProviderPath(lpProviderId, lpszProviderDllPath, lpProviderDllPathLen, lpErrno);
}

int WSPAPI WSCGetProviderPath32(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                                LPINT lpProviderDllPathLen, LPINT lpErrno) {
  return GetProviderPath(lpProviderId, lpszProviderDllPath, lpProviderDllPathLen, lpErrno);
}

int WSPAPI WSCUpdateProvider(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                             const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                             DWORD dwNumberOfEntries, LPINT lpErrno) {
  if (!ProviderArgumentsPresent(lpProviderId, lpszProviderDllPath, lpProtocolInfoList, lpErrno))
    return SOCKET_ERROR;
  absl::Status s = catalog::UpdateProvider(CurrentStore(), *lpProviderId,
                                           Wide(lpszProviderDllPath), lpProtocolInfoList,
                                           dwNumberOfEntries);
  return s.ok() ? 0 : Fail(s, lpErrno);
}

int WSPAPI WSCUpdateProvider32(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                               const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                               DWORD dwNumberOfEntries, LPINT lpErrno) {
  return WSCUpdateProvider(lpProviderId, lpszProviderDllPath, lpProtocolInfoList,
                           dwNumberOfEntries, lpErrno);
}

// The error code is the return value; there is no lpErrno.
int WSPAPI WSCWriteProviderOrder(LPDWORD lpwdCatalogEntryId, DWORD dwNumberOfEntries) {
  absl::Status s =
      catalog::WriteProviderOrder(CurrentStore(), lpwdCatalogEntryId, dwNumberOfEntries);
  if (s.ok()) return ERROR_SUCCESS;
  int error = 0;
  Fail(s, &error);
  return error;
}

int WSPAPI WSCWriteProviderOrder32(LPDWORD lpwdCatalogEntryId, DWORD dwNumberOfEntries) {
  return WSCWriteProviderOrder(lpwdCatalogEntryId, dwNumberOfEntries);
}

int WSPAPI WSCGetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                              size_t *InfoSize, DWORD Flags, LPINT lpErrno) {
  return GetProviderInfo(lpProviderId, InfoType, Info, InfoSize, Flags, lpErrno);
}

int WSPAPI WSCGetProviderInfo32(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType,
                                PBYTE Info, size_t *InfoSize, DWORD Flags, LPINT lpErrno) {
  return GetProviderInfo(lpProviderId, InfoType, Info, InfoSize, Flags, lpErrno);
}

int WSPAPI WSCSetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                              size_t InfoSize, DWORD Flags, LPINT lpErrno) {
  return SetProviderInfo(lpProviderId, InfoType, Info, InfoSize, Flags, lpErrno);
}

int WSPAPI WSCSetProviderInfo32(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType,
                                PBYTE Info, size_t InfoSize, DWORD Flags, LPINT lpErrno) {
  return SetProviderInfo(lpProviderId, InfoType, Info, InfoSize, Flags, lpErrno);
}

// Documented errors: WSAEFAULT, WSAEINVAL, WSASERVICE_NOT_FOUND (never categorized),
// WSANO_RECOVERY. A NULL pPermittedLspCategories is WSAEFAULT.
int WSPAPI WSCGetApplicationCategory(LPCWSTR Path, DWORD PathLength, LPCWSTR Extra,
                                     DWORD ExtraLength, DWORD *pPermittedLspCategories,
                                     LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  std::u16string_view path, extra;
  if (!ApplicationStrings(Path, PathLength, Extra, ExtraLength, &path, &extra, lpErrno))
    return SOCKET_ERROR;
  if (pPermittedLspCategories == nullptr) {
    *lpErrno = WSAEFAULT;
    return SOCKET_ERROR;
  }
  absl::StatusOr<DWORD> permitted = catalog::GetApplicationCategory(CurrentStore(), path, extra);
  if (!permitted.ok()) return Fail(permitted.status(), lpErrno);
  *pPermittedLspCategories = *permitted;
  return 0;
}

// Documented errors: WSAEFAULT, WSAEINVAL, WSANO_RECOVERY. pPrevPermLspCat is optional.
int WSPAPI WSCSetApplicationCategory(LPCWSTR Path, DWORD PathLength, LPCWSTR Extra,
                                     DWORD ExtraLength, DWORD PermittedLspCategories,
                                     DWORD *pPrevPermLspCat, LPINT lpErrno) {
  if (lpErrno == nullptr) return SOCKET_ERROR;
  std::u16string_view path, extra;
  if (!ApplicationStrings(Path, PathLength, Extra, ExtraLength, &path, &extra, lpErrno))
    return SOCKET_ERROR;
  absl::StatusOr<DWORD> previous =
      catalog::SetApplicationCategory(CurrentStore(), path, extra, PermittedLspCategories);
  if (!previous.ok()) return Fail(previous.status(), lpErrno);
  if (pPrevPermLspCat != nullptr) *pPrevPermLspCat = *previous;
  return 0;
}

}  // extern "C"

namespace ws2emu::catalog {

// WSAEnumProtocolsW and A once the Winsock API has checked start-up (lib/winsock/protocols.cc).
int EnumProtocolsForApplicationsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                                  LPDWORD lpdwBufferLength) {
  int error = 0;
  int n = EnumInto(lpiProtocols, lpProtocolBuffer, lpdwBufferLength, true, &error);
  if (n == SOCKET_ERROR) SetThreadLastError(static_cast<uint32_t>(error));
  return n;
}

// The A form: the same entries with szProtocol in the ANSI code page (UTF-8 here), cut at a
// character boundary to fit 255 bytes.
int EnumProtocolsForApplicationsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                                  LPDWORD lpdwBufferLength) {
  if (lpdwBufferLength == nullptr) {
    SetThreadLastError(WSAEFAULT);
    return SOCKET_ERROR;
  }
  absl::StatusOr<std::vector<WSAPROTOCOL_INFOW>> entries =
      catalog::EnumProtocols(CurrentStore(), lpiProtocols, true);
  if (!entries.ok()) {
    int error = 0;
    Fail(entries.status(), &error);
    SetThreadLastError(static_cast<uint32_t>(error));
    return SOCKET_ERROR;
  }
  const uint64_t needed = entries->size() * sizeof(WSAPROTOCOL_INFOA);
  if (needed > 0 && (lpProtocolBuffer == nullptr || *lpdwBufferLength < needed)) {
    *lpdwBufferLength = static_cast<DWORD>(needed);
    SetThreadLastError(WSAENOBUFS);
    return SOCKET_ERROR;
  }
  for (size_t i = 0; i < entries->size(); ++i) {
    const WSAPROTOCOL_INFOW &w = (*entries)[i];
    WSAPROTOCOL_INFOA &a = lpProtocolBuffer[i];
    std::memcpy(&a, &w, offsetof(WSAPROTOCOL_INFOW, szProtocol));
    std::string name = Utf16ToUtf8(catalog::ProtocolName(w));
    size_t n = std::min<size_t>(name.size(), WSAPROTOCOL_LEN);
    while (n > 0 && n < name.size() && (static_cast<unsigned char>(name[n]) & 0xc0) == 0x80) --n;
    std::memset(a.szProtocol, 0, sizeof(a.szProtocol));
    std::memcpy(a.szProtocol, name.data(), n);
  }
  return static_cast<int>(entries->size());
}

absl::StatusOr<std::vector<WSAPROTOCOL_INFOW>> CurrentEntries(bool application_view) {
  return EnumProtocols(CurrentStore(), nullptr, application_view);
}

}  // namespace ws2emu::catalog
