// lib/base/regular_file.h — reading a file that someone else may have put in our way.
//
// Every file ws2emu reads (the catalog, a description file, a PE image, a provider path) goes
// through here, so that no input can make a command hang, abort or use memory out of
// proportion to the file:
//
//   absl::StatusOr<std::string> text = ReadRegularFile(path, kCatalogFileLimit, "catalog");
//   if (!text.ok()) ... text.status().message() names the path and the problem
//
// - The open never blocks: O_NONBLOCK (a FIFO opens at once instead of waiting for a writer),
//   O_NOCTTY, O_CLOEXEC.
// - The descriptor is fstat-checked: a folder is refused with "is a folder", a device, FIFO or
//   socket with "is not a regular file".
// - The size is checked against a limit before anything is read, and the read stops one byte
//   past the limit, so a file whose fstat size lies (/proc files report 0) cannot grow past it.
//   The message names the limit and what it is for: "is 70000000 bytes, over the 64 MiB limit
//   for a catalog".
//
// Status codes: NotFound (no such file or folder on the path), PermissionDenied (EACCES, EPERM),
// FailedPrecondition (a folder, not a regular file, too large, symlink loop), Unavailable (other
// I/O errors, including EMFILE/ENFILE/ENOMEM from open).
#ifndef WS2EMU_LIB_BASE_REGULAR_FILE_H_
#define WS2EMU_LIB_BASE_REGULAR_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace ws2emu {

// The limits, documented in the README ("What is refused").
inline constexpr size_t kCatalogFileLimit = size_t{64} << 20;      // 64 MiB
inline constexpr size_t kDescriptionFileLimit = size_t{1} << 20;   // 1 MiB
inline constexpr size_t kImageFileLimit = size_t{256} << 20;       // 256 MiB (PE images)

// Opens `path` read-only without blocking and checks that it is a regular file of at most
// `limit` bytes. Returns the descriptor (the caller closes it); `*size` gets fstat's size.
// `what` names the kind of file in messages ("catalog", "description file", "PE image").
absl::StatusOr<int> OpenRegularFile(const std::string &path, size_t limit, const char *what,
                                    uint64_t *size = nullptr);

// Reads the whole file behind `fd` from its current offset (at most `limit` bytes; one more is
// an error); `size` is fstat's size, a hint. The caller keeps the descriptor: a reader that
// fstat-checks the very file it reads (the catalog's cache) opens, fstats, then reads here.
absl::StatusOr<std::string> ReadOpenRegularFile(int fd, const std::string &path, size_t limit,
                                                const char *what, uint64_t size);

// OpenRegularFile, then reads the whole file (at most `limit` bytes; one more is an error).
absl::StatusOr<std::string> ReadRegularFile(const std::string &path, size_t limit,
                                            const char *what);

// "64 MiB", "1 MiB", "512 KiB", "100 bytes": a limit as people write it.
std::string DescribeSize(size_t bytes);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_REGULAR_FILE_H_
