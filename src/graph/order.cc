// Node and edge orders (pprof's Nodes.Sort and EdgeMap.Sort), including the
// entropy order that picks the nodes of a dot graph.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "graph/graph.h"

namespace cpprof {
namespace {

// Go's abs64: the most negative value stays negative.
int64_t Abs64(int64_t v) { return v < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : v; }

// fmt.Sprint of pprof's NodeInfo struct, the last tie-break when sorting.
std::string GoStructString(const Profile& p, const NodeInfo& i) {
  return fmt::format("{{{} {} {} {} {} {} {}}}", p.str(i.name), p.str(i.orig_name), i.address, p.str(i.file),
                     i.start_line, i.lineno, p.str(i.objfile));
}

// Go's math.Log (the FreeBSD algorithm that Go also runs as amd64 assembly).
// glibc's log can differ in the last bit, and the entropy score is
// truncated to an integer, so a different bit can reorder a dot graph.
double GoLog(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kL1 = 6.666666666666735130e-01, kL2 = 3.999999999940941908e-01, kL3 = 2.857142874366239149e-01,
                   kL4 = 2.222219843214978396e-01, kL5 = 1.818357216161805012e-01, kL6 = 1.531383769920937332e-01,
                   kL7 = 1.479819860511658591e-01;
  if (std::isnan(x) || std::isinf(x)) return x < 0 ? std::nan("") : x;
  if (x < 0) return std::nan("");
  if (x == 0) return -INFINITY;
  int ki;
  double f1 = std::frexp(x, &ki);
  if (f1 < M_SQRT2 / 2) {
    f1 *= 2;
    ki--;
  }
  double f = f1 - 1;
  double k = ki;
  double s = f / (2 + f);
  double s2 = s * s;
  double s4 = s2 * s2;
  double t1 = s2 * (kL1 + s4 * (kL3 + s4 * (kL5 + s4 * kL7)));
  double t2 = s4 * (kL2 + s4 * (kL4 + s4 * kL6));
  double r = t1 + t2;
  double hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + r) + k * kLn2Lo)) - f);
}

// Go's math.Log2.
double GoLog2(double x) {
  int exp;
  double frac = std::frexp(x, &exp);
  if (frac == 0.5) return exp - 1;
  return GoLog(frac) * (1 / M_LN2) + exp;
}

// Go's int64(f) on amd64: NaN and out-of-range values give the most
// negative int64 (cvttsd2si), which C++ leaves undefined.
int64_t GoFloatToInt64(double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(f);
}

}  // namespace

// entropyScore: how much a node's edges branch. A node that just passes its
// input on to one callee scores low; entries and leaves score high.
static int64_t EntropyScore(const GraphBuilder& g, const Node& n) {
  auto edge_entropy = [&g](const std::vector<uint32_t>& edges, int64_t self) {
    double score = 0;
    int64_t total = self;
    for (uint32_t e : edges) {
      const Edge& edge = g.edges()[e];
      if (!edge.removed && edge.weight > 0) total += Abs64(edge.weight);
    }
    if (total == 0) return score;
    for (uint32_t e : edges) {
      const Edge& edge = g.edges()[e];
      if (edge.removed) continue;
      double frac = static_cast<double>(Abs64(edge.weight)) / static_cast<double>(total);
      score += -frac * GoLog2(frac);
    }
    if (self > 0) {
      double frac = static_cast<double>(Abs64(self)) / static_cast<double>(total);
      score += -frac * GoLog2(frac);
    }
    return score;
  };
  double score = 0;
  score += g.LiveCount(n.in) == 0 ? 1 : edge_entropy(n.in, 0);
  score += g.LiveCount(n.out) == 0 ? 1 : edge_entropy(n.out, n.flat);
  return static_cast<int64_t>(static_cast<uint64_t>(GoFloatToInt64(score * static_cast<double>(n.cum))) +
                              static_cast<uint64_t>(n.flat));
}

void GraphBuilder::Sort(std::vector<uint32_t>& selected, NodeOrder order) const {
  std::vector<int64_t> score(nodes_.size());
  for (uint32_t n : selected) {
    const Node& node = nodes_[n];
    score[n] = order == NodeOrder::kFlatName  ? node.flat
               : order == NodeOrder::kCumName ? node.cum
                                              : EntropyScore(*this, node);
  }
  std::sort(selected.begin(), selected.end(), [&](uint32_t l, uint32_t r) {
    const Node &a = nodes_[l], &b = nodes_[r];
    if (Abs64(score[l]) != Abs64(score[r])) return Abs64(score[l]) > Abs64(score[r]);
    if (PrintableName(l) != PrintableName(r)) return PrintableName(l) < PrintableName(r);
    // The flat order breaks ties by cum, the score orders by flat.
    int64_t x = order == NodeOrder::kFlatName ? a.cum : a.flat;
    int64_t y = order == NodeOrder::kFlatName ? b.cum : b.flat;
    if (Abs64(x) != Abs64(y)) return Abs64(x) > Abs64(y);
    return GoStructString(p_, a.info) < GoStructString(p_, b.info);
  });
}

std::vector<uint32_t> GraphBuilder::SortedEdges(const std::vector<uint32_t>& edges) const {
  std::vector<uint32_t> sorted;
  for (uint32_t e : edges) {
    if (!edges_[e].removed) sorted.push_back(e);
  }
  // pprof compares |weight| only when the weights differ, so +x and -x tie
  // in map order there; here they tie on names, which is one of its orders.
  std::sort(sorted.begin(), sorted.end(), [&](uint32_t l, uint32_t r) {
    const Edge &a = edges_[l], &b = edges_[r];
    if (Abs64(a.weight) != Abs64(b.weight)) return Abs64(a.weight) > Abs64(b.weight);
    if (a.src != b.src && PrintableName(a.src) != PrintableName(b.src)) {
      return PrintableName(a.src) < PrintableName(b.src);
    }
    return a.dest != b.dest && PrintableName(a.dest) < PrintableName(b.dest);
  });
  return sorted;
}

}  // namespace cpprof
