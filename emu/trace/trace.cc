#include "trace/trace.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "base/escape.h"
#include "base/own_memory.h"
#include "base/utf.h"
#include "base/wsa_errors.h"
#include "catalog/catalog.h"

namespace ws2emu::emu::trace {

// The decoders read the application's memory with ReadOwnMemory, never directly: a pointer a
// program or a layer passes may be garbage (the call itself answers WSAEFAULT, or a layer's
// __except catches it), and tracing must not turn that into a crash in ws2emu's own code.
namespace {

std::atomic<unsigned> g_mask{0};
std::atomic<int> g_fd{2};
std::atomic<unsigned> g_next_thread{0};

unsigned ThreadNumber() {
  thread_local unsigned number = ++g_next_thread;
  return number;
}

struct Name {
  long value;
  const char *name;
};

const char *Find(const Name *names, size_t count, long value) {
  for (size_t i = 0; i < count; ++i)
    if (names[i].value == value) return names[i].name;
  return nullptr;
}

// "A|B|0x40": the named bits, then what is left in hex; "0" for none.
std::string Bits(const Name *names, size_t count, unsigned long value) {
  if (value == 0) return "0";
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if ((value & static_cast<unsigned long>(names[i].value)) != 0) {
      if (!out.empty()) out += '|';
      out += names[i].name;
      value &= ~static_cast<unsigned long>(names[i].value);
    }
  }
  if (value != 0) {
    if (!out.empty()) out += '|';
    out += Hex(value);
  }
  return out;
}

#define N(x) {static_cast<long>(x), #x}
#define WSN(x) {static_cast<long>(WS_##x), #x}
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

}  // namespace

bool ParseCategories(std::string_view list, unsigned *mask, std::string *bad) {
  unsigned m = 0;
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    std::string_view word = list.substr(start, comma == std::string_view::npos ? list.npos : comma - start);
    if (word == "api") {
      m |= kApi;
    } else if (word == "spi") {
      m |= kSpi;
    } else if (word == "upcall") {
      m |= kUpcall;
    } else {
      *bad = std::string(word);
      return false;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  *mask = m;
  return true;
}

// O_NONBLOCK for the open only: a FIFO with no reader fails (ENXIO) instead of blocking the
// program before it starts. Then only a regular file or a character device (/dev/null, a
// terminal) is taken: a FIFO or a socket would let whoever reads it stall every traced call.
bool OpenFile(const std::string &path, std::string *error) {
  int fd = open(path.c_str(),
                O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd < 0) {
    const int e = errno;
    *error = path + ": " +
             (e == ELOOP ? std::string("a symbolic link (refused: the trace is never written through one)")
                         : std::string(std::strerror(e)));
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
    *error = path + ": not a regular file or a device (refused)";
    close(fd);
    return false;
  }
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    *error = path + ": " + std::strerror(errno);
    close(fd);
    return false;
  }
  g_fd.store(fd, std::memory_order_release);
  return true;
}

bool On(Category category) { return (g_mask.load(std::memory_order_relaxed) & category) != 0; }

void Emit(const char *tag, const std::string &body) {
  std::string line = "[t" + std::to_string(ThreadNumber()) + "] " + tag + " " + body;
  line = EscapeForTerminal(line);
  line += '\n';
  const int fd = g_fd.load(std::memory_order_acquire);
  const int saved = errno;  // a trace line must not change what the traced call left
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // [inference] a trace that cannot be written is dropped, the call is not
    done += static_cast<size_t>(n);
  }
  errno = saved;
}

std::string Clock::Elapsed() const {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now() - start_)
                .count();
  return " (" + std::to_string(us) + " us)";
}

std::string Hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string Ptr(const void *p) { return p == nullptr ? "NULL" : Hex(reinterpret_cast<uintptr_t>(p)); }

std::string Sock(SOCKET s) { return s == INVALID_SOCKET ? "INVALID_SOCKET" : Hex(s); }

