/* lsp_imports_program.exe DIR: the kernel32 calls real LSPs and their installers import beyond
 * the socket calls — Tool Help snapshots (PaperAirplane looks for processes by name) and
 * FindFirstFile/FindNextFile (SpeedForce's installer lists a folder) — through the import
 * libraries. DIR holds the tree lsp_imports_test.sh made (see there) and is drive C: too.
 * Every check prints what failed; exit 0 when all hold. */
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <tlhelp32.h>

/* The x64 layouts ws2emu's structures have (emu/win32/kernel32_toolhelp.h, _find_files.h). */
_Static_assert(sizeof(PROCESSENTRY32W) == 568, "PROCESSENTRY32W");
_Static_assert(sizeof(PROCESSENTRY32) == 304, "PROCESSENTRY32");
_Static_assert(sizeof(THREADENTRY32) == 28, "THREADENTRY32");
_Static_assert(sizeof(MODULEENTRY32W) == 1080, "MODULEENTRY32W");
_Static_assert(sizeof(MODULEENTRY32) == 568, "MODULEENTRY32");
_Static_assert(sizeof(WIN32_FIND_DATAW) == 592, "WIN32_FIND_DATAW");
_Static_assert(sizeof(WIN32_FIND_DATAA) == 320, "WIN32_FIND_DATAA");

static int failures;

static void Check(int ok, const char *what) {
  if (!ok) {
    printf("lsp_imports_program: FAILED %s (GetLastError %lu)\n", what,
           (unsigned long)GetLastError());
    ++failures;
  }
}

static HANDLE g_started, g_stop;

static DWORD WINAPI Waiter(LPVOID unused) {
  (void)unused;
  SetEvent(g_started);
  WaitForSingleObject(g_stop, INFINITE);
  return 0;
}

