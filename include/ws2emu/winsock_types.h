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
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <netdb.h>
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

/* ---- WSAStartup ---------------------------------------------------------------------------- */

#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128

/* WSADATA: size 408 on x64 (iMaxSockets and iMaxUdpDg come before lpVendorInfo there, after the
 * strings on 32-bit Windows). */
typedef struct WSAData {
  WORD wVersion;
  WORD wHighVersion;
  unsigned short iMaxSockets;
  unsigned short iMaxUdpDg;
  char *lpVendorInfo;
  char szDescription[WSADESCRIPTION_LEN + 1];
  char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

/* ---- WSAPoll ------------------------------------------------------------------------------- */

/* WSAPOLLFD: size 16. Windows' POLL* values, not Linux's. */
typedef struct WS_pollfd {
  SOCKET fd;
  SHORT events;
  SHORT revents;
} WSAPOLLFD, *PWSAPOLLFD, *LPWSAPOLLFD;
#define WS_POLLRDNORM 0x0100
#define WS_POLLRDBAND 0x0200
#define WS_POLLIN (WS_POLLRDNORM | WS_POLLRDBAND)
#define WS_POLLPRI 0x0400
#define WS_POLLWRNORM 0x0010
#define WS_POLLOUT (WS_POLLWRNORM)
#define WS_POLLWRBAND 0x0020
#define WS_POLLERR 0x0001
#define WS_POLLHUP 0x0002
#define WS_POLLNVAL 0x0004

/* ---- Name resolution types (lib/winsock names) ---------------------------------------------- */

/* getaddrinfo's flags (ai_flags), Windows values. */
#define WS_AI_PASSIVE 0x00000001
#define WS_AI_CANONNAME 0x00000002
#define WS_AI_NUMERICHOST 0x00000004
#define WS_AI_NUMERICSERV 0x00000008
#define WS_AI_DNS_ONLY 0x00000010
#define WS_AI_ALL 0x00000100
#define WS_AI_ADDRCONFIG 0x00000400
#define WS_AI_V4MAPPED 0x00000800
#define WS_AI_NON_AUTHORITATIVE 0x00004000
#define WS_AI_SECURE 0x00008000
#define WS_AI_RETURN_PREFERRED_NAMES 0x00010000
#define WS_AI_FQDN 0x00020000
#define WS_AI_FILESERVER 0x00040000
#define WS_AI_DISABLE_IDN_ENCODING 0x00080000

/* getnameinfo's flags and buffer sizes, Windows values. */
#define WS_NI_NOFQDN 0x01
#define WS_NI_NUMERICHOST 0x02
#define WS_NI_NAMEREQD 0x04
#define WS_NI_NUMERICSERV 0x08
#define WS_NI_DGRAM 0x10
#define WS_NI_MAXHOST 1025
#define WS_NI_MAXSERV 32

/* getaddrinfo's errors: WSA error numbers on Windows. */
#define WS_EAI_AGAIN WSATRY_AGAIN
#define WS_EAI_BADFLAGS WSAEINVAL
#define WS_EAI_FAIL WSANO_RECOVERY
#define WS_EAI_FAMILY WSAEAFNOSUPPORT
#define WS_EAI_MEMORY WSA_NOT_ENOUGH_MEMORY
#define WS_EAI_NONAME WSAHOST_NOT_FOUND
#define WS_EAI_SERVICE WSATYPE_NOT_FOUND
#define WS_EAI_SOCKTYPE WSAESOCKTNOSUPPORT
#define WS_EAI_NODATA WSANO_DATA

/* Name spaces GetAddrInfoEx takes. */
#define NS_ALL 0
#define NS_DNS 12

typedef int WS_socklen_t; /* int on Windows; Linux's is unsigned */

/* ADDRINFOA: size 48 on x64. */
typedef struct WS_addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  size_t ai_addrlen;
  char *ai_canonname;
  struct WS_sockaddr *ai_addr;
  struct WS_addrinfo *ai_next;
} ADDRINFOA, *PADDRINFOA;

/* ADDRINFOW: size 48. */
typedef struct addrinfoW {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  size_t ai_addrlen;
  PWSTR ai_canonname;
  struct WS_sockaddr *ai_addr;
  struct addrinfoW *ai_next;
} ADDRINFOW, *PADDRINFOW;

/* ADDRINFOEXA / ADDRINFOEXW: size 72. */
typedef struct addrinfoexA {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  size_t ai_addrlen;
  char *ai_canonname;
  struct WS_sockaddr *ai_addr;
  void *ai_blob;
  size_t ai_bloblen;
  LPGUID ai_provider;
  struct addrinfoexA *ai_next;
} ADDRINFOEXA, *PADDRINFOEXA, *LPADDRINFOEXA;

typedef struct addrinfoexW {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  size_t ai_addrlen;
  PWSTR ai_canonname;
  struct WS_sockaddr *ai_addr;
  void *ai_blob;
  size_t ai_bloblen;
  LPGUID ai_provider;
  struct addrinfoexW *ai_next;
} ADDRINFOEXW, *PADDRINFOEXW, *LPADDRINFOEXW;

/* GetAddrInfoEx's completion routine (Windows 8 and later). */
typedef void(CALLBACK *LPLOOKUPSERVICE_COMPLETION_ROUTINE)(DWORD dwError, DWORD dwBytes,
                                                           LPWSAOVERLAPPED lpOverlapped);

/* hostent: size 32 on x64. */
struct WS_hostent {
  char *h_name;
  char **h_aliases;
  short h_addrtype;
  short h_length;
  char **h_addr_list;
};
typedef struct WS_hostent HOSTENT, *PHOSTENT, *LPHOSTENT;

/* servent: size 32 on x64, where s_proto comes before s_port (after it on 32-bit Windows). */
struct WS_servent {
  char *s_name;
  char **s_aliases;
  char *s_proto;
  short s_port;
};
typedef struct WS_servent SERVENT, *PSERVENT, *LPSERVENT;

/* protoent: size 24. */
struct WS_protoent {
  char *p_name;
  char **p_aliases;
  short p_proto;
};
typedef struct WS_protoent PROTOENT, *PPROTOENT, *LPPROTOENT;


