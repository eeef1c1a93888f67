#!/usr/bin/env bash
# A controller and an LSP in two ws2emu-run processes talking through a named section and named
# events (named_controller.c, named_lsp.c), in a namespace folder of their own; the folder must
# be empty once both have exited.
# Usage: named_test.sh WS2EMU_RUN NAMED_CONTROLLER NAMED_LSP
set -u
run=$1 controller=$2 lsp=$3
dir=$(mktemp -d)
chmod 700 "$dir"
trap 'kill "$cpid" 2>/dev/null; rm -rf "$dir"' EXIT
export XDG_RUNTIME_DIR=$dir
mkfifo "$dir/out"
"$run" "$controller" > "$dir/out" &
cpid=$!
# The controller prints "ready" once its objects exist.
exec 3< "$dir/out"
if ! read -r -t 60 line <&3 || [ "$line" != "ready" ]; then
  echo "named_test: the controller did not get ready (got '${line:-}')" >&2
  exit 1
fi
"$run" --provider "$lsp"
lsp_status=$?
cat <&3
wait "$cpid"
controller_status=$?
cpid=
if [ "$lsp_status" -ne 0 ] || [ "$controller_status" -ne 0 ]; then
  echo "named_test: LSP exit $lsp_status, controller exit $controller_status" >&2
  exit 1
fi
left=$(ls -A "$dir/ws2emu-objects")
if [ -n "$left" ]; then
  echo "named_test: left in the namespace folder: $left" >&2
  exit 1
fi
echo "named_test: ok"
