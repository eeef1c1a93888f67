#include "handles/handle_table.h"

#include <sched.h>
#include <sys/mman.h>

#include <cstdint>

#include "base/lsan.h"

namespace ws2emu {

namespace internal {
constinit HandleTableStorage g_handle_table;
}  // namespace internal

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25  // Linux 6.1; older kernels answer EINVAL, and it is only a hint
#endif

// `bytes` of inaccessible address space, `align`-aligned (a power of two, at least a page),
// charged to no memory budget until parts of it are made writable; null if there is none.
void *Reserve(size_t bytes, size_t align) {
  const size_t length = bytes + align;
  void *p = mmap(nullptr, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (start + align - 1) & ~uintptr_t{align - 1};
  if (aligned > start) munmap(p, aligned - start);
  const uintptr_t end = aligned + bytes;
  if (start + length > end) munmap(reinterpret_cast<void *>(end), start + length - end);
  return reinterpret_cast<void *>(aligned);
}

}  // namespace

void *MapZeroedChunk(size_t bytes, bool huge) {
  const size_t length = bytes + kHugePage;
  void *p = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (start + kHugePage - 1) & ~uintptr_t{kHugePage - 1};
  if (aligned > start) munmap(p, aligned - start);
  const uintptr_t end = aligned + bytes;
  if (start + length > end) munmap(reinterpret_cast<void *>(end), start + length - end);
  if (huge) madvise(reinterpret_cast<void *>(aligned), bytes, MADV_HUGEPAGE);  // a hint only
  LsanAddRoot(reinterpret_cast<void *>(aligned), bytes);  // slots hold object pointers
  return reinterpret_cast<void *>(aligned);
}

uint32_t HandleTable::AllocateSlot() {
  StdMutexLock lock(&mu_);
  if (free_count_ < kMinFreeBeforeReuse && next_unused_ < kMaxSlots) {
    uint32_t index = next_unused_;
    if ((index << 2) < committed_.load(std::memory_order_relaxed) ||
        CommitChunk(index / kChunkSlots)) {
      ++next_unused_;
      return index;
    }
    // No memory for more slots: a freed one is reused sooner than kMinFreeBeforeReuse
    // promises, as when the table is full, rather than failing while there are free slots.
  }
  if (free_count_ == 0) return 0;
  uint32_t index = free_head_;
  free_head_ = static_cast<uint32_t>(SlotAt(index)->published.load(std::memory_order_relaxed));
  if (--free_count_ == 0) free_tail_ = 0;
  return index;
}

bool HandleTable::CommitChunk(uint32_t chunk) {
  static_assert(kChunkSlots * sizeof(Slot) % kHugePage == 0);
  static_assert(kMaxSlots % kChunkSlots == 0);
  constexpr size_t kHotBytes = kChunkSlots * sizeof(Slot);
  constexpr size_t kColdBytes = kChunkSlots * sizeof(SlotExtra);
  Slot *hot = hot_.load(std::memory_order_relaxed);
  SlotExtra *cold = cold_.load(std::memory_order_relaxed);
  if (hot == nullptr) {
    // The first commit reserves both ranges whole, once: a slot's address never changes.
    hot = static_cast<Slot *>(Reserve(size_t{kMaxSlots} * sizeof(Slot), kHugePage));
    if (hot == nullptr) return false;
    cold = static_cast<SlotExtra *>(Reserve(size_t{kMaxSlots} * sizeof(SlotExtra), 4096));
    if (cold == nullptr) {
      munmap(hot, size_t{kMaxSlots} * sizeof(Slot));
      return false;
    }
    // Before any committed limit that makes them readable is stored (release, below).
    hot_.store(hot, std::memory_order_relaxed);
    cold_.store(cold, std::memory_order_relaxed);
  }
  Slot *hot_chunk = hot + size_t{chunk} * kChunkSlots;
  SlotExtra *cold_chunk = cold + size_t{chunk} * kChunkSlots;
  // Writable private memory is charged here (overcommit accounting, RLIMIT_DATA): this is
  // where a process out of memory finds out, and Insert returns 0.
  if (mprotect(hot_chunk, kHotBytes, PROT_READ | PROT_WRITE) != 0) return false;
  if (mprotect(cold_chunk, kColdBytes, PROT_READ | PROT_WRITE) != 0) {
    mprotect(hot_chunk, kHotBytes, PROT_NONE);  // gives the charge back; cannot fail
    return false;
  }
  if (chunk != 0) {
    // Hints only (a kernel without THP, or without memory to spare for it, ignores them).
    // The first chunk is not asked at first, so that a process with a few handles keeps a
    // few 4 KB pages resident, not 2 MB; a process that needs a second chunk has many
    // handles, and its first chunk is collapsed into a huge page now (MADV_COLLAPSE, Linux
    // 6.1), once, so that a random lookup among them walks no page tables for any chunk.
    madvise(hot_chunk, kHotBytes, MADV_HUGEPAGE);
    if (chunk == 1) {
      madvise(hot, kHotBytes, MADV_HUGEPAGE);
      madvise(hot, kHotBytes, MADV_COLLAPSE);
    }
  }
  // Slots hold object pointers, and the published words of sockets may be pointers too.
  LsanAddRoot(hot_chunk, kHotBytes);
  LsanAddRoot(cold_chunk, kColdBytes);
  committed_.store((chunk + 1) * kChunkSlots << 2, std::memory_order_release);
  return true;
}

#if WS2EMU_HAVE_SNAPSHOT_READ
bool HandleTable::SnapshotReadWorks() {
  // __builtin_cpu_supports("avx") also checks that the system saves the AVX state (OSXSAVE,
  // XCR0), so the instruction is usable as well as guaranteed atomic.
  static const bool works = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx") != 0;
  }();
  return works;
}
#endif

