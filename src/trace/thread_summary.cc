#include "trace/thread_summary.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "trace/trace_format.h"

namespace cpprof::trace {
namespace {

int64_t* WaitColumn(ThreadTimes& t, WaitState s) {
  switch (s) {
    case WaitState::kSync: return &t.sync;
    case WaitState::kNetwork: return &t.network;
    case WaitState::kSyscall: return &t.syscall;
    case WaitState::kSleep: return &t.sleep;
    case WaitState::kSched:
    case WaitState::kOther: return nullptr;
  }
  return nullptr;
}

// Cuts [start, end) by the disjoint, sorted spans `holes`; calls out(s, e)
// for every remaining piece.
template <typename Out>
void Subtract(int64_t start, int64_t end, const std::vector<CountedSpan>& holes, Out out) {
  auto h = std::lower_bound(holes.begin(), holes.end(), start,
                            [](const CountedSpan& s, int64_t t) { return s.end_ns <= t; });
  for (; h != holes.end() && h->start_ns < end && start < end; ++h) {
    if (h->start_ns > start) out(start, h->start_ns);
    start = std::max(start, h->end_ns);
  }
  if (start < end) out(start, end);
}

}  // namespace

void ThreadTimes::Add(const ThreadTimes& o) {
  wall += o.wall;
  on_cpu += o.on_cpu;
  sched += o.sched;
  sync += o.sync;
  network += o.network;
  syscall += o.syscall;
  sleep += o.sleep;
  unknown += o.unknown;
}

ThreadAccounting AccountThread(const TraceModel& m, uint32_t thread) {
  ThreadAccounting a;
  ThreadTimes& t = a.times;
  const TraceThread& th = m.threads[thread];
  const int64_t w_start = m.WindowStart(th), w_end = std::max(w_start, m.WindowEnd(th));
  t.wall = w_end - w_start;
  std::span<const StateInterval> intervals = m.IntervalsOf(thread);
  const uint32_t base = static_cast<uint32_t>(intervals.data() - m.intervals.data());

  // Waits, by start: each counts from where the earlier ones stopped.
  int64_t covered = w_start, waits = 0;
  for (uint32_t i = 0; i < intervals.size(); ++i) {
    const StateInterval& s = intervals[i];
    int64_t* column = WaitColumn(t, s.state);
    if (column == nullptr) continue;
    int64_t start = std::max(s.start_ns, covered), end = std::min(s.end_ns, w_end);
    if (end <= start) continue;
    *column += end - start;
    waits += end - start;
    covered = end;
    a.waits.push_back({start, end, base + i});
  }
  const int64_t room = t.wall - waits;

  if (m.str(m.sched_source) == kSchedSourcePerfSwitch) {
    int64_t sched_covered = w_start;
    for (uint32_t i = 0; i < intervals.size(); ++i) {
      const StateInterval& s = intervals[i];
      if (s.state != WaitState::kSched) continue;
      int64_t start = std::max(s.start_ns, sched_covered), end = std::min(s.end_ns, w_end);
      if (end <= start) continue;
      sched_covered = end;
      Subtract(start, end, a.waits, [&](int64_t s0, int64_t e0) {
        t.sched += e0 - s0;
        a.sched.push_back({s0, e0, base + i});
      });
    }
  } else {
    t.sched = std::clamp<int64_t>(th.run_delay_ns, 0, room);
  }
  t.on_cpu = std::clamp<int64_t>(th.cpu_time_ns, 0, room - t.sched);
  t.unknown = room - t.sched - t.on_cpu;
  return a;
}

ThreadSummary SummarizeThreads(const TraceModel& m) {
  ThreadSummary s;
  s.threads.reserve(m.threads.size());
  std::map<std::pair<std::string_view, std::string_view>, uint32_t> group_of;
  for (uint32_t i = 0; i < m.threads.size(); ++i) {
    s.threads.push_back(AccountThread(m, i).times);
    const TraceThread& t = m.threads[i];
    auto [it, added] =
        group_of.emplace(std::pair(m.str(t.name), m.str(t.start_routine)), static_cast<uint32_t>(s.groups.size()));
    if (added) s.groups.push_back({t.name, t.start_routine, {}, {}});
    ThreadGroup& g = s.groups[it->second];
    g.threads.push_back(i);
    g.total.Add(s.threads.back());
  }
  for (ThreadGroup& g : s.groups) {
    std::stable_sort(g.threads.begin(), g.threads.end(), [&](uint32_t a, uint32_t b) {
      return std::tie(m.threads[a].tid, m.threads[a].incarnation) <
             std::tie(m.threads[b].tid, m.threads[b].incarnation);
    });
  }
  std::stable_sort(s.groups.begin(), s.groups.end(), [&](const ThreadGroup& a, const ThreadGroup& b) {
    if (a.total.wall != b.total.wall) return a.total.wall > b.total.wall;
    return std::pair(m.str(a.name), m.str(a.start_routine)) < std::pair(m.str(b.name), m.str(b.start_routine));
  });
  return s;
}

}  // namespace cpprof::trace
