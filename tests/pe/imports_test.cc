// The last kernel32, user32 and msvcrt imports of real LSPs, installers and statically linked
// libstdc++ (issue 14): Global*/Local* with moveable blocks, GetNativeSystemInfo, IsBad*Ptr,
// thread priorities, TerminateThread, FormatMessage, SendMessage, wvsprintf and the msvcrt
// string, locale and stdio calls. Called as PE code calls them: through their ms_abi addresses
// in the export tables.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "common/builtin_export.h"
#include "ws2emu/ws2emu.h"

namespace {

using ws2emu::testing::Crt;
using ws2emu::testing::Export;
using ws2emu::testing::K32;
using ws2emu::testing::U32;

DWORD LastError() { return K32<DWORD(WINAPI *)(void)>("GetLastError")(); }
void SetLastErrorTo(DWORD e) { K32<void(WINAPI *)(DWORD)>("SetLastError")(e); }
const WCHAR *Wp(const std::u16string &s) { return reinterpret_cast<const WCHAR *>(s.c_str()); }

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
  // The data pointer is not a handle: freeing it is refused and frees nothing.
  EXPECT_EQ(gfree(p), static_cast<HANDLE>(p));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_STREQ(p, "kept");
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

constexpr DWORD kFmAlloc = 0x100, kFmIgnore = 0x200, kFmString = 0x400, kFmModule = 0x800,
                kFmSystem = 0x1000, kFmArray = 0x2000, kFmMaxWidth = 0xFF;
using FormatMessageAFn = DWORD(WINAPI *)(DWORD, const void *, DWORD, DWORD, char *, DWORD, void *);
using FormatMessageWFn = DWORD(WINAPI *)(DWORD, const void *, DWORD, DWORD, WCHAR *, DWORD, void *);

TEST(FormatMessage, SystemTextsForWin32AndWinsockErrors) {
  auto fm = K32<FormatMessageAFn>("FormatMessageA");
  char buf[512];
  EXPECT_EQ(fm(kFmSystem, nullptr, 10061, 0, buf, sizeof(buf), nullptr), 77u);
  EXPECT_STREQ(buf,
               "No connection could be made because the target machine actively refused it.\r\n");
  EXPECT_GT(fm(kFmSystem | kFmIgnore, nullptr, 5, 0x409, buf, sizeof(buf), nullptr), 0u);
  EXPECT_STREQ(buf, "Access is denied.\r\n");
  EXPECT_GT(fm(kFmSystem | kFmIgnore, nullptr, 10035, 0, buf, sizeof(buf), nullptr), 0u);
  EXPECT_STREQ(buf, "A non-blocking socket operation could not be completed immediately.\r\n");
  EXPECT_GT(fm(kFmSystem | kFmIgnore, nullptr, 11001, 0, buf, sizeof(buf), nullptr), 0u);
  EXPECT_STREQ(buf, "No such host is known.\r\n");
  // Every Winsock code from WSAEINTR to WSA_QOS_RESERVED_PETYPE that Windows defines has a text.
  for (DWORD id : {10004u, 10009u, 10013u, 10014u, 10022u, 10024u, 10093u, 10112u, 11031u})
    EXPECT_GT(fm(kFmSystem | kFmIgnore, nullptr, id, 0, buf, sizeof(buf), nullptr), 0u) << id;
  // Inserts left as they are.
  EXPECT_GT(fm(kFmSystem | kFmIgnore, nullptr, 193, 0, buf, sizeof(buf), nullptr), 0u);
  EXPECT_STREQ(buf, "%1 is not a valid Win32 application.\r\n");
  // Unknown id, buffer too small, no source, a module without a message table.
  EXPECT_EQ(fm(kFmSystem, nullptr, 0x12345, 0, buf, sizeof(buf), nullptr), 0u);
  EXPECT_EQ(LastError(), 317u);  // ERROR_MR_MID_NOT_FOUND
  EXPECT_EQ(fm(kFmSystem, nullptr, 5, 0, buf, 5, nullptr), 0u);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(fm(0, nullptr, 5, 0, buf, sizeof(buf), nullptr), 0u);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(fm(kFmModule, buf, 5, 0, buf, sizeof(buf), nullptr), 0u);
  EXPECT_EQ(LastError(), 1813u);  // ERROR_RESOURCE_TYPE_NOT_FOUND
  EXPECT_EQ(fm(kFmSystem, nullptr, 5, 0x407 /* German */, buf, sizeof(buf), nullptr), 0u);
  EXPECT_EQ(LastError(), 15100u);  // ERROR_RESOURCE_LANG_NOT_FOUND
}

TEST(FormatMessage, AllocatedBufferIsFreedWithLocalFree) {
  auto fm = K32<FormatMessageWFn>("FormatMessageW");
  WCHAR *text = nullptr;
  DWORD n = fm(kFmSystem | kFmAlloc | kFmIgnore, nullptr, 87, 0,
               reinterpret_cast<WCHAR *>(&text), 0, nullptr);
  ASSERT_EQ(n, 29u);
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(text)), u"The parameter is incorrect.\r\n");
  EXPECT_GE(K32<SizeFn>("LocalSize")(text), 30 * sizeof(WCHAR));
  EXPECT_EQ(K32<FreeFn>("LocalFree")(text), nullptr);
  // nSize is the least to allocate.
  char *narrow = nullptr;
  ASSERT_GT(K32<FormatMessageAFn>("FormatMessageA")(kFmSystem | kFmAlloc, nullptr, 5, 0,
                                                    reinterpret_cast<char *>(&narrow), 200,
                                                    nullptr),
            0u);
  EXPECT_EQ(K32<SizeFn>("LocalSize")(narrow), 200u);
  EXPECT_EQ(K32<FreeFn>("LocalFree")(narrow), nullptr);
}

