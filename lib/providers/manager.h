// lib/providers/manager.h — starting providers from the catalog, as ws2_32 does: an entry ->
// the top of its chain -> the provider DLL (loaded once per provider GUID) -> WSPStartup with
// the entry's WSAPROTOCOL_INFOW and the upcall table -> the checked proc table; WSPCleanup once
// for each successful WSPStartup at shutdown.
//
//   ProviderManager &pm = ProviderManager::Get();
//   absl::StatusOr<const StartedProvider *> p = pm.StartForEntry(1005);
//   if (!p.ok()) int wsa = catalog::WsaErrorOf(p.status());   // and a message saying why
//   ...
//   pm.CleanupAll();
//
// Provider files: the path stored in the catalog, %VARIABLES% expanded and mapped through the
// drive map (lib/paths). The file decides how it loads — a native .so exporting WSPStartup
// through dlopen, a PE DLL through the image loader emu/ registers (SetPeImageLoader) — so the
// catalog does not care which.
//
// Errors (SPEC.md §4): a DLL that cannot be loaded, has no WSPStartup or whose WSPStartup fails
// -> WSAEPROVIDERFAILEDINIT; a provider that cannot do version 2.2 -> WSAVERNOTSUPPORTED; a NULL
// proc-table entry -> WSAEINVALIDPROCTABLE (both after WSPCleanup for the WSPStartup that
// succeeded); an unknown catalog ID or a layered entry on its own -> WSAEINVAL.
#ifndef WS2EMU_LIB_PROVIDERS_MANAGER_H_
#define WS2EMU_LIB_PROVIDERS_MANAGER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::providers {

// The member names of WSPPROC_TABLE, in order (for messages naming a NULL entry).
extern const char *const kProcTableNames[30];

// A loaded provider file.
struct LoadedImage {
  void *handle = nullptr;
  LPWSPSTARTUP startup = nullptr;
};

// WSPStartup(2.2) of a provider as ws2_32 calls it, with the checks of SPEC.md §4: its own
// failure (WSAVERNOTSUPPORTED as such, anything else WSAEPROVIDERFAILEDINIT), a version other
// than 2.2 (WSAVERNOTSUPPORTED) or a NULL proc-table entry (WSAEINVALIDPROCTABLE, naming it),
// the last two after WSPCleanup for the start that succeeded. `name` begins the messages.
absl::Status StartProvider(LPWSPSTARTUP startup, const std::string &name,
                           const WSAPROTOCOL_INFOW &info, const WSPUPCALLTABLE &table,
                           WSPDATA *data, WSPPROC_TABLE *procs);

// Loads PE provider DLLs (emu/ registers one; without it PE providers fail to load, saying so).
class ImageLoader {
 public:
  virtual ~ImageLoader() = default;
  virtual absl::StatusOr<LoadedImage> Load(const std::string &linux_path) = 0;
  virtual void Unload(void *handle) = 0;
};
void SetPeImageLoader(ImageLoader *loader);

struct StartedProvider {
  GUID provider_id;
  uint32_t catalog_id = 0;  // the entry whose WSAPROTOCOL_INFOW WSPStartup was given
  std::string path;         // the Linux file loaded
  bool pe = false;
  WSPDATA data;
  WSPPROC_TABLE procs;
};

class ProviderManager {
 public:
  static ProviderManager &Get();

  // The upcall table handed to WSPStartup (default: ws2emu_upcall_table()); ws2emu-run's
  // --trace puts a tracing one here.
  void SetUpcallTable(const WSPUPCALLTABLE &table);

  // Starts (or finds started) the provider of catalog entry `catalog_id`.
  absl::StatusOr<const StartedProvider *> StartForEntry(uint32_t catalog_id);

  // WSPCleanup for every started provider (once each), then unloads them. The first failure
  // is returned; the rest are still cleaned up.
  absl::Status CleanupAll();

  // The Linux file a catalog path names: %VARIABLES% expanded, Windows paths through the drive
  // map.
  absl::StatusOr<std::string> ResolveProviderFile(std::u16string_view catalog_path) const;

 private:
  struct Slot {
    StartedProvider started;
    LoadedImage image;
    ImageLoader *loader = nullptr;  // null: dlopen
  };
  std::mutex mu_;
  std::vector<std::unique_ptr<Slot>> started_;
  bool have_table_ = false;
  WSPUPCALLTABLE table_;
};

}  // namespace ws2emu::providers

#endif  // WS2EMU_LIB_PROVIDERS_MANAGER_H_
