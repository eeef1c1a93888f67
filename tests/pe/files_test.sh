#!/usr/bin/env bash
# files_program.exe in a fresh folder that is also drive C: (see files_program.c).
# Usage: files_test.sh WS2EMU_RUN FILES_PROGRAM
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
WS2EMU_DRIVE_C="$dir" "$1" "$2" "$dir"
