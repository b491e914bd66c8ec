#include "graph/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <unordered_map>

#include "profile/units.h"
#include "util/parallel.h"

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

NodeInfo NodeInfoMaker::Make(const Location& loc, int line_index) {
  StrId objfile = loc.mapping != kNone ? p_.mappings[loc.mapping].file : 0;
  NodeInfo info;
  info.address = loc.address;
  if (line_index < 0) {
    info.objfile = objfile;
    return info;
  }
  const Line& ln = p_.lines[loc.line_begin + line_index];
  const Function& f = p_.functions[ln.function];
  info.lineno = ln.line;
  info.name = f.name;
  if (f.filename != 0) {
    StrId& file = files_[ln.function];
    if (file == kNone) {
      std::string_view name = p_.str(f.filename);
      std::string clean = CleanPath(name);
      file = clean == name ? f.filename : p_.strings.Intern(clean);
    }
    info.file = file;
  }
  if (keep_object_names_ || info.name == 0) {
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
  NodeInfoMaker maker(p, options.keep_object_names);
  for (const Location& loc : p.locations) {
    loc_nodes_begin_.push_back(static_cast<uint32_t>(loc_nodes_.size()));
    int count = std::max<int>(1, static_cast<int>(loc.line_count));
    for (int i = 0; i < count; ++i) {
      NodeInfo info = maker.Make(loc, loc.line_count == 0 ? -1 : i);
      auto [it, inserted] = index.emplace(info, static_cast<uint32_t>(infos_.size()));
      if (inserted) infos_.push_back(info);
      loc_nodes_.push_back(it->second);
    }
  }
  loc_nodes_begin_.push_back(static_cast<uint32_t>(loc_nodes_.size()));
  loc_code_.resize(p.locations.size());
  inlined_.assign(infos_.size(), 0);
  for (size_t l = 0; l < p.locations.size(); ++l) {
    bool single = loc_nodes_begin_[l + 1] - loc_nodes_begin_[l] == 1;
    loc_code_[l] = single ? loc_nodes_[loc_nodes_begin_[l]] : kInlinedLocation;
    // Lines before the last are inlined into the next one.
    for (uint32_t ni = loc_nodes_begin_[l]; ni + 1 < loc_nodes_begin_[l + 1]; ++ni) inlined_[loc_nodes_[ni]] = 1;
  }
  if (options_.collect_tags) CollectSampleTags();
}

// pprof's joinLabels and the numeric label values, once per sample. Samples
// with the same string labels (by string id) share a group, whose name is
// formatted once: formatting, sorting and joining every labelled sample's
// pairs took 55-68 ms on the benchmark profile (333K labels on 1M samples),
// this takes 9.
void GraphBuilder::CollectSampleTags() {
  StrId hidden = p_.strings.Intern(options_.hidden_label_key);
  StrId numeric = p_.strings.Intern(options_.numeric_tag_key);
  std::unordered_map<std::string, uint32_t> groups{{"", 0}};
  std::unordered_map<std::string, uint32_t> names;
  group_names_ = {""};
  // A sample's string labels as the bytes of their (key, value) string ids,
  // in the sample's order, and the group each such list joins into.
  std::string ids;
  std::unordered_map<std::string, uint32_t> group_of_ids;
  auto join = [&](std::string_view list) {
    std::vector<std::string> pairs;
    for (size_t at = 0; at < list.size(); at += 2 * sizeof(StrId)) {
      StrId pair[2];
      std::memcpy(pair, list.data() + at, sizeof(pair));
      pairs.push_back(fmt::format("{}:{}", p_.str(pair[0]), p_.str(pair[1])));
    }
    std::sort(pairs.begin(), pairs.end());
    std::string joined;
    for (size_t i = 0; i < pairs.size(); ++i) joined += (i ? "\\n" : "") + pairs[i];
    auto [it, inserted] = groups.emplace(std::move(joined), static_cast<uint32_t>(group_names_.size()));
    if (inserted) group_names_.push_back(it->first);
    return it->second;
  };
  sample_group_.reserve(p_.samples.size());
  sample_num_begin_.reserve(p_.samples.size() + 1);
  for (const Sample& s : p_.samples) {
    ids.clear();
    sample_num_begin_.push_back(static_cast<uint32_t>(sample_nums_.size()));
    for (const Label& l : p_.labels_of(s)) {
      if (l.is_string()) {
        if (l.key != hidden) {
          StrId pair[2] = {l.key, l.str};
          ids.append(reinterpret_cast<const char*>(pair), sizeof(pair));
        }
      } else if (l.key == numeric) {
        std::string name = ScaledLabel(l.num, options_.numeric_tag_unit, options_.tag_output_unit);
        auto [it, inserted] = names.emplace(std::move(name), static_cast<uint32_t>(tag_names_.size()));
        if (inserted) tag_names_.push_back(it->first);
        sample_nums_.emplace_back(it->second, l.num);
      }
    }
    if (ids.empty()) {
      sample_group_.push_back(0);
      continue;
    }
    auto [known, added] = group_of_ids.try_emplace(ids, 0);
    if (added) known->second = join(ids);
    sample_group_.push_back(known->second);
  }
  sample_num_begin_.push_back(static_cast<uint32_t>(sample_nums_.size()));
}

// One thread's share of a build: node sums, edges and tags over a range of
// samples, merged afterwards in sample order so that edges and tags are
// numbered as a single pass would number them.
struct GraphBuilder::Accumulator {
  // Values are summed here, not in the Node structs (170 bytes each), and
  // what every frame touches apart from the rest: 16 bytes a node make the
  // 20K nodes of the benchmark profile (31.5M frames) 320 KB, not 800. A stamp
  // holds the last sample that added to a node or edge, so each counts once
  // per sample without clearing a set.
  struct Sums {
    uint32_t stamp = kNone;
    int64_t cum = 0;
  };
  struct Rest {  // per sample (flat) or with -mean only
    int64_t cum_div = 0, flat = 0, flat_div = 0;
  };
  Column<Sums> sums;
  Column<Rest> rest;
  Column<Edge> edges;
  std::vector<uint32_t> edge_stamp;
  std::vector<uint64_t> edge_table_keys;
  std::vector<uint32_t> edge_table;
  // Builds of few enough nodes sum their edges in place, in a dense table
  // over (kept source, destination column): one access per edge and frame
  // where an edge id from a matrix, a stamp and the Edge were three, each a
  // likely cache miss (-top's pass over the edges into inlined callees, 380
  // rows by 46 columns on the benchmark profile: 0.34 s -> 0.29 s, medians
  // of 4 runs). The edges are listed afterwards in order of first use, as a
  // single pass numbers them.
  //
  // A slot is 16 bytes, so that four share a cache line and none straddles
  // two: -mean's divisors, zero otherwise, have a column of their own. With
  // 24-byte slots (380 x 239 of them, 2.2 MB a thread) -top's pass over the
  // edges into inlined callees took 220 ms.
  struct EdgeSlot {
    int64_t weight = 0;
    uint32_t stamp = kNone;
    bool used = false, residual = false, is_inline = true;
  };
  static_assert(sizeof(EdgeSlot) == 16);
  Column<EdgeSlot> edge_slots;
  Column<int64_t> edge_slot_divs;             // with -mean only
  std::vector<uint32_t> slots_used;           // in order of first use
  Column<std::pair<uint32_t, NodeTag>> tags;  // (node, tag)
  std::unordered_map<TagKey, uint32_t, TagKeyHash> tag_index;
  std::vector<uint32_t> label_tag_slots;  // dense (node row x label group), when it fits

  // The edge from src to dest, added on first use, through a hash table
  // (the edges of builds too large for edge_slots, and of call trees).
  uint32_t EdgeFor(uint32_t src, uint32_t dest);
  // Adds a sample's weight to an edge.
  static void AddWeight(Edge& e, int64_t w, int64_t dw, bool residual, bool outermost) {
    e.weight += w;
    e.weight_div += dw;
    e.residual |= residual;
    e.is_inline &= !outermost;
  }
  // Adds sample si's weight to edge e, once per sample.
  void AddToEdge(uint32_t e, uint32_t si, int64_t w, int64_t dw, bool residual, bool outermost) {
    if (edge_stamp[e] == si) return;
    edge_stamp[e] = si;
    AddWeight(edges[e], w, dw, residual, outermost);
  }
  uint32_t AddEdge(uint32_t src, uint32_t dest) {
    edges.push_back(Edge{src, dest});
    edge_stamp.push_back(kNone);
    return static_cast<uint32_t>(edges.size() - 1);
  }
  // Inlined into the walks: as a call it was 11% of -dot's CPU, and -dot
  // took 1.185 s against 1.11 s inlined (-top 0.785 against 0.75 s; medians
  // of 6 and 8 runs).
  __attribute__((always_inline)) void AddToSlot(EdgeSlot* slots, size_t slot, uint32_t si, int64_t w, int64_t dw,
                                                bool residual, bool outermost) {
    EdgeSlot& e = slots[slot];
    if (e.stamp == si) return;
    if (!e.used) {
      e.used = true;
      slots_used.push_back(static_cast<uint32_t>(slot));
    }
    e.stamp = si;
    e.weight += w;
    e.residual |= residual;
    e.is_inline &= !outermost;
    if (dw != 0) edge_slot_divs[slot] += dw;
  }
  void AddTags(const GraphBuilder& g, uint32_t node, uint32_t sample, int64_t w, int64_t dw, bool flat);
};

void GraphBuilder::Accumulator::AddTags(const GraphBuilder& g, uint32_t node, uint32_t sample, int64_t w, int64_t dw,
                                        bool flat) {
  auto add = [&](uint32_t& slot, uint32_t group, uint32_t name, int64_t value) {
    if (slot == kNone) {
      slot = static_cast<uint32_t>(tags.size());
      tags.push_back({node, NodeTag{.group = group, .name = name, .value = value}});
    }
    NodeTag& t = tags[slot].second;
    (flat ? t.flat : t.cum) += w;
    (flat ? t.flat_div : t.cum_div) += dw;
  };
  auto add_hashed = [&](uint32_t group, uint32_t name, int64_t value) {
    auto [it, inserted] = tag_index.emplace(TagKey{node, group, name}, kNone);
    add(it->second, group, name, value);
  };
  uint32_t group = g.sample_group_[sample];
  if (group != 0 && !label_tag_slots.empty()) {
    uint32_t row = g.compact_.empty() ? node : g.compact_[node];
    add(label_tag_slots[size_t{row} * g.group_names_.size() + group], group, kNone, 0);
  } else if (group != 0) {
    add_hashed(group, kNone, 0);
  }
  for (uint32_t i = g.sample_num_begin_[sample]; i < g.sample_num_begin_[sample + 1]; ++i) {
    add_hashed(group, g.sample_nums_[i].first, g.sample_nums_[i].second);
  }
}

uint32_t GraphBuilder::Accumulator::EdgeFor(uint32_t src, uint32_t dest) {
  uint64_t key = (uint64_t{src} << 32) | dest;
  if (edges.size() * 2 >= edge_table.size()) {
    size_t size = edge_table.empty() ? 4096 : edge_table.size() * 2;
    edge_table.assign(size, kNone);
    edge_table_keys.assign(size, 0);
    for (uint32_t e = 0; e < edges.size(); ++e) {
      uint64_t k = (uint64_t{edges[e].src} << 32) | edges[e].dest;
      size_t i = HashKey(k) & (size - 1);
      while (edge_table[i] != kNone) i = (i + 1) & (size - 1);
      edge_table[i] = e;
      edge_table_keys[i] = k;
    }
  }
  size_t mask = edge_table.size() - 1;
  for (size_t i = HashKey(key) & mask;; i = (i + 1) & mask) {
    if (edge_table[i] == kNone) {
      edge_table[i] = AddEdge(src, dest);
      edge_table_keys[i] = key;
      return edge_table[i];
    }
    if (edge_table_keys[i] == key) return edge_table[i];
  }
}

// Inline, so that in the walks w and dw stay in registers: as a call, their
// addresses escaped and every frame reloaded them.
inline bool GraphBuilder::Weights(uint32_t sample, int64_t* w, int64_t* dw) const {
  size_t n_types = p_.num_types();
  *w = p_.values[sample * n_types + options_.sample_index];
  *dw = options_.mean ? p_.values[sample * n_types] : 0;
  return *w != 0 || *dw != 0;
}

// Inlined with its visitor: a call per frame was 30 of the ~200
// instructions a frame cost (-top: 13.4G -> 11.3G instructions). The stack
// comes as two pointers held by the caller: read through a Sample, its
// fields were reloaded every frame, since a store to a uint32_t stamp may
// alias them for the compiler (41 -> 34 instructions a frame in the values
// pass, cachegrind).
template <bool kAllKept, typename Visit>
__attribute__((always_inline)) inline void GraphBuilder::WalkStack(const uint32_t* leaf, const uint32_t* end,
                                                                   const uint32_t* codes, Visit&& visit) const {
  for (const uint32_t* frame = end; frame != leaf;) {
    uint32_t loc = *--frame;
    uint32_t code = codes[loc];
    if ((code & kInlinedLocation) == 0) {
      visit(code, true);
      continue;
    }
    if (!kAllKept && code == kDroppedLocation) {
      visit(kNone, true);
      continue;
    }
    uint32_t begin = loc_nodes_begin_[loc], last = loc_nodes_begin_[loc + 1];
    for (uint32_t ni = last; ni-- > begin;) {
      uint32_t n = loc_nodes_[ni];
      visit(!kAllKept && compact_[n] == kNone ? kNone : n, ni == last - 1);
    }
  }
}

std::vector<uint32_t> GraphBuilder::Build(const std::vector<bool>& kept, EdgeSet edges) {
  std::vector<Accumulator> parts = options_.call_tree ? BuildTree() : BuildGraph(kept, edges);
  Merge(parts, !options_.call_tree && edges == EdgeSet::kAllOfFewer);
  names_.resize(nodes_.size());
  for (uint32_t e = 0; e < edges_.size(); ++e) {
    nodes_[edges_[e].src].out.push_back(e);
    nodes_[edges_[e].dest].in.push_back(e);
  }
  std::vector<uint32_t> selected;
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    const Node& node = nodes_[n];
    if (!options_.call_tree && !kept.empty() && !kept[n]) continue;
    if (node.cum == 0 && node.flat == 0) continue;
    if (options_.drop_negative && (node.flat < 0 || (node.flat == 0 && node.cum < 0))) continue;
    selected.push_back(n);
  }
  return selected;
}

