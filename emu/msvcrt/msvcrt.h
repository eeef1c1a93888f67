// emu/msvcrt/msvcrt.h — the msvcrt.dll subset that mingw-w64's C runtime start-up and
// ordinary provider code import: start-up (_initterm, _amsg_exit, _lock/_unlock, __iob_func),
// memory, strings, and stdio on the three standard streams. Windows names and signatures,
// ms_abi; listed in emu/exports/msvcrt_exports.cc.
#ifndef WS2EMU_EMU_MSVCRT_MSVCRT_H_
#define WS2EMU_EMU_MSVCRT_MSVCRT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "ws2emu/win_base.h"

namespace ws2emu::emu::msvcrt {

// msvcrt's FILE (struct _iobuf): 48 bytes. Only the three standard streams exist; _file is
// the Linux fd they write to.
struct IoBuf {
  char *_ptr;
  int _cnt;
  char *_base;
  int _flag;
  int _file;
  int _charbuf;
  int _bufsiz;
  char *_tmpfname;
};
static_assert(sizeof(IoBuf) == 48);

using InitFn = void(WINAPI *)(void);
using InitFnE = int(WINAPI *)(void);

void WINAPI _initterm(InitFn *begin, InitFn *end);
int WINAPI _initterm_e(InitFnE *begin, InitFnE *end);
[[noreturn]] void WINAPI _amsg_exit(int code);
[[noreturn]] void WINAPI abort_(void);
void WINAPI _lock(int locknum);
void WINAPI _unlock(int locknum);
IoBuf *WINAPI __iob_func(void);

void *WINAPI malloc_(size_t size);
void *WINAPI calloc_(size_t count, size_t size);
void *WINAPI realloc_(void *p, size_t size);
void WINAPI free_(void *p);

size_t WINAPI strlen_(const char *s);
int WINAPI strcmp_(const char *a, const char *b);
int WINAPI strncmp_(const char *a, const char *b, size_t n);
void *WINAPI memcpy_(void *d, const void *s, size_t n);
void *WINAPI memmove_(void *d, const void *s, size_t n);
void *WINAPI memset_(void *d, int c, size_t n);
int WINAPI memcmp_(const void *a, const void *b, size_t n);

// Wide strings are UTF-16 (WCHAR), not Linux's 32-bit wchar_t.
size_t WINAPI wcslen_(const WCHAR *s);
WCHAR *WINAPI wcscpy_(WCHAR *d, const WCHAR *s);
WCHAR *WINAPI wcsncpy_(WCHAR *d, const WCHAR *s, size_t n);
int WINAPI wcscmp_(const WCHAR *a, const WCHAR *b);
int WINAPI wcsncmp_(const WCHAR *a, const WCHAR *b, size_t n);

size_t WINAPI fwrite_(const void *data, size_t size, size_t count, IoBuf *stream);
int WINAPI fputc_(int c, IoBuf *stream);
int WINAPI fputs_(const char *s, IoBuf *stream);
int WINAPI puts_(const char *s);
int WINAPI fflush_(IoBuf *stream);
int WINAPI vfprintf_(IoBuf *stream, const char *format, __builtin_ms_va_list ap);
int WINAPI fprintf_(IoBuf *stream, const char *format, ...);
int WINAPI printf_(const char *format, ...);
int WINAPI vprintf_(const char *format, __builtin_ms_va_list ap);
int WINAPI _vsnprintf_(char *buffer, size_t count, const char *format, __builtin_ms_va_list ap);
// _vscprintf/_scprintf: the length the text would have (no terminator), -1 and EINVAL for a null
// format; mingw-w64's snprintf sizes its output with _vscprintf.
int WINAPI _vscprintf_(const char *format, __builtin_ms_va_list ap);
int WINAPI _scprintf_(const char *format, ...);
int WINAPI sprintf_(char *buffer, const char *format, ...);
int WINAPI _snprintf_(char *buffer, size_t count, const char *format, ...);
// _vsnwprintf: the wide form (count in WCHARs), formatted by the same engine.
int WINAPI _vsnwprintf_(WCHAR *buffer, size_t count, const WCHAR *format,
                        __builtin_ms_va_list ap);
// setvbuf: the three streams are unbuffered (every write goes straight to its fd), so a valid
// request is accepted and changes nothing; an invalid mode or size is EINVAL.
int WINAPI setvbuf_(IoBuf *stream, char *buffer, int mode, size_t size);
// _read/_close on the low-level descriptors: 0, 1 and 2 (the only ones, backed by the host's
// standard fds, which _close marks closed without closing the host's); others are EBADF.
int WINAPI _read_(int fd, void *buffer, unsigned int count);
int WINAPI _close_(int fd);
// Whether standard fd 0, 1 or 2 is open (not _close'd).
bool StdFdOpen(int fd);

// Low-level I/O beyond the standard fds (msvcrt/lowio.cc): _open_osfhandle gives a HANDLE an
// fd of its own (3 and up; msvcrt's table holds 2048), whose _read/_write/_close go through
// kernel32's ReadFile/WriteFile/CloseHandle, so any handle kind those know works here. fds 0-2
// keep the host's standard fds. Binary semantics: no CR-LF translation in text mode.
int WINAPI _lowio_read(int fd, void *buffer, unsigned int count);
int WINAPI _lowio_close(int fd);
int WINAPI _write_(int fd, const void *buffer, unsigned int count);
int WINAPI _isatty_(int fd);
int WINAPI _fileno_(IoBuf *stream);
intptr_t WINAPI _get_osfhandle_(int fd);
int WINAPI _open_osfhandle_(intptr_t osfhandle, int flags);

// FILE streams on files (msvcrt/files.cc): fopen opens through kernel32's CreateFile and
// _open_osfhandle; the stream functions of msvcrt.cc and lowio.cc hand such streams to these.
bool IsFileStream(const IoBuf *stream);
bool FileStreamWrite(IoBuf *stream, const char *data, size_t size);
int FileStreamGetc(IoBuf *stream);
int FileStreamUngetc(int c, IoBuf *stream);
IoBuf *WINAPI fopen_(const char *filename, const char *mode);
IoBuf *WINAPI _wfopen_(const WCHAR *filename, const WCHAR *mode);
int WINAPI fclose_(IoBuf *stream);
size_t WINAPI fread_(void *buffer, size_t size, size_t count, IoBuf *stream);
int WINAPI fseek_(IoBuf *stream, LONG offset, int origin);
int WINAPI _fseeki64_(IoBuf *stream, int64_t offset, int origin);
LONG WINAPI ftell_(IoBuf *stream);
int64_t WINAPI _ftelli64_(IoBuf *stream);
void WINAPI rewind_(IoBuf *stream);
int WINAPI ferror_(IoBuf *stream);
// fpos_t is a 64-bit offset in msvcrt.
int WINAPI fgetpos_(IoBuf *stream, int64_t *pos);
int WINAPI fsetpos_(IoBuf *stream, const int64_t *pos);
IoBuf *WINAPI _fdopen_(int fd, const char *mode);

// Wide stdio and low-level file queries (msvcrt/wide_stdio.cc).
// msvcrt's struct _stat64 (56 bytes on x64).
struct Stat64 {
  unsigned int st_dev;
  unsigned short st_ino, st_mode;
  short st_nlink, st_uid, st_gid;
  unsigned int st_rdev;
  int64_t st_size;
  int64_t st_atime_, st_mtime_, st_ctime_;
};
static_assert(sizeof(Stat64) == 56);
WCHAR WINAPI fputwc_(WCHAR c, IoBuf *stream);
WCHAR WINAPI fgetwc_(IoBuf *stream);
WCHAR WINAPI ungetwc_(WCHAR c, IoBuf *stream);
int WINAPI vfwprintf_(IoBuf *stream, const WCHAR *format, __builtin_ms_va_list ap);
int WINAPI fwprintf_(IoBuf *stream, const WCHAR *format, ...);
int WINAPI wprintf_(const WCHAR *format, ...);
int64_t WINAPI _lseeki64_(int fd, int64_t offset, int origin);
int WINAPI _fstat64_(int fd, Stat64 *buffer);
int64_t WINAPI _filelengthi64_(int fd);
// _dup: a new fd (3 and up) with a duplicate of the fd's handle (DuplicateHandle).
int WINAPI _dup_(int fd);
char *WINAPI _strdup_(const char *s);
WCHAR *WINAPI _wcsdup_(const WCHAR *s);
// rand/srand: msvcrt's generator (holdrand * 214013 + 2531011, bits 16-30), seeded per thread
// with 1.
int WINAPI rand_(void);
void WINAPI srand_(unsigned int seed);
// time/_time64: seconds since 1970 (time_t is 64 bits in the x64 msvcrt).
int64_t WINAPI _time64_(int64_t *timer);
int WINAPI _getpid_(void);
// _setmode: records _O_TEXT / _O_BINARY (no translation is done either way) and returns the
// previous mode; fds 0-2 start in text mode, _open_osfhandle's in binary unless _O_TEXT.
int WINAPI _setmode_(int fd, int mode);
// _kbhit: whether a key is waiting on the terminal (stdin, when it is one; 0 otherwise, as
// Windows' console input is not a redirected stdin).
int WINAPI _kbhit_(void);
// gets: a line of stdin without its newline; null at the end of the input with nothing read.
char *WINAPI gets_(char *buffer);
// Reading the standard streams (only stdin can be read; the others are EBADF, as msvcrt's
// write-only stdout): fgetc/getc, fgets; the end of input sets the stream's _IOEOF flag, which
// feof reports and clearerr clears. Unbuffered, like the rest of the three streams.
int WINAPI fgetc_(IoBuf *stream);
// ungetc: one character back into stdin, read first by fgetc, getc, getchar, fgets and gets.
int WINAPI ungetc_(int c, IoBuf *stream);
int WINAPI getchar_stdin(void);
char *WINAPI fgets_(char *buffer, int count, IoBuf *stream);
int WINAPI feof_(IoBuf *stream);
void WINAPI clearerr_(IoBuf *stream);
// _beginthreadex/_endthreadex: kernel32's CreateThread/ExitThread, with msvcrt's errors (0 and
// EINVAL for a null start routine; EAGAIN when no thread can be made).
uintptr_t WINAPI _beginthreadex_(void *security, unsigned stack_size,
                                 unsigned(WINAPI *start)(void *), void *arglist,
                                 unsigned initflag, unsigned *thrdaddr);
[[noreturn]] void WINAPI _endthreadex_(unsigned retval);

// Strings, characters, conversions (msvcrt/strings.cc).
int *WINAPI _errno_(void);
int WINAPI atoi_(const char *s);
LONG WINAPI atol_(const char *s);
long long WINAPI _atoi64_(const char *s);
LONG WINAPI strtol_(const char *s, char **end, int base);
ULONG WINAPI strtoul_(const char *s, char **end, int base);
char *WINAPI strchr_(const char *s, int c);
char *WINAPI strrchr_(const char *s, int c);
char *WINAPI strstr_(const char *haystack, const char *needle);
char *WINAPI strcpy_(char *d, const char *s);
char *WINAPI strncpy_(char *d, const char *s, size_t n);
char *WINAPI strcat_(char *d, const char *s);
int WINAPI _stricmp_(const char *a, const char *b);
int WINAPI _strnicmp_(const char *a, const char *b, size_t n);
int WINAPI tolower_(int c);
int WINAPI toupper_(int c);
int WINAPI isspace_(int c);
int WINAPI isdigit_(int c);
int WINAPI isalpha_(int c);
int WINAPI isxdigit_(int c);
int WINAPI isupper_(int c);
int WINAPI islower_(int c);
int WINAPI isalnum_(int c);
int WINAPI putchar_(int c);
int WINAPI getchar_(void);
void *WINAPI memchr_(const void *s, int c, size_t n);
char *WINAPI getenv_(const char *name);
// strerror: msvcrt's own messages for its errno values ("Unknown error" past 42).
char *WINAPI strerror_(int errnum);
// wcsncpy_s: EINVAL for a null or empty destination or a null source, ERANGE when the copy does
// not fit, STRUNCATE when count is _TRUNCATE and it was cut; the destination is "" on error.
int WINAPI wcsncpy_s_(WCHAR *dest, size_t dest_size, const WCHAR *src, size_t count);

// The "C" locale (msvcrt/locale.cc): msvcrt.dll's struct lconv (88 bytes on x64, no wide
// members), its code page (0: CP_ACP) and MB_CUR_MAX (1).
struct Lconv {
  char *decimal_point, *thousands_sep, *grouping, *int_curr_symbol, *currency_symbol,
      *mon_decimal_point, *mon_thousands_sep, *mon_grouping, *positive_sign, *negative_sign;
  char int_frac_digits, frac_digits, p_cs_precedes, p_sep_by_space, n_cs_precedes,
      n_sep_by_space, p_sign_posn, n_sign_posn;
};
static_assert(sizeof(Lconv) == 88);
Lconv *WINAPI localeconv_(void);
// Case, classes, collation, setlocale and system (msvcrt/text.cc), in the "C" locale.
char *WINAPI _strlwr_(char *s);
char *WINAPI _strupr_(char *s);
WCHAR *WINAPI _wcslwr_(WCHAR *s);
WCHAR *WINAPI _wcsupr_(WCHAR *s);
WCHAR *WINAPI wcscat_(WCHAR *d, const WCHAR *s);
WCHAR *WINAPI wcsstr_(const WCHAR *haystack, const WCHAR *needle);
int WINAPI _vswprintf_(WCHAR *buffer, const WCHAR *format, __builtin_ms_va_list ap);
int WINAPI _swprintf_(WCHAR *buffer, const WCHAR *format, ...);
// wmain programs: the arguments, environment and command line in UTF-16.
int WINAPI __wgetmainargs(int *argc, WCHAR ***argv, WCHAR ***env, int, void *);
WCHAR *WINAPI _wgetenv_(const WCHAR *name);
extern WCHAR **g_winitenv;
extern WCHAR *g_wcmdln;
WCHAR WINAPI towlower_(WCHAR c);
WCHAR WINAPI towupper_(WCHAR c);
int WINAPI iswctype_(WCHAR c, unsigned short type);
int WINAPI strcoll_(const char *a, const char *b);
int WINAPI wcscoll_(const WCHAR *a, const WCHAR *b);
size_t WINAPI strxfrm_(char *d, const char *s, size_t n);
size_t WINAPI wcsxfrm_(WCHAR *d, const WCHAR *s, size_t n);
char *WINAPI setlocale_(int category, const char *locale);
WCHAR *WINAPI _wsetlocale_(int category, const WCHAR *locale);
int WINAPI system_(const char *command);
int WINAPI _wsystem_(const WCHAR *command);
// msvcrt's struct tm: the C standard's nine ints.
struct MsTm {
  int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
};
size_t WINAPI strftime_(char *d, size_t max, const char *format, const MsTm *t);
size_t WINAPI wcsftime_(WCHAR *d, size_t max, const WCHAR *format, const MsTm *t);
MsTm *WINAPI _localtime64_(const int64_t *timer);
MsTm *WINAPI _gmtime64_(const int64_t *timer);
int64_t WINAPI _mktime64_(MsTm *t);
UINT WINAPI ___lc_codepage_func(void);
int WINAPI ___mb_cur_max_func(void);

// Start-up of a console EXE (msvcrt/startup.cc).
using OnExitFn = int(WINAPI *)(void);
using SignalHandler = void(WINAPI *)(int);
void SetMainArgs(const std::vector<std::string> &args);  // for ws2emu-run
extern char **g_initenv;
extern char *g_acmdln;
extern int g_fmode;
extern int g_commode;
int WINAPI __getmainargs(int *argc, char ***argv, char ***env, int do_wildcard, void *startup);
void WINAPI __set_app_type(int type);
void WINAPI __setusermatherr(void *handler);
OnExitFn WINAPI _onexit(OnExitFn fn);
void WINAPI _cexit(void);
[[noreturn]] void WINAPI exit_(int code);
SignalHandler WINAPI signal_(int sig, SignalHandler handler);
// The language handler of MSVC's __try/__except/__finally (msvcrt/seh.cc): runs the filters
// of the scope table in the search phase (unwinding to the __except block a filter accepts)
// and the __finally blocks in the unwind phase.
int WINAPI __C_specific_handler(void *record, void *frame, void *context, void *dispatch);

}  // namespace ws2emu::emu::msvcrt

#endif  // WS2EMU_EMU_MSVCRT_MSVCRT_H_
