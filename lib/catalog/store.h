// lib/catalog/store.h — the catalog file on disk: where it is, reading it (cached), and
// changing it so that a crash or a concurrent writer never leaves it half-written or loses a
// change.
//
//   Store &store = Store::ForCurrentPath();          // WS2EMU_CATALOG, else the XDG default
//   absl::StatusOr<std::shared_ptr<const Catalog>> now = store.Read();
//   absl::Status s = store.Modify([](Catalog &c) { ...; return absl::OkStatus(); });
//
// Location: the environment variable WS2EMU_CATALOG, else $XDG_DATA_HOME/ws2emu/catalog
// (or ~/.local/share/ws2emu/catalog). A file that does not exist holds the catalog Windows
// ships (default_entries.h: MSAFD's four base entries, IDs 1001..1004, next-id 1005): Read
// answers it without creating or writing anything (a read-only folder reads it too), and the
// first change of a missing file starts from it.
//
// A change takes an exclusive flock on FILE.lock (held until the change is on disk, released
// by the kernel if the process dies), reads the file afresh, applies the change to that copy,
// writes it to a new temporary file, fsyncs it, renames it over FILE and fsyncs the directory.
// Readers take no lock: rename is atomic, so they see the old file or the new one. A reader
// keeps the parsed catalog (indexed: lookups by catalog ID are O(1)) and parses again only when
// the file's bytes changed. It reads the bytes again only when the file may have changed: its
// fstat identity (device, inode, size, mtime, ctime) differs from the cached one, or the cached
// file was changed less than a second before the cache was filled ("racily clean", as git
// says: a change within the timestamp granularity could leave every field equal, so such a
// file is compared by content until it is old enough; see FileIdentity in store.cc).
//
// The catalog may sit in a folder other users can write to (a shared folder, /tmp), so:
// - The temporary file has a unique name, FILE.tmp-<16 hex digits>, in the same folder as the
//   file it replaces, and is created with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600: nothing
//   planted there is followed, truncated or reused. It is removed on every failure path; one
//   left by a writer killed mid-change is removed by the next writer (under the lock, only
//   regular files of the caller with exactly that name pattern).
// - FILE.lock is opened with O_NOFOLLOW|O_NONBLOCK and refused unless fstat says it is a
//   regular file. The wait for it gives up after WS2EMU_CATALOG_LOCK_TIMEOUT seconds (a
//   decimal number from 0 to 86400; default 10) with Unavailable, "FILE.lock: another process
//   holds the catalog's lock" — WSANO_RECOVERY at the WSC* boundary — and nothing changed.
//   The wait polls flock(LOCK_NB) with sleeps of 1 to 10 ms; no signal or timer is used.
// - A change keeps the file's mode, owner and group (the new file gets them before it is
//   renamed into place); a caller who may not keep them (not root) changes nothing. A new
//   catalog gets mode 0644 and the caller's owner and group.
// - A catalog that is a symbolic link (or a chain of them) is changed in the file at its end,
//   and the link stays; FILE.lock and the temporary file are then beside that file. A link in
//   a sticky folder anyone can write to is followed only if the caller or the folder's owner
//   owns it (the kernel's fs.protected_symlinks rule, which following links by hand would
//   otherwise bypass).
// - The file is read through ReadRegularFile (base/regular_file.h): a folder, FIFO, device or
//   file over kCatalogFileLimit (64 MiB) fails every call at once, with a message naming the
//   file and the problem, and is never rewritten by a change (not even by Reset).
//
// A damaged file is never overwritten by a change: Read and Modify fail (DataLoss, naming file
// and line) until someone repairs or resets it. A directory or file the caller cannot write
// fails the change with PermissionDenied, and nothing changes — the runtime's "not an
// administrator".
#ifndef WS2EMU_LIB_CATALOG_STORE_H_
#define WS2EMU_LIB_CATALOG_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/annotated_mutex.h"
#include "absl/status/statusor.h"
#include "absl/base/thread_annotations.h"
#include "catalog/catalog.h"

namespace ws2emu::catalog {

class Store {
 public:
  // The store for the path the environment names now (created on first use, kept per path).
  static Store &ForCurrentPath();
  // Where the catalog lives by the environment: WS2EMU_CATALOG, else the XDG default; empty
  // if neither WS2EMU_CATALOG, XDG_DATA_HOME nor HOME is set.
  static std::string CurrentPath();

  // How long a change waits for another process's lock unless WS2EMU_CATALOG_LOCK_TIMEOUT says.
  static constexpr double kDefaultLockTimeoutSeconds = 10;

  explicit Store(std::string path) : path_(std::move(path)) {}
  const std::string &path() const { return path_; }

  absl::StatusOr<std::shared_ptr<const Catalog>> Read();
  // How many times Read has read the file's bytes (the rest were answered from fstat alone).
  uint64_t file_reads();
  // Applies `change` to the current catalog under the lock and writes the result; a change
  // that returns an error writes nothing and its error is returned as is. The provider info of
  // GUIDs the change left without entries is dropped before the write.
  absl::Status Modify(const std::function<absl::Status(Catalog &)> &change);
  // Replaces the file with the default entries and nothing else, like `netsh winsock reset`
  // (the name-space catalog too: Windows' Tcpip provider only).
  // IDs are still never reused: the four get new catalog IDs from the old file's next-id on
  // (ChainEntries[0] the same), and next-id moves past them; when the file is damaged, they
  // start at the larger of its readable `next-id` and one past the highest readable catalog ID
  // (SalvageNextId); a missing file gets 1001..1004. Fewer than four IDs left fails with
  // WSA_NOT_ENOUGH_MEMORY (as an install does) and changes nothing. A file that is not a
  // regular file, or is over the size limit, is refused, not replaced.
  absl::Status Reset();

 private:
  // The file a change replaces (path_, or the end of its symlink chain), locked and read.
  struct Locked {
    std::string target;
    int lock_fd = -1;
    bool exists = false;
    std::string text;
  };
  static absl::Status NoLocation();
  absl::StatusOr<Locked> LockAndRead();
  absl::StatusOr<int> Lock(const std::string &target);
  absl::Status Write(const std::string &target, const Catalog &catalog);

  const std::string path_;
  StdMutex mu_;  // guards the cache
  bool cached_exists_ ABSL_GUARDED_BY(mu_) = false;
  std::string cached_text_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const Catalog> cached_ ABSL_GUARDED_BY(mu_);
  // The cached file's fstat identity, and whether it may be trusted without reading the bytes
  // (its ctime was at least kRacyInterval older than the moment the cache was filled).
  struct Identity {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_sec = 0, mtime_nsec = 0, ctime_sec = 0, ctime_nsec = 0;
    bool operator==(const Identity &) const = default;
  };
  Identity cached_identity_ ABSL_GUARDED_BY(mu_);
  bool identity_trusted_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t file_reads_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ws2emu::catalog

#endif  // WS2EMU_LIB_CATALOG_STORE_H_
