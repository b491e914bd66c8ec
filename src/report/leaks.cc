// Tested by tests/report/leaks_test.cc and tests/runtime/leaks_test.sh.
#include "report/leaks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "profile/units.h"
#include "util/go_time.h"
#include "util/json.h"

namespace cpprof {
namespace {

// The median of the slopes between every pair of points in [begin, end);
// 0 when no pair is apart in time.
double TheilSenSlope(const std::vector<double>& seconds, const std::vector<int64_t>& values, size_t begin, size_t end) {
  std::vector<double> slopes;
  for (size_t i = begin; i < end; ++i) {
    for (size_t j = i + 1; j < end; ++j) {
      double dt = seconds[j] - seconds[i];
      if (dt > 0) slopes.push_back(static_cast<double>(values[j] - values[i]) / dt);
    }
  }
  if (slopes.empty()) return 0;
  size_t mid = slopes.size() / 2;
  std::nth_element(slopes.begin(), slopes.begin() + static_cast<std::ptrdiff_t>(mid), slopes.end());
  double upper = slopes[mid];
  if (slopes.size() % 2 == 1) return upper;
  double lower = *std::max_element(slopes.begin(), slopes.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

void Score(const std::vector<double>& seconds, LeakSite& s) {
  size_t n = s.values.size();
  s.slope = TheilSenSlope(seconds, s.values, 0, n);
  // The later half, at least two snapshots: 3..5 of 6, 4..7 of 8.
  s.late_slope = TheilSenSlope(seconds, s.values, n - std::max<size_t>(2, (n + 1) / 2), n);
  // Kendall's tau: over every pair of snapshots, the share in which the
  // later one holds more minus the share in which it holds less.
  int64_t concordant = 0, pairs = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j, ++pairs) concordant += (s.values[j] > s.values[i]) - (s.values[j] < s.values[i]);
  }
  s.steadiness = pairs > 0 ? static_cast<double>(concordant) / static_cast<double>(pairs) : 0;
  double steady = std::max(0.0, s.steadiness);
  s.score = s.slope > 0 && s.late_slope > 0 ? std::min(s.slope, s.late_slope) * steady * steady : 0;
}

// Eight block heights from 0 to the site's largest value.
std::string Sparkline(const std::vector<int64_t>& values) {
  static const char* const kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  int64_t top = std::max<int64_t>(1, *std::max_element(values.begin(), values.end()));
  std::string out;
  for (int64_t v : values) {
    int64_t level = std::clamp<int64_t>(v * 8 / top, 0, 7);
    out += kBlocks[level];
  }
  return out;
}

// A site's columns as the table prints them.
struct Row {
  std::string first, last, growth, steady, share, trend;
};

Row RowOf(const LeaksTable& t, const LeakSite& s, const Report& last) {
  int64_t per_minute = static_cast<int64_t>(std::llround(s.slope * 60));
  return {last.FormatValue(s.values.front()),
          last.FormatValue(s.values.back()),
          last.FormatValue(per_minute) + "/min",
          fmt::format("{:.0f}%", s.steadiness * 100),
          t.grown > 0 ? Percentage(std::max<int64_t>(0, s.values.back() - s.values.front()), t.grown) : "-",
          Sparkline(s.values)};
}

size_t Shown(const LeaksTable& t, int node_count) {
  return node_count > 0 ? std::min(t.sites.size(), static_cast<size_t>(node_count)) : t.sites.size();
}

}  // namespace

LeaksTable ComputeLeaks(const std::vector<Report*>& snapshots) {
  LeaksTable t;
  size_t n = snapshots.size();
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) {
    Report& r = *snapshots[i];
    t.times.push_back(r.profile().time_nanos);
    t.totals.push_back(r.total());
    GraphBuilder& g = ReportGraph(r);
    for (uint32_t node : g.Build({}, EdgeSet::kNone)) {
      const Node& nd = g.nodes()[node];
      int64_t v = r.options().cum_sort ? nd.cum_value() : nd.flat_value();
      if (v == 0) continue;
      auto [it, added] = index.emplace(g.PrintableName(node), t.sites.size());
      if (added) t.sites.push_back({it->first, std::vector<int64_t>(n), 0, 0, 0, 0});
      t.sites[it->second].values[i] += v;
    }
  }
  std::vector<double> seconds;
  for (int64_t time : t.times) seconds.push_back(static_cast<double>(time - t.times.front()) / 1e9);
  for (LeakSite& s : t.sites) {
    Score(seconds, s);
    t.grown += std::max<int64_t>(0, s.values.back() - s.values.front());
  }
  std::sort(t.sites.begin(), t.sites.end(), [](const LeakSite& a, const LeakSite& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.values.back() != b.values.back()) return a.values.back() > b.values.back();
    return a.name < b.name;
  });
  return t;
}

