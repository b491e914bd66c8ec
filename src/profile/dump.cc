#include "profile/dump.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/go_time.h"

namespace cpprof {
namespace {

// Go's "%#x": 0 prints as 0x0.
std::string Hex(uint64_t v) { return fmt::format("0x{:x}", v); }

// Each key's values as "key:[v1 v2]", in Go's sorted-string order.
std::string StringLabels(const Profile& p, const Sample& s) {
  std::vector<std::string> parts;
  auto labels = p.labels_of(s);
  for (size_t i = 0; i < labels.size() && labels[i].is_string();) {
    size_t j = i;
    std::string part = fmt::format("{}:[", p.str(labels[i].key));
    for (; j < labels.size() && labels[j].is_string() && labels[j].key == labels[i].key; ++j) {
      if (j != i) part += ' ';
      part += p.str(labels[j].str);
    }
    parts.push_back(part + "]");
    i = j;
  }
  std::sort(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, " "));
}

std::string NumericLabels(const Profile& p, const Sample& s) {
  std::vector<std::string> parts;
  auto labels = p.labels_of(s);
  size_t i = 0;
  while (i < labels.size() && labels[i].is_string()) ++i;
  while (i < labels.size()) {
    size_t j = i;
    bool has_units = false;
    for (; j < labels.size() && labels[j].key == labels[i].key; ++j) has_units |= labels[j].num_unit != 0;
    std::string part = fmt::format("{}:[", p.str(labels[i].key));
    for (size_t k = i; k < j; ++k) {
      if (k != i) part += ' ';
      part +=
          has_units ? fmt::format("{} {}", labels[k].num, p.str(labels[k].num_unit)) : std::to_string(labels[k].num);
    }
    parts.push_back(part + "]");
    i = j;
  }
  std::sort(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, " "));
}

}  // namespace

std::string DumpProfile(const Profile& p) {
  std::string out;
  auto line = [&out](std::string_view s) {
    out += s;
    out += '\n';
  };
  for (StrId c : p.comments) line(fmt::format("Comment: {}", p.str(c)));
  line(fmt::format("PeriodType: {} {}", p.str(p.period_type.type), p.str(p.period_type.unit)));
  line(fmt::format("Period: {}", p.period));
  if (p.time_nanos != 0) line("Time: " + GoTimeString(p.time_nanos));
  if (p.duration_nanos != 0) line("Duration: " + TruncateRunes(GoDurationString(p.duration_nanos), 4));
  line("Samples:");
  std::string types;
  for (const ValueType& vt : p.sample_types) {
    types += fmt::format("{}/{}{} ", p.str(vt.type), p.str(vt.unit), vt.type == p.default_sample_type ? "[dflt]" : "");
  }
  while (!types.empty() && types.back() == ' ') types.pop_back();
  line(types);
  for (size_t i = 0; i < p.samples.size(); ++i) {
    const Sample& s = p.samples[i];
    std::string row;
    for (int64_t v : p.values_of(i)) row += fmt::format(" {:10d}", v);
    row += ": ";
    for (uint32_t loc : p.stack(s)) row += fmt::format("{} ", p.locations[loc].id);
    line(row);
    auto labels = p.labels_of(s);
    if (!labels.empty() && labels.front().is_string()) line("                " + StringLabels(p, s));
    if (!labels.empty() && !labels.back().is_string()) line("                " + NumericLabels(p, s));
  }
  line("Locations");
  for (const Location& l : p.locations) {
    std::string head = fmt::format("{:6d}: {} ", l.id, Hex(l.address));
    if (l.mapping != kNone) head += fmt::format("M={} ", p.mappings[l.mapping].id);
    if (l.is_folded) head += "[F] ";
    if (l.line_count == 0) line(head);
    for (const Line& ln : p.lines_of(l)) {
      const Function& f = p.functions[ln.function];
      std::string text = fmt::format("{} {}:{} s={}", p.str(f.name), p.str(f.filename), ln.line, f.start_line);
      if (f.name != f.system_name) text += fmt::format("({})", p.str(f.system_name));
      line(head + text);
      head = "             ";
    }
  }
  line("Mappings");
  for (const Mapping& m : p.mappings) {
    std::string bits;
    if (m.has_functions) bits += "[FN]";
    if (m.has_filenames) bits += "[FL]";
    if (m.has_line_numbers) bits += "[LN]";
    if (m.has_inline_frames) bits += "[IN]";
    line(fmt::format("{}: {}/{}/{} {} {} {}", m.id, Hex(m.start), Hex(m.limit), Hex(m.offset), p.str(m.file),
                     p.str(m.build_id), bits));
  }
  return out;
}

}  // namespace cpprof
