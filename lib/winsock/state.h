// lib/winsock/state.h — the process's Winsock state: the start-up count, the providers the API
// started, the sockets it handed out, and the calls in progress.
//
//   State &st = State::Get();
//   InFlight call;                                  // before looking at anything else
//   if (!st.started()) ... WSANOTINITIALISED
//   const WSPPROC_TABLE *procs = st.ProcsFor(catalog_id, &error);   // started on first use
//
// Providers. A socket's record (lib/sockets) names the catalog entry that owns it; ProcsFor maps
// that ID to the proc table of the provider the provider manager started for it (once per
// provider GUID, counted), starting it on first use, as ws2_32 loads a provider when the first
// socket of one of its entries is created. The map is an append-only array read without a lock:
// every call by SOCKET reads it, and a process uses few entries. The last WSACleanup empties it.
//
// The last WSACleanup. Windows closes every socket still open (as closesocket would) and ends
// the blocking calls in progress, then the providers get WSPCleanup. Here: the count drops to
// zero first, so new calls fail with WSANOTINITIALISED; the sockets the API handed out are
// closed through their providers (which ends the blocking calls waiting on them); the calls
// still in progress are waited for, so no provider is unloaded under a thread that runs it;
// then every provider the API started is released (its last user's release is WSPCleanup).
// [inference] The wait is bounded (kDrainTimeout): a call that does not return by then (a
// provider blocked for good) keeps the providers started rather than unloading code a thread
// may still run; the next WSAStartup uses them as they are. WS2EMU_DEBUG says so.
#ifndef WS2EMU_LIB_WINSOCK_STATE_H_
#define WS2EMU_LIB_WINSOCK_STATE_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "base/annotated_mutex.h"
#include "providers/manager.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::winsock {

class State {
 public:
  static State &Get();

  bool started() const { return users_.load(std::memory_order_seq_cst) > 0; }
  // A successful WSAStartup.
  void AddUser();
  // WSACleanup of a started process (see "The last WSACleanup"). 0 or a WSA error.
  int RemoveUser();

  // The started provider that owns catalog entry `catalog_id`, starting it on first use; null
  // with *error set (the provider manager's WSA error) when it cannot be started.
  const providers::StartedProvider *ProviderFor(uint32_t catalog_id, int *error);

  // The API handed out / closed the socket `s` (the last WSACleanup closes what is left).
  // False when the set could not grow (no memory).
  bool Opened(uint64_t s);
  void Closed(uint64_t s);

  // Calls in progress (InFlight).
  void Enter() { in_flight_.fetch_add(1, std::memory_order_seq_cst); }
  void Leave() { in_flight_.fetch_sub(1, std::memory_order_release); }

 private:
  static constexpr int kMaxProviders = 64;
  struct Slot {
    std::atomic<uint32_t> id{0};
    std::atomic<const providers::StartedProvider *> provider{nullptr};
  };
  const providers::StartedProvider *Find(uint32_t catalog_id) const;
  void Drain();

  StdMutex mu_;  // serialises start-up, clean-up and the slots' writers
  std::atomic<int> users_{0};
  std::atomic<int64_t> in_flight_{0};
  Slot slots_[kMaxProviders];
  std::atomic<int> slot_count_{0};
  // Every StartForEntry that succeeded, released by the last WSACleanup.
  std::vector<const providers::StartedProvider *> acquired_ ABSL_GUARDED_BY(mu_);
  // Catalog entries whose failure to start has been reported (see ProviderFor).
  std::vector<uint32_t> reported_ ABSL_GUARDED_BY(mu_);
  StdMutex sockets_mu_;
  absl::flat_hash_set<uint64_t> sockets_ ABSL_GUARDED_BY(sockets_mu_);
};

// One Winsock call in progress, for the last WSACleanup to wait for. Taken before the start-up
// check, so a clean-up that has seen no call will be seen by every later one.
class InFlight {
 public:
  InFlight();
  ~InFlight();
  InFlight(const InFlight &) = delete;
  InFlight &operator=(const InFlight &) = delete;
};

}  // namespace ws2emu::winsock

#endif  // WS2EMU_LIB_WINSOCK_STATE_H_
