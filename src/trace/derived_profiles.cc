#include "trace/derived_profiles.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "trace/thread_summary.h"
#include "trace/trace_format.h"

namespace cpprof::trace {
namespace {

constexpr std::string_view kKindNames[] = {"net", "sync", "syscall", "sched", "wall"};

// Builds a profile of two values per sample from trace stacks, merging
// samples with the same stack and labels.
class ProfileBuilder {
 public:
  ProfileBuilder(const TraceModel& m, std::pair<std::string_view, std::string_view> period_type,
                 std::pair<std::string_view, std::string_view> count,
                 std::pair<std::string_view, std::string_view> value)
      : m_(m) {
    p_.period_type = Type(period_type);
    p_.period = 1;
    p_.sample_types = {Type(count), Type(value)};
    // One mapping naming the program, so reports say whose profile it is
    // ("File: server") instead of "Main binary filename not available";
    // its frames are symbolized already, so nothing looks for the binary.
    Mapping main;
    main.id = 1;
    main.file = p_.strings.Intern(m.cmdline.empty() ? m.str(m.process_name) : m.str(m.cmdline[0]));
    main.has_functions = main.has_filenames = main.has_line_numbers = main.has_inline_frames = true;
    p_.mappings.push_back(main);
    p_.time_nanos = m.start_unix_ns;
    p_.duration_nanos = m.end_ns - m.start_ns;
    state_key_ = p_.strings.Intern("state");
    thread_key_ = p_.strings.Intern("thread");
  }

  // Adds (count, value) at a trace callstack, or at a frame naming the
  // thread when the stack is empty. state is empty for no labels.
  void Add(uint32_t thread, uint32_t callstack, int64_t count, int64_t value, std::string_view state = {}) {
    key_.stack.clear();
    std::span<const uint32_t> frames = m_.stack(callstack);
    for (auto f = frames.rbegin(); f != frames.rend(); ++f) key_.stack.push_back(FrameLocation(*f));
    if (key_.stack.empty()) key_.stack.push_back(ThreadLocation(thread));
    key_.state = state.empty() ? 0 : p_.strings.Intern(state);
    key_.thread = state.empty() ? 0 : p_.strings.Intern(ThreadName(thread));
    auto [it, added] = samples_.emplace(key_, static_cast<uint32_t>(p_.samples.size()));
    if (added) NewSample();
    p_.values[it->second * 2] += count;
    p_.values[it->second * 2 + 1] += value;
  }

  Profile Finish() { return std::move(p_); }

 private:
  struct SampleKey {
    std::vector<uint32_t> stack;
    StrId state = 0, thread = 0;
    bool operator<(const SampleKey& o) const {
      return std::tie(stack, state, thread) < std::tie(o.stack, o.state, o.thread);
    }
  };

  ValueType Type(std::pair<std::string_view, std::string_view> t) {
    return {p_.strings.Intern(t.first), p_.strings.Intern(t.second)};
  }

  std::string ThreadName(uint32_t thread) const {
    const TraceThread& t = m_.threads[thread];
    return m_.str(t.name).empty() ? "tid " + std::to_string(t.tid) : std::string(m_.str(t.name));
  }

  void NewSample() {
    Sample s;
    s.stack_begin = static_cast<uint32_t>(p_.stacks.size());
    s.stack_size = static_cast<uint32_t>(key_.stack.size());
    p_.stacks.insert(p_.stacks.end(), key_.stack.begin(), key_.stack.end());
    s.label_begin = static_cast<uint32_t>(p_.labels.size());
    if (key_.state != 0) {
      // The model's canonical order: string labels by key ("state" < "thread").
      p_.labels.push_back({state_key_, key_.state, 0, 0});
      p_.labels.push_back({thread_key_, key_.thread, 0, 0});
    }
    s.label_count = static_cast<uint32_t>(p_.labels.size()) - s.label_begin;
    p_.samples.push_back(s);
    p_.values.push_back(0);
    p_.values.push_back(0);
  }

  // Go keys functions by name and file, locations by PC; trace frames have
  // no PC, so a location is a distinct (function, file, line). No system
  // name, as in Go's: the trace's names are demangled already, and a
  // function whose name equals its system name is demangled again by
  // readers (pprof's demangler strips "(anonymous namespace)" from such a
  // name, so -diff_base against /debug/pprof/block would not match).
  uint32_t Location(StrId function_name, StrId file, uint32_t line) {
    auto [f, new_function] =
        functions_.emplace(std::pair(function_name, file), static_cast<uint32_t>(p_.functions.size()));
    if (new_function) p_.functions.push_back({p_.functions.size() + 1, function_name, 0, file, 0});
    auto [l, new_location] = locations_.emplace(std::pair(f->second, line), static_cast<uint32_t>(p_.locations.size()));
    if (new_location) {
      p_.locations.push_back({p_.locations.size() + 1, 0, 0, static_cast<uint32_t>(p_.lines.size()), 1, false});
      p_.lines.push_back({f->second, line, 0});
    }
    return l->second;
  }

  uint32_t FrameLocation(uint32_t frame) {
    if (frame >= frame_locations_.size()) frame_locations_.resize(m_.frames.size(), kNone);
    uint32_t& loc = frame_locations_[frame];
    if (loc == kNone) {
      const TraceFrame& f = m_.frames[frame];
      loc = Location(p_.strings.Intern(m_.str(f.function)), p_.strings.Intern(m_.str(f.file)), f.line);
    }
    return loc;
  }

