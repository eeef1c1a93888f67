#include "description.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/regular_file.h"
#include "base/utf.h"
#include "catalog/catalog.h"
#include "names.h"

namespace ws2emu::catalog_tool {

const char kDescriptionHelp[] =
    "Description files (install, remove):\n"
    "  # comments start with '#' (at the start of a line or after a space)\n"
    "  provider {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}   # provider GUID, braces optional\n"
    "  path %SystemRoot%\\system32\\mswsock.dll            # Windows path, %VARS% kept\n"
    "  entry \"MSAFD Tcpip [TCP/IP]\"    # one block per protocol entry (or a `name` line)\n"
    "    family inet                   # inet|inet6|unspec|AF_*|number\n"
    "    type stream                   # stream|dgram|raw|rdm|seqpacket|SOCK_*|number\n"
    "    protocol tcp                  # tcp|udp|icmp|ip|ipv6|icmpv6|IPPROTO_*|number\n"
    "    service-flags XP1_GUARANTEED_DELIVERY|XP1_GUARANTEED_ORDER|XP1_IFS_HANDLES\n"
    "    provider-flags PFL_MATCHES_PROTOCOL_ZERO      # `|`-joined names, 0x hex or decimal\n"
    "    chain base                    # base|1 (default), layered|0, or a chain's catalog\n"
    "                                  # IDs top to bottom: chain 1003 1001\n"
    "  Optional entry fields (defaults): version (2), max-sockaddr and min-sockaddr (16; 28\n"
    "  for inet6), protocol-max-offset (0), byte-order big|little (big), security-scheme (0),\n"
    "  message-size (0), provider-reserved (0).\n"
    "  Instead of entries, the WSCInstallProviderAndChains form:\n"
    "  lsp \"My LSP\"                      # the hidden layered entry's name\n"
    "  service-flags XP1_IFS_HANDLES     # its service flags (default 0)\n"
    "  over tcp, udp, inet6/stream/tcp   # layered over these (default: every base entry)\n"
    "  Either form may say, before the first entry, which LSP categories `install` sets then\n"
    "  (WSCSetProviderInfo; for an LSP on its chains too):\n"
    "  lsp-categories LSP_INSPECTOR|LSP_FIREWALL   # LSP_* names, 0x hex or decimal\n"
    "  Strings may be quoted; \\\" and \\\\ are the only escapes. Text is UTF-8.\n";

namespace {

using std::string_view;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

string_view Trim(string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on spaces, tabs and commas.
std::vector<string_view> Words(string_view s) {
  std::vector<string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (IsSpace(s[i]) || s[i] == ',')) ++i;
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i]) && s[i] != ',') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

class Parser {
 public:
  explicit Parser(string_view file) : file_(file) {}

