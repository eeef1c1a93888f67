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


/* ---- Name-space providers (NSPs) and the registration and resolution calls ------------------ */
/* The types WSALookupService*, WSASetService, WSAEnumNameSpaceProviders* and the service class
 * calls take (winsock2.h / nspapi.h), and the name-space SPI a provider exports (NSPStartup and
 * NSP_ROUTINE, ws2spi.h). x64 layouts; tests/abi checks each against mingw-w64. */

/* Name spaces (winsock2.h). NS_ALL and NS_DNS are in winsock_types.h. */
#define NS_DEFAULT 0
#define NS_SAP 1
#define NS_NDS 2
#define NS_PEER_BROWSE 3
#define NS_SLP 5
#define NS_DHCP 6
#define NS_TCPIP_LOCAL 10
#define NS_TCPIP_HOSTS 11
#define NS_NETBT 13
#define NS_WINS 14
#define NS_NLA 15
#define NS_BTH 16
#define NS_NBP 20
#define NS_MS 30
#define NS_STDA 31
#define NS_NTDS 32
#define NS_EMAIL 37
#define NS_PNRPNAME 38
#define NS_PNRPCLOUD 39
#define NS_X500 40
#define NS_NIS 41
#define NS_NISPLUS 42
#define NS_WRQ 50
#define NS_NETDES 60

/* WSALookupServiceBegin / Next control flags. */
#define LUP_DEEP 0x0001
#define LUP_CONTAINERS 0x0002
#define LUP_NOCONTAINERS 0x0004
#define LUP_NEAREST 0x0008
#define LUP_RETURN_NAME 0x0010
#define LUP_RETURN_TYPE 0x0020
#define LUP_RETURN_VERSION 0x0040
#define LUP_RETURN_COMMENT 0x0080
#define LUP_RETURN_ADDR 0x0100
#define LUP_RETURN_BLOB 0x0200
#define LUP_RETURN_ALIASES 0x0400
#define LUP_RETURN_QUERY_STRING 0x0800
#define LUP_RETURN_ALL 0x0FF0
#define LUP_RES_SERVICE 0x8000
#define LUP_FLUSHCACHE 0x1000
#define LUP_FLUSHPREVIOUS 0x2000
#define LUP_NON_AUTHORITATIVE 0x4000
#define LUP_SECURE 0x8000
#define LUP_RETURN_PREFERRED_NAMES 0x10000
#define LUP_DNS_ONLY 0x20000
#define LUP_ADDRCONFIG 0x100000
#define LUP_DUAL_ADDR 0x200000
#define LUP_FILESERVER 0x400000
#define LUP_DISABLE_IDN_ENCODING 0x00800000
#define LUP_API_ANSI 0x01000000
#define LUP_RESOLUTION_HANDLE 0x80000000

/* WSAQUERYSET.dwOutputFlags. */
#define RESULT_IS_ALIAS 0x0001
#define RESULT_IS_ADDED 0x0010
#define RESULT_IS_CHANGED 0x0020
#define RESULT_IS_DELETED 0x0040

/* Service classes of svcguid.h that the TCP/IP name space answers. */
#define SVCID_HOSTNAME_INIT {0x0002a800, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}}
#define SVCID_INET_HOSTADDRBYINETSTRING_INIT {0x0002a801, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}}
#define SVCID_INET_SERVICEBYNAME_INIT {0x0002a802, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}}
#define SVCID_INET_HOSTADDRBYNAME_INIT {0x0002a803, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}}

/* BLOB: size 16. */
typedef struct _BLOB {
  ULONG cbSize;
  BYTE *pBlobData;
} BLOB, *LPBLOB;

/* CSADDR_INFO: size 40. */
typedef struct _CSADDR_INFO {
  SOCKET_ADDRESS LocalAddr;
  SOCKET_ADDRESS RemoteAddr;
  INT iSocketType;
  INT iProtocol;
} CSADDR_INFO, *PCSADDR_INFO, *LPCSADDR_INFO;

/* AFPROTOCOLS: size 8. */
typedef struct _AFPROTOCOLS {
  INT iAddressFamily;
  INT iProtocol;
} AFPROTOCOLS, *PAFPROTOCOLS, *LPAFPROTOCOLS;

typedef enum _WSAEcomparator { COMP_EQUAL = 0, COMP_NOTLESS } WSAECOMPARATOR, *PWSAECOMPARATOR,
    *LPWSAECOMPARATOR;

/* WSAVERSION: size 8. */
typedef struct _WSAVersion {
  DWORD dwVersion;
  WSAECOMPARATOR ecHow;
} WSAVERSION, *PWSAVERSION, *LPWSAVERSION;

