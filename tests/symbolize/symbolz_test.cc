// Tests src/symbolize/symbolz.cc: the symbol URL of a profile URL, the POST
// body (hex addresses joined by '+', shifted back by where merging moved the
// mapping) and the names read from the answer, with a stand-in server.
#include "symbolize/symbolz.h"

#include <gtest/gtest.h>

namespace cpprof {
namespace {

TEST(SymbolzTest, SymbolURLFollowsPprof) {
  EXPECT_EQ(SymbolzURL("http://h:8080/debug/pprof/profile?seconds=5"), "http://h:8080/debug/pprof/symbol");
  EXPECT_EQ(SymbolzURL("http://h/x/debug/pprof/heap"), "http://h/x/debug/pprof/symbol");
  EXPECT_EQ(SymbolzURL("https://h/pprof/heap"), "https://h/pprof/symbol");
  EXPECT_EQ(SymbolzURL("http://h/custom/endpoint?x=1"), "http://h/symbolz");
  EXPECT_EQ(SymbolzURL("/local/file.pb.gz"), "");
}

TEST(SymbolzTest, PostsUnsymbolizedAddressesAndReadsNames) {
  Profile p;
  auto S = [&](const char* s) { return p.strings.Intern(s); };
  p.mappings.push_back({1, 0x2000, 0x3000, 0, S("/bin/app"), S("abcd"), false, false, false, false});
  p.functions.push_back({1, S("known"), S("known"), 0, 0});
  p.lines = {{0, 3, 0}};
  p.locations.push_back({1, 0, 0x2010, 0, 0, false});
  p.locations.push_back({2, 0, 0x2020, 0, 0, false});
  p.locations.push_back({3, 0, 0x2030, 0, 1, false});  // has a line: not asked for
  MappingSources sources;
  // Fetched with the mapping at 0x1000; merging moved it to 0x2000.
  sources["abcd"].push_back({"http://h/debug/pprof/profile", 0x1000});
  std::string asked_url, asked_body;
  auto post = [&](const std::string& url, const std::string& body) -> Result<std::string> {
    asked_url = url;
    asked_body = body;
    return std::string("0x1010 _Z3foov\n0x1020 bar\nnot a symbol line\n0x1030 partial");
  };
  ASSERT_TRUE(SymbolizeRemote(p, false, sources, post).ok());
  EXPECT_EQ(asked_url, "http://h/debug/pprof/symbol");
  EXPECT_EQ(asked_body, "0x1010+0x1020");
  EXPECT_TRUE(p.mappings[0].has_functions);
  ASSERT_EQ(p.locations[0].line_count, 1u);
  EXPECT_EQ(p.str(p.functions[p.lines[p.locations[0].line_begin].function].name), "_Z3foov");
  EXPECT_EQ(p.str(p.functions[p.lines[p.locations[1].line_begin].function].name), "bar");
}

TEST(SymbolzTest, ServerErrorsFailTheFetch) {
  Profile p;
  p.mappings.push_back({1, 0x1000, 0x2000, 0, p.strings.Intern("/bin/app"), 0, false, false, false, false});
  p.locations.push_back({1, 0, 0x1010, 0, 0, false});
  MappingSources sources;
  sources["/bin/app"].push_back({"http://h/debug/pprof/profile", 0x1000});
  auto post = [](const std::string& url, const std::string&) -> Result<std::string> {
    return Status::Error("http post " + url + ": server response: 404 Not Found");
  };
  Status s = SymbolizeRemote(p, false, sources, post);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "http post http://h/debug/pprof/symbol: server response: 404 Not Found");
}

}  // namespace
}  // namespace cpprof
