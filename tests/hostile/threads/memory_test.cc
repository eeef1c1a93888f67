// Running out of memory: with the address space capped (RLIMIT_AS, in a forked child), queuing
// APCs (or posting thread messages) until no memory is left ends in the documented error — WSAENOBUFS from WPUQueueApc,
// ERROR_NOT_ENOUGH_MEMORY from QueueUserAPC — instead of an abort; the failed call queued
// nothing (every APC queued before it runs, once), and queuing works again once memory is back.
// Through the C API of libws2emu.so.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "ws2emu/ws2emu.h"

namespace {

long g_ran = 0;  // the child's APCs run on the child's only thread
VOID CALLBACK WpuApc(DWORD_PTR) { ++g_ran; }
VOID WINAPI UserApc(ULONG_PTR) { ++g_ran; }

// The child's verdicts (its exit code), with what each means for the parent's message.
enum Verdict : int {
  kOk = 0,
  kNoThread = 10,        // WPUOpenCurrentThread failed before memory was capped
  kNeverRanOut = 11,     // queued kMaxApcs without running out
  kWrongError = 12,      // ran out with another error than the documented one
  kLostOrExtra = 13,     // after the failure, the APCs that ran were not those queued
  kNotAgain = 14,        // queuing failed again with memory back
  kNoLimit = 15,         // the address-space limit could not be set
};
constexpr long kMaxApcs = 50'000'000;

// The address space in use now, from /proc/self/statm; 0 if unknown.
rlim_t AddressSpaceNow() {
  FILE *f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long pages = 0;
  int n = std::fscanf(f, "%lu", &pages);
  std::fclose(f);
  return n == 1 ? static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) : 0;
}

// Caps RLIMIT_AS a few MiB above the address space in use now, keeping the old limit in *saved
// (restore it with setrlimit(RLIMIT_AS, saved)); false if that cannot be done.
bool CapAddressSpace(rlimit *saved) {
  getrlimit(RLIMIT_AS, saved);
  rlim_t now = AddressSpaceNow();
  if (now == 0) return false;
  rlimit capped = *saved;
  capped.rlim_cur = now + (8u << 20);
  return setrlimit(RLIMIT_AS, &capped) == 0;
}

// Queues APCs to the calling thread until a call fails, with RLIMIT_AS a few MiB above what is
// in use; then lifts the limit and checks what ran. `user`: QueueUserAPC, else WPUQueueApc.
int QueueUntilOutOfMemory(bool user) {
  WSATHREADID id = {};
  int err = 0;
  if (ws2emu_upcall_table() == nullptr || WPUOpenCurrentThread(&id, &err) != 0) return kNoThread;
  HANDLE self = ws2emu_GetCurrentThread();
  auto queue = [&](int *error) {
    if (user) {
      if (ws2emu_QueueUserAPC(UserApc, self, 0) != 0) return true;
      *error = static_cast<int>(ws2emu_GetLastError());
      return false;
    }
    return WPUQueueApc(&id, WpuApc, 0, error) == 0;
  };
  // One round first, so that whatever the first APC sets up (the wake ring) exists already.
  if (!queue(&err) || ws2emu_SleepEx(0, TRUE) != WAIT_IO_COMPLETION || g_ran != 1) return kNotAgain;
  g_ran = 0;

  rlimit saved;
  if (!CapAddressSpace(&saved)) return kNoLimit;
  long queued = 0;
  err = 0;
  while (queued < kMaxApcs && queue(&err)) ++queued;
  setrlimit(RLIMIT_AS, &saved);
  if (queued == kMaxApcs) return kNeverRanOut;
  const int want = user ? static_cast<int>(ERROR_NOT_ENOUGH_MEMORY) : WSAENOBUFS;
  if (err != want) {
    std::fprintf(stderr, "after %ld APCs: error %d, want %d\n", queued, err, want);
    return kWrongError;
  }
  std::printf("out of memory after %ld APCs: error %d\n", queued, err);
  ws2emu_SleepEx(0, TRUE);
  if (g_ran != queued) {
    std::fprintf(stderr, "queued %ld, ran %ld\n", queued, g_ran);
    return kLostOrExtra;
  }
  g_ran = 0;
  if (!queue(&err) || ws2emu_SleepEx(0, TRUE) != WAIT_IO_COMPLETION || g_ran != 1) return kNotAgain;
  return kOk;
}

// Posts thread messages to the calling thread until PostThreadMessageW fails, with RLIMIT_AS a
// few MiB above what is in use: it must fail with ERROR_NOT_ENOUGH_MEMORY (before, the queue's
// std::bad_alloc escaped and ended the process); then, with memory back, exactly the messages
// posted come out, in order, and posting works again.
int PostUntilOutOfMemory() {
  MSG msg;
  ws2emu_PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE);  // gives the thread its queue
  const DWORD self = ws2emu_GetCurrentThreadId();
  rlimit saved;
  if (!CapAddressSpace(&saved)) return kNoLimit;
  long posted = 0;
  while (posted < kMaxApcs &&
         ws2emu_PostThreadMessageW(self, WM_USER, static_cast<WPARAM>(posted), 0) != FALSE)
    ++posted;
  const DWORD err = ws2emu_GetLastError();
  setrlimit(RLIMIT_AS, &saved);
  if (posted == kMaxApcs) return kNeverRanOut;
  if (err != ERROR_NOT_ENOUGH_MEMORY) {
    std::fprintf(stderr, "after %ld messages: error %u, want %u\n", posted,
                 static_cast<unsigned>(err), static_cast<unsigned>(ERROR_NOT_ENOUGH_MEMORY));
    return kWrongError;
  }
  std::printf("out of memory after %ld messages\n", posted);
  long got = 0;
  while (ws2emu_PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE) != FALSE) {
    if (msg.message != WM_USER || msg.wParam != static_cast<WPARAM>(got)) return kLostOrExtra;
    ++got;
  }
  if (got != posted) {
    std::fprintf(stderr, "posted %ld, got %ld\n", posted, got);
    return kLostOrExtra;
  }
  if (ws2emu_PostThreadMessageW(self, WM_USER, 7, 0) == FALSE ||
      ws2emu_PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE) == FALSE || msg.wParam != 7)
    return kNotAgain;
  return kOk;
}

std::string Describe(int status) {
  if (WIFSIGNALED(status))
    return std::string("the child was killed by ") + strsignal(WTERMSIG(status));
  switch (WEXITSTATUS(status)) {
    case kOk: return "ok";
    case kNoThread: return "no thread object";
    case kNeverRanOut: return "never ran out of memory";
    case kWrongError: return "ran out with the wrong error";
    case kLostOrExtra: return "the APCs that ran were not those queued";
    case kNotAgain: return "queuing failed with memory back";
    case kNoLimit: return "cannot cap the address space";
    default: return "exit " + std::to_string(WEXITSTATUS(status));
  }
}

int RunInChild(int (*child)()) {
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) _exit(child());
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

TEST(OutOfMemory, WpuQueueApcFailsWithEnobufsAndQueuesNothing) {
  int status = RunInChild([] { return QueueUntilOutOfMemory(/*user=*/false); });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == kOk) << Describe(status);
}

TEST(OutOfMemory, QueueUserApcFailsWithNotEnoughMemoryAndQueuesNothing) {
  int status = RunInChild([] { return QueueUntilOutOfMemory(/*user=*/true); });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == kOk) << Describe(status);
}

TEST(OutOfMemory, PostThreadMessageFailsWithNotEnoughMemoryAndQueuesNothing) {
  int status = RunInChild(PostUntilOutOfMemory);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == kOk) << Describe(status);
}

}  // namespace
