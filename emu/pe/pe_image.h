// emu/pe/pe_image.h — a validated, parsed view of a PE32+ x86_64 image file.
//
// What it is for: everything the loader and `ws2emu-run --check` need to know about a DLL or
// EXE, read from untrusted bytes without mapping or running anything:
//
//   absl::StatusOr<PeImage> image = PeImage::Parse(file_bytes);
//   if (!image.ok()) { fprintf(stderr, "%s\n", image.status().message()); ... }
//   for (const ImportedDll &dll : image->imports()) ...
//
// Parse checks every header field the loader relies on and every RVA it follows (sections,
// directories, import and export tables, relocation blocks, the TLS directory) against the file
// and the image size, with bounds on every count, so a truncated, corrupt or hostile file gives
// an error that names what is wrong and never reads outside the buffer. The result owns copies
// of the names it found; it does not keep a pointer into the input.
//
// Time and memory are proportional to the file's size, whatever the tables say: the imports an
// image may bind are capped in total (kMaxImports, however many descriptors share one lookup
// table), the names copied out may not add up to more than twice the file (kNameBudgetFactor:
// a thousand thunks pointing at one long name cost no more than the name), and the relocation
// directory must lie in a section's file data, so zero-filled space cannot stand for millions
// of relocation entries.
#ifndef WS2EMU_EMU_PE_PE_IMAGE_H_
#define WS2EMU_EMU_PE_PE_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ws2emu::emu {

struct Section {
  std::string name;
  uint32_t rva;
  uint32_t virtual_size;  // size in memory (>= 1 page-rounded extent used for mapping)
  uint32_t raw_offset;
  uint32_t raw_size;      // bytes copied from the file; the rest of the section is zero
  uint32_t characteristics;
};

struct ImportEntry {
  bool by_ordinal;
  uint16_t ordinal;   // when by_ordinal
  uint16_t hint;      // when by name
  std::string name;   // when by name
  uint32_t iat_rva;   // where the resolved address is written
};

struct ImportedDll {
  std::string name;
  bool delay_load;
  std::vector<ImportEntry> entries;
};

struct Export {
  uint32_t ordinal;        // biased (Base included), as GetProcAddress takes it
  std::string name;        // empty when exported by ordinal only
  uint32_t rva;            // 0 when forwarded
  std::string forwarder;   // "DLL.Function" or "DLL.#ordinal" when forwarded
};

// A forwarder taken apart: "NTDLL.RtlFoo" names NTDLL.dll!RtlFoo, "X.#7" names X.dll!#7. The
// DLL part ends at the first dot, as Windows reads it; ".dll" is added.
struct ForwarderTarget {
  std::string dll;       // "NTDLL.dll"
  bool by_ordinal = false;
  uint32_t ordinal = 0;  // when by_ordinal
  std::string name;      // when by name
  // "NTDLL.dll!RtlFoo", "X.dll!#7": how messages name it.
  std::string Label() const;
};
ForwarderTarget SplitForwarder(const std::string &forwarder);

struct TlsInfo {
  uint64_t start_va, end_va;   // the template (VAs at the preferred base)
  uint64_t index_va;           // where the loader stores the TLS index
  uint64_t callbacks_va;       // null-terminated array of callback VAs, or 0
  uint32_t zero_fill;
  std::vector<uint64_t> callbacks;  // the callback VAs, read from the file
};

class PeImage {
 public:
  // Limits beyond which an image is refused as hostile rather than read.
  static constexpr uint32_t kMaxImageSize = 1u << 30;  // 1 GiB
  static constexpr uint32_t kMaxSections = 96;          // the PE specification's limit
  static constexpr uint32_t kMaxImportDlls = 4096;
  static constexpr uint32_t kMaxImportsPerDll = 65536;
  // The imports of all descriptors together (regular and delay-load). [inference] Windows images
  // in practice stay far below 10,000 (a large application imports a few thousand functions);
  // 65,536 leaves a wide margin and bounds the work and memory of a hostile image whose
  // descriptors share one lookup table (4096 x 65,535 entries would otherwise be 268 million)
  // to a few MiB.
  static constexpr uint32_t kMaxImports = 65536;
  static constexpr uint32_t kMaxExports = 65536;
  static constexpr uint32_t kMaxTlsCallbacks = 1024;
  static constexpr size_t kMaxNameLength = 4096;
  // The names copied out of the image (DLL, import, export and forwarder names) may add up to
  // at most this many times the file's size. Names in a real image occupy their own bytes, so
  // they add up to less than the file; the factor only leaves room for names that share bytes.
  static constexpr size_t kNameBudgetFactor = 2;

  static absl::StatusOr<PeImage> Parse(absl::Span<const uint8_t> file);

  bool is_dll() const { return is_dll_; }
  uint64_t image_base() const { return image_base_; }
  uint32_t size_of_image() const { return size_of_image_; }
  uint32_t size_of_headers() const { return size_of_headers_; }
  uint32_t entry_point() const { return entry_point_; }  // RVA, 0 if none
  uint32_t section_alignment() const { return section_alignment_; }
  uint16_t subsystem() const { return subsystem_; }
  uint16_t dll_characteristics() const { return dll_characteristics_; }

  const std::vector<Section> &sections() const { return sections_; }
  const std::vector<ImportedDll> &imports() const { return imports_; }
  const std::string &export_name() const { return export_name_; }
  const std::vector<Export> &exports() const { return exports_; }
  // The export of this name (the first, if several share it) or (biased) ordinal; null if
  // none. Constant time: an importer binding 65,536 names costs 65,536 lookups.
  const Export *FindExport(absl::string_view name) const;
  const Export *FindExport(uint32_t ordinal) const;
  // RVAs of the 64-bit fields to relocate (IMAGE_REL_BASED_DIR64).
  const std::vector<uint32_t> &relocations() const { return relocations_; }
  bool has_relocations() const { return has_relocation_directory_; }
  const std::optional<TlsInfo> &tls() const { return tls_; }
  uint32_t exception_directory_rva() const { return exception_rva_; }
  uint32_t exception_directory_size() const { return exception_size_; }

 private:
  PeImage() = default;
  friend class PeParser;

  bool is_dll_ = false;
  uint64_t image_base_ = 0;
  uint32_t size_of_image_ = 0;
  uint32_t size_of_headers_ = 0;
  uint32_t entry_point_ = 0;
  uint32_t section_alignment_ = 0;
  uint16_t subsystem_ = 0;
  uint16_t dll_characteristics_ = 0;
  std::vector<Section> sections_;
  std::vector<ImportedDll> imports_;
  std::string export_name_;
  std::vector<Export> exports_;
  absl::flat_hash_map<std::string, uint32_t> export_by_name_;  // index into exports_
  absl::flat_hash_map<uint32_t, uint32_t> export_by_ordinal_;
  std::vector<uint32_t> relocations_;
  bool has_relocation_directory_ = false;
  std::optional<TlsInfo> tls_;
  uint32_t exception_rva_ = 0;
  uint32_t exception_size_ = 0;
};

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_PE_PE_IMAGE_H_
