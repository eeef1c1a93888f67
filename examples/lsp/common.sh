# examples/lsp/common.sh — sourced by demo.sh and tests/providers/lsp_day_test.sh, with $dlls set
# to the folder holding example_lsp_a.dll and example_lsp_b.dll:
#   - a throwaway catalog and drive C: in $work (removed on exit), both DLLs in its System32;
#   - start_peer: starts echo_peer.py, sets $peer_pid and $port (empty when it did not start);
#   - stop_peer: waits for the peer (5 s at most) and returns its exit status.
work=$(mktemp -d)
trap 'stop_peer >/dev/null 2>&1; rm -rf "$work"' EXIT
export WS2EMU_CATALOG="$work/catalog" WS2EMU_DRIVE_C="$work/drive_c"
mkdir -p "$WS2EMU_DRIVE_C/Windows/System32"
cp "$dlls/example_lsp_a.dll" "$dlls/example_lsp_b.dll" "$WS2EMU_DRIVE_C/Windows/System32/"
# shellcheck disable=SC2034  # used by the scripts that source this one
lsp_a_path='%SystemRoot%\system32\example_lsp_a.dll'
# shellcheck disable=SC2034
lsp_b_path='%SystemRoot%\system32\example_lsp_b.dll'
peer_pid=

start_peer() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/echo_peer.py" >"$work/peer.out" 2>&1 &
  peer_pid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's/^listening on port \([0-9][0-9]*\)$/\1/p' "$work/peer.out")
    [ -n "$port" ] && return 0
    kill -0 "$peer_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/peer.out" >&2
  return 1
}

stop_peer() {
  [ -n "$peer_pid" ] || return 0
  for _ in $(seq 50); do
    kill -0 "$peer_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$peer_pid" 2>/dev/null || true
  local rc=0
  wait "$peer_pid" || rc=$?
  peer_pid=
  return $rc
}
