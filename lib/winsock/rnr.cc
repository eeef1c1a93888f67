// Registration and name resolution (RnR) through the name-space providers: WSALookupService*,
// WSASetService, the service class calls and WSAEnumNameSpaceProviders*, with the start-up
// check and the A <-> W conversions (ANSI is UTF-8 here, as for WSAEnumProtocolsA). The routing
// itself is lib/namespaces/routing.h; the catalog part lib/catalog/name_spaces.h.
//
// The A forms convert the query set to W (every string; the other members are passed as they
// are) and each W result set back into the caller's buffer, everything it points to copied in
// after the structure — also what a provider left outside its buffer. A result set that does not
// fit the caller's A buffer is WSAEFAULT with the size needed, and is kept with the handle so
// that the next call (with a larger buffer) returns it, as the W form's provider keeps it;
// LUP_FLUSHPREVIOUS drops it and moves on.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "base/utf.h"
#include "boundary/last_error.h"
#include "catalog/name_spaces.h"
#include "namespaces/result_set.h"
#include "namespaces/routing.h"
#include "winsock/winsock.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {
namespace {

// The largest first scratch buffer for a W result set (the provider says if it needs more).
constexpr size_t kFirstScratch = 64 * 1024;

int Fail(int error) {
  SetThreadLastError(static_cast<uint32_t>(error));
  return SOCKET_ERROR;
}

int Done(int error) { return error == 0 ? 0 : Fail(error); }

// A query set's strings as UTF-16, kept alive with the W query set that points to them.
struct WideQuery {
  WSAQUERYSETW set;
  std::u16string name, comment, context, query;
};

const char16_t *WidenInto(const char *s, std::u16string *store) {
  if (s == nullptr) return nullptr;
  *store = Utf8ToUtf16(s);
  return store->c_str();
}

void Widen(const WSAQUERYSETA &a, WideQuery *w) {
  static_assert(sizeof(WSAQUERYSETA) == sizeof(WSAQUERYSETW));
  std::memcpy(&w->set, &a, sizeof(a));  // same layout; the strings are replaced below
  w->set.lpszServiceInstanceName =
      reinterpret_cast<LPWSTR>(const_cast<char16_t *>(WidenInto(a.lpszServiceInstanceName, &w->name)));
  w->set.lpszComment =
      reinterpret_cast<LPWSTR>(const_cast<char16_t *>(WidenInto(a.lpszComment, &w->comment)));
  w->set.lpszContext =
      reinterpret_cast<LPWSTR>(const_cast<char16_t *>(WidenInto(a.lpszContext, &w->context)));
  w->set.lpszQueryString =
      reinterpret_cast<LPWSTR>(const_cast<char16_t *>(WidenInto(a.lpszQueryString, &w->query)));
}

// Packs the W result set as an A one at `out` (null: only measures). Returns the size.
size_t PackAnsi(const WSAQUERYSETW &w, unsigned char *out) {
  namespaces::Packer pack(sizeof(WSAQUERYSETA));
  auto narrow = [](const WCHAR *s) {
    return s == nullptr ? std::string() : Utf16ToUtf8(reinterpret_cast<const char16_t *>(s));
  };
  const std::string name = narrow(w.lpszServiceInstanceName), comment = narrow(w.lpszComment),
                    context = narrow(w.lpszContext), query = narrow(w.lpszQueryString);
  const size_t name_at = w.lpszServiceInstanceName ? pack.Reserve(name.size() + 1, 1) : 0;
  const size_t comment_at = w.lpszComment ? pack.Reserve(comment.size() + 1, 1) : 0;
  const size_t context_at = w.lpszContext ? pack.Reserve(context.size() + 1, 1) : 0;
  const size_t query_at = w.lpszQueryString ? pack.Reserve(query.size() + 1, 1) : 0;
  const size_t class_at = w.lpServiceClassId ? pack.Reserve(sizeof(GUID)) : 0;
  const size_t provider_at = w.lpNSProviderId ? pack.Reserve(sizeof(GUID)) : 0;
  const size_t version_at = w.lpVersion ? pack.Reserve(sizeof(WSAVERSION)) : 0;
  const DWORD protocols = w.lpafpProtocols ? w.dwNumberOfProtocols : 0;
  const size_t afp_at = protocols ? pack.Reserve(protocols * sizeof(AFPROTOCOLS)) : 0;
  const DWORD cs = w.lpcsaBuffer ? w.dwNumberOfCsAddrs : 0;
  const size_t cs_at = cs ? pack.Reserve(cs * sizeof(CSADDR_INFO)) : 0;
  std::vector<size_t> local_at(cs), remote_at(cs);
  for (DWORD i = 0; i < cs; ++i) {
    const CSADDR_INFO &c = w.lpcsaBuffer[i];
    if (c.LocalAddr.lpSockaddr && c.LocalAddr.iSockaddrLength > 0)
      local_at[i] = pack.Reserve(static_cast<size_t>(c.LocalAddr.iSockaddrLength));
    if (c.RemoteAddr.lpSockaddr && c.RemoteAddr.iSockaddrLength > 0)
      remote_at[i] = pack.Reserve(static_cast<size_t>(c.RemoteAddr.iSockaddrLength));
  }
  const size_t blob_at = w.lpBlob ? pack.Reserve(sizeof(BLOB)) : 0;
  const size_t blob_data_at =
      (w.lpBlob && w.lpBlob->cbSize && w.lpBlob->pBlobData) ? pack.Reserve(w.lpBlob->cbSize) : 0;
  const size_t size = pack.Size();
  if (out == nullptr) return size;
  std::memset(out, 0, size);
  WSAQUERYSETA a;
  std::memset(&a, 0, sizeof(a));
  a.dwSize = sizeof(WSAQUERYSETA);
  a.dwNameSpace = w.dwNameSpace;
  a.dwOutputFlags = w.dwOutputFlags;
  auto put_string = [&](const std::string &s, size_t at) {
    std::memcpy(out + at, s.c_str(), s.size() + 1);
    return reinterpret_cast<LPSTR>(out + at);
  };
  if (w.lpszServiceInstanceName) a.lpszServiceInstanceName = put_string(name, name_at);
  if (w.lpszComment) a.lpszComment = put_string(comment, comment_at);
  if (w.lpszContext) a.lpszContext = put_string(context, context_at);
  if (w.lpszQueryString) a.lpszQueryString = put_string(query, query_at);
  if (w.lpServiceClassId) {
    std::memcpy(out + class_at, w.lpServiceClassId, sizeof(GUID));
    a.lpServiceClassId = reinterpret_cast<LPGUID>(out + class_at);
  }
  if (w.lpNSProviderId) {
    std::memcpy(out + provider_at, w.lpNSProviderId, sizeof(GUID));
    a.lpNSProviderId = reinterpret_cast<LPGUID>(out + provider_at);
  }
  if (w.lpVersion) {
    std::memcpy(out + version_at, w.lpVersion, sizeof(WSAVERSION));
    a.lpVersion = reinterpret_cast<LPWSAVERSION>(out + version_at);
  }
  if (protocols) {
    std::memcpy(out + afp_at, w.lpafpProtocols, protocols * sizeof(AFPROTOCOLS));
    a.lpafpProtocols = reinterpret_cast<LPAFPROTOCOLS>(out + afp_at);
    a.dwNumberOfProtocols = protocols;
  }
  if (cs) {
    auto *list = reinterpret_cast<CSADDR_INFO *>(out + cs_at);
    for (DWORD i = 0; i < cs; ++i) {
      const CSADDR_INFO &c = w.lpcsaBuffer[i];
      list[i].iSocketType = c.iSocketType;
      list[i].iProtocol = c.iProtocol;
      if (local_at[i]) {
        std::memcpy(out + local_at[i], c.LocalAddr.lpSockaddr, c.LocalAddr.iSockaddrLength);
        list[i].LocalAddr.lpSockaddr = reinterpret_cast<LPSOCKADDR>(out + local_at[i]);
        list[i].LocalAddr.iSockaddrLength = c.LocalAddr.iSockaddrLength;
      }
      if (remote_at[i]) {
        std::memcpy(out + remote_at[i], c.RemoteAddr.lpSockaddr, c.RemoteAddr.iSockaddrLength);
        list[i].RemoteAddr.lpSockaddr = reinterpret_cast<LPSOCKADDR>(out + remote_at[i]);
        list[i].RemoteAddr.iSockaddrLength = c.RemoteAddr.iSockaddrLength;
      }
    }
    a.lpcsaBuffer = list;
    a.dwNumberOfCsAddrs = cs;
  }
  if (w.lpBlob) {
    auto *b = reinterpret_cast<BLOB *>(out + blob_at);
    b->cbSize = 0;
    if (blob_data_at) {
      std::memcpy(out + blob_data_at, w.lpBlob->pBlobData, w.lpBlob->cbSize);
      b->cbSize = w.lpBlob->cbSize;
      b->pBlobData = out + blob_data_at;
    }
    a.lpBlob = b;
  }
  std::memcpy(out, &a, sizeof(a));
  return size;
}

// WSAEnumNameSpaceProviders*: start-up first, then the catalog.
int Enum(LPDWORD length, void *buffer, bool ansi, bool ex) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  return catalog::EnumNameSpaceProviders(length, buffer, ansi, ex);
}

}  // namespace
}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