TEST(FormatMessage, StringInsertsEscapesAndFormats) {
  auto fm = K32<FormatMessageAFn>("FormatMessageA");
  char buf[256];
  DWORD_PTR args[] = {reinterpret_cast<DWORD_PTR>("alpha"), 42, 0xBEEF,
                      reinterpret_cast<DWORD_PTR>("gamma")};
  ASSERT_GT(fm(kFmString | kFmArray, "%1 has %2!d! and %3!04X!, %4 %1%%%t%n%0tail", 0, 0, buf,
               sizeof(buf), args),
            0u);
  EXPECT_STREQ(buf, "alpha has 42 and BEEF, gamma alpha%\t\r\n");
  // An insert's own line break stays as it is.
  DWORD_PTR lf[] = {reinterpret_cast<DWORD_PTR>("a\nb")};
  ASSERT_EQ(fm(kFmString | kFmArray, "[%1]", 0, 0, buf, sizeof(buf), lf), 5u);
  EXPECT_STREQ(buf, "[a\nb]");
  // Ignoring inserts keeps them, !fmt! included.
  ASSERT_GT(fm(kFmString | kFmIgnore, "x %1!d! %2 y", 0, 0, buf, sizeof(buf), nullptr), 0u);
  EXPECT_STREQ(buf, "x %1!d! %2 y");
  // An insert without arguments.
  EXPECT_EQ(fm(kFmString, "%1", 0, 0, buf, sizeof(buf), nullptr), 0u);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  // Width and precision from the next inserts.
  DWORD_PTR star[] = {6, 2, reinterpret_cast<DWORD_PTR>("abcdef")};
  ASSERT_GT(fm(kFmString | kFmArray, "[%1!*.*s!]", 0, 0, buf, sizeof(buf), star), 0u);
  EXPECT_STREQ(buf, "[    ab]");
  // W form: %s inserts are wide strings, !S! a narrow one.
  std::u16string fmt = u"%1-%2!S!", wide = u"w\u00e9";
  DWORD_PTR wargs[] = {reinterpret_cast<DWORD_PTR>(wide.c_str()),
                       reinterpret_cast<DWORD_PTR>("nar")};
  WCHAR wbuf[64];
  ASSERT_EQ(K32<FormatMessageWFn>("FormatMessageW")(kFmString | kFmArray, fmt.c_str(), 0, 0,
                                                    wbuf, 64, wargs),
            6u);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(wbuf)), u"w\u00e9-nar");
}

// A va_list the way PE code passes one: FormatMessage(..., &ap).
DWORD WINAPI FormatWithVaList(FormatMessageAFn fm, char *buf, DWORD size, const char *format,
                              ...) {
  __builtin_ms_va_list ap;
  __builtin_ms_va_start(ap, format);
  DWORD n = fm(kFmString, format, 0, 0, buf, size, &ap);
  __builtin_ms_va_end(ap);
  return n;
}

