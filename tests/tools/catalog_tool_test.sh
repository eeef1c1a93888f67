#!/usr/bin/env bash
# ws2emu-catalog as a user runs it, on a temporary catalog: install from a description file,
# list, path, order, remove, reset; bad description files and damaged catalogs change nothing;
# --catalog wins over WS2EMU_CATALOG; a provider installed twice is WSANO_RECOVERY.
# Usage: catalog_tool_test.sh WS2EMU_CATALOG_TOOL
set -u
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(mktemp -d /tmp/ws2emu-catalog-tool-XXXXXX)
trap 'rm -rf "$dir"' EXIT
cat=$dir/catalog
# Nothing from the caller's environment may pick the catalog.
unset WS2EMU_CATALOG
export XDG_DATA_HOME=$dir/xdg HOME=$dir/home
source "$(dirname "$0")/../expect.sh"
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

# -- an empty catalog, help and usage ---------------------------------------------------------
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
expect remove-base-in-use 1 "remove: WSANO_RECOVERY \(11003\): entry 1001 of provider .* is still used by chain entry" -- \
  c remove "{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}"
expect order-chains-first 0 "Catalog order: 1005 1006 1003 1001 1002 1004" -- c order --chains-first
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
expect reset 0 "no entries \(next catalog ID 1008\)" -- c reset
expect reset-list 0 "The catalog is empty \(next catalog ID 1008\)" -- c list
expect ids-not-reused 0 "catalog IDs 1008 1009 1010" -- c install "$dir/tcpip.txt"

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

# -- where the catalog is: --catalog, WS2EMU_CATALOG, the XDG default ---------------------------
expect env-catalog 0 "layered entry: 1011" -- env WS2EMU_CATALOG="$cat" "$tool" install "$dir/lsp.txt"
other=$dir/other/catalog
expect flag-beats-env 0 "catalog IDs 1001 1002 1003" -- \
  env WS2EMU_CATALOG="$cat" "$tool" install "$dir/tcpip.txt" --catalog "$other"
expect flag-equals 0 "^Winsock catalog: $other\$" -- "$tool" list --catalog="$other"
expect relative-flag 0 "^Winsock catalog: $dir/other/catalog\$" -- \
  sh -c "cd '$dir' && '$tool' --catalog other/catalog list"
expect xdg-default 0 "^Winsock catalog: $dir/xdg/ws2emu/catalog\$" -- "$tool" list
expect xdg-default-install 0 "catalog IDs 1001" -- "$tool" install "$dir/layered.txt"
if [ -f "$dir/xdg/ws2emu/catalog" ]; then pass; else fail "xdg-default: no file"; fi

summary
