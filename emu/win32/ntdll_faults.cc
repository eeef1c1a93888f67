// The signal handler that turns a processor fault in PE code into a Windows exception (see
// ntdll_faults.h). It runs in signal context: no locks, no allocation, no sanitizer-checked
// memory access to the stack below the stack pointer; it only fills a FaultBlock below the
// faulting code's stack pointer and points the interrupted context at emu_fault_Trampoline,
// which calls emu_fault_Dispatch (ntdll_dispatch.cc) on the thread's own stack.
#include "win32/ntdll_faults.h"

#include <asm/prctl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <mutex>

#include "loader/loader.h"
#include "loader/teb.h"
#include "win32/ntdll_unwind_internal.h"

extern "C" {
extern const char emu_fault_Trampoline[];
}

// Rsp is the FaultBlock (16-byte aligned): the dispatcher is called with it, as a function
// whose caller is the faulting code.
asm(R"(
  .text
  .globl emu_fault_Trampoline
  .hidden emu_fault_Trampoline
  .type emu_fault_Trampoline, @function
emu_fault_Trampoline:
  movq %rsp, %rdi
  call emu_fault_Dispatch@PLT
  ud2
  .size emu_fault_Trampoline, . - emu_fault_Trampoline
)");

namespace ws2emu::emu::win32 {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
struct sigaction g_previous[NSIG];

constexpr DWORD kStatusDeviceDataError = 0xC000009C;  // [inference] SIGBUS's NTSTATUS

constexpr uint64_t kPageFaultWrite = 0x2;  // page-fault error code bits (REG_ERR)
constexpr uint64_t kPageFaultFetch = 0x10;
constexpr uint64_t kTrapGeneralProtection = 13;
constexpr greg_t kTrapSimdFloatingPoint = 19;  // #XM
constexpr size_t kRedZone = 128;
constexpr uintptr_t kPage = 4096;
constexpr uintptr_t kGuardArea = uintptr_t{1} << 20;  // the kernel's stack guard gap
constexpr uintptr_t kHandlerMargin = 8192;  // between the handler's frame and a FaultBlock

// Copies without the compiler turning the loop into a (sanitizer-intercepted) memcpy call.
__attribute__((no_sanitize("address", "undefined"))) void Copy(void *to, const void *from,
                                                                size_t n) {
  auto *d = static_cast<volatile uint8_t *>(to);
  auto *s = static_cast<const volatile uint8_t *>(from);
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
}

void Write(const char *text) {
  ssize_t ignored = write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

void WriteHex(uint64_t value) {
  char text[19] = "0x";
  int n = 2;
  bool started = false;
  for (int shift = 60; shift >= 0; shift -= 4) {
    int digit = static_cast<int>((value >> shift) & 0xf);
    if (digit == 0 && !started && shift != 0) continue;
    started = true;
    text[n++] = "0123456789abcdef"[digit];
  }
  text[n] = 0;
  Write(text);
}

void WriteDecimal(uint64_t value) {
  char text[21];
  int n = sizeof(text) - 1;
  text[n] = 0;
  do {
    text[--n] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  Write(text + n);
}

const char *SignalName(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGTRAP: return "SIGTRAP";
    default: return "signal";
  }
}

// The TEB of the interrupted thread (GS base), or null.
Teb *ThreadTeb() {
  unsigned long base = 0;
  if (syscall(SYS_arch_prctl, ARCH_GET_GS, &base) != 0) return nullptr;
  return reinterpret_cast<Teb *>(base);
}

// Not an exception for PE code: say so, then what would have happened without this handler.
void PassOn(int sig, siginfo_t *info, void *uc_arg, const char *why) {
  auto *uc = static_cast<ucontext_t *>(uc_arg);
  if (info->si_code > 0) {  // raised by the processor, not sent with kill()
    Write("[ws2emu] fatal signal ");
    Write(SignalName(sig));
    Write(" at ");
    WriteHex(static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RIP]));
    Write(" in ");
    Write(why);
    Write(" (fault address ");
    WriteHex(reinterpret_cast<uint64_t>(info->si_addr));
    Write(", thread ");
    WriteDecimal(static_cast<uint64_t>(syscall(SYS_gettid)));
    Write("): not an exception for PE code\n");
  }
  const struct sigaction &old = g_previous[sig];
  if (old.sa_flags & SA_SIGINFO) {
    if (old.sa_sigaction != nullptr) {
      old.sa_sigaction(sig, info, uc_arg);
      return;
    }
  } else if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
    old.sa_handler(sig);
    return;
  }
  // The default action: restored, then the faulting instruction runs again and takes it (or,
  // for a trap that does not repeat or a sent signal, the signal is raised again and delivered
  // when this handler returns).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  if (sig == SIGTRAP || info->si_code <= 0) raise(sig);
}

