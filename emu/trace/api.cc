// --trace=api (and the upcall WPUCompleteOverlappedRequest): the built-in WS2_32.dll's exports
// handed out as tracing wrappers (emu/exports SetBuiltinExportFilter: imports bound, and
// GetProcAddress, after Start). Each wrapper calls the real function, then prints one line. The
// common calls are decoded (sockets, addresses as text, flags, ioctl codes, option names, byte
// counts, the catalog calls' GUIDs and paths); every other export is printed with its name, its
// arguments raw (integers in decimal, pointers in hex) and its result.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "exports/builtin.h"
#include "trace/trace.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::trace {
namespace {

template <size_t N>
struct Lit {
  char s[N];
  constexpr Lit(const char (&text)[N]) { std::copy_n(text, N, s); }
};

template <typename T>
std::string Raw(T v) {
  if constexpr (std::is_pointer_v<T>) {
    return Ptr(reinterpret_cast<const void *>(v));
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(v);
  } else {
    return "?";
  }
}

std::string I(int v) { return std::to_string(v); }

// " WSAE..." when `failed`.
std::string E(bool failed, int err) { return failed ? " " + Err(err) : std::string(); }

// " WSAE..." from a WSC call's *lpErrno when it failed.
std::string EP(int r, const int *err) {
  return r == SOCKET_ERROR && err != nullptr ? " " + Err(*err) : std::string();
}

// The generic line: name(raw args) = raw result, and the last error when the result says it
// failed (SOCKET_ERROR, INVALID_SOCKET, a null pointer).
template <auto Fn>
struct D {
  template <typename R, typename... A>
  static std::string Line(const char *name, int err, R r, A... a) {
    std::string args;
    size_t i = 0;
    ((args += (i++ != 0 ? ", " : "") + Raw(a)), ...);
    bool failed = false;
    if constexpr (std::is_same_v<R, SOCKET>) {
      failed = r == INVALID_SOCKET;
    } else if constexpr (std::is_pointer_v<R>) {
      failed = r == nullptr;
    } else if constexpr (std::is_same_v<R, int>) {
      failed = r == SOCKET_ERROR;
    }
    return std::string(name) + "(" + args + ") = " + Raw(r) + E(failed, err);
  }
  template <typename... A>
  static std::string Void(const char *name, A... a) {
    std::string args;
    size_t i = 0;
    ((args += (i++ != 0 ? ", " : "") + Raw(a)), ...);
    return std::string(name) + "(" + args + ")";
  }
};

#define DESCRIBE(fn, ...)                   \
  template <>                              \
  struct D<&fn> {                          \
    static std::string Line(const char *n, [[maybe_unused]] int err, __VA_ARGS__)
#define END \
  }         \
  ;

DESCRIBE(WSAStartup, int r, WORD v, LPWSADATA) {
  return std::string(n) + "(" + I(v & 0xff) + "." + I(v >> 8) + ") = " + I(r) + E(r != 0, r);
}
END
DESCRIBE(WSACleanup, int r) { return std::string(n) + "() = " + I(r) + E(r != 0, err); }
END
DESCRIBE(ws2emu_socket, SOCKET r, int af, int type, int protocol) {
  return std::string(n) + "(" + Family(af) + ", " + Type(type) + ", " + Protocol(protocol) +
         ") = " + Sock(r) + E(r == INVALID_SOCKET, err);
}
END
// WSASocketA and WSASocketW: the same line, whichever WSAPROTOCOL_INFO.
template <typename Info>
std::string SocketLine(const char *n, int err, SOCKET r, int af, int type, int protocol,
                       const Info *info, DWORD flags) {
  return std::string(n) + "(" + Family(af) + ", " + Type(type) + ", " + Protocol(protocol) +
         (info != nullptr ? ", entry " + std::to_string(info->dwCatalogEntryId) : "") +
         ", flags=" + SocketFlags(flags) + ") = " + Sock(r) + E(r == INVALID_SOCKET, err);
}
DESCRIBE(WSASocketW, SOCKET r, int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP,
         DWORD flags) {
  return SocketLine(n, err, r, af, type, protocol, info, flags);
}
END
DESCRIBE(WSASocketA, SOCKET r, int af, int type, int protocol, LPWSAPROTOCOL_INFOA info, GROUP,
         DWORD flags) {
  return SocketLine(n, err, r, af, type, protocol, info, flags);
}
END
DESCRIBE(ws2emu_accept, SOCKET r, SOCKET s, WS_sockaddr *addr, int *len) {
  return std::string(n) + "(s=" + Sock(s) + ") = " + Sock(r) +
         (r != INVALID_SOCKET && addr != nullptr ? " from " + AddrOut(addr, len) : "") +
         E(r == INVALID_SOCKET, err);
}
END
DESCRIBE(WSAAccept, SOCKET r, SOCKET s, WS_sockaddr *addr, LPINT len, LPCONDITIONPROC cond,
         DWORD_PTR) {
  return std::string(n) + "(s=" + Sock(s) + (cond != nullptr ? ", condition" : "") + ") = " +
         Sock(r) + (r != INVALID_SOCKET && addr != nullptr ? " from " + AddrOut(addr, len) : "") +
         E(r == INVALID_SOCKET, err);
}
END
DESCRIBE(ws2emu_closesocket, int r, SOCKET s) {
  return std::string(n) + "(s=" + Sock(s) + ") = " + I(r) + E(r != 0, err);
}
END
DESCRIBE(ws2emu_bind, int r, SOCKET s, const WS_sockaddr *a, int len) {
  return std::string(n) + "(s=" + Sock(s) + ", " + Addr(a, len) + ") = " + I(r) + E(r != 0, err);
}
END
DESCRIBE(ws2emu_listen, int r, SOCKET s, int backlog) {
  return std::string(n) + "(s=" + Sock(s) + ", backlog=" + I(backlog) + ") = " + I(r) +
         E(r != 0, err);
}
END
DESCRIBE(ws2emu_connect, int r, SOCKET s, const WS_sockaddr *a, int len) {
  return std::string(n) + "(s=" + Sock(s) + ", " + Addr(a, len) + ") = " + I(r) + E(r != 0, err);
}
END
DESCRIBE(WSAConnect, int r, SOCKET s, const WS_sockaddr *a, int len, LPWSABUF, LPWSABUF, LPQOS,
         LPQOS) {
  return std::string(n) + "(s=" + Sock(s) + ", " + Addr(a, len) + ") = " + I(r) + E(r != 0, err);
}
END
DESCRIBE(ws2emu_shutdown, int r, SOCKET s, int how) {
  static const char *const kHow[] = {"SD_RECEIVE", "SD_SEND", "SD_BOTH"};
  return std::string(n) + "(s=" + Sock(s) + ", " + (how >= 0 && how <= 2 ? kHow[how] : I(how)) +
         ") = " + I(r) + E(r != 0, err);
}
END
DESCRIBE(ws2emu_getsockname, int r, SOCKET s, WS_sockaddr *a, int *len) {
  return std::string(n) + "(s=" + Sock(s) + ") = " + I(r) + (r == 0 ? " " + AddrOut(a, len) : "") +
         E(r != 0, err);
}
END
DESCRIBE(ws2emu_getpeername, int r, SOCKET s, WS_sockaddr *a, int *len) {
  return std::string(n) + "(s=" + Sock(s) + ") = " + I(r) + (r == 0 ? " " + AddrOut(a, len) : "") +
         E(r != 0, err);
}
END
DESCRIBE(ws2emu_getsockopt, int r, SOCKET s, int level, int name, char *val, int *len) {
  return std::string(n) + "(s=" + Sock(s) + ", " + Level(level) + ", " + OptName(level, name) +
         ") = " + I(r) + (r == 0 && len != nullptr ? " " + OptVal(val, *len) : "") +
         E(r != 0, err);
}
END
DESCRIBE(ws2emu_setsockopt, int r, SOCKET s, int level, int name, const char *val, int len) {
  return std::string(n) + "(s=" + Sock(s) + ", " + Level(level) + ", " + OptName(level, name) +
         ", " + OptVal(val, len) + ") = " + I(r) + E(r != 0, err);
}
END
DESCRIBE(ws2emu_ioctlsocket, int r, SOCKET s, LONG cmd, WS_u_long *arg) {
  return std::string(n) + "(s=" + Sock(s) + ", " + IoctlCode(static_cast<DWORD>(cmd)) +
         (arg != nullptr ? ", *argp=" + std::to_string(*arg) : ", NULL") + ") = " + I(r) +
         E(r != 0, err);
}
END
DESCRIBE(WSAIoctl, int r, SOCKET s, DWORD code, LPVOID, DWORD in, LPVOID, DWORD out,
         LPDWORD returned, LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE) {
  return std::string(n) + "(s=" + Sock(s) + ", " + IoctlCode(code) + ", in " + I(in) +
         " B, out " + I(out) + " B, ovl=" + Ovl(o) + ") = " + I(r) +
         (r == 0 && returned != nullptr ? " returned=" + std::to_string(*returned) : "") +
         E(r != 0, err);
}
END
DESCRIBE(ws2emu_send, int r, SOCKET s, const char *, int len, int flags) {
  return std::string(n) + "(s=" + Sock(s) + ", " + I(len) + " B, flags=" + MsgFlags(flags) +
         ") = " + I(r) + E(r < 0, err);
}
END
DESCRIBE(ws2emu_recv, int r, SOCKET s, char *, int len, int flags) {
  return std::string(n) + "(s=" + Sock(s) + ", " + I(len) + " B, flags=" + MsgFlags(flags) +
         ") = " + I(r) + E(r < 0, err);
}
END
DESCRIBE(ws2emu_sendto, int r, SOCKET s, const char *, int len, int flags, const WS_sockaddr *to,
         int tolen) {
  return std::string(n) + "(s=" + Sock(s) + ", " + I(len) + " B, flags=" + MsgFlags(flags) +
         ", to " + Addr(to, tolen) + ") = " + I(r) + E(r < 0, err);
}
END
DESCRIBE(ws2emu_recvfrom, int r, SOCKET s, char *, int len, int flags, WS_sockaddr *from,
         int *fromlen) {
  return std::string(n) + "(s=" + Sock(s) + ", " + I(len) + " B, flags=" + MsgFlags(flags) +
         ") = " + I(r) + (r >= 0 && from != nullptr ? " from " + AddrOut(from, fromlen) : "") +
         E(r < 0, err);
}
END
DESCRIBE(WSASend, int r, SOCKET s, LPWSABUF b, DWORD count, LPDWORD sent, DWORD flags,
         LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr) {
  return std::string(n) + "(s=" + Sock(s) + ", " + Bufs(b, count) + ", flags=" + MsgFlags(flags) +
         ", ovl=" + Ovl(o) + (cr != nullptr ? ", routine" : "") + ") = " + I(r) +
         (r == 0 && sent != nullptr ? " sent=" + std::to_string(*sent) : "") + E(r != 0, err);
}
END
DESCRIBE(WSASendTo, int r, SOCKET s, LPWSABUF b, DWORD count, LPDWORD sent, DWORD flags,
         const WS_sockaddr *to, int tolen, LPWSAOVERLAPPED o,
         LPWSAOVERLAPPED_COMPLETION_ROUTINE cr) {
  return std::string(n) + "(s=" + Sock(s) + ", " + Bufs(b, count) + ", flags=" + MsgFlags(flags) +
         ", to " + Addr(to, tolen) + ", ovl=" + Ovl(o) + (cr != nullptr ? ", routine" : "") +
         ") = " + I(r) + (r == 0 && sent != nullptr ? " sent=" + std::to_string(*sent) : "") +
         E(r != 0, err);
}
END
DESCRIBE(WSARecv, int r, SOCKET s, LPWSABUF b, DWORD count, LPDWORD got, LPDWORD flags,
         LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr) {
  return std::string(n) + "(s=" + Sock(s) + ", " + Bufs(b, count) + ", ovl=" + Ovl(o) +
         (cr != nullptr ? ", routine" : "") + ") = " + I(r) +
         (r == 0 && got != nullptr ? " received=" + std::to_string(*got) : "") +
         (r == 0 && flags != nullptr && *flags != 0 ? " flags=" + MsgFlags(*flags) : "") +
         E(r != 0, err);
}
END
DESCRIBE(WSARecvFrom, int r, SOCKET s, LPWSABUF b, DWORD count, LPDWORD got, LPDWORD flags,
         WS_sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED o,
         LPWSAOVERLAPPED_COMPLETION_ROUTINE cr) {
  return std::string(n) + "(s=" + Sock(s) + ", " + Bufs(b, count) + ", ovl=" + Ovl(o) +
         (cr != nullptr ? ", routine" : "") + ") = " + I(r) +
         (r == 0 && got != nullptr ? " received=" + std::to_string(*got) : "") +
         (r == 0 && o == nullptr && from != nullptr ? " from " + AddrOut(from, fromlen) : "") +
         (r == 0 && flags != nullptr && *flags != 0 ? " flags=" + MsgFlags(*flags) : "") +
         E(r != 0, err);
}
END
DESCRIBE(ws2emu_select, int r, int, WS_fd_set *rd, WS_fd_set *wr, WS_fd_set *ex,
         const WS_timeval *t) {
  auto c = [](const WS_fd_set *f) { return f == nullptr ? std::string("-") : std::to_string(f->fd_count); };
  return std::string(n) + "(read " + c(rd) + ", write " + c(wr) + ", except " + c(ex) +
         ", timeout " +
         (t == nullptr ? std::string("none")
                       : std::to_string(t->tv_sec) + "." + std::to_string(t->tv_usec / 1000) + " s") +
         ") = " + I(r) + E(r < 0, err);
}
END
DESCRIBE(WSAPoll, int r, LPWSAPOLLFD, WS_u_long count, INT timeout) {
  return std::string(n) + "(" + std::to_string(count) + " fds, timeout " + I(timeout) + " ms) = " +
         I(r) + E(r < 0, err);
}
END
DESCRIBE(WSAEventSelect, int r, SOCKET s, WSAEVENT e, LONG events) {
  return std::string(n) + "(s=" + Sock(s) + ", event=" + Ptr(e) + ", " + Events(events) + ") = " +
         I(r) + E(r != 0, err);
}
END
DESCRIBE(WSAEnumNetworkEvents, int r, SOCKET s, WSAEVENT e, LPWSANETWORKEVENTS ne) {
  return std::string(n) + "(s=" + Sock(s) + ", event=" + Ptr(e) + ") = " + I(r) +
         (r == 0 && ne != nullptr ? " events=" + Events(ne->lNetworkEvents) : "") + E(r != 0, err);
}
END
DESCRIBE(WSAAsyncSelect, int r, SOCKET s, HWND w, UINT msg, LONG events) {
  return std::string(n) + "(s=" + Sock(s) + ", hwnd=" + Ptr(w) + ", msg=" + Hex(msg) + ", " +
         Events(events) + ") = " + I(r) + E(r != 0, err);
}
END
DESCRIBE(WSAGetOverlappedResult, BOOL r, SOCKET s, LPWSAOVERLAPPED o, LPDWORD transfer,
         BOOL wait, LPDWORD flags) {
  return std::string(n) + "(s=" + Sock(s) + ", ovl=" + Ovl(o) + (wait ? ", wait" : ", no wait") +
         ") = " + (r ? "TRUE" : "FALSE") +
         (r && transfer != nullptr ? " bytes=" + std::to_string(*transfer) : "") +
         (r && flags != nullptr && *flags != 0 ? " flags=" + MsgFlags(*flags) : "") +
         E(!r, err);
}
END
DESCRIBE(ws2emu_getaddrinfo, INT r, PCSTR node, PCSTR service, const ADDRINFOA *hints,
         PADDRINFOA *result) {
  std::string out = std::string(n) + "(" + (node != nullptr ? "\"" + std::string(node) + "\"" : "NULL") +
                    ", " + (service != nullptr ? "\"" + std::string(service) + "\"" : "NULL") +
                    (hints != nullptr ? ", hints " + Family(hints->ai_family) + " " +
                                            Type(hints->ai_socktype)
                                      : "") +
                    ") = " + I(r) + E(r != 0, r);
  if (r == 0 && result != nullptr) {
    int count = 0;
    std::string first;
    for (const ADDRINFOA *a = *result; a != nullptr; a = a->ai_next) {
      if (count++ == 0) first = Addr(a->ai_addr, static_cast<long>(a->ai_addrlen));
    }
    out += " " + std::to_string(count) + (count == 1 ? " address " : " addresses, first ") + first;
  }
  return out;
}
END
// The catalog calls an installer makes.
// WSCInstallProvider[64_32] and WSCUpdateProvider: the GUID, the path and how many entries.
std::string EntriesLine(const char *n, int r, LPGUID id, const WCHAR *path, DWORD count, LPINT e) {
  return std::string(n) + "(" + Guid(id) + ", " + Wide(path) + ", " + std::to_string(count) +
         " entries) = " + I(r) + EP(r, e);
}
DESCRIBE(WSCInstallProvider, int r, LPGUID id, const WCHAR *path, const LPWSAPROTOCOL_INFOW,
         DWORD count, LPINT e) {
  return EntriesLine(n, r, id, path, count, e);
}
END
DESCRIBE(WSCInstallProvider64_32, int r, LPGUID id, const WCHAR *path, const LPWSAPROTOCOL_INFOW,
         DWORD count, LPINT e) {
  return EntriesLine(n, r, id, path, count, e);
}
END
DESCRIBE(WSCInstallProviderAndChains64_32, int r, LPGUID id, const LPWSTR path, const LPWSTR,
         const LPWSTR name, DWORD, LPWSAPROTOCOL_INFOW, DWORD count, LPDWORD catalog_id, LPINT e) {
  return std::string(n) + "(" + Guid(id) + ", " + Wide(path) + ", " + Wide(name) + ", " +
         std::to_string(count) + " entries) = " + I(r) +
         (r == 0 && catalog_id != nullptr ? " layered entry " + std::to_string(*catalog_id) : "") +
         EP(r, e);
}
END
DESCRIBE(WSCInstallProviderAndChains, int r, LPGUID id, const LPWSTR path, const LPWSTR name,
         DWORD, LPWSAPROTOCOL_INFOW, DWORD count, LPDWORD catalog_id, LPINT e) {
  return std::string(n) + "(" + Guid(id) + ", " + Wide(path) + ", " + Wide(name) + ", " +
         std::to_string(count) + " entries) = " + I(r) +
         (r == 0 && catalog_id != nullptr ? " layered entry " + std::to_string(*catalog_id) : "") +
         EP(r, e);
}
END
DESCRIBE(WSCDeinstallProvider, int r, LPGUID id, LPINT e) {
  return std::string(n) + "(" + Guid(id) + ") = " + I(r) + EP(r, e);
}
END
DESCRIBE(WSCEnumProtocols, int r, LPINT, LPWSAPROTOCOL_INFOW buffer, LPDWORD len, LPINT e) {
  return std::string(n) + "(buffer=" + Ptr(buffer) + ", " +
         (len != nullptr ? std::to_string(*len) + " B" : std::string("NULL")) + ") = " + I(r) +
         EP(r, e);
}
END
DESCRIBE(WSCGetProviderPath, int r, LPGUID id, WCHAR *path, LPINT, LPINT e) {
  return std::string(n) + "(" + Guid(id) + ") = " + I(r) + (r == 0 ? " " + Wide(path) : "") +
         EP(r, e);
}
END
DESCRIBE(WSCUpdateProvider, int r, LPGUID id, const WCHAR *path, const LPWSAPROTOCOL_INFOW,
         DWORD count, LPINT e) {
  return EntriesLine(n, r, id, path, count, e);
}
END
// The name-space catalog calls and the lookups (errors through the last error).
DESCRIBE(WSCInstallNameSpace, INT r, LPWSTR ident, LPWSTR path, DWORD ns, DWORD version,
         LPGUID id) {
  return std::string(n) + "(" + Wide(ident) + ", " + Wide(path) + ", name space " +
         std::to_string(ns) + ", version " + std::to_string(version) + ", " + Guid(id) +
         ") = " + I(r) + E(r != 0, err);
}
END
DESCRIBE(WSCUnInstallNameSpace, INT r, LPGUID id) {
  return std::string(n) + "(" + Guid(id) + ") = " + I(r) + E(r != 0, err);
}
END
DESCRIBE(WSCEnableNSProvider, INT r, LPGUID id, BOOL enable) {
  return std::string(n) + "(" + Guid(id) + ", " + (enable ? "TRUE" : "FALSE") + ") = " + I(r) +
         E(r != 0, err);
}
END
DESCRIBE(WSALookupServiceBeginW, INT r, LPWSAQUERYSETW q, DWORD flags, LPHANDLE h) {
  std::string what = q == nullptr ? std::string("NULL")
                                  : Wide(q->lpszServiceInstanceName) + ", " +
                                        Guid(q->lpServiceClassId) + ", name space " +
                                        std::to_string(q->dwNameSpace);
  return std::string(n) + "(" + what + ", flags=" + Hex(flags) + ") = " + I(r) +
         (r == 0 && h != nullptr ? " handle " + Ptr(*h) : "") + E(r != 0, err);
}
END
DESCRIBE(WSALookupServiceNextW, INT r, HANDLE h, DWORD, LPDWORD len, LPWSAQUERYSETW q) {
  std::string got;
  if (r == 0 && q != nullptr) {
    got = " " + std::to_string(q->dwNumberOfCsAddrs) + " addresses";
    if (q->lpszServiceInstanceName != nullptr) got += " " + Wide(q->lpszServiceInstanceName);
  } else if (r != 0 && len != nullptr) {
    got = " (" + std::to_string(*len) + " B)";
  }
  return std::string(n) + "(" + Ptr(h) + ") = " + I(r) + got + E(r != 0, err);
}
END
DESCRIBE(WSCWriteProviderOrder, int r, LPDWORD ids, DWORD count) {
  std::string order;
  for (DWORD i = 0; ids != nullptr && i < count && i < 32; ++i)
    order += (i != 0 ? " " : "") + std::to_string(ids[i]);
  return std::string(n) + "(" + std::to_string(count) + " entries: " + order + ") = " + I(r) +
         (r != 0 ? " " + Err(r) : "");
}
END
DESCRIBE(WPUCompleteOverlappedRequest, int r, SOCKET s, LPWSAOVERLAPPED o, DWORD error,
         DWORD bytes, LPINT e) {
  return std::string(n) + "(s=" + Sock(s) + ", ovl=" + Ovl(o) + ", error=" +
         (error != 0 ? Err(static_cast<int>(error)) : std::string("0")) + ", bytes=" +
         std::to_string(bytes) + ") = " + I(r) + EP(r, e);
}
END

#undef DESCRIBE
#undef END

template <typename F>
struct Api;
template <typename R, typename... A>
struct Api<R(WSAAPI *)(A...)> {
  template <auto Fn, Lit Name>
  static R WSAAPI Call(A... a) {
    const char *tag = std::strncmp(Name.s, "WPU", 3) == 0 ? "upcall" : "api";
    Clock clock;
    if constexpr (std::is_void_v<R>) {
      Fn(a...);
      Emit(tag, D<Fn>::Void(Name.s, a...) + clock.Elapsed());
    } else {
      R r = Fn(a...);
      const int err = WSAGetLastError();
      Emit(tag, D<Fn>::Line(Name.s, err, r, a...) + clock.Elapsed());
      return r;
    }
  }
};

struct Wrap {
  const void *real;
  const void *wrapper;
  const char *name;
};

#define W(name, fn)                                                             \
  {reinterpret_cast<const void *>(&fn),                                         \
   reinterpret_cast<const void *>(&Api<decltype(&fn)>::template Call<&fn, Lit(name)>), name}
const Wrap kWraps[] = {
    W("WSAStartup", WSAStartup),
    W("WSACleanup", WSACleanup),
    W("accept", ws2emu_accept),
    W("bind", ws2emu_bind),
    W("closesocket", ws2emu_closesocket),
    W("connect", ws2emu_connect),
    W("getpeername", ws2emu_getpeername),
    W("getsockname", ws2emu_getsockname),
    W("getsockopt", ws2emu_getsockopt),
    W("ioctlsocket", ws2emu_ioctlsocket),
    W("listen", ws2emu_listen),
    W("recv", ws2emu_recv),
    W("recvfrom", ws2emu_recvfrom),
    W("select", ws2emu_select),
    W("send", ws2emu_send),
    W("sendto", ws2emu_sendto),
    W("setsockopt", ws2emu_setsockopt),
    W("shutdown", ws2emu_shutdown),
    W("socket", ws2emu_socket),
    W("WSAAsyncSelect", WSAAsyncSelect),
    W("__WSAFDIsSet", __WSAFDIsSet),
    W("WSAAccept", WSAAccept),
    W("WSAAddressToStringA", WSAAddressToStringA),
    W("WSAAddressToStringW", WSAAddressToStringW),
    W("WSAConnect", WSAConnect),
    W("WSAConnectByNameA", WSAConnectByNameA),
    W("WSAConnectByNameW", WSAConnectByNameW),
    W("WSADuplicateSocketA", WSADuplicateSocketA),
    W("WSADuplicateSocketW", WSADuplicateSocketW),
    W("WSAEnumNetworkEvents", WSAEnumNetworkEvents),
    W("WSAEventSelect", WSAEventSelect),
    W("WSAGetOverlappedResult", WSAGetOverlappedResult),
    W("WSAHtonl", WSAHtonl),
    W("WSAHtons", WSAHtons),
    W("WSAIoctl", WSAIoctl),
    W("WSANtohl", WSANtohl),
    W("WSANtohs", WSANtohs),
    W("WSAPoll", WSAPoll),
    W("WSARecv", WSARecv),
    W("WSARecvDisconnect", WSARecvDisconnect),
    W("WSARecvFrom", WSARecvFrom),
    W("WSASend", WSASend),
    W("WSASendDisconnect", WSASendDisconnect),
    W("WSASendTo", WSASendTo),
    W("WSASocketA", WSASocketA),
    W("WSASocketW", WSASocketW),
    W("WSAStringToAddressA", WSAStringToAddressA),
    W("WSAStringToAddressW", WSAStringToAddressW),
    W("htonl", ws2emu_htonl),
    W("htons", ws2emu_htons),
    W("inet_addr", ws2emu_inet_addr),
    W("inet_ntoa", ws2emu_inet_ntoa),
    W("ntohl", ws2emu_ntohl),
    W("ntohs", ws2emu_ntohs),
    W("InetNtopW", InetNtopW),
    W("InetPtonW", InetPtonW),
    W("inet_ntop", ws2emu_inet_ntop),
    W("inet_pton", ws2emu_inet_pton),
    W("FreeAddrInfoEx", FreeAddrInfoEx),
    W("FreeAddrInfoExW", FreeAddrInfoExW),
    W("FreeAddrInfoW", FreeAddrInfoW),
    W("GetAddrInfoExA", GetAddrInfoExA),
    W("GetAddrInfoExCancel", GetAddrInfoExCancel),
    W("GetAddrInfoExOverlappedResult", GetAddrInfoExOverlappedResult),
    W("GetAddrInfoExW", GetAddrInfoExW),
    W("GetAddrInfoW", GetAddrInfoW),
    W("GetHostNameW", GetHostNameW),
    W("GetNameInfoW", GetNameInfoW),
    W("gethostbyaddr", ws2emu_gethostbyaddr),
    W("gethostbyname", ws2emu_gethostbyname),
    W("getprotobyname", ws2emu_getprotobyname),
    W("getprotobynumber", ws2emu_getprotobynumber),
    W("getservbyname", ws2emu_getservbyname),
    W("getservbyport", ws2emu_getservbyport),
    W("gethostname", ws2emu_gethostname),
    W("freeaddrinfo", ws2emu_freeaddrinfo),
    W("getaddrinfo", ws2emu_getaddrinfo),
    W("getnameinfo", ws2emu_getnameinfo),
    W("WPUCompleteOverlappedRequest", WPUCompleteOverlappedRequest),
    W("WSACloseEvent", WSACloseEvent),
    W("WSACreateEvent", WSACreateEvent),
    W("WSAEnumProtocolsA", WSAEnumProtocolsA),
    W("WSAEnumProtocolsW", WSAEnumProtocolsW),
    W("WSAResetEvent", WSAResetEvent),
    W("WSASetEvent", WSASetEvent),
    W("WSASetBlockingHook", WSASetBlockingHook),
    W("WSAUnhookBlockingHook", WSAUnhookBlockingHook),
    W("WSAGetLastError", WSAGetLastError),
    W("WSASetLastError", WSASetLastError),
    W("WSACancelBlockingCall", WSACancelBlockingCall),
    W("WSAIsBlocking", WSAIsBlocking),
    W("WSAWaitForMultipleEvents", WSAWaitForMultipleEvents),
    W("WSCDeinstallProvider", WSCDeinstallProvider),
    W("WSCDeinstallProvider32", WSCDeinstallProvider32),
    W("WSCEnumProtocols", WSCEnumProtocols),
    W("WSCEnumProtocols32", WSCEnumProtocols32),
    W("WSCGetApplicationCategory", WSCGetApplicationCategory),
    W("WSCGetProviderInfo", WSCGetProviderInfo),
    W("WSCGetProviderInfo32", WSCGetProviderInfo32),
    W("WSCGetProviderPath", WSCGetProviderPath),
    W("WSCGetProviderPath32", WSCGetProviderPath32),
    W("WSCInstallProvider", WSCInstallProvider),
    W("WSCInstallProvider64_32", WSCInstallProvider64_32),
    W("WSCInstallProviderAndChains64_32", WSCInstallProviderAndChains64_32),
    W("WSCSetApplicationCategory", WSCSetApplicationCategory),
    W("WSCSetProviderInfo", WSCSetProviderInfo),
    W("WSCSetProviderInfo32", WSCSetProviderInfo32),
    W("WSCUpdateProvider", WSCUpdateProvider),
    W("WSCUpdateProvider32", WSCUpdateProvider32),
    W("WSCWriteProviderOrder", WSCWriteProviderOrder),
    W("WSCWriteProviderOrder32", WSCWriteProviderOrder32),
    W("WSCInstallProviderAndChains", WSCInstallProviderAndChains),
    W("WSApSetPostRoutine", WSApSetPostRoutine),
    W("WSAEnumNameSpaceProvidersA", WSAEnumNameSpaceProvidersA),
    W("WSAEnumNameSpaceProvidersExA", WSAEnumNameSpaceProvidersExA),
    W("WSAEnumNameSpaceProvidersExW", WSAEnumNameSpaceProvidersExW),
    W("WSAEnumNameSpaceProvidersW", WSAEnumNameSpaceProvidersW),
    W("WSAGetServiceClassInfoA", WSAGetServiceClassInfoA),
    W("WSAGetServiceClassInfoW", WSAGetServiceClassInfoW),
    W("WSAInstallServiceClassW", WSAInstallServiceClassW),
    W("WSALookupServiceBeginA", WSALookupServiceBeginA),
    W("WSALookupServiceBeginW", WSALookupServiceBeginW),
    W("WSALookupServiceEnd", WSALookupServiceEnd),
    W("WSALookupServiceNextA", WSALookupServiceNextA),
    W("WSALookupServiceNextW", WSALookupServiceNextW),
    W("WSARemoveServiceClass", WSARemoveServiceClass),
    W("WSASetServiceA", WSASetServiceA),
    W("WSASetServiceW", WSASetServiceW),
    W("WSCEnableNSProvider", WSCEnableNSProvider),
    W("WSCEnableNSProvider32", WSCEnableNSProvider32),
    W("WSCEnumNameSpaceProviders32", WSCEnumNameSpaceProviders32),
    W("WSCEnumNameSpaceProvidersEx32", WSCEnumNameSpaceProvidersEx32),
    W("WSCInstallNameSpace", WSCInstallNameSpace),
    W("WSCInstallNameSpace32", WSCInstallNameSpace32),
    W("WSCInstallNameSpace64_32", WSCInstallNameSpace64_32),
    W("WSCInstallNameSpaceEx", WSCInstallNameSpaceEx),
    W("WSCInstallNameSpaceEx32", WSCInstallNameSpaceEx32),
    W("WSCInstallNameSpaceEx64_32", WSCInstallNameSpaceEx64_32),
    W("WSCUnInstallNameSpace", WSCUnInstallNameSpace),
    W("WSCUnInstallNameSpace32", WSCUnInstallNameSpace32),
    W("WSCWriteNameSpaceOrder", WSCWriteNameSpaceOrder),
    W("WSCWriteNameSpaceOrder32", WSCWriteNameSpaceOrder32),};
#undef W

const void *Filter(const BuiltinModule &module, const char *name, const void *address) {
  if (&module != &kWs2_32Module && &module != &kWsock32Module) return address;
  const bool upcall = std::strncmp(name, "WPU", 3) == 0;
  if (!On(upcall ? kUpcall : kApi)) return address;
  for (const Wrap &w : kWraps)
    if (w.real == address) return w.wrapper;
  return address;  // a wsock32-only function: not traced
}

}  // namespace

void StartApi() { SetBuiltinExportFilter(&Filter); }

}  // namespace ws2emu::emu::trace
