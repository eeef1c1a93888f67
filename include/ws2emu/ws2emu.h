/*
 * ws2emu/ws2emu.h — the runtime's own C API, exported by libws2emu.so.
 *
 * What it is for: a host (a native program, a test, a Wine-style loader) that wants to load
 * Winsock service providers links -lws2emu and uses this header. The Windows-facing calls
 * (upcalls, WSA* calls) keep their Windows names and the WSAAPI (ms_abi) convention; the
 * runtime's own helpers are prefixed ws2emu_ and use the platform's C convention.
 *
 *   #include <ws2emu/ws2emu.h>
 *   printf("ws2emu %s\n", ws2emu_version());
 *
 * Every symbol declared here is exported by libws2emu.so (lib/ws2emu.map); nothing else is.
 */
#ifndef WS2EMU_WS2EMU_H_
#define WS2EMU_WS2EMU_H_

#include "ws2emu/iphlpapi.h"
#include "ws2emu/winuser.h"
#include "ws2emu/ws2spi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The runtime's version, "MAJOR.MINOR.PATCH". Never NULL; the string is static. */
const char *ws2emu_version(void);

/* The upcall table a host passes to a provider's WSPStartup (by value). Static; never NULL.
 * Calling it also marks the runtime initialised: WPUOpenCurrentThread and WPUCloseThread fail
 * with WSANOTINITIALISED before it, as they do on Windows before a WSPStartup. */
const WSPUPCALLTABLE *ws2emu_upcall_table(void);

/* The APC wake backend in use: "uring" or "signal" (WS2EMU_APC chooses). */
const char *ws2emu_apc_backend(void);

/* The address of a function (or data) the runtime implements for a Windows DLL, so that another
 * PE loader can bind imports to the same tables: by name ("KERNEL32.dll", "SetEvent") or by
 * ordinal ("WS2_32.dll", 111). DLL names are matched without case, with or without ".dll";
 * function names exactly. NULL when the runtime does not implement it. The functions use the
 * Windows x64 calling convention. */
void *ws2emu_find_export(const char *dll, const char *name);
void *ws2emu_find_export_ordinal(const char *dll, unsigned ordinal);

/* ---- The upcalls (SPEC.md §6), also reachable through ws2emu_upcall_table() ---------------- */

BOOL WSPAPI WPUCloseEvent(WSAEVENT hEvent, LPINT lpErrno);
int WSPAPI WPUCloseSocketHandle(SOCKET s, LPINT lpErrno);
WSAEVENT WSPAPI WPUCreateEvent(LPINT lpErrno);
SOCKET WSPAPI WPUCreateSocketHandle(DWORD dwCatalogEntryId, DWORD_PTR dwContext, LPINT lpErrno);
int WSPAPI WPUFDIsSet(SOCKET s, WS_fd_set *fdset);
int WSPAPI WPUGetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                              LPINT lpProviderDllPathLen, LPINT lpErrno);
SOCKET WSPAPI WPUModifyIFSHandle(DWORD dwCatalogEntryId, SOCKET ProposedHandle, LPINT lpErrno);
BOOL WSPAPI WPUPostMessage(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
int WSPAPI WPUQueryBlockingCallback(DWORD dwCatalogEntryId, LPBLOCKINGCALLBACK *lplpfnCallback,
                                    PDWORD_PTR lpdwContext, LPINT lpErrno);
int WSPAPI WPUQuerySocketHandleContext(SOCKET s, PDWORD_PTR lpContext, LPINT lpErrno);
int WSPAPI WPUQueueApc(LPWSATHREADID lpThreadId, LPWSAUSERAPC lpfnUserApc, DWORD_PTR dwContext,
                       LPINT lpErrno);
BOOL WSPAPI WPUResetEvent(WSAEVENT hEvent, LPINT lpErrno);
BOOL WSPAPI WPUSetEvent(WSAEVENT hEvent, LPINT lpErrno);
int WSPAPI WPUOpenCurrentThread(LPWSATHREADID lpThreadId, LPINT lpErrno);
int WSPAPI WPUCloseThread(LPWSATHREADID lpThreadId, LPINT lpErrno);
int WSPAPI WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED lpOverlapped, DWORD dwError,
                                        DWORD cbTransferred, LPINT lpErrno);

/* ---- Winsock API calls the runtime implements --------------------------------------------- */

