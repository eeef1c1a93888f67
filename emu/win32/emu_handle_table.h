// emu/win32/emu_handle_table.h — handles to objects that live only on the PE side (a Toolhelp
// snapshot, a FindFirstFile search): a fixed range of slots whose handle values have the low
// two bits set, like the console and disk-file handles (kernel32_files.h), so no kernel object
// handle (a multiple of 4, lib/handles) can be one, and a range check tells the kinds apart.
//
//   EmuHandleTable<Search> g_searches(kFirstSearchSlot, 256);
//   HANDLE h = g_searches.Add(std::make_shared<Search>(...));   // null when every slot is used
//   std::shared_ptr<Search> s = g_searches.Get(h);               // null for a stale handle
//   g_searches.Remove(h);                                        // false for a stale handle
//
// Lifetime: Get hands out a shared_ptr, so a call using the object keeps it alive while another
// thread closes the handle (the close then only frees the slot); the object goes with its last
// user. Slots are reused after Remove, as Windows reuses handle values.
#ifndef WS2EMU_EMU_WIN32_EMU_HANDLE_TABLE_H_
#define WS2EMU_EMU_WIN32_EMU_HANDLE_TABLE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "ws2emu/win_base.h"

namespace ws2emu::emu::win32 {

template <typename T>
class EmuHandleTable {
 public:
  // Slots first_slot .. first_slot + count - 1; handle = slot * 4 + 3.
  EmuHandleTable(int first_slot, int count) : first_(first_slot), count_(count) {}

  // Whether `h` is in this table's range (open or not).
  bool InRange(HANDLE h) const { return Index(h) >= 0; }

  HANDLE Add(std::shared_ptr<T> object) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (slots_.empty()) slots_.resize(static_cast<size_t>(count_));
    for (int i = 0; i < count_; ++i) {
      if (slots_[i] == nullptr) {
        slots_[i] = std::move(object);
        return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(first_ + i) * 4 + 3);
      }
    }
    return nullptr;
  }

  std::shared_ptr<T> Get(HANDLE h) ABSL_LOCKS_EXCLUDED(mu_) {
    const int i = Index(h);
    if (i < 0) return nullptr;
    absl::MutexLock lock(&mu_);
    return slots_.empty() ? nullptr : slots_[i];
  }

  bool Remove(HANDLE h) ABSL_LOCKS_EXCLUDED(mu_) {
    const int i = Index(h);
    if (i < 0) return false;
    std::shared_ptr<T> gone;  // released after the lock
    absl::MutexLock lock(&mu_);
    if (slots_.empty() || slots_[i] == nullptr) return false;
    gone = std::move(slots_[i]);
    slots_[i] = nullptr;
    return true;
  }

 private:
  int Index(HANDLE h) const {
    const auto v = reinterpret_cast<uintptr_t>(h);
    if ((v & 3) != 3) return -1;
    const uintptr_t slot = v >> 2;
    if (slot < static_cast<uintptr_t>(first_) || slot >= static_cast<uintptr_t>(first_ + count_))
      return -1;
    return static_cast<int>(slot - first_);
  }

  const int first_, count_;
  absl::Mutex mu_;
  std::vector<std::shared_ptr<T>> slots_ ABSL_GUARDED_BY(mu_);  // sized on first use
};

// The slot ranges of the PE-side handle kinds, after the console handles (0..63) and the disk
// files (64..1087, kernel32_disk_files.cc).
inline constexpr int kFirstSnapshotSlot = 1088, kSnapshotSlots = 256;
inline constexpr int kFirstSearchSlot = kFirstSnapshotSlot + kSnapshotSlots, kSearchSlots = 1024;
inline constexpr int kFirstProcessSlot = kFirstSearchSlot + kSearchSlots, kProcessSlots = 256;

}  // namespace ws2emu::emu::win32

#endif  // WS2EMU_EMU_WIN32_EMU_HANDLE_TABLE_H_
