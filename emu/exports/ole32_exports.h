// emu/exports/ole32_exports.h — ole32.dll's GUID and task-memory calls (Windows names and
// signatures, ms_abi), listed in ole32_exports.cc. No COM runtime stands behind them: there is no
// registry, so a ProgID never names a class.
//
//   GUID g;
//   WCHAR text[39];
//   if (CoCreateGuid(&g) == S_OK && StringFromGUID2(&g, text, 39) == 39) ...  // "{XXXXXXXX-...}"
#ifndef WS2EMU_EMU_EXPORTS_OLE32_EXPORTS_H_
#define WS2EMU_EMU_EXPORTS_OLE32_EXPORTS_H_

#include "ws2emu/win_base.h"

namespace ws2emu::emu {

using HRESULT = LONG;
using OLECHAR = WCHAR;
using LPOLESTR = OLECHAR *;
using LPCOLESTR = const OLECHAR *;
using CLSID = GUID;
using IID = GUID;
using REFGUID = const GUID *;  // C's form; C++ code on Windows passes a reference, the same ABI
using REFCLSID = const CLSID *;
using REFIID = const IID *;

inline constexpr HRESULT S_OK = 0;
inline constexpr HRESULT E_OUTOFMEMORY = static_cast<HRESULT>(0x8007000E);
inline constexpr HRESULT E_INVALIDARG = static_cast<HRESULT>(0x80070057);
inline constexpr HRESULT CO_E_CLASSSTRING = static_cast<HRESULT>(0x800401F3);
inline constexpr HRESULT CO_E_IIDSTRING = static_cast<HRESULT>(0x800401F4);

// A GUID in braces with its terminator: "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" + NUL.
inline constexpr int kCharsInGuid = 39;

HRESULT WINAPI CoCreateGuid(GUID *pguid);
int WINAPI StringFromGUID2(REFGUID rguid, LPOLESTR lpsz, int cchMax);
HRESULT WINAPI StringFromCLSID(REFCLSID rclsid, LPOLESTR *lplpsz);
HRESULT WINAPI StringFromIID(REFIID rclsid, LPOLESTR *lplpsz);
HRESULT WINAPI CLSIDFromString(LPCOLESTR lpsz, CLSID *pclsid);
HRESULT WINAPI IIDFromString(LPCOLESTR lpsz, IID *lpiid);
LPVOID WINAPI CoTaskMemAlloc(SIZE_T cb);
LPVOID WINAPI CoTaskMemRealloc(LPVOID pv, SIZE_T cb);
void WINAPI CoTaskMemFree(LPVOID pv);

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_EXPORTS_OLE32_EXPORTS_H_
