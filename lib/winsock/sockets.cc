// The Winsock calls that create sockets (socket, WSASocketA/W, accept, WSAAccept) and the calls
// by SOCKET, each passed to the provider that owns the socket (call.h), with the provider's
// errors passed through as the thread's last error.
//
// Choosing a catalog entry (socket / WSASocket without a WSAPROTOCOL_INFO). The entries are
// scanned in catalog order, base entries and chains (layered entries are never chosen), and the
// first that matches wins: address family equal (or af 0), socket type equal (or type 0), and
// protocol within [iProtocol, iProtocol + iProtocolMaxOffset] — or protocol 0 and the entry has
// PFL_MATCHES_PROTOCOL_ZERO. When none matches, the error is the one Windows gives (Wine's
// ws2_32 tests record them from Windows): af 0 with protocol 0 is WSAEINVAL whatever the type;
// a family no entry has is WSAEAFNOSUPPORT; a type no entry of that family has is
// WSAESOCKTNOSUPPORT; anything else is WSAEPROTONOSUPPORT (so SOCK_DGRAM with IPPROTO_TCP is
// WSAEPROTONOSUPPORT, not WSAEPROTOTYPE).
//
// With a WSAPROTOCOL_INFO (FROM_PROTOCOL_INFO, a duplicated socket), its dwCatalogEntryId names
// the entry, and af/type/protocol each come from it where the argument is FROM_PROTOCOL_INFO or
// 0 (Windows takes the arguments first: Wine's tests again).
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "base/debug.h"
#include "base/utf.h"
#include "base/wsa_status.h"
#include "catalog/wsc_calls.h"
#include "winsock/call.h"
#include "winsock/winsock.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {

SocketCall::SocketCall(uint64_t s) {
  if (error_ != 0) return;
  ref_ = sockets::GetSocket(s);
  if (!ref_) {
    error_ = WSAENOTSOCK;
    return;
  }
  catalog_id_ = ref_->catalog_id();
  provider_ = State::Get().ProviderFor(catalog_id_, &error_);
  if (provider_ == nullptr) ref_.Reset();
}

namespace {

// The calling thread's WSATHREADID (CurrentThreadId): opened on first use, closed at exit.
struct ThreadId {
  WSATHREADID id{};
  bool open = false;
  ~ThreadId() {
    int error = 0;
    if (open) WPUCloseThread(&id, &error);
  }
};
thread_local ThreadId t_thread_id;

}  // namespace

LPWSATHREADID CurrentThreadId(int *error) {
  ThreadId &t = t_thread_id;
  if (!t.open) {
    if (WPUOpenCurrentThread(&t.id, error) != 0) return nullptr;
    t.open = true;
  }
  return &t.id;
}

int AdoptSocket(uint64_t s, uint32_t catalog_id) {
  sockets::SocketRef ref = sockets::GetSocket(s);
  if (!ref) {
    // [inference] A provider that returns a handle it never created with WPUCreateSocketHandle
    // or registered with WPUModifyIFSHandle: no call could be routed to it.
    DebugLog("winsock", "catalog entry %u returned socket %#llx, which it never created with "
             "WPUCreateSocketHandle or registered with WPUModifyIFSHandle", catalog_id,
             static_cast<unsigned long long>(s));
    return WSAEPROVIDERFAILEDINIT;
  }
  // The socket belongs to the entry the API called, whoever registered the handle below it
  // (a layered provider passes its base provider's handle up, as ws2_32 sees it).
  ref->set_catalog_id(catalog_id);
  if (!State::Get().Opened(s)) return WSAENOBUFS;
  return 0;
}

