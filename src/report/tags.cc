// -tags: per label key, the value histogram (pprof's printTags).

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "profile/units.h"
#include "report/report.h"
#include "report/tab_writer.h"

namespace cpprof {
namespace {

struct Tag {
  std::string name;
  int64_t flat = 0;
};

// pprof's tag order: |flat| descending, then name.
void SortTags(std::vector<Tag>& tags) {
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) {
    if (a.flat != b.flat) return std::abs(a.flat) > std::abs(b.flat);
    return a.name < b.name;
  });
}

}  // namespace

Status PrintTags(Report& r, std::string& out) {
  const Profile& p = r.profile();
  const ReportOptions& o = r.options();
  std::map<std::string, std::map<std::string, int64_t>> tag_map;
  size_t n = p.num_types();
  for (size_t si = 0; si < p.samples.size(); ++si) {
    int64_t v = p.values[si * n + o.sample_index];
    for (const Label& l : p.labels_of(p.samples[si])) {
      std::string key(p.str(l.key));
      std::string value;
      if (l.is_string()) {
        value = p.str(l.str);
      } else {
        auto unit = o.num_label_units.find(key);
        value = ScaledLabel(l.num, unit == o.num_label_units.end() ? "" : unit->second, o.output_unit);
      }
      tag_map[key][value] += v;
    }
  }
  std::vector<Tag> keys;
  for (const auto& [key, values] : tag_map) keys.push_back({key, 0});
  SortTags(keys);
  TabWriter tw;
  for (const Tag& key : keys) {
    int64_t total = 0;
    std::vector<Tag> tags;
    for (const auto& [value, count] : tag_map[key.name]) {
      total += count;
      tags.push_back({value, count});
    }
    auto [f, u] = ScaleValue(total, o.sample_unit, o.output_unit);
    tw.Write(fmt::format("{}:\t Total {:.1f}{}\n", key.name, f, u));
    SortTags(tags);
    for (const Tag& t : tags) {
      auto [tf, tu] = ScaleValue(t.flat, o.sample_unit, o.output_unit);
      if (total > 0) {
        tw.Write(fmt::format(" \t{:.1f}{} ({}):\t {}\n", tf, tu, Percentage(t.flat, total), t.name));
      } else {
        tw.Write(fmt::format(" \t{:.1f}{}:\t {}\n", tf, tu, t.name));
      }
    }
    tw.Write("\n");
  }
  out += tw.Flush();
  return Status();
}

}  // namespace cpprof
