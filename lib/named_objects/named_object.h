// lib/named_objects/named_object.h — named kernel objects (events, semaphores, mutexes, file
// mappings) shared by every process of the same user, without a broker.
//
//   named::Opened r = named::CreateEvent(u"Local\\Ctl", /*create=*/true, /*manual=*/false, false);
//   // r.object: a Ref to an Event whose state is shared; r.existed: ERROR_ALREADY_EXISTS
//   // r.error: the Windows error when r.object is null
//
// The namespace folder. $XDG_RUNTIME_DIR/ws2emu-objects when XDG_RUNTIME_DIR is set and
// absolute (it must be a folder owned by the effective user and not writable by group or
// others), otherwise /tmp/ws2emu-<euid>. The folder itself is created with mode 0700 and then
// checked through the descriptor that opened it (O_NOFOLLOW: not a symlink; owned by the
// effective user; mode exactly 0700): anything else is refused with ERROR_ACCESS_DENIED and a
// line on stderr (base/debug.h Notice) saying what to fix. Every file in it is reached with
// openat/mkfifoat/unlinkat from that descriptor, opened O_NOFOLLOW|O_CLOEXEC and fstat-checked
// (the type, the owner, no group/other permission bits); an object file that fails a check is
// refused, never followed or repaired.
//
// Names. "Local\X" and "X" are the same object [inference: a process has one session here, and
// Windows puts unprefixed names in the session namespace, which is what Local\ names];
// "Global\X" is a second namespace. Any other backslash: ERROR_PATH_NOT_FOUND (as Windows
// answers for a path into a missing object directory); more than MAX_PATH characters:
// ERROR_FILENAME_EXCED_RANGE; an empty name after the prefix: ERROR_INVALID_PARAMETER
// [inference]. Names are case-sensitive, as Windows documents for these objects. One
// namespace for all types: an object's file header records its type, and a create or open of
// a name that belongs to another type fails with ERROR_INVALID_HANDLE. A name becomes a file
// name by keeping [A-Za-z0-9_-] and writing every other UTF-16 unit as %XXXX; one too long for
// a file name is replaced by a 128-bit hash of it, the full name being kept in the header and
// compared on open (a different name there, a hash collision, is ERROR_INVALID_HANDLE
// [inference]).
//
// Files per object: "<L|G><name>.obj", a header page (NamedHeader: type, name, the shared
// state words) followed, for a file mapping, by the section's bytes; and for waitable objects
// "<L|G><name>.fifo", the FIFO that stands in for an eventfd across processes
// (sync/eventfd_unit.h).
//
// Lifetime, with flock and no broker. Every open of an object (every handle's object, in any
// process) holds LOCK_SH on its .obj file, through its own open file description. Create, open
// and the last close of an object serialise on LOCK_EX of the namespace folder itself (rare
// operations). The last close in a process (the object's destructor: the last handle, view or
// waiter let go) tries LOCK_EX|LOCK_NB on its file under the folder lock: success means no
// other holder in any process, and the files are unlinked. A killed process's flocks vanish
// with it, so its leftovers are recognised the same way: an open that finds the file and gets
// LOCK_EX|LOCK_NB on it knows nobody holds it, and starts it afresh (a create) or removes it
// (an open: ERROR_FILE_NOT_FOUND); the first namespace use in each process also sweeps the
// folder of such leftovers. So the folder is empty once the last process holding an object
// has closed it or died (and the next user of the namespace has swept it).
//
// Shared state. Events (sync/event.h) and semaphores (sync/semaphore.h) run their usual
// algorithms over a word in the header and the FIFO; mutexes keep their owner there
// (threads/mutex_object.h); a section's bytes follow the header (named_objects/section.h).
// The wait code is the same for named and unnamed objects, so they mix freely in
// WaitForMultipleObjects and its alertable forms.
//
// Not enforced [inference]: security attributes, access masks (every handle has all access;
// the calls accept any mask), handle inheritance, and the privilege Windows asks of a process
// that creates a file mapping under Global\ (any process may here).
//
// Known limits. A process killed between an event's or semaphore's state flip and its FIFO
// write (a few instructions) leaves the FIFO one unit short: a later waiter that must take that
// unit (sync/eventfd_unit.h) waits in poll for a write that never comes. Section pages are
// allocated on first touch (sparse files and memfds): a section larger than the memory or the
// tmpfs behind the folder fails with SIGBUS at the first write beyond it, not at create.
#ifndef WS2EMU_LIB_NAMED_OBJECTS_NAMED_OBJECT_H_
#define WS2EMU_LIB_NAMED_OBJECTS_NAMED_OBJECT_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "handles/handle_table.h"
#include "sync/waitable.h"
#include "threads/mutex_object.h"

