// The kernel32, user32 and msvcrt calls console socket programs import beside Winsock
// (GetComputerName(Ex), GetStdHandle/ReadFile/WriteFile on the standard handles, LoadCursor,
// LoadIcon, _get_osfhandle, _open_osfhandle, _isatty, _strdup, rand, time, ...), called as PE
// code calls them: through their ms_abi addresses in the export tables.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "common/builtin_export.h"
#include "ws2emu/ws2emu.h"

namespace {

using ws2emu::testing::Crt;
using ws2emu::testing::Export;
using ws2emu::testing::K32;

using GetStdHandleFn = HANDLE(WINAPI *)(DWORD);
using ReadFileFn = BOOL(WINAPI *)(HANDLE, void *, DWORD, DWORD *, OVERLAPPED *);
using WriteFileFn = BOOL(WINAPI *)(HANDLE, const void *, DWORD, DWORD *, OVERLAPPED *);
using CloseHandleFn = BOOL(WINAPI *)(HANDLE);
using GetFileTypeFn = DWORD(WINAPI *)(HANDLE);

constexpr DWORD kStdIn = static_cast<DWORD>(-10), kStdOut = static_cast<DWORD>(-11),
                kStdErr = static_cast<DWORD>(-12);

int Errno() { return *Crt<int *(WINAPI *)(void)>("_errno")(); }

std::string HostName() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return host;
}

// Replaces a standard fd with one end of a pipe for the life of the object.
class PipedStdFd {
 public:
  PipedStdFd(int std_fd) : std_fd_(std_fd) {
    saved_ = dup(std_fd);
    EXPECT_EQ(pipe(ends_), 0);
    dup2(std_fd == 0 ? ends_[0] : ends_[1], std_fd);
  }
  ~PipedStdFd() {
    dup2(saved_, std_fd_);
    close(saved_);
    close(ends_[0]);
    close(ends_[1]);
  }
  int read_end() const { return ends_[0]; }
  void CloseWriteEnd() {
    close(ends_[1]);
    ends_[1] = -1;
  }
  int write_end() const { return ends_[1]; }

 private:
  int std_fd_, saved_, ends_[2];
};

// GetComputerNameA: the NetBIOS name (the host name up to its first dot, upper case, at most 15
// characters); a short buffer is ERROR_BUFFER_OVERFLOW with the size needed, NUL included.
TEST(GetComputerName, NetBiosNameAndBufferProtocol) {
  auto get = K32<BOOL(WINAPI *)(char *, DWORD *)>("GetComputerNameA");
  std::string want = HostName().substr(0, HostName().find('.')).substr(0, 15);
  for (char &c : want) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  char name[64];
  DWORD size = 1;
  ws2emu_SetLastError(0);
  EXPECT_FALSE(get(name, &size));
  EXPECT_EQ(ws2emu_GetLastError(), 111u);  // ERROR_BUFFER_OVERFLOW
  EXPECT_EQ(size, want.size() + 1);
  size = sizeof(name);
  ASSERT_TRUE(get(name, &size));
  EXPECT_EQ(size, want.size());
  EXPECT_EQ(std::string(name), want);
  WCHAR wide[64];
  size = 64;
  ASSERT_TRUE(K32<BOOL(WINAPI *)(WCHAR *, DWORD *)>("GetComputerNameW")(wide, &size));
  EXPECT_EQ(size, want.size());
  EXPECT_EQ(wide[0], static_cast<WCHAR>(want[0]));
}

// GetComputerNameExA: the DNS host name as is; ERROR_MORE_DATA when short; a format past
// ComputerNamePhysicalDnsFullyQualified is ERROR_INVALID_PARAMETER.
TEST(GetComputerNameEx, FormatsAndErrors) {
  auto get = K32<BOOL(WINAPI *)(int, char *, DWORD *)>("GetComputerNameExA");
  std::string host = HostName().substr(0, HostName().find('.'));
  char name[256];
  DWORD size = 0;
  EXPECT_FALSE(get(1, nullptr, &size));
  EXPECT_EQ(ws2emu_GetLastError(), 234u);  // ERROR_MORE_DATA
  EXPECT_EQ(size, host.size() + 1);
  size = sizeof(name);
  ASSERT_TRUE(get(1, name, &size));  // ComputerNameDnsHostname
  EXPECT_EQ(std::string(name), host);
  size = sizeof(name);
  ASSERT_TRUE(get(3, name, &size));  // ComputerNameDnsFullyQualified
  EXPECT_EQ(std::string(name).substr(0, host.size()), host);
  size = sizeof(name);
  EXPECT_FALSE(get(8, name, &size));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  WCHAR wide[256];
  size = 256;
  ASSERT_TRUE(K32<BOOL(WINAPI *)(int, WCHAR *, DWORD *)>("GetComputerNameExW")(1, wide, &size));
  EXPECT_EQ(size, host.size());
}

