// lib/base_provider/base_provider.h — the built-in base provider: MSAFD's part of Windows (the
// bottom of every protocol chain), TCP and UDP over IPv4 and IPv6 on Linux sockets.
//
//   WSPDATA data;
//   WSPPROC_TABLE procs;
//   int e = base_provider::WSPStartup(MAKEWORD(2, 2), &data, &tcp_entry, *ws2emu_upcall_table(),
//                                     &procs);
//   SOCKET s = procs.lpWSPSocket(WS_AF_INET, WS_SOCK_STREAM, 0, &tcp_entry, 0,
//                                WSA_FLAG_OVERLAPPED, &err);
//
// It is a provider like any other: registered in the catalog under MSAFD's GUID and the path
// %SystemRoot%\system32\mswsock.dll (emu/ serves that path as a built-in module whose
// WSPStartup export is this function), started by the provider manager, and it reaches the
// runtime only through the upcall table WSPStartup gives it (so `ws2emu-run --trace` sees its
// upcalls) and through what a real provider imports besides: ws2_32's
// WPUCompleteOverlappedRequest (iocp::CompleteOverlapped) and the kernel's handles
// (sockets::CreateIfsSocket: on Windows, AFD's file handle). Its sockets are IFS handles, each
// backed by one Linux socket.
#ifndef WS2EMU_LIB_BASE_PROVIDER_BASE_PROVIDER_H_
#define WS2EMU_LIB_BASE_PROVIDER_BASE_PROVIDER_H_

#include "catalog/default_entries.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::base_provider {

// MSAFD's provider GUID, {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}: the catalog's default entries
// (lib/catalog/default_entries.h) are this provider's.
using catalog::kMsafdProviderId;

// The provider's entry point (SPEC.md §4): SPI versions 2.0 to 2.2; wVersion = the smaller of
// the request and 2.2, wHighVersion = 2.2; a request below 2.0 fails with WSAVERNOTSUPPORTED.
// [inference] MSAFD's lowest version is not documented; 2.0 is the first version with a
// WSPPROC_TABLE, and layers pass their own request (2.2 in Microsoft's samples) down.
int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable);

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_BASE_PROVIDER_H_
