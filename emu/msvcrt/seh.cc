// __C_specific_handler: the language handler MSVC emits for functions with __try blocks. Its
// handler data is a scope table: for each __try range, the filter (or 1 for
// EXCEPTION_EXECUTE_HANDLER) and the __except block to continue at, or, when that target is 0,
// a __finally block to run when an unwind leaves the range.
#include "msvcrt/msvcrt.h"
#include "win32/ntdll_unwind.h"

namespace ws2emu::emu::msvcrt {
namespace {

struct ScopeEntry {
  ULONG BeginAddress, EndAddress, HandlerAddress, JumpTarget;
};
struct ScopeTable {
  ULONG Count;
  ScopeEntry ScopeRecord[1];
};

constexpr LONG kExecuteHandler = 1;
constexpr LONG kContinueExecution = -1;

using ExceptionFilter = LONG(WINAPI *)(win32::ExceptionPointers *pointers, PVOID frame);
using TerminationHandler = void(WINAPI *)(BOOL abnormal, PVOID frame);

}  // namespace

int WINAPI __C_specific_handler(void *record_arg, void *frame, void *context_arg,
                                void *dispatch_arg) {
  using namespace win32;  // NOLINT
  auto *record = static_cast<ExceptionRecord *>(record_arg);
  auto *context = static_cast<Context *>(context_arg);
  auto *dispatch = static_cast<DispatcherContext *>(dispatch_arg);
  auto *table = static_cast<const ScopeTable *>(dispatch->HandlerData);
  const DWORD64 pc = dispatch->ControlPc - dispatch->ImageBase;
  auto in = [](const ScopeEntry &r, DWORD64 rva) {
    return rva >= r.BeginAddress && rva < r.EndAddress;
  };

  if (record->ExceptionFlags & (kExceptionUnwinding | kExceptionExitUnwind)) {
    const DWORD64 target = dispatch->TargetIp - dispatch->ImageBase;
    for (ULONG i = dispatch->ScopeIndex; i < table->Count; ++i) {
      const ScopeEntry &r = table->ScopeRecord[i];
      if (!in(r, pc)) continue;
      if (r.JumpTarget != 0) {
        // The __except block the unwind is headed for: its own __finally ranges stay.
        if ((record->ExceptionFlags & kExceptionTargetUnwind) && r.JumpTarget == target) break;
        continue;
      }
      if ((record->ExceptionFlags & kExceptionTargetUnwind) && in(r, target)) break;
      dispatch->ScopeIndex = i + 1;  // a __finally that unwinds again does not run twice
      reinterpret_cast<TerminationHandler>(dispatch->ImageBase + r.HandlerAddress)(TRUE, frame);
    }
    return kExceptionContinueSearch;
  }

  for (ULONG i = dispatch->ScopeIndex; i < table->Count; ++i) {
    const ScopeEntry &r = table->ScopeRecord[i];
    if (!in(r, pc) || r.JumpTarget == 0) continue;
    LONG verdict = kExecuteHandler;
    if (r.HandlerAddress != static_cast<ULONG>(kExecuteHandler)) {
      ExceptionPointers pointers{record, context};
      verdict = reinterpret_cast<ExceptionFilter>(dispatch->ImageBase + r.HandlerAddress)(
          &pointers, frame);
    }
    if (verdict < 0) {
      return verdict == kContinueExecution ? kExceptionContinueExecution
                                           : kExceptionContinueSearch;
    }
    if (verdict > 0) {
      // The __except block runs with the exception code in eax (GetExceptionCode()).
      UnwindFromNativeHandler(frame, reinterpret_cast<void *>(dispatch->ImageBase + r.JumpTarget),
                              record,
                              reinterpret_cast<void *>(static_cast<ULONG_PTR>(record->ExceptionCode)));
    }
  }
  return kExceptionContinueSearch;
}

}  // namespace ws2emu::emu::msvcrt