void GraphBuilder::Restore(const Built& built) {
  nodes_ = built.nodes;
  edges_ = built.edges;
  tags_ = built.tags;
  names_.resize(nodes_.size());
}

void GraphBuilder::Merge(std::vector<Accumulator>& parts, bool keep_tags) {
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    Node& node = nodes_[n];
    for (const Accumulator& part : parts) {
      node.cum += part.sums[n].cum;
      node.cum_div += part.rest[n].cum_div;
      node.flat += part.rest[n].flat;
      node.flat_div += part.rest[n].flat_div;
    }
  }
  edges_ = std::move(parts[0].edges);
  std::unordered_map<uint64_t, uint32_t> edge_index;
  if (parts.size() > 1) {
    for (uint32_t e = 0; e < edges_.size(); ++e) {
      edge_index.emplace((uint64_t{edges_[e].src} << 32) | edges_[e].dest, e);
    }
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    for (const Edge& e : parts[i].edges) {
      auto [it, inserted] = edge_index.emplace((uint64_t{e.src} << 32) | e.dest, static_cast<uint32_t>(edges_.size()));
      if (inserted) {
        edges_.push_back(e);
        continue;
      }
      Edge& to = edges_[it->second];
      to.weight += e.weight;
      to.weight_div += e.weight_div;
      to.residual |= e.residual;
      to.is_inline &= e.is_inline;
    }
  }
  if (!keep_tags) MergeTags(parts);
}