int WSAAPI WSAGetLastError(void);
void WSAAPI WSASetLastError(int iError);
WSAEVENT WSAAPI WSACreateEvent(void);
BOOL WSAAPI WSASetEvent(WSAEVENT hEvent);
BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent);
BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent);
DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents, BOOL fWaitAll,
                                      DWORD dwTimeout, BOOL fAlertable);
/* Winsock 1.1 blocking hooks, per thread. */
FARPROC WSAAPI WSASetBlockingHook(FARPROC lpBlockFunc);
int WSAAPI WSAUnhookBlockingHook(void);
int WSAAPI WSACancelBlockingCall(void);
BOOL WSAAPI WSAIsBlocking(void);
/* Replaces the routine WPUPostMessage posts through (user32 does this on Windows). NULL
 * restores the runtime's own: ws2emu_PostMessageW. Returns 0. */
int WSAAPI WSApSetPostRoutine(LPWPUPOSTMESSAGE lpPostRoutine);

/* ---- The Winsock API (lib/winsock): start-up, sockets routed through the catalog --------- *
 * Functions libc also has (socket, bind, send, select, ...) carry the ws2emu_ prefix; the WSA*
 * ones keep their Windows names. Errors through WSAGetLastError. */
int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
int WSAAPI WSACleanup(void);

SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                         GROUP g, DWORD dwFlags);
SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                         GROUP g, DWORD dwFlags);
/* socket(): overlapped sockets unless the thread's SO_OPENTYPE says otherwise. */
SOCKET WSAAPI ws2emu_socket(int af, int type, int protocol);
SOCKET WSAAPI ws2emu_accept(SOCKET s, struct WS_sockaddr *addr, int *addrlen);
SOCKET WSAAPI WSAAccept(SOCKET s, struct WS_sockaddr *addr, LPINT addrlen,
                        LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData);
int WSAAPI ws2emu_closesocket(SOCKET s);
int WSAAPI ws2emu_bind(SOCKET s, const struct WS_sockaddr *name, int namelen);
int WSAAPI ws2emu_listen(SOCKET s, int backlog);
int WSAAPI ws2emu_connect(SOCKET s, const struct WS_sockaddr *name, int namelen);
int WSAAPI WSAConnect(SOCKET s, const struct WS_sockaddr *name, int namelen,
                      LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS);
/* Resolves nodename:servicename (the system resolver) and connects to the first address of the
 * socket's family that answers, within *timeout in all when it is not null. */
BOOL WSAAPI WSAConnectByNameA(SOCKET s, LPCSTR nodename, LPCSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct WS_timeval *timeout, LPWSAOVERLAPPED Reserved);
BOOL WSAAPI WSAConnectByNameW(SOCKET s, LPWSTR nodename, LPWSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct WS_timeval *timeout, LPWSAOVERLAPPED Reserved);
int WSAAPI ws2emu_shutdown(SOCKET s, int how);
int WSAAPI ws2emu_getsockname(SOCKET s, struct WS_sockaddr *name, int *namelen);
int WSAAPI ws2emu_getpeername(SOCKET s, struct WS_sockaddr *name, int *namelen);
int WSAAPI ws2emu_getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen);
int WSAAPI ws2emu_setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen);
int WSAAPI ws2emu_ioctlsocket(SOCKET s, LONG cmd, WS_u_long *argp);
int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                    LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                    LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI ws2emu_send(SOCKET s, const char *buf, int len, int flags);
int WSAAPI ws2emu_sendto(SOCKET s, const char *buf, int len, int flags,
                         const struct WS_sockaddr *to, int tolen);
int WSAAPI ws2emu_recv(SOCKET s, char *buf, int len, int flags);
int WSAAPI ws2emu_recvfrom(SOCKET s, char *buf, int len, int flags, struct WS_sockaddr *from,
                           int *fromlen);
int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                     LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct WS_sockaddr *lpTo,
                     int iTolen, LPWSAOVERLAPPED lpOverlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                       LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct WS_sockaddr *lpFrom,
                       LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSASendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData);
int WSAAPI WSARecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData);
int WSAAPI ws2emu_select(int nfds, WS_fd_set *readfds, WS_fd_set *writefds,
                         WS_fd_set *exceptfds, const struct WS_timeval *timeout);