INT WSAAPI WSAEnumNameSpaceProvidersA(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOA lpnspBuffer) {
  return Enum(lpdwBufferLength, lpnspBuffer, true, false);
}
INT WSAAPI WSAEnumNameSpaceProvidersW(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOW lpnspBuffer) {
  return Enum(lpdwBufferLength, lpnspBuffer, false, false);
}
INT WSAAPI WSAEnumNameSpaceProvidersExA(LPDWORD lpdwBufferLength,
                                        LPWSANAMESPACE_INFOEXA lpnspBuffer) {
  return Enum(lpdwBufferLength, lpnspBuffer, true, true);
}
INT WSAAPI WSAEnumNameSpaceProvidersExW(LPDWORD lpdwBufferLength,
                                        LPWSANAMESPACE_INFOEXW lpnspBuffer) {
  return Enum(lpdwBufferLength, lpnspBuffer, false, true);
}

INT WSAAPI WSALookupServiceBeginW(LPWSAQUERYSETW lpqsRestrictions, DWORD dwControlFlags,
                                  LPHANDLE lphLookup) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  return Done(namespaces::LookupBegin(lpqsRestrictions, dwControlFlags, lphLookup));
}

INT WSAAPI WSALookupServiceBeginA(LPWSAQUERYSETA lpqsRestrictions, DWORD dwControlFlags,
                                  LPHANDLE lphLookup) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  if (lpqsRestrictions == nullptr || lphLookup == nullptr) return Fail(WSAEFAULT);
  try {
    WideQuery w;
    Widen(*lpqsRestrictions, &w);
    return Done(namespaces::LookupBegin(&w.set, dwControlFlags, lphLookup));
  } catch (const std::bad_alloc &) {
    return Fail(WSA_NOT_ENOUGH_MEMORY);
  }
}

