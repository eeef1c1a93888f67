/* guid_program.exe: what a provider installer does with GUIDs, through the real import libraries
 * (-lrpcrt4 -lole32): UuidCreate and CoCreateGuid for new identifiers, UuidToStringA /
 * UuidFromStringA and StringFromGUID2 / CLSIDFromString / IIDFromString for their text forms,
 * CoTaskMemAlloc/Free for COM-allocated strings. Run under ws2emu-run it prints "guid ok" and
 * exits 0; the first check that fails gives its own exit status (10 and up) and a line naming it.
 */
#include <objbase.h>
#include <rpc.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static int g_check = 9;

#define CHECK(cond)                                        \
  do {                                                     \
    ++g_check;                                             \
    if (!(cond)) {                                         \
      printf("check %d failed: %s\n", g_check, #cond);     \
      return g_check;                                      \
    }                                                      \
  } while (0)

/* {6B29FC40-CA47-1067-B31D-00DD010662DA} */
static const GUID kSample = {0x6B29FC40, 0xCA47, 0x1067,
                             {0xB3, 0x1D, 0x00, 0xDD, 0x01, 0x06, 0x62, 0xDA}};

static int IsVersion4(const GUID *g) {
  return (g->Data3 >> 12) == 4 && (g->Data4[0] & 0xc0) == 0x80;
}

int main(void) {
  /* rpcrt4: a new UUID, to text and back. */
  UUID a, b;
  CHECK(UuidCreate(&a) == RPC_S_OK);
  CHECK(UuidCreate(&b) == RPC_S_OK);
  CHECK(IsVersion4(&a) && IsVersion4(&b));
  CHECK(memcmp(&a, &b, sizeof a) != 0);
  RPC_CSTR text = NULL;
  CHECK(UuidToStringA(&a, &text) == RPC_S_OK && text != NULL);
  CHECK(strlen((const char *)text) == 36 && text[8] == '-' && text[14] == '4');
  UUID back;
  CHECK(UuidFromStringA(text, &back) == RPC_S_OK && memcmp(&a, &back, sizeof a) == 0);
  CHECK(RpcStringFreeA(&text) == RPC_S_OK && text == NULL);
  CHECK(UuidToStringA((UUID *)&kSample, &text) == RPC_S_OK);
  CHECK(strcmp((const char *)text, "6b29fc40-ca47-1067-b31d-00dd010662da") == 0);
  RpcStringFreeA(&text);
  CHECK(UuidFromStringA((RPC_CSTR) "not-a-uuid", &back) == RPC_S_INVALID_STRING_UUID);

  /* ole32: a new GUID, its braced text form and back. */
  GUID g;
  CHECK(CoCreateGuid(&g) == S_OK && IsVersion4(&g));
  WCHAR braced[40];
  CHECK(StringFromGUID2(&kSample, braced, 40) == 39);
  CHECK(wcscmp(braced, L"{6B29FC40-CA47-1067-B31D-00DD010662DA}") == 0);
  CHECK(StringFromGUID2(&kSample, braced, 38) == 0);
  CLSID clsid;
  CHECK(CLSIDFromString(L"{6b29fc40-ca47-1067-b31d-00dd010662da}", &clsid) == S_OK);
  CHECK(IsEqualGUID(&clsid, &kSample));
  CHECK(CLSIDFromString(L"Provider.Installer.1", &clsid) == CO_E_CLASSSTRING);
  IID iid;
  CHECK(IIDFromString(L"{6B29FC40-CA47-1067-B31D-00DD010662DA}", &iid) == S_OK);
  CHECK(IsEqualGUID(&iid, &kSample));
  CHECK(IIDFromString(L"{6B29FC40}", &iid) == E_INVALIDARG);
  LPOLESTR owned = NULL;
  CHECK(StringFromCLSID(&g, &owned) == S_OK && owned != NULL && wcslen(owned) == 38);
  CoTaskMemFree(owned);
  void *block = CoTaskMemAlloc(100);
  CHECK(block != NULL);
  memset(block, 0x5a, 100);
  CoTaskMemFree(block);

  printf("guid ok\n");
  return 0;
}
