/*
 * tests/pe/console_program.c — a Windows console program (mingw-w64, msvcrt's printf) run by
 * `ws2emu-run console_program.exe ARGS`: arguments, printf with narrow and wide strings, 64-bit
 * integers and doubles through the Windows va_list, TlsAlloc slots per thread, a critical
 * section under contention from CreateThread workers, LoadLibrary/GetProcAddress, and the exit
 * code passed on.
 */
#include <stdio.h>
#include <windows.h>

static CRITICAL_SECTION g_cs;
static long long g_counter;
static DWORD g_slot;

static DWORD WINAPI Worker(LPVOID parameter) {
  if (!TlsSetValue(g_slot, parameter)) return 1;
  for (int i = 0; i < 100000; i++) {
    EnterCriticalSection(&g_cs);
    g_counter++;
    LeaveCriticalSection(&g_cs);
  }
  return TlsGetValue(g_slot) == parameter ? 0 : 2;
}

int main(int argc, char **argv) {
  printf("argc=%d argv[1]=%s argv[2]=%s\n", argc, argc > 1 ? argv[1] : "-", argc > 2 ? argv[2] : "-");
  printf("narrow=%s wide=%ls %S int64=%I64d lld=%lld double=%.3f hex=%#llx\n", "abc", L"wide",
         L"upper", -1234567890123LL, 9876543210LL, 2.5, 0xdeadbeefcafeULL);
  fprintf(stderr, "to stderr %d\n", 7);

  g_slot = TlsAlloc();
  if (g_slot == TLS_OUT_OF_INDEXES) return 10;
  InitializeCriticalSection(&g_cs);
  HANDLE threads[4];
  for (int i = 0; i < 4; i++) {
    threads[i] = CreateThread(NULL, 0, Worker, (LPVOID)(ULONG_PTR)(i + 1), 0, NULL);
    if (threads[i] == NULL) return 11;
  }
  if (WaitForMultipleObjects(4, threads, TRUE, 30000) != WAIT_OBJECT_0) return 12;
  for (int i = 0; i < 4; i++) {
    DWORD code = 99;
    if (!GetExitCodeThread(threads[i], &code) || code != 0) return 13;
    CloseHandle(threads[i]);
  }
  DeleteCriticalSection(&g_cs);
  printf("counter=%lld\n", g_counter);

  HMODULE k32 = GetModuleHandleA("kernel32.dll");
  if (k32 == NULL || GetProcAddress(k32, "CreateThread") == NULL) return 14;
  fflush(stdout);
  return argc > 1 ? atoi(argv[1]) : 0;
}
