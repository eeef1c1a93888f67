#!/usr/bin/env bash
# Issue 13, "An LSP author's day": the example LSPs and installer of examples/lsp (written the way
# Microsoft's LSP sample finds its entries: the hidden entry by GUID, the chains by the hidden
# entry's ID, the next layer through WSCGetProviderPath + LoadLibraryW) through a whole day:
#   install LSP A over MSAFD and LSP B over A (WSCInstallProviderAndChains64_32), every chain
#   with a GUID of its own; `ws2emu-catalog list` and `check`; a Windows echo client through
#   both layers against a native Linux echo peer, with the trace in a file; remove B (chains,
#   then the hidden entry) and A (hidden entry first, as the sample's "remove all"); `check`
#   clean and the catalog as before. Then an installer killed half-way (hidden entry removed,
#   chains left): `check` names the broken chains, the client and `--entry` fail with
#   WSAEPROVIDERFAILEDINIT naming the missing entry, `repair` removes them, `check` is clean.
# Usage: lsp_day_test.sh WS2EMU_RUN EXAMPLE_INSTALLER EXAMPLE_ECHO_CLIENT EXAMPLE_LSP_A_DLL
#                        WS2EMU_CATALOG_TOOL
set -u
run=$1 installer=$2 client=$3 dlls=$(dirname "$4") tool=$5
source "$(dirname "$0")/../expect.sh"
source "$(dirname "$0")/../../examples/lsp/common.sh"

source "$(dirname "$0")/catalog_compare.sh"
guid_a='{6C5A0001-51D3-4E0B-8B1E-77000000000A}'
guid_b='{6C5A0002-51D3-4E0B-8B1E-77000000000B}'

# --- install: A over MSAFD, B over A ---
"$run" "$installer" install a "$lsp_a_path" >"$work/install_a.out" 2>&1
rc=$?
"$run" "$installer" install b "$lsp_b_path" >"$work/install_b.out" 2>&1
rc_b=$?
if [ "$rc" -eq 0 ] && [ "$rc_b" -eq 0 ]; then pass; else
  fail "install: exit $rc and $rc_b, output:"
  cat "$work/install_a.out" "$work/install_b.out"
fi
# Four chains each, every one with a GUID of its own (not the LSP's, not another chain's).
chain_guids=$(sed -n 's/^  chain [0-9]* \({[0-9A-F-]*}\).*/\1/p' "$work/install_a.out" "$work/install_b.out")
if [ "$(wc -l <<<"$chain_guids")" -eq 8 ] && [ "$(sort -u <<<"$chain_guids" | wc -l)" -eq 8 ] &&
   ! grep -qF -e "$guid_a" -e "$guid_b" <<<"$chain_guids"; then
  pass
else
  fail "install: want 8 chains with 8 fresh GUIDs, got:"
  cat "$work/install_a.out" "$work/install_b.out"
fi
hidden_a=$(sed -n 's/^installed example LSP A: hidden entry \([0-9]*\).*/\1/p' "$work/install_a.out")
hidden_b=$(sed -n 's/^installed example LSP B: hidden entry \([0-9]*\).*/\1/p' "$work/install_b.out")
# B's chains run through A: B, A, then an MSAFD entry.
expect "B stacked over A" 0 " chain $hidden_b $hidden_a 100[1-4] \"" -- "$run" "$installer" list
expect "catalog list" 0 "example LSP B" -- "$tool" list
expect "catalog check, installed" 0 "" -- "$tool" check

# --- a day's traffic: the Windows echo client through B, A and MSAFD to a native peer ---
if start_peer; then
  "$run" --trace --trace-file "$work/trace.txt" "$client" 127.0.0.1 "$port" \
    "hello from a Windows program" "through two LSPs" >"$work/client.out" 2>&1
  rc=$?
  stop_peer
  peer_rc=$?
  if [ "$rc" -eq 0 ] && [ "$peer_rc" -eq 0 ] && grep -q "^echo ok (2 messages, 44 bytes)" "$work/client.out" &&
     grep -q "^echoed 44 bytes" "$work/peer.out"; then
    pass
  else
    fail "client through B and A: exit $rc, peer exit $peer_rc, output:"
    cat "$work/client.out" "$work/peer.out"
  fi
  for layer in "example LSP A" "example LSP B"; do
    if grep -q "^$layer: 44 bytes out and 44 bytes in through the layer" "$work/client.out"; then
      pass
    else
      fail "$layer did not count the client's 44 bytes each way:"
      cat "$work/client.out"
    fi
  done
  # The trace: nothing on the terminal, every layer's calls in the file.
  if grep -qE "^(api|spi|upcall) |\] (api|spi|upcall) " "$work/client.out"; then
    fail "--trace-file: trace lines reached the terminal"
  else
    pass
  fi
  for want in "spi .*example LSP B.* WSPSend\(" "spi .*example LSP A.* WSPSend\(" \
              "spi .*MSAFD Tcpip \[TCP/IP\].* WSPSend\(" "spi .*WSPConnect\(.*127\.0\.0\.1:$port" \
              "api .*connect\(.*127\.0\.0\.1:$port" "upcall .*WPUCreateSocketHandle|upcall .*WPU"; do
    if grep -qE -- "$want" "$work/trace.txt"; then pass; else
      fail "trace: no line matches /$want/; the trace:"
      head -50 "$work/trace.txt"
    fi
  done
else
  fail "the native echo peer did not start"
fi

# --- removal as the sample does it ---
expect "remove B, chains first" 0 "removed hidden entry $hidden_b" -- "$run" "$installer" remove b
expect "remove A, hidden entry first" 0 "removed chain" -- "$run" "$installer" remove-hidden-first a
expect "catalog check after removal" 0 "" -- "$tool" check
catalog_as_before "removed"

# --- an installer killed half-way: chains over a missing hidden entry ---
"$run" "$installer" install a "$lsp_a_path" >"$work/install_a2.out" 2>&1
hidden_a=$(sed -n 's/^installed example LSP A: hidden entry \([0-9]*\).*/\1/p' "$work/install_a2.out")
chain_a=$(sed -n 's/^  chain \([0-9]*\) .*\[TCP\/IP\]\]"$/\1/p' "$work/install_a2.out")
expect "remove the hidden entry only" 0 "removed hidden entry $hidden_a" -- \
  "$run" "$installer" remove-hidden-only a
expect "check names the broken chain" 1 "$chain_a.*$hidden_a" -- "$tool" check
expect "the client on a broken chain" 1 "socket failed: WSAGetLastError 10106" -- \
  "$run" "$client" 127.0.0.1 9 x
expect "the client's error names the missing entry" 1 "$hidden_a" -- "$run" "$client" 127.0.0.1 9 x
expect "--entry on a broken chain" 1 "WSAEPROVIDERFAILEDINIT.*$hidden_a|$hidden_a.*WSAEPROVIDERFAILEDINIT" -- \
  "$run" --entry "$chain_a"
expect "repair" 0 "$chain_a" -- "$tool" repair
expect "check after repair" 0 "" -- "$tool" check
catalog_as_before "repaired"

summary
