// lib/sockets/socket_record.h — the record behind every SOCKET handle, and the calls that
// create, find, pin and close it.
//
//   uint64_t s = sockets::CreateSocket(/*catalog_id=*/1001, ctx);  // WPUCreateSocketHandle
//   uint64_t c;
//   sockets::QueryContext(s, &c);                         // lock-free, write-free
//   if (sockets::SocketRef r = sockets::GetSocket(s)) {   // pinned for one provider call
//     r->catalog_id(); r->context(); r->ifs(); ...
//   }                                                     // unpinned here
//   sockets::CloseSocket(s, /*ifs=*/false);               // WPUCloseSocketHandle
//
// What a record holds: the catalog entry ID of the provider that owns the socket, the context a
// non-IFS provider gave WPUCreateSocketHandle, whether the handle is an IFS handle, and the
// completion port the socket is associated with (a port and a key, set once: Windows allows
// one association per handle).
//
// The owning provider. A record keeps its catalog entry ID only, not a StartedProvider
// pointer: the Winsock API (issue 12) finds the started provider from the ID (the catalog
// entry names its provider's GUID, and there is one started provider per GUID), so a record
// needs no room for a pointer. [inference] Caching the pointer per socket would add 8 bytes to
// every SocketEntry (bytes_per_handle 24 -> 32 for sockets without a port): possible, but
// only if the lookup by ID shows in a benchmark.
//
// Where it lives. A million sockets must cost about 32 bytes each (ws2emu-bench's
// bytes_per_handle), so a socket is no heap object. A record is spread over:
//   - its handle table slot (an InsertEntry slot: 16 bytes, hot): the handle, its generation,
//     the pins, and the context as the slot's published word, which QueryContext reads;
//   - a SocketEntry (8 bytes) in this component's own array, parallel to the table and indexed
//     by the slot index: the catalog ID, the IFS flag and the port state;
//   - for a socket associated with a completion port only, a PortLink (16 bytes) in a second
//     parallel array, whose pages are touched only by sockets that have a port;
//   - for an IFS socket created with a file object only, the object's address (8 bytes) in a
//     third parallel array (see "IFS handles and their file object").
// Both arrays are mapped zeroed in chunks on demand (handles/handle_table.h, MapZeroedChunk),
// so pages no socket used cost nothing, and associating a port allocates no heap memory.
// The table's close hook resets a socket's entry and port link (releasing the port) once the
// handle is closed and the last pin is gone, before the slot is reused.
//
// Pinning. A SocketRef pins the handle's slot (ReactOS's WsSockGetSocket / WsSockDereference):
// the Winsock API holds one around each provider call, so a close on another thread, or on
// this one, removes the handle at once (new lookups fail with WSAENOTSOCK) while the record,
// and what it says about the owning provider, stays valid until the last call that pinned it
// returns. A close never waits for the pins.
//
// IFS handles and their file object. On Windows an IFS socket handle is a file handle, and the
// base provider (AFD) finds its socket through the handle's file object. Here a base provider
// creates the handle with CreateIfsSocket(catalog_id, file): the record holds a reference to
// `file` (an Object of type kSocketFile) from then on, SocketRecord::file() gives it to whoever
// pinned the socket (no reference taken: the pin keeps it), and the reference is dropped by the
// close hook, once the handle is closed and no call has it pinned. So a provider call that
// pinned the socket can use the file object even while another thread closes the socket.
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
#include <utility>

#include "handles/handle_table.h"

namespace ws2emu::sockets {

// A socket's entry in the array parallel to the handle table. All zeros: no socket.
struct SocketEntry {
  std::atomic<uint32_t> catalog_id;
  std::atomic<uint32_t> flags;  // SocketRecord::kIfs, kSettingPort, kPortSet
};
static_assert(sizeof(SocketEntry) == 8, "bytes_per_handle depends on the size of an entry");

// A pinned socket's record, as SocketRef gives it: valid while the SocketRef is held.
class SocketRecord {
 public:
  static constexpr uint32_t kIfs = 1;
  static constexpr uint32_t kSettingPort = 2;
  static constexpr uint32_t kPortSet = 4;
  static constexpr uint32_t kHasFile = 8;  // an IFS handle with a file object
  // SetFileCompletionNotificationModes: FILE_SKIP_COMPLETION_PORT_ON_SUCCESS (1) and
  // FILE_SKIP_SET_EVENT_ON_HANDLE (2), kept shifted into these bits.
  static constexpr uint32_t kSkipPortOnSuccess = 16;
  static constexpr uint32_t kSkipSetEventOnHandle = 32;

  SocketRecord(uint32_t index, uint64_t context, SocketEntry *entry)
      : index_(index), context_(context), entry_(entry) {}

  // The context of WPUCreateSocketHandle (0 for an IFS handle, which has none).
  uint64_t context() const { return context_; }
  bool ifs() const { return (entry_->flags.load(std::memory_order_relaxed) & kIfs) != 0; }

