// The IP Helper calls (lib/adapters) against what Linux itself reports (getifaddrs,
// if_nameindex, SIOCGIFMTU, gethostname), and every documented error.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ws2emu/ws2emu.h"

namespace {

std::string Narrow(const WCHAR *w) {
  std::string s;
  while (w != nullptr && *w != 0) s.push_back(static_cast<char>(*w++));
  return s;
}

// The whole list for a family and flags, in a vector that owns the buffer.
std::vector<uint64_t> Addresses(ULONG family, ULONG flags, ULONG *result = nullptr) {
  ULONG size = 0;
  ULONG rc = GetAdaptersAddresses(family, flags, nullptr, nullptr, &size);
  if (result != nullptr) *result = rc;
  if (rc != ERROR_BUFFER_OVERFLOW) return {};
  std::vector<uint64_t> buffer(size / 8 + 1);
  rc = GetAdaptersAddresses(family, flags, nullptr,
                            reinterpret_cast<IP_ADAPTER_ADDRESSES *>(buffer.data()), &size);
  if (result != nullptr) *result = rc;
  if (rc != NO_ERROR) return {};
  return buffer;  // moved: the lists point into this very block
}

const IP_ADAPTER_ADDRESSES *First(const std::vector<uint64_t> &b) {
  return b.empty() ? nullptr : reinterpret_cast<const IP_ADAPTER_ADDRESSES *>(b.data());
}

// Linux's view: index -> set of "addr/prefix" strings, by family.
std::map<unsigned, std::set<std::string>> LinuxAddresses(int family) {
  std::map<unsigned, std::set<std::string>> out;
  ifaddrs *list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs *ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
    if (ifa->ifa_addr == nullptr || ifa->ifa_addr->sa_family != family) continue;
    std::string name = ifa->ifa_name;
    if (size_t colon = name.find(':'); colon != std::string::npos) name.resize(colon);
    char text[64];
    const void *addr = family == AF_INET
                           ? static_cast<const void *>(&reinterpret_cast<sockaddr_in *>(ifa->ifa_addr)->sin_addr)
                           : static_cast<const void *>(&reinterpret_cast<sockaddr_in6 *>(ifa->ifa_addr)->sin6_addr);
    inet_ntop(family, addr, text, sizeof(text));
    out[if_nametoindex(name.c_str())].insert(text);
  }
  freeifaddrs(list);
  return out;
}

std::string WindowsAddressText(const SOCKET_ADDRESS &sa) {
  char text[64] = {};
  if (sa.lpSockaddr == nullptr) return "";
  if (sa.lpSockaddr->sa_family == WS_AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const WS_sockaddr_in *>(sa.lpSockaddr)->sin_addr, text, sizeof(text));
  } else if (sa.lpSockaddr->sa_family == WS_AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const WS_sockaddr_in6 *>(sa.lpSockaddr)->sin6_addr, text,
              sizeof(text));
  }
  return text;
}

const IP_ADAPTER_ADDRESSES *Loopback(const IP_ADAPTER_ADDRESSES *a) {
  for (; a != nullptr; a = a->Next) {
    if (a->IfType == IF_TYPE_SOFTWARE_LOOPBACK) return a;
  }
  return nullptr;
}

// Runs `body` in a child in a fresh user and network namespace (only a loopback, down, with no
// address); returns the child's exit status, or -1 when namespaces are not available.
template <typename F>
int InEmptyNetns(F body) {
  pid_t pid = fork();
  if (pid == 0) {
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) _exit(77);
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 77) return -1;
  return WEXITSTATUS(status);
}

// GetAdaptersAddresses: a null size pointer is ERROR_INVALID_PARAMETER.
TEST(GetAdaptersAddresses, NullSizePointerIsInvalidParameter) {
  IP_ADAPTER_ADDRESSES buffer[4];
  EXPECT_EQ(GetAdaptersAddresses(WS_AF_UNSPEC, 0, nullptr, buffer, nullptr), ERROR_INVALID_PARAMETER);
}

// A family other than AF_UNSPEC, AF_INET, AF_INET6 is ERROR_INVALID_PARAMETER.
TEST(GetAdaptersAddresses, OtherFamilyIsInvalidParameter) {
  ULONG size = 0;
  EXPECT_EQ(GetAdaptersAddresses(WS_AF_UNIX, 0, nullptr, nullptr, &size), ERROR_INVALID_PARAMETER);
  EXPECT_EQ(GetAdaptersAddresses(10, 0, nullptr, nullptr, &size), ERROR_INVALID_PARAMETER);
  EXPECT_EQ(size, 0u);
}

