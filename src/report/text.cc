// -top / -text: the flat table (pprof's printText).

#include <fmt/format.h>

#include "profile/units.h"
#include "report/report.h"

namespace cpprof {

Status PrintText(Report& r, std::string& out) {
  GraphBuilder& g = ReportGraph(r);
  TrimmedGraph t = NewTrimmedGraph(r, g);
  SelectOutputUnit(r, g, t.nodes);
  t.dropped_edges = 0;  // the text report does not mention edges
  for (const std::string& l : ReportLabels(r, g, t, false)) {
    out += l;
    out += '\n';
  }
  out += fmt::format("{:>10} {:>5}% {:>5}% {:>10} {:>5}%\n", "flat", "flat", "sum", "cum", "cum");
  int64_t flat_sum = 0;
  for (uint32_t n : t.nodes) {
    const Node& node = g.nodes()[n];
    bool is_inline = false, not_inline = false;
    for (uint32_t e : node.in) {
      const Edge& edge = g.edges()[e];
      if (edge.removed) continue;
      (edge.is_inline ? is_inline : not_inline) = true;
    }
    const char* inl = is_inline ? (not_inline ? " (partial-inline)" : " (inline)") : "";
    int64_t flat = node.flat_value(), cum = node.cum_value();
    flat_sum += flat;
    out += fmt::format("{:>10} {} {} {:>10} {}  {}{}\n", r.FormatValue(flat), Percentage(flat, r.total()),
                       Percentage(flat_sum, r.total()), r.FormatValue(cum), Percentage(cum, r.total()),
                       g.PrintableName(n), inl);
  }
  return Status();
}

}  // namespace cpprof
