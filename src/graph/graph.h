// Package graph collects the samples of a profile into a directed call graph
// (pprof's internal/graph): one node per distinct frame at the profile's
// current granularity, with flat and cumulative values, and weighted edges
// from caller to callee. Cumulative values count each node once per sample.
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

struct Node {
  NodeInfo info;
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;
  std::vector<uint32_t> in, out;  // edge indices
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
};

enum class NodeOrder { kFlatName, kCumName };

struct NodeSums;

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
  // 1M-sample profile); with_edges=false computes node values only, and for
  // the whole graph runs on all cores.
  std::vector<uint32_t> Build(const std::vector<bool>& kept = {}, bool with_edges = true);

  // Replaces the edges with those into inlined callees among the kept nodes,
  // as Build(kept) would record them, and leaves node values alone: all the
  // text report needs for its "(inline)" markers, since rebuilding with fewer
  // nodes does not change the kept nodes' values. Runs on all cores.
  void BuildInlineEdges(const std::vector<bool>& kept);

  const Profile& profile() const { return p_; }
  std::vector<Node>& nodes() { return nodes_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  std::vector<Edge>& edges() { return edges_; }
  const std::vector<Edge>& edges() const { return edges_; }

  std::string PrintableName(uint32_t node) const;

  // The nodes of a location's lines, innermost (the leaf side) first.
  std::span<const uint32_t> LocationNodes(uint32_t loc) const {
    return {loc_nodes_.data() + loc_nodes_begin_[loc], loc_nodes_begin_[loc + 1] - loc_nodes_begin_[loc]};
  }
  void Sort(std::vector<uint32_t>& selected, NodeOrder order) const;

  // Removes in-edges of selected nodes lighter than the cutoff; returns how many.
  int TrimLowFrequencyEdges(const std::vector<uint32_t>& selected, int64_t cutoff);

 private:
  template <bool kMean>
  void SumNodeValues(size_t begin, size_t end, std::vector<NodeSums>& sums) const;
  std::vector<NodeSums> SumAllNodeValues() const;
  std::vector<NodeSums> SumKeptNodeValues(const std::vector<bool>& kept, bool with_edges);
  void LinkEdges();

  Profile& p_;
  GraphOptions options_;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::vector<uint32_t> loc_nodes_begin_;  // per location, into loc_nodes_
  std::vector<uint32_t> loc_nodes_;
  std::vector<uint32_t> single_node_;  // per location: its node if it has one, else kNone
  std::vector<bool> inlined_callee_;  // per node: some location inlines it
};

// The node identity of line `line_index` of a location (or of the location
// itself when it has no lines), as pprof's nodeInfo.
NodeInfo MakeNodeInfo(Profile& p, const Location& loc, int line_index, bool keep_object_names);

// "address name file:line", as pprof prints a node.
std::string PrintableName(const Profile& p, const NodeInfo& info);

// Go's filepath.Clean.
std::string CleanPath(std::string_view path);

}  // namespace cpprof

#endif  // CPPROF_GRAPH_GRAPH_H_
