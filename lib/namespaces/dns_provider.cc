// The built-in TCP/IP name-space provider (dns_provider.h).
#include "namespaces/dns_provider.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/annotated_mutex.h"
#include "base/utf.h"
#include "boundary/last_error.h"
#include "namespaces/result_set.h"
#include "net/net.h"

namespace ws2emu::namespaces {
namespace {

constexpr GUID kHostAddrByName = SVCID_INET_HOSTADDRBYNAME_INIT;
constexpr GUID kHostName = SVCID_HOSTNAME_INIT;

bool Same(const GUID &a, const GUID &b) { return std::memcmp(&a, &b, sizeof(GUID)) == 0; }

int Fail(int error) {
  SetThreadLastError(static_cast<uint32_t>(error));
  return SOCKET_ERROR;
}

// One lookup. Begin fills the first part; Next, under `mu` (two threads may call Next with the
// same handle), the state after it.
struct Query {
  StdMutex mu;
  GUID provider{};
  GUID service_class{};
  bool host_name_only = false;  // SVCID_HOSTNAME
  std::string name;             // UTF-8, as the resolver takes it
  std::u16string query_string;
  bool has_query_string = false;
  DWORD flags = 0;
  bool want_v4 = true, want_v6 = true;
  std::vector<AFPROTOCOLS> protocols;
  // State of Next.
  bool resolved = false;
  bool done = false;
  int error = 0;
  std::string canonical;
  std::vector<HostAddress> addresses;
};

StdMutex g_mu;
absl::flat_hash_map<uintptr_t, std::shared_ptr<Query>> *g_queries ABSL_GUARDED_BY(g_mu) =
    new absl::flat_hash_map<uintptr_t, std::shared_ptr<Query>>();
uintptr_t g_next_handle ABSL_GUARDED_BY(g_mu) = 0x10;

std::shared_ptr<Query> Find(HANDLE h) {
  StdMutexLock lock(&g_mu);
  auto it = g_queries->find(reinterpret_cast<uintptr_t>(h));
  return it == g_queries->end() ? nullptr : it->second;
}

std::string LocalHostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

// The resolver's answer for q->name; the WSA error of Next when there is none.
int Resolve(Query *q) {
  if (q->host_name_only) {
    q->canonical = LocalHostName();
    return 0;
  }
  struct addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_CANONNAME;
  hints.ai_family = q->want_v4 && q->want_v6 ? AF_UNSPEC : q->want_v4 ? AF_INET : AF_INET6;
  hints.ai_socktype = SOCK_STREAM;  // one answer per address
  struct addrinfo *result = nullptr;
  int rc = getaddrinfo(q->name.c_str(), nullptr, &hints, &result);
  switch (rc) {
    case 0: break;
    case EAI_NONAME: return WSASERVICE_NOT_FOUND;
#ifdef EAI_NODATA
    case EAI_NODATA: return WSANO_DATA;
#endif
    case EAI_ADDRFAMILY: return WSANO_DATA;
    case EAI_AGAIN: return WSATRY_AGAIN;
    case EAI_MEMORY: return WSA_NOT_ENOUGH_MEMORY;
    default: return WSANO_RECOVERY;
  }
  for (struct addrinfo *ai = result; ai != nullptr; ai = ai->ai_next) {
    HostAddress a;
    if (ai->ai_family == AF_INET) {
      a.family = WS_AF_INET;
      std::memcpy(a.bytes, &reinterpret_cast<sockaddr_in *>(ai->ai_addr)->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      a.family = WS_AF_INET6;
      std::memcpy(a.bytes, &reinterpret_cast<sockaddr_in6 *>(ai->ai_addr)->sin6_addr, 16);
    } else {
      continue;
    }
    bool seen = false;
    for (const HostAddress &b : q->addresses) {
      if (b.family == a.family && std::memcmp(b.bytes, a.bytes, 16) == 0) seen = true;
    }
    if (!seen) q->addresses.push_back(a);
    if (ai == result && ai->ai_canonname != nullptr) q->canonical = ai->ai_canonname;
  }
  freeaddrinfo(result);
  if (q->canonical.empty()) q->canonical = q->name;
  return q->addresses.empty() ? WSANO_DATA : 0;
}

int SockaddrSize(int family) {
  return family == WS_AF_INET ? static_cast<int>(sizeof(WS_sockaddr_in))
                              : static_cast<int>(sizeof(WS_sockaddr_in6));
}

void WriteSockaddr(unsigned char *to, int family, const unsigned char *address) {
  if (family == WS_AF_INET) {
    WS_sockaddr_in in;
    std::memset(&in, 0, sizeof(in));
    in.sin_family = WS_AF_INET;
    if (address != nullptr) std::memcpy(&in.sin_addr, address, 4);
    std::memcpy(to, &in, sizeof(in));
  } else {
    WS_sockaddr_in6 in6;
    std::memset(&in6, 0, sizeof(in6));
    in6.sin6_family = WS_AF_INET6;
    if (address != nullptr) std::memcpy(&in6.sin6_addr, address, 16);
    std::memcpy(to, &in6, sizeof(in6));
  }
}

struct CsAddr {
  const HostAddress *address;
  int socket_type;
  int protocol;
};

// The CSADDR_INFO entries of the result: per address, per matching requested protocol.
std::vector<CsAddr> CsAddrs(const Query &q) {
  std::vector<CsAddr> out;
  for (const HostAddress &a : q.addresses) {
    bool any = false;
    for (const AFPROTOCOLS &p : q.protocols) {
      if (p.iAddressFamily != a.family && p.iAddressFamily != WS_AF_UNSPEC) continue;
      int type = p.iProtocol == WS_IPPROTO_UDP ? WS_SOCK_DGRAM
                 : p.iProtocol == WS_IPPROTO_TCP ? WS_SOCK_STREAM
                                                 : 0;
      out.push_back({&a, type, p.iProtocol});
      any = true;
    }
    if (!any && q.protocols.empty()) out.push_back({&a, WS_SOCK_STREAM, WS_IPPROTO_TCP});
  }
  return out;
}

// The hostent BLOB (x64 hostent, pointers as offsets from the BLOB's start).
std::string HostentBlob(const Query &q) {
  int family = WS_AF_INET;
  bool has_v4 = false;
  for (const HostAddress &a : q.addresses) has_v4 |= a.family == WS_AF_INET;
  if (!has_v4) family = WS_AF_INET6;
  const int length = family == WS_AF_INET ? 4 : 16;
  std::vector<const HostAddress *> list;
  for (const HostAddress &a : q.addresses) {
    if (a.family == family) list.push_back(&a);
  }
  const size_t aliases_at = sizeof(WS_hostent);
  const size_t addr_list_at = aliases_at + sizeof(uint64_t);
  const size_t addrs_at = addr_list_at + (list.size() + 1) * sizeof(uint64_t);
  const size_t name_at = addrs_at + list.size() * length;
  std::string blob(name_at + q.canonical.size() + 1, '\0');
  WS_hostent he;
  std::memset(&he, 0, sizeof(he));
  he.h_name = reinterpret_cast<char *>(name_at);
  he.h_aliases = reinterpret_cast<char **>(aliases_at);
  he.h_addrtype = static_cast<short>(family);
  he.h_length = static_cast<short>(length);
  he.h_addr_list = reinterpret_cast<char **>(addr_list_at);
  std::memcpy(blob.data(), &he, sizeof(he));
  for (size_t i = 0; i < list.size(); ++i) {
    uint64_t offset = addrs_at + i * length;
    std::memcpy(blob.data() + addr_list_at + i * sizeof(uint64_t), &offset, sizeof(offset));
    std::memcpy(blob.data() + offset, list[i]->bytes, length);
  }
  std::memcpy(blob.data() + name_at, q.canonical.c_str(), q.canonical.size());
  return blob;
}

INT WSAAPI DnsCleanup(LPGUID) { return 0; }

INT WSAAPI DnsLookupServiceBegin(LPGUID lpProviderId, LPWSAQUERYSETW lpqsRestrictions,
                                 LPWSASERVICECLASSINFOW, DWORD dwControlFlags,
                                 LPHANDLE lphLookup) {
  if (lpqsRestrictions == nullptr || lphLookup == nullptr) return Fail(WSAEINVAL);
  if (lpqsRestrictions->lpServiceClassId == nullptr) return Fail(WSAEINVAL);
  const GUID &cls = *lpqsRestrictions->lpServiceClassId;
  if (!Same(cls, kHostAddrByName) && !Same(cls, kHostName)) return Fail(WSASERVICE_NOT_FOUND);
  if (lpqsRestrictions->dwNameSpace != NS_ALL && lpqsRestrictions->dwNameSpace != NS_DNS)
    return Fail(WSAEINVAL);
  try {
    auto q = std::make_shared<Query>();
    if (lpProviderId != nullptr) q->provider = *lpProviderId;
    q->service_class = cls;
    q->host_name_only = Same(cls, kHostName);
    q->flags = dwControlFlags;
    const WCHAR *name = lpqsRestrictions->lpszServiceInstanceName;
    q->name = (name == nullptr || name[0] == 0) ? LocalHostName()
                                                : Utf16ToUtf8(reinterpret_cast<const char16_t *>(name));
    if (lpqsRestrictions->lpszQueryString != nullptr) {
      q->query_string = reinterpret_cast<const char16_t *>(lpqsRestrictions->lpszQueryString);
      q->has_query_string = true;
    }
    if (lpqsRestrictions->dwNumberOfProtocols > 0) {
      if (lpqsRestrictions->lpafpProtocols == nullptr) return Fail(WSAEINVAL);
      q->want_v4 = q->want_v6 = false;
      for (DWORD i = 0; i < lpqsRestrictions->dwNumberOfProtocols; ++i) {
        const AFPROTOCOLS &p = lpqsRestrictions->lpafpProtocols[i];
        q->protocols.push_back(p);
        q->want_v4 |= p.iAddressFamily == WS_AF_INET || p.iAddressFamily == WS_AF_UNSPEC;
        q->want_v6 |= p.iAddressFamily == WS_AF_INET6 || p.iAddressFamily == WS_AF_UNSPEC;
      }
      // No TCP/IP family among them: nothing this provider can answer.
      if (!q->want_v4 && !q->want_v6) return Fail(WSASERVICE_NOT_FOUND);
    }
    StdMutexLock lock(&g_mu);
    uintptr_t h = g_next_handle++;
    (*g_queries)[h] = std::move(q);
    *lphLookup = reinterpret_cast<HANDLE>(h);
    return 0;
  } catch (const std::bad_alloc &) {
    return Fail(WSA_NOT_ENOUGH_MEMORY);
  }
}

INT WSAAPI DnsLookupServiceNext(HANDLE hLookup, DWORD dwControlFlags, LPDWORD lpdwBufferLength,
                                LPWSAQUERYSETW lpqsResults) {
  std::shared_ptr<Query> q = Find(hLookup);
  if (q == nullptr) return Fail(WSA_INVALID_HANDLE);
  if (lpdwBufferLength == nullptr) return Fail(WSAEFAULT);
  StdMutexLock lock(&q->mu);
  try {
    if (q->done) return Fail(WSA_E_NO_MORE);
    if (!q->resolved) {
      q->error = Resolve(q.get());
      q->resolved = true;
    }
    if (q->error != 0) {
      q->done = true;
      return Fail(q->error);
    }
    const DWORD flags = q->flags;
    std::vector<CsAddr> cs;
    if (flags & LUP_RETURN_ADDR) cs = CsAddrs(*q);
    std::u16string name;
    if (flags & LUP_RETURN_NAME) name = Utf8ToUtf16(q->canonical);
    std::string blob;
    if (flags & LUP_RETURN_BLOB) blob = HostentBlob(*q);
    Packer pack(sizeof(WSAQUERYSETW));
    const size_t provider_at = pack.Reserve(sizeof(GUID));
    const size_t class_at = (flags & LUP_RETURN_TYPE) ? pack.Reserve(sizeof(GUID)) : 0;
    const size_t cs_at = cs.empty() ? 0 : pack.Reserve(cs.size() * sizeof(CSADDR_INFO));
    std::vector<size_t> local_at, remote_at;
    for (const CsAddr &c : cs) {
      local_at.push_back(pack.Reserve(SockaddrSize(c.address->family)));
      remote_at.push_back(pack.Reserve(SockaddrSize(c.address->family)));
    }
    const size_t blob_struct_at = (flags & LUP_RETURN_BLOB) ? pack.Reserve(sizeof(BLOB)) : 0;
    const size_t blob_at = (flags & LUP_RETURN_BLOB) ? pack.Reserve(blob.size()) : 0;
    const size_t name_at =
        (flags & LUP_RETURN_NAME) ? pack.Reserve((name.size() + 1) * sizeof(char16_t)) : 0;
    const bool query = (flags & LUP_RETURN_QUERY_STRING) && q->has_query_string;
    const size_t query_at =
        query ? pack.Reserve((q->query_string.size() + 1) * sizeof(char16_t)) : 0;
    const size_t needed = pack.Size();
    if (lpqsResults == nullptr || *lpdwBufferLength < needed) {
      if (dwControlFlags & LUP_FLUSHPREVIOUS) {
        q->done = true;  // the set that does not fit is dropped; there is no next one
        return Fail(WSA_E_NO_MORE);
      }
      *lpdwBufferLength = static_cast<DWORD>(needed);
      return Fail(WSAEFAULT);
    }
    auto *base = reinterpret_cast<unsigned char *>(lpqsResults);
    std::memset(base, 0, needed);
    WSAQUERYSETW &r = *lpqsResults;
    r.dwSize = sizeof(WSAQUERYSETW);
    r.dwNameSpace = NS_DNS;
    std::memcpy(base + provider_at, &q->provider, sizeof(GUID));
    r.lpNSProviderId = reinterpret_cast<LPGUID>(base + provider_at);
    if (flags & LUP_RETURN_TYPE) {
      std::memcpy(base + class_at, &q->service_class, sizeof(GUID));
      r.lpServiceClassId = reinterpret_cast<LPGUID>(base + class_at);
    }
    if (!cs.empty()) {
      auto *list = reinterpret_cast<CSADDR_INFO *>(base + cs_at);
      for (size_t i = 0; i < cs.size(); ++i) {
        const int family = cs[i].address->family;
        WriteSockaddr(base + local_at[i], family, nullptr);
        WriteSockaddr(base + remote_at[i], family, cs[i].address->bytes);
        list[i].LocalAddr.lpSockaddr = reinterpret_cast<LPSOCKADDR>(base + local_at[i]);
        list[i].LocalAddr.iSockaddrLength = SockaddrSize(family);
        list[i].RemoteAddr.lpSockaddr = reinterpret_cast<LPSOCKADDR>(base + remote_at[i]);
        list[i].RemoteAddr.iSockaddrLength = SockaddrSize(family);
        list[i].iSocketType = cs[i].socket_type;
        list[i].iProtocol = cs[i].protocol;
      }
      r.dwNumberOfCsAddrs = static_cast<DWORD>(cs.size());
      r.lpcsaBuffer = list;
    }
    if (flags & LUP_RETURN_BLOB) {
      auto *b = reinterpret_cast<BLOB *>(base + blob_struct_at);
      std::memcpy(base + blob_at, blob.data(), blob.size());
      b->cbSize = static_cast<ULONG>(blob.size());
      b->pBlobData = base + blob_at;
      r.lpBlob = b;
    }
    if (flags & LUP_RETURN_NAME) {
      std::memcpy(base + name_at, name.c_str(), (name.size() + 1) * sizeof(char16_t));
      r.lpszServiceInstanceName = reinterpret_cast<LPWSTR>(base + name_at);
    }
    if (query) {
      std::memcpy(base + query_at, q->query_string.c_str(),
                  (q->query_string.size() + 1) * sizeof(char16_t));
      r.lpszQueryString = reinterpret_cast<LPWSTR>(base + query_at);
    }
    q->done = true;
    return 0;
  } catch (const std::bad_alloc &) {
    return Fail(WSA_NOT_ENOUGH_MEMORY);
  }
}

INT WSAAPI DnsLookupServiceEnd(HANDLE hLookup) {
  StdMutexLock lock(&g_mu);
  if (g_queries->erase(reinterpret_cast<uintptr_t>(hLookup)) == 0) return Fail(WSA_INVALID_HANDLE);
  return 0;
}

INT WSAAPI DnsSetService(LPGUID, LPWSASERVICECLASSINFOW, LPWSAQUERYSETW lpqsRegInfo,
                         WSAESETSERVICEOP, DWORD) {
  if (lpqsRegInfo == nullptr) return Fail(WSAEINVAL);
  return Fail(WSAEOPNOTSUPP);
}

INT WSAAPI DnsInstallServiceClass(LPGUID, LPWSASERVICECLASSINFOW lpServiceClassInfo) {
  if (lpServiceClassInfo == nullptr) return Fail(WSAEINVAL);
  return Fail(WSAEOPNOTSUPP);
}

INT WSAAPI DnsRemoveServiceClass(LPGUID, LPGUID lpServiceClassId) {
  if (lpServiceClassId == nullptr) return Fail(WSAEINVAL);
  return Fail(WSAEOPNOTSUPP);
}

INT WSAAPI DnsGetServiceClassInfo(LPGUID, LPDWORD lpdwBufSize, LPWSASERVICECLASSINFOW) {
  if (lpdwBufSize == nullptr) return Fail(WSAEFAULT);
  return Fail(WSAEOPNOTSUPP);
}

INT WSAAPI DnsIoctl(HANDLE hLookup, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD,
                    LPWSACOMPLETION, LPWSATHREADID) {
  if (Find(hLookup) == nullptr) return Fail(WSA_INVALID_HANDLE);
  return Fail(WSAEOPNOTSUPP);
}

}  // namespace

INT WSAAPI DnsNSPStartup(LPGUID lpProviderId, LPNSP_ROUTINE lpnspRoutines) {
  if (lpProviderId == nullptr || lpnspRoutines == nullptr) return Fail(WSAEINVAL);
  NSP_ROUTINE r;
  std::memset(&r, 0, sizeof(r));
  r.cbSize = sizeof(NSP_ROUTINE);
  // [inference] The Winsock 2.2 name-space SPI; Windows documents no value for its providers.
  r.dwMajorVersion = 2;
  r.dwMinorVersion = 2;
  r.NSPCleanup = DnsCleanup;
  r.NSPLookupServiceBegin = DnsLookupServiceBegin;
  r.NSPLookupServiceNext = DnsLookupServiceNext;
  r.NSPLookupServiceEnd = DnsLookupServiceEnd;
  r.NSPSetService = DnsSetService;
  r.NSPInstallServiceClass = DnsInstallServiceClass;
  r.NSPRemoveServiceClass = DnsRemoveServiceClass;
  r.NSPGetServiceClassInfo = DnsGetServiceClassInfo;
  r.NSPIoctl = DnsIoctl;
  *lpnspRoutines = r;
  return 0;
}

}  // namespace ws2emu::namespaces