  uint32_t ThreadLocation(uint32_t thread) { return Location(p_.strings.Intern("thread " + ThreadName(thread)), 0, 0); }

  const TraceModel& m_;
  Profile p_;
  StrId state_key_ = 0, thread_key_ = 0;
  SampleKey key_;
  std::map<SampleKey, uint32_t> samples_;
  std::map<std::pair<StrId, StrId>, uint32_t> functions_;
  std::map<std::pair<uint32_t, int64_t>, uint32_t> locations_;
  std::vector<uint32_t> frame_locations_;
};

// The stack of the thread's latest CPU sample at or before t, else 0 (none).
uint32_t LatestSampleStack(std::span<const CpuSample> samples, int64_t t) {
  auto it = std::upper_bound(samples.begin(), samples.end(), t,
                             [](int64_t time, const CpuSample& s) { return time < s.time_ns; });
  return it == samples.begin() ? 0 : std::prev(it)->stack;
}

uint32_t LastSampleStack(std::span<const CpuSample> samples) { return samples.empty() ? 0 : samples.back().stack; }

bool IsSchedSwitch(const TraceModel& m) { return m.str(m.sched_source) == kSchedSourcePerfSwitch; }

void AddWaits(const TraceModel& m, WaitState state, ProfileBuilder& b) {
  for (const StateInterval& s : m.intervals) {
    if (s.state != state) continue;
    int64_t length = std::min(s.end_ns, m.end_ns) - std::max(s.start_ns, m.start_ns);
    if (length < 0) continue;
    uint32_t stack = s.stack;
    if (state == WaitState::kSched) stack = LatestSampleStack(m.SamplesOf(s.thread), s.start_ns);
    b.Add(s.thread, stack, 1, length);
  }
}

void AddRunDelays(const TraceModel& m, ProfileBuilder& b) {
  for (uint32_t t = 0; t < m.threads.size(); ++t) {
    int64_t sched = AccountThread(m, t).times.sched;
    if (sched > 0) b.Add(t, LastSampleStack(m.SamplesOf(t)), 1, sched);
  }
}

void AddWall(const TraceModel& m, ProfileBuilder& b) {
  const std::string_view running = "running", unknown = "unknown";
  for (uint32_t t = 0; t < m.threads.size(); ++t) {
    ThreadAccounting a = AccountThread(m, t);
    std::span<const CpuSample> samples = m.SamplesOf(t);
    for (const CountedSpan& w : a.waits) {
      const StateInterval& s = m.intervals[w.interval];
      b.Add(t, s.stack, 1, w.end_ns - w.start_ns, m.str(s.state_name));
    }
    if (IsSchedSwitch(m)) {
      for (const CountedSpan& w : a.sched) {
        b.Add(t, LatestSampleStack(samples, m.intervals[w.interval].start_ns), 1, w.end_ns - w.start_ns, kStateSched);
      }
    } else if (a.times.sched > 0) {
      b.Add(t, LastSampleStack(samples), 1, a.times.sched, kStateSched);
    }
    // On-CPU time in equal shares per sample; the remainder of the division
    // goes to the first samples, a nanosecond each, so the shares add up.
    if (a.times.on_cpu > 0 && samples.empty()) b.Add(t, 0, 1, a.times.on_cpu, running);
    const int64_t n = static_cast<int64_t>(samples.size());
    for (int64_t i = 0; i < n && a.times.on_cpu > 0; ++i) {
      b.Add(t, samples[i].stack, 1, a.times.on_cpu / n + (i < a.times.on_cpu % n ? 1 : 0), running);
    }
    if (a.times.unknown > 0) b.Add(t, LastSampleStack(samples), 1, a.times.unknown, unknown);
  }
}

}  // namespace

std::optional<DerivedKind> ParseDerivedKind(std::string_view name) {
  for (size_t i = 0; i < std::size(kKindNames); ++i) {
    if (kKindNames[i] == name) return static_cast<DerivedKind>(i);
  }
  return std::nullopt;
}

std::string_view DerivedKindName(DerivedKind kind) { return kKindNames[static_cast<int>(kind)]; }

Profile BuildDerivedProfile(const TraceModel& m, DerivedKind kind) {
  if (kind == DerivedKind::kWall) {
    ProfileBuilder b(m, {"wall", "nanoseconds"}, {"samples", "count"}, {"wall", "nanoseconds"});
    AddWall(m, b);
    return b.Finish();
  }
  ProfileBuilder b(m, {"trace", "count"}, {"contentions", "count"}, {"delay", "nanoseconds"});
  switch (kind) {
    case DerivedKind::kNet: AddWaits(m, WaitState::kNetwork, b); break;
    case DerivedKind::kSync: AddWaits(m, WaitState::kSync, b); break;
    case DerivedKind::kSyscall: AddWaits(m, WaitState::kSyscall, b); break;
    case DerivedKind::kSched:
      if (IsSchedSwitch(m)) {
        AddWaits(m, WaitState::kSched, b);
      } else {
        AddRunDelays(m, b);
      }
      break;
    case DerivedKind::kWall: break;
  }
  return b.Finish();
}

}  // namespace cpprof::trace
