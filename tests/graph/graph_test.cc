// Tests src/graph/graph.cc (known node values and edges of a hand-made
// profile, residual edges across dropped nodes, the pass that records only
// edges into inlined callees, and the one that builds edges alone for fewer
// nodes; a build split over threads equals a single-thread build, node for
// node, edge for edge, tag for tag) and
// src/graph/names.cc (ShortenFunctionName, with cases from pprof's
// graph_test.go).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "../report/small_profile.h"
#include "graph/graph.h"
#include "profile/codec.h"

namespace cpprof {
namespace {

Profile Load(const std::string& name) {
  std::ifstream f(std::string(CPPROF_SOURCE_DIR) + "/tests/testdata/" + name, std::ios::binary);
  std::stringstream data;
  data << f.rdbuf();
  Result<Profile> p = ParseProfile(data.str());
  EXPECT_TRUE(p.ok());
  return std::move(*p);
}

// Everything a build yields, in order, as text.
std::string Dump(GraphBuilder& g, const std::vector<bool>& kept, EdgeSet edges) {
  std::ostringstream out;
  for (uint32_t n : g.Build(kept, edges)) {
    const Node& node = g.nodes()[n];
    out << g.PrintableName(n) << " " << node.flat << "/" << node.cum << " in";
    for (uint32_t e : node.in) out << " " << e;
    out << " tags";
    for (uint32_t t : node.tags) {
      const NodeTag& tag = g.tags()[t];
      out << " " << g.tag_name(tag) << "=" << tag.flat << "/" << tag.cum;
    }
    out << "\n";
  }
  for (const Edge& e : g.edges()) {
    out << e.src << "->" << e.dest << " " << e.weight << " " << e.residual << e.is_inline << "\n";
  }
  return out.str();
}

// A build of SmallCpuProfile's sample counts by function name: "name
// flat/cum" per selected node, then "src->dest weight" per edge, with
// "residual" and "inline" where they hold.
std::string Named(GraphBuilder& g, const std::vector<std::string>& kept_names, EdgeSet edges) {
  std::vector<bool> kept;
  if (!kept_names.empty()) {
    kept.assign(g.nodes().size(), false);
    for (uint32_t n = 0; n < kept.size(); ++n) {
      kept[n] = std::find(kept_names.begin(), kept_names.end(), g.PrintableName(n)) != kept_names.end();
    }
  }
  std::ostringstream out;
  for (uint32_t n : g.Build(kept, edges)) {
    out << g.PrintableName(n) << " " << g.nodes()[n].flat << "/" << g.nodes()[n].cum << "\n";
  }
  for (const Edge& e : g.edges()) {
    out << g.PrintableName(e.src) << "->" << g.PrintableName(e.dest) << " " << e.weight
        << (e.residual ? " residual" : "") << (e.is_inline ? " inline" : "") << "\n";
  }
  return out.str();
}

// main > a > c (5), main > b > c with c inlined into b (3), main > b (2).
TEST(GraphTest, KnownValuesAndEdges) {
  Profile p = SmallCpuProfile();
  GraphBuilder g(p, GraphOptions{});
  EXPECT_EQ(Named(g, {}, EdgeSet::kAll),
            "main 0/10\na 0/5\nb 2/5\nc 8/8\n"
            "main->a 5\na->c 5\nmain->b 5\nb->c 3 inline\n");
  // Values only: the same nodes, no edges.
  EXPECT_EQ(Named(g, {}, EdgeSet::kNone), "main 0/10\na 0/5\nb 2/5\nc 8/8\n");
}

TEST(GraphTest, DroppedNodesMakeResidualEdges) {
  Profile p = SmallCpuProfile();
  GraphBuilder g(p, GraphOptions{});
  g.Build();
  // Without a and b, main reaches c through a dropped frame: one residual
  // edge, not inline (c was its own frame under a in 5 of its 8 samples).
  // main's flat stays 0: the 2 samples that end in b end in a dropped frame.
  EXPECT_EQ(Named(g, {"main", "c"}, EdgeSet::kAll), "main 0/10\nc 8/8\nmain->c 8 residual\n");
}

TEST(GraphTest, IntoInlinedRecordsOnlyEdgesIntoInlinedCallees) {
  Profile p = SmallCpuProfile();
  GraphBuilder g(p, GraphOptions{});
  g.Build();
  // The last build's values stay; of the edges, only those into c, the one
  // function some location inlines (what -top's "(inline)" markers read).
  EXPECT_EQ(Named(g, {}, EdgeSet::kIntoInlined), "main 0/10\na 0/5\nb 2/5\nc 8/8\na->c 5\nb->c 3 inline\n");
}

TEST(GraphTest, ThreadedBuildEqualsSingleThreadBuild) {
  Profile p = Load("cpu.pb.gz");
  GraphOptions one;
  one.collect_tags = true;
  one.threads_for_testing = 1;
  GraphBuilder single(p, one);
  single.Build();
  std::vector<bool> kept(single.nodes().size(), false);
  for (size_t i = 0; i < kept.size(); i += 2) kept[i] = true;  // every other node: residual edges
  for (int threads : {2, 3}) {
    GraphOptions many = one;
    many.threads_for_testing = threads;
    GraphBuilder split(p, many);
    EXPECT_EQ(Dump(single, {}, EdgeSet::kAll), Dump(split, {}, EdgeSet::kAll)) << threads << " threads";
    EXPECT_EQ(Dump(single, {}, EdgeSet::kNone), Dump(split, {}, EdgeSet::kNone)) << threads << " threads, values only";
    EXPECT_EQ(Dump(single, kept, EdgeSet::kAll), Dump(split, kept, EdgeSet::kAll)) << threads << " threads, kept nodes";
  }
}

// -dot's two steps after its values-only build: edges and tags for the kept
// nodes, values kept (EdgeSet::kAllAndTags), then edges alone for fewer
// nodes, values and tags kept (EdgeSet::kAllOfFewer); each equal to a full
// build of the same nodes.
TEST(GraphTest, AllAndTagsThenAllOfFewerEqualFullBuilds) {
  Profile p = Load("cpu.pb.gz");
  GraphOptions options;
  options.collect_tags = true;
  GraphBuilder g(p, options);
  g.Build();
  std::vector<bool> half(g.nodes().size(), false), quarter = half;
  for (size_t i = 0; i < half.size(); i += 2) half[i] = true;
  for (size_t i = 0; i < quarter.size(); i += 4) quarter[i] = true;
  for (int threads : {1, 2}) {
    options.threads_for_testing = threads;
    GraphBuilder steps(p, options), full(p, options);
    steps.Build({}, EdgeSet::kNone);
    EXPECT_EQ(Dump(steps, half, EdgeSet::kAllAndTags), Dump(full, half, EdgeSet::kAll)) << threads << " threads";
    EXPECT_EQ(Dump(steps, quarter, EdgeSet::kAllOfFewer), Dump(full, quarter, EdgeSet::kAll)) << threads << " threads";
  }
}

TEST(GraphTest, ShortenFunctionName) {
  const std::pair<const char*, const char*> cases[] = {
      {"main", "main"},
      {"github.com/blah/blah/vendor/gopkg.in/yaml.v2.(*parser).init", "yaml.v2.(*parser).init"},
      {"github.com/blah/blah/vendor/gopkg.in/yaml.v2/v3.(*parser).init", "yaml.v2.(*parser).init"},
      {"github.com/blah/blah/pkg/v2.Func", "pkg.Func"},
      {"java.util.concurrent.ThreadPoolExecutor$Worker.run", "ThreadPoolExecutor$Worker.run"},
      {"java.bar.foo.FooBar.run(java.lang.Runnable)", "FooBar.run"},
      {"(anonymous namespace)::Bar::Foo", "Bar::Foo"},
      {"(anonymous namespace)::foo", "foo"},
      {"cpp::namespace::Class::method()::$_100::operator()", "Class::method"},
      {"foo_bar::Foo::bar", "Foo::bar"},
      {"cpp::namespace::Class::method<float, int>", "Class::method<float, int>"},
      {"std::vector<int>::push_back", "std::vector<int>::push_back"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(ShortenFunctionName(in), want) << in;
}

}  // namespace
}  // namespace cpprof
