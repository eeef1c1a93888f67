#include "base/annotated_mutex.h"
#include "catalog/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/data_home.h"
#include "base/regular_file.h"
#include "base/wsa_status.h"
#include "catalog/default_entries.h"
#include "ws2emu/winsock_errors.h"

namespace ws2emu::catalog {
namespace {

// The kernel's own limit on symbolic links followed in one lookup (ELOOP).
constexpr int kMaxSymlinkHops = 40;
// The suffix of a temporary file: ".tmp-" and this many hex digits.
constexpr char kTempInfix[] = ".tmp-";
constexpr size_t kTempDigits = 16;

absl::Status Errno(const std::string &what, const std::string &path, int error) {
  std::string message = absl::StrCat(path, ": ", what, ": ", std::strerror(error));
  if (error == EACCES || error == EPERM || error == EROFS) {
    return absl::PermissionDeniedError(message);
  }
  return absl::UnavailableError(message);
}

std::string DirectoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseNameOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// mkdir -p for the catalog's directory (0700 for the per-user default, as XDG asks).
absl::Status MakeDirectories(const std::string &dir) {
  struct stat st;
  if (dir.empty() || stat(dir.c_str(), &st) == 0) return absl::OkStatus();
  absl::Status parent = MakeDirectories(DirectoryOf(dir));
  if (!parent.ok()) return parent;
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Errno("mkdir", dir, errno);
  return absl::OkStatus();
}

bool WriteAll(int fd, const std::string &data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The file a change replaces: `path` itself, or the end of the chain of symbolic links it
// starts (a link's relative target is relative to the link's folder). A path that does not
// exist, or a link whose target does not, names the file a change creates.
//
// Following links by hand bypasses the kernel's fs.protected_symlinks, so its rule is applied
// here: in a sticky folder that anyone can write to (/tmp), a link is followed only if the
// caller or the folder's owner owns it. Otherwise another user could plant a link at the
// catalog's name and have root's next change replace any file with catalog text.
absl::StatusOr<std::string> ResolveLinks(const std::string &path) {
  std::string current = path;
  for (int hop = 0;; ++hop) {
    struct stat st;
    if (lstat(current.c_str(), &st) != 0) {
      if (errno == ENOENT) return current;
      return Errno("cannot look at the catalog", current, errno);
    }
    if (!S_ISLNK(st.st_mode)) return current;
    if (hop == kMaxSymlinkHops) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ": more than ", kMaxSymlinkHops, " symbolic links (a loop?); not a catalog"));
    }
    const std::string dir = DirectoryOf(current);
    struct stat dir_st;
    if (stat(dir.c_str(), &dir_st) == 0 && (dir_st.st_mode & S_ISVTX) != 0 &&
        (dir_st.st_mode & S_IWOTH) != 0 && st.st_uid != geteuid() &&
        st.st_uid != dir_st.st_uid) {
      return absl::PermissionDeniedError(absl::StrCat(
          current, ": is a symbolic link owned by another user (uid ", st.st_uid,
          ") in a sticky folder anyone can write to; refusing to follow it"));
    }
    char target[PATH_MAX];
    ssize_t n = readlink(current.c_str(), target, sizeof(target));
    if (n < 0) return Errno("cannot read the symbolic link", current, errno);
    if (n == 0 || static_cast<size_t>(n) == sizeof(target)) {
      return absl::FailedPreconditionError(
          absl::StrCat(current, ": the symbolic link's target is empty or too long"));
    }
    std::string next(target, static_cast<size_t>(n));
    current = next[0] == '/' ? next : absl::StrCat(dir, "/", next);
  }
}

// WS2EMU_CATALOG_LOCK_TIMEOUT, in seconds (fractions allowed), else kDefaultLockTimeoutSeconds.
absl::StatusOr<double> LockTimeoutSeconds() {
  const char *value = std::getenv("WS2EMU_CATALOG_LOCK_TIMEOUT");
  if (value == nullptr || value[0] == 0) return Store::kDefaultLockTimeoutSeconds;
  double seconds = 0;
  if (!absl::SimpleAtod(value, &seconds) || !(seconds >= 0) || seconds > 86400) {
    return absl::InvalidArgumentError(absl::StrCat(
        "WS2EMU_CATALOG_LOCK_TIMEOUT=\"", value,
        "\" is not a number of seconds from 0 to 86400; nothing was changed"));
  }
  return seconds;
}

