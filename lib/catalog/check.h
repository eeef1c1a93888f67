// lib/catalog/check.h — what is wrong with a catalog, and removing what can never work
// (`ws2emu-catalog check` and `repair`).
//
//   std::vector<Problem> problems = Check(catalog, file_check);   // empty: nothing wrong
//   absl::StatusOr<std::vector<Problem>> removed = Repair(store, file_check, false);
//
// The problems, one per entry and kind, in catalog order:
// - kBrokenChain: a chain (ChainLen 2..7) that names a catalog ID that is not installed — what
//   WSCDeinstallProvider leaves when an installer removes an LSP's hidden entry before its
//   chains, or a lower layer before the LSPs over it. It can never start.
// - kInvalidChain: a chain whose entries are all installed but are not layered entries down to
//   one base entry at the end (the rule WSCInstallProvider enforces), or a ChainLen outside
//   0..7. It can never start either.
// - kMissingFile: the entry's provider file cannot be found as the provider manager would look
//   for it (the caller's FileCheck says: see below).
// - kDuplicateGuid: an entry whose provider GUID is also another provider's. [inference] The
//   entries of one GUID are one provider when they share one path and are all layered or all
//   not layered (base entries and chains): a base provider's several entries (MSAFD's four), the
//   chains an installer made in one WSCInstallProvider call. Two layered entries of one GUID,
//   a layered entry sharing its GUID with a base or chain entry (an LSP that looks for "the
//   entry with my GUID" could find the wrong one), or two paths under one GUID are two
//   providers sharing a GUID; the entry reported is the later one in catalog order, and the
//   message names the first.
// - kDuplicateId: a catalog ID that two entries have (the file parser refuses such a file, so
//   this is for a catalog built in memory).
//
// Repair removes the entries that can never work: broken and invalid chains (and, with
// `missing_files`, entries whose provider file is missing), and then the chains that named the
// entries it removed, until nothing more is broken. Everything else stays, in its order.
// [inference] A missing file is left alone by default: the file may come back (a drive not yet
// mapped, a DLL copied later), while a chain naming a removed entry cannot. Repair is idempotent:
// a second run finds nothing to remove and writes nothing.
#ifndef WS2EMU_LIB_CATALOG_CHECK_H_
#define WS2EMU_LIB_CATALOG_CHECK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "catalog/catalog.h"
#include "catalog/store.h"

namespace ws2emu::catalog {

struct Problem {
  enum class Kind { kBrokenChain, kInvalidChain, kMissingFile, kDuplicateGuid, kDuplicateId };
  Kind kind = Kind::kBrokenChain;
  uint32_t catalog_id = 0;
  std::u16string protocol;  // the entry's szProtocol
  std::string what;         // what is wrong, a sentence without the entry's ID and name
};

// "broken chain", "invalid chain", "missing file", "duplicate GUID", "duplicate ID".
const char *KindName(Problem::Kind kind);

// Whether an entry's provider file is there: empty when it is, else why not ("C:\x.dll
// (/root/.wine/drive_c/x.dll): no such file"). Null: files are not checked.
using FileCheck = std::function<std::string(const Entry &entry)>;

std::vector<Problem> Check(const Catalog &catalog, const FileCheck &file_check);

// Removes what Repair removes (see above) in one change of the store (lock, re-read, atomic
// replace), and returns the problems of the entries it removed, in catalog order. Nothing to
// remove: nothing is written. A store that cannot be read or written: its status, and nothing
// changed.
absl::StatusOr<std::vector<Problem>> Repair(Store &store, const FileCheck &file_check,
                                            bool missing_files);

}  // namespace ws2emu::catalog

#endif  // WS2EMU_LIB_CATALOG_CHECK_H_
