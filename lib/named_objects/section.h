// lib/named_objects/section.h — file mappings (CreateFileMapping / OpenFileMapping) and their
// views (MapViewOfFile[Ex] / UnmapViewOfFile / FlushViewOfFile).
//
//   named::Opened r = named::CreateSection(u"Local\\Shm", /*file_fd=*/-1, PAGE_READWRITE, 4096);
//   Ref<Section> s = ...;                      // r.object, type kSection
//   uint32_t err;
//   void *p = named::MapView(*s, FILE_MAP_WRITE, 0, 0, nullptr, &err);
//   named::UnmapView(p, &err);
//
// Backing. A section backed by the paging file is, unnamed, a memfd; named, the bytes after the
// header page of its object file in the namespace folder (named_object.h), so that every
// process that opens the name maps the same pages. A file-backed section maps the file (the
// caller resolves the HANDLE to a descriptor: lib/ never sees emu's file table); its size is
// the file's unless given, and a larger size extends a writable file, as Windows does. A named
// file-backed section records the file's path (from /proc/self/fd) and its device and inode in
// the header; another process that opens the name re-opens that path (O_NOFOLLOW) and checks
// it is still the same file [inference: Windows shares the section object itself; here the
// file is re-opened], else ERROR_FILE_NOT_FOUND.
//
// Errors (Microsoft's CreateFileMapping / MapViewOfFile pages): size 0 with no file:
// ERROR_INVALID_PARAMETER; size 0 on an empty file: ERROR_FILE_INVALID; a view offset that is
// not a multiple of the allocation granularity (64 KiB): ERROR_MAPPED_ALIGNMENT, as is a
// MapViewOfFileEx base that is not; a view beyond the section, or a write view of a read-only
// section: ERROR_ACCESS_DENIED; MapViewOfFileEx at an address already in use:
// ERROR_INVALID_ADDRESS (MAP_FIXED_NOREPLACE); UnmapViewOfFile of an address that is not a
// view's base: ERROR_INVALID_ADDRESS. FILE_MAP_COPY maps MAP_PRIVATE (copy-on-write). SEC_IMAGE
// is refused with ERROR_NOT_SUPPORTED [inference: no image sections here]; SEC_COMMIT,
// SEC_RESERVE, SEC_NOCACHE, SEC_WRITECOMBINE and SEC_LARGE_PAGES are accepted and change
// nothing [inference]. View bases are page-aligned, not 64 KiB-aligned [inference: nothing in
// the contract needs the stronger alignment].
//
// Lifetime. A view holds a reference to its section, so a section lives on after its last
// handle closes while a view of it is mapped, as on Windows; the view registry (base -> size,
// section) serves Unmap, Flush and VirtualQuery (QueryView).
#ifndef WS2EMU_LIB_NAMED_OBJECTS_SECTION_H_
#define WS2EMU_LIB_NAMED_OBJECTS_SECTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "handles/handle_table.h"
#include "named_objects/named_object.h"

namespace ws2emu::named {

class Section final : public Object {
 public:
  static constexpr ObjectType kType = ObjectType::kSection;
  ~Section() override;

  uint64_t size() const { return size_; }
  uint32_t protect() const { return protect_; }
  int fd() const { return fd_; }
  uint64_t data_offset() const { return data_offset_; }

 private:
  friend struct SectionMaker;
  Section() : Object(kType) {}
  int fd_ = -1;             // owned unless it is the named file's (then backing_ owns it)
  bool own_fd_ = true;
  uint64_t size_ = 0;
  uint64_t data_offset_ = 0;
  uint32_t protect_ = 0;
  std::unique_ptr<NamedFile> backing_;
};

// CreateFileMapping: `name` null or empty for an unnamed section; `file_fd` -1 for the paging
// file (the descriptor is duplicated, the caller keeps its own); `protect` the flProtect
// argument with its SEC_* bits.
Opened CreateSection(const char16_t *name, int file_fd, uint32_t protect, uint64_t max_size);
// OpenFileMapping.
Opened OpenSection(const char16_t *name);

// MapViewOfFileEx: null with *error on failure. bytes 0: to the end of the section.
void *MapView(Section &section, uint32_t access, uint64_t offset, size_t bytes, void *base,
              uint32_t *error);
// UnmapViewOfFile.
bool UnmapView(const void *base, uint32_t *error);
// FlushViewOfFile: bytes 0 flushes to the end of the view that holds `address`.
bool FlushView(const void *address, size_t bytes, uint32_t *error);
// The view that holds `address`: its base and size; false if none.
bool QueryView(const void *address, void **base, size_t *size);

}  // namespace ws2emu::named

#endif  // WS2EMU_LIB_NAMED_OBJECTS_SECTION_H_
