#include "base/annotated_mutex.h"
#include "providers/manager.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/utf.h"
#include "base/wsa_errors.h"
#include "base/wsa_status.h"
#include "catalog/operations.h"
#include "modules/modules.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::providers {
namespace {

absl::Status Failed(int code, const std::string &message) {
  return WsaStatus(code, message);
}

}  // namespace

const char *const kProcTableNames[30] = {
    "lpWSPAccept",          "lpWSPAddressToString",   "lpWSPAsyncSelect",
    "lpWSPBind",            "lpWSPCancelBlockingCall", "lpWSPCleanup",
    "lpWSPCloseSocket",     "lpWSPConnect",           "lpWSPDuplicateSocket",
    "lpWSPEnumNetworkEvents", "lpWSPEventSelect",     "lpWSPGetOverlappedResult",
    "lpWSPGetPeerName",     "lpWSPGetSockName",       "lpWSPGetSockOpt",
    "lpWSPGetQOSByName",    "lpWSPIoctl",             "lpWSPJoinLeaf",
    "lpWSPListen",          "lpWSPRecv",              "lpWSPRecvDisconnect",
    "lpWSPRecvFrom",        "lpWSPSelect",            "lpWSPSend",
    "lpWSPSendDisconnect",  "lpWSPSendTo",            "lpWSPSetSockOpt",
    "lpWSPShutdown",        "lpWSPSocket",            "lpWSPStringToAddress",
};
static_assert(sizeof(WSPPROC_TABLE) == 30 * sizeof(void *));

absl::Status StartProvider(LPWSPSTARTUP startup, const std::string &name,
                           const WSAPROTOCOL_INFOW &info, const WSPUPCALLTABLE &table,
                           WSPDATA *data, WSPPROC_TABLE *procs) {
  std::memset(data, 0, sizeof(*data));
  std::memset(procs, 0, sizeof(*procs));
  WSAPROTOCOL_INFOW given = info;  // the provider may write to it; the caller's copy stays
  int rc = startup(MAKEWORD(2, 2), data, &given, table, procs);
  if (rc == WSAVERNOTSUPPORTED) {
    return Failed(WSAVERNOTSUPPORTED, absl::StrCat(name, ": the provider cannot do 2.2"));
  }
  if (rc != 0) {
    return Failed(WSAEPROVIDERFAILEDINIT,
                  absl::StrCat(name, ": WSPStartup failed with ", WsaErrorName(rc)));
  }
  auto cleanup_and_fail = [&](int code, const std::string &message) {
    int err = 0;
    if (procs->lpWSPCleanup != nullptr) procs->lpWSPCleanup(&err);
    return Failed(code, message);
  };
  if (LOBYTE(data->wVersion) != 2 || HIBYTE(data->wVersion) != 2) {
    return cleanup_and_fail(
        WSAVERNOTSUPPORTED,
        absl::StrCat(name, ": the provider negotiated version ", LOBYTE(data->wVersion), ".",
                     HIBYTE(data->wVersion), ", not 2.2"));
  }
  const auto *entries = reinterpret_cast<void *const *>(procs);
  for (int i = 0; i < 30; ++i) {
    if (entries[i] == nullptr) {
      return cleanup_and_fail(WSAEINVALIDPROCTABLE,
                              absl::StrCat(name, ": proc table entry ", kProcTableNames[i],
                                           " is NULL"));
    }
  }
  return absl::OkStatus();
}

ProviderManager &ProviderManager::Get() {
  static ProviderManager *const manager = new ProviderManager();  // outlives static destructors
  return *manager;
}

void ProviderManager::SetUpcallTable(const WSPUPCALLTABLE &table) {
  StdMutexLock lock(&mu_);
  table_ = table;
  have_table_ = true;
}

namespace {

// The key of a provider GUID in the manager's map: its 16 bytes.
std::string GuidKey(const GUID &guid) {
  return std::string(reinterpret_cast<const char *>(&guid), sizeof(guid));
}

}  // namespace

