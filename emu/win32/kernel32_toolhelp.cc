#include "win32/kernel32_toolhelp.h"

#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "base/utf.h"
#include "loader/loader.h"
#include "paths/paths.h"
#include "win32/emu_handle_table.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr DWORD kErrorBadLength = 24, kErrorNoMoreFiles = 18;

struct ProcessInfo {
  DWORD pid, ppid, threads;
  LONG base_priority;
  std::string exe;
};
struct ThreadInfo {
  DWORD tid, pid;
  LONG base_priority;
};

// A snapshot: what was there when it was taken, and one cursor per kind (First resets its
// kind's cursor; Next moves it on), as Windows keeps them.
struct Snapshot {
  std::vector<ProcessInfo> processes;
  std::vector<ThreadInfo> threads;
  std::vector<Loader::ModuleView> modules;
  DWORD module_pid = 0;
  bool exe_first = false;  // modules[0] is the program's EXE
  std::atomic<size_t> process_at{0}, thread_at{0}, module_at{0};
};

EmuHandleTable<Snapshot> g_snapshots(kFirstSnapshotSlot, kSnapshotSlots);

BOOL Fail(DWORD error) {
  ws2emu_SetLastError(error);
  return FALSE;
}

// A small /proc file (never blocks: /proc files are not FIFOs); empty when it is gone.
std::string ReadProcFile(const std::string &path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return {};
  std::string text(4096, '\0');
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  text.resize(got);
  return text;
}

// Windows' base priority of a process's priority class, from its nice value [inference: the
// classes' bases, IDLE 4, BELOW_NORMAL 6, NORMAL 8, HIGH 13].
LONG BasePriorityOf(long nice) {
  if (nice < 0) return 13;
  if (nice == 0) return 8;
  return nice < 10 ? 6 : 4;
}