TEST(FormatMessage, VaListArgumentsAndLineWidth) {
  auto fm = K32<FormatMessageAFn>("FormatMessageA");
  char buf[256];
  ASSERT_GT(FormatWithVaList(fm, buf, sizeof(buf), "%2 before %1!u!", 7u, "second"), 0u);
  EXPECT_STREQ(buf, "second before 7");
  // MAX_WIDTH_MASK: regular breaks become spaces, %n stays, nothing is wrapped.
  ASSERT_GT(fm(kFmString | kFmMaxWidth, "one\r\ntwo%nthree", 0, 0, buf, sizeof(buf), nullptr),
            0u);
  EXPECT_STREQ(buf, "one two\r\nthree");
  EXPECT_GT(fm(kFmSystem | kFmMaxWidth, nullptr, 5, 0, buf, sizeof(buf), nullptr), 0u);
  EXPECT_STREQ(buf, "Access is denied. ");  // the final break too, as Windows
  // A width wraps at spaces.
  ASSERT_GT(fm(kFmString | 10, "aaa bbb ccc ddddddddddddd e", 0, 0, buf, sizeof(buf), nullptr),
            0u);
  EXPECT_STREQ(buf, "aaa bbb\r\nccc\r\ndddddddddd\r\nddd e");
}

// A window procedure that answers 0x400 + n with n * 2 and records what it saw.
UINT g_seen_msg = 0;
DWORD g_seen_thread = 0;
LRESULT WINAPI DoublingProc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
  if (msg >= 0x400) {
    g_seen_msg = msg;
    g_seen_thread = ws2emu_GetCurrentThreadId();
    return static_cast<LRESULT>(wparam * 2 + lparam);
  }
  return ws2emu_DefWindowProcW(hwnd, msg, wparam, lparam);
}

using SendFn = LRESULT(WINAPI *)(HWND, UINT, WPARAM, LPARAM);
using SendTimeoutFn = LRESULT(WINAPI *)(HWND, UINT, WPARAM, LPARAM, UINT, UINT, DWORD_PTR *);

