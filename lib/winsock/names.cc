// Names over the system resolver (getaddrinfo(3), getnameinfo(3), the *_r netdb calls: so
// /etc/hosts, DNS, /etc/services, /etc/protocols), with Windows' structures, flag values and
// error numbers: getaddrinfo / GetAddrInfoW / GetAddrInfoExA/W and their frees, getnameinfo /
// GetNameInfoW, gethostbyname / gethostbyaddr, gethostname / GetHostNameW, getservbyname /
// getservbyport, getprotobyname / getprotobynumber. All need WSAStartup (WSANOTINITIALISED
// before it, as the documentation of each says).
//
// Errors. getaddrinfo and getnameinfo return the WSA error (EAI_* are WSA numbers on Windows)
// and set it as the last error too — 0 on success, as Wine's ws2_32 does it to match Windows.
// The hostent/servent/protoent calls return NULL with the last error set.
//
// Results. ADDRINFO nodes are each one malloc block (the node, its address, its canonical
// name), freed by the matching free call. hostent, servent and protoent live in per-thread
// buffers, one for each kind (gethostbyname and gethostbyaddr share theirs), valid until the
// thread's next call of that kind, as on Windows. The buffers come from malloc and a failure
// is WSAENOBUFS, never an abort.
//
// Where the socket type is left 0 in the hints, Linux answers once per type (stream, datagram,
// raw); Windows answers once per address with ai_socktype 0, so the entries are folded here by
// address and port. Windows' ai_socktype and ai_protocol are the hints' (Linux fills in
// IPPROTO_TCP for SOCK_STREAM; Windows leaves the 0 asked for), and ai_flags is 0. [From a
// portable library's notes on what each system returns (upnplib's getaddrinfo wrapper: "win32
// returns 0" for the type, the protocol and the flags); not in Microsoft's documentation.]
//
// GetAddrInfoEx is synchronous: an lpOverlapped or completion routine is WSAEINVAL, which is
// what Windows 7 answers (the documentation: before Windows 8 lpOverlapped "must be NULL"), so
// a program that checks for asynchronous support falls back to the synchronous call; running
// the lookup on a thread and completing the OVERLAPPED is left for later. lpNameHandle is set
// to NULL. dwNameSpace and lpNspId select the name-space providers, as for WSALookupServiceBegin:
// an lpNspId that is not installed (or is disabled) is WSAEINVAL, a name space no active
// provider serves WSAEINVAL too [inference: GetAddrInfoEx's page lists WSAEINVAL for a bad
// dwNameSpace].
//
// Name-space providers. On Windows getaddrinfo, gethostbyname and their kin resolve a host name
// through the name-space providers (SVCID_INET_HOSTADDRBYNAME, NS_ALL or the name space asked
// for, LUP_RETURN_NAME | LUP_RETURN_ADDR, the families' UDP and TCP in lpafpProtocols), so an
// installed provider sees the lookups and its answer is the program's. Here too: when a provider
// other than the built-in DNS one (lib/namespaces/dns_provider.h) is active for the name space,
// the host name goes through lib/namespaces (LookupHost: every provider's Begin, then their
// result sets in catalog order until one has addresses), and the answer's addresses get the
// service's port and the hints' type and protocol. The fast path: when the only active providers
// are the built-in one (a fresh catalog), the name goes straight to the resolver, as before —
// the same answer the built-in provider would give, without the round trip through
// WSAQUERYSETs; deciding it costs one look at the cached catalog (an fstat). Numeric addresses
// (and AI_NUMERICHOST) never reach a provider, as on Windows, and neither does a NULL name.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <arpa/inet.h>

