// Tested by tests/runtime/named_profiles_test.cc.
#include "runtime/named_profiles.h"

#include <pthread.h>

#include <algorithm>
#include <mutex>

#include "runtime/contention_profiler.h"
#include "runtime/heap_profiler.h"
#include "runtime/heap_sampler.h"
#include "runtime/stack_walk.h"
#include "runtime/thread_dump.h"
#include "runtime/thread_registry.h"

namespace cpprof::runtime {
namespace {

struct Custom {
  std::map<uint64_t, StackKey> entries;
};

struct State {
  std::mutex mu;
  std::map<std::string, Custom> custom;
  // Aggregated by stack: a program creating 1,000 threads/s from a handful of
  // sites keeps a handful of entries, not one per thread.
  CountTable thread_creates;
  int64_t threads_created = 0;
};

State& S();

// Fork: every child that creates a thread locks mu in RecordThreadCreate,
// so a child must not inherit mu locked by a thread that does not exist
// there: it waited forever in pthread_mutex_lock (shown by stopping a thread
// between lock and unlock while another forks; in the torture test a hung
// child blocks the parent's waitpid until the watchdog). mu is held across
// fork, so the child's tables are whole. These handlers are registered after
// those of the constructors (heap, sample pages, contention), so prepare
// takes mu before their locks: the order in which CustomAdd's sampled
// allocation and the contention hooks on mu nest them. No path holds mu and
// the registry's mutex together.
void LockForFork() { S().mu.lock(); }
void UnlockAfterFork() { S().mu.unlock(); }

State& S() {
  static State* s = [] {
    NoSamplingScope scope;    // cpprof's allocations, pthread_atfork's too
    auto* state = new State;  // immortal: threads may be created during exit
    pthread_atfork(LockForFork, UnlockAfterFork, UnlockAfterFork);
    return state;
  }();
  return *s;
}

bool IsThreads(const std::string& name) { return name == "goroutine" || name == "threads"; }
bool IsBuiltIn(const std::string& name) {
  return IsThreads(name) || IsHeapProfile(name) || IsContentionProfile(name) || name == "threadcreate";
}

// The stack starting in CallerStack's caller, skipping `skip` frames.
__attribute__((noinline)) std::vector<uintptr_t> CallerStack(int skip) {
  uintptr_t pcs[kMaxStackDepth];
  int n = CaptureCurrentStack(SelfStackBoundsIfRegistered(), skip + 1, pcs, kMaxStackDepth);  // +1: CallerStack itself
  return std::vector<uintptr_t>(pcs, pcs + n);
}

}  // namespace

std::vector<std::string> ProfileNames() {
  std::vector<std::string> names = {"allocs", "block", "goroutine", "heap", "mutex", "threadcreate", "threads"};
  std::lock_guard lock(S().mu);
  for (const auto& [name, _] : S().custom) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

bool IsHeapProfile(const std::string& name) { return name == "heap" || name == "allocs"; }
bool IsContentionProfile(const std::string& name) { return name == "mutex" || name == "block"; }

ContentionKind ContentionKindOf(const std::string& name) {
  return name == "mutex" ? ContentionKind::kMutex : ContentionKind::kBlock;
}

bool ProfileExists(const std::string& name) {
  if (IsBuiltIn(name)) return true;
  std::lock_guard lock(S().mu);
  return S().custom.count(name) != 0;
}

Status CreateCustomProfile(const std::string& name) {
  if (name.empty()) return Status::Error("NewProfile: empty profile name");
  // Names of the routes next to the profiles, to keep /debug/pprof/<name> unambiguous.
  if (IsBuiltIn(name) || name == "profile" || name == "cmdline" || name == "symbol" || name == "trace" ||
      name == "wall") {
    return Status::Error("NewProfile: name " + name + " is reserved");
  }
  std::lock_guard lock(S().mu);
  if (!S().custom.emplace(name, Custom{}).second) {
    return Status::Error("NewProfile: name already in use: " + name);
  }
  return {};
}

int64_t ProfileCount(const std::string& name) {
  if (IsThreads(name)) return CountThreads();
  if (IsHeapProfile(name)) return static_cast<int64_t>(SnapshotHeapBuckets().size());  // Go: MemProfile records
  if (IsContentionProfile(name)) return static_cast<int64_t>(SnapshotContention(ContentionKindOf(name)).size());
  std::lock_guard lock(S().mu);
  if (name == "threadcreate") return S().threads_created;
  auto it = S().custom.find(name);
  return it == S().custom.end() ? 0 : static_cast<int64_t>(it->second.entries.size());
}

CountTable CollectProfile(const std::string& name) {
  CountTable table;
  if (IsThreads(name)) {
    for (const ThreadStack& t : DumpAllThreads()) table[{t.pcs, t.labels}] += 1;
    return table;
  }
  std::lock_guard lock(S().mu);
  if (name == "threadcreate") return S().thread_creates;
  auto it = S().custom.find(name);
  if (it == S().custom.end()) return table;
  for (const auto& [key, stack] : it->second.entries) table[stack] += 1;
  return table;
}

bool SupportsDelta(const std::string& name) { return IsBuiltIn(name); }

void CustomAdd(const std::string& name, uint64_t key, int skip) {
  // Skips CustomAdd and ProfileRef::Add: skip=0 starts in Add's caller, as in Go.
  StackKey stack{CallerStack(skip + 2), nullptr};
  if (ThreadState* self = ThreadRegistry::Get().SelfIfRegistered()) stack.second = self->labels.load();
  std::lock_guard lock(S().mu);
  auto it = S().custom.find(name);
  if (it != S().custom.end()) it->second.entries.emplace(key, std::move(stack));
}

void CustomRemove(const std::string& name, uint64_t key) {
  std::lock_guard lock(S().mu);
  auto it = S().custom.find(name);
  if (it != S().custom.end()) it->second.entries.erase(key);
}

void RecordThreadCreate() {
  // Skips RecordThreadCreate and the interposed pthread_create.
  StackKey stack{CallerStack(2), nullptr};
  if (ThreadState* self = ThreadRegistry::Get().SelfIfRegistered()) stack.second = self->labels.load();
  std::lock_guard lock(S().mu);
  S().thread_creates[stack] += 1;
  S().threads_created += 1;
}

}  // namespace cpprof::runtime
