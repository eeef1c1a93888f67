// Lookups through the name-space providers, as a native host sees them through libws2emu.so:
// the built-in DNS provider over loopback names (localhost, /etc/hosts) with each LUP_RETURN_*
// flag, the documented errors of WSALookupServiceBegin/Next/End, WSAEnumNameSpaceProviders*,
// the A forms, and the routing to an installed provider (tests/providers/test_nsp.c built as a
// .so: it answers nsp-test.example and passes every other name on) — getaddrinfo, GetAddrInfoEx
// and gethostbyname included, and none of it after WSCEnableNSProvider(FALSE) or
// WSCUnInstallNameSpace.
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "ws2emu/ws2emu.h"

namespace {

GUID kHostAddrByName = SVCID_INET_HOSTADDRBYNAME_INIT;
GUID kHostName = SVCID_HOSTNAME_INIT;
GUID kTestNsp = {0x5e2e0010, 0x7a11, 0x4b5e, {0x9a, 0x5e, 0, 0, 0, 0, 0, 0x10}};
GUID kTcpip = {0x22059D40, 0x7E9E, 0x11CF, {0xAE, 0x5A, 0x00, 0xAA, 0x00, 0xA7, 0x11, 0x2B}};
GUID kUnknown = {0x12345678, 0x1111, 0x2222, {3, 3, 3, 3, 3, 3, 3, 3}};

std::string Dotted(const WS_sockaddr *sa) {
  if (sa->sa_family != WS_AF_INET) return "family " + std::to_string(sa->sa_family);
  auto *a = reinterpret_cast<const unsigned char *>(
      &reinterpret_cast<const WS_sockaddr_in *>(sa)->sin_addr);
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
         std::to_string(a[3]);
}

// A name and IPv4 address /etc/hosts maps (other than localhost), or empty.
std::pair<std::string, std::string> EtcHostsEntry() {
  std::ifstream in("/etc/hosts");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string address, name;
    if (!(s >> address >> name) || address[0] == '#') continue;
    if (address.find(':') != std::string::npos || name == "localhost") continue;
    return {name, address};
  }
  return {};
}

class Lookup : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("WS2EMU_CATALOG", path_.c_str(), 1);
    WSADATA data;
    ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
  }
  void TearDown() override {
    WSACleanup();
    unsetenv("WS2EMU_CATALOG");
  }

  WSAQUERYSETW Query(const char16_t *name, GUID *cls = &kHostAddrByName, DWORD ns = NS_ALL) {
    WSAQUERYSETW q;
    std::memset(&q, 0, sizeof(q));
    q.dwSize = sizeof(q);
    q.lpszServiceInstanceName = const_cast<WCHAR *>(reinterpret_cast<const WCHAR *>(name));
    q.lpServiceClassId = cls;
    q.dwNameSpace = ns;
    return q;
  }

  // Every address of every result set, "name address".
  std::vector<std::string> All(const char16_t *name, DWORD flags = LUP_RETURN_NAME | LUP_RETURN_ADDR,
                               int *error = nullptr) {
    WSAQUERYSETW q = Query(name);
    HANDLE h = nullptr;
    std::vector<std::string> out;
    if (WSALookupServiceBeginW(&q, flags, &h) != 0) {
      if (error) *error = WSAGetLastError();
      return out;
    }
    std::vector<unsigned char> buf(4096);
    for (;;) {
      DWORD len = static_cast<DWORD>(buf.size());
      auto *r = reinterpret_cast<WSAQUERYSETW *>(buf.data());
      if (WSALookupServiceNextW(h, 0, &len, r) != 0) {
        if (error) *error = WSAGetLastError();
        break;
      }
      std::string n = r->lpszServiceInstanceName
                          ? std::string(r->lpszServiceInstanceName,
                                        r->lpszServiceInstanceName +
                                            std::char_traits<char16_t>::length(
                                                reinterpret_cast<const char16_t *>(r->lpszServiceInstanceName)))
                          : "";
      for (DWORD i = 0; i < r->dwNumberOfCsAddrs; ++i)
        out.push_back(n + " " + Dotted(r->lpcsaBuffer[i].RemoteAddr.lpSockaddr));
    }
    EXPECT_EQ(WSALookupServiceEnd(h), 0);
    return out;
  }

  int Install(const std::string &so) {
    std::u16string ident = u"ws2emu test NSP", path(so.begin(), so.end());
    return WSCInstallNameSpace(reinterpret_cast<WCHAR *>(ident.data()),
                               reinterpret_cast<WCHAR *>(path.data()), NS_DNS, 1, &kTestNsp);
  }

  std::string TestNspPath() {
    const char *p = std::getenv("WS2EMU_TEST_NSP");
    return p == nullptr ? "" : p;
  }

  long TestNspBegins() {
    void *h = dlopen(TestNspPath().c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (h == nullptr) return -1;
    auto f = reinterpret_cast<long (*)()>(dlsym(h, "TestNspBegins"));
    long n = f == nullptr ? -1 : f();
    dlclose(h);
    return n;
  }

  std::vector<std::string> Resolve(const char *name, int *rc_out = nullptr) {
    ADDRINFOA hints = {};
    hints.ai_family = WS_AF_INET;
    hints.ai_socktype = WS_SOCK_STREAM;
    ADDRINFOA *res = nullptr;
    int rc = ws2emu_getaddrinfo(name, "80", &hints, &res);
    if (rc_out) *rc_out = rc;
    std::vector<std::string> out;
    for (ADDRINFOA *ai = res; ai != nullptr; ai = ai->ai_next) {
      EXPECT_EQ(ws2emu_ntohs(reinterpret_cast<WS_sockaddr_in *>(ai->ai_addr)->sin_port), 80);
      EXPECT_EQ(ai->ai_socktype, WS_SOCK_STREAM);
      out.push_back(Dotted(ai->ai_addr));
    }
    if (res) ws2emu_freeaddrinfo(res);
    return out;
  }

  ws2emu::testing::TempDir temp_{"nslookup"};
  const std::string path_ = temp_.path() + "/catalog";
};