/* WSAQUERYSETA / WSAQUERYSETW: size 120. */
typedef struct _WSAQuerySetA {
  DWORD dwSize;
  LPSTR lpszServiceInstanceName;
  LPGUID lpServiceClassId;
  LPWSAVERSION lpVersion;
  LPSTR lpszComment;
  DWORD dwNameSpace;
  LPGUID lpNSProviderId;
  LPSTR lpszContext;
  DWORD dwNumberOfProtocols;
  LPAFPROTOCOLS lpafpProtocols;
  LPSTR lpszQueryString;
  DWORD dwNumberOfCsAddrs;
  LPCSADDR_INFO lpcsaBuffer;
  DWORD dwOutputFlags;
  LPBLOB lpBlob;
} WSAQUERYSETA, *PWSAQUERYSETA, *LPWSAQUERYSETA;

typedef struct _WSAQuerySetW {
  DWORD dwSize;
  LPWSTR lpszServiceInstanceName;
  LPGUID lpServiceClassId;
  LPWSAVERSION lpVersion;
  LPWSTR lpszComment;
  DWORD dwNameSpace;
  LPGUID lpNSProviderId;
  LPWSTR lpszContext;
  DWORD dwNumberOfProtocols;
  LPAFPROTOCOLS lpafpProtocols;
  LPWSTR lpszQueryString;
  DWORD dwNumberOfCsAddrs;
  LPCSADDR_INFO lpcsaBuffer;
  DWORD dwOutputFlags;
  LPBLOB lpBlob;
} WSAQUERYSETW, *PWSAQUERYSETW, *LPWSAQUERYSETW;

typedef enum _WSAESETSERVICEOP {
  RNRSERVICE_REGISTER = 0,
  RNRSERVICE_DEREGISTER,
  RNRSERVICE_DELETE
} WSAESETSERVICEOP, *PWSAESETSERVICEOP, *LPWSAESETSERVICEOP;

/* WSANSCLASSINFOA / W: size 32. */
typedef struct _WSANSClassInfoA {
  LPSTR lpszName;
  DWORD dwNameSpace;
  DWORD dwValueType;
  DWORD dwValueSize;
  LPVOID lpValue;
} WSANSCLASSINFOA, *PWSANSCLASSINFOA, *LPWSANSCLASSINFOA;

typedef struct _WSANSClassInfoW {
  LPWSTR lpszName;
  DWORD dwNameSpace;
  DWORD dwValueType;
  DWORD dwValueSize;
  LPVOID lpValue;
} WSANSCLASSINFOW, *PWSANSCLASSINFOW, *LPWSANSCLASSINFOW;

/* WSASERVICECLASSINFOA / W: size 32. */
typedef struct _WSAServiceClassInfoA {
  LPGUID lpServiceClassId;
  LPSTR lpszServiceClassName;
  DWORD dwCount;
  LPWSANSCLASSINFOA lpClassInfos;
} WSASERVICECLASSINFOA, *PWSASERVICECLASSINFOA, *LPWSASERVICECLASSINFOA;

typedef struct _WSAServiceClassInfoW {
  LPGUID lpServiceClassId;
  LPWSTR lpszServiceClassName;
  DWORD dwCount;
  LPWSANSCLASSINFOW lpClassInfos;
} WSASERVICECLASSINFOW, *PWSASERVICECLASSINFOW, *LPWSASERVICECLASSINFOW;

/* WSANAMESPACE_INFOA / W: size 40. */
typedef struct _WSANAMESPACE_INFOA {
  GUID NSProviderId;
  DWORD dwNameSpace;
  BOOL fActive;
  DWORD dwVersion;
  LPSTR lpszIdentifier;
} WSANAMESPACE_INFOA, *PWSANAMESPACE_INFOA, *LPWSANAMESPACE_INFOA;

typedef struct _WSANAMESPACE_INFOW {
  GUID NSProviderId;
  DWORD dwNameSpace;
  BOOL fActive;
  DWORD dwVersion;
  LPWSTR lpszIdentifier;
} WSANAMESPACE_INFOW, *PWSANAMESPACE_INFOW, *LPWSANAMESPACE_INFOW;

/* WSANAMESPACE_INFOEXA / W: size 56 (ProviderSpecific at 40). */
typedef struct _WSANAMESPACE_INFOEXA {
  GUID NSProviderId;
  DWORD dwNameSpace;
  BOOL fActive;
  DWORD dwVersion;
  LPSTR lpszIdentifier;
  BLOB ProviderSpecific;
} WSANAMESPACE_INFOEXA, *PWSANAMESPACE_INFOEXA, *LPWSANAMESPACE_INFOEXA;

typedef struct _WSANAMESPACE_INFOEXW {
  GUID NSProviderId;
  DWORD dwNameSpace;
  BOOL fActive;
  DWORD dwVersion;
  LPWSTR lpszIdentifier;
  BLOB ProviderSpecific;
} WSANAMESPACE_INFOEXW, *PWSANAMESPACE_INFOEXW, *LPWSANAMESPACE_INFOEXW;

