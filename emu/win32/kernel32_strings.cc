// Code pages, lstr*, environment, version and system information, debug output.
//
// [inference] The runtime's ANSI and OEM code pages are UTF-8 (GetACP returns 65001, as Windows
// does with its "UTF-8 for worldwide language support" setting): A functions take and give
// UTF-8, which is what Linux paths and the environment are.
#include <signal.h>
#include <strings.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "base/debug.h"
#include "base/escape.h"
#include "base/utf.h"
#include "paths/paths.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr UINT kCpAcp = 0, kCpOemcp = 1, kCpThreadAcp = 3, kCpUtf8 = 65001;
constexpr DWORD kMbErrInvalidChars = 0x08;

bool Utf8CodePage(UINT cp) {
  return cp == kCpAcp || cp == kCpOemcp || cp == kCpThreadAcp || cp == kCpUtf8;
}

size_t WLen(LPCWSTR s) {
  size_t n = 0;
  while (s[n] != 0) ++n;
  return n;
}

std::string Narrow(LPCWSTR s, long n = -1) {
  return Utf16ToUtf8(reinterpret_cast<const char16_t *>(s), n);
}

// Copies `text` (+ terminator) out as GetEnvironmentVariable/ExpandEnvironmentStrings do:
// `fits` returns the length without the terminator, else the size needed with it.
template <typename Char, typename String>
DWORD CopyOrSize(const String &text, Char *buffer, DWORD size, bool count_terminator_on_fit) {
  if (buffer != nullptr && text.size() + 1 <= size) {
    std::memcpy(buffer, text.data(), text.size() * sizeof(Char));
    buffer[text.size()] = 0;
    return static_cast<DWORD>(text.size() + (count_terminator_on_fit ? 1 : 0));
  }
  return static_cast<DWORD>(text.size() + 1);
}

// %VARIABLES% expand with the Windows defaults (%SystemRoot% is C:\Windows) behind what the
// Linux environment sets; see lib/paths/paths.h.
std::string Expand(const std::string &in) { return paths::ExpandWindowsEnvironment(in); }

}  // namespace

UINT WINAPI GetACP(void) { return kCpUtf8; }
UINT WINAPI GetOEMCP(void) { return kCpUtf8; }
BOOL WINAPI IsDBCSLeadByteEx(UINT, BYTE) { return FALSE; }  // UTF-8 has no DBCS lead bytes

int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCSTR lpMultiByteStr,
                               int cbMultiByte, LPWSTR lpWideCharStr, int cchWideChar) {
  if (!Utf8CodePage(CodePage) || lpMultiByteStr == nullptr || cbMultiByte == 0 ||
      cchWideChar < 0 || (cchWideChar > 0 && lpWideCharStr == nullptr)) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  size_t in = cbMultiByte < 0 ? std::strlen(lpMultiByteStr) + 1 : static_cast<size_t>(cbMultiByte);
  std::string bytes(lpMultiByteStr, in);
  std::u16string wide = Utf8ToUtf16(bytes);
  if ((dwFlags & kMbErrInvalidChars) && wide.find(u'\uFFFD') != std::u16string::npos &&
      bytes.find("\xEF\xBF\xBD") == std::string::npos) {
    ws2emu_SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    return 0;
  }
  if (cchWideChar == 0) return static_cast<int>(wide.size());
  if (wide.size() > static_cast<size_t>(cchWideChar)) {
    ws2emu_SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return 0;
  }
  std::memcpy(lpWideCharStr, wide.data(), wide.size() * sizeof(WCHAR));
  return static_cast<int>(wide.size());
}

