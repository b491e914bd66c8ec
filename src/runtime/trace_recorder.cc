// Tested by tests/runtime/trace_test.cc and tests/runtime/torture_test.cc.
#include "runtime/trace_recorder.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "cpprof/trace.h"
#include "runtime/blocked_call.h"
#include "runtime/cpu_profiler.h"
#include "runtime/process_stat.h"
#include "runtime/sched_switch.h"
#include "runtime/stack_walk.h"
#include "runtime/thread_registry.h"
#include "runtime/trace_buffer.h"
#include "runtime/trace_clock.h"
#include "runtime/trace_encoder.h"
#include "trace/trace_format.h"

namespace cpprof::trace_internal {
std::atomic<uint32_t> session{0};
}  // namespace cpprof::trace_internal

namespace cpprof::runtime {

// A traced thread: its buffer and scheduler records. Owned by its
// ThreadState (ThreadState::trace); created under the registry lock, freed
// by the flusher after the thread exited and its buffer was drained.
struct TraceThread {
  TraceBuffer* buffer = nullptr;  // null beyond the memory budget
  pid_t tid = 0;
  uint64_t uuid = 0;
  std::string name;  // as first seen
  bool described = false;
  bool exited = false;
  SchedSwitchReader sched;
  // Preemptions read from sched's ring since the last flush: the ring is
  // read every kSchedReadIntervalMs, five times a flush, so that its 8 KiB
  // (341 switch records) hold a thread switching 17,000 times a second;
  // read once a flush, a thread sleeping 2,000 times a second lost some.
  std::vector<std::pair<int64_t, int64_t>> preemptions;
  // The call the thread was blocked in when the trace started (no hook timed
  // it): a wait from the trace's start to the thread's first event.
  BlockedCall blocked_at_start;
  int64_t blocked_since_ns = 0;  // 0: none, or closed
  int64_t last_event_ns = 0;     // when its last recorded event ended
};

namespace {

using trace_internal::session;

constexpr size_t kMemoryBudget = size_t{64} << 20;
constexpr int kFlushIntervalMs = 100;  // as Go's profile writer; a trace is seconds long
constexpr int kSchedReadIntervalMs = 20;
constexpr size_t kMaxMessage = 4096;

std::atomic<size_t> g_buffer_bytes{0};
std::atomic<uint64_t> g_dropped{0};  // events of threads without a buffer
std::atomic<uint32_t> g_incarnation{0};
std::atomic<bool> g_names_dirty{false};  // another thread was renamed
int g_wake_fd = -1;                      // eventfd: a buffer is half full, or stop

__thread uint64_t tls_task __attribute__((tls_model("initial-exec"))) = 0;

// Region and task types, log categories: interned once for the process.
// Each thread keeps the last ids by address so a region's type costs a
// compare, not a lookup.
struct TypeTable {
  std::mutex mu;
  std::unordered_map<std::string, uint32_t> ids;
  std::deque<std::string> names;  // id - 1 -> name; deque: stable addresses
};
TypeTable& Types() {
  static TypeTable* t = new TypeTable;  // immortal: threads outlive statics
  return *t;
}
struct TypeCacheEntry {
  const char* data = nullptr;
  size_t size = 0;
  const std::string* name = nullptr;
  uint32_t id = 0;
};
constexpr size_t kTypeCacheSize = 16;
__thread TypeCacheEntry tls_types[kTypeCacheSize] __attribute__((tls_model("initial-exec")));

std::string TypeName(uint32_t id) {
  TypeTable& t = Types();
  std::lock_guard lock(t.mu);
  return id >= 1 && id <= t.names.size() ? t.names[id - 1] : std::string();
}

class Recorder {
 public:
  Status Start(TraceSink sink);
  Status Stop();
  void ThreadRegisteredLocked(ThreadState* t, bool at_start) noexcept;
  void ThreadGoneLocked(ThreadState* t);
  void ResetInChild();

 private:
  void FlusherLoop();
  // Moves the buffers' records into batch_; final: also the end counters.
  void CollectLocked(bool final);
  void EndBlockedAtStart(TraceThread* tt, size_t first_record,
                         const std::vector<std::pair<int64_t, int64_t>>& preemptions, bool final);
  void AddUntimedWait(TraceThread* tt, const BlockedCall& c, int64_t begin, int64_t end);
  // Moves the perf rings' preemptions into the threads' lists.
  void ReadSchedLocked();
  // Encodes batch_ and hands the bytes to the sink; false on a write error.
  bool EncodeAndWrite();
  void FreeLocked(ThreadState* t);
  // Gives t its TraceThread and what the trace says about it first.
  void DescribeLocked(ThreadState* t, bool at_start);
  Status StopLocked();  // REQUIRES: control_mu_ held

