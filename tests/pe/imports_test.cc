// The last kernel32, user32 and msvcrt imports of real LSPs, installers and statically linked
// libstdc++ (issue 14): Global*/Local* with moveable blocks, GetNativeSystemInfo, IsBad*Ptr,
// thread priorities, TerminateThread, FormatMessage, SendMessage, wvsprintf and the msvcrt
// string, locale and stdio calls. Called as PE code calls them: through their ms_abi addresses
// in the export tables.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "ws2emu/ws2emu.h"

namespace {

template <typename Fn>
Fn Export(const char *dll, const char *name) {
  void *address = ws2emu_find_export(dll, name);
  EXPECT_NE(address, nullptr) << dll << "!" << name;
  return reinterpret_cast<Fn>(address);
}
template <typename Fn>
Fn K32(const char *name) { return Export<Fn>("KERNEL32.dll", name); }
template <typename Fn>
Fn Crt(const char *name) { return Export<Fn>("msvcrt.dll", name); }
template <typename Fn>
Fn U32(const char *name) { return Export<Fn>("USER32.dll", name); }

DWORD LastError() { return K32<DWORD(WINAPI *)(void)>("GetLastError")(); }
void SetLastErrorTo(DWORD e) { K32<void(WINAPI *)(DWORD)>("SetLastError")(e); }

constexpr UINT kGmemFixed = 0, kGmemMoveable = 0x2, kGmemZeroInit = 0x40;
using AllocFn = HANDLE(WINAPI *)(UINT, SIZE_T);
using FreeFn = HANDLE(WINAPI *)(HANDLE);
using LockFn = void *(WINAPI *)(HANDLE);
using UnlockFn = BOOL(WINAPI *)(HANDLE);
using SizeFn = SIZE_T(WINAPI *)(HANDLE);
using ReAllocFn = HANDLE(WINAPI *)(HANDLE, SIZE_T, UINT);
using HandleFn = HANDLE(WINAPI *)(const void *);

TEST(GlobalAlloc, FixedBlockIsItsOwnHandle) {
  auto alloc = K32<AllocFn>("GlobalAlloc");
  auto lock = K32<LockFn>("GlobalLock");
  auto unlock = K32<UnlockFn>("GlobalUnlock");
  auto size = K32<SizeFn>("GlobalSize");
  auto gfree = K32<FreeFn>("GlobalFree");
  HANDLE h = alloc(kGmemFixed | kGmemZeroInit, 100);
  ASSERT_NE(h, nullptr);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(static_cast<char *>(h)[i], 0);
  EXPECT_EQ(lock(h), h);
  EXPECT_TRUE(unlock(h));
  EXPECT_EQ(size(h), 100u);
  EXPECT_EQ(K32<HandleFn>("GlobalHandle")(h), h);
  EXPECT_EQ(gfree(h), nullptr);
}

TEST(GlobalAlloc, MoveableHandleIsNotThePointerAndCountsLocks) {
  auto alloc = K32<AllocFn>("GlobalAlloc");
  auto lock = K32<LockFn>("GlobalLock");
  auto unlock = K32<UnlockFn>("GlobalUnlock");
  auto size = K32<SizeFn>("GlobalSize");
  auto gfree = K32<FreeFn>("GlobalFree");
  HANDLE h = alloc(kGmemMoveable | kGmemZeroInit, 64);
  ASSERT_NE(h, nullptr);
  char *p = static_cast<char *>(lock(h));
  ASSERT_NE(p, nullptr);
  EXPECT_NE(static_cast<void *>(p), h);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(p[i], 0);
  std::strcpy(p, "kept");
  EXPECT_EQ(lock(h), p);  // lock count 2
  EXPECT_EQ(K32<HandleFn>("GlobalHandle")(p), h);
  EXPECT_EQ(size(h), 64u);
  EXPECT_TRUE(unlock(h));   // 1 left
  SetLastErrorTo(1234);
  EXPECT_FALSE(unlock(h));  // now unlocked: FALSE with NO_ERROR
  EXPECT_EQ(LastError(), 0u);
  EXPECT_FALSE(unlock(h));  // not locked
  EXPECT_EQ(LastError(), 158u);  // ERROR_NOT_LOCKED
  // Unlocked, it may move when it grows; the contents follow.
  HANDLE h2 = K32<ReAllocFn>("GlobalReAlloc")(h, 1 << 20, kGmemZeroInit);
  EXPECT_EQ(h2, h);
  EXPECT_EQ(size(h), SIZE_T{1} << 20);
  p = static_cast<char *>(lock(h));
  EXPECT_STREQ(p, "kept");
  EXPECT_EQ(p[(1 << 20) - 1], 0);
  // Locked, it cannot move: growing a lot fails with ERROR_NOT_ENOUGH_MEMORY and keeps it.
  EXPECT_EQ(K32<ReAllocFn>("GlobalReAlloc")(h, 64 << 20, 0), nullptr);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_STREQ(p, "kept");
  EXPECT_EQ(gfree(h), nullptr);
  // Freed: the handle is no longer one.
  EXPECT_EQ(lock(h), nullptr);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(GlobalAlloc, ZeroSizeMoveableIsDiscarded) {
  HANDLE h = K32<AllocFn>("GlobalAlloc")(kGmemMoveable, 0);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(K32<SizeFn>("GlobalSize")(h), 0u);
  EXPECT_EQ(K32<LockFn>("GlobalLock")(h), nullptr);
  EXPECT_EQ(LastError(), 157u);  // ERROR_DISCARDED
  // ReAlloc gives it memory again.
  EXPECT_EQ(K32<ReAllocFn>("GlobalReAlloc")(h, 10, 0), h);
  EXPECT_NE(K32<LockFn>("GlobalLock")(h), nullptr);
  EXPECT_EQ(K32<FreeFn>("GlobalFree")(h), nullptr);
}

TEST(GlobalAlloc, BadHandlesAndFlagsAreRefused) {
  char not_a_block[16];
  EXPECT_EQ(K32<FreeFn>("GlobalFree")(not_a_block), static_cast<HANDLE>(not_a_block));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(K32<SizeFn>("GlobalSize")(not_a_block), 0u);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_FALSE(K32<UnlockFn>("GlobalUnlock")(not_a_block));
  EXPECT_EQ(K32<HandleFn>("GlobalHandle")(not_a_block), nullptr);
  EXPECT_EQ(K32<FreeFn>("GlobalFree")(nullptr), nullptr);
  EXPECT_EQ(K32<AllocFn>("GlobalAlloc")(0x80000000u, 8), nullptr);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  // A fixed block grows in place only without GMEM_MOVEABLE; with it, it may move.
  HANDLE f = K32<AllocFn>("GlobalAlloc")(kGmemFixed, 16);
  std::strcpy(static_cast<char *>(f), "fixed");
  HANDLE g = K32<ReAllocFn>("GlobalReAlloc")(f, 1 << 20, kGmemMoveable);
  ASSERT_NE(g, nullptr);
  EXPECT_STREQ(static_cast<char *>(g), "fixed");
  EXPECT_EQ(K32<FreeFn>("GlobalFree")(g), nullptr);
}

TEST(LocalAlloc, SharesTheImplementation) {
  HANDLE h = K32<AllocFn>("LocalAlloc")(kGmemMoveable, 32);
  ASSERT_NE(h, nullptr);
  void *p = K32<LockFn>("LocalLock")(h);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(K32<SizeFn>("GlobalSize")(h), 32u);  // Local and Global handles are the same
  EXPECT_EQ(K32<HandleFn>("LocalHandle")(p), h);
  EXPECT_FALSE(K32<UnlockFn>("LocalUnlock")(h));
  EXPECT_EQ(K32<FreeFn>("LocalFree")(h), nullptr);
}

struct SystemInfo {
  WORD wProcessorArchitecture, wReserved;
  DWORD dwPageSize;
  void *lpMinimumApplicationAddress, *lpMaximumApplicationAddress;
  DWORD_PTR dwActiveProcessorMask;
  DWORD dwNumberOfProcessors, dwProcessorType, dwAllocationGranularity;
  WORD wProcessorLevel, wProcessorRevision;
};

TEST(GetNativeSystemInfo, X64Values) {
  SystemInfo info;
  std::memset(&info, 0xAB, sizeof(info));
  K32<void(WINAPI *)(SystemInfo *)>("GetNativeSystemInfo")(&info);
  EXPECT_EQ(info.wProcessorArchitecture, 9);  // PROCESSOR_ARCHITECTURE_AMD64
  EXPECT_EQ(info.dwPageSize, 4096u);
  EXPECT_EQ(info.dwAllocationGranularity, 0x10000u);
  EXPECT_GE(info.dwNumberOfProcessors, 1u);
}

TEST(IsBadPtr, AnswersFromTheMappingsWithoutFaulting) {
  auto bad_read = K32<BOOL(WINAPI *)(const void *, UINT_PTR)>("IsBadReadPtr");
  auto bad_write = K32<BOOL(WINAPI *)(void *, UINT_PTR)>("IsBadWritePtr");
  auto bad_code = K32<BOOL(WINAPI *)(FARPROC)>("IsBadCodePtr");
  auto bad_str = K32<BOOL(WINAPI *)(const char *, UINT_PTR)>("IsBadStringPtrA");
  auto bad_wstr = K32<BOOL(WINAPI *)(const WCHAR *, UINT_PTR)>("IsBadStringPtrW");
  const long page = sysconf(_SC_PAGESIZE);
  // Three pages: read-write, read-only, inaccessible.
  char *m = static_cast<char *>(
      mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(m, MAP_FAILED);
  std::memset(m, 'x', 2 * page);
  m[2 * page - 1] = 0;
  ASSERT_EQ(mprotect(m + page, page, PROT_READ), 0);
  ASSERT_EQ(mprotect(m + 2 * page, page, PROT_NONE), 0);

  EXPECT_TRUE(bad_read(nullptr, 1));
  EXPECT_FALSE(bad_read(nullptr, 0));  // size 0: FALSE, as Windows
  EXPECT_FALSE(bad_read(m, 2 * page));
  EXPECT_TRUE(bad_read(m, 2 * page + 1));
  EXPECT_TRUE(bad_read(m + 2 * page, 1));
  EXPECT_FALSE(bad_write(m, page));
  EXPECT_TRUE(bad_write(m, page + 1));      // runs into the read-only page
  EXPECT_TRUE(bad_write(m + page, 1));
  EXPECT_FALSE(bad_write(nullptr, 0));
  EXPECT_EQ(m[page], 'x');  // the write probe changed nothing
  EXPECT_TRUE(bad_read(reinterpret_cast<void *>(~uintptr_t{0} - 4), 16));  // wraps

  // Strings: the terminator on the read-only page ends the check before the hole.
  EXPECT_FALSE(bad_str(m + 10, ~UINT_PTR{0}));
  EXPECT_FALSE(bad_str(m + 2 * page - 5, 100));
  EXPECT_TRUE(bad_str(m + 2 * page, 1));
  EXPECT_TRUE(bad_str(nullptr, 1));
  EXPECT_FALSE(bad_str(m + 2 * page, 0));
  ASSERT_EQ(mprotect(m + page, page, PROT_READ | PROT_WRITE), 0);
  m[2 * page - 1] = 'y';  // no terminator before the hole: bad, unless the count stops first
  EXPECT_TRUE(bad_str(m + 2 * page - 5, 100));
  EXPECT_FALSE(bad_str(m + 2 * page - 5, 5));
  const WCHAR wide[] = {'o', 'k', 0};
  EXPECT_FALSE(bad_wstr(wide, 100));
  EXPECT_TRUE(bad_wstr(reinterpret_cast<const WCHAR *>(m + 2 * page), 1));

  EXPECT_TRUE(bad_code(nullptr));
  EXPECT_FALSE(bad_code(reinterpret_cast<FARPROC>(reinterpret_cast<uintptr_t>(bad_code))));
  EXPECT_TRUE(bad_code(reinterpret_cast<FARPROC>(m + 2 * page)));
  munmap(m, 3 * page);
}

TEST(ThreadPriority, StoredPerThreadAndRangeChecked) {
  auto set = K32<BOOL(WINAPI *)(HANDLE, int)>("SetThreadPriority");
  auto get = K32<int(WINAPI *)(HANDLE)>("GetThreadPriority");
  HANDLE self = K32<HANDLE(WINAPI *)(void)>("GetCurrentThread")();
  EXPECT_EQ(get(self), 0);  // THREAD_PRIORITY_NORMAL
  EXPECT_TRUE(set(self, 2));
  EXPECT_EQ(get(self), 2);
  EXPECT_TRUE(set(self, 15));  // THREAD_PRIORITY_TIME_CRITICAL
  EXPECT_EQ(get(self), 15);
  EXPECT_FALSE(set(self, 3));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(get(self), 15);  // unchanged
  EXPECT_TRUE(set(self, -15));
  EXPECT_EQ(get(self), -15);
  EXPECT_TRUE(set(self, 0));
  HANDLE bogus = reinterpret_cast<HANDLE>(uintptr_t{0x7f3c});
  EXPECT_FALSE(set(bogus, 1));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(get(bogus), 0x7FFFFFFF);  // THREAD_PRIORITY_ERROR_RETURN
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(TerminateThread, FailsLoudlyWithNotSupported) {
  HANDLE self = K32<HANDLE(WINAPI *)(void)>("GetCurrentThread")();
  testing::internal::CaptureStderr();
  EXPECT_FALSE(K32<BOOL(WINAPI *)(HANDLE, DWORD)>("TerminateThread")(self, 3));
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_NOT_SUPPORTED));
  EXPECT_NE(err.find("TerminateThread"), std::string::npos);
}

}  // namespace
