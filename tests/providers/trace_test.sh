#!/usr/bin/env bash
# Issue 13: ws2emu-run --trace at every layer. lsp_client.exe (an ordinary Winsock program) over
# the IFS test LSP (lsp_provider.dll) that lsp_installer2.exe installs over MSAFD in a throwaway
# catalog: --trace=spi shows the WSP calls of both layers (the LSP's chain entry and the base
# provider's entry below it, which the LSP loaded itself through LoadLibraryW/GetProcAddress),
# --trace=api only the program's Winsock calls, --trace=upcall only the upcalls; --trace-file
# writes the file and nothing to stderr; bad --trace lists and unwritable trace files are
# refused with exit 2.
# Usage: trace_test.sh WS2EMU_RUN LSP_INSTALLER2 IFS_LSP_DLL NONIFS_LSP_DLL LSP_CLIENT_EXE
#                      WS2EMU_CATALOG_TOOL
set -u
run=$1 installer=$2 ifs=$3 nonifs=$4 client=$5 tool=$6
source "$(dirname "$0")/../expect.sh"
source "$(dirname "$0")/lsp_common.sh"

# only TAG NAME FILE: every trace line of FILE ("[tN] TAG ...") has tag TAG, and there is one.
only() {
  local tag=$1 name=$2 file=$3
  if grep -qE "^\[t[0-9]+\] $tag " "$file" && ! grep -E '^\[t[0-9]+\] ' "$file" | grep -vqE "^\[t[0-9]+\] $tag "; then
    pass
  else
    fail "$name: want only '$tag' trace lines, got:"
    grep -E '^\[t[0-9]+\] ' "$file" | grep -vE "^\[t[0-9]+\] $tag " | head -5
  fi
}

# has NAME PATTERN FILE: FILE has a line matching the ERE.
has() {
  if grep -qE -- "$2" "$3"; then
    pass
  else
    fail "$1: no line matches /$2/ in:"
    head -40 "$3"
  fi
}

# The installer's catalog calls, traced as api lines.
expect install-traced 0 '^\[t1\] api WSCInstallProviderAndChains64_32\(\{[0-9A-F-]+\}, "%SystemRoot%.system32.ws2emu_testlsp.dll", "ws2emu test LSP", [0-9]+ entries\) = 0 layered entry [0-9]+ \([0-9]+ us\)' -- \
  "$run" --trace=api "$installer" install ifs "$ifs_path"
# The TCP/IPv4 chain (LSP over MSAFD's first entry) and the base entry below it.
chain=$("$run" "$installer" list | grep -m1 -oE '^[0-9]+ af=2 type=1 .*LSP over' | cut -d' ' -f1)
base=$("$tool" list | sed -n 's/^Catalog Entry \([0-9][0-9]*\) (base)$/\1/p' | head -1)
[ -n "$chain" ] && [ -n "$base" ] && pass || fail "no chain ($chain) or base ($base) entry listed"

# --trace=spi: both layers, each line with its layer's protocol name and catalog ID.
"$run" --trace=spi "$client" >"$work/spi.txt" 2>&1
rc=$?
[ "$rc" -eq 0 ] && pass || fail "spi: lsp_client exit $rc"
has spi-lsp-startup "^\[t[0-9]+\] spi ws2emu_testlsp\.dll \"ws2emu test LSP over \[MSAFD Tcpip \[TCP/IP\]\]\"#$chain WSPStartup\(2\.2\) = 0 version 2\.2 \([0-9]+ us\)$" "$work/spi.txt"
has spi-base-startup "^\[t[0-9]+\] spi MSWSOCK\.dll \"MSAFD Tcpip \[TCP/IP\]\"#$base WSPStartup\(2\.2\) = 0" "$work/spi.txt"
has spi-lsp-send "^\[t[0-9]+\] spi ws2emu_testlsp\.dll \"ws2emu test LSP over [^\"]*\"#$chain WSPSend\(s=0x[0-9a-f]+, 1 buf 62 B, flags=0, ovl=NULL\) = 0 sent=62 \([0-9]+ us\)$" "$work/spi.txt"
has spi-base-send "^\[t[0-9]+\] spi MSWSOCK\.dll \"MSAFD Tcpip \[TCP/IP\]\"#$base WSPSend\(s=0x[0-9a-f]+, 1 buf 62 B, flags=0, ovl=NULL\) = 0 sent=62 \([0-9]+ us\)$" "$work/spi.txt"
has spi-lsp-connect "\"#$chain WSPConnect\(s=0x[0-9a-f]+, 127\.0\.0\.1:[0-9]+\) = 0" "$work/spi.txt"
has spi-base-connect "\"#$base WSPConnect\(s=0x[0-9a-f]+, 127\.0\.0\.1:[0-9]+\) = 0" "$work/spi.txt"
has spi-ipv6 "WSPConnect\(s=0x[0-9a-f]+, \[::1\]:[0-9]+\) = 0" "$work/spi.txt"
has spi-overlapped "WSPRecv\(s=0x[0-9a-f]+, 1 buf [0-9]+ B, ovl=0x[0-9a-f]+\) = -1 WSA_IO_PENDING" "$work/spi.txt"
has spi-socket "\"#$chain WSPSocket\(AF_INET, SOCK_STREAM, IPPROTO_TCP, entry $chain, flags=WSA_FLAG_OVERLAPPED\) = 0x" "$work/spi.txt"
has spi-cleanup "\"#$base WSPCleanup\(\) = 0" "$work/spi.txt"
only spi spi-only "$work/spi.txt"

