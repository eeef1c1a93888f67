#include "win32/kernel32_find_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "base/utf.h"
#include "paths/paths.h"
#include "win32/emu_handle_table.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr DWORD kErrorFileNotFound = 2, kErrorNoMoreFiles = 18, kErrorInvalidName = 123;
constexpr DWORD kAttrReadOnly = 0x1, kAttrHidden = 0x2, kAttrSystem = 0x4, kAttrDirectory = 0x10,
                kAttrNormal = 0x80, kAttrReparsePoint = 0x400;
constexpr DWORD kIoReparseTagSymlink = 0xA000000Cu;
constexpr uint64_t kFileTimeUnixEpoch = 116444736000000000ull;  // 1601 to 1970 in 100 ns

struct Found {
  std::string name;  // as the folder has it (UTF-8)
  DWORD attributes;
  uint64_t created, accessed, written;  // FILETIME values
  uint64_t size;
  DWORD reserved0;
};

struct Search {
  std::vector<Found> entries;
  std::atomic<size_t> next{1};  // FindFirst returned entries[0]
};

EmuHandleTable<Search> g_searches(kFirstSearchSlot, kSearchSlots);

// Case folding as NTFS's upcase table does it for the scripts most names use: ASCII, Latin-1,
// Latin Extended-A, Greek and Cyrillic [inference: the rest of Unicode compares as written].
char16_t Fold(char16_t c) {
  if (c < 0x80) return c >= u'a' && c <= u'z' ? static_cast<char16_t>(c - 0x20) : c;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) ||
      (c >= 0x430 && c <= 0x44F))
    return static_cast<char16_t>(c - 0x20);
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    // Pairs (upper even, lower odd) except 0x139..0x148 and 0x179..0x17E, which pair odd/even.
    const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_upper) return (c & 1) == 0 ? static_cast<char16_t>(c - 1) : c;
    return (c & 1) == 1 ? static_cast<char16_t>(c - 1) : c;
  }
  if (c >= 0x450 && c <= 0x45F) return static_cast<char16_t>(c - 0x50);
  return c;
}

std::u16string Folded(std::u16string_view s) {
  std::u16string out(s);
  for (char16_t &c : out) c = Fold(c);
  return out;
}

// The pattern as the file system sees it (Windows' kernel32 rewrites it the same way): '?' is
// DOS_QM, '*' before a '.' DOS_STAR, a '.' before '?', '*' or the end DOS_DOT.
enum class Op : uint8_t { kChar, kStar, kDosStar, kDosQm, kDosDot };
struct Token {
  Op op;
  char16_t c;
};

std::vector<Token> Compile(std::u16string_view p) {
  std::vector<Token> tokens;
  for (size_t i = 0; i < p.size(); ++i) {
    const char16_t next = i + 1 < p.size() ? p[i + 1] : 0;
    switch (p[i]) {
      case u'*':
        tokens.push_back({next == u'.' ? Op::kDosStar : Op::kStar, 0});
        break;
      case u'?':
        tokens.push_back({Op::kDosQm, 0});
        break;
      case u'.':
        tokens.push_back({next == u'?' || next == u'*' || next == 0 ? Op::kDosDot : Op::kChar, u'.'});
        break;
      default:
        tokens.push_back({Op::kChar, p[i]});
    }
  }
  return tokens;
}

class Matcher {
 public:
  Matcher(const std::vector<Token> &tokens, std::u16string_view name, bool case_sensitive)
      : t_(tokens), n_(name), exact_(case_sensitive),
        memo_((tokens.size() + 1) * (name.size() + 1), 0) {
    last_dot_ = name.rfind(u'.');
  }
  bool Match(size_t p, size_t n) {
    if (p == t_.size()) return n == n_.size();
    uint8_t &m = memo_[p * (n_.size() + 1) + n];
    if (m != 0) return m == 2;
    const bool r = Step(p, n);
    m = r ? 2 : 1;
    return r;
  }

