// ws2emu-run --exchange: carries bytes through a started provider over loopback, the way a
// program's socket calls would reach it (WSPSocket with the entry's WSAPROTOCOL_INFOW, then
// the proc table), so a provider chain can be checked end to end: a layer, the layers below it,
// down to the base provider and Linux.
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "run/run.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::emu {
namespace {

// The WSP call the exchange is in, for the watchdog's message.
std::atomic<const char *> g_in_call{"WSPSocket"};

// Ends the process when the exchange has not finished in `seconds`: a provider call that never
// returns (a layer that redirects the connection to a proxy that is not there, a recv nothing
// answers) cannot be interrupted from outside, so the bounded wait is the process's. The
// message goes straight to fd 2 (the stuck thread may hold stdio's locks).
class Watchdog {
 public:
  explicit Watchdog(unsigned seconds) : seconds_(seconds) {
    if (seconds_ != 0) thread_ = std::thread([this] { Watch(); });
  }
  ~Watchdog() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Watch() {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, std::chrono::seconds(seconds_), [this] { return done_; })) return;
    char message[512];
    const int n = std::snprintf(
        message, sizeof(message),
        "ws2emu-run: --exchange timed out: %s did not return within %u s (a layer may be "
        "waiting for a peer that is not there, such as a proxy it redirects to); --timeout "
        "SECONDS waits longer, --timeout 0 without limit\n",
        g_in_call.load(), seconds_);
    if (n > 0) {
      ssize_t ignored = write(2, message, static_cast<size_t>(n) < sizeof(message) ? n : sizeof(message) - 1);
      (void)ignored;
    }
    _exit(1);
  }

  const unsigned seconds_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

uint16_t SwapBytes(uint16_t v) { return static_cast<uint16_t>((v >> 8) | (v << 8)); }

// A loopback address of `family`, port 0, in Windows layout.
int Loopback(int family, SOCKADDR_IN6 *address) {
  std::memset(address, 0, sizeof(*address));
  if (family == AF_INET) {
    auto *in = reinterpret_cast<SOCKADDR_IN *>(address);
    in->sin_family = AF_INET;
    in->sin_addr.S_un.S_un_b.s_b1 = 127;
    in->sin_addr.S_un.S_un_b.s_b4 = 1;
    return sizeof(SOCKADDR_IN);
  }
  address->sin6_family = AF_INET6;
  address->sin6_addr.u.Byte[15] = 1;
  return sizeof(SOCKADDR_IN6);
}

class Exchange {
 public:
  Exchange(const WSPPROC_TABLE &procs, const WSAPROTOCOL_INFOW &info)
      : procs_(procs), info_(info) {}
  ~Exchange() {
    for (SOCKET s : {a_, b_, c_}) {
      int error;
      if (s != INVALID_SOCKET) procs_.lpWSPCloseSocket(s, &error);
    }
  }

