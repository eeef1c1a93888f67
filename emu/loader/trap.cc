// Traps for imports nobody provides: a few bytes of machine code per import that hand the
// trap's description and the caller's return address to ImportTrapHandler, which reports and
// ends the process. Stub pages are never writable and executable at once.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <utility>

#include "base/annotated_mutex.h"
#include "absl/base/thread_annotations.h"

#include "loader/loader.h"

namespace ws2emu::emu {
namespace {

struct TrapInfo {
  std::string dll, function, importer;
};

[[noreturn]] void ImportTrapHandler(const TrapInfo *info, const void *return_address) {
  std::string where;
  if (Module *m = Loader::Get().FindByAddress(return_address)) {
    char offset[32];
    std::snprintf(offset, sizeof(offset), "+0x%zx",
                  static_cast<size_t>(static_cast<const uint8_t *>(return_address) - m->base()));
    where = m->name() + offset;
  } else {
    where = info->importer;
  }
  std::fprintf(stderr,
               "[ws2emu loader] %s!%s was called (from %s) but ws2emu does not emulate it; "
               "stopping with exit code %d\n",
               info->dll.c_str(), info->function.c_str(), where.c_str(), kTrapExitCode);
  std::fflush(stderr);
  _exit(kTrapExitCode);
}

constexpr size_t kStubSize = 32;
constexpr size_t kPageSize = 4096;

ABSL_CONST_INIT StdMutex g_mu;
uint8_t *g_page ABSL_GUARDED_BY(g_mu) = nullptr;
size_t g_used ABSL_GUARDED_BY(g_mu) = kPageSize;
// One trap per DLL!function for the life of the process, however often modules that import it
// are loaded and unloaded. Never destroyed: a trap can be called during exit.
auto &g_traps ABSL_GUARDED_BY(g_mu) =
    *new std::map<std::pair<std::string, std::string>, const void *>();
auto &g_infos ABSL_GUARDED_BY(g_mu) = *new std::deque<TrapInfo>();

}  // namespace

const void *MakeImportTrap(const std::string &dll, const std::string &function,
                           const std::string &importer) {
  StdMutexLock lock(&g_mu);
  auto key = std::make_pair(dll, function);
  if (auto it = g_traps.find(key); it != g_traps.end()) return it->second;
  if (g_used + kStubSize > kPageSize) {
    void *page = mmap(nullptr, kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return nullptr;
    g_page = static_cast<uint8_t *>(page);
    g_used = 0;
  } else if (mprotect(g_page, kPageSize, PROT_READ | PROT_WRITE) != 0) {
    return nullptr;
  }
  const TrapInfo *info = &g_infos.emplace_back(TrapInfo{dll, function, importer});
  auto handler = reinterpret_cast<uint64_t>(&ImportTrapHandler);
  auto info_value = reinterpret_cast<uint64_t>(info);
  uint8_t *stub = g_page + g_used;
  uint8_t code[kStubSize] = {
      0x48, 0xBF, 0, 0, 0, 0, 0, 0, 0, 0,  // mov rdi, info
      0x48, 0x8B, 0x34, 0x24,              // mov rsi, [rsp]   (the caller's return address)
      0x48, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0,  // mov rax, handler
      0xFF, 0xE0,                          // jmp rax
      0xCC, 0xCC, 0xCC, 0xCC, 0xCC, 0xCC,  // int3 padding
  };
  std::memcpy(code + 2, &info_value, 8);
  std::memcpy(code + 16, &handler, 8);
  std::memcpy(stub, code, kStubSize);
  g_used += kStubSize;
  if (mprotect(g_page, kPageSize, PROT_READ | PROT_EXEC) != 0) return nullptr;
  __builtin___clear_cache(reinterpret_cast<char *>(stub), reinterpret_cast<char *>(stub + kStubSize));
  g_traps[key] = stub;
  return stub;
}

}  // namespace ws2emu::emu
