/*
 * ws2emu/iphlpapi.h — the IP Helper types in their Windows x64 layouts: IP_ADAPTER_ADDRESSES_LH
 * and its address lists (GetAdaptersAddresses), IP_ADAPTER_INFO and IP_ADDR_STRING
 * (GetAdaptersInfo), FIXED_INFO (GetNetworkParams), NET_LUID, the GAA_FLAG_* and
 * IP_ADAPTER_* bits, IF_TYPE_* and the IF_OPER_STATUS / origin / DAD state values.
 *
 *   ULONG size = 0;
 *   GetAdaptersAddresses(AF_UNSPEC, 0, NULL, NULL, &size);   // ERROR_BUFFER_OVERFLOW, size set
 *   IP_ADAPTER_ADDRESSES *list = malloc(size);
 *   GetAdaptersAddresses(AF_UNSPEC, 0, NULL, list, &size);   // NO_ERROR
 *
 * Every layout is checked against mingw-w64's <iphlpapi.h> by tests/abi/abi_list.h. Compiles as
 * C99 and C++20, with or without WS2EMU_WS_PREFIX (it uses only SOCKET_ADDRESS and GUID).
 */
#ifndef WS2EMU_IPHLPAPI_H_
#define WS2EMU_IPHLPAPI_H_

#include "ws2emu/winsock_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ERROR_BUFFER_OVERFLOW 111
#define ERROR_NO_DATA 232
#define ERROR_ADDRESS_NOT_ASSOCIATED 1228
#define ERROR_CAN_NOT_COMPLETE 1003
#define NO_ERROR 0

#define MAX_ADAPTER_ADDRESS_LENGTH 8
#define MAX_ADAPTER_NAME_LENGTH 256
#define MAX_ADAPTER_DESCRIPTION_LENGTH 128
#define MAX_HOSTNAME_LEN 128
#define MAX_DOMAIN_NAME_LEN 128
#define MAX_SCOPE_ID_LEN 256
#define MAX_DHCPV6_DUID_LENGTH 130
#define MAX_DNS_SUFFIX_STRING_LENGTH 256

/* GetAdaptersAddresses' Flags. */
#define GAA_FLAG_SKIP_UNICAST 0x0001
#define GAA_FLAG_SKIP_ANYCAST 0x0002
#define GAA_FLAG_SKIP_MULTICAST 0x0004
#define GAA_FLAG_SKIP_DNS_SERVER 0x0008
#define GAA_FLAG_INCLUDE_PREFIX 0x0010
#define GAA_FLAG_SKIP_FRIENDLY_NAME 0x0020
#define GAA_FLAG_INCLUDE_WINS_INFO 0x0040
#define GAA_FLAG_INCLUDE_GATEWAYS 0x0080
#define GAA_FLAG_INCLUDE_ALL_INTERFACES 0x0100
#define GAA_FLAG_INCLUDE_ALL_COMPARTMENTS 0x0200
#define GAA_FLAG_INCLUDE_TUNNEL_BINDINGORDER 0x0400
#define GAA_FLAG_SKIP_DNS_INFO 0x0800

/* IP_ADAPTER_ADDRESSES.Flags. */
#define IP_ADAPTER_DDNS_ENABLED 0x0001
#define IP_ADAPTER_REGISTER_ADAPTER_SUFFIX 0x0002
#define IP_ADAPTER_DHCP_ENABLED 0x0004
#define IP_ADAPTER_RECEIVE_ONLY 0x0008
#define IP_ADAPTER_NO_MULTICAST 0x0010
#define IP_ADAPTER_IPV6_OTHER_STATEFUL_CONFIG 0x0020
#define IP_ADAPTER_NETBIOS_OVER_TCPIP_ENABLED 0x0040
#define IP_ADAPTER_IPV4_ENABLED 0x0080
#define IP_ADAPTER_IPV6_ENABLED 0x0100
#define IP_ADAPTER_IPV6_MANAGE_ADDRESS_CONFIG 0x0200

/* Address entry flags. */
#define IP_ADAPTER_ADDRESS_DNS_ELIGIBLE 0x01
#define IP_ADAPTER_ADDRESS_TRANSIENT 0x02

/* IFTYPE (ipifcons.h); also IP_ADAPTER_INFO.Type (MIB_IF_TYPE_*). */
#define IF_TYPE_OTHER 1
#define IF_TYPE_ETHERNET_CSMACD 6
#define IF_TYPE_ISO88025_TOKENRING 9
#define IF_TYPE_PPP 23
#define IF_TYPE_SOFTWARE_LOOPBACK 24
#define IF_TYPE_PROP_VIRTUAL 53
#define IF_TYPE_IEEE80211 71
#define IF_TYPE_TUNNEL 131
#define MIB_IF_TYPE_OTHER 1
#define MIB_IF_TYPE_ETHERNET 6
#define MIB_IF_TYPE_TOKENRING 9
#define MIB_IF_TYPE_FDDI 15
#define MIB_IF_TYPE_PPP 23
#define MIB_IF_TYPE_LOOPBACK 24
#define MIB_IF_TYPE_SLIP 28