// 16 hex digits no other writer picks: getrandom, else the pid, the clock and a counter. The
// name only has to be unlikely to exist; O_EXCL is what makes the creation safe.
std::string UniqueSuffix() {
  uint64_t bits = 0;
  if (getrandom(&bits, sizeof(bits), GRND_NONBLOCK) != static_cast<ssize_t>(sizeof(bits))) {
    static std::atomic<uint64_t> counter{0};
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    bits = (uint64_t{static_cast<uint32_t>(getpid())} << 32) ^
           static_cast<uint64_t>(now.tv_nsec) ^ (static_cast<uint64_t>(now.tv_sec) << 20) ^
           (counter.fetch_add(1) * 0x9E3779B97F4A7C15ull);
  }
  return absl::StrFormat("%016x", bits);
}

// Temporary files of `target` left by a writer that was killed (SIGKILL, power loss) before it
// could remove its own. Called under the lock: every writer creates its temporary only while it
// holds the lock, so any that exists now is stale. Only regular files with exactly our name
// pattern and owned by the caller are removed; anything else someone put there is left alone.
void RemoveStaleTemporaries(const std::string &target) {
  const std::string prefix = BaseNameOf(target) + kTempInfix;
  DIR *dir = opendir(DirectoryOf(target).c_str());
  if (dir == nullptr) return;
  const int dir_fd = dirfd(dir);
  while (dirent *d = readdir(dir)) {
    const std::string name = d->d_name;
    if (name.size() != prefix.size() + kTempDigits || name.compare(0, prefix.size(), prefix) != 0)
      continue;
    if (name.find_first_not_of("0123456789abcdef", prefix.size()) != std::string::npos) continue;
    struct stat st;
    if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) continue;
    unlinkat(dir_fd, name.c_str(), 0);
  }
  closedir(dir);
}

// The temporary file of one change: removed when the object goes unless it was renamed.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile &) = delete;
  TempFile &operator=(const TempFile &) = delete;
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (!path_.empty()) unlink(path_.c_str());
  }

  // Creates `target`.tmp-XXXXXXXXXXXXXXXX in the target's folder, mode 0600, never following
  // or reusing anything already at that name (O_EXCL|O_NOFOLLOW).
  absl::Status Create(const std::string &target) {
    for (int attempt = 0;; ++attempt) {
      std::string name = absl::StrCat(target, kTempInfix, UniqueSuffix());
      int fd = open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
                    0600);
      if (fd >= 0) {
        fd_ = fd;
        path_ = std::move(name);
        return absl::OkStatus();
      }
      if (errno != EEXIST || attempt == 16) return Errno("cannot create", name, errno);
    }
  }
  int fd() const { return fd_; }
  const std::string &path() const { return path_; }
  // Closes the descriptor, reporting a late write error (NFS reports them at close).
  bool Close() {
    int fd = fd_;
    fd_ = -1;
    return close(fd) == 0;
  }
  // The file now has another name: nothing to remove.
  void Release() { path_.clear(); }

 private:
  int fd_ = -1;
  std::string path_;
};

// Reads the catalog file `file` without blocking (base/regular_file.h): false in *exists when
// nothing is there (the default catalog); an error for a folder, FIFO, device or a file over
// kCatalogFileLimit, which is then never rewritten.
absl::Status ReadCatalogText(const std::string &file, bool *exists, std::string *text) {
  absl::StatusOr<std::string> read = ReadRegularFile(file, kCatalogFileLimit, "catalog");
  if (!read.ok()) {
    if (read.status().code() != absl::StatusCode::kNotFound) return read.status();
    *exists = false;
    text->clear();
    return absl::OkStatus();
  }
  *exists = true;
  *text = *std::move(read);
  return absl::OkStatus();
}

absl::StatusOr<Catalog> ParseOrDamaged(const std::string &text, const std::string &file) {
  absl::StatusOr<Catalog> parsed = Parse(text, file);
  // Damaged or from a newer ws2emu: every call fails until it is repaired or reset.
  if (!parsed.ok()) return absl::DataLossError(parsed.status().message());
  return parsed;
}

}  // namespace

std::string Store::CurrentPath() {
  const char *explicit_path = std::getenv("WS2EMU_CATALOG");
  if (explicit_path != nullptr && explicit_path[0] != 0) return explicit_path;
  std::string data = DataHome();
  if (data.empty()) return "";
  return absl::StrCat(data, "/ws2emu/catalog");
}