namespace {

// The thread's SO_OPENTYPE (a Winsock 1.1 setting ws2_32 keeps per thread): socket() creates
// overlapped sockets unless it is set.
thread_local int t_open_type = 0;

bool InRange(const WSAPROTOCOL_INFOW &e, int protocol) {
  return protocol >= e.iProtocol && protocol <= e.iProtocol + e.iProtocolMaxOffset;
}

// The entry socket() uses for (af, type, protocol), or a WSA error (see the file comment).
int ChooseEntry(int af, int type, int protocol, WSAPROTOCOL_INFOW *chosen) {
  if (af == 0 && protocol == 0) return WSAEINVAL;
  absl::StatusOr<std::vector<WSAPROTOCOL_INFOW>> entries = catalog::CurrentEntries(false);
  if (!entries.ok()) return WsaErrorOf(entries.status());
  bool family_seen = false, type_seen = false;
  for (const WSAPROTOCOL_INFOW &e : *entries) {
    if (e.ProtocolChain.ChainLen == LAYERED_PROTOCOL) continue;
    if (af != 0 && e.iAddressFamily != af) continue;
    family_seen = true;
    if (type != 0 && e.iSocketType != type) continue;
    type_seen = true;
    const bool protocol_ok = protocol == 0 ? (e.dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO) != 0
                                           : InRange(e, protocol);
    if (!protocol_ok) continue;
    *chosen = e;
    return 0;
  }
  if (!family_seen) return WSAEAFNOSUPPORT;
  if (!type_seen) return WSAESOCKTNOSUPPORT;
  return WSAEPROTONOSUPPORT;
}

// The catalog entry with ID `id`, or WSAEINVAL.
int EntryById(uint32_t id, WSAPROTOCOL_INFOW *entry) {
  absl::StatusOr<std::vector<WSAPROTOCOL_INFOW>> entries = catalog::CurrentEntries(false);
  if (!entries.ok()) return WsaErrorOf(entries.status());
  for (const WSAPROTOCOL_INFOW &e : *entries) {
    if (e.dwCatalogEntryId == id) {
      *entry = e;
      return 0;
    }
  }
  return WSAEINVAL;
}

SOCKET CreateSocket(int af, int type, int protocol, const WSAPROTOCOL_INFOW *info, GROUP g,
                    DWORD flags) {
  ApiCall api;
  if (!api) return FailWith(api.error(), INVALID_SOCKET);
  WSAPROTOCOL_INFOW entry;
  const WSAPROTOCOL_INFOW *given = info;
  if (info != nullptr) {
    if (af == FROM_PROTOCOL_INFO || af == 0) af = info->iAddressFamily;
    if (type == FROM_PROTOCOL_INFO || type == 0) type = info->iSocketType;
    if (protocol == FROM_PROTOCOL_INFO || protocol == 0) protocol = info->iProtocol;
    if (int e = EntryById(info->dwCatalogEntryId, &entry); e != 0) {
      return FailWith(e, INVALID_SOCKET);
    }
    // Windows checks the family the call ends up with before the provider sees it (Wine's
    // tests: an info whose fields are -1 gives WSAEAFNOSUPPORT).
    if (af != entry.iAddressFamily) return FailWith(WSAEAFNOSUPPORT, INVALID_SOCKET);
  } else {
    if (af == FROM_PROTOCOL_INFO || type == FROM_PROTOCOL_INFO || protocol == FROM_PROTOCOL_INFO) {
      return FailWith(WSAEINVAL, INVALID_SOCKET);  // FROM_PROTOCOL_INFO needs the info
    }
    if (int e = ChooseEntry(af, type, protocol, &entry); e != 0) {
      return FailWith(e, INVALID_SOCKET);
    }
    // The provider is given the entry's family and type for a wildcard; protocol 0 stays 0,
    // which the entry's PFL_MATCHES_PROTOCOL_ZERO lets the provider resolve.
    if (af == 0) af = entry.iAddressFamily;
    if (type == 0) type = entry.iSocketType;
    given = &entry;
  }
  int error = 0;
  const providers::StartedProvider *p = State::Get().ProviderFor(entry.dwCatalogEntryId, &error);
  if (p == nullptr) return FailWith(error, INVALID_SOCKET);
  WSAPROTOCOL_INFOW copy = *given;  // the provider may not keep or change the caller's
  SOCKET s = p->procs.lpWSPSocket(af, type, protocol, &copy, g, flags, &error);
  if (s == INVALID_SOCKET) return FailWith(error, INVALID_SOCKET);
  if (int e = AdoptSocket(s, entry.dwCatalogEntryId); e != 0) {
    int ignored = 0;
    p->procs.lpWSPCloseSocket(s, &ignored);
    return FailWith(e, INVALID_SOCKET);
  }
  return s;
}

// WSAPROTOCOL_INFOA <-> W: the same but for szProtocol (UTF-8 here, the ANSI code page).
// Both are false, with nothing converted, when the name's conversion runs out of memory.
bool InfoAToW(const WSAPROTOCOL_INFOA &a, WSAPROTOCOL_INFOW *w) try {
  std::memcpy(w, &a, offsetof(WSAPROTOCOL_INFOA, szProtocol));
  std::memset(w->szProtocol, 0, sizeof(w->szProtocol));
  std::u16string name = Utf8ToUtf16(std::string(a.szProtocol, strnlen(a.szProtocol, WSAPROTOCOL_LEN)));
  const size_t n = std::min<size_t>(name.size(), WSAPROTOCOL_LEN);
  std::memcpy(w->szProtocol, name.data(), n * sizeof(char16_t));
  return true;
} catch (const std::bad_alloc &) {
  return false;
}

bool InfoWToA(const WSAPROTOCOL_INFOW &w, WSAPROTOCOL_INFOA *a) try {
  std::memcpy(a, &w, offsetof(WSAPROTOCOL_INFOW, szProtocol));
  std::u16string wide(reinterpret_cast<const char16_t *>(w.szProtocol));
  std::string name = Utf16ToUtf8(wide.substr(0, WSAPROTOCOL_LEN));
  size_t n = std::min<size_t>(name.size(), WSAPROTOCOL_LEN);
  while (n > 0 && n < name.size() && (static_cast<unsigned char>(name[n]) & 0xc0) == 0x80) --n;
  std::memset(a->szProtocol, 0, sizeof(a->szProtocol));
  std::memcpy(a->szProtocol, name.data(), n);
  return true;
} catch (const std::bad_alloc &) {
  return false;
}

// ws2_32 passes a WSATHREADID with every call that may complete later; only an overlapped one
// needs it opened. A synchronous call gets this zeroed one, which no provider uses.
thread_local WSATHREADID t_no_thread{};

LPWSATHREADID ThreadFor(LPWSAOVERLAPPED overlapped, int *error) {
  if (overlapped == nullptr) return &t_no_thread;
  return CurrentThreadId(error);
}

SOCKET Accept(SOCKET s, struct WS_sockaddr *addr, LPINT addrlen, LPCONDITIONPROC condition,
              DWORD_PTR data) {
  SocketCall call(s);
  if (!call) return FailWith(call.error(), INVALID_SOCKET);
  int error = 0;
  SOCKET n = call.procs().lpWSPAccept(s, addr, addrlen, condition, data, &error);
  if (n == INVALID_SOCKET) return FailWith(error, INVALID_SOCKET);
  if (int e = AdoptSocket(n, call.catalog_id()); e != 0) {
    int ignored = 0;
    call.procs().lpWSPCloseSocket(n, &ignored);
    return FailWith(e, INVALID_SOCKET);
  }
  return n;
}

// One buffer of send/recv/sendto/recvfrom: a negative length is a bad buffer.
bool OneBuffer(const char *buf, int len, WSABUF *b) {
  if (len < 0) return false;
  b->len = static_cast<ULONG>(len);
  b->buf = const_cast<char *>(buf);
  return true;
}

}  // namespace

}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                         GROUP g, DWORD dwFlags) {
  return CreateSocket(af, type, protocol, lpProtocolInfo, g, dwFlags);
}

SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                         GROUP g, DWORD dwFlags) {
  if (lpProtocolInfo == nullptr) return CreateSocket(af, type, protocol, nullptr, g, dwFlags);
  WSAPROTOCOL_INFOW w;
  if (!InfoAToW(*lpProtocolInfo, &w)) return FailWith(WSAENOBUFS, INVALID_SOCKET);
  return CreateSocket(af, type, protocol, &w, g, dwFlags);
}

SOCKET WSAAPI ws2emu_socket(int af, int type, int protocol) {
  return CreateSocket(af, type, protocol, nullptr, 0,
                      t_open_type == 0 ? WSA_FLAG_OVERLAPPED : 0);
}

SOCKET WSAAPI ws2emu_accept(SOCKET s, struct WS_sockaddr *addr, int *addrlen) {
  return Accept(s, addr, addrlen, nullptr, 0);
}

SOCKET WSAAPI WSAAccept(SOCKET s, struct WS_sockaddr *addr, LPINT addrlen,
                        LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData) {
  return Accept(s, addr, addrlen, lpfnCondition, dwCallbackData);
}

int WSAAPI ws2emu_closesocket(SOCKET s) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  int rc = call.procs().lpWSPCloseSocket(s, &error);
  if (rc == 0) State::Get().Closed(s);
  return Finish(rc, error);
}