namespace ws2emu::named {

// A semaphore's count is mirrored byte for byte in its FIFO, whose capacity is 64 KiB: a named
// semaphore's maximum is capped there (ERROR_INVALID_PARAMETER above it) [inference]; a FIFO
// the kernel made smaller (a user with very many pipes) that cannot be grown to the maximum
// refuses the create with ERROR_NOT_ENOUGH_QUOTA.
inline constexpr int32_t kMaxNamedSemaphoreCount = 65536;
inline constexpr uint32_t kMaxNameLength = 260;  // MAX_PATH

enum class Kind : uint32_t { kEvent = 1, kSemaphore = 2, kMutex = 3, kSection = 4 };

// The header page at the start of every .obj file.
struct NamedHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t kind;  // Kind
  uint32_t name_length;
  char16_t name[kMaxNameLength + 1];
  // Events and semaphores.
  alignas(64) std::atomic<uint32_t> event_word;
  uint32_t manual_reset;
  std::atomic<int32_t> semaphore_count;
  int32_t semaphore_maximum;
  // Mutexes.
  alignas(64) SharedMutexState mutex;
  // Sections.
  alignas(64) uint64_t section_size;
  uint32_t section_protect;
  uint32_t file_backed;  // the bytes are in the file at `file_path`, not after this header
  uint64_t file_dev;
  uint64_t file_ino;
  char file_path[4096];
};
inline constexpr size_t kHeaderSize = 8192;
static_assert(sizeof(NamedHeader) <= kHeaderSize, "the header fits its pages");

// A parsed name: the namespace ('L' or 'G') and the name after the prefix.
struct ParsedName {
  char space = 'L';
  std::u16string name;
};
// ERROR_SUCCESS, or the Windows error for a malformed name (see above).
uint32_t ParseName(const char16_t *name, ParsedName *out);
// The file-name stem for a parsed name ("L" + escaped name, or "L~" + hash).
std::string FileStem(const ParsedName &name);

// What keeps an open named object alive: its .obj file (LOCK_SH held), the mapped header, the
// FIFO, and a descriptor of the namespace folder for the last close.
class NamedFile final : public SharedBacking {
 public:
  ~NamedFile() override;
  NamedHeader *header() const { return header_; }
  int file_fd() const { return file_fd_; }
  int fifo_fd() const { return fifo_fd_; }

 private:
  friend struct Opener;
  NamedFile() = default;
  int dir_fd_ = -1;
  int file_fd_ = -1;
  int fifo_fd_ = -1;
  NamedHeader *header_ = nullptr;
  std::string stem_;
};

// The result of a create or open.
struct Opened {
  Ref<Object> object;
  uint32_t error = 0;    // the Windows error when object is null
  bool existed = false;  // a create found the name: ERROR_ALREADY_EXISTS
};

// Initialises a new object's header (the common fields are set already) and its FIFO; a
// Windows error, or 0.
using InitFn = uint32_t (*)(NamedHeader *header, int fifo_fd, const void *arg);

// Creates (create) or opens the named object `name` of `kind`, with `data_size` bytes after the
// header for a new section; *file gets its backing. `init` runs only for a new object. An open
// whose name exists with another kind: ERROR_INVALID_HANDLE; a missing one: ERROR_FILE_NOT_FOUND.
uint32_t OpenNamedFile(const ParsedName &name, Kind kind, bool create, uint64_t data_size,
                       InitFn init, const void *init_arg, std::unique_ptr<NamedFile> *file,
                       bool *existed);

// The typed create/open calls (name non-empty). Create of an existing name returns it
// (existed = true; the creation arguments are then ignored, as on Windows).
Opened CreateEvent(const char16_t *name, bool create, bool manual_reset, bool initial_state);
Opened CreateSemaphore(const char16_t *name, bool create, int32_t initial, int32_t maximum);
Opened CreateMutex(const char16_t *name, bool create, bool initial_owner);

// The namespace folder's path as it would be used now (for tests and messages), or "" with
// *error set when it is refused.
std::string NamespacePath(uint32_t *error);

}  // namespace ws2emu::named

#endif  // WS2EMU_LIB_NAMED_OBJECTS_NAMED_OBJECT_H_
