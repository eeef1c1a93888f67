#include "sockets/socket_record.h"

#include <new>

namespace ws2emu::sockets {

SocketRecord::~SocketRecord() {
  if (port_state_.load(std::memory_order_acquire) == kPortSet) port_->Release();
}

bool SocketRecord::AssociatePort(Object *port, uint64_t key) {
  uint8_t expected = kNoPort;
  if (!port_state_.compare_exchange_strong(expected, kSettingPort, std::memory_order_acquire))
    return false;
  port->AddRef();
  port_ = port;
  port_key_ = key;
  port_state_.store(kPortSet, std::memory_order_release);
  return true;
}

Ref<Object> SocketRecord::CompletionPort(uint64_t *key) const {
  // A reader that races the association sees kSettingPort and no port: as if it had read just
  // before the association, which it may as well have.
  if (port_state_.load(std::memory_order_acquire) != kPortSet) return {};
  *key = port_key_;
  return Ref<Object>::Share(port_);
}

namespace {

uint64_t Create(uint32_t catalog_id, uint64_t context, bool ifs) {
  auto *record = new (std::nothrow) SocketRecord(catalog_id, context, ifs);
  if (record == nullptr) return 0;
  // Only a non-IFS socket publishes its context: QueryContext fails for an IFS handle.
  return HandleTable::Get().Insert(record, ifs ? nullptr : &context);
}

}  // namespace

uint64_t CreateSocket(uint32_t catalog_id, uint64_t context) {
  return Create(catalog_id, context, /*ifs=*/false);
}

uint64_t CreateIfsSocket(uint32_t catalog_id) { return Create(catalog_id, 0, /*ifs=*/true); }

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
