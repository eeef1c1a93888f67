// lib/base_provider/provider.h — the provider's process-wide state: started or not (counted
// per WSPStartup), the upcall table it was given, and the list of open sockets WSPCleanup
// closes.
#ifndef WS2EMU_LIB_BASE_PROVIDER_PROVIDER_H_
#define WS2EMU_LIB_BASE_PROVIDER_PROVIDER_H_

#include <memory>

#include "ws2emu/ws2spi.h"

namespace ws2emu::base_provider {

class BaseSocket;

// The upcall table of the most recent WSPStartup (SPEC.md §4: only that one may be used).
// Valid from the first WSPStartup on: tables are kept (by content, so a host that passes the
// same table each time keeps one copy) until the process ends, so a call racing a later
// WSPStartup never reads a freed table. Null before the first WSPStartup.
const WSPUPCALLTABLE *Upcalls();

// Whether a WSPStartup is in force (one more WSPStartup than WSPCleanup).
bool Started();

// The provider's list of open sockets. Add fails (false) once the provider is no longer
// started, so that WSPCleanup never misses a socket created while it ran.
bool AddOpenSocket(BaseSocket *socket);
void RemoveOpenSocket(BaseSocket *socket);

// One shared copy per distinct WSAPROTOCOL_INFOW (sockets of one catalog entry share it).
// Null when there is no memory.
std::shared_ptr<const WSAPROTOCOL_INFOW> InternProtocolInfo(const WSAPROTOCOL_INFOW &info);

}  // namespace ws2emu::base_provider

#endif  // WS2EMU_LIB_BASE_PROVIDER_PROVIDER_H_
