#include "report/folded_stacks.h"

#include <string_view>
#include <unordered_map>

namespace cpprof {

FoldedStacks FoldStacks(Report& r) {
  Profile& p = r.profile();
  const ReportOptions& o = r.options();
  GraphBuilder g(p, GraphOptions{o.sample_index, o.mean, false, o.drop_negative});
  FoldedStacks out;
  std::vector<int32_t> name_index(g.info_count(), -1);
  std::unordered_map<std::string, uint32_t> stack_index;  // graph nodes' bytes -> stack
  std::vector<uint32_t> path;
  size_t n = p.num_types();
  for (size_t si = 0; si < p.samples.size(); ++si) {
    const Sample& s = p.samples[si];
    int64_t v = p.values[si * n + static_cast<size_t>(o.sample_index)];
    if (o.mean && p.values[si * n] != 0) v /= p.values[si * n];
    if (s.stack_size == 0 || v == 0 || (o.drop_negative && v < 0)) continue;
    // The stack is leaf first, and a location's nodes innermost first.
    path.clear();
    std::span<const uint32_t> stack = p.stack(s);
    for (size_t i = stack.size(); i-- > 0;) {
      std::span<const uint32_t> nodes = g.LocationNodes(stack[i]);
      for (size_t k = nodes.size(); k-- > 0;) path.push_back(nodes[k]);
    }
    std::string key(reinterpret_cast<const char*>(path.data()), path.size() * sizeof(uint32_t));
    auto [it, added] = stack_index.try_emplace(std::move(key), static_cast<uint32_t>(out.stacks.size()));
    if (!added) {
      out.values[it->second] += v;
      continue;
    }
    std::vector<uint32_t>& names = out.stacks.emplace_back();
    for (uint32_t node : path) {
      if (name_index[node] < 0) {
        name_index[node] = static_cast<int32_t>(out.names.size());
        out.names.push_back(PrintableName(p, g.info(node)));
      }
      names.push_back(static_cast<uint32_t>(name_index[node]));
    }
    out.values.push_back(v);
  }
  return out;
}

}  // namespace cpprof
