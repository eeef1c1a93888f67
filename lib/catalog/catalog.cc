#include "catalog/catalog.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/utf.h"

namespace ws2emu::catalog {
namespace {
using absl::string_view;


constexpr char kHeader[] =
    "# ws2emu protocol catalog: the installed Winsock providers, in catalog order.\n"
    "# Written by ws2emu (WSCInstallProvider and friends, ws2emu-catalog); every change replaces\n"
    "# the whole file atomically. Edit it with the tools rather than by hand.\n";

std::string Quote(std::u16string_view text) {
  std::string out = "\"";
  for (char16_t c : text) {
    if (c == u'"' || c == u'\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned>(c));
    }
  }
  out += '"';
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Unquote(string_view text, std::u16string *out) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return false;
  text = text.substr(1, text.size() - 2);
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') return false;
    if (c != '\\') {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
        return false;
      out->push_back(static_cast<char16_t>(c));
      continue;
    }
    if (++i >= text.size()) return false;
    if (text[i] == '"' || text[i] == '\\') {
      out->push_back(static_cast<char16_t>(text[i]));
    } else if (text[i] == 'u' && i + 4 < text.size()) {
      unsigned v = 0;
      for (int k = 1; k <= 4; ++k) {
        int d = HexDigit(text[i + k]);
        if (d < 0) return false;
        v = v * 16 + static_cast<unsigned>(d);
      }
      out->push_back(static_cast<char16_t>(v));
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

bool ParseInt64(string_view text, int64_t min, int64_t max, int64_t *out) {
  if (text.empty() || text.size() > 24) return false;
  std::string s(text);
  errno = 0;
  char *end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 0);
  if (errno != 0 || end != s.c_str() + s.size() || v < min || v > max) return false;
  *out = v;
  return true;
}

bool ParseDword(string_view text, DWORD *out) {
  int64_t v;
  if (!ParseInt64(text, 0, 0xffffffffLL, &v)) return false;
  *out = static_cast<DWORD>(v);
  return true;
}

bool ParseInt(string_view text, int *out) {
  int64_t v;
  if (!ParseInt64(text, INT32_MIN, INT32_MAX, &v)) return false;
  *out = static_cast<int>(v);
  return true;
}

absl::uint128 GuidKey(const GUID &guid) {
  static_assert(sizeof(GUID) == 16);
  uint64_t half[2];
  std::memcpy(half, &guid, sizeof(half));
  return absl::MakeUint128(half[0], half[1]);
}

// The quoted string `text` starts with, quotes included (escapes skipped); empty if none.
string_view QuotedPrefix(string_view text) {
  if (text.empty() || text.front() != '"') return {};
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return text.substr(0, i + 1);
    }
  }
  return {};
}

// What identifies an application: its path without ASCII case (as Windows compares paths)
// and its extra string exactly. [inference] Windows documents neither comparison.
std::u16string ApplicationKey(std::u16string_view path, std::u16string_view extra) {
  std::u16string key;
  key.reserve(path.size() + 1 + extra.size());
  for (char16_t c : path) key.push_back(c >= u'A' && c <= u'Z' ? static_cast<char16_t>(c + 32) : c);
  key.push_back(0);  // neither string holds a NUL
  key.append(extra);
  return key;
}

void AppendEntry(std::string *out, const Entry &e) {
  const WSAPROTOCOL_INFOW &p = e.info;
  absl::StrAppendFormat(out, "\nentry %u\n", p.dwCatalogEntryId);
  absl::StrAppend(out, "  provider-id ", GuidToString(p.ProviderId), "\n");
  absl::StrAppend(out, "  path ", Quote(e.path), "\n");
  absl::StrAppend(out, "  name ", Quote(ProtocolName(p)), "\n");
  absl::StrAppendFormat(out, "  service-flags 0x%08x 0x%08x 0x%08x 0x%08x\n", p.dwServiceFlags1,
                        p.dwServiceFlags2, p.dwServiceFlags3, p.dwServiceFlags4);
  absl::StrAppendFormat(out, "  provider-flags 0x%08x\n", p.dwProviderFlags);
  absl::StrAppendFormat(out, "  chain %d", p.ProtocolChain.ChainLen);
  for (DWORD id : p.ProtocolChain.ChainEntries) absl::StrAppendFormat(out, " %u", id);
  absl::StrAppendFormat(out,
                        "\n  version %d\n  address-family %d\n  max-sockaddr %d\n"
                        "  min-sockaddr %d\n  socket-type %d\n  protocol %d\n"
                        "  protocol-max-offset %d\n  network-byte-order %d\n"
                        "  security-scheme %d\n  message-size 0x%08x\n"
                        "  provider-reserved 0x%08x\nend\n",
                        p.iVersion, p.iAddressFamily, p.iMaxSockAddr, p.iMinSockAddr,
                        p.iSocketType, p.iProtocol, p.iProtocolMaxOffset, p.iNetworkByteOrder,
                        p.iSecurityScheme, p.dwMessageSize, p.dwProviderReserved);
}

void AppendNameSpace(std::string *out, const NameSpaceEntry &n) {
  absl::StrAppend(out, "\nname-space ", GuidToString(n.provider), "\n");
  absl::StrAppend(out, "  identifier ", Quote(n.identifier), "\n");
  absl::StrAppend(out, "  path ", Quote(n.path), "\n");
  absl::StrAppendFormat(out, "  name-space %u\n  version %u\n  active %d\n", n.name_space,
                        n.version, n.active ? 1 : 0);
  out->append("  provider-specific \"");
  for (unsigned char c : n.provider_specific) absl::StrAppendFormat(out, "%02x", c);
  out->append("\"\nend\n");
}

// The parser: a line-by-line state machine. Every key of an entry must appear exactly once.
class Parser {
 public:
  Parser(string_view file) : file_(file) {}