TEST(SendMessage, OwnWindowCallsTheProcedureDirectly) {
  WNDCLASSEXW wc = {};
  wc.cbSize = sizeof(wc);
  wc.lpfnWndProc = DoublingProc;
  wc.lpszClassName = u"imports send test";
  ASSERT_NE(ws2emu_RegisterClassExW(&wc), 0);
  HWND w = ws2emu_CreateWindowExW(0, u"imports send test", nullptr, 0, 0, 0, 0, 0, HWND_MESSAGE,
                                  nullptr, nullptr, nullptr);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(U32<SendFn>("SendMessageW")(w, 0x401, 20, 2), 42);
  EXPECT_EQ(g_seen_msg, 0x401u);
  EXPECT_EQ(g_seen_thread, ws2emu_GetCurrentThreadId());
  EXPECT_EQ(U32<SendFn>("SendMessageA")(w, 0x402, 1, 1), 3);
  DWORD_PTR result = 0;
  EXPECT_NE(U32<SendTimeoutFn>("SendMessageTimeoutW")(w, 0x403, 5, 0, 0x2 /* ABORTIFHUNG */,
                                                      100, &result),
            0);
  EXPECT_EQ(result, 10u);
  EXPECT_EQ(U32<SendTimeoutFn>("SendMessageTimeoutW")(w, 0x403, 5, 0, 0x10000, 100, &result), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
  // A destroyed window is no window.
  EXPECT_EQ(U32<SendFn>("SendMessageW")(w, 0x401, 1, 0), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  EXPECT_EQ(U32<SendTimeoutFn>("SendMessageTimeoutW")(w, 0x401, 1, 0, 0, 10, &result), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  ws2emu_UnregisterClassW(u"imports send test", nullptr);
}

HWND MakeWindow(const char16_t *cls, WNDPROC proc) {
  WNDCLASSEXW wc = {};
  wc.cbSize = sizeof(wc);
  wc.lpfnWndProc = proc;
  wc.lpszClassName = cls;
  ws2emu_RegisterClassExW(&wc);  // once per class; later calls find it registered
  return ws2emu_CreateWindowExW(0, cls, nullptr, 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr, nullptr,
                                nullptr);
}

TEST(SendMessage, AnotherThreadsSendRunsOnTheOwnerInGetMessage) {
  HWND w = MakeWindow(u"imports send owner", DoublingProc);
  ASSERT_NE(w, nullptr);
  const DWORD owner = ws2emu_GetCurrentThreadId();
  g_seen_thread = 0;
  LRESULT got = -1;
  DWORD_PTR timed = 0;
  LRESULT timed_ok = 0;
  std::thread sender([&] {
    got = U32<SendFn>("SendMessageW")(w, 0x404, 10, 1);
    timed_ok = U32<SendTimeoutFn>("SendMessageTimeoutW")(w, 0x405, 3, 0, 0, 5000, &timed);
    ws2emu_PostThreadMessageW(owner, 0x4FF, 0, 0);  // ends the owner's loop
  });
  MSG m;
  while (ws2emu_GetMessageW(&m, nullptr, 0, 0) > 0 && m.message != 0x4FF) {
  }
  sender.join();
  EXPECT_EQ(got, 21);
  EXPECT_EQ(g_seen_thread, owner);  // the procedure ran on the window's thread
  EXPECT_NE(timed_ok, 0);
  EXPECT_EQ(timed, 6u);
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
}

TEST(SendMessage, TimeoutWhenTheOwnerDoesNotPump) {
  HWND w = MakeWindow(u"imports send owner", DoublingProc);
  ASSERT_NE(w, nullptr);
  g_seen_msg = 0;
  LRESULT ok = -1;
  DWORD error = 0;
  DWORD_PTR result = 77;
  std::thread([&] {
    ok = U32<SendTimeoutFn>("SendMessageTimeoutW")(w, 0x406, 1, 0, 0, 50, &result);
    error = LastError();
  }).join();
  EXPECT_EQ(ok, 0);
  EXPECT_EQ(error, 1460u);  // ERROR_TIMEOUT
  EXPECT_EQ(result, 77u);
  MSG m;
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(g_seen_msg, 0u);  // taken back: it never runs
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
}

// B's window procedure answers 0x410 by sending 0x401 to A's window (A waits in SendMessage).
HWND g_window_a = nullptr;
LRESULT WINAPI RelayProc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
  if (msg == 0x410) return U32<SendFn>("SendMessageW")(g_window_a, 0x401, wparam, 1) + 100;
  return ws2emu_DefWindowProcW(hwnd, msg, wparam, lparam);
}

TEST(SendMessage, TwoThreadsSendingToEachOtherDoNotDeadlock) {
  g_window_a = MakeWindow(u"imports send a", DoublingProc);
  ASSERT_NE(g_window_a, nullptr);
  HWND b = nullptr;
  DWORD b_thread = 0;
  HANDLE ready = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  std::thread owner_b([&] {
    b = MakeWindow(u"imports send b", RelayProc);
    b_thread = ws2emu_GetCurrentThreadId();
    ws2emu_SetEvent(ready);
    MSG m;
    while (ws2emu_GetMessageW(&m, nullptr, 0, 0) > 0) {
    }
    ws2emu_DestroyWindow(b);
  });
  ASSERT_EQ(ws2emu_WaitForSingleObjectEx(ready, 5000, FALSE), 0u);
  ASSERT_NE(b, nullptr);
  // A -> B (0x410) -> A (0x401: 20 * 2 + 1) -> B returns that + 100.
  EXPECT_EQ(U32<SendFn>("SendMessageW")(b, 0x410, 20, 0), 141);
  EXPECT_EQ(g_seen_thread, ws2emu_GetCurrentThreadId());  // 0x401 ran here, on A
  ws2emu_PostThreadMessageW(b_thread, WM_QUIT, 0, 0);  // B's GetMessage returns FALSE
  owner_b.join();
  ws2emu_CloseHandle(ready);
  EXPECT_TRUE(ws2emu_DestroyWindow(g_window_a));
}

TEST(SendMessage, FailsWhenTheOwnerThreadExits) {
  HWND w = nullptr;
  HANDLE ready = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  HANDLE go = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  std::thread owner([&] {
    w = MakeWindow(u"imports send owner", DoublingProc);
    ws2emu_SetEvent(ready);
    ws2emu_WaitForSingleObjectEx(go, 5000, FALSE);
    ws2emu_SleepEx(50, FALSE);  // the send below is queued by now; never pumped
  });
  ASSERT_EQ(ws2emu_WaitForSingleObjectEx(ready, 5000, FALSE), 0u);
  ws2emu_SetEvent(go);
  EXPECT_EQ(U32<SendFn>("SendMessageW")(w, 0x407, 1, 0), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  owner.join();
  ws2emu_CloseHandle(ready);
  ws2emu_CloseHandle(go);
}

TEST(Wsprintf, User32PrintfSubset) {
  auto wsprintf = U32<int(WINAPI *)(char *, const char *, ...)>("wsprintfA");
  char buf[2048];
  EXPECT_EQ(wsprintf(buf, "%d|%5u|%-4x|%#X|%08lx|%c|%s|%.2s|%ls|%I64d|%%|%y", -7, 12u, 0xabu,
                     0xbeefu, 0x1234u, 'z', "str", "abc", u"wide", int64_t{-1} << 40),
            62);
  EXPECT_STREQ(buf, "-7|   12|ab  |0XBEEF|00001234|z|str|ab|wide|-1099511627776|%|y");
  // 32-bit %d: the upper half of the slot is not part of the value.
  EXPECT_EQ(wsprintf(buf, "%d", int64_t{0x100000005}), 1);
  EXPECT_STREQ(buf, "5");
  // The output stops at 1023 characters.
  std::string big(1500, 'a');
  EXPECT_EQ(wsprintf(buf, "%s", big.c_str()), 1023);
  EXPECT_EQ(std::strlen(buf), 1023u);
  auto wsprintfw = U32<int(WINAPI *)(WCHAR *, const WCHAR *, ...)>("wsprintfW");
  WCHAR wbuf[64];
  std::u16string fmt = u"%s/%S/%hs/%d", wide = u"w\u00e9";
  EXPECT_EQ(wsprintfw(wbuf, Wp(fmt), wide.c_str(), "n1", "n2", 9), 10);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(wbuf)), u"w\u00e9/n1/n2/9");
}

int Errno() { return *Crt<int *(WINAPI *)(void)>("_errno")(); }

TEST(MsvcrtCase, LowerUpperInPlaceAsciiOnly) {
  char s[] = "MiXeD 123 \xc9";
  EXPECT_EQ(Crt<char *(WINAPI *)(char *)>("_strlwr")(s), s);
  EXPECT_STREQ(s, "mixed 123 \xc9");  // the "C" locale maps ASCII only
  EXPECT_STREQ(Crt<char *(WINAPI *)(char *)>("_strupr")(s), "MIXED 123 \xc9");
  std::u16string w = u"Wide\u00e9X";
  auto lwr = Crt<WCHAR *(WINAPI *)(WCHAR *)>("_wcslwr");
  auto upr = Crt<WCHAR *(WINAPI *)(WCHAR *)>("_wcsupr");
  lwr(reinterpret_cast<WCHAR *>(w.data()));
  EXPECT_EQ(w, u"wide\u00e9x");
  upr(reinterpret_cast<WCHAR *>(w.data()));
  EXPECT_EQ(w, u"WIDE\u00e9X");
  EXPECT_EQ(lwr(nullptr), nullptr);
  EXPECT_EQ(Errno(), EINVAL);
  EXPECT_EQ(Crt<WCHAR(WINAPI *)(WCHAR)>("towlower")('Q'), 'q');
  EXPECT_EQ(Crt<WCHAR(WINAPI *)(WCHAR)>("towupper")('q'), 'Q');
  EXPECT_EQ(Crt<WCHAR(WINAPI *)(WCHAR)>("towupper")(0xFFFF), 0xFFFF);  // WEOF
}

TEST(MsvcrtStrings, WcscatCollateTransformClasses) {
  WCHAR buf[16] = {'a', 'b', 0};
  std::u16string tail = u"cd";
  EXPECT_EQ(Crt<WCHAR *(WINAPI *)(WCHAR *, const WCHAR *)>("wcscat")(buf, Wp(tail)), buf);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(buf)), u"abcd");
  EXPECT_LT(Crt<int(WINAPI *)(const char *, const char *)>("strcoll")("B", "a"), 0);  // code points
  EXPECT_EQ(Crt<int(WINAPI *)(const char *, const char *)>("strcoll")("x", "x"), 0);
  std::u16string a = u"abc", b = u"abd";
  EXPECT_LT(Crt<int(WINAPI *)(const WCHAR *, const WCHAR *)>("wcscoll")(Wp(a), Wp(b)), 0);
  char out[8];
  EXPECT_EQ(Crt<size_t(WINAPI *)(char *, const char *, size_t)>("strxfrm")(out, "hello", 8), 5u);
  EXPECT_STREQ(out, "hello");
  auto xfrm = Crt<size_t(WINAPI *)(char *, const char *, size_t)>("strxfrm");
  EXPECT_EQ(xfrm(out, "too long!", 8), 9u);
  WCHAR wout[4];
  EXPECT_EQ(Crt<size_t(WINAPI *)(WCHAR *, const WCHAR *, size_t)>("wcsxfrm")(wout, Wp(a), 4), 3u);
  EXPECT_EQ(wout[2], 'c');
  auto isw = Crt<int(WINAPI *)(WCHAR, unsigned short)>("iswctype");
  constexpr unsigned short kUpper = 1, kLower = 2, kDigit = 4, kSpace = 8, kPunct = 0x10,
                           kAlpha = 0x103, kHex = 0x80;
  EXPECT_TRUE(isw('A', kUpper));
  EXPECT_FALSE(isw('a', kUpper));
  EXPECT_TRUE(isw('a', kAlpha));
  EXPECT_TRUE(isw('7', kDigit));
  EXPECT_TRUE(isw('f', kHex));
  EXPECT_FALSE(isw('g', kHex));
  EXPECT_TRUE(isw('\t', kSpace));
  EXPECT_TRUE(isw('!', kPunct));
  EXPECT_TRUE(isw(0xE9, kLower));  // e acute, Latin-1
  EXPECT_FALSE(isw(0xFFFF, kAlpha | kPunct | kSpace));
}

