// A set of a table's rows under a key that is read from the rows themselves,
// so nothing is stored but row indices: open addressing with linear probing,
// sized to stay at most half full. std::unordered_map with a key per row
// spent most of its time in malloc and free (100k locations: 6 ms of
// bench/symbolize.sh's merge; 100k ids: 4.5 ms of each validity check).
#ifndef CPPROF_PROFILE_ROW_SET_H_
#define CPPROF_PROFILE_ROW_SET_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "profile/profile.h"

namespace cpprof {

class RowSet {
 public:
  // Room for up to max_rows rows.
  explicit RowSet(size_t max_rows) {
    size_t size = std::bit_ceil(std::max<size_t>(max_rows * 2, 1024));
    slots_.assign(size, kNone);
    shift_ = 64 - std::countr_zero(size);
  }

  void Prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[Slot(hash)]); }

  // The row j already in the set with same(j), else `row` after adding it.
  template <typename Same>
  uint32_t Insert(uint64_t hash, uint32_t row, Same same) {
    size_t mask = slots_.size() - 1;
    size_t slot = Slot(hash);
    for (; slots_[slot] != kNone; slot = (slot + 1) & mask) {
      if (same(slots_[slot])) return slots_[slot];
    }
    slots_[slot] = row;
    return row;
  }

 private:
  // The top bits of a Fibonacci product depend on every bit of the hash,
  // so keys that differ only in high bits (addresses, ids) spread too.
  size_t Slot(uint64_t hash) const { return (hash * 0x9e3779b97f4a7c15ULL) >> shift_; }

  std::vector<uint32_t> slots_;
  int shift_ = 0;
};

}  // namespace cpprof

#endif  // CPPROF_PROFILE_ROW_SET_H_