  int Run() {
    const bool stream = info_.iSocketType == SOCK_STREAM;
    const int family = info_.iAddressFamily;
    if ((family != AF_INET && family != AF_INET6) ||
        (info_.iSocketType != SOCK_STREAM && info_.iSocketType != SOCK_DGRAM)) {
      return Fail("--exchange carries TCP or UDP over IPv4 or IPv6; this entry is another protocol",
                  WSAEAFNOSUPPORT);
    }
    SOCKADDR_IN6 address;
    int length = Loopback(family, &address);
    if (!Open(&a_) || !Open(&b_)) return failure_;
    g_in_call = "WSPBind";
    if (!Check(procs_.lpWSPBind(a_, reinterpret_cast<SOCKADDR *>(&address), length, &error_),
               "WSPBind")) {
      return failure_;
    }
    int size = sizeof(address);
    g_in_call = "WSPGetSockName";
    if (!Check(procs_.lpWSPGetSockName(a_, reinterpret_cast<SOCKADDR *>(&address), &size, &error_),
               "WSPGetSockName")) {
      return failure_;
    }
    std::printf("exchange   %s over loopback, port %u\n", stream ? "TCP" : "UDP",
                SwapBytes(address.sin6_port));
    std::fflush(stdout);  // before any failure on stderr
    static const char kMessage[] = "hello through the chain";
    char reply[sizeof(kMessage)] = {};
    SOCKET sender = b_, receiver = a_;
    WSABUF out = {sizeof(kMessage), const_cast<char *>(kMessage)};
    DWORD sent = 0;
    if (stream) {
      // Connect, send, then accept: the listener's backlog completes the connection without
      // WSPAccept, and a layer that redirects to a proxy may only speak to it on the first send
      // (SpeedForce's SOCKS handshake is in its WSPSend), after which the proxy connects here.
      // The send is WSPSend, what send() on a connected socket reaches.
      g_in_call = "WSPListen";
      if (!Check(procs_.lpWSPListen(a_, 1, &error_), "WSPListen")) return failure_;
      g_in_call = "WSPConnect";
      if (!Check(procs_.lpWSPConnect(b_, reinterpret_cast<SOCKADDR *>(&address), size, nullptr,
                                     nullptr, nullptr, nullptr, &error_),
                 "WSPConnect")) {
        return failure_;
      }
      g_in_call = "WSPSend";
      if (!Check(procs_.lpWSPSend(sender, &out, 1, &sent, 0, nullptr, nullptr, nullptr, &error_),
                 "WSPSend")) {
        return failure_;
      }
      g_in_call = "WSPAccept";
      c_ = procs_.lpWSPAccept(a_, nullptr, nullptr, nullptr, 0, &error_);
      if (c_ == INVALID_SOCKET) return Fail("WSPAccept failed", error_);
      receiver = c_;
    } else {
      g_in_call = "WSPSendTo";
      if (!Check(procs_.lpWSPSendTo(sender, &out, 1, &sent, 0,
                                    reinterpret_cast<SOCKADDR *>(&address), size, nullptr,
                                    nullptr, nullptr, &error_),
                 "WSPSendTo")) {
        return failure_;
      }
    }
    DWORD received = 0, total = 0;
    while (total < sizeof(kMessage)) {
      WSABUF in = {static_cast<ULONG>(sizeof(reply) - total), reply + total};
      DWORD flags = 0;
      g_in_call = "WSPRecv";
      if (!Check(procs_.lpWSPRecv(receiver, &in, 1, &received, &flags, nullptr, nullptr, nullptr,
                                  &error_),
                 "WSPRecv")) {
        return failure_;
      }
      if (received == 0) return Fail("the connection closed before the message arrived", 0);
      total += received;
      if (!stream) break;
    }
    if (sent != sizeof(kMessage) || total != sizeof(kMessage) ||
        std::memcmp(reply, kMessage, sizeof(kMessage)) != 0) {
      return Fail("the bytes received differ from the bytes sent", 0);
    }
    std::printf("exchange   sent %lu bytes, received the same %lu bytes\n",
                static_cast<unsigned long>(sent), static_cast<unsigned long>(total));
    return 0;
  }

 private:
  bool Open(SOCKET *s) {
    g_in_call = "WSPSocket";
    WSAPROTOCOL_INFOW info = info_;
    *s = procs_.lpWSPSocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
                            WSA_FLAG_OVERLAPPED, &error_);
    if (*s == INVALID_SOCKET) failure_ = Fail("WSPSocket failed", error_);
    return *s != INVALID_SOCKET;
  }
  bool Check(int result, const char *what) {
    if (result == 0) return true;
    failure_ = Fail(std::string(what) + " failed", error_);
    return false;
  }

  const WSPPROC_TABLE &procs_;
  WSAPROTOCOL_INFOW info_;
  SOCKET a_ = INVALID_SOCKET, b_ = INVALID_SOCKET, c_ = INVALID_SOCKET;
  int error_ = 0;
  int failure_ = 1;
};

}  // namespace

int RunExchange(const WSPPROC_TABLE &procs, const WSAPROTOCOL_INFOW &info,
                unsigned timeout_seconds) {
  Watchdog watchdog(timeout_seconds);
  Exchange exchange(procs, info);
  const int result = exchange.Run();
  g_in_call = "WSPCloseSocket";
  std::fflush(stdout);
  return result;
}

}  // namespace ws2emu::emu
