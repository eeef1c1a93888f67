#include "catalog/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"

namespace ws2emu::catalog {
namespace {

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

}  // namespace

std::string Store::CurrentPath() {
  const char *explicit_path = std::getenv("WS2EMU_CATALOG");
  if (explicit_path != nullptr && explicit_path[0] != 0) return explicit_path;
  const char *xdg = std::getenv("XDG_DATA_HOME");
  if (xdg != nullptr && xdg[0] == '/') return absl::StrCat(xdg, "/ws2emu/catalog");
  const char *home = std::getenv("HOME");
  if (home != nullptr && home[0] != 0) return absl::StrCat(home, "/.local/share/ws2emu/catalog");
  return "";
}

Store &Store::ForCurrentPath() {
  static std::mutex mu;
  static auto *stores = new std::map<std::string, std::unique_ptr<Store>>();
  std::string path = CurrentPath();
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<Store> &s = (*stores)[path];
  if (!s) s = std::make_unique<Store>(path);
  return *s;
}

absl::StatusOr<std::shared_ptr<const Catalog>> Store::Read() { return Load(true); }

absl::StatusOr<std::shared_ptr<const Catalog>> Store::Load(bool use_cache) {
  if (path_.empty()) {
    return absl::FailedPreconditionError(
        "no catalog location: set WS2EMU_CATALOG (or HOME / XDG_DATA_HOME)");
  }
  // The file is small: reading it is a few syscalls, and comparing the bytes with the ones
  // last parsed is the one test of "changed" that inode reuse and coarse mtimes cannot fool.
  std::string text;
  bool exists = true;
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) return Errno("cannot open the catalog", path_, errno);
    exists = false;
  } else {
    char buffer[65536];
    for (;;) {
      ssize_t n = read(fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        close(fd);
        return Errno("read", path_, e);
      }
      if (n == 0) break;
      text.append(buffer, static_cast<size_t>(n));
    }
    close(fd);
  }
  if (use_cache) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ && cached_exists_ == exists && cached_text_ == text) return cached_;
  }
  auto catalog = std::make_shared<Catalog>();
  if (exists) {
    absl::StatusOr<Catalog> parsed = Parse(text, path_);
    if (!parsed.ok()) {
      // Damaged or from a newer ws2emu: every call fails until it is repaired or reset.
      return absl::DataLossError(parsed.status().message());
    }
    *catalog = *std::move(parsed);
  }
  std::lock_guard<std::mutex> lock(mu_);
  cached_exists_ = exists;
  cached_text_ = std::move(text);
  cached_ = catalog;
  return std::shared_ptr<const Catalog>(catalog);
}

absl::StatusOr<int> Store::Lock() {
  if (path_.empty()) return Load(false).status();
  absl::Status dirs = MakeDirectories(DirectoryOf(path_));
  if (!dirs.ok()) return dirs;
  std::string lock_path = path_ + ".lock";
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot open the lock file", lock_path, errno);
  while (flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      int e = errno;
      close(fd);
      return Errno("flock", lock_path, e);
    }
  }
  return fd;
}

absl::Status Store::Write(const Catalog &catalog) {
  const std::string tmp = path_ + ".tmp";
  const std::string text = Serialize(catalog);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", tmp, errno);
  if (!WriteAll(fd, text) || fsync(fd) != 0) {
    int e = errno;
    close(fd);
    unlink(tmp.c_str());
    return Errno("cannot write", tmp, e);
  }
  close(fd);
  if (rename(tmp.c_str(), path_.c_str()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    return Errno("cannot rename the new catalog into place", path_, e);
  }
  int dir = open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);  // the rename itself is durable once the directory is
    close(dir);
  }
  return absl::OkStatus();
}

absl::Status Store::Modify(const std::function<absl::Status(Catalog &)> &change) {
  absl::StatusOr<int> lock = Lock();
  if (!lock.ok()) return lock.status();
  absl::Status result;
  absl::StatusOr<std::shared_ptr<const Catalog>> current = Load(false);
  if (!current.ok()) {
    result = current.status();
  } else {
    Catalog next = **current;
    result = change(next);
    if (result.ok()) result = Write(next);
  }
  close(*lock);  // releases the flock
  return result;
}

absl::Status Store::Reset() {
  absl::StatusOr<int> lock = Lock();
  if (!lock.ok()) return lock.status();
  Catalog empty;
  absl::StatusOr<std::shared_ptr<const Catalog>> current = Load(false);
  if (current.ok()) empty.next_id = (*current)->next_id;
  absl::Status result = Write(empty);
  close(*lock);
  return result;
}

}  // namespace ws2emu::catalog
