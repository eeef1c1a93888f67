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

/* A file-backed mapping of a file from CreateFileA (emu's file table). */
static void FileBacked(void) {
  char path[512];
  DWORD n = GetEnvironmentVariableA("XDG_RUNTIME_DIR", path, sizeof(path) - 16);
  CHECK(n > 0 && n < sizeof(path) - 16);
  if (n == 0 || n >= sizeof(path) - 16) return;
  strcat(path, "/mapped.bin");
  HANDLE file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                            FILE_ATTRIBUTE_NORMAL, NULL);
  CHECK(file != INVALID_HANDLE_VALUE);
  if (file == INVALID_HANDLE_VALUE) return;
  /* An empty file and no size: ERROR_FILE_INVALID. */
  CHECK(CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, 0, NULL) == NULL &&
        GetLastError() == ERROR_FILE_INVALID);
  DWORD done = 0;
  CHECK(WriteFile(file, "mapped file bytes", 17, &done, NULL) && done == 17);
  HANDLE mapping = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, 0, NULL);
  CHECK(mapping != NULL);
  char *view = mapping != NULL ? (char *)MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, 0) : NULL;
  CHECK(view != NULL);
  if (view != NULL) {
    CHECK(memcmp(view, "mapped file bytes", 17) == 0);
    memcpy(view, "MAPPED", 6);
    CHECK(FlushViewOfFile(view, 6));
    CHECK(UnmapViewOfFile(view));
  }
  if (mapping != NULL) CHECK(CloseHandle(mapping));
  char back[17];
  CHECK(SetFilePointer(file, 0, NULL, FILE_BEGIN) == 0);
  CHECK(ReadFile(file, back, 17, &done, NULL) && done == 17 &&
        memcmp(back, "MAPPED file bytes", 17) == 0);
  CHECK(CloseHandle(file));
  CHECK(DeleteFileA(path));
  /* Neither a file nor INVALID_HANDLE_VALUE: ERROR_INVALID_HANDLE. */
  CHECK(CreateFileMappingA((HANDLE)(ULONG_PTR)0x4444, NULL, PAGE_READWRITE, 0, 10, NULL) == NULL &&
        GetLastError() == ERROR_INVALID_HANDLE);
}

int main(void) {
  FileBacked();
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
