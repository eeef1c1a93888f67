// VirtualQuery and VirtualProtect over /proc/self/maps and mprotect.
#include <sys/mman.h>

#include <cstdio>
#include <cstring>

#include "loader/loader.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr DWORD kPageNoAccess = 0x01, kPageReadOnly = 0x02, kPageReadWrite = 0x04,
                kPageWriteCopy = 0x08, kPageExecute = 0x10, kPageExecuteRead = 0x20,
                kPageExecuteReadWrite = 0x40, kPageExecuteWriteCopy = 0x80;
constexpr DWORD kMemCommit = 0x1000, kMemFree = 0x10000, kMemPrivate = 0x20000,
                kMemImage = 0x1000000;
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

}  // namespace

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
