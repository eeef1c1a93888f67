// The IP Helper calls (ws2emu.h, "IP Helper"): a Snapshot of the Linux interfaces laid out in
// Windows' structures, in one caller buffer, the way iphlpapi.dll does it — the lists point
// into the same buffer, so one free releases everything.
//
// Each call lays its result out twice over the same snapshot: once to measure (into a scratch
// block that is thrown away), once into the caller's buffer when it is large enough. The two
// passes run the same code, so the size reported by ERROR_BUFFER_OVERFLOW is exactly the size
// the second pass uses.
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "adapters/interfaces.h"
#include "base/utf.h"
#include "net/net.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::adapters {
namespace {

// A bump allocator over the caller's buffer; without one (measuring) every allocation gets a
// scratch block of its own, and only the running size counts.
class Arena {
 public:
  Arena(void *base, size_t capacity) : base_(static_cast<char *>(base)), capacity_(capacity) {}

  template <typename T>
  T *New() {
    return static_cast<T *>(Alloc(sizeof(T), alignof(T)));
  }
  void *Alloc(size_t n, size_t align = 8) {
    used_ = (used_ + align - 1) & ~(align - 1);
    size_t at = used_;
    used_ += n;
    if (base_ != nullptr && used_ <= capacity_) {
      std::memset(base_ + at, 0, n);
      return base_ + at;
    }
    // The interfaces changed between the passes and the layout no longer fits: the rest goes
    // to scratch memory, never past the caller's buffer, and TwoPass answers with the new size.
    // Measuring: real, distinct memory, so that the layout code can link and fill entries as
    // it does in the caller's buffer; freed with the arena.
    scratch_.emplace_back(new char[n]());
    return scratch_.back().get();
  }
  size_t used() const { return used_; }
  bool overflowed() const { return base_ != nullptr && used_ > capacity_; }

