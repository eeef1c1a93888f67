// USER32.dll: the message-only window subset of the core (lib/messages), in W and A forms.
// Message-only windows carry no text messages, so the A message calls are the W ones.
#include "exports/builtin.h"
#include "win32/user32_forms.h"
#include "win32/user32_resources.h"
#include "win32/user32_send.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

using namespace win32;  // NOLINT

#define EXPORT(name, fn) {name, 0, reinterpret_cast<const void *>(&fn)}
const BuiltinExport kExports[] = {
    EXPORT("CreateWindowExA", CreateWindowExA),
    EXPORT("DefWindowProcA", ws2emu_DefWindowProcW),
    EXPORT("DispatchMessageA", ws2emu_DispatchMessageW),
    EXPORT("GetMessageA", ws2emu_GetMessageW),
    EXPORT("PeekMessageA", ws2emu_PeekMessageW),
    EXPORT("PostMessageA", ws2emu_PostMessageW),
    EXPORT("PostThreadMessageA", ws2emu_PostThreadMessageW),
    EXPORT("RegisterClassA", RegisterClassA),
    EXPORT("RegisterClassExA", RegisterClassExA),
    EXPORT("RegisterClassW", RegisterClassW),
    EXPORT("UnregisterClassA", UnregisterClassA),
    EXPORT("CreateWindowExW", ws2emu_CreateWindowExW),
    EXPORT("DefWindowProcW", ws2emu_DefWindowProcW),
    EXPORT("DestroyWindow", ws2emu_DestroyWindow),
    EXPORT("DispatchMessageW", ws2emu_DispatchMessageW),
    EXPORT("GetMessageW", ws2emu_GetMessageW),
    EXPORT("IsWindow", ws2emu_IsWindow),
    EXPORT("MsgWaitForMultipleObjects", ws2emu_MsgWaitForMultipleObjects),
    EXPORT("MsgWaitForMultipleObjectsEx", ws2emu_MsgWaitForMultipleObjectsEx),
    EXPORT("PeekMessageW", ws2emu_PeekMessageW),
    EXPORT("PostMessageW", ws2emu_PostMessageW),
    EXPORT("PostQuitMessage", ws2emu_PostQuitMessage),
    EXPORT("PostThreadMessageW", ws2emu_PostThreadMessageW),
    EXPORT("RegisterClassExW", ws2emu_RegisterClassExW),
    EXPORT("TranslateMessage", ws2emu_TranslateMessage),
    EXPORT("UnregisterClassW", ws2emu_UnregisterClassW),
    // The shared predefined cursors and icons (win32/user32_resources.cc).
    EXPORT("LoadCursorA", LoadCursorA),
    EXPORT("LoadCursorW", LoadCursorW),
    EXPORT("LoadIconA", LoadIconA),
    EXPORT("LoadIconW", LoadIconW),
    // SendMessage to any window of the process; user32's printf (win32/user32_send.cc).
    EXPORT("SendMessageA", SendMessageA),
    EXPORT("SendMessageTimeoutA", SendMessageTimeoutA),
    EXPORT("SendMessageTimeoutW", SendMessageTimeoutW),
    EXPORT("SendMessageW", SendMessageW),
    EXPORT("wsprintfA", wsprintfA),
    EXPORT("wsprintfW", wsprintfW),
    EXPORT("wvsprintfA", wvsprintfA),
    EXPORT("wvsprintfW", wvsprintfW),
};
#undef EXPORT

}  // namespace

const BuiltinModule kUser32Module = {"USER32.dll", kExports,
                                     sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
