#include "graph/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "profile/parallel.h"

namespace cpprof {
namespace {

uint64_t HashKey(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return k;
}

struct NodeInfoHash {
  size_t operator()(const NodeInfo& i) const {
    uint64_t h = HashKey(i.name) ^ HashKey(i.address + 0x9e37) ^ HashKey((uint64_t{i.file} << 32) | i.objfile);
    return h ^ HashKey(static_cast<uint64_t>(i.lineno) * 31 + static_cast<uint64_t>(i.start_line)) ^ i.orig_name;
  }
};

// fmt.Sprint of pprof's NodeInfo struct, the last tie-break when sorting.
std::string GoStructString(const Profile& p, const NodeInfo& i) {
  return fmt::format("{{{} {} {} {} {} {} {}}}", p.str(i.name), p.str(i.orig_name), i.address, p.str(i.file),
                     i.start_line, i.lineno, p.str(i.objfile));
}

}  // namespace

std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

NodeInfo MakeNodeInfo(Profile& p, const Location& loc, int line_index, bool keep_object_names) {
  StrId objfile = loc.mapping != kNone ? p.mappings[loc.mapping].file : 0;
  NodeInfo info;
  info.address = loc.address;
  if (line_index < 0) {
    info.objfile = objfile;
    return info;
  }
  const Line& ln = p.lines[loc.line_begin + line_index];
  const Function& f = p.functions[ln.function];
  info.lineno = ln.line;
  info.name = f.name;
  if (f.filename != 0) {
    std::string_view file = p.str(f.filename);
    std::string clean = CleanPath(file);
    info.file = clean == file ? f.filename : p.strings.Intern(clean);
  }
  if (keep_object_names || info.name == 0) {
    info.objfile = objfile;
    info.start_line = f.start_line;
  }
  return info;
}

std::string PrintableName(const Profile& p, const NodeInfo& i) {
  std::string out;
  auto add = [&out](std::string_view s) {
    if (!out.empty()) out += ' ';
    out += s;
  };
  if (i.address != 0) add(fmt::format("{:016x}", i.address));
  if (i.name != 0) add(p.str(i.name));
  if (i.lineno != 0) {
    add(fmt::format("{}:{}", p.str(i.file), i.lineno));
  } else if (i.file != 0) {
    add(p.str(i.file));
  } else if (i.name != 0) {
    // the name says it all
  } else if (i.objfile != 0) {
    std::string_view obj = p.str(i.objfile);
    size_t slash = obj.find_last_of('/');
    std::string base(slash == std::string_view::npos ? obj : obj.substr(slash + 1));
    if (base.empty()) base = obj.empty() ? "." : "/";
    add("[" + base + "]");
  } else {
    add("<unknown>");
  }
  return out;
}

GraphBuilder::GraphBuilder(Profile& p, const GraphOptions& options) : p_(p), options_(options) {
  std::unordered_map<NodeInfo, uint32_t, NodeInfoHash> index;
  index.reserve(p.locations.size() * 2);
  loc_nodes_begin_.reserve(p.locations.size() + 1);
  for (const Location& loc : p.locations) {
    loc_nodes_begin_.push_back(static_cast<uint32_t>(loc_nodes_.size()));
    int count = std::max<int>(1, static_cast<int>(loc.line_count));
    for (int i = 0; i < count; ++i) {
      NodeInfo info = MakeNodeInfo(p, loc, loc.line_count == 0 ? -1 : i, options.keep_object_names);
      auto [it, inserted] = index.emplace(info, static_cast<uint32_t>(nodes_.size()));
      if (inserted) {
        nodes_.emplace_back().info = info;
        inlined_callee_.push_back(false);
      }
      // Lines before the last are inlined into the next one.
      if (i + 1 < count) inlined_callee_[it->second] = true;
      loc_nodes_.push_back(it->second);
    }
  }
  loc_nodes_begin_.push_back(static_cast<uint32_t>(loc_nodes_.size()));
  single_node_.resize(p.locations.size(), kNone);
  for (uint32_t loc = 0; loc < p.locations.size(); ++loc) {
    if (loc_nodes_begin_[loc + 1] - loc_nodes_begin_[loc] == 1) single_node_[loc] = loc_nodes_[loc_nodes_begin_[loc]];
  }
}

// Per-node sums while building; 40 bytes against Node's 136, so the 20k
// nodes of a 1M-sample profile stay in L2 during the pass over 31M frames.
struct NodeSums {
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;
  uint32_t stamp = kNone;  // last sample that added to cum, to count it once
};

namespace {

// Finds edges by (src, dest) node: a dense matrix over the kept nodes when
// they are few (2048 kept nodes make a 16 MB matrix; the text report keeps
// ~400 of 20k), open addressing over all pairs otherwise.
class EdgeIndex {
 public:
  EdgeIndex(const std::vector<bool>& kept, size_t nodes) {
    constexpr uint32_t kMaxMatrixNodes = 2048;
    if (kept.empty()) return;
    compact_.assign(nodes, kNone);
    for (uint32_t n = 0; n < nodes; ++n) {
      if (kept[n]) compact_[n] = kept_count_++;
    }
    if (kept_count_ <= kMaxMatrixNodes) {
      matrix_.assign(size_t{kept_count_} * kept_count_, kNone);
    } else {
      compact_.clear();
    }
  }

