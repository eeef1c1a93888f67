// lib/base/escape.h — text from files, catalogs and providers made safe to print.
//
// A provider name, a catalog path or a message that quotes a file may hold anything: a NUL
// (which printf's %s would silently cut at), an escape sequence that repaints the terminal, bytes
// that are not UTF-8. Everything ws2emu's commands print that did not come from ws2emu itself
// goes through EscapeForTerminal first:
//
//   std::string shown = EscapeForTerminal(name);   // "A\x1b[31m" -> "A\\x1b[31m"
//
// Rules: NUL becomes `\u0000` (it is a character of the Windows string, not its end); the other
// C0 controls and DEL become `\xNN` (`\x1b`, `\x0a`); the C1 controls U+0080..U+009F become
// `\u0080`..`\u009f`; a byte that is not part of valid UTF-8 becomes `\xNN`. Everything else,
// backslashes included (Windows paths are full of them), is kept as it is.
#ifndef WS2EMU_LIB_BASE_ESCAPE_H_
#define WS2EMU_LIB_BASE_ESCAPE_H_

#include <string>
#include <string_view>

namespace ws2emu {

std::string EscapeForTerminal(std::string_view text);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_ESCAPE_H_
