// ws2emu-run: the command-line entry point of ws2emu. Its modes (PrintUsage has the details):
//
//   ws2emu-run                       the runtime's version, APC backend and upcall table
//   ws2emu-run --version | --help    the version alone; the usage text
//   ws2emu-run [--trace[=api,spi,upcall]] [--trace-file FILE] PROGRAM.exe [ARGS...]
//                                    run a Windows console program; its exit code is returned
//   ws2emu-run --check FILE          every import of a PE image, resolved or missing
//   ws2emu-run --provider [FILE.dll] [--protocol tcp|udp|tcp6|udp6] [TRACE]
//                                    load a provider and start it as ws2_32 would (without
//                                    FILE, the built-in demo provider)
//   ws2emu-run --entry ID [--catalog FILE] [TRACE]
//                                    start the provider of catalog entry ID as ws2_32 would
//   (--provider and --entry take --exchange [--timeout SECONDS]: carry bytes through it)
//   TRACE: --trace[=api,spi,upcall] [--trace-file FILE]: a line per call (emu/trace/trace.h)
#include <cstdio>
#include <strings.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/escape.h"
#include "providers/manager.h"
#include "run/run.h"
#include "trace/trace.h"
#include "ws2emu/ws2emu.h"

namespace {

// The fifteen members of WSPUPCALLTABLE in table order, then the direct ws2_32 export.
constexpr const char *kUpcalls[] = {
    "WPUCloseEvent",
    "WPUCloseSocketHandle",
    "WPUCreateEvent",
    "WPUCreateSocketHandle",
    "WPUFDIsSet",
    "WPUGetProviderPath",
    "WPUModifyIFSHandle",
    "WPUPostMessage",
    "WPUQueryBlockingCallback",
    "WPUQuerySocketHandleContext",
    "WPUQueueApc",
    "WPUResetEvent",
    "WPUSetEvent",
    "WPUOpenCurrentThread",
    "WPUCloseThread",
    "WPUCompleteOverlappedRequest",
};

void PrintUsage(FILE *out) {
  std::fprintf(out,
               "usage: ws2emu-run [--version] [--help]\n"
               "       ws2emu-run [TRACE] PROGRAM.exe [ARGS...]\n"
               "       ws2emu-run --check FILE\n"
               "       ws2emu-run --provider [FILE.dll] [--protocol tcp|udp|tcp6|udp6] "
               "[TRACE]\n"
               "                  [--exchange [--timeout SECONDS]]\n"
               "       ws2emu-run --entry ID [--catalog FILE] [TRACE] [--exchange [--timeout SECONDS]]\n"
               "  TRACE: --trace[=api,spi,upcall] [--trace-file FILE]\n"
               "  with no arguments: print the runtime version and the upcalls it provides\n"
               "  PROGRAM.exe      run a Windows console program; its exit code is returned\n"
               "  --check FILE     list every import of a PE image as resolved, MISSING or\n"
               "                   UNRESOLVABLE (a forwarder cycle); exit 0 only when every\n"
               "                   import resolves, 2 when the image is refused (nothing is run)\n"
               "  --provider FILE  load a Winsock provider DLL, call WSPStartup(2.2) with the\n"
               "                   runtime's upcall table, check its proc table, print its\n"
               "                   description and version, call WSPCleanup; without FILE, the\n"
               "                   built-in demo provider (%s)\n"
               "  --protocol P     the WSAPROTOCOL_INFOW passed to WSPStartup (default tcp)\n"
               "  --entry ID       start the provider of catalog entry ID as ws2_32 would:\n"
               "                   a chain's top layer, from the catalog's path through the\n"
               "                   drive map, with the entry's WSAPROTOCOL_INFOW; same checks\n"
               "  --catalog FILE   the catalog to use (default: WS2EMU_CATALOG, else\n"
               "                   $XDG_DATA_HOME/ws2emu/catalog)\n"
               "  --trace[=LIST]   print a line per call on stderr; LIST (comma-separated, default\n"
               "                   all): api (the program's Winsock and WSC calls into WS2_32.dll),\n"
               "                   spi (every WSP call into every provider layer, WSPStartup\n"
               "                   included), upcall (the WPU calls providers make). A line:\n"
               "                   [tTHREAD] TAG [FILE \"PROTOCOL\"#CATALOG_ID] CALL(ARGS) =\n"
               "                   RESULT [OUTPUTS] [WSAE...] (MICROSECONDS us)\n"
               "  --trace-file FILE  write the trace to FILE (created or truncated, never through\n"
               "                   a symbolic link) instead of stderr\n"
               "  --exchange       after the start, carry a message over loopback through the\n"
               "                   provider's proc table (TCP: bind, listen, connect, send,\n"
               "                   accept, recv; UDP: sendto, recv), as a program's calls would\n"
               "  --timeout SECONDS  how long --exchange waits for the provider (default %u; 0:\n"
               "                   no limit); past it, ws2emu-run names the call it waits in and\n"
               "                   exits 1 (a layer redirecting to a proxy that is not there)\n",
               ws2emu::emu::DemoProviderPath().empty() ? "not built: needs mingw-w64"
                                                       : ws2emu::emu::DemoProviderPath().c_str(),
               ws2emu::emu::kDefaultExchangeTimeoutSeconds);
}

int Usage(const std::string &message) {
  std::fprintf(stderr, "ws2emu-run: %s\n", ws2emu::EscapeForTerminal(message).c_str());
  PrintUsage(stderr);
  return 2;
}

int ListUpcalls();

// Opens the trace file (exit 2 with a message when it cannot be) and starts tracing `mask`,
// before anything is loaded: the export filters decide at lookup time what is traced. The
// upcall table every provider receives (from the provider manager, for PE programs too) becomes
// the tracing one. 0 when nothing failed.
int StartTrace(unsigned mask, bool have_file, const std::string &file) {
  if (mask == 0) return 0;
  if (have_file) {
    std::string error;
    if (!ws2emu::emu::trace::OpenFile(file, &error)) {
      std::fprintf(stderr, "ws2emu-run: cannot write the trace: %s\n",
                   ws2emu::EscapeForTerminal(error).c_str());
      return 2;
    }
  }
  ws2emu::emu::trace::Start(mask);
  if (ws2emu::emu::trace::On(ws2emu::emu::trace::kUpcall))
    ws2emu::providers::ProviderManager::Get().SetUpcallTable(ws2emu::emu::TracingUpcallTable());
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  std::string check;
  bool provider = false, exchange = false, have_timeout = false;
  unsigned timeout = ws2emu::emu::kDefaultExchangeTimeoutSeconds;
  unsigned trace = 0;
  std::string trace_file;
  bool have_trace_file = false;
  std::string entry;
  bool have_check = false, have_entry = false;
  ws2emu::emu::ProviderOptions options;
  options.protocol = "tcp";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    // A value is the next argument unless it is an option; an empty value ('') is a value, and
    // is refused below with the option's own message rather than taken as "not given".
    bool has_value = i + 1 < argc && argv[i + 1][0] != '-';
    if (arg == "--version") {
      std::printf("ws2emu %s\n", ws2emu_version());
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      PrintUsage(stdout);
      return 0;
    } else if (arg == "--check") {
      if (!has_value) return Usage("--check needs a FILE");
      check = argv[++i];
      if (check.empty()) return Usage("--check needs a FILE, not an empty path");
      have_check = true;
    } else if (arg == "--provider") {
      provider = true;
      if (has_value) {
        options.path = argv[++i];
        if (options.path.empty()) return Usage("empty provider path (omit FILE for the demo provider)");
      }
    } else if (arg == "--entry") {
      if (!has_value) return Usage("--entry needs a catalog ID");
      entry = argv[++i];
      have_entry = true;
    } else if (arg == "--catalog") {
      if (!has_value) return Usage("--catalog needs a FILE");
      if (argv[i + 1][0] == 0) return Usage("--catalog needs a FILE, not an empty path");
      setenv("WS2EMU_CATALOG", argv[++i], 1);
    } else if (arg == "--protocol") {
      if (!has_value) return Usage("--protocol needs tcp, udp, tcp6 or udp6");
      options.protocol = argv[++i];
    } else if (arg == "--trace") {
      trace = ws2emu::emu::trace::kAll;
    } else if (arg.rfind("--trace=", 0) == 0) {
      std::string bad;
      if (!ws2emu::emu::trace::ParseCategories(std::string_view(arg).substr(8), &trace, &bad))
        return Usage("--trace takes a list of api, spi and upcall, not '" + bad + "'");
    } else if (arg == "--trace-file") {
      if (i + 1 >= argc || argv[i + 1][0] == 0) return Usage("--trace-file needs a FILE");
      trace_file = argv[++i];
      have_trace_file = true;
    } else if (arg == "--exchange") {
      exchange = true;
    } else if (arg == "--timeout") {
      if (!has_value) return Usage("--timeout needs SECONDS");
      const std::string value = argv[++i];
      char *end = nullptr;
      const unsigned long seconds = std::strtoul(value.c_str(), &end, 10);
      // Up to a day: longer is no bound a person waits for (0 means none at all).
      if (value.empty() || end == value.c_str() || *end != 0 || seconds > 86400)
        return Usage("--timeout needs SECONDS, a whole number from 0 (no limit) to 86400");
      timeout = static_cast<unsigned>(seconds);
      have_timeout = true;
    } else if (arg.size() > 4 && strcasecmp(arg.c_str() + arg.size() - 4, ".exe") == 0) {
      // PROGRAM.exe: everything after it belongs to the program.
      if (have_check || provider || have_entry) return Usage("a program runs on its own, not with --check or --provider");
      if (have_trace_file && trace == 0) return Usage("--trace-file goes with --trace");
      if (int failed = StartTrace(trace, have_trace_file, trace_file); failed != 0) return failed;
      return ws2emu::emu::RunProgram(arg, std::vector<std::string>(argv + i + 1, argv + argc));
    } else {
      return Usage("unknown argument '" + ws2emu::EscapeForTerminal(arg) + "'");
    }
  }
  if (have_timeout && !exchange) return Usage("--timeout goes with --exchange");
  if (have_check + provider + have_entry > 1)
    return Usage("--check, --provider and --entry are separate modes");
  if ((trace != 0 || have_trace_file) && !provider && !have_entry)
    return Usage("--trace goes with a PROGRAM.exe, --provider or --entry");
  if (have_trace_file && trace == 0) return Usage("--trace-file goes with --trace");
  if (int failed = StartTrace(trace, have_trace_file, trace_file); failed != 0) return failed;
  if (have_entry) {
    char *end = nullptr;
    unsigned long id = std::strtoul(entry.c_str(), &end, 10);
    if (end == entry.c_str() || *end != 0 || id == 0 || id > 0xffffffffUL)
      return Usage("--entry needs a catalog ID (a number, as `ws2emu-catalog list` shows)");
    return ws2emu::emu::RunEntry(static_cast<uint32_t>(id), exchange, timeout);
  }
  if (have_check) return ws2emu::emu::RunCheck(check);
  if (provider) {
    options.exchange = exchange;
    options.timeout_seconds = timeout;
    return ws2emu::emu::RunProvider(options);
  }
  if (exchange) return Usage("--exchange goes with --provider or --entry");
  return ListUpcalls();
}

namespace {

int ListUpcalls() {
  std::printf("ws2emu %s\n", ws2emu_version());
  std::printf("APC wake backend: %s\n", ws2emu_apc_backend());
  const WSPUPCALLTABLE *table = ws2emu_upcall_table();
  const auto *entries = reinterpret_cast<const void *const *>(table);
  std::printf("upcall table (WSPUPCALLTABLE, %zu entries) and WPUCompleteOverlappedRequest:\n",
              sizeof(*table) / sizeof(void *));
  size_t i = 0;
  for (const char *name : kUpcalls) {
    const void *fn = i < sizeof(*table) / sizeof(void *)
                         ? entries[i]
                         : reinterpret_cast<const void *>(&WPUCompleteOverlappedRequest);
    ++i;
    std::printf("  %-30s %s\n", name, fn != nullptr ? "provided" : "MISSING");
  }
  return 0;
}

}  // namespace
