#include "named_objects/section.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <utility>

#include "boundary/last_error.h"
#include "ws2emu/win_base.h"

namespace ws2emu::named {

namespace {

constexpr uint64_t kGranularity = 65536;
constexpr uint32_t kSecFlags =
    SEC_RESERVE | SEC_COMMIT | SEC_NOCACHE | SEC_WRITECOMBINE | SEC_LARGE_PAGES;

bool Writable(uint32_t page) { return page == PAGE_READWRITE || page == PAGE_EXECUTE_READWRITE; }

struct View {
  size_t size;
  Ref<Section> section;
};

std::mutex &ViewsMu() {
  static std::mutex *mu = new std::mutex();
  return *mu;
}
std::map<uintptr_t, View> &Views() {
  static auto *views = new std::map<uintptr_t, View>();
  return *views;
}

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

}  // namespace

struct SectionMaker {
  static Section *New() { return new (std::nothrow) Section(); }
  static void Set(Section *s, int fd, bool own, uint64_t size, uint64_t offset, uint32_t protect,
                  std::unique_ptr<NamedFile> backing) {
    s->fd_ = fd;
    s->own_fd_ = own;
    s->size_ = size;
    s->data_offset_ = offset;
    s->protect_ = protect;
    s->backing_ = std::move(backing);
  }
};

Section::~Section() {
  if (own_fd_ && fd_ >= 0) close(fd_);
}

namespace {

struct SectionInit {
  uint64_t size;
  uint32_t protect;
  int file_fd;  // -1: the paging file
};

uint32_t InitSection(NamedHeader *h, int, const void *arg) {
  const auto *a = static_cast<const SectionInit *>(arg);
  h->section_size = a->size;
  h->section_protect = a->protect;
  h->file_backed = a->file_fd >= 0 ? 1 : 0;
  if (a->file_fd >= 0) {
    struct stat st;
    if (fstat(a->file_fd, &st) != 0) return ERROR_INVALID_HANDLE;
    h->file_dev = st.st_dev;
    h->file_ino = st.st_ino;
    char link[64];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", a->file_fd);
    const ssize_t n = readlink(link, h->file_path, sizeof h->file_path - 1);
    if (n <= 0 || h->file_path[0] != '/') return ERROR_INVALID_HANDLE;
    h->file_path[n] = 0;
  }
  return 0;
}

Opened Finish(int fd, bool own, uint64_t size, uint64_t offset, uint32_t protect,
              std::unique_ptr<NamedFile> backing, bool existed) {
  Opened r;
  Section *s = SectionMaker::New();
  if (s == nullptr) {
    if (own) close(fd);
    r.error = ERROR_NOT_ENOUGH_MEMORY;
    return r;
  }
  SectionMaker::Set(s, fd, own, size, offset, protect, std::move(backing));
  r.object = Ref<Object>::Adopt(s);
  r.existed = existed;
  return r;
}

// The section of an existing named object whose header `file` holds.
Opened FromNamedFile(std::unique_ptr<NamedFile> file, bool existed) {
  Opened r;
  NamedHeader *h = file->header();
  const uint64_t size = h->section_size;
  const uint32_t protect = h->section_protect;
  if (h->file_backed == 0) {
    const int fd = file->file_fd();
    return Finish(fd, false, size, kHeaderSize, protect, std::move(file), existed);
  }
  // Re-open the mapped file by its recorded path and make sure it is the same file.
  h->file_path[sizeof h->file_path - 1] = 0;
  const int fd = open(h->file_path, (Writable(protect & 0xff) ? O_RDWR : O_RDONLY) | O_NOFOLLOW |
                                        O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_dev != h->file_dev ||
      st.st_ino != h->file_ino) {
    if (fd >= 0) close(fd);
    r.error = ERROR_FILE_NOT_FOUND;
    return r;
  }
  return Finish(fd, true, size, 0, protect, std::move(file), existed);
}

}  // namespace

Opened CreateSection(const char16_t *name, int file_fd, uint32_t protect, uint64_t max_size) {
  Opened r;
  const uint32_t page = protect & ~kSecFlags & ~SEC_IMAGE;
  if ((protect & SEC_IMAGE) != 0) {
    r.error = ERROR_NOT_SUPPORTED;
    return r;
  }
  if (page != PAGE_READONLY && page != PAGE_READWRITE && page != PAGE_WRITECOPY &&
      page != PAGE_EXECUTE_READ && page != PAGE_EXECUTE_READWRITE &&
      page != PAGE_EXECUTE_WRITECOPY) {
    r.error = ERROR_INVALID_PARAMETER;
    return r;
  }
  uint64_t size = max_size;
  if (file_fd < 0) {
    if (size == 0) {
      r.error = ERROR_INVALID_PARAMETER;
      return r;
    }
  } else {
    struct stat st;
    if (fstat(file_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      r.error = ERROR_INVALID_HANDLE;
      return r;
    }
    // The file must allow what the protection asks (its open mode).
    const int mode = fcntl(file_fd, F_GETFL);
    if (mode < 0 || (Writable(page) && (mode & O_ACCMODE) != O_RDWR) ||
        (mode & O_ACCMODE) == O_WRONLY) {
      r.error = ERROR_ACCESS_DENIED;
      return r;
    }
    const uint64_t file_size = static_cast<uint64_t>(st.st_size);
    if (size == 0) {
      if (file_size == 0) {
        r.error = ERROR_FILE_INVALID;
        return r;
      }
      size = file_size;
    } else if (size > file_size) {
      // Windows grows the file to the section's size; a read-only one cannot grow
      // [inference: ERROR_ACCESS_DENIED].
      if (!Writable(page)) {
        r.error = ERROR_ACCESS_DENIED;
        return r;
      }
      if (ftruncate(file_fd, static_cast<off_t>(size)) != 0) {
        r.error = errno == EFBIG || errno == EINVAL ? ERROR_NOT_ENOUGH_MEMORY : ERROR_ACCESS_DENIED;
        return r;
      }
    }
  }
  if (name == nullptr || name[0] == 0) {
    int fd;
    if (file_fd >= 0) {
      fd = fcntl(file_fd, F_DUPFD_CLOEXEC, 0);
    } else {
      fd = memfd_create("ws2emu-section", MFD_CLOEXEC);
      if (fd >= 0 && ftruncate(fd, static_cast<off_t>(size)) != 0) {
        close(fd);
        r.error = ERROR_NOT_ENOUGH_MEMORY;
        return r;
      }
    }
    if (fd < 0) {
      r.error = ResourceError(errno);
      return r;
    }
    return Finish(fd, true, size, 0, page, nullptr, false);
  }
  ParsedName parsed;
  if ((r.error = ParseName(name, &parsed)) != 0) return r;
  std::unique_ptr<NamedFile> file;
  const SectionInit init{size, page, file_fd};
  bool existed = false;
  r.error = OpenNamedFile(parsed, Kind::kSection, /*create=*/true, file_fd >= 0 ? 0 : size,
                          InitSection, &init, &file, &existed);
  if (r.error != 0) return r;
  return FromNamedFile(std::move(file), existed);
}

Opened OpenSection(const char16_t *name) {
  Opened r;
  ParsedName parsed;
  if ((r.error = ParseName(name, &parsed)) != 0) return r;
  std::unique_ptr<NamedFile> file;
  bool existed = false;
  r.error = OpenNamedFile(parsed, Kind::kSection, /*create=*/false, 0, nullptr, nullptr, &file,
                          &existed);
  if (r.error != 0) return r;
  r = FromNamedFile(std::move(file), false);
  return r;
}

void *MapView(Section &section, uint32_t access, uint64_t offset, size_t bytes, void *base,
              uint32_t *error) {
  const uint32_t page = section.protect();
  const bool copy = (access & FILE_MAP_COPY) != 0 && (access & FILE_MAP_ALL_ACCESS) != FILE_MAP_ALL_ACCESS;
  const bool write = (access & FILE_MAP_WRITE) != 0 && !copy;
  const bool exec = (access & FILE_MAP_EXECUTE) != 0;
  if ((access & (FILE_MAP_COPY | FILE_MAP_WRITE | FILE_MAP_READ | FILE_MAP_EXECUTE)) == 0) {
    *error = ERROR_INVALID_PARAMETER;  // [inference] no access at all
    return nullptr;
  }
  if (write && !Writable(page)) {
    *error = ERROR_ACCESS_DENIED;
    return nullptr;
  }
  if (exec && page != PAGE_EXECUTE_READ && page != PAGE_EXECUTE_READWRITE &&
      page != PAGE_EXECUTE_WRITECOPY) {
    *error = ERROR_ACCESS_DENIED;
    return nullptr;
  }
  if (offset % kGranularity != 0) {
    *error = ERROR_MAPPED_ALIGNMENT;
    return nullptr;
  }
  if (base != nullptr && reinterpret_cast<uintptr_t>(base) % kGranularity != 0) {
    *error = ERROR_MAPPED_ALIGNMENT;
    return nullptr;
  }
  if (offset >= section.size() || (bytes != 0 && bytes > section.size() - offset)) {
    *error = ERROR_ACCESS_DENIED;
    return nullptr;
  }
  const size_t length = bytes != 0 ? bytes : static_cast<size_t>(section.size() - offset);
  int prot = PROT_READ;
  if (write || copy) prot |= PROT_WRITE;
  if (exec) prot |= PROT_EXEC;
  int flags = copy ? MAP_PRIVATE : MAP_SHARED;
  if (base != nullptr) flags |= MAP_FIXED_NOREPLACE;
  void *p = mmap(base, length, prot, flags, section.fd(),
                 static_cast<off_t>(section.data_offset() + offset));
  if (p == MAP_FAILED) {
    *error = errno == EEXIST ? ERROR_INVALID_ADDRESS : ERROR_NOT_ENOUGH_MEMORY;
    return nullptr;
  }
  if (base != nullptr && p != base) {  // a kernel without MAP_FIXED_NOREPLACE: treated as a hint
    munmap(p, length);
    *error = ERROR_INVALID_ADDRESS;
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(ViewsMu());
  try {
    Views().emplace(reinterpret_cast<uintptr_t>(p), View{length, Ref<Section>::Share(&section)});
  } catch (const std::bad_alloc &) {
    munmap(p, length);
    *error = ERROR_NOT_ENOUGH_MEMORY;
    return nullptr;
  }
  return p;
}

bool UnmapView(const void *base, uint32_t *error) {
  Ref<Section> section;  // released after the lock
  {
    std::lock_guard<std::mutex> lock(ViewsMu());
    auto it = Views().find(reinterpret_cast<uintptr_t>(base));
    if (it == Views().end()) {
      *error = ERROR_INVALID_ADDRESS;
      return false;
    }
    munmap(const_cast<void *>(base), it->second.size);
    section = std::move(it->second.section);
    Views().erase(it);
  }
  return true;
}

bool FlushView(const void *address, size_t bytes, uint32_t *error) {
  uintptr_t start;
  size_t length;
  {
    std::lock_guard<std::mutex> lock(ViewsMu());
    const uintptr_t a = reinterpret_cast<uintptr_t>(address);
    auto it = Views().upper_bound(a);
    if (it == Views().begin()) {
      *error = ERROR_INVALID_ADDRESS;
      return false;
    }
    --it;
    if (a >= it->first + it->second.size) {
      *error = ERROR_INVALID_ADDRESS;
      return false;
    }
    const uintptr_t end = it->first + it->second.size;
    start = a & ~(static_cast<uintptr_t>(PageSize()) - 1);
    const uintptr_t stop = bytes == 0 || bytes > end - a ? end : a + bytes;
    length = stop - start;
    // msync under the lock: an Unmap cannot pull the range away meanwhile.
    if (msync(reinterpret_cast<void *>(start), length, MS_SYNC) != 0) {
      *error = ERROR_NOT_ENOUGH_MEMORY;  // [inference] ENOMEM: not mapped; EIO: write failed
      return false;
    }
  }
  return true;
}

bool QueryView(const void *address, void **base, size_t *size) {
  std::lock_guard<std::mutex> lock(ViewsMu());
  const uintptr_t a = reinterpret_cast<uintptr_t>(address);
  auto it = Views().upper_bound(a);
  if (it == Views().begin()) return false;
  --it;
  if (a >= it->first + it->second.size) return false;
  *base = reinterpret_cast<void *>(it->first);
  *size = it->second.size;
  return true;
}

}  // namespace ws2emu::named
