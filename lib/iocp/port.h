// lib/iocp/port.h — an I/O completion port (CreateIoCompletionPort and friends) as an
// in-process queue.
//
//   Ref<Port> port = Port::Create(/*concurrency=*/0);
//   port->Post({bytes, key, overlapped, status});
//   Port::Packet p[64];
//   uint32_t n;
//   PortWait r = port->Get(p, 64, &n, timeout_ms, /*alertable=*/true);
//
// Ordering, as on Windows: packets leave in FIFO order; blocked waiters are released LIFO (the
// thread that waited last runs next, its cache is warm); a packet is handed straight to a
// waiter only while fewer than `concurrency` threads are running on the port (a thread counts
// as running from the moment Get gives it packets until it calls Get again). Closing the port's
// handle (Shutdown) wakes every waiter with kClosed; the queue is kept for nobody.
//
// Each waiting thread blocks on its own auto-reset event (Thread::PortEvent), so releasing one
// waiter wakes exactly that thread, and an alertable Get wakes for APCs like any other wait.
#ifndef WS2EMU_LIB_IOCP_PORT_H_
#define WS2EMU_LIB_IOCP_PORT_H_

#include <cstdint>
#include <mutex>
#include <deque>
#include <vector>

#include "handles/handle_table.h"

namespace ws2emu {

class Thread;

enum class PortWait { kOk, kTimeout, kIoCompletion, kClosed, kNoResources };

class Port final : public Object {
 public:
  static constexpr ObjectType kType = ObjectType::kPort;
  struct Packet {
    uint32_t bytes;
    uint64_t key;
    void *overlapped;
    uint64_t status;  // 0 or the Win32/WSA error of the completed I/O
  };

  // concurrency 0 means the number of processors.
  static Ref<Port> Create(uint32_t concurrency);

  // False once the port is shut down.
  bool Post(const Packet &packet);
  // Takes 1..max packets. kOk with *count >= 1, or why not.
  PortWait Get(Packet *out, uint32_t max, uint32_t *count, uint32_t timeout_ms, bool alertable);
  void Shutdown();

  uint32_t concurrency() const { return concurrency_; }
  size_t queued();

 private:
  struct Waiter {
    Thread *thread;
    std::vector<Packet> handed;  // packets given to this waiter by Post
    bool released = false;
  };
  explicit Port(uint32_t concurrency);
  void TakeQueued(Packet *out, uint32_t max, uint32_t *count);  // requires mu_

  const uint32_t concurrency_;
  std::mutex mu_;
  std::deque<Packet> queue_;  // guarded by mu_
  std::vector<Waiter *> waiters_;  // guarded by mu_; back = most recent
  uint32_t running_ = 0;  // guarded by mu_
  bool closed_ = false;  // guarded by mu_
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_IOCP_PORT_H_
