/*
 * ws2emu/ws2spi.h — the Winsock 2 Service Provider Interface, as Windows x64 lays it out.
 *
 * What it is for: a Winsock service provider written for Windows includes this header instead
 * of <winsock2.h> + <ws2spi.h> and compiles natively on Linux into a `.so` that exports
 * WSPStartup; ws2emu hands it the same upcall table (WSPUPCALLTABLE) a PE provider gets.
 *
 *   #include <ws2emu/ws2spi.h>
 *
 *   int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
 *                         LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
 *                         LPWSPPROC_TABLE lpProcTable) {
 *     g_upcalls = UpcallTable;   // copy the 15 pointers: the argument is a temporary
 *     ...
 *   }
 *
 * Every struct has its Windows name, member order and x64 layout (SPEC.md §3); tests/abi checks
 * each offset against this header and against mingw-w64's own headers. WSPAPI is ms_abi on
 * x86_64, so the function-pointer types are the ones a PE provider uses. Note that Windows
 * `long` is 32 bits: where the SPI says `long` (lEvent, lNetworkEvents) this header says LONG;
 * a provider that spells it `long` must change that one word to build on LP64.
 *
 * Names that clash with Linux headers (sockaddr, fd_set, timeval, FD_SET, AF_INET6, ...): see
 * ws2emu/winsock_types.h and WS2EMU_WS_PREFIX.
 *
 * Compiles as C99 and as C++20.
 */
#ifndef WS2EMU_WS2SPI_H_
#define WS2EMU_WS2SPI_H_

#include "ws2emu/win_base.h"
#include "ws2emu/winsock_errors.h"
#include "ws2emu/winsock_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WSPDESCRIPTION_LEN 255

/* WSPDATA: size 516, alignment 2 (SPEC.md §3.8). */
typedef struct WSPData {
  WORD wVersion;
  WORD wHighVersion;
  WCHAR szDescription[WSPDESCRIPTION_LEN + 1];
} WSPDATA, *LPWSPDATA;

/* WSATHREADID: size 16 (SPEC.md §3.1). A provider keeps a copy of the structure, not the
 * pointer, until WPUQueueApc has returned. */
typedef struct _WSATHREADID {
  HANDLE ThreadHandle;
  DWORD_PTR Reserved;
} WSATHREADID, *LPWSATHREADID;

/* The two callbacks of the upcalls (SPEC.md §3.11; DWORD_PTR, not the DWORD of the docs). */
typedef BOOL(CALLBACK *LPBLOCKINGCALLBACK)(DWORD_PTR dwContext);
typedef VOID(CALLBACK *LPWSAUSERAPC)(DWORD_PTR dwContext);

/* ---- The provider's entry points (WSPPROC_TABLE) ------------------------------------------- */

typedef SOCKET(WSPAPI *LPWSPACCEPT)(SOCKET s, struct WS_sockaddr *addr, LPINT addrlen,
                                    LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData,
                                    LPINT lpErrno);
typedef INT(WSPAPI *LPWSPADDRESSTOSTRING)(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                                          LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                          LPWSTR lpszAddressString,
                                          LPDWORD lpdwAddressStringLength, LPINT lpErrno);
typedef int(WSPAPI *LPWSPASYNCSELECT)(SOCKET s, HWND hWnd, unsigned int wMsg, LONG lEvent,
                                      LPINT lpErrno);
typedef int(WSPAPI *LPWSPBIND)(SOCKET s, const struct WS_sockaddr *name, int namelen,
                               LPINT lpErrno);
typedef int(WSPAPI *LPWSPCANCELBLOCKINGCALL)(LPINT lpErrno);
typedef int(WSPAPI *LPWSPCLEANUP)(LPINT lpErrno);
typedef int(WSPAPI *LPWSPCLOSESOCKET)(SOCKET s, LPINT lpErrno);
typedef int(WSPAPI *LPWSPCONNECT)(SOCKET s, const struct WS_sockaddr *name, int namelen,
                                  LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                                  LPQOS lpGQOS, LPINT lpErrno);
typedef int(WSPAPI *LPWSPDUPLICATESOCKET)(SOCKET s, DWORD dwProcessId,
                                          LPWSAPROTOCOL_INFOW lpProtocolInfo, LPINT lpErrno);
typedef int(WSPAPI *LPWSPENUMNETWORKEVENTS)(SOCKET s, WSAEVENT hEventObject,
                                            LPWSANETWORKEVENTS lpNetworkEvents, LPINT lpErrno);
typedef int(WSPAPI *LPWSPEVENTSELECT)(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents,
                                      LPINT lpErrno);