int WSAAPI __WSAFDIsSet(SOCKET fd, WS_fd_set *set);
int WSAAPI WSAPoll(LPWSAPOLLFD fdArray, WS_u_long fds, INT timeout);
int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents);
int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                LPWSANETWORKEVENTS lpNetworkEvents);
int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, UINT wMsg, LONG lEvent);
BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                   LPDWORD lpcbTransfer, BOOL fWait, LPDWORD lpdwFlags);
int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOW lpProtocolInfo);
int WSAAPI WSADuplicateSocketA(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOA lpProtocolInfo);
int WSAAPI WSAHtonl(SOCKET s, WS_u_long hostlong, WS_u_long *lpnetlong);
int WSAAPI WSAHtons(SOCKET s, WS_u_short hostshort, WS_u_short *lpnetshort);
int WSAAPI WSANtohl(SOCKET s, WS_u_long netlong, WS_u_long *lphostlong);
int WSAAPI WSANtohs(SOCKET s, WS_u_short netshort, WS_u_short *lphostshort);
int WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength);
int WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength);
int WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength);
int WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength);

/* mswsock.dll: the socket's provider's extension functions (SIO_GET_EXTENSION_FUNCTION_POINTER). */
BOOL WINAPI AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer,
                     DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
                     DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived,
                     LPOVERLAPPED lpOverlapped);
BOOL WINAPI TransmitFile(SOCKET hSocket, HANDLE hFile, DWORD nNumberOfBytesToWrite,
                         DWORD nNumberOfBytesPerSend, LPOVERLAPPED lpOverlapped,
                         LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers, DWORD dwReserved);
VOID WINAPI GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                                 DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
                                 struct WS_sockaddr **LocalSockaddr, LPINT LocalSockaddrLength,
                                 struct WS_sockaddr **RemoteSockaddr,
                                 LPINT RemoteSockaddrLength);

/* ---- end of the socket calls ---------------------------------------------------------------- */

/* ---- The Winsock API: names and addresses (lib/winsock) ------------------------------------- */
/* Byte order and textual addresses; no WSAStartup needed (as on Windows). Functions libc also
 * has carry the ws2emu_ prefix. inet_ntoa's text lives in a per-thread buffer. */
WS_u_long WSAAPI ws2emu_htonl(WS_u_long hostlong);
WS_u_short WSAAPI ws2emu_htons(WS_u_short hostshort);
WS_u_long WSAAPI ws2emu_ntohl(WS_u_long netlong);
WS_u_short WSAAPI ws2emu_ntohs(WS_u_short netshort);
WS_u_long WSAAPI ws2emu_inet_addr(const char *cp);
char *WSAAPI ws2emu_inet_ntoa(struct WS_in_addr in);
INT WSAAPI ws2emu_inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf);
INT WSAAPI InetPtonW(INT Family, PCWSTR pszAddrString, PVOID pAddrBuf);
PCSTR WSAAPI ws2emu_inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf,
                              size_t StringBufSize);
PCWSTR WSAAPI InetNtopW(INT Family, const VOID *pAddr, PWSTR pStringBuf, size_t StringBufSize);

/* Names over the system resolver; need WSAStartup. getaddrinfo/getnameinfo return the WSA
 * error (EAI_* are WSA numbers) and set it as the last error; the *ent calls return a per-thread
 * structure or NULL with the last error set. GetAddrInfoEx is synchronous: lpOverlapped and
 * lpCompletionRoutine must be NULL (WSAEINVAL otherwise, as before Windows 8). */
INT WSAAPI ws2emu_getaddrinfo(PCSTR pNodeName, PCSTR pServiceName, const ADDRINFOA *pHints,
                              PADDRINFOA *ppResult);
INT WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName, const ADDRINFOW *pHints,
                        PADDRINFOW *ppResult);
INT WSAAPI GetAddrInfoExA(PCSTR pName, PCSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXA *hints, PADDRINFOEXA *ppResult,
                          struct WS_timeval *timeout, LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle);
INT WSAAPI GetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXW *hints, PADDRINFOEXW *ppResult,
                          struct WS_timeval *timeout, LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpHandle);
INT WSAAPI GetAddrInfoExCancel(LPHANDLE lpHandle);
INT WSAAPI GetAddrInfoExOverlappedResult(LPOVERLAPPED lpOverlapped);
void WSAAPI ws2emu_freeaddrinfo(PADDRINFOA pAddrInfo);
void WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo);
void WSAAPI FreeAddrInfoEx(PADDRINFOEXA pAddrInfoEx);
void WSAAPI FreeAddrInfoExW(PADDRINFOEXW pAddrInfoEx);
INT WSAAPI ws2emu_getnameinfo(const SOCKADDR *pSockaddr, INT SockaddrLength, char *pNodeBuffer,
                              DWORD NodeBufferSize, char *pServiceBuffer,
                              DWORD ServiceBufferSize, INT Flags);
