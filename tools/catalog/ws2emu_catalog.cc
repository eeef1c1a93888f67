// ws2emu-catalog — shows and changes the protocol catalog, as `netsh winsock show catalog` and
// an LSP installer do on Windows.
//
//   ws2emu-catalog [--catalog FILE] list
//   ws2emu-catalog [--catalog FILE] install DESCRIPTION_FILE
//   ws2emu-catalog [--catalog FILE] remove GUID|DESCRIPTION_FILE
//   ws2emu-catalog [--catalog FILE] order ID ID ... | order --chains-first
//   ws2emu-catalog [--catalog FILE] path GUID
//   ws2emu-catalog [--catalog FILE] reset
//   ws2emu-catalog [--catalog FILE] check
//   ws2emu-catalog [--catalog FILE] repair [--missing-files]
//   ws2emu-catalog [--catalog FILE] ns-list
//   ws2emu-catalog [--catalog FILE] ns-install GUID IDENTIFIER PATH [NAME_SPACE [VERSION]]
//   ws2emu-catalog [--catalog FILE] ns-remove | ns-enable | ns-disable GUID
//   ws2emu-catalog [--catalog FILE] ns-order GUID GUID ...
//
// --catalog may stand anywhere on the line; without it the catalog is the one every ws2emu
// process uses (WS2EMU_CATALOG, else $XDG_DATA_HOME/ws2emu/catalog). A catalog file that does
// not exist lists the four entries Windows ships (MSAFD Tcpip [TCP/IP], [UDP/IP], [TCP/IPv6],
// [UDP/IPv6], catalog IDs 1001..1004); `reset` restores them under new IDs. The changes go through
// lib/catalog/operations.h, the same code as WSCInstallProvider & co., so they check the same
// rules and fail with the same WSA errors; the tool prints the error by name and number with
// the reason. Exit status: 0 done, 1 failed (nothing changed), 2 usage error.
//
// `list` also shows a provider's LSP categories (WSCSetProviderInfo), on each of its entries,
// when it has any, and after the entries the application categories (WSCSetApplicationCategory)
// when there are any; a catalog without them lists as it always did.
//
// `remove` of an LSP (by GUID or description file) removes its hidden layered entry and the
// chains that start at it, which have GUIDs of their own (WSCInstallProviderAndChains gives each
// chain a fresh one). `check` lists what is wrong (lib/catalog/check.h: broken and invalid
// chains, provider files that are missing, GUIDs two providers share) and exits 1 if anything
// is; it never writes. `repair` removes the chains that can never work (and, with
// --missing-files, the entries whose file is missing) in one atomic change.
//
// The ns-* commands show and change the name-space catalog (WSCInstallNameSpace,
// WSCUnInstallNameSpace, WSCEnableNSProvider through lib/catalog/name_spaces.h), which lives in
// the same file; `list` and the other commands do not show it, so their output is what it was.
// `ns-list` prints each provider as `netsh winsock show catalog` does (Description, Provider
// ID, Provider Path, Name Space, Active, Version).
//
// A description file says what `install` installs (description.h has the whole format):
//
//   provider {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}
//   path %SystemRoot%\system32\mswsock.dll
//   entry "MSAFD Tcpip [TCP/IP]"
//     family inet
//     type stream
//     protocol tcp
//     service-flags XP1_GUARANTEED_DELIVERY|XP1_GUARANTEED_ORDER|XP1_IFS_HANDLES
//     provider-flags PFL_MATCHES_PROTOCOL_ZERO
//     chain base                     # or layered, or the chain's IDs: chain 1003 1001
//
// or, for WSCInstallProviderAndChains, `lsp NAME`, `service-flags F` and `over tcp,udp,...`
// in place of the entries.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/escape.h"
#include "base/utf.h"
#include "base/wsa_status.h"
#include "absl/container/flat_hash_map.h"
#include "catalog/catalog.h"
#include "catalog/check.h"
#include "catalog/name_spaces.h"
#include "catalog/operations.h"
#include "catalog/store.h"
#include "description.h"
#include "modules/modules.h"
#include "names.h"