TEST(MsvcrtLocale, SetlocaleHasTheCLocale) {
  auto set = Crt<char *(WINAPI *)(int, const char *)>("setlocale");
  EXPECT_STREQ(set(0, nullptr), "C");  // LC_ALL query
  EXPECT_STREQ(set(0, ""), "C");       // the user's default is "C" here
  EXPECT_STREQ(set(2, "C"), "C");      // LC_CTYPE
  EXPECT_STREQ(set(5, nullptr), "C");  // LC_TIME
  EXPECT_EQ(set(0, "French_France.1252"), nullptr);
  EXPECT_STREQ(set(0, nullptr), "C");  // unchanged
  EXPECT_EQ(set(6, "C"), nullptr);
  EXPECT_EQ(Errno(), EINVAL);
  EXPECT_EQ(set(-1, nullptr), nullptr);
  std::u16string c = u"C";
  auto wset = Crt<WCHAR *(WINAPI *)(int, const WCHAR *)>("_wsetlocale");
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(wset(0, Wp(c)))), u"C");
}

TEST(MsvcrtSystem, RunsTheShellAndReturnsItsStatus) {
  auto sys = Crt<int(WINAPI *)(const char *)>("system");
  EXPECT_NE(sys(nullptr), 0);  // a shell exists
  EXPECT_EQ(sys("exit 0"), 0);
  EXPECT_EQ(sys("exit 7"), 7);
  char path[] = "/tmp/ws2emu-system-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::string cmd = std::string("printf ran > ") + path;
  EXPECT_EQ(sys(cmd.c_str()), 0);
  FILE *f = std::fopen(path, "r");
  char got[8] = {};
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(std::fread(got, 1, 7, f), 3u);
  std::fclose(f);
  unlink(path);
  EXPECT_STREQ(got, "ran");
  EXPECT_EQ(sys("kill -9 $$"), 128 + 9);
  std::u16string w = u"exit 3";
  EXPECT_EQ(Crt<int(WINAPI *)(const WCHAR *)>("_wsystem")(Wp(w)), 3);
}

