// tests/common/uring_probe.h — whether this machine can run the io_uring wake backend, asked
// of the kernel directly (not of the runtime), so a test that needs the backend can skip with
// the reason instead of passing on the signal fallback.
//
//   std::string why = MsgRingUnavailableReason();
//   if (!why.empty()) GTEST_SKIP() << why;
//
// Compile with -DWS2EMU_HAVE_URING=0|1 (and liburing when 1).
#ifndef WS2EMU_TESTS_COMMON_URING_PROBE_H_
#define WS2EMU_TESTS_COMMON_URING_PROBE_H_

#include <cstdlib>
#include <cstring>
#include <string>

#if WS2EMU_HAVE_URING
#include <liburing.h>
#endif

// Empty when io_uring can be set up and the kernel supports IORING_OP_MSG_RING (what the
// uring backend wakes threads with); otherwise why not.
inline std::string MsgRingUnavailableReason() {
#if !WS2EMU_HAVE_URING
  return "built without liburing (-During=disabled)";
#else
  io_uring ring;
  int r = io_uring_queue_init(2, &ring, 0);
  if (r != 0) return std::string("io_uring_setup failed: ") + std::strerror(-r);
  std::string why;
  io_uring_probe *probe = io_uring_get_probe_ring(&ring);
  if (probe == nullptr) {
    why = "the kernel cannot list its io_uring operations (IORING_REGISTER_PROBE)";
  } else if (!io_uring_opcode_supported(probe, IORING_OP_MSG_RING)) {
    why = "the kernel does not support IORING_OP_MSG_RING (Linux 5.18 or later)";
  }
  if (probe != nullptr) io_uring_free_probe(probe);
  io_uring_queue_exit(&ring);
  return why;
#endif
}

// Empty unless this run asks for the uring backend (WS2EMU_APC=uring) and the kernel cannot give
// it: then why, so that a test skips instead of passing on the signal fallback (which the
// WS2EMU_APC=signal run covers already).
//
//   std::string why = UringRunWithoutUringReason();
//   if (!why.empty()) GTEST_SKIP() << why;
inline std::string UringRunWithoutUringReason() {
  const char *want = std::getenv("WS2EMU_APC");
  if (want == nullptr || std::strcmp(want, "uring") != 0) return "";
  std::string why = MsgRingUnavailableReason();
  return why.empty() ? why : "WS2EMU_APC=uring needs io_uring with MSG_RING: " + why;
}

#endif  // WS2EMU_TESTS_COMMON_URING_PROBE_H_
