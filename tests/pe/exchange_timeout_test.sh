#!/usr/bin/env bash
# ws2emu-run --exchange gives up on a provider call that never returns: past --timeout it names
# the call and exits 1 (stall_provider.dll's WSPSocket sleeps for ever); --timeout's own usage
# errors exit 2.
# Usage: exchange_timeout_test.sh WS2EMU_RUN STALL_PROVIDER
set -u
run=$1
dll=$2
status=0
expect() {  # NAME STATUS PATTERN -- COMMAND...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out
  out=$("$@" 2>&1)
  local got=$?
  if [ "$got" != "$want" ] || ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "exchange_timeout_test: $name: exit $got (want $want), output:"
    echo "$out"
    status=1
  fi
}
expect stalled 1 "timed out: WSPSocket did not return within 1 s" -- \
  "$run" --provider "$dll" --exchange --timeout 1
expect started-first 0 "ws2emu stalling provider" -- "$run" --provider "$dll"
expect without-exchange 2 "--timeout goes with --exchange" -- "$run" --provider "$dll" --timeout 5
expect not-a-number 2 "--timeout needs SECONDS, a whole number" -- \
  "$run" --provider "$dll" --exchange --timeout 5x
expect too-long 2 "--timeout needs SECONDS, a whole number" -- \
  "$run" --provider "$dll" --exchange --timeout 86401
expect missing 2 "--timeout needs SECONDS" -- "$run" --provider "$dll" --exchange --timeout
expect help 0 "--timeout SECONDS" -- "$run" --help
exit $status
