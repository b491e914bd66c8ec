#include "profile/string_table.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace cpprof {
namespace {

// A new block holds at least this much: a few small profiles' strings.
constexpr size_t kMinBlock = size_t{64} << 10;

size_t Hash(std::string_view s) { return std::hash<std::string_view>()(s); }

}  // namespace

StringTable& StringTable::operator=(const StringTable& other) {
  if (this == &other) return *this;
  // The same strings under the same ids: one block with all of them, and
  // the same index.
  blocks_.clear();
  bytes_ = 0;
  views_.clear();
  Reserve(other.size(), other.bytes_);
  for (std::string_view s : other.views_) views_.push_back(Store(s));
  slots_ = other.slots_;
  return *this;
}

void StringTable::MakeRoom(size_t bytes) {
  if (blocks_.empty() || blocks_.back().capacity() - blocks_.back().size() < bytes) {
    blocks_.emplace_back().reserve(std::max(kMinBlock, bytes));
  }
}

std::string_view StringTable::Store(std::string_view s) {
  MakeRoom(s.size());
  Column<char>& block = blocks_.back();
  size_t at = block.size();
  block.resize(at + s.size());  // within its capacity: the block does not move
  std::memcpy(block.data() + at, s.data(), s.size());
  bytes_ += s.size();
  return {block.data() + at, s.size()};
}

void StringTable::Reserve(size_t count, size_t bytes) {
  MakeRoom(bytes);
  views_.reserve(views_.size() + count);
  if (2 * (views_.size() + count) > slots_.size()) Rehash(views_.size() + count);
}

void StringTable::Rehash(size_t count) {
  size_t size = 16;
  while (size < 2 * count) size *= 2;
  slots_.assign(size, kEmpty);
  for (StrId id = 0; id < views_.size(); ++id) {
    size_t i = Hash(views_[id]) & (size - 1);
    while (slots_[i] != kEmpty) i = (i + 1) & (size - 1);
    slots_[i] = id;
  }
}

StrId StringTable::Intern(std::string_view s) {
  if (2 * (views_.size() + 1) > slots_.size()) Rehash(views_.size() + 1);
  size_t mask = slots_.size() - 1;
  size_t i = Hash(s) & mask;
  for (; slots_[i] != kEmpty; i = (i + 1) & mask) {
    if (views_[slots_[i]] == s) return slots_[i];
  }
  StrId id = static_cast<StrId>(views_.size());
  views_.push_back(Store(s));
  slots_[i] = id;
  return id;
}

}  // namespace cpprof
