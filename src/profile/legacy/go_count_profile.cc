// Go's debug=1 count profiles: "goroutine profile: total N" or
// "threadcreate profile: total N", then "<count> @ 0x... 0x..." lines ('#'
// lines are the runtime's symbolized frames and labels, ignored) up to a
// "---" line.
#include <vector>

#include "profile/legacy/parsers.h"

namespace cpprof::legacy {

Result<Profile> ParseGoCountProfile(std::string_view data) {
  static const RE2 kStartRe(R"(\A(\S+) profile: total \d+\z)", GoRegexpOptions());
  static const RE2 kSampleRe(R"(\A(\d+) @(( 0x[0-9a-f]+)+)\z)", GoRegexpOptions());
  LineScanner lines(data);
  while (lines.Scan() && IsSpaceOrComment(lines.text())) {
  }
  if (Status s = lines.status(); !s.ok()) return s;
  std::vector<std::string_view> g;
  if (!FindSubmatch(kStartRe, lines.text(), &g)) return Unrecognized();
  const std::string_view type = g[0];
  ProfileBuilder b;
  b.SetPeriodType({type, "count"});
  b.SetSampleTypes({{type, "count"}});
  b.profile().period = 1;
  std::vector<uint32_t> stack;
  while (lines.Scan()) {
    std::string_view line = lines.text();
    if (IsSpaceOrComment(line)) continue;
    if (line.starts_with("---")) break;
    if (!FindSubmatch(kSampleRe, line, &g)) return Status::Error(std::string(kMalformed));
    int64_t count;
    if (!GoParseInt(g[0], 0, &count)) return Status::Error(std::string(kMalformed));
    stack.clear();
    std::string_view pcs = g[1];
    // g[1] is " 0x.." repeated: split on the single spaces.
    for (size_t at = 1; at < pcs.size();) {
      size_t end = pcs.find(' ', at);
      if (end == std::string_view::npos) end = pcs.size();
      uint64_t pc;
      if (!GoParseUint(pcs.substr(at, end - at), 0, &pc)) return Status::Error(std::string(kMalformed));
      stack.push_back(b.Location(pc - 1));  // return addresses: -1 lands on the call
      at = end + 1;
    }
    const int64_t values[] = {count};
    b.AddSample(values, stack);
  }
  if (Status s = lines.status(); !s.ok()) return s;
  if (Status s = b.FinishAfterSamples(lines); !s.ok()) return s;
  return std::move(b.profile());
}

}  // namespace cpprof::legacy
