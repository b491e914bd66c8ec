// Package report summarizes a profile into a human-readable report (pprof's
// internal/report): reports are functions of (profile, options) that append
// to a string or a ReportSink and never read flags or files.
#ifndef CPPROF_REPORT_REPORT_H_
#define CPPROF_REPORT_REPORT_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "graph/graph.h"
#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

// Graphs kept between reports of one profile (the shell's and the web UI's,
// see driver's ReportCache): the builder with its node table, and the two
// builds a text report makes. Each walks every frame: on the 1M-sample
// benchmark profile ~110 ms for the values of all nodes, ~145 ms for the
// edges into inlined callees of the nodes shown (twice that when the other
// core is busy). A report that would make a kept build again restores it
// instead. Valid for one kind of graph (GraphOptions) of a profile that does
// not change: whoever changes the profile resets the cache.
struct GraphCache {
  struct Build {
    std::vector<bool> kept;
    std::vector<uint32_t> selected;
    GraphBuilder::Built built;
  };
  // The edge builds of the last few node selections ("top", "top -cum",
  // "top20" select different nodes), newest first; each keeps a copy of the
  // node table, ~3.5 MB for the benchmark profile's 20K nodes.
  static constexpr size_t kInlineEdgeBuilds = 4;
  std::unique_ptr<GraphBuilder> builder;
  std::vector<Build> values;        // Build({}, EdgeSet::kNone), at most one
  std::vector<Build> inline_edges;  // Build(kept, EdgeSet::kIntoInlined)
};

enum class ReportFormat {
  kText,
  kTree,
  kDot,
  kCallgrind,
  kTopProto,
  kTraces,
  kTags,
  kRaw,
  kComments,
  kProto,
  kFlameGraph,
  kList,
  kDisasm,
  kWebList,
  kFolded,
  kSpeedscope
};

// The text, tree and graph reports read a profile through the sums of its
// graph's nodes and edges alone, which neither the order of its locations
// and samples nor duplicates among them change (nodes and edges are sorted
// by value and name).
inline bool ReadsOnlySums(ReportFormat f) {
  return f == ReportFormat::kText || f == ReportFormat::kTree || f == ReportFormat::kDot;
}

struct ReportOptions {
  ReportFormat format = ReportFormat::kText;
  bool cum_sort = false;
  bool call_tree = false;                  // honored by the dot and callgrind reports only
  std::shared_ptr<const re2::RE2> symbol;  // -peek: nodes whose name matches
  bool drop_negative = false;
  bool compact_labels = false;
  double ratio = 1;  // 1 / -divide_by
  std::string title;
  std::vector<std::string> active_filters;
  std::map<std::string, std::string> num_label_units;
  int node_count = 0;
  double node_fraction = 0;
  double edge_fraction = 0;
  int sample_index = 0;
  bool mean = false;
  std::string sample_type;  // "mean_" prefixed when mean
  std::string sample_unit;
  std::string output_unit = "minimum";
  std::string trim_path, source_path;
  bool intel_syntax = false;  // -disasm in Intel syntax
};

// Where a report goes, piece by piece (LevelDB's WritableFile): stdout, a
// file, an HTTP response or a string. Long reports (-traces of a million
// samples is gigabytes) hand their text over in pieces of about 1 MB as they
// go, so that a sink that writes through never holds the whole report.
class ReportSink {
 public:
  virtual ~ReportSink() = default;
  virtual Status Append(std::string_view data) = 0;
  // The report is complete: writes out what the sink still holds.
  virtual Status Flush() = 0;
};

// Keeps the whole report, for reports that are processed further (rendered
// through graphviz, shown by a viewer, served, compared in tests).
class StringSink final : public ReportSink {
 public:
  Status Append(std::string_view data) override {
    text_ += data;
    return Status();
  }
  Status Flush() override { return Status(); }
  std::string& text() { return text_; }

 private:
  std::string text_;
};

// A value in the report's units: scaled by -divide_by, in the output unit.
std::string FormatValue(int64_t v, const ReportOptions& o);

class Report {
 public:
  // Computes the report total now, from the profile as it is (before or after
  // focusing, which is what -relative_percentages chooses).
  Report(Profile& p, ReportOptions options);
  // With the total computed when the profile was prepared (ReportCache), and
  // the graphs kept from earlier reports of the profile (the shell's or the
  // web UI's); without them, the report keeps its graph to itself.
  Report(Profile& p, ReportOptions options, int64_t total, GraphCache* graphs = nullptr);

