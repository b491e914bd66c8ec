// Tested by tests/runtime/cpu_profile_test.cc (accuracy) and
// tests/runtime/torture_test.cc (robustness).
#include "runtime/cpu_profiler.h"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "profile/codec.h"
#include "profile/gzip.h"
#include "runtime/cpu_timer.h"
#include "runtime/frame_rules.h"
#include "runtime/leaf_caller.h"
#include "runtime/profile_builder.h"
#include "runtime/signal_handler.h"
#include "runtime/trace_recorder.h"

namespace cpprof::runtime {
namespace {

CpuProfiler* g_instance = nullptr;
std::atomic<int64_t> g_orphan_lost{0};  // samples on threads with no ring

// A ring record's labels word with the low bit set carries the stack pointer
// of a thread whose stack bounds are unknown (label sets are 8-aligned).
constexpr uint64_t kNeedsBounds = 1;

// Collector period: 100 ms, as Go's profileWriter. See SampleRing for why
// 64 KiB rings do not overflow at 1 kHz within it.
constexpr int kDrainIntervalMs = 100;
constexpr int kRescanRounds = 10;  // /proc/self/task once a second
// The frame rules samples missed (runtime/frame_rules.h) are computed ten
// times a drain: each computation lets later walks step over one more frame
// without a frame pointer, so stacks through such code are whole after tens
// of milliseconds rather than several drains.
constexpr int kResolvesPerDrain = 10;

// The collector period; CPPROF_COLLECTOR_PERIOD_MS_FOR_TESTING lengthens it
// so that a test can fill the rings and see the lost-sample frame.
std::chrono::milliseconds DrainInterval() {
  const char* v = getenv("CPPROF_COLLECTOR_PERIOD_MS_FOR_TESTING");
  int ms = v != nullptr ? atoi(v) : 0;
  return std::chrono::milliseconds(ms > 0 ? ms : kDrainIntervalMs);
}

}  // namespace

CpuProfiler& CpuProfiler::Get() {
  static CpuProfiler* profiler = g_instance = new CpuProfiler;  // immortal: signals may arrive during exit
  return *profiler;
}

void CpuProfiler::SetRate(int hz) {
  std::lock_guard lock(control_mu_);
  hz_ = std::clamp(hz, 1, 1000);
}

Status CpuProfiler::Start(ProfileSink sink) {
  std::lock_guard lock(control_mu_);
  if (active() && !sink_ && sink) {
    // Sampling for a trace only: the profile takes the samples over from
    // now, at the trace's rate.
    sink_ = std::move(sink);
    start_nanos_ = NowNanos();
    std::lock_guard rlock(ThreadRegistry::Get().mu());
    counts_.clear();
    lost_ = 0;
    g_orphan_lost.store(0);
    return {};
  }
  if (active()) return Status::Error("cpu profiling already in use");
  if (Status s = InstallSigprofHandler(); !s.ok()) return s;
  ThreadRegistry& registry = ThreadRegistry::Get();
  registry.Self();
  running_hz_ = hz_;
  sink_ = std::move(sink);
  start_nanos_ = NowNanos();
  {
    std::lock_guard rlock(registry.mu());
    counts_.clear();
    leaf_check_.Clear();
    lost_ = 0;
    g_orphan_lost.store(0);
    active_.store(true, std::memory_order_release);
    registry.RescanForeignThreadsLocked();
    registry.ForEachLocked([&](ThreadState* t) { ThreadStartedLocked(t); });
  }
  stop_collector_ = false;
  try {
    InternalThreadScope internal;
    collector_ = std::thread([this] { CollectorLoop(); });
  } catch (...) {
    active_.store(false);
    return Status::Error("cannot start the collector thread");
  }
  return {};
}

void CpuProfiler::ThreadStartedLocked(ThreadState* t) {
  if (!active() || t->internal || t->exited) return;
  if (t->ring.load(std::memory_order_relaxed) == nullptr) {
    t->ring.store(new (std::nothrow) SampleRing, std::memory_order_release);
  }
  if (t->timer.load(std::memory_order_relaxed) >= 0) return;
  int id = ArmThreadTimer(t->tid, running_hz_);
  t->timer.store(id, std::memory_order_release);
  // A thread from /proc/self/task (a foreign entry, or a thread past its
  // Unregister) may exit before its timer exists: timer_create then fails,
  // and the thread needs no timer, the process no fallback. Without this
  // check one loaded torture run in ~110 printed the line below and ran the
  // rest of its profile on process-wide setitimer signals too.
  if (id < 0 && !ThreadGone(t->tid) && !process_timer_.load()) {
    LogLine("timer_create failed; falling back to setitimer(ITIMER_PROF) for some threads");
    process_timer_.store(SetProcessTimer(running_hz_));
  }
}

void CpuProfiler::ThreadExitingLocked(ThreadState* t) {
  int id = t->timer.exchange(-1);
  DeleteThreadTimer(id);
}

bool CpuProfiler::OnTimerSignal(void* ucontext, bool from_process_timer, int overrun) {
  CpuProfiler* p = g_instance;
  if (p == nullptr) return false;
  p->in_handler_.fetch_add(1, std::memory_order_seq_cst);
  bool ours = true;
  if (!p->active_.load(std::memory_order_seq_cst)) {
    ours = !from_process_timer;  // a late expiry of our own timer: drop it
  } else {
    ThreadRegistry* registry = ThreadRegistry::GetIfCreated();                      // Start created it
    ThreadState* t = registry != nullptr ? registry->SelfIfRegistered() : nullptr;  // TLS: no gettid
    if (t == nullptr && registry != nullptr) t = registry->Find(CurrentTid());
    if (from_process_timer && !p->process_timer_.load(std::memory_order_relaxed)) {
      ours = false;
    } else if (from_process_timer && t != nullptr && t->timer.load(std::memory_order_relaxed) >= 0) {
      // counted by the thread's own timer already
    } else if (t == nullptr || t->ring.load(std::memory_order_acquire) == nullptr) {
      g_orphan_lost.fetch_add(1, std::memory_order_relaxed);
    } else {
      Registers regs = FromSignalContext(ucontext);
      StackBounds bounds = t->bounds();
      uint64_t labels = reinterpret_cast<uint64_t>(t->labels.load(std::memory_order_acquire));
      if (bounds.known()) {
        bounds.lo = std::max(bounds.lo, regs.sp);  // frames live above sp; below may be unmapped
      } else {
        labels = regs.sp | kNeedsBounds;
      }
      uintptr_t pcs[kMaxStackDepth];
      bool caller_exact;
      int n = WalkStack(regs, bounds, pcs, kMaxStackDepth, &caller_exact);
      pcs[0] += 1;  // stored as a return address like the others
      // [sp] is readable when sp is inside the known stack (see leaf_caller.h).
      uint64_t leaf_word = 0;
      if (!caller_exact && bounds.known() && regs.sp + sizeof(uintptr_t) <= bounds.hi) {
        leaf_word = *reinterpret_cast<uintptr_t*>(regs.sp);
      }
      uint32_t weight = 1 + static_cast<uint32_t>(std::clamp(overrun, 0, 1000));
      t->ring.load(std::memory_order_relaxed)->TryWrite(weight, labels, leaf_word, pcs, static_cast<size_t>(n));
      TraceCpuSample(t, pcs, static_cast<size_t>(n));  // a running trace gets the sample too
    }
  }
  p->in_handler_.fetch_sub(1, std::memory_order_seq_cst);
  return ours;
}

void CpuProfiler::Record(uint32_t weight, const LabelSetData* labels, uintptr_t leaf_word, const uintptr_t* pcs,
                         size_t n) {
  try {
    Key key{std::vector<uintptr_t>(pcs, pcs + n), labels};
    if (n > 0 && n < kMaxStackDepth && leaf_check_.IsLeafCaller(leaf_word, n > 1 ? pcs[1] : 0)) {
      key.pcs.insert(key.pcs.begin() + 1, leaf_word);
    }
    counts_[key] += weight;
  } catch (const std::bad_alloc&) {
    lost_ += weight;  // out of memory: the sample is counted as lost, the host goes on
  }
}

void CpuProfiler::DrainLocked() {
  ThreadRegistry& registry = ThreadRegistry::Get();
  registry.ForEachLocked([&](ThreadState* t) {
    SampleRing* ring = t->ring.load(std::memory_order_acquire);
    if (ring == nullptr) return;
    uintptr_t unknown_sp = 0;
    ring->Drain([&](uint32_t weight, uint64_t labels, uint64_t leaf_word, const uintptr_t* pcs, size_t n) {
      if (labels & kNeedsBounds) {
        unknown_sp = static_cast<uintptr_t>(labels & ~kNeedsBounds);
        labels = 0;
      }
      Record(weight, reinterpret_cast<const LabelSetData*>(labels), static_cast<uintptr_t>(leaf_word), pcs, n);
    });
    lost_ += static_cast<int64_t>(ring->TakeLost());
    if (unknown_sp != 0 && !t->bounds().known()) {
      StackBounds b = MappingAround(unknown_sp);
      t->stack_lo.store(b.lo);
      t->stack_hi.store(b.hi);
    }
    if (t->exited) {
      t->ring.store(nullptr);
      delete ring;
    }
  });
  registry.ReapLocked();
}

void CpuProfiler::CollectorLoop() {
  ThreadRegistry& registry = ThreadRegistry::Get();
  registry.MarkSelfInternal();
  const std::chrono::milliseconds interval = DrainInterval();
  std::unique_lock lock(wake_mu_);
  for (int step = 1; !stop_collector_; ++step) {
    wake_.wait_for(lock, interval / kResolvesPerDrain);
    ResolveMissedFrameRules();
    if (step % kResolvesPerDrain != 0) continue;
    std::lock_guard rlock(registry.mu());
    DrainLocked();
    // Threads that did not come through pthread_create (raw clone, or
    // libcpprof dlopen'ed after they started) join within a second.
    if (step % (kResolvesPerDrain * kRescanRounds) == 0) registry.RescanForeignThreadsLocked();
  }
}

Status CpuProfiler::StopIfUnclaimed() {
  {
    std::lock_guard lock(control_mu_);
    if (!active() || sink_) return {};
  }
  // A Start between the check and this Stop may claim the samples: Stop
  // then builds its profile, as the program asked.
  return Stop();
}

Status CpuProfiler::Stop() {
  std::lock_guard lock(control_mu_);
  if (!active()) return Status::Error("cpu profiling is not running");
  ThreadRegistry& registry = ThreadRegistry::Get();
  active_.store(false, std::memory_order_seq_cst);  // first: threads starting now arm no timer
  {
    std::lock_guard rlock(registry.mu());
    registry.ForEachLocked([&](ThreadState* t) { ThreadExitingLocked(t); });
  }
  if (process_timer_.exchange(false)) SetProcessTimer(0);
  // A handler that saw active_ true may still be writing to a ring.
  while (in_handler_.load(std::memory_order_seq_cst) != 0) sched_yield();
  {
    std::lock_guard wlock(wake_mu_);
    stop_collector_ = true;
  }
  wake_.notify_all();
  if (collector_.joinable()) collector_.join();
  std::string bytes;
  {
    std::lock_guard rlock(registry.mu());
    DrainLocked();
    registry.ForEachLocked([&](ThreadState* t) { delete t->ring.exchange(nullptr); });
    registry.ReapLocked();
  }
  if (!sink_) {  // the samples only fed a trace (trace_recorder.h): no profile to build
    counts_.clear();
    return {};
  }
  try {
    bytes = BuildAndEncode();
  } catch (...) {
    counts_.clear();
    return Status::Error("out of memory while building the CPU profile");
  }
  counts_.clear();
  ProfileSink sink = std::move(sink_);
  sink_ = nullptr;
  return sink(bytes);
}

std::string CpuProfiler::BuildAndEncode() {
  ProfileHeader h;
  h.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};
  h.period_type = {"cpu", "nanoseconds"};
  h.period = 1000000000LL / running_hz_;
  h.time_nanos = start_nanos_;
  h.duration_nanos = NowNanos() - start_nanos_;
  std::vector<StackRecord> records;
  records.reserve(counts_.size() + 1);
  for (const auto& [key, count] : counts_) {
    records.push_back({key.pcs, key.labels, {count, count * h.period}, {}, {}});
  }
  int64_t lost = lost_ + g_orphan_lost.exchange(0);
  if (lost > 0) records.push_back({{}, nullptr, {lost, lost * h.period}, "cpprof.lostProfileEvent", {}});
  // Gzip level 1, as Go writes profiles (BestSpeed): profiles are written
  // while the host keeps running.
  return Gzip(EncodeProfile(BuildProfile(h, records).profile), 1);
}

void CpuProfiler::ResetInChild() {
  new (&control_mu_) std::mutex;
  new (&wake_mu_) std::mutex;
  new (&wake_) std::condition_variable;
  new (&collector_) std::thread;  // the parent's collector does not exist here
  active_.store(false);
  in_handler_.store(0);
  process_timer_.store(false);
  counts_.clear();
  sink_ = nullptr;
}

}  // namespace cpprof::runtime
