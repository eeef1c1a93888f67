#include "named_objects/named_object.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>

#include "base/debug.h"
#include "boundary/last_error.h"
#include "sync/event.h"
#include "sync/eventfd_unit.h"
#include "sync/semaphore.h"
#include "ws2emu/win_base.h"

namespace ws2emu::named {
namespace {

constexpr uint32_t kMagic = 0x4a424f4e;  // "NOBJ"
constexpr uint32_t kVersion = 1;
constexpr size_t kMaxStem = 200;

// Closes a descriptor, keeping errno.
void CloseFd(int fd) {
  if (fd < 0) return;
  const int saved = errno;
  close(fd);
  errno = saved;
}

// flock that retries on EINTR.
int Flock(int fd, int op) {
  int r;
  do {
    r = flock(fd, op);
  } while (r < 0 && errno == EINTR);
  return r;
}

uint32_t ErrnoToWindows(int err) {
  switch (err) {
    case ENOENT:
      return ERROR_FILE_NOT_FOUND;
    case EACCES:
    case EPERM:
    case ELOOP:
    case EROFS:
      return ERROR_ACCESS_DENIED;
    case ENOSPC:
    case EDQUOT:
      return ERROR_NOT_ENOUGH_QUOTA;
    default:
      return ResourceError(err);
  }
}

// A folder the user owns and nobody else may write: XDG_RUNTIME_DIR's own check.
bool CheckParent(int fd, const char *path) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & 022) != 0) {
    Notice("named-objects",
           "refusing XDG_RUNTIME_DIR %s: it must be a folder owned by uid %u and not writable "
           "by group or others",
           path, static_cast<unsigned>(geteuid()));
    return false;
  }
  return true;
}

// Opens (creating it with mode 0700 if missing) the folder `leaf` in `parent_fd` and checks it.
int OpenLeaf(int parent_fd, const char *leaf, const std::string &shown, uint32_t *error) {
  if (mkdirat(parent_fd, leaf, 0700) != 0 && errno != EEXIST) {
    Notice("named-objects", "cannot create the named-object folder %s: %s", shown.c_str(),
           strerror(errno));
    *error = ErrnoToWindows(errno);
    return -1;
  }
  const int fd = openat(parent_fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    Notice("named-objects",
           "refusing the named-object folder %s: %s (a symlink or not a folder is never "
           "followed)",
           shown.c_str(), strerror(errno));
    *error = errno == ELOOP || errno == ENOTDIR ? ERROR_ACCESS_DENIED : ErrnoToWindows(errno);
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & 07777) != 0700) {
    Notice("named-objects",
           "refusing the named-object folder %s: it must be owned by uid %u with mode 0700 "
           "(remove it to have it made again)",
           shown.c_str(), static_cast<unsigned>(geteuid()));
    CloseFd(fd);
    *error = ERROR_ACCESS_DENIED;
    return -1;
  }
  return fd;
}

// The namespace folder, opened and checked, and its path; -1 with *error.
int OpenNamespace(std::string *path, uint32_t *error) {
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (xdg != nullptr && xdg[0] == '/') {
    const int parent = open(xdg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (parent < 0) {
      Notice("named-objects", "cannot open XDG_RUNTIME_DIR %s: %s", xdg, strerror(errno));
      *error = ErrnoToWindows(errno);
      return -1;
    }
    if (!CheckParent(parent, xdg)) {
      CloseFd(parent);
      *error = ERROR_ACCESS_DENIED;
      return -1;
    }
    *path = std::string(xdg) + "/ws2emu-objects";
    const int fd = OpenLeaf(parent, "ws2emu-objects", *path, error);
    CloseFd(parent);
    return fd;
  }
  const int parent = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0) {
    *error = ErrnoToWindows(errno);
    return -1;
  }
  char leaf[64];
  std::snprintf(leaf, sizeof leaf, "ws2emu-%u", static_cast<unsigned>(geteuid()));
  *path = std::string("/tmp/") + leaf;
  const int fd = OpenLeaf(parent, leaf, *path, error);
  CloseFd(parent);
  return fd;
}

// An object file or FIFO of ours: the expected type, owned by the effective user, no
// group/other bits.
bool CheckOurs(int fd, bool fifo, const char *name) {
  struct stat st;
  const bool ok = fstat(fd, &st) == 0 && (fifo ? S_ISFIFO(st.st_mode) : S_ISREG(st.st_mode)) &&
                  st.st_uid == geteuid() && (st.st_mode & 077) == 0;
  if (!ok) {
    Notice("named-objects",
           "refusing %s in the named-object folder: not a %s of uid %u with mode 0600", name,
           fifo ? "FIFO" : "regular file", static_cast<unsigned>(geteuid()));
  }
  return ok;
}

