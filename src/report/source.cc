// -list: annotated source of the functions matching a regexp (pprof's
// printSource). Granularity is lines (forced by the driver); each matching
// function is listed per source file, from its start line (or 5 lines
// before its first sampled line) to 5 lines after its last.

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "profile/units.h"
#include "report/report.h"
#include "report/source_reader.h"

namespace cpprof {
namespace {

constexpr int64_t kMargin = 5;  // lines before the first and after the last sample

std::string ValueOrDot(const Report& r, int64_t v) { return v == 0 ? "." : r.FormatValue(v); }

// The window and per-line sums of one function in one file, with pprof's
// getSourceFromFile quirk kept: a node that starts earlier does not also
// extend the end.
void AppendListing(const Report& r, const GraphBuilder& g, const std::vector<uint32_t>& fns, const std::string& file,
                   SourceReader& reader, std::string& out) {
  const NodeInfo& first = g.nodes()[fns[0]].info;
  int64_t start = first.start_line != 0 ? first.start_line : first.lineno - kMargin;
  int64_t end = first.lineno + kMargin;
  std::map<int64_t, std::pair<int64_t, int64_t>> sums;  // line -> (flat, cum)
  for (uint32_t n : fns) {
    const Node& node = g.nodes()[n];
    int64_t node_start = node.info.start_line != 0 ? node.info.start_line : node.info.lineno - kMargin;
    if (node_start < start) {
      start = node_start;
    } else if (node.info.lineno + kMargin > end) {
      end = node.info.lineno + kMargin;
    }
    auto& [flat, cum] = sums[node.info.lineno];
    flat += node.flat;
    cum += node.cum;
  }
  start = std::max<int64_t>(start, 1);
  std::string body;
  for (int64_t lineno = start; lineno <= end; ++lineno) {
    std::string line;
    if (!reader.Line(file, lineno, &line)) break;
    auto it = sums.find(lineno);
    int64_t flat = it == sums.end() ? 0 : it->second.first, cum = it == sums.end() ? 0 : it->second.second;
    body += fmt::format("{:>10} {:>10} {:>6}:{}\n", ValueOrDot(r, flat), ValueOrDot(r, cum), lineno, line);
  }
  if (std::string error = reader.Error(file); !error.empty()) {
    out += " Error: " + error + "\n";
    return;
  }
  out += body;
}

}  // namespace

Status PrintSource(Report& r, std::string& out) {
  GraphBuilder& g = ReportGraph(r);
  std::vector<uint32_t> nodes = g.Build({}, EdgeSet::kNone);
  const Profile& p = r.profile();
  const re2::RE2& symbol = *r.options().symbol;
  std::map<std::string, std::vector<uint32_t>> by_function;  // sorted by name, as pprof's NameOrder
  for (uint32_t n : nodes) {
    std::string name(p.str(g.nodes()[n].info.name));
    if (re2::RE2::PartialMatch(name, symbol)) by_function[name].push_back(n);
  }
  if (by_function.empty()) return Status::Error("no matches found for regexp: " + symbol.pattern());

  SourceReader reader(r.options().source_path, r.options().trim_path);
  out += fmt::format("Total: {}\n", r.FormatValue(r.total()));
  for (const auto& [name, fn_nodes] : by_function) {
    std::map<std::string, std::vector<uint32_t>> by_file;  // pprof's FileOrder
    for (uint32_t n : fn_nodes) {
      if (g.nodes()[n].info.file != 0) by_file[std::string(p.str(g.nodes()[n].info.file))].push_back(n);
    }
    if (by_file.empty()) {
      out += "No source information for " + name + "\n";
      continue;
    }
    for (const auto& [file, fns] : by_file) {
      int64_t flat = 0, cum = 0;
      for (uint32_t n : fns) {
        flat += g.nodes()[n].flat;
        cum += g.nodes()[n].cum;
      }
      out += fmt::format("ROUTINE ======================== {} in {}\n", name, file);
      out += fmt::format("{:>10} {:>10} (flat, cum) {} of Total\n", r.FormatValue(flat), r.FormatValue(cum),
                         Percentage(cum, r.total()));
      AppendListing(r, g, fns, file, reader, out);
    }
  }
  return Status();
}

}  // namespace cpprof
