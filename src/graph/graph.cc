#include "graph/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

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
      if (inserted) nodes_.push_back(Node{info});
      loc_nodes_.push_back(it->second);
    }
  }
  loc_nodes_begin_.push_back(static_cast<uint32_t>(loc_nodes_.size()));
}

uint32_t GraphBuilder::EdgeFor(uint32_t src, uint32_t dest) {
  if (!edge_matrix_.empty()) {
    uint32_t& slot = edge_matrix_[size_t{compact_[src]} * kept_count_ + compact_[dest]];
    if (slot == kNone) {
      slot = static_cast<uint32_t>(edges_.size());
      edges_.push_back(Edge{src, dest});
    }
    return slot;
  }
  uint64_t key = (uint64_t{src} << 32) | dest;
  if (edges_.size() * 2 >= edge_table_.size()) {
    size_t size = edge_table_.empty() ? 4096 : edge_table_.size() * 2;
    edge_table_.assign(size, kNone);
    edge_table_keys_.assign(size, 0);
    for (uint32_t e = 0; e < edges_.size(); ++e) {
      uint64_t k = (uint64_t{edges_[e].src} << 32) | edges_[e].dest;
      size_t i = HashKey(k) & (size - 1);
      while (edge_table_[i] != kNone) i = (i + 1) & (size - 1);
      edge_table_[i] = e;
      edge_table_keys_[i] = k;
    }
  }
  size_t mask = edge_table_.size() - 1;
  for (size_t i = HashKey(key) & mask;; i = (i + 1) & mask) {
    if (edge_table_[i] == kNone) {
      edge_table_[i] = static_cast<uint32_t>(edges_.size());
      edge_table_keys_[i] = key;
      edges_.push_back(Edge{src, dest});
      return edge_table_[i];
    }
    if (edge_table_keys_[i] == key) return edge_table_[i];
  }
}

std::vector<uint32_t> GraphBuilder::Build(const std::vector<bool>& kept, bool with_edges) {
  for (Node& n : nodes_) n = Node{n.info};
  edges_.clear();
  edge_table_.clear();
  edge_table_keys_.clear();
  edge_matrix_.clear();
  // 2048 kept nodes make a 16 MB matrix; more go through the hash table.
  constexpr uint32_t kMaxMatrixNodes = 2048;
  if (with_edges && !kept.empty()) {
    compact_.assign(nodes_.size(), kNone);
    kept_count_ = 0;
    for (uint32_t n = 0; n < nodes_.size(); ++n) {
      if (kept[n]) compact_[n] = kept_count_++;
    }
    if (kept_count_ <= kMaxMatrixNodes) edge_matrix_.assign(size_t{kept_count_} * kept_count_, kNone);
  }
  // Per-node and per-edge stamps of the last sample that added to them, so
  // each counts once per sample without clearing a set per sample.
  std::vector<uint32_t> node_stamp(nodes_.size(), kNone);
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
        if (node_stamp[n] != si) {
          node_stamp[n] = si;
          nodes_[n].cum += w;
          nodes_[n].cum_div += dw;
        }
        if (with_edges && parent != kNone && n != parent) {
          uint32_t e = EdgeFor(parent, n);
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
      nodes_[parent].flat += w;
      nodes_[parent].flat_div += dw;
    }
  }
  for (uint32_t e = 0; e < edges_.size(); ++e) {
    nodes_[edges_[e].src].out.push_back(e);
    nodes_[edges_[e].dest].in.push_back(e);
  }
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
