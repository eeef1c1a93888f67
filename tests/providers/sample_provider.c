/*
 * tests/providers/sample_provider.c — a minimal non-IFS transport provider, written the way a
 * Windows provider is written: Windows names only (SOCKET, fd_set, struct sockaddr, WSPAPI),
 * standard C headers mixed in, no Linux socket types. It compiles natively into a .so with
 * -Wall -Wextra -Werror against ws2emu/ws2spi.h.
 *
 * What it does: WSPStartup negotiates version 2.2 and keeps a copy of the upcall table;
 * WSPSocket takes a handle from WPUCreateSocketHandle with a context; WSPCloseSocket finds the
 * context with WPUQuerySocketHandleContext and releases the handle with WPUCloseSocketHandle;
 * WSPCleanup counts down the WSPStartup calls. Data transfer is not this provider's business:
 * those entries fail with WSAEOPNOTSUPP.
 */
#include <stdlib.h>
#include <string.h>

#include <ws2emu/ws2spi.h>

typedef struct SampleSock {
  unsigned magic;
  int af, type, protocol;
} SampleSock;

#define SAMPLE_MAGIC 0x5ca1ab1eu

static WSPUPCALLTABLE g_upcalls; /* a copy: the argument of WSPStartup is a temporary */
static int g_startups;
static DWORD g_catalog_id;

static const WCHAR kDescription[] = {'w', 's', '2', 'e', 'm', 'u', ' ', 's', 'a', 'm', 'p',
                                     'l', 'e', ' ', 'p', 'r', 'o', 'v', 'i', 'd', 'e', 'r', 0};

#define NOT_SUPPORTED(ret) \
  do {                     \
    *lpErrno = WSAEOPNOTSUPP; \
    return (ret);          \
  } while (0)

static SOCKET WSPAPI SampleAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                  LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData,
                                  LPINT lpErrno) {
  (void)s, (void)addr, (void)addrlen, (void)lpfnCondition, (void)dwCallbackData;
  NOT_SUPPORTED(INVALID_SOCKET);
}

