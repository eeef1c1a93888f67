// tests/pe/cxx_provider.cc — a Winsock provider written in C++ and built with
// x86_64-w64-mingw32-g++ -static-libgcc -static-libstdc++ (win32 threads model: no std::mutex or
// std::thread there, so the lock is a CRITICAL_SECTION behind a BasicLockable class and the
// worker is a CreateThread thread). WSPStartup exercises what a C++ runtime needs from ws2emu:
// static constructors (and the destructor at unload), operator new/delete, std::string,
// std::vector, std::unique_ptr, virtual calls, and C++ exceptions dispatched through SEH
// (RaiseException, RtlVirtualUnwind, RtlUnwindEx): caught by type, through frames with
// destructors to run, rethrown, thrown by libstdc++ itself, and thrown on another thread.
// Every failed check is printed and makes WSPStartup fail with WSASYSCALLFAILURE, so the result
// reaches the test through ws2emu-run's exit status. With CXX_PROVIDER_UNHANDLED set in the
// environment, WSPStartup throws without a handler, to check that ws2emu reports it.
#include <winsock2.h>
#include <ws2spi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace {

int g_failed = 0;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "cxx_provider: check failed at line %d: %s\n", __LINE__, \
                   #cond);                                                           \
      g_failed = 1;                                                                  \
    }                                                                                \
  } while (0)

// A static object: constructed by the C runtime's DllMain before WSPStartup runs, destroyed at
// DLL_PROCESS_DETACH (it says so on stdout, where the test looks for it).
struct Registry {
  Registry() : magic(0x600DCAFE), names{"alpha", "beta"} {}
  ~Registry() { std::printf("cxx_provider: static destructor ran (%zu names)\n", names.size()); }
  unsigned magic;
  std::vector<std::string> names;
};
Registry g_registry;

// BasicLockable over a CRITICAL_SECTION, for std::lock_guard.
class CriticalSection {
 public:
  CriticalSection() { InitializeCriticalSection(&cs_); }
  ~CriticalSection() { DeleteCriticalSection(&cs_); }
  CriticalSection(const CriticalSection &) = delete;
  CriticalSection &operator=(const CriticalSection &) = delete;
  void lock() { EnterCriticalSection(&cs_); }
  void unlock() { LeaveCriticalSection(&cs_); }

 private:
  CRITICAL_SECTION cs_;
};

// Virtual dispatch through heap objects owned by unique_ptr.
class Shape {
 public:
  virtual ~Shape() { ++destroyed; }
  virtual int Area() const = 0;
  virtual std::string Name() const { return "shape"; }
  static int destroyed;
};
int Shape::destroyed = 0;

class Rect : public Shape {
 public:
  Rect(int w, int h) : w_(w), h_(h) {}
  int Area() const override { return w_ * h_; }
  std::string Name() const override { return "rect " + std::to_string(w_) + "x" + std::to_string(h_); }

 private:
  int w_, h_;
};

class Square final : public Rect {
 public:
  explicit Square(int side) : Rect(side, side) {}
  std::string Name() const override { return "square"; }
};

// Counts its destructions: unwinding must run them in the frames it passes.
struct Guard {
  explicit Guard(int *counter) : counter_(counter) {}
  ~Guard() { ++*counter_; }
  int *counter_;
};

