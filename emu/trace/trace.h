// emu/trace/trace.h — ws2emu-run --trace: one line per call, at every layer of Winsock.
//
//   api     a Winsock call a program (or a provider) makes into WS2_32.dll: the built-in
//           module's exports are handed out as tracing wrappers (api.cc)
//   spi     a WSP call into a provider, whoever makes it (ws2_32 into the top layer, a layer into
//           the one below): every "WSPStartup" lookup (lib/modules FindExport) hands out a
//           tracing WSPStartup, which replaces the 30 entries of the table it fills with
//           wrappers bound to that layer (spi.cc)
//   upcall  a WPU call a provider makes (the upcall table, WPUCompleteOverlappedRequest)
//
// The line format (documented in README.md, ws2emu-run):
//
//   [t1] spi MSWSOCK.dll "MSAFD Tcpip [TCP/IP]"#1001 WSPSend(s=0x1c, 1 buf 5 B, flags=0, ovl=NULL) = 0 sent=5 (12 us)
//   [t1] api connect(s=0x1c, 127.0.0.1:5000) = -1 WSAEWOULDBLOCK (3 us)
//   [t2] upcall WPUQueueApc(thread=0x..., routine=0x..., dwContext=0x0) = 0 (1 us)
//
// [tN] is the thread (numbered in the order threads first trace), the tag the layer; an spi
// line names the layer: the provider's file, and the protocol name and catalog ID its
// WSPStartup was given (an LSP passes its chain's own down, so the file tells layers apart); then the
// call with its arguments decoded, " = RESULT", what the call wrote back, the WSA error when it
// failed (for spi from *lpErrno, for api from WSAGetLastError) and the time the call took. Each
// line is escaped for the terminal (base/escape.h) and written with one write(2), so lines of
// different threads never mix.
//
// Nothing here costs anything while tracing is off: the wrappers are handed out only by lookups
// made after Start, and the real functions otherwise.
#ifndef WS2EMU_EMU_TRACE_TRACE_H_
#define WS2EMU_EMU_TRACE_TRACE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "ws2emu/ws2spi.h"

namespace ws2emu::emu::trace {

enum Category : unsigned { kApi = 1, kSpi = 2, kUpcall = 4, kAll = 7 };

// "api,spi,upcall" (any comma list, in any order) -> a mask. On an unknown or empty word, false
// with the word in *bad.
bool ParseCategories(std::string_view list, unsigned *mask, std::string *bad);

// Lines go to `path` instead of stderr: created or truncated (O_CREAT|O_TRUNC, mode 0644), never
// through a symbolic link (O_NOFOLLOW). False with a message ("PATH: reason") when it cannot be
// opened.
bool OpenFile(const std::string &path, std::string *error);

// Starts tracing `mask`: installs the export filters (api, spi). Before anything is loaded.
void Start(unsigned mask);
bool On(Category category);

// Writes "[tN] TAG BODY\n", escaped, in one write.
void Emit(const char *tag, const std::string &body);

// Times a call.
class Clock {
 public:
  Clock() : start_(std::chrono::steady_clock::now()) {}
  // " (N us)"
  std::string Elapsed() const;

 private:
  std::chrono::steady_clock::time_point start_;
};

// The decoders the lines share.
std::string Hex(uint64_t value);                       // "0x1c"
std::string Ptr(const void *p);                        // "NULL" or "0x7f..."
std::string Sock(SOCKET s);                            // "0x1c", "INVALID_SOCKET"
std::string Addr(const struct WS_sockaddr *a, long len);  // "127.0.0.1:5000", "[::1]:80", "NULL"
std::string AddrOut(const struct WS_sockaddr *a, const int *len);  // the same through a length pointer
std::string MsgFlags(DWORD flags);                     // "0", "MSG_PEEK|MSG_OOB"
std::string SocketFlags(DWORD flags);                  // "WSA_FLAG_OVERLAPPED|..."
std::string Events(long events);                       // "FD_READ|FD_CLOSE"
std::string IoctlCode(DWORD code);                     // "FIONBIO", "SIO_GET_EXTENSION_FUNCTION_POINTER"
std::string Level(int level);                          // "SOL_SOCKET"
std::string OptName(int level, int name);              // "SO_RCVBUF"
std::string Family(int af);                            // "AF_INET"
std::string Type(int type);                            // "SOCK_STREAM"
std::string Protocol(int protocol);                    // "IPPROTO_TCP"
std::string Bufs(const WSABUF *bufs, DWORD count);     // "1 buf 5 B", "3 bufs 1200 B"
std::string Ovl(const WSAOVERLAPPED *o);               // "NULL" or the pointer
std::string Err(int code);                             // "WSAEWOULDBLOCK"
std::string Wide(const WCHAR *text);                   // "\"text\"" or "NULL"
std::string Guid(const GUID *guid);                    // "{...}" or "NULL"
std::string OptVal(const char *value, long len);       // "4 B =65536" for an int, else "N B"

}  // namespace ws2emu::emu::trace

#endif  // WS2EMU_EMU_TRACE_TRACE_H_
