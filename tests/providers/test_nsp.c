/*
 * tests/providers/test_nsp.c — a name-space provider written for Windows: exports NSPStartup,
 * answers SVCID_INET_HOSTADDRBYNAME for "nsp-test.example" (any case) with 10.11.12.13 and
 * passes every other name on (WSASERVICE_NOT_FOUND at Begin, so ws2_32 asks the next provider).
 * Built twice: with mingw-w64 as a PE DLL (ws2emu-run loads it through the catalog) and natively
 * into a .so against ws2emu's headers (the routing tests). TestNspBegins() counts the Begins it
 * was asked, whatever the name, so a test can tell that it saw a lookup.
 *
 * Result set: dwNameSpace NS_DNS, lpszServiceInstanceName "nsp-test.example" (LUP_RETURN_NAME),
 * one CSADDR_INFO (LUP_RETURN_ADDR: AF_INET, SOCK_STREAM, IPPROTO_TCP), everything inside the
 * caller's buffer; WSAEFAULT with the size needed when it does not fit; then WSA_E_NO_MORE.
 */
#ifdef _WIN32
#include <winsock2.h>
#include <ws2spi.h>
#define TEST_NSP_EXPORT __declspec(dllexport)
#else
#include "ws2emu/ws2emu.h"
#define TEST_NSP_EXPORT __attribute__((visibility("default")))
#endif
#include <string.h>

static const GUID kHostAddrByName = {0x0002a803, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
static const WCHAR kName[] = {'n', 's', 'p', '-', 't', 'e', 's', 't', '.', 'e',
                              'x', 'a', 'm', 'p', 'l', 'e', 0};

static volatile LONG g_begins;

typedef struct Lookup {
  DWORD flags;
  int done;
  GUID provider;
} Lookup;

static Lookup g_lookups[64];
static int g_used[64];

static int Fail(int error) {
  WSASetLastError(error);
  return SOCKET_ERROR;
}

static int SameNameNoCase(const WCHAR *a, const WCHAR *b) {
  for (; *a != 0 && *b != 0; a++, b++) {
    WCHAR x = *a, y = *b;
    if (x >= 'A' && x <= 'Z') x = (WCHAR)(x + 32);
    if (y >= 'A' && y <= 'Z') y = (WCHAR)(y + 32);
    if (x != y) return 0;
  }
  return *a == 0 && *b == 0;
}

static Lookup *FromHandle(HANDLE h) {
  size_t i = (size_t)h;
  if (i < 1 || i > 64 || !g_used[i - 1]) return NULL;
  return &g_lookups[i - 1];
}

static INT WSAAPI Cleanup(LPGUID id) {
  (void)id;
  return 0;
}

static INT WSAAPI Begin(LPGUID id, LPWSAQUERYSETW q, LPWSASERVICECLASSINFOW info, DWORD flags,
                        LPHANDLE h) {
  (void)info;
  g_begins++;
  if (q == NULL || h == NULL || q->lpServiceClassId == NULL) return Fail(WSAEINVAL);
  if (memcmp(q->lpServiceClassId, &kHostAddrByName, sizeof(GUID)) != 0 ||
      q->lpszServiceInstanceName == NULL || !SameNameNoCase(q->lpszServiceInstanceName, kName))
    return Fail(WSASERVICE_NOT_FOUND);
  for (int i = 0; i < 64; i++) {
    if (g_used[i]) continue;
    g_used[i] = 1;
    g_lookups[i].flags = flags;
    g_lookups[i].done = 0;
    g_lookups[i].provider = *id;
    *h = (HANDLE)(size_t)(i + 1);
    return 0;
  }
  return Fail(WSA_NOT_ENOUGH_MEMORY);
}

static INT WSAAPI Next(HANDLE h, DWORD flags, LPDWORD length, LPWSAQUERYSETW r) {
  (void)flags;
  Lookup *l = FromHandle(h);
  if (l == NULL) return Fail(WSA_INVALID_HANDLE);
  if (length == NULL) return Fail(WSAEFAULT);
  if (l->done) return Fail(WSA_E_NO_MORE);
  size_t need = sizeof(WSAQUERYSETW) + sizeof(CSADDR_INFO) + 2 * sizeof(struct sockaddr_in) +
                sizeof(kName) + sizeof(GUID);
  if (r == NULL || *length < need) {
    *length = (DWORD)need;
    return Fail(WSAEFAULT);
  }
  char *base = (char *)r;
  memset(base, 0, need);
  CSADDR_INFO *cs = (CSADDR_INFO *)(base + sizeof(WSAQUERYSETW));
  struct sockaddr_in *local = (struct sockaddr_in *)(cs + 1);
  struct sockaddr_in *remote = local + 1;
  GUID *provider = (GUID *)(remote + 1);
  WCHAR *name = (WCHAR *)(provider + 1);
  r->dwSize = sizeof(WSAQUERYSETW);
  r->dwNameSpace = NS_DNS;
  *provider = l->provider;
  r->lpNSProviderId = provider;
  if (l->flags & LUP_RETURN_NAME) {
    memcpy(name, kName, sizeof(kName));
    r->lpszServiceInstanceName = name;
  }
  if (l->flags & LUP_RETURN_ADDR) {
    local->sin_family = AF_INET;
    remote->sin_family = AF_INET;
    unsigned char *a = (unsigned char *)&remote->sin_addr;
    a[0] = 10, a[1] = 11, a[2] = 12, a[3] = 13;
    cs->LocalAddr.lpSockaddr = (struct sockaddr *)local;
    cs->LocalAddr.iSockaddrLength = sizeof(*local);
    cs->RemoteAddr.lpSockaddr = (struct sockaddr *)remote;
    cs->RemoteAddr.iSockaddrLength = sizeof(*remote);
    cs->iSocketType = SOCK_STREAM;
    cs->iProtocol = IPPROTO_TCP;
    r->dwNumberOfCsAddrs = 1;
    r->lpcsaBuffer = cs;
  }
  l->done = 1;
  return 0;
}

static INT WSAAPI End(HANDLE h) {
  Lookup *l = FromHandle(h);
  if (l == NULL) return Fail(WSA_INVALID_HANDLE);
  g_used[(size_t)h - 1] = 0;
  return 0;
}

static INT WSAAPI SetService(LPGUID id, LPWSASERVICECLASSINFOW info, LPWSAQUERYSETW q,
                             WSAESETSERVICEOP op, DWORD flags) {
  (void)id, (void)info, (void)q, (void)op, (void)flags;
  return Fail(WSAEOPNOTSUPP);
}

TEST_NSP_EXPORT INT WSAAPI NSPStartup(LPGUID id, LPNSP_ROUTINE r) {
  if (id == NULL || r == NULL) return Fail(WSAEINVAL);
  memset(r, 0, sizeof(*r));
  r->cbSize = sizeof(*r);
  r->dwMajorVersion = 2;
  r->dwMinorVersion = 2;
  r->NSPCleanup = Cleanup;
  r->NSPLookupServiceBegin = Begin;
  r->NSPLookupServiceNext = Next;
  r->NSPLookupServiceEnd = End;
  r->NSPSetService = SetService;
  return 0;
}

TEST_NSP_EXPORT LONG TestNspBegins(void) { return g_begins; }
