// Tests src/profile/units.cc and go_time.cc against values Go prints.
#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

#include "profile/units.h"
#include "util/go_time.h"

namespace cpprof {
namespace {

TEST(UnitsTest, ScaledLabelsMatchPprof) {
  EXPECT_EQ(ScaledLabel(1100000000, "nanoseconds", "minimum"), "1.10s");
  EXPECT_EQ(ScaledLabel(100000000, "nanoseconds", "ms"), "100ms");
  EXPECT_EQ(ScaledLabel(65536000, "bytes", "auto"), "62.50MB");
  EXPECT_EQ(ScaledLabel(0, "bytes", "auto"), "0");
  EXPECT_EQ(ScaledLabel(-1536, "bytes", "kB"), "-1.50kB");
  EXPECT_EQ(ScaledLabel(42, "count", "minimum"), "42");
}

TEST(UnitsTest, Percentages) {
  EXPECT_EQ(Percentage(1, 1), "  100%");
  EXPECT_EQ(Percentage(1100, 1120), "98.21%");
  EXPECT_EQ(Percentage(1, 112), " 0.89%");
  EXPECT_EQ(Percentage(0, 5), "    0%");
}

TEST(GoTimeTest, DurationsAsGoPrintsThem) {
  EXPECT_EQ(GoDurationString(0), "0s");
  EXPECT_EQ(GoDurationString(1500), "1.5\xc2\xb5s");
  EXPECT_EQ(GoDurationString(90000000000), "1m30s");
  EXPECT_EQ(GoDurationString(3600000000000), "1h0m0s");
  EXPECT_EQ(TruncateRunes("1.5\xc2\xb5s", 4), "1.5\xc2\xb5");
}

TEST(GoTimeTest, ParseGoDuration) {
  int64_t d = -1;
  for (const auto& [text, nanos] : std::initializer_list<std::pair<const char*, int64_t>>{{"0", 0},
                                                                                          {"1s", 1000000000},
                                                                                          {"500ms", 500000000},
                                                                                          {"1m30s", 90000000000},
                                                                                          {"1.5h", 5400000000000},
                                                                                          {"2us", 2000},
                                                                                          {"2\xc2\xb5s", 2000},
                                                                                          {"3ns", 3},
                                                                                          {"-1s", -1000000000},
                                                                                          {".5s", 500000000}}) {
    ASSERT_TRUE(ParseGoDuration(text, &d)) << text;
    EXPECT_EQ(d, nanos) << text;
  }
  for (const char* bad : {"", "1", "s", "1x", "1.2.3s", "10 s", "-", "1s2"})
    EXPECT_FALSE(ParseGoDuration(bad, &d)) << bad;
}

TEST(GoTimeTest, DurationStringReadsBack) {
  int64_t d = 0;
  for (int64_t nanos : {int64_t{1}, int64_t{1500}, int64_t{2500000}, int64_t{61000000000}, int64_t{3723000000000}}) {
    ASSERT_TRUE(ParseGoDuration(GoDurationString(nanos), &d)) << GoDurationString(nanos);
    EXPECT_EQ(d, nanos);
  }
}

}  // namespace
}  // namespace cpprof