HandleTable::~HandleTable() {
  Slot *hot = hot_.load(std::memory_order_relaxed);
  if (hot == nullptr) return;
  const auto chunks =
      static_cast<uint32_t>((committed_.load(std::memory_order_relaxed) >> 2) / kChunkSlots);
  for (uint32_t c = 0; c < chunks; ++c) {
    LsanRemoveRoot(hot + size_t{c} * kChunkSlots, kChunkSlots * sizeof(Slot));
    LsanRemoveRoot(cold_.load(std::memory_order_relaxed) + size_t{c} * kChunkSlots,
                   kChunkSlots * sizeof(SlotExtra));
  }
  munmap(hot, size_t{kMaxSlots} * sizeof(Slot));
  munmap(cold_.load(std::memory_order_relaxed), size_t{kMaxSlots} * sizeof(SlotExtra));
}

void HandleTable::FreeSlot(uint32_t index) const {
  StdMutexLock lock(&mu_);
  // The published word of a free slot is its free-list link. A ReadPublished that read the
  // state word while the slot was open and reads the link here sees the state word change
  // (closed) when it reads it again, and discards the link.
  SlotAt(index)->published.store(0, std::memory_order_release);
  if (free_count_ == 0) {
    free_head_ = index;
  } else {
    SlotAt(free_tail_)->published.store(index, std::memory_order_release);
  }
  free_tail_ = index;
  ++free_count_;
}

uint64_t HandleTable::Insert(Object *object, const uint64_t *published) {
  uint32_t index = AllocateSlot();
  if (index == 0) {
    object->Release();
    return 0;
  }
  ExtraAt(index)->object.store(object, std::memory_order_relaxed);
  return Publish(index, object->type(), published, 0);
}

