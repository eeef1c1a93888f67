# tests/providers/catalog_compare.sh — sourced after expect.sh with $tool (ws2emu-catalog) and
# $work set and the catalog in place: takes the catalog's listing now, and gives
#   catalog_as_before NAME   # passes when the catalog lists as it did then
# `ws2emu-catalog list` shows MSAFD's four entries (1001..1004) at the start, and after each
# uninstall every line the same but the count line's next catalog ID, which only grows (Windows'
# Next_Catalog_Entry_ID does the same: IDs are never reused).
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