INT WSAAPI GetNameInfoW(const SOCKADDR *pSockaddr, INT SockaddrLength, PWCHAR pNodeBuffer,
                        DWORD NodeBufferSize, PWCHAR pServiceBuffer, DWORD ServiceBufferSize,
                        INT Flags);
int WSAAPI ws2emu_gethostname(char *name, int namelen);
int WSAAPI GetHostNameW(PWSTR name, int namelen);
struct WS_hostent *WSAAPI ws2emu_gethostbyname(const char *name);
struct WS_hostent *WSAAPI ws2emu_gethostbyaddr(const char *addr, int len, int type);
struct WS_servent *WSAAPI ws2emu_getservbyname(const char *name, const char *proto);
struct WS_servent *WSAAPI ws2emu_getservbyport(int port, const char *proto);
struct WS_protoent *WSAAPI ws2emu_getprotobyname(const char *name);
struct WS_protoent *WSAAPI ws2emu_getprotobynumber(int number);
/* ---- end of names and addresses ------------------------------------------------------------- */

/* ---- Name-space providers (lib/catalog name spaces, lib/namespaces, lib/winsock) ------------ */
/* The name-space catalog (NameSpace_Catalog5 on Windows) lives in the catalog file beside the
 * protocol entries; a fresh catalog holds Windows' TCP/IP provider ("Tcpip", NS_DNS,
 * {22059D40-7E9E-11CF-AE5A-00AA00A7112B}, %SystemRoot%\system32\mswsock.dll: the built-in DNS
 * provider over the system resolver). The WSC* calls need no WSAStartup and report errors
 * through WSAGetLastError; the *32 / 64_32 forms are the same calls (one catalog here). */
INT WSAAPI WSCInstallNameSpace(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace,
                               DWORD dwVersion, LPGUID lpProviderId);
INT WSAAPI WSCInstallNameSpace32(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace,
                                 DWORD dwVersion, LPGUID lpProviderId);
INT WSAAPI WSCInstallNameSpace64_32(LPWSTR lpszIdentifier, LPWSTR lpszPathName,
                                    DWORD dwNameSpace, DWORD dwVersion, LPGUID lpProviderId);
INT WSAAPI WSCInstallNameSpaceEx(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace,
                                 DWORD dwVersion, LPGUID lpProviderId,
                                 LPBLOB lpProviderSpecific);
INT WSAAPI WSCInstallNameSpaceEx32(LPWSTR lpszIdentifier, LPWSTR lpszPathName,
                                   DWORD dwNameSpace, DWORD dwVersion, LPGUID lpProviderId,
                                   LPBLOB lpProviderSpecific);
INT WSAAPI WSCInstallNameSpaceEx64_32(LPWSTR lpszIdentifier, LPWSTR lpszPathName,
                                      DWORD dwNameSpace, DWORD dwVersion, LPGUID lpProviderId,
                                      LPBLOB lpProviderSpecific);
INT WSAAPI WSCUnInstallNameSpace(LPGUID lpProviderId);
INT WSAAPI WSCUnInstallNameSpace32(LPGUID lpProviderId);
INT WSAAPI WSCEnableNSProvider(LPGUID lpProviderId, BOOL fEnable);
INT WSAAPI WSCEnableNSProvider32(LPGUID lpProviderId, BOOL fEnable);
/* The order lookups ask the providers in: every installed GUID once; the error is the return
 * value (0, or WSAEINVAL / WSANO_RECOVERY), as WSCWriteProviderOrder's. */
INT WSAAPI WSCWriteNameSpaceOrder(LPGUID lpProviderId, DWORD dwNumberOfEntries);
INT WSAAPI WSCWriteNameSpaceOrder32(LPGUID lpProviderId, DWORD dwNumberOfEntries);
INT WSAAPI WSCEnumNameSpaceProviders32(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOW lpnspBuffer);
INT WSAAPI WSCEnumNameSpaceProvidersEx32(LPDWORD lpdwBufferLength,
                                         LPWSANAMESPACE_INFOEXW lpnspBuffer);

/* Need WSAStartup. The buffer holds the structures first, then the strings (and blobs) they
 * point to; WSAEFAULT with the size needed in *lpdwBufferLength when it is too small. */