/* ---- end of name resolution types ----------------------------------------------------------- */

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

/* ---- Socket options, MSG_ flags, ioctl codes ----------------------------------------------------
 * The names Linux also has (SOL_SOCKET, SO_*, IP_*, IPV6_*, TCP_*, MSG_*, SOMAXCONN, FIONBIO,
 * _IOR, ...) have other values there, so all of each family carry the WS_ prefix; the plain
 * Windows spellings are macros at the end of this file, outside WS2EMU_WS_PREFIX. */

/* Socket-level options (level WS_SOL_SOCKET). winsock2.h / ws2def.h / mswsock.h values. */
#define WS_SOL_SOCKET 0xffff
#define WS_SO_DEBUG 0x0001
#define WS_SO_ACCEPTCONN 0x0002
#define WS_SO_REUSEADDR 0x0004
#define WS_SO_KEEPALIVE 0x0008
#define WS_SO_DONTROUTE 0x0010
#define WS_SO_BROADCAST 0x0020
#define WS_SO_USELOOPBACK 0x0040
#define WS_SO_LINGER 0x0080
#define WS_SO_OOBINLINE 0x0100
#define WS_SO_DONTLINGER ((int)(~WS_SO_LINGER))
#define WS_SO_EXCLUSIVEADDRUSE ((int)(~WS_SO_REUSEADDR))
#define WS_SO_SNDBUF 0x1001
#define WS_SO_RCVBUF 0x1002
#define WS_SO_SNDLOWAT 0x1003
#define WS_SO_RCVLOWAT 0x1004
#define WS_SO_SNDTIMEO 0x1005
#define WS_SO_RCVTIMEO 0x1006
#define WS_SO_ERROR 0x1007
#define WS_SO_TYPE 0x1008
#define WS_SO_GROUP_ID 0x2001
#define WS_SO_GROUP_PRIORITY 0x2002
#define WS_SO_MAX_MSG_SIZE 0x2003
#define WS_SO_PROTOCOL_INFOA 0x2004
#define WS_SO_PROTOCOL_INFOW 0x2005
#define WS_SO_CONDITIONAL_ACCEPT 0x3002
#define WS_SO_RANDOMIZE_PORT 0x3005
#define WS_SO_PORT_SCALABILITY 0x3006
#define WS_SO_CONNDATA 0x7000
#define WS_SO_CONNOPT 0x7001
#define WS_SO_DISCDATA 0x7002
#define WS_SO_DISCOPT 0x7003
#define WS_SO_CONNDATALEN 0x7004
#define WS_SO_CONNOPTLEN 0x7005
#define WS_SO_DISCDATALEN 0x7006
#define WS_SO_DISCOPTLEN 0x7007
#define WS_SO_OPENTYPE 0x7008
#define WS_SO_SYNCHRONOUS_ALERT 0x10
#define WS_SO_SYNCHRONOUS_NONALERT 0x20
#define WS_SO_MAXDG 0x7009
#define WS_SO_MAXPATHDG 0x700A
#define WS_SO_UPDATE_ACCEPT_CONTEXT 0x700B
#define WS_SO_CONNECT_TIME 0x700C
#define WS_SO_UPDATE_CONNECT_CONTEXT 0x7010

/* IPPROTO_TCP options (ws2ipdef.h; TCP_KEEPCNT/TCP_KEEPINTVL are Windows 10 1709+). */
#define WS_TCP_NODELAY 0x0001
#define WS_TCP_EXPEDITED_1122 0x0002
#define WS_TCP_KEEPALIVE 3
#define WS_TCP_MAXSEG 4
#define WS_TCP_KEEPIDLE WS_TCP_KEEPALIVE
#define WS_TCP_KEEPCNT 16
#define WS_TCP_KEEPINTVL 17
#define WS_TCP_BSDURGENT 0x7000

/* IPPROTO_IP options (ws2ipdef.h: not the BSD/Linux numbers, e.g. IP_ADD_MEMBERSHIP is 12). */
#define WS_IP_OPTIONS 1
#define WS_IP_HDRINCL 2
#define WS_IP_TOS 3
#define WS_IP_TTL 4
#define WS_IP_MULTICAST_IF 9
#define WS_IP_MULTICAST_TTL 10
#define WS_IP_MULTICAST_LOOP 11
#define WS_IP_ADD_MEMBERSHIP 12
#define WS_IP_DROP_MEMBERSHIP 13
#define WS_IP_DONTFRAGMENT 14
#define WS_IP_ADD_SOURCE_MEMBERSHIP 15
#define WS_IP_DROP_SOURCE_MEMBERSHIP 16
#define WS_IP_BLOCK_SOURCE 17
#define WS_IP_UNBLOCK_SOURCE 18
#define WS_IP_PKTINFO 19
#define WS_IP_HOPLIMIT 21
#define WS_IP_RECVTTL 21
#define WS_IP_RECEIVE_BROADCAST 22
#define WS_IP_RECVIF 24
#define WS_IP_RECVDSTADDR 25
#define WS_IP_UNICAST_IF 31
#define WS_IP_TCLASS 39
#define WS_IP_RECVTCLASS 40
#define WS_IP_RECVTOS 40
#define WS_IP_MTU_DISCOVER 71
#define WS_IP_MTU 73
#define WS_IP_RECVERR 75

/* IPPROTO_IPV6 options (ws2ipdef.h). */
#define WS_IPV6_HOPOPTS 1
#define WS_IPV6_HDRINCL 2
#define WS_IPV6_UNICAST_HOPS 4
#define WS_IPV6_MULTICAST_IF 9
#define WS_IPV6_MULTICAST_HOPS 10
#define WS_IPV6_MULTICAST_LOOP 11
#define WS_IPV6_ADD_MEMBERSHIP 12
#define WS_IPV6_JOIN_GROUP WS_IPV6_ADD_MEMBERSHIP
#define WS_IPV6_DROP_MEMBERSHIP 13
#define WS_IPV6_LEAVE_GROUP WS_IPV6_DROP_MEMBERSHIP
#define WS_IPV6_DONTFRAG 14
#define WS_IPV6_PKTINFO 19
#define WS_IPV6_HOPLIMIT 21
#define WS_IPV6_PROTECTION_LEVEL 23
#define WS_IPV6_RECVIF 24
#define WS_IPV6_RECVDSTADDR 25
#define WS_IPV6_CHECKSUM 26
#define WS_IPV6_V6ONLY 27
#define WS_IPV6_UNICAST_IF 31
#define WS_IPV6_RTHDR 32
#define WS_IPV6_RECVRTHDR 38
#define WS_IPV6_TCLASS 39
#define WS_IPV6_RECVTCLASS 40
#define WS_IPV6_MTU_DISCOVER 71
#define WS_IPV6_MTU 72
#define WS_IPV6_RECVERR 75

