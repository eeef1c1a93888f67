// select, __WSAFDIsSet and WSAPoll.
//
// select goes to the provider of the first socket in the sets (read, then write, then except),
// as ws2_32 does: Windows requires every socket of one select to belong to one provider, and the
// provider reports a socket that is not its own (WSAENOTSOCK). All three sets null or empty is
// WSAEINVAL, as on Windows.
//
// WSAPoll is built on the same provider's WSPSelect, so that a layered provider sees it the way
// it sees select. [inference] Windows 10 reaches the base provider through an ioctl of its own
// there; a WSPSelect gives an LSP the same view and needs nothing the SPI lacks. The mapping:
// POLLRDNORM/POLLRDBAND asked -> the read set, POLLWRNORM -> the write set, every socket in the
// except set (a failed connect shows there). Read-ready becomes POLLRDNORM (or POLLRDBAND if
// that was all that was asked); a stream socket that is read-ready and whose peer has closed (a
// one-byte MSG_PEEK returns 0) becomes POLLHUP, as Windows reports a graceful close; write-ready
// becomes POLLWRNORM; except becomes POLLERR. A socket that is not open is POLLNVAL and counts,
// and then the call does not wait; an entry whose fd is negative (INVALID_SOCKET) is ignored.
// Events other than POLLRDNORM, POLLRDBAND and POLLWRNORM are WSAEINVAL: the documentation says
// the Microsoft provider does not support POLLPRI and POLLWRBAND.
#include <cstdlib>
#include <memory>
#include <new>

#include "winsock/call.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::winsock {
namespace {

// An fd_set with room for `n` sockets (the layout of WS_fd_set: a count, then the array).
class DynamicFdSet {
 public:
  bool Init(size_t n) {
    const size_t bytes = offsetof(WS_fd_set, fd_array) + (n == 0 ? 1 : n) * sizeof(SOCKET);
    mem_.reset(static_cast<WS_fd_set *>(std::calloc(1, bytes)));
    return mem_ != nullptr;
  }
  WS_fd_set *get() { return mem_.get(); }
  void Add(SOCKET s) { mem_->fd_array[mem_->fd_count++] = s; }
  bool Has(SOCKET s) const {
    for (WS_u_int i = 0; i < mem_->fd_count; ++i) {
      if (mem_->fd_array[i] == s) return true;
    }
    return false;
  }

 private:
  struct Free {
    void operator()(WS_fd_set *p) const { std::free(p); }
  };
  std::unique_ptr<WS_fd_set, Free> mem_;
};

SOCKET FirstSocket(const WS_fd_set *r, const WS_fd_set *w, const WS_fd_set *e) {
  for (const WS_fd_set *set : {r, w, e}) {
    if (set != nullptr && set->fd_count > 0) return set->fd_array[0];
  }
  return INVALID_SOCKET;
}

constexpr SHORT kSupported = WS_POLLRDNORM | WS_POLLRDBAND | WS_POLLWRNORM;

bool Negative(SOCKET s) { return static_cast<int64_t>(s) < 0; }

}  // namespace
}  // namespace ws2emu::winsock

using namespace ws2emu;           // NOLINT
using namespace ws2emu::winsock;  // NOLINT