  absl::StatusOr<Description> Run(string_view text) {
    if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);  // a UTF-8 BOM
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == string_view::npos) end = text.size();
      ++line_;
      absl::Status s = Line(text.substr(start, end - start));
      if (!s.ok()) return s;
      start = end + 1;
    }
    if (in_entry_) {
      absl::Status s = FinishEntry();
      if (!s.ok()) return s;
    }
    line_ = std::max(line_, 1);  // errors about what is missing point at the last line
    if (!have_provider_) return Error("the file ends without a `provider GUID` line");
    if (!have_path_) return Error("the file ends without a `path` line");
    if (lsp_line_ == 0) {
      if (service_flags_line_ != 0) {
        return ErrorAt(service_flags_line_,
                       "`service-flags` before the first `entry` belongs to the `lsp` form, "
                       "and there is no `lsp` line");
      }
      if (over_line_ != 0) {
        return ErrorAt(over_line_, "`over` belongs to the `lsp` form, and there is no `lsp` line");
      }
      if (d_.entries.empty()) {
        return Error("nothing to install: the file has no `entry` block and no `lsp` line");
      }
    }
    return std::move(d_);
  }

 private:
  absl::Status Error(const std::string &what) const { return ErrorAt(line_, what); }
  // Why FromUtf8 refused `value`: a NUL inside (a Windows string cannot hold one) or bad UTF-8.
  static std::string TextProblem(std::string_view value, const char *field) {
    if (value.find('\0') != std::string_view::npos) {
      return absl::StrCat(field, " holds a NUL character (\\u0000)");
    }
    return absl::StrCat(field, " is not valid UTF-8");
  }
  absl::Status ErrorAt(int line, const std::string &what) const {
    return absl::InvalidArgumentError(absl::StrFormat("%s:%d: %s", file_, line, what));
  }

  // A value: a quoted string (\" and \\ the only escapes; anything after it must be a
  // comment) or the rest of the line up to a comment.
  absl::Status Value(string_view rest, std::string *out) {
    rest = Trim(rest);
    out->clear();
    if (!rest.empty() && rest.front() == '"') {
      size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size() && (rest[i + 1] == '"' || rest[i + 1] == '\\'))
          ++i;
        out->push_back(rest[i]);
      }
      if (i >= rest.size()) return Error("a quoted value has no closing quote");
      string_view after = Trim(rest.substr(i + 1));
      if (!after.empty() && after.front() != '#') {
        return Error(
            absl::StrCat("unexpected text after the quoted value: `", std::string(after), "`"));
      }
      return absl::OkStatus();
    }
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '#' && (i == 0 || IsSpace(rest[i - 1]))) {
        rest = rest.substr(0, i);
        break;
      }
    }
    *out = std::string(Trim(rest));
    return absl::OkStatus();
  }

  absl::Status Line(string_view raw) {
    string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') return absl::OkStatus();
    size_t space = 0;
    while (space < line.size() && !IsSpace(line[space])) ++space;
    const std::string key(line.substr(0, space));
    std::string value;
    absl::Status s = Value(line.substr(space), &value);
    if (!s.ok()) return s;
    if (key == "entry") return StartEntry(value);
    if (key == "provider" || key == "path" || key == "lsp" || key == "over" ||
        key == "lsp-categories" || (key == "service-flags" && !in_entry_)) {
      if (in_entry_) {
        return Error(absl::StrCat("`", key, "` belongs before the first `entry`"));
      }
      return Header(key, value);
    }
    if (!in_entry_) {
      return Error(absl::StrCat("unknown line `", key,
                                "` (expected provider, path, entry, lsp, service-flags, over or "
                                "lsp-categories)"));
    }
    return Field(key, value);
  }

  absl::Status Header(const std::string &key, const std::string &value) {
    if (value.empty() && key == "path") return Error("empty provider path: `path` needs a value");
    if (value.empty()) return Error(absl::StrCat("`", key, "` needs a value"));
    if (key == "provider") {
      if (have_provider_) return Error("a second `provider` line");
      if (!ParseGuidLoose(value, &d_.provider)) {
        return Error(
            absl::StrCat("`", value, "` is not a GUID ({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX})"));
      }
      have_provider_ = true;
    } else if (key == "path") {
      if (have_path_) return Error("a second `path` line");
      if (!FromUtf8(value, &d_.path)) return Error(TextProblem(value, "the path"));
      have_path_ = true;
    } else if (key == "lsp") {
      if (lsp_line_ != 0) return Error("a second `lsp` line");
      if (!d_.entries.empty()) return Error("`lsp` cannot be combined with `entry` blocks");
      if (!FromUtf8(value, &d_.lsp_name)) return Error(TextProblem(value, "the LSP name"));
      if (d_.lsp_name.size() > WSAPROTOCOL_LEN) {
        return Error("the LSP name is longer than WSAPROTOCOL_LEN (255 UTF-16 units)");
      }
      lsp_line_ = line_;
    } else if (key == "service-flags") {
      if (service_flags_line_ != 0) return Error("a second `service-flags` line");
      std::string bad;
      if (!ParseFlags(value, kServiceFlags, &d_.lsp_service_flags, &bad)) {
        return Error(absl::StrCat("unknown service flag `", bad, "`"));
      }
      service_flags_line_ = line_;
    } else if (key == "lsp-categories") {
      if (categories_line_ != 0) return Error("a second `lsp-categories` line");
      std::string bad;
      if (!ParseFlags(value, kLspCategories, &d_.lsp_categories, &bad)) {
        return Error(absl::StrCat("unknown LSP category `", bad, "`"));
      }
      if ((d_.lsp_categories & ~catalog::kLspCategoryMask) != 0) {
        return Error(absl::StrFormat("LSP categories 0x%x hold bits that are not LSP_* flags",
                                     d_.lsp_categories));
      }
      categories_line_ = line_;
    } else if (key == "over") {
      if (over_line_ != 0) return Error("a second `over` line");
      for (string_view word : Words(value)) {
        WSAPROTOCOL_INFOW p;
        std::memset(&p, 0, sizeof(p));
        if (!OverProtocol(word, &p)) {
          return Error(absl::StrCat("`over` does not know `", std::string(word),
                                    "` (tcp, udp, tcp6, udp6 or FAMILY/TYPE/PROTOCOL)"));
        }
        d_.over.push_back(p);
      }
      over_line_ = line_;
    }
    return absl::OkStatus();
  }

  static bool OverProtocol(string_view word, WSAPROTOCOL_INFOW *p) {
    struct Short {
      const char *name;
      int family, type, protocol;
    };
    static constexpr Short kShort[] = {
        {"tcp", WS_AF_INET, WS_SOCK_STREAM, WS_IPPROTO_TCP},
        {"udp", WS_AF_INET, WS_SOCK_DGRAM, WS_IPPROTO_UDP},
        {"tcp6", WS_AF_INET6, WS_SOCK_STREAM, WS_IPPROTO_TCP},
        {"udp6", WS_AF_INET6, WS_SOCK_DGRAM, WS_IPPROTO_UDP},
    };
    for (const Short &s : kShort) {
      if (word == s.name) {
        p->iAddressFamily = s.family;
        p->iSocketType = s.type;
        p->iProtocol = s.protocol;
        return true;
      }
    }
    size_t a = word.find('/');
    size_t b = a == string_view::npos ? a : word.find('/', a + 1);
    if (b == string_view::npos || word.find('/', b + 1) != string_view::npos) return false;
    return ParseNamed(word.substr(0, a), kFamilies, &p->iAddressFamily) &&
           ParseNamed(word.substr(a + 1, b - a - 1), kSocketTypes, &p->iSocketType) &&
           ParseNamed(word.substr(b + 1), kProtocols, &p->iProtocol);
  }

  absl::Status StartEntry(const std::string &name) {
    if (lsp_line_ != 0) {
      return Error(absl::StrFormat(
          "`entry` cannot be combined with `lsp` (line %d): WSCInstallProviderAndChains makes "
          "the entries of an LSP",
          lsp_line_));
    }
    if (in_entry_) {
      absl::Status s = FinishEntry();
      if (!s.ok()) return s;
    }
    in_entry_ = true;
    entry_line_ = line_;
    seen_.clear();
    std::memset(&entry_, 0, sizeof(entry_));
    entry_.iVersion = 2;
    entry_.ProtocolChain.ChainLen = BASE_PROTOCOL;
    entry_.iNetworkByteOrder = BIGENDIAN;
    entry_.iSecurityScheme = SECURITY_PROTOCOL_NONE;
    if (!name.empty()) return Field("name", name);
    return absl::OkStatus();
  }

  absl::Status Field(const std::string &key, const std::string &value) {
    static const std::set<std::string> kKeys = {"name",
                                                "family",
                                                "type",
                                                "protocol",
                                                "service-flags",
                                                "provider-flags",
                                                "chain",
                                                "version",
                                                "max-sockaddr",
                                                "min-sockaddr",
                                                "protocol-max-offset",
                                                "byte-order",
                                                "security-scheme",
                                                "message-size",
                                                "provider-reserved"};
    if (kKeys.count(key) == 0) {
      return Error(absl::StrCat("unknown entry field `", key, "`"));
    }
    if (!seen_.insert(key).second) {
      return Error(
          absl::StrCat("`", key, "` given twice in the entry that starts on line ", entry_line_));
    }
    if (value.empty()) return Error(absl::StrCat("`", key, "` needs a value"));
    WSAPROTOCOL_INFOW &p = entry_;
    std::string bad;
    int64_t number = 0;
    if (key == "name") {
      std::u16string name;
      if (!FromUtf8(value, &name)) return Error(TextProblem(value, "the name"));
      if (name.size() > WSAPROTOCOL_LEN) {
        return Error("the name is longer than WSAPROTOCOL_LEN (255 UTF-16 units)");
      }
      std::memcpy(p.szProtocol, name.data(), name.size() * sizeof(char16_t));
    } else if (key == "family") {
      if (!ParseNamed(value, kFamilies, &p.iAddressFamily))
        return Error(absl::StrCat("unknown family `", value, "` (inet, inet6, AF_*, a number)"));
    } else if (key == "type") {
      if (!ParseNamed(value, kSocketTypes, &p.iSocketType)) {
        return Error(absl::StrCat("unknown type `", value,
                                  "` (stream, dgram, raw, rdm, seqpacket, SOCK_*, a number)"));
      }
    } else if (key == "protocol") {
      if (!ParseNamed(value, kProtocols, &p.iProtocol))
        return Error(
            absl::StrCat("unknown protocol `", value, "` (tcp, udp, IPPROTO_*, a number)"));
    } else if (key == "service-flags") {
      if (!ParseFlags(value, kServiceFlags, &p.dwServiceFlags1, &bad))
        return Error(absl::StrCat("unknown service flag `", bad, "`"));
    } else if (key == "provider-flags") {
      if (!ParseFlags(value, kProviderFlags, &p.dwProviderFlags, &bad))
        return Error(absl::StrCat("unknown provider flag `", bad, "`"));
    } else if (key == "chain") {
      return Chain(value);
    } else if (key == "byte-order") {
      if (value == "big" || value == "0") {
        p.iNetworkByteOrder = BIGENDIAN;
      } else if (value == "little" || value == "1") {
        p.iNetworkByteOrder = 1;  // LITTLEENDIAN
      } else {
        return Error(absl::StrCat("byte-order is big or little, not `", value, "`"));
      }
    } else if (key == "message-size" || key == "provider-reserved") {
      if (!ParseInteger(value, 0, 0xffffffffLL, &number))
        return Error(absl::StrCat("`", key, "` needs a number 0..0xffffffff, not `", value, "`"));
      (key == "message-size" ? p.dwMessageSize : p.dwProviderReserved) = static_cast<DWORD>(number);
    } else {  // version, max-sockaddr, min-sockaddr, protocol-max-offset, security-scheme
      if (!ParseInteger(value, INT32_MIN, INT32_MAX, &number))
        return Error(absl::StrCat("`", key, "` needs a number, not `", value, "`"));
      int *field = key == "version"               ? &p.iVersion
                   : key == "max-sockaddr"        ? &p.iMaxSockAddr
                   : key == "min-sockaddr"        ? &p.iMinSockAddr
                   : key == "protocol-max-offset" ? &p.iProtocolMaxOffset
                                                  : &p.iSecurityScheme;
      *field = static_cast<int>(number);
    }
    return absl::OkStatus();
  }

  // base|1, layered|0, or two to seven catalog IDs (the chain, top to bottom).
  absl::Status Chain(const std::string &value) {
    WSAPROTOCOLCHAIN &chain = entry_.ProtocolChain;
    std::vector<string_view> words = Words(value);
    if (words.size() == 1) {
      if (words[0] == "base" || words[0] == "1") {
        chain.ChainLen = BASE_PROTOCOL;
        return absl::OkStatus();
      }
      if (words[0] == "layered" || words[0] == "0") {
        chain.ChainLen = LAYERED_PROTOCOL;
        return absl::OkStatus();
      }
      return Error(
          absl::StrCat("`chain ", value, "`: base (1), layered (0), or at least two catalog IDs"));
    }
    if (words.size() > MAX_PROTOCOL_CHAIN) {
      return Error(
          absl::StrCat("a chain has at most ", MAX_PROTOCOL_CHAIN, " entries, not ", words.size()));
    }
    for (size_t i = 0; i < words.size(); ++i) {
      int64_t id;
      if (!ParseInteger(words[i], 1, 0xffffffffLL, &id)) {
        return Error(absl::StrCat("chain entry `", std::string(words[i]), "` is not a catalog ID"));
      }
      chain.ChainEntries[i] = static_cast<DWORD>(id);
    }
    chain.ChainLen = static_cast<int>(words.size());
    return absl::OkStatus();
  }

  absl::Status FinishEntry() {
    for (const char *required : {"name", "family", "type", "protocol"}) {
      if (seen_.count(required) == 0) {
        return ErrorAt(entry_line_,
                       absl::StrCat("the entry that starts here has no `", required, "`"));
      }
    }
    const int sockaddr = entry_.iAddressFamily == WS_AF_INET6 ? 28 : 16;
    if (seen_.count("max-sockaddr") == 0) entry_.iMaxSockAddr = sockaddr;
    if (seen_.count("min-sockaddr") == 0) entry_.iMinSockAddr = sockaddr;
    d_.entries.push_back(entry_);
    d_.entry_lines.push_back(entry_line_);
    in_entry_ = false;
    return absl::OkStatus();
  }

  const std::string file_;
  int line_ = 0;
  Description d_;
  bool have_provider_ = false, have_path_ = false;
  int lsp_line_ = 0, service_flags_line_ = 0, over_line_ = 0, categories_line_ = 0;
  bool in_entry_ = false;
  int entry_line_ = 0;
  WSAPROTOCOL_INFOW entry_;
  std::set<std::string> seen_;
};

}  // namespace

