#!/usr/bin/env bash
# The programs of issue 14's last imports: ws2emu-run --check lists no MISSING import for
# either, and both run to exit 0 in a fresh folder.
# Usage: imports_test.sh WS2EMU_RUN IMPORTS_PROGRAM IOSTREAM_PROGRAM
set -u
run=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0
for exe in "$2" "$3"; do
  if "$run" --check "$exe" | grep MISSING; then
    echo "imports_test: $(basename "$exe") has imports ws2emu does not implement"
    status=1
  fi
done
"$run" "$2" "$dir" || { echo "imports_test: imports_program failed"; status=1; }
# std::locale("") and the C++ runtime read LANG/LC_*; a Windows process has none of the host's.
out=$(env -u LANG -u LC_ALL -u LC_CTYPE "$run" "$3" "$dir") || {
  echo "imports_test: iostream_program failed"; status=1; }
echo "$out"
grep -qx "wide 7" <<<"$out" || { echo "imports_test: std::wcout printed nothing"; status=1; }
grep -qx "narrow 8" <<<"$out" || { echo "imports_test: std::cout printed nothing"; status=1; }
exit $status
