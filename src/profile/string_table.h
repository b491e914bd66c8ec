// StringTable interns strings: equal strings always get the same StrId, so the
// rest of cpprof compares names by id. Id 0 is always "".
#ifndef CPPROF_PROFILE_STRING_TABLE_H_
#define CPPROF_PROFILE_STRING_TABLE_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cpprof {

using StrId = uint32_t;

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

 private:
  // A deque never moves its elements, so the views stay valid as it grows.
  std::deque<std::string> storage_;
  std::vector<std::string_view> views_;
  std::unordered_map<std::string_view, StrId> ids_;
};

}  // namespace cpprof

#endif  // CPPROF_PROFILE_STRING_TABLE_H_
