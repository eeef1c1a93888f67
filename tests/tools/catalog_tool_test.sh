#!/usr/bin/env bash
# ws2emu-catalog as a user runs it, on a temporary catalog: a catalog that does not exist lists
# the four entries Windows ships (MSAFD); install from a description file, list, path, order,
# remove, reset (the four again, under new IDs); bad description files and damaged catalogs
# change nothing; --catalog wins over WS2EMU_CATALOG; a provider installed twice is
# WSANO_RECOVERY. The install/order/remove part runs on an empty catalog
# (tests/common/empty_catalog.sh), so that its IDs are its own. An LSP's chains have GUIDs of
# their own, and `remove` of the LSP takes them too; `check` lists broken chains, missing files
# and shared GUIDs (exit 1) and never writes; `repair` removes only the broken chains, keeping
# the order, and a second repair changes nothing; ws2emu-run --entry on a broken chain is
# WSAEPROVIDERFAILEDINIT naming the missing entry. A format-2 catalog lists its LSP categories
# (provider and application), and `remove` drops the provider's with it.
# Usage: catalog_tool_test.sh WS2EMU_CATALOG_TOOL [WS2EMU_RUN]
set -u
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
run=${2:-}
dir=$(mktemp -d /tmp/ws2emu-catalog-tool-XXXXXX)
trap 'rm -rf "$dir"' EXIT
cat=$dir/catalog
# Nothing from the caller's environment may pick the catalog.
unset WS2EMU_CATALOG
export XDG_DATA_HOME=$dir/xdg HOME=$dir/home WS2EMU_DRIVE_C=$dir/drive_c
source "$(dirname "$0")/../expect.sh"
source "$(dirname "$0")/../common/empty_catalog.sh"
unchanged() {  # unchanged NAME FILE COPY: the file is byte-identical to its earlier copy
  if cmp -s "$2" "$3"; then pass; else fail "$1: $2 changed"; fi
}
c() { "$tool" --catalog "$cat" "$@"; }

cat >"$dir/tcpip.txt" <<'EOF'
# The base provider, as Windows installs MSAFD.
provider {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}
path %SystemRoot%\system32\mswsock.dll

entry "MSAFD Tcpip [TCP/IP]"
  family inet
  type stream
  protocol tcp
  service-flags XP1_GUARANTEED_DELIVERY|XP1_GUARANTEED_ORDER|XP1_GRACEFUL_CLOSE|XP1_EXPEDITED_DATA|XP1_IFS_HANDLES
  provider-flags PFL_MATCHES_PROTOCOL_ZERO
entry
  name "MSAFD Tcpip [UDP/IP] ✓"
  family AF_INET
  type 2
  protocol udp        # a trailing comment
  service-flags 0x20209
  message-size 0xffbb
entry "MSAFD Tcpip [TCP/IPv6]"
  family inet6
  type stream
  protocol IPPROTO_TCP
  chain base
EOF
cat >"$dir/lsp.txt" <<'EOF'
provider 12345678-1234-1234-1234-123456789abc
path "C:\Program Files\Test LSP\lsp.dll"
lsp "Test LSP"
service-flags XP1_IFS_HANDLES
over tcp, udp
EOF
cat >"$dir/layered.txt" <<'EOF'
provider {22222222-0000-0000-0000-000000000001}
path C:\layer.dll
entry "Hand-made layer"
  family inet
  type stream
  protocol tcp
  chain layered
  provider-flags PFL_HIDDEN
EOF

