#include "winsock/state.h"

#include <algorithm>
#include <chrono>
#include <new>
#include <thread>

#include "base/debug.h"
#include "base/wsa_status.h"
#include "sockets/socket_record.h"
#include "ws2emu/winsock_errors.h"

namespace ws2emu::winsock {
namespace {

// How long the last WSACleanup waits for the calls still in progress (see state.h).
constexpr auto kDrainTimeout = std::chrono::seconds(5);

// The calling thread's own calls in progress: a WSACleanup made from inside one (a blocking
// hook, a completion routine run by a provider) does not wait for itself.
thread_local int t_depth = 0;

}  // namespace

State &State::Get() {
  static State *state = new State();  // never destroyed: calls may come during exit
  return *state;
}

InFlight::InFlight() {
  ++t_depth;
  State::Get().Enter();
}

InFlight::~InFlight() {
  State::Get().Leave();
  --t_depth;
}

void State::AddUser() {
  StdMutexLock lock(&mu_);
  users_.fetch_add(1, std::memory_order_seq_cst);
}

const providers::StartedProvider *State::Find(uint32_t catalog_id) const {
  const int n = slot_count_.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) {
    if (slots_[i].id.load(std::memory_order_relaxed) == catalog_id) {
      return slots_[i].provider.load(std::memory_order_relaxed);
    }
  }
  return nullptr;
}

const providers::StartedProvider *State::ProviderFor(uint32_t catalog_id, int *error) {
  if (const providers::StartedProvider *p = Find(catalog_id)) return p;
  StdMutexLock lock(&mu_);
  if (users_.load(std::memory_order_relaxed) == 0) {
    *error = WSANOTINITIALISED;
    return nullptr;
  }
  if (const providers::StartedProvider *p = Find(catalog_id)) return p;
  const int n = slot_count_.load(std::memory_order_relaxed);
  if (n == kMaxProviders) {
    // [inference] More catalog entries in use at once than any process needs; ENOBUFS is
    // Winsock's "no room".
    DebugLog("winsock", "more than %d catalog entries in use: entry %u refused", kMaxProviders,
             catalog_id);
    *error = WSAENOBUFS;
    return nullptr;
  }
  // The manager runs WSPStartup without holding its own lock; this one is held so that two
  // first sockets of the same entry start it once. A provider's WSPStartup does not create
  // sockets through the Winsock API, so nothing here waits on itself.
  absl::StatusOr<const providers::StartedProvider *> started =
      providers::ProviderManager::Get().StartForEntry(catalog_id);
  if (!started.ok()) {
    // [inference] Windows only returns WSAEPROVIDERFAILEDINIT; the reason (a broken chain
    // naming the missing entry, a DLL that cannot load, a failing WSPStartup) is what the user
    // must fix, so it is printed once per catalog entry, and every time with WS2EMU_DEBUG.
    const bool first = std::find(reported_.begin(), reported_.end(), catalog_id) == reported_.end();
    if (first || DebugEnabled()) {
      const std::string reason(started.status().message());
      const std::string self = "catalog entry " + std::to_string(catalog_id);
      if (reason.starts_with(self)) {  // the manager's message names the entry already
        Notice("winsock", "%s", reason.c_str());
      } else {
        Notice("winsock", "%s cannot be used: %s", self.c_str(), reason.c_str());
      }
    }
    if (first) {
      try {
        reported_.push_back(catalog_id);
      } catch (const std::bad_alloc &) {  // only the once-only note is lost
      }
    }
    *error = WsaErrorOf(started.status());
    return nullptr;
  }
  acquired_.push_back(*started);
  slots_[n].provider.store(*started, std::memory_order_relaxed);
  slots_[n].id.store(catalog_id, std::memory_order_relaxed);
  slot_count_.store(n + 1, std::memory_order_release);
  return *started;
}

bool State::Opened(uint64_t s) {
  StdMutexLock lock(&sockets_mu_);
  try {
    sockets_.insert(s);
  } catch (const std::bad_alloc &) {
    return false;
  }
  return true;
}

void State::Closed(uint64_t s) {
  StdMutexLock lock(&sockets_mu_);
  sockets_.erase(s);
}

void State::Drain() {
  const auto deadline = std::chrono::steady_clock::now() + kDrainTimeout;
  while (in_flight_.load(std::memory_order_acquire) > t_depth) {
    if (std::chrono::steady_clock::now() >= deadline) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

int State::RemoveUser() {
  {
    StdMutexLock lock(&mu_);
    const int users = users_.load(std::memory_order_relaxed);
    if (users == 0) return WSANOTINITIALISED;
    // The last user stores the zero too: from here on every new call fails with
    // WSANOTINITIALISED (it took InFlight before it looked, so Drain sees it or it sees the zero).
    users_.store(users - 1, std::memory_order_seq_cst);
    if (users > 1) return 0;
  }
  // No lock is held from here to the release: a call that is starting a provider holds mu_, and
  // Drain waits for it.
  absl::flat_hash_set<uint64_t> open;
  {
    StdMutexLock sockets_lock(&sockets_mu_);
    open.swap(sockets_);
  }
  for (uint64_t s : open) {
    sockets::SocketRef ref = sockets::GetSocket(s);  // pinned for the provider's close
    if (!ref) continue;                              // closed by a provider meanwhile
    const providers::StartedProvider *p = Find(ref->catalog_id());
    if (p == nullptr) continue;
    int error = 0;
    p->procs.lpWSPCloseSocket(s, &error);
  }
  Drain();
  StdMutexLock lock(&mu_);
  if (in_flight_.load(std::memory_order_acquire) > t_depth) {
    DebugLog("winsock", "WSACleanup: calls still in progress after %lld s; the providers stay "
             "started", static_cast<long long>(kDrainTimeout.count()));
    return 0;
  }
  // A WSAStartup on another thread since the count reached zero keeps what it may be using.
  if (users_.load(std::memory_order_relaxed) > 0) return 0;
  // [inference] A provider whose WSPCleanup fails does not fail WSACleanup: its documented
  // errors are WSANOTINITIALISED, WSAENETDOWN and WSAEINPROGRESS only, ReactOS ignores the
  // providers' answers, and real LSPs (Microsoft's non-IFS sample) return SOCKET_ERROR from a
  // WSPCleanup that did its work. The provider is released either way; WS2EMU_DEBUG says why.
  for (auto it = acquired_.rbegin(); it != acquired_.rend(); ++it) {
    absl::Status s = providers::ProviderManager::Get().Release(*it);
    if (!s.ok()) DebugLog("winsock", "WSACleanup: %s", std::string(s.message()).c_str());
  }
  acquired_.clear();
  slot_count_.store(0, std::memory_order_release);
  for (Slot &slot : slots_) {
    slot.id.store(0, std::memory_order_relaxed);
    slot.provider.store(nullptr, std::memory_order_relaxed);
  }
  return 0;
}

}  // namespace ws2emu::winsock
