// libFuzzer target for the catalog file parser: any bytes either parse or are refused with a
// message naming the file; what parses serializes to text that parses back to the same
// catalog, field for field (so a damaged file can never turn into a different valid one by
// being read and written again).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "catalog/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  absl::StatusOr<ws2emu::catalog::Catalog> c = ws2emu::catalog::Parse(text, "fuzz");
  if (!c.ok()) {
    if (c.status().message().find("fuzz") == std::string_view::npos) __builtin_trap();
    return 0;
  }
  const std::string again = ws2emu::catalog::Serialize(*c);
  absl::StatusOr<ws2emu::catalog::Catalog> back = ws2emu::catalog::Parse(again, "again");
  if (!back.ok() || back->next_id != c->next_id || back->entries.size() != c->entries.size())
    __builtin_trap();
  for (size_t i = 0; i < c->entries.size(); ++i) {
    if (std::memcmp(&back->entries[i].info, &c->entries[i].info, sizeof(WSAPROTOCOL_INFOW)) != 0 ||
        back->entries[i].path != c->entries[i].path)
      __builtin_trap();
  }
  if (back->provider_info.size() != c->provider_info.size() ||
      back->applications.size() != c->applications.size())
    __builtin_trap();
  for (size_t i = 0; i < c->provider_info.size(); ++i) {
    if (!ws2emu::catalog::SameGuid(back->provider_info[i].provider, c->provider_info[i].provider) ||
        back->provider_info[i].lsp_categories != c->provider_info[i].lsp_categories)
      __builtin_trap();
  }
  for (size_t i = 0; i < c->applications.size(); ++i) {
    if (back->applications[i].path != c->applications[i].path ||
        back->applications[i].extra != c->applications[i].extra ||
        back->applications[i].permitted != c->applications[i].permitted)
      __builtin_trap();
  }
  return 0;
}
