// emu/loader/module_backends.h — what emu/ registers with lib/modules (the one module
// resolver): the PE image loader and the built-in modules' tables. lib/ never includes emu/, so
// emu/ hands them over through lib/modules' interfaces.
//
// Registration happens once, from a static initialiser in emu/loader/loader.cc: that file is in
// every program that can run PE code (nothing loads an image without the Loader), so ws2emu-run
// and the tests get it by linking emu/, and libws2emu.so, which links every object whole, gets
// it when a native host loads the library — before the host's first WSC* or provider call.
#ifndef WS2EMU_EMU_LOADER_MODULE_BACKENDS_H_
#define WS2EMU_EMU_LOADER_MODULE_BACKENDS_H_

namespace ws2emu::emu {

// Registers both with lib/modules; false (said on stderr) if either was refused. Called by loader.cc's static initialiser only.
bool RegisterModuleBackends();

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_LOADER_MODULE_BACKENDS_H_