 private:
  char *base_;
  size_t capacity_;
  size_t used_ = 0;
  std::vector<std::unique_ptr<char[]>> scratch_;
};

// UTF-8 -> UTF-16, NUL-terminated, in the arena.
WCHAR *NewWide(Arena &arena, const std::string &text) {
  const std::u16string wide = Utf8ToUtf16(text);
  auto *out = static_cast<WCHAR *>(arena.Alloc((wide.size() + 1) * sizeof(WCHAR)));
  std::memcpy(out, wide.data(), wide.size() * sizeof(WCHAR));
  return out;
}


char *NewNarrow(Arena &arena, const std::string &text) {
  auto *out = static_cast<char *>(arena.Alloc(text.size() + 1, 1));
  std::memcpy(out, text.data(), text.size());
  return out;
}

// A Linux address as a Windows SOCKET_ADDRESS whose sockaddr is in the arena.
void SetSocketAddress(Arena &arena, SOCKET_ADDRESS *out, const Address &a) {
  int len = a.family() == AF_INET ? 16 : 28;
  auto *sa = static_cast<WS_sockaddr *>(arena.Alloc(static_cast<size_t>(len)));
  if (net::SockaddrFromUnix(reinterpret_cast<const sockaddr *>(&a.storage), a.length, sa, &len) == 0) {
    out->lpSockaddr = sa;
    out->iSockaddrLength = len;
  }
}

bool FamilyWanted(ULONG family, int unix_family) {
  return family == WS_AF_UNSPEC || (family == WS_AF_INET && unix_family == AF_INET) ||
         (family == WS_AF_INET6 && unix_family == AF_INET6);
}

bool HasFamily(const Interface &itf, int unix_family) {
  for (const Unicast &u : itf.unicast) {
    if (u.address.family() == unix_family) return true;
  }
  return false;
}

bool IsLoopback(const Interface &itf) { return IfTypeOf(itf) == IF_TYPE_SOFTWARE_LOOPBACK; }

// Windows names its loopback "Loopback Pseudo-Interface 1" (the friendly name) and "Software
// Loopback Interface 1" (the description); the other adapters carry their Linux name in both,
// which is what a user knows them by here.
std::string FriendlyNameOf(const Interface &itf) {
  return IsLoopback(itf) ? "Loopback Pseudo-Interface 1" : itf.name;
}
std::string DescriptionOf(const Interface &itf) {
  return IsLoopback(itf) ? "Software Loopback Interface 1" : itf.name;
}

ULONG ErrorFromErrno(int err) {
  return err == ENOMEM || err == ENOBUFS || err == EMFILE || err == ENFILE
             ? ERROR_NOT_ENOUGH_MEMORY
             : ERROR_CAN_NOT_COMPLETE;
}

// A list appended to in order: `*tail` is where the next entry's address goes.
template <typename T>
struct Chain {
  T **tail;
  explicit Chain(T **head) : tail(head) {}
  T *Append(Arena &arena) {
    T *entry = arena.New<T>();
    entry->Length = sizeof(T);
    *tail = entry;
    tail = &entry->Next;
    return entry;
  }
};

void FillUnicast(Arena &arena, IP_ADAPTER_UNICAST_ADDRESS_LH *u, const Interface &itf,
                 const Unicast &src) {
  SetSocketAddress(arena, &u->Address, src.address);
  u->OnLinkPrefixLength = src.prefix_length;
  u->ValidLifetime = u->PreferredLifetime = u->LeaseLifetime = 0xffffffff;
  u->DadState = IpDadStatePreferred;
  bool link_local = false;
  if (src.address.family() == AF_INET6) {
    const auto *sin6 = reinterpret_cast<const sockaddr_in6 *>(&src.address.storage);
    link_local = IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr);
    if (src.ifa_flags & 0x40) u->DadState = IpDadStateTentative;   // IFA_F_TENTATIVE
    if (src.ifa_flags & 0x08) u->DadState = IpDadStateDuplicate;   // IFA_F_DADFAILED
    if (src.ifa_flags & 0x20) u->DadState = IpDadStateDeprecated;  // IFA_F_DEPRECATED
  } else {
    const auto *sin = reinterpret_cast<const sockaddr_in *>(&src.address.storage);
    link_local = (ntohl(sin->sin_addr.s_addr) >> 16) == 0xa9fe;  // 169.254/16
  }
  if (IsLoopback(itf)) {
    u->PrefixOrigin = IpPrefixOriginWellKnown;
    u->SuffixOrigin = IpSuffixOriginWellKnown;
  } else if (link_local) {
    u->PrefixOrigin = IpPrefixOriginWellKnown;
    u->SuffixOrigin = src.address.family() == AF_INET6 ? IpSuffixOriginLinkLayerAddress
                                                         : IpSuffixOriginRandom;
  } else if ((src.ifa_flags & 0x80) == 0) {  // not IFA_F_PERMANENT: autoconfigured
    u->PrefixOrigin = IpPrefixOriginRouterAdvertisement;
    u->SuffixOrigin = (src.ifa_flags & 0x01) != 0 ? IpSuffixOriginRandom  // IFA_F_TEMPORARY
                                                  : IpSuffixOriginLinkLayerAddress;
  } else {
    u->PrefixOrigin = IpPrefixOriginManual;
    u->SuffixOrigin = IpSuffixOriginManual;
  }
  if (!IsLoopback(itf) && !link_local) u->Flags = IP_ADAPTER_ADDRESS_DNS_ELIGIBLE;
}