// The name szExeFile shows for `pid`: a Windows program's name when ws2emu-run runs one (the
// first argument ending in ".exe", as ws2emu-run takes it), else the executable's base name,
// else `comm`.
std::string ExeNameOf(DWORD pid, const std::string &comm) {
  if (pid == static_cast<DWORD>(getpid())) {
    if (Module *main = Loader::Get().main_module()) return main->name();
  }
  const std::string dir = "/proc/" + std::to_string(pid);
  char target[4096];
  const ssize_t n = readlink((dir + "/exe").c_str(), target, sizeof(target) - 1);
  if (n <= 0) return comm;
  std::string exe(target, static_cast<size_t>(n));
  constexpr std::string_view kDeleted = " (deleted)";
  if (exe.size() > kDeleted.size() && exe.compare(exe.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0)
    exe.resize(exe.size() - kDeleted.size());
  std::string base(paths::BaseName(exe));
  if (base == "ws2emu-run") {
    const std::string cmdline = ReadProcFile(dir + "/cmdline");
    for (size_t at = 0; at < cmdline.size();) {
      const size_t end = std::min(cmdline.find('\0', at), cmdline.size());
      const std::string_view arg(cmdline.data() + at, end - at);
      if (arg.size() > 4 && strncasecmp(arg.data() + arg.size() - 4, ".exe", 4) == 0 &&
          arg[0] != '-') {
        return std::string(paths::BaseName(arg));
      }
      at = end + 1;
    }
  }
  return base.empty() ? comm : base;
}

// /proc/PID/stat: "PID (COMM) STATE PPID ..." — the fields after the last ')' are fixed.
bool ReadStat(const std::string &path, std::string *comm, DWORD *ppid, long *nice, DWORD *threads) {
  const std::string stat = ReadProcFile(path);
  const size_t open_paren = stat.find('('), close_paren = stat.rfind(')');
  if (open_paren == std::string::npos || close_paren == std::string::npos || close_paren < open_paren)
    return false;
  *comm = stat.substr(open_paren + 1, close_paren - open_paren - 1);
  // Fields 3 (state) onwards; ppid is field 4, nice 19, num_threads 20.
  std::vector<std::string> fields;
  size_t at = close_paren + 2;
  while (at < stat.size() && fields.size() < 18) {
    const size_t end = std::min(stat.find(' ', at), stat.size());
    fields.push_back(stat.substr(at, end - at));
    at = end + 1;
  }
  if (fields.size() < 18) return false;
  *ppid = static_cast<DWORD>(std::strtoul(fields[1].c_str(), nullptr, 10));
  *nice = std::strtol(fields[16].c_str(), nullptr, 10);
  *threads = static_cast<DWORD>(std::strtoul(fields[17].c_str(), nullptr, 10));
  return true;
}

// The numeric entries of a /proc folder (pids, or tids under task/), in ascending order.
std::vector<DWORD> NumericEntries(const std::string &folder) {
  std::vector<DWORD> ids;
  const int fd = open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ids;
  DIR *dir = fdopendir(fd);
  if (dir == nullptr) {
    close(fd);
    return ids;
  }
  while (const dirent *e = readdir(dir)) {
    char *end = nullptr;
    const unsigned long id = std::strtoul(e->d_name, &end, 10);
    if (end != e->d_name && *end == 0 && id > 0 && id <= 0xffffffffUL) ids.push_back(static_cast<DWORD>(id));
  }
  closedir(dir);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void TakeProcesses(Snapshot *s, bool processes, bool threads) {
  for (DWORD pid : NumericEntries("/proc")) {
    const std::string dir = "/proc/" + std::to_string(pid);
    std::string comm;
    DWORD ppid = 0, count = 0;
    long nice = 0;
    if (!ReadStat(dir + "/stat", &comm, &ppid, &nice, &count)) continue;  // gone meanwhile
    const LONG base = BasePriorityOf(nice);
    if (processes) s->processes.push_back({pid, ppid, count, base, ExeNameOf(pid, comm)});
    if (threads) {
      for (DWORD tid : NumericEntries(dir + "/task")) s->threads.push_back({tid, pid, base});
    }
  }
}

std::shared_ptr<Snapshot> Lookup(HANDLE h) {
  std::shared_ptr<Snapshot> s = g_snapshots.Get(h);
  if (s == nullptr) ws2emu_SetLastError(ERROR_INVALID_HANDLE);
  return s;
}

// The entry at the kind's cursor: First (reset) or Next; null with ERROR_NO_MORE_FILES at the
// end. The cursor stays at the end once there.
template <typename Info>
const Info *Step(const std::vector<Info> &list, std::atomic<size_t> *at, bool first) {
  size_t i;
  if (first) {
    i = 0;
    at->store(list.empty() ? 0 : 1);
  } else {
    i = at->load();
    while (i < list.size() && !at->compare_exchange_weak(i, i + 1)) {
    }
  }
  if (i >= list.size()) {
    ws2emu_SetLastError(kErrorNoMoreFiles);
    return nullptr;
  }
  return &list[i];
}

// Copies a name into a fixed WCHAR or char field, cut to fit (at a whole UTF-8 sequence for
// the A forms) and terminated.
void CopyName(const std::string &name, WCHAR *out, size_t capacity) {
  std::u16string wide = Utf8ToUtf16(name);
  if (wide.size() >= capacity) wide.resize(capacity - 1);
  std::memcpy(out, wide.c_str(), (wide.size() + 1) * sizeof(WCHAR));
}
void CopyName(const std::string &name, char *out, size_t capacity) {
  size_t n = std::min(name.size(), capacity - 1);
  while (n > 0 && n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  std::memcpy(out, name.data(), n);
  out[n] = 0;
}

template <typename Entry>
BOOL ProcessEntry(HANDLE h, Entry *lppe, bool first) {
  std::shared_ptr<Snapshot> s = Lookup(h);
  if (s == nullptr) return FALSE;
  if (lppe == nullptr) return Fail(ERROR_INVALID_PARAMETER);  // [inference] Windows faults
  if (lppe->dwSize < sizeof(Entry)) return Fail(kErrorBadLength);
  const ProcessInfo *p = Step(s->processes, &s->process_at, first);
  if (p == nullptr) return FALSE;
  const DWORD size = lppe->dwSize;
  std::memset(lppe, 0, sizeof(Entry));
  lppe->dwSize = size;  // cntUsage, th32DefaultHeapID, th32ModuleID, dwFlags: always 0
  lppe->th32ProcessID = p->pid;
  lppe->cntThreads = p->threads;
  lppe->th32ParentProcessID = p->ppid;
  lppe->pcPriClassBase = p->base_priority;
  CopyName(p->exe, lppe->szExeFile, sizeof(lppe->szExeFile) / sizeof(lppe->szExeFile[0]));
  return TRUE;
}

BOOL ThreadEntry(HANDLE h, THREADENTRY32 *lpte, bool first) {
  std::shared_ptr<Snapshot> s = Lookup(h);
  if (s == nullptr) return FALSE;
  if (lpte == nullptr) return Fail(ERROR_INVALID_PARAMETER);
  if (lpte->dwSize < sizeof(THREADENTRY32)) return Fail(kErrorBadLength);
  const ThreadInfo *t = Step(s->threads, &s->thread_at, first);
  if (t == nullptr) return FALSE;
  const DWORD size = lpte->dwSize;
  std::memset(lpte, 0, sizeof(*lpte));
  lpte->dwSize = size;
  lpte->th32ThreadID = t->tid;
  lpte->th32OwnerProcessID = t->pid;
  lpte->tpBasePri = t->base_priority;
  return TRUE;
}

template <typename Entry>
BOOL ModuleEntry(HANDLE h, Entry *lpme, bool first) {
  std::shared_ptr<Snapshot> s = Lookup(h);
  if (s == nullptr) return FALSE;
  if (lpme == nullptr) return Fail(ERROR_INVALID_PARAMETER);
  if (lpme->dwSize < sizeof(Entry)) return Fail(kErrorBadLength);
  const Loader::ModuleView *m = Step(s->modules, &s->module_at, first);
  if (m == nullptr) return FALSE;
  const DWORD size = lpme->dwSize;
  std::memset(lpme, 0, sizeof(Entry));
  lpme->dwSize = size;
  lpme->th32ModuleID = 1;  // "no longer used, always 1"
  lpme->th32ProcessID = s->module_pid;
  // The reference count, 0xFFFF for the EXE and modules loaded as its imports (Windows' value
  // for a module that cannot be unloaded) [inference: ws2emu does not tell the two apart, so
  // the loader's count is given for every module but the EXE].
  const bool exe = s->exe_first && m == &s->modules.front();
  lpme->GlblcntUsage = lpme->ProccntUsage = exe ? 0xFFFF : static_cast<DWORD>(m->refs);
  lpme->modBaseAddr = const_cast<BYTE *>(m->base);
  lpme->modBaseSize = static_cast<DWORD>(m->size);
  lpme->hModule = reinterpret_cast<HMODULE>(const_cast<uint8_t *>(m->base));
  CopyName(m->name, lpme->szModule, sizeof(lpme->szModule) / sizeof(lpme->szModule[0]));
  // The module's path as GetModuleFileName gives it (the Linux path it was loaded from).
  CopyName(m->path, lpme->szExePath, sizeof(lpme->szExePath) / sizeof(lpme->szExePath[0]));
  return TRUE;
}

HANDLE Create(DWORD flags, DWORD pid) {
  auto s = std::make_shared<Snapshot>();
  if ((flags & (kTh32csSnapModule | kTh32csSnapModule32)) != 0) {
    const DWORD self = static_cast<DWORD>(getpid());
    if (pid != 0 && pid != self) {
      const bool exists = access(("/proc/" + std::to_string(pid)).c_str(), F_OK) == 0;
      std::fprintf(stderr,
                   "ws2emu: CreateToolhelp32Snapshot: the modules of process %lu: only this "
                   "process's modules can be listed\n",
                   static_cast<unsigned long>(pid));
      ws2emu_SetLastError(exists ? ERROR_ACCESS_DENIED : ERROR_INVALID_PARAMETER);
      return INVALID_HANDLE_VALUE;
    }
    s->module_pid = self;
    // TH32CS_SNAPMODULE32 alone asks for 32-bit modules, which a 64-bit process has none of.
    if ((flags & kTh32csSnapModule) != 0) {
      s->exe_first = Loader::Get().main_module() != nullptr;
      s->modules = Loader::Get().ListModules();
    }
  }
  const bool processes = (flags & kTh32csSnapProcess) != 0, threads = (flags & kTh32csSnapThread) != 0;
  if (processes || threads) TakeProcesses(s.get(), processes, threads);
  HANDLE h = g_snapshots.Add(std::move(s));
  if (h == nullptr) {
    ws2emu_SetLastError(ERROR_TOO_MANY_OPEN_FILES);  // [inference] every snapshot slot in use
    return INVALID_HANDLE_VALUE;
  }
  return h;
}

}  // namespace

HANDLE WINAPI CreateToolhelp32Snapshot(DWORD dwFlags, DWORD th32ProcessID) {
  try {
    return Create(dwFlags, th32ProcessID);
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return INVALID_HANDLE_VALUE;
  }
}

BOOL WINAPI Process32FirstW(HANDLE hSnapshot, PROCESSENTRY32W *lppe) {
  return ProcessEntry(hSnapshot, lppe, true);
}
BOOL WINAPI Process32NextW(HANDLE hSnapshot, PROCESSENTRY32W *lppe) {
  return ProcessEntry(hSnapshot, lppe, false);
}
BOOL WINAPI Process32First(HANDLE hSnapshot, PROCESSENTRY32 *lppe) {
  return ProcessEntry(hSnapshot, lppe, true);
}
BOOL WINAPI Process32Next(HANDLE hSnapshot, PROCESSENTRY32 *lppe) {
  return ProcessEntry(hSnapshot, lppe, false);
}
BOOL WINAPI Thread32First(HANDLE hSnapshot, THREADENTRY32 *lpte) {
  return ThreadEntry(hSnapshot, lpte, true);
}
BOOL WINAPI Thread32Next(HANDLE hSnapshot, THREADENTRY32 *lpte) {
  return ThreadEntry(hSnapshot, lpte, false);
}
BOOL WINAPI Module32FirstW(HANDLE hSnapshot, MODULEENTRY32W *lpme) {
  return ModuleEntry(hSnapshot, lpme, true);
}
BOOL WINAPI Module32NextW(HANDLE hSnapshot, MODULEENTRY32W *lpme) {
  return ModuleEntry(hSnapshot, lpme, false);
}
BOOL WINAPI Module32First(HANDLE hSnapshot, MODULEENTRY32 *lpme) {
  return ModuleEntry(hSnapshot, lpme, true);
}
BOOL WINAPI Module32Next(HANDLE hSnapshot, MODULEENTRY32 *lpme) {
  return ModuleEntry(hSnapshot, lpme, false);
}

bool IsToolhelpSnapshot(HANDLE h) { return g_snapshots.InRange(h); }

BOOL CloseToolhelpSnapshot(HANDLE h) {
  if (!g_snapshots.Remove(h)) return Fail(ERROR_INVALID_HANDLE);
  return TRUE;
}

}  // namespace ws2emu::emu::win32