# -- a catalog that does not exist: MSAFD's four base entries, as Windows ships them -----------
# Each entry as `list` shows it, one line per entry: ID, description, provider, path, version,
# family, address lengths, type, protocol, service and provider flags, chain length.
summarize() {
  awk -F': +' '
    /^Catalog Entry [0-9]/ { if (line != "") print line; split($0, w, " "); line = w[3] }
    /^Description:/        { line = line " | " $2 }
    /^Provider ID:/        { line = line " | " $2 }
    /^Provider Path:/      { line = line " | " $2 }
    /^Version:/            { line = line " | v" $2 }
    /^Address Family:/     { line = line " | " $2 }
    /^Max Address Length:/ { line = line " | " $2 }
    /^Min Address Length:/ { line = line "/" $2 }
    /^Socket Type:/        { line = line " | " $2 }
    /^Protocol:/           { line = line " | " $2 }
    /^Service Flags:/      { line = line " | " $2 }
    /^Provider Flags:/     { line = line " | " $2 }
    /^Protocol Chain Length:/ { line = line " | chain " $2 }
    END { if (line != "") print line }'
}
# The Windows values (`netsh winsock show catalog`, WSAEnumProtocols on Windows): lib/catalog/
# default_entries.cc says where each was checked.
msafd='{E70F1AA0-AB8B-11CF-8CA3-00805F48A192} | %SystemRoot%\system32\mswsock.dll | v2'
tcp_flags='0x20066 (XP1_GUARANTEED_DELIVERY|XP1_GUARANTEED_ORDER|XP1_GRACEFUL_CLOSE|XP1_EXPEDITED_DATA|XP1_IFS_HANDLES)'
udp_flags='0x20609 (XP1_CONNECTIONLESS|XP1_MESSAGE_ORIENTED|XP1_SUPPORT_BROADCAST|XP1_SUPPORT_MULTIPOINT|XP1_IFS_HANDLES)'
pfl='0x8 (PFL_MATCHES_PROTOCOL_ZERO)'
defaults() {  # defaults FIRST_ID: the four entries as summarize prints them
  local a=$1
  printf '%s\n' \
    "$a | MSAFD Tcpip [TCP/IP] | $msafd | 2 (AF_INET) | 16/16 | 1 (SOCK_STREAM) | 6 (IPPROTO_TCP) | $tcp_flags | $pfl | chain 1" \
    "$((a + 1)) | MSAFD Tcpip [UDP/IP] | $msafd | 2 (AF_INET) | 16/16 | 2 (SOCK_DGRAM) | 17 (IPPROTO_UDP) | $udp_flags | $pfl | chain 1" \
    "$((a + 2)) | MSAFD Tcpip [TCP/IPv6] | $msafd | 23 (AF_INET6) | 28/28 | 1 (SOCK_STREAM) | 6 (IPPROTO_TCP) | $tcp_flags | $pfl | chain 1" \
    "$((a + 3)) | MSAFD Tcpip [UDP/IPv6] | $msafd | 23 (AF_INET6) | 28/28 | 2 (SOCK_DGRAM) | 17 (IPPROTO_UDP) | $udp_flags | $pfl | chain 1"
}
same() {  # same NAME GOT WANT
  if [ "$2" = "$3" ]; then pass; else fail "$1: got"$'\n'"$2"$'\n'"want"$'\n'"$3"; fi
}
fresh=$dir/fresh/catalog
expect fresh-list 0 "^4 entries \(next catalog ID 1005\)\$" -- "$tool" --catalog "$fresh" list
same fresh-entries "$("$tool" --catalog "$fresh" list | summarize)" "$(defaults 1001)"
if [ ! -e "$dir/fresh" ]; then pass; else fail "fresh-list: listing created $dir/fresh"; fi
expect fresh-path 0 '^%SystemRoot%\\system32\\mswsock.dll$' -- \
  "$tool" --catalog "$fresh" path "{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}"
expect fresh-reset 0 "the default entries, catalog IDs 1001 1002 1003 1004 \(next catalog ID 1005\)" -- \
  "$tool" --catalog "$fresh" reset
same fresh-reset-entries "$("$tool" --catalog "$fresh" list | summarize)" "$(defaults 1001)"
expect fresh-msafd-twice 1 "install: WSANO_RECOVERY \(11003\): provider \{E70F1AA0-AB8B-11CF-8CA3-00805F48A192\} is already installed" -- \
  "$tool" --catalog "$fresh" install "$dir/tcpip.txt"

