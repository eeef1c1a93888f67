// libFuzzer target for the PE32+ parser: any bytes either parse or are refused with a message,
// never read outside the buffer (AddressSanitizer checks) and never take unbounded time.
#include <cstddef>
#include <cstdint>

#include "pe/pe_image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  absl::StatusOr<ws2emu::emu::PeImage> image =
      ws2emu::emu::PeImage::Parse(absl::MakeConstSpan(data, size));
  if (image.ok()) {
    // Touch what a caller would read.
    size_t total = 0;
    for (const auto &dll : image->imports()) total += dll.entries.size() + dll.name.size();
    for (const auto &e : image->exports()) total += e.name.size() + e.forwarder.size();
    return total == SIZE_MAX ? 1 : 0;
  } else if (image.status().message().empty()) {
    __builtin_trap();  // every refusal must say why
  }
  return 0;
}