namespace ws2emu::catalog_tool {
namespace {

using catalog::Catalog;
using catalog::Entry;
using catalog::Store;

constexpr char kUsage[] =
    "Usage: ws2emu-catalog [--catalog FILE] COMMAND [ARGS]\n"
    "Commands:\n"
    "  list                      every catalog entry, in catalog order\n"
    "  install DESCRIPTION_FILE  installs the provider the file describes\n"
    "  remove GUID|DESCRIPTION_FILE\n"
    "                            removes every entry of the provider (WSCDeinstallProvider)\n"
    "                            and, for an LSP, the chains that start at its layered entry\n"
    "  order ID ID ...           sets the catalog order; every catalog ID exactly once\n"
    "  order --chains-first      moves the protocol chains ahead of the other entries\n"
    "  path GUID                 prints the provider's path as installed (not expanded)\n"
    "  reset                     restores the default catalog, MSAFD's four base entries,\n"
    "                            and removes everything else (like `netsh winsock reset`;\n"
    "                            they get new catalog IDs: IDs are never reused)\n"
    "  check                     lists every problem, one line each: broken chains (naming\n"
    "                            an entry that is not installed), invalid chains, missing\n"
    "                            provider files, GUIDs two providers share; exit 1 if any.\n"
    "                            Never writes\n"
    "  repair [--missing-files]  removes the chains that can never work (and the chains over\n"
    "                            what it removes), keeping everything else in its order; with\n"
    "                            --missing-files, the entries whose file is missing too\n"
    "Name-space providers (the name-space catalog, in the same file; `reset` restores it to\n"
    "Windows' one, the Tcpip provider):\n"
    "  ns-list                   every name-space provider, in catalog order\n"
    "  ns-install GUID IDENTIFIER PATH [NAME_SPACE [VERSION]]\n"
    "                            installs one (WSCInstallNameSpace); NAME_SPACE defaults to\n"
    "                            12 (NS_DNS), VERSION to 1\n"
    "  ns-remove GUID            removes it (WSCUnInstallNameSpace)\n"
    "  ns-enable GUID, ns-disable GUID\n"
    "                            makes it active or not (WSCEnableNSProvider): an inactive\n"
    "                            provider is listed but asked nothing\n"
    "  ns-order GUID GUID ...    the order lookups ask the providers in; every installed\n"
    "                            GUID exactly once (WSCWriteNameSpaceOrder)\n"
    "Options:\n"
    "  --catalog FILE            the catalog file (default: $WS2EMU_CATALOG, else\n"
    "                            $XDG_DATA_HOME/ws2emu/catalog or ~/.local/share/ws2emu/catalog)\n"
    "  -h, --help                this text\n"
    "Exit status: 0 done, 1 failed (the catalog is unchanged), 2 usage error.\n\n";

int Usage(const std::string &problem) {
  std::fprintf(stderr, "ws2emu-catalog: %s\n%s", EscapeForTerminal(problem).c_str(), kUsage);
  return 2;
}

// A failed catalog operation: its WSA error by name and number, and why.
int Fail(const std::string &command, const absl::Status &status) {
  std::string hint;
  if (absl::IsDataLoss(status)) hint = " (the file is left as it is)";
  std::fprintf(stderr, "ws2emu-catalog: %s: %s: %s%s\n", command.c_str(),
               WsaErrorName(WsaErrorOf(status)).c_str(),
               EscapeForTerminal(std::string(status.message())).c_str(), hint.c_str());
  return 1;
}

// A description file that cannot be read or parsed: nothing was asked of the catalog, so
// there is no WSA error to report, only the file and line.
int FailInput(const std::string &command, const absl::Status &status) {
  std::fprintf(stderr, "ws2emu-catalog: %s: %s\n", command.c_str(),
               EscapeForTerminal(std::string(status.message())).c_str());
  return 1;
}

const char *Kind(const WSAPROTOCOL_INFOW &p) {
  const int len = p.ProtocolChain.ChainLen;
  if (len == LAYERED_PROTOCOL) return "layered";
  if (len == BASE_PROTOCOL) return "base";
  if (len > 1 && len <= MAX_PROTOCOL_CHAIN) return "chain";
  return "invalid";
}

std::string WithName(int value, std::span<const Named> table) {
  std::string name = NameOf(value, table);
  return name.empty() ? std::to_string(value) : absl::StrCat(value, " (", name, ")");
}

std::string Flags(DWORD flags, std::span<const Named> table) {
  std::string names = FlagNames(flags, table);
  std::string hex = absl::StrFormat("0x%x", flags);
  return names.empty() ? hex : absl::StrCat(hex, " (", names, ")");
}

void Row(const char *label, const std::string &value) {
  std::printf("%-32s%s\n", label, EscapeForTerminal(value).c_str());
}

void PrintEntry(const Catalog &c, const Entry &e) {
  const WSAPROTOCOL_INFOW &p = e.info;
  std::printf("\nCatalog Entry %u (%s)\n", p.dwCatalogEntryId, Kind(p));
  std::printf("%s\n", std::string(64, '-').c_str());
  Row("Entry Type:", Kind(p));
  Row("Description:", Utf16ToUtf8(catalog::ProtocolName(p)));
  Row("Provider ID:", catalog::GuidToString(p.ProviderId));
  Row("Provider Path:", Utf16ToUtf8(e.path));
  Row("Catalog Entry ID:", std::to_string(p.dwCatalogEntryId));
  Row("Version:", std::to_string(p.iVersion));
  Row("Address Family:", WithName(p.iAddressFamily, kFamilies));
  Row("Max Address Length:", std::to_string(p.iMaxSockAddr));
  Row("Min Address Length:", std::to_string(p.iMinSockAddr));
  Row("Socket Type:", WithName(p.iSocketType, kSocketTypes));
  Row("Protocol:", WithName(p.iProtocol, kProtocols));
  Row("Service Flags:", Flags(p.dwServiceFlags1, kServiceFlags));
  Row("Provider Flags:", Flags(p.dwProviderFlags, kProviderFlags));
  // Only for a provider that has them (WSCSetProviderInfo), so older listings are unchanged.
  if (const DWORD categories = c.LspCategories(p.ProviderId); categories != 0)
    Row("LSP Categories:", Flags(categories, kLspCategories));
  Row("Protocol Chain Length:", std::to_string(p.ProtocolChain.ChainLen));
  const int len = p.ProtocolChain.ChainLen;
  if (len > 1 && len <= MAX_PROTOCOL_CHAIN) {
    std::string chain;
    for (int i = 0; i < len; ++i) {
      const DWORD id = p.ProtocolChain.ChainEntries[i];
      absl::StrAppend(&chain, i == 0 ? "" : " : ", id,
                      c.Find(id) == nullptr ? " (not installed)" : "");
    }
    Row("Protocol Chain:", chain);
  }
}

int List(Store &store) {
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  if (!c.ok()) return Fail("list", c.status());
  const Catalog &catalog = **c;
  std::printf("Winsock catalog: %s\n", EscapeForTerminal(store.path()).c_str());
  if (catalog.entries.empty()) {
    std::printf("The catalog is empty (next catalog ID %u).\n", catalog.next_id);
    return 0;
  }
  std::printf("%zu %s (next catalog ID %u)\n", catalog.entries.size(),
              catalog.entries.size() == 1 ? "entry" : "entries", catalog.next_id);
  for (const Entry &e : catalog.entries) PrintEntry(catalog, e);
  if (!catalog.applications.empty()) {
    std::printf("\nApplication categories (WSCSetApplicationCategory)\n%s\n",
                std::string(64, '-').c_str());
    for (const catalog::ApplicationCategory &a : catalog.applications) {
      std::string who = Utf16ToUtf8(a.path);
      if (!a.extra.empty()) absl::StrAppend(&who, " [", Utf16ToUtf8(a.extra), "]");
      std::printf("%s\n", EscapeForTerminal(who).c_str());
      Row("  Permitted LSP Categories:", Flags(a.permitted, kLspCategories));
    }
  }
  return 0;
}

// The operations name a bad entry by its index ("entry 1: ..."); say where it is in the file.
absl::Status PointAtLine(const absl::Status &status, const std::string &file,
                         const Description &d) {
  std::string_view message(status.message().data(), status.message().size());
  unsigned index = 0;
  size_t colon = message.find(':');
  if (!message.starts_with("entry ") || colon == std::string_view::npos ||
      std::sscanf(std::string(message.substr(6, colon - 6)).c_str(), "%u", &index) != 1 ||
      index >= d.entry_lines.size()) {
    return status;
  }
  absl::Status located(status.code(),
                       absl::StrCat(file, ":", d.entry_lines[index], ": ", std::string(message)));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord &payload) { located.SetPayload(url, payload); });
  return located;
}