// Reserved must be null.
TEST(GetAdaptersAddresses, ReservedIsInvalidParameter) {
  ULONG size = 0;
  int reserved = 0;
  EXPECT_EQ(GetAdaptersAddresses(WS_AF_UNSPEC, 0, &reserved, nullptr, &size), ERROR_INVALID_PARAMETER);
}

// A null buffer or a short one: ERROR_BUFFER_OVERFLOW and the size needed, the same each time.
TEST(GetAdaptersAddresses, ShortBufferReportsTheSizeNeeded) {
  ULONG size = 0;
  ASSERT_EQ(GetAdaptersAddresses(WS_AF_UNSPEC, 0, nullptr, nullptr, &size), ERROR_BUFFER_OVERFLOW);
  ASSERT_GE(size, sizeof(IP_ADAPTER_ADDRESSES));
  std::vector<uint64_t> buffer(size / 8 + 1);
  ULONG small = sizeof(IP_ADAPTER_ADDRESSES);
  EXPECT_EQ(GetAdaptersAddresses(WS_AF_UNSPEC, 0, nullptr,
                                 reinterpret_cast<IP_ADAPTER_ADDRESSES *>(buffer.data()), &small),
            ERROR_BUFFER_OVERFLOW);
  EXPECT_EQ(small, size);
  ULONG exact = size;
  EXPECT_EQ(GetAdaptersAddresses(WS_AF_UNSPEC, 0, nullptr,
                                 reinterpret_cast<IP_ADAPTER_ADDRESSES *>(buffer.data()), &exact),
            static_cast<ULONG>(NO_ERROR));
  EXPECT_EQ(exact, size);
}

// Every Linux interface is an adapter (AF_UNSPEC), by index, with its MTU, MAC length and the
// addresses getifaddrs gives it; the structures say they are the x64 ones.
TEST(GetAdaptersAddresses, ListsEveryLinuxInterface) {
  auto buffer = Addresses(WS_AF_UNSPEC, 0);
  ASSERT_NE(First(buffer), nullptr);
  std::set<unsigned> linux_indexes;
  struct if_nameindex *names = if_nameindex();
  ASSERT_NE(names, nullptr);
  for (auto *n = names; n->if_index != 0; ++n) linux_indexes.insert(n->if_index);
  if_freenameindex(names);

  auto v4 = LinuxAddresses(AF_INET), v6 = LinuxAddresses(AF_INET6);
  std::set<unsigned> seen;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  for (const IP_ADAPTER_ADDRESSES *a = First(buffer); a != nullptr; a = a->Next) {
    EXPECT_EQ(a->Length, 448u);
    seen.insert(a->IfIndex);
    char name[IF_NAMESIZE] = {};
    ASSERT_NE(if_indextoname(a->IfIndex, name), nullptr);
    ifreq req{};
    std::snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", name);
    ASSERT_EQ(ioctl(fd, SIOCGIFMTU, &req), 0);
    EXPECT_EQ(a->Mtu, static_cast<ULONG>(req.ifr_mtu)) << name;
    EXPECT_EQ(a->Luid.Info.NetLuidIndex, a->IfIndex);
    EXPECT_EQ(a->Luid.Info.IfType, a->IfType);
    ASSERT_NE(a->AdapterName, nullptr);
    EXPECT_EQ(std::strlen(a->AdapterName), 38u) << a->AdapterName;  // {8-4-4-4-12}
    EXPECT_EQ(a->AdapterName[0], '{');
    ASSERT_NE(a->FriendlyName, nullptr);
    ASSERT_NE(a->Description, nullptr);
    ASSERT_NE(a->DnsSuffix, nullptr);
    if (a->IfType != IF_TYPE_SOFTWARE_LOOPBACK) {
      EXPECT_EQ(Narrow(a->FriendlyName), name);
    }
    std::set<std::string> got4, got6;
    for (auto *u = a->FirstUnicastAddress; u != nullptr; u = u->Next) {
      EXPECT_EQ(u->Length, sizeof(*u));
      (u->Address.lpSockaddr->sa_family == WS_AF_INET ? got4 : got6).insert(WindowsAddressText(u->Address));
      EXPECT_EQ(u->Address.iSockaddrLength, u->Address.lpSockaddr->sa_family == WS_AF_INET ? 16 : 28);
    }
    EXPECT_EQ(got4, v4[a->IfIndex]) << name;
    EXPECT_EQ(got6, v6[a->IfIndex]) << name;
  }
  close(fd);
  EXPECT_EQ(seen, linux_indexes);
}

