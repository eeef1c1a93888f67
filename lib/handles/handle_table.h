// lib/handles/handle_table.h — the process-wide table behind every HANDLE and SOCKET.
//
// What it is for: every emulated kernel object (socket handle, event, thread, completion port,
// window) is named by a value from this table, as on Windows:
//
//   ws2emu::HandleTable &table = ws2emu::HandleTable::Get();
//   uint64_t h = table.CreateSocket(/*catalog_id=*/1001, /*context=*/ctx, /*ifs=*/false);
//   DWORD_PTR c;
//   if (table.QuerySocketContext(h, &c)) { ... }
//   table.Close(h, ObjectType::kSocket);
//
// Handle values. A value is a multiple of 4 (the low two bits are the caller's, and are ignored
// on lookup, as Windows ignores OBJ_HANDLE_TAGBITS), never 0 and never INVALID_SOCKET, and
// below 2^31 so that programs that keep a SOCKET in an int still work. It packs a slot index
// (kIndexBits) and a generation (kGenerationBits): once a handle is closed its value stays
// invalid until its slot has been reused 2^kGenerationBits times, and free slots are reused
// first-in first-out after at least kMinFreeBeforeReuse others were freed, so a stale SOCKET
// gets WSAENOTSOCK rather than another socket's context.
//
// Concurrency and lifetime. Slots live in chunks that are never freed, so reading a slot is
// always safe. Each slot has one 64-bit state word: generation, type, open/closed, and a count
// of pins. Lookup of a socket context is a seqlock read (state, context, state again: no
// write, no lock). Lookup of an object pins the slot with a CAS, takes a reference on the
// object, and unpins; Close marks the slot closed with a CAS, waits for the pins to drain, then
// drops the table's reference and frees the slot. Objects are reference-counted (Object), so an
// object a waiter still holds outlives its handle, as on Windows. Create and Close take a mutex
// for the free list; lookups never do.
#ifndef WS2EMU_LIB_HANDLES_HANDLE_TABLE_H_
#define WS2EMU_LIB_HANDLES_HANDLE_TABLE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>


namespace ws2emu {

enum class ObjectType : uint8_t {
  kNone = 0,
  kSocket = 1,
  kEvent = 2,
  kThread = 3,
  kPort = 4,
  kWindow = 5,
  kSemaphore = 6,
  kMutex = 7,
  kAny = 15,  // lookups only: accept any object type (CloseHandle, waits)
};

// Base of every reference-counted object a handle can name. Release() deletes the object when
// the last reference goes.
class Object {
 public:
  explicit Object(ObjectType type) : type_(type) {}
  Object(const Object &) = delete;
  Object &operator=(const Object &) = delete;
  virtual ~Object() = default;