void GraphBuilder::MergeTags(const std::vector<Accumulator>& parts) {
  tags_.clear();
  std::unordered_map<TagKey, uint32_t, TagKeyHash> tag_index;
  for (const Accumulator& part : parts) {
    for (const auto& [node, tag] : part.tags) {
      auto [it, inserted] = tag_index.emplace(TagKey{node, tag.group, tag.name}, static_cast<uint32_t>(tags_.size()));
      if (inserted) {
        nodes_[node].tags.push_back(it->second);
        tags_.push_back(tag);
        continue;
      }
      NodeTag& to = tags_[it->second];
      to.flat += tag.flat;
      to.flat_div += tag.flat_div;
      to.cum += tag.cum;
      to.cum_div += tag.cum_div;
    }
  }
}

// The per-sample walk of a graph build, specialised on what the pass
// records (as RE2's DFA specialises its inner loop), so that no mode is
// tested per frame: -top's two passes over the benchmark's 31.5M frames
// took 0.52 s as one function testing four modes per frame, 0.48 s with
// this and the dense edge table (medians of 4 runs). The first pass, node
// values alone, is bound by its two random loads a frame (the location's
// code and the node's sums).
template <bool kSums, bool kEdges, bool kAllKept>
void GraphBuilder::WalkSamples(Accumulator& part, const WalkMode& mode, uint32_t first, uint32_t last) const {
  const uint32_t* compact = compact_.data();
  const uint8_t* inlined = inlined_.data();
  const uint32_t* stacks = p_.stacks.data();
  const Sample* samples = p_.samples.data();
  Accumulator::Sums* sums = part.sums.data();
  const bool tags = mode.tags, all_edges = mode.all_edges, dense = !part.edge_slots.empty();
  const uint32_t* column = edge_columns_.data();
  Accumulator::EdgeSlot* slots = part.edge_slots.data();
  const size_t columns = edge_column_nodes_.size();
  for (uint32_t si = first; si < last; ++si) {
    int64_t w, dw;
    if (!Weights(si, &w, &dw)) continue;
    uint32_t parent = kNone;
    size_t parent_row = 0;  // the parent's first slot in the dense edge table
    bool residual = false;
    // Most samples have no tag to add: tested once here, not per frame.
    const bool sample_tags = tags && (sample_group_[si] != 0 || sample_num_begin_[si] != sample_num_begin_[si + 1]);
    // n is kNone for a dropped frame; outermost is false for a line inlined
    // into the next one.
    auto visit = [&](uint32_t n, bool outermost) __attribute__((always_inline)) {
      if (!kAllKept && n == kNone) {
        residual = true;
        return;
      }
      if (kSums || sample_tags) {  // without sums, the stamp counts tags once a sample
        Accumulator::Sums& sum = sums[n];
        if (sum.stamp != si) {
          sum.stamp = si;
          if constexpr (kSums) {
            sum.cum += w;
            if (dw != 0) part.rest[n].cum_div += dw;
          }
          if (sample_tags) part.AddTags(*this, n, si, w, dw, false);
        }
      }
      if constexpr (kEdges) {
        if (parent != kNone && n != parent && (all_edges || inlined[n])) {
          if (dense) {
            part.AddToSlot(slots, parent_row + column[n], si, w, dw, residual, outermost);
          } else {
            part.AddToEdge(part.EdgeFor(parent, n), si, w, dw, residual, outermost);
          }
        }
      }
      parent = n;
      if (kEdges && dense) parent_row = compact[n] * columns;
      residual = false;
    };
    const uint32_t* const leaf = stacks + samples[si].stack_begin;
    WalkStack<kAllKept>(leaf, leaf + samples[si].stack_size, mode.codes, visit);
    if (parent != kNone && !residual) {
      if constexpr (kSums) {
        part.rest[parent].flat += w;
        part.rest[parent].flat_div += dw;
      }
      if (sample_tags) part.AddTags(*this, parent, si, w, dw, true);
    }
  }
}

