#!/usr/bin/env bash
# Issue 12, "Through layered providers", as a user runs it: a PE installer
# (lsp_installer2.exe, WSCInstallProviderAndChains64_32) layers the IFS test LSP
# (lsp_provider.dll) or the non-IFS one (nonifs_lsp.dll) over MSAFD's four entries; an
# ordinary Winsock program (lsp_client.exe: TCP and UDP echo over IPv4 and IPv6, overlapped I/O
# with an event, completion routines and a completion port) runs unchanged over it; the layer's
# byte counts (printed by its last WSPCleanup) must be the client's; uninstalling must leave the
# catalog exactly as it was. Then the two stacked, each way round.
# Usage: lsp_echo_test.sh WS2EMU_RUN LSP_INSTALLER2 IFS_LSP_DLL NONIFS_LSP_DLL LSP_CLIENT
#                         WS2EMU_CATALOG_TOOL
set -u
run=$1 installer=$2 ifs=$3 nonifs=$4 client=$5 tool=$6
source "$(dirname "$0")/../expect.sh"
source "$(dirname "$0")/lsp_common.sh"

# Runs the client; checks that every layer named in $@ counted exactly the client's bytes.
# NAME LAYER_PREFIX...
client_over() {
  local name=$1
  shift
  local out rc
  out=$("$run" "$client" 2>&1)
  rc=$?
  local totals
  totals=$(grep -oE 'lsp_client: [0-9]+ bytes sent, [0-9]+ bytes received' <<<"$out")
  if [ "$rc" -ne 0 ] || [ -z "$totals" ]; then
    fail "$name: the client failed (exit $rc), output:"
    printf '%s\n' "$out"
    return
  fi
  local sent received
  read -r sent received < <(sed -E 's/lsp_client: ([0-9]+) bytes sent, ([0-9]+) bytes received/\1 \2/' <<<"$totals")
  if [ "$sent" -eq 0 ]; then
    fail "$name: the client sent nothing"
    return
  fi
  local layer ok=1
  for layer in "$@"; do
    if ! grep -qE "^$layer: $sent bytes out and $received bytes in through the layer" <<<"$out"; then
      ok=0
      fail "$name: $layer did not count $sent bytes out and $received in; output:"
      printf '%s\n' "$out"
    fi
  done
  [ "$ok" -eq 1 ] && pass
}

# The client alone: no layer.
expect bare-client 0 "lsp_client: [0-9]+ bytes sent" -- "$run" "$client"

# Argument checks of the installer's call.
expect install-not-system32 1 "WSCInstallProviderAndChains64_32 failed: 10022" -- \
  "$run" "$installer" install ifs 'C:\elsewhere\ws2emu_testlsp.dll'

# 1. The IFS LSP.
expect ifs-install 0 "installed ifs: layered entry [0-9]+ and chains( [0-9]+){4}$" -- \
  "$run" "$installer" install ifs "$ifs_path"
expect ifs-list 0 " ifs chain [0-9]+ 1001 \"ws2emu test LSP over \[MSAFD Tcpip \[TCP/IP\]\]\"" -- \
  "$run" "$installer" list
expect ifs-list-ifs-chain 0 " ifs chain [0-9]+ 1004 \"ws2emu test LSP over \[MSAFD Tcpip \[UDP/IPv6\]\]\"" -- \
  "$run" "$installer" list
expect ifs-list-hidden 0 "layered \"ws2emu test LSP\"" -- "$run" "$installer" list
expect ifs-install-twice 1 "WSCInstallProviderAndChains64_32 failed: 10022" -- \
  "$run" "$installer" install ifs "$ifs_path"
expect ifs-loads-mswsock 0 "lsp_provider: layer [0-9]+ over entry 1001, loaded C:.Windows.system32.mswsock.dll" -- \
  "$run" "$client"
client_over ifs-client lsp_provider
expect ifs-uninstall 0 "uninstalled ifs" -- "$run" "$installer" uninstall ifs
expect ifs-uninstall-twice 1 "finding the layered entry failed" -- \
  "$run" "$installer" uninstall ifs
catalog_as_before ifs-catalog-after

# 2. The non-IFS LSP.
expect nonifs-install 0 "installed nonifs: layered entry [0-9]+ and chains( [0-9]+){4}$" -- \
  "$run" "$installer" install nonifs "$nonifs_path"
