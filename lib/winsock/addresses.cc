// Byte order and textual addresses: htonl/htons/ntohl/ntohs, inet_addr, inet_ntoa,
// inet_pton/InetPtonW, inet_ntop/InetNtopW. None of them needs WSAStartup on Windows (they
// touch no provider), so none checks it here.
//
// The rules are Windows' as Wine's ws2_32 tests record them from Windows runs (test_inet_addr,
// test_inet_pton, test_addr_to_print in dlls/ws2_32/tests/sock.c):
//
//   - inet_addr reads the text as RtlIpv4StringToAddressA with Strict = FALSE does ("a.b.c.d",
//     "a.b.c", "a.b", "a", each part decimal, octal with a leading 0 or hex with 0x) and accepts
//     the address when the text ends there or goes on with white space ("1.2.3.4 junk",
//     "1 2 3 4" is 1.0.0.0); anything else, "" included, is INADDR_NONE, and the last error is
//     left alone. A NULL string is INADDR_NONE with WSAEFAULT. The one string " " is 0
//     (INADDR_ANY), as on Windows, while "  ", "\t" and " 0" are INADDR_NONE.
//   - inet_pton (AF_INET) is strict: four decimal parts, no leading zeros, no hex; it returns 1
//     only when the text ends right after them. When the four parts parse but text follows
//     ("3.4.5.6 ", "1.1.1.0a") Windows has already written the address and returns 0: so here.
//     AF_INET6 reads RFC 4291 text without brackets, scope or port (RtlIpv6StringToAddressA).
//     NULL text or buffer: -1 and WSAEFAULT; another family: -1 and WSAEAFNOSUPPORT. A 0 leaves
//     the last error alone, except InetPtonW's, which sets WSAEINVAL.
//   - inet_ntop / InetNtopW print as RtlIpv4AddressToStringEx / RtlIpv6AddressToStringEx
//     (::ffff:1.2.3.4 for an IPv4-mapped address, "::" for the longest zero run); a family
//     other than AF_INET / AF_INET6 is WSAEAFNOSUPPORT. A NULL or short buffer (or zero size):
//     the documentation names ERROR_INVALID_PARAMETER, but Windows 10 sets the NTSTATUS of the
//     Rtl call, STATUS_INVALID_PARAMETER (0xC000000D), as its last error — Wine's tests show it
//     from Windows (WSAEINVAL on Windows 7). The runtime gives what Windows 10 gives.
#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "boundary/last_error.h"
#include "net/net.h"
#include "winsock/call.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {
namespace {

// What inet_ntop's Rtl*AddressToStringEx call reports for a NULL or short buffer, and what
// Windows 10 leaves as the last error.
constexpr uint32_t kStatusInvalidParameter = 0xC000000Du;

// The C locale's isspace, which is what ends an inet_addr text on Windows (Wine's test walks
// every byte after "1.2.3": the white-space ones give 1.2.0.3, all others INADDR_NONE).
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// ASCII text to the UTF-16 the lib/net parsers take; a byte above 0x7f stays a character no
// parser accepts.
std::u16string Widen(std::string_view text) {
  std::u16string wide;
  wide.reserve(text.size());
  for (char c : text) wide.push_back(static_cast<unsigned char>(c));
  return wide;
}

// RtlIpv4StringToAddressA with Strict = TRUE: exactly four decimal parts of at most 255, a "0"
// only alone (no octal, no hex). True when they parse, with *end the index of the first
// character after them; a '.' after the fourth part fails (Windows leaves the buffer alone for
// "3.4.5.6.7").
bool ParseIpv4Strict(std::string_view text, uint8_t (&bytes)[4], size_t *end) {
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part != 0) {
      if (pos >= text.size() || text[pos] != '.') return false;
      ++pos;
    }
    size_t start = pos;
    unsigned value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      // A leading zero followed by another digit (octal) or an 'x' (hex) is not strict.
      if (pos == start + 1 && text[start] == '0') return false;
      value = value * 10 + (text[pos] - '0');
      if (value > 255) return false;
      ++pos;
    }
    if (pos == start) return false;
    if (text[start] == '0' && pos < text.size() && (text[pos] == 'x' || text[pos] == 'X')) {
      return false;
    }
    bytes[part] = static_cast<uint8_t>(value);
  }
  if (pos < text.size() && text[pos] == '.') return false;
  *end = pos;
  return true;
}

