// Tested by tests/runtime/named_profiles_test.cc.
#include "runtime/labels.h"

#include <pthread.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "runtime/heap_sampler.h"
#include "runtime/thread_registry.h"

namespace cpprof::runtime {
namespace {

struct Interned {
  std::mutex mu;
  std::map<LabelSet, const LabelSetData*> sets;
};

Interned& Table();

// A fork child that sets labels must not inherit mu locked by a thread it
// does not have (it would wait forever), nor a half-inserted map: mu is held
// across fork. Nothing nests inside mu (its allocations are not sampled), so
// the order of fork handlers does not matter.
void LockForFork() { Table().mu.lock(); }
void UnlockAfterFork() { Table().mu.unlock(); }

Interned& Table() {
  static Interned* table = [] {
    NoSamplingScope scope;          // pthread_atfork allocates
    auto* interned = new Interned;  // immortal: samples outlive statics
    pthread_atfork(LockForFork, UnlockAfterFork, UnlockAfterFork);
    return interned;
  }();
  return *table;
}

}  // namespace

const LabelSetData* MergeLabels(const LabelSetData* base, const LabelSet& add) {
  std::map<std::string, std::string> merged;
  if (base != nullptr) merged.insert(base->entries.begin(), base->entries.end());
  for (const auto& [k, v] : add) merged[k] = v;
  if (merged.empty()) return nullptr;
  LabelSet key(merged.begin(), merged.end());
  Interned& t = Table();
  NoSamplingScope scope;  // no heap profiler lock inside mu (see LockForFork)
  std::lock_guard lock(t.mu);
  auto it = t.sets.find(key);
  if (it != t.sets.end()) return it->second;
  const LabelSetData* data = new LabelSetData{key};
  t.sets.emplace(std::move(key), data);
  return data;
}

std::string FormatLabels(const LabelSetData* labels) {
  std::string out = "{";
  if (labels != nullptr) {
    for (size_t i = 0; i < labels->entries.size(); ++i) {
      if (i > 0) out += ", ";
      out += "\"" + labels->entries[i].first + "\":\"" + labels->entries[i].second + "\"";
    }
  }
  return out + "}";
}

}  // namespace cpprof::runtime

namespace cpprof {

ScopedLabels::ScopedLabels(const LabelSet& labels) noexcept : previous_(nullptr) {
  try {
    runtime::ThreadState* self = runtime::ThreadRegistry::Get().Self();
    if (self == nullptr) return;
    previous_ = self->labels.load(std::memory_order_relaxed);
    self->labels.store(runtime::MergeLabels(static_cast<const runtime::LabelSetData*>(previous_), labels),
                       std::memory_order_release);
  } catch (...) {
  }
}

ScopedLabels::~ScopedLabels() {
  runtime::ThreadState* self = runtime::ThreadRegistry::Get().SelfIfRegistered();
  if (self != nullptr)
    self->labels.store(static_cast<const runtime::LabelSetData*>(previous_), std::memory_order_release);
}

LabelSet CurrentLabels() noexcept {
  runtime::ThreadState* self = runtime::ThreadRegistry::Get().SelfIfRegistered();
  if (self == nullptr) return {};
  const runtime::LabelSetData* data = self->labels.load(std::memory_order_acquire);
  try {
    return data != nullptr ? data->entries : LabelSet{};
  } catch (...) {
    return {};
  }
}

}  // namespace cpprof
