// lib/sockets/socket_record.h — the record behind every SOCKET handle, and the calls that
// create, find, pin and close it.
//
//   uint64_t s = sockets::CreateSocket(/*catalog_id=*/1001, /*context=*/ctx);  // WPUCreateSocketHandle
//   uint64_t c;
//   sockets::QueryContext(s, &c);                          // lock-free, write-free
//   if (sockets::SocketRef r = sockets::GetSocket(s)) {    // pinned for one provider call
//     r->catalog_id(); r->provider(); ...
//   }                                                      // unpinned here
//   sockets::CloseSocket(s, /*ifs=*/false);                // WPUCloseSocketHandle
//
// What a record holds: the catalog entry ID of the provider that owns the socket (and room for
// that provider's pointer, which the Winsock API sets once it routes calls), the context a
// non-IFS provider gave WPUCreateSocketHandle, whether the handle is an IFS handle, and the
// completion port the socket is associated with (a port and a key, set once: Windows allows
// one association per handle).
//
// Pinning. A SocketRef is a reference to the record (ReactOS's WsSockGetSocket /
// WsSockDereference): the Winsock API holds one around each provider call, so a close on
// another thread removes the handle at once (new lookups fail with WSAENOTSOCK) while the
// record, and what it says about the owning provider, stays valid until the last call that
// pinned it returns.
//
// A SOCKET is not a kernel handle. [inference] On Windows an IFS socket handle is a file
// handle (CloseHandle on it works but the provider never sees WSPCloseSocket, and its state
// leaks), and a handle from WPUCreateSocketHandle is not a kernel handle at all. Here neither
// is: the handle table's kAny never names a socket, so CloseHandle fails with
// ERROR_INVALID_HANDLE and closes nothing, the waits fail with ERROR_INVALID_HANDLE, and
// DuplicateHandle fails with ERROR_NOT_SUPPORTED (WSADuplicateSocket is the Winsock way).
// Only closesocket / WPUCloseSocketHandle close a socket, so its provider always hears of it.
#ifndef WS2EMU_LIB_SOCKETS_SOCKET_RECORD_H_
#define WS2EMU_LIB_SOCKETS_SOCKET_RECORD_H_

#include <atomic>
#include <cstdint>

#include "handles/handle_table.h"

namespace ws2emu::providers {
struct StartedProvider;
}  // namespace ws2emu::providers

namespace ws2emu::sockets {

class SocketRecord final : public Object {
 public:
  static constexpr ObjectType kType = ObjectType::kSocket;

  SocketRecord(uint32_t catalog_id, uint64_t context, bool ifs)
      : Object(kType), context_(context), ifs_(ifs), catalog_id_(catalog_id) {}
  ~SocketRecord() override;

  // The context of WPUCreateSocketHandle (0 for an IFS handle, which has none).
  uint64_t context() const { return context_; }
  bool ifs() const { return ifs_; }

  // The catalog entry ID of the owning provider. WPUModifyIFSHandle changes it: a layer that
  // passes base handles through takes them over.
  uint32_t catalog_id() const { return catalog_id_.load(std::memory_order_acquire); }
  void set_catalog_id(uint32_t id) { catalog_id_.store(id, std::memory_order_release); }

  // The owning provider, once the Winsock API has set it (null until then).
  const providers::StartedProvider *provider() const {
    return provider_.load(std::memory_order_acquire);
  }
  void set_provider(const providers::StartedProvider *p) {
    provider_.store(p, std::memory_order_release);
  }

  // Associates the socket with the completion port `port` (an iocp Port; a new reference is
  // taken) and `key`. False, changing nothing, if it already has a port: Windows allows one.
  // Never allocates.
  bool AssociatePort(Object *port, uint64_t key);
  // The associated port (a new reference) and its key; null if none.
  Ref<Object> CompletionPort(uint64_t *key) const;

 private:
  enum PortState : uint8_t { kNoPort, kSettingPort, kPortSet };

  const uint64_t context_;
  const bool ifs_;
  std::atomic<uint8_t> port_state_{kNoPort};
  std::atomic<uint32_t> catalog_id_;
  std::atomic<const providers::StartedProvider *> provider_{nullptr};
  // Written once, by the thread that moved port_state_ to kSettingPort, before kPortSet.
  Object *port_ = nullptr;
  uint64_t port_key_ = 0;
};

// A pinned socket: the record stays valid while this is held, even if the handle is closed.
using SocketRef = Ref<SocketRecord>;

// A new handle for a non-IFS socket of the provider `catalog_id` with `context`
// (WPUCreateSocketHandle); 0 when there is no memory or the table is full.
uint64_t CreateSocket(uint32_t catalog_id, uint64_t context);
// A new IFS socket handle owned by the provider `catalog_id` (a base provider's own handle,
// which WPUModifyIFSHandle accepts); 0 when there is no memory or the table is full.
uint64_t CreateIfsSocket(uint32_t catalog_id);

// The context of a non-IFS socket handle (WPUQuerySocketHandleContext). False for anything
// else, IFS handles included: they have no ws2_32 context and are the provider's own.
// Lock-free and write-free (the handle table's published word).
inline bool QueryContext(uint64_t handle, uint64_t *context) {
  return HandleTable::Get().ReadPublished(handle, ObjectType::kSocket, context);
}

// Pins the socket named by `handle`; null if it is not an open socket handle.
inline SocketRef GetSocket(uint64_t handle) {
  return HandleTable::Get().LookupAs<SocketRecord>(handle);
}

// Records `catalog_id` as the owner of the open IFS socket handle `handle`
// (WPUModifyIFSHandle). False, changing nothing, for any other handle or an ID the catalog
// never assigns (2^31 and above).
bool RegisterIfs(uint64_t handle, uint32_t catalog_id);

// Closes `handle` if it is an open socket handle whose IFS-ness is `ifs` (WPUCloseSocketHandle
// closes only non-IFS ones). False, changing nothing, otherwise. Calls that pinned the socket
// keep its record until they return.
bool CloseSocket(uint64_t handle, bool ifs);

}  // namespace ws2emu::sockets

#endif  // WS2EMU_LIB_SOCKETS_SOCKET_RECORD_H_
