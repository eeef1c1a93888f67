// ws2emu-run --provider: load a provider, start it as ws2_32 would, check what it returns.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "base/escape.h"
#include "base/wsa_status.h"
#include "catalog/default_entries.h"
#include "catalog/operations.h"
#include "modules/modules.h"
#include "providers/manager.h"
#include "run/run.h"
#include "trace/trace.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

// The catalog entry ws2_32 would hand a base provider for `protocol`: the entry a fresh catalog
// has for it (MSAFD's, lib/catalog/default_entries.h).
bool MakeProtocolInfo(const std::string &protocol, WSAPROTOCOL_INFOW *info) {
  const bool v6 = protocol == "tcp6" || protocol == "udp6";
  const bool tcp = protocol == "tcp" || protocol == "tcp6";
  if (!tcp && protocol != "udp" && protocol != "udp6") return false;
  for (const catalog::Entry &e : catalog::DefaultBaseEntries(catalog::kFirstCatalogId)) {
    if (e.info.iAddressFamily == (v6 ? WS_AF_INET6 : WS_AF_INET) &&
        e.info.iSocketType == (tcp ? WS_SOCK_STREAM : WS_SOCK_DGRAM)) {
      *info = e.info;
      return true;
    }
  }
  return false;
}

bool Exists(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

std::string DemoProviderPath() {
#ifdef WS2EMU_DEMO_PROVIDER_BUILD
  if (Exists(WS2EMU_DEMO_PROVIDER_BUILD)) return WS2EMU_DEMO_PROVIDER_BUILD;
#endif
#ifdef WS2EMU_DEMO_PROVIDER_INSTALLED
  if (Exists(WS2EMU_DEMO_PROVIDER_INSTALLED)) return WS2EMU_DEMO_PROVIDER_INSTALLED;
#endif
  return {};
}

int RunProvider(const ProviderOptions &options) {
  std::string path = options.path.empty() ? DemoProviderPath() : options.path;
  if (path.empty()) {
    std::fprintf(stderr,
                 "ws2emu-run: no provider given and no demo provider was built (it needs "
                 "mingw-w64: x86_64-w64-mingw32-gcc); pass --provider FILE.dll\n");
    return 2;
  }
  WSAPROTOCOL_INFOW info;
  if (!MakeProtocolInfo(options.protocol, &info)) {
    std::fprintf(stderr, "ws2emu-run: --protocol must be tcp, udp, tcp6 or udp6, not '%s'\n",
                 EscapeForTerminal(options.protocol).c_str());
    return 2;
  }
  // The one resolver (lib/modules): a PE DLL or a native .so, a Windows path through the drive
  // map, a bare name in the search order.
  absl::StatusOr<modules::Loaded> module = modules::Load(path);
  if (!module.ok()) return Fail(std::string(module.status().message()), WSAEPROVIDERFAILEDINIT);
  absl::StatusOr<const void *> found = modules::FindExport(module->handle, "WSPStartup");
  if (!found.ok()) {
    modules::Unload(module->handle).IgnoreError();  // ours: cannot fail
    return Fail(path + " does not export WSPStartup", WSAEPROVIDERFAILEDINIT);
  }
  auto startup = reinterpret_cast<LPWSPSTARTUP>(const_cast<void *>(*found));

  WSPUPCALLTABLE upcalls =
      trace::On(trace::kUpcall) ? TracingUpcallTable() : *ws2emu_upcall_table();
  WSPDATA data;
  WSPPROC_TABLE procs;
  std::printf("provider   %s\nprotocol   %s (catalog entry %u)\n", EscapeForTerminal(path).c_str(),
              options.protocol.c_str(), info.dwCatalogEntryId);
  std::fflush(stdout);
  absl::Status started = providers::StartProvider(startup, path, info, upcalls, &data, &procs);
  if (!started.ok()) {
    return Fail(std::string(started.message()), WsaErrorOf(started));
  }
  int err = 0;
  PrintStarted(data);
  std::fflush(stdout);
  const int result = options.exchange ? RunExchange(procs, info, options.timeout_seconds) : 0;
  if (procs.lpWSPCleanup(&err) != 0) return Fail(path + ": WSPCleanup failed", err);
  std::printf("WSPCleanup ok\n");
  modules::Unload(module->handle).IgnoreError();  // ours: cannot fail
  return result;
}

}  // namespace ws2emu::emu