#include "base/utf.h"
#include "boundary/last_error.h"
#include "base/wsa_status.h"
#include "namespaces/routing.h"
#include "net/net.h"
#include "winsock/call.h"
#include "winsock/winsock.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {
namespace {

// ---- Tables ---------------------------------------------------------------------------------

struct Pair {
  int ws;
  int unix_value;
};

// getaddrinfo's EAI_* -> the WSA error Windows gives for it. EAI_SYSTEM goes through errno.
constexpr Pair kEaiErrors[] = {
    {WSATRY_AGAIN, EAI_AGAIN},          {WSAEINVAL, EAI_BADFLAGS},
    {WSANO_RECOVERY, EAI_FAIL},         {WSAEAFNOSUPPORT, EAI_FAMILY},
    {WSA_NOT_ENOUGH_MEMORY, EAI_MEMORY}, {WSAHOST_NOT_FOUND, EAI_NONAME},
    {WSANO_DATA, EAI_NODATA},           {WSANO_DATA, EAI_ADDRFAMILY},
    {WSATYPE_NOT_FOUND, EAI_SERVICE},   {WSAESOCKTNOSUPPORT, EAI_SOCKTYPE},
    {WSAEFAULT, EAI_OVERFLOW},
};

constexpr Pair kAiFlags[] = {
    {WS_AI_PASSIVE, AI_PASSIVE},         {WS_AI_CANONNAME, AI_CANONNAME},
    {WS_AI_NUMERICHOST, AI_NUMERICHOST}, {WS_AI_NUMERICSERV, AI_NUMERICSERV},
    {WS_AI_ALL, AI_ALL},                 {WS_AI_ADDRCONFIG, AI_ADDRCONFIG},
    {WS_AI_V4MAPPED, AI_V4MAPPED},
};
// Windows flags with no Linux counterpart that change nothing a local resolver does: accepted
// and dropped. 0x20/0x40/0x80 are AI_FORCE_CLEAR_TEXT, AI_BYPASS_DNS_CACHE, AI_RETURN_TTL.
constexpr int kAiDropped = WS_AI_DNS_ONLY | 0x20 | 0x40 | 0x80 | WS_AI_NON_AUTHORITATIVE |
                           WS_AI_SECURE | WS_AI_RETURN_PREFERRED_NAMES | WS_AI_FQDN |
                           WS_AI_FILESERVER | WS_AI_DISABLE_IDN_ENCODING;

constexpr Pair kNiFlags[] = {
    {WS_NI_NOFQDN, NI_NOFQDN},           {WS_NI_NUMERICHOST, NI_NUMERICHOST},
    {WS_NI_NAMEREQD, NI_NAMEREQD},       {WS_NI_NUMERICSERV, NI_NUMERICSERV},
    {WS_NI_DGRAM, NI_DGRAM},
};

// h_errno of the netdb *_r calls -> WSA error (gethostbyname's documented ones).
constexpr Pair kHostErrors[] = {
    {WSAHOST_NOT_FOUND, HOST_NOT_FOUND}, {WSATRY_AGAIN, TRY_AGAIN},
    {WSANO_RECOVERY, NO_RECOVERY},       {WSANO_DATA, NO_DATA},
};

int EaiToWsa(int eai, int err) {
  if (eai == EAI_SYSTEM) return err == ENOMEM ? WSA_NOT_ENOUGH_MEMORY : net::WsaErrorFromErrno(err);
  for (const Pair &p : kEaiErrors) {
    if (p.unix_value == eai) return p.ws;
  }
  return WSANO_RECOVERY;  // [inference] an EAI_ code the table lacks: a non-recoverable failure
}

// Windows flag bits -> Linux; false when a bit is neither mapped nor in `dropped`.
bool FlagsToUnix(int ws, const Pair *table, size_t n, int dropped, int *out) {
  int unix_flags = 0;
  int known = dropped;
  for (size_t i = 0; i < n; ++i) {
    known |= table[i].ws;
    if (ws & table[i].ws) unix_flags |= table[i].unix_value;
  }
  if (ws & ~known) return false;
  *out = unix_flags;
  return true;
}

int HostErrorToWsa(int herr) {
  for (const Pair &p : kHostErrors) {
    if (p.unix_value == herr) return p.ws;
  }
  return WSANO_RECOVERY;
}

// ---- getaddrinfo's core -----------------------------------------------------------------------

struct Hints {
  int flags = 0, family = 0, socktype = 0, protocol = 0;
};

// One answer, in Windows terms.
struct Answer {
  int family, socktype, protocol;
  int addrlen;
  unsigned char addr[sizeof(struct WS_sockaddr_in6)];
};

struct Answers {
  std::vector<Answer> list;
  std::string canonname;
  bool has_canonname = false;
};

// The machine's host name, as gethostname returns it.
std::string LocalHostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

// Resolves for `node` / `service` (either may be null, not both) under Windows `hints`.
// Returns 0 or a WSA error. Throws std::bad_alloc only from the vectors and strings, which
// the callers catch.
int Resolve(const char *node, const char *service, const Hints &hints, Answers *out) {
  if (node == nullptr && service == nullptr) return WSAHOST_NOT_FOUND;
  if (hints.family != WS_AF_UNSPEC && hints.family != WS_AF_INET && hints.family != WS_AF_INET6) {
    return WSAEAFNOSUPPORT;
  }
  struct addrinfo unix_hints;
  std::memset(&unix_hints, 0, sizeof(unix_hints));
  if (!FlagsToUnix(hints.flags, kAiFlags, std::size(kAiFlags), kAiDropped, &unix_hints.ai_flags)) {
    return WSAEINVAL;
  }
  if ((hints.flags & WS_AI_CANONNAME) && node == nullptr) return WSAEINVAL;
  unix_hints.ai_family = net::FamilyToUnix(hints.family);
  if (hints.socktype != 0) {
    unix_hints.ai_socktype = net::SockTypeToUnix(hints.socktype);
    if (unix_hints.ai_socktype < 0) return WSAESOCKTNOSUPPORT;
  }
  unix_hints.ai_protocol = hints.protocol;

  std::string name;
  if (node != nullptr) {
    name = node;
    // Windows: an empty name is the local computer (all its registered addresses).
    if (name.empty()) name = LocalHostName();
    // Windows takes "[ipv6]" for AF_UNSPEC and AF_INET6 (Wine's tests).
    if (hints.family != WS_AF_INET && name.size() > 2 && name.front() == '[' &&
        name.back() == ']') {
      name = name.substr(1, name.size() - 2);
    }
  }

  struct addrinfo *result = nullptr;
  errno = 0;
  int rc = getaddrinfo(node != nullptr ? name.c_str() : nullptr, service, &unix_hints, &result);
  if (rc != 0) return EaiToWsa(rc, errno);

  int error = 0;
  try {
    for (struct addrinfo *ai = result; ai != nullptr; ai = ai->ai_next) {
      int family = net::FamilyFromUnix(ai->ai_family);
      if (family != WS_AF_INET && family != WS_AF_INET6) continue;
      Answer a;
      a.family = family;
      a.addrlen = sizeof(a.addr);
      if (net::SockaddrFromUnix(ai->ai_addr, ai->ai_addrlen,
                                reinterpret_cast<struct WS_sockaddr *>(a.addr), &a.addrlen) != 0) {
        continue;
      }
      a.socktype = hints.socktype;
      a.protocol = hints.protocol;
      if (hints.socktype == 0) {
        bool seen = false;
        for (const Answer &b : out->list) {
          if (b.addrlen == a.addrlen && std::memcmp(b.addr, a.addr, a.addrlen) == 0) seen = true;
        }
        if (seen) continue;
      }
      if (ai == result && ai->ai_canonname != nullptr) {
        out->canonname = ai->ai_canonname;
        out->has_canonname = true;
      }
      out->list.push_back(a);
    }
  } catch (const std::bad_alloc &) {
    error = WSA_NOT_ENOUGH_MEMORY;
  }
  freeaddrinfo(result);
  if (error == 0 && out->list.empty()) error = WSANO_DATA;
  return error;
}

// A result node: the node, then its address, then its canonical name, in one block.
template <typename Node, typename Char>
Node *NewNode(const Answer &a, const Char *canon, size_t canon_chars) {
  size_t addr_at = (sizeof(Node) + 7) & ~size_t{7};
  size_t name_at = addr_at + sizeof(a.addr);
  size_t total = name_at + (canon != nullptr ? (canon_chars + 1) * sizeof(Char) : 0);
  auto *block = static_cast<unsigned char *>(std::calloc(1, total));
  if (block == nullptr) return nullptr;
  Node *node = reinterpret_cast<Node *>(block);
  node->ai_flags = 0;
  node->ai_family = a.family;
  node->ai_socktype = a.socktype;
  node->ai_protocol = a.protocol;
  node->ai_addrlen = static_cast<size_t>(a.addrlen);
  std::memcpy(block + addr_at, a.addr, a.addrlen);
  node->ai_addr = reinterpret_cast<struct WS_sockaddr *>(block + addr_at);
  if (canon != nullptr) {
    auto *name = reinterpret_cast<Char *>(block + name_at);
    std::memcpy(name, canon, canon_chars * sizeof(Char));
    name[canon_chars] = 0;
    node->ai_canonname = name;
  }
  return node;
}

template <typename Node>
void FreeChain(Node *node) {
  while (node != nullptr) {
    Node *next = node->ai_next;
    std::free(node);
    node = next;
  }
}

// Builds the chain of `Node` (char or WCHAR canonical name) from `answers`; null when memory
// runs out (then nothing is left allocated).
template <typename Node, typename Char>
Node *BuildChain(const Answers &answers) {
  std::basic_string<Char> canon;
  if (answers.has_canonname) {
    if constexpr (sizeof(Char) == 1) {
      canon = answers.canonname;
    } else {
      std::u16string wide = Utf8ToUtf16(answers.canonname);
      canon.assign(wide.begin(), wide.end());
    }
  }
  Node *head = nullptr, **tail = &head;
  bool first = true;
  for (const Answer &a : answers.list) {
    Node *node = first && answers.has_canonname ? NewNode<Node, Char>(a, canon.c_str(), canon.size())
                                                : NewNode<Node, Char>(a, nullptr, 0);
    if (node == nullptr) {
      FreeChain(head);
      return nullptr;
    }
    first = false;
    *tail = node;
    tail = &node->ai_next;
  }
  return head;
}

// Sets the last error to `error` (0 included, as Windows does) and returns it.
int Report(int error) {
  SetThreadLastError(static_cast<uint32_t>(error));
  return error;
}

// The hints of an ADDRINFO-like structure: flags, family, type, protocol; WSANO_RECOVERY when
// ai_addrlen, ai_canonname, ai_addr or ai_next is set (the documentation of getaddrinfo).
template <typename H>
int ReadHints(const H *in, Hints *out) {
  if (in == nullptr) return 0;
  if (in->ai_addrlen != 0 || in->ai_canonname != nullptr || in->ai_addr != nullptr ||
      in->ai_next != nullptr) {
    return WSANO_RECOVERY;
  }
  out->flags = in->ai_flags;
  out->family = in->ai_family;
  out->socktype = in->ai_socktype;
  out->protocol = in->ai_protocol;
  return 0;
}

// A WCHAR string as the UTF-8 the resolver takes; `present` false for null.
struct Narrow {
  std::string text;
  bool present = false;
  const char *get() const { return present ? text.c_str() : nullptr; }
};
Narrow NarrowOf(const WCHAR *w) {
  Narrow n;
  if (w != nullptr) {
    n.text = Utf16ToUtf8(w);
    n.present = true;
  }
  return n;
}

// The port of `service` (null: 0) for the socket type, in network order; 0 or a WSA error.
int ServicePort(const char *service, int flags, int socktype, uint16_t *port) {
  *port = 0;
  if (service == nullptr) return 0;
  char *end = nullptr;
  errno = 0;
  unsigned long n = std::strtoul(service, &end, 10);
  if (*service != '\0' && *end == '\0' && errno == 0) {
    if (n > 65535) return WSATYPE_NOT_FOUND;
    *port = htons(static_cast<uint16_t>(n));
    return 0;
  }
  if (flags & WS_AI_NUMERICSERV) return WSAHOST_NOT_FOUND;
  std::vector<char> scratch(1024);
  struct servent se, *found = nullptr;
  const char *proto = socktype == WS_SOCK_DGRAM ? "udp" : "tcp";
  if (getservbyname_r(service, proto, &se, scratch.data(), scratch.size(), &found) != 0 ||
      found == nullptr) {
    return WSATYPE_NOT_FOUND;
  }
  *port = static_cast<uint16_t>(found->s_port);
  return 0;
}

bool IsNumericHost(const std::string &name) {
  unsigned char buf[16];
  std::string bare = name;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
  size_t percent = bare.find('%');
  if (percent != std::string::npos) bare = bare.substr(0, percent);
  return inet_pton(AF_INET, bare.c_str(), buf) == 1 || inet_pton(AF_INET6, bare.c_str(), buf) == 1;
}

// The host through the name-space providers (see the top); 0 or a WSA error. Checks what
// Resolve checks first, so that a bad family or flag fails the same way on both paths.
int ResolveThroughProviders(const std::string &node, const char *service, const Hints &hints,
                            DWORD name_space, const GUID *provider_id, Answers *out) {
  if (hints.family != WS_AF_UNSPEC && hints.family != WS_AF_INET && hints.family != WS_AF_INET6)
    return WSAEAFNOSUPPORT;
  int unix_flags = 0;
  if (!FlagsToUnix(hints.flags, kAiFlags, std::size(kAiFlags), kAiDropped, &unix_flags))
    return WSAEINVAL;
  if (hints.socktype != 0 && net::SockTypeToUnix(hints.socktype) < 0) return WSAESOCKTNOSUPPORT;
  uint16_t port = 0;
  if (int error = ServicePort(service, hints.flags, hints.socktype, &port); error != 0)
    return error;
  std::string name = node.empty() ? LocalHostName() : node;
  namespaces::HostAnswer answer;
  int error = namespaces::LookupHost(name, hints.family, name_space, provider_id, &answer);
  if (error != 0) return error;
  for (const namespaces::HostAddress &a : answer.addresses) {
    Answer r;
    std::memset(&r, 0, sizeof(r));
    r.family = a.family;
    r.socktype = hints.socktype;
    r.protocol = hints.protocol;
    if (a.family == WS_AF_INET) {
      struct WS_sockaddr_in in;
      std::memset(&in, 0, sizeof(in));
      in.sin_family = WS_AF_INET;
      in.sin_port = port;
      std::memcpy(&in.sin_addr, a.bytes, 4);
      std::memcpy(r.addr, &in, sizeof(in));
      r.addrlen = sizeof(in);
    } else {
      struct WS_sockaddr_in6 in6;
      std::memset(&in6, 0, sizeof(in6));
      in6.sin6_family = WS_AF_INET6;
      in6.sin6_port = port;
      std::memcpy(&in6.sin6_addr, a.bytes, 16);
      std::memcpy(r.addr, &in6, sizeof(in6));
      r.addrlen = sizeof(in6);
    }
    out->list.push_back(r);
  }
  if (hints.flags & WS_AI_CANONNAME) {
    out->canonname = answer.canonical.empty() ? name : answer.canonical;
    out->has_canonname = true;
  }
  return out->list.empty() ? WSANO_DATA : 0;
}

// Whether a host-name lookup in this name space goes through the providers (not the fast path).
// 0 or a WSA error (a damaged catalog, an unknown provider id).
int UseProviders(DWORD name_space, const GUID *provider_id, bool *use) {
  absl::StatusOr<bool> only = namespaces::OnlyBuiltin(name_space, provider_id);
  if (!only.ok()) {
    int error = WsaErrorOf(only.status());
    if (error != WSASERVICE_NOT_FOUND) return error;
    // No active provider: for a name space or provider chosen explicitly, GetAddrInfoEx's bad
    // dwNameSpace; otherwise (every provider disabled) no one knows the name.
    return name_space != NS_ALL || provider_id != nullptr ? WSAEINVAL : WSAHOST_NOT_FOUND;
  }
  *use = !*only;
  return 0;
}

// getaddrinfo for any of the four result shapes.
template <typename Node, typename Char, typename H>
int GetAddrInfoAny(const char *node, const char *service, const H *hints, Node **result,
                   DWORD name_space = NS_ALL, const GUID *provider_id = nullptr) {
  Hints h;
  if (int error = ReadHints(hints, &h); error != 0) return error;
  Answers answers;
  bool providers = false;
  if (node != nullptr && !(h.flags & WS_AI_NUMERICHOST) && !IsNumericHost(node)) {
    if (int error = UseProviders(name_space, provider_id, &providers); error != 0) return error;
  }
  int error = providers ? ResolveThroughProviders(node, service, h, name_space, provider_id,
                                                  &answers)
                        : Resolve(node, service, h, &answers);
  if (error != 0) return error;
  Node *chain = BuildChain<Node, Char>(answers);
  if (chain == nullptr) return WSA_NOT_ENOUGH_MEMORY;
  *result = chain;
  return 0;
}

// GetAddrInfoEx's checks of what this synchronous implementation takes (see the top).
int CheckEx(DWORD name_space, LPGUID nsp_id, LPOVERLAPPED overlapped,
            LPLOOKUPSERVICE_COMPLETION_ROUTINE routine) {
  if (overlapped != nullptr || routine != nullptr) return WSAEINVAL;
  if (name_space == NS_ALL && nsp_id == nullptr) return 0;
  bool unused = false;
  return UseProviders(name_space, nsp_id, &unused);
}

// ---- getnameinfo ------------------------------------------------------------------------------

// Host and service text for a Windows sockaddr; 0 or a WSA error.
int NameInfo(const struct WS_sockaddr *sa, int salen, bool want_host, bool want_serv, int flags,
             std::string *host, std::string *serv) {
  if (sa == nullptr) return WSAEFAULT;
  int unix_flags = 0;
  if (!FlagsToUnix(flags, kNiFlags, std::size(kNiFlags), 0, &unix_flags)) return WSAEINVAL;
  struct sockaddr_storage ss;
  socklen_t sslen = 0;
  if (int error = net::SockaddrToUnix(sa, salen, &ss, &sslen); error != 0) return error;
  if (!want_host && !want_serv) return WSAHOST_NOT_FOUND;
  if (want_host) {
    bool numeric = (flags & WS_NI_NUMERICHOST) != 0;
    if (!numeric) {
      char buf[NI_MAXHOST];
      int rc = getnameinfo(reinterpret_cast<struct sockaddr *>(&ss), sslen, buf, sizeof(buf),
                           nullptr, 0, (unix_flags & ~NI_NUMERICSERV) | NI_NAMEREQD);
      if (rc == 0) {
        *host = buf;
      } else if (rc == EAI_NONAME && !(flags & WS_NI_NAMEREQD)) {
        numeric = true;
      } else {
        return EaiToWsa(rc, errno);
      }
    }
    if (numeric) {
      // Windows' text for the address (its IPv6 forms, "%scope"), without the port.
      union {
        struct WS_sockaddr sa;
        struct WS_sockaddr_in in;
        struct WS_sockaddr_in6 in6;
      } copy;
      std::memset(&copy, 0, sizeof(copy));
      int length = net::SockaddrSize(sa->sa_family);
      std::memcpy(&copy, sa, length);
      if (sa->sa_family == WS_AF_INET) {
        copy.in.sin_port = 0;
      } else {
        copy.in6.sin6_port = 0;
      }
      std::u16string wide;
      if (int error = net::AddressToString(&copy.sa, length, &wide); error != 0) {
        return error == WSAENOBUFS ? WSA_NOT_ENOUGH_MEMORY : error;
      }
      host->assign(wide.begin(), wide.end());
    }
  }
  if (want_serv) {
    char buf[NI_MAXSERV];
    int rc = getnameinfo(reinterpret_cast<struct sockaddr *>(&ss), sslen, nullptr, 0, buf,
                         sizeof(buf), unix_flags & (NI_NUMERICSERV | NI_DGRAM));
    if (rc != 0) return EaiToWsa(rc, errno);
    *serv = buf;
  }
  return 0;
}

// Copies `text` and its terminator into `out` of `size` Chars; WSAEFAULT when it does not fit
// [inference: Windows documents WSAEFAULT for the buffers it cannot use].
template <typename Char>
int CopyOut(const std::basic_string<Char> &text, Char *out, DWORD size) {
  if (text.size() + 1 > size) return WSAEFAULT;
  std::memcpy(out, text.c_str(), (text.size() + 1) * sizeof(Char));
  return 0;
}

// ---- The per-thread hostent / servent / protoent buffers ------------------------------------

class ThreadBuffer {
 public:
  ~ThreadBuffer() { std::free(data_); }
  // At least `size` bytes, or null when memory runs out (the old contents stay).
  void *Get(size_t size) {
    if (size > size_) {
      void *p = std::realloc(data_, size);
      if (p == nullptr) return nullptr;
      data_ = p;
      size_ = size;
    }
    return data_;
  }

