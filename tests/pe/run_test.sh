#!/usr/bin/env bash
# ws2emu-run's modes, as a user runs them: --provider (demo, a real upcall-using provider,
# --trace, bad input), --check (missing imports, clean image, refused image).
# and running console programs.
# Usage: run_test.sh WS2EMU_RUN UPCALL_PROVIDER LOADER_DLL SAMPLE_DLL BROKEN_DIR CONSOLE_EXE
#                    TRAP_EXE CXX_PROVIDER
set -u
run=$1 upcall=$2 loader=$3 sample=$4 broken=$5 console=$6 trap=$7 cxx=$8
source "$(dirname "$0")/../expect.sh"
expect demo-provider 0 "description ws2emu sample provider" -- "$run" --provider
expect demo-udp6 0 "udp6 \(catalog entry 1004\)" -- "$run" --provider --protocol udp6
expect upcall-provider 0 "description ws2emu upcall provider" -- "$run" --provider "$upcall"
expect trace 0 "upcall WPUCreateSocketHandle\(dwCatalogEntryId=1001" -- "$run" --provider "$upcall" --trace
expect trace-apc 0 "upcall WPUQueueApc\(" -- "$run" --provider "$upcall" --trace
# The line format (emu/trace/trace.h): thread, tag, call, result, time.
expect trace-format 0 "^\[t1\] upcall WPUCreateSocketHandle\(dwCatalogEntryId=1001, dwContext=0x[0-9a-f]+\) = 0x[0-9a-f]+ \([0-9]+ us\)$" -- \
  "$run" --provider "$upcall" --trace=upcall
expect trace-spi-startup 0 "^\[t1\] spi upcall_provider\.dll \"MSAFD Tcpip \[TCP/IP\]\"#1001 WSPStartup\(2\.2\) = 0 version 2\.2 \([0-9]+ us\)$" -- \
  "$run" --provider "$upcall" --trace=spi
# The demo provider does not bind (WSAEOPNOTSUPP): the failing call's line names the error.
expect trace-spi-demo-error 1 "^\[t1\] spi sample_provider\.dll \"MSAFD Tcpip \[TCP/IP\]\"#1001 WSPBind\(s=0x[0-9a-f]+, 127\.0\.0\.1:0\) = -1 WSAEOPNOTSUPP \([0-9]+ us\)$" -- \
  "$run" --provider --trace=spi --exchange
expect trace-bad-word 2 "--trace takes a list of api, spi and upcall, not 'foo'" -- "$run" --provider --trace=foo
expect trace-check 2 "--trace goes with a PROGRAM.exe, --provider or --entry" -- "$run" --check "$sample" --trace
expect no-wspstartup 1 "does not export WSPStartup: WSAEPROVIDERFAILEDINIT \(10106\)" -- "$run" --provider "$loader"
expect bad-image 1 "wrong machine type.*WSAEPROVIDERFAILEDINIT" -- "$run" --provider "$broken/machine-i386.dll"
expect bad-protocol 2 "--protocol must be" -- "$run" --provider --protocol sctp
expect check-missing 1 "KERNEL32.dll!Beep +MISSING" -- "$run" --check "$loader"
expect check-clean 0 "0 missing" -- "$run" --check "$sample"
expect check-refused 2 "SizeOfHeaders|truncated" -- "$run" --check "$broken/truncated-in-headers.dll"
expect check-nofile 2 "/nonexistent.dll: cannot read the PE image: No such file or directory" -- "$run" --check /nonexistent.dll
expect unknown-arg 2 "unknown argument" -- "$run" --frobnicate
expect list 0 "WPUCompleteOverlappedRequest +provided" -- "$run"
export WS2EMU_TEST_VAR=value
expect program-args 42 "argc=3 argv\[1\]=42 argv\[2\]=x y" -- "$run" "$console" 42 "x y"
expect program-printf 0 "narrow=abc wide=wide upper int64=-1234567890123 lld=9876543210 double=2.500 hex=0xdeadbeefcafe" -- "$run" "$console"
expect program-threads 0 "counter=400000" -- "$run" "$console"
expect program-heap 0 "heap ok" -- "$run" "$console"
expect program-user32 0 "user32 ok" -- "$run" "$console"
expect program-handles 0 "handles ok" -- "$run" "$console"
expect program-tls 0 "tls ok" -- "$run" "$console"
expect program-slist 0 "slist ok" -- "$run" "$console"
expect program-self 0 "self ok" -- "$run" "$console"
expect program-paths 0 "paths ok" -- "$run" "$console"
drive=$(mktemp -d)
trap 'rm -rf "$drive"' EXIT
mkdir -p "$drive/Windows/System32"
cp "$sample" "$drive/Windows/System32/sample_dll.dll"
expect program-drive-map 0 "drive map ok" -- env WS2EMU_DRIVE_C="$drive" WS2EMU_TEST_DRIVE=1 \
  "$run" "$console"
expect program-strings 0 "strings ok" -- env WS2EMU_TEST_VAR=value "$run" "$console"
expect program-stderr 0 "to stderr 7" -- "$run" "$console"
expect cxx-provider 0 "C\+\+ runtime and exceptions ok" -- "$run" --provider "$cxx"
expect cxx-provider-table 0 "description ws2emu C\+\+ provider" -- "$run" --provider "$cxx"
expect cxx-static-destructor 0 "static destructor ran \(2 names\)" -- "$run" --provider "$cxx"
expect cxx-check 0 "0 missing" -- "$run" --check "$cxx"
expect cxx-unhandled 87 "unhandled exception 0x20474343 \(a C\+\+ exception thrown by GCC code\).*cxx_provider.dll\+0x[0-9a-f]+" -- env CXX_PROVIDER_UNHANDLED=1 "$run" --provider "$cxx"
expect program-trap 86 "KERNEL32.dll!Beep was called \(from trap_program.exe\+0x[0-9a-f]+\)" -- "$run" "$trap"
summary
