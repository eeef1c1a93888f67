// lib/handles: the handle table's flat slot ranges — handles on both sides of a chunk boundary,
// values that name no committed slot, a full table, and a reservation or commit that fails
// (Insert returns 0, nothing aborts) — and ReadPublished's seqlock against closes and reuses,
// with ReadPublishedSnapshot (the one-load read the upcall table uses on processors with AVX)
// held to the same answers.
// Each test uses a table of its own, not the process-wide one.
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "handles/handle_table.h"

namespace {

using ws2emu::HandleTable;
using ws2emu::Object;
using ws2emu::ObjectType;

constexpr uint32_t kChunk = HandleTable::kChunkSlots;

std::atomic<int> g_destroyed{0};

// An object that counts its destructions.
class Counted : public Object {
 public:
  static constexpr ObjectType kType = ObjectType::kEvent;
  Counted() : Object(kType) {}
  ~Counted() override { g_destroyed.fetch_add(1); }
};

void NoHook(uint32_t) {}

// The two reads of a published word: the seqlock (ReadPublished) and, where this build and
// processor have it, the 16-byte snapshot (ReadPublishedSnapshot). Each test of a read runs
// with both.
struct Reader {
  const char *name;
  bool (*read)(const HandleTable &, uint64_t, ObjectType, uint64_t *);
};
std::vector<Reader> Readers() {
  std::vector<Reader> readers = {
      {"seqlock", [](const HandleTable &t, uint64_t h, ObjectType type, uint64_t *w) {
         return t.ReadPublished(h, type, w);
       }}};
#if WS2EMU_HAVE_SNAPSHOT_READ
  if (HandleTable::SnapshotReadWorks()) {
    readers.push_back({"snapshot", [](const HandleTable &t, uint64_t h, ObjectType type,
                                      uint64_t *w) { return t.ReadPublishedSnapshot(h, type, w); }});
  }
#endif
  return readers;
}

// The word an entry of `index` publishes in these tests: unique per slot and per round.
uint64_t WordFor(uint32_t index, uint64_t round) { return (round << 32) | index; }

// Opens socket entries until the table has `count`; their handles, in order, in `handles`.
// Returns false if an InsertEntry failed.
bool FillEntries(HandleTable *table, size_t count, std::vector<uint64_t> *handles) {
  handles->reserve(count);
  while (handles->size() < count) {
    uint64_t word = 0;
    const uint64_t h = table->InsertEntry(ObjectType::kSocket, &word, [&](uint32_t index) {
      word = WordFor(index, 0);
      return true;
    });
    if (h == 0) return false;
    handles->push_back(h);
  }
  return true;
}

// A field of /proc/self/status, in kB ("VmData", "VmSize"); 0 if it cannot be read.
size_t StatusKb(const char *field) {
  FILE *f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  size_t kb = 0;
  const size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f) != nullptr)
    if (std::strncmp(line, field, n) == 0 && line[n] == ':')
      std::sscanf(line + n + 1, "%zu", &kb);
  std::fclose(f);
  return kb;
}

TEST(HandleTable, AFreshTableFindsNothingAndDoesNotFault) {
  HandleTable table;  // nothing reserved yet
  uint64_t word = 7;
  for (uint64_t h : {uint64_t{0}, uint64_t{4}, uint64_t{5}, uint64_t{4} * kChunk,
                     (uint64_t{HandleTable::kMaxSlots} - 1) << 2, uint64_t{0x7ffffffc}}) {
    for (const Reader &r : Readers())
      EXPECT_FALSE(r.read(table, h, ObjectType::kSocket, &word)) << h << " " << r.name;
    EXPECT_EQ(table.TypeOf(h), ObjectType::kNone) << h;
    EXPECT_FALSE(table.Lookup(h, ObjectType::kAny)) << h;
    EXPECT_FALSE(table.Close(h, ObjectType::kAny)) << h;
  }
  EXPECT_EQ(word, 7u);  // untouched
}