int WSAAPI ws2emu_bind(SOCKET s, const struct WS_sockaddr *name, int namelen) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPBind(s, name, namelen, &error), error);
}

int WSAAPI ws2emu_listen(SOCKET s, int backlog) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPListen(s, backlog, &error), error);
}

int WSAAPI WSAConnect(SOCKET s, const struct WS_sockaddr *name, int namelen,
                      LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPConnect(s, name, namelen, lpCallerData, lpCalleeData, lpSQOS,
                                          lpGQOS, &error),
                error);
}

int WSAAPI ws2emu_connect(SOCKET s, const struct WS_sockaddr *name, int namelen) {
  return WSAConnect(s, name, namelen, nullptr, nullptr, nullptr, nullptr);
}

int WSAAPI ws2emu_shutdown(SOCKET s, int how) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPShutdown(s, how, &error), error);
}

int WSAAPI ws2emu_getsockname(SOCKET s, struct WS_sockaddr *name, int *namelen) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPGetSockName(s, name, namelen, &error), error);
}

int WSAAPI ws2emu_getpeername(SOCKET s, struct WS_sockaddr *name, int *namelen) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPGetPeerName(s, name, namelen, &error), error);
}

int WSAAPI ws2emu_getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen) {
  if (level == WS_SOL_SOCKET && optname == WS_SO_OPENTYPE) {
    // ws2_32's own, per thread, whatever the socket (Windows answers it for INVALID_SOCKET).
    ApiCall api;
    if (!api) return api.Fail();
    if (optval == nullptr || optlen == nullptr || *optlen < static_cast<int>(sizeof(int))) {
      return FailWith(WSAEFAULT, SOCKET_ERROR);
    }
    std::memcpy(optval, &t_open_type, sizeof(int));
    *optlen = sizeof(int);
    return 0;
  }
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  if (level == WS_SOL_SOCKET && optname == WS_SO_PROTOCOL_INFOA) {
    // The provider knows the W form only; ws2_32 converts the name.
    if (optval == nullptr || optlen == nullptr ||
        *optlen < static_cast<int>(sizeof(WSAPROTOCOL_INFOA))) {
      if (optlen != nullptr) *optlen = sizeof(WSAPROTOCOL_INFOA);
      return FailWith(WSAEFAULT, SOCKET_ERROR);
    }
    WSAPROTOCOL_INFOW w;
    int wlen = sizeof(w);
    if (call.procs().lpWSPGetSockOpt(s, level, WS_SO_PROTOCOL_INFOW,
                                     reinterpret_cast<char *>(&w), &wlen, &error) != 0) {
      return FailWith(error, SOCKET_ERROR);
    }
    WSAPROTOCOL_INFOA a;
    if (!InfoWToA(w, &a)) return FailWith(WSAENOBUFS, SOCKET_ERROR);
    std::memcpy(optval, &a, sizeof(a));
    *optlen = sizeof(a);
    return 0;
  }
  return Finish(call.procs().lpWSPGetSockOpt(s, level, optname, optval, optlen, &error), error);
}

int WSAAPI ws2emu_setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen) {
  if (level == WS_SOL_SOCKET && optname == WS_SO_OPENTYPE) {
    ApiCall api;
    if (!api) return api.Fail();
    if (optval == nullptr || optlen < static_cast<int>(sizeof(int))) {
      return FailWith(WSAEFAULT, SOCKET_ERROR);
    }
    std::memcpy(&t_open_type, optval, sizeof(int));
    return 0;
  }
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPSetSockOpt(s, level, optname, optval, optlen, &error), error);
}

int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                    LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                    LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  LPWSATHREADID thread = ThreadFor(lpOverlapped, &error);
  if (thread == nullptr) return FailWith(error, SOCKET_ERROR);
  return Finish(call.procs().lpWSPIoctl(s, dwIoControlCode, lpvInBuffer, cbInBuffer,
                                        lpvOutBuffer, cbOutBuffer, lpcbBytesReturned,
                                        lpOverlapped, lpCompletionRoutine, thread, &error),
                error);
}

