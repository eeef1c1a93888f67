/*
 * tests/providers/nonifs_lsp.c — a non-IFS Layered Service Provider written the way Microsoft's
 * sample non-IFS LSP is (mingw-w64's own headers and import libraries).
 *
 * Handles. Every socket the application gets is this layer's own, from WPUCreateSocketHandle,
 * whose context is a SockCtx naming the lower provider's socket; every WSP entry looks the
 * context up (WPUQuerySocketHandleContext) and calls the lower provider with the lower socket:
 * WSPSelect rebuilds the fd_sets both ways, WSPAccept (and AcceptEx) wrap the new socket,
 * SO_UPDATE_ACCEPT_CONTEXT's socket is translated, WSPAsyncSelect's messages are posted with the
 * lower socket in wParam and translated back (the lower provider is started with an upcall
 * table whose WPUPostMessage does that), SIO_GET_EXTENSION_FUNCTION_POINTER hands out this
 * layer's own AcceptEx / ConnectEx / DisconnectEx / TransmitFile / TransmitPackets / WSARecvMsg /
 * WSASendMsg, which translate and call the lower provider's, and GetAcceptExSockaddrs (which
 * takes no socket) is the lower one's.
 *
 * Overlapped I/O, the non-IFS way. Every lower socket is associated with the layer's completion
 * port; an overlapped call is issued to the lower provider with the layer's own OVERLAPPED (in
 * an Op that remembers the application's), and answers WSA_IO_PENDING. The worker thread takes
 * the lower completion from the port and completes the application's request: with
 * WPUCompleteOverlappedRequest (event, completion port) or with WPUQueueApc to the issuing
 * thread (completion routine). The status stays in the application's OVERLAPPED (InternalHigh:
 * bytes, Offset: flags, OffsetHigh: the error) for this layer's WSPGetOverlappedResult.
 *
 * It counts the bytes that pass (synchronous calls as they return, overlapped ones as they
 * complete) and the last WSPCleanup prints the counts.
 *
 * User buffers. As the sample does with __try/__except, WSPSend and WSPSendTo read the
 * application's WSABUF array and every byte it describes inside a guarded block first: a fault
 * there (a garbage pointer) is an EXCEPTION_ACCESS_VIOLATION the layer catches, and the call
 * fails with WSAEFAULT instead of taking the process down.
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <mswsock.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lsp_enum.h"
#include "lsp_guids.h"
#include "../pe/faults_seh.h"

/* ---- The layer's state ---- */

typedef struct SockCtx {
  SOCKET lower;              /* the lower provider's socket */
  SOCKET upper;              /* ours, from WPUCreateSocketHandle */
  LONG refs;                 /* the handle's + one per call in progress or Op pending */
  int closing;               /* WSPCloseSocket ran: lookups fail */
  WSAPROTOCOL_INFOW info;    /* the chain entry the socket was created for */
  struct SockCtx *next;      /* every live context (g_lock), for WPUPostMessage's translation */
} SockCtx;

static WSPPROC_TABLE g_next;
static WSPUPCALLTABLE g_up;     /* the runtime's upcalls */
static WSPUPCALLTABLE g_down;   /* what the lower provider gets: WPUPostMessage translated */
static HMODULE g_next_module;
static int g_startups;
static DWORD g_layer_id;
static CRITICAL_SECTION g_lock;
static SockCtx *g_sockets;      /* g_lock */
static HANDLE g_port, g_worker;
static volatile LONG g_bytes_out, g_bytes_in;
static const ULONG_PTR kStopKey = 1;

static int Fail(const char *what) {
  fprintf(stderr, "nonifs_lsp: %s\n", what);
  fflush(stderr);
  return WSAEPROVIDERFAILEDINIT;
}

static void Release(SockCtx *c) {
  if (InterlockedDecrement(&c->refs) != 0) return;
  /* The last reference: the handle goes now, after every pending completion used it. */
  EnterCriticalSection(&g_lock);
  for (SockCtx **p = &g_sockets; *p != NULL; p = &(*p)->next) {
    if (*p == c) {
      *p = c->next;
      break;
    }
  }
  LeaveCriticalSection(&g_lock);
  int err = 0;
  g_up.lpWPUCloseSocketHandle(c->upper, &err);
  HeapFree(GetProcessHeap(), 0, c);
}

/* The context of our socket `s`, with a reference the caller releases; NULL with WSAENOTSOCK. */
static SockCtx *Lookup(SOCKET s, LPINT err) {
  DWORD_PTR context = 0;
  int e = 0;
  SockCtx *c = NULL;
  EnterCriticalSection(&g_lock);
  if (g_up.lpWPUQuerySocketHandleContext(s, &context, &e) == 0 && context != 0) {
    c = (SockCtx *)context;
    if (c->closing) c = NULL;
    else InterlockedIncrement(&c->refs);
  }
  LeaveCriticalSection(&g_lock);
  if (c == NULL) *err = WSAENOTSOCK;
  return c;
}

/* Wraps the lower socket `lower` in a new handle of ours for the chain entry `info`. */
static SOCKET Wrap(SOCKET lower, const WSAPROTOCOL_INFOW *info, LPINT err) {
  SockCtx *c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(SockCtx));
  int ignored = 0;
  if (c == NULL) {
    g_next.lpWSPCloseSocket(lower, &ignored);
    *err = WSAENOBUFS;
    return INVALID_SOCKET;
  }
  c->lower = lower;
  c->refs = 1;
  c->info = *info;
  if (CreateIoCompletionPort((HANDLE)lower, g_port, 0, 0) == NULL) {
    g_next.lpWSPCloseSocket(lower, &ignored);
    HeapFree(GetProcessHeap(), 0, c);
    *err = WSAENOBUFS;
    return INVALID_SOCKET;
  }
  c->upper = g_up.lpWPUCreateSocketHandle(info->dwCatalogEntryId, (DWORD_PTR)c, err);
  if (c->upper == INVALID_SOCKET) {
    g_next.lpWSPCloseSocket(lower, &ignored);
    HeapFree(GetProcessHeap(), 0, c);
    return INVALID_SOCKET;
  }
  EnterCriticalSection(&g_lock);
  c->next = g_sockets;
  g_sockets = c;
  LeaveCriticalSection(&g_lock);
  return c->upper;
}

/* WPUPostMessage for the lower provider: WSAAsyncSelect's wParam is its socket; the
 * application knows ours. */
