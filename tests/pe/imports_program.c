/* imports_program.exe DIR: the kernel32, user32 and msvcrt calls of issue 14's last part, made
 * the way a Windows program makes them (through the import libraries): Global* with a moveable
 * block, GetNativeSystemInfo, IsBad*Ptr, thread priorities, TerminateThread, FormatMessage,
 * SendMessage, wvsprintf, and msvcrt's case, locale, system, wide stdio and position calls (in
 * the folder DIR). Every check prints what failed; exit 0 when all hold. */
#include <io.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <windows.h>

static int failures;

static void Check(int ok, const char *what) {
  if (!ok) {
    printf("imports_program: FAILED %s (GetLastError %lu)\n", what,
           (unsigned long)GetLastError());
    ++failures;
  }
}

static LRESULT CALLBACK Proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
  if (msg == WM_USER + 1) return (LRESULT)(wparam + lparam);
  return DefWindowProcW(hwnd, msg, wparam, lparam);
}

static HWND g_window;
static DWORD g_owner;
static LRESULT g_cross_result;

static DWORD WINAPI Sender(LPVOID unused) {
  (void)unused;
  g_cross_result = SendMessageW(g_window, WM_USER + 1, 100, 23);
  PostThreadMessageW(g_owner, WM_USER + 2, 0, 0);
  return 0;
}

static int Format(char *out, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = wvsprintfA(out, format, ap);
  va_end(ap);
  return n;
}

static void Kernel32(void) {
  HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE | GMEM_ZEROINIT, 32);
  Check(h != NULL, "GlobalAlloc(GMEM_MOVEABLE)");
  char *p = (char *)GlobalLock(h);
  Check(p != NULL && (void *)p != (void *)h && p[31] == 0, "GlobalLock");
  Check(GlobalSize(h) == 32, "GlobalSize");
  Check(GlobalHandle(p) == h, "GlobalHandle");
  Check(!GlobalUnlock(h) && GetLastError() == NO_ERROR, "GlobalUnlock to 0");
  Check(GlobalReAlloc(h, 4096, GMEM_MOVEABLE) == h && GlobalSize(h) == 4096, "GlobalReAlloc");
  Check(GlobalFree(h) == NULL, "GlobalFree");
  HLOCAL fixed = LocalAlloc(LMEM_FIXED, 8);
  Check(LocalLock(fixed) == fixed && LocalFree(fixed) == NULL, "LocalAlloc(LMEM_FIXED)");

  SYSTEM_INFO si;
  GetNativeSystemInfo(&si);
  Check(si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64 && si.dwPageSize == 4096,
        "GetNativeSystemInfo");

  char local[16] = "text";
  Check(!IsBadReadPtr(local, sizeof(local)) && !IsBadWritePtr(local, sizeof(local)),
        "IsBadReadPtr/IsBadWritePtr on the stack");
  Check(IsBadReadPtr(NULL, 1) && !IsBadReadPtr(NULL, 0), "IsBadReadPtr(NULL)");
  Check(IsBadWritePtr((void *)"literal", 1), "IsBadWritePtr on .rdata");
  Check(!IsBadStringPtrA(local, 100) && !IsBadStringPtrW(L"w", 5), "IsBadStringPtr");
  Check(!IsBadCodePtr((FARPROC)Proc) && IsBadCodePtr(NULL), "IsBadCodePtr");

  HANDLE self = GetCurrentThread();
  Check(SetThreadPriority(self, THREAD_PRIORITY_ABOVE_NORMAL) &&
            GetThreadPriority(self) == THREAD_PRIORITY_ABOVE_NORMAL,
        "SetThreadPriority/GetThreadPriority");
  Check(!SetThreadPriority(self, 7) && GetLastError() == ERROR_INVALID_PARAMETER,
        "SetThreadPriority(7)");
  SetThreadPriority(self, THREAD_PRIORITY_NORMAL);
  Check(!TerminateThread(self, 1) && GetLastError() == ERROR_NOT_SUPPORTED, "TerminateThread");

  char text[256];
  DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                           WSAECONNREFUSED, 0, text, sizeof(text), NULL);
  Check(n > 0 && strcmp(text, "No connection could be made because the target machine "
                              "actively refused it.\r\n") == 0,
        "FormatMessageA(WSAECONNREFUSED)");
  wchar_t *wide = NULL;
  n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER, NULL,
                     ERROR_ACCESS_DENIED, 0, (LPWSTR)&wide, 0, NULL);
  Check(n > 0 && wide != NULL && wcscmp(wide, L"Access is denied.\r\n") == 0,
        "FormatMessageW(ALLOCATE_BUFFER)");
  Check(LocalFree(wide) == NULL, "LocalFree of FormatMessage's buffer");
  DWORD_PTR args[] = {(DWORD_PTR)"x", 5};
  n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                     "%1 = %2!d!%n", 0, 0, text, sizeof(text), (va_list *)args);
  Check(n == 7 && strcmp(text, "x = 5\r\n") == 0, "FormatMessageA(FROM_STRING)");
  Check(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 0x7654321, 0, text, sizeof(text),
                       NULL) == 0 &&
            GetLastError() == ERROR_MR_MID_NOT_FOUND,
        "FormatMessageA(unknown id)");
}

