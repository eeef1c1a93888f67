// lib/handles/handle_table.h — the process-wide table behind every HANDLE and SOCKET.
//
// What it is for: every emulated kernel object (event, thread, completion port, window) and
// every socket is named by a value from this table, as on Windows. The table is generic: it
// knows a slot's type and an object's reference count, nothing of what a socket or a port is.
//
//   ws2emu::HandleTable &table = ws2emu::HandleTable::Get();
//   uint64_t h = table.Insert(event.release());          // takes over the reference
//   Ref<Event> e = table.LookupAs<Event>(h);             // a new reference, or null
//   table.WithPinned<Event>(h, [](Event &e) { e.Set(); });
//   table.Close(h, ObjectType::kEvent);
//
// Handle values. A value is a multiple of 4 (the low two bits are the caller's, and are ignored
// on lookup, as Windows ignores OBJ_HANDLE_TAGBITS), never 0 and never INVALID_SOCKET, and
// below 2^31 so that programs that keep a SOCKET in an int still work. It packs a slot index
// (kIndexBits) and a generation (kGenerationBits): once a handle is closed its value stays
// invalid until its slot has been reused 2^kGenerationBits times, and free slots are reused
// first-in first-out after at least kMinFreeBeforeReuse others were freed (sooner only when
// the table is full or has no memory for more slots), so a stale SOCKET gets WSAENOTSOCK
// rather than another socket's context.
//
// kAny. ObjectType::kAny names every kernel object type and never a socket, for Lookup and
// Close alike: a SOCKET is not a kernel handle here (sockets/socket_record.h says why), so
// CloseHandle, DuplicateHandle and the waits, which ask for kAny, never find one.
//
// Published words. An object may publish one 64-bit word with its handle (Insert's
// `published`), which ReadPublished returns without pinning the slot or touching the object:
// no write, no lock, no reference-count traffic. Sockets publish the context of
// WPUCreateSocketHandle there, because WPUQuerySocketHandleContext runs on every call a
// non-IFS provider handles (ws2emu-bench's query_context); any type may use it for a value
// that does not change while its handle is open.
//
// Entries without an object. A type whose handles are many and small (sockets: a million of
// them must cost about 32 bytes each, ws2emu-bench's bytes_per_handle) need not allocate an
// Object per handle: InsertEntry opens a slot of any type with only a published word, and the
// component keeps the rest of its per-handle data in its OWN arrays, parallel to this table
// and indexed by the slot index, which InsertEntry's `prepare`, PinEntry and the close hook
// give it. Such a slot never writes the table's cold part. PinEntry / UnpinEntry pin it by
// handle; the type's close hook (SetCloseHook) runs once the slot is closed and no pin is
// left, before the slot is freed, so that the component resets its data for the next handle.
//
// Concurrency and lifetime. Each slot has one 64-bit state word: generation, type,
// open/closed, whether a word is published, whether it names an Object, and a count of pins.
// A slot is split in two parallel arrays: a 16-byte hot part (state word, and the published
// word or, while the slot is free, the free-list link: all ReadPublished reads, four slots to a
// cache line) and an 8-byte cold part (the Object pointer, never written for an entry), so that
// a million sockets cost the table 16 MB. ReadPublished is a seqlock read (state, word, state
// again). Lookup of an object pins the slot with a CAS, takes a reference on the object, and
// unpins; an operation that completes on its own (WithPinned: Set, Reset, Post) runs with the
// slot pinned and takes no reference.
//
// Memory. Each array is one range of virtual memory, reserved whole (kMaxSlots slots,
// inaccessible, charged to nothing) at the first Insert and made usable kChunkSlots slots at
// a time as the table grows; nothing is ever given back, so reading a slot below the
// committed limit is always safe. A slot's address is therefore the range's base plus its
// index: the lookup loads no chunk pointer, and ReadPublished is a bound check, one load of
// the state word, one compare, the word, and the state word again. The hot range is 2 MB-
// aligned and its chunks after the first are asked for transparent huge pages; once the table
// grows past its first chunk, that one is collapsed into a huge page too (a process with a few
// handles keeps a few 4 KB pages resident, one with many pays no TLB walk for any of them).
// When the reservation or a commit fails (no memory, an address-space or data limit), Insert
// and InsertEntry return 0; nothing aborts.
//
// Closing. Close marks the slot closed with a CAS: new lookups fail at once. For a slot that
// names an Object, Close then waits for the pins taken before (a Lookup is a few
// instructions; WithPinned runs an operation that completes on its own) and drops the table's
// reference; objects are reference-counted (Object), so an object a waiter still holds
// outlives its handle, as on Windows. For an entry (InsertEntry) Close never waits: whoever
// lets go last, Close itself or the UnpinEntry that drops the last pin, finishes the close
// (runs the type's close hook, frees the slot). So a socket can be closed while a call on
// another thread, or on this one, has it pinned: closesocket must be able to interrupt a call
// that blocks in the provider. Insert and the finishing of a close take a mutex for the free
// list; lookups never do (but an UnpinEntry that finishes a close does).
#ifndef WS2EMU_LIB_HANDLES_HANDLE_TABLE_H_
#define WS2EMU_LIB_HANDLES_HANDLE_TABLE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "base/annotated_mutex.h"
#include "base/tsan.h"

