#!/usr/bin/env bash
# The LSP sequence of issue 5, as a user runs it: installer -> ws2emu-catalog list ->
# ws2emu-run --entry (a chain: the PE LSP loads the PE base provider through the catalog) ->
# uninstaller; plus a native .so base provider started through the catalog. The catalog does
# not exist at first, so it holds MSAFD's four default entries, 1001..1004: the test's own
# entries start at 1005, and each is started by its ID.
# Usage: lsp_test.sh WS2EMU_RUN LSP_INSTALLER LSP_DLL BASE_DLL BASE_SO WS2EMU_CATALOG_TOOL
set -u
run=$1 installer=$2 lsp=$3 base_dll=$4 base_so=$5 tool=$6
source "$(dirname "$0")/../expect.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WS2EMU_CATALOG="$work/catalog" WS2EMU_DRIVE_C="$work/drive_c"
mkdir -p "$WS2EMU_DRIVE_C/Windows/System32"
cp "$base_dll" "$WS2EMU_DRIVE_C/Windows/System32/ws2emu_testbase.dll"
cp "$lsp" "$WS2EMU_DRIVE_C/Windows/System32/ws2emu_testlsp.dll"

expect install-base 0 "installed the base provider" -- \
  "$run" "$installer" install-base '%SystemRoot%\system32\ws2emu_testbase.dll'
expect install-lsp 0 "installed layered entry 1007 and chains 1008 1009" -- \
  "$run" "$installer" install-lsp '%SystemRoot%\System32\WS2EMU_TESTLSP.DLL'
expect install-lsp-twice 1 "WSCInstallProvider\(layered\) failed: 11003" -- \
  "$run" "$installer" install-lsp '%SystemRoot%\system32\ws2emu_testlsp.dll'
if [ -x "$tool" ]; then
  expect catalog-list 0 "ws2emu test LSP over ws2emu test base \[TCP/IP\]" -- "$tool" list
  expect catalog-list-defaults 0 "Catalog Entry 1001 \(base\)" -- "$tool" list
fi
expect entry-base 0 "description ws2emu sample provider" -- "$run" --entry 1005
expect entry-chain 0 "description ws2emu test LSP over ws2emu sample provider" -- \
  "$run" --entry 1008
expect entry-chain-loads-base 0 "lsp_provider: layer 1007 over entry 1005, loaded C:.Windows.[Ss]ystem32.ws2emu_testbase.dll" -- \
  "$run" --entry 1008
expect entry-chain-trace 0 "upcall WPUGetProviderPath\(" -- "$run" --entry 1009 --trace
expect entry-layered 1 "layered entry: start one of its chains.*WSAEINVAL \(10022\)" -- \
  "$run" --entry 1007
expect entry-unknown 1 "does not exist.*WSAEINVAL" -- "$run" --entry 4242
# Microsoft's sample installer removes the hidden layered entry before its chains; the catalog
# does not refuse (as Windows), and a chain left naming it fails where it is used, naming it.
expect uninstall-layered-first 0 "" -- "$run" "$installer" uninstall-layered
expect broken-chain-entry 1 "catalog entry 1008 \(chain \"ws2emu test LSP over ws2emu test base \[TCP/IP\]\"\) names entry 1007, which is not installed.*WSAEPROVIDERFAILEDINIT \(10106\)" -- \
  "$run" --entry 1008
if [ -x "$tool" ]; then
  expect broken-chain-check 1 "entry 1008 \"ws2emu test LSP over ws2emu test base \[TCP/IP\]\": broken chain: the chain \(1007 : 1005\) names entry 1007, which is not installed" -- \
    "$tool" check
fi
expect uninstall-chains 0 "" -- "$run" "$installer" uninstall-chains
expect after-uninstall 1 "catalog entry 1008 does not exist" -- "$run" --entry 1008
if [ -x "$tool" ]; then
  expect check-after-uninstall 0 "^catalog OK: 6 entries$" -- "$tool" check
fi
expect base-still-there 0 "description ws2emu sample provider" -- "$run" --entry 1006
expect uninstall-base 0 "" -- "$run" "$installer" uninstall-base

# A native base provider (.so) is started through the catalog the same way.
expect native-install 0 "installed the base provider" -- \
  "$run" "$installer" install-base "$base_so"
expect native-entry 0 "description ws2emu sample provider" -- "$run" --entry 1010
expect native-entry-kind 0 "provider .* \(native\)" -- "$run" --entry 1010
# And a PE layer over it: the LSP's LoadLibraryW opens the .so (through the drive map).
cp "$base_so" "$WS2EMU_DRIVE_C/Windows/System32/ws2emu_testbase.so"
expect native-swap 0 "" -- "$run" "$installer" uninstall-base
expect native-install-mapped 0 "installed the base provider" -- \
  "$run" "$installer" install-base '%SystemRoot%\system32\ws2emu_testbase.so'
expect lsp-over-native-install 0 "installed layered entry 1014 and chains 1015 1016" -- \
  "$run" "$installer" install-lsp '%SystemRoot%\system32\ws2emu_testlsp.dll'
expect lsp-over-native 0 "loaded C:.Windows.system32.ws2emu_testbase.so" -- \
  "$run" --entry 1015
expect lsp-over-native-description 0 "description ws2emu test LSP over ws2emu sample provider" -- \
  "$run" --entry 1016
# A provider file that is not there: WSAEPROVIDERFAILEDINIT naming it.
expect missing-file 1 "no such file.*WSAEPROVIDERFAILEDINIT \(10106\)" -- \
  env WS2EMU_CATALOG="$work/other" bash -c \
  "'$run' '$installer' install-base 'C:\\nowhere\\x.dll' >/dev/null && '$run' --entry 1005"
summary
