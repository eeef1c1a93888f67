#include "base/file_kind.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace ws2emu {

FileKind KindOfFile(const std::string &path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileKind::kMissing;
  unsigned char magic[4] = {};
  ssize_t n = read(fd, magic, sizeof(magic));
  close(fd);
  if (n >= 2 && magic[0] == 'M' && magic[1] == 'Z') return FileKind::kPe;
  if (n == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0) return FileKind::kElf;
  return FileKind::kOther;
}

}  // namespace ws2emu
