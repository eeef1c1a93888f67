// emu/win32/ntdll_unwind_internal.h — what the ntdll unwinding files share (not an API):
// reading and writing a CONTEXT's registers the way an unwind does, and the epilogue decoder.
//   ntdll_context.cc      RtlCaptureContext and the other assembly entry points
//   ntdll_unwind_info.cc  RtlLookupFunctionEntry, RtlVirtualUnwind: .pdata and UNWIND_INFO
//   ntdll_epilogue.cc     whether an address is in an epilogue, and executing it
//   ntdll_dispatch.cc     RaiseException's search (phase 1) and RtlUnwindEx (phase 2)
//   ntdll_faults.cc       the signal handler that turns a fault in PE code into a FaultBlock
//   ntdll_vectored.cc     the vectored exception and continue handlers
#ifndef WS2EMU_EMU_WIN32_NTDLL_UNWIND_INTERNAL_H_
#define WS2EMU_EMU_WIN32_NTDLL_UNWIND_INTERNAL_H_

#include <cstring>

#include "win32/ntdll_unwind.h"

namespace ws2emu::emu::win32 {

inline constexpr DWORD64 Context::*kIntRegs[16] = {
    &Context::Rax, &Context::Rcx, &Context::Rdx, &Context::Rbx, &Context::Rsp, &Context::Rbp,
    &Context::Rsi, &Context::Rdi, &Context::R8,  &Context::R9,  &Context::R10, &Context::R11,
    &Context::R12, &Context::R13, &Context::R14, &Context::R15};

inline DWORD64 &IntReg(Context *c, int n) { return c->*kIntRegs[n & 15]; }

inline DWORD64 Load64(DWORD64 address) {
  DWORD64 v;
  std::memcpy(&v, reinterpret_cast<const void *>(address), sizeof(v));
  return v;
}

inline void PopInt(Context *c, int reg, KNonvolatileContextPointers *pointers) {
  if (pointers != nullptr) pointers->IntegerContext[reg] = reinterpret_cast<DWORD64 *>(c->Rsp);
  IntReg(c, reg) = Load64(c->Rsp);
  c->Rsp += 8;
}

inline void LoadInt(Context *c, int reg, DWORD64 address, KNonvolatileContextPointers *pointers) {
  if (pointers != nullptr) pointers->IntegerContext[reg] = reinterpret_cast<DWORD64 *>(address);
  IntReg(c, reg) = Load64(address);
}

inline void LoadXmm(Context *c, int reg, DWORD64 address, KNonvolatileContextPointers *pointers) {
  if (pointers != nullptr) pointers->FloatingContext[reg] = reinterpret_cast<M128A *>(address);
  std::memcpy(&c->FltSave.XmmRegisters[reg], reinterpret_cast<const void *>(address),
              sizeof(M128A));
}

// What the fault handler leaves on the faulting thread's stack for the dispatcher
// (emu_fault_Dispatch): the registers at the fault and the exception. 16-byte aligned.
struct FaultBlock {
  Context context;
  ExceptionRecord record;
  FaultBlock *outer;  // the thread's fault dispatches still running, innermost first
  DWORD64 pad;
};
static_assert(sizeof(FaultBlock) % 16 == 0);

// The fault dispatcher: dispatches block->record and, when a handler continues execution,
// reloads block->context whole. Called (by the trampoline emu_fault_Trampoline) on the faulting
// thread's stack with Rsp at the block.
extern "C" [[noreturn]] void emu_fault_Dispatch(FaultBlock *block);
// A fault that exhausted the thread's stack: no handler can run on it, so it is reported as an
// unhandled EXCEPTION_STACK_OVERFLOW and ends the process. Called in the fault handler (on the
// alternate signal stack); never returns.
[[noreturn]] void ReportStackOverflow(const FaultBlock &block);
// Loads every register of `context` (general, flags, x87/SSE through FXRSTOR) and continues at
// its Rip; writes three words below its Rsp.
extern "C" [[noreturn]] void emu_unwind_RestoreFull(const Context *context);

// The vectored handlers (ntdll_vectored.cc), in order: true when one of them returned
// EXCEPTION_CONTINUE_EXECUTION (the rest are not called).
bool CallVectoredExceptionHandlers(ExceptionRecord *record, Context *context);
bool CallVectoredContinueHandlers(ExceptionRecord *record, Context *context);

// The filter SetUnhandledExceptionFilter installed, or null (kernel32_process.cc).
using TopLevelFilter = LONG(WINAPI *)(ExceptionPointers *pointers);
TopLevelFilter CurrentUnhandledExceptionFilter();

// Whether the code at `pc` is an epilogue as Windows recognises one: `add rsp, imm` or
// `lea rsp, [reg + disp]` (optional), pops of nonvolatile registers, then `ret`, or a `jmp` out
// of the function (a tail call) after at least one of those. Jumps inside the function are
// followed. When `context` is given, the epilogue is also executed on it.
bool Epilogue(const BYTE *pc, DWORD64 base, const RuntimeFunction &fn, Context *context,
              KNonvolatileContextPointers *pointers);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_NTDLL_UNWIND_INTERNAL_H_
