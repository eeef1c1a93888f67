#include "base/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ws2emu {
namespace {

absl::Status FromErrno(const std::string &path, const char *what, int error) {
  // One wording for a file that cannot be had, whether open or read failed: "cannot read".
  std::string message = absl::StrCat(path, ": cannot read the ", what, ": ", std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case ELOOP:
    case ENAMETOOLONG:
      return absl::FailedPreconditionError(message);
    default:
      return absl::UnavailableError(message);
  }
}

absl::Status TooLarge(const std::string &path, const char *what, uint64_t size, size_t limit) {
  // size 0: the size is not known (the read went past the limit of a file fstat calls empty).
  std::string head = size == 0 ? "is over" : absl::StrCat("is ", size, " bytes, over");
  return absl::FailedPreconditionError(
      absl::StrCat(path, ": ", head, " the ", DescribeSize(limit), " limit for a ", what));
}

}  // namespace

std::string DescribeSize(size_t bytes) {
  if (bytes >= (size_t{1} << 30) && bytes % (size_t{1} << 30) == 0) {
    return absl::StrCat(bytes >> 30, " GiB");
  }
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) {
    return absl::StrCat(bytes >> 20, " MiB");
  }
  if (bytes >= 1024 && bytes % 1024 == 0) return absl::StrCat(bytes >> 10, " KiB");
  return absl::StrCat(bytes, " bytes");
}

absl::StatusOr<int> OpenRegularFile(const std::string &path, size_t limit, const char *what,
                                    uint64_t *size) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat("empty ", what, " path"));
  if (path.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("the ", what, " path holds a NUL character"));
  }
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return FromErrno(path, what, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return absl::UnavailableError(absl::StrCat(path, ": fstat: ", std::strerror(e)));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    if (S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(absl::StrCat(path, ": is a folder, not a ", what));
    }
    const char *kind = S_ISFIFO(st.st_mode)  ? "a FIFO"
                       : S_ISCHR(st.st_mode) ? "a character device"
                       : S_ISBLK(st.st_mode) ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "of an unknown kind";
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": is not a regular file (it is ", kind, "); a ", what, " must be one"));
  }
  if (static_cast<uint64_t>(st.st_size) > limit) {
    close(fd);
    return TooLarge(path, what, static_cast<uint64_t>(st.st_size), limit);
  }
  if (size != nullptr) *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

absl::StatusOr<std::string> ReadOpenRegularFile(int fd, const std::string &path, size_t limit,
                                                const char *what, uint64_t size) {
  std::string text;
  // The fstat size is a hint (a /proc file says 0): read in chunks up to one byte past the limit.
  size_t capacity = static_cast<size_t>(size) + 1;
  if (capacity > limit + 1) capacity = limit + 1;
  try {
    text.resize(capacity < 4096 ? 4096 : capacity);
  } catch (const std::bad_alloc &) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": not enough memory to read the ", what));
  }
  size_t done = 0;
  for (;;) {
    if (done == text.size()) {
      if (done > limit) break;
      size_t grow = text.size() * 2;
      if (grow > limit + 1) grow = limit + 1;
      try {
        text.resize(grow);
      } catch (const std::bad_alloc &) {
        return absl::ResourceExhaustedError(
            absl::StrCat(path, ": not enough memory to read the ", what));
      }
    }
    ssize_t n = read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat(path, ": cannot read the ", what, ": ", std::strerror(errno)));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  if (done > limit) return TooLarge(path, what, 0, limit);
  text.resize(done);
  return text;
}

absl::StatusOr<std::string> ReadRegularFile(const std::string &path, size_t limit,
                                            const char *what) {
  uint64_t size = 0;
  absl::StatusOr<int> fd = OpenRegularFile(path, limit, what, &size);
  if (!fd.ok()) return fd.status();
  absl::StatusOr<std::string> text = ReadOpenRegularFile(*fd, path, limit, what, size);
  close(*fd);
  return text;
}

}  // namespace ws2emu
