// Java profiles: heapz and contentionz texts ("--- heapz 1 ---",
// "--- contentionz 1 ---", "key = value" attributes, samples
// "<value> <count> @ addrs"), and the symbol section shared with Java CPU
// profiles: "0x<addr> <function> (<file>:<line>)" lines that name each frame.
// Java frames are then identified by name alone, so addresses are cleared.
#include <fmt/format.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "profile/legacy/heap_scaling.h"
#include "profile/legacy/parsers.h"
#include "profile/validate.h"

namespace cpprof::legacy {
namespace {

enum class Kind { kHeap, kContention };

// Splits off the next '\n'-terminated line; false when none is left (a last
// line without '\n' is never an attribute or a sample, as in pprof).
bool NextTerminatedLine(std::string_view& text, std::string_view* line) {
  size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return false;
  *line = TrimSpace(text.substr(0, nl));
  return true;
}

// Reads the attributes; returns the text from the first line that is not one.
Result<std::string_view> ReadHeader(Kind kind, std::string_view text, ProfileBuilder& b) {
  static const RE2 kAttributeRe(R"(([\w ]+)=([\w ]+))", GoRegexpOptions());
  Profile& p = b.profile();
  std::string_view line;
  for (; NextTerminatedLine(text, &line); text.remove_prefix(text.find('\n') + 1)) {
    if (line.empty()) continue;
    std::vector<std::string_view> g;
    if (!FindSubmatch(kAttributeRe, line, &g)) break;
    std::string_view key = TrimSpace(g[0]), value = TrimSpace(g[1]);
    std::string error;
    if (key == "format") {
      if (value != "java") return Unrecognized();
    } else if (key == "resolution") {
      if (kind == Kind::kHeap) {
        b.SetSampleTypes({{"inuse_objects", "count"}, {"inuse_space", value}});
      } else {
        b.SetSampleTypes({{"contentions", "count"}, {"delay", value}});
      }
    } else if (kind == Kind::kContention && key == "sampling period") {
      b.SetPeriodType({"contentions", "count"});
      if (!GoParseInt(value, 0, &p.period, &error)) {
        return Status::Error(fmt::format("failed to parse attribute {}: {}", line, error));
      }
    } else if (kind == Kind::kContention && key == "ms since reset") {
      int64_t ms;
      if (!GoParseInt(value, 0, &ms, &error)) {
        return Status::Error(fmt::format("failed to parse attribute {}: {}", line, error));
      }
      p.duration_nanos = static_cast<int64_t>(static_cast<uint64_t>(ms) * 1000 * 1000);
    } else {
      return Unrecognized();
    }
  }
  return text;
}

// Reads the samples; returns the text from the first line that is not one.
// Java writes the measured value first and the count second.
Result<std::string_view> ReadSamples(Kind kind, std::string_view text, ProfileBuilder& b) {
  static const RE2 kSampleRe(R"( *(\d+) +(\d+) +@ +)", GoRegexpOptions());  // then ([ x0-9a-f]*)
  std::string_view line;
  std::vector<std::string_view> g;
  std::vector<uint64_t> addrs;
  std::vector<uint32_t> stack;
  for (; NextTerminatedLine(text, &line); text.remove_prefix(text.find('\n') + 1)) {
    if (line.empty()) continue;
    if (!FindSampleSubmatch(kSampleRe, line, &g)) break;
    if (Status s = ParseSampleAddresses(g[2], line, &addrs); !s.ok()) return s;
    stack.clear();
    for (uint64_t a : addrs) stack.push_back(b.Location(a));
    int64_t v[2];
    std::string error;
    if (!GoParseInt(g[1], 0, &v[0], &error) || !GoParseInt(g[0], 0, &v[1], &error)) {
      return Status::Error(fmt::format("parsing sample {}: {}", line, error));
    }
    if (kind == Kind::kHeap) {
      // Java's heapz samples with a fixed mean of 512 KiB.
      constexpr int64_t kJavaHeapzSamplingRate = 524288;
      if (v[0] == 0) return Status::Error(fmt::format("parsing sample {}: second value must be non-zero", line));
      int64_t bytes = v[1] / v[0];
      std::tie(v[0], v[1]) = ScaleHeapSample(v[0], v[1], kJavaHeapzSamplingRate);
      b.AddSample(v, stack, bytes);
    } else {
      const uint64_t period = static_cast<uint64_t>(b.profile().period);
      if (period != 0) {
        v[0] = static_cast<int64_t>(static_cast<uint64_t>(v[0]) * period);
        v[1] = static_cast<int64_t>(static_cast<uint64_t>(v[1]) * period);
      }
      b.AddSample(v, stack);
    }
  }
  return text;
}

// The function and file of a symbol line's text.
void ParseSymbol(std::string_view text, std::string_view* function, std::string_view* file, int64_t* line) {
  static const RE2 kFileLineRe(R"(^(.*)\s+\((.+):(-?[[:digit:]]+)\)$)", GoRegexpOptions());
  static const RE2 kPathRe(R"(^(.*)\s+\((.*)\)$)", GoRegexpOptions());
  std::vector<std::string_view> g;
  *file = {};
  *line = 0;
  if (FindSubmatch(kFileLineRe, text, &g)) {
    *function = g[0];
    *file = g[1];
    int64_t n;
    if (GoParseInt(g[2], 10, &n) && n > 0) *line = n;
  } else if (FindSubmatch(kPathRe, text, &g)) {
    // A shared library's path: only its base name is of interest.
    *function = g[0];
    *file = PathBase(g[1]);
  } else if (text.find("generated stub/JIT") != std::string_view::npos) {
    *function = "STUB";
  } else {
    // The agent's internal states such as "GC" or "VM".
    *function = text;
  }
}

}  // namespace

Status FinishJavaProfile(std::string_view text, ProfileBuilder& b) {
  static const RE2 kLocationRe(R"(^\s*0x([[:xdigit:]]+)\s+(.*)\s*$)", GoRegexpOptions());
  Profile& p = b.profile();
  std::unordered_map<std::string_view, uint32_t> functions;  // keys point into `text`
  std::vector<std::string_view> g;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = TrimSpace(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || !FindSubmatch(kLocationRe, line, &g)) continue;
    uint64_t address;
    std::string error;
    if (!GoParseUint(g[0], 16, &address, &error))
      return Status::Error(fmt::format("parsing sample {}: {}", line, error));
    uint32_t loc = b.FindLocation(address);
    if (loc == kNone) continue;
    std::string_view name, file;
    int64_t line_number;
    ParseSymbol(g[1], &name, &file, &line_number);
    auto [it, added] = functions.try_emplace(name, static_cast<uint32_t>(p.functions.size()));
    if (added) {
      Function f;
      f.name = f.system_name = p.strings.Intern(name);
      f.filename = p.strings.Intern(file);
      p.functions.push_back(f);
    }
    Location& l = p.locations[loc];
    l.line_begin = static_cast<uint32_t>(p.lines.size());
    l.line_count = 1;
    l.address = 0;
    p.lines.push_back({it->second, line_number, 0});
  }
  b.Finish();
  // pprof's Aggregate(address=false): frames with no symbol line lose their
  // address too.
  for (Location& l : p.locations) l.address = 0;
  return CheckValid(p);
}

Result<Profile> ParseJavaProfile(std::string_view data) {
  size_t nl = data.find('\n');
  if (nl == std::string_view::npos) return Unrecognized();
  std::string_view header = TrimSpace(data.substr(0, nl));
  Kind kind;
  if (header == "--- heapz 1 ---") {
    kind = Kind::kHeap;
  } else if (header == "--- contentionz 1 ---") {
    kind = Kind::kContention;
  } else {
    return Unrecognized();
  }
  ProfileBuilder b;
  Result<std::string_view> rest = ReadHeader(kind, data.substr(nl + 1), b);
  if (!rest.ok()) return rest.status();
  rest = ReadSamples(kind, *rest, b);
  if (!rest.ok()) return rest.status();
  if (Status s = FinishJavaProfile(*rest, b); !s.ok()) return s;
  return std::move(b.profile());
}

}  // namespace cpprof::legacy
