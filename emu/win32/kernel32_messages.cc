// FormatMessageA/W: system message texts (the common Win32 errors and every Winsock error,
// 10004..11031, in Windows' English wording), caller strings with %1..%99 inserts, and the
// buffer, argument and line-width options.
//
// The text is built in UTF-8 and converted for the W form. Inserts take their arguments from a
// DWORD_PTR array (FORMAT_MESSAGE_ARGUMENT_ARRAY) or a va_list, which on x64 is the same thing:
// 8-byte slots, so insert n is slot n-1 either way. An insert's !fmt! is a printf conversion
// done by msvcrt's formatter (msvcrt/format.h) with the form's string rules (in the W form %s is
// a UTF-16 string); the default is !s!.
#include <cstring>
#include <new>
#include <string>

#include "base/utf.h"
#include "msvcrt/format.h"
#include "win32/kernel32.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr DWORD kAllocateBuffer = 0x100, kIgnoreInserts = 0x200, kFromString = 0x400,
                kFromHmodule = 0x800, kFromSystem = 0x1000, kArgumentArray = 0x2000,
                kMaxWidthMask = 0xFF;
constexpr DWORD kErrorMrMidNotFound = 317, kErrorResourceTypeNotFound = 1813,
                kErrorResourceLangNotFound = 15100;

struct Message {
  DWORD id;
  const char *text;
};