 private:
  void *data_ = nullptr;
  size_t size_ = 0;
};

thread_local ThreadBuffer t_host_buffer;
thread_local ThreadBuffer t_serv_buffer;
thread_local ThreadBuffer t_proto_buffer;

// Lays out strings and pointer lists after a fixed structure in one block.
class Packer {
 public:
  // Bytes for the structure, `lists` pointer arrays of `counts` entries (plus their null),
  // and `bytes` more of strings and addresses.
  static size_t Size(size_t head, size_t pointers, size_t bytes) {
    return ((head + 7) & ~size_t{7}) + pointers * sizeof(char *) + bytes;
  }
  Packer(void *block, size_t head, size_t pointers)
      : base_(static_cast<char *>(block)),
        pointers_(reinterpret_cast<char **>(base_ + ((head + 7) & ~size_t{7}))),
        bytes_(reinterpret_cast<char *>(pointers_ + pointers)) {}
  char **List(size_t n) {
    char **list = pointers_;
    pointers_ += n + 1;
    list[n] = nullptr;
    return list;
  }
  char *Bytes(const void *data, size_t n) {
    char *at = bytes_;
    std::memcpy(at, data, n);
    bytes_ += n;
    return at;
  }
  char *String(const char *s) { return Bytes(s, std::strlen(s) + 1); }

