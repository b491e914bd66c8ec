// -traces: every sample with its labels and stack (pprof's printTraces).

#include <fmt/format.h>

#include <algorithm>

#include "profile/units.h"
#include "report/report.h"

namespace cpprof {

Status PrintTraces(Report& r, std::string& out, ReportSink& sink) {
  Profile& p = r.profile();
  const ReportOptions& o = r.options();
  for (const std::string& l : ProfileLabels(r)) {
    out += l;
    out += '\n';
  }
  const char* kSeparator = "-----------+-------------------------------------------------------";
  // Each location's frames as printable names, leaf first.
  std::vector<std::vector<std::string>> frames(p.locations.size());
  NodeInfoMaker maker(p, false);
  for (size_t i = 0; i < p.locations.size(); ++i) {
    const Location& loc = p.locations[i];
    if (loc.line_count == 0) frames[i].push_back(PrintableName(p, maker.Make(loc, -1)));
    for (uint32_t j = 0; j < loc.line_count; ++j) {
      frames[i].push_back(PrintableName(p, maker.Make(loc, static_cast<int>(j))));
    }
  }
  size_t n = p.num_types();
  for (size_t si = 0; si < p.samples.size(); ++si) {
    const Sample& s = p.samples[si];
    if (s.stack_size == 0) continue;
    if (Status s = AppendIfFull(out, sink); !s.ok()) return s;
    out += kSeparator;
    out += '\n';
    std::vector<std::string> str_labels, num_labels;
    auto labels = p.labels_of(s);
    for (size_t i = 0; i < labels.size();) {
      size_t j = i;
      std::vector<std::string> values;
      for (; j < labels.size() && labels[j].key == labels[i].key && labels[j].is_string() == labels[i].is_string();
           ++j) {
        if (labels[j].is_string()) {
          values.emplace_back(p.str(labels[j].str));
        } else {
          auto unit = o.num_label_units.find(std::string(p.str(labels[j].key)));
          values.push_back(AutoLabel(labels[j].num, unit == o.num_label_units.end() ? "" : unit->second));
        }
      }
      std::string line = fmt::format("{:>10}:  {}\n", p.str(labels[i].key), fmt::join(values, " "));
      (labels[i].is_string() ? str_labels : num_labels).push_back(line);
      i = j;
    }
    std::sort(str_labels.begin(), str_labels.end());
    std::sort(num_labels.begin(), num_labels.end());
    for (const std::string& l : str_labels) out += l;
    for (const std::string& l : num_labels) out += l;
    int64_t v = p.values[si * n + o.sample_index];
    int64_t d = o.mean ? p.values[si * n] : 0;
    if (d != 0) v /= d;
    bool first = true;
    for (uint32_t loc : p.stack(s)) {
      const auto& names = frames[loc];
      for (size_t k = 0; k < names.size(); ++k) {
        out += fmt::format("{:>10}   {}{}\n", first ? r.FormatValue(v) : "", names[k],
                           k + 1 != names.size() ? " (inline)" : "");
        first = false;
      }
    }
  }
  out += kSeparator;
  out += '\n';
  return Status();
}

}  // namespace cpprof