std::string Join(const std::vector<uint32_t> &ids) {
  std::string out;
  for (uint32_t id : ids) absl::StrAppend(&out, out.empty() ? "" : " ", id);
  return out;
}

// The description's `lsp-categories`, set on each GUID after the install, as an installer calls
// WSCSetProviderInfo right after installing (a second change: on failure the provider stays
// installed, and the message says so).
int SetCategories(Store &store, const Description &d, const std::vector<GUID> &guids) {
  if (d.lsp_categories == 0) return 0;
  for (const GUID &g : guids) {
    absl::Status s = catalog::SetLspCategories(store, g, d.lsp_categories);
    if (!s.ok()) {
      std::fprintf(stderr,
                   "ws2emu-catalog: install: the provider is installed, but its LSP categories "
                   "were not set on %s: %s\n",
                   catalog::GuidToString(g).c_str(),
                   EscapeForTerminal(std::string(s.message())).c_str());
      return 1;
    }
  }
  std::printf("  LSP categories: %s\n", Flags(d.lsp_categories, kLspCategories).c_str());
  return 0;
}

int Install(Store &store, const std::string &file) {
  absl::StatusOr<Description> d = ReadDescription(file);
  if (!d.ok()) return FailInput("install", d.status());
  const std::string guid = catalog::GuidToString(d->provider);
  if (!d->lsp_name.empty()) {
    absl::StatusOr<uint32_t> layered = catalog::InstallProviderAndChains(
        store, d->provider, d->path, d->lsp_name, d->lsp_service_flags,
        d->over.empty() ? nullptr : d->over.data(), static_cast<uint32_t>(d->over.size()));
    if (!layered.ok()) return Fail("install", layered.status());
    // Its chains have GUIDs of their own: they are the entries that start at the layer.
    std::vector<uint32_t> chains;
    absl::StatusOr<std::shared_ptr<const Catalog>> now = store.Read();
    if (now.ok()) {
      for (const Entry &e : (*now)->entries) {
        const WSAPROTOCOL_INFOW &p = e.info;
        if (p.ProtocolChain.ChainLen >= 2 && p.ProtocolChain.ChainEntries[0] == *layered)
          chains.push_back(p.dwCatalogEntryId);
      }
    }
    std::printf("Installed LSP \"%s\" as provider %s\n",
                EscapeForTerminal(Utf16ToUtf8(d->lsp_name)).c_str(), guid.c_str());
    std::printf("  layered entry: %u\n  chain entries: %s\n", *layered, Join(chains).c_str());
    std::vector<GUID> guids = {d->provider};
    if (now.ok()) {
      for (uint32_t id : chains) {
        if (const Entry *e = (*now)->Find(id)) guids.push_back(e->info.ProviderId);
      }
    }
    return SetCategories(store, *d, guids);
  }
  absl::StatusOr<std::vector<uint32_t>> ids = catalog::InstallProvider(
      store, d->provider, d->path, d->entries.data(), static_cast<uint32_t>(d->entries.size()));
  if (!ids.ok()) return Fail("install", PointAtLine(ids.status(), file, *d));
  std::printf("Installed provider %s: catalog IDs %s\n", guid.c_str(), Join(*ids).c_str());
  for (size_t i = 0; i < ids->size(); ++i) {
    std::printf("  %u  %s\n", (*ids)[i],
                EscapeForTerminal(Utf16ToUtf8(catalog::ProtocolName(d->entries[i]))).c_str());
  }
  return SetCategories(store, *d, {d->provider});
}