# -- an empty catalog, help and usage ---------------------------------------------------------
write_empty_catalog "$cat"
expect empty-list 0 "The catalog is empty \(next catalog ID 1001\)" -- c list
expect list-names-file 0 "^Winsock catalog: $cat\$" -- c list
expect help 0 "lsp \"My LSP\"" -- "$tool" --help
expect no-command 2 "no command" -- "$tool"
expect unknown-command 2 "unknown command .frob." -- c frob
expect unknown-option 2 "unknown option --bogus" -- "$tool" --bogus list
expect catalog-needs-file 2 "--catalog needs a file" -- "$tool" list --catalog
expect path-bad-guid 2 "path: .xyz. is not a GUID" -- c path xyz
expect order-bad-id 2 "order: .12x. is not a catalog ID" -- c order 12x
expect list-extra-arg 2 "list takes no arguments" -- c list extra

# -- install, list, path ----------------------------------------------------------------------
expect install 0 "catalog IDs 1001 1002 1003" -- c install "$dir/tcpip.txt"
out=$(c list)
for want in "3 entries \(next catalog ID 1004\)" \
    "Catalog Entry 1001 \(base\)" \
    "Description: +MSAFD Tcpip \[TCP/IP\]" \
    "Description: +MSAFD Tcpip \[UDP/IP\] ✓" \
    "Provider ID: +\{E70F1AA0-AB8B-11CF-8CA3-00805F48A192\}" \
    'Provider Path: +%SystemRoot%\\system32\\mswsock.dll' \
    "Address Family: +23 \(AF_INET6\)" \
    "Max Address Length: +28" \
    "Socket Type: +2 \(SOCK_DGRAM\)" \
    "Protocol: +17 \(IPPROTO_UDP\)" \
    "Service Flags: +0x20066 \(XP1_GUARANTEED_DELIVERY\|XP1_GUARANTEED_ORDER\|XP1_GRACEFUL_CLOSE\|XP1_EXPEDITED_DATA\|XP1_IFS_HANDLES\)" \
    "Provider Flags: +0x8 \(PFL_MATCHES_PROTOCOL_ZERO\)" \
    "Protocol Chain Length: +1"; do
  if grep -qE -- "$want" <<<"$out"; then pass; else fail "list lacks /$want/"; fi
done
expect path 0 '^%SystemRoot%\\system32\\mswsock.dll$' -- c path "{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}"
expect path-no-braces 0 'mswsock.dll' -- c path e70f1aa0-ab8b-11cf-8ca3-00805f48a192
expect path-unknown 1 "path: WSAEINVAL \(10022\): provider .* is not installed" -- \
  c path "{00000000-0000-0000-0000-000000000000}"

# -- installing the same provider again: WSANO_RECOVERY, nothing changes -----------------------
cp "$cat" "$dir/before"
expect install-twice 1 "install: WSANO_RECOVERY \(11003\): provider \{E70F1AA0-AB8B-11CF-8CA3-00805F48A192\} is already installed" -- \
  c install "$dir/tcpip.txt"
unchanged install-twice-unchanged "$cat" "$dir/before"

