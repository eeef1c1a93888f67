// The pseudo-handles and DuplicateHandle: GetCurrentThread/GetCurrentProcess are accepted where
// a thread or process handle is, CloseHandle on them does nothing, and DuplicateHandle turns
// them (or any kernel object's handle) into a new real handle to the same object.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ws2emu/ws2emu.h"

namespace {

const HANDLE kBogus = reinterpret_cast<HANDLE>(0x4440);

TEST(PseudoHandles, HaveTheWindowsValues) {
  EXPECT_EQ(ws2emu_GetCurrentProcess(), reinterpret_cast<HANDLE>(-1));
  EXPECT_EQ(ws2emu_GetCurrentThread(), reinterpret_cast<HANDLE>(-2));
  // Closing one is allowed and changes nothing.
  EXPECT_TRUE(ws2emu_CloseHandle(ws2emu_GetCurrentThread()));
  EXPECT_TRUE(ws2emu_CloseHandle(ws2emu_GetCurrentProcess()));
  EXPECT_EQ(ws2emu_GetThreadId(ws2emu_GetCurrentThread()), ws2emu_GetCurrentThreadId());
}

void WINAPI CountApc(ULONG_PTR data) { ++*reinterpret_cast<int *>(data); }

TEST(PseudoHandles, CurrentThreadTakesApcs) {
  int ran = 0;
  ASSERT_NE(ws2emu_QueueUserAPC(CountApc, ws2emu_GetCurrentThread(),
                                reinterpret_cast<ULONG_PTR>(&ran)),
            0u);
  EXPECT_EQ(ran, 0);  // only in an alertable wait
  EXPECT_EQ(ws2emu_SleepEx(0, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION));
  EXPECT_EQ(ran, 1);
}

TEST(PseudoHandles, WaitingOnYourselfTimesOut) {
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(ws2emu_GetCurrentThread(), 10, FALSE),
            static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(ws2emu_GetCurrentProcess(), 10, FALSE),
            static_cast<DWORD>(WAIT_TIMEOUT));
}

TEST(DuplicateHandle, CurrentThreadBecomesARealHandleUsableFromAnotherThread) {
  HANDLE self = nullptr;
  ASSERT_TRUE(ws2emu_DuplicateHandle(ws2emu_GetCurrentProcess(), ws2emu_GetCurrentThread(),
                                     ws2emu_GetCurrentProcess(), &self, 0, FALSE,
                                     DUPLICATE_SAME_ACCESS));
  ASSERT_NE(self, nullptr);
  EXPECT_NE(self, ws2emu_GetCurrentThread());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(self) % 4, 0u);
  EXPECT_EQ(ws2emu_GetThreadId(self), ws2emu_GetCurrentThreadId());
  // Another thread uses it: it names this thread, not the one using it.
  const DWORD my_id = ws2emu_GetCurrentThreadId();
  int ran = 0;
  std::thread other([&] {
    EXPECT_EQ(ws2emu_GetThreadId(ws2emu_GetCurrentThread()), ws2emu_GetCurrentThreadId());
    EXPECT_EQ(ws2emu_GetThreadId(self), my_id);
    EXPECT_NE(ws2emu_GetThreadId(self), ws2emu_GetCurrentThreadId());
    EXPECT_NE(ws2emu_QueueUserAPC(CountApc, self, reinterpret_cast<ULONG_PTR>(&ran)), 0u);
  });
  other.join();
  EXPECT_EQ(ws2emu_SleepEx(0, TRUE), static_cast<DWORD>(WAIT_IO_COMPLETION));
  EXPECT_EQ(ran, 1);
  EXPECT_TRUE(ws2emu_CloseHandle(self));
  EXPECT_FALSE(ws2emu_CloseHandle(self));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(DuplicateHandle, ADuplicatedThreadHandleIsSignaledWhenThatThreadEnds) {
  std::atomic<HANDLE> handle{nullptr};
  std::atomic<bool> go{false};
  std::thread t([&] {
    HANDLE h = nullptr;
    EXPECT_TRUE(ws2emu_DuplicateHandle(ws2emu_GetCurrentProcess(), ws2emu_GetCurrentThread(),
                                       ws2emu_GetCurrentProcess(), &h, 0, FALSE,
                                       DUPLICATE_SAME_ACCESS));
    handle = h;
    while (!go) std::this_thread::yield();
  });
  while (handle.load() == nullptr) std::this_thread::yield();
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(handle, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  go = true;
  t.join();
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(handle, 5000, FALSE), WAIT_OBJECT_0);
  EXPECT_TRUE(ws2emu_CloseHandle(handle));
}