int Remove(Store &store, const std::string &what) {
  GUID provider;
  if (!ParseGuidLoose(what, &provider)) {
    absl::StatusOr<Description> d = ReadDescription(what);
    if (!d.ok()) {
      if (absl::IsNotFound(d.status())) {
        return Usage(absl::StrCat("remove: `", what, "` is neither a GUID nor a file"));
      }
      return FailInput("remove", d.status());
    }
    provider = d->provider;
  }
  absl::StatusOr<std::vector<Entry>> removed =
      catalog::DeinstallProviderAndChains(store, provider);
  if (!removed.ok()) return Fail("remove", removed.status());
  std::vector<uint32_t> ids;
  for (const Entry &e : *removed) ids.push_back(e.info.dwCatalogEntryId);
  std::printf("Removed provider %s (catalog IDs %s)\n", catalog::GuidToString(provider).c_str(),
              Join(ids).c_str());
  // As WSCDeinstallProvider, remove does not refuse while another provider's chain goes
  // through what it removed; say which chains that broke.
  absl::StatusOr<std::shared_ptr<const Catalog>> now = store.Read();
  if (now.ok()) {
    for (const catalog::Problem &p : catalog::Check(**now, catalog::FileCheck())) {
      if (p.kind != catalog::Problem::Kind::kBrokenChain) continue;
      std::fprintf(stderr, "ws2emu-catalog: remove: entry %u \"%s\" is now a broken chain: %s "
                   "(`ws2emu-catalog repair` removes it)\n", p.catalog_id,
                   EscapeForTerminal(Utf16ToUtf8(p.protocol)).c_str(),
                   EscapeForTerminal(p.what).c_str());
    }
  }
  return 0;
}