# -- bad description files name the file and the line; nothing is installed -------------------
bad() {  # bad NAME LINE PATTERN CONTENT
  printf '%b' "$4" >"$dir/bad.txt"
  expect "$1" 1 "install: $dir/bad.txt:$2: .*$3" -- c install "$dir/bad.txt"
  unchanged "$1-unchanged" "$cat" "$dir/before"
}
head='provider {33333333-0000-0000-0000-000000000003}\npath x.dll\n'
bad bad-type 5 "unknown type .strem." "${head}entry \"a\"\n family inet\n type strem\n protocol tcp\n"
bad bad-flag 6 "unknown service flag .XP1_NOPE." "${head}entry \"a\"\n family inet\n type stream\n service-flags XP1_IFS_HANDLES|XP1_NOPE\n"
bad missing-protocol 3 "has no .protocol." "${head}entry \"a\"\n family inet\n type stream\n"
bad second-entry-bad 10 "unknown family .inet7." "${head}entry \"a\"\n family inet\n type stream\n protocol tcp\nentry \"b\"\n type stream\n protocol tcp\n family inet7\n"
bad bad-guid 1 ".nope. is not a GUID" 'provider nope\n'
bad no-provider 5 "without a .provider GUID. line" 'path x\nentry "a"\n family inet\n type stream\n protocol tcp\n'
bad repeated-field 5 ".family. given twice" "${head}entry \"a\"\n family inet\n family inet\n"
bad lsp-and-entry 4 ".entry. cannot be combined with .lsp." "${head}lsp \"l\"\nentry \"a\"\n"
bad bad-over 4 ".over. does not know .sctp." "${head}lsp \"l\"\nover tcp, sctp\n"
bad bad-utf8 3 "the name is not valid UTF-8" "${head}entry \"\xff\"\n"
bad chain-one-id 4 ".chain 1001.: base" "${head}entry \"a\"\n chain 1001\n"
# The operation's own checks point at the entry's line too: a chain through an ID that is not
# installed is WSAEINVAL.
printf '%b' "${head}entry \"a\"\n family inet\n type stream\n protocol tcp\nentry \"b\"\n family inet\n type stream\n protocol tcp\n chain 1099 1001\n" >"$dir/bad.txt"
expect chain-missing-id 1 "install: WSAEINVAL \(10022\): $dir/bad.txt:7: entry 1: chain entry 0 names catalog ID 1099, which is not installed" -- \
  c install "$dir/bad.txt"
unchanged chain-missing-id-unchanged "$cat" "$dir/before"
expect no-such-file 1 "install: $dir/none.txt: cannot read" -- c install "$dir/none.txt"

# -- order ------------------------------------------------------------------------------------
expect order 0 "Catalog order: 1003 1001 1002" -- c order 1003 1001 1002
ids=$(c list | grep -oE "^Catalog Entry [0-9]+" | awk '{print $3}' | tr '\n' ' ')
if [ "$ids" = "1003 1001 1002 " ]; then pass; else fail "order: list shows $ids"; fi
cp "$cat" "$dir/before"
expect order-incomplete 1 "order: WSAEINVAL \(10022\): the catalog has 3 entries; the order names 2" -- c order 1001 1002
expect order-unknown 1 "order: WSAEINVAL \(10022\): catalog ID 1009 is not installed" -- c order 1001 1002 1009
unchanged order-unchanged "$cat" "$dir/before"

# -- the LSP form, chains, and removal rules ---------------------------------------------------
expect install-lsp 0 "layered entry: 1004" -- c install "$dir/lsp.txt"
out=$(c list)
for want in "Catalog Entry 1005 \(chain\)" "Protocol Chain: +1004 : 1001" \
    "Catalog Entry 1004 \(layered\)" "Provider Flags: +0x4 \(PFL_HIDDEN\)" \
    'Provider Path: +C:\\Program Files\\Test LSP\\lsp.dll' "Description: +Test LSP over \[MSAFD Tcpip \[TCP/IP\]\]"; do
  if grep -qE -- "$want" <<<"$out"; then pass; else fail "list (lsp) lacks /$want/"; fi
done
# Each chain has a GUID of its own, neither the LSP's nor the other chain's.
provider_of() {  # provider_of ID: the Provider ID line of that entry in `list`
  c list | awk -v id="$1" '/^Catalog Entry / { on = ($3 == id) } on && /^Provider ID:/ { print $3 }'
}
g1004=$(provider_of 1004) g1005=$(provider_of 1005) g1006=$(provider_of 1006)
same lsp-guid "$g1004" "{12345678-1234-1234-1234-123456789ABC}"
if [[ $g1005 =~ ^\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}$ ]] &&
    [ "$g1005" != "$g1004" ] && [ "$g1006" != "$g1004" ] && [ "$g1005" != "$g1006" ]; then
  pass