// The one unload path for a provider file: one reference less on its module.
void ProviderManager::Unload(Slot &slot) {
  if (slot.module != nullptr) modules::Unload(slot.module).IgnoreError();  // ours: never fails
  slot.module = nullptr;
}

absl::Status ProviderManager::LoadAndStart(Slot &slot, const catalog::Entry &top,
                                           const WSAPROTOCOL_INFOW &info,
                                           const WSPUPCALLTABLE &table) {
  StartedProvider &p = slot.started;
  const std::string shown = Utf16ToUtf8(top.path);
  if (shown.empty()) {
    return Failed(WSAEPROVIDERFAILEDINIT,
                  absl::StrCat("catalog entry ", top.info.dwCatalogEntryId, ": empty provider path"));
  }
  modules::Options options;
  options.expand_variables = true;  // as ws2_32 expands the catalog's path
  absl::StatusOr<modules::Loaded> loaded = modules::Load(shown, options);
  if (!loaded.ok()) {
    // The resolver's message names the file ("PATH (LINUX PATH): no such file", the loader's
    // reason, dlerror()), except for a path whose variables expand to nothing.
    std::string message(loaded.status().message());
    if (message == "empty module name") message = absl::StrCat(shown, ": ", message);
    return Failed(WSAEPROVIDERFAILEDINIT, message);
  }
  slot.module = loaded->handle;
  p.path = loaded->path;
  p.kind = loaded->kind;
  absl::StatusOr<const void *> startup = modules::FindExport(slot.module, "WSPStartup");
  if (!startup.ok()) {
    Unload(slot);
    return Failed(WSAEPROVIDERFAILEDINIT, absl::StrCat(p.path, " does not export WSPStartup"));
  }
  absl::Status started =
      StartProvider(reinterpret_cast<LPWSPSTARTUP>(const_cast<void *>(*startup)), p.path, info,
                    table, &p.data, &p.procs);
  if (!started.ok()) Unload(slot);
  return started;
}

