#!/usr/bin/env bash
# tests/pe/iphlpapi_test.sh — iphlpapi_program.exe under ws2emu-run: its own checks pass (exit 0)
# and the loopback it prints is Linux's lo as Windows would show it.
#   iphlpapi_test.sh WS2EMU_RUN IPHLPAPI_PROGRAM
source "$(dirname "$0")/../expect.sh"
run=$1 program=$2
lo_index=$(cat /sys/class/net/lo/ifindex)
lo_mtu=$(cat /sys/class/net/lo/mtu)
expect loopback 0 "loopback: index $lo_index, type 24, Loopback Pseudo-Interface 1 \(Software Loopback Interface 1\), \{[0-9A-F-]{36}\}, mtu $lo_mtu, up" -- "$run" "$program"
expect loopback-address 0 "  address 127\.0\.0\.1/8" -- "$run" "$program"
expect adapters-info 0 "GetAdaptersInfo: " -- "$run" "$program"
expect all-checks 0 "all checks passed" -- "$run" "$program"
summary
