/* tests/pe/faults_program.c — processor faults in PE code as Windows exceptions: each fault
 * guarded by an __except (faults_seh.h) and checked (code, ExceptionInformation, address);
 * vectored handlers that repair the CONTEXT and continue; the unhandled-exception filter; faults
 * in a DLL (faults_dll.c, loaded from this program's folder). faults_test.sh runs it:
 *   faults_program.exe                 every guarded check (one on another thread); prints
 *                                      "faults ok" and exits 0
 *   faults_program.exe MODE            one way of ending: filter-continue, filter-execute,
 *                                      filter-raise, unhandled, unhandled-dll, unloaded,
 *                                      late-thread, stack-overflow, native-fault (see main) */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "faults_seh.h"

static int g_failed;
#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      printf("faults_program: check failed at line %d: %s\n", __LINE__, #cond); \
      g_failed = 1;                                                         \
    }                                                                       \
  } while (0)

/* What the last filter saw. */
static volatile DWORD g_code, g_params;
static volatile ULONG_PTR g_info0, g_info1;
static void *volatile g_address;
static volatile int g_result;

static void Reset(void) {
  g_code = 0;
  g_params = 0;
  g_info0 = 99;
  g_info1 = 0;
  g_address = NULL;
  g_result = -1;
}

SEH_FILTER(record_filter) {
  (void)frame;
  EXCEPTION_RECORD *r = pointers->ExceptionRecord;
  g_code = r->ExceptionCode;
  g_params = r->NumberParameters;
  g_info0 = r->ExceptionInformation[0];
  g_info1 = r->ExceptionInformation[1];
  g_address = r->ExceptionAddress;
  return EXCEPTION_EXECUTE_HANDLER;
}

__attribute__((noinline)) static int guarded_read(volatile int *p) {
  Reset();
  SEH_TRY(record_filter, 1)
  g_result = *p;
  SEH_EXCEPT(1)
  return g_result;
}

__attribute__((noinline)) static int guarded_write(volatile char *p) {
  Reset();
  SEH_TRY(record_filter, 2)
  *p = 'x';
  g_result = 0;
  SEH_EXCEPT(2)
  return g_result;
}

__attribute__((noinline)) static int guarded_divide(volatile int *a, volatile int *b) {
  Reset();
  SEH_TRY(record_filter, 3)
  g_result = *a / *b;
  SEH_EXCEPT(3)
  return g_result;
}

__attribute__((noinline)) static int guarded_ud2(void) {
  Reset();
  SEH_TRY(record_filter, 6)
  __asm__ __volatile__("ud2");
  g_result = 0;
  SEH_EXCEPT(6)
  return g_result;
}

__attribute__((noinline)) static int guarded_hlt(void) {
  Reset();
  SEH_TRY(record_filter, 7)
  __asm__ __volatile__("hlt");
  g_result = 0;
  SEH_EXCEPT(7)
  return g_result;
}

/* An SSE division by zero with the exception unmasked in MXCSR (and MXCSR put back). */
__attribute__((noinline)) static int guarded_float_divide(volatile double *a, volatile double *b) {
  static volatile unsigned mxcsr_before;
  unsigned mxcsr;
  __asm__ __volatile__("stmxcsr %0" : "=m"(mxcsr));
  mxcsr_before = mxcsr;
  mxcsr &= ~0x200u; /* ZM: divide-by-zero unmasked */
  Reset();
  __asm__ __volatile__("ldmxcsr %0" : : "m"(mxcsr) : "memory");
  SEH_TRY(record_filter, 8)
  g_result = (int)(*a / *b);
  SEH_EXCEPT(8)
  mxcsr = mxcsr_before;
  __asm__ __volatile__("ldmxcsr %0" : : "m"(mxcsr) : "memory");
  return g_result;
}

typedef int (*IntFn)(void);
__attribute__((noinline)) static int guarded_call(IntFn fn) {
  Reset();
  SEH_TRY(record_filter, 4)
  g_result = fn();
  SEH_EXCEPT(4)
  return g_result;
}

typedef int (*ReadFn)(volatile int *);
__attribute__((noinline)) static int guarded_dll_read(ReadFn fn, volatile int *p) {
  Reset();
  SEH_TRY(record_filter, 5)
  g_result = fn(p);
  SEH_EXCEPT(5)
  return g_result;
}

/* Vectored handlers. */
static volatile int g_good = 42;
static volatile LONG g_counting_calls, g_continue_calls, g_breakpoints;

static LONG CALLBACK counting_handler(EXCEPTION_POINTERS *pointers) {
  (void)pointers;
  ++g_counting_calls;
  return EXCEPTION_CONTINUE_SEARCH;
}

