// ole32.dll: GUIDs (CoCreateGuid, StringFromGUID2, StringFromCLSID/IID, CLSIDFromString,
// IIDFromString) and task memory (CoTaskMemAlloc/Realloc/Free), what provider installers call.
#include "exports/ole32_exports.h"

#include "exports/builtin.h"
#include "exports/guid_text.h"
#include "exports/rpcrt4_exports.h"
#include "win32/kernel32.h"

namespace ws2emu::emu {
namespace {

// HRESULT_FROM_WIN32.
HRESULT HresultFromWin32(LONG error) {
  if (error <= 0) return error;
  return static_cast<HRESULT>((static_cast<DWORD>(error) & 0xffff) | 0x80070000);
}

// "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" and its terminator: kCharsInGuid units at `out`.
void WriteBracedGuid(const GUID &guid, OLECHAR *out) {
  out[0] = u'{';
  FormatGuid(guid, GuidCase::kUpper, out + 1);
  out[kGuidTextLength + 1] = u'}';
  out[kGuidTextLength + 2] = 0;
}

// True when `text` is exactly a braced GUID (either case), parsed into *guid.
bool ParseBracedGuid(LPCOLESTR text, GUID *guid) {
  if (text[0] != u'{') return false;
  GUID parsed;
  if (!ParseGuid(text + 1, &parsed)) return false;
  if (text[kGuidTextLength + 1] != u'}' || text[kGuidTextLength + 2] != 0) return false;
  *guid = parsed;
  return true;
}

// StringFromCLSID / StringFromIID: the braced form in a new CoTaskMemAlloc string.
HRESULT NewGuidString(const GUID *guid, LPOLESTR *lplpsz) {
  if (guid == nullptr || lplpsz == nullptr) return E_INVALIDARG;
  auto *text = static_cast<LPOLESTR>(CoTaskMemAlloc(kCharsInGuid * sizeof(OLECHAR)));
  *lplpsz = text;
  if (text == nullptr) return E_OUTOFMEMORY;
  WriteBracedGuid(*guid, text);
  return S_OK;
}

}  // namespace

// CoCreateGuid: a new random GUID (UuidCreate's).
HRESULT WINAPI CoCreateGuid(GUID *pguid) {
  if (pguid == nullptr) return E_INVALIDARG;
  return HresultFromWin32(UuidCreate(pguid));
}

// StringFromGUID2: the braced upper-case form with its NUL; returns the characters written,
// terminator included (39), or 0 when cchMax is smaller than that.
int WINAPI StringFromGUID2(REFGUID rguid, LPOLESTR lpsz, int cchMax) {
  if (rguid == nullptr || lpsz == nullptr || cchMax < kCharsInGuid) return 0;
  WriteBracedGuid(*rguid, lpsz);
  return kCharsInGuid;
}

HRESULT WINAPI StringFromCLSID(REFCLSID rclsid, LPOLESTR *lplpsz) {
  return NewGuidString(rclsid, lplpsz);
}

HRESULT WINAPI StringFromIID(REFIID rclsid, LPOLESTR *lplpsz) {
  return NewGuidString(rclsid, lplpsz);
}

// CLSIDFromString: a braced GUID, or null for CLSID_NULL. Anything else would be a ProgID looked
// up in the registry, which does not exist here: CO_E_CLASSSTRING, *pclsid set to CLSID_NULL.
HRESULT WINAPI CLSIDFromString(LPCOLESTR lpsz, CLSID *pclsid) {
  if (pclsid == nullptr) return E_INVALIDARG;
  if (lpsz == nullptr) {
    *pclsid = CLSID{};
    return S_OK;
  }
  if (ParseBracedGuid(lpsz, pclsid)) return S_OK;
  *pclsid = CLSID{};
  return CO_E_CLASSSTRING;
}

// IIDFromString: a braced GUID, or null for IID_NULL. A string that is not 38 characters long is
// E_INVALIDARG; one of the right length that is not a GUID is CO_E_IIDSTRING. *lpiid is written
// only on success.
HRESULT WINAPI IIDFromString(LPCOLESTR lpsz, IID *lpiid) {
  if (lpiid == nullptr) return E_INVALIDARG;
  if (lpsz == nullptr) {
    *lpiid = IID{};
    return S_OK;
  }
  int length = 0;
  while (length < kCharsInGuid && lpsz[length] != 0) ++length;
  if (length != kCharsInGuid - 1) return E_INVALIDARG;
  return ParseBracedGuid(lpsz, lpiid) ? S_OK : CO_E_IIDSTRING;
}

// Task memory lives on the process heap; a block is released with CoTaskMemFree.
LPVOID WINAPI CoTaskMemAlloc(SIZE_T cb) { return win32::HeapAlloc(win32::GetProcessHeap(), 0, cb); }

// CoTaskMemRealloc: null pv allocates; cb 0 with a block frees it and returns null.
LPVOID WINAPI CoTaskMemRealloc(LPVOID pv, SIZE_T cb) {
  if (pv == nullptr) return CoTaskMemAlloc(cb);
  if (cb == 0) {
    CoTaskMemFree(pv);
    return nullptr;
  }
  return win32::HeapReAlloc(win32::GetProcessHeap(), 0, pv, cb);
}

void WINAPI CoTaskMemFree(LPVOID pv) {
  if (pv != nullptr) win32::HeapFree(win32::GetProcessHeap(), 0, pv);
}

namespace {

#define EXPORT(name, fn) {name, 0, reinterpret_cast<const void *>(&fn)}
const BuiltinExport kExports[] = {
    EXPORT("CLSIDFromString", CLSIDFromString),
    EXPORT("CoCreateGuid", CoCreateGuid),
    EXPORT("CoTaskMemAlloc", CoTaskMemAlloc),
    EXPORT("CoTaskMemFree", CoTaskMemFree),
    EXPORT("CoTaskMemRealloc", CoTaskMemRealloc),
    EXPORT("IIDFromString", IIDFromString),
    EXPORT("StringFromCLSID", StringFromCLSID),
    EXPORT("StringFromGUID2", StringFromGUID2),
    EXPORT("StringFromIID", StringFromIID),
};
#undef EXPORT

}  // namespace

const BuiltinModule kOle32Module = {"ole32.dll", kExports, sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
