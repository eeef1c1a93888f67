#include "base/annotated_mutex.h"
#include "loader/teb.h"

#include "boundary/last_error.h"

#include <asm/prctl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <set>

#include "absl/base/thread_annotations.h"

namespace ws2emu::emu {
namespace {

struct TlsState {
  StdMutex mu;
  TlsTemplate templates[kMaxTlsModules] ABSL_GUARDED_BY(mu) = {};
  bool used[kMaxTlsModules] ABSL_GUARDED_BY(mu) = {};
  std::set<Teb *> tebs ABSL_GUARDED_BY(mu);
};
TlsState &Tls() {
  static TlsState *state = new TlsState();  // never destroyed: threads may exit late
  return *state;
}

// A fresh copy of `t` for one thread, or null when out of memory.
void *NewBlock(const TlsTemplate &t) {
  auto *block = static_cast<uint8_t *>(std::calloc(1, t.size + t.zero_fill + 1));
  if (block != nullptr && t.size > 0) std::memcpy(block, t.data, t.size);
  return block;
}

// Owns the calling thread's TEB; its destructor (at thread exit) frees it. Create may fail for
// want of memory and be tried again later.
class TebHolder {
 public:
  // Allocates the TEB and its TLS blocks and installs it in GS. False, with nothing allocated
  // or installed, when memory runs out.
  bool Create() {
    auto *teb = new (std::nothrow) Teb();
    void **tls = static_cast<void **>(std::calloc(kMaxTlsModules, sizeof(void *)));
    if (teb == nullptr || tls == nullptr) {
      delete teb;
      std::free(tls);
      return false;
    }
    teb->Self = teb;
    teb->UniqueProcess = static_cast<uint64_t>(getpid());
    teb->UniqueThread = static_cast<uint64_t>(syscall(SYS_gettid));
    teb->ThreadLocalStoragePointer = tls;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void *stack_addr;
      size_t stack_size;
      if (pthread_attr_getstack(&attr, &stack_addr, &stack_size) == 0) {
        teb->StackLimit = stack_addr;
        teb->StackBase = static_cast<uint8_t *>(stack_addr) + stack_size;
      }
      pthread_attr_destroy(&attr);
    }
    {
      TlsState &s = Tls();
      StdMutexLock lock(&s.mu);
      bool ok = true;
      for (int i = 0; i < kMaxTlsModules && ok; ++i) {
        if (!s.used[i]) continue;
        tls[i] = NewBlock(s.templates[i]);
        ok = tls[i] != nullptr;
      }
      if (ok) {
        try {
          s.tebs.insert(teb);
        } catch (const std::bad_alloc &) {
          ok = false;
        }
      }
      if (!ok) {
        for (int i = 0; i < kMaxTlsModules; ++i) std::free(tls[i]);
        std::free(tls);
        delete teb;
        return false;
      }
    }
    teb_ = teb;
    MoveThreadLastError(&teb_->LastErrorValue);  // GetLastError works through the TEB
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, teb_) != 0) {
      std::fprintf(stderr,
                   "[ws2emu loader] cannot point GS at the thread environment block: %s\n",
                   std::strerror(errno));
      std::abort();
    }
    SetUpSignalStack();
    return true;
  }
  ~TebHolder() {
    if (altstack_ != nullptr) {
      stack_t off{};
      off.ss_flags = SS_DISABLE;
      sigaltstack(&off, nullptr);
      munmap(altstack_, kAltStackSize);
    }
    if (teb_ == nullptr) return;
    MoveThreadLastError(nullptr);
    TlsState &s = Tls();
    {
      StdMutexLock lock(&s.mu);
      s.tebs.erase(teb_);
      for (int i = 0; i < kMaxTlsModules; ++i) std::free(teb_->ThreadLocalStoragePointer[i]);
    }
    std::free(teb_->ThreadLocalStoragePointer);
    syscall(SYS_arch_prctl, ARCH_SET_GS, 0);
    delete teb_;
  }
  Teb *get() const { return teb_; }

 private:
  // An alternate signal stack, when the thread has none (a sanitizer may have set one): the
  // fault handler (win32/ntdll_faults.cc) needs it to report a stack overflow in PE code, where
  // the thread's own stack has no room left. [inference] Without memory for it, the thread
  // runs without: only that report is lost.
  static constexpr size_t kAltStackSize = 64 * 1024;
  void SetUpSignalStack() {
    stack_t current{};
    if (sigaltstack(nullptr, &current) != 0 || !(current.ss_flags & SS_DISABLE)) return;
    void *p = mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) return;
    stack_t stack{};
    stack.ss_sp = p;
    stack.ss_size = kAltStackSize;
    if (sigaltstack(&stack, nullptr) != 0) {
      munmap(p, kAltStackSize);
      return;
    }
    altstack_ = p;
  }

  Teb *teb_ = nullptr;
  void *altstack_ = nullptr;
};

thread_local Teb *t_teb = nullptr;

}  // namespace

Teb *TryEnsureTeb() {
  if (t_teb == nullptr) {
    static thread_local TebHolder holder;
    if (!holder.Create()) return nullptr;
    t_teb = holder.get();
  }
  return t_teb;
}

Teb *EnsureTeb() {
  if (Teb *teb = TryEnsureTeb()) return teb;
  std::fprintf(stderr,
               "[ws2emu loader] not enough memory for the thread environment block of thread "
               "%ld; PE code cannot run without it: stopping\n",
               static_cast<long>(syscall(SYS_gettid)));
  std::abort();
}

Teb *CurrentTeb() { return t_teb; }

int RegisterTlsModule(const TlsTemplate &tmpl) {
  TlsState &s = Tls();
  StdMutexLock lock(&s.mu);
  for (int i = 0; i < kMaxTlsModules; ++i) {
    if (s.used[i]) continue;
    s.used[i] = true;
    s.templates[i] = tmpl;
    for (Teb *teb : s.tebs) teb->ThreadLocalStoragePointer[i] = NewBlock(tmpl);
    return i;
  }
  return -1;
}

void ClearTlsSlotInAllThreads(int index) {
  if (index < 0 || index >= kTlsSlots) return;
  TlsState &s = Tls();
  StdMutexLock lock(&s.mu);
  for (Teb *teb : s.tebs) teb->TlsSlots[index] = nullptr;
}

void UnregisterTlsModule(int index) {
  if (index < 0 || index >= kMaxTlsModules) return;
  TlsState &s = Tls();
  StdMutexLock lock(&s.mu);
  s.used[index] = false;
  for (Teb *teb : s.tebs) {
    std::free(teb->ThreadLocalStoragePointer[index]);
    teb->ThreadLocalStoragePointer[index] = nullptr;
  }
}

}  // namespace ws2emu::emu