// Sorted by id.
constexpr Message kMessages[] = {
    {0, "The operation completed successfully.\r\n"},
    {1, "Incorrect function.\r\n"},
    {2, "The system cannot find the file specified.\r\n"},
    {3, "The system cannot find the path specified.\r\n"},
    {4, "The system cannot open the file.\r\n"},
    {5, "Access is denied.\r\n"},
    {6, "The handle is invalid.\r\n"},
    {8, "Not enough memory resources are available to process this command.\r\n"},
    {10, "The environment is incorrect.\r\n"},
    {13, "The data is invalid.\r\n"},
    {14, "Not enough memory resources are available to complete this operation.\r\n"},
    {18, "There are no more files.\r\n"},
    {32, "The process cannot access the file because it is being used by another process.\r\n"},
    {38, "Reached the end of the file.\r\n"},
    {50, "The request is not supported.\r\n"},
    {64, "The specified network name is no longer available.\r\n"},
    {80, "The file exists.\r\n"},
    {87, "The parameter is incorrect.\r\n"},
    {109, "The pipe has been ended.\r\n"},
    {111, "The file name is too long.\r\n"},
    {112, "There is not enough space on the disk.\r\n"},
    {120, "This function is not supported on this system.\r\n"},
    {121, "The semaphore timeout period has expired.\r\n"},
    {122, "The data area passed to a system call is too small.\r\n"},
    {123, "The filename, directory name, or volume label syntax is incorrect.\r\n"},
    {126, "The specified module could not be found.\r\n"},
    {127, "The specified procedure could not be found.\r\n"},
    {157, "The segment is already discarded and cannot be locked.\r\n"},
    {158, "The segment is already unlocked.\r\n"},
    {183, "Cannot create a file when that file already exists.\r\n"},
    {193, "%1 is not a valid Win32 application.\r\n"},
    {203, "The system could not find the environment option that was entered.\r\n"},
    {230, "The pipe state is invalid.\r\n"},
    {231, "All pipe instances are busy.\r\n"},
    {232, "The pipe is being closed.\r\n"},
    {233, "No process is on the other end of the pipe.\r\n"},
    {234, "More data is available.\r\n"},
    {258, "The wait operation timed out.\r\n"},
    {259, "No more data is available.\r\n"},
    {288, "Attempt to release mutex not owned by caller.\r\n"},
    {298, "Too many posts were made to a semaphore.\r\n"},
    {317,
     "The system cannot find message text for message number 0x%1 in the message file for "
     "%2.\r\n"},
    {487, "Attempt to access invalid address.\r\n"},
    {995,
     "The I/O operation has been aborted because of either a thread exit or an application "
     "request.\r\n"},
    {996, "Overlapped I/O event is not in a signaled state.\r\n"},
    {997, "Overlapped I/O operation is in progress.\r\n"},
    {998, "Invalid access to memory location.\r\n"},
    {1004, "Invalid flags.\r\n"},
    {1114, "A dynamic link library (DLL) initialization routine failed.\r\n"},
    {1168, "Element not found.\r\n"},
    {1223, "The operation was canceled by the user.\r\n"},
    {1225, "The remote computer refused the network connection.\r\n"},
    {1226, "The network connection was gracefully closed.\r\n"},
    {1229, "An operation was attempted on a nonexistent network connection.\r\n"},
    {1231,
     "The network location cannot be reached. For information about network troubleshooting, "
     "see Windows Help.\r\n"},
    {1232,
     "The network location cannot be reached. For information about network troubleshooting, "
     "see Windows Help.\r\n"},
    {1234, "No service is operating at the destination network endpoint on the remote system.\r\n"},
    {1236, "The network connection was aborted by the local system.\r\n"},
    {1400, "Invalid window handle.\r\n"},
    {1410, "Class already exists.\r\n"},
    {1411, "Class does not exist.\r\n"},
    {1412, "Class still has open windows.\r\n"},
    {1444, "Invalid thread identifier.\r\n"},
    {1460, "This operation returned because the timeout period expired.\r\n"},
    {1784, "The supplied user buffer is not valid for the requested operation.\r\n"},
    {1813, "The specified resource type cannot be found in the image file.\r\n"},
    {1816, "Not enough quota is available to process this command.\r\n"},
    {10004, "A blocking operation was interrupted by a call to WSACancelBlockingCall.\r\n"},
    {10009, "The file handle supplied is not valid.\r\n"},
    {10013,
     "An attempt was made to access a socket in a way forbidden by its access permissions.\r\n"},
    {10014,
     "The system detected an invalid pointer address in attempting to use a pointer argument "
     "in a call.\r\n"},
    {10022, "An invalid argument was supplied.\r\n"},
    {10024, "Too many open sockets.\r\n"},
    {10035, "A non-blocking socket operation could not be completed immediately.\r\n"},
    {10036, "A blocking operation is currently executing.\r\n"},
    {10037,
     "An operation was attempted on a non-blocking socket that already had an operation in "
     "progress.\r\n"},
    {10038, "An operation was attempted on something that is not a socket.\r\n"},
    {10039, "A required address was omitted from an operation on a socket.\r\n"},
    {10040,
     "A message sent on a datagram socket was larger than the internal message buffer or some "
     "other network limit, or the buffer used to receive a datagram into was smaller than the "
     "datagram itself.\r\n"},
    {10041,
     "A protocol was specified in the socket function call that does not support the semantics "
     "of the socket type requested.\r\n"},
    {10042,
     "An unknown, invalid, or unsupported option or level was specified in a getsockopt or "
     "setsockopt call.\r\n"},
    {10043,
     "The requested protocol has not been configured into the system, or no implementation for "
     "it exists.\r\n"},
    {10044, "The support for the specified socket type does not exist in this address family.\r\n"},
    {10045, "The attempted operation is not supported for the type of object referenced.\r\n"},
    {10046,
     "The protocol family has not been configured into the system or no implementation for it "
     "exists.\r\n"},
    {10047, "An address incompatible with the requested protocol was used.\r\n"},
    {10048,
     "Only one usage of each socket address (protocol/network address/port) is normally "
     "permitted.\r\n"},
    {10049, "The requested address is not valid in its context.\r\n"},
    {10050, "A socket operation encountered a dead network.\r\n"},
    {10051, "A socket operation was attempted to an unreachable network.\r\n"},
    {10052,
     "The connection has been broken due to keep-alive activity detecting a failure while the "
     "operation was in progress.\r\n"},
    {10053, "An established connection was aborted by the software in your host machine.\r\n"},
    {10054, "An existing connection was forcibly closed by the remote host.\r\n"},
    {10055,
     "An operation on a socket could not be performed because the system lacked sufficient "
     "buffer space or because a queue was full.\r\n"},
    {10056, "A connect request was made on an already connected socket.\r\n"},
    {10057,
     "A request to send or receive data was disallowed because the socket is not connected and "
     "(when sending on a datagram socket using a sendto call) no address was supplied.\r\n"},
    {10058,
     "A request to send or receive data was disallowed because the socket had already been "
     "shut down in that direction with a previous shutdown call.\r\n"},
    {10059, "Too many references to some kernel object.\r\n"},
    {10060,
     "A connection attempt failed because the connected party did not properly respond after a "
     "period of time, or established connection failed because connected host has failed to "
     "respond.\r\n"},
    {10061, "No connection could be made because the target machine actively refused it.\r\n"},
    {10062, "Cannot translate name.\r\n"},
    {10063, "Name component or name was too long.\r\n"},
    {10064, "A socket operation failed because the destination host was down.\r\n"},
    {10065, "A socket operation was attempted to an unreachable host.\r\n"},
    {10066, "Cannot remove a directory that is not empty.\r\n"},
    {10067,
     "A Windows Sockets implementation may have a limit on the number of applications that may "
     "use it simultaneously.\r\n"},
    {10068, "Ran out of quota.\r\n"},
    {10069, "Ran out of disk quota.\r\n"},
    {10070, "File handle reference is no longer available.\r\n"},
    {10071, "Item is not available locally.\r\n"},
    {10091,
     "WSAStartup cannot function at this time because the underlying system it uses to provide "
     "network services is currently unavailable.\r\n"},
    {10092, "The Windows Sockets version requested is not supported.\r\n"},
    {10093, "Either the application has not called WSAStartup, or WSAStartup failed.\r\n"},
    {10101,
     "Returned by WSARecv or WSARecvFrom to indicate the remote party has initiated a graceful "
     "shutdown sequence.\r\n"},
    {10102, "No more results can be returned by WSALookupServiceNext.\r\n"},
    {10103,
     "A call to WSALookupServiceEnd was made while this call was still processing. The call has "
     "been canceled.\r\n"},
    {10104, "The procedure call table is invalid.\r\n"},
    {10105, "The requested service provider is invalid.\r\n"},
    {10106, "The requested service provider could not be loaded or initialized.\r\n"},
    {10107, "A system call that should never fail has failed.\r\n"},
    {10108,
     "No such service is known. The service cannot be found in the specified name space.\r\n"},
    {10109, "The specified class was not found.\r\n"},
    {10110, "No more results can be returned by WSALookupServiceNext.\r\n"},
    {10111,
     "A call to WSALookupServiceEnd was made while this call was still processing. The call has "
     "been canceled.\r\n"},
    {10112, "A database query failed because it was actively refused.\r\n"},
    {11001, "No such host is known.\r\n"},
    {11002,
     "This is usually a temporary error during hostname resolution and means that the local "
     "server did not receive a response from an authoritative server.\r\n"},
    {11003, "A non-recoverable error occurred during a database lookup.\r\n"},
    {11004, "The requested name is valid, but no data of the requested type was found.\r\n"},
    {11005, "At least one reserve has arrived.\r\n"},
    {11006, "At least one path has arrived.\r\n"},
    {11007, "There are no senders.\r\n"},
    {11008, "There are no receivers.\r\n"},
    {11009, "Reserve has been confirmed.\r\n"},
    {11010, "Error due to lack of resources.\r\n"},
    {11011, "Rejected for administrative reasons - bad credentials.\r\n"},
    {11012, "Unknown or conflicting style.\r\n"},
    {11013, "Problem with some part of the filterspec or providerspecific buffer in general.\r\n"},
    {11014, "Problem with some part of the flowspec.\r\n"},
    {11015, "General QOS error.\r\n"},
    {11016, "An invalid or unrecognized service type was found in the flowspec.\r\n"},
    {11017, "An invalid or inconsistent flowspec was found in the QOS structure.\r\n"},
    {11018, "Invalid QOS provider-specific buffer.\r\n"},
    {11019, "An invalid QOS filter style was used.\r\n"},
    {11020, "An invalid QOS filter type was used.\r\n"},
    {11021, "An incorrect number of QOS FILTERSPECs were specified in the FLOWDESCRIPTOR.\r\n"},
    {11022,
     "An object with an invalid ObjectLength field was specified in the QOS provider-specific "
     "buffer.\r\n"},
    {11023, "An incorrect number of flow descriptors was specified in the QOS structure.\r\n"},
    {11024, "An unrecognized object was found in the QOS provider-specific buffer.\r\n"},
    {11025, "An invalid policy object was found in the QOS provider-specific buffer.\r\n"},
    {11026, "An invalid QOS flow descriptor was found in the flow descriptor list.\r\n"},
    {11027,
     "An invalid or inconsistent flowspec was found in the QOS provider specific buffer.\r\n"},
    {11028, "An invalid FILTERSPEC was found in the QOS provider-specific buffer.\r\n"},
    {11029,
     "An invalid shape discard mode object was found in the QOS provider specific buffer.\r\n"},
    {11030, "An invalid shaping rate object was found in the QOS provider-specific buffer.\r\n"},
    {11031, "A reserved policy element was found in the QOS provider-specific buffer.\r\n"},
};