absl::StatusOr<Description> ParseDescription(std::string_view text, std::string_view file_name) {
  return Parser(file_name).Run(text);
}

absl::StatusOr<Description> ReadDescription(const std::string &file_name) {
  // No blocking open, a regular file only, at most kDescriptionFileLimit: a FIFO, /dev/zero or a
  // folder is refused with a message saying which it is.
  absl::StatusOr<std::string> text =
      ReadRegularFile(file_name, kDescriptionFileLimit, "description file");
  if (!text.ok()) return text.status();
  return ParseDescription(*text, file_name);
}

bool FromUtf8(std::string_view text, std::u16string *out) {
  out->clear();
  for (size_t i = 0; i < text.size();) {
    uint32_t c = 0;
    const size_t n = DecodeUtf8(text, i, &c);
    if (n == 0 || c == 0) return false;  // not UTF-8, or a NUL a Windows string cannot hold
    if (c >= 0x10000) {
      c -= 0x10000;
      out->push_back(static_cast<char16_t>(0xd800 + (c >> 10)));
      out->push_back(static_cast<char16_t>(0xdc00 + (c & 0x3ff)));
    } else {
      out->push_back(static_cast<char16_t>(c));
    }
    i += n;
  }
  return true;
}

bool ParseGuidLoose(std::string_view text, GUID *guid) {
  if (text.size() == 36) return catalog::ParseGuid("{" + std::string(text) + "}", guid);
  return catalog::ParseGuid(text, guid);
}

}  // namespace ws2emu::catalog_tool
