// The flame graph's data for the web UI: the samples merged into a tree of
// call paths (root first), written as compact JSON for the page to draw.
//
// {"type":..,"unit":..,"total":..,"diff":bool,"names":[..],
//  "n":[name..],"v":[value..],"c":[child count..]}
// n/v/c list the tree's nodes in depth-first order, children sorted by name;
// node 0 is the root ("root", the total). Paths worth less than 1/100000 of
// the total are folded into their parent: they would be under a pixel wide
// at any zoom a person uses, and a 1M-sample profile has millions of them.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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
// never visited.
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
  // The cursor on the line below (toward the leaf) this one, if any.
  auto step = [&](const Cursor& c, Cursor* next) {
    if (c.k > 0) {
      *next = at(c.frame, c.leaf, c.weight, c.k - 1);
    } else if (c.frame != c.leaf) {
      *next = at(c.frame - 1, c.leaf, c.weight);
    } else {
      return false;  // the leaf: this path ends here
    }
    return true;
  };
  std::vector<Cursor> level;
  for (uint32_t si = 0; si < p.samples.size(); ++si) {
    if (weight[si] == 0) continue;
    tree[0].value += weight[si];
    const Sample& s = p.samples[si];
    if (s.stack_size == 0) continue;
    level.push_back(at(s.stack_begin + s.stack_size - 1, s.stack_begin, weight[si]));
  }
  std::vector<Group> groups = {{0, 0, level.size()}};
  // Two levels' buffers, swapped: fresh pages for each level's cursors
  // (24 MB at the top) cost more page faults than the walk itself.
  std::vector<Cursor> next;
  next.reserve(level.size());
  std::vector<Group> next_groups;
  while (!groups.empty()) {
    next.clear();
    next_groups.clear();
    for (const Group& group : groups) {
      auto begin = level.begin() + static_cast<ptrdiff_t>(group.begin);
      auto end = level.begin() + static_cast<ptrdiff_t>(group.end);
      std::sort(begin, end, [](const Cursor& a, const Cursor& b) { return a.node < b.node; });
      for (auto run = begin; run != end;) {
        auto run_end = run;
        int64_t value = 0;
        for (; run_end != end && run_end->node == run->node; ++run_end) value += run_end->weight;
        if (std::abs(value) > min_value) {
          uint32_t child = static_cast<uint32_t>(tree.size());
          tree.push_back({run->node, group.node, value});
          size_t first = next.size();
          Cursor c;
          for (auto e = run; e != run_end; ++e) {
            if (step(*e, &c)) next.push_back(c);
          }
          if (next.size() > first) next_groups.push_back({child, first, next.size()});
        }
        run = run_end;
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