  absl::StatusOr<Catalog> Run(string_view text) {
    Catalog catalog;
    bool have_format = false, have_next = false, in_entry = false, in_name_space = false;
    bool have_name_spaces = false;
    Entry entry;
    NameSpaceEntry name_space;
    uint32_t seen = 0;
    absl::flat_hash_set<uint32_t> ids;
    for (string_view raw : absl::StrSplit(text, '\n')) {
      ++line_;
      string_view line = absl::StripAsciiWhitespace(raw);
      if (line.empty() || line.front() == '#') continue;
      size_t space = line.find(' ');
      string_view key = line.substr(0, space);
      string_view value =
          space == string_view::npos ? "" : absl::StripAsciiWhitespace(line.substr(space));
      if (!have_format) {
        int version;
        if (key != "format" || !ParseInt(value, &version) || version < 1)
          return Error("the file does not start with a `format N` line");
        if (version > kFormatVersion) {
          return absl::FailedPreconditionError(absl::StrFormat(
              "%s:%d: catalog format %d is newer than this ws2emu reads (%d); refusing it", file_,
              line_, version, kFormatVersion));
        }
        version_ = version;
        have_format = true;
        continue;
      }
      if (in_name_space) {
        if (key == "end") {
          if (seen != kAllNameSpaceKeys)
            return Error("name-space block ends before all of its fields were given");
          if (!name_space_ids_.insert(GuidKey(name_space.provider)).second)
            return Error("the same name-space provider GUID twice");
          catalog.name_spaces.push_back(std::move(name_space));
          in_name_space = false;
          continue;
        }
        absl::Status s = NameSpaceField(key, value, &name_space, &seen);
        if (!s.ok()) return s;
        continue;
      }
      if (!in_entry) {
        if (version_ >= 3 && key == "name-spaces") {
          if (have_name_spaces || !value.empty()) return Error("bad or repeated name-spaces line");
          have_name_spaces = true;
          catalog.name_spaces.clear();  // the file's list replaces the default one
          continue;
        }
        if (version_ >= 3 && key == "name-space") {
          if (!have_name_spaces) return Error("a name-space block before the name-spaces line");
          name_space = NameSpaceEntry();
          if (!ParseGuid(std::string_view(value.data(), value.size()), &name_space.provider))
            return Error("bad name-space provider GUID");
          in_name_space = true;
          seen = 0;
          continue;
        }
        if (key == "next-id") {
          if (have_next || !ParseDword(value, &catalog.next_id) ||
              catalog.next_id < kFirstCatalogId)
            return Error("bad or repeated next-id");
          have_next = true;
        } else if (version_ >= 2 && key == "lsp-categories") {
          absl::Status st = LspCategoriesLine(value, &catalog);
          if (!st.ok()) return st;
        } else if (version_ >= 2 && key == "app-category") {
          absl::Status st = ApplicationLine(value, &catalog);
          if (!st.ok()) return st;
        } else if (key == "entry") {
          std::memset(&entry.info, 0, sizeof(entry.info));
          entry.path.clear();
          if (!ParseDword(value, &entry.info.dwCatalogEntryId) ||
              entry.info.dwCatalogEntryId < kFirstCatalogId)
            return Error("bad catalog ID");
          in_entry = true;
          seen = 0;
        } else {
          return Error(absl::StrCat("unexpected `", key, "` outside an entry"));
        }
        continue;
      }
      if (key == "end") {
        if (seen != kAllKeys) return Error("entry ends before all of its fields were given");
        // A set of the IDs so far keeps the whole parse linear (a scan per entry made 100k
        // entries take seconds).
        if (!ids.insert(entry.info.dwCatalogEntryId).second)
          return Error("catalog ID appears twice");
        if (!have_next) return Error("next-id must come before the entries");
        if (entry.info.dwCatalogEntryId >= catalog.next_id)
          return Error("catalog ID is not below next-id");
        catalog.entries.push_back(entry);
        in_entry = false;
        continue;
      }
      absl::Status s = Field(key, value, &entry, &seen);
      if (!s.ok()) return s;
    }
    // The piece after a final newline is not a line: end-of-file errors name the last one.
    if (!text.empty() && text.back() == '\n') --line_;
    if (!have_format) return Error("empty file (no `format` line)");
    if (in_entry) return Error("the file ends inside an entry (truncated?)");
    if (in_name_space) return Error("the file ends inside a name-space block (truncated?)");
    if (!have_next) return Error("no next-id line");
    // Provider info only for installed providers: a removal drops it with the last entry.
    if (!catalog.provider_info.empty()) {
      const EntryIndex installed(catalog.entries);
      for (size_t i = 0; i < catalog.provider_info.size(); ++i) {
        if (installed.FirstOf(catalog.provider_info[i].provider) == nullptr) {
          line_ = info_lines_[i];
          return Error("LSP categories for a provider that is not installed");
        }
      }
    }
    return catalog;
  }