 private:
  bool Step(size_t p, size_t n) {
    const bool at_end = n == n_.size();
    switch (t_[p].op) {
      case Op::kChar:
        return !at_end && Same(t_[p].c, n_[n]) && Match(p + 1, n + 1);
      case Op::kStar:
        return Match(p + 1, n) || (!at_end && Match(p, n + 1));
      case Op::kDosStar:  // any run that does not pass the name's last '.'
        return Match(p + 1, n) || (!at_end && n != last_dot_ && Match(p, n + 1));
      case Op::kDosQm:  // one character, or none at a '.' or the end
        if (at_end || n_[n] == u'.') return Match(p + 1, n);
        return Match(p + 1, n + 1);
      case Op::kDosDot:  // a '.', or none at the end
        if (at_end) return Match(p + 1, n);
        return n_[n] == u'.' && Match(p + 1, n + 1);
    }
    return false;
  }
  bool Same(char16_t a, char16_t b) const { return exact_ ? a == b : Fold(a) == Fold(b); }

  const std::vector<Token> &t_;
  std::u16string_view n_;
  bool exact_;
  std::vector<uint8_t> memo_;  // 0 unknown, 1 no, 2 yes
  size_t last_dot_;
};

bool HasWildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

uint64_t FileTimeOf(int64_t sec, uint32_t nsec) {
  if (sec < -11644473600LL) return 0;  // before 1601
  return static_cast<uint64_t>(sec) * 10000000u + nsec / 100u + kFileTimeUnixEpoch;
}

// An entry of the open folder `dir`, described from lstat (statx: with the birth time).
bool Describe(int dir, const std::string &name, Found *out) {
  struct statx st;
  if (statx(dir, name.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &st) != 0)
    return false;  // gone meanwhile
  out->name = name;
  out->size = S_ISREG(st.stx_mode) ? st.stx_size : 0;
  out->reserved0 = 0;
  DWORD a = 0;
  if (S_ISDIR(st.stx_mode)) {
    a |= kAttrDirectory;
  } else if (S_ISLNK(st.stx_mode)) {
    a |= kAttrReparsePoint;
    out->reserved0 = kIoReparseTagSymlink;
    struct stat target;  // stat never opens the target, so a FIFO there cannot block
    if (fstatat(dir, name.c_str(), &target, 0) == 0 && S_ISDIR(target.st_mode)) a |= kAttrDirectory;
  } else if (!S_ISREG(st.stx_mode)) {
    a |= kAttrSystem;
  }
  if (!S_ISDIR(st.stx_mode) && !S_ISLNK(st.stx_mode) && (st.stx_mode & 0222) == 0) a |= kAttrReadOnly;
  if (name.size() > 1 && name[0] == '.' && name != "..") a |= kAttrHidden;
  out->attributes = a != 0 ? a : kAttrNormal;
  const statx_timestamp &born = (st.stx_mask & STATX_BTIME) != 0 ? st.stx_btime : st.stx_ctime;
  out->created = FileTimeOf(born.tv_sec, born.tv_nsec);
  out->accessed = FileTimeOf(st.stx_atime.tv_sec, st.stx_atime.tv_nsec);
  out->written = FileTimeOf(st.stx_mtime.tv_sec, st.stx_mtime.tv_nsec);
  return true;
}

HANDLE FailHandle(DWORD error) {
  ws2emu_SetLastError(error);
  return INVALID_HANDLE_VALUE;
}

// Whether the folder part names a drive's root ("C:\", "\", or Linux's "/"), where Windows
// lists no "." and "..".
bool IsRoot(const std::string &folder) {
  return folder == "/" || folder == "\\" ||
         (folder.size() == 3 && folder[1] == ':' && (folder[2] == '\\' || folder[2] == '/'));
}

