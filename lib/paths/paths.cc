#include "paths/paths.h"

#include <dirent.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/data_home.h"

extern char **environ;

namespace ws2emu::paths {
namespace {

struct Default {
  const char *name;
  const char *value;
};
// Windows 10's values for a standard installation.
constexpr Default kDefaults[] = {
    {"SystemRoot", "C:\\Windows"},
    {"windir", "C:\\Windows"},
    {"SystemDrive", "C:"},
    {"ProgramFiles", "C:\\Program Files"},
    {"ProgramFiles(x86)", "C:\\Program Files (x86)"},
    {"ProgramW6432", "C:\\Program Files"},
    {"CommonProgramFiles", "C:\\Program Files\\Common Files"},
    {"ProgramData", "C:\\ProgramData"},
    {"ALLUSERSPROFILE", "C:\\ProgramData"},
    {"PUBLIC", "C:\\Users\\Public"},
};

std::string Join(const std::string &dir, std::string_view name) {
  if (dir.empty() || dir.back() == '/') return absl::StrCat(dir, absl::string_view(name.data(), name.size()));
  return absl::StrCat(dir, "/", absl::string_view(name.data(), name.size()));
}

// `name` inside `dir`, as it exists there when some entry matches it case-insensitively.
std::string MatchComponent(const std::string &dir, std::string_view name) {
  std::string found = FindNoCase(dir, name);
  return found.empty() ? Join(dir, name) : found;
}

}  // namespace

std::optional<std::string> WindowsVariable(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (char **e = environ; e != nullptr && *e != nullptr; ++e) {
    const char *eq = std::strchr(*e, '=');
    if (eq != nullptr && SameNoCase(std::string_view(*e, static_cast<size_t>(eq - *e)), name))
      return std::string(eq + 1);
  }
  for (const Default &d : kDefaults) {
    if (SameNoCase(d.name, name)) return std::string(d.value);
  }
  return std::nullopt;
}

std::string ExpandWindowsEnvironment(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size();) {
    size_t close = in[i] == '%' ? in.find('%', i + 1) : std::string_view::npos;
    if (close != std::string_view::npos && close > i + 1) {
      if (std::optional<std::string> value = WindowsVariable(in.substr(i + 1, close - i - 1))) {
        out += *value;
        i = close + 1;
        continue;
      }
    }
    out += in[i++];  // not a defined variable: left as written
  }
  return out;
}

absl::StatusOr<std::string> DriveRoot(char drive) {
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(drive)));
  if (letter < 'A' || letter > 'Z') {
    return absl::InvalidArgumentError(absl::StrCat("'", std::string(1, drive),
                                                   ":' is not a drive letter"));
  }
  const std::string var = absl::StrCat("WS2EMU_DRIVE_", std::string(1, letter));
  if (const char *root = std::getenv(var.c_str()); root != nullptr && root[0] != 0) return root;
  if (letter == 'C') {
    if (std::string data = DataHome(); !data.empty()) return absl::StrCat(data, "/ws2emu/drive_c");
  }
  return absl::NotFoundError(absl::StrCat("drive ", std::string(1, letter),
                                          ": is not mapped (set ", var, ")"));
}

bool IsWindowsPath(std::string_view p) {
  return (p.size() >= 2 && p[1] == ':' && std::isalpha(static_cast<unsigned char>(p[0]))) ||
         (!p.empty() && p[0] == '\\');
}

bool SameNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string FolderOf(std::string_view linux_path) {
  size_t slash = linux_path.find_last_of('/');
  if (slash == std::string_view::npos) return ".";
  return slash == 0 ? "/" : std::string(linux_path.substr(0, slash));
}

std::string FindNoCase(const std::string &dir, std::string_view name) {
  std::string exact = Join(dir, name);
  struct stat st;
  if (lstat(exact.c_str(), &st) == 0) return exact;
  DIR *d = opendir(dir.empty() ? "/" : dir.c_str());
  if (d == nullptr) return {};
  std::string found;
  while (dirent *e = readdir(d)) {
    if (SameNoCase(e->d_name, name)) {
      found = Join(dir, e->d_name);
      break;
    }
  }
  closedir(d);
  return found;
}

std::string_view BaseName(std::string_view path) {
  size_t cut = path.find_last_of("\\/");
  if (cut == std::string_view::npos && path.size() >= 2 && path[1] == ':') cut = 1;
  return cut == std::string_view::npos ? path : path.substr(cut + 1);
}

absl::StatusOr<std::string> ToLinuxPath(std::string_view p) {
  if (!p.empty() && p[0] == '/') return std::string(p);
  if (p.starts_with("\\\\?\\") || p.starts_with("\\??\\")) p.remove_prefix(4);
  if (p.starts_with("\\\\") || p.starts_with("//")) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", absl::string_view(p.data(), p.size()), "': UNC paths are not supported"));
  }
  std::string base;
  if (p.size() >= 2 && p[1] == ':' && std::isalpha(static_cast<unsigned char>(p[0]))) {
    absl::StatusOr<std::string> root = DriveRoot(p[0]);
    if (!root.ok()) return root.status();
    base = *root;
    p.remove_prefix(2);  // "C:x" (drive-relative) is taken as "C:\x" [inference: no per-drive cwd]
  } else if (!p.empty() && (p[0] == '\\')) {
    absl::StatusOr<std::string> root = DriveRoot('C');  // the current drive is C:
    if (!root.ok()) return root.status();
    base = *root;
  } else {
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd)) == nullptr) return absl::InternalError("getcwd failed");
    base = cwd;
  }
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '\\' || p[i] == '/') {
      std::string_view part = p.substr(start, i - start);
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();  // never above the drive's root
      } else if (!part.empty() && part != ".") {
        parts.push_back(part);
      }
      start = i + 1;
    }
  }
  std::string out = base;
  for (std::string_view part : parts) out = MatchComponent(out, part);
  return out;
}

std::string WindowsDirectory() {
  std::optional<std::string> root = WindowsVariable("SystemRoot");
  return root ? *root : std::string("C:\\Windows");
}

std::string SystemDirectory() { return WindowsDirectory() + "\\system32"; }

}  // namespace ws2emu::paths
