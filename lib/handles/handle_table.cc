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

// `bytes` (a multiple of 2 MB) of zeroed memory aligned to 2 MB, backed by transparent huge
// pages if `huge` and the system allows it; null if there is no memory. Pages are touched (and
// counted in the resident set) only as slots are used, 4 KB at a time unless `huge`.
void *MapChunk(size_t bytes, bool huge) {
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

}  // namespace

uint32_t HandleTable::AllocateSlot() {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_count_ >= kMinFreeBeforeReuse || (next_unused_ >= kMaxSlots && free_count_ > 0)) {
    uint32_t index = free_head_;
    free_head_ = ExtraAt(index)->next_free.load(std::memory_order_relaxed);
    if (--free_count_ == 0) free_tail_ = 0;
    return index;
  }
  if (next_unused_ >= kMaxSlots) return 0;
  uint32_t index = next_unused_;
  uint32_t chunk = index / kChunkSlots;
  if (hot_[chunk].load(std::memory_order_relaxed) == nullptr) {
    static_assert(kChunkSlots * sizeof(Slot) % kHugePage == 0);
    static_assert(kChunkSlots * sizeof(SlotExtra) % kHugePage == 0);
    // The first hot chunk is not asked for huge pages: a process with a few handles keeps a
    // few pages resident, not 2 MB.
    void *hot = MapChunk(kChunkSlots * sizeof(Slot), /*huge=*/chunk != 0);
    if (hot == nullptr) return 0;
    void *cold = MapChunk(kChunkSlots * sizeof(SlotExtra), /*huge=*/false);
    if (cold == nullptr) {
      munmap(hot, kChunkSlots * sizeof(Slot));
      return 0;
    }
    // Cold first: whoever sees the hot chunk (acquire) finds the cold one.
    cold_[chunk].store(static_cast<SlotExtra *>(cold), std::memory_order_release);
    hot_[chunk].store(static_cast<Slot *>(hot), std::memory_order_release);
  }
  ++next_unused_;
  return index;
}

void HandleTable::FreeSlot(uint32_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  ExtraAt(index)->next_free.store(0, std::memory_order_relaxed);
  if (free_count_ == 0) {
    free_head_ = index;
  } else {
    ExtraAt(free_tail_)->next_free.store(index, std::memory_order_relaxed);
  }
  free_tail_ = index;
  ++free_count_;
}

uint64_t HandleTable::Publish(uint32_t index, ObjectType type, uint64_t value, uint32_t catalog_id,
                              bool ifs) {
  Slot *slot = SlotAt(index);
  SlotExtra *extra = ExtraAt(index);
  uint64_t old = slot->state.load(std::memory_order_relaxed);
  // A reused slot gets the next generation; a fresh one starts at 0.
  uint32_t gen = old == 0 ? 0 : ((old & kGenMask) + 1) & kGenMask;
  slot->value.store(value, std::memory_order_release);
  extra->catalog_id.store(catalog_id, std::memory_order_release);
  extra->port.store(nullptr, std::memory_order_relaxed);
  slot->state.store(gen | (static_cast<uint64_t>(type) << kTypeShift) | kOpen | (ifs ? kIfs : 0),
                    std::memory_order_release);
  return Encode(index, gen);
}

uint64_t HandleTable::CreateSocket(uint32_t catalog_id, uint64_t context, bool ifs) {
  uint32_t index = AllocateSlot();
  if (index == 0) return 0;
  return Publish(index, ObjectType::kSocket, context, catalog_id, ifs);
}

uint64_t HandleTable::Insert(Object *object) {
  uint32_t index = AllocateSlot();
  if (index == 0) {
    object->Release();
    return 0;
  }
  return Publish(index, object->type(), reinterpret_cast<uint64_t>(object), 0, false);
}

Ref<Object> HandleTable::Lookup(uint64_t handle, ObjectType type) const {
  Decoded d;
  if (type == ObjectType::kSocket || !Decode(handle, &d)) return {};
  Slot *slot = Pin(d, type);
  if (slot == nullptr) return {};
  auto *object = reinterpret_cast<Object *>(slot->value.load(std::memory_order_relaxed));
  Ref<Object> ref = Ref<Object>::Share(object);
  Unpin(slot);
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
  for (;;) {
    uint64_t gen_type = state & (kGenMask | kTypeMask);
    bool ok = (state & kOpen) != 0 && (state & kGenMask) == d.gen &&
              (type == ObjectType::kAny ||
               static_cast<ObjectType>((state & kTypeMask) >> kTypeShift) == type);
    if (!ok) return false;
    // Closed: open bit cleared, generation and type kept so that stale lookups still fail.
    if (slot->state.compare_exchange_weak(state, (state & kPinMask) | gen_type,
                                          std::memory_order_acq_rel, std::memory_order_acquire))
      break;
  }
  // Wait for lookups that pinned the slot before it closed: they are a few instructions long.
  while ((slot->state.load(std::memory_order_acquire) & kPinMask) != 0) sched_yield();

  auto actual = static_cast<ObjectType>((state & kTypeMask) >> kTypeShift);
  if (actual != ObjectType::kSocket) {
    reinterpret_cast<Object *>(slot->value.load(std::memory_order_relaxed))->Release();
  }
  if (PortAssociation *assoc =
          ExtraAt(d.index)->port.exchange(nullptr, std::memory_order_acq_rel)) {
    assoc->port->Release();
    delete assoc;
  }
  slot->value.store(0, std::memory_order_release);
  FreeSlot(d.index);
  return true;
}

bool HandleTable::AssociatePort(uint64_t handle, Object *port, uint64_t key) {
  Decoded d;
  if (!Decode(handle, &d)) return false;
  Slot *slot = Pin(d, ObjectType::kSocket);
  if (slot == nullptr) return false;
  auto *assoc = new PortAssociation{port, key};
  PortAssociation *expected = nullptr;
  bool ok =
      ExtraAt(d.index)->port.compare_exchange_strong(expected, assoc, std::memory_order_acq_rel);
  if (ok) {
    port->AddRef();
  } else {
    delete assoc;
  }
  Unpin(slot);
  return ok;
}

Ref<Object> HandleTable::SocketPort(uint64_t handle, uint64_t *key) const {
  Decoded d;
  if (!Decode(handle, &d)) return {};
  Slot *slot = Pin(d, ObjectType::kSocket);
  if (slot == nullptr) return {};
  Ref<Object> port;
  if (PortAssociation *assoc = ExtraAt(d.index)->port.load(std::memory_order_acquire)) {
    port = Ref<Object>::Share(assoc->port);
    *key = assoc->key;
  }
  Unpin(slot);
  return port;
}

bool HandleTable::SetIfsSocketCatalog(uint64_t handle, uint32_t catalog_id) {
  Decoded d;
  if (!Decode(handle, &d) || catalog_id >= 0x80000000u) return false;
  Slot *slot = Pin(d, ObjectType::kSocket);
  if (slot == nullptr) return false;
  // The IFS flag never changes while the slot is open; the state word carries it.
  bool ifs = (slot->state.load(std::memory_order_relaxed) & kIfs) != 0;
  if (ifs) ExtraAt(d.index)->catalog_id.store(catalog_id, std::memory_order_relaxed);
  Unpin(slot);
  return ifs;
}

size_t HandleTable::CountOpen(ObjectType type) const {
  uint32_t limit;
  {
    std::lock_guard<std::mutex> lock(mu_);
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