/* MSG_* flags of send/recv and of WSAMSG.dwFlags (winsock2.h, ws2def.h). */
#define WS_MSG_OOB 0x1
#define WS_MSG_PEEK 0x2
#define WS_MSG_DONTROUTE 0x4
#define WS_MSG_WAITALL 0x8
#define WS_MSG_INTERRUPT 0x10
#define WS_MSG_PUSH_IMMEDIATE 0x20
#define WS_MSG_PARTIAL 0x8000
#define WS_MSG_TRUNC 0x0100
#define WS_MSG_CTRUNC 0x0200
#define WS_MSG_BCAST 0x0400
#define WS_MSG_MCAST 0x0800
#define WS_MSG_ERRQUEUE 0x1000
#define WS_MSG_MAXIOVLEN 16

/* listen() backlog: SOMAXCONN asks for the provider's maximum (Linux's is 4096). */
#define WS_SOMAXCONN 0x7fffffff

/* ioctlsocket / WSAIoctl codes in the BSD encoding (winsock2.h). u_long is 4 bytes on Windows,
 * so FIONBIO is 0x8004667E, FIONREAD 0x4004667F, SIOCATMARK 0x40047307. */
#define WS_IOCPARM_MASK 0x7f
#define WS_IOC_VOID 0x20000000
#define WS_IOC_OUT 0x40000000
#define WS_IOC_IN 0x80000000
#define WS_IOC_INOUT (WS_IOC_IN | WS_IOC_OUT)
#define WS__IO(x, y) (WS_IOC_VOID | ((x) << 8) | (y))
#define WS__IOR(x, y, t) (WS_IOC_OUT | (((LONG)sizeof(t) & WS_IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define WS__IOW(x, y, t) (WS_IOC_IN | (((LONG)sizeof(t) & WS_IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define WS_FIONREAD WS__IOR('f', 127, WS_u_long)
#define WS_FIONBIO WS__IOW('f', 126, WS_u_long)
#define WS_FIOASYNC WS__IOW('f', 125, WS_u_long)
#define WS_SIOCSHIWAT WS__IOW('s', 0, WS_u_long)
#define WS_SIOCGHIWAT WS__IOR('s', 1, WS_u_long)
#define WS_SIOCSLOWAT WS__IOW('s', 2, WS_u_long)
#define WS_SIOCGLOWAT WS__IOR('s', 3, WS_u_long)
#define WS_SIOCATMARK WS__IOR('s', 7, WS_u_long)
/* SOMAXCONN_HINT(b): a backlog of exactly b (clamped by the provider to [200, 65535] on
 * Windows), passed as -b. */
#define SOMAXCONN_HINT(b) (-(b))

/* how of shutdown / WSPShutdown (Linux spells them SHUT_RD / SHUT_WR / SHUT_RDWR, same values). */
#define SD_RECEIVE 0x00
#define SD_SEND 0x01
#define SD_BOTH 0x02

/* dwFlags of WSAJoinLeaf / WSPJoinLeaf */
#define JL_SENDER_ONLY 0x01
#define JL_RECEIVER_ONLY 0x02
#define JL_BOTH 0x04

/* WSAIoctl codes (winsock2.h, mswsock.h, mstcpip.h): the vendor/family field in bits 27-28. */
#define IOC_UNIX 0x00000000
#define IOC_WS2 0x08000000
#define IOC_PROTOCOL 0x10000000
#define IOC_VENDOR 0x18000000
#define _WSAIO(x, y) (WS_IOC_VOID | (x) | (y))
#define _WSAIOR(x, y) (WS_IOC_OUT | (x) | (y))
#define _WSAIOW(x, y) (WS_IOC_IN | (x) | (y))
#define _WSAIORW(x, y) (WS_IOC_INOUT | (x) | (y))

#define SIO_ASSOCIATE_HANDLE _WSAIOW(IOC_WS2, 1)
#define SIO_ENABLE_CIRCULAR_QUEUEING _WSAIO(IOC_WS2, 2)
#define SIO_FIND_ROUTE _WSAIOR(IOC_WS2, 3)
#define SIO_FLUSH _WSAIO(IOC_WS2, 4)
#define SIO_GET_BROADCAST_ADDRESS _WSAIOR(IOC_WS2, 5)
#define SIO_GET_EXTENSION_FUNCTION_POINTER _WSAIORW(IOC_WS2, 6)
#define SIO_GET_QOS _WSAIORW(IOC_WS2, 7)
#define SIO_GET_GROUP_QOS _WSAIORW(IOC_WS2, 8)
#define SIO_MULTIPOINT_LOOPBACK _WSAIOW(IOC_WS2, 9)
#define SIO_MULTICAST_SCOPE _WSAIOW(IOC_WS2, 10)
#define SIO_SET_QOS _WSAIOW(IOC_WS2, 11)
#define SIO_SET_GROUP_QOS _WSAIOW(IOC_WS2, 12)
#define SIO_TRANSLATE_HANDLE _WSAIORW(IOC_WS2, 13)
#define SIO_ROUTING_INTERFACE_QUERY _WSAIORW(IOC_WS2, 20)
#define SIO_ROUTING_INTERFACE_CHANGE _WSAIOW(IOC_WS2, 21)
#define SIO_ADDRESS_LIST_QUERY _WSAIOR(IOC_WS2, 22)
#define SIO_ADDRESS_LIST_CHANGE _WSAIO(IOC_WS2, 23)
#define SIO_QUERY_TARGET_PNP_HANDLE _WSAIOR(IOC_WS2, 24)
#define SIO_ADDRESS_LIST_SORT _WSAIORW(IOC_WS2, 25)
#define SIO_BSP_HANDLE _WSAIOR(IOC_WS2, 27)
#define SIO_BSP_HANDLE_SELECT _WSAIOR(IOC_WS2, 28)
#define SIO_BSP_HANDLE_POLL _WSAIOR(IOC_WS2, 29)
#define SIO_EXT_SELECT _WSAIORW(IOC_WS2, 30)
#define SIO_EXT_POLL _WSAIORW(IOC_WS2, 31)
#define SIO_EXT_SENDMSG _WSAIORW(IOC_WS2, 32)
#define SIO_BASE_HANDLE _WSAIOR(IOC_WS2, 34)
#define SIO_RCVALL _WSAIOW(IOC_VENDOR, 1)
#define SIO_KEEPALIVE_VALS _WSAIOW(IOC_VENDOR, 4)
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#define SIO_SOCKET_CLOSE_NOTIFY _WSAIOW(IOC_VENDOR, 13)
#define SIO_LOOPBACK_FAST_PATH _WSAIOW(IOC_VENDOR, 16)
#define SIO_TCP_INITIAL_RTO _WSAIOW(IOC_VENDOR, 17)

