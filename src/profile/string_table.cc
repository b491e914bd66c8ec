#include "profile/string_table.h"

namespace cpprof {

StringTable& StringTable::operator=(const StringTable& other) {
  if (this == &other) return *this;
  storage_.clear();
  views_.clear();
  ids_.clear();
  for (std::string_view s : other.views_) Intern(s);
  return *this;
}

StrId StringTable::Intern(std::string_view s) {
  auto it = ids_.find(s);
  if (it != ids_.end()) return it->second;
  const std::string& stored = storage_.emplace_back(s);
  StrId id = static_cast<StrId>(views_.size());
  views_.push_back(stored);
  ids_.emplace(stored, id);
  return id;
}

}  // namespace cpprof