static BOOL WSPAPI PostTranslated(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  EnterCriticalSection(&g_lock);
  for (SockCtx *c = g_sockets; c != NULL; c = c->next) {
    if ((WPARAM)c->lower == wParam) {
      wParam = (WPARAM)c->upper;
      break;
    }
  }
  LeaveCriticalSection(&g_lock);
  return g_up.lpWPUPostMessage(hWnd, Msg, wParam, lParam);
}

/* ---- Overlapped operations ---- */

enum { kOut, kIn, kNone };

typedef struct Op {
  WSAOVERLAPPED ov;          /* the lower call's: first, so the port's pointer is the Op */
  SockCtx *ctx;              /* referenced until completion */
  SockCtx *accepted;         /* AcceptEx: the accept socket's context, referenced */
  int direction;             /* which count the bytes go to */
  LPWSAOVERLAPPED app_ov;
  LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
  WSATHREADID thread;
  int own_thread;            /* thread opened here (an extension function's routine) */
  DWORD error, bytes, flags; /* the result, for the APC */
} Op;

static Op *NewOp(SockCtx *c, int direction, LPWSAOVERLAPPED app_ov,
                 LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err) {
  Op *op = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(Op));
  if (op == NULL) {
    *err = WSAENOBUFS;
    return NULL;
  }
  op->ctx = c;
  op->direction = direction;
  op->app_ov = app_ov;
  op->routine = routine;
  if (routine != NULL) {
    if (thread != NULL) {
      op->thread = *thread;
    } else if (g_up.lpWPUOpenCurrentThread(&op->thread, err) == 0) {
      op->own_thread = 1;
    } else {
      HeapFree(GetProcessHeap(), 0, op);
      return NULL;
    }
  }
  InterlockedIncrement(&c->refs);
  /* In progress until the worker completes it (this layer's WSPGetOverlappedResult). */
  app_ov->Internal = WSS_OPERATION_IN_PROGRESS;
  app_ov->InternalHigh = 0;
  return op;
}

static void FreeOp(Op *op) {
  int err = 0;
  if (op->own_thread) g_up.lpWPUCloseThread(&op->thread, &err);
  if (op->accepted != NULL) Release(op->accepted);
  Release(op->ctx);
  HeapFree(GetProcessHeap(), 0, op);
}

/* After the lower call: its completion (at once or later) comes through the port, so the
 * application's request is pending either way; a failure to start is the call's error.
 * `lower_err` by address: the callers pass the lower call itself as `rc`, and the order in which
 * arguments are evaluated is unspecified, so the error is read here, after the call. */
static int Started(Op *op, int rc, const int *lower_err_at, LPINT err) {
  const int lower_err = *lower_err_at;
  if (rc == 0 || lower_err == WSA_IO_PENDING) {
    *err = WSA_IO_PENDING;
    return SOCKET_ERROR;
  }
  op->app_ov->Internal = 0;
  FreeOp(op);
  *err = lower_err;
  return SOCKET_ERROR;
}

static void CALLBACK RunRoutine(DWORD_PTR context) {
  Op *op = (Op *)context;
  op->routine(op->error, op->bytes, op->app_ov, op->flags);
  FreeOp(op);
}

static void Complete(Op *op, DWORD error, DWORD bytes, DWORD flags) {
  if (error == 0 && op->direction == kOut) InterlockedExchangeAdd(&g_bytes_out, (LONG)bytes);
  if (error == 0 && op->direction == kIn) InterlockedExchangeAdd(&g_bytes_in, (LONG)bytes);
  LPWSAOVERLAPPED ov = op->app_ov;
  ov->Offset = flags;
  ov->OffsetHigh = error;
  int err = 0;
  if (op->routine != NULL) {
    op->error = error;
    op->bytes = bytes;
    op->flags = flags;
    ov->InternalHigh = bytes;
    MemoryBarrier();
    ov->Internal = error;
    if (g_up.lpWPUQueueApc(&op->thread, RunRoutine, (DWORD_PTR)op, &err) != 0) FreeOp(op);
    return;
  }
  MemoryBarrier();
  if (WPUCompleteOverlappedRequest(op->ctx->upper, ov, error, bytes, &err) != 0) {
    /* The handle is gone: the status is still written and the event set. */
    ov->InternalHigh = bytes;
    MemoryBarrier();
    ov->Internal = error;
    WSAEVENT ev = (WSAEVENT)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1);
    if (ev != NULL) g_up.lpWPUSetEvent(ev, &err);
  }
  FreeOp(op);
}

static DWORD WINAPI Worker(LPVOID unused) {
  (void)unused;
  for (;;) {
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    BOOL ok = GetQueuedCompletionStatus(g_port, &bytes, &key, &ov, INFINITE);
    if (ov == NULL) {
      if (key == kStopKey || !ok) return 0;
      continue;
    }
    Op *op = (Op *)ov;
    DWORD got = 0, flags = 0;
    int err = 0;
    DWORD error = 0;
    if (!g_next.lpWSPGetOverlappedResult(op->ctx->lower, &op->ov, &got, FALSE, &flags, &err)) {
      if (err == WSAENOTSOCK) {  /* closed below us: what the packet says */
        got = bytes;
        error = ok ? 0 : WSA_OPERATION_ABORTED;
      } else {
        error = (DWORD)err;
      }
    }
    Complete(op, error, got, flags);
  }
}

/* ---- Finding the next provider ---- */

/* What the lower provider gets for the chain `chain`: the base provider its own entry, another
 * layer the chain itself (SPEC.md §4, lpProtocolInfo propagation). 0 or a WSA error. */
static int NextInfo(const WSAPROTOCOL_INFOW *chain, WSAPROTOCOL_INFOW *next, DWORD *next_id) {
  const WSAPROTOCOLCHAIN *pc = &chain->ProtocolChain;
  int at = -1;
  for (int i = 0; i < pc->ChainLen - 1; i++)
    if (pc->ChainEntries[i] == g_layer_id) at = i;
  if (at < 0) return WSAEINVAL;
  *next_id = pc->ChainEntries[at + 1];
  int count = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count);
  if (all == NULL) return WSAENOBUFS;
  int found = 0;
  for (int i = 0; i < count; i++) {
    if (all[i].dwCatalogEntryId == *next_id) {
      *next = all[i];
      found = 1;
    }
  }
  HeapFree(GetProcessHeap(), 0, all);
  if (!found) return WSAEINVAL;
  if (next->ProtocolChain.ChainLen != BASE_PROTOCOL) *next = *chain;
  return 0;
}