// The built-in modules of emu/exports (the names only; their tables are not linked here), so
// that `check` finds %SystemRoot%\system32\mswsock.dll where the provider manager does: a
// built-in module's path in the system folder is present whether or not a file is there.
// [inference] Kept in step with emu/exports/builtin.cc by hand; only mswsock.dll is a provider.
class BuiltinNames : public modules::Builtins {
 public:
  const void *Find(std::string_view file_name) override {
    std::string name = absl::AsciiStrToLower(std::string(file_name));
    if (!name.ends_with(".dll")) name += ".dll";
    for (const char *const &known : kNames) {
      if (name == known) return &known;
    }
    return nullptr;
  }
  const char *Name(const void *handle) override {
    for (const char *const &known : kNames) {
      if (handle == &known) return known;
    }
    return nullptr;
  }
  const void *Export(const void *, std::string_view) override { return nullptr; }
  const void *ExportByOrdinal(const void *, uint16_t) override { return nullptr; }

 private:
  static constexpr const char *kNames[] = {"kernel32.dll", "ws2_32.dll",   "msvcrt.dll",
                                           "ole32.dll",    "rpcrt4.dll",   "user32.dll",
                                           "mswsock.dll",  "iphlpapi.dll", "wsock32.dll"};
};

// catalog::FileCheck as the provider manager finds a provider file: the path as installed,
// %VARIABLES% expanded, through lib/modules (drive map, system folder, built-in modules, the
// search folders for a bare name). Each path is looked up once.
catalog::FileCheck ProviderFileCheck() {
  static BuiltinNames builtins;
  (void)modules::RegisterBuiltins(&builtins);  // refused only if another is registered: fine
  auto seen = std::make_shared<absl::flat_hash_map<std::u16string, std::string>>();
  return [seen](const Entry &e) -> std::string {
    auto found = seen->find(e.path);
    if (found != seen->end()) return found->second;
    const std::string path = Utf16ToUtf8(e.path);
    modules::Options options;
    options.expand_variables = true;
    absl::StatusOr<modules::Location> where = modules::Locate(path, options);
    std::string missing;
    struct stat st;
    if (!where.ok()) {
      missing = absl::StrCat("the provider file cannot be found: ", where.status().message());
    } else if (where->kind != modules::Kind::kBuiltin) {
      if (stat(where->path.c_str(), &st) != 0) {
        missing = absl::StrCat("the provider file ", path, " (", where->path,
                               ") cannot be found: ", std::strerror(errno));
      } else if (!S_ISREG(st.st_mode)) {
        missing = absl::StrCat("the provider file ", path, " (", where->path,
                               ") is not a regular file");
      }
    }
    seen->emplace(e.path, missing);
    return missing;
  };
}