// HandleTable::ReadPublishedSnapshot: x86-64 only, and not under ThreadSanitizer, which cannot
// see a load written in assembly (its builds check the seqlock path, which every machine can
// run).
#if defined(__x86_64__) && !WS2EMU_TSAN
#define WS2EMU_HAVE_SNAPSHOT_READ 1
#else
#define WS2EMU_HAVE_SNAPSHOT_READ 0
#endif
#if WS2EMU_HAVE_SNAPSHOT_READ
#include <immintrin.h>
#endif

namespace ws2emu {

enum class ObjectType : uint8_t {
  kNone = 0,
  kSocket = 1,  // a socket record (sockets/socket_record.h)
  kEvent = 2,
  kThread = 3,
  kPort = 4,
  kWindow = 5,
  kSemaphore = 6,
  kMutex = 7,
  kProcess = 8,  // the current process (GetCurrentProcess, DuplicateHandle)
  // The object an IFS socket handle refers to (a base provider's socket: sockets::
  // CreateIfsSocket). Never a handle's own type: no table slot has it.
  kSocketFile = 9,
  kSection = 10,  // a file mapping (named_objects/section.h: CreateFileMapping)
  kAny = 15,  // Lookup and Close only: any kernel object type, never kSocket (see above)
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

class HandleTable {
 public:
  static constexpr int kIndexBits = 21;       // 2M slots
  static constexpr int kGenerationBits = 8;   // 2 + 21 + 8 = 31 bits
  static constexpr uint32_t kMaxSlots = 1u << kIndexBits;
  static constexpr uint32_t kChunkSlots = 1u << 17;  // 2 MB of hot slots, 1 MB of cold ones
  static constexpr uint32_t kMinFreeBeforeReuse = 1024;

  // The process-wide table: constant-initialised (no guard, no allocation on the lookup path)
  // and never destroyed, since handles may be used by threads that outlive static destruction.
  static HandleTable &Get();

  constexpr HandleTable() = default;
  HandleTable(const HandleTable &) = delete;
  HandleTable &operator=(const HandleTable &) = delete;

  // Creates a handle for `object`, taking over the caller's reference, with `published`
  // (if not null) as the word ReadPublished returns for it. Returns 0 (and drops the
  // reference) when the table is full or out of memory.
  uint64_t Insert(Object *object, const uint64_t *published = nullptr);

  // Opens a slot of type `type` (not kNone or kAny) that names no Object (see "Entries
  // without an object"), with `published` (if not null) as its word. prepare(index) runs
  // before the handle is visible to anybody, to fill the caller's parallel arrays at the slot
  // index; if it returns false the slot is given back and InsertEntry returns 0. Returns 0 when
  // the table is full or out of memory. The type's close hook must have been set.
  template <typename Prepare>
  uint64_t InsertEntry(ObjectType type, const uint64_t *published, Prepare &&prepare) {
    uint32_t index = AllocateSlot();
    if (index == 0) return 0;
    if (!prepare(index)) {
      FreeSlot(index);
      return 0;
    }
    return Publish(index, type, published, kEntry);
  }

