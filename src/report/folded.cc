// -folded: one "root;caller;leaf value" line per call path (Brendan Gregg's
// folded stacks, what flamegraph.pl, speedscope and inferno read; pprof
// issue #658), merged at the report's granularity after its filters.
#include <fmt/format.h>

#include "report/folded_stacks.h"

namespace cpprof {

Status PrintFolded(Report& r, std::string& out, ReportSink& sink) {
  FoldedStacks f = FoldStacks(r);
  for (size_t i = 0; i < f.stacks.size(); ++i) {
    if (Status s = AppendIfFull(out, sink); !s.ok()) return s;
    bool first = true;
    for (uint32_t name : f.stacks[i]) {
      if (!first) out += ';';
      first = false;
      // A ';' inside a name would split the frame: flamegraph.pl has no escape.
      for (char c : f.names[name]) out += c == ';' ? ':' : c;
    }
    out += fmt::format(" {}\n", f.values[i]);
  }
  return Status();
}

}  // namespace cpprof
