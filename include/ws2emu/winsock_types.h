/*
 * ws2emu/winsock_types.h — the Winsock 2 types and constants in their Windows x64 layouts:
 * SOCKET, WSAEVENT, WSABUF, WSAOVERLAPPED, fd_set, sockaddr, timeval, QOS, WSAPROTOCOL_INFOW,
 * the XP1_/PFL_/WSA_FLAG_/FD_ bits.
 *
 * Names that clash with Linux headers. Windows and Linux both have `struct sockaddr`, `fd_set`,
 * `struct timeval`, `FD_SET`, `AF_INET6`, `u_long`, ... with different layouts or values. Every
 * such type and constant is declared here under a `WS_` name (`struct WS_sockaddr`, `WS_fd_set`,
 * `WS_AF_INET6`), the way Wine's USE_WS_PREFIX does it:
 *
 *   - Define WS2EMU_WS_PREFIX before inclusion and only the WS_ names exist, so the code can use
 *     <sys/socket.h> and the Windows types side by side. lib/ is compiled with it (its
 *     meson.build adds it to every component), so the socket layers can use Linux's AF_INET6
 *     beside WS_AF_INET6; emu/, which faces PE code, sees the Windows names as provider source
 *     does.
 *
 *   - Without it (provider source written for Windows), the Windows names are mapped onto the
 *     WS_ ones with macros (`#define fd_set WS_fd_set`), after the Linux headers that define
 *     the same names have been included once, so that their include guards keep them from
 *     coming back later. Windows code then compiles unchanged, whatever order it includes
 *     <stdlib.h> and this header in; the one thing it cannot do is use the Linux socket types.
 *
 * FD_SETSIZE (WS_FD_SETSIZE with the prefix) defaults to 64 and can be defined before inclusion,
 * as on Windows. fd_set is a counted array, not a bitmap.
 *
 * Compiles as C99 and as C++20.
 */
#ifndef WS2EMU_WINSOCK_TYPES_H_
#define WS2EMU_WINSOCK_TYPES_H_

#if !defined(WS2EMU_WS_PREFIX) && defined(__linux__)
/* Bring in, once, every Linux header that defines a name this header takes over. FD_SETSIZE is
 * set aside around them so that a value the Windows program chose survives glibc's define. */
#pragma push_macro("FD_SETSIZE")
#undef FD_SETSIZE
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#undef FD_SETSIZE
#pragma pop_macro("FD_SETSIZE")
/* If the only FD_SETSIZE around is glibc's own (from an earlier <sys/select.h>), it is not the
 * program's choice: drop it so the Windows default applies. */
#if defined(FD_SETSIZE) && defined(__FD_SETSIZE)
#if FD_SETSIZE == __FD_SETSIZE
#undef FD_SETSIZE
#endif
#endif
#endif

#include "ws2emu/win_base.h"
#include "ws2emu/winsock_errors.h"

#ifndef WS_FD_SETSIZE
#if !defined(WS2EMU_WS_PREFIX) && defined(FD_SETSIZE)
#define WS_FD_SETSIZE FD_SETSIZE
#else
#define WS_FD_SETSIZE 64
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Basic Winsock types ------------------------------------------------------------------- */

typedef unsigned char WS_u_char;
typedef unsigned short WS_u_short;
typedef unsigned int WS_u_int;
typedef ULONG WS_u_long; /* 32 bits, as on Windows; Linux's u_long is 64 */

typedef UINT_PTR SOCKET;
typedef HANDLE WSAEVENT, *LPWSAEVENT;
typedef unsigned int GROUP;
typedef USHORT ADDRESS_FAMILY;
typedef ULONG SERVICETYPE;

#define INVALID_SOCKET ((SOCKET)(~0))
#define SOCKET_ERROR (-1)
#define WSA_INVALID_EVENT ((WSAEVENT)NULL)
#define WSS_OPERATION_IN_PROGRESS 0x00000103
#define FROM_PROTOCOL_INFO (-1)

typedef OVERLAPPED WSAOVERLAPPED, *LPWSAOVERLAPPED;

#define WSA_MAXIMUM_WAIT_EVENTS MAXIMUM_WAIT_OBJECTS
#define WSA_WAIT_EVENT_0 WAIT_OBJECT_0
#define WSA_WAIT_IO_COMPLETION WAIT_IO_COMPLETION
#define WSA_WAIT_TIMEOUT WAIT_TIMEOUT
#define WSA_WAIT_FAILED WAIT_FAILED
#define WSA_INFINITE INFINITE

