// The Windows-style sample provider (tests/providers/sample_provider.c) built by mingw-w64 into a
// PE DLL (WS2EMU_PE_PROVIDER), loaded by ws2emu's loader and started with the runtime's own
// upcall table: the same source that also builds natively, running as Windows code.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "loader/loader.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

TEST(PeProvider, StartsWithTheRuntimesUpcallTableAndUsesIt) {
  absl::StatusOr<Module *> m = Loader::Get().Load(std::getenv("WS2EMU_PE_PROVIDER"));
  ASSERT_TRUE(m.ok()) << m.status();
  auto startup =
      reinterpret_cast<LPWSPSTARTUP>(const_cast<void *>((*m)->GetProcAddress(std::string("WSPStartup"))));
  ASSERT_NE(startup, nullptr);

  const WSPUPCALLTABLE &upcalls = *ws2emu_upcall_table();
  WSPDATA data = {};
  WSPPROC_TABLE procs = {};
  WSAPROTOCOL_INFOW info = {};
  info.dwCatalogEntryId = 1001;
  info.iAddressFamily = WS_AF_INET;
  info.iSocketType = WS_SOCK_STREAM;
  info.iProtocol = WS_IPPROTO_TCP;
  ASSERT_EQ(startup(MAKEWORD(2, 2), &data, &info, upcalls, &procs), 0);
  EXPECT_EQ(data.wVersion, MAKEWORD(2, 2));
  EXPECT_EQ(std::u16string(data.szDescription), u"ws2emu sample provider");
  EXPECT_EQ(startup(MAKEWORD(1, 1), &data, &info, upcalls, &procs), WSAVERNOTSUPPORTED);

  int err = 0;
  SOCKET s = procs.lpWSPSocket(0, 0, 0, &info, 0, WSA_FLAG_OVERLAPPED, &err);
  ASSERT_NE(s, INVALID_SOCKET) << err;
  DWORD_PTR context = 0;
  EXPECT_EQ(WPUQuerySocketHandleContext(s, &context, &err), 0);  // a real runtime handle
  EXPECT_NE(context, 0u);
  WS_fd_set writable;
  writable.fd_count = 1;
  writable.fd_array[0] = s;
  EXPECT_EQ(procs.lpWSPSelect(0, nullptr, &writable, nullptr, nullptr, &err), 1);
  EXPECT_EQ(procs.lpWSPCloseSocket(s, &err), 0);
  EXPECT_EQ(WPUQuerySocketHandleContext(s, &context, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOTSOCK);
  EXPECT_EQ(procs.lpWSPCloseSocket(s, &err), SOCKET_ERROR);
  EXPECT_EQ(err, WSAENOTSOCK);
  EXPECT_EQ(procs.lpWSPCleanup(&err), 0);
  EXPECT_TRUE(Loader::Get().Free(*m));
}

}  // namespace
}  // namespace ws2emu::emu