HANDLE Start(const std::string &name, bool case_sensitive, std::shared_ptr<Search> *result) {
  if (name.empty()) return FailHandle(ERROR_PATH_NOT_FOUND);
  const size_t cut = name.find_last_of("\\/");
  std::string folder = cut == std::string::npos ? "" : name.substr(0, cut == 0 ? 1 : cut);
  const std::string pattern = cut == std::string::npos ? name : name.substr(cut + 1);
  // "X:" alone is taken as the drive's root [inference: ws2emu keeps no current folder per drive].
  if (folder.size() == 2 && folder[1] == ':') folder += '\\';
  if (cut == std::string::npos && name.size() >= 2 && name[1] == ':') {
    return Start(name.substr(0, 2) + "\\" + name.substr(2), case_sensitive, result);
  }
  if (HasWildcard(folder)) return FailHandle(kErrorInvalidName);
  if (pattern.empty()) return FailHandle(kErrorFileNotFound);  // "dir\": a folder, not a pattern
  absl::StatusOr<std::string> linux_folder = paths::ToLinuxPath(folder.empty() ? "." : folder);
  if (!linux_folder.ok()) return FailHandle(ERROR_PATH_NOT_FOUND);
  const int fd = open(linux_folder->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return FailHandle(errno == EACCES || errno == EPERM ? ERROR_ACCESS_DENIED : ERROR_PATH_NOT_FOUND);
  }
  DIR *dir = fdopendir(fd);
  if (dir == nullptr) {
    close(fd);
    return FailHandle(ERROR_NOT_ENOUGH_MEMORY);
  }
  const std::u16string wide_pattern = Utf8ToUtf16(pattern);
  // "." and ".." as patterns name those entries only (DOS_DOT would let ".." match ".").
  const bool dots = pattern == "." || pattern == "..";
  const std::vector<Token> tokens = Compile(wide_pattern);
  const bool root = IsRoot(folder);
  auto search = std::make_shared<Search>();
  while (const dirent *e = readdir(dir)) {
    const std::string entry = e->d_name;
    const bool is_dot = entry == "." || entry == "..";
    if (is_dot && root) continue;
    if (dots ? entry != pattern
             : !Matcher(tokens, Utf8ToUtf16(entry), case_sensitive).Match(0, 0)) {
      continue;
    }
    Found found;
    if (Describe(dirfd(dir), entry, &found)) search->entries.push_back(std::move(found));
  }
  closedir(dir);
  if (search->entries.empty()) return FailHandle(kErrorFileNotFound);
  // NTFS's order: "." and ".." first, then by the upcased name.
  std::sort(search->entries.begin(), search->entries.end(), [](const Found &a, const Found &b) {
    const bool ad = a.name == "." || a.name == "..", bd = b.name == "." || b.name == "..";
    if (ad != bd) return ad;
    if (ad) return a.name.size() < b.name.size();
    return Folded(Utf8ToUtf16(a.name)) < Folded(Utf8ToUtf16(b.name));
  });
  HANDLE h = g_searches.Add(search);
  if (h == nullptr) return FailHandle(ERROR_TOO_MANY_OPEN_FILES);  // [inference] no slot left
  *result = std::move(search);
  return h;
}

void SplitTime(uint64_t t, FILETIME_ *out) {
  out->dwLowDateTime = static_cast<DWORD>(t);
  out->dwHighDateTime = static_cast<DWORD>(t >> 32);
}

template <typename Data>
void FillCommon(const Found &f, Data *d) {
  std::memset(d, 0, sizeof(*d));
  d->dwFileAttributes = f.attributes;
  SplitTime(f.created, &d->ftCreationTime);
  SplitTime(f.accessed, &d->ftLastAccessTime);
  SplitTime(f.written, &d->ftLastWriteTime);
  d->nFileSizeHigh = static_cast<DWORD>(f.size >> 32);
  d->nFileSizeLow = static_cast<DWORD>(f.size);
  d->dwReserved0 = f.reserved0;
}

void Fill(const Found &f, WIN32_FIND_DATAW *d) {
  FillCommon(f, d);
  std::u16string wide = Utf8ToUtf16(f.name);
  if (wide.size() >= 260) wide.resize(259);
  std::memcpy(d->cFileName, wide.c_str(), (wide.size() + 1) * sizeof(WCHAR));
}

void Fill(const Found &f, WIN32_FIND_DATAA *d) {
  FillCommon(f, d);
  size_t n = std::min<size_t>(f.name.size(), 259);  // cut at a whole UTF-8 sequence
  while (n > 0 && n < f.name.size() && (static_cast<unsigned char>(f.name[n]) & 0xC0) == 0x80) --n;
  std::memcpy(d->cFileName, f.name.data(), n);
  d->cFileName[n] = 0;
}