  // Returns the index of edge src -> dest in edges, appending it if new.
  uint32_t Find(uint32_t src, uint32_t dest, std::vector<Edge>& edges) {
    if (!matrix_.empty()) {
      uint32_t& slot = matrix_[size_t{compact_[src]} * kept_count_ + compact_[dest]];
      if (slot == kNone) {
        slot = static_cast<uint32_t>(edges.size());
        edges.push_back(Edge{src, dest});
      }
      return slot;
    }
    if (edges.size() * 2 >= table_.size()) Grow(edges);
    uint64_t key = (uint64_t{src} << 32) | dest;
    size_t mask = table_.size() - 1;
    for (size_t i = HashKey(key) & mask;; i = (i + 1) & mask) {
      if (table_[i] == kNone) {
        table_[i] = static_cast<uint32_t>(edges.size());
        keys_[i] = key;
        edges.push_back(Edge{src, dest});
        return table_[i];
      }
      if (keys_[i] == key) return table_[i];
    }
  }

 private:
  void Grow(const std::vector<Edge>& edges) {
    size_t size = table_.empty() ? 4096 : table_.size() * 2;
    table_.assign(size, kNone);
    keys_.assign(size, 0);
    for (uint32_t e = 0; e < edges.size(); ++e) {
      uint64_t k = (uint64_t{edges[e].src} << 32) | edges[e].dest;
      size_t i = HashKey(k) & (size - 1);
      while (table_[i] != kNone) i = (i + 1) & (size - 1);
      table_[i] = e;
      keys_[i] = k;
    }
  }

