// lib/net/net_tables.h — the tables behind net.h, one row per (Windows, Linux) pair. Both
// directions of every conversion walk the same rows; the tests (tests/unit/net_test.cc) walk
// them too, to prove each row round-trips and no two rows claim the same value on either side
// (so the reverse of a conversion is never ambiguous), except where a comment says otherwise.
//
// Internal to lib/net and its tests.
#ifndef WS2EMU_LIB_NET_NET_TABLES_H_
#define WS2EMU_LIB_NET_NET_TABLES_H_

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "net/net.h"

namespace ws2emu::net {

struct IntPair {
  int ws;
  int unix_value;
};

inline constexpr IntPair kFamilies[] = {
    {WS_AF_UNSPEC, AF_UNSPEC},
    {WS_AF_INET, AF_INET},
    {WS_AF_INET6, AF_INET6},  // 23 <-> 10
};

inline constexpr IntPair kSockTypes[] = {
    {WS_SOCK_STREAM, SOCK_STREAM}, {WS_SOCK_DGRAM, SOCK_DGRAM},
    {WS_SOCK_RAW, SOCK_RAW},       {WS_SOCK_RDM, SOCK_RDM},
    {WS_SOCK_SEQPACKET, SOCK_SEQPACKET},
};

// ---- Socket options ------------------------------------------------------------------------
//
// Only options Linux has a direct counterpart for. Not here, for the provider to answer itself
// (Windows-only, or meaning something Linux has no option for): SO_DONTLINGER,
// SO_EXCLUSIVEADDRUSE, SO_USELOOPBACK, SO_GROUP_ID, SO_GROUP_PRIORITY, SO_MAX_MSG_SIZE,
// SO_PROTOCOL_INFOA/W, SO_CONDITIONAL_ACCEPT, SO_CONNECT_TIME, SO_UPDATE_ACCEPT_CONTEXT,
// SO_UPDATE_CONNECT_CONTEXT, SO_RANDOMIZE_PORT, SO_PORT_SCALABILITY, SO_CONNDATA.. and the
// other mswsock.h options, SO_SNDLOWAT and SO_RCVLOWAT (Windows answers WSAENOPROTOOPT for
// both: "not supported" on the SOL_SOCKET page), TCP_EXPEDITED_1122, TCP_BSDURGENT,
// IP_DONTFRAGMENT (Linux spells it IP_MTU_DISCOVER = IP_PMTUDISC_DO, which is IP_MTU_DISCOVER's
// row: one Linux option cannot answer for two Windows ones), IP_UNICAST_IF / IPV6_UNICAST_IF,
// IP_RECEIVE_BROADCAST, IP_RECVIF, IP_RECVDSTADDR, IPV6_PROTECTION_LEVEL, IPV6_HOPOPTS,
// IPV6_RECVIF, IPV6_RECVDSTADDR.

struct OptionRow {
  int ws_level;
  int ws_name;
  int unix_level;
  int unix_name;
  ValueFormat format;
};

inline constexpr OptionRow kOptions[] = {
    // SOL_SOCKET (0xffff on Windows, 1 on Linux). Windows values are DWORD/BOOL-sized ints.
    {WS_SOL_SOCKET, WS_SO_DEBUG, SOL_SOCKET, SO_DEBUG, ValueFormat::kBool},
    {WS_SOL_SOCKET, WS_SO_ACCEPTCONN, SOL_SOCKET, SO_ACCEPTCONN, ValueFormat::kBool},
    // Same name, not the same meaning: Windows' SO_REUSEADDR lets a bind steal a port in use
    // (Linux needs SO_REUSEPORT for most of that). The provider implements Windows' meaning.
    {WS_SOL_SOCKET, WS_SO_REUSEADDR, SOL_SOCKET, SO_REUSEADDR, ValueFormat::kBool},
    {WS_SOL_SOCKET, WS_SO_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE, ValueFormat::kBool},
    {WS_SOL_SOCKET, WS_SO_DONTROUTE, SOL_SOCKET, SO_DONTROUTE, ValueFormat::kBool},
    {WS_SOL_SOCKET, WS_SO_BROADCAST, SOL_SOCKET, SO_BROADCAST, ValueFormat::kBool},
    // struct linger: two u_shorts on Windows, two ints on Linux.
    {WS_SOL_SOCKET, WS_SO_LINGER, SOL_SOCKET, SO_LINGER, ValueFormat::kLinger},
    {WS_SOL_SOCKET, WS_SO_OOBINLINE, SOL_SOCKET, SO_OOBINLINE, ValueFormat::kBool},
    // Linux doubles a buffer size set (for its bookkeeping) and reports the doubled value.
    {WS_SOL_SOCKET, WS_SO_SNDBUF, SOL_SOCKET, SO_SNDBUF, ValueFormat::kInt},
    {WS_SOL_SOCKET, WS_SO_RCVBUF, SOL_SOCKET, SO_RCVBUF, ValueFormat::kInt},
    // A DWORD of milliseconds on Windows, a struct timeval on Linux.
    {WS_SOL_SOCKET, WS_SO_SNDTIMEO, SOL_SOCKET, SO_SNDTIMEO, ValueFormat::kMillisecondsTimeval},
    {WS_SOL_SOCKET, WS_SO_RCVTIMEO, SOL_SOCKET, SO_RCVTIMEO, ValueFormat::kMillisecondsTimeval},
    // kOther: an int both sides, but an errno on Linux, a WSA error on Windows
    // (WsaErrorFromErrno).
    {WS_SOL_SOCKET, WS_SO_ERROR, SOL_SOCKET, SO_ERROR, ValueFormat::kOther},
    // kOther: an int both sides, a socket type to convert (SockTypeFromUnix).
    {WS_SOL_SOCKET, WS_SO_TYPE, SOL_SOCKET, SO_TYPE, ValueFormat::kOther},

    // IPPROTO_TCP (6 on both). Times in seconds on both (Windows' TCP_KEEPALIVE is Linux's
    // TCP_KEEPIDLE).
    {WS_IPPROTO_TCP, WS_TCP_NODELAY, IPPROTO_TCP, TCP_NODELAY, ValueFormat::kBool},
    {WS_IPPROTO_TCP, WS_TCP_KEEPALIVE, IPPROTO_TCP, TCP_KEEPIDLE, ValueFormat::kInt},
    {WS_IPPROTO_TCP, WS_TCP_MAXSEG, IPPROTO_TCP, TCP_MAXSEG, ValueFormat::kInt},
    {WS_IPPROTO_TCP, WS_TCP_KEEPCNT, IPPROTO_TCP, TCP_KEEPCNT, ValueFormat::kInt},
    {WS_IPPROTO_TCP, WS_TCP_KEEPINTVL, IPPROTO_TCP, TCP_KEEPINTVL, ValueFormat::kInt},

    // IPPROTO_IP (0 on both); the names have other numbers on each side.
    // kOther: the raw IP options bytes, the same on both sides.
    {WS_IPPROTO_IP, WS_IP_OPTIONS, IPPROTO_IP, IP_OPTIONS, ValueFormat::kOther},
    {WS_IPPROTO_IP, WS_IP_HDRINCL, IPPROTO_IP, IP_HDRINCL, ValueFormat::kBool},
    {WS_IPPROTO_IP, WS_IP_TOS, IPPROTO_IP, IP_TOS, ValueFormat::kInt},
    {WS_IPPROTO_IP, WS_IP_TTL, IPPROTO_IP, IP_TTL, ValueFormat::kInt},
    // kOther: Windows takes a DWORD that is an IPv4 address in network order, or an
    // interface index when it falls in 0.0.0.0/8; Linux an in_addr or an ip_mreqn.
    {WS_IPPROTO_IP, WS_IP_MULTICAST_IF, IPPROTO_IP, IP_MULTICAST_IF, ValueFormat::kOther},
    {WS_IPPROTO_IP, WS_IP_MULTICAST_TTL, IPPROTO_IP, IP_MULTICAST_TTL, ValueFormat::kInt},
    {WS_IPPROTO_IP, WS_IP_MULTICAST_LOOP, IPPROTO_IP, IP_MULTICAST_LOOP, ValueFormat::kBool},
    // ip_mreq: the same 8 bytes on both sides.
    {WS_IPPROTO_IP, WS_IP_ADD_MEMBERSHIP, IPPROTO_IP, IP_ADD_MEMBERSHIP, ValueFormat::kIpMreq},
    {WS_IPPROTO_IP, WS_IP_DROP_MEMBERSHIP, IPPROTO_IP, IP_DROP_MEMBERSHIP, ValueFormat::kIpMreq},
    // kOther: ip_mreq_source has the source before the interface on Windows, after it on
    // Linux.
    {WS_IPPROTO_IP, WS_IP_ADD_SOURCE_MEMBERSHIP, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP,
     ValueFormat::kOther},
    {WS_IPPROTO_IP, WS_IP_DROP_SOURCE_MEMBERSHIP, IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP,
     ValueFormat::kOther},
    {WS_IPPROTO_IP, WS_IP_BLOCK_SOURCE, IPPROTO_IP, IP_BLOCK_SOURCE, ValueFormat::kOther},
    {WS_IPPROTO_IP, WS_IP_UNBLOCK_SOURCE, IPPROTO_IP, IP_UNBLOCK_SOURCE, ValueFormat::kOther},
    // Enables the IP_PKTINFO control message, whose data differs (Windows' in_pktinfo is 8
    // bytes, address first; Linux's 12, index first).
    {WS_IPPROTO_IP, WS_IP_PKTINFO, IPPROTO_IP, IP_PKTINFO, ValueFormat::kBool},
    // IP_RECVTTL shares its number (21) with IP_HOPLIMIT on Windows: one row.
    {WS_IPPROTO_IP, WS_IP_RECVTTL, IPPROTO_IP, IP_RECVTTL, ValueFormat::kBool},
    // IP_RECVTOS shares its number (40) with IP_RECVTCLASS on Windows: one row.
    {WS_IPPROTO_IP, WS_IP_RECVTOS, IPPROTO_IP, IP_RECVTOS, ValueFormat::kBool},
    // kOther: Windows' IP_PMTUDISC_* (NOT_SET 0, DO 1, DONT 2, PROBE 3) are not Linux's
    // (DONT 0, WANT 1, DO 2, PROBE 3).
    {WS_IPPROTO_IP, WS_IP_MTU_DISCOVER, IPPROTO_IP, IP_MTU_DISCOVER, ValueFormat::kOther},
    {WS_IPPROTO_IP, WS_IP_MTU, IPPROTO_IP, IP_MTU, ValueFormat::kInt},
    {WS_IPPROTO_IP, WS_IP_RECVERR, IPPROTO_IP, IP_RECVERR, ValueFormat::kBool},

    // IPPROTO_IPV6 (41 on both).
    {WS_IPPROTO_IPV6, WS_IPV6_HDRINCL, IPPROTO_IPV6, IPV6_HDRINCL, ValueFormat::kBool},
    {WS_IPPROTO_IPV6, WS_IPV6_UNICAST_HOPS, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ValueFormat::kInt},
    // An interface index (DWORD) on both sides.
    {WS_IPPROTO_IPV6, WS_IPV6_MULTICAST_IF, IPPROTO_IPV6, IPV6_MULTICAST_IF, ValueFormat::kInt},
    {WS_IPPROTO_IPV6, WS_IPV6_MULTICAST_HOPS, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
     ValueFormat::kInt},
    {WS_IPPROTO_IPV6, WS_IPV6_MULTICAST_LOOP, IPPROTO_IPV6, IPV6_MULTICAST_LOOP,
     ValueFormat::kBool},
    // ipv6_mreq: 20 bytes on both sides (an unsigned int index on Linux, a ULONG on Windows).
    {WS_IPPROTO_IPV6, WS_IPV6_ADD_MEMBERSHIP, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP,
     ValueFormat::kIpv6Mreq},
    {WS_IPPROTO_IPV6, WS_IPV6_DROP_MEMBERSHIP, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP,
     ValueFormat::kIpv6Mreq},
    {WS_IPPROTO_IPV6, WS_IPV6_DONTFRAG, IPPROTO_IPV6, IPV6_DONTFRAG, ValueFormat::kBool},
    // Windows' IPV6_PKTINFO turns the control message on (Linux: IPV6_RECVPKTINFO; Linux's
    // IPV6_PKTINFO is the sticky option and the message type).
    {WS_IPPROTO_IPV6, WS_IPV6_PKTINFO, IPPROTO_IPV6, IPV6_RECVPKTINFO, ValueFormat::kBool},
    // Windows' IPV6_HOPLIMIT turns the hop-limit message on (Linux: IPV6_RECVHOPLIMIT).
    {WS_IPPROTO_IPV6, WS_IPV6_HOPLIMIT, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, ValueFormat::kBool},
    {WS_IPPROTO_IPV6, WS_IPV6_CHECKSUM, IPPROTO_IPV6, IPV6_CHECKSUM, ValueFormat::kInt},
    // On by default on Windows, off on Linux: the provider sets it on every new IPv6 socket.
    {WS_IPPROTO_IPV6, WS_IPV6_V6ONLY, IPPROTO_IPV6, IPV6_V6ONLY, ValueFormat::kBool},
    {WS_IPPROTO_IPV6, WS_IPV6_TCLASS, IPPROTO_IPV6, IPV6_TCLASS, ValueFormat::kInt},
    {WS_IPPROTO_IPV6, WS_IPV6_RECVTCLASS, IPPROTO_IPV6, IPV6_RECVTCLASS, ValueFormat::kBool},
    // kOther: the IP_PMTUDISC_* values differ, as for IP_MTU_DISCOVER.
    {WS_IPPROTO_IPV6, WS_IPV6_MTU_DISCOVER, IPPROTO_IPV6, IPV6_MTU_DISCOVER, ValueFormat::kOther},
    {WS_IPPROTO_IPV6, WS_IPV6_MTU, IPPROTO_IPV6, IPV6_MTU, ValueFormat::kInt},
    {WS_IPPROTO_IPV6, WS_IPV6_RECVERR, IPPROTO_IPV6, IPV6_RECVERR, ValueFormat::kBool},
};

// ---- MSG_ flags ----------------------------------------------------------------------------
//
// kMsgIn rows convert the flags a caller passes to send/recv; kMsgOut rows the msg_flags Linux
// reports for a received message. Windows-only input flags (MSG_PARTIAL, MSG_INTERRUPT,
// MSG_PUSH_IMMEDIATE) have no row: MsgFlagsToUnix reports them as unsupported and the provider
// decides. MSG_BCAST / MSG_MCAST (WSARecvMsg output) have no Linux msg_flags counterpart.
//
// MSG_TRUNC on output is WS_MSG_TRUNC (WSARecvMsg reports it). Windows reports a truncated
// datagram of WSARecv/WSARecvFrom as the error WSAEMSGSIZE, and MSG_PARTIAL only from a
// provider with XP1_PARTIAL_MESSAGE, which MSAFD's UDP is not (WSPRecv's page): that choice
// belongs to the provider, this table only names the bit.

enum MsgDirection { kMsgIn = 1, kMsgOut = 2 };

struct MsgFlagRow {
  unsigned ws;
  int unix_value;
  int direction;
};

inline constexpr MsgFlagRow kMsgFlags[] = {
    {WS_MSG_OOB, MSG_OOB, kMsgIn | kMsgOut},
    {WS_MSG_PEEK, MSG_PEEK, kMsgIn},
    {WS_MSG_DONTROUTE, MSG_DONTROUTE, kMsgIn},
    {WS_MSG_WAITALL, MSG_WAITALL, kMsgIn},
    {WS_MSG_TRUNC, MSG_TRUNC, kMsgOut},
    {WS_MSG_CTRUNC, MSG_CTRUNC, kMsgOut},
    {WS_MSG_ERRQUEUE, MSG_ERRQUEUE, kMsgOut},
};

// ---- Control messages (WSARecvMsg, WSASendMsg) -------------------------------------------------
//
// The messages a received datagram can carry once the matching option is on, and the ones a
// sent datagram can carry. Data formats: in_pktinfo differs (Windows: address, ULONG index,
// 8 bytes; Linux: int index, spec_dst, address, 12 bytes); in6_pktinfo is address + index, 20
// bytes, on both; the IPv6 hop limit and traffic class are an INT on both. [inference] IPv4's
// TTL and TOS messages (IP_RECVTTL, IP_RECVTOS) are left out: which message type and data size
// Windows delivers for them is not documented clearly enough to copy.
//
// Sending: the pktinfo records only, the ones WSASendMsg's documentation names (in_pktinfo /
// in6_pktinfo: "the local source address ... and the interface on which the packet should be
// sent"). [inference] The hop limit and traffic class rows are receive-only: Windows documents
// them for WSARecvMsg, not for WSASendMsg, so a send with them is refused (WSAEINVAL) rather
// than given a meaning Windows may not have.

enum class CmsgData { kPktinfo4, kPktinfo6, kInt };
enum CmsgDirection { kCmsgReceive = 1, kCmsgSend = 2 };

struct CmsgRow {
  int unix_level;
  int unix_type;
  int ws_level;
  int ws_type;
  CmsgData data;
  int direction;  // CmsgDirection bits
};

inline constexpr CmsgRow kCmsgs[] = {
    {IPPROTO_IP, IP_PKTINFO, WS_IPPROTO_IP, WS_IP_PKTINFO, CmsgData::kPktinfo4,
     kCmsgReceive | kCmsgSend},
    {IPPROTO_IPV6, IPV6_PKTINFO, WS_IPPROTO_IPV6, WS_IPV6_PKTINFO, CmsgData::kPktinfo6,
     kCmsgReceive | kCmsgSend},
    {IPPROTO_IPV6, IPV6_HOPLIMIT, WS_IPPROTO_IPV6, WS_IPV6_HOPLIMIT, CmsgData::kInt, kCmsgReceive},
    {IPPROTO_IPV6, IPV6_TCLASS, WS_IPPROTO_IPV6, WS_IPV6_TCLASS, CmsgData::kInt, kCmsgReceive},
};

// ---- errno -> WSA error --------------------------------------------------------------------
//
// Where several errnos give one WSA error, the first row is the one ErrnoFromWsaError returns.
// Linux's EWOULDBLOCK is EAGAIN and ENOTSUP is EOPNOTSUPP (same numbers): one row each.

struct ErrnoRow {
  int unix_errno;
  int wsa_error;
};

inline constexpr ErrnoRow kErrnos[] = {
    {EINTR, WSAEINTR},
    {EBADF, WSAEBADF},
    {EACCES, WSAEACCES},
    {EPERM, WSAEACCES},
    {EFAULT, WSAEFAULT},
    {EINVAL, WSAEINVAL},
    {EMFILE, WSAEMFILE},
    {ENFILE, WSAEMFILE},
    {EAGAIN, WSAEWOULDBLOCK},
    // A non-blocking connect in progress: Windows says WSAEWOULDBLOCK for that, but EINPROGRESS
    // means it only there, so the provider maps that one case itself; elsewhere this row holds.
    {EINPROGRESS, WSAEINPROGRESS},
    {EALREADY, WSAEALREADY},
    {ENOTSOCK, WSAENOTSOCK},
    {EDESTADDRREQ, WSAEDESTADDRREQ},
    {EMSGSIZE, WSAEMSGSIZE},
    {EPROTOTYPE, WSAEPROTOTYPE},
    {ENOPROTOOPT, WSAENOPROTOOPT},
    {EPROTONOSUPPORT, WSAEPROTONOSUPPORT},
    {ESOCKTNOSUPPORT, WSAESOCKTNOSUPPORT},
    {EOPNOTSUPP, WSAEOPNOTSUPP},
    {ENOSYS, WSAEOPNOTSUPP},
    {EPFNOSUPPORT, WSAEPFNOSUPPORT},
    {EAFNOSUPPORT, WSAEAFNOSUPPORT},
    {EADDRINUSE, WSAEADDRINUSE},
    {EADDRNOTAVAIL, WSAEADDRNOTAVAIL},
    {ENETDOWN, WSAENETDOWN},
    {ENETUNREACH, WSAENETUNREACH},
    {ENETRESET, WSAENETRESET},
    {ECONNABORTED, WSAECONNABORTED},
    {ECONNRESET, WSAECONNRESET},
    {ENOBUFS, WSAENOBUFS},
    {ENOMEM, WSAENOBUFS},
    {EISCONN, WSAEISCONN},
    {ENOTCONN, WSAENOTCONN},
    {ESHUTDOWN, WSAESHUTDOWN},
    // A send after the local shutdown(SD_SEND): Windows' send page documents WSAESHUTDOWN.
    // Linux also gives EPIPE for a send after the peer's reset, where Windows says
    // WSAECONNRESET: the provider, which knows whether it shut the socket down, decides that.
    {EPIPE, WSAESHUTDOWN},
    {ETOOMANYREFS, WSAETOOMANYREFS},
    {ETIMEDOUT, WSAETIMEDOUT},
    {ECONNREFUSED, WSAECONNREFUSED},
    {ELOOP, WSAELOOP},
    {ENAMETOOLONG, WSAENAMETOOLONG},
    {EHOSTDOWN, WSAEHOSTDOWN},
    {EHOSTUNREACH, WSAEHOSTUNREACH},
    {ENOTEMPTY, WSAENOTEMPTY},
    {EUSERS, WSAEUSERS},
    {EDQUOT, WSAEDQUOT},
    {ESTALE, WSAESTALE},
    {EREMOTE, WSAEREMOTE},
    // io_uring's answer for a cancelled request: what Windows reports for I/O that
    // closesocket / CancelIo aborted.
    {ECANCELED, WSA_OPERATION_ABORTED},
};

// [inference] An errno the table does not know: WSASYSCALLFAILURE, Windows' "generic error
// code, returned under various conditions ... when a system call that should never fail does
// fail" (Windows Sockets Error Codes). WSAEINVAL would blame the caller's arguments.
inline constexpr int kUnknownErrnoWsaError = WSASYSCALLFAILURE;

}  // namespace ws2emu::net

#endif  // WS2EMU_LIB_NET_NET_TABLES_H_
