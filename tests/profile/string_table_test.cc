// Tests src/profile/string_table.cc: ids stay those first given, through
// growth of the index and of the blocks, copies and moves.
#include "profile/string_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cpprof {
namespace {

TEST(StringTableTest, EqualStringsShareAnId) {
  StringTable t;
  EXPECT_EQ(t.Intern(""), 0u);
  StrId a = t.Intern("main");
  EXPECT_EQ(t.Intern(std::string("ma") + "in"), a);
  EXPECT_NE(t.Intern("main2"), a);
  EXPECT_EQ(t.Get(a), "main");
  EXPECT_EQ(t.size(), 3u);
}

TEST(StringTableTest, IdsAndViewsSurviveGrowthCopiesAndMoves) {
  StringTable t;
  std::vector<std::string> strings;
  // 100K strings (the index grows 14 times) and some over a block's 64 KiB.
  for (int i = 0; i < 100000; ++i) strings.push_back("s" + std::to_string(i));
  for (int i = 0; i < 5; ++i) strings.push_back(std::string(100000 + i, 'x'));
  std::vector<StrId> ids;
  std::vector<std::string_view> views;
  for (const std::string& s : strings) {
    ids.push_back(t.Intern(s));
    views.push_back(t.Get(ids.back()));
  }
  StringTable copy = t;
  copy.Intern("only in the copy");
  for (size_t i = 0; i < strings.size(); ++i) {
    ASSERT_EQ(ids[i], i + 1);
    ASSERT_EQ(views[i], strings[i]);  // the views taken while it grew
    ASSERT_EQ(t.Intern(strings[i]), ids[i]);
    ASSERT_EQ(copy.Intern(strings[i]), ids[i]);
    ASSERT_EQ(copy.Get(ids[i]), strings[i]);
  }
  EXPECT_EQ(copy.size(), t.size() + 1);
  StringTable moved = std::move(copy);
  EXPECT_EQ(moved.Intern("only in the copy"), t.size());
  EXPECT_EQ(moved.Get(ids[7]), strings[7]);
}

TEST(StringTableTest, ReserveKeepsWhatIsThere) {
  StringTable t;
  StrId a = t.Intern("a");
  t.Reserve(1000, 1 << 20);
  EXPECT_EQ(t.Intern("a"), a);
  EXPECT_EQ(t.Intern("b"), a + 1);
}

}  // namespace
}  // namespace cpprof