# --trace=api: the program's calls only, decoded.
"$run" --trace=api "$client" >"$work/api.txt" 2>&1
rc=$?
[ "$rc" -eq 0 ] && pass || fail "api: lsp_client exit $rc"
has api-startup '^\[t1\] api WSAStartup\(2\.2\) = 0 \([0-9]+ us\)$' "$work/api.txt"
has api-connect '^\[t1\] api connect\(s=0x[0-9a-f]+, 127\.0\.0\.1:[0-9]+\) = 0 \([0-9]+ us\)$' "$work/api.txt"
has api-connect6 '^\[t1\] api connect\(s=0x[0-9a-f]+, \[::1\]:[0-9]+\) = 0' "$work/api.txt"
has api-send '^\[t1\] api WSASend\(s=0x[0-9a-f]+, 1 buf 62 B, flags=0, ovl=NULL\) = 0 sent=62 \([0-9]+ us\)$' "$work/api.txt"
has api-socket '^\[t1\] api WSASocketW\(AF_INET6?, SOCK_(STREAM|DGRAM), (0|IPPROTO_TCP|IPPROTO_UDP), flags=WSA_FLAG_OVERLAPPED\) = 0x' "$work/api.txt"
has api-bind '^\[t1\] api bind\(s=0x[0-9a-f]+, 127\.0\.0\.1:0\) = 0' "$work/api.txt"
has api-overlapped 'api WSAGetOverlappedResult\(s=0x[0-9a-f]+, ovl=0x[0-9a-f]+, (no )?wait\) = TRUE bytes=62' "$work/api.txt"
only api api-only "$work/api.txt"

# --trace=upcall: the upcalls only (the LSP's IFS handles, the base provider's completions).
"$run" --trace=upcall "$client" >"$work/upcall.txt" 2>&1
rc=$?
[ "$rc" -eq 0 ] && pass || fail "upcall: lsp_client exit $rc"
has upcall-path '^\[t[0-9]+\] upcall WPUGetProviderPath\(lpProviderId=\{[0-9A-F-]+\}\) = 0, path ".*mswsock\.dll" \([0-9]+ us\)$' "$work/upcall.txt"
has upcall-ifs "^\[t[0-9]+\] upcall WPUModifyIFSHandle\(dwCatalogEntryId=$chain, ProposedHandle=0x[0-9a-f]+\) = 0x" "$work/upcall.txt"
only upcall upcall-only "$work/upcall.txt"

# Two lists at once: both tags, nothing else.
"$run" --trace=api,spi "$client" >"$work/two.txt" 2>&1
if grep -qE '^\[t[0-9]+\] api ' "$work/two.txt" && grep -qE '^\[t[0-9]+\] spi ' "$work/two.txt" &&
   ! grep -qE '^\[t[0-9]+\] upcall ' "$work/two.txt"; then pass; else fail "api,spi: want api and spi lines only"; fi