struct MsTm {
  int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
};

TEST(MsvcrtTime, StrftimeCLocaleForms) {
  auto ftime = Crt<size_t(WINAPI *)(char *, size_t, const char *, const MsTm *)>("strftime");
  MsTm t = {29, 41, 12, 14, 2, 95, 2, 72, 0};  // Tuesday, March 14, 1995, 12:41:29
  char out[128];
  EXPECT_EQ(ftime(out, sizeof(out), "%c", &t), 17u);
  EXPECT_STREQ(out, "03/14/95 12:41:29");
  ftime(out, sizeof(out), "%#c", &t);
  EXPECT_STREQ(out, "Tuesday, March 14, 1995, 12:41:29");
  ftime(out, sizeof(out), "%x|%X|%A %a %B %b|%Y-%m-%d %j %p %I|%#m/%#d|%%", &t);
  EXPECT_STREQ(out, "03/14/95|12:41:29|Tuesday Tue March Mar|1995-03-14 073 PM 12|3/14|%");
  EXPECT_EQ(ftime(out, 5, "%Y-%m", &t), 0u);  // does not fit
  EXPECT_EQ(Errno(), ERANGE);
  EXPECT_EQ(ftime(out, sizeof(out), "%Q", &t), 0u);  // not a conversion msvcrt has
  EXPECT_EQ(Errno(), EINVAL);
  MsTm bad = t;
  bad.tm_mon = 12;
  EXPECT_EQ(ftime(out, sizeof(out), "%m", &bad), 0u);
  EXPECT_EQ(Errno(), EINVAL);
  auto wftime = Crt<size_t(WINAPI *)(WCHAR *, size_t, const WCHAR *, const MsTm *)>("wcsftime");
  WCHAR wout[32];
  std::u16string fmt = u"%d %B";
  EXPECT_EQ(wftime(wout, 32, Wp(fmt), &t), 8u);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(wout)), u"14 March");
}

