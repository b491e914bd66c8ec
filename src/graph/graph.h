// Package graph collects the samples of a profile into a directed call graph
// (pprof's internal/graph): one node per distinct frame at the profile's
// current granularity, with flat and cumulative values, and weighted edges
// from caller to callee. Cumulative values count each node once per sample.
// In call-tree mode a node is a frame in one calling context instead.
#ifndef CPPROF_GRAPH_GRAPH_H_
#define CPPROF_GRAPH_GRAPH_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "profile/profile.h"

namespace cpprof {

// What identifies a node. Objfile and StartLine are kept only when
// keep_object_names is set (or the frame has no name).
struct NodeInfo {
  StrId name = 0;
  StrId orig_name = 0;
  uint64_t address = 0;
  StrId file = 0;
  int64_t start_line = 0;
  int64_t lineno = 0;
  StrId objfile = 0;
  bool operator==(const NodeInfo&) const = default;
};

// A sample annotation summed per node: a label tag is the sample's string
// labels joined ("k:v\nk:v"); a numeric tag is one value of the numeric
// label selected by GraphOptions, grouped under the sample's label tag.
struct NodeTag {
  uint32_t group = 0;     // label group: index into GraphBuilder::group_names()
  uint32_t name = kNone;  // numeric tags: index into tag_names(); kNone for label tags
  int64_t value = 0;      // numeric tags: the first value seen with this name
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;
  bool removed = false;  // trimmed away
  int64_t flat_value() const { return flat_div == 0 ? flat : flat / flat_div; }
  int64_t cum_value() const { return cum_div == 0 ? cum : cum / cum_div; }
};

struct Node {
  Node() = default;
  explicit Node(const NodeInfo& i, uint32_t p = kNone) : info(i), parent(p) {}
  NodeInfo info;
  uint32_t parent = kNone;  // call-tree mode: the node this one was called from
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;
  std::vector<uint32_t> in, out;  // edge indices, including removed edges
  std::vector<uint32_t> tags;     // tag indices
  int64_t flat_value() const { return flat_div == 0 ? flat : flat / flat_div; }
  int64_t cum_value() const { return cum_div == 0 ? cum : cum / cum_div; }
};

struct Edge {
  uint32_t src = 0, dest = 0;
  int64_t weight = 0, weight_div = 0;
  bool residual = false;
  bool is_inline = true;  // every contribution came from an inlined callee
  bool removed = false;   // trimmed away
  int64_t weight_value() const { return weight_div == 0 ? weight : weight / weight_div; }
};

struct GraphOptions {
  int sample_index = 0;
  bool mean = false;  // divide by sample value 0
  bool keep_object_names = false;
  bool drop_negative = false;
  bool call_tree = false;
  // Tags are collected only when set (the dot report's nodelets). Numeric
  // tags come from the numeric label numeric_tag_key, named by
  // ScaledLabel(value, numeric_tag_unit, tag_output_unit); string labels with
  // key hidden_label_key are left out of label tags.
  bool collect_tags = false;
  std::string numeric_tag_key = "bytes";
  std::string numeric_tag_unit = "bytes";
  std::string tag_output_unit = "minimum";
  std::string hidden_label_key = "pprof::base";
  // Threads a graph build uses; 0 picks (2 from 200K samples on).
  int threads_for_testing = 0;
};

enum class NodeOrder { kFlatName, kCumName, kEntropy };

// Which edges Build records: none (node values only), all of them, or only
// those into inlined callees (all that the text report's "(inline)" markers
// read). kIntoInlined builds nothing else: node values stay those of the
// last build, which must have been of the same profile with every kept node
// (the kept nodes' values are the same with fewer nodes). kAllAndTags
// builds every edge and the tags, and keeps the values likewise: -dot's
// first step, 380 of the 20,000 nodes of the values-only build before it
// on the benchmark profile, so skips re-summing the values of 31.5M frames
// (its walk: 490-550 ms -> 280-360). kAllOfFewer builds every edge and
// nothing else: node values and tags stay those of the last build, which
// must have been a kAll or kAllAndTags build of the same profile with every
// kept node (a node's tags too are the same with fewer nodes); -dot's
// second step, 80 of the first step's 380 nodes.
enum class EdgeSet { kNone, kIntoInlined, kAll, kAllAndTags, kAllOfFewer };

// Builds graphs of one profile. The node table is computed once from the
// locations; building again with a kept-node mask reuses it, which is how
// pprof's trimming rebuilds "the graph of the kept nodes".
class GraphBuilder {
 public:
  // The profile must outlive the builder; file names are cleaned (and
  // interned) in it.
  GraphBuilder(Profile& p, const GraphOptions& options);