static void Processes(void) {
  const DWORD self = GetCurrentProcessId();
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  Check(snap != INVALID_HANDLE_VALUE, "CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS)");
  PROCESSENTRY32W pe;
  memset(&pe, 0x5a, sizeof(pe));
  pe.dwSize = sizeof(pe) - 1;
  SetLastError(0);
  Check(!Process32FirstW(snap, &pe) && GetLastError() == ERROR_BAD_LENGTH &&
            pe.th32ProcessID == 0x5a5a5a5a,
        "Process32FirstW with a short dwSize: ERROR_BAD_LENGTH, the entry untouched");
  pe.dwSize = sizeof(pe);
  Check(Process32FirstW(snap, &pe), "Process32FirstW");
  const DWORD first = pe.th32ProcessID;
  int count = 1, found_self = 0, found_parent = 0;
  DWORD parent = 0;
  do {
    if (pe.th32ProcessID == self) {
      found_self = 1;
      parent = pe.th32ParentProcessID;
      Check(lstrcmpiW(pe.szExeFile, L"lsp_imports_program.exe") == 0,
            "this process's szExeFile is the program's name");
      Check(pe.cntThreads >= 1 && pe.cntUsage == 0 && pe.th32DefaultHeapID == 0 &&
                (pe.pcPriClassBase == 4 || pe.pcPriClassBase == 6 || pe.pcPriClassBase == 8 ||
                 pe.pcPriClassBase == 13),
            "this process's entry: threads, unused fields 0, a priority class's base");
    }
    Check(pe.dwSize == sizeof(pe), "dwSize kept");
  } while (Process32NextW(snap, &pe) && ++count < 100000);
  Check(GetLastError() == ERROR_NO_MORE_FILES, "Process32NextW at the end: ERROR_NO_MORE_FILES");
  Check(!Process32NextW(snap, &pe) && GetLastError() == ERROR_NO_MORE_FILES,
        "Process32NextW past the end: still ERROR_NO_MORE_FILES");
  Check(found_self, "the snapshot lists this process");
  Check(count > 1, "the snapshot lists more than one process");
  Check(Process32FirstW(snap, &pe) && pe.th32ProcessID == first, "Process32FirstW starts again");
  /* The A form over the same snapshot: the parent is listed too. */
  PROCESSENTRY32 pa;
  pa.dwSize = sizeof(pa);
  Check(Process32First(snap, &pa), "Process32First (A)");
  do {
    if (pa.th32ProcessID == self)
      Check(_stricmp(pa.szExeFile, "lsp_imports_program.exe") == 0, "szExeFile (A)");
    if (pa.th32ProcessID == parent) found_parent = 1;
  } while (Process32Next(snap, &pa));
  Check(found_parent, "th32ParentProcessID names a listed process");
  pa.dwSize = 8;
  Check(!Process32First(snap, &pa) && GetLastError() == ERROR_BAD_LENGTH,
        "Process32First (A) short dwSize: ERROR_BAD_LENGTH");
  THREADENTRY32 te;
  te.dwSize = sizeof(te);
  Check(!Thread32First(snap, &te) && GetLastError() == ERROR_NO_MORE_FILES,
        "Thread32First on a process snapshot: ERROR_NO_MORE_FILES");
  Check(CloseHandle(snap), "CloseHandle(snapshot)");
  Check(!Process32FirstW(snap, &pe) && GetLastError() == ERROR_INVALID_HANDLE,
        "Process32FirstW on a closed snapshot: ERROR_INVALID_HANDLE");
  Check(!CloseHandle(snap) && GetLastError() == ERROR_INVALID_HANDLE,
        "CloseHandle twice: ERROR_INVALID_HANDLE");
  Check(!Process32NextW(INVALID_HANDLE_VALUE, &pe) && GetLastError() == ERROR_INVALID_HANDLE,
        "Process32NextW(INVALID_HANDLE_VALUE): ERROR_INVALID_HANDLE");

  /* No kind asked: an empty snapshot. */
  snap = CreateToolhelp32Snapshot(0, 0);
  Check(snap != INVALID_HANDLE_VALUE, "CreateToolhelp32Snapshot(0)");
  Check(!Process32FirstW(snap, &pe) && GetLastError() == ERROR_NO_MORE_FILES,
        "an empty snapshot: ERROR_NO_MORE_FILES");
  HANDLE dup = NULL;
  Check(!DuplicateHandle(GetCurrentProcess(), snap, GetCurrentProcess(), &dup, 0, FALSE,
                         DUPLICATE_SAME_ACCESS) &&
            GetLastError() == ERROR_NOT_SUPPORTED,
        "DuplicateHandle(snapshot): ERROR_NOT_SUPPORTED");
  CloseHandle(snap);
}

static void Threads(void) {
  g_started = CreateEventW(NULL, TRUE, FALSE, NULL);
  g_stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  DWORD other = 0;
  HANDLE thread = CreateThread(NULL, 0, Waiter, NULL, 0, &other);
  WaitForSingleObject(g_started, INFINITE);
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
  Check(snap != INVALID_HANDLE_VALUE, "CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD)");
  THREADENTRY32 te;
  te.dwSize = 4;
  Check(!Thread32First(snap, &te) && GetLastError() == ERROR_BAD_LENGTH,
        "Thread32First short dwSize: ERROR_BAD_LENGTH");
  te.dwSize = sizeof(te);
  int mine = 0, theirs = 0;
  Check(Thread32First(snap, &te), "Thread32First");
  do {
    if (te.th32ThreadID == GetCurrentThreadId())
      mine = te.th32OwnerProcessID == GetCurrentProcessId();
    if (te.th32ThreadID == other) theirs = te.th32OwnerProcessID == GetCurrentProcessId();
  } while (Thread32Next(snap, &te));
  Check(GetLastError() == ERROR_NO_MORE_FILES, "Thread32Next at the end: ERROR_NO_MORE_FILES");
  Check(mine && theirs, "both threads of this process are listed with their owner");
  PROCESSENTRY32W pe;
  pe.dwSize = sizeof(pe);
  Check(!Process32FirstW(snap, &pe) && GetLastError() == ERROR_NO_MORE_FILES,
        "Process32FirstW on a thread snapshot: ERROR_NO_MORE_FILES");
  CloseHandle(snap);
  SetEvent(g_stop);
  WaitForSingleObject(thread, INFINITE);
  CloseHandle(thread);
}

