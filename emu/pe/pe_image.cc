#include "pe/pe_image.h"

#include <strings.h>

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pe/pe_format.h"

namespace ws2emu::emu {

// Reads the image through its section table, as the loader will lay it out, with every access
// bounds-checked. Errors are InvalidArgument with a message naming the structure at fault.
class PeParser {
 public:
  explicit PeParser(absl::Span<const uint8_t> file) : file_(file) {}

  absl::StatusOr<PeImage> Run();

 private:
  absl::Status Headers();
  absl::Status Sections();
  absl::Status Imports();
  absl::Status DelayImports();
  absl::Status ImportThunks(ImportedDll *dll, uint32_t lookup_rva, uint32_t iat_rva,
                            const std::string &where);
  absl::Status Exports();
  absl::Status Relocations();
  absl::Status Tls();

  // A copy of `size` bytes at `rva`, as mapped: bytes past a section's raw data read as zero.
  // Fails if any byte is outside the image or in no section (or headers).
  absl::Status Read(uint32_t rva, void *out, size_t size, const std::string &what) const;
  template <typename T>
  absl::StatusOr<T> ReadStruct(uint32_t rva, const std::string &what) const {
    T value;
    absl::Status s = Read(rva, &value, sizeof(T), what);
    if (!s.ok()) return s;
    return value;
  }
  // The NUL-terminated string at `rva` (at most kMaxNameLength bytes), charged to the name
  // budget: refused once the names copied out add up to more than kNameBudgetFactor times the
  // file.
  absl::StatusOr<std::string> ReadString(uint32_t rva, const std::string &what);
  // The file bytes that back [rva, ...): a pointer into the file and how many bytes follow it
  // in the same section's raw data (or the headers); `*zero_after` is true when the image
  // goes on, zero-filled, after them. Null when `rva` is in no section.
  const uint8_t *FileBytes(uint32_t rva, size_t *available, bool *zero_after) const;
  // The directory `index` if present: checks it lies inside the image.
  absl::Status Directory(int index, const char *what, uint32_t *rva, uint32_t *size) const;
  uint32_t VaToRva(uint64_t va, bool *ok) const;