  // Builds the graph; with a non-empty kept mask (indexed by node), other
  // nodes are left out and edges across them become residual. Returns the
  // selected nodes: those with a value, minus negative ones if dropped.
  // Edges cost a hash lookup per frame (4M distinct edges, 2.7 s, on a
  // 1M-sample profile); EdgeSet::kNone computes node values alone (no edges,
  // no tags). In call-tree mode the kept mask must be empty (use TrimTree).
  std::vector<uint32_t> Build(const std::vector<bool>& kept = {}, EdgeSet edges = EdgeSet::kAll);

  // What a graph-mode Build computed, to put back instead of walking the
  // samples again for the same build (report's GraphCache).
  struct Built {
    Column<Node> nodes;
    Column<Edge> edges;
    std::vector<NodeTag> tags;
  };
  Built Save() const { return {nodes_, edges_, tags_}; }
  void Restore(const Built& built);

  const Profile& profile() const { return p_; }
  const GraphOptions& options() const { return options_; }
  Column<Node>& nodes() { return nodes_; }
  const Column<Node>& nodes() const { return nodes_; }
  Column<Edge>& edges() { return edges_; }
  const Column<Edge>& edges() const { return edges_; }
  const std::vector<NodeTag>& tags() const { return tags_; }
  const std::string& group_name(uint32_t group) const { return group_names_[group]; }
  const std::string& tag_name(const NodeTag& t) const {
    return t.name == kNone ? group_names_[t.group] : tag_names_[t.name];
  }

  // "address name file:line", as pprof prints a node; cached per node.
  const std::string& PrintableName(uint32_t node) const;

  // The node identities of a location's lines, innermost (the leaf side)
  // first, as indices for info(); usable before any Build.
  std::span<const uint32_t> LocationNodes(uint32_t loc) const {
    return {loc_nodes_.data() + loc_nodes_begin_[loc], loc_nodes_begin_[loc + 1] - loc_nodes_begin_[loc]};
  }
  const NodeInfo& info(uint32_t id) const { return infos_[id]; }
  size_t info_count() const { return infos_.size(); }
  void Sort(std::vector<uint32_t>& selected, NodeOrder order) const;
  // Live (not removed) edges of a node, heaviest first, ties by names (pprof's EdgeMap.Sort).
  std::vector<uint32_t> SortedEdges(const std::vector<uint32_t>& edges) const;
  size_t LiveCount(const std::vector<uint32_t>& edges) const;

  // Trimming (trim.cc).
  // Removes in-edges of selected nodes lighter than the cutoff; returns how many.
  int TrimLowFrequencyEdges(const std::vector<uint32_t>& selected, int64_t cutoff);
  void TrimLowFrequencyTags(const std::vector<uint32_t>& selected, int64_t cutoff);
  // The first max_nodes nodes; in visual mode each node's tags with a flat
  // value count too (up to 4 per node, as its nodelets).
  size_t TopNodeCount(const std::vector<uint32_t>& selected, int max_nodes, bool visual) const;
  // Removes residual in-edges whose source still reaches the destination
  // another way, lightest first (the dot report only).
  void RemoveRedundantEdges(const std::vector<uint32_t>& selected);
  // Call-tree mode: drops the nodes not kept from selected (order kept),
  // reconnecting their children to their parents with residual edges.
  void TrimTree(std::vector<uint32_t>& selected, const std::vector<bool>& kept);

 private:
  struct Accumulator;
  struct TagKey {
    uint32_t node, group, name;
    bool operator==(const TagKey&) const = default;
  };
  struct TagKeyHash {
    size_t operator()(const TagKey& k) const;
  };

