// The "C" locale, the only one the runtime has: localeconv, the locale's code page and
// MB_CUR_MAX, as msvcrt reports them before any setlocale call.
#include <climits>

#include "msvcrt/msvcrt.h"

namespace ws2emu::emu::msvcrt {
namespace {

char g_dot[] = ".";
char g_empty[] = "";

}  // namespace

Lconv *WINAPI localeconv_(void) {
  // Refilled on every call: the caller may have written to the previous result, as it may on
  // Windows, where the next call overwrites it too.
  static Lconv c;
  c = Lconv{g_dot,   g_empty,  g_empty,  g_empty,  g_empty,  g_empty,  g_empty,
            g_empty, g_empty,  g_empty,  CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX,
            CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX};
  return &c;
}

UINT WINAPI ___lc_codepage_func(void) { return 0; }  // the "C" locale: CP_ACP
int WINAPI ___mb_cur_max_func(void) { return 1; }

}  // namespace ws2emu::emu::msvcrt