else
  fail "chain GUIDs: layer $g1004, chains $g1005 $g1006"
fi
expect order-chains-first 0 "Catalog order: 1005 1006 1003 1001 1002 1004" -- c order --chains-first

# -- check: clean, a missing file, a broken chain, a shared GUID; check never writes -----------
mkdir -p "$dir/drive_c/Program Files/Test LSP"
: >"$dir/drive_c/Program Files/Test LSP/lsp.dll"
expect check-clean 0 "^catalog OK: 6 entries\$" -- c check
cp "$cat" "$dir/before"
rm "$dir/drive_c/Program Files/Test LSP/lsp.dll"
lsp_file='the provider file C:\\Program Files\\Test LSP\\lsp.dll \('"$dir"'/drive_c/Program Files/Test LSP/lsp.dll\) cannot be found'
expect check-missing-file 1 "^entry 1004 \"Test LSP\": missing file: $lsp_file" -- c check
expect check-missing-file-chain 1 "^entry 1005 \"Test LSP over \[MSAFD Tcpip \[TCP/IP\]\]\": missing file: " -- c check
expect check-missing-count 1 "^3 problems in 6 entries\$" -- c check
# repair leaves a missing file alone (and says so) unless asked.
expect repair-missing-left 0 "^Left alone: entry 1004 \"Test LSP\": missing file: " -- c repair
expect repair-nothing 0 "^Nothing to remove\$" -- c repair
unchanged repair-missing-unchanged "$cat" "$dir/before"
cp "$cat" "$dir/gone"
expect repair-missing-files 0 "^Removed entry 1004 \"Test LSP\": missing file: " -- \
  "$tool" --catalog "$dir/gone" repair --missing-files
expect repair-missing-files-list 0 "^3 entries" -- "$tool" --catalog "$dir/gone" list
expect missing-files-only-repair 2 "--missing-files belongs to .repair." -- c check --missing-files
: >"$dir/drive_c/Program Files/Test LSP/lsp.dll"
unchanged check-unchanged "$cat" "$dir/before"

# The hidden entry removed before its chains (as Microsoft's sample installer removes LSPs):
# both chains are broken; check names the missing entry.
broken=$dir/broken
awk '$1 == "entry" && $2 == 1004 { skip = 1 } !skip { print } skip && $1 == "end" { skip = 0 }' \
  "$cat" >"$broken"
cp "$broken" "$dir/broken.orig"
expect check-broken 1 "^entry 1005 \"Test LSP over \[MSAFD Tcpip \[TCP/IP\]\]\": broken chain: the chain \(1004 : 1001\) names entry 1004, which is not installed\$" -- \
  "$tool" --catalog "$broken" check
expect check-broken-udp 1 "^entry 1006 \"Test LSP over \[MSAFD Tcpip \[UDP/IP\] ✓\]\": broken chain: the chain \(1004 : 1002\) names entry 1004" -- \
  "$tool" --catalog "$broken" check
expect check-broken-hint 1 "^2 problems in 5 entries; .ws2emu-catalog repair. removes the broken chains\$" -- \
  "$tool" --catalog "$broken" check
unchanged check-broken-unchanged "$broken" "$dir/broken.orig"
if [ -n "$run" ]; then
  # Where the chain is used: the provider manager refuses it, naming the missing entry.
  expect entry-broken-chain 1 "catalog entry 1005 \(chain \"Test LSP over \[MSAFD Tcpip \[TCP/IP\]\]\"\) names entry 1004, which is not installed.*WSAEPROVIDERFAILEDINIT \(10106\)" -- \
    env WS2EMU_CATALOG="$broken" "$run" --entry 1005
