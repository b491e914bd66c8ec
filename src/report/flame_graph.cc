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

namespace cpprof {
namespace {

constexpr double kMinShare = 1e-5;

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// A tree of call paths; children found by (parent, graph node) in an open
// addressing table.
class PathTree {
 public:
  PathTree() { nodes_.push_back({kNone, 0, 0}); }

  uint32_t Child(uint32_t parent, uint32_t name) {
    if (nodes_.size() * 2 >= table_.size()) Grow();
    uint64_t key = (uint64_t{parent} << 32) | name;
    size_t mask = table_.size() - 1;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      if (table_[i] == kNone) {
        table_[i] = static_cast<uint32_t>(nodes_.size());
        nodes_.push_back({name, parent, 0});
        return table_[i];
      }
      const TreeNode& n = nodes_[table_[i]];
      if (n.parent == parent && n.name == name) return table_[i];
    }
  }

  void Add(uint32_t node, int64_t value) { nodes_[node].value += value; }

  struct TreeNode {
    uint32_t name;  // graph node; kNone for the root
    uint32_t parent;
    int64_t value;
  };
  const std::vector<TreeNode>& nodes() const { return nodes_; }

 private:
  static uint64_t Hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    return k ^ (k >> 33);
  }

  void Grow() {
    table_.assign(table_.empty() ? 4096 : table_.size() * 2, kNone);
    size_t mask = table_.size() - 1;
    for (uint32_t i = 1; i < nodes_.size(); ++i) {
      uint64_t key = (uint64_t{nodes_[i].parent} << 32) | nodes_[i].name;
      size_t slot = Hash(key) & mask;
      while (table_[slot] != kNone) slot = (slot + 1) & mask;
      table_[slot] = i;
    }
  }

  std::vector<TreeNode> nodes_;
  std::vector<uint32_t> table_;
};

}  // namespace

Status PrintFlameGraph(Report& r, std::string& out) {
  Profile& p = r.profile();
  const ReportOptions& o = r.options();
  GraphBuilder g(p, GraphOptions{o.sample_index, o.mean, false, o.drop_negative});
  PathTree tree;
  size_t n_types = p.num_types();
  bool diff = false;  // some values negative: a -base or -diff_base comparison
  for (size_t si = 0; si < p.samples.size(); ++si) {
    int64_t w = p.values[si * n_types + o.sample_index];
    if (w == 0) continue;
    diff |= w < 0;
    uint32_t at = 0;
    tree.Add(0, w);
    auto stack = p.stack(p.samples[si]);
    for (size_t i = stack.size(); i-- > 0;) {
      std::span<const uint32_t> nodes = g.LocationNodes(stack[i]);
      for (size_t k = nodes.size(); k-- > 0;) {
        at = tree.Child(at, nodes[k]);
        tree.Add(at, w);
      }
    }
  }
  const auto& nodes = tree.nodes();
  // Children lists, kept when worth showing, sorted by name.
  int64_t total = 0;
  for (const auto& n : nodes) {
    if (n.parent == 0) total += std::abs(n.value);
  }
  int64_t min_value = static_cast<int64_t>(static_cast<double>(total) * kMinShare);
  std::vector<std::vector<uint32_t>> children(nodes.size());
  for (uint32_t i = 1; i < nodes.size(); ++i) {
    if (std::abs(nodes[i].value) > min_value) children[nodes[i].parent].push_back(i);
  }
  std::vector<std::string> names(g.nodes().size());
  std::vector<int32_t> name_index(g.nodes().size(), -1);
  std::vector<std::string_view> used;
  auto name_of = [&](uint32_t graph_node) -> int32_t {
    if (name_index[graph_node] < 0) {
      name_index[graph_node] = static_cast<int32_t>(used.size());
      names[graph_node] = g.PrintableName(graph_node);
      used.push_back(names[graph_node]);
    }
    return name_index[graph_node];
  };
  for (auto& c : children) {
    std::sort(c.begin(), c.end(), [&](uint32_t a, uint32_t b) {
      return g.nodes()[nodes[a].name].info.name != g.nodes()[nodes[b].name].info.name
                 ? p.str(g.nodes()[nodes[a].name].info.name) < p.str(g.nodes()[nodes[b].name].info.name)
                 : a < b;
    });
  }
  std::string n_list, v_list, c_list;
  std::vector<uint32_t> stack = {0};
  while (!stack.empty()) {
    uint32_t i = stack.back();
    stack.pop_back();
    if (!n_list.empty()) n_list += ',', v_list += ',', c_list += ',';
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