TEST(DuplicateHandle, TwoHandlesOneEvent) {
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  ASSERT_NE(e, nullptr);
  HANDLE dup = nullptr;
  ASSERT_TRUE(ws2emu_DuplicateHandle(ws2emu_GetCurrentProcess(), e, ws2emu_GetCurrentProcess(),
                                     &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
  EXPECT_NE(dup, e);
  EXPECT_TRUE(ws2emu_SetEvent(dup));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(e, 0, FALSE), WAIT_OBJECT_0);
  // Closing one handle leaves the object alive through the other.
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  EXPECT_TRUE(ws2emu_ResetEvent(dup));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(dup, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(dup));
}

TEST(DuplicateHandle, CloseSourceMovesTheHandle) {
  HANDLE s = ws2emu_CreateSemaphoreW(nullptr, 1, 1, nullptr);
  ASSERT_NE(s, nullptr);
  HANDLE moved = nullptr;
  ASSERT_TRUE(ws2emu_DuplicateHandle(ws2emu_GetCurrentProcess(), s, ws2emu_GetCurrentProcess(),
                                     &moved, 0, FALSE,
                                     DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
  EXPECT_FALSE(ws2emu_CloseHandle(s));  // already closed
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(moved, 0, FALSE), WAIT_OBJECT_0);
  EXPECT_TRUE(ws2emu_CloseHandle(moved));
}

TEST(DuplicateHandle, TheProcessPseudoHandleBecomesAProcessHandle) {
  HANDLE process = nullptr;
  ASSERT_TRUE(ws2emu_DuplicateHandle(ws2emu_GetCurrentProcess(), ws2emu_GetCurrentProcess(),
                                     ws2emu_GetCurrentProcess(), &process, 0, FALSE,
                                     DUPLICATE_SAME_ACCESS));
  // A real process handle is as good as the pseudo-handle for naming the process.
  HANDLE e = ws2emu_CreateEventW(nullptr, FALSE, FALSE, nullptr);
  HANDLE dup = nullptr;
  EXPECT_TRUE(ws2emu_DuplicateHandle(process, e, process, &dup, 0, FALSE, 0));
  EXPECT_EQ(ws2emu_WaitForSingleObjectEx(process, 0, FALSE), static_cast<DWORD>(WAIT_TIMEOUT));
  // It is not an event, nor a thread.
  EXPECT_FALSE(ws2emu_SetEvent(process));
  EXPECT_EQ(ws2emu_QueueUserAPC(CountApc, process, 0), 0u);
  EXPECT_TRUE(ws2emu_CloseHandle(dup));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  EXPECT_TRUE(ws2emu_CloseHandle(process));
}

TEST(DuplicateHandle, BadArgumentsChangeNothing) {
  HANDLE e = ws2emu_CreateEventW(nullptr, FALSE, FALSE, nullptr);
  HANDLE out = kBogus;
  const HANDLE me = ws2emu_GetCurrentProcess();
  // A source or target process that is not a process.
  EXPECT_FALSE(ws2emu_DuplicateHandle(e, e, me, &out, 0, FALSE, DUPLICATE_SAME_ACCESS));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_FALSE(ws2emu_DuplicateHandle(me, e, ws2emu_GetCurrentThread(), &out, 0, FALSE, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  // A source handle that names nothing.
  EXPECT_FALSE(ws2emu_DuplicateHandle(me, kBogus, me, &out, 0, FALSE, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_FALSE(ws2emu_DuplicateHandle(me, nullptr, me, &out, 0, FALSE, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  // Options that do not exist.
  EXPECT_FALSE(ws2emu_DuplicateHandle(me, e, me, &out, 0, FALSE, 0x100));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(out, kBogus);  // nothing written
  // The source is still open.
  EXPECT_TRUE(ws2emu_SetEvent(e));
  // A socket handle is not a kernel object here.
  int err = 0;
  SOCKET s = ws2emu_upcall_table()->lpWPUCreateSocketHandle(1001, 7, &err);
  ASSERT_NE(s, INVALID_SOCKET);
  EXPECT_FALSE(ws2emu_DuplicateHandle(me, reinterpret_cast<HANDLE>(s), me, &out, 0, FALSE, 0));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_NOT_SUPPORTED));
  EXPECT_EQ(ws2emu_upcall_table()->lpWPUCloseSocketHandle(s, &err), 0);
  // DUPLICATE_CLOSE_SOURCE closes the source even when the call fails.
  EXPECT_FALSE(ws2emu_DuplicateHandle(e, e, me, &out, 0, FALSE, DUPLICATE_CLOSE_SOURCE));
  EXPECT_FALSE(ws2emu_SetEvent(e));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(DuplicateHandle, ANullTargetOnlyClosesTheSourceWhenAsked) {
  HANDLE e = ws2emu_CreateEventW(nullptr, FALSE, FALSE, nullptr);
  const HANDLE me = ws2emu_GetCurrentProcess();
  EXPECT_TRUE(ws2emu_DuplicateHandle(me, e, me, nullptr, 0, FALSE, DUPLICATE_SAME_ACCESS));
  EXPECT_TRUE(ws2emu_SetEvent(e));
  EXPECT_TRUE(ws2emu_DuplicateHandle(me, e, me, nullptr, 0, FALSE, DUPLICATE_CLOSE_SOURCE));
  EXPECT_FALSE(ws2emu_SetEvent(e));
}

}  // namespace