  // The catalog entry ID of the owning provider (see "The owning provider"). WPUModifyIFSHandle
  // changes it: a layer that passes base handles through takes them over.
  uint32_t catalog_id() const { return entry_->catalog_id.load(std::memory_order_acquire); }
  void set_catalog_id(uint32_t id) const {
    entry_->catalog_id.store(id, std::memory_order_release);
  }

  // SetFileCompletionNotificationModes's flags (kSkipPortOnSuccess, kSkipSetEventOnHandle):
  // added, never cleared, as on Windows (a mode once set stays for the handle's life).
  void AddCompletionModes(uint32_t modes) const {
    entry_->flags.fetch_or(modes & (kSkipPortOnSuccess | kSkipSetEventOnHandle),
                           std::memory_order_relaxed);
  }
  bool skip_port_on_success() const {
    return (entry_->flags.load(std::memory_order_relaxed) & kSkipPortOnSuccess) != 0;
  }

  enum class Association { kAssociated, kAlreadyAssociated, kNoMemory };
  // Associates the socket with the completion port `port` (an iocp Port; a new reference is
  // taken) and `key`. kAlreadyAssociated, changing nothing, if it already has a port: Windows
  // allows one. kNoMemory, changing nothing, if the port links' chunk cannot be mapped.
  // Never allocates heap memory.
  Association AssociatePort(Object *port, uint64_t key) const;
  // The associated port (a new reference) and its key; null if none.
  Ref<Object> CompletionPort(uint64_t *key) const;
  // Whether it has one (as CompletionPort would say), without taking a reference.
  bool has_completion_port() const {
    return (entry_->flags.load(std::memory_order_acquire) & kPortSet) != 0;
  }

  // The file object of an IFS handle created with one (see "IFS handles and their file
  // object"), valid while the socket is pinned; null for any other socket.
  Object *file() const;

  uint32_t index() const { return index_; }

 private:
  uint32_t index_;
  uint64_t context_;
  SocketEntry *entry_;
};

// A pinned socket: the record stays valid while this is held, even if the handle is closed.
// Move-only; null when the lookup failed.
class SocketRef {
 public:
  SocketRef() = default;
  SocketRef(uint32_t index, uint64_t context, SocketEntry *entry)
      : record_(index, context, entry), pinned_(true) {}
  SocketRef(SocketRef &&o) noexcept
      : record_(o.record_), pinned_(std::exchange(o.pinned_, false)) {}
  SocketRef &operator=(SocketRef &&o) noexcept {
    if (this != &o) {
      Reset();
      record_ = o.record_;
      pinned_ = std::exchange(o.pinned_, false);
    }
    return *this;
  }
  SocketRef(const SocketRef &) = delete;
  SocketRef &operator=(const SocketRef &) = delete;
  ~SocketRef() { Reset(); }

  explicit operator bool() const { return pinned_; }
  const SocketRecord *operator->() const { return &record_; }
  const SocketRecord &operator*() const { return record_; }

  // Unpins now (may finish a close that happened meanwhile).
  void Reset() {
    if (std::exchange(pinned_, false)) HandleTable::Get().UnpinEntry(record_.index());
  }

 private:
  SocketRecord record_{0, 0, nullptr};
  bool pinned_ = false;
};

// A new handle for a non-IFS socket of the provider `catalog_id` with `context`
// (WPUCreateSocketHandle); 0 when there is no memory or the table is full.
uint64_t CreateSocket(uint32_t catalog_id, uint64_t context);
// A new IFS socket handle owned by the provider `catalog_id` (a base provider's own handle,
// which WPUModifyIFSHandle accepts); 0 when there is no memory or the table is full. With a
// `file` (an Object of type kSocketFile), the record takes a reference to it (see "IFS handles
// and their file object"); on failure it takes none.
uint64_t CreateIfsSocket(uint32_t catalog_id, Object *file = nullptr);

// The context of a non-IFS socket handle (WPUQuerySocketHandleContext). False for anything
// else, IFS handles included: they have no ws2_32 context and are the provider's own.
// Lock-free and write-free (the handle table's published word).
inline bool QueryContext(uint64_t handle, uint64_t *context) {
  return HandleTable::Get().ReadPublished(handle, ObjectType::kSocket, context);
}

// Pins the socket named by `handle`; null if it is not an open socket handle.
SocketRef GetSocket(uint64_t handle);

// Records `catalog_id` as the owner of the open IFS socket handle `handle`
// (WPUModifyIFSHandle). False, changing nothing, for any other handle or an ID the catalog
// never assigns (2^31 and above).
bool RegisterIfs(uint64_t handle, uint32_t catalog_id);

// Closes `handle` if it is an open socket handle whose IFS-ness is `ifs` (WPUCloseSocketHandle
// closes only non-IFS ones). False, changing nothing, otherwise. Calls that pinned the socket
// keep its record until they return; the close does not wait for them.
bool CloseSocket(uint64_t handle, bool ifs);

}  // namespace ws2emu::sockets

#endif  // WS2EMU_LIB_SOCKETS_SOCKET_RECORD_H_
