// Critical sections and TlsAlloc slots.
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "absl/base/attributes.h"
#include "absl/base/thread_annotations.h"
#include "base/annotated_mutex.h"
#include "loader/teb.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

// The lock behind a CRITICAL_SECTION. Recursive, as critical sections are, and taken and
// released by PE code across calls, so it guards no C++ state the analysis could check: a
// std::recursive_mutex (StdMutex is not recursive).
struct CsLock {
  std::recursive_mutex mu;
};

CsLock *LockOf(CriticalSection *cs) { return static_cast<CsLock *>(cs->DebugInfo); }

HANDLE ThreadIdHandle() { return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(syscall(SYS_gettid))); }

ABSL_CONST_INIT StdMutex g_tls_mu;
uint64_t g_tls_used ABSL_GUARDED_BY(g_tls_mu) = 0;  // bit i: slot i allocated

}  // namespace

void WINAPI InitializeCriticalSection(CriticalSection *cs) {
  cs->DebugInfo = new CsLock();
  cs->LockCount = -1;  // Windows' "free" value
  cs->RecursionCount = 0;
  cs->OwningThread = nullptr;
  cs->LockSemaphore = nullptr;
  cs->SpinCount = 0;
}

BOOL WINAPI InitializeCriticalSectionAndSpinCount(CriticalSection *cs, DWORD spin_count) {
  InitializeCriticalSection(cs);
  cs->SpinCount = spin_count;
  return TRUE;
}

BOOL WINAPI InitializeCriticalSectionEx(CriticalSection *cs, DWORD spin_count, DWORD) {
  return InitializeCriticalSectionAndSpinCount(cs, spin_count);
}

void WINAPI DeleteCriticalSection(CriticalSection *cs) {
  delete LockOf(cs);
  cs->DebugInfo = nullptr;
}

void WINAPI EnterCriticalSection(CriticalSection *cs) {
  LockOf(cs)->mu.lock();
  cs->OwningThread = ThreadIdHandle();
  cs->RecursionCount++;
  cs->LockCount++;
}

BOOL WINAPI TryEnterCriticalSection(CriticalSection *cs) {
  if (!LockOf(cs)->mu.try_lock()) return FALSE;
  cs->OwningThread = ThreadIdHandle();
  cs->RecursionCount++;
  cs->LockCount++;
  return TRUE;
}

void WINAPI LeaveCriticalSection(CriticalSection *cs) {
  cs->LockCount--;
  if (--cs->RecursionCount == 0) cs->OwningThread = nullptr;
  LockOf(cs)->mu.unlock();
}

DWORD WINAPI TlsAlloc(void) {
  StdMutexLock lock(&g_tls_mu);
  for (int i = 0; i < kTlsSlots; ++i) {
    if ((g_tls_used >> i) & 1) continue;
    g_tls_used |= uint64_t{1} << i;
    ClearTlsSlotInAllThreads(i);  // a new slot reads as NULL in every thread
    return static_cast<DWORD>(i);
  }
  ws2emu_SetLastError(ERROR_NO_MORE_ITEMS);
  return kTlsOutOfIndexes;
}

BOOL WINAPI TlsFree(DWORD index) {
  StdMutexLock lock(&g_tls_mu);
  if (index >= static_cast<DWORD>(kTlsSlots) || ((g_tls_used >> index) & 1) == 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  g_tls_used &= ~(uint64_t{1} << index);
  ClearTlsSlotInAllThreads(static_cast<int>(index));
  return TRUE;
}

LPVOID WINAPI TlsGetValue(DWORD index) {
  if (index >= static_cast<DWORD>(kTlsSlots)) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  Teb *teb = TryEnsureTeb();
  if (teb == nullptr) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);  // no TEB could be made for this thread
    return nullptr;
  }
  // Documented: success clears the last error, so that a NULL value can be told from failure.
  ws2emu_SetLastError(ERROR_SUCCESS);
  return teb->TlsSlots[index];
}

