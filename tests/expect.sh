# tests/expect.sh — the shell tests' one assertion, sourced by the scripts that run the
# commands as a user does (tests/pe/run_test.sh, tests/providers/lsp_test.sh,
# tests/tools/catalog_tool_test.sh):
#
#   source "$(dirname "$0")/../expect.sh"
#   expect NAME EXIT_CODE PATTERN -- COMMAND...   # exit code and an ERE the output must match
#   pass / fail MESSAGE                            # for checks of other kinds
#   summary                                        # "N passed, M failed"; status 1 if any failed
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  printf 'FAIL %s\n' "$*"
}
expect() {
  local name=$1 code=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then
    pass
  else
    fail "$name: exit $rc (want $code, /$pattern/), output:"
    printf '%s\n' "$out"
  fi
}
summary() {
  printf '%d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
}
