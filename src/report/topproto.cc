// -topproto: the trimmed graph as a profile of its own, one location per
// node with the samples (cum, flat) in the output unit (pprof's
// printTopProto).

#include <map>
#include <tuple>

#include "profile/codec.h"
#include "profile/units.h"
#include "report/report.h"

namespace cpprof {

Status PrintTopProto(Report& r, std::string& out) {
  GraphBuilder& g = ReportGraph(r);
  TrimmedGraph t = NewTrimmedGraph(r, g);
  SelectOutputUnit(r, g, t.nodes);
  const ReportOptions& o = r.options();
  const Profile& p = g.profile();
  Profile top;
  auto intern = [&](StrId id) { return top.strings.Intern(p.str(id)); };
  StrId unit = top.strings.Intern(o.output_unit);
  top.sample_types = {{top.strings.Intern("cum"), unit}, {top.strings.Intern("flat"), unit}};
  top.time_nanos = p.time_nanos;
  top.duration_nanos = p.duration_nanos;
  top.period_type = {intern(p.period_type.type), intern(p.period_type.unit)};
  top.period = p.period;
  // One function per (name, system name, file, start line).
  std::map<std::tuple<StrId, StrId, StrId, int64_t>, uint32_t> functions;
  for (uint32_t n : t.nodes) {
    const Node& node = g.nodes()[n];
    const NodeInfo& info = node.info;
    auto [it, added] = functions.emplace(std::tuple{info.name, info.orig_name, info.file, info.start_line},
                                         static_cast<uint32_t>(top.functions.size()));
    if (added) {
      top.functions.push_back(Function{top.functions.size() + 1, intern(info.name), intern(info.orig_name),
                                       intern(info.file), info.start_line});
    }
    uint32_t loc = static_cast<uint32_t>(top.locations.size());
    top.lines.push_back(Line{it->second, info.lineno, 0});
    top.locations.push_back(Location{loc + 1, kNone, info.address, loc, 1, false});
    top.stacks.push_back(loc);
    top.samples.push_back(Sample{loc, 1, 0, 0});
    for (int64_t v : {node.cum_value(), node.flat_value()}) {
      top.values.push_back(static_cast<int64_t>(ScaleValue(v, o.sample_unit, o.output_unit).first));
    }
  }
  out += WriteProfile(top);
  return Status();
}

}  // namespace cpprof