  std::mutex control_mu_;
  bool running_ = false;  // guarded by the registry mutex too
  uint32_t session_ = 0;
  uint32_t last_session_ = 0;
  bool perf_ = false;
  // Perf events open, and how many may be: each holds a file descriptor, so
  // at most a quarter of RLIMIT_NOFILE's soft limit (256 of the usual 1024)
  // lest the host's own open() fail. Guarded by the registry mutex.
  int perf_events_ = 0;
  int perf_limit_ = 0;
  bool owns_cpu_profile_ = false;
  TraceSink sink_;
  std::thread flusher_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> write_failed_{false};
  std::string out_;
  std::unique_ptr<TraceEncoder> encoder_;
  TraceBatch batch_;
  TraceTickConverter ticks_;
  uint64_t dropped_ = 0;  // flusher only
};

Recorder& TheRecorder() {
  static Recorder* r = new Recorder;  // immortal: threads outlive statics
  return *r;
}

void Kick() {
  uint64_t one = 1;
  if (g_wake_fd >= 0) (void)!write(g_wake_fd, &one, sizeof(one));
}

CPPROF_SIGNAL_SAFE TraceThread* TraceOf(ThreadState* t) {
  return t != nullptr ? t->trace.load(std::memory_order_acquire) : nullptr;
}

// The calling thread's trace state, registering the thread first (not from
// signal handlers).
TraceThread* SelfTrace() {
  ThreadRegistry& registry = ThreadRegistry::Get();
  ThreadState* t = registry.SelfIfRegistered();
  if (t == nullptr) t = registry.Self();
  return TraceOf(t);
}

// False when the record was not written (dropped, or not traced).
CPPROF_SIGNAL_SAFE bool Write(TraceThread* tt, uint8_t type, uint32_t s, const uint64_t* fixed, size_t nfixed,
                              const uint64_t* tail = nullptr, size_t ntail = 0) {
  if (tt == nullptr) return false;  // a thread the trace does not follow (cpprof's own)
  if (tt->buffer == nullptr) {
    g_dropped.fetch_add(1, std::memory_order_relaxed);  // beyond the memory budget
    return false;
  }
  bool half_full = false;
  bool written = tt->buffer->TryWrite(type, s, fixed, nfixed, tail, ntail, &half_full);
  if (half_full) Kick();
  return written;
}

// Copies text into words after a length word: [n, bytes...].
size_t PackBytes(std::string_view text, uint64_t* out, size_t max_words) {
  size_t n = std::min(text.size(), (max_words - 1) * sizeof(uint64_t));
  out[0] = n;
  std::memcpy(out + 1, text.data(), n);
  return 1 + (n + 7) / 8;
}

std::string ThreadName(pid_t tid) {
  char buf[64];
  std::string name = ReadTaskFile(tid, "comm", buf, sizeof(buf)) > 0 ? buf : "";
  if (!name.empty() && name.back() == '\n') name.pop_back();
  return name;
}

Status Recorder::Start(TraceSink sink) {
  std::lock_guard lock(control_mu_);
  if (running_) return Status::Error("tracing is already enabled");
  if (g_wake_fd < 0) g_wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (g_wake_fd < 0) return Status::Error("cannot create the trace flusher's eventfd");
  const char* perf_env = getenv("CPPROF_TRACE_PERF");
  perf_ = perf_env == nullptr || std::strcmp(perf_env, "0") != 0;
  if (perf_) {
    SchedSwitchReader probe;  // refused at perf_event_paranoid 3, or by seccomp
    perf_ = probe.Open(CurrentTid());
  }
  perf_events_ = 0;
  rlimit files{};
  perf_limit_ =
      getrlimit(RLIMIT_NOFILE, &files) == 0 ? static_cast<int>(std::min<rlim_t>(files.rlim_cur / 4, 4096)) : 0;
  int64_t cpu, delay;
  const char* source = perf_                                       ? trace::kSchedSourcePerfSwitch
                       : ReadSchedstat(CurrentTid(), &cpu, &delay) ? trace::kSchedSourceSchedstat
                                                                   : trace::kSchedSourceNone;
  sink_ = std::move(sink);
  out_.clear();
  batch_.Clear();
  dropped_ = 0;
  g_dropped.store(0);
  stop_.store(false);
  write_failed_.store(false);
  TraceClockInit();
  ticks_ = {};
  ticks_.Calibrate();
  encoder_ = std::make_unique<TraceEncoder>(&out_);
  encoder_->Begin(source);
  session_ = ++last_session_ == 0 ? ++last_session_ : last_session_;
  ThreadRegistry& registry = ThreadRegistry::Get();
  registry.Self();
  {
    std::lock_guard rlock(registry.mu());
    running_ = true;
    session.store(session_, std::memory_order_release);
    SetWaitObserver(kWaitObserverTrace, true);
    registry.RescanForeignThreadsLocked();
    registry.ForEachLocked([&](ThreadState* t) { ThreadRegisteredLocked(t, true); });
  }
  // CPU samples come from the CPU profiler's timers; a profile the program
  // runs gets the same samples. Started after the threads were listed, so
  // that its collector thread is not mistaken for one of the host's.
  CpuProfiler& cpu_profiler = CpuProfiler::Get();
  owns_cpu_profile_ = !cpu_profiler.active() && cpu_profiler.Start(nullptr).ok();
  try {
    InternalThreadScope internal;
    flusher_ = std::thread([this] { FlusherLoop(); });
  } catch (...) {
    (void)StopLocked();
    return Status::Error("cannot start the trace flusher thread");
  }
  return {};
}

void Recorder::ThreadRegisteredLocked(ThreadState* t, bool at_start) noexcept {
  if (!running_ || t->internal || t->exited) return;
  try {
    DescribeLocked(t, at_start);
  } catch (...) {
    // Out of memory naming the thread: it is described by its tid alone.
  }
}

void Recorder::DescribeLocked(ThreadState* t, bool at_start) {
  TraceThread* tt = t->trace.load(std::memory_order_relaxed);
  if (tt == nullptr) {
    tt = new (std::nothrow) TraceThread;
    if (tt == nullptr) return;
    tt->tid = t->tid;
    tt->uuid = trace::ThreadTrackUuid(static_cast<uint32_t>(t->tid), g_incarnation.fetch_add(1) + 1);
    if (g_buffer_bytes.fetch_add(sizeof(TraceBuffer)) + sizeof(TraceBuffer) <= kMemoryBudget) {
      void* p = mmap(nullptr, sizeof(TraceBuffer), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED) tt->buffer = new (p) TraceBuffer;
    }
    if (tt->buffer == nullptr) g_buffer_bytes.fetch_sub(sizeof(TraceBuffer));
    t->trace.store(tt, std::memory_order_release);
  }
  tt->described = false;
  // A thread found at start is described now, with its counters; a new
  // one at the next flush, its counters in its "thread start" record.
  if (at_start) {
    tt->name = ThreadName(t->tid);
    int64_t cpu, delay;
    batch_.threads.push_back({tt->uuid, tt->tid, tt->name, false});
    tt->described = true;
    if (t->start_routine != 0) {
      // Its "thread start" (routine, no stack: none was kept), at the time
      // it started, with the counters as they are now.
      if (!ReadSchedstat(t->tid, &cpu, &delay)) cpu = delay = 0;
      const uint64_t w[] = {static_cast<uint64_t>(t->started_ns), t->start_routine, static_cast<uint64_t>(cpu),
                            static_cast<uint64_t>(delay)};
      batch_.Add(tt->uuid, tt->tid, kRecThreadStart, w, std::size(w));
    } else if (ReadSchedstat(t->tid, &cpu, &delay)) {
      batch_.counters.push_back({tt->uuid, MonotonicNanos(), cpu, delay});
    }
    // A server's threads idle in accept or epoll_wait for seconds: without
    // this their whole trace would be "unknown".
    tt->last_event_ns = MonotonicNanos();
    if (t->tid != CurrentTid() && BlockedCallOf(t->tid, &tt->blocked_at_start))
      tt->blocked_since_ns = tt->last_event_ns;
  } else if (t->foreign) {
    tt->name = ThreadName(t->tid);
  } else {
    char name[17] = {};
    prctl(PR_GET_NAME, name);  // the thread registers itself
    tt->name = name;
  }
  // Unprivileged, the kernel also bounds the events' locked ring pages
  // (perf_event_mlock_kb, 516 KiB per CPU): past ~50 threads on 2 CPUs
  // Open fails and a thread has only its schedstat counters.
  if (perf_ && !tt->sched.open() && perf_events_ < perf_limit_ && tt->sched.Open(t->tid)) ++perf_events_;
}

void Recorder::FreeLocked(ThreadState* t) {
  TraceThread* tt = t->trace.exchange(nullptr);
  if (tt == nullptr) return;
  perf_events_ -= tt->sched.open();
  if (tt->buffer != nullptr) {
    munmap(tt->buffer, sizeof(TraceBuffer));
    g_buffer_bytes.fetch_sub(sizeof(TraceBuffer));
  }
  delete tt;
}

void Recorder::ThreadGoneLocked(ThreadState* t) {
  TraceThread* tt = t->trace.load(std::memory_order_relaxed);
  if (tt == nullptr) return;
  if (running_) {
    tt->exited = true;  // the flusher drains its buffer, then frees it
  } else {
    FreeLocked(t);
  }
}

void Recorder::CollectLocked(bool final) {
  ThreadRegistry& registry = ThreadRegistry::Get();
  ticks_.Calibrate();
  bool rename = g_names_dirty.exchange(false);
  registry.ForEachLocked([&](ThreadState* t) {
    TraceThread* tt = t->trace.load(std::memory_order_relaxed);
    if (tt == nullptr) return;
    size_t records_before = batch_.records.size();
    if (!tt->described || (rename && !tt->exited)) {
      if (rename && !tt->exited) {
        std::string name = ThreadName(tt->tid);
        if (!name.empty()) tt->name = name;
      }
      batch_.threads.push_back({tt->uuid, tt->tid, tt->name, tt->described});
      tt->described = true;
    }
    if (tt->buffer != nullptr) {
      tt->buffer->Drain(session_, [&](uint8_t type, const uint64_t* w, size_t n) {
        if (n == 0) return;
        batch_.Add(tt->uuid, tt->tid, type, w, n);
        // Waits come timed by their hooks, in ns; the rest in ticks.
        if (type != kRecWait) batch_.words[batch_.records.back().offset] = ticks_.ToNanos(w[0]);
      });
      dropped_ += tt->buffer->TakeLost();
    }
    dropped_ += tt->sched.Read(&tt->preemptions);
    const std::vector<std::pair<int64_t, int64_t>>& preemptions = tt->preemptions;
    for (const auto& [b, e] : preemptions) batch_.preemptions.push_back({tt->uuid, b, e});
    for (size_t i = records_before; i < batch_.records.size(); ++i) {
      const TraceBatch::Record& r = batch_.records[i];
      const uint64_t* w = &batch_.words[r.offset];
      tt->last_event_ns = std::max(tt->last_event_ns, static_cast<int64_t>(r.type == kRecWait ? w[1] : w[0]));
    }
    for (const auto& [unused, e] : preemptions) tt->last_event_ns = std::max(tt->last_event_ns, e);
    if (tt->blocked_since_ns != 0) {
      EndBlockedAtStart(tt, records_before, preemptions, final);
    } else if (final && !tt->exited) {
      // Blocked as the trace ends, in a call whose hook will record nothing
      // now: a wait since its last event.
      BlockedCall c;
      if (tt->tid != CurrentTid() && BlockedCallOf(tt->tid, &c))
        AddUntimedWait(tt, c, tt->last_event_ns, MonotonicNanos());
    }
    tt->preemptions.clear();
    if (final && !tt->exited) {
      int64_t cpu, delay;
      if (ReadSchedstat(tt->tid, &cpu, &delay)) batch_.counters.push_back({tt->uuid, MonotonicNanos(), cpu, delay});
    }
    if (tt->exited) {
      FreeLocked(t);
    } else if (final) {
      perf_events_ -= tt->sched.open();
      tt->sched.Close();
      if (tt->buffer != nullptr) tt->buffer->ReleasePages();
    }
  });
  registry.ReapLocked();
  // Threads' buffers drain in turn: order this flush's records by time.
  std::stable_sort(batch_.records.begin(), batch_.records.end(),
                   [&](const TraceBatch::Record& a, const TraceBatch::Record& b) {
                     return batch_.words[a.offset] < batch_.words[b.offset];
                   });
}

// The call a thread was blocked in at the trace's start ends before the
// first thing it records (its next wait begins after it, a CPU sample or a
// preemption means it ran), or with the trace.
void Recorder::EndBlockedAtStart(TraceThread* tt, size_t first_record,
                                 const std::vector<std::pair<int64_t, int64_t>>& preemptions, bool final) {
  int64_t end = final || tt->exited ? MonotonicNanos() : 0;
  for (size_t i = first_record; i < batch_.records.size(); ++i) {
    int64_t ts = static_cast<int64_t>(batch_.words[batch_.records[i].offset]);
    if (end == 0 || ts < end) end = ts;
  }
  for (const auto& [begin, unused] : preemptions) {
    if (end == 0 || begin < end) end = begin;
  }
  if (end == 0) return;  // still blocked
  AddUntimedWait(tt, tt->blocked_at_start, tt->blocked_since_ns, end);
  tt->blocked_since_ns = 0;
}

// A wait /proc told of, written as the hooks' waits are but without a stack:
// the thread was not signalled for one.
void Recorder::AddUntimedWait(TraceThread* tt, const BlockedCall& c, int64_t begin, int64_t end) {
  if (end <= begin) return;
  const uint64_t w[] = {static_cast<uint64_t>(begin), static_cast<uint64_t>(end), static_cast<uint64_t>(c.kind),
                        reinterpret_cast<uint64_t>(c.call), c.object};
  batch_.Add(tt->uuid, tt->tid, kRecWait, w, std::size(w));
}

void Recorder::ReadSchedLocked() {
  ThreadRegistry::Get().ForEachLocked([&](ThreadState* t) {
    TraceThread* tt = t->trace.load(std::memory_order_relaxed);
    if (tt != nullptr) dropped_ += tt->sched.Read(&tt->preemptions);
  });
}

bool Recorder::EncodeAndWrite() {
  try {
    encoder_->Encode(batch_, TypeName);
  } catch (...) {
    ++dropped_;  // out of memory: this flush's records are lost, the host goes on
  }
  batch_.Clear();
  if (out_.empty() || write_failed_.load()) return !write_failed_.load();
  bool ok = sink_(out_);
  out_.clear();
  if (!ok && !write_failed_.exchange(true)) {
    // Off for the rest of this trace; StopTrace returns the error.
    session.store(0, std::memory_order_relaxed);
    LogLine("trace: writing the trace failed; tracing stopped");
  }
  return ok;
}

void Recorder::FlusherLoop() {
  ThreadRegistry& registry = ThreadRegistry::Get();
  registry.MarkSelfInternal();
  auto next_flush = std::chrono::steady_clock::now() + std::chrono::milliseconds(kFlushIntervalMs);
  while (!stop_.load()) {
    pollfd p = {g_wake_fd, POLLIN, 0};
    bool kicked = poll(&p, 1, kSchedReadIntervalMs) > 0;
    uint64_t count;
    if (kicked) (void)!read(g_wake_fd, &count, sizeof(count));
    if (stop_.load()) break;
    try {
      if (!kicked && std::chrono::steady_clock::now() < next_flush) {
        std::lock_guard rlock(registry.mu());
        ReadSchedLocked();
        continue;
      }
      next_flush = std::chrono::steady_clock::now() + std::chrono::milliseconds(kFlushIntervalMs);
      {
        std::lock_guard rlock(registry.mu());
        CollectLocked(false);
      }
      EncodeAndWrite();
    } catch (...) {
      // Out of memory: this trace records nothing more; StopTrace ends it.
      session.store(0, std::memory_order_relaxed);
      batch_.Clear();
      LogLine("trace: out of memory; tracing stopped");
      break;
    }
  }
}

Status Recorder::Stop() {
  std::lock_guard lock(control_mu_);
  if (!running_) return Status::Error("tracing is not enabled");
  return StopLocked();
}

Status Recorder::StopLocked() {
  SetWaitObserver(kWaitObserverTrace, false);
  if (owns_cpu_profile_) (void)CpuProfiler::Get().StopIfUnclaimed();
  owns_cpu_profile_ = false;
  stop_.store(true);
  Kick();
  if (flusher_.joinable()) flusher_.join();
  ThreadRegistry& registry = ThreadRegistry::Get();
  {
    std::lock_guard rlock(registry.mu());
    session.store(0, std::memory_order_release);
    CollectLocked(true);
    running_ = false;
  }
  dropped_ += g_dropped.exchange(0);
  EncodeAndWrite();
  try {
    encoder_->End(MonotonicNanos(), dropped_);
  } catch (...) {
  }
  bool ok = EncodeAndWrite() && !write_failed_.load();
  encoder_.reset();
  sink_ = nullptr;
  return ok ? Status() : Status::Error("writing the trace failed");
}

void Recorder::ResetInChild() {
  // The flusher may have been changing any of these at fork: they are
  // abandoned (leaked), not destroyed.
  new (&control_mu_) std::mutex;
  new (&flusher_) std::thread;  // the parent's flusher does not exist here
  new (&sink_) TraceSink;       // the parent's destination
  new (&out_) std::string;
  new (&batch_) TraceBatch;
  (void)encoder_.release();
  new (&encoder_) std::unique_ptr<TraceEncoder>;
  new (&Types().mu) std::mutex;
  running_ = false;
  perf_events_ = 0;
  session.store(0);
  SetWaitObserver(kWaitObserverTrace, false);
  if (g_wake_fd >= 0) close(g_wake_fd);  // shared with the parent
  g_wake_fd = -1;
  // The registry kept only the forking thread; its perf event watches the
  // parent's thread.
  ThreadState* self = ThreadRegistry::Get().SelfIfRegistered();
  TraceThread* tt = TraceOf(self);
  if (tt != nullptr) tt->sched.Close();
  // Only this thread's buffer came along.
  g_buffer_bytes.store(tt != nullptr && tt->buffer != nullptr ? sizeof(TraceBuffer) : 0);
}

}  // namespace

uint32_t TraceSession() { return session.load(std::memory_order_relaxed); }

Status StartTracing(TraceSink sink) { return TheRecorder().Start(std::move(sink)); }
Status StopTracing() { return TheRecorder().Stop(); }

uint32_t TraceInternType(std::string_view type) {
  size_t slot = (reinterpret_cast<uintptr_t>(type.data()) >> 3 ^ type.size()) % kTypeCacheSize;
  TypeCacheEntry& e = tls_types[slot];
  // The same address may hold another string later (a reused buffer): the
  // content is compared too.
  if (e.data == type.data() && e.size == type.size() && std::string_view(*e.name) == type) return e.id;
  TypeTable& t = Types();
  std::lock_guard lock(t.mu);
  auto [it, added] = t.ids.emplace(std::string(type), static_cast<uint32_t>(t.names.size() + 1));
  if (added) t.names.push_back(it->first);
  e = {type.data(), type.size(), &t.names[it->second - 1], it->second};
  return it->second;
}

uint64_t TraceCurrentTask() { return tls_task; }
void TraceSetCurrentTask(uint64_t id) { tls_task = id; }

uint32_t TraceRegionBegin(std::string_view type) {
  uint32_t s = session.load(std::memory_order_relaxed);
  if (s == 0) return 0;
  TraceThread* tt = SelfTrace();
  ThreadState* t = ThreadRegistry::Get().SelfIfRegistered();
  const uint64_t w[] = {TraceTicks(), TraceInternType(type), tls_task,
                        reinterpret_cast<uint64_t>(t != nullptr ? t->labels.load(std::memory_order_relaxed) : nullptr)};
  // A dropped begin has no end either: slices stay balanced.
  return Write(tt, kRecRegionBegin, s, w, 4) ? s : 0;
}

void TraceRegionEnd(uint32_t s) {
  if (session.load(std::memory_order_relaxed) != s) return;  // a later trace did not see the begin
  const uint64_t w[] = {TraceTicks()};
  Write(SelfTrace(), kRecRegionEnd, s, w, 1);
}

void TraceTaskBegin(uint64_t id, uint64_t parent, uint32_t type) {
  uint32_t s = session.load(std::memory_order_relaxed);
  if (s == 0) return;
  uintptr_t pcs[kMaxStackDepth];
  int n = CaptureStackOutsideRuntime(SelfStackBoundsIfRegistered(), pcs, kMaxStackDepth);
  const uint64_t w[] = {TraceTicks(), id, parent, type};
  Write(SelfTrace(), kRecTaskBegin, s, w, 4, reinterpret_cast<const uint64_t*>(pcs), static_cast<size_t>(n));
}

void TraceTaskEnd(uint64_t id, uint32_t type) {
  uint32_t s = session.load(std::memory_order_relaxed);
  if (s == 0) return;
  const uint64_t w[] = {TraceTicks(), id, type};
  Write(SelfTrace(), kRecTaskEnd, s, w, 3);
}

void TraceLogMessage(std::string_view category, std::string_view message) {
  uint32_t s = session.load(std::memory_order_relaxed);
  if (s == 0) return;
  const uint64_t w[] = {TraceTicks(), TraceInternType(category), tls_task};
  uint64_t bytes[1 + kMaxMessage / 8];
  size_t n = PackBytes(message, bytes, std::size(bytes));
  Write(SelfTrace(), kRecLog, s, w, 3, bytes, n);
}

void TraceWait(ThreadState* self, WaitKind kind, const char* call, uint64_t object, int64_t start_ns,
               int64_t end_ns) noexcept {
  uint32_t s = session.load(std::memory_order_relaxed);
  if (s == 0) return;
  TraceThread* tt = TraceOf(self);
  if (tt == nullptr) return;  // cpprof's own threads, and threads it has not seen yet
  uintptr_t pcs[kMaxStackDepth];
  int n = CaptureStackOutsideRuntime(self->bounds(), pcs, kMaxStackDepth);
  const uint64_t w[] = {static_cast<uint64_t>(start_ns), static_cast<uint64_t>(end_ns), static_cast<uint64_t>(kind),
                        reinterpret_cast<uint64_t>(call), object};
  Write(tt, kRecWait, s, w, 5, reinterpret_cast<const uint64_t*>(pcs), static_cast<size_t>(n));
}

void TraceCpuSample(ThreadState* t, const uintptr_t* pcs, size_t n) {
  uint32_t s = session.load(std::memory_order_relaxed);
  if (s == 0) return;
  const uint64_t w[] = {TraceTicks()};
  Write(TraceOf(t), kRecCpuSample, s, w, 1, reinterpret_cast<const uint64_t*>(pcs), n);
}

void TraceCaptureOrigin(void* (*start)(void*), TraceThreadOrigin* origin) {
  if (session.load(std::memory_order_relaxed) == 0) return;
  origin->created_ticks = TraceTicks();
  origin->start_routine = reinterpret_cast<uintptr_t>(start);
  origin->depth = CaptureStackOutsideRuntime(SelfStackBoundsIfRegistered(), origin->pcs, std::size(origin->pcs));
}

void TraceThreadStarted(const TraceThreadOrigin& origin) {
  uint32_t s = session.load(std::memory_order_relaxed);
  if (s == 0) return;
  int64_t cpu = 0, delay = 0;
  ReadSchedstat(CurrentTid(), &cpu, &delay);
  const uint64_t w[] = {origin.created_ticks != 0 ? origin.created_ticks : TraceTicks(), origin.start_routine,
                        static_cast<uint64_t>(cpu), static_cast<uint64_t>(delay)};
  Write(SelfTrace(), kRecThreadStart, s, w, 4, reinterpret_cast<const uint64_t*>(origin.pcs),
        static_cast<size_t>(origin.depth));
}

void TraceThreadRenamed(const char* own_name) {
  uint32_t s = session.load(std::memory_order_relaxed);
  if (s == 0) return;
  if (own_name == nullptr) {
    g_names_dirty.store(true);
    return;
  }
  const uint64_t w[] = {TraceTicks()};
  uint64_t bytes[3];  // 15 characters, as the kernel keeps
  size_t n = PackBytes(std::string_view(own_name, strnlen(own_name, 15)), bytes, std::size(bytes));
  Write(SelfTrace(), kRecThreadName, s, w, 1, bytes, n);
}

void TraceThreadRegisteredLocked(ThreadState* t) { TheRecorder().ThreadRegisteredLocked(t, false); }

void TraceThreadExiting(ThreadState* t) {
  uint32_t s = session.load(std::memory_order_relaxed);
  TraceThread* tt = TraceOf(t);
  if (s == 0 || tt == nullptr || t->internal) return;
  int64_t cpu = 0, delay = 0;
  ReadSchedstat(t->tid, &cpu, &delay);
  const uint64_t w[] = {TraceTicks(), static_cast<uint64_t>(cpu), static_cast<uint64_t>(delay)};
  Write(tt, kRecThreadExit, s, w, 3);
}

void TraceThreadGoneLocked(ThreadState* t) { TheRecorder().ThreadGoneLocked(t); }

void TraceResetInChild() { TheRecorder().ResetInChild(); }

}  // namespace cpprof::runtime
