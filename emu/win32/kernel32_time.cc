// Time: GetTickCount[64], QueryPerformanceCounter/Frequency, GetSystemTimeAsFileTime.
#include <time.h>

#include "win32/kernel32.h"

namespace ws2emu::emu::win32 {
namespace {

uint64_t Nanoseconds(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// 100-ns intervals between 1601-01-01 (FILETIME's epoch) and 1970-01-01.
constexpr uint64_t kFileTimeUnixEpoch = 116444736000000000ull;

}  // namespace

DWORD WINAPI GetTickCount(void) {
  return static_cast<DWORD>(Nanoseconds(CLOCK_MONOTONIC) / 1000000u);  // wraps after 49.7 days
}

ULONGLONG WINAPI GetTickCount64(void) { return Nanoseconds(CLOCK_MONOTONIC) / 1000000u; }

// The counter runs at 10 MHz, the frequency Windows 10 reports on most machines.
BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER_ *count) {
  if (count == nullptr) return FALSE;
  count->QuadPart = static_cast<LONGLONG>(Nanoseconds(CLOCK_MONOTONIC) / 100u);
  return TRUE;
}

BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER_ *frequency) {
  if (frequency == nullptr) return FALSE;
  frequency->QuadPart = 10000000;
  return TRUE;
}

void WINAPI GetSystemTimeAsFileTime(FILETIME_ *time) {
  uint64_t t = Nanoseconds(CLOCK_REALTIME) / 100u + kFileTimeUnixEpoch;
  time->dwLowDateTime = static_cast<DWORD>(t);
  time->dwHighDateTime = static_cast<DWORD>(t >> 32);
}

}  // namespace ws2emu::emu::win32