 private:
  char *base_;
  char **pointers_;
  char *bytes_;
};

size_t ListBytes(char **list, size_t *count) {
  size_t bytes = 0;
  *count = 0;
  for (; list != nullptr && list[*count] != nullptr; ++*count) bytes += std::strlen(list[*count]) + 1;
  return bytes;
}

// A Linux hostent -> Windows', in the thread's buffer; null with *error on failure.
struct WS_hostent *HostentFromUnix(const struct hostent *he, int *error) {
  int family = net::FamilyFromUnix(he->h_addrtype);
  size_t aliases = 0, addrs = 0;
  size_t bytes = std::strlen(he->h_name) + 1 + ListBytes(he->h_aliases, &aliases);
  while (he->h_addr_list[addrs] != nullptr) ++addrs;
  bytes += addrs * static_cast<size_t>(he->h_length);
  size_t size = Packer::Size(sizeof(struct WS_hostent), aliases + 1 + addrs + 1, bytes);
  void *block = t_host_buffer.Get(size);
  if (block == nullptr) {
    *error = WSAENOBUFS;
    return nullptr;
  }
  auto *out = static_cast<struct WS_hostent *>(block);
  Packer p(block, sizeof(*out), aliases + 1 + addrs + 1);
  out->h_aliases = p.List(aliases);
  out->h_addr_list = p.List(addrs);
  // Addresses first: they need no alignment beyond the pointers' (4 or 16 bytes each).
  for (size_t i = 0; i < addrs; ++i) out->h_addr_list[i] = p.Bytes(he->h_addr_list[i], he->h_length);
  out->h_name = p.String(he->h_name);
  for (size_t i = 0; i < aliases; ++i) out->h_aliases[i] = p.String(he->h_aliases[i]);
  out->h_addrtype = static_cast<short>(family);
  out->h_length = static_cast<short>(he->h_length);
  return out;
}

// Calls a netdb *_r function with a growing scratch buffer: `call(buf, len)` returns its
// int result (0, ERANGE to grow, or another error). Returns that result; ENOMEM when the
// buffer cannot grow.
template <typename Call>
int WithScratch(std::vector<char> *scratch, Call call) {
  size_t size = 1024;
  for (;;) {
    try {
      scratch->resize(size);
    } catch (const std::bad_alloc &) {
      return ENOMEM;
    }
    int rc = call(scratch->data(), scratch->size());
    if (rc != ERANGE) return rc;
    if (size >= (size_t{1} << 24)) return ERANGE;
    size *= 2;
  }
}

struct WS_servent *ServentFromUnix(const struct servent *se, int *error) {
  size_t aliases = 0;
  size_t bytes = std::strlen(se->s_name) + 1 + std::strlen(se->s_proto) + 1 +
                 ListBytes(se->s_aliases, &aliases);
  void *block = t_serv_buffer.Get(Packer::Size(sizeof(struct WS_servent), aliases + 1, bytes));
  if (block == nullptr) {
    *error = WSAENOBUFS;
    return nullptr;
  }
  auto *out = static_cast<struct WS_servent *>(block);
  Packer p(block, sizeof(*out), aliases + 1);
  out->s_aliases = p.List(aliases);
  out->s_name = p.String(se->s_name);
  out->s_proto = p.String(se->s_proto);
  for (size_t i = 0; i < aliases; ++i) out->s_aliases[i] = p.String(se->s_aliases[i]);
  out->s_port = static_cast<short>(se->s_port);  // network order on both sides
  return out;
}

struct WS_protoent *ProtoentFromUnix(const struct protoent *pe, int *error) {
  size_t aliases = 0;
  size_t bytes = std::strlen(pe->p_name) + 1 + ListBytes(pe->p_aliases, &aliases);
  void *block = t_proto_buffer.Get(Packer::Size(sizeof(struct WS_protoent), aliases + 1, bytes));
  if (block == nullptr) {
    *error = WSAENOBUFS;
    return nullptr;
  }
  auto *out = static_cast<struct WS_protoent *>(block);
  Packer p(block, sizeof(*out), aliases + 1);
  out->p_aliases = p.List(aliases);
  out->p_name = p.String(pe->p_name);
  for (size_t i = 0; i < aliases; ++i) out->p_aliases[i] = p.String(pe->p_aliases[i]);
  out->p_proto = static_cast<short>(pe->p_proto);
  return out;
}

// Windows matches service and protocol names without case (Wine lowercases them too).
std::string Lower(const char *s) {
  std::string out(s);
  for (char &c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// getnameinfo (Char = char) and GetNameInfoW (Char = WCHAR): the names as UTF-8, copied out
// in the caller's characters.
template <typename Char>
INT NameInfoInto(const SOCKADDR *address, INT length, Char *node, DWORD node_size, Char *service,
                 DWORD service_size, INT flags) {
  if (int error = RequireStarted(); error != 0) return error;
  try {
    std::string host, serv;
    const bool want_host = node != nullptr && node_size != 0;
    const bool want_serv = service != nullptr && service_size != 0;
    // The documentation: a host (service) buffer with a zero size is EAI_BADFLAGS.
    if ((node != nullptr && node_size == 0) || (service != nullptr && service_size == 0)) {
      return Report(WSAEINVAL);
    }
    auto in_chars = [](const std::string &text) {
      if constexpr (sizeof(Char) == 1) {
        return text;
      } else {
        return Utf8ToUtf16(text);
      }
    };
    int error = NameInfo(address, length, want_host, want_serv, flags, &host, &serv);
    if (error == 0 && want_host) error = CopyOut(in_chars(host), node, node_size);
    if (error == 0 && want_serv) error = CopyOut(in_chars(serv), service, service_size);
    return Report(error);
  } catch (const std::bad_alloc &) {
    return Report(WSA_NOT_ENOUGH_MEMORY);
  }
}

}  // namespace
}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

// ---- getaddrinfo and friends ------------------------------------------------------------------

INT WSAAPI ws2emu_getaddrinfo(PCSTR pNodeName, PCSTR pServiceName, const ADDRINFOA *pHints,
                              PADDRINFOA *ppResult) {
  if (int error = RequireStarted(); error != 0) return error;
  if (ppResult == nullptr) return Report(WSAEFAULT);
  *ppResult = nullptr;
  try {
    return Report(GetAddrInfoAny<ADDRINFOA, char>(pNodeName, pServiceName, pHints, ppResult));
  } catch (const std::bad_alloc &) {
    return Report(WSA_NOT_ENOUGH_MEMORY);
  }
}

INT WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName, const ADDRINFOW *pHints,
                        PADDRINFOW *ppResult) {
  if (int error = RequireStarted(); error != 0) return error;
  if (ppResult == nullptr) return Report(WSAEFAULT);
  *ppResult = nullptr;
  try {
    Narrow node = NarrowOf(pNodeName), service = NarrowOf(pServiceName);
    return Report(GetAddrInfoAny<ADDRINFOW, WCHAR>(node.get(), service.get(), pHints, ppResult));
  } catch (const std::bad_alloc &) {
    return Report(WSA_NOT_ENOUGH_MEMORY);
  }
}

