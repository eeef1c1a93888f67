// lib/providers/manager.h — starting providers from the catalog, as ws2_32 does: an entry ->
// the top of its chain -> the provider DLL (loaded once per provider GUID) -> WSPStartup with
// the entry's WSAPROTOCOL_INFOW and the upcall table -> the checked proc table; WSPCleanup once
// for each successful WSPStartup at shutdown.
//
//   ProviderManager &pm = ProviderManager::Get();
//   absl::StatusOr<const StartedProvider *> p = pm.StartForEntry(1005);
//   if (!p.ok()) int wsa = WsaErrorOf(p.status());   // and a message saying why
//   ...
//   pm.Release(*p);                       // the last user's Release calls WSPCleanup
//   pm.CleanupAll();                      // at shutdown: every provider still started
//
// Provider files: the path stored in the catalog, loaded through the module resolver
// (lib/modules) with %VARIABLES% expanded, as ws2_32 expands it: a Windows path goes through the
// drive map, %SystemRoot%\system32\NAME.dll is the built-in module NAME when there is one, a
// bare name is searched for in the resolver's order. The file decides how it loads — a native
// .so exporting WSPStartup through dlopen, a PE DLL through the image loader emu/ registers with
// lib/modules — so the catalog does not care which.
//
// Errors (SPEC.md §4): a DLL that cannot be loaded, has no WSPStartup or whose WSPStartup fails
// -> WSAEPROVIDERFAILEDINIT; a provider that cannot do version 2.2 -> WSAVERNOTSUPPORTED; a NULL
// proc-table entry -> WSAEINVALIDPROCTABLE (both after WSPCleanup for the WSPStartup that
// succeeded); an unknown catalog ID or a layered entry on its own -> WSAEINVAL; a chain that
// names an entry that is not installed (a broken chain) -> WSAEPROVIDERFAILEDINIT, "catalog
// entry 1007 (chain "NAME") names entry 1005, which is not installed".
#ifndef WS2EMU_LIB_PROVIDERS_MANAGER_H_
#define WS2EMU_LIB_PROVIDERS_MANAGER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/annotated_mutex.h"
#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "catalog/catalog.h"
#include "modules/modules.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::providers {

// The member names of WSPPROC_TABLE, in order (for messages naming a NULL entry).
extern const char *const kProcTableNames[30];

// WSPStartup(2.2) of a provider as ws2_32 calls it, with the checks of SPEC.md §4: its own
// failure (WSAVERNOTSUPPORTED as such, anything else WSAEPROVIDERFAILEDINIT), a version other
// than 2.2 (WSAVERNOTSUPPORTED) or a NULL proc-table entry (WSAEINVALIDPROCTABLE, naming it),
// the last two after WSPCleanup for the start that succeeded. `name` begins the messages.
absl::Status StartProvider(LPWSPSTARTUP startup, const std::string &name,
                           const WSAPROTOCOL_INFOW &info, const WSPUPCALLTABLE &table,
                           WSPDATA *data, WSPPROC_TABLE *procs);

struct StartedProvider {
  GUID provider_id;
  uint32_t catalog_id = 0;  // the entry whose WSAPROTOCOL_INFOW WSPStartup was given
  std::string path;         // the Linux file loaded (a built-in module's Windows path)
  modules::Kind kind = modules::Kind::kPe;  // built-in, PE or native
  bool pe() const { return kind == modules::Kind::kPe; }
  WSPDATA data;
  WSPPROC_TABLE procs;
};

// Started providers, one per provider GUID, each with a count of its users (ws2_32's
// WSAStartup/WSACleanup pairs, or anything else that starts a provider).
//
// Locking: mu_ guards the map and the counts only. No lock is held while a provider is loaded,
// started (WSPStartup) or cleaned up (WSPCleanup), so a WSPStartup that loads the layer below it
// through this manager, or one that blocks, stalls nobody else. A second caller for a provider
// that is being started waits for that start to end and then shares its outcome; the thread
// that is starting it gets WSAEPROVIDERFAILEDINIT if its own WSPStartup asks for it again.
class ProviderManager {
 public:
  static ProviderManager &Get();

  // The upcall table handed to WSPStartup (default: ws2emu_upcall_table()); ws2emu-run's
  // --trace puts a tracing one here.
  void SetUpcallTable(const WSPUPCALLTABLE &table);

  // Starts the provider of catalog entry `catalog_id` (a chain's top layer), or finds it started
  // under its GUID, and counts one more user. The pointer stays valid until the last user's
  // Release (or CleanupAll).
  absl::StatusOr<const StartedProvider *> StartForEntry(uint32_t catalog_id);

  // One user of `provider` leaves; the last one's Release calls WSPCleanup and unloads the
  // file. WSAEINVAL for a pointer that is not a started provider. A later StartForEntry starts
  // the provider afresh.
  absl::Status Release(const StartedProvider *provider);

  // WSPCleanup for every started provider (once each, last started first), whatever its count,
  // then unloads them: shutdown. The first failure is returned; the rest are still cleaned up.
  absl::Status CleanupAll();

 private:
  struct Slot {
    enum class State { kStarting, kStarted };
    // state, starter and users are read and written under the manager's mu_ (the analysis
    // cannot name another object's mutex here); started and module belong to the starting
    // thread while kStarting and are read-only once kStarted.
    State state = State::kStarting;
    std::thread::id starter;  // the thread running the start while kStarting
    int users = 0;
    StartedProvider started;
    void *module = nullptr;  // the provider file's module (lib/modules), while loaded
  };
  absl::Status LoadAndStart(Slot &slot, const catalog::Entry &top, const WSAPROTOCOL_INFOW &info,
                            const WSPUPCALLTABLE &table);
  static void Unload(Slot &slot);
  static absl::Status Cleanup(std::unique_ptr<Slot> slot);

  StdMutex mu_;
  StdCondVar changed_;  // a start ended (signalled under mu_)
  // By provider GUID (its 16 bytes).
  absl::flat_hash_map<std::string, std::unique_ptr<Slot>> slots_ ABSL_GUARDED_BY(mu_);
  std::vector<Slot *> order_ ABSL_GUARDED_BY(mu_);  // the started slots, in start order (few)
  bool have_table_ ABSL_GUARDED_BY(mu_) = false;
  WSPUPCALLTABLE table_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ws2emu::providers

#endif  // WS2EMU_LIB_PROVIDERS_MANAGER_H_
