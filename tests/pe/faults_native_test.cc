// A fault in ws2emu's own code is never turned into a Windows exception (win32/ntdll_faults.h):
// with the fault handlers installed, it says where the fault was and goes on to the handler
// installed before (as a sanitizer's) or the default action. And the vectored handler lists. (tests/pe/faults_program.c checks
// the faults in PE code, which do become exceptions.)
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "win32/kernel32.h"
#include "win32/ntdll_faults.h"
#include "win32/ntdll_unwind_internal.h"

namespace ws2emu::emu::win32 {
namespace {

// Reads an address that is not mapped, without the compiler knowing it.
int ReadBadAddress() {
  volatile uintptr_t address = 0x18;
  return *reinterpret_cast<volatile int *>(address);
}

void SetDefault(int sig) {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(sig, &action, nullptr);
}

void PreviousHandler(int, siginfo_t *info, void *) {
  const char text[] = "previous handler ran\n";
  ssize_t ignored = write(STDERR_FILENO, text, sizeof(text) - 1);
  (void)ignored;
  _exit(info->si_addr == reinterpret_cast<void *>(0x18) ? 3 : 4);
}

class FaultsNativeTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(FaultsNativeTest, SegvInWs2emuCodeTakesTheDefaultAction) {
  EXPECT_EXIT(
      {
        SetDefault(SIGSEGV);
        InstallFaultHandlers();
        ReadBadAddress();
      },
      ::testing::KilledBySignal(SIGSEGV),
      "\\[ws2emu\\] fatal signal SIGSEGV at 0x[0-9a-f]+ in ws2emu code \\(fault address 0x18, "
      "thread [0-9]+\\): not an exception for PE code");
}

TEST_F(FaultsNativeTest, SegvInWs2emuCodeGoesToThePreviousHandler) {
  EXPECT_EXIT(
      {
        struct sigaction action {};
        action.sa_sigaction = PreviousHandler;
        action.sa_flags = SA_SIGINFO;
        sigemptyset(&action.sa_mask);
        sigaction(SIGSEGV, &action, nullptr);
        InstallFaultHandlers();
        ReadBadAddress();
      },
      ::testing::ExitedWithCode(3),
      "fatal signal SIGSEGV at 0x[0-9a-f]+ in ws2emu code(.|\n)*previous handler ran");
}

TEST_F(FaultsNativeTest, IllegalInstructionInWs2emuCodeTakesTheDefaultAction) {
  EXPECT_EXIT(
      {
        SetDefault(SIGILL);
        InstallFaultHandlers();
        asm volatile("ud2");
      },
      ::testing::KilledBySignal(SIGILL),
      "\\[ws2emu\\] fatal signal SIGILL at 0x[0-9a-f]+ in ws2emu code");
}

// A breakpoint does not repeat when the handler returns: the default action still ends the
// process, by raising the signal again.
TEST_F(FaultsNativeTest, BreakpointInWs2emuCodeTakesTheDefaultAction) {
  EXPECT_EXIT(
      {
        SetDefault(SIGTRAP);
        InstallFaultHandlers();
        asm volatile("int3");
      },
      ::testing::KilledBySignal(SIGTRAP), "fatal signal SIGTRAP at 0x[0-9a-f]+ in ws2emu code");
}

// The vectored handler lists: First puts a handler before the others, a handler that continues
// execution stops the walk, a removed handler is not called, a handle is removed once.
std::string g_calls;
LONG WINAPI First(ExceptionPointers *) {
  g_calls += "first ";
  return 0;  // EXCEPTION_CONTINUE_SEARCH
}
LONG WINAPI Second(ExceptionPointers *) {
  g_calls += "second ";
  return 0;
}
LONG WINAPI Continues(ExceptionPointers *pointers) {
  g_calls += "continues ";
  pointers->ContextRecord->Rax = 7;
  return -1;  // EXCEPTION_CONTINUE_EXECUTION
}

TEST(VectoredHandlers, RunInOrderUntilOneContinues) {
  g_calls.clear();
  ExceptionRecord record{};
  record.ExceptionCode = kExceptionAccessViolation;
  Context context{};
  PVOID second = AddVectoredExceptionHandler(0, reinterpret_cast<PVOID>(&Second));
  PVOID first = AddVectoredExceptionHandler(1, reinterpret_cast<PVOID>(&First));
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_FALSE(CallVectoredExceptionHandlers(&record, &context));
  EXPECT_EQ(g_calls, "first second ");

  PVOID continues = AddVectoredExceptionHandler(0, reinterpret_cast<PVOID>(&Continues));
  g_calls.clear();
  EXPECT_TRUE(CallVectoredExceptionHandlers(&record, &context));
  EXPECT_EQ(g_calls, "first second continues ");
  EXPECT_EQ(context.Rax, 7u);

  EXPECT_NE(RemoveVectoredExceptionHandler(first), 0u);
  EXPECT_EQ(RemoveVectoredExceptionHandler(first), 0u);
  g_calls.clear();
  EXPECT_TRUE(CallVectoredExceptionHandlers(&record, &context));
  EXPECT_EQ(g_calls, "second continues ");
  EXPECT_NE(RemoveVectoredExceptionHandler(second), 0u);
  EXPECT_NE(RemoveVectoredExceptionHandler(continues), 0u);
  EXPECT_EQ(AddVectoredExceptionHandler(1, nullptr), nullptr);
}

TEST(VectoredHandlers, ContinueHandlersAreAListOfTheirOwn) {
  g_calls.clear();
  ExceptionRecord record{};
  Context context{};
  PVOID handle = AddVectoredContinueHandler(1, reinterpret_cast<PVOID>(&First));
  ASSERT_NE(handle, nullptr);
  EXPECT_FALSE(CallVectoredExceptionHandlers(&record, &context));
  EXPECT_EQ(g_calls, "");
  EXPECT_FALSE(CallVectoredContinueHandlers(&record, &context));
  EXPECT_EQ(g_calls, "first ");
  EXPECT_EQ(RemoveVectoredExceptionHandler(handle), 0u);  // not in that list
  EXPECT_NE(RemoveVectoredContinueHandler(handle), 0u);
}

}  // namespace
}  // namespace ws2emu::emu::win32