INT WSAAPI WSAEnumNameSpaceProvidersA(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOA lpnspBuffer);
INT WSAAPI WSAEnumNameSpaceProvidersW(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOW lpnspBuffer);
INT WSAAPI WSAEnumNameSpaceProvidersExA(LPDWORD lpdwBufferLength,
                                        LPWSANAMESPACE_INFOEXA lpnspBuffer);
INT WSAAPI WSAEnumNameSpaceProvidersExW(LPDWORD lpdwBufferLength,
                                        LPWSANAMESPACE_INFOEXW lpnspBuffer);

/* Queries routed to the enabled providers of the name space asked for (NS_ALL: every enabled
 * provider, in catalog order; lpNSProviderId: that one). Next walks the providers in order,
 * each until it says WSA_E_NO_MORE. */
INT WSAAPI WSALookupServiceBeginA(LPWSAQUERYSETA lpqsRestrictions, DWORD dwControlFlags,
                                  LPHANDLE lphLookup);
INT WSAAPI WSALookupServiceBeginW(LPWSAQUERYSETW lpqsRestrictions, DWORD dwControlFlags,
                                  LPHANDLE lphLookup);
INT WSAAPI WSALookupServiceNextA(HANDLE hLookup, DWORD dwControlFlags, LPDWORD lpdwBufferLength,
                                 LPWSAQUERYSETA lpqsResults);
INT WSAAPI WSALookupServiceNextW(HANDLE hLookup, DWORD dwControlFlags, LPDWORD lpdwBufferLength,
                                 LPWSAQUERYSETW lpqsResults);
INT WSAAPI WSALookupServiceEnd(HANDLE hLookup);
INT WSAAPI WSASetServiceA(LPWSAQUERYSETA lpqsRegInfo, WSAESETSERVICEOP essoperation,
                          DWORD dwControlFlags);
INT WSAAPI WSASetServiceW(LPWSAQUERYSETW lpqsRegInfo, WSAESETSERVICEOP essoperation,
                          DWORD dwControlFlags);
INT WSAAPI WSAGetServiceClassInfoA(LPGUID lpProviderId, LPGUID lpServiceClassId,
                                   LPDWORD lpdwBufSize,
                                   LPWSASERVICECLASSINFOA lpServiceClassInfo);
INT WSAAPI WSAGetServiceClassInfoW(LPGUID lpProviderId, LPGUID lpServiceClassId,
                                   LPDWORD lpdwBufSize,
                                   LPWSASERVICECLASSINFOW lpServiceClassInfo);
INT WSAAPI WSAInstallServiceClassW(LPWSASERVICECLASSINFOW lpServiceClassInfo);
INT WSAAPI WSARemoveServiceClass(LPGUID lpServiceClassId);
/* ---- end of name-space providers ------------------------------------------------------------- */

/* ---- IP Helper (iphlpapi) -------------------------------------------------------------------- */

/* The machine's interfaces (Linux getifaddrs and /proc) in Windows' structures (ws2emu/iphlpapi.h),
 * one caller buffer holding every list: ERROR_BUFFER_OVERFLOW with *SizePointer set to the size
 * needed (also for a NULL buffer), ERROR_INVALID_PARAMETER for a NULL size pointer, a Family
 * other than AF_UNSPEC/AF_INET/AF_INET6 or a non-NULL Reserved, ERROR_NO_DATA when no adapter
 * matches. AdapterName is a GUID string stable per Linux name; FriendlyName and Description are
 * the Linux name ("Loopback Pseudo-Interface 1" / "Software Loopback Interface 1" for lo).
 * AF_INET lists the adapters with an IPv4 address, AF_INET6 those with IPv6 enabled.
 * GetAdaptersInfo lists every adapter but the loopback, as Windows does (0.0.0.0 when it has no
 * IPv4 address). */
ULONG WINAPI GetAdaptersAddresses(ULONG Family, ULONG Flags, PVOID Reserved,
                                  PIP_ADAPTER_ADDRESSES AdapterAddresses, PULONG SizePointer);
ULONG WINAPI GetAdaptersInfo(PIP_ADAPTER_INFO AdapterInfo, PULONG SizePointer);
/* Host name (up to the first dot), domain, the resolver's IPv4 servers, IP forwarding. */
DWORD WINAPI GetNetworkParams(PFIXED_INFO pFixedInfo, PULONG pOutBufLen);
/* The interface the kernel's routes choose for a destination (IPAddr in network order);
 * ERROR_CAN_NOT_COMPLETE when there is no route. */
