#include "catalog/operations.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/utf.h"
#include "ws2emu/winsock_errors.h"

namespace ws2emu::catalog {
namespace {

bool IsLayered(const WSAPROTOCOL_INFOW &p) { return p.ProtocolChain.ChainLen == LAYERED_PROTOCOL; }
bool IsBase(const WSAPROTOCOL_INFOW &p) { return p.ProtocolChain.ChainLen == BASE_PROTOCOL; }

absl::Status CheckPath(std::u16string_view path) {
  if (path.empty()) return WsaStatus(WSAEINVAL, "the provider path is empty");
  if (path.size() + 1 > kMaxPath) {
    return WsaStatus(WSAEINVAL, absl::StrCat("the provider path is ", path.size(),
                                             " characters long; MAX_PATH is 260"));
  }
  return absl::OkStatus();
}

// The install-time rules of SPEC.md §2.3 for one entry given by an installer.
// `installed` indexes the catalog as it is before the change.
absl::Status CheckEntry(const EntryIndex &installed, const WSAPROTOCOL_INFOW &p, uint32_t index) {
  const int len = p.ProtocolChain.ChainLen;
  const std::string which = absl::StrCat("entry ", index);
  if (len < 0 || len > MAX_PROTOCOL_CHAIN) {
    return WsaStatus(WSAEINVAL, absl::StrCat(which, ": ChainLen ", len, " is not 0..7"));
  }
  bool terminated = false;
  for (WCHAR c : p.szProtocol) terminated = terminated || c == 0;
  if (!terminated) {
    return WsaStatus(WSAEINVAL, absl::StrCat(which, ": szProtocol is not NUL-terminated"));
  }
  if (len < 2) return absl::OkStatus();
  for (int i = 0; i < len; ++i) {
    const DWORD id = p.ProtocolChain.ChainEntries[i];
    const Entry *e = installed.Find(id);
    if (e == nullptr) {
      return WsaStatus(WSAEINVAL, absl::StrCat(which, ": chain entry ", i, " names catalog ID ",
                                               id, ", which is not installed"));
    }
    const bool last = i == len - 1;
    if (last && !IsBase(e->info)) {
      return WsaStatus(WSAEINVAL, absl::StrCat(which, ": the last chain entry (", id,
                                               ") must be a base protocol (ChainLen 1)"));
    }
    if (!last && !IsLayered(e->info)) {
      return WsaStatus(WSAEINVAL, absl::StrCat(which, ": chain entry ", i, " (", id,
                                               ") must be a layered protocol (ChainLen 0)"));
    }
  }
  return absl::OkStatus();
}

void SetName(WSAPROTOCOL_INFOW *p, std::u16string_view name) {
  std::memset(p->szProtocol, 0, sizeof(p->szProtocol));
  size_t n = std::min<size_t>(name.size(), WSAPROTOCOL_LEN);
  std::memcpy(p->szProtocol, name.data(), n * sizeof(char16_t));
}

absl::Status OutOfIds() {
  return WsaStatus(WSA_NOT_ENOUGH_MEMORY, "the catalog has used up its catalog IDs");
}

// A fresh random GUID (RFC 4122 version 4, from getrandom) that no entry of `catalog` and none
// of `taken` has. What CoCreateGuid gives an installer, and what Windows gives each chain that
// WSCInstallProviderAndChains makes (Microsoft's LSP sample: the chains' GUIDs are generated at
// install time). Unavailable if the kernel gives no random bytes.
absl::StatusOr<GUID> FreshGuid(const Catalog &catalog, const std::vector<GUID> &taken) {
  for (;;) {
    unsigned char bytes[sizeof(GUID)];
    size_t have = 0;
    while (have < sizeof(bytes)) {
      ssize_t n = getrandom(bytes + have, sizeof(bytes) - have, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return WsaStatus(WSANO_RECOVERY, absl::StrCat("no random bytes for a chain's GUID: ",
                                                      std::strerror(errno)));
      }
      have += static_cast<size_t>(n);
    }
    GUID g;
    std::memcpy(&g, bytes, sizeof(g));
    g.Data3 = static_cast<uint16_t>((g.Data3 & 0x0fff) | 0x4000);  // version 4
    g.Data4[0] = static_cast<unsigned char>((g.Data4[0] & 0x3f) | 0x80);  // RFC 4122 variant
    bool used = catalog.HasProvider(g);
    for (const GUID &t : taken) used = used || SameGuid(t, g);
    if (!used) return g;  // a repeat of 122 random bits: practically never loops
  }
}

}  // namespace

absl::StatusOr<std::vector<uint32_t>> InstallProvider(Store &store, const GUID &provider,
                                                      std::u16string_view path,
                                                      const WSAPROTOCOL_INFOW *entries,
                                                      uint32_t count) {
  absl::Status s = CheckPath(path);
  if (!s.ok()) return s;
  if (entries == nullptr || count == 0) return WsaStatus(WSAEINVAL, "no entries to install");
  std::vector<uint32_t> ids;
  s = store.Modify([&](Catalog &c) {
    if (c.HasProvider(provider)) {
      return WsaStatus(WSANO_RECOVERY, absl::StrCat("provider ", GuidToString(provider),
                                                    " is already installed"));
    }
    const EntryIndex installed(c.entries);
    for (uint32_t i = 0; i < count; ++i) {
      absl::Status e = CheckEntry(installed, entries[i], i);
      if (!e.ok()) return e;
    }
    if (c.next_id > UINT32_MAX - count) return OutOfIds();
    ids.clear();
    for (uint32_t i = 0; i < count; ++i) {
      Entry e{entries[i], std::u16string(path)};
      // [inference] ws2_32 owns the catalog ID; the provider GUID of every entry is the one
      // the call installs.
      e.info.dwCatalogEntryId = c.next_id++;
      e.info.ProviderId = provider;
      ids.push_back(e.info.dwCatalogEntryId);
      c.entries.push_back(e);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return ids;
}

absl::StatusOr<uint32_t> InstallProviderAndChains(Store &store, const GUID &provider,
                                                  std::u16string_view path,
                                                  std::u16string_view lsp_name,
                                                  DWORD service_flags,
                                                  const WSAPROTOCOL_INFOW *over, uint32_t count) {
  absl::Status s = CheckPath(path);
  if (!s.ok()) return s;
  if (lsp_name.empty() || lsp_name.size() > WSAPROTOCOL_LEN) {
    return WsaStatus(WSAEINVAL, "the LSP name is empty or longer than WSAPROTOCOL_LEN (255)");
  }
  if (over != nullptr && count == 0) {
    return WsaStatus(WSAEINVAL, "a protocol list with no entries");
  }
  uint32_t layered_id = 0;
  s = store.Modify([&](Catalog &c) {
    if (c.HasProvider(provider)) {
      return WsaStatus(WSAEINVAL, absl::StrCat("provider ", GuidToString(provider),
                                               " is already installed"));
    }
    for (const Entry &e : c.entries) {
      if (IsLayered(e.info) && EqualNoCase(ProtocolName(e.info), lsp_name)) {
        return WsaStatus(WSAEINVAL,
                         absl::StrCat("a layered provider named \"", Utf16ToUtf8(lsp_name),
                                      "\" is already installed"));
      }
    }
    // The (family, type, protocol) tuples to layer over, in order, without duplicates.
    std::vector<std::tuple<int, int, int>> tuples;
    std::set<std::tuple<int, int, int>> seen;
    if (over != nullptr) {
      for (uint32_t i = 0; i < count; ++i) {
        auto t = std::make_tuple(over[i].iAddressFamily, over[i].iSocketType, over[i].iProtocol);
        if (seen.insert(t).second) tuples.push_back(t);
      }
    } else {
      for (const Entry &e : c.entries) {
        if (!IsBase(e.info)) continue;
        auto t = std::make_tuple(e.info.iAddressFamily, e.info.iSocketType, e.info.iProtocol);
        if (seen.insert(t).second) tuples.push_back(t);
      }
      if (tuples.empty()) return WsaStatus(WSANO_RECOVERY, "there is no base provider to layer over");
    }
    // The top-most visible entry (base or chain) for each tuple, found in one pass.
    absl::flat_hash_map<std::tuple<int, int, int>, const Entry *> top;
    for (const Entry &e : c.entries) {
      if (e.info.ProtocolChain.ChainLen < 1) continue;
      top.try_emplace(std::make_tuple(e.info.iAddressFamily, e.info.iSocketType, e.info.iProtocol),
                      &e);
    }
    std::vector<const Entry *> below;
    for (const auto &[family, type, protocol] : tuples) {
      auto found = top.find(std::make_tuple(family, type, protocol));
      const Entry *match = found == top.end() ? nullptr : found->second;
      if (match == nullptr) {
        return WsaStatus(WSAEINVAL, absl::StrCat("no installed protocol matches family ", family,
                                                 ", type ", type, ", protocol ", protocol));
      }
      if (match->info.ProtocolChain.ChainLen + 1 > MAX_PROTOCOL_CHAIN) {
        return WsaStatus(WSANO_RECOVERY,
                         absl::StrCat("layering over entry ", match->info.dwCatalogEntryId,
                                      " would make a chain longer than MAX_PROTOCOL_CHAIN (7)"));
      }
      below.push_back(match);
    }
    if (c.next_id > UINT32_MAX - 1 - below.size()) return OutOfIds();
    // The layered ("dummy") entry: hidden, named after the LSP, with the given service flags;
    // the rest describes the first protocol it layers over [inference].
    Entry layered{below[0]->info, std::u16string(path)};
    layered.info.dwServiceFlags1 = service_flags;
    layered.info.dwProviderFlags = PFL_HIDDEN;
    layered.info.ProviderId = provider;
    layered.info.dwCatalogEntryId = layered_id = c.next_id++;
    std::memset(&layered.info.ProtocolChain, 0, sizeof(layered.info.ProtocolChain));
    SetName(&layered.info, lsp_name);
    std::vector<Entry> chains;
    std::vector<GUID> taken = {provider};
    for (const Entry *b : below) {
      Entry chain{b->info, std::u16string(path)};
      WSAPROTOCOLCHAIN &pc = chain.info.ProtocolChain;
      pc.ChainEntries[0] = layered_id;
      if (IsBase(b->info)) {
        pc.ChainEntries[1] = b->info.dwCatalogEntryId;
        pc.ChainLen = 2;
      } else {
        for (int i = 0; i < b->info.ProtocolChain.ChainLen; ++i)
          pc.ChainEntries[i + 1] = b->info.ProtocolChain.ChainEntries[i];
        pc.ChainLen = b->info.ProtocolChain.ChainLen + 1;
      }
      // Each chain is its own provider entry with a GUID of its own; the LSP finds its hidden
      // entry by its GUID, and its chains as the entries whose ChainEntries[0] is that entry.
      absl::StatusOr<GUID> guid = FreshGuid(c, taken);
      if (!guid.ok()) return guid.status();
      taken.push_back(*guid);
      chain.info.ProviderId = *guid;
      chain.info.dwCatalogEntryId = c.next_id++;
      chain.info.dwProviderFlags &= ~static_cast<DWORD>(PFL_HIDDEN);
      // A chain hands out IFS handles only if the layer does too [inference].
      if ((service_flags & XP1_IFS_HANDLES) == 0) chain.info.dwServiceFlags1 &= ~XP1_IFS_HANDLES;
      SetName(&chain.info, std::u16string(lsp_name) + u" over [" + ProtocolName(b->info) + u"]");
      chains.push_back(chain);
    }
    // The chains go first in the catalog order (the point of this call); the hidden layered
    // entry at the end.
    c.entries.insert(c.entries.begin(), chains.begin(), chains.end());
    c.entries.push_back(layered);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return layered_id;
}

absl::Status DeinstallProvider(Store &store, const GUID &provider) {
  return store.Modify([&](Catalog &c) {
    if (!c.HasProvider(provider)) {
      return WsaStatus(WSAEINVAL,
                       absl::StrCat("provider ", GuidToString(provider), " is not installed"));
    }
    // Windows does not refuse while a chain goes through one of the entries (installers remove
    // an LSP's hidden entry before its chains); such a chain fails where it is used.
    std::erase_if(c.entries, [&](const Entry &e) { return SameGuid(e.info.ProviderId, provider); });
    c.DropOrphanProviderInfo();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<Entry>> DeinstallProviderAndChains(Store &store,
                                                             const GUID &provider) {
  std::vector<Entry> removed;
  absl::Status s = store.Modify([&](Catalog &c) {
    if (!c.HasProvider(provider)) {
      return WsaStatus(WSAEINVAL,
                       absl::StrCat("provider ", GuidToString(provider), " is not installed"));
    }
    std::set<uint32_t> layers;
    for (const Entry &e : c.entries) {
      if (SameGuid(e.info.ProviderId, provider) && IsLayered(e.info))
        layers.insert(e.info.dwCatalogEntryId);
    }
    auto goes = [&](const Entry &e) {
      if (SameGuid(e.info.ProviderId, provider)) return true;
      const int len = e.info.ProtocolChain.ChainLen;
      return len >= 2 && len <= MAX_PROTOCOL_CHAIN &&
             layers.contains(e.info.ProtocolChain.ChainEntries[0]);
    };
    removed.clear();
    for (const Entry &e : c.entries) {
      if (goes(e)) removed.push_back(e);
    }
    std::erase_if(c.entries, goes);
    c.DropOrphanProviderInfo();  // the provider's, and its chains'
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return removed;
}

absl::Status UpdateProvider(Store &store, const GUID &provider, std::u16string_view path,
                            const WSAPROTOCOL_INFOW *entries, uint32_t count) {
  absl::Status s = CheckPath(path);
  if (!s.ok()) return s;
  if (entries == nullptr || count == 0) return WsaStatus(WSAEINVAL, "no entries to update");
  return store.Modify([&](Catalog &c) {
    uint32_t mine = 0;
    for (const Entry &e : c.entries) mine += SameGuid(e.info.ProviderId, provider) ? 1 : 0;
    if (mine == 0) {
      return WsaStatus(WSAEINVAL,
                       absl::StrCat("provider ", GuidToString(provider), " is not installed"));
    }
    if (count != mine) {
      return WsaStatus(WSAEINVAL, absl::StrCat("the provider has ", mine, " entries; ", count,
                                               " were given"));
    }
    std::set<uint32_t> given;
    const EntryIndex installed(c.entries);
    for (uint32_t i = 0; i < count; ++i) {
      const Entry *e = installed.Find(entries[i].dwCatalogEntryId);
      if (e == nullptr || !SameGuid(e->info.ProviderId, provider) ||
          !given.insert(entries[i].dwCatalogEntryId).second) {
        return WsaStatus(WSAEINVAL, absl::StrCat("entry ", i, ": catalog ID ",
                                                 entries[i].dwCatalogEntryId,
                                                 " is not one of the provider's, or repeats"));
      }
      absl::Status check = CheckEntry(installed, entries[i], i);
      if (!check.ok()) return check;
    }
    // Catalog IDs are unique (the parser checks it), so each given entry replaces one entry;
    // the position of each is looked up rather than scanned for.
    absl::flat_hash_map<uint32_t, size_t> at;
    for (size_t k = 0; k < c.entries.size(); ++k) at.emplace(c.entries[k].info.dwCatalogEntryId, k);
    for (uint32_t i = 0; i < count; ++i) {
      auto found = at.find(entries[i].dwCatalogEntryId);
      if (found == at.end()) continue;  // cannot happen: checked above
      Entry &e = c.entries[found->second];
      e.info = entries[i];
      e.info.ProviderId = provider;
    }
    for (Entry &e : c.entries) {
      if (SameGuid(e.info.ProviderId, provider)) e.path = std::u16string(path);
    }
    return absl::OkStatus();
  });
}

absl::Status WriteProviderOrder(Store &store, const DWORD *ids, uint32_t count) {
  if (ids == nullptr) return WsaStatus(WSAEINVAL, "no catalog ID array");
  return store.Modify([&](Catalog &c) {
    if (count != c.entries.size()) {
      return WsaStatus(WSAEINVAL, absl::StrCat("the catalog has ", c.entries.size(),
                                               " entries; the order names ", count));
    }
    std::vector<Entry> ordered;
    std::set<uint32_t> seen;
    const EntryIndex installed(c.entries);
    for (uint32_t i = 0; i < count; ++i) {
      const Entry *e = installed.Find(ids[i]);
      if (e == nullptr) {
        return WsaStatus(WSAEINVAL, absl::StrCat("catalog ID ", ids[i], " is not installed"));
      }
      if (!seen.insert(ids[i]).second) {
        return WsaStatus(WSAEINVAL, absl::StrCat("catalog ID ", ids[i], " appears twice"));
      }
      ordered.push_back(*e);
    }
    c.entries = std::move(ordered);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<WSAPROTOCOL_INFOW>> EnumProtocols(Store &store, const int *protocols,
                                                             bool application_view) {
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  if (!c.ok()) return c.status();
  std::vector<WSAPROTOCOL_INFOW> out;
  for (const Entry &e : (*c)->entries) {
    const WSAPROTOCOL_INFOW &p = e.info;
    if (application_view && (IsLayered(p) || (p.dwProviderFlags & PFL_HIDDEN) != 0)) continue;
    if (protocols != nullptr) {
      bool match = false;
      for (const int *q = protocols; *q != 0 && !match; ++q) {
        // An entry covers iProtocol .. iProtocol + iProtocolMaxOffset.
        match = *q >= p.iProtocol &&
                static_cast<int64_t>(*q) <= static_cast<int64_t>(p.iProtocol) + p.iProtocolMaxOffset;
      }
      if (!match) continue;
    }
    out.push_back(p);
  }
  return out;
}

absl::StatusOr<std::u16string> ProviderPath(Store &store, const GUID &provider) {
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  if (!c.ok()) return c.status();
  for (const Entry &e : (*c)->entries) {
    if (SameGuid(e.info.ProviderId, provider)) return e.path;
  }
  return WsaStatus(WSAEINVAL,
                   absl::StrCat("provider ", GuidToString(provider), " is not installed"));
}

namespace {

absl::Status CheckCategories(DWORD categories, const char *what) {
  if ((categories & ~kLspCategoryMask) != 0) {
    // [inference] Windows documents no check; bits no LSP_* flag names are "garbage", and
    // WSAEINVAL ("one or more of the arguments are invalid") is the documented error for that.
    return WsaStatus(WSAEINVAL, absl::StrFormat("%s 0x%08x hold bits that are not LSP_* flags",
                                                what, categories));
  }
  return absl::OkStatus();
}

absl::Status CheckApplication(std::u16string_view path, std::u16string_view extra) {
  if (path.empty()) return WsaStatus(WSAEINVAL, "the application path is empty");
  if (path.size() > kMaxApplicationString || extra.size() > kMaxApplicationString) {
    return WsaStatus(WSAEINVAL, absl::StrCat("an application path or extra string is over ",
                                             kMaxApplicationString, " characters"));
  }
  if (path.find(u'\0') != std::u16string_view::npos ||
      extra.find(u'\0') != std::u16string_view::npos) {
    return WsaStatus(WSAEINVAL, "the application path or extra string holds a NUL character");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DWORD> GetLspCategories(Store &store, const GUID &provider) {
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  if (!c.ok()) return c.status();
  if (!(*c)->HasProvider(provider)) {
    return WsaStatus(WSAEINVALIDPROVIDER,
                     absl::StrCat("provider ", GuidToString(provider), " is not installed"));
  }
  return (*c)->LspCategories(provider);
}

absl::Status SetLspCategories(Store &store, const GUID &provider, DWORD categories) {
  absl::Status s = CheckCategories(categories, "LSP categories");
  if (!s.ok()) return s;
  return store.Modify([&](Catalog &c) {
    if (!c.HasProvider(provider)) {
      // [inference] The Set page lists no WSAEINVALIDPROVIDER (the Get page does): an unknown
      // GUID is one of "the arguments [that] are invalid".
      return WsaStatus(WSAEINVAL,
                       absl::StrCat("provider ", GuidToString(provider), " is not installed"));
    }
    c.SetLspCategories(provider, categories);
    return absl::OkStatus();
  });
}

absl::StatusOr<DWORD> GetApplicationCategory(Store &store, std::u16string_view path,
                                             std::u16string_view extra) {
  absl::Status s = CheckApplication(path, extra);
  if (!s.ok()) return s;
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  if (!c.ok()) return c.status();
  const ApplicationCategory *app = (*c)->FindApplication(path, extra);
  if (app == nullptr) {
    return WsaStatus(WSASERVICE_NOT_FOUND,
                     absl::StrCat("the application \"", Utf16ToUtf8(path), "\" (extra \"",
                                  Utf16ToUtf8(extra), "\") is not categorized"));
  }
  return app->permitted;
}

absl::StatusOr<DWORD> SetApplicationCategory(Store &store, std::u16string_view path,
                                             std::u16string_view extra, DWORD permitted) {
  absl::Status s = CheckApplication(path, extra);
  if (s.ok()) s = CheckCategories(permitted, "permitted LSP categories");
  if (!s.ok()) return s;
  DWORD previous = 0;
  s = store.Modify([&](Catalog &c) {
    for (ApplicationCategory &a : c.applications) {
      if (EqualNoCase(a.path, path) && a.extra == extra) {
        previous = a.permitted;
        a.permitted = permitted;
        return absl::OkStatus();
      }
    }
    // [inference] An application that was not categorized had no permitted categories.
    previous = 0;
    c.applications.push_back({std::u16string(path), std::u16string(extra), permitted});
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return previous;
}

}  // namespace ws2emu::catalog