INT WSAAPI WSALookupServiceNextW(HANDLE hLookup, DWORD dwControlFlags, LPDWORD lpdwBufferLength,
                                 LPWSAQUERYSETW lpqsResults) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  return Done(namespaces::LookupNext(hLookup, dwControlFlags, lpdwBufferLength, lpqsResults));
}

INT WSAAPI WSALookupServiceNextA(HANDLE hLookup, DWORD dwControlFlags, LPDWORD lpdwBufferLength,
                                 LPWSAQUERYSETA lpqsResults) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  if (lpdwBufferLength == nullptr) return Fail(WSAEFAULT);
  try {
    for (;;) {
      std::vector<unsigned char> set = namespaces::TakePending(hLookup);
      if (set.empty()) {
        // Room for the W form of what fits the caller's A buffer; grown on WSAEFAULT, so a
        // length the caller only claims never allocates more than kFirstScratch.
        set.resize(std::clamp<size_t>(size_t{*lpdwBufferLength} * 2, 1024, kFirstScratch));
        for (;;) {
          DWORD length = static_cast<DWORD>(set.size());
          int rc = namespaces::LookupNext(hLookup, dwControlFlags & ~LUP_FLUSHPREVIOUS, &length,
                                          reinterpret_cast<WSAQUERYSETW *>(set.data()));
          if (rc == WSAEFAULT && length > set.size()) {
            set.resize(length);
            continue;
          }
          if (rc != 0) return Fail(rc);
          break;
        }
      }
      const auto &w = *reinterpret_cast<const WSAQUERYSETW *>(set.data());
      const size_t needed = PackAnsi(w, nullptr);
      if (lpqsResults != nullptr && *lpdwBufferLength >= needed) {
        PackAnsi(w, reinterpret_cast<unsigned char *>(lpqsResults));
        return 0;
      }
      if (dwControlFlags & LUP_FLUSHPREVIOUS) continue;  // drop it, take the next one
      *lpdwBufferLength = static_cast<DWORD>(needed);
      namespaces::KeepPending(hLookup, std::move(set));
      return Fail(WSAEFAULT);
    }
  } catch (const std::bad_alloc &) {
    return Fail(WSA_NOT_ENOUGH_MEMORY);
  }
}

