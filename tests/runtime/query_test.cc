// Tests src/runtime/query.cc, including random garbage (a small fuzz loop).
#include "runtime/query.h"

#include <gtest/gtest.h>

#include <random>

namespace cpprof::runtime {
namespace {

TEST(QueryTest, FirstValueDecoded) {
  EXPECT_EQ(QueryValue("debug=1&seconds=5", "seconds"), "5");
  EXPECT_EQ(QueryValue("seconds=5&seconds=6", "seconds"), "5");
  EXPECT_EQ(QueryValue("a=%41+b", "a"), "A b");
  EXPECT_EQ(QueryValue("a=%4", "a"), "");          // bad escape: pair skipped
  EXPECT_EQ(QueryValue("a=1;b=2&c=3", "c"), "3");  // ';' pairs are invalid in Go 1.17+
  EXPECT_EQ(QueryValue("debug", "debug"), "");
  EXPECT_EQ(QueryValue("", "x"), "");
}

TEST(QueryTest, PathEscapes) {
  EXPECT_EQ(PathUnescape("/debug/pprof/a%20b"), "/debug/pprof/a b");
  EXPECT_EQ(PathUnescape("%zz%"), "%zz%");
  EXPECT_EQ(PathEscape("my prof<1>"), "my%20prof%3C1%3E");
}

TEST(QueryTest, GarbageNeverCrashes) {
  std::mt19937 rng(1);
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 40, 0);
    for (char& c : s) c = "%&=;+a0xZ\xff\0"[rng() % 12];
    (void)QueryValue(s, "a");
    (void)PathUnescape(s);
    (void)PathEscape(s);
  }
}

}  // namespace
}  // namespace cpprof::runtime