// The loopback: IF_TYPE_SOFTWARE_LOOPBACK, Windows' names for it, 127.0.0.1/8, no MAC, up.
TEST(GetAdaptersAddresses, LoopbackLooksAsOnWindows) {
  auto buffer = Addresses(WS_AF_UNSPEC, GAA_FLAG_INCLUDE_PREFIX);
  const IP_ADAPTER_ADDRESSES *lo = Loopback(First(buffer));
  ASSERT_NE(lo, nullptr);
  EXPECT_EQ(lo->IfIndex, if_nametoindex("lo"));
  EXPECT_EQ(Narrow(lo->FriendlyName), "Loopback Pseudo-Interface 1");
  EXPECT_EQ(Narrow(lo->Description), "Software Loopback Interface 1");
  EXPECT_EQ(lo->PhysicalAddressLength, 0u);
  EXPECT_EQ(lo->OperStatus, IfOperStatusUp);
  EXPECT_EQ(lo->FirstDnsServerAddress, nullptr);
  bool found = false;
  for (auto *u = lo->FirstUnicastAddress; u != nullptr; u = u->Next) {
    if (WindowsAddressText(u->Address) == "127.0.0.1") {
      found = true;
      EXPECT_EQ(u->OnLinkPrefixLength, 8);
      EXPECT_EQ(u->PrefixOrigin, IpPrefixOriginWellKnown);
      EXPECT_EQ(u->DadState, IpDadStatePreferred);
    }
  }
  EXPECT_TRUE(found);
  std::set<std::string> prefixes;
  for (auto *p = lo->FirstPrefix; p != nullptr; p = p->Next)
    prefixes.insert(WindowsAddressText(p->Address) + "/" + std::to_string(p->PrefixLength));
  EXPECT_TRUE(prefixes.count("127.0.0.0/8"));
  EXPECT_TRUE(prefixes.count("127.0.0.1/32"));
  EXPECT_TRUE(prefixes.count("127.255.255.255/32"));
  EXPECT_TRUE(prefixes.count("224.0.0.0/4"));
}

// AF_INET lists only IPv4 addresses; AF_INET6 only IPv6 ones (scope id = index on link-local).
TEST(GetAdaptersAddresses, FamilyFiltersTheAddresses) {
  auto b4 = Addresses(WS_AF_INET, 0);
  ASSERT_NE(First(b4), nullptr);
  for (auto *a = First(b4); a != nullptr; a = a->Next) {
    for (auto *u = a->FirstUnicastAddress; u != nullptr; u = u->Next)
      EXPECT_EQ(u->Address.lpSockaddr->sa_family, WS_AF_INET);
    for (auto *m = a->FirstMulticastAddress; m != nullptr; m = m->Next)
      EXPECT_EQ(m->Address.lpSockaddr->sa_family, WS_AF_INET);
  }
  if (LinuxAddresses(AF_INET6).empty()) GTEST_SKIP() << "no IPv6 address on this machine";
  auto b6 = Addresses(WS_AF_INET6, 0);
  ASSERT_NE(First(b6), nullptr);
  for (auto *a = First(b6); a != nullptr; a = a->Next) {
    for (auto *u = a->FirstUnicastAddress; u != nullptr; u = u->Next) {
      ASSERT_EQ(u->Address.lpSockaddr->sa_family, WS_AF_INET6);
      auto *sin6 = reinterpret_cast<const WS_sockaddr_in6 *>(u->Address.lpSockaddr);
      const uint8_t *b = reinterpret_cast<const uint8_t *>(&sin6->sin6_addr);
      if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
        EXPECT_EQ(sin6->sin6_scope_id, a->Ipv6IfIndex);
      }
    }
  }
}