/* FIXED_INFO.NodeType. */
#define BROADCAST_NODETYPE 1
#define PEER_TO_PEER_NODETYPE 2
#define MIXED_NODETYPE 4
#define HYBRID_NODETYPE 8

typedef uint64_t ULONG64;
typedef uint8_t UINT8;
typedef CHAR *PCHAR;
typedef uint32_t UINT32;
typedef ULONG IFTYPE;
typedef ULONG IF_INDEX, NET_IFINDEX, *PNET_IFINDEX;
typedef ULONG IPAddr;
typedef UINT32 NET_IF_COMPARTMENT_ID;
typedef GUID NET_IF_NETWORK_GUID;

typedef enum {
  IfOperStatusUp = 1,
  IfOperStatusDown,
  IfOperStatusTesting,
  IfOperStatusUnknown,
  IfOperStatusDormant,
  IfOperStatusNotPresent,
  IfOperStatusLowerLayerDown
} IF_OPER_STATUS;

typedef enum {
  IpPrefixOriginOther = 0,
  IpPrefixOriginManual,
  IpPrefixOriginWellKnown,
  IpPrefixOriginDhcp,
  IpPrefixOriginRouterAdvertisement,
  IpPrefixOriginUnchanged = 16
} IP_PREFIX_ORIGIN;

typedef enum {
  IpSuffixOriginOther = 0,
  IpSuffixOriginManual,
  IpSuffixOriginWellKnown,
  IpSuffixOriginDhcp,
  IpSuffixOriginLinkLayerAddress,
  IpSuffixOriginRandom,
  IpSuffixOriginUnchanged = 16
} IP_SUFFIX_ORIGIN;

typedef enum {
  IpDadStateInvalid = 0,
  IpDadStateTentative,
  IpDadStateDuplicate,
  IpDadStateDeprecated,
  IpDadStatePreferred
} IP_DAD_STATE;

typedef enum {
  NET_IF_CONNECTION_DEDICATED = 1,
  NET_IF_CONNECTION_PASSIVE,
  NET_IF_CONNECTION_DEMAND,
  NET_IF_CONNECTION_MAXIMUM
} NET_IF_CONNECTION_TYPE;

typedef enum {
  TUNNEL_TYPE_NONE = 0,
  TUNNEL_TYPE_OTHER,
  TUNNEL_TYPE_DIRECT,
  TUNNEL_TYPE_6TO4 = 11,
  TUNNEL_TYPE_ISATAP = 13,
  TUNNEL_TYPE_TEREDO,
  TUNNEL_TYPE_IPHTTPS
} TUNNEL_TYPE;

/* NET_LUID (= IF_LUID): size 8. Info.NetLuidIndex is the interface index here, Info.IfType its
 * IF_TYPE_*. */
typedef union _NET_LUID_LH {
  ULONG64 Value;
  struct {
    ULONG64 Reserved : 24;
    ULONG64 NetLuidIndex : 24;
    ULONG64 IfType : 16;
  } Info;
} NET_LUID_LH, NET_LUID, *PNET_LUID, IF_LUID, *PIF_LUID;

/* The header every list entry starts with: {Length, Flags} over a ULONGLONG. */
#define WS2EMU_IPHLP_ENTRY_HEAD(tag)                                                        \
  WS2EMU_NAMELESS union {                                                                   \
    ULONGLONG Alignment;                                                                     \
    WS2EMU_NAMELESS struct {                                                                 \
      ULONG Length;                                                                          \
      DWORD Flags;                                                                           \
    };                                                                                       \
  };                                                                                         \
  struct tag *Next

/* IP_ADAPTER_UNICAST_ADDRESS_LH: size 64. */
typedef struct _IP_ADAPTER_UNICAST_ADDRESS_LH {
  WS2EMU_IPHLP_ENTRY_HEAD(_IP_ADAPTER_UNICAST_ADDRESS_LH);
  SOCKET_ADDRESS Address;
  IP_PREFIX_ORIGIN PrefixOrigin;
  IP_SUFFIX_ORIGIN SuffixOrigin;
  IP_DAD_STATE DadState;
  ULONG ValidLifetime;
  ULONG PreferredLifetime;
  ULONG LeaseLifetime;
  UINT8 OnLinkPrefixLength;
} IP_ADAPTER_UNICAST_ADDRESS_LH, IP_ADAPTER_UNICAST_ADDRESS, *PIP_ADAPTER_UNICAST_ADDRESS_LH,
    *PIP_ADAPTER_UNICAST_ADDRESS;