const char *SystemMessage(DWORD id) {
  size_t lo = 0, hi = sizeof(kMessages) / sizeof(kMessages[0]);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (kMessages[mid].id == id) return kMessages[mid].text;
    if (kMessages[mid].id < id) lo = mid + 1; else hi = mid;
  }
  return nullptr;
}

// The texts are English: LANG_NEUTRAL (any sublanguage: 0, the user's and the system's
// default) and LANG_ENGLISH (any sublanguage) find them, other languages do not.
bool EnglishOrNeutral(DWORD language) {
  const DWORD primary = language & 0x3FF;
  return language <= 0xFFFF && (primary == 0x00 || primary == 0x09);
}

// The insert `index` (1-based) of the arguments, an 8-byte slot either way.
DWORD_PTR Argument(const DWORD_PTR *args, int index) { return args[index - 1]; }

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
// Formats insert `index` with the printf conversion `spec` ("s", "08lx", "*.*s", ...); a '*'
// takes the next insert's value, as Windows does.
std::string FormatInsert(const DWORD_PTR *args, int index, const std::string &spec, bool wide) {
  DWORD_PTR slots[3];
  int used = 0;
  for (char c : spec)
    if (c == '*' && used < 2) {
      slots[used] = Argument(args, index + used);
      ++used;
    }
  slots[used] = Argument(args, index + used);
  std::string format = "%" + spec;
  __builtin_ms_va_list ap = reinterpret_cast<decltype(ap)>(slots);
  return FormatMs(format.c_str(), ap, wide);
}
#pragma GCC diagnostic pop

