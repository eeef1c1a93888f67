// ws2emu-run: the command-line entry point of ws2emu.
//
// Until the PE loader exists (emu/ issue), it reports what the runtime provides: its version,
// the APC wake backend, and the upcall table a provider receives from WSPStartup, entry by
// entry, with what each entry does today.
#include <cstdio>
#include <cstring>
#include <string>

#include "ws2emu/ws2emu.h"

namespace {

// The fifteen members of WSPUPCALLTABLE in table order, then the direct ws2_32 export, with
// what the runtime's entry does where it is not the full Windows behaviour yet.
struct UpcallInfo {
  const char *name;
  const char *limit;  // null: complete
};
constexpr UpcallInfo kUpcalls[] = {
    {"WPUCloseEvent", nullptr},
    {"WPUCloseSocketHandle", nullptr},
    {"WPUCreateEvent", nullptr},
    {"WPUCreateSocketHandle", nullptr},
    {"WPUFDIsSet", nullptr},
    {"WPUGetProviderPath", "fails with WSAEINVAL: no protocol catalog yet"},
    {"WPUModifyIFSHandle", nullptr},
    {"WPUPostMessage", nullptr},
    {"WPUQueryBlockingCallback", nullptr},
    {"WPUQuerySocketHandleContext", nullptr},
    {"WPUQueueApc", nullptr},
    {"WPUResetEvent", nullptr},
    {"WPUSetEvent", nullptr},
    {"WPUOpenCurrentThread", nullptr},
    {"WPUCloseThread", nullptr},
    {"WPUCompleteOverlappedRequest", nullptr},
};

void PrintUsage(FILE *out) {
  std::fprintf(out,
               "usage: ws2emu-run [--version] [--help]\n"
               "  with no arguments: print the runtime version and the upcalls it provides\n");
}

}  // namespace

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("ws2emu %s\n", ws2emu_version());
      return 0;
    }
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      PrintUsage(stdout);
      return 0;
    }
    std::fprintf(stderr, "ws2emu-run: unknown argument '%s'\n", argv[i]);
    PrintUsage(stderr);
    return 2;
  }
  std::printf("ws2emu %s\n", ws2emu_version());
  std::printf("APC wake backend: %s\n", ws2emu_apc_backend());
  const WSPUPCALLTABLE *table = ws2emu_upcall_table();
  const auto *entries = reinterpret_cast<const void *const *>(table);
  std::printf("upcall table (WSPUPCALLTABLE, %zu entries) and WPUCompleteOverlappedRequest:\n",
              sizeof(*table) / sizeof(void *));
  size_t i = 0;
  for (const UpcallInfo &u : kUpcalls) {
    const void *fn = i < sizeof(*table) / sizeof(void *)
                         ? entries[i]
                         : reinterpret_cast<const void *>(&WPUCompleteOverlappedRequest);
    ++i;
    std::printf("  %-30s %s%s\n", u.name, fn != nullptr ? "provided" : "MISSING",
                u.limit != nullptr ? (std::string(" (") + u.limit + ")").c_str() : "");
  }
  return 0;
}
