// The flame graph's data for the web UI: the samples merged into a tree of
// call paths (root first), written as compact JSON for the page to draw.
//
// {"type":..,"unit":..,"total":..,"diff":bool,"names":[..],
//  "n":[name..],"v":[value..],"c":[child count..]}
// n/v/c list the tree's nodes in depth-first order, children sorted by name;
// node 0 is the root ("root", the total). Paths worth less than 1/100000 of
// the total are folded into their parent: they would be under a pixel wide
// at any zoom a person uses, and a 1M-sample profile has millions of them.
// Tested by tests/report/flame_graph_test.cc and tests/web/ui_test.mjs.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "profile/column.h"
#include "report/report.h"
#include "util/json.h"

namespace cpprof {
namespace {

constexpr double kMinShare = 1e-5;

struct TreeNode {
  uint32_t name;  // graph node; kNone for the root
  uint32_t parent;
  int64_t value;
};

// Where a sample's walk from the root is: at frame `frame` of the stack
// pool (its first frame, the leaf, is `leaf`), line k of that location
// (outermost first), which is graph node `node`. A cursor carries all that a
// step reads, node and weight included: read through the sample (its stack
// entry, then the pool, then its weight) each step cost three cache misses
// on the benchmark profile: the walk's own CPU time went from 0.94 s to
// 0.52 s of a flame graph request (perf, same machine and load).
struct Cursor {
  uint32_t frame, leaf, k, node;
  int64_t weight;
};

// Merges the samples' call paths into a tree, one depth at a time: the
// samples under a tree node are grouped by their next frame, and a group
// worth less than min_value stops there, folded into its parent. Deep,
// rarely shared paths, most of the 31M frames of a 1M-sample profile, are
// never visited (8.5M cursors over 17 levels on the benchmark profile).
//
// A level's groups split into the next level's by a stable counting sort on
// the graph node: cursors stay in sample order, so each step's read of the
// stack pool moves forward through it, prefetched a few cursors ahead. With
// std::sort by node instead, the reads jumped about the 124 MB pool: the
// tree took 640-680 ms (180 of them sorting) of a 0.8-1.1 s flame graph
// request, and takes 250-350 ms this way.
std::vector<TreeNode> BuildTree(const Profile& p, const GraphBuilder& g, const std::vector<int64_t>& weight,
                                int64_t min_value) {
  std::vector<TreeNode> tree = {{kNone, kNone, 0}};
  struct Group {
    uint32_t node;
    size_t begin, end;
  };
  // The cursor at line k of the location at `frame`; by default its
  // outermost line, where a walk enters a location.
  auto at = [&](uint32_t frame, uint32_t leaf, int64_t w, uint32_t k = kNone) {
    auto lines = g.LocationNodes(p.stacks[frame]);
    if (k == kNone) k = static_cast<uint32_t>(lines.size() - 1);
    return Cursor{frame, leaf, k, lines[k], w};
  };
  // Whether a cursor has a line below it (toward the leaf), and that line's.
  auto has_next = [](const Cursor& c) { return c.k > 0 || c.frame != c.leaf; };
  auto next_of = [&](const Cursor& c) {
    return c.k > 0 ? at(c.frame, c.leaf, c.weight, c.k - 1) : at(c.frame - 1, c.leaf, c.weight);
  };
  Column<Cursor> level;
  level.reserve(p.samples.size());
  for (uint32_t si = 0; si < p.samples.size(); ++si) {
    if (weight[si] == 0) continue;
    tree[0].value += weight[si];
    const Sample& s = p.samples[si];
    if (s.stack_size == 0) continue;
    level.push_back(at(s.stack_begin + s.stack_size - 1, s.stack_begin, weight[si]));
  }
  std::vector<Group> groups = {{0, 0, level.size()}};
  // Two levels' buffers (24 MB each at the top), swapped: fresh pages for
  // each level's cursors cost more page faults than the walk itself.
  Column<Cursor> next(level.size());
  std::vector<Group> next_groups;
  // Per graph node, within the group at hand: its value, how many of its
  // cursors go on, and where the next of them goes in `next` (kNone: the
  // node's group is folded into its parent). `seen` holds the group's stamp.
  std::vector<int64_t> value(g.info_count());
  std::vector<size_t> count(g.info_count()), place(g.info_count());
  std::vector<uint32_t> seen(g.info_count(), kNone), nodes;
  uint32_t stamp = 0;  // counts groups: fewer than the tree's nodes
  // How far ahead the stack pool is prefetched: about one cache miss's
  // latency of steps. (The step reads frame - 1, on the same cache line as
  // frame 15 times in 16.)
  constexpr size_t kPrefetch = 16;
  while (!groups.empty()) {
    size_t filled = 0;
    next_groups.clear();
    for (const Group& group : groups) {
      ++stamp;
      nodes.clear();
      for (size_t i = group.begin; i < group.end; ++i) {
        const Cursor& c = level[i];
        if (seen[c.node] != stamp) {
          seen[c.node] = stamp;
          value[c.node] = 0;
          count[c.node] = 0;
          nodes.push_back(c.node);
        }
        value[c.node] += c.weight;
        count[c.node] += has_next(c);
      }
      std::sort(nodes.begin(), nodes.end());
      for (uint32_t node : nodes) {
        place[node] = kNone;
        if (std::abs(value[node]) <= min_value) continue;
        uint32_t child = static_cast<uint32_t>(tree.size());
        tree.push_back({node, group.node, value[node]});
        if (count[node] == 0) continue;
        place[node] = filled;
        next_groups.push_back({child, filled, filled + count[node]});
        filled += count[node];
      }
      for (size_t i = group.begin; i < group.end; ++i) {
        if (i + kPrefetch < group.end) __builtin_prefetch(&p.stacks[level[i + kPrefetch].frame]);
        const Cursor& c = level[i];
        if (place[c.node] != kNone && has_next(c)) next[place[c.node]++] = next_of(c);
      }
    }
    level.swap(next);
    groups.swap(next_groups);
  }
  return tree;
}

}  // namespace

Status PrintFlameGraph(Report& r, std::string& out) {
  Profile& p = r.profile();
  const ReportOptions& o = r.options();
  GraphBuilder g(p, GraphOptions{o.sample_index, o.mean, false, o.drop_negative});
  size_t n_types = p.num_types();
  std::vector<int64_t> weight(p.samples.size());
  bool diff = false;  // some values negative: a -base or -diff_base comparison
  int64_t total = 0;
  for (size_t si = 0; si < p.samples.size(); ++si) {
    weight[si] = p.values[si * n_types + o.sample_index];
    diff |= weight[si] < 0;
    total += std::abs(weight[si]);
  }
  int64_t min_value = static_cast<int64_t>(static_cast<double>(total) * kMinShare);
  std::vector<TreeNode> nodes = BuildTree(p, g, weight, min_value);
  std::vector<std::vector<uint32_t>> children(nodes.size());
  for (uint32_t i = 1; i < nodes.size(); ++i) children[nodes[i].parent].push_back(i);
  std::vector<std::string> names(g.info_count());
  std::vector<int32_t> name_index(g.info_count(), -1);
  std::vector<std::string_view> used;
  auto name_of = [&](uint32_t graph_node) -> int32_t {
    if (name_index[graph_node] < 0) {
      name_index[graph_node] = static_cast<int32_t>(used.size());
      names[graph_node] = PrintableName(p, g.info(graph_node));
      used.push_back(names[graph_node]);
    }
    return name_index[graph_node];
  };
  for (auto& c : children) {
    std::sort(c.begin(), c.end(), [&](uint32_t a, uint32_t b) {
      StrId na = g.info(nodes[a].name).name, nb = g.info(nodes[b].name).name;
      return na != nb ? p.str(na) < p.str(nb) : a < b;
    });
  }
  std::string n_list, v_list, c_list;
  std::vector<uint32_t> stack = {0};
  while (!stack.empty()) {
    uint32_t i = stack.back();
    stack.pop_back();
    if (!n_list.empty()) {
      n_list += ',';
      v_list += ',';
      c_list += ',';
    }
    n_list += std::to_string(i == 0 ? -1 : name_of(nodes[i].name));
    v_list += std::to_string(nodes[i].value);
    c_list += std::to_string(children[i].size());
    for (size_t k = children[i].size(); k-- > 0;) stack.push_back(children[i][k]);
  }
  out += "{\"type\":";
  AppendJsonString(out, o.sample_type);
  out += ",\"unit\":";
  AppendJsonString(out, o.sample_unit);
  out += fmt::format(",\"total\":{},\"diff\":{},\"names\":[", r.total(), diff);
  for (size_t i = 0; i < used.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, used[i]);
  }
  out += "],\"n\":[" + n_list + "],\"v\":[" + v_list + "],\"c\":[" + c_list + "]}\n";
  return Status();
}

}  // namespace cpprof