/* IP_ADAPTER_ANYCAST_ADDRESS_XP, _MULTICAST_, _DNS_SERVER_: size 32. */
typedef struct _IP_ADAPTER_ANYCAST_ADDRESS_XP {
  WS2EMU_IPHLP_ENTRY_HEAD(_IP_ADAPTER_ANYCAST_ADDRESS_XP);
  SOCKET_ADDRESS Address;
} IP_ADAPTER_ANYCAST_ADDRESS_XP, IP_ADAPTER_ANYCAST_ADDRESS, *PIP_ADAPTER_ANYCAST_ADDRESS_XP,
    *PIP_ADAPTER_ANYCAST_ADDRESS;

typedef struct _IP_ADAPTER_MULTICAST_ADDRESS_XP {
  WS2EMU_IPHLP_ENTRY_HEAD(_IP_ADAPTER_MULTICAST_ADDRESS_XP);
  SOCKET_ADDRESS Address;
} IP_ADAPTER_MULTICAST_ADDRESS_XP, IP_ADAPTER_MULTICAST_ADDRESS,
    *PIP_ADAPTER_MULTICAST_ADDRESS_XP, *PIP_ADAPTER_MULTICAST_ADDRESS;

typedef struct _IP_ADAPTER_DNS_SERVER_ADDRESS_XP {
  WS2EMU_IPHLP_ENTRY_HEAD(_IP_ADAPTER_DNS_SERVER_ADDRESS_XP);
  SOCKET_ADDRESS Address;
} IP_ADAPTER_DNS_SERVER_ADDRESS_XP, IP_ADAPTER_DNS_SERVER_ADDRESS,
    *PIP_ADAPTER_DNS_SERVER_ADDRESS_XP, *PIP_ADAPTER_DNS_SERVER_ADDRESS;

/* IP_ADAPTER_WINS_SERVER_ADDRESS_LH, _GATEWAY_ADDRESS_LH: size 32. */
typedef struct _IP_ADAPTER_WINS_SERVER_ADDRESS_LH {
  WS2EMU_IPHLP_ENTRY_HEAD(_IP_ADAPTER_WINS_SERVER_ADDRESS_LH);
  SOCKET_ADDRESS Address;
} IP_ADAPTER_WINS_SERVER_ADDRESS_LH, IP_ADAPTER_WINS_SERVER_ADDRESS,
    *PIP_ADAPTER_WINS_SERVER_ADDRESS_LH, *PIP_ADAPTER_WINS_SERVER_ADDRESS;

typedef struct _IP_ADAPTER_GATEWAY_ADDRESS_LH {
  WS2EMU_IPHLP_ENTRY_HEAD(_IP_ADAPTER_GATEWAY_ADDRESS_LH);
  SOCKET_ADDRESS Address;
} IP_ADAPTER_GATEWAY_ADDRESS_LH, IP_ADAPTER_GATEWAY_ADDRESS, *PIP_ADAPTER_GATEWAY_ADDRESS_LH,
    *PIP_ADAPTER_GATEWAY_ADDRESS;

/* IP_ADAPTER_PREFIX_XP: size 40. */
typedef struct _IP_ADAPTER_PREFIX_XP {
  WS2EMU_IPHLP_ENTRY_HEAD(_IP_ADAPTER_PREFIX_XP);
  SOCKET_ADDRESS Address;
  ULONG PrefixLength;
} IP_ADAPTER_PREFIX_XP, IP_ADAPTER_PREFIX, *PIP_ADAPTER_PREFIX_XP, *PIP_ADAPTER_PREFIX;

/* IP_ADAPTER_DNS_SUFFIX: size 520. */
typedef struct _IP_ADAPTER_DNS_SUFFIX {
  struct _IP_ADAPTER_DNS_SUFFIX *Next;
  WCHAR String[MAX_DNS_SUFFIX_STRING_LENGTH];
} IP_ADAPTER_DNS_SUFFIX, *PIP_ADAPTER_DNS_SUFFIX;

/* IP_ADAPTER_ADDRESSES_LH: size 448. Length is 448; IfIndex is the IPv4 interface index (0 when
 * IPv4 is not enabled on it), Ipv6IfIndex the IPv6 one (0 likewise). */