// Windows' on-link prefixes of an interface: for every address its network and the address
// itself (and the IPv4 subnet broadcast), then the multicast (and IPv4 broadcast) ranges.
void FillPrefixes(Arena &arena, IP_ADAPTER_ADDRESSES_LH *aa, const Interface &itf, ULONG family) {
  std::vector<std::pair<Address, ULONG>> prefixes;
  auto add = [&](const Address &a, ULONG len) {
    for (const auto &p : prefixes) {
      if (p.second == len && p.first.length == a.length &&
          std::memcmp(&p.first.storage, &a.storage, a.length) == 0)
        return;
    }
    prefixes.emplace_back(a, len);
  };
  for (int fam : {AF_INET6, AF_INET}) {
    if (!FamilyWanted(family, fam) || !HasFamily(itf, fam)) continue;
    for (const Unicast &u : itf.unicast) {
      if (u.address.family() != fam) continue;
      Address net = u.address, host = u.address;
      if (fam == AF_INET) {
        auto *sin = reinterpret_cast<sockaddr_in *>(&net.storage);
        uint32_t mask = u.prefix_length == 0 ? 0 : ~0u << (32 - u.prefix_length);
        uint32_t addr = ntohl(sin->sin_addr.s_addr);
        sin->sin_addr.s_addr = htonl(addr & mask);
        add(net, u.prefix_length);
        add(host, 32);
        if (u.prefix_length < 32) {
          Address bcast = u.address;
          reinterpret_cast<sockaddr_in *>(&bcast.storage)->sin_addr.s_addr = htonl(addr | ~mask);
          add(bcast, 32);
        }
      } else {
        auto *sin6 = reinterpret_cast<sockaddr_in6 *>(&net.storage);
        sin6->sin6_scope_id = 0;
        reinterpret_cast<sockaddr_in6 *>(&host.storage)->sin6_scope_id = 0;
        for (int bit = u.prefix_length; bit < 128; ++bit)
          sin6->sin6_addr.s6_addr[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
        add(net, u.prefix_length);
        add(host, 128);
      }
    }
    Address group;
    if (fam == AF_INET) {
      auto *sin = reinterpret_cast<sockaddr_in *>(&group.storage);
      sin->sin_family = AF_INET;
      group.length = sizeof(sockaddr_in);
      sin->sin_addr.s_addr = htonl(0xe0000000);
      add(group, 4);
      sin->sin_addr.s_addr = htonl(0xffffffff);
      add(group, 32);
    } else {
      auto *sin6 = reinterpret_cast<sockaddr_in6 *>(&group.storage);
      sin6->sin6_family = AF_INET6;
      group.length = sizeof(sockaddr_in6);
      sin6->sin6_addr.s6_addr[0] = 0xff;
      add(group, 8);
    }
  }
  Chain<IP_ADAPTER_PREFIX_XP> chain(&aa->FirstPrefix);
  for (const auto &p : prefixes) {
    IP_ADAPTER_PREFIX_XP *entry = chain.Append(arena);
    SetSocketAddress(arena, &entry->Address, p.first);
    entry->PrefixLength = p.second;
  }
}

void FillAdapter(Arena &arena, IP_ADAPTER_ADDRESSES_LH *aa, const Snapshot &snap,
                 const Interface &itf, ULONG family, ULONG flags) {
  const uint32_t if_type = IfTypeOf(itf);
  const bool loopback = if_type == IF_TYPE_SOFTWARE_LOOPBACK;
  aa->Length = sizeof(*aa);
  aa->IfIndex = itf.index;
  aa->Ipv6IfIndex = itf.ipv6_enabled ? itf.index : 0;
  aa->AdapterName = NewNarrow(arena, AdapterGuidOf(itf));
  if ((flags & GAA_FLAG_SKIP_UNICAST) == 0) {
    Chain<IP_ADAPTER_UNICAST_ADDRESS_LH> chain(&aa->FirstUnicastAddress);
    for (const Unicast &u : itf.unicast) {
      if (FamilyWanted(family, u.address.family())) FillUnicast(arena, chain.Append(arena), itf, u);
    }
  }
  if ((flags & GAA_FLAG_SKIP_ANYCAST) == 0) {
    Chain<IP_ADAPTER_ANYCAST_ADDRESS_XP> chain(&aa->FirstAnycastAddress);
    for (const Address &a : itf.anycast) {
      if (FamilyWanted(family, a.family())) SetSocketAddress(arena, &chain.Append(arena)->Address, a);
    }
  }
  if ((flags & GAA_FLAG_SKIP_MULTICAST) == 0) {
    Chain<IP_ADAPTER_MULTICAST_ADDRESS_XP> chain(&aa->FirstMulticastAddress);
    for (const Address &a : itf.multicast) {
      if (FamilyWanted(family, a.family())) SetSocketAddress(arena, &chain.Append(arena)->Address, a);
    }
  }
  // The resolver's servers belong to every adapter that is up, as Windows lists the servers a
  // DHCP lease or the settings gave each adapter; none on the loopback.
  if ((flags & GAA_FLAG_SKIP_DNS_SERVER) == 0 && !loopback && (itf.flags & IFF_UP) != 0) {
    Chain<IP_ADAPTER_DNS_SERVER_ADDRESS_XP> chain(&aa->FirstDnsServerAddress);
    for (const Address &a : snap.dns_servers) SetSocketAddress(arena, &chain.Append(arena)->Address, a);
  }
  aa->DnsSuffix = NewWide(arena, loopback ? std::string() : snap.dns_suffix);
  aa->Description = NewWide(arena, DescriptionOf(itf));
  aa->FriendlyName =
      NewWide(arena, (flags & GAA_FLAG_SKIP_FRIENDLY_NAME) != 0 ? std::string() : FriendlyNameOf(itf));
  std::memcpy(aa->PhysicalAddress, itf.mac, itf.mac_length);
  aa->PhysicalAddressLength = itf.mac_length;
  aa->Flags = IP_ADAPTER_IPV4_ENABLED;
  if (itf.ipv6_enabled) aa->Flags |= IP_ADAPTER_IPV6_ENABLED;
  if (!loopback) aa->Flags |= IP_ADAPTER_DDNS_ENABLED | IP_ADAPTER_REGISTER_ADAPTER_SUFFIX;
  if ((itf.flags & IFF_MULTICAST) == 0) aa->Flags |= IP_ADAPTER_NO_MULTICAST;
  aa->Mtu = itf.mtu;
  aa->IfType = if_type;
  aa->OperStatus = (itf.flags & IFF_UP) != 0 && (itf.flags & IFF_RUNNING) != 0 ? IfOperStatusUp
                                                                               : IfOperStatusDown;
  // Zones: the interface itself, its link and subnet are the interface's index; the admin to
  // organisation scopes are the default zone 1; global has none.
  for (int level = 1; level <= 3; ++level) aa->ZoneIndices[level] = itf.index;
  for (int level = 4; level <= 13; ++level) aa->ZoneIndices[level] = 1;
  if ((flags & GAA_FLAG_INCLUDE_PREFIX) != 0) FillPrefixes(arena, aa, itf, family);
  uint64_t speed = itf.speed_bps != 0 ? itf.speed_bps : loopback ? 1073741824ull : 0;
  aa->TransmitLinkSpeed = aa->ReceiveLinkSpeed = speed;
  if ((flags & GAA_FLAG_INCLUDE_GATEWAYS) != 0) {
    Chain<IP_ADAPTER_GATEWAY_ADDRESS_LH> chain(&aa->FirstGatewayAddress);
    for (const Address &a : itf.gateways) {
      if (FamilyWanted(family, a.family())) SetSocketAddress(arena, &chain.Append(arena)->Address, a);
    }
  }
  // GAA_FLAG_INCLUDE_WINS_INFO: Linux has no WINS servers, so the list stays empty.
  aa->Ipv4Metric = aa->Ipv6Metric = loopback ? 75 : 25;
  aa->Luid.Info.NetLuidIndex = itf.index;
  aa->Luid.Info.IfType = if_type;
  aa->CompartmentId = 1;
  aa->ConnectionType = NET_IF_CONNECTION_DEDICATED;
  aa->TunnelType = if_type == IF_TYPE_TUNNEL ? TUNNEL_TYPE_OTHER : TUNNEL_TYPE_NONE;
}

bool AdapterWanted(const Interface &itf, ULONG family, ULONG flags) {
  if (family == WS_AF_UNSPEC || (flags & GAA_FLAG_INCLUDE_ALL_INTERFACES) != 0) return true;
  if (family == WS_AF_INET) return HasFamily(itf, AF_INET);
  return itf.ipv6_enabled || HasFamily(itf, AF_INET6);
}

size_t LayOutAddresses(Arena &arena, const Snapshot &snap, const std::vector<const Interface *> &list,
                       ULONG family, ULONG flags) {
  IP_ADAPTER_ADDRESSES_LH *head = nullptr;
  Chain<IP_ADAPTER_ADDRESSES_LH> chain(&head);
  for (const Interface *itf : list) FillAdapter(arena, chain.Append(arena), snap, *itf, family, flags);
  return arena.used();
}

void SetIpString(IP_ADDR_STRING *s, uint32_t s_addr, uint8_t prefix_length) {
  in_addr a{s_addr};
  inet_ntop(AF_INET, &a, s->IpAddress.String, sizeof(s->IpAddress.String));
  uint32_t mask = prefix_length == 0 ? 0 : htonl(~0u << (32 - prefix_length));
  in_addr m{mask};
  inet_ntop(AF_INET, &m, s->IpMask.String, sizeof(s->IpMask.String));
}

void FillAdapterInfo(Arena &arena, IP_ADAPTER_INFO *info, const Interface &itf) {
  info->ComboIndex = itf.index;
  std::snprintf(info->AdapterName, sizeof(info->AdapterName), "%s", AdapterGuidOf(itf).c_str());
  std::snprintf(info->Description, sizeof(info->Description), "%s", DescriptionOf(itf).c_str());
  info->AddressLength = itf.mac_length;
  std::memcpy(info->Address, itf.mac, itf.mac_length);
  info->Index = itf.index;
  info->Type = IfTypeOf(itf);
  info->DhcpEnabled = FALSE;
  IP_ADDR_STRING *last = nullptr;
  for (const Unicast &u : itf.unicast) {
    if (u.address.family() != AF_INET) continue;
    IP_ADDR_STRING *s = last == nullptr ? &info->IpAddressList : arena.New<IP_ADDR_STRING>();
    if (last != nullptr) last->Next = s;
    SetIpString(s, reinterpret_cast<const sockaddr_in *>(&u.address.storage)->sin_addr.s_addr,
                u.prefix_length);
    s->Context = itf.index;
    last = s;
  }
  if (last == nullptr) SetIpString(&info->IpAddressList, 0, 0);
  last = nullptr;
  for (const Address &g : itf.gateways) {
    if (g.family() != AF_INET) continue;
    IP_ADDR_STRING *s = last == nullptr ? &info->GatewayList : arena.New<IP_ADDR_STRING>();
    if (last != nullptr) last->Next = s;
    SetIpString(s, reinterpret_cast<const sockaddr_in *>(&g.storage)->sin_addr.s_addr, 32);
    last = s;
  }
  if (last == nullptr) SetIpString(&info->GatewayList, 0, 0);
}

size_t LayOutInfo(Arena &arena, const std::vector<const Interface *> &list) {
  IP_ADAPTER_INFO *prev = nullptr;
  for (const Interface *itf : list) {
    IP_ADAPTER_INFO *info = arena.New<IP_ADAPTER_INFO>();
    if (prev != nullptr) prev->Next = info;
    FillAdapterInfo(arena, info, *itf);
    prev = info;
  }
  return arena.used();
}

size_t LayOutNetworkParams(Arena &arena, const Snapshot &snap) {
  FIXED_INFO *fi = arena.New<FIXED_INFO>();
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  std::string name = host, domain = snap.dns_suffix;
  if (size_t dot = name.find('.'); dot != std::string::npos) {
    if (domain.empty()) domain = name.substr(dot + 1);
    name.resize(dot);
  }
  std::snprintf(fi->HostName, sizeof(fi->HostName), "%s", name.c_str());
  std::snprintf(fi->DomainName, sizeof(fi->DomainName), "%s", domain.c_str());
  IP_ADDR_STRING *last = nullptr;
  for (const Address &a : snap.dns_servers) {
    if (a.family() != AF_INET) continue;  // FIXED_INFO holds dotted IPv4 strings only
    IP_ADDR_STRING *s = last == nullptr ? &fi->DnsServerList : arena.New<IP_ADDR_STRING>();
    if (last != nullptr) last->Next = s;
    SetIpString(s, reinterpret_cast<const sockaddr_in *>(&a.storage)->sin_addr.s_addr, 0);
    s->IpMask.String[0] = 0;
    last = s;
  }
  fi->CurrentDnsServer = &fi->DnsServerList;
  fi->NodeType = BROADCAST_NODETYPE;  // no WINS server
  FILE *f = std::fopen("/proc/sys/net/ipv4/ip_forward", "re");
  if (f != nullptr) {
    int forward = 0;
    if (std::fscanf(f, "%d", &forward) == 1) fi->EnableRouting = forward != 0;
    std::fclose(f);
  }
  return arena.used();
}

// The two passes: measure, then (if it fits) write. `lay_out` is called with an Arena.
template <typename F>
ULONG TwoPass(void *buffer, PULONG size, F lay_out) {
  size_t needed;
  {
    Arena measure(nullptr, 0);
    needed = lay_out(measure);
  }
  if (buffer == nullptr || *size < needed) {
    *size = static_cast<ULONG>(needed);
    return ERROR_BUFFER_OVERFLOW;
  }
  Arena write(buffer, *size);
  lay_out(write);
  if (write.overflowed()) {
    *size = static_cast<ULONG>(write.used());
    return ERROR_BUFFER_OVERFLOW;
  }
  return NO_ERROR;
}

// The interface the kernel routes `dest` through: a UDP socket connected there (nothing is sent)
// has the source address the route chose; the interface holding it is the answer.
DWORD BestInterface(const sockaddr *dest, socklen_t dest_len, DWORD *index) {
  int fd = socket(dest->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrorFromErrno(errno);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
  sockaddr_storage local{};
  socklen_t local_len = sizeof(local);
  int rc = connect(fd, dest, dest_len);
  if (rc == 0) rc = getsockname(fd, reinterpret_cast<sockaddr *>(&local), &local_len);
  int err = errno;
  close(fd);
  if (rc != 0) return err == ENOMEM || err == ENOBUFS ? ERROR_NOT_ENOUGH_MEMORY : ERROR_CAN_NOT_COMPLETE;
  Snapshot snap;
  if (int e = ReadSnapshot(&snap); e != 0) return ErrorFromErrno(e);
  for (const Interface &itf : snap.interfaces) {
    for (const Unicast &u : itf.unicast) {
      if (u.address.family() != local.ss_family) continue;
      bool same = false;
      if (local.ss_family == AF_INET) {
        same = reinterpret_cast<const sockaddr_in *>(&u.address.storage)->sin_addr.s_addr ==
               reinterpret_cast<const sockaddr_in *>(&local)->sin_addr.s_addr;
      } else {
        same = std::memcmp(&reinterpret_cast<const sockaddr_in6 *>(&u.address.storage)->sin6_addr,
                           &reinterpret_cast<const sockaddr_in6 *>(&local)->sin6_addr, 16) == 0;
      }
      if (same) {
        *index = itf.index;
        return NO_ERROR;
      }
    }
  }
  return ERROR_CAN_NOT_COMPLETE;
}

}  // namespace
}  // namespace ws2emu::adapters