TEST_F(Lookup, EnumNameSpaceProvidersListsTcpip) {
  DWORD size = 0;
  EXPECT_EQ(WSAEnumNameSpaceProvidersW(&size, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  std::vector<unsigned char> buf(size);
  ASSERT_EQ(WSAEnumNameSpaceProvidersW(&size, reinterpret_cast<WSANAMESPACE_INFOW *>(buf.data())), 1);
  DWORD asize = 0;
  EXPECT_EQ(WSAEnumNameSpaceProvidersA(&asize, nullptr), SOCKET_ERROR);
  std::vector<unsigned char> abuf(asize);
  auto *a = reinterpret_cast<WSANAMESPACE_INFOA *>(abuf.data());
  ASSERT_EQ(WSAEnumNameSpaceProvidersA(&asize, a), 1);
  EXPECT_STREQ(a->lpszIdentifier, "Tcpip");
  EXPECT_EQ(a->dwNameSpace, static_cast<DWORD>(NS_DNS));
  EXPECT_EQ(std::memcmp(&a->NSProviderId, &kTcpip, sizeof(GUID)), 0);
  DWORD xsize = 0;
  EXPECT_EQ(WSAEnumNameSpaceProvidersExW(&xsize, nullptr), SOCKET_ERROR);
  std::vector<unsigned char> xbuf(xsize);
  ASSERT_EQ(WSAEnumNameSpaceProvidersExW(&xsize, reinterpret_cast<WSANAMESPACE_INFOEXW *>(xbuf.data())), 1);
  EXPECT_EQ(WSAEnumNameSpaceProvidersW(nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
}

TEST_F(Lookup, CallsNeedWsaStartup) {
  WSACleanup();
  WSAQUERYSETW q = Query(u"localhost");
  HANDLE h = nullptr;
  EXPECT_EQ(WSALookupServiceBeginW(&q, LUP_RETURN_ADDR, &h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  DWORD len = 0;
  EXPECT_EQ(WSALookupServiceNextW(h, 0, &len, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  EXPECT_EQ(WSALookupServiceEnd(h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  EXPECT_EQ(WSAEnumNameSpaceProvidersW(&len, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
  WSADATA data;
  ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
}

TEST_F(Lookup, BuiltinProviderAnswersLocalhostWithEveryReturnFlag) {
  WSAQUERYSETW q = Query(u"localhost");
  HANDLE h = nullptr;
  ASSERT_EQ(WSALookupServiceBeginW(&q, LUP_RETURN_ALL, &h), 0);
  std::vector<unsigned char> buf(4096);
  DWORD len = static_cast<DWORD>(buf.size());
  auto *r = reinterpret_cast<WSAQUERYSETW *>(buf.data());
  ASSERT_EQ(WSALookupServiceNextW(h, 0, &len, r), 0) << WSAGetLastError();
  EXPECT_EQ(r->dwSize, sizeof(WSAQUERYSETW));
  EXPECT_EQ(r->dwNameSpace, static_cast<DWORD>(NS_DNS));
  ASSERT_NE(r->lpszServiceInstanceName, nullptr);
  ASSERT_NE(r->lpServiceClassId, nullptr);
  EXPECT_EQ(std::memcmp(r->lpServiceClassId, &kHostAddrByName, sizeof(GUID)), 0);
  ASSERT_GT(r->dwNumberOfCsAddrs, 0u);
  bool loopback = false;
  for (DWORD i = 0; i < r->dwNumberOfCsAddrs; ++i) {
    const CSADDR_INFO &c = r->lpcsaBuffer[i];
    EXPECT_EQ(c.LocalAddr.lpSockaddr->sa_family, c.RemoteAddr.lpSockaddr->sa_family);
    EXPECT_EQ(c.iSocketType, WS_SOCK_STREAM);
    EXPECT_EQ(c.iProtocol, WS_IPPROTO_TCP);
    loopback |= Dotted(c.RemoteAddr.lpSockaddr) == "127.0.0.1";
  }
  EXPECT_TRUE(loopback);
  // The hostent BLOB: pointers are offsets from the BLOB's start.
  ASSERT_NE(r->lpBlob, nullptr);
  ASSERT_GE(r->lpBlob->cbSize, sizeof(WS_hostent));
  WS_hostent he;
  std::memcpy(&he, r->lpBlob->pBlobData, sizeof(he));
  EXPECT_EQ(he.h_addrtype, WS_AF_INET);
  EXPECT_EQ(he.h_length, 4);
  uint64_t first;
  std::memcpy(&first, r->lpBlob->pBlobData + reinterpret_cast<uintptr_t>(he.h_addr_list), 8);
  ASSERT_LT(first + 4, r->lpBlob->cbSize);
  EXPECT_EQ(r->lpBlob->pBlobData[first], 127);
  len = static_cast<DWORD>(buf.size());
  EXPECT_EQ(WSALookupServiceNextW(h, 0, &len, r), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSA_E_NO_MORE);
  EXPECT_EQ(WSALookupServiceEnd(h), 0);
  // An ended handle is no handle.
  EXPECT_EQ(WSALookupServiceEnd(h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
  EXPECT_EQ(WSALookupServiceNextW(h, 0, &len, r), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
}

TEST_F(Lookup, OnlyTheFlagsAskedForAreReturned) {
  WSAQUERYSETW q = Query(u"localhost");
  HANDLE h = nullptr;
  ASSERT_EQ(WSALookupServiceBeginW(&q, LUP_RETURN_NAME, &h), 0);
  std::vector<unsigned char> buf(4096);
  DWORD len = static_cast<DWORD>(buf.size());
  auto *r = reinterpret_cast<WSAQUERYSETW *>(buf.data());
  ASSERT_EQ(WSALookupServiceNextW(h, 0, &len, r), 0);
  EXPECT_NE(r->lpszServiceInstanceName, nullptr);
  EXPECT_EQ(r->dwNumberOfCsAddrs, 0u);
  EXPECT_EQ(r->lpcsaBuffer, nullptr);
  EXPECT_EQ(r->lpBlob, nullptr);
  EXPECT_EQ(r->lpServiceClassId, nullptr);
  EXPECT_EQ(WSALookupServiceEnd(h), 0);
}

TEST_F(Lookup, EtcHostsNamesResolve) {
  auto [name, address] = EtcHostsEntry();
  if (name.empty()) GTEST_SKIP() << "/etc/hosts maps no name but localhost to an IPv4 address";
  std::u16string wide(name.begin(), name.end());
  std::vector<std::string> got = All(wide.c_str());
  bool found = false;
  for (const std::string &g : got) found |= g.ends_with(" " + address);
  EXPECT_TRUE(found) << name << " -> " << address;
}

TEST_F(Lookup, HostNameClassGivesTheLocalName) {
  WSAQUERYSETW q = Query(nullptr, &kHostName);
  HANDLE h = nullptr;
  ASSERT_EQ(WSALookupServiceBeginW(&q, LUP_RETURN_NAME, &h), 0);
  std::vector<unsigned char> buf(2048);
  DWORD len = static_cast<DWORD>(buf.size());
  auto *r = reinterpret_cast<WSAQUERYSETW *>(buf.data());
  ASSERT_EQ(WSALookupServiceNextW(h, 0, &len, r), 0);
  char host[256] = {};
  ASSERT_EQ(ws2emu_gethostname(host, sizeof(host)), 0);
  std::u16string expected(host, host + std::strlen(host));
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t *>(r->lpszServiceInstanceName)), expected);
  EXPECT_EQ(WSALookupServiceEnd(h), 0);
}

TEST_F(Lookup, ASmallBufferGetsTheSizeAndTheSetStays) {
  WSAQUERYSETW q = Query(u"localhost");
  HANDLE h = nullptr;
  ASSERT_EQ(WSALookupServiceBeginW(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &h), 0);
  DWORD len = 8;
  std::vector<unsigned char> small(8);
  EXPECT_EQ(WSALookupServiceNextW(h, 0, &len, reinterpret_cast<WSAQUERYSETW *>(small.data())),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  ASSERT_GT(len, sizeof(WSAQUERYSETW));
  std::vector<unsigned char> buf(len);
  EXPECT_EQ(WSALookupServiceNextW(h, 0, &len, reinterpret_cast<WSAQUERYSETW *>(buf.data())), 0);
  EXPECT_EQ(WSALookupServiceEnd(h), 0);
  // LUP_FLUSHPREVIOUS drops the set that does not fit: there is none after it.
  ASSERT_EQ(WSALookupServiceBeginW(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &h), 0);
  len = 8;
  EXPECT_EQ(WSALookupServiceNextW(h, LUP_FLUSHPREVIOUS, &len,
                                  reinterpret_cast<WSAQUERYSETW *>(small.data())),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSA_E_NO_MORE);
  EXPECT_EQ(WSALookupServiceEnd(h), 0);
}

TEST_F(Lookup, UnknownNamesAreServiceNotFound) {
  int error = 0;
  EXPECT_TRUE(All(u"no-such-host.invalid", LUP_RETURN_ADDR, &error).empty());
  EXPECT_EQ(error, WSASERVICE_NOT_FOUND);
}

TEST_F(Lookup, BeginErrors) {
  HANDLE h = nullptr;
  WSAQUERYSETW q = Query(u"localhost");
  EXPECT_EQ(WSALookupServiceBeginW(nullptr, 0, &h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(WSALookupServiceBeginW(&q, 0, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  WSAQUERYSETW small = q;
  small.dwSize = 8;
  EXPECT_EQ(WSALookupServiceBeginW(&small, 0, &h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  WSAQUERYSETW no_class = q;
  no_class.lpServiceClassId = nullptr;
  EXPECT_EQ(WSALookupServiceBeginW(&no_class, 0, &h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  WSAQUERYSETW other_class = q;
  other_class.lpServiceClassId = &kUnknown;
  EXPECT_EQ(WSALookupServiceBeginW(&other_class, 0, &h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSASERVICE_NOT_FOUND);
  WSAQUERYSETW no_provider = q;
  no_provider.dwNameSpace = NS_NIS;
  EXPECT_EQ(WSALookupServiceBeginW(&no_provider, 0, &h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSASERVICE_NOT_FOUND);
  WSAQUERYSETW unknown_provider = q;
  unknown_provider.lpNSProviderId = &kUnknown;
  EXPECT_EQ(WSALookupServiceBeginW(&unknown_provider, 0, &h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  WSAQUERYSETW by_id = q;
  by_id.lpNSProviderId = &kTcpip;
  ASSERT_EQ(WSALookupServiceBeginW(&by_id, LUP_RETURN_ADDR, &h), 0);
  EXPECT_EQ(WSALookupServiceEnd(h), 0);
}

TEST_F(Lookup, NextAndEndErrors) {
  DWORD len = 100;
  std::vector<unsigned char> buf(100);
  HANDLE bogus = reinterpret_cast<HANDLE>(0x7777);
  EXPECT_EQ(WSALookupServiceNextW(bogus, 0, &len, reinterpret_cast<WSAQUERYSETW *>(buf.data())),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
  EXPECT_EQ(WSALookupServiceEnd(bogus), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
  WSAQUERYSETW q = Query(u"localhost");
  HANDLE h = nullptr;
  ASSERT_EQ(WSALookupServiceBeginW(&q, LUP_RETURN_ADDR, &h), 0);
  EXPECT_EQ(WSALookupServiceNextW(h, 0, nullptr, reinterpret_cast<WSAQUERYSETW *>(buf.data())),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(WSALookupServiceEnd(h), 0);
}

TEST_F(Lookup, AnsiFormsConvertAndKeepASetThatDidNotFit) {
  WSAQUERYSETA q;
  std::memset(&q, 0, sizeof(q));
  q.dwSize = sizeof(q);
  q.lpszServiceInstanceName = const_cast<char *>("localhost");
  q.lpServiceClassId = &kHostAddrByName;
  q.dwNameSpace = NS_ALL;
  HANDLE h = nullptr;
  ASSERT_EQ(WSALookupServiceBeginA(&q, LUP_RETURN_NAME | LUP_RETURN_ADDR, &h), 0);
  DWORD len = 16;
  std::vector<unsigned char> small(16);
  EXPECT_EQ(WSALookupServiceNextA(h, 0, &len, reinterpret_cast<WSAQUERYSETA *>(small.data())),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  std::vector<unsigned char> buf(len);
  auto *r = reinterpret_cast<WSAQUERYSETA *>(buf.data());
  ASSERT_EQ(WSALookupServiceNextA(h, 0, &len, r), 0);
  ASSERT_NE(r->lpszServiceInstanceName, nullptr);
  EXPECT_GT(std::strlen(r->lpszServiceInstanceName), 0u);
  ASSERT_GT(r->dwNumberOfCsAddrs, 0u);
  // Everything lies inside the caller's buffer.
  auto inside = [&](const void *p) {
    auto *b = static_cast<const unsigned char *>(p);
    return b >= buf.data() && b < buf.data() + buf.size();
  };
  EXPECT_TRUE(inside(r->lpszServiceInstanceName));
  EXPECT_TRUE(inside(r->lpcsaBuffer));
  EXPECT_TRUE(inside(r->lpcsaBuffer[0].RemoteAddr.lpSockaddr));
  len = static_cast<DWORD>(buf.size());
  EXPECT_EQ(WSALookupServiceNextA(h, 0, &len, r), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSA_E_NO_MORE);
  EXPECT_EQ(WSALookupServiceEnd(h), 0);
}

TEST_F(Lookup, ServiceRegistrationCallsReachTheProviders) {
  EXPECT_EQ(WSASetServiceW(nullptr, RNRSERVICE_REGISTER, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  WSAQUERYSETW q = Query(u"svc");
  EXPECT_EQ(WSASetServiceW(&q, static_cast<WSAESETSERVICEOP>(7), 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  // The built-in provider keeps no registrations.
  EXPECT_EQ(WSASetServiceW(&q, RNRSERVICE_REGISTER, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
  DWORD size = 0;
  EXPECT_EQ(WSAGetServiceClassInfoW(nullptr, &kHostAddrByName, &size, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(WSAGetServiceClassInfoW(&kTcpip, nullptr, &size, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(WSAGetServiceClassInfoW(&kTcpip, &kHostAddrByName, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(WSAGetServiceClassInfoW(&kUnknown, &kHostAddrByName, &size, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(WSAGetServiceClassInfoW(&kTcpip, &kHostAddrByName, &size, nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
  EXPECT_EQ(WSAInstallServiceClassW(nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(WSARemoveServiceClass(nullptr), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(WSARemoveServiceClass(&kUnknown), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP);
}

TEST_F(Lookup, AnInstalledProviderAnswersUntilDisabledOrRemoved) {
  const std::string so = TestNspPath();
  if (so.empty()) GTEST_SKIP() << "WS2EMU_TEST_NSP is not set";
  // Before: the name is unknown.
  int rc = 0;
  EXPECT_TRUE(Resolve("nsp-test.example", &rc).empty());
  EXPECT_EQ(rc, WSAHOST_NOT_FOUND);

  ASSERT_EQ(Install(so), 0) << WSAGetLastError();
  EXPECT_EQ(All(u"nsp-test.example"), std::vector<std::string>{"nsp-test.example 10.11.12.13"});
  EXPECT_EQ(Resolve("nsp-test.example"), std::vector<std::string>{"10.11.12.13"});
  EXPECT_EQ(Resolve("NSP-TEST.example"), std::vector<std::string>{"10.11.12.13"});
  WS_hostent *he = ws2emu_gethostbyname("nsp-test.example");
  ASSERT_NE(he, nullptr) << WSAGetLastError();
  EXPECT_EQ(static_cast<unsigned char>(he->h_addr_list[0][0]), 10);
  EXPECT_EQ(static_cast<unsigned char>(he->h_addr_list[0][3]), 13);
  EXPECT_EQ(he->h_addr_list[1], nullptr);
  // Wide and Ex forms, the provider chosen by its GUID.
  ADDRINFOEXW *ex = nullptr;
  ASSERT_EQ(GetAddrInfoExW(u"nsp-test.example", nullptr, NS_DNS, &kTestNsp, nullptr, &ex, nullptr,
                           nullptr, nullptr, nullptr),
            0);
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(Dotted(ex->ai_addr), "10.11.12.13");
  FreeAddrInfoExW(ex);
  EXPECT_EQ(GetAddrInfoExW(u"nsp-test.example", nullptr, NS_DNS, &kUnknown, nullptr, &ex, nullptr,
                           nullptr, nullptr, nullptr),
            WSAEINVAL);

  // Other names are passed on to the built-in provider, and the installed one saw them.
  const long before = TestNspBegins();
  EXPECT_FALSE(Resolve("localhost").empty());
  EXPECT_GT(TestNspBegins(), before);
  // Asked by its GUID, it answers only its own name.
  WSAQUERYSETW q = Query(u"localhost");
  q.lpNSProviderId = &kTestNsp;
  HANDLE h = nullptr;
  EXPECT_EQ(WSALookupServiceBeginW(&q, LUP_RETURN_ADDR, &h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSASERVICE_NOT_FOUND);

  // Disabled: no longer asked.
  ASSERT_EQ(WSCEnableNSProvider(&kTestNsp, FALSE), 0);
  const long disabled = TestNspBegins();
  EXPECT_TRUE(Resolve("nsp-test.example", &rc).empty());
  EXPECT_EQ(rc, WSAHOST_NOT_FOUND);
  EXPECT_EQ(TestNspBegins(), disabled);
  ASSERT_EQ(WSCEnableNSProvider(&kTestNsp, TRUE), 0);
  EXPECT_EQ(Resolve("nsp-test.example"), std::vector<std::string>{"10.11.12.13"});

  // Removed: gone.
  ASSERT_EQ(WSCUnInstallNameSpace(&kTestNsp), 0);
  EXPECT_TRUE(Resolve("nsp-test.example", &rc).empty());
  EXPECT_EQ(rc, WSAHOST_NOT_FOUND);
  ws2emu_gethostbyname("nsp-test.example");
  EXPECT_NE(WSAGetLastError(), 0);
}

TEST_F(Lookup, AProviderThatCannotLoadIsLeftOut) {
  std::u16string ident = u"broken", path = u"/nonexistent/nsp.so";
  ASSERT_EQ(WSCInstallNameSpace(reinterpret_cast<WCHAR *>(ident.data()),
                                reinterpret_cast<WCHAR *>(path.data()), NS_DNS, 1, &kUnknown),
            0);
  EXPECT_FALSE(Resolve("localhost").empty());
  WSAQUERYSETW q = Query(u"localhost");
  q.lpNSProviderId = &kUnknown;
  HANDLE h = nullptr;
  EXPECT_EQ(WSALookupServiceBeginW(&q, LUP_RETURN_ADDR, &h), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEPROVIDERFAILEDINIT);
}

}  // namespace
