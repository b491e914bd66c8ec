// `perf script` text. A sample is a header line (comm, then pid/tid or tid,
// then optional [cpu], time, period and event name) followed by its frames,
// leaf first, one per line ("\t    117d leaf+0x34 (./t)"), and a blank line;
// without callchains the one frame ends the header line. Names are already
// symbolized (and demangled) by perf, so the mappings are marked as having
// functions and the driver leaves them alone.
#include <map>
#include <string>
#include <vector>

#include "profile/perf/perf_input.h"
#include "profile/perf/stack_builder.h"
#include "profile/perf/text_lines.h"

namespace cpprof::perf {
namespace {

struct Header {
  std::string_view comm, event, frame;  // frame: the rest of the line after the event, if any
  int64_t pid = -1, tid = -1;
  uint64_t period = 1;
};

std::string_view NextToken(std::string_view& s) {
  s = Trim(s);
  size_t end = s.find_first_of(" \t");
  std::string_view t = s.substr(0, end);
  s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  return t;
}

// "1234" or "1234/1235".
bool ParseIds(std::string_view t, Header& h) {
  uint64_t a, b;
  size_t slash = t.find('/');
  if (slash == std::string_view::npos) {
    if (!ParseNumber(t, a)) return false;
    h.tid = static_cast<int64_t>(a);
    return true;
  }
  if (!ParseNumber(t.substr(0, slash), a) || !ParseNumber(t.substr(slash + 1), b)) return false;
  h.pid = static_cast<int64_t>(a);
  h.tid = static_cast<int64_t>(b);
  return true;
}

// The comm may hold spaces: it ends before the first blank-separated pid/tid
// token (stackcollapse-perf.pl reads it the same way).
bool ParseHeader(std::string_view line, Header& h) {
  if (line.empty() || line[0] == ' ' || line[0] == '\t') return false;
  size_t at = 0;
  for (;;) {
    at = line.find_first_of(" \t", at);
    if (at == std::string_view::npos) return false;
    std::string_view rest = line.substr(at);
    std::string_view ids = NextToken(rest);
    if (!ids.empty() && ParseIds(ids, h)) {
      h.comm = Trim(line.substr(0, at));
      line = rest;
      break;
    }
    at = line.find_first_not_of(" \t", at);
    if (at == std::string_view::npos) return false;
  }
  // [cpu] time: period event: — each optional but the event.
  for (;;) {
    std::string_view rest = line;
    std::string_view t = NextToken(rest);
    if (t.empty()) return false;
    line = rest;
    uint64_t n;
    if (t.starts_with('[') && t.ends_with(']')) continue;
    if (t.ends_with(':') && t.find_first_not_of("0123456789.:") == std::string_view::npos) continue;  // time
    if (ParseNumber(t, n)) {
      h.period = n;
      continue;
    }
    if (!t.ends_with(':')) return false;
    t.remove_suffix(1);
    h.event = t.substr(0, t.find(':'));  // cpu-clock:ppp -> cpu-clock
    h.frame = Trim(line);
    return !h.event.empty();
  }
}

struct Frame {
  uint64_t address = 0;
  std::string_view symbol, dso;
};

// "117d leaf+0x34 (./t)"; the symbol may hold spaces and parentheses, the dso
// is the last parenthesized group.
bool ParseFrame(std::string_view line, Frame& f) {
  line = Trim(line);
  std::string_view address = NextToken(line);
  if (!ParseNumber(address, f.address, 16)) return false;
  line = Trim(line);
  if (line.ends_with(')')) {
    size_t open = line.rfind(" (");
    if (open == std::string_view::npos && line.starts_with('(')) open = 0;
    if (open != std::string_view::npos) {
      size_t from = line[open] == '(' ? open + 1 : open + 2;
      f.dso = line.substr(from, line.size() - 1 - from);
      line = Trim(line.substr(0, open));
    }
  }
  // leaf+0x34 -> leaf
  size_t plus = line.rfind("+0x");
  if (plus != std::string_view::npos &&
      line.find_first_not_of("0123456789abcdef", plus + 3) == std::string_view::npos) {
    line = line.substr(0, plus);
  }
  f.symbol = line;
  return true;
}

class ScriptReader {
 public:
  Result<Profile> Read(std::string_view text) {
    Header h;
    bool in_sample = false;
    for (size_t number = 1; !text.empty(); ++number) {
      std::string_view line = NextLine(text);
      if (Trim(line).empty()) {
        Flush(h, in_sample);
        continue;
      }
      if (line[0] == '#') continue;
      if (line[0] != ' ' && line[0] != '\t') {
        Flush(h, in_sample);
        h = Header();
        if (!ParseHeader(line, h)) return Error(number, "want \"comm pid/tid time: period event:\"");
        in_sample = true;
        if (!h.frame.empty() && !AddFrame(h.frame)) return Error(number, "want \"address symbol (dso)\"");
        continue;
      }
      if (!in_sample || !AddFrame(line)) return Error(number, "want \"address symbol (dso)\"");
    }
    Flush(h, in_sample);
    if (events_.empty()) return Status::Error("malformed perf script: no samples");
    return b_.Finish(main_);
  }

