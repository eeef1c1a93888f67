// ws2emu-run --provider: load a provider, start it as ws2_32 would, check what it returns.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "base/escape.h"
#include "base/wsa_status.h"
#include "catalog/operations.h"
#include "modules/modules.h"
#include "providers/manager.h"
#include "run/run.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

void SetName(WSAPROTOCOL_INFOW *info, const char *name) {
  size_t i = 0;
  for (; name[i] != 0 && i < WSAPROTOCOL_LEN; ++i) info->szProtocol[i] = static_cast<WCHAR>(name[i]);
  info->szProtocol[i] = 0;
}

// The catalog entry ws2_32 would hand a base provider for `protocol` (the usual MSAFD values).
bool MakeProtocolInfo(const std::string &protocol, WSAPROTOCOL_INFOW *info) {
  std::memset(info, 0, sizeof(*info));
  info->ProviderId = {0x9c7e5a01, 0x2b1e, 0x4a3d, {0x9f, 0x10, 0x77, 0x73, 0x32, 0x65, 0x6d, 0x75}};
  info->ProtocolChain.ChainLen = BASE_PROTOCOL;
  info->iVersion = 2;
  info->iNetworkByteOrder = BIGENDIAN;
  info->iSecurityScheme = SECURITY_PROTOCOL_NONE;
  bool v6 = protocol == "tcp6" || protocol == "udp6";
  info->iAddressFamily = v6 ? WS_AF_INET6 : WS_AF_INET;
  info->iMaxSockAddr = info->iMinSockAddr = v6 ? 28 : 16;
  if (protocol == "tcp" || protocol == "tcp6") {
    info->dwCatalogEntryId = v6 ? 1003 : 1001;
    info->dwServiceFlags1 = XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE |
                            XP1_EXPEDITED_DATA | XP1_IFS_HANDLES;
    info->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info->iSocketType = WS_SOCK_STREAM;
    info->iProtocol = WS_IPPROTO_TCP;
    info->dwMessageSize = 0;
    SetName(info, v6 ? "ws2emu TCP/IPv6" : "ws2emu TCP/IP");
  } else if (protocol == "udp" || protocol == "udp6") {
    info->dwCatalogEntryId = v6 ? 1004 : 1002;
    info->dwServiceFlags1 = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_SUPPORT_BROADCAST |
                            XP1_SUPPORT_MULTIPOINT | XP1_IFS_HANDLES;
    info->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info->iSocketType = WS_SOCK_DGRAM;
    info->iProtocol = WS_IPPROTO_UDP;
    info->dwMessageSize = 65467;
    SetName(info, v6 ? "ws2emu UDP/IPv6" : "ws2emu UDP/IP");
  } else {
    return false;
  }
  return true;
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

  WSPUPCALLTABLE upcalls = options.trace ? TracingUpcallTable() : *ws2emu_upcall_table();
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
  const int result = options.exchange ? RunExchange(procs, info) : 0;
  if (procs.lpWSPCleanup(&err) != 0) return Fail(path + ": WSPCleanup failed", err);
  std::printf("WSPCleanup ok\n");
  modules::Unload(module->handle).IgnoreError();  // ours: cannot fail
  return result;
}

}  // namespace ws2emu::emu
