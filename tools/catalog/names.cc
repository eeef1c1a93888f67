#include "names.h"

#include <cerrno>
#include <cinttypes>
#include <cstdlib>
#include <cstring>

#include "ws2emu/winsock_errors.h"

namespace ws2emu::catalog_tool {
namespace {

constexpr Named kFamilyTable[] = {
    {WS_AF_UNSPEC, "AF_UNSPEC", "unspec"},
    {WS_AF_UNIX, "AF_UNIX", "unix"},
    {WS_AF_INET, "AF_INET", "inet"},
    {17, "AF_NETBIOS", "netbios"},
    {WS_AF_INET6, "AF_INET6", "inet6"},
    {26, "AF_IRDA", "irda"},
    {32, "AF_BTH", "bth"},
};

constexpr Named kSocketTypeTable[] = {
    {WS_SOCK_STREAM, "SOCK_STREAM", "stream"},
    {WS_SOCK_DGRAM, "SOCK_DGRAM", "dgram"},
    {WS_SOCK_RAW, "SOCK_RAW", "raw"},
    {WS_SOCK_RDM, "SOCK_RDM", "rdm"},
    {WS_SOCK_SEQPACKET, "SOCK_SEQPACKET", "seqpacket"},
};

constexpr Named kProtocolTable[] = {
    {WS_IPPROTO_IP, "IPPROTO_IP", "ip"},
    {WS_IPPROTO_ICMP, "IPPROTO_ICMP", "icmp"},
    {2, "IPPROTO_IGMP", "igmp"},
    {WS_IPPROTO_TCP, "IPPROTO_TCP", "tcp"},
    {WS_IPPROTO_UDP, "IPPROTO_UDP", "udp"},
    {WS_IPPROTO_IPV6, "IPPROTO_IPV6", "ipv6"},
    {58, "IPPROTO_ICMPV6", "icmpv6"},
    {WS_IPPROTO_RAW, "IPPROTO_RAW", nullptr},
};

#define FLAG(x) \
  { static_cast<int>(x), #x, nullptr }
constexpr Named kServiceFlagTable[] = {
    FLAG(XP1_CONNECTIONLESS),
    FLAG(XP1_GUARANTEED_DELIVERY),
    FLAG(XP1_GUARANTEED_ORDER),
    FLAG(XP1_MESSAGE_ORIENTED),
    FLAG(XP1_PSEUDO_STREAM),
    FLAG(XP1_GRACEFUL_CLOSE),
    FLAG(XP1_EXPEDITED_DATA),
    FLAG(XP1_CONNECT_DATA),
    FLAG(XP1_DISCONNECT_DATA),
    FLAG(XP1_SUPPORT_BROADCAST),
    FLAG(XP1_SUPPORT_MULTIPOINT),
    FLAG(XP1_MULTIPOINT_CONTROL_PLANE),
    FLAG(XP1_MULTIPOINT_DATA_PLANE),
    FLAG(XP1_QOS_SUPPORTED),
    FLAG(XP1_INTERRUPT),
    FLAG(XP1_UNI_SEND),
    FLAG(XP1_UNI_RECV),
    FLAG(XP1_IFS_HANDLES),
    FLAG(XP1_PARTIAL_MESSAGE),
    FLAG(XP1_SAN_SUPPORT_SDP),
};

constexpr Named kProviderFlagTable[] = {
    FLAG(PFL_MULTIPLE_PROTO_ENTRIES), FLAG(PFL_RECOMMENDED_PROTO_ENTRY), FLAG(PFL_HIDDEN),
    FLAG(PFL_MATCHES_PROTOCOL_ZERO),  FLAG(PFL_NETWORKDIRECT_PROVIDER),
};

constexpr Named kLspCategoryTable[] = {
    FLAG(LSP_SYSTEM),          FLAG(LSP_INSPECTOR),       FLAG(LSP_REDIRECTOR),
    FLAG(LSP_PROXY),           FLAG(LSP_FIREWALL),        FLAG(LSP_INBOUND_MODIFY),
    FLAG(LSP_OUTBOUND_MODIFY), FLAG(LSP_CRYPTO_COMPRESS), FLAG(LSP_LOCAL_CACHE),
};
#undef FLAG

bool EqualNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

const std::span<const Named> kFamilies(kFamilyTable);
const std::span<const Named> kSocketTypes(kSocketTypeTable);
const std::span<const Named> kProtocols(kProtocolTable);
const std::span<const Named> kServiceFlags(kServiceFlagTable);
const std::span<const Named> kProviderFlags(kProviderFlagTable);
const std::span<const Named> kLspCategories(kLspCategoryTable);

bool ParseInteger(std::string_view text, int64_t min, int64_t max, int64_t *out) {
  // Decimal, or hex after 0x; not octal (a catalog ID written 01001 means 1001).
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  const bool hex = digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
  if (hex) digits.remove_prefix(2);
  if (digits.empty() || digits.size() > 20) return false;
  for (char c : digits) {
    const bool ok =
        (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!ok) return false;
  }
  std::string s(text);
  errno = 0;
  char *end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, hex ? 16 : 10);
  if (errno != 0 || end != s.c_str() + s.size() || v < min || v > max) return false;
  *out = v;
  return true;
}

bool ParseNamed(std::string_view text, std::span<const Named> table, int *value) {
  for (const Named &n : table) {
    if (EqualNoCase(text, n.name) || (n.alias != nullptr && EqualNoCase(text, n.alias))) {
      *value = n.value;
      return true;
    }
  }
  int64_t v;
  if (!ParseInteger(text, INT32_MIN, INT32_MAX, &v)) return false;
  *value = static_cast<int>(v);
  return true;
}

std::string NameOf(int value, std::span<const Named> table) {
  for (const Named &n : table) {
    if (n.value == value) return n.name;
  }
  return "";
}

bool ParseFlags(std::string_view text, std::span<const Named> table, DWORD *flags,
                std::string *bad) {
  DWORD result = 0;
  for (;;) {
    size_t bar = text.find('|');
    std::string_view part = Trim(text.substr(0, bar));
    int64_t number;
    bool found = false;
    for (const Named &n : table) {
      if (EqualNoCase(part, n.name)) {
        result |= static_cast<DWORD>(n.value);
        found = true;
      }
    }
    if (!found) {
      if (!ParseInteger(part, 0, 0xffffffffLL, &number)) {
        *bad = std::string(part);
        return false;
      }
      result |= static_cast<DWORD>(number);
    }
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 1);
  }
  *flags = result;
  return true;
}

std::string FlagNames(DWORD flags, std::span<const Named> table) {
  std::string out;
  DWORD rest = flags;
  for (const Named &n : table) {
    const DWORD bit = static_cast<DWORD>(n.value);
    if ((flags & bit) == 0) continue;
    if (!out.empty()) out += '|';
    out += n.name;
    rest &= ~bit;
  }
  if (rest != 0) {
    char hex[16];
    std::snprintf(hex, sizeof(hex), "0x%" PRIx32, static_cast<uint32_t>(rest));
    if (!out.empty()) out += '|';
    out += hex;
  }
  return out;
}


}  // namespace ws2emu::catalog_tool
