#include "graph/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "profile/units.h"

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

}  // namespace

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

size_t GraphBuilder::TagKeyHash::operator()(const TagKey& k) const {
  return HashKey((uint64_t{k.node} << 32) | k.group) ^ k.name;
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
      auto [it, inserted] = index.emplace(info, static_cast<uint32_t>(infos_.size()));
      if (inserted) infos_.push_back(info);
      loc_nodes_.push_back(it->second);
    }
  }
  loc_nodes_begin_.push_back(static_cast<uint32_t>(loc_nodes_.size()));
  if (options_.collect_tags) CollectSampleTags();
}

// pprof's joinLabels and the numeric label values, once per sample.
void GraphBuilder::CollectSampleTags() {
  StrId hidden = p_.strings.Intern(options_.hidden_label_key);
  StrId numeric = p_.strings.Intern(options_.numeric_tag_key);
  std::unordered_map<std::string, uint32_t> groups{{"", 0}};
  std::unordered_map<std::string, uint32_t> names;
  group_names_ = {""};
  sample_group_.reserve(p_.samples.size());
  sample_num_begin_.reserve(p_.samples.size() + 1);
  std::vector<std::string> pairs;
  for (const Sample& s : p_.samples) {
    pairs.clear();
    sample_num_begin_.push_back(static_cast<uint32_t>(sample_nums_.size()));
    for (const Label& l : p_.labels_of(s)) {
      if (l.is_string()) {
        if (l.key != hidden) pairs.push_back(fmt::format("{}:{}", p_.str(l.key), p_.str(l.str)));
      } else if (l.key == numeric) {
        std::string name = ScaledLabel(l.num, options_.numeric_tag_unit, options_.tag_output_unit);
        auto [it, inserted] = names.emplace(std::move(name), static_cast<uint32_t>(tag_names_.size()));
        if (inserted) tag_names_.push_back(it->first);
        sample_nums_.emplace_back(it->second, l.num);
      }
    }
    std::sort(pairs.begin(), pairs.end());
    std::string joined;
    for (size_t i = 0; i < pairs.size(); ++i) joined += (i ? "\\n" : "") + pairs[i];
    auto [it, inserted] = groups.emplace(std::move(joined), static_cast<uint32_t>(group_names_.size()));
    if (inserted) group_names_.push_back(it->first);
    sample_group_.push_back(it->second);
  }
  sample_num_begin_.push_back(static_cast<uint32_t>(sample_nums_.size()));
}

