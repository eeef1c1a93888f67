#include "adapters/interfaces.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>

namespace ws2emu::adapters {
namespace {

uint8_t PrefixLengthOf(const sockaddr *mask) {
  if (mask == nullptr) return 0;
  const uint8_t *bytes = nullptr;
  size_t n = 0;
  if (mask->sa_family == AF_INET) {
    bytes = reinterpret_cast<const uint8_t *>(&reinterpret_cast<const sockaddr_in *>(mask)->sin_addr);
    n = 4;
  } else if (mask->sa_family == AF_INET6) {
    bytes =
        reinterpret_cast<const uint8_t *>(&reinterpret_cast<const sockaddr_in6 *>(mask)->sin6_addr);
    n = 16;
  } else {
    return 0;
  }
  uint8_t bits = 0;
  for (size_t i = 0; i < n; ++i) bits += static_cast<uint8_t>(__builtin_popcount(bytes[i]));
  return bits;
}

Address MakeAddress(const sockaddr *sa) {
  Address a;
  a.length = sa->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  std::memcpy(&a.storage, sa, a.length);
  return a;
}

Address Make4(uint32_t s_addr) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = s_addr;
  return MakeAddress(reinterpret_cast<const sockaddr *>(&sin));
}

Address Make6(const uint8_t bytes[16], uint32_t scope) {
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  std::memcpy(&sin6.sin6_addr, bytes, 16);
  sin6.sin6_scope_id = scope;
  return MakeAddress(reinterpret_cast<const sockaddr *>(&sin6));
}

bool ParseHex128(const std::string &hex, uint8_t out[16]) {
  if (hex.size() != 32) return false;
  for (int i = 0; i < 16; ++i) {
    unsigned v = 0;
    if (std::sscanf(hex.c_str() + 2 * i, "%2x", &v) != 1) return false;
    out[i] = static_cast<uint8_t>(v);
  }
  return true;
}

bool IsLinkLocal6(const uint8_t b[16]) { return b[0] == 0xfe && (b[1] & 0xc0) == 0x80; }

std::string ReadSmallFile(const std::string &path) {
  std::ifstream f(path);
  if (!f) return {};
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

uint32_t ReadMtu(const std::string &name) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    ifreq req{};
    std::snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", name.c_str());
    int rc = ioctl(fd, SIOCGIFMTU, &req);
    close(fd);
    if (rc == 0) return static_cast<uint32_t>(req.ifr_mtu);
  }
  // Out of descriptors: the same figure from sysfs.
  std::string text = ReadSmallFile("/sys/class/net/" + name + "/mtu");
  return static_cast<uint32_t>(std::strtoul(text.c_str(), nullptr, 10));
}

Interface *ByIndex(std::vector<Interface> &list, uint32_t index) {
  for (Interface &i : list) {
    if (i.index == index) return &i;
  }
  return nullptr;
}

Interface *ByName(std::vector<Interface> &list, const std::string &name) {
  for (Interface &i : list) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

// /proc/net/if_inet6: "addr32hex idx plen scope flags name".
void ReadIpv6Flags(std::vector<Interface> &list) {
  std::ifstream f("/proc/net/if_inet6");
  std::string hex, name;
  unsigned idx, plen, scope, flags;
  while (f >> hex >> std::hex >> idx >> plen >> scope >> flags >> std::dec >> name) {
    uint8_t bytes[16];
    Interface *itf = ByIndex(list, idx);
    if (itf == nullptr || !ParseHex128(hex, bytes)) continue;
    for (Unicast &u : itf->unicast) {
      if (u.address.family() != AF_INET6) continue;
      const auto *sin6 = reinterpret_cast<const sockaddr_in6 *>(&u.address.storage);
      if (std::memcmp(&sin6->sin6_addr, bytes, 16) == 0) u.ifa_flags = flags;
    }
  }
}

// /proc/net/igmp: a line per interface ("idx\tname : count querier"), then one per group
// ("\t\t\t\tGROUP users timer reporter", GROUP the address in host-order hex).
void ReadIgmp(std::vector<Interface> &list) {
  std::ifstream f("/proc/net/igmp");
  std::string line;
  Interface *current = nullptr;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    if (line[0] != '\t' && line[0] != ' ') {
      unsigned idx = 0;
      current = std::sscanf(line.c_str(), "%u", &idx) == 1 ? ByIndex(list, idx) : nullptr;
      continue;
    }
    unsigned group = 0;
    if (current != nullptr && std::sscanf(line.c_str(), " %x", &group) == 1)
      current->multicast.push_back(Make4(group));
  }
}

// /proc/net/igmp6 ("idx name addr32hex users flags timer") and anycast6 ("idx name addr refs").
void ReadGroups6(const char *path, std::vector<Interface> &list, bool anycast) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    unsigned idx = 0;
    char name[64], hex[64];
    uint8_t bytes[16];
    if (std::sscanf(line.c_str(), "%u %63s %63s", &idx, name, hex) != 3) continue;
    Interface *itf = ByIndex(list, idx);
    if (itf == nullptr || !ParseHex128(hex, bytes)) continue;
    (anycast ? itf->anycast : itf->multicast).push_back(Make6(bytes, IsLinkLocal6(bytes) || bytes[0] == 0xff ? idx : 0));
  }
}

