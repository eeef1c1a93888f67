// emu/win32/kernel32_find_files.h — FindFirstFile[Ex]A/W, FindNextFileA/W, FindClose: listing a
// folder by a Windows wildcard pattern, through the drive map (lib/paths) as CreateFile's
// paths go (kernel32_disk_files.h).
//
// The name is FOLDER\PATTERN ('\' or '/'): the folder must exist (else ERROR_PATH_NOT_FOUND;
// a wildcard in it is ERROR_INVALID_NAME), and PATTERN is matched against its entries as
// Windows' file systems match: case-insensitively, '*' any run of characters, '?' one
// character (or none at the end of the name or before a '.'), a trailing ".*" or "." also
// matching a name without an extension ("*.*" matches every name). A pattern without
// wildcards finds that one entry. The folder's "." and ".." are entries too, as Windows
// returns them for a folder that is not a drive's root. Nothing matching is
// ERROR_FILE_NOT_FOUND; the end of the list ERROR_NO_MORE_FILES; a handle that is not an open
// search ERROR_INVALID_HANDLE. A name ending in '\' (a folder, not a pattern) is
// ERROR_FILE_NOT_FOUND, as on Windows.
//
// The listing is read when the search starts and returned in the order NTFS keeps (case-
// insensitive by name) [inference: Windows reads as it goes; a program sees the same set
// either way, unless the folder changes meanwhile].
//
// An entry's WIN32_FIND_DATA, from lstat (nothing is opened, so a FIFO or device never blocks):
//   FILE_ATTRIBUTE_DIRECTORY  a folder
//   FILE_ATTRIBUTE_READONLY   a file with no write bit (for anyone) [inference]
//   FILE_ATTRIBUTE_HIDDEN     a name starting with '.' other than "." and ".." [inference: the
//                             Unix convention for hidden files]
//   FILE_ATTRIBUTE_SYSTEM     a FIFO, socket or device (Windows has no such files; CreateFile
//                             refuses them here) [inference]
//   FILE_ATTRIBUTE_REPARSE_POINT with dwReserved0 = IO_REPARSE_TAG_SYMLINK: a symbolic link,
//                             described as itself (size 0, its own times) with DIRECTORY when
//                             it points at a folder, as Windows describes a symbolic link
//                             [inference: Linux links are Windows' symlinks]
//   FILE_ATTRIBUTE_NORMAL     none of the above
// Times are FILETIMEs (creation = the birth time where the file system records one, else the
// change time [inference]); cAlternateFileName is empty (no 8.3 names on Linux, as on a
// Windows volume with 8.3 names disabled).
#ifndef WS2EMU_EMU_WIN32_KERNEL32_FIND_FILES_H_
#define WS2EMU_EMU_WIN32_KERNEL32_FIND_FILES_H_

#include <cstddef>
#include <string_view>

#include "win32/kernel32.h"
#include "ws2emu/win_base.h"

namespace ws2emu::emu::win32 {

struct WIN32_FIND_DATAW {
  DWORD dwFileAttributes;
  FILETIME_ ftCreationTime;
  FILETIME_ ftLastAccessTime;
  FILETIME_ ftLastWriteTime;
  DWORD nFileSizeHigh;
  DWORD nFileSizeLow;
  DWORD dwReserved0;
  DWORD dwReserved1;
  WCHAR cFileName[260];
  WCHAR cAlternateFileName[14];
};
struct WIN32_FIND_DATAA {
  DWORD dwFileAttributes;
  FILETIME_ ftCreationTime;
  FILETIME_ ftLastAccessTime;
  FILETIME_ ftLastWriteTime;
  DWORD nFileSizeHigh;
  DWORD nFileSizeLow;
  DWORD dwReserved0;
  DWORD dwReserved1;
  char cFileName[260];
  char cAlternateFileName[14];
};
static_assert(sizeof(WIN32_FIND_DATAW) == 592 && offsetof(WIN32_FIND_DATAW, cFileName) == 44 &&
              offsetof(WIN32_FIND_DATAW, cAlternateFileName) == 564);
static_assert(sizeof(WIN32_FIND_DATAA) == 320 && offsetof(WIN32_FIND_DATAA, cAlternateFileName) == 304);

// FINDEX_INFO_LEVELS and FINDEX_SEARCH_OPS.
inline constexpr int kFindExInfoStandard = 0, kFindExInfoBasic = 1;
inline constexpr int kFindExSearchNameMatch = 0, kFindExSearchLimitToDirectories = 1;
inline constexpr DWORD kFindFirstExCaseSensitive = 1, kFindFirstExLargeFetch = 2,
                       kFindFirstExOnDiskEntriesOnly = 4;

HANDLE WINAPI FindFirstFileW(LPCWSTR lpFileName, WIN32_FIND_DATAW *lpFindFileData);
HANDLE WINAPI FindFirstFileA(LPCSTR lpFileName, WIN32_FIND_DATAA *lpFindFileData);
// fInfoLevelId: FindExInfoStandard or FindExInfoBasic (no short name; the same here), else
// ERROR_INVALID_PARAMETER. fSearchOp: FindExSearchNameMatch, or FindExSearchLimitToDirectories
// (advisory, as the docs allow: every match is returned); else ERROR_INVALID_PARAMETER, as is a
// non-null lpSearchFilter or an unknown dwAdditionalFlags bit. FIND_FIRST_EX_CASE_SENSITIVE
// matches case-sensitively; LARGE_FETCH and ON_DISK_ENTRIES_ONLY change nothing here.
HANDLE WINAPI FindFirstFileExW(LPCWSTR lpFileName, int fInfoLevelId, LPVOID lpFindFileData,
                               int fSearchOp, LPVOID lpSearchFilter, DWORD dwAdditionalFlags);
HANDLE WINAPI FindFirstFileExA(LPCSTR lpFileName, int fInfoLevelId, LPVOID lpFindFileData,
                               int fSearchOp, LPVOID lpSearchFilter, DWORD dwAdditionalFlags);
BOOL WINAPI FindNextFileW(HANDLE hFindFile, WIN32_FIND_DATAW *lpFindFileData);
BOOL WINAPI FindNextFileA(HANDLE hFindFile, WIN32_FIND_DATAA *lpFindFileData);
BOOL WINAPI FindClose(HANDLE hFindFile);

// Windows' wildcard match of a file name (both UTF-16), exposed for the native tests.
bool WildcardMatch(std::u16string_view pattern, std::u16string_view name, bool case_sensitive);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_KERNEL32_FIND_FILES_H_