std::string PrintLeaks(const LeaksTable& t, const Report& last, int node_count) {
  std::string out;
  for (const std::string& l : ProfileLabels(last)) out += l + "\n";
  int64_t span = t.times.back() - t.times.front();
  constexpr int64_t kCentisecond = 10000000;
  out += fmt::format("Leaks: {} snapshots over {} from {}\n", t.times.size(),
                     GoDurationString((span + kCentisecond / 2) / kCentisecond * kCentisecond),
                     GoReportTime(t.times.front()));
  out += fmt::format("Total: {} -> {}\n", last.FormatValue(t.totals.front()), last.FormatValue(t.totals.back()));
  size_t shown = Shown(t, node_count);
  if (shown < t.sites.size()) out += fmt::format("Showing top {} sites out of {}\n", shown, t.sites.size());
  out +=
      "Ranked by steady growth: the smaller of the growth rates over all snapshots and over the later half,\n"
      "times steady squared (steady: Kendall's tau, 100% when each snapshot holds more than all earlier ones;\n"
      "share: of the growth of the sites that grew)\n";
  out += fmt::format("{:>10} {:>10} {:>14} {:>6} {:>6}  {:<{}}  {}\n", "first", "last", "growth/min", "steady", "share",
                     "trend", t.times.size(), "site");
  for (size_t i = 0; i < shown; ++i) {
    Row row = RowOf(t, t.sites[i], last);
    out += fmt::format("{:>10} {:>10} {:>14} {:>6} {:>6}  {}  {}\n", row.first, row.last, row.growth, row.steady,
                       row.share, row.trend, t.sites[i].name);
  }
  return out;
}

std::string LeaksJson(const LeaksTable& t, const Report& last, int node_count) {
  auto numbers = [](const std::vector<int64_t>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
    return out + "]";
  };
  std::string out = "{\"times\":" + numbers(t.times) + ",\"totals\":" + numbers(t.totals) + ",\"total_labels\":[";
  for (size_t i = 0; i < t.totals.size(); ++i) {
    if (i) out += ",";
    AppendJsonString(out, last.FormatValue(t.totals[i]));
  }
  out += "],\"unit\":";
  AppendJsonString(out, last.options().sample_unit);
  out += ",\"sites\":[";
  size_t shown = Shown(t, node_count);
  for (size_t i = 0; i < shown; ++i) {
    const LeakSite& s = t.sites[i];
    out += i ? ",{\"name\":" : "{\"name\":";
    AppendJsonString(out, s.name);
    Row row = RowOf(t, s, last);
    out += fmt::format(",\"values\":{},\"slope\":{:.6g},\"late_slope\":{:.6g},\"steadiness\":{:.4g},\"score\":{:.6g}",
                       numbers(s.values), s.slope, s.late_slope, s.steadiness, s.score);
    for (const auto& [key, text] : {std::pair{"first", &row.first},
                                    {"last", &row.last},
                                    {"growth", &row.growth},
                                    {"steady", &row.steady},
                                    {"share", &row.share}}) {
      out += fmt::format(",\"{}\":", key);
      AppendJsonString(out, *text);
    }
    out += "}";
  }
  return out + "]}";
}

}  // namespace cpprof