 private:
  static constexpr uint32_t kAllKeys = (1u << 17) - 1;
  static constexpr uint32_t kAllNameSpaceKeys = (1u << 6) - 1;

  // A field of a `name-space` block (format 3); what WSCInstallNameSpace refuses is damage.
  absl::Status NameSpaceField(string_view key, string_view value, NameSpaceEntry *n,
                              uint32_t *seen) {
    static constexpr const char *kKeys[] = {"identifier", "path",   "name-space",
                                            "version",    "active", "provider-specific"};
    int index = -1;
    for (int i = 0; i < 6; ++i) {
      if (key == kKeys[i]) index = i;
    }
    if (index < 0) return Error(absl::StrCat("unknown name-space field `", key, "`"));
    if (*seen & (1u << index)) return Error(absl::StrCat("field `", key, "` given twice"));
    *seen |= 1u << index;
    bool ok = false;
    switch (index) {
      case 0:
        ok = Unquote(value, &n->identifier) && !n->identifier.empty() &&
             n->identifier.size() <= kMaxNameSpaceIdentifier &&
             n->identifier.find(u'\0') == std::u16string::npos;
        break;
      case 1:
        ok = Unquote(value, &n->path) && !n->path.empty() && n->path.size() + 1 <= kMaxPath &&
             n->path.find(u'\0') == std::u16string::npos;
        break;
      case 2: ok = ParseDword(value, &n->name_space); break;
      case 3: ok = ParseDword(value, &n->version); break;
      case 4:
        ok = value == "0" || value == "1";
        n->active = value == "1";
        break;
      case 5: {
        std::u16string hex;
        ok = Unquote(value, &hex) && hex.size() % 2 == 0 && hex.size() / 2 <= kMaxProviderSpecific;
        n->provider_specific.clear();
        for (size_t i = 0; ok && i < hex.size(); i += 2) {
          int hi = hex[i] < 0x80 ? HexDigit(static_cast<char>(hex[i])) : -1;
          int lo = hex[i + 1] < 0x80 ? HexDigit(static_cast<char>(hex[i + 1])) : -1;
          ok = hi >= 0 && lo >= 0;
          n->provider_specific.push_back(static_cast<char>(hi * 16 + lo));
        }
        break;
      }
    }
    if (!ok) return Error(absl::StrCat("bad value for name-space field `", key, "`"));
    return absl::OkStatus();
  }