// inet_pton's work for a valid family and non-null arguments: 1, or 0 (text that does not
// parse; for AF_INET the address may have been written, as above).
int PtonText(int family, std::string_view text, void *buffer) {
  if (family == WS_AF_INET) {
    uint8_t bytes[4];
    size_t end = 0;
    if (!ParseIpv4Strict(text, bytes, &end)) return 0;
    std::memcpy(buffer, bytes, 4);
    return end == text.size() ? 1 : 0;
  }
  // lib/net reads RtlIpv6StringToAddressEx's text; inet_pton's has no brackets, scope or port.
  if (text.find_first_of("[]%") != std::string_view::npos) return 0;
  struct WS_sockaddr_in6 in6;
  int length = sizeof(in6);
  if (net::StringToAddress(Widen(text), WS_AF_INET6,
                           reinterpret_cast<struct WS_sockaddr *>(&in6), &length) != 0) {
    return 0;
  }
  std::memcpy(buffer, &in6.sin6_addr, 16);
  return 1;
}

// inet_ntop's text for `family` (checked by the caller) at `address`, through lib/net's
// WSAAddressToString formatter with port and scope 0 (then it prints the bare address).
// 0, or WSAENOBUFS when the text could not be allocated.
int NtopText(int family, const void *address, std::string *text) {
  union {
    struct WS_sockaddr sa;
    struct WS_sockaddr_in in;
    struct WS_sockaddr_in6 in6;
  } sa;
  std::memset(&sa, 0, sizeof(sa));
  int length;
  if (family == WS_AF_INET) {
    sa.in.sin_family = WS_AF_INET;
    std::memcpy(&sa.in.sin_addr, address, 4);
    length = sizeof(sa.in);
  } else {
    sa.in6.sin6_family = WS_AF_INET6;
    std::memcpy(&sa.in6.sin6_addr, address, 16);
    length = sizeof(sa.in6);
  }
  std::u16string wide;
  int error = net::AddressToString(&sa.sa, length, &wide);
  if (error != 0) return error;
  try {
    text->assign(wide.begin(), wide.end());  // ASCII
  } catch (const std::bad_alloc &) {
    return WSAENOBUFS;
  }
  return 0;
}

// The checks inet_ntop and InetNtopW share, in Windows' order (a NULL buffer before the
// family, as Wine's Windows-run tests show). 0 or the error to set.
uint32_t NtopCheck(int family, const void *address, const void *buffer, size_t size) {
  if (buffer == nullptr) return kStatusInvalidParameter;
  if (family != WS_AF_INET && family != WS_AF_INET6) return WSAEAFNOSUPPORT;
  if (address == nullptr || size == 0) return kStatusInvalidParameter;
  return 0;
}

thread_local char t_ntoa_buffer[16];

}  // namespace
}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

WS_u_long WSAAPI ws2emu_htonl(WS_u_long hostlong) { return htonl(hostlong); }
WS_u_short WSAAPI ws2emu_htons(WS_u_short hostshort) { return htons(hostshort); }
WS_u_long WSAAPI ws2emu_ntohl(WS_u_long netlong) { return ntohl(netlong); }
WS_u_short WSAAPI ws2emu_ntohs(WS_u_short netshort) { return ntohs(netshort); }

WS_u_long WSAAPI ws2emu_inet_addr(const char *cp) {
  if (cp == nullptr) return FailWith(WSAEFAULT, static_cast<WS_u_long>(WS_INADDR_NONE));
  std::string_view text(cp);
  if (text == " ") return WS_INADDR_ANY;  // Windows' one exception; see the top of the file
  // The address is what comes before the first white space; RtlIpv4StringToAddressA would stop
  // there, and inet_addr accepts a stop at white space. lib/net's reader is the non-strict one
  // (WSAStringToAddress's); inet_addr takes no ":port".
  size_t end = 0;
  while (end < text.size() && !IsSpace(text[end])) ++end;
  std::string_view address = text.substr(0, end);
  if (address.empty() || address.find(':') != std::string_view::npos) return WS_INADDR_NONE;
  struct WS_sockaddr_in in;
  int length = sizeof(in);
  if (net::StringToAddress(Widen(address), WS_AF_INET, reinterpret_cast<struct WS_sockaddr *>(&in),
                           &length) != 0) {
    return WS_INADDR_NONE;
  }
  return in.sin_addr.S_un.S_addr;
}

