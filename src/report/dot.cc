// -dot: the call graph in graphviz's DOT language, exactly as pprof's
// ComposeDot writes it (the svg, png, pdf ... reports render this text).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "profile/units.h"
#include "report/report.h"

namespace cpprof {
namespace {

// A node shows its 4 heaviest label tags, and numeric tags in 4 buckets.
constexpr size_t kMaxNodelets = 4;

int64_t Abs64(int64_t v) { return v < 0 ? -v : v; }

std::string EscapeForDot(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\l";
    } else {
      out += c;
    }
  }
  return out;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size())) {
    s.replace(i, from.size(), to);
  }
}

// The node's name on several lines: namespaces and packages split at "::"
// and ".", file names without directories.
std::string MultilineName(const Profile& p, const NodeInfo& info) {
  std::string name = EscapeForDot(ShortenFunctionName(p.str(info.name)));
  ReplaceAll(name, "::", "\\n");
  // Go shows type parameters as "[...]"; keep that one together.
  ReplaceAll(name, "[...]", "[\xe2\x80\xa6]");
  ReplaceAll(name, ".", "\\n");
  std::string file(p.str(info.file));
  if (!file.empty()) file = GoBase(file);
  std::string out;
  for (const std::string& c : NameComponents(p, info, name, file)) out += c + "\\n";
  return out;
}

// dotColor: grey near 0, red for positive and green for negative scores
// (a diff), darker for foregrounds.
std::string DotColor(double score, bool background) {
  constexpr double kShift = 0.7;  // how far scores move away from grey
  double saturation = background ? 0.1 : 1.0;
  double value = background ? 0.93 : 0.7;
  if (!std::isnan(score)) score = std::max(-1.0, std::min(1.0, score));
  if (std::abs(score) < 0.2) saturation *= std::abs(score) / 0.2;
  if (score > 0.0) score = std::pow(score, 1.0 - kShift);
  if (score < 0.0) score = -std::pow(-score, 1.0 - kShift);
  double r, g, b;
  if (score < 0.0) {
    g = value;
    r = value * (1 + saturation * score);
  } else {
    r = value;
    g = value * (1 - saturation * score);
  }
  b = value * (1 - saturation);
  auto byte = [](double v) { return static_cast<unsigned>(static_cast<uint8_t>(static_cast<int64_t>(v * 255.0))); };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b));
}

// A tag as it is shown: name and the values to show.
struct ShownTag {
  std::string name;
  int64_t value = 0;
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;  // raw, for ordering
  int64_t flat_value = 0, cum_value = 0;
};

// pprof's SortTags: heaviest first (by cum unless flat), then by name.
void SortTags(std::vector<ShownTag>& tags, bool flat) {
  std::stable_sort(tags.begin(), tags.end(), [flat](const ShownTag& a, const ShownTag& b) {
    if (!flat && Abs64(a.cum) != Abs64(b.cum)) return Abs64(a.cum) > Abs64(b.cum);
    if (Abs64(a.flat) != Abs64(b.flat)) return Abs64(a.flat) > Abs64(b.flat);
    return a.name < b.name;
  });
}

class DotWriter {
 public:
  DotWriter(Report& r, const GraphBuilder& g, std::string& out) : r_(r), g_(g), out_(out) {}

  void Write(const std::vector<uint32_t>& nodes, const std::vector<std::string>& labels);

 private:
  void AddNode(uint32_t n, int id, double max_flat);
  bool AddNodelets(uint32_t n, int id);
  std::string NumericNodelets(std::vector<ShownTag> tags, bool flat_tags, const std::string& source);
  std::vector<ShownTag> CollapsedTags(std::vector<ShownTag> tags, bool flat_tags);
  void AddEdge(uint32_t e, int from, int to, bool has_nodelets);

  Report& r_;
  const GraphBuilder& g_;
  std::string& out_;
  std::string numeric_unit_;
};

void DotWriter::Write(const std::vector<uint32_t>& nodes, const std::vector<std::string>& labels) {
  const std::string& title = r_.options().title;
  numeric_unit_ = g_.options().numeric_tag_unit;
  out_ += fmt::format("digraph \"{}\" {{\n", title.empty() ? "unnamed" : title);
  out_ += "node [style=filled fillcolor=\"#f8f8f8\"]\n";
  if (!labels.empty()) {
    out_ += fmt::format("subgraph cluster_L {{ \"{}\" [shape=box fontsize=16", EscapeForDot(labels[0]));
    std::string joined;
    for (size_t i = 0; i < labels.size(); ++i) joined += (i ? "\\l" : "") + EscapeForDot(labels[i]);
    out_ += fmt::format(" label=\"{}\\l\"", joined);
    if (!title.empty()) out_ += fmt::format(" tooltip=\"{}\"", title);
    out_ += "] }\n";
  }
  if (!nodes.empty()) {
    // Edges to nodes outside the graph (dropped as negative, or with values
    // that cancel out) keep id 0, as in pprof.
    std::vector<int> ids(g_.nodes().size(), 0);
    std::vector<bool> has_nodelets(g_.nodes().size(), false);
    double max_flat = static_cast<double>(Abs64(g_.nodes()[nodes[0]].flat_value()));
    for (size_t i = 0; i < nodes.size(); ++i) {
      ids[nodes[i]] = static_cast<int>(i + 1);
      max_flat = std::max(max_flat, static_cast<double>(Abs64(g_.nodes()[nodes[i]].flat_value())));
    }
    std::vector<uint32_t> edges;
    for (uint32_t n : nodes) {
      AddNode(n, ids[n], max_flat);
      has_nodelets[n] = AddNodelets(n, ids[n]);
      for (uint32_t e : g_.nodes()[n].out) edges.push_back(e);
    }
    // Heaviest edges first, as a hint to the layout.
    for (uint32_t e : g_.SortedEdges(edges)) {
      const Edge& edge = g_.edges()[e];
      AddEdge(e, ids[edge.src], ids[edge.dest], has_nodelets[edge.src]);
    }
  }
  out_ += "}\n";
}

