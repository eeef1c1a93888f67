#include "sockets/socket_record.h"

#include <atomic>
#include <cstdint>


namespace ws2emu::sockets {
namespace {

// A socket's completion-port association, in the second parallel array. Written once, by the
// thread that moved the entry's flags to kSettingPort, before kPortSet (release).
struct PortLink {
  Object *port;  // holds a reference while kPortSet
  uint64_t key;
};
static_assert(sizeof(PortLink) == 16);

constexpr uint32_t kChunkSlots = HandleTable::kChunkSlots;
constexpr uint32_t kChunks = HandleTable::kMaxSlots / kChunkSlots;

// The parallel arrays, chunk by chunk (the same chunking as the table's). A chunk is mapped
// before the first handle that uses it is published, and never unmapped, so a pinned socket's
// chunk is always there. Constant-initialised and never destroyed, like the table.
constinit std::atomic<SocketEntry *> g_entries[kChunks] = {};
constinit std::atomic<PortLink *> g_ports[kChunks] = {};
// The file objects of IFS sockets created with one: a reference each, dropped by the close hook.
// Set before the handle is published and cleared after it is closed and unpinned, so a pinned
// socket's file pointer never changes; relaxed accesses, ordered by the table's publication.
constinit std::atomic<Object **> g_files[kChunks] = {};
// Serialises the mapping of chunks only; lookups never take it.
constinit StdMutex g_map_mu;

// The chunk of `array` for slot `index`, mapped (zeroed) if it is not yet; null if there is no
// memory for it.
template <typename T>
T *EnsureChunk(std::atomic<T *> (&array)[kChunks], uint32_t index) {
  std::atomic<T *> &chunk = array[index / kChunkSlots];
  T *p = chunk.load(std::memory_order_acquire);
  if (p != nullptr) return p;
  StdMutexLock lock(&g_map_mu);
  p = chunk.load(std::memory_order_relaxed);
  if (p == nullptr) {
    // Not asked for huge pages: an entry chunk is 1 MB, and port links are touched by sockets
    // with ports only.
    p = static_cast<T *>(MapZeroedChunk(kChunkSlots * sizeof(T), /*huge=*/false));
    if (p != nullptr) chunk.store(p, std::memory_order_release);
  }
  return p;
}

// The entry of slot `index`, whose chunk is known to be mapped (its handle was published).
SocketEntry *EntryAt(uint32_t index) {
  return &g_entries[index / kChunkSlots].load(std::memory_order_acquire)[index % kChunkSlots];
}

// The table's close hook for sockets: the handle is closed and no call has it pinned, so
// nobody reads the entry or the link; the next socket in this slot finds them zeroed.
void ResetSocket(uint32_t index) {
  SocketEntry *entry = EntryAt(index);
  if ((entry->flags.load(std::memory_order_acquire) & SocketRecord::kPortSet) != 0) {
    PortLink *link =
        &g_ports[index / kChunkSlots].load(std::memory_order_acquire)[index % kChunkSlots];
    Object *port = link->port;
    link->port = nullptr;
    link->key = 0;
    port->Release();
  }
  if ((entry->flags.load(std::memory_order_acquire) & SocketRecord::kHasFile) != 0) {
    Object **file = &g_files[index / kChunkSlots].load(std::memory_order_acquire)[index % kChunkSlots];
    Object *object = *file;
    *file = nullptr;
    object->Release();
  }
  entry->catalog_id.store(0, std::memory_order_relaxed);
  entry->flags.store(0, std::memory_order_relaxed);
}

uint64_t Create(uint32_t catalog_id, uint64_t context, bool ifs, Object *file) {
  // Set before the first socket: a function-local static, so no cost after the first call.
  static const bool hooked = [] {
    HandleTable::Get().SetCloseHook(ObjectType::kSocket, &ResetSocket);
    return true;
  }();
  (void)hooked;
  // Only a non-IFS socket publishes its context: QueryContext fails for an IFS handle.
  return HandleTable::Get().InsertEntry(
      ObjectType::kSocket, ifs ? nullptr : &context, [&](uint32_t index) {
        SocketEntry *chunk = EnsureChunk(g_entries, index);
        if (chunk == nullptr) return false;
        uint32_t flags = ifs ? SocketRecord::kIfs : 0;
        if (file != nullptr) {
          Object **files = EnsureChunk(g_files, index);
          if (files == nullptr) return false;
          file->AddRef();
          files[index % kChunkSlots] = file;
          flags |= SocketRecord::kHasFile;
        }
        SocketEntry &entry = chunk[index % kChunkSlots];
        // Relaxed: the table publishes the slot with release after this.
        entry.catalog_id.store(catalog_id, std::memory_order_relaxed);
        entry.flags.store(flags, std::memory_order_relaxed);
        return true;
      });
}

}  // namespace

SocketRecord::Association SocketRecord::AssociatePort(Object *port, uint64_t key) const {
  // Map the links' chunk first, so that a failure changes nothing.
  PortLink *chunk = EnsureChunk(g_ports, index_);
  if (chunk == nullptr) return Association::kNoMemory;
  uint32_t flags = entry_->flags.load(std::memory_order_relaxed);
  do {
    if ((flags & (kSettingPort | kPortSet)) != 0) return Association::kAlreadyAssociated;
  } while (!entry_->flags.compare_exchange_weak(
      flags, flags | kSettingPort, std::memory_order_acquire, std::memory_order_relaxed));
  port->AddRef();
  PortLink &link = chunk[index_ % kChunkSlots];
  link.port = port;
  link.key = key;
  entry_->flags.fetch_xor(kSettingPort | kPortSet, std::memory_order_release);
  return Association::kAssociated;
}

Ref<Object> SocketRecord::CompletionPort(uint64_t *key) const {
  // A reader that races the association sees kSettingPort and no port: as if it had read just
  // before the association, which it may as well have.
  if ((entry_->flags.load(std::memory_order_acquire) & kPortSet) == 0) return {};
  const PortLink &link =
      g_ports[index_ / kChunkSlots].load(std::memory_order_acquire)[index_ % kChunkSlots];
  *key = link.key;
  return Ref<Object>::Share(link.port);
}

Object *SocketRecord::file() const {
  if ((entry_->flags.load(std::memory_order_relaxed) & SocketRecord::kHasFile) == 0) return nullptr;
  return g_files[index_ / kChunkSlots].load(std::memory_order_acquire)[index_ % kChunkSlots];
}

uint64_t CreateSocket(uint32_t catalog_id, uint64_t context) {
  return Create(catalog_id, context, /*ifs=*/false, nullptr);
}

uint64_t CreateIfsSocket(uint32_t catalog_id, Object *file) {
  return Create(catalog_id, 0, /*ifs=*/true, file);
}

SocketRef GetSocket(uint64_t handle) {
  uint32_t index;
  uint64_t context;
  if (!HandleTable::Get().PinEntry(handle, ObjectType::kSocket, &index, &context)) return {};
  return SocketRef(index, context, EntryAt(index));
}

bool RegisterIfs(uint64_t handle, uint32_t catalog_id) {
  if (catalog_id >= 0x80000000u) return false;
  SocketRef socket = GetSocket(handle);
  if (!socket || !socket->ifs()) return false;
  socket->set_catalog_id(catalog_id);
  return true;
}

bool CloseSocket(uint64_t handle, bool ifs) {
  {
    SocketRef socket = GetSocket(handle);
    if (!socket || socket->ifs() != ifs) return false;
  }
  // The IFS-ness of a handle never changes, and a handle value is not reused while the
  // generation has not wrapped, so the handle checked above is the one closed here (or it was
  // closed in between, and Close fails).
  return HandleTable::Get().Close(handle, ObjectType::kSocket);
}

}  // namespace ws2emu::sockets