# --trace-file: the trace in the file, nothing on stderr, the program's own output unchanged.
"$run" --trace --trace-file "$work/trace.log" "$client" >"$work/stdout.txt" 2>"$work/stderr.txt"
rc=$?
[ "$rc" -eq 0 ] && pass || fail "trace-file: lsp_client exit $rc"
[ -s "$work/stderr.txt" ] && fail "trace-file: stderr not empty: $(head -3 "$work/stderr.txt")" || pass
has trace-file-stdout '^lsp_client: [0-9]+ bytes sent' "$work/stdout.txt"
has trace-file-api '^\[t1\] api WSAStartup\(2\.2\) = 0' "$work/trace.log"
has trace-file-spi '^\[t[0-9]+\] spi .*WSPSend\(' "$work/trace.log"
has trace-file-upcall '^\[t[0-9]+\] upcall WPU' "$work/trace.log"
[ "$(stat -c %a "$work/trace.log")" = 644 ] && pass || fail "trace-file: mode $(stat -c %a "$work/trace.log"), want 644"
# Every line whole: a thread tag, a tag, and the time at the end.
if grep -vqE '^\[t[0-9]+\] (api|spi|upcall) .*\([0-9]+ us\)$' "$work/trace.log"; then
  fail "trace-file: a line that is not whole:"
  grep -vE '^\[t[0-9]+\] (api|spi|upcall) .*\([0-9]+ us\)$' "$work/trace.log" | head -3
else
  pass
fi

# Bad input: exit 2, a message naming what is wrong, nothing run.
expect bad-list 2 "ws2emu-run: --trace takes a list of api, spi and upcall, not 'foo'" -- \
  "$run" --trace=foo "$client"
expect bad-list-entry 2 "not 'apis'" -- "$run" --trace=spi,apis --entry "$chain"
expect empty-list 2 "not ''" -- "$run" --trace= "$client"
mkdir -p "$work/folder"
expect file-folder 2 "ws2emu-run: cannot write the trace: .*/folder: Is a directory" -- \
  "$run" --trace --trace-file "$work/folder" "$client"
echo keep >"$work/target"
ln -s "$work/target" "$work/link"
expect file-symlink 2 "ws2emu-run: cannot write the trace: .*/link: a symbolic link" -- \
  "$run" --trace --trace-file "$work/link" "$client"
[ "$(cat "$work/target")" = keep ] && pass || fail "file-symlink: the link's target was changed"
# A FIFO nobody reads: refused at once (no hang before the program starts).
mkfifo "$work/fifo"
expect file-fifo 2 "ws2emu-run: cannot write the trace: .*/fifo: No such device or address" -- \
  timeout 20 "$run" --trace --trace-file "$work/fifo" "$client"
expect file-without-trace 2 "--trace-file goes with --trace" -- "$run" --trace-file "$work/x" "$client"
expect trace-alone 2 "--trace goes with a PROGRAM.exe, --provider or --entry" -- "$run" --trace

# --entry with --trace=spi: the chain's layers through the provider manager, then cleanup.
expect entry-spi 0 "\"#$base WSPSend\(s=0x[0-9a-f]+, 1 buf 24 B, flags=0, ovl=NULL\) = 0 sent=24" -- \
  "$run" --entry "$chain" --exchange --trace=spi

expect uninstall 0 "uninstalled ifs" -- "$run" "$installer" uninstall ifs
catalog_as_before catalog-after

# A stack of three: the IFS LSP over the non-IFS one over MSAFD. Both LSPs are given the same
# chain's WSAPROTOCOL_INFOW (the top passes its own down), so the provider's file tells the
# layers apart; each layer's WSPSend has its own line. The non-IFS layer's worker thread
# completes overlapped requests: its upcalls are traced on a thread of their own.
expect stack-nonifs 0 "installed nonifs" -- "$run" "$installer" install nonifs "$nonifs_path"
expect stack-ifs 0 "installed ifs" -- "$run" "$installer" install ifs "$ifs_path"
"$run" --trace=spi,upcall "$client" >"$work/stack.txt" 2>&1
rc=$?
[ "$rc" -eq 0 ] && pass || fail "stack: lsp_client exit $rc"
for file in ws2emu_testlsp ws2emu_nonifs MSWSOCK; do
  has "stack-$file-send" "^\[t[0-9]+\] spi $file\.dll \"[^\"]*\"#[0-9]+ WSPSend\(s=0x[0-9a-f]+, 1 buf 62 B, flags=0, ovl=NULL\) = 0 sent=62" "$work/stack.txt"
done
has stack-worker-upcall '^\[t[2-9]\] upcall WPUCompleteOverlappedRequest\(s=0x[0-9a-f]+, ovl=0x[0-9a-f]+, error=0, bytes=62\) = 0' "$work/stack.txt"
expect stack-uninstall-ifs 0 "uninstalled ifs" -- "$run" "$installer" uninstall ifs
expect stack-uninstall-nonifs 0 "uninstalled nonifs" -- "$run" "$installer" uninstall nonifs
catalog_as_before stack-catalog-after
summary