BOOL WINAPI TlsSetValue(DWORD index, LPVOID value) {
  if (index >= static_cast<DWORD>(kTlsSlots)) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  Teb *teb = TryEnsureTeb();
  if (teb == nullptr) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);  // no TEB could be made for this thread
    return FALSE;
  }
  teb->TlsSlots[index] = value;
  return TRUE;
}

// Interlocked singly linked lists (SLIST_HEADER, 16 bytes on x64). The header's first quadword
// holds the depth (low 16 bits) and a sequence number (the next 48), the second the first
// entry's address. Every operation takes one process-wide lock: atomic against the other SList
// calls, which is all Windows promises (a lock-free 16-byte CAS would only be faster).
namespace {
// Guards every SList header the calls are given (PE memory, so the analysis cannot name it).
// A StdMutex: the SList calls are a hot path of the programs that use them (see
// base/annotated_mutex.h).
ABSL_CONST_INIT StdMutex g_slist_mu;
struct SListHeaderX64 {
  uint64_t depth_and_sequence;
  uint64_t first;
};
static_assert(sizeof(SListHeaderX64) == 16);
SListHeaderX64 *Header(void *h) { return static_cast<SListHeaderX64 *>(h); }
void Bump(SListHeaderX64 *h, int64_t depth_change) {
  uint64_t depth = (h->depth_and_sequence & 0xffff) + static_cast<uint64_t>(depth_change);
  uint64_t sequence = ((h->depth_and_sequence >> 16) + 1) & ((uint64_t{1} << 48) - 1);
  h->depth_and_sequence = (depth & 0xffff) | (sequence << 16);
}
}  // namespace

VOID WINAPI InitializeSListHead(PVOID ListHead) {
  StdMutexLock lock(&g_slist_mu);
  *Header(ListHead) = {0, 0};
}

PVOID WINAPI InterlockedPushEntrySList(PVOID ListHead, PVOID ListEntry) {
  StdMutexLock lock(&g_slist_mu);
  SListHeaderX64 *h = Header(ListHead);
  auto *previous = reinterpret_cast<void *>(h->first);
  *static_cast<void **>(ListEntry) = previous;  // SLIST_ENTRY.Next
  h->first = reinterpret_cast<uint64_t>(ListEntry);
  Bump(h, 1);
  return previous;
}

PVOID WINAPI InterlockedPushListSListEx(PVOID ListHead, PVOID List, PVOID ListEnd, ULONG Count) {
  StdMutexLock lock(&g_slist_mu);
  SListHeaderX64 *h = Header(ListHead);
  auto *previous = reinterpret_cast<void *>(h->first);
  *static_cast<void **>(ListEnd) = previous;
  h->first = reinterpret_cast<uint64_t>(List);
  Bump(h, Count);
  return previous;
}

PVOID WINAPI InterlockedPopEntrySList(PVOID ListHead) {
  StdMutexLock lock(&g_slist_mu);
  SListHeaderX64 *h = Header(ListHead);
  auto *first = reinterpret_cast<void *>(h->first);
  if (first == nullptr) return nullptr;
  h->first = reinterpret_cast<uint64_t>(*static_cast<void **>(first));
  Bump(h, -1);
  return first;
}

PVOID WINAPI InterlockedFlushSList(PVOID ListHead) {
  StdMutexLock lock(&g_slist_mu);
  SListHeaderX64 *h = Header(ListHead);
  auto *first = reinterpret_cast<void *>(h->first);
  if (first == nullptr) return nullptr;
  h->first = 0;
  Bump(h, -static_cast<int64_t>(h->depth_and_sequence & 0xffff));
  return first;
}

USHORT WINAPI QueryDepthSList(PVOID ListHead) {
  StdMutexLock lock(&g_slist_mu);
  return static_cast<USHORT>(Header(ListHead)->depth_and_sequence & 0xffff);
}

}  // namespace ws2emu::emu::win32