  // Reports change the profile, as pprof's do (report.go's newGraph
  // rewrites every Function.Filename with trimPath): building a graph
  // interns cleaned file names into its string table and -trim_path
  // rewrites them. So a report gets the profile as a copy of its own (the
  // driver's ReportCache makes it), and the report functions that only read
  // take a const Profile&.
  Profile& profile() { return p_; }
  const Profile& profile() const { return p_; }
  GraphCache& graphs() { return graphs_ != nullptr ? *graphs_ : own_graphs_; }
  // Whether graphs() outlives the report (the shell's or the web UI's).
  bool shares_graphs() const { return graphs_ != nullptr; }
  const ReportOptions& options() const { return o_; }
  ReportOptions& mutable_options() { return o_; }
  int64_t total() const { return total_; }
  std::string FormatValue(int64_t v) const { return cpprof::FormatValue(v, o_); }

 private:
  Profile& p_;
  ReportOptions o_;
  int64_t total_;
  GraphCache* graphs_ = nullptr;
  GraphCache own_graphs_;
};

// The report total: the sum of |value| of all samples, or of the -diff_base
// samples when there are any, divided by the summed mean divisors in mean
// mode (pprof's computeTotal).
int64_t ComputeTotal(const Profile& p, int sample_index, bool mean);

// Generates the report selected by options().format into sink (without
// flushing it).
Status Generate(Report& r, ReportSink& sink);

// Hands out over to sink and clears it once it holds a piece of about 1 MB:
// what long reports call as they go.
Status AppendIfFull(std::string& out, ReportSink& sink);

// The header lines every report starts with (File, Build ID, comments, Type,
// Time, Duration), for a report of p with options o and that total.
std::vector<std::string> ProfileLabels(const Profile& p, const ReportOptions& o, int64_t total);
inline std::vector<std::string> ProfileLabels(const Report& r) {
  return ProfileLabels(r.profile(), r.options(), r.total());
}

// The graph options a report builds its graph with (pprof's newGraph).
GraphOptions GraphOptionsFor(const Report& r);

// The report's graph builder (pprof's newGraph): the one in graphs(), made
// on first use after cleaning up source paths (-trim_path, -source_path).
GraphBuilder& ReportGraph(Report& r);
// pprof's trimPath for one path: the part after the base name of a
// search_path directory, else after a trim_path prefix or /proc/self/cwd/.
std::string TrimPath(const std::string& path, const std::string& trim_path, const std::string& search_path);

// A graph trimmed as pprof's newTrimmedGraph does: cut-offs by node and edge
// fraction, the first node_count nodes (entropy order for dot), and for dot
// no redundant residual edges.
struct TrimmedGraph {
  std::vector<uint32_t> nodes;  // in report order
  int orig_count = 0;
  int dropped_nodes = 0;
  int dropped_edges = 0;
};
TrimmedGraph NewTrimmedGraph(Report& r, GraphBuilder& g);

// Picks the output unit for "minimum" from the smallest value in the graph.
void SelectOutputUnit(Report& r, const GraphBuilder& g, const std::vector<uint32_t>& nodes);

// ProfileLabels (unless compact) plus filters and the "Showing nodes" lines.
std::vector<std::string> ReportLabels(const Report& r, const GraphBuilder& g, const TrimmedGraph& t, bool full_headers);

Status PrintText(Report& r, std::string& out);
Status PrintTree(Report& r, std::string& out);
Status PrintDot(Report& r, std::string& out);
Status PrintCallgrind(Report& r, std::string& out);
Status PrintTopProto(Report& r, std::string& out);
Status PrintTraces(Report& r, std::string& out, ReportSink& sink);
Status PrintTags(Report& r, std::string& out);
Status PrintFlameGraph(Report& r, std::string& out);                // JSON for the web UI
Status PrintSource(Report& r, std::string& out);                    // -list
Status PrintAssembly(Report& r, std::string& out);                  // -disasm
Status PrintWebList(Report& r, std::string& out);                   // -weblist (an HTML page)
Status PrintFolded(Report& r, std::string& out, ReportSink& sink);  // -folded
Status PrintSpeedscope(Report& r, std::string& out);                // -speedscope (JSON)

}  // namespace cpprof

#endif  // CPPROF_REPORT_REPORT_H_