/* WSABUF: size 16 (SPEC.md §3.3). */
typedef struct _WSABUF {
  ULONG len;
  CHAR *buf;
} WSABUF, *LPWSABUF;

/* ---- fd_set and timeval --------------------------------------------------------------------- */

/* fd_set: a counted array of SOCKETs; size 520 with the default FD_SETSIZE (SPEC.md §3.4). */
typedef struct WS_fd_set {
  WS_u_int fd_count;
  SOCKET fd_array[WS_FD_SETSIZE];
} WS_fd_set;

#define WS_FD_CLR(fd, set)                                                          \
  do {                                                                              \
    WS_u_int ws2emu_i_;                                                             \
    for (ws2emu_i_ = 0; ws2emu_i_ < ((WS_fd_set *)(set))->fd_count; ws2emu_i_++) { \
      if (((WS_fd_set *)(set))->fd_array[ws2emu_i_] == (SOCKET)(fd)) {              \
        while (ws2emu_i_ < ((WS_fd_set *)(set))->fd_count - 1) {                    \
          ((WS_fd_set *)(set))->fd_array[ws2emu_i_] =                               \
              ((WS_fd_set *)(set))->fd_array[ws2emu_i_ + 1];                        \
          ws2emu_i_++;                                                              \
        }                                                                           \
        ((WS_fd_set *)(set))->fd_count--;                                           \
        break;                                                                      \
      }                                                                             \
    }                                                                               \
  } while (0)

#define WS_FD_SET(fd, set)                                                          \
  do {                                                                              \
    WS_u_int ws2emu_i_;                                                             \
    for (ws2emu_i_ = 0; ws2emu_i_ < ((WS_fd_set *)(set))->fd_count; ws2emu_i_++) { \
      if (((WS_fd_set *)(set))->fd_array[ws2emu_i_] == (SOCKET)(fd)) break;         \
    }                                                                               \
    if (ws2emu_i_ == ((WS_fd_set *)(set))->fd_count &&                              \
        ((WS_fd_set *)(set))->fd_count < WS_FD_SETSIZE) {                           \
      ((WS_fd_set *)(set))->fd_array[ws2emu_i_] = (SOCKET)(fd);                     \
      ((WS_fd_set *)(set))->fd_count++;                                             \
    }                                                                               \
  } while (0)

#define WS_FD_ZERO(set) (((WS_fd_set *)(set))->fd_count = 0)

/* Membership test by linear search over fd_count entries, what __WSAFDIsSet does. A static
 * inline function here so that FD_ISSET needs no import. */
static inline int ws2emu_fd_isset(SOCKET fd, const WS_fd_set *set) {
  WS_u_int i;
  for (i = 0; i < set->fd_count; i++) {
    if (set->fd_array[i] == fd) return 1;
  }
  return 0;
}
#define WS_FD_ISSET(fd, set) ws2emu_fd_isset((SOCKET)(fd), (const WS_fd_set *)(set))

/* timeval: two 32-bit fields, size 8. */
typedef struct WS_timeval {
  LONG tv_sec;
  LONG tv_usec;
} TIMEVAL, *PTIMEVAL, *LPTIMEVAL;

/* ---- Addresses -------------------------------------------------------------------------------- */

#define WS_AF_UNSPEC 0
#define WS_AF_UNIX 1
#define WS_AF_INET 2
#define WS_AF_INET6 23
#define WS_PF_UNSPEC WS_AF_UNSPEC
#define WS_PF_INET WS_AF_INET
#define WS_PF_INET6 WS_AF_INET6

#define WS_SOCK_STREAM 1
#define WS_SOCK_DGRAM 2
#define WS_SOCK_RAW 3
#define WS_SOCK_RDM 4
#define WS_SOCK_SEQPACKET 5

#define WS_IPPROTO_IP 0
#define WS_IPPROTO_ICMP 1
#define WS_IPPROTO_TCP 6
#define WS_IPPROTO_UDP 17
#define WS_IPPROTO_IPV6 41
#define WS_IPPROTO_RAW 255

#define WS_INADDR_ANY ((ULONG)0x00000000)
#define WS_INADDR_LOOPBACK 0x7f000001
#define WS_INADDR_BROADCAST ((ULONG)0xffffffff)
#define WS_INADDR_NONE 0xffffffff

/* sockaddr: size 16. */
struct WS_sockaddr {
  ADDRESS_FAMILY sa_family;
  CHAR sa_data[14];
};
typedef struct WS_sockaddr SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

