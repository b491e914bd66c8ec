// The function-like scopes of one DWARF compilation unit (subprograms and
// inlined subroutines with their nesting), indexed by address, and what a
// frame needs of each. libdw's dwarf_getscopes walks the unit's DIE tree on
// every lookup; libstdc++'s units hold thousands of template instances, and
// 10k lookups took 2.7 s that way. One walk per unit, then a binary search
// per address.
#ifndef CPPROF_SYMBOLIZE_SCOPE_INDEX_H_
#define CPPROF_SYMBOLIZE_SCOPE_INDEX_H_

#include <elfutils/libdw.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cpprof {

class ScopeIndex {
 public:
  struct Scope {
    Dwarf_Die die;    // DW_TAG_subprogram or DW_TAG_inlined_subroutine
    int parent = -1;  // the scope this one is inlined into; -1 for a subprogram
  };

  // What a frame shows of a scope, read from its DIE on first use: nearby
  // addresses share their scopes (bench/symbolize.sh's 100k addresses in
  // libstdc++ look up 7.4k functions). The strings are libdw's or this
  // index's.
  struct FrameInfo {
    const char* name = "";       // the linkage (mangled) name, else the plain name
    int64_t decl_line = 0;       // 0 if unknown
    std::string_view call_file;  // where an inlined scope was called; empty if unknown
    int64_t call_line = 0;
  };

  // Walks the unit's DIE tree once. The Dwarf handle must outlive the index.
  explicit ScopeIndex(Dwarf_Die* cu);

  // The innermost scope containing addr (a DWARF address, without bias),
  // or -1.
  int At(uint64_t addr) const;
  const Scope& scope(int i) const { return scopes_[i]; }
  const FrameInfo& Info(int i);

  // A source file name of this unit as llvm-symbolizer (pprof's symbolizer)
  // prints it: a relative name is joined to the unit's DW_AT_comp_dir.
  // Debian's glibc says "../sysdeps/x.h" in comp dir "./csu", which pprof's
  // path cleaning then makes "sysdeps/x.h". `file` is a name from the unit's
  // line table, which outlives the index.
  std::string_view SourceName(const char* file);

 private:
  struct Range {
    uint64_t low, high;
    int depth, scope;
  };
  void Walk(Dwarf_Die* die, int die_tag, int enclosing, int depth, std::vector<Range>& ranges);

  Dwarf_Die cu_;
  std::vector<Scope> scopes_;
  std::vector<FrameInfo> infos_;  // by scope, filled on first use
  std::vector<bool> known_;
  // Segment starts, ascending, and the innermost scope from each start to
  // the next (-1 for a gap).
  std::vector<uint64_t> starts_;
  std::vector<int> segment_scopes_;
  std::unordered_map<const char*, std::string> joined_names_;  // relative name -> comp dir + name
};

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_SCOPE_INDEX_H_
