// Contention texts: C++ contentionz ("--- contentionz ") and Go's debug=1
// mutex and block profiles ("--- mutex:", "--- contention:"). "key = value"
// attributes, then "delay_cycles count @ pcs" lines until a "---" line.
#include <fmt/format.h>

#include <vector>

#include "profile/legacy/heap_scaling.h"
#include "profile/legacy/memory_map.h"
#include "profile/legacy/parsers.h"

namespace cpprof::legacy {
namespace {

struct Attributes {
  int64_t cpu_hz = 0;
  int64_t period = 1;
  int64_t duration_nanos = 0;
};

// Reads "key = value" lines; stops on the first line that is not one, which
// stays current in `lines`. Java's attributes (format, resolution) or any
// unknown key mean this is not a C++ or Go contention profile.
Status ReadAttributes(LineScanner& lines, Attributes& a) {
  while (lines.Scan()) {
    std::string_view line = TrimSpace(lines.text());
    if (IsSpaceOrComment(line)) continue;
    if (line.starts_with("---")) break;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) break;
    std::string_view key = TrimSpace(line.substr(0, eq)), value = TrimSpace(line.substr(eq + 1));
    int64_t ms;
    bool ok = true;
    if (key == "cycles/second") {
      ok = GoParseInt(value, 0, &a.cpu_hz);
    } else if (key == "sampling period") {
      ok = GoParseInt(value, 0, &a.period);
    } else if (key == "ms since reset") {
      ok = GoParseInt(value, 0, &ms);
      a.duration_nanos = static_cast<int64_t>(static_cast<uint64_t>(ms) * 1000 * 1000);
    } else if (key != "discarded samples") {
      ok = false;
    }
    if (!ok) return Unrecognized();
  }
  return lines.status();
}

// Values are [contentions, delay in ns]: counts scale by the sampling period,
// delays by the period and from cycles to nanoseconds when the rate is known.
Status ParseSample(std::string_view line, const Attributes& a, int64_t values[2], std::vector<uint64_t>* pcs) {
  std::vector<std::string_view> g;
  static const RE2 kSampleRe(R"((\d+) *(\d+) @)", GoRegexpOptions());  // then ([ x0-9a-f]*)
  if (!FindSampleSubmatch(kSampleRe, line, &g)) return Unrecognized();
  int64_t delay, count;
  std::string error;
  if (!GoParseInt(g[0], 10, &delay, &error) || !GoParseInt(g[1], 10, &count, &error)) {
    return Status::Error(fmt::format("malformed sample: {}: {}", line, error));
  }
  if (a.period > 0) {
    if (a.cpu_hz > 0) {
      double cpu_ghz = static_cast<double>(a.cpu_hz) / 1e9;
      delay = GoFloatToInt64(static_cast<double>(delay) * static_cast<double>(a.period) / cpu_ghz);
    }
    count = static_cast<int64_t>(static_cast<uint64_t>(count) * static_cast<uint64_t>(a.period));
  }
  values[0] = count;
  values[1] = delay;
  if (Status st = ParseSampleAddresses(g[2], line, pcs); !st.ok()) return st;
  return Status();
}

}  // namespace

Result<Profile> ParseContentionProfile(std::string_view data) {
  LineScanner lines(data);
  if (Status s = ScanFirstLine(lines); !s.ok()) return s;
  std::string_view first = lines.text();
  if (!first.starts_with("--- contentionz ") && !first.starts_with("--- mutex:") &&
      !first.starts_with("--- contention:")) {
    return Unrecognized();
  }
  Attributes a;
  if (Status s = ReadAttributes(lines, a); !s.ok()) return s;
  ProfileBuilder b;
  b.SetPeriodType({"contentions", "count"});
  b.SetSampleTypes({{"contentions", "count"}, {"delay", "nanoseconds"}});
  b.profile().period = a.period;
  b.profile().duration_nanos = a.duration_nanos;
  std::vector<uint64_t> pcs;
  std::vector<uint32_t> stack;
  do {
    std::string_view line = TrimSpace(lines.text());
    if (line.starts_with("---")) break;
    if (IsSpaceOrComment(line)) continue;
    int64_t values[2];
    if (Status s = ParseSample(line, a, values, &pcs); !s.ok()) return s;
    stack.clear();
    for (uint64_t pc : pcs) stack.push_back(b.Location(pc - 1));  // return addresses
    b.AddSample(values, stack);
  } while (lines.Scan());
  if (Status s = lines.status(); !s.ok()) return s;
  if (Status s = b.FinishAfterSamples(lines); !s.ok()) return s;
  return std::move(b.profile());
}

}  // namespace cpprof::legacy