  // Runs once per closed entry of `type`, with its slot index, after the close and the last
  // pin, before the slot is reused: the component resets its per-handle data there. Set
  // before the first InsertEntry of that type; a plain function, so no allocation.
  using CloseHook = void (*)(uint32_t index);
  void SetCloseHook(ObjectType type, CloseHook hook) {
    hooks_[static_cast<uint8_t>(type) & 0xf].store(hook, std::memory_order_release);
  }

  // Pins the open entry `handle` of type `type` (InsertEntry's slots only) and gives its slot
  // index and published word (0 if none); false, pinning nothing, for any other handle. While
  // pinned, the slot is not freed and the close hook does not run, even if the handle is
  // closed meanwhile; UnpinEntry(index) lets go (and may finish such a close).
  bool PinEntry(uint64_t handle, ObjectType type, uint32_t *index, uint64_t *published) const {
    Decoded d;
    if (!Decode(handle, &d)) return false;
    Slot *slot = Pin(d, type);
    if (slot == nullptr) return false;
    if ((slot->state.load(std::memory_order_relaxed) & kEntry) == 0) {
      UnpinObject(slot);  // an Object's slot: not for PinEntry
      return false;
    }
    *index = d.index;
    *published = slot->published.load(std::memory_order_relaxed);
    return true;
  }
  void UnpinEntry(uint32_t index) const {
    Slot *slot = SlotAt(index);
    // Acquire-release: whoever finishes a close sees everything the pinners did.
    uint64_t before = slot->state.fetch_sub(kPinOne, std::memory_order_acq_rel);
    if ((before & kPinMask) == kPinOne && (before & kOpen) == 0)
      FinishClose(index, before - kPinOne);
  }

  // The word published with the open handle `handle` of type `type` (not kAny). False for any
  // other handle, and for one whose object published none. Lock-free and write-free; inline:
  // WPUQuerySocketHandleContext runs on every call a non-IFS provider handles.
  bool ReadPublished(uint64_t handle, ObjectType type, uint64_t *word) const;
#if WS2EMU_HAVE_SNAPSHOT_READ
  // The same answer as ReadPublished, reading the slot's state and word in one 16-byte load
  // instead of the seqlock's three loads (state, word, state again): 21 instructions instead of
  // 26 on WPUQuerySocketHandleContext's success path, and one load fewer. Only with AVX
  // (SnapshotReadWorks), where an aligned 16-byte vector load is atomic: Intel's SDM (vol. 3A
  // §9.1.1, "Guaranteed Atomic Operations") and AMD's APM (vol. 1 §3.9.1.3) guarantee it for
  // processors that enumerate AVX, and GCC's libatomic relies on it for __atomic_load_16.
  // One snapshot of both words is what the seqlock emulates: a state that matches at that
  // instant comes with that handle's word (Insert stores the word before the state; Close
  // changes the state before the word).
  __attribute__((target("avx"))) bool ReadPublishedSnapshot(uint64_t handle, ObjectType type,
                                                            uint64_t *word) const;
  // True when the processor guarantees the atomicity ReadPublishedSnapshot relies on.
  static bool SnapshotReadWorks();
#endif

  // A new reference to the object named by `handle` if it is open and of type `type` (kAny:
  // any kernel object, never a socket). Null otherwise.
  Ref<Object> Lookup(uint64_t handle, ObjectType type) const;
  template <typename T>
  Ref<T> LookupAs(uint64_t handle) const {
    return Ref<T>::Adopt(static_cast<T *>(Lookup(handle, T::kType).release()));
  }

  // Runs f(T &) on the object named by `handle` if it is open and a T, with the slot pinned
  // instead of a reference taken (two atomic operations instead of four): Close waits for the
  // pins to drain before it drops the table's reference, so the object outlives f. Only for
  // operations that complete on their own (Set, Reset, Post): f must not wait for anything a
  // thread closing the handle could be waiting for, and must not close it. False, without
  // running f, for a handle that is not an open T.
  template <typename T, typename F>
  bool WithPinned(uint64_t handle, F &&f) const {
    Decoded d;
    if (!Decode(handle, &d)) return false;
    Slot *slot = Pin(d, T::kType);
    if (slot == nullptr) return false;
    Object *object = ObjectAt(d.index);  // null for an entry (InsertEntry), not an Object
    if (object != nullptr) f(*static_cast<T *>(object));
    UnpinObject(slot);
    return object != nullptr;
  }

