// ws2emu-run --entry: start the provider of a catalog entry through the provider manager.
#include <cstdint>
#include <cstdio>
#include <string>

#include "base/escape.h"
#include "base/wsa_status.h"
#include "catalog/operations.h"
#include "providers/manager.h"
#include "run/run.h"

namespace ws2emu::emu {

int RunEntry(uint32_t catalog_id, bool trace) {
  providers::ProviderManager &manager = providers::ProviderManager::Get();
  if (trace) manager.SetUpcallTable(TracingUpcallTable());
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
  absl::Status cleanup = manager.CleanupAll();
  if (!cleanup.ok()) return Fail(std::string(cleanup.message()), WsaErrorOf(cleanup));
  std::printf("WSPCleanup ok\n");
  return 0;
}
}  // namespace ws2emu::emu
