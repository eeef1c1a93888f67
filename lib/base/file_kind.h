// lib/base/file_kind.h — what kind of loadable file a path names, by its first bytes: a PE
// image ("MZ", for the emu loader) or an ELF shared object (for dlopen). The provider manager
// and the emulated LoadLibrary decide with it how to load a provider DLL.
#ifndef WS2EMU_LIB_BASE_FILE_KIND_H_
#define WS2EMU_LIB_BASE_FILE_KIND_H_

#include <string>

#include "absl/status/statusor.h"

namespace ws2emu {

enum class FileKind { kPe, kElf, kOther };

// The file is opened without blocking and must be a regular file within kImageFileLimit
// (base/regular_file.h): NotFound when nothing is there, FailedPrecondition for a folder, a
// FIFO, a device or a file over the limit, with a message naming the path and the problem.
absl::StatusOr<FileKind> KindOfFile(const std::string &path);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_FILE_KIND_H_
