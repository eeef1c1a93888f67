// lib/catalog/store.h — the catalog file on disk: where it is, reading it (cached), and
// changing it so that a crash or a concurrent writer never leaves it half-written or loses a
// change.
//
//   Store &store = Store::ForCurrentPath();          // WS2EMU_CATALOG, else the XDG default
//   absl::StatusOr<std::shared_ptr<const Catalog>> now = store.Read();
//   absl::Status s = store.Modify([](Catalog &c) { ...; return absl::OkStatus(); });
//
// Location: the environment variable WS2EMU_CATALOG, else $XDG_DATA_HOME/ws2emu/catalog
// (or ~/.local/share/ws2emu/catalog). A file that does not exist is an empty catalog.
//
// A change takes an exclusive flock on FILE.lock (held until the change is on disk, released
// by the kernel if the process dies), reads the file afresh, applies the change to that copy,
// writes FILE.tmp, fsyncs it, renames it over FILE and fsyncs the directory. Readers take no
// lock: rename is atomic, so they see the old file or the new one. A reader keeps the parsed
// catalog and parses again only when the file's bytes changed.
//
// A damaged file is never overwritten: Read and Modify fail (DataLoss, naming file and line)
// until someone repairs or resets it. A directory or file the caller cannot write fails the
// change with PermissionDenied, and nothing changes — the runtime's "not an administrator".
#ifndef WS2EMU_LIB_CATALOG_STORE_H_
#define WS2EMU_LIB_CATALOG_STORE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "catalog/catalog.h"

namespace ws2emu::catalog {

class Store {
 public:
  // The store for the path the environment names now (created on first use, kept per path).
  static Store &ForCurrentPath();
  // Where the catalog lives by the environment: WS2EMU_CATALOG, else the XDG default; empty
  // if neither WS2EMU_CATALOG, XDG_DATA_HOME nor HOME is set.
  static std::string CurrentPath();

  explicit Store(std::string path) : path_(std::move(path)) {}
  const std::string &path() const { return path_; }

  absl::StatusOr<std::shared_ptr<const Catalog>> Read();
  // Applies `change` to the current catalog under the lock and writes the result; a change
  // that returns an error writes nothing and its error is returned as is.
  absl::Status Modify(const std::function<absl::Status(Catalog &)> &change);
  // Replaces the file with an empty catalog (next-id kept when the old file is readable, so
  // IDs are still never reused; reset to 1001 when it is damaged).
  absl::Status Reset();

 private:
  absl::StatusOr<std::shared_ptr<const Catalog>> Load(bool use_cache);
  absl::Status Write(const Catalog &catalog);
  absl::StatusOr<int> Lock();

  const std::string path_;
  std::mutex mu_;  // guards the cache
  bool cached_exists_ = false;
  std::string cached_text_;
  std::shared_ptr<const Catalog> cached_;
};

}  // namespace ws2emu::catalog

#endif  // WS2EMU_LIB_CATALOG_STORE_H_
