// RPCRT4.dll: the UUID calls provider installers make — UuidCreate (random, version 4),
// UuidToStringA/W, UuidFromStringA/W and RpcStringFreeA/W. No RPC runtime stands behind them.
#include "exports/rpcrt4_exports.h"

#include <sys/random.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "exports/builtin.h"
#include "exports/guid_text.h"
#include "win32/kernel32.h"

namespace ws2emu::emu {
namespace {

// Fills `size` bytes from the kernel's random source; false if it cannot.
bool FillRandom(void *buffer, size_t size) {
  auto *p = static_cast<unsigned char *>(buffer);
  while (size > 0) {
    ssize_t n = getrandom(p, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

// UuidCreate: a random (version 4, RFC 4122 variant) UUID; never the "local only" kind. A null
// pointer gives RPC_S_INVALID_ARG rather than a fault; if the kernel gives no randomness (it
// always does since Linux 3.17) the documented "cannot make a UUID" code.
RPC_STATUS WINAPI UuidCreate(UUID *Uuid) {
  if (Uuid == nullptr) return RPC_S_INVALID_ARG;
  UUID u;
  if (!FillRandom(&u, sizeof u)) return RPC_S_UUID_NO_ADDRESS;
  u.Data3 = static_cast<WORD>((u.Data3 & 0x0fff) | 0x4000);    // version 4
  u.Data4[0] = static_cast<BYTE>((u.Data4[0] & 0x3f) | 0x80);  // variant 10xx
  *Uuid = u;
  return RPC_S_OK;
}

namespace {

const UUID kNilUuid = {};

// UuidToStringA/W: a new process-heap string "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case)
// for *Uuid, or for the nil UUID when Uuid is null; RpcStringFree releases it.
template <typename Char>
RPC_STATUS UuidToString(const UUID *Uuid, Char **StringUuid) {
  if (StringUuid == nullptr) return RPC_S_INVALID_ARG;
  *StringUuid = nullptr;
  auto *text = static_cast<Char *>(
      win32::HeapAlloc(win32::GetProcessHeap(), 0, (kGuidTextLength + 1) * sizeof(Char)));
  if (text == nullptr) return RPC_S_OUT_OF_MEMORY;
  FormatGuid(Uuid != nullptr ? *Uuid : kNilUuid, GuidCase::kLower, text);
  text[kGuidTextLength] = 0;
  *StringUuid = text;
  return RPC_S_OK;
}

// UuidFromStringA/W: exactly 36 characters in the form above, either case, no braces; a null
// string is the nil UUID. Anything else is RPC_S_INVALID_STRING_UUID, *Uuid untouched.
template <typename Char>
RPC_STATUS UuidFromString(const Char *StringUuid, UUID *Uuid) {
  if (Uuid == nullptr) return RPC_S_INVALID_ARG;
  if (StringUuid == nullptr) {
    *Uuid = kNilUuid;
    return RPC_S_OK;
  }
  UUID parsed;
  if (!ParseGuid(StringUuid, &parsed) || StringUuid[kGuidTextLength] != 0)
    return RPC_S_INVALID_STRING_UUID;
  *Uuid = parsed;
  return RPC_S_OK;
}

// RpcStringFreeA/W: frees a string an Rpc/Uuid call returned and sets *String to null.
template <typename Char>
RPC_STATUS RpcStringFree(Char **String) {
  if (String == nullptr) return RPC_S_INVALID_ARG;
  if (*String != nullptr) win32::HeapFree(win32::GetProcessHeap(), 0, *String);
  *String = nullptr;
  return RPC_S_OK;
}

}  // namespace

RPC_STATUS WINAPI UuidToStringA(const UUID *Uuid, RPC_CSTR *StringUuid) {
  return UuidToString(Uuid, StringUuid);
}
RPC_STATUS WINAPI UuidToStringW(const UUID *Uuid, RPC_WSTR *StringUuid) {
  return UuidToString(Uuid, StringUuid);
}
RPC_STATUS WINAPI UuidFromStringA(RPC_CSTR StringUuid, UUID *Uuid) {
  return UuidFromString(StringUuid, Uuid);
}
RPC_STATUS WINAPI UuidFromStringW(RPC_WSTR StringUuid, UUID *Uuid) {
  return UuidFromString(StringUuid, Uuid);
}
RPC_STATUS WINAPI RpcStringFreeA(RPC_CSTR *String) { return RpcStringFree(String); }
RPC_STATUS WINAPI RpcStringFreeW(RPC_WSTR *String) { return RpcStringFree(String); }

namespace {

#define EXPORT(name, fn) {name, 0, reinterpret_cast<const void *>(&fn)}
const BuiltinExport kExports[] = {
    EXPORT("RpcStringFreeA", RpcStringFreeA),
    EXPORT("RpcStringFreeW", RpcStringFreeW),
    EXPORT("UuidCreate", UuidCreate),
    EXPORT("UuidFromStringA", UuidFromStringA),
    EXPORT("UuidFromStringW", UuidFromStringW),
    EXPORT("UuidToStringA", UuidToStringA),
    EXPORT("UuidToStringW", UuidToStringW),
};
#undef EXPORT

}  // namespace

const BuiltinModule kRpcrt4Module = {"RPCRT4.dll", kExports,
                                     sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
