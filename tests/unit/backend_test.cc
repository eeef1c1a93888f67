// The APC wake backend: WS2EMU_APC chooses it, and when io_uring is unavailable (here: a seccomp
// filter makes io_uring_setup fail with ENOSYS, as an old kernel or a container policy would)
// the runtime falls back to signals, says so once on stderr under WS2EMU_DEBUG, and APCs still
// work. Each case runs in a forked child so that the backend is decided afresh.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "common/uring_probe.h"
#include "ws2emu/ws2emu.h"

namespace {

// Makes io_uring_setup fail with ENOSYS in this process.
bool DenyIoUring() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog = {sizeof(filter) / sizeof(filter[0]), filter};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

int g_ran = 0;
VOID CALLBACK Apc(DWORD_PTR) { ++g_ran; }

struct ChildResult {
  int status;
  std::string out;  // stdout and stderr
};

// Runs `body` in a child with the given environment; returns its exit status and output.
template <typename F>
ChildResult RunChild(const char *apc, const char *debug, bool deny_uring, F body) {
  int pipefd[2];
  EXPECT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    if (apc != nullptr) setenv("WS2EMU_APC", apc, 1); else unsetenv("WS2EMU_APC");
    if (debug != nullptr) setenv("WS2EMU_DEBUG", debug, 1); else unsetenv("WS2EMU_DEBUG");
    if (deny_uring && !DenyIoUring()) _exit(90);
    _exit(body());
  }
  close(pipefd[1]);
  ChildResult r;
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) r.out.append(buf, n);
  close(pipefd[0]);
  waitpid(pid, &r.status, 0);
  return r;
}

int ReportBackendAndRunAnApc() {
  printf("backend=%s\n", ws2emu_apc_backend());
  fflush(stdout);
  int err = 0;
  WSATHREADID id;
  if (WPUOpenCurrentThread(&id, &err) != 0) return 2;
  if (WPUQueueApc(&id, Apc, 0, &err) != 0) return 3;
  if (ws2emu_SleepEx(1000, TRUE) != WAIT_IO_COMPLETION || g_ran != 1) return 4;
  return 0;
}

TEST(Backend, EnvironmentChoosesIt) {
  ws2emu_upcall_table();
  ChildResult r = RunChild("signal", nullptr, false, ReportBackendAndRunAnApc);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("backend=signal"), std::string::npos) << r.out;
  // A build with liburing on a kernel without MSG_RING would choose signals here: that is the
  // fallback (tested below), not the choice this test is about.
  std::string why = MsgRingUnavailableReason();
  if (WS2EMU_HAVE_URING && !why.empty())
    GTEST_SKIP() << "WS2EMU_APC=uring needs io_uring with MSG_RING: " << why;
  r = RunChild("uring", nullptr, false, ReportBackendAndRunAnApc);
  EXPECT_EQ(r.status, 0) << r.out;
  // A build without liburing (-During=disabled) has only the signal backend.
  EXPECT_NE(r.out.find(WS2EMU_HAVE_URING ? "backend=uring" : "backend=signal"),
            std::string::npos)
      << r.out;
}

TEST(Backend, WithoutIoUringFallsBackToSignalsAndSaysSoUnderDebug) {
  ws2emu_upcall_table();
  ChildResult r = RunChild("uring", "1", true, ReportBackendAndRunAnApc);
  ASSERT_NE(r.status, 90 << 8) << "could not install the seccomp filter";
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("backend=signal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("io_uring"), std::string::npos) << r.out;  // the one-line notice
  // Without WS2EMU_DEBUG: the same fallback, silently.
  r = RunChild(nullptr, nullptr, true, ReportBackendAndRunAnApc);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "backend=signal\n");
}

TEST(Backend, UnknownValueIsReportedAndTheDefaultUsed) {
  ChildResult r = RunChild("bogus", nullptr, false, ReportBackendAndRunAnApc);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("WS2EMU_APC=bogus"), std::string::npos) << r.out;
}

TEST(Backend, UnknownValueNoticeHasTheComponentPrefixAndIsEscaped) {
  ChildResult r = RunChild("bo\x1bgus", nullptr, false, ReportBackendAndRunAnApc);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("[ws2emu thread] WS2EMU_APC=bo\\x1bgus is not uring or signal"),
            std::string::npos)
      << r.out;
}

}  // namespace