expect nonifs-list 0 "non-ifs chain [0-9]+ 1003 \"ws2emu non-IFS LSP over \[MSAFD Tcpip \[TCP/IPv6\]\]\"" -- \
  "$run" "$installer" list
expect nonifs-loads-mswsock 0 "nonifs_lsp: layer [0-9]+ over entry 100[1-4], loaded C:.Windows.system32.mswsock.dll" -- \
  "$run" "$client"
client_over nonifs-client nonifs_lsp
# A fault in the layer is an exception the layer handles: it reads the application's buffers
# under __try/__except, and a garbage pointer is WSAEFAULT, not a crash.
expect nonifs-guarded-buffers 0 "badbuf6: WSAEFAULT for both bad buffers, then 11 bytes through" -- \
  "$run" "$client" badbuf
# Traced, the same garbage pointers are decoded as unreadable, not read: no crash in ws2emu.
expect nonifs-traced-bad-buffers 0 "api WSASend\(s=0x[0-9a-f]+, 1 buf at 0x10 \(unreadable\).*WSAEFAULT" -- \
  "$run" --trace=api,spi "$client" badbuf
# Its handles are its own: a chain's exchange (ws2emu-run --entry, the WSP calls made directly)
# goes through WPUCreateSocketHandle and WPUQuerySocketHandleContext, and is counted too.
tcp_chain=$("$run" "$installer" list | grep -m1 -oE '^[0-9]+ af=2 type=1 .*non-IFS LSP over' | cut -d' ' -f1)
expect nonifs-exchange 0 "nonifs_lsp: 24 bytes out and 24 bytes in through the layer" -- \
  "$run" --entry "$tcp_chain" --exchange
expect nonifs-own-handles 0 "upcall WPUCreateSocketHandle\(dwCatalogEntryId=$tcp_chain" -- \
  "$run" --entry "$tcp_chain" --exchange --trace
expect nonifs-handle-context 0 "upcall WPUQuerySocketHandleContext\(" -- \
  "$run" --entry "$tcp_chain" --exchange --trace
expect nonifs-uninstall 0 "uninstalled nonifs" -- "$run" "$installer" uninstall nonifs
catalog_as_before nonifs-catalog-after

# 3. Stacked: the IFS LSP over the non-IFS one (chains of three), then the other way round.
expect stack1-nonifs 0 "installed nonifs" -- "$run" "$installer" install nonifs "$nonifs_path"
expect stack1-ifs 0 "installed ifs" -- "$run" "$installer" install ifs "$ifs_path"
expect stack1-list 0 "chain [0-9]+ [0-9]+ 1002 \"ws2emu test LSP over \[ws2emu non-IFS LSP over \[MSAFD Tcpip \[UDP/IP\]\]\]\"" -- \
  "$run" "$installer" list
client_over stack1-client lsp_provider nonifs_lsp
# The lower layer cannot go while the upper one's chains use it: the catalog does not refuse
# (as Windows), the installer does, and the catalog is left as it was.
expect stack1-wrong-order 1 "chain entry [0-9]+ of another LSP goes through layered entry [0-9]+: uninstall that LSP first" -- \
  "$run" "$installer" uninstall nonifs
expect stack1-uninstall-ifs 0 "uninstalled ifs" -- "$run" "$installer" uninstall ifs
expect stack1-uninstall-nonifs 0 "uninstalled nonifs" -- "$run" "$installer" uninstall nonifs
catalog_as_before stack1-catalog-after

expect stack2-ifs 0 "installed ifs" -- "$run" "$installer" install ifs "$ifs_path"
expect stack2-nonifs 0 "installed nonifs" -- "$run" "$installer" install nonifs "$nonifs_path"
client_over stack2-client nonifs_lsp lsp_provider
expect stack2-uninstall-nonifs 0 "uninstalled nonifs" -- "$run" "$installer" uninstall nonifs
expect stack2-uninstall-ifs 0 "uninstalled ifs" -- "$run" "$installer" uninstall ifs
catalog_as_before stack2-catalog-after
expect client-after 0 "lsp_client: [0-9]+ bytes sent" -- "$run" "$client"
summary
