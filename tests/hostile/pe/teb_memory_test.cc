// Out of memory for a thread environment block: CreateThread fails with ERROR_NOT_ENOUGH_MEMORY
// (the new thread ends before running anything) and TlsGetValue/TlsSetValue on a thread without
// a TEB fail the same way, instead of aborting the process; once memory is back, all of them
// work. The TEB's allocation is made to fail by replacing the nothrow operator new (it is the
// only allocation of sizeof(Teb) bytes) while g_fail_teb is set.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <thread>

#include "loader/teb.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace {
std::atomic<bool> g_fail_teb{false};
}  // namespace

void *operator new(std::size_t size, const std::nothrow_t &) noexcept {
  if (size == sizeof(ws2emu::emu::Teb) && g_fail_teb.load()) return nullptr;
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }

namespace ws2emu::emu::win32 {
namespace {

DWORD WINAPI ReturnSeven(LPVOID) { return 7; }

// Runs `body` on a new native thread, which has no TEB yet.
template <typename Body>
void OnNewThread(Body body) {
  std::thread(body).join();
}

TEST(TebOutOfMemory, CreateThreadFailsWithNotEnoughMemoryThenWorks) {
  g_fail_teb = true;
  DWORD id = 0;
  HANDLE h = CreateThread(nullptr, 0, ReturnSeven, nullptr, 0, &id);
  g_fail_teb = false;
  EXPECT_EQ(h, nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));

  h = CreateThread(nullptr, 0, ReturnSeven, nullptr, 0, &id);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(h, 10000, FALSE), 0u);
  DWORD code = 0;
  EXPECT_TRUE(GetExitCodeThread(h, &code));
  EXPECT_EQ(code, 7u);
  ws2emu_CloseHandle(h);
}

TEST(TebOutOfMemory, TlsCallsFailWithNotEnoughMemoryThenWork) {
  DWORD index = TlsAlloc();
  ASSERT_NE(index, 0xFFFFFFFFu);
  OnNewThread([index] {
    g_fail_teb = true;
    EXPECT_FALSE(TlsSetValue(index, reinterpret_cast<LPVOID>(0x1234)));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
    EXPECT_EQ(TlsGetValue(index), nullptr);
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
    EXPECT_EQ(CurrentTeb(), nullptr);  // nothing half-made was kept
    g_fail_teb = false;
    EXPECT_TRUE(TlsSetValue(index, reinterpret_cast<LPVOID>(0x1234)));
    EXPECT_EQ(TlsGetValue(index), reinterpret_cast<LPVOID>(0x1234));
    EXPECT_NE(CurrentTeb(), nullptr);
  });
  TlsFree(index);
}

}  // namespace
}  // namespace ws2emu::emu::win32
