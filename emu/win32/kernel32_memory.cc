// VirtualQuery and VirtualProtect over /proc/self/maps and mprotect; IsBad*Ptr from the same
// mappings and process_vm_readv on this process (a probe that cannot fault).
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <cstring>

#include "named_objects/section.h"
#include "base/own_memory.h"
#include "loader/loader.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr DWORD kPageNoAccess = 0x01, kPageReadOnly = 0x02, kPageReadWrite = 0x04,
                kPageWriteCopy = 0x08, kPageExecute = 0x10, kPageExecuteRead = 0x20,
                kPageExecuteReadWrite = 0x40, kPageExecuteWriteCopy = 0x80;
constexpr DWORD kMemCommit = 0x1000, kMemFree = 0x10000, kMemPrivate = 0x20000,
                kMemImage = 0x1000000, kMemMapped = 0x40000;
constexpr uintptr_t kPage = 4096;

struct Region {
  uintptr_t start, end;
  int prot;
};

// The mapping that contains `address`, or (mapped = false) the gap up to the next mapping.
bool FindRegion(uintptr_t address, Region *region, bool *mapped) {
  FILE *maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) return false;
  char line[512];
  uintptr_t gap_start = 0;
  *mapped = false;
  bool found = false;
  while (std::fgets(line, sizeof(line), maps) != nullptr) {
    unsigned long start, end;
    char perms[8];
    if (std::sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3) continue;
    if (address < start) {
      *region = {gap_start, start, 0};
      found = true;
      break;
    }
    if (address < end) {
      int prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
                 (perms[2] == 'x' ? PROT_EXEC : 0);
      *region = {start, end, prot};
      *mapped = true;
      found = true;
      break;
    }
    gap_start = end;
  }
  std::fclose(maps);
  if (!found) *region = {gap_start, uintptr_t{0x800000000000}, 0};
  return true;
}

DWORD PageProtection(int prot) {
  bool r = prot & PROT_READ, w = prot & PROT_WRITE, x = prot & PROT_EXEC;
  if (x) return w ? kPageExecuteReadWrite : (r ? kPageExecuteRead : kPageExecute);
  if (w) return kPageReadWrite;
  return r ? kPageReadOnly : kPageNoAccess;
}

bool ToProt(DWORD page, int *prot) {
  switch (page) {
    case kPageNoAccess: *prot = PROT_NONE; return true;
    case kPageReadOnly: *prot = PROT_READ; return true;
    case kPageReadWrite:
    case kPageWriteCopy: *prot = PROT_READ | PROT_WRITE; return true;
    case kPageExecute: *prot = PROT_EXEC; return true;
    case kPageExecuteRead: *prot = PROT_READ | PROT_EXEC; return true;
    case kPageExecuteReadWrite:
    case kPageExecuteWriteCopy: *prot = PROT_READ | PROT_WRITE | PROT_EXEC; return true;
    default: return false;
  }
}

// Whether every page of [start, end) is mapped with at least `prot`.
bool RangeHasProt(uintptr_t start, uintptr_t end, int prot) {
  FILE *maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) return false;
  char line[512];
  uintptr_t next = start & ~(kPage - 1);
  bool covered = false;
  while (std::fgets(line, sizeof(line), maps) != nullptr) {
    unsigned long map_start, map_end;
    char perms[8];
    if (std::sscanf(line, "%lx-%lx %7s", &map_start, &map_end, perms) != 3) continue;
    if (map_end <= next) continue;
    if (map_start > next) break;  // a hole
    int have = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
               (perms[2] == 'x' ? PROT_EXEC : 0);
    if ((have & prot) != prot) break;
    next = map_end;
    if (next >= end) {
      covered = true;
      break;
    }
  }
  std::fclose(maps);
  return covered;
}

// Reads `size` bytes at `address` of this process into `out` without touching them directly:
// false where any of them cannot be read.
bool ProbeRead(uintptr_t address, void *out, size_t size) {
  return ReadOwnMemory(out, reinterpret_cast<const void *>(address), size);
}

// Every page of [start, end) can be read: one byte of each is read through the kernel.
bool PagesReadable(uintptr_t start, uintptr_t end) {
  for (uintptr_t at = start; at < end; at = (at & ~(kPage - 1)) + kPage) {
    char byte;
    if (!ProbeRead(at, &byte, 1)) return false;
  }
  return true;
}

// The common part of IsBadReadPtr and IsBadWritePtr: NULL is bad, an empty range is not (as
// Windows), a range that wraps around is.
BOOL IsBadRange(const void *lp, UINT_PTR ucb, int prot) {
  if (ucb == 0) return FALSE;
  auto start = reinterpret_cast<uintptr_t>(lp);
  if (lp == nullptr || start + ucb < start) return TRUE;
  return RangeHasProt(start, start + ucb, prot) && PagesReadable(start, start + ucb) ? FALSE
                                                                                     : TRUE;
}