INT WSAAPI GetAddrInfoExA(PCSTR pName, PCSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXA *hints, PADDRINFOEXA *ppResult,
                          struct WS_timeval *timeout, LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle) {
  (void)timeout;  // a time limit only for asynchronous calls (the documentation)
  if (int error = RequireStarted(); error != 0) return error;
  if (lpNameHandle != nullptr) *lpNameHandle = nullptr;
  if (ppResult == nullptr) return Report(WSAEFAULT);
  *ppResult = nullptr;
  if (int error = CheckEx(dwNameSpace, lpNspId, lpOverlapped, lpCompletionRoutine); error != 0) {
    return Report(error);
  }
  try {
    return Report(GetAddrInfoAny<ADDRINFOEXA, char>(pName, pServiceName, hints, ppResult,
                                                    dwNameSpace, lpNspId));
  } catch (const std::bad_alloc &) {
    return Report(WSA_NOT_ENOUGH_MEMORY);
  }
}

INT WSAAPI GetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXW *hints, PADDRINFOEXW *ppResult,
                          struct WS_timeval *timeout, LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpHandle) {
  (void)timeout;
  if (int error = RequireStarted(); error != 0) return error;
  if (lpHandle != nullptr) *lpHandle = nullptr;
  if (ppResult == nullptr) return Report(WSAEFAULT);
  *ppResult = nullptr;
  if (int error = CheckEx(dwNameSpace, lpNspId, lpOverlapped, lpCompletionRoutine); error != 0) {
    return Report(error);
  }
  try {
    Narrow node = NarrowOf(pName), service = NarrowOf(pServiceName);
    return Report(GetAddrInfoAny<ADDRINFOEXW, WCHAR>(node.get(), service.get(), hints, ppResult,
                                                     dwNameSpace, lpNspId));
  } catch (const std::bad_alloc &) {
    return Report(WSA_NOT_ENOUGH_MEMORY);
  }
}

