// emu/run/run.h — the modes of the ws2emu-run command, one file each (check.cc, provider.cc,
// entry.cc, program.cc; trace.cc the tracing upcall table, report.cc what the modes print).
#ifndef WS2EMU_EMU_RUN_RUN_H_
#define WS2EMU_EMU_RUN_RUN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/wsa_errors.h"
#include "ws2emu/ws2spi.h"

namespace ws2emu::emu {

// --check FILE: lists every import as resolved or missing; 0 only when none is missing,
// 1 when some are, 2 when the image is refused.
int RunCheck(const std::string &path);

// --timeout's default: how long --exchange waits for the provider's calls before it gives up.
// A loopback exchange takes milliseconds; a layer that sends it elsewhere may take a connect's
// timeout, which the message names.
inline constexpr unsigned kDefaultExchangeTimeoutSeconds = 10;

struct ProviderOptions {
  std::string path;      // empty: the built-in demo provider
  std::string protocol;  // tcp, udp, tcp6 or udp6
  bool exchange = false;  // --exchange: carry bytes through the provider after it started
  unsigned timeout_seconds = kDefaultExchangeTimeoutSeconds;  // --timeout; 0: no limit
};
// --provider: loads the provider, starts it at version 2.2 with the manager's upcall table and
// a WSAPROTOCOL_INFOW for the protocol, checks the proc table, prints the description and
// version, and cleans up. 0 on success; on failure prints the WSA error and returns 1.
int RunProvider(const ProviderOptions &options);

// --entry ID: starts the provider of a catalog entry through the provider manager (for a chain,
// its top layer, which loads the rest), prints what started and the description, then calls
// WSPCleanup. Same exit codes as RunProvider.
int RunEntry(uint32_t catalog_id, bool exchange,
             unsigned timeout_seconds = kDefaultExchangeTimeoutSeconds);

// --exchange (with --provider or --entry): through the started provider's proc table, as a
// program's calls would reach it, opens sockets of `info`'s protocol (TCP or UDP, IPv4 or
// IPv6) over loopback and sends a message one way (TCP: bind, listen, connect, send, accept,
// recv; UDP: bind, sendto, recv); prints what was carried. 0 when the same bytes arrived, else prints the
// failing call and its WSA error and returns 1. When it has not finished in `timeout_seconds`
// (0: no limit), prints the call it is waiting in and ends the process with exit code 1: a
// provider call that does not return cannot be taken back.
int RunExchange(const WSPPROC_TABLE &procs, const WSAPROTOCOL_INFOW &info,
                unsigned timeout_seconds);

// PROGRAM.exe [ARGS...]: runs a Windows console program; returns its exit code (or 2 when it
// cannot be loaded).
int RunProgram(const std::string &path, const std::vector<std::string> &args);

// The demo provider's path (built from tests/providers with mingw-w64), or empty.
std::string DemoProviderPath();

// A copy of the runtime's upcall table whose entries print each call (name, arguments, result,
// time: an "upcall" line of emu/trace) before returning the real upcall's result. --trace puts
// it on the provider manager, which hands it to every WSPStartup (and an LSP to the layers
// below it).
WSPUPCALLTABLE TracingUpcallTable();

// Shared by --provider and --entry (report.cc): prints "ws2emu-run: WHAT: ERROR" on stderr and
// returns 1; prints the started provider's description and version.
int Fail(const std::string &what, int code);
void PrintStarted(const WSPDATA &data);

// "WSAEINVAL (10022)" for a WSA or Win32 error code the SPI uses (lib/base/wsa_errors.h).
using ::ws2emu::WsaErrorName;

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_RUN_RUN_H_
