// Structured exception dispatch for PE code (see ntdll_unwind.h): RaiseException's search
// (phase 1), RtlUnwindEx (phase 2) and the report of an exception no PE frame handles.
//
// The entry points that need their caller's registers (RtlCaptureContext, RaiseException,
// RtlUnwindEx) are assembly stubs (ntdll_context.cc) that store them into a CONTEXT before anything
// is clobbered; RestoreContext loads a CONTEXT and jumps to its Rip. Language handlers are called
// through CallHandler, whose return address (HandlerReturn) marks the call: a walk that unwinds out
// of a handler lands there and finds the HandlerCall record at [Rsp + 40], which says what the
// dispatcher was doing. That is how a handler that raises (libgcc stops an unwind at a frame with
// cleanups by raising STATUS_GCC_UNWIND from its unwind handler) or that starts an unwind from the
// search phase (every catch) continues through ws2emu's own frames, which have no unwind data,
// exactly as Windows continues through RtlpExecuteHandlerFor{Exception,Unwind}.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "loader/loader.h"
#include "win32/ntdll_unwind_internal.h"

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

thread_local FaultBlock *t_faults = nullptr;  // fault dispatches running on this thread
thread_local bool t_in_filter = false;        // the unhandled-exception filter is running
constexpr int kMaxNestedFaults = 16;

std::string Where(DWORD64 address) {
  char text[64];
  if (Module *m = Loader::Get().FindByAddress(reinterpret_cast<const void *>(address))) {
    std::snprintf(text, sizeof(text), "+0x%llx",
                  static_cast<unsigned long long>(address - reinterpret_cast<DWORD64>(m->base())));
    return m->name() + text;
  }
  std::string former = Loader::Get().FormerModuleAt(reinterpret_cast<const void *>(address));
  return former.empty() ? "outside any PE module" : former;
}

bool InPeModule(DWORD64 address) {
  return Loader::Get().FindByAddress(reinterpret_cast<const void *>(address)) != nullptr;
}

struct ExceptionNameEntry {
  DWORD code;
  const char *name;
};
constexpr ExceptionNameEntry kExceptionNames[] = {
    {kStatusGccThrow, "a C++ exception thrown by GCC code"},
    {kExceptionAccessViolation, "EXCEPTION_ACCESS_VIOLATION"},
    {kExceptionInPageError, "EXCEPTION_IN_PAGE_ERROR"},
    {kExceptionIllegalInstruction, "EXCEPTION_ILLEGAL_INSTRUCTION"},
    {kExceptionPrivInstruction, "EXCEPTION_PRIV_INSTRUCTION"},
    {kExceptionIntDivideByZero, "EXCEPTION_INT_DIVIDE_BY_ZERO"},
    {kExceptionIntOverflow, "EXCEPTION_INT_OVERFLOW"},
    {kExceptionArrayBoundsExceeded, "EXCEPTION_ARRAY_BOUNDS_EXCEEDED"},
    {kExceptionFltDenormalOperand, "EXCEPTION_FLT_DENORMAL_OPERAND"},
    {kExceptionFltDivideByZero, "EXCEPTION_FLT_DIVIDE_BY_ZERO"},
    {kExceptionFltInexactResult, "EXCEPTION_FLT_INEXACT_RESULT"},
    {kExceptionFltInvalidOperation, "EXCEPTION_FLT_INVALID_OPERATION"},
    {kExceptionFltOverflow, "EXCEPTION_FLT_OVERFLOW"},
    {kExceptionFltStackCheck, "EXCEPTION_FLT_STACK_CHECK"},
    {kExceptionFltUnderflow, "EXCEPTION_FLT_UNDERFLOW"},
    {kExceptionFloatMultipleTraps, "STATUS_FLOAT_MULTIPLE_TRAPS"},
    {kExceptionStackOverflow, "EXCEPTION_STACK_OVERFLOW"},
    {kExceptionNoncontinuableException, "EXCEPTION_NONCONTINUABLE_EXCEPTION"},
    {kExceptionInvalidDisposition, "EXCEPTION_INVALID_DISPOSITION"},
    {kExceptionDatatypeMisalignment, "EXCEPTION_DATATYPE_MISALIGNMENT"},
    {kExceptionBreakpoint, "EXCEPTION_BREAKPOINT"},
    {kExceptionSingleStep, "EXCEPTION_SINGLE_STEP"},
    {kStatusUnwind, "STATUS_UNWIND"},
};

const char *ExceptionName(DWORD code) {
  for (const ExceptionNameEntry &e : kExceptionNames)
    if (e.code == code) return e.name;
  return nullptr;
}

// An execution fault (ExceptionInformation[0] == 8): PE code ran or called a bad address.
bool ExecutionFault(const ExceptionRecord &record) {
  return record.ExceptionCode == kExceptionAccessViolation && record.NumberParameters >= 2 &&
         record.ExceptionInformation[0] == 8;
}