static void Modules(void) {
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0);
  Check(snap != INVALID_HANDLE_VALUE, "CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0)");
  MODULEENTRY32W me;
  me.dwSize = sizeof(me) - 8;
  Check(!Module32FirstW(snap, &me) && GetLastError() == ERROR_BAD_LENGTH,
        "Module32FirstW short dwSize: ERROR_BAD_LENGTH");
  me.dwSize = sizeof(me);
  Check(Module32FirstW(snap, &me), "Module32FirstW");
  Check(me.hModule == GetModuleHandleW(NULL) && me.modBaseAddr == (BYTE *)me.hModule &&
            me.modBaseSize > 0 && me.th32ProcessID == GetCurrentProcessId(),
        "the first module is the EXE");
  Check(lstrcmpiW(me.szModule, L"lsp_imports_program.exe") == 0, "szModule of the EXE");
  wchar_t path[MAX_PATH];
  GetModuleFileNameW(NULL, path, MAX_PATH);
  Check(wcscmp(me.szExePath, path) == 0, "szExePath is GetModuleFileName's");
  while (Module32NextW(snap, &me)) {
  }
  Check(GetLastError() == ERROR_NO_MORE_FILES, "Module32NextW at the end: ERROR_NO_MORE_FILES");
  MODULEENTRY32 ma;
  ma.dwSize = sizeof(ma);
  Check(Module32First(snap, &ma) && _stricmp(ma.szModule, "lsp_imports_program.exe") == 0,
        "Module32First (A)");
  CloseHandle(snap);
  /* Our own pid is the same as 0. */
  snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, GetCurrentProcessId());
  Check(snap != INVALID_HANDLE_VALUE && Module32FirstW(snap, &me) &&
            me.hModule == GetModuleHandleW(NULL),
        "TH32CS_SNAPMODULE for our own pid");
  CloseHandle(snap);
  /* TH32CS_SNAPALL (with TH32CS_INHERIT, and a bit Windows ignores): every kind at once. */
  snap = CreateToolhelp32Snapshot(TH32CS_SNAPALL | TH32CS_INHERIT | 0x100, 0);
  PROCESSENTRY32W pe;
  THREADENTRY32 te;
  pe.dwSize = sizeof(pe);
  te.dwSize = sizeof(te);
  Check(snap != INVALID_HANDLE_VALUE && Process32FirstW(snap, &pe) && Thread32First(snap, &te) &&
            Module32FirstW(snap, &me) && me.hModule == GetModuleHandleW(NULL),
        "TH32CS_SNAPALL: processes, threads and modules");
  CloseHandle(snap);
  /* A 64-bit process has no 32-bit modules. */
  snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE32, 0);
  Check(snap != INVALID_HANDLE_VALUE && !Module32FirstW(snap, &me) &&
            GetLastError() == ERROR_NO_MORE_FILES,
        "TH32CS_SNAPMODULE32 alone: no modules (ERROR_NO_MORE_FILES)");
  CloseHandle(snap);
  SetLastError(0);
  Check(CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 0x7ffffff0) == INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_INVALID_PARAMETER,
        "TH32CS_SNAPMODULE of a process that does not exist: ERROR_INVALID_PARAMETER");
  Check(CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, 1) == INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_ACCESS_DENIED,
        "TH32CS_SNAPMODULE of another process: ERROR_ACCESS_DENIED");
}

/* OpenProcess, VirtualProtectEx, TerminateProcess (PaperAirplane patches its own code). */
static char g_page[8192] __attribute__((aligned(4096)));

