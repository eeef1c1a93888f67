/*
 * tests/pe/console_program.c — a Windows console program (mingw-w64, msvcrt's printf) run by
 * `ws2emu-run console_program.exe ARGS`: arguments, printf with narrow and wide strings, 64-bit
 * integers and doubles through the Windows va_list, TlsAlloc slots per thread, a critical
 * section under contention from CreateThread workers, LoadLibrary/GetProcAddress, and the exit
 * code passed on.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

static CRITICAL_SECTION g_cs;
static long long g_counter;
static DWORD g_slot;

static int g_wndproc_calls;
static LRESULT CALLBACK AnsiWndProc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp) {
  if (msg == WM_APP + 7 && wp == 11 && lp == 22) g_wndproc_calls++;
  return DefWindowProcA(hwnd, msg, wp, lp);
}

/* A TLS callback in the EXE (mingw's CRT builds the TLS directory from the .CRT$XL? sections):
 * the loader calls it for the process and for each CreateThread thread. */
static volatile LONG g_tls_process_attach, g_tls_thread_attach, g_tls_thread_detach;
static void NTAPI TlsCallback(PVOID module, DWORD reason, PVOID reserved) {
  (void)module, (void)reserved;
  if (reason == DLL_PROCESS_ATTACH) InterlockedIncrement(&g_tls_process_attach);
  if (reason == DLL_THREAD_ATTACH) InterlockedIncrement(&g_tls_thread_attach);
  if (reason == DLL_THREAD_DETACH) InterlockedIncrement(&g_tls_thread_detach);
}
__attribute__((section(".CRT$XLB"), used)) PIMAGE_TLS_CALLBACK g_tls_callback = TlsCallback;

/* Thread-local data: each thread has its own copy, starting from the initial value. (mingw's
 * gcc has no __declspec(thread) and implements __thread through TlsAlloc (emutls); native
 * implicit TLS, the .tls section, is covered by tests/pe/loader_dll.c.) */
static __thread int t_value = 7;

static int g_apcs;
static void CALLBACK CountApc(ULONG_PTR data) { g_apcs += (int)data; }

/* Queues an APC to the thread whose real handle it is given. */
static DWORD WINAPI ApcSender(LPVOID target) {
  return QueueUserAPC(CountApc, (HANDLE)target, 5) ? 0 : 1;
}

