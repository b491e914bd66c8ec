// Tested by tests/symbolize/symbolize_test.sh (inline frames of a native
// profile) and bench/symbolize.sh.
#include "symbolize/scope_index.h"

#include <dwarf.h>

#include <algorithm>

namespace cpprof {

ScopeIndex::ScopeIndex(Dwarf_Die* cu) {
  Walk(cu, -1, 0);
  std::stable_sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) { return a.depth < b.depth; });
  // Deeper scopes overwrite the ranges of those they are nested in.
  for (const Range& r : ranges_) {
    if (r.low >= r.high) continue;
    auto end_it = segments_.upper_bound(r.high);
    int after = end_it == segments_.begin() ? -1 : std::prev(end_it)->second;
    segments_.erase(segments_.lower_bound(r.low), segments_.upper_bound(r.high));
    segments_[r.low] = r.scope;
    segments_.emplace(r.high, after);  // kept when another range starts there
  }
}

void ScopeIndex::Walk(Dwarf_Die* die, int enclosing, int depth) {
  Dwarf_Die child;
  if (dwarf_child(die, &child) != 0) return;
  do {
    int tag = dwarf_tag(&child);
    int scope = enclosing;
    if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
      Dwarf_Addr base = 0, low = 0, high = 0;
      ptrdiff_t offset = 0;
      int index = static_cast<int>(scopes_.size());
      bool has_code = false;
      while ((offset = dwarf_ranges(&child, offset, &base, &low, &high)) > 0) {
        ranges_.push_back({low, high, depth, index});
        has_code = true;
      }
      if (has_code) {
        scopes_.push_back({child, tag == DW_TAG_subprogram ? -1 : enclosing});
        scope = index;
      }
    }
    Walk(&child, scope, depth + 1);
  } while (dwarf_siblingof(&child, &child) == 0);
}

int ScopeIndex::At(uint64_t addr) const {
  auto it = segments_.upper_bound(addr);
  return it == segments_.begin() ? -1 : std::prev(it)->second;
}

}  // namespace cpprof