// The instruction's privileged opcodes that make a general-protection fault in user mode: hlt,
// cli, sti, in, out, ins, outs (after prefixes).
bool PrivilegedOpcode(const uint8_t *pc) {
  int i = 0;
  while (i < 4 && (pc[i] == 0x66 || pc[i] == 0x67 || pc[i] == 0xf2 || pc[i] == 0xf3 ||
                   (pc[i] >= 0x40 && pc[i] <= 0x4f)))
    ++i;
  const uint8_t op = pc[i];
  return op == 0xf4 || op == 0xfa || op == 0xfb || (op >= 0xe4 && op <= 0xe7) ||
         (op >= 0xec && op <= 0xef) || (op >= 0x6c && op <= 0x6f);
}

// A #DE from idiv with a register divisor that is not zero is the quotient's overflow
// (INT_MIN / -1), which Windows reports as EXCEPTION_INT_OVERFLOW; Linux says FPE_INTDIV for
// both. [inference] A memory divisor is not decoded: reported as a division by zero.
DWORD DivideCode(const uint8_t *pc, const Context &c) {
  int i = 0, rex = 0;
  bool operand16 = false;
  while (i < 4 && (pc[i] == 0x66 || pc[i] == 0x67 || (pc[i] >= 0x40 && pc[i] <= 0x4f))) {
    if (pc[i] == 0x66) operand16 = true;
    if (pc[i] >= 0x40 && pc[i] <= 0x4f) rex = pc[i];
    ++i;
  }
  const uint8_t op = pc[i], modrm = pc[i + 1];
  if ((op != 0xf6 && op != 0xf7) || (modrm >> 6) != 3) return kExceptionIntDivideByZero;
  int reg = (modrm & 7) | ((rex & 1) << 3);
  uint64_t divisor = c.*kIntRegs[reg];
  if (op == 0xf6) {
    divisor = (rex == 0 && reg >= 4) ? (c.*kIntRegs[reg - 4] >> 8) & 0xff : divisor & 0xff;
  } else if (!(rex & 8)) {
    divisor &= operand16 ? 0xffff : 0xffffffff;
  }
  return divisor == 0 ? kExceptionIntDivideByZero : kExceptionIntOverflow;
}

// An execution fault right after PE code called a bad address (a freed DLL's function, a
// corrupt function pointer): the return address on top of the stack is in a PE image.
__attribute__((no_sanitize("address", "undefined"))) bool CalledFromPe(int sig,
                                                                        const siginfo_t *info,
                                                                        const greg_t *g) {
  const auto rip = static_cast<uintptr_t>(g[REG_RIP]);
  const auto sp = static_cast<uintptr_t>(g[REG_RSP]);
  if (sig != SIGSEGV || reinterpret_cast<uintptr_t>(info->si_addr) != rip ||
      !(static_cast<uint64_t>(g[REG_ERR]) & kPageFaultFetch) || sp == 0 || (sp & 7) != 0)
    return false;
  return InPeImage(*reinterpret_cast<void *const *>(sp));
}

// An execution fault at an address inside a DLL that has been unloaded: a thread the DLL
// started, or a function of it called through a pointer kept, after FreeLibrary (the report
// names it "formerly x.dll+0x..."). Fetches only: another mapping may reuse the range for data.
bool FetchFromFormerPe(int sig, const siginfo_t *info, const greg_t *g) {
  const auto rip = static_cast<uintptr_t>(g[REG_RIP]);
  return sig == SIGSEGV && reinterpret_cast<uintptr_t>(info->si_addr) == rip &&
         (static_cast<uint64_t>(g[REG_ERR]) & kPageFaultFetch) &&
         InFormerPeImage(reinterpret_cast<const void *>(rip));
}

