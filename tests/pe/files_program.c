/* files_program.exe DIR: kernel32's file calls as a Windows program makes them, in the Linux
 * folder DIR (given as a path the drive map leaves alone) and through drive C: ("C:\f.txt",
 * when WS2EMU_DRIVE_C is set to DIR). Every check prints what failed and exits 1; exit 0 when
 * all hold. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

static int failures;

static void Check(int ok, const char *what) {
  if (!ok) {
    printf("files_program: FAILED %s (GetLastError %lu)\n", what, (unsigned long)GetLastError());
    ++failures;
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    printf("usage: files_program.exe DIR\n");
    return 2;
  }
  char path[MAX_PATH], missing_dir[MAX_PATH];
  snprintf(path, sizeof(path), "%s/data.bin", argv[1]);
  snprintf(missing_dir, sizeof(missing_dir), "%s/no/such/file", argv[1]);

  HANDLE h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                         FILE_ATTRIBUTE_NORMAL, NULL);
  Check(h != INVALID_HANDLE_VALUE, "CreateFileA(CREATE_NEW)");
  Check(GetFileType(h) == FILE_TYPE_DISK, "GetFileType is FILE_TYPE_DISK");
  DWORD n = 0;
  Check(WriteFile(h, "hello, file", 11, &n, NULL) && n == 11, "WriteFile 11 bytes");
  DWORD high = 7;
  Check(GetFileSize(h, &high) == 11 && high == 0, "GetFileSize 11");
  LARGE_INTEGER size;
  Check(GetFileSizeEx(h, &size) && size.QuadPart == 11, "GetFileSizeEx 11");
  Check(SetFilePointer(h, 7, NULL, FILE_BEGIN) == 7, "SetFilePointer to 7");
  char buf[32] = {0};
  Check(ReadFile(h, buf, sizeof(buf), &n, NULL) && n == 4 && memcmp(buf, "file", 4) == 0,
        "ReadFile from 7: \"file\"");
  Check(ReadFile(h, buf, sizeof(buf), &n, NULL) && n == 0, "ReadFile at the end: 0 bytes");
  Check(SetFilePointer(h, -20, NULL, FILE_CURRENT) == INVALID_SET_FILE_POINTER &&
            GetLastError() == ERROR_NEGATIVE_SEEK,
        "SetFilePointer before the start: ERROR_NEGATIVE_SEEK");
  LARGE_INTEGER to, at;
  to.QuadPart = 5;
  Check(SetFilePointerEx(h, to, &at, FILE_BEGIN) && at.QuadPart == 5, "SetFilePointerEx 5");
  Check(SetEndOfFile(h) && GetFileSize(h, NULL) == 5, "SetEndOfFile at 5");
  Check(FlushFileBuffers(h), "FlushFileBuffers");

  /* Overlapped: the offset in the OVERLAPPED, the event set, ERROR_HANDLE_EOF past the end. */
  OVERLAPPED ov;
  memset(&ov, 0, sizeof(ov));
  ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
  ov.Offset = 1;
  Check(ReadFile(h, buf, 3, &n, &ov) && n == 3 && memcmp(buf, "ell", 3) == 0,
        "overlapped ReadFile at offset 1");
  Check(WaitForSingleObject(ov.hEvent, 0) == WAIT_OBJECT_0, "the OVERLAPPED's event is set");
  Check(ov.InternalHigh == 3, "InternalHigh is the count");
  ov.Offset = 100;
  Check(!ReadFile(h, buf, 3, &n, &ov) && GetLastError() == ERROR_HANDLE_EOF,
        "overlapped ReadFile past the end: ERROR_HANDLE_EOF");
  CloseHandle(ov.hEvent);
  Check(CloseHandle(h), "CloseHandle");
  Check(!CloseHandle(h) && GetLastError() == ERROR_INVALID_HANDLE,
        "CloseHandle twice: ERROR_INVALID_HANDLE");
  Check(!WriteFile(h, "x", 1, &n, NULL) && GetLastError() == ERROR_INVALID_HANDLE,
        "WriteFile on a closed handle: ERROR_INVALID_HANDLE");

  /* Dispositions. */
  Check(CreateFileA(path, GENERIC_READ, 0, NULL, CREATE_NEW, 0, NULL) == INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_FILE_EXISTS,
        "CREATE_NEW on an existing file: ERROR_FILE_EXISTS");
  h = CreateFileA(path, GENERIC_READ, 0, NULL, OPEN_ALWAYS, 0, NULL);
  Check(h != INVALID_HANDLE_VALUE && GetLastError() == ERROR_ALREADY_EXISTS,
        "OPEN_ALWAYS on an existing file: ERROR_ALREADY_EXISTS");
  Check(!WriteFile(h, "x", 1, &n, NULL), "WriteFile on a read-only handle fails");
  CloseHandle(h);
  h = CreateFileA(path, GENERIC_WRITE, 0, NULL, TRUNCATE_EXISTING, 0, NULL);
  Check(h != INVALID_HANDLE_VALUE && GetFileSize(h, NULL) == 0, "TRUNCATE_EXISTING empties it");
  CloseHandle(h);
  Check(CreateFileA(missing_dir, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) ==
                INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_PATH_NOT_FOUND,
        "a missing folder: ERROR_PATH_NOT_FOUND");
  Check(CreateFileA(argv[1], GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) ==
                INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_ACCESS_DENIED,
        "a folder: ERROR_ACCESS_DENIED");
  Check(CreateFileA(path, GENERIC_READ, 0, NULL, 99, 0, NULL) == INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_INVALID_PARAMETER,
        "a bad disposition: ERROR_INVALID_PARAMETER");
  Check(DeleteFileA(path), "DeleteFileA");
  Check(!DeleteFileA(path) && GetLastError() == ERROR_FILE_NOT_FOUND,
        "DeleteFileA again: ERROR_FILE_NOT_FOUND");
  Check(CreateFileA(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) ==
                INVALID_HANDLE_VALUE &&
            GetLastError() == ERROR_FILE_NOT_FOUND,
        "OPEN_EXISTING of a missing file: ERROR_FILE_NOT_FOUND");

  /* Through drive C: (WS2EMU_DRIVE_C is DIR), the W form. */
  h = CreateFileW(L"C:\\wide.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
  Check(h != INVALID_HANDLE_VALUE && GetLastError() == 0, "CreateFileW(C:\\wide.txt)");
  Check(WriteFile(h, "wide", 4, &n, NULL) && n == 4, "WriteFile through C:");
  CloseHandle(h);
  snprintf(path, sizeof(path), "%s/wide.txt", argv[1]);
  h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
  Check(h != INVALID_HANDLE_VALUE && ReadFile(h, buf, sizeof(buf), &n, NULL) && n == 4 &&
            memcmp(buf, "wide", 4) == 0,
        "the file written through C: is in DIR");
  CloseHandle(h);
  Check(DeleteFileW(L"C:\\wide.txt"), "DeleteFileW(C:\\wide.txt)");

  /* msvcrt's FILE streams on files. */
  snprintf(path, sizeof(path), "%s/stream.txt", argv[1]);
  FILE *f = fopen(path, "w");
  Check(f != NULL, "fopen(w)");
  if (f != NULL) {
    Check(fprintf(f, "line %d\n", 1) == 7, "fprintf to a file");
    Check(fputs("line 2\n", f) >= 0, "fputs to a file");
    Check(fwrite("tail", 1, 4, f) == 4, "fwrite to a file");
    Check(fputc('!', f) == '!', "fputc to a file");
    Check(fflush(f) == 0, "fflush a file");
    Check(fclose(f) == 0, "fclose(w)");
  }
  f = fopen(path, "rb");
  Check(f != NULL, "fopen(rb)");
  if (f != NULL) {
    char line[32];
    Check(fgets(line, sizeof(line), f) != NULL && strcmp(line, "line 1\n") == 0, "fgets line 1");
    Check(ftell(f) == 7, "ftell after a line: 7");
    int c = fgetc(f);
    Check(c == 'l' && ungetc(c, f) == 'l' && fgetc(f) == 'l', "fgetc, ungetc, fgetc");
    Check(fseek(f, -5, SEEK_END) == 0 && fread(line, 1, sizeof(line), f) == 5 &&
              memcmp(line, "tail!", 5) == 0,
          "fseek from the end, fread the rest");
    Check(feof(f) && fgetc(f) == EOF, "feof at the end");
    rewind(f);
    Check(!feof(f) && !ferror(f) && fgetc(f) == 'l', "rewind clears the end");
    Check(fputs("x", f) == EOF && ferror(f), "writing a read-only stream sets the error");
    Check(fclose(f) == 0, "fclose(r)");
  }
  f = fopen(path, "a+");
  Check(f != NULL && fputs("+more", f) >= 0, "fopen(a+) appends");
  if (f != NULL) {
    char all[64] = {0};
    Check(fseek(f, 0, SEEK_SET) == 0 && fread(all, 1, sizeof(all) - 1, f) == 24 &&
              strcmp(all + 19, "+more") == 0,
          "a+ reads back the whole file");
    fclose(f);
  }
  errno = 0;
  Check(fopen(missing_dir, "r") == NULL && errno == ENOENT, "fopen of a missing file: ENOENT");
  errno = 0;
  Check(fopen(path, "q") == NULL && errno == EINVAL, "fopen with a bad mode: EINVAL");
  FILE *w = _wfopen(L"C:\\stream.txt", L"r");
  Check(w != NULL, "_wfopen through C:");
  if (w != NULL) fclose(w);
  Check(DeleteFileA(path), "DeleteFileA(stream.txt)");

  if (failures == 0) printf("files_program: all checks hold\n");
  return failures == 0 ? 0 : 1;
}