std::string Addr(const struct WS_sockaddr *a, long len) {
  if (a == nullptr) return "NULL";
  if (len < 2) return "(" + std::to_string(len) + " B)";
  WS_sockaddr_in6 copy{};  // the largest form decoded
  const size_t n = std::min(static_cast<size_t>(len), sizeof(copy));
  if (!ReadOwnMemory(&copy, a, n)) return Ptr(a) + " (unreadable)";
  char text[INET6_ADDRSTRLEN + 1] = {};
  if (copy.sin6_family == WS_AF_INET && len >= static_cast<long>(sizeof(WS_sockaddr_in))) {
    const auto *in = reinterpret_cast<const WS_sockaddr_in *>(&copy);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (copy.sin6_family == WS_AF_INET6 && len >= static_cast<long>(sizeof(WS_sockaddr_in6))) {
    inet_ntop(AF_INET6, &copy.sin6_addr, text, sizeof(text));
    std::string out = "[" + std::string(text);
    if (copy.sin6_scope_id != 0) out += "%" + std::to_string(copy.sin6_scope_id);
    return out + "]:" + std::to_string(ntohs(copy.sin6_port));
  }
  return "(" + Family(copy.sin6_family) + ", " + std::to_string(len) + " B)";
}

std::string AddrOut(const struct WS_sockaddr *a, const int *len) {
  int n = 0;
  if (a == nullptr || len == nullptr) return "NULL";
  if (!ReadOwnMemory(&n, len, sizeof(n))) return Ptr(a) + " (length unreadable)";
  return Addr(a, n);
}

std::string MsgFlags(DWORD flags) {
  static const Name k[] = {WSN(MSG_OOB),     WSN(MSG_PEEK),    WSN(MSG_DONTROUTE),
                           WSN(MSG_WAITALL), WSN(MSG_PARTIAL), WSN(MSG_INTERRUPT),
                           WSN(MSG_PUSH_IMMEDIATE), WSN(MSG_TRUNC), WSN(MSG_CTRUNC),
                           WSN(MSG_BCAST), WSN(MSG_MCAST)};
  return Bits(k, COUNT(k), flags);
}

std::string SocketFlags(DWORD flags) {
  static const Name k[] = {N(WSA_FLAG_OVERLAPPED),          N(WSA_FLAG_MULTIPOINT_C_ROOT),
                           N(WSA_FLAG_MULTIPOINT_C_LEAF),   N(WSA_FLAG_MULTIPOINT_D_ROOT),
                           N(WSA_FLAG_MULTIPOINT_D_LEAF),   N(WSA_FLAG_ACCESS_SYSTEM_SECURITY),
                           N(WSA_FLAG_NO_HANDLE_INHERIT),   N(WSA_FLAG_REGISTERED_IO)};
  return Bits(k, COUNT(k), flags);
}

std::string Events(long events) {
  static const Name k[] = {N(FD_READ),  N(FD_WRITE), N(FD_OOB),       N(FD_ACCEPT),
                           N(FD_CONNECT), N(FD_CLOSE), N(FD_QOS), N(FD_GROUP_QOS),
                           N(FD_ROUTING_INTERFACE_CHANGE), N(FD_ADDRESS_LIST_CHANGE)};
  return Bits(k, COUNT(k), static_cast<unsigned long>(events));
}

std::string IoctlCode(DWORD code) {
  static const Name k[] = {
      WSN(FIONBIO), WSN(FIONREAD), WSN(SIOCATMARK), N(SIO_ASSOCIATE_HANDLE),
      N(SIO_ENABLE_CIRCULAR_QUEUEING), N(SIO_FIND_ROUTE), N(SIO_FLUSH),
      N(SIO_GET_BROADCAST_ADDRESS), N(SIO_GET_EXTENSION_FUNCTION_POINTER), N(SIO_GET_QOS),
      N(SIO_GET_GROUP_QOS), N(SIO_MULTIPOINT_LOOPBACK), N(SIO_MULTICAST_SCOPE), N(SIO_SET_QOS),
      N(SIO_SET_GROUP_QOS), N(SIO_TRANSLATE_HANDLE), N(SIO_ROUTING_INTERFACE_QUERY),
      N(SIO_ROUTING_INTERFACE_CHANGE), N(SIO_ADDRESS_LIST_QUERY), N(SIO_ADDRESS_LIST_CHANGE),
      N(SIO_QUERY_TARGET_PNP_HANDLE), N(SIO_ADDRESS_LIST_SORT), N(SIO_BSP_HANDLE),
      N(SIO_BSP_HANDLE_SELECT), N(SIO_BSP_HANDLE_POLL), N(SIO_EXT_SELECT), N(SIO_EXT_POLL),
      N(SIO_EXT_SENDMSG), N(SIO_BASE_HANDLE), N(SIO_RCVALL), N(SIO_KEEPALIVE_VALS),
      N(SIO_UDP_CONNRESET), N(SIO_SOCKET_CLOSE_NOTIFY), N(SIO_LOOPBACK_FAST_PATH),
      N(SIO_TCP_INITIAL_RTO)};
  const char *name = Find(k, COUNT(k), static_cast<long>(code));
  return name != nullptr ? name : Hex(code);
}

std::string Level(int level) {
  static const Name k[] = {WSN(SOL_SOCKET), WSN(IPPROTO_IP), WSN(IPPROTO_TCP), WSN(IPPROTO_UDP),
                           WSN(IPPROTO_IPV6)};
  const char *name = Find(k, COUNT(k), level);
  return name != nullptr ? name : std::to_string(level);
}

std::string OptName(int level, int name) {
  static const Name kSocket[] = {
      WSN(SO_DEBUG), WSN(SO_ACCEPTCONN), WSN(SO_REUSEADDR), WSN(SO_KEEPALIVE),
      WSN(SO_DONTROUTE), WSN(SO_BROADCAST), WSN(SO_USELOOPBACK), WSN(SO_LINGER),
      WSN(SO_OOBINLINE), WSN(SO_DONTLINGER), WSN(SO_EXCLUSIVEADDRUSE), WSN(SO_SNDBUF),
      WSN(SO_RCVBUF), WSN(SO_SNDLOWAT), WSN(SO_RCVLOWAT), WSN(SO_SNDTIMEO), WSN(SO_RCVTIMEO),
      WSN(SO_ERROR), WSN(SO_TYPE), WSN(SO_GROUP_ID), WSN(SO_GROUP_PRIORITY),
      WSN(SO_MAX_MSG_SIZE), WSN(SO_PROTOCOL_INFOA), WSN(SO_PROTOCOL_INFOW),
      WSN(SO_CONDITIONAL_ACCEPT), WSN(SO_RANDOMIZE_PORT), WSN(SO_PORT_SCALABILITY),
      WSN(SO_CONNDATA), WSN(SO_CONNOPT), WSN(SO_DISCDATA), WSN(SO_DISCOPT),
      WSN(SO_CONNDATALEN), WSN(SO_CONNOPTLEN), WSN(SO_DISCDATALEN), WSN(SO_DISCOPTLEN),
      WSN(SO_OPENTYPE), WSN(SO_MAXDG), WSN(SO_MAXPATHDG), WSN(SO_UPDATE_ACCEPT_CONTEXT),
      WSN(SO_CONNECT_TIME), WSN(SO_UPDATE_CONNECT_CONTEXT)};
  static const Name kTcp[] = {WSN(TCP_NODELAY), WSN(TCP_EXPEDITED_1122), WSN(TCP_KEEPALIVE),
                              WSN(TCP_MAXSEG), WSN(TCP_KEEPIDLE), WSN(TCP_KEEPCNT),
                              WSN(TCP_KEEPINTVL), WSN(TCP_BSDURGENT)};
  static const Name kIp[] = {
      WSN(IP_OPTIONS), WSN(IP_HDRINCL), WSN(IP_TOS), WSN(IP_TTL), WSN(IP_MULTICAST_IF),
      WSN(IP_MULTICAST_TTL), WSN(IP_MULTICAST_LOOP), WSN(IP_ADD_MEMBERSHIP),
      WSN(IP_DROP_MEMBERSHIP), WSN(IP_DONTFRAGMENT), WSN(IP_PKTINFO), WSN(IP_RECVTTL),
      WSN(IP_RECEIVE_BROADCAST), WSN(IP_UNICAST_IF), WSN(IP_MTU_DISCOVER), WSN(IP_MTU)};
  static const Name kIp6[] = {
      WSN(IPV6_HOPOPTS), WSN(IPV6_HDRINCL), WSN(IPV6_UNICAST_HOPS), WSN(IPV6_MULTICAST_IF),
      WSN(IPV6_MULTICAST_HOPS), WSN(IPV6_MULTICAST_LOOP), WSN(IPV6_ADD_MEMBERSHIP),
      WSN(IPV6_DROP_MEMBERSHIP), WSN(IPV6_DONTFRAG), WSN(IPV6_PKTINFO), WSN(IPV6_HOPLIMIT),
      WSN(IPV6_PROTECTION_LEVEL), WSN(IPV6_V6ONLY), WSN(IPV6_UNICAST_IF), WSN(IPV6_MTU)};
  const char *found = nullptr;
  if (level == WS_SOL_SOCKET) found = Find(kSocket, COUNT(kSocket), name);
  if (level == WS_IPPROTO_TCP) found = Find(kTcp, COUNT(kTcp), name);
  if (level == WS_IPPROTO_IP) found = Find(kIp, COUNT(kIp), name);
  if (level == WS_IPPROTO_IPV6) found = Find(kIp6, COUNT(kIp6), name);
  return found != nullptr ? found : std::to_string(name);
}

std::string Family(int af) {
  if (af == -1) return "FROM_PROTOCOL_INFO";
  static const Name k[] = {WSN(AF_UNSPEC), WSN(AF_UNIX), WSN(AF_INET), WSN(AF_INET6)};
  const char *name = Find(k, COUNT(k), af);
  return name != nullptr ? name : std::to_string(af);
}

std::string Type(int type) {
  if (type == -1) return "FROM_PROTOCOL_INFO";
  static const Name k[] = {WSN(SOCK_STREAM), WSN(SOCK_DGRAM), WSN(SOCK_RAW), WSN(SOCK_RDM),
                           WSN(SOCK_SEQPACKET)};
  const char *name = Find(k, COUNT(k), type);
  return name != nullptr ? name : std::to_string(type);
}

std::string Protocol(int protocol) {
  if (protocol == -1) return "FROM_PROTOCOL_INFO";
  static const Name k[] = {WSN(IPPROTO_TCP), WSN(IPPROTO_UDP), WSN(IPPROTO_ICMP),
                           WSN(IPPROTO_RAW)};
  if (protocol == 0) return "0";
  const char *name = Find(k, COUNT(k), protocol);
  return name != nullptr ? name : std::to_string(protocol);
}

std::string Bufs(const WSABUF *bufs, DWORD count) {
  if (bufs == nullptr) return std::to_string(count) + " bufs at NULL";
  unsigned long long total = 0;
  for (DWORD i = 0; i < count; ++i) {
    WSABUF b;
    if (!ReadOwnMemory(&b, &bufs[i], sizeof(b))) {
      return std::to_string(count) + (count == 1 ? " buf" : " bufs") + " at " + Ptr(bufs) +
             " (unreadable)";
    }
    total += b.len;
  }
  return std::to_string(count) + (count == 1 ? " buf " : " bufs ") + std::to_string(total) + " B";
}

std::string Ovl(const WSAOVERLAPPED *o) { return Ptr(o); }

std::string Err(int code) {
  std::string name = WsaErrorName(code);  // "WSAEINVAL (10022)"
  const size_t space = name.find(" (");
  if (space != std::string::npos && space > 0 && name[0] != '(') name.resize(space);
  return name;
}

std::string Wide(const WCHAR *text) {
  if (text == nullptr) return "NULL";
  // Up to 1024 characters, read one at a time until the terminator (a string may end just
  // before an unmapped page).
  std::u16string copy;
  for (size_t i = 0; i < 1024; ++i) {
    char16_t c;
    if (!ReadOwnMemory(&c, text + i, sizeof(c))) return Ptr(text) + " (unreadable)";
    if (c == 0) break;
    copy.push_back(c);
  }
  return "\"" + Utf16ToUtf8(copy.c_str()) + "\"";
}

std::string Guid(const GUID *guid) {
  if (guid == nullptr) return "NULL";
  GUID copy;
  if (!ReadOwnMemory(&copy, guid, sizeof(copy))) return Ptr(guid) + " (unreadable)";
  return catalog::GuidToString(copy);
}

std::string OptVal(const char *value, long len) {
  if (value == nullptr) return "NULL";
  std::string out = std::to_string(len) + " B";
  if (len == 4) {
    int32_t v;
    if (!ReadOwnMemory(&v, value, 4)) return out + " at " + Ptr(value) + " (unreadable)";
    out += " =" + std::to_string(v);
  }
  return out;
}

void StartApi();
void StartSpi();

void Start(unsigned mask) {
  g_mask.store(mask, std::memory_order_relaxed);
  if ((mask & (kApi | kUpcall)) != 0) StartApi();
  if ((mask & kSpi) != 0) StartSpi();
}

}  // namespace ws2emu::emu::trace