// LoadCursor/LoadIcon with a null instance: one shared handle per predefined id, the same from
// the A and W forms and on every call; other ids and module resources are not found.
TEST(LoadCursorIcon, PredefinedHandlesAreShared) {
  using LoadA = void *(WINAPI *)(HINSTANCE, const char *);
  using LoadW = void *(WINAPI *)(HINSTANCE, const WCHAR *);
  auto cursor_a = Export<LoadA>("USER32.dll", "LoadCursorA");
  auto cursor_w = Export<LoadW>("USER32.dll", "LoadCursorW");
  auto icon_a = Export<LoadA>("USER32.dll", "LoadIconA");
  auto icon_w = Export<LoadW>("USER32.dll", "LoadIconW");
  auto id = [](uintptr_t n) { return reinterpret_cast<const char *>(n); };
  auto wid = [](uintptr_t n) { return reinterpret_cast<const WCHAR *>(n); };
  void *arrow = cursor_a(nullptr, id(32512));  // IDC_ARROW
  ASSERT_NE(arrow, nullptr);
  EXPECT_EQ(cursor_a(nullptr, id(32512)), arrow);
  EXPECT_EQ(cursor_w(nullptr, wid(32512)), arrow);
  EXPECT_NE(cursor_a(nullptr, id(32513)), arrow);  // IDC_IBEAM
  void *app = icon_a(nullptr, id(32512));          // IDI_APPLICATION
  ASSERT_NE(app, nullptr);
  EXPECT_NE(app, arrow);
  EXPECT_EQ(icon_w(nullptr, wid(32512)), app);
  ws2emu_SetLastError(0);
  EXPECT_EQ(cursor_a(nullptr, id(1)), nullptr);
  EXPECT_EQ(ws2emu_GetLastError(), 1814u);  // ERROR_RESOURCE_NAME_NOT_FOUND
  EXPECT_EQ(icon_a(nullptr, "MYICON"), nullptr);
  EXPECT_EQ(cursor_a(reinterpret_cast<HINSTANCE>(0x400000), id(32512)), nullptr);
}

