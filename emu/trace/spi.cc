// --trace=spi: every WSPStartup looked up by name (lib/modules FindExport: the provider manager,
// an LSP's GetProcAddress) is handed out as a tracing WSPStartup, which calls the real one, then
// replaces the 30 entries of the table it filled with wrappers bound to that layer. A wrapper
// prints one line per call and returns what the layer's own function returned.
//
// Per-layer state without closures: kLayers slots, each with its 30 wrappers instantiated from
// templates (Spi<Type>::Call<Slot, Index>) and the layer's real functions and label. A layer is
// one (WSPStartup, catalog ID, protocol name): the same provider started again for the same
// entry reuses its slot. When the slots run out, one warning, and further layers run unwrapped.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "base/annotated_mutex.h"
#include "base/utf.h"
#include "modules/modules.h"
#include "trace/trace.h"

namespace ws2emu::emu::trace {
namespace {

constexpr int kLayers = 64;
constexpr int kStartups = 64;
constexpr int kProcs = 30;

// Trivially destructible (fixed arrays, no std::string): a provider's thread may still trace
// while the process exits and static objects are destroyed.
struct Layer {
  std::atomic<void *> real[kProcs] = {};
  // Written once, under g_mu, before the first wrapper of the slot is handed out.
  // "MSWSOCK.dll \"MSAFD Tcpip [TCP/IP]\"#1001": the provider's file, and the protocol and
  // catalog ID its WSPStartup was given (an LSP passes its own chain's down, so the file tells
  // the layers of one chain apart).
  char label[256 + 4 * (WSAPROTOCOL_LEN + 1) + 16] = {};
  int startup = -1;
  DWORD catalog_id = 0;
  WCHAR protocol[WSAPROTOCOL_LEN + 1] = {};
};

struct StartupSlot {
  std::atomic<LPWSPSTARTUP> real{nullptr};
  char module[256] = {};  // its file name, for the WSPStartup line
};

void Copy(char *to, size_t size, const std::string &from) {
  const size_t n = std::min(size - 1, from.size());
  std::memcpy(to, from.data(), n);
  to[n] = 0;
}

Layer g_layers[kLayers];
StartupSlot g_startups[kStartups];
// Guards the allocation of slots; never held during a traced call (a WSPStartup that loads the
// layer below looks its WSPStartup up again, under no lock).
StdMutex g_mu;
int g_layer_count ABSL_GUARDED_BY(g_mu) = 0;
int g_startup_count ABSL_GUARDED_BY(g_mu) = 0;
bool g_warned_layers ABSL_GUARDED_BY(g_mu) = false;
bool g_warned_startups ABSL_GUARDED_BY(g_mu) = false;

enum Proc {
  kAccept, kAddressToString, kAsyncSelect, kBind, kCancelBlockingCall, kCleanup, kCloseSocket,
  kConnect, kDuplicateSocket, kEnumNetworkEvents, kEventSelect, kGetOverlappedResult,
  kGetPeerName, kGetSockName, kGetSockOpt, kGetQOSByName, kIoctl, kJoinLeaf, kListen, kRecv,
  kRecvDisconnect, kRecvFrom, kSelect, kSend, kSendDisconnect, kSendTo, kSetSockOpt, kShutdown,
  kSocket, kStringToAddress
};

const char *const kNames[kProcs] = {
    "WSPAccept", "WSPAddressToString", "WSPAsyncSelect", "WSPBind", "WSPCancelBlockingCall",
    "WSPCleanup", "WSPCloseSocket", "WSPConnect", "WSPDuplicateSocket", "WSPEnumNetworkEvents",
    "WSPEventSelect", "WSPGetOverlappedResult", "WSPGetPeerName", "WSPGetSockName",
    "WSPGetSockOpt", "WSPGetQOSByName", "WSPIoctl", "WSPJoinLeaf", "WSPListen", "WSPRecv",
    "WSPRecvDisconnect", "WSPRecvFrom", "WSPSelect", "WSPSend", "WSPSendDisconnect", "WSPSendTo",
    "WSPSetSockOpt", "WSPShutdown", "WSPSocket", "WSPStringToAddress"};

template <int I>
struct Tag {};

// Any argument, raw: integers in decimal, pointers in hex.
template <typename T>
std::string Raw(T v) {
  if constexpr (std::is_pointer_v<T>) {
    return Ptr(reinterpret_cast<const void *>(v));
  } else if constexpr (std::is_enum_v<T>) {
    return std::to_string(static_cast<long long>(v));
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(v);
  } else {
    return "?";
  }
}

// The generic line: every argument raw but lpErrno (the last).
template <int I, typename R, typename... A>
std::string Describe(Tag<I>, R r, A... a) {
  std::string args;
  size_t i = 0;
  constexpr size_t n = sizeof...(A);
  auto add = [&](auto v) {
    if (i + 1 < n) args += (i != 0 ? ", " : "") + Raw(v);
    ++i;
  };
  (add(a), ...);
  return std::string(kNames[I]) + "(" + args + ") = " + Raw(r);
}

std::string Count(const char *what, bool ok, const DWORD *n) {
  if (!ok || n == nullptr) return "";
  return std::string(" ") + what + "=" + std::to_string(*n);
}

std::string Describe(Tag<kAccept>, SOCKET r, SOCKET s, WS_sockaddr *addr, LPINT addrlen,
                     LPCONDITIONPROC cond, DWORD_PTR, LPINT) {
  return "WSPAccept(s=" + Sock(s) + (cond != nullptr ? ", condition" : "") + ") = " + Sock(r) +
         (r != INVALID_SOCKET && addr != nullptr ? " from " + AddrOut(addr, addrlen) : "");
}
std::string Describe(Tag<kBind>, int r, SOCKET s, const WS_sockaddr *name, int len, LPINT) {
  return "WSPBind(s=" + Sock(s) + ", " + Addr(name, len) + ") = " + std::to_string(r);
}
std::string Describe(Tag<kCleanup>, int r, LPINT) { return "WSPCleanup() = " + std::to_string(r); }
std::string Describe(Tag<kCloseSocket>, int r, SOCKET s, LPINT) {
  return "WSPCloseSocket(s=" + Sock(s) + ") = " + std::to_string(r);
}
std::string Describe(Tag<kConnect>, int r, SOCKET s, const WS_sockaddr *name, int len, LPWSABUF,
                     LPWSABUF, LPQOS, LPQOS, LPINT) {
  return "WSPConnect(s=" + Sock(s) + ", " + Addr(name, len) + ") = " + std::to_string(r);
}
std::string Describe(Tag<kEnumNetworkEvents>, int r, SOCKET s, WSAEVENT e, LPWSANETWORKEVENTS ne,
                     LPINT) {
  return "WSPEnumNetworkEvents(s=" + Sock(s) + ", event=" + Ptr(e) + ") = " + std::to_string(r) +
         (r == 0 && ne != nullptr ? " events=" + Events(ne->lNetworkEvents) : "");
}
std::string Describe(Tag<kEventSelect>, int r, SOCKET s, WSAEVENT e, LONG events, LPINT) {
  return "WSPEventSelect(s=" + Sock(s) + ", event=" + Ptr(e) + ", " + Events(events) + ") = " +
         std::to_string(r);
}
std::string Describe(Tag<kAsyncSelect>, int r, SOCKET s, HWND w, unsigned msg, LONG events,
                     LPINT) {
  return "WSPAsyncSelect(s=" + Sock(s) + ", hwnd=" + Ptr(w) + ", msg=" + Hex(msg) + ", " +
         Events(events) + ") = " + std::to_string(r);
}
std::string Describe(Tag<kGetOverlappedResult>, BOOL r, SOCKET s, LPWSAOVERLAPPED o,
                     LPDWORD transfer, BOOL wait, LPDWORD flags, LPINT) {
  return "WSPGetOverlappedResult(s=" + Sock(s) + ", ovl=" + Ovl(o) +
         (wait ? ", wait" : ", no wait") + ") = " + (r ? "TRUE" : "FALSE") +
         Count("bytes", r, transfer) +
         (r && flags != nullptr ? " flags=" + MsgFlags(*flags) : "");
}
std::string Describe(Tag<kGetPeerName>, int r, SOCKET s, WS_sockaddr *name, LPINT len, LPINT) {
  return "WSPGetPeerName(s=" + Sock(s) + ") = " + std::to_string(r) +
         (r == 0 ? " " + AddrOut(name, len) : "");
}
std::string Describe(Tag<kGetSockName>, int r, SOCKET s, WS_sockaddr *name, LPINT len, LPINT) {
  return "WSPGetSockName(s=" + Sock(s) + ") = " + std::to_string(r) +
         (r == 0 ? " " + AddrOut(name, len) : "");
}
std::string Describe(Tag<kGetSockOpt>, int r, SOCKET s, int level, int name, char *val,
                     LPINT len, LPINT) {
  return "WSPGetSockOpt(s=" + Sock(s) + ", " + Level(level) + ", " + OptName(level, name) +
         ") = " + std::to_string(r) +
         (r == 0 && len != nullptr ? " " + OptVal(val, *len) : "");
}
std::string Describe(Tag<kSetSockOpt>, int r, SOCKET s, int level, int name, const char *val,
                     int len, LPINT) {
  return "WSPSetSockOpt(s=" + Sock(s) + ", " + Level(level) + ", " + OptName(level, name) +
         ", " + OptVal(val, len) + ") = " + std::to_string(r);
}
std::string Describe(Tag<kIoctl>, int r, SOCKET s, DWORD code, LPVOID, DWORD in, LPVOID,
                     DWORD out, LPDWORD returned, LPWSAOVERLAPPED o,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPWSATHREADID, LPINT) {
  return "WSPIoctl(s=" + Sock(s) + ", " + IoctlCode(code) + ", in " + std::to_string(in) +
         " B, out " + std::to_string(out) + " B, ovl=" + Ovl(o) + ") = " + std::to_string(r) +
         Count("returned", r == 0, returned);
}
std::string Describe(Tag<kListen>, int r, SOCKET s, int backlog, LPINT) {
  return "WSPListen(s=" + Sock(s) + ", backlog=" + std::to_string(backlog) + ") = " +
         std::to_string(r);
}
std::string Describe(Tag<kRecv>, int r, SOCKET s, LPWSABUF b, DWORD n, LPDWORD got,
                     LPDWORD flags, LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
                     LPWSATHREADID, LPINT) {
  return "WSPRecv(s=" + Sock(s) + ", " + Bufs(b, n) + ", ovl=" + Ovl(o) +
         (cr != nullptr ? ", routine" : "") + ") = " + std::to_string(r) +
         Count("received", r == 0, got) +
         (r == 0 && flags != nullptr && *flags != 0 ? " flags=" + MsgFlags(*flags) : "");
}
std::string Describe(Tag<kRecvFrom>, int r, SOCKET s, LPWSABUF b, DWORD n, LPDWORD got,
                     LPDWORD flags, WS_sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED o,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID, LPINT) {
  return "WSPRecvFrom(s=" + Sock(s) + ", " + Bufs(b, n) + ", ovl=" + Ovl(o) +
         (cr != nullptr ? ", routine" : "") + ") = " + std::to_string(r) +
         Count("received", r == 0, got) +
         (r == 0 && from != nullptr && o == nullptr ? " from " + AddrOut(from, fromlen) : "") +
         (r == 0 && flags != nullptr && *flags != 0 ? " flags=" + MsgFlags(*flags) : "");
}
std::string Describe(Tag<kSelect>, int r, int, WS_fd_set *rd, WS_fd_set *wr, WS_fd_set *ex,
                     const WS_timeval *t, LPINT) {
  auto n = [](const WS_fd_set *f) { return f == nullptr ? std::string("-") : std::to_string(f->fd_count); };
  return "WSPSelect(read " + n(rd) + ", write " + n(wr) + ", except " + n(ex) + ", timeout " +
         (t == nullptr ? std::string("none")
                       : std::to_string(t->tv_sec) + "." + std::to_string(t->tv_usec / 1000) + " s") +
         ") = " + std::to_string(r);
}
std::string Describe(Tag<kSend>, int r, SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent, DWORD flags,
                     LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID,
                     LPINT) {
  return "WSPSend(s=" + Sock(s) + ", " + Bufs(b, n) + ", flags=" + MsgFlags(flags) +
         ", ovl=" + Ovl(o) + (cr != nullptr ? ", routine" : "") + ") = " + std::to_string(r) +
         Count("sent", r == 0, sent);
}
std::string Describe(Tag<kSendTo>, int r, SOCKET s, LPWSABUF b, DWORD n, LPDWORD sent,
                     DWORD flags, const WS_sockaddr *to, int tolen, LPWSAOVERLAPPED o,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID, LPINT) {
  return "WSPSendTo(s=" + Sock(s) + ", " + Bufs(b, n) + ", flags=" + MsgFlags(flags) + ", to " +
         Addr(to, tolen) + ", ovl=" + Ovl(o) + (cr != nullptr ? ", routine" : "") + ") = " +
         std::to_string(r) + Count("sent", r == 0, sent);
}
std::string Describe(Tag<kShutdown>, int r, SOCKET s, int how, LPINT) {
  static const char *const kHow[] = {"SD_RECEIVE", "SD_SEND", "SD_BOTH"};
  return "WSPShutdown(s=" + Sock(s) + ", " +
         (how >= 0 && how <= 2 ? kHow[how] : std::to_string(how)) + ") = " + std::to_string(r);
}
std::string Describe(Tag<kSocket>, SOCKET r, int af, int type, int protocol,
                     LPWSAPROTOCOL_INFOW info, GROUP, DWORD flags, LPINT) {
  return "WSPSocket(" + Family(af) + ", " + Type(type) + ", " + Protocol(protocol) +
         (info != nullptr ? ", entry " + std::to_string(info->dwCatalogEntryId) : "") +
         ", flags=" + SocketFlags(flags) + ") = " + Sock(r);
}

std::string Describe(Tag<kStringToAddress>, INT r, LPWSTR text, INT af, LPWSAPROTOCOL_INFOW,
                     LPSOCKADDR address, LPINT len, LPINT) {
  return "WSPStringToAddress(" + Wide(text) + ", " + Family(af) + ") = " + std::to_string(r) +
         (r == 0 ? " " + AddrOut(address, len) : "");
}
std::string Describe(Tag<kAddressToString>, INT r, LPSOCKADDR address, DWORD len,
                     LPWSAPROTOCOL_INFOW, LPWSTR text, LPDWORD, LPINT) {
  return "WSPAddressToString(" + Addr(address, len) + ") = " + std::to_string(r) +
         (r == 0 ? " " + Wide(text) : "");
}

// lpErrno: every WSP function's last argument.
template <typename... A>
int *LastErrno(A... a) {
  return std::get<sizeof...(A) - 1>(std::tuple<A...>(a...));
}

template <typename F>
struct Spi;
template <typename R, typename... A>
struct Spi<R(WSPAPI *)(A...)> {
  template <int S, int I>
  static R WSPAPI Call(A... a) {
    Layer &layer = g_layers[S];
    auto real = reinterpret_cast<R(WSPAPI *)(A...)>(layer.real[I].load(std::memory_order_relaxed));
    Clock clock;
    R r = real(a...);
    std::string line = std::string(layer.label) + " " + Describe(Tag<I>{}, r, a...);
    bool failed;
    if constexpr (I == kGetOverlappedResult || I == kGetQOSByName) {
      failed = !r;
    } else if constexpr (std::is_same_v<R, SOCKET>) {
      failed = r == INVALID_SOCKET;
    } else {
      failed = r == SOCKET_ERROR;
    }
    if (int *err = LastErrno(a...); failed && err != nullptr) line += " " + Err(*err);
    Emit("spi", line + clock.Elapsed());
    return r;
  }
};

// The member types of WSPPROC_TABLE in order, for the wrappers.
#define PROCS(X)                                                                       \
  X(lpWSPAccept, 0) X(lpWSPAddressToString, 1) X(lpWSPAsyncSelect, 2) X(lpWSPBind, 3)  \
  X(lpWSPCancelBlockingCall, 4) X(lpWSPCleanup, 5) X(lpWSPCloseSocket, 6)              \
  X(lpWSPConnect, 7) X(lpWSPDuplicateSocket, 8) X(lpWSPEnumNetworkEvents, 9)           \
  X(lpWSPEventSelect, 10) X(lpWSPGetOverlappedResult, 11) X(lpWSPGetPeerName, 12)      \
  X(lpWSPGetSockName, 13) X(lpWSPGetSockOpt, 14) X(lpWSPGetQOSByName, 15)              \
  X(lpWSPIoctl, 16) X(lpWSPJoinLeaf, 17) X(lpWSPListen, 18) X(lpWSPRecv, 19)            \
  X(lpWSPRecvDisconnect, 20) X(lpWSPRecvFrom, 21) X(lpWSPSelect, 22) X(lpWSPSend, 23)   \
  X(lpWSPSendDisconnect, 24) X(lpWSPSendTo, 25) X(lpWSPSetSockOpt, 26)                 \
  X(lpWSPShutdown, 27) X(lpWSPSocket, 28) X(lpWSPStringToAddress, 29)

// Slot S's wrappers, as a WSPPROC_TABLE.
template <int S>
WSPPROC_TABLE Wrappers() {
  WSPPROC_TABLE t;
#define WRAP(member, index) \
  t.member = &Spi<decltype(WSPPROC_TABLE::member)>::template Call<S, index>;
  PROCS(WRAP)
#undef WRAP
  return t;
}

template <size_t... S>
constexpr auto MakeWrapperTables(std::index_sequence<S...>) {
  return std::array<WSPPROC_TABLE (*)(), sizeof...(S)>{&Wrappers<S>...};
}
const auto kWrapperTables = MakeWrapperTables(std::make_index_sequence<kLayers>());

// Replaces the entries of `procs` with slot S's wrappers, after keeping the real ones.
void WrapLayer(int startup, const WSAPROTOCOL_INFOW &info, WSPPROC_TABLE *procs) {
  WCHAR protocol[WSAPROTOCOL_LEN + 1] = {};
  for (size_t i = 0; i < WSAPROTOCOL_LEN && info.szProtocol[i] != 0; ++i) protocol[i] = info.szProtocol[i];
  int slot = -1;
  {
    StdMutexLock lock(&g_mu);
    for (int i = 0; i < g_layer_count; ++i) {
      const Layer &l = g_layers[i];
      if (l.startup == startup && l.catalog_id == info.dwCatalogEntryId &&
          std::memcmp(l.protocol, protocol, sizeof(protocol)) == 0) {
        slot = i;
        break;
      }
    }
    if (slot < 0) {
      if (g_layer_count == kLayers) {
        if (!g_warned_layers) {
          g_warned_layers = true;
          Emit("spi", "warning: more than " + std::to_string(kLayers) +
                          " layers started; the calls of further layers are not traced");
        }
        return;
      }
      slot = g_layer_count++;
      Layer &l = g_layers[slot];
      l.startup = startup;
      l.catalog_id = info.dwCatalogEntryId;
      std::memcpy(l.protocol, protocol, sizeof(protocol));
      Copy(l.label, sizeof(l.label),
           std::string(g_startups[startup].module) + " \"" +
               Utf16ToUtf8(reinterpret_cast<const char16_t *>(protocol)) + "\"#" +
               std::to_string(info.dwCatalogEntryId));
    }
  }
  Layer &l = g_layers[slot];
  const WSPPROC_TABLE wrappers = kWrapperTables[slot]();
  auto *entries = reinterpret_cast<void **>(procs);
  const auto *ours = reinterpret_cast<void *const *>(&wrappers);
  for (int i = 0; i < kProcs; ++i) {
    if (entries[i] == nullptr) continue;  // left for the caller's check (WSAEINVALIDPROCTABLE)
    if (entries[i] != ours[i]) l.real[i].store(entries[i], std::memory_order_relaxed);
    entries[i] = ours[i];
  }
}

template <int K>
int WSPAPI TracedStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                         WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE procs) {
  const StartupSlot &s = g_startups[K];
  Clock clock;
  const int r = s.real.load(std::memory_order_relaxed)(version, data, info, upcalls, procs);
  const std::string label =
      std::string(s.module) + " " +
      (info != nullptr ? "\"" + Utf16ToUtf8(reinterpret_cast<const char16_t *>(info->szProtocol)) +
                             "\"#" + std::to_string(info->dwCatalogEntryId)
                       : std::string("NULL"));
  Emit("spi", label + " WSPStartup(" + std::to_string(version & 0xff) + "." +
                  std::to_string(version >> 8) + ") = " + std::to_string(r) +
                  (r != 0 ? " " + Err(r) : "") +
                  (r == 0 && data != nullptr
                       ? " version " + std::to_string(data->wVersion & 0xff) + "." +
                             std::to_string(data->wVersion >> 8)
                       : "") +
                  clock.Elapsed());
  if (r == 0 && info != nullptr && procs != nullptr) WrapLayer(K, *info, procs);
  return r;
}

template <size_t... K>
constexpr auto MakeStartups(std::index_sequence<K...>) {
  return std::array<LPWSPSTARTUP, sizeof...(K)>{&TracedStartup<K>...};
}
const auto kTracedStartups = MakeStartups(std::make_index_sequence<kStartups>());

const void *Filter(const void *handle, std::string_view name, const void *address) {
  if (name != "WSPStartup") return address;
  for (const LPWSPSTARTUP traced : kTracedStartups)
    if (reinterpret_cast<const void *>(traced) == address) return address;  // already ours
  std::string module = "?";
  if (absl::StatusOr<std::string> file = modules::FileName(handle); file.ok()) {
    module = *file;
    const size_t cut = module.find_last_of("/\\");
    if (cut != std::string::npos) module = module.substr(cut + 1);
  }
  auto real = reinterpret_cast<LPWSPSTARTUP>(const_cast<void *>(address));
  StdMutexLock lock(&g_mu);
  for (int i = 0; i < g_startup_count; ++i) {
    if (g_startups[i].real.load(std::memory_order_relaxed) == real)
      return reinterpret_cast<const void *>(kTracedStartups[i]);
  }
  if (g_startup_count == kStartups) {
    if (!g_warned_startups) {
      g_warned_startups = true;
      Emit("spi", "warning: more than " + std::to_string(kStartups) +
                      " providers loaded; further ones are not traced");
    }
    return address;
  }
  StartupSlot &s = g_startups[g_startup_count];
  Copy(s.module, sizeof(s.module), module);
  s.real.store(real, std::memory_order_relaxed);
  return reinterpret_cast<const void *>(kTracedStartups[g_startup_count++]);
}

}  // namespace

void StartSpi() { modules::SetExportFilter(&Filter); }

}  // namespace ws2emu::emu::trace
