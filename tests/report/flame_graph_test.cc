// Tests src/report/flame_graph.cc: the tree of call paths, by hand on the
// small profile and against a naive count of every path prefix on random
// profiles (deep stacks, inlined frames, paths light enough to be folded).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "small_profile.h"

namespace cpprof {
namespace {

TEST(FlameGraphTest, SmallProfileByHand) {
  // main 100ms > a 50ms > c 50ms, and main > b 50ms > c 30ms (c inlined into
  // b, entered through b's line). Names are numbered in order of first use,
  // children sorted by name.
  EXPECT_EQ(SmallCpuReport(SmallCpuOptions(ReportFormat::kFlameGraph)),
            "{\"type\":\"cpu\",\"unit\":\"nanoseconds\",\"total\":100000000,\"diff\":false,"
            "\"names\":[\"main\",\"a\",\"c\",\"b\"],\"n\":[-1,0,1,2,3,2],"
            "\"v\":[100000000,100000000,50000000,50000000,50000000,30000000],\"c\":[1,2,1,0,1,0]}\n");
}

// A profile of n samples over `functions` functions, with stacks up to 12
// deep, every third location holding an inlined call, and weights spread over
// six orders of magnitude so that some paths fall under the 1/100000 cut.
Profile RandomProfile(uint32_t seed, int n, int functions) {
  std::mt19937 rng(seed);
  Profile p;
  auto S = [&](const std::string& s) { return p.strings.Intern(s); };
  p.sample_types = {{.type = S("cpu"), .unit = S("nanoseconds")}};
  p.mappings.push_back({.id = 1, .file = S("/bin/app"), .has_functions = true});
  for (int f = 0; f < functions; ++f) {
    p.functions.push_back({.id = static_cast<uint64_t>(f + 1), .name = S("f" + std::to_string(f))});
  }
  for (int l = 0; l < 3 * functions; ++l) {
    uint32_t begin = static_cast<uint32_t>(p.lines.size());
    uint32_t count = l % 3 == 0 ? 2 : 1;
    for (uint32_t k = 0; k < count; ++k) p.lines.push_back({.function = static_cast<uint32_t>(rng() % functions)});
    p.locations.push_back({.id = static_cast<uint64_t>(l + 1), .mapping = 0, .line_begin = begin, .line_count = count});
  }
  for (int i = 0; i < n; ++i) {
    uint32_t depth = rng() % 13;  // 0 to 12 frames
    p.samples.push_back({.stack_begin = static_cast<uint32_t>(p.stacks.size()), .stack_size = depth});
    // Few roots and shared prefixes: the first frames come from a small set.
    for (uint32_t d = 0; d < depth; ++d) {
      uint32_t spread = d + 1 >= depth - 2 ? 3 : static_cast<uint32_t>(p.locations.size());
      p.stacks.push_back(static_cast<uint32_t>(rng() % spread));
    }
    int64_t weight = 1;
    for (uint32_t e = rng() % 7; e > 0; --e) weight *= 10;
    p.values.push_back(i % 17 == 0 ? 0 : weight);
  }
  return p;
}

// The elements of the JSON array after "key": (numbers, or strings without
// escapes, as the test profiles' names are).
std::vector<std::string> JsonArray(const std::string& json, const std::string& key) {
  size_t at = json.find("\"" + key + "\":[");
  EXPECT_NE(at, std::string::npos) << key;
  std::string body = json.substr(at + key.size() + 4, json.find(']', at) - at - key.size() - 4);
  std::vector<std::string> items;
  for (size_t begin = 0; begin < body.size();) {
    size_t end = body.find(',', begin);
    if (end == std::string::npos) end = body.size();
    std::string item = body.substr(begin, end - begin);
    if (item.starts_with('"')) item = item.substr(1, item.size() - 2);
    items.push_back(item);
    begin = end + 1;
  }
  return items;
}

// path (names root first, joined by ';') -> value, for the tree in the JSON.
std::map<std::string, int64_t> TreePaths(const std::string& json) {
  std::vector<std::string> names = JsonArray(json, "names"), n = JsonArray(json, "n"), values = JsonArray(json, "v"),
                           children = JsonArray(json, "c");
  EXPECT_EQ(n.size(), values.size());
  EXPECT_EQ(n.size(), children.size());
  std::map<std::string, int64_t> paths;
  // Depth-first: a stack of (path, children left to read).
  std::vector<std::pair<std::string, int64_t>> open;
  for (size_t i = 0; i < n.size(); ++i) {
    while (!open.empty() && open.back().second == 0) open.pop_back();
    std::string path = "root";
    if (!open.empty()) {
      --open.back().second;
      path = open.back().first + ";" + names.at(std::stoul(n[i]));
    }
    paths[path] = std::stoll(values[i]);
    open.emplace_back(path, std::stoll(children[i]));
  }
  return paths;
}

// The same, counted naively: every prefix of every sample's path, root first
// and each location's lines outermost first, kept when it and all its
// prefixes are worth more than total / 100000.
std::map<std::string, int64_t> NaivePaths(const Profile& p) {
  std::map<std::string, int64_t> sums;
  int64_t total = 0;
  for (size_t si = 0; si < p.samples.size(); ++si) {
    int64_t w = p.values[si];
    if (w == 0) continue;
    total += w;
    std::string path = "root";
    sums[path] += w;
    const Sample& s = p.samples[si];
    for (uint32_t f = s.stack_begin + s.stack_size; f-- > s.stack_begin;) {
      const Location& loc = p.locations[p.stacks[f]];
      for (uint32_t k = loc.line_count; k-- > 0;) {
        path += ";" + std::string(p.str(p.functions[p.lines[loc.line_begin + k].function].name));
        sums[path] += w;
      }
    }
  }
  int64_t min_value = static_cast<int64_t>(static_cast<double>(total) * 1e-5);
  std::map<std::string, int64_t> kept;
  for (const auto& [path, value] : sums) {  // prefixes sort before their extensions
    size_t cut = path.rfind(';');
    bool parent_kept = cut == std::string::npos || kept.contains(path.substr(0, cut));
    if (parent_kept && (path == "root" || value > min_value)) kept[path] = value;
  }
  return kept;
}

TEST(FlameGraphTest, TreeEqualsNaivePrefixSums) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    Profile p = RandomProfile(seed, 3000, 6 + static_cast<int>(seed % 5) * 10);
    ReportOptions o = SmallCpuOptions(ReportFormat::kFlameGraph);
    o.sample_index = 0;
    std::map<std::string, int64_t> naive = NaivePaths(p);
    std::map<std::string, int64_t> tree = TreePaths(SmallCpuReport(o, p));
    ASSERT_GT(naive.size(), 100u) << "seed " << seed;
    ASSERT_EQ(tree, naive) << "seed " << seed;
  }
}

}  // namespace
}  // namespace cpprof
