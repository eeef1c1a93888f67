// ws2emu-run --entry: start the provider of a catalog entry through the provider manager.
#include <cstdint>
#include <cstdio>
#include <string>

#include "base/escape.h"
#include "base/wsa_status.h"
#include "catalog/operations.h"
#include "catalog/store.h"
#include "providers/manager.h"
#include "run/run.h"

namespace ws2emu::emu {

int RunEntry(uint32_t catalog_id, bool exchange, unsigned timeout_seconds) {
  providers::ProviderManager &manager = providers::ProviderManager::Get();
  std::printf("catalog    %s\nentry      %u\n", EscapeForTerminal(catalog::Store::CurrentPath()).c_str(),
              catalog_id);
  std::fflush(stdout);
  absl::StatusOr<const providers::StartedProvider *> started = manager.StartForEntry(catalog_id);
  if (!started.ok()) {
    return Fail(std::string(started.status().message()), WsaErrorOf(started.status()));
  }
  const providers::StartedProvider &p = **started;
  std::printf("provider   %s %s (%s)\n", catalog::GuidToString(p.provider_id).c_str(),
              EscapeForTerminal(p.path).c_str(), modules::KindName(p.kind));
  PrintStarted(p.data);
  std::fflush(stdout);
  int result = 0;
  if (exchange) {
    // WSPSocket gets the entry's own WSAPROTOCOL_INFOW, as ws2_32 gives it to a chain's top.
    absl::StatusOr<std::shared_ptr<const catalog::Catalog>> now =
        catalog::Store::ForCurrentPath().Read();
    const catalog::Entry *e = now.ok() ? (*now)->Find(catalog_id) : nullptr;
    result = e == nullptr ? Fail("the catalog changed: entry " + std::to_string(catalog_id) +
                                     " is gone",
                                 WSAEINVAL)
                          : RunExchange(p.procs, e->info, timeout_seconds);
  }
  absl::Status cleanup = manager.CleanupAll();
  if (!cleanup.ok()) return Fail(std::string(cleanup.message()), WsaErrorOf(cleanup));
  std::printf("WSPCleanup ok\n");
  return result;
}
}  // namespace ws2emu::emu
