// lib/catalog/wsc_calls.h — what the catalog's Windows-facing calls (wsc_calls.cc) share with
// the upcalls.
#ifndef WS2EMU_LIB_CATALOG_WSC_CALLS_H_
#define WS2EMU_LIB_CATALOG_WSC_CALLS_H_

#include "ws2emu/ws2spi.h"

namespace ws2emu {

// WPUGetProviderPath and WSCGetProviderPath: the catalog's path for the provider GUID, as
// installed (not expanded).
int GetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
                    LPINT lpErrno);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_CATALOG_WSC_CALLS_H_
