// Trimming a graph for display (pprof's TrimLowFrequency*, selectTopNodes,
// RemoveRedundantEdges and TrimTree).

#include <algorithm>
#include <deque>

#include "graph/graph.h"

namespace cpprof {
namespace {

int64_t Abs64(int64_t v) { return v < 0 ? -v : v; }

// A dot node shows at most 4 nodelets (tag boxes), and each costs a node slot.
constexpr size_t kMaxNodelets = 4;

}  // namespace

int GraphBuilder::TrimLowFrequencyEdges(const std::vector<uint32_t>& selected, int64_t cutoff) {
  int dropped = 0;
  for (uint32_t n : selected) {
    for (uint32_t e : nodes_[n].in) {
      Edge& edge = edges_[e];
      if (!edge.removed && edge.dest == n && Abs64(edge.weight) < cutoff) {
        edge.removed = true;
        ++dropped;
      }
    }
  }
  return dropped;
}

void GraphBuilder::TrimLowFrequencyTags(const std::vector<uint32_t>& selected, int64_t cutoff) {
  for (uint32_t n : selected) {
    for (uint32_t t : nodes_[n].tags) {
      NodeTag& tag = tags_[t];
      if (Abs64(tag.flat) < cutoff && Abs64(tag.cum) < cutoff) tag.removed = true;
    }
  }
}

size_t GraphBuilder::TopNodeCount(const std::vector<uint32_t>& selected, int max_nodes, bool visual) const {
  size_t count = static_cast<size_t>(max_nodes);
  if (visual) {
    size_t slots = 0;
    for (size_t i = 0; i < selected.size(); ++i) {
      size_t tags = 0;
      for (uint32_t t : nodes_[selected[i]].tags) tags += !tags_[t].removed && tags_[t].flat != 0;
      slots += std::min(tags, kMaxNodelets) + 1;
      if (slots >= count) {
        count = i + 1;
        break;
      }
    }
  }
  return std::min(count, selected.size());
}

bool GraphBuilder::IsRedundantEdge(uint32_t e) const {
  uint32_t src = edges_[e].src;
  std::vector<bool> seen(nodes_.size(), false);
  std::deque<uint32_t> queue{edges_[e].dest};
  seen[edges_[e].dest] = true;
  while (!queue.empty()) {
    uint32_t n = queue.front();
    queue.pop_front();
    for (uint32_t ie : nodes_[n].in) {
      const Edge& in = edges_[ie];
      if (in.removed || ie == e || seen[in.src]) continue;
      if (in.src == src) return true;
      seen[in.src] = true;
      queue.push_back(in.src);
    }
  }
  return false;
}

void GraphBuilder::RemoveRedundantEdges(const std::vector<uint32_t>& selected) {
  // Lightest nodes and edges first, so the heavier paths stay.
  for (size_t i = selected.size(); i-- > 0;) {
    std::vector<uint32_t> in = SortedEdges(nodes_[selected[i]].in);
    for (size_t j = in.size(); j-- > 0;) {
      // Keep residual edges heavier than a real one, which would confuse.
      if (!edges_[in[j]].residual) break;
      if (IsRedundantEdge(in[j])) edges_[in[j]].removed = true;
    }
  }
}

void GraphBuilder::TrimTree(std::vector<uint32_t>& selected, const std::vector<bool>& kept) {
  std::vector<uint32_t> out;
  out.reserve(selected.size());
  for (uint32_t cur : selected) {
    if (kept[cur]) {
      out.push_back(cur);
      continue;
    }
    uint32_t parent_edge = kNone;
    for (uint32_t e : nodes_[cur].in) {
      if (!edges_[e].removed) parent_edge = e;
    }
    std::vector<uint32_t> children = std::move(nodes_[cur].out);
    nodes_[cur].out.clear();
    if (parent_edge == kNone) {
      // A dropped root: its children become roots.
      for (uint32_t e : children) edges_[e].removed = true;
      continue;
    }
    Edge& up = edges_[parent_edge];
    up.removed = true;
    Node& parent = nodes_[up.src];
    for (uint32_t e : children) {
      Edge& edge = edges_[e];
      if (edge.removed) continue;
      edge.src = up.src;
      edge.residual = true;
      edge.is_inline = up.is_inline && edge.is_inline;
      parent.out.push_back(e);
    }
  }
  selected = std::move(out);
}

}  // namespace cpprof
