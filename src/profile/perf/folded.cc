// Folded stacks as flamegraph.pl reads them (brendangregg/FlameGraph's
// stackcollapse-* output): `root;caller;leaf <count>`, the count after the
// last space, frames root first. The counts are whatever the collapser summed
// (stackcollapse-perf.pl sums perf's periods when present), so the sample
// type says only "samples".
#include <string>
#include <vector>

#include "profile/perf/perf_input.h"
#include "profile/perf/stack_builder.h"
#include "profile/perf/text_lines.h"

namespace cpprof::perf {
namespace {

// Splits "a;b;c 123" into its frames and count.
bool SplitFoldedLine(std::string_view line, std::string_view& frames, uint64_t& count) {
  size_t space = line.find_last_of(' ');
  if (space == std::string_view::npos || space == 0) return false;
  frames = Trim(line.substr(0, space));
  return !frames.empty() && ParseNumber(line.substr(space + 1), count);
}

}  // namespace

bool IsFolded(std::string_view text) {
  // The first 16 non-empty lines decide; a line beginning with blanks is
  // perf script's frame, not a folded stack.
  int seen = 0;
  while (!text.empty() && seen < 16) {
    std::string_view line = NextLine(text), frames;
    uint64_t count;
    if (line.empty()) continue;
    if (line[0] == ' ' || line[0] == '\t' || !SplitFoldedLine(line, frames, count)) return false;
    ++seen;
  }
  return seen > 0;
}

Result<Profile> ParseFolded(std::string_view text) {
  StackBuilder b;
  b.AddSampleType("samples", "count");
  // One mapping marked symbolized, so that the driver does not look for a
  // binary to symbolize the names against.
  const uint32_t mapping = b.Mapping("", 0, 0, 0, "", true);
  std::vector<uint32_t> stack;
  int64_t value[1];
  for (size_t number = 1; !text.empty(); ++number) {
    std::string_view line = NextLine(text), frames;
    uint64_t count;
    if (Trim(line).empty()) continue;
    if (!SplitFoldedLine(line, frames, count) || count > uint64_t{INT64_MAX}) {
      return Status::Error("malformed folded stacks: line " + std::to_string(number) + ": want \"a;b;c <count>\"");
    }
    stack.clear();
    // Root first in the text, leaf first in the profile.
    while (!frames.empty()) {
      size_t semi = frames.find_last_of(';');
      std::string_view name = frames.substr(semi == std::string_view::npos ? 0 : semi + 1);
      frames = frames.substr(0, semi == std::string_view::npos ? 0 : semi);
      if (!name.empty()) stack.push_back(b.FunctionLocation(mapping, 0, name));
    }
    value[0] = static_cast<int64_t>(count);
    b.AddSample(value, stack, {});
  }
  return b.Finish(kNone);
}

}  // namespace cpprof::perf
