#include "base/debug.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ws2emu {

bool DebugEnabled() {
  const char *v = std::getenv("WS2EMU_DEBUG");
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

namespace {

void Print(const char *component, const char *format, va_list args) {
  va_list again;
  va_copy(again, args);
  int n = std::vsnprintf(nullptr, 0, format, args);
  std::string message;
  if (n > 0) {
    message.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(message.data(), message.size(), format, again);
    message.resize(static_cast<size_t>(n));
  }
  va_end(again);
  if (!message.empty() && message.back() == '\n') message.pop_back();
  // One fprintf, so that lines from several threads are not interleaved within a line.
  std::fprintf(stderr, "[ws2emu %s] %s\n", component, message.c_str());
}

}  // namespace

void DebugLog(const char *component, const char *format, ...) {
  if (!DebugEnabled()) return;
  va_list args;
  va_start(args, format);
  Print(component, format, args);
  va_end(args);
}

void Notice(const char *component, const char *format, ...) {
  va_list args;
  va_start(args, format);
  Print(component, format, args);
  va_end(args);
}

}  // namespace ws2emu
