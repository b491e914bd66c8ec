// Tested by tests/symbolize/symbolize_test.sh (inline frames of a native
// profile) and bench/symbolize.sh.
#include "symbolize/scope_index.h"

#include <dwarf.h>

#include <algorithm>
#include <queue>
#include <tuple>

namespace cpprof {
namespace {

// The linkage (mangled) name when DWARF has one, else the plain name;
// dwarf_attr_integrate follows abstract_origin and specification links, which
// is where inlined instances and out-of-class definitions keep their names.
const char* DieName(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (int at : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name, DW_AT_name}) {
    if (dwarf_attr_integrate(die, at, &attr) != nullptr) {
      if (const char* s = dwarf_formstring(&attr)) return s;
    }
  }
  return "";
}

int64_t DeclLine(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  Dwarf_Word line = 0;
  if (dwarf_attr_integrate(die, DW_AT_decl_line, &attr) == nullptr) return 0;
  if (dwarf_formudata(&attr, &line) != 0) return 0;
  return static_cast<int64_t>(line);
}

// The call site (file, line) recorded on an inlined_subroutine DIE.
bool CallSite(Dwarf_Die* cu, Dwarf_Die* inlined, const char** file, int64_t* line) {
  Dwarf_Attribute attr;
  Dwarf_Word file_index = 0, call_line = 0;
  if (dwarf_attr(inlined, DW_AT_call_file, &attr) == nullptr || dwarf_formudata(&attr, &file_index) != 0) {
    return false;
  }
  if (dwarf_attr(inlined, DW_AT_call_line, &attr) != nullptr) dwarf_formudata(&attr, &call_line);
  Dwarf_Files* files = nullptr;
  size_t nfiles = 0;
  if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || file_index >= nfiles) return false;
  const char* name = dwarf_filesrc(files, file_index, nullptr, nullptr);
  if (name == nullptr) return false;
  *file = name;
  *line = static_cast<int64_t>(call_line);
  return true;
}

}  // namespace

ScopeIndex::ScopeIndex(Dwarf_Die* cu) : cu_(*cu) {
  std::vector<Range> ranges;
  Walk(cu, dwarf_tag(cu), -1, 0, ranges);
  infos_.resize(scopes_.size());
  known_.resize(scopes_.size());
  // Each address belongs to the deepest range holding it, the last walked
  // among equals, as if painted outermost first: a sweep over the range
  // ends, with the ranges open at each one in a heap (by depth, then walk
  // order; ranges that have ended are dropped when they come on top).
  std::vector<uint64_t> points;
  for (const Range& r : ranges) points.insert(points.end(), {r.low, r.high});
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  std::vector<size_t> by_low(ranges.size());
  for (size_t i = 0; i < by_low.size(); ++i) by_low[i] = i;
  std::stable_sort(by_low.begin(), by_low.end(), [&](size_t a, size_t b) { return ranges[a].low < ranges[b].low; });
  std::priority_queue<std::tuple<int, size_t, uint64_t, int>> open;  // depth, walk order, high, scope
  size_t next = 0;
  for (uint64_t point : points) {
    for (; next < by_low.size() && ranges[by_low[next]].low == point; ++next) {
      const Range& r = ranges[by_low[next]];
      open.emplace(r.depth, by_low[next], r.high, r.scope);
    }
    while (!open.empty() && std::get<2>(open.top()) <= point) open.pop();
    int scope = open.empty() ? -1 : std::get<3>(open.top());
    if (segment_scopes_.empty() ? scope != -1 : scope != segment_scopes_.back()) {
      starts_.push_back(point);
      segment_scopes_.push_back(scope);
    }
  }
}

void ScopeIndex::Walk(Dwarf_Die* die, int die_tag, int enclosing, int depth, std::vector<Range>& ranges) {
  // The member functions of a class at namespace level are defined outside
  // it (DW_AT_specification points back in), so the class holds only
  // declarations and is not walked: that halves the walk in libstdc++ (31
  // to 18 ms of bench/symbolize.sh). Local classes and lambdas keep their
  // definitions inside, so classes in functions are walked.
  bool namespace_level = die_tag == DW_TAG_compile_unit || die_tag == DW_TAG_namespace;
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
        if (low < high) ranges.push_back({low, high, depth, index});
        has_code = true;
      }
      if (has_code) {
        scopes_.push_back({child, tag == DW_TAG_subprogram ? -1 : enclosing});
        scope = index;
      }
    }
    bool declarations = namespace_level && (tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
                                            tag == DW_TAG_union_type || tag == DW_TAG_enumeration_type);
    if (!declarations) Walk(&child, tag, scope, depth + 1, ranges);
  } while (dwarf_siblingof(&child, &child) == 0);
}

int ScopeIndex::At(uint64_t addr) const {
  auto after = std::upper_bound(starts_.begin(), starts_.end(), addr);
  return after == starts_.begin() ? -1 : segment_scopes_[after - starts_.begin() - 1];
}

const ScopeIndex::FrameInfo& ScopeIndex::Info(int i) {
  FrameInfo& info = infos_[i];
  if (known_[i]) return info;
  known_[i] = true;
  Dwarf_Die die = scopes_[i].die;
  info.name = DieName(&die);
  info.decl_line = DeclLine(&die);
  const char* call_file = nullptr;
  if (dwarf_tag(&die) == DW_TAG_inlined_subroutine && CallSite(&cu_, &die, &call_file, &info.call_line)) {
    info.call_file = SourceName(call_file);
  }
  return info;
}

std::string_view ScopeIndex::SourceName(const char* file) {
  if (file == nullptr || *file == '\0' || *file == '/') return file == nullptr ? "" : file;
  auto [it, inserted] = joined_names_.try_emplace(file);
  if (inserted) {
    Dwarf_Attribute attr;
    const char* dir = dwarf_formstring(dwarf_attr(&cu_, DW_AT_comp_dir, &attr));
    it->second = dir == nullptr || *dir == '\0' ? std::string(file) : std::string(dir) + "/" + file;
  }
  return it->second;
}

}  // namespace cpprof
