// ws2emu-run PROGRAM.exe [ARGS...]: load a Windows console program and run it; its exit code
// becomes ws2emu-run's.
#include <cstdio>
#include <string>
#include <vector>

#include "base/escape.h"
#include "loader/loader.h"
#include "loader/teb.h"
#include "modules/modules.h"
#include "msvcrt/msvcrt.h"
#include "run/run.h"
#include "ws2emu/win_base.h"

namespace ws2emu::emu {

int RunProgram(const std::string &path, const std::vector<std::string> &args) {
  std::vector<std::string> argv = {path};
  argv.insert(argv.end(), args.begin(), args.end());
  msvcrt::SetMainArgs(argv);
  // The main thread's TEB before anything runs on it (the loader calls DllMain here).
  if (TryEnsureTeb() == nullptr) {
    std::fprintf(stderr, "ws2emu-run: not enough memory for the main thread's environment block "
                         "(ERROR_NOT_ENOUGH_MEMORY)\n");
    return 2;
  }
  // The one resolver (lib/modules), as for any module; only a PE image can be a program.
  absl::StatusOr<modules::Loaded> loaded = modules::Load(path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "ws2emu-run: %s\n",
                 EscapeForTerminal(std::string(loaded.status().message())).c_str());
    return 2;
  }
  Module *module = Loader::Get().FindByBase(loaded->handle);
  if (module == nullptr || module->image().is_dll() || module->entry_point() == nullptr) {
    std::fprintf(stderr, "ws2emu-run: %s is not a program (a DLL, or no entry point)\n",
                 EscapeForTerminal(path).c_str());
    modules::Unload(loaded->handle).IgnoreError();  // ours: cannot fail
    return 2;
  }
  Loader::Get().SetMainModule(module);
  EnsureTeb();
  // mainCRTStartup takes no arguments; it normally ends the process through exit().
  auto entry = reinterpret_cast<int(WINAPI *)(void)>(const_cast<void *>(module->entry_point()));
  int code = entry();
  std::fflush(nullptr);
  return code;
}

}  // namespace ws2emu::emu
