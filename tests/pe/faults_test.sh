#!/usr/bin/env bash
# Processor faults in PE code as Windows exceptions (tests/pe/faults_program.c): the guarded
# checks, the unhandled-exception filter's three answers, the report of an unhandled fault (in
# the program, in a DLL, in a DLL unloaded since, a stack overflow) and a fault in ws2emu's own code, which is a
# crash with a message, never an exception.
# Usage: faults_test.sh WS2EMU_RUN FAULTS_PROGRAM  (faults_dll.dll and faults_cxx.exe next to it)
set -u
run=$1 program=$2
source "$(dirname "$0")/../expect.sh"
expect guarded 0 "^faults ok$" -- "$run" "$program"
expect filter-continue 0 "^filter continued 42$" -- "$run" "$program" filter-continue
# EXCEPTION_EXECUTE_HANDLER from the filter: the exit status is the exception code (its low
# byte, as Linux reports it).
expect filter-execute 5 "^filter called with c0000005$" -- "$run" "$program" filter-execute
expect filter-raise 42 "^filter called with e000002a$" -- "$run" "$program" filter-raise
program_at='faults_program\.exe\+0x[0-9a-f]+'
expect unhandled 87 "unhandled exception 0xc0000005 \(EXCEPTION_ACCESS_VIOLATION\).*\($program_at\)" \
  -- "$run" "$program" unhandled
expect unhandled-access 87 "access violation: read of address 0x10$" -- "$run" "$program" unhandled
out=$("$run" "$program" unhandled 2>&1)
frames=$(grep -cE "^\[ws2emu ntdll\]     #[0-9]+ 0x[0-9a-f]+ $program_at$" <<<"$out")
if [ "$frames" -ge 3 ] && grep -qE "#[0-9]+ 0x[0-9a-f]+ ws2emu code$" <<<"$out"; then
  pass
else
  fail "unhandled-backtrace: $frames PE frames (want 3 or more, then ws2emu code):"
  printf '%s\n' "$out"
fi
expect unhandled-dll 87 "unhandled exception 0xc0000005 .*\(faults_dll\.dll\+0x[0-9a-f]+\)" \
  -- "$run" "$program" unhandled-dll
expect unhandled-dll-caller 87 "#1 0x[0-9a-f]+ $program_at$" -- "$run" "$program" unhandled-dll
expect unloaded 87 "raised at 0x[0-9a-f]+ \(formerly faults_dll\.dll\+0x[0-9a-f]+\)" \
  -- "$run" "$program" unloaded
expect unloaded-access 87 "access violation: execution of address 0x[0-9a-f]+$" \
  -- "$run" "$program" unloaded
expect late-thread 87 "raised at 0x[0-9a-f]+ \(formerly faults_dll\.dll\+0x[0-9a-f]+\)" \
  -- "$run" "$program" late-thread
# C++ (mingw-w64 g++): catch (...) catches a throw, but not a processor fault (libgcc's handler
# declines it, as on Windows), which ends in the report.
cxx=$(dirname "$program")/faults_cxx.exe
expect cxx-throw 0 "^cxx ok$" -- "$run" "$cxx"
expect cxx-fault 87 "unhandled exception 0xc0000005 .*\(faults_cxx\.exe\+0x[0-9a-f]+\)" -- "$run" "$cxx" fault
# A stack overflow: reported (no handler can run on an exhausted stack), named, exit 87.
expect stack-overflow 87 "unhandled exception 0xc00000fd \(EXCEPTION_STACK_OVERFLOW\).*\($program_at\)" \
  -- "$run" "$program" stack-overflow
# ws2emu's own code (the C library's strlen on a pointer from PE code): the default action
# (SIGSEGV, 139) or, under AddressSanitizer, its report; never exit 87.
out=$("$run" "$program" native-fault 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 87 ] &&
   grep -qE "^\[ws2emu\] fatal signal SIGSEGV at 0x[0-9a-f]+ in ws2emu code \(fault address 0x10," <<<"$out" &&
   ! grep -q "unhandled exception" <<<"$out"; then
  pass
else
  fail "native-fault: exit $rc, output:"
  printf '%s\n' "$out"
fi
summary