TEST(HandleTable, HandlesOnBothSidesOfAChunkBoundaryWork) {
  HandleTable table;
  table.SetCloseHook(ObjectType::kSocket, &NoHook);
  std::vector<uint64_t> handles;
  // Slot 0 is never used, so handles[i] names slot i + 1: two chunks and two slots more.
  ASSERT_TRUE(FillEntries(&table, 2 * kChunk + 1, &handles));
  for (uint32_t index : {1u, kChunk - 1, kChunk, kChunk + 1, 2 * kChunk - 1, 2 * kChunk,
                         2 * kChunk + 1}) {
    const uint64_t h = handles[index - 1];
    ASSERT_EQ((h >> 2) & (HandleTable::kMaxSlots - 1), index) << "slots are used in order";
    for (const Reader &r : Readers()) {
      SCOPED_TRACE(r.name);
      uint64_t word = 0;
      EXPECT_TRUE(r.read(table, h, ObjectType::kSocket, &word)) << index;
      EXPECT_EQ(word, WordFor(index, 0)) << index;
      word = 0;
      EXPECT_TRUE(r.read(table, h | 3, ObjectType::kSocket, &word)) << "tag bits ignored";
      EXPECT_EQ(word, WordFor(index, 0)) << index;
      EXPECT_FALSE(r.read(table, h | (uint64_t{1} << 31), ObjectType::kSocket, &word));
      EXPECT_FALSE(r.read(table, h, ObjectType::kEvent, &word)) << "wrong type";
    }
    EXPECT_EQ(table.TypeOf(h), ObjectType::kSocket);
  }
  // The slot after the last one opened is committed (same chunk) but free.
  uint64_t word = 0;
  const uint64_t far = (uint64_t{HandleTable::kMaxSlots} - 1) << 2;
  for (const Reader &r : Readers()) {
    SCOPED_TRACE(r.name);
    EXPECT_FALSE(r.read(table, handles.back() + 4, ObjectType::kSocket, &word));
    // Beyond the committed chunks: not found, and no fault.
    EXPECT_FALSE(r.read(table, far, ObjectType::kSocket, &word));
  }
  EXPECT_EQ(table.TypeOf(handles.back() + 4), ObjectType::kNone);
  EXPECT_EQ(table.TypeOf(far), ObjectType::kNone);
  EXPECT_FALSE(table.Close(far, ObjectType::kSocket));
  uint32_t index = 0;
  EXPECT_FALSE(table.PinEntry(far, ObjectType::kSocket, &index, &word));

  // A closed handle at the boundary is stale for every reader.
  const uint64_t boundary = handles[kChunk - 1];
  ASSERT_TRUE(table.Close(boundary, ObjectType::kSocket));
  for (const Reader &r : Readers())
    EXPECT_FALSE(r.read(table, boundary, ObjectType::kSocket, &word)) << r.name;
  EXPECT_EQ(table.TypeOf(boundary), ObjectType::kNone);
  EXPECT_FALSE(table.Close(boundary, ObjectType::kSocket));
  handles[kChunk - 1] = 0;
  EXPECT_EQ(table.CountOpen(ObjectType::kSocket), 2 * kChunk);
  for (uint64_t h : handles) {
    if (h == 0) continue;
    ASSERT_TRUE(table.Close(h, ObjectType::kSocket));
  }
  EXPECT_EQ(table.CountOpen(ObjectType::kAny), 0u);
}

