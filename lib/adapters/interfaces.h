// lib/adapters/interfaces.h — the machine's network interfaces as Linux reports them, gathered
// into one snapshot that the IP Helper calls (iphlpapi.cc) lay out in Windows' structures.
//
//   ws2emu::adapters::Snapshot snap;
//   if (int err = ws2emu::adapters::ReadSnapshot(&snap); err != 0) return err;  // an errno
//   for (const auto &itf : snap.interfaces) printf("%u %s\n", itf.index, itf.name.c_str());
//
// Sources: getifaddrs (links with their hardware type and MAC, addresses, masks, flags),
// SIOCGIFMTU, /proc/net/if_inet6 (IPv6 address flags), /proc/net/igmp, igmp6 and anycast6
// (group memberships), /proc/net/route and ipv6_route (default gateways), /etc/resolv.conf (DNS
// servers and suffix), /sys/class/net (link speed, wireless). Every /proc and /sys file is
// optional: a missing one leaves its part empty. Nothing is cached; each call reads afresh, so a
// snapshot is as current as the moment it was taken. Safe from any thread.
#ifndef WS2EMU_LIB_ADAPTERS_INTERFACES_H_
#define WS2EMU_LIB_ADAPTERS_INTERFACES_H_

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ws2emu::adapters {

// A Linux socket address (AF_INET or AF_INET6) with its length.
struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
};

struct Unicast {
  Address address;
  uint8_t prefix_length = 0;
  // IPv6 flags from /proc/net/if_inet6 (IFA_F_*), 0x80 (permanent) for IPv4.
  uint32_t ifa_flags = 0;
};

struct Interface {
  std::string name;         // Linux name, "lo", "eth0"
  uint32_t index = 0;       // Linux ifindex
  uint32_t flags = 0;       // IFF_*
  uint32_t mtu = 0;
  uint16_t hardware_type = 0;  // ARPHRD_*
  uint8_t mac[8] = {};
  uint32_t mac_length = 0;
  bool wireless = false;
  bool ipv6_enabled = false;   // /proc/sys/net/ipv6/conf/<name> exists and is not disabled
  uint64_t speed_bps = 0;      // 0: unknown
  std::vector<Unicast> unicast;  // IPv6 first, then IPv4, each in getifaddrs order
  std::vector<Address> multicast;
  std::vector<Address> anycast;
  std::vector<Address> gateways;  // default routes through this interface
};

struct Snapshot {
  std::vector<Interface> interfaces;  // by index
  std::vector<Address> dns_servers;   // /etc/resolv.conf, in file order
  std::string dns_suffix;             // its "domain", else the first "search" name
};

// Reads the interfaces now. 0, or an errno (getifaddrs' own; ENOMEM when memory runs out).
int ReadSnapshot(Snapshot *out);

// The interface with this Linux name or index, or null.
const Interface *FindByName(const Snapshot &snap, const std::string &name);
const Interface *FindByIndex(const Snapshot &snap, uint32_t index);

// Windows' IF_TYPE_* for a Linux interface (24 loopback, 6 Ethernet, 71 Wi-Fi, 23 PPP,
// 131 tunnel, 53 other virtual, 1 other).
uint32_t IfTypeOf(const Interface &itf);

// The interface's persistent adapter GUID (AdapterName), "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}",
// derived from its name so that it stays the same across runs while the name does.
std::string AdapterGuidOf(const Interface &itf);

}  // namespace ws2emu::adapters

#endif  // WS2EMU_LIB_ADAPTERS_INTERFACES_H_
