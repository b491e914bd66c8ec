// Turns raw stacks (return addresses) into a symbolized cpprof::Profile:
// one Mapping per executable segment of each loaded module (with build id),
// one Location per distinct address with its inline chain as Lines, demangled
// function names, and has_* flags that say what the lookups really found.
// Runs at write time on the writer's thread, never in a signal handler.
#ifndef CPPROF_RUNTIME_PROFILE_BUILDER_H_
#define CPPROF_RUNTIME_PROFILE_BUILDER_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "profile/profile.h"
#include "runtime/labels.h"

namespace cpprof::runtime {

struct StackRecord {
  std::vector<uintptr_t> pcs;  // return addresses, leaf first
  const LabelSetData* labels = nullptr;
  std::vector<int64_t> values;
  std::string pseudo_frame;  // when set, the stack is this one synthetic frame
  struct NumericLabel {
    std::string key;
    int64_t value;
    std::string unit;  // "" leaves the unit to pprof's inference (Go writes "bytes" without one)
  };
  std::vector<NumericLabel> numeric_labels;  // after the string labels
};

struct ProfileHeader {
  std::vector<std::pair<std::string, std::string>> sample_types;  // (type, unit)
  std::pair<std::string, std::string> period_type;
  int64_t period = 0;
  int64_t time_nanos = 0;
  int64_t duration_nanos = 0;
  std::string drop_frames;          // pprof prunes matching frames and all below
  std::string default_sample_type;  // "" = pprof's default, the last type
  std::vector<std::string> comments;
};

struct BuiltProfile {
  Profile profile;
  // Location index -> offset of its address from its function's ELF symbol
  // (Go's "+0x.." in debug=1 text), 0 when unknown.
  std::vector<uint64_t> symbol_offsets;
};

BuiltProfile BuildProfile(const ProfileHeader& header, const std::vector<StackRecord>& records);

// Wall-clock time for time_nanos, in nanoseconds since the Unix epoch.
int64_t NowNanos();

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_PROFILE_BUILDER_H_
