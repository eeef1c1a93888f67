# tests/providers/lsp_common.sh — what lsp_echo_test.sh and lsp_programs_test.sh share, sourced
# after expect.sh with $ifs, $nonifs (the two test LSPs' DLLs) and $tool (ws2emu-catalog) set:
# a throwaway catalog and drive C: holding both DLLs in System32 ($ifs_path and $nonifs_path
# name them as the installer is given them), and the catalog's listing taken at the start, for
#   catalog_as_before NAME   # (catalog_compare.sh) passes when the catalog lists as at the start
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

source "$(dirname "${BASH_SOURCE[0]}")/catalog_compare.sh"
