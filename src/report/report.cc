#include "report/report.h"

#include <fmt/format.h>

#include "profile/codec.h"
#include "profile/dump.h"
#include "profile/units.h"
#include "util/go_time.h"

namespace cpprof {
namespace {

int64_t Abs64(int64_t v) { return v < 0 ? -v : v; }

// pprof's trimPath of every function's file name.
void TrimSourcePaths(Report& r) {
  Profile& p = r.profile();
  const ReportOptions& o = r.options();
  for (Function& f : p.functions) {
    std::string path(p.str(f.filename));
    std::string trimmed = TrimPath(path, o.trim_path, o.source_path);
    if (trimmed != path) f.filename = p.strings.Intern(trimmed);
  }
}

// g.Build(kept, edges), or the one of builds made with the same kept nodes.
// A new build goes first into builds, which keeps the newest `capacity`
// (none: a copy of the node table is 2,000 page faults on the benchmark
// profile, wasted when no later report reads it).
std::vector<uint32_t> BuildThrough(std::vector<GraphCache::Build>& builds, size_t capacity, GraphBuilder& g,
                                   const std::vector<bool>& kept, EdgeSet edges) {
  for (const GraphCache::Build& b : builds) {
    if (b.kept != kept) continue;
    g.Restore(b.built);
    return b.selected;
  }
  std::vector<uint32_t> selected = g.Build(kept, edges);
  if (capacity == 0) return selected;
  if (builds.size() == capacity) builds.pop_back();
  builds.insert(builds.begin(), GraphCache::Build{kept, selected, g.Save()});
  return selected;
}

}  // namespace

int64_t ComputeTotal(const Profile& p, int index, bool mean) {
  int64_t div = 0, total = 0, diff_div = 0, diff_total = 0;
  size_t n = p.num_types();
  for (size_t i = 0; i < p.samples.size(); ++i) {
    int64_t v = Abs64(p.values[i * n + index]);
    int64_t d = mean ? p.values[i * n] : 0;
    total += v;
    div += d;
    if (p.IsDiffBaseSample(p.samples[i])) {
      diff_total += v;
      diff_div += d;
    }
  }
  if (diff_total > 0) {
    total = diff_total;
    div = diff_div;
  }
  return div != 0 ? total / div : total;
}

std::string TrimPath(const std::string& path, const std::string& trim_path, const std::string& search_path) {
  if (trim_path.empty()) {
    size_t start = 0;
    while (start <= search_path.size() && !search_path.empty()) {
      size_t end = search_path.find(':', start);
      if (end == std::string::npos) end = search_path.size();
      std::string dir = search_path.substr(start, end - start);
      std::string clean = CleanPath(dir);
      size_t slash = clean.find_last_of('/');
      std::string base = slash == std::string::npos ? clean : clean.substr(slash + 1);
      std::string want = "/" + base + "/";
      if (size_t found = path.find(want); found != std::string::npos) return path.substr(found + want.size());
      start = end + 1;
    }
  }
  std::vector<std::string> prefixes;
  for (size_t start = 0; !trim_path.empty() && start <= trim_path.size();) {
    size_t end = trim_path.find(':', start);
    if (end == std::string::npos) end = trim_path.size();
    prefixes.push_back(trim_path.substr(start, end - start));
    start = end + 1;
  }
  prefixes.push_back("/proc/self/cwd/./");
  prefixes.push_back("/proc/self/cwd/");
  for (std::string prefix : prefixes) {
    if (!prefix.ends_with('/')) prefix += '/';
    if (path.starts_with(prefix)) return path.substr(prefix.size());
  }
  return path;
}

Report::Report(Profile& p, ReportOptions options)
    : p_(p), o_(std::move(options)), total_(ComputeTotal(p, o_.sample_index, o_.mean)) {}

Report::Report(Profile& p, ReportOptions options, int64_t total, GraphCache* graphs)
    : p_(p), o_(std::move(options)), total_(total), graphs_(graphs) {}

std::string FormatValue(int64_t v, const ReportOptions& o) {
  if (o.ratio > 0 && o.ratio != 1) v = static_cast<int64_t>(static_cast<double>(v) * o.ratio);
  return ScaledLabel(v, o.sample_unit, o.output_unit);
}

std::vector<std::string> ProfileLabels(const Profile& p, const ReportOptions& o, int64_t total) {
  std::vector<std::string> label;
  if (!p.mappings.empty()) {
    std::string_view file = p.str(p.mappings[0].file);
    if (!file.empty()) {
      std::string clean = CleanPath(file);
      size_t slash = clean.find_last_of('/');
      std::string base = slash == std::string::npos ? clean : clean.substr(slash + 1);
      if (base.empty()) base = "/";
      label.push_back("File: " + base);
    }
    if (p.mappings[0].build_id != 0) label.push_back("Build ID: " + std::string(p.str(p.mappings[0].build_id)));
  }
  for (StrId c : p.comments) {
    if (!p.str(c).starts_with('#')) label.emplace_back(p.str(c));
  }
  if (!o.sample_type.empty()) label.push_back("Type: " + o.sample_type);
  if (p.time_nanos != 0) label.push_back("Time: " + GoReportTime(p.time_nanos));
  if (p.duration_nanos != 0) {
    std::string duration = AutoLabel(p.duration_nanos, "nanoseconds");
    auto [total_ns, unit] = ScaleValue(total, o.sample_unit, "nanoseconds");
    std::string ratio;
    if (unit == "ns" && total_ns != 0) {
      ratio = "(" + Percentage(static_cast<int64_t>(total_ns), p.duration_nanos) + ")";
    }
    label.push_back(fmt::format("Duration: {}, Total samples = {} {}", duration, FormatValue(total, o), ratio));
  }
  return label;
}

GraphOptions GraphOptionsFor(const Report& r) {
  const ReportOptions& o = r.options();
  GraphOptions g;
  g.sample_index = o.sample_index;
  g.mean = o.mean;
  g.drop_negative = o.drop_negative;
  bool visual = o.format == ReportFormat::kDot;
  g.call_tree = o.call_tree && (visual || o.format == ReportFormat::kCallgrind);
  // Binary names (and start lines) separate functions only where addresses
  // or listings matter.
  g.keep_object_names =
      o.format == ReportFormat::kCallgrind || o.format == ReportFormat::kList || o.format == ReportFormat::kDisasm;
  g.collect_tags = visual;
  if (auto it = o.num_label_units.find(g.numeric_tag_key); it != o.num_label_units.end()) {
    g.numeric_tag_unit = it->second;
  }
  g.tag_output_unit = o.output_unit;
  return g;
}

GraphBuilder& ReportGraph(Report& r) {
  std::unique_ptr<GraphBuilder>& g = r.graphs().builder;
  if (g == nullptr) {
    TrimSourcePaths(r);
    g = std::make_unique<GraphBuilder>(r.profile(), GraphOptionsFor(r));
  }
  return *g;
}

namespace {

// The nodes of `nodes` whose cum reaches `cutoff`, with the count of the others
// in *dropped; empty, meaning every node, when none falls below it.
std::vector<bool> NodesAboveCutoff(const GraphBuilder& g, const std::vector<uint32_t>& nodes, int64_t cutoff,
                                   int* dropped) {
  if (cutoff <= 0) return {};
  std::vector<bool> above(g.nodes().size(), false);
  size_t count = 0;
  for (uint32_t n : nodes) {
    if (Abs64(g.nodes()[n].cum) >= cutoff) {
      above[n] = true;
      ++count;
    }
  }
  if (count == nodes.size()) return {};
  *dropped = static_cast<int>(nodes.size() - count);
  return above;
}

// The text report's stand-in for rebuilding the graph with the nodes a step
// kept (pprof's rpt.newGraph(nodesKept)). Text reads node values, which
// rebuilding with fewer nodes leaves as they are, and of the edges only those
// into inlined callees of the last graph ("(inline)" markers). So a step only
// filters the node list and remembers what it kept in *last_kept, for the one
// rebuild at the end, of those edges.
std::vector<uint32_t> KeepTextNodes(const std::vector<uint32_t>& nodes, const std::vector<bool>& kept,
                                    std::vector<bool>* last_kept) {
  *last_kept = kept;
  std::vector<uint32_t> out;
  for (uint32_t n : nodes) {
    if (kept.empty() || kept[n]) out.push_back(n);
  }
  return out;
}

}  // namespace

// pprof's newTrimmedGraph (report.go:124-184), in its three steps. A call tree
// is built once and trimmed in place, as pprof does; other graphs are rebuilt
// with the nodes each step keeps (KeepTextNodes for the text report's shortcut).
TrimmedGraph NewTrimmedGraph(Report& r, GraphBuilder& g) {
  const ReportOptions& o = r.options();
  bool visual = o.format == ReportFormat::kDot;
  bool tree = g.options().call_tree;
  bool text = o.format == ReportFormat::kText;
  TrimmedGraph t;
  std::vector<bool> text_kept;  // empty: every node
  // The first step's rebuild keeps fewer nodes than the values-only build
  // before it; the second step's keeps fewer than the first step's.
  auto rebuild = [&](const std::vector<bool>& kept, EdgeSet edges) {
    return text ? KeepTextNodes(t.nodes, kept, &text_kept) : g.Build(kept, edges);
  };

  // First step: the complete graph, to find the nodes of low cum weight. Values
  // only, except for a tree; edges come with the graph that is kept (see Build).
  t.nodes = tree ? g.Build({}, EdgeSet::kAll)
                 : BuildThrough(r.graphs().values, r.shares_graphs() ? 1 : 0, g, {}, EdgeSet::kNone);
  int64_t total = 0;
  for (uint32_t n : t.nodes) total += g.nodes()[n].flat;
  int64_t node_cutoff = Abs64(static_cast<int64_t>(static_cast<double>(total) * o.node_fraction));
  int64_t edge_cutoff = Abs64(static_cast<int64_t>(static_cast<double>(total) * o.edge_fraction));
  std::vector<bool> kept = NodesAboveCutoff(g, t.nodes, node_cutoff, &t.dropped_nodes);
  if (tree) {
    if (!kept.empty()) g.TrimTree(t.nodes, kept);
  } else {
    // Even with every node kept: the first build had no edges. Its values
    // are those of the kept nodes.
    t.nodes = rebuild(kept, EdgeSet::kAllAndTags);
  }
  t.orig_count = static_cast<int>(t.nodes.size());

  // Second step: limit the number of nodes, with the visual heuristics for dot.
  NodeOrder order = visual ? NodeOrder::kEntropy : o.cum_sort ? NodeOrder::kCumName : NodeOrder::kFlatName;
  g.Sort(t.nodes, order);
  if (o.node_count > 0) {
    // Low frequency tags and edges affect the selection.
    g.TrimLowFrequencyTags(t.nodes, node_cutoff);
    g.TrimLowFrequencyEdges(t.nodes, edge_cutoff);
    size_t top = g.TopNodeCount(t.nodes, o.node_count, visual);
    if (top < t.nodes.size()) {
      std::vector<bool> first(g.nodes().size(), false);
      for (size_t i = 0; i < top; ++i) first[t.nodes[i]] = true;
      if (tree) {
        g.TrimTree(t.nodes, first);
      } else {
        t.nodes = rebuild(first, EdgeSet::kAllOfFewer);
      }
      g.Sort(t.nodes, order);
    }
  }

  // Final step: trim low frequency tags and edges, and remove the redundant
  // edges that clutter the arrows. The text report first gets its one rebuild.
  if (text) {
    t.nodes = BuildThrough(r.graphs().inline_edges, r.shares_graphs() ? GraphCache::kInlineEdgeBuilds : 0, g, text_kept,
                           EdgeSet::kIntoInlined);
    g.Sort(t.nodes, order);
  }
  g.TrimLowFrequencyTags(t.nodes, node_cutoff);
  t.dropped_edges = g.TrimLowFrequencyEdges(t.nodes, edge_cutoff);
  if (visual) g.RemoveRedundantEdges(t.nodes);
  return t;
}

void SelectOutputUnit(Report& r, const GraphBuilder& g, const std::vector<uint32_t>& nodes) {
  ReportOptions& o = r.mutable_options();
  if (o.output_unit != "minimum" || nodes.empty()) return;
  int64_t min_value = 0;
  for (uint32_t n : nodes) {
    int64_t node_min = Abs64(g.nodes()[n].flat_value());
    if (node_min == 0) node_min = Abs64(g.nodes()[n].cum_value());
    if (node_min > 0 && (min_value == 0 || node_min < min_value)) min_value = node_min;
  }
  int64_t max_value = r.total();
  if (min_value == 0) min_value = max_value;
  if (o.ratio > 0 && o.ratio != 1) {
    min_value = static_cast<int64_t>(static_cast<double>(min_value) * o.ratio);
    max_value = static_cast<int64_t>(static_cast<double>(max_value) * o.ratio);
  }
  std::string min_unit = ScaleValue(min_value, o.sample_unit, "minimum").second;
  std::string max_unit = ScaleValue(max_value, o.sample_unit, "minimum").second;
  std::string unit = min_unit;
  // Callgrind shows integers only, so it keeps the smallest value's unit.
  if (min_unit != max_unit && min_value * 100 < max_value && o.format != ReportFormat::kCallgrind) {
    unit = ScaleValue(100 * min_value, o.sample_unit, "minimum").second;
  }
  o.output_unit = unit.empty() ? o.sample_unit : unit;
}

std::vector<std::string> ReportLabels(const Report& r, const GraphBuilder& g, const TrimmedGraph& t,
                                      bool full_headers) {
  const ReportOptions& o = r.options();
  std::vector<std::string> label;
  if (full_headers || !o.compact_labels) label = ProfileLabels(r);
  int64_t flat_sum = 0;
  for (uint32_t n : t.nodes) flat_sum += g.nodes()[n].flat_value();
  if (!o.active_filters.empty()) {
    label.push_back("Active filters:");
    for (std::string f : o.active_filters) {
      if (f.size() > 80) f = f.substr(0, 80) + "\xe2\x80\xa6";
      label.push_back("   " + f);
    }
  }
  std::string pct = Percentage(flat_sum, r.total());
  pct.erase(0, pct.find_first_not_of(' '));
  label.push_back(fmt::format("Showing nodes accounting for {}, {} of {} total", r.FormatValue(flat_sum), pct,
                              r.FormatValue(r.total())));
  if (r.total() != 0) {
    auto dropped = [&](int d, const char* what, const char* l, double fraction) {
      label.push_back(
          fmt::format("Dropped {} {}{} ({} <= {})", d, what, d > 1 ? "s" : "", l,
                      r.FormatValue(Abs64(static_cast<int64_t>(static_cast<double>(r.total()) * fraction)))));
    };
    if (t.dropped_nodes > 0) dropped(t.dropped_nodes, "node", "cum", o.node_fraction);
    if (t.dropped_edges > 0) dropped(t.dropped_edges, "edge", "freq", o.edge_fraction);
    if (!t.nodes.empty() && static_cast<int>(t.nodes.size()) < t.orig_count) {
      label.push_back(fmt::format("Showing top {} nodes out of {}", t.nodes.size(), t.orig_count));
    }
  }
  if (full_headers) label.push_back("\nSee https://git.io/JfYMW for how to read the graph");
  return label;
}

Status AppendIfFull(std::string& out, ReportSink& sink) {
  if (out.size() <= (1 << 20)) return Status();
  Status s = sink.Append(out);
  out.clear();
  return s;
}

namespace {

// The report, appended to out; long reports hand full pieces to sink.
Status GenerateInto(Report& r, std::string& out, ReportSink& sink) {
  Profile& p = r.profile();
  switch (r.options().format) {
    case ReportFormat::kText: return PrintText(r, out);
    case ReportFormat::kTree: return PrintTree(r, out);
    case ReportFormat::kDot: return PrintDot(r, out);
    case ReportFormat::kCallgrind: return PrintCallgrind(r, out);
    case ReportFormat::kTopProto: return PrintTopProto(r, out);
    case ReportFormat::kTraces: return PrintTraces(r, out, sink);
    case ReportFormat::kTags: return PrintTags(r, out);
    case ReportFormat::kFlameGraph: return PrintFlameGraph(r, out);
    case ReportFormat::kList: return PrintSource(r, out);
    case ReportFormat::kDisasm: return PrintAssembly(r, out);
    case ReportFormat::kWebList: return PrintWebList(r, out);
    case ReportFormat::kFolded: return PrintFolded(r, out, sink);
    case ReportFormat::kSpeedscope: return PrintSpeedscope(r, out);
    case ReportFormat::kRaw: out += DumpProfile(p); return Status();
    case ReportFormat::kComments:
      for (StrId c : p.comments) {
        out += p.str(c);
        out += '\n';
      }
      return Status();
    case ReportFormat::kProto: {
      double ratio = r.options().ratio;
      if (ratio > 0 && ratio != 1) {
        for (int64_t& v : p.values) v = static_cast<int64_t>(static_cast<double>(v) * ratio);
      }
      out += WriteProfile(p);
      return Status();
    }
  }
  return Status::Error("unexpected output format");
}

}  // namespace

Status Generate(Report& r, ReportSink& sink) {
  std::string out;
  if (Status s = GenerateInto(r, out, sink); !s.ok()) return s;
  return sink.Append(out);
}

}  // namespace cpprof
