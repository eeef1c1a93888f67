# tests/providers/lsp_common.sh — what lsp_echo_test.sh and lsp_programs_test.sh share, sourced
# after expect.sh with $ifs, $nonifs (the two test LSPs' DLLs) and $tool (ws2emu-catalog) set:
# a throwaway catalog and drive C: holding both DLLs in System32 ($ifs_path and $nonifs_path
# name them as the installer is given them), and the catalog's listing taken at the start, for
#   catalog_as_before NAME   # passes when the catalog lists as it did at the start
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WS2EMU_CATALOG="$work/catalog" WS2EMU_DRIVE_C="$work/drive_c"
mkdir -p "$WS2EMU_DRIVE_C/Windows/System32"
cp "$ifs" "$WS2EMU_DRIVE_C/Windows/System32/ws2emu_testlsp.dll"
cp "$nonifs" "$WS2EMU_DRIVE_C/Windows/System32/ws2emu_nonifs.dll"
# shellcheck disable=SC2034  # used by the scripts that source this one
ifs_path='%SystemRoot%\system32\ws2emu_testlsp.dll'
# shellcheck disable=SC2034
nonifs_path='%SystemRoot%\system32\ws2emu_nonifs.dll'

# The catalog as `ws2emu-catalog list` shows it: MSAFD's four entries (1001..1004) at the start,
# and after each uninstall every line the same but the count line's next catalog ID, which only
# grows (Windows' Next_Catalog_Entry_ID does the same: IDs are never reused).
listing() { "$tool" list 2>&1 | sed -E 's/ \(next catalog ID [0-9]+\)$//'; }
listing >"$work/fresh.txt"

catalog_as_before() {
  if diff -u "$work/fresh.txt" <(listing) >"$work/diff.txt"; then
    pass
  else
    fail "$1: the catalog differs from before the install:"
    cat "$work/diff.txt"
  fi
}