void DotWriter::AddNode(uint32_t n, int id, double max_flat) {
  const Node& node = g_.nodes()[n];
  int64_t flat = node.flat_value(), cum = node.cum_value();
  int64_t total = r_.total();
  auto pct = [total](int64_t v) {
    std::string s = Percentage(v, total);
    return s.erase(0, s.find_first_not_of(' '));
  };
  std::string label = MultilineName(g_.profile(), node.info);
  std::string flat_text = r_.FormatValue(flat);
  label += flat != 0 ? fmt::format("{} ({})", flat_text, pct(flat)) : "0";
  std::string cum_text = flat_text;
  if (cum != flat) {
    label += flat != 0 ? "\\n" : " ";
    cum_text = r_.FormatValue(cum);
    label += fmt::format("of {} ({})", cum_text, pct(cum));
  }
  // Font sizes 8 to 24 grow with the square root of the flat share, so
  // small differences near the top stand out.
  int font_size = 8;
  double abs_flat = static_cast<double>(Abs64(flat));
  if (max_flat != 0 && flat != 0 && abs_flat <= max_flat) {
    font_size += static_cast<int>(std::ceil(16.0 * std::sqrt(abs_flat / max_flat)));
  }
  double score = static_cast<double>(cum) / static_cast<double>(Abs64(total));
  out_ += fmt::format(
      "N{} [label=\"{}\" id=\"node{}\" fontsize={} shape=box tooltip=\"{} ({})\" color=\"{}\" fillcolor=\"{}\"]\n", id,
      label, id, font_size, EscapeForDot(g_.PrintableName(n)), cum_text, DotColor(score, false), DotColor(score, true));
}

bool DotWriter::AddNodelets(uint32_t n, int id) {
  const Node& node = g_.nodes()[n];
  std::vector<ShownTag> label_tags;
  std::map<uint32_t, std::vector<ShownTag>> numeric;  // by label group
  for (uint32_t ti : node.tags) {
    const NodeTag& t = g_.tags()[ti];
    if (t.removed) continue;
    ShownTag s{g_.tag_name(t), t.value, t.flat, t.flat_div, t.cum, t.cum_div, t.flat_value(), t.cum_value()};
    if (t.name == kNone) {
      label_tags.push_back(std::move(s));
    } else {
      numeric[t.group].push_back(std::move(s));
    }
  }
  // Leaves show cumulative tags (they include the weight of trimmed
  // callees); inner nodes show flat tags.
  bool flat_tags = g_.LiveCount(node.out) > 0;
  SortTags(label_tags, flat_tags);
  if (label_tags.size() > kMaxNodelets) label_tags.resize(kMaxNodelets);
  std::string nodelets;
  for (size_t i = 0; i < label_tags.size(); ++i) {
    const ShownTag& t = label_tags[i];
    int64_t w = flat_tags ? t.flat_value : t.cum_value;
    if (w == 0) continue;
    std::string weight = r_.FormatValue(w);
    nodelets += fmt::format("N{}_{} [label = \"{}\" id=\"N{}_{}\" fontsize=8 shape=box3d tooltip=\"{}\"]\n", id, i,
                            t.name, id, i, weight);
    nodelets += fmt::format("N{} -> N{}_{} [label=\" {}\" weight=100 tooltip=\"{}\" labeltooltip=\"{}\"]\n", id, id, i,
                            weight, weight, weight);
    // The label tag's name is its group's name, which numeric tags group by.
    for (auto& [group, tags] : numeric) {
      if (g_.group_name(group) == t.name) nodelets += NumericNodelets(tags, flat_tags, fmt::format("N{}_{}", id, i));
    }
  }
  if (auto it = numeric.find(0); it != numeric.end()) {
    nodelets += NumericNodelets(it->second, flat_tags, fmt::format("N{}", id));
  }
  out_ += nodelets;
  return !nodelets.empty();
}