void PrintProblem(const char *prefix, const catalog::Problem &p) {
  std::printf("%sentry %u \"%s\": %s: %s\n", prefix, p.catalog_id,
              EscapeForTerminal(Utf16ToUtf8(p.protocol)).c_str(), catalog::KindName(p.kind),
              EscapeForTerminal(p.what).c_str());
}

bool Removable(const catalog::Problem &p) {
  return p.kind == catalog::Problem::Kind::kBrokenChain ||
         p.kind == catalog::Problem::Kind::kInvalidChain;
}

int Check(Store &store) {
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  if (!c.ok()) return Fail("check", c.status());
  std::vector<catalog::Problem> problems = catalog::Check(**c, ProviderFileCheck());
  if (problems.empty()) {
    std::printf("catalog OK: %zu %s\n", (*c)->entries.size(),
                (*c)->entries.size() == 1 ? "entry" : "entries");
    return 0;
  }
  bool removable = false;
  for (const catalog::Problem &p : problems) {
    PrintProblem("", p);
    removable = removable || Removable(p);
  }
  std::printf("%zu %s in %zu %s%s\n", problems.size(),
              problems.size() == 1 ? "problem" : "problems", (*c)->entries.size(),
              (*c)->entries.size() == 1 ? "entry" : "entries",
              removable ? "; `ws2emu-catalog repair` removes the broken chains" : "");
  return 1;
}

int Repair(Store &store, bool missing_files) {
  catalog::FileCheck files = ProviderFileCheck();
  absl::StatusOr<std::vector<catalog::Problem>> removed =
      catalog::Repair(store, files, missing_files);
  if (!removed.ok()) return Fail("repair", removed.status());
  for (const catalog::Problem &p : *removed) PrintProblem("Removed ", p);
  if (removed->empty()) std::printf("Nothing to remove\n");
  // What repair does not remove, so that nothing is left unsaid.
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  if (!c.ok()) return Fail("repair", c.status());
  for (const catalog::Problem &p : catalog::Check(**c, files)) PrintProblem("Left alone: ", p);
  std::printf("%zu %s left\n", (*c)->entries.size(),
              (*c)->entries.size() == 1 ? "entry" : "entries");
  return 0;
}

int Order(Store &store, const std::vector<std::string> &args, bool chains_first) {
  std::vector<DWORD> ids;
  if (chains_first) {
    absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
    if (!c.ok()) return Fail("order", c.status());
    for (int pass = 0; pass < 2; ++pass) {
      for (const Entry &e : (*c)->entries) {
        const bool chain = e.info.ProtocolChain.ChainLen > 1;
        if (chain == (pass == 0)) ids.push_back(e.info.dwCatalogEntryId);
      }
    }
  } else {
    for (const std::string &arg : args) {
      int64_t id;
      if (!ParseInteger(arg, 0, 0xffffffffLL, &id)) {
        return Usage(absl::StrCat("order: `", arg, "` is not a catalog ID"));
      }
      ids.push_back(static_cast<DWORD>(id));
    }
  }
  absl::Status s =
      catalog::WriteProviderOrder(store, ids.data(), static_cast<uint32_t>(ids.size()));
  if (!s.ok()) return Fail("order", s);
  std::printf("Catalog order: %s\n", Join(std::vector<uint32_t>(ids.begin(), ids.end())).c_str());
  return 0;
}

int Path(Store &store, const std::string &arg) {
  GUID provider;
  if (!ParseGuidLoose(arg, &provider)) {
    return Usage(absl::StrCat("path: `", arg, "` is not a GUID"));
  }
  absl::StatusOr<std::u16string> path = catalog::ProviderPath(store, provider);
  if (!path.ok()) return Fail("path", path.status());
  std::printf("%s\n", EscapeForTerminal(Utf16ToUtf8(*path)).c_str());
  return 0;
}