static DWORD WINAPI Worker(LPVOID parameter) {
  if (!TlsSetValue(g_slot, parameter)) return 1;
  if (t_value != 7) return 3;
  t_value = 100 + (int)(ULONG_PTR)parameter;
  for (int i = 0; i < 100000; i++) {
    EnterCriticalSection(&g_cs);
    g_counter++;
    LeaveCriticalSection(&g_cs);
  }
  if (t_value != 100 + (int)(ULONG_PTR)parameter) return 4;
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
  if (t_value != 7) return 15; /* the workers changed only their own copies */
  if (g_tls_process_attach != 1 || g_tls_thread_attach != 4 || g_tls_thread_detach != 4) {
    printf("tls callbacks: process %ld, thread attach %ld, detach %ld\n", g_tls_process_attach,
           g_tls_thread_attach, g_tls_thread_detach);
    return 16;
  }
  printf("tls ok\n");

  /* Interlocked singly linked lists. */
  static SLIST_HEADER list;
  static struct {
    SLIST_ENTRY entry;
    int value;
  } DECLSPEC_ALIGN(16) items[3];
  InitializeSListHead(&list);
  for (int i = 0; i < 3; i++) {
    items[i].value = i;
    InterlockedPushEntrySList(&list, &items[i].entry);
  }
  if (QueryDepthSList(&list) != 3) return 17;
  PSLIST_ENTRY top = InterlockedPopEntrySList(&list);
  if (top != &items[2].entry || QueryDepthSList(&list) != 2) return 18;
  PSLIST_ENTRY rest = InterlockedFlushSList(&list);
  if (rest != &items[1].entry || rest->Next != &items[0].entry || QueryDepthSList(&list) != 0 ||
      InterlockedPopEntrySList(&list) != NULL)
    return 19;
  printf("slist ok\n");

  /* Heaps and virtual memory. */
  HANDLE heap = GetProcessHeap();
  unsigned char *block = HeapAlloc(heap, HEAP_ZERO_MEMORY, 100);
  if (block == NULL || block[99] != 0 || HeapSize(heap, 0, block) != 100) return 20;
  memset(block, 7, 100);
  block = HeapReAlloc(heap, HEAP_ZERO_MEMORY, block, 5000);
  if (block == NULL || block[99] != 7 || block[4999] != 0 || HeapSize(heap, 0, block) != 5000)
    return 21;
  if (HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, block, 10000) != NULL) return 22;
  if (HeapFree(heap, 0, block + 1) || GetLastError() != ERROR_INVALID_PARAMETER) return 23;
  if (!HeapFree(heap, 0, block)) return 24;
  HANDLE private_heap = HeapCreate(0, 0, 4096);
  if (private_heap == NULL || HeapAlloc(private_heap, 0, 1000) == NULL) return 25;
  if (HeapAlloc(private_heap, 0, 8000) != NULL) return 26; /* beyond its maximum */
  if (!HeapDestroy(private_heap) || HeapDestroy(heap)) return 27;
  char *region = VirtualAlloc(NULL, 1 << 20, MEM_RESERVE, PAGE_NOACCESS);
  if (region == NULL || ((ULONG_PTR)region & 0xffff) != 0) return 28;
  if (VirtualAlloc(region + 8192, 4096, MEM_COMMIT, PAGE_READWRITE) != region + 8192) return 29;
  region[8192] = 42;
  MEMORY_BASIC_INFORMATION mbi;
  if (VirtualQuery(region + 8192, &mbi, sizeof(mbi)) != sizeof(mbi) ||
      mbi.Protect != PAGE_READWRITE)
    return 30;
  if (!VirtualFree(region, 0, MEM_RELEASE) || VirtualFree(region, 0, MEM_RELEASE)) return 31;
  printf("heap ok\n");

  /* Code pages (UTF-8 here), lstr*, the environment, version and system information. */
  WCHAR wide[32];
  int n = MultiByteToWideChar(CP_ACP, 0, "h\xc3\xa9llo", -1, wide, 32);
  if (n != 6 || wide[1] != 0xe9 || lstrlenW(wide) != 5) return 40;
  char back[32];
  if (WideCharToMultiByte(CP_UTF8, 0, wide, -1, back, 32, NULL, NULL) != 7 ||
      strcmp(back, "h\xc3\xa9llo") != 0)
    return 41;
  if (MultiByteToWideChar(CP_UTF8, 0, "abc", -1, wide, 2) != 0 ||
      GetLastError() != ERROR_INSUFFICIENT_BUFFER)
    return 42;
  char value[64];
  if (GetEnvironmentVariableA("WS2EMU_TEST_VAR", value, sizeof(value)) != 5 ||
      strcmp(value, "value") != 0)
    return 43;
  if (GetEnvironmentVariableA("WS2EMU_NO_SUCH_VAR", value, sizeof(value)) != 0 ||
      GetLastError() != ERROR_ENVVAR_NOT_FOUND)
    return 44;
  char expanded[128];
  DWORD need = ExpandEnvironmentStringsA("%WS2EMU_TEST_VAR%\\x %WS2EMU_NO_SUCH_VAR%", expanded,
                                         sizeof(expanded));
  if (need != strlen(expanded) + 1 || strcmp(expanded, "value\\x %WS2EMU_NO_SUCH_VAR%") != 0)
    return 45;
  OSVERSIONINFOW version;
  version.dwOSVersionInfoSize = sizeof(version);
  if (!GetVersionExW(&version) || version.dwMajorVersion != 10) return 46;
  SYSTEM_INFO system;
  GetSystemInfo(&system);
  if (system.dwPageSize != 4096 || system.dwAllocationGranularity != 65536 ||
      system.dwNumberOfProcessors == 0)
    return 47;
  if (lstrcmpiA("ABC", "abc") != 0 || lstrcmpA("a", "b") != -1) return 48;
  printf("strings ok\n");

  /* user32's A forms: a class and a message-only window named with 8-bit strings. */
  WNDCLASSEXA wc;
  memset(&wc, 0, sizeof(wc));
  wc.cbSize = sizeof(wc);
  wc.lpfnWndProc = AnsiWndProc;
  wc.lpszClassName = "ansi class";
  if (RegisterClassExA(&wc) == 0) return 60;
  HWND hwnd = CreateWindowExA(0, "ANSI CLASS", "title", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL,
                              NULL);
  if (hwnd == NULL || !PostMessageA(hwnd, WM_APP + 7, 11, 22)) return 61;
  MSG msg;
  if (GetMessageA(&msg, NULL, 0, 0) != 1) return 62;
  DispatchMessageA(&msg);
  if (g_wndproc_calls != 1 || !DestroyWindow(hwnd) || !UnregisterClassA("ansi class", NULL))
    return 63;
  printf("user32 ok\n");

  /* The pseudo-handles, and DuplicateHandle making a real handle of this thread's. */
  DWORD still = 0;
  if (GetCurrentThread() != (HANDLE)-2 || GetCurrentProcess() != (HANDLE)-1) return 70;
  if (!GetExitCodeThread(GetCurrentThread(), &still) || still != STILL_ACTIVE) return 71;
  if (!QueueUserAPC(CountApc, GetCurrentThread(), 1) || SleepEx(0, TRUE) != WAIT_IO_COMPLETION ||
      g_apcs != 1)
    return 72;
  HANDLE me = NULL;
  if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &me, 0,
                       FALSE, DUPLICATE_SAME_ACCESS) ||
      me == GetCurrentThread() || GetThreadId(me) != GetCurrentThreadId())
    return 73;
  HANDLE sender = CreateThread(NULL, 0, ApcSender, me, 0, NULL);
  DWORD sent = 1;
  if (sender == NULL || WaitForSingleObject(sender, 30000) != WAIT_OBJECT_0 ||
      !GetExitCodeThread(sender, &sent) || sent != 0)
    return 74;
  if (SleepEx(0, TRUE) != WAIT_IO_COMPLETION || g_apcs != 6) return 75;
  if (!CloseHandle(me) || !CloseHandle(sender) || !CloseHandle(GetCurrentThread())) return 76;
  printf("handles ok\n");

  /* Windows paths: the system folders, %SystemRoot%, and LoadLibrary through the drive map. */
  WCHAR sysdir[MAX_PATH];
  UINT len = GetSystemDirectoryW(sysdir, MAX_PATH);
  if (len != 19 || lstrcmpiW(sysdir, L"C:\\Windows\\system32") != 0) return 80;
  if (GetSystemDirectoryW(sysdir, 5) != 20) return 81; /* too small: the size needed */
  char windir[MAX_PATH];
  if (GetWindowsDirectoryA(windir, MAX_PATH) != 10 || strcmp(windir, "C:\\Windows") != 0)
    return 82;
  WCHAR expanded_w[MAX_PATH];
  if (ExpandEnvironmentStringsW(L"%SystemRoot%\\system32\\x.dll", expanded_w, MAX_PATH) != 26 ||
      lstrcmpW(expanded_w, L"C:\\Windows\\system32\\x.dll") != 0)
    return 83;
  if (LoadLibraryW(L"C:\\Windows\\System32\\KERNEL32.DLL") != GetModuleHandleA("kernel32.dll"))
    return 84;
  /* A built-in DLL is loadable by its Windows path in any spelling that names the system
     folder. LoadLibrary expands no %VARIABLES% (as on Windows, where the name is then a relative
     path that names no file: ERROR_MOD_NOT_FOUND); the expanded path loads the built-in. */
  HMODULE ws2 = GetModuleHandleA("ws2_32.dll");
  if (ws2 == NULL || LoadLibraryW(L"C:\\Windows\\system32\\ws2_32.dll") != ws2 ||
      LoadLibraryW(L"c:\\WINDOWS\\System32\\WS2_32.DLL") != ws2 ||
      LoadLibraryA("\\Windows\\system32\\ws2_32") != ws2 ||
      LoadLibraryA("C:/Windows/Temp/../System32/ws2_32.dll") != ws2)
    return 90;
  SetLastError(0);
  if (LoadLibraryW(L"%SystemRoot%\\system32\\ws2_32.dll") != NULL ||
      GetLastError() != ERROR_MOD_NOT_FOUND)
    return 91;
  WCHAR ws2_path[MAX_PATH];
  if (ExpandEnvironmentStringsW(L"%SystemRoot%\\system32\\WS2_32.DLL", ws2_path, MAX_PATH) == 0 ||
      LoadLibraryW(ws2_path) != ws2 || !FreeLibrary(ws2) || GetModuleHandleW(L"WS2_32") != ws2)
    return 92;
  /* Every built-in DLL answers GetProcAddress, not only the first ones. */
  if (GetProcAddress(LoadLibraryA("rpcrt4"), "UuidCreate") == NULL ||
      GetProcAddress(LoadLibraryA("OLE32.DLL"), "CoCreateGuid") == NULL)
    return 88;
  if (GetEnvironmentVariableA("WS2EMU_TEST_DRIVE", value, sizeof(value)) != 0) {
    /* The test put sample_dll.dll in the drive's Windows\System32. */
    HMODULE sample = LoadLibraryW(L"%SystemRoot%\\system32\\sample_dll.dll");
    if (sample != NULL) return 85; /* LoadLibrary does not expand variables */
    WCHAR path[MAX_PATH];
    ExpandEnvironmentStringsW(L"%SystemRoot%\\SYSTEM32\\SAMPLE_DLL.DLL", path, MAX_PATH);
    sample = LoadLibraryW(path);
    if (sample == NULL || GetProcAddress(sample, "SampleAdd") == NULL) return 86;
    if (LoadLibraryA("Q:\\nowhere\\x.dll") != NULL || GetLastError() != ERROR_PATH_NOT_FOUND)
      return 87;
    printf("drive map ok\n");
  }
  printf("paths ok\n");

  /* The program's own module. */
  extern IMAGE_DOS_HEADER __ImageBase;
  char self_path[MAX_PATH];
  DWORD self_len = GetModuleFileNameA(NULL, self_path, MAX_PATH);
  if (GetModuleHandleA(NULL) != (HMODULE)&__ImageBase || GetModuleHandleW(NULL) != (HMODULE)&__ImageBase ||
      self_len < 19 || strcmp(self_path + self_len - 19, "console_program.exe") != 0)
    return 89;
  printf("self ok\n");

  HMODULE k32 = GetModuleHandleA("kernel32.dll");
  if (k32 == NULL || GetProcAddress(k32, "CreateThread") == NULL) return 14;
  fflush(stdout);
  return argc > 1 ? atoi(argv[1]) : 0;
}
