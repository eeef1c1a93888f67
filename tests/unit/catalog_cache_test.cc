// The catalog store's read cache (lib/catalog/store.cc): a Read of an unchanged file answers
// from fstat alone once the file is old enough, and any change is seen — even one within the
// same second that keeps the size and puts the mtime back ("racily clean", as git calls it).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "catalog/store.h"
#include "common/temp_dir.h"

namespace {

using ws2emu::catalog::Catalog;
using ws2emu::catalog::Store;

std::string Contents(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Overwrites `from` with `to` (the same length) in place — the same inode, the same size — and
// puts the mtime back to what it was: only the ctime (and the bytes) tell the change.
void RewriteInPlace(const std::string &path, const std::string &from, const std::string &to) {
  ASSERT_EQ(from.size(), to.size());
  std::string text = Contents(path);
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << text;
  int fd = open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  struct stat before;
  ASSERT_EQ(fstat(fd, &before), 0);
  ASSERT_EQ(pwrite(fd, to.data(), to.size(), static_cast<off_t>(at)),
            static_cast<ssize_t>(to.size()));
  timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(futimens(fd, times), 0);
  struct stat after;
  ASSERT_EQ(fstat(fd, &after), 0);
  EXPECT_EQ(after.st_size, before.st_size);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  close(fd);
}

class CatalogCache : public ::testing::Test {
 protected:
  void SetNextId(Store &store, uint32_t id) {
    ASSERT_TRUE(store
                    .Modify([id](Catalog &c) {
                      c.next_id = id;
                      return absl::OkStatus();
                    })
                    .ok());
  }
  uint32_t NextId(Store &store) {
    absl::StatusOr<std::shared_ptr<const Catalog>> c = store.Read();
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? (*c)->next_id : 0;
  }
  ws2emu::testing::TempDir dir_{"catalog-cache"};
  std::string path_ = dir_.path() + "/catalog";
};

TEST_F(CatalogCache, AChangeWithinTheSameSecondOfTheSameSizeIsSeen) {
  Store store(path_);
  SetNextId(store, 1111);
  EXPECT_EQ(NextId(store), 1111u);
  RewriteInPlace(path_, "next-id 1111", "next-id 2222");
  EXPECT_EQ(NextId(store), 2222u);
  RewriteInPlace(path_, "next-id 2222", "next-id 3333");
  EXPECT_EQ(NextId(store), 3333u);
}

TEST_F(CatalogCache, AFreshFileIsComparedByContentAndKeepsItsParse) {
  Store store(path_);
  SetNextId(store, 1111);
  absl::StatusOr<std::shared_ptr<const Catalog>> first = store.Read();
  ASSERT_TRUE(first.ok());
  uint64_t reads = store.file_reads();
  // Changed less than a second ago: the identity is not trusted, the bytes are read again,
  // and, being the same, keep the parsed catalog.
  absl::StatusOr<std::shared_ptr<const Catalog>> second = store.Read();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(store.file_reads(), reads + 1);
  EXPECT_EQ(first->get(), second->get());
}

TEST_F(CatalogCache, AnOldUnchangedFileIsNotReadAgainAndAChangeStillIs) {
  Store store(path_);
  SetNextId(store, 1111);
  // Let the file's ctime fall more than a second behind, then fill the cache.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  absl::StatusOr<std::shared_ptr<const Catalog>> first = store.Read();
  ASSERT_TRUE(first.ok());
  uint64_t reads = store.file_reads();
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::shared_ptr<const Catalog>> again = store.Read();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->get(), first->get());
  }
  EXPECT_EQ(store.file_reads(), reads);  // answered from fstat
  // Written in place with the size and the mtime kept: the ctime moves, so it is read again.
  RewriteInPlace(path_, "next-id 1111", "next-id 2222");
  EXPECT_EQ(NextId(store), 2222u);
  EXPECT_EQ(store.file_reads(), reads + 1);
  // A new file renamed over it (what a change does) is another inode: read again.
  SetNextId(store, 4444);
  EXPECT_EQ(NextId(store), 4444u);
  // A file that goes away is the default catalog at once: MSAFD's four entries, 1001..1004.
  ASSERT_EQ(unlink(path_.c_str()), 0);
  absl::StatusOr<std::shared_ptr<const Catalog>> gone = store.Read();
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ((*gone)->next_id, 1005u);
  ASSERT_EQ((*gone)->entries.size(), 4u);
  EXPECT_EQ((*gone)->entries[0].info.dwCatalogEntryId, 1001u);
}

}  // namespace