// No asynchronous lookup is ever started here, so there is none to cancel or complete.
INT WSAAPI GetAddrInfoExCancel(LPHANDLE lpHandle) {
  if (lpHandle == nullptr) return Report(WSAEINVAL);
  return Report(WSA_INVALID_HANDLE);
}

INT WSAAPI GetAddrInfoExOverlappedResult(LPOVERLAPPED lpOverlapped) {
  if (lpOverlapped == nullptr) return WSAEINVAL;
  return static_cast<INT>(lpOverlapped->Internal);
}

void WSAAPI ws2emu_freeaddrinfo(PADDRINFOA pAddrInfo) { FreeChain(pAddrInfo); }
void WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo) { FreeChain(pAddrInfo); }
void WSAAPI FreeAddrInfoEx(PADDRINFOEXA pAddrInfoEx) { FreeChain(pAddrInfoEx); }
void WSAAPI FreeAddrInfoExW(PADDRINFOEXW pAddrInfoEx) { FreeChain(pAddrInfoEx); }

// ---- getnameinfo --------------------------------------------------------------------------------

INT WSAAPI ws2emu_getnameinfo(const SOCKADDR *pSockaddr, INT SockaddrLength, char *pNodeBuffer,
                              DWORD NodeBufferSize, char *pServiceBuffer,
                              DWORD ServiceBufferSize, INT Flags) {
  return NameInfoInto(pSockaddr, SockaddrLength, pNodeBuffer, NodeBufferSize, pServiceBuffer,
                      ServiceBufferSize, Flags);
}

