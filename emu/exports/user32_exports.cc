// USER32.dll: the message-only window subset of the core (lib/messages), W forms. The A forms,
// which convert strings, come with the rest of the Win32 subset.
#include "exports/builtin.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

#define EXPORT(name, fn) {name, 0, reinterpret_cast<const void *>(&fn)}
const BuiltinExport kExports[] = {
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
};
#undef EXPORT

}  // namespace

const BuiltinModule kUser32Module = {"USER32.dll", kExports,
                                     sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
