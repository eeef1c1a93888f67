// mswsock.dll's AcceptEx, TransmitFile and GetAcceptExSockaddrs. On Windows these call the
// extension function of the socket's provider, found with SIO_GET_EXTENSION_FUNCTION_POINTER,
// which is what a program that does it itself gets too; here they do exactly that, so a
// layered provider that hands out its own AcceptEx sees the calls made through mswsock.
// GetAcceptExSockaddrs has no socket: it reads the buffer the way MSAFD wrote it, and MSAFD is
// the base provider here (lib/base_provider), whose function it is.
#include "base_provider/overlapped.h"
#include "winsock/call.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {
namespace {

// The extension function `guid` of the provider that owns `s`, or null with the last error set.
void *Extension(const SocketCall &call, SOCKET s, GUID guid) {
  void *fn = nullptr;
  DWORD returned = 0;
  int error = 0;
  int thread_error = 0;
  LPWSATHREADID thread = CurrentThreadId(&thread_error);
  if (thread == nullptr) return FailWith(thread_error, static_cast<void *>(nullptr));
  if (call.procs().lpWSPIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &fn,
                              sizeof(fn), &returned, nullptr, nullptr, thread, &error) != 0) {
    return FailWith(error, static_cast<void *>(nullptr));
  }
  if (fn == nullptr) return FailWith(WSAEOPNOTSUPP, static_cast<void *>(nullptr));
  return fn;
}

}  // namespace
}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

BOOL WINAPI AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer,
                     DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
                     DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived,
                     LPOVERLAPPED lpOverlapped) {
  SocketCall call(sListenSocket);
  if (!call) return FailWith(call.error(), FALSE);
  auto fn = reinterpret_cast<LPFN_ACCEPTEX>(Extension(call, sListenSocket, WSAID_ACCEPTEX));
  if (fn == nullptr) return FALSE;
  return fn(sListenSocket, sAcceptSocket, lpOutputBuffer, dwReceiveDataLength,
            dwLocalAddressLength, dwRemoteAddressLength, lpdwBytesReceived, lpOverlapped);
}

BOOL WINAPI TransmitFile(SOCKET hSocket, HANDLE hFile, DWORD nNumberOfBytesToWrite,
                         DWORD nNumberOfBytesPerSend, LPOVERLAPPED lpOverlapped,
                         LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers, DWORD dwReserved) {
  SocketCall call(hSocket);
  if (!call) return FailWith(call.error(), FALSE);
  auto fn = reinterpret_cast<LPFN_TRANSMITFILE>(Extension(call, hSocket, WSAID_TRANSMITFILE));
  if (fn == nullptr) return FALSE;
  return fn(hSocket, hFile, nNumberOfBytesToWrite, nNumberOfBytesPerSend, lpOverlapped,
            lpTransmitBuffers, dwReserved);
}

VOID WINAPI GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                                 DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
                                 struct WS_sockaddr **LocalSockaddr, LPINT LocalSockaddrLength,
                                 struct WS_sockaddr **RemoteSockaddr,
                                 LPINT RemoteSockaddrLength) {
  static const GUID kGuid = WSAID_GETACCEPTEXSOCKADDRS;
  auto fn = reinterpret_cast<LPFN_GETACCEPTEXSOCKADDRS>(base_provider::ExtensionFunction(kGuid));
  fn(lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength, dwRemoteAddressLength,
     LocalSockaddr, LocalSockaddrLength, RemoteSockaddr, RemoteSockaddrLength);
}

}  // extern "C"
