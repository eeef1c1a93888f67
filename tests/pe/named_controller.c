/*
 * tests/pe/named_controller.c — the controller side of named_lsp.c: creates the named section
 * (A form) and events, prints "ready", waits for the LSP (another ws2emu-run process) to write
 * and signal, checks the bytes, answers, and checks the LSP's second message. Exits 0 when
 * every check holds.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static int g_failed;

#define CHECK(cond)                                                                           \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      fprintf(stderr, "named_controller: check failed at line %d: %s (error %lu)\n", __LINE__, \
              #cond, (unsigned long)GetLastError());                                          \
      g_failed = 1;                                                                           \
    }                                                                                         \
  } while (0)

int main(void) {
  SetLastError(1234);
  HANDLE section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536,
                                      "Local\\ws2emu-named-test-shm");
  CHECK(section != NULL && GetLastError() == 0);
  HANDLE written = CreateEventW(NULL, FALSE, FALSE, L"ws2emu-named-test-written");
  HANDLE go = CreateEventA(NULL, FALSE, FALSE, "ws2emu-named-test-go");
  HANDLE done = CreateEventA(NULL, TRUE, FALSE, "ws2emu-named-test-done");
  CHECK(written != NULL && go != NULL && done != NULL);
  /* One namespace for every type; unprefixed and Local\ are the same name. */
  CHECK(CreateMutexA(NULL, FALSE, "ws2emu-named-test-shm") == NULL &&
        GetLastError() == ERROR_INVALID_HANDLE);
  CHECK(CreateSemaphoreA(NULL, 0, 1, "Local\\ws2emu-named-test-go") == NULL &&
        GetLastError() == ERROR_INVALID_HANDLE);
  char *view = (char *)MapViewOfFile(section, FILE_MAP_ALL_ACCESS, 0, 0, 0);
  CHECK(view != NULL);
  MEMORY_BASIC_INFORMATION info;
  CHECK(view != NULL && VirtualQuery(view, &info, sizeof(info)) == sizeof(info) &&
        info.Type == MEM_MAPPED && info.AllocationBase == view);
  if (g_failed || view == NULL) return 1;
  printf("ready\n");
  fflush(stdout);
  CHECK(WaitForSingleObject(written, 30000) == WAIT_OBJECT_0);
  CHECK(strcmp(view + 256, "hello from the LSP's DllMain") == 0);
  strcpy(view, "controller says go");
  CHECK(SetEvent(go));
  HANDLE both[2] = {written, done};
  CHECK(WaitForMultipleObjects(2, both, FALSE, 30000) == WAIT_OBJECT_0 + 1);
  CHECK(strcmp(view + 512, "second message from WSPStartup") == 0);
  CHECK(UnmapViewOfFile(view));
  CHECK(!UnmapViewOfFile(view) && GetLastError() == ERROR_INVALID_ADDRESS);
  CHECK(CloseHandle(section) && CloseHandle(written) && CloseHandle(go) && CloseHandle(done));
  if (!g_failed) printf("controller: the LSP wrote and signalled through named objects\n");
  return g_failed;
}
