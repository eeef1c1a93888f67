// lib/paths/paths.h — Windows paths on Linux: the standard Windows environment variables, the
// expansion of %VARIABLES%, and the drive map that turns C:\Windows\system32\x.dll into a Linux
// path (Wine's drive_c idea).
//
//   std::string p = ExpandWindowsEnvironment("%SystemRoot%\\system32\\lsp.dll");
//       // "C:\Windows\system32\lsp.dll"
//   absl::StatusOr<std::string> linux = ToLinuxPath(p);
//       // "$HOME/.local/share/ws2emu/drive_c/Windows/system32/lsp.dll"
//
// Variables: a variable set in the Linux environment wins (names match case-insensitively, as
// on Windows); SystemRoot, windir, SystemDrive, ProgramFiles, ProgramFiles(x86), ProgramW6432,
// CommonProgramFiles, ProgramData, ALLUSERSPROFILE and PUBLIC have their Windows 10 defaults
// otherwise, so %SystemRoot% means C:\Windows everywhere, as installers assume.
//
// Drives: WS2EMU_DRIVE_<LETTER> names the Linux folder for a drive letter; C: defaults to
// $XDG_DATA_HOME/ws2emu/drive_c (or ~/.local/share/ws2emu/drive_c). Other letters are not
// mapped unless configured. Each component is matched case-insensitively against what exists
// (Windows paths are case-insensitive), and kept as written where nothing matches.
#ifndef WS2EMU_LIB_PATHS_PATHS_H_
#define WS2EMU_LIB_PATHS_PATHS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ws2emu::paths {

// The value of a Windows environment variable, with the defaults above; nullopt if unset.
std::optional<std::string> WindowsVariable(std::string_view name);
// Replaces each %NAME% whose variable is set; others are left as written (as Windows does).
std::string ExpandWindowsEnvironment(std::string_view text);

// The Linux folder standing for `drive` (a letter), or an error if none is configured.
absl::StatusOr<std::string> DriveRoot(char drive);
// A Windows path (drive, rooted, \\?\ prefixed, or relative to the current directory) as a
// Linux path; a path that already starts with '/' is a Linux path and is returned as is. UNC
// paths (\\server\share) are refused.
absl::StatusOr<std::string> ToLinuxPath(std::string_view windows_path);
// The last component of a Windows or Linux path ("C:\a\B.dll" -> "B.dll").
std::string_view BaseName(std::string_view path);
// The folder of a Linux path: "." when it has none, "/" for a file at the root.
std::string FolderOf(std::string_view linux_path);
// ASCII case-insensitive equality, as Windows compares file and module names.
bool SameNoCase(std::string_view a, std::string_view b);
// The entry of folder `dir` whose name matches `name` case-insensitively (the exact name first),
// as a path; empty if none does or the folder cannot be read.
std::string FindNoCase(const std::string &dir, std::string_view name);
// True for paths with a drive letter ("C:..."), a leading backslash or \\?\.
bool IsWindowsPath(std::string_view path);

// The Windows directory (%SystemRoot%, C:\Windows by default) and its system32.
std::string WindowsDirectory();
std::string SystemDirectory();

}  // namespace ws2emu::paths

#endif  // WS2EMU_LIB_PATHS_PATHS_H_