TEST(MsvcrtTime, Gmtime64Localtime64Mktime64) {
  auto gm = Crt<MsTm *(WINAPI *)(const int64_t *)>("_gmtime64");
  auto local = Crt<MsTm *(WINAPI *)(const int64_t *)>("_localtime64");
  auto mk = Crt<int64_t(WINAPI *)(MsTm *)>("_mktime64");
  const int64_t when = 795184889;  // 1995-03-14 12:41:29 UTC, a Tuesday
  MsTm *t = gm(&when);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->tm_year, 95);
  EXPECT_EQ(t->tm_mon, 2);
  EXPECT_EQ(t->tm_mday, 14);
  EXPECT_EQ(t->tm_hour, 12);
  EXPECT_EQ(t->tm_wday, 2);
  EXPECT_EQ(t->tm_yday, 72);
  MsTm *l = local(&when);
  ASSERT_NE(l, nullptr);
  MsTm copy = *l;
  EXPECT_EQ(mk(&copy), when);  // the local time back to the same instant
  const int64_t negative = -1, too_late = 32535216000;
  EXPECT_EQ(gm(&negative), nullptr);
  EXPECT_EQ(Errno(), EINVAL);
  EXPECT_EQ(local(&too_late), nullptr);
  EXPECT_EQ(gm(nullptr), nullptr);
  EXPECT_EQ(mk(nullptr), -1);
}

using FopenFn = void *(WINAPI *)(const char *, const char *);
using FcloseFn = int(WINAPI *)(void *);