/* in_addr: 4 bytes, a union of byte, word and long views. */
typedef struct WS_in_addr {
  union {
    struct {
      UCHAR s_b1, s_b2, s_b3, s_b4;
    } S_un_b;
    struct {
      USHORT s_w1, s_w2;
    } S_un_w;
    ULONG S_addr;
  } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;
#define WS_s_addr S_un.S_addr

/* sockaddr_in: size 16. */
struct WS_sockaddr_in {
  SHORT sin_family;
  USHORT sin_port;
  struct WS_in_addr sin_addr;
  CHAR sin_zero[8];
};
typedef struct WS_sockaddr_in SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

/* in6_addr: 16 bytes. */
typedef struct WS_in6_addr {
  union {
    UCHAR Byte[16];
    USHORT Word[8];
  } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;
#define WS_s6_addr u.Byte

typedef struct {
  WS2EMU_NAMELESS union {
    WS2EMU_NAMELESS struct {
      ULONG Zone : 28;
      ULONG Level : 4;
    };
    ULONG Value;
  };
} SCOPE_ID, *PSCOPE_ID;

/* sockaddr_in6: size 28. */
struct WS_sockaddr_in6 {
  SHORT sin6_family;
  USHORT sin6_port;
  ULONG sin6_flowinfo;
  struct WS_in6_addr sin6_addr;
  WS2EMU_NAMELESS union {
    ULONG sin6_scope_id;
    SCOPE_ID sin6_scope_struct;
  };
};
typedef struct WS_sockaddr_in6 SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;

/* ---- QOS ------------------------------------------------------------------------------------- */

/* FLOWSPEC: eight ULONGs, size 32. */
typedef struct _flowspec {
  ULONG TokenRate;
  ULONG TokenBucketSize;
  ULONG PeakBandwidth;
  ULONG Latency;
  ULONG DelayVariation;
  SERVICETYPE ServiceType;
  ULONG MaxSduSize;
  ULONG MinimumPolicedSize;
} FLOWSPEC, *PFLOWSPEC, *LPFLOWSPEC;

/* QOS: size 80. */
typedef struct _QualityOfService {
  FLOWSPEC SendingFlowspec;
  FLOWSPEC ReceivingFlowspec;
  WSABUF ProviderSpecific;
} QOS, *LPQOS;

/* ---- Network events (WSPEventSelect / WSPEnumNetworkEvents / WSPAsyncSelect) ----------------- */

#define FD_READ_BIT 0
#define FD_READ (1 << FD_READ_BIT)
#define FD_WRITE_BIT 1
#define FD_WRITE (1 << FD_WRITE_BIT)
#define FD_OOB_BIT 2
#define FD_OOB (1 << FD_OOB_BIT)
#define FD_ACCEPT_BIT 3
#define FD_ACCEPT (1 << FD_ACCEPT_BIT)
#define FD_CONNECT_BIT 4
#define FD_CONNECT (1 << FD_CONNECT_BIT)
#define FD_CLOSE_BIT 5
#define FD_CLOSE (1 << FD_CLOSE_BIT)
#define FD_QOS_BIT 6
#define FD_QOS (1 << FD_QOS_BIT)
#define FD_GROUP_QOS_BIT 7
#define FD_GROUP_QOS (1 << FD_GROUP_QOS_BIT)
#define FD_ROUTING_INTERFACE_CHANGE_BIT 8
#define FD_ROUTING_INTERFACE_CHANGE (1 << FD_ROUTING_INTERFACE_CHANGE_BIT)
#define FD_ADDRESS_LIST_CHANGE_BIT 9
#define FD_ADDRESS_LIST_CHANGE (1 << FD_ADDRESS_LIST_CHANGE_BIT)
#define FD_MAX_EVENTS 10
#define FD_ALL_EVENTS ((1 << FD_MAX_EVENTS) - 1)

/* The lParam of a WSAAsyncSelect message: the event in the low word, the error in the high. */
#ifndef WSAMAKESELECTREPLY
#define WSAMAKESELECTREPLY(event, error)       \
  ((LONG)(((WORD)((DWORD_PTR)(event) & 0xffff)) | \
          ((DWORD)((WORD)((DWORD_PTR)(error) & 0xffff))) << 16))
#define WSAGETSELECTEVENT(lParam) LOWORD(lParam)
#define WSAGETSELECTERROR(lParam) HIWORD(lParam)
#endif

/* WSANETWORKEVENTS: size 44. */
typedef struct _WSANETWORKEVENTS {
  LONG lNetworkEvents;
  int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

/* ---- The protocol catalog entry --------------------------------------------------------------- */

#define MAX_PROTOCOL_CHAIN 7
#define BASE_PROTOCOL 1
#define LAYERED_PROTOCOL 0
#define WSAPROTOCOL_LEN 255
#define BIGENDIAN 0x0000
#define LITTLEENDIAN 0x0001
#define SECURITY_PROTOCOL_NONE 0x0000

/* WSAPROTOCOLCHAIN: size 32 (SPEC.md §3.6). ChainLen counts entries: 0 layered, 1 base,
 * 2..7 a chain whose ChainEntries[0] is the top layer. */
typedef struct _WSAPROTOCOLCHAIN {
  int ChainLen;
  DWORD ChainEntries[MAX_PROTOCOL_CHAIN];
} WSAPROTOCOLCHAIN, *LPWSAPROTOCOLCHAIN;

/* WSAPROTOCOL_INFOW: size 628, alignment 4 (SPEC.md §3.7). */
typedef struct _WSAPROTOCOL_INFOW {
  DWORD dwServiceFlags1;
  DWORD dwServiceFlags2;
  DWORD dwServiceFlags3;
  DWORD dwServiceFlags4;
  DWORD dwProviderFlags;
  GUID ProviderId;
  DWORD dwCatalogEntryId;
  WSAPROTOCOLCHAIN ProtocolChain;
  int iVersion;
  int iAddressFamily;
  int iMaxSockAddr;
  int iMinSockAddr;
  int iSocketType;
  int iProtocol;
  int iProtocolMaxOffset;
  int iNetworkByteOrder;
  int iSecurityScheme;
  DWORD dwMessageSize;
  DWORD dwProviderReserved;
  WCHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;

/* WSAPROTOCOL_INFOA: the same with an 8-bit name, size 372. */
typedef struct _WSAPROTOCOL_INFOA {
  DWORD dwServiceFlags1;
  DWORD dwServiceFlags2;
  DWORD dwServiceFlags3;
  DWORD dwServiceFlags4;
  DWORD dwProviderFlags;
  GUID ProviderId;
  DWORD dwCatalogEntryId;
  WSAPROTOCOLCHAIN ProtocolChain;
  int iVersion;
  int iAddressFamily;
  int iMaxSockAddr;
  int iMinSockAddr;
  int iSocketType;
  int iProtocol;
  int iProtocolMaxOffset;
  int iNetworkByteOrder;
  int iSecurityScheme;
  DWORD dwMessageSize;
  DWORD dwProviderReserved;
  CHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;

/* dwProviderFlags */
#define PFL_MULTIPLE_PROTO_ENTRIES 0x00000001
#define PFL_RECOMMENDED_PROTO_ENTRY 0x00000002
#define PFL_HIDDEN 0x00000004
#define PFL_MATCHES_PROTOCOL_ZERO 0x00000008
#define PFL_NETWORKDIRECT_PROVIDER 0x00000010

/* dwServiceFlags1 */
#define XP1_CONNECTIONLESS 0x00000001
#define XP1_GUARANTEED_DELIVERY 0x00000002
#define XP1_GUARANTEED_ORDER 0x00000004
#define XP1_MESSAGE_ORIENTED 0x00000008
#define XP1_PSEUDO_STREAM 0x00000010
#define XP1_GRACEFUL_CLOSE 0x00000020
#define XP1_EXPEDITED_DATA 0x00000040
#define XP1_CONNECT_DATA 0x00000080
#define XP1_DISCONNECT_DATA 0x00000100
#define XP1_SUPPORT_BROADCAST 0x00000200
#define XP1_SUPPORT_MULTIPOINT 0x00000400
#define XP1_MULTIPOINT_CONTROL_PLANE 0x00000800
#define XP1_MULTIPOINT_DATA_PLANE 0x00001000
#define XP1_QOS_SUPPORTED 0x00002000
#define XP1_INTERRUPT 0x00004000
#define XP1_UNI_SEND 0x00008000
#define XP1_UNI_RECV 0x00010000
#define XP1_IFS_HANDLES 0x00020000
#define XP1_PARTIAL_MESSAGE 0x00040000
#define XP1_SAN_SUPPORT_SDP 0x00080000

/* dwFlags of WSASocket / WSPSocket */
#define WSA_FLAG_OVERLAPPED 0x01
#define WSA_FLAG_MULTIPOINT_C_ROOT 0x02
#define WSA_FLAG_MULTIPOINT_C_LEAF 0x04
#define WSA_FLAG_MULTIPOINT_D_ROOT 0x08
#define WSA_FLAG_MULTIPOINT_D_LEAF 0x10
#define WSA_FLAG_ACCESS_SYSTEM_SECURITY 0x40
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80
#define WSA_FLAG_REGISTERED_IO 0x100

/* ---- Callbacks --------------------------------------------------------------------------------- */

typedef void(CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                           LPWSAOVERLAPPED lpOverlapped,
                                                           DWORD dwFlags);

#define CF_ACCEPT 0x0000
#define CF_REJECT 0x0001
#define CF_DEFER 0x0002

typedef int(CALLBACK *LPCONDITIONPROC)(LPWSABUF lpCallerId, LPWSABUF lpCallerData, LPQOS lpSQOS,
                                       LPQOS lpGQOS, LPWSABUF lpCalleeId, LPWSABUF lpCalleeData,
                                       GROUP *g, DWORD_PTR dwCallbackData);

#ifdef __cplusplus
} /* extern "C" */
#endif

/* ---- The Windows names, for source written for Windows ------------------------------------- */

#ifndef WS2EMU_WS_PREFIX
#ifndef FD_SETSIZE /* else WS_FD_SETSIZE already is the program's FD_SETSIZE */
#define FD_SETSIZE WS_FD_SETSIZE
#endif
#undef FD_CLR
#define FD_CLR WS_FD_CLR
#undef FD_SET
#define FD_SET WS_FD_SET
#undef FD_ZERO
#define FD_ZERO WS_FD_ZERO
#undef FD_ISSET
#define FD_ISSET WS_FD_ISSET
#define fd_set WS_fd_set
#define timeval WS_timeval
#define u_char WS_u_char
#define u_short WS_u_short
#define u_int WS_u_int
#define u_long WS_u_long
#define sockaddr WS_sockaddr
#define sockaddr_in WS_sockaddr_in
#define sockaddr_in6 WS_sockaddr_in6
#define in_addr WS_in_addr
#define in6_addr WS_in6_addr
#undef s_addr
#define s_addr WS_s_addr
#undef s6_addr
#define s6_addr WS_s6_addr

#undef AF_UNSPEC
#define AF_UNSPEC WS_AF_UNSPEC
#undef AF_UNIX
#define AF_UNIX WS_AF_UNIX
#undef AF_INET
#define AF_INET WS_AF_INET
#undef AF_INET6
#define AF_INET6 WS_AF_INET6
#undef PF_UNSPEC
#define PF_UNSPEC WS_PF_UNSPEC
#undef PF_INET
#define PF_INET WS_PF_INET
#undef PF_INET6
#define PF_INET6 WS_PF_INET6
#undef SOCK_STREAM
#define SOCK_STREAM WS_SOCK_STREAM
#undef SOCK_DGRAM
#define SOCK_DGRAM WS_SOCK_DGRAM
#undef SOCK_RAW
#define SOCK_RAW WS_SOCK_RAW
#undef SOCK_RDM
#define SOCK_RDM WS_SOCK_RDM
#undef SOCK_SEQPACKET
#define SOCK_SEQPACKET WS_SOCK_SEQPACKET
#undef IPPROTO_IP
#define IPPROTO_IP WS_IPPROTO_IP
#undef IPPROTO_ICMP
#define IPPROTO_ICMP WS_IPPROTO_ICMP
#undef IPPROTO_TCP
#define IPPROTO_TCP WS_IPPROTO_TCP
#undef IPPROTO_UDP
#define IPPROTO_UDP WS_IPPROTO_UDP
#undef IPPROTO_IPV6
#define IPPROTO_IPV6 WS_IPPROTO_IPV6
#undef IPPROTO_RAW
#define IPPROTO_RAW WS_IPPROTO_RAW
#undef INADDR_ANY
#define INADDR_ANY WS_INADDR_ANY
#undef INADDR_LOOPBACK
#define INADDR_LOOPBACK WS_INADDR_LOOPBACK
#undef INADDR_BROADCAST
#define INADDR_BROADCAST WS_INADDR_BROADCAST
#undef INADDR_NONE
#define INADDR_NONE WS_INADDR_NONE
#endif /* !WS2EMU_WS_PREFIX */

#endif /* WS2EMU_WINSOCK_TYPES_H_ */