static DWORD Parent(void) {
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  PROCESSENTRY32W pe;
  pe.dwSize = sizeof(pe);
  DWORD parent = 0;
  for (BOOL ok = Process32FirstW(snap, &pe); ok; ok = Process32NextW(snap, &pe))
    if (pe.th32ProcessID == GetCurrentProcessId()) parent = pe.th32ParentProcessID;
  CloseHandle(snap);
  return parent;
}

static void ProcessHandles(void) {
  HANDLE self = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId());
  Check(self != NULL, "OpenProcess(this process)");
  DWORD old = 0;
  Check(VirtualProtectEx(self, g_page, 4096, PAGE_READONLY, &old) && old == PAGE_READWRITE,
        "VirtualProtectEx(this process) to PAGE_READONLY");
  Check(VirtualProtectEx(GetCurrentProcess(), g_page, 4096, PAGE_READWRITE, &old) &&
            old == PAGE_READONLY,
        "VirtualProtectEx(GetCurrentProcess()) back to PAGE_READWRITE");
  g_page[0] = 1;
  Check(!VirtualProtectEx(self, g_page, 4096, 0x12345, &old) &&
            GetLastError() == ERROR_INVALID_PARAMETER,
        "VirtualProtectEx with a bad protection: ERROR_INVALID_PARAMETER");
  HANDLE dup = NULL;
  Check(!DuplicateHandle(GetCurrentProcess(), self, GetCurrentProcess(), &dup, 0, FALSE,
                         DUPLICATE_SAME_ACCESS) &&
            GetLastError() == ERROR_NOT_SUPPORTED,
        "DuplicateHandle(process handle): ERROR_NOT_SUPPORTED");
  Check(CloseHandle(self), "CloseHandle(process handle)");
  Check(!CloseHandle(self) && GetLastError() == ERROR_INVALID_HANDLE,
        "CloseHandle(process handle) twice: ERROR_INVALID_HANDLE");
  Check(!VirtualProtectEx(self, g_page, 4096, PAGE_READWRITE, &old) &&
            GetLastError() == ERROR_INVALID_HANDLE,
        "VirtualProtectEx on a closed handle: ERROR_INVALID_HANDLE");
  SetLastError(0);
  Check(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0) == NULL &&
            GetLastError() == ERROR_INVALID_PARAMETER,
        "OpenProcess(0): ERROR_INVALID_PARAMETER");
  Check(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0x7ffffff0) == NULL &&
            GetLastError() == ERROR_INVALID_PARAMETER,
        "OpenProcess of a pid that does not exist: ERROR_INVALID_PARAMETER");
  HANDLE parent = OpenProcess(PROCESS_ALL_ACCESS, FALSE, Parent());
  Check(parent != NULL, "OpenProcess(the parent)");
  Check(!VirtualProtectEx(parent, g_page, 4096, PAGE_READWRITE, &old) &&
            GetLastError() == ERROR_ACCESS_DENIED,
        "VirtualProtectEx(another process): ERROR_ACCESS_DENIED");
  Check(!TerminateProcess(parent, 0) && GetLastError() == ERROR_ACCESS_DENIED,
        "TerminateProcess(another process): ERROR_ACCESS_DENIED");
  CloseHandle(parent);
  /* PaperAirplane's ScheduleService passes a thread's handle. */
  HANDLE thread = OpenThread(THREAD_ALL_ACCESS, FALSE, GetCurrentThreadId());
  Check(thread != NULL, "OpenThread(this thread)");
  Check(!TerminateProcess(thread, 0) && GetLastError() == ERROR_INVALID_HANDLE,
        "TerminateProcess(a thread's handle): ERROR_INVALID_HANDLE");
  Check(!TerminateProcess(NULL, 0) && GetLastError() == ERROR_INVALID_HANDLE,
        "TerminateProcess(NULL): ERROR_INVALID_HANDLE");
  CloseHandle(thread);
}