  std::vector<uint32_t> compact_;  // node -> row/column of matrix_
  uint32_t kept_count_ = 0;
  std::vector<uint32_t> matrix_;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> table_;
};

}  // namespace

template <bool kMean>
void GraphBuilder::SumNodeValues(size_t begin, size_t end, std::vector<NodeSums>& sums) const {
  size_t n_types = p_.num_types();
  for (size_t si = begin; si < end; ++si) {
    int64_t w = p_.values[si * n_types + options_.sample_index];
    int64_t dw = kMean ? p_.values[si * n_types] : 0;
    if (w == 0 && dw == 0) continue;
    auto stack = p_.stack(p_.samples[si]);
    if (stack.empty()) continue;
    uint32_t stamp = static_cast<uint32_t>(si);
    auto add_cum = [&](uint32_t n) {
      NodeSums& t = sums[n];
      if (t.stamp == stamp) return;
      t.stamp = stamp;
      t.cum += w;
      if (kMean) t.cum_div += dw;
    };
    for (uint32_t loc : stack) {
      if (uint32_t n = single_node_[loc]; n != kNone) {
        add_cum(n);
        continue;
      }
      for (uint32_t ni = loc_nodes_begin_[loc], e = loc_nodes_begin_[loc + 1]; ni < e; ++ni) add_cum(loc_nodes_[ni]);
    }
    // The leaf is the innermost line of the first location.
    NodeSums& leaf = sums[loc_nodes_[loc_nodes_begin_[stack[0]]]];  // innermost line
    leaf.flat += w;
    if (kMean) leaf.flat_div += dw;
  }
}

std::vector<NodeSums> GraphBuilder::SumAllNodeValues() const {
  std::vector<std::vector<NodeSums>> partial(RangeCount(p_.samples.size()));
  size_t threads = ForRanges(p_.samples.size(), [&](size_t t, size_t begin, size_t end) {
    partial[t].resize(nodes_.size());
    if (options_.mean) {
      SumNodeValues<true>(begin, end, partial[t]);
    } else {
      SumNodeValues<false>(begin, end, partial[t]);
    }
  });
  for (size_t t = 1; t < threads; ++t) {
    for (size_t n = 0; n < nodes_.size(); ++n) {
      partial[0][n].flat += partial[t][n].flat;
      partial[0][n].flat_div += partial[t][n].flat_div;
      partial[0][n].cum += partial[t][n].cum;
      partial[0][n].cum_div += partial[t][n].cum_div;
    }
  }
  return std::move(partial[0]);
}

void GraphBuilder::BuildInlineEdges(const std::vector<bool>& kept) {
  for (Node& n : nodes_) n.in.clear(), n.out.clear();
  edges_.clear();
  // Each thread collects its edges in first-use order.
  struct Partial {
    std::vector<Edge> edges;
    std::vector<uint32_t> stamps;
  };
  std::vector<Partial> partial(RangeCount(p_.samples.size()));
  // Per node: 0 dropped, 1 kept, 2 kept and an inlined callee (an edge
  // target); a byte each, looked up once per frame.
  enum : uint8_t { kDropped, kKept, kTarget };
  std::vector<uint8_t> kind(nodes_.size());
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    kind[n] = !kept.empty() && !kept[n] ? kDropped : inlined_callee_[n] ? kTarget : kKept;
  }
  // Locations holding a target: a sample without one adds no edge and is
  // skipped after a one-byte look per frame.
  std::vector<uint8_t> has_target(p_.locations.size());
  // For single-node locations, node and kind in one word: one load a frame.
  std::vector<uint32_t> single_code(p_.locations.size(), kNone);
  for (uint32_t loc = 0; loc < p_.locations.size(); ++loc) {
    for (uint32_t ni = loc_nodes_begin_[loc]; ni < loc_nodes_begin_[loc + 1]; ++ni) {
      has_target[loc] |= kind[loc_nodes_[ni]] == kTarget;
    }
    if (uint32_t n = single_node_[loc]; n != kNone) single_code[loc] = n << 2 | kind[n];
  }
  size_t n_types = p_.num_types();
  size_t threads = ForRanges(p_.samples.size(), [&](size_t t, size_t begin, size_t end) {
    Partial& out = partial[t];
    EdgeIndex index(kept, nodes_.size());
    for (size_t si = begin; si < end; ++si) {
      int64_t w = p_.values[si * n_types + options_.sample_index];
      int64_t dw = options_.mean ? p_.values[si * n_types] : 0;
      if (w == 0 && dw == 0) continue;
      auto stack = p_.stack(p_.samples[si]);
      uint8_t any = 0;
      for (uint32_t loc : stack) any |= has_target[loc];
      if (!any) continue;
      uint32_t parent = kNone;
      bool residual = false;
      // One node of the stack, root first; `inlined`: not its location's outermost line.
      auto visit = [&](uint32_t n, uint8_t k, bool inlined) {
        if (k == kDropped) {
          residual = true;
          return;
        }
        if (k == kTarget && parent != kNone && n != parent) {
          uint32_t e = index.Find(parent, n, out.edges);
          if (e == out.stamps.size()) out.stamps.push_back(kNone);
          if (out.stamps[e] != si) {
            out.stamps[e] = static_cast<uint32_t>(si);
            Edge& edge = out.edges[e];
            edge.weight += w;
            edge.weight_div += dw;
            edge.residual |= residual;
            edge.is_inline &= inlined;
          }
        }
        parent = n;
        residual = false;
      };
      for (size_t i = stack.size(); i-- > 0;) {
        uint32_t loc = stack[i];
        if (uint32_t code = single_code[loc]; code != kNone) {
          visit(code >> 2, code & 3, false);
          continue;
        }
        uint32_t begin_ni = loc_nodes_begin_[loc], end_ni = loc_nodes_begin_[loc + 1];
        for (uint32_t ni = end_ni; ni-- > begin_ni;) visit(loc_nodes_[ni], kind[loc_nodes_[ni]], ni != end_ni - 1);
      }
    }
  });
  EdgeIndex index(kept, nodes_.size());
  for (size_t t = 0; t < threads; ++t) {
    for (const Edge& e : partial[t].edges) {
      size_t before = edges_.size();
      Edge& edge = edges_[index.Find(e.src, e.dest, edges_)];
      if (edges_.size() != before) {
        edge = e;
        continue;
      }
      edge.weight += e.weight;
      edge.weight_div += e.weight_div;
      edge.residual |= e.residual;
      edge.is_inline &= e.is_inline;
    }
  }
  LinkEdges();
}

