// Structured exception dispatch for PE code (see kernel32_unwind.h): RtlCaptureContext,
// RtlLookupFunctionEntry, RtlVirtualUnwind, RaiseException and RtlUnwindEx.
//
// The entry points that need their caller's registers (RtlCaptureContext, RaiseException,
// RtlUnwindEx) are assembly stubs that store them into a CONTEXT before anything is clobbered;
// RestoreContext loads a CONTEXT and jumps to its Rip. Language handlers are called through
// CallHandler, whose return address (HandlerReturn) marks the call: a walk that unwinds out of
// a handler lands there and finds the HandlerCall record at [Rsp + 40], which says what the
// dispatcher was doing. That is how a handler that raises (libgcc stops an unwind at a frame
// with cleanups by raising STATUS_GCC_UNWIND from its unwind handler) or that starts an unwind
// from the search phase (every catch) continues through ws2emu's own frames, which have no
// unwind data, exactly as Windows continues through RtlpExecuteHandlerFor{Exception,Unwind}.
#include "win32/kernel32_unwind.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "loader/loader.h"

namespace ws2emu::emu::win32 {
namespace {

// One call of a language handler by the dispatcher (phase 1) or the unwinder (phase 2). Lives
// in the native frame that makes the call; t_calls links the calls active on this thread.
struct HandlerCall {
  bool unwinding;
  const Context *raised;          // phase 1: the context the exception was raised in
  Context *frame_context;         // phase 2: the context in the frame whose handler runs
  const Context *caller_context;  // the context after unwinding that frame
  const DispatcherContext *dispatch;
  HandlerCall *outer;
};

thread_local HandlerCall *t_calls = nullptr;

}  // namespace
}  // namespace ws2emu::emu::win32

