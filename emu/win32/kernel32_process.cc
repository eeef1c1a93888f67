// Process-level calls a console program's start-up makes: GetStartupInfoA/W, the command line,
// SetUnhandledExceptionFilter, ExitProcess.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/utf.h"
#include "msvcrt/msvcrt.h"
#include "win32/kernel32.h"
#include "win32/ntdll_unwind_internal.h"

namespace ws2emu::emu::win32 {
namespace {

std::atomic<void *> g_unhandled_filter{nullptr};

}  // namespace

void WINAPI GetStartupInfoA(StartupInfo *info) {
  std::memset(info, 0, sizeof(*info));
  info->cb = sizeof(*info);
}

void WINAPI GetStartupInfoW(StartupInfo *info) { GetStartupInfoA(info); }

LPSTR WINAPI GetCommandLineA(void) {
  static char empty[] = "";
  return msvcrt::g_acmdln != nullptr ? msvcrt::g_acmdln : empty;
}

LPWSTR WINAPI GetCommandLineW(void) {
  static std::u16string wide;
  wide = Utf8ToUtf16(GetCommandLineA());
  return reinterpret_cast<LPWSTR>(wide.data());
}

// The filter is recorded and returned by the next call; the dispatcher (ntdll_dispatch.cc) calls
// it for an exception no PE frame handles, as UnhandledExceptionFilter does on Windows.
void *WINAPI SetUnhandledExceptionFilter(void *filter) { return g_unhandled_filter.exchange(filter); }

TopLevelFilter CurrentUnhandledExceptionFilter() {
  return reinterpret_cast<TopLevelFilter>(g_unhandled_filter.load());
}

void WINAPI ExitProcess(UINT uExitCode) {
  std::fflush(nullptr);
  _exit(static_cast<int>(uExitCode));
}

}  // namespace ws2emu::emu::win32