class ProviderError : public std::runtime_error {
 public:
  ProviderError(const std::string &what, int code) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

__attribute__((noinline)) void Throw(int depth, int *destructions) {
  Guard guard(destructions);
  std::string note = "depth " + std::to_string(depth);
  if (depth == 0) throw ProviderError("thrown at " + note, 42);
  Throw(depth - 1, destructions);
  std::printf("cxx_provider: not reached (%s)\n", note.c_str());
}

__attribute__((noinline)) int ThrowInt(int v) {
  if (v > 0) throw v;
  return v;
}

void CheckExceptions() {
  // Caught by a base class, through five frames whose destructors must run.
  int destructions = 0;
  try {
    Throw(4, &destructions);
    CHECK(false);
  } catch (const std::exception &e) {
    CHECK(std::string(e.what()) == "thrown at depth 0");
    CHECK(dynamic_cast<const ProviderError *>(&e) != nullptr &&
          dynamic_cast<const ProviderError *>(&e)->code() == 42);
  }
  CHECK(destructions == 5);

  // The first matching handler wins; a non-class type; catch (...).
  int which = 0;
  try {
    ThrowInt(7);
  } catch (const std::exception &) {
    which = 1;
  } catch (int v) {
    which = v;
  }
  CHECK(which == 7);
  try {
    ThrowInt(1);
  } catch (...) {
    which = -1;
  }
  CHECK(which == -1);

  // Rethrow from a catch block to an outer one.
  std::string trail;
  try {
    try {
      throw std::runtime_error("inner");
    } catch (const std::runtime_error &e) {
      trail += e.what();
      throw;
    }
  } catch (const std::exception &e) {
    trail += std::string("+") + e.what();
  }
  CHECK(trail == "inner+inner");

  // Thrown by libstdc++ itself.
  std::vector<int> small(3);
  bool out_of_range = false;
  try {
    (void)small.at(10);
  } catch (const std::out_of_range &) {
    out_of_range = true;
  }
  CHECK(out_of_range);

  // An exception object kept past its catch block.
  std::exception_ptr saved;
  try {
    throw ProviderError("saved", 9);
  } catch (...) {
    saved = std::current_exception();
  }
  try {
    std::rethrow_exception(saved);
  } catch (const ProviderError &e) {
    CHECK(e.code() == 9);
  }
}

struct WorkerState {
  CriticalSection lock;
  std::vector<std::string> results;  // guarded by lock
};

DWORD WINAPI Worker(LPVOID param) {
  auto *state = static_cast<WorkerState *>(param);
  for (int i = 0; i < 4; ++i) {
    std::string item = "worker " + std::to_string(i);
    try {
      if (i % 2 == 1) throw std::runtime_error(item + " threw");
    } catch (const std::runtime_error &e) {
      item = e.what();
    }
    std::lock_guard<CriticalSection> hold(state->lock);
    state->results.push_back(item);
  }
  return 7;
}

void CheckRuntime(const WSPUPCALLTABLE &up) {
  CHECK(g_registry.magic == 0x600DCAFE && g_registry.names.size() == 2 &&
        g_registry.names[1] == "beta");

  std::vector<std::unique_ptr<Shape>> shapes;
  shapes.push_back(std::make_unique<Rect>(2, 3));
  shapes.push_back(std::make_unique<Square>(4));
  int total = 0;
  std::string names;
  for (const auto &s : shapes) {
    total += s->Area();
    names += s->Name() + ";";
  }
  CHECK(total == 22 && names == "rect 2x3;square;");
  shapes.clear();
  CHECK(Shape::destroyed == 2);

  int *raw = new int[1000];
  for (int i = 0; i < 1000; ++i) raw[i] = i;
  CHECK(raw[999] == 999);
  delete[] raw;
  std::string big(100000, 'x');
  big += "end";
  CHECK(big.size() == 100003 && big.substr(big.size() - 3) == "end");

  // A worker thread appending under the lock; the main thread does too.
  auto state = std::make_unique<WorkerState>();
  HANDLE thread = CreateThread(nullptr, 0, Worker, state.get(), 0, nullptr);
  CHECK(thread != nullptr);
  {
    std::lock_guard<CriticalSection> hold(state->lock);
    state->results.push_back("main");
  }
  CHECK(WaitForSingleObject(thread, 10000) == WAIT_OBJECT_0);
  DWORD code = 0;
  CHECK(GetExitCodeThread(thread, &code) && code == 7);
  CloseHandle(thread);
  CHECK(state->results.size() == 5);
  int threw = 0;
  for (const std::string &r : state->results) threw += r.find(" threw") != std::string::npos;
  CHECK(threw == 2);

  // Upcalls: an event created, set, waited on and closed.
  int err = 0;
  WSAEVENT event = up.lpWPUCreateEvent(&err);
  CHECK(event != WSA_INVALID_EVENT);
  CHECK(up.lpWPUSetEvent(event, &err));
  CHECK(WaitForSingleObject(event, 0) == WAIT_OBJECT_0);
  CHECK(up.lpWPUResetEvent(event, &err));
  CHECK(WaitForSingleObject(event, 0) == WAIT_TIMEOUT);
  CHECK(up.lpWPUCloseEvent(event, &err));
}

// Every entry of the proc table but WSPCleanup: fails with WSAEOPNOTSUPP through its lpErrno
// (always the last parameter) and returns kFail: SOCKET_ERROR, INVALID_SOCKET (-1 converted)
// or FALSE for the two entries that return BOOL.
template <auto kFail, typename R, typename... Args>
R WSPAPI NotSupported(Args... args) {
  auto params = std::forward_as_tuple(args...);
  *std::get<sizeof...(Args) - 1>(params) = WSAEOPNOTSUPP;
  return static_cast<R>(kFail);
}

template <auto kFail = SOCKET_ERROR, typename R, typename... Args>
int Fill(R(WSPAPI *&entry)(Args...)) {
  entry = &NotSupported<kFail, R, Args...>;
  return 1;
}

int g_startups = 0;

int WSPAPI Cleanup(LPINT lpErrno) {
  if (g_startups == 0) {
    *lpErrno = WSANOTINITIALISED;
    return SOCKET_ERROR;
  }
  --g_startups;
  return 0;
}

}  // namespace