  absl::Span<const uint8_t> file_;
  ImageFileHeader file_header_{};
  ImageOptionalHeader64 optional_{};
  uint32_t section_table_offset_ = 0;
  uint32_t imports_seen_ = 0;  // across all descriptors, against kMaxImports
  size_t name_budget_ = 0;     // bytes of names that may still be copied out
  PeImage image_;
};

namespace {

absl::Status Bad(const std::string &message) { return absl::InvalidArgumentError(message); }

bool IsPowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

std::string Hex(uint64_t v) { return absl::StrFormat("0x%x", v); }

std::string MachineName(uint16_t machine) {
  switch (machine) {
    case kMachineI386:
      return "i386";
    case kMachineArm64:
      return "ARM64";
    case kMachineAmd64:
      return "x86_64";
    default:
      return "unknown";
  }
}

}  // namespace

absl::StatusOr<PeImage> PeImage::Parse(absl::Span<const uint8_t> file) {
  return PeParser(file).Run();
}

const Export *PeImage::FindExport(absl::string_view name) const {
  auto it = export_by_name_.find(name);
  return it == export_by_name_.end() ? nullptr : &exports_[it->second];
}

const Export *PeImage::FindExport(uint32_t ordinal) const {
  auto it = export_by_ordinal_.find(ordinal);
  return it == export_by_ordinal_.end() ? nullptr : &exports_[it->second];
}

ForwarderTarget SplitForwarder(const std::string &forwarder) {
  ForwarderTarget t;
  size_t dot = forwarder.find('.');
  t.dll = forwarder.substr(0, dot);
  if (t.dll.size() < 4 || strncasecmp(t.dll.data() + t.dll.size() - 4, ".dll", 4) != 0)
    t.dll += ".dll";
  std::string function = dot == std::string::npos ? std::string() : forwarder.substr(dot + 1);
  if (!function.empty() && function[0] == '#' &&
      absl::SimpleAtoi(absl::string_view(function).substr(1), &t.ordinal)) {
    t.by_ordinal = true;
  } else {
    t.name = std::move(function);
  }
  return t;
}

std::string ForwarderTarget::Label() const {
  return by_ordinal ? absl::StrCat(dll, "!#", ordinal) : absl::StrCat(dll, "!", name);
}

absl::StatusOr<PeImage> PeParser::Run() {
  name_budget_ = file_.size() * PeImage::kNameBudgetFactor;
  // In order, each step only once the previous one succeeded: the directories are read
  // through the sections, the sections through the headers.
  using Step = absl::Status (PeParser::*)();
  for (Step step : {&PeParser::Headers, &PeParser::Sections, &PeParser::Imports,
                    &PeParser::DelayImports, &PeParser::Exports, &PeParser::Relocations,
                    &PeParser::Tls}) {
    if (absl::Status s = (this->*step)(); !s.ok()) return s;
  }
  return std::move(image_);
}

absl::Status PeParser::Headers() {
  if (file_.size() < sizeof(ImageDosHeader))
    return Bad(absl::StrCat("truncated: the DOS header needs 64 bytes, the file has ",
                            file_.size()));
  ImageDosHeader dos;
  std::memcpy(&dos, file_.data(), sizeof(dos));
  if (dos.e_magic != kDosMagic) return Bad("not a PE image: no MZ signature");
  uint64_t pe = static_cast<uint32_t>(dos.e_lfanew);
  if (dos.e_lfanew < 0 || pe + 4 + sizeof(ImageFileHeader) > file_.size())
    return Bad(absl::StrCat("truncated: e_lfanew ", Hex(pe), " points past the end of the file (",
                            file_.size(), " bytes)"));
  uint32_t signature;
  std::memcpy(&signature, file_.data() + pe, 4);
  if (signature != kPeSignature) return Bad("not a PE image: no PE signature at e_lfanew");
  std::memcpy(&file_header_, file_.data() + pe + 4, sizeof(file_header_));
  if (file_header_.Machine != kMachineAmd64)
    return Bad(absl::StrCat("wrong machine type ", Hex(file_header_.Machine), " (",
                            MachineName(file_header_.Machine), "): only x86_64 (0x8664) images run"));
  uint64_t opt = pe + 4 + sizeof(ImageFileHeader);
  if (file_header_.SizeOfOptionalHeader < offsetof(ImageOptionalHeader64, DataDirectory))
    return Bad(absl::StrCat("optional header too small: ", file_header_.SizeOfOptionalHeader,
                            " bytes"));
  if (opt + file_header_.SizeOfOptionalHeader > file_.size())
    return Bad("truncated: the optional header runs past the end of the file");
  uint16_t magic;
  std::memcpy(&magic, file_.data() + opt, 2);
  if (magic != kOptionalMagicPe32Plus)
    return Bad(absl::StrCat("optional header magic ", Hex(magic),
                            magic == kOptionalMagicPe32 ? " is PE32 (32-bit)" : " is unknown",
                            ", not PE32+ (0x20b)"));
  size_t copy = std::min<size_t>(file_header_.SizeOfOptionalHeader, sizeof(optional_));
  std::memcpy(&optional_, file_.data() + opt, copy);
  if (optional_.NumberOfRvaAndSizes > kDirCount)
    return Bad(absl::StrCat("NumberOfRvaAndSizes ", optional_.NumberOfRvaAndSizes,
                            " is more than 16"));
  uint64_t dirs_end = offsetof(ImageOptionalHeader64, DataDirectory) +
                      uint64_t{optional_.NumberOfRvaAndSizes} * sizeof(ImageDataDirectory);
  if (dirs_end > file_header_.SizeOfOptionalHeader)
    return Bad("the data directories run past SizeOfOptionalHeader");
  for (uint32_t i = optional_.NumberOfRvaAndSizes; i < kDirCount; ++i)
    optional_.DataDirectory[i] = {0, 0};

  if (!IsPowerOfTwo(optional_.SectionAlignment) || !IsPowerOfTwo(optional_.FileAlignment) ||
      optional_.FileAlignment > optional_.SectionAlignment)
    return Bad(absl::StrCat("bad alignment: SectionAlignment ", Hex(optional_.SectionAlignment),
                            ", FileAlignment ", Hex(optional_.FileAlignment)));
  if (optional_.SizeOfImage == 0 || optional_.SizeOfImage > PeImage::kMaxImageSize)
    return Bad(absl::StrCat("SizeOfImage ", Hex(optional_.SizeOfImage), " is ",
                            optional_.SizeOfImage == 0 ? "zero" : "larger than 1 GiB"));
  if (optional_.ImageBase % 0x10000 != 0)
    return Bad(absl::StrCat("ImageBase ", Hex(optional_.ImageBase),
                            " is not a multiple of 64 KiB"));
  if (optional_.SizeOfHeaders > optional_.SizeOfImage || optional_.SizeOfHeaders > file_.size())
    return Bad(absl::StrCat("SizeOfHeaders ", Hex(optional_.SizeOfHeaders),
                            " is larger than the image or the file"));
  if (optional_.AddressOfEntryPoint >= optional_.SizeOfImage)
    return Bad(absl::StrCat("entry point RVA ", Hex(optional_.AddressOfEntryPoint),
                            " is outside the image (SizeOfImage ", Hex(optional_.SizeOfImage),
                            ")"));
  section_table_offset_ = static_cast<uint32_t>(opt + file_header_.SizeOfOptionalHeader);

  image_.is_dll_ = (file_header_.Characteristics & kFileDll) != 0;
  image_.image_base_ = optional_.ImageBase;
  image_.size_of_image_ = optional_.SizeOfImage;
  image_.size_of_headers_ = optional_.SizeOfHeaders;
  image_.entry_point_ = optional_.AddressOfEntryPoint;
  image_.section_alignment_ = optional_.SectionAlignment;
  image_.subsystem_ = optional_.Subsystem;
  image_.dll_characteristics_ = optional_.DllCharacteristics;
  image_.exception_rva_ = optional_.DataDirectory[kDirException].VirtualAddress;
  image_.exception_size_ = optional_.DataDirectory[kDirException].Size;
  return absl::OkStatus();
}

absl::Status PeParser::Sections() {
  uint32_t count = file_header_.NumberOfSections;
  if (count == 0) return Bad("the image has no sections");
  if (count > PeImage::kMaxSections)
    return Bad(absl::StrCat(count, " sections: more than the limit of 96"));
  uint64_t table_end = section_table_offset_ + uint64_t{count} * sizeof(ImageSectionHeader);
  if (table_end > file_.size()) return Bad("truncated: the section table runs past the file");
  for (uint32_t i = 0; i < count; ++i) {
    ImageSectionHeader h;
    std::memcpy(&h, file_.data() + section_table_offset_ + i * sizeof(h), sizeof(h));
    Section s;
    s.name.assign(h.Name, strnlen(h.Name, sizeof(h.Name)));
    s.rva = h.VirtualAddress;
    s.virtual_size = h.VirtualSize != 0 ? h.VirtualSize : h.SizeOfRawData;
    s.raw_offset = h.PointerToRawData;
    s.raw_size = std::min(h.SizeOfRawData, s.virtual_size);
    s.characteristics = h.Characteristics;
    std::string label = absl::StrCat("section ", i, " '", s.name, "'");
    if (s.rva % optional_.SectionAlignment != 0)
      return Bad(absl::StrCat(label, ": RVA ", Hex(s.rva), " is not section-aligned"));
    if (s.rva < optional_.SizeOfHeaders)
      return Bad(absl::StrCat(label, ": RVA ", Hex(s.rva), " overlaps the headers"));
    if (uint64_t{s.rva} + s.virtual_size > optional_.SizeOfImage)
      return Bad(absl::StrCat(label, ": [", Hex(s.rva), ", ", Hex(uint64_t{s.rva} + s.virtual_size),
                              ") is outside the image (SizeOfImage ", Hex(optional_.SizeOfImage),
                              ")"));
    if (s.raw_size != 0 && uint64_t{s.raw_offset} + s.raw_size > file_.size())
      return Bad(absl::StrCat(label, ": raw data [", Hex(s.raw_offset), ", ",
                              Hex(uint64_t{s.raw_offset} + s.raw_size),
                              ") is outside the file (", Hex(file_.size()), " bytes)"));
    for (const Section &other : image_.sections_) {
      uint64_t a_end = uint64_t{s.rva} + s.virtual_size;
      uint64_t b_end = uint64_t{other.rva} + other.virtual_size;
      if (s.rva < b_end && other.rva < a_end)
        return Bad(absl::StrCat(label, " overlaps section '", other.name, "'"));
    }
    image_.sections_.push_back(std::move(s));
  }
  return absl::OkStatus();
}

absl::Status PeParser::Read(uint32_t rva, void *out, size_t size, const std::string &what) const {
  auto *dst = static_cast<uint8_t *>(out);
  uint64_t end = uint64_t{rva} + size;
  if (end > optional_.SizeOfImage)
    return Bad(absl::StrCat(what, ": RVA ", Hex(rva), " (+", size, ") is outside the image"));
  if (end <= optional_.SizeOfHeaders) {
    std::memcpy(dst, file_.data() + rva, size);
    return absl::OkStatus();
  }
  for (const Section &s : image_.sections_) {
    if (rva >= s.rva && end <= uint64_t{s.rva} + s.virtual_size) {
      uint64_t offset = rva - s.rva;
      size_t from_file = offset >= s.raw_size ? 0 : std::min<uint64_t>(size, s.raw_size - offset);
      if (from_file > 0) std::memcpy(dst, file_.data() + s.raw_offset + offset, from_file);
      std::memset(dst + from_file, 0, size - from_file);
      return absl::OkStatus();
    }
  }
  return Bad(absl::StrCat(what, ": RVA ", Hex(rva), " (+", size, ") is in no section"));
}

const uint8_t *PeParser::FileBytes(uint32_t rva, size_t *available, bool *zero_after) const {
  if (rva < optional_.SizeOfHeaders) {
    *available = optional_.SizeOfHeaders - rva;
    *zero_after = false;  // Read() does not let a structure run from the headers on
    return file_.data() + rva;
  }
  for (const Section &s : image_.sections_) {
    if (rva >= s.rva && rva < uint64_t{s.rva} + s.virtual_size) {
      uint32_t offset = rva - s.rva;
      *available = offset < s.raw_size ? s.raw_size - offset : 0;
      *zero_after = uint64_t{offset} + *available < s.virtual_size;
      // No raw data here: any pointer into the file will do (raw_offset may be anything).
      return *available > 0 ? file_.data() + s.raw_offset + offset : file_.data();
    }
  }
  return nullptr;
}

absl::StatusOr<std::string> PeParser::ReadString(uint32_t rva, const std::string &what) {
  size_t available = 0;
  bool zero_after = false;
  const uint8_t *p = FileBytes(rva, &available, &zero_after);
  if (p == nullptr || rva >= optional_.SizeOfImage)
    return Bad(absl::StrCat(what, ": RVA ", Hex(rva), " is in no section"));
  size_t scan = std::min(available, PeImage::kMaxNameLength);
  const void *nul = std::memchr(p, 0, scan);
  size_t length;
  if (nul != nullptr) {
    length = static_cast<size_t>(static_cast<const uint8_t *>(nul) - p);
  } else if (scan == available && zero_after && available < PeImage::kMaxNameLength) {
    length = available;  // the file data ends inside the section: zero fill terminates it
  } else {
    return Bad(absl::StrCat(what, ": the string at RVA ", Hex(rva), " is not terminated"));
  }
  if (length > name_budget_)
    return Bad(absl::StrCat(what, ": the names read so far add up to more than ",
                            PeImage::kNameBudgetFactor,
                            " times the file's size (names shared by many entries)"));
  name_budget_ -= length;
  return std::string(reinterpret_cast<const char *>(p), length);
}

absl::Status PeParser::Directory(int index, const char *what, uint32_t *rva,
                                 uint32_t *size) const {
  *rva = optional_.DataDirectory[index].VirtualAddress;
  *size = optional_.DataDirectory[index].Size;
  if (*rva == 0 && *size == 0) return absl::OkStatus();
  if (uint64_t{*rva} + *size > optional_.SizeOfImage)
    return Bad(absl::StrCat("the ", what, " directory [", Hex(*rva), ", ",
                            Hex(uint64_t{*rva} + *size), ") is outside the image"));
  return absl::OkStatus();
}

absl::Status PeParser::ImportThunks(ImportedDll *dll, uint32_t lookup_rva, uint32_t iat_rva,
                                    const std::string &where) {
  for (uint32_t i = 0;; ++i) {
    if (i >= PeImage::kMaxImportsPerDll)
      return Bad(absl::StrCat(where, ": more than 65536 imports (no terminating entry)"));
    auto thunk = ReadStruct<uint64_t>(lookup_rva + i * 8, where + " lookup table");
    if (!thunk.ok()) return thunk.status();
    if (*thunk == 0) return absl::OkStatus();
    // Counted across descriptors: many descriptors may share one lookup table, and each would
    // otherwise copy it again.
    if (++imports_seen_ > PeImage::kMaxImports)
      return Bad(absl::StrCat(where, ": the image imports more than ", PeImage::kMaxImports,
                              " functions in all, the limit for an image"));
    uint64_t iat = uint64_t{iat_rva} + uint64_t{i} * 8;
    if (iat + 8 > optional_.SizeOfImage)
      return Bad(absl::StrCat(where, ": import address table entry ", i, " is outside the image"));
    ImportEntry e{};
    e.iat_rva = static_cast<uint32_t>(iat);
    if (*thunk & kOrdinalFlag64) {
      e.by_ordinal = true;
      e.ordinal = static_cast<uint16_t>(*thunk & 0xffff);
    } else {
      if (*thunk > UINT32_MAX)
        return Bad(absl::StrCat(where, ": import ", i, " names RVA ", Hex(*thunk),
                                ", beyond 32 bits"));
      auto rva = static_cast<uint32_t>(*thunk);
      auto hint = ReadStruct<uint16_t>(rva, absl::StrCat(where, " import ", i));
      if (!hint.ok()) return hint.status();
      auto name = ReadString(rva + 2, absl::StrCat(where, " import ", i, " name"));
      if (!name.ok()) return name.status();
      e.hint = *hint;
      e.name = std::move(*name);
    }
    dll->entries.push_back(std::move(e));
  }
}

absl::Status PeParser::Imports() {
  uint32_t rva, size;
  if (absl::Status s = Directory(kDirImport, "import", &rva, &size); !s.ok()) return s;
  if (rva == 0) return absl::OkStatus();
  for (uint32_t i = 0;; ++i) {
    if (i >= PeImage::kMaxImportDlls)
      return Bad("the import directory has more than 4096 DLLs (no terminating entry)");
    std::string where = absl::StrCat("import descriptor ", i);
    auto d = ReadStruct<ImageImportDescriptor>(rva + i * sizeof(ImageImportDescriptor), where);
    if (!d.ok()) return d.status();
    if (d->Name == 0 && d->FirstThunk == 0 && d->OriginalFirstThunk == 0) break;
    ImportedDll dll;
    dll.delay_load = false;
    auto name = ReadString(d->Name, where + " DLL name");
    if (!name.ok()) return name.status();
    dll.name = std::move(*name);
    where = absl::StrCat("imports from ", dll.name);
    uint32_t lookup = d->OriginalFirstThunk != 0 ? d->OriginalFirstThunk : d->FirstThunk;
    if (absl::Status s = ImportThunks(&dll, lookup, d->FirstThunk, where); !s.ok()) return s;
    image_.imports_.push_back(std::move(dll));
  }
  return absl::OkStatus();
}

absl::Status PeParser::DelayImports() {
  uint32_t rva, size;
  if (absl::Status s = Directory(kDirDelayImport, "delay-load import", &rva, &size); !s.ok())
    return s;
  if (rva == 0) return absl::OkStatus();
  for (uint32_t i = 0;; ++i) {
    if (i >= PeImage::kMaxImportDlls)
      return Bad("the delay-load directory has more than 4096 DLLs (no terminating entry)");
    std::string where = absl::StrCat("delay-load descriptor ", i);
    auto d = ReadStruct<ImageDelayloadDescriptor>(rva + i * sizeof(ImageDelayloadDescriptor),
                                                  where);
    if (!d.ok()) return d.status();
    if (d->DllNameRVA == 0) break;
    if ((d->Attributes & 1) == 0)
      return Bad(absl::StrCat(where, ": uses VAs (old format), not RVAs"));
    ImportedDll dll;
    dll.delay_load = true;
    auto name = ReadString(d->DllNameRVA, where + " DLL name");
    if (!name.ok()) return name.status();
    dll.name = std::move(*name);
    where = absl::StrCat("delay-load imports from ", dll.name);
    if (absl::Status s = ImportThunks(&dll, d->ImportNameTableRVA, d->ImportAddressTableRVA, where);
        !s.ok())
      return s;
    image_.imports_.push_back(std::move(dll));
  }
  return absl::OkStatus();
}

absl::Status PeParser::Exports() {
  uint32_t rva, size;
  if (absl::Status s = Directory(kDirExport, "export", &rva, &size); !s.ok()) return s;
  if (rva == 0) return absl::OkStatus();
  auto dir = ReadStruct<ImageExportDirectory>(rva, "export directory");
  if (!dir.ok()) return dir.status();
  if (dir->NumberOfFunctions > PeImage::kMaxExports || dir->NumberOfNames > PeImage::kMaxExports)
    return Bad(absl::StrCat("export directory: ", dir->NumberOfFunctions, " functions and ",
                            dir->NumberOfNames, " names, more than the limit of 65536"));
  if (dir->Name != 0) {
    auto name = ReadString(dir->Name, "export directory DLL name");
    if (!name.ok()) return name.status();
    image_.export_name_ = std::move(*name);
  }
  std::vector<std::string> names_by_index(dir->NumberOfFunctions);
  for (uint32_t i = 0; i < dir->NumberOfNames; ++i) {
    auto name_rva = ReadStruct<uint32_t>(dir->AddressOfNames + i * 4, "export name table");
    if (!name_rva.ok()) return name_rva.status();
    auto index = ReadStruct<uint16_t>(dir->AddressOfNameOrdinals + i * 2, "export ordinal table");
    if (!index.ok()) return index.status();
    if (*index >= dir->NumberOfFunctions)
      return Bad(absl::StrCat("export name ", i, " points at function ", *index, " of ",
                              dir->NumberOfFunctions));
    auto name = ReadString(*name_rva, absl::StrCat("export name ", i));
    if (!name.ok()) return name.status();
    names_by_index[*index] = std::move(*name);
  }
  for (uint32_t i = 0; i < dir->NumberOfFunctions; ++i) {
    auto fn = ReadStruct<uint32_t>(dir->AddressOfFunctions + i * 4, "export address table");
    if (!fn.ok()) return fn.status();
    if (*fn == 0) continue;  // a gap in the ordinal range
    Export e;
    e.ordinal = dir->Base + i;
    e.name = names_by_index[i];
    if (*fn >= rva && *fn < uint64_t{rva} + size) {
      auto fwd = ReadString(*fn, absl::StrCat("export ", e.ordinal, " forwarder"));
      if (!fwd.ok()) return fwd.status();
      if (fwd->find('.') == std::string::npos)
        return Bad(absl::StrCat("export ", e.ordinal, ": forwarder '", *fwd,
                                "' is not DLL.Function"));
      e.rva = 0;
      e.forwarder = std::move(*fwd);
    } else {
      if (*fn >= optional_.SizeOfImage)
        return Bad(absl::StrCat("export ", e.ordinal, " ('", e.name, "'): RVA ", Hex(*fn),
                                " is outside the image"));
      e.rva = *fn;
    }
    auto index = static_cast<uint32_t>(image_.exports_.size());
    if (!e.name.empty()) image_.export_by_name_.try_emplace(e.name, index);
    image_.export_by_ordinal_.try_emplace(e.ordinal, index);
    image_.exports_.push_back(std::move(e));
  }
  return absl::OkStatus();
}

absl::Status PeParser::Relocations() {
  uint32_t rva, size;
  if (absl::Status s = Directory(kDirBaseReloc, "base relocation", &rva, &size); !s.ok()) return s;
  image_.has_relocation_directory_ = rva != 0 && size != 0;
  if (!image_.has_relocation_directory_) return absl::OkStatus();
  // The directory must be file data: the work below is then bounded by the file's size, where
  // a directory over zero-filled space would stand for up to half a billion padding entries.
  size_t available = 0;
  bool zero_after = false;
  const uint8_t *dir = FileBytes(rva, &available, &zero_after);
  if (dir == nullptr || available < size)
    return Bad(absl::StrCat("the base relocation directory [", Hex(rva), ", ",
                            Hex(uint64_t{rva} + size),
                            ") is not within the file data of one section"));
  uint32_t offset = 0;
  while (offset + sizeof(ImageBaseRelocation) <= size) {
    ImageBaseRelocation block;
    std::memcpy(&block, dir + offset, sizeof(block));
    // A block smaller than its header (a zero size above all) would never move the walk on.
    if (block.SizeOfBlock < sizeof(ImageBaseRelocation) || block.SizeOfBlock % 2 != 0 ||
        offset + uint64_t{block.SizeOfBlock} > size)
      return Bad(absl::StrCat("base relocation block at offset ", offset, ": SizeOfBlock ",
                              block.SizeOfBlock, " does not fit the directory"));
    uint32_t entries = (block.SizeOfBlock - sizeof(ImageBaseRelocation)) / 2;
    for (uint32_t i = 0; i < entries; ++i) {
      uint16_t entry;
      std::memcpy(&entry, dir + offset + sizeof(ImageBaseRelocation) + i * 2, 2);
      uint16_t type = entry >> 12;
      uint64_t target = uint64_t{block.VirtualAddress} + (entry & 0xfff);
      if (type == kRelocAbsolute) continue;
      if (type != kRelocDir64)
        return Bad(absl::StrCat("base relocation type ", type, " at RVA ", Hex(target),
                                " is not supported on x86_64 (only DIR64)"));
      if (target + 8 > optional_.SizeOfImage)
        return Bad(absl::StrCat("base relocation at RVA ", Hex(target), " is outside the image"));
      image_.relocations_.push_back(static_cast<uint32_t>(target));
    }
    offset += block.SizeOfBlock;
  }
  return absl::OkStatus();
}

uint32_t PeParser::VaToRva(uint64_t va, bool *ok) const {
  *ok = va >= optional_.ImageBase && va - optional_.ImageBase < optional_.SizeOfImage;
  return *ok ? static_cast<uint32_t>(va - optional_.ImageBase) : 0;
}

absl::Status PeParser::Tls() {
  uint32_t rva, size;
  if (absl::Status s = Directory(kDirTls, "TLS", &rva, &size); !s.ok()) return s;
  if (rva == 0) return absl::OkStatus();
  auto dir = ReadStruct<ImageTlsDirectory64>(rva, "TLS directory");
  if (!dir.ok()) return dir.status();
  TlsInfo tls;
  tls.start_va = dir->StartAddressOfRawData;
  tls.end_va = dir->EndAddressOfRawData;
  tls.index_va = dir->AddressOfIndex;
  tls.callbacks_va = dir->AddressOfCallBacks;
  tls.zero_fill = dir->SizeOfZeroFill;
  bool ok_start, ok_end, ok_index;
  VaToRva(tls.start_va, &ok_start);
  VaToRva(tls.end_va - (tls.end_va > tls.start_va ? 1 : 0), &ok_end);
  uint32_t index_rva = VaToRva(tls.index_va, &ok_index);
  if (tls.end_va < tls.start_va || (tls.end_va != tls.start_va && (!ok_start || !ok_end)))
    return Bad(absl::StrCat("TLS template [", Hex(tls.start_va), ", ", Hex(tls.end_va),
                            ") is outside the image"));
  if (tls.zero_fill > PeImage::kMaxImageSize)
    return Bad(absl::StrCat("TLS SizeOfZeroFill ", Hex(tls.zero_fill), " is larger than 1 GiB"));
  if (!ok_index || index_rva + uint64_t{4} > optional_.SizeOfImage)
    return Bad(absl::StrCat("TLS index address ", Hex(tls.index_va), " is outside the image"));
  if (tls.callbacks_va != 0) {
    bool ok;
    uint32_t cb_rva = VaToRva(tls.callbacks_va, &ok);
    if (!ok)
      return Bad(absl::StrCat("TLS callback array ", Hex(tls.callbacks_va),
                              " is outside the image"));
    for (uint32_t i = 0;; ++i) {
      if (i >= PeImage::kMaxTlsCallbacks)
        return Bad("more than 1024 TLS callbacks (no terminating entry)");
      auto cb = ReadStruct<uint64_t>(cb_rva + i * 8, "TLS callback array");
      if (!cb.ok()) return cb.status();
      if (*cb == 0) break;
      bool cb_ok;
      VaToRva(*cb, &cb_ok);
      if (!cb_ok)
        return Bad(absl::StrCat("TLS callback ", i, " at ", Hex(*cb), " is outside the image"));
      tls.callbacks.push_back(*cb);
    }
  }
  image_.tls_ = std::move(tls);
  return absl::OkStatus();
}

}  // namespace ws2emu::emu
