// Tested by tests/runtime/contention_test.cc and tests/runtime/heap_http_test.sh.
#include "runtime/contention_format.h"

#include <algorithm>
#include <map>

#include "profile/codec.h"
#include "profile/gzip.h"
#include "runtime/count_format.h"
#include "runtime/profile_builder.h"

namespace cpprof::runtime {
namespace {

std::vector<StackRecord> Records(const std::vector<ContentionRecord>& records) {
  std::vector<StackRecord> out;
  out.reserve(records.size());
  for (const ContentionRecord& r : records) out.push_back({r.pcs, r.labels, {r.count, r.delay_ns}, {}, {}});
  return out;
}

ProfileHeader Header() {
  ProfileHeader h;
  h.sample_types = {{"contentions", "count"}, {"delay", "nanoseconds"}};
  h.period_type = {"contentions", "count"};
  h.period = 1;
  return h;
}

}  // namespace

std::string ContentionProfileProto(const std::vector<ContentionRecord>& records, int64_t time_nanos,
                                   int64_t duration_nanos) {
  ProfileHeader h = Header();
  h.time_nanos = time_nanos;
  h.duration_nanos = duration_nanos;
  return Gzip(EncodeProfile(BuildProfile(h, Records(records)).profile), 1);
}

std::string ContentionProfileText(ContentionKind kind, const std::vector<ContentionRecord>& records) {
  std::vector<ContentionRecord> sorted = records;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ContentionRecord& a, const ContentionRecord& b) { return a.delay_ns > b.delay_ns; });
  BuiltProfile built = BuildProfile(Header(), Records(sorted));
  bool mutex = kind == ContentionKind::kMutex;
  // Delays are kept in nanoseconds: one "cycle" per nanosecond.
  std::string out = std::string("--- ") + (mutex ? "mutex" : "contention") + ":\ncycles/second=1000000000\n";
  if (mutex) out += "sampling period=" + std::to_string(MutexProfileFraction()) + "\n";
  for (size_t i = 0; i < sorted.size(); ++i) {
    out += std::to_string(sorted[i].delay_ns) + " " + std::to_string(sorted[i].count) + " @";
    for (uintptr_t pc : sorted[i].pcs) out += " " + Hex(pc);
    out += "\n";
    AppendFrames(built, built.profile.samples[i], &out);
    out += "\n";
  }
  return out;
}

std::vector<ContentionRecord> SubtractContention(const std::vector<ContentionRecord>& later,
                                                 const std::vector<ContentionRecord>& earlier) {
  std::map<std::pair<std::vector<uintptr_t>, const LabelSetData*>, ContentionRecord> by_key;
  for (const ContentionRecord& r : later) by_key[{r.pcs, r.labels}] = r;
  for (const ContentionRecord& r : earlier) {
    ContentionRecord& v = by_key[{r.pcs, r.labels}];
    v.pcs = r.pcs;
    v.labels = r.labels;
    v.count -= r.count;
    v.delay_ns -= r.delay_ns;
  }
  std::vector<ContentionRecord> out;
  for (auto& [_, r] : by_key) {
    if (r.count != 0 || r.delay_ns != 0) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace cpprof::runtime
