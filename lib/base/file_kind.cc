#include "base/file_kind.h"

#include <unistd.h>

#include <cstring>

#include "base/regular_file.h"

namespace ws2emu {

absl::StatusOr<FileKind> KindOfFile(const std::string &path) {
  absl::StatusOr<int> fd = OpenRegularFile(path, kImageFileLimit, "module");
  if (!fd.ok()) return fd.status();
  unsigned char magic[4] = {};
  ssize_t n = read(*fd, magic, sizeof(magic));
  close(*fd);
  if (n >= 2 && magic[0] == 'M' && magic[1] == 'Z') return FileKind::kPe;
  if (n == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0) return FileKind::kElf;
  return FileKind::kOther;
}

}  // namespace ws2emu