std::vector<GraphBuilder::Accumulator> GraphBuilder::BuildGraph(const std::vector<bool>& kept, EdgeSet edges) {
  ResetNodes(edges);
  NumberKeptNodes(kept, edges);
  bool tags = options_.collect_tags && (edges == EdgeSet::kAll || edges == EdgeSet::kAllAndTags);
  std::vector<Accumulator> parts = NewAccumulators(edges, tags);
  std::vector<uint32_t> kept_codes = kept.empty() ? std::vector<uint32_t>() : KeptCodes();
  WalkMode mode{.codes = kept.empty() ? loc_code_.data() : kept_codes.data(),
                .tags = tags,
                .all_edges = edges != EdgeSet::kIntoInlined};
  // One specialisation per pass that reports make (values; values and
  // edges; edges into inlined callees), with and without dropped nodes, as
  // RE2's DFA specialises InlinedSearchLoop. Tested per frame at run time
  // instead, the same modes cost -top's two walks 862M instructions instead
  // of 536M (+61%; the whole of -top +18%) and -dot's three +8% (cachegrind
  // on a 200k-sample bigprofile).
  auto walk = [&](Accumulator& part, uint32_t first, uint32_t last) {
    bool all_kept = kept.empty();
    if (edges == EdgeSet::kNone) {
      all_kept ? WalkSamples<true, false, true>(part, mode, first, last)
               : WalkSamples<true, false, false>(part, mode, first, last);
    } else if (edges != EdgeSet::kAll) {  // edges (and tags), over the last build's values
      all_kept ? WalkSamples<false, true, true>(part, mode, first, last)
               : WalkSamples<false, true, false>(part, mode, first, last);
    } else {
      all_kept ? WalkSamples<true, true, true>(part, mode, first, last)
               : WalkSamples<true, true, false>(part, mode, first, last);
    }
  };
  ForRanges(p_.samples.size(), parts.size(), [&](size_t t, size_t first, size_t last) {
    walk(parts[t], static_cast<uint32_t>(first), static_cast<uint32_t>(last));
  });
  for (Accumulator& part : parts) CollectDenseEdges(part);
  return parts;
}

