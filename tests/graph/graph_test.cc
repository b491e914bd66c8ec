// Tests src/graph/graph.cc (a build split over threads equals a single-thread
// build, node for node, edge for edge, tag for tag) and src/graph/names.cc
// (ShortenFunctionName, with cases from pprof's graph_test.go).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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