// GetStdHandle and ReadFile/WriteFile on the standard handles (host fds 0, 1, 2, here pipes):
// the bytes pass; a pipe whose writer is gone is ERROR_BROKEN_PIPE; bad handles and ids fail.
TEST(ConsoleHandles, ReadAndWriteThroughPipes) {
  auto std_handle = K32<GetStdHandleFn>("GetStdHandle");
  auto read_file = K32<ReadFileFn>("ReadFile");
  auto write_file = K32<WriteFileFn>("WriteFile");
  auto file_type = K32<GetFileTypeFn>("GetFileType");
  HANDLE in = std_handle(kStdIn), err = std_handle(kStdErr);
  ASSERT_NE(in, nullptr);
  ASSERT_NE(in, INVALID_HANDLE_VALUE);
  EXPECT_NE(std_handle(kStdOut), in);
  EXPECT_EQ(std_handle(5), INVALID_HANDLE_VALUE);
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  {
    PipedStdFd piped(2);
    DWORD written = 0;
    ASSERT_TRUE(write_file(err, "hello", 5, &written, nullptr));
    EXPECT_EQ(written, 5u);
    char got[8] = {};
    EXPECT_EQ(read(piped.read_end(), got, sizeof(got)), 5);
    EXPECT_STREQ(got, "hello");
    EXPECT_EQ(file_type(err), 3u);  // FILE_TYPE_PIPE
  }
  {
    PipedStdFd piped(0);
    ASSERT_EQ(write(piped.write_end(), "abc", 3), 3);
    char got[8] = {};
    DWORD count = 0;
    ASSERT_TRUE(read_file(in, got, sizeof(got), &count, nullptr));
    EXPECT_EQ(count, 3u);
    EXPECT_STREQ(got, "abc");
    piped.CloseWriteEnd();
    EXPECT_FALSE(read_file(in, got, sizeof(got), &count, nullptr));
    EXPECT_EQ(ws2emu_GetLastError(), 109u);  // ERROR_BROKEN_PIPE
    EXPECT_EQ(count, 0u);
  }
  DWORD count = 0;
  char byte = 0;
  EXPECT_FALSE(write_file(reinterpret_cast<HANDLE>(0x1234), &byte, 1, &count, nullptr));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_FALSE(read_file(nullptr, &byte, 1, &count, nullptr));
  EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

// CloseHandle on a standard handle closes it for the program (the host's fd stays open): a
// second close and any I/O are ERROR_INVALID_HANDLE. In a child, since it cannot be undone.
TEST(ConsoleHandles, CloseHandleClosesForTheProgram) {
  pid_t pid = fork();
  if (pid == 0) {
    HANDLE in = K32<GetStdHandleFn>("GetStdHandle")(kStdIn);
    auto close_handle = K32<CloseHandleFn>("CloseHandle");
    if (!close_handle(in)) _exit(1);
    if (close_handle(in) || ws2emu_GetLastError() != ERROR_INVALID_HANDLE) _exit(2);
    char byte;
    DWORD count;
    if (K32<ReadFileFn>("ReadFile")(in, &byte, 1, &count, nullptr)) _exit(3);
    if (fcntl(0, F_GETFD) < 0) _exit(4);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// _get_osfhandle / _open_osfhandle / _write / _read / _close / _isatty / _fileno.
TEST(MsvcrtLowIo, HandlesAndDescriptors) {
  auto get_osfhandle = Crt<intptr_t(WINAPI *)(int)>("_get_osfhandle");
  auto open_osfhandle = Crt<int(WINAPI *)(intptr_t, int)>("_open_osfhandle");
  auto crt_write = Crt<int(WINAPI *)(int, const void *, unsigned)>("_write");
  auto crt_read = Crt<int(WINAPI *)(int, void *, unsigned)>("_read");
  auto crt_close = Crt<int(WINAPI *)(int)>("_close");
  auto isatty_ = Crt<int(WINAPI *)(int)>("_isatty");
  auto fileno_ = Crt<int(WINAPI *)(void *)>("_fileno");
  auto iob = Crt<char *(WINAPI *)(void)>("__iob_func");
  HANDLE err = K32<GetStdHandleFn>("GetStdHandle")(kStdErr);
  EXPECT_EQ(get_osfhandle(2), reinterpret_cast<intptr_t>(err));
  EXPECT_EQ(get_osfhandle(99), -1);
  EXPECT_EQ(Errno(), EBADF);
  EXPECT_EQ(fileno_(iob() + 48), 1);  // stdout is the second 48-byte FILE
  EXPECT_EQ(fileno_(nullptr), -1);
  EXPECT_EQ(Errno(), EINVAL);
  EXPECT_EQ(open_osfhandle(reinterpret_cast<intptr_t>(INVALID_HANDLE_VALUE), 0), -1);
  EXPECT_EQ(Errno(), EBADF);
  {
    PipedStdFd piped(2);
    EXPECT_EQ(isatty_(2), 0);
    EXPECT_EQ(crt_write(2, "xy", 2), 2);
    int fd = open_osfhandle(reinterpret_cast<intptr_t>(err), 0);
    ASSERT_GE(fd, 3);
    EXPECT_EQ(get_osfhandle(fd), reinterpret_cast<intptr_t>(err));
    EXPECT_EQ(isatty_(fd), 0);
    EXPECT_EQ(crt_write(fd, "z", 1), 1);
    char got[8] = {};
    EXPECT_EQ(read(piped.read_end(), got, sizeof(got)), 3);
    EXPECT_STREQ(got, "xyz");
    // Closing the fd closes its handle, as msvcrt does: in a child, since stderr is shared.
    pid_t pid = fork();
    if (pid == 0) _exit(crt_close(fd) == 0 && crt_close(fd) == -1 && Errno() == EBADF ? 0 : 1);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  {
    PipedStdFd piped(0);
    ASSERT_EQ(write(piped.write_end(), "q", 1), 1);
    int fd = open_osfhandle(get_osfhandle(0), 0);
    ASSERT_GE(fd, 3);
    char got = 0;
    EXPECT_EQ(crt_read(fd, &got, 1), 1);
    EXPECT_EQ(got, 'q');
    piped.CloseWriteEnd();
    EXPECT_EQ(crt_read(fd, &got, 1), 0);  // a broken pipe is the end of the input
  }
  EXPECT_EQ(crt_write(1999, "x", 1), -1);
  EXPECT_EQ(Errno(), EBADF);
}

// _strdup/_wcsdup copy with msvcrt's malloc (free releases them); null gives null.
TEST(MsvcrtHelpers, DupRandTimePid) {
  auto strdup_ = Crt<char *(WINAPI *)(const char *)>("_strdup");
  auto wcsdup_ = Crt<WCHAR *(WINAPI *)(const WCHAR *)>("_wcsdup");
  auto free_ = Crt<void(WINAPI *)(void *)>("free");
  char *copy = strdup_("socket");
  ASSERT_NE(copy, nullptr);
  EXPECT_STREQ(copy, "socket");
  free_(copy);
  EXPECT_EQ(strdup_(nullptr), nullptr);
  WCHAR *wcopy = wcsdup_(reinterpret_cast<const WCHAR *>(u"w\u00e9"));
  ASSERT_NE(wcopy, nullptr);
  EXPECT_EQ(std::u16string(reinterpret_cast<char16_t *>(wcopy)), u"w\u00e9");
  free_(wcopy);
  // msvcrt's generator from seed 1: 41, 18467, 6334, 26500, 19169.
  auto srand_ = Crt<void(WINAPI *)(unsigned)>("srand");
  auto rand_ = Crt<int(WINAPI *)(void)>("rand");
  srand_(1);
  EXPECT_EQ(rand_(), 41);
  EXPECT_EQ(rand_(), 18467);
  EXPECT_EQ(rand_(), 6334);
  EXPECT_EQ(rand_(), 26500);
  EXPECT_EQ(rand_(), 19169);
  auto time64 = Crt<int64_t(WINAPI *)(int64_t *)>("_time64");
  int64_t stored = 0, now = time64(&stored);
  EXPECT_EQ(stored, now);
  EXPECT_LE(std::abs(now - static_cast<int64_t>(std::time(nullptr))), 2);
  EXPECT_EQ(Crt<int64_t(WINAPI *)(int64_t *)>("time")(nullptr) / 10, now / 10);
  EXPECT_EQ(Crt<int(WINAPI *)(void)>("_getpid")(), getpid());
}

// _setmode returns the previous mode (fds 0-2 start in text mode); a bad mode is EINVAL, a bad
// fd EBADF. _dup gives a new fd on a duplicate handle that closes on its own.
TEST(MsvcrtLowIo, SetModeAndDup) {
  auto setmode = Crt<int(WINAPI *)(int, int)>("_setmode");
  auto dup_ = Crt<int(WINAPI *)(int)>("_dup");
  auto crt_write = Crt<int(WINAPI *)(int, const void *, unsigned)>("_write");
  auto crt_close = Crt<int(WINAPI *)(int)>("_close");
  constexpr int kText = 0x4000, kBinary = 0x8000;
  EXPECT_EQ(setmode(1, kBinary), kText);
  EXPECT_EQ(setmode(1, kText), kBinary);
  EXPECT_EQ(setmode(1, 0x1234), -1);
  EXPECT_EQ(Errno(), EINVAL);
  EXPECT_EQ(setmode(1500, kBinary), -1);
  EXPECT_EQ(Errno(), EBADF);
  PipedStdFd piped(2);
  int fd = dup_(2);
  ASSERT_GE(fd, 3);
  EXPECT_EQ(setmode(fd, kBinary), kText);  // the copy keeps the original's mode
  EXPECT_EQ(crt_write(fd, "d", 1), 1);
  EXPECT_EQ(crt_close(fd), 0);
  EXPECT_EQ(crt_write(2, "e", 1), 1);  // fd 2 and its handle are still open
  char got[4] = {};
  EXPECT_EQ(read(piped.read_end(), got, sizeof(got)), 2);
  EXPECT_STREQ(got, "de");
  EXPECT_EQ(dup_(1700), -1);
  EXPECT_EQ(Errno(), EBADF);
}

// gets: one line of stdin without its newline (or CR-LF), null at the end of the input; _kbhit
// is 0 when stdin is no terminal.
TEST(MsvcrtLowIo, GetsAndKbhit) {
  auto gets_ = Crt<char *(WINAPI *)(char *)>("gets");
  PipedStdFd piped(0);
  ASSERT_EQ(write(piped.write_end(), "one\r\ntwo", 8), 8);
  piped.CloseWriteEnd();
  EXPECT_EQ(Crt<int(WINAPI *)(void)>("_kbhit")(), 0);
  char line[16];
  ASSERT_EQ(gets_(line), line);
  EXPECT_STREQ(line, "one");
  ASSERT_EQ(gets_(line), line);
  EXPECT_STREQ(line, "two");
  EXPECT_EQ(gets_(line), nullptr);
}

// The console calls on a terminal (a pseudo-terminal as stdout, in a child): colours as ANSI SGR,
// the size from the terminal, FreeConsole detaching; on a pipe they fail as redirected output.
TEST(ConsoleHandles, TerminalCallsAndFreeConsole) {
  using InfoFn = BOOL(WINAPI *)(HANDLE, void *);
  using AttrFn = BOOL(WINAPI *)(HANDLE, WORD);
  HANDLE out = K32<GetStdHandleFn>("GetStdHandle")(kStdOut);
  {
    PipedStdFd piped(1);
    char info[22];
    EXPECT_FALSE(K32<InfoFn>("GetConsoleScreenBufferInfo")(out, info));
    EXPECT_EQ(ws2emu_GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    EXPECT_FALSE(K32<AttrFn>("SetConsoleTextAttribute")(out, 0x0c));
  }
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) GTEST_SKIP() << "no pty";
  pid_t pid = fork();
  if (pid == 0) {
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    winsize ws{};
    ws.ws_col = 100;
    ws.ws_row = 30;
    if (slave < 0 || ioctl(slave, TIOCSWINSZ, &ws) != 0 || dup2(slave, 1) < 0) _exit(1);
    if (!K32<AttrFn>("SetConsoleTextAttribute")(out, 0x0c)) _exit(2);  // bright red on black
    SHORT info[11];
    if (!K32<InfoFn>("GetConsoleScreenBufferInfo")(out, info)) _exit(3);
    if (info[0] != 100 || info[1] != 30 || info[4] != 0x0c) _exit(4);
    if (!K32<BOOL(WINAPI *)(void)>("FreeConsole")()) _exit(5);
    DWORD written;
    if (K32<WriteFileFn>("WriteFile")(out, "x", 1, &written, nullptr)) _exit(6);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  char sgr[32] = {};
  ssize_t n = read(master, sgr, sizeof(sgr) - 1);
  close(master);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_GT(n, 0);
  EXPECT_STREQ(sgr, "\x1b[0;91;40m");
}

// DuplicateHandle on a standard handle: a second console handle to the same output, closed on
// its own.
TEST(ConsoleHandles, DuplicateHandle) {
  using DupFn = BOOL(WINAPI *)(HANDLE, HANDLE, HANDLE, HANDLE *, DWORD, BOOL, DWORD);
  HANDLE err = K32<GetStdHandleFn>("GetStdHandle")(kStdErr);
  HANDLE self = ws2emu_GetCurrentProcess(), copy = nullptr;
  ASSERT_TRUE(K32<DupFn>("DuplicateHandle")(self, err, self, &copy, 0, FALSE, 2));
  EXPECT_NE(copy, err);
  PipedStdFd piped(2);
  DWORD written = 0;
  EXPECT_TRUE(K32<WriteFileFn>("WriteFile")(copy, "c", 1, &written, nullptr));
  EXPECT_TRUE(K32<CloseHandleFn>("CloseHandle")(copy));
  EXPECT_FALSE(K32<WriteFileFn>("WriteFile")(copy, "c", 1, &written, nullptr));
  EXPECT_TRUE(K32<WriteFileFn>("WriteFile")(err, "d", 1, &written, nullptr));
  char got[4] = {};
  EXPECT_EQ(read(piped.read_end(), got, sizeof(got)), 2);
  EXPECT_STREQ(got, "cd");
}

// WSOCK32.dll: Winsock 1.1's ordinals over ws2_32's functions (10-12 differ: ioctlsocket is 12),
// and getsockopt/setsockopt with winsock.h's IPPROTO_IP numbers (IP_TTL 7, IP_TOS 8).
TEST(Wsock32, OrdinalsAndWinsock1OptionNumbers) {
  EXPECT_EQ(ws2emu_find_export_ordinal("WSOCK32.dll", 12), ws2emu_find_export("WS2_32.dll", "ioctlsocket"));
  EXPECT_EQ(ws2emu_find_export_ordinal("WSOCK32.dll", 1), ws2emu_find_export("WS2_32.dll", "accept"));
  EXPECT_EQ(ws2emu_find_export_ordinal("WSOCK32.dll", 115), ws2emu_find_export("WS2_32.dll", "WSAStartup"));
  EXPECT_EQ(ws2emu_find_export_ordinal("WSOCK32", 151), ws2emu_find_export("WS2_32.dll", "__WSAFDIsSet"));
  EXPECT_EQ(ws2emu_find_export("WSOCK32.dll", "recv"), ws2emu_find_export("WS2_32.dll", "recv"));
  EXPECT_EQ(ws2emu_find_export("WSOCK32.dll", "WSARecvEx"), nullptr);  // absent until needed

  using StartupFn = int(WSAAPI *)(WORD, WSADATA *);
  using SocketFn = SOCKET(WSAAPI *)(int, int, int);
  using SetFn = int(WSAAPI *)(SOCKET, int, int, const char *, int);
  using GetFn = int(WSAAPI *)(SOCKET, int, int, char *, int *);
  WSADATA data;
  ASSERT_EQ(Export<StartupFn>("WSOCK32.dll", "WSAStartup")(0x0101, &data), 0);
  SOCKET s = Export<SocketFn>("WSOCK32.dll", "socket")(2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0);
  ASSERT_NE(s, static_cast<SOCKET>(~0ull));
  int ttl = 33;
  ASSERT_EQ(Export<SetFn>("WSOCK32.dll", "setsockopt")(s, 0, 7, reinterpret_cast<char *>(&ttl), 4), 0);
  int got = 0, len = 4;
  ASSERT_EQ(Export<GetFn>("WS2_32.dll", "getsockopt")(s, 0, 4 /* ws2ipdef IP_TTL */,
                                                        reinterpret_cast<char *>(&got), &len), 0);
  EXPECT_EQ(got, 33);
  got = 0;
  ASSERT_EQ(Export<GetFn>("WSOCK32.dll", "getsockopt")(s, 0, 7, reinterpret_cast<char *>(&got), &len), 0);
  EXPECT_EQ(got, 33);
  Export<int(WSAAPI *)(SOCKET)>("WSOCK32.dll", "closesocket")(s);
  Export<int(WSAAPI *)(void)>("WSOCK32.dll", "WSACleanup")();
}

// fgets/fgetc/getc/getchar on stdin, ungetc's one character, the end of input in feof until
// clearerr; stdout cannot be read.
TEST(MsvcrtStreams, ReadStdin) {
  auto iob = Crt<char *(WINAPI *)(void)>("__iob_func");
  void *in = iob(), *out = iob() + 48;
  auto fgets_ = Crt<char *(WINAPI *)(char *, int, void *)>("fgets");
  auto fgetc_ = Crt<int(WINAPI *)(void *)>("fgetc");
  auto feof_ = Crt<int(WINAPI *)(void *)>("feof");
  auto clearerr_ = Crt<void(WINAPI *)(void *)>("clearerr");
  PipedStdFd piped(0);
  ASSERT_EQ(write(piped.write_end(), "ab\ncdefg", 8), 8);
  piped.CloseWriteEnd();
  char line[4];
  ASSERT_EQ(fgets_(line, sizeof(line), in), line);
  EXPECT_STREQ(line, "ab\n");
  ASSERT_EQ(fgets_(line, sizeof(line), in), line);  // count - 1 characters at most
  EXPECT_STREQ(line, "cde");
  EXPECT_EQ(Crt<int(WINAPI *)(void *)>("getc")(in), 'f');
  auto ungetc_ = Crt<int(WINAPI *)(int, void *)>("ungetc");
  EXPECT_EQ(ungetc_('F', in), 'F');  // one character back, read first
  EXPECT_EQ(ungetc_('G', in), -1);   // only one
  EXPECT_EQ(Crt<int(WINAPI *)(void)>("getchar")(), 'F');
  EXPECT_EQ(ungetc_(-1, in), -1);
  EXPECT_EQ(fgetc_(in), 'g');
  EXPECT_EQ(feof_(in), 0);
  EXPECT_EQ(fgetc_(in), -1);
  EXPECT_NE(feof_(in), 0);
  EXPECT_EQ(fgets_(line, sizeof(line), in), nullptr);
  clearerr_(in);
  EXPECT_EQ(feof_(in), 0);
  EXPECT_EQ(fgetc_(out), -1);
  EXPECT_EQ(Errno(), EBADF);
  EXPECT_EQ(fgets_(line, 0, in), nullptr);
  EXPECT_EQ(Errno(), EINVAL);
}

TEST(MsvcrtHelpers, CharacterClasses) {
  EXPECT_NE(Crt<int(WINAPI *)(int)>("isxdigit")('F'), 0);
  EXPECT_EQ(Crt<int(WINAPI *)(int)>("isxdigit")('g'), 0);
  EXPECT_NE(Crt<int(WINAPI *)(int)>("isupper")('Q'), 0);
  EXPECT_EQ(Crt<int(WINAPI *)(int)>("isupper")('q'), 0);
  EXPECT_NE(Crt<int(WINAPI *)(int)>("islower")('q'), 0);
  EXPECT_EQ(Crt<int(WINAPI *)(int)>("islower")('1'), 0);
}

unsigned WINAPI ThreadBody(void *arg) { return *static_cast<unsigned *>(arg) + 1; }
unsigned WINAPI EndingThreadBody(void *) {
  Crt<void(WINAPI *)(unsigned)>("_endthreadex")(77);
  return 0;
}

// _beginthreadex runs the routine on a thread whose handle waits and gives the exit code (the
// return value, or _endthreadex's); a null routine is EINVAL.
TEST(MsvcrtThreads, BeginThreadEx) {
  using BeginFn = uintptr_t(WINAPI *)(void *, unsigned, unsigned(WINAPI *)(void *), void *,
                                      unsigned, unsigned *);
  auto begin = Crt<BeginFn>("_beginthreadex");
  auto wait = K32<DWORD(WINAPI *)(HANDLE, DWORD)>("WaitForSingleObject");
  auto exit_code = K32<BOOL(WINAPI *)(HANDLE, DWORD *)>("GetExitCodeThread");
  unsigned value = 41, id = 0;
  auto h = reinterpret_cast<HANDLE>(begin(nullptr, 0, ThreadBody, &value, 0, &id));
  ASSERT_NE(h, nullptr);
  EXPECT_NE(id, 0u);
  ASSERT_EQ(wait(h, 10000), 0u);
  DWORD code = 0;
  ASSERT_TRUE(exit_code(h, &code));
  EXPECT_EQ(code, 42u);
  K32<CloseHandleFn>("CloseHandle")(h);
  h = reinterpret_cast<HANDLE>(begin(nullptr, 0, EndingThreadBody, nullptr, 0, nullptr));
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(wait(h, 10000), 0u);
  ASSERT_TRUE(exit_code(h, &code));
  EXPECT_EQ(code, 77u);
  K32<CloseHandleFn>("CloseHandle")(h);
  EXPECT_EQ(begin(nullptr, 0, nullptr, nullptr, 0, nullptr), 0u);
  EXPECT_EQ(Errno(), EINVAL);
}

}  // namespace