typedef BOOL(WSPAPI *LPWSPGETOVERLAPPEDRESULT)(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                               LPDWORD lpcbTransfer, BOOL fWait,
                                               LPDWORD lpdwFlags, LPINT lpErrno);
typedef int(WSPAPI *LPWSPGETPEERNAME)(SOCKET s, struct WS_sockaddr *name, LPINT namelen,
                                      LPINT lpErrno);
typedef int(WSPAPI *LPWSPGETSOCKNAME)(SOCKET s, struct WS_sockaddr *name, LPINT namelen,
                                      LPINT lpErrno);
typedef int(WSPAPI *LPWSPGETSOCKOPT)(SOCKET s, int level, int optname, char *optval,
                                     LPINT optlen, LPINT lpErrno);
typedef BOOL(WSPAPI *LPWSPGETQOSBYNAME)(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS,
                                        LPINT lpErrno);
typedef int(WSPAPI *LPWSPIOCTL)(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
                                DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer,
                                LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
                                LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef SOCKET(WSPAPI *LPWSPJOINLEAF)(SOCKET s, const struct WS_sockaddr *name, int namelen,
                                      LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
                                      LPQOS lpSQOS, LPQOS lpGQOS, DWORD dwFlags, LPINT lpErrno);
typedef int(WSPAPI *LPWSPLISTEN)(SOCKET s, int backlog, LPINT lpErrno);
typedef int(WSPAPI *LPWSPRECV)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                               LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                               LPWSAOVERLAPPED lpOverlapped,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                               LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int(WSPAPI *LPWSPRECVDISCONNECT)(SOCKET s, LPWSABUF lpInboundDisconnectData,
                                         LPINT lpErrno);
typedef int(WSPAPI *LPWSPRECVFROM)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                   LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                   struct WS_sockaddr *lpFrom, LPINT lpFromlen,
                                   LPWSAOVERLAPPED lpOverlapped,
                                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                   LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int(WSPAPI *LPWSPSELECT)(int nfds, WS_fd_set *readfds, WS_fd_set *writefds,
                                 WS_fd_set *exceptfds, const struct WS_timeval *timeout,
                                 LPINT lpErrno);
typedef int(WSPAPI *LPWSPSEND)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                               LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                               LPWSAOVERLAPPED lpOverlapped,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                               LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int(WSPAPI *LPWSPSENDDISCONNECT)(SOCKET s, LPWSABUF lpOutboundDisconnectData,
                                         LPINT lpErrno);
typedef int(WSPAPI *LPWSPSENDTO)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                 LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                 const struct WS_sockaddr *lpTo, int iTolen,
                                 LPWSAOVERLAPPED lpOverlapped,
                                 LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                 LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int(WSPAPI *LPWSPSETSOCKOPT)(SOCKET s, int level, int optname, const char *optval,
                                     int optlen, LPINT lpErrno);
typedef int(WSPAPI *LPWSPSHUTDOWN)(SOCKET s, int how, LPINT lpErrno);
typedef SOCKET(WSPAPI *LPWSPSOCKET)(int af, int type, int protocol,
                                    LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags,
                                    LPINT lpErrno);
typedef INT(WSPAPI *LPWSPSTRINGTOADDRESS)(LPWSTR AddressString, INT AddressFamily,
                                          LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                          LPSOCKADDR lpAddress, LPINT lpAddressLength,
                                          LPINT lpErrno);

/* WSPPROC_TABLE: 30 pointers, size 240 (SPEC.md §3.10). Alphabetical, except that
 * lpWSPGetQOSByName follows lpWSPGetSockOpt. */
typedef struct _WSPPROC_TABLE {
  LPWSPACCEPT lpWSPAccept;
  LPWSPADDRESSTOSTRING lpWSPAddressToString;
  LPWSPASYNCSELECT lpWSPAsyncSelect;
  LPWSPBIND lpWSPBind;
  LPWSPCANCELBLOCKINGCALL lpWSPCancelBlockingCall;
  LPWSPCLEANUP lpWSPCleanup;
  LPWSPCLOSESOCKET lpWSPCloseSocket;
  LPWSPCONNECT lpWSPConnect;
  LPWSPDUPLICATESOCKET lpWSPDuplicateSocket;
  LPWSPENUMNETWORKEVENTS lpWSPEnumNetworkEvents;
  LPWSPEVENTSELECT lpWSPEventSelect;
  LPWSPGETOVERLAPPEDRESULT lpWSPGetOverlappedResult;
  LPWSPGETPEERNAME lpWSPGetPeerName;
  LPWSPGETSOCKNAME lpWSPGetSockName;
  LPWSPGETSOCKOPT lpWSPGetSockOpt;
  LPWSPGETQOSBYNAME lpWSPGetQOSByName;
  LPWSPIOCTL lpWSPIoctl;
  LPWSPJOINLEAF lpWSPJoinLeaf;
  LPWSPLISTEN lpWSPListen;
  LPWSPRECV lpWSPRecv;
  LPWSPRECVDISCONNECT lpWSPRecvDisconnect;
  LPWSPRECVFROM lpWSPRecvFrom;
  LPWSPSELECT lpWSPSelect;
  LPWSPSEND lpWSPSend;
  LPWSPSENDDISCONNECT lpWSPSendDisconnect;
  LPWSPSENDTO lpWSPSendTo;
  LPWSPSETSOCKOPT lpWSPSetSockOpt;
  LPWSPSHUTDOWN lpWSPShutdown;
  LPWSPSOCKET lpWSPSocket;
  LPWSPSTRINGTOADDRESS lpWSPStringToAddress;
} WSPPROC_TABLE, *LPWSPPROC_TABLE;

/* ---- The upcalls (WSPUPCALLTABLE) ------------------------------------------------------------ */

typedef BOOL(WSPAPI *LPWPUCLOSEEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int(WSPAPI *LPWPUCLOSESOCKETHANDLE)(SOCKET s, LPINT lpErrno);
typedef WSAEVENT(WSPAPI *LPWPUCREATEEVENT)(LPINT lpErrno);
typedef SOCKET(WSPAPI *LPWPUCREATESOCKETHANDLE)(DWORD dwCatalogEntryId, DWORD_PTR dwContext,
                                                LPINT lpErrno);
typedef int(WSPAPI *LPWPUFDISSET)(SOCKET s, WS_fd_set *fdset);
typedef int(WSPAPI *LPWPUGETPROVIDERPATH)(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                                          LPINT lpProviderDllPathLen, LPINT lpErrno);
typedef SOCKET(WSPAPI *LPWPUMODIFYIFSHANDLE)(DWORD dwCatalogEntryId, SOCKET ProposedHandle,
                                             LPINT lpErrno);
typedef BOOL(WSPAPI *LPWPUPOSTMESSAGE)(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
typedef int(WSPAPI *LPWPUQUERYBLOCKINGCALLBACK)(DWORD dwCatalogEntryId,
                                                LPBLOCKINGCALLBACK *lplpfnCallback,
                                                PDWORD_PTR lpdwContext, LPINT lpErrno);
typedef int(WSPAPI *LPWPUQUERYSOCKETHANDLECONTEXT)(SOCKET s, PDWORD_PTR lpContext,
                                                   LPINT lpErrno);
typedef int(WSPAPI *LPWPUQUEUEAPC)(LPWSATHREADID lpThreadId, LPWSAUSERAPC lpfnUserApc,
                                   DWORD_PTR dwContext, LPINT lpErrno);
typedef BOOL(WSPAPI *LPWPURESETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef BOOL(WSPAPI *LPWPUSETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int(WSPAPI *LPWPUOPENCURRENTTHREAD)(LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int(WSPAPI *LPWPUCLOSETHREAD)(LPWSATHREADID lpThreadId, LPINT lpErrno);
/* Not in the table: ws2_32 exports it directly (SPEC.md §6.4). */
typedef int(WSPAPI *LPWPUCOMPLETEOVERLAPPEDREQUEST)(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                    DWORD dwError, DWORD cbTransferred,
                                                    LPINT lpErrno);

/* WSPUPCALLTABLE: 15 pointers, size 120 (SPEC.md §3.9). Passed to WSPStartup by value; on
 * x64 the provider receives a pointer to the caller's temporary copy. */
typedef struct _WSPUPCALLTABLE {
  LPWPUCLOSEEVENT lpWPUCloseEvent;
  LPWPUCLOSESOCKETHANDLE lpWPUCloseSocketHandle;
  LPWPUCREATEEVENT lpWPUCreateEvent;
  LPWPUCREATESOCKETHANDLE lpWPUCreateSocketHandle;
  LPWPUFDISSET lpWPUFDIsSet;
  LPWPUGETPROVIDERPATH lpWPUGetProviderPath;
  LPWPUMODIFYIFSHANDLE lpWPUModifyIFSHandle;
  LPWPUPOSTMESSAGE lpWPUPostMessage;
  LPWPUQUERYBLOCKINGCALLBACK lpWPUQueryBlockingCallback;
  LPWPUQUERYSOCKETHANDLECONTEXT lpWPUQuerySocketHandleContext;
  LPWPUQUEUEAPC lpWPUQueueApc;
  LPWPURESETEVENT lpWPUResetEvent;
  LPWPUSETEVENT lpWPUSetEvent;
  LPWPUOPENCURRENTTHREAD lpWPUOpenCurrentThread;
  LPWPUCLOSETHREAD lpWPUCloseThread;
} WSPUPCALLTABLE, *LPWSPUPCALLTABLE;

/* WSPStartup: the one export a provider must have (SPEC.md §4). */
typedef int(WSPAPI *LPWSPSTARTUP)(WORD wVersionRequested, LPWSPDATA lpWSPData,
                                  LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                  WSPUPCALLTABLE UpcallTable, LPWSPPROC_TABLE lpProcTable);

/* ---- Catalog calls (exported by ws2_32; SPEC.md §7) ------------------------------------------ */

typedef int(WSPAPI *LPWSCENUMPROTOCOLS)(LPINT lpiProtocols,
                                        LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                                        LPDWORD lpdwBufferLength, LPINT lpErrno);
typedef int(WSPAPI *LPWSCDEINSTALLPROVIDER)(LPGUID lpProviderId, LPINT lpErrno);
typedef int(WSPAPI *LPWSCINSTALLPROVIDER)(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                                          const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                          DWORD dwNumberOfEntries, LPINT lpErrno);
typedef int(WSPAPI *LPWSCGETPROVIDERPATH)(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                                          LPINT lpProviderDllPathLen, LPINT lpErrno);
typedef int(WSPAPI *LPWSCUPDATEPROVIDER)(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                                         const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                         DWORD dwNumberOfEntries, LPINT lpErrno);
typedef int(WSPAPI *LPWSCWRITEPROVIDERORDER)(LPDWORD lpwdCatalogEntryId,
                                             DWORD dwNumberOfEntries);

/* LSP categorization (Vista): the categories an LSP declares (WSCSetProviderInfo with
 * ProviderInfoLspCategories) and the ones an application permits (WSCSetApplicationCategory). */
#define LSP_SYSTEM 0x80000000
#define LSP_INSPECTOR 0x00000001
#define LSP_REDIRECTOR 0x00000002
#define LSP_PROXY 0x00000004
#define LSP_FIREWALL 0x00000008
#define LSP_INBOUND_MODIFY 0x00000010
#define LSP_OUTBOUND_MODIFY 0x00000020
#define LSP_CRYPTO_COMPRESS 0x00000040
#define LSP_LOCAL_CACHE 0x00000080

/* What the Get/Set ProviderInfo calls report for ProviderInfoAudit (winerror.h's value). */
#ifndef ERROR_CALL_NOT_IMPLEMENTED
#define ERROR_CALL_NOT_IMPLEMENTED 120
#endif

typedef enum _WSC_PROVIDER_INFO_TYPE {
  ProviderInfoLspCategories, /* Info is a DWORD of LSP_* flags */
  ProviderInfoAudit          /* Info is a WSC_PROVIDER_AUDIT_INFO; not implemented on Windows */
} WSC_PROVIDER_INFO_TYPE;

/* 16 bytes on x64: Reserved at offset 8. Windows documents it as not used. */
typedef struct _WSC_PROVIDER_AUDIT_INFO {
  DWORD RecordSize; /* size of the record in bytes, this member included */
  PVOID Reserved;
} WSC_PROVIDER_AUDIT_INFO, *PWSC_PROVIDER_AUDIT_INFO;

typedef int(WSPAPI *LPWSCGETPROVIDERINFO)(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType,
                                          PBYTE Info, size_t *InfoSize, DWORD Flags,
                                          LPINT lpErrno);
typedef int(WSPAPI *LPWSCSETPROVIDERINFO)(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType,
                                          PBYTE Info, size_t InfoSize, DWORD Flags,
                                          LPINT lpErrno);
typedef int(WSPAPI *LPWSCGETAPPLICATIONCATEGORY)(LPCWSTR Path, DWORD PathLength, LPCWSTR Extra,
                                                 DWORD ExtraLength,
                                                 DWORD *pPermittedLspCategories,
                                                 LPINT lpErrno);
typedef int(WSPAPI *LPWSCSETAPPLICATIONCATEGORY)(LPCWSTR Path, DWORD PathLength, LPCWSTR Extra,
                                                 DWORD ExtraLength,
                                                 DWORD PermittedLspCategories,
                                                 DWORD *pPrevPermLspCat, LPINT lpErrno);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WS2EMU_WS2SPI_H_ */
