#include "handles/handle_table.h"

#include <sched.h>

#include <new>

namespace ws2emu {

HandleTable &HandleTable::Get() {
  // Never destroyed: handles may be used by threads that outlive static destruction.
  static HandleTable *table = new HandleTable();
  return *table;
}

HandleTable::HandleTable() = default;

bool HandleTable::Decode(uint64_t handle, Decoded *d) {
  handle &= ~uint64_t{3};  // the tag bits are the caller's
  if (handle == 0 || handle >= (uint64_t{1} << 31)) return false;
  d->index = static_cast<uint32_t>((handle >> 2) & (kMaxSlots - 1));
  d->gen = static_cast<uint32_t>(handle >> (kIndexBits + 2));
  return d->index != 0;
}

bool HandleTable::Matches(uint64_t state, uint32_t gen, ObjectType type) {
  if ((state & kOpen) == 0 || (state & kGenMask) != gen) return false;
  auto actual = static_cast<ObjectType>((state & kTypeMask) >> kTypeShift);
  if (type == ObjectType::kAny) return actual != ObjectType::kSocket;
  return actual == type;
}

HandleTable::Slot *HandleTable::SlotAt(uint32_t index) const {
  Slot *chunk = chunks_[index / kChunkSlots].load(std::memory_order_acquire);
  return chunk == nullptr ? nullptr : &chunk[index % kChunkSlots];
}

uint32_t HandleTable::AllocateSlot() {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_count_ >= kMinFreeBeforeReuse || (next_unused_ >= kMaxSlots && free_count_ > 0)) {
    uint32_t index = free_head_;
    Slot *slot = SlotAt(index);
    free_head_ = slot->next_free.load(std::memory_order_relaxed);
    if (--free_count_ == 0) free_tail_ = 0;
    return index;
  }
  if (next_unused_ >= kMaxSlots) return 0;
  uint32_t index = next_unused_;
  uint32_t chunk = index / kChunkSlots;
  if (chunks_[chunk].load(std::memory_order_relaxed) == nullptr) {
    Slot *fresh = new (std::nothrow) Slot[kChunkSlots];
    if (fresh == nullptr) return 0;
    chunks_[chunk].store(fresh, std::memory_order_release);
  }
  ++next_unused_;
  return index;
}

void HandleTable::FreeSlot(uint32_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  Slot *slot = SlotAt(index);
  slot->next_free.store(0, std::memory_order_relaxed);
  if (free_count_ == 0) {
    free_head_ = index;
  } else {
    SlotAt(free_tail_)->next_free.store(index, std::memory_order_relaxed);
  }
  free_tail_ = index;
  ++free_count_;
}

uint64_t HandleTable::Publish(uint32_t index, ObjectType type, uint64_t value,
                              uint32_t catalog_id) {
  Slot *slot = SlotAt(index);
  uint64_t old = slot->state.load(std::memory_order_relaxed);
  // A reused slot gets the next generation; a fresh one starts at 0.
  uint32_t gen = old == 0 ? 0 : ((old & kGenMask) + 1) & kGenMask;
  slot->value.store(value, std::memory_order_release);
  slot->catalog_id.store(catalog_id, std::memory_order_release);
  slot->port.store(nullptr, std::memory_order_relaxed);
  slot->state.store(gen | (static_cast<uint64_t>(type) << kTypeShift) | kOpen,
                    std::memory_order_release);
  return Encode(index, gen);
}

uint64_t HandleTable::CreateSocket(uint32_t catalog_id, uint64_t context, bool ifs) {
  uint32_t index = AllocateSlot();
  if (index == 0) return 0;
  // The IFS flag rides in the top bit of the catalog word; catalog IDs never reach it.
  return Publish(index, ObjectType::kSocket, context, catalog_id | (ifs ? 0x80000000u : 0));
}

uint64_t HandleTable::Insert(Object *object) {
  uint32_t index = AllocateSlot();
  if (index == 0) {
    object->Release();
    return 0;
  }
  return Publish(index, object->type(), reinterpret_cast<uint64_t>(object), 0);
}

bool HandleTable::QuerySocket(uint64_t handle, uint64_t *context, uint32_t *catalog_id,
                              bool *ifs) const {
  Decoded d;
  if (!Decode(handle, &d)) return false;
  const Slot *slot = SlotAt(d.index);
  if (slot == nullptr) return false;
  for (;;) {
    uint64_t before = slot->state.load(std::memory_order_acquire);
    if (!Matches(before, d.gen, ObjectType::kSocket)) return false;
    // Writers store value and catalog with release after changing the state word, so a reader
    // that sees a newer value also sees the newer state below (a seqlock without fences).
    uint64_t value = slot->value.load(std::memory_order_acquire);
    uint32_t cat = slot->catalog_id.load(std::memory_order_acquire);
    uint64_t after = slot->state.load(std::memory_order_relaxed);
    // Pins may have changed in between; only generation, type and open matter.
    if (((before ^ after) & ~kPinMask) != 0) continue;
    *context = value;
    if (catalog_id != nullptr) *catalog_id = cat & 0x7fffffffu;
    if (ifs != nullptr) *ifs = (cat & 0x80000000u) != 0;
    return true;
  }
}

bool HandleTable::QuerySocketContext(uint64_t handle, uint64_t *context) const {
  return QuerySocket(handle, context, nullptr, nullptr);
}

HandleTable::Slot *HandleTable::Pin(const Decoded &d, ObjectType type) const {
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
  if (PortAssociation *assoc = slot->port.exchange(nullptr, std::memory_order_acq_rel)) {
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
  bool ok = slot->port.compare_exchange_strong(expected, assoc, std::memory_order_acq_rel);
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
  if (PortAssociation *assoc = slot->port.load(std::memory_order_acquire)) {
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
  bool ifs = (slot->catalog_id.load(std::memory_order_relaxed) & 0x80000000u) != 0;
  if (ifs) slot->catalog_id.store(catalog_id | 0x80000000u, std::memory_order_relaxed);
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