Store &Store::ForCurrentPath() {
  static StdMutex mu;
  static auto *stores = new std::map<std::string, std::unique_ptr<Store>>();
  std::string path = CurrentPath();
  StdMutexLock lock(&mu);
  std::unique_ptr<Store> &s = (*stores)[path];
  if (!s) s = std::make_unique<Store>(path);
  return *s;
}

namespace {

// How much older than the moment the cache was filled a file's ctime must be before its fstat
// identity alone says "unchanged". File timestamps come from the kernel's coarse clock (one
// tick, a few milliseconds, behind the real time) and some file systems keep whole seconds, so
// a file changed within the same tick — or second — as the cache was filled can change again
// with every identity field equal. [inference] One second covers both, as git's rule does.
constexpr int64_t kRacyIntervalNs = 1'000'000'000;

int64_t Nanoseconds(int64_t sec, int64_t nsec) { return sec * 1'000'000'000 + nsec; }

}  // namespace

uint64_t Store::file_reads() {
  StdMutexLock lock(&mu_);
  return file_reads_;
}

absl::StatusOr<std::shared_ptr<const Catalog>> Store::Read() {
  if (path_.empty()) return NoLocation();
  // A symlinked catalog is read where a change would write it.
  absl::StatusOr<std::string> target = ResolveLinks(path_);
  if (!target.ok()) return target.status();
  std::string text;
  bool exists = false;
  Identity identity;
  bool trusted = false;
  uint64_t size = 0;
  absl::StatusOr<int> fd = OpenRegularFile(*target, kCatalogFileLimit, "catalog", &size);
  if (!fd.ok() && fd.status().code() != absl::StatusCode::kNotFound) return fd.status();
  if (fd.ok()) {
    exists = true;
    struct stat st;
    if (fstat(*fd, &st) != 0) {
      int error = errno;
      close(*fd);
      return Errno("cannot fstat the catalog", *target, error);
    }
    identity = {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                static_cast<uint64_t>(st.st_size), st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
    // The identity alone says "unchanged" only for a file that was already old when its bytes
    // were cached. Inode reuse cannot fool it: a file written after the cache was filled — a
    // new one renamed over the catalog that got the old file's inode, or the old one written
    // in place — has a ctime later than the moment of filling, and the cached ctime is at least
    // kRacyIntervalNs before that moment, so the ctimes differ. No one can set a ctime back
    // (utimensat sets mtime and atime, and stamps ctime with the present); only the system
    // clock stepping back by more than that interval could make one equal.
    {
      StdMutexLock lock(&mu_);
      if (cached_ && cached_exists_ && identity_trusted_ && identity == cached_identity_) {
        close(*fd);
        return cached_;
      }
    }
    timespec filled;
    clock_gettime(CLOCK_REALTIME, &filled);  // before the read: a change during it is "racy"
    absl::StatusOr<std::string> read =
        ReadOpenRegularFile(*fd, *target, kCatalogFileLimit, "catalog", size);
    close(*fd);
    if (!read.ok()) return read.status();
    text = *std::move(read);
    trusted = Nanoseconds(filled.tv_sec, filled.tv_nsec) -
                  Nanoseconds(identity.ctime_sec, identity.ctime_nsec) >=
              kRacyIntervalNs;
    StdMutexLock lock(&mu_);
    ++file_reads_;
    if (cached_ && cached_exists_ && cached_text_ == text) {
      // The same bytes: keep the parsed catalog, under the identity they have now.
      cached_identity_ = identity;
      identity_trusted_ = trusted;
      return cached_;
    }
  } else {
    StdMutexLock lock(&mu_);
    if (cached_ && !cached_exists_) return cached_;
  }
  // A file that does not exist holds the entries Windows ships; nothing is written for that.
  auto catalog = std::make_shared<Catalog>(DefaultCatalog());
  if (exists) {
    absl::StatusOr<Catalog> parsed = ParseOrDamaged(text, *target);
    if (!parsed.ok()) return parsed.status();
    *catalog = *std::move(parsed);
  }
  // The snapshot is shared as const from here on, so its index stays valid.
  catalog->BuildIndex();
  StdMutexLock lock(&mu_);
  cached_exists_ = exists;
  cached_text_ = std::move(text);
  cached_ = catalog;
  cached_identity_ = identity;  // the identity and the bytes it was read with, together
  identity_trusted_ = exists && trusted;
  return std::shared_ptr<const Catalog>(catalog);
}

absl::Status Store::NoLocation() {
  return absl::FailedPreconditionError(
      "no catalog location: set WS2EMU_CATALOG (or HOME / XDG_DATA_HOME)");
}

// [inference] The wait polls flock(LOCK_NB) with short sleeps (1 ms doubling to 10 ms) rather
// than blocking in flock under a timer signal: a library cannot own a signal (the host program
// and the runtime's signal APC backend have their own handlers) and a timer signal would be
// delivered to whichever thread it likes. The cost is fairness: a process that takes the lock
// back to back can make a waiter see it held; a wait that outlasts the timeout is reported as
// "held by another process", which it is.
absl::StatusOr<int> Store::Lock(const std::string &target) {
  absl::StatusOr<double> timeout = LockTimeoutSeconds();
  if (!timeout.ok()) return timeout.status();
  absl::Status dirs = MakeDirectories(DirectoryOf(target));
  if (!dirs.ok()) return dirs;
  const std::string lock_path = target + ".lock";
  // O_NOFOLLOW: a symlink planted at the lock's name would make us create a file wherever it
  // points. O_NONBLOCK: a FIFO planted there opens at once (and is refused below).
  int fd = open(lock_path.c_str(),
                O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == ELOOP) {
      return absl::FailedPreconditionError(absl::StrCat(
          lock_path, ": the catalog's lock file is a symbolic link; refusing to follow it "
                     "(remove it: the lock file must be a regular file)"));
    }
    return Errno("cannot open the lock file", lock_path, errno);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return Errno("fstat", lock_path, e);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat(lock_path, S_ISDIR(st.st_mode) ? ": is a folder" : ": is not a regular file",
                     ", so not the catalog's lock file (remove it)"));
  }
  // Who must be able to open the lock: whoever can write the catalog, which is its owner (and
  // root): Write keeps the catalog's owner, and only root can give a file away. So the lock
  // file belongs to the catalog's owner and group, mode 0600. [inference] Not 0644: flock needs
  // no more than a descriptor, so a lock file others can open is one they can hold forever to
  // stall every writer. A lock that root created for a catalog root does not own (root writing
  // a user's catalog, with no lock file there yet) is given to the catalog's owner here;
  // otherwise that owner could never write the catalog again. Only a lock file the caller owns
  // under this one name is given away: never a file someone planted there as a hard link to
  // another (root must not chown /etc/shadow to the catalog's owner). Only root can make the
  // chown; for anyone else a failure changes nothing: the lock is open and held all the same.
  struct stat catalog_st;
  if (st.st_uid == geteuid() && st.st_nlink == 1 && stat(target.c_str(), &catalog_st) == 0 &&
      (st.st_uid != catalog_st.st_uid || st.st_gid != catalog_st.st_gid) &&
      fchown(fd, catalog_st.st_uid, catalog_st.st_gid) != 0) {
    // not root: the owner stays as it is (see above)
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(*timeout));
  std::chrono::microseconds pause(1000);
  for (;;) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      int e = errno;
      close(fd);
      return Errno("flock", lock_path, e);
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      close(fd);
      return absl::UnavailableError(absl::StrFormat(
          "%s: another process holds the catalog's lock; gave up after %g s "
          "(WS2EMU_CATALOG_LOCK_TIMEOUT); nothing was changed",
          lock_path, *timeout));
    }
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    auto nap = std::min(pause, left);
    timespec ts{static_cast<time_t>(nap.count() / 1000000),
                static_cast<long>(nap.count() % 1000000) * 1000};
    nanosleep(&ts, nullptr);  // EINTR only shortens the nap
    pause = std::min(pause * 2, std::chrono::microseconds(10000));
  }
}