  // `lsp-categories {GUID} 0xXXXXXXXX` (format 2).
  absl::Status LspCategoriesLine(string_view value, Catalog *catalog) {
    std::vector<string_view> v = absl::StrSplit(value, ' ', absl::SkipEmpty());
    ProviderInfo info;
    if (v.size() != 2 || !ParseGuid(std::string_view(v[0].data(), v[0].size()), &info.provider) ||
        !ParseDword(v[1], &info.lsp_categories))
      return Error("bad lsp-categories line (want `lsp-categories {GUID} 0xXXXXXXXX`)");
    if (info.lsp_categories == 0 || (info.lsp_categories & ~kLspCategoryMask) != 0)
      return Error("LSP categories must be a nonzero set of LSP_* flags");
    if (!providers_.insert(GuidKey(info.provider)).second)
      return Error("LSP categories for the same provider twice");
    catalog->provider_info.push_back(info);
    info_lines_.push_back(line_);
    return absl::OkStatus();
  }

  // `app-category 0xXXXXXXXX "path" "extra"` (format 2).
  absl::Status ApplicationLine(string_view value, Catalog *catalog) {
    ApplicationCategory app;
    size_t space = value.find(' ');
    if (space == string_view::npos || !ParseDword(value.substr(0, space), &app.permitted))
      return Error("bad app-category line (want `app-category 0xXXXXXXXX \"path\" \"extra\"`)");
    if ((app.permitted & ~kLspCategoryMask) != 0)
      return Error("permitted LSP categories hold bits that are not LSP_* flags");
    string_view rest = absl::StripLeadingAsciiWhitespace(value.substr(space));
    string_view first = QuotedPrefix(rest);
    string_view second = absl::StripAsciiWhitespace(rest.substr(first.size()));
    if (first.empty() || !Unquote(first, &app.path) || !Unquote(second, &app.extra))
      return Error("bad app-category strings (want two quoted strings: path and extra)");
    if (app.path.empty() || app.path.size() > kMaxApplicationString ||
        app.extra.size() > kMaxApplicationString)
      return Error("an application path is empty, or a path or extra string is too long");
    if (app.path.find(u'\0') != std::u16string::npos ||
        app.extra.find(u'\0') != std::u16string::npos)
      return Error("an application path or extra string holds a NUL character");
    std::u16string key = ApplicationKey(app.path, app.extra);
    if (!applications_.insert(std::move(key)).second)
      return Error("the same application (path and extra) twice");
    catalog->applications.push_back(std::move(app));
    return absl::OkStatus();
  }

  absl::Status Error(string_view what) const {
    return absl::InvalidArgumentError(absl::StrFormat("%s:%d: %s", file_, line_, what));
  }