std::string DotWriter::NumericNodelets(std::vector<ShownTag> tags, bool flat_tags, const std::string& source) {
  std::string nodelets;
  std::vector<ShownTag> collapsed = CollapsedTags(std::move(tags), flat_tags);
  for (size_t j = 0; j < collapsed.size(); ++j) {
    const ShownTag& t = collapsed[j];
    int64_t w = t.cum_value;
    const char* attr = " style=\"dotted\"";
    if (flat_tags || t.flat_value == t.cum_value) {
      w = t.flat_value;
      attr = "";
    }
    if (w == 0) continue;
    std::string weight = r_.FormatValue(w);
    nodelets += fmt::format("N{}_{} [label = \"{}\" id=\"N{}_{}\" fontsize=8 shape=box3d tooltip=\"{}\"]\n", source, j,
                            t.name, source, j, weight);
    nodelets += fmt::format("{} -> N{}_{} [label=\" {}\" weight=100 tooltip=\"{}\" labeltooltip=\"{}\"{}]\n", source,
                            source, j, weight, weight, weight, attr);
  }
  return nodelets;
}

// Numeric tags in at most 4 buckets "min..max": the 4 heaviest tags start
// the buckets and every other tag joins the one nearest in value. All
// numeric tags of a graph share one unit, so values compare directly.
std::vector<ShownTag> DotWriter::CollapsedTags(std::vector<ShownTag> tags, bool flat_tags) {
  SortTags(tags, flat_tags);
  if (tags.size() <= kMaxNodelets) return tags;
  std::vector<std::vector<const ShownTag*>> groups(kMaxNodelets);
  for (size_t i = 0; i < kMaxNodelets; ++i) groups[i].push_back(&tags[i]);
  for (size_t i = kMaxNodelets; i < tags.size(); ++i) {
    const ShownTag& t = tags[i];
    auto distance = [&t](const ShownTag* u) {
      return std::abs(static_cast<double>(t.value) - static_cast<double>(u->value));
    };
    size_t best = 0;
    double d = distance(groups[0][0]);
    for (size_t k = 1; k < kMaxNodelets; ++k) {
      if (double nd = distance(groups[k][0]); nd < d) {
        best = k;
        d = nd;
      }
    }
    groups[best].push_back(&t);
  }
  std::vector<ShownTag> out;
  for (const auto& group : groups) {
    ShownTag s;
    if (group.size() == 1) {
      const ShownTag& t = *group[0];
      s.name = AutoLabel(t.value, numeric_unit_);
      s.flat = s.flat_value = t.flat_value;
      s.cum = s.cum_value = t.cum_value;
    } else {
      const ShownTag *min = group[0], *max = group[0];
      for (const ShownTag* t : group) {
        if (t->value < min->value) min = t;
        if (t->value > max->value) max = t;
        s.flat += t->flat;
        s.flat_div += t->flat_div;
        s.cum += t->cum;
        s.cum_div += t->cum_div;
      }
      s.name = AutoLabel(min->value, numeric_unit_) + ".." + AutoLabel(max->value, numeric_unit_);
      if (s.flat_div != 0) s.flat /= s.flat_div;
      if (s.cum_div != 0) s.cum /= s.cum_div;
      s.flat_div = s.cum_div = 0;
      s.flat_value = s.flat;
      s.cum_value = s.cum;
    }
    out.push_back(std::move(s));
  }
  SortTags(out, flat_tags);
  return out;
}

void DotWriter::AddEdge(uint32_t e, int from, int to, bool has_nodelets) {
  const Edge& edge = g_.edges()[e];
  int64_t total = r_.total();
  int64_t w = edge.weight_value();
  std::string value = r_.FormatValue(w);
  std::string attr = fmt::format("label=\" {}{}\"", value, edge.is_inline ? "\\n (inline)" : "");
  if (total != 0) {
    // Edge weights can exceed the total in a diff; both attributes are capped.
    if (int weight = 1 + static_cast<int>(std::min<int64_t>(Abs64(w * 100 / total), 100)); weight > 1) {
      attr += fmt::format(" weight={}", weight);
    }
    if (int width = 1 + static_cast<int>(std::min<int64_t>(Abs64(w * 5 / total), 5)); width > 1) {
      attr += fmt::format(" penwidth={}", width);
    }
    attr += fmt::format(" color=\"{}\"", DotColor(static_cast<double>(w) / static_cast<double>(Abs64(total)), false));
  }
  std::string tooltip = fmt::format("\"{} {} {} ({})\"", EscapeForDot(g_.PrintableName(edge.src)),
                                    edge.residual ? "..." : "->", EscapeForDot(g_.PrintableName(edge.dest)), value);
  attr += fmt::format(" tooltip={} labeltooltip={}", tooltip, tooltip);
  if (edge.residual) attr += " style=\"dotted\"";
  // Children of a node with nodelets go further down, below the nodelets.
  if (has_nodelets) attr += " minlen=2";
  out_ += fmt::format("N{} -> N{} [{}]\n", from, to, attr);
}

}  // namespace

Status PrintDot(Report& r, std::string& out) {
  GraphBuilder& g = ReportGraph(r);
  TrimmedGraph t = NewTrimmedGraph(r, g);
  SelectOutputUnit(r, g, t.nodes);
  DotWriter(r, g, out).Write(t.nodes, ReportLabels(r, g, t, true));
  return Status();
}

}  // namespace cpprof
