#!/usr/bin/env bash
# ws2emu-catalog and ws2emu-run given what is not a regular file, files over the limits, empty
# arguments and names holding control characters: every case fails at once with a message that
# says what is wrong, never hangs (each command runs under `timeout`), never aborts, and never
# sends a control character raw to the terminal.
# Usage: commands_test.sh WS2EMU_RUN WS2EMU_CATALOG_TOOL
set -u
run=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tool=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
dir=$(mktemp -d /tmp/ws2emu-hostile-tools-XXXXXX)
trap 'rm -rf "$dir"' EXIT
unset WS2EMU_CATALOG
export XDG_DATA_HOME=$dir/xdg HOME=$dir/home
source "$(dirname "$0")/../../expect.sh"
# 124: timeout killed it (a hang); 134/139: abort or crash. Both are failures whatever the output.
t() { timeout 10 "$@"; }
mkfifo "$dir/fifo"
cat=$dir/catalog

# --- ws2emu-catalog: the catalog itself is not a regular file
expect catalog-dev-zero 1 '/dev/zero: is not a regular file \(it is a character device\)' -- \
  t "$tool" --catalog /dev/zero list
expect catalog-fifo 1 'fifo: is not a regular file \(it is a FIFO\)' -- t "$tool" --catalog "$dir/fifo" list
expect catalog-folder 1 'is a folder' -- t "$tool" --catalog "$dir" list
expect catalog-fifo-install-refused 1 'is not a regular file' -- t "$tool" --catalog "$dir/fifo" reset
if [ -p "$dir/fifo" ]; then pass; else fail "catalog-fifo: the FIFO was replaced"; fi

# --- ws2emu-catalog install: the description file is not a regular file, or too large
expect describe-dev-zero 1 '/dev/zero: is not a regular file \(it is a character device\); a description file must be one' -- \
  t "$tool" --catalog "$cat" install /dev/zero
expect describe-folder 1 ': is a folder, not a description file' -- t "$tool" --catalog "$cat" install "$dir"
expect describe-fifo 1 'is not a regular file \(it is a FIFO\)' -- t "$tool" --catalog "$cat" install "$dir/fifo"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' '#' >"$dir/big.txt"
expect describe-too-large 1 'big.txt: is 2097152 bytes, over the 1 MiB limit for a description file' -- \
  t "$tool" --catalog "$cat" install "$dir/big.txt"
if [ ! -e "$cat" ]; then pass; else fail "a refused description file created the catalog"; fi

# --- one wording for a file that cannot be had, whether open or read failed: "cannot read the"
expect describe-missing 1 'none.txt: cannot read the description file: No such file or directory' -- \
  t "$tool" --catalog "$cat" install "$dir/none.txt"
expect check-missing-image 2 'none.dll: cannot read the PE image: No such file or directory' -- \
  t "$run" --check "$dir/none.dll"

# --- names with control characters are escaped, never printed raw or cut at a NUL
printf 'provider {11111111-2222-3333-4444-555555555555}\npath %%SystemRoot%%\\system32\\x.dll\nentry "Red\033[31mText\007"\n family inet\n type stream\n protocol tcp\n' \
  >"$dir/escape.txt"
expect escape-install 0 'Red\\x1b\[31mText\\x07' -- t "$tool" --catalog "$cat" install "$dir/escape.txt"
expect escape-list 0 'Description: +Red\\x1b\[31mText\\x07$' -- t "$tool" --catalog "$cat" list
if t "$tool" --catalog "$cat" list 2>&1 | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then
  fail "escape-list: a control character reached the terminal raw"
else
  pass
fi
printf 'provider {11111111-2222-3333-4444-555555555556}\npath %%SystemRoot%%\\system32\\y.dll\nentry "A\000B"\n family inet\n type stream\n protocol tcp\n' \
  >"$dir/nul.txt"
expect nul-in-name 1 'nul.txt:3: the name holds a NUL character \(\\u0000\)' -- \
  t "$tool" --catalog "$cat" install "$dir/nul.txt"
printf 'provider {11111111-2222-3333-4444-555555555557}\npath ""\nentry "A"\n family inet\n type stream\n protocol tcp\n' \
  >"$dir/empty-path.txt"
expect empty-path-described 1 'empty-path.txt:2: empty provider path' -- \
  t "$tool" --catalog "$cat" install "$dir/empty-path.txt"

# --- ws2emu-run: empty arguments are usage errors, not the banner or the demo provider
expect entry-empty 2 'ws2emu-run: --entry needs a catalog ID' -- t "$run" --entry ''
expect provider-empty 2 'ws2emu-run: empty provider path' -- t "$run" --provider ''
expect check-empty 2 'ws2emu-run: --check needs a FILE, not an empty path' -- t "$run" --check ''
expect catalog-empty 2 'ws2emu-run: --catalog needs a FILE, not an empty path' -- t "$run" --catalog '' --entry 1001
expect unknown-argument-escaped 2 "unknown argument 'x\\\\x1by'" -- t "$run" $'x\x1by'

# --- ws2emu-run PROGRAM.exe that is not a regular file (--check and --provider on such paths are
# the cases of tests/hostile/pe/check_test.sh)
mkfifo "$dir/prog.exe"
expect program-fifo 2 'is not a regular file \(it is a FIFO\)' -- t "$run" "$dir/prog.exe"

# --- a catalog whose entry has an empty path (edited by hand) names the problem
cat >"$dir/empty-path-catalog" <<'CAT'
format 1
next-id 1002

entry 1001
  provider-id {11111111-2222-3333-4444-555555555555}
  path ""
  name "A"
  service-flags 0x00000000 0x00000000 0x00000000 0x00000000
  provider-flags 0x00000000
  chain 1 0 0 0 0 0 0 0
  version 2
  address-family 2
  max-sockaddr 16
  min-sockaddr 16
  socket-type 1
  protocol 6
  protocol-max-offset 0
  network-byte-order 0
  security-scheme 0
  message-size 0x00000000
  provider-reserved 0x00000000
end
CAT
expect entry-empty-path 1 'empty (provider )?path' -- t "$run" --catalog "$dir/empty-path-catalog" --entry 1001
out=$(t "$run" --catalog "$dir/empty-path-catalog" --entry 1001 2>&1)
if grep -q 'ws2emu-run: : ' <<<"$out"; then fail "entry-empty-path: an empty name in the message: $out"; else pass; fi

summary