typedef struct _IP_ADAPTER_ADDRESSES_LH {
  WS2EMU_NAMELESS union {
    ULONGLONG Alignment;
    WS2EMU_NAMELESS struct {
      ULONG Length;
      IF_INDEX IfIndex;
    };
  };
  struct _IP_ADAPTER_ADDRESSES_LH *Next;
  CHAR *AdapterName;
  PIP_ADAPTER_UNICAST_ADDRESS_LH FirstUnicastAddress;
  PIP_ADAPTER_ANYCAST_ADDRESS_XP FirstAnycastAddress;
  PIP_ADAPTER_MULTICAST_ADDRESS_XP FirstMulticastAddress;
  PIP_ADAPTER_DNS_SERVER_ADDRESS_XP FirstDnsServerAddress;
  WCHAR *DnsSuffix;
  WCHAR *Description;
  WCHAR *FriendlyName;
  BYTE PhysicalAddress[MAX_ADAPTER_ADDRESS_LENGTH];
  ULONG PhysicalAddressLength;
  ULONG Flags; /* IP_ADAPTER_* (mingw-w64 also spells the bits as a bitfield over it) */
  ULONG Mtu;
  IFTYPE IfType;
  IF_OPER_STATUS OperStatus;
  IF_INDEX Ipv6IfIndex;
  ULONG ZoneIndices[16];
  PIP_ADAPTER_PREFIX_XP FirstPrefix;
  ULONG64 TransmitLinkSpeed;
  ULONG64 ReceiveLinkSpeed;
  PIP_ADAPTER_WINS_SERVER_ADDRESS_LH FirstWinsServerAddress;
  PIP_ADAPTER_GATEWAY_ADDRESS_LH FirstGatewayAddress;
  ULONG Ipv4Metric;
  ULONG Ipv6Metric;
  IF_LUID Luid;
  SOCKET_ADDRESS Dhcpv4Server;
  NET_IF_COMPARTMENT_ID CompartmentId;
  NET_IF_NETWORK_GUID NetworkGuid;
  NET_IF_CONNECTION_TYPE ConnectionType;
  TUNNEL_TYPE TunnelType;
  SOCKET_ADDRESS Dhcpv6Server;
  BYTE Dhcpv6ClientDuid[MAX_DHCPV6_DUID_LENGTH];
  ULONG Dhcpv6ClientDuidLength;
  ULONG Dhcpv6Iaid;
  PIP_ADAPTER_DNS_SUFFIX FirstDnsSuffix;
} IP_ADAPTER_ADDRESSES_LH, IP_ADAPTER_ADDRESSES, *PIP_ADAPTER_ADDRESSES_LH,
    *PIP_ADAPTER_ADDRESSES;

#undef WS2EMU_IPHLP_ENTRY_HEAD

/* IP_ADDR_STRING: size 48. Dotted IPv4 address and mask, NUL-terminated. */
typedef struct {
  char String[16];
} IP_ADDRESS_STRING, *PIP_ADDRESS_STRING, IP_MASK_STRING, *PIP_MASK_STRING;

typedef struct _IP_ADDR_STRING {
  struct _IP_ADDR_STRING *Next;
  IP_ADDRESS_STRING IpAddress;
  IP_MASK_STRING IpMask;
  DWORD Context;
} IP_ADDR_STRING, *PIP_ADDR_STRING;

/* IP_ADAPTER_INFO: size 704 (time_t is 64 bits in the x64 msvcrt). */
typedef struct _IP_ADAPTER_INFO {
  struct _IP_ADAPTER_INFO *Next;
  DWORD ComboIndex;
  char AdapterName[MAX_ADAPTER_NAME_LENGTH + 4];
  char Description[MAX_ADAPTER_DESCRIPTION_LENGTH + 4];
  UINT AddressLength;
  BYTE Address[MAX_ADAPTER_ADDRESS_LENGTH];
  DWORD Index;
  UINT Type;
  UINT DhcpEnabled;
  PIP_ADDR_STRING CurrentIpAddress;
  IP_ADDR_STRING IpAddressList;
  IP_ADDR_STRING GatewayList;
  IP_ADDR_STRING DhcpServer;
  BOOL HaveWins;
  IP_ADDR_STRING PrimaryWinsServer;
  IP_ADDR_STRING SecondaryWinsServer;
  int64_t LeaseObtained;
  int64_t LeaseExpires;
} IP_ADAPTER_INFO, *PIP_ADAPTER_INFO;

/* FIXED_INFO (GetNetworkParams): size 600. */
typedef struct {
  char HostName[MAX_HOSTNAME_LEN + 4];
  char DomainName[MAX_DOMAIN_NAME_LEN + 4];
  PIP_ADDR_STRING CurrentDnsServer;
  IP_ADDR_STRING DnsServerList;
  UINT NodeType;
  char ScopeId[MAX_SCOPE_ID_LEN + 4];
  UINT EnableRouting;
  UINT EnableProxy;
  UINT EnableDns;
} FIXED_INFO_W2KSP1, FIXED_INFO, *PFIXED_INFO;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WS2EMU_IPHLPAPI_H_ */