  absl::Status Field(string_view key, string_view value, Entry *e, uint32_t *seen) {
    static constexpr const char *kKeys[] = {
        "provider-id",     "path",         "name",           "service-flags",
        "provider-flags",  "chain",        "version",        "address-family",
        "max-sockaddr",    "min-sockaddr", "socket-type",    "protocol",
        "protocol-max-offset", "network-byte-order", "security-scheme", "message-size",
        "provider-reserved"};
    int index = -1;
    for (int i = 0; i < 17; ++i) {
      if (key == kKeys[i]) index = i;
    }
    if (index < 0) return Error(absl::StrCat("unknown field `", key, "`"));
    if (*seen & (1u << index)) return Error(absl::StrCat("field `", key, "` given twice"));
    *seen |= 1u << index;
    WSAPROTOCOL_INFOW &p = e->info;
    bool ok = false;
    switch (index) {
      case 0:
        ok = ParseGuid(std::string_view(value.data(), value.size()), &p.ProviderId);
        break;
      case 1:
        if (!Unquote(value, &e->path)) break;
        // What WSCInstallProvider refuses (operations.cc CheckPath) makes the file damaged.
        if (e->path.empty()) return Error("empty provider path");
        if (e->path.size() + 1 > kMaxPath) {
          return Error(absl::StrCat("the provider path is ", e->path.size(),
                                    " characters long; MAX_PATH is ", kMaxPath));
        }
        if (e->path.find(u'\0') != std::u16string::npos)
          return Error("the provider path holds a NUL character");
        ok = true;
        break;
      case 2: {
        std::u16string name;
        if (!Unquote(value, &name)) break;
        if (name.find(u'\0') != std::u16string::npos)
          return Error("the name holds a NUL character");
        ok = name.size() <= WSAPROTOCOL_LEN;
        if (ok) std::memcpy(p.szProtocol, name.data(), name.size() * sizeof(char16_t));
        break;
      }
      case 3: {
        std::vector<string_view> v = absl::StrSplit(value, ' ', absl::SkipEmpty());
        ok = v.size() == 4 && ParseDword(v[0], &p.dwServiceFlags1) &&
             ParseDword(v[1], &p.dwServiceFlags2) && ParseDword(v[2], &p.dwServiceFlags3) &&
             ParseDword(v[3], &p.dwServiceFlags4);
        break;
      }
      case 4:
        ok = ParseDword(value, &p.dwProviderFlags);
        break;
      case 5: {
        std::vector<string_view> v = absl::StrSplit(value, ' ', absl::SkipEmpty());
        ok = v.size() == 1 + MAX_PROTOCOL_CHAIN && ParseInt(v[0], &p.ProtocolChain.ChainLen);
        for (int i = 0; ok && i < MAX_PROTOCOL_CHAIN; ++i)
          ok = ParseDword(v[1 + i], &p.ProtocolChain.ChainEntries[i]);
        // 0 layered, 1 base, 2..7 a chain: what the WSC calls accept (SPEC.md §2.3).
        if (ok && (p.ProtocolChain.ChainLen < LAYERED_PROTOCOL ||
                   p.ProtocolChain.ChainLen > MAX_PROTOCOL_CHAIN)) {
          return Error(absl::StrCat("ChainLen ", p.ProtocolChain.ChainLen, " is not 0..",
                                    MAX_PROTOCOL_CHAIN));
        }
        break;
      }
      case 6: ok = ParseInt(value, &p.iVersion); break;
      case 7: ok = ParseInt(value, &p.iAddressFamily); break;
      case 8: ok = ParseInt(value, &p.iMaxSockAddr); break;
      case 9: ok = ParseInt(value, &p.iMinSockAddr); break;
      case 10: ok = ParseInt(value, &p.iSocketType); break;
      case 11: ok = ParseInt(value, &p.iProtocol); break;
      case 12: ok = ParseInt(value, &p.iProtocolMaxOffset); break;
      case 13: ok = ParseInt(value, &p.iNetworkByteOrder); break;
      case 14: ok = ParseInt(value, &p.iSecurityScheme); break;
      case 15: ok = ParseDword(value, &p.dwMessageSize); break;
      case 16: ok = ParseDword(value, &p.dwProviderReserved); break;
    }
    if (!ok) return Error(absl::StrCat("bad value for `", key, "`"));
    return absl::OkStatus();
  }

  string_view file_;
  int line_ = 0;
  int version_ = 0;
  absl::flat_hash_set<absl::uint128> providers_;
  std::vector<int> info_lines_;
  absl::flat_hash_set<std::u16string> applications_;
  absl::flat_hash_set<absl::uint128> name_space_ids_;
};

}  // namespace

EntryIndex::EntryIndex(const std::vector<Entry> &entries) {
  by_id_.reserve(entries.size());
  for (const Entry &e : entries) {
    by_id_.try_emplace(e.info.dwCatalogEntryId, &e);
    by_provider_.try_emplace(Key(e.info.ProviderId), &e);  // keeps the first
  }
}