// The GAA_FLAG_SKIP_* flags leave their lists (and the friendly name) out.
TEST(GetAdaptersAddresses, SkipFlagsLeaveListsOut) {
  auto buffer = Addresses(WS_AF_UNSPEC, GAA_FLAG_SKIP_UNICAST | GAA_FLAG_SKIP_ANYCAST |
                                            GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER |
                                            GAA_FLAG_SKIP_FRIENDLY_NAME);
  ASSERT_NE(First(buffer), nullptr);
  for (auto *a = First(buffer); a != nullptr; a = a->Next) {
    EXPECT_EQ(a->FirstUnicastAddress, nullptr);
    EXPECT_EQ(a->FirstAnycastAddress, nullptr);
    EXPECT_EQ(a->FirstMulticastAddress, nullptr);
    EXPECT_EQ(a->FirstDnsServerAddress, nullptr);
    EXPECT_EQ(a->FirstPrefix, nullptr);
    ASSERT_NE(a->FriendlyName, nullptr);
    EXPECT_EQ(a->FriendlyName[0], 0);
  }
  // Without GAA_FLAG_SKIP_MULTICAST the loopback has its all-hosts group (224.0.0.1).
  auto full = Addresses(WS_AF_INET, 0);
  const IP_ADAPTER_ADDRESSES *lo = Loopback(First(full));
  ASSERT_NE(lo, nullptr);
  std::set<std::string> groups;
  for (auto *m = lo->FirstMulticastAddress; m != nullptr; m = m->Next) groups.insert(WindowsAddressText(m->Address));
  EXPECT_TRUE(groups.count("224.0.0.1"));
}

// No adapter for the family: ERROR_NO_DATA (a fresh network namespace: only lo, down, no
// address). GetAdaptersInfo excludes the loopback, so it has nothing either.
TEST(GetAdaptersAddresses, NoAdapterIsNoData) {
  int status = InEmptyNetns([] {
    ULONG size = 0;
    if (GetAdaptersAddresses(WS_AF_INET, 0, nullptr, nullptr, &size) != ERROR_NO_DATA) return 1;
    if (GetAdaptersInfo(nullptr, &size) != ERROR_NO_DATA) return 2;
    // AF_UNSPEC still lists the (down) loopback.
    if (GetAdaptersAddresses(WS_AF_UNSPEC, 0, nullptr, nullptr, &size) != ERROR_BUFFER_OVERFLOW) return 3;
    return 0;
  });
  if (status < 0) GTEST_SKIP() << "user and network namespaces are not available";
  EXPECT_EQ(status, 0);
}

// GetAdaptersInfo: every interface but the loopback, each IPv4 address as getifaddrs has it
// (0.0.0.0 for none, as Windows shows a disconnected adapter).
TEST(GetAdaptersInfo, ListsTheIpv4AdaptersWithoutLoopback) {
  ULONG size = 0;
  EXPECT_EQ(GetAdaptersInfo(nullptr, nullptr), ERROR_INVALID_PARAMETER);
  auto v4 = LinuxAddresses(AF_INET);
  struct if_nameindex *names = if_nameindex();
  ASSERT_NE(names, nullptr);
  for (auto *n = names; n->if_index != 0; ++n) {
    if (v4[n->if_index].empty()) v4[n->if_index].insert("0.0.0.0");  // an adapter without IPv4
  }
  if_freenameindex(names);
  v4.erase(if_nametoindex("lo"));
  ULONG rc = GetAdaptersInfo(nullptr, &size);
  if (v4.empty()) {
    EXPECT_EQ(rc, ERROR_NO_DATA);
    return;
  }
  ASSERT_EQ(rc, ERROR_BUFFER_OVERFLOW);
  std::vector<uint64_t> buffer(size / 8 + 1);
  auto *info = reinterpret_cast<IP_ADAPTER_INFO *>(buffer.data());
  ULONG small = sizeof(IP_ADAPTER_INFO) - 1;
  EXPECT_EQ(GetAdaptersInfo(info, &small), ERROR_BUFFER_OVERFLOW);
  EXPECT_EQ(small, size);
  ASSERT_EQ(GetAdaptersInfo(info, &size), static_cast<ULONG>(NO_ERROR));
  std::map<unsigned, std::set<std::string>> got;
  for (auto *i = info; i != nullptr; i = i->Next) {
    EXPECT_EQ(i->ComboIndex, i->Index);
    EXPECT_NE(i->Type, static_cast<UINT>(MIB_IF_TYPE_LOOPBACK));
    for (auto *s = &i->IpAddressList; s != nullptr; s = s->Next) got[i->Index].insert(s->IpAddress.String);
    EXPECT_NE(i->GatewayList.IpAddress.String[0], 0);
  }
  EXPECT_EQ(got, v4);
}