extern "C" __declspec(dllexport) int WSPAPI WSPStartup(WORD wVersionRequested,
                                                      LPWSPDATA lpWSPData,
                                                      LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                                      WSPUPCALLTABLE UpcallTable,
                                                      LPWSPPROC_TABLE lpProcTable) {
  (void)lpProtocolInfo;
  if (wVersionRequested != MAKEWORD(2, 2)) return WSAVERNOTSUPPORTED;
  if (std::getenv("CXX_PROVIDER_UNHANDLED") != nullptr) {
    throw ProviderError("nobody catches this", 1);
  }
  CheckRuntime(UpcallTable);
  CheckExceptions();
  if (g_failed) return WSASYSCALLFAILURE;

  WSPPROC_TABLE &t = *lpProcTable;
  int filled = Fill(t.lpWSPAccept) + Fill(t.lpWSPAddressToString) + Fill(t.lpWSPAsyncSelect) +
               Fill(t.lpWSPBind) + Fill(t.lpWSPCancelBlockingCall) + Fill(t.lpWSPCloseSocket) +
               Fill(t.lpWSPConnect) + Fill(t.lpWSPDuplicateSocket) +
               Fill(t.lpWSPEnumNetworkEvents) + Fill(t.lpWSPEventSelect) +
               Fill<FALSE>(t.lpWSPGetOverlappedResult) + Fill(t.lpWSPGetPeerName) +
               Fill(t.lpWSPGetSockName) + Fill(t.lpWSPGetSockOpt) + Fill<FALSE>(t.lpWSPGetQOSByName) +
               Fill(t.lpWSPIoctl) + Fill(t.lpWSPJoinLeaf) + Fill(t.lpWSPListen) +
               Fill(t.lpWSPRecv) + Fill(t.lpWSPRecvDisconnect) + Fill(t.lpWSPRecvFrom) +
               Fill(t.lpWSPSelect) + Fill(t.lpWSPSend) + Fill(t.lpWSPSendDisconnect) +
               Fill(t.lpWSPSendTo) + Fill(t.lpWSPSetSockOpt) + Fill(t.lpWSPShutdown) +
               Fill(t.lpWSPSocket) + Fill(t.lpWSPStringToAddress);
  t.lpWSPCleanup = Cleanup;
  if (filled + 1 != 30) return WSASYSCALLFAILURE;

  ++g_startups;
  lpWSPData->wVersion = lpWSPData->wHighVersion = MAKEWORD(2, 2);
  std::wcscpy(lpWSPData->szDescription, L"ws2emu C++ provider");
  std::printf("cxx_provider: C++ runtime and exceptions ok\n");
  return 0;
}
