#include "base_provider/provider.h"

#include <atomic>
#include <cstring>
#include <new>
#include <vector>

#include "base/annotated_mutex.h"
#include "base_provider/base_provider.h"
#include "base_provider/network_events.h"
#include "base_provider/overlapped.h"
#include "base_provider/procs.h"
#include "base_provider/socket.h"

namespace ws2emu::base_provider {
namespace {

constexpr WORD kLowestVersion = 0x0002;   // MAKEWORD(2, 0)
constexpr WORD kHighestVersion = 0x0202;  // MAKEWORD(2, 2)

// (major, minor) as one comparable number (SPEC.md §4: compare as the pair).
int VersionKey(WORD v) { return (v & 0xff) * 256 + (v >> 8); }

constinit StdMutex g_mu;
int g_starts ABSL_GUARDED_BY(g_mu) = 0;
// Every distinct upcall table ever given; never freed (see Upcalls()).
std::vector<WSPUPCALLTABLE *> *g_tables ABSL_GUARDED_BY(g_mu) = nullptr;
constinit std::atomic<const WSPUPCALLTABLE *> g_upcalls{nullptr};
BaseSocket *g_open ABSL_GUARDED_BY(g_mu) = nullptr;
std::vector<std::shared_ptr<const WSAPROTOCOL_INFOW>> *g_infos ABSL_GUARDED_BY(g_mu) = nullptr;

// Keeps `table` (a copy) and makes it the current one. False when there is no memory.
bool UseTable(const WSPUPCALLTABLE &table) ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  if (g_tables == nullptr) {
    g_tables = new (std::nothrow) std::vector<WSPUPCALLTABLE *>();
    if (g_tables == nullptr) return false;
  }
  for (WSPUPCALLTABLE *kept : *g_tables) {
    if (std::memcmp(kept, &table, sizeof(table)) == 0) {
      g_upcalls.store(kept, std::memory_order_release);
      return true;
    }
  }
  auto *copy = new (std::nothrow) WSPUPCALLTABLE(table);
  if (copy == nullptr) return false;
  try {
    g_tables->push_back(copy);
  } catch (const std::bad_alloc &) {
    delete copy;
    return false;
  }
  g_upcalls.store(copy, std::memory_order_release);
  return true;
}

void FillProcTable(WSPPROC_TABLE *t) {
  t->lpWSPAccept = WSPAccept;
  t->lpWSPAddressToString = WSPAddressToString;
  t->lpWSPAsyncSelect = WSPAsyncSelect;
  t->lpWSPBind = WSPBind;
  t->lpWSPCancelBlockingCall = WSPCancelBlockingCall;
  t->lpWSPCleanup = WSPCleanup;
  t->lpWSPCloseSocket = WSPCloseSocket;
  t->lpWSPConnect = WSPConnect;
  t->lpWSPDuplicateSocket = WSPDuplicateSocket;
  t->lpWSPEnumNetworkEvents = WSPEnumNetworkEvents;
  t->lpWSPEventSelect = WSPEventSelect;
  t->lpWSPGetOverlappedResult = WSPGetOverlappedResult;
  t->lpWSPGetPeerName = WSPGetPeerName;
  t->lpWSPGetSockName = WSPGetSockName;
  t->lpWSPGetSockOpt = WSPGetSockOpt;
  t->lpWSPGetQOSByName = WSPGetQOSByName;
  t->lpWSPIoctl = WSPIoctl;
  t->lpWSPJoinLeaf = WSPJoinLeaf;
  t->lpWSPListen = WSPListen;
  t->lpWSPRecv = WSPRecv;
  t->lpWSPRecvDisconnect = WSPRecvDisconnect;
  t->lpWSPRecvFrom = WSPRecvFrom;
  t->lpWSPSelect = WSPSelect;
  t->lpWSPSend = WSPSend;
  t->lpWSPSendDisconnect = WSPSendDisconnect;
  t->lpWSPSendTo = WSPSendTo;
  t->lpWSPSetSockOpt = WSPSetSockOpt;
  t->lpWSPShutdown = WSPShutdown;
  t->lpWSPSocket = WSPSocket;
  t->lpWSPStringToAddress = WSPStringToAddress;
}

}  // namespace

