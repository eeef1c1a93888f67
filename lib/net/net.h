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
// null or `len` is shorter than the family's Windows size, WSAEAFNOSUPPORT for a family with no
// Linux counterpart. Fills *out and *out_len.
int SockaddrToUnix(const struct WS_sockaddr *ws, int len, struct sockaddr_storage *out,
                   socklen_t *out_len);

// A Linux sockaddr -> Windows, into `out` of *len bytes. Returns 0 or WSAEFAULT when *len is too
// small (then *len is set to the size needed and nothing is written), WSAEAFNOSUPPORT for a
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
// Linux msg_flags of a received message -> Windows.
unsigned MsgFlagsFromUnix(int unix_flags);

// errno -> WSA error (one table).
int WsaErrorFromErrno(int err);
// The reverse: the errno the table maps to that WSA error (the first one, when several map to
// it), 0 if none.
int ErrnoFromWsaError(int wsa_error);

// Textual addresses in Windows' formats (WSAAddressToString / WSAStringToAddress).
// AddressToString: 0 or WSAEFAULT (null/short address), WSAEINVAL (unknown family, or a length
// that does not match the family).
int AddressToString(const struct WS_sockaddr *address, int length, std::u16string *text);
// StringToAddress: parses `text` for `ws_family` (WS_AF_INET or WS_AF_INET6) into `out` of
// *length bytes (zeroed first, family set); 0, or WSAEINVAL for text that does not parse /
// unknown family, WSAEFAULT when *length is too small (then *length = the size needed). On
// success *length = the size used.
int StringToAddress(std::u16string_view text, int ws_family, struct WS_sockaddr *out, int *length);

}  // namespace ws2emu::net

#endif  // WS2EMU_LIB_NET_NET_H_
