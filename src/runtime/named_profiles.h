// The named profiles: heap, allocs, mutex and block (their data lives in
// heap_profiler.h and contention_profiler.h; here only their names), and the
// count profiles goroutine (alias threads: every thread's stack),
// threadcreate (the creating stack of every thread created since cpprof
// loaded) and custom profiles made by NewProfile. Each yields a CountTable of
// (stack, labels) -> count, written as Go writes count profiles.
//
// Thread-safe. Not for signal handlers.
#ifndef CPPROF_RUNTIME_NAMED_PROFILES_H_
#define CPPROF_RUNTIME_NAMED_PROFILES_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "runtime/contention_profiler.h"
#include "runtime/labels.h"
#include "util/status.h"

namespace cpprof::runtime {

using StackKey = std::pair<std::vector<uintptr_t>, const LabelSetData*>;
using CountTable = std::map<StackKey, int64_t>;

// Sorted names of every profile, custom ones included.
std::vector<std::string> ProfileNames();
bool ProfileExists(const std::string& name);
// Creates a custom profile; an error for a taken or empty name.
Status CreateCustomProfile(const std::string& name);

int64_t ProfileCount(const std::string& name);
// heap and allocs: written from heap buckets (heap_format.h), not a CountTable.
bool IsHeapProfile(const std::string& name);
// mutex and block: written from contention records (contention_format.h).
bool IsContentionProfile(const std::string& name);
ContentionKind ContentionKindOf(const std::string& name);
CountTable CollectProfile(const std::string& name);
// Whether `seconds=N` deltas are offered (Go's profileSupportsDelta).
bool SupportsDelta(const std::string& name);

// Custom profiles: the stack of Add's caller's caller, skipping `skip` more.
void CustomAdd(const std::string& name, uint64_t key, int skip);
void CustomRemove(const std::string& name, uint64_t key);

// Records the calling thread's stack as a thread-creation site; called by the
// interposed pthread_create.
void RecordThreadCreate();

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_NAMED_PROFILES_H_
