#!/usr/bin/env bash
# Issue 11's PE layer over the built-in base provider, as a user runs it: a fresh catalog holds
# MSAFD's four entries; the test LSP (PE, mingw-w64) is installed over them; `ws2emu-run --entry
# CHAIN --exchange` starts the chain, the LSP loads %SystemRoot%\system32\mswsock.dll by path
# (the built-in module) and starts it, and a TCP or UDP exchange over loopback goes through the
# LSP's own send and receive entries down to Linux.
# Usage: base_chain_test.sh WS2EMU_RUN LSP_INSTALLER LSP_DLL
set -u
run=$1 installer=$2 lsp=$3
source "$(dirname "$0")/../expect.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WS2EMU_CATALOG="$work/catalog" WS2EMU_DRIVE_C="$work/drive_c"
mkdir -p "$WS2EMU_DRIVE_C/Windows/System32"
cp "$lsp" "$WS2EMU_DRIVE_C/Windows/System32/ws2emu_testlsp.dll"

# The base provider alone, from a catalog that does not exist yet.
expect base-tcp 0 "exchange   sent 24 bytes, received the same 24 bytes" -- \
  "$run" --entry 1001 --exchange
expect base-is-built-in 0 "MSWSOCK.dll \(built-in\)" -- "$run" --entry 1003 --exchange
expect base-udp6 0 "exchange   UDP over loopback" -- "$run" --entry 1004 --exchange
expect base-by-path 0 "exchange   sent 24 bytes" -- \
  "$run" --provider 'c:\WINDOWS\System32\MSWSOCK.DLL' --protocol tcp6 --exchange

expect install 0 "installed layered entry 1005 and chains 1006 1007 1008 1009" -- \
  "$run" "$installer" install-lsp-over-msafd '%SystemRoot%\system32\ws2emu_testlsp.dll'
expect chain-loads-mswsock 0 "lsp_provider: layer 1005 over entry 1001, loaded C:.Windows.system32.mswsock.dll" -- \
  "$run" --entry 1006 --exchange
expect chain-tcp 0 "lsp_provider: 24 bytes out and 24 bytes in through the layer" -- \
  "$run" --entry 1006 --exchange
expect chain-udp 0 "lsp_provider: 24 bytes out and 24 bytes in through the layer" -- \
  "$run" --entry 1007 --exchange
expect chain-tcp6 0 "lsp_provider: layer 1005 over entry 1003" -- \
  "$run" --entry 1008 --exchange
expect chain-udp6 0 "exchange   UDP over loopback" -- "$run" --entry 1009 --exchange
# The base provider's upcalls go through the table the chain was started with: --trace sees
# the IFS handles registered under the chain's catalog ID (the LSP passes handles through).
expect chain-trace 0 "upcall WPUModifyIFSHandle\(dwCatalogEntryId=1006" -- \
  "$run" --entry 1006 --exchange --trace
expect uninstall 0 "uninstalled the LSP" -- "$run" "$installer" uninstall
expect base-after 0 "exchange   sent 24 bytes" -- "$run" --entry 1001 --exchange
summary