absl::uint128 EntryIndex::Key(const GUID &guid) { return GuidKey(guid); }

const Entry *EntryIndex::Find(uint32_t catalog_id) const {
  auto it = by_id_.find(catalog_id);
  return it == by_id_.end() ? nullptr : it->second;
}

const Entry *EntryIndex::FirstOf(const GUID &provider) const {
  auto it = by_provider_.find(Key(provider));
  return it == by_provider_.end() ? nullptr : it->second;
}

Catalog &Catalog::operator=(const Catalog &other) {
  if (this != &other) {
    next_id = other.next_id;
    entries = other.entries;
    provider_info = other.provider_info;
    applications = other.applications;
    name_spaces = other.name_spaces;
    index_.reset();
  }
  return *this;
}

bool NameSpaceEntry::operator==(const NameSpaceEntry &o) const {
  return SameGuid(provider, o.provider) && identifier == o.identifier && path == o.path &&
         name_space == o.name_space && version == o.version && active == o.active &&
         provider_specific == o.provider_specific;
}

const NameSpaceEntry *Catalog::FindNameSpace(const GUID &provider) const {
  for (const NameSpaceEntry &n : name_spaces) {
    if (SameGuid(n.provider, provider)) return &n;
  }
  return nullptr;
}

NameSpaceEntry *Catalog::FindNameSpace(const GUID &provider) {
  for (NameSpaceEntry &n : name_spaces) {
    if (SameGuid(n.provider, provider)) return &n;
  }
  return nullptr;
}

void Catalog::BuildIndex() { index_ = std::make_shared<const EntryIndex>(entries); }

const Entry *Catalog::Find(uint32_t catalog_id) const {
  if (index_) return index_->Find(catalog_id);
  for (const Entry &e : entries) {
    if (e.info.dwCatalogEntryId == catalog_id) return &e;
  }
  return nullptr;
}

bool Catalog::HasProvider(const GUID &provider) const {
  if (index_) return index_->FirstOf(provider) != nullptr;
  for (const Entry &e : entries) {
    if (SameGuid(e.info.ProviderId, provider)) return true;
  }
  return false;
}

DWORD Catalog::LspCategories(const GUID &provider) const {
  for (const ProviderInfo &i : provider_info) {
    if (SameGuid(i.provider, provider)) return i.lsp_categories;
  }
  return 0;
}

void Catalog::SetLspCategories(const GUID &provider, DWORD categories) {
  for (size_t k = 0; k < provider_info.size(); ++k) {
    if (!SameGuid(provider_info[k].provider, provider)) continue;
    if (categories == 0) {
      provider_info.erase(provider_info.begin() + static_cast<ptrdiff_t>(k));
    } else {
      provider_info[k].lsp_categories = categories;
    }
    return;
  }
  if (categories != 0) provider_info.push_back({provider, categories});
}

void Catalog::DropOrphanProviderInfo() {
  if (provider_info.empty()) return;
  const EntryIndex installed(entries);
  std::erase_if(provider_info,
                [&](const ProviderInfo &i) { return installed.FirstOf(i.provider) == nullptr; });
}

const ApplicationCategory *Catalog::FindApplication(std::u16string_view path,
                                                    std::u16string_view extra) const {
  for (const ApplicationCategory &a : applications) {
    if (EqualNoCase(a.path, path) && a.extra == extra) return &a;
  }
  return nullptr;
}

uint32_t SalvageNextId(std::string_view text_in) {
  string_view text(text_in.data(), text_in.size());
  uint64_t next = kFirstCatalogId;
  for (string_view raw : absl::StrSplit(text, '\n')) {
    string_view line = absl::StripAsciiWhitespace(raw);
    uint64_t candidate = 0;
    DWORD v = 0;
    if (absl::ConsumePrefix(&line, "next-id ")) {
      if (ParseDword(absl::StripAsciiWhitespace(line), &v)) candidate = v;
    } else if (absl::ConsumePrefix(&line, "entry ")) {
      if (ParseDword(absl::StripAsciiWhitespace(line), &v)) candidate = uint64_t{v} + 1;
    }
    next = std::max(next, candidate);
  }
  return static_cast<uint32_t>(std::min<uint64_t>(next, UINT32_MAX));
}