TEST(MsvcrtStdio, WideCharactersPositionsAndFileQueries) {
  char path[] = "/tmp/ws2emu-wide-XXXXXX";
  int tmp = mkstemp(path);
  ASSERT_GE(tmp, 0);
  close(tmp);
  void *f = Crt<FopenFn>("fopen")(path, "w+b");
  ASSERT_NE(f, nullptr);
  auto putwc = Crt<WCHAR(WINAPI *)(WCHAR, void *)>("fputwc");
  EXPECT_EQ(putwc('A', f), 'A');
  EXPECT_EQ(putwc(0xE9, f), 0xE9);  // two bytes of UTF-8
  EXPECT_EQ(Crt<int(WINAPI *)(int, void *)>("putc")('!', f), '!');
  std::u16string fmt = u"%s=%d %S", name = u"n\u00e9";
  EXPECT_EQ(Crt<int(WINAPI *)(void *, const WCHAR *, ...)>("fwprintf")(f, Wp(fmt), Wp(name), 42,
                                                                        "narrow"),
            12);
  int64_t pos = -1;
  EXPECT_EQ(Crt<int(WINAPI *)(void *, int64_t *)>("fgetpos")(f, &pos), 0);
  EXPECT_EQ(pos, 17);  // bytes: A, 2, !, "n\xc3\xa9=42 narrow"
  const int fd = Crt<int(WINAPI *)(void *)>("_fileno")(f);
  EXPECT_EQ(Crt<int64_t(WINAPI *)(int)>("_filelengthi64")(fd), 17);
  unsigned char st[56];
  ASSERT_EQ(Crt<int(WINAPI *)(int, void *)>("_fstat64")(fd, st), 0);
  unsigned short mode;
  std::memcpy(&mode, st + 6, 2);
  EXPECT_EQ(mode & 0xF000, 0x8000);  // _S_IFREG
  EXPECT_NE(mode & 0x100, 0);        // _S_IREAD
  int64_t size;
  std::memcpy(&size, st + 24, 8);
  EXPECT_EQ(size, 17);
  EXPECT_EQ(Crt<int64_t(WINAPI *)(int, int64_t, int)>("_lseeki64")(fd, 0, 2), 17);
  int64_t start = 0;
  EXPECT_EQ(Crt<int(WINAPI *)(void *, const int64_t *)>("fsetpos")(f, &start), 0);
  auto getwc = Crt<WCHAR(WINAPI *)(void *)>("fgetwc");
  EXPECT_EQ(getwc(f), 'A');
  EXPECT_EQ(getwc(f), 0xE9);
  auto ungetwc = Crt<WCHAR(WINAPI *)(WCHAR, void *)>("ungetwc");
  EXPECT_EQ(ungetwc('Z', f), 'Z');
  EXPECT_EQ(getwc(f), 'Z');
  EXPECT_EQ(getwc(f), '!');
  EXPECT_EQ(ungetwc(0xE9, f), 0xFFFF);  // more than the one-byte pushback
  EXPECT_EQ(Crt<FcloseFn>("fclose")(f), 0);
  // Bad fds and arguments.
  EXPECT_EQ(Crt<int64_t(WINAPI *)(int)>("_filelengthi64")(4000), -1);
  EXPECT_EQ(Errno(), EBADF);
  EXPECT_EQ(Crt<int(WINAPI *)(int, void *)>("_fstat64")(4000, st), -1);
  EXPECT_EQ(Errno(), EBADF);
  EXPECT_EQ(Crt<int64_t(WINAPI *)(int, int64_t, int)>("_lseeki64")(1, 0, 9), -1);
  EXPECT_EQ(Errno(), EINVAL);
  EXPECT_EQ(Crt<int(WINAPI *)(void *, int64_t *)>("fgetpos")(f, nullptr), -1);
  // _fdopen on a low-level fd of an opened handle.
  using CreateFileAFn = HANDLE(WINAPI *)(const char *, DWORD, DWORD, void *, DWORD, DWORD, HANDLE);
  HANDLE file = K32<CreateFileAFn>("CreateFileA")(path, 0x80000000u /* GENERIC_READ */, 1,
                                                  nullptr, 3 /* OPEN_EXISTING */, 0, nullptr);
  ASSERT_NE(file, INVALID_HANDLE_VALUE);
  const int lowfd =
      Crt<int(WINAPI *)(intptr_t, int)>("_open_osfhandle")(reinterpret_cast<intptr_t>(file), 0);
  ASSERT_GE(lowfd, 0);
  void *h = Crt<void *(WINAPI *)(int, const char *)>("_fdopen")(lowfd, "rb");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(Crt<int(WINAPI *)(void *)>("fgetc")(h), 'A');
  EXPECT_EQ(Crt<FcloseFn>("fclose")(h), 0);  // closes the fd and its handle
  EXPECT_EQ(Crt<intptr_t(WINAPI *)(int)>("_get_osfhandle")(lowfd), -1);
  EXPECT_EQ(Crt<void *(WINAPI *)(int, const char *)>("_fdopen")(4000, "r"), nullptr);
  EXPECT_EQ(Errno(), EBADF);
  EXPECT_EQ(Crt<void *(WINAPI *)(int, const char *)>("_fdopen")(1, "q"), nullptr);
  EXPECT_EQ(Errno(), EINVAL);
  unlink(path);
}

}  // namespace
