#include "net/net.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "net/net_tables.h"

namespace ws2emu::net {
namespace {

template <size_t N>
int ToUnix(const IntPair (&table)[N], int ws) {
  for (const IntPair &row : table) {
    if (row.ws == ws) return row.unix_value;
  }
  return -1;
}

template <size_t N>
int FromUnix(const IntPair (&table)[N], int unix_value) {
  for (const IntPair &row : table) {
    if (row.unix_value == unix_value) return row.ws;
  }
  return -1;
}

// The size of the leading family field, the least a sockaddr can be and still say what it is.
constexpr int kFamilyFieldSize = sizeof(ADDRESS_FAMILY);

// [inference] ws2ipdef.h keeps SOCKADDR_IN6_OLD, the RFC 2133 layout of 24 bytes without
// sin6_scope_id, and Wine (whose socket tests run on Windows) accepts it as an IPv6 address
// with scope 0. Microsoft's WSPBind/WSPConnect pages only say that a too-small namelen is
// WSAEFAULT without naming the minimum, so 24 is taken as the least an IPv6 sockaddr can be.
constexpr int kSockaddrIn6OldSize = 24;
static_assert(offsetof(struct WS_sockaddr_in6, sin6_scope_id) == kSockaddrIn6OldSize);

}  // namespace

int FamilyToUnix(int ws_family) { return ToUnix(kFamilies, ws_family); }
int FamilyFromUnix(int family) { return FromUnix(kFamilies, family); }
int SockTypeToUnix(int ws_type) { return ToUnix(kSockTypes, ws_type); }
int SockTypeFromUnix(int type) { return FromUnix(kSockTypes, type); }

int SockaddrSize(int ws_family) {
  switch (ws_family) {
    case WS_AF_INET:
      return sizeof(struct WS_sockaddr_in);
    case WS_AF_INET6:
      return sizeof(struct WS_sockaddr_in6);
    default:
      return 0;
  }
}

// ---- sockaddr ----------------------------------------------------------------------------------

int SockaddrToUnix(const struct WS_sockaddr *ws, int len, struct sockaddr_storage *out,
                   socklen_t *out_len) {
  if (ws == nullptr || out == nullptr || out_len == nullptr || len < kFamilyFieldSize) {
    return WSAEFAULT;
  }
  // The caller's memory is read field by field through memcpy: a Windows sockaddr need not be
  // aligned for its family's struct.
  ADDRESS_FAMILY family;
  std::memcpy(&family, ws, sizeof(family));
  switch (family) {
    case WS_AF_INET: {
      if (len < static_cast<int>(sizeof(struct WS_sockaddr_in))) return WSAEFAULT;
      struct WS_sockaddr_in in;
      std::memcpy(&in, ws, sizeof(in));
      struct sockaddr_in u;
      std::memset(&u, 0, sizeof(u));
      u.sin_family = AF_INET;
      u.sin_port = in.sin_port;  // network order on both sides
      std::memcpy(&u.sin_addr, &in.sin_addr, sizeof(u.sin_addr));
      std::memset(out, 0, sizeof(*out));
      std::memcpy(out, &u, sizeof(u));
      *out_len = sizeof(u);
      return 0;
    }
    case WS_AF_INET6: {
      if (len < kSockaddrIn6OldSize) return WSAEFAULT;
      struct WS_sockaddr_in6 in6;
      std::memset(&in6, 0, sizeof(in6));
      std::memcpy(&in6, ws, len < static_cast<int>(sizeof(in6)) ? kSockaddrIn6OldSize : sizeof(in6));
      struct sockaddr_in6 u;
      std::memset(&u, 0, sizeof(u));
      u.sin6_family = AF_INET6;
      u.sin6_port = in6.sin6_port;
      u.sin6_flowinfo = in6.sin6_flowinfo;  // both in network order, passed through untouched
      std::memcpy(&u.sin6_addr, &in6.sin6_addr, sizeof(u.sin6_addr));
      u.sin6_scope_id = in6.sin6_scope_id;  // 0 for the 24-byte layout (zeroed above)
      std::memset(out, 0, sizeof(*out));
      std::memcpy(out, &u, sizeof(u));
      *out_len = sizeof(u);
      return 0;
    }
    default:
      // AF_UNSPEC has a Linux counterpart as a family but no address layout to convert.
      return WSAEAFNOSUPPORT;
  }
}

int SockaddrFromUnix(const struct sockaddr *unix_addr, socklen_t unix_len, struct WS_sockaddr *out,
                     int *len) {
  if (unix_addr == nullptr || len == nullptr ||
      unix_len < static_cast<socklen_t>(sizeof(sa_family_t))) {
    return WSAEFAULT;
  }
  sa_family_t family;
  std::memcpy(&family, unix_addr, sizeof(family));
  switch (family) {
    case AF_INET: {
      if (unix_len < static_cast<socklen_t>(sizeof(struct sockaddr_in))) return WSAEFAULT;
      constexpr int kNeed = sizeof(struct WS_sockaddr_in);
      if (*len < kNeed || out == nullptr) {
        *len = kNeed;
        return WSAEFAULT;
      }
      struct sockaddr_in u;
      std::memcpy(&u, unix_addr, sizeof(u));
      struct WS_sockaddr_in in;
      std::memset(&in, 0, sizeof(in));
      in.sin_family = WS_AF_INET;
      in.sin_port = u.sin_port;
      std::memcpy(&in.sin_addr, &u.sin_addr, sizeof(in.sin_addr));
      std::memcpy(out, &in, sizeof(in));
      *len = kNeed;
      return 0;
    }
    case AF_INET6: {
      if (unix_len < static_cast<socklen_t>(sizeof(struct sockaddr_in6))) return WSAEFAULT;
      constexpr int kNeed = sizeof(struct WS_sockaddr_in6);
      if (*len < kNeed || out == nullptr) {
        *len = kNeed;
        return WSAEFAULT;
      }
      struct sockaddr_in6 u;
      std::memcpy(&u, unix_addr, sizeof(u));
      struct WS_sockaddr_in6 in6;
      std::memset(&in6, 0, sizeof(in6));
      in6.sin6_family = WS_AF_INET6;
      in6.sin6_port = u.sin6_port;
      in6.sin6_flowinfo = u.sin6_flowinfo;
      std::memcpy(&in6.sin6_addr, &u.sin6_addr, sizeof(in6.sin6_addr));
      in6.sin6_scope_id = u.sin6_scope_id;
      std::memcpy(out, &in6, sizeof(in6));
      *len = kNeed;
      return 0;
    }
    default:
      return WSAEAFNOSUPPORT;
  }
}

// ---- Socket options ----------------------------------------------------------------------------

bool OptionToUnix(int ws_level, int ws_name, OptionMapping *out) {
  if (out == nullptr) return false;
  for (const OptionRow &row : kOptions) {
    if (row.ws_level == ws_level && row.ws_name == ws_name) {
      *out = OptionMapping{row.unix_level, row.unix_name, row.format};
      return true;
    }
  }
  return false;
}

bool OptionFromUnix(int unix_level, int unix_name, int *ws_level, int *ws_name) {
  if (ws_level == nullptr || ws_name == nullptr) return false;
  for (const OptionRow &row : kOptions) {
    if (row.unix_level == unix_level && row.unix_name == unix_name) {
      *ws_level = row.ws_level;
      *ws_name = row.ws_name;
      return true;
    }
  }
  return false;
}

// ---- MSG_ flags -------------------------------------------------------------------------------

bool MsgFlagsToUnix(unsigned ws_flags, int *unix_flags, unsigned *unsupported) {
  int result = 0;
  unsigned left = ws_flags;
  for (const MsgFlagRow &row : kMsgFlags) {
    if ((row.direction & kMsgIn) != 0 && (ws_flags & row.ws) != 0) {
      result |= row.unix_value;
      left &= ~row.ws;
    }
  }
  if (unix_flags != nullptr) *unix_flags = result;
  if (unsupported != nullptr) *unsupported = left;
  return left == 0;
}

unsigned MsgFlagsFromUnix(int unix_flags) {
  unsigned result = 0;
  for (const MsgFlagRow &row : kMsgFlags) {
    if ((row.direction & kMsgOut) != 0 && (unix_flags & row.unix_value) != 0) result |= row.ws;
  }
  return result;
}

// ---- Control messages ------------------------------------------------------------------------

size_t ControlMessagesFromUnix(const struct msghdr *msg, void *out, size_t out_size,
                               bool *truncated) {
  if (truncated != nullptr) *truncated = false;
  if (msg == nullptr || (out == nullptr && out_size != 0)) return 0;
  auto *dest = static_cast<uint8_t *>(out);
  size_t used = 0;
  auto *m = const_cast<struct msghdr *>(msg);  // CMSG_NXTHDR takes a non-const msghdr
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != nullptr; c = CMSG_NXTHDR(m, c)) {
    const CmsgRow *row = nullptr;
    for (const CmsgRow &r : kCmsgs) {
      if ((r.direction & kCmsgReceive) != 0 && r.unix_level == c->cmsg_level &&
          r.unix_type == c->cmsg_type) {
        row = &r;
      }
    }
    if (row == nullptr) continue;
    size_t unix_data = c->cmsg_len >= CMSG_LEN(0) ? c->cmsg_len - CMSG_LEN(0) : 0;
    uint8_t data[sizeof(struct WS_in6_pktinfo)];
    size_t data_len = 0;
    switch (row->data) {
      case CmsgData::kPktinfo4: {
        struct in_pktinfo u;
        if (unix_data < sizeof(u)) continue;  // a short message from the kernel: skipped
        std::memcpy(&u, CMSG_DATA(c), sizeof(u));
        struct WS_in_pktinfo w;
        std::memset(&w, 0, sizeof(w));
        std::memcpy(&w.ipi_addr, &u.ipi_addr, 4);  // the datagram's destination address
        w.ipi_ifindex = static_cast<ULONG>(u.ipi_ifindex);
        std::memcpy(data, &w, sizeof(w));
        data_len = sizeof(w);
        break;
      }
      case CmsgData::kPktinfo6: {
        struct in6_pktinfo u;
        if (unix_data < sizeof(u)) continue;
        std::memcpy(&u, CMSG_DATA(c), sizeof(u));
        struct WS_in6_pktinfo w;
        std::memset(&w, 0, sizeof(w));
        std::memcpy(&w.ipi6_addr, &u.ipi6_addr, 16);
        w.ipi6_ifindex = static_cast<ULONG>(u.ipi6_ifindex);
        std::memcpy(data, &w, sizeof(w));
        data_len = sizeof(w);
        break;
      }
      case CmsgData::kInt: {
        int v;
        if (unix_data < sizeof(v)) continue;
        std::memcpy(&v, CMSG_DATA(c), sizeof(v));
        INT w = v;
        std::memcpy(data, &w, sizeof(w));
        data_len = sizeof(w);
        break;
      }
    }
    size_t header_and_data = WSA_CMSG_LEN(data_len);
    size_t space = WSA_CMSG_SPACE(data_len);
    if (out_size - used < header_and_data) {
      if (truncated != nullptr) *truncated = true;
      break;
    }
    WSACMSGHDR h;
    h.cmsg_len = header_and_data;
    h.cmsg_level = row->ws_level;
    h.cmsg_type = row->ws_type;
    std::memcpy(dest + used, &h, sizeof(h));
    std::memcpy(dest + used + WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)), data, data_len);
    // The padding up to the next header is zeroed where the buffer has room for it.
    size_t padded = space < out_size - used ? space : out_size - used;
    std::memset(dest + used + header_and_data, 0, padded - header_and_data);
    used += padded;
  }
  return used;
}