/* ---- Option and ioctl values ------------------------------------------------------------------ */

/* linger (SO_LINGER): two u_shorts, size 4 (Linux's has two ints). */
struct WS_linger {
  WS_u_short l_onoff;
  WS_u_short l_linger;
};
typedef struct WS_linger LINGER, *PLINGER, *LPLINGER;

/* ip_mreq (IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP): size 8. */
struct WS_ip_mreq {
  struct WS_in_addr imr_multiaddr;
  struct WS_in_addr imr_interface;
};
typedef struct WS_ip_mreq IP_MREQ, *PIP_MREQ;

/* ip_mreq_source: size 12. The source comes before the interface, unlike Linux's. */
struct WS_ip_mreq_source {
  struct WS_in_addr imr_multiaddr;
  struct WS_in_addr imr_sourceaddr;
  struct WS_in_addr imr_interface;
};
typedef struct WS_ip_mreq_source IP_MREQ_SOURCE, *PIP_MREQ_SOURCE;

/* ipv6_mreq (IPV6_ADD_MEMBERSHIP / IPV6_DROP_MEMBERSHIP): size 20, the interface a ULONG index. */
struct WS_ipv6_mreq {
  struct WS_in6_addr ipv6mr_multiaddr;
  ULONG ipv6mr_interface;
};
typedef struct WS_ipv6_mreq IPV6_MREQ, *PIPV6_MREQ;

/* in_pktinfo (IP_PKTINFO control data): size 8, address first (Linux: 12, index first). */
struct WS_in_pktinfo {
  struct WS_in_addr ipi_addr;
  ULONG ipi_ifindex;
};
typedef struct WS_in_pktinfo IN_PKTINFO, *PIN_PKTINFO;

/* in6_pktinfo (IPV6_PKTINFO control data): size 20. */
struct WS_in6_pktinfo {
  struct WS_in6_addr ipi6_addr;
  ULONG ipi6_ifindex;
};
typedef struct WS_in6_pktinfo IN6_PKTINFO, *PIN6_PKTINFO;

/* sockaddr_storage: size 128, alignment 8 (Linux's is 128 as well, but its family is at the
 * same place with a different value for AF_INET6). */
#define WS__SS_MAXSIZE 128
#define WS__SS_ALIGNSIZE 8
struct WS_sockaddr_storage {
  ADDRESS_FAMILY ss_family;
  CHAR __ss_pad1[6];
  LONGLONG __ss_align;
  CHAR __ss_pad2[112];
};
typedef struct WS_sockaddr_storage SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;

/* tcp_keepalive (SIO_KEEPALIVE_VALS input, mstcpip.h): times in milliseconds. Size 12. */
struct tcp_keepalive {
  ULONG onoff;
  ULONG keepalivetime;
  ULONG keepaliveinterval;
};

/* SOCKET_ADDRESS: size 16. SOCKET_ADDRESS_LIST (SIO_ADDRESS_LIST_QUERY output): size 24 with
 * its one declared entry; the real list holds iAddressCount of them. */
typedef struct _SOCKET_ADDRESS {
  LPSOCKADDR lpSockaddr;
  INT iSockaddrLength;
} SOCKET_ADDRESS, *PSOCKET_ADDRESS, *LPSOCKET_ADDRESS;

typedef struct _SOCKET_ADDRESS_LIST {
  INT iAddressCount;
  SOCKET_ADDRESS Address[1];
} SOCKET_ADDRESS_LIST, *PSOCKET_ADDRESS_LIST, *LPSOCKET_ADDRESS_LIST;

/* WSAMSG (WSARecvMsg / WSASendMsg): size 56. */
typedef struct _WSAMSG {
  LPSOCKADDR name;
  INT namelen;
  LPWSABUF lpBuffers;
  ULONG dwBufferCount;
  WSABUF Control;
  ULONG dwFlags;
} WSAMSG, *PWSAMSG, *LPWSAMSG;

/* WSACMSGHDR: size 16, alignment 8. The data follows the header aligned to 8
 * (MAX_NATURAL_ALIGNMENT on x64), each header starts aligned to 8. */
typedef struct _WSACMSGHDR {
  SIZE_T cmsg_len;
  INT cmsg_level;
  INT cmsg_type;
} WSACMSGHDR, *PWSACMSGHDR, *LPWSACMSGHDR;

#define WSA_CMSGHDR_ALIGN(length) (((length) + 8 - 1) & (~(SIZE_T)(8 - 1)))
#define WSA_CMSGDATA_ALIGN(length) (((length) + 8 - 1) & (~(SIZE_T)(8 - 1)))
#define WSA_CMSG_FIRSTHDR(msg) \
  (((msg)->Control.len >= sizeof(WSACMSGHDR)) ? (LPWSACMSGHDR)(msg)->Control.buf : (LPWSACMSGHDR)0)
