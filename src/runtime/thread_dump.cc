// Tested by tests/runtime/named_profiles_test.cc, tests/runtime/http_test.sh and
// tests/runtime/wall_profile_test.cc.
#include "runtime/thread_dump.h"

#include <dirent.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include "runtime/frame_rules.h"
#include "runtime/heap_sampler.h"
#include "runtime/leaf_caller.h"
#include "runtime/signal_handler.h"
#include "runtime/stack_walk.h"
#include "runtime/thread_registry.h"

namespace cpprof::runtime {
namespace {

constexpr auto kPerThreadWait = std::chrono::milliseconds(100);
constexpr auto kTotalBudget = std::chrono::seconds(5);
// Asks per thread after the first while they fill the rule cache: each
// steps over one more frame without a frame pointer (Debian's libstdc++
// and libc have none).
constexpr int kRuleRounds = 16;
constexpr uint64_t kCookie = 0xC9D0ull << 48;  // high bits of sival_ptr
constexpr uint64_t kSeqMask = (1ull << 48) - 1;

// The one request in flight; written by the dumper, answered by one thread.
struct DumpSlot {
  std::atomic<uint64_t> seq{0};
  std::atomic<pid_t> tid{0};
  std::atomic<uintptr_t> lo{0}, hi{0};  // bounds for threads without a ThreadState
  uintptr_t pcs[kMaxStackDepth];
  int n = 0;
  uintptr_t sp = 0;
  uintptr_t leaf_word = 0;  // the word at sp (see leaf_caller.h)
  bool bounds_known = false;
  std::atomic<uint64_t> done{0};
  // Bumped after done, a futex word: the dumper sleeps on it until the
  // answer rather than polling. Polling every 20 us cost the wall profiler
  // ~29 wake-ups a round, each preempting a busy thread on a 2-core VM
  // (+11% CPU on bench/runtime_overhead.sh's workload at 100 Hz).
  std::atomic<uint32_t> answers{0};
};

DumpSlot g_slot;
std::mutex g_dump_mu;
uint64_t g_seq = 0;

// A dump holds g_dump_mu for up to 5 s, too long to hold fork up, and a fork
// child has no dump in flight (the dumping thread stays in the parent): the
// child gets the mutex unlocked, so that it can dump its own threads.
[[maybe_unused]] const int g_fork_handlers = [] {
  NoSamplingScope scope;  // pthread_atfork allocates
  return pthread_atfork(nullptr, nullptr, [] { new (&g_dump_mu) std::mutex; });
}();

std::vector<pid_t> Tids() {
  std::vector<pid_t> tids;
  if (DIR* dir = opendir("/proc/self/task")) {
    while (dirent* e = readdir(dir)) {
      pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
      if (tid > 0) tids.push_back(tid);
    }
    closedir(dir);
  }
  std::sort(tids.begin(), tids.end());
  return tids;
}

std::string ReadSmallFile(const std::string& path) {
  std::string s;
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    char buf[512];
    size_t n = std::fread(buf, 1, sizeof(buf), f);
    s.assign(buf, n);
    std::fclose(f);
  }
  while (!s.empty() && (s.back() == '\n' || s.back() == 0)) s.pop_back();
  return s;
}

// The state letter of /proc/<tid>/stat in words, as ps explains it.
std::string ProcState(pid_t tid) {
  std::string stat = ReadSmallFile("/proc/self/task/" + std::to_string(tid) + "/stat");
  size_t close = stat.rfind(')');
  char c = close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : '?';
  switch (c) {
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'D': return "disk sleep";
    case 'T': return "stopped";
    case 't': return "tracing stop";
    case 'Z': return "zombie";
    default: return std::string("state ") + c;
  }
}

bool IsInternal(pid_t tid) {
  std::lock_guard lock(ThreadRegistry::Get().mu());
  ThreadState* t = ThreadRegistry::Get().Find(tid);
  return t != nullptr && t->internal;
}

const LabelSetData* LabelsOf(pid_t tid) {
  std::lock_guard lock(ThreadRegistry::Get().mu());
  ThreadState* t = ThreadRegistry::Get().Find(tid);
  return t != nullptr ? t->labels.load() : nullptr;
}

// Asks one thread for its stack; false when it did not answer in time.
bool Ask(pid_t tid, StackBounds fallback, LeafCallerCheck& leaf_check, std::vector<uintptr_t>* pcs, uintptr_t* sp,
         bool* bounds_known) {
  uint64_t seq = ++g_seq & kSeqMask;
  g_slot.tid.store(tid);
  g_slot.lo.store(fallback.lo);
  g_slot.hi.store(fallback.hi);
  g_slot.seq.store(seq, std::memory_order_release);
  siginfo_t info;
  std::memset(&info, 0, sizeof(info));
  info.si_signo = SIGPROF;
  info.si_code = SI_QUEUE;
  info.si_pid = getpid();
  info.si_uid = getuid();
  info.si_value.sival_ptr = reinterpret_cast<void*>(kCookie | seq);
  if (syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, SIGPROF, &info) != 0) return false;
  auto deadline = std::chrono::steady_clock::now() + kPerThreadWait;
  for (;;) {
    uint32_t answers = g_slot.answers.load(std::memory_order_acquire);
    if (g_slot.done.load(std::memory_order_acquire) == seq) break;
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds(0)) {
      g_slot.seq.store(0);  // a late answer must not fill the slot for the next thread
      return false;
    }
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    struct timespec ts = {static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    syscall(SYS_futex, &g_slot.answers, FUTEX_WAIT_PRIVATE, answers, &ts, nullptr, 0);
  }
  pcs->assign(g_slot.pcs, g_slot.pcs + g_slot.n);
  if (!pcs->empty() && pcs->size() < kMaxStackDepth &&
      leaf_check.IsLeafCaller(g_slot.leaf_word, pcs->size() > 1 ? (*pcs)[1] : 0)) {
    pcs->insert(pcs->begin() + 1, g_slot.leaf_word);
  }
  *sp = g_slot.sp;
  *bounds_known = g_slot.bounds_known;
  return true;
}