int ControlMessagesToUnix(const void *ws, size_t ws_size, void *out, size_t out_size,
                          size_t *out_used) {
  if (out_used == nullptr || (ws == nullptr && ws_size != 0) || (out == nullptr && out_size != 0)) {
    return WSAEFAULT;
  }
  *out_used = 0;
  const auto *p = static_cast<const uint8_t *>(ws);
  auto *dest = static_cast<uint8_t *>(out);
  size_t offset = 0, used = 0;
  constexpr size_t kWsData = WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR));  // the data's offset
  while (offset < ws_size) {
    // A record starts here: its header must be whole (else the buffer was cut short).
    if (ws_size - offset < sizeof(WSACMSGHDR)) return WSAEINVAL;
    WSACMSGHDR h;
    std::memcpy(&h, p + offset, sizeof(h));
    if (h.cmsg_len < kWsData || h.cmsg_len > ws_size - offset) return WSAEINVAL;
    const CmsgRow *row = nullptr;
    for (const CmsgRow &r : kCmsgs) {
      if ((r.direction & kCmsgSend) != 0 && r.ws_level == h.cmsg_level &&
          r.ws_type == h.cmsg_type) {
        row = &r;
      }
    }
    if (row == nullptr) return WSAEINVAL;
    const uint8_t *data = p + offset + kWsData;
    const size_t data_len = h.cmsg_len - kWsData;
    uint8_t unix_data[sizeof(struct in6_pktinfo)];
    size_t unix_len = 0;
    switch (row->data) {
      case CmsgData::kPktinfo4: {
        struct WS_in_pktinfo w;
        if (data_len < sizeof(w)) return WSAEINVAL;
        std::memcpy(&w, data, sizeof(w));
        // Linux sends from ipi_spec_dst (and out of ipi_ifindex when non-zero); it ignores
        // ipi_addr on send, which gets the same address, so the record reads back
        // (ControlMessagesFromUnix) as the Windows one it came from.
        struct in_pktinfo u;
        std::memset(&u, 0, sizeof(u));
        u.ipi_ifindex = static_cast<int>(w.ipi_ifindex);
        std::memcpy(&u.ipi_spec_dst, &w.ipi_addr, 4);
        std::memcpy(&u.ipi_addr, &w.ipi_addr, 4);
        std::memcpy(unix_data, &u, sizeof(u));
        unix_len = sizeof(u);
        break;
      }
      case CmsgData::kPktinfo6: {
        struct WS_in6_pktinfo w;
        if (data_len < sizeof(w)) return WSAEINVAL;
        std::memcpy(&w, data, sizeof(w));
        struct in6_pktinfo u;
        std::memset(&u, 0, sizeof(u));
        std::memcpy(&u.ipi6_addr, &w.ipi6_addr, 16);
        u.ipi6_ifindex = static_cast<unsigned>(w.ipi6_ifindex);
        std::memcpy(unix_data, &u, sizeof(u));
        unix_len = sizeof(u);
        break;
      }
      case CmsgData::kInt: {
        INT w;
        if (data_len < sizeof(w)) return WSAEINVAL;
        std::memcpy(&w, data, sizeof(w));
        int u = w;
        std::memcpy(unix_data, &u, sizeof(u));
        unix_len = sizeof(u);
        break;
      }
    }
    const size_t space = CMSG_SPACE(unix_len);
    if (out_size - used < space) return WSAENOBUFS;
    struct cmsghdr c;
    std::memset(&c, 0, sizeof(c));
    c.cmsg_len = CMSG_LEN(unix_len);
    c.cmsg_level = row->unix_level;
    c.cmsg_type = row->unix_type;
    std::memset(dest + used, 0, space);
    std::memcpy(dest + used, &c, sizeof(c));
    std::memcpy(dest + used + CMSG_LEN(0), unix_data, unix_len);
    used += space;
    // The next record, after this one's padding; a length that stops inside the padding ends
    // the buffer (offset passes ws_size).
    offset += WSA_CMSGHDR_ALIGN(h.cmsg_len);
  }
  *out_used = used;
  return 0;
}

