// Tests src/driver/flags.cc: Go's flag syntax.
#include <gtest/gtest.h>

#include "driver/flags.h"

namespace cpprof {
namespace {

TEST(FlagsTest, GoSyntax) {
  FlagSet f;
  bool b = false;
  int n = 0;
  std::string s;
  f.Bool("top", &b);
  f.Int("nodecount", &n);
  f.String("focus", &s);
  bool help = false;
  auto r = f.Parse({"--top", "-nodecount", "0x10", "-focus=a=b", "file", "-other"}, &help);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(b);
  EXPECT_EQ(n, 16);
  EXPECT_EQ(s, "a=b");
  EXPECT_EQ(*r, (std::vector<std::string>{"file", "-other"}));  // flags stop at the first source
}

TEST(FlagsTest, ErrorsReadLikeGo) {
  FlagSet f;
  int n = 0;
  bool b = false;
  f.Int("nodecount", &n);
  f.Bool("top", &b);
  bool help = false;
  EXPECT_EQ(f.Parse({"-nope"}, &help).status().message(), "flag provided but not defined: -nope");
  EXPECT_EQ(f.Parse({"-nodecount"}, &help).status().message(), "flag needs an argument: -nodecount");
  EXPECT_EQ(f.Parse({"-nodecount=x"}, &help).status().message(),
            "invalid value \"x\" for flag -nodecount: parse error");
  EXPECT_EQ(f.Parse({"-top=maybe"}, &help).status().message(), "invalid boolean value \"maybe\" for -top: parse error");
  ASSERT_TRUE(f.Parse({"-help"}, &help).ok());
  EXPECT_TRUE(help);
}

}  // namespace
}  // namespace cpprof
