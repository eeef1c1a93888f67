// ws2emu-run: the command-line entry point of ws2emu.
//
// Until the PE loader exists (emu/ issue), it reports what the runtime provides: its version
// and, for each upcall a provider can receive, whether the runtime implements it.
#include <cstdio>
#include <cstring>

#include "ws2emu/ws2emu.h"

namespace {

// The fifteen members of WSPUPCALLTABLE in table order, then the direct ws2_32 export.
constexpr const char *kUpcallNames[] = {
    "WPUCloseEvent",        "WPUCloseSocketHandle",       "WPUCreateEvent",
    "WPUCreateSocketHandle", "WPUFDIsSet",                "WPUGetProviderPath",
    "WPUModifyIFSHandle",   "WPUPostMessage",             "WPUQueryBlockingCallback",
    "WPUQuerySocketHandleContext", "WPUQueueApc",         "WPUResetEvent",
    "WPUSetEvent",          "WPUOpenCurrentThread",       "WPUCloseThread",
    "WPUCompleteOverlappedRequest",
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
  std::printf("upcalls (%zu):\n", sizeof(kUpcallNames) / sizeof(kUpcallNames[0]));
  for (const char *name : kUpcallNames) std::printf("  %-30s not implemented yet\n", name);
  return 0;
}