// CONTEXT offsets: Rax 0x78 ... R15 0xf0, Rip 0xf8, Rsp 0x98, MxCsr 0x34, segments 0x38,
// EFlags 0x44, FltSave 0x100 (ControlWord +0, MxCsr +0x18), Xmm0 0x1a0.
asm(R"(
  .macro EMU_UNWIND_CAPTURE ctx, ret
  movq %rax, 0x78(\ctx)
  movq %rcx, 0x80(\ctx)
  movq %rdx, 0x88(\ctx)
  movq %rbx, 0x90(\ctx)
  movq %rbp, 0xa0(\ctx)
  movq %rsi, 0xa8(\ctx)
  movq %rdi, 0xb0(\ctx)
  movq %r8, 0xb8(\ctx)
  movq %r9, 0xc0(\ctx)
  movq %r10, 0xc8(\ctx)
  movq %r11, 0xd0(\ctx)
  movq %r12, 0xd8(\ctx)
  movq %r13, 0xe0(\ctx)
  movq %r14, 0xe8(\ctx)
  movq %r15, 0xf0(\ctx)
  leaq (\ret + 8)(%rsp), %rax
  movq %rax, 0x98(\ctx)
  movq \ret(%rsp), %rax
  movq %rax, 0xf8(\ctx)
  movups %xmm0, 0x1a0(\ctx)
  movups %xmm1, 0x1b0(\ctx)
  movups %xmm2, 0x1c0(\ctx)
  movups %xmm3, 0x1d0(\ctx)
  movups %xmm4, 0x1e0(\ctx)
  movups %xmm5, 0x1f0(\ctx)
  movups %xmm6, 0x200(\ctx)
  movups %xmm7, 0x210(\ctx)
  movups %xmm8, 0x220(\ctx)
  movups %xmm9, 0x230(\ctx)
  movups %xmm10, 0x240(\ctx)
  movups %xmm11, 0x250(\ctx)
  movups %xmm12, 0x260(\ctx)
  movups %xmm13, 0x270(\ctx)
  movups %xmm14, 0x280(\ctx)
  movups %xmm15, 0x290(\ctx)
  stmxcsr 0x34(\ctx)
  stmxcsr 0x118(\ctx)
  fnstcw 0x100(\ctx)
  movw %cs, 0x38(\ctx)
  movw %ds, 0x3a(\ctx)
  movw %es, 0x3c(\ctx)
  movw %fs, 0x3e(\ctx)
  movw %gs, 0x40(\ctx)
  movw %ss, 0x42(\ctx)
  pushfq
  popq %rax
  movl %eax, 0x44(\ctx)
  movl $0x10000f, 0x30(\ctx)
  .endm

  .text
  .globl emu_unwind_RtlCaptureContext
  .hidden emu_unwind_RtlCaptureContext
  .type emu_unwind_RtlCaptureContext, @function
emu_unwind_RtlCaptureContext:
  EMU_UNWIND_CAPTURE %rcx, 0
  ret
  .size emu_unwind_RtlCaptureContext, . - emu_unwind_RtlCaptureContext

  .globl emu_unwind_RaiseException
  .hidden emu_unwind_RaiseException
  .type emu_unwind_RaiseException, @function
emu_unwind_RaiseException:
  subq $1240, %rsp
  EMU_UNWIND_CAPTURE %rsp, 1240
  movq %rsp, %rdi
  movl %ecx, %esi
  movl %r8d, %ecx
  movq %r9, %r8
  call emu_unwind_DispatchRaise@PLT
  ud2
  .size emu_unwind_RaiseException, . - emu_unwind_RaiseException

  .globl emu_unwind_RtlUnwindEx
  .hidden emu_unwind_RtlUnwindEx
  .type emu_unwind_RtlUnwindEx, @function
emu_unwind_RtlUnwindEx:
  subq $1240, %rsp
  EMU_UNWIND_CAPTURE %rsp, 1240
  movq %rsp, %rdi
  movq %rcx, %rsi
  movq %r8, %rcx
  movq %r9, %r8
  movq 1280(%rsp), %r9
  call emu_unwind_Unwind@PLT
  ud2
  .size emu_unwind_RtlUnwindEx, . - emu_unwind_RtlUnwindEx

  .globl emu_unwind_RestoreContext
  .hidden emu_unwind_RestoreContext
  .type emu_unwind_RestoreContext, @function
emu_unwind_RestoreContext:
  movups 0x1a0(%rdi), %xmm0
  movups 0x1b0(%rdi), %xmm1
  movups 0x1c0(%rdi), %xmm2
  movups 0x1d0(%rdi), %xmm3
  movups 0x1e0(%rdi), %xmm4
  movups 0x1f0(%rdi), %xmm5
  movups 0x200(%rdi), %xmm6
  movups 0x210(%rdi), %xmm7
  movups 0x220(%rdi), %xmm8
  movups 0x230(%rdi), %xmm9
  movups 0x240(%rdi), %xmm10
  movups 0x250(%rdi), %xmm11
  movups 0x260(%rdi), %xmm12
  movups 0x270(%rdi), %xmm13
  movups 0x280(%rdi), %xmm14
  movups 0x290(%rdi), %xmm15
  ldmxcsr 0x34(%rdi)
  movq 0x98(%rdi), %rax
  movq 0xf8(%rdi), %rcx
  movq %rcx, -8(%rax)
  movq 0x78(%rdi), %rax
  movq 0x80(%rdi), %rcx
  movq 0x88(%rdi), %rdx
  movq 0x90(%rdi), %rbx
  movq 0xa0(%rdi), %rbp
  movq 0xa8(%rdi), %rsi
  movq 0xb8(%rdi), %r8
  movq 0xc0(%rdi), %r9
  movq 0xc8(%rdi), %r10
  movq 0xd0(%rdi), %r11
  movq 0xd8(%rdi), %r12
  movq 0xe0(%rdi), %r13
  movq 0xe8(%rdi), %r14
  movq 0xf0(%rdi), %r15
  movq 0x98(%rdi), %rsp
  leaq -8(%rsp), %rsp
  movq 0xb0(%rdi), %rdi
  ret
  .size emu_unwind_RestoreContext, . - emu_unwind_RestoreContext

  .globl emu_unwind_CallHandler
  .hidden emu_unwind_CallHandler
  .globl emu_unwind_HandlerReturn
  .hidden emu_unwind_HandlerReturn
  .type emu_unwind_CallHandler, @function
emu_unwind_CallHandler:
  pushq %rbp
  movq %rsp, %rbp
  pushq %r9
  subq $40, %rsp
  movq %rdi, %rax
  movq %r8, %r9
  movq %rcx, %r8
  movq %rsi, %rcx
  call *%rax
emu_unwind_HandlerReturn:
  movq %rbp, %rsp
  popq %rbp
  ret
  .size emu_unwind_CallHandler, . - emu_unwind_CallHandler
)");