// Ask, then again with the mapping around sp as the stack of a thread
// cpprof never saw; *fallback is what the last ask used.
bool AskWithFallback(pid_t tid, LeafCallerCheck& leaf_check, std::vector<uintptr_t>* pcs, StackBounds* fallback) {
  uintptr_t sp = 0;
  bool bounds_known = false;
  bool answered = Ask(tid, *fallback, leaf_check, pcs, &sp, &bounds_known);
  if (answered && !bounds_known) {
    *fallback = MappingAround(sp);
    answered = Ask(tid, *fallback, leaf_check, pcs, &sp, &bounds_known);
  }
  return answered;
}

}  // namespace

bool OnDumpSignal(siginfo_t* info, void* ucontext) {
  uint64_t v = reinterpret_cast<uint64_t>(info->si_value.sival_ptr);
  if (info->si_pid != getpid() || (v & ~kSeqMask) != kCookie) return false;
  uint64_t seq = v & kSeqMask;
  pid_t tid = CurrentTid();
  if (g_slot.seq.load(std::memory_order_acquire) != seq || g_slot.tid.load() != tid) return true;
  Registers regs = FromSignalContext(ucontext);
  ThreadRegistry* registry = ThreadRegistry::GetIfCreated();
  ThreadState* t = registry != nullptr ? registry->Find(tid) : nullptr;
  StackBounds bounds = t != nullptr ? t->bounds() : StackBounds{};
  if (!bounds.known()) bounds = {g_slot.lo.load(), g_slot.hi.load()};
  g_slot.bounds_known = bounds.known();
  if (bounds.known()) bounds.lo = std::max(bounds.lo, regs.sp);
  bool caller_exact;
  g_slot.n = WalkStack(regs, bounds, g_slot.pcs, kMaxStackDepth, &caller_exact);
  g_slot.pcs[0] += 1;  // a return address like the others
  g_slot.sp = regs.sp;
  g_slot.leaf_word = !caller_exact && bounds.known() && regs.sp + sizeof(uintptr_t) <= bounds.hi
                         ? *reinterpret_cast<uintptr_t*>(regs.sp)
                         : 0;
  g_slot.done.store(seq, std::memory_order_release);
  g_slot.answers.fetch_add(1, std::memory_order_release);
  syscall(SYS_futex, &g_slot.answers, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  return true;
}

std::vector<ThreadStack> DumpAllThreads() {
  std::vector<ThreadStack> out;
  if (!InstallSigprofHandler().ok()) return out;
  std::lock_guard lock(g_dump_mu);
  {
    // Fresh entries for threads cpprof did not see start, and none left for
    // dead ones whose tid a new thread may carry now (with other bounds).
    ThreadRegistry& registry = ThreadRegistry::Get();
    std::lock_guard rlock(registry.mu());
    registry.RescanForeignThreadsLocked();
  }
  auto budget_end = std::chrono::steady_clock::now() + kTotalBudget;
  LeafCallerCheck leaf_check;
  for (pid_t tid : Tids()) {
    if (IsInternal(tid)) continue;
    ThreadStack ts;
    ts.tid = tid;
    ts.name = ReadSmallFile("/proc/self/task/" + std::to_string(tid) + "/comm");
    ts.state = ProcState(tid);
    if (ts.state == "zombie") continue;
    if (std::chrono::steady_clock::now() > budget_end) {
      ts.state += ", not asked: dump time budget spent";
    } else {
      StackBounds fallback;
      bool answered = AskWithFallback(tid, leaf_check, &ts.pcs, &fallback);
      // A walk leaves the cached rules at the first frame the cache lacks;
      // once its rule is in, asking again walks further.
      for (int round = 0; answered && round < kRuleRounds && ResolveMissedFrameRules() > 0; ++round) {
        uintptr_t sp = 0;
        bool bounds_known = false;
        Ask(tid, fallback, leaf_check, &ts.pcs, &sp, &bounds_known);
      }
      if (!answered) ts.state += ", no answer within 100 ms";
    }
    ts.labels = LabelsOf(tid);
    out.push_back(std::move(ts));
  }
  return out;
}

bool DumpThreadStack(pid_t tid, LeafCallerCheck& leaf_check, std::vector<uintptr_t>* pcs) {
  if (!InstallSigprofHandler().ok()) return false;
  std::lock_guard lock(g_dump_mu);
  StackBounds fallback;
  return AskWithFallback(tid, leaf_check, pcs, &fallback);
}

int64_t CountThreads() {
  int64_t n = 0;
  for (pid_t tid : Tids()) n += !IsInternal(tid);
  return n;
}

}  // namespace cpprof::runtime