void GraphBuilder::AddTags(uint32_t node, uint32_t sample, int64_t w, int64_t dw, bool flat) {
  auto add = [&](uint32_t group, uint32_t name, int64_t value) {
    auto [it, inserted] = tag_index_.emplace(TagKey{node, group, name}, static_cast<uint32_t>(tags_.size()));
    if (inserted) {
      tags_.push_back(NodeTag{.group = group, .name = name, .value = value});
      nodes_[node].tags.push_back(it->second);
    }
    NodeTag& t = tags_[it->second];
    (flat ? t.flat : t.cum) += w;
    (flat ? t.flat_div : t.cum_div) += dw;
  };
  uint32_t group = sample_group_[sample];
  if (group != 0 && !label_tag_slots_.empty()) {
    uint32_t row = compact_.empty() ? node : compact_[node];
    uint32_t& slot = label_tag_slots_[size_t{row} * group_names_.size() + group];
    if (slot == kNone) {
      slot = static_cast<uint32_t>(tags_.size());
      tags_.push_back(NodeTag{.group = group});
      nodes_[node].tags.push_back(slot);
    }
    NodeTag& t = tags_[slot];
    (flat ? t.flat : t.cum) += w;
    (flat ? t.flat_div : t.cum_div) += dw;
  } else if (group != 0) {
    add(group, kNone, 0);
  }
  for (uint32_t i = sample_num_begin_[sample]; i < sample_num_begin_[sample + 1]; ++i) {
    add(group, sample_nums_[i].first, sample_nums_[i].second);
  }
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

std::vector<uint32_t> GraphBuilder::Build(const std::vector<bool>& kept, bool values_only) {
  edges_.clear();
  edge_table_.clear();
  edge_table_keys_.clear();
  edge_matrix_.clear();
  tags_.clear();
  tag_index_.clear();
  label_tag_slots_.clear();
  if (options_.call_tree) {
    BuildTree();
  } else {
    BuildGraph(kept, values_only);
  }
  names_.resize(nodes_.size());
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

void GraphBuilder::BuildGraph(const std::vector<bool>& kept, bool values_only) {
  nodes_.resize(infos_.size());
  for (uint32_t n = 0; n < infos_.size(); ++n) nodes_[n] = Node(infos_[n]);
  bool tags = options_.collect_tags && !values_only;
  // 2048 kept nodes make a 16 MB matrix; more go through the hash table.
  constexpr uint32_t kMaxMatrixNodes = 2048;
  compact_.clear();
  uint32_t rows = static_cast<uint32_t>(nodes_.size());
  if (!values_only && !kept.empty()) {
    compact_.assign(nodes_.size(), kNone);
    kept_count_ = 0;
    for (uint32_t n = 0; n < nodes_.size(); ++n) {
      if (kept[n]) compact_[n] = kept_count_++;
    }
    if (kept_count_ <= kMaxMatrixNodes) edge_matrix_.assign(size_t{kept_count_} * kept_count_, kNone);
    rows = kept_count_;
  }
  // Label tags: 4M slots (16 MB), e.g. 2048 kept nodes x 2048 label sets,
  // make the dense table; more use the hash table.
  constexpr size_t kMaxTagSlots = size_t{4} << 20;
  if (tags && size_t{rows} * group_names_.size() <= kMaxTagSlots) {
    label_tag_slots_.assign(size_t{rows} * group_names_.size(), kNone);
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
          if (tags) AddTags(n, si, w, dw, false);
        }
        if (!values_only && parent != kNone && n != parent) {
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
      if (tags) AddTags(parent, si, w, dw, true);
    }
  }
}

// pprof's newTree: a node per (calling node, frame), so every node has one
// caller and each path through the stacks is its own branch.
void GraphBuilder::BuildTree() {
  nodes_.clear();
  names_.clear();
  std::unordered_map<uint64_t, uint32_t> children;  // (parent + 1) << 32 | info -> node
  size_t n_types = p_.num_types();
  for (uint32_t si = 0; si < p_.samples.size(); ++si) {
    const Sample& s = p_.samples[si];
    int64_t w = p_.values[si * n_types + options_.sample_index];
    int64_t dw = options_.mean ? p_.values[si * n_types] : 0;
    if (w == 0 && dw == 0) continue;
    uint32_t parent = kNone;
    auto stack = p_.stack(s);
    for (size_t i = stack.size(); i-- > 0;) {
      uint32_t loc = stack[i];
      uint32_t begin = loc_nodes_begin_[loc], end = loc_nodes_begin_[loc + 1];
      for (uint32_t ni = end; ni-- > begin;) {
        uint64_t key = (uint64_t{parent + 1} << 32) | loc_nodes_[ni];
        auto [it, inserted] = children.emplace(key, static_cast<uint32_t>(nodes_.size()));
        if (inserted) {
          nodes_.emplace_back(infos_[loc_nodes_[ni]], parent);
        }
        uint32_t n = it->second;
        nodes_[n].cum += w;
        nodes_[n].cum_div += dw;
        if (options_.collect_tags) AddTags(n, si, w, dw, false);
        if (parent != kNone) {
          Edge& edge = edges_[EdgeFor(parent, n)];
          edge.weight += w;
          edge.weight_div += dw;
          edge.is_inline &= ni != end - 1;
        }
        parent = n;
      }
    }
    if (parent != kNone) {
      nodes_[parent].flat += w;
      nodes_[parent].flat_div += dw;
      if (options_.collect_tags) AddTags(parent, si, w, dw, true);
    }
  }
}

const std::string& GraphBuilder::PrintableName(uint32_t node) const {
  std::string& name = names_[node];
  if (name.empty()) name = cpprof::PrintableName(p_, nodes_[node].info);
  return name;
}

size_t GraphBuilder::LiveCount(const std::vector<uint32_t>& edges) const {
  size_t count = 0;
  for (uint32_t e : edges) count += !edges_[e].removed;
  return count;
}

}  // namespace cpprof