// IsBadStringPtrA/W: the characters up to the terminator or `max` of them can all be read.
template <typename Char>
BOOL IsBadString(const Char *s, UINT_PTR max) {
  if (max == 0) return FALSE;
  if (s == nullptr) return TRUE;
  auto at = reinterpret_cast<uintptr_t>(s);
  UINT_PTR left = max;
  Char chunk[512];
  while (left > 0) {
    // Up to the end of the page, so a readable string just before a hole is not refused.
    size_t in_page = (kPage - (at & (kPage - 1))) / sizeof(Char);
    size_t n = std::min<size_t>({left, in_page == 0 ? 1 : in_page, std::size(chunk)});
    if (!ProbeRead(at, chunk, n * sizeof(Char))) return TRUE;
    for (size_t i = 0; i < n; ++i)
      if (chunk[i] == 0) return FALSE;
    left -= n;
    at += n * sizeof(Char);
  }
  return FALSE;
}

}  // namespace

// Windows' IsBad*Ptr catch the access fault of a real access; these read the mappings instead,
// so nothing faults and nothing is written (IsBadWritePtr checks the protection and reads).
BOOL WINAPI IsBadReadPtr(LPCVOID lp, UINT_PTR ucb) { return IsBadRange(lp, ucb, PROT_READ); }
BOOL WINAPI IsBadWritePtr(LPVOID lp, UINT_PTR ucb) {
  return IsBadRange(lp, ucb, PROT_READ | PROT_WRITE);
}
BOOL WINAPI IsBadCodePtr(FARPROC lpfn) {
  return lpfn == nullptr ? TRUE : IsBadRange(reinterpret_cast<const void *>(lpfn), 1, PROT_READ);
}
BOOL WINAPI IsBadStringPtrA(LPCSTR lpsz, UINT_PTR ucchMax) { return IsBadString(lpsz, ucchMax); }
BOOL WINAPI IsBadStringPtrW(LPCWSTR lpsz, UINT_PTR ucchMax) {
  return IsBadString(lpsz, ucchMax);
}

SIZE_T WINAPI VirtualQuery(LPCVOID address, MemoryBasicInformation *info, SIZE_T length) {
  if (info == nullptr || length < sizeof(MemoryBasicInformation)) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);  // Windows: ERROR_BAD_LENGTH for short
    return 0;
  }
  uintptr_t page = reinterpret_cast<uintptr_t>(address) & ~(kPage - 1);
  Region region;
  bool mapped;
  if (!FindRegion(page, &region, &mapped)) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  std::memset(info, 0, sizeof(*info));
  info->BaseAddress = reinterpret_cast<PVOID>(page);
  info->RegionSize = region.end - page;
  if (mapped) {
    Module *module = Loader::Get().FindByAddress(address);
    info->AllocationBase = module != nullptr ? static_cast<PVOID>(module->base())
                                             : reinterpret_cast<PVOID>(region.start);
    info->AllocationProtect = PageProtection(region.prot);
    info->State = kMemCommit;
    info->Protect = PageProtection(region.prot);
    info->Type = module != nullptr ? kMemImage : kMemPrivate;
    // A view of a file mapping (MapViewOfFile): MEM_MAPPED, allocated at the view's base.
    void *view_base = nullptr;
    size_t view_size = 0;
    if (module == nullptr && named::QueryView(address, &view_base, &view_size)) {
      info->Type = kMemMapped;
      info->AllocationBase = view_base;
    }
  } else {
    info->State = kMemFree;
    info->Protect = kPageNoAccess;
  }
  return sizeof(MemoryBasicInformation);
}

BOOL WINAPI VirtualProtect(LPVOID address, SIZE_T size, DWORD new_protect, PDWORD old_protect) {
  int prot;
  if (old_protect == nullptr || !ToProt(new_protect, &prot)) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  uintptr_t start = reinterpret_cast<uintptr_t>(address) & ~(kPage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(address) + size + kPage - 1) & ~(kPage - 1);
  Region region;
  bool mapped;
  if (!FindRegion(start, &region, &mapped) || !mapped) {
    ws2emu_SetLastError(ERROR_INVALID_ADDRESS);
    return FALSE;
  }
  if (mprotect(reinterpret_cast<void *>(start), end - start, prot) != 0) {
    ws2emu_SetLastError(ERROR_INVALID_ADDRESS);
    return FALSE;
  }
  *old_protect = PageProtection(region.prot);
  return TRUE;
}

}  // namespace ws2emu::emu::win32
