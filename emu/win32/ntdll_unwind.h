// emu/win32/ntdll_unwind.h — structured exception dispatch and unwinding for PE code, as
// Windows x64 does it: the unwind data is each loaded image's exception directory (.pdata
// RUNTIME_FUNCTIONs and their UNWIND_INFO), RaiseException searches the frames for a language
// handler (phase 1) and RtlUnwindEx unwinds to the frame that handles it (phase 2), calling the
// unwind handlers on the way, then installs the target context. This is what mingw-w64's C++
// exceptions (libgcc's unwind-seh.c) and MSVC's __try/__except (__C_specific_handler) run on.
//
//   Context context;
//   RtlCaptureContext(&context);
//   DWORD64 base;
//   if (RuntimeFunction *fn = RtlLookupFunctionEntry(context.Rip, &base, nullptr))
//     RtlVirtualUnwind(kUnwFlagNHandler, base, context.Rip, fn, &context, &data, &frame, nullptr);
//
// Only PE frames are walked. ws2emu's own frames have no unwind data: a walk that leaves the PE
// frames ends there, except where the dispatcher itself called a handler (it marks those calls,
// so a handler that raises or unwinds collides with the running dispatch the way it does on
// Windows). The dispatch runs as Windows' RtlDispatchException: the vectored exception handlers
// (AddVectoredExceptionHandler) first, then the frames' handlers, then the filter installed with
// SetUnhandledExceptionFilter (EXCEPTION_EXECUTE_HANDLER ends the process with the exception code
// as its status, EXCEPTION_CONTINUE_EXECUTION resumes), and after any handler that continues
// execution, the vectored continue handlers. An exception nobody handles is reported (code and
// name, module+offset or "formerly x.dll+0x..." for an unloaded module, an access violation's
// access and address, the PE frames' backtrace) and ends the process with
// kUnhandledExceptionExitCode. Processor faults in PE code take the same path (ntdll_faults.h).
#ifndef WS2EMU_EMU_WIN32_NTDLL_UNWIND_H_
#define WS2EMU_EMU_WIN32_NTDLL_UNWIND_H_

#include <cstddef>

#include "ws2emu/win_base.h"