// The report of an exception nobody handled (or a dispatch that cannot go on): the code and its
// name, where it was raised, an access violation's details, and the PE frames from `context`
// (the registers where it was raised, when known), then exit with kUnhandledExceptionExitCode.
[[noreturn]] void Fatal(const ExceptionRecord &record, const Context *context, const char *what) {
  DWORD64 address = reinterpret_cast<DWORD64>(record.ExceptionAddress);
  const char *name = ExceptionName(record.ExceptionCode);
  std::fprintf(stderr,
               "[ws2emu ntdll] %s exception 0x%08x%s%s%s (flags 0x%x) raised at %p (%s): %s; "
               "stopping with exit code %d\n",
               record.ExceptionFlags & kExceptionUnwinding ? "unwinding" : "unhandled",
               record.ExceptionCode, name != nullptr ? " (" : "", name != nullptr ? name : "",
               name != nullptr ? ")" : "", record.ExceptionFlags, record.ExceptionAddress,
               Where(address).c_str(), what, kUnhandledExceptionExitCode);
  const bool access = record.ExceptionCode == kExceptionAccessViolation;
  if ((access || record.ExceptionCode == kExceptionInPageError) && record.NumberParameters >= 2) {
    const ULONG_PTR kind = record.ExceptionInformation[0];
    std::fprintf(stderr, "[ws2emu ntdll]   %s: %s of address 0x%llx\n",
                 access ? "access violation" : "in-page error",
                 kind == 1 ? "write" : kind == 8 ? "execution" : "read",
                 static_cast<unsigned long long>(record.ExceptionInformation[1]));
  }
  if (context != nullptr) {
    std::fprintf(stderr, "[ws2emu ntdll]   backtrace:\n");
    Context cur = *context, next;
    for (int i = 0; i < 64; ++i) {
      const bool pe = InPeModule(cur.Rip);
      // A call to an address outside every image (an unloaded DLL): that frame has only its
      // return address, on top of the stack.
      const bool called_bad = i == 0 && !pe && ExecutionFault(record);
      if (!pe && !called_bad) {
        std::fprintf(stderr, "[ws2emu ntdll]     #%d %p ws2emu code\n", i,
                     reinterpret_cast<void *>(cur.Rip));
        break;
      }
      std::fprintf(stderr, "[ws2emu ntdll]     #%d %p %s\n", i, reinterpret_cast<void *>(cur.Rip),
                   Where(cur.Rip).c_str());
      DWORD64 base = 0, establisher = 0;
      void *data = nullptr;
      next = cur;
      if (RuntimeFunction *fn = pe ? RtlLookupFunctionEntry(cur.Rip, &base, nullptr) : nullptr) {
        RtlVirtualUnwind(kUnwFlagNHandler, base, cur.Rip, fn, &next, &data, &establisher,
                         nullptr);
      } else {
        next.Rip = Load64(cur.Rsp);
        next.Rsp = cur.Rsp + 8;
      }
      if (next.Rip == 0 || next.Rsp <= cur.Rsp) break;
      // The return address is after the call: name the call itself.
      cur = next;
      cur.Rip = next.Rip - 1;
    }
  }
  std::fflush(stderr);
  _exit(kUnhandledExceptionExitCode);
}

