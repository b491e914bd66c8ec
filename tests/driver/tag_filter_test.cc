// Tests src/driver/tag_filter.cc's numeric ranges in the time units pprof's
// measurement lacks (minutes, hours as "h", days, weeks), on the heap
// profiles' `age` label in seconds.
#include "driver/tag_filter.h"

#include <gtest/gtest.h>

namespace cpprof {
namespace {

// One sample per age, labelled age=<seconds> seconds.
Profile Ages(const std::vector<int64_t>& ages) {
  Profile p;
  StrId age = p.strings.Intern("age"), seconds = p.strings.Intern("seconds");
  for (int64_t a : ages) {
    p.samples.push_back({0, 0, static_cast<uint32_t>(p.labels.size()), 1});
    p.labels.push_back({age, 0, a, seconds});
  }
  return p;
}

std::vector<bool> Matches(const std::string& expression, const Profile& p) {
  std::string note;
  Result<SampleMatcher> m = CompileTagFilter("tagfocus", expression, {{"age", "seconds"}}, &note);
  EXPECT_TRUE(m.ok()) << expression;
  EXPECT_NE(note.find("as range"), std::string::npos) << expression << ": " << note;
  std::vector<bool> out;
  for (const Sample& s : p.samples) out.push_back((*m)(p, s));
  return out;
}

TEST(TagFilterTest, LongTimeUnits) {
  Profile p = Ages({0, 59, 60, 600, 3600, 86400, 604800});
  EXPECT_EQ(Matches("age=1m:", p), (std::vector<bool>{false, false, true, true, true, true, true}));
  EXPECT_EQ(Matches("age=10m:", p), (std::vector<bool>{false, false, false, true, true, true, true}));
  EXPECT_EQ(Matches("age=1h:", p), Matches("age=60min:", p));
  EXPECT_EQ(Matches("age=1h:", p), (std::vector<bool>{false, false, false, false, true, true, true}));
  EXPECT_EQ(Matches("age=1d:1w", p), (std::vector<bool>{false, false, false, false, false, true, true}));
  EXPECT_EQ(Matches("age=:59s", p), (std::vector<bool>{true, true, false, false, false, false, false}));
  // pprof's own units keep working: hours as "hr", seconds as "s".
  EXPECT_EQ(Matches("age=1hr:", p), Matches("age=3600s:", p));
}

}  // namespace
}  // namespace cpprof