// GetNetworkParams: the host name up to its first dot; errors as documented.
TEST(GetNetworkParams, HostNameAndErrors) {
  EXPECT_EQ(GetNetworkParams(nullptr, nullptr), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  ULONG size = 0;
  ASSERT_EQ(GetNetworkParams(nullptr, &size), static_cast<DWORD>(ERROR_BUFFER_OVERFLOW));
  EXPECT_GE(size, sizeof(FIXED_INFO));
  std::vector<uint64_t> buffer(size / 8 + 1);
  auto *fi = reinterpret_cast<FIXED_INFO *>(buffer.data());
  ULONG small = 8;
  EXPECT_EQ(GetNetworkParams(fi, &small), static_cast<DWORD>(ERROR_BUFFER_OVERFLOW));
  EXPECT_EQ(small, size);
  ASSERT_EQ(GetNetworkParams(fi, &size), static_cast<DWORD>(NO_ERROR));
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  std::string short_name = host;
  short_name = short_name.substr(0, short_name.find('.'));
  EXPECT_EQ(std::string(fi->HostName), short_name);
  EXPECT_EQ(fi->CurrentDnsServer, &fi->DnsServerList);
}

// GetBestInterface: loopback destinations go through lo; a null result pointer is invalid.
TEST(GetBestInterface, LoopbackAndErrors) {
  DWORD index = 0;
  EXPECT_EQ(GetBestInterface(htonl(INADDR_LOOPBACK), nullptr), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  ASSERT_EQ(GetBestInterface(htonl(INADDR_LOOPBACK), &index), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(index, if_nametoindex("lo"));
  WS_sockaddr_in sin{};
  sin.sin_family = WS_AF_INET;
  sin.sin_addr.WS_s_addr = htonl(INADDR_LOOPBACK);
  index = 0;
  ASSERT_EQ(GetBestInterfaceEx(reinterpret_cast<WS_sockaddr *>(&sin), &index), static_cast<DWORD>(NO_ERROR));
  EXPECT_EQ(index, if_nametoindex("lo"));
  EXPECT_EQ(GetBestInterfaceEx(nullptr, &index), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  sin.sin_family = 99;
  EXPECT_EQ(GetBestInterfaceEx(reinterpret_cast<WS_sockaddr *>(&sin), &index),
            static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  // No route at all (an empty namespace): ERROR_CAN_NOT_COMPLETE.
  int status = InEmptyNetns([] {
    DWORD i = 0;
    return GetBestInterface(inet_addr("192.0.2.1"), &i) == ERROR_CAN_NOT_COMPLETE ? 0 : 1;
  });
  if (status >= 0) {
    EXPECT_EQ(status, 0);
  }
}

TEST(GetNumberOfInterfaces, CountsLinuxInterfaces) {
  EXPECT_EQ(GetNumberOfInterfaces(nullptr), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  DWORD n = 0;
  ASSERT_EQ(GetNumberOfInterfaces(&n), static_cast<DWORD>(NO_ERROR));
  struct if_nameindex *names = if_nameindex();
  DWORD linux_count = 0;
  while (names[linux_count].if_index != 0) ++linux_count;
  if_freenameindex(names);
  EXPECT_EQ(n, linux_count);
}

// if_nametoindex / if_indextoname: Linux names both ways, the GUID name one way; 0 / null when
// there is no such interface.
TEST(IfNameToIndex, AgreesWithLinux) {
  EXPECT_EQ(ws2emu_if_nametoindex("lo"), if_nametoindex("lo"));
  EXPECT_EQ(ws2emu_if_nametoindex("no-such-if0"), 0u);
  EXPECT_EQ(ws2emu_if_nametoindex(nullptr), 0u);
  char name[256] = {};
  ASSERT_EQ(ws2emu_if_indextoname(if_nametoindex("lo"), name), name);
  EXPECT_STREQ(name, "lo");
  EXPECT_EQ(ws2emu_if_indextoname(0, name), nullptr);
  EXPECT_EQ(ws2emu_if_indextoname(999999, name), nullptr);
  auto buffer = Addresses(WS_AF_UNSPEC, 0);
  const IP_ADAPTER_ADDRESSES *lo = Loopback(First(buffer));
  ASSERT_NE(lo, nullptr);
  EXPECT_EQ(ws2emu_if_nametoindex(lo->AdapterName), lo->IfIndex);
}

}  // namespace