// No frame handled the exception: the SetUnhandledExceptionFilter filter decides, as Windows'
// UnhandledExceptionFilter in the thread's outermost frame does. Returns when it continues
// execution; EXCEPTION_EXECUTE_HANDLER ends the process with the exception code as its exit
// status (as the outermost __except block does); otherwise the report.
void Unhandled(ExceptionRecord *record, Context *raised) {
  constexpr LONG kFilterExecuteHandler = 1, kFilterContinueExecution = -1;
  TopLevelFilter filter = CurrentUnhandledExceptionFilter();
  if (filter == nullptr || t_in_filter) {
    Fatal(*record, raised,
          t_in_filter ? "raised inside the unhandled-exception filter"
                      : "no handler in the PE frames");
  }
  ExceptionPointers pointers{record, raised};
  t_in_filter = true;
  LONG verdict = filter(&pointers);
  t_in_filter = false;
  if (verdict == kFilterContinueExecution) {
    if (record->ExceptionFlags & kExceptionNoncontinuable)
      Fatal(*record, raised,
            "the unhandled-exception filter continued a noncontinuable exception");
    return;
  }
  if (verdict == kFilterExecuteHandler) {
    std::fflush(nullptr);
    _exit(static_cast<int>(record->ExceptionCode));
  }
  Fatal(*record, raised, "no handler in the PE frames, and the unhandled-exception filter "
                         "let the search go on");
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
  while (t_faults != nullptr && reinterpret_cast<DWORD64>(t_faults) < context.Rsp)
    t_faults = t_faults->outer;
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

void Search(ExceptionRecord *record, Context *raised);

// An execution fault where PE code called an address outside every image (the fault handler
// checked that the return address is in one): the walk starts in the caller, as from a leaf
// frame, the way Windows treats code without unwind data.
void SkipBadCall(const ExceptionRecord &record, Context *c) {
  if (!InPeModule(c->Rip) && CallAt(*c) == nullptr && ExecutionFault(record)) {
    c->Rip = Load64(c->Rsp);
    c->Rsp += 8;
  }
}

// Phase 1: the search, after the vectored handlers and before the unhandled-exception filter,
// as Windows' RtlDispatchException. Returns when a handler continues execution (the vectored
// continue handlers have run then); otherwise ends the process.
void Dispatch(ExceptionRecord *record, Context *raised) {
  if (CallVectoredExceptionHandlers(record, raised)) {
    if (record->ExceptionFlags & kExceptionNoncontinuable)
      Fatal(*record, raised, "a vectored handler continued a noncontinuable exception");
    CallVectoredContinueHandlers(record, raised);
    return;
  }
  Search(record, raised);
  CallVectoredContinueHandlers(record, raised);
}

// The frames' handlers, then the unhandled-exception filter.
void Search(ExceptionRecord *record, Context *raised) {
  Context cur = *raised, next;
  SkipBadCall(*record, &cur);
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
      if (!Step(kUnwFlagEHandler, cur, &next, &f)) return Unhandled(record, raised);
      dc = {cur.Rip, f.image_base, f.function, f.establisher, 0, &next, f.handler, f.data,
            nullptr, 0, 0};
    }
    if (f.handler != nullptr) {
      dc.ContextRecord = &next;
      HandlerCall call{false, raised, nullptr, &next, &dc, nullptr};
      switch (Invoke(f.handler, record, f.establisher, raised, &dc, &call)) {
        case kExceptionContinueExecution:
          if (record->ExceptionFlags & kExceptionNoncontinuable)
            Fatal(*record, raised, "a handler continued a noncontinuable exception");
          return;
        case kExceptionContinueSearch:
          break;
        case kExceptionNestedException:
          record->ExceptionFlags |= kExceptionNestedCall;
          break;
        default:
          Fatal(*record, raised, "a handler returned an invalid disposition");
      }
    }
    if (next.Rip == 0 || next.Rsp <= cur.Rsp) return Unhandled(record, raised);
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
  const Context *walk_start = start.Rip != 0 ? &start : nullptr;  // for a report's backtrace
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
        SkipBadCall(*record, &cur);
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
        Fatal(*record, walk_start,
              "the unwind left the PE frames without reaching its target frame");
      dc = {cur.Rip, f.image_base, f.function, f.establisher, 0, nullptr, f.handler, f.data,
            nullptr, 0, 0};
    }
    if (target != 0 && f.establisher > target) {
      record->ExceptionFlags = flags;
      Fatal(*record, walk_start, "the unwind passed its target frame");
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
        Fatal(*record, walk_start, "an unwind handler returned an invalid disposition");
    }
    if (f.establisher == target) break;
    if (next.Rip == 0 || next.Rsp <= cur.Rsp) {
      record->ExceptionFlags = flags;
      Fatal(*record, walk_start, "the unwind reached the end of the stack");
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

extern "C" [[noreturn]] __attribute__((visibility("hidden"))) void emu_fault_Dispatch(
    FaultBlock *block) {
  // Fault dispatches abandoned by an unwind past them are no longer running.
  const auto here = reinterpret_cast<uintptr_t>(block);
  while (t_faults != nullptr && reinterpret_cast<uintptr_t>(t_faults) < here)
    t_faults = t_faults->outer;
  int depth = 0;
  for (FaultBlock *b = t_faults; b != nullptr; b = b->outer) ++depth;
  if (depth >= kMaxNestedFaults)
    Fatal(block->record, &block->context, "faults nested too deep while handling faults");
  block->outer = t_faults;
  t_faults = block;
  Dispatch(&block->record, &block->context);
  t_faults = block->outer;
  emu_unwind_RestoreFull(&block->context);  // a handler continued execution
}

extern "C" [[noreturn]] __attribute__((visibility("hidden"))) void emu_unwind_Unwind(
    Context *start, void *target_frame, void *target_ip, ExceptionRecord *record,
    void *return_value, Context *original) {
  UnwindFrom(*start, nullptr, target_frame, target_ip, record, return_value, original);
}

void ReportStackOverflow(const FaultBlock &block) {
  Fatal(block.record, &block.context,
        "the thread's stack is exhausted, so no handler can run on it");
}

void UnwindFromNativeHandler(PVOID TargetFrame, PVOID TargetIp, ExceptionRecord *ExceptionRecord,
                             PVOID ReturnValue) {
  if (t_calls == nullptr) {
    std::fprintf(stderr, "[ws2emu ntdll] RtlUnwindEx from a handler outside exception dispatch\n");
    std::fflush(stderr);
    _exit(kUnhandledExceptionExitCode);
  }
  UnwindFrom(Context{}, t_calls, TargetFrame, TargetIp, ExceptionRecord, ReturnValue, nullptr);
}

}  // namespace ws2emu::emu::win32
