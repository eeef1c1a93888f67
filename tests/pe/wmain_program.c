/* tests/pe/wmain_program.c — a wmain console program (mingw-w64 -municode: its start-up calls
 * msvcrt's __wgetmainargs and reads __winitenv), with the wide string calls installers use:
 * wcsstr and the legacy size-less _swprintf/_vswprintf.
 *
 *   wmain_program.exe "arg one" zwei   checks its arguments and environment, prints
 *                                      "wmain ok: 3 arguments" and exits 0 (1 on a failed check) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static int g_failed;
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      printf("wmain_program: check failed at line %d: %s\n", __LINE__, #cond); \
      g_failed = 1;                                                          \
    }                                                                        \
  } while (0)

static int Format(wchar_t *out, const wchar_t *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = _vswprintf(out, format, ap);
  va_end(ap);
  return n;
}

int wmain(int argc, wchar_t **argv, wchar_t **envp) {
  CHECK(argc == 3);
  if (argc == 3) {
    CHECK(wcscmp(argv[1], L"arg one") == 0);
    CHECK(wcscmp(argv[2], L"zwei") == 0);
    CHECK(wcsstr(argv[0], L".exe") != NULL);
  }
  CHECK(argv[argc] == NULL);
  /* The environment: WMAIN_TEST=\u00e9t\u00e9 ("été") is set by the test. */
  int found = 0;
  for (wchar_t **e = envp; e != NULL && *e != NULL; e++)
    if (wcscmp(*e, L"WMAIN_TEST=\u00e9t\u00e9") == 0) found = 1;
  CHECK(found);
  CHECK(_wgetenv(L"WMAIN_TEST") != NULL && wcscmp(_wgetenv(L"WMAIN_TEST"), L"\u00e9t\u00e9") == 0);
  CHECK(_wgetenv(L"WMAIN_TEST_NOT_SET") == NULL);
  /* wcsstr: first match, empty needle, no match. */
  const wchar_t *hay = L"abcabcd";
  CHECK(wcsstr(hay, L"bcd") == hay + 4);
  CHECK(wcsstr(hay, L"") == hay);
  CHECK(wcsstr(hay, L"xyz") == NULL);
  CHECK(wcsstr(hay, L"abcabcdx") == NULL);
  /* The size-less legacy forms. */
  wchar_t out[64];
  CHECK(_swprintf(out, L"%d-%ls", 42, L"x") == 4 && wcscmp(out, L"42-x") == 0);
  CHECK(Format(out, L"[%5d]", 7) == 7 && wcscmp(out, L"[    7]") == 0);
  if (g_failed) return 1;
  printf("wmain ok: %d arguments\n", argc);
  return 0;
}