fi
# A read-only catalog folder: repair fails clearly and changes nothing.
ro=$dir/ro
mkdir "$ro" && cp "$broken" "$ro/catalog"
if [ "$(id -u)" = 0 ]; then
  chmod 755 "$dir" "$ro" && chmod 644 "$ro/catalog"
  expect repair-read-only 1 "repair: WSANO_RECOVERY \(11003\): .*$ro" -- \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$tool" --catalog "$ro/catalog" repair
else
  chmod 555 "$ro"
  expect repair-read-only 1 "repair: WSANO_RECOVERY \(11003\): .*$ro" -- "$tool" --catalog "$ro/catalog" repair
  chmod 755 "$ro"
fi
unchanged repair-read-only-unchanged "$ro/catalog" "$dir/broken.orig"
# repair removes the two broken chains, keeps the rest in its order; check is clean after, and
# a second repair finds nothing and writes nothing.
expect repair-broken 0 "^Removed entry 1005 \"Test LSP over \[MSAFD Tcpip \[TCP/IP\]\]\": broken chain: the chain \(1004 : 1001\)" -- \
  "$tool" --catalog "$broken" repair
ids=$("$tool" --catalog "$broken" list | grep -oE "^Catalog Entry [0-9]+" | awk '{print $3}' | tr '\n' ' ')
same repair-keeps-order "$ids" "1003 1001 1002 "
expect repair-then-clean 0 "^catalog OK: 3 entries\$" -- "$tool" --catalog "$broken" check
cp "$broken" "$dir/broken.repaired"
expect repair-again 0 "^Nothing to remove\$" -- "$tool" --catalog "$broken" repair
unchanged repair-idempotent "$broken" "$dir/broken.repaired"
# A GUID two providers share: the layer given MSAFD's GUID by hand.
shared=$dir/shared
awk '$1 == "entry" { on = ($2 == 1004) }
     on && $1 == "provider-id" { $0 = "  provider-id {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}" } { print }' \
  "$cat" >"$shared"
expect check-shared-guid 1 "^entry 1004 \"Test LSP\": duplicate GUID: its provider GUID \{E70F1AA0-AB8B-11CF-8CA3-00805F48A192\} is also that of entry 1003 \"MSAFD Tcpip \[TCP/IPv6\]\", another provider: one is a layered entry and the other is not\$" -- \
  "$tool" --catalog "$shared" check
expect repair-leaves-shared-guid 0 "^Left alone: entry 1004 \"Test LSP\": duplicate GUID" -- \
  "$tool" --catalog "$shared" repair
# remove of a base provider that chains go through is not refused (as WSCDeinstallProvider):
# it says which chains it broke.
cp "$cat" "$dir/nobase"
expect remove-base-in-use 0 "is now a broken chain: the chain \(1004 : 1001\) names entry 1001, which is not installed \(.ws2emu-catalog repair. removes it\)" -- \
  "$tool" --catalog "$dir/nobase" remove "{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}"
expect remove-lsp-by-file 0 "Removed provider \{12345678-1234-1234-1234-123456789ABC\} \(catalog IDs 1005 1006 1004\)" -- \
  c remove "$dir/lsp.txt"
expect install-layered 0 "catalog IDs 1007" -- c install "$dir/layered.txt"
expect list-layered 0 "Catalog Entry 1007 \(layered\)" -- c list

# -- remove, reset ----------------------------------------------------------------------------
expect remove 0 "Removed provider \{22222222-0000-0000-0000-000000000001\}" -- \
  c remove "{22222222-0000-0000-0000-000000000001}"
expect remove-again 1 "remove: WSAEINVAL \(10022\): provider .* is not installed" -- \
  c remove "{22222222-0000-0000-0000-000000000001}"