using ws2emu::adapters::Interface;
using ws2emu::adapters::Snapshot;

extern "C" {

ULONG WINAPI GetAdaptersAddresses(ULONG Family, ULONG Flags, PVOID Reserved,
                                  PIP_ADAPTER_ADDRESSES AdapterAddresses, PULONG SizePointer) {
  namespace a = ws2emu::adapters;
  if (SizePointer == nullptr || Reserved != nullptr) return ERROR_INVALID_PARAMETER;
  if (Family != WS_AF_UNSPEC && Family != WS_AF_INET && Family != WS_AF_INET6)
    return ERROR_INVALID_PARAMETER;
  try {
    Snapshot snap;
    if (int err = a::ReadSnapshot(&snap); err != 0) return a::ErrorFromErrno(err);
    std::vector<const Interface *> list;
    for (const Interface &itf : snap.interfaces) {
      if (a::AdapterWanted(itf, Family, Flags)) list.push_back(&itf);
    }
    if (list.empty()) return ERROR_NO_DATA;
    return a::TwoPass(AdapterAddresses, SizePointer, [&](a::Arena &arena) {
      return a::LayOutAddresses(arena, snap, list, Family, Flags);
    });
  } catch (const std::bad_alloc &) {
    return ERROR_NOT_ENOUGH_MEMORY;
  }
}

ULONG WINAPI GetAdaptersInfo(PIP_ADAPTER_INFO AdapterInfo, PULONG SizePointer) {
  namespace a = ws2emu::adapters;
  if (SizePointer == nullptr) return ERROR_INVALID_PARAMETER;
  try {
    Snapshot snap;
    if (int err = a::ReadSnapshot(&snap); err != 0) return a::ErrorFromErrno(err);
    std::vector<const Interface *> list;
    for (const Interface &itf : snap.interfaces) {
      // Every adapter but the loopback, with or without an address (as Windows lists a
      // disconnected adapter, at 0.0.0.0).
      if (!a::IsLoopback(itf)) list.push_back(&itf);
    }
    if (list.empty()) return ERROR_NO_DATA;
    return a::TwoPass(AdapterInfo, SizePointer,
                      [&](a::Arena &arena) { return a::LayOutInfo(arena, list); });
  } catch (const std::bad_alloc &) {
    return ERROR_NOT_ENOUGH_MEMORY;
  }
}

DWORD WINAPI GetNetworkParams(PFIXED_INFO pFixedInfo, PULONG pOutBufLen) {
  namespace a = ws2emu::adapters;
  if (pOutBufLen == nullptr) return ERROR_INVALID_PARAMETER;
  try {
    Snapshot snap;
    if (int err = a::ReadSnapshot(&snap); err != 0) return a::ErrorFromErrno(err);
    return a::TwoPass(pFixedInfo, pOutBufLen,
                      [&](a::Arena &arena) { return a::LayOutNetworkParams(arena, snap); });
  } catch (const std::bad_alloc &) {
    return ERROR_NOT_ENOUGH_MEMORY;
  }
}

DWORD WINAPI GetBestInterface(IPAddr dwDestAddr, PDWORD pdwBestIfIndex) {
  if (pdwBestIfIndex == nullptr) return ERROR_INVALID_PARAMETER;
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(9);
  sin.sin_addr.s_addr = dwDestAddr;
  try {
    return ws2emu::adapters::BestInterface(reinterpret_cast<const sockaddr *>(&sin), sizeof(sin),
                                           pdwBestIfIndex);
  } catch (const std::bad_alloc &) {
    return ERROR_NOT_ENOUGH_MEMORY;
  }
}

DWORD WINAPI GetBestInterfaceEx(struct WS_sockaddr *pDestAddr, PDWORD pdwBestIfIndex) {
  if (pDestAddr == nullptr || pdwBestIfIndex == nullptr) return ERROR_INVALID_PARAMETER;
  int size = ws2emu::net::SockaddrSize(pDestAddr->sa_family);
  sockaddr_storage dest{};
  socklen_t dest_len = 0;
  if (size == 0 || ws2emu::net::SockaddrToUnix(pDestAddr, size, &dest, &dest_len) != 0)
    return ERROR_INVALID_PARAMETER;
  reinterpret_cast<sockaddr_in *>(&dest)->sin_port = htons(9);  // same offset in sockaddr_in6
  try {
    return ws2emu::adapters::BestInterface(reinterpret_cast<const sockaddr *>(&dest), dest_len,
                                           pdwBestIfIndex);
  } catch (const std::bad_alloc &) {
    return ERROR_NOT_ENOUGH_MEMORY;
  }
}

DWORD WINAPI GetNumberOfInterfaces(PDWORD pdwNumIf) {
  if (pdwNumIf == nullptr) return ERROR_INVALID_PARAMETER;
  struct if_nameindex *list = if_nameindex();
  if (list == nullptr) return ws2emu::adapters::ErrorFromErrno(errno);
  DWORD n = 0;
  while (list[n].if_index != 0) ++n;
  if_freenameindex(list);
  *pdwNumIf = n;
  return NO_ERROR;
}

NET_IFINDEX WINAPI ws2emu_if_nametoindex(PCSTR InterfaceName) {
  if (InterfaceName == nullptr) return 0;
  if (unsigned index = if_nametoindex(InterfaceName); index != 0) return index;
  // Windows' own spelling: the adapter's GUID name (AdapterName).
  try {
    Snapshot snap;
    if (ws2emu::adapters::ReadSnapshot(&snap) != 0) return 0;
    for (const Interface &itf : snap.interfaces) {
      if (ws2emu::adapters::AdapterGuidOf(itf) == InterfaceName) return itf.index;
    }
  } catch (const std::bad_alloc &) {
  }
  return 0;
}

PCHAR WINAPI ws2emu_if_indextoname(NET_IFINDEX InterfaceIndex, PCHAR InterfaceName) {
  if (InterfaceName == nullptr || InterfaceIndex == 0) return nullptr;
  char name[IF_NAMESIZE];
  if (if_indextoname(InterfaceIndex, name) == nullptr) return nullptr;
  std::strcpy(InterfaceName, name);  // Windows' buffer is IF_NAMESIZE (256) bytes
  return InterfaceName;
}

}  // extern "C"
