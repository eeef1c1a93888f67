// ws2emu-run --check FILE: every import of an image, resolved or missing, without running it.
#include <dirent.h>
#include <strings.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "exports/builtin.h"
#include "pe/pe_image.h"
#include "run/run.h"

namespace ws2emu::emu {
namespace {

std::optional<std::vector<uint8_t>> ReadFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// `name` in `dir`, matched case-insensitively as Windows file names are; empty if absent.
std::string FindBeside(const std::string &path, const std::string &name) {
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  DIR *d = opendir(dir.c_str());
  if (d == nullptr) return {};
  std::string found;
  while (dirent *e = readdir(d)) {
    if (strcasecmp(e->d_name, name.c_str()) == 0) {
      found = dir + "/" + e->d_name;
      break;
    }
  }
  closedir(d);
  return found;
}

}  // namespace

int RunCheck(const std::string &path) {
  std::optional<std::vector<uint8_t>> bytes = ReadFile(path);
  if (!bytes) {
    std::fprintf(stderr, "ws2emu-run: %s: cannot open\n", path.c_str());
    return 2;
  }
  absl::StatusOr<PeImage> image = PeImage::Parse(*bytes);
  if (!image.ok()) {
    std::fprintf(stderr, "ws2emu-run: %s: %s\n", path.c_str(),
                 std::string(image.status().message()).c_str());
    return 2;
  }
  int resolved = 0, missing = 0;
  for (const ImportedDll &dll : image->imports()) {
    const BuiltinModule *builtin = FindBuiltinModule(dll.name);
    std::optional<PeImage> dependency;
    std::string dependency_path, dll_note;
    if (builtin == nullptr) {
      dependency_path = FindBeside(path, dll.name);
      if (dependency_path.empty()) {
        dll_note = absl::StrCat(" (", dll.name, " not found)");
      } else if (auto dep_bytes = ReadFile(dependency_path)) {
        absl::StatusOr<PeImage> dep = PeImage::Parse(*dep_bytes);
        if (dep.ok()) {
          dependency = std::move(*dep);
        } else {
          dll_note = absl::StrCat(" (", dependency_path, ": ", dep.status().message(), ")");
        }
      }
    }
    for (const ImportEntry &e : dll.entries) {
      std::string function = e.by_ordinal ? absl::StrCat("#", e.ordinal) : e.name;
      std::string where;
      if (builtin != nullptr) {
        bool found = e.by_ordinal ? FindBuiltinExportByOrdinal(*builtin, e.ordinal) != nullptr
                                  : FindBuiltinExport(*builtin, e.name) != nullptr;
        if (found) where = "built-in";
      } else if (dependency) {
        for (const Export &x : dependency->exports()) {
          if (e.by_ordinal ? x.ordinal == e.ordinal : x.name == e.name) {
            where = absl::StrCat("from ", dependency_path);
            break;
          }
        }
      }
      std::string label = absl::StrCat(dll.name, "!", function, dll.delay_load ? " (delay)" : "");
      if (where.empty()) {
        ++missing;
        std::printf("  %-48s MISSING%s\n", label.c_str(), dll_note.c_str());
      } else {
        ++resolved;
        std::printf("  %-48s %s\n", label.c_str(), where.c_str());
      }
    }
  }
  std::printf("%s: %d imports, %d resolved, %d missing\n", path.c_str(), resolved + missing,
              resolved, missing);
  return missing == 0 ? 0 : 1;
}

}  // namespace ws2emu::emu