  // The type of the open handle, or kNone.
  ObjectType TypeOf(uint64_t handle) const;

  // Closes `handle` if it is open and of type `type` (kAny: any kernel object, never a
  // socket). Returns false for an invalid, closed or wrongly typed handle, and changes nothing
  // then. An object's slot: waits for the pins (see "Closing") and drops the table's
  // reference. An entry: never waits; its close hook runs now, or in the last UnpinEntry.
  bool Close(uint64_t handle, ObjectType type);

  // Number of open handles of `type` (kAny: all, sockets included). For tests and statistics.
  size_t CountOpen(ObjectType type) const;

  // Gives the table's memory back. Only for a table of one's own (tests) whose handles are
  // all closed; the process-wide one is never destroyed (Get).
  ~HandleTable();

 private:
  // Handle value layout: bits 0..1 the caller's tag, 2..22 the slot index, 23..30 the
  // generation, the rest zero.
  static constexpr int kGenShift = kIndexBits + 2;
  static constexpr uint64_t kHandleIndexField = uint64_t{kMaxSlots - 1} << 2;
  // State word layout: bits 8..11 type, 12 open, 13 a word is published, 14 the slot names no
  // Object (InsertEntry), 23..30 the generation, 32..55 pins; the rest zero. The generation
  // sits where it sits in the handle value, so that ReadPublished builds the expected state
  // from the handle with an AND and an OR, and everything but the pins is in the low 32 bits,
  // so that its seqlock re-check is one 32-bit compare.
  static constexpr int kTypeShift = 8;
  static constexpr uint64_t kTypeMask = 0xfull << kTypeShift;
  static constexpr uint64_t kOpen = 1ull << 12;
  static constexpr uint64_t kPublished = 1ull << 13;
  static constexpr uint64_t kEntry = 1ull << 14;
  static constexpr uint64_t kGenMask = ((1ull << kGenerationBits) - 1) << kGenShift;
  static constexpr uint64_t kGenOne = 1ull << kGenShift;
  static constexpr int kPinShift = 32;
  static constexpr uint64_t kPinOne = 1ull << kPinShift;
  static constexpr uint64_t kPinMask = 0xffffffull << kPinShift;
  static_assert(((kTypeMask | kOpen | kPublished | kEntry | kGenMask) >> 32) == 0,
                "all but the pins in the low 32 bits: ReadPublished's re-check depends on it");
  static_assert(kGenMask == (uint64_t{0xff} << 23) && kGenShift + kGenerationBits == 31,
                "handle values stay below 2^31");

  // The hot part of a slot. Chunks are mapped zeroed memory, and all zeros is a free slot, so
  // they are used without being constructed (which would touch every page).
  struct Slot {
    std::atomic<uint64_t> state;
    // Open: the published word (see "Published words"), or 0. Free: the index of the next free
    // slot, so that neither opening nor closing an entry touches the cold part.
    std::atomic<uint64_t> published;
  };
  // The cold part, at the same index in a parallel chunk; written only for slots that name an
  // Object.
  struct SlotExtra {
    std::atomic<Object *> object;  // holds the table's reference while the slot is open
  };
  static_assert(sizeof(Slot) == 16, "the hot part of a slot is 16 bytes: lookups depend on it");
  static_assert(sizeof(SlotExtra) == 8, "bytes_per_handle depends on the size of a slot");
  static_assert(std::is_trivially_destructible_v<Slot> &&
                std::is_trivially_destructible_v<SlotExtra>);

  struct Decoded {
    uint32_t index;
    uint64_t gen;  // the generation, in place (kGenMask)
  };
  static bool Decode(uint64_t handle, Decoded *d) {
    if (handle >= (uint64_t{1} << 31)) return false;
    d->index = static_cast<uint32_t>((handle & kHandleIndexField) >> 2);  // the tag bits ignored
    d->gen = handle & kGenMask;
    return d->index != 0;
  }
  static uint64_t Encode(uint32_t index, uint64_t gen) {
    return gen | (static_cast<uint64_t>(index) << 2);
  }
  static bool Matches(uint64_t state, uint64_t gen, ObjectType type) {
    if ((state & kOpen) == 0 || (state & kGenMask) != gen) return false;
    auto actual = static_cast<ObjectType>((state & kTypeMask) >> kTypeShift);
    return type == ObjectType::kAny ? actual != ObjectType::kSocket : actual == type;
  }

