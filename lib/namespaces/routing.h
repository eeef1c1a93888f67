// lib/namespaces/routing.h — name-space providers started from the name-space catalog, and the
// queries routed to them: what WSALookupService*, WSASetService and the service class calls do
// once the Winsock API has checked start-up and converted A strings (lib/winsock/rnr.cc).
//
//   HANDLE h;
//   int error = namespaces::LookupBegin(&restrictions, LUP_RETURN_ADDR, &h);   // 0 or WSA error
//   error = namespaces::LookupNext(h, 0, &length, results);
//   namespaces::LookupEnd(h);
//
// Which providers (as ws2_32 does it, ReactOS's nsquery.c): lpNSProviderId names one (installed
// and active, else WSAEINVAL); otherwise every active provider whose name space is dwNameSpace,
// or every active provider for NS_ALL, in catalog order. A provider is loaded and started once
// per process (NSPStartup with its GUID): its catalog path with %VARIABLES% expanded, through
// the module resolver (lib/modules: a PE DLL through the image loader, a native .so, a built-in
// module); MSAFD's path %SystemRoot%\system32\mswsock.dll, in any case, is the built-in DNS
// provider (dns_provider.h) without the resolver, as the system folder's mswsock.dll always is.
// A provider that cannot be loaded or started is left out of the query (said on stderr with
// WS2EMU_DEBUG), as ws2_32 leaves it out. NSPCleanup is not called: providers stay loaded until
// the process ends [inference: ws2_32 calls it at the last WSACleanup, which would make every
// WSAStartup/WSACleanup pair reload them; none of the providers this serves needs it earlier].
//
// Begin asks each selected provider's NSPLookupServiceBegin with the restrictions and keeps
// those that succeed; none selected, or none succeeding, is WSASERVICE_NOT_FOUND (the error of
// the one provider when lpNSProviderId named it). Next asks the first provider still in the
// query; any error but WSAEFAULT (the caller's buffer is short, and the provider keeps the
// result) moves on to the next provider, as ws2_32 does; after the last, WSA_E_NO_MORE — or,
// when no provider returned any result set, the first error other than WSA_E_NO_MORE a provider
// gave (WSASERVICE_NOT_FOUND for a name no one knows) [inference]. End calls every provider's
// NSPLookupServiceEnd once; a handle that is not open is WSA_INVALID_HANDLE (also after End).
//
// Thread safety: the query table has its own lock; a query's calls are serialized by the
// query's lock, which is held while its providers run (never the table's), so one thread's
// Next and another's End on the same handle cannot free what a provider still uses.
#ifndef WS2EMU_LIB_NAMESPACES_ROUTING_H_
#define WS2EMU_LIB_NAMESPACES_ROUTING_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "catalog/catalog.h"
#include "namespaces/result_set.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::namespaces {

struct StartedNameSpace {
  catalog::NameSpaceEntry entry;
  NSP_ROUTINE routine;
  bool builtin = false;  // the built-in DNS provider (dns_provider.h)
};

// The providers a query with this name space / provider id goes to, started, in catalog order.
// WSAEINVAL (as a WsaStatus) for a provider id that is not installed or not active,
// WSASERVICE_NOT_FOUND when no active provider serves the name space. `failed`, when not null,
// receives the first error of a provider that could not be started (a query left it out).
absl::StatusOr<std::vector<std::shared_ptr<const StartedNameSpace>>> Select(
    DWORD name_space, const GUID *provider_id, int *failed = nullptr);

// True when the providers for this name space / id are only the built-in DNS provider: then
// getaddrinfo & co. may go straight to the resolver (lib/winsock/names.cc's fast path). Reads
// the catalog (cached by the store: an fstat when nothing changed); starts nothing. A catalog
// that cannot be read answers true; an unknown provider id is WSAEINVAL and a name space no
// active provider serves WSASERVICE_NOT_FOUND (as WsaStatus).
absl::StatusOr<bool> OnlyBuiltin(DWORD name_space, const GUID *provider_id);

// Whether the path names the built-in DNS provider's module (%SystemRoot% or %windir%
// \system32\mswsock.dll, ASCII case ignored).
bool IsBuiltinPath(std::u16string_view path);

int LookupBegin(const WSAQUERYSETW *restrictions, DWORD flags, HANDLE *handle);
int LookupNext(HANDLE handle, DWORD flags, DWORD *length, WSAQUERYSETW *results);
int LookupEnd(HANDLE handle);

// For WSALookupServiceNextA: a W result set kept with its handle when the A form did not fit
// the caller's buffer, so that the next call returns it rather than losing it. Take returns
// and clears it (empty when none); Keep stores one (its pointers point into the bytes, which
// a move of the vector keeps where they are).
std::vector<unsigned char> TakePending(HANDLE handle);
void KeepPending(HANDLE handle, std::vector<unsigned char> bytes);

// WSASetService: every selected provider's NSPSetService; success when one succeeds, else the
// first error. WSAEINVAL for a NULL query set or an unknown operation.
int SetService(const WSAQUERYSETW *info, WSAESETSERVICEOP op, DWORD flags);
// WSAGetServiceClassInfoW: the named provider's NSPGetServiceClassInfo.
int GetServiceClassInfo(const GUID *provider_id, const GUID *service_class, DWORD *length,
                        WSASERVICECLASSINFOW *info);
// WSAInstallServiceClassW / WSARemoveServiceClass: every active provider; success when one
// succeeds, else the first error.
int InstallServiceClass(const WSASERVICECLASSINFOW *info);
int RemoveServiceClass(const GUID *service_class);

// A host-by-name lookup as getaddrinfo makes it (SVCID_INET_HOSTADDRBYNAME, LUP_RETURN_NAME |
// LUP_RETURN_ADDR, the families asked for) through LookupBegin/Next/End: the addresses of the
// first result set that has any, and its name. 0 or a WSA error (WSAHOST_NOT_FOUND when no
// provider knows the name).
struct HostAnswer {
  std::string canonical;  // UTF-8; empty when the provider gave no name
  std::vector<HostAddress> addresses;
};
int LookupHost(const std::string &name, int family, DWORD name_space, const GUID *provider_id,
               HostAnswer *out);

}  // namespace ws2emu::namespaces

#endif  // WS2EMU_LIB_NAMESPACES_ROUTING_H_