#define WSA_CMSG_NXTHDR(msg, cmsg)                                                          \
  ((!(cmsg)) ? WSA_CMSG_FIRSTHDR(msg)                                                       \
             : ((((UCHAR *)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len) + sizeof(WSACMSGHDR)) > \
                 (UCHAR *)((msg)->Control.buf) + (msg)->Control.len)                          \
                    ? (LPWSACMSGHDR)0                                                       \
                    : (LPWSACMSGHDR)((UCHAR *)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len))))
#define WSA_CMSG_DATA(cmsg) ((UCHAR *)(cmsg) + WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)))
#define WSA_CMSG_SPACE(length) (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR) + WSA_CMSGHDR_ALIGN(length)))
#define WSA_CMSG_LEN(length) (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)) + (length))

/* ---- The Microsoft extension functions (mswsock.h), reached through
 *      SIO_GET_EXTENSION_FUNCTION_POINTER with these GUIDs ------------------------------------ */

/* TRANSMIT_FILE_BUFFERS: size 32. */
typedef struct _TRANSMIT_FILE_BUFFERS {
  LPVOID Head;
  DWORD HeadLength;
  LPVOID Tail;
  DWORD TailLength;
} TRANSMIT_FILE_BUFFERS, *PTRANSMIT_FILE_BUFFERS, *LPTRANSMIT_FILE_BUFFERS;

/* dwFlags of TransmitFile / DisconnectEx */
#define TF_DISCONNECT 0x01
#define TF_REUSE_SOCKET 0x02
#define TF_WRITE_BEHIND 0x04
#define TF_USE_DEFAULT_WORKER 0x00
#define TF_USE_SYSTEM_THREAD 0x10
#define TF_USE_KERNEL_APC 0x20

