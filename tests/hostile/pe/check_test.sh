#!/usr/bin/env bash
# ws2emu-run --check and --provider on what a hostile user hands them: files that are not
# regular files, images that amplify time or memory, a forwarder cycle. Every command runs under
# a wall-clock timeout, a CPU-time limit and (without sanitizers) a 1 GiB address-space limit,
# so a hang, a runaway loop or a read until memory runs out fails the case instead of the
# machine. One case per invocation, so that each is its own test.
# Usage: check_test.sh CASE WS2EMU_RUN IMAGES_DIR SANITIZED(true|false)
set -u
case_name=$1 run=$2 images=$3 sanitized=$4
source "$(dirname "$0")/../../expect.sh"

# The limits: 30 s of wall time, 5 s of CPU, 1 GiB of address space (AddressSanitizer reserves
# terabytes of address space, so a sanitized build goes without the last).
limited() {
  local as=(--as=$((1 << 30)))
  [ "$sanitized" = true ] && as=()
  timeout -k 5 30 prlimit "${as[@]}" --cpu=5 -- "$@"
}

tmp=$(mktemp -d /tmp/ws2emu-hostile-pe-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fifo=$tmp/fifo.dll
mkfifo "$fifo"

case $case_name in
  check-dev-zero)
    expect check-dev-zero 2 "/dev/zero: is not a regular file \(it is a character device\); a PE image must be one" -- \
      limited "$run" --check /dev/zero ;;
  check-folder)
    expect check-folder 2 "$tmp: is a folder, not a PE image" -- limited "$run" --check "$tmp" ;;
  check-proc-self-mem)
    # A regular file to fstat, but reading it fails: an error, not an uncaught exception.
    expect check-proc-self-mem 2 "/proc/self/mem: cannot read the PE image" -- \
      limited "$run" --check /proc/self/mem ;;
  check-fifo)
    expect check-fifo 2 "fifo.dll: is not a regular file \(it is a FIFO\); a PE image must be one" -- \
      limited "$run" --check "$fifo" ;;
  check-over-limit)
    truncate -s $((256 * 1024 * 1024 + 1)) "$tmp/big.dll"
    expect check-over-limit 2 "big.dll: is 268435457 bytes, over the 256 MiB limit for a PE image" \
      -- limited "$run" --check "$tmp/big.dll" ;;
  provider-folder)
    expect provider-folder 1 "$tmp: is a folder, not a PE image: WSAEPROVIDERFAILEDINIT" -- \
      limited "$run" --provider "$tmp" ;;
  provider-fifo)
    expect provider-fifo 1 "fifo.dll: is not a regular file \(it is a FIFO\); a PE image must be one: WSAEPROVIDERFAILEDINIT" \
      -- limited "$run" --provider "$fifo" ;;
  provider-dev-zero)
    expect provider-dev-zero 1 "/dev/zero: is not a regular file \(it is a character device\); a PE image must be one" -- \
      limited "$run" --provider /dev/zero ;;
  import-shared-table)
    # 4095 descriptors sharing one table of 65,535 ordinals: refused at the import limit.
    expect import-shared-table 2 "more than 65536 functions in all, the limit for an image" -- \
      limited "$run" --check "$images/import-shared-table.dll"
    expect import-shared-table-provider 1 "more than 65536 functions in all" -- \
      limited "$run" --provider "$images/import-shared-table.dll" ;;
  import-many-dlls)
    expect import-many-dlls 2 "imports from lib01.dll: the image imports more than 65536 functions" \
      -- limited "$run" --check "$images/import-many-dlls.dll" ;;
  import-shared-name)
    expect import-shared-name 2 "more than 2 times the file's size" -- \
      limited "$run" --check "$images/import-shared-name.dll" ;;
  reloc-huge)
    # Half a billion zero-filled relocation entries: refused without walking them.
    expect reloc-huge 2 "base relocation directory \[0x1000, 0x40000000\) is not within the file data" \
      -- limited "$run" --check "$images/reloc-huge.dll"
    expect reloc-huge-provider 1 "is not within the file data" -- \
      limited "$run" --provider "$images/reloc-huge.dll" ;;
  reloc-zero-block)
    expect reloc-zero-block 2 "SizeOfBlock 0 does not fit the directory" -- \
      limited "$run" --check "$images/reloc-zero-block.dll" ;;
  forwarder-cycle)
    expect forwarder-cycle 1 "fwd_a.dll!f +UNRESOLVABLE \(fwd_a.dll!f -> fwd_b.dll!g -> fwd_a.dll!f: forwarder cycle\)" \
      -- limited "$run" --check "$images/forwarders/fwd_user.dll"
    expect forwarder-cycle-summary 1 "1 imports, 0 resolved, 0 missing, 1 unresolvable" -- \
      limited "$run" --check "$images/forwarders/fwd_user.dll"
    expect forwarder-self-cycle 1 "fwd_self.dll!s -> fwd_self.dll!s: forwarder cycle" -- \
      limited "$run" --check "$images/forwarders/fwd_self_user.dll" ;;
  forwarder-chain)
    # A forwarder that ends in real code resolves, naming the way.
    expect forwarder-chain 0 "fwd_chain.dll!t +from .*/fwd_b.dll via fwd_chain.dll!t -> fwd_b.dll!h" \
      -- limited "$run" --check "$images/forwarders/fwd_chain_user.dll" ;;
  escape-names)
    # Names from the image are data: shown escaped, never sent raw to the terminal.
    expect escape-names 1 'bad\\x1b\[2J.dll!f\\x1b\]0;title\\x07 +MISSING' -- \
      limited "$run" --check "$images/escape-names.dll"
    if limited "$run" --check "$images/escape-names.dll" 2>&1 | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then
      fail "escape-names: a control character reached the terminal raw"
    else
      pass
    fi ;;
  *)
    fail "unknown case $case_name" ;;
esac
summary
