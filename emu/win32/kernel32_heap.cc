// Heaps (GetProcessHeap, HeapCreate/Destroy/Alloc/ReAlloc/Free/Size) and VirtualAlloc/Free.
//
// A heap block is a malloc'd block behind a 16-byte header (its size and heap), so pointers stay
// 16-byte aligned as on Windows x64. Every heap keeps the set of its blocks: a pointer that is
// not one of them is refused with ERROR_INVALID_PARAMETER before its header is read, and
// HeapDestroy frees whatever is left. VirtualAlloc maps with mmap (reservations 64 KiB
// aligned, as Windows' allocation granularity) and remembers each region for MEM_RELEASE.
#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <new>
#include <unordered_set>

#include "absl/base/attributes.h"
#include "absl/base/thread_annotations.h"
#include "base/annotated_mutex.h"
#include "loader/loader.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr DWORD kHeapZeroMemory = 0x08, kHeapReallocInPlaceOnly = 0x10;
constexpr DWORD kMemCommit = 0x1000, kMemReserve = 0x2000, kMemDecommit = 0x4000,
                kMemRelease = 0x8000;

// Heap locks are StdMutex, like every lock (see base/annotated_mutex.h): each HeapAlloc/HeapFree
// takes two, the heap's and, rarely, the region lock.
struct Heap {
  StdMutex mu;
  std::unordered_set<void *> blocks ABSL_GUARDED_BY(mu);  // user pointers
  SIZE_T maximum = 0;                                     // 0: growable
  SIZE_T in_use ABSL_GUARDED_BY(mu) = 0;
};

struct alignas(16) Header {
  SIZE_T size;
  Heap *heap;
};
static_assert(sizeof(Header) == 16);

Heap &ProcessHeap() {
  static Heap *heap = new Heap();  // never destroyed
  return *heap;
}

ABSL_CONST_INIT StdMutex g_heaps_mu;
auto &g_heaps ABSL_GUARDED_BY(g_heaps_mu) = *new std::unordered_set<Heap *>();

// Where moveable Local/Global blocks keep their data (kernel32_heap.cc's Local* below): apart
// from the process heap, so a moveable block's data pointer is never taken for a fixed block.
Heap &MoveableHeap() {
  static Heap *heap = new Heap();  // never destroyed
  return *heap;
}

Heap *AsHeap(HANDLE h) {
  if (h == &ProcessHeap()) return &ProcessHeap();
  if (h == &MoveableHeap()) return &MoveableHeap();
  StdMutexLock lock(&g_heaps_mu);
  auto it = g_heaps.find(static_cast<Heap *>(h));
  return it != g_heaps.end() ? *it : nullptr;
}

Header *HeaderOf(void *p) { return static_cast<Header *>(p) - 1; }

ABSL_CONST_INIT StdMutex g_regions_mu;
// base -> size
auto &g_regions ABSL_GUARDED_BY(g_regions_mu) = *new std::map<uintptr_t, SIZE_T>();

bool ToProt(DWORD protect, int *prot) {
  switch (protect) {
    case 0x01: *prot = PROT_NONE; return true;
    case 0x02: *prot = PROT_READ; return true;
    case 0x04:
    case 0x08: *prot = PROT_READ | PROT_WRITE; return true;
    case 0x10: *prot = PROT_EXEC; return true;
    case 0x20: *prot = PROT_READ | PROT_EXEC; return true;
    case 0x40:
    case 0x80: *prot = PROT_READ | PROT_WRITE | PROT_EXEC; return true;
    default: return false;
  }
}

}  // namespace

HANDLE WINAPI GetProcessHeap(void) { return &ProcessHeap(); }

HANDLE WINAPI HeapCreate(DWORD, SIZE_T, SIZE_T dwMaximumSize) {
  auto *heap = new Heap();
  heap->maximum = dwMaximumSize;
  StdMutexLock lock(&g_heaps_mu);
  g_heaps.insert(heap);
  return heap;
}

BOOL WINAPI HeapDestroy(HANDLE hHeap) {
  Heap *heap = AsHeap(hHeap);
  if (heap == nullptr || heap == &ProcessHeap() || heap == &MoveableHeap()) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);  // the built-in heaps are never destroyed
    return FALSE;
  }
  {
    StdMutexLock lock(&g_heaps_mu);
    g_heaps.erase(heap);
  }
  {
    // Out of g_heaps, so no other call finds it; the lock only orders this with a call that
    // found it just before.
    StdMutexLock lock(&heap->mu);
    for (void *p : heap->blocks) std::free(HeaderOf(p));
  }
  delete heap;
  return TRUE;
}

LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes) {
  Heap *heap = AsHeap(hHeap);
  if (heap == nullptr || dwBytes > (SIZE_T{1} << 46)) {
    ws2emu_SetLastError(heap == nullptr ? ERROR_INVALID_HANDLE : ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  StdMutexLock lock(&heap->mu);
  if (heap->maximum != 0 && heap->in_use + dwBytes > heap->maximum) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  void *raw = (dwFlags & kHeapZeroMemory) ? std::calloc(1, sizeof(Header) + dwBytes)
                                          : std::malloc(sizeof(Header) + dwBytes);
  if (raw == nullptr) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  auto *header = static_cast<Header *>(raw);
  header->size = dwBytes;
  header->heap = heap;
  heap->blocks.insert(header + 1);
  heap->in_use += dwBytes;
  return header + 1;
}

BOOL WINAPI HeapFree(HANDLE hHeap, DWORD, LPVOID lpMem) {
  if (lpMem == nullptr) return TRUE;
  Heap *heap = AsHeap(hHeap);
  if (heap == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  StdMutexLock lock(&heap->mu);
  if (heap->blocks.erase(lpMem) == 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);  // not a block of this heap
    return FALSE;
  }
  heap->in_use -= HeaderOf(lpMem)->size;
  std::free(HeaderOf(lpMem));
  return TRUE;
}

LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes) {
  Heap *heap = AsHeap(hHeap);
  if (heap == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  StdMutexLock lock(&heap->mu);
  if (lpMem == nullptr || heap->blocks.count(lpMem) == 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  SIZE_T old_size = HeaderOf(lpMem)->size;
  if (heap->maximum != 0 && heap->in_use - old_size + dwBytes > heap->maximum) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  if (dwFlags & kHeapReallocInPlaceOnly) {
    if (dwBytes > old_size) {
      ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);  // cannot grow without moving
      return nullptr;
    }
    HeaderOf(lpMem)->size = dwBytes;
    heap->in_use = heap->in_use - old_size + dwBytes;
    return lpMem;
  }
  void *raw = std::realloc(HeaderOf(lpMem), sizeof(Header) + dwBytes);
  if (raw == nullptr) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  auto *header = static_cast<Header *>(raw);
  if ((dwFlags & kHeapZeroMemory) && dwBytes > old_size)
    std::memset(reinterpret_cast<char *>(header + 1) + old_size, 0, dwBytes - old_size);
  header->size = dwBytes;
  heap->blocks.erase(lpMem);
  heap->blocks.insert(header + 1);
  heap->in_use = heap->in_use - old_size + dwBytes;
  return header + 1;
}

SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD, LPCVOID lpMem) {
  Heap *heap = AsHeap(hHeap);
  if (heap == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return static_cast<SIZE_T>(-1);
  }
  StdMutexLock lock(&heap->mu);
  if (heap->blocks.count(const_cast<void *>(lpMem)) == 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return static_cast<SIZE_T>(-1);
  }
  return HeaderOf(const_cast<void *>(lpMem))->size;
}

// Local* and Global* (the same functions on Win32, as here). A fixed block (LMEM_FIXED) is a
// block of the process heap and its handle is its address. A moveable block (LMEM_MOVEABLE) has a
// handle that is not the pointer: a MoveableBlock record, whose data is a block of a heap of its
// own (so the data pointer is never taken for a fixed block's handle) that LocalLock pins (a
// lock count) and returns, and LocalReAlloc may move while it is unlocked. Size 0 with
// LMEM_MOVEABLE is a discarded block: a handle without memory, which LocalLock refuses
// (ERROR_DISCARDED), as Windows. LMEM_DISCARDABLE is accepted and has no effect.
namespace {

constexpr UINT kLmemMoveable = 0x02, kLmemZeroInit = 0x40, kLmemModify = 0x80;
// The flags Windows defines for LocalAlloc and GlobalAlloc (GMEM_NOCOMPACT, GMEM_NODISCARD,
// GMEM_DISCARDABLE, GMEM_NOT_BANKED, GMEM_SHARE, GMEM_NOTIFY are accepted and ignored, as on
// Windows); other bits are ERROR_INVALID_PARAMETER [inference].
constexpr UINT kLmemValid = 0x02 | 0x10 | 0x20 | 0x40 | 0x100 | 0x1000 | 0x2000 | 0x4000;
constexpr DWORD kMaxLockCount = 0xFF;  // LMEM_LOCKCOUNT
constexpr DWORD kErrorDiscarded = 157, kErrorNotLocked = 158;

struct MoveableBlock {
  void *data = nullptr;  // a MoveableHeap() block, or null (discarded: size 0)
  DWORD locks = 0;
};

ABSL_CONST_INIT StdMutex g_moveable_mu;
auto &g_moveable ABSL_GUARDED_BY(g_moveable_mu) = *new std::unordered_set<MoveableBlock *>();

// The moveable record whose handle is `h`, or null.
MoveableBlock *AsMoveable(HLOCAL h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_moveable_mu) {
  auto it = g_moveable.find(static_cast<MoveableBlock *>(h));
  return it != g_moveable.end() ? *it : nullptr;
}

bool IsFixedBlock(const void *p) {
  Heap &heap = ProcessHeap();
  StdMutexLock lock(&heap.mu);
  return p != nullptr && heap.blocks.count(const_cast<void *>(p)) != 0;
}

SIZE_T BlockSize(Heap &heap, const void *p) {
  StdMutexLock lock(&heap.mu);
  return HeaderOf(const_cast<void *>(p))->size;
}

}  // namespace

HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes) {
  if ((uFlags & ~kLmemValid) != 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  const DWORD heap_flags = (uFlags & kLmemZeroInit) ? kHeapZeroMemory : 0;
  if ((uFlags & kLmemMoveable) == 0) return HeapAlloc(GetProcessHeap(), heap_flags, uBytes);
  auto *block = new (std::nothrow) MoveableBlock();
  if (block == nullptr) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  if (uBytes != 0) {
    block->data = HeapAlloc(&MoveableHeap(), heap_flags, uBytes);
    if (block->data == nullptr) {
      delete block;
      return nullptr;  // HeapAlloc set the error
    }
  }
  StdMutexLock lock(&g_moveable_mu);
  g_moveable.insert(block);
  return block;
}

// Returns NULL on success, the handle itself on failure (as Windows does). A locked moveable
// block is freed too, as on Windows.
HLOCAL WINAPI LocalFree(HLOCAL hMem) {
  if (hMem == nullptr) return nullptr;
  {
    StdMutexLock lock(&g_moveable_mu);
    if (MoveableBlock *block = AsMoveable(hMem)) {
      g_moveable.erase(block);
      if (block->data != nullptr) HeapFree(&MoveableHeap(), 0, block->data);
      delete block;
      return nullptr;
    }
  }
  if (!IsFixedBlock(hMem)) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return hMem;
  }
  return HeapFree(GetProcessHeap(), 0, hMem) ? nullptr : hMem;
}

