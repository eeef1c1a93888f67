#include "loader/teb.h"

#include "boundary/last_error.h"

#include <asm/prctl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <set>

namespace ws2emu::emu {
namespace {

struct TlsState {
  std::mutex mu;
  TlsTemplate templates[kMaxTlsModules] = {};  // guarded by mu
  bool used[kMaxTlsModules] = {};              // guarded by mu
  std::set<Teb *> tebs;                        // guarded by mu
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

class TebHolder {
 public:
  TebHolder() {
    teb_ = new (std::nothrow) Teb();
    void **tls = static_cast<void **>(std::calloc(kMaxTlsModules, sizeof(void *)));
    if (teb_ == nullptr || tls == nullptr) {
      std::fprintf(stderr, "ws2emu: out of memory creating a thread environment block\n");
      std::abort();
    }
    teb_->Self = teb_;
    teb_->UniqueProcess = static_cast<uint64_t>(getpid());
    teb_->UniqueThread = static_cast<uint64_t>(syscall(SYS_gettid));
    teb_->ThreadLocalStoragePointer = tls;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void *stack_addr;
      size_t stack_size;
      if (pthread_attr_getstack(&attr, &stack_addr, &stack_size) == 0) {
        teb_->StackLimit = stack_addr;
        teb_->StackBase = static_cast<uint8_t *>(stack_addr) + stack_size;
      }
      pthread_attr_destroy(&attr);
    }
    {
      TlsState &s = Tls();
      std::lock_guard<std::mutex> lock(s.mu);
      for (int i = 0; i < kMaxTlsModules; ++i)
        if (s.used[i]) tls[i] = NewBlock(s.templates[i]);
      s.tebs.insert(teb_);
    }
    MoveThreadLastError(&teb_->LastErrorValue);  // GetLastError works through the TEB
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, teb_) != 0) {
      std::fprintf(stderr, "ws2emu: cannot point GS at the thread environment block: %s\n",
                   std::strerror(errno));
      std::abort();
    }
  }
  ~TebHolder() {
    MoveThreadLastError(nullptr);
    TlsState &s = Tls();
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.tebs.erase(teb_);
      for (int i = 0; i < kMaxTlsModules; ++i) std::free(teb_->ThreadLocalStoragePointer[i]);
    }
    std::free(teb_->ThreadLocalStoragePointer);
    syscall(SYS_arch_prctl, ARCH_SET_GS, 0);
    delete teb_;
  }
  Teb *get() const { return teb_; }

 private:
  Teb *teb_;
};

thread_local Teb *t_teb = nullptr;

}  // namespace

Teb *EnsureTeb() {
  if (t_teb == nullptr) {
    static thread_local TebHolder holder;
    t_teb = holder.get();
  }
  return t_teb;
}

Teb *CurrentTeb() { return t_teb; }

int RegisterTlsModule(const TlsTemplate &tmpl) {
  TlsState &s = Tls();
  std::lock_guard<std::mutex> lock(s.mu);
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
  std::lock_guard<std::mutex> lock(s.mu);
  for (Teb *teb : s.tebs) teb->TlsSlots[index] = nullptr;
}

void UnregisterTlsModule(int index) {
  if (index < 0 || index >= kMaxTlsModules) return;
  TlsState &s = Tls();
  std::lock_guard<std::mutex> lock(s.mu);
  s.used[index] = false;
  for (Teb *teb : s.tebs) {
    std::free(teb->ThreadLocalStoragePointer[index]);
    teb->ThreadLocalStoragePointer[index] = nullptr;
  }
}

}  // namespace ws2emu::emu
