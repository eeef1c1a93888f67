// What ws2emu-run --provider and --entry print: a failure with its WSA error, and a provider
// that started.
#include <cstdio>
#include <string>

#include "base/escape.h"
#include "base/utf.h"
#include "run/run.h"

namespace ws2emu::emu {

int Fail(const std::string &what, int code) {
  std::fprintf(stderr, "ws2emu-run: %s: %s\n", EscapeForTerminal(what).c_str(),
               WsaErrorName(code).c_str());
  return 1;
}

// What a successful start shows: the provider's description and version.
void PrintStarted(const WSPDATA &data) {
  std::printf("description %s\nversion    %u.%u (highest %u.%u)\nproc table all 30 entries set\n",
              EscapeForTerminal(Utf16ToUtf8(reinterpret_cast<const char16_t *>(data.szDescription)))
                  .c_str(),
              LOBYTE(data.wVersion), HIBYTE(data.wVersion), LOBYTE(data.wHighVersion),
              HIBYTE(data.wHighVersion));
}
}  // namespace ws2emu::emu