void GraphBuilder::ResetNodes(EdgeSet edges) {
  nodes_.resize(infos_.size());
  for (uint32_t n = 0; n < infos_.size(); ++n) {
    // All but kNone and kAll keep the last build's node values, and
    // kAllOfFewer its tags (see EdgeSet).
    if (edges != EdgeSet::kNone && edges != EdgeSet::kAll) {
      nodes_[n].in.clear();
      nodes_[n].out.clear();
      if (edges != EdgeSet::kAllOfFewer) nodes_[n].tags.clear();
    } else {
      nodes_[n] = Node(infos_[n]);
    }
  }
}

void GraphBuilder::NumberKeptNodes(const std::vector<bool>& kept, EdgeSet edges) {
  // Kept nodes are numbered 0..kept_count_-1 (every node when none is
  // dropped); dropped ones get kNone.
  compact_.resize(nodes_.size());
  kept_count_ = 0;
  for (uint32_t n = 0; n < nodes_.size(); ++n) compact_[n] = kept.empty() || kept[n] ? kept_count_++ : kNone;
  // The dense edge table's columns: the kept nodes, or with kIntoInlined
  // the kept nodes inlined somewhere.
  edge_columns_.assign(nodes_.size(), kNone);
  edge_column_nodes_.clear();
  row_nodes_.clear();
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    if (compact_[n] == kNone) continue;
    row_nodes_.push_back(n);
    if (edges != EdgeSet::kIntoInlined || inlined_[n]) {
      edge_columns_[n] = static_cast<uint32_t>(edge_column_nodes_.size());
      edge_column_nodes_.push_back(n);
    }
  }
}

