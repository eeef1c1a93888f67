// Vectored exception and continue handlers (AddVectoredExceptionHandler and the rest; kernel32
// forwards them to ntdll's RtlAddVectoredExceptionHandler on Windows). The dispatcher
// (ntdll_dispatch.cc) calls the exception handlers before any frame's handler, and the continue
// handlers when a handler has continued execution.
#include <vector>

#include "absl/base/thread_annotations.h"
#include "base/annotated_mutex.h"
#include "win32/kernel32.h"
#include "win32/ntdll_unwind_internal.h"

namespace ws2emu::emu::win32 {
namespace {

using VectoredHandler = LONG(WINAPI *)(ExceptionPointers *pointers);
constexpr LONG kContinueExecution = -1;  // EXCEPTION_CONTINUE_EXECUTION

// One registration; its address is the handle Add returns.
struct Registration {
  VectoredHandler handler;
};

struct Lists {
  StdMutex mu;
  // [0] the exception handlers, [1] the continue handlers; each in call order.
  std::vector<Registration *> lists[2] ABSL_GUARDED_BY(mu);
};
Lists &Get() {
  static Lists *lists = new Lists();  // never destroyed: exceptions may be raised during exit
  return *lists;
}

PVOID Add(int which, ULONG first, PVOID handler) {
  if (handler == nullptr) return nullptr;  // [inference] nothing to call: no registration
  auto *r = new Registration{reinterpret_cast<VectoredHandler>(handler)};
  Lists &l = Get();
  StdMutexLock lock(&l.mu);
  auto &list = l.lists[which];
  list.insert(first != 0 ? list.begin() : list.end(), r);
  return r;
}

ULONG Remove(int which, PVOID handle) {
  Lists &l = Get();
  StdMutexLock lock(&l.mu);
  auto &list = l.lists[which];
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (*it != handle) continue;
    delete *it;
    list.erase(it);
    return 1;
  }
  return 0;
}

// Calls a snapshot of the list (a handler may add or remove handlers), outside the lock.
bool Call(int which, ExceptionRecord *record, Context *context) {
  std::vector<VectoredHandler> handlers;
  {
    Lists &l = Get();
    StdMutexLock lock(&l.mu);
    for (Registration *r : l.lists[which]) handlers.push_back(r->handler);
  }
  ExceptionPointers pointers{record, context};
  for (VectoredHandler h : handlers)
    if (h(&pointers) == kContinueExecution) return true;
  return false;
}

}  // namespace

PVOID WINAPI AddVectoredExceptionHandler(ULONG First, PVOID Handler) {
  return Add(0, First, Handler);
}
ULONG WINAPI RemoveVectoredExceptionHandler(PVOID Handle) { return Remove(0, Handle); }
PVOID WINAPI AddVectoredContinueHandler(ULONG First, PVOID Handler) {
  return Add(1, First, Handler);
}
ULONG WINAPI RemoveVectoredContinueHandler(PVOID Handle) { return Remove(1, Handle); }

bool CallVectoredExceptionHandlers(ExceptionRecord *record, Context *context) {
  return Call(0, record, context);
}
bool CallVectoredContinueHandlers(ExceptionRecord *record, Context *context) {
  return Call(1, record, context);
}

}  // namespace ws2emu::emu::win32