int WINAPI WideCharToMultiByte(UINT CodePage, DWORD, LPCWSTR lpWideCharStr, int cchWideChar,
                               LPSTR lpMultiByteStr, int cbMultiByte, LPCSTR lpDefaultChar,
                               LPBOOL lpUsedDefaultChar) {
  // For UTF-8 Windows requires lpDefaultChar and lpUsedDefaultChar to be NULL.
  if (!Utf8CodePage(CodePage) || lpWideCharStr == nullptr || cchWideChar == 0 ||
      cbMultiByte < 0 || (cbMultiByte > 0 && lpMultiByteStr == nullptr) ||
      lpDefaultChar != nullptr || lpUsedDefaultChar != nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  long n = cchWideChar < 0 ? static_cast<long>(WLen(lpWideCharStr)) + 1 : cchWideChar;
  std::string bytes = Narrow(lpWideCharStr, n);
  if (cbMultiByte == 0) return static_cast<int>(bytes.size());
  if (bytes.size() > static_cast<size_t>(cbMultiByte)) {
    ws2emu_SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return 0;
  }
  std::memcpy(lpMultiByteStr, bytes.data(), bytes.size());
  return static_cast<int>(bytes.size());
}

int WINAPI lstrlenA(LPCSTR s) { return s == nullptr ? 0 : static_cast<int>(std::strlen(s)); }
int WINAPI lstrlenW(LPCWSTR s) { return s == nullptr ? 0 : static_cast<int>(WLen(s)); }
LPSTR WINAPI lstrcpyA(LPSTR d, LPCSTR s) { return std::strcpy(d, s); }
LPWSTR WINAPI lstrcpyW(LPWSTR d, LPCWSTR s) {
  std::memcpy(d, s, (WLen(s) + 1) * sizeof(WCHAR));
  return d;
}
LPSTR WINAPI lstrcatA(LPSTR d, LPCSTR s) { return std::strcat(d, s); }
LPWSTR WINAPI lstrcatW(LPWSTR d, LPCWSTR s) {
  lstrcpyW(d + WLen(d), s);
  return d;
}
int WINAPI lstrcmpA(LPCSTR a, LPCSTR b) {
  int r = std::strcmp(a, b);
  return (r > 0) - (r < 0);
}
int WINAPI lstrcmpiA(LPCSTR a, LPCSTR b) {
  int r = strcasecmp(a, b);
  return (r > 0) - (r < 0);
}
int WINAPI lstrcmpW(LPCWSTR a, LPCWSTR b) {
  for (;; ++a, ++b) {
    if (*a != *b) return *a < *b ? -1 : 1;
    if (*a == 0) return 0;
  }
}
int WINAPI lstrcmpiW(LPCWSTR a, LPCWSTR b) { return lstrcmpiA(Narrow(a).c_str(), Narrow(b).c_str()); }

// Names match case-insensitively, and the standard Windows variables (SystemRoot, windir, ...)
// have their Windows values unless the Linux environment sets them.
DWORD WINAPI GetEnvironmentVariableA(LPCSTR lpName, LPSTR lpBuffer, DWORD nSize) {
  std::optional<std::string> value =
      lpName != nullptr ? paths::WindowsVariable(lpName) : std::nullopt;
  if (!value) {
    ws2emu_SetLastError(ERROR_ENVVAR_NOT_FOUND);
    return 0;
  }
  return CopyOrSize(*value, lpBuffer, nSize, false);
}

DWORD WINAPI GetEnvironmentVariableW(LPCWSTR lpName, LPWSTR lpBuffer, DWORD nSize) {
  std::optional<std::string> value =
      lpName != nullptr ? paths::WindowsVariable(Narrow(lpName)) : std::nullopt;
  if (!value) {
    ws2emu_SetLastError(ERROR_ENVVAR_NOT_FOUND);
    return 0;
  }
  std::u16string wide = Utf8ToUtf16(*value);
  return CopyOrSize(wide, reinterpret_cast<char16_t *>(lpBuffer), nSize, false);
}

BOOL WINAPI SetEnvironmentVariableA(LPCSTR lpName, LPCSTR lpValue) {
  if (lpName == nullptr || lpName[0] == 0 || std::strchr(lpName, '=') != nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  return (lpValue == nullptr ? unsetenv(lpName) : setenv(lpName, lpValue, 1)) == 0;
}

BOOL WINAPI SetEnvironmentVariableW(LPCWSTR lpName, LPCWSTR lpValue) {
  std::string value = lpValue != nullptr ? Narrow(lpValue) : std::string();
  return SetEnvironmentVariableA(lpName != nullptr ? Narrow(lpName).c_str() : nullptr,
                                 lpValue != nullptr ? value.c_str() : nullptr);
}

// The size is in characters and includes the terminator, whether or not the text fit.
DWORD WINAPI ExpandEnvironmentStringsA(LPCSTR lpSrc, LPSTR lpDst, DWORD nSize) {
  if (lpSrc == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  return CopyOrSize(Expand(lpSrc), lpDst, nSize, true);
}

DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR lpSrc, LPWSTR lpDst, DWORD nSize) {
  if (lpSrc == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  std::u16string wide = Utf8ToUtf16(Expand(Narrow(lpSrc)));
  return CopyOrSize(wide, reinterpret_cast<char16_t *>(lpDst), nSize, true);
}

// GetSystemDirectory/GetWindowsDirectory: Windows paths (C:\Windows\system32 unless
// %SystemRoot% says otherwise), which the drive map turns into Linux ones when a file is
// opened. Like GetEnvironmentVariable: the length without the terminator when it fits, else
// the size needed with it (and nothing written).
UINT WINAPI GetSystemDirectoryA(LPSTR lpBuffer, UINT uSize) {
  return CopyOrSize(paths::SystemDirectory(), lpBuffer, uSize, false);
}
UINT WINAPI GetSystemDirectoryW(LPWSTR lpBuffer, UINT uSize) {
  return CopyOrSize(Utf8ToUtf16(paths::SystemDirectory()),
                    reinterpret_cast<char16_t *>(lpBuffer), uSize, false);
}
UINT WINAPI GetWindowsDirectoryA(LPSTR lpBuffer, UINT uSize) {
  return CopyOrSize(paths::WindowsDirectory(), lpBuffer, uSize, false);
}
UINT WINAPI GetWindowsDirectoryW(LPWSTR lpBuffer, UINT uSize) {
  return CopyOrSize(Utf8ToUtf16(paths::WindowsDirectory()),
                    reinterpret_cast<char16_t *>(lpBuffer), uSize, false);
}

// Debug output goes to a debugger on Windows; here to stderr when WS2EMU_DEBUG is on, one line
// per call (base/debug.h).
// The text is the PE program's, so it is escaped (base/escape.h) before it reaches the
// terminal; one trailing newline, which programs usually end the text with, ends the line as
// before instead of showing as \x0a.
void WINAPI OutputDebugStringA(LPCSTR s) {
  if (s == nullptr || !DebugEnabled()) return;
  std::string_view text(s);
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  DebugLog("OutputDebugString", "%s", EscapeForTerminal(text).c_str());
}
void WINAPI OutputDebugStringW(LPCWSTR s) {
  if (s != nullptr) OutputDebugStringA(Narrow(s).c_str());
}

void WINAPI DebugBreak(void) {
  std::fprintf(stderr,
               "[ws2emu kernel32] DebugBreak() called by PE code (return address %p); raising "
               "SIGTRAP\n",
               __builtin_return_address(0));
  std::fflush(stderr);
  raise(SIGTRAP);
}

// Windows 10 22H2, so that installers take their modern path. The caller's size field says
// whether it passed the plain or the Ex structure.
template <typename Info>
BOOL FillVersion(Info *info, DWORD plain_size, DWORD ex_size) {
  if (info == nullptr ||
      (info->dwOSVersionInfoSize != plain_size && info->dwOSVersionInfoSize != ex_size)) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  DWORD size = info->dwOSVersionInfoSize;
  std::memset(info, 0, size);
  info->dwOSVersionInfoSize = size;
  info->dwMajorVersion = 10;
  info->dwMinorVersion = 0;
  info->dwBuildNumber = 19045;
  info->dwPlatformId = 2;  // VER_PLATFORM_WIN32_NT
  return TRUE;
}

BOOL WINAPI GetVersionExA(OsVersionInfoA *info) { return FillVersion(info, 148, 156); }
BOOL WINAPI GetVersionExW(OsVersionInfoW *info) { return FillVersion(info, 276, 284); }

void WINAPI GetSystemInfo(SystemInfo *info) {
  std::memset(info, 0, sizeof(*info));
  info->wProcessorArchitecture = 9;  // PROCESSOR_ARCHITECTURE_AMD64
  info->dwPageSize = 4096;
  info->lpMinimumApplicationAddress = reinterpret_cast<LPVOID>(0x10000);
  info->lpMaximumApplicationAddress = reinterpret_cast<LPVOID>(0x7FFFFFFEFFFF);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  info->dwNumberOfProcessors = cpus > 0 ? static_cast<DWORD>(cpus) : 1;
  info->dwActiveProcessorMask =
      info->dwNumberOfProcessors >= 64 ? ~DWORD_PTR{0} : (DWORD_PTR{1} << info->dwNumberOfProcessors) - 1;
  info->dwProcessorType = 8664;  // PROCESSOR_AMD_X8664
  info->dwAllocationGranularity = 0x10000;
  info->wProcessorLevel = 6;
}

}  // namespace ws2emu::emu::win32
