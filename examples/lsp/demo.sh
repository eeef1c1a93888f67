#!/usr/bin/env bash
# examples/lsp/demo.sh [BUILD_DIR] — ws2emu's main job in one run (README, Quick start):
#   1. installs the example LSP (example_lsp_a.dll, a Windows DLL built with mingw-w64) over the
#      built-in base provider, with its Windows installer, in a throwaway catalog;
#   2. runs a Windows echo client (PE) through the LSP against a native Linux echo peer, with the
#      SPI trace on, and prints the exchange and the bytes the LSP counted;
#   3. shows a few lines of the trace (the LSP's calls and the base provider's below them);
#   4. removes the LSP and checks the catalog.
# Nothing outside a temporary folder is touched; exits non-zero if any step fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
run=$build/emu/run/ws2emu-run
installer=$build/examples/lsp/example_installer.exe
client=$build/examples/lsp/example_echo_client.exe
tool=$build/tools/catalog/ws2emu-catalog
dlls=$build/examples/lsp
for f in "$run" "$installer" "$client" "$tool" "$dlls/example_lsp_a.dll"; do
  [ -e "$f" ] || { echo "demo: $f is missing: build first (meson compile -C build)" >&2; exit 2; }
done
source "$here/common.sh"

step() { printf '\n== %s\n' "$*"; }

step "1. Install the example LSP over MSAFD (ws2emu's base provider), in a throwaway catalog"
"$run" "$installer" install a "$lsp_a_path"
"$tool" check

step "2. A Windows echo client (PE) through the LSP, against a native Linux echo peer"
start_peer || { echo "demo: the echo peer did not start" >&2; exit 1; }
"$run" --trace=spi --trace-file "$work/trace.txt" "$client" 127.0.0.1 "$port" \
  "hello from a Windows program" "through a Layered Service Provider" "on Linux"
stop_peer
sed 's/^/peer: /' "$work/peer.out"

step "3. The SPI trace: every call between the layers ($(wc -l <"$work/trace.txt") lines in all; some of them)"
grep -E "WSPSocket|WSPConnect|WSPSend\(" "$work/trace.txt" | head -6

step "4. Remove the LSP; the catalog is as it was"
"$run" "$installer" remove a
"$tool" check
