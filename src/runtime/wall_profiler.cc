// Tested by tests/runtime/wall_profile_test.cc and tests/runtime/wall_test.sh.
#include "runtime/wall_profiler.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "profile/codec.h"
#include "profile/gzip.h"
#include "runtime/blocked_call.h"
#include "runtime/frame_rules.h"
#include "runtime/heap_sampler.h"
#include "runtime/process_stat.h"
#include "runtime/profile_builder.h"
#include "runtime/signal_handler.h"
#include "runtime/thread_dump.h"
#include "runtime/thread_registry.h"
#include "runtime/wait_state.h"

namespace cpprof::runtime {
namespace {

constexpr int kMaxRate = 250;
constexpr int64_t kQuietNs = 1000000000;  // a thread that did not answer is not asked for 1 s

// The state letter of /proc/self/task/<tid>/stat ('?' when unreadable):
// one open, read and close, about 6 us.
char ProcStateLetter(pid_t tid) {
  char buf[512];
  ssize_t n = ReadTaskFile(tid, "stat", buf, sizeof(buf));
  if (n <= 0) return '?';
  // The name in parentheses may hold anything, ')' included: the state
  // follows the last one.
  const char* close_paren = nullptr;
  for (ssize_t i = 0; i < n; ++i) {
    if (buf[i] == ')') close_paren = buf + i;
  }
  return close_paren != nullptr && close_paren + 2 < buf + n ? close_paren[2] : '?';
}

// The state label of a sample: a WaitKind's value, or one of these.
constexpr int kRunning = 5;
constexpr int kOther = 6;

// System calls a signal ends with EINTR whatever SA_RESTART says
// (signal(7)), and the state a wait in each counts as.
struct NoRestartCall {
  long nr;
  const char* name;
  int state;
};
constexpr int kSleepState = static_cast<int>(WaitKind::kSleep);
constexpr int kNetworkState = static_cast<int>(WaitKind::kNetwork);
constexpr NoRestartCall kNoRestartCalls[] = {
    {SYS_nanosleep, "nanosleep", kSleepState},
    {SYS_clock_nanosleep, "clock_nanosleep", kSleepState},
    {SYS_epoll_pwait, "epoll_pwait", kNetworkState},
#ifdef SYS_epoll_wait
    {SYS_epoll_wait, "epoll_wait", kNetworkState},
#endif
#ifdef SYS_epoll_pwait2
    {SYS_epoll_pwait2, "epoll_pwait2", kNetworkState},
#endif
#ifdef SYS_poll
    {SYS_poll, "poll", kOther},
#endif
#ifdef SYS_select
    {SYS_select, "select", kOther},
#endif
#ifdef SYS_pause
    {SYS_pause, "pause", kOther},
#endif
#ifdef SYS_semop
    {SYS_semop, "semop", kOther},
#endif
    {SYS_ppoll, "ppoll", kOther},
    {SYS_pselect6, "pselect6", kOther},
    {SYS_io_getevents, "io_getevents", kOther},
    {SYS_rt_sigtimedwait, "rt_sigtimedwait", kOther},
    {SYS_rt_sigsuspend, "rt_sigsuspend", kOther},
    {SYS_semtimedop, "semtimedop", kOther},
    {SYS_msgrcv, "msgrcv", kOther},
    {SYS_msgsnd, "msgsnd", kOther},
};

// The call a blocked thread is in when a signal would end it with EINTR
// (/proc/self/task/<tid>/syscall: its number first, "running" when on
// CPU); null otherwise.
const NoRestartCall* NoRestartCallOf(pid_t tid) {
  long nr = 0;
  uint64_t arg0 = 0;
  if (!SyscallOf(tid, &nr, &arg0)) return nullptr;
  for (const NoRestartCall& c : kNoRestartCalls) {
    if (c.nr == nr) return &c;
  }
  return nullptr;
}

WallProfiler* g_instance = nullptr;

}  // namespace

WallProfiler& WallProfiler::Get() {
  static WallProfiler* profiler = g_instance = new WallProfiler;  // immortal: atexit writers may run late
  return *profiler;
}

WallProfiler::WallProfiler() {
  NoSamplingScope scope;  // pthread_atfork allocates
  pthread_atfork(nullptr, nullptr, [] {
    if (g_instance != nullptr) g_instance->ResetInChild();
  });
}

int WallProfiler::ClampRate(int hz) { return std::clamp(hz, 1, kMaxRate); }

void WallProfiler::SetRate(int hz) {
  std::lock_guard lock(control_mu_);
  hz_ = ClampRate(hz);
}

Status WallProfiler::Start(ProfileSink sink, int hz) {
  std::lock_guard lock(control_mu_);
  if (active_) return Status::Error("wall profiling already in use");
  if (Status s = InstallSigprofHandler(); !s.ok()) return s;
  ThreadRegistry& registry = ThreadRegistry::Get();
  registry.Self();
  running_hz_ = hz > 0 ? ClampRate(hz) : hz_;
  sink_ = std::move(sink);
  start_nanos_ = NowNanos();
  totals_.clear();
  leaf_check_.Clear();
  quiet_until_ns_.clear();
  stop_sampler_ = false;
  // Before the first round, so that threads already blocked in a hook are
  // seen from their next call and new waits are published from now on.
  SetWaitObserver(kWaitObserverWall, true);
  try {
    InternalThreadScope internal;
    sampler_ = std::thread([this] { SamplerLoop(); });
  } catch (...) {
    SetWaitObserver(kWaitObserverWall, false);
    return Status::Error("cannot start the wall profiler's thread");
  }
  active_ = true;
  return {};
}

Status WallProfiler::Stop() {
  std::lock_guard lock(control_mu_);
  if (!active_) return Status::Error("wall profiling is not running");
  active_ = false;
  {
    std::lock_guard wlock(wake_mu_);
    stop_sampler_ = true;
  }
  wake_.notify_all();
  if (sampler_.joinable()) sampler_.join();
  SetWaitObserver(kWaitObserverWall, false);
  std::string bytes;
  try {
    bytes = BuildAndEncode();
  } catch (...) {
    totals_.clear();
    return Status::Error("out of memory while building the wall profile");
  }
  totals_.clear();
  ProfileSink sink = std::move(sink_);
  sink_ = nullptr;
  return sink ? sink(bytes) : Status();
}

void WallProfiler::SamplerLoop() {
  using Clock = std::chrono::steady_clock;
  const auto period = std::chrono::nanoseconds(1000000000LL / running_hz_);
  auto last = Clock::now();
  auto next = last;
  for (int round = 0;; ++round) {
    next += period;
    {
      std::unique_lock lock(wake_mu_);
      if (wake_.wait_until(lock, next, [this] { return stop_sampler_; })) return;
    }
    auto now = Clock::now();
    // A late round (a thread slow to answer) weighs the time it covers, and
    // the schedule restarts from now rather than catching up in a burst.
    if (now > next + period) next = now;
    SampleRound(std::chrono::duration_cast<std::chrono::nanoseconds>(now - last).count(),
                round % running_hz_ == 0);  // /proc/self/task once a second
    last = now;
  }
}

void WallProfiler::SampleRound(int64_t weight_ns, bool rescan) {
  ThreadRegistry& registry = ThreadRegistry::Get();
  struct Target {
    pid_t tid;
    char proc_state = '?';
  };
  std::vector<Target> targets;
  {
    std::lock_guard lock(registry.mu());
    if (rescan) registry.RescanForeignThreadsLocked();
    registry.ForEachLocked([&](ThreadState* t) {
      if (!t->internal && !t->exited) targets.push_back({t->tid});
    });
  }
  // /proc first, the published waits after: a thread that entered a hook
  // in between is seen in it, not signalled.
  for (Target& t : targets) t.proc_state = ProcStateLetter(t.tid);
  struct Pending {
    pid_t tid;
    const LabelSetData* labels;
    int state;
  };
  std::vector<Pending> to_ask;
  WaitSnapshot wait;
  {
    std::lock_guard lock(registry.mu());
    for (const Target& target : targets) {
      ThreadState* t = registry.Find(target.tid);
      if (t == nullptr || t->exited || target.proc_state == 'Z' || target.proc_state == '?') continue;
      const LabelSetData* labels = t->labels.load(std::memory_order_relaxed);
      if (ReadCurrentWait(t->wait, &wait) && wait.kind != WaitKind::kNone) {
        Totals& v = totals_[{{wait.pcs, wait.pcs + wait.depth}, labels, static_cast<int>(wait.kind)}];
        v.count += 1;
        v.wall_ns += weight_ns;
      } else {
        to_ask.push_back({target.tid, labels, target.proc_state == 'R' ? kRunning : kOther});
      }
    }
  }
  int64_t now = MonotonicNanos();
  if (rescan) std::erase_if(quiet_until_ns_, [now](const auto& e) { return e.second <= now; });
  std::vector<uintptr_t> pcs;
  for (const Pending& p : to_ask) {
    pcs.clear();
    if (p.state == kOther) {
      if (const NoRestartCall* call = NoRestartCallOf(p.tid)) {
        Totals& v = totals_[{{}, p.labels, call->state, call->name}];
        v.count += 1;
        v.wall_ns += weight_ns;
        continue;
      }
    }
    auto quiet = quiet_until_ns_.find(p.tid);
    bool asked = quiet == quiet_until_ns_.end() || now >= quiet->second;
    if (asked && !DumpThreadStack(p.tid, leaf_check_, &pcs)) {
      quiet_until_ns_[p.tid] = now + kQuietNs;
    }
    // A thread that did not answer counts with an empty stack.
    Totals& v = totals_[{pcs, p.labels, p.state}];
    v.count += 1;
    v.wall_ns += weight_ns;
  }
  // Lets the next rounds' walks step over frames without frame pointers.
  ResolveMissedFrameRules();
}

std::string WallProfiler::BuildAndEncode() {
  ProfileHeader h;
  h.sample_types = {{"samples", "count"}, {"wall", "nanoseconds"}};
  h.period_type = {"wall", "nanoseconds"};
  h.period = 1000000000LL / running_hz_;
  h.time_nanos = start_nanos_;
  h.duration_nanos = NowNanos() - start_nanos_;
  std::vector<StackRecord> records;
  records.reserve(totals_.size());
  for (const auto& [key, v] : totals_) {
    const char* state = key.state == kRunning ? "running"
                        : key.state == kOther ? "other"
                                              : WaitKindName(static_cast<WaitKind>(key.state));
    const LabelSetData* labels = MergeLabels(key.labels, {{"state", state}});
    std::string frame = key.syscall != nullptr ? std::string(key.syscall) + " (entered before the profile started)"
                        : key.pcs.empty()      ? "cpprof.noStack"
                                               : "";
    records.push_back({key.pcs, labels, {v.count, v.wall_ns}, frame, {}});
  }
  // Gzip level 1, as Go writes profiles (BestSpeed).
  return Gzip(EncodeProfile(BuildProfile(h, records).profile), 1);
}

void WallProfiler::ResetInChild() {
  // The parent's sampler does not exist here, nor its profile.
  new (&control_mu_) std::mutex;
  new (&wake_mu_) std::mutex;
  new (&wake_) std::condition_variable;
  new (&sampler_) std::thread;
  active_ = false;
  totals_.clear();
  sink_ = nullptr;
  SetWaitObserver(kWaitObserverWall, false);
}

}  // namespace cpprof::runtime
