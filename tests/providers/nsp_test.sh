#!/usr/bin/env bash
# A name-space provider's life as a user sees it, with real PE code: nsp_tool.exe (a Windows
# program) installs test_nsp.dll with WSCInstallNameSpace, lists it (WSAEnumNameSpaceProvidersW
# and ws2emu-catalog ns-list), resolves through it (WSALookupServiceBegin/Next/End, getaddrinfo,
# gethostbyname: nsp-test.example -> 10.11.12.13; other names are passed on to the built-in
# Tcpip provider), disables it (no longer answers), enables it, removes it; then the same
# provider installed with ws2emu-catalog ns-install.
# Usage: nsp_test.sh WS2EMU_RUN NSP_TOOL NSP_DLL WS2EMU_CATALOG_TOOL
set -u
run=$1 tool=$2 dll=$3 catalog=$4
source "$(dirname "$0")/../expect.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WS2EMU_CATALOG="$work/catalog" WS2EMU_DRIVE_C="$work/drive_c"
mkdir -p "$WS2EMU_DRIVE_C/Windows/System32"
cp "$dll" "$WS2EMU_DRIVE_C/Windows/System32/ws2emu_testnsp.dll"
guid='{5E2E0010-7A11-4B5E-9A5E-000000000010}'

expect fresh-list 0 "provider Tcpip ns 12 active 1 \{22059D40-7E9E-11CF-" -- "$run" "$tool" list
expect fresh-count 0 "^1 name-space providers" -- "$run" "$tool" list
expect fresh-unknown 1 "getaddrinfo failed: 11001" -- "$run" "$tool" resolve nsp-test.example
expect install 0 "installed the name-space provider" -- \
  "$run" "$tool" install '%SystemRoot%\system32\ws2emu_testnsp.dll'
expect install-twice 1 "WSCInstallNameSpace failed: 10108|WSCInstallNameSpace failed: 11003" -- \
  "$run" "$tool" install '%SystemRoot%\system32\ws2emu_testnsp.dll'
expect list 0 "provider ws2emu test NSP ns 12 active 1 \{5E2E0010-7A11-4B5E-" -- "$run" "$tool" list
expect list-count 0 "^2 name-space providers" -- "$run" "$tool" list
expect catalog-ns-list 0 "Description: +ws2emu test NSP" -- "$catalog" ns-list
expect catalog-list-unchanged 0 "Catalog Entry 1001 \(base\)" -- "$catalog" list
expect lookup 0 "result nsp-test.example 10.11.12.13" -- "$run" "$tool" lookup nsp-test.example
expect resolve 0 "address 10.11.12.13 port 80" -- "$run" "$tool" resolve nsp-test.example
expect hostbyname 0 "hostent nsp-test.example 10.11.12.13" -- \
  "$run" "$tool" hostbyname nsp-test.example
expect passed-on 0 "address 127.0.0.1 port 80" -- "$run" "$tool" resolve localhost
expect disable 0 "disabled the name-space provider" -- "$run" "$tool" disable
expect disabled-list 0 "provider ws2emu test NSP ns 12 active 0" -- "$run" "$tool" list
expect disabled-resolve 1 "getaddrinfo failed: 11001" -- "$run" "$tool" resolve nsp-test.example
expect enable 0 "enabled the name-space provider" -- "$run" "$tool" enable
expect enabled-resolve 0 "address 10.11.12.13" -- "$run" "$tool" resolve nsp-test.example
expect uninstall 0 "removed the name-space provider" -- "$run" "$tool" uninstall
expect uninstall-twice 1 "WSCUnInstallNameSpace failed: 10022" -- "$run" "$tool" uninstall
expect removed-resolve 1 "getaddrinfo failed: 11001" -- "$run" "$tool" resolve nsp-test.example
expect removed-list 0 "1 name-space providers" -- "$run" "$tool" list

# The same through ws2emu-catalog.
expect catalog-install 0 "Installed name-space provider" -- \
  "$catalog" ns-install "$guid" "ws2emu test NSP" '%SystemRoot%\system32\ws2emu_testnsp.dll'
expect catalog-resolve 0 "address 10.11.12.13" -- "$run" "$tool" resolve nsp-test.example
expect catalog-disable 0 "Disabled name-space provider" -- "$catalog" ns-disable "$guid"
expect catalog-disabled-list 0 "Active: +0" -- "$catalog" ns-list
expect catalog-disabled-resolve 1 "getaddrinfo failed: 11001" -- \
  "$run" "$tool" resolve nsp-test.example
expect catalog-enable 0 "Enabled name-space provider" -- "$catalog" ns-enable "$guid"
# Asked after Tcpip, the provider only gets the names Tcpip does not know; put first (as an
# installer does with WSCWriteNameSpaceOrder), it answers a name before Tcpip sees it: the test
# provider then answers NSP-TEST.EXAMPLE whatever /etc/hosts says, and localhost still passes on.
expect catalog-order-bad 1 "WSAEINVAL" -- "$catalog" ns-order "$guid"
expect catalog-order 0 "Name-space order written \(2 providers\)" -- \
  "$catalog" ns-order "$guid" '{22059D40-7E9E-11CF-AE5A-00AA00A7112B}'
expect catalog-order-list 0 "provider ws2emu test NSP" -- "$run" "$tool" list
expect catalog-order-first 0 "result nsp-test.example 10.11.12.13" -- \
  "$run" "$tool" lookup NSP-TEST.EXAMPLE
expect catalog-order-passes-on 0 "address 127.0.0.1 port 80" -- "$run" "$tool" resolve localhost
expect catalog-remove 0 "Removed name-space provider" -- "$catalog" ns-remove "$guid"
expect catalog-remove-twice 1 "WSAEINVAL" -- "$catalog" ns-remove "$guid"
expect catalog-bad-guid 2 "is not a GUID" -- "$catalog" ns-remove nonsense
expect catalog-removed-list 0 "1 name-space provider$" -- "$catalog" ns-list
# `reset` restores Windows' name-space catalog too.
expect catalog-reinstall 0 "Installed name-space provider" -- \
  "$catalog" ns-install "$guid" "ws2emu test NSP" '%SystemRoot%\system32\ws2emu_testnsp.dll'
expect catalog-reset 0 "Reset" -- "$catalog" reset
expect catalog-reset-list 0 "1 name-space provider$" -- "$catalog" ns-list
expect catalog-reset-resolve 1 "getaddrinfo failed: 11001" -- "$run" "$tool" resolve nsp-test.example
summary