LPVOID WINAPI LocalLock(HLOCAL hMem) {
  {
    StdMutexLock lock(&g_moveable_mu);
    if (MoveableBlock *block = AsMoveable(hMem)) {
      if (block->data == nullptr) {
        ws2emu_SetLastError(kErrorDiscarded);
        return nullptr;
      }
      if (block->locks < kMaxLockCount) ++block->locks;  // saturates, as Windows' count
      return block->data;
    }
  }
  if (!IsFixedBlock(hMem)) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  return hMem;  // a fixed block's handle is its address
}

// TRUE while the block stays locked; FALSE with NO_ERROR when the count reaches 0, FALSE with
// ERROR_NOT_LOCKED when it was not locked. A fixed block: TRUE, as Windows.
BOOL WINAPI LocalUnlock(HLOCAL hMem) {
  {
    StdMutexLock lock(&g_moveable_mu);
    if (MoveableBlock *block = AsMoveable(hMem)) {
      if (block->locks == 0) {
        ws2emu_SetLastError(kErrorNotLocked);
        return FALSE;
      }
      if (--block->locks != 0) return TRUE;
      ws2emu_SetLastError(0);
      return FALSE;
    }
  }
  if (!IsFixedBlock(hMem)) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  return TRUE;
}

SIZE_T WINAPI LocalSize(HLOCAL hMem) {
  {
    StdMutexLock lock(&g_moveable_mu);
    if (MoveableBlock *block = AsMoveable(hMem))
      return block->data != nullptr ? BlockSize(MoveableHeap(), block->data) : 0;
  }
  if (!IsFixedBlock(hMem)) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return 0;
  }
  return BlockSize(ProcessHeap(), hMem);
}

// A fixed block moves only with LMEM_MOVEABLE (else it changes size in place or fails with
// ERROR_NOT_ENOUGH_MEMORY); a moveable block moves unless it is locked. LMEM_MODIFY (changing
// a block's kind) is not supported: ERROR_INVALID_PARAMETER [inference].
HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags) {
  if ((uFlags & kLmemModify) != 0 || (uFlags & ~(kLmemValid | kLmemModify)) != 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  const DWORD zero = (uFlags & kLmemZeroInit) ? kHeapZeroMemory : 0;
  {
    StdMutexLock lock(&g_moveable_mu);
    if (MoveableBlock *block = AsMoveable(hMem)) {
      if (uBytes == 0) {  // discards the block; the handle stays valid (Windows)
        if (block->locks != 0) {
          ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);  // [inference] a locked block stays
          return nullptr;
        }
        if (block->data != nullptr) HeapFree(&MoveableHeap(), 0, block->data);
        block->data = nullptr;
        return hMem;
      }
      void *data =
          block->data == nullptr
              ? HeapAlloc(&MoveableHeap(), zero, uBytes)
              : HeapReAlloc(&MoveableHeap(),
                            zero | (block->locks != 0 ? kHeapReallocInPlaceOnly : 0),
                            block->data, uBytes);
      if (data == nullptr) return nullptr;  // the heap call set the error
      block->data = data;
      return hMem;
    }
  }
  if (!IsFixedBlock(hMem)) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  return HeapReAlloc(GetProcessHeap(),
                     zero | ((uFlags & kLmemMoveable) ? 0 : kHeapReallocInPlaceOnly), hMem,
                     uBytes);
}