uint64_t HandleTable::Publish(uint32_t index, ObjectType type, const uint64_t *published,
                              uint64_t entry) {
  Slot *slot = SlotAt(index);
  uint64_t old = slot->state.load(std::memory_order_relaxed);
  // A reused slot gets the next generation; a fresh one starts at 0.
  uint64_t gen = old == 0 ? 0 : ((old & kGenMask) + kGenOne) & kGenMask;
  slot->published.store(published != nullptr ? *published : 0, std::memory_order_release);
  // Release: whoever sees the slot open (acquire) sees the object, the word, and what the
  // caller of InsertEntry prepared.
  slot->state.store(gen | (static_cast<uint64_t>(type) << kTypeShift) | kOpen | entry |
                        (published != nullptr ? kPublished : 0),
                    std::memory_order_release);
  return Encode(index, gen);
}

Ref<Object> HandleTable::Lookup(uint64_t handle, ObjectType type) const {
  Decoded d;
  if (!Decode(handle, &d)) return {};
  Slot *slot = Pin(d, type);
  if (slot == nullptr) return {};
  // Null for an entry (InsertEntry): it names no Object.
  Ref<Object> ref = Ref<Object>::Share(ObjectAt(d.index));
  UnpinObject(slot);
  return ref;
}

ObjectType HandleTable::TypeOf(uint64_t handle) const {
  Decoded d;
  if (!Decode(handle, &d)) return ObjectType::kNone;
  const Slot *slot = SlotAt(d.index);
  if (slot == nullptr) return ObjectType::kNone;
  uint64_t state = slot->state.load(std::memory_order_acquire);
  if ((state & kOpen) == 0 || (state & kGenMask) != d.gen) return ObjectType::kNone;
  return static_cast<ObjectType>((state & kTypeMask) >> kTypeShift);
}

bool HandleTable::Close(uint64_t handle, ObjectType type) {
  Decoded d;
  if (!Decode(handle, &d)) return false;
  Slot *slot = SlotAt(d.index);
  if (slot == nullptr) return false;
  uint64_t state = slot->state.load(std::memory_order_acquire);
  uint64_t closed;
  for (;;) {
    if (!Matches(state, d.gen, type)) return false;
    // Closed: open and published bits cleared; generation, type and entry kept so that stale
    // lookups still fail and the close is finished the right way.
    closed = state & (kPinMask | kGenMask | kTypeMask | kEntry);
    if (slot->state.compare_exchange_weak(state, closed, std::memory_order_acq_rel,
                                          std::memory_order_acquire))
      break;
  }
  // No new pin can be taken now.
  if ((closed & kEntry) != 0) {
    // An entry: with pins left, the last UnpinEntry finishes the close (a socket pinned by a
    // call that blocks in its provider must be closable meanwhile).
    if ((closed & kPinMask) == 0) FinishClose(d.index, closed);
    return true;
  }
  // An object: wait for the lookups that pinned it before it closed, which are a few
  // instructions long (Lookup) or an operation that completes on its own (WithPinned), so
  // that the table's reference is dropped when Close returns.
  while ((slot->state.load(std::memory_order_acquire) & kPinMask) != 0) sched_yield();
  FinishClose(d.index, closed);
  return true;
}

void HandleTable::FinishClose(uint32_t index, uint64_t state) const {
  if ((state & kEntry) != 0) {
    CloseHook hook = hooks_[(state & kTypeMask) >> kTypeShift].load(std::memory_order_acquire);
    if (hook != nullptr) hook(index);
    FreeSlot(index);
    return;
  }
  Object *object = ExtraAt(index)->object.exchange(nullptr, std::memory_order_relaxed);
  FreeSlot(index);
  // Last: the object's destructor may close other handles (and so take mu_).
  object->Release();
}

size_t HandleTable::CountOpen(ObjectType type) const {
  uint32_t limit;
  {
    StdMutexLock lock(&mu_);
    limit = next_unused_;
  }
  size_t count = 0;
  for (uint32_t i = 1; i < limit; ++i) {
    const Slot *slot = SlotAt(i);
    uint64_t state = slot->state.load(std::memory_order_acquire);
    if ((state & kOpen) == 0) continue;
    auto actual = static_cast<ObjectType>((state & kTypeMask) >> kTypeShift);
    if (type == ObjectType::kAny || actual == type) ++count;
  }
  return count;
}

}  // namespace ws2emu
