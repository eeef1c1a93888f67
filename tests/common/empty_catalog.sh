# tests/common/empty_catalog.sh — the shell tests' empty catalog (empty_catalog.h says why a
# test wants one: a missing catalog holds MSAFD's four entries, 1001..1004):
#
#   source "$(dirname "$0")/../common/empty_catalog.sh"
#   write_empty_catalog "$dir/catalog"        # no entries, next-id 1001
write_empty_catalog() {
  mkdir -p "$(dirname "$1")" && printf 'format 1\nnext-id 1001\n' >"$1"
}