  // A graph build's steps: fresh nodes (or, for kIntoInlined, the last
  // build's values without edges); kept nodes numbered for the dense
  // tables; an accumulator per thread; the location codes with dropped
  // locations marked; then the walk, and the dense table's edges listed.
  std::vector<Accumulator> BuildGraph(const std::vector<bool>& kept, EdgeSet edges);
  void ResetNodes(EdgeSet edges);
  void NumberKeptNodes(const std::vector<bool>& kept, EdgeSet edges);
  std::vector<Accumulator> NewAccumulators(EdgeSet edges, bool tags) const;
  std::vector<uint32_t> KeptCodes() const;
  void CollectDenseEdges(Accumulator& part) const;
  std::vector<Accumulator> BuildTree();
  // Sums the accumulators into nodes_ and edges_, in their order, and lists
  // their tags in tags_ (or, with keep_tags, leaves tags_ as it is).
  void Merge(std::vector<Accumulator>& parts, bool keep_tags);
  void MergeTags(const std::vector<Accumulator>& parts);
  void CollectSampleTags();
  // A sample's value and mean divisor; false when both are 0 (pprof skips it).
  bool Weights(uint32_t sample, int64_t* w, int64_t* dw) const;
  // Calls visit(info, outermost) for each frame of the stack [leaf, end),
  // root first and each location's lines outer to inner; outermost is false
  // for a frame inlined into the next one. codes is loc_code_ or a kept
  // build's copy in which dropped one-node locations are kDroppedLocation;
  // info is kNone for a dropped frame (without kAllKept, for the lines of
  // inlined locations that compact_ drops too).
  template <bool kAllKept, typename Visit>
  void WalkStack(const uint32_t* leaf, const uint32_t* end, const uint32_t* codes, Visit&& visit) const;
  // What a graph build's walk reads besides the profile: codes as
  // WalkStack reads them; tags: collect tags; all_edges:
  // every edge, else those into inlined callees.
  struct WalkMode {
    const uint32_t* codes;
    bool tags, all_edges;
  };
  template <bool kSums, bool kEdges, bool kAllKept>
  void WalkSamples(Accumulator& part, const WalkMode& mode, uint32_t first, uint32_t last) const;
  bool IsRedundantEdge(uint32_t e) const;

  Profile& p_;
  GraphOptions options_;
  std::vector<NodeInfo> infos_;            // the node identities
  std::vector<uint32_t> loc_nodes_begin_;  // per location, into loc_nodes_
  std::vector<uint32_t> loc_nodes_;        // indices into infos_
  // Per location: its one node, or kInlinedLocation when it has several
  // lines. 86% of the benchmark profile's locations have one line, and
  // this saves them a dependent load per frame (31.5M frames a pass).
  static constexpr uint32_t kInlinedLocation = 0x80000000u;
  static constexpr uint32_t kDroppedLocation = 0xC0000000u;
  std::vector<uint32_t> loc_code_;
  std::vector<uint8_t> inlined_;  // per info: 1 for a line some location inlines into the next
  Column<Node> nodes_;            // graph mode: one per info; tree mode: one per context
  Column<Edge> edges_;
  std::vector<NodeTag> tags_;
  // A graph build numbers the kept nodes 0..kept_count_-1 (kNone: dropped),
  // for the dense edge and tag tables; a call tree leaves it empty.
  std::vector<uint32_t> compact_;
  uint32_t kept_count_ = 0;
  // The dense edge table's rows are the kept nodes (row_nodes_, by compact
  // number) and its columns the possible destinations (edge_columns_: by
  // node, kNone for none; edge_column_nodes_: by column).
  std::vector<uint32_t> row_nodes_, edge_columns_, edge_column_nodes_;
  mutable std::vector<std::string> names_;  // PrintableName cache, "" = not yet

  // Tags: per sample a label group and numeric tags, computed once.
  std::vector<std::string> group_names_;  // [0] = "" (no labels)
  std::vector<std::string> tag_names_;
  Column<uint32_t> sample_group_;
  Column<uint32_t> sample_num_begin_;                 // per sample + 1, into sample_nums_
  Column<std::pair<uint32_t, int64_t>> sample_nums_;  // (tag name, value)
};

// The node identities of a profile's frames, as pprof's nodeInfo. A
// function's file is cleaned (Go's filepath.Clean) once, not per frame:
// bench/symbolize.sh's 104k frames have 4k functions.
class NodeInfoMaker {
 public:
  NodeInfoMaker(Profile& p, bool keep_object_names)
      : p_(p), keep_object_names_(keep_object_names), files_(p.functions.size(), kNone) {}

  // Line `line_index` of loc, or the location itself when line_index < 0
  // (it has no lines).
  NodeInfo Make(const Location& loc, int line_index);

 private:
  Profile& p_;
  bool keep_object_names_;
  std::vector<StrId> files_;  // by function, kNone until needed
};

// Names (names.cc).
// pprof's NameComponents, with the name and file given as they are to be
// shown: the address, the name, file:line or file or [objfile] or <unknown>.
std::vector<std::string> NameComponents(const Profile& p, const NodeInfo& info, std::string_view name,
                                        std::string_view file);
// "address name file:line", as pprof prints a node.
std::string PrintableName(const Profile& p, const NodeInfo& info);
// pprof's ShortenFunctionName: "pkg/path.Func" -> "path.Func", "ns::Class::f" -> "Class::f".
std::string ShortenFunctionName(std::string_view name);

// Go's filepath.Clean and filepath.Base.
std::string CleanPath(std::string_view path);
std::string GoBase(std::string_view path);

}  // namespace cpprof

#endif  // CPPROF_GRAPH_GRAPH_H_