namespace ws2emu::emu::win32 {

inline constexpr int kUnhandledExceptionExitCode = 87;  // no PE frame handled an exception

inline constexpr DWORD kExceptionNoncontinuable = 0x01;
inline constexpr DWORD kExceptionUnwinding = 0x02;
inline constexpr DWORD kExceptionExitUnwind = 0x04;
inline constexpr DWORD kExceptionNestedCall = 0x10;
inline constexpr DWORD kExceptionTargetUnwind = 0x20;
inline constexpr DWORD kExceptionCollidedUnwind = 0x40;

inline constexpr DWORD kUnwFlagNHandler = 0;
inline constexpr DWORD kUnwFlagEHandler = 1;
inline constexpr DWORD kUnwFlagUHandler = 2;
inline constexpr DWORD kUnwFlagChainInfo = 4;

// EXCEPTION_DISPOSITION
inline constexpr int kExceptionContinueExecution = 0;
inline constexpr int kExceptionContinueSearch = 1;
inline constexpr int kExceptionNestedException = 2;
inline constexpr int kDispositionCollidedUnwind = 3;

inline constexpr DWORD kStatusUnwind = 0xC0000027;

// The codes of the exceptions processor faults raise (ntdll_faults.h), and the others the
// unhandled-exception report names.
inline constexpr DWORD kExceptionAccessViolation = 0xC0000005;
inline constexpr DWORD kExceptionInPageError = 0xC0000006;
inline constexpr DWORD kExceptionIllegalInstruction = 0xC000001D;
inline constexpr DWORD kExceptionPrivInstruction = 0xC0000096;
inline constexpr DWORD kExceptionIntDivideByZero = 0xC0000094;
inline constexpr DWORD kExceptionIntOverflow = 0xC0000095;
inline constexpr DWORD kExceptionArrayBoundsExceeded = 0xC000008C;
inline constexpr DWORD kExceptionFltDenormalOperand = 0xC000008D;
inline constexpr DWORD kExceptionFltDivideByZero = 0xC000008E;
inline constexpr DWORD kExceptionFltInexactResult = 0xC000008F;
inline constexpr DWORD kExceptionFltInvalidOperation = 0xC0000090;
inline constexpr DWORD kExceptionFltOverflow = 0xC0000091;
inline constexpr DWORD kExceptionFltStackCheck = 0xC0000092;
inline constexpr DWORD kExceptionFltUnderflow = 0xC0000093;
inline constexpr DWORD kExceptionFloatMultipleTraps = 0xC00002B5;  // STATUS_FLOAT_MULTIPLE_TRAPS
inline constexpr DWORD kExceptionStackOverflow = 0xC00000FD;
inline constexpr DWORD kExceptionNoncontinuableException = 0xC0000025;
inline constexpr DWORD kExceptionInvalidDisposition = 0xC0000026;
inline constexpr DWORD kExceptionDatatypeMisalignment = 0x80000002;
inline constexpr DWORD kExceptionBreakpoint = 0x80000003;
inline constexpr DWORD kExceptionSingleStep = 0x80000004;

struct M128A {
  ULONGLONG Low;
  LONGLONG High;
};

struct XmmSaveArea32 {  // XMM_SAVE_AREA32 (the FXSAVE layout): 512 bytes
  WORD ControlWord, StatusWord;
  BYTE TagWord, Reserved1;
  WORD ErrorOpcode;
  DWORD ErrorOffset;
  WORD ErrorSelector, Reserved2;
  DWORD DataOffset;
  WORD DataSelector, Reserved3;
  DWORD MxCsr, MxCsr_Mask;
  M128A FloatRegisters[8];
  M128A XmmRegisters[16];
  BYTE Reserved4[96];
};
static_assert(sizeof(XmmSaveArea32) == 512);

// CONTEXT on x64: 1232 bytes, 16-byte aligned.
struct alignas(16) Context {
  DWORD64 P1Home, P2Home, P3Home, P4Home, P5Home, P6Home;
  DWORD ContextFlags;
  DWORD MxCsr;
  WORD SegCs, SegDs, SegEs, SegFs, SegGs, SegSs;
  DWORD EFlags;
  DWORD64 Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;
  DWORD64 Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi;
  DWORD64 R8, R9, R10, R11, R12, R13, R14, R15;
  DWORD64 Rip;
  XmmSaveArea32 FltSave;
  M128A VectorRegister[26];
  DWORD64 VectorControl;
  DWORD64 DebugControl, LastBranchToRip, LastBranchFromRip, LastExceptionToRip,
      LastExceptionFromRip;
};
static_assert(sizeof(Context) == 1232);
static_assert(offsetof(Context, Rax) == 0x78 && offsetof(Context, Rip) == 0xf8);
static_assert(offsetof(Context, FltSave) == 0x100);
static_assert(offsetof(Context, FltSave.XmmRegisters) == 0x1a0);

struct ExceptionRecord {  // EXCEPTION_RECORD: 152 bytes
  DWORD ExceptionCode;
  DWORD ExceptionFlags;
  ExceptionRecord *NestedRecord;  // ExceptionRecord in Windows (a member cannot share the name)
  PVOID ExceptionAddress;
  DWORD NumberParameters;
  ULONG_PTR ExceptionInformation[15];
};
static_assert(sizeof(ExceptionRecord) == 152);

struct ExceptionPointers {  // EXCEPTION_POINTERS
  win32::ExceptionRecord *ExceptionRecord;
  win32::Context *ContextRecord;
};

struct RuntimeFunction {  // RUNTIME_FUNCTION: one .pdata entry
  DWORD BeginAddress, EndAddress, UnwindData;
};
static_assert(sizeof(RuntimeFunction) == 12);

struct DispatcherContext;
using ExceptionRoutine = int(WINAPI *)(ExceptionRecord *record, PVOID establisher_frame,
                                       Context *context, DispatcherContext *dispatch);

struct DispatcherContext {  // DISPATCHER_CONTEXT: 80 bytes
  DWORD64 ControlPc;
  DWORD64 ImageBase;
  RuntimeFunction *FunctionEntry;
  DWORD64 EstablisherFrame;
  DWORD64 TargetIp;
  Context *ContextRecord;
  ExceptionRoutine LanguageHandler;
  PVOID HandlerData;
  PVOID HistoryTable;
  DWORD ScopeIndex;
  DWORD Fill0;
};
static_assert(sizeof(DispatcherContext) == 80);

struct KNonvolatileContextPointers {  // KNONVOLATILE_CONTEXT_POINTERS: where each was saved
  M128A *FloatingContext[16];
  DWORD64 *IntegerContext[16];
};

// RtlCaptureContext: the caller's registers, with Rip and Rsp as they are after the return.
extern "C" void WINAPI emu_unwind_RtlCaptureContext(Context *ContextRecord);
// RaiseException: dispatches from the caller's frame; returns only when a handler continues
// execution of a continuable exception.
extern "C" void WINAPI emu_unwind_RaiseException(DWORD dwExceptionCode, DWORD dwExceptionFlags,
                                                 DWORD nNumberOfArguments,
                                                 const ULONG_PTR *lpArguments);
// RtlUnwindEx: unwinds from the caller's frame to TargetFrame, then continues at TargetIp with
// Rax = ReturnValue. Never returns.
extern "C" void WINAPI emu_unwind_RtlUnwindEx(PVOID TargetFrame, PVOID TargetIp,
                                              ExceptionRecord *ExceptionRecord,
                                              PVOID ReturnValue, Context *ContextRecord,
                                              PVOID HistoryTable);

RuntimeFunction *WINAPI RtlLookupFunctionEntry(DWORD64 ControlPc, DWORD64 *ImageBase,
                                               PVOID HistoryTable);
ExceptionRoutine WINAPI RtlVirtualUnwind(DWORD HandlerType, DWORD64 ImageBase,
                                         DWORD64 ControlPc, RuntimeFunction *FunctionEntry,
                                         Context *ContextRecord, PVOID *HandlerData,
                                         DWORD64 *EstablisherFrame,
                                         KNonvolatileContextPointers *ContextPointers);

// RtlUnwindEx for a language handler written in C++ here (__C_specific_handler): the walk
// starts at the dispatcher's call of the handler that is running on this thread.
[[noreturn]] void UnwindFromNativeHandler(PVOID TargetFrame, PVOID TargetIp,
                                          ExceptionRecord *ExceptionRecord, PVOID ReturnValue);

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_NTDLL_UNWIND_H_
