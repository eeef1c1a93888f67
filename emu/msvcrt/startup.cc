// The C runtime start-up of a console EXE (mingw's mainCRTStartup): __getmainargs and the data
// it reads (__initenv, _acmdln, _fmode, _commode), _onexit/_cexit/exit, __set_app_type,
// __setusermatherr, signal. ws2emu-run hands the program's arguments in with SetMainArgs.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "base/annotated_mutex.h"
#include "absl/base/attributes.h"
#include "absl/base/thread_annotations.h"
#include "base/utf.h"
#include "msvcrt/msvcrt.h"

extern char **environ;

namespace ws2emu::emu::msvcrt {
namespace {

ABSL_CONST_INIT StdMutex g_mu;
std::vector<std::string> g_args ABSL_GUARDED_BY(g_mu) = {"program.exe"};
std::vector<char *> g_argv ABSL_GUARDED_BY(g_mu);
std::vector<OnExitFn> g_onexit ABSL_GUARDED_BY(g_mu);
SignalHandler g_signals[32] ABSL_GUARDED_BY(g_mu) = {};

std::string CommandLine(const std::vector<std::string> &args) {
  std::string line;
  for (const std::string &a : args) {
    if (!line.empty()) line += ' ';
    bool quote = a.empty() || a.find_first_of(" \t") != std::string::npos;
    line += quote ? "\"" + a + "\"" : a;
  }
  return line;
}

void RunOnExit() {
  std::vector<OnExitFn> handlers;
  {
    StdMutexLock lock(&g_mu);
    handlers.swap(g_onexit);
  }
  for (auto it = handlers.rbegin(); it != handlers.rend(); ++it) (*it)();  // last in, first out
  std::fflush(stdout);
}

}  // namespace

char **g_initenv = nullptr;
char *g_acmdln = nullptr;
int g_fmode = 0;
int g_commode = 0;

void SetMainArgs(const std::vector<std::string> &args) {
  StdMutexLock lock(&g_mu);
  g_args = args;
  g_argv.clear();
  for (std::string &a : g_args) g_argv.push_back(a.data());
  g_argv.push_back(nullptr);
  static std::string cmdline;
  cmdline = CommandLine(g_args);
  g_acmdln = cmdline.data();
  g_initenv = environ;
}

int WINAPI __getmainargs(int *argc, char ***argv, char ***env, int, void *) {
  StdMutexLock lock(&g_mu);
  if (g_argv.empty()) {
    for (std::string &a : g_args) g_argv.push_back(a.data());
    g_argv.push_back(nullptr);
  }
  *argc = static_cast<int>(g_argv.size() - 1);
  *argv = g_argv.data();
  *env = environ;
  g_initenv = environ;
  return 0;
}

// The UTF-16 copies for wmain programs (mingw's -municode start-up calls __wgetmainargs and
// reads __winitenv and _wcmdln); made once, on the first call, and kept for the process's life
// as msvcrt keeps them.
WCHAR **g_winitenv = nullptr;
WCHAR *g_wcmdln = nullptr;

namespace {

std::vector<std::u16string> g_wargs ABSL_GUARDED_BY(g_mu), g_wenv ABSL_GUARDED_BY(g_mu);
std::vector<WCHAR *> g_wargv ABSL_GUARDED_BY(g_mu), g_wenvp ABSL_GUARDED_BY(g_mu);
std::u16string g_wcmdline ABSL_GUARDED_BY(g_mu);

WCHAR *Chars(std::u16string &s) { return reinterpret_cast<WCHAR *>(s.data()); }

}  // namespace

int WINAPI __wgetmainargs(int *argc, WCHAR ***argv, WCHAR ***env, int, void *) {
  StdMutexLock lock(&g_mu);
  if (g_wargv.empty()) {
    try {
      for (const std::string &a : g_args) g_wargs.push_back(Utf8ToUtf16(a));
      for (char **e = environ; e != nullptr && *e != nullptr; ++e) g_wenv.push_back(Utf8ToUtf16(*e));
      g_wcmdline = Utf8ToUtf16(CommandLine(g_args));
      for (std::u16string &a : g_wargs) g_wargv.push_back(Chars(a));
      g_wargv.push_back(nullptr);
      for (std::u16string &e : g_wenv) g_wenvp.push_back(Chars(e));
      g_wenvp.push_back(nullptr);
    } catch (const std::bad_alloc &) {
      g_wargs.clear();
      g_wenv.clear();
      g_wargv.clear();
      g_wenvp.clear();
      return -1;  // msvcrt's failure: the start-up code reports "not enough space"
    }
    g_wcmdln = Chars(g_wcmdline);
    g_winitenv = g_wenvp.data();
  }
  *argc = static_cast<int>(g_wargv.size() - 1);
  *argv = g_wargv.data();
  *env = g_wenvp.data();
  return 0;
}

// _wgetenv: the variable's value in UTF-16, from a per-name copy kept until the value changes
// (msvcrt's pointers into its wide environment are likewise invalidated by _wputenv).
WCHAR *WINAPI _wgetenv_(const WCHAR *name) {
  if (name == nullptr) {
    *_errno_() = EINVAL;
    return nullptr;
  }
  const std::string key = Utf16ToUtf8(reinterpret_cast<const char16_t *>(name));
  const char *value = std::getenv(key.c_str());
  if (value == nullptr) return nullptr;
  static auto &copies ABSL_GUARDED_BY(g_mu) = *new std::map<std::string, std::u16string>();
  StdMutexLock lock(&g_mu);
  try {
    std::u16string wide = Utf8ToUtf16(value);
    auto [it, inserted] = copies.try_emplace(key, wide);
    if (!inserted && it->second != wide) it->second = std::move(wide);
    return Chars(it->second);
  } catch (const std::bad_alloc &) {
    *_errno_() = ENOMEM;
    return nullptr;
  }
}

void WINAPI __set_app_type(int) {}
void WINAPI __setusermatherr(void *) {}

OnExitFn WINAPI _onexit(OnExitFn fn) {
  StdMutexLock lock(&g_mu);
  g_onexit.push_back(fn);
  return fn;
}

void WINAPI _cexit(void) { RunOnExit(); }

void WINAPI exit_(int code) {
  RunOnExit();
  std::fflush(nullptr);
  _exit(code);
}

// signal: the handler is recorded and returned by the next call, as msvcrt does. The runtime
// itself never calls it; a processor fault in PE code is a Windows exception, and mingw's CRT
// turns one nobody handles into a call of the SIGSEGV/SIGILL/SIGFPE handler from its own
// unhandled-exception filter (which ws2emu calls), as on Windows.
SignalHandler WINAPI signal_(int sig, SignalHandler handler) {
  if (sig < 0 || sig >= 32) return reinterpret_cast<SignalHandler>(-1);  // SIG_ERR
  StdMutexLock lock(&g_mu);
  SignalHandler previous = g_signals[sig];
  g_signals[sig] = handler;
  return previous;
}

}  // namespace ws2emu::emu::msvcrt