// Builds the message: inserts and escapes, then the line width. Regular line breaks of the
// source (CR LF, CR, LF) are kept with width 0 and become a space otherwise; %n is a hard break
// always kept; a width of 1..254 wraps lines at a space (or mid-word when a word is longer).
// False (with the error set) when an insert has no argument array.
bool Build(const std::string &source, const DWORD_PTR *args, DWORD flags, bool wide,
           std::string *out) {
  const DWORD width = flags & kMaxWidthMask;
  const bool ignore = (flags & kIgnoreInserts) != 0;
  std::string text;
  // The message with a NUL for each line break (never in an insert, a C string), made CR LF
  // below; inserts keep their own characters.
  std::string lines;
  for (size_t i = 0; i < source.size(); ++i) {
    char c = source[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < source.size() && source[i + 1] == '\n') ++i;
      lines += width == 0 ? '\0' : ' ';
      continue;
    }
    if (c != '%') {
      lines += c;
      continue;
    }
    if (i + 1 >= source.size()) break;  // a lone % at the end: dropped [inference]
    c = source[++i];
    if (c >= '1' && c <= '9') {
      int index = c - '0';
      size_t start = i - 1;
      if (i + 1 < source.size() && source[i + 1] >= '0' && source[i + 1] <= '9')
        index = index * 10 + (source[++i] - '0');
      std::string spec = "s";
      if (i + 1 < source.size() && source[i + 1] == '!') {
        size_t end = source.find('!', i + 2);
        if (end != std::string::npos) {
          spec = source.substr(i + 2, end - i - 2);
          i = end;
        }
      }
      if (ignore) {
        lines += source.substr(start, i - start + 1);
        continue;
      }
      if (args == nullptr) {
        ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
        return false;
      }
      lines += FormatInsert(args, index, spec, wide);
      continue;
    }
    switch (c) {
      case '0': i = source.size(); break;  // ends the message, without a line break
      case 'n': lines += '\0'; break;
      case 'r': lines += '\r'; break;
      case 't': lines += '\t'; break;
      default: lines += c; break;  // %%, %., %!, "% " and any other character: itself
    }
  }
  // Line width, then the breaks as CR LF.
  for (size_t begin = 0; begin <= lines.size();) {
    size_t end = lines.find('\0', begin);
    const bool has_break = end != std::string::npos;
    std::string line = lines.substr(begin, has_break ? end - begin : std::string::npos);
    if (width != 0 && width != kMaxWidthMask) {
      while (line.size() > width) {
        size_t cut = line.rfind(' ', width);
        if (cut == std::string::npos || cut == 0) {
          text += line.substr(0, width) + "\r\n";
          line.erase(0, width);
        } else {
          text += line.substr(0, cut) + "\r\n";
          line.erase(0, cut + 1);
        }
      }
    }
    text += line;
    if (!has_break) break;
    text += "\r\n";
    begin = end + 1;
  }
  *out = std::move(text);
  return true;
}

