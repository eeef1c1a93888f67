// A provider written for Windows (sample_provider.c), built natively as a .so, loaded with
// dlopen and started through WSPStartup: the upcall table crosses by value under the ms_abi
// convention, the proc table comes back filled, version negotiation follows SPEC.md §4, and
// the provider's upcalls reach the host's functions with their arguments intact.
#include <dlfcn.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "ws2emu/ws2spi.h"

namespace {

// A host-side upcall table that records what the provider asks for. (The runtime's real table
// is tested with the core; this test is about the calling convention and the layouts.)
struct Recorded {
  DWORD catalog_id = 0;
  DWORD_PTR context = 0;
  SOCKET closed = 0;
  int fd_isset_calls = 0;
};
Recorded g_recorded;
constexpr SOCKET kHandle = 0x1234;

SOCKET WSPAPI HostCreateSocketHandle(DWORD dwCatalogEntryId, DWORD_PTR dwContext, LPINT) {
  g_recorded.catalog_id = dwCatalogEntryId;
  g_recorded.context = dwContext;
  return kHandle;
}
int WSPAPI HostQuerySocketHandleContext(SOCKET s, PDWORD_PTR lpContext, LPINT lpErrno) {
  if (s != kHandle) {
    *lpErrno = WSAENOTSOCK;
    return SOCKET_ERROR;
  }
  *lpContext = g_recorded.context;
  return 0;
}
int WSPAPI HostCloseSocketHandle(SOCKET s, LPINT) {
  g_recorded.closed = s;
  return 0;
}
int WSPAPI HostFDIsSet(SOCKET s, WS_fd_set *set) {
  ++g_recorded.fd_isset_calls;
  for (WS_u_int i = 0; i < set->fd_count; ++i)
    if (set->fd_array[i] == s) return 1;
  return 0;
}

class NativeProvider : public ::testing::Test {
 protected:
  void SetUp() override {
    const char *path = std::getenv("WS2EMU_SAMPLE_PROVIDER");
    ASSERT_NE(path, nullptr) << "WS2EMU_SAMPLE_PROVIDER is not set";
    module_ = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(module_, nullptr) << dlerror();
    startup_ = reinterpret_cast<LPWSPSTARTUP>(dlsym(module_, "WSPStartup"));
    ASSERT_NE(startup_, nullptr) << "the provider does not export WSPStartup";
    upcalls_.lpWPUCreateSocketHandle = HostCreateSocketHandle;
    upcalls_.lpWPUQuerySocketHandleContext = HostQuerySocketHandleContext;
    upcalls_.lpWPUCloseSocketHandle = HostCloseSocketHandle;
    upcalls_.lpWPUFDIsSet = HostFDIsSet;
    info_.dwCatalogEntryId = 1001;
    info_.iAddressFamily = WS_AF_INET;
    info_.iSocketType = WS_SOCK_STREAM;
    info_.iProtocol = WS_IPPROTO_TCP;
  }
  void TearDown() override {
    if (module_ != nullptr) dlclose(module_);
  }

  void *module_ = nullptr;
  LPWSPSTARTUP startup_ = nullptr;
  WSPUPCALLTABLE upcalls_ = {};
  WSAPROTOCOL_INFOW info_ = {};
};

TEST_F(NativeProvider, StartsAtVersion22AndFillsEveryProcTableEntry) {
  WSPDATA data = {};
  WSPPROC_TABLE procs = {};
  ASSERT_EQ(startup_(MAKEWORD(2, 2), &data, &info_, upcalls_, &procs), 0);
  EXPECT_EQ(data.wVersion, MAKEWORD(2, 2));
  EXPECT_EQ(data.wHighVersion, MAKEWORD(2, 2));
  EXPECT_EQ(std::u16string(data.szDescription), u"ws2emu sample provider");
  const auto *entries = reinterpret_cast<void *const *>(&procs);
  for (size_t i = 0; i < sizeof(procs) / sizeof(void *); ++i)
    EXPECT_NE(entries[i], nullptr) << "proc table entry " << i;
  int err = 0;
  EXPECT_EQ(procs.lpWSPCleanup(&err), 0);
  EXPECT_EQ(procs.lpWSPCleanup(&err), SOCKET_ERROR);
  EXPECT_EQ(err, WSANOTINITIALISED);
}

TEST_F(NativeProvider, RefusesVersionsBelowItsLowest) {
  WSPDATA data = {};
  WSPPROC_TABLE procs = {};
  EXPECT_EQ(startup_(MAKEWORD(1, 1), &data, &info_, upcalls_, &procs), WSAVERNOTSUPPORTED);
  EXPECT_EQ(startup_(MAKEWORD(2, 1), &data, &info_, upcalls_, &procs), WSAVERNOTSUPPORTED);
  EXPECT_EQ(startup_(MAKEWORD(2, 2), nullptr, &info_, upcalls_, &procs), WSAEFAULT);
  EXPECT_EQ(startup_(MAKEWORD(2, 2), &data, &info_, upcalls_, nullptr), WSAEFAULT);
}

TEST_F(NativeProvider, UpcallsReceiveTheirArgumentsThroughTheCopiedTable) {
  WSPDATA data = {};
  WSPPROC_TABLE procs = {};
  {
    // The table argument is a temporary: the provider must have copied it.
    WSPUPCALLTABLE temporary = upcalls_;
    ASSERT_EQ(startup_(MAKEWORD(2, 2), &data, &info_, temporary, &procs), 0);
    temporary = {};
  }
  int err = 0;
  SOCKET s = procs.lpWSPSocket(0, 0, 0, &info_, 0, WSA_FLAG_OVERLAPPED, &err);
  ASSERT_EQ(s, kHandle);
  EXPECT_EQ(g_recorded.catalog_id, 1001u);
  EXPECT_NE(g_recorded.context, 0u);

  WS_fd_set writable;
  WS_FD_ZERO(&writable);
  WS_FD_SET(s, &writable);
  EXPECT_EQ(procs.lpWSPSelect(0, nullptr, &writable, nullptr, nullptr, &err), 1);
  EXPECT_EQ(g_recorded.fd_isset_calls, 1);
  EXPECT_TRUE(WS_FD_ISSET(s, &writable));

  EXPECT_EQ(procs.lpWSPCloseSocket(s, &err), 0);
  EXPECT_EQ(g_recorded.closed, kHandle);
  EXPECT_EQ(procs.lpWSPCloseSocket(0x5678, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOTSOCK);
  EXPECT_EQ(procs.lpWSPSend(s, nullptr, 0, nullptr, 0, nullptr, nullptr, nullptr, &err),
            SOCKET_ERROR);
  EXPECT_EQ(err, WSAEOPNOTSUPP);
  EXPECT_EQ(procs.lpWSPCleanup(&err), 0);
}

}  // namespace
