// Tests src/report/leaks.cc: sites ranked by steady growth over a series,
// and tests/runtime/leaks_test.sh runs it on a live program.
#include "report/leaks.h"

#include <gtest/gtest.h>

#include <map>

#include "profile/filter.h"

namespace cpprof {
namespace {

// A heap snapshot at `second` with one single-frame sample per site.
Profile Snapshot(int second, const std::map<std::string, int64_t>& sites) {
  Profile p;
  auto S = [&](const std::string& s) { return p.strings.Intern(s); };
  p.sample_types = {{S("inuse_space"), S("bytes")}};
  p.time_nanos = 1700000000000000000 + int64_t{second} * 1000000000;
  p.mappings.push_back({1, 0, 0, 0, S("/bin/server"), 0, true, true, true, false});
  for (const auto& [name, bytes] : sites) {
    uint32_t i = static_cast<uint32_t>(p.functions.size());
    p.functions.push_back({i + 1, S(name), 0, S("server.cc"), 1});
    p.lines.push_back({i, 10, 0});
    p.locations.push_back({i + 1, 0, 0x1000 + i, i, 1, false});
    p.stacks.push_back(i);
    p.samples.push_back({i, 1, 0, 0});
    p.values.push_back(bytes);
  }
  return p;
}

constexpr int64_t kMB = 1 << 20;

// A leak of 1 MB/s, a cache that fills to 40 MB in 3 s and then wobbles, a
// 30 MB burst caught in the last snapshot, and a site that shrinks.
std::vector<Profile> Series() {
  std::vector<Profile> out;
  const int64_t wobble[] = {0, 2, -1, 3, -2, 1, 2, -3, 1, 2};
  for (int s = 0; s < 10; ++s) {
    out.push_back(Snapshot(s, {{"Leak", (s + 1) * kMB},
                               {"Cache", std::min(s, 3) * 13 * kMB + wobble[s] * kMB / 2},
                               {"Burst", s == 9 ? 30 * kMB : 0},
                               {"Shrink", (20 - s) * kMB}}));
  }
  return out;
}

LeaksTable Compute(std::vector<Profile>& series, bool cum = false) {
  std::vector<Report> reports;
  reports.reserve(series.size());
  ReportOptions o;
  o.sample_unit = "bytes";
  o.cum_sort = cum;
  for (Profile& p : series) {
    Aggregate(p, true, true, false, false, false);  // by function, as -top prepares a profile
    reports.emplace_back(p, o);
  }
  std::vector<Report*> pointers;
  for (Report& r : reports) pointers.push_back(&r);
  return ComputeLeaks(pointers);
}

TEST(LeaksTest, TheSteadyGrowerRanksFirst) {
  std::vector<Profile> series = Series();
  LeaksTable t = Compute(series);
  ASSERT_EQ(t.sites.size(), 4u);
  EXPECT_EQ(t.sites[0].name, "Leak");
  EXPECT_NEAR(t.sites[0].slope, kMB, 1);
  EXPECT_DOUBLE_EQ(t.sites[0].steadiness, 1);
  EXPECT_GT(t.sites[0].score, 0);
  // The cache's later half wobbles to a slope of 0.06 MB/s; the others have none.
  for (size_t i = 1; i < t.sites.size(); ++i) EXPECT_LT(t.sites[i].score, t.sites[0].score / 10) << t.sites[i].name;
  // -base of the first and last snapshot would rank the burst and the cache
  // (+30 and +39 MB) above the leak (+9 MB).
  EXPECT_EQ(t.times.size(), 10u);
  EXPECT_EQ(t.totals.front(), 1 * kMB + 20 * kMB);
}

TEST(LeaksTest, OneBurstDoesNotMoveTheSlope) {
  std::vector<Profile> series = Series();
  LeaksTable t = Compute(series);
  for (const LeakSite& s : t.sites) {
    if (s.name == "Burst") {
      EXPECT_EQ(s.slope, 0);  // the median of 45 pair slopes, 9 of them positive
    }
  }
}

TEST(LeaksTest, SnapshotsAreTakenInTheOrderGiven) {
  std::vector<Profile> series = Series();
  LeaksTable t = Compute(series);
  for (size_t i = 1; i < t.times.size(); ++i) EXPECT_EQ(t.times[i] - t.times[i - 1], 1000000000);
}

TEST(LeaksTest, TextAndJson) {
  std::vector<Profile> series = Series();
  LeaksTable t = Compute(series);
  ReportOptions o;
  o.sample_unit = "bytes";
  Report last(series.back(), o);
  std::string text = PrintLeaks(t, last, 2);
  EXPECT_NE(text.find("Leaks: 10 snapshots over 9s from"), std::string::npos) << text;
  EXPECT_NE(text.find("Showing top 2 sites out of 4"), std::string::npos) << text;
  // first, last, growth/min, steady, share (9 of the 9 + 40 + 30 MB that grew), trend, site
  EXPECT_NE(text.find("1MB       10MB       60MB/min   100% 11.39%  ▁▂▃▄▅▅▆▇██  Leak\n"), std::string::npos) << text;
  std::string json = LeaksJson(t, last, 0);
  EXPECT_EQ(json.rfind("{\"times\":[", 0), 0u) << json;
  EXPECT_NE(json.find("\"name\":\"Leak\",\"values\":[1048576,2097152,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"growth\":\"60MB/min\""), std::string::npos) << json;
}

}  // namespace
}  // namespace cpprof
