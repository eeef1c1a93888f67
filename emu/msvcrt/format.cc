#include "msvcrt/format.h"

#include <cstdio>
#include <cstring>

#include "base/utf.h"

namespace ws2emu::emu {

namespace {

enum class Size { kInt, kChar, kShort, kLong32, kLong64, kPointer };


// Formats one value with the host snprintf; `spec` holds flags, width and precision.
template <typename T>
void FormatOne(std::string *out, const std::string &spec, const char *conversion, T value) {
  std::string fmt = "%" + spec + conversion;
  char buf[512];
  int n = std::snprintf(buf, sizeof(buf), fmt.c_str(), value);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof(buf)) {
    out->append(buf, n);
  } else {
    std::string big(static_cast<size_t>(n) + 1, '\0');
    std::snprintf(big.data(), big.size(), fmt.c_str(), value);
    out->append(big.data(), n);
  }
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
std::string FormatMs(const char *format, __builtin_ms_va_list ap, bool wide_function) {
  std::string out;
  if (format == nullptr) return out;
  for (const char *p = format; *p != 0; ++p) {
    if (*p != '%') {
      out += *p;
      continue;
    }
    const char *start = p++;
    std::string spec;
    while (*p != 0 && std::strchr("-+ #0", *p) != nullptr) spec += *p++;
    if (*p == '*') {
      spec += std::to_string(__builtin_va_arg(ap, int));
      ++p;
    } else {
      while (*p >= '0' && *p <= '9') spec += *p++;
    }
    if (*p == '.') {
      spec += *p++;
      if (*p == '*') {
        spec += std::to_string(__builtin_va_arg(ap, int));
        ++p;
      } else {
        while (*p >= '0' && *p <= '9') spec += *p++;
      }
    }
    Size size = Size::kInt;
    bool wide = false, narrow = false;
    if (std::strncmp(p, "I64", 3) == 0) {
      size = Size::kLong64;
      p += 3;
    } else if (std::strncmp(p, "I32", 3) == 0) {
      size = Size::kInt;
      p += 3;
    } else if (*p == 'I' || *p == 'z' || *p == 't' || *p == 'j') {
      size = *p == 'I' || *p == 'z' || *p == 't' ? Size::kPointer : Size::kLong64;
      ++p;
    } else if (p[0] == 'l' && p[1] == 'l') {
      size = Size::kLong64;
      p += 2;
    } else if (p[0] == 'h' && p[1] == 'h') {
      size = Size::kChar;
      p += 2;
    } else if (*p == 'l' || *p == 'w') {
      size = Size::kLong32;
      wide = true;
      ++p;
    } else if (*p == 'h') {
      size = Size::kShort;
      narrow = true;
      ++p;
    } else if (*p == 'L') {
      ++p;  // long double is double on Windows x64
    }
    char c = *p;
    switch (c) {
      case 'd':
      case 'i': {
        long long v = size == Size::kLong64 || size == Size::kPointer
                          ? __builtin_va_arg(ap, long long)
                          : static_cast<long long>(__builtin_va_arg(ap, int));
        if (size == Size::kShort) v = static_cast<short>(v);
        if (size == Size::kChar) v = static_cast<signed char>(v);
        FormatOne(&out, spec, "lld", v);
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        unsigned long long v = size == Size::kLong64 || size == Size::kPointer
                                   ? __builtin_va_arg(ap, unsigned long long)
                                   : __builtin_va_arg(ap, unsigned int);
        if (size == Size::kShort) v = static_cast<unsigned short>(v);
        if (size == Size::kChar) v = static_cast<unsigned char>(v);
        const char conv[] = {'l', 'l', c, 0};
        FormatOne(&out, spec, conv, v);
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
      case 'a':
      case 'A': {
        const char conv[] = {c, 0};
        FormatOne(&out, spec, conv, __builtin_va_arg(ap, double));
        break;
      }
      case 'c':
      case 'C': {
        int v = __builtin_va_arg(ap, int);
        if (wide || (wide_function ? c == 'c' && !narrow : c == 'C')) {
          char16_t w[2] = {static_cast<char16_t>(v), 0};
          FormatOne(&out, spec, "s", Utf16ToUtf8(w).c_str());
        } else {
          FormatOne(&out, spec, "c", v);
        }
        break;
      }
      case 's':
      case 'S': {
        void *v = __builtin_va_arg(ap, void *);
        if (wide || (!narrow && c == (wide_function ? 's' : 'S'))) {
          FormatOne(&out, spec, "s", Utf16ToUtf8(static_cast<const char16_t *>(v)).c_str());
        } else {
          FormatOne(&out, spec, "s", v != nullptr ? static_cast<const char *>(v) : "(null)");
        }
        break;
      }
      case 'p': {
        uintptr_t v = reinterpret_cast<uintptr_t>(__builtin_va_arg(ap, void *));
        FormatOne(&out, spec.empty() ? std::string("016") : spec, "llX",
                  static_cast<unsigned long long>(v));
        break;
      }
      case 'n':
        (void)__builtin_va_arg(ap, void *);  // disabled, as in msvcrt by default
        break;
      case '%':
        out += '%';
        break;
      default:
        // Not a conversion: print it as written, as msvcrt does.
        out.append(start, p - start + (c != 0 ? 1 : 0));
        if (c == 0) return out;
        break;
    }
  }
  return out;
}
#pragma GCC diagnostic pop

}  // namespace ws2emu::emu
