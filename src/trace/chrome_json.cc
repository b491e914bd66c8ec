#include "trace/chrome_json.h"

#include <fmt/format.h>

#include "util/json.h"

namespace cpprof::trace {
namespace {

class EventWriter {
 public:
  EventWriter(const TraceModel& m, std::string& out) : m_(m), out_(out) {}

  // Opens an event: {"name":..,"ph":..,"pid":..,"tid":..; Close() ends it.
  void Open(std::string_view name, char phase, int64_t tid) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_ += "{\"name\":";
    AppendJsonString(out_, name);
    out_ += fmt::format(",\"ph\":\"{}\",\"pid\":{},\"tid\":{}", phase, m_.pid, tid);
  }
  void Category(std::string_view cat) {
    out_ += ",\"cat\":";
    AppendJsonString(out_, cat);
  }
  void Time(const char* key, int64_t ns) {
    bool neg = ns < 0;
    uint64_t u = neg ? -static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
    out_ += fmt::format(",\"{}\":{}{}.{:03}", key, neg ? "-" : "", u / 1000, u % 1000);
  }
  void Ts(int64_t ns) { Time("ts", ns - m_.start_ns); }
  void Raw(std::string_view s) { out_ += s; }
  // ,"args":{ ... } is written by the caller between BeginArgs and EndArgs.
  void BeginArgs() {
    out_ += ",\"args\":{";
    first_arg_ = true;
  }
  void Arg(std::string_view key, std::string_view value) {
    ArgKey(key);
    AppendJsonString(out_, value);
  }
  void Arg(std::string_view key, uint64_t value) {
    ArgKey(key);
    out_ += std::to_string(value);
  }
  void EndArgs() { out_ += '}'; }
  void Close() { out_ += '}'; }

 private:
  void ArgKey(std::string_view key) {
    if (!first_arg_) out_ += ',';
    first_arg_ = false;
    AppendJsonString(out_, key);
    out_ += ':';
  }

  const TraceModel& m_;
  std::string& out_;
  bool first_ = true, first_arg_ = true;
};

}  // namespace

std::string ChromeJson(const TraceModel& m) {
  std::string out = "{\"traceEvents\":[";
  EventWriter w(m, out);
  w.Open("process_name", 'M', 0);
  w.BeginArgs();
  w.Arg("name", m.str(m.process_name));
  w.EndArgs();
  w.Close();
  for (const TraceThread& t : m.threads) {
    w.Open("thread_name", 'M', t.tid);
    w.BeginArgs();
    w.Arg("name", m.str(t.name));
    w.EndArgs();
    w.Close();
  }
  for (const StateInterval& s : m.intervals) {
    w.Open(m.str(s.state_name), 'X', m.threads[s.thread].tid);
    w.Category("state");
    w.Ts(s.start_ns);
    w.Time("dur", s.end_ns - s.start_ns);
    w.BeginArgs();
    if (s.call != 0) w.Arg("call", m.str(s.call));
    if (s.object != 0) w.Arg("object", s.object);
    w.EndArgs();
    w.Close();
  }
  for (const Region& r : m.regions) {
    w.Open(m.str(r.type), 'X', m.threads[r.thread].tid);
    w.Category("region");
    w.Ts(r.start_ns);
    w.Time("dur", r.end_ns - r.start_ns);
    w.BeginArgs();
    if (r.task != 0) w.Arg("task", r.task);
    w.EndArgs();
    w.Close();
  }
  for (const LogEntry& l : m.logs) {
    w.Open(m.str(l.category), 'i', m.threads[l.thread].tid);
    w.Category("log");
    w.Ts(l.time_ns);
    w.Raw(",\"s\":\"t\"");
    w.BeginArgs();
    w.Arg("message", m.str(l.message));
    if (l.task != 0) w.Arg("task", l.task);
    w.EndArgs();
    w.Close();
  }
  // Tasks are async events of the process; one never ended ends with the trace.
  for (const Task& t : m.tasks) {
    for (char phase : {'b', 'e'}) {
      w.Open(m.str(t.type), phase, 0);
      w.Category("task");
      w.Raw(fmt::format(",\"id\":\"{:#x}\"", t.id));
      w.Ts(phase == 'b' ? t.start_ns : (t.end_ns < 0 ? m.end_ns : t.end_ns));
      if (phase == 'b') {
        w.BeginArgs();
        w.Arg("task", t.id);
        if (t.parent != 0) w.Arg("parent_task", t.parent);
        w.EndArgs();
      }
      w.Close();
    }
  }
  out += "\n],\"displayTimeUnit\":\"ns\"}\n";
  return out;
}

}  // namespace cpprof::trace