/* Repairs a read through Rcx = 0x40 (points Rcx at g_good), skips a read through Rcx = 0x48
 * (the 2-byte mov), steps over an int3. */
static LONG CALLBACK repairing_handler(EXCEPTION_POINTERS *pointers) {
  EXCEPTION_RECORD *r = pointers->ExceptionRecord;
  CONTEXT *c = pointers->ContextRecord;
  if (r->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && r->ExceptionInformation[1] == 0x40 &&
      c->Rcx == 0x40) {
    c->Rcx = (DWORD64)(ULONG_PTR)&g_good;
    return EXCEPTION_CONTINUE_EXECUTION;
  }
  if (r->ExceptionCode == EXCEPTION_ACCESS_VIOLATION && r->ExceptionInformation[1] == 0x48 &&
      c->Rip == (DWORD64)(ULONG_PTR)r->ExceptionAddress) {
    c->Rip += 2;
    return EXCEPTION_CONTINUE_EXECUTION;
  }
  if (r->ExceptionCode == EXCEPTION_BREAKPOINT &&
      *(const unsigned char *)(ULONG_PTR)c->Rip == 0xcc) {
    ++g_breakpoints;
    c->Rip += 1;
    return EXCEPTION_CONTINUE_EXECUTION;
  }
  return EXCEPTION_CONTINUE_SEARCH;
}

static LONG CALLBACK continue_handler(EXCEPTION_POINTERS *pointers) {
  (void)pointers;
  ++g_continue_calls;
  return EXCEPTION_CONTINUE_SEARCH;
}

static int read_through_rcx(ULONG_PTR address) {
  int value;
  __asm__ __volatile__("movl $7, %%eax\n\tmovl (%%rcx), %%eax" : "=a"(value) : "c"(address)
                       : "memory");
  return value;
}

/* A fault on a CreateThread thread, handled there. */
static DWORD WINAPI thread_fault(LPVOID arg) {
  (void)arg;
  return guarded_read((volatile int *)0x50) == -1 && g_code == EXCEPTION_ACCESS_VIOLATION &&
                 g_info1 == 0x50
             ? 0
             : 1;
}