int WSAAPI ws2emu_ioctlsocket(SOCKET s, LONG cmd, WS_u_long *argp) {
  SocketCall call(s);
  if (!call) return call.Fail();
  if (argp == nullptr) return FailWith(WSAEFAULT, SOCKET_ERROR);
  int error = 0;
  DWORD returned = 0;
  return Finish(call.procs().lpWSPIoctl(s, static_cast<DWORD>(cmd), argp, sizeof(*argp), argp,
                                        sizeof(*argp), &returned, nullptr, nullptr, &t_no_thread,
                                        &error),
                error);
}

int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  LPWSATHREADID thread = ThreadFor(lpOverlapped, &error);
  if (thread == nullptr) return FailWith(error, SOCKET_ERROR);
  return Finish(call.procs().lpWSPSend(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags,
                                       lpOverlapped, lpCompletionRoutine, thread, &error),
                error);
}

int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                     LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct WS_sockaddr *lpTo,
                     int iTolen, LPWSAOVERLAPPED lpOverlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  LPWSATHREADID thread = ThreadFor(lpOverlapped, &error);
  if (thread == nullptr) return FailWith(error, SOCKET_ERROR);
  return Finish(call.procs().lpWSPSendTo(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent,
                                         dwFlags, lpTo, iTolen, lpOverlapped,
                                         lpCompletionRoutine, thread, &error),
                error);
}

int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  LPWSATHREADID thread = ThreadFor(lpOverlapped, &error);
  if (thread == nullptr) return FailWith(error, SOCKET_ERROR);
  return Finish(call.procs().lpWSPRecv(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd,
                                       lpFlags, lpOverlapped, lpCompletionRoutine, thread,
                                       &error),
                error);
}

int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                       LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct WS_sockaddr *lpFrom,
                       LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  LPWSATHREADID thread = ThreadFor(lpOverlapped, &error);
  if (thread == nullptr) return FailWith(error, SOCKET_ERROR);
  return Finish(call.procs().lpWSPRecvFrom(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd,
                                           lpFlags, lpFrom, lpFromlen, lpOverlapped,
                                           lpCompletionRoutine, thread, &error),
                error);
}

int WSAAPI ws2emu_send(SOCKET s, const char *buf, int len, int flags) {
  SocketCall call(s);
  if (!call) return call.Fail();
  WSABUF b;
  if (!OneBuffer(buf, len, &b)) return FailWith(WSAEFAULT, SOCKET_ERROR);
  int error = 0;
  DWORD sent = 0;
  if (call.procs().lpWSPSend(s, &b, 1, &sent, static_cast<DWORD>(flags), nullptr, nullptr,
                             &t_no_thread, &error) != 0) {
    return FailWith(error, SOCKET_ERROR);
  }
  return static_cast<int>(sent);
}

int WSAAPI ws2emu_sendto(SOCKET s, const char *buf, int len, int flags,
                         const struct WS_sockaddr *to, int tolen) {
  SocketCall call(s);
  if (!call) return call.Fail();
  WSABUF b;
  if (!OneBuffer(buf, len, &b)) return FailWith(WSAEFAULT, SOCKET_ERROR);
  int error = 0;
  DWORD sent = 0;
  if (call.procs().lpWSPSendTo(s, &b, 1, &sent, static_cast<DWORD>(flags), to, tolen, nullptr,
                               nullptr, &t_no_thread, &error) != 0) {
    return FailWith(error, SOCKET_ERROR);
  }
  return static_cast<int>(sent);
}

int WSAAPI ws2emu_recv(SOCKET s, char *buf, int len, int flags) {
  SocketCall call(s);
  if (!call) return call.Fail();
  WSABUF b;
  if (!OneBuffer(buf, len, &b)) return FailWith(WSAEFAULT, SOCKET_ERROR);
  int error = 0;
  DWORD received = 0;
  DWORD f = static_cast<DWORD>(flags);
  if (call.procs().lpWSPRecv(s, &b, 1, &received, &f, nullptr, nullptr, &t_no_thread,
                             &error) != 0) {
    return FailWith(error, SOCKET_ERROR);
  }
  return static_cast<int>(received);
}