/* ---- The WSP entries ---- */

#define LOOKUP(c, s, fail)            \
  SockCtx *c = Lookup((s), lpErrno);  \
  if (c == NULL) return (fail)

static SOCKET WSPAPI NSocket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                             GROUP g, DWORD dwFlags, LPINT lpErrno) {
  WSAPROTOCOL_INFOW next;
  DWORD next_id = 0;
  int e = NextInfo(lpProtocolInfo, &next, &next_id);
  if (e != 0) {
    *lpErrno = e;
    return INVALID_SOCKET;
  }
  /* A duplicated socket: the lower provider's token travels in dwProviderReserved. */
  next.dwProviderReserved = lpProtocolInfo->dwProviderReserved;
  /* Overlapped below whatever the application asked: this layer issues overlapped calls. */
  SOCKET lower = g_next.lpWSPSocket(af, type, protocol, &next, g, dwFlags | WSA_FLAG_OVERLAPPED,
                                    lpErrno);
  if (lower == INVALID_SOCKET) return INVALID_SOCKET;
  WSAPROTOCOL_INFOW mine = *lpProtocolInfo;
  mine.dwProviderReserved = 0;
  return Wrap(lower, &mine, lpErrno);
}

static int WSPAPI NCloseSocket(SOCKET s, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  EnterCriticalSection(&g_lock);
  const int already = c->closing;
  c->closing = 1;
  LeaveCriticalSection(&g_lock);
  if (already) {
    Release(c);
    *lpErrno = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  /* Pending operations complete with WSA_OPERATION_ABORTED through the worker, which still
   * finds our handle: it goes with the last reference. */
  int rc = g_next.lpWSPCloseSocket(c->lower, lpErrno);
  Release(c);  /* the lookup's */
  Release(c);  /* the handle's */
  return rc;
}

static SOCKET WSPAPI NAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                             LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData,
                             LPINT lpErrno) {
  LOOKUP(c, s, INVALID_SOCKET);
  SOCKET lower = g_next.lpWSPAccept(c->lower, addr, addrlen, lpfnCondition, dwCallbackData,
                                    lpErrno);
  SOCKET upper = lower == INVALID_SOCKET ? INVALID_SOCKET : Wrap(lower, &c->info, lpErrno);
  Release(c);
  return upper;
}