static void CheckGuarded(void) {
  void *counting = AddVectoredExceptionHandler(1, counting_handler);
  CHECK(counting != NULL);

  /* A null read. */
  CHECK(guarded_read(NULL) == -1);
  CHECK(g_code == EXCEPTION_ACCESS_VIOLATION);
  CHECK(g_params == 2);
  CHECK(g_info0 == 0);
  CHECK(g_info1 == 0);
  CHECK(g_address != NULL);
  CHECK(g_counting_calls == 1);  /* the vectored handler saw it first */

  /* A write to a string literal (.rdata is read-only). */
  static const char literal[] = "read-only";
  volatile char *ro = (volatile char *)literal;
  CHECK(guarded_write(ro + 3) == -1);
  CHECK(g_code == EXCEPTION_ACCESS_VIOLATION);
  CHECK(g_info0 == 1);
  CHECK(g_info1 == (ULONG_PTR)(ro + 3));
  CHECK(literal[3] == 'd');

  /* VirtualProtect'd pages: a write to a read-only page, a read of a no-access page, and a call
   * into a page that is not executable. */
  unsigned char *page = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  CHECK(page != NULL);
  if (page != NULL) {
    page[0] = 0xc3; /* ret */
    DWORD old;
    CHECK(VirtualProtect(page, 4096, PAGE_READONLY, &old));
    CHECK(guarded_write((volatile char *)page + 8) == -1);
    CHECK(g_code == EXCEPTION_ACCESS_VIOLATION && g_info0 == 1);
    CHECK(g_info1 == (ULONG_PTR)(page + 8));
    CHECK(VirtualProtect(page, 4096, PAGE_NOACCESS, &old));
    CHECK(guarded_read((volatile int *)(page + 16)) == -1);
    CHECK(g_code == EXCEPTION_ACCESS_VIOLATION && g_info0 == 0);
    CHECK(g_info1 == (ULONG_PTR)(page + 16));
    CHECK(VirtualProtect(page, 4096, PAGE_READWRITE, &old));
    CHECK(guarded_call((IntFn)(void *)page) == -1);
    CHECK(g_code == EXCEPTION_ACCESS_VIOLATION && g_info0 == 8);
    CHECK(g_info1 == (ULONG_PTR)page);
    CHECK(g_address == page);
    VirtualFree(page, 0, MEM_RELEASE);
  }

  /* Integer division: by zero, and INT_MIN / -1. */
  volatile int a = 10, zero = 0, min = INT_MIN, minus1 = -1;
  CHECK(guarded_divide(&a, &zero) == -1);
  CHECK(g_code == EXCEPTION_INT_DIVIDE_BY_ZERO);
  CHECK(g_params == 0);
  CHECK(guarded_divide(&min, &minus1) == -1);
  CHECK(g_code == EXCEPTION_INT_OVERFLOW);
  volatile int seven = 7;
  CHECK(guarded_divide(&a, &seven) == 1); /* and a division that works still does */

  volatile double one = 1.0, zerod = 0.0, two = 2.0;
  CHECK(guarded_float_divide(&one, &zerod) == -1);
  CHECK(g_code == 0xC00002B5); /* STATUS_FLOAT_MULTIPLE_TRAPS */
  CHECK(guarded_float_divide(&two, &one) == 2);

  /* An undefined instruction, and one only the kernel may run. */
  CHECK(guarded_ud2() == -1);
  CHECK(g_code == EXCEPTION_ILLEGAL_INSTRUCTION);
  CHECK(guarded_hlt() == -1);
  CHECK(g_code == EXCEPTION_PRIV_INSTRUCTION);

  /* Vectored handlers that repair the context and continue; the continue handler runs after. */
  void *repairing = AddVectoredExceptionHandler(1, repairing_handler);
  void *continuing = AddVectoredContinueHandler(0, continue_handler);
  CHECK(repairing != NULL && continuing != NULL);
  LONG before = g_continue_calls;
  CHECK(read_through_rcx(0x40) == 42);
  CHECK(g_continue_calls == before + 1);
  CHECK(read_through_rcx(0x48) == 7);
  __debugbreak();
  CHECK(g_breakpoints == 1);
  /* Registers and flags survive a continued fault. */
  int flags_kept = 0;
  __asm__ __volatile__(
      "movq $0x1111, %%r12\n\t"
      "movq $0x40, %%rcx\n\t"
      "cmpq $0x1111, %%r12\n\t"
      "movl (%%rcx), %%eax\n\t"
      "sete %%al\n\t"
      "movzbl %%al, %0\n\t"
      : "=r"(flags_kept)
      :
      : "rax", "rcx", "r12", "cc", "memory");
  CHECK(flags_kept == 1);

  CHECK(RemoveVectoredExceptionHandler(repairing) != 0);
  CHECK(RemoveVectoredExceptionHandler(repairing) == 0);
  CHECK(RemoveVectoredContinueHandler(continuing) != 0);
  CHECK(RemoveVectoredExceptionHandler(counting) != 0);
  LONG counted = g_counting_calls;
  CHECK(guarded_read(NULL) == -1 && g_code == EXCEPTION_ACCESS_VIOLATION);
  CHECK(g_counting_calls == counted); /* removed: not called */

  HANDLE thread = CreateThread(NULL, 0, thread_fault, NULL, 0, NULL);
  CHECK(thread != NULL);
  if (thread != NULL) {
    DWORD status = 99;
    CHECK(WaitForSingleObject(thread, 10000) == WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(thread, &status) && status == 0);
    CloseHandle(thread);
  }

  /* A DLL: a fault it guards itself, and one its caller's __except catches. */
  HMODULE dll = LoadLibraryA("faults_dll.dll");
  CHECK(dll != NULL);
  if (dll != NULL) {
    int (*guarded)(volatile int *, DWORD *) =
        (int (*)(volatile int *, DWORD *))(void *)GetProcAddress(dll, "faults_guarded_read");
    ReadFn unguarded = (ReadFn)(void *)GetProcAddress(dll, "faults_read");
    CHECK(guarded != NULL && unguarded != NULL);
    if (guarded != NULL && unguarded != NULL) {
      DWORD code = 0;
      CHECK(guarded((volatile int *)0x30, &code) == -1);
      CHECK(code == EXCEPTION_ACCESS_VIOLATION);
      CHECK(guarded(&g_good, &code) == 42);
      CHECK(guarded_dll_read(unguarded, (volatile int *)0x38) == -1);
      CHECK(g_code == EXCEPTION_ACCESS_VIOLATION && g_info1 == 0x38);
      CHECK((unsigned char *)g_address > (unsigned char *)dll &&
            (unsigned char *)g_address < (unsigned char *)dll + 0x100000);
    }
    int (*guarded_write)(volatile int *, int, DWORD *, ULONG_PTR *) =
        (int (*)(volatile int *, int, DWORD *, ULONG_PTR *))(void *)GetProcAddress(
            dll, "faults_guarded_write");
    int (*guarded_divide)(int, DWORD *) =
        (int (*)(int, DWORD *))(void *)GetProcAddress(dll, "faults_guarded_divide");
    CHECK(guarded_write != NULL && guarded_divide != NULL);
    if (guarded_write != NULL && guarded_divide != NULL) {
      /* A write to read-only memory (this program's own .rdata) inside the DLL. */
      static const int kReadOnly = 7;
      DWORD code = 0;
      ULONG_PTR info[2] = {9, 9};
      CHECK(guarded_write((volatile int *)&kReadOnly, 8, &code, info) == -1);
      CHECK(code == EXCEPTION_ACCESS_VIOLATION && info[0] == 1 &&
            info[1] == (ULONG_PTR)&kReadOnly && kReadOnly == 7);
      volatile int writable = 0;
      CHECK(guarded_write(&writable, 8, &code, info) == 0 && writable == 8);
      CHECK(guarded_divide(0, &code) == -1 && code == EXCEPTION_INT_DIVIDE_BY_ZERO);
      CHECK(guarded_divide(4, &code) == 25);
    }
    CHECK(FreeLibrary(dll));
  }
}