// Default routes: /proc/net/route ("Iface Dest Gateway Flags ... Mask ...", hex in host order)
// and /proc/net/ipv6_route ("dest plen src plen nexthop metric refs use flags name").
void ReadGateways(std::vector<Interface> &list) {
  std::ifstream f4("/proc/net/route");
  std::string line;
  std::getline(f4, line);
  while (std::getline(f4, line)) {
    char name[64];
    unsigned dest, gateway, flags, refcnt, use, metric, mask;
    if (std::sscanf(line.c_str(), "%63s %x %x %x %u %u %u %x", name, &dest, &gateway, &flags,
                    &refcnt, &use, &metric, &mask) != 8)
      continue;
    Interface *itf = ByName(list, name);
    if (itf != nullptr && dest == 0 && mask == 0 && (flags & 0x2 /* RTF_GATEWAY */) != 0)
      itf->gateways.push_back(Make4(gateway));
  }
  std::ifstream f6("/proc/net/ipv6_route");
  while (std::getline(f6, line)) {
    char dest[64], src[64], next[64], name[64];
    unsigned dlen, slen, metric, refs, use, flags;
    if (std::sscanf(line.c_str(), "%63s %x %63s %x %63s %x %x %x %x %63s", dest, &dlen, src, &slen,
                    next, &metric, &refs, &use, &flags, name) != 10)
      continue;
    uint8_t d[16], n[16];
    static const uint8_t kZero[16] = {};
    Interface *itf = ByName(list, name);
    if (itf == nullptr || !ParseHex128(dest, d) || !ParseHex128(next, n) || dlen != 0 ||
        std::memcmp(d, kZero, 16) != 0 || std::memcmp(n, kZero, 16) == 0)
      continue;
    itf->gateways.push_back(Make6(n, IsLinkLocal6(n) ? itf->index : 0));
  }
}

void ReadResolvConf(Snapshot *snap) {
  std::ifstream f("/etc/resolv.conf");
  std::string line, search;
  while (std::getline(f, line)) {
    std::istringstream words(line);
    std::string key, value;
    if (!(words >> key >> value)) continue;
    if (key == "nameserver") {
      std::string host = value, scope;
      if (size_t pct = value.find('%'); pct != std::string::npos) {
        host = value.substr(0, pct);
        scope = value.substr(pct + 1);
      }
      in_addr a4;
      uint8_t a6[16];
      if (inet_pton(AF_INET, host.c_str(), &a4) == 1) {
        snap->dns_servers.push_back(Make4(a4.s_addr));
      } else if (inet_pton(AF_INET6, host.c_str(), a6) == 1) {
        snap->dns_servers.push_back(Make6(a6, scope.empty() ? 0 : if_nametoindex(scope.c_str())));
      }
    } else if (key == "domain") {
      snap->dns_suffix = value;
    } else if (key == "search" && search.empty()) {
      search = value;
    }
  }
  if (snap->dns_suffix.empty()) snap->dns_suffix = search;
  if (snap->dns_suffix == ".") snap->dns_suffix.clear();
}

void ReadSysfs(Interface &itf) {
  const std::string dir = "/sys/class/net/" + itf.name;
  itf.wireless = access((dir + "/wireless").c_str(), F_OK) == 0 ||
                 access((dir + "/phy80211").c_str(), F_OK) == 0;
  long mbps = std::strtol(ReadSmallFile(dir + "/speed").c_str(), nullptr, 10);
  itf.speed_bps = mbps > 0 ? static_cast<uint64_t>(mbps) * 1000000 : 0;
  const std::string v6 = "/proc/sys/net/ipv6/conf/" + itf.name + "/disable_ipv6";
  std::string disabled = ReadSmallFile(v6);
  itf.ipv6_enabled = !disabled.empty() && disabled[0] == '0';
}

