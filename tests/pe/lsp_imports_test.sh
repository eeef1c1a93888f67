#!/usr/bin/env bash
# lsp_imports_program.exe (Tool Help snapshots, FindFirstFile) in a fresh folder that is also
# drive C:, holding the tree the program lists: files with and without extensions, a hidden and
# a read-only file, a folder, a symbolic link to it and a dangling one, a FIFO (a listing must
# not block on it), a sparse file past 4 GiB, a non-ASCII name.
# Usage: lsp_imports_test.sh WS2EMU_RUN LSP_IMPORTS_PROGRAM
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tree=$dir/tree
mkdir -p "$tree/sub"
printf 'hello' >"$tree/beta.txt"
touch -d @1000000000 "$tree/beta.txt"
: >"$tree/Alpha.TXT"
: >"$tree/gamma"
: >"$tree/a.b.c"
echo x >"$tree/.hidden"
: >"$tree/readonly.dat"
chmod 444 "$tree/readonly.dat"
: >"$tree/sub/inner.txt"
ln -s sub "$tree/link"
ln -s nowhere "$tree/dangling"
mkfifo "$tree/fifo"
truncate -s 4294967301 "$tree/big"
: >"$tree/$(printf '\303\251t\303\251.txt')"
set +e
WS2EMU_DRIVE_C="$dir" "$1" "$2" "$dir"