static INT WSPAPI SampleAddressToString(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                                        LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                        LPWSTR lpszAddressString,
                                        LPDWORD lpdwAddressStringLength, LPINT lpErrno) {
  (void)lpsaAddress, (void)dwAddressLength, (void)lpProtocolInfo, (void)lpszAddressString,
      (void)lpdwAddressStringLength;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleAsyncSelect(SOCKET s, HWND hWnd, unsigned int wMsg, LONG lEvent,
                                    LPINT lpErrno) {
  (void)s, (void)hWnd, (void)wMsg, (void)lEvent;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleBind(SOCKET s, const struct sockaddr *name, int namelen, LPINT lpErrno) {
  (void)s, (void)name, (void)namelen;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleCancelBlockingCall(LPINT lpErrno) { NOT_SUPPORTED(SOCKET_ERROR); }

static int WSPAPI SampleCleanup(LPINT lpErrno) {
  if (g_startups == 0) {
    *lpErrno = WSANOTINITIALISED;
    return SOCKET_ERROR;
  }
  g_startups--;
  return 0;
}

static int WSPAPI SampleCloseSocket(SOCKET s, LPINT lpErrno) {
  DWORD_PTR context = 0;
  SampleSock *sock;
  if (g_upcalls.lpWPUQuerySocketHandleContext(s, &context, lpErrno) == SOCKET_ERROR)
    return SOCKET_ERROR;
  sock = (SampleSock *)context;
  if (sock == NULL || sock->magic != SAMPLE_MAGIC) {
    *lpErrno = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  if (g_upcalls.lpWPUCloseSocketHandle(s, lpErrno) == SOCKET_ERROR) return SOCKET_ERROR;
  sock->magic = 0;
  free(sock);
  return 0;
}

static int WSPAPI SampleConnect(SOCKET s, const struct sockaddr *name, int namelen,
                                LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                                LPQOS lpGQOS, LPINT lpErrno) {
  (void)s, (void)name, (void)namelen, (void)lpCallerData, (void)lpCalleeData, (void)lpSQOS,
      (void)lpGQOS;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleDuplicateSocket(SOCKET s, DWORD dwProcessId,
                                        LPWSAPROTOCOL_INFOW lpProtocolInfo, LPINT lpErrno) {
  (void)s, (void)dwProcessId, (void)lpProtocolInfo;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                          LPWSANETWORKEVENTS lpNetworkEvents, LPINT lpErrno) {
  (void)s, (void)hEventObject, (void)lpNetworkEvents;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents,
                                    LPINT lpErrno) {
  (void)s, (void)hEventObject, (void)lNetworkEvents;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static BOOL WSPAPI SampleGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                             LPDWORD lpcbTransfer, BOOL fWait,
                                             LPDWORD lpdwFlags, LPINT lpErrno) {
  (void)s, (void)lpOverlapped, (void)lpcbTransfer, (void)fWait, (void)lpdwFlags;
  NOT_SUPPORTED(FALSE);
}

static int WSPAPI SampleGetPeerName(SOCKET s, struct sockaddr *name, LPINT namelen,
                                    LPINT lpErrno) {
  (void)s, (void)name, (void)namelen;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleGetSockName(SOCKET s, struct sockaddr *name, LPINT namelen,
                                    LPINT lpErrno) {
  (void)s, (void)name, (void)namelen;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleGetSockOpt(SOCKET s, int level, int optname, char *optval,
                                   LPINT optlen, LPINT lpErrno) {
  (void)s, (void)level, (void)optname, (void)optval, (void)optlen;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static BOOL WSPAPI SampleGetQOSByName(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS,
                                      LPINT lpErrno) {
  (void)s, (void)lpQOSName, (void)lpQOS;
  NOT_SUPPORTED(FALSE);
}

static int WSPAPI SampleIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
                              DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer,
                              LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                              LPWSATHREADID lpThreadId, LPINT lpErrno) {
  (void)s, (void)dwIoControlCode, (void)lpvInBuffer, (void)cbInBuffer, (void)lpvOutBuffer,
      (void)cbOutBuffer, (void)lpcbBytesReturned, (void)lpOverlapped, (void)lpCompletionRoutine,
      (void)lpThreadId;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static SOCKET WSPAPI SampleJoinLeaf(SOCKET s, const struct sockaddr *name, int namelen,
                                    LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                                    LPQOS lpGQOS, DWORD dwFlags, LPINT lpErrno) {
  (void)s, (void)name, (void)namelen, (void)lpCallerData, (void)lpCalleeData, (void)lpSQOS,
      (void)lpGQOS, (void)dwFlags;
  NOT_SUPPORTED(INVALID_SOCKET);
}

static int WSPAPI SampleListen(SOCKET s, int backlog, LPINT lpErrno) {
  (void)s, (void)backlog;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleRecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                             LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                             LPWSAOVERLAPPED lpOverlapped,
                             LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                             LPWSATHREADID lpThreadId, LPINT lpErrno) {
  (void)s, (void)lpBuffers, (void)dwBufferCount, (void)lpNumberOfBytesRecvd, (void)lpFlags,
      (void)lpOverlapped, (void)lpCompletionRoutine, (void)lpThreadId;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleRecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData,
                                       LPINT lpErrno) {
  (void)s, (void)lpInboundDisconnectData;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleRecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                 LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                 struct sockaddr *lpFrom, LPINT lpFromlen,
                                 LPWSAOVERLAPPED lpOverlapped,
                                 LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                 LPWSATHREADID lpThreadId, LPINT lpErrno) {
  (void)s, (void)lpBuffers, (void)dwBufferCount, (void)lpNumberOfBytesRecvd, (void)lpFlags,
      (void)lpFrom, (void)lpFromlen, (void)lpOverlapped, (void)lpCompletionRoutine,
      (void)lpThreadId;
  NOT_SUPPORTED(SOCKET_ERROR);
}

/* Select over this provider's sockets: every socket is always writable, never readable. It
 * uses WPUFDIsSet the way the SPI expects a provider to. */
static int WSPAPI SampleSelect(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
                               const struct timeval *timeout, LPINT lpErrno) {
  int ready = 0;
  fd_set result;
  u_int i;
  (void)nfds, (void)timeout, (void)lpErrno;
  FD_ZERO(&result);
  if (writefds != NULL) {
    for (i = 0; i < writefds->fd_count; i++) {
      if (g_upcalls.lpWPUFDIsSet(writefds->fd_array[i], writefds)) {
        FD_SET(writefds->fd_array[i], &result);
        ready++;
      }
    }
    memcpy(writefds, &result, sizeof(result));
  }
  if (readfds != NULL) FD_ZERO(readfds);
  if (exceptfds != NULL) FD_ZERO(exceptfds);
  return ready;
}

static int WSPAPI SampleSend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                             LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                             LPWSAOVERLAPPED lpOverlapped,
                             LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                             LPWSATHREADID lpThreadId, LPINT lpErrno) {
  (void)s, (void)lpBuffers, (void)dwBufferCount, (void)lpNumberOfBytesSent, (void)dwFlags,
      (void)lpOverlapped, (void)lpCompletionRoutine, (void)lpThreadId;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleSendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData,
                                       LPINT lpErrno) {
  (void)s, (void)lpOutboundDisconnectData;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleSendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                               LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                               const struct sockaddr *lpTo, int iTolen,
                               LPWSAOVERLAPPED lpOverlapped,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                               LPWSATHREADID lpThreadId, LPINT lpErrno) {
  (void)s, (void)lpBuffers, (void)dwBufferCount, (void)lpNumberOfBytesSent, (void)dwFlags,
      (void)lpTo, (void)iTolen, (void)lpOverlapped, (void)lpCompletionRoutine, (void)lpThreadId;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleSetSockOpt(SOCKET s, int level, int optname, const char *optval,
                                   int optlen, LPINT lpErrno) {
  (void)s, (void)level, (void)optname, (void)optval, (void)optlen;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static int WSPAPI SampleShutdown(SOCKET s, int how, LPINT lpErrno) {
  (void)s, (void)how;
  NOT_SUPPORTED(SOCKET_ERROR);
}

static SOCKET WSPAPI SampleSocket(int af, int type, int protocol,
                                  LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags,
                                  LPINT lpErrno) {
  SampleSock *sock;
  SOCKET s;
  (void)g, (void)dwFlags;
  if (lpProtocolInfo != NULL) {
    af = lpProtocolInfo->iAddressFamily;
    type = lpProtocolInfo->iSocketType;
    protocol = lpProtocolInfo->iProtocol;
  }
  if (af != AF_INET && af != AF_INET6) {
    *lpErrno = WSAEAFNOSUPPORT;
    return INVALID_SOCKET;
  }
  sock = (SampleSock *)calloc(1, sizeof(*sock));
  if (sock == NULL) {
    *lpErrno = WSAENOBUFS;
    return INVALID_SOCKET;
  }
  sock->magic = SAMPLE_MAGIC;
  sock->af = af;
  sock->type = type;
  sock->protocol = protocol;
  s = g_upcalls.lpWPUCreateSocketHandle(g_catalog_id, (DWORD_PTR)sock, lpErrno);
  if (s == INVALID_SOCKET) free(sock);
  return s;
}

static INT WSPAPI SampleStringToAddress(LPWSTR AddressString, INT AddressFamily,
                                        LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                        LPSOCKADDR lpAddress, LPINT lpAddressLength,
                                        LPINT lpErrno) {
  (void)AddressString, (void)AddressFamily, (void)lpProtocolInfo, (void)lpAddress,
      (void)lpAddressLength;
  NOT_SUPPORTED(SOCKET_ERROR);
}

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable) {
  if (lpWSPData == NULL || lpProcTable == NULL) return WSAEFAULT;
  /* This provider supports exactly 2.2: reject anything below it (major, then minor). */
  if (LOBYTE(wVersionRequested) < 2 ||
      (LOBYTE(wVersionRequested) == 2 && HIBYTE(wVersionRequested) < 2))
    return WSAVERNOTSUPPORTED;

  lpWSPData->wVersion = MAKEWORD(2, 2);
  lpWSPData->wHighVersion = MAKEWORD(2, 2);
  memset(lpWSPData->szDescription, 0, sizeof(lpWSPData->szDescription));
  memcpy(lpWSPData->szDescription, kDescription, sizeof(kDescription));

  g_upcalls = UpcallTable; /* the most recent table wins */
  g_catalog_id = lpProtocolInfo != NULL ? lpProtocolInfo->dwCatalogEntryId : 0;
  g_startups++;

  lpProcTable->lpWSPAccept = SampleAccept;
  lpProcTable->lpWSPAddressToString = SampleAddressToString;
  lpProcTable->lpWSPAsyncSelect = SampleAsyncSelect;
  lpProcTable->lpWSPBind = SampleBind;
  lpProcTable->lpWSPCancelBlockingCall = SampleCancelBlockingCall;
  lpProcTable->lpWSPCleanup = SampleCleanup;
  lpProcTable->lpWSPCloseSocket = SampleCloseSocket;
  lpProcTable->lpWSPConnect = SampleConnect;
  lpProcTable->lpWSPDuplicateSocket = SampleDuplicateSocket;
  lpProcTable->lpWSPEnumNetworkEvents = SampleEnumNetworkEvents;
  lpProcTable->lpWSPEventSelect = SampleEventSelect;
  lpProcTable->lpWSPGetOverlappedResult = SampleGetOverlappedResult;
  lpProcTable->lpWSPGetPeerName = SampleGetPeerName;
  lpProcTable->lpWSPGetSockName = SampleGetSockName;
  lpProcTable->lpWSPGetSockOpt = SampleGetSockOpt;
  lpProcTable->lpWSPGetQOSByName = SampleGetQOSByName;
  lpProcTable->lpWSPIoctl = SampleIoctl;
  lpProcTable->lpWSPJoinLeaf = SampleJoinLeaf;
  lpProcTable->lpWSPListen = SampleListen;
  lpProcTable->lpWSPRecv = SampleRecv;
  lpProcTable->lpWSPRecvDisconnect = SampleRecvDisconnect;
  lpProcTable->lpWSPRecvFrom = SampleRecvFrom;
  lpProcTable->lpWSPSelect = SampleSelect;
  lpProcTable->lpWSPSend = SampleSend;
  lpProcTable->lpWSPSendDisconnect = SampleSendDisconnect;
  lpProcTable->lpWSPSendTo = SampleSendTo;
  lpProcTable->lpWSPSetSockOpt = SampleSetSockOpt;
  lpProcTable->lpWSPShutdown = SampleShutdown;
  lpProcTable->lpWSPSocket = SampleSocket;
  lpProcTable->lpWSPStringToAddress = SampleStringToAddress;
  return 0;
}