/* --- FindFirstFile ----------------------------------------------------------------------- */

static char g_dir[MAX_PATH];

static void Wide(const char *s, wchar_t *out) { MultiByteToWideChar(CP_UTF8, 0, s, -1, out, MAX_PATH); }

/* The names FindFirstFileW/FindNextFileW give for DIR/tree/PATTERN, joined by '|'; "!" and the
 * error code when FindFirstFileW fails. */
static const char *List(const char *pattern, DWORD flags) {
  static char out[4096];
  char name[MAX_PATH];
  wchar_t wide[MAX_PATH];
  snprintf(name, sizeof(name), "%s/tree/%s", g_dir, pattern);
  Wide(name, wide);
  WIN32_FIND_DATAW d;
  HANDLE h = FindFirstFileExW(wide, FindExInfoStandard, &d, FindExSearchNameMatch, NULL, flags);
  if (h == INVALID_HANDLE_VALUE) {
    snprintf(out, sizeof(out), "!%lu", (unsigned long)GetLastError());
    return out;
  }
  out[0] = 0;
  do {
    char utf8[MAX_PATH * 3];
    WideCharToMultiByte(CP_UTF8, 0, d.cFileName, -1, utf8, sizeof(utf8), NULL, NULL);
    if (out[0] != 0) strcat(out, "|");
    strcat(out, utf8);
  } while (FindNextFileW(h, &d));
  Check(GetLastError() == ERROR_NO_MORE_FILES, "FindNextFileW at the end: ERROR_NO_MORE_FILES");
  Check(!FindNextFileW(h, &d) && GetLastError() == ERROR_NO_MORE_FILES,
        "FindNextFileW past the end: ERROR_NO_MORE_FILES");
  Check(FindClose(h), "FindClose");
  return out;
}

static void Expect(const char *pattern, DWORD flags, const char *want) {
  const char *got = List(pattern, flags);
  if (strcmp(got, want) != 0) {
    printf("lsp_imports_program: FAILED pattern \"%s\": got \"%s\", want \"%s\"\n", pattern, got,
           want);
    ++failures;
  }
}

/* The entry for DIR/tree/NAME (one match), through the A form. */
static WIN32_FIND_DATAA Entry(const char *name) {
  char path[MAX_PATH];
  snprintf(path, sizeof(path), "%s/tree/%s", g_dir, name);
  WIN32_FIND_DATAA d;
  memset(&d, 0, sizeof(d));
  HANDLE h = FindFirstFileA(path, &d);
  Check(h != INVALID_HANDLE_VALUE, name);
  if (h != INVALID_HANDLE_VALUE) {
    WIN32_FIND_DATAA more;
    Check(!FindNextFileA(h, &more) && GetLastError() == ERROR_NO_MORE_FILES,
          "a name without wildcards finds one entry");
    FindClose(h);
  }
  return d;
}