INT WSAAPI GetNameInfoW(const SOCKADDR *pSockaddr, INT SockaddrLength, PWCHAR pNodeBuffer,
                        DWORD NodeBufferSize, PWCHAR pServiceBuffer, DWORD ServiceBufferSize,
                        INT Flags) {
  return NameInfoInto(pSockaddr, SockaddrLength, pNodeBuffer, NodeBufferSize, pServiceBuffer,
                      ServiceBufferSize, Flags);
}

// ---- gethostname -------------------------------------------------------------------------------

int WSAAPI ws2emu_gethostname(char *name, int namelen) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  if (name == nullptr || namelen <= 0) return FailWith(WSAEFAULT, SOCKET_ERROR);
  std::string host = LocalHostName();
  if (host.size() + 1 > static_cast<size_t>(namelen)) return FailWith(WSAEFAULT, SOCKET_ERROR);
  std::memcpy(name, host.c_str(), host.size() + 1);
  return 0;
}

int WSAAPI GetHostNameW(PWSTR name, int namelen) {
  if (RequireStarted() != 0) return SOCKET_ERROR;
  if (name == nullptr || namelen <= 0) return FailWith(WSAEFAULT, SOCKET_ERROR);
  try {
    std::u16string host = Utf8ToUtf16(LocalHostName());
    if (host.size() + 1 > static_cast<size_t>(namelen)) return FailWith(WSAEFAULT, SOCKET_ERROR);
    std::memcpy(name, host.c_str(), (host.size() + 1) * sizeof(WCHAR));
  } catch (const std::bad_alloc &) {
    return FailWith(WSA_NOT_ENOUGH_MEMORY, SOCKET_ERROR);
  }
  return 0;
}

// ---- gethostbyname / gethostbyaddr ---------------------------------------------------------

struct WS_hostent *WSAAPI ws2emu_gethostbyname(const char *name) {
  if (RequireStarted() != 0) return nullptr;
  try {
    // The documentation: a NULL or empty name is the local host (gethostname's name).
    std::string host = (name == nullptr || *name == '\0') ? LocalHostName() : std::string(name);
    // Through the name-space providers when one other than the built-in is active (the top).
    bool providers = false;
    if (!IsNumericHost(host)) {
      if (int error = UseProviders(NS_ALL, nullptr, &providers); error != 0)
        return FailWith<struct WS_hostent *>(error, nullptr);
    }
    if (providers) {
      namespaces::HostAnswer answer;
      int error = namespaces::LookupHost(host, WS_AF_INET, NS_ALL, nullptr, &answer);
      if (error == WSANO_DATA || error == WSA_E_NO_MORE) error = WSAHOST_NOT_FOUND;
      if (error != 0) return FailWith<struct WS_hostent *>(error, nullptr);
      std::vector<char *> addresses;
      for (namespaces::HostAddress &a : answer.addresses) {
        addresses.push_back(reinterpret_cast<char *>(a.bytes));
      }
      addresses.push_back(nullptr);
      std::string canonical = answer.canonical.empty() ? host : answer.canonical;
      char *no_aliases[] = {nullptr};
      struct hostent he{};
      he.h_name = canonical.data();
      he.h_aliases = no_aliases;
      he.h_addrtype = AF_INET;
      he.h_length = 4;
      he.h_addr_list = addresses.data();
      int out_error = 0;
      struct WS_hostent *out = HostentFromUnix(&he, &out_error);
      if (out == nullptr) return FailWith<struct WS_hostent *>(out_error, nullptr);
      return out;
    }
    std::vector<char> scratch;
    struct hostent he, *result = nullptr;
    int herr = 0;
    int rc = WithScratch(&scratch, [&](char *buf, size_t len) {
      return gethostbyname2_r(host.c_str(), AF_INET, &he, buf, len, &result, &herr);
    });
    if (rc == ENOMEM) return FailWith<struct WS_hostent *>(WSAENOBUFS, nullptr);
    if (result == nullptr) {
      return FailWith<struct WS_hostent *>(rc != 0 && herr == NETDB_INTERNAL ? WSANO_RECOVERY
                                                                            : HostErrorToWsa(herr),
                                           nullptr);
    }
    int error = 0;
    struct WS_hostent *out = HostentFromUnix(result, &error);
    if (out == nullptr) return FailWith<struct WS_hostent *>(error, nullptr);
    return out;
  } catch (const std::bad_alloc &) {
    return FailWith<struct WS_hostent *>(WSAENOBUFS, nullptr);
  }
}

