// lib/namespaces/dns_provider.h — the built-in TCP/IP name-space provider (NS_DNS over the
// system resolver: /etc/hosts, DNS, as getaddrinfo(3) answers), whose NSPStartup the built-in
// mswsock.dll exports and which a fresh catalog holds as "Tcpip".
//
// Service classes answered (svcguid.h):
//   SVCID_INET_HOSTADDRBYNAME  lpszServiceInstanceName is a host name (NULL or "": the local
//                              host); one result set: the addresses (LUP_RETURN_ADDR, one
//                              CSADDR_INFO per address and per protocol of lpafpProtocols that
//                              matches its family; TCP over each family when none is given),
//                              the canonical name (LUP_RETURN_NAME), the class (LUP_RETURN_TYPE),
//                              the query string (LUP_RETURN_QUERY_STRING) and a hostent BLOB
//                              (LUP_RETURN_BLOB: pointers as offsets from the BLOB's start, as
//                              ws2_32's gethostbyname unpacks them; IPv4 addresses, else IPv6).
//   SVCID_HOSTNAME             the local host name as lpszServiceInstanceName, no address.
// lpafpProtocols limits the families asked for (AF_INET / AF_INET6 entries). Any other class is
// WSASERVICE_NOT_FOUND at Begin [inference: the routing then asks the next provider].
//
// Next: the result set once, then WSA_E_NO_MORE. A name the resolver does not know is
// WSASERVICE_NOT_FOUND (gethostbyname turns it into WSAHOST_NOT_FOUND, as ws2_32 does), a name
// without an address of the families asked for WSANO_DATA, a resolver that could not answer now
// WSATRY_AGAIN, a failure WSANO_RECOVERY. A buffer that is too small is WSAEFAULT with the size
// needed in *lpdwBufferLength and keeps the result for the next call, unless LUP_FLUSHPREVIOUS
// drops it (then WSA_E_NO_MORE). A handle that is not one of ours is WSA_INVALID_HANDLE.
// NSPSetService, the service class calls and NSPIoctl are WSAEOPNOTSUPP: the resolver has no
// registrations [inference: the documented code for "the provider does not implement this"].
//
// NSPStartup accepts any provider GUID: a layered name-space provider (a Proxifier-style
// redirector) loads mswsock.dll itself and starts it under its own GUID.
#ifndef WS2EMU_LIB_NAMESPACES_DNS_PROVIDER_H_
#define WS2EMU_LIB_NAMESPACES_DNS_PROVIDER_H_

#include "ws2emu/ws2spi.h"

namespace ws2emu::namespaces {

INT WSAAPI DnsNSPStartup(LPGUID lpProviderId, LPNSP_ROUTINE lpnspRoutines);

}  // namespace ws2emu::namespaces

#endif  // WS2EMU_LIB_NAMESPACES_DNS_PROVIDER_H_