absl::Status Store::Write(const std::string &target, const Catalog &catalog) {
  RemoveStaleTemporaries(target);
  // The owner, group and mode the new file must have: the old file's, else the caller's and
  // 0644. Taken under the lock, just before the replacement.
  struct stat old;
  bool have_old = stat(target.c_str(), &old) == 0;
  if (!have_old && errno != ENOENT) return Errno("cannot look at the catalog", target, errno);
  TempFile tmp;
  absl::Status s = tmp.Create(target);
  if (!s.ok()) return s;
  if (!WriteAll(tmp.fd(), Serialize(catalog))) return Errno("cannot write", tmp.path(), errno);
  if (have_old) {
    struct stat now;
    if (fstat(tmp.fd(), &now) != 0) return Errno("fstat", tmp.path(), errno);
    // Before fchmod: a chown clears set-ID bits. Only root may give a file away; a caller who
    // cannot keep the owner and group changes nothing rather than changing who owns the catalog.
    if ((now.st_uid != old.st_uid || now.st_gid != old.st_gid) &&
        fchown(tmp.fd(), old.st_uid, old.st_gid) != 0) {
      return Errno(absl::StrCat("cannot keep the catalog's owner and group (", old.st_uid, ":",
                                old.st_gid, ") on the new file; nothing was changed"),
                   target, errno);
    }
  }
  const mode_t mode = have_old ? (old.st_mode & 07777) : 0644;
  if (fchmod(tmp.fd(), mode) != 0) {
    return Errno(absl::StrFormat("cannot give the new catalog mode %04o", mode), tmp.path(),
                 errno);
  }
  if (fsync(tmp.fd()) != 0) return Errno("cannot write", tmp.path(), errno);
  if (!tmp.Close()) return Errno("cannot write", tmp.path(), errno);
  if (rename(tmp.path().c_str(), target.c_str()) != 0) {
    return Errno("cannot rename the new catalog into place", target, errno);
  }
  tmp.Release();
  int dir = open(DirectoryOf(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);  // the rename itself is durable once the directory is
    close(dir);
  }
  return absl::OkStatus();
}