DWORD WINAPI GetBestInterface(IPAddr dwDestAddr, PDWORD pdwBestIfIndex);
DWORD WINAPI GetBestInterfaceEx(struct WS_sockaddr *pDestAddr, PDWORD pdwBestIfIndex);
DWORD WINAPI GetNumberOfInterfaces(PDWORD pdwNumIf);
/* if_nametoindex / if_indextoname (names libc has): the Linux name, or for nametoindex also the
 * adapter's GUID name; 0 / NULL when there is no such interface. The buffer is IF_NAMESIZE (256)
 * bytes on Windows. */
NET_IFINDEX WINAPI ws2emu_if_nametoindex(PCSTR InterfaceName);
PCHAR WINAPI ws2emu_if_indextoname(NET_IFINDEX InterfaceIndex, PCHAR InterfaceName);

/* ---- end of IP Helper ------------------------------------------------------------------------ */

/* ---- kernel32 primitives, Windows names and signatures with the ws2emu_ prefix ------------- */

DWORD WINAPI ws2emu_GetLastError(void);
void WINAPI ws2emu_SetLastError(DWORD dwErrCode);
BOOL WINAPI ws2emu_CloseHandle(HANDLE hObject);
HANDLE WINAPI ws2emu_CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                                  BOOL bInitialState, LPCWSTR lpName);
BOOL WINAPI ws2emu_SetEvent(HANDLE hEvent);
HANDLE WINAPI ws2emu_CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                                      LONG lInitialCount, LONG lMaximumCount, LPCWSTR lpName);
BOOL WINAPI ws2emu_ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
                                    LPLONG lpPreviousCount);
HANDLE WINAPI ws2emu_CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
                                  LPCWSTR lpName);
BOOL WINAPI ws2emu_ReleaseMutex(HANDLE hMutex);
/* Named kernel objects, shared by every process of the user that opens the name (ws2emu-run
 * programs and native hosts alike): lib/named_objects/named_object.h describes the namespace
 * folder ($XDG_RUNTIME_DIR/ws2emu-objects, else /tmp/ws2emu-<uid>). Create of an existing name
 * returns it with the last error ERROR_ALREADY_EXISTS (0 on a fresh create); a name held by an
 * object of another type: ERROR_INVALID_HANDLE; Open of a missing name: ERROR_FILE_NOT_FOUND.
 * "Local\" and "Global\" prefixes; names are case-sensitive. Access masks and inheritance are
 * accepted and not enforced. */
HANDLE WINAPI ws2emu_CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName,
                                    DWORD dwFlags, DWORD dwDesiredAccess);
HANDLE WINAPI ws2emu_OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
HANDLE WINAPI ws2emu_CreateSemaphoreExW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                                        LONG lInitialCount, LONG lMaximumCount, LPCWSTR lpName,
                                        DWORD dwFlags, DWORD dwDesiredAccess);
HANDLE WINAPI ws2emu_OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
HANDLE WINAPI ws2emu_CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCWSTR lpName,
                                    DWORD dwFlags, DWORD dwDesiredAccess);
HANDLE WINAPI ws2emu_OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
/* File mappings: hFile must be INVALID_HANDLE_VALUE (the paging file) here; a native host maps
 * a file through ws2emu_CreateFileMappingFd with its own descriptor (duplicated; the caller
 * keeps its own), -1 meaning the paging file. */
HANDLE WINAPI ws2emu_CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes,
                                        DWORD flProtect, DWORD dwMaximumSizeHigh,
                                        DWORD dwMaximumSizeLow, LPCWSTR lpName);
HANDLE WINAPI ws2emu_CreateFileMappingFd(int fd, LPSECURITY_ATTRIBUTES lpAttributes,
                                         DWORD flProtect, DWORD dwMaximumSizeHigh,
                                         DWORD dwMaximumSizeLow, LPCWSTR lpName);
HANDLE WINAPI ws2emu_OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                      LPCWSTR lpName);
LPVOID WINAPI ws2emu_MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                                   DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                                   SIZE_T dwNumberOfBytesToMap);
LPVOID WINAPI ws2emu_MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                                     DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                                     SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress);
BOOL WINAPI ws2emu_UnmapViewOfFile(LPCVOID lpBaseAddress);
BOOL WINAPI ws2emu_FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush);
BOOL WINAPI ws2emu_ResetEvent(HANDLE hEvent);
DWORD WINAPI ws2emu_WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI ws2emu_WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles,
                                             BOOL bWaitAll, DWORD dwMilliseconds,
                                             BOOL bAlertable);