int ReadSnapshotOrThrow(Snapshot *snap) {
  ifaddrs *list = nullptr;
  if (getifaddrs(&list) != 0) return errno;
  struct Free {
    ifaddrs *p;
    ~Free() { freeifaddrs(p); }
  } free_list{list};

  std::vector<Interface> &out = snap->interfaces;
  // Links first (AF_PACKET: index, hardware type, MAC), then their addresses.
  for (ifaddrs *ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
    if (ifa->ifa_addr == nullptr || ifa->ifa_addr->sa_family != AF_PACKET) continue;
    const auto *ll = reinterpret_cast<const sockaddr_ll *>(ifa->ifa_addr);
    Interface itf;
    itf.name = ifa->ifa_name;
    itf.index = static_cast<uint32_t>(ll->sll_ifindex);
    itf.flags = ifa->ifa_flags;
    itf.hardware_type = ll->sll_hatype;
    if (ll->sll_hatype != ARPHRD_LOOPBACK) {
      itf.mac_length = std::min<uint32_t>(ll->sll_halen, 8);
      std::memcpy(itf.mac, ll->sll_addr, itf.mac_length);
      bool all_zero = std::all_of(itf.mac, itf.mac + itf.mac_length, [](uint8_t b) { return b == 0; });
      if (all_zero) itf.mac_length = 0;
    }
    out.push_back(std::move(itf));
  }
  for (int family : {AF_INET6, AF_INET}) {
    for (ifaddrs *ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
      if (ifa->ifa_addr == nullptr || ifa->ifa_addr->sa_family != family) continue;
      std::string name = ifa->ifa_name;
      if (size_t colon = name.find(':'); colon != std::string::npos) name.resize(colon);  // alias
      Interface *itf = ByName(out, name);
      if (itf == nullptr) {
        // An address on a link getifaddrs did not list (no AF_PACKET entry): take it by index.
        unsigned index = if_nametoindex(name.c_str());
        if (index == 0) continue;
        Interface fresh;
        fresh.name = name;
        fresh.index = index;
        fresh.flags = ifa->ifa_flags;
        fresh.hardware_type = (ifa->ifa_flags & IFF_LOOPBACK) != 0 ? ARPHRD_LOOPBACK : ARPHRD_NONE;
        out.push_back(std::move(fresh));
        itf = &out.back();
      }
      Unicast u;
      u.address = MakeAddress(ifa->ifa_addr);
      u.prefix_length = PrefixLengthOf(ifa->ifa_netmask);
      u.ifa_flags = 0x80;  // IFA_F_PERMANENT until /proc/net/if_inet6 says otherwise
      itf->unicast.push_back(u);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Interface &a, const Interface &b) { return a.index < b.index; });
  for (Interface &itf : out) {
    itf.mtu = ReadMtu(itf.name);
    ReadSysfs(itf);
  }
  ReadIpv6Flags(out);
  ReadIgmp(out);
  ReadGroups6("/proc/net/igmp6", out, false);
  ReadGroups6("/proc/net/anycast6", out, true);
  ReadGateways(out);
  ReadResolvConf(snap);
  return 0;
}

}  // namespace

int ReadSnapshot(Snapshot *out) {
  try {
    *out = Snapshot();
    return ReadSnapshotOrThrow(out);
  } catch (const std::bad_alloc &) {
    *out = Snapshot();
    return ENOMEM;
  }
}

const Interface *FindByName(const Snapshot &snap, const std::string &name) {
  for (const Interface &i : snap.interfaces) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

const Interface *FindByIndex(const Snapshot &snap, uint32_t index) {
  for (const Interface &i : snap.interfaces) {
    if (i.index == index) return &i;
  }
  return nullptr;
}

uint32_t IfTypeOf(const Interface &itf) {
  switch (itf.hardware_type) {
    case ARPHRD_LOOPBACK:
      return 24;  // IF_TYPE_SOFTWARE_LOOPBACK
    case ARPHRD_ETHER:
    case ARPHRD_EETHER:
      return itf.wireless ? 71 : 6;  // IF_TYPE_IEEE80211, IF_TYPE_ETHERNET_CSMACD
    case ARPHRD_IEEE80211:
      return 71;
    case ARPHRD_PPP:
      return 23;  // IF_TYPE_PPP
    case ARPHRD_TUNNEL:
    case ARPHRD_TUNNEL6:
    case ARPHRD_SIT:
    case ARPHRD_IPGRE:
    case 823:  // ARPHRD_IP6GRE
      return 131;  // IF_TYPE_TUNNEL
    case ARPHRD_NONE:
    case ARPHRD_VOID:
      return 53;  // IF_TYPE_PROP_VIRTUAL (tun, wireguard)
    default:
      return 1;  // IF_TYPE_OTHER
  }
}

std::string AdapterGuidOf(const Interface &itf) {
  // Two FNV-1a hashes of the name: stable for as long as the name is, like Windows' per-adapter
  // GUID; the version nibble says "name-based" (5) and the variant is RFC 4122's.
  uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
  for (unsigned char c : itf.name) {
    h1 = (h1 ^ c) * 0x100000001b3ull;
    h2 = (h2 ^ c) * 0x100000001b3ull;
  }
  h2 = (h2 ^ 0x77) * 0x100000001b3ull;
  char text[40];
  std::snprintf(text, sizeof(text), "{%08X-%04X-%04X-%04X-%012llX}",
                static_cast<unsigned>(h1 >> 32), static_cast<unsigned>((h1 >> 16) & 0xffff),
                static_cast<unsigned>(0x5000 | (h1 & 0x0fff)),
                static_cast<unsigned>(0x8000 | ((h2 >> 48) & 0x3fff)),
                static_cast<unsigned long long>(h2 & 0xffffffffffffull));
  return text;
}

}  // namespace ws2emu::adapters
