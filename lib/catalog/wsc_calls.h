// lib/catalog/wsc_calls.h — what the catalog's Windows-facing calls (wsc_calls.cc) share with
// the upcalls.
#ifndef WS2EMU_LIB_CATALOG_WSC_CALLS_H_
#define WS2EMU_LIB_CATALOG_WSC_CALLS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu {

// WPUGetProviderPath and WSCGetProviderPath: the catalog's path for the provider GUID, as
// installed (not expanded).
int GetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
                    LPINT lpErrno);

namespace catalog {

// WSAEnumProtocolsW / WSAEnumProtocolsA without the start-up check, which the Winsock API
// (lib/winsock) makes first: the application view (no hidden or layered entries), errors
// through the thread's last error.
int EnumProtocolsForApplicationsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                                  LPDWORD lpdwBufferLength);
int EnumProtocolsForApplicationsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                                  LPDWORD lpdwBufferLength);

// The catalog's entries now, in catalog order: all of them, or the application view.
absl::StatusOr<std::vector<WSAPROTOCOL_INFOW>> CurrentEntries(bool application_view);

}  // namespace catalog

}  // namespace ws2emu

#endif  // WS2EMU_LIB_CATALOG_WSC_CALLS_H_
