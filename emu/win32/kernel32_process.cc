// Process-level calls a console program's start-up makes: GetStartupInfoA/W, the command line,
// SetUnhandledExceptionFilter, ExitProcess.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "msvcrt/format.h"
#include "msvcrt/msvcrt.h"
#include "win32/kernel32.h"

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

// The filter is recorded and returned by the next call; no exception reaches it, because the
// runtime does not dispatch structured exceptions.
void *WINAPI SetUnhandledExceptionFilter(void *filter) { return g_unhandled_filter.exchange(filter); }

// Structured exceptions are not dispatched: raising one reports it and aborts, loudly (the
// delay-load helper raises one when a delayed DLL or function is missing).
void WINAPI RaiseException(DWORD dwExceptionCode, DWORD dwExceptionFlags,
                           DWORD nNumberOfArguments, const ULONG_PTR *) {
  std::fprintf(stderr,
               "ws2emu: PE code raised exception 0x%08x (flags 0x%x, %u arguments) from %p; "
               "exception dispatch is not emulated\n",
               dwExceptionCode, dwExceptionFlags, nNumberOfArguments, __builtin_return_address(0));
  std::fflush(stderr);
  std::abort();
}

void WINAPI ExitProcess(UINT uExitCode) {
  std::fflush(nullptr);
  _exit(static_cast<int>(uExitCode));
}

}  // namespace ws2emu::emu::win32
