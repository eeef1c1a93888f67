// emu/exports/rpcrt4_exports.h — RPCRT4.dll's UUID calls (Windows names and signatures, ms_abi),
// listed in rpcrt4_exports.cc; ole32's CoCreateGuid is UuidCreate.
//
//   UUID u;
//   RPC_CSTR text;
//   if (UuidCreate(&u) == RPC_S_OK && UuidToStringA(&u, &text) == RPC_S_OK) {
//     ...                       // "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", y one of 8 9 a b
//     RpcStringFreeA(&text);
//   }
//
// Strings the To calls return are allocated on the process heap (HeapAlloc), as on Windows;
// RpcStringFree is the one way to release them.
#ifndef WS2EMU_EMU_EXPORTS_RPCRT4_EXPORTS_H_
#define WS2EMU_EMU_EXPORTS_RPCRT4_EXPORTS_H_

#include "ws2emu/win_base.h"

namespace ws2emu::emu {

using UUID = GUID;
using RPC_STATUS = LONG;
using RPC_CSTR = unsigned char *;
using RPC_WSTR = WCHAR *;  // unsigned short * on Windows: the same 16-bit units

// The RPC_S_* codes these calls return (Win32 error numbers).
inline constexpr RPC_STATUS RPC_S_OK = 0;
inline constexpr RPC_STATUS RPC_S_OUT_OF_MEMORY = 14;
inline constexpr RPC_STATUS RPC_S_INVALID_ARG = 87;
inline constexpr RPC_STATUS RPC_S_INVALID_STRING_UUID = 1705;
inline constexpr RPC_STATUS RPC_S_UUID_NO_ADDRESS = 1739;

RPC_STATUS WINAPI UuidCreate(UUID *Uuid);
RPC_STATUS WINAPI UuidToStringA(const UUID *Uuid, RPC_CSTR *StringUuid);
RPC_STATUS WINAPI UuidToStringW(const UUID *Uuid, RPC_WSTR *StringUuid);
RPC_STATUS WINAPI UuidFromStringA(RPC_CSTR StringUuid, UUID *Uuid);
RPC_STATUS WINAPI UuidFromStringW(RPC_WSTR StringUuid, UUID *Uuid);
RPC_STATUS WINAPI RpcStringFreeA(RPC_CSTR *String);
RPC_STATUS WINAPI RpcStringFreeW(RPC_WSTR *String);

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_EXPORTS_RPCRT4_EXPORTS_H_