// ---- errno -------------------------------------------------------------------------------------

int WsaErrorFromErrno(int err) {
  if (err == 0) return 0;
  for (const ErrnoRow &row : kErrnos) {
    if (row.unix_errno == err) return row.wsa_error;
  }
  return kUnknownErrnoWsaError;
}

int ErrnoFromWsaError(int wsa_error) {
  for (const ErrnoRow &row : kErrnos) {
    if (row.wsa_error == wsa_error) return row.unix_errno;
  }
  return 0;
}

// ---- Textual addresses -----------------------------------------------------------------------

namespace {

// The 16-bit group i of an IPv6 address, in host order.
uint16_t Group(const uint8_t (&bytes)[16], int i) {
  return static_cast<uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
}

void AppendDecimal(uint32_t value, std::string *text) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) text->push_back(digits[--n]);
}

void AppendHexGroup(uint16_t value, std::string *text) {
  static constexpr char kHex[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    int digit = (value >> shift) & 0xf;
    if (digit != 0 || started || shift == 0) {
      text->push_back(kHex[digit]);
      started = true;
    }
  }
}

void AppendDottedQuad(const uint8_t *bytes, std::string *text) {
  for (int i = 0; i < 4; ++i) {
    if (i != 0) text->push_back('.');
    AppendDecimal(bytes[i], text);
  }
}