static void User32(void) {
  WNDCLASSEXW wc;
  memset(&wc, 0, sizeof(wc));
  wc.cbSize = sizeof(wc);
  wc.lpfnWndProc = Proc;
  wc.lpszClassName = L"imports_program";
  Check(RegisterClassExW(&wc) != 0, "RegisterClassExW");
  HWND w = CreateWindowExW(0, L"imports_program", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL,
                           NULL);
  Check(w != NULL, "CreateWindowExW");
  Check(SendMessageW(w, WM_USER + 1, 40, 2) == 42, "SendMessageW");
  DWORD_PTR result = 0;
  Check(SendMessageTimeoutW(w, WM_USER + 1, 1, 2, SMTO_NORMAL, 100, &result) != 0 && result == 3,
        "SendMessageTimeoutW");
  /* From another thread: delivered to this one while it is in GetMessage. */
  g_window = w;
  g_owner = GetCurrentThreadId();
  HANDLE t = CreateThread(NULL, 0, Sender, NULL, 0, NULL);
  Check(t != NULL, "CreateThread");
  MSG m;
  while (t != NULL && GetMessageW(&m, NULL, 0, 0) > 0 && m.message != WM_USER + 2) {
  }
  if (t != NULL) {
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
  }
  Check(g_cross_result == 123, "SendMessageW from another thread");
  DestroyWindow(w);
  Check(SendMessageW(w, WM_USER + 1, 1, 1) == 0 && GetLastError() == ERROR_INVALID_WINDOW_HANDLE,
        "SendMessageW to a destroyed window");
  char out[1024];
  Check(Format(out, "%s-%04d-%lx", "v", 7, 0xabcUL) == 10 && strcmp(out, "v-0007-abc") == 0,
        "wvsprintfA");
}

static void Msvcrt(const char *dir) {
  char s[] = "MiXed";
  Check(strcmp(_strlwr(s), "mixed") == 0 && strcmp(_strupr(s), "MIXED") == 0, "_strlwr/_strupr");
  wchar_t ws[16] = L"Ab";
  Check(wcscmp(_wcslwr(ws), L"ab") == 0 && wcscmp(wcscat(ws, L"cd"), L"abcd") == 0,
        "_wcslwr/wcscat");
  Check(setlocale(LC_ALL, NULL) != NULL && strcmp(setlocale(LC_ALL, ""), "C") == 0,
        "setlocale");
  Check(system(NULL) != 0 && system("exit 3") == 3, "system");

  char path[MAX_PATH];
  snprintf(path, sizeof(path), "%s/wide.txt", dir);
  FILE *f = fopen(path, "w+");
  Check(f != NULL, "fopen");
  if (f == NULL) return;
  Check(fputwc(L'x', f) == L'x', "fputwc");
  Check(fwprintf(f, L"%d%s", 12, L"ab") == 4, "fwprintf");
  fpos_t pos;
  Check(fgetpos(f, &pos) == 0 && pos == 5, "fgetpos");
  fpos_t start = 0;
  Check(fsetpos(f, &start) == 0 && fgetwc(f) == L'x', "fsetpos/fgetwc");
  Check(_filelengthi64(_fileno(f)) == 5, "_filelengthi64");
  fclose(f);
  struct tm t;
  memset(&t, 0, sizeof(t));
  t.tm_year = 95;
  t.tm_mon = 2;
  t.tm_mday = 14;
  char date[64];
  Check(strftime(date, sizeof(date), "%Y-%m-%d %x", &t) > 0 &&
            strcmp(date, "1995-03-14 03/14/95") == 0,
        "strftime");
}

int main(int argc, char **argv) {
  if (argc != 2) {
    printf("usage: imports_program.exe DIR\n");
    return 2;
  }
  Kernel32();
  User32();
  Msvcrt(argv[1]);
  if (failures == 0) printf("imports_program: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