/* WSACOMPLETION (NSPIoctl's completion): size 40. */
typedef enum _WSACOMPLETIONTYPE {
  NSP_NOTIFY_IMMEDIATELY = 0,
  NSP_NOTIFY_HWND,
  NSP_NOTIFY_EVENT,
  NSP_NOTIFY_PORT,
  NSP_NOTIFY_APC
} WSACOMPLETIONTYPE, *PWSACOMPLETIONTYPE, *LPWSACOMPLETIONTYPE;

typedef struct _WSACOMPLETION {
  WSACOMPLETIONTYPE Type;
  union {
    struct {
      HWND hWnd;
      UINT uMsg;
      WPARAM context;
    } WindowMessage;
    struct {
      LPWSAOVERLAPPED lpOverlapped;
    } Event;
    struct {
      LPWSAOVERLAPPED lpOverlapped;
      LPWSAOVERLAPPED_COMPLETION_ROUTINE lpfnCompletionProc;
    } Apc;
    struct {
      LPWSAOVERLAPPED lpOverlapped;
      HANDLE hPort;
      ULONG_PTR Key;
    } Port;
  } Parameters;
} WSACOMPLETION, *PWSACOMPLETION, *LPWSACOMPLETION;

/* The name-space SPI: what NSPStartup fills in. Errors: SOCKET_ERROR and WSASetLastError. */
typedef INT(WSAAPI *LPNSPCLEANUP)(LPGUID lpProviderId);
typedef INT(WSAAPI *LPNSPLOOKUPSERVICEBEGIN)(LPGUID lpProviderId,
                                             LPWSAQUERYSETW lpqsRestrictions,
                                             LPWSASERVICECLASSINFOW lpServiceClassInfo,
                                             DWORD dwControlFlags, LPHANDLE lphLookup);
typedef INT(WSAAPI *LPNSPLOOKUPSERVICENEXT)(HANDLE hLookup, DWORD dwControlFlags,
                                            LPDWORD lpdwBufferLength,
                                            LPWSAQUERYSETW lpqsResults);
typedef INT(WSAAPI *LPNSPIOCTL)(HANDLE hLookup, DWORD dwControlCode, LPVOID lpvInBuffer,
                                DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer,
                                LPDWORD lpcbBytesReturned, LPWSACOMPLETION lpCompletion,
                                LPWSATHREADID lpThreadId);
typedef INT(WSAAPI *LPNSPLOOKUPSERVICEEND)(HANDLE hLookup);
typedef INT(WSAAPI *LPNSPSETSERVICE)(LPGUID lpProviderId,
                                     LPWSASERVICECLASSINFOW lpServiceClassInfo,
                                     LPWSAQUERYSETW lpqsRegInfo, WSAESETSERVICEOP essOperation,
                                     DWORD dwControlFlags);
typedef INT(WSAAPI *LPNSPINSTALLSERVICECLASS)(LPGUID lpProviderId,
                                              LPWSASERVICECLASSINFOW lpServiceClassInfo);
typedef INT(WSAAPI *LPNSPREMOVESERVICECLASS)(LPGUID lpProviderId, LPGUID lpServiceClassId);
typedef INT(WSAAPI *LPNSPGETSERVICECLASSINFO)(LPGUID lpProviderId, LPDWORD lpdwBufSize,
                                              LPWSASERVICECLASSINFOW lpServiceClassInfo);

/* NSP_ROUTINE: size 88 (cbSize, the two versions, then nine pointers from offset 16). */
typedef struct _NSP_ROUTINE {
  DWORD cbSize;
  DWORD dwMajorVersion;
  DWORD dwMinorVersion;
  LPNSPCLEANUP NSPCleanup;
  LPNSPLOOKUPSERVICEBEGIN NSPLookupServiceBegin;
  LPNSPLOOKUPSERVICENEXT NSPLookupServiceNext;
  LPNSPLOOKUPSERVICEEND NSPLookupServiceEnd;
  LPNSPSETSERVICE NSPSetService;
  LPNSPINSTALLSERVICECLASS NSPInstallServiceClass;
  LPNSPREMOVESERVICECLASS NSPRemoveServiceClass;
  LPNSPGETSERVICECLASSINFO NSPGetServiceClassInfo;
  LPNSPIOCTL NSPIoctl;
} NSP_ROUTINE, *LPNSP_ROUTINE;

/* NSPStartup: the one export a name-space provider must have. */
typedef INT(WSAAPI *LPNSPSTARTUP)(LPGUID lpProviderId, LPNSP_ROUTINE lpnspRoutines);

/* The name-space catalog calls (exported by ws2_32). */
typedef INT(WSPAPI *LPWSCINSTALLNAMESPACE)(LPWSTR lpszIdentifier, LPWSTR lpszPathName,
                                           DWORD dwNameSpace, DWORD dwVersion,
                                           LPGUID lpProviderId);
typedef INT(WSPAPI *LPWSCUNINSTALLNAMESPACE)(LPGUID lpProviderId);
typedef INT(WSPAPI *LPWSCENABLENSPROVIDER)(LPGUID lpProviderId, BOOL fEnable);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WS2EMU_WS2SPI_H_ */
