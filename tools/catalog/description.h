// tools/catalog/description.h — the description files `ws2emu-catalog install` and `remove`
// read: what a provider installs, in a form a person writes by hand.
//
//   absl::StatusOr<Description> d = ReadDescription("tcpip.provider");
//   if (!d.ok()) ...   // InvalidArgument "tcpip.provider:12: unknown type `strem`"
//
// The format (kDescriptionHelp is the same text, printed by --help):
//
//   # Comments start with '#' (at the start of a line, or after a space).
//   provider {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}    # the provider GUID, braces optional
//   path %SystemRoot%\system32\mswsock.dll              # Windows path, %VARS% kept as written
//
//   entry "MSAFD Tcpip [TCP/IP]"        # one block per WSAPROTOCOL_INFOW; `name` may stand
//     family inet                        #   on its own line instead
//     type stream
//     protocol tcp
//     service-flags XP1_GUARANTEED_DELIVERY|XP1_GUARANTEED_ORDER|XP1_IFS_HANDLES
//     provider-flags PFL_MATCHES_PROTOCOL_ZERO
//     chain base                         # base|1 (default), layered|0, or the chain's
//                                        #   catalog IDs top to bottom: chain 1003 1001
//
// or, instead of entries, the WSCInstallProviderAndChains form:
//
//   lsp "My LSP"                         # the hidden layered entry's name
//   service-flags XP1_IFS_HANDLES        # its service flags (default 0)
//   over tcp, udp, inet6/stream/tcp      # what to layer over (default: every base entry)
//
// In either form, before the first entry, the LSP categories `install` then sets for the
// provider (and an LSP's chains), as installers call WSCSetProviderInfo:
//
//   lsp-categories LSP_INSPECTOR|LSP_FIREWALL
//
// Values: family inet|inet6|unspec|AF_INET|2|23...; type stream|dgram|raw|rdm|seqpacket|
// SOCK_*|1..5; protocol tcp|udp|icmp|ip|ipv6|icmpv6|IPPROTO_*|N; flags `|`-joined XP1_/PFL_
// names and numbers (0x hex or decimal). Optional entry fields, with their defaults: version 2,
// max-sockaddr / min-sockaddr 16 (28 for inet6), protocol-max-offset 0, byte-order big|little
// (big), security-scheme 0, message-size 0, provider-reserved 0. Strings may be quoted ("...",
// with \" and \\ as the only escapes, so Windows paths need no doubling) and are UTF-8.
#ifndef WS2EMU_TOOLS_CATALOG_DESCRIPTION_H_
#define WS2EMU_TOOLS_CATALOG_DESCRIPTION_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::catalog_tool {

struct Description {
  GUID provider;
  std::u16string path;
  // The WSCInstallProvider form: the entries, and the line each one starts on.
  std::vector<WSAPROTOCOL_INFOW> entries;
  std::vector<int> entry_lines;
  // The WSCInstallProviderAndChains form (lsp_name not empty): `over` holds only family,
  // socket type and protocol; empty means every base entry.
  std::u16string lsp_name;
  DWORD lsp_service_flags = 0;
  // `lsp-categories`: set with WSCSetProviderInfo after the install (0: none given).
  DWORD lsp_categories = 0;
  std::vector<WSAPROTOCOL_INFOW> over;
};

extern const char kDescriptionHelp[];

// InvalidArgument "FILE:LINE: what is wrong" for any mistake; nothing is half-parsed.
absl::StatusOr<Description> ParseDescription(std::string_view text, std::string_view file_name);
// Reads and parses FILE; NotFound / PermissionDenied "FILE: reason" when it cannot be read.
absl::StatusOr<Description> ReadDescription(const std::string &file_name);

// Text conversions the tool shares: UTF-8 to UTF-16 (false on malformed UTF-8), and a GUID
// with or without its braces.
bool FromUtf8(std::string_view text, std::u16string *out);
bool ParseGuidLoose(std::string_view text, GUID *guid);

}  // namespace ws2emu::catalog_tool

#endif  // WS2EMU_TOOLS_CATALOG_DESCRIPTION_H_