struct WS_hostent *WSAAPI ws2emu_gethostbyaddr(const char *addr, int len, int type) {
  if (RequireStarted() != 0) return nullptr;
  if (addr == nullptr) return FailWith<struct WS_hostent *>(WSAEFAULT, nullptr);
  if (type != WS_AF_INET && type != WS_AF_INET6) {
    return FailWith<struct WS_hostent *>(WSAEAFNOSUPPORT, nullptr);
  }
  // The address must be the family's size (the documentation's WSAEFAULT for len).
  if (len != (type == WS_AF_INET ? 4 : 16)) return FailWith<struct WS_hostent *>(WSAEFAULT, nullptr);
  std::vector<char> scratch;
  struct hostent he, *result = nullptr;
  int herr = 0;
  int rc = WithScratch(&scratch, [&](char *buf, size_t size) {
    return gethostbyaddr_r(addr, static_cast<socklen_t>(len), net::FamilyToUnix(type), &he, buf,
                           size, &result, &herr);
  });
  if (rc == ENOMEM) return FailWith<struct WS_hostent *>(WSAENOBUFS, nullptr);
  if (result == nullptr) {
    return FailWith<struct WS_hostent *>(
        rc != 0 && herr == NETDB_INTERNAL ? WSANO_RECOVERY : HostErrorToWsa(herr), nullptr);
  }
  int error = 0;
  struct WS_hostent *out = HostentFromUnix(result, &error);
  if (out == nullptr) return FailWith<struct WS_hostent *>(error, nullptr);
  return out;
}

// ---- services and protocols ----------------------------------------------------------------

struct WS_servent *WSAAPI ws2emu_getservbyname(const char *name, const char *proto) {
  if (RequireStarted() != 0) return nullptr;
  if (name == nullptr) return FailWith<struct WS_servent *>(WSAEFAULT, nullptr);
  try {
    std::string n = Lower(name);
    std::string p = proto != nullptr ? Lower(proto) : std::string();
    const char *pp = p.empty() ? nullptr : p.c_str();  // "" is any protocol (Wine)
    std::vector<char> scratch;
    struct servent se, *result = nullptr;
    int rc = WithScratch(&scratch, [&](char *buf, size_t len) {
      return getservbyname_r(n.c_str(), pp, &se, buf, len, &result);
    });
    if (rc == ENOMEM) return FailWith<struct WS_servent *>(WSAENOBUFS, nullptr);
    if (result == nullptr) return FailWith<struct WS_servent *>(WSANO_DATA, nullptr);
    int error = 0;
    struct WS_servent *out = ServentFromUnix(result, &error);
    if (out == nullptr) return FailWith<struct WS_servent *>(error, nullptr);
    return out;
  } catch (const std::bad_alloc &) {
    return FailWith<struct WS_servent *>(WSAENOBUFS, nullptr);
  }
}

struct WS_servent *WSAAPI ws2emu_getservbyport(int port, const char *proto) {
  if (RequireStarted() != 0) return nullptr;
  try {
    std::string p = proto != nullptr ? Lower(proto) : std::string();
    const char *pp = p.empty() ? nullptr : p.c_str();
    std::vector<char> scratch;
    struct servent se, *result = nullptr;
    int rc = WithScratch(&scratch, [&](char *buf, size_t len) {
      return getservbyport_r(port, pp, &se, buf, len, &result);
    });
    if (rc == ENOMEM) return FailWith<struct WS_servent *>(WSAENOBUFS, nullptr);
    if (result == nullptr) return FailWith<struct WS_servent *>(WSANO_DATA, nullptr);
    int error = 0;
    struct WS_servent *out = ServentFromUnix(result, &error);
    if (out == nullptr) return FailWith<struct WS_servent *>(error, nullptr);
    return out;
  } catch (const std::bad_alloc &) {
    return FailWith<struct WS_servent *>(WSAENOBUFS, nullptr);
  }
}

struct WS_protoent *WSAAPI ws2emu_getprotobyname(const char *name) {
  if (RequireStarted() != 0) return nullptr;
  if (name == nullptr) return FailWith<struct WS_protoent *>(WSAEFAULT, nullptr);
  try {
    std::string n = Lower(name);
    std::vector<char> scratch;
    struct protoent pe, *result = nullptr;
    int rc = WithScratch(&scratch, [&](char *buf, size_t len) {
      return getprotobyname_r(n.c_str(), &pe, buf, len, &result);
    });
    if (rc == ENOMEM) return FailWith<struct WS_protoent *>(WSAENOBUFS, nullptr);
    if (result == nullptr) return FailWith<struct WS_protoent *>(WSANO_DATA, nullptr);
    int error = 0;
    struct WS_protoent *out = ProtoentFromUnix(result, &error);
    if (out == nullptr) return FailWith<struct WS_protoent *>(error, nullptr);
    return out;
  } catch (const std::bad_alloc &) {
    return FailWith<struct WS_protoent *>(WSAENOBUFS, nullptr);
  }
}

struct WS_protoent *WSAAPI ws2emu_getprotobynumber(int number) {
  if (RequireStarted() != 0) return nullptr;
  std::vector<char> scratch;
  struct protoent pe, *result = nullptr;
  int rc = WithScratch(&scratch, [&](char *buf, size_t len) {
    return getprotobynumber_r(number, &pe, buf, len, &result);
  });
  if (rc == ENOMEM) return FailWith<struct WS_protoent *>(WSAENOBUFS, nullptr);
  if (result == nullptr) return FailWith<struct WS_protoent *>(WSANO_DATA, nullptr);
  int error = 0;
  struct WS_protoent *out = ProtoentFromUnix(result, &error);
  if (out == nullptr) return FailWith<struct WS_protoent *>(error, nullptr);
  return out;
}

}  // extern "C"
