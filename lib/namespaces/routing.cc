// Name-space providers and the queries routed to them (routing.h).
#include "namespaces/routing.h"

#include <cstring>
#include <map>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/annotated_mutex.h"
#include "base/debug.h"
#include "base/utf.h"
#include "base/wsa_status.h"
#include "boundary/last_error.h"
#include "catalog/store.h"
#include "modules/modules.h"
#include "namespaces/dns_provider.h"

namespace ws2emu::namespaces {
namespace {

constexpr GUID kHostAddrByName = SVCID_INET_HOSTADDRBYNAME_INIT;

std::string Key(const catalog::NameSpaceEntry &e) {
  std::string key(reinterpret_cast<const char *>(&e.provider), sizeof(GUID));
  key += Utf16ToUtf8(e.path);
  return key;
}

// Started providers, by GUID and path (a provider reinstalled at another path starts again).
StdMutex g_started_mu;
std::map<std::string, std::shared_ptr<const StartedNameSpace>> *g_started
    ABSL_GUARDED_BY(g_started_mu) = new std::map<std::string, std::shared_ptr<const StartedNameSpace>>();
// Serializes NSPStartup calls (never held by a lookup): a provider is started once.
std::mutex g_start_mu;

absl::StatusOr<std::shared_ptr<const StartedNameSpace>> Start(const catalog::NameSpaceEntry &e) {
  const std::string key = Key(e);
  {
    StdMutexLock lock(&g_started_mu);
    auto it = g_started->find(key);
    if (it != g_started->end()) return it->second;
  }
  std::lock_guard<std::mutex> start_lock(g_start_mu);
  {
    StdMutexLock lock(&g_started_mu);
    auto it = g_started->find(key);
    if (it != g_started->end()) return it->second;
  }
  auto started = std::make_shared<StartedNameSpace>();
  started->entry = e;
  LPNSPSTARTUP startup = nullptr;
  const std::string shown = Utf16ToUtf8(e.path);
  if (IsBuiltinPath(e.path)) {
    startup = &DnsNSPStartup;
  } else {
    modules::Options options;
    options.expand_variables = true;  // as ws2_32 expands the catalog's path
    absl::StatusOr<modules::Loaded> loaded = modules::Load(shown, options);
    if (!loaded.ok()) {
      return WsaStatus(WSAEPROVIDERFAILEDINIT,
                       absl::StrCat("name-space provider ", catalog::GuidToString(e.provider),
                                    ": ", loaded.status().message()));
    }
    absl::StatusOr<const void *> f = modules::FindExport(loaded->handle, "NSPStartup");
    if (!f.ok()) {
      modules::Unload(loaded->handle).IgnoreError();
      return WsaStatus(WSAEPROVIDERFAILEDINIT,
                       absl::StrCat(loaded->path, " does not export NSPStartup"));
    }
    startup = reinterpret_cast<LPNSPSTARTUP>(const_cast<void *>(*f));
    // The module stays loaded for the life of the process (see routing.h).
  }
  started->builtin = startup == &DnsNSPStartup;
  std::memset(&started->routine, 0, sizeof(started->routine));
  started->routine.cbSize = sizeof(NSP_ROUTINE);
  GUID id = e.provider;
  SetThreadLastError(0);
  INT rc = startup(&id, &started->routine);
  if (rc != 0) {
    uint32_t error = ThreadLastError();
    return WsaStatus(WSAEPROVIDERFAILEDINIT,
                     absl::StrCat(shown, ": NSPStartup failed (", rc, ", last error ", error, ")"));
  }
  const NSP_ROUTINE &r = started->routine;
  if (r.NSPLookupServiceBegin == nullptr || r.NSPLookupServiceNext == nullptr ||
      r.NSPLookupServiceEnd == nullptr) {
    return WsaStatus(WSAEINVALIDPROCTABLE,
                     absl::StrCat(shown, ": NSPStartup left a lookup entry of NSP_ROUTINE NULL"));
  }
  StdMutexLock lock(&g_started_mu);
  (*g_started)[key] = started;
  return std::shared_ptr<const StartedNameSpace>(started);
}

absl::StatusOr<std::vector<catalog::NameSpaceEntry>> Matching(DWORD name_space,
                                                              const GUID *provider_id) {
  absl::StatusOr<std::shared_ptr<const catalog::Catalog>> c =
      catalog::Store::ForCurrentPath().Read();
  if (!c.ok()) return c.status();
  std::vector<catalog::NameSpaceEntry> out;
  if (provider_id != nullptr) {
    const catalog::NameSpaceEntry *e = (*c)->FindNameSpace(*provider_id);
    if (e == nullptr || !e->active) {
      return WsaStatus(WSAEINVAL, absl::StrCat("name-space provider ",
                                               catalog::GuidToString(*provider_id),
                                               e == nullptr ? " is not installed" : " is disabled"));
    }
    out.push_back(*e);
    return out;
  }
  for (const catalog::NameSpaceEntry &e : (*c)->name_spaces) {
    if (e.active && (name_space == NS_ALL || e.name_space == name_space)) out.push_back(e);
  }
  if (out.empty()) {
    return WsaStatus(WSASERVICE_NOT_FOUND,
                     absl::StrCat("no active name-space provider for name space ", name_space));
  }
  return out;
}

int ErrorOf(const absl::Status &s) {
  DebugLog("namespaces", "%s", std::string(s.message()).c_str());
  return WsaErrorOf(s);
}

// A provider call's error: its last error, or WSANO_RECOVERY for one that set none.
int ProviderError() {
  uint32_t e = ThreadLastError();
  return e != 0 ? static_cast<int>(e) : WSANO_RECOVERY;
}

struct Member {
  std::shared_ptr<const StartedNameSpace> provider;
  HANDLE handle = nullptr;
  bool ended = false;
};

struct Query {
  StdMutex mu;
  std::vector<Member> members ABSL_GUARDED_BY(mu);
  size_t current ABSL_GUARDED_BY(mu) = 0;
  bool returned_any ABSL_GUARDED_BY(mu) = false;
  int first_error ABSL_GUARDED_BY(mu) = 0;
  bool ended ABSL_GUARDED_BY(mu) = false;
  std::vector<unsigned char> pending ABSL_GUARDED_BY(mu);
};

StdMutex g_queries_mu;
absl::flat_hash_map<uintptr_t, std::shared_ptr<Query>> *g_queries ABSL_GUARDED_BY(g_queries_mu) =
    new absl::flat_hash_map<uintptr_t, std::shared_ptr<Query>>();
uintptr_t g_next_query ABSL_GUARDED_BY(g_queries_mu) = 0x1000;

std::shared_ptr<Query> FindQuery(HANDLE h) {
  StdMutexLock lock(&g_queries_mu);
  auto it = g_queries->find(reinterpret_cast<uintptr_t>(h));
  return it == g_queries->end() ? nullptr : it->second;
}

// The minimal service class information a provider is given: the class asked for, no
// name-space specific entries. [inference] ws2_32 gathers it from the providers'
// NSPGetServiceClassInfo; the TCP/IP classes have none, and providers that need more fetch it.
WSASERVICECLASSINFOW ClassInfo(const GUID *service_class) {
  WSASERVICECLASSINFOW info;
  std::memset(&info, 0, sizeof(info));
  info.lpServiceClassId = const_cast<LPGUID>(service_class);
  return info;
}

}  // namespace

bool IsBuiltinPath(std::u16string_view path) {
  return catalog::EqualNoCase(path, u"%SystemRoot%\\system32\\mswsock.dll") ||
         catalog::EqualNoCase(path, u"%windir%\\system32\\mswsock.dll");
}

absl::StatusOr<std::vector<std::shared_ptr<const StartedNameSpace>>> Select(
    DWORD name_space, const GUID *provider_id, int *failed) {
  absl::StatusOr<std::vector<catalog::NameSpaceEntry>> entries =
      Matching(name_space, provider_id);
  if (!entries.ok()) return entries.status();
  std::vector<std::shared_ptr<const StartedNameSpace>> out;
  for (const catalog::NameSpaceEntry &e : *entries) {
    absl::StatusOr<std::shared_ptr<const StartedNameSpace>> p = Start(e);
    if (!p.ok()) {
      int error = ErrorOf(p.status());
      if (failed != nullptr && *failed == 0) *failed = error;
      continue;
    }
    out.push_back(*std::move(p));
  }
  return out;
}

absl::StatusOr<bool> OnlyBuiltin(DWORD name_space, const GUID *provider_id) {
  // A catalog that cannot be read (no location, damaged): the resolver answers, as it did
  // before name-space providers existed here [inference: a lookup should not fail for a file
  // only installers need; the WSC* calls and WSALookupServiceBegin report the damage].
  if (absl::StatusOr<std::shared_ptr<const catalog::Catalog>> c =
          catalog::Store::ForCurrentPath().Read();
      !c.ok()) {
    DebugLog("namespaces", "%s", std::string(c.status().message()).c_str());
    return true;
  }
  absl::StatusOr<std::vector<catalog::NameSpaceEntry>> entries =
      Matching(name_space, provider_id);
  if (!entries.ok()) return entries.status();
  for (const catalog::NameSpaceEntry &e : *entries) {
    if (!IsBuiltinPath(e.path)) return false;
  }
  return true;
}

int LookupBegin(const WSAQUERYSETW *restrictions, DWORD flags, HANDLE *handle) {
  if (restrictions == nullptr || handle == nullptr) return WSAEFAULT;
  // [inference] A dwSize smaller than the structure is a bad query set, WSAEINVAL (the page:
  // "one or more parameters were missing or invalid for this provider").
  if (restrictions->dwSize < sizeof(WSAQUERYSETW)) return WSAEINVAL;
  // A query names the service class it asks for (WSAQUERYSET's page: required).
  if (restrictions->lpServiceClassId == nullptr) return WSAEINVAL;
  if (restrictions->dwNumberOfProtocols > 0 && restrictions->lpafpProtocols == nullptr)
    return WSAEINVAL;
  try {
    int start_error = 0;
    absl::StatusOr<std::vector<std::shared_ptr<const StartedNameSpace>>> providers =
        Select(restrictions->dwNameSpace, restrictions->lpNSProviderId, &start_error);
    if (!providers.ok()) return ErrorOf(providers.status());
    auto q = std::make_shared<Query>();
    WSASERVICECLASSINFOW info = ClassInfo(restrictions->lpServiceClassId);
    int first_error = start_error;
    for (const std::shared_ptr<const StartedNameSpace> &p : *providers) {
      WSAQUERYSETW copy = *restrictions;  // a provider may scribble on its argument
      GUID id = p->entry.provider;
      HANDLE h = nullptr;
      SetThreadLastError(0);
      if (p->routine.NSPLookupServiceBegin(&id, &copy, &info, flags, &h) != 0) {
        int error = ProviderError();
        DebugLog("namespaces", "%s: NSPLookupServiceBegin failed with %d",
                 Utf16ToUtf8(p->entry.identifier).c_str(), error);
        if (first_error == 0) first_error = error;
        continue;
      }
      StdMutexLock lock(&q->mu);
      q->members.push_back({p, h, false});
    }
    {
      StdMutexLock lock(&q->mu);
      if (q->members.empty()) {
        // One provider asked by its GUID: its own error says more.
        if (restrictions->lpNSProviderId != nullptr && first_error != 0) return first_error;
        return WSASERVICE_NOT_FOUND;
      }
    }
    StdMutexLock lock(&g_queries_mu);
    uintptr_t h = g_next_query;
    g_next_query += 4;
    (*g_queries)[h] = std::move(q);
    *handle = reinterpret_cast<HANDLE>(h);
    return 0;
  } catch (const std::bad_alloc &) {
    return WSA_NOT_ENOUGH_MEMORY;
  }
}

int LookupNext(HANDLE handle, DWORD flags, DWORD *length, WSAQUERYSETW *results) {
  std::shared_ptr<Query> q = FindQuery(handle);
  if (q == nullptr) return WSA_INVALID_HANDLE;
  if (length == nullptr) return WSAEFAULT;
  StdMutexLock lock(&q->mu);
  if (q->ended) return WSA_INVALID_HANDLE;
  while (q->current < q->members.size()) {
    Member &m = q->members[q->current];
    SetThreadLastError(0);
    if (m.provider->routine.NSPLookupServiceNext(m.handle, flags, length, results) == 0) {
      q->returned_any = true;
      return 0;
    }
    int error = ProviderError();
    if (error == WSAEFAULT) return error;  // the provider keeps the set for a larger buffer
    if (error != WSA_E_NO_MORE && error != WSAENOMORE && q->first_error == 0)
      q->first_error = error;
    ++q->current;
  }
  if (!q->returned_any && q->first_error != 0) return q->first_error;
  return WSA_E_NO_MORE;
}

int LookupEnd(HANDLE handle) {
  std::shared_ptr<Query> q;
  {
    StdMutexLock lock(&g_queries_mu);
    auto it = g_queries->find(reinterpret_cast<uintptr_t>(handle));
    if (it == g_queries->end()) return WSA_INVALID_HANDLE;
    q = std::move(it->second);
    g_queries->erase(it);
  }
  StdMutexLock lock(&q->mu);
  q->ended = true;
  for (Member &m : q->members) {
    if (!m.ended) m.provider->routine.NSPLookupServiceEnd(m.handle);
    m.ended = true;
  }
  return 0;
}

std::vector<unsigned char> TakePending(HANDLE handle) {
  std::shared_ptr<Query> q = FindQuery(handle);
  if (q == nullptr) return {};
  StdMutexLock lock(&q->mu);
  return std::move(q->pending);
}

void KeepPending(HANDLE handle, std::vector<unsigned char> bytes) {
  std::shared_ptr<Query> q = FindQuery(handle);
  if (q == nullptr) return;
  StdMutexLock lock(&q->mu);
  q->pending = std::move(bytes);
}

int SetService(const WSAQUERYSETW *info, WSAESETSERVICEOP op, DWORD flags) {
  if (info == nullptr) return WSAEINVAL;
  if (op != RNRSERVICE_REGISTER && op != RNRSERVICE_DEREGISTER && op != RNRSERVICE_DELETE)
    return WSAEINVAL;
  if (info->dwSize < sizeof(WSAQUERYSETW)) return WSAEINVAL;
  try {
    int first_error = 0;
    absl::StatusOr<std::vector<std::shared_ptr<const StartedNameSpace>>> providers =
        Select(info->dwNameSpace, info->lpNSProviderId, &first_error);
    if (!providers.ok()) return ErrorOf(providers.status());
    WSASERVICECLASSINFOW cls = ClassInfo(info->lpServiceClassId);
    bool any = false;
    for (const std::shared_ptr<const StartedNameSpace> &p : *providers) {
      if (p->routine.NSPSetService == nullptr) {
        if (first_error == 0) first_error = WSAEOPNOTSUPP;
        continue;
      }
      WSAQUERYSETW copy = *info;
      GUID id = p->entry.provider;
      SetThreadLastError(0);
      if (p->routine.NSPSetService(&id, &cls, &copy, op, flags) == 0) {
        any = true;
      } else if (first_error == 0) {
        first_error = ProviderError();
      }
    }
    if (any) return 0;
    return first_error != 0 ? first_error : WSASERVICE_NOT_FOUND;
  } catch (const std::bad_alloc &) {
    return WSA_NOT_ENOUGH_MEMORY;
  }
}

int GetServiceClassInfo(const GUID *provider_id, const GUID *service_class, DWORD *length,
                        WSASERVICECLASSINFOW *info) {
  if (provider_id == nullptr || service_class == nullptr) return WSAEINVAL;
  if (length == nullptr) return WSAEFAULT;
  try {
    int failed = 0;
    absl::StatusOr<std::vector<std::shared_ptr<const StartedNameSpace>>> providers =
        Select(NS_ALL, provider_id, &failed);
    if (!providers.ok()) return ErrorOf(providers.status());
    if (providers->empty()) return failed != 0 ? failed : WSAEINVAL;
    const StartedNameSpace &p = *providers->front();
    if (p.routine.NSPGetServiceClassInfo == nullptr) return WSAEOPNOTSUPP;
    // The provider reads the class asked for from the structure it fills.
    WSASERVICECLASSINFOW header = ClassInfo(service_class);
    WSASERVICECLASSINFOW *target = info;
    if (info != nullptr && *length >= sizeof(WSASERVICECLASSINFOW)) {
      info->lpServiceClassId = const_cast<LPGUID>(service_class);
    } else {
      target = &header;
    }
    GUID id = p.entry.provider;
    SetThreadLastError(0);
    if (p.routine.NSPGetServiceClassInfo(&id, length, target) != 0) return ProviderError();
    if (target == &header) {
      // Nothing to write into: report the size the provider needs (at least the structure).
      if (*length < sizeof(WSASERVICECLASSINFOW)) *length = sizeof(WSASERVICECLASSINFOW);
      return WSAEFAULT;
    }
    return 0;
  } catch (const std::bad_alloc &) {
    return WSA_NOT_ENOUGH_MEMORY;
  }
}

namespace {

template <typename Call>
int ToEveryProvider(Call call) {
  try {
    int first_error = 0;
    absl::StatusOr<std::vector<std::shared_ptr<const StartedNameSpace>>> providers =
        Select(NS_ALL, nullptr, &first_error);
    if (!providers.ok()) return ErrorOf(providers.status());
    bool any = false;
    for (const std::shared_ptr<const StartedNameSpace> &p : *providers) {
      GUID id = p->entry.provider;
      SetThreadLastError(0);
      int rc = call(*p, &id);
      if (rc == 0) {
        any = true;
      } else if (first_error == 0) {
        first_error = rc > 0 ? rc : ProviderError();
      }
    }
    if (any) return 0;
    return first_error != 0 ? first_error : WSAEOPNOTSUPP;
  } catch (const std::bad_alloc &) {
    return WSA_NOT_ENOUGH_MEMORY;
  }
}

}  // namespace

int InstallServiceClass(const WSASERVICECLASSINFOW *info) {
  if (info == nullptr || info->lpServiceClassId == nullptr) return WSAEINVAL;
  WSASERVICECLASSINFOW copy = *info;
  return ToEveryProvider([&](const StartedNameSpace &p, GUID *id) -> int {
    if (p.routine.NSPInstallServiceClass == nullptr) return WSAEOPNOTSUPP;
    return p.routine.NSPInstallServiceClass(id, &copy) == 0 ? 0 : -1;
  });
}

int RemoveServiceClass(const GUID *service_class) {
  if (service_class == nullptr) return WSAEINVAL;
  GUID cls = *service_class;
  return ToEveryProvider([&](const StartedNameSpace &p, GUID *id) -> int {
    if (p.routine.NSPRemoveServiceClass == nullptr) return WSAEOPNOTSUPP;
    return p.routine.NSPRemoveServiceClass(id, &cls) == 0 ? 0 : -1;
  });
}

int LookupHost(const std::string &name, int family, DWORD name_space, const GUID *provider_id,
               HostAnswer *out) {
  std::u16string wide = Utf8ToUtf16(name);
  GUID cls = kHostAddrByName;
  AFPROTOCOLS protocols[4];
  DWORD count = 0;
  if (family != WS_AF_INET6) {
    protocols[count++] = {WS_AF_INET, WS_IPPROTO_UDP};
    protocols[count++] = {WS_AF_INET, WS_IPPROTO_TCP};
  }
  if (family != WS_AF_INET) {
    protocols[count++] = {WS_AF_INET6, WS_IPPROTO_UDP};
    protocols[count++] = {WS_AF_INET6, WS_IPPROTO_TCP};
  }
  WSAQUERYSETW r;
  std::memset(&r, 0, sizeof(r));
  r.dwSize = sizeof(r);
  r.lpszServiceInstanceName = reinterpret_cast<LPWSTR>(wide.data());
  r.lpServiceClassId = &cls;
  r.dwNameSpace = name_space;
  r.lpNSProviderId = const_cast<LPGUID>(provider_id);
  r.dwNumberOfProtocols = count;
  r.lpafpProtocols = protocols;
  HANDLE h = nullptr;
  int error = LookupBegin(&r, LUP_RETURN_NAME | LUP_RETURN_ADDR, &h);
  if (error != 0) return error == WSASERVICE_NOT_FOUND ? WSAHOST_NOT_FOUND : error;
  std::vector<unsigned char> buffer(2048);
  error = WSAHOST_NOT_FOUND;
  for (;;) {
    DWORD length = static_cast<DWORD>(buffer.size());
    auto *set = reinterpret_cast<WSAQUERYSETW *>(buffer.data());
    int rc = LookupNext(h, 0, &length, set);
    if (rc == WSAEFAULT && length > buffer.size() && length < (64u << 20)) {
      buffer.resize(length);
      continue;
    }
    if (rc != 0) {
      if (rc != WSA_E_NO_MORE && rc != WSASERVICE_NOT_FOUND) error = rc;
      break;
    }
    HostAnswer answer;
    if (set->lpszServiceInstanceName != nullptr)
      answer.canonical = Utf16ToUtf8(reinterpret_cast<const char16_t *>(set->lpszServiceInstanceName));
    for (DWORD i = 0; set->lpcsaBuffer != nullptr && i < set->dwNumberOfCsAddrs; ++i) {
      const SOCKET_ADDRESS &remote = set->lpcsaBuffer[i].RemoteAddr;
      if (remote.lpSockaddr == nullptr) continue;
      HostAddress a;
      a.family = remote.lpSockaddr->sa_family;
      if (a.family == WS_AF_INET && remote.iSockaddrLength >= static_cast<int>(sizeof(WS_sockaddr_in))) {
        std::memcpy(a.bytes, &reinterpret_cast<const WS_sockaddr_in *>(remote.lpSockaddr)->sin_addr, 4);
      } else if (a.family == WS_AF_INET6 &&
                 remote.iSockaddrLength >= static_cast<int>(sizeof(WS_sockaddr_in6))) {
        std::memcpy(a.bytes, &reinterpret_cast<const WS_sockaddr_in6 *>(remote.lpSockaddr)->sin6_addr,
                    16);
      } else {
        continue;
      }
      if (family != WS_AF_UNSPEC && a.family != family) continue;
      bool seen = false;
      for (const HostAddress &b : answer.addresses) {
        if (b.family == a.family && std::memcmp(b.bytes, a.bytes, 16) == 0) seen = true;
      }
      if (!seen) answer.addresses.push_back(a);
    }
    if (!answer.addresses.empty()) {
      *out = std::move(answer);
      error = 0;
      break;
    }
    error = WSANO_DATA;  // a name without an address of the families asked for, so far
  }
  LookupEnd(h);
  return error;
}

}  // namespace ws2emu::namespaces