INT WSAAPI WSALookupServiceEnd(HANDLE hLookup) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  return Done(namespaces::LookupEnd(hLookup));
}

INT WSAAPI WSASetServiceW(LPWSAQUERYSETW lpqsRegInfo, WSAESETSERVICEOP essoperation,
                          DWORD dwControlFlags) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  return Done(namespaces::SetService(lpqsRegInfo, essoperation, dwControlFlags));
}

INT WSAAPI WSASetServiceA(LPWSAQUERYSETA lpqsRegInfo, WSAESETSERVICEOP essoperation,
                          DWORD dwControlFlags) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  if (lpqsRegInfo == nullptr) return Fail(WSAEINVAL);
  try {
    WideQuery w;
    Widen(*lpqsRegInfo, &w);
    return Done(namespaces::SetService(&w.set, essoperation, dwControlFlags));
  } catch (const std::bad_alloc &) {
    return Fail(WSA_NOT_ENOUGH_MEMORY);
  }
}

INT WSAAPI WSAGetServiceClassInfoW(LPGUID lpProviderId, LPGUID lpServiceClassId,
                                   LPDWORD lpdwBufSize,
                                   LPWSASERVICECLASSINFOW lpServiceClassInfo) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  return Done(namespaces::GetServiceClassInfo(lpProviderId, lpServiceClassId, lpdwBufSize,
                                              lpServiceClassInfo));
}