absl::StatusOr<const StartedProvider *> ProviderManager::StartForEntry(uint32_t catalog_id) {
  // The store keeps the parsed catalog and reparses only when the file changed; Find is an
  // index lookup.
  absl::StatusOr<std::shared_ptr<const catalog::Catalog>> cat =
      catalog::Store::ForCurrentPath().Read();
  if (!cat.ok()) return cat.status();
  const catalog::Entry *entry = (*cat)->Find(catalog_id);
  if (entry == nullptr) {
    return Failed(WSAEINVAL, absl::StrCat("catalog entry ", catalog_id, " does not exist"));
  }
  const WSAPROTOCOL_INFOW &info = entry->info;
  const catalog::Entry *top = entry;
  if (info.ProtocolChain.ChainLen == LAYERED_PROTOCOL) {
    return Failed(WSAEINVAL, absl::StrCat("catalog entry ", catalog_id,
                                          " is a layered entry: start one of its chains"));
  }
  if (info.ProtocolChain.ChainLen >= 2) {
    // Every entry of the chain must be installed, not only its top: a layer loads the entry
    // below it itself, and would fail there with a less precise error. A chain naming a removed
    // entry is what an installer that removes an LSP's hidden entry before its chains leaves
    // (WSCDeinstallProvider does not refuse that, as on Windows).
    for (int i = 0; i < info.ProtocolChain.ChainLen && i < MAX_PROTOCOL_CHAIN; ++i) {
      const DWORD id = info.ProtocolChain.ChainEntries[i];
      if ((*cat)->Find(id) == nullptr) {
        return Failed(WSAEPROVIDERFAILEDINIT,
                      absl::StrCat("catalog entry ", catalog_id, " (chain \"",
                                   Utf16ToUtf8(catalog::ProtocolName(info)), "\") names entry ",
                                   id, ", which is not installed"));
      }
    }
    top = (*cat)->Find(info.ProtocolChain.ChainEntries[0]);
  }
  const std::string key = GuidKey(top->info.ProviderId);
  Slot *slot = nullptr;
  WSPUPCALLTABLE table;
  {
    StdMutexLock lock(&mu_);
    for (;;) {
      auto it = slots_.find(key);
      if (it == slots_.end()) break;
      Slot &existing = *it->second;
      if (existing.state == Slot::State::kStarted) {
        ++existing.users;
        return &existing.started;
      }
      // Another thread is starting this provider, outside the lock. Its own WSPStartup asking
      // for itself again could never finish: refuse that instead of waiting forever.
      if (existing.starter == std::this_thread::get_id()) {
        return Failed(WSAEPROVIDERFAILEDINIT,
                      absl::StrCat("catalog entry ", catalog_id, ": its provider ",
                                   catalog::GuidToString(top->info.ProviderId),
                                   " was asked to start from its own WSPStartup"));
      }
      changed_.Wait(&mu_);  // then look again: it started, or failed and is gone
    }
    auto fresh = std::make_unique<Slot>();
    slot = fresh.get();
    slot->starter = std::this_thread::get_id();
    slot->started.provider_id = top->info.ProviderId;
    slot->started.catalog_id = catalog_id;
    slots_.emplace(key, std::move(fresh));
    table = have_table_ ? table_ : *ws2emu_upcall_table();
  }
  // No lock while loading and starting: a WSPStartup that loads the layer below it through this
  // manager, or that blocks, must not stall every other start.
  absl::Status started = LoadAndStart(*slot, *top, info, table);
  StdMutexLock lock(&mu_);
  if (!started.ok()) {
    slots_.erase(key);
    changed_.SignalAll();
    return started;
  }
  slot->state = Slot::State::kStarted;
  slot->users = 1;
  order_.push_back(slot);
  changed_.SignalAll();
  return &slot->started;
}

absl::Status ProviderManager::Cleanup(std::unique_ptr<Slot> slot) {
  absl::Status result;
  int err = 0;
  if (slot->started.procs.lpWSPCleanup(&err) != 0) {
    result = Failed(err != 0 ? err : WSAEINVAL,
                    absl::StrCat(slot->started.path, ": WSPCleanup failed with error ", err));
  }
  Unload(*slot);
  return result;
}

absl::Status ProviderManager::Release(const StartedProvider *provider) {
  std::unique_ptr<Slot> last;
  {
    StdMutexLock lock(&mu_);
    // Found by address among the started slots, never by reading *provider: a caller may hand
    // back a pointer whose provider is already gone.
    auto started = std::find_if(order_.begin(), order_.end(),
                                [&](const Slot *slot) { return &slot->started == provider; });
    if (provider == nullptr || started == order_.end()) {
      return Failed(WSAEINVAL, "not a started provider");
    }
    Slot *slot = *started;
    if (--slot->users > 0) return absl::OkStatus();
    order_.erase(started);
    auto it = slots_.find(GuidKey(slot->started.provider_id));
    last = std::move(it->second);
    slots_.erase(it);
  }
  return Cleanup(std::move(last));  // WSPCleanup outside the lock, as WSPStartup
}

absl::Status ProviderManager::CleanupAll() {
  std::vector<std::unique_ptr<Slot>> done;
  {
    StdMutexLock lock(&mu_);
    // Last started, first cleaned up (a layer before what it may have started itself). A start
    // still in progress on another thread is left to finish; it is not this call's to clean up.
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
      auto found = slots_.find(GuidKey((*it)->started.provider_id));
      done.push_back(std::move(found->second));
      slots_.erase(found);
    }
    order_.clear();
  }
  absl::Status first;
  for (std::unique_ptr<Slot> &slot : done) {
    absl::Status s = Cleanup(std::move(slot));
    if (first.ok()) first = s;
  }
  return first;
}

}  // namespace ws2emu::providers
