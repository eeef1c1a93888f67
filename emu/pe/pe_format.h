// emu/pe/pe_format.h — the on-disk PE32+ structures the loader reads, with their Windows
// names and sizes (Microsoft PE/COFF specification). Fixed-width fields only, little-endian as
// on x86_64; every struct's size is asserted.
#ifndef WS2EMU_EMU_PE_PE_FORMAT_H_
#define WS2EMU_EMU_PE_PE_FORMAT_H_

#include <cstdint>

namespace ws2emu::emu {

inline constexpr uint16_t kDosMagic = 0x5A4D;        // "MZ"
inline constexpr uint32_t kPeSignature = 0x00004550;  // "PE\0\0"
inline constexpr uint16_t kMachineAmd64 = 0x8664;
inline constexpr uint16_t kMachineI386 = 0x014c;
inline constexpr uint16_t kMachineArm64 = 0xAA64;
inline constexpr uint16_t kOptionalMagicPe32 = 0x10b;
inline constexpr uint16_t kOptionalMagicPe32Plus = 0x20b;

inline constexpr uint16_t kFileDll = 0x2000;
inline constexpr uint16_t kFileExecutable = 0x0002;

inline constexpr uint32_t kSectionCode = 0x00000020;
inline constexpr uint32_t kSectionInitializedData = 0x00000040;
inline constexpr uint32_t kSectionUninitializedData = 0x00000080;
inline constexpr uint32_t kSectionExecute = 0x20000000;
inline constexpr uint32_t kSectionRead = 0x40000000;
inline constexpr uint32_t kSectionWrite = 0x80000000;

enum DirectoryIndex : int {
  kDirExport = 0,
  kDirImport = 1,
  kDirResource = 2,
  kDirException = 3,
  kDirSecurity = 4,
  kDirBaseReloc = 5,
  kDirDebug = 6,
  kDirArchitecture = 7,
  kDirGlobalPtr = 8,
  kDirTls = 9,
  kDirLoadConfig = 10,
  kDirBoundImport = 11,
  kDirIat = 12,
  kDirDelayImport = 13,
  kDirComDescriptor = 14,
  kDirCount = 16,
};

inline constexpr uint16_t kRelocAbsolute = 0;
inline constexpr uint16_t kRelocDir64 = 10;
inline constexpr uint64_t kOrdinalFlag64 = 0x8000000000000000ull;

#pragma pack(push, 1)
struct ImageDosHeader {
  uint16_t e_magic;
  uint16_t e_cblp, e_cp, e_crlc, e_cparhdr, e_minalloc, e_maxalloc, e_ss, e_sp, e_csum, e_ip,
      e_cs, e_lfarlc, e_ovno;
  uint16_t e_res[4];
  uint16_t e_oemid, e_oeminfo;
  uint16_t e_res2[10];
  int32_t e_lfanew;
};
static_assert(sizeof(ImageDosHeader) == 64);

struct ImageFileHeader {
  uint16_t Machine;
  uint16_t NumberOfSections;
  uint32_t TimeDateStamp;
  uint32_t PointerToSymbolTable;
  uint32_t NumberOfSymbols;
  uint16_t SizeOfOptionalHeader;
  uint16_t Characteristics;
};
static_assert(sizeof(ImageFileHeader) == 20);

struct ImageDataDirectory {
  uint32_t VirtualAddress;
  uint32_t Size;
};

struct ImageOptionalHeader64 {
  uint16_t Magic;
  uint8_t MajorLinkerVersion, MinorLinkerVersion;
  uint32_t SizeOfCode, SizeOfInitializedData, SizeOfUninitializedData;
  uint32_t AddressOfEntryPoint;
  uint32_t BaseOfCode;
  uint64_t ImageBase;
  uint32_t SectionAlignment;
  uint32_t FileAlignment;
  uint16_t MajorOperatingSystemVersion, MinorOperatingSystemVersion;
  uint16_t MajorImageVersion, MinorImageVersion;
  uint16_t MajorSubsystemVersion, MinorSubsystemVersion;
  uint32_t Win32VersionValue;
  uint32_t SizeOfImage;
  uint32_t SizeOfHeaders;
  uint32_t CheckSum;
  uint16_t Subsystem;
  uint16_t DllCharacteristics;
  uint64_t SizeOfStackReserve, SizeOfStackCommit, SizeOfHeapReserve, SizeOfHeapCommit;
  uint32_t LoaderFlags;
  uint32_t NumberOfRvaAndSizes;
  ImageDataDirectory DataDirectory[kDirCount];
};
static_assert(sizeof(ImageOptionalHeader64) == 240);

struct ImageSectionHeader {
  char Name[8];
  uint32_t VirtualSize;
  uint32_t VirtualAddress;
  uint32_t SizeOfRawData;
  uint32_t PointerToRawData;
  uint32_t PointerToRelocations;
  uint32_t PointerToLinenumbers;
  uint16_t NumberOfRelocations;
  uint16_t NumberOfLinenumbers;
  uint32_t Characteristics;
};
static_assert(sizeof(ImageSectionHeader) == 40);

struct ImageImportDescriptor {
  uint32_t OriginalFirstThunk;  // RVA of the import lookup table (0: use FirstThunk)
  uint32_t TimeDateStamp;
  uint32_t ForwarderChain;
  uint32_t Name;        // RVA of the DLL name
  uint32_t FirstThunk;  // RVA of the import address table
};
static_assert(sizeof(ImageImportDescriptor) == 20);

struct ImageDelayloadDescriptor {
  uint32_t Attributes;  // 1: RVAs (the only form for PE32+)
  uint32_t DllNameRVA;
  uint32_t ModuleHandleRVA;
  uint32_t ImportAddressTableRVA;
  uint32_t ImportNameTableRVA;
  uint32_t BoundImportAddressTableRVA;
  uint32_t UnloadInformationTableRVA;
  uint32_t TimeDateStamp;
};
static_assert(sizeof(ImageDelayloadDescriptor) == 32);

struct ImageExportDirectory {
  uint32_t Characteristics;
  uint32_t TimeDateStamp;
  uint16_t MajorVersion, MinorVersion;
  uint32_t Name;
  uint32_t Base;
  uint32_t NumberOfFunctions;
  uint32_t NumberOfNames;
  uint32_t AddressOfFunctions;
  uint32_t AddressOfNames;
  uint32_t AddressOfNameOrdinals;
};
static_assert(sizeof(ImageExportDirectory) == 40);

struct ImageBaseRelocation {
  uint32_t VirtualAddress;
  uint32_t SizeOfBlock;
};
static_assert(sizeof(ImageBaseRelocation) == 8);

struct ImageTlsDirectory64 {
  uint64_t StartAddressOfRawData;  // VAs, relocated with the image
  uint64_t EndAddressOfRawData;
  uint64_t AddressOfIndex;
  uint64_t AddressOfCallBacks;
  uint32_t SizeOfZeroFill;
  uint32_t Characteristics;
};
static_assert(sizeof(ImageTlsDirectory64) == 40);
#pragma pack(pop)

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_PE_PE_FORMAT_H_