 private:
  static Status Error(size_t number, const char* want) {
    return Status::Error("malformed perf script: line " + std::to_string(number) + ": " + want);
  }

  bool AddFrame(std::string_view line) {
    Frame f;
    if (!ParseFrame(line, f)) return false;
    uint32_t mapping = kNone;
    if (!f.dso.empty() && f.dso != "[unknown]") {
      auto [it, added] = mappings_.try_emplace(std::string(f.dso), kNone);
      if (added) {
        it->second = b_.Mapping(f.dso, 0, 0, 0, "", true);
        bool library = f.dso.find(".so") != std::string_view::npos || f.dso.starts_with('[');
        if (main_ == kNone && !library) main_ = it->second;
      }
      mapping = it->second;
    }
    // perf prints "[unknown]" for addresses it could not name: keep them apart by address.
    std::string_view name = f.symbol == "[unknown]" || f.symbol.empty() ? std::string_view() : f.symbol;
    stack_.push_back(name.empty() ? b_.AddressLocation(mapping, f.address)
                                  : b_.FunctionLocation(mapping, f.address, name));
    return true;
  }

  void Flush(const Header& h, bool& in_sample) {
    if (!in_sample) return;
    in_sample = false;
    auto [it, added] = events_.try_emplace(std::string(h.event), events_.size());
    if (added) {
      // Software cpu-clock and task-clock periods are nanoseconds.
      bool clock = h.event == "cpu-clock" || h.event == "task-clock";
      b_.AddSampleType(std::string(h.event) + "_samples", "count");
      b_.AddSampleType(h.event, clock ? "nanoseconds" : "events");
      Profile& p = b_.profile();
      if (p.default_sample_type == 0) {
        p.default_sample_type = p.sample_types[1].type;
        p.period_type = p.sample_types[1];
      }
      // Samples read before this event gain its two values as zeros.
      Column<int64_t> widened;
      size_t old = p.sample_types.size() - 2;
      for (size_t s = 0; s < p.samples.size(); ++s) {
        widened.insert(widened.end(), p.values.begin() + static_cast<ptrdiff_t>(s * old),
                       p.values.begin() + static_cast<ptrdiff_t>((s + 1) * old));
        widened.insert(widened.end(), 2, 0);
      }
      p.values = std::move(widened);
    }
    values_.assign(2 * events_.size(), 0);
    values_[2 * it->second] = 1;
    values_[2 * it->second + 1] = static_cast<int64_t>(h.period);
    b_.AddSample(values_, stack_, {b_.profile().strings.Intern(h.comm), h.pid, h.tid});
    stack_.clear();
  }

  StackBuilder b_;
  std::map<std::string, size_t> events_;
  std::map<std::string, uint32_t> mappings_;
  std::vector<uint32_t> stack_;
  std::vector<int64_t> values_;
  uint32_t main_ = kNone;
};

}  // namespace

bool IsPerfScript(std::string_view text) {
  // The first line that is neither blank nor a comment must be a sample header.
  while (!text.empty()) {
    std::string_view line = NextLine(text);
    if (Trim(line).empty() || line[0] == '#') continue;
    Header h;
    return ParseHeader(line, h);
  }
  return false;
}

Result<Profile> ParsePerfScript(std::string_view text) { return ScriptReader().Read(text); }

}  // namespace cpprof::perf