static LONG WINAPI continuing_filter(EXCEPTION_POINTERS *pointers) {
  if (pointers->ExceptionRecord->ExceptionCode != EXCEPTION_ACCESS_VIOLATION ||
      pointers->ContextRecord->Rcx != 0x40)
    return EXCEPTION_CONTINUE_SEARCH;
  pointers->ContextRecord->Rcx = (DWORD64)(ULONG_PTR)&g_good;
  return EXCEPTION_CONTINUE_EXECUTION;
}

static LONG WINAPI executing_filter(EXCEPTION_POINTERS *pointers) {
  printf("filter called with %lx\n", (unsigned long)pointers->ExceptionRecord->ExceptionCode);
  fflush(stdout);
  return EXCEPTION_EXECUTE_HANDLER;
}

__attribute__((noinline)) static int inner_fault(volatile int *p) { return *p + 1; }
__attribute__((noinline)) static int outer_fault(volatile int *p) { return inner_fault(p) * 3; }

/* Recursion until the stack runs out (the limit is never reached). */
static volatile int g_depth_limit = INT_MAX;
__attribute__((noinline)) static int recurse(int depth) {
  volatile char frame[512];
  frame[0] = (char)depth;
  if (depth == g_depth_limit) return 0;
  return recurse(depth + 1) + frame[0];
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "filter-continue") == 0) {
    SetUnhandledExceptionFilter(continuing_filter);
    printf("filter continued %d\n", read_through_rcx(0x40));
    return 0;
  }
  if (strcmp(mode, "filter-execute") == 0) {
    SetUnhandledExceptionFilter(executing_filter);
    outer_fault((volatile int *)0x10);
    printf("not reached\n");
    return 0;
  }
  if (strcmp(mode, "filter-raise") == 0) {
    SetUnhandledExceptionFilter(executing_filter);
    RaiseException(0xE000002A, 0, 0, NULL);
    printf("not reached\n");
    return 0;
  }
  if (strcmp(mode, "unhandled") == 0) {
    printf("%d\n", outer_fault((volatile int *)0x10));
    return 0;
  }
  if (strcmp(mode, "unhandled-dll") == 0 || strcmp(mode, "unloaded") == 0) {
    HMODULE dll = LoadLibraryA("faults_dll.dll");
    ReadFn read = dll != NULL ? (ReadFn)(void *)GetProcAddress(dll, "faults_read") : NULL;
    if (read == NULL) return 3;
    if (strcmp(mode, "unloaded") == 0) FreeLibrary(dll);
    printf("%d\n", read(strcmp(mode, "unloaded") == 0 ? &g_good : (volatile int *)0x20));
    return 0;
  }
  if (strcmp(mode, "late-thread") == 0) {
    /* The DLL's thread wakes up after the DLL is gone: its return from Sleep lands in unmapped
     * code on a thread no PE frame started, and the report names the former DLL. */
    typedef HANDLE (*StartFn)(DWORD);
    HMODULE dll = LoadLibraryA("faults_dll.dll");
    StartFn start = dll != NULL ? (StartFn)(void *)GetProcAddress(dll, "faults_start_late_thread")
                                : NULL;
    HANDLE thread = start != NULL ? start(300) : NULL;
    if (thread == NULL) return 3;
    FreeLibrary(dll);
    WaitForSingleObject(thread, 10000);
    printf("not reached\n");
    return 0;
  }
  if (strcmp(mode, "stack-overflow") == 0) {
    printf("%d\n", recurse(0));
    return 0;
  }
  if (strcmp(mode, "native-fault") == 0) {
    /* A bad pointer handed to ws2emu's own code: a crash there, not an exception here. */
    volatile ULONG_PTR bad = 0x10;
    printf("%d\n", (int)strlen((const char *)bad));
    return 0;
  }
  CheckGuarded();
  if (g_failed) return 1;
  printf("faults ok\n");
  return 0;
}
