// lib/net: the conversions between Windows sockets and Linux sockets that the built-in base
// provider needs, each a table of (Windows, Linux) pairs kept in one place (net.cc) so that both
// directions come from the same rows and the tests can walk every row both ways.
//
//   - address families and socket types,
//   - sockaddr layouts (Windows' AF_INET6 is 23, Linux's 10; the same 16/28-byte layouts
//     otherwise),
//   - socket option levels and names, with the value format the caller has to convert,
//   - MSG_* flags, both ways,
//   - errno -> WSAE* (and back, for the tests and any Linux-facing caller),
//   - textual addresses in WSAAddressToString / WSAStringToAddress formats.
//
// Nothing here does I/O or keeps state: every function is a pure conversion, safe from any
// thread. Errors are WSA error codes (winsock_errors.h), the ones the WSP functions hand back.
#ifndef WS2EMU_LIB_NET_NET_H_
#define WS2EMU_LIB_NET_NET_H_

#ifndef WS2EMU_WS_PREFIX
#error "lib/net/net.h needs WS2EMU_WS_PREFIX: it names Linux's sockaddr beside Windows' WS_sockaddr"
#endif

#include <sys/socket.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "ws2emu/ws2spi.h"

namespace ws2emu::net {

// Address families: WS_AF_INET <-> AF_INET, WS_AF_INET6 (23) <-> AF_INET6 (10), WS_AF_UNSPEC <->
// AF_UNSPEC. -1 when there is no counterpart.
int FamilyToUnix(int ws_family);
int FamilyFromUnix(int family);

// Socket types (WS_SOCK_STREAM..WS_SOCK_SEQPACKET); -1 when none.
int SockTypeToUnix(int ws_type);
int SockTypeFromUnix(int type);

// A Windows sockaddr of `len` bytes -> Linux. Returns 0 or a WSA error: WSAEFAULT when `ws` is
// null or `len` is shorter than the family's Windows size (16 for AF_INET; 24 for AF_INET6,
// the SOCKADDR_IN6_OLD layout without a scope id, read as scope 0 — [inference], see net.cc),
// WSAEAFNOSUPPORT for a family with no Linux address layout (AF_UNSPEC included). Fills *out
// and *out_len. Longer buffers (a SOCKADDR_STORAGE) are fine.
int SockaddrToUnix(const struct WS_sockaddr *ws, int len, struct sockaddr_storage *out,
                   socklen_t *out_len);

// A Linux sockaddr -> Windows, into `out` of *len bytes. Returns 0 or WSAEFAULT when *len is too
// small (then *len is set to the size needed and nothing is written; also for a null `out`,
// `len` or `unix_addr`, or a `unix_len` short of its family's size), WSAEAFNOSUPPORT for a
// family with no Windows counterpart. On success *len = the Windows size written (16 / 28).
int SockaddrFromUnix(const struct sockaddr *unix_addr, socklen_t unix_len, struct WS_sockaddr *out,
                     int *len);

// The Windows size of a sockaddr of this Windows family (16, 28), 0 if unknown.
int SockaddrSize(int ws_family);

// Option levels and names: a Windows (level, name) -> Linux (level, name); false when Linux has
// no direct counterpart (the caller, the base provider, handles Windows-only options such as
// SO_EXCLUSIVEADDRUSE, SO_CONNECT_TIME, SO_PROTOCOL_INFOW, SO_DONTLINGER itself). `format` says
// how the option's value differs between the two sides, for the caller to switch on.
enum class ValueFormat { kInt, kBool, kMillisecondsTimeval, kLinger, kIpMreq, kIpv6Mreq, kOther };
struct OptionMapping {
  int unix_level;
  int unix_name;
  ValueFormat format;
};
bool OptionToUnix(int ws_level, int ws_name, OptionMapping *out);
bool OptionFromUnix(int unix_level, int unix_name, int *ws_level, int *ws_name);

// MSG_* flags: Windows -> Linux. Returns false (and sets *unsupported to the bits) when
// `ws_flags` has bits with no Linux counterpart (MSG_PARTIAL, MSG_INTERRUPT, MSG_PUSH_IMMEDIATE:
// the provider decides).
bool MsgFlagsToUnix(unsigned ws_flags, int *unix_flags, unsigned *unsupported);
// Linux msg_flags of a received message -> Windows: MSG_TRUNC -> WS_MSG_TRUNC, MSG_CTRUNC ->
// WS_MSG_CTRUNC, MSG_OOB, MSG_ERRQUEUE; Linux-only bits are dropped. Not MSG_PARTIAL: WSPRecv's
// page gives MSG_PARTIAL only from a provider with XP1_PARTIAL_MESSAGE (MSAFD's UDP has not),
// and a truncated datagram there is the error WSAEMSGSIZE, which the provider reports.
unsigned MsgFlagsFromUnix(int unix_flags);

// Control messages of a received message (WSARecvMsg's WSAMSG.Control): converts each Linux
// cmsg of `msg` that has a Windows counterpart (IP_PKTINFO, IPV6_PKTINFO, IPV6_HOPLIMIT,
// IPV6_TCLASS) into `out`, `out_size` bytes, in Windows' WSACMSGHDR layout and WSA_CMSG_
// alignment; messages without one are skipped. Returns the bytes used (for Control.len) and
// sets *truncated when a message did not fit (the caller reports MSG_CTRUNC, as Windows
// does). `out` may be null when `out_size` is 0.
size_t ControlMessagesFromUnix(const struct msghdr *msg, void *out, size_t out_size,
                               bool *truncated);
// Control messages of a message to send (WSASendMsg's WSAMSG.Control), the reverse: converts
// each Windows record of `ws` (`ws_size` bytes, WSACMSGHDR layout, walked as WSA_CMSG_NXTHDR
// walks it) into a Linux cmsg in `out` (`out_size` bytes), for msg_control; *out_used (not
// null) gets msg_controllen. Sendable: IP_PKTINFO and IPV6_PKTINFO (the source address and
// interface to send from). Returns 0, or:
//   - WSAEFAULT: `ws` (or `out`) null with a non-zero size, or `out_used` null;
//   - WSAEINVAL: a record whose cmsg_len is shorter than its header or runs past `ws_size`, a
//     level/type that cannot be sent, data shorter than its type's structure, or bytes after
//     the last record's padding that are too few for a header (a truncated buffer);
//   - WSAENOBUFS: the Linux records need more than `out_size` bytes.
// On an error *out_used is 0 and `out` may have been written. `ws_size` 0: none, 0 bytes.
// [inference] Windows documents WSAEINVAL for an invalid argument; which one its send path
// gives for each malformed record is not documented. Bytes after the last record that lie
// within its WSA_CMSGHDR_ALIGN padding (a length that omits the padding, or includes it) are
// accepted, as WSA_CMSG_NXTHDR reads them.
int ControlMessagesToUnix(const void *ws, size_t ws_size, void *out, size_t out_size,
                          size_t *out_used);

// errno -> WSA error (one table). 0 -> 0. EINPROGRESS -> WSAEINPROGRESS: a non-blocking
// connect's WSAEWOULDBLOCK is the provider's mapping of that one case. EPIPE -> WSAESHUTDOWN.
// An errno the table lacks -> WSASYSCALLFAILURE ([inference], net_tables.h says why).
int WsaErrorFromErrno(int err);
// The reverse: the errno the table maps to that WSA error (the first one, when several map to
// it), 0 if none.
int ErrnoFromWsaError(int wsa_error);

// Textual addresses in Windows' formats (WSAAddressToString / WSAStringToAddress).
// AddressToString: 0, WSAEINVAL (null address, a length too short for the family, an unknown
// family), WSAEFAULT (null `text`), WSAENOBUFS (no memory for the text). [Adjusted from the
// first draft, which had WSAEFAULT for a null or short address: WSAAddressToString's page says
// a NULL lpsaAddress or dwAddressLength gives WSAEINVAL, and WSPAddressToString's keeps
// WSAEFAULT for the output buffer alone.] The text follows RtlIpv6AddressToStringEx /
// RtlIpv4AddressToStringEx: "1.2.3.4", "1.2.3.4:80", "::1", "fe80::1%3", "[fe80::1%3]:80"
// (the port only when non-zero, the scope only when non-zero, flowinfo never).
int AddressToString(const struct WS_sockaddr *address, int length, std::u16string *text);
// StringToAddress: parses `text` for `ws_family` (WS_AF_INET or WS_AF_INET6) into `out` of
// *length bytes (zeroed first, family set); 0, or WSAEINVAL for text that does not parse /
// unknown family, WSAEFAULT when *length is too small (then *length = the size needed) or
// `length` is null. On success *length = the size used. IPv4 as RtlIpv4StringToAddressEx
// with Strict = FALSE reads it ("1.2.3.4", "127.1", "0x7f.0.0.1", ":port" in any base,
// 1..65535); IPv6 as RtlIpv6StringToAddressEx ("::1", "fe80::1%3", "[fe80::1%3]:80").
// [inference] WSPStringToAddress's page allows AF_UNSPEC "if unknown", but which family wins
// for text both could read is not documented (ws2_32 routes by family and has no AF_UNSPEC
// provider): AF_UNSPEC is WSAEINVAL here, like any family other than the two.
int StringToAddress(std::u16string_view text, int ws_family, struct WS_sockaddr *out, int *length);

}  // namespace ws2emu::net

#endif  // WS2EMU_LIB_NET_NET_H_
