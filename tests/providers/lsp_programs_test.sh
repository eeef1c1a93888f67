#!/usr/bin/env bash
# Issue 12: the Windows socket programs of tests/winsock (echo.exe, io_modes.exe), unchanged,
# over the test LSPs as lsp_installer2.exe installs them (WSCInstallProviderAndChains64_32):
# the IFS one (lsp_provider.dll), the non-IFS one (nonifs_lsp.dll) and the IFS one stacked over
# the non-IFS one. echo.exe runs as server and client (two ws2emu-run processes), TCP and UDP
# over IPv4 and IPv6: each process's layers must count exactly the bytes it echoed. io_modes.exe
# runs each way of waiting (overlapped by event, routine and port, select, WSAPoll,
# WSAEventSelect, WSAAsyncSelect, AcceptEx/ConnectEx) through the layers. After each uninstall
# the catalog is as it was.
# Usage: lsp_programs_test.sh WS2EMU_RUN LSP_INSTALLER2 IFS_LSP_DLL NONIFS_LSP_DLL ECHO_EXE
#                             IO_MODES_EXE WS2EMU_CATALOG_TOOL
set -u
run=$1 installer=$2 ifs=$3 nonifs=$4 echo_exe=$5 io_modes=$6 tool=$7
source "$(dirname "$0")/../expect.sh"
source "$(dirname "$0")/lsp_common.sh"

# echo_pair NAME PROTO V BYTES LAYER...: echo.exe server and client; both exit 0 and every
# layer of each process counted BYTES each way.
echo_pair() {
  local name=$1 proto=$2 v=$3 bytes=$4
  shift 4
  "$run" "$echo_exe" server "$proto" "$v" >"$work/server.out" 2>&1 &
  local pid=$! port=
  for _ in $(seq 200); do
    port=$(sed -n 's/^listening on port \([0-9][0-9]*\).*/\1/p' "$work/server.out")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    fail "$name: the server printed no port, output:"
    cat "$work/server.out"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return
  fi
  "$run" "$echo_exe" client "$proto" "$v" "$port" >"$work/client.out" 2>&1
  local client_rc=$?
  for _ in $(seq 200); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null
  wait "$pid"
  local server_rc=$? ok=1 layer side
  [ "$client_rc" -eq 0 ] && grep -q "echo ok" "$work/client.out" || ok=0
  [ "$server_rc" -eq 0 ] || ok=0
  for layer in "$@"; do
    for side in server client; do
      grep -qE "^$layer: $bytes bytes out and $bytes bytes in through the layer" \
        "$work/$side.out" || ok=0
    done
  done
  if [ "$ok" -eq 1 ]; then
    pass
  else
    fail "$name: client exit $client_rc, server exit $server_rc, want $bytes bytes each way through $*:"
    echo "-- server:"; cat "$work/server.out"
    echo "-- client:"; cat "$work/client.out"
  fi
}

# programs SETUP LAYER...: everything over the layers installed.
programs() {
  local setup=$1
  shift
  local proto v
  for proto in tcp udp; do
    for v in 4 6; do
      if [ "$proto" = tcp ]; then
        echo_pair "$setup-echo-$proto$v" "$proto" "$v" 333277 "$@"
      else
        echo_pair "$setup-echo-$proto$v" "$proto" "$v" 65597 "$@"
      fi
    done
  done
  local sub top=$1
  for sub in overlapped-event overlapped-routine overlapped-port select poll event-select \
             async-select acceptex; do
    expect "$setup-io-$sub" 0 "^$sub ok" -- "$run" "$io_modes" "$sub"
    expect "$setup-io-$sub-layered" 0 "^$top: layer [0-9]+ over entry" -- "$run" "$io_modes" "$sub"
  done
}

expect ifs-install 0 "installed ifs" -- "$run" "$installer" install ifs "$ifs_path"
programs ifs lsp_provider
expect ifs-uninstall 0 "uninstalled ifs" -- "$run" "$installer" uninstall ifs
catalog_as_before ifs-catalog-after

expect nonifs-install 0 "installed nonifs" -- "$run" "$installer" install nonifs "$nonifs_path"
programs nonifs nonifs_lsp
# The non-IFS layer completes every overlapped request itself: its counts cover them all,
# whichever way the program waits.
expect nonifs-port-counted 0 "^nonifs_lsp: 200000 bytes out and 200000 bytes in" -- \
  "$run" "$io_modes" overlapped-port
expect nonifs-uninstall 0 "uninstalled nonifs" -- "$run" "$installer" uninstall nonifs
catalog_as_before nonifs-catalog-after

expect stack-nonifs 0 "installed nonifs" -- "$run" "$installer" install nonifs "$nonifs_path"
expect stack-ifs 0 "installed ifs" -- "$run" "$installer" install ifs "$ifs_path"
programs stack lsp_provider nonifs_lsp
expect stack-uninstall-ifs 0 "uninstalled ifs" -- "$run" "$installer" uninstall ifs
expect stack-uninstall-nonifs 0 "uninstalled nonifs" -- "$run" "$installer" uninstall nonifs
catalog_as_before stack-catalog-after
summary