// RtlIpv6AddressToString's text, as Windows prints it (the Windows-run expectations of Wine's
// ntdll tests show each rule): lowercase hex without leading zeros; the longest run of two or
// more zero groups (the first of equal runs) as "::", a single zero group printed as "0"; and
// the last 32 bits as a dotted quad for the IPv4-compatible (::a.b.c.d), IPv4-mapped
// (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and ISATAP (x:x:x:x:0:5efe:a.b.c.d,
// x:x:x:x:200:5efe:a.b.c.d) forms. The first three need a non-zero group 6, or "::1",
// "::ffff:0:4403" would turn dotted: Windows prints those in hex. [inference] The
// translated form is taken to follow the same rule as the mapped one (no Windows result
// for a zero group 6 there).
void AppendIpv6(const uint8_t (&bytes)[16], std::string *text) {
  uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = Group(bytes, i);
  bool prefix_zero_to_4 = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0;
  bool dotted = false;
  if (prefix_zero_to_4 && g[6] != 0) {
    dotted = (g[4] == 0 && g[5] == 0) ||       // IPv4-compatible
             (g[4] == 0 && g[5] == 0xffff) ||  // IPv4-mapped
             (g[4] == 0xffff && g[5] == 0);    // IPv4-translated
  }
  if ((g[4] == 0 || g[4] == 0x0200) && g[5] == 0x5efe) dotted = true;  // ISATAP
  int hex_groups = dotted ? 6 : 8;

  int best_start = -1, best_len = 0;
  for (int i = 0; i < hex_groups;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < hex_groups && g[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;

  for (int i = 0; i < hex_groups;) {
    if (i == best_start) {
      text->append("::");
      i += best_len;
      continue;
    }
    // A separator before every group but the first and the one right after "::".
    if (i != 0 && i != best_start + best_len) text->push_back(':');
    AppendHexGroup(g[i], text);
    ++i;
  }
  if (dotted) {
    if (!(best_start >= 0 && best_start + best_len == hex_groups)) text->push_back(':');
    AppendDottedQuad(bytes + 12, text);
  }
}

}  // namespace

int AddressToString(const struct WS_sockaddr *address, int length, std::u16string *text) {
  // WSAAddressToString's page: a NULL lpsaAddress or dwAddressLength is WSAEINVAL, as is an
  // address that is not valid; WSAEFAULT belongs to the output buffer, here `text`.
  if (text == nullptr) return WSAEFAULT;
  if (address == nullptr || length < kFamilyFieldSize) return WSAEINVAL;
  ADDRESS_FAMILY family;
  std::memcpy(&family, address, sizeof(family));
  std::string ascii;
  try {
    if (family == WS_AF_INET) {
      if (length < static_cast<int>(sizeof(struct WS_sockaddr_in))) return WSAEINVAL;
      struct WS_sockaddr_in in;
      std::memcpy(&in, address, sizeof(in));
      uint8_t bytes[4];
      std::memcpy(bytes, &in.sin_addr, 4);
      AppendDottedQuad(bytes, &ascii);
      uint16_t port = ntohs(in.sin_port);
      if (port != 0) {
        ascii.push_back(':');
        AppendDecimal(port, &ascii);
      }
    } else if (family == WS_AF_INET6) {
      // The textual form needs the scope id, so the whole 28-byte layout. [inference]
      // Windows' own check is not documented; a shorter IPv6 length is "not a valid socket
      // address" (WSAEINVAL) here.
      if (length < static_cast<int>(sizeof(struct WS_sockaddr_in6))) return WSAEINVAL;
      struct WS_sockaddr_in6 in6;
      std::memcpy(&in6, address, sizeof(in6));
      uint8_t bytes[16];
      std::memcpy(bytes, &in6.sin6_addr, 16);
      uint16_t port = ntohs(in6.sin6_port);
      if (port != 0) ascii.push_back('[');
      AppendIpv6(bytes, &ascii);
      // flowinfo is not part of the text (RtlIpv6AddressToStringEx takes only scope and port).
      if (in6.sin6_scope_id != 0) {
        ascii.push_back('%');
        AppendDecimal(in6.sin6_scope_id, &ascii);
      }
      if (port != 0) {
        ascii.append("]:");
        AppendDecimal(port, &ascii);
      }
    } else {
      return WSAEINVAL;
    }
    text->assign(ascii.begin(), ascii.end());
  } catch (const std::bad_alloc &) {
    return WSAENOBUFS;
  }
  return 0;
}

namespace {

// A cursor over ASCII text (anything else fails the parse).
struct Cursor {
  std::u16string_view text;
  size_t pos = 0;

  bool AtEnd() const { return pos >= text.size(); }
  char16_t Peek(size_t ahead = 0) const {
    return pos + ahead < text.size() ? text[pos + ahead] : u'\0';
  }
};

int HexValue(char16_t c) {
  if (c >= u'0' && c <= u'9') return c - u'0';
  if (c >= u'a' && c <= u'f') return c - u'a' + 10;
  if (c >= u'A' && c <= u'F') return c - u'A' + 10;
  return -1;
}

// One number in the forms of inet_addr / RtlIpv4StringToAddress(Strict = FALSE): decimal,
// octal with a leading 0, hex with a leading 0x/0X; at most `max`.
bool ParseBsdNumber(Cursor *c, uint64_t max, uint64_t *value) {
  int base = 10;
  size_t start = c->pos;
  if (c->Peek() == u'0' && (c->Peek(1) == u'x' || c->Peek(1) == u'X')) {
    base = 16;
    c->pos += 2;
  } else if (c->Peek() == u'0') {
    base = 8;
  }
  uint64_t v = 0;
  size_t digits = 0;
  while (!c->AtEnd()) {
    int d = HexValue(c->Peek());
    if (d < 0 || d >= base) break;
    v = v * base + d;
    if (v > max) return false;
    ++c->pos;
    ++digits;
  }
  if (digits == 0 && !(base == 8 && c->pos > start)) return false;
  *value = v;
  return true;
}

// The IPv4 part: one to four parts separated by dots, the last filling the bytes left, as
// inet_addr reads them ("10.1" is 10.0.0.1, "0x7f.1" is 127.0.0.1), which is what
// WSAStringToAddress accepts (RtlIpv4StringToAddressEx with Strict = FALSE).
bool ParseIpv4(Cursor *c, uint8_t (&bytes)[4]) {
  uint64_t parts[4];
  int n = 0;
  for (;;) {
    if (n == 4) return false;
    uint64_t max = 0xffffffffu;
    if (!ParseBsdNumber(c, max, &parts[n])) return false;
    ++n;
    if (c->Peek() != u'.') break;
    ++c->pos;
  }
  for (int i = 0; i < n - 1; ++i) {
    if (parts[i] > 0xff) return false;
  }
  uint64_t last_max = n == 1 ? 0xffffffffu : n == 2 ? 0xffffffu : n == 3 ? 0xffffu : 0xffu;
  if (parts[n - 1] > last_max) return false;
  uint32_t v = static_cast<uint32_t>(parts[n - 1]);
  for (int i = 0; i < n - 1; ++i) v |= static_cast<uint32_t>(parts[i]) << (24 - 8 * i);
  bytes[0] = static_cast<uint8_t>(v >> 24);
  bytes[1] = static_cast<uint8_t>(v >> 16);
  bytes[2] = static_cast<uint8_t>(v >> 8);
  bytes[3] = static_cast<uint8_t>(v);
  return true;
}

// ":port" after an address: a number in the same bases (RtlIpv4StringToAddressEx takes
// "0xffff" and "011064"), 1..65535 — ":0" and ":" fail on Windows.
bool ParsePort(Cursor *c, uint16_t *port) {
  uint64_t v;
  if (!ParseBsdNumber(c, 0xffff, &v) || v == 0) return false;
  *port = static_cast<uint16_t>(v);
  return true;
}

// A dotted quad inside an IPv6 address: exactly four decimal parts of at most three digits,
// each <= 255 (Windows takes "1::001.2.3.4" but not "1::0001.2.3.4").
bool ParseEmbeddedIpv4(Cursor *c, uint8_t *bytes) {
  for (int i = 0; i < 4; ++i) {
    if (i != 0) {
      if (c->Peek() != u'.') return false;
      ++c->pos;
    }
    int digits = 0;
    unsigned v = 0;
    while (digits < 4 && c->Peek() >= u'0' && c->Peek() <= u'9') {
      v = v * 10 + (c->Peek() - u'0');
      ++c->pos;
      ++digits;
    }
    if (digits == 0 || digits > 3 || v > 255) return false;
    bytes[i] = static_cast<uint8_t>(v);
  }
  return true;
}

// An IPv6 address in RFC 4291 text: up to eight groups of 1..4 hex digits, one "::", an
// optional dotted quad for the last 32 bits.
bool ParseIpv6(Cursor *c, uint8_t (&bytes)[16]) {
  uint16_t groups[8] = {};
  int n = 0;
  int gap = -1;  // index where "::" stands
  if (c->Peek() == u':') {
    if (c->Peek(1) != u':') return false;
    c->pos += 2;
    gap = 0;
  }
  while (n < 8) {
    // Does a dotted quad start here? It is a run of decimal digits followed by '.'.
    size_t k = c->pos;
    while (k < c->text.size() && c->text[k] >= u'0' && c->text[k] <= u'9') ++k;
    if (k > c->pos && k < c->text.size() && c->text[k] == u'.') {
      if (n > 6) return false;
      uint8_t quad[4];
      if (!ParseEmbeddedIpv4(c, quad)) return false;
      groups[n++] = static_cast<uint16_t>((quad[0] << 8) | quad[1]);
      groups[n++] = static_cast<uint16_t>((quad[2] << 8) | quad[3]);
      break;
    }
    int digits = 0;
    unsigned v = 0;
    while (HexValue(c->Peek()) >= 0) {
      if (++digits > 4) return false;
      v = (v << 4) | HexValue(c->Peek());
      ++c->pos;
    }
    if (digits == 0) {
      // Only right after "::" may a group be missing (the address ends there).
      if (gap == n) break;
      return false;
    }
    groups[n++] = static_cast<uint16_t>(v);
    if (c->Peek() != u':') break;
    if (c->Peek(1) == u':') {
      if (gap >= 0) return false;
      c->pos += 2;
      gap = n;
      continue;
    }
    if (n == 8) return false;  // a trailing single ':'
    ++c->pos;
  }
  if (gap < 0) {
    if (n != 8) return false;
  } else {
    if (n > 7) return false;  // "::" must stand for at least one group
    int move = n - gap;
    for (int i = 0; i < move; ++i) groups[7 - i] = groups[n - 1 - i];
    for (int i = gap; i < 8 - move; ++i) groups[i] = 0;
  }
  for (int i = 0; i < 8; ++i) {
    bytes[2 * i] = static_cast<uint8_t>(groups[i] >> 8);
    bytes[2 * i + 1] = static_cast<uint8_t>(groups[i]);
  }
  return true;
}

// "%scope": a decimal ULONG.
bool ParseScope(Cursor *c, uint32_t *scope) {
  uint64_t v = 0;
  int digits = 0;
  while (c->Peek() >= u'0' && c->Peek() <= u'9') {
    v = v * 10 + (c->Peek() - u'0');
    if (v > 0xffffffffu) return false;
    ++c->pos;
    ++digits;
  }
  if (digits == 0) return false;
  *scope = static_cast<uint32_t>(v);
  return true;
}

}  // namespace

int StringToAddress(std::u16string_view text, int ws_family, struct WS_sockaddr *out,
                    int *length) {
  if (length == nullptr) return WSAEFAULT;
  int need = SockaddrSize(ws_family);
  if (need == 0) return WSAEINVAL;
  // A Windows string ends at its NUL: a view with a NUL inside is not one string ([inference]
  // WSAEINVAL, the error of text that does not parse).
  if (text.empty() || text.find(u'\0') != std::u16string_view::npos) return WSAEINVAL;
  Cursor c{text};
  if (ws_family == WS_AF_INET) {
    struct WS_sockaddr_in in;
    std::memset(&in, 0, sizeof(in));
    in.sin_family = WS_AF_INET;
    uint8_t bytes[4];
    if (!ParseIpv4(&c, bytes)) return WSAEINVAL;
    std::memcpy(&in.sin_addr, bytes, 4);
    if (c.Peek() == u':') {
      ++c.pos;
      uint16_t port;
      if (!ParsePort(&c, &port)) return WSAEINVAL;
      in.sin_port = htons(port);
    }
    if (!c.AtEnd()) return WSAEINVAL;
    if (out == nullptr || *length < need) {
      *length = need;
      return WSAEFAULT;
    }
    std::memcpy(out, &in, sizeof(in));
    *length = need;
    return 0;
  }
  struct WS_sockaddr_in6 in6;
  std::memset(&in6, 0, sizeof(in6));
  in6.sin6_family = WS_AF_INET6;
  bool bracket = c.Peek() == u'[';
  if (bracket) ++c.pos;
  uint8_t bytes[16];
  if (!ParseIpv6(&c, bytes)) return WSAEINVAL;
  std::memcpy(&in6.sin6_addr, bytes, 16);
  if (c.Peek() == u'%') {
    ++c.pos;
    uint32_t scope;
    if (!ParseScope(&c, &scope)) return WSAEINVAL;
    in6.sin6_scope_id = scope;
  }
  if (bracket) {
    if (c.Peek() != u']') return WSAEINVAL;
    ++c.pos;
    if (c.Peek() == u':') {
      ++c.pos;
      // [inference] The IPv4 port rules (any base, 1..65535) applied to IPv6 as well.
      uint16_t port;
      if (!ParsePort(&c, &port)) return WSAEINVAL;
      in6.sin6_port = htons(port);
    }
  }
  if (!c.AtEnd()) return WSAEINVAL;
  if (out == nullptr || *length < need) {
    *length = need;
    return WSAEFAULT;
  }
  std::memcpy(out, &in6, sizeof(in6));
  *length = need;
  return 0;
}

}  // namespace ws2emu::net