// The A form: the W answer converted (names to UTF-8, values copied) into the caller's buffer.
INT WSAAPI WSAGetServiceClassInfoA(LPGUID lpProviderId, LPGUID lpServiceClassId,
                                   LPDWORD lpdwBufSize,
                                   LPWSASERVICECLASSINFOA lpServiceClassInfo) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  if (lpProviderId == nullptr || lpServiceClassId == nullptr) return Fail(WSAEINVAL);
  if (lpdwBufSize == nullptr) return Fail(WSAEFAULT);
  try {
    std::vector<unsigned char> w(std::clamp<size_t>(size_t{*lpdwBufSize} * 2, 1024, kFirstScratch));
    for (;;) {
      DWORD length = static_cast<DWORD>(w.size());
      int rc = namespaces::GetServiceClassInfo(
          lpProviderId, lpServiceClassId, &length,
          reinterpret_cast<WSASERVICECLASSINFOW *>(w.data()));
      if (rc == WSAEFAULT && length > w.size()) {
        w.resize(length);
        continue;
      }
      if (rc != 0) return Fail(rc);
      break;
    }
    const auto &info = *reinterpret_cast<const WSASERVICECLASSINFOW *>(w.data());
    auto narrow = [](const WCHAR *s) {
      return s == nullptr ? std::string() : Utf16ToUtf8(reinterpret_cast<const char16_t *>(s));
    };
    namespaces::Packer pack(sizeof(WSASERVICECLASSINFOA));
    const size_t class_at = pack.Reserve(sizeof(GUID));
    const std::string class_name = narrow(info.lpszServiceClassName);
    const size_t class_name_at =
        info.lpszServiceClassName ? pack.Reserve(class_name.size() + 1, 1) : 0;
    const DWORD count = info.lpClassInfos ? info.dwCount : 0;
    const size_t infos_at = count ? pack.Reserve(count * sizeof(WSANSCLASSINFOA)) : 0;
    std::vector<std::string> names(count);
    std::vector<size_t> name_at(count), value_at(count);
    for (DWORD i = 0; i < count; ++i) {
      const WSANSCLASSINFOW &c = info.lpClassInfos[i];
      names[i] = narrow(c.lpszName);
      if (c.lpszName) name_at[i] = pack.Reserve(names[i].size() + 1, 1);
      if (c.lpValue && c.dwValueSize) value_at[i] = pack.Reserve(c.dwValueSize);
    }
    const size_t needed = pack.Size();
    if (lpServiceClassInfo == nullptr || *lpdwBufSize < needed) {
      *lpdwBufSize = static_cast<DWORD>(needed);
      return Fail(WSAEFAULT);
    }
    auto *out = reinterpret_cast<unsigned char *>(lpServiceClassInfo);
    std::memset(out, 0, needed);
    WSASERVICECLASSINFOA a;
    std::memset(&a, 0, sizeof(a));
    std::memcpy(out + class_at, lpServiceClassId, sizeof(GUID));
    a.lpServiceClassId = reinterpret_cast<LPGUID>(out + class_at);
    if (info.lpszServiceClassName) {
      std::memcpy(out + class_name_at, class_name.c_str(), class_name.size() + 1);
      a.lpszServiceClassName = reinterpret_cast<LPSTR>(out + class_name_at);
    }
    a.dwCount = count;
    if (count) {
      auto *list = reinterpret_cast<WSANSCLASSINFOA *>(out + infos_at);
      for (DWORD i = 0; i < count; ++i) {
        const WSANSCLASSINFOW &c = info.lpClassInfos[i];
        list[i].dwNameSpace = c.dwNameSpace;
        list[i].dwValueType = c.dwValueType;
        if (c.lpszName) {
          std::memcpy(out + name_at[i], names[i].c_str(), names[i].size() + 1);
          list[i].lpszName = reinterpret_cast<LPSTR>(out + name_at[i]);
        }
        if (value_at[i]) {
          std::memcpy(out + value_at[i], c.lpValue, c.dwValueSize);
          list[i].lpValue = out + value_at[i];
          list[i].dwValueSize = c.dwValueSize;
        }
      }
      a.lpClassInfos = list;
    }
    std::memcpy(out, &a, sizeof(a));
    return 0;
  } catch (const std::bad_alloc &) {
    return Fail(WSA_NOT_ENOUGH_MEMORY);
  }
}

INT WSAAPI WSAInstallServiceClassW(LPWSASERVICECLASSINFOW lpServiceClassInfo) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  return Done(namespaces::InstallServiceClass(lpServiceClassInfo));
}

INT WSAAPI WSARemoveServiceClass(LPGUID lpServiceClassId) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  return Done(namespaces::RemoveServiceClass(lpServiceClassId));
}

}  // extern "C"