std::vector<GraphBuilder::Accumulator> GraphBuilder::NewAccumulators(EdgeSet edges, bool tags) const {
  // The dense edge table: 1M slots (24 MB) at most, e.g. 1024 kept nodes;
  // more go through the hash table.
  constexpr size_t kMaxEdgeSlots = size_t{1} << 20;
  size_t edge_slots = size_t{kept_count_} * edge_column_nodes_.size();
  bool dense_edges = edges != EdgeSet::kNone && edge_slots <= kMaxEdgeSlots;
  // Label tags: 4M slots (16 MB), e.g. 2048 kept nodes x 2048 label sets,
  // make the dense table; more use the hash table.
  constexpr size_t kMaxTagSlots = size_t{4} << 20;
  size_t tag_slots = size_t{kept_count_} * group_names_.size();
  // Half the samples each on two threads when there are enough of them to
  // pay for a thread and the merge (1M samples: about 0.3 s saved per pass).
  constexpr size_t kMinSamplesPerThread = 100000;
  size_t threads = std::min<size_t>({2, std::max(1u, std::thread::hardware_concurrency()),
                                     std::max<size_t>(1, p_.samples.size() / kMinSamplesPerThread)});
  if (options_.threads_for_testing > 0) threads = options_.threads_for_testing;
  std::vector<Accumulator> parts(threads);
  for (Accumulator& part : parts) {
    part.sums.resize(nodes_.size());
    part.rest.resize(nodes_.size());
    if (dense_edges) part.edge_slots.resize(edge_slots);
    if (dense_edges && options_.mean) part.edge_slot_divs.resize(edge_slots, 0);
    if (tags && tag_slots <= kMaxTagSlots) part.label_tag_slots.assign(tag_slots, kNone);
  }
  return parts;
}