extern "C" {

int WSAAPI ws2emu_select(int nfds, WS_fd_set *readfds, WS_fd_set *writefds,
                         WS_fd_set *exceptfds, const struct WS_timeval *timeout) {
  const SOCKET first = FirstSocket(readfds, writefds, exceptfds);
  if (first == INVALID_SOCKET) {
    ApiCall api;
    if (!api) return api.Fail();
    return FailWith(WSAEINVAL, SOCKET_ERROR);
  }
  SocketCall call(first);
  if (!call) return call.Fail();
  int error = 0;
  return Finish(call.procs().lpWSPSelect(nfds, readfds, writefds, exceptfds, timeout, &error),
                error);
}

int WSAAPI __WSAFDIsSet(SOCKET fd, WS_fd_set *set) {
  if (set == nullptr) return 0;
  for (WS_u_int i = 0; i < set->fd_count; ++i) {
    if (set->fd_array[i] == fd) return 1;
  }
  return 0;
}

int WSAAPI WSAPoll(LPWSAPOLLFD fdArray, WS_u_long fds, INT timeout) {
  ApiCall api;
  if (!api) return api.Fail();
  if (fdArray == nullptr && fds > 0) return FailWith(WSAEFAULT, SOCKET_ERROR);
  SOCKET first = INVALID_SOCKET;
  int invalid = 0, considered = 0;
  for (WS_u_long i = 0; i < fds; ++i) {
    WSAPOLLFD &p = fdArray[i];
    p.revents = 0;
    if (Negative(p.fd)) continue;
    ++considered;
    if ((p.events & ~kSupported) != 0) return FailWith(WSAEINVAL, SOCKET_ERROR);
    sockets::SocketRef ref = sockets::GetSocket(p.fd);
    if (!ref) {
      p.revents = WS_POLLNVAL;
      ++invalid;
      continue;
    }
    if (first == INVALID_SOCKET) first = p.fd;
  }
  if (considered == 0) return FailWith(WSAEINVAL, SOCKET_ERROR);
  if (first == INVALID_SOCKET) return invalid;  // every socket named is closed
  SocketCall call(first);
  if (!call) return call.Fail();
  DynamicFdSet r, w, e;
  if (!r.Init(fds) || !w.Init(fds) || !e.Init(fds)) return FailWith(WSAENOBUFS, SOCKET_ERROR);
  for (WS_u_long i = 0; i < fds; ++i) {
    const WSAPOLLFD &p = fdArray[i];
    if (Negative(p.fd) || p.revents != 0) continue;
    if (p.events & (WS_POLLRDNORM | WS_POLLRDBAND)) r.Add(p.fd);
    if (p.events & WS_POLLWRNORM) w.Add(p.fd);
    e.Add(p.fd);
  }
  WS_timeval tv{}, zero{};
  const WS_timeval *wait = nullptr;
  if (invalid > 0) {
    wait = &zero;  // POLLNVAL is an answer already: do not wait
  } else if (timeout >= 0) {
    tv.tv_sec = timeout / 1000;
    tv.tv_usec = (timeout % 1000) * 1000;
    wait = &tv;
  }
  int error = 0;
  if (call.procs().lpWSPSelect(0, r.get(), w.get(), e.get(), wait, &error) == SOCKET_ERROR) {
    return FailWith(error, SOCKET_ERROR);
  }
  int ready = invalid;
  for (WS_u_long i = 0; i < fds; ++i) {
    WSAPOLLFD &p = fdArray[i];
    if (Negative(p.fd) || p.revents != 0) continue;
    SHORT revents = 0;
    if (r.Has(p.fd)) {
      revents |= (p.events & WS_POLLRDNORM) ? WS_POLLRDNORM : WS_POLLRDBAND;
      // A graceful close: a stream whose peek finds the end of the data.
      int type = 0, len = sizeof(type);
      int ignored = 0;
      if (call.procs().lpWSPGetSockOpt(p.fd, WS_SOL_SOCKET, WS_SO_TYPE,
                                       reinterpret_cast<char *>(&type), &len, &ignored) == 0 &&
          type == WS_SOCK_STREAM) {
        char byte;
        WSABUF b{1, &byte};
        DWORD got = 0, flags = WS_MSG_PEEK;
        int listening = 0;
        len = sizeof(listening);
        const bool accepting =
            call.procs().lpWSPGetSockOpt(p.fd, WS_SOL_SOCKET, WS_SO_ACCEPTCONN,
                                         reinterpret_cast<char *>(&listening), &len,
                                         &ignored) == 0 &&
            listening != 0;
        WSATHREADID no_thread{};  // a synchronous call: never used
        if (!accepting && call.procs().lpWSPRecv(p.fd, &b, 1, &got, &flags, nullptr, nullptr,
                                                 &no_thread, &ignored) == 0 &&
            got == 0) {
          revents = WS_POLLHUP;
        }
      }
    }
    if (w.Has(p.fd)) revents |= WS_POLLWRNORM;
    if (e.Has(p.fd)) revents |= WS_POLLERR;
    p.revents = revents;
    if (revents != 0) ++ready;
  }
  return ready;
}

}  // extern "C"
