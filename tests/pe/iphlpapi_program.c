/* tests/pe/iphlpapi_program.c — a Windows program's view of the machine's interfaces through
 * IPHLPAPI.DLL (mingw-w64's import library): GetAdaptersAddresses with the size protocol, the
 * loopback printed as ipconfig would, GetAdaptersInfo (which leaves the loopback out),
 * GetNetworkParams and if_nametoindex. Exits 0 when every check holds; iphlpapi_test.sh reads
 * the output. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <stdio.h>
#include <stdlib.h>

static void print_wide(const WCHAR *w) {
  for (; w != NULL && *w != 0; ++w) putchar(*w < 128 ? (char)*w : '?');
}

static void print_address(const SOCKET_ADDRESS *sa) {
  const unsigned char *b;
  int i;
  if (sa->lpSockaddr->sa_family == AF_INET) {
    b = (const unsigned char *)&((const struct sockaddr_in *)sa->lpSockaddr)->sin_addr;
    printf("%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  } else {
    b = (const unsigned char *)&((const struct sockaddr_in6 *)sa->lpSockaddr)->sin6_addr;
    for (i = 0; i < 16; i += 2) printf("%s%x", i ? ":" : "", (b[i] << 8) | b[i + 1]);
  }
}

int main(void) {
  ULONG size = 0, rc;
  IP_ADAPTER_ADDRESSES *list, *a, *lo = NULL;
  IP_ADAPTER_UNICAST_ADDRESS *u;
  IP_ADAPTER_INFO *info, *i;
  FIXED_INFO *fixed;
  int failures = 0, count = 0;

  rc = GetAdaptersAddresses(AF_UNSPEC, 0, NULL, NULL, NULL);
  if (rc != ERROR_INVALID_PARAMETER) printf("FAIL null size: %lu\n", rc), ++failures;
  rc = GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_INCLUDE_PREFIX, NULL, NULL, &size);
  if (rc != ERROR_BUFFER_OVERFLOW) {
    printf("FAIL GetAdaptersAddresses size: %lu\n", rc);
    return 1;
  }
  list = (IP_ADAPTER_ADDRESSES *)malloc(size);
  rc = GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_INCLUDE_PREFIX, NULL, list, &size);
  if (rc != NO_ERROR) {
    printf("FAIL GetAdaptersAddresses: %lu\n", rc);
    return 1;
  }
  for (a = list; a != NULL; a = a->Next) {
    ++count;
    if (a->IfType == IF_TYPE_SOFTWARE_LOOPBACK) lo = a;
  }
  printf("GetAdaptersAddresses: %d adapters\n", count);
  if (lo == NULL) {
    printf("FAIL no loopback adapter\n");
    return 1;
  }
  printf("loopback: index %lu, type %lu, ", lo->IfIndex, lo->IfType);
  print_wide(lo->FriendlyName);
  printf(" (");
  print_wide(lo->Description);
  printf("), %s, mtu %lu, %s\n", lo->AdapterName, lo->Mtu,
         lo->OperStatus == IfOperStatusUp ? "up" : "down");
  for (u = lo->FirstUnicastAddress; u != NULL; u = u->Next) {
    printf("  address ");
    print_address(&u->Address);
    printf("/%u\n", u->OnLinkPrefixLength);
  }
  if (if_nametoindex("lo") != lo->IfIndex) printf("FAIL if_nametoindex\n"), ++failures;

  size = 0;
  rc = GetAdaptersInfo(NULL, &size);
  if (rc == ERROR_NO_DATA) {
    printf("GetAdaptersInfo: no adapter besides the loopback\n");
  } else if (rc != ERROR_BUFFER_OVERFLOW) {
    printf("FAIL GetAdaptersInfo size: %lu\n", rc), ++failures;
  } else {
    info = (IP_ADAPTER_INFO *)malloc(size);
    rc = GetAdaptersInfo(info, &size);
    if (rc != NO_ERROR) {
      printf("FAIL GetAdaptersInfo: %lu\n", rc), ++failures;
    } else {
      count = 0;
      for (i = info; i != NULL; i = i->Next) {
        ++count;
        if (i->Type == MIB_IF_TYPE_LOOPBACK) printf("FAIL loopback in GetAdaptersInfo\n"), ++failures;
      }
      printf("GetAdaptersInfo: %d adapters, first %s %s/%s\n", count, info->Description,
             info->IpAddressList.IpAddress.String, info->IpAddressList.IpMask.String);
    }
  }

  size = 0;
  if (GetNetworkParams(NULL, &size) != ERROR_BUFFER_OVERFLOW) printf("FAIL GetNetworkParams size\n"), ++failures;
  fixed = (FIXED_INFO *)malloc(size);
  if (GetNetworkParams(fixed, &size) != NO_ERROR) {
    printf("FAIL GetNetworkParams\n"), ++failures;
  } else {
    printf("host %s\n", fixed->HostName);
  }
  printf("%s\n", failures ? "FAILED" : "all checks passed");
  return failures ? 1 : 0;
}