std::vector<uint32_t> GraphBuilder::KeptCodes() const {
  // A kept build marks locations with no kept node in its own copy of the
  // codes: one load a frame tells a frame is dropped. (A dropped location
  // of several lines is one residual step, as each of its lines would be.)
  std::vector<uint32_t> codes = loc_code_;
  for (uint32_t l = 0; l < codes.size(); ++l) {
    auto lines = std::span(loc_nodes_).subspan(loc_nodes_begin_[l], loc_nodes_begin_[l + 1] - loc_nodes_begin_[l]);
    if (std::all_of(lines.begin(), lines.end(), [&](uint32_t n) { return compact_[n] == kNone; })) {
      codes[l] = kDroppedLocation;
    }
  }
  return codes;
}

void GraphBuilder::CollectDenseEdges(Accumulator& part) const {
  size_t columns = edge_column_nodes_.size();
  part.edges.reserve(part.edges.size() + part.slots_used.size());
  for (uint32_t slot : part.slots_used) {
    const Accumulator::EdgeSlot& e = part.edge_slots[slot];
    part.edges.push_back(Edge{.src = row_nodes_[slot / columns],
                              .dest = edge_column_nodes_[slot % columns],
                              .weight = e.weight,
                              .weight_div = part.edge_slot_divs.empty() ? 0 : part.edge_slot_divs[slot],
                              .residual = e.residual,
                              .is_inline = e.is_inline});
  }
}

// pprof's newTree: a node per (calling node, frame), so every node has one
// caller and each path through the stacks is its own branch.
std::vector<GraphBuilder::Accumulator> GraphBuilder::BuildTree() {
  nodes_.clear();
  names_.clear();
  compact_.clear();
  std::vector<Accumulator> parts(1);
  Accumulator& part = parts[0];
  std::unordered_map<uint64_t, uint32_t> children;  // (parent + 1) << 32 | info -> node
  int64_t w, dw;
  for (uint32_t si = 0; si < p_.samples.size(); ++si) {
    if (!Weights(si, &w, &dw)) continue;
    uint32_t parent = kNone;
    auto stack = p_.stack(p_.samples[si]);
    WalkStack<true>(stack.data(), stack.data() + stack.size(), loc_code_.data(), [&](uint32_t info, bool outermost) {
      uint64_t key = (uint64_t{parent + 1} << 32) | info;
      auto [it, inserted] = children.emplace(key, static_cast<uint32_t>(nodes_.size()));
      if (inserted) {
        nodes_.emplace_back(infos_[info], parent);
        part.sums.emplace_back();
        part.rest.emplace_back();
      }
      uint32_t n = it->second;
      part.sums[n].cum += w;
      part.rest[n].cum_div += dw;
      if (options_.collect_tags) part.AddTags(*this, n, si, w, dw, false);
      if (parent != kNone) {
        Edge& edge = part.edges[part.EdgeFor(parent, n)];
        edge.weight += w;
        edge.weight_div += dw;
        edge.is_inline &= !outermost;
      }
      parent = n;
    });
    if (parent != kNone) {
      part.rest[parent].flat += w;
      part.rest[parent].flat_div += dw;
      if (options_.collect_tags) part.AddTags(*this, parent, si, w, dw, true);
    }
  }
  return parts;
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