int NameSpaceList(Store &store) {
  absl::StatusOr<std::vector<catalog::NameSpaceEntry>> list = catalog::NameSpaces(store);
  if (!list.ok()) return Fail("ns-list", list.status());
  std::printf("Name-space catalog: %s\n", EscapeForTerminal(store.path()).c_str());
  std::printf("%zu name-space %s\n", list->size(), list->size() == 1 ? "provider" : "providers");
  for (const catalog::NameSpaceEntry &n : *list) {
    std::printf("\nName Space Provider Entry\n%s\n", std::string(64, '-').c_str());
    Row("Description:", Utf16ToUtf8(n.identifier));
    Row("Provider ID:", catalog::GuidToString(n.provider));
    Row("Provider Path:", Utf16ToUtf8(n.path));
    Row("Name Space:", std::to_string(n.name_space));
    Row("Active:", n.active ? "1" : "0");
    Row("Version:", std::to_string(n.version));
    if (!n.provider_specific.empty())
      Row("Provider-specific data:", absl::StrCat(n.provider_specific.size(), " bytes"));
  }
  return 0;
}

bool ParseDecimal(const std::string &text, DWORD *out) {
  if (text.empty() || text.size() > 10) return false;
  char *end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), &end, 0);
  if (errno != 0 || *end != 0 || v > 0xffffffffull) return false;
  *out = static_cast<DWORD>(v);
  return true;
}

int NameSpaceInstall(Store &store, const std::vector<std::string> &args) {
  GUID provider;
  if (!ParseGuidLoose(args[0], &provider))
    return Usage(absl::StrCat("ns-install: `", args[0], "` is not a GUID"));
  DWORD name_space = 12, version = 1;
  if (args.size() > 3 && !ParseDecimal(args[3], &name_space))
    return Usage(absl::StrCat("ns-install: `", args[3], "` is not a name-space number"));
  if (args.size() > 4 && !ParseDecimal(args[4], &version))
    return Usage(absl::StrCat("ns-install: `", args[4], "` is not a version number"));
  absl::Status s = catalog::InstallNameSpace(store, provider, Utf8ToUtf16(args[1]),
                                             Utf8ToUtf16(args[2]), name_space, version, "");
  if (!s.ok()) return Fail("ns-install", s);
  std::printf("Installed name-space provider %s (%s, name space %u)\n",
              catalog::GuidToString(provider).c_str(), EscapeForTerminal(args[1]).c_str(),
              name_space);
  return 0;
}

int NameSpaceChange(Store &store, const std::string &command, const std::string &arg) {
  GUID provider;
  if (!ParseGuidLoose(arg, &provider))
    return Usage(absl::StrCat(command, ": `", arg, "` is not a GUID"));
  absl::Status s = command == "ns-remove"
                       ? catalog::UnInstallNameSpace(store, provider)
                       : catalog::EnableNameSpace(store, provider, command == "ns-enable");
  if (!s.ok()) return Fail(command, s);
  const char *done = command == "ns-remove" ? "Removed" : command == "ns-enable" ? "Enabled" : "Disabled";
  std::printf("%s name-space provider %s\n", done, catalog::GuidToString(provider).c_str());
  return 0;
}

int Reset(Store &store) {
  absl::Status s = store.Reset();
  if (!s.ok()) return Fail("reset", s);
  absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
  if (!c.ok()) return Fail("reset", c.status());
  const Catalog &catalog = **c;
  std::vector<uint32_t> ids;
  for (const Entry &e : catalog.entries) ids.push_back(e.info.dwCatalogEntryId);
  std::printf("Reset %s: the default entries, catalog IDs %s (next catalog ID %u)\n",
              EscapeForTerminal(store.path()).c_str(), Join(ids).c_str(), catalog.next_id);
  return 0;
}

