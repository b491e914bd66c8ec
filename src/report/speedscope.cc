// -speedscope: speedscope's own file format (speedscope@1.25.0,
// dist/file-format-schema.json): the frames shared, and one "sampled"
// profile whose samples are the merged call paths, root first, weighted by
// their values. speedscope knows time units and bytes only; other units are
// "none". Negative values (a -base comparison) have no meaning there and are
// left out.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "report/folded_stacks.h"
#include "util/json.h"

namespace cpprof {
namespace {

std::string_view SpeedscopeUnit(std::string_view unit) {
  for (std::string_view u : {"nanoseconds", "microseconds", "milliseconds", "seconds", "bytes"}) {
    if (unit == u) return u;
  }
  return "none";
}

}  // namespace

Status PrintSpeedscope(Report& r, std::string& out) {
  r.mutable_options().drop_negative = true;
  FoldedStacks f = FoldStacks(r);
  const ReportOptions& o = r.options();
  Profile& p = r.profile();
  std::string name =
      p.mappings.empty() || p.mappings[0].file == 0 ? std::string("cpprof") : std::string(p.str(p.mappings[0].file));
  out += R"({"$schema":"https://www.speedscope.app/file-format-schema.json","exporter":"cpprof","name":)";
  AppendJsonString(out, name);
  out += R"(,"activeProfileIndex":0,"shared":{"frames":[)";
  for (size_t i = 0; i < f.names.size(); ++i) {
    out += i ? ",{\"name\":" : "{\"name\":";
    AppendJsonString(out, f.names[i]);
    out += '}';
  }
  int64_t total = 0;
  for (int64_t v : f.values) total += v;
  out += R"(]},"profiles":[{"type":"sampled","name":)";
  AppendJsonString(out, o.sample_type);
  out += fmt::format(R"(,"unit":"{}","startValue":0,"endValue":{},"samples":[)", SpeedscopeUnit(o.sample_unit), total);
  for (size_t i = 0; i < f.stacks.size(); ++i) {
    out += fmt::format("{}[{}]", i ? "," : "", fmt::join(f.stacks[i], ","));
  }
  out += fmt::format(R"(],"weights":[{}]}}]}})", fmt::join(f.values, ","));
  out += '\n';
  return Status();
}

}  // namespace cpprof