char *WSAAPI ws2emu_inet_ntoa(struct WS_in_addr in) {
  // Windows keeps the text in a per-thread buffer, valid until the thread's next Winsock call.
  const auto *b = reinterpret_cast<const unsigned char *>(&in);
  char *out = t_ntoa_buffer;
  char *p = out;
  for (int i = 0; i < 4; ++i) {
    if (i != 0) *p++ = '.';
    unsigned v = b[i];
    if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
    if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
    *p++ = static_cast<char>('0' + v % 10);
  }
  *p = '\0';
  return out;
}

INT WSAAPI ws2emu_inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf) {
  if (pszAddrString == nullptr || pAddrBuf == nullptr) return FailWith(WSAEFAULT, -1);
  if (Family != WS_AF_INET && Family != WS_AF_INET6) return FailWith(WSAEAFNOSUPPORT, -1);
  return PtonText(Family, pszAddrString, pAddrBuf);
}

INT WSAAPI InetPtonW(INT Family, PCWSTR pszAddrString, PVOID pAddrBuf) {
  if (pszAddrString == nullptr || pAddrBuf == nullptr) return FailWith(WSAEFAULT, -1);
  if (Family != WS_AF_INET && Family != WS_AF_INET6) return FailWith(WSAEAFNOSUPPORT, -1);
  // Narrowed as the A call sees it; a character above 0x7f becomes one no parser accepts.
  std::string text;
  try {
    for (const WCHAR *p = pszAddrString; *p != 0; ++p) {
      text.push_back(*p < 0x80 ? static_cast<char>(*p) : '\x80');
    }
  } catch (const std::bad_alloc &) {
    return FailWith(WSA_NOT_ENOUGH_MEMORY, -1);
  }
  int rc = PtonText(Family, text, pAddrBuf);
  // Windows' InetPtonW sets WSAEINVAL with its 0 (Wine's tests); inet_pton does not.
  if (rc == 0) SetThreadLastError(WSAEINVAL);
  return rc;
}

PCSTR WSAAPI ws2emu_inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf,
                              size_t StringBufSize) {
  if (uint32_t error = NtopCheck(Family, pAddr, pStringBuf, StringBufSize); error != 0) {
    return FailWith<PCSTR>(static_cast<int>(error), nullptr);
  }
  std::string text;
  if (int error = NtopText(Family, pAddr, &text); error != 0) {
    return FailWith<PCSTR>(error, nullptr);
  }
  if (StringBufSize < text.size() + 1) {
    return FailWith<PCSTR>(static_cast<int>(kStatusInvalidParameter), nullptr);
  }
  std::memcpy(pStringBuf, text.c_str(), text.size() + 1);
  return pStringBuf;
}

PCWSTR WSAAPI InetNtopW(INT Family, const VOID *pAddr, PWSTR pStringBuf, size_t StringBufSize) {
  if (uint32_t error = NtopCheck(Family, pAddr, pStringBuf, StringBufSize); error != 0) {
    return FailWith<PCWSTR>(static_cast<int>(error), nullptr);
  }
  std::string text;
  if (int error = NtopText(Family, pAddr, &text); error != 0) {
    return FailWith<PCWSTR>(error, nullptr);
  }
  // StringBufSize counts characters here.
  if (StringBufSize < text.size() + 1) {
    return FailWith<PCWSTR>(static_cast<int>(kStatusInvalidParameter), nullptr);
  }
  for (size_t i = 0; i <= text.size(); ++i) pStringBuf[i] = static_cast<WCHAR>(text.c_str()[i]);
  return pStringBuf;
}

}  // extern "C"