namespace ws2emu::emu::win32 {
namespace {

extern "C" {
[[noreturn]] void emu_unwind_RestoreContext(const Context *context);
// Calls handler(record, frame, context, dispatch) as ms_abi, with `call` at [Rsp + 40] of the
// frame the handler returns to.
int emu_unwind_CallHandler(ExceptionRoutine handler, ExceptionRecord *record, void *frame,
                           Context *context, DispatcherContext *dispatch, HandlerCall *call);
extern const char emu_unwind_HandlerReturn[];
}

constexpr DWORD kStatusGccThrow = 0x20474343;  // libgcc's C++ throw ("GCC", user-defined)
constexpr DWORD kHandlerCallSlot = 40;

constexpr DWORD64 Context::*kIntRegs[16] = {
    &Context::Rax, &Context::Rcx, &Context::Rdx, &Context::Rbx, &Context::Rsp, &Context::Rbp,
    &Context::Rsi, &Context::Rdi, &Context::R8,  &Context::R9,  &Context::R10, &Context::R11,
    &Context::R12, &Context::R13, &Context::R14, &Context::R15};

DWORD64 &IntReg(Context *c, int n) { return c->*kIntRegs[n & 15]; }

DWORD64 Load64(DWORD64 address) {
  DWORD64 v;
  std::memcpy(&v, reinterpret_cast<const void *>(address), sizeof(v));
  return v;
}

void PopInt(Context *c, int reg, KNonvolatileContextPointers *pointers) {
  if (pointers != nullptr) pointers->IntegerContext[reg] = reinterpret_cast<DWORD64 *>(c->Rsp);
  IntReg(c, reg) = Load64(c->Rsp);
  c->Rsp += 8;
}

void LoadInt(Context *c, int reg, DWORD64 address, KNonvolatileContextPointers *pointers) {
  if (pointers != nullptr) pointers->IntegerContext[reg] = reinterpret_cast<DWORD64 *>(address);
  IntReg(c, reg) = Load64(address);
}

void LoadXmm(Context *c, int reg, DWORD64 address, KNonvolatileContextPointers *pointers) {
  if (pointers != nullptr) pointers->FloatingContext[reg] = reinterpret_cast<M128A *>(address);
  std::memcpy(&c->FltSave.XmmRegisters[reg], reinterpret_cast<const void *>(address),
              sizeof(M128A));
}

// UNWIND_INFO and its codes.
struct UnwindInfo {
  BYTE version_flags;  // Version:3, Flags:5
  BYTE size_of_prolog;
  BYTE count_of_codes;
  BYTE frame;  // FrameRegister:4, FrameOffset:4
  int flags() const { return version_flags >> 3; }
  int version() const { return version_flags & 7; }
  int frame_register() const { return frame & 15; }
  int frame_offset() const { return frame >> 4; }
  const uint16_t *codes() const { return reinterpret_cast<const uint16_t *>(this + 1); }
  // What follows the codes: a chained RUNTIME_FUNCTION, or the handler RVA and its data.
  const BYTE *tail() const {
    return reinterpret_cast<const BYTE *>(codes() + ((count_of_codes + 1) & ~1));
  }
};

enum UnwindOp {
  kPushNonvol = 0,
  kAllocLarge = 1,
  kAllocSmall = 2,
  kSetFpreg = 3,
  kSaveNonvol = 4,
  kSaveNonvolFar = 5,
  kEpilogOrSaveXmm = 6,  // version 2: UWOP_EPILOG; version 1: the obsolete UWOP_SAVE_XMM
  kSpareOrSaveXmmFar = 7,
  kSaveXmm128 = 8,
  kSaveXmm128Far = 9,
  kPushMachframe = 10,
};

int CodeOffset(uint16_t code) { return code & 0xff; }
int Op(uint16_t code) { return (code >> 8) & 15; }
int OpInfo(uint16_t code) { return code >> 12; }

// How many 16-bit slots a code takes.
int CodeSlots(uint16_t code, int version) {
  switch (Op(code)) {
    case kAllocLarge:
      return OpInfo(code) == 0 ? 2 : 3;
    case kSaveNonvol:
    case kSaveXmm128:
      return 2;
    case kSaveNonvolFar:
    case kSaveXmm128Far:
      return 3;
    case kEpilogOrSaveXmm:
      return version >= 2 ? 1 : 2;
    case kSpareOrSaveXmmFar:
      return version >= 2 ? 2 : 3;
    default:
      return 1;
  }
}

DWORD Slot32(const uint16_t *codes, int i) { return codes[i] | (DWORD{codes[i + 1]} << 16); }

// Whether the code at `pc` is an epilogue as Windows recognises one: `add rsp, imm` or
// `lea rsp, [reg + disp]` (optional), pops of nonvolatile registers, then `ret`, or a `jmp` out
// of the function (a tail call) after at least one of those. Jumps inside the function are
// followed. When `context` is given, the epilogue is also executed on it.
bool Epilogue(const BYTE *pc, DWORD64 base, const RuntimeFunction &fn, Context *context,
              KNonvolatileContextPointers *pointers) {
  auto inside = [&](const BYTE *p) {
    DWORD64 rva = reinterpret_cast<DWORD64>(p) - base;
    return rva >= fn.BeginAddress && rva < fn.EndAddress;
  };
  Context scratch{};
  Context *c = context != nullptr ? context : &scratch;
  bool started = false;
  const BYTE *p = pc;
  if (p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xc4) {
    c->Rsp += static_cast<int8_t>(p[3]);
    p += 4;
    started = true;
  } else if (p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xc4) {
    int32_t imm;
    std::memcpy(&imm, p + 3, 4);
    c->Rsp += imm;
    p += 7;
    started = true;
  } else if ((p[0] & 0xfe) == 0x48 && p[1] == 0x8d) {
    BYTE modrm = p[2];
    int base_reg = (modrm & 7) + ((p[0] & 1) << 3);
    if (((modrm >> 3) & 7) != 4 || (modrm & 7) == 4) return false;  // to rsp, no SIB
    if ((modrm >> 6) == 1) {
      c->Rsp = IntReg(c, base_reg) + static_cast<int8_t>(p[3]);
      p += 4;
    } else if ((modrm >> 6) == 2) {
      int32_t disp;
      std::memcpy(&disp, p + 3, 4);
      c->Rsp = IntReg(c, base_reg) + disp;
      p += 7;
    } else {
      return false;
    }
    started = true;
  }
  for (int steps = 0; steps < 64; ++steps) {
    BYTE rex = 0;
    if ((*p & 0xf0) == 0x40) rex = *p++;
    if (*p >= 0x58 && *p <= 0x5f && (rex & 0x0e) == 0) {  // pop reg
      if (context != nullptr) PopInt(c, (*p - 0x58) + ((rex & 1) << 3), pointers);
      ++p;
      started = true;
      continue;
    }
    bool ret = false;
    if (rex == 0 && (*p == 0xc3 || *p == 0xc2 || (*p == 0xf3 && p[1] == 0xc3))) {
      ret = true;
    } else if (rex == 0 && (*p == 0xe9 || *p == 0xeb)) {
      int32_t rel;
      if (*p == 0xe9) {
        std::memcpy(&rel, p + 1, 4);
        rel += 5;
      } else {
        rel = static_cast<int8_t>(p[1]) + 2;
      }
      if (inside(p + rel)) {
        p += rel;
        continue;
      }
      ret = started;
    } else if ((rex == 0 || rex == 0x48) && *p == 0xff && ((p[1] >> 3) & 7) == 4) {
      ret = started;  // jmp through memory or a register: a tail call
    }
    if (!ret) return false;
    if (context != nullptr) {
      context->Rip = Load64(context->Rsp);
      context->Rsp += 8;
      if (*p == 0xc2) context->Rsp += p[1] | (p[2] << 8);
    }
    return true;
  }
  return false;
}

std::string Where(DWORD64 address) {
  char text[64];
  if (Module *m = Loader::Get().FindByAddress(reinterpret_cast<const void *>(address))) {
    std::snprintf(text, sizeof(text), "+0x%llx",
                  static_cast<unsigned long long>(address - reinterpret_cast<DWORD64>(m->base())));
    return m->name() + text;
  }
  return "outside any PE module";
}

bool InPeModule(DWORD64 address) {
  return Loader::Get().FindByAddress(reinterpret_cast<const void *>(address)) != nullptr;
}

[[noreturn]] void Fatal(const ExceptionRecord &record, const char *what) {
  DWORD64 address = reinterpret_cast<DWORD64>(record.ExceptionAddress);
  std::fprintf(stderr,
               "ws2emu: %s exception 0x%08x%s (flags 0x%x) raised at %p (%s): %s; stopping "
               "with exit code %d\n",
               record.ExceptionFlags & kExceptionUnwinding ? "unwinding" : "unhandled",
               record.ExceptionCode,
               record.ExceptionCode == kStatusGccThrow ? " (a C++ exception thrown by GCC code)"
                                                        : "",
               record.ExceptionFlags, record.ExceptionAddress, Where(address).c_str(), what,
               kUnhandledExceptionExitCode);
  std::fflush(stderr);
  _exit(kUnhandledExceptionExitCode);
}

int Invoke(ExceptionRoutine handler, ExceptionRecord *record, DWORD64 frame, Context *context,
           DispatcherContext *dispatch, HandlerCall *call) {
  call->outer = t_calls;
  t_calls = call;
  int disposition = emu_unwind_CallHandler(handler, record, reinterpret_cast<void *>(frame),
                                           context, dispatch, call);
  t_calls = call->outer;
  return disposition;
}

// The handler call that a walk has unwound back to, or null when `context` is elsewhere.
HandlerCall *CallAt(const Context &context) {
  if (context.Rip != reinterpret_cast<DWORD64>(emu_unwind_HandlerReturn)) return nullptr;
  HandlerCall *call;
  std::memcpy(&call, reinterpret_cast<const void *>(context.Rsp + kHandlerCallSlot), sizeof(call));
  return call;
}

[[noreturn]] void Restore(const Context &context) {
  // The native frames between here and the target are abandoned, their handler calls with them.
  while (t_calls != nullptr && reinterpret_cast<DWORD64>(t_calls) < context.Rsp)
    t_calls = t_calls->outer;
  emu_unwind_RestoreContext(&context);
}

// One frame of a walk: the frame `cur` is in, unwound into `next`. False when `cur` is not in a
// PE image. A frame without a RUNTIME_FUNCTION is a leaf: its return address is at Rsp.
struct Frame {
  DWORD64 image_base = 0;
  RuntimeFunction *function = nullptr;
  ExceptionRoutine handler = nullptr;
  void *data = nullptr;
  DWORD64 establisher = 0;
};

bool Step(DWORD type, const Context &cur, Context *next, Frame *frame) {
  *frame = Frame{};
  *next = cur;
  frame->function = RtlLookupFunctionEntry(cur.Rip, &frame->image_base, nullptr);
  if (frame->function == nullptr) {
    if (!InPeModule(cur.Rip)) return false;
    frame->establisher = cur.Rsp;
    next->Rip = Load64(cur.Rsp);
    next->Rsp = cur.Rsp + 8;
    return true;
  }
  frame->handler = RtlVirtualUnwind(type, frame->image_base, cur.Rip, frame->function, next,
                                    &frame->data, &frame->establisher, nullptr);
  return true;
}

// Phase 1: the search. Returns when a handler continues execution; otherwise ends the process.
void Dispatch(ExceptionRecord *record, Context *raised) {
  Context cur = *raised, next;
  for (;;) {
    Frame f;
    DispatcherContext dc{};
    if (HandlerCall *call = CallAt(cur)) {
      if (!call->unwinding) {
        // Raised inside a search handler: a nested exception; the search goes on past the frame
        // whose handler raised it.
        record->ExceptionFlags |= kExceptionNestedCall;
        cur = *call->caller_context;
        continue;
      }
      // Raised inside an unwind handler (a collided unwind): the search goes on with the frame
      // being unwound, whose handler is asked again, as Windows does.
      dc = *call->dispatch;
      next = *call->caller_context;
      f.handler = dc.LanguageHandler;
      f.establisher = dc.EstablisherFrame;
    } else {
      if (!Step(kUnwFlagEHandler, cur, &next, &f))
        Fatal(*record, "no handler in the PE frames");
      dc = {cur.Rip, f.image_base, f.function, f.establisher, 0, &next, f.handler, f.data,
            nullptr, 0, 0};
    }
    if (f.handler != nullptr) {
      dc.ContextRecord = &next;
      HandlerCall call{false, raised, nullptr, &next, &dc, nullptr};
      switch (Invoke(f.handler, record, f.establisher, raised, &dc, &call)) {
        case kExceptionContinueExecution:
          if (record->ExceptionFlags & kExceptionNoncontinuable)
            Fatal(*record, "a handler continued a noncontinuable exception");
          return;
        case kExceptionContinueSearch:
          break;
        case kExceptionNestedException:
          record->ExceptionFlags |= kExceptionNestedCall;
          break;
        default:
          Fatal(*record, "a handler returned an invalid disposition");
      }
    }
    if (next.Rip == 0 || next.Rsp <= cur.Rsp) Fatal(*record, "no handler in the PE frames");
    cur = next;
  }
}

// Phase 2 from `start` (or from the running handler call `from`).
[[noreturn]] void UnwindFrom(const Context &start, HandlerCall *from, void *target_frame,
                             void *target_ip, ExceptionRecord *record, void *return_value,
                             Context *original) {
  ExceptionRecord local{};
  if (record == nullptr) {
    local.ExceptionCode = kStatusUnwind;
    local.ExceptionAddress = reinterpret_cast<void *>(start.Rip);
    record = &local;
  }
  const DWORD64 target = reinterpret_cast<DWORD64>(target_frame);
  DWORD flags = kExceptionUnwinding | (target == 0 ? kExceptionExitUnwind : 0);
  Context cur = start, next;
  for (;;) {
    Frame f;
    DispatcherContext dc{};
    HandlerCall *call = from != nullptr ? from : CallAt(cur);
    from = nullptr;
    if (call != nullptr) {
      if (!call->unwinding) {
        // Unwinding out of a search handler: on through the frames the search went through,
        // from where the exception was raised.
        cur = *call->raised;
        continue;
      }
      // Collided with the unwind that called this handler: take over its frame and ask the
      // frame's handler again.
      dc = *call->dispatch;
      cur = *call->frame_context;
      next = *call->caller_context;
      f.handler = dc.LanguageHandler;
      f.establisher = dc.EstablisherFrame;
      flags |= kExceptionCollidedUnwind;
    } else {
      record->ExceptionFlags = flags;
      if (!Step(kUnwFlagUHandler, cur, &next, &f))
        Fatal(*record, "the unwind left the PE frames without reaching its target frame");
      dc = {cur.Rip, f.image_base, f.function, f.establisher, 0, nullptr, f.handler, f.data,
            nullptr, 0, 0};
    }
    if (target != 0 && f.establisher > target) {
      record->ExceptionFlags = flags;
      Fatal(*record, "the unwind passed its target frame");
    }
    if (f.handler != nullptr) {
      record->ExceptionFlags = flags | (f.establisher == target ? kExceptionTargetUnwind : 0);
      cur.Rax = reinterpret_cast<DWORD64>(return_value);
      dc.TargetIp = reinterpret_cast<DWORD64>(target_ip);
      dc.ContextRecord = &cur;
      HandlerCall call_record{true, nullptr, &cur, &next, &dc, nullptr};
      int disposition = Invoke(f.handler, record, f.establisher,
                               original != nullptr ? original : &cur, &dc, &call_record);
      flags &= ~kExceptionCollidedUnwind;
      if (disposition != kExceptionContinueSearch)
        Fatal(*record, "an unwind handler returned an invalid disposition");
    }
    if (f.establisher == target) break;
    if (next.Rip == 0 || next.Rsp <= cur.Rsp) {
      record->ExceptionFlags = flags;
      Fatal(*record, "the unwind reached the end of the stack");
    }
    cur = next;
  }
  cur.Rax = reinterpret_cast<DWORD64>(return_value);
  cur.Rip = reinterpret_cast<DWORD64>(target_ip);
  Restore(cur);
}

}  // namespace

extern "C" [[noreturn]] __attribute__((visibility("hidden"))) void emu_unwind_DispatchRaise(
    Context *raised, DWORD code, DWORD flags, DWORD count, const ULONG_PTR *arguments) {
  ExceptionRecord record{};
  record.ExceptionCode = code;
  record.ExceptionFlags = flags & kExceptionNoncontinuable;
  record.ExceptionAddress = reinterpret_cast<void *>(raised->Rip);
  if (arguments != nullptr) {
    record.NumberParameters = count < 15 ? count : 15;
    std::memcpy(record.ExceptionInformation, arguments,
                record.NumberParameters * sizeof(ULONG_PTR));
  }
  Dispatch(&record, raised);
  Restore(*raised);  // a handler continued execution: back to RaiseException's caller
}

extern "C" [[noreturn]] __attribute__((visibility("hidden"))) void emu_unwind_Unwind(
    Context *start, void *target_frame, void *target_ip, ExceptionRecord *record,
    void *return_value, Context *original) {
  UnwindFrom(*start, nullptr, target_frame, target_ip, record, return_value, original);
}

void UnwindFromNativeHandler(PVOID TargetFrame, PVOID TargetIp, ExceptionRecord *ExceptionRecord,
                             PVOID ReturnValue) {
  if (t_calls == nullptr) {
    std::fprintf(stderr, "ws2emu: RtlUnwindEx from a handler outside exception dispatch\n");
    std::fflush(stderr);
    _exit(kUnhandledExceptionExitCode);
  }
  UnwindFrom(Context{}, t_calls, TargetFrame, TargetIp, ExceptionRecord, ReturnValue, nullptr);
}

RuntimeFunction *WINAPI RtlLookupFunctionEntry(DWORD64 ControlPc, DWORD64 *ImageBase, PVOID) {
  Module *m = Loader::Get().FindByAddress(reinterpret_cast<const void *>(ControlPc));
  if (m == nullptr) return nullptr;
  DWORD64 base = reinterpret_cast<DWORD64>(m->base());
  *ImageBase = base;
  uint64_t rva = m->image().exception_directory_rva();
  uint64_t size = m->image().exception_directory_size();
  if (rva == 0 || rva + size > m->size()) return nullptr;
  auto *table = reinterpret_cast<RuntimeFunction *>(base + rva);
  DWORD pc = static_cast<DWORD>(ControlPc - base);
  size_t lo = 0, hi = size / sizeof(RuntimeFunction);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pc < table[mid].BeginAddress) {
      hi = mid;
    } else if (pc >= table[mid].EndAddress) {
      lo = mid + 1;
    } else {
      RuntimeFunction *entry = &table[mid];
      // An indirect entry names the primary RUNTIME_FUNCTION of the region.
      if ((entry->UnwindData & 1) != 0 && (entry->UnwindData & ~1u) + 12 <= m->size())
        entry = reinterpret_cast<RuntimeFunction *>(base + (entry->UnwindData & ~1u));
      return entry->UnwindData + 4 <= m->size() ? entry : nullptr;
    }
  }
  return nullptr;
}