TEST(HandleTable, AFullTableReturnsZeroAndReusesWhatIsClosed) {
  HandleTable table;
  table.SetCloseHook(ObjectType::kSocket, &NoHook);
  std::vector<uint64_t> handles;
  ASSERT_TRUE(FillEntries(&table, HandleTable::kMaxSlots - 1, &handles));  // slot 0 unused
  bool prepared = false;
  EXPECT_EQ(table.InsertEntry(ObjectType::kSocket, nullptr,
                              [&](uint32_t) { return prepared = true; }),
            0u);
  EXPECT_FALSE(prepared) << "no slot, so nothing to prepare";
  const int destroyed = g_destroyed.load();
  EXPECT_EQ(table.Insert(new Counted), 0u);
  EXPECT_EQ(g_destroyed.load(), destroyed + 1) << "Insert drops the reference it cannot keep";
  uint64_t word = 0;
  const uint64_t last = handles.back();
  EXPECT_TRUE(table.ReadPublished(last, ObjectType::kSocket, &word));
  EXPECT_EQ(word, WordFor(HandleTable::kMaxSlots - 1, 0));
  EXPECT_LT(last, uint64_t{1} << 31);

  // Full, one closed: its slot is reused at once, with the next generation.
  ASSERT_TRUE(table.Close(handles[10], ObjectType::kSocket));
  const uint64_t again = table.InsertEntry(ObjectType::kSocket, nullptr, [](uint32_t) {
    return true;
  });
  ASSERT_NE(again, 0u);
  EXPECT_NE(again, handles[10]);
  constexpr uint64_t kIndexField = (uint64_t{HandleTable::kMaxSlots} - 1) << 2;
  EXPECT_EQ(again & kIndexField, handles[10] & kIndexField) << "the same slot";
  EXPECT_EQ(table.TypeOf(handles[10]), ObjectType::kNone);
  EXPECT_EQ(table.TypeOf(again), ObjectType::kSocket);
  handles[10] = again;
  for (uint64_t h : handles) ASSERT_TRUE(table.Close(h, ObjectType::kSocket));
}

// In a child process: a data limit (RLIMIT_DATA counts writable private memory) just above
// what the process uses once the first chunk is committed, so that committing the second
// fails. Insert returns 0 there, the handles it gave stay good, and closed slots are reused.
// The child's side: 0 if all went as it should, else the number of the check that failed.
int CommitThatFails() {
  auto table = std::make_unique<HandleTable>();
  table->SetCloseHook(ObjectType::kSocket, &NoHook);
  std::vector<uint64_t> handles;
  handles.reserve(kChunk + 2048);
  if (!FillEntries(table.get(), 1, &handles)) return 2;
  const size_t data_kb = StatusKb("VmData");
  if (data_kb == 0) return 3;
  rlimit limit = {(data_kb + 512) << 10, RLIM_INFINITY};
  if (setrlimit(RLIMIT_DATA, &limit) != 0) return 4;
  if (!FillEntries(table.get(), kChunk - 1, &handles)) return 5;  // slots 1 .. kChunk - 1
  // Slot kChunk needs the second chunk.
  if (table->InsertEntry(ObjectType::kSocket, nullptr, [](uint32_t) { return true; }) != 0)
    return 6;
  const int destroyed = g_destroyed.load();
  if (table->Insert(new Counted) != 0 || g_destroyed.load() != destroyed + 1) return 7;
  uint64_t word = 0;
  if (!table->ReadPublished(handles.back(), ObjectType::kSocket, &word) ||
      word != WordFor(kChunk - 1, 0))
    return 8;
  // No memory for new slots: a closed one is reused (sooner than kMinFreeBeforeReuse).
  if (!table->Close(handles[5], ObjectType::kSocket)) return 9;
  const uint64_t again =
      table->InsertEntry(ObjectType::kSocket, nullptr, [](uint32_t) { return true; });
  if (again == 0 || again == handles[5] || table->TypeOf(handles[5]) != ObjectType::kNone)
    return 10;
  return 0;
}

TEST(HandleTable, ACommitThatFailsReturnsZeroAndAbortsNothing) {
  GTEST_FLAG_SET(death_test_style, "fast");
  EXPECT_EXIT(_exit(CommitThatFails()), testing::ExitedWithCode(0), "");
}