DWORD WINAPI ws2emu_SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI ws2emu_QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);
DWORD WINAPI ws2emu_GetCurrentThreadId(void);
HANDLE WINAPI ws2emu_OpenThread(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwThreadId);
/* The pseudo-handles (HANDLE)-2 and (HANDLE)-1: "the calling thread" and "this process",
 * accepted wherever a thread or process handle is; CloseHandle on them does nothing.
 * DuplicateHandle makes a real handle of them, or a second handle to any kernel object. */
HANDLE WINAPI ws2emu_GetCurrentThread(void);
HANDLE WINAPI ws2emu_GetCurrentProcess(void);
DWORD WINAPI ws2emu_GetThreadId(HANDLE Thread);
BOOL WINAPI ws2emu_DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                                   HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                                   DWORD dwDesiredAccess, BOOL bInheritHandle,
                                   DWORD dwOptions);
HANDLE WINAPI ws2emu_CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                            ULONG_PTR CompletionKey,
                                            DWORD NumberOfConcurrentThreads);
BOOL WINAPI ws2emu_GetQueuedCompletionStatus(HANDLE CompletionPort,
                                             LPDWORD lpNumberOfBytesTransferred,
                                             PULONG_PTR lpCompletionKey,
                                             LPOVERLAPPED *lpOverlapped, DWORD dwMilliseconds);
BOOL WINAPI ws2emu_GetQueuedCompletionStatusEx(HANDLE CompletionPort,
                                               LPOVERLAPPED_ENTRY lpCompletionPortEntries,
                                               ULONG ulCount, PULONG ulNumEntriesRemoved,
                                               DWORD dwMilliseconds, BOOL fAlertable);
BOOL WINAPI ws2emu_PostQueuedCompletionStatus(HANDLE CompletionPort,
                                              DWORD dwNumberOfBytesTransferred,
                                              ULONG_PTR dwCompletionKey,
                                              LPOVERLAPPED lpOverlapped);
/* The file calls on a SOCKET handle (lib/winsock/file_io.cc): a receive / send through the
 * socket's provider, completing as the OVERLAPPED says. Any other handle: ERROR_INVALID_HANDLE.
 * SetFileCompletionNotificationModes: FILE_SKIP_COMPLETION_PORT_ON_SUCCESS (1),
 * FILE_SKIP_SET_EVENT_ON_HANDLE (2). */
BOOL WINAPI ws2emu_ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                            LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);
BOOL WINAPI ws2emu_WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                             LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);
BOOL WINAPI ws2emu_GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                       LPDWORD lpNumberOfBytesTransferred, BOOL bWait);
BOOL WINAPI ws2emu_CancelIo(HANDLE hFile);
BOOL WINAPI ws2emu_CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);
BOOL WINAPI ws2emu_SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags);

/* ---- user32: message-only windows and per-thread message queues (ws2emu/winuser.h) -------- *
 * A window belongs to the thread that created it and is message-only whatever its parent (the
 * runtime has no display); classes are per process. Errors through ws2emu_GetLastError. */

ATOM WINAPI ws2emu_RegisterClassExW(const WNDCLASSEXW *lpWndClass);
BOOL WINAPI ws2emu_UnregisterClassW(LPCWSTR lpClassName, HINSTANCE hInstance);
HWND WINAPI ws2emu_CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName,
                                   DWORD dwStyle, int X, int Y, int nWidth, int nHeight,
                                   HWND hWndParent, HMENU hMenu, HINSTANCE hInstance,
                                   LPVOID lpParam);
BOOL WINAPI ws2emu_DestroyWindow(HWND hWnd);
BOOL WINAPI ws2emu_IsWindow(HWND hWnd);
LRESULT WINAPI ws2emu_DefWindowProcW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI ws2emu_PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI ws2emu_PostThreadMessageW(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam);
void WINAPI ws2emu_PostQuitMessage(int nExitCode);
BOOL WINAPI ws2emu_GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
BOOL WINAPI ws2emu_PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                                UINT wRemoveMsg);
BOOL WINAPI ws2emu_TranslateMessage(const MSG *lpMsg);
LRESULT WINAPI ws2emu_DispatchMessageW(const MSG *lpMsg);
DWORD WINAPI ws2emu_MsgWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *pHandles,
                                                DWORD dwMilliseconds, DWORD dwWakeMask,
                                                DWORD dwFlags);
