// -callgrind: the graph in callgrind's format for KCachegrind (pprof's
// printCallgrind), at address granularity with object file names.

#include <fmt/format.h>

#include <map>
#include <tuple>
#include <unordered_map>

#include "profile/units.h"
#include "report/report.h"

namespace cpprof {
namespace {

// Callgrind's name compression: "(N) name" the first time, "(N)" after.
class CompressedNames {
 public:
  std::string operator()(std::string_view name) {
    if (name.empty()) return "";
    auto [it, inserted] = ids_.emplace(std::string(name), ids_.size() + 1);
    return inserted ? fmt::format("({}) {}", it->second, name) : fmt::format("({})", it->second);
  }

 private:
  std::unordered_map<std::string, size_t> ids_;
};

// An address relative to the previous one ("+16", "-8", "*" for the same)
// when that is shorter than the absolute "0x...".
std::string CallgrindAddress(const NodeInfo* prev, uint64_t addr) {
  std::string abs = fmt::format("{:#x}", addr);
  if (prev == nullptr) return abs;
  if (prev->address == addr) return "*";
  std::string relative = fmt::format("{:+d}", static_cast<int64_t>(addr - prev->address));
  return relative.size() < abs.size() ? relative : abs;
}

// Callgrind merges functions with the same file and name; nodes of different
// functions (other binaries, or other contexts in a call tree) with the same
// file and name get a " [i/n]" suffix.
std::vector<std::string> DisambiguatedNames(const GraphBuilder& g, const std::vector<uint32_t>& nodes) {
  using Function =
      std::tuple<uint32_t, StrId, StrId, StrId, int64_t, StrId>;  // (tree parent, NodeInfo less address and line)
  auto function_of = [&g](uint32_t n) {
    const Node& node = g.nodes()[n];
    return Function{node.parent,    node.info.name,       node.info.orig_name,
                    node.info.file, node.info.start_line, node.info.objfile};
  };
  std::map<std::pair<StrId, StrId>, std::map<Function, size_t>> index;
  for (uint32_t n : nodes) {
    auto& functions = index[{g.nodes()[n].info.file, g.nodes()[n].info.name}];
    functions.emplace(function_of(n), functions.size());
  }
  std::vector<std::string> names(g.nodes().size());
  for (uint32_t n : nodes) {
    const NodeInfo& info = g.nodes()[n].info;
    names[n] = g.profile().str(info.name);
    const auto& functions = index[{info.file, info.name}];
    if (functions.size() > 1) names[n] += fmt::format(" [{}/{}]", functions.at(function_of(n)) + 1, functions.size());
  }
  return names;
}

}  // namespace

Status PrintCallgrind(Report& r, std::string& out) {
  ReportOptions& o = r.mutable_options();
  o.node_fraction = o.edge_fraction = 0;
  o.node_count = 0;
  GraphBuilder& g = ReportGraph(r);
  TrimmedGraph t = NewTrimmedGraph(r, g);
  SelectOutputUnit(r, g, t.nodes);
  const Profile& p = g.profile();
  std::vector<std::string> names = DisambiguatedNames(g, t.nodes);
  out += "positions: instr line\n";
  out += fmt::format("events: {}({})\n", o.sample_type, o.output_unit);
  CompressedNames objfiles, files, functions;
  auto scaled = [&o](int64_t v) { return static_cast<int64_t>(ScaleValue(v, o.sample_unit, o.output_unit).first); };
  const NodeInfo* prev = nullptr;
  for (uint32_t n : t.nodes) {
    const Node& node = g.nodes()[n];
    const NodeInfo& info = node.info;
    if (prev == nullptr || info.objfile != prev->objfile || info.file != prev->file || info.name != prev->name) {
      out += fmt::format("\nob={}\nfl={}\nfn={}\n", objfiles(p.str(info.objfile)), files(p.str(info.file)),
                         functions(p.str(info.name)));
    }
    out += fmt::format("{} {} {}\n", CallgrindAddress(prev, info.address), info.lineno, scaled(node.flat_value()));
    for (uint32_t e : g.SortedEdges(node.out)) {
      const Edge& edge = g.edges()[e];
      const NodeInfo& callee = g.nodes()[edge.dest].info;
      out += fmt::format("cfl={}\ncfn={}\n", files(p.str(callee.file)), functions(names[edge.dest]));
      // pprof has no flat weight for a call: calls=0.
      out += fmt::format("calls=0 {} {}\n* * {}\n", CallgrindAddress(prev, callee.address), callee.lineno,
                         scaled(edge.weight));
    }
    prev = &info;
  }
  return Status();
}

}  // namespace cpprof