// The handle of the block at `pMem`: a moveable block's handle for its data pointer, a fixed
// block's own address.
HLOCAL WINAPI LocalHandle(LPCVOID pMem) {
  if (pMem != nullptr) {
    StdMutexLock lock(&g_moveable_mu);
    for (MoveableBlock *block : g_moveable)
      if (block->data == pMem) return block;
  }
  if (!IsFixedBlock(pMem)) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  return const_cast<LPVOID>(pMem);
}

LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
                           DWORD flProtect) {
  int prot;
  if (dwSize == 0 || !ToProt(flProtect, &prot) ||
      (flAllocationType & (kMemCommit | kMemReserve)) == 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  SIZE_T size = (dwSize + 4095) & ~SIZE_T{4095};
  if (lpAddress != nullptr && !(flAllocationType & kMemReserve)) {
    // MEM_COMMIT inside a region reserved earlier: make the pages accessible.
    auto page = reinterpret_cast<uintptr_t>(lpAddress) & ~uintptr_t{4095};
    StdMutexLock lock(&g_regions_mu);
    auto it = g_regions.upper_bound(page);
    if (it == g_regions.begin() || page + size > std::prev(it)->first + std::prev(it)->second) {
      ws2emu_SetLastError(ERROR_INVALID_ADDRESS);
      return nullptr;
    }
    if (mprotect(reinterpret_cast<void *>(page), size, prot) != 0) {
      ws2emu_SetLastError(ERROR_INVALID_ADDRESS);
      return nullptr;
    }
    return reinterpret_cast<LPVOID>(page);
  }
  // A new region. A reservation without commit is inaccessible until committed.
  int map_prot = (flAllocationType & kMemCommit) ? prot : PROT_NONE;
  void *p;
  if (lpAddress != nullptr) {
    auto base = reinterpret_cast<uintptr_t>(lpAddress) & ~uintptr_t{0xffff};
    p = mmap(reinterpret_cast<void *>(base), size, map_prot,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != MAP_FAILED && p != reinterpret_cast<void *>(base)) {
      munmap(p, size);
      p = MAP_FAILED;
    }
  } else {
    p = MapAligned64K(size, map_prot);  // 64 KiB allocation granularity
  }
  if (p == MAP_FAILED) {
    ws2emu_SetLastError(lpAddress != nullptr ? ERROR_INVALID_ADDRESS : ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  StdMutexLock lock(&g_regions_mu);
  g_regions[reinterpret_cast<uintptr_t>(p)] = size;
  return p;
}

BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType) {
  auto base = reinterpret_cast<uintptr_t>(lpAddress);
  StdMutexLock lock(&g_regions_mu);
  if (dwFreeType == kMemRelease) {
    auto it = g_regions.find(base);
    if (it == g_regions.end() || dwSize != 0) {  // MEM_RELEASE frees a whole region, size 0
      ws2emu_SetLastError(it == g_regions.end() ? ERROR_INVALID_ADDRESS : ERROR_INVALID_PARAMETER);
      return FALSE;
    }
    munmap(lpAddress, it->second);
    g_regions.erase(it);
    return TRUE;
  }
  if (dwFreeType == kMemDecommit) {
    auto page = base & ~uintptr_t{4095};
    auto it = g_regions.upper_bound(page);
    if (it == g_regions.begin()) {
      ws2emu_SetLastError(ERROR_INVALID_ADDRESS);
      return FALSE;
    }
    --it;
    SIZE_T size = dwSize == 0 ? it->first + it->second - page : ((dwSize + 4095) & ~SIZE_T{4095});
    if (page + size > it->first + it->second) {
      ws2emu_SetLastError(ERROR_INVALID_ADDRESS);
      return FALSE;
    }
    madvise(reinterpret_cast<void *>(page), size, MADV_DONTNEED);
    mprotect(reinterpret_cast<void *>(page), size, PROT_NONE);
    return TRUE;
  }
  ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
  return FALSE;
}

}  // namespace ws2emu::emu::win32
