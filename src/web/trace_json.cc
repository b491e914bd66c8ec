#include "web/trace_json.h"

#include <fmt/format.h>

#include <unordered_map>

#include "util/json.h"

namespace cpprof {
namespace {

using trace::TraceModel;

// Strings of the model renumbered densely in first-use order, so the page
// gets only those it shows.
class StringIndex {
 public:
  uint32_t Of(StrId id) {
    auto [it, added] = index_.emplace(id, static_cast<uint32_t>(order_.size()));
    if (added) order_.push_back(id);
    return it->second;
  }
  void Append(const TraceModel& m, std::string& out) const {
    out += '[';
    for (size_t i = 0; i < order_.size(); ++i) {
      if (i > 0) out += ',';
      AppendJsonString(out, m.str(order_[i]));
    }
    out += ']';
  }

 private:
  std::unordered_map<StrId, uint32_t> index_;
  std::vector<StrId> order_;
};

void Key(std::string& out, std::string_view key) {
  AppendJsonString(out, key);
  out += ':';
}

void AppendTimes(std::string& out, const trace::ThreadTimes& t) {
  out += fmt::format("[{},{},{},{},{},{},{},{}]", t.wall, t.on_cpu, t.sched, t.sync, t.network, t.syscall, t.sleep,
                     t.unknown);
}

}  // namespace

std::string TraceSummaryJson(const TraceModel& m, const trace::ThreadSummary& s) {
  std::string out = "{";
  Key(out, "process");
  AppendJsonString(out, m.str(m.process_name));
  out += fmt::format(",\"pid\":{},\"duration\":{},\"droppedEvents\":{},\"complete\":{},", m.pid, m.end_ns - m.start_ns,
                     m.dropped_events, m.has_end_event);
  Key(out, "schedSource");
  AppendJsonString(out, m.str(m.sched_source));
  out += ",\"groups\":[";
  for (size_t i = 0; i < s.groups.size(); ++i) {
    const trace::ThreadGroup& g = s.groups[i];
    out += i > 0 ? ",{" : "{";
    Key(out, "name");
    AppendJsonString(out, m.str(g.name));
    out += ',';
    Key(out, "startRoutine");
    AppendJsonString(out, m.str(g.start_routine));
    out += ",\"threads\":[";
    for (size_t k = 0; k < g.threads.size(); ++k) out += fmt::format("{}{}", k > 0 ? "," : "", g.threads[k]);
    out += "],\"times\":";
    AppendTimes(out, g.total);
    out += '}';
  }
  out += "],\"threads\":[";
  for (size_t i = 0; i < m.threads.size(); ++i) {
    out += i > 0 ? ",{" : "{";
    Key(out, "name");
    AppendJsonString(out, m.str(m.threads[i].name));
    out += fmt::format(",\"tid\":{},\"times\":", m.threads[i].tid);
    AppendTimes(out, s.threads[i]);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string TraceTimelineJson(const TraceModel& m) {
  StringIndex strings;
  std::string out = fmt::format("{{\"duration\":{},\"states\":[", m.end_ns - m.start_ns);
  for (int i = 0; i < trace::kNumWaitStates; ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, trace::WaitStateName(static_cast<trace::WaitState>(i)));
  }
  out += "],\"threads\":[";
  for (size_t i = 0; i < m.threads.size(); ++i) {
    const trace::TraceThread& t = m.threads[i];
    out += i > 0 ? ",{" : "{";
    Key(out, "name");
    AppendJsonString(out, m.str(t.name));
    out += fmt::format(",\"tid\":{},\"start\":{},\"end\":{}}}", t.tid, m.WindowStart(t) - m.start_ns,
                       m.WindowEnd(t) - m.start_ns);
  }
  out += "],\"intervals\":[";
  bool first = true;
  for (const trace::StateInterval& s : m.intervals) {
    out += fmt::format("{}{},{},{},{},{},{},{}", first ? "" : ",", s.thread, static_cast<int>(s.state),
                       s.start_ns - m.start_ns, s.end_ns - s.start_ns, s.stack, strings.Of(s.call), s.object);
    first = false;
  }
  out += "],\"regions\":[";
  first = true;
  for (const trace::Region& r : m.regions) {
    out += fmt::format("{}{},{},{},{},{},{}", first ? "" : ",", r.thread, strings.Of(r.type), r.start_ns - m.start_ns,
                       r.end_ns - r.start_ns, r.depth, r.task);
    first = false;
  }
  out += "],\"samples\":[";
  first = true;
  for (const trace::CpuSample& c : m.samples) {
    out += fmt::format("{}{},{},{}", first ? "" : ",", c.thread, c.time_ns - m.start_ns, c.stack);
    first = false;
  }
  out += "],\"tasks\":[";
  first = true;
  for (const trace::Task& t : m.tasks) {
    out +=
        fmt::format("{}{{\"id\":{},\"parent\":{},\"type\":{},\"start\":{},\"end\":{}}}", first ? "" : ",", t.id,
                    t.parent, strings.Of(t.type), t.start_ns - m.start_ns, t.end_ns < 0 ? -1 : t.end_ns - m.start_ns);
    first = false;
  }
  out += "],\"strings\":";
  strings.Append(m, out);
  out += '}';
  return out;
}

std::string TraceStackJson(const TraceModel& m, uint64_t callstack) {
  std::string out = "[";
  if (callstack < m.callstacks.size()) {
    std::span<const uint32_t> frames = m.stack(static_cast<uint32_t>(callstack));
    for (auto f = frames.rbegin(); f != frames.rend(); ++f) {
      const trace::TraceFrame& frame = m.frames[*f];
      out += f == frames.rbegin() ? "{" : ",{";
      Key(out, "function");
      AppendJsonString(out, m.str(frame.function));
      out += ',';
      Key(out, "file");
      AppendJsonString(out, m.str(frame.file));
      out += fmt::format(",\"line\":{}}}", frame.line);
    }
  }
  return out + "]";
}

}  // namespace cpprof