static int WSPAPI NBind(SOCKET s, const struct sockaddr *name, int namelen, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPBind(c->lower, name, namelen, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NConnect(SOCKET s, const struct sockaddr *name, int namelen,
                           LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                           LPQOS lpGQOS, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPConnect(c->lower, name, namelen, lpCallerData, lpCalleeData, lpSQOS,
                               lpGQOS, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NListen(SOCKET s, int backlog, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPListen(c->lower, backlog, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NShutdown(SOCKET s, int how, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPShutdown(c->lower, how, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NGetPeerName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPGetPeerName(c->lower, name, namelen, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NGetSockName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPGetSockName(c->lower, name, namelen, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NGetSockOpt(SOCKET s, int level, int optname, char *optval, LPINT optlen,
                              LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPGetSockOpt(c->lower, level, optname, optval, optlen, lpErrno);
  /* The application's socket belongs to the chain, not to the entry below. */
  if (rc == 0 && level == SOL_SOCKET && optname == SO_PROTOCOL_INFOW && optval != NULL &&
      optlen != NULL && *optlen >= (int)sizeof(WSAPROTOCOL_INFOW))
    memcpy(optval, &c->info, sizeof(WSAPROTOCOL_INFOW));
  Release(c);
  return rc;
}

static int WSPAPI NSetSockOpt(SOCKET s, int level, int optname, const char *optval, int optlen,
                              LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc;
  if (level == SOL_SOCKET && optname == SO_UPDATE_ACCEPT_CONTEXT && optval != NULL &&
      optlen >= (int)sizeof(SOCKET)) {
    /* Its value is the listening socket: ours, to translate. */
    SOCKET listener;
    memcpy(&listener, optval, sizeof(listener));
    SockCtx *l = Lookup(listener, lpErrno);
    if (l == NULL) {
      Release(c);
      return SOCKET_ERROR;
    }
    rc = g_next.lpWSPSetSockOpt(c->lower, level, optname, (const char *)&l->lower,
                                sizeof(SOCKET), lpErrno);
    Release(l);
  } else {
    rc = g_next.lpWSPSetSockOpt(c->lower, level, optname, optval, optlen, lpErrno);
  }
  Release(c);
  return rc;
}

/* ---- User buffers, guarded ---- */

SEH_FILTER(AccessFilter) {
  (void)frame;
  return pointers->ExceptionRecord->ExceptionCode == EXCEPTION_ACCESS_VIOLATION
             ? EXCEPTION_EXECUTE_HANDLER
             : EXCEPTION_CONTINUE_SEARCH;
}

/* 1 when the n WSABUFs at b and every byte they describe can be read; 0 after an access
 * violation. The result lives in memory (volatile): after the __except jump only memory and
 * nonvolatile registers are valid. */
__attribute__((noinline)) static int Readable(LPWSABUF b, DWORD n) {
  volatile int ok = 0;
  volatile unsigned char sink = 0;
  SEH_TRY(AccessFilter, 1)
  for (DWORD i = 0; i < n; i++) {
    const volatile unsigned char *p = (const volatile unsigned char *)b[i].buf;
    for (ULONG k = 0; k < b[i].len; k += 4096) sink ^= p[k];
    if (b[i].len != 0) sink ^= p[b[i].len - 1];
  }
  ok = 1;
  SEH_EXCEPT(1)
  (void)sink;
  return ok;
}

#define CHECK_READABLE(b, n, lpErrno)           \
  do {                                          \
    if ((n) != 0 && !Readable((b), (n))) {      \
      *(lpErrno) = WSAEFAULT;                   \
      return SOCKET_ERROR;                      \
    }                                           \
  } while (0)

static int WSPAPI NSend(SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent, DWORD flags,
                        LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
                        LPWSATHREADID t, LPINT lpErrno) {
  CHECK_READABLE(b, n, lpErrno);
  LOOKUP(c, s, SOCKET_ERROR);
  int rc;
  if (ov == NULL) {
    rc = g_next.lpWSPSend(c->lower, b, n, sent, flags, NULL, NULL, t, lpErrno);
    if (rc == 0 && sent != NULL) InterlockedExchangeAdd(&g_bytes_out, (LONG)*sent);
  } else {
    Op *op = NewOp(c, kOut, ov, cr, t, lpErrno);
    if (op == NULL) {
      rc = SOCKET_ERROR;
    } else {
      DWORD ignored = 0;
      int e = 0;
      rc = Started(op, g_next.lpWSPSend(c->lower, b, n, &ignored, flags, &op->ov, NULL, t, &e),
                   &e, lpErrno);
    }
  }
  Release(c);
  return rc;
}

static int WSPAPI NSendTo(SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent, DWORD flags,
                          const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT lpErrno) {
  CHECK_READABLE(b, n, lpErrno);
  LOOKUP(c, s, SOCKET_ERROR);
  int rc;
  if (ov == NULL) {
    rc = g_next.lpWSPSendTo(c->lower, b, n, sent, flags, to, tolen, NULL, NULL, t, lpErrno);
    if (rc == 0 && sent != NULL) InterlockedExchangeAdd(&g_bytes_out, (LONG)*sent);
  } else {
    Op *op = NewOp(c, kOut, ov, cr, t, lpErrno);
    if (op == NULL) {
      rc = SOCKET_ERROR;
    } else {
      DWORD ignored = 0;
      int e = 0;
      rc = Started(op, g_next.lpWSPSendTo(c->lower, b, n, &ignored, flags, to, tolen, &op->ov,
                                          NULL, t, &e),
                   &e, lpErrno);
    }
  }
  Release(c);
  return rc;
}

static int WSPAPI NRecv(SOCKET s, LPWSABUF b, DWORD n, LPDWORD got, LPDWORD flags,
                        LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
                        LPWSATHREADID t, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc;
  if (ov == NULL) {
    rc = g_next.lpWSPRecv(c->lower, b, n, got, flags, NULL, NULL, t, lpErrno);
    if (rc == 0 && got != NULL) InterlockedExchangeAdd(&g_bytes_in, (LONG)*got);
  } else {
    Op *op = NewOp(c, kIn, ov, cr, t, lpErrno);
    if (op == NULL) {
      rc = SOCKET_ERROR;
    } else {
      DWORD ignored = 0;
      int e = 0;
      op->flags = flags != NULL ? *flags : 0;
      rc = Started(op, g_next.lpWSPRecv(c->lower, b, n, &ignored, &op->flags, &op->ov, NULL, t,
                                        &e),
                   &e, lpErrno);
    }
  }
  Release(c);
  return rc;
}

static int WSPAPI NRecvFrom(SOCKET s, LPWSABUF b, DWORD n, LPDWORD got, LPDWORD flags,
                            struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t,
                            LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc;
  if (ov == NULL) {
    rc = g_next.lpWSPRecvFrom(c->lower, b, n, got, flags, from, fromlen, NULL, NULL, t, lpErrno);
    if (rc == 0 && got != NULL) InterlockedExchangeAdd(&g_bytes_in, (LONG)*got);
  } else {
    Op *op = NewOp(c, kIn, ov, cr, t, lpErrno);
    if (op == NULL) {
      rc = SOCKET_ERROR;
    } else {
      DWORD ignored = 0;
      int e = 0;
      op->flags = flags != NULL ? *flags : 0;
      /* from and fromlen are the application's: the lower provider fills them in place. */
      rc = Started(op, g_next.lpWSPRecvFrom(c->lower, b, n, &ignored, &op->flags, from, fromlen,
                                            &op->ov, NULL, t, &e),
                   &e, lpErrno);
    }
  }
  Release(c);
  return rc;
}

static int WSPAPI NSendDisconnect(SOCKET s, LPWSABUF data, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPSendDisconnect(c->lower, data, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NRecvDisconnect(SOCKET s, LPWSABUF data, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPRecvDisconnect(c->lower, data, lpErrno);
  Release(c);
  return rc;
}

static BOOL WSPAPI NGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes, BOOL wait,
                                        LPDWORD flags, LPINT lpErrno) {
  LOOKUP(c, s, FALSE);
  BOOL ok = FALSE;
  if (ov == NULL || bytes == NULL || flags == NULL) {
    *lpErrno = WSAEFAULT;
  } else {
    if (ov->Internal == WSS_OPERATION_IN_PROGRESS && wait) {
      /* With a routine hEvent is the application's own value, not an event. */
      WSAEVENT ev = (WSAEVENT)((ULONG_PTR)ov->hEvent & ~(ULONG_PTR)1);
      if (ev != NULL) WaitForSingleObject(ev, INFINITE);
      while (ov->Internal == WSS_OPERATION_IN_PROGRESS) Sleep(1);
    }
    if (ov->Internal == WSS_OPERATION_IN_PROGRESS) {
      *lpErrno = WSA_IO_INCOMPLETE;
    } else {
      MemoryBarrier();
      *bytes = (DWORD)ov->InternalHigh;
      *flags = ov->Offset;
      if (ov->OffsetHigh != 0) *lpErrno = (int)ov->OffsetHigh;
      else ok = TRUE;
    }
  }
  Release(c);
  return ok;
}

/* The sockets of an fd_set, translated: a heap copy the caller frees. */
typedef struct {
  u_int fd_count;
  SOCKET fd_array[1];
} AnySet;

static AnySet *LowerSet(const fd_set *set, SockCtx ***held, int *nheld, LPINT lpErrno) {
  if (set == NULL) return NULL;
  AnySet *l = HeapAlloc(GetProcessHeap(), 0,
                        offsetof(AnySet, fd_array) + (set->fd_count + 1) * sizeof(SOCKET));
  if (l == NULL) {
    *lpErrno = WSAENOBUFS;
    return (AnySet *)-1;
  }
  l->fd_count = set->fd_count;
  for (u_int i = 0; i < set->fd_count; i++) {
    SockCtx *c = Lookup(set->fd_array[i], lpErrno);
    if (c == NULL) {
      HeapFree(GetProcessHeap(), 0, l);
      return (AnySet *)-1;
    }
    (*held)[(*nheld)++] = c;
    l->fd_array[i] = c->lower;
  }
  return l;
}

static int InSet(const AnySet *l, SOCKET lower) {
  for (u_int i = 0; i < l->fd_count; i++)
    if (l->fd_array[i] == lower) return 1;
  return 0;
}

/* Keeps in `set` the sockets whose lower socket the lower WSPSelect left in `l`. */
static void UpperSet(fd_set *set, const AnySet *l, SockCtx **held, int first) {
  if (set == NULL) return;
  u_int k = 0;
  const u_int n = set->fd_count;
  for (u_int i = 0; i < n; i++)
    if (InSet(l, held[first + (int)i]->lower)) set->fd_array[k++] = set->fd_array[i];
  set->fd_count = k;
}

static int WSPAPI NSelect(int nfds, fd_set *r, fd_set *w, fd_set *x, struct timeval *const timeout,
                          LPINT lpErrno) {
  const int total = (r ? (int)r->fd_count : 0) + (w ? (int)w->fd_count : 0) +
                    (x ? (int)x->fd_count : 0);
  SockCtx **held = HeapAlloc(GetProcessHeap(), 0, (size_t)(total + 1) * sizeof(SockCtx *));
  if (held == NULL) {
    *lpErrno = WSAENOBUFS;
    return SOCKET_ERROR;
  }
  int nheld = 0, rc = SOCKET_ERROR;
  AnySet *lr = NULL, *lw = NULL, *lx = NULL;
  const int r0 = 0;
  lr = LowerSet(r, &held, &nheld, lpErrno);
  const int w0 = nheld;
  if (lr != (AnySet *)-1) lw = LowerSet(w, &held, &nheld, lpErrno);
  const int x0 = nheld;
  if (lr != (AnySet *)-1 && lw != (AnySet *)-1) lx = LowerSet(x, &held, &nheld, lpErrno);
  if (lr != (AnySet *)-1 && lw != (AnySet *)-1 && lx != (AnySet *)-1) {
    rc = g_next.lpWSPSelect(nfds, (fd_set *)lr, (fd_set *)lw, (fd_set *)lx, timeout, lpErrno);
    if (rc != SOCKET_ERROR) {
      if (lr) UpperSet(r, lr, held, r0);
      if (lw) UpperSet(w, lw, held, w0);
      if (lx) UpperSet(x, lx, held, x0);
    }
  }
  AnySet *sets[3] = {lr, lw, lx};
  for (int i = 0; i < 3; i++)
    if (sets[i] != NULL && sets[i] != (AnySet *)-1) HeapFree(GetProcessHeap(), 0, sets[i]);
  for (int i = 0; i < nheld; i++) Release(held[i]);
  HeapFree(GetProcessHeap(), 0, held);
  return rc;
}

static int WSPAPI NEventSelect(SOCKET s, WSAEVENT ev, long events, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPEventSelect(c->lower, ev, events, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NEnumNetworkEvents(SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS ne, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPEnumNetworkEvents(c->lower, ev, ne, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NAsyncSelect(SOCKET s, HWND hWnd, unsigned int msg, long events,
                               LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc = g_next.lpWSPAsyncSelect(c->lower, hWnd, msg, events, lpErrno);
  Release(c);
  return rc;
}

static BOOL WSPAPI NGetQOSByName(SOCKET s, LPWSABUF name, LPQOS qos, LPINT lpErrno) {
  LOOKUP(c, s, FALSE);
  BOOL rc = g_next.lpWSPGetQOSByName(c->lower, name, qos, lpErrno);
  Release(c);
  return rc;
}

static int WSPAPI NDuplicateSocket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  WSAPROTOCOL_INFOW lower;
  int rc = g_next.lpWSPDuplicateSocket(c->lower, pid, &lower, lpErrno);
  if (rc == 0) {
    /* The chain's entry, carrying the lower provider's token (NSocket hands it down). */
    *info = c->info;
    info->dwProviderReserved = lower.dwProviderReserved;
  }
  Release(c);
  return rc;
}

static SOCKET WSPAPI NJoinLeaf(SOCKET s, const struct sockaddr *name, int namelen,
                               LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos,
                               DWORD flags, LPINT lpErrno) {
  LOOKUP(c, s, INVALID_SOCKET);
  SOCKET lower = g_next.lpWSPJoinLeaf(c->lower, name, namelen, caller, callee, sqos, gqos, flags,
                                      lpErrno);
  SOCKET upper = INVALID_SOCKET;
  if (lower == c->lower) upper = s;  /* c_root: the same socket back */
  else if (lower != INVALID_SOCKET) upper = Wrap(lower, &c->info, lpErrno);
  Release(c);
  return upper;
}

static int WSPAPI NCancelBlockingCall(LPINT lpErrno) { return g_next.lpWSPCancelBlockingCall(lpErrno); }

static int WSPAPI NAddressToString(LPSOCKADDR addr, DWORD len, LPWSAPROTOCOL_INFOW info,
                                   LPWSTR out, LPDWORD outlen, LPINT lpErrno) {
  WSAPROTOCOL_INFOW next;
  DWORD id = 0;
  if (info != NULL && NextInfo(info, &next, &id) == 0) info = &next;
  return g_next.lpWSPAddressToString(addr, len, info, out, outlen, lpErrno);
}

static int WSPAPI NStringToAddress(LPWSTR text, INT af, LPWSAPROTOCOL_INFOW info,
                                   LPSOCKADDR addr, LPINT len, LPINT lpErrno) {
  WSAPROTOCOL_INFOW next;
  DWORD id = 0;
  if (info != NULL && NextInfo(info, &next, &id) == 0) info = &next;
  return g_next.lpWSPStringToAddress(text, af, info, addr, len, lpErrno);
}

/* ---- Extension functions: this layer's, each calling the lower provider's ---- */

/* The lower provider's extension function `guid` for the lower socket. */
static void *LowerExtension(SockCtx *c, GUID guid, int *err) {
  void *fn = NULL;
  DWORD got = 0;
  WSATHREADID none;
  memset(&none, 0, sizeof(none));
  if (g_next.lpWSPIoctl(c->lower, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &fn,
                        sizeof(fn), &got, NULL, NULL, &none, err) != 0)
    return NULL;
  return fn;
}

/* An extension call's failure: FALSE (or SOCKET_ERROR) and the thread's last error. */
static BOOL ExtFail(int err) {
  WSASetLastError(err);
  return FALSE;
}

static BOOL PASCAL NAcceptEx(SOCKET listener, SOCKET accepted, PVOID buf, DWORD recvlen,
                             DWORD locallen, DWORD remotelen, LPDWORD got, LPOVERLAPPED ov) {
  int err = 0;
  (void)got;  /* the request is always pending: the count comes with the completion */
  if (ov == NULL) return ExtFail(WSA_INVALID_PARAMETER);
  SockCtx *l = Lookup(listener, &err);
  if (l == NULL) return ExtFail(err);
  SockCtx *a = Lookup(accepted, &err);
  if (a == NULL) {
    Release(l);
    return ExtFail(err);
  }
  GUID id = WSAID_ACCEPTEX;
  LPFN_ACCEPTEX fn = (LPFN_ACCEPTEX)LowerExtension(l, id, &err);
  Op *op = fn == NULL ? NULL : NewOp(l, kIn, ov, NULL, NULL, &err);
  if (op == NULL) {
    Release(a);
    Release(l);
    return ExtFail(err);
  }
  op->accepted = a;  /* the lookup's reference, until completion */
  DWORD ignored = 0;
  BOOL ok = fn(l->lower, a->lower, buf, recvlen, locallen, remotelen, &ignored, &op->ov);
  Release(l);
  const int le = ok ? 0 : WSAGetLastError();
      Started(op, ok ? 0 : SOCKET_ERROR, &le, &err);
  return ExtFail(err);
}

static BOOL PASCAL NConnectEx(SOCKET s, const struct sockaddr *name, int namelen, PVOID buf,
                              DWORD len, LPDWORD sent, LPOVERLAPPED ov) {
  int err = 0;
  if (ov == NULL) return ExtFail(WSA_INVALID_PARAMETER);
  SockCtx *c = Lookup(s, &err);
  if (c == NULL) return ExtFail(err);
  GUID id = WSAID_CONNECTEX;
  LPFN_CONNECTEX fn = (LPFN_CONNECTEX)LowerExtension(c, id, &err);
  Op *op = fn == NULL ? NULL : NewOp(c, kOut, ov, NULL, NULL, &err);
  if (op == NULL) {
    Release(c);
    return ExtFail(err);
  }
  (void)sent;  /* pending: the count comes with the completion */
  DWORD ignored = 0;
  BOOL ok = fn(c->lower, name, namelen, buf, len, &ignored, &op->ov);
  Release(c);
  const int le = ok ? 0 : WSAGetLastError();
      Started(op, ok ? 0 : SOCKET_ERROR, &le, &err);
  return ExtFail(err);
}

/* DisconnectEx, TransmitFile and TransmitPackets may be called without an OVERLAPPED: then they
 * are synchronous and the lower call is too. */
static BOOL PASCAL NDisconnectEx(SOCKET s, LPOVERLAPPED ov, DWORD flags, DWORD reserved) {
  int err = 0;
  SockCtx *c = Lookup(s, &err);
  if (c == NULL) return ExtFail(err);
  GUID id = WSAID_DISCONNECTEX;
  LPFN_DISCONNECTEX fn = (LPFN_DISCONNECTEX)LowerExtension(c, id, &err);
  BOOL result;
  if (fn == NULL) {
    result = ExtFail(err);
  } else if (ov == NULL) {
    result = fn(c->lower, NULL, flags, reserved);
  } else {
    Op *op = NewOp(c, kNone, ov, NULL, NULL, &err);
    if (op == NULL) {
      result = ExtFail(err);
    } else {
      BOOL ok = fn(c->lower, &op->ov, flags, reserved);
      const int le = ok ? 0 : WSAGetLastError();
      Started(op, ok ? 0 : SOCKET_ERROR, &le, &err);
      result = ExtFail(err);
    }
  }
  Release(c);
  return result;
}

static BOOL PASCAL NTransmitFile(SOCKET s, HANDLE file, DWORD n, DWORD per_send, LPOVERLAPPED ov,
                                 LPTRANSMIT_FILE_BUFFERS buffers, DWORD flags) {
  int err = 0;
  SockCtx *c = Lookup(s, &err);
  if (c == NULL) return ExtFail(err);
  GUID id = WSAID_TRANSMITFILE;
  LPFN_TRANSMITFILE fn = (LPFN_TRANSMITFILE)LowerExtension(c, id, &err);
  BOOL result;
  if (fn == NULL) {
    result = ExtFail(err);
  } else if (ov == NULL) {
    result = fn(c->lower, file, n, per_send, NULL, buffers, flags);
  } else {
    Op *op = NewOp(c, kOut, ov, NULL, NULL, &err);
    if (op == NULL) {
      result = ExtFail(err);
    } else {
      /* The file offset is the application's. */
      op->ov.Offset = ov->Offset;
      op->ov.OffsetHigh = ov->OffsetHigh;
      BOOL ok = fn(c->lower, file, n, per_send, &op->ov, buffers, flags);
      const int le = ok ? 0 : WSAGetLastError();
      Started(op, ok ? 0 : SOCKET_ERROR, &le, &err);
      result = ExtFail(err);
    }
  }
  Release(c);
  return result;
}

static BOOL PASCAL NTransmitPackets(SOCKET s, LPTRANSMIT_PACKETS_ELEMENT elements, DWORD count,
                                    DWORD per_send, LPOVERLAPPED ov, DWORD flags) {
  int err = 0;
  SockCtx *c = Lookup(s, &err);
  if (c == NULL) return ExtFail(err);
  GUID id = WSAID_TRANSMITPACKETS;
  LPFN_TRANSMITPACKETS fn = (LPFN_TRANSMITPACKETS)LowerExtension(c, id, &err);
  BOOL result;
  if (fn == NULL) {
    result = ExtFail(err);
  } else if (ov == NULL) {
    result = fn(c->lower, elements, count, per_send, NULL, flags);
  } else {
    Op *op = NewOp(c, kOut, ov, NULL, NULL, &err);
    if (op == NULL) {
      result = ExtFail(err);
    } else {
      BOOL ok = fn(c->lower, elements, count, per_send, &op->ov, flags);
      const int le = ok ? 0 : WSAGetLastError();
      Started(op, ok ? 0 : SOCKET_ERROR, &le, &err);
      result = ExtFail(err);
    }
  }
  Release(c);
  return result;
}

/* WSARecvMsg and WSASendMsg: like WSARecv / WSASend, with a routine run by an APC to the
 * calling thread (opened here: an extension function gets no WSATHREADID). */
static INT PASCAL NRecvMsg(SOCKET s, LPWSAMSG msg, LPDWORD got, LPWSAOVERLAPPED ov,
                           LPWSAOVERLAPPED_COMPLETION_ROUTINE cr) {
  int err = 0;
  SockCtx *c = Lookup(s, &err);
  if (c == NULL) return ExtFail(err) ? 0 : SOCKET_ERROR;
  GUID id = WSAID_WSARECVMSG;
  LPFN_WSARECVMSG fn = (LPFN_WSARECVMSG)LowerExtension(c, id, &err);
  int rc = SOCKET_ERROR;
  if (fn == NULL) {
    WSASetLastError(err);
  } else if (ov == NULL) {
    rc = fn(c->lower, msg, got, NULL, NULL);
    if (rc == 0 && got != NULL) InterlockedExchangeAdd(&g_bytes_in, (LONG)*got);
  } else {
    Op *op = NewOp(c, kIn, ov, cr, NULL, &err);
    if (op == NULL) {
      WSASetLastError(err);
    } else {
      DWORD ignored = 0;
      int lrc = fn(c->lower, msg, &ignored, &op->ov, NULL);
      const int le = lrc == 0 ? 0 : WSAGetLastError();
      Started(op, lrc, &le, &err);
      WSASetLastError(err);
    }
  }
  Release(c);
  return rc;
}

static INT WSAAPI NSendMsg(SOCKET s, LPWSAMSG msg, DWORD flags, LPDWORD sent, LPWSAOVERLAPPED ov,
                           LPWSAOVERLAPPED_COMPLETION_ROUTINE cr) {
  int err = 0;
  SockCtx *c = Lookup(s, &err);
  if (c == NULL) return ExtFail(err) ? 0 : SOCKET_ERROR;
  GUID id = WSAID_WSASENDMSG;
  LPFN_WSASENDMSG fn = (LPFN_WSASENDMSG)LowerExtension(c, id, &err);
  int rc = SOCKET_ERROR;
  if (fn == NULL) {
    WSASetLastError(err);
  } else if (ov == NULL) {
    rc = fn(c->lower, msg, flags, sent, NULL, NULL);
    if (rc == 0 && sent != NULL) InterlockedExchangeAdd(&g_bytes_out, (LONG)*sent);
  } else {
    Op *op = NewOp(c, kOut, ov, cr, NULL, &err);
    if (op == NULL) {
      WSASetLastError(err);
    } else {
      DWORD ignored = 0;
      int lrc = fn(c->lower, msg, flags, &ignored, &op->ov, NULL);
      const int le = lrc == 0 ? 0 : WSAGetLastError();
      Started(op, lrc, &le, &err);
      WSASetLastError(err);
    }
  }
  Release(c);
  return rc;
}

static const struct {
  GUID guid;
  void *fn;
} kExtensions[] = {
    {WSAID_ACCEPTEX, (void *)NAcceptEx},
    {WSAID_CONNECTEX, (void *)NConnectEx},
    {WSAID_DISCONNECTEX, (void *)NDisconnectEx},
    {WSAID_TRANSMITFILE, (void *)NTransmitFile},
    {WSAID_TRANSMITPACKETS, (void *)NTransmitPackets},
    {WSAID_WSARECVMSG, (void *)NRecvMsg},
    {WSAID_WSASENDMSG, (void *)NSendMsg},
};

static int WSPAPI NIoctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out, DWORD outlen,
                         LPDWORD returned, LPWSAOVERLAPPED ov,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID t, LPINT lpErrno) {
  LOOKUP(c, s, SOCKET_ERROR);
  int rc;
  if (code == SIO_GET_EXTENSION_FUNCTION_POINTER && in != NULL && inlen >= sizeof(GUID)) {
    /* The lower provider answers first (its errors, its checks of the buffers); a function that
     * takes a socket is then replaced by ours. GetAcceptExSockaddrs and any other stay its. */
    rc = g_next.lpWSPIoctl(c->lower, code, in, inlen, out, outlen, returned, NULL, NULL, t,
                           lpErrno);
    if (rc == 0 && out != NULL && outlen >= sizeof(void *)) {
      for (size_t i = 0; i < sizeof(kExtensions) / sizeof(kExtensions[0]); i++)
        if (memcmp(in, &kExtensions[i].guid, sizeof(GUID)) == 0)
          memcpy(out, &kExtensions[i].fn, sizeof(void *));
    }
    if (rc == 0 && ov != NULL) {
      /* Asked overlapped: the completion is reported as for any other call. */
      Op *op = NewOp(c, kNone, ov, cr, t, lpErrno);
      if (op != NULL) {
        Complete(op, 0, returned != NULL ? *returned : 0, 0);
        *lpErrno = WSA_IO_PENDING;
      }
      rc = SOCKET_ERROR;
    }
  } else if (ov == NULL) {
    rc = g_next.lpWSPIoctl(c->lower, code, in, inlen, out, outlen, returned, NULL, NULL, t,
                           lpErrno);
  } else {
    Op *op = NewOp(c, kNone, ov, cr, t, lpErrno);
    if (op == NULL) {
      rc = SOCKET_ERROR;
    } else {
      int e = 0;
      DWORD ignored = 0;
      rc = Started(op, g_next.lpWSPIoctl(c->lower, code, in, inlen, out, outlen, &ignored,
                                         &op->ov, NULL, t, &e),
                   &e, lpErrno);
    }
  }
  Release(c);
  return rc;
}

/* ---- Start-up and clean-up ---- */

static int WSPAPI NCleanup(LPINT lpErrno) {
  int rc = g_next.lpWSPCleanup(lpErrno);
  if (g_startups == 1) {
    printf("nonifs_lsp: %ld bytes out and %ld bytes in through the layer\n", (long)g_bytes_out,
           (long)g_bytes_in);
    fflush(stdout);
    PostQueuedCompletionStatus(g_port, 0, kStopKey, NULL);
    WaitForSingleObject(g_worker, INFINITE);
    CloseHandle(g_worker);
    CloseHandle(g_port);
    g_worker = g_port = NULL;
    FreeLibrary(g_next_module);
    g_next_module = NULL;
    DeleteCriticalSection(&g_lock);
  }
  g_startups--;
  return rc;
}

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable) {
  if (lpProtocolInfo == NULL || lpProtocolInfo->ProtocolChain.ChainLen < 2)
    return Fail("started for something that is not a protocol chain");
  int count = 0;
  WSAPROTOCOL_INFOW *all = EnumAll(&count);
  if (all == NULL) return Fail("WSCEnumProtocols failed");
  g_layer_id = 0;
  for (int i = 0; i < count; i++) {
    if (all[i].ProtocolChain.ChainLen == LAYERED_PROTOCOL &&
        memcmp(&all[i].ProviderId, &kNonIfsGuid, sizeof(GUID)) == 0)
      g_layer_id = all[i].dwCatalogEntryId;
  }
  HeapFree(GetProcessHeap(), 0, all);
  if (g_layer_id == 0) return Fail("my layered entry is not in the catalog");
  WSAPROTOCOL_INFOW next;
  DWORD next_id = 0;
  if (NextInfo(lpProtocolInfo, &next, &next_id) != 0)
    return Fail("my layered entry is not in the chain I was started for");
  const GUID *next_guid = &next.ProviderId;
  WSAPROTOCOL_INFOW next_entry;
  if (next.ProtocolChain.ChainLen != BASE_PROTOCOL) {
    /* Another layer: its own entry's GUID names its DLL. */
    int n = 0;
    all = EnumAll(&n);
    if (all == NULL) return Fail("WSCEnumProtocols failed");
    for (int i = 0; i < n; i++)
      if (all[i].dwCatalogEntryId == next_id) next_entry = all[i];
    HeapFree(GetProcessHeap(), 0, all);
    next_guid = &next_entry.ProviderId;
  }
  WCHAR path[MAX_PATH], expanded[MAX_PATH];
  int len = MAX_PATH, err = 0;
  GUID guid = *next_guid;
  if (WSCGetProviderPath(&guid, path, &len, &err) != 0) return Fail("WSCGetProviderPath failed");
  DWORD n = ExpandEnvironmentStringsW(path, expanded, MAX_PATH);
  if (n == 0 || n > MAX_PATH) return Fail("ExpandEnvironmentStringsW failed");

  if (g_startups == 0) {
    InitializeCriticalSection(&g_lock);
    g_up = UpcallTable;
    g_down = UpcallTable;
    g_down.lpWPUPostMessage = PostTranslated;
    g_next_module = LoadLibraryW(expanded);
    if (g_next_module == NULL) {
      fprintf(stderr, "nonifs_lsp: LoadLibraryW(%ls) failed: %lu\n", expanded, GetLastError());
      DeleteCriticalSection(&g_lock);
      return WSAEPROVIDERFAILEDINIT;
    }
    LPWSPSTARTUP next_startup = (LPWSPSTARTUP)(void *)GetProcAddress(g_next_module, "WSPStartup");
    int rc = next_startup == NULL ? WSAEPROVIDERFAILEDINIT
                                  : next_startup(wVersionRequested, lpWSPData, &next, g_down,
                                                 &g_next);
    if (rc == 0) {
      g_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
      g_worker = g_port == NULL ? NULL : CreateThread(NULL, 0, Worker, NULL, 0, NULL);
      if (g_worker == NULL) {
        if (g_port != NULL) CloseHandle(g_port);
        g_next.lpWSPCleanup(&err);
        rc = WSAENOBUFS;
      }
    }
    if (rc != 0) {
      FreeLibrary(g_next_module);
      g_next_module = NULL;
      DeleteCriticalSection(&g_lock);
      return rc;
    }
  } else {
    /* Started again: the lower provider too (its count matches our WSPCleanups). */
    LPWSPSTARTUP next_startup = (LPWSPSTARTUP)(void *)GetProcAddress(g_next_module, "WSPStartup");
    WSPPROC_TABLE again;
    int rc = next_startup(wVersionRequested, lpWSPData, &next, g_down, &again);
    if (rc != 0) return rc;
  }
  g_startups++;
  printf("nonifs_lsp: layer %lu over entry %lu, loaded %ls\n", g_layer_id, next_id, expanded);
  fflush(stdout);

  static const WCHAR prefix[] = L"ws2emu non-IFS LSP over ";
  WCHAR lower[WSADESCRIPTION_LEN + 1];
  memcpy(lower, lpWSPData->szDescription, sizeof(lower));
  lower[WSADESCRIPTION_LEN] = 0;
  const int plen = (int)(sizeof(prefix) / sizeof(WCHAR)) - 1;
  memcpy(lpWSPData->szDescription, prefix, plen * sizeof(WCHAR));
  int k = 0;
  for (; lower[k] != 0 && plen + k < WSADESCRIPTION_LEN; k++)
    lpWSPData->szDescription[plen + k] = lower[k];
  lpWSPData->szDescription[plen + k] = 0;

  memset(lpProcTable, 0, sizeof(*lpProcTable));
  lpProcTable->lpWSPAccept = NAccept;
  lpProcTable->lpWSPAddressToString = NAddressToString;
  lpProcTable->lpWSPAsyncSelect = NAsyncSelect;
  lpProcTable->lpWSPBind = NBind;
  lpProcTable->lpWSPCancelBlockingCall = NCancelBlockingCall;
  lpProcTable->lpWSPCleanup = NCleanup;
  lpProcTable->lpWSPCloseSocket = NCloseSocket;
  lpProcTable->lpWSPConnect = NConnect;
  lpProcTable->lpWSPDuplicateSocket = NDuplicateSocket;
  lpProcTable->lpWSPEnumNetworkEvents = NEnumNetworkEvents;
  lpProcTable->lpWSPEventSelect = NEventSelect;
  lpProcTable->lpWSPGetOverlappedResult = NGetOverlappedResult;
  lpProcTable->lpWSPGetPeerName = NGetPeerName;
  lpProcTable->lpWSPGetSockName = NGetSockName;
  lpProcTable->lpWSPGetSockOpt = NGetSockOpt;
  lpProcTable->lpWSPGetQOSByName = NGetQOSByName;
  lpProcTable->lpWSPIoctl = NIoctl;
  lpProcTable->lpWSPJoinLeaf = NJoinLeaf;
  lpProcTable->lpWSPListen = NListen;
  lpProcTable->lpWSPRecv = NRecv;
  lpProcTable->lpWSPRecvDisconnect = NRecvDisconnect;
  lpProcTable->lpWSPRecvFrom = NRecvFrom;
  lpProcTable->lpWSPSelect = NSelect;
  lpProcTable->lpWSPSend = NSend;
  lpProcTable->lpWSPSendDisconnect = NSendDisconnect;
  lpProcTable->lpWSPSendTo = NSendTo;
  lpProcTable->lpWSPSetSockOpt = NSetSockOpt;
  lpProcTable->lpWSPShutdown = NShutdown;
  lpProcTable->lpWSPSocket = NSocket;
  lpProcTable->lpWSPStringToAddress = NStringToAddress;
  return 0;
}
