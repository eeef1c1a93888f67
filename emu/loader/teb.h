// emu/loader/teb.h — the Thread Environment Block that PE code reaches through the GS segment,
// as on Windows x64.
//
//   Teb *teb = EnsureTeb();   // the calling thread's TEB, created and installed on first use
//
// Compiled code reads the TEB directly: gs:[0x30] is its own address (NtCurrentTeb), gs:[0x58]
// the array of per-module TLS blocks that __declspec(thread) data is reached through, gs:[0x68]
// the last error, gs:[0x1480] the TlsAlloc slots. The fields here sit at those Windows offsets
// (asserted below); the rest of the 0x1838-byte block is zero. glibc uses FS for its own
// thread-local storage on x86_64, so GS is free: each thread points its GS base at its TEB with
// arch_prctl(ARCH_SET_GS). The TEB lives until its thread exits. A thread that gets a TEB also
// gets an alternate signal stack if it has none, on which a stack overflow in PE code is reported
// (win32/ntdll_faults.h).
#ifndef WS2EMU_EMU_LOADER_TEB_H_
#define WS2EMU_EMU_LOADER_TEB_H_

#include <cstddef>
#include <cstdint>

namespace ws2emu::emu {

inline constexpr int kTlsSlots = 64;          // TlsAlloc slots in the TEB itself
inline constexpr int kMaxTlsModules = 128;    // modules with a TLS directory

struct Teb {
  void *ExceptionList;          // 0x00
  void *StackBase;              // 0x08
  void *StackLimit;             // 0x10
  void *SubSystemTib;           // 0x18
  void *FiberData;              // 0x20
  void *ArbitraryUserPointer;   // 0x28
  Teb *Self;                    // 0x30
  void *EnvironmentPointer;     // 0x38
  uint64_t UniqueProcess;       // 0x40 ClientId
  uint64_t UniqueThread;        // 0x48
  void *ActiveRpcHandle;        // 0x50
  void **ThreadLocalStoragePointer;  // 0x58
  void *ProcessEnvironmentBlock;     // 0x60
  uint32_t LastErrorValue;           // 0x68
  uint8_t reserved1[0x1480 - 0x6c];
  void *TlsSlots[kTlsSlots];         // 0x1480
  uint8_t reserved2[0x1838 - 0x1680];
};
static_assert(offsetof(Teb, Self) == 0x30);
static_assert(offsetof(Teb, UniqueThread) == 0x48);
static_assert(offsetof(Teb, ThreadLocalStoragePointer) == 0x58);
static_assert(offsetof(Teb, ProcessEnvironmentBlock) == 0x60);
static_assert(offsetof(Teb, LastErrorValue) == 0x68);
static_assert(offsetof(Teb, TlsSlots) == 0x1480);
static_assert(sizeof(Teb) == 0x1838);

// The calling thread's TEB, created (with its TLS blocks for every loaded module) and installed
// in GS on first use. Null when there is not enough memory for it (nothing is left allocated;
// the next call tries again): where a thread or a program starts, and in the calls that can
// report an error, the caller fails with ERROR_NOT_ENOUGH_MEMORY. Aborts with a message if GS
// cannot be set.
Teb *TryEnsureTeb();
// The same for a caller that cannot fail (it is about to run PE code on this thread, which
// cannot run without a TEB): out of memory, it stops the process with a message naming the
// thread instead of returning null. A thread that started through CreateThread or ws2emu-run
// already has its TEB, so this never stops them.
Teb *EnsureTeb();
// The calling thread's TEB if it has one.
Teb *CurrentTeb();

}  // namespace ws2emu::emu

namespace ws2emu::emu {

// Implicit TLS (the TLS directory of a module): the loader registers each module's template;
// every thread with a TEB gets its own copy in ThreadLocalStoragePointer[index], now (for the
// threads that exist) and at TEB creation (for later threads).
struct TlsTemplate {
  const uint8_t *data;  // the initialised part, inside the mapped module
  size_t size;
  size_t zero_fill;
};
// Registers a template; returns its index, or -1 when kMaxTlsModules are in use.
int RegisterTlsModule(const TlsTemplate &tmpl);
// Frees index and every thread's block for it.
void UnregisterTlsModule(int index);

// Sets TlsSlots[index] to NULL in every thread's TEB (TlsAlloc and TlsFree).
void ClearTlsSlotInAllThreads(int index);

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_LOADER_TEB_H_