const WSPUPCALLTABLE *Upcalls() { return g_upcalls.load(std::memory_order_acquire); }

bool Started() {
  StdMutexLock lock(&g_mu);
  return g_starts > 0;
}

bool AddOpenSocket(BaseSocket *socket) {
  StdMutexLock lock(&g_mu);
  if (g_starts == 0) return false;
  socket->prev_open = nullptr;
  socket->next_open = g_open;
  if (g_open != nullptr) g_open->prev_open = socket;
  g_open = socket;
  return true;
}

void RemoveOpenSocket(BaseSocket *socket) {
  StdMutexLock lock(&g_mu);
  if (socket->prev_open == nullptr && g_open != socket) return;  // not (or no longer) listed
  if (socket->prev_open != nullptr) socket->prev_open->next_open = socket->next_open;
  else g_open = socket->next_open;
  if (socket->next_open != nullptr) socket->next_open->prev_open = socket->prev_open;
  socket->prev_open = socket->next_open = nullptr;
}

std::shared_ptr<const WSAPROTOCOL_INFOW> InternProtocolInfo(const WSAPROTOCOL_INFOW &info) {
  StdMutexLock lock(&g_mu);
  try {
    if (g_infos == nullptr) g_infos = new std::vector<std::shared_ptr<const WSAPROTOCOL_INFOW>>();
    for (const auto &kept : *g_infos) {
      if (std::memcmp(kept.get(), &info, sizeof(info)) == 0) return kept;
    }
    auto copy = std::make_shared<const WSAPROTOCOL_INFOW>(info);
    g_infos->push_back(copy);
    return copy;
  } catch (const std::bad_alloc &) {
    return nullptr;
  }
}

int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable) {
  (void)lpProtocolInfo;  // one DLL for all four entries: WSPSocket gets the entry it serves
  if (lpWSPData == nullptr || lpProcTable == nullptr) return WSAEFAULT;
  if (VersionKey(wVersionRequested) < VersionKey(kLowestVersion)) return WSAVERNOTSUPPORTED;
  {
    StdMutexLock lock(&g_mu);
    if (!UseTable(UpcallTable)) return WSAENOBUFS;
    ++g_starts;
  }
  lpWSPData->wVersion =
      VersionKey(wVersionRequested) < VersionKey(kHighestVersion) ? wVersionRequested
                                                                  : kHighestVersion;
  lpWSPData->wHighVersion = kHighestVersion;
  static constexpr char16_t kDescription[] = u"ws2emu base provider (MSAFD Tcpip over Linux sockets)";
  static_assert(sizeof(kDescription) / 2 <= WSPDESCRIPTION_LEN + 1);
  std::memset(lpWSPData->szDescription, 0, sizeof(lpWSPData->szDescription));
  std::memcpy(lpWSPData->szDescription, kDescription, sizeof(kDescription));
  FillProcTable(lpProcTable);
  return 0;
}

// WSPCleanup (SPEC.md §5): the last one closes every socket still open, as if WSPCloseSocket
// had been called, except that pending operations end without notification.
int WSPAPI WSPCleanup(LPINT lpErrno) {
  {
    StdMutexLock lock(&g_mu);
    if (g_starts == 0) {
      if (lpErrno != nullptr) *lpErrno = WSANOTINITIALISED;
      return SOCKET_ERROR;
    }
    if (--g_starts > 0) return 0;
  }
  // No socket can be added now (AddOpenSocket fails once the count is 0). Take the sockets
  // out one at a time, so that nothing needs memory here.
  for (;;) {
    Ref<BaseSocket> socket;
    {
      StdMutexLock lock(&g_mu);
      if (g_open == nullptr) break;
      socket = Ref<BaseSocket>::Share(g_open);
      g_open = g_open->next_open;
      if (g_open != nullptr) g_open->prev_open = nullptr;
      socket->prev_open = socket->next_open = nullptr;
    }
    CloseForCleanup(*socket);
  }
  StopEngine();
  StopWatcher();
  return 0;
}

}  // namespace ws2emu::base_provider