expect removed-from-list 0 "^3 entries" -- c list
expect remove-neither 2 "remove: .nothing. is neither a GUID nor a file" -- c remove nothing
# Like `netsh winsock reset`: the four default entries and nothing else, under new IDs (1001..
# 1007 were handed out), each chain's ChainEntries[0] its own ID.
expect reset 0 "the default entries, catalog IDs 1008 1009 1010 1011 \(next catalog ID 1012\)" -- c reset
expect reset-list 0 "^4 entries \(next catalog ID 1012\)\$" -- c list
same reset-entries "$(c list | summarize)" "$(defaults 1008)"
expect reset-help 0 "restores the default catalog" -- "$tool" --help
expect reset-remove-msafd 0 "Removed provider \{E70F1AA0-AB8B-11CF-8CA3-00805F48A192\} \(catalog IDs 1008 1009 1010 1011\)" -- \
  c remove "{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}"
expect ids-not-reused 0 "catalog IDs 1012 1013 1014" -- c install "$dir/tcpip.txt"

# -- a reset with fewer than four catalog IDs left: refused, the file as it was ---------------
full=$dir/full
printf 'format 1\nnext-id 4294967293\n' >"$full"
cp "$full" "$dir/full.orig"
expect reset-no-ids 1 "reset: WSA_NOT_ENOUGH_MEMORY \(8\): $full: the catalog has used up its catalog IDs" -- \
  "$tool" --catalog "$full" reset
unchanged reset-no-ids-unchanged "$full" "$dir/full.orig"

# -- a damaged catalog: list names the file and line, exits 1, and nothing touches the file ----
damaged=$dir/damaged
printf 'format 1\nnext-id 1010\n\nentry 12\n' >"$damaged"
cp "$damaged" "$dir/damaged.orig"
expect damaged-list 1 "list: WSANO_RECOVERY \(11003\): $damaged:4: bad catalog ID" -- "$tool" --catalog "$damaged" list
unchanged damaged-list-unchanged "$damaged" "$dir/damaged.orig"
expect damaged-install 1 "install: WSANO_RECOVERY \(11003\): $damaged:4:" -- "$tool" --catalog "$damaged" install "$dir/layered.txt"
expect damaged-order 1 "order: WSANO_RECOVERY \(11003\): $damaged:4:" -- "$tool" --catalog "$damaged" order --chains-first
unchanged damaged-unchanged "$damaged" "$dir/damaged.orig"
printf 'format 1\nnext-id 1010\nentry 1001\n  provider-id {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}\n' >"$damaged"
cp "$damaged" "$dir/damaged.orig"
expect truncated-list 1 "$damaged:[0-9]+: the file ends inside an entry" -- "$tool" --catalog "$damaged" list
unchanged truncated-unchanged "$damaged" "$dir/damaged.orig"
printf 'format 99\nnext-id 1001\n' >"$damaged"
expect newer-format 1 "WSANO_RECOVERY \(11003\): $damaged:1: catalog format 99 is newer" -- "$tool" --catalog "$damaged" list

# -- LSP categories (WSCSetProviderInfo, WSCSetApplicationCategory: catalog format 2) ------------
# `list` shows them only where they are set; `remove` takes the provider's with its last entry.
info=$dir/info/catalog
mkdir -p "$dir/info"
{
  printf 'format 2\nnext-id 1003\n'
  for e in "1001 {E70F1AA0-AB8B-11CF-8CA3-00805F48A192} 1" \
           "1002 {5E2E0002-7A11-4B5E-9A5E-000000000002} 0"; do
    read -r id guid chain <<<"$e"
    printf 'entry %s\n  provider-id %s\n  path "C:\\\\x.dll"\n  name "n"\n' "$id" "$guid"
    printf '  service-flags 0 0 0 0\n  provider-flags 0\n  chain %s 0 0 0 0 0 0 0\n' "$chain"
    printf '  version 2\n  address-family 2\n  max-sockaddr 16\n  min-sockaddr 16\n'
    printf '  socket-type 1\n  protocol 6\n  protocol-max-offset 0\n  network-byte-order 0\n'
    printf '  security-scheme 0\n  message-size 0\n  provider-reserved 0\nend\n'
  done
  printf 'lsp-categories {5E2E0002-7A11-4B5E-9A5E-000000000002} 0x00000009\n'
  printf 'app-category 0x80000001 "C:\\\\app.exe" "-k x"\n'
} >"$info"
expect info-list 0 "^LSP Categories: +0x9 \(LSP_INSPECTOR\|LSP_FIREWALL\)\$" -- "$tool" --catalog "$info" list
expect info-list-app 0 "^  Permitted LSP Categories: +0x80000001 \(LSP_SYSTEM\|LSP_INSPECTOR\)\$" -- \
  "$tool" --catalog "$info" list