absl::StatusOr<Store::Locked> Store::LockAndRead() {
  if (path_.empty()) return NoLocation();
  absl::StatusOr<std::string> target = ResolveLinks(path_);
  if (!target.ok()) return target.status();
  Locked locked;
  locked.target = *std::move(target);
  // Refuse a folder, FIFO, device or oversized file before anything is created beside it (the
  // lock file), then read again under the lock: that copy is the one the change edits.
  absl::Status s = ReadCatalogText(locked.target, &locked.exists, &locked.text);
  if (!s.ok()) return s;
  absl::StatusOr<int> fd = Lock(locked.target);
  if (!fd.ok()) return fd.status();
  locked.lock_fd = *fd;
  s = ReadCatalogText(locked.target, &locked.exists, &locked.text);
  if (!s.ok()) {
    close(locked.lock_fd);
    return s;
  }
  return locked;
}

absl::Status Store::Modify(const std::function<absl::Status(Catalog &)> &change) {
  absl::StatusOr<Locked> locked = LockAndRead();
  if (!locked.ok()) return locked.status();
  absl::Status result;
  // The first change of a catalog that does not exist starts from the default entries.
  Catalog next = DefaultCatalog();
  if (locked->exists) {
    absl::StatusOr<Catalog> current = ParseOrDamaged(locked->text, locked->target);
    if (current.ok()) {
      next = *std::move(current);
    } else {
      result = current.status();
    }
  }
  if (result.ok()) result = change(next);
  // Provider info lives only as long as an entry of its GUID (the parser refuses it otherwise):
  // whatever a change removed (a deinstall, `repair`), the info of those GUIDs goes with it.
  if (result.ok()) next.DropOrphanProviderInfo();
  if (result.ok()) result = Write(locked->target, next);
  close(locked->lock_fd);  // releases the flock
  return result;
}

absl::Status Store::Reset() {
  absl::StatusOr<Locked> locked = LockAndRead();
  if (!locked.ok()) return locked.status();
  // Like `netsh winsock reset`: the default entries and nothing else. IDs are never reused,
  // so they are restored under new IDs from next-id on (a missing file: 1001..1004, as Read
  // answers it).
  uint32_t first_id = kFirstCatalogId;
  if (locked->exists) {
    absl::StatusOr<Catalog> current = Parse(locked->text, locked->target);
    // A damaged file keeps what can be read of its IDs: they are never handed out again.
    first_id = current.ok() ? current->next_id : SalvageNextId(locked->text);
  }
  absl::Status result;
  if (first_id > UINT32_MAX - kDefaultEntryCount) {
    // [inference] The same error as an install that finds no IDs left (WSA_NOT_ENOUGH_MEMORY
    // at the WSC* boundary); the file is left as it is.
    result = WsaStatus(WSA_NOT_ENOUGH_MEMORY,
                       absl::StrCat(locked->target, ": the catalog has used up its catalog IDs "
                                    "(next-id ", first_id, "); nothing was changed"));
  } else {
    Catalog fresh;
    fresh.entries = DefaultBaseEntries(first_id);
    fresh.next_id = first_id + kDefaultEntryCount;
    result = Write(locked->target, fresh);
  }
  close(locked->lock_fd);
  return result;
}

}  // namespace ws2emu::catalog