ExceptionRoutine WINAPI RtlVirtualUnwind(DWORD HandlerType, DWORD64 ImageBase,
                                         DWORD64 ControlPc, RuntimeFunction *FunctionEntry,
                                         Context *ContextRecord, PVOID *HandlerData,
                                         DWORD64 *EstablisherFrame,
                                         KNonvolatileContextPointers *ContextPointers) {
  auto *info = reinterpret_cast<const UnwindInfo *>(ImageBase + FunctionEntry->UnwindData);
  DWORD64 offset = ControlPc - ImageBase - FunctionEntry->BeginAddress;
  const uint16_t *codes = info->codes();

  // The establisher frame: the frame register's base once the prolog has set it, else Rsp.
  DWORD64 frame = ContextRecord->Rsp;
  if (info->frame_register() != 0) {
    bool set = offset >= info->size_of_prolog || (info->flags() & kUnwFlagChainInfo) != 0;
    for (int i = 0; !set && i < info->count_of_codes; i += CodeSlots(codes[i], info->version()))
      set = Op(codes[i]) == kSetFpreg && CodeOffset(codes[i]) <= static_cast<int>(offset);
    if (set) frame = IntReg(ContextRecord, info->frame_register()) - 16 * info->frame_offset();
  }
  *EstablisherFrame = frame;
  if (HandlerData != nullptr) *HandlerData = nullptr;

  if (offset >= info->size_of_prolog &&
      Epilogue(reinterpret_cast<const BYTE *>(ControlPc), ImageBase, *FunctionEntry, nullptr,
               nullptr)) {
    Epilogue(reinterpret_cast<const BYTE *>(ControlPc), ImageBase, *FunctionEntry,
             ContextRecord, ContextPointers);
    return nullptr;
  }

  const bool in_prolog = offset < info->size_of_prolog;
  DWORD64 prolog_offset = offset;
  bool machine_frame = false;
  for (int depth = 0; depth < 32; ++depth) {
    codes = info->codes();
    for (int i = 0; i < info->count_of_codes; i += CodeSlots(codes[i], info->version())) {
      uint16_t code = codes[i];
      if (prolog_offset < static_cast<DWORD64>(CodeOffset(code))) continue;  // not run yet
      int op_info = OpInfo(code);
      switch (Op(code)) {
        case kPushNonvol:
          PopInt(ContextRecord, op_info, ContextPointers);
          break;
        case kAllocLarge:
          ContextRecord->Rsp += op_info == 0 ? DWORD64{codes[i + 1]} * 8 : Slot32(codes, i + 1);
          break;
        case kAllocSmall:
          ContextRecord->Rsp += op_info * 8 + 8;
          break;
        case kSetFpreg:
          ContextRecord->Rsp =
              IntReg(ContextRecord, info->frame_register()) - 16 * info->frame_offset();
          break;
        case kSaveNonvol:
          LoadInt(ContextRecord, op_info, frame + DWORD64{codes[i + 1]} * 8, ContextPointers);
          break;
        case kSaveNonvolFar:
          LoadInt(ContextRecord, op_info, frame + Slot32(codes, i + 1), ContextPointers);
          break;
        case kSaveXmm128:
          LoadXmm(ContextRecord, op_info, frame + DWORD64{codes[i + 1]} * 16, ContextPointers);
          break;
        case kSaveXmm128Far:
          LoadXmm(ContextRecord, op_info, frame + Slot32(codes, i + 1), ContextPointers);
          break;
        case kPushMachframe:
          if (op_info != 0) ContextRecord->Rsp += 8;  // an error code was pushed too
          ContextRecord->Rip = Load64(ContextRecord->Rsp);
          ContextRecord->Rsp = Load64(ContextRecord->Rsp + 24);
          machine_frame = true;
          break;
        default:  // version 2 epilog descriptions and obsolete codes: nothing to undo here
          break;
      }
    }
    if ((info->flags() & kUnwFlagChainInfo) == 0) break;
    auto *chained = reinterpret_cast<const RuntimeFunction *>(info->tail());
    info = reinterpret_cast<const UnwindInfo *>(ImageBase + chained->UnwindData);
    prolog_offset = ~DWORD64{0};  // the parent's prolog has run in full
  }
  if (!machine_frame) {
    ContextRecord->Rip = Load64(ContextRecord->Rsp);
    ContextRecord->Rsp += 8;
  }
  if (in_prolog || (info->flags() & HandlerType & (kUnwFlagEHandler | kUnwFlagUHandler)) == 0)
    return nullptr;
  DWORD handler_rva;
  std::memcpy(&handler_rva, info->tail(), sizeof(handler_rva));
  if (HandlerData != nullptr) *HandlerData = const_cast<BYTE *>(info->tail() + 4);
  return reinterpret_cast<ExceptionRoutine>(ImageBase + handler_rva);
}

}  // namespace ws2emu::emu::win32
