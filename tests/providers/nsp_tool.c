/*
 * tests/providers/nsp_tool.c — a Windows program (mingw-w64; run with `ws2emu-run`) that
 * installs, lists, enables, disables and removes the test name-space provider (test_nsp.c) the
 * way installers do, and resolves names the way programs do:
 *
 *   nsp_tool.exe install PATH     WSCInstallNameSpace("ws2emu test NSP", PATH, NS_DNS, 1, GUID)
 *   nsp_tool.exe uninstall        WSCUnInstallNameSpace(GUID)
 *   nsp_tool.exe enable | disable WSCEnableNSProvider(GUID, TRUE | FALSE)
 *   nsp_tool.exe list             WSAEnumNameSpaceProvidersW: "provider IDENT ns N active A GUID"
 *   nsp_tool.exe lookup NAME      WSALookupServiceBeginW/NextW/End (SVCID_INET_HOSTADDRBYNAME,
 *                                 NS_ALL, LUP_RETURN_NAME | LUP_RETURN_ADDR): "result NAME A.B.C.D"
 *   nsp_tool.exe resolve NAME     getaddrinfo (AF_INET): "address A.B.C.D"
 *   nsp_tool.exe hostbyname NAME  gethostbyname: "hostent NAME A.B.C.D"
 *
 * A failing call prints "CALL failed: ERROR" and exits 1.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>
#include <stdio.h>
#include <string.h>

static GUID kTestNspGuid = {0x5e2e0010, 0x7a11, 0x4b5e, {0x9a, 0x5e, 0, 0, 0, 0, 0, 0x10}};
static GUID kHostAddrByName = {0x0002a803, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};

static int Fail(const char *call, int err) {
  printf("%s failed: %d\n", call, err);
  return 1;
}

static void PrintAddress(const struct sockaddr *sa) {
  const unsigned char *a = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
  if (sa->sa_family == AF_INET) {
    printf("%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
  } else {
    printf("(family %d)", sa->sa_family);
  }
}

static WCHAR *Widen(const char *s) {
  static WCHAR out[512];
  int i = 0;
  for (; s[i] != 0 && i < 511; i++) out[i] = (WCHAR)(unsigned char)s[i];
  out[i] = 0;
  return out;
}

int main(int argc, char **argv) {
  if (argc < 2) return Fail("usage", 0);
  const char *cmd = argv[1];
  if (strcmp(cmd, "install") == 0 && argc == 3) {
    WCHAR path[512];
    wcscpy(path, Widen(argv[2]));
    if (WSCInstallNameSpace(L"ws2emu test NSP", path, NS_DNS, 1, &kTestNspGuid) != 0)
      return Fail("WSCInstallNameSpace", WSAGetLastError());
    printf("installed the name-space provider\n");
    return 0;
  }
  if (strcmp(cmd, "uninstall") == 0) {
    if (WSCUnInstallNameSpace(&kTestNspGuid) != 0)
      return Fail("WSCUnInstallNameSpace", WSAGetLastError());
    printf("removed the name-space provider\n");
    return 0;
  }
  if (strcmp(cmd, "enable") == 0 || strcmp(cmd, "disable") == 0) {
    if (WSCEnableNSProvider(&kTestNspGuid, strcmp(cmd, "enable") == 0) != 0)
      return Fail("WSCEnableNSProvider", WSAGetLastError());
    printf("%sd the name-space provider\n", cmd);
    return 0;
  }
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return Fail("WSAStartup", WSAGetLastError());
  if (strcmp(cmd, "list") == 0) {
    DWORD size = 0;
    if (WSAEnumNameSpaceProvidersW(&size, NULL) != SOCKET_ERROR || WSAGetLastError() != WSAEFAULT)
      return Fail("WSAEnumNameSpaceProvidersW(size)", WSAGetLastError());
    WSANAMESPACE_INFOW *list = HeapAlloc(GetProcessHeap(), 0, size);
    int n = WSAEnumNameSpaceProvidersW(&size, list);
    if (n == SOCKET_ERROR) return Fail("WSAEnumNameSpaceProvidersW", WSAGetLastError());
    for (int i = 0; i < n; i++) {
      char ident[256];
      int k = 0;
      for (; list[i].lpszIdentifier[k] != 0 && k < 255; k++) ident[k] = (char)list[i].lpszIdentifier[k];
      ident[k] = 0;
      const GUID *g = &list[i].NSProviderId;
      printf("provider %s ns %lu active %d {%08lX-%04X-%04X-...}\n", ident,
             (unsigned long)list[i].dwNameSpace, list[i].fActive, (unsigned long)g->Data1,
             g->Data2, g->Data3);
    }
    printf("%d name-space providers\n", n);
    return 0;
  }
  if (strcmp(cmd, "lookup") == 0 && argc == 3) {
    WSAQUERYSETW q;
    memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpszServiceInstanceName = Widen(argv[2]);
    q.lpServiceClassId = &kHostAddrByName;
    q.dwNameSpace = NS_ALL;
    HANDLE h;
    if (WSALookupServiceBeginW(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &h) != 0)
      return Fail("WSALookupServiceBeginW", WSAGetLastError());
    union {
      WSAQUERYSETW set;
      char bytes[4096];
    } buf;
    int sets = 0;
    for (;;) {
      DWORD len = sizeof(buf);
      if (WSALookupServiceNextW(h, 0, &len, &buf.set) != 0) {
        int err = WSAGetLastError();
        if (err == WSA_E_NO_MORE && sets > 0) break;
        WSALookupServiceEnd(h);
        return Fail("WSALookupServiceNextW", err);
      }
      sets++;
      for (DWORD i = 0; i < buf.set.dwNumberOfCsAddrs; i++) {
        printf("result ");
        for (const WCHAR *c = buf.set.lpszServiceInstanceName; c && *c; c++) putchar((char)*c);
        putchar(' ');
        PrintAddress(buf.set.lpcsaBuffer[i].RemoteAddr.lpSockaddr);
        putchar('\n');
      }
    }
    if (WSALookupServiceEnd(h) != 0) return Fail("WSALookupServiceEnd", WSAGetLastError());
    if (WSALookupServiceEnd(h) != SOCKET_ERROR || WSAGetLastError() != WSA_INVALID_HANDLE)
      return Fail("WSALookupServiceEnd(again)", WSAGetLastError());
    return 0;
  }
  if (strcmp(cmd, "resolve") == 0 && argc == 3) {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[2], "80", &hints, &res);
    if (rc != 0) return Fail("getaddrinfo", rc);
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
      printf("address ");
      PrintAddress(ai->ai_addr);
      printf(" port %u\n", ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port));
    }
    freeaddrinfo(res);
    return 0;
  }
  if (strcmp(cmd, "hostbyname") == 0 && argc == 3) {
    struct hostent *he = gethostbyname(argv[2]);
    if (he == NULL) return Fail("gethostbyname", WSAGetLastError());
    for (int i = 0; he->h_addr_list[i] != NULL; i++) {
      const unsigned char *a = (const unsigned char *)he->h_addr_list[i];
      printf("hostent %s %u.%u.%u.%u\n", he->h_name, a[0], a[1], a[2], a[3]);
    }
    return 0;
  }
  return Fail("usage", 0);
}
