#include "catalog/check.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "base/utf.h"

namespace ws2emu::catalog {
namespace {

bool IsLayered(const WSAPROTOCOL_INFOW &p) { return p.ProtocolChain.ChainLen == LAYERED_PROTOCOL; }

absl::uint128 GuidKey(const GUID &g) {
  const uint64_t high = (uint64_t{g.Data1} << 32) | (uint64_t{g.Data2} << 16) | g.Data3;
  uint64_t low = 0;
  for (unsigned char b : g.Data4) low = (low << 8) | b;
  return absl::MakeUint128(high, low);
}

std::string Quoted(const Entry &e) {
  return absl::StrCat("\"", Utf16ToUtf8(ProtocolName(e.info)), "\"");
}

std::string ChainText(const WSAPROTOCOL_INFOW &p) {
  std::string out;
  for (int i = 0; i < p.ProtocolChain.ChainLen; ++i)
    absl::StrAppend(&out, i == 0 ? "" : " : ", p.ProtocolChain.ChainEntries[i]);
  return out;
}

Problem Make(Problem::Kind kind, const Entry &e, std::string what) {
  return Problem{kind, e.info.dwCatalogEntryId, ProtocolName(e.info), std::move(what)};
}

// The chain problem of `e`, if any: an ID that is not installed first (the chain can never be
// read), then the shape WSCInstallProvider requires.
bool ChainProblem(const Entry &e, const absl::flat_hash_map<uint32_t, const Entry *> &by_id,
                  Problem *problem) {
  const WSAPROTOCOL_INFOW &p = e.info;
  const int len = p.ProtocolChain.ChainLen;
  if (len < 0 || len > MAX_PROTOCOL_CHAIN) {
    *problem = Make(Problem::Kind::kInvalidChain, e,
                    absl::StrCat("ChainLen ", len, " is not 0..", MAX_PROTOCOL_CHAIN));
    return true;
  }
  if (len < 2) return false;
  for (int i = 0; i < len; ++i) {
    const DWORD id = p.ProtocolChain.ChainEntries[i];
    if (!by_id.contains(id)) {
      *problem = Make(Problem::Kind::kBrokenChain, e,
                      absl::StrCat("the chain (", ChainText(p), ") names entry ", id,
                                   ", which is not installed"));
      return true;
    }
  }
  for (int i = 0; i < len; ++i) {
    const DWORD id = p.ProtocolChain.ChainEntries[i];
    const Entry &link = *by_id.at(id);
    const int link_len = link.info.ProtocolChain.ChainLen;
    const bool last = i == len - 1;
    if (!last && link_len != LAYERED_PROTOCOL) {
      *problem = Make(Problem::Kind::kInvalidChain, e,
                      absl::StrCat("the chain (", ChainText(p), ") has entry ", id, " ",
                                   Quoted(link), i == 0 ? " first" : " in the middle",
                                   ", which is not a layered entry"));
      return true;
    }
    if (last && link_len != BASE_PROTOCOL) {
      *problem = Make(Problem::Kind::kInvalidChain, e,
                      absl::StrCat("the chain (", ChainText(p), ") ends with entry ", id, " ",
                                   Quoted(link), ", which is not a base entry"));
      return true;
    }
  }
  return false;
}

}  // namespace

const char *KindName(Problem::Kind kind) {
  switch (kind) {
    case Problem::Kind::kBrokenChain: return "broken chain";
    case Problem::Kind::kInvalidChain: return "invalid chain";
    case Problem::Kind::kMissingFile: return "missing file";
    case Problem::Kind::kDuplicateGuid: return "duplicate GUID";
    case Problem::Kind::kDuplicateId: return "duplicate ID";
  }
  return "problem";
}

std::vector<Problem> Check(const Catalog &catalog, const FileCheck &file_check) {
  std::vector<Problem> out;
  absl::flat_hash_map<uint32_t, const Entry *> by_id;
  for (const Entry &e : catalog.entries) {
    auto [at, fresh] = by_id.try_emplace(e.info.dwCatalogEntryId, &e);
    if (!fresh) {
      out.push_back(Make(Problem::Kind::kDuplicateId, e,
                         absl::StrCat("catalog ID ", e.info.dwCatalogEntryId,
                                      " is also that of ", Quoted(*at->second))));
    }
  }
  // The first entry of each GUID, and whether the GUID has a layered entry already.
  absl::flat_hash_map<absl::uint128, const Entry *> first_of;
  for (const Entry &e : catalog.entries) {
    Problem p;
    if (ChainProblem(e, by_id, &p)) out.push_back(std::move(p));
    if (file_check) {
      std::string missing = file_check(e);
      if (!missing.empty()) out.push_back(Make(Problem::Kind::kMissingFile, e, missing));
    }
    auto [at, fresh] = first_of.try_emplace(GuidKey(e.info.ProviderId), &e);
    if (fresh) continue;
    const Entry &f = *at->second;
    std::string why;
    if (IsLayered(e.info) && IsLayered(f.info)) {
      why = "both are layered entries";
    } else if (IsLayered(e.info) != IsLayered(f.info)) {
      why = "one is a layered entry and the other is not";
    } else if (!EqualNoCase(e.path, f.path)) {
      why = absl::StrCat("their paths differ (", Utf16ToUtf8(e.path), " and ",
                         Utf16ToUtf8(f.path), ")");
    }
    if (!why.empty()) {
      out.push_back(Make(Problem::Kind::kDuplicateGuid, e,
                         absl::StrCat("its provider GUID ", GuidToString(e.info.ProviderId),
                                      " is also that of entry ", f.info.dwCatalogEntryId, " ",
                                      Quoted(f), ", another provider: ", why)));
    }
  }
  return out;
}

namespace {

// What Repair removes from `catalog` (see check.h), by catalog ID, with the problem of each.
absl::flat_hash_map<uint32_t, Problem> ToRemove(const Catalog &catalog,
                                                const FileCheck &file_check,
                                                bool missing_files) {
  absl::flat_hash_map<uint32_t, Problem> remove;
  auto removable = [&](const Problem &p) {
    return p.kind == Problem::Kind::kBrokenChain || p.kind == Problem::Kind::kInvalidChain ||
           (missing_files && p.kind == Problem::Kind::kMissingFile);
  };
  for (Problem &p : Check(catalog, missing_files ? file_check : FileCheck())) {
    if (removable(p)) remove.try_emplace(p.catalog_id, std::move(p));
  }
  // Chains that named what goes are broken once it is gone: again, without the removed
  // entries, until a round adds nothing. Each round removes at least one entry.
  while (!remove.empty()) {
    Catalog rest;
    for (const Entry &e : catalog.entries) {
      if (!remove.contains(e.info.dwCatalogEntryId)) rest.entries.push_back(e);
    }
    size_t before = remove.size();
    for (Problem &p : Check(rest, FileCheck())) {
      if (removable(p)) remove.try_emplace(p.catalog_id, std::move(p));
    }
    if (remove.size() == before) break;
  }
  return remove;
}

}  // namespace

absl::StatusOr<std::vector<Problem>> Repair(Store &store, const FileCheck &file_check,
                                            bool missing_files) {
  absl::StatusOr<std::shared_ptr<const Catalog>> now = store.Read();
  if (!now.ok()) return now.status();
  if (ToRemove(**now, file_check, missing_files).empty()) return std::vector<Problem>();
  std::vector<Problem> removed;
  absl::Status s = store.Modify([&](Catalog &c) {
    // Decided again on the catalog under the lock: another process may have changed it.
    absl::flat_hash_map<uint32_t, Problem> remove = ToRemove(c, file_check, missing_files);
    if (remove.empty()) return absl::CancelledError("nothing to repair");  // write nothing
    removed.clear();
    for (const Entry &e : c.entries) {
      auto found = remove.find(e.info.dwCatalogEntryId);
      if (found != remove.end()) removed.push_back(found->second);
    }
    std::erase_if(c.entries,
                  [&](const Entry &e) { return remove.contains(e.info.dwCatalogEntryId); });
    return absl::OkStatus();
  });
  if (absl::IsCancelled(s)) return std::vector<Problem>();
  if (!s.ok()) return s;
  return removed;
}

}  // namespace ws2emu::catalog