std::string Serialize(const Catalog &catalog) {
  std::string out = kHeader;
  // The lowest format that holds what the catalog has: older builds keep reading a catalog
  // that does not use what they do not know.
  const bool extended = !catalog.provider_info.empty() || !catalog.applications.empty();
  const bool name_spaces = catalog.name_spaces != DefaultNameSpaces();
  absl::StrAppendFormat(&out, "format %d\nnext-id %u\n", name_spaces ? 3 : extended ? 2 : 1,
                        catalog.next_id);
  for (const Entry &e : catalog.entries) AppendEntry(&out, e);
  if (extended) out += "\n";
  for (const ProviderInfo &i : catalog.provider_info) {
    absl::StrAppendFormat(&out, "lsp-categories %s 0x%08x\n", GuidToString(i.provider),
                          i.lsp_categories);
  }
  for (const ApplicationCategory &a : catalog.applications) {
    absl::StrAppendFormat(&out, "app-category 0x%08x %s %s\n", a.permitted, Quote(a.path),
                          Quote(a.extra));
  }
  if (name_spaces) {
    out += "\nname-spaces\n";
    for (const NameSpaceEntry &n : catalog.name_spaces) AppendNameSpace(&out, n);
  }
  return out;
}

absl::StatusOr<Catalog> Parse(std::string_view text, std::string_view file_name) {
  if (text.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(string_view(file_name.data(), file_name.size()),
                     ": holds NUL bytes (not a catalog, or damaged)"));
  }
  return Parser(string_view(file_name.data(), file_name.size()))
      .Run(string_view(text.data(), text.size()));
}

std::string GuidToString(const GUID &g) {
  return absl::StrFormat("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", g.Data1, g.Data2,
                         g.Data3, g.Data4[0], g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4],
                         g.Data4[5], g.Data4[6], g.Data4[7]);
}

bool ParseGuid(std::string_view t_in, GUID *guid) {
  string_view t(t_in.data(), t_in.size());
  // {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}
  if (t.size() != 38 || t[0] != '{' || t[37] != '}' || t[9] != '-' || t[14] != '-' ||
      t[19] != '-' || t[24] != '-')
    return false;
  auto hex = [&](size_t at, int digits, uint64_t *v) {
    *v = 0;
    for (int i = 0; i < digits; ++i) {
      int d = HexDigit(t[at + i]);
      if (d < 0) return false;
      *v = *v * 16 + static_cast<uint64_t>(d);
    }
    return true;
  };
  uint64_t a, b, c, d[8];
  if (!hex(1, 8, &a) || !hex(10, 4, &b) || !hex(15, 4, &c)) return false;
  static constexpr size_t kAt[8] = {20, 22, 25, 27, 29, 31, 33, 35};
  for (int i = 0; i < 8; ++i) {
    if (!hex(kAt[i], 2, &d[i])) return false;
  }
  guid->Data1 = static_cast<uint32_t>(a);
  guid->Data2 = static_cast<uint16_t>(b);
  guid->Data3 = static_cast<uint16_t>(c);
  for (int i = 0; i < 8; ++i) guid->Data4[i] = static_cast<uint8_t>(d[i]);
  return true;
}

bool SameGuid(const GUID &a, const GUID &b) { return std::memcmp(&a, &b, sizeof(GUID)) == 0; }

bool EqualNoCase(std::u16string_view a, std::u16string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char16_t x = a[i], y = b[i];
    if (x >= u'A' && x <= u'Z') x = static_cast<char16_t>(x + 32);
    if (y >= u'A' && y <= u'Z') y = static_cast<char16_t>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::u16string ProtocolName(const WSAPROTOCOL_INFOW &info) {
  size_t n = 0;
  while (n < WSAPROTOCOL_LEN + 1 && info.szProtocol[n] != 0) ++n;
  if (n == WSAPROTOCOL_LEN + 1) n = WSAPROTOCOL_LEN;  // unterminated: the last unit is dropped
  return std::u16string(reinterpret_cast<const char16_t *>(info.szProtocol), n);
}

}  // namespace ws2emu::catalog