__attribute__((no_sanitize("address", "undefined"))) void OnFault(int sig, siginfo_t *info,
                                                                   void *uc_arg) {
  auto *uc = static_cast<ucontext_t *>(uc_arg);
  greg_t *g = uc->uc_mcontext.gregs;
  const auto rip = static_cast<uint64_t>(g[REG_RIP]);
  // A SIGTRAP's Rip is after the int3; the breakpoint is the byte before.
  const bool trap = sig == SIGTRAP;
  const uint64_t pc = trap && info->si_code == SI_KERNEL ? rip - 1 : rip;
  if (info->si_code <= 0) return PassOn(sig, info, uc_arg, "a signal sent to the process");
  if (!InPeImage(reinterpret_cast<const void *>(pc)) && !CalledFromPe(sig, info, g) &&
      !FetchFromFormerPe(sig, info, g))
    return PassOn(sig, info, uc_arg, "ws2emu code");
  Teb *teb = ThreadTeb();
  if (teb == nullptr) return PassOn(sig, info, uc_arg, "PE code on a thread without a TEB");

  // Where the block goes: below the red zone, and below this handler's own frame when the
  // handler runs on the same stack (no alternate signal stack), which it must not overwrite.
  const auto fault_sp = static_cast<uintptr_t>(g[REG_RSP]);
  uintptr_t top = fault_sp - kRedZone;
  stack_t signal_stack{};
  if (sigaltstack(nullptr, &signal_stack) != 0 || !(signal_stack.ss_flags & SS_ONSTACK))
    top = reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) - kHandlerMargin;
  const uintptr_t at = (top - sizeof(FaultBlock)) & ~uintptr_t{15};
  // A stack overflow: the fault is in the guard area below the stack (or the block would not
  // fit above it). This handler runs on the alternate signal stack then (the kernel could not
  // have delivered the signal otherwise); the report is made here.
  const auto limit = reinterpret_cast<uintptr_t>(teb->StackLimit);
  const auto fault_address = reinterpret_cast<uintptr_t>(info->si_addr);
  const bool overflow = limit != 0 && ((sig == SIGSEGV && fault_address < limit + kPage &&
                                        fault_address + kGuardArea >= limit) ||
                                       at < limit + kPage);

  FaultBlock block{};
  Context &c = block.context;
  c.ContextFlags = 0x10000f;  // CONTEXT_FULL | CONTEXT_SEGMENTS (control, integer, FP)
  c.Rax = g[REG_RAX];
  c.Rcx = g[REG_RCX];
  c.Rdx = g[REG_RDX];
  c.Rbx = g[REG_RBX];
  c.Rsp = g[REG_RSP];
  c.Rbp = g[REG_RBP];
  c.Rsi = g[REG_RSI];
  c.Rdi = g[REG_RDI];
  c.R8 = g[REG_R8];
  c.R9 = g[REG_R9];
  c.R10 = g[REG_R10];
  c.R11 = g[REG_R11];
  c.R12 = g[REG_R12];
  c.R13 = g[REG_R13];
  c.R14 = g[REG_R14];
  c.R15 = g[REG_R15];
  c.Rip = pc;
  c.EFlags = static_cast<DWORD>(g[REG_EFL]);
  const auto segs = static_cast<uint64_t>(g[REG_CSGSFS]);
  c.SegCs = static_cast<WORD>(segs);
  c.SegGs = static_cast<WORD>(segs >> 16);
  c.SegFs = static_cast<WORD>(segs >> 32);
  c.SegSs = static_cast<WORD>(segs >> 48);
  if (uc->uc_mcontext.fpregs != nullptr) {
    Copy(&c.FltSave, uc->uc_mcontext.fpregs, sizeof(c.FltSave));
    c.MxCsr = c.FltSave.MxCsr;
  } else {
    c.MxCsr = 0x1f80;
    c.FltSave.MxCsr = 0x1f80;
    c.FltSave.ControlWord = 0x27f;
  }

  ExceptionRecord &r = block.record;
  r.ExceptionAddress = reinterpret_cast<void *>(pc);
  const auto address = reinterpret_cast<ULONG_PTR>(info->si_addr);
  const auto *code = reinterpret_cast<const uint8_t *>(rip);
  switch (sig) {
    case SIGSEGV:
      if (info->si_code == SI_KERNEL && g[REG_TRAPNO] == kTrapGeneralProtection &&
          PrivilegedOpcode(code)) {
        r.ExceptionCode = kExceptionPrivInstruction;
        break;
      }
      r.ExceptionCode = kExceptionAccessViolation;
      r.NumberParameters = 2;
      if (info->si_code == SI_KERNEL) {
        // A general-protection fault (a non-canonical address): Windows reports it as a read
        // of the highest address.
        r.ExceptionInformation[0] = 0;
        r.ExceptionInformation[1] = ~ULONG_PTR{0};
      } else {
        const auto err = static_cast<uint64_t>(g[REG_ERR]);
        r.ExceptionInformation[0] =
            (err & kPageFaultFetch) || address == rip ? 8 : (err & kPageFaultWrite) ? 1 : 0;
        r.ExceptionInformation[1] = address;
      }
      break;
    case SIGBUS:
      r.ExceptionCode = kExceptionInPageError;
      r.NumberParameters = 3;
      r.ExceptionInformation[0] = (static_cast<uint64_t>(g[REG_ERR]) & kPageFaultWrite) ? 1 : 0;
      r.ExceptionInformation[1] = address;
      r.ExceptionInformation[2] = kStatusDeviceDataError;
      break;
    case SIGILL:
      r.ExceptionCode = info->si_code == ILL_PRVOPC || info->si_code == ILL_PRVREG
                            ? kExceptionPrivInstruction
                            : kExceptionIllegalInstruction;
      break;
    case SIGFPE:
      if (g[REG_TRAPNO] == kTrapSimdFloatingPoint && info->si_code != FPE_INTDIV &&
          info->si_code != FPE_INTOVF) {
        // An SSE exception (unmasked in MXCSR): x64 Windows reports every kind as this one
        // code, with one parameter 0 (as Wine found); MXCSR's flags say which.
        r.ExceptionCode = kExceptionFloatMultipleTraps;
        r.NumberParameters = 1;
        break;
      }
      switch (info->si_code) {
        case FPE_INTDIV: r.ExceptionCode = DivideCode(code, c); break;
        case FPE_INTOVF: r.ExceptionCode = kExceptionIntOverflow; break;
        case FPE_FLTDIV: r.ExceptionCode = kExceptionFltDivideByZero; break;
        case FPE_FLTOVF: r.ExceptionCode = kExceptionFltOverflow; break;
        case FPE_FLTUND: r.ExceptionCode = kExceptionFltUnderflow; break;
        case FPE_FLTRES: r.ExceptionCode = kExceptionFltInexactResult; break;
        case FPE_FLTSUB: r.ExceptionCode = kExceptionArrayBoundsExceeded; break;
#ifdef FPE_FLTUNK
        case FPE_FLTUNK: r.ExceptionCode = kExceptionFltDenormalOperand; break;
#endif
        default: r.ExceptionCode = kExceptionFltInvalidOperation; break;
      }
      break;
    case SIGTRAP:
      if (info->si_code == TRAP_TRACE) {
        r.ExceptionCode = kExceptionSingleStep;
        c.EFlags &= ~0x100u;  // the trap flag
      } else {
        r.ExceptionCode = kExceptionBreakpoint;
        r.NumberParameters = 1;  // BREAKPOINT_BREAK
      }
      break;
  }

  if (overflow) {
    r.ExceptionCode = kExceptionStackOverflow;
    r.NumberParameters = 2;
    r.ExceptionInformation[0] = 1;  // the push or call that wrote below the stack
    r.ExceptionInformation[1] = address;
    ReportStackOverflow(block);
  }
  Copy(reinterpret_cast<void *>(at), &block, sizeof(block));
  g[REG_RSP] = static_cast<greg_t>(at);
  g[REG_RIP] = reinterpret_cast<greg_t>(emu_fault_Trampoline);
  g[REG_RDI] = static_cast<greg_t>(at);
  g[REG_EFL] &= ~static_cast<greg_t>(0x40500);  // AC, DF, TF: as a function call expects
  if (uc->uc_mcontext.fpregs != nullptr) {
    // The dispatcher runs with the default floating-point state; the CONTEXT keeps PE code's.
    uc->uc_mcontext.fpregs->cwd = 0x37f;
    uc->uc_mcontext.fpregs->swd = 0;
    uc->uc_mcontext.fpregs->ftw = 0;
    uc->uc_mcontext.fpregs->mxcsr = 0x1f80;
  }
}

}  // namespace

void InstallFaultHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : kSignals) {
      struct sigaction action {};
      action.sa_sigaction = OnFault;
      action.sa_flags = SA_SIGINFO | SA_ONSTACK;
      sigfillset(&action.sa_mask);  // nothing interrupts the handler while it writes the block
      // The previous handler is recorded before this one can run and need it.
      sigaction(sig, nullptr, &g_previous[sig]);
      sigaction(sig, &action, nullptr);
    }
  });
}

}  // namespace ws2emu::emu::win32