/* GUID initialisers, as mswsock.h spells them: `GUID g = WSAID_ACCEPTEX;`. */
#define WSAID_TRANSMITFILE {0xb5367df0, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_ACCEPTEX {0xb5367df1, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_GETACCEPTEXSOCKADDRS \
  {0xb5367df2, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_TRANSMITPACKETS \
  {0xd9689da0, 0x1f90, 0x11d3, {0x99, 0x71, 0x00, 0xc0, 0x4f, 0x68, 0xc8, 0x76}}
#define WSAID_CONNECTEX {0x25a207b9, 0xddf3, 0x4660, {0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e}}
#define WSAID_DISCONNECTEX {0x7fda2e11, 0x8630, 0x436f, {0xa0, 0x31, 0xf5, 0x36, 0xa6, 0xee, 0xc1, 0x57}}
#define WSAID_WSARECVMSG {0xf689d7c8, 0x6f1f, 0x436b, {0x8a, 0x53, 0xe5, 0x4f, 0xe3, 0x51, 0xc3, 0x22}}
#define WSAID_WSASENDMSG {0xa441e712, 0x754f, 0x43ca, {0x84, 0xa7, 0x0d, 0xee, 0x44, 0xcf, 0x60, 0x6d}}
#define WSAID_WSAPOLL {0x18c76f85, 0xdc66, 0x4964, {0x97, 0x2e, 0x23, 0xc2, 0x72, 0x38, 0x31, 0x2b}}

typedef BOOL(WINAPI *LPFN_TRANSMITFILE)(SOCKET hSocket, HANDLE hFile, DWORD nNumberOfBytesToWrite,
                                        DWORD nNumberOfBytesPerSend, LPOVERLAPPED lpOverlapped,
                                        LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers,
                                        DWORD dwReserved);
typedef BOOL(WINAPI *LPFN_ACCEPTEX)(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer,
                                    DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
                                    DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived,
                                    LPOVERLAPPED lpOverlapped);
typedef VOID(WINAPI *LPFN_GETACCEPTEXSOCKADDRS)(PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                                                DWORD dwLocalAddressLength,
                                                DWORD dwRemoteAddressLength,
                                                struct WS_sockaddr **LocalSockaddr,
                                                LPINT LocalSockaddrLength,
                                                struct WS_sockaddr **RemoteSockaddr,
                                                LPINT RemoteSockaddrLength);
typedef BOOL(WINAPI *LPFN_CONNECTEX)(SOCKET s, const struct WS_sockaddr *name, int namelen,
                                     PVOID lpSendBuffer, DWORD dwSendDataLength,
                                     LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped);
typedef BOOL(WINAPI *LPFN_DISCONNECTEX)(SOCKET s, LPOVERLAPPED lpOverlapped, DWORD dwFlags,
                                        DWORD dwReserved);
typedef INT(WINAPI *LPFN_WSARECVMSG)(SOCKET s, LPWSAMSG lpMsg, LPDWORD lpdwNumberOfBytesRecvd,
                                     LPWSAOVERLAPPED lpOverlapped,
                                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
typedef INT(WSAAPI *LPFN_WSASENDMSG)(SOCKET s, LPWSAMSG lpMsg, DWORD dwFlags,
                                     LPDWORD lpNumberOfBytesSent, LPWSAOVERLAPPED lpOverlapped,
                                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

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
#define addrinfo WS_addrinfo
#define hostent WS_hostent
#define servent WS_servent
#define protoent WS_protoent
#undef AI_PASSIVE
#define AI_PASSIVE WS_AI_PASSIVE
#undef AI_CANONNAME
#define AI_CANONNAME WS_AI_CANONNAME
#undef AI_NUMERICHOST
#define AI_NUMERICHOST WS_AI_NUMERICHOST
#undef AI_NUMERICSERV
#define AI_NUMERICSERV WS_AI_NUMERICSERV
#define AI_DNS_ONLY WS_AI_DNS_ONLY
#undef AI_ALL
#define AI_ALL WS_AI_ALL
#undef AI_ADDRCONFIG
#define AI_ADDRCONFIG WS_AI_ADDRCONFIG
#undef AI_V4MAPPED
#define AI_V4MAPPED WS_AI_V4MAPPED
#define AI_NON_AUTHORITATIVE WS_AI_NON_AUTHORITATIVE
#define AI_SECURE WS_AI_SECURE
#define AI_RETURN_PREFERRED_NAMES WS_AI_RETURN_PREFERRED_NAMES
#define AI_FQDN WS_AI_FQDN
#define AI_FILESERVER WS_AI_FILESERVER
#define AI_DISABLE_IDN_ENCODING WS_AI_DISABLE_IDN_ENCODING
#undef NI_NOFQDN
#define NI_NOFQDN WS_NI_NOFQDN
#undef NI_NUMERICHOST
#define NI_NUMERICHOST WS_NI_NUMERICHOST
#undef NI_NAMEREQD
#define NI_NAMEREQD WS_NI_NAMEREQD
#undef NI_NUMERICSERV
#define NI_NUMERICSERV WS_NI_NUMERICSERV
#undef NI_DGRAM
#define NI_DGRAM WS_NI_DGRAM
#undef NI_MAXHOST
#define NI_MAXHOST WS_NI_MAXHOST
#undef NI_MAXSERV
#define NI_MAXSERV WS_NI_MAXSERV
#undef EAI_AGAIN
#define EAI_AGAIN WS_EAI_AGAIN
#undef EAI_BADFLAGS
#define EAI_BADFLAGS WS_EAI_BADFLAGS
#undef EAI_FAIL
#define EAI_FAIL WS_EAI_FAIL
#undef EAI_FAMILY
#define EAI_FAMILY WS_EAI_FAMILY
#undef EAI_MEMORY
#define EAI_MEMORY WS_EAI_MEMORY
#undef EAI_NONAME
#define EAI_NONAME WS_EAI_NONAME
#undef EAI_SERVICE
#define EAI_SERVICE WS_EAI_SERVICE
#undef EAI_SOCKTYPE
#define EAI_SOCKTYPE WS_EAI_SOCKTYPE
#undef EAI_NODATA
#define EAI_NODATA WS_EAI_NODATA
#define pollfd WS_pollfd
#undef POLLRDNORM
#define POLLRDNORM WS_POLLRDNORM
#undef POLLRDBAND
#define POLLRDBAND WS_POLLRDBAND
#undef POLLIN
#define POLLIN WS_POLLIN
#undef POLLPRI
#define POLLPRI WS_POLLPRI
#undef POLLWRNORM
#define POLLWRNORM WS_POLLWRNORM
#undef POLLOUT
#define POLLOUT WS_POLLOUT
#undef POLLWRBAND
#define POLLWRBAND WS_POLLWRBAND
#undef POLLERR
#define POLLERR WS_POLLERR
#undef POLLHUP
#define POLLHUP WS_POLLHUP
#undef POLLNVAL
#define POLLNVAL WS_POLLNVAL
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
#undef SOL_SOCKET
#define SOL_SOCKET WS_SOL_SOCKET
#undef SO_DEBUG
#define SO_DEBUG WS_SO_DEBUG
#undef SO_ACCEPTCONN
#define SO_ACCEPTCONN WS_SO_ACCEPTCONN
#undef SO_REUSEADDR
#define SO_REUSEADDR WS_SO_REUSEADDR
#undef SO_KEEPALIVE
#define SO_KEEPALIVE WS_SO_KEEPALIVE
#undef SO_DONTROUTE
#define SO_DONTROUTE WS_SO_DONTROUTE
#undef SO_BROADCAST
#define SO_BROADCAST WS_SO_BROADCAST
#undef SO_USELOOPBACK
#define SO_USELOOPBACK WS_SO_USELOOPBACK
#undef SO_LINGER
#define SO_LINGER WS_SO_LINGER
#undef SO_OOBINLINE
#define SO_OOBINLINE WS_SO_OOBINLINE
#undef SO_DONTLINGER
#define SO_DONTLINGER WS_SO_DONTLINGER
#undef SO_EXCLUSIVEADDRUSE
#define SO_EXCLUSIVEADDRUSE WS_SO_EXCLUSIVEADDRUSE
#undef SO_SNDBUF
#define SO_SNDBUF WS_SO_SNDBUF
#undef SO_RCVBUF
#define SO_RCVBUF WS_SO_RCVBUF
#undef SO_SNDLOWAT
#define SO_SNDLOWAT WS_SO_SNDLOWAT
#undef SO_RCVLOWAT
#define SO_RCVLOWAT WS_SO_RCVLOWAT
#undef SO_SNDTIMEO
#define SO_SNDTIMEO WS_SO_SNDTIMEO
#undef SO_RCVTIMEO
#define SO_RCVTIMEO WS_SO_RCVTIMEO
#undef SO_ERROR
#define SO_ERROR WS_SO_ERROR
#undef SO_TYPE
#define SO_TYPE WS_SO_TYPE
#undef SO_GROUP_ID
#define SO_GROUP_ID WS_SO_GROUP_ID
#undef SO_GROUP_PRIORITY
#define SO_GROUP_PRIORITY WS_SO_GROUP_PRIORITY
#undef SO_MAX_MSG_SIZE
#define SO_MAX_MSG_SIZE WS_SO_MAX_MSG_SIZE
#undef SO_PROTOCOL_INFOA
#define SO_PROTOCOL_INFOA WS_SO_PROTOCOL_INFOA
#undef SO_PROTOCOL_INFOW
#define SO_PROTOCOL_INFOW WS_SO_PROTOCOL_INFOW
#undef SO_CONDITIONAL_ACCEPT
#define SO_CONDITIONAL_ACCEPT WS_SO_CONDITIONAL_ACCEPT
#undef SO_RANDOMIZE_PORT
#define SO_RANDOMIZE_PORT WS_SO_RANDOMIZE_PORT
#undef SO_PORT_SCALABILITY
#define SO_PORT_SCALABILITY WS_SO_PORT_SCALABILITY
#undef SO_CONNDATA
#define SO_CONNDATA WS_SO_CONNDATA
#undef SO_CONNOPT
#define SO_CONNOPT WS_SO_CONNOPT
#undef SO_DISCDATA
#define SO_DISCDATA WS_SO_DISCDATA
#undef SO_DISCOPT
#define SO_DISCOPT WS_SO_DISCOPT
#undef SO_CONNDATALEN
#define SO_CONNDATALEN WS_SO_CONNDATALEN
#undef SO_CONNOPTLEN
#define SO_CONNOPTLEN WS_SO_CONNOPTLEN
#undef SO_DISCDATALEN
#define SO_DISCDATALEN WS_SO_DISCDATALEN
#undef SO_DISCOPTLEN
#define SO_DISCOPTLEN WS_SO_DISCOPTLEN
#undef SO_OPENTYPE
#define SO_OPENTYPE WS_SO_OPENTYPE
#undef SO_SYNCHRONOUS_ALERT
#define SO_SYNCHRONOUS_ALERT WS_SO_SYNCHRONOUS_ALERT
#undef SO_SYNCHRONOUS_NONALERT
#define SO_SYNCHRONOUS_NONALERT WS_SO_SYNCHRONOUS_NONALERT
#undef SO_MAXDG
#define SO_MAXDG WS_SO_MAXDG
#undef SO_MAXPATHDG
#define SO_MAXPATHDG WS_SO_MAXPATHDG
#undef SO_UPDATE_ACCEPT_CONTEXT
#define SO_UPDATE_ACCEPT_CONTEXT WS_SO_UPDATE_ACCEPT_CONTEXT
#undef SO_CONNECT_TIME
#define SO_CONNECT_TIME WS_SO_CONNECT_TIME
#undef SO_UPDATE_CONNECT_CONTEXT
#define SO_UPDATE_CONNECT_CONTEXT WS_SO_UPDATE_CONNECT_CONTEXT
#undef TCP_NODELAY
#define TCP_NODELAY WS_TCP_NODELAY
#undef TCP_EXPEDITED_1122
#define TCP_EXPEDITED_1122 WS_TCP_EXPEDITED_1122
#undef TCP_KEEPALIVE
#define TCP_KEEPALIVE WS_TCP_KEEPALIVE
#undef TCP_MAXSEG
#define TCP_MAXSEG WS_TCP_MAXSEG
#undef TCP_KEEPIDLE
#define TCP_KEEPIDLE WS_TCP_KEEPIDLE
#undef TCP_KEEPCNT
#define TCP_KEEPCNT WS_TCP_KEEPCNT
#undef TCP_KEEPINTVL
#define TCP_KEEPINTVL WS_TCP_KEEPINTVL
#undef TCP_BSDURGENT
#define TCP_BSDURGENT WS_TCP_BSDURGENT
#undef IP_OPTIONS
#define IP_OPTIONS WS_IP_OPTIONS
#undef IP_HDRINCL
#define IP_HDRINCL WS_IP_HDRINCL
#undef IP_TOS
#define IP_TOS WS_IP_TOS
#undef IP_TTL
#define IP_TTL WS_IP_TTL
#undef IP_MULTICAST_IF
#define IP_MULTICAST_IF WS_IP_MULTICAST_IF
#undef IP_MULTICAST_TTL
#define IP_MULTICAST_TTL WS_IP_MULTICAST_TTL
#undef IP_MULTICAST_LOOP
#define IP_MULTICAST_LOOP WS_IP_MULTICAST_LOOP
#undef IP_ADD_MEMBERSHIP
#define IP_ADD_MEMBERSHIP WS_IP_ADD_MEMBERSHIP
#undef IP_DROP_MEMBERSHIP
#define IP_DROP_MEMBERSHIP WS_IP_DROP_MEMBERSHIP
#undef IP_DONTFRAGMENT
#define IP_DONTFRAGMENT WS_IP_DONTFRAGMENT
#undef IP_ADD_SOURCE_MEMBERSHIP
#define IP_ADD_SOURCE_MEMBERSHIP WS_IP_ADD_SOURCE_MEMBERSHIP
#undef IP_DROP_SOURCE_MEMBERSHIP
#define IP_DROP_SOURCE_MEMBERSHIP WS_IP_DROP_SOURCE_MEMBERSHIP
#undef IP_BLOCK_SOURCE
#define IP_BLOCK_SOURCE WS_IP_BLOCK_SOURCE
#undef IP_UNBLOCK_SOURCE
#define IP_UNBLOCK_SOURCE WS_IP_UNBLOCK_SOURCE
#undef IP_PKTINFO
#define IP_PKTINFO WS_IP_PKTINFO
#undef IP_HOPLIMIT
#define IP_HOPLIMIT WS_IP_HOPLIMIT
#undef IP_RECVTTL
#define IP_RECVTTL WS_IP_RECVTTL
#undef IP_RECEIVE_BROADCAST
#define IP_RECEIVE_BROADCAST WS_IP_RECEIVE_BROADCAST
#undef IP_RECVIF
#define IP_RECVIF WS_IP_RECVIF
#undef IP_RECVDSTADDR
#define IP_RECVDSTADDR WS_IP_RECVDSTADDR
#undef IP_UNICAST_IF
#define IP_UNICAST_IF WS_IP_UNICAST_IF
#undef IP_TCLASS
#define IP_TCLASS WS_IP_TCLASS
#undef IP_RECVTCLASS
#define IP_RECVTCLASS WS_IP_RECVTCLASS
#undef IP_RECVTOS
#define IP_RECVTOS WS_IP_RECVTOS
#undef IP_MTU_DISCOVER
#define IP_MTU_DISCOVER WS_IP_MTU_DISCOVER
#undef IP_MTU
#define IP_MTU WS_IP_MTU
#undef IP_RECVERR
#define IP_RECVERR WS_IP_RECVERR
#undef IPV6_HOPOPTS
#define IPV6_HOPOPTS WS_IPV6_HOPOPTS
#undef IPV6_HDRINCL
#define IPV6_HDRINCL WS_IPV6_HDRINCL
#undef IPV6_UNICAST_HOPS
#define IPV6_UNICAST_HOPS WS_IPV6_UNICAST_HOPS
#undef IPV6_MULTICAST_IF
#define IPV6_MULTICAST_IF WS_IPV6_MULTICAST_IF
#undef IPV6_MULTICAST_HOPS
#define IPV6_MULTICAST_HOPS WS_IPV6_MULTICAST_HOPS
#undef IPV6_MULTICAST_LOOP
#define IPV6_MULTICAST_LOOP WS_IPV6_MULTICAST_LOOP
#undef IPV6_ADD_MEMBERSHIP
#define IPV6_ADD_MEMBERSHIP WS_IPV6_ADD_MEMBERSHIP
#undef IPV6_JOIN_GROUP
#define IPV6_JOIN_GROUP WS_IPV6_JOIN_GROUP
#undef IPV6_DROP_MEMBERSHIP
#define IPV6_DROP_MEMBERSHIP WS_IPV6_DROP_MEMBERSHIP
#undef IPV6_LEAVE_GROUP
#define IPV6_LEAVE_GROUP WS_IPV6_LEAVE_GROUP
#undef IPV6_DONTFRAG
#define IPV6_DONTFRAG WS_IPV6_DONTFRAG
#undef IPV6_PKTINFO
#define IPV6_PKTINFO WS_IPV6_PKTINFO
#undef IPV6_HOPLIMIT
#define IPV6_HOPLIMIT WS_IPV6_HOPLIMIT
#undef IPV6_PROTECTION_LEVEL
#define IPV6_PROTECTION_LEVEL WS_IPV6_PROTECTION_LEVEL
#undef IPV6_RECVIF
#define IPV6_RECVIF WS_IPV6_RECVIF
#undef IPV6_RECVDSTADDR
#define IPV6_RECVDSTADDR WS_IPV6_RECVDSTADDR
#undef IPV6_CHECKSUM
#define IPV6_CHECKSUM WS_IPV6_CHECKSUM
#undef IPV6_V6ONLY
#define IPV6_V6ONLY WS_IPV6_V6ONLY
#undef IPV6_UNICAST_IF
#define IPV6_UNICAST_IF WS_IPV6_UNICAST_IF
#undef IPV6_RTHDR
#define IPV6_RTHDR WS_IPV6_RTHDR
#undef IPV6_RECVRTHDR
#define IPV6_RECVRTHDR WS_IPV6_RECVRTHDR
#undef IPV6_TCLASS
#define IPV6_TCLASS WS_IPV6_TCLASS
#undef IPV6_RECVTCLASS
#define IPV6_RECVTCLASS WS_IPV6_RECVTCLASS
#undef IPV6_MTU_DISCOVER
#define IPV6_MTU_DISCOVER WS_IPV6_MTU_DISCOVER
#undef IPV6_MTU
#define IPV6_MTU WS_IPV6_MTU
#undef IPV6_RECVERR
#define IPV6_RECVERR WS_IPV6_RECVERR
#undef MSG_OOB
#define MSG_OOB WS_MSG_OOB
#undef MSG_PEEK
#define MSG_PEEK WS_MSG_PEEK
#undef MSG_DONTROUTE
#define MSG_DONTROUTE WS_MSG_DONTROUTE
#undef MSG_WAITALL
#define MSG_WAITALL WS_MSG_WAITALL
#undef MSG_INTERRUPT
#define MSG_INTERRUPT WS_MSG_INTERRUPT
#undef MSG_PUSH_IMMEDIATE
#define MSG_PUSH_IMMEDIATE WS_MSG_PUSH_IMMEDIATE
#undef MSG_PARTIAL
#define MSG_PARTIAL WS_MSG_PARTIAL
#undef MSG_TRUNC
#define MSG_TRUNC WS_MSG_TRUNC
#undef MSG_CTRUNC
#define MSG_CTRUNC WS_MSG_CTRUNC
#undef MSG_BCAST
#define MSG_BCAST WS_MSG_BCAST
#undef MSG_MCAST
#define MSG_MCAST WS_MSG_MCAST
#undef MSG_ERRQUEUE
#define MSG_ERRQUEUE WS_MSG_ERRQUEUE
#undef MSG_MAXIOVLEN
#define MSG_MAXIOVLEN WS_MSG_MAXIOVLEN
#undef SOMAXCONN
#define SOMAXCONN WS_SOMAXCONN
#undef IOCPARM_MASK
#define IOCPARM_MASK WS_IOCPARM_MASK
#undef IOC_VOID
#define IOC_VOID WS_IOC_VOID
#undef IOC_OUT
#define IOC_OUT WS_IOC_OUT
#undef IOC_IN
#define IOC_IN WS_IOC_IN
#undef IOC_INOUT
#define IOC_INOUT WS_IOC_INOUT
#undef _IO
#define _IO(x, y) WS__IO(x, y)
#undef _IOR
#define _IOR(x, y, t) WS__IOR(x, y, t)
#undef _IOW
#define _IOW(x, y, t) WS__IOW(x, y, t)
#undef FIONREAD
#define FIONREAD WS_FIONREAD
#undef FIONBIO
#define FIONBIO WS_FIONBIO
#undef FIOASYNC
#define FIOASYNC WS_FIOASYNC
#undef SIOCSHIWAT
#define SIOCSHIWAT WS_SIOCSHIWAT
#undef SIOCGHIWAT
#define SIOCGHIWAT WS_SIOCGHIWAT
#undef SIOCSLOWAT
#define SIOCSLOWAT WS_SIOCSLOWAT
#undef SIOCGLOWAT
#define SIOCGLOWAT WS_SIOCGLOWAT
#undef SIOCATMARK
#define SIOCATMARK WS_SIOCATMARK
#define linger WS_linger
#define ip_mreq WS_ip_mreq
#define ip_mreq_source WS_ip_mreq_source
#define ipv6_mreq WS_ipv6_mreq
#define in_pktinfo WS_in_pktinfo
#define in6_pktinfo WS_in6_pktinfo
#define sockaddr_storage WS_sockaddr_storage
#undef _SS_MAXSIZE
#define _SS_MAXSIZE WS__SS_MAXSIZE
#undef _SS_ALIGNSIZE
#define _SS_ALIGNSIZE WS__SS_ALIGNSIZE
#endif /* !WS2EMU_WS_PREFIX */

#endif /* WS2EMU_WINSOCK_TYPES_H_ */