  // The first half of ReadPublished and ReadPublishedSnapshot: false if `handle` names no
  // committed slot; otherwise the slot in *slot and, in *expected, the bits kPublishedChecked
  // of the low half of its state while it is open with a word published for this handle and
  // `type`.
  static constexpr auto kPublishedChecked =
      static_cast<uint32_t>(kGenMask | kTypeMask | kOpen | kPublished);
  bool PublishedSlot(uint64_t handle, ObjectType type, const Slot **slot,
                     uint32_t *expected) const;

  // The slot `index`, or null if it is beyond the committed part of the table.
  Slot *SlotAt(uint32_t index) const {
    // Acquire: a committed limit covering `index` was stored after the chunk was made usable
    // and after the base was stored.
    if ((index << 2) >= committed_.load(std::memory_order_acquire)) return nullptr;
    return hot_.load(std::memory_order_relaxed) + index;
  }
  // The cold part of a slot SlotAt found (committed with its hot part).
  SlotExtra *ExtraAt(uint32_t index) const { return cold_.load(std::memory_order_relaxed) + index; }
  // The object of a slot that is pinned (or whose closer is this thread).
  Object *ObjectAt(uint32_t index) const {
    return ExtraAt(index)->object.load(std::memory_order_relaxed);
  }
  uint32_t AllocateSlot();  // returns 0 when full; caller fills and publishes
  // Makes the slots of chunk `chunk` usable, reserving the table's ranges first if need be.
  // False, changing nothing, if there is no memory for it.
  bool CommitChunk(uint32_t chunk) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FreeSlot(uint32_t index) const;
  // Opens the allocated slot `index`: the state word is stored last, with release.
  uint64_t Publish(uint32_t index, ObjectType type, const uint64_t *published, uint64_t entry);
  // Finishes the close of slot `index` (closed, no pins left; `state` is its state word):
  // drops the object's reference or runs the close hook, and frees the slot. Called once, by
  // Close or by the UnpinEntry that took the last pin away.
  void FinishClose(uint32_t index, uint64_t state) const;

  // Pins slot `d` if it is open and matches; returns the slot or null.
  Slot *Pin(const Decoded &d, ObjectType type) const {
    Slot *slot = SlotAt(d.index);
    if (slot == nullptr) return nullptr;
    uint64_t state = slot->state.load(std::memory_order_acquire);
    for (;;) {
      if (!Matches(state, d.gen, type)) return nullptr;
      if (slot->state.compare_exchange_weak(state, state + kPinOne, std::memory_order_acquire,
                                            std::memory_order_acquire))
        return slot;
    }
  }
  // Unpins a slot that names an Object (Lookup, WithPinned): its Close waits for the pins.
  static void UnpinObject(Slot *slot) { slot->state.fetch_sub(kPinOne, std::memory_order_release); }

  // The reserved ranges (null until the first Insert) and the committed limit, in the units
  // of a handle's index field (index << 2): ReadPublished compares the field with it as it is
  // (64 bits wide: so does the rest of the handle value).
  // Together, so that a lookup reads one cache line of the table itself.
  std::atomic<uint64_t> committed_ = 0;
  std::atomic<Slot *> hot_ = nullptr;
  std::atomic<SlotExtra *> cold_ = nullptr;
  std::atomic<CloseHook> hooks_[16] = {};

