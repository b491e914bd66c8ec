// Tests src/profile/units.cc and go_time.cc against values Go prints.
#include <gtest/gtest.h>

#include "profile/go_time.h"
#include "profile/units.h"

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

}  // namespace
}  // namespace cpprof