template <typename Data>
HANDLE First(const std::string &name, int level, Data *data, int op, LPVOID filter, DWORD flags) {
  if ((level != kFindExInfoStandard && level != kFindExInfoBasic) ||
      (op != kFindExSearchNameMatch && op != kFindExSearchLimitToDirectories) ||
      filter != nullptr ||
      (flags & ~(kFindFirstExCaseSensitive | kFindFirstExLargeFetch | kFindFirstExOnDiskEntriesOnly)) != 0 ||
      data == nullptr) {
    return FailHandle(ERROR_INVALID_PARAMETER);
  }
  std::shared_ptr<Search> search;
  HANDLE h = Start(name, (flags & kFindFirstExCaseSensitive) != 0, &search);
  if (h == INVALID_HANDLE_VALUE) return h;
  Fill(search->entries.front(), data);
  ws2emu_SetLastError(ERROR_SUCCESS);
  return h;
}

template <typename Data>
BOOL Next(HANDLE h, Data *data) {
  std::shared_ptr<Search> search = g_searches.Get(h);
  if (search == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  if (data == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);  // [inference] Windows faults
    return FALSE;
  }
  size_t i = search->next.load();
  while (i < search->entries.size() && !search->next.compare_exchange_weak(i, i + 1)) {
  }
  if (i >= search->entries.size()) {
    ws2emu_SetLastError(kErrorNoMoreFiles);
    return FALSE;
  }
  Fill(search->entries[i], data);
  return TRUE;
}

std::string Narrow(LPCWSTR s) { return Utf16ToUtf8(reinterpret_cast<const char16_t *>(s)); }

template <typename Fn>
auto Guarded(Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    if constexpr (std::is_same_v<decltype(fn()), HANDLE>) {
      return INVALID_HANDLE_VALUE;
    } else {
      return FALSE;
    }
  }
}

}  // namespace

bool WildcardMatch(std::u16string_view pattern, std::u16string_view name, bool case_sensitive) {
  const std::vector<Token> tokens = Compile(pattern);
  return Matcher(tokens, name, case_sensitive).Match(0, 0);
}

HANDLE WINAPI FindFirstFileExW(LPCWSTR lpFileName, int fInfoLevelId, LPVOID lpFindFileData,
                               int fSearchOp, LPVOID lpSearchFilter, DWORD dwAdditionalFlags) {
  if (lpFileName == nullptr) return FailHandle(ERROR_PATH_NOT_FOUND);
  return Guarded([&] {
    return First(Narrow(lpFileName), fInfoLevelId, static_cast<WIN32_FIND_DATAW *>(lpFindFileData),
                 fSearchOp, lpSearchFilter, dwAdditionalFlags);
  });
}

HANDLE WINAPI FindFirstFileExA(LPCSTR lpFileName, int fInfoLevelId, LPVOID lpFindFileData,
                               int fSearchOp, LPVOID lpSearchFilter, DWORD dwAdditionalFlags) {
  if (lpFileName == nullptr) return FailHandle(ERROR_PATH_NOT_FOUND);
  return Guarded([&] {
    return First(std::string(lpFileName), fInfoLevelId,
                 static_cast<WIN32_FIND_DATAA *>(lpFindFileData), fSearchOp, lpSearchFilter,
                 dwAdditionalFlags);
  });
}

HANDLE WINAPI FindFirstFileW(LPCWSTR lpFileName, WIN32_FIND_DATAW *lpFindFileData) {
  return FindFirstFileExW(lpFileName, kFindExInfoStandard, lpFindFileData, kFindExSearchNameMatch,
                          nullptr, 0);
}

HANDLE WINAPI FindFirstFileA(LPCSTR lpFileName, WIN32_FIND_DATAA *lpFindFileData) {
  return FindFirstFileExA(lpFileName, kFindExInfoStandard, lpFindFileData, kFindExSearchNameMatch,
                          nullptr, 0);
}

BOOL WINAPI FindNextFileW(HANDLE hFindFile, WIN32_FIND_DATAW *lpFindFileData) {
  return Guarded([&] { return Next(hFindFile, lpFindFileData); });
}

BOOL WINAPI FindNextFileA(HANDLE hFindFile, WIN32_FIND_DATAA *lpFindFileData) {
  return Guarded([&] { return Next(hFindFile, lpFindFileData); });
}

BOOL WINAPI FindClose(HANDLE hFindFile) {
  if (!g_searches.Remove(hFindFile)) {
    ws2emu_SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  return TRUE;
}

}  // namespace ws2emu::emu::win32