  // Guards the free list and the allocation of slots and chunks; lookups never take it.
  mutable StdMutex mu_;
  uint32_t next_unused_ ABSL_GUARDED_BY(mu_) = 1;  // slot 0 is never used: no handle is 0
  // Mutable: the last UnpinEntry (const, as the lookups are) may finish a close and so free
  // the slot.
  mutable uint32_t free_head_ ABSL_GUARDED_BY(mu_) = 0;
  mutable uint32_t free_tail_ ABSL_GUARDED_BY(mu_) = 0;
  mutable uint32_t free_count_ ABSL_GUARDED_BY(mu_) = 0;
};

__attribute__((always_inline)) inline bool HandleTable::PublishedSlot(uint64_t handle,
                                                                      ObjectType type,
                                                                      const Slot **slot,
                                                                      uint32_t *expected) const {
  // This is the start of WPUQuerySocketHandleContext, which a non-IFS provider calls on every
  // call it handles: few instructions matter as much as few cache misses, since independent
  // lookups overlap only as far as the processor's window reaches (ws2emu-bench's
  // query_context_1m). So the handle is not decoded into index and generation: its index
  // field, times 4, is the slot's byte offset, and its generation field is the expected
  // state's. The bound check rejects every value of 2^31 and above too (such a value keeps a
  // bit above the generation), and index 0 (handle 0 and its tags) needs no test of its own:
  // slot 0 is never opened.
  const uint64_t field = handle & ~(kGenMask | 3);  // index << 2, and any bit above bit 30
  if (field >= committed_.load(std::memory_order_acquire)) return false;
  // Open, a word published, this type, this generation; the entry bit is not looked at.
  *expected = static_cast<uint32_t>((handle & kGenMask) | kOpen | kPublished |
                                    (uint64_t{static_cast<uint8_t>(type)} << kTypeShift));
  *slot = reinterpret_cast<const Slot *>(
      reinterpret_cast<const char *>(hot_.load(std::memory_order_relaxed)) + field * 4);
  return true;
}

inline bool HandleTable::ReadPublished(uint64_t handle, ObjectType type, uint64_t *word) const {
  const Slot *slot;
  uint32_t expected;
  if (!PublishedSlot(handle, type, &slot, &expected)) return false;
  if ((static_cast<uint32_t>(slot->state.load(std::memory_order_acquire)) & kPublishedChecked) !=
      expected)
    return false;
  // Insert stores the word with release before it publishes the state word, and Close
  // changes the state word before it clears the word, so a reader that sees a newer word
  // also sees the newer state below (a seqlock without fences).
  const uint64_t value = slot->published.load(std::memory_order_acquire);
  // Pins (the high half) may have changed in between, and do not matter. A change in the
  // checked bits is final (the handle was closed; its generation never comes back but after
  // 2^kGenerationBits reuses), so the reader fails rather than retries.
  if ((static_cast<uint32_t>(slot->state.load(std::memory_order_relaxed)) & kPublishedChecked) !=
      expected)
    return false;
  *word = value;
  return true;
}

#if WS2EMU_HAVE_SNAPSHOT_READ
__attribute__((target("avx"))) inline bool HandleTable::ReadPublishedSnapshot(
    uint64_t handle, ObjectType type, uint64_t *word) const {
  const Slot *slot;
  uint32_t expected;
  if (!PublishedSlot(handle, type, &slot, &expected)) return false;
  // One aligned 16-byte load, written out so that the compiler cannot split it into two
  // 8-byte loads (slots are 16 bytes and 16-byte aligned: the chunks are 2 MB-aligned). An x86
  // load has acquire semantics; volatile keeps it after the acquire load of the bound.
  __m128i both;
  asm volatile("vmovdqa %1, %0" : "=x"(both) : "m"(*reinterpret_cast<const __m128i *>(slot)));
  if ((static_cast<uint32_t>(_mm_cvtsi128_si32(both)) & kPublishedChecked) != expected)
    return false;
  *word = static_cast<uint64_t>(_mm_extract_epi64(both, 1));
  return true;
}
#endif

// `bytes` of zeroed memory, 2 MB-aligned, backed by transparent huge pages if `huge` and the
// system allows it (then `bytes` should be a multiple of 2 MB); null if there is no memory.
// Never freed. Pages are touched, and counted in the resident set, only as they are used. For
// the table's chunks and the arrays components keep parallel to it (InsertEntry). Registered
// with LeakSanitizer as a root: such arrays hold pointers.
void *MapZeroedChunk(size_t bytes, bool huge);

namespace internal {

// Storage for HandleTable::Get(): a union so that the table is never destroyed. Hidden: only
// the core refers to it, directly rather than through the GOT.
union HandleTableStorage {
  constexpr HandleTableStorage() : table() {}
  ~HandleTableStorage() {}
  HandleTable table;
};
__attribute__((visibility("hidden"))) extern constinit HandleTableStorage g_handle_table;

}  // namespace internal

inline HandleTable &HandleTable::Get() { return internal::g_handle_table.table; }

}  // namespace ws2emu

#endif  // WS2EMU_LIB_HANDLES_HANDLE_TABLE_H_