int WSAAPI ws2emu_recvfrom(SOCKET s, char *buf, int len, int flags, struct WS_sockaddr *from,
                           int *fromlen) {
  SocketCall call(s);
  if (!call) return call.Fail();
  WSABUF b;
  if (!OneBuffer(buf, len, &b)) return FailWith(WSAEFAULT, SOCKET_ERROR);
  int error = 0;
  DWORD received = 0;
  DWORD f = static_cast<DWORD>(flags);
  if (call.procs().lpWSPRecvFrom(s, &b, 1, &received, &f, from, fromlen, nullptr, nullptr,
                                 &t_no_thread, &error) != 0) {
    return FailWith(error, SOCKET_ERROR);
  }
  return static_cast<int>(received);
}

int WSAAPI WSASendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPSendDisconnect(s, lpOutboundDisconnectData, &error), error);
}

int WSAAPI WSARecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPRecvDisconnect(s, lpInboundDisconnectData, &error), error);
}

int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPEventSelect(s, hEventObject, lNetworkEvents, &error), error);
}

int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                LPWSANETWORKEVENTS lpNetworkEvents) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPEnumNetworkEvents(s, hEventObject, lpNetworkEvents, &error),
                error);
}

int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, UINT wMsg, LONG lEvent) {
  SocketCall call(s);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPAsyncSelect(s, hWnd, wMsg, lEvent, &error), error);
}

BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                   LPDWORD lpcbTransfer, BOOL fWait, LPDWORD lpdwFlags) {
  SocketCall call(s);
  if (!call) return FailWith(call.error(), FALSE);
  int error = 0;
  if (!call.procs().lpWSPGetOverlappedResult(s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags,
                                             &error)) {
    return FailWith(error, FALSE);
  }
  return TRUE;
}

int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOW lpProtocolInfo) {
  SocketCall call(s);
  if (!call) return call.Fail();
  if (lpProtocolInfo == nullptr) return FailWith(WSAEINVAL, SOCKET_ERROR);  // Wine's tests
  int error = 0;
  return Finish(call.procs().lpWSPDuplicateSocket(s, dwProcessId, lpProtocolInfo, &error),
                error);
}

int WSAAPI WSADuplicateSocketA(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOA lpProtocolInfo) {
  SocketCall call(s);
  if (!call) return call.Fail();
  if (lpProtocolInfo == nullptr) return FailWith(WSAEINVAL, SOCKET_ERROR);
  int error = 0;
  WSAPROTOCOL_INFOW w;
  if (call.procs().lpWSPDuplicateSocket(s, dwProcessId, &w, &error) != 0) {
    return FailWith(error, SOCKET_ERROR);
  }
  if (!InfoWToA(w, lpProtocolInfo)) return FailWith(WSAENOBUFS, SOCKET_ERROR);
  return 0;
}

// The WSAHton*/WSANtoh* conversions check the socket, as Windows does (WSAENOTSOCK), and convert
// to the order of its protocol. [inference] Every protocol this runtime's catalog can route
// (TCP and UDP over IPv4 and IPv6, and layers over them) is BIGENDIAN, so the entry is not
// consulted.
int WSAAPI WSAHtonl(SOCKET s, WS_u_long hostlong, WS_u_long *lpnetlong) {
  SocketCall call(s);
  if (!call) return call.Fail();
  if (lpnetlong == nullptr) return FailWith(WSAEFAULT, SOCKET_ERROR);
  *lpnetlong = __builtin_bswap32(hostlong);
  return 0;
}

int WSAAPI WSAHtons(SOCKET s, WS_u_short hostshort, WS_u_short *lpnetshort) {
  SocketCall call(s);
  if (!call) return call.Fail();
  if (lpnetshort == nullptr) return FailWith(WSAEFAULT, SOCKET_ERROR);
  *lpnetshort = __builtin_bswap16(hostshort);
  return 0;
}

int WSAAPI WSANtohl(SOCKET s, WS_u_long netlong, WS_u_long *lphostlong) {
  SocketCall call(s);
  if (!call) return call.Fail();
  if (lphostlong == nullptr) return FailWith(WSAEFAULT, SOCKET_ERROR);
  *lphostlong = __builtin_bswap32(netlong);
  return 0;
}

int WSAAPI WSANtohs(SOCKET s, WS_u_short netshort, WS_u_short *lphostshort) {
  SocketCall call(s);
  if (!call) return call.Fail();
  if (lphostshort == nullptr) return FailWith(WSAEFAULT, SOCKET_ERROR);
  *lphostshort = __builtin_bswap16(netshort);
  return 0;
}

}  // extern "C"