// Removes leftovers nobody holds (crashed processes'), once per process and folder. The folder
// lock is held.
void SweepOnce(int dir_fd, const std::string &path) {
  static std::mutex mu;
  static std::string *swept = nullptr;  // the folders swept by this process (leaked: tiny)
  {
    std::lock_guard<std::mutex> lock(mu);
    if (swept == nullptr) swept = new (std::nothrow) std::string();
    if (swept == nullptr) return;
    if (swept->find("\n" + path + "\n") != std::string::npos) return;
    swept->append("\n" + path + "\n");
  }
  const int fd = dup(dir_fd);
  if (fd < 0) return;
  DIR *dir = fdopendir(fd);
  if (dir == nullptr) {
    CloseFd(fd);
    return;
  }
  // Collect first: unlinking while reading a directory may skip entries.
  std::string objs;
  std::string fifos;
  while (dirent *e = readdir(dir)) {
    const size_t len = strlen(e->d_name);
    if (len > 4 && strcmp(e->d_name + len - 4, ".obj") == 0) objs.append(e->d_name, len - 4).push_back('\n');
    if (len > 5 && strcmp(e->d_name + len - 5, ".fifo") == 0)
      fifos.append(e->d_name, len - 5).push_back('\n');
  }
  closedir(dir);
  for (size_t at = 0; at < objs.size();) {
    const size_t nl = objs.find('\n', at);
    const std::string stem = objs.substr(at, nl - at);
    at = nl + 1;
    const int f = openat(dir_fd, (stem + ".obj").c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (f < 0) continue;
    struct stat st;
    if (fstat(f, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        Flock(f, LOCK_EX | LOCK_NB) == 0) {
      unlinkat(dir_fd, (stem + ".obj").c_str(), 0);
      unlinkat(dir_fd, (stem + ".fifo").c_str(), 0);
    }
    CloseFd(f);
  }
  // A FIFO without its .obj: a process died between making the two.
  for (size_t at = 0; at < fifos.size();) {
    const size_t nl = fifos.find('\n', at);
    const std::string stem = fifos.substr(at, nl - at);
    at = nl + 1;
    struct stat st;
    if (fstatat(dir_fd, (stem + ".obj").c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 &&
        errno == ENOENT) {
      unlinkat(dir_fd, (stem + ".fifo").c_str(), 0);
    }
  }
}

uint64_t Fnv1a(const std::u16string &s, uint64_t seed) {
  uint64_t h = seed;
  for (char16_t c : s) {
    h ^= static_cast<uint64_t>(c & 0xff);
    h *= 0x100000001b3ull;
    h ^= static_cast<uint64_t>(c >> 8);
    h *= 0x100000001b3ull;
  }
  return h;
}

bool NeedsFifo(Kind kind) { return kind != Kind::kSection; }

}  // namespace

uint32_t ParseName(const char16_t *name, ParsedName *out) {
  size_t len = 0;
  while (name[len] != 0) {
    if (++len > kMaxNameLength) return ERROR_FILENAME_EXCED_RANGE;
  }
  std::u16string s(name, len);
  static const std::u16string kLocal = u"Local\\";
  static const std::u16string kGlobal = u"Global\\";
  out->space = 'L';
  if (s.compare(0, kGlobal.size(), kGlobal) == 0) {
    out->space = 'G';
    s.erase(0, kGlobal.size());
  } else if (s.compare(0, kLocal.size(), kLocal) == 0) {
    s.erase(0, kLocal.size());
  }
  if (s.empty()) return ERROR_INVALID_PARAMETER;
  if (s.find(u'\\') != std::u16string::npos) return ERROR_PATH_NOT_FOUND;
  out->name = std::move(s);
  return ERROR_SUCCESS;
}

std::string FileStem(const ParsedName &name) {
  std::string stem(1, name.space);
  for (char16_t c : name.name) {
    if ((c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
        c == u'_' || c == u'-') {
      stem.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%%%04x", static_cast<unsigned>(c));
      stem += buf;
    }
  }
  if (stem.size() <= kMaxStem) return stem;
  char buf[40];
  std::snprintf(buf, sizeof buf, "~%016llx%016llx",
                static_cast<unsigned long long>(Fnv1a(name.name, 0xcbf29ce484222325ull)),
                static_cast<unsigned long long>(Fnv1a(name.name, 0x84222325cbf29ce4ull)));
  return std::string(1, name.space) + buf;
}

std::string NamespacePath(uint32_t *error) {
  std::string path;
  const int fd = OpenNamespace(&path, error);
  if (fd < 0) return "";
  CloseFd(fd);
  return path;
}

NamedFile::~NamedFile() {
  if (header_ != nullptr) munmap(header_, kHeaderSize);
  if (dir_fd_ >= 0 && file_fd_ >= 0) {
    // The last holder anywhere removes the files: under the folder lock, so that no open can
    // take the name between the test and the unlink.
    Flock(dir_fd_, LOCK_EX);
    if (Flock(file_fd_, LOCK_EX | LOCK_NB) == 0) {
      unlinkat(dir_fd_, (stem_ + ".obj").c_str(), 0);
      unlinkat(dir_fd_, (stem_ + ".fifo").c_str(), 0);
    }
    Flock(dir_fd_, LOCK_UN);
  }
  CloseFd(fifo_fd_);
  CloseFd(file_fd_);
  CloseFd(dir_fd_);
}

// Does the work of OpenNamedFile with the folder locked.
struct Opener {
  static uint32_t Run(int dir_fd, const ParsedName &name, Kind kind, bool create,
                      uint64_t data_size, InitFn init, const void *init_arg,
                      std::unique_ptr<NamedFile> *out, bool *existed) {
    auto file = std::unique_ptr<NamedFile>(new (std::nothrow) NamedFile());
    if (!file) return ERROR_NOT_ENOUGH_MEMORY;
    // On failure the half-made file is dropped here with the folder still locked (through
    // another description): its destructor's LOCK_EX on the folder would wait for ourselves,
    // so it is disarmed first. An existing object's files stay (others hold them); a new
    // object's were removed by `fail` below.
    struct Disarm {
      std::unique_ptr<NamedFile> &f;
      ~Disarm() {
        if (f) {
          CloseFd(f->dir_fd_);
          f->dir_fd_ = -1;
        }
      }
    } disarm{file};
    file->stem_ = FileStem(name);
    const std::string obj = file->stem_ + ".obj";
    const std::string fifo = file->stem_ + ".fifo";
    file->dir_fd_ = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (file->dir_fd_ < 0) return ResourceError(errno);

    int fd = openat(dir_fd, obj.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && errno != ENOENT) {
      if (errno == ELOOP) {
        Notice("named-objects", "refusing %s in the named-object folder: a symlink", obj.c_str());
        return ERROR_ACCESS_DENIED;
      }
      return ErrnoToWindows(errno);
    }
    if (fd >= 0) {
      if (!CheckOurs(fd, false, obj.c_str())) {
        CloseFd(fd);
        return ERROR_ACCESS_DENIED;
      }
      if (Flock(fd, LOCK_EX | LOCK_NB) == 0) {
        // Nobody holds it: a crashed process's leftover (perhaps cut short while being made).
        // Start afresh.
        unlinkat(dir_fd, obj.c_str(), 0);
        unlinkat(dir_fd, fifo.c_str(), 0);
        CloseFd(fd);
        fd = -1;
      }
    }
    if (fd >= 0) {
      // An existing object. Nobody else can hold LOCK_EX now (that needs the folder lock).
      file->file_fd_ = fd;
      struct stat st;
      if (fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < kHeaderSize) {
        Notice("named-objects", "refusing %s in the named-object folder: too short", obj.c_str());
        return ERROR_ACCESS_DENIED;
      }
      Flock(fd, LOCK_SH);
      void *map = mmap(nullptr, kHeaderSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (map == MAP_FAILED) return ResourceError(errno);
      file->header_ = static_cast<NamedHeader *>(map);
      NamedHeader *h = file->header_;
      if (h->magic != kMagic || h->version != kVersion || h->name_length > kMaxNameLength) {
        Notice("named-objects", "refusing %s in the named-object folder: not an object file",
               obj.c_str());
        return ERROR_ACCESS_DENIED;
      }
      if (h->kind != static_cast<uint32_t>(kind) ||
          std::u16string(h->name, h->name_length) != name.name) {
        return ERROR_INVALID_HANDLE;
      }
      if (NeedsFifo(kind)) {
        file->fifo_fd_ =
            openat(dir_fd, fifo.c_str(), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
        if (file->fifo_fd_ < 0) {
          if (errno == ELOOP || errno == ENOENT) {
            Notice("named-objects", "refusing %s in the named-object folder: missing or a symlink",
                   fifo.c_str());
            return ERROR_ACCESS_DENIED;
          }
          return ErrnoToWindows(errno);
        }
        if (!CheckOurs(file->fifo_fd_, true, fifo.c_str())) return ERROR_ACCESS_DENIED;
      }
      *existed = true;
      *out = std::move(file);
      return ERROR_SUCCESS;
    }
    if (!create) return ERROR_FILE_NOT_FOUND;

    // A new object: the FIFO first, then the .obj (whose presence says the object exists).
    if (NeedsFifo(kind)) {
      unlinkat(dir_fd, fifo.c_str(), 0);  // an orphan of a crash, never one in use (no .obj)
      if (mkfifoat(dir_fd, fifo.c_str(), 0600) != 0) return ErrnoToWindows(errno);
      file->fifo_fd_ = openat(dir_fd, fifo.c_str(), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
      if (file->fifo_fd_ < 0 || !CheckOurs(file->fifo_fd_, true, fifo.c_str())) {
        const uint32_t err = file->fifo_fd_ < 0 ? ErrnoToWindows(errno) : ERROR_ACCESS_DENIED;
        unlinkat(dir_fd, fifo.c_str(), 0);
        return err;
      }
    }
    fd = openat(dir_fd, obj.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      const uint32_t err = ErrnoToWindows(errno);
      if (NeedsFifo(kind)) unlinkat(dir_fd, fifo.c_str(), 0);
      return err;
    }
    file->file_fd_ = fd;
    auto fail = [&](uint32_t err) {
      unlinkat(dir_fd, obj.c_str(), 0);
      if (NeedsFifo(kind)) unlinkat(dir_fd, fifo.c_str(), 0);
      return err;
    };
    Flock(fd, LOCK_SH);
    if (fchmod(fd, 0600) != 0) return fail(ErrnoToWindows(errno));
    if (ftruncate(fd, static_cast<off_t>(kHeaderSize + data_size)) != 0) {
      return fail(errno == EFBIG || errno == EINVAL ? ERROR_NOT_ENOUGH_MEMORY
                                                    : ErrnoToWindows(errno));
    }
    void *map = mmap(nullptr, kHeaderSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) return fail(ResourceError(errno));
    file->header_ = static_cast<NamedHeader *>(map);
    NamedHeader *h = file->header_;
    h->version = kVersion;
    h->kind = static_cast<uint32_t>(kind);
    h->name_length = static_cast<uint32_t>(name.name.size());
    std::memcpy(h->name, name.name.data(), name.name.size() * sizeof(char16_t));
    if (init != nullptr) {
      const uint32_t err = init(h, file->fifo_fd_, init_arg);
      if (err != 0) return fail(err);
    }
    // Written last: an object file without the magic is refused, never half-used.
    h->magic = kMagic;
    *existed = false;
    *out = std::move(file);
    return ERROR_SUCCESS;
  }
};

uint32_t OpenNamedFile(const ParsedName &name, Kind kind, bool create, uint64_t data_size,
                       InitFn init, const void *init_arg, std::unique_ptr<NamedFile> *file,
                       bool *existed) {
  std::string path;
  uint32_t error = 0;
  const int dir_fd = OpenNamespace(&path, &error);
  if (dir_fd < 0) return error;
  Flock(dir_fd, LOCK_EX);
  SweepOnce(dir_fd, path);
  error = Opener::Run(dir_fd, name, kind, create, data_size, init, init_arg, file, existed);
  Flock(dir_fd, LOCK_UN);
  CloseFd(dir_fd);
  return error;
}

namespace {

struct EventInit {
  bool manual_reset;
  bool initial_state;
};

uint32_t InitEvent(NamedHeader *h, int, const void *arg) {
  const auto *a = static_cast<const EventInit *>(arg);
  h->manual_reset = a->manual_reset ? 1 : 0;
  // Signaled and not armed: no FIFO unit is owed until some process arms the fd.
  h->event_word.store(Event::InitialWord(a->initial_state), std::memory_order_relaxed);
  return 0;
}

struct SemaphoreInit {
  int32_t initial;
  int32_t maximum;
};

uint32_t InitSemaphore(NamedHeader *h, int fifo_fd, const void *arg) {
  const auto *a = static_cast<const SemaphoreInit *>(arg);
  // The FIFO must hold `maximum` units: a pipe's buffer is 64 KiB by default, but only one
  // page once the user has many pipes (pipe-user-pages-soft); ask for more, else refuse.
  int capacity = fcntl(fifo_fd, F_GETPIPE_SZ);
  if (capacity >= 0 && capacity < a->maximum) capacity = fcntl(fifo_fd, F_SETPIPE_SZ, a->maximum);
  if (capacity < a->maximum) {
    Notice("named-objects", "a named semaphore of maximum %d needs a FIFO that holds as many "
           "bytes; this one holds %d", a->maximum, capacity);
    return ERROR_NOT_ENOUGH_QUOTA;
  }
  h->semaphore_maximum = a->maximum;
  h->semaphore_count.store(a->initial, std::memory_order_relaxed);
  PostFifoUnits(fifo_fd, static_cast<uint64_t>(a->initial));
  return 0;
}

uint32_t InitMutex(NamedHeader *h, int fifo_fd, const void *) {
  int err = 0;
  if (!MutexObject::InitShared(&h->mutex, fifo_fd, &err)) return ResourceError(err);
  return 0;
}

uint32_t Parse(const char16_t *name, ParsedName *parsed) { return ParseName(name, parsed); }

}  // namespace

Opened CreateEvent(const char16_t *name, bool create, bool manual_reset, bool initial_state) {
  Opened r;
  ParsedName parsed;
  if ((r.error = Parse(name, &parsed)) != 0) return r;
  std::unique_ptr<NamedFile> file;
  const EventInit init{manual_reset, initial_state};
  r.error = OpenNamedFile(parsed, Kind::kEvent, create, 0, InitEvent, &init, &file, &r.existed);
  if (r.error != 0) return r;
  NamedHeader *h = file->header();
  const int fifo = file->fifo_fd();
  Ref<Event> e = Event::CreateShared(&h->event_word, fifo, h->manual_reset != 0, std::move(file));
  if (!e) {
    r.error = ERROR_NOT_ENOUGH_MEMORY;
    return r;
  }
  r.object = Ref<Object>::Adopt(e.release());
  return r;
}

Opened CreateSemaphore(const char16_t *name, bool create, int32_t initial, int32_t maximum) {
  Opened r;
  ParsedName parsed;
  if ((r.error = Parse(name, &parsed)) != 0) return r;
  if (create && (maximum <= 0 || initial < 0 || initial > maximum ||
                 maximum > kMaxNamedSemaphoreCount)) {
    r.error = ERROR_INVALID_PARAMETER;
    return r;
  }
  std::unique_ptr<NamedFile> file;
  const SemaphoreInit init{initial, maximum};
  r.error =
      OpenNamedFile(parsed, Kind::kSemaphore, create, 0, InitSemaphore, &init, &file, &r.existed);
  if (r.error != 0) return r;
  NamedHeader *h = file->header();
  const int fifo = file->fifo_fd();
  Ref<Semaphore> s =
      Semaphore::CreateShared(&h->semaphore_count, h->semaphore_maximum, fifo, std::move(file));
  if (!s) {
    r.error = ERROR_NOT_ENOUGH_MEMORY;
    return r;
  }
  r.object = Ref<Object>::Adopt(s.release());
  return r;
}

Opened CreateMutex(const char16_t *name, bool create, bool initial_owner) {
  Opened r;
  ParsedName parsed;
  if ((r.error = Parse(name, &parsed)) != 0) return r;
  std::unique_ptr<NamedFile> file;
  r.error = OpenNamedFile(parsed, Kind::kMutex, create, 0, InitMutex, nullptr, &file, &r.existed);
  if (r.error != 0) return r;
  NamedHeader *h = file->header();
  const int fifo = file->fifo_fd();
  struct stat st;
  const uint64_t id = fstat(file->file_fd(), &st) == 0
                          ? (static_cast<uint64_t>(st.st_dev) << 40) ^ static_cast<uint64_t>(st.st_ino)
                          : reinterpret_cast<uintptr_t>(h);
  Ref<MutexObject> m = MutexObject::CreateShared(&h->mutex, id, fifo, std::move(file));
  if (!m) {
    r.error = ERROR_NOT_ENOUGH_MEMORY;
    return r;
  }
  // Windows: bInitialOwner is ignored for an existing mutex.
  if (!r.existed && initial_owner && !m->TryAcquire()) {
    r.error = ERROR_NOT_ENOUGH_MEMORY;  // no thread object for the owner
    return r;
  }
  r.object = Ref<Object>::Adopt(m.release());
  return r;
}

}  // namespace ws2emu::named
