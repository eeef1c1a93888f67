// tests/common/empty_catalog.h — a catalog file with no entries at all, for the tests whose
// catalog IDs and positions are their own.
//
//   ws2emu::testing::WriteEmptyCatalog(dir.path() + "/catalog");   // then install: IDs from 1001
//
// A catalog that does not exist holds MSAFD's four base entries, 1001..1004
// (lib/catalog/default_entries.h). A test of the WSC* semantics that needs an empty catalog —
// its first install at 1001, its entries the only ones, in its own order — writes this file
// first. It is the catalog as a change would leave it with the MSAFD entries removed, except
// that no ID was ever handed out (next-id 1001), so the test's IDs stay what they were when a
// missing catalog was empty. tests/common/empty_catalog.sh writes the same text for the shell
// tests.
#ifndef WS2EMU_TESTS_COMMON_EMPTY_CATALOG_H_
#define WS2EMU_TESTS_COMMON_EMPTY_CATALOG_H_

#include <fstream>
#include <stdexcept>
#include <string>

namespace ws2emu::testing {

inline constexpr char kEmptyCatalogText[] = "format 1\nnext-id 1001\n";

// Writes (or replaces) `path` with kEmptyCatalogText; throws if it cannot.
inline void WriteEmptyCatalog(const std::string &path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << kEmptyCatalogText;
  out.close();
  if (!out) throw std::runtime_error("cannot write the empty catalog " + path);
}

}  // namespace ws2emu::testing

#endif  // WS2EMU_TESTS_COMMON_EMPTY_CATALOG_H_
