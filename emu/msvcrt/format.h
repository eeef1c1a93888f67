// emu/msvcrt/format.h — printf formatting with a Windows va_list, for msvcrt's printf family.
//
//   std::string s = FormatMs(format, ap);  // ap is a __builtin_ms_va_list
//
// Windows rules, not glibc's: `l` is 32 bits (long is 32 bits), `I64`/`ll` 64, `I32` 32, `I`/`z`
// pointer-sized; in the narrow functions `%S`, `%ls` and `%ws` take a UTF-16 string and `%C`/
// `%lc` a UTF-16 character (converted to UTF-8), `%hs` a narrow one; `%p` prints 16 uppercase hex
// digits. `%n` writes nothing (msvcrt disables it by default) and is skipped. Each conversion is
// fetched from the va_list by its Windows type and formatted with the host's snprintf.
// `wide_function` gives the rules of the wide functions (_vsnwprintf, the caller converts the
// format and the result): there `%s`/`%c` take UTF-16 and `%S`/`%C` narrow arguments, while
// `h` and `l`/`w` still force narrow and wide.
#ifndef WS2EMU_EMU_MSVCRT_FORMAT_H_
#define WS2EMU_EMU_MSVCRT_FORMAT_H_

#include <cstdint>
#include <string>

namespace ws2emu::emu {

std::string FormatMs(const char *format, __builtin_ms_va_list ap, bool wide_function = false);

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_MSVCRT_FORMAT_H_