  ObjectType type() const { return type_; }
  void AddRef() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 private:
  const ObjectType type_;
  std::atomic<int32_t> refs_{1};
};

// An owning reference to an Object (or a subclass).
template <typename T>
class Ref {
 public:
  Ref() = default;
  // Adopts a reference the caller already holds.
  static Ref Adopt(T *p) {
    Ref r;
    r.p_ = p;
    return r;
  }
  // Takes a new reference.
  static Ref Share(T *p) {
    if (p != nullptr) p->AddRef();
    return Adopt(p);
  }
  Ref(const Ref &o) : p_(o.p_) {
    if (p_ != nullptr) p_->AddRef();
  }
  Ref(Ref &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref &operator=(Ref o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Ref() {
    if (p_ != nullptr) p_->Release();
  }
  T *get() const { return p_; }
  T *operator->() const { return p_; }
  T &operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  T *release() { return std::exchange(p_, nullptr); }

 private:
  T *p_ = nullptr;
};

// A completion-port association of a socket handle (CreateIoCompletionPort on a SOCKET).
struct PortAssociation {
  Object *port;  // holds a reference
  uint64_t key;
};

class HandleTable {
 public:
  static constexpr int kIndexBits = 21;       // 2M slots
  static constexpr int kGenerationBits = 8;   // 2 + 21 + 8 = 31 bits
  static constexpr uint32_t kMaxSlots = 1u << kIndexBits;
  static constexpr uint32_t kChunkSlots = 4096;
  static constexpr uint32_t kMinFreeBeforeReuse = 1024;

  static HandleTable &Get();

  HandleTable();
  HandleTable(const HandleTable &) = delete;
  HandleTable &operator=(const HandleTable &) = delete;

  // Creates a socket handle holding `context` for the provider `catalog_id`. Returns 0 when
  // the table is full.
  uint64_t CreateSocket(uint32_t catalog_id, uint64_t context, bool ifs);

  // Creates a handle for `object`, taking over the caller's reference. Returns 0 (and drops
  // the reference) when the table is full.
  uint64_t Insert(Object *object);

  // Socket context, catalog ID and IFS flag of an open socket handle. Lock-free, write-free.
  bool QuerySocketContext(uint64_t handle, uint64_t *context) const;
  bool QuerySocket(uint64_t handle, uint64_t *context, uint32_t *catalog_id, bool *ifs) const;

  // Records `catalog_id` as the owner of an open IFS socket handle (WPUModifyIFSHandle).
  bool SetIfsSocketCatalog(uint64_t handle, uint32_t catalog_id);

  // A new reference to the object named by `handle` if it is open and of type `type` (kAny:
  // any non-socket object). Null otherwise.
  Ref<Object> Lookup(uint64_t handle, ObjectType type) const;
  template <typename T>
  Ref<T> LookupAs(uint64_t handle) const {
    return Ref<T>::Adopt(static_cast<T *>(Lookup(handle, T::kType).release()));
  }

  // The type of the open handle, or kNone.
  ObjectType TypeOf(uint64_t handle) const;

  // Closes `handle` if it is open and of type `type` (kAny: any type). Returns false for an
  // invalid, closed or wrongly typed handle, and changes nothing then.
  bool Close(uint64_t handle, ObjectType type);

  // Associates an open socket handle with a completion port (a new reference is taken) and a
  // key. Fails if the handle is not an open socket or already has a port (Windows allows one).
  bool AssociatePort(uint64_t handle, Object *port, uint64_t key);
  // The port (a new reference) and key associated with an open socket handle, if any.
  Ref<Object> SocketPort(uint64_t handle, uint64_t *key) const;

  // Number of open handles of `type` (kAny: all). For tests and statistics.
  size_t CountOpen(ObjectType type) const;

 private:
  // State word layout: [pins:24 | open:1 | type:4 | gen:8] from bit 0 upwards:
  //   bits 0..7 generation, 8..11 type, 12 open, 13..36 pins.
  static constexpr uint64_t kGenMask = (1u << kGenerationBits) - 1;
  static constexpr int kTypeShift = 8;
  static constexpr uint64_t kTypeMask = 0xfull << kTypeShift;
  static constexpr uint64_t kOpen = 1ull << 12;
  static constexpr int kPinShift = 13;
  static constexpr uint64_t kPinOne = 1ull << kPinShift;
  static constexpr uint64_t kPinMask = 0xffffffull << kPinShift;

  struct Slot {
    std::atomic<uint64_t> state{0};
    std::atomic<uint64_t> value{0};  // socket context, or Object*
    std::atomic<uint32_t> catalog_id{0};
    std::atomic<uint32_t> next_free{0};
    std::atomic<PortAssociation *> port{nullptr};
  };
  static_assert(sizeof(Slot) == 32, "a slot is 32 bytes: bytes_per_handle depends on it");

  struct Decoded {
    uint32_t index;
    uint32_t gen;
  };
  static bool Decode(uint64_t handle, Decoded *d);
  static uint64_t Encode(uint32_t index, uint32_t gen) {
    return (static_cast<uint64_t>(gen) << (kIndexBits + 2)) | (static_cast<uint64_t>(index) << 2);
  }
  static bool Matches(uint64_t state, uint32_t gen, ObjectType type);

  Slot *SlotAt(uint32_t index) const;
  uint32_t AllocateSlot();       // returns 0 when full; caller fills and publishes
  void FreeSlot(uint32_t index);
  uint64_t Publish(uint32_t index, ObjectType type, uint64_t value, uint32_t catalog_id);

  // Pins slot `d` if it is open and matches; returns the slot or null.
  Slot *Pin(const Decoded &d, ObjectType type) const;
  static void Unpin(Slot *slot) { slot->state.fetch_sub(kPinOne, std::memory_order_release); }

  static constexpr uint32_t kChunks = kMaxSlots / kChunkSlots;
  std::atomic<Slot *> chunks_[kChunks] = {};

  mutable std::mutex mu_;
  uint32_t next_unused_ = 1;  // guarded by mu_; slot 0 is never used: no handle is 0
  uint32_t free_head_ = 0;  // guarded by mu_
  uint32_t free_tail_ = 0;  // guarded by mu_
  uint32_t free_count_ = 0;  // guarded by mu_
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_HANDLES_HANDLE_TABLE_H_
