// emu/win32/ntdll_faults.h — hardware faults in PE code become Windows exceptions, as the
// Windows kernel turns a processor fault into a call of KiUserExceptionDispatcher.
//
//   win32::InstallFaultHandlers();   // once the first PE image is mapped (the loader calls it)
//
// SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP raised while a thread runs PE code (its
// instruction pointer is inside a mapped PE image, loader/loader.h InPeImage, and the thread has
// a TEB) are dispatched like RaiseException's exceptions (ntdll_unwind.h): vectored handlers,
// the frames' handlers, the SetUnhandledExceptionFilter filter, then the unhandled-exception
// report. EXCEPTION_ACCESS_VIOLATION carries [0] = 0 read / 1 write / 8 execute and [1] = the
// address; SIGBUS is EXCEPTION_IN_PAGE_ERROR; SIGILL EXCEPTION_ILLEGAL_INSTRUCTION (or
// EXCEPTION_PRIV_INSTRUCTION); SIGFPE the integer codes, the x87 floating-point
// codes, or STATUS_FLOAT_MULTIPLE_TRAPS for SSE (as x64 Windows); int3
// EXCEPTION_BREAKPOINT. A fault anywhere else (ws2emu's own code, the C library) is not an
// exception: it prints "[ws2emu] fatal signal SIGSEGV at <address> in ws2emu code (...)" and
// goes on to the handler that was installed before (a sanitizer's) or the default action.
//
// The signal handler only copies the registers into a CONTEXT and an EXCEPTION_RECORD below the
// faulting stack pointer and returns into a trampoline that dispatches on the thread's own stack,
// outside signal context, and finally reloads the CONTEXT (every register, the flags and the
// x87/SSE state). A fault that exhausted the thread's stack is EXCEPTION_STACK_OVERFLOW, reported
// from the alternate signal stack every thread with a TEB has (loader/teb.h) and fatal: unlike
// Windows, which keeps a guard page's worth of stack for the handlers, no handler is called.
#ifndef WS2EMU_EMU_WIN32_NTDLL_FAULTS_H_
#define WS2EMU_EMU_WIN32_NTDLL_FAULTS_H_

namespace ws2emu::emu::win32 {

// Installs the handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP (once per process;
// later calls do nothing), keeping the previous ones to pass other faults on to.
void InstallFaultHandlers();

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_NTDLL_FAULTS_H_
