// StringTable interns strings: equal strings always get the same StrId, so the
// rest of cpprof compares names by id. Id 0 is always "".
// Tested by tests/profile/string_table_test.cc.
#ifndef CPPROF_PROFILE_STRING_TABLE_H_
#define CPPROF_PROFILE_STRING_TABLE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "profile/column.h"

namespace cpprof {

using StrId = uint32_t;

// The strings' bytes sit in a few large blocks and their index is one open
// addressing table of ids: a profile's 60K strings once took a heap block,
// a hash node and part of a deque block each, 4 KiB pages that a fresh
// process faults in one by one (BuildStrings, 35-50 ms of the benchmark
// profile's decoding, now 4-6 ms).
class StringTable {
 public:
  StringTable() { Intern(""); }
  StringTable(const StringTable& other) { *this = other; }
  StringTable& operator=(const StringTable& other);
  StringTable(StringTable&&) = default;
  StringTable& operator=(StringTable&&) = default;

  StrId Intern(std::string_view s);
  std::string_view Get(StrId id) const { return views_[id]; }
  size_t size() const { return views_.size(); }

  // Room for `count` more strings of `bytes` bytes in all: decoding knows
  // both, and interning them then allocates nothing more.
  void Reserve(size_t count, size_t bytes);

 private:
  static constexpr StrId kEmpty = ~StrId{0};

  // Opens a new block unless the last one has `bytes` left.
  void MakeRoom(size_t bytes);
  // Copies s into the last block, or a new one.
  std::string_view Store(std::string_view s);
  // Sizes slots_ for `count` strings, at most half full, and fills it.
  void Rehash(size_t count);

  std::vector<Column<char>> blocks_;  // filled up to their capacity, never moved
  size_t bytes_ = 0;                  // in all blocks
  Column<std::string_view> views_;    // by id
  Column<StrId> slots_;               // ids by hash, kEmpty where free; a power of 2
};

}  // namespace cpprof

#endif  // CPPROF_PROFILE_STRING_TABLE_H_