static void Find(void) {
  Expect("*", 0,
         ".|..|.hidden|a.b.c|Alpha.TXT|beta.txt|big|dangling|fifo|gamma|link|readonly.dat|sub|"
         "\xc3\xa9t\xc3\xa9.txt");
  Expect("*.*", 0,
         ".|..|.hidden|a.b.c|Alpha.TXT|beta.txt|big|dangling|fifo|gamma|link|readonly.dat|sub|"
         "\xc3\xa9t\xc3\xa9.txt");
  Expect("*.txt", 0, "Alpha.TXT|beta.txt|\xc3\xa9t\xc3\xa9.txt");
  Expect("*.TXT", FIND_FIRST_EX_CASE_SENSITIVE, "Alpha.TXT");
  Expect("*.", 0, ".|..|big|dangling|fifo|gamma|link|sub");
  Expect("a*.*", 0, "a.b.c|Alpha.TXT");
  Expect("*.c", 0, "a.b.c");
  Expect("gam?a", 0, "gamma");
  Expect("gamma??", 0, "gamma");
  Expect("b?g.*", 0, "big");
  Expect("?", 0, "!2");
  Expect("ALPHA.txt", 0, "Alpha.TXT");
  Expect("\xc3\x89T\xc3\x89.TXT", 0, "\xc3\xa9t\xc3\xa9.txt");
  Expect("..", 0, "..");
  Expect("*.nothing", 0, "!2");                /* ERROR_FILE_NOT_FOUND */
  Expect("nope/*", 0, "!3");                   /* ERROR_PATH_NOT_FOUND */
  Expect("beta.txt/*", 0, "!3");               /* the folder is a file */
  Expect("s*/x", 0, "!123");                   /* ERROR_INVALID_NAME */
  Expect("sub/", 0, "!2");                     /* a folder, not a pattern */
  Expect("sub/*", 0, ".|..|inner.txt");
  Expect("sub\\*.txt", 0, "inner.txt");

  /* Attributes, sizes and times. */
  WIN32_FIND_DATAA d = Entry("beta.txt");
  Check(d.dwFileAttributes == FILE_ATTRIBUTE_NORMAL && d.nFileSizeLow == 5 && d.nFileSizeHigh == 0,
        "beta.txt: NORMAL, 5 bytes");
  ULONGLONG written = ((ULONGLONG)d.ftLastWriteTime.dwHighDateTime << 32) | d.ftLastWriteTime.dwLowDateTime;
  Check(written == (1000000000ULL + 11644473600ULL) * 10000000ULL,
        "beta.txt: ftLastWriteTime is its mtime as a FILETIME");
  Check(d.cAlternateFileName[0] == 0, "no 8.3 name");
  d = Entry("big");
  Check(d.nFileSizeHigh == 1 && d.nFileSizeLow == 5, "big: a size past 4 GiB in two parts");
  Check(Entry(".hidden").dwFileAttributes == FILE_ATTRIBUTE_HIDDEN, ".hidden: HIDDEN");
  Check(Entry("readonly.dat").dwFileAttributes == FILE_ATTRIBUTE_READONLY, "readonly.dat: READONLY");
  Check(Entry("sub").dwFileAttributes == FILE_ATTRIBUTE_DIRECTORY, "sub: DIRECTORY");
  d = Entry("link");
  Check(d.dwFileAttributes == (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT) &&
            d.dwReserved0 == IO_REPARSE_TAG_SYMLINK,
        "link (to a folder): DIRECTORY | REPARSE_POINT, IO_REPARSE_TAG_SYMLINK");
  d = Entry("dangling");
  Check(d.dwFileAttributes == FILE_ATTRIBUTE_REPARSE_POINT && d.dwReserved0 == IO_REPARSE_TAG_SYMLINK,
        "dangling: REPARSE_POINT");
  Check(Entry("fifo").dwFileAttributes == FILE_ATTRIBUTE_SYSTEM, "fifo: SYSTEM, and no block");

  /* FindFirstFileEx's levels and operations. */
  char name[MAX_PATH];
  wchar_t wide[MAX_PATH];
  snprintf(name, sizeof(name), "%s/tree/*.txt", g_dir);
  Wide(name, wide);
  WIN32_FIND_DATAW w;
  HANDLE h = FindFirstFileExW(wide, FindExInfoBasic, &w, FindExSearchLimitToDirectories, NULL, 0);
  Check(h != INVALID_HANDLE_VALUE && wcscmp(w.cFileName, L"Alpha.TXT") == 0,
        "FindExInfoBasic with FindExSearchLimitToDirectories (advisory)");
  FindClose(h);
  Check(FindFirstFileExW(wide, FindExInfoMaxInfoLevel, &w, FindExSearchNameMatch, NULL, 0) ==
                INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_INVALID_PARAMETER,
        "FindExInfoMaxInfoLevel: ERROR_INVALID_PARAMETER");
  Check(FindFirstFileExW(wide, FindExInfoStandard, &w, FindExSearchLimitToDevices, NULL, 0) ==
                INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_INVALID_PARAMETER,
        "FindExSearchLimitToDevices: ERROR_INVALID_PARAMETER");
  Check(FindFirstFileExW(wide, FindExInfoStandard, &w, FindExSearchNameMatch, &w, 0) ==
                INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_INVALID_PARAMETER,
        "a search filter: ERROR_INVALID_PARAMETER");
  Check(FindFirstFileExW(wide, FindExInfoStandard, &w, FindExSearchNameMatch, NULL, 0x100) ==
                INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_INVALID_PARAMETER,
        "an unknown additional flag: ERROR_INVALID_PARAMETER");
  WIN32_FIND_DATAA a;
  snprintf(name, sizeof(name), "%s/tree/*.c", g_dir);
  h = FindFirstFileExA(name, FindExInfoStandard, &a, FindExSearchNameMatch, NULL,
                       FIND_FIRST_EX_LARGE_FETCH);
  Check(h != INVALID_HANDLE_VALUE && strcmp(a.cFileName, "a.b.c") == 0, "FindFirstFileExA");
  FindClose(h);
  Check(FindFirstFileA("", &a) == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PATH_NOT_FOUND,
        "FindFirstFileA(\"\"): ERROR_PATH_NOT_FOUND");

  /* Bad handles. */
  Check(!FindNextFileW(INVALID_HANDLE_VALUE, &w) && GetLastError() == ERROR_INVALID_HANDLE,
        "FindNextFileW(INVALID_HANDLE_VALUE): ERROR_INVALID_HANDLE");
  Check(!FindClose(INVALID_HANDLE_VALUE) && GetLastError() == ERROR_INVALID_HANDLE,
        "FindClose(INVALID_HANDLE_VALUE): ERROR_INVALID_HANDLE");
  snprintf(name, sizeof(name), "%s/tree/gamma", g_dir);
  h = FindFirstFileA(name, &a);
  Check(FindClose(h) && !FindClose(h) && GetLastError() == ERROR_INVALID_HANDLE,
        "FindClose twice: ERROR_INVALID_HANDLE");
  Check(!FindNextFileA(h, &a) && GetLastError() == ERROR_INVALID_HANDLE,
        "FindNextFileA on a closed search: ERROR_INVALID_HANDLE");

  /* Through drive C: (DIR): its root lists no "." and "..". */
  h = FindFirstFileW(L"C:\\TREE\\*.txt", &w);
  Check(h != INVALID_HANDLE_VALUE && wcscmp(w.cFileName, L"Alpha.TXT") == 0,
        "C:\\TREE\\*.txt through the drive map");
  FindClose(h);
  h = FindFirstFileW(L"C:\\*", &w);
  Check(h != INVALID_HANDLE_VALUE && wcscmp(w.cFileName, L"tree") == 0,
        "C:\\* lists the root without . and ..");
  Check(!FindNextFileW(h, &w) && GetLastError() == ERROR_NO_MORE_FILES, "C:\\* has one entry");
  FindClose(h);
  Check(FindFirstFileW(L"C:\\tree\\nope\\*", &w) == INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_PATH_NOT_FOUND,
        "C:\\tree\\nope\\*: ERROR_PATH_NOT_FOUND");
}

int main(int argc, char **argv) {
  if (argc != 2) {
    printf("usage: lsp_imports_program.exe DIR\n");
    return 2;
  }
  snprintf(g_dir, sizeof(g_dir), "%s", argv[1]);
  Processes();
  Threads();
  Modules();
  Find();
  ProcessHandles();
  if (failures != 0) return 1;
  printf("lsp_imports_program: all checks hold\n");
  fflush(stdout);
  /* The exit code comes through TerminateProcess on this process. */
  TerminateProcess(GetCurrentProcess(), 0);
  printf("lsp_imports_program: FAILED TerminateProcess(GetCurrentProcess()) returned\n");
  return 1;
}