// In a child process: an address-space limit too small for the table's reservation. The
// first Insert returns 0 and drops its reference; lookups find nothing.
int ReservationThatFails() {
  auto table = std::make_unique<HandleTable>();
  table->SetCloseHook(ObjectType::kSocket, &NoHook);
  auto *object = new Counted;
  const size_t size_kb = StatusKb("VmSize");
  if (size_kb == 0) return 2;
  // Less than the 32 MB of hot slots the reservation needs.
  rlimit limit = {(size_kb + 8192) << 10, RLIM_INFINITY};
  if (setrlimit(RLIMIT_AS, &limit) != 0) return 3;
  const int destroyed = g_destroyed.load();
  if (table->Insert(object) != 0 || g_destroyed.load() != destroyed + 1) return 4;
  if (table->InsertEntry(ObjectType::kSocket, nullptr, [](uint32_t) { return true; }) != 0)
    return 5;
  uint64_t word = 0;
  if (table->ReadPublished(4, ObjectType::kSocket, &word) || table->TypeOf(4) != ObjectType::kNone)
    return 6;
  return 0;
}

TEST(HandleTable, AReservationThatFailsReturnsZero) {
  GTEST_FLAG_SET(death_test_style, "fast");
  EXPECT_EXIT(_exit(ReservationThatFails()), testing::ExitedWithCode(0), "");
}

// Readers race a writer that closes and reopens entries (every slot reused many times, through
// the kMinFreeBeforeReuse FIFO, generations wrapping). A word read through a handle must be
// the word published with that handle, never the word of its slot's previous or next handle:
// each opening of a slot publishes (number of openings of the slot << 32 | slot index), and
// the handle's generation is that number minus one, modulo 2^kGenerationBits. Run under
// TSan too (the seqlock). One reader uses each read (both the seqlock where there is no
// snapshot read).
TEST(HandleTable, ReadPublishedNeverReturnsAnotherHandlesWord) {
  HandleTable table;
  table.SetCloseHook(ObjectType::kSocket, &NoHook);
  constexpr size_t kLive = 64;
  std::vector<std::atomic<uint64_t>> live(kLive);  // the handles open now, for the readers
  std::vector<uint32_t> openings(4096);             // per slot index; the writer's only
  auto open_one = [&](size_t i) {
    uint64_t word = 0;
    const uint64_t h = table.InsertEntry(ObjectType::kSocket, &word, [&](uint32_t index) {
      if (index >= openings.size()) return false;
      word = (uint64_t{++openings[index]} << 32) | index;
      return true;
    });
    live[i].store(h, std::memory_order_release);
    return h != 0;
  };
  for (size_t i = 0; i < kLive; ++i) ASSERT_TRUE(open_one(i));
  std::atomic<bool> stop{false};
  std::atomic<long> wrong{0}, found[2] = {0, 0};  // found: per reader thread
  const std::vector<Reader> readers = Readers();
  auto reader = [&](const Reader &read, int which) {
    while (!stop.load(std::memory_order_relaxed)) {
      for (size_t i = 0; i < kLive; ++i) {
        const uint64_t h = live[i].load(std::memory_order_acquire);
        uint64_t word = 0;
        if (!read.read(table, h, ObjectType::kSocket, &word)) continue;  // closed meanwhile
        found[which].fetch_add(1, std::memory_order_relaxed);
        const uint64_t index = (h >> 2) & (HandleTable::kMaxSlots - 1);
        const uint64_t gen = (h >> (HandleTable::kIndexBits + 2)) & 0xff;
        if ((word & 0xffffffff) != index || (((word >> 32) - 1) & 0xff) != gen)
          wrong.fetch_add(1, std::memory_order_relaxed);
      }
    }
  };
  std::thread r1(reader, readers.front(), 0), r2(reader, readers.back(), 1);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  size_t i = 0;
  long reopened = 0;
  bool ok = true;
  while (ok && std::chrono::steady_clock::now() < until) {
    ok = table.Close(live[i].load(std::memory_order_relaxed), ObjectType::kSocket) && open_one(i);
    ++reopened;
    i = (i + 1) % kLive;
  }
  stop.store(true);
  r1.join();
  r2.join();
  ASSERT_TRUE(ok);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(found[0].load(), 0) << readers.front().name;
  EXPECT_GT(found[1].load(), 0) << readers.back().name;
  EXPECT_GT(reopened, long{HandleTable::kMinFreeBeforeReuse} * 4) << "slots were reused";
  for (auto &h : live) EXPECT_TRUE(table.Close(h.load(), ObjectType::kSocket));
}

}  // namespace