std::vector<NodeSums> GraphBuilder::SumKeptNodeValues(const std::vector<bool>& kept, bool with_edges) {
  std::vector<NodeSums> sums(nodes_.size());
  EdgeIndex index(kept, nodes_.size());
  std::vector<uint32_t> edge_stamp;
  size_t n_types = p_.num_types();
  for (uint32_t si = 0; si < p_.samples.size(); ++si) {
    const Sample& s = p_.samples[si];
    int64_t w = p_.values[si * n_types + options_.sample_index];
    int64_t dw = options_.mean ? p_.values[si * n_types] : 0;
    if (w == 0 && dw == 0) continue;
    uint32_t parent = kNone;
    bool residual = false;
    auto stack = p_.stack(s);
    for (size_t i = stack.size(); i-- > 0;) {
      uint32_t loc = stack[i];
      uint32_t begin = loc_nodes_begin_[loc], end = loc_nodes_begin_[loc + 1];
      for (uint32_t ni = end; ni-- > begin;) {
        uint32_t n = loc_nodes_[ni];
        if (!kept.empty() && !kept[n]) {
          residual = true;
          continue;
        }
        NodeSums& t = sums[n];
        if (t.stamp != si) {
          t.stamp = si;
          t.cum += w;
          t.cum_div += dw;
        }
        if (with_edges && parent != kNone && n != parent) {
          uint32_t e = index.Find(parent, n, edges_);
          if (e >= edge_stamp.size()) edge_stamp.resize(e + 1, kNone);
          if (edge_stamp[e] != si) {
            edge_stamp[e] = si;
            Edge& edge = edges_[e];
            edge.weight += w;
            edge.weight_div += dw;
            edge.residual |= residual;
            edge.is_inline &= ni != end - 1;
          }
        }
        parent = n;
        residual = false;
      }
    }
    if (parent != kNone && !residual) {
      sums[parent].flat += w;
      sums[parent].flat_div += dw;
    }
  }
  return sums;
}

void GraphBuilder::LinkEdges() {
  for (uint32_t e = 0; e < edges_.size(); ++e) {
    nodes_[edges_[e].src].out.push_back(e);
    nodes_[edges_[e].dest].in.push_back(e);
  }
}

std::vector<uint32_t> GraphBuilder::Build(const std::vector<bool>& kept, bool with_edges) {
  edges_.clear();
  std::vector<NodeSums> sums =
      kept.empty() && !with_edges ? SumAllNodeValues() : SumKeptNodeValues(kept, with_edges);
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    const NodeSums& t = sums[n];
    Node& node = nodes_[n];
    node.flat = t.flat;
    node.flat_div = t.flat_div;
    node.cum = t.cum;
    node.cum_div = t.cum_div;
    node.in.clear();
    node.out.clear();
  }
  LinkEdges();
  std::vector<uint32_t> selected;
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    const Node& node = nodes_[n];
    if (node.cum == 0 && node.flat == 0) continue;
    if (options_.drop_negative && (node.flat < 0 || (node.flat == 0 && node.cum < 0))) continue;
    selected.push_back(n);
  }
  return selected;
}

std::string GraphBuilder::PrintableName(uint32_t node) const { return cpprof::PrintableName(p_, nodes_[node].info); }

void GraphBuilder::Sort(std::vector<uint32_t>& selected, NodeOrder order) const {
  std::vector<std::string> names(nodes_.size());
  for (uint32_t n : selected) names[n] = PrintableName(n);
  auto abs64 = [](int64_t v) { return v < 0 ? -v : v; };
  std::sort(selected.begin(), selected.end(), [&](uint32_t l, uint32_t r) {
    const Node &a = nodes_[l], &b = nodes_[r];
    if (order == NodeOrder::kFlatName) {
      if (abs64(a.flat) != abs64(b.flat)) return abs64(a.flat) > abs64(b.flat);
      if (names[l] != names[r]) return names[l] < names[r];
      if (abs64(a.cum) != abs64(b.cum)) return abs64(a.cum) > abs64(b.cum);
    } else {
      if (abs64(a.cum) != abs64(b.cum)) return abs64(a.cum) > abs64(b.cum);
      if (names[l] != names[r]) return names[l] < names[r];
      if (abs64(a.flat) != abs64(b.flat)) return abs64(a.flat) > abs64(b.flat);
    }
    return GoStructString(p_, a.info) < GoStructString(p_, b.info);
  });
}

int GraphBuilder::TrimLowFrequencyEdges(const std::vector<uint32_t>& selected, int64_t cutoff) {
  int dropped = 0;
  for (uint32_t n : selected) {
    for (uint32_t e : nodes_[n].in) {
      Edge& edge = edges_[e];
      if (!edge.removed && (edge.weight < 0 ? -edge.weight : edge.weight) < cutoff) {
        edge.removed = true;
        ++dropped;
      }
    }
  }
  return dropped;
}

}  // namespace cpprof
