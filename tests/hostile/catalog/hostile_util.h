// tests/hostile/catalog/hostile_util.h — running things that may hang or eat memory on a
// defective build (so the test fails instead), and as the user nobody through setpriv.
//
//   Outcome o = RunCommand(AsNobody({"ln", "-s", victim, planted}), 10);
//   std::string failure = InChild(10, [] { ...; return std::string(); });   // "" = passed
#ifndef WS2EMU_TESTS_HOSTILE_CATALOG_HOSTILE_UTIL_H_
#define WS2EMU_TESTS_HOSTILE_CATALOG_HOSTILE_UTIL_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace ws2emu::testing {

inline constexpr uid_t kNobody = 65534;
inline constexpr gid_t kNogroup = 65534;

// A defective build reads /dev/zero until memory runs out: a child gets 2 GiB of address space
// so that ends in a second, not by starving the machine. Not under ASan (its shadow memory
// needs terabytes of address space); the fixed code never needs the limit.
#if defined(__SANITIZE_ADDRESS__)
#define WS2EMU_HOSTILE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WS2EMU_HOSTILE_ASAN 1
#endif
#endif
inline void LimitMemory() {
#ifndef WS2EMU_HOSTILE_ASAN
  rlimit limit{rlim_t{2} << 30, rlim_t{2} << 30};
  setrlimit(RLIMIT_AS, &limit);
#endif
}

struct Outcome {
  bool exited = false;
  int exit_code = -1;
  int signal = 0;      // the signal that ended it, if one did
  bool timed_out = false;
  std::string output;  // stdout and stderr together
};

// Runs argv (argv[0] found on PATH) with stdin from /dev/null; SIGALRM ends it after `seconds`
// (the alarm survives exec). `env` entries are NAME=VALUE set in the child only.
inline Outcome RunCommand(const std::vector<std::string> &argv, int seconds,
                          const std::vector<std::string> &env = {}) {
  int out[2];
  Outcome o;
  if (pipe(out) != 0) return o;
  pid_t pid = fork();
  if (pid < 0) return o;
  if (pid == 0) {
    setpgid(0, 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    close(out[0]);
    close(out[1]);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, 0);
    for (const std::string &e : env) putenv(strdup(e.c_str()));
    LimitMemory();
    alarm(static_cast<unsigned>(seconds));
    std::vector<char *> args;
    for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(out[1]);
  char buffer[4096];
  ssize_t n;
  while ((n = read(out[0], buffer, sizeof(buffer))) > 0) o.output.append(buffer, n);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  o.exited = WIFEXITED(status);
  if (o.exited) o.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) o.signal = WTERMSIG(status);
  o.timed_out = o.signal == SIGALRM;
  return o;
}

inline std::vector<std::string> AsNobody(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"});
  return argv;
}

// Runs `body` in a forked child that SIGALRM ends after `seconds`, with the memory limit above.
// Returns what body returned ("" for success), or why the child did not finish.
inline std::string InChild(int seconds, const std::function<std::string()> &body) {
  int out[2];
  if (pipe(out) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    close(out[0]);
    LimitMemory();
    alarm(static_cast<unsigned>(seconds));
    std::string result = body();
    if (!result.empty() && write(out[1], result.data(), result.size()) < 0) _exit(2);
    _exit(0);
  }
  close(out[1]);
  std::string result;
  char buffer[1024];
  ssize_t n;
  while ((n = read(out[0], buffer, sizeof(buffer))) > 0) result.append(buffer, n);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    return WTERMSIG(status) == SIGALRM
               ? "the child did not finish in " + std::to_string(seconds) + " s (it hung)"
               : "the child died of signal " + std::to_string(WTERMSIG(status));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "the child failed: " + result;
  return result;
}

inline std::string ReadWhole(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteWhole(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace ws2emu::testing

#endif  // WS2EMU_TESTS_HOSTILE_CATALOG_HOSTILE_UTIL_H_