// The common part of the A and W forms: the message in UTF-8, or false with the error set.
bool Message(DWORD flags, const std::string *string_source, DWORD id, DWORD language,
             void *arguments, bool wide, std::string *out) {
  std::string source;
  if (flags & kFromString) {
    if (string_source == nullptr) {
      ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
      return false;
    }
    source = *string_source;
  } else if (flags & (kFromSystem | kFromHmodule)) {
    // A module's message table: the runtime's modules have none [inference: as Windows answers
    // for a module without one]; FROM_SYSTEM as well searches the system's next.
    if ((flags & kFromSystem) == 0) {
      ws2emu_SetLastError(kErrorResourceTypeNotFound);
      return false;
    }
    if (!EnglishOrNeutral(language)) {
      ws2emu_SetLastError(kErrorResourceLangNotFound);
      return false;
    }
    const char *text = SystemMessage(id);
    if (text == nullptr) {
      ws2emu_SetLastError(kErrorMrMidNotFound);
      return false;
    }
    source = text;
  } else {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return false;
  }
  const DWORD_PTR *args = nullptr;
  if (arguments != nullptr) {
    args = (flags & kArgumentArray) != 0
               ? static_cast<const DWORD_PTR *>(arguments)
               : reinterpret_cast<const DWORD_PTR *>(
                     *static_cast<__builtin_ms_va_list *>(arguments));
  }
  return Build(source, args, flags, wide, out);
}

// Stores `text` (n characters, terminator not counted) as FormatMessage does.
template <typename Char>
DWORD Store(DWORD flags, const std::basic_string<Char> &text, Char *buffer, DWORD size) {
  const size_t need = text.size() + 1;
  if (flags & kAllocateBuffer) {
    if (buffer == nullptr) {
      ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
      return 0;
    }
    const size_t chars = need > size ? need : size;  // nSize is the least to allocate
    auto *block = static_cast<Char *>(LocalAlloc(0, chars * sizeof(Char)));
    if (block == nullptr) return 0;  // LocalAlloc set the error
    std::memcpy(block, text.c_str(), need * sizeof(Char));
    *reinterpret_cast<Char **>(buffer) = block;
    return static_cast<DWORD>(text.size());
  }
  if (buffer == nullptr) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  if (need > size) {
    ws2emu_SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return 0;
  }
  std::memcpy(buffer, text.c_str(), need * sizeof(Char));
  return static_cast<DWORD>(text.size());
}

}  // namespace

DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
                            DWORD dwLanguageId, LPSTR lpBuffer, DWORD nSize, void *Arguments) {
  try {
    std::string source;
    if ((dwFlags & kFromString) && lpSource != nullptr)
      source = static_cast<const char *>(lpSource);
    std::string text;
    if (!Message(dwFlags, (dwFlags & kFromString) && lpSource != nullptr ? &source : nullptr,
                 dwMessageId, dwLanguageId, Arguments, /*wide=*/false, &text)) {
      return 0;
    }
    return Store<char>(dwFlags, text, lpBuffer, nSize);
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return 0;
  }
}

DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
                            DWORD dwLanguageId, LPWSTR lpBuffer, DWORD nSize, void *Arguments) {
  try {
    std::string source;
    if ((dwFlags & kFromString) && lpSource != nullptr)
      source = Utf16ToUtf8(static_cast<const char16_t *>(lpSource));
    std::string text;
    if (!Message(dwFlags, (dwFlags & kFromString) && lpSource != nullptr ? &source : nullptr,
                 dwMessageId, dwLanguageId, Arguments, /*wide=*/true, &text)) {
      return 0;
    }
    return Store<char16_t>(dwFlags, Utf8ToUtf16(text), reinterpret_cast<char16_t *>(lpBuffer),
                           nSize);
  } catch (const std::bad_alloc &) {
    ws2emu_SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return 0;
  }
}

}  // namespace ws2emu::emu::win32