same info-list-once "$("$tool" --catalog "$info" list | grep -c '^LSP Categories:')" 1
expect info-remove 0 "" -- "$tool" --catalog "$info" remove "{5E2E0002-7A11-4B5E-9A5E-000000000002}"
if grep -q '^lsp-categories' "$info"; then fail "info-remove: the categories stayed"; else pass; fi
if grep -q '^app-category' "$info"; then pass; else fail "info-remove: the application went"; fi

# A description's `lsp-categories`: install sets them on the LSP and on each of its chains.
printf 'provider {5E2E00CA-7A11-4B5E-9A5E-0000000000CA}\npath %%SystemRoot%%\\system32\\cat.dll\nlsp "Cat LSP"\nlsp-categories LSP_INSPECTOR|LSP_PROXY\n' >"$dir/catlsp.txt"
info2=$dir/info2/catalog
expect info-install 0 "^  LSP categories: 0x5 \(LSP_INSPECTOR\|LSP_PROXY\)\$" -- "$tool" --catalog "$info2" install "$dir/catlsp.txt"
same info-install-rows "$("$tool" --catalog "$info2" list | grep -c '^LSP Categories: *0x5 ')" 5
sed 's/LSP_PROXY/LSP_NOPE/' "$dir/catlsp.txt" >"$dir/badcat.txt"
cp "$info2" "$dir/info2.orig"
expect info-bad-category 1 "badcat.txt:4: unknown LSP category .LSP_NOPE." -- "$tool" --catalog "$info2" install "$dir/badcat.txt"
unchanged info-bad-category-unchanged "$info2" "$dir/info2.orig"

# -- where the catalog is: --catalog, WS2EMU_CATALOG, the XDG default ---------------------------
expect env-catalog 0 "layered entry: 1015" -- env WS2EMU_CATALOG="$cat" "$tool" install "$dir/lsp.txt"
other=$dir/other/catalog
# The first install into a catalog that does not exist keeps the four defaults: 1005.
expect flag-beats-env 0 "catalog IDs 1005" -- \
  env WS2EMU_CATALOG="$cat" "$tool" install "$dir/layered.txt" --catalog "$other"
expect flag-equals 0 "^Winsock catalog: $other\$" -- "$tool" list --catalog="$other"
expect first-install-keeps-defaults 0 "^5 entries \(next catalog ID 1006\)\$" -- "$tool" list --catalog="$other"
same first-install-defaults "$("$tool" --catalog "$other" list | summarize | head -4)" "$(defaults 1001)"
expect relative-flag 0 "^Winsock catalog: $dir/other/catalog\$" -- \
  sh -c "cd '$dir' && '$tool' --catalog other/catalog list"
expect xdg-default 0 "^Winsock catalog: $dir/xdg/ws2emu/catalog\$" -- "$tool" list
expect xdg-default-install 0 "catalog IDs 1005" -- "$tool" install "$dir/layered.txt"
if [ -f "$dir/xdg/ws2emu/catalog" ]; then pass; else fail "xdg-default: no file"; fi

summary
