// threadz: an optional "--- threadz N ---" header, then per thread a
// "--- Thread <hex> (name: <name>/<tid>) stack: ---" line followed by lines
// whose hex numbers are the stack ("PC: 0x...", "0x...: fn", "creator: ...").
// "same as previous thread" counts the thread towards the previous stack.
#include <fmt/format.h>

#include <vector>

#include "profile/legacy/memory_map.h"
#include "profile/legacy/parsers.h"

namespace cpprof::legacy {
namespace {

bool IsThreadStart(std::string_view line) {
  static const RE2 kThreadStartRe(R"(--- Thread ([[:xdigit:]]+) \(name: (.*)/(\d+)\) stack: ---)", GoRegexpOptions());
  std::vector<std::string_view> g;
  return FindSubmatch(kThreadStartRe, line, &g);
}

// Reads one thread's stack. Returns the line that ended it (trimmed; the
// next "---" line, or the last line read); `pcs` stays empty for "same as
// previous thread".
Result<std::string_view> ReadThread(LineScanner& lines, std::vector<uint64_t>* pcs) {
  std::string_view line;
  bool same_as_previous = false;
  std::vector<uint64_t> more;
  pcs->clear();
  while (lines.Scan()) {
    line = TrimSpace(lines.text());
    if (line.empty()) continue;
    if (line.starts_with("---")) break;
    if (line.find("same as previous thread") != std::string_view::npos) {
      same_as_previous = true;
      continue;
    }
    if (Status s = ParseSampleAddresses(line, line, &more); !s.ok()) return s;
    pcs->insert(pcs->end(), more.begin(), more.end());
  }
  if (Status s = lines.status(); !s.ok()) return s;
  if (same_as_previous) pcs->clear();
  return line;
}

}  // namespace

Result<Profile> ParseThreadProfile(std::string_view data) {
  static const RE2 kThreadzStartRe(R"(--- threadz \d+ ---)", GoRegexpOptions());
  LineScanner lines(data);
  while (lines.Scan() && IsSpaceOrComment(lines.text())) {
  }
  std::string_view line = lines.text();
  if (RE2::PartialMatch(line, kThreadzStartRe)) {
    // Skip the header's comments up to the first thread.
    while (lines.Scan()) {
      line = lines.text();
      if (IsMemoryMapSentinel(line) || line.starts_with("-")) break;
    }
  } else if (!IsThreadStart(line)) {
    return Unrecognized();
  }
  ProfileBuilder b;
  b.SetPeriodType({"thread", "count"});
  b.SetSampleTypes({{"thread", "count"}});
  b.profile().period = 1;
  std::vector<uint64_t> pcs;
  std::vector<uint32_t> stack;
  const int64_t one[] = {1};
  while (!IsMemoryMapSentinel(line)) {
    if (line.starts_with("---- no stack trace for")) break;
    if (!IsThreadStart(line)) return Unrecognized();
    Result<std::string_view> next = ReadThread(lines, &pcs);
    if (!next.ok()) return next.status();
    line = *next;
    if (pcs.empty()) {
      Profile& p = b.profile();
      if (!p.samples.empty()) ++p.values.back();
      continue;
    }
    stack.clear();
    // Non-leaf pcs are return addresses: -1 lands on the call.
    for (size_t i = 0; i < pcs.size(); ++i) stack.push_back(b.Location(i > 0 ? pcs[i] - 1 : pcs[i]));
    b.AddSample(one, stack);
  }
  if (Status s = b.FinishAfterSamples(lines); !s.ok()) return s;
  b.RemoveDuplicateLeaves();
  return std::move(b.profile());
}

}  // namespace cpprof::legacy