DWORD WINAPI ws2emu_MsgWaitForMultipleObjects(DWORD nCount, const HANDLE *pHandles,
                                              BOOL fWaitAll, DWORD dwMilliseconds,
                                              DWORD dwWakeMask);

/* ---- The protocol catalog (SPEC.md §7): a durable file, WS2EMU_CATALOG or
 * $XDG_DATA_HOME/ws2emu/catalog. Windows names and signatures; the *32 and 64_32 forms work on
 * the same (one) catalog. "Not an administrator" is a catalog file the caller cannot write:
 * WSANO_RECOVERY, and nothing changed. */
int WSPAPI WSCInstallProvider(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                              const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                              DWORD dwNumberOfEntries, LPINT lpErrno);
int WSPAPI WSCInstallProvider64_32(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                                   const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                   DWORD dwNumberOfEntries, LPINT lpErrno);
int WSPAPI WSCInstallProviderAndChains(LPGUID lpProviderId, const LPWSTR lpszProviderDllPath,
                                       const LPWSTR lpszLspName, DWORD dwServiceFlags,
                                       LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                       DWORD dwNumberOfEntries, LPDWORD lpdwCatalogEntryId,
                                       LPINT lpErrno);
int WSPAPI WSCInstallProviderAndChains64_32(LPGUID lpProviderId,
                                            const LPWSTR lpszProviderDllPath,
                                            const LPWSTR lpszProviderDllPath32,
                                            const LPWSTR lpszLspName, DWORD dwServiceFlags,
                                            LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                            DWORD dwNumberOfEntries, LPDWORD lpdwCatalogEntryId,
                                            LPINT lpErrno);
int WSPAPI WSCDeinstallProvider(LPGUID lpProviderId, LPINT lpErrno);
int WSPAPI WSCDeinstallProvider32(LPGUID lpProviderId, LPINT lpErrno);
int WSPAPI WSCEnumProtocols(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                            LPDWORD lpdwBufferLength, LPINT lpErrno);
int WSPAPI WSCEnumProtocols32(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                              LPDWORD lpdwBufferLength, LPINT lpErrno);
int WSPAPI WSCGetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                              LPINT lpProviderDllPathLen, LPINT lpErrno);
int WSPAPI WSCGetProviderPath32(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                                LPINT lpProviderDllPathLen, LPINT lpErrno);
int WSPAPI WSCUpdateProvider(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                             const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                             DWORD dwNumberOfEntries, LPINT lpErrno);
int WSPAPI WSCUpdateProvider32(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                               const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                               DWORD dwNumberOfEntries, LPINT lpErrno);
int WSPAPI WSCWriteProviderOrder(LPDWORD lpwdCatalogEntryId, DWORD dwNumberOfEntries);
int WSPAPI WSCWriteProviderOrder32(LPDWORD lpwdCatalogEntryId, DWORD dwNumberOfEntries);
/* LSP categories: a provider's (per GUID; ProviderInfoAudit is ERROR_CALL_NOT_IMPLEMENTED, as
 * on Windows) and an application's (per path + extra), kept in the catalog file. */
int WSPAPI WSCGetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                              size_t *InfoSize, DWORD Flags, LPINT lpErrno);
int WSPAPI WSCGetProviderInfo32(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType,
                                PBYTE Info, size_t *InfoSize, DWORD Flags, LPINT lpErrno);
int WSPAPI WSCSetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                              size_t InfoSize, DWORD Flags, LPINT lpErrno);
int WSPAPI WSCSetProviderInfo32(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType,
                                PBYTE Info, size_t InfoSize, DWORD Flags, LPINT lpErrno);
int WSPAPI WSCGetApplicationCategory(LPCWSTR Path, DWORD PathLength, LPCWSTR Extra,
                                     DWORD ExtraLength, DWORD *pPermittedLspCategories,
                                     LPINT lpErrno);
int WSPAPI WSCSetApplicationCategory(LPCWSTR Path, DWORD PathLength, LPCWSTR Extra,
                                     DWORD ExtraLength, DWORD PermittedLspCategories,
                                     DWORD *pPrevPermLspCat, LPINT lpErrno);
/* The application view: base entries and chains, without PFL_HIDDEN ones; WSANOTINITIALISED
 * before WSAStartup. The A form's names
 * are UTF-8 (the ANSI code page here). Errors through WSAGetLastError. */
int WSAAPI WSAEnumProtocolsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                             LPDWORD lpdwBufferLength);
int WSAAPI WSAEnumProtocolsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                             LPDWORD lpdwBufferLength);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WS2EMU_WS2EMU_H_ */
