// ws2emu-run --check FILE: every import of an image, resolved or missing, without running it.
//
// Files are read through ReadRegularFile (never blocking on a FIFO, never past kImageFileLimit),
// and the work is bounded by the files: each DLL the loader's search finds is parsed once, and lookups
// in its exports take constant time.
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/escape.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/regular_file.h"
#include "exports/builtin.h"
#include "modules/modules.h"
#include "pe/pe_image.h"
#include "run/run.h"

namespace ws2emu::emu {
namespace {

constexpr int kMaxForwarderHops = 32;  // as the loader: more is a loop we do not follow

absl::StatusOr<PeImage> ReadImage(const std::string &path) {
  absl::StatusOr<std::string> bytes = ReadRegularFile(path, kImageFileLimit, "PE image");
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<PeImage> image = PeImage::Parse(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t *>(bytes->data()), bytes->size()));
  if (!image.ok())
    return absl::Status(image.status().code(), absl::StrCat(path, ": ", image.status().message()));
  return image;
}

// The file the loader would bind `name` to: the one search order (lib/modules), the checked
// image's folder first; empty when no folder has it (or the name has a folder in it, which the
// loader does not search for either).
std::string FindImport(const std::string &image_path, const std::string &name) {
  if (name.find_first_of("\\/:") != std::string::npos) return {};
  size_t slash = image_path.find_last_of('/');
  modules::Options options;
  options.requester_folder = slash == std::string::npos ? "." : image_path.substr(0, slash);
  absl::StatusOr<modules::Location> where = modules::Locate(name, options);
  if (!where.ok() || where->kind == modules::Kind::kBuiltin) return {};
  return where->path;
}

// Where an import is found: the DLLs the search order finds, each read and parsed once.
class Resolver {
 public:
  explicit Resolver(std::string image_path) : image_path_(std::move(image_path)) {}

  struct Dependency {
    std::string path;           // empty when the search does not find it
    std::optional<PeImage> image;
    std::string note;           // why it cannot be used: " (X not found)", " (path: error)"
  };

  const Dependency &Find(const std::string &dll) {
    std::string key = absl::AsciiStrToLower(dll);
    auto it = dependencies_.find(key);
    if (it != dependencies_.end()) return it->second;
    Dependency d;
    d.path = FindImport(image_path_, dll);
    if (d.path.empty()) {
      d.note = absl::StrCat(" (", dll, " not found)");
    } else if (absl::StatusOr<PeImage> image = ReadImage(d.path); image.ok()) {
      d.image = std::move(*image);
    } else {
      d.note = absl::StrCat(" (", image.status().message(), ")");
    }
    return dependencies_.emplace(key, std::move(d)).first->second;
  }

  enum class Outcome { kResolved, kMissing, kUnresolvable };
  struct Result {
    Outcome outcome;
    std::string text;  // where it was found, or why not
  };

  // Follows `dll`!`function` (a name, or "#N") through forwarders to the end.
  Result Resolve(std::string dll, bool by_ordinal, uint32_t ordinal, std::string name) {
    std::vector<std::string> seen;
    std::string chain;
    for (int hop = 0;; ++hop) {
      std::string label = by_ordinal ? absl::StrCat(dll, "!#", ordinal)
                                     : absl::StrCat(dll, "!", name);
      // DLL names compare case-insensitively, function names exactly.
      std::string key = absl::StrCat(absl::AsciiStrToLower(dll), label.substr(dll.size()));
      chain = hop == 0 ? label : absl::StrCat(chain, " -> ", label);
      for (const std::string &s : seen)
        if (s == key) return {Outcome::kUnresolvable, absl::StrCat(chain, ": forwarder cycle")};
      if (hop > kMaxForwarderHops)
        return {Outcome::kUnresolvable,
                absl::StrCat(chain, ": forwarders nest deeper than ", kMaxForwarderHops,
                             " hops")};
      seen.push_back(key);
      const char *via = hop == 0 ? "" : " via ";
      std::string through = hop == 0 ? "" : chain;
      if (const BuiltinModule *builtin = FindBuiltinModule(dll)) {
        bool found = by_ordinal ? ordinal <= 0xffff &&
                                      FindBuiltinExportByOrdinal(
                                          *builtin, static_cast<uint16_t>(ordinal)) != nullptr
                                : FindBuiltinExport(*builtin, name) != nullptr;
        if (!found)
          return {Outcome::kMissing, hop == 0 ? "" : absl::StrCat(" (", chain, ": not emulated)")};
        return {Outcome::kResolved, absl::StrCat("built-in", via, through)};
      }
      const Dependency &d = Find(dll);
      if (!d.image)
        return {Outcome::kMissing, hop == 0 ? d.note : absl::StrCat(" (", chain, ":", d.note, ")")};
      const Export *x = by_ordinal ? d.image->FindExport(ordinal) : d.image->FindExport(name);
      if (x == nullptr)
        return {Outcome::kMissing,
                hop == 0 ? "" : absl::StrCat(" (", chain, ": not exported by ", d.path, ")")};
      if (x->forwarder.empty())
        return {Outcome::kResolved, absl::StrCat("from ", d.path, via, through)};
      ForwarderTarget next = SplitForwarder(x->forwarder);
      dll = next.dll;
      by_ordinal = next.by_ordinal;
      ordinal = next.ordinal;
      name = next.name;
    }
  }

 private:
  std::string image_path_;
  std::map<std::string, Dependency> dependencies_;  // by lower-case DLL name
};

}  // namespace

int RunCheck(const std::string &path) {
  absl::StatusOr<PeImage> image = ReadImage(path);
  if (!image.ok()) {
    std::fprintf(stderr, "ws2emu-run: %s\n",
                 EscapeForTerminal(std::string(image.status().message())).c_str());
    return 2;
  }
  Resolver resolver(path);
  int resolved = 0, missing = 0, unresolvable = 0;
  for (const ImportedDll &dll : image->imports()) {
    for (const ImportEntry &e : dll.entries) {
      std::string function = e.by_ordinal ? absl::StrCat("#", e.ordinal) : e.name;
      std::string label = absl::StrCat(dll.name, "!", function, dll.delay_load ? " (delay)" : "");
      Resolver::Result r = resolver.Resolve(dll.name, e.by_ordinal, e.ordinal, e.name);
      switch (r.outcome) {
        case Resolver::Outcome::kResolved:
          ++resolved;
          std::printf("  %-48s %s\n", EscapeForTerminal(label).c_str(),
                      EscapeForTerminal(r.text).c_str());
          break;
        case Resolver::Outcome::kMissing:
          ++missing;
          std::printf("  %-48s MISSING%s\n", EscapeForTerminal(label).c_str(),
                      EscapeForTerminal(r.text).c_str());
          break;
        case Resolver::Outcome::kUnresolvable:
          ++unresolvable;
          std::printf("  %-48s UNRESOLVABLE (%s)\n", EscapeForTerminal(label).c_str(),
                      EscapeForTerminal(r.text).c_str());
          break;
      }
    }
  }
  std::printf("%s: %d imports, %d resolved, %d missing", EscapeForTerminal(path).c_str(),
              resolved + missing + unresolvable, resolved, missing);
  if (unresolvable > 0)
    std::printf(", %d unresolvable (the loader refuses the image)", unresolvable);
  std::printf("\n");
  return missing == 0 && unresolvable == 0 ? 0 : 1;
}

}  // namespace ws2emu::emu