int Main(int argc, char **argv) {
  std::vector<std::string> args;
  std::string catalog_file;
  bool have_catalog = false, chains_first = false, missing_files = false, options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (options_done || a.empty() || a[0] != '-' || a == "-") {
      args.push_back(a);
    } else if (a == "--") {
      options_done = true;
    } else if (a == "-h" || a == "--help") {
      std::printf("%s%s", kUsage, kDescriptionHelp);
      return 0;
    } else if (a == "--catalog" || a.starts_with("--catalog=")) {
      if (a == "--catalog") {
        if (i + 1 >= argc) return Usage("--catalog needs a file");
        catalog_file = argv[++i];
      } else {
        catalog_file = a.substr(10);
      }
      if (catalog_file.empty()) return Usage("--catalog needs a file");
      have_catalog = true;
    } else if (a == "--chains-first") {
      chains_first = true;
    } else if (a == "--missing-files") {
      missing_files = true;
    } else {
      return Usage(absl::StrCat("unknown option ", a));
    }
  }
  if (args.empty()) return Usage("no command");
  // Through the environment, so that the store is the one WSC* calls in this process would
  // use too. Made absolute so that the file `list` names is unambiguous.
  if (have_catalog) {
    if (catalog_file[0] != '/') {
      char cwd[4096];
      if (getcwd(cwd, sizeof(cwd)) != nullptr) catalog_file = absl::StrCat(cwd, "/", catalog_file);
    }
    setenv("WS2EMU_CATALOG", catalog_file.c_str(), 1);
  }
  const std::string command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (chains_first && command != "order") return Usage("--chains-first belongs to `order`");
  if (missing_files && command != "repair") return Usage("--missing-files belongs to `repair`");
  auto want = [&](size_t n) { return rest.size() == n; };
  Store &store = Store::ForCurrentPath();
  if (command == "list") {
    if (!want(0)) return Usage("list takes no arguments");
    return List(store);
  }
  if (command == "install") {
    if (!want(1)) return Usage("install takes one description file");
    return Install(store, rest[0]);
  }
  if (command == "remove") {
    if (!want(1)) return Usage("remove takes one GUID or description file");
    return Remove(store, rest[0]);
  }
  if (command == "order") {
    if (chains_first ? !rest.empty() : rest.empty()) {
      return Usage("order takes the catalog IDs in their new order, or --chains-first");
    }
    return Order(store, rest, chains_first);
  }
  if (command == "path") {
    if (!want(1)) return Usage("path takes one GUID");
    return Path(store, rest[0]);
  }
  if (command == "reset") {
    if (!want(0)) return Usage("reset takes no arguments");
    return Reset(store);
  }
  if (command == "check") {
    if (!want(0)) return Usage("check takes no arguments");
    return Check(store);
  }
  if (command == "repair") {
    if (!want(0)) return Usage("repair takes no arguments but --missing-files");
    return Repair(store, missing_files);
  }
  if (command == "ns-list") {
    if (!want(0)) return Usage("ns-list takes no arguments");
    return NameSpaceList(store);
  }
  if (command == "ns-install") {
    if (rest.size() < 3 || rest.size() > 5)
      return Usage("ns-install takes GUID IDENTIFIER PATH [NAME_SPACE [VERSION]]");
    return NameSpaceInstall(store, rest);
  }
  if (command == "ns-order") {
    if (rest.empty()) return Usage("ns-order takes every installed GUID in the new order");
    std::vector<GUID> ids(rest.size());
    for (size_t i = 0; i < rest.size(); ++i) {
      if (!ParseGuidLoose(rest[i], &ids[i]))
        return Usage(absl::StrCat("ns-order: `", rest[i], "` is not a GUID"));
    }
    absl::Status s = catalog::WriteNameSpaceOrder(store, ids.data(),
                                                  static_cast<uint32_t>(ids.size()));
    if (!s.ok()) return Fail("ns-order", s);
    std::printf("Name-space order written (%zu providers)\n", ids.size());
    return 0;
  }
  if (command == "ns-remove" || command == "ns-enable" || command == "ns-disable") {
    if (!want(1)) return Usage(absl::StrCat(command, " takes one GUID"));
    return NameSpaceChange(store, command, rest[0]);
  }
  return Usage(absl::StrCat("unknown command `", command, "`"));
}

}  // namespace
}  // namespace ws2emu::catalog_tool

int main(int argc, char **argv) { return ws2emu::catalog_tool::Main(argc, argv); }
